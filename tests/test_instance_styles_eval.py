"""tf_i2i.evaluation.instance_styles: reference-following correlations and restyle locality, on
constructed pictures whose answer is known."""

import numpy as np

from tf_i2i.evaluation.instance_styles import Pictures, distance_from_box, following, locality

RNG = np.random.default_rng(0)
B, H, W = 12, 16, 16
BOXES = np.tile(np.array([[[0.25, 0.25, 0.75, 0.75]]], np.float32), (B, 1, 1))
VALID = np.ones((B, 1), bool)


def _flat_pictures(inside, outside):
    """Pictures whose box holds colour inside [B, 3] and the rest colour outside [B, 3]."""
    images = np.broadcast_to(outside[:, None, None, :], (B, H, W, 3)).copy()
    images[:, 4:12, 4:12] = inside[:, None, None, :]
    return Pictures(images, BOXES, VALID)


def test_an_output_with_the_object_refs_inside_and_the_background_refs_outside_follows_both():
    background_ref = _flat_pictures(RNG.uniform(-1, 1, (B, 3)), RNG.uniform(-1, 1, (B, 3)))
    object_ref = _flat_pictures(RNG.uniform(-1, 1, (B, 3)), RNG.uniform(-1, 1, (B, 3)))
    inputs = _flat_pictures(np.zeros((B, 3)), np.zeros((B, 3)))
    output = _flat_pictures(object_ref.images[:, 8, 8], background_ref.images[:, 0, 0]).images
    r = following(output, inputs, background_ref, object_ref)
    assert r["inside_vs_object_ref"] > 0.999 and r["outside_vs_background_ref"] > 0.999
    assert abs(r["inside_vs_background_ref"]) < 0.5 and abs(r["outside_vs_object_ref"]) < 0.5
    # one global colour from the background reference follows it everywhere, the object reference nowhere
    one = _flat_pictures(background_ref.images[:, 0, 0], background_ref.images[:, 0, 0]).images
    g = following(one, inputs, background_ref, object_ref)
    assert g["outside_vs_background_ref"] > 0.999 and abs(g["inside_vs_object_ref"]) < 0.5


def test_distance_is_zero_inside_and_counts_pixels_outside():
    d = distance_from_box(np.array([[0.25, 0.25, 0.5, 0.5]]), 8, 8)[0]
    assert d[2:4, 2:4].max() == 0 and d[2:4, 2:4].size == 4
    assert d[0, 0] == 1.5 and d[7, 7] == 3.5


def test_locality_separates_the_box_from_far_pixels():
    before = RNG.uniform(-1, 1, (1, H, W, 3))
    after = before.copy()
    after[:, 4:12, 4:12] += 0.5
    after[:, 0, 0] += 0.1  # one far pixel
    r = locality(before, after, BOXES[:1, 0], margin=2.0)
    far_pixels = H * W - 12 * 12  # the two-pixel frame: centres farther than 2 px from the box
    assert np.isclose(r["inside_mean"], 0.5) and np.isclose(r["far_mean"], 0.1 / far_pixels)
    assert r["far_p99"] == 0.0 and np.isclose(r["far_share"], far_pixels / (H * W))
