"""tools/translate.py on vid2vid: a folder of label frames (+ instance maps) or a video with
--edges=canny becomes one PNG per frame and an .mp4; the first n_frames_G - 1 frames are the real
ones, a single-image model's, or (zeros) frame 0 comes from the labels alone; a bad frame is
named before any frame is generated."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers_export import run_tools
from tests.helpers_export import tiny_model as tiny_image_model
from tests.helpers_vid2vid_run import SIDE, label_frames, tiny_edges_config, tiny_run_config, write_frames, write_run
from tf_i2i.data.video.edges import canny_edges
from tf_i2i.data.video.video_files import read_video, video_fps, write_video
from tf_i2i.export import Preprocessing, export_model
from tf_i2i.export.options import TranslateOptions, check_options
from tf_i2i.export.served import ServedModel, served_from_saved_model, served_from_workdir
from tf_i2i.export.translate import make_translator
from tf_i2i.export.video_translate import read_video_input, translate_video
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.serving.tensors import to_float, to_uint8
from tf_i2i.registry import get_spec

N = 5


@pytest.fixture(scope="module")
def frames(tmp_path_factory) -> Path:
    """labels/ (5 label frames), inst/ (their instance maps) and real/ (2 real frames)."""
    root = tmp_path_factory.mktemp("frames")
    labels, instances = label_frames(N)
    write_frames(root / "labels", labels)
    write_frames(root / "inst", instances)
    write_frames(root / "real", np.random.default_rng(0).integers(0, 256, (2, SIDE, SIDE, 3)).astype(np.uint8))
    return root


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """A tiny vid2vid run folder (label ids + instances) and its export in RUN/export."""
    workdir = tmp_path_factory.mktemp("v2v_run")
    config = tiny_run_config()
    model = write_run(workdir, config)
    export_model(model, workdir / "export", tflite=(), preprocessing=Preprocessing.of(config.data))
    return workdir


def _translate(model: ServedModel, inputs: Path, outdir: Path, on_failed=None, **options) -> list[Path]:
    """tools/translate.py's video path in-process."""
    chosen = TranslateOptions(**options)
    translator = make_translator(model, chosen)
    video = read_video_input(translator, model, inputs, chosen.instance, chosen, on_failed)
    return translate_video(translator, video, chosen, outdir)


def _png(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path))


def test_a_folder_of_label_frames_gives_a_png_per_frame_and_an_mp4(run, frames, tmp_path):
    (tool,) = run_tools(("translate", f"--saved_model={run / 'export'}", f"--input={frames / 'labels'}",
                         f"--instance={frames / 'inst'}", f"--real_frames={frames / 'real'}",
                         f"--output={tmp_path / 'saved'}"))
    assert tool.returncode == 0, tool.stderr
    names = [f"frame_{i:03d}.png" for i in range(N)]
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == names + ["labels.mp4"]
    assert read_video(tmp_path / "saved" / "labels.mp4").shape == (N, SIDE, SIDE, 3)
    assert video_fps(tmp_path / "saved" / "labels.mp4") == 24.0
    saved = np.stack([_png(tmp_path / "saved" / name) for name in names])
    np.testing.assert_array_equal(saved[:2], [_png(frames / "real" / name) for name in names[:2]])  # real frames first
    model = served_from_workdir(run)
    written = _translate(model, frames / "labels", tmp_path / "ckpt", instance=str(frames / "inst"),
                         real_frames=str(frames / "real"))
    assert [p.name for p in written] == names + ["labels.mp4"]
    ckpt = np.stack([_png(p) for p in written[:N]]).astype(int)
    assert np.abs(ckpt - saved).max() <= 1  # the checkpoint and the export make the same frames
    labels, instances = label_frames(N)
    third = model.endpoint("serve")({"label": tf.constant(labels[None, :3, ..., None], tf.int32),
                                     "instance": tf.constant(instances[None, :3, ..., None], tf.int32),
                                     "previous": to_float(saved[None, :2])}, "frame 2")["image"]
    np.testing.assert_array_equal(ckpt[2], to_uint8(third)[0])  # made from labels 0..2 and the real frames
    assert np.abs(np.diff(ckpt[2:], axis=0)).max() > 0  # each frame is made anew


def test_edges_of_a_video_with_the_runs_thresholds(run, tmp_path):
    workdir = tmp_path / "edges_run"
    write_run(workdir, tiny_edges_config())
    t = np.arange(6)[:, None, None]
    y, x = np.mgrid[:SIDE, :SIDE]
    square = (np.abs(x - 8 - 2 * t) < 6) & (np.abs(y - 16) < 6)  # a square moving right
    pictures = np.where(square[..., None], [200, 60, 40], [30, 90, 160]).astype(np.uint8)
    clip = write_video(tmp_path / "clip.mp4", pictures, fps=12)
    model = served_from_workdir(workdir)
    options = TranslateOptions(edges="canny")
    translator = make_translator(model, options)
    video = read_video_input(translator, model, clip, None, options)
    decoded = read_video(clip)
    np.testing.assert_array_equal(video.maps[3]["label_image"][0], to_float(canny_edges(decoded[3:4], 50, 150)[0]))
    written = translate_video(translator, video, options, tmp_path / "out")
    assert [p.name for p in written] == [f"clip_{i:05d}.png" for i in range(6)] + ["clip.mp4"]
    assert read_video(tmp_path / "out" / "clip.mp4").shape == (6, SIDE, SIDE, 3)
    assert video_fps(tmp_path / "out" / "clip.mp4") == 12.0  # the input's frame rate
    np.testing.assert_array_equal(_png(tmp_path / "out" / "clip_00001.png"), decoded[1])  # --first_frame=real: its own
    with pytest.raises(ExportInputError, match="--edges=canny makes edge maps: this model takes class ids"):
        _translate(served_from_workdir(run), clip, tmp_path / "ids", edges="canny")


def test_first_frame_zeros_makes_frame_0_from_the_labels_alone(frames, tmp_path):
    workdir = tmp_path / "no_first_img"
    write_run(workdir, tiny_run_config(no_first_img=True))
    model = served_from_workdir(workdir)
    written = _translate(model, frames / "labels", tmp_path / "out", instance=str(frames / "inst"))  # its default
    assert len(written) == N + 1
    labels, instances = label_frames(N)
    inputs = {"label": np.repeat(labels[None, :1, ..., None], 3, axis=1).astype(np.int32),
              "instance": np.repeat(instances[None, :1, ..., None], 3, axis=1).astype(np.int32),
              "previous": np.zeros((1, 2, SIDE, SIDE, 3), np.float32), "first": np.array([True])}
    first = model.endpoint("serve")({k: tf.constant(v) for k, v in inputs.items()}, "frame 0")["image"]
    np.testing.assert_array_equal(_png(written[0]), to_uint8(first)[0])


def test_zeros_on_a_run_without_no_first_img_warns(run, frames, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        written = _translate(served_from_workdir(run), frames / "labels", tmp_path, instance=str(frames / "inst"),
                             first_frame="zeros")
    assert len(written) == N + 1 and "meant for runs trained with no_first_img" in caplog.text


def test_first_frames_from_a_single_image_model(run, frames, tmp_path):
    pix2pixhd = tiny_image_model("pix2pixhd")
    export_model(pix2pixhd, tmp_path / "p2phd", tflite=())
    written = _translate(served_from_workdir(run), frames / "labels", tmp_path / "out", instance=str(frames / "inst"),
                         first_frame="single_g", single_g_workdir=str(tmp_path / "p2phd"))
    assert len(written) == N + 1
    labels, instances = label_frames(N)
    single = served_from_saved_model(tmp_path / "p2phd").endpoint("serve")
    for i in range(2):
        label = {"label": labels[i:i + 1, ..., None], "instance": instances[i:i + 1, ..., None]}
        expected = single({k: tf.constant(v, tf.int32) for k, v in label.items()}, "pix2pixHD")
        np.testing.assert_array_equal(_png(written[i]), to_uint8(expected)[0])

def test_bad_frames_are_each_named_before_any_frame_is_made(run, frames, tmp_path):
    model = served_from_workdir(run)
    bad = tmp_path / "bad"
    labels, _ = label_frames(N)
    labels[1, 0, 0] = labels[3, 5, 5] = 9  # class ids the model does not have
    paths = write_frames(bad, labels)
    failed = []
    with pytest.raises(ExportInputError, match=f"2 of {N} frames of {bad} cannot be used"):
        _translate(model, bad, tmp_path / "out", on_failed=lambda path, message: failed.append((path, message)),
                   instance=str(frames / "inst"), real_frames=str(frames / "real"))
    assert [path for path, _ in failed] == [paths[1], paths[3]]
    assert all(f"label id out of range: {path} contains id(s) [9]" in message for path, message in failed)
    assert not (tmp_path / "out").exists()
    partial = tmp_path / "partial_inst"
    write_frames(partial, label_frames(N)[1][:4])  # no instance map for frame_004
    with pytest.raises(ExportInputError, match=f"no instance map in {partial} with the name of .*frame_004.png"):
        _translate(model, frames / "labels", tmp_path / "out", instance=str(partial), real_frames=str(frames / "real"))


def test_video_flags_apply_to_video_models_only():
    with pytest.raises(ExportInputError, match="--edges does not apply to pix2pixhd: it translates single labels"):
        check_options(TranslateOptions(edges="canny"), "pix2pixhd", get_spec("pix2pixhd").translate)
    with pytest.raises(ExportInputError, match="--first_frame one of"):
        check_options(TranslateOptions(first_frame="first"), "vid2vid", get_spec("vid2vid").translate)
