"""The page's event handlers, one method per event.

Each method returns its outputs in the order that demo/page.py wires them, so tests can
call the handlers in process without a browser. A value of ``gr.skip()`` leaves that
output as the page shows it. Handlers keep no state of their own: everything about a
visitor travels in the gr.State values (Session, playing) that Gradio keeps per tab.
"""

import logging

import gradio as gr

from demo import export, labels, views
from demo.i18n import language_from_header, normalise_language, translate
from demo.models import Models
from demo.update import Session, Update, full_update, prediction_json, render_views, rerun_with_cell
from model.network import TIMESTEPS
from model.preprocess import ImageInputError

logger = logging.getLogger(__name__)

VIEW_COUNT = 5  # prediction, input grid, feed, states, belief: the order of Update.views()


def view_outputs(update: Update) -> list:
    """Return [session, five views]. A view that is None keeps what the page shows."""
    return [update.session] + [gr.skip() if html is None else html for html in update.views()]


def clamp_step(step) -> int:
    """Return the timestep in 1..TIMESTEPS that a typed slider value stands for.

    Gradio passes what was typed into the slider's number box as it is: possibly out of
    range, fractional or empty. An empty or invalid value means the last timestep.
    """
    try:
        value = round(float(step))
    except (TypeError, ValueError, OverflowError):
        return TIMESTEPS
    return min(max(value, 1), TIMESTEPS)


class Handlers:
    """The event handlers of one page, bound to its models."""

    def __init__(self, models: Models, forced_language: str | None = None):
        self.models = models
        self.forced_language = forced_language

    # Input -------------------------------------------------------------------------------

    def on_sketch(self, sketch, live: bool, cell: str, lang: str, step: int) -> list:
        """Run the full update after a stroke, unless live updates are off."""
        if not live:
            # The views wait for the Predict button, which must then read this sketch.
            return [gr.skip()] * (1 + VIEW_COUNT) + ["sketch"]
        return view_outputs(full_update(sketch, cell, lang, step, self.models)) + ["sketch"]

    def on_upload_clear(self, sketch, cell: str, lang: str, step: int) -> list:
        """Show the drawing again when the uploaded file is removed."""
        return view_outputs(full_update(sketch, cell, lang, step, self.models)) + ["sketch"]

    def on_upload(self, path: str | None, session: Session, cell: str, lang: str, step: int) -> list:
        """Run the full update for an uploaded file.

        An unreadable file shows its error, and the session keeps the previous prediction,
        so that a later change of language or cell still shows the last good drawing.
        """
        update = full_update(path, cell, lang, step, self.models)
        if update.session.error:
            logger.info("Rejected an upload: %s", update.session.error)
            session_with_error = Session(prediction=session.prediction, error=update.session.error)
            return [session_with_error] + view_outputs(update)[1:] + ["upload"]
        return view_outputs(update) + ["upload"]

    def on_predict(self, source: str, sketch, path: str | None, cell: str, lang: str, step: int) -> list:
        """Run the full update for the input last used: the sketch or the uploaded file."""
        image = path if source == "upload" else sketch
        return view_outputs(full_update(image, cell, lang, step, self.models))

    def on_example(self, index: int, cell: str, lang: str, step: int) -> list:
        """Load example number ``index`` into the upload tab and run the full update."""
        path = str(labels.example_paths()[index])
        update = full_update(path, cell, lang, step, self.models)
        return view_outputs(update) + [path, gr.Tabs(selected="upload"), "upload"]

    # Cell, language and timestep --------------------------------------------------------

    def on_cell(self, session: Session, cell: str, lang: str, step: int) -> list:
        """Trace the current input with another cell and update the texts that name the cell."""
        update = rerun_with_cell(session, cell, lang, step, self.models)
        return view_outputs(update) + [
            views.feed_intro(update.cell, lang),
            labels.model_note_html(self.models, update.cell, lang),
            labels.card_html(self.models, update.cell, lang),
        ]

    def on_language(self, session: Session, cell: str, lang: str, step: int, playing: bool) -> list:
        """Re-render every view and label in ``lang``, in the order of page.label_outputs."""
        lang = normalise_language(lang)
        cell = self.models.predictor(cell).cell
        update = render_views(session, cell, lang, step)
        return view_outputs(update) + self.labels(cell, lang, playing)

    def labels(self, cell: str, lang: str, playing: bool) -> list:
        """Return the translated labels and static texts, in the order of page.label_outputs."""
        return [
            labels.header_html(lang),
            gr.Radio(choices=labels.cell_choices(self.models, lang), label=translate(lang, "cell_label")),
            labels.model_note_html(self.models, cell, lang),
            gr.Tab(label=translate(lang, "tab_draw")),
            gr.Tab(label=translate(lang, "tab_upload")),
            labels.sketch_hint_html(lang),
            gr.File(label=translate(lang, "upload_label")),
            gr.Checkbox(label=translate(lang, "live_label")),
            gr.Button(translate(lang, "predict_button")),
            gr.Dataset(label=translate(lang, "examples_label")),
            labels.credit_html(lang),
            views.feed_intro(cell, lang),
            gr.Slider(label=translate(lang, "step_label")),
            gr.Button(translate(lang, "pause" if playing else "play")),
            gr.Checkbox(label=translate(lang, "loop_label")),
            labels.card_html(self.models, cell, lang),
            labels.export_intro_html(lang),
            gr.Button(translate(lang, "export_gif_button")),
            gr.Button(translate(lang, "export_png_button")),
            gr.File(label=translate(lang, "export_files_label")),
        ]

    def on_step(self, session: Session, step: int, lang: str) -> str:
        """Re-render only the feed, because the heatmaps' step markers move in the browser."""
        return views.feed_view(session.prediction, clamp_step(step), lang)

    def on_play(self, playing: bool, step: int, lang: str) -> tuple:
        """Start or stop the timer and return (playing, timer, button label, step)."""
        if playing:
            return False, gr.Timer(active=False), translate(lang, "play"), gr.skip()
        start = 1 if step >= TIMESTEPS else step
        return True, gr.Timer(active=True), translate(lang, "pause"), start

    def on_tick(self, session: Session, step: int, loop: bool, playing: bool, lang: str) -> tuple:
        """Advance one timestep and return (step, feed, playing, timer, button label).

        After step 28 the feed starts again at 1 when ``loop`` is set, and stops otherwise.
        """
        if not playing:
            return gr.skip(), gr.skip(), False, gr.Timer(active=False), gr.skip()
        next_step = step + 1
        if next_step > TIMESTEPS:
            if not loop:
                return gr.skip(), gr.skip(), False, gr.Timer(active=False), translate(lang, "play")
            next_step = 1
        return next_step, views.feed_view(session.prediction, next_step, lang), True, gr.skip(), gr.skip()

    # Export and page load ----------------------------------------------------------------

    def on_export_animation(self, session: Session, lang: str):
        """Build the GIF of the 28 timesteps, or show a warning when there is no digit."""
        if session.prediction is None or session.prediction.trace is None:
            gr.Warning(translate(lang, "export_needs_digit"))
            return gr.skip()
        return [str(export.feed_animation(session.prediction, lang))]

    def on_export_heatmaps(self, session: Session, lang: str):
        """Build one PNG per heatmap, or show a warning when there is no digit."""
        if session.prediction is None or session.prediction.trace is None:
            gr.Warning(translate(lang, "export_needs_digit"))
            return gr.skip()
        return [str(path) for path in export.heatmap_images(session.prediction, lang)]

    def on_load(self, request: gr.Request | None = None) -> str:
        """Choose the page language: --lang if given, else the browser's Accept-Language."""
        if self.forced_language:
            return self.forced_language
        header = request.headers.get("accept-language") if request is not None else None
        return language_from_header(header)

    # API ---------------------------------------------------------------------------------

    def api_predict(self, image: str | None, cell: str = "lstm") -> dict:
        """Read the digit in an image file with the chosen cell (the ``predict`` endpoint).

        Returns {"digit": int or null, "confidence", "unsure", "probabilities": [10],
        "cell", "blank_reason", "trace": {"hidden": 28 x units, "cell_state": 28 x units
        or null, "gates": {name: 28 x units}, "probabilities": 28 x 10} or null}. The
        trace's floats are rounded to 4 decimals and the others to 5. Raises gr.Error for
        a missing or unreadable file and for a cell without a trained model.
        """
        if not image:
            raise gr.Error("No image file was sent. Send a PNG or JPEG file as the image input.")
        cell = cell or "lstm"
        if cell not in self.models.predictors:
            raise gr.Error(f"Unknown or untrained cell {cell!r}: available cells are {', '.join(self.models.cells)}.")
        try:
            prediction = self.models.predictors[cell].predict(image)
        except ImageInputError as error:
            logger.info("Rejected an API image: %s", error)
            raise gr.Error(f"{translate('en', 'error_' + error.code)} ({error})") from error
        return prediction_json(prediction, cell)
