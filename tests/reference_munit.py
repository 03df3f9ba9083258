"""Plain-numpy forward of the official MUNIT/UNIT networks (AdaINGen, VAEGen, MsImageDis) in eval
mode, written from the official definitions and reading the official state_dict keys directly.
NHWC float64; conv weights are converted from torch's OIHW here, independently of the converter."""

from __future__ import annotations

import numpy as np

from tests.reference_ops import conv2d, instance_norm, munit_layer_norm

_NP_PAD = {"zero": "constant", "reflect": "reflect", "replicate": "edge"}
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def activation(x: np.ndarray, activ: str, slope: np.ndarray | None = None) -> np.ndarray:
    if activ == "relu":
        return np.maximum(x, 0)
    if activ == "lrelu":
        return np.where(x > 0, x, 0.2 * x)
    if activ == "prelu":
        return np.where(x > 0, x, float(slope[0]) * x)
    if activ == "selu":
        return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))
    if activ == "tanh":
        return np.tanh(x)
    assert activ == "none", activ
    return x


def munit_power_iteration(w_bar: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MUNIT's SpectralNorm._update_u_v, run first in every forward (eval too): v = W^T u, then
    u = W v, each divided by (its norm + 1e-12); W = w_bar as [out, in*kh*kw]. Returns the new u, v."""
    mat = w_bar.reshape(w_bar.shape[0], -1).astype(np.float64)
    v = mat.T @ u
    v = v / (np.linalg.norm(v) + 1e-12)
    u = mat @ v
    return u / (np.linalg.norm(u) + 1e-12), v


def munit_spectral_weight(w_bar: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The weight MUNIT's SpectralNorm forward uses: w_bar / (u . W v) after its power iteration
    from the saved u (the saved v does not enter)."""
    u, v = munit_power_iteration(w_bar, u)
    return w_bar / (u @ w_bar.reshape(w_bar.shape[0], -1) @ v)


def conv2d_block(sd: dict, p: str, x: np.ndarray, k: int, stride: int, pad: int, norm: str, activ: str,
                 pad_type: str, adain: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Conv2dBlock: pad, conv, norm, activation. `adain` = (bias, weight) per sample for norm 'adain'."""
    if norm == "sn":
        m = f"{p}.conv.module"
        w = munit_spectral_weight(sd[f"{m}.weight_bar"], sd[f"{m}.weight_u"])
        b = sd[f"{m}.bias"]
    else:
        w, b = sd[f"{p}.conv.weight"], sd[f"{p}.conv.bias"]
    x = np.pad(x, [(0, 0), (pad, pad), (pad, pad), (0, 0)], mode=_NP_PAD[pad_type])
    y = conv2d(x, w.transpose(2, 3, 1, 0), b, stride, 0)
    n = f"{p}.norm"
    if norm == "bn":
        y = (y - sd[f"{n}.running_mean"]) / np.sqrt(sd[f"{n}.running_var"] + 1e-5) * sd[f"{n}.weight"] + sd[f"{n}.bias"]
    elif norm == "in":
        y = instance_norm(y)
    elif norm == "ln":
        y = munit_layer_norm(y) * sd[f"{n}.gamma"] + sd[f"{n}.beta"]
    elif norm == "adain":
        bias, weight = adain
        y = instance_norm(y) * weight[:, None, None, :] + bias[:, None, None, :]
    return activation(y, activ, sd.get(f"{p}.activation.weight"))


def res_blocks(sd, p, x, n, norm, activ, pad_type, adain_params=None):
    """ResBlocks; with norm 'adain', adain_params [B, N] is consumed layer by layer (bias, then weight)."""
    c = x.shape[-1]
    for j in range(n):
        y = x
        for i, act in ((0, activ), (1, "none")):
            ab = None
            if norm == "adain":
                ab, adain_params = (adain_params[:, :c], adain_params[:, c:2 * c]), adain_params[:, 2 * c:]
            y = conv2d_block(sd, f"{p}.model.{j}.model.{i}", y, 3, 1, 1, norm, act, pad_type, ab)
        x = x + y
    return x


def content_encoder(sd, p, x, g):
    x = conv2d_block(sd, f"{p}.model.0", x, 7, 1, 3, "in", g["activ"], g["pad_type"])
    for i in range(g["n_downsample"]):
        x = conv2d_block(sd, f"{p}.model.{i + 1}", x, 4, 2, 1, "in", g["activ"], g["pad_type"])
    return res_blocks(sd, f"{p}.model.{g['n_downsample'] + 1}", x, g["n_res"], "in", g["activ"], g["pad_type"])


def style_encoder(sd, p, x, g):
    """StyleEncoder(4, ...) with norm 'none' -> style [B, style_dim]."""
    x = conv2d_block(sd, f"{p}.model.0", x, 7, 1, 3, "none", g["activ"], g["pad_type"])
    for i in range(4):
        x = conv2d_block(sd, f"{p}.model.{i + 1}", x, 4, 2, 1, "none", g["activ"], g["pad_type"])
    pooled = x.mean(axis=(1, 2))
    return pooled @ sd[f"{p}.model.6.weight"][:, :, 0, 0].T + sd[f"{p}.model.6.bias"]


def decoder(sd, p, x, g, res_norm, adain_params=None):
    x = res_blocks(sd, f"{p}.model.0", x, g["n_res"], res_norm, g["activ"], g["pad_type"], adain_params)
    for i in range(g["n_downsample"]):
        x = x.repeat(2, axis=1).repeat(2, axis=2)  # nn.Upsample(scale_factor=2): nearest
        x = conv2d_block(sd, f"{p}.model.{2 + 2 * i}", x, 5, 1, 2, "ln", g["activ"], g["pad_type"])
    return conv2d_block(sd, f"{p}.model.{1 + 2 * g['n_downsample']}", x, 7, 1, 3, "none", "tanh", g["pad_type"])


def mlp(sd, p, s, g):
    for i, act in enumerate((g["activ"], g["activ"], "none")):
        s = s @ sd[f"{p}.model.{i}.fc.weight"].T + sd[f"{p}.model.{i}.fc.bias"]
        s = activation(s, act, sd.get(f"{p}.model.{i}.activation.weight"))
    return s


def munit_encode(sd, x, g):
    """AdaINGen.encode -> (content NHWC, style [B, style_dim])."""
    return content_encoder(sd, "enc_content", x, g), style_encoder(sd, "enc_style", x, g)


def munit_decode(sd, content, style, g):
    """AdaINGen.decode: MLP(style) -> AdaIN parameters, decoder."""
    return decoder(sd, "dec", content, g, "adain", mlp(sd, "mlp", style, g))


def unit_encode(sd, x, g):
    return content_encoder(sd, "enc", x, g)


def unit_decode(sd, h, g):
    return decoder(sd, "dec", h, g, "in")


def avg_pool_exclude_pad(x: np.ndarray) -> np.ndarray:
    """AvgPool2d(3, stride=2, padding=1, count_include_pad=False)."""
    n, h, w, c = x.shape
    oh, ow = (h - 1) // 2 + 1, (w - 1) // 2 + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            rows = slice(max(2 * i - 1, 0), min(2 * i + 2, h))
            cols = slice(max(2 * j - 1, 0), min(2 * j + 2, w))
            out[:, i, j] = x[:, rows, cols].mean(axis=(1, 2))
    return out


def ms_image_dis(sd, x, d) -> list[list[np.ndarray]]:
    """MsImageDis.forward, with every block's output per scale (the last is the logits)."""
    scales = []
    for k in range(d["num_scales"]):
        feats, y = [], x
        for j in range(d["n_layer"]):
            y = conv2d_block(sd, f"cnns.{k}.{j}", y, 4, 2, 1, "none" if j == 0 else d["norm"], d["activ"],
                             d["pad_type"])
            feats.append(y)
        last = f"cnns.{k}.{d['n_layer']}"
        feats.append(conv2d(y, sd[f"{last}.weight"].transpose(2, 3, 1, 0), sd[f"{last}.bias"], 1, 0))
        scales.append(feats)
        x = avg_pool_exclude_pad(x)
    return scales
