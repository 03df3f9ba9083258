"""A tiny vid2vid model config and hand-made chunk batches (the data pipeline's element spec) for
the model tests: 32 px frames, 8 filters, batch 2."""

from __future__ import annotations

import ml_collections
import numpy as np
import tensorflow as tf


def tiny_model_config(**generator) -> ml_collections.ConfigDict:
    """config.model of a vid2vid run with 4 classes + instances, 3-frame generator and discriminators."""
    return ml_collections.ConfigDict(dict(
        name="vid2vid", label_nc=4, input_nc=3, output_nc=3, use_instance=True, n_frames_G=3, n_frames_D=3,
        n_scales_temporal=2, align_corners=True, niter_fix_global=0, load_pretrain="",
        generator={**dict(ngf=8, n_downsample_G=2, n_blocks=1, n_blocks_local=1, norm="batch", n_scales_spatial=1,
                          fg=True, fg_labels=[3], no_flow=False, no_first_img=False), **generator},
        discriminator=dict(ndf=8, n_layers_D=1, num_D=1, norm="batch"),
        loss=dict(gan_mode="lsgan", gan_feat_loss=True, lambda_feat=10.0, vgg_loss=False, vgg_weights="random",
                  lambda_T=10.0, lambda_F=10.0)))


def chunk_batch(chunk: int, batch: int = 2, length: int = 3, side: int = 32, temporal_scales: int = 2,
                seed: int | None = None) -> dict[str, tf.Tensor]:
    """Random label/instance/frame/flow chunk number `chunk` of a sequence (keys as build_dataset's
    'video' layout gives them)."""
    rng = np.random.default_rng(chunk if seed is None else seed)
    shape = (batch, length, side, side)
    out = {"label": rng.integers(0, 4, (*shape, 1)).astype(np.int32),
           "instance": rng.integers(0, 3, (*shape, 1)).astype(np.int32),
           "image": rng.uniform(-1, 1, (*shape, 3)).astype(np.float32),
           "flow": rng.normal(0, 1, (batch, length - 1, side, side, 2)).astype(np.float32),
           "chunk": np.full([batch], chunk, np.int32)}
    for s in range(1, temporal_scales):
        out[f"flow_t{s}"] = rng.normal(0, 1, (batch, length - 2, side, side, 2)).astype(np.float32)
    return {k: tf.constant(v) for k, v in out.items()}
