"""History buffer of generated images (Shrivastava et al. 2017), as CycleGAN feeds its discriminators."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.errors import ConfigError


@keras.saving.register_keras_serializable(package="tf_i2i")
class ImagePool(keras.layers.Layer):
    """Returns, per image, either the new fake or (p=0.5, once full) a stored older fake it replaces.

    The buffer, its fill count and the RNG seed are variables, so a checkpoint resumes the pool
    exactly. Under tf.distribute each replica keeps its own pool (on-read variables), as each GPU
    process would. `pool_size=0` disables the pool (identity).
    """

    def __init__(self, pool_size: int = 50, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = int(pool_size)
        self.seed = int(seed)

    def build(self, input_shape):
        if self.pool_size == 0:
            return
        if any(d is None for d in input_shape[1:]):
            raise ConfigError(
                f"ImagePool needs a static image shape, got {tuple(input_shape)}: crop the training "
                "images to a fixed size (data.preprocess other than 'none')")
        local = dict(trainable=False, synchronization="on_read", aggregation="only_first_replica")
        self.images = keras.Variable(
            tf.zeros((self.pool_size, *input_shape[1:])), name="images", **local)
        self.count = keras.Variable(0, dtype="int32", name="count", **local)
        self.rng_state = keras.Variable([self.seed, 0], dtype="int64", name="rng_state", **local)

    def _uniform(self, shape, maxval=None):
        """Stateless draw from the stored seed, advancing it so the next draw differs."""
        seed = tf.cast(self.rng_state.value, tf.int64)
        self.rng_state.assign(seed + tf.constant([0, 1], tf.int64))
        if maxval is None:
            return tf.random.stateless_uniform(shape, seed)
        return tf.random.stateless_uniform(shape, seed, maxval=maxval, dtype=tf.int32)

    def _store(self, slot, image):
        self.images.assign(tf.tensor_scatter_nd_update(
            self.images.value, [[slot]], tf.cast(image, self.images.dtype)[None]))

    def _query_one(self, image):
        """One image through the pool (paper: history of the 50 most recent-ish fakes)."""
        count = self.count.value

        def fill():
            self._store(count, image)
            self.count.assign(count + 1)
            return image

        def swap():
            slot = self._uniform([], maxval=self.pool_size)
            old = tf.cast(self.images.value[slot], image.dtype)
            with tf.control_dependencies([old]):
                self._store(slot, image)
            return tf.identity(old)

        def maybe_swap():
            return tf.cond(self._uniform([]) > 0.5, swap, lambda: image)

        return tf.cond(count < self.pool_size, fill, maybe_swap)

    def call(self, fakes):
        if self.pool_size == 0:
            return fakes
        if fakes.shape[0] is None:
            raise ValueError("ImagePool needs a static batch size (build the dataset with drop_remainder)")
        fakes = tf.stop_gradient(fakes)
        return tf.stack([self._query_one(fakes[i]) for i in range(fakes.shape[0])])

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "seed": self.seed}
