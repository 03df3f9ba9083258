"""Frozen VGG19 features for pix2pixHD's perceptual loss (Wang et al. 2018, Sec. 3.2, "VGG feature matching").

The official loss takes relu1_1, relu2_1, relu3_1, relu4_1 and relu5_1 (torchvision
vgg19.features[0:2], [2:7], [7:12], [12:21], [21:30]); in keras.applications.VGG19 these are the
outputs of block1_conv1 ... block5_conv1, whose convolutions carry their ReLU.

Nothing is ever downloaded: the ImageNet file is used only when it is already in the Keras cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
import tensorflow as tf

FEATURE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")
IMAGENET_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
IMAGENET_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + IMAGENET_FILE


def imagenet_weights_path(file: str = IMAGENET_FILE) -> Path:
    """Where Keras caches an ImageNet (no top) file, VGG19's by default: $KERAS_HOME (default ~/.keras)/models/."""
    return Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "models" / file


def resolve_weights(weights: str | None, file: str = IMAGENET_FILE, url: str = IMAGENET_URL,
                    network: str = "VGG19") -> str | None:
    """A local weights file for ``weights`` ("imagenet", a path, or None / "random" for random init);
    `file`, `url` and `network` name the Keras application's ImageNet file (VGG19's by default).

    Raises FileNotFoundError instead of downloading: training machines may have no internet.
    """
    if weights is None or weights == "random":
        return None
    path = imagenet_weights_path(file) if weights == "imagenet" else Path(weights).expanduser()
    if path.is_file():
        return str(path)
    if weights == "imagenet":
        raise FileNotFoundError(
            f"{network} ImageNet weights not found at {path}; nothing is downloaded here. Fetch {url} "
            f"into {path.parent} (or run keras.applications.{network}(include_top=False) once on a machine with "
            "internet and copy the file), or pass the file's path as the weights (loss.vgg_weights), or "
            "'random' for untrained features"
        )
    raise FileNotFoundError(f"{network} weights file not found: {path}")


@keras.saving.register_keras_serializable(package="tf_i2i")
class VGG19Features(keras.layers.Layer):
    """Images [B, H, W, 3] -> [relu1_1, relu2_1, relu3_1, relu4_1, relu5_1] (NHWC; strides 1, 2, 4, 8, 16).

    Input convention, faithful to the official VGGLoss: the generator's RGB images in [-1, 1] go
    in as they are, with no ImageNet mean/std (or 0-255, BGR) preprocessing. Keras's ImageNet
    file was trained on caffe-style BGR 0-255 inputs, torchvision's (which the official code
    uses) on normalised RGB, so with the Keras file the features, and the loss's scale, differ
    from the official ones; a file holding torchvision's weights in this layout reproduces them.

    ``weights``: "imagenet" (the Keras file, only if already cached, see resolve_weights), a
    path to a Keras VGG19 no-top weights file, or None / "random". Always frozen. The compute
    dtype follows the global policy when the layer is built (mixed_bfloat16 works).
    """

    def __init__(self, weights: str | None = "imagenet", **kwargs):
        super().__init__(**kwargs)
        self.weights_source = weights
        vgg = keras.applications.VGG19(
            include_top=False, weights=resolve_weights(weights), input_shape=(None, None, 3)
        )
        self.vgg = keras.Model(
            vgg.input, [vgg.get_layer(name).output for name in FEATURE_LAYERS], name="vgg19_features"
        )
        self.vgg.trainable = False
        self.trainable = False

    def call(self, images: tf.Tensor) -> list[tf.Tensor]:
        return self.vgg(images)

    def get_config(self):
        return {**super().get_config(), "weights": self.weights_source}
