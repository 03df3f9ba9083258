"""Plain-numpy eval forward of the official DRIT networks (src/networks.py), written from the official
definitions and reading the official state_dict keys directly. NHWC float64. A spectral-norm conv's
eval forward uses its `weight` buffer as it is, so every conv here reads `<module>.weight`."""

from __future__ import annotations

import numpy as np

from tests.reference_ops import conv2d, conv_transpose2d, instance_norm


def _conv(sd, p, x, stride=1, pad=0):
    """ReflectionPad2d(pad) + nn.Conv2d(padding=0)."""
    x = np.pad(x, [(0, 0), (pad, pad), (pad, pad), (0, 0)], mode="reflect")
    return conv2d(x, sd[f"{p}.weight"].transpose(2, 3, 1, 0), sd[f"{p}.bias"], stride, 0)


def _conv_t(sd, p, x, stride=1, pad=0, output_pad=0):
    return conv_transpose2d(x, sd[f"{p}.weight"].transpose(2, 3, 1, 0), sd[f"{p}.bias"], stride, pad, output_pad)


def _lrelu(x, slope):
    return np.where(x > 0, x, slope * x)


def _relu(x):
    return np.maximum(x, 0)


def _cat(x, z):
    return np.concatenate([x, np.broadcast_to(z[:, None, None, :], x.shape[:3] + z.shape[-1:])], axis=-1)


def _avg_pool2(x):
    n, h, w, c = x.shape
    x = x[:, :h // 2 * 2, :w // 2 * 2]
    return x.reshape(n, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))


def _avg_pool_exclude_pad(x):
    """AvgPool2d(3, 2, padding=1, count_include_pad=False)."""
    padded = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)])
    ones = np.pad(np.ones_like(x[:1, :, :, :1]), [(0, 0), (1, 1), (1, 1), (0, 0)])
    oh, ow = (x.shape[1] - 1) // 2 + 1, (x.shape[2] - 1) // 2 + 1
    total, count = 0, 0
    for i in range(3):
        for j in range(3):
            total = total + padded[:, i:i + 2 * oh:2, j:j + 2 * ow:2]
            count = count + ones[:, i:i + 2 * oh:2, j:j + 2 * ow:2]
    return total / count


def leaky_conv(sd, p, x, stride, pad):
    """LeakyReLUConv2d: its norm is never added; nn.LeakyReLU slope 0.01."""
    return _lrelu(_conv(sd, f"{p}.model.1", x, stride, pad), 0.01)


def ins_res(sd, p, x):
    y = _relu(instance_norm(_conv(sd, f"{p}.model.1", x, 1, 1)))
    return x + instance_norm(_conv(sd, f"{p}.model.5", y, 1, 1))


def relu_ln_conv_t(sd, p, x):
    y = _conv_t(sd, f"{p}.model.0", x, 2, 1, 1)
    flat = y.reshape(y.shape[0], -1)
    mean, var = flat.mean(1).reshape(-1, 1, 1, 1), flat.var(1).reshape(-1, 1, 1, 1)
    w, b = sd[f"{p}.model.1.weight"].reshape(-1), sd[f"{p}.model.1.bias"].reshape(-1)
    return _relu((y - mean) / np.sqrt(var + 1e-5) * w + b)


def content_encoder(sd, x, domain: str):
    """E_content.forward_a / forward_b (eval: no noise)."""
    p = f"conv{domain.upper()}"
    x = leaky_conv(sd, f"{p}.0", x, 1, 3)
    for i in (1, 2):
        x = _relu(instance_norm(_conv(sd, f"{p}.{i}.model.1", x, 2, 1)))
    for i in (3, 4, 5):
        x = ins_res(sd, f"{p}.{i}", x)
    return ins_res(sd, "conv_share.0", x)


def attr_concat(sd, x, domain: str):
    """E_attr_concat.forward_a / forward_b -> (mu, logvar)."""
    d = domain.upper()
    x = _conv(sd, f"conv_{d}.1", x, 2, 1)
    for i in (2, 3, 4):
        p = f"conv_{d}.{i}"
        y = _conv(sd, f"{p}.conv.2", _lrelu(x, 0.2), 1, 1)
        y = _avg_pool2(_conv(sd, f"{p}.conv.4.1", _lrelu(y, 0.2), 1, 1))
        x = y + _conv(sd, f"{p}.shortcut.1", _avg_pool2(x))
    flat = _lrelu(x, 0.2).mean(axis=(1, 2))
    lin = lambda q: flat @ sd[f"{q}.0.weight"].T + sd[f"{q}.0.bias"]  # noqa: E731
    return lin(f"fc_{d}"), lin(f"fcVar_{d}")


def attr_plain(sd, x, domain: str):
    """E_attr.forward_a / forward_b."""
    p = f"model_{domain}"
    x = _relu(_conv(sd, f"{p}.1", x, 1, 3))
    for i in (4, 7, 10, 13):
        x = _relu(_conv(sd, f"{p}.{i}", x, 2, 1))
    return _conv(sd, f"{p}.16", x.mean(axis=(1, 2), keepdims=True))[:, 0, 0, :]


def gen_concat(sd, c, z, domain: str):
    """G_concat.forward_a / forward_b."""
    d = domain.upper()
    x = _cat(ins_res(sd, "dec_share.0", c), z)
    for i in range(3):
        x = ins_res(sd, f"dec{d}1.{i}", x)
    x = relu_ln_conv_t(sd, f"dec{d}2.0", _cat(x, z))
    x = relu_ln_conv_t(sd, f"dec{d}3.0", _cat(x, z))
    return np.tanh(_conv_t(sd, f"dec{d}4.0", _cat(x, z)))


def mlp(sd, z, domain: str):
    p = f"mlp{domain.upper()}"
    lin = lambda i, v: v @ sd[f"{p}.{i}.weight"].T + sd[f"{p}.{i}.bias"]  # noqa: E731
    return lin(4, _relu(lin(2, _relu(lin(0, z)))))


def gen_plain(sd, c, z, domain: str):
    """G.forward_a / forward_b: MisINSResBlocks with the MLP's four codes."""
    d = domain.upper()
    codes = np.split(mlp(sd, z, domain), 4, axis=-1)
    x = c
    for i, code in enumerate(codes, start=1):
        p = f"dec{d}{i}"
        def blk(name, o, p=p, code=code):
            return _relu(_conv(sd, f"{p}.{name}.2", _relu(_conv(sd, f"{p}.{name}.0", _cat(o, code)))))
        o = blk("blk1", instance_norm(_conv(sd, f"{p}.conv1.0.1", x, 1, 1)))
        x = x + blk("blk2", instance_norm(_conv(sd, f"{p}.conv2.0.1", o, 1, 1)))
    x = relu_ln_conv_t(sd, f"dec{d}5.0", x)
    x = relu_ln_conv_t(sd, f"dec{d}5.1", x)
    return np.tanh(_conv_t(sd, f"dec{d}5.2", x))


def dis_content(sd, x):
    """Dis_content: every submodule's output (the last = logits map)."""
    feats = []
    for j, (stride, pad) in enumerate(((2, 1), (2, 1), (2, 1), (1, 0))):
        x = leaky_conv(sd, f"model.{j}", x, stride, pad)
        feats.append(x)
    return feats + [_conv(sd, "model.4", x)]


def _patch(sd, p, x, n_layers):
    feats = []
    for j in range(n_layers):
        x = leaky_conv(sd, f"{p}.{j}", x, 2, 1)
        feats.append(x)
    return feats + [_conv(sd, f"{p}.{n_layers}", x)]


def domain_dis(sd, x, dis_scale: int):
    """MultiScaleDis (dis_scale > 1) or Dis: per scale, every submodule's output."""
    if dis_scale <= 1:
        return [_patch(sd, "model", x, 6)]
    out = []
    for s in range(dis_scale):
        out.append(_patch(sd, f"Diss.{s}", x, 4))
        x = _avg_pool_exclude_pad(x)
    return out
