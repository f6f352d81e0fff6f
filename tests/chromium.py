"""Drive the demo page in Debian's Chromium through Playwright, as a visitor would.

Playwright's own browser download is not used: tests/test_browser.py and
scripts/readme_screenshots.py launch the Chromium that Debian installs at
/usr/bin/chromium. Every page blocks and records requests to hosts other than the demo
server, because the page must work offline.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Page, Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from demo.i18n import LANGUAGE_NAMES, translate

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_MISSING = (
    f"Debian's Chromium was not found at {CHROMIUM}. Install it with 'sudo apt-get install chromium' "
    "('make test' installs it when run as root). Playwright's own browser download is not used."
)

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "vi": "vi-VN"}
ACCEPT_LANGUAGE = {"en": "en-US,en;q=0.9", "vi": "vi-VN,vi;q=0.9,en;q=0.5"}

# Milliseconds. The page and one update are usually ready within a few seconds, but
# exporting the canvas in software WebGL and tracing the drawing on the server take much
# longer when other jobs load the machine.
LOAD_TIMEOUT_MS = 60_000
UPDATE_TIMEOUT_MS = 30_000

# Strokes as lists of (x, y) fractions of the sketchpad canvas element. The white drawing
# area is a square in the middle of that element, and every point lies inside it.
ONE = [[(0.5, 0.2), (0.5, 0.35), (0.5, 0.5), (0.5, 0.65), (0.5, 0.8)]]
SEVEN = [
    [(0.3, 0.22), (0.45, 0.22), (0.6, 0.22), (0.72, 0.22)],
    [(0.72, 0.22), (0.66, 0.35), (0.6, 0.48), (0.54, 0.62), (0.48, 0.8)],
]

CANVAS = "#sketch canvas"
BRUSH_SELECTED = '#sketch button[title="Brush"].highlight'
CLEAR_BUTTON = '#sketch button[title="Clear canvas"]'
INPUT_IMAGE_HREF_JS = "() => document.querySelector('#input-grid image')?.getAttribute('href') ?? null"


@dataclass
class DemoPage:
    """An open demo page, the requests to other hosts that it blocked and its uncaught script errors."""

    context: BrowserContext
    page: Page
    outside_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's headless Chromium, or raise FileNotFoundError when it is not installed."""
    if not CHROMIUM.is_file():
        raise FileNotFoundError(CHROMIUM_MISSING)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def open_demo(browser: Browser, url: str, lang: str, viewport: dict[str, int]) -> DemoPage:
    """Open the demo in a new context whose browser prefers ``lang`` ("en" or "vi").

    Returns once the header is in ``lang`` and the sketchpad's brush is selected, so that
    the next mouse stroke draws. The caller closes ``DemoPage.context``.
    """
    context = browser.new_context(
        viewport=viewport,
        locale=LOCALES[lang],
        extra_http_headers={"Accept-Language": ACCEPT_LANGUAGE[lang]},
        device_scale_factor=1,
    )
    demo = DemoPage(context, context.new_page())
    demo_host = urlparse(url).netloc

    def block_other_hosts(route, request):
        if request.url.startswith(("data:", "blob:")) or urlparse(request.url).netloc == demo_host:
            return route.continue_()
        demo.outside_requests.append(request.url)
        return route.abort()

    context.route("**/*", block_other_hosts)
    demo.page.on("pageerror", lambda error: demo.page_errors.append(str(error)))
    demo.page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
    # The page is built in English. The load event then reads Accept-Language and
    # re-renders the labels, so a Vietnamese header arrives a moment later.
    wait_for_title(demo.page, lang)
    demo.page.wait_for_selector(BRUSH_SELECTED, timeout=LOAD_TIMEOUT_MS)
    return demo


def wait_for_title(page: Page, lang: str, timeout: float = UPDATE_TIMEOUT_MS) -> None:
    page.wait_for_function(
        "title => document.querySelector('#page-header h1')?.textContent === title",
        arg=translate(lang, "page_title"),
        timeout=timeout,
    )


def input_image_href(page: Page) -> str | None:
    """Return the data URI of the 28 x 28 input image that the page shows."""
    return page.evaluate(INPUT_IMAGE_HREF_JS)


def draw_strokes(page: Page, strokes: list[list[tuple[float, float]]]) -> None:
    """Draw ``strokes`` with the mouse and wait for the page to show each stroke.

    Gradio 6.31's sketchpad sends one update per stroke, when the button is released.
    Waiting for the input image to change after every stroke means that, on return, the
    views show the whole drawing and no update for an earlier stroke can still arrive.
    The brush joins the pointer positions with straight lines, so two moves per segment
    draw the same line as many.
    """
    page.wait_for_selector(BRUSH_SELECTED, timeout=UPDATE_TIMEOUT_MS)
    canvas = page.locator(CANVAS).first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    if box is None:
        raise AssertionError("The sketchpad canvas has no bounding box, so it is not displayed.")

    def point(x: float, y: float) -> tuple[float, float]:
        return box["x"] + x * box["width"], box["y"] + y * box["height"]

    for number, stroke in enumerate(strokes, start=1):
        before = input_image_href(page)
        page.mouse.move(*point(*stroke[0]))
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(*point(x, y), steps=2)
        page.mouse.up()
        try:
            page.wait_for_function(
                f"before => ({INPUT_IMAGE_HREF_JS})() !== before", arg=before, timeout=UPDATE_TIMEOUT_MS
            )
        except PlaywrightTimeoutError as error:
            raise TimeoutError(
                f"The input grid did not change within {UPDATE_TIMEOUT_MS / 1000:g} s after stroke {number} of "
                f"{len(strokes)}, so the page did not show the drawing."
            ) from error


def clear_canvas(page: Page) -> None:
    """Press the sketchpad's clear button and wait for the empty-canvas prediction."""
    page.locator(CLEAR_BUTTON).click()
    try:
        page.wait_for_selector("#prediction[data-state='blank']", timeout=UPDATE_TIMEOUT_MS)
        page.wait_for_selector("#input-grid[data-blank='true']", timeout=UPDATE_TIMEOUT_MS)
    except PlaywrightTimeoutError as error:
        state = page.locator("#prediction").get_attribute("data-state")
        raise TimeoutError(
            f"The prediction still had data-state={state!r} {UPDATE_TIMEOUT_MS / 1000:g} s after clearing the canvas, "
            "expected 'blank'."
        ) from error


def set_step(page: Page, step: int) -> None:
    """Type ``step`` into the number box of the timestep slider and wait for the feed.

    The server re-renders the feed, and a script in the page moves the heatmaps' step
    markers, so both are waited for.
    """
    number_box = page.locator("#step input[type='number']")
    number_box.fill(str(step))
    number_box.press("Enter")
    page.wait_for_selector(f"#feed[data-step='{step}']", state="attached", timeout=UPDATE_TIMEOUT_MS)
    page.wait_for_function(
        "step => [...document.querySelectorAll('.states-view, .belief-view')].every(view => view.dataset.step === String(step))",
        arg=step,
        timeout=UPDATE_TIMEOUT_MS,
    )


def select_language(page: Page, lang: str) -> None:
    """Click the language switch and wait until the header is in ``lang``."""
    page.locator("#language label", has_text=LANGUAGE_NAMES[lang]).click()
    wait_for_title(page, lang)
