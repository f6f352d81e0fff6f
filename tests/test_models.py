"""The shipped models reach their accuracy floors, their cards describe them, and bad files fail clearly."""

import json
import re

import numpy as np
import pytest

from model.network import CELLS, ModelFileError, load_model, model_files
from model.predictor import Predictor
from model.trace import run_trace

# Minimum accuracy on the full MNIST test set (10,000 images).
ACCURACY_FLOORS = {"lstm": 0.990, "gru": 0.990, "rnn": 0.975}
# The card's accuracy comes from Keras in float32, the test's from the trace in float64.
CARD_ACCURACY_TOLERANCE = 0.0005
CHUNK = 1000  # images per run_trace call, which keeps the trace's arrays near 300 MB

CARD_FIELDS = {
    "cell": str,
    "units": int,
    "epochs": int,
    "batch_size": int,
    "learning_rate": float,
    "seed": int,
    "mnist_test_accuracy": float,
    "training_seconds": (int, float),
    "tensorflow_version": str,
    "keras_version": str,
    "data_sha256": str,
}

_accuracies: dict[str, float] = {}


def measured_accuracy(predictor, mnist) -> float:
    """Return the model's accuracy on the MNIST test set, computed once per cell."""
    if predictor.cell not in _accuracies:
        predicted = np.concatenate(
            [
                run_trace(predictor.weights, mnist.x_test[start : start + CHUNK]).probabilities[:, -1].argmax(axis=1)
                for start in range(0, len(mnist.x_test), CHUNK)
            ]
        )
        _accuracies[predictor.cell] = float((predicted == mnist.y_test).mean())
    return _accuracies[predictor.cell]


@pytest.mark.parametrize("cell", CELLS)
def test_model_reaches_accuracy_floor(cell, predictor, mnist):
    assert len(mnist.x_test) == 10_000, "the floors are for the full MNIST test set"

    accuracy = measured_accuracy(predictor, mnist)

    assert accuracy >= ACCURACY_FLOORS[cell], f"{cell} accuracy {accuracy:.4f} is below {ACCURACY_FLOORS[cell]}"


@pytest.mark.parametrize("cell", CELLS)
def test_card_has_required_fields(cell, predictor):
    assert predictor.files.card.is_file(), f"{predictor.files.card} is missing"
    card = json.loads(predictor.files.card.read_text())

    for name, kind in CARD_FIELDS.items():
        assert name in card, f"{predictor.files.card} has no {name!r}"
        assert isinstance(card[name], kind), f"{name!r} is {card[name]!r}"
    assert card["cell"] == cell
    assert card["units"] == predictor.weights.units
    assert card["epochs"] >= 1
    assert card["batch_size"] >= 1
    assert card["learning_rate"] > 0
    assert card["training_seconds"] > 0
    assert re.fullmatch(r"[0-9a-f]{64}", card["data_sha256"]), card["data_sha256"]
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", card["tensorflow_version"]), card["tensorflow_version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", card["keras_version"]), card["keras_version"]


@pytest.mark.parametrize("cell", CELLS)
def test_card_accuracy_matches_measured(cell, predictor, mnist):
    card = json.loads(predictor.files.card.read_text())
    accuracy = measured_accuracy(predictor, mnist)

    assert card.get("mnist_test_images", 10_000) == 10_000, "the card must report the full test set"
    assert abs(card["mnist_test_accuracy"] - accuracy) <= CARD_ACCURACY_TOLERANCE, (
        f"card says {card['mnist_test_accuracy']}, measured {accuracy:.5f}"
    )


def test_load_missing_model_raises(tmp_path):
    path = tmp_path / "gru.keras"

    with pytest.raises(ModelFileError) as raised:
        load_model(path, "gru")

    assert str(path) in str(raised.value)
    assert "python -m model.train --cell gru" in str(raised.value)


def test_predictor_missing_folder_raises(tmp_path):
    with pytest.raises(ModelFileError) as raised:
        Predictor("rnn", tmp_path / "nowhere")

    assert str(model_files("rnn", tmp_path / "nowhere").model) in str(raised.value)
    assert "python -m model.train --cell rnn" in str(raised.value)


def test_load_garbage_file_raises(tmp_path):
    path = tmp_path / "lstm.keras"
    path.write_bytes(b"this is not a Keras archive\n" * 100)

    with pytest.raises(ModelFileError) as raised:
        load_model(path, "lstm")

    assert str(path) in str(raised.value)
    assert "python -m model.train --cell lstm" in str(raised.value)


def test_load_truncated_model_raises(tmp_path):
    shipped = model_files("lstm").model
    if not shipped.is_file():
        pytest.skip(f"{shipped} is missing (create it with: python -m model.train --cell lstm)")
    path = tmp_path / "lstm.keras"
    data = shipped.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(ModelFileError) as raised:
        load_model(path, "lstm")

    assert str(path) in str(raised.value)
