"""vid2vid generators (Wang et al., NeurIPS 2018, Sec. 3.1-3.2): the sequential flow-warping generator
and its coarse-to-fine local scales, with the official layer order, padding and outputs so converted
official weights reproduce the official frames. Channels-last.

A generator maps the label frames t-tG+1..t (stacked along channels, oldest first) and the tG-1
previous output frames to frame t: two encoders (labels, previous frames) are summed; an image
decoder hallucinates h~ (tanh), a flow decoder gives the backward flow w (x20, pixels) and the
occlusion weight m (sigmoid); frame t = h~ * m + warp(frame t-1, w) * (1 - m). With `use_fg_model`
a third branch renders the foreground classes from the labels alone and is pasted in by `mask`.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from tf_i2i.layers import FlowWarp
from tf_i2i.nets.hd_blocks import down_blocks, head_block, resnet_blocks, stem_block, up_blocks

# The seven results of the official forward, in its order; absent branches are absent keys.
OUTPUTS = ("img_final", "flow", "weight", "img_raw", "img_feat", "flow_feat", "img_fg_feat")
FLOW_SCALE = 20.0  # the flow head predicts flow / 20 in pixels (/ (20 * 2**scale) at a finer scale s)


@keras.saving.register_keras_serializable(package="tf_i2i")
class DownEncoder(keras.layers.Layer):
    """c7s1-ngf, n_downsampling stride-2 convs doubling the width, n_blocks residual blocks."""

    def __init__(self, ngf: int, n_downsampling: int, n_blocks: int, norm: str = "batch",
                 padding_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        self.ngf, self.n_downsampling, self.n_blocks = ngf, n_downsampling, n_blocks
        self.norm_kind, self.padding_type = norm, padding_type
        dtype = self.dtype_policy
        self.stem = stem_block(ngf, norm, dtype)
        self.down = down_blocks(ngf, n_downsampling, norm, dtype)
        self.blocks = resnet_blocks(ngf * 2 ** n_downsampling, n_blocks, norm, padding_type, dtype)

    def call(self, x, training=None):
        x = self.stem(x, training=training)
        for layer in self.down + self.blocks:
            x = layer(x, training=training)
        return x

    def get_config(self):
        return {**super().get_config(), "ngf": self.ngf, "n_downsampling": self.n_downsampling,
                "n_blocks": self.n_blocks, "norm": self.norm_kind, "padding_type": self.padding_type}


@keras.saving.register_keras_serializable(package="tf_i2i")
class UpDecoder(keras.layers.Layer):
    """n_blocks residual blocks at `width`, then n_upsampling transposed convs halving the width."""

    def __init__(self, width: int, n_blocks: int, n_upsampling: int, norm: str = "batch",
                 padding_type: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        self.width, self.n_blocks, self.n_upsampling = width, n_blocks, n_upsampling
        self.norm_kind, self.padding_type = norm, padding_type
        dtype = self.dtype_policy
        self.blocks = resnet_blocks(width, n_blocks, norm, padding_type, dtype)
        self.up = up_blocks(width, n_upsampling, norm, dtype)

    def call(self, x, training=None):
        for layer in self.blocks + self.up:
            x = layer(x, training=training)
        return x

    def get_config(self):
        return {**super().get_config(), "width": self.width, "n_blocks": self.n_blocks,
                "n_upsampling": self.n_upsampling, "norm": self.norm_kind, "padding_type": self.padding_type}


def foreground_width(ngf: int, n_downsampling: int) -> int:
    """The foreground branch's base width: half of ngf when the generator downsamples more than twice."""
    return ngf // 2 if n_downsampling > 2 else ngf


class CompositeBase(keras.Model):
    """The composite forward shared by both generators; subclasses set the encoders, decoders and
    heads, `flow_multiplier`, and whether the decoders add the coarser scale's features."""

    label_encoder: DownEncoder
    prev_encoder: DownEncoder
    img_decoder: UpDecoder
    flow_decoder: UpDecoder | None
    fg_encoder: DownEncoder | None
    fg_decoder: UpDecoder | None
    takes_coarse: bool = False

    def _heads(self, output_nc: int, use_fg_model: bool, no_flow: bool, align_corners: bool) -> None:
        self.img_head = head_block(output_nc, "tanh", "img_head")
        self.flow_head = None if no_flow else head_block(2, "none", "flow_head")
        self.weight_head = None if no_flow else head_block(1, "sigmoid", "weight_head")
        self.fg_head = head_block(output_nc, "tanh", "fg_head") if use_fg_model else None
        self.warp = None if no_flow else FlowWarp(align_corners, name="warp", dtype="float32")

    @property
    def flow_multiplier(self) -> float:
        return FLOW_SCALE

    def call(self, label, img_prev, mask=None, coarse: dict | None = None, use_raw_only: bool = False,
             training=None) -> dict[str, tf.Tensor]:
        """label: [B,H,W,tG*(label_nc+1)] (oldest frame first); img_prev: [B,H,W,(tG-1)*output_nc]
        (oldest first; the last output_nc channels are warped); mask: [B,H,W,1] foreground mask of
        the current frame (used with use_fg_model); coarse: the coarser scale's img_feat, flow_feat,
        img_fg_feat (CompositeLocalGenerator only); use_raw_only: frame = h~ (no warping), as the
        official first frame with --no_first_img. Returns the OUTPUTS present in this network."""
        if self.takes_coarse and coarse is None:
            raise ValueError(f"{type(self).__name__} needs the coarser scale's features (coarse=...)")
        if not self.takes_coarse and coarse is not None:
            raise ValueError(f"{type(self).__name__} is the coarsest scale and takes no coarse features")
        if self.fg_head is not None and mask is None:
            raise ValueError("the foreground branch (use_fg_model) needs the foreground mask")
        coarse = coarse or {}
        down = self.label_encoder(label, training=training) + self.prev_encoder(img_prev, training=training)
        out = {"img_feat": self.img_decoder(self._plus(down, coarse, "img_feat"), training=training)}
        img_raw = out["img_raw"] = self.img_head(out["img_feat"], training=training)
        img_final = img_raw
        if self.flow_head is not None:
            flow_feat = out["flow_feat"] = self.flow_decoder(self._plus(down, coarse, "flow_feat"), training=training)
            out["flow"] = self.flow_head(flow_feat, training=training) * self.flow_multiplier
            out["weight"] = weight = self.weight_head(flow_feat, training=training)
            if not use_raw_only:
                channels = img_raw.shape[-1]
                last = tf.cast(img_prev[..., -channels:], tf.float32)
                img_final = img_raw * weight + self.warp(last, out["flow"]) * (1.0 - weight)
        if self.fg_head is not None:
            fg_down = self._plus(self.fg_encoder(label, training=training), coarse, "img_fg_feat")
            out["img_fg_feat"] = self.fg_decoder(fg_down, training=training)
            img_fg = self.fg_head(out["img_fg_feat"], training=training)
            mask = tf.cast(mask, tf.float32)
            img_final = img_fg * mask + img_final * (1.0 - mask)
            out["img_raw"] = img_fg * mask + img_raw * (1.0 - mask)
        out["img_final"] = img_final
        return {name: out[name] for name in OUTPUTS if name in out}

    def _plus(self, x, coarse: dict, name: str):
        return x + tf.cast(coarse[name], x.dtype) if self.takes_coarse else x


@keras.saving.register_keras_serializable(package="tf_i2i")
class CompositeGenerator(CompositeBase):
    """The coarsest (or only) scale G0 (official CompositeGenerator): label encoder and previous-frame
    encoder (each c7s1-ngf, n_downsampling stride-2 convs, n_blocks - n_blocks//2 residual blocks);
    image and flow decoders (n_blocks//2 residual blocks, n_downsampling transposed convs); heads
    c7s1-output_nc tanh (h~), c7s1-2 (flow / 20), c7s1-1 sigmoid (weight); foreground branch
    (ngf // 2 wide when n_downsampling > 2): encoder without blocks, decoder with n_blocks blocks.
    `padding_type` is the residual blocks' padding; every 7x7 conv reflect-pads."""

    def __init__(self, output_nc: int = 3, ngf: int = 128, n_downsampling: int = 3, n_blocks: int = 9,
                 norm: str = "batch", use_fg_model: bool = False, no_flow: bool = False,
                 padding_type: str = "reflect", align_corners: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.output_nc, self.ngf, self.n_downsampling, self.n_blocks = output_nc, ngf, n_downsampling, n_blocks
        self.norm_kind, self.use_fg_model, self.no_flow = norm, use_fg_model, no_flow
        self.padding_type, self.align_corners = padding_type, align_corners
        width, dtype = ngf * 2 ** n_downsampling, self.dtype_policy
        enc = dict(norm=norm, padding_type=padding_type, dtype=dtype)
        n_first = n_blocks - n_blocks // 2
        self.label_encoder = DownEncoder(ngf, n_downsampling, n_first, name="label_encoder", **enc)
        self.prev_encoder = DownEncoder(ngf, n_downsampling, n_first, name="prev_encoder", **enc)
        self.img_decoder = UpDecoder(width, n_blocks // 2, n_downsampling, name="img_decoder", **enc)
        self.flow_decoder = None if no_flow else UpDecoder(width, n_blocks // 2, n_downsampling,
                                                           name="flow_decoder", **enc)
        indv = foreground_width(ngf, n_downsampling)
        self.fg_encoder = DownEncoder(indv, n_downsampling, 0, name="fg_encoder", **enc) if use_fg_model else None
        self.fg_decoder = (UpDecoder(indv * 2 ** n_downsampling, n_blocks, n_downsampling, name="fg_decoder", **enc)
                           if use_fg_model else None)
        self._heads(output_nc, use_fg_model, no_flow, align_corners)

    @property
    def size_multiple(self) -> int:
        """Input H and W must be multiples of this for the output to match the input size."""
        return 2 ** self.n_downsampling

    def get_config(self):
        return {"output_nc": self.output_nc, "ngf": self.ngf, "n_downsampling": self.n_downsampling,
                "n_blocks": self.n_blocks, "norm": self.norm_kind, "use_fg_model": self.use_fg_model,
                "no_flow": self.no_flow, "padding_type": self.padding_type,
                "align_corners": self.align_corners, "name": self.name}


@keras.saving.register_keras_serializable(package="tf_i2i")
class CompositeLocalGenerator(CompositeBase):
    """A finer scale G_s (official CompositeLocalGenerator, scale s >= 1, ngf = official ngf // 2**s):
    encoders of one stride-2 conv (c7s1-ngf, to 2*ngf); the coarser scale's img_feat / flow_feat /
    img_fg_feat are added to their sums before decoders of n_blocks_local residual blocks and one
    transposed conv; the flow is the head times 20 * 2**scale (pixels of this resolution).
    `n_downsampling` (the official n_downsample_G) only sets the foreground width rule."""

    takes_coarse = True

    def __init__(self, output_nc: int = 3, ngf: int = 64, n_downsampling: int = 3, n_blocks_local: int = 3,
                 norm: str = "batch", use_fg_model: bool = False, no_flow: bool = False, scale: int = 1,
                 padding_type: str = "reflect", align_corners: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.output_nc, self.ngf, self.n_downsampling = output_nc, ngf, n_downsampling
        self.n_blocks_local = n_blocks_local
        self.norm_kind, self.use_fg_model, self.no_flow, self.scale = norm, use_fg_model, no_flow, scale
        self.padding_type, self.align_corners = padding_type, align_corners
        dtype = self.dtype_policy
        enc = dict(norm=norm, padding_type=padding_type, dtype=dtype)
        self.label_encoder = DownEncoder(ngf, 1, 0, name="label_encoder", **enc)
        self.prev_encoder = DownEncoder(ngf, 1, 0, name="prev_encoder", **enc)
        self.img_decoder = UpDecoder(ngf * 2, n_blocks_local, 1, name="img_decoder", **enc)
        self.flow_decoder = None if no_flow else UpDecoder(ngf * 2, n_blocks_local, 1, name="flow_decoder", **enc)
        indv = foreground_width(ngf, n_downsampling)
        self.fg_encoder = DownEncoder(indv, 1, 0, name="fg_encoder", **enc) if use_fg_model else None
        self.fg_decoder = UpDecoder(indv * 2, n_blocks_local, 1, name="fg_decoder", **enc) if use_fg_model else None
        self._heads(output_nc, use_fg_model, no_flow, align_corners)

    @property
    def flow_multiplier(self) -> float:
        return FLOW_SCALE * 2 ** self.scale

    @property
    def size_multiple(self) -> int:
        return 2

    def get_config(self):
        return {"output_nc": self.output_nc, "ngf": self.ngf, "n_downsampling": self.n_downsampling,
                "n_blocks_local": self.n_blocks_local, "norm": self.norm_kind, "use_fg_model": self.use_fg_model,
                "no_flow": self.no_flow, "scale": self.scale, "padding_type": self.padding_type,
                "align_corners": self.align_corners, "name": self.name}
