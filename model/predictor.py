"""Load a trained model once and predict images: preprocessing, trace, digit, confidence.

The demo, the predict CLI and the evaluation share this path. A Predictor keeps only
read-only arrays after construction, so one instance can serve concurrent requests.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.network import MODELS_DIR, ModelFileError, load_model, model_files, train_command
from model.preprocess import Preprocessed, preprocess
from model.trace import RecurrentWeights, Trace, extract_weights, run_trace

# Used when a model card has no threshold of its own (see model.evaluate for how the
# cards' thresholds are chosen from data).
DEFAULT_CONFIDENCE_THRESHOLD = 0.6


@dataclass(frozen=True)
class Prediction:
    """The network's answer for one image."""

    preprocessed: Preprocessed
    trace: Trace | None  # one image (batch axis of 1); None when the image contains no digit
    digit: int | None  # None when the image contains no digit
    confidence: float  # softmax probability of ``digit`` after the last row; 0 when blank
    probabilities: np.ndarray  # (10,) after the last row; zeros when blank
    unsure: bool  # True when confidence is below the model's threshold

    def top(self, count: int = 3) -> list[tuple[int, float]]:
        order = np.argsort(self.probabilities)[::-1][:count]
        return [(int(i), float(self.probabilities[i])) for i in order]


def _read_card(path: Path, cell: str) -> dict:
    """Read a model card; a missing card is empty, an unreadable one is an error."""
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"Model card {path} could not be read ({error}). Create it again with: {train_command(cell)}") from error


class Predictor:
    """One trained model, loaded once, with its card."""

    def __init__(self, cell: str = "lstm", folder: Path = MODELS_DIR):
        files = model_files(cell, folder)
        self.cell = cell
        self.files = files
        keras_model = load_model(files.model, cell)
        self.weights: RecurrentWeights = extract_weights(keras_model, cell)
        self.card: dict = _read_card(files.card, cell)
        self.threshold: float = float(self.card.get("confidence_threshold", DEFAULT_CONFIDENCE_THRESHOLD))

    def predict_pixels(self, preprocessed: list[Preprocessed], keep_trace: bool = True) -> list[Prediction]:
        """Run the trace for already preprocessed inputs, batched; blank inputs are not run."""
        drawn = [index for index, item in enumerate(preprocessed) if not item.blank]
        trace = run_trace(self.weights, np.stack([preprocessed[i].pixels for i in drawn])) if drawn else None
        results: list[Prediction] = []
        for index, item in enumerate(preprocessed):
            if item.blank:
                results.append(Prediction(item, None, None, 0.0, np.zeros(10), unsure=False))
                continue
            row = drawn.index(index) if len(drawn) < 64 else int(np.searchsorted(drawn, index))
            probabilities = trace.probabilities[row, -1]
            digit = int(np.argmax(probabilities))
            confidence = float(probabilities[digit])
            results.append(
                Prediction(
                    item,
                    trace.image(row) if keep_trace else None,
                    digit,
                    confidence,
                    probabilities,
                    unsure=confidence < self.threshold,
                )
            )
        return results

    def predict(self, source) -> Prediction:
        """Preprocess one image and trace it; raises ImageInputError for unreadable input."""
        return self.predict_pixels([preprocess(source)])[0]
