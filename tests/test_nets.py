"""Generators and discriminators: shapes, dynamic sizes, serialization, bf16 and TFLite builtins."""

import numpy as np
import pytest
import tensorflow as tf

from tests.layer_checks import check_layer
from tf_i2i.nets import (NLayerDiscriminator, PixelDiscriminator, ResnetBlock, ResnetGenerator,
                         UnetGenerator, define_discriminator, define_generator)

RNG = np.random.default_rng(1)


def _img(n, h, w, c=3):
    return RNG.uniform(-1, 1, size=(n, h, w, c)).astype(np.float32)


def test_resnet_block_is_identity_plus_residual():
    block = check_layer(lambda: ResnetBlock(4, norm="instance"), _img(1, 8, 8, 4), tflite=False)
    x = _img(2, 8, 8, 4)
    np.testing.assert_allclose(block(x) - x, block.conv2(block.conv1(x)), atol=1e-5)


@pytest.mark.parametrize("norm", ["instance", "batch"])
def test_resnet_generator_keeps_size_and_exports_to_tflite(norm):
    gen = check_layer(lambda: ResnetGenerator(3, ngf=4, n_blocks=2, norm=norm), _img(1, 32, 32),
                      call_kwargs={"training": False}, bf16_atol=0.15)
    y = gen(_img(2, 24, 40), training=False)
    assert y.shape == (2, 24, 40, 3) and y.dtype == tf.float32
    assert np.abs(y).max() <= 1.0


def test_unet_generator_shapes_skips_and_tflite():
    gen = check_layer(lambda: UnetGenerator(2, num_downs=5, ngf=4), _img(1, 32, 32),
                      call_kwargs={"training": False}, bf16_atol=0.15)
    assert gen.size_multiple == 32
    assert gen(_img(3, 32, 64), training=False).shape == (3, 32, 64, 2)


def test_unet_dropout_only_in_the_middle_levels():
    gen = UnetGenerator(3, num_downs=8, ngf=2, use_dropout=True)
    assert [d is not None for d in gen.dropouts] == [False] * 4 + [True] * 3 + [False]


def test_unet_rejects_too_few_levels():
    with pytest.raises(ValueError, match="num_downs >= 5"):
        UnetGenerator(num_downs=4)


@pytest.mark.parametrize("n_layers,size,patch", [(3, 64, 6), (2, 32, 6), (1, 32, 14)])
def test_nlayer_discriminator_patch_grid(n_layers, size, patch):
    disc = NLayerDiscriminator(ndf=4, n_layers=n_layers, norm="instance")
    feats = disc.features(_img(2, size, size), training=False)
    assert len(feats) == n_layers + 2
    assert feats[-1].shape == (2, patch, patch, 1)
    np.testing.assert_allclose(disc(_img(2, size, size)).shape, (2, patch, patch, 1))


def test_discriminators_serialize_and_convert():
    check_layer(lambda: NLayerDiscriminator(ndf=4, n_layers=2, norm="batch"), _img(1, 32, 32),
                call_kwargs={"training": False}, bf16_atol=0.15)
    check_layer(lambda: PixelDiscriminator(ndf=4, norm="instance"), _img(1, 8, 8),
                call_kwargs={"training": False}, bf16_atol=0.15)


def test_factory_maps_official_names():
    assert define_generator("resnet_6blocks", ngf=4).n_blocks == 6
    assert define_generator("unet_256", ngf=4).num_downs == 8
    assert define_generator("unet_6downs", ngf=4).num_downs == 6
    assert define_discriminator("n_layers", ndf=4, n_layers_D=5).n_layers == 5
    assert isinstance(define_discriminator("pixel", ndf=4), PixelDiscriminator)
    with pytest.raises(ValueError, match="unknown netG"):
        define_generator("resnet")
    with pytest.raises(ValueError, match="unknown netD"):
        define_discriminator("multiscale")
