"""Per-example GAN, reconstruction, feature-matching, perceptual and KL losses.

Every function returns one value per example (shape [B]); the model turns it into the replica
loss with `tf.nn.compute_average_loss`, which divides by the GLOBAL batch, because Keras 3 sums
gradients over replicas (see ../shared/docs/stack-facts.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import tensorflow as tf

from tf_i2i.errors import ConfigError

GAN_MODES = ("vanilla", "lsgan", "hinge")
# How feature matching weights each discriminator layer (see feature_matching_loss).
FEATURE_WEIGHTINGS = ("pix2pixhd", "spade")
# pix2pixHD's (and SPADE's) weights of relu1_1 ... relu5_1 in their VGG loss (deeper layers count more).
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
    raise ConfigError(f"unknown gan mode {mode!r}; expected one of {GAN_MODES}")


def l1_loss(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """Mean absolute error per example (torch.nn.L1Loss averaged over each example's pixels)."""
    return _per_example_mean(tf.abs(tf.cast(a, tf.float32) - tf.cast(b, tf.float32)))


def masked_l1_loss(a: tf.Tensor, b: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
    """l1_loss of a * mask and b * mask, the mask broadcast over channels (vid2vid's MaskedL1Loss:
    masked pixels count in the mean as zeros)."""
    mask = tf.cast(mask, tf.float32)
    return l1_loss(tf.cast(a, tf.float32) * mask, tf.cast(b, tf.float32) * mask)


def _logits(scale: Sequence[tf.Tensor] | tf.Tensor) -> tf.Tensor:
    return scale[-1] if isinstance(scale, (list, tuple)) else scale


def multiscale_gan_loss(outputs: ScaleOutputs, target_is_real: bool, mode: str = "lsgan",
                        for_discriminator: bool = True, average_scales: bool = False) -> tf.Tensor:
    """gan_loss of each scale's last output, summed over scales (pix2pixHD's GANLoss on a list).

    ``average_scales`` divides the sum by the number of scales, as SPADE's GANLoss does (its
    hinge D loss is then mean(relu(1 -/+ D)) averaged over scales, its G loss -mean(D) likewise).
    The vanilla mode takes logits: it equals the official sigmoid-in-D + BCE, without the sigmoid.
    """
    total = tf.add_n([gan_loss(_logits(s), target_is_real, mode, for_discriminator) for s in outputs])
    return total / len(outputs) if average_scales else total


def feature_matching_loss(fake_features: Sequence[Sequence[tf.Tensor]], real_features: Sequence[Sequence[tf.Tensor]],
                          n_layers_D: int = 3, lambda_feat: float = 10.0, weighting: str = "pix2pixhd") -> tf.Tensor:
    """Discriminator feature matching (pix2pixHD Eq. 4), per example.

    Every feature map but the last (the logits) of every scale: L1 between the fake's and the
    stop-gradient real's, times lambda_feat / num_D, as the official codes do. ``weighting``
    "pix2pixhd" also weights each layer 4/(n_layers_D + 1); SPADE's code ("spade") does not.
    """
    if weighting not in FEATURE_WEIGHTINGS:
        raise ConfigError(f"unknown feature matching weighting {weighting!r}; expected one of {FEATURE_WEIGHTINGS}")
    if len(fake_features) != len(real_features):
        raise ValueError(f"{len(fake_features)} fake scales but {len(real_features)} real scales")
    terms = []
    for fake, real in zip(fake_features, real_features):
        if len(fake) != len(real):
            raise ValueError(f"a scale has {len(fake)} fake but {len(real)} real feature maps")
        terms += [l1_loss(f, tf.stop_gradient(r)) for f, r in zip(fake[:-1], real[:-1])]
    if not terms:
        raise ValueError("feature matching needs each scale's intermediate features, not only its logits")
    weight = lambda_feat / len(fake_features)
    if weighting == "pix2pixhd":
        weight *= 4.0 / (n_layers_D + 1)
    return weight * tf.add_n(terms)


def vgg_loss(fake: tf.Tensor, real: tf.Tensor, extractor: Callable[[tf.Tensor], Sequence[tf.Tensor]],
             lambda_vgg: float = 10.0, layer_weights: Sequence[float] = VGG_LAYER_WEIGHTS) -> tf.Tensor:
    """Perceptual loss of pix2pixHD, per example: sum_i w_i * L1(VGG_i(fake), stop_gradient(VGG_i(real))) * lambda.

    ``extractor`` maps images to feature maps (e.g. nets.vgg.VGG19Features). Fake and real go
    through it in two calls: as one batch, the backward pass would also run VGG's convolutions
    on the real half, whose gradient is zero (pix2pixHD at 256x512: ~95 GFLOP a step).
    """
    fake_features = extractor(tf.cast(fake, tf.float32))
    real_features = extractor(tf.cast(real, tf.float32))  # no gradient: stopped in the terms below
    if len(fake_features) != len(layer_weights):
        raise ValueError(f"the extractor gives {len(fake_features)} feature maps but {len(layer_weights)} weights")
    terms = [w * l1_loss(f, tf.stop_gradient(r)) for w, f, r in zip(layer_weights, fake_features, real_features)]
    return lambda_vgg * tf.add_n(terms)


def instance_normalized_mse(fake_features: tf.Tensor, target_features: tf.Tensor, epsilon: float = 1e-5) -> tf.Tensor:
    """Per example: mean squared difference of two NHWC feature maps after instance normalising each
    (per sample and channel over H, W; biased variance; no affine), as MUNIT's compute_vgg_loss.

    Normalising removes each map's channel means and scales, the statistics that carry a domain's
    style, so the distance compares content: MUNIT's domain-invariant perceptual loss.
    """
    def normalize(x):
        x = tf.cast(x, tf.float32)
        mean, var = tf.nn.moments(x, axes=[1, 2], keepdims=True)
        return (x - mean) * tf.math.rsqrt(var + epsilon)
    return _per_example_mean(tf.square(normalize(fake_features) - normalize(target_features)))


def domain_invariant_perceptual_loss(fake: tf.Tensor, target: tf.Tensor,
                                     extractor: Callable[[tf.Tensor], tf.Tensor]) -> tf.Tensor:
    """instance_normalized_mse of extractor(fake) and extractor(stop_gradient(target)), per example.

    `extractor` takes RGB [-1, 1] (e.g. nets.vgg16.VGG16Features); one-channel images are repeated
    to RGB. Two calls, not one batch, so the backward pass skips the target's half (see vgg_loss).
    """
    def rgb(x):
        x = tf.cast(x, tf.float32)
        return tf.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x
    target_features = tf.stop_gradient(extractor(rgb(tf.stop_gradient(target))))
    return instance_normalized_mse(extractor(rgb(fake)), target_features)


def kld_loss(mu: tf.Tensor, logvar: tf.Tensor, lambda_kld: float = 0.05) -> tf.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) of SPADE's image encoder, per example, times lambda_kld.

    -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) over each example's latent entries. The official
    KLDLoss also sums over its (per-GPU) batch; averaged over the global batch as every loss here
    is, this equals the official value with one example per GPU.
    """
    mu, logvar = tf.cast(mu, tf.float32), tf.cast(logvar, tf.float32)
    terms = 1.0 + logvar - tf.square(mu) - tf.exp(logvar)
    return -0.5 * lambda_kld * tf.reduce_sum(tf.reshape(terms, [tf.shape(terms)[0], -1]), axis=1)
