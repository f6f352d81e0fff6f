"""Take screenshots of a running demo after drawing a digit with mouse strokes.

Drives Debian's Chromium through Playwright, at 1400 x 900 and 390 x 844, in Vietnamese
and English. Requests to any host other than the demo's are blocked and listed, because
the page must work offline.

    python scripts/screenshots.py --url http://127.0.0.1:7860 --output /tmp/demo-shots
"""

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "tests"))

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the browser test's launch settings)
from demo.i18n import translate  # noqa: E402

VIEWPORTS = {"wide": (1400, 900), "phone": (390, 844)}
ACCEPT_LANGUAGE = {"vi": "vi-VN,vi;q=0.9,en;q=0.5", "en": "en-US,en;q=0.9"}

# A "7": the top bar, then the diagonal, as fractions of the canvas.
SEVEN = [[(0.28, 0.22), (0.5, 0.22), (0.72, 0.22)], [(0.72, 0.22), (0.6, 0.45), (0.5, 0.65), (0.44, 0.82)]]


def draw_strokes(page, strokes) -> None:
    canvas = page.locator("#sketch canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=8)
        page.mouse.up()
        time.sleep(0.2)


def wait_until_settled(page, selector: str, quiet: float = 3.0, timeout: float = 40.0) -> None:
    """Wait until the element's HTML has not changed for ``quiet`` seconds.

    Each stroke sends one update, and in a headless browser without a GPU the canvas
    export can take seconds, so the last update may arrive well after the drawing.
    """
    started = time.monotonic()
    last = page.locator(selector).inner_html()
    changed_at = time.monotonic()
    while time.monotonic() - started < timeout:
        time.sleep(0.5)
        current = page.locator(selector).inner_html()
        if current != last:
            last, changed_at = current, time.monotonic()
        elif time.monotonic() - changed_at >= quiet:
            return
    raise TimeoutError(f"{selector} kept changing for {timeout} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860", help="address of the running demo")
    parser.add_argument("--output", type=Path, default=Path("/tmp/demo-shots"), help="folder for the PNG files")
    parser.add_argument("--step", type=int, default=14, help="timestep to show in the feed (1..28)")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    demo_host = urlparse(args.url).netloc
    blocked: list[str] = []
    report = {}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for lang, header in ACCEPT_LANGUAGE.items():
            for name, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="vi-VN" if lang == "vi" else "en-US",
                    extra_http_headers={"Accept-Language": header},
                    device_scale_factor=1,
                )

                def route(request_route, request):
                    if urlparse(request.url).netloc not in (demo_host, "") and not request.url.startswith("data:"):
                        blocked.append(request.url)
                        return request_route.abort()
                    return request_route.continue_()

                context.route("**/*", route)
                page = context.new_page()
                page.goto(args.url, wait_until="load")
                # The page opens in the server's default language and switches once the load
                # event has read the Accept-Language header.
                page.wait_for_function(
                    "title => document.querySelector('#page-header h1')?.textContent === title",
                    arg=translate(lang, "page_title"),
                    timeout=30000,
                )
                time.sleep(1.0)
                page.screenshot(path=str(args.output / f"{name}-{lang}-empty.png"), full_page=False)
                draw_strokes(page, SEVEN)
                page.wait_for_selector("#prediction[data-state='digit'], #prediction[data-state='unsure']", timeout=30000)
                wait_until_settled(page, "#input-box")
                slider = page.locator("#step input[type='number']").first
                slider.fill(str(args.step))
                slider.press("Enter")
                page.wait_for_selector(f"#feed[data-step='{args.step}']", timeout=15000)
                # Scrolled to the top, the sticky input column is drawn where it starts.
                page.evaluate("window.scrollTo(0, 0)")
                time.sleep(1.0)
                page.screenshot(path=str(args.output / f"{name}-{lang}-full.png"), full_page=True)
                report[f"{name}-{lang}"] = {
                    "digit": page.locator("#prediction").get_attribute("data-digit"),
                    "state": page.locator("#prediction").get_attribute("data-state"),
                    "feed_step": page.locator("#feed").get_attribute("data-step"),
                    "page_width": page.evaluate("document.documentElement.scrollWidth"),
                    "title": page.title(),
                }
                context.close()
        browser.close()

    print(json.dumps(report, indent=2, ensure_ascii=False))
    if blocked:
        print("Blocked requests to other hosts:", *sorted(set(blocked)), sep="\n  ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
