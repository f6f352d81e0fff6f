"""Write the READMEs' screenshots: docs/screenshot.png (English) and docs/screenshot-vi.png.

Starts the demo with the shipped models on a free port of 127.0.0.1, opens it in Debian's
Chromium at 1400 x 900 with the browser preferring each language, draws a 7 with the mouse
and moves the timestep slider. Each image shows the page from the header down to the
hidden-state heatmap: the prediction, the 28 x 28 input, the timestep feed and the first
heatmap. Run from the repository root:

    python scripts/readme_screenshots.py
"""

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "tests"))

from chromium import DESKTOP, SEVEN, draw_strokes, launch_chromium, open_demo, set_step  # noqa: E402
from servers import demo_server  # noqa: E402

OUTPUT = REPOSITORY / "docs"
FILE_NAMES = {"en": "screenshot.png", "vi": "screenshot-vi.png"}
MAX_BYTES = 600 * 1024  # larger PNGs are reduced to 256 colours
MARGIN = 24  # px of page kept below the hidden-state heatmap


def encode_png(image: Image.Image, max_bytes: int = MAX_BYTES) -> bytes:
    """Encode ``image`` as an optimised PNG, reduced to 256 colours if it exceeds ``max_bytes``."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    if buffer.tell() <= max_bytes:
        return buffer.getvalue()
    buffer = io.BytesIO()
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def capture(browser, url: str, lang: str, step: int) -> Image.Image:
    """Return the top of the page in ``lang`` after drawing a 7, down to the hidden-state heatmap."""
    demo = open_demo(browser, url, lang, DESKTOP)
    try:
        page = demo.page
        draw_strokes(page, SEVEN)
        set_step(page, step)
        # Without focus, the slider's number box loses its highlight. At the top of the
        # page, the sticky input column is drawn where it starts.
        page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
        bottom = page.evaluate("() => document.querySelector('#hidden-heatmap').getBoundingClientRect().bottom + window.scrollY")
        clip = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": bottom + MARGIN}
        png = page.screenshot(full_page=True, clip=clip)
        if demo.outside_requests:
            print(f"Blocked requests to other hosts ({lang}): {', '.join(sorted(set(demo.outside_requests)))}", file=sys.stderr)
        return Image.open(io.BytesIO(png))
    finally:
        demo.context.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for the two PNG files (default: docs/)")
    parser.add_argument("--step", type=int, default=20, help="timestep shown in the feed and the heatmaps, 1 to 28 (default: 20)")
    args = parser.parse_args(argv)
    if not 1 <= args.step <= 28:
        parser.error(f"--step must be from 1 to 28, got {args.step}")
    args.output.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as folder, demo_server(Path(folder) / "demo.log") as url:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                for lang, name in FILE_NAMES.items():
                    image = capture(browser, url, lang, args.step)
                    path = args.output / name
                    path.write_bytes(encode_png(image))
                    print(f"Wrote {path} ({image.width} x {image.height} px, {path.stat().st_size // 1024} KB)")
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
