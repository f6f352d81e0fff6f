"""The real page in a real browser: draw digits with the mouse and read what the page shows.

Starts ``python -m demo`` on 127.0.0.1 with the shipped models in assets/models and drives
Debian's headless Chromium through Playwright. The desktop tests share one page in
English (1400 x 900) and run in file order. A test that needs a drawn 7 draws it when the
page does not show one, so each test also runs on its own. Screenshots go to
test-artifacts/browser/, and the run prints that folder at its start and end.

A missing /usr/bin/chromium fails the tests: install Debian's chromium package.
"""

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from chromium import (
    CANVAS,
    UPDATE_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_MISSING,
    DESKTOP,
    ONE,
    PHONE,
    SEVEN,
    DemoPage,
    clear_canvas,
    draw_strokes,
    launch_chromium,
    open_demo,
    select_language,
    set_step,
)
from demo.i18n import translate
from model.network import TIMESTEPS
from model.trace import GATE_NAMES
from servers import REPO_ROOT, demo_server

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
MARKER_COLOUR = "#e66101"  # the stroke of the current-row outline in demo/views.py
HEATMAP_IDS = ["hidden-heatmap", "cell-state-heatmap"] + [
    f"gate-{name.replace('_', '-')}-heatmap" for name in GATE_NAMES["lstm"]
]
FEED_IDS = ["feed-image", "feed-probabilities", "feed-input-row", "feed-hidden", "feed-cell-state"]

expect.set_options(timeout=UPDATE_TIMEOUT_MS)

# Returns the top-3 percentages that the browser breaks over more than one line.
WRAPPED_PERCENTAGES_JS = """
() => [...document.querySelectorAll('#prediction .top-percent')]
  .filter((span) => {
    const range = document.createRange();
    range.selectNodeContents(span);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1;
  })
  .map((span) => span.textContent)
"""

# Lists the elements whose right edge is beyond the viewport, to name the cause of an overflow.
OVERFLOWING_ELEMENTS_JS = """
() => [...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8)
  .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${[...element.classList].join('.')} `
    + `right=${Math.round(element.getBoundingClientRect().right)}`)
"""


def print_outside_capture(config: pytest.Config, message: str) -> None:
    """Print ``message`` to the terminal even while pytest captures output."""
    capture = config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{message}", flush=True)


@pytest.fixture(scope="module")
def artifacts(request) -> Iterator[Path]:
    """The emptied screenshot folder, printed before the first test and after the last."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in [*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*.log")]:
        old.unlink()
    print_outside_capture(request.config, f"Browser test screenshots: {ARTIFACTS}")
    yield ARTIFACTS
    count = len(list(ARTIFACTS.glob("*.png")))
    print_outside_capture(request.config, f"Browser test screenshots ({count} files) and server log: {ARTIFACTS}")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server(artifacts) -> Iterator[str]:
    with demo_server(artifacts / "demo.log") as url:
        yield url


# Fixtures and tests request ``browser`` before ``server``, so a missing Chromium fails
# before the server spends half a minute starting.
@pytest.fixture(scope="module")
def english(browser, server) -> Iterator[DemoPage]:
    """The desktop page in English that the desktop tests share."""
    demo = open_demo(browser, server, "en", DESKTOP)
    try:
        yield demo
    finally:
        demo.context.close()


def save(page: Page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def show_seven(page: Page) -> None:
    """Draw a 7 unless the page already shows one."""
    if page.locator("#prediction").get_attribute("data-digit") != "7":
        clear_canvas(page)
        draw_strokes(page, SEVEN)


def decode_data_uri(uri: str | None) -> Image.Image:
    assert uri is not None, "the <image> has no href"
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix), f"the <image> href is not a PNG data URI: {uri[:60]!r}"
    return Image.open(io.BytesIO(base64.b64decode(uri[len(prefix) :])))


def figure_images(page: Page, element_id: str) -> list[Image.Image]:
    """Decode every <image> of the SVG figure ``element_id``, in document order."""
    hrefs = page.locator(f"#{element_id} image").evaluate_all("images => images.map(image => image.getAttribute('href'))")
    return [decode_data_uri(href) for href in hrefs]


def page_widths(page: Page) -> tuple[int, int]:
    """Return (document scroll width, viewport width) in CSS px."""
    return page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")


# Desktop, English -------------------------------------------------------------------------


def test_page_opens_in_english(english, artifacts):
    page = english.page
    save(page, "01-desktop-en-empty")

    expect(page.locator("#page-header h1")).to_have_text(translate("en", "page_title"))
    expect(page.locator("#language input[value='en']")).to_be_checked()
    expect(page.locator("#prediction")).to_have_attribute("data-state", "blank")
    expect(page.locator("#prediction .blank-message")).to_have_text(f"✎ {translate('en', 'blank_empty')}")
    expect(page.locator(CANVAS).first).to_be_visible()


def test_drawn_one_then_seven_are_read(english, artifacts):
    page = english.page
    prediction = page.locator("#prediction")
    clear_canvas(page)

    draw_strokes(page, ONE)
    save(page, "02-desktop-en-one")
    expect(prediction).to_have_attribute("data-digit", "1")
    expect(prediction).to_have_attribute("data-state", "digit")
    expect(page.locator(".prediction-reads")).to_have_text(f"{translate('en', 'prediction_reads')} 1")
    # Checked after the 7, so that a layout fault does not hide whether the 7 is read.
    wrapped_after_one = page.evaluate(WRAPPED_PERCENTAGES_JS)

    clear_canvas(page)
    draw_strokes(page, SEVEN)
    save(page, "03-desktop-en-seven")
    save(page, "03-desktop-en-seven-full", full_page=True)
    expect(prediction).to_have_attribute("data-digit", "7")
    expect(prediction).to_have_attribute("data-state", "digit")
    expect(page.locator(".prediction-reads")).to_have_text(f"{translate('en', 'prediction_reads')} 7")

    assert wrapped_after_one == [], "top-3 percentages broken over two lines at 1400 px (see 02-desktop-en-one.png)"


def test_seven_renders_input_grid_and_heatmaps(english, artifacts):
    page = english.page
    show_seven(page)

    grid = page.locator("#input-grid")
    expect(grid).to_be_visible()
    expect(grid).to_have_attribute("data-blank", "false")
    assert grid.bounding_box()["width"] >= 200
    (pixels,) = figure_images(page, "input-grid")
    assert pixels.size == (28, 28)
    darkness = [255 - value for value in pixels.convert("L").getdata()]
    assert sum(value > 128 for value in darkness) >= 20, "the 28 x 28 input shows almost no ink"
    assert sum(value < 16 for value in darkness) >= 28 * 28 // 2, "the 28 x 28 input is mostly ink"

    for element_id in FEED_IDS:
        expect(page.locator(f"#{element_id}")).to_be_visible()

    for element_id in HEATMAP_IDS:
        heatmap = page.locator(f"#{element_id}")
        expect(heatmap).to_be_visible()
        assert heatmap.bounding_box()["width"] >= 150, f"#{element_id} is narrower than 150 px"
        (image,) = figure_images(page, element_id)
        assert image.size == (int(heatmap.get_attribute("data-units")), TIMESTEPS), element_id
        low, high = image.convert("L").getextrema()
        assert high - low > 20, f"#{element_id} is a single colour"

    belief = page.locator("#belief-heatmap")
    expect(belief).to_be_visible()
    expect(belief).to_have_attribute("data-digit", "7")
    ink, probabilities = figure_images(page, "belief-heatmap")
    assert ink.size == (28, 28)
    assert probabilities.size == (10, TIMESTEPS)

    page.locator("#states-box").scroll_into_view_if_needed()
    save(page, "04-desktop-en-heatmaps")


@pytest.mark.parametrize("step", [5, 20])
def test_step_slider_moves_highlighted_row(english, artifacts, step):
    page = english.page
    show_seven(page)

    set_step(page, step)
    page.locator("#feed-box").scroll_into_view_if_needed()
    save(page, f"05-desktop-en-step-{step}")

    expect(page.locator("#feed")).to_have_attribute("data-step", str(step))
    expect(page.locator(".feed-status")).to_have_text(translate("en", "feed_status", step=step))
    expect(page.locator("#feed-image")).to_have_attribute("data-step", str(step))
    expect(page.locator("#feed-probabilities")).to_have_attribute("data-step", str(step))

    # The outline's row follows from its y and height, relative to the image's top.
    image_top = float(page.locator("#feed-image image").get_attribute("y"))
    outline = page.locator(f"#feed-image rect[stroke='{MARKER_COLOUR}']")
    expect(outline).to_have_count(1)
    outlined_row = (float(outline.get_attribute("y")) - image_top) / float(outline.get_attribute("height")) + 1
    assert outlined_row == pytest.approx(step)
    expect(page.locator("#feed-image text", has_text=translate("en", "row_marker", step=step))).to_have_count(1)

    markers = page.locator(".step-marker").evaluate_all(
        "markers => markers.map(marker => [marker.closest('svg').id, parseFloat(marker.getAttribute('y')),"
        " parseFloat(marker.dataset.y0), parseFloat(marker.dataset.rowHeight)])"
    )
    assert sorted(svg_id for svg_id, *_ in markers) == sorted(HEATMAP_IDS + ["belief-heatmap"])
    for svg_id, y, top, row_height in markers:
        assert y == pytest.approx(top + (step - 1) * row_height), f"the step marker of #{svg_id} is not on row {step}"
    for svg_id in HEATMAP_IDS + ["belief-heatmap"]:
        data_step = page.locator(f"#{svg_id}").get_attribute("data-step")
        assert data_step == str(step), f"#{svg_id} has data-step={data_step} after the slider moved to {step}"


def test_language_switch_shows_vietnamese(english, artifacts):
    page = english.page
    show_seven(page)

    select_language(page, "vi")
    try:
        expect(page.locator("#page-header h1")).to_have_text(translate("vi", "page_title"))
        expect(page.locator("#language input[value='vi']")).to_be_checked()
        expect(page.locator("#step [data-testid='block-info']")).to_have_text(translate("vi", "step_label"))
        expect(page.locator("#prediction .view-heading")).to_have_text(translate("vi", "prediction_heading"))
        expect(page.locator(".prediction-reads")).to_have_text(f"{translate('vi', 'prediction_reads')} 7")
        expect(page.locator("#draw-tab-button")).to_have_text(translate("vi", "tab_draw"))
        expect(page.locator("#upload-tab-button")).to_have_text(translate("vi", "tab_upload"))
        page.evaluate("window.scrollTo(0, 0)")
        save(page, "06-desktop-vi-seven")
        save(page, "06-desktop-vi-seven-full", full_page=True)
    finally:
        select_language(page, "en")
        expect(page.locator("#draw-tab-button")).to_have_text(translate("en", "tab_draw"))


def test_clear_shows_draw_prompt(english, artifacts):
    page = english.page
    show_seven(page)

    clear_canvas(page)
    save(page, "07-desktop-en-cleared")

    expect(page.locator("#prediction")).to_have_attribute("data-state", "blank")
    expect(page.locator("#prediction .blank-message")).to_have_text(f"✎ {translate('en', 'blank_empty')}")
    expect(page.locator("#input-grid")).to_have_attribute("data-blank", "true")
    expect(page.locator("#feed")).to_have_attribute("data-empty", "true")
    expect(page.locator("#feed-empty")).to_have_text(translate("en", "placeholder_draw"))
    expect(page.locator("#hidden-heatmap")).to_have_count(0)


def test_desktop_page_has_no_script_errors(english):
    assert english.page_errors == []


def test_desktop_page_requests_only_demo_server(english):
    assert english.outside_requests == []


# Phone -----------------------------------------------------------------------------------


def test_phone_width_does_not_overflow(browser, server, artifacts):
    demo = open_demo(browser, server, "en", PHONE)
    page = demo.page
    try:
        save(page, "08-phone-en-empty")
        canvas = page.locator(CANVAS).first
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= PHONE["width"], box
        scroll_width, viewport_width = page_widths(page)
        assert scroll_width <= viewport_width + 1, page.evaluate(OVERFLOWING_ELEMENTS_JS)

        # The filled views hold the widest figures, so the check is repeated after a drawing.
        draw_strokes(page, SEVEN)
        page.evaluate("window.scrollTo(0, 0)")
        save(page, "09-phone-en-seven-full", full_page=True)
        expect(page.locator("#prediction")).to_have_attribute("data-digit", "7")
        scroll_width, viewport_width = page_widths(page)
        assert scroll_width <= viewport_width + 1, page.evaluate(OVERFLOWING_ELEMENTS_JS)

        assert demo.page_errors == []
        assert demo.outside_requests == []
    finally:
        demo.context.close()
