"""The module-level ``demo`` Blocks, for ``gradio demo/app.py`` (hot reload) and hosting.

Settings come from environment variables because hot reload runs this file as a script:
DEMO_LANG ("vi" or "en", otherwise the browser's language), DEMO_CELL (initial cell,
default "lstm") and DEMO_MODELS_DIR (default assets/models). The server address follows
Gradio's own GRADIO_SERVER_NAME and GRADIO_SERVER_PORT. ``python -m demo`` takes the same
settings as command-line options.
"""

import logging
import os
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script (gradio demo/app.py, or a host's python demo/app.py): make the
    # repository's packages importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.models import default_models  # noqa: E402
from demo.page import build_demo, launch  # noqa: E402

demo = build_demo(default_models(), os.environ.get("DEMO_CELL", "lstm"), os.environ.get("DEMO_LANG") or None)

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    launch(
        demo,
        host=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
    )
