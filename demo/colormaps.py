"""Colour scales for the views and their encoding as small PNG images.

Each scale is a 256-entry lookup table built once at import. Mapping an array through a
table and encoding the result as PNG takes well under a millisecond for the sizes shown
here (at most 128 x 28 values), so the views can be rebuilt on every stroke.
"""

import base64
import functools
import struct
import zlib
from dataclasses import dataclass

import numpy as np


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _build_table(stops: list[str]) -> np.ndarray:
    """Interpolate evenly spaced colour stops into a (256, 3) uint8 table."""
    anchors = np.array([_hex_to_rgb(stop) for stop in stops], dtype=np.float64)
    positions = np.linspace(0.0, 1.0, len(stops))
    samples = np.linspace(0.0, 1.0, 256)
    channels = [np.interp(samples, positions, anchors[:, channel]) for channel in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


@dataclass(frozen=True)
class ColourScale:
    """A lookup table with the value range it spans; values outside the range saturate."""

    name: str
    table: np.ndarray  # (256, 3) uint8
    low: float
    high: float

    def to_indices(self, values: np.ndarray) -> np.ndarray:
        """Map values to indices 0..255 into the table."""
        scaled = (np.asarray(values, dtype=np.float64) - self.low) / (self.high - self.low)
        return np.clip(np.rint(scaled * 255.0), 0, 255).astype(np.uint8)

    def to_rgb(self, values: np.ndarray) -> np.ndarray:
        """Map values to uint8 RGB, one pixel per value."""
        return self.table[self.to_indices(values)]

    def to_data_uri(self, values: np.ndarray) -> str:
        """Encode a 2-D array as a palette PNG data URI, one pixel per value.

        The page scales these images up with ``image-rendering: pixelated``. A palette PNG
        stores one byte per value, so a 28 x 128 heatmap is about 4 KB.
        """
        png = palette_png(self.to_indices(values), self.table.tobytes())
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def colour(self, value: float) -> str:
        """Return the CSS colour of one value."""
        red, green, blue = self.to_rgb(np.array([value]))[0]
        return f"#{red:02x}{green:02x}{blue:02x}"

    def gradient_stops(self, count: int = 9) -> list[tuple[float, str]]:
        """Return (offset 0..1, CSS colour) pairs for an SVG linear gradient."""
        return _gradient_stops(self.table.tobytes(), count)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def palette_png(indices: np.ndarray, palette: bytes) -> bytes:
    """Encode an (H, W) uint8 array of palette indices as an 8-bit palette PNG.

    Written directly with zlib because Pillow's encoder spends most of its time on
    per-image setup, which dominates for images this small. ``palette`` is the RGB bytes
    of up to 256 colours.
    """
    height, width = indices.shape
    rows = np.zeros((height, width + 1), dtype=np.uint8)
    rows[:, 1:] = indices  # each row starts with filter type 0 (none)
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8 bits, colour type 3 (palette)
    return b"".join(
        [
            PNG_SIGNATURE,
            _png_chunk(b"IHDR", header),
            _png_chunk(b"PLTE", palette),
            _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)),
            _png_chunk(b"IEND", b""),
        ]
    )


@functools.lru_cache(maxsize=32)
def _gradient_stops(table_bytes: bytes, count: int) -> list[tuple[float, str]]:
    table = np.frombuffer(table_bytes, dtype=np.uint8).reshape(256, 3)
    stops = []
    for offset in np.linspace(0.0, 1.0, count):
        red, green, blue = table[int(round(offset * 255))]
        stops.append((float(offset), f"#{red:02x}{green:02x}{blue:02x}"))
    return stops


# ColorBrewer RdBu, reversed so that negative is blue and positive is red.
_DIVERGING = ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"]
# ColorBrewer Purples: gate activations, 0 = closed (white) to 1 = open (dark).
_PURPLES = ["#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"]
# ColorBrewer Greens: probabilities.
_GREENS = ["#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b"]

DIVERGING_TABLE = _build_table(_DIVERGING)
GATE_TABLE = _build_table(_PURPLES)
PROBABILITY_TABLE = _build_table(_GREENS)
INK_TABLE = _build_table(["#ffffff", "#000000"])  # ink = 1 is black, as drawn

HIDDEN_SCALE = ColourScale("hidden", DIVERGING_TABLE, -1.0, 1.0)  # tanh output
# The LSTM cell state is unbounded. For the trained LSTM on 300 pen-drawn digits, 95 % of
# the values lie within +-2 and 1.5 % beyond +-3 (largest about 11), so +-3 keeps the
# common range readable and saturates the rest.
CELL_STATE_SCALE = ColourScale("cell_state", DIVERGING_TABLE, -3.0, 3.0)
GATE_SCALE = ColourScale("gate", GATE_TABLE, 0.0, 1.0)  # sigmoid output
CANDIDATE_SCALE = ColourScale("candidate", DIVERGING_TABLE, -1.0, 1.0)  # tanh output
PROBABILITY_SCALE = ColourScale("probability", PROBABILITY_TABLE, 0.0, 1.0)
INK_SCALE = ColourScale("ink", INK_TABLE, 0.0, 1.0)
