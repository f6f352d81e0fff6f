"""Run a trained model one timestep at a time and keep everything it computes.

The trace is a NumPy forward pass over the Keras weights, so each gate, the cell state
and the hidden state can be shown after every image row. It runs on every stroke in the
demo, so it works on a batch of images at once and allocates little.

Keras weight layouts (Keras 3), with U units and the gates concatenated along the last axis:
- LSTM: kernel (28, 4U), recurrent_kernel (U, 4U), bias (4U,), gate order i, f, c, o.
- GRU (reset_after=True): kernel (28, 3U), recurrent_kernel (U, 3U), bias (2, 3U) for the
  input and the recurrent part, gate order z (update), r (reset), h (candidate).
- SimpleRNN: kernel (28, U), recurrent_kernel (U, U), bias (U,), activation tanh.
"""

from dataclasses import dataclass, field

import numpy as np

from model.network import NUM_CLASSES, ROW_SIZE, TIMESTEPS

# Gate names as shown in the demo and the docs, per cell.
GATE_NAMES = {
    "lstm": ("input_gate", "forget_gate", "output_gate", "candidate"),
    "gru": ("update_gate", "reset_gate", "candidate"),
    "rnn": (),
}


@dataclass(frozen=True)
class RecurrentWeights:
    """The weights of one trained model as float64 NumPy arrays, read once at load time."""

    cell: str
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray
    dense_kernel: np.ndarray  # (U, 10)
    dense_bias: np.ndarray  # (10,)

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]


@dataclass
class Trace:
    """Everything the network computes for a batch of N images, step by step.

    Arrays are indexed [image, timestep, ...]; timestep t (0-based) is the state after
    reading rows 0..t. Gate arrays are activations in 0..1 (the candidate is in -1..1).
    """

    cell: str
    inputs: np.ndarray  # (N, 28, 28): row t is the input vector at timestep t
    hidden: np.ndarray  # (N, 28, U): hidden state h_t
    cell_state: np.ndarray | None  # (N, 28, U): LSTM cell state c_t; None for GRU and RNN
    gates: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (N, 28, U)
    logits: np.ndarray | None = None  # (N, 28, 10): dense layer on h_t
    probabilities: np.ndarray | None = None  # (N, 28, 10): softmax of the logits

    def image(self, index: int) -> "Trace":
        """Return the trace of one image, keeping a batch axis of 1."""
        pick = slice(index, index + 1)
        return Trace(
            cell=self.cell,
            inputs=self.inputs[pick],
            hidden=self.hidden[pick],
            cell_state=None if self.cell_state is None else self.cell_state[pick],
            gates={name: values[pick] for name, values in self.gates.items()},
            logits=self.logits[pick],
            probabilities=self.probabilities[pick],
        )


def extract_weights(keras_model, cell: str) -> RecurrentWeights:
    """Read the recurrent and dense weights out of a model built by model.network."""
    recurrent = keras_model.get_layer("recurrent")
    dense = keras_model.get_layer("logits")
    kernel, recurrent_kernel, bias = (np.asarray(w, dtype=np.float64) for w in recurrent.get_weights())
    dense_kernel, dense_bias = (np.asarray(w, dtype=np.float64) for w in dense.get_weights())
    if cell == "gru" and bias.ndim != 2:
        raise ValueError("Only GRU layers with reset_after=True (the Keras default) are supported.")
    return RecurrentWeights(cell, kernel, recurrent_kernel, bias, dense_kernel, dense_bias)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # The exact logistic function, as Keras 3 uses for LSTM and GRU gates on TensorFlow.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def run_trace(weights: RecurrentWeights, images: np.ndarray) -> Trace:
    """Run the model over images of shape (N, 28, 28) or (28, 28), one row per timestep."""
    rows = np.asarray(images, dtype=np.float64)
    if rows.ndim == 2:
        rows = rows[None]
    if rows.shape[1:] != (TIMESTEPS, ROW_SIZE):
        raise ValueError(f"Expected images of shape (N, {TIMESTEPS}, {ROW_SIZE}), got {rows.shape}.")

    step = {"lstm": _lstm_steps, "gru": _gru_steps, "rnn": _rnn_steps}[weights.cell]
    hidden, cell_state, gates = step(weights, rows)
    logits = hidden @ weights.dense_kernel + weights.dense_bias
    return Trace(
        cell=weights.cell,
        inputs=rows,
        hidden=hidden,
        cell_state=cell_state,
        gates=gates,
        logits=logits,
        probabilities=softmax(logits),
    )


def _lstm_steps(weights: RecurrentWeights, rows: np.ndarray):
    count, units = rows.shape[0], weights.units
    # The input part of every gate for all timesteps in one matrix product.
    projected = rows @ weights.kernel + weights.bias  # (N, 28, 4U)
    hidden = np.zeros((count, TIMESTEPS, units))
    cell_state = np.zeros((count, TIMESTEPS, units))
    gate_values = np.zeros((4, count, TIMESTEPS, units))
    h = np.zeros((count, units))
    c = np.zeros((count, units))
    for t in range(TIMESTEPS):
        z = projected[:, t] + h @ weights.recurrent_kernel
        i = _sigmoid(z[:, :units])
        f = _sigmoid(z[:, units : 2 * units])
        g = np.tanh(z[:, 2 * units : 3 * units])
        o = _sigmoid(z[:, 3 * units :])
        c = f * c + i * g
        h = o * np.tanh(c)
        hidden[:, t], cell_state[:, t] = h, c
        gate_values[0, :, t], gate_values[1, :, t], gate_values[2, :, t], gate_values[3, :, t] = i, f, o, g
    gates = dict(zip(GATE_NAMES["lstm"], gate_values))
    return hidden, cell_state, gates


def _gru_steps(weights: RecurrentWeights, rows: np.ndarray):
    count, units = rows.shape[0], weights.units
    input_bias, recurrent_bias = weights.bias
    projected = rows @ weights.kernel + input_bias  # (N, 28, 3U)
    hidden = np.zeros((count, TIMESTEPS, units))
    gate_values = np.zeros((3, count, TIMESTEPS, units))
    h = np.zeros((count, units))
    for t in range(TIMESTEPS):
        x = projected[:, t]
        r_part = h @ weights.recurrent_kernel + recurrent_bias
        z = _sigmoid(x[:, :units] + r_part[:, :units])
        r = _sigmoid(x[:, units : 2 * units] + r_part[:, units : 2 * units])
        candidate = np.tanh(x[:, 2 * units :] + r * r_part[:, 2 * units :])
        h = z * h + (1.0 - z) * candidate
        hidden[:, t] = h
        gate_values[0, :, t], gate_values[1, :, t], gate_values[2, :, t] = z, r, candidate
    gates = dict(zip(GATE_NAMES["gru"], gate_values))
    return hidden, None, gates


def _rnn_steps(weights: RecurrentWeights, rows: np.ndarray):
    count, units = rows.shape[0], weights.units
    projected = rows @ weights.kernel + weights.bias
    hidden = np.zeros((count, TIMESTEPS, units))
    h = np.zeros((count, units))
    for t in range(TIMESTEPS):
        h = np.tanh(projected[:, t] + h @ weights.recurrent_kernel)
        hidden[:, t] = h
    return hidden, None, {}




def decision_step(probabilities: np.ndarray) -> int:
    """Return the 0-based timestep from which the top class no longer changes.

    ``probabilities`` is (28, 10) for one image. The result is the first timestep t whose
    top class equals the final prediction and stays so at every later step, or 27 when the
    prediction changed at the last row.
    """
    top = np.asarray(probabilities).argmax(axis=-1)
    changed = np.nonzero(top != top[-1])[0]
    return int(changed[-1] + 1) if changed.size else 0
