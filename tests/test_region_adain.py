"""Region-wise AdaIN (INIT): object styles inside their boxes, the background's elsewhere, and MUNIT's
decoder running either globally or region-wise with the same weights."""

import numpy as np
import tensorflow as tf

from tests.layer_checks import check_layer
from tf_i2i.layers import AdaIN, RegionAdaIN, box_masks, region_adain_params
from tf_i2i.nets.munit_decoder import Decoder

RNG = np.random.default_rng(0)
H, W, C = 8, 8, 3
# Box 0 covers rows/cols 1..5, box 1 (smaller, listed second) rows/cols 4..6, box 2 is a padded slot.
BOXES = np.array([[[1 / 8, 1 / 8, 6 / 8, 6 / 8], [4 / 8, 4 / 8, 7 / 8, 7 / 8], [0.0, 0.0, 1.0, 1.0]]], np.float32)
VALID = np.array([[True, True, False]])


def _x():
    return (RNG.normal(size=(1, H, W, C)) * 2 + 1).astype(np.float32)


def _params(*lead):
    shift = RNG.normal(size=(*lead, C))
    scale = RNG.uniform(0.5, 2.0, size=(*lead, C))
    return np.concatenate([shift, scale], axis=-1).astype(np.float32)


def _region(x, background, objects, boxes=BOXES, valid=VALID):
    return RegionAdaIN()([x, background, objects, boxes, valid]).numpy()


def test_inside_a_box_its_object_style_and_outside_the_background_style():
    x, background, objects = _x(), _params(1), _params(1, 3)
    out = _region(x, background, objects)
    adain = AdaIN()
    masks = box_masks(BOXES, VALID, H, W).numpy()[0, ..., 0]
    only_box0 = (masks[0] > 0) & (masks[1] == 0)
    outside = masks.max(axis=0) == 0
    np.testing.assert_allclose(out[0][only_box0], adain(x, objects[:, 0])[0].numpy()[only_box0], atol=1e-5)
    np.testing.assert_allclose(out[0][outside], adain(x, background)[0].numpy()[outside], atol=1e-5)
    assert only_box0.any() and outside.any()


def test_the_smaller_box_is_on_top_where_boxes_overlap():
    x, background, objects = _x(), _params(1), _params(1, 3)
    adain = AdaIN()
    overlap = np.zeros((H, W), bool)
    overlap[4:6, 4:6] = True
    small = adain(x, objects[:, 1])[0].numpy()[overlap]
    np.testing.assert_allclose(_region(x, background, objects)[0][overlap], small, atol=1e-5)
    # Slot order does not matter: with the boxes swapped the smaller one still wins.
    swapped = _region(x, background, objects[:, [1, 0, 2]], BOXES[:, [1, 0, 2]], VALID)
    np.testing.assert_allclose(swapped[0][overlap], small, atol=1e-5)


def test_per_pixel_params_copy_the_winner_exactly():
    background, objects = _params(1), _params(1, 3)
    params = region_adain_params(background, objects, BOXES, VALID, H, W).numpy()[0]
    np.testing.assert_array_equal(params[5, 5], objects[0, 1])
    np.testing.assert_array_equal(params[2, 2], objects[0, 0])
    np.testing.assert_array_equal(params[0, 0], background[0])
    np.testing.assert_array_equal(params[7, 7], background[0])  # the invalid full-image slot is ignored


def test_without_valid_boxes_it_is_exactly_adain_with_the_background_params():
    x, background, objects = _x(), _params(2), _params(2, 3)
    x = np.concatenate([x, _x()])
    out = _region(x, background, objects, np.repeat(BOXES, 2, axis=0), np.zeros((2, 3), bool))
    np.testing.assert_array_equal(out, AdaIN()(x, background).numpy())


def test_region_adain_shared_checks():
    inputs = [_x(), _params(1), _params(1, 3), BOXES, VALID]
    check_layer(lambda: RegionAdaIN(), inputs)


def _decoder():
    return Decoder(n_upsample=1, n_res=2, dim=8, output_dim=3)


def test_decoder_renders_region_wise_with_the_same_weights_and_globally_as_before():
    decoder = _decoder()
    content = RNG.normal(size=(1, 4, 4, 8)).astype(np.float32)
    background = RNG.normal(size=(1, decoder.num_adain_params)).astype(np.float32)
    objects = RNG.normal(size=(1, 3, decoder.num_adain_params)).astype(np.float32)
    global_out = decoder(content, background).numpy()
    none_valid = region_adain_params(background, objects, BOXES, np.zeros((1, 3), bool), 4, 4)
    np.testing.assert_array_equal(decoder(content, none_valid).numpy(), global_out)
    # Every pixel in one object's box: the decoder renders as if that object's params were global.
    whole = np.array([[[0.0, 0.0, 1.0, 1.0]]], np.float32)
    per_pixel = region_adain_params(background, objects[:, :1], whole, np.ones((1, 1), bool), 4, 4)
    np.testing.assert_allclose(decoder(content, per_pixel), decoder(content, objects[:, 0]), atol=1e-5)
    # A box in one corner changes the output there.
    corner = np.array([[[0.0, 0.0, 0.25, 0.25]]], np.float32)
    boxed = decoder(content, region_adain_params(background, objects[:, :1], corner, np.ones((1, 1), bool),
                                                 4, 4)).numpy()
    assert np.abs(boxed[0, :2, :2] - global_out[0, :2, :2]).max() > 1e-3
