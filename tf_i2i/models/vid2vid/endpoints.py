"""vid2vid's serving endpoint (tf_i2i.models.serving.Endpoint): one new frame per call, so a caller
loops it over a video, feeding each output frame back as a previous frame (official test.py, one
frame per call of Vid2VidModelG.inference).

  serve  label int32 [B, tG, H, W, 1]: the label frames t-tG+1..t, oldest first (label_image float32
         [B, tG, H, W, input_nc] in [-1, 1] when label_nc is 0: RGB or edge frames)
         [+ instance int32 [B, tG, H, W, 1] with use_instance]
         + previous float32 [B, tG-1, H, W, C] in [-1, 1]: frames t-tG+1..t-1, oldest first
         [+ previous_<k> float32 [B, tG-1, H/2^k, W/2^k, C], k = 1 .. n_scales_spatial-1: those frames
           as the coarser scale k made them (each scale is fed its own previous outputs)]
         [+ first bool [B] with no_first_img: True makes frame t from the labels alone (the
           hallucinated frame, previous all zeros), as the official first frame of a sequence]
      -> image float32 [B, H, W, C] in [-1, 1]: frame t
         [image_<k> [B, H/2^k, W/2^k, C]: frame t at the coarser scale k, the next previous_<k>]
         [flow float32 [B, H, W, 2]: the backward flow from frame t to frame t-1 in pixels (x, y);
          mask float32 [B, H, W, 1] in [0, 1]: the occlusion mask, the weight of the hallucinated
          frame against frame t-1 warped by the flow; both absent with no_flow]

The loop (tools/translate.py's, tf_i2i/export/video_translate.py), for label frames 0..T-1:
  previous = the first tG-1 frames (real ones, a single-image model's, or zeros with `first`);
  previous_<k> = their pyramid (tf_i2i.models.vid2vid.generation.frame_pyramid: 3x3 average pool of
  stride 2, padding excluded, k times; zeros stay zeros)
  for t = tG-1 .. T-1:
      out = serve(label=labels[t-tG+1..t], previous=previous, previous_<k>=..., first=(t == tG-1))
      previous = previous[:, 1:] + out["image"]; previous_<k> = previous_<k>[:, 1:] + out["image_<k>"]
Label ids outside [0, label_nc) (other than data.dontcare_label) and, with check_range, previous
frames outside [-1, 1] fail at serving time; every input must have the label frames' H x W (the
coarser previous frames that divided by 2^k).
"""

from __future__ import annotations

import tensorflow as tf

from tf_i2i.models.serving.checks import IdRange
from tf_i2i.models.serving.endpoint import Endpoint

PREVIOUS = "previous"
FIRST = "first"


def level_name(name: str, level: int) -> str:
    """'previous' / 'image' at pyramid level 0 (full size), 'previous_<k>' / 'image_<k>' at level k."""
    return name if level == 0 else f"{name}_{level}"


def frames_spec(frames: int, channels: int, dtype: tf.DType, name: str) -> tf.TensorSpec:
    """[B, frames, H, W, channels], B, H and W dynamic."""
    return tf.TensorSpec([None, frames, None, None, channels], dtype, name=name)


def vid2vid_endpoints(model) -> list[Endpoint]:
    """The 'serve' endpoint above for a built Vid2Vid model that computes in float32
    (Vid2Vid.float32_twin)."""
    cfg = model.cfg
    t_g, levels = cfg.n_frames_G, cfg.generator.n_scales_spatial
    label = (frames_spec(t_g, 1, tf.int32, "label") if cfg.label_nc
             else frames_spec(t_g, cfg.input_nc, tf.float32, "label_image"))
    specs = [label] + ([frames_spec(t_g, 1, tf.int32, "instance")] if cfg.use_instance else [])
    previous = [level_name(PREVIOUS, k) for k in range(levels)]
    specs += [frames_spec(t_g - 1, cfg.output_nc, tf.float32, name) for name in previous]
    if cfg.generator.no_first_img:
        specs.append(tf.TensorSpec([None], tf.bool, name=FIRST))
    names = [s.name for s in specs]

    def serve(*args: tf.Tensor) -> dict[str, tf.Tensor]:
        inputs = dict(zip(names, args))
        labels = model.encode_labels(inputs)
        raw_only = tf.reshape(inputs[FIRST], [-1, 1, 1, 1]) if FIRST in inputs else False
        out = model.generate(labels, [inputs[name] for name in previous], raw_only)
        outputs = {level_name("image", k): frames[:, 0] for k, frames in enumerate(out.frames)}
        if out.flow is not None:
            outputs.update(flow=out.flow[:, 0], mask=out.weight[:, 0])
        return outputs

    ids = {"label": IdRange(cfg.label_nc, cfg.get("dontcare_label", -1))} if cfg.label_nc else {}
    divisors = {name: 1 for name in names[1:] if name != FIRST} | {name: 2 ** k for k, name in enumerate(previous)}
    pictures = previous + ([] if cfg.label_nc else [label.name])
    return [Endpoint("serve", serve, tuple(specs), model.input_size_limits().multiple, tuple(model.generators),
                     image_inputs=tuple(pictures), ids=ids, size_divisors=divisors)]
