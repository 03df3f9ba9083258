"""Whether instance styles work (INIT): measured on translated pictures with boxes.

following: pictures rendered with the background code of one reference and the object codes of
  another; Pearson correlation (over pictures and RGB channels) of the output's mean colour inside its
  boxes with the object reference's inside its boxes, and outside with the background reference's
  outside. A global-only model (MUNIT) can follow one reference at a time: it is measured guided by
  each.
locality: one box's object code replaced; how much the pixels of that box change against pixels
  farther than `margin` pixels from it (mean and 99th percentile of |change|, in [-1, 1] units).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from tf_i2i.layers.boxes import box_masks

# render(images, boxes, valid, background_code_source, object_code_source) -> images; the sources are
# reference pictures (with their boxes) the model takes codes from.
Render = Callable[..., np.ndarray]


@dataclasses.dataclass
class Pictures:
    """Pictures [B, H, W, C] in [-1, 1] with boxes [B, N, 4] and valid [B, N]."""

    images: np.ndarray
    boxes: np.ndarray
    valid: np.ndarray

    def union(self) -> np.ndarray:
        """bool [B, H, W]: pixels inside any valid box."""
        h, w = self.images.shape[1:3]
        return np.asarray(box_masks(self.boxes, self.valid, h, w)).max(axis=1)[..., 0] > 0


def region_means(images: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean colour inside [B, C], outside [B, C]) of images over the bool masks inside [B, H, W];
    NaN rows where a region is empty."""
    def mean(mask):
        count = mask.sum(axis=(1, 2))[:, None]
        total = (images * mask[..., None]).sum(axis=(1, 2))
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    return mean(inside), mean(~inside)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of the finite pairs of a and b (flattened)."""
    a, b = np.ravel(a), np.ravel(b)
    keep = np.isfinite(a) & np.isfinite(b)
    return float(np.corrcoef(a[keep], b[keep])[0, 1])


def following(outputs: np.ndarray, inputs: Pictures, background_refs: Pictures, object_refs: Pictures
              ) -> dict[str, float]:
    """{'inside_vs_object_ref', 'outside_vs_background_ref', 'inside_vs_background_ref',
    'outside_vs_object_ref'}: correlations of the outputs' region colours with the references'."""
    out_in, out_out = region_means(outputs, inputs.union())
    bg_in, bg_out = region_means(background_refs.images, background_refs.union())
    obj_in, obj_out = region_means(object_refs.images, object_refs.union())
    return {"inside_vs_object_ref": correlation(out_in, obj_in),
            "outside_vs_background_ref": correlation(out_out, bg_out),
            "inside_vs_background_ref": correlation(out_in, bg_in),
            "outside_vs_object_ref": correlation(out_out, obj_out)}


def distance_from_box(boxes: np.ndarray, height: int, width: int) -> np.ndarray:
    """[B, H, W] pixel distance (Chebyshev, in pixels) of each pixel centre from box [B, 4] (0 inside)."""
    ys = (np.arange(height) + 0.5)[None, :, None]
    xs = (np.arange(width) + 0.5)[None, None, :]
    y1, x1, y2, x2 = (boxes[:, i, None, None] * size for i, size in zip(range(4), (height, width, height, width)))
    dy = np.maximum(np.maximum(y1 - ys, ys - y2), 0.0)
    dx = np.maximum(np.maximum(x1 - xs, xs - x2), 0.0)
    return np.maximum(dy, dx)


def locality(before: np.ndarray, after: np.ndarray, changed_boxes: np.ndarray, margin: float
             ) -> dict[str, float]:
    """How a change of one box's code [B, 4] moved before -> after [B, H, W, C]: mean |change| inside the
    box, and mean and 99th percentile farther than `margin` pixels from it."""
    change = np.abs(after - before).mean(axis=-1)
    distance = distance_from_box(changed_boxes, *change.shape[1:3])
    inside, far = change[distance == 0], change[distance > margin]
    return {"inside_mean": float(inside.mean()), "far_mean": float(far.mean()),
            "far_p99": float(np.percentile(far, 99)), "far_share": float((distance > margin).mean())}
