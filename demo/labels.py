"""The page's static texts in one language: header, hints, model note, model card, credits.

Each function returns HTML or a component label for ``lang``. The page calls them when it
is built and again on every change of language or cell.
"""

from html import escape
from pathlib import Path

from demo import views
from demo.i18n import format_percent, translate
from demo.models import Models
from model.network import train_command

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "assets" / "examples"


def example_paths(folder: Path = EXAMPLES_DIR) -> list[Path]:
    """Return the example PNGs: MNIST digits first, then pen-drawn ones."""
    return sorted(folder.glob("mnist-*.png")) + sorted(folder.glob("pen-*.png"))


def header_html(lang: str) -> str:
    return (
        f'<header id="page-header"><h1>{escape(translate(lang, "page_title"))}</h1>'
        f"<p>{escape(translate(lang, 'page_subtitle'))}</p></header>"
    )


def sketch_hint_html(lang: str) -> str:
    return f'<div class="sketch-hint">{escape(translate(lang, "sketch_label"))}</div>'


def credit_html(lang: str) -> str:
    paths = example_paths()
    mnist = sum(1 for path in paths if path.name.startswith("mnist-"))
    text = translate(lang, "examples_credit", mnist=mnist, pen=len(paths) - mnist)
    return f'<div class="examples-credit">{escape(text)}</div>'


def cell_choices(models: Models, lang: str) -> list[tuple[str, str]]:
    """Return (translated name, cell) pairs for the cells that have a model."""
    return [(views.cell_name(cell, lang), cell) for cell in models.cells]


def model_note_html(models: Models, cell: str, lang: str) -> str:
    """Summarise the current model and list the cells that have no model file yet."""
    card = models.predictor(cell).card
    name = views.cell_name(cell, lang)
    if isinstance(card.get("mnist_test_accuracy"), (int, float)):
        accuracy = format_percent(card["mnist_test_accuracy"], lang, 2)
        summary = translate(lang, "model_summary", cell=name, units=card.get("units", "?"), accuracy=accuracy)
    else:
        summary = translate(lang, "model_summary_no_card", cell=name)
    html = f'<div class="model-note" data-cell="{cell}"><div>{escape(summary)}</div>'
    if models.missing:
        cells = ", ".join(views.cell_name(missing, lang) for missing in models.missing)
        commands = "; ".join(f"<code>{escape(train_command(missing))}</code>" for missing in models.missing)
        # The commands are inserted after escaping, so that they keep their <code> tags.
        message = escape(translate(lang, "cells_missing", cells=cells, commands="\0"))
        html += f'<div class="missing" data-missing="{",".join(models.missing)}">{message.replace(chr(0), commands)}</div>'
    return html + "</div>"


def card_html(models: Models, cell: str, lang: str) -> str:
    """Render the model card of ``cell``, naming the card file relative to the working folder."""
    path = models.card_path(cell)
    shown_path = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    return views.card_view(models.predictor(cell).card, str(shown_path), cell, lang)


def export_intro_html(lang: str) -> str:
    return (
        f'<section class="view export-view"><h2 class="view-heading">{escape(translate(lang, "export_heading"))}</h2>'
        f'<p class="caption">{escape(translate(lang, "export_caption"))}</p></section>'
    )
