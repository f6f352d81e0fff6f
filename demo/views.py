"""Render a prediction and its trace as HTML with inline SVG figures.

Views only slice arrays and map values to colours. Every number about the network comes
from model/ (Prediction and Trace), so the page shows exactly what the network computed.

Element ids and data attributes are stable so that browser tests can read the page:
#prediction (data-state, data-digit, data-confidence, data-unsure, data-error),
#input-grid, #feed (data-step), #feed-image, #feed-probabilities, #feed-input-row,
#feed-hidden, #feed-cell-state, #hidden-heatmap, #cell-state-heatmap,
#gate-<name>-heatmap, #belief-heatmap (data-decision-row), #belief-decision (data-row).
Heatmap step markers have the class step-marker. The belief view's line at the row from
which the predicted digit no longer changes has the class decision-marker.
"""

import re
from html import escape

import numpy as np

from demo import svg
from demo.colormaps import (
    CANDIDATE_SCALE,
    CELL_STATE_SCALE,
    GATE_SCALE,
    HIDDEN_SCALE,
    INK_SCALE,
    PROBABILITY_SCALE,
    ColourScale,
)
from demo.i18n import format_number, format_percent, translate
from model.network import ROW_SIZE, TIMESTEPS
from model.predictor import Prediction
from model.trace import GATE_NAMES, Trace, decision_step

MARKER_COLOUR = "#e66101"  # orange: the current timestep in every view
DECISION_COLOUR = "#2166ac"  # blue: the row from which the predicted digit no longer changes
BAR_COLOUR = "#238b45"
INK_BAR_COLOUR = "#3c4043"
MUTED_TEXT = "#5f6368"

# "h_t", "c_t−1", "h̃_t" -> subscripts in HTML captions.
_SUBSCRIPT = re.compile(r"([A-Za-z]\u0303?)_(t−1|t)")


def rich_text(plain: str) -> str:
    """Escape plain text for HTML and write x_t-style names with subscripts."""
    return _SUBSCRIPT.sub(r"\1<sub>\2</sub>", escape(plain))


def cell_name(cell: str, lang: str) -> str:
    return translate(lang, f"cell_{cell}")


def _heading(text: str) -> str:
    return f'<h2 class="view-heading">{escape(text)}</h2>'


def _placeholder(lang: str, element_id: str) -> str:
    return f'<div class="placeholder" id="{element_id}" data-empty="true">{escape(translate(lang, "placeholder_draw"))}</div>'


def _has_trace(prediction: Prediction | None) -> bool:
    return prediction is not None and prediction.trace is not None


# 1. Prediction -------------------------------------------------------------------------


def prediction_view(prediction: Prediction | None, error: str | None, lang: str) -> str:
    """Render the top 3 digits, the "draw a digit" prompt, or a translated upload error.

    ``error`` is an ImageInputError code ("not_image", "too_large", ...) and wins over
    ``prediction``, which then still describes the drawing shown in the other views.
    """
    heading = _heading(translate(lang, "prediction_heading"))
    if error is not None:
        message_key = f"error_{error}" if f"error_{error}" in _KNOWN_ERRORS else "error_not_image"
        return (
            f'<section class="view prediction-view" id="prediction" data-state="error" data-digit="" '
            f'data-error="{escape(error)}" role="alert">{heading}'
            f'<div class="message error-message"><strong>{escape(translate(lang, "error_title"))}</strong> '
            f"{escape(translate(lang, message_key))}"
            f'<br><span class="muted">{escape(translate(lang, "error_drawing_kept"))}</span></div></section>'
        )

    if prediction is None or prediction.digit is None:
        reason = prediction.preprocessed.reason if prediction is not None else "empty"
        message = translate(lang, f"blank_{reason}" if reason in ("empty", "faint", "dot") else "blank_empty")
        return (
            f'<section class="view prediction-view" id="prediction" data-state="blank" data-digit="" '
            f'data-reason="{escape(reason or "empty")}">{heading}'
            f'<div class="message blank-message">✎ {escape(message)}</div></section>'
        )

    digit = prediction.digit
    confidence = format_percent(prediction.confidence, lang)
    state = "unsure" if prediction.unsure else "digit"
    rows = []
    for rank, (candidate, probability) in enumerate(prediction.top(3)):
        width = max(0.5, probability * 100)
        rows.append(
            f'<li data-class="{candidate}" data-probability="{probability:.5f}" class="rank-{rank + 1}">'
            f'<span class="top-digit">{candidate}</span>'
            f'<span class="top-bar"><span style="width:{width:.1f}%"></span></span>'
            f'<span class="top-percent">{format_percent(probability, lang)}</span></li>'
        )
    unsure_note = ""
    if prediction.unsure:
        unsure_note = (
            f'<div class="message unsure-message" role="status">'
            f"{escape(translate(lang, 'unsure', digit=digit, percent=confidence))}</div>"
        )
    return (
        f'<section class="view prediction-view {state}" id="prediction" data-state="{state}" '
        f'data-digit="{digit}" data-confidence="{prediction.confidence:.5f}" '
        f'data-unsure="{str(prediction.unsure).lower()}">{heading}'
        f'<div class="prediction-row"><div class="prediction-digit" aria-hidden="true">{digit}</div>'
        f'<div class="prediction-detail"><div class="prediction-reads">{escape(translate(lang, "prediction_reads"))} '
        f"<strong>{digit}</strong></div>"
        f'<div class="prediction-confidence">{escape(translate(lang, "confidence", percent=confidence))}</div>'
        f"</div></div>{unsure_note}"
        f'<div class="top3-label">{escape(translate(lang, "top3_label"))}</div>'
        f'<ol class="top3">{"".join(rows)}</ol></section>'
    )


_KNOWN_ERRORS = {"error_not_found", "error_too_large", "error_too_small", "error_not_image"}


# 2. What the network sees ---------------------------------------------------------------


def _ink_uri(pixels: np.ndarray) -> str:
    return INK_SCALE.to_data_uri(pixels)


def input_view(prediction: Prediction | None, lang: str) -> str:
    """Render the 28 x 28 input, enlarged, with a pixel grid and numbered rows and columns."""
    pixels = prediction.preprocessed.pixels if prediction is not None else np.zeros((TIMESTEPS, ROW_SIZE), np.float32)
    blank = prediction is None or prediction.preprocessed.blank
    left, top, cell = 34.0, 44.0, 12.0
    side = cell * ROW_SIZE
    legend_width = 240.0
    width, height = left + side + 10, top + side + 60

    parts = [
        svg.text(left + side / 2, 12, translate(lang, "axis_column") + " →", size=15, anchor="middle", fill=MUTED_TEXT),
        svg.text(2, 12, translate(lang, "axis_row") + " ↓", size=14, fill=MUTED_TEXT),
        svg.image(left, top, side, side, _ink_uri(pixels)),
        svg.grid_path(left, top, side, side, ROW_SIZE, TIMESTEPS),
        svg.rect(left, top, side, side, stroke="#5f6368", stroke_width=1),
    ]
    for column in (1, 7, 14, 21, 28):
        parts.append(svg.text(left + (column - 0.5) * cell, 32, str(column), size=13, anchor="middle"))
    for row in range(1, TIMESTEPS + 1):
        parts.append(svg.text(left - 5, top + (row - 0.5) * cell, str(row), size=10.5, anchor="end"))

    legend_y = top + side + 16
    parts.append(svg.linear_gradient("ink-legend", INK_SCALE.gradient_stops(2)))
    parts.append(svg.rect(left, legend_y, legend_width, 12, fill="url(#ink-legend)", stroke="#5f6368", stroke_width=0.75))
    parts.append(svg.text(left, legend_y + 30, translate(lang, "legend_no_ink"), size=13))
    parts.append(svg.text(left + legend_width, legend_y + 30, translate(lang, "legend_ink"), size=13, anchor="end"))

    figure = svg.figure(
        width,
        height,
        "".join(parts),
        label=translate(lang, "sees_heading"),
        attributes={"id": "input-grid", "data-rows": TIMESTEPS, "data-blank": str(blank).lower()},
    )
    notes = f'<p class="caption">{escape(translate(lang, "sees_caption"))}</p>'
    if prediction is not None and prediction.preprocessed.inverted:
        notes += f'<p class="caption note">{escape(translate(lang, "sees_inverted"))}</p>'
    return f'<section class="view input-view">{_heading(translate(lang, "sees_heading"))}{notes}<div class="figure-box narrow">{figure}</div></section>'


# 3. Timestep feed -----------------------------------------------------------------------


def feed_intro(cell: str, lang: str) -> str:
    """Render the heading and explanation above the step slider."""
    caption = translate(lang, "feed_caption", cell=cell_name(cell, lang))
    return f'<section class="view feed-intro">{_heading(translate(lang, "feed_heading"))}<p class="caption">{rich_text(caption)}</p></section>'


def feed_view(prediction: Prediction | None, step: int, lang: str) -> str:
    """Render what happens at timestep ``step`` (1..28): the row read, h_t and the probabilities."""
    step = int(min(max(step, 1), TIMESTEPS))
    if not _has_trace(prediction):
        return f'<div class="view feed-view" id="feed" data-step="{step}" data-empty="true">{_placeholder(lang, "feed-empty")}</div>'

    trace = prediction.trace
    index = step - 1
    units = trace.hidden.shape[-1]
    status = translate(lang, "feed_status_first") if step == 1 else translate(lang, "feed_status", step=step)
    panels = [
        _panel(translate(lang, "feed_image_title"), _feed_image(trace, step, lang)),
        _panel(probabilities_title(step, lang), _feed_probabilities(trace, index, lang)),
        _panel(translate(lang, "feed_row_title", step=step), _feed_input_row(trace, index, lang), wide=True),
        _panel(
            translate(lang, "feed_hidden_title", step=step, units=units),
            _state_strip(trace.hidden[0, index], HIDDEN_SCALE, "feed-hidden", lang),
            wide=True,
        ),
    ]
    if trace.cell_state is not None:
        panels.append(
            _panel(
                translate(lang, "feed_cell_title", step=step, units=units),
                _state_strip(trace.cell_state[0, index], CELL_STATE_SCALE, "feed-cell-state", lang),
                wide=True,
            )
        )
    return (
        f'<div class="view feed-view" id="feed" data-step="{step}" data-cell="{trace.cell}">'
        f'<p class="feed-status" aria-live="polite">{escape(status)}</p>'
        f'<div class="panel-grid">{"".join(panels)}</div></div>'
    )


def probabilities_title(step: int, lang: str) -> str:
    """Return the title of the probabilities after ``step`` rows, singular for one row."""
    if step == 1:
        return translate(lang, "feed_probabilities_title_first")
    return translate(lang, "feed_probabilities_title", step=step)


def _panel(title: str, body: str, wide: bool = False) -> str:
    css_class = "panel wide" if wide else "panel"
    return f'<figure class="{css_class}"><figcaption>{rich_text(title)}</figcaption>{body}</figure>'


def _feed_image(trace: Trace, step: int, lang: str) -> str:
    left, top, cell = 30.0, 8.0, 10.0
    side = cell * ROW_SIZE
    width, height = left + side + 98, top + side + 8
    row_top = top + (step - 1) * cell
    parts = [svg.image(left, top, side, side, _ink_uri(trace.inputs[0]))]
    row_lines = "".join(f"M{left:g} {top + row * cell:g}H{left + side:g}" for row in range(1, TIMESTEPS))
    parts.append(f'<path d="{row_lines}" stroke="#9aa0a6" stroke-width="0.4" opacity="0.6"/>')
    if step < TIMESTEPS:
        unread_top = top + step * cell
        parts.append(svg.rect(left, unread_top, side, top + side - unread_top, fill="#ffffff", attributes={"opacity": "0.78"}))
        if TIMESTEPS - step >= 3:
            middle = (unread_top + top + side) / 2
            parts.append(svg.text(left + side / 2, middle, translate(lang, "feed_not_read"), size=17, anchor="middle", fill=MUTED_TEXT))
    parts.append(svg.rect(left, top, side, side, stroke="#5f6368", stroke_width=1))
    parts.append(svg.rect(left - 1.5, row_top, side + 3, cell, stroke=MARKER_COLOUR, stroke_width=2.5))
    parts.append(
        svg.text(left + side + 6, row_top + cell / 2, "◀ " + translate(lang, "row_marker", step=step), size=15, weight="bold", fill=MARKER_COLOUR)
    )
    for row in (1, 7, 14, 21, 28):
        parts.append(svg.text(left - 5, top + (row - 0.5) * cell, str(row), size=14, anchor="end"))
    return svg.figure(
        width, height, "".join(parts), label=translate(lang, "feed_image_title"), attributes={"id": "feed-image", "data-step": step}
    )


def _feed_probabilities(trace: Trace, index: int, lang: str) -> str:
    probabilities = trace.probabilities[0, index]
    leader = int(np.argmax(probabilities))
    row_height, top, bar_left, bar_width = 28.0, 4.0, 30.0, 180.0
    parts = []
    for digit in range(10):
        y = top + digit * row_height
        value = float(probabilities[digit])
        is_leader = digit == leader
        parts.append(svg.text(14, y + row_height / 2, str(digit), size=19, anchor="middle", weight="bold" if is_leader else None))
        parts.append(svg.rect(bar_left, y + 4, bar_width, row_height - 8, fill="#eef0f2"))
        parts.append(
            svg.rect(
                bar_left,
                y + 4,
                max(bar_width * value, 0.0),
                row_height - 8,
                fill=BAR_COLOUR if is_leader else "#74c476",
                attributes={"data-class": digit, "data-probability": f"{value:.5f}"},
            )
        )
        parts.append(
            svg.text(
                bar_left + bar_width + 6,
                y + row_height / 2,
                format_percent(value, lang),
                size=16,
                weight="bold" if is_leader else None,
            )
        )
    height = top + 10 * row_height + 4
    return svg.figure(
        bar_left + bar_width + 84,
        height,
        "".join(parts),
        label=probabilities_title(index + 1, lang),
        attributes={"id": "feed-probabilities", "data-step": index + 1, "data-leader": leader},
    )


def _feed_input_row(trace: Trace, index: int, lang: str) -> str:
    row = trace.inputs[0, index]
    left, top, column_width, chart_height = 34.0, 10.0, 12.5, 60.0
    plot_width = column_width * ROW_SIZE
    strip_top = top + chart_height + 8
    parts = [
        svg.line(left, top + chart_height, left + plot_width, top + chart_height, stroke="#5f6368"),
        svg.line(left, top, left, top + chart_height, stroke="#5f6368"),
        svg.text(left - 5, top, "1", size=13, anchor="end"),
        svg.text(left - 5, top + chart_height, "0", size=13, anchor="end"),
    ]
    for column, value in enumerate(row):
        bar_height = chart_height * float(value)
        if bar_height > 0:
            parts.append(
                svg.rect(left + column * column_width + 1, top + chart_height - bar_height, column_width - 2, bar_height, fill=INK_BAR_COLOUR)
            )
    parts.append(svg.image(left, strip_top, plot_width, 16, INK_SCALE.to_data_uri(row[None, :])))
    parts.append(svg.rect(left, strip_top, plot_width, 16, stroke="#5f6368", stroke_width=0.75))
    for column in (1, 7, 14, 21, 28):
        parts.append(svg.text(left + (column - 0.5) * column_width, strip_top + 30, str(column), size=13, anchor="middle"))
    parts.append(svg.text(left + plot_width / 2, strip_top + 50, translate(lang, "axis_pixel_column"), size=14, anchor="middle", fill=MUTED_TEXT))
    parts.append(svg.text(10, top + chart_height / 2, translate(lang, "axis_value"), size=13, anchor="middle", rotate=-90, fill=MUTED_TEXT))
    return svg.figure(
        left + plot_width + 10,
        strip_top + 60,
        "".join(parts),
        label=translate(lang, "feed_row_title", step=index + 1),
        attributes={"id": "feed-input-row", "data-step": index + 1},
    )


def _unit_ticks(units: int) -> list[int]:
    return sorted({1, units // 4, units // 2, 3 * units // 4, units} - {0})


def _legend(x: float, y: float, width: float, scale: ColourScale, gradient_id: str, title: str, lang: str) -> str:
    """Return a horizontal colour bar with its low, middle and high values labelled."""
    low, high = scale.low, scale.high
    middle = (low + high) / 2
    signed = low < 0
    parts = [
        svg.linear_gradient(gradient_id, scale.gradient_stops()),
        svg.rect(x, y, width, 11, fill=f"url(#{gradient_id})", stroke="#5f6368", stroke_width=0.75),
        svg.text(x, y + 25, _tick_label(low, signed, lang), size=13, anchor="start"),
        svg.text(x + width / 2, y + 25, _tick_label(middle, signed, lang), size=13, anchor="middle"),
        svg.text(x + width, y + 25, _tick_label(high, signed, lang), size=13, anchor="end"),
        svg.text(x + width + 10, y + 6, title, size=13, fill=MUTED_TEXT),
    ]
    return "".join(parts)


def _tick_label(value: float, signed: bool, lang: str) -> str:
    """Format a legend value; diverging scales show "+" on positive values."""
    text = format_number(abs(value), lang, 0 if float(value).is_integer() else 1)
    if value < 0:
        return "−" + text
    if value > 0 and signed:
        return "+" + text
    return text


def _state_strip(values: np.ndarray, scale: ColourScale, element_id: str, lang: str) -> str:
    units = values.shape[0]
    left, top, plot_width, strip_height = 14.0, 4.0, 370.0, 30.0
    unit_width = plot_width / units
    parts = [
        svg.image(left, top, plot_width, strip_height, scale.to_data_uri(values[None, :])),
        svg.rect(left, top, plot_width, strip_height, stroke="#5f6368", stroke_width=0.75),
    ]
    for unit in _unit_ticks(units):
        parts.append(svg.text(left + (unit - 0.5) * unit_width, top + strip_height + 14, str(unit), size=13, anchor="middle"))
    parts.append(svg.text(left + plot_width / 2, top + strip_height + 33, translate(lang, "axis_unit"), size=14, anchor="middle", fill=MUTED_TEXT))
    legend_top = top + strip_height + 48
    parts.append(_legend(left, legend_top, 150, scale, f"{element_id}-legend", translate(lang, "axis_value"), lang))
    return svg.figure(
        left + plot_width + 14,
        legend_top + 32,
        "".join(parts),
        label=element_id,
        attributes={"id": element_id, "data-units": units},
    )


# 4. Hidden state and gates over time ------------------------------------------------------

HEATMAP_LEFT = 50.0
HEATMAP_TOP = 8.0
HEATMAP_WIDTH = 340.0
HEATMAP_ROW_HEIGHT = 6.5


def heatmap_figure(values: np.ndarray, scale: ColourScale, element_id: str, step: int, lang: str, label: str) -> str:
    """Render a (28 timesteps, units) array: one row per timestep, one column per unit."""
    steps, units = values.shape
    left, top, plot_width, row_height = HEATMAP_LEFT, HEATMAP_TOP, HEATMAP_WIDTH, HEATMAP_ROW_HEIGHT
    plot_height = row_height * steps
    unit_width = plot_width / units
    bottom = top + plot_height
    parts = [
        svg.image(left, top, plot_width, plot_height, scale.to_data_uri(values)),
        svg.rect(left, top, plot_width, plot_height, stroke="#5f6368", stroke_width=0.75),
        _step_marker(left - 1, top, plot_width + 2, row_height, step),
        svg.text(12, top + plot_height / 2, translate(lang, "axis_timestep_short"), size=15, anchor="middle", rotate=-90, fill=MUTED_TEXT),
    ]
    for row in (1, 7, 14, 21, 28):
        parts.append(svg.text(left - 5, top + (row - 0.5) * row_height, str(row), size=14, anchor="end"))
    for unit in _unit_ticks(units):
        parts.append(svg.text(left + (unit - 0.5) * unit_width, bottom + 15, str(unit), size=14, anchor="middle"))
    parts.append(svg.text(left + plot_width / 2, bottom + 35, translate(lang, "axis_unit"), size=15, anchor="middle", fill=MUTED_TEXT))
    legend_top = bottom + 48
    parts.append(_legend(left, legend_top, 160, scale, f"{element_id}-legend", translate(lang, "axis_value"), lang))
    return svg.figure(
        left + plot_width + 14,
        legend_top + 32,
        "".join(parts),
        label=label,
        attributes={"id": element_id, "data-step": step, "data-units": units, "data-steps": steps},
    )


def _step_marker(x: float, y0: float, width: float, row_height: float, step: int) -> str:
    """Return an outline around the row of timestep ``step``.

    The page's script moves it to another step with data-y0 and data-row-height.
    """
    return svg.rect(
        x,
        y0 + (step - 1) * row_height,
        width,
        row_height,
        stroke=MARKER_COLOUR,
        stroke_width=1.75,
        css_class="step-marker",
        attributes={"data-y0": f"{y0:g}", "data-row-height": f"{row_height:g}"},
    )


def _map_figure(title: str, description: str, figure: str, wide: bool = False) -> str:
    css_class = "panel map wide" if wide else "panel map"
    return (
        f'<figure class="{css_class}"><figcaption><strong>{rich_text(title)}</strong>: '
        f"{rich_text(description)}</figcaption>{figure}</figure>"
    )


def _gate_scale(name: str) -> ColourScale:
    return CANDIDATE_SCALE if name == "candidate" else GATE_SCALE


def states_view(prediction: Prediction | None, cell: str, step: int, lang: str) -> str:
    """Render the equations of the cell and heatmaps of h_t, c_t and every gate over the 28 steps."""
    step = int(min(max(step, 1), TIMESTEPS))
    units_for_caption = prediction.trace.hidden.shape[-1] if _has_trace(prediction) else 128
    header = (
        _heading(translate(lang, "states_heading"))
        + f'<p class="caption">{rich_text(translate(lang, "states_caption", units=units_for_caption))}</p>'
        + equations_html(cell, lang)
    )
    if cell != "lstm":
        header += f'<p class="caption note no-cell-state">{rich_text(translate(lang, f"no_cell_state_{cell}"))}</p>'
    if not _has_trace(prediction):
        return f'<section class="view states-view" data-cell="{cell}">{header}{_placeholder(lang, "states-empty")}</section>'

    trace = prediction.trace
    maps = [
        _map_figure(
            translate(lang, "map_hidden_title"),
            translate(lang, "map_hidden_description"),
            heatmap_figure(trace.hidden[0], HIDDEN_SCALE, "hidden-heatmap", step, lang, translate(lang, "map_hidden_title")),
            wide=True,
        )
    ]
    if trace.cell_state is not None:
        maps.append(
            _map_figure(
                translate(lang, "map_cell_state_title"),
                translate(lang, "map_cell_state_description"),
                heatmap_figure(
                    trace.cell_state[0], CELL_STATE_SCALE, "cell-state-heatmap", step, lang, translate(lang, "map_cell_state_title")
                ),
            )
        )
    for name in GATE_NAMES[trace.cell]:
        title = translate(lang, f"gate_{trace.cell}_{name}_title")
        maps.append(
            _map_figure(
                title,
                translate(lang, f"gate_{trace.cell}_{name}_description"),
                heatmap_figure(trace.gates[name][0], _gate_scale(name), f"gate-{name.replace('_', '-')}-heatmap", step, lang, title),
            )
        )
    return (
        f'<section class="view states-view" data-cell="{trace.cell}" data-step="{step}">{header}'
        f'<div class="panel-grid maps">{"".join(maps)}</div></section>'
    )


def _sub(name: str, index: str) -> str:
    return f"{name}<sub>{index}</sub>"


def equations_html(cell: str, lang: str) -> str:
    """Render the update equations of one cell, each with a translated label."""
    x, h_prev = _sub("x", "t"), _sub("h", "t−1")

    def affine(gate: str) -> str:
        return f"{_sub('W', gate)} {x} + {_sub('U', gate)} {h_prev} + {_sub('b', gate)}"

    if cell == "lstm":
        rows = [
            (f"{_sub('i', 't')} = σ({affine('i')})", "equation_input_gate"),
            (f"{_sub('f', 't')} = σ({affine('f')})", "equation_forget_gate"),
            (f"{_sub('o', 't')} = σ({affine('o')})", "equation_output_gate"),
            (f"{_sub('g', 't')} = tanh({affine('g')})", "equation_candidate"),
            (f"{_sub('c', 't')} = {_sub('f', 't')} ⊙ {_sub('c', 't−1')} + {_sub('i', 't')} ⊙ {_sub('g', 't')}", "equation_cell_state"),
            (f"{_sub('h', 't')} = {_sub('o', 't')} ⊙ tanh({_sub('c', 't')})", "equation_hidden"),
        ]
    elif cell == "gru":
        rows = [
            (f"{_sub('z', 't')} = σ({affine('z')})", "equation_update_gate"),
            (f"{_sub('r', 't')} = σ({affine('r')})", "equation_reset_gate"),
            (
                f"{_sub('h̃', 't')} = tanh({_sub('W', 'h')} {x} + {_sub('r', 't')} ⊙ ({_sub('U', 'h')} {h_prev} + "
                f"{_sub('b′', 'h')}) + {_sub('b', 'h')})",
                "equation_candidate",
            ),
            (f"{_sub('h', 't')} = {_sub('z', 't')} ⊙ {h_prev} + (1 − {_sub('z', 't')}) ⊙ {_sub('h̃', 't')}", "equation_gru_hidden"),
        ]
    else:
        rows = [(f"{_sub('h', 't')} = tanh(W {x} + U {h_prev} + b)", "equation_hidden")]
    lines = "".join(
        f'<div class="equation"><span class="math">{math}</span><span class="equation-label">{escape(translate(lang, key))}</span></div>'
        for math, key in rows
    )
    return (
        f'<div class="equations" data-cell="{cell}"><h3>{escape(translate(lang, f"equations_heading_{cell}"))}</h3>'
        f'{lines}<p class="caption">{translate(lang, "equations_note_html")}</p></div>'
    )


# 5. Belief over time ---------------------------------------------------------------------


def belief_view(prediction: Prediction | None, step: int, lang: str) -> str:
    """Render the image next to the 10 class probabilities after each row, rows aligned."""
    step = int(min(max(step, 1), TIMESTEPS))
    header = _heading(translate(lang, "belief_heading")) + f'<p class="caption">{rich_text(translate(lang, "belief_caption"))}</p>'
    if not _has_trace(prediction):
        return f'<section class="view belief-view">{header}{_placeholder(lang, "belief-empty")}</section>'

    trace = prediction.trace
    probabilities = trace.probabilities[0]  # (28, 10)
    left, top, cell, gap, class_width = 30.0, 46.0, 8.5, 16.0, 14.5
    image_side = cell * ROW_SIZE
    belief_left = left + image_side + gap
    belief_width = class_width * probabilities.shape[1]
    plot_height = cell * TIMESTEPS
    bottom = top + plot_height
    parts = [
        svg.text(left + image_side / 2, 14, translate(lang, "belief_image_label"), size=15, anchor="middle", fill=MUTED_TEXT),
        svg.text(belief_left + belief_width / 2, 14, translate(lang, "axis_digit"), size=15, anchor="middle", fill=MUTED_TEXT),
        svg.text(0, 36, translate(lang, "axis_row"), size=12, fill=MUTED_TEXT),
        svg.image(left, top, image_side, image_side, _ink_uri(trace.inputs[0])),
        svg.rect(left, top, image_side, image_side, stroke="#5f6368", stroke_width=0.75),
        svg.image(belief_left, top, belief_width, plot_height, PROBABILITY_SCALE.to_data_uri(probabilities)),
        svg.grid_path(belief_left, top, belief_width, plot_height, probabilities.shape[1], 1),
        svg.rect(belief_left, top, belief_width, plot_height, stroke="#5f6368", stroke_width=0.75),
        _step_marker(left - 1, top, belief_left + belief_width - left + 2, cell, step),
    ]
    decision_row = decision_step(probabilities) + 1  # rows are numbered from 1 on the page
    parts.append(_decision_marker(left, belief_left + belief_width, top + (decision_row - 1) * cell, decision_row))
    for digit in range(probabilities.shape[1]):
        is_answer = digit == prediction.digit
        parts.append(
            svg.text(
                belief_left + (digit + 0.5) * class_width,
                36,
                str(digit),
                size=14,
                anchor="middle",
                weight="bold" if is_answer else None,
                fill=BAR_COLOUR if is_answer else "#202124",
            )
        )
    for row in (1, 5, 10, 15, 20, 25, 28):
        parts.append(svg.text(left - 4, top + (row - 0.5) * cell, str(row), size=12, anchor="end"))
    legend_top = bottom + 16
    parts.append(svg.linear_gradient("belief-legend", PROBABILITY_SCALE.gradient_stops()))
    parts.append(svg.rect(belief_left, legend_top, belief_width, 11, fill="url(#belief-legend)", stroke="#5f6368", stroke_width=0.75))
    parts.append(svg.text(belief_left, legend_top + 25, "0 %", size=13))
    parts.append(svg.text(belief_left + belief_width, legend_top + 25, "100 %", size=13, anchor="end"))
    parts.append(svg.text(belief_left - 8, legend_top + 6, translate(lang, "legend_probability"), size=13, anchor="end", fill=MUTED_TEXT))
    figure = svg.figure(
        belief_left + belief_width + 6,
        legend_top + 32,
        "".join(parts),
        label=translate(lang, "belief_heading"),
        attributes={"id": "belief-heatmap", "data-step": step, "data-digit": prediction.digit, "data-decision-row": decision_row},
    )
    decision = translate(lang, "belief_decided", digit=prediction.digit, row=decision_row)
    decision_html = f'<p class="caption decision" id="belief-decision" data-row="{decision_row}">{escape(decision)}</p>'
    return (
        f'<section class="view belief-view" data-step="{step}">{header}{decision_html}'
        f'<div class="figure-box narrow">{figure}</div></section>'
    )


def _decision_marker(x1: float, x2: float, y: float, row: int) -> str:
    """Return a dashed line at the top edge of ``row``, on a white halo so it shows on dark cells too."""
    return (
        f'<g class="decision-marker" data-row="{row}">'
        + svg.line(x1, y, x2, y, stroke="#ffffff", stroke_width=3.5)
        + svg.line(x1, y, x2, y, stroke=DECISION_COLOUR, stroke_width=2, dash="6 4")
        + "</g>"
    )


# 6. Model card ---------------------------------------------------------------------------


def card_view(card: dict, card_path: str, cell: str, lang: str) -> str:
    """Render the model card's numbers for one cell; keys the card lacks are left out."""
    heading = _heading(translate(lang, "card_heading")) + f"<h3>{escape(cell_name(cell, lang))}</h3>"
    if not card:
        return f'<section class="view card-view">{heading}<p class="caption">{escape(translate(lang, "card_missing", path=card_path))}</p></section>'

    rows: list[tuple[str, str]] = []
    if isinstance(card.get("mnist_test_accuracy"), (int, float)):
        count = format_number(card.get("mnist_test_images", 10000), lang)
        rows.append((translate(lang, "card_mnist_test_accuracy", count=count), format_percent(card["mnist_test_accuracy"], lang, 2)))
    if isinstance(card.get("drawn_digit_mean_accuracy"), (int, float)):
        count = format_number(card.get("drawn_digits", 0), lang)
        rows.append((translate(lang, "card_drawn_mean_accuracy", count=count), format_percent(card["drawn_digit_mean_accuracy"], lang, 2)))
    if isinstance(card.get("drawn_digit_worst_accuracy"), (int, float)):
        rows.append((translate(lang, "card_drawn_worst_accuracy"), format_percent(card["drawn_digit_worst_accuracy"], lang, 2)))
    if isinstance(card.get("units"), int):
        rows.append((translate(lang, "card_units"), format_number(card["units"], lang)))
    if isinstance(card.get("epochs"), int):
        rows.append((translate(lang, "card_epochs"), format_number(card["epochs"], lang)))
    if isinstance(card.get("training_images"), int):
        rows.append((translate(lang, "card_training_images"), format_number(card["training_images"], lang)))
    if isinstance(card.get("training_seconds"), (int, float)):
        minutes = format_number(card["training_seconds"] / 60, lang, 1)
        machine = str(card.get("machine", "?"))
        rows.append((translate(lang, "card_training_time"), translate(lang, "card_training_time_value", minutes=minutes, machine=machine)))
    if isinstance(card.get("confidence_threshold"), (int, float)):
        rows.append((translate(lang, "card_threshold"), format_percent(card["confidence_threshold"], lang, 0)))
    table = "".join(f"<tr><th scope=\"row\">{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in rows)
    source = escape(translate(lang, "card_source", path=card_path))
    return (
        f'<section class="view card-view" data-cell="{cell}">{heading}<table class="card-table">{table}</table>'
        f'<p class="caption muted">{source}</p></section>'
    )
