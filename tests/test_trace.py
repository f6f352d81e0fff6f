"""The NumPy trace computes what the Keras model computes, and its parts obey the cell equations."""

import functools

import keras
import numpy as np
import pytest

from model.network import CELL_LAYERS, CELLS, NUM_CLASSES, ROW_SIZE, TIMESTEPS, build_model, load_model
from model.trace import GATE_NAMES, decision_step, extract_weights, run_trace

TOLERANCE = 1e-5  # max abs difference between the trace (float64) and Keras (float32)
UNITS = 32  # units of the freshly built models


def randomise_weights(model: keras.Model, seed: int) -> None:
    """Give every weight of a fresh model small random values, biases included.

    The recurrent kernels are scaled to a spectral norm of about 0.8, so the recurrence
    contracts and float32 rounding in Keras does not grow over the 28 steps.
    """
    rng = np.random.default_rng(seed)
    recurrent = model.get_layer("recurrent")
    kernel, recurrent_kernel, bias = recurrent.get_weights()
    units = recurrent_kernel.shape[0]
    recurrent.set_weights(
        [
            rng.normal(0.0, 0.3, kernel.shape),
            rng.normal(0.0, 0.4 / np.sqrt(units), recurrent_kernel.shape),
            rng.normal(0.0, 0.5, bias.shape),
        ]
    )
    dense = model.get_layer("logits")
    dense_kernel, dense_bias = dense.get_weights()
    dense.set_weights([rng.normal(0.0, 1.0, dense_kernel.shape), rng.normal(0.0, 0.5, dense_bias.shape)])


def random_images(count: int, seed: int) -> np.ndarray:
    """Images in 0..1 with blank rows and columns, like a digit's frame."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(0.0, 1.0, (count, TIMESTEPS, ROW_SIZE)) * (rng.uniform(size=(count, TIMESTEPS, ROW_SIZE)) < 0.3)
    images[:, :4] = 0.0
    images[:, :, :4] = 0.0
    return images.astype(np.float32)


def keras_hidden_states(model: keras.Model, cell: str, images: np.ndarray) -> np.ndarray:
    """Return h_t for every step, from a copy of the recurrent layer with return_sequences=True."""
    source = model.get_layer("recurrent")
    layer = CELL_LAYERS[cell](source.units, return_sequences=True)
    layer.build((None, TIMESTEPS, ROW_SIZE))
    layer.set_weights(source.get_weights())
    return np.asarray(layer(images))


@functools.cache
def fresh_model(cell: str):
    """Return a freshly built model of the cell with random weights, its inputs and its trace."""
    keras.utils.set_random_seed(3)
    model = build_model(cell, UNITS)
    randomise_weights(model, seed=CELLS.index(cell))
    images = random_images(16, seed=7)
    trace = run_trace(extract_weights(model, cell), images)
    return cell, model, images, trace


@pytest.fixture(params=CELLS)
def fresh(request):
    """The fresh model of each cell in turn, as returned by fresh_model."""
    return fresh_model(request.param)


def test_fresh_trace_logits_match_keras(fresh):
    cell, model, images, trace = fresh
    expected = np.asarray(model(images))

    assert np.abs(expected).max() > 0.5, "the random weights should give non-trivial logits"
    assert np.abs(trace.logits[:, -1] - expected).max() < TOLERANCE


def test_fresh_trace_hidden_states_match_keras(fresh):
    cell, model, images, trace = fresh
    expected = keras_hidden_states(model, cell, images)

    assert np.abs(trace.hidden - expected).max() < TOLERANCE


def test_fresh_trace_shapes(fresh):
    cell, _, images, trace = fresh
    count = len(images)

    assert trace.cell == cell
    assert trace.inputs.shape == (count, TIMESTEPS, ROW_SIZE)
    assert trace.hidden.shape == (count, TIMESTEPS, UNITS)
    assert trace.logits.shape == (count, TIMESTEPS, NUM_CLASSES)
    assert trace.probabilities.shape == (count, TIMESTEPS, NUM_CLASSES)
    assert set(trace.gates) == set(GATE_NAMES[cell])
    for name, values in trace.gates.items():
        assert values.shape == (count, TIMESTEPS, UNITS), name
    if cell == "lstm":
        assert trace.cell_state.shape == (count, TIMESTEPS, UNITS)
    else:
        assert trace.cell_state is None


def test_trace_image_keeps_batch_axis(fresh):
    cell, _, images, trace = fresh
    image_trace = trace.image(5)

    assert image_trace.inputs.shape == (1, TIMESTEPS, ROW_SIZE)
    assert image_trace.hidden.shape == (1, TIMESTEPS, UNITS)
    assert image_trace.probabilities.shape == (1, TIMESTEPS, NUM_CLASSES)
    np.testing.assert_array_equal(image_trace.probabilities[0], trace.probabilities[5])
    for name, values in image_trace.gates.items():
        np.testing.assert_array_equal(values[0], trace.gates[name][5])
    if cell == "lstm":
        np.testing.assert_array_equal(image_trace.cell_state[0], trace.cell_state[5])


def test_trace_single_image_without_batch_axis(fresh):
    cell, model, images, trace = fresh
    single = run_trace(extract_weights(model, cell), images[5])

    assert single.logits.shape == (1, TIMESTEPS, NUM_CLASSES)
    np.testing.assert_allclose(single.logits[0], trace.logits[5], rtol=0, atol=1e-12)


def test_trace_rejects_wrong_shape(fresh):
    cell, model, _, _ = fresh
    with pytest.raises(ValueError, match="shape"):
        run_trace(extract_weights(model, cell), np.zeros((2, 28, 27)))


def test_trace_probabilities_sum_to_one(fresh):
    _, _, _, trace = fresh

    np.testing.assert_allclose(trace.probabilities.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert trace.probabilities.min() >= 0.0


def test_trace_gates_in_range(fresh):
    cell, _, _, trace = fresh
    for name, values in trace.gates.items():
        if name == "candidate":
            assert values.min() >= -1.0, name
            assert values.max() <= 1.0, name
        else:
            assert values.min() >= 0.0, name
            assert values.max() <= 1.0, name
    if cell == "rnn":
        assert trace.gates == {}
        assert np.abs(trace.hidden).max() <= 1.0


def test_lstm_state_equations():
    _, _, _, trace = fresh_model("lstm")
    i, f, o, g = (trace.gates[name] for name in ("input_gate", "forget_gate", "output_gate", "candidate"))
    c, h = trace.cell_state, trace.hidden
    previous_c = np.concatenate([np.zeros_like(c[:, :1]), c[:, :-1]], axis=1)

    np.testing.assert_allclose(h, o * np.tanh(c), rtol=0, atol=1e-12)
    np.testing.assert_allclose(c, f * previous_c + i * g, rtol=0, atol=1e-12)


def test_gru_state_equation():
    _, _, _, trace = fresh_model("gru")
    z, candidate, h = trace.gates["update_gate"], trace.gates["candidate"], trace.hidden
    previous_h = np.concatenate([np.zeros_like(h[:, :1]), h[:, :-1]], axis=1)

    assert trace.cell_state is None
    np.testing.assert_allclose(h, z * previous_h + (1.0 - z) * candidate, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_shipped_trace_matches_keras(cell, predictor, mnist):
    images = mnist.x_test[:200]
    keras_model = load_model(predictor.files.model, cell)
    expected = np.asarray(keras_model(images))
    trace = run_trace(predictor.weights, images)

    assert np.abs(trace.logits[:, -1] - expected).max() < TOLERANCE
    assert np.abs(trace.hidden - keras_hidden_states(keras_model, cell, images)).max() < TOLERANCE
    np.testing.assert_allclose(trace.probabilities.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    for name, values in trace.gates.items():
        assert values.min() >= (-1.0 if name == "candidate" else 0.0), name
        assert values.max() <= 1.0, name
    if cell == "lstm":
        np.testing.assert_allclose(
            trace.hidden, trace.gates["output_gate"] * np.tanh(trace.cell_state), rtol=0, atol=1e-12
        )


def test_decision_step_finds_last_change():
    probabilities = np.zeros((TIMESTEPS, 10))
    probabilities[:, 3] = 1.0
    probabilities[:10, 5] = 2.0  # the top class is 5 for rows 1..10
    probabilities[15, 5] = 2.0  # and once more at row 16
    assert decision_step(probabilities) == 16


def test_decision_step_when_never_changed():
    probabilities = np.zeros((TIMESTEPS, 10))
    probabilities[:, 1] = 1.0
    assert decision_step(probabilities) == 0
