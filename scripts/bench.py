"""Measure the demo's speed in process and over HTTP, and write BENCHMARKS.md.

Run from the repository root: ``python -m scripts.bench`` (``make bench`` runs the same).
Options: ``--quick`` (fewer inputs and requests, for a smoke run), ``--output PATH``
(default BENCHMARKS.md) and ``--skip-http``.

1. In process: the page's full update per stroke (demo.update.full_update on an
   800 x 800 RGBA sketchpad value) for each cell that has a model file. The pipeline of
   tutorial apps (PIL resize, Keras ``model.predict``, one matplotlib figure per view)
   runs on the same drawn digits for comparison. Both are warmed up first.
2. Over HTTP: ``python -m demo`` as a subprocess on 127.0.0.1. The cold start, then the
   named ``predict`` endpoint through gradio_client with 1 client and with 16 concurrent
   clients. The concurrent predictions must equal the sequential ones. Raw requests are
   split into upload, queue and processing, and the server's peak RSS is read last.
3. Training throughput, quoted from the shipped LSTM model card.

Every request goes to 127.0.0.1, every request loop has a fixed count and a deadline, and
the server's process group is stopped at the end, also when a step fails.
"""

import os

# Set before gradio_client, huggingface_hub and TensorFlow are imported: no telemetry or
# version checks leave the machine, and TensorFlow keeps its start-up messages short.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from importlib.metadata import version as package_version  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from demo.models import Models, load_models, models_folder  # noqa: E402
from demo.update import Session, full_update, image_source, render_views  # noqa: E402
from model.data import PENDIGITS_ENV, find_pendigits_file  # noqa: E402
from model.drawn import DrawnDigit, Rendering, parse_unipen, render  # noqa: E402
from model.network import CELLS, load_model, model_files  # noqa: E402
from model.preprocess import preprocess  # noqa: E402
from model.trace import GATE_NAMES, run_trace, softmax  # noqa: E402

REPOSITORY = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LANGUAGE = "en"
HTTP_CELL = "lstm"
HTTP_WARMUP = 5  # untimed requests before each sequential run

# The canvas that the page's sketchpad sends: 800 px, transparent, black ink at full
# opacity. A 24 px brush is within the widths people draw with on that canvas.
SKETCHPAD = Rendering(
    "transparent 800 px sketchpad", canvas=800, brush=24, digit_size=0.7, mode="RGBA", background=(0, 0, 0, 0), ink=(0, 0, 0, 255)
)

# Bounds on every wait, in seconds.
COLD_START_LIMIT = 120.0
POLL_INTERVAL = 0.2
REQUEST_TIMEOUT = 30.0
PHASE_LIMIT = 300.0
SERVER_STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Sizes:
    """How many inputs and requests a run uses."""

    inputs: int  # drawn digits timed in process, per cell
    warmup: int  # calls of each path before timing, on other digits
    profile_inputs: int  # in-process updates under cProfile when a target is missed
    sequential: int  # requests from one client, which is also the number of distinct images sent over HTTP
    clients: int  # concurrent clients
    per_client: int  # requests per concurrent client
    breakdown_sequential: int  # raw HTTP requests from one client, timed step by step
    breakdown_per_client: int  # raw HTTP requests per concurrent client, timed step by step


FULL = Sizes(inputs=200, warmup=5, profile_inputs=50, sequential=100, clients=16, per_client=50, breakdown_sequential=40, breakdown_per_client=5)
QUICK = Sizes(inputs=30, warmup=3, profile_inputs=15, sequential=20, clients=16, per_client=5, breakdown_sequential=10, breakdown_per_client=3)


@dataclass(frozen=True)
class Target:
    """One performance target: the limit, the value measured and whether it is met."""

    name: str
    limit: str
    measured: str
    met: bool | None  # None when it was not measured

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "not measured"
        return "PASS" if self.met else "MISS"


# Statistics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    """Percentiles of a set of durations, in ms (numpy's linear interpolation)."""

    count: int
    p50: float
    p95: float
    max: float

    def cells(self) -> str:
        return f"{self.p50:.1f} | {self.p95:.1f} | {self.max:.1f}"


def summarise(seconds: list[float]) -> Latency:
    values = np.asarray(seconds, dtype=np.float64) * 1000.0
    if values.size == 0:
        return Latency(0, float("nan"), float("nan"), float("nan"))
    return Latency(int(values.size), float(np.percentile(values, 50)), float(np.percentile(values, 95)), float(values.max()))


# Machine --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def machine_lines() -> list[str]:
    import tensorflow as tf

    memory = memory_total_gib()
    versions = ", ".join(
        f"{name} {package_version(name)}" for name in ("keras", "gradio", "gradio_client", "numpy", "pillow", "matplotlib")
    )
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores (os.cpu_count()), no GPU used",
        f"- Memory: {memory:.1f} GiB" if memory is not None else "- Memory: unknown",
        f"- Python {platform.python_version()}, TensorFlow {tf.__version__}, {versions}",
        f"- OS: {platform.platform()}",
    ]


# Inputs ---------------------------------------------------------------------------------


def load_drawn_digits(count: int) -> list[DrawnDigit]:
    """Pick ``count`` digits spread evenly over the drawn-digit file, so many writers appear."""
    path = find_pendigits_file()
    if path is None:
        raise SystemExit(
            f"Drawn-digit file not found: set {PENDIGITS_ENV} to pendigits-train.unipen "
            "(UCI 'Pen-Based Recognition of Handwritten Digits') and run again."
        )
    digits = parse_unipen(path)
    if len(digits) < count:
        raise SystemExit(f"{path} has {len(digits)} digits; the benchmark needs {count}. Run with --quick or another file.")
    indices = np.linspace(0, len(digits) - 1, count).round().astype(int)
    return [digits[i] for i in indices]


def sketchpad_value(digit: DrawnDigit) -> dict:
    """Render a digit as gr.Sketchpad(type="numpy", image_mode="RGBA") delivers it.

    The page reads only "composite"; the other keys are there because the sketchpad sends
    them.
    """
    composite = np.array(render(digit, SKETCHPAD))  # (800, 800, 4) uint8, writeable like Gradio's
    return {"background": np.zeros_like(composite), "layers": [composite], "composite": composite}


# In process: the page's update and the tutorial baseline --------------------------------


class TutorialBaseline:
    """The pipeline of tutorial apps: PIL resize, Keras predict and matplotlib figures.

    The figures need the state after every row, and Keras layers do not return gate
    activations, so their arrays come from model.trace.run_trace on the baseline's own
    28 x 28 input.
    """

    def __init__(self, cell: str, keras_model, weights):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        self.plt = plt
        self.cell = cell
        self.keras_model = keras_model
        self.weights = weights

    def update(self, sketch: dict) -> list[bytes]:
        canvas = Image.fromarray(sketch["composite"], "RGBA")
        white = Image.new("RGBA", canvas.size, (255, 255, 255, 255))
        grey = Image.alpha_composite(white, canvas).convert("L").resize((28, 28), Image.Resampling.BILINEAR)
        pixels = (255.0 - np.asarray(grey, dtype=np.float32)) / 255.0  # ink = 1, as in MNIST

        logits = self.keras_model.predict(pixels[None], verbose=0)
        probabilities = softmax(np.asarray(logits, dtype=np.float64))[0]
        trace = run_trace(self.weights, pixels)
        return self.figures(pixels, trace, probabilities)

    def figures(self, pixels: np.ndarray, trace, probabilities: np.ndarray) -> list[bytes]:
        plt = self.plt
        images = []

        def heatmap(values: np.ndarray, title: str, cmap: str, low: float, high: float) -> None:
            fig, ax = plt.subplots(figsize=(6, 4))
            mappable = ax.imshow(values, aspect="auto", cmap=cmap, vmin=low, vmax=high)
            fig.colorbar(mappable, ax=ax)
            ax.set(title=title, xlabel="unit", ylabel="timestep")
            images.append(self._png(fig))

        fig, ax = plt.subplots(figsize=(4, 4))
        ax.imshow(pixels, cmap="gray_r", vmin=0, vmax=1)
        ax.set_title("Input, 28 x 28")
        images.append(self._png(fig))

        heatmap(trace.hidden[0], "Hidden state", "RdBu_r", -1, 1)
        for name in GATE_NAMES[self.cell]:
            low = -1 if name == "candidate" else 0
            heatmap(trace.gates[name][0], name, "RdBu_r" if low < 0 else "Purples", low, 1)
        heatmap(trace.probabilities[0], "Probabilities after each row", "Greens", 0, 1)

        fig, ax = plt.subplots(figsize=(6, 4))
        ax.bar(range(10), probabilities)
        ax.set(title="Probabilities", xlabel="digit", ylim=(0, 1), xticks=range(10))
        images.append(self._png(fig))
        return images

    def _png(self, fig) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        self.plt.close(fig)
        return buffer.getvalue()


@dataclass
class CellResult:
    """In-process timings for one cell."""

    cell: str
    ours: Latency
    baseline: Latency
    ours_cpu: Latency  # CPU time of this process (all threads) per update
    baseline_cpu: Latency
    stages: dict[str, float]  # median ms of preprocessing, trace and views
    figures: int  # matplotlib figures per baseline update

    @property
    def ratio(self) -> float:
        return self.baseline.p50 / self.ours.p50


def measure_cell(cell: str, models: Models, digits: list[DrawnDigit], warmup: int) -> CellResult:
    """Time the page's update and the baseline on the same inputs, interleaved per input."""
    predictor = models.predictors[cell]
    baseline = TutorialBaseline(cell, load_model(model_files(cell, models.folder).model, cell), predictor.weights)
    warm, timed = digits[:warmup], digits[warmup:]

    for digit in warm:
        sketch = sketchpad_value(digit)
        full_update(sketch, cell, LANGUAGE, models=models)
        baseline.update(sketch)

    ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
    figures = 0
    for digit in timed:
        sketch = sketchpad_value(digit)
        start, cpu_start = time.perf_counter(), time.process_time()
        update = full_update(sketch, cell, LANGUAGE, models=models)
        ours.append(time.perf_counter() - start)
        ours_cpu.append(time.process_time() - cpu_start)
        if update.cell != cell or update.session.prediction is None:
            raise RuntimeError(f"The {cell} update ran {update.cell!r} or returned no prediction.")

        start, cpu_start = time.perf_counter(), time.process_time()
        figures = len(baseline.update(sketch))
        theirs.append(time.perf_counter() - start)
        theirs_cpu.append(time.process_time() - cpu_start)

    return CellResult(
        cell,
        summarise(ours),
        summarise(theirs),
        summarise(ours_cpu),
        summarise(theirs_cpu),
        measure_stages(cell, models, timed),
        figures,
    )


def measure_stages(cell: str, models: Models, digits: list[DrawnDigit]) -> dict[str, float]:
    """Split the full update into its three stages and return the median ms of each."""
    predictor = models.predictors[cell]
    times: dict[str, list[float]] = {"preprocessing": [], "trace": [], "views": []}
    for digit in digits:
        source = image_source(sketchpad_value(digit))
        start = time.perf_counter()
        preprocessed = preprocess(source)
        preprocessed_at = time.perf_counter()
        prediction = predictor.predict_pixels([preprocessed])[0]
        traced_at = time.perf_counter()
        render_views(Session(prediction), cell, LANGUAGE)
        rendered_at = time.perf_counter()
        times["preprocessing"].append(preprocessed_at - start)
        times["trace"].append(traced_at - preprocessed_at)
        times["views"].append(rendered_at - traced_at)
    return {stage: float(np.median(values) * 1000.0) for stage, values in times.items()}


def profile_update(cell: str, models: Models, digits: list[DrawnDigit], entries: int = 20) -> str:
    """Run the full update under cProfile and return the top entries by cumulative time."""
    sketches = [sketchpad_value(digit) for digit in digits]
    profiler = cProfile.Profile()
    profiler.enable()
    for sketch in sketches:
        full_update(sketch, cell, LANGUAGE, models=models)
    profiler.disable()
    output = io.StringIO()
    pstats.Stats(profiler, stream=output).sort_stats("cumulative").print_stats(entries)
    text = output.getvalue()
    for prefix in sorted({str(REPOSITORY) + "/", str(Path(np.__file__).parent.parent) + "/"}, key=len, reverse=True):
        text = text.replace(prefix, "")
    lines = [line.rstrip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    header = next((line.strip() for line in lines if "function calls" in line), "")
    return "\n".join([f"{len(sketches)} updates, {header}", ""] + [line for line in lines[start:] if line])


# Over HTTP -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class DemoServer:
    """``python -m demo`` as a subprocess in its own process group, with its log in a file."""

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}/"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0  # time.perf_counter() when the process started
        self.started_epoch = 0.0  # time.time() at the same moment, to compare with log timestamps

    def start(self) -> None:
        command = [sys.executable, "-m", "demo", "--host", HOST, "--port", str(self.port)]
        with open(self.log_path, "wb") as log:
            self.started_at, self.started_epoch = time.perf_counter(), time.time()
            self.process = subprocess.Popen(
                command, cwd=REPOSITORY, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def check_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise RuntimeError(f"The demo server exited with code {code}. Its log ends with:\n{self.log_tail()}")

    def seconds_until_log(self, text: str) -> float | None:
        """Return seconds from process start to the first log line containing ``text``.

        Reads the "%(asctime)s" timestamp that ``python -m demo`` puts on each log line
        (local time, ms resolution). Returns None when no such line exists.
        """
        for line in self.log_path.read_text(errors="replace").splitlines():
            if text in line:
                try:
                    logged = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
                except ValueError:
                    continue
                return logged.timestamp() - self.started_epoch
        return None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as error:
            return f"(log {self.log_path} could not be read: {error})"

    def cpu_seconds(self) -> float:
        """Return the user and system CPU time of the server process so far, all threads."""
        self.check_running()
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()  # fields[0] is field 3 (state) of proc(5)
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mib(self) -> float:
        """Read VmHWM, the peak resident set size of the server process, from /proc."""
        self.check_running()
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"VmHWM is missing from /proc/{self.process.pid}/status.")

    def stop(self) -> None:
        """Send SIGTERM to the server's process group, then SIGKILL if it has not exited."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=SERVER_STOP_TIMEOUT)
        except ProcessLookupError:
            pass


def new_client(url: str, ssl_verify: bool = True):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, ssl_verify=ssl_verify)


def request_prediction(client, image: Path, cell: str = HTTP_CELL) -> dict:
    from gradio_client import handle_file

    job = client.submit(handle_file(str(image)), cell, api_name="/predict")
    return job.result(timeout=REQUEST_TIMEOUT)


def prediction_key(prediction: dict) -> tuple:
    """Return the digit and probabilities of a prediction, which must not depend on concurrency."""
    return prediction["digit"], tuple(prediction["probabilities"])


def wait_for_first_prediction(server: DemoServer, image: Path) -> float:
    """Send predict requests until one succeeds and return the seconds since process start."""
    deadline = server.started_at + COLD_START_LIMIT
    last_error: Exception | None = None
    while time.perf_counter() < deadline:
        server.check_running()
        client = None
        try:
            client = new_client(server.url)
            request_prediction(client, image)
            return time.perf_counter() - server.started_at
        except Exception as error:  # connection refused, 502 or a timeout while the server starts
            last_error = error
        finally:
            if client is not None:
                client.close()
        time.sleep(POLL_INTERVAL)
    raise TimeoutError(
        f"The demo server returned no prediction within {COLD_START_LIMIT:.0f} s (last error: {last_error!r}). "
        f"See its log: {server.log_path}"
    )


@dataclass
class HttpRun:
    """Latencies of one set of HTTP requests."""

    latency: Latency
    seconds: float  # wall time of the whole set
    succeeded: int
    errors: list[str] = field(default_factory=list)
    mismatches: int = 0  # predictions that differ from the sequential prediction for the same image
    server_cpu_ms: float = float("nan")  # server CPU time per successful request
    client_cpu_ms: float = float("nan")  # CPU time of this process (the clients) per successful request
    httpx_clients: float = float("nan")  # httpx.Client constructions per request (sequential run only)

    @property
    def throughput(self) -> float:
        return self.succeeded / self.seconds if self.seconds > 0 else float("nan")


def httpx_client_cpu_ms(verify: bool, count: int = 20) -> float:
    """Return the CPU ms that constructing one httpx.Client takes. ``verify=True`` builds an SSL context."""
    import httpx

    start = time.process_time()
    for _ in range(count):
        httpx.Client(verify=verify).close()
    return (time.process_time() - start) * 1000.0 / count


class HttpxClientCounter:
    """Counter of httpx.Client constructions inside a ``with`` block (httpx.post and httpx.stream build one each)."""

    def __init__(self):
        import httpx

        self.httpx = httpx
        self.count = 0
        self.original_init = httpx.Client.__init__

    def __enter__(self) -> "HttpxClientCounter":
        original_init = self.original_init

        def counting_init(client, *args, **kwargs):
            self.count += 1
            original_init(client, *args, **kwargs)

        self.httpx.Client.__init__ = counting_init
        return self

    def __exit__(self, *exc) -> None:
        self.httpx.Client.__init__ = self.original_init


def run_sequential(server: DemoServer, images: list[Path], warmup: int, ssl_verify: bool = True) -> tuple[HttpRun, dict[int, tuple]]:
    """Send each image once from one client and return the timings and the prediction per image."""
    client = new_client(server.url, ssl_verify)
    try:
        for image in images[:warmup]:
            request_prediction(client, image)
        predictions: dict[int, tuple] = {}
        latencies, errors = [], []
        sent = 0
        deadline = time.perf_counter() + PHASE_LIMIT
        server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
        started = time.perf_counter()
        with HttpxClientCounter() as counter:
            for index, image in enumerate(images):
                if time.perf_counter() > deadline:
                    errors.append(f"phase limit of {PHASE_LIMIT:.0f} s reached after {index} requests")
                    break
                sent += 1
                start = time.perf_counter()
                try:
                    prediction = request_prediction(client, image)
                except Exception as error:  # counted and reported, and the run goes on
                    errors.append(f"{type(error).__name__}: {error}")
                    continue
                latencies.append(time.perf_counter() - start)
                predictions[index] = prediction_key(prediction)
        seconds = time.perf_counter() - started
        run = HttpRun(summarise(latencies), seconds, len(latencies), errors)
        run.server_cpu_ms, run.client_cpu_ms = cpu_per_request(server, server_cpu, client_cpu, run.succeeded)
        run.httpx_clients = counter.count / max(1, sent)
    finally:
        client.close()
    return run, predictions


def cpu_per_request(server: DemoServer, server_start: float, client_start: float, requests: int) -> tuple[float, float]:
    """Return the server's and this process's CPU ms per request since the given readings."""
    if requests == 0:
        return float("nan"), float("nan")
    server_ms = (server.cpu_seconds() - server_start) * 1000.0 / requests
    client_ms = (time.process_time() - client_start) * 1000.0 / requests
    return server_ms, client_ms


def run_concurrent(server: DemoServer, images: list[Path], expected: dict[int, tuple], clients: int, per_client: int) -> HttpRun:
    """Send ``per_client`` requests from each of ``clients`` threads, each with its own Client."""
    latencies: list[float] = []
    errors: list[str] = []
    mismatches = 0
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1, timeout=PHASE_LIMIT)
    connected = [new_client(server.url) for _ in range(clients)]
    deadline = time.perf_counter() + PHASE_LIMIT

    def work(number: int, client) -> None:
        nonlocal mismatches
        ready.wait()
        for request in range(per_client):
            index = (number * per_client + request) % len(images)
            if time.perf_counter() > deadline:
                with lock:
                    errors.append(f"client {number}: phase limit of {PHASE_LIMIT:.0f} s reached after {request} requests")
                return
            start = time.perf_counter()
            try:
                prediction = request_prediction(client, images[index])
            except Exception as error:  # counted and reported, and the run goes on
                with lock:
                    errors.append(f"client {number}, image {index}: {type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if index in expected and prediction_key(prediction) != expected[index]:
                    mismatches += 1

    threads = [threading.Thread(target=work, args=(number, client), daemon=True) for number, client in enumerate(connected)]
    try:
        for thread in threads:
            thread.start()
        server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
        ready.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.perf_counter()) + REQUEST_TIMEOUT)
        seconds = time.perf_counter() - started
        with lock:
            run = HttpRun(summarise(latencies), seconds, len(latencies), list(errors), mismatches)
        run.server_cpu_ms, run.client_cpu_ms = cpu_per_request(server, server_cpu, client_cpu, run.succeeded)
    finally:
        for client in connected:
            client.close()
    return run


# Step-by-step timing of raw requests (upload, join, queue, processing) ------------------

BREAKDOWN_STEPS = ("upload", "join", "queue", "processing", "function", "total")
BREAKDOWN_LABELS = {
    "upload": "upload the PNG (POST /gradio_api/upload)",
    "join": "join the queue (POST /gradio_api/call/predict)",
    "queue": "joined until process_starts arrives (queue wait and opening the event stream)",
    "processing": "process_starts until process_completed arrives (run, serialise, send)",
    "function": "of which the endpoint function (Gradio's own duration)",
    "total": "total",
}


def timed_raw_request(http, image: Path, cell: str = HTTP_CELL) -> dict[str, float]:
    """Send one predict request by Gradio's HTTP queue protocol and time each step, in s."""
    base = http.base_url
    start = time.perf_counter()
    upload = http.post("gradio_api/upload", files=[("files", (image.name, image.read_bytes(), "image/png"))])
    upload.raise_for_status()
    uploaded_at = time.perf_counter()

    join = http.post("gradio_api/call/predict", json={"data": [{"path": upload.json()[0], "meta": {"_type": "gradio.FileData"}}, cell]})
    join.raise_for_status()
    joined_at = time.perf_counter()

    # The event stream of a /call/ request is keyed by its event id.
    started_at = completed_at = None
    duration = None
    response_bytes = 0
    with http.stream("GET", "gradio_api/queue/data", params={"session_hash": join.json()["event_id"]}) as stream:
        for line in stream.iter_lines():
            received_at = time.perf_counter()
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message["msg"] == "process_starts":
                started_at = received_at
            elif message["msg"] == "process_completed":
                if not message.get("success"):
                    raise RuntimeError(f"{base}: predict failed for {image.name}: {message.get('output')}")
                completed_at = received_at
                duration = float(message["output"]["duration"])
                response_bytes = len(line.encode("utf-8"))
                break

    if started_at is None or completed_at is None:
        raise RuntimeError(f"{base}: the event stream for {image.name} ended before process_completed.")
    return {
        "upload": uploaded_at - start,
        "join": joined_at - uploaded_at,
        "queue": started_at - joined_at,
        "processing": completed_at - started_at,
        "function": duration,
        "total": completed_at - start,
        "bytes": response_bytes,
    }


@dataclass
class Breakdown:
    """Percentiles of each step of raw requests, and the size of their responses."""

    steps: dict[str, Latency]
    response_bytes: float  # median size of the process_completed event-stream message
    errors: list[str]


def run_breakdown(url: str, images: list[Path], clients: int, per_client: int) -> Breakdown:
    """Time raw requests from ``clients`` threads, each step separately."""
    import httpx

    rows: list[dict[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + PHASE_LIMIT

    def work(number: int) -> None:
        with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as http:
            for request in range(per_client):
                if time.perf_counter() > deadline:
                    return
                image = images[(number * per_client + request) % len(images)]
                try:
                    row = timed_raw_request(http, image)
                except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as error:
                    with lock:
                        errors.append(f"client {number}, {image.name}: {type(error).__name__}: {error}")
                    continue
                with lock:
                    rows.append(row)

    threads = [threading.Thread(target=work, args=(number,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()) + REQUEST_TIMEOUT)
    steps = {step: summarise([row[step] for row in rows]) for step in BREAKDOWN_STEPS}
    response_bytes = float(np.median([row["bytes"] for row in rows])) if rows else float("nan")
    return Breakdown(steps, response_bytes, errors)


@dataclass
class HttpResult:
    cold_start: float
    sequential: HttpRun
    sequential_no_verify: HttpRun  # the same requests from a Client(ssl_verify=False)
    concurrent: HttpRun
    breakdown_one: Breakdown
    breakdown_many: Breakdown
    peak_rss_mib: float
    models_loaded_after: float | None  # s from process start to the "Loaded models from" log line
    model_loads: int  # "Loaded models from" lines in the server log
    server_tracebacks: int
    httpx_client_ms: float  # CPU ms to construct one httpx.Client in this process
    httpx_client_no_verify_ms: float  # the same with verify=False
    import_seconds: dict[str, float] = field(default_factory=dict)  # module -> s to import it in a fresh process


def measure_import_seconds(module: str) -> float:
    """Return the seconds that importing ``module`` takes in a fresh Python process."""
    code = f"import time; start = time.perf_counter(); import {module}; print(time.perf_counter() - start)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPOSITORY, env=os.environ.copy(), capture_output=True, text=True, timeout=COLD_START_LIMIT
    )
    if result.returncode != 0:
        raise RuntimeError(f"Importing {module} failed with code {result.returncode}: {result.stderr[-500:]}")
    return float(result.stdout.strip().splitlines()[-1])


MODELS_LOADED_LOG = "Loaded models from"  # logged once by demo.models.load_models


def write_images(digits: list[DrawnDigit], folder: Path) -> list[Path]:
    paths = []
    for number, digit in enumerate(digits):
        path = folder / f"digit-{number:03d}-label-{digit.label}.png"
        render(digit, SKETCHPAD).save(path)
        paths.append(path)
    return paths


def measure_http(digits: list[DrawnDigit], sizes: Sizes, folder: Path) -> HttpResult:
    images = write_images(digits[: sizes.sequential], folder)
    server = DemoServer(folder / "server.log")
    print(f"Starting python -m demo on {server.url} (log: {server.log_path})", flush=True)
    server.start()
    try:
        cold_start = wait_for_first_prediction(server, images[0])
        print(f"  cold start: {cold_start:.1f} s", flush=True)

        sequential, predictions = run_sequential(server, images, warmup=HTTP_WARMUP)
        print(f"  1 client: p50 {sequential.latency.p50:.1f} ms, p95 {sequential.latency.p95:.1f} ms, {sequential.throughput:.1f} req/s", flush=True)

        no_verify, _ = run_sequential(server, images, warmup=HTTP_WARMUP, ssl_verify=False)
        print(f"  1 client, ssl_verify=False: p50 {no_verify.latency.p50:.1f} ms, p95 {no_verify.latency.p95:.1f} ms", flush=True)

        concurrent = run_concurrent(server, images, predictions, sizes.clients, sizes.per_client)
        print(
            f"  {sizes.clients} clients: p50 {concurrent.latency.p50:.1f} ms, p95 {concurrent.latency.p95:.1f} ms, "
            f"{concurrent.throughput:.1f} req/s, {len(concurrent.errors)} errors, {concurrent.mismatches} predictions differ",
            flush=True,
        )

        breakdown_one = run_breakdown(server.url, images, 1, sizes.breakdown_sequential)
        breakdown_many = run_breakdown(server.url, images, sizes.clients, sizes.breakdown_per_client)
        peak_rss = server.peak_rss_mib()
        print(f"  peak RSS of the server: {peak_rss:.0f} MiB", flush=True)
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")
    return HttpResult(
        cold_start,
        sequential,
        no_verify,
        concurrent,
        breakdown_one,
        breakdown_many,
        peak_rss,
        server.seconds_until_log(MODELS_LOADED_LOG),
        log.count(MODELS_LOADED_LOG),
        log.count("Traceback (most recent call last)"),
        httpx_client_cpu_ms(verify=True),
        httpx_client_cpu_ms(verify=False),
    )


# Training --------------------------------------------------------------------------------


def training_lines(folder: Path) -> list[str]:
    path = model_files("lstm", folder).card
    if not path.is_file():
        return [f"No LSTM model card at {path}; train with `python -m model.train --cell lstm`."]
    card = json.loads(path.read_text())
    lines = [f"Quoted from `{path.relative_to(REPOSITORY) if path.is_relative_to(REPOSITORY) else path}`, not measured by this script:", ""]
    for key in ("training_seconds", "seconds_per_epoch", "epochs", "training_images", "batch_size", "units", "machine", "tensorflow_version"):
        lines.append(f"- {key}: {card.get(key, 'missing from the card')}")
    if isinstance(card.get("training_images"), int) and isinstance(card.get("seconds_per_epoch"), (int, float)):
        lines.append(f"- images per second (training_images / seconds_per_epoch): {card['training_images'] / card['seconds_per_epoch']:.0f}")
    lines += ["", f"Command that produced it: `{card.get('command', 'missing from the card')}`"]
    return lines


# Targets and the page --------------------------------------------------------------------

MAX_IN_PROCESS_MS = 10.0
MIN_RATIO = 10.0
MAX_HTTP_ONE_P50_MS = 60.0
MAX_HTTP_MANY_P95_MS = 300.0
MAX_COLD_START_S = 15.0
MAX_RSS_MIB = 1536.0  # 1.5 GiB


def evaluate_targets(cells: dict[str, CellResult], http: HttpResult | None, clients: int) -> list[Target]:
    lstm = cells.get("lstm")
    targets = [
        Target("In process, LSTM full update p50", f"<= {MAX_IN_PROCESS_MS:.0f} ms", f"{lstm.ours.p50:.1f} ms" if lstm else "-", lstm.ours.p50 <= MAX_IN_PROCESS_MS if lstm else None),
        Target("In process, LSTM speed-up over the baseline (p50)", f">= {MIN_RATIO:.0f}x", f"{lstm.ratio:.1f}x" if lstm else "-", lstm.ratio >= MIN_RATIO if lstm else None),
    ]
    if http is None:
        names = ("HTTP, 1 client (gradio_client), p50", f"HTTP, {clients} clients, errors", f"HTTP, {clients} clients, p95", f"HTTP, {clients} clients, predictions equal the sequential ones", "Cold start", "Peak RSS of the server")
        limits = (f"<= {MAX_HTTP_ONE_P50_MS:.0f} ms", "0", f"<= {MAX_HTTP_MANY_P95_MS:.0f} ms", "all", f"<= {MAX_COLD_START_S:.0f} s", f"<= {MAX_RSS_MIB:.0f} MiB")
        return targets + [Target(name, limit, "skipped", None) for name, limit in zip(names, limits)]
    many = http.concurrent
    return targets + [
        Target(
            "HTTP, 1 client (gradio_client), p50",
            f"<= {MAX_HTTP_ONE_P50_MS:.0f} ms",
            f"{http.sequential.latency.p50:.1f} ms",
            http.sequential.latency.p50 <= MAX_HTTP_ONE_P50_MS,
        ),
        Target(f"HTTP, {clients} clients, errors", "0", str(len(many.errors)), not many.errors),
        Target(f"HTTP, {clients} clients, p95", f"<= {MAX_HTTP_MANY_P95_MS:.0f} ms", f"{many.latency.p95:.1f} ms", many.latency.p95 <= MAX_HTTP_MANY_P95_MS),
        Target(
            f"HTTP, {clients} clients, predictions equal the sequential ones",
            "all",
            f"{many.succeeded - many.mismatches} of {many.succeeded}",
            many.mismatches == 0 and many.succeeded > 0,
        ),
        Target("Cold start", f"<= {MAX_COLD_START_S:.0f} s", f"{http.cold_start:.1f} s", http.cold_start <= MAX_COLD_START_S),
        Target("Peak RSS of the server (VmHWM)", f"<= {MAX_RSS_MIB:.0f} MiB", f"{http.peak_rss_mib:.0f} MiB", http.peak_rss_mib <= MAX_RSS_MIB),
    ]


def breakdown_table(single: Breakdown, concurrent: Breakdown, clients: int) -> list[str]:
    lines = [
        f"| Step | 1 client p50 | 1 client p95 | {clients} clients p50 | {clients} clients p95 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for step in BREAKDOWN_STEPS:
        alone, shared = single.steps[step], concurrent.steps[step]
        lines.append(f"| {BREAKDOWN_LABELS[step]} | {alone.p50:.1f} | {alone.p95:.1f} | {shared.p50:.1f} | {shared.p95:.1f} |")
    return lines


def build_page(report: dict) -> str:
    """Assemble BENCHMARKS.md from the measured results."""
    sizes: Sizes = report["sizes"]
    cells: dict[str, CellResult] = report["cells"]
    http: HttpResult | None = report["http"]
    targets: list[Target] = report["targets"]
    lines = [
        "# Benchmarks",
        "",
        "Speed of the demo's full update per stroke, in process and over HTTP, on one machine.",
        "`scripts/bench.py` measured every number on this page and rewrites the whole page on each run.",
        "",
        f"- Command: `{report['command']}` (`make bench` runs `.venv/bin/python -m scripts.bench`)",
        f"- Date: {report['date']}. The run took {report['run_seconds']:.0f} s ("
        + ", ".join(f"{phase} {seconds:.0f} s" for phase, seconds in report["phase_seconds"].items())
        + ").",
        f"- Load average (1 min) at start and end: {report['load_start']:.2f} and {report['load_end']:.2f}. "
        "Other processes on the machine share its cores, so timings vary between runs.",
    ]
    if report["quick"]:
        lines.append("- **Quick run** (`--quick`): fewer inputs and requests than a full run; treat the numbers as a smoke test.")
    lines += ["", "Machine:", "", *report["machine"], "", "## Targets", "", "| Target | Limit | Measured | Result |", "| --- | --- | ---: | --- |"]
    lines += [f"| {t.name} | {t.limit} | {t.measured} | {t.verdict} |" for t in targets]
    missed = [t for t in targets if t.met is False]
    if missed:
        lines += ["", "Missed: " + "; ".join(f"{t.name} ({t.measured}, limit {t.limit})" for t in missed) + ". The sections below show where the time goes."]

    lines += [
        "",
        "## 1. One full update in process",
        "",
        f"Inputs: {sizes.inputs} stylus-drawn digits from the pendigits file, spread over the whole file, each rendered by "
        "`model.drawn.render` on an 800 x 800 RGBA canvas (transparent background, black ink at alpha 255, 24 px brush) "
        "and passed as the sketchpad's value, a dict whose `composite` is an 800 x 800 x 4 uint8 array. "
        f"Both paths ran {sizes.warmup} warm-up calls on other digits first, then alternated on each input in one process.",
        "",
        "- **Ours**: `demo.update.full_update(sketch, cell, \"en\")`: preprocessing, the NumPy trace and the HTML of every view "
        "(prediction, input grid, timestep feed, hidden state, cell state and gate heatmaps, belief).",
        "- **Baseline**, as tutorial apps do it: composite the canvas on white, convert to L, resize to 28 x 28 with PIL "
        "(bilinear) and invert; Keras `model.predict`; one matplotlib figure per view (input image, hidden-state heatmap, "
        "one heatmap per gate (4 for LSTM, 3 for GRU, none for RNN), belief heatmap, probability bar chart), each saved as PNG bytes with "
        "the Agg backend and closed. Keras layers do not return gate activations, so the heatmaps' arrays come from "
        "`model.trace.run_trace` on the baseline's 28 x 28 input.",
        "",
        "| Cell | Ours p50 (ms) | Ours p95 | Ours max | Baseline p50 (ms) | Baseline p95 | Baseline max | Figures | Baseline / ours (p50) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in cells.values():
        lines.append(f"| {result.cell} | {result.ours.cells()} | {result.baseline.cells()} | {result.figures} | {result.ratio:.1f}x |")
    lines += [
        "",
        "CPU time per update (ms, `time.process_time()`, all threads of the process), which other processes on the "
        "machine disturb less than wall time:",
        "",
        "| Cell | Ours p50 | Ours p95 | Ours max | Baseline p50 | Baseline p95 | Baseline max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in cells.values():
        lines.append(f"| {result.cell} | {result.ours_cpu.cells()} | {result.baseline_cpu.cells()} |")
    if report["missing_cells"]:
        lines += ["", "Not benchmarked, because their model files are missing: " + ", ".join(report["missing_cells"]) + "."]
    lines += [
        "",
        "Median time of each stage of our update (ms), measured in a separate pass over the same inputs:",
        "",
        "| Cell | Preprocessing | Trace | Views |",
        "| --- | ---: | ---: | ---: |",
    ]
    for result in cells.values():
        stages = result.stages
        lines.append(f"| {result.cell} | {stages['preprocessing']:.1f} | {stages['trace']:.1f} | {stages['views']:.1f} |")
    if report["profile"]:
        lines += [
            "",
            f"Profile of the LSTM update (cProfile, top entries by cumulative time; paths relative to the repository or site-packages):",
            "",
            "```",
            report["profile"],
            "```",
        ]

    lines += ["", "## 2. Over HTTP", ""]
    if http is None:
        lines.append("Skipped (`--skip-http`).")
    else:
        lines += http_section(http, sizes)

    lines += ["", "## 3. Training throughput", "", *report["training"], ""]
    return "\n".join(lines)


def http_section(http: HttpResult, sizes: Sizes) -> list[str]:
    return http_summary(http, sizes) + http_breakdown(http, sizes)


def http_summary(http: HttpResult, sizes: Sizes) -> list[str]:
    """Describe the cold start, the peak RSS and the gradio_client runs."""
    single, single_plain, many = http.sequential, http.sequential_no_verify, http.concurrent
    cold_start = f"- Cold start, from starting the process to the first successful `predict` request: {http.cold_start:.1f} s"
    if http.models_loaded_after is not None:
        cold_start += f", of which {http.models_loaded_after:.1f} s until the server logged \"{MODELS_LOADED_LOG}\" (imports and model loading)"
    if http.import_seconds:
        cold_start += ". Importing alone, each in a fresh process: " + ", ".join(
            f"`import {module}` {seconds:.1f} s" for module, seconds in http.import_seconds.items()
        ) + " (keras imports TensorFlow)"
    lines = [
        f"The app ran as `python -m demo --host 127.0.0.1 --port PORT` in a subprocess. Requests went to its named `predict` "
        f"endpoint (an 800 x 800 RGBA PNG of a drawn digit and the cell `{HTTP_CELL}`) through gradio_client's "
        "`Client.submit(handle_file(path), cell, api_name=\"/predict\")`, so each one includes the upload of the PNG. "
        "Every response carries the full trace as JSON.",
        "",
        cold_start + ".",
        f"- Peak RSS of the server process (VmHWM from /proc, model loading included), read after all requests: {http.peak_rss_mib:.0f} MiB.",
        f"- The server log has {http.model_loads} \"{MODELS_LOADED_LOG}\" line(s) and {http.server_tracebacks} traceback(s).",
        "",
        "| Clients | Requests | p50 (ms) | p95 (ms) | max (ms) | Throughput (req/s) | Errors | Predictions equal to the sequential ones "
        "| Server CPU per request (ms) | Client CPU per request (ms) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        f"| 1 | {single.succeeded} | {single.latency.cells()} | {single.throughput:.1f} | {len(single.errors)} | (reference) "
        f"| {single.server_cpu_ms:.1f} | {single.client_cpu_ms:.1f} |",
        f"| 1, `Client(ssl_verify=False)` | {single_plain.succeeded} | {single_plain.latency.cells()} | {single_plain.throughput:.1f} "
        f"| {len(single_plain.errors)} | - | {single_plain.server_cpu_ms:.1f} | {single_plain.client_cpu_ms:.1f} |",
        f"| {sizes.clients} | {many.succeeded} | {many.latency.cells()} | {many.throughput:.1f} | {len(many.errors)} | "
        f"{many.succeeded - many.mismatches} of {many.succeeded} | {many.server_cpu_ms:.1f} | {many.client_cpu_ms:.1f} |",
        "",
        f"One client sent {sizes.sequential} different images after {HTTP_WARMUP} warm-up requests, first with the default `Client` and "
        f"then with `ssl_verify=False`. Then {sizes.clients} threads, each with its own `gradio_client.Client`, started "
        f"together and sent {sizes.per_client} requests each, cycling through the same images. A prediction counts as equal "
        "when its digit and its 10 probabilities are identical to the sequential prediction for that image. Throughput is "
        "successful requests divided by the wall time of the set. Server CPU is the user and system time of the server "
        "process (/proc/PID/stat) over the set. Client CPU is that of the benchmark process, whose clients share the "
        "machine's cores with the server.",
    ]
    errors = single.errors + single_plain.errors + many.errors
    if errors:
        lines += ["", "First errors:", "", *[f"- {error}" for error in errors[:5]]]
    return lines


def http_breakdown(http: HttpResult, sizes: Sizes) -> list[str]:
    """Describe where the time of a request goes, from the raw requests and CPU times."""
    lines = [
        "",
        "### Where the time of a request goes",
        "",
        f"Raw requests by Gradio's HTTP queue protocol (httpx with one connection pool per client, no gradio_client): "
        f"{sizes.breakdown_sequential} from 1 client, then {sizes.breakdown_per_client} from each of {sizes.clients} "
        "concurrent clients. Times are in ms, and each step ends when its response or event-stream message reached the client. "
        "\"Function\" is the duration the server reports in `process_completed`. That message, which carries the "
        f"prediction with its trace, was {http.breakdown_one.response_bytes / 1024:.0f} KiB (median).",
        "",
        *breakdown_table(http.breakdown_one, http.breakdown_many, sizes.clients),
        "",
        "gradio_client costs more than these raw requests, for two reasons visible in gradio_client 2.7.2:",
        "",
        f"- It built {http.sequential.httpx_clients:.1f} `httpx.Client` objects per request (`httpx.post` and `httpx.stream` build one "
        f"per call). Building one took {http.httpx_client_ms:.1f} ms of CPU in this process, and "
        f"{http.httpx_client_no_verify_ms:.1f} ms with `verify=False`, which skips the SSL context and its CA certificates. "
        "gradio_client builds that context even for a plain-HTTP URL unless `ssl_verify=False`.",
        "- Its result loop (`stream_sse_v1plus` in `gradio_client/utils.py`) sleeps 50 ms (`time.sleep(0.05)`) whenever no "
        "message is waiting, so a response can wait up to 50 ms on the client after it has arrived.",
    ]
    many = http.concurrent
    if many.server_cpu_ms > 0 and many.latency.p95 > MAX_HTTP_MANY_P95_MS:
        cores = os.cpu_count() or 1
        lines += [
            "",
            f"A bound from CPU time: at {many.server_cpu_ms:.1f} ms of server CPU per request, {cores} cores serve at most "
            f"about {cores * 1000.0 / many.server_cpu_ms:.0f} requests per second even with no client on the machine. "
            f"{sizes.clients} clients that each wait for their response before sending the next need about "
            f"{sizes.clients * 1000.0 / MAX_HTTP_MANY_P95_MS:.0f} requests per second for every response to arrive within "
            f"{MAX_HTTP_MANY_P95_MS:.0f} ms.",
        ]
    breakdown_errors = http.breakdown_one.errors + http.breakdown_many.errors
    if breakdown_errors:
        lines += ["", "Errors in the raw requests:", "", *[f"- {error}" for error in breakdown_errors[:5]]]
    return lines


# Main ------------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description="Measure the demo's speed and write BENCHMARKS.md.")
    parser.add_argument("--quick", action="store_true", help="fewer inputs and requests, for a smoke run (about a tenth of the full run)")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "BENCHMARKS.md", help="page to write (default: BENCHMARKS.md)")
    parser.add_argument("--skip-http", action="store_true", help="measure in process only, without starting the server")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    run_started = time.perf_counter()
    load_start = os.getloadavg()[0]
    sizes = QUICK if args.quick else FULL
    command = " ".join(["python -m scripts.bench", *(sys.argv[1:] if argv is None else argv)])

    cores = os.cpu_count() or 1
    if load_start > cores:
        print(
            f"Note: the 1-minute load average is {load_start:.1f} on {cores} cores. Other processes compete for the CPU, "
            "so the timings will be slower than on an idle machine.",
            flush=True,
        )

    folder = models_folder()
    present = [cell for cell in CELLS if model_files(cell, folder).model.is_file()]
    missing = [cell for cell in CELLS if cell not in present]
    if not present:
        raise SystemExit(f"No model file in {folder}: train one with `python -m model.train --cell lstm`.")
    print(f"Cells with a model file: {', '.join(present)}; missing: {', '.join(missing) or 'none'}", flush=True)
    models = load_models(folder)
    digits = load_drawn_digits(sizes.warmup + sizes.inputs)

    phase_seconds: dict[str, float] = {}
    in_process_started = time.perf_counter()
    cells: dict[str, CellResult] = {}
    for cell in models.cells:
        print(f"In process, {cell}: {sizes.inputs} inputs", flush=True)
        result = measure_cell(cell, models, digits, sizes.warmup)
        cells[cell] = result
        print(
            f"  ours p50 {result.ours.p50:.1f} ms, p95 {result.ours.p95:.1f} ms, max {result.ours.max:.1f} ms; "
            f"baseline p50 {result.baseline.p50:.1f} ms, p95 {result.baseline.p95:.1f} ms, max {result.baseline.max:.1f} ms; "
            f"baseline/ours {result.ratio:.1f}x",
            flush=True,
        )

    profile = ""
    lstm = cells.get("lstm")
    if lstm is not None and (lstm.ours.p50 > MAX_IN_PROCESS_MS or lstm.ratio < MIN_RATIO):
        profile = profile_update("lstm", models, digits[sizes.warmup : sizes.warmup + sizes.profile_inputs])

    phase_seconds["in process"] = time.perf_counter() - in_process_started

    http = None
    if not args.skip_http:
        http_started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
            http = measure_http(digits[sizes.warmup :], sizes, Path(temporary))
        phase_seconds["HTTP"] = time.perf_counter() - http_started

    if http is not None and http.cold_start > MAX_COLD_START_S:
        print("Cold start missed its target: timing the imports in fresh processes", flush=True)
        http.import_seconds = {module: measure_import_seconds(module) for module in ("keras", "gradio")}

    targets = evaluate_targets(cells, http, sizes.clients)
    print("Targets:", flush=True)
    for target in targets:
        print(f"  {target.verdict:12} {target.name}: {target.measured} (limit {target.limit})", flush=True)

    report = {
        "sizes": sizes,
        "quick": args.quick,
        "command": command,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_lines(),
        "cells": cells,
        "missing_cells": missing,
        "profile": profile,
        "http": http,
        "training": training_lines(folder),
        "targets": targets,
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
        "run_seconds": time.perf_counter() - run_started,
        "phase_seconds": phase_seconds,
    }
    args.output.write_text(build_page(report))
    phases = ", ".join(f"{phase} {seconds:.0f} s" for phase, seconds in phase_seconds.items())
    print(f"Wrote {args.output}. The run took {report['run_seconds']:.0f} s ({phases}).", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
