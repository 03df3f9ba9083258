"""pix2pixHD serving endpoints (tf_i2i.export.Endpoint): label map (+ instance map) -> image.

  serve           label int32 [B,H,W,1] (label_image float [B,H,W,input_nc] when label_nc is 0)
                  [+ instance int32 [B,H,W,1] with use_instance] -> image; with a feature encoder
                  the features are cluster 0 of each class (zeros without clusters). Also serve_uint8.
  serve_features  (feature encoder) the same inputs + features float32 [B,H,W,feat_num], the
                  user's own per-instance features.
  serve_clusters  (clusters given) the same inputs as serve + cluster int32 [B, label_nc]: the
                  centre chosen for each class; the cluster table is a graph constant.

Label ids outside [0, label_nc) (other than data.dontcare_label) fail at serving time.
The instance map only feeds the boundary map (Sec. 3.3): cluster features are looked up per pixel
by its label id, which is the instance's class.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import tensorflow as tf

from tf_i2i.models.serving.checks import IdRange
from tf_i2i.models.serving.endpoint import Endpoint
from tf_i2i.models.serving.float32 import float32_network
from tf_i2i.models.serving.tensors import image_spec, label_specs
from tf_i2i.models.pix2pixhd.clusters import ClusterError, Clusters, cluster_features

FEATURES_ENDPOINT = "serve_features"


def generator_channels(model) -> int:
    """Input channels of G: one-hot labels (or the label picture), boundary map, features."""
    cfg = model.cfg
    channels = cfg.label_nc if cfg.label_nc else cfg.input_nc
    return channels + (1 if cfg.use_instance else 0) + (cfg.encoder.feat_num if model.use_features else 0)


def _generate(model, generator: keras.Model, specs: tuple[tf.TensorSpec, ...]) -> Callable[..., tf.Tensor]:
    """(label inputs as in `specs`, features or None) -> G's image, all in float32."""
    def generate(args: tuple[tf.Tensor, ...], features: tf.Tensor | None) -> tf.Tensor:
        label_input = tf.cast(model.label_input({s.name: x for s, x in zip(specs, args)}), tf.float32)
        parts = [label_input] + ([features] if features is not None else [])
        return generator(tf.concat(parts, axis=-1), training=False)
    return generate


def pix2pixhd_endpoints(model, clusters: Clusters | None = None) -> list[Endpoint]:
    """The endpoints above for a built Pix2PixHD model (`clusters` checked against it)."""
    cfg = model.cfg
    feat_num = cfg.encoder.feat_num
    if clusters is not None:
        if not model.use_features or not cfg.label_nc:
            raise ClusterError("clusters need a model with a feature encoder and class ids (label_nc > 0)")
        clusters.check(cfg.label_nc, feat_num)
    generator = float32_network(model.generator, generator_channels(model))
    specs = label_specs(cfg.use_instance, 0 if cfg.label_nc else cfg.input_nc)
    generate = _generate(model, generator, specs)
    table = None if clusters is None else tf.constant(clusters.table(cfg.label_nc))
    counts = None if clusters is None else tf.constant(clusters.counts(cfg.label_nc))

    def lookup(label: tf.Tensor, choice: tf.Tensor) -> tf.Tensor:
        return cluster_features(label, choice, table, counts)

    def default_features(label: tf.Tensor) -> tf.Tensor | None:
        if not model.use_features:
            return None
        if table is None:
            shape = tf.shape(label)
            return tf.zeros(tf.stack([shape[0], shape[1], shape[2], feat_num]), tf.float32)
        return lookup(label, tf.zeros(tf.stack([tf.shape(label)[0], cfg.label_nc]), tf.int32))

    ids = {"label": IdRange(cfg.label_nc, cfg.get("dontcare_label", -1))} if cfg.label_nc else {}
    common = dict(size_multiple=generator.size_multiple, networks=(generator,), ids=ids)
    endpoints = [Endpoint("serve", lambda *args: generate(args, default_features(args[0])), specs,
                          image_inputs=("label_image",) if not cfg.label_nc else (), uint8=True, **common)]
    if model.use_features:
        endpoints.append(Endpoint(FEATURES_ENDPOINT, lambda *args: generate(args[:-1], args[-1]),
                                  specs + (image_spec(feat_num, tf.float32, name="features"),), **common))
    if clusters is not None:
        cluster_spec = tf.TensorSpec([None, cfg.label_nc], tf.int32, name="cluster")
        endpoints.append(Endpoint(
            "serve_clusters", lambda *args: generate(args[:-1], lookup(args[0], args[-1])), specs + (cluster_spec,),
            info={"cluster_counts": clusters.counts(cfg.label_nc).tolist(),
                  "cluster_centers": {str(c): v.tolist() for c, v in sorted(clusters.centers.items())}},
            **common))
    return endpoints
