"""Classify digit images from the command line with a shipped model.

    python -m model.predict drawing.png
    python -m model.predict --cell gru --json scans/*.png

Every image goes through model.preprocess.preprocess, the demo's own preprocessing, so any
size, PIL mode and polarity is accepted. The output is one line per image, in input order:

    plain    FILE: 7 (98.5 %)   FILE: 4 (41.2 %, unsure)   FILE: no digit   FILE: error: MESSAGE
    --json   {"file": ..., "digit": 7, "confidence": 0.985, "unsure": false, "probabilities": [10 floats]}
             {"file": ..., "error": "MESSAGE"}

"unsure" means the confidence is below the model card's threshold. An image with no digit
gets digit null, confidence 0 and all-zero probabilities. An unreadable file does not stop
the others. Exit status: 0 when every image was read, 1 when any image could not be read or
the model file is missing or damaged, 2 for invalid arguments.
"""

import argparse
import json
import os
import sys
from pathlib import Path

# Images are preprocessed and traced this many at a time, which bounds the memory of the
# trace (about 75 MB for 256 images and an LSTM of 128 units) and prints results as they come.
BATCH_SIZE = 256


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m model.predict",
        description="Print the digit that a trained model reads in each image, one line per image.",
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files: PNG, JPEG or any format Pillow reads")
    # The cells of model.network.CELLS, written out because importing that module loads
    # TensorFlow, which would slow down --help and argument errors by seconds.
    parser.add_argument("--cell", choices=("lstm", "gru", "rnn"), default="lstm", help="model to use (default: lstm)")
    parser.add_argument(
        "--models", type=Path, default=None, metavar="DIR", help="folder with {cell}.keras and {cell}.card.json (default: assets/models)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per image instead of plain text")
    return parser.parse_args(argv)


def format_plain(file: str, prediction) -> str:
    if prediction.digit is None:
        return f"{file}: no digit"
    unsure = ", unsure" if prediction.unsure else ""
    return f"{file}: {prediction.digit} ({prediction.confidence * 100:.1f} %{unsure})"


def format_json(file: str, prediction) -> str:
    return json.dumps(
        {
            "file": file,
            "digit": prediction.digit,
            "confidence": prediction.confidence,
            "unsure": prediction.unsure,
            "probabilities": [float(value) for value in prediction.probabilities],
        }
    )


def format_error(file: str, message: str, as_json: bool) -> str:
    if as_json:
        return json.dumps({"file": file, "error": message})
    return f"{file}: error: {message}"


def predict_files(predictor, files: list[str], as_json: bool) -> int:
    """Print one line per file, in order, and return how many files could not be read."""
    from model.preprocess import ImageInputError, preprocess

    failures = 0
    for start in range(0, len(files), BATCH_SIZE):
        batch = files[start : start + BATCH_SIZE]
        # Each entry is a Preprocessed result or, for an unreadable file, its error message.
        outcomes = []
        for file in batch:
            try:
                outcomes.append(preprocess(file))
            except ImageInputError as error:
                outcomes.append(str(error))
            except OSError as error:  # for example a file without read permission
                outcomes.append(f"Could not read {file}: {error.strerror or error}")

        readable = [outcome for outcome in outcomes if not isinstance(outcome, str)]
        predictions = iter(predictor.predict_pixels(readable, keep_trace=False))
        lines = []
        for file, outcome in zip(batch, outcomes):
            if isinstance(outcome, str):
                failures += 1
                lines.append(format_error(file, outcome, as_json))
            elif as_json:
                lines.append(format_json(file, next(predictions)))
            else:
                lines.append(format_plain(file, next(predictions)))
        print("\n".join(lines), flush=True)
    return failures


def main(argv=None) -> int:
    args = parse_args(argv)

    # TensorFlow is only used to read the model file: the predictions are computed with
    # NumPy (model.trace). TF_CPP_MIN_LOG_LEVEL hides TensorFlow's C++ info and warning
    # lines. TensorFlow 2.21 prints its oneDNN notice before that setting takes effect, so
    # oneDNN is turned off as well, which changes nothing here.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    from model.network import MODELS_DIR, ModelFileError
    from model.predictor import Predictor

    try:
        predictor = Predictor(args.cell, args.models or MODELS_DIR)
    except ModelFileError as error:
        print(f"python -m model.predict: error: {error}", file=sys.stderr)
        return 1

    try:
        failures = predict_files(predictor, args.images, args.json)
    except BrokenPipeError:
        # The reader stopped early, as in "python -m model.predict *.png | head -1".
        # Point stdout at /dev/null so that Python's flush at exit raises nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
