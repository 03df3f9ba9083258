"""Per-example GAN, reconstruction and feature-matching losses.

Every function returns one value per example (shape [B]); the model turns it into the replica
loss with `tf.nn.compute_average_loss`, which divides by the GLOBAL batch, because Keras 3 sums
gradients over replicas (see ../shared/docs/stack-facts.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import tensorflow as tf

GAN_MODES = ("vanilla", "lsgan", "hinge")
# pix2pixHD's weights of relu1_1 ... relu5_1 in its VGG loss (deeper layers count more).
VGG_LAYER_WEIGHTS = (1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0)

# A multi-scale discriminator's output: one entry per scale, each the list of that scale's
# feature maps (last = logits) or just its logits tensor.
ScaleOutputs = Sequence[Sequence[tf.Tensor] | tf.Tensor]


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


def _logits(scale: Sequence[tf.Tensor] | tf.Tensor) -> tf.Tensor:
    return scale[-1] if isinstance(scale, (list, tuple)) else scale


def multiscale_gan_loss(outputs: ScaleOutputs, target_is_real: bool, mode: str = "lsgan",
                        for_discriminator: bool = True) -> tf.Tensor:
    """gan_loss of each scale's last output, summed over scales (pix2pixHD's GANLoss on a list).

    The vanilla mode takes logits: it equals the official sigmoid-in-D + BCE, without the sigmoid.
    """
    return tf.add_n([gan_loss(_logits(s), target_is_real, mode, for_discriminator) for s in outputs])


def feature_matching_loss(fake_features: Sequence[Sequence[tf.Tensor]], real_features: Sequence[Sequence[tf.Tensor]],
                          n_layers_D: int = 3, lambda_feat: float = 10.0) -> tf.Tensor:
    """Discriminator feature matching (pix2pixHD Eq. 4), per example.

    Every feature map but the last (the logits) of every scale: L1 between the fake's and the
    stop-gradient real's, weighted 1/num_D per scale and 4/(n_layers_D + 1) per layer, times
    lambda_feat, as the official code does.
    """
    if len(fake_features) != len(real_features):
        raise ValueError(f"{len(fake_features)} fake scales but {len(real_features)} real scales")
    terms = []
    for fake, real in zip(fake_features, real_features):
        if len(fake) != len(real):
            raise ValueError(f"a scale has {len(fake)} fake but {len(real)} real feature maps")
        terms += [l1_loss(f, tf.stop_gradient(r)) for f, r in zip(fake[:-1], real[:-1])]
    if not terms:
        raise ValueError("feature matching needs each scale's intermediate features, not only its logits")
    weight = lambda_feat / len(fake_features) * 4.0 / (n_layers_D + 1)
    return weight * tf.add_n(terms)


def vgg_loss(fake: tf.Tensor, real: tf.Tensor, extractor: Callable[[tf.Tensor], Sequence[tf.Tensor]],
             lambda_vgg: float = 10.0, layer_weights: Sequence[float] = VGG_LAYER_WEIGHTS) -> tf.Tensor:
    """Perceptual loss of pix2pixHD, per example: sum_i w_i * L1(VGG_i(fake), stop_gradient(VGG_i(real))) * lambda.

    ``extractor`` maps images to feature maps (e.g. nets.vgg.VGG19Features); fake and real go
    through it as one batch, which is the same as two calls because VGG has no normalisation.
    """
    batch = tf.shape(fake)[0]
    features = extractor(tf.concat([tf.cast(fake, tf.float32), tf.cast(real, tf.float32)], axis=0))
    if len(features) != len(layer_weights):
        raise ValueError(f"the extractor gives {len(features)} feature maps but {len(layer_weights)} weights")
    terms = [w * l1_loss(f[:batch], tf.stop_gradient(f[batch:])) for w, f in zip(layer_weights, features)]
    return lambda_vgg * tf.add_n(terms)
