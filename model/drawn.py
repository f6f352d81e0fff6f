"""Stylus-drawn digits (UNIPEN pen trajectories) and how to render them as canvas images.

The drawn set is "Pen-Based Recognition of Handwritten Digits" by E. Alpaydin and
F. Alimoglu (UCI Machine Learning Repository, CC BY 4.0): 30 writers, tablet coordinates
about 0..500, y pointing up. Rendering it with a round brush on a canvas reproduces what
people send from the demo's sketchpad, so it measures the whole preprocessing path.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


@dataclass(frozen=True)
class DrawnDigit:
    label: int
    strokes: list[np.ndarray]  # each (points, 2) in tablet units, y pointing up


def parse_unipen(path: str | Path) -> list[DrawnDigit]:
    """Read every digit of a UNIPEN file: a .SEGMENT line with the quoted label, then strokes."""
    digits: list[DrawnDigit] = []
    label: int | None = None
    strokes: list[np.ndarray] = []
    points: list[tuple[int, int]] | None = None

    def finish_digit():
        if label is not None and strokes:
            digits.append(DrawnDigit(label, list(strokes)))

    with open(path, encoding="ascii", errors="replace") as handle:
        for line in handle:
            text = line.strip()
            if text.startswith(".SEGMENT"):
                finish_digit()
                strokes = []
                label = int(text.split('"')[1])
            elif text.startswith(".PEN_DOWN"):
                points = []
            elif text.startswith(".PEN_UP"):
                if points:
                    strokes.append(np.array(points, dtype=np.float64))
                points = None
            elif points is not None and text and not text.startswith("."):
                x, y = text.split()[:2]
                points.append((int(x), int(y)))
    finish_digit()
    return digits


@dataclass(frozen=True)
class Rendering:
    """One way of drawing a digit on a canvas, as people do in the demo."""

    name: str
    canvas: int  # canvas side, px
    brush: float  # brush width, px
    digit_size: float  # the digit's longer side as a fraction of the canvas
    mode: str = "RGB"  # "RGB" or "RGBA" (transparent background, as the sketchpad sends)
    background: tuple = (255, 255, 255)
    ink: tuple = (0, 0, 0)
    corner: bool = False  # place the digit in the top-left corner instead of the centre


# The renderings the evaluation reports. Brush widths of 8, 18 and 32 px on a 400 px canvas
# span a fine pen to a finger on a phone.
RENDERINGS = (
    Rendering("brush 8 px, 400 px canvas", 400, 8, 0.7),
    Rendering("brush 18 px, 400 px canvas", 400, 18, 0.7),
    Rendering("brush 32 px, 400 px canvas", 400, 32, 0.7),
    Rendering("transparent 800 px sketchpad", 800, 24, 0.7, mode="RGBA", background=(0, 0, 0, 0), ink=(0, 0, 0, 255)),
    Rendering("light ink on a dark canvas", 400, 18, 0.7, background=(20, 20, 24), ink=(250, 250, 250)),
    Rendering("small digit in a corner of 1000 px", 1000, 8, 0.15, corner=True),
    Rendering("coloured ink", 400, 18, 0.7, background=(250, 248, 240), ink=(200, 30, 40)),
)


def render(digit: DrawnDigit, rendering: Rendering) -> Image.Image:
    """Draw a digit's strokes with a round brush, upright, scaled into the canvas."""
    size = rendering.canvas
    image = Image.new(rendering.mode, (size, size), rendering.background)
    draw = ImageDraw.Draw(image)

    points = np.concatenate(digit.strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = max(float((high - low).max()), 1.0)
    scale = rendering.digit_size * size / extent
    centre = (low + high) / 2
    if rendering.corner:
        offset = np.array([0.06, 0.06]) * size + (high - low) * scale / 2
    else:
        offset = np.array([size / 2, size / 2])

    radius = rendering.brush / 2
    for stroke in digit.strokes:
        xy = (stroke - centre) * scale
        xy[:, 1] = -xy[:, 1]  # tablet y points up, image y points down
        xy += offset
        coordinates = [tuple(point) for point in xy]
        if len(coordinates) > 1:
            draw.line(coordinates, fill=rendering.ink, width=max(1, round(rendering.brush)), joint="curve")
        for x, y in coordinates:  # round caps and joints, as a brush leaves them
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rendering.ink)
    return image
