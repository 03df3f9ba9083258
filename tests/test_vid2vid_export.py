"""vid2vid's per-frame 'serve' endpoint: looped over a video with its frames fed back (every spatial
scale its own), the SavedModel and the float32 .tflite reproduce the Keras model's sequential
generation frame by frame, flow and mask included; the first frame with no_first_img is the
hallucinated one; inputs are checked (class ids, the coarser frames' size) and export_info.json
describes the named outputs and the fixed TFLite shapes."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers_export import serving_error
from tests.helpers_vid2vid_run import SIDE, fresh_model, label_frames, tiny_run_config
from tf_i2i.export import export_model, run_tflite
from tf_i2i.models.vid2vid.generation import frame_pyramid

N_FRAMES = 10
# float32 .tflite vs Keras over 10 looped frames, largest differences measured: image 4.5e-5, image_1 2.4e-7,
# flow 2.3e-4 px (flows up to 23 px), mask 1.4e-6
TFLITE_ATOL = {"image": 1e-4, "image_1": 1e-4, "flow": 1e-3, "mask": 1e-4}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A tiny model with 2 spatial scales, no_first_img (the 'first' input) and the foreground
    branch, exported with a float32 .tflite at 32x32."""
    model = fresh_model(tiny_run_config(n_scales_spatial=2, no_first_img=True))
    paths = export_model(model, tmp_path_factory.mktemp("v2v"), tflite=("float32",), height=SIDE, width=SIDE)
    return model, paths, tf.saved_model.load(str(paths["saved_model"]))


def _video(n: int, batch: int = 1, seed: int = 0) -> dict[str, np.ndarray]:
    """Label and instance frames [batch, n, H, W, 1] and 2 first frames [batch, 2, H, W, 3]."""
    pairs = [label_frames(n, seed + b) for b in range(batch)]
    rng = np.random.default_rng(seed)
    return {"label": np.stack([p[0] for p in pairs])[..., None].astype(np.int32),
            "instance": np.stack([p[1] for p in pairs])[..., None].astype(np.int32),
            "start": rng.uniform(-1, 1, (batch, 2, SIDE, SIDE, 3)).astype(np.float32)}


def _keras_sequence(model, video: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The Keras model's generation of every frame after the first two in one call (it feeds its
    frames back itself), named as the endpoint's outputs: [batch, frames, ...] each."""
    labels = model.encode_labels({"label": video["label"], "instance": video["instance"]})
    out = model.generate(labels, frame_pyramid(tf.constant(video["start"]), 2), raw_only=False)
    return {"image": out.frames[0].numpy(), "image_1": out.frames[1].numpy(), "flow": out.flow.numpy(),
            "mask": out.weight.numpy()}


def _loop(serve, video: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The documented caller loop: serve(inputs by name) -> outputs by name, once per new frame."""
    previous = [p.numpy() for p in frame_pyramid(tf.constant(video["start"]), 2)]
    batch, length = video["label"].shape[:2]
    frames = []
    for t in range(2, length):
        out = serve({"label": video["label"][:, t - 2:t + 1], "instance": video["instance"][:, t - 2:t + 1],
                     "previous": previous[0], "previous_1": previous[1], "first": np.zeros([batch], bool)})
        out = {name: np.asarray(value) for name, value in out.items()}
        previous = [np.concatenate([p[:, 1:], out[name][:, None]], axis=1)
                    for p, name in zip(previous, ("image", "image_1"))]
        frames.append(out)
    return {name: np.stack([f[name] for f in frames], axis=1) for name in frames[0]}


def _signature(loaded):
    return lambda inputs: loaded.signatures["serve"](**{k: tf.constant(v) for k, v in inputs.items()})


def test_savedmodel_loop_matches_the_keras_generation_frame_by_frame(exported):
    model, _, loaded = exported
    video = _video(5, batch=2)
    expected, served = _keras_sequence(model, video), _loop(_signature(loaded), video)
    assert sorted(served) == ["flow", "image", "image_1", "mask"]
    for name in expected:
        assert served[name].shape == expected[name].shape, name
        np.testing.assert_allclose(served[name], expected[name], atol=1e-5, err_msg=name)
    assert np.abs(np.diff(served["image"], axis=1)).max() > 0.01  # the frames differ: the loop moved on


def test_tflite_loop_of_10_frames_matches_keras(exported):
    model, paths, _ = exported
    video = _video(N_FRAMES + 2, seed=1)
    expected = _keras_sequence(model, video)
    tflite = _loop(lambda inputs: run_tflite(paths["serve_float32"], inputs), video)
    assert tflite["image"].shape == (1, N_FRAMES, SIDE, SIDE, 3)
    for name in expected:
        np.testing.assert_allclose(tflite[name], expected[name], atol=TFLITE_ATOL[name], err_msg=name)


def test_first_frame_is_made_from_the_labels_alone(exported):
    model, _, loaded = exported
    video = _video(3)
    zeros = [np.zeros((1, 2, SIDE // 2 ** k, SIDE // 2 ** k, 3), np.float32) for k in range(2)]
    inputs = {"label": video["label"], "instance": video["instance"], "previous": zeros[0], "previous_1": zeros[1]}
    first = loaded.signatures["serve"](**{k: tf.constant(v) for k, v in inputs.items()}, first=tf.constant([True]))
    labels = model.encode_labels(inputs)
    raw = model.generate(labels, [tf.constant(z) for z in zeros], raw_only=True)
    warped = model.generate(labels, [tf.constant(z) for z in zeros], raw_only=False)
    np.testing.assert_allclose(first["image"], raw.raw[:, 0], atol=1e-5)
    np.testing.assert_allclose(first["image_1"], raw.frames[1][:, 0], atol=1e-5)
    assert np.abs(first["image"].numpy() - warped.frames[0][:, 0].numpy()).max() > 0.01


def test_serving_checks_name_the_input(exported):
    _, _, loaded = exported
    video = _video(3)
    good = {"label": video["label"], "instance": video["instance"], "previous": video["start"],
            "previous_1": video["start"][:, :, ::2, ::2], "first": np.zeros([1], bool)}
    bad_label = {**good, "label": np.where(good["label"] == 1, 9, good["label"]).astype(np.int32)}
    assert "input 'label' must hold class ids in [0, 4); got id, count of other ids = 9" in serving_error(
        loaded.signatures["serve"], **bad_label)
    message = serving_error(loaded.signatures["serve"], **{**good, "previous_1": video["start"]})
    assert message == ("tf_i2i endpoint 'serve': input 'previous_1' height and width must be those of input 'label' "
                       "divided by 2; got height, width and those of 'label' = 32, 32, 32, 32")
    message = serving_error(loaded.signatures["serve"], **{**good, "label": good["label"][:, :2]})
    assert message.startswith("tf_i2i endpoint 'serve': input 'label' must have shape "
                              "[batch >= 1, 3, height >= 1, width >= 1, 1]; got shape [1, 2, 32, 32, 1]")


def test_export_info_names_the_outputs_and_the_fixed_tflite_shapes(exported):
    _, paths, _ = exported
    info = json.loads(paths["export_info"].read_text())
    serve = info["endpoints"]["serve"]
    assert {name: entry["shape"][-1] for name, entry in serve["outputs"].items()} == {
        "flow": 2, "image": 3, "image_1": 3, "mask": 1}
    assert serve["size_divisors"] == {"instance": 1, "previous": 1, "previous_1": 2}
    assert info["tflite"]["serve_float32.tflite"]["input_shapes"] == {
        "label": [1, 3, 32, 32, 1], "instance": [1, 3, 32, 32, 1], "previous": [1, 2, 32, 32, 3],
        "previous_1": [1, 2, 16, 16, 3], "first": [1]}
    assert info["paper"] == "vid2vid" and info["translate"]["inputs"] == "video"
