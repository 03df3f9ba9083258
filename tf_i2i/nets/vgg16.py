"""Frozen VGG16 relu5_3 features for MUNIT/UNIT's domain-invariant perceptual loss (MUNIT Sec. 5.1).

The official Vgg16 runs conv1_1 ... conv5_3 with max pooling after blocks 1-3 only (no pool
between relu4_3 and conv5_1), so relu5_3 has stride 8, and it is fed caffe-style input: BGR,
0-255, ImageNet channel means subtracted. Keras's ImageNet VGG16 file holds the caffe weights
trained on exactly that input, so with it these features are the official ones.

Nothing is ever downloaded: the ImageNet file is used only when it is already in the Keras cache.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.nets.vgg import resolve_weights

IMAGENET_FILE = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
IMAGENET_URL = "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/" + IMAGENET_FILE
SKIPPED_POOLS = ("block4_pool", "block5_pool")  # the official network stops at relu5_3 without them
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


def caffe_input(images: tf.Tensor) -> tf.Tensor:
    """RGB [-1, 1] -> BGR [0, 255] minus the ImageNet means (the official vgg_preprocess), float32."""
    x = (tf.cast(images, tf.float32)[..., ::-1] + 1.0) * 127.5
    return x - tf.constant(CAFFE_MEAN_BGR, tf.float32)


@keras.saving.register_keras_serializable(package="tf_i2i")
class VGG16Features(keras.layers.Layer):
    """RGB images [B, H, W, 3] in [-1, 1] -> relu5_3 [B, H/8, W/8, 512] (NHWC), always frozen.

    ``weights``: "imagenet" (the Keras file, only if already cached, see nets.vgg.resolve_weights),
    a path to a Keras VGG16 no-top weights file, or None / "random". The compute dtype follows the
    global policy when the layer is built (mixed_bfloat16 works); preprocessing is float32.
    """

    def __init__(self, weights: str | None = "imagenet", **kwargs):
        super().__init__(**kwargs)
        self.weights_source = weights
        vgg = keras.applications.VGG16(include_top=False, input_shape=(None, None, 3),
                                       weights=resolve_weights(weights, IMAGENET_FILE, IMAGENET_URL, "VGG16"))
        x = inputs = keras.Input((None, None, 3))
        for layer in vgg.layers[1:]:
            if layer.name not in SKIPPED_POOLS:
                x = layer(x)
        self.vgg = keras.Model(inputs, x, name="vgg16_relu5_3")
        self.vgg.trainable = False
        self.trainable = False

    def call(self, images: tf.Tensor) -> tf.Tensor:
        return self.vgg(tf.cast(caffe_input(images), self.compute_dtype))

    def get_config(self):
        return {**super().get_config(), "weights": self.weights_source}
