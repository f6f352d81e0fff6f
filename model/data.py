"""Load MNIST and the stylus-drawn digit set.

MNIST comes from, in order: an explicit path, the MNIST_PATH environment variable, or
``keras.datasets.mnist.load_data()``, which downloads and caches it on a connected machine.
Images are returned as float32 in 0..1 with ink = 1, the layout the network reads.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MNIST_ENV = "MNIST_PATH"
# The sibling data folder that development machines and CI have; not needed elsewhere.
LOCAL_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
PENDIGITS_ENV = "PENDIGITS_PATH"
PENDIGITS_FILE = "pendigits-train.unipen"


class MnistDownloadError(RuntimeError):
    """MNIST was not given as a file and the Keras download failed."""


@dataclass(frozen=True)
class Mnist:
    x_train: np.ndarray  # (60000, 28, 28) float32, 0..1, ink = 1
    y_train: np.ndarray  # (60000,) int64
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # the file read, or "keras.datasets.mnist"
    sha256: str | None  # of the file read; None after a Keras download


def find_mnist_file(path: str | Path | None = None) -> Path | None:
    """Return the mnist.npz to read, or None when Keras should download it."""
    if path is None and os.environ.get(MNIST_ENV):
        path = os.environ[MNIST_ENV]
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(
                f"MNIST file not found: {path}. Pass an mnist.npz in the layout of "
                "keras.datasets.mnist.load_data(), or leave --data and MNIST_PATH unset to download it."
            )
        return path
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_mnist(path: str | Path | None = None) -> Mnist:
    """Load MNIST as float32 images in 0..1; see the module docstring for where from."""
    file = find_mnist_file(path)
    if file is None:
        import keras

        try:
            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        except Exception as error:  # Keras wraps network errors in a plain Exception.
            raise MnistDownloadError(
                f"MNIST could not be downloaded ({error}). On a machine without internet access, "
                f"pass --data PATH or set {MNIST_ENV} to an mnist.npz."
            ) from error
        source, sha256 = "keras.datasets.mnist", None
    else:
        with np.load(file) as arrays:
            missing = {"x_train", "y_train", "x_test", "y_test"} - set(arrays.files)
            if missing:
                raise ValueError(f"{file} is not an MNIST file: keys {sorted(missing)} are missing.")
            x_train, y_train = arrays["x_train"], arrays["y_train"]
            x_test, y_test = arrays["x_test"], arrays["y_test"]
        source, sha256 = str(file), file_sha256(file)
    return Mnist(
        x_train=(x_train.astype(np.float32) / 255.0),
        y_train=y_train.astype(np.int64),
        x_test=(x_test.astype(np.float32) / 255.0),
        y_test=y_test.astype(np.int64),
        source=source,
        sha256=sha256,
    )


def find_pendigits_file(path: str | Path | None = None) -> Path | None:
    """Return the stylus-drawn digit file, or None when it is not on this machine."""
    candidates = [path, os.environ.get(PENDIGITS_ENV), LOCAL_DATA_DIR / PENDIGITS_FILE]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None
