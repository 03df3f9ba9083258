"""tf_i2i: image-to-image translation models for TensorFlow 2 / Keras 3."""

__version__ = "0.1.0"
