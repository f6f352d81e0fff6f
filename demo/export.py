"""Images for slides, built only on request: the reading animation and the heatmaps.

The figures are drawn with Pillow and mirror the page's views: the same colour scales,
one row per timestep, labelled axes and a legend on every image.
"""

import logging
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from demo.colormaps import (
    CANDIDATE_SCALE,
    CELL_STATE_SCALE,
    GATE_SCALE,
    HIDDEN_SCALE,
    INK_SCALE,
    PROBABILITY_SCALE,
    ColourScale,
)
from demo.i18n import format_percent, translate
from demo.views import MARKER_COLOUR, cell_name, probabilities_title
from model.network import ROW_SIZE, TIMESTEPS
from model.predictor import Prediction
from model.trace import GATE_NAMES

logger = logging.getLogger(__name__)

EXPORT_ROOT = Path(tempfile.gettempdir()) / "lstm-row-demo-exports"
MAX_EXPORT_AGE = 3600  # seconds; older export folders are deleted before each new export
FRAME_DURATION = 400  # ms per timestep in the animation, as on the page

TEXT = (32, 33, 36)
MUTED = (95, 99, 104)
FRAME_LINE = (95, 99, 104)
ORANGE = tuple(int(MARKER_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
GREEN = (35, 139, 69)
LIGHT_GREEN = (116, 196, 118)
TRACK = (238, 240, 242)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans, which has the Vietnamese letters, or Pillow's built-in font without it."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        # NOTE: Pillow's built-in font may lack some Vietnamese letters.
        return ImageFont.load_default(size)


def _new_folder() -> Path:
    """Create a fresh export folder, deleting folders older than MAX_EXPORT_AGE."""
    EXPORT_ROOT.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in EXPORT_ROOT.iterdir():
        try:
            if old.is_dir() and now - old.stat().st_mtime > MAX_EXPORT_AGE:
                shutil.rmtree(old, ignore_errors=True)
        except OSError as error:  # another request may have removed it first
            logger.warning("Could not remove old export folder %s: %s", old, error)
    return Path(tempfile.mkdtemp(prefix="export-", dir=EXPORT_ROOT))


def _scaled(scale: ColourScale, values: np.ndarray, width: int, height: int) -> Image.Image:
    return Image.fromarray(scale.to_rgb(values), "RGB").resize((width, height), Image.Resampling.NEAREST)


def _subscripts(text: str) -> str:
    """Write "h_t" and "c_t−1" with Unicode subscripts, as Pillow draws no HTML."""
    return text.replace("_t−1", "ₜ₋₁").replace("_t", "ₜ")


def _without_number(heading: str) -> str:
    """Drop the page's section number ("5. ") from a heading used on its own."""
    number, separator, rest = heading.partition(". ")
    return rest if separator and number.isdigit() else heading


def _legend(image: Image.Image, x: int, y: int, width: int, scale: ColourScale, title: str, lang: str) -> None:
    """Draw a colour bar with its low, middle and high values and a title on its right."""
    draw = ImageDraw.Draw(image)
    ramp = np.linspace(scale.low, scale.high, width)[None, :].repeat(14, axis=0)
    image.paste(_scaled(scale, ramp, width, 14), (x, y))
    draw.rectangle((x, y, x + width, y + 14), outline=FRAME_LINE)
    font = _font(15)
    signed = scale.low < 0
    for value, anchor, position in ((scale.low, "la", x), ((scale.low + scale.high) / 2, "ma", x + width // 2), (scale.high, "ra", x + width)):
        label = f"{abs(value):g}"
        if value < 0:
            label = "−" + label
        elif value > 0 and signed:
            label = "+" + label
        if lang == "vi":
            label = label.replace(".", ",")
        draw.text((position, y + 18), label, fill=TEXT, font=font, anchor=anchor)
    draw.text((x + width + 12, y + 7), title, fill=MUTED, font=font, anchor="lm")


def _heatmap_image(values: np.ndarray, scale: ColourScale, title: str, description: str, lang: str) -> Image.Image:
    """Draw a (28, units) array with titles, both axes and a legend, as on the page."""
    steps, units = values.shape
    cell_width, row_height = max(2, 768 // units), 12
    left, top = 90, 80
    plot_width, plot_height = units * cell_width, steps * row_height
    image = Image.new("RGB", (left + plot_width + 40, top + plot_height + 130), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 18), _subscripts(title), fill=TEXT, font=_font(26, bold=True))
    draw.text((20, 52), _subscripts(description), fill=MUTED, font=_font(17))
    image.paste(_scaled(scale, values, plot_width, plot_height), (left, top))
    draw.rectangle((left - 1, top - 1, left + plot_width, top + plot_height), outline=FRAME_LINE)

    tick_font = _font(15)
    for row in (1, 7, 14, 21, 28):
        draw.text((left - 8, top + int((row - 0.5) * row_height)), str(row), fill=TEXT, font=tick_font, anchor="rm")
    axis_label = Image.new("RGB", (plot_height, 24), "white")
    ImageDraw.Draw(axis_label).text((plot_height // 2, 12), translate(lang, "axis_timestep_short"), fill=MUTED, font=_font(16), anchor="mm")
    image.paste(axis_label.rotate(90, expand=True), (14, top))
    for unit in sorted({1, units // 4, units // 2, 3 * units // 4, units} - {0}):
        draw.text((left + int((unit - 0.5) * cell_width), top + plot_height + 8), str(unit), fill=TEXT, font=tick_font, anchor="ma")
    draw.text((left + plot_width // 2, top + plot_height + 32), translate(lang, "axis_unit"), fill=MUTED, font=_font(16), anchor="ma")
    _legend(image, left, top + plot_height + 70, 240, scale, translate(lang, "axis_value"), lang)
    return image


def _belief_image(prediction: Prediction, lang: str) -> Image.Image:
    """Draw the image next to the probabilities after each row, rows aligned."""
    trace = prediction.trace
    probabilities = trace.probabilities[0]
    cell, class_width, left, top, gap = 16, 32, 60, 110, 30
    side = cell * ROW_SIZE
    belief_left = left + side + gap
    belief_width = class_width * probabilities.shape[1]
    image = Image.new("RGB", (belief_left + belief_width + 30, top + side + 90), "white")
    draw = ImageDraw.Draw(image)
    label_font, tick_font = _font(17), _font(15)
    draw.text((20, 18), _without_number(translate(lang, "belief_heading")), fill=TEXT, font=_font(24, bold=True))
    draw.text((left + side // 2, top - 40), translate(lang, "belief_image_label"), fill=MUTED, font=label_font, anchor="mm")
    draw.text((belief_left + belief_width // 2, top - 40), translate(lang, "axis_digit"), fill=MUTED, font=label_font, anchor="mm")

    # The image and the probabilities, side by side with their rows aligned.
    image.paste(_scaled(INK_SCALE, trace.inputs[0], side, side), (left, top))
    draw.rectangle((left - 1, top - 1, left + side, top + side), outline=FRAME_LINE)
    image.paste(_scaled(PROBABILITY_SCALE, probabilities, belief_width, side), (belief_left, top))
    draw.rectangle((belief_left - 1, top - 1, belief_left + belief_width, top + side), outline=FRAME_LINE)

    # Axis labels: digits above the probabilities, row numbers left of the image.
    for digit in range(probabilities.shape[1]):
        is_answer = digit == prediction.digit
        draw.text(
            (belief_left + digit * class_width + class_width // 2, top - 14),
            str(digit),
            fill=GREEN if is_answer else TEXT,
            font=_font(17, bold=is_answer),
            anchor="mm",
        )
    for row in (1, 5, 10, 15, 20, 25, 28):
        draw.text((left - 8, top + int((row - 0.5) * cell)), str(row), fill=TEXT, font=tick_font, anchor="rm")
    draw.text((left - 8, top - 14), translate(lang, "axis_row"), fill=MUTED, font=tick_font, anchor="rm")

    _legend(image, belief_left, top + side + 20, belief_width, PROBABILITY_SCALE, "", lang)
    draw.text((belief_left - 12, top + side + 27), translate(lang, "legend_probability"), fill=MUTED, font=tick_font, anchor="rm")
    return image


def heatmap_images(prediction: Prediction, lang: str) -> list[Path]:
    """Write one PNG per heatmap (h_t, c_t, each gate, the probabilities) and return their paths."""
    trace = prediction.trace
    if trace is None:
        raise ValueError("Cannot export: the prediction has no trace because the image contains no digit.")
    folder = _new_folder()
    prefix = f"{trace.cell}-digit{prediction.digit}"
    figures = [("hidden-state", trace.hidden[0], HIDDEN_SCALE, "map_hidden_title", "map_hidden_description")]
    if trace.cell_state is not None:
        figures.append(("cell-state", trace.cell_state[0], CELL_STATE_SCALE, "map_cell_state_title", "map_cell_state_description"))
    for name in GATE_NAMES[trace.cell]:
        scale = CANDIDATE_SCALE if name == "candidate" else GATE_SCALE
        figures.append((name.replace("_", "-"), trace.gates[name][0], scale, f"gate_{trace.cell}_{name}_title", f"gate_{trace.cell}_{name}_description"))

    paths = []
    for slug, values, scale, title_key, description_key in figures:
        title = f"{translate(lang, title_key)} ({cell_name(trace.cell, lang)})"
        path = folder / f"{prefix}-{slug}.png"
        _heatmap_image(values, scale, title, translate(lang, description_key), lang).save(path, optimize=True)
        paths.append(path)
    path = folder / f"{prefix}-probabilities.png"
    _belief_image(prediction, lang).save(path, optimize=True)
    paths.append(path)
    return paths


def _feed_frame(prediction: Prediction, step: int, lang: str) -> Image.Image:
    """Draw timestep ``step`` (1..28): the image with the current row, the bars and h_t."""
    trace = prediction.trace
    index = step - 1
    cell, left, top = 12, 60, 90
    side = cell * ROW_SIZE
    image = Image.new("RGB", (1000, 610), "white")
    draw = ImageDraw.Draw(image)
    status = translate(lang, "feed_status_first") if step == 1 else translate(lang, "feed_status", step=step)
    draw.text((24, 20), f"{cell_name(trace.cell, lang)} · {status}", fill=TEXT, font=_font(24, bold=True))

    # The image: rows read so far, the current row outlined, the rest faded.
    pixels = trace.inputs[0].copy()
    image.paste(_scaled(INK_SCALE, pixels, side, side), (left, top))
    if step < TIMESTEPS:
        faded = Image.new("RGB", (side, side - step * cell), "white")
        region = image.crop((left, top + step * cell, left + side, top + side))
        image.paste(Image.blend(region, faded, 0.78), (left, top + step * cell))
        if TIMESTEPS - step >= 3:
            middle = top + (step * cell + side) // 2
            draw.text((left + side // 2, middle), translate(lang, "feed_not_read"), fill=MUTED, font=_font(17), anchor="mm")
    draw.rectangle((left - 1, top - 1, left + side, top + side), outline=FRAME_LINE)
    row_top = top + index * cell
    draw.rectangle((left - 3, row_top, left + side + 2, row_top + cell), outline=ORANGE, width=3)
    draw.text((left + side + 10, row_top + cell // 2), "◀ " + translate(lang, "row_marker", step=step), fill=ORANGE, font=_font(17, bold=True), anchor="lm")
    for row in (1, 7, 14, 21, 28):
        draw.text((left - 8, top + int((row - 0.5) * cell)), str(row), fill=TEXT, font=_font(15), anchor="rm")

    # Probabilities after this row.
    probabilities = trace.probabilities[0, index]
    leader = int(np.argmax(probabilities))
    bars_left, bars_top, bar_width, bar_height = 560, top, 300, 30
    draw.text((bars_left - 30, top - 30), probabilities_title(step, lang), fill=TEXT, font=_font(18, bold=True))
    for digit in range(10):
        y = bars_top + digit * bar_height
        is_leader = digit == leader
        font = _font(18, bold=is_leader)
        draw.text((bars_left - 16, y + bar_height // 2), str(digit), fill=TEXT, font=font, anchor="mm")
        draw.rectangle((bars_left, y + 5, bars_left + bar_width, y + bar_height - 5), fill=TRACK)
        length = int(round(bar_width * float(probabilities[digit])))
        if length > 0:
            draw.rectangle((bars_left, y + 5, bars_left + length, y + bar_height - 5), fill=GREEN if is_leader else LIGHT_GREEN)
        draw.text((bars_left + bar_width + 10, y + bar_height // 2), format_percent(float(probabilities[digit]), lang), fill=TEXT, font=font, anchor="lm")

    # h_t as a colour strip.
    units = trace.hidden.shape[-1]
    strip_top, strip_width = top + side + 40, 768
    draw.text((left, strip_top - 12), _subscripts(translate(lang, "feed_hidden_title", step=step, units=units)), fill=TEXT, font=_font(17, bold=True), anchor="ls")
    image.paste(_scaled(HIDDEN_SCALE, trace.hidden[0, index][None, :], strip_width, 34), (left, strip_top))
    draw.rectangle((left - 1, strip_top - 1, left + strip_width, strip_top + 34), outline=FRAME_LINE)
    for unit in sorted({1, units // 4, units // 2, 3 * units // 4, units} - {0}):
        draw.text((left + int((unit - 0.5) * strip_width / units), strip_top + 40), str(unit), fill=TEXT, font=_font(14), anchor="ma")
    _legend(image, left + strip_width - 400, strip_top + 68, 160, HIDDEN_SCALE, translate(lang, "axis_value"), lang)
    draw.text((left, strip_top + 68), translate(lang, "axis_unit"), fill=MUTED, font=_font(15))
    return image


def feed_animation(prediction: Prediction, lang: str) -> Path:
    """Write the 28 timesteps of the reading as a looping GIF and return its path."""
    trace = prediction.trace
    if trace is None:
        raise ValueError("Cannot export: the prediction has no trace because the image contains no digit.")
    frames = [_feed_frame(prediction, step, lang) for step in range(1, TIMESTEPS + 1)]
    # One palette for all frames keeps the colours steady from frame to frame. It is built
    # from a strip of every seventh frame, so that colours seen early on are in it too.
    samples = frames[::7] + [frames[-1]]
    strip = Image.new("RGB", (frames[0].width, frames[0].height * len(samples)))
    for position, frame in enumerate(samples):
        strip.paste(frame, (0, position * frame.height))
    palette = strip.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    indexed = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    path = _new_folder() / f"{trace.cell}-digit{prediction.digit}-reading.gif"
    durations = [FRAME_DURATION] * (TIMESTEPS - 1) + [FRAME_DURATION * 5]  # hold the last frame
    indexed[0].save(path, save_all=True, append_images=indexed[1:], duration=durations, loop=0, optimize=False)
    return path
