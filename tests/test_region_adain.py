"""Region-wise AdaIN (INIT): object styles inside their boxes, the background's elsewhere, each region
normalised with its own statistics, and MUNIT's decoder running either globally or region-wise with the
same weights."""

import keras
import numpy as np
import tensorflow as tf

from tests.layer_checks import check_layer
from tf_i2i.layers import AdaIN, box_regions, region_normalize, region_values
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


@keras.saving.register_keras_serializable(package="tests")
class RegionWiseAdaIN(keras.layers.Layer):
    """AdaIN with box regions, its inputs as one list [x, background, objects, boxes, valid] so that the
    shared layer checks can call it (what INIT's decoder does in each AdaIN block)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("autocast", False)  # box coordinates stay float32 under mixed precision
        super().__init__(**kwargs)
        self.adain = AdaIN(name="adain", dtype=self.dtype_policy)

    def build(self, input_shape):
        self.adain.build(input_shape[0])

    def call(self, inputs):
        x, background, objects, boxes, valid = inputs
        regions = box_regions(boxes, valid, tf.shape(x)[1], tf.shape(x)[2])
        return self.adain(tf.cast(x, self.compute_dtype), region_values(regions, background, objects), regions)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def _region(x, background, objects, boxes=BOXES, valid=VALID):
    return RegionWiseAdaIN()([x, background, objects, boxes, valid]).numpy()


def _params_per_pixel(background, objects, boxes, valid, height, width):
    return region_values(box_regions(boxes, valid, height, width), background, objects)


def _region_ids():
    """Each pixel's region, drawn by hand: box 0 rows/cols 1..5, box 1 (smaller, on top) rows/cols 4..6,
    background elsewhere (id 3: after the three slots); the padded slot 2 owns nothing."""
    ids = np.full((H, W), 3)
    ids[1:6, 1:6] = 0
    ids[4:7, 4:7] = 1
    return ids


def _reference(x, background, objects, ids):
    """numpy: each region normalised over its own pixels (biased variance), then its own scale and shift."""
    table = np.concatenate([objects[0], background], axis=0)
    out = np.zeros_like(x[0], np.float64)
    for region in np.unique(ids):
        where = ids == region
        values = x[0][where].astype(np.float64)
        normalised = (values - values.mean(axis=0)) / np.sqrt(values.var(axis=0) + 1e-5)
        out[where] = normalised * table[region, C:] + table[region, :C]
    return out


def test_each_region_is_normalised_alone_and_styled_with_its_own_params():
    x, background, objects = _x(), _params(1), _params(1, 3)
    np.testing.assert_allclose(_region(x, background, objects)[0], _reference(x, background, objects, _region_ids()),
                               atol=1e-4)
    np.testing.assert_array_equal(np.argmax(box_regions(BOXES, VALID, H, W).numpy()[0], axis=-1), _region_ids())


def test_a_region_is_not_moved_by_what_the_others_hold():
    x, background, objects = _x(), _params(1), _params(1, 3)
    changed = x.copy()
    changed[0, 4:7, 4:7] *= 10.0  # box 1's content
    before, after = _region(x, background, objects), _region(changed, background, objects)
    outside = _region_ids() != 1
    np.testing.assert_allclose(after[0][outside], before[0][outside], atol=1e-5)


def test_the_smaller_box_is_on_top_where_boxes_overlap_whatever_the_slot_order():
    x, background, objects = _x(), _params(1), _params(1, 3)
    swapped = _region(x, background, objects[:, [1, 0, 2]], BOXES[:, [1, 0, 2]], VALID)
    np.testing.assert_allclose(swapped, _region(x, background, objects), atol=1e-6)


def test_region_normalize_with_one_region_is_instance_norm():
    x = _x()
    ones = np.ones((1, H, W, 1), np.float32)
    np.testing.assert_allclose(region_normalize(x, ones).numpy(), AdaIN().norm(x).numpy(), atol=1e-5)


def test_per_pixel_params_copy_the_winner_exactly():
    background, objects = _params(1), _params(1, 3)
    params = _params_per_pixel(background, objects, BOXES, VALID, H, W).numpy()[0]
    np.testing.assert_array_equal(params[5, 5], objects[0, 1])
    np.testing.assert_array_equal(params[2, 2], objects[0, 0])
    np.testing.assert_array_equal(params[0, 0], background[0])
    np.testing.assert_array_equal(params[7, 7], background[0])  # the invalid full-image slot is ignored


def test_without_valid_boxes_it_is_exactly_adain_with_the_background_params():
    x, background, objects = _x(), _params(2), _params(2, 3)
    x = np.concatenate([x, _x()])
    out = _region(x, background, objects, np.repeat(BOXES, 2, axis=0), np.zeros((2, 3), bool))
    np.testing.assert_allclose(out, AdaIN()(x, background).numpy(), atol=1e-5)


def test_region_adain_shared_checks():
    inputs = [_x(), _params(1), _params(1, 3), BOXES, VALID]
    check_layer(lambda: RegionWiseAdaIN(), inputs)


def _decoder():
    return Decoder(n_upsample=1, n_res=2, dim=8, output_dim=3)


def test_decoder_renders_region_wise_with_the_same_weights_and_globally_as_before():
    decoder = _decoder()
    content = RNG.normal(size=(1, 4, 4, 8)).astype(np.float32)
    background = RNG.normal(size=(1, decoder.num_adain_params)).astype(np.float32)
    objects = RNG.normal(size=(1, 3, decoder.num_adain_params)).astype(np.float32)
    global_out = decoder(content, background).numpy()

    def region_wise(boxes, valid):
        return decoder(content, _params_per_pixel(background, objects[:, :len(valid[0])], boxes, valid, 4, 4),
                       box_regions(boxes, valid, 4, 4)).numpy()

    np.testing.assert_allclose(region_wise(BOXES, np.zeros((1, 3), bool)), global_out, atol=1e-5)
    # Every pixel in one object's box: the decoder renders as if that object's params were global.
    whole = np.array([[[0.0, 0.0, 1.0, 1.0]]], np.float32)
    np.testing.assert_allclose(region_wise(whole, np.ones((1, 1), bool)), decoder(content, objects[:, 0]),
                               atol=1e-5)
    # A box in one corner changes the output there.
    corner = np.array([[[0.0, 0.0, 0.25, 0.25]]], np.float32)
    boxed = region_wise(corner, np.ones((1, 1), bool))
    assert np.abs(boxed[0, :2, :2] - global_out[0, :2, :2]).max() > 1e-3


def test_region_layer_norm_is_munit_layer_norm_per_region():
    from tf_i2i.layers import LayerNorm
    from tf_i2i.layers.region_norm import region_layer_normalize

    x = _x()
    norm = LayerNorm()
    ones = np.ones((1, H, W, 1), np.float32)
    np.testing.assert_allclose(region_layer_normalize(x, ones).numpy(), norm._normalize(x, False).numpy(), atol=1e-5)
    ids = _region_ids()
    regions = np.eye(4, dtype=np.float32)[ids][None]
    out = region_layer_normalize(x, regions).numpy()[0]
    for region in np.unique(ids):
        values = x[0][ids == region].astype(np.float64)
        expected = (values - values.mean()) / (values.std(ddof=1) + 1e-5)
        np.testing.assert_allclose(out[ids == region], expected, atol=1e-4)
