"""The demo's one full update: image, cell and language in, every view out.

``full_update(image, cell, lang)`` is what the page runs on each stroke, and what
benchmarks and tests call in process::

    from demo.update import full_update
    result = full_update("digit.png", cell="lstm", lang="vi")
    result.prediction_html, result.input_html, result.feed_html, result.states_html, result.belief_html

``image`` may be anything model.preprocess.preprocess accepts (a path, bytes, a PIL image,
an HxW[xC] uint8 array), a Gradio sketchpad value (a dict with a "composite" image), or
None for an empty canvas.
"""

from dataclasses import dataclass

import numpy as np

from demo import views
from demo.i18n import normalise_language
from demo.models import Models, default_models
from model.network import ROW_SIZE, TIMESTEPS
from model.predictor import Prediction, Predictor
from model.preprocess import ImageInputError, Preprocessed


@dataclass(frozen=True)
class Session:
    """The state of one browser tab: the last prediction and the last rejected upload."""

    prediction: Prediction | None = None
    error: str | None = None  # ImageInputError.code of an upload that could not be read


@dataclass(frozen=True)
class Update:
    """The outputs of one update. A view that is None stays as the page shows it."""

    session: Session
    cell: str
    prediction_html: str
    input_html: str | None
    feed_html: str | None
    states_html: str | None
    belief_html: str | None

    def views(self) -> tuple[str | None, ...]:
        return (self.prediction_html, self.input_html, self.feed_html, self.states_html, self.belief_html)


def image_source(image):
    """Return what preprocess() should read from a component value, or None for no image.

    A sketchpad sends {"background": ..., "layers": [...], "composite": ...}; only the
    composite (background and strokes flattened) matters here.
    """
    if isinstance(image, dict):
        image = image.get("composite")
    if image is None:
        return None
    if isinstance(image, np.ndarray) and image.size == 0:
        return None
    return image


def blank_prediction(predictor: Predictor) -> Prediction:
    empty = Preprocessed(np.zeros((TIMESTEPS, ROW_SIZE), dtype=np.float32), blank=True, reason="empty")
    return predictor.predict_pixels([empty])[0]


def render_views(session: Session, cell: str, lang: str, step: int = TIMESTEPS) -> Update:
    """Render every view of a session; used after a new image, a cell change or a language change."""
    prediction = session.prediction
    return Update(
        session=session,
        cell=cell,
        prediction_html=views.prediction_view(prediction, session.error, lang),
        input_html=views.input_view(prediction, lang),
        feed_html=views.feed_view(prediction, step, lang),
        states_html=views.states_view(prediction, cell, step, lang),
        belief_html=views.belief_view(prediction, step, lang),
    )


def full_update(image, cell: str = "lstm", lang: str = "en", step: int = TIMESTEPS, models: Models | None = None) -> Update:
    """Preprocess ``image``, trace it with ``cell`` and render every view in ``lang``.

    An unknown or untrained ``cell`` falls back to the first trained one (Update.cell
    names the cell that ran). An unreadable image does not raise: the Update then carries the
    error code, the prediction view shows the translated message and the other views
    are None, so the page keeps what it showed.
    """
    models = models or default_models()
    predictor = models.predictor(cell)
    lang = normalise_language(lang)
    source = image_source(image)
    if source is None:
        return render_views(Session(blank_prediction(predictor)), predictor.cell, lang, step)
    try:
        prediction = predictor.predict(source)
    except ImageInputError as error:
        session = Session(prediction=None, error=error.code)
        return Update(session, predictor.cell, views.prediction_view(None, error.code, lang), None, None, None, None)
    return render_views(Session(prediction), predictor.cell, lang, step)


def rerun_with_cell(session: Session, cell: str, lang: str, step: int, models: Models | None = None) -> Update:
    """Trace the session's current input with another cell; preprocessing is not repeated."""
    models = models or default_models()
    predictor = models.predictor(cell)
    if session.prediction is None:
        return render_views(Session(blank_prediction(predictor), session.error), predictor.cell, lang, step)
    prediction = predictor.predict_pixels([session.prediction.preprocessed])[0]
    return render_views(Session(prediction, session.error), predictor.cell, lang, step)


# Decimals kept in prediction_json. Trace values rounded to 4 decimals are off by at most
# 5e-5. The page shows far less: percentages with one decimal (steps of 1e-3) and
# heatmaps of 256 colours over a range of at least 1 (steps of 1/255, about 4e-3).
TRACE_DECIMALS = 4
PROBABILITY_DECIMALS = 5


def _rounded(values: np.ndarray, decimals: int) -> list:
    return np.round(np.asarray(values, dtype=np.float64), decimals).tolist()


def prediction_json(prediction: Prediction, cell: str) -> dict:
    """Convert a prediction to plain JSON types with rounded floats.

    The trace arrays are rounded to TRACE_DECIMALS (4), still far below the precision
    that the page shows, which makes the JSON of an LSTM prediction about 12 % smaller
    than with 5. The top-level probabilities and confidence keep PROBABILITY_DECIMALS (5).
    The trace is None when the image contains no digit.
    """
    trace = prediction.trace
    trace_json = None
    if trace is not None:
        trace_json = {
            "hidden": _rounded(trace.hidden[0], TRACE_DECIMALS),
            "cell_state": None if trace.cell_state is None else _rounded(trace.cell_state[0], TRACE_DECIMALS),
            "gates": {name: _rounded(values[0], TRACE_DECIMALS) for name, values in trace.gates.items()},
            "probabilities": _rounded(trace.probabilities[0], TRACE_DECIMALS),
        }
    return {
        "digit": prediction.digit,
        "confidence": round(float(prediction.confidence), PROBABILITY_DECIMALS),
        "unsure": bool(prediction.unsure),
        "probabilities": _rounded(prediction.probabilities, PROBABILITY_DECIMALS),
        "cell": cell,
        "blank_reason": prediction.preprocessed.reason or None,
        "trace": trace_json,
    }
