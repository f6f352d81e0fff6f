"""Training-time augmentation, so the model holds on digits as people draw them.

Every transform is a stateless TensorFlow op seeded from (seed, batch number), so the
same seed gives the same augmented batches and so the same model.

What it varies, and why:
- affine: rotation, shear, scale and shift, because hand-drawn digits lean and sit off-centre
  more than MNIST's pen digits do;
- stroke thickness: grey dilation or erosion by one pixel, to cover a fine pen to a finger;
- elastic distortion: smooth random displacements, for the wobble of a finger on glass;
- a flag on some 1s: MNIST's 1s are nearly all a bare stroke, but many writers outside the
  United States (in Vietnam and Europe, for example) start a 1 with an up-stroke from the
  left. Without examples of it the model reads such a 1 as a 7.
"""

import math

import tensorflow as tf

ROTATION_DEGREES = 15.0
SHEAR = 0.25  # tangent of the shear angle
SCALE_RANGE = (0.85, 1.12)
SHIFT_PX = 2.0
ELASTIC_ALPHA = 1.0  # px, maximum displacement before smoothing
AUGMENTED_SHARE = 0.75  # the rest of each batch stays as in MNIST
FLAG_SHARE = 0.5  # of the 1s among the augmented images
FLAG_ANGLE_DEGREES = (20.0, 55.0)  # below the horizontal, pointing down to the left
FLAG_LENGTH = (0.3, 0.55)  # share of the digit's height
FLAG_WIDTH_PX = 2.4


def _uniform(seed, shape, low, high):
    return tf.random.stateless_uniform(shape, seed=seed, minval=low, maxval=high)


def _affine_transforms(seed, count):
    """Projective transforms (8 numbers each) mapping output to input pixel coordinates."""
    seeds = tf.random.experimental.stateless_split(seed, 5)
    angle = _uniform(seeds[0], [count], -1.0, 1.0) * ROTATION_DEGREES * math.pi / 180
    shear = _uniform(seeds[1], [count], -SHEAR, SHEAR)
    scale = _uniform(seeds[2], [count, 2], *SCALE_RANGE)
    shift = _uniform(seeds[3], [count, 2], -SHIFT_PX, SHIFT_PX)
    cos, sin = tf.cos(angle), tf.sin(angle)
    # Output-to-input matrix A = R(angle) @ Shear @ diag(1/scale), around the image centre.
    a00 = cos / scale[:, 0]
    a01 = (cos * shear - sin) / scale[:, 1]
    a10 = sin / scale[:, 0]
    a11 = (sin * shear + cos) / scale[:, 1]
    centre = 13.5
    b0 = centre - a00 * centre - a01 * centre + shift[:, 0]
    b1 = centre - a10 * centre - a11 * centre + shift[:, 1]
    zeros = tf.zeros_like(a00)
    return tf.stack([a00, a01, b0, a10, a11, b1, zeros, zeros], axis=1)


def _elastic(images, seed):
    """Displace pixels by a smooth random field (coarse 5 x 5 noise, bicubically upsampled)."""
    count = tf.shape(images)[0]
    field = _uniform(seed, [count, 5, 5, 2], -1.0, 1.0)
    field = tf.image.resize(field, [28, 28], method="bicubic") * ELASTIC_ALPHA
    grid_y, grid_x = tf.meshgrid(tf.range(28.0), tf.range(28.0), indexing="ij")
    sample_y = tf.clip_by_value(grid_y[None] + field[..., 0], 0.0, 27.0)
    sample_x = tf.clip_by_value(grid_x[None] + field[..., 1], 0.0, 27.0)
    y0 = tf.floor(sample_y)
    x0 = tf.floor(sample_x)
    wy, wx = sample_y - y0, sample_x - x0
    y0, x0 = tf.cast(y0, tf.int32), tf.cast(x0, tf.int32)
    y1, x1 = tf.minimum(y0 + 1, 27), tf.minimum(x0 + 1, 27)
    flat = tf.reshape(images, [count, 28 * 28])

    def gather(y, x):
        return tf.gather(flat, y * 28 + x, batch_dims=1)

    top = gather(y0, x0) * (1 - wx) + gather(y0, x1) * wx
    bottom = gather(y1, x0) * (1 - wx) + gather(y1, x1) * wx
    return top * (1 - wy) + bottom * wy


def _thickness(images, seed):
    """Dilate a third of the images and erode a third by a 2 x 2 grey morphology."""
    count = tf.shape(images)[0]
    choice = _uniform(seed, [count, 1, 1], 0.0, 3.0)
    batch = images[..., None]
    dilated = tf.nn.max_pool2d(batch, 2, 1, "SAME")[..., 0]
    eroded = -tf.nn.max_pool2d(-batch, 2, 1, "SAME")[..., 0]
    return tf.where(choice < 1.0, dilated, tf.where(choice < 2.0, eroded, images))


def _add_flags(images, labels, seed):
    """Draw a flag (an anti-aliased line) from the top of some 1s down to the left."""
    count = tf.shape(images)[0]
    seeds = tf.random.experimental.stateless_split(seed, 3)
    ink_rows = tf.reduce_max(images, axis=2) > 0.5  # (N, 28)
    row_index = tf.range(28, dtype=tf.float32)
    top = tf.reduce_min(tf.where(ink_rows, row_index, 28.0), axis=1)
    bottom = tf.reduce_max(tf.where(ink_rows, row_index, -1.0), axis=1)
    # The top point of the stroke: the ink centroid of the two rows from the top row on.
    near_top = tf.cast(tf.abs(row_index[None, :] - top[:, None] - 0.5) <= 0.5, tf.float32)
    top_ink = tf.reduce_sum(images * near_top[:, :, None], axis=1)  # (N, 28) ink per column
    top_x = tf.reduce_sum(top_ink * row_index[None], axis=1) / tf.maximum(tf.reduce_sum(top_ink, axis=1), 1e-6)

    angle = _uniform(seeds[0], [count], *FLAG_ANGLE_DEGREES) * math.pi / 180
    length = _uniform(seeds[1], [count], *FLAG_LENGTH) * tf.maximum(bottom - top, 1.0)
    end_x = top_x - length * tf.cos(angle)
    end_y = top + length * tf.sin(angle)

    # Distance of every pixel centre to the segment (top_x, top) -> (end_x, end_y).
    grid_y, grid_x = tf.meshgrid(row_index, row_index, indexing="ij")
    dx, dy = (end_x - top_x)[:, None, None], (end_y - top)[:, None, None]
    px, py = grid_x[None] - top_x[:, None, None], grid_y[None] - top[:, None, None]
    along = tf.clip_by_value((px * dx + py * dy) / tf.maximum(dx * dx + dy * dy, 1e-6), 0.0, 1.0)
    distance = tf.sqrt((px - along * dx) ** 2 + (py - along * dy) ** 2)
    line = tf.clip_by_value(FLAG_WIDTH_PX / 2 + 0.5 - distance, 0.0, 1.0)

    chosen = (labels == 1) & (_uniform(seeds[2], [count], 0.0, 1.0) < FLAG_SHARE) & (bottom > top)
    return tf.where(chosen[:, None, None], tf.maximum(images, line), images)


def augment_batch(images, labels, seed):
    """Augment a batch of (N, 28, 28) images in 0..1; ``seed`` is a shape-[2] int tensor."""
    count = tf.shape(images)[0]
    seeds = tf.random.experimental.stateless_split(seed, 5)
    flagged = _add_flags(images, labels, seeds[4])
    transforms = _affine_transforms(seeds[0], count)
    moved = tf.raw_ops.ImageProjectiveTransformV3(
        images=flagged[..., None],
        transforms=transforms,
        output_shape=[28, 28],
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )[..., 0]
    moved = _elastic(moved, seeds[1])
    moved = _thickness(moved, seeds[2])
    keep = _uniform(seeds[3], [count, 1, 1], 0.0, 1.0) >= AUGMENTED_SHARE
    return tf.clip_by_value(tf.where(keep, images, moved), 0.0, 1.0)
