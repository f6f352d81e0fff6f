"""Training-time augmentation, so the model holds on digits as people draw them.

Every transform is a stateless TensorFlow op seeded from (seed, batch number), so the
same seed gives the same augmented batches and so the same model.

What it varies, and why:
- affine: rotation, shear, scale and shift, because hand-drawn digits lean and sit off-centre
  more than MNIST's pen digits do;
- stroke thickness: grey dilation or erosion by one pixel, to cover a fine pen to a finger;
- elastic distortion: smooth random displacements, for the wobble of a finger on glass;
- continental 1s and 7s: MNIST's 1s are nearly all a bare stroke and few of its 7s are
  crossed, but many writers outside the United States (in Vietnam and Europe, for example)
  start a 1 with a long flag and cross their 7s. Without examples of them the model reads
  such a 1 as a 7 and such a 7 as a 2, so some 1s get a flag and some 7s a crossbar.
"""

import math

import tensorflow as tf

ROTATION_DEGREES = 15.0
SHEAR = 0.25  # tangent of the shear angle
SCALE_RANGE = (0.85, 1.12)
SHIFT_PX = 2.0
ELASTIC_ALPHA = 1.0  # px, maximum displacement before smoothing
AUGMENTED_SHARE = 0.75  # the rest of each batch stays as in MNIST
FLAG_SHARE = 0.6  # of the 1s among the augmented images
FLAG_ANGLE_DEGREES = (15.0, 50.0)  # below the horizontal, pointing down to the left
FLAG_LENGTH = (0.3, 0.7)  # share of the digit's height
CROSSBAR_SHARE = 0.4  # of the 7s among the augmented images
CROSSBAR_LENGTH = (0.3, 0.5)  # share of the digit's height
LINE_WIDTH_PX = 2.4


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


def _segments(start_x, start_y, end_x, end_y):
    """Anti-aliased lines of LINE_WIDTH_PX, one per image: (N, 28, 28) in 0..1."""
    index = tf.range(28, dtype=tf.float32)
    grid_y, grid_x = tf.meshgrid(index, index, indexing="ij")
    dx, dy = (end_x - start_x)[:, None, None], (end_y - start_y)[:, None, None]
    px, py = grid_x[None] - start_x[:, None, None], grid_y[None] - start_y[:, None, None]
    along = tf.clip_by_value((px * dx + py * dy) / tf.maximum(dx * dx + dy * dy, 1e-6), 0.0, 1.0)
    distance = tf.sqrt((px - along * dx) ** 2 + (py - along * dy) ** 2)
    return tf.clip_by_value(LINE_WIDTH_PX / 2 + 0.5 - distance, 0.0, 1.0)


def _ink_centre_x(images, rows_mask):
    """Return the ink's mean column within the rows selected by rows_mask (N, 28)."""
    index = tf.range(28, dtype=tf.float32)
    ink = tf.reduce_sum(images * rows_mask[:, :, None], axis=1)  # (N, 28) ink per column
    return tf.reduce_sum(ink * index[None], axis=1) / tf.maximum(tf.reduce_sum(ink, axis=1), 1e-6)


def _add_strokes(images, labels, seed):
    """Add a flag to some 1s (from the top, down to the left) and a crossbar to some 7s."""
    count = tf.shape(images)[0]
    seeds = tf.random.experimental.stateless_split(seed, 6)
    index = tf.range(28, dtype=tf.float32)
    ink_rows = tf.reduce_max(images, axis=2) > 0.5  # (N, 28)
    top = tf.reduce_min(tf.where(ink_rows, index, 28.0), axis=1)
    bottom = tf.reduce_max(tf.where(ink_rows, index, -1.0), axis=1)
    height = tf.maximum(bottom - top, 1.0)

    # Flag: from the top of the stroke, down to the left.
    near_top = tf.cast(tf.abs(index[None, :] - top[:, None] - 0.5) <= 0.5, tf.float32)
    top_x = _ink_centre_x(images, near_top)
    angle = _uniform(seeds[0], [count], *FLAG_ANGLE_DEGREES) * math.pi / 180
    length = _uniform(seeds[1], [count], *FLAG_LENGTH) * height
    flag = _segments(top_x, top, top_x - length * tf.cos(angle), top + length * tf.sin(angle))

    # Crossbar: across the stem a little below the middle, roughly horizontal.
    bar_y = top + height * _uniform(seeds[2], [count], 0.45, 0.6)
    at_bar = tf.cast(tf.abs(index[None, :] - bar_y[:, None]) <= 1.0, tf.float32)
    stem_x = _ink_centre_x(images, at_bar)
    half = _uniform(seeds[3], [count], *CROSSBAR_LENGTH) * height / 2
    tilt = _uniform(seeds[4], [count], -0.15, 0.15) * half
    crossbar = _segments(stem_x - half, bar_y + tilt, stem_x + half, bar_y - tilt)

    chance = _uniform(seeds[5], [count], 0.0, 1.0)
    has_ink = (bottom > top)[:, None, None]
    add_flag = ((labels == 1) & (chance < FLAG_SHARE))[:, None, None] & has_ink
    add_bar = ((labels == 7) & (chance < CROSSBAR_SHARE))[:, None, None] & has_ink
    images = tf.where(add_flag, tf.maximum(images, flag), images)
    return tf.where(add_bar, tf.maximum(images, crossbar), images)


def augment_batch(images, labels, seed):
    """Augment a batch of (N, 28, 28) images in 0..1; ``seed`` is a shape-[2] int tensor."""
    count = tf.shape(images)[0]
    seeds = tf.random.experimental.stateless_split(seed, 5)
    flagged = _add_strokes(images, labels, seeds[4])
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
