"""Official pix2pix/CycleGAN constructor options -> our networks: what each option builds, and that
options the official code does not accept (or that contradict each other) are errors."""

import pytest

from tf_i2i.convert.cyclegan_pix2pix import build_discriminator_from_official, build_generator_from_official
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.nets import NLayerDiscriminator, PixelDiscriminator, ResnetGenerator, UnetGenerator
from tools.fixtures.cyclegan_pix2pix import discriminator_feature_modules, network_kind
from tools.fixtures.fixture import FixtureError


def test_define_g_names_and_class_arguments_build_the_same_architecture():
    unet = build_generator_from_official(dict(input_nc=1, output_nc=2, ngf=2, netG="unet_128", norm="none"))
    assert isinstance(unet, UnetGenerator) and unet.num_downs == 7 and unet.norm_kind == "none"
    assert unet.down_convs[0].conv_layer.kernel.shape == (4, 4, 1, 2)
    explicit = build_generator_from_official(dict(input_nc=1, output_nc=2, ngf=2, netG="unet_128", num_downs=7))
    assert explicit.num_downs == 7 and explicit.norm_kind == "batch"  # define_G's default norm
    resnet = build_generator_from_official(dict(input_nc=3, output_nc=3, ngf=2, n_blocks=2, padding_type="zero",
                                                norm="instance", use_dropout=True))
    assert isinstance(resnet, ResnetGenerator)
    assert (resnet.n_blocks, resnet.pad_mode, resnet.use_dropout) == (2, "zero", True)


@pytest.mark.parametrize("opts, message", [
    (dict(input_nc=3, output_nc=3, netG="unet_128", num_downs=6), "netG='unet_128' means num_downs=7"),
    (dict(input_nc=3, output_nc=3, netG="resnet_9blocks", num_downs=6), "mix ResNet and U-Net"),
    (dict(input_nc=3, output_nc=3, netG="unet_64"), "unknown official netG='unet_64'"),
    (dict(input_nc=3, output_nc=3, num_downs=6, padding_type="zero"), "padding_type only exists for ResNet"),
    (dict(input_nc=3, output_nc=3, n_blocks=2, padding_type="symmetric"), "padding_type='symmetric'"),
    (dict(input_nc=3, output_nc=3, n_blocks=2, use_dropout="yes"), "use_dropout='yes'"),
    (dict(output_nc=3, n_blocks=2), "'input_nc' is required"),
    (dict(input_nc=3, output_nc=3, ngf=0, n_blocks=2), "ngf=0 must be an integer >= 1"),
    (dict(input_nc=3, output_nc=3), "need netG, num_downs or n_blocks"),
])
def test_generator_options_that_the_official_code_would_not_build_are_errors(opts, message):
    with pytest.raises(ConversionError, match=message.replace("(", r"\(")):
        build_generator_from_official(opts)


def test_discriminator_options_follow_define_d():
    basic = build_discriminator_from_official(dict(input_nc=6, ndf=2, netD="basic", n_layers_D=5, norm="none"))
    assert isinstance(basic, NLayerDiscriminator) and basic.n_layers == 3  # 'basic' ignores n_layers_D
    deep = build_discriminator_from_official(dict(input_nc=3, ndf=2, netD="n_layers", n_layers_D=5))
    assert deep.n_layers == 5 and deep.norm_kind == "batch"
    pixel = build_discriminator_from_official(dict(input_nc=3, ndf=2, netD="pixel", norm="instance"))
    assert isinstance(pixel, PixelDiscriminator)
    with pytest.raises(ConversionError, match="unknown official netD='multiscale'"):
        build_discriminator_from_official(dict(input_nc=3, netD="multiscale"))


def test_norm_none_features_map_the_identity_module_to_the_conv_output():
    disc = build_discriminator_from_official(dict(input_nc=3, ndf=2, netD="n_layers", n_layers_D=1, norm="none"))
    assert discriminator_feature_modules(disc) == [
        [("model.0", "conv"), ("model.1", "act")],
        [("model.2", "conv"), ("model.3", "conv"), ("model.4", "act")],
        [("model.5", "conv")],
    ]
    pixel = build_discriminator_from_official(dict(input_nc=3, ndf=2, netD="pixel", norm="batch"))
    assert [p for block in discriminator_feature_modules(pixel) for p, _ in block] == [f"net.{i}" for i in range(6)]


def test_role_kind_comes_from_the_options_not_the_name():
    assert network_kind(dict(input_nc=3, output_nc=3, num_downs=6)) == "generator"
    assert network_kind(dict(input_nc=3, ndf=8, netD="pixel")) == "discriminator"
    with pytest.raises(FixtureError, match="cannot tell generator from discriminator"):
        network_kind(dict(input_nc=3, ngf=8, ndf=8))
