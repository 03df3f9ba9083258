"""Per-example GAN and reconstruction losses.

Every function returns one value per example (shape [B]); the model turns it into the replica
loss with `tf.nn.compute_average_loss`, which divides by the GLOBAL batch, because Keras 3 sums
gradients over replicas (see ../shared/docs/stack-facts.md).
"""

from __future__ import annotations

import tensorflow as tf

GAN_MODES = ("vanilla", "lsgan", "hinge")


def _per_example_mean(x: tf.Tensor) -> tf.Tensor:
    x = tf.cast(x, tf.float32)
    return tf.reduce_mean(tf.reshape(x, [tf.shape(x)[0], -1]), axis=1)


def gan_loss(logits: tf.Tensor, target_is_real: bool, mode: str = "lsgan",
             for_discriminator: bool = True) -> tf.Tensor:
    """Adversarial loss of raw discriminator logits against a real/fake target.

    vanilla: sigmoid cross-entropy (pix2pix); lsgan: squared error to 1/0 (CycleGAN, pix2pixHD);
    hinge: max(0, 1 -/+ D) for D and -D for G (SPADE).
    """
    logits = tf.cast(logits, tf.float32)
    if mode == "vanilla":
        labels = tf.ones_like(logits) if target_is_real else tf.zeros_like(logits)
        return _per_example_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
    if mode == "lsgan":
        target = 1.0 if target_is_real else 0.0
        return _per_example_mean(tf.square(logits - target))
    if mode == "hinge":
        if not for_discriminator:
            if not target_is_real:
                raise ValueError("the hinge generator loss is only defined for target_is_real=True")
            return -_per_example_mean(logits)
        margin = 1.0 - logits if target_is_real else 1.0 + logits
        return _per_example_mean(tf.nn.relu(margin))
    raise ValueError(f"unknown gan mode {mode!r}; expected one of {GAN_MODES}")


def l1_loss(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """Mean absolute error per example (torch.nn.L1Loss averaged over each example's pixels)."""
    return _per_example_mean(tf.abs(tf.cast(a, tf.float32) - tf.cast(b, tf.float32)))
