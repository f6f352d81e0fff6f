"""Train the row-by-row digit classifier and write the model, its card and its curves.

    python -m model.train --cell lstm --epochs 20

Steps: load MNIST, hold out a validation split of the training set, augment on the fly,
train with Adam, evaluate once on the MNIST test set, write the files. The test set is
used for nothing else: no early stopping or model selection looks at it.

The original tutorial trained with plain gradient descent at learning rate 0.001. This
script uses Adam with a cosine-decayed learning rate instead, which reaches the accuracy
that the shipped models report within the default 20 epochs. The card records the optimizer.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from model.network import CELLS, DEFAULT_UNITS, MODELS_DIR, model_files

VALIDATION_SIZE = 5000  # images of the training set held out for validation


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m model.train",
        description="Train the row-by-row recurrent MNIST classifier and write model, card and curves.",
    )
    parser.add_argument("--cell", choices=CELLS, default="lstm", help="recurrent cell (default: lstm)")
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS, help="units in the recurrent layer (default: 128)")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the training split (default: 20)")
    parser.add_argument("--batch-size", type=int, default=128, help="images per gradient step (default: 128)")
    parser.add_argument(
        "--learning-rate", type=float, default=2e-3, help="Adam's initial learning rate, cosine-decayed to 0 (default: 0.002)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for weights, shuffling and augmentation (default: 1)")
    parser.add_argument(
        "--data",
        default=None,
        help="path to an mnist.npz in the layout of keras.datasets.mnist.load_data() "
        "(default: $MNIST_PATH, else the Keras download)",
    )
    parser.add_argument("--output", type=Path, default=MODELS_DIR, help=f"folder for the files (default: {MODELS_DIR})")
    parser.add_argument("--no-augment", action="store_true", help="train on MNIST as it is, without augmentation")
    parser.add_argument(
        "--limit", type=int, default=None, help="use only the first N training and test images (a quick check, not a model)"
    )
    args = parser.parse_args(argv)
    for name in ("units", "epochs", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.learning_rate <= 0:
        parser.error(f"--learning-rate must be positive, got {args.learning_rate}")
    if args.limit is not None and args.limit < 20:
        parser.error(f"--limit must be at least 20, got {args.limit}")
    return args


def split_validation(x, y, seed: int, size: int):
    """Split a seeded random validation set off the training set."""
    order = np.random.default_rng(seed).permutation(len(x))
    size = min(size, len(x) // 5)
    validation_index, training_index = order[:size], order[size:]
    return (x[training_index], y[training_index]), (x[validation_index], y[validation_index])


def make_dataset(x, y, batch_size: int, seed: int, augment: bool):
    import tensorflow as tf

    from model.augment import augment_batch

    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    if augment:
        # The batch counter keeps growing across epochs, so every batch gets its own seed.
        counter = tf.data.Dataset.counter()
        dataset = tf.data.Dataset.zip((dataset, counter)).map(
            lambda batch, step: (augment_batch(batch[0], batch[1], tf.stack([tf.cast(seed, tf.int64), step])), batch[1]),
            num_parallel_calls=1,
            deterministic=True,
        )
    return dataset.prefetch(2)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    from model.curves import save_curves
    from model.data import load_mnist
    from model.network import build_model

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()

    # 1. Load.
    mnist = load_mnist(args.data)
    x_train, y_train, x_test, y_test = mnist.x_train, mnist.y_train, mnist.x_test, mnist.y_test
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
        x_test, y_test = x_test[: args.limit], y_test[: args.limit]

    # 2. Prepare: validation split and augmented training batches.
    (x_fit, y_fit), (x_val, y_val) = split_validation(x_train, y_train, args.seed, VALIDATION_SIZE)
    train_data = make_dataset(x_fit, y_fit, args.batch_size, args.seed, augment=not args.no_augment)
    print(f"Training on {len(x_fit)} images, validating on {len(x_val)}, from {mnist.source}.")

    # 3. Build.
    model = build_model(args.cell, args.units)
    steps = args.epochs * int(np.ceil(len(x_fit) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    # 4. Train.
    started = time.perf_counter()
    history = model.fit(train_data, epochs=args.epochs, validation_data=(x_val, y_val), verbose=1 if sys.stdout.isatty() else 2)
    seconds = time.perf_counter() - started

    # 5. Evaluate on the held-out test set, once.
    _, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    print(f"MNIST test accuracy ({len(x_test)} images): {test_accuracy * 100:.2f} %")

    # 6. Write the model, its card and its curves.
    files = model_files(args.cell, args.output)
    files.model.parent.mkdir(parents=True, exist_ok=True)
    model.save(files.model)
    card = {
        "cell": args.cell,
        "units": args.units,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "optimizer": "Adam, cosine-decayed learning rate, gradient norm clipped at 1.0",
        "learning_rate": args.learning_rate,
        "seed": args.seed,
        "augmentation": not args.no_augment,
        "training_images": int(len(x_fit)),
        "validation_images": int(len(x_val)),
        "validation_accuracy": round(float(history.history["val_accuracy"][-1]), 5),
        "mnist_test_images": int(len(x_test)),
        "mnist_test_accuracy": round(float(test_accuracy), 5),
        "training_seconds": round(seconds, 1),
        "seconds_per_epoch": round(seconds / args.epochs, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, no GPU"
        if not tf.config.list_physical_devices("GPU")
        else f"{platform.machine()} with GPU",
        "tensorflow_version": tf.__version__,
        "keras_version": keras.__version__,
        "data_source": mnist.source,
        "data_sha256": mnist.sha256,
        "command": "python -m model.train " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    files.card.write_text(json.dumps(card, indent=2) + "\n")
    save_curves(history.history, files.curves, title=f"{args.cell.upper()} {args.units} units")
    print(f"Wrote {files.model}, {files.card} and {files.curves}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
