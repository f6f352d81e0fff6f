"""Write the demo's example images to assets/examples/.

Two sources, both drawn as black ink on white, 280 x 280 px:
- MNIST test digits by Y. LeCun, C. Cortes and C. J. C. Burges (CC BY-SA 3.0), read from
  an mnist.npz in the layout of keras.datasets.mnist, inverted and upscaled 10x;
- stylus-drawn digits from "Pen-Based Recognition of Handwritten Digits" by E. Alpaydin
  and F. Alimoglu (UCI Machine Learning Repository, CC BY 4.0), rendered from their UNIPEN
  pen trajectories with a round brush by model.drawn.render.

Run from the repository root:
    python scripts/make_examples.py --mnist PATH/mnist.npz --pendigits PATH/pendigits-train.unipen
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from model.drawn import Rendering, parse_unipen, render  # noqa: E402

OUTPUT = REPOSITORY / "assets" / "examples"
SIDE = 280  # px
# The first test images of these labels, in this order on the page.
MNIST_LABELS = (7, 2, 1, 0, 4, 9)
PEN_LABELS = (3, 5, 6, 8)
PEN_RENDERING = Rendering("example", SIDE, 16, 0.72)


def mnist_examples(path: Path) -> list[tuple[str, Image.Image]]:
    with np.load(path) as data:
        images, labels = data["x_test"], data["y_test"]
    examples = []
    for label in MNIST_LABELS:
        index = int(np.flatnonzero(labels == label)[0])
        ink = Image.fromarray(images[index], "L").resize((SIDE, SIDE), Image.Resampling.BICUBIC)
        paper = Image.fromarray(255 - np.asarray(ink), "L").convert("RGB")
        examples.append((f"mnist-{label}-test{index}.png", paper))
    return examples


def pen_examples(path: Path) -> list[tuple[str, Image.Image]]:
    digits = parse_unipen(path)
    examples = []
    for label in PEN_LABELS:
        index = next(i for i, digit in enumerate(digits) if digit.label == label)
        examples.append((f"pen-{label}-train{index}.png", render(digits[index], PEN_RENDERING)))
    return examples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mnist", type=Path, required=True, help="mnist.npz in the layout of keras.datasets.mnist")
    parser.add_argument("--pendigits", type=Path, required=True, help="pendigits-train.unipen (UNIPEN text)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"folder for the PNG files (default: {OUTPUT})")
    args = parser.parse_args(argv)

    args.output.mkdir(parents=True, exist_ok=True)
    for name, image in mnist_examples(args.mnist) + pen_examples(args.pendigits):
        image.save(args.output / name, optimize=True)
        print(f"Wrote {args.output / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
