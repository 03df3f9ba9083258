"""The conv blocks of the pix2pixHD generator family (pix2pixHD, vid2vid): every conv carries a bias
(also before batch norm) and the 7x7 convs reflect-pad, as the official NVIDIA code."""

from __future__ import annotations

from tf_i2i.layers import ConvBlock
from tf_i2i.nets.resnet_block import ResnetBlock


def stem_block(filters: int, norm: str, dtype, name: str = "stem") -> ConvBlock:
    """Reflect-pad 3, 7x7 conv, norm, ReLU: the first layer of every pix2pixHD-family encoder."""
    return ConvBlock(filters, 7, padding=3, pad_mode="reflect", norm=norm, activation="relu",
                     name=name, dtype=dtype)


def down_block(filters: int, norm: str, name: str, dtype) -> ConvBlock:
    """3x3 stride-2 conv (zero padding 1), norm, ReLU: halves H and W."""
    return ConvBlock(filters, 3, strides=2, padding=1, norm=norm, activation="relu", name=name, dtype=dtype)


def up_block(filters: int, norm: str, name: str, dtype) -> ConvBlock:
    """3x3 stride-2 transposed conv (padding 1, output_padding 1), norm, ReLU: exactly doubles H and W."""
    return ConvBlock(filters, 3, strides=2, padding=1, output_padding=1, transpose=True, norm=norm,
                     activation="relu", name=name, dtype=dtype)


def head_block(output_nc: int, activation: str = "tanh", name: str = "head") -> ConvBlock:
    """Reflect-pad 3, 7x7 conv, `activation`, in float32 (an image, flow or mask leaves the network here)."""
    return ConvBlock(output_nc, 7, padding=3, pad_mode="reflect", activation=activation, name=name,
                     dtype="float32")


def down_blocks(ngf: int, n_downsampling: int, norm: str, dtype) -> list[ConvBlock]:
    """`down<i>`: n_downsampling stride-2 convs from ngf, doubling the width each time."""
    return [down_block(ngf * 2 ** (i + 1), norm, f"down{i}", dtype) for i in range(n_downsampling)]


def resnet_blocks(width: int, n_blocks: int, norm: str, padding_type: str, dtype) -> list[ResnetBlock]:
    """`block<i>`: n_blocks residual blocks at `width`, padded by `padding_type`."""
    return [ResnetBlock(width, pad_mode=padding_type, norm=norm, name=f"block{i}", dtype=dtype)
            for i in range(n_blocks)]


def up_blocks(width: int, n_upsampling: int, norm: str, dtype) -> list[ConvBlock]:
    """`up<i>`: n_upsampling transposed convs from `width`, halving it each time."""
    return [up_block(width // 2 ** (i + 1), norm, f"up{i}", dtype) for i in range(n_upsampling)]
