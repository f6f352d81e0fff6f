"""Preprocessing accepts every image a user can produce and gives the network MNIST-like input.

The drawings are generated: a "7" and a "1" drawn with PIL lines, then encoded in each
mode, polarity and format that the demo's canvas, an upload or the CLI can send.
"""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.drawn import RENDERINGS
from model.evaluate import preprocess_drawn
from model.preprocess import FRAME, MAX_FILE_BYTES, MAX_PIXELS, ImageInputError, preprocess
from model.trace import run_trace

CANVAS = 400  # px, the side of most generated canvases
STROKE = 0.06  # stroke width as a share of the canvas side, a marker on a 400 px canvas
# Polylines in canvas fractions (x right, y down).
STROKES = {
    7: [[(0.25, 0.2), (0.75, 0.2), (0.42, 0.85)]],
    1: [[(0.55, 0.15), (0.47, 0.85)]],
}
DRAWN_DIGIT_FLOOR = 0.96  # per rendering, on every 10th stylus-drawn digit
DRAWN_SAMPLE_STEP = 10


def draw_mask(digit: int, size: int = CANVAS) -> Image.Image:
    """Draw the digit as an "L" mask: 255 where the ink is, 0 elsewhere."""
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    for stroke in STROKES[digit]:
        points = [(x * size, y * size) for x, y in stroke]
        draw.line(points, fill=255, width=round(STROKE * size), joint="curve")
    return mask


def compose(mask: Image.Image, background, ink, mode: str = "RGB") -> Image.Image:
    """Paint ink of one colour through the mask on a plain background."""
    image = Image.new(mode, mask.size, background)
    image.paste(Image.new(mode, mask.size, ink), mask=mask)
    return image


def encode(image: Image.Image, image_format: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def palette_with_transparency(mask: Image.Image) -> Image.Image:
    """A "P" image whose index 0 is transparent and index 1 is red ink."""
    image = Image.fromarray((np.asarray(mask) > 127).astype(np.uint8), "P")
    image.putpalette([0, 0, 0, 200, 30, 40])
    image.info["transparency"] = 0
    return image


def sixteen_bit(mask: Image.Image) -> Image.Image:
    """A 16-bit greyscale image, dark ink on a light background."""
    values = np.where(np.asarray(mask) > 127, 3000, 62000).astype(np.uint16)
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    return image


def twelve_bit(mask: Image.Image) -> Image.Image:
    """A 16-bit image whose values stop at 4095, as a 12-bit scanner writes them."""
    values = np.where(np.asarray(mask) > 127, 200, 4000).astype(np.uint16)
    return Image.fromarray(values)


def float_image(mask: Image.Image) -> Image.Image:
    """A 32-bit float ("F") image in 0..1, dark ink on a light background."""
    return Image.fromarray(1.0 - np.asarray(mask, dtype=np.float32) / 255.0, "F")


def rounded_card(mask: Image.Image) -> Image.Image:
    """Dark ink on an opaque white card whose rounded corners are transparent."""
    card = compose(mask, (255, 255, 255, 255), (0, 0, 0, 255), "RGBA")
    outline = Image.new("L", card.size, 0)
    ImageDraw.Draw(outline).rounded_rectangle((0, 0, card.width - 1, card.height - 1), radius=card.width // 3, fill=255)
    card.putalpha(outline)
    return card


def card_on_margin(mask: Image.Image) -> Image.Image:
    """An opaque white card with the digit, pasted on a larger transparent image."""
    sheet = Image.new("RGBA", (mask.width * 3 // 2, mask.height * 3 // 2), (0, 0, 0, 0))
    sheet.paste(compose(mask, (255, 255, 255, 255), (0, 0, 0, 255), "RGBA"), (mask.width // 4, mask.height // 4))
    return sheet


WHITE, BLACK = (255, 255, 255), (0, 0, 0)

# Lossless encodings of the same drawing: each must give the reference pixels to within
# LOSSLESS_TOLERANCE. Each value turns the digit's mask into what preprocess receives.
LOSSLESS_CASES = {
    "RGBA transparent, coloured ink (sketchpad)": lambda m: encode(compose(m, (0, 0, 0, 0), (40, 120, 220, 255), "RGBA")),
    "RGBA as a PIL image": lambda m: compose(m, (0, 0, 0, 0), (0, 0, 0, 255), "RGBA"),
    "RGBA as a NumPy array": lambda m: np.asarray(compose(m, (0, 0, 0, 0), (20, 20, 20, 255), "RGBA")),
    "RGB dark on light": lambda m: encode(compose(m, WHITE, BLACK)),
    "RGB light on dark": lambda m: encode(compose(m, (16, 16, 20), (240, 240, 240))),
    "RGB coloured ink on cream": lambda m: encode(compose(m, (250, 246, 235), (200, 30, 40))),
    "L dark on light": lambda m: encode(compose(m, 255, 0, "L")),
    "L light on dark": lambda m: encode(compose(m, 0, 255, "L")),
    "P palette": lambda m: encode(compose(m, WHITE, BLACK).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)),
    "P palette with transparency": lambda m: encode(palette_with_transparency(m)),
    "LA transparent": lambda m: encode(compose(m, (0, 0), (0, 255), "LA")),
    "I;16 16-bit": lambda m: encode(sixteen_bit(m)),
    "I;16 holding a 12-bit scan": lambda m: encode(twelve_bit(m)),
    "F float in 0..1": lambda m: float_image(m),
    "RGBA card with transparent rounded corners": lambda m: encode(rounded_card(m)),
    "CMYK TIFF": lambda m: encode(compose(m, WHITE, BLACK).convert("CMYK"), "TIFF"),
}

# Encodings that change the pixels: compressed, downscaled or drawn at another size. Each
# value makes the source from the digit and gives the maximum mean absolute difference from
# the reference pixels (about twice what each case measures).
LOSSY_CASES = {
    "JPEG bytes": (lambda digit: encode(compose(draw_mask(digit), WHITE, BLACK), "JPEG", quality=80), 0.001),
    "CMYK JPEG": (
        lambda digit: encode(compose(draw_mask(digit), WHITE, BLACK).convert("CMYK"), "JPEG", quality=80),
        0.001,
    ),
    "tiny 16 x 16": (
        lambda digit: encode(compose(draw_mask(digit), WHITE, BLACK).resize((16, 16), Image.Resampling.LANCZOS)),
        0.12,
    ),
    "RGBA card on a larger transparent margin": (lambda digit: encode(card_on_margin(draw_mask(digit))), 0.1),
    "large 3000 x 3000": (
        lambda digit: encode(compose(draw_mask(digit, 3000), WHITE, BLACK), compress_level=1),
        0.025,
    ),
}
# The 8-bit resize of the crop rounds ink stored as dark-on-light and as opacity differently,
# by up to 1/255 per step.
LOSSLESS_TOLERANCE = 2 / 255


def reference(digit: int):
    return preprocess(encode(compose(draw_mask(digit), WHITE, BLACK)))


def ink_box_and_centre(pixels: np.ndarray):
    """Return the longer side of the ink's bounding box and its centre of mass (row, column)."""
    rows, cols = np.nonzero(pixels > 0.05)
    longer = max(rows.max() - rows.min() + 1, cols.max() - cols.min() + 1)
    grid_rows, grid_cols = np.indices(pixels.shape)
    mass = pixels.sum()
    return longer, ((grid_rows * pixels).sum() / mass, (grid_cols * pixels).sum() / mass)


@pytest.mark.parametrize("digit", sorted(STROKES))
@pytest.mark.parametrize("case", LOSSLESS_CASES)
def test_lossless_mode_matches_reference(case, digit, predictor):
    result = preprocess(LOSSLESS_CASES[case](draw_mask(digit)))
    expected = reference(digit)

    assert not result.blank
    np.testing.assert_allclose(result.pixels, expected.pixels, rtol=0, atol=LOSSLESS_TOLERANCE)
    assert predictor.predict_pixels([result])[0].digit == digit


@pytest.mark.parametrize("digit", sorted(STROKES))
@pytest.mark.parametrize("case", LOSSY_CASES)
def test_lossy_input_reads_same_digit(case, digit, predictor):
    make, tolerance = LOSSY_CASES[case]
    result = preprocess(make(digit))
    expected = reference(digit)

    assert not result.blank
    assert np.abs(result.pixels - expected.pixels).mean() <= tolerance
    assert predictor.predict_pixels([result])[0].digit == digit


@pytest.mark.parametrize(
    ("case", "inverted"),
    [("RGB dark on light", False), ("RGB light on dark", True), ("L light on dark", True), ("LA transparent", False)],
)
def test_polarity_is_reported(case, inverted):
    assert preprocess(LOSSLESS_CASES[case](draw_mask(7))).inverted is inverted


@pytest.mark.parametrize("digit", sorted(STROKES))
@pytest.mark.parametrize("case", ["RGBA transparent, coloured ink (sketchpad)", "RGB light on dark", "large 3000 x 3000"])
def test_pixels_look_like_mnist(case, digit):
    source = LOSSLESS_CASES[case](draw_mask(digit)) if case in LOSSLESS_CASES else LOSSY_CASES[case][0](digit)
    pixels = preprocess(source).pixels
    longer, (centre_row, centre_col) = ink_box_and_centre(pixels)

    assert pixels.shape == (FRAME, FRAME)
    assert pixels.dtype == np.float32
    assert pixels.min() >= 0.0
    assert pixels.max() == pytest.approx(1.0)
    assert 19 <= longer <= 20, "MNIST digits fill a 20 px box"
    assert abs(centre_row - 13.5) <= 1.0
    assert abs(centre_col - 13.5) <= 1.0


def blank_canvas(mode: str, colour) -> Image.Image:
    return Image.new(mode, (CANVAS, CANVAS), colour)


def stray_dot(mode: str, background, ink) -> Image.Image:
    image = blank_canvas(mode, background)
    ImageDraw.Draw(image).ellipse((180, 210, 194, 224), fill=ink)
    return image


def faint_noise() -> Image.Image:
    """Paper texture: every channel of every pixel within 15 levels of light grey."""
    rng = np.random.default_rng(0)
    values = 240 + rng.integers(-15, 16, (CANVAS, CANVAS, 3))
    return Image.fromarray(values.astype(np.uint8), "RGB")


@pytest.mark.parametrize(
    ("case", "make", "reason"),
    [
        ("transparent canvas", lambda: blank_canvas("RGBA", (0, 0, 0, 0)), "empty"),
        ("white canvas", lambda: blank_canvas("RGB", WHITE), "empty"),
        ("black canvas", lambda: blank_canvas("RGB", BLACK), "empty"),
        ("stray dot on white", lambda: stray_dot("RGB", WHITE, BLACK), "dot"),
        ("stray dot on transparent", lambda: stray_dot("RGBA", (0, 0, 0, 0), (0, 0, 0, 255)), "dot"),
        ("faint noise", faint_noise, "faint"),
        ("faint grey drawing", lambda: compose(draw_mask(7), WHITE, (240, 240, 240)), "faint"),
    ],
)
def test_no_digit(case, make, reason, predictor):
    result = preprocess(encode(make()))

    assert result.blank
    assert result.reason == reason
    assert result.pixels.shape == (FRAME, FRAME)
    assert not result.pixels.any()
    prediction = predictor.predict_pixels([result])[0]
    assert prediction.digit is None
    assert prediction.confidence == 0.0


def png_header_only(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims width x height pixels."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_truncated_png_raises():
    data = encode(compose(draw_mask(7), WHITE, BLACK))

    with pytest.raises(ImageInputError) as raised:
        preprocess(data[: len(data) // 2])

    assert raised.value.code == "not_image"
    assert "Not a readable image" in str(raised.value)


def test_text_bytes_raise():
    with pytest.raises(ImageInputError) as raised:
        preprocess(b"digit,label\n7,7\n" * 20)

    assert raised.value.code == "not_image"
    assert "BytesIO" not in str(raised.value), "the message should not show Python internals"


@pytest.mark.parametrize("side", [30_000, 6_000])
def test_decompression_bomb_raises(side):
    data = png_header_only(side, side)
    assert len(data) < 100
    assert side * side > MAX_PIXELS

    with pytest.raises(ImageInputError) as raised:
        preprocess(data)

    assert raised.value.code == "too_large"


def test_file_over_byte_limit_raises(tmp_path):
    path = tmp_path / "huge.png"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: takes no disk space

    with pytest.raises(ImageInputError) as raised:
        preprocess(path)

    assert raised.value.code == "too_large"
    assert "20 MB" in str(raised.value)


def test_bytes_over_byte_limit_raise():
    with pytest.raises(ImageInputError) as raised:
        preprocess(bytes(MAX_FILE_BYTES + 1))

    assert raised.value.code == "too_large"


def test_missing_file_raises(tmp_path):
    path = tmp_path / "missing.png"

    with pytest.raises(ImageInputError) as raised:
        preprocess(path)

    assert raised.value.code == "not_found"
    assert str(path) in str(raised.value)


def test_tiny_image_raises():
    with pytest.raises(ImageInputError) as raised:
        preprocess(encode(blank_canvas("RGB", WHITE).resize((4, 4))))

    assert raised.value.code == "too_small"


def test_unsupported_input_type_raises():
    with pytest.raises(ImageInputError) as raised:
        preprocess(12345)

    assert raised.value.code == "not_image"


@pytest.fixture(scope="module")
def drawn_sample(drawn_digits):
    """Every 10th stylus-drawn digit, rendered and preprocessed under every rendering."""
    return preprocess_drawn(drawn_digits[::DRAWN_SAMPLE_STEP])


@pytest.mark.parametrize("rendering", [rendering.name for rendering in RENDERINGS])
def test_drawn_digits_floor(rendering, drawn_sample, predictor):
    pixels, blank = drawn_sample.pixels[rendering], drawn_sample.blank[rendering]
    predicted = run_trace(predictor.weights, pixels).probabilities[:, -1].argmax(axis=1)
    accuracy = float(((predicted == drawn_sample.labels) & ~blank).mean())

    assert len(drawn_sample.labels) >= 700
    assert accuracy >= DRAWN_DIGIT_FLOOR, f"{rendering}: {accuracy:.4f} ({int(blank.sum())} judged no digit)"


def test_empty_file_raises(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")

    with pytest.raises(ImageInputError) as raised:
        preprocess(path)

    assert raised.value.code == "not_image"
    assert "empty" in str(raised.value)


def test_special_file_raises():
    with pytest.raises(ImageInputError) as raised:
        preprocess("/dev/zero")

    assert raised.value.code == "not_image"
    assert "regular file" in str(raised.value)


def test_bomb_message_states_our_limit():
    with pytest.raises(ImageInputError) as raised:
        preprocess(png_header_only(50_000, 50_000))

    assert f"{MAX_PIXELS // 1_000_000} megapixels" in str(raised.value)
