"""Shared fixtures: MNIST, the stylus-drawn digits and the shipped models.

Data that is not on the machine makes the tests that need it skip, with a message that
names the variable to set. A model that is not in assets/models yet skips only the tests of that
cell. Once its file is there, those tests run, and a damaged file fails them.

Tests that take a ``predictor`` use the LSTM unless they parametrise ``cell``:

    @pytest.mark.parametrize("cell", CELLS)
    def test_something(predictor): ...
"""

import os
from pathlib import Path

import pytest

from model.data import MNIST_ENV, PENDIGITS_ENV, Mnist, MnistDownloadError, find_pendigits_file, load_mnist
from model.drawn import DrawnDigit, parse_unipen
from model.network import model_files
from model.predictor import Predictor

REPO_ROOT = Path(__file__).resolve().parent.parent
# The data folder beside the checkout on development machines and in CI.
SIBLING_MNIST = REPO_ROOT.parent / "shared" / "data" / "mnist.npz"


def find_test_mnist() -> Path | None:
    """Return the mnist.npz for tests: $MNIST_PATH, else the sibling data folder, else None."""
    if os.environ.get(MNIST_ENV):
        return Path(os.environ[MNIST_ENV])
    if SIBLING_MNIST.is_file():
        return SIBLING_MNIST
    return None


@pytest.fixture(scope="session")
def mnist() -> Mnist:
    """MNIST as float32 images in 0..1, from $MNIST_PATH, the sibling data folder or Keras.

    A MNIST_PATH that names a missing file fails the tests instead of skipping them, because
    it is a configuration error.
    """
    try:
        return load_mnist(find_test_mnist())
    except MnistDownloadError as error:
        pytest.skip(
            f"MNIST is not available: {MNIST_ENV} is unset, {SIBLING_MNIST} is missing and the Keras download "
            f"failed ({error.__cause__}). Set {MNIST_ENV} to an mnist.npz to run this test."
        )


@pytest.fixture(scope="session")
def drawn_digits() -> list[DrawnDigit]:
    """Every digit of the stylus-drawn set, in file order (7494 in the full set)."""
    path = find_pendigits_file()
    if path is None:
        pytest.skip(f"The drawn digit file is not available. Set {PENDIGITS_ENV} to pendigits-train.unipen to run this test.")
    return parse_unipen(path)


@pytest.fixture(scope="session")
def predictor_cache() -> dict[str, Predictor]:
    """Predictors loaded so far in this test session, by cell."""
    return {}


@pytest.fixture
def cell() -> str:
    """The cell under test: "lstm" unless the test parametrises ``cell``."""
    return "lstm"


@pytest.fixture
def predictor(cell: str, predictor_cache: dict[str, Predictor]) -> Predictor:
    """The shipped model of ``cell``, loaded once per session.

    Skips while assets/models has no file for the cell. A file that is there but does not
    load raises ModelFileError, which fails the test.
    """
    if cell not in predictor_cache:
        files = model_files(cell)
        if not files.model.is_file():
            pytest.skip(
                f"No shipped {cell.upper()} model yet: {files.model.relative_to(REPO_ROOT)} is missing "
                f"(create it with: python -m model.train --cell {cell})."
            )
        predictor_cache[cell] = Predictor(cell)
    return predictor_cache[cell]
