"""The real server: ``python -m demo`` in a subprocess on 127.0.0.1, called through gradio_client.

The server loads the small untrained models of tests/demo_models.py (an LSTM and a GRU,
no simple RNN), so the checks are about the endpoint's contract, not about accuracy.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from demo.labels import example_paths
from demo_models import UNITS, make_model_folder
from model.network import TIMESTEPS
from model.trace import GATE_NAMES

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120  # seconds; importing TensorFlow and Gradio takes most of it
EXAMPLE = example_paths()[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"python -m demo exited with code {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise TimeoutError(f"python -m demo did not answer within {START_TIMEOUT} s:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Start the demo on a free port and yield its URL; the process is stopped afterwards."""
    folder = make_model_folder(tmp_path_factory.mktemp("models"))
    log_path = tmp_path_factory.mktemp("logs") / "demo.log"
    port = free_port()
    environment = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "TF_CPP_MIN_LOG_LEVEL": "2"}
    command = [sys.executable, "-m", "demo", "--host", "127.0.0.1", "--port", str(port), "--models-dir", str(folder)]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_server(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server, verbose=False)


def test_predict_returns_prediction_and_trace(client):
    result = client.predict(handle_file(str(EXAMPLE)), "lstm", api_name="/predict")

    assert result["cell"] == "lstm"
    assert isinstance(result["digit"], int)
    assert 0 <= result["digit"] <= 9
    assert isinstance(result["unsure"], bool)
    assert len(result["probabilities"]) == 10
    assert sum(result["probabilities"]) == pytest.approx(1.0, abs=1e-4)
    assert result["confidence"] == pytest.approx(max(result["probabilities"]), abs=1e-5)

    trace = result["trace"]
    assert np.array(trace["hidden"]).shape == (TIMESTEPS, UNITS)
    assert np.array(trace["cell_state"]).shape == (TIMESTEPS, UNITS)
    assert set(trace["gates"]) == set(GATE_NAMES["lstm"])
    assert np.array(trace["gates"]["forget_gate"]).shape == (TIMESTEPS, UNITS)
    assert np.array(trace["probabilities"]).shape == (TIMESTEPS, 10)
    assert trace["probabilities"][-1] == result["probabilities"]


def test_predict_rounds_floats_to_5_decimals(client):
    result = client.predict(handle_file(str(EXAMPLE)), "lstm", api_name="/predict")
    values = np.array(result["trace"]["hidden"]).ravel()
    assert np.allclose(values, np.round(values, 5))


def test_predict_cell_defaults_to_lstm(client):
    result = client.predict(image=handle_file(str(EXAMPLE)), api_name="/predict")
    assert result["cell"] == "lstm"


def test_predict_with_gru_has_no_cell_state(client):
    result = client.predict(handle_file(str(EXAMPLE)), "gru", api_name="/predict")
    assert result["cell"] == "gru"
    assert result["trace"]["cell_state"] is None
    assert set(result["trace"]["gates"]) == set(GATE_NAMES["gru"])


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


def test_predict_untrained_cell_raises_clear_error(client):
    with pytest.raises(AppError, match="untrained cell 'rnn'"):
        client.predict(handle_file(str(EXAMPLE)), "rnn", api_name="/predict")


def test_server_keeps_serving_after_errors(client, tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(AppError):
        client.predict(handle_file(str(path)), "lstm", api_name="/predict")
    result = client.predict(handle_file(str(EXAMPLE)), "lstm", api_name="/predict")
    assert isinstance(result["digit"], int)


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
