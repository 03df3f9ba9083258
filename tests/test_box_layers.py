"""Box masks at several resolutions and object crops (INIT's instances)."""

import numpy as np
import pytest
import tensorflow as tf

from tf_i2i.layers import box_masks, crop_objects

RNG = np.random.default_rng(0)


def _random_boxes(b, n):
    corners = RNG.uniform(size=(b, n, 2, 2)).astype(np.float32)
    return np.concatenate([corners.min(axis=2), corners.max(axis=2)], axis=-1)  # (y1, x1, y2, x2)


@pytest.mark.parametrize("height,width", [(4, 4), (7, 5), (16, 32)])
def test_box_masks_follow_the_pixel_centre_rule(height, width):
    boxes = _random_boxes(2, 3)
    valid = np.array([[True, True, False], [False, True, True]])
    masks = box_masks(boxes, valid, height, width).numpy()
    assert masks.shape == (2, 3, height, width, 1)
    cy = (np.arange(height) + 0.5) / height
    cx = (np.arange(width) + 0.5) / width
    for i in range(2):
        for j in range(3):
            y1, x1, y2, x2 = boxes[i, j]
            expected = ((cy >= y1) & (cy < y2))[:, None] & ((cx >= x1) & (cx < x2))[None, :] & valid[i, j]
            np.testing.assert_array_equal(masks[i, j, ..., 0], expected.astype(np.float32))


def test_box_masks_of_pixel_aligned_boxes_are_the_slices():
    # Rows 2..5 and columns 1..2 of an 8 x 4 map; a neighbour sharing the edge y = 6/8 shares no pixel.
    boxes = np.array([[[2 / 8, 1 / 4, 6 / 8, 3 / 4], [6 / 8, 0.0, 1.0, 1.0]]], np.float32)
    masks = box_masks(boxes, np.ones((1, 2), bool), 8, 4).numpy()[0, ..., 0]
    expected = np.zeros((2, 8, 4), np.float32)
    expected[0, 2:6, 1:3] = 1.0
    expected[1, 6:, :] = 1.0
    np.testing.assert_array_equal(masks, expected)


def test_crops_of_pixel_aligned_boxes_equal_numpy_slices():
    images = RNG.normal(size=(2, 9, 11, 3)).astype(np.float32)
    # crop_and_resize puts box corners on pixel centres: y1 = r0 / (H - 1), y2 = r1 / (H - 1), and a crop of
    # r1 - r0 + 1 samples then reads exactly rows r0..r1.
    boxes = np.array([[[2 / 8, 3 / 10, 5 / 8, 6 / 10], [0.0, 0.0, 3 / 8, 3 / 10]],
                      [[5 / 8, 7 / 10, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]]], np.float32)
    valid = np.array([[True, True], [True, False]])
    crops = crop_objects(images, boxes, valid, 4).numpy()
    assert crops.shape == (2, 2, 4, 4, 3)
    np.testing.assert_allclose(crops[0, 0], images[0, 2:6, 3:7], atol=1e-6)
    np.testing.assert_allclose(crops[0, 1], images[0, 0:4, 0:4], atol=1e-6)
    np.testing.assert_allclose(crops[1, 0], images[1, 5:9, 7:11], atol=1e-6)
    np.testing.assert_array_equal(crops[1, 1], 0.0)  # invalid slot


@pytest.mark.parametrize("size", [1, 5, 8])
def test_crops_match_crop_and_resize(size):
    images = RNG.normal(size=(2, 9, 7, 3)).astype(np.float32)
    boxes = _random_boxes(2, 3)
    valid = np.ones((2, 3), bool)
    crops = crop_objects(images, boxes, valid, size).numpy()
    expected = tf.image.crop_and_resize(images, boxes.reshape(-1, 4), np.repeat([0, 1], 3), [size, size])
    np.testing.assert_allclose(crops, np.reshape(expected, (2, 3, size, size, 3)), atol=1e-5)


def test_crops_keep_the_dtype_and_convert_to_tflite_builtins():
    from ai_edge_litert.interpreter import Interpreter

    images = RNG.normal(size=(1, 8, 8, 3)).astype(np.float32)
    boxes = _random_boxes(1, 2)
    valid = np.array([[True, False]])
    assert crop_objects(tf.cast(images, tf.bfloat16), boxes, valid, 4).dtype == tf.bfloat16

    @tf.function(input_signature=[tf.TensorSpec(images.shape), tf.TensorSpec(boxes.shape),
                                  tf.TensorSpec(valid.shape, tf.bool)])
    def crop(im, bx, ok):
        return crop_objects(im, bx, ok, 4)

    converter = tf.lite.TFLiteConverter.from_concrete_functions([crop.get_concrete_function()], crop)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    interpreter = Interpreter(model_content=converter.convert())
    interpreter.allocate_tensors()
    feeds = {"im": images, "bx": boxes, "ok": valid}
    for detail in interpreter.get_input_details():
        (key,) = [k for k in feeds if k in detail["name"]]
        interpreter.set_tensor(detail["index"], feeds[key])
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(out, crop_objects(images, boxes, valid, 4), atol=1e-5)
