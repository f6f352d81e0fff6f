"""Measure a model on MNIST and on stylus-drawn digits rendered the way people draw.

    python -m model.evaluate --cell lstm
    python -m model.evaluate --cell all --write-card

For each rendering of the drawn set (brush widths, a transparent sketchpad, a dark canvas,
a small digit in a corner, coloured ink) it prints one line of accuracy, then the mean and
the worst. Every drawing goes through model.preprocess, as the demo's canvas does. An image
judged "no digit" counts as wrong.

It also picks each model's confidence threshold from data (see choose_threshold) and, with
--write-card, records the drawn-digit accuracy and the threshold in the model card.
"""

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from model.drawn import RENDERINGS, DrawnDigit, Rendering, parse_unipen, render
from model.network import CELLS, MODELS_DIR, model_files
from model.preprocess import preprocess

SCRIBBLE_COUNT = 600
KEPT_CORRECT_SHARE = 0.95  # correctly read drawn digits that must stay above the threshold


@dataclass
class DrawnSet:
    """The drawn digits preprocessed under every rendering."""

    labels: np.ndarray  # (D,)
    pixels: dict[str, np.ndarray]  # rendering name -> (D, 28, 28)
    blank: dict[str, np.ndarray]  # rendering name -> (D,) bool


def _preprocess_chunk(job):
    digits, rendering = job
    results = [preprocess(render(digit, rendering)) for digit in digits]
    return np.stack([r.pixels for r in results]), np.array([r.blank for r in results])


def preprocess_drawn(digits: list[DrawnDigit], renderings=RENDERINGS, jobs: int | None = None) -> DrawnSet:
    """Render every digit under every rendering and preprocess it, in parallel processes."""
    jobs = jobs or os.cpu_count() or 1
    chunk = 250
    work = [(digits[i : i + chunk], rendering) for rendering in renderings for i in range(0, len(digits), chunk)]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            outputs = list(pool.map(_preprocess_chunk, work))
    else:
        outputs = [_preprocess_chunk(job) for job in work]
    pixels, blank = {}, {}
    per_rendering = len(range(0, len(digits), chunk))
    for index, rendering in enumerate(renderings):
        parts = outputs[index * per_rendering : (index + 1) * per_rendering]
        pixels[rendering.name] = np.concatenate([p for p, _ in parts])
        blank[rendering.name] = np.concatenate([b for _, b in parts])
    return DrawnSet(np.array([d.label for d in digits]), pixels, blank)


def make_scribbles(count: int = SCRIBBLE_COUNT, seed: int = 0) -> list[DrawnDigit]:
    """Random pen strokes that are no digit: smooth wandering lines, zigzags and hatching."""
    rng = np.random.default_rng(seed)
    scribbles = []
    for index in range(count):
        strokes = []
        for _ in range(rng.integers(1, 4)):
            kind = index % 3
            points = rng.integers(6, 40)
            if kind == 0:  # a wandering line with momentum
                heading = rng.uniform(0, 2 * np.pi)
                turns = np.cumsum(rng.normal(0, 0.6, points))
                steps = np.stack([np.cos(heading + turns), np.sin(heading + turns)], 1) * rng.uniform(8, 30)
                stroke = rng.uniform(100, 400, 2) + np.cumsum(steps, 0)
            elif kind == 1:  # a zigzag
                xs = np.linspace(rng.uniform(50, 200), rng.uniform(300, 450), points)
                ys = rng.uniform(150, 350) + rng.uniform(40, 150) * (np.arange(points) % 2)
                stroke = np.stack([xs, ys], 1)
            else:  # random points joined up
                stroke = rng.uniform(50, 450, (points // 3 + 2, 2))
            strokes.append(stroke)
        scribbles.append(DrawnDigit(-1, strokes))
    return scribbles


def choose_threshold(correct_confidences: np.ndarray, scribble_confidences: np.ndarray) -> float:
    """Pick the confidence below which the demo reports that it is not sure.

    The threshold is the highest one (in steps of 0.01) that keeps at least 95 % of the
    correctly read drawn digits at or above it, so at most 1 correct prediction in 20 is called
    unsure; the evaluation prints how many random scribbles it then flags.
    """
    threshold = float(np.quantile(correct_confidences, 1 - KEPT_CORRECT_SHARE))
    return float(np.floor(threshold * 100) / 100)


def _last_probabilities(weights, pixels: np.ndarray) -> np.ndarray:
    from model.trace import run_trace

    parts = [run_trace(weights, pixels[i : i + 2000]).probabilities[:, -1] for i in range(0, len(pixels), 2000)]
    return np.concatenate(parts)


def evaluate_cell(cell, folder, mnist, drawn: DrawnSet | None, scribbles: np.ndarray | None, write_card: bool):
    from model.network import load_model
    from model.trace import extract_weights

    files = model_files(cell, folder)
    weights = extract_weights(load_model(files.model, cell), cell)
    report = {}
    print(f"== {cell.upper()} ({files.model})")

    if mnist is not None:
        predicted = _last_probabilities(weights, mnist.x_test).argmax(1)
        accuracy = float((predicted == mnist.y_test).mean())
        report["mnist_test_accuracy"] = round(accuracy, 5)
        print(f"MNIST test set ({len(mnist.y_test)} images): {accuracy * 100:.2f} %")

    if drawn is not None:
        accuracies = {}
        correct_confidences = []
        for name, pixels in drawn.pixels.items():
            probabilities = _last_probabilities(weights, pixels)
            predicted = probabilities.argmax(1)
            right = (predicted == drawn.labels) & ~drawn.blank[name]
            accuracies[name] = float(right.mean())
            correct_confidences.append(probabilities.max(1)[right])
            print(f"  {name:40s} {accuracies[name] * 100:6.2f} %  ({int(drawn.blank[name].sum())} judged no digit)")
        values = np.array(list(accuracies.values()))
        worst = min(accuracies, key=accuracies.get)
        print(f"Drawn digits ({len(drawn.labels)} per rendering): mean {values.mean() * 100:.2f} %, worst {values.min() * 100:.2f} % ({worst})")
        report["drawn_digit_accuracy"] = {name: round(value, 6) for name, value in accuracies.items()}
        report["drawn_digit_mean_accuracy"] = round(float(values.mean()), 6)
        report["drawn_digit_worst_accuracy"] = round(float(values.min()), 6)
        report["drawn_digits"] = int(len(drawn.labels))

        if scribbles is not None:
            scribble_confidences = _last_probabilities(weights, scribbles).max(1)
            correct = np.concatenate(correct_confidences)
            threshold = choose_threshold(correct, scribble_confidences)
            flagged_scribbles = float((scribble_confidences < threshold).mean())
            flagged_correct = float((correct < threshold).mean())
            report["confidence_threshold"] = threshold
            report["confidence_threshold_basis"] = (
                f"maximises (correct drawn digits at or above) - (random scribbles at or above) over "
                f"{len(correct)} correct drawn digits and {len(scribble_confidences)} scribbles; below it: "
                f"{flagged_scribbles * 100:.1f} % of scribbles, {flagged_correct * 100:.1f} % of correct digits"
            )
            print(
                f"Confidence threshold {threshold:.2f}: flags {flagged_scribbles * 100:.1f} % of scribbles "
                f"and {flagged_correct * 100:.1f} % of correctly read drawn digits."
            )

    if write_card and files.card.is_file():
        card = json.loads(files.card.read_text())
        card.update(report)
        files.card.write_text(json.dumps(card, indent=2) + "\n")
        print(f"Updated {files.card}.")
    return report


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m model.evaluate",
        description="Report a model's accuracy on MNIST and on drawn digits rendered as people draw them.",
    )
    parser.add_argument("--cell", choices=(*CELLS, "all"), default="lstm", help="model to evaluate (default: lstm)")
    parser.add_argument("--models", default=MODELS_DIR, help=f"folder with the model files (default: {MODELS_DIR})")
    parser.add_argument("--data", default=None, help="mnist.npz path (default: $MNIST_PATH, else the Keras download)")
    parser.add_argument(
        "--drawn", default=None, help="UNIPEN file of drawn digits (default: $PENDIGITS_PATH or the local data folder)"
    )
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N drawn digits")
    parser.add_argument("--skip-mnist", action="store_true", help="report drawn digits only")
    parser.add_argument("--write-card", action="store_true", help="record the results and the threshold in the card")
    parser.add_argument("--jobs", type=int, default=None, help="processes for rendering (default: CPU count)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from model.data import find_pendigits_file, load_mnist

    started = time.perf_counter()
    mnist = None if args.skip_mnist else load_mnist(args.data)
    drawn = scribbles = None
    drawn_file = find_pendigits_file(args.drawn)
    if drawn_file is None:
        print("Drawn digits not found: pass --drawn PATH or set PENDIGITS_PATH; reporting MNIST only.", file=sys.stderr)
    else:
        digits = parse_unipen(drawn_file)[: args.limit]
        drawn = preprocess_drawn(digits, jobs=args.jobs)
        scribble_set = preprocess_drawn(make_scribbles(), renderings=(RENDERINGS[1],), jobs=args.jobs)
        scribbles = scribble_set.pixels[RENDERINGS[1].name][~scribble_set.blank[RENDERINGS[1].name]]
    cells = CELLS if args.cell == "all" else (args.cell,)
    for cell in cells:
        evaluate_cell(cell, args.models, mnist, drawn, scribbles, args.write_card)
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
