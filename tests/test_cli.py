"""The command-line tools, run as a user runs them: python -m model.predict, model.train, model.evaluate."""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.data import PENDIGITS_ENV, find_pendigits_file
from model.drawn import RENDERINGS
from model.network import load_model, model_files
from model.predict import BATCH_SIZE

REPO_ROOT = Path(__file__).resolve().parent.parent
JSON_KEYS = {"file", "digit", "confidence", "unsure", "probabilities"}
# Polylines in canvas fractions (x right, y down).
STROKES = {
    7: [(0.25, 0.2), (0.75, 0.2), (0.42, 0.85)],
    1: [(0.55, 0.15), (0.47, 0.85)],
}


def run(module: str, *args, env_extra: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m module args`` from the repository root and capture its output.

    TensorFlow's log settings are removed from the environment, so the tools must quiet
    TensorFlow themselves.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("TF_")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def draw_png(path: Path, digit: int | None, size: int = 300) -> Path:
    """Save a black-on-white drawing of the digit, or a blank canvas for None."""
    image = Image.new("RGB", (size, size), "white")
    if digit is not None:
        points = [(x * size, y * size) for x, y in STROKES[digit]]
        ImageDraw.Draw(image).line(points, fill="black", width=round(0.06 * size), joint="curve")
    image.save(path)
    return path


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> dict[str, Path]:
    """PNG files of a 7, a 1 and a blank canvas, a text file named .png and a missing path."""
    folder = tmp_path_factory.mktemp("images")
    not_image = folder / "notes.png"
    not_image.write_text("this is a text file, not a drawing\n")
    return {
        "seven": draw_png(folder / "seven.png", 7),
        "one": draw_png(folder / "one.png", 1),
        "blank": draw_png(folder / "blank.png", None),
        "not_image": not_image,
        "missing": folder / "missing.png",
    }


@pytest.fixture(scope="module")
def plain_run(images):
    return run("model.predict", images["seven"], images["one"], images["blank"])


@pytest.fixture(scope="module")
def json_run(images):
    return run("model.predict", "--json", images["seven"], images["one"], images["blank"])


def test_predict_plain_output(plain_run, images):
    lines = plain_run.stdout.splitlines()

    assert plain_run.returncode == 0, plain_run.stderr
    assert len(lines) == 3
    for line, (name, digit) in zip(lines[:2], [("seven", 7), ("one", 1)]):
        match = re.fullmatch(re.escape(str(images[name])) + r": (\d) \((\d{1,3}\.\d) %(, unsure)?\)", line)
        assert match, line
        assert int(match.group(1)) == digit
        assert 10.0 <= float(match.group(2)) <= 100.0
    assert lines[2] == f"{images['blank']}: no digit"


def test_predict_is_quiet_on_stderr(plain_run, json_run):
    assert plain_run.stderr == "", "TensorFlow's log lines should be silenced"
    assert json_run.stderr == ""


def test_predict_json_output(json_run, images):
    records = [json.loads(line) for line in json_run.stdout.splitlines()]

    assert json_run.returncode == 0, json_run.stderr
    assert [record["file"] for record in records] == [str(images[name]) for name in ("seven", "one", "blank")]
    for record, digit in zip(records[:2], (7, 1)):
        assert set(record) == JSON_KEYS
        assert record["digit"] == digit
        assert isinstance(record["confidence"], float)
        assert isinstance(record["unsure"], bool)
        probabilities = record["probabilities"]
        assert len(probabilities) == 10
        assert all(isinstance(value, float) and 0.0 <= value <= 1.0 for value in probabilities)
        assert math.isclose(sum(probabilities), 1.0, abs_tol=1e-6)
        assert record["confidence"] == max(probabilities)
        assert probabilities.index(max(probabilities)) == digit


def test_predict_json_blank_image(json_run):
    blank = json.loads(json_run.stdout.splitlines()[2])

    assert set(blank) == JSON_KEYS
    assert blank["digit"] is None
    assert blank["confidence"] == 0.0
    assert blank["unsure"] is False
    assert blank["probabilities"] == [0.0] * 10


def test_predict_matches_predictor(json_run, images, predictor):
    record = json.loads(json_run.stdout.splitlines()[0])
    expected = predictor.predict(images["seven"])

    assert record["digit"] == expected.digit
    assert record["unsure"] == expected.unsure
    np.testing.assert_allclose(record["probabilities"], expected.probabilities, rtol=0, atol=1e-12)


def test_predict_plain_errors_keep_going(images):
    result = run("model.predict", images["not_image"], images["seven"], images["missing"], images["one"])
    lines = result.stdout.splitlines()

    assert result.returncode == 1
    assert len(lines) == 4
    assert lines[0].startswith(f"{images['not_image']}: error: Not a readable image")
    assert lines[1].startswith(f"{images['seven']}: 7 (")
    assert lines[2] == f"{images['missing']}: error: File not found: {images['missing']}"
    assert lines[3].startswith(f"{images['one']}: 1 (")
    assert "Traceback" not in result.stderr


def test_predict_json_errors_keep_going(images):
    result = run("model.predict", "--json", images["seven"], images["not_image"], images["missing"])
    records = [json.loads(line) for line in result.stdout.splitlines()]

    assert result.returncode == 1
    assert len(records) == 3
    assert records[0]["digit"] == 7
    assert set(records[1]) == {"file", "error"}
    assert records[1]["file"] == str(images["not_image"])
    assert records[1]["error"].startswith("Not a readable image")
    assert set(records[2]) == {"file", "error"}
    assert records[2]["error"] == f"File not found: {images['missing']}"


def test_predict_keeps_order_across_batches(images):
    # More files than one batch, with an error just after the first batch boundary.
    files = [images["seven"], images["one"]] * (BATCH_SIZE // 2) + [images["missing"], images["blank"], images["one"]]
    result = run("model.predict", "--json", *files)
    records = [json.loads(line) for line in result.stdout.splitlines()]

    assert result.returncode == 1
    assert [record["file"] for record in records] == [str(file) for file in files]
    assert [record.get("digit", "error") for record in records] == [7, 1] * (BATCH_SIZE // 2) + ["error", None, 1]


def test_predict_missing_model(tmp_path, images):
    result = run("model.predict", "--cell", "gru", "--models", tmp_path, images["seven"])

    assert result.returncode == 1
    assert result.stdout == ""
    assert str(tmp_path / "gru.keras") in result.stderr
    assert "python -m model.train --cell gru" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args", [[], ["--cell", "lstmx", "seven.png"], ["--unknown", "seven.png"]], ids=["no images", "bad cell", "bad option"]
)
def test_predict_usage_errors(args):
    result = run("model.predict", *args)

    assert result.returncode == 2
    assert "usage: python -m model.predict" in result.stderr


def test_train_help_lists_options():
    result = run("model.train", "--help")

    assert result.returncode == 0
    for option in ("--cell", "--units", "--epochs", "--batch-size", "--learning-rate", "--seed", "--data", "--output",
                   "--no-augment", "--limit"):
        assert option in result.stdout, option


def test_train_small_slice(tmp_path, mnist):
    data = ["--data", mnist.source] if mnist.sha256 else []
    result = run("model.train", "--cell", "lstm", "--epochs", 1, "--limit", 600, "--output", tmp_path, *data)
    files = model_files("lstm", tmp_path)

    assert result.returncode == 0, result.stderr[-3000:]
    assert files.model.is_file()
    assert files.curves.is_file()
    with Image.open(files.curves) as curves:
        assert curves.format == "PNG"
    card = json.loads(files.card.read_text())
    for name in ("cell", "units", "epochs", "batch_size", "learning_rate", "seed", "mnist_test_accuracy",
                 "training_seconds", "tensorflow_version", "keras_version", "data_sha256"):
        assert name in card, name
    assert card["cell"] == "lstm"
    assert card["epochs"] == 1
    assert card["mnist_test_images"] == 600
    assert card["data_sha256"] == mnist.sha256
    model = load_model(files.model, "lstm")
    assert model.output_shape == (None, 10)


def test_evaluate_prints_each_rendering(mnist):
    drawn = find_pendigits_file()
    if drawn is None:
        pytest.skip(f"The drawn digit file is not available. Set {PENDIGITS_ENV} to pendigits-train.unipen to run this test.")
    if not model_files("lstm").model.is_file():
        pytest.skip("No shipped LSTM model yet (create it with: python -m model.train --cell lstm).")
    env = {PENDIGITS_ENV: str(drawn)}
    if mnist.sha256:
        env["MNIST_PATH"] = mnist.source
    result = run("model.evaluate", "--cell", "lstm", "--limit", 50, env_extra=env)
    output = result.stdout

    assert result.returncode == 0, result.stderr[-3000:]
    assert "MNIST test set (10000 images)" in output
    for rendering in RENDERINGS:
        assert re.search(re.escape(rendering.name) + r"\s+\d+\.\d\d %", output), rendering.name
    assert re.search(r"Drawn digits \(50 per rendering\): mean \d+\.\d\d %, worst \d+\.\d\d %", output), output
