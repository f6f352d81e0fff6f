"""Draw training curves (loss and accuracy per epoch) as a PNG with Pillow alone."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

TRAIN_COLOUR = (31, 119, 180)
VALIDATION_COLOUR = (255, 127, 14)


def _panel(draw, box, series, title, font, small_font):
    left, top, right, bottom = box
    draw.rectangle(box, outline=(60, 60, 60), width=2)
    draw.text((left, top - 34), title, fill=(20, 20, 20), font=font)
    values = [v for _, points, _ in series for v in points]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    epochs = max(len(points) for _, points, _ in series)

    def to_xy(index, value):
        x = left + (right - left) * (index / max(epochs - 1, 1))
        y = bottom - (bottom - top) * (value - low) / (high - low)
        return x, y

    for tick in range(5):
        value = low + (high - low) * tick / 4
        _, y = to_xy(0, value)
        draw.line((left - 6, y, left, y), fill=(60, 60, 60), width=2)
        draw.text((left - 10, y), f"{value:.3f}", fill=(60, 60, 60), font=small_font, anchor="rm")
    for index in range(epochs):
        x, _ = to_xy(index, low)
        draw.line((x, bottom, x, bottom + 6), fill=(60, 60, 60), width=2)
        draw.text((x, bottom + 10), str(index + 1), fill=(60, 60, 60), font=small_font, anchor="mt")
    draw.text(((left + right) / 2, bottom + 36), "epoch", fill=(20, 20, 20), font=small_font, anchor="mt")
    for name, points, colour in series:
        xy = [to_xy(i, v) for i, v in enumerate(points)]
        if len(xy) > 1:
            draw.line(xy, fill=colour, width=4)
        for x, y in xy:
            draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=colour)


def save_curves(history: dict, path: Path, title: str) -> None:
    """Write loss and accuracy per epoch, training and validation, side by side."""
    width, height = 1400, 620
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    small_font = ImageFont.load_default(size=20)
    draw.text((40, 16), title, fill=(0, 0, 0), font=font)
    panels = (
        ("loss (cross-entropy)", "loss", "val_loss", (120, 120, 660, 520)),
        ("accuracy", "accuracy", "val_accuracy", (820, 120, 1360, 520)),
    )
    for label, train_key, val_key, box in panels:
        series = [("training", history[train_key], TRAIN_COLOUR)]
        if val_key in history:
            series.append(("validation", history[val_key], VALIDATION_COLOUR))
        _panel(draw, box, series, label, font, small_font)
    legend_x = 560
    for name, colour in (("training", TRAIN_COLOUR), ("validation", VALIDATION_COLOUR)):
        draw.line((legend_x, 36, legend_x + 40, 36), fill=colour, width=5)
        draw.text((legend_x + 50, 36), name, fill=(20, 20, 20), font=small_font, anchor="lm")
        legend_x += 200
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
