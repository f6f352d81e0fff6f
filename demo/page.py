"""The Gradio page: components, layout and the wiring of events to demo.events.Handlers.

``build_demo(models)`` returns the Blocks and ``launch(demo, ...)`` serves it with the
page's theme, CSS and limits. demo/app.py and ``python -m demo`` both use these two.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from demo import labels, views
from demo.events import Handlers
from demo.i18n import LANGUAGE_NAMES, LANGUAGES, normalise_language, translate
from demo.models import Models
from demo.update import Session, render_views
from model.network import TIMESTEPS
from model.preprocess import MAX_FILE_BYTES

DEMO_DIR = Path(__file__).resolve().parent
CSS_PATH = DEMO_DIR / "style.css"

CANVAS_SIDE = 800  # side of the sketchpad's drawing area, px
BRUSH_RADIUS = 20  # px, so the stroke is 40 px wide, 1/20 of the canvas side
PLAY_INTERVAL = 0.4  # seconds per timestep while playing, so 28 rows take about 11 s
# Events that run the network or re-render every view share the concurrency group
# NETWORK_GROUP: a stroke, the Predict button, an example, a change of cell or language
# and the predict API. So at most UPDATE_CONCURRENCY of them run at once across all
# visitors. Without a shared concurrency_id, Gradio 6.31 gives each event a group and a
# limit of its own (gradio/block_function.py).
# The work is Python and small NumPy calls that hold the GIL most of the time, so extra
# threads only delay each other. In process, 2 and 4 threads of full_update finished
# about as many updates per second as 1 (on a 2-core machine). The limit is 2 rather
# than 1 so that a slow request takes turns with the next update instead of blocking
# every visitor until it ends.
NETWORK_GROUP = "network"
UPDATE_CONCURRENCY = 2
# Re-rendering the feed for the slider and for Play took about 0.5 ms in process, so those
# events get a group of their own and do not wait behind full updates.
FEED_GROUP = "feed"

# System fonts only, so the page loads nothing from the internet. All of them have the
# Vietnamese letters.
SYSTEM_FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial", "sans-serif")
SYSTEM_MONO_FONTS = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace")

# Gradio scopes the page CSS to its content, so rules for the elements around it are set
# in <head>. Narrower margins on a phone leave the figures 370 of 390 px. The container
# clips instead of hiding overflow, because "hidden" makes it a scroll container and the
# sticky input column would then scroll away with the page.
HEAD_HTML = """<style>
.gradio-container { overflow: clip !important; }
@media (max-width: 600px) {
  .gradio-container .main.app { padding-left: 8px !important; padding-right: 8px !important; }
}
</style>"""

# Moves every step marker to the slider's step in the browser, without a server call. A
# value typed into the slider's number box may be out of range or fractional, so it is
# rounded and clamped to 1..TIMESTEPS first.
MOVE_STEP_MARKERS_JS = """
(value) => {
  const step = Math.min(TIMESTEPS, Math.max(1, Math.round(Number(value)) || TIMESTEPS));
  for (const marker of document.querySelectorAll('.step-marker')) {
    const top = parseFloat(marker.dataset.y0);
    const rowHeight = parseFloat(marker.dataset.rowHeight);
    marker.setAttribute('y', String(top + (step - 1) * rowHeight));
    marker.closest('svg')?.setAttribute('data-step', String(step));
  }
  for (const view of document.querySelectorAll('.states-view, .belief-view')) {
    view.setAttribute('data-step', String(step));
  }
  return step;
}
""".replace("TIMESTEPS", str(TIMESTEPS))

# Sets the browser tab's title in the chosen language.
SET_TITLE_JS = f"""
(lang) => {{
  const titles = {json.dumps({code: translate(code, "page_title") for code in LANGUAGES}, ensure_ascii=False)};
  if (titles[lang]) document.title = titles[lang];
  return lang;
}}
"""

# Selects the sketchpad's brush whenever no drawing tool is active, checking once a second.
# NOTE: Gradio 6.31 opens a Sketchpad with no tool selected ("select the draw tool to
# start"), so without this a visitor must click the brush icon before drawing. The
# buttons are found by their English labels, which Gradio also shows to Vietnamese
# browsers because it has no Vietnamese translation.
SELECT_BRUSH_JS = """
() => {
  const selectBrush = () => {
    const sketch = document.querySelector('#sketch');
    if (!sketch || sketch.offsetParent === null) return;
    const tools = [...sketch.querySelectorAll('button[title="Brush"], button[title="Erase"], button[title="Pan"]')];
    const brush = tools.find((button) => button.title === 'Brush');
    if (brush && !tools.some((button) => button.classList.contains('highlight'))) brush.click();
  };
  setInterval(selectBrush, 1000);
}
"""


def theme() -> gr.themes.Base:
    return gr.themes.Default(font=list(SYSTEM_FONTS), font_mono=list(SYSTEM_MONO_FONTS), text_size="lg")


@dataclass
class Components:
    """The components that events read or write, built by build_demo."""

    session: gr.State
    playing: gr.State
    source: gr.State
    language: gr.Radio
    header: gr.HTML
    cell: gr.Radio
    model_note: gr.HTML
    tabs: gr.Tabs
    draw_tab: gr.Tab
    upload_tab: gr.Tab
    sketch_hint: gr.HTML
    sketch: gr.Sketchpad
    upload: gr.File
    live: gr.Checkbox
    predict_button: gr.Button
    examples: gr.Dataset
    credit: gr.HTML
    prediction: gr.HTML
    input_grid: gr.HTML
    feed_intro: gr.HTML
    step: gr.Slider
    play: gr.Button
    loop: gr.Checkbox
    feed: gr.HTML
    states: gr.HTML
    belief: gr.HTML
    card: gr.HTML
    export_intro: gr.HTML
    gif_button: gr.Button
    png_button: gr.Button
    export_files: gr.File
    timer: gr.Timer

    def view_outputs(self) -> list:
        """Return the session and the five views, in the order of events.view_outputs."""
        return [self.session, self.prediction, self.input_grid, self.feed, self.states, self.belief]

    def label_outputs(self) -> list:
        """Return the components that Handlers.labels translates, in its order."""
        return [
            self.header, self.cell, self.model_note, self.draw_tab, self.upload_tab, self.sketch_hint, self.upload,
            self.live, self.predict_button, self.examples, self.credit, self.feed_intro, self.step, self.play,
            self.loop, self.card, self.export_intro, self.gif_button, self.png_button, self.export_files,
        ]  # fmt: skip


def _html(value: str, elem_id: str | None = None) -> gr.HTML:
    return gr.HTML(value, elem_id=elem_id, js_on_load=None)


def build_demo(models: Models, initial_cell: str = "lstm", forced_language: str | None = None) -> gr.Blocks:
    """Build the page for the given models.

    ``forced_language`` ("vi" or "en") overrides the browser's language. Without it, a
    visitor whose browser prefers Vietnamese gets Vietnamese and everyone else English.
    """
    lang = normalise_language(forced_language)
    cell = initial_cell if initial_cell in models.predictors else models.cells[0]
    first = render_views(Session(), cell, lang)

    with gr.Blocks(title=translate(lang, "page_title"), analytics_enabled=False, delete_cache=(600, 3600)) as demo:
        session = gr.State(Session())
        playing = gr.State(False)
        source = gr.State("sketch")

        with gr.Row(elem_id="header-row", equal_height=False):
            header = gr.HTML(labels.header_html(lang), js_on_load=None, scale=1, min_width=300)
            language = gr.Radio(
                choices=[(LANGUAGE_NAMES[code], code) for code in LANGUAGES],
                value=lang,
                label=translate(lang, "language_label"),
                elem_id="language",
                scale=0,
                min_width=230,
            )

        with gr.Row(elem_id="main-row", equal_height=False):
            with gr.Column(scale=3, min_width=320, elem_id="input-column"):
                with gr.Tabs(selected="draw", elem_id="input-tabs") as tabs:
                    with gr.Tab(translate(lang, "tab_draw"), id="draw", elem_id="draw-tab") as draw_tab:
                        sketch_hint = _html(labels.sketch_hint_html(lang))
                        sketch = gr.Sketchpad(
                            label=translate(lang, "sketch_label"),
                            show_label=False,
                            type="numpy",
                            image_mode="RGBA",
                            canvas_size=(CANVAS_SIDE, CANVAS_SIDE),
                            fixed_canvas=True,
                            brush=gr.Brush(default_size=BRUSH_RADIUS, colors=["#000000"], color_mode="fixed"),
                            eraser=gr.Eraser(default_size=BRUSH_RADIUS * 2),
                            layers=False,
                            transforms=(),
                            format="png",
                            buttons=[],
                            elem_id="sketch",
                        )
                    with gr.Tab(translate(lang, "tab_upload"), id="upload", elem_id="upload-tab") as upload_tab:
                        upload = gr.File(label=translate(lang, "upload_label"), file_types=["image"], type="filepath", elem_id="upload")
                with gr.Row(elem_id="predict-row"):
                    live = gr.Checkbox(value=True, label=translate(lang, "live_label"), elem_id="live")
                    predict_button = gr.Button(translate(lang, "predict_button"), variant="primary", elem_id="predict-button")
                cell_radio = gr.Radio(
                    choices=labels.cell_choices(models, lang), value=cell, label=translate(lang, "cell_label"), elem_id="cell"
                )
                model_note = _html(labels.model_note_html(models, cell, lang))
                examples = gr.Dataset(
                    components=[gr.Image(visible=False, type="filepath")],
                    samples=[[str(path)] for path in labels.example_paths()],
                    type="index",
                    label=translate(lang, "examples_label"),
                    samples_per_page=12,
                    elem_id="examples",
                )
                credit = _html(labels.credit_html(lang))

            with gr.Column(scale=8, min_width=320, elem_id="views-column"):
                prediction = _html(first.prediction_html, "prediction-box")
                input_grid = _html(first.input_html, "input-box")
                feed_intro = _html(views.feed_intro(cell, lang), "feed-intro-box")
                with gr.Row(elem_id="feed-controls", equal_height=False):
                    step = gr.Slider(
                        1, TIMESTEPS, value=TIMESTEPS, step=1, label=translate(lang, "step_label"), elem_id="step", scale=4, min_width=280
                    )
                    play = gr.Button(translate(lang, "play"), elem_id="play", scale=1, min_width=120)
                    loop = gr.Checkbox(value=False, label=translate(lang, "loop_label"), elem_id="loop", scale=1, min_width=100)
                feed = _html(first.feed_html, "feed-box")
                states = _html(first.states_html, "states-box")
                belief = _html(first.belief_html, "belief-box")
                card = _html(labels.card_html(models, cell, lang), "card-box")
                export_intro = _html(labels.export_intro_html(lang), "export-box")
                with gr.Row(elem_id="export-row"):
                    gif_button = gr.Button(translate(lang, "export_gif_button"), elem_id="export-gif")
                    png_button = gr.Button(translate(lang, "export_png_button"), elem_id="export-png")
                export_files = gr.File(
                    label=translate(lang, "export_files_label"), file_count="multiple", interactive=False, height=140, elem_id="export-files"
                )

        timer = gr.Timer(PLAY_INTERVAL, active=False)
        parts = Components(
            session, playing, source, language, header, cell_radio, model_note, tabs, draw_tab, upload_tab, sketch_hint,
            sketch, upload, live, predict_button, examples, credit, prediction, input_grid, feed_intro, step, play, loop,
            feed, states, belief, card, export_intro, gif_button, png_button, export_files, timer,
        )  # fmt: skip
        handlers = Handlers(models, forced_language)
        _wire_events(demo, parts, handlers)
        _add_api(handlers, models)
    return demo


def _wire_events(demo: gr.Blocks, parts: Components, handlers: Handlers) -> None:
    outputs = parts.view_outputs()
    quiet = {"show_progress": "hidden", "api_visibility": "private"}
    network = {"concurrency_id": NETWORK_GROUP, "concurrency_limit": UPDATE_CONCURRENCY}
    feed = {"concurrency_id": FEED_GROUP, "concurrency_limit": UPDATE_CONCURRENCY}
    # Only the newest pending update of a visitor runs, so fast drawing never queues up.
    live = {**quiet, **network, "trigger_mode": "always_last"}
    common = [parts.cell, parts.language, parts.step]

    # NOTE: under heavy load, Gradio 6.31's Sketchpad was seen sending the composite from
    # before the last stroke, and Undo sent no change event. The views then lag one action
    # behind the canvas until the next stroke or the Predict button.
    parts.sketch.change(handlers.on_sketch, [parts.sketch, parts.live, *common], outputs + [parts.source], **live)
    parts.upload.upload(handlers.on_upload, [parts.upload, parts.session, *common], outputs + [parts.source], **live)
    parts.upload.clear(handlers.on_upload_clear, [parts.sketch, *common], outputs + [parts.source], **live)
    # Predict reads the input of the tab in view, whichever input changed last.
    parts.draw_tab.select(lambda: "sketch", None, parts.source, queue=False, **quiet)
    parts.upload_tab.select(lambda: "upload", None, parts.source, queue=False, **quiet)
    parts.predict_button.click(handlers.on_predict, [parts.source, parts.sketch, parts.upload, *common], outputs, **live)
    parts.examples.click(handlers.on_example, [parts.examples, *common], outputs + [parts.upload, parts.tabs, parts.source], **live)

    parts.cell.change(
        handlers.on_cell, [parts.session, *common], outputs + [parts.feed_intro, parts.model_note, parts.card], **live
    )
    parts.language.change(
        handlers.on_language,
        [parts.session, parts.cell, parts.language, parts.step, parts.playing],
        outputs + parts.label_outputs(),
        **quiet,
        **network,
    )
    parts.language.change(None, [parts.language], None, js=SET_TITLE_JS, **quiet)
    parts.step.input(
        handlers.on_step, [parts.session, parts.step, parts.language], parts.feed, **quiet, **feed, trigger_mode="always_last"
    )
    parts.step.change(None, [parts.step], None, js=MOVE_STEP_MARKERS_JS, **quiet)
    parts.play.click(
        handlers.on_play, [parts.playing, parts.step, parts.language], [parts.playing, parts.timer, parts.play, parts.step], **quiet
    )
    parts.timer.tick(
        handlers.on_tick,
        [parts.session, parts.step, parts.loop, parts.playing, parts.language],
        [parts.step, parts.feed, parts.playing, parts.timer, parts.play],
        **quiet,
        **feed,
    )
    parts.gif_button.click(handlers.on_export_animation, [parts.session, parts.language], parts.export_files, **quiet)
    parts.png_button.click(handlers.on_export_heatmaps, [parts.session, parts.language], parts.export_files, **quiet)
    demo.load(handlers.on_load, None, parts.language, **quiet)


def _add_api(handlers: Handlers, models: Models) -> None:
    """Add the public ``predict`` endpoint: an image file and a cell name in, JSON out."""
    api_image = gr.File(visible=False, type="filepath", label="image")
    api_cell = gr.Textbox(value="lstm" if "lstm" in models.cells else models.cells[0], visible=False, label="cell")
    api_result = gr.JSON(visible=False, label="prediction")
    api_trigger = gr.Button(visible=False)
    api_trigger.click(
        handlers.api_predict,
        [api_image, api_cell],
        api_result,
        api_name="predict",
        concurrency_id=NETWORK_GROUP,
        concurrency_limit=UPDATE_CONCURRENCY,
    )


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, share: bool = False, **options):
    """Serve the page with its theme and CSS, the upload limit and no outside links or fonts."""
    return demo.queue(default_concurrency_limit=UPDATE_CONCURRENCY).launch(
        server_name=host,
        server_port=port,
        share=share,
        theme=theme(),
        css_paths=[CSS_PATH],
        head=HEAD_HTML,
        js=SELECT_BRUSH_JS,
        max_file_size=MAX_FILE_BYTES,
        footer_links=["api"],
        allowed_paths=[str(labels.EXAMPLES_DIR)],
        **options,
    )
