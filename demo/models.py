"""Load one Predictor per trained cell, once per process.

The demo starts with whichever cells have a model file and lists the others as missing.
It refuses to start only when no cell has one.
"""

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from model.network import CELLS, MODELS_DIR, ModelFileError, model_files, train_command
from model.predictor import Predictor

logger = logging.getLogger(__name__)

# Folder with the {cell}.keras files; tests point it at a folder of their own.
MODELS_DIR_ENV = "DEMO_MODELS_DIR"


@dataclass(frozen=True)
class Models:
    """The loaded predictors by cell, in the order of CELLS, and the cells without a model."""

    folder: Path
    predictors: dict[str, Predictor]
    missing: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(self.predictors)

    def predictor(self, cell: str) -> Predictor:
        """Return the predictor of ``cell``, or of the first available cell if it has none."""
        return self.predictors.get(cell) or next(iter(self.predictors.values()))

    def card_path(self, cell: str) -> Path:
        return model_files(cell, self.folder).card


def load_models(folder: Path | str = MODELS_DIR) -> Models:
    """Load every cell that has a model file in ``folder``.

    Raises ModelFileError (naming the file and the training command) when no cell loads.
    A cell whose file exists but cannot be read is logged and counted as missing.
    """
    folder = Path(folder)
    predictors: dict[str, Predictor] = {}
    errors: dict[str, ModelFileError] = {}
    for cell in CELLS:
        try:
            predictors[cell] = Predictor(cell, folder)
        except ModelFileError as error:
            errors[cell] = error
            if model_files(cell, folder).model.is_file():
                logger.error("Skipping the %s model: %s", cell, error)
    if not predictors:
        raise errors[CELLS[0]]
    missing = tuple(cell for cell in CELLS if cell not in predictors)
    logger.info("Loaded models from %s: %s", folder, ", ".join(predictors))
    if missing:
        logger.warning(
            "No model for %s. Train with: %s", ", ".join(missing), "; ".join(train_command(cell) for cell in missing)
        )
    return Models(folder, predictors, missing)


def models_folder() -> Path:
    """Return the folder named by DEMO_MODELS_DIR, or assets/models."""
    return Path(os.environ.get(MODELS_DIR_ENV) or MODELS_DIR)


@functools.cache
def default_models() -> Models:
    """Load the models of ``models_folder()`` on the first call and reuse them afterwards."""
    return load_models(models_folder())
