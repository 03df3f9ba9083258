"""The synthetic ``boxes`` layout: domain d shows scenes d*n..d*n+n-1 in its look (data.synthetic.looks,
default LOOKS[d]), as the ``domains`` layout, with the boxes of each scene's cars, people and (with
data.synthetic.signs) sign plates from its instance map."""

from __future__ import annotations

import ml_collections
import numpy as np
import tensorflow as tf

from tf_i2i.data.boxes.annotation import padded
from tf_i2i.data.boxes.instance_boxes import SYNTHETIC_CLASSES, boxes_from_instance_map
from tf_i2i.data.source import Source, domain_indices
from tf_i2i.data.synthetic import domain_looks, render_sample, scenes


def synthetic_box_source(cfg: ml_collections.ConfigDict, split: str) -> Source:
    """Render scenes and their padded boxes lazily inside tf.data (one numpy_function call per element)."""
    (n, h, w), seed, max_boxes = scenes(cfg), cfg.synthetic.seed, cfg.boxes.max_boxes
    looks, signs = domain_looks(cfg.num_domains, cfg.synthetic.looks), cfg.synthetic.signs

    def run(domain: np.int64, index: np.int64) -> list[np.ndarray]:
        look = looks[int(domain)]
        sample = render_sample(seed, split, int(index) + int(domain) * n, h, w, ("instance", look), signs)
        boxes = padded(boxes_from_instance_map(sample["instance"], SYNTHETIC_CLASSES), max_boxes)
        return [sample[look], boxes["boxes"], boxes["box_classes"], boxes["box_valid"]]

    def load(rec: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        image, boxes, classes, valid = tf.numpy_function(
            run, [rec["domain"], rec["index"]], [tf.uint8, tf.float32, tf.int32, tf.bool], stateful=False
        )
        shapes = ([h, w, 3], [max_boxes, 4], [max_boxes], [max_boxes])
        parts = [tf.ensure_shape(t, s) for t, s in zip((image, boxes, classes, valid), shapes)]
        return dict(zip(("image", "boxes", "box_classes", "box_valid"), parts), domain=rec["domain"])

    sizes = [n] * len(looks)
    return Source(lambda seed, shuffle, repeat: domain_indices(sizes, seed, shuffle, repeat), load)
