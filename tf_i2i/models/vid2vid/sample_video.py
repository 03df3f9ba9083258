"""A whole generated video at the end of training (beside the periodic frame strips): one sequence of
the training data, its first n_frames_G - 1 frames given as in training, every later frame generated
from the ones before it, written as PNG frames and .mp4 files into the run's samples folder."""

from __future__ import annotations

from pathlib import Path

import ml_collections
import numpy as np
import tensorflow as tf

from tf_i2i import atomic
from tf_i2i.data import build_dataset
from tf_i2i.data.video.video_files import write_video
from tf_i2i.models.serving.tensors import to_uint8
from tf_i2i.models.vid2vid.generation import frame_pyramid

FPS = 8.0
WHOLE_SEQUENCE = 10 ** 6  # n_frames_total for the sample: the data clamps it to the sequence's length


def first_sequence(data_cfg: ml_collections.ConfigDict) -> dict[str, tf.Tensor]:
    """The first sequence of the training data, whole ([1, T, ...] per key): the chunks of the data
    stream without shuffling, stitched back (each chunk adds its frames after the overlap)."""
    cfg = ml_collections.ConfigDict(data_cfg.to_dict())
    cfg.video.n_frames_total, cfg.video.niter_step = WHOLE_SEQUENCE, 0
    chunks = []
    for chunk in build_dataset(cfg, batch_size=1, seed=0, deterministic=True, shuffle=False, repeat=False):
        if chunks and int(chunk["chunk"][0]) == 0:
            break
        chunks.append(chunk)
    overlap = cfg.video.n_frames_G - 1
    return {key: tf.concat([chunks[0][key]] + [c[key][:, overlap:] for c in chunks[1:]], axis=1)
            for key in chunks[0] if key in ("label", "label_image", "instance", "image")}


def generate_video(model, sequence: dict[str, tf.Tensor]) -> tf.Tensor:
    """[T, H, W, C] in [-1, 1]: the sequence's first n_frames_G - 1 frames as training starts them
    (real, or zeros with no_first_img), then each generated frame fed back as a previous frame."""
    t_g = model.cfg.n_frames_G
    labels = model.encode_labels(sequence)
    start = model.first_previous(tf.cast(sequence["image"], model.compute_dtype))
    previous = frame_pyramid(start, model.cfg.generator.n_scales_spatial)
    frames = list(tf.unstack(tf.cast(start[0], tf.float32)))
    step = tf.function(lambda labels, previous, first: model.generate(labels, previous, first).frames)
    for t in range(labels.shape[1] - t_g + 1):
        first = tf.constant(t == 0 and model.cfg.generator.no_first_img)
        new = step(labels[:, t:t + t_g], previous, first)
        previous = [tf.concat([p[:, 1:], tf.cast(n, p.dtype)], axis=1) for p, n in zip(previous, new)]
        frames.append(tf.cast(new[0][0, 0], tf.float32))
    return tf.stack(frames)


def write_sample_video(model, data_cfg: ml_collections.ConfigDict, folder: str | Path) -> list[Path]:
    """folder/video/<t>.png, folder/video.mp4 (the generated frames) and folder/video_compare.mp4
    (labels | generated | real, side by side); returns the two videos."""
    folder = Path(folder)
    sequence = first_sequence(data_cfg)
    generated = np.asarray(to_uint8(generate_video(model, sequence)))
    shown = np.asarray(to_uint8(model.shown_label_frames(sequence)[0]))
    real = np.asarray(to_uint8(sequence["image"][0]))
    (folder / "video").mkdir(parents=True, exist_ok=True)
    for t, frame in enumerate(generated):
        atomic.write_bytes(folder / "video" / f"{t:04d}.png", tf.io.encode_png(frame).numpy())
    compare = np.concatenate([np.broadcast_to(shown, real.shape[:-1] + (3,)), generated, real], axis=2)
    return [write_video(folder / "video.mp4", generated, FPS), write_video(folder / "video_compare.mp4", compare, FPS)]
