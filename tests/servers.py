"""Start ``python -m demo`` in a subprocess on 127.0.0.1 and stop it afterwards.

    with demo_server(log_path=tmp_path / "demo.log") as url:
        ...  # url is "http://127.0.0.1:<free port>/"

The server inherits the environment except the DEMO_* variables, so a DEMO_LANG or
DEMO_MODELS_DIR set in the shell cannot change what a test checks.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_MODELS = REPO_ROOT / "assets" / "models"
# Seconds to wait for the first page. Importing TensorFlow and Gradio takes 20 to 40 s on
# a loaded 2-core machine.
START_TIMEOUT = 120
STOP_TIMEOUT = 20  # seconds between SIGTERM and SIGKILL


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, log_path: Path, timeout: float = START_TIMEOUT) -> None:
    """Poll ``url`` until it returns 200.

    Raises RuntimeError if the server exits and TimeoutError if it does not respond within
    ``timeout`` seconds, both with the end of the server's log.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"python -m demo exited with code {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"python -m demo did not respond on {url} within {timeout:g} s:\n{log_path.read_text()[-3000:]}")


@contextmanager
def demo_server(log_path: Path, models_dir: Path = SHIPPED_MODELS, extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Serve the demo with the models in ``models_dir`` on a free port and yield its URL.

    The server's output goes to ``log_path``. The process is terminated when the block
    ends, and killed if it has not exited after STOP_TIMEOUT seconds.
    """
    port = free_port()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DEMO_")}
    environment.update(GRADIO_ANALYTICS_ENABLED="False", TF_CPP_MIN_LOG_LEVEL="2")
    command = [
        sys.executable, "-m", "demo", "--host", "127.0.0.1", "--port", str(port), "--models-dir", str(models_dir), *extra_args,
    ]  # fmt: skip
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_server(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
