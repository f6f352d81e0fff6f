"""Serve the demo: ``python -m demo [--host H] [--port P] [--share] [--lang vi|en] [--cell C]``.

Stops with the ModelFileError message, which names the training command, when no trained
model exists.
"""

import argparse
import logging
import os
import sys
from pathlib import Path

# Hide TensorFlow's info and warning notices, which it prints when model.network imports
# Keras. The oneDNN notice still appears: TensorFlow 2.21 logs it before reading this.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from model.network import CELLS, ModelFileError  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo", description="Serve the row-by-row digit reading demo.")
    parser.add_argument(
        "--host",
        default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        help="address to listen on (default: GRADIO_SERVER_NAME or 127.0.0.1; 0.0.0.0 listens on every interface)",
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")), help="TCP port (default: GRADIO_SERVER_PORT or 7860)"
    )
    parser.add_argument("--share", action="store_true", help="also create a public gradio.live link (off by default)")
    parser.add_argument(
        "--lang", choices=("vi", "en"), default=os.environ.get("DEMO_LANG") or None, help="page language for every visitor (default: the browser's language)"
    )
    parser.add_argument("--cell", choices=CELLS, default=os.environ.get("DEMO_CELL", "lstm"), help="network selected when the page opens (default: lstm)")
    parser.add_argument(
        "--models-dir", type=Path, default=None, help="folder with {cell}.keras and {cell}.card.json (default: DEMO_MODELS_DIR or assets/models)"
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from demo.models import load_models, models_folder
    from demo.page import build_demo, launch

    try:
        models = load_models(args.models_dir or models_folder())
    except ModelFileError as error:
        print(f"Cannot start the demo: {error}", file=sys.stderr)
        return 1
    demo = build_demo(models, args.cell, args.lang)
    launch(demo, host=args.host, port=args.port, share=args.share)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
