"""FlowWarp against an independent numpy grid_sample (bilinear, border padding, both pixel grids),
with flows reaching far outside the image; its gradient, serialization and TFLite conversion."""

import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.layers import FlowWarp, warp

RNG = np.random.default_rng(3)


def grid_sample_reference(image: np.ndarray, flow: np.ndarray, align_corners: bool) -> np.ndarray:
    """The official resample written out per pixel: the normalised grid linspace(-1, 1) + flow /
    ((size-1)/2), mapped back to pixels the way torch's grid_sample does, clamped to the border,
    then the four neighbours weighted bilinearly."""
    b, h, w, c = image.shape
    out = np.zeros_like(image, dtype=np.float64)

    def unnormalize(g: float, size: int) -> float:
        pos = (g + 1) / 2 * (size - 1) if align_corners else ((g + 1) * size - 1) / 2
        return min(max(pos, 0.0), size - 1.0)

    for n in range(b):
        for i in range(h):
            for j in range(w):
                gx = -1 + 2 * j / (w - 1) + flow[n, i, j, 0] / ((w - 1) / 2)
                gy = -1 + 2 * i / (h - 1) + flow[n, i, j, 1] / ((h - 1) / 2)
                x, y = unnormalize(gx, w), unnormalize(gy, h)
                x0, y0 = int(np.floor(x)), int(np.floor(y))
                for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
                    for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
                        if wx * wy > 0:
                            out[n, i, j] += wx * wy * image[n, min(yy, h - 1), min(xx, w - 1)]
    return out


@pytest.mark.parametrize("align_corners", [True, False])
def test_warp_matches_grid_sample_with_flows_outside_the_image(align_corners):
    image = RNG.normal(size=(2, 7, 9, 3)).astype(np.float32)
    flow = RNG.normal(0, 6, size=(2, 7, 9, 2)).astype(np.float32)  # many positions land outside
    flow[0, 0, 0] = (-40.0, 3.5)
    flow[1, -1, -1] = (2.25, 30.0)
    ours = FlowWarp(align_corners)(image, flow)
    np.testing.assert_allclose(ours, grid_sample_reference(image, flow, align_corners), atol=1e-5)


def test_align_corners_grid_moves_by_whole_pixels_and_clamps_to_the_border():
    image = np.arange(20, dtype=np.float32).reshape(1, 4, 5, 1)
    flow = np.zeros((1, 4, 5, 2), np.float32)
    flow[..., 0] = 1.0  # sample one pixel to the right: x = 4 has no right neighbour, keeps its own
    expected = np.concatenate([image[:, :, 1:], image[:, :, -1:]], axis=2)
    np.testing.assert_array_equal(warp(image, flow), expected)
    flow[..., 0], flow[..., 1] = 0.5, -100.0  # half a pixel right, far above: the top row, interpolated
    np.testing.assert_allclose(warp(image, flow)[0, :, :4, 0], np.tile(np.arange(4) + 0.5, (4, 1)))


def test_gradient_reaches_the_flow_and_the_image():
    image = tf.constant(RNG.normal(size=(1, 5, 6, 2)).astype(np.float32))
    flow = tf.constant(RNG.normal(0, 1, size=(1, 5, 6, 2)).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([image, flow])
        loss = tf.reduce_sum(warp(image, flow) ** 2)
    d_image, d_flow = tape.gradient(loss, [image, flow])
    assert np.all(np.isfinite(d_flow)) and np.abs(d_flow).max() > 0
    assert np.abs(d_image).max() > 0


def test_layer_round_trips_its_config_and_keeps_the_compute_dtype():
    layer = FlowWarp(align_corners=False, dtype="mixed_bfloat16")
    clone = FlowWarp.from_config(layer.get_config())
    assert clone.align_corners is False
    out = clone(np.ones((1, 4, 4, 3), np.float32), np.zeros((1, 4, 4, 2), np.float32))
    assert out.dtype == tf.bfloat16


def test_converts_to_tflite_builtins():
    fn = tf.function(lambda image, flow: warp(image, flow),
                     input_signature=[tf.TensorSpec([1, 6, 8, 3]), tf.TensorSpec([1, 6, 8, 2])])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    assert converter.convert()
