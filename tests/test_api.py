"""The real server: ``python -m demo`` in a subprocess on 127.0.0.1, called through gradio_client.

The server serves the shipped models of assets/models, so besides the endpoint's contract
(JSON shapes, rounding, errors, the public API) the tests check that the trained
networks read an MNIST test digit and pen-drawn digits correctly. One server serves the
whole module. The error for a cell without a trained model needs a folder that lacks a
cell, so that test calls the handler in process with the untrained models of
tests/demo_models.py.
"""

import json
import urllib.request
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from demo.events import Handlers
from demo.labels import EXAMPLES_DIR
from demo.models import load_models
from demo_models import make_model_folder
from model.network import CELLS, TIMESTEPS, model_files
from model.trace import GATE_NAMES
from servers import demo_server

MNIST_SEVEN = EXAMPLES_DIR / "mnist-7-test0.png"  # the first MNIST test image, a 7
PEN_EXAMPLES = sorted(EXAMPLES_DIR.glob("pen-*.png"))  # pen-<digit>-<source>.png


def require_shipped_model(cell: str) -> None:
    """Skip the test while assets/models has no model file for ``cell``."""
    files = model_files(cell)
    if not files.model.is_file():
        pytest.skip(f"No shipped {cell.upper()} model: {files.model} is missing (create it with: python -m model.train --cell {cell}).")


def shipped_units(cell: str) -> int:
    """Return the hidden units of the shipped model of ``cell``, as its model card states."""
    return json.loads(model_files(cell).card.read_text())["units"]


def label_of(path: Path) -> int:
    """Return the digit that an example's file name states: mnist-7-test0.png is a 7."""
    return int(path.name.split("-")[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start the demo with the shipped models on a free port and yield its URL."""
    with demo_server(tmp_path_factory.mktemp("logs") / "demo.log") as url:
        yield url


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server, verbose=False)


# Predictions that only a trained network gets right --------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_predict_reads_mnist_seven(client, cell):
    require_shipped_model(cell)
    result = client.predict(handle_file(str(MNIST_SEVEN)), cell, api_name="/predict")
    assert result["cell"] == cell
    assert result["digit"] == 7


@pytest.mark.parametrize("path", PEN_EXAMPLES, ids=[path.name for path in PEN_EXAMPLES])
def test_predict_lstm_reads_pen_drawn_digit(client, path):
    require_shipped_model("lstm")
    result = client.predict(handle_file(str(path)), "lstm", api_name="/predict")
    assert result["digit"] == label_of(path)


# The JSON contract -------------------------------------------------------------------------


def test_predict_returns_prediction_and_trace(client):
    require_shipped_model("lstm")
    units = shipped_units("lstm")
    result = client.predict(handle_file(str(MNIST_SEVEN)), "lstm", api_name="/predict")

    assert result["cell"] == "lstm"
    assert isinstance(result["digit"], int)
    assert 0 <= result["digit"] <= 9
    assert isinstance(result["unsure"], bool)
    assert result["blank_reason"] is None
    assert len(result["probabilities"]) == 10
    assert sum(result["probabilities"]) == pytest.approx(1.0, abs=1e-4)
    assert result["confidence"] == pytest.approx(max(result["probabilities"]), abs=1e-5)

    trace = result["trace"]
    assert np.array(trace["hidden"]).shape == (TIMESTEPS, units)
    assert np.array(trace["cell_state"]).shape == (TIMESTEPS, units)
    assert set(trace["gates"]) == set(GATE_NAMES["lstm"])
    for name, values in trace["gates"].items():
        assert np.array(values).shape == (TIMESTEPS, units), name
    probabilities = np.array(trace["probabilities"])
    assert probabilities.shape == (TIMESTEPS, 10)
    # Each row of 10 values rounded to 4 decimals sums to 1 within 10 x 5e-5.
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=5e-4)
    # The last row contains the top-level probabilities rounded to 4 instead of 5
    # decimals, so each value differs by at most 5e-5 + 5e-6.
    assert np.abs(probabilities[-1] - np.array(result["probabilities"])).max() <= 5.5e-5 + 1e-12


def test_predict_rounds_trace_to_4_decimals(client):
    require_shipped_model("lstm")
    result = client.predict(handle_file(str(MNIST_SEVEN)), "lstm", api_name="/predict")
    trace = result["trace"]
    arrays = {"hidden": trace["hidden"], "cell_state": trace["cell_state"], "probabilities": trace["probabilities"], **trace["gates"]}
    for name, values in arrays.items():
        values = np.array(values).ravel()
        assert np.allclose(values, np.round(values, 4), rtol=0, atol=1e-12), name

    top = np.array(result["probabilities"])
    assert np.allclose(top, np.round(top, 5), rtol=0, atol=1e-12)
    assert result["confidence"] == round(result["confidence"], 5)


def test_predict_cell_defaults_to_lstm(client):
    require_shipped_model("lstm")
    result = client.predict(image=handle_file(str(MNIST_SEVEN)), api_name="/predict")
    assert result["cell"] == "lstm"


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_predict_without_cell_state(client, cell):
    require_shipped_model(cell)
    units = shipped_units(cell)
    result = client.predict(handle_file(str(MNIST_SEVEN)), cell, api_name="/predict")

    assert result["cell"] == cell
    assert result["trace"]["cell_state"] is None
    assert np.array(result["trace"]["hidden"]).shape == (TIMESTEPS, units)
    assert set(result["trace"]["gates"]) == set(GATE_NAMES[cell])
    assert np.array(result["trace"]["probabilities"]).shape == (TIMESTEPS, 10)


def test_predict_blank_image_has_no_digit(client, tmp_path):
    path = tmp_path / "white.png"
    Image.new("RGB", (200, 200), "white").save(path)
    result = client.predict(handle_file(str(path)), "lstm", api_name="/predict")
    assert result["digit"] is None
    assert result["trace"] is None
    assert result["blank_reason"] == "empty"


def test_predict_text_file_raises_clear_error(client, tmp_path):
    path = tmp_path / "digit.png"
    path.write_text("this is not an image")
    with pytest.raises(AppError, match="not a readable image"):
        client.predict(handle_file(str(path)), "lstm", api_name="/predict")


def test_predict_unknown_cell_raises_clear_error(client):
    with pytest.raises(AppError, match="Unknown or untrained cell 'transformer'"):
        client.predict(handle_file(str(MNIST_SEVEN)), "transformer", api_name="/predict")


def test_predict_untrained_cell_raises_clear_error(tmp_path):
    models = load_models(make_model_folder(tmp_path))  # an LSTM and a GRU, no simple RNN
    with pytest.raises(gr.Error, match="untrained cell 'rnn': available cells are lstm, gru"):
        Handlers(models).api_predict(str(MNIST_SEVEN), "rnn")


def test_server_keeps_serving_after_errors(client, tmp_path):
    require_shipped_model("lstm")
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(AppError):
        client.predict(handle_file(str(path)), "lstm", api_name="/predict")
    result = client.predict(handle_file(str(MNIST_SEVEN)), "lstm", api_name="/predict")
    assert result["digit"] == 7


def test_only_predict_is_public(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert list(endpoints) == ["/predict"]


def test_page_uses_no_outside_fonts(server):
    with urllib.request.urlopen(server, timeout=10) as response:
        page = response.read().decode("utf-8")
    with urllib.request.urlopen(server + "theme.css", timeout=10) as response:
        theme = response.read().decode("utf-8")
    for text in (page, theme):
        assert "fonts.googleapis.com" not in text
        assert "fonts.gstatic.com" not in text
