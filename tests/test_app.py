"""The demo in process: translations, every view for a real drawing, blank and bad input,
the event handlers, exports and start-up without models.

The ``models`` fixture loads the shipped models of assets/models, so the tests that check
the network's predictions see what visitors see. The small untrained models of
tests/demo_models.py serve only the cases that need another folder: a missing cell, a
missing model card and views that follow a model's size.
"""

import re
import string
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from demo import export, labels, views
from demo.events import Handlers, clamp_step
from demo.i18n import LANGUAGES, STRINGS, format_percent, language_from_header, translate
from demo.models import Models, load_models
from demo.update import Session, full_update, prediction_json, rerun_with_cell
from demo_models import UNITS, make_model_folder
from model.network import CELLS, MODELS_DIR, TIMESTEPS, ModelFileError
from model.trace import GATE_NAMES, decision_step

EXAMPLES = labels.example_paths()
PEN_EXAMPLE = next(path for path in EXAMPLES if path.name.startswith("pen-"))


def label_of(path: Path) -> int:
    """Return the digit that an example's file name states: pen-3-train15.png is a 3."""
    return int(path.name.split("-")[1])


@pytest.fixture(scope="session")
def models() -> Models:
    """The shipped models of assets/models; skips while the LSTM has no model file."""
    model_file = MODELS_DIR / "lstm.keras"
    if not model_file.is_file():
        pytest.skip(f"No shipped LSTM yet ({model_file} is missing; create it with: python -m model.train --cell lstm).")
    return load_models(MODELS_DIR)


@pytest.fixture(scope="session")
def untrained_models(tmp_path_factory) -> Models:
    """Untrained models of UNITS units: an LSTM with a card, a GRU without one, no simple RNN."""
    return load_models(make_model_folder(tmp_path_factory.mktemp("models")))


def require_cell(models: Models, cell: str) -> None:
    """Skip the test while the shipped models lack ``cell``."""
    if cell not in models.predictors:
        pytest.skip(f"No shipped {cell.upper()} model yet (create it with: python -m model.train --cell {cell}).")


@pytest.fixture(scope="session")
def sketch() -> dict:
    """A sketchpad value: a transparent 800 x 800 RGBA canvas with a pen-drawn digit in black."""
    drawing = Image.open(PEN_EXAMPLE).convert("L").resize((800, 800), Image.Resampling.BILINEAR)
    canvas = np.zeros((800, 800, 4), dtype=np.uint8)
    canvas[..., 3] = 255 - np.asarray(drawing)
    return {"background": None, "layers": [canvas], "composite": canvas}


def svg_elements(html: str) -> list[ElementTree.Element]:
    """Parse every inline <svg> of a view; raises if one is not well-formed XML."""
    return [ElementTree.fromstring(match) for match in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


def element_ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def is_skip(value) -> bool:
    return value == {"__type__": "update"}


# Translations ----------------------------------------------------------------------------


def test_languages_have_same_keys():
    assert set(STRINGS) == set(LANGUAGES)
    assert set(STRINGS["vi"]) == set(STRINGS["en"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_string_is_empty(lang):
    empty = [key for key, value in STRINGS[lang].items() if not value.strip()]
    assert empty == []


def test_placeholders_match_across_languages():
    formatter = string.Formatter()
    for key in STRINGS["en"]:
        fields = {lang: {name for _, name, _, _ in formatter.parse(STRINGS[lang][key]) if name} for lang in LANGUAGES}
        assert fields["vi"] == fields["en"], key


def test_vietnamese_differs_from_english():
    same = [key for key in STRINGS["en"] if STRINGS["en"][key] == STRINGS["vi"][key] and re.search("[a-z]{4}", STRINGS["en"][key])]
    # Names that are the same in both languages.
    assert set(same) <= {"language_label", "cell_lstm", "cell_gru"}


def test_every_string_key_is_used():
    folder = Path(views.__file__).parent
    sources = "".join(path.read_text() for path in folder.glob("*.py") if path.name != "i18n.py")
    # Keys built from a code at run time: error_<code>, blank_<reason>, cell_<cell>,
    # gate_<cell>_<gate>_..., no_cell_state_<cell>, equations_heading_<cell>.
    dynamic = re.compile(r"^(error_|blank_|cell_(lstm|gru|rnn)$|gate_|no_cell_state_|equations_heading_)")
    unused = [key for key in STRINGS["en"] if not dynamic.match(key) and f'"{key}"' not in sources and f"'{key}'" not in sources]
    assert unused == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en-US,en;q=0.9,vi;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,vi;q=0.5", "vi"),
        ("fr-FR,de;q=0.9", "en"),
        ("en;q=0.5,vi;q=0.7", "vi"),
        ("", "en"),
        (None, "en"),
        ("vi;q=abc", "en"),
    ],
)
def test_language_from_header(header, expected):
    assert language_from_header(header) == expected


def test_percent_uses_decimal_comma_in_vietnamese():
    assert format_percent(0.9918, "vi") == "99,2 %"
    assert format_percent(0.9918, "en") == "99.2 %"


# Full update -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("cell", CELLS)
def test_full_update_builds_every_view(models, sketch, cell, lang):
    require_cell(models, cell)
    update = full_update(sketch, cell, lang, step=14, models=models)

    assert update.cell == cell
    assert update.session.error is None
    prediction = update.session.prediction
    assert prediction.digit == label_of(PEN_EXAMPLE)
    assert all(view for view in update.views())
    assert f'data-digit="{prediction.digit}"' in update.prediction_html
    assert 'data-step="14"' in update.feed_html

    ids = set().union(*(element_ids(view) for view in update.views()))
    expected = {
        "prediction", "input-grid", "feed", "feed-image", "feed-probabilities", "feed-input-row", "feed-hidden",
        "hidden-heatmap", "belief-heatmap",
    }  # fmt: skip
    expected |= {f"gate-{name.replace('_', '-')}-heatmap" for name in GATE_NAMES[cell]}
    assert expected <= ids
    has_cell_state = {"feed-cell-state", "cell-state-heatmap"} <= ids
    assert has_cell_state == (cell == "lstm")


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_views_are_well_formed_svg(models, sketch, cell):
    require_cell(models, cell)
    update = full_update(sketch, cell, "vi", models=models)
    figures = [figure for view in update.views() for figure in svg_elements(view)]
    assert len(figures) >= 8
    for figure in figures:
        assert figure.get("viewBox")
        assert figure.get("aria-label")


def test_heatmaps_follow_model_size(untrained_models, sketch):
    update = full_update(sketch, "lstm", "en", models=untrained_models)
    assert f'data-units="{UNITS}"' in update.states_html
    assert f"(unit 1 to {UNITS})" in update.states_html


def test_views_show_the_translated_texts(models, sketch):
    for lang in LANGUAGES:
        update = full_update(sketch, "lstm", lang, models=models)
        assert translate(lang, "sees_heading") in update.input_html
        assert translate(lang, "states_heading") in update.states_html
        assert translate(lang, "belief_heading") in update.belief_html
        assert translate(lang, "axis_unit") in update.states_html


def test_upload_path_and_sketch_give_same_input(models, sketch):
    from_file = full_update(str(PEN_EXAMPLE), "lstm", "en", models=models)
    from_sketch = full_update(sketch, "lstm", "en", models=models)
    difference = np.abs(from_file.session.prediction.preprocessed.pixels - from_sketch.session.prediction.preprocessed.pixels)
    assert difference.mean() < 0.05


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("image", [None, "empty canvas", "empty dict"])
def test_blank_canvas_asks_for_a_digit(models, lang, image):
    if image == "empty canvas":
        image = {"composite": np.zeros((800, 800, 4), dtype=np.uint8)}
    elif image == "empty dict":
        image = {"background": None, "layers": [], "composite": None}
    update = full_update(image, "lstm", lang, models=models)

    assert update.session.prediction.digit is None
    assert 'data-state="blank"' in update.prediction_html
    assert translate(lang, "blank_empty") in update.prediction_html
    assert translate(lang, "placeholder_draw") in update.feed_html
    assert translate(lang, "placeholder_draw") in update.states_html
    assert translate(lang, "placeholder_draw") in update.belief_html
    assert 'data-blank="true"' in update.input_html


def test_faint_drawing_is_called_faint(models):
    canvas = np.full((400, 400, 3), 255, dtype=np.uint8)
    canvas[150:250, 190:210] = 240  # contrast 15/255: above "empty" (0.02), below MIN_CONTRAST (0.12)
    update = full_update(canvas, "lstm", "en", models=models)
    assert 'data-reason="faint"' in update.prediction_html
    assert translate("en", "blank_faint") in update.prediction_html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_file_shows_translated_error(models, tmp_path, lang):
    path = tmp_path / "digit.png"
    path.write_text("this is not an image")
    update = full_update(str(path), "lstm", lang, models=models)

    assert update.session.error == "not_image"
    assert 'data-state="error"' in update.prediction_html
    assert 'data-error="not_image"' in update.prediction_html
    assert translate(lang, "error_not_image") in update.prediction_html
    assert translate(lang, "error_drawing_kept") in update.prediction_html
    assert update.input_html is None
    assert update.feed_html is None
    assert update.states_html is None
    assert update.belief_html is None


def test_tiny_image_shows_too_small_error(models, tmp_path):
    path = tmp_path / "tiny.png"
    Image.new("RGB", (4, 4), "white").save(path)
    update = full_update(str(path), "lstm", "vi", models=models)
    assert update.session.error == "too_small"
    assert translate("vi", "error_too_small") in update.prediction_html


def test_missing_file_shows_not_found_error(models, tmp_path):
    update = full_update(str(tmp_path / "gone.png"), "lstm", "en", models=models)
    assert update.session.error == "not_found"
    assert translate("en", "error_not_found") in update.prediction_html


def test_untrained_cell_falls_back_to_trained_one(untrained_models, sketch):
    update = full_update(sketch, "rnn", "en", models=untrained_models)
    assert update.cell == "lstm"


def test_cell_switch_reuses_the_input(models, sketch):
    require_cell(models, "gru")
    lstm = full_update(sketch, "lstm", "en", models=models)
    gru = rerun_with_cell(lstm.session, "gru", "en", TIMESTEPS, models)

    assert gru.cell == "gru"
    assert np.array_equal(gru.session.prediction.preprocessed.pixels, lstm.session.prediction.preprocessed.pixels)
    assert "cell-state-heatmap" not in element_ids(gru.states_html)
    assert translate("en", "no_cell_state_gru").split(":")[0] in gru.states_html
    assert 'data-cell="gru"' in gru.states_html


def test_rnn_page_says_it_has_no_gates():
    html = views.states_view(None, "rnn", TIMESTEPS, "vi")
    assert "RNN đơn giản không có cổng" in html


def test_rnn_shows_hidden_state_only(tmp_path, sketch):
    models = load_models(make_model_folder(tmp_path, cells=("rnn",)))
    update = full_update(sketch, "rnn", "en", models=models)

    ids = set().union(*(element_ids(view) for view in update.views()))
    assert update.cell == "rnn"
    assert "hidden-heatmap" in ids
    assert "feed-hidden" in ids
    assert not any(name.startswith("gate-") for name in ids)
    assert "cell-state-heatmap" not in ids
    assert translate("en", "no_cell_state_rnn").split(":")[0] in update.states_html
    assert labels.model_note_html(models, "rnn", "en").count("python -m model.train --cell") == 2


@pytest.mark.parametrize(("step", "shown"), [(1, 1), (14, 14), (28, 28), (0, 1), (99, 28)])
def test_feed_view_clamps_step(models, sketch, step, shown):
    prediction = full_update(sketch, "lstm", "en", models=models).session.prediction
    html = views.feed_view(prediction, step, "en")
    assert f'id="feed" data-step="{shown}"' in html


def test_step_marker_sits_on_current_row(models, sketch):
    html = full_update(sketch, "lstm", "en", step=10, models=models).states_html
    marker = re.search(r'<rect x="[^"]+" y="([^"]+)"[^>]*class="step-marker" data-y0="([^"]+)" data-row-height="([^"]+)"', html)
    y, y0, row_height = (float(value) for value in marker.groups())
    assert y == pytest.approx(y0 + 9 * row_height)


# The sentence that names the row from which the predicted digit no longer changes.
DECISION_SENTENCES = {"en": "The answer is {digit} from row {row} on.", "vi": "Câu trả lời là {digit} kể từ hàng {row}."}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_belief_view_says_when_answer_is_fixed(models, sketch, lang):
    update = full_update(sketch, "lstm", lang, models=models)
    prediction = update.session.prediction
    row = decision_step(prediction.trace.probabilities[0]) + 1
    html = update.belief_html

    assert DECISION_SENTENCES[lang].format(digit=label_of(PEN_EXAMPLE), row=row) in html
    assert f'id="belief-decision" data-row="{row}"' in html
    assert f'data-decision-row="{row}"' in html


def test_decision_marker_sits_on_top_of_its_row(models, sketch):
    html = full_update(sketch, "lstm", "en", step=5, models=models).belief_html
    row = int(re.search(r'data-decision-row="(\d+)"', html).group(1))
    marker = re.search(r'<g class="decision-marker" data-row="(\d+)"><line x1="[^"]+" y1="([^"]+)" x2="[^"]+" y2="([^"]+)"', html)
    step_marker = re.search(r'class="step-marker" data-y0="([^"]+)" data-row-height="([^"]+)"', html)
    y0, row_height = (float(value) for value in step_marker.groups())

    assert int(marker.group(1)) == row
    assert float(marker.group(2)) == pytest.approx(y0 + (row - 1) * row_height)
    assert float(marker.group(3)) == float(marker.group(2))


# Event handlers --------------------------------------------------------------------------


def test_sketch_handler_skips_when_live_is_off(models, sketch):
    outputs = Handlers(models).on_sketch(sketch, False, "lstm", "en", 28)
    assert len(outputs) == 7
    assert all(is_skip(value) for value in outputs[:6])
    # Predict must then read this sketch, even after an earlier upload.
    assert outputs[6] == "sketch"


def test_upload_clear_shows_drawing_again(models, sketch):
    outputs = Handlers(models).on_upload_clear(sketch, "lstm", "en", 28)
    assert isinstance(outputs[0], Session)
    assert outputs[0].prediction.digit is not None
    assert outputs[6] == "sketch"


def test_sketch_handler_returns_session_views_and_source(models, sketch):
    outputs = Handlers(models).on_sketch(sketch, True, "lstm", "en", 28)
    assert isinstance(outputs[0], Session)
    assert all(isinstance(view, str) for view in outputs[1:6])
    assert outputs[6] == "sketch"


def test_bad_upload_keeps_the_other_views(models, sketch, tmp_path):
    path = tmp_path / "notes.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    drawn = full_update(sketch, "lstm", "vi", models=models).session
    outputs = Handlers(models).on_upload(str(path), drawn, "lstm", "vi", 28)

    assert outputs[0].error == "not_image"
    assert outputs[0].prediction is drawn.prediction
    assert translate("vi", "error_not_image") in outputs[1]
    assert all(is_skip(value) for value in outputs[2:6])
    assert outputs[6] == "upload"


def test_language_switch_after_bad_upload_shows_both(models, sketch):
    drawn = full_update(sketch, "lstm", "en", models=models).session
    session = Session(prediction=drawn.prediction, error="too_large")
    outputs = Handlers(models).on_language(session, "lstm", "vi", 28, False)

    assert translate("vi", "error_too_large") in outputs[1]
    assert 'data-blank="false"' in outputs[2]
    assert "hidden-heatmap" in outputs[4]


def test_predict_button_reads_the_last_used_input(models, sketch):
    handlers = Handlers(models)
    from_upload = handlers.on_predict("upload", sketch, str(EXAMPLES[0]), "lstm", "en", 28)
    from_sketch = handlers.on_predict("sketch", sketch, str(EXAMPLES[0]), "lstm", "en", 28)
    assert not np.array_equal(from_upload[0].prediction.preprocessed.pixels, from_sketch[0].prediction.preprocessed.pixels)
    assert from_upload[0].prediction.digit == label_of(EXAMPLES[0])
    assert from_sketch[0].prediction.digit == label_of(PEN_EXAMPLE)


def test_example_handler_loads_the_file(models):
    outputs = Handlers(models).on_example(0, "lstm", "en", 28)
    assert outputs[6] == str(EXAMPLES[0])
    assert outputs[8] == "upload"
    assert outputs[0].prediction.digit == label_of(EXAMPLES[0])


def test_language_switch_translates_every_label(models, sketch):
    handlers = Handlers(models)
    session = full_update(sketch, "lstm", "en", models=models).session
    outputs = handlers.on_language(session, "lstm", "vi", 28, False)

    assert len(outputs) == 6 + len(handlers.labels("lstm", "vi", False))
    texts = " ".join(value for value in outputs if isinstance(value, str))
    assert translate("vi", "page_title") in texts
    assert translate("vi", "feed_heading") in texts
    assert translate("vi", "card_heading") in texts
    assert translate("en", "page_title") not in texts


def test_page_wires_every_label_and_the_api(models):
    from demo.page import build_demo

    demo = build_demo(models)
    functions = {getattr(block_function.fn, "__name__", None): block_function for block_function in demo.fns.values()}

    label_count = len(Handlers(models).labels("lstm", "en", False))
    assert len(functions["on_language"].outputs) == 6 + label_count
    assert functions["api_predict"].api_name == "predict"
    assert functions["on_sketch"].trigger_mode == "always_last"


NETWORK_EVENTS = {"on_sketch", "on_upload", "on_predict", "on_example", "on_cell", "on_language", "api_predict"}
FEED_EVENTS = {"on_step", "on_tick"}


def test_network_events_share_one_concurrency_group(models):
    from gradio.queueing import Queue

    from demo.page import FEED_GROUP, NETWORK_GROUP, UPDATE_CONCURRENCY, build_demo

    demo = build_demo(models)
    by_name: dict[str, list] = {}
    for block_function in demo.fns.values():
        by_name.setdefault(getattr(block_function.fn, "__name__", None), []).append(block_function)
    assert NETWORK_EVENTS | FEED_EVENTS <= set(by_name)
    for name in NETWORK_EVENTS:
        for block_function in by_name[name]:
            assert block_function.concurrency_id == NETWORK_GROUP, name
            assert block_function.concurrency_limit == UPDATE_CONCURRENCY, name
    for name in FEED_EVENTS:
        for block_function in by_name[name]:
            assert block_function.concurrency_id == FEED_GROUP, name

    # Gradio's queue then contains one event queue, with one limit, for all network events.
    queue = Queue(
        live_updates=True, concurrency_count=40, update_intervals=1, max_size=None, blocks=demo, default_concurrency_limit=UPDATE_CONCURRENCY
    )
    for name in NETWORK_EVENTS:
        for block_function in by_name[name]:
            queue.create_event_queue_for_fn(block_function)
    assert list(queue.event_queue_per_concurrency_id) == [NETWORK_GROUP]
    assert queue.event_queue_per_concurrency_id[NETWORK_GROUP].concurrency_limit == UPDATE_CONCURRENCY


def test_play_starts_from_row_one_at_the_end(models):
    playing, timer, label, step = Handlers(models).on_play(False, TIMESTEPS, "vi")
    assert playing is True
    assert timer.active is True
    assert label == translate("vi", "pause")
    assert step == 1


def test_pause_stops_the_timer(models):
    playing, timer, label, step = Handlers(models).on_play(True, 9, "en")
    assert playing is False
    assert timer.active is False
    assert label == translate("en", "play")
    assert is_skip(step)


def test_tick_advances_one_row(models, sketch):
    session = full_update(sketch, "lstm", "en", models=models).session
    step, feed, playing, _, _ = Handlers(models).on_tick(session, 5, False, True, "en")
    assert step == 6
    assert 'data-step="6"' in feed
    assert playing is True


def test_tick_stops_after_last_row_without_loop(models, sketch):
    session = full_update(sketch, "lstm", "en", models=models).session
    step, _, playing, timer, label = Handlers(models).on_tick(session, TIMESTEPS, False, True, "en")
    assert is_skip(step)
    assert playing is False
    assert timer.active is False
    assert label == translate("en", "play")


def test_tick_wraps_to_first_row_with_loop(models, sketch):
    session = full_update(sketch, "lstm", "en", models=models).session
    step, _, playing, _, _ = Handlers(models).on_tick(session, TIMESTEPS, True, True, "en")
    assert step == 1
    assert playing is True


class FakeRequest:
    def __init__(self, accept_language: str):
        self.headers = {"accept-language": accept_language}


def test_load_uses_browser_language(models):
    assert Handlers(models).on_load(FakeRequest("vi-VN,vi;q=0.9")) == "vi"
    assert Handlers(models).on_load(FakeRequest("de-DE")) == "en"


def test_forced_language_wins_over_browser(models):
    assert Handlers(models, forced_language="en").on_load(FakeRequest("vi-VN")) == "en"


# Models, cards and start-up ----------------------------------------------------------------


def test_missing_cell_is_listed_with_command(untrained_models):
    assert untrained_models.missing == ("rnn",)
    html = labels.model_note_html(untrained_models, "lstm", "vi")
    assert "python -m model.train --cell rnn" in html
    assert translate("vi", "cell_rnn") in html


def test_card_numbers_come_from_card(models):
    card = models.predictor("lstm").card
    html = labels.card_html(models, "lstm", "en")
    assert format_percent(card["mnist_test_accuracy"], "en", 2) in html
    assert f"<td>{card['units']}</td>" in html


def test_cell_without_card_says_so(untrained_models):
    html = labels.card_html(untrained_models, "gru", "en")
    assert "gru.card.json" in html


def test_no_model_stops_with_training_command(tmp_path):
    with pytest.raises(ModelFileError, match=r"python -m model\.train --cell lstm"):
        load_models(tmp_path)


def test_main_exits_with_training_command(tmp_path, capsys):
    from demo.__main__ import main

    assert main(["--models-dir", str(tmp_path)]) == 1
    assert "python -m model.train --cell lstm" in capsys.readouterr().err


# Export and API ----------------------------------------------------------------------------


def test_feed_animation_has_28_frames(models, sketch):
    prediction = full_update(sketch, "lstm", "vi", models=models).session.prediction
    path = export.feed_animation(prediction, "vi")
    with Image.open(path) as image:
        assert image.format == "GIF"
        assert image.n_frames == TIMESTEPS


@pytest.mark.parametrize("cell", CELLS)
def test_heatmap_export_writes_one_png_per_map(models, sketch, cell):
    require_cell(models, cell)
    prediction = full_update(sketch, cell, "en", models=models).session.prediction
    paths = export.heatmap_images(prediction, "en")
    expected = 1 + (1 if cell == "lstm" else 0) + len(GATE_NAMES[cell]) + 1
    assert len(paths) == expected
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG"


def test_export_without_digit_warns(models):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Handlers(models).on_export_animation(Session(), "en")
    assert is_skip(result)


def test_api_predict_returns_trace(models):
    units = models.predictor("lstm").weights.units
    result = Handlers(models).api_predict(str(PEN_EXAMPLE), "lstm")
    assert result["digit"] == label_of(PEN_EXAMPLE)
    assert len(result["probabilities"]) == 10
    assert np.array(result["trace"]["hidden"]).shape == (TIMESTEPS, units)
    assert np.array(result["trace"]["probabilities"]).shape == (TIMESTEPS, 10)
    assert set(result["trace"]["gates"]) == set(GATE_NAMES["lstm"])


def test_prediction_json_of_blank_has_no_trace(models):
    prediction = full_update(None, "lstm", "en", models=models).session.prediction
    result = prediction_json(prediction, "lstm")
    assert result["digit"] is None
    assert result["trace"] is None
    assert result["blank_reason"] == "empty"


def test_prediction_json_rounds_trace_to_4_decimals(models):
    prediction = models.predictor("lstm").predict(str(PEN_EXAMPLE))
    result = prediction_json(prediction, "lstm")
    trace = prediction.trace

    assert result["trace"]["hidden"] == np.round(trace.hidden[0], 4).tolist()
    assert result["trace"]["cell_state"] == np.round(trace.cell_state[0], 4).tolist()
    assert result["trace"]["gates"]["forget_gate"] == np.round(trace.gates["forget_gate"][0], 4).tolist()
    assert result["trace"]["probabilities"] == np.round(trace.probabilities[0], 4).tolist()
    assert result["probabilities"] == np.round(prediction.probabilities, 5).tolist()
    assert result["confidence"] == round(prediction.confidence, 5)


# The shipped model -------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_shipped_lstm_reads_the_examples(models, path):
    update = full_update(str(path), "lstm", "en", models=models)
    assert update.session.prediction.digit == label_of(path)


def test_card_shows_drawn_digit_accuracy_and_threshold():
    card = {
        "mnist_test_accuracy": 0.9918,
        "mnist_test_images": 10000,
        "drawn_digit_mean_accuracy": 0.9512,
        "drawn_digit_worst_accuracy": 0.9034,
        "drawn_digits": 7494,
        "units": 128,
        "epochs": 12,
        "training_images": 55000,
        "training_seconds": 211.8,
        "machine": "x86_64, 2 CPU cores, no GPU",
        "confidence_threshold": 0.6,
    }
    html = views.card_view(card, "assets/models/lstm.card.json", "lstm", "vi")

    assert "99,18 %" in html
    assert "95,12 %" in html
    assert "90,34 %" in html
    assert "7.494" in html
    assert "55.000" in html
    assert "3,5 phút trên x86_64, 2 CPU cores, no GPU" in html
    assert "60 %" in html
    assert translate("vi", "card_threshold") in html


@pytest.mark.parametrize("shape", [(28, 128), (28, 28), (1, 28)])
def test_heatmap_png_decodes_to_colour_scale(shape):
    import base64
    import io

    from demo.colormaps import HIDDEN_SCALE

    values = np.random.default_rng(0).uniform(-1.5, 1.5, shape)
    uri = HIDDEN_SCALE.to_data_uri(values)
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as image:
        image.load()
        assert image.mode == "P"
        assert image.size == (shape[1], shape[0])
        assert np.array_equal(np.asarray(image.convert("RGB")), HIDDEN_SCALE.to_rgb(values))


@pytest.mark.parametrize(
    "typed, expected", [(5, 5), (0, 1), (-5, 1), (29, TIMESTEPS), (1000, TIMESTEPS), (1.5, 2), (None, TIMESTEPS), ("", TIMESTEPS)]
)
def test_step_value_is_clamped(typed, expected):
    assert clamp_step(typed) == expected


def test_step_handler_accepts_out_of_range(models, sketch):
    handlers = Handlers(models)
    session = handlers.on_sketch(sketch, True, "lstm", "en", 28)[0]
    assert handlers.on_step(session, 1000, "en") == handlers.on_step(session, TIMESTEPS, "en")
