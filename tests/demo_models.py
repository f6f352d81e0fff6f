"""Small untrained models for the demo's tests of a folder unlike assets/models.

The folder contains an LSTM (with a model card) and a GRU, and no simple RNN, so the tests
see how the demo lists a missing cell and a missing card, and that the views follow a
model's size. Tests of the network's predictions use the shipped models instead.
"""

import json
from pathlib import Path

from model.network import build_model, model_files

UNITS = 32  # fewer units than the shipped models, to show the views follow the model's size
CELLS_PRESENT = ("lstm", "gru")
CARD = {"cell": "lstm", "units": UNITS, "epochs": 1, "mnist_test_accuracy": 0.5, "mnist_test_images": 10000}


def make_model_folder(folder: Path, cells: tuple[str, ...] = CELLS_PRESENT) -> Path:
    """Save untrained models of ``cells`` (seeded) and an LSTM card into ``folder``."""
    import keras

    keras.utils.set_random_seed(0)
    for cell in cells:
        build_model(cell, units=UNITS).save(model_files(cell, folder).model)
    model_files("lstm", folder).card.write_text(json.dumps(CARD))
    return folder
