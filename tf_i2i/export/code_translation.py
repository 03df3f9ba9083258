"""Translate image files with a code of the target domain (MUNIT's style code, DRIT's and
multi-domain DRIT++'s attribute code) from a checkpoint or an exported SavedModel: random codes
(diverse outputs), a reference picture's code (example-guided) or the codes between two references.

Both sources become the same two functions of one direction (the '_b2a' endpoints for B -> A):
the uint8 'serve' endpoint (image, z -> image) and the model's code endpoint (picture -> z; see
tf_i2i.models.serving.code_endpoints). A multi-domain model's endpoints take the target domain as a last
input 'domain' [B] (tf_i2i.models.drit_md.endpoints): fixing it to one id turns them into that same
pair, one direction per target domain. The codes come from tf_i2i.export.style_codes, so the two
modes of tools/translate.py give the same pixels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from tf_i2i.models.serving.code_endpoints import SUFFIXES
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.export.info import read_endpoint
from tf_i2i.export.translation import Translator, saved_model_folder
from tf_i2i.export.workdir import load_trained_model

SERVE_ENDPOINTS = {"serve" + suffix: suffix for suffix in SUFFIXES.values()}  # --endpoint -> its direction's suffix
DOMAIN_INPUT = "domain"  # a multi-domain model's last endpoint input: the target domain ids [B]


@dataclasses.dataclass(frozen=True)
class CodeTranslator:
    """One direction (for a multi-domain model: one target domain): `serve(uint8 images [B,H,W,C],
    z float32 [B, z_dim])` -> uint8 images of the target domain; `style_code(pictures
    [1,h,w,style_channels] in [-1, 1])` -> z [1, z_dim] of a target-domain reference (the code
    endpoint; the field names are style_codes.StyleSource's)."""

    serve: Callable[[tf.Tensor, tf.Tensor], tf.Tensor]
    style_code: Callable[[tf.Tensor], tf.Tensor]
    input_channels: int
    style_channels: int
    size_multiple: int
    z_dim: int

    def with_code(self, z: np.ndarray) -> Translator:
        """The image translator that always uses code z [z_dim]."""
        code = tf.constant(np.asarray(z, np.float32)[None])
        return Translator(lambda images: self.serve(images, code), self.input_channels, self.size_multiple)


def styled_translators(translator: CodeTranslator, codes: Mapping[str, np.ndarray]) -> dict[str, Translator]:
    """Output-name suffix -> image translator, one per code (style_codes' mapping), for
    tf_i2i.export.translation.translate_files."""
    return {suffix: translator.with_code(z) for suffix, z in codes.items()}


def _suffix(endpoint: str) -> str:
    if endpoint not in SERVE_ENDPOINTS:
        raise ExportInputError(f"this model translates with --endpoint {' or '.join(SERVE_ENDPOINTS)} "
                               f"(A->B, B->A), got {endpoint!r}")
    return SERVE_ENDPOINTS[endpoint]


def _target_domain(serve_inputs: Sequence[tf.TensorSpec], serve_info: Mapping[str, Any], endpoint: str,
                   domain: int | None) -> int | None:
    """The checked target domain id of a multi-domain model (its 'serve' endpoint takes a domain
    input; export_info.json records 'num_domains'), None for a two-domain model. Checked here
    because the graph maps an unknown id to an all-zero domain code and so to a wrong image."""
    if serve_inputs[-1].name != DOMAIN_INPUT:
        if domain is not None:
            raise ExportInputError(f"--domain is for multi-domain models (drit_md); this one translates A->B "
                                   f"or B->A, chosen by --endpoint, got --domain={domain}")
        return None
    count = int(serve_info["num_domains"])
    if endpoint != "serve":
        raise ExportInputError(f"this multi-domain model translates with --endpoint serve to the domain named "
                               f"by --domain, got {endpoint!r}")
    if domain is None or not 0 <= domain < count:
        given = "none given" if domain is None else f"got {domain}"
        raise ExportInputError(f"this model translates to any of its {count} domains: --domain must be the "
                               f"target's id, 0..{count - 1} (the data folders {{split}}A, {{split}}B, ... in "
                               f"order), {given}")
    return domain


def _to_domain(fn: Callable[..., tf.Tensor], domain: int | None) -> Callable[..., tf.Tensor]:
    """`fn` with its last input, the target domain ids [B], fixed to `domain` (None: `fn` itself)."""
    if domain is None:
        return fn
    return lambda first, *rest: fn(first, *rest, tf.fill(tf.shape(first)[:1], domain))


def code_translator_from_workdir(workdir: str | Path, code_endpoint: str, endpoint: str = "serve",
                                 domain: int | None = None) -> CodeTranslator:
    """The restored model of a run folder, through the endpoints it would export; `code_endpoint`
    names its code endpoint without suffix (style_code, attribute_code); `domain` is the target of
    a multi-domain model (required for one, refused otherwise)."""
    endpoints = {e.name: e for e in load_trained_model(workdir).export_endpoints()}
    domain = _target_domain(endpoints["serve"].inputs, endpoints["serve"].info, endpoint, domain)
    suffix = _suffix(endpoint)
    serve, code = endpoints["serve" + suffix], endpoints[code_endpoint + suffix]
    return CodeTranslator(_to_domain(tf.function(serve.uint8_fn(), input_signature=list(serve.uint8_inputs())),
                                     domain),
                          _to_domain(tf.function(code.checked_fn(), input_signature=list(code.inputs)), domain),
                          int(serve.inputs[0].shape[-1]), int(code.inputs[0].shape[-1]), serve.size_multiple,
                          int(serve.inputs[1].shape[-1]))


def code_translator_from_saved_model(saved_model_dir: str | Path, code_endpoint: str, endpoint: str = "serve",
                                     domain: int | None = None) -> CodeTranslator:
    """An export's '<endpoint>_uint8' and code endpoints (sizes from export_info.json); `domain` as
    for code_translator_from_workdir."""
    saved_model_dir = saved_model_folder(saved_model_dir)
    default = read_endpoint(saved_model_dir, "serve")
    domain = _target_domain(default.inputs, default.extra, endpoint, domain)
    suffix = _suffix(endpoint)
    serve = read_endpoint(saved_model_dir, "serve" + suffix)
    code = read_endpoint(saved_model_dir, code_endpoint + suffix)
    loaded = tf.saved_model.load(str(saved_model_dir))
    # The lambdas keep `loaded` alive (not only its functions): its variables are freed with it.
    return CodeTranslator(_to_domain(lambda *args: getattr(loaded, serve.uint8_name)(*args), domain),
                          _to_domain(lambda *args: getattr(loaded, code.name)(*args), domain),
                          int(serve.inputs[0].shape[-1]), int(code.inputs[0].shape[-1]), serve.size_multiple,
                          int(serve.inputs[1].shape[-1]))
