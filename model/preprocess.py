"""Turn any image a user can produce into the 28 x 28 input the network was trained on.

The steps follow how MNIST itself was made (LeCun, Cortes and Burges): find the ink, crop
to its bounding box, scale so that the longer side is 20 px keeping the aspect ratio
(anti-aliased), then place it in a 28 x 28 frame with its centre of mass at the centre.
Two steps come before and one in between, because people draw differently from the
pens that wrote MNIST:
- ink is found whatever the polarity or colour, as the distance from the background colour
  (or as opacity when the canvas is transparent, as the Gradio sketchpad sends it);
- strokes are brought to MNIST's thickness before the final downscale, so a fine pen and a
  finger on a phone give the network the same kind of stroke.

The demo, the predict CLI and the evaluation all call ``preprocess``; there is no other path.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

FRAME = 28  # side of the network's input, px
BOX = 20  # the longer side of the digit inside the frame, px (as in MNIST)
SUPERSAMPLE = 4  # stroke thickness is adjusted at BOX * SUPERSAMPLE px, then box-filtered down
WORKING_SIDE = 256  # ink is located on a copy at most this long, for speed

# Stroke width, in px of the 28 x 28 frame, that MNIST's digits mostly have. Measured with
# stroke_width() on the 60,000 MNIST training images: 25th percentile 2.27 px, median
# 2.57 px, 90th percentile 3.45 px (python -m scripts.measure_stroke_width). Thinner strokes
# are thickened to the lower bound and thicker ones thinned to the upper bound.
MIN_STROKE_WIDTH = 2.2
MAX_STROKE_WIDTH = 3.4

# Limits on what is read, so that one upload cannot take the server's memory.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 25_000_000  # about 5000 x 5000; decoded RGBA that is 100 MB at most
MIN_SIDE = 8  # px; anything smaller cannot hold a drawing

# When there is "no digit": the ink must stand out from the background by at least this
# much (0..1 of full scale), and cover at least this share of the located area.
MIN_CONTRAST = 0.12
MIN_INK_PIXELS = 12  # on the working copy (at most 256 px on its longer side)
# A mark whose bounding box is this small (longer side, share of the canvas's longer side)
# and nearly round is a stray dot, not a digit.
DOT_MAX_SIZE = 0.12
DOT_MIN_FILL = 0.55
DOT_MAX_ASPECT = 1.6
# An image with transparent parts whose opaque part covers at least this share is a sheet
# (a card or a scan with rounded corners), read by colour, unless that part has one colour.
OPAQUE_SHEET_SHARE = 0.4


class ImageInputError(ValueError):
    """An input that is not a readable image within the limits; the message names the problem."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code  # a stable key for translated messages: "too_large", "not_image", ...


@dataclass(frozen=True)
class Preprocessed:
    """The network's input for one image, or "no digit"."""

    pixels: np.ndarray  # (28, 28) float32, 0..1, ink = 1; all zeros when blank
    blank: bool  # True when the image contains no digit
    reason: str = ""  # why it is blank: "empty", "faint", "dot", "" otherwise
    inverted: bool = False  # True when the ink was lighter than the background


def open_image(source) -> Image.Image:
    """Open a file path, bytes or PIL image within the limits; raise ImageInputError otherwise."""
    if isinstance(source, Image.Image):
        image = source
    else:
        if isinstance(source, (str, Path)):
            path = Path(source)
            if path.is_dir():
                raise ImageInputError("not_image", f"Not a file but a folder: {path}")
            if not path.exists():
                raise ImageInputError("not_found", f"File not found: {path}")
            if not path.is_file():
                raise ImageInputError("not_image", f"Not a regular file: {path}")
            size = path.stat().st_size
            if size == 0:
                raise ImageInputError("not_image", f"The file is empty: {path}")
            if size > MAX_FILE_BYTES:
                raise ImageInputError(
                    "too_large", f"File too large: {size / 2**20:.1f} MB (the limit is {MAX_FILE_BYTES // 2**20} MB)."
                )
            data = path.read_bytes()
        elif isinstance(source, (bytes, bytearray)):
            data = bytes(source)
            if not data:
                raise ImageInputError("not_image", "The image data is empty.")
            if len(data) > MAX_FILE_BYTES:
                raise ImageInputError("too_large", f"Image too large: {len(data) / 2**20:.1f} MB.")
        else:
            raise ImageInputError("not_image", f"Unsupported input type: {type(source).__name__}")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(data))
                _check_size(image)
                image.load()
        except ImageInputError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # Pillow's own limit is larger than ours; state ours, as _check_size does.
            raise ImageInputError(
                "too_large", f"Image too large: it declares more than {MAX_PIXELS // 1_000_000} megapixels."
            ) from error
        except Image.UnidentifiedImageError as error:
            # PIL's own message names the BytesIO object, which means nothing to a user.
            raise ImageInputError("not_image", "Not a readable image: Pillow recognises no image format in the data.") from error
        except (OSError, SyntaxError, ValueError) as error:
            # PIL raises OSError or SyntaxError for a truncated or damaged file.
            raise ImageInputError("not_image", f"Not a readable image: {error}") from error
    _check_size(image)
    return image


def _check_size(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageInputError(
            "too_large",
            f"Image too large: {width} x {height} px (the limit is {MAX_PIXELS // 1_000_000} megapixels).",
        )
    if min(width, height) < MIN_SIDE:
        raise ImageInputError("too_small", f"Image too small: {width} x {height} px (at least {MIN_SIDE} px a side).")


def to_working_image(image: Image.Image) -> tuple[Image.Image, bool]:
    """Convert any PIL mode to the image that ink is read from, and whether ink is opacity.

    A canvas that is at least 5 % (nearly) fully transparent, as the Gradio sketchpad sends
    it, gives its alpha channel ("L"): the ink is whatever was painted, in any colour.
    Anything else gives "RGB", and the ink is the distance from the background colour.
    16-bit, 32-bit and float images are scaled to 8 bits by the smallest of the usual
    ranges (0..1, 0..255, 0..4095 for 12-bit scans, 0..65535) that contains their maximum.
    An opaque card or sheet with transparent corners or margins counts as opaque when its
    opaque part shows contrast, so its ink is read, not its outline.
    """
    if "exif" in image.info:
        image = ImageOps.exif_transpose(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        values = np.nan_to_num(np.asarray(image, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        maximum = float(values.max()) if values.size else 0.0
        top = next((limit for limit in (1.0, 255.0, 4095.0, 65535.0) if maximum <= limit), maximum)
        image = Image.fromarray((np.clip(values / top, 0, 1) * 255).astype(np.uint8), "L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        alpha = image.getchannel("A")
        small_alpha = np.asarray(_reduce_to(alpha, 64)[0], dtype=np.float32) / 255.0
        if (small_alpha < 0.1).mean() >= 0.05:
            # Strokes on a transparent canvas cover a minor share of it, so the sketchpad
            # returns here cheaply. Only a mostly opaque image needs its colours read.
            if (small_alpha > 0.9).mean() < OPAQUE_SHEET_SHARE:
                return alpha, True
            rgba = image.convert("RGBA")
            small = np.asarray(_reduce_to(rgba, 64)[0], dtype=np.float32) / 255.0
            opaque = small[small[..., 3] > 0.9, :3]
            paper = np.median(opaque, axis=0)
            if (np.abs(opaque - paper).max(axis=1) > 0.3).mean() <= 0.005:
                return alpha, True  # one colour: a large painted shape, read as opacity
            # A sheet with a transparent margin: flatten it onto its own paper colour.
            flat = Image.new("RGB", image.size, tuple(int(round(v * 255)) for v in paper))
            flat.paste(rgba, mask=alpha)
            return flat, False
    return image.convert("RGB"), False


def _reduce_to(image: Image.Image, side: int) -> tuple[Image.Image, int]:
    """Box-reduce by an integer factor so that the longer side is at most ``side``."""
    factor = max(1, -(-max(image.size) // side))
    return (image.reduce(factor) if factor > 1 else image), factor


@dataclass(frozen=True)
class _InkModel:
    """The contrast between ink and background in one image."""

    transparent: bool  # ink is opacity: the canvas is transparent
    background: np.ndarray  # (3,) background colour 0..1, used when not transparent
    floor: float  # ink values up to this are background noise
    peak: float  # ink value of a full stroke


def _as_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float32) / 255.0


def _raw_ink(pixels: np.ndarray, model: _InkModel) -> np.ndarray:
    if model.transparent:
        return pixels
    distance = np.abs(pixels - model.background)
    # Two elementwise maxima are several times faster than max(axis=-1) over 3 channels.
    return np.maximum(np.maximum(distance[..., 0], distance[..., 1]), distance[..., 2])


def _ink(pixels: np.ndarray, model: _InkModel) -> np.ndarray:
    raw = _raw_ink(pixels, model)
    return np.clip((raw - model.floor) / max(model.peak - model.floor, 1e-6), 0.0, 1.0)


def _fit_ink_model(pixels: np.ndarray, transparent: bool) -> _InkModel:
    if transparent:
        background = np.zeros(3, dtype=np.float32)
    else:
        border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
        background = np.median(border, axis=0)
    raw = _raw_ink(pixels, _InkModel(transparent, background, 0.0, 1.0))
    peak = float(raw.max())
    # Paper texture and compression noise sit below a fifth of the stroke's contrast.
    return _InkModel(transparent, background, floor=0.2 * peak, peak=peak)


def stroke_width(ink: np.ndarray) -> float:
    """Estimate the mean stroke width in px as 2 * ink area / ink outline length."""
    area = float(ink.sum())
    if area <= 0:
        return 0.0
    gy, gx = np.gradient(ink)
    outline = float(np.hypot(gx, gy).sum())
    return 2.0 * area / max(outline, 1e-6)


def _dilate(ink: np.ndarray, radius: int) -> np.ndarray:
    """Grey-level dilation with a disc of the given radius, in px."""
    return _morph(ink, radius, np.maximum)


def _erode(ink: np.ndarray, radius: int) -> np.ndarray:
    return _morph(ink, radius, np.minimum)


def _morph(ink: np.ndarray, radius: int, combine) -> np.ndarray:
    if radius <= 0:
        return ink
    fill = 0.0
    padded = np.pad(ink, radius, constant_values=fill)
    out = ink.copy()
    height, width = ink.shape
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dx * dx + dy * dy <= radius * radius + radius * 0.5:
                window = padded[radius + dy : radius + dy + height, radius + dx : radius + dx + width]
                out = combine(out, window)
    return out


def normalise_stroke_width(ink: np.ndarray, scale: float) -> np.ndarray:
    """Thicken or thin strokes of an ink map drawn at ``scale`` px per frame px into MNIST's range."""
    width = stroke_width(ink) / scale  # in frame px
    if width < MIN_STROKE_WIDTH:
        # Dilation by a disc of radius r widens a stroke by about 2r.
        radius = round((MIN_STROKE_WIDTH - width) * scale / 2)
        return _dilate(ink, radius)
    if width > MAX_STROKE_WIDTH:
        radius = round((width - MAX_STROKE_WIDTH) * scale / 2)
        return _erode(ink, radius)
    return ink


def _centre_in_frame(digit: np.ndarray) -> np.ndarray:
    """Place a digit of at most BOX x BOX px in the frame with its centre of mass at the centre."""
    height, width = digit.shape
    mass = digit.sum()
    rows, cols = np.indices(digit.shape)
    centre_y = (rows * digit).sum() / mass
    centre_x = (cols * digit).sum() / mass
    # Integer shift, as MNIST used; clamped so that no ink leaves the frame.
    top = int(np.clip(round(FRAME / 2 - 0.5 - centre_y), 0, FRAME - height))
    left = int(np.clip(round(FRAME / 2 - 0.5 - centre_x), 0, FRAME - width))
    frame = np.zeros((FRAME, FRAME), dtype=np.float32)
    frame[top : top + height, left : left + width] = digit
    return frame


def _blank(reason: str) -> Preprocessed:
    return Preprocessed(np.zeros((FRAME, FRAME), dtype=np.float32), blank=True, reason=reason)


def preprocess(source) -> Preprocessed:
    """Turn an image (path, bytes, PIL image or HxW[xC] uint8 array) into the network's input.

    Raises ImageInputError for unreadable or oversized input; returns a blank result for
    an image that contains no digit.
    """
    if isinstance(source, np.ndarray):
        source = _array_to_image(source)
    image, transparent = to_working_image(open_image(source))

    # 1. Locate the ink on a small copy.
    small, factor = _reduce_to(image, WORKING_SIDE)
    small_pixels = _as_array(small)
    model = _fit_ink_model(small_pixels, transparent)
    if model.peak < MIN_CONTRAST:
        return _blank("empty" if model.peak < 0.02 else "faint")
    # NOTE: strong pixel noise over the whole image (about +-40 of 255 and more) passes
    # these checks and is read as a digit. Drawings and scans do not look like that.
    ink_small = _ink(small_pixels, model)
    mask = ink_small > 0.3
    if mask.sum() < MIN_INK_PIXELS:
        return _blank("dot")
    ys, xs = np.nonzero(mask)
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    box_height, box_width = bottom - top, right - left
    longer, shorter = max(box_height, box_width), min(box_height, box_width)
    fill = mask[top:bottom, left:right].mean()
    if longer <= DOT_MAX_SIZE * max(mask.shape) and fill >= DOT_MIN_FILL and longer <= DOT_MAX_ASPECT * shorter:
        return _blank("dot")

    # 2. Crop the full-resolution image to the ink's box, one working pixel of margin.
    crop_box = (
        max(0, (left - 1) * factor),
        max(0, (top - 1) * factor),
        min(image.width, (right + 1) * factor),
        min(image.height, (bottom + 1) * factor),
    )
    crop = image.crop(crop_box)

    # 3. Scale so that the longer side is BOX * SUPERSAMPLE px, then fix the stroke width there.
    target = BOX * SUPERSAMPLE
    scale = target / max(crop.size)
    size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
    crop, _ = _reduce_to(crop, 4 * target)  # cheap box reduction first for large crops
    crop = crop.resize(size, Image.Resampling.BOX if max(crop.size) > target else Image.Resampling.BILINEAR)
    ink = _ink(_as_array(crop), model)
    ink = _trim(ink)
    ink = np.pad(ink, SUPERSAMPLE)  # room for thickening
    ink = normalise_stroke_width(ink, SUPERSAMPLE)
    ink = _trim(ink)

    # 4. Down to at most BOX x BOX, anti-aliased, keeping the aspect ratio.
    height, width = ink.shape
    shrink = BOX / max(height, width)
    out_size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
    digit = np.asarray(Image.fromarray(ink.astype(np.float32), "F").resize(out_size, Image.Resampling.BOX))
    digit = np.clip(digit, 0.0, 1.0)
    peak = digit.max()
    if peak <= 0:
        return _blank("faint")
    digit = digit / peak  # a full stroke is 1.0, as in MNIST

    pixels = _centre_in_frame(digit)
    inverted = (not model.transparent) and float(model.background.mean()) < 0.5
    return Preprocessed(pixels=pixels, blank=False, inverted=inverted)


def _trim(ink: np.ndarray, threshold: float = 0.05) -> np.ndarray:
    """Crop an ink map to the box of the pixels above the threshold."""
    rows = np.nonzero((ink > threshold).any(axis=1))[0]
    cols = np.nonzero((ink > threshold).any(axis=0))[0]
    if rows.size == 0:
        return ink
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _array_to_image(array: np.ndarray) -> Image.Image:
    """Wrap an HxW, HxWx3 or HxWx4 array (uint8, or float in 0..1) as a PIL image."""
    if array.dtype != np.uint8:
        if not np.issubdtype(array.dtype, np.number):
            raise ImageInputError("not_image", f"Unsupported array dtype: {array.dtype}")
        top = 1.0 if array.size and float(np.nanmax(array)) <= 1.0 else 255.0
        array = (np.clip(np.nan_to_num(array) / top, 0, 1) * 255).astype(np.uint8)
    if array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (1, 3, 4)):
        return Image.fromarray(array.squeeze(-1) if array.ndim == 3 and array.shape[2] == 1 else array)
    raise ImageInputError("not_image", f"Unsupported array shape: {array.shape}")
