"""The Gradio teaching demo: draw a digit and watch a recurrent network read it row by row.

Run it with ``python -m demo`` (see demo/__main__.py for the options) or, with hot reload,
``gradio demo/app.py``. The one full update that the page runs on each stroke is
demo.update.full_update.
"""
