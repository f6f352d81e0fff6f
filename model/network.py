"""Build, save and load the row-by-row digit classifier.

An image of 28 x 28 pixels is read as a sequence: 28 timesteps, each one image row of 28
pixels (values 0..1, ink = 1). One recurrent layer turns the sequence into a hidden state,
and a dense layer maps the last hidden state to 10 logits.
"""

from dataclasses import dataclass
from pathlib import Path

import keras

TIMESTEPS = 28  # one image row per timestep
ROW_SIZE = 28  # pixels per row: the input vector at each timestep
NUM_CLASSES = 10
DEFAULT_UNITS = 128

CELLS = ("lstm", "gru", "rnn")
CELL_LAYERS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
MODELS_DIR = ASSETS_DIR / "models"


class ModelFileError(RuntimeError):
    """A model file that is missing or cannot be read."""


@dataclass(frozen=True)
class ModelFiles:
    """The files that training writes for one cell: the model, its card and its curves."""

    model: Path
    card: Path
    curves: Path


def model_files(cell: str, folder: Path = MODELS_DIR) -> ModelFiles:
    folder = Path(folder)
    return ModelFiles(
        model=folder / f"{cell}.keras",
        card=folder / f"{cell}.card.json",
        curves=folder / f"{cell}.curves.png",
    )


def build_model(cell: str = "lstm", units: int = DEFAULT_UNITS) -> keras.Model:
    """Build the tutorial's network: rows -> one recurrent layer -> dense logits."""
    if cell not in CELL_LAYERS:
        raise ValueError(f"Unknown cell {cell!r}: expected one of {', '.join(CELLS)}.")
    rows = keras.Input(shape=(TIMESTEPS, ROW_SIZE), name="rows")
    hidden = CELL_LAYERS[cell](units, name="recurrent")(rows)
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")(hidden)
    return keras.Model(rows, logits, name=f"{cell}_rows")


def train_command(cell: str) -> str:
    return f"python -m model.train --cell {cell}"


def load_model(path: Path, cell: str = "lstm") -> keras.Model:
    """Load a trained model with Keras safe mode on.

    Raises ModelFileError naming the file and the command that creates it when the file is
    missing or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(
            f"Model file not found: {path}. Create it with: {train_command(cell)}"
        )
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises several types for a damaged archive.
        raise ModelFileError(
            f"Model file {path} could not be read ({type(error).__name__}: {error}). "
            f"Create it again with: {train_command(cell)}"
        ) from error
