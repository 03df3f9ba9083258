"""Translate image files with MUNIT from a checkpoint or an exported SavedModel: random styles
(multimodal), a reference picture's style (example-guided) or the styles between two references.

Both sources become the same two functions, the uint8 'serve' endpoint (image, z -> image) and
'style_code' (picture -> z), of one direction (the '_b2a' endpoints for B -> A); the codes come
from tf_i2i.export.style_codes, so the two modes of tools/translate.py give the same pixels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import tensorflow as tf

from tf_i2i.export.errors import ExportInputError
from tf_i2i.export.info import read_endpoint
from tf_i2i.export.translation import Translator, saved_model_folder
from tf_i2i.export.workdir import load_trained_model

DIRECTION_ENDPOINTS = {"serve": "", "serve_b2a": "_b2a"}  # --endpoint -> the suffix of its direction


@dataclasses.dataclass(frozen=True)
class MunitTranslator:
    """One direction: `serve(uint8 images [B,H,W,C], z float32 [B, z_dim])` -> uint8 images of the
    target domain; `style_code(pictures [1,h,w,style_channels] in [-1, 1])` -> z [1, z_dim] of a
    target-domain reference."""

    serve: Callable[[tf.Tensor, tf.Tensor], tf.Tensor]
    style_code: Callable[[tf.Tensor], tf.Tensor]
    input_channels: int
    style_channels: int
    size_multiple: int
    z_dim: int

    def with_code(self, z: np.ndarray) -> Translator:
        """The image translator that always uses style code z [z_dim]."""
        code = tf.constant(np.asarray(z, np.float32)[None])
        return Translator(lambda images: self.serve(images, code), self.input_channels, self.size_multiple)


def styled_translators(translator: MunitTranslator, codes: Mapping[str, np.ndarray]) -> dict[str, Translator]:
    """Output-name suffix -> image translator, one per style code (style_codes' mapping), for
    tf_i2i.export.translation.translate_files."""
    return {suffix: translator.with_code(z) for suffix, z in codes.items()}


def _suffix(endpoint: str) -> str:
    if endpoint not in DIRECTION_ENDPOINTS:
        raise ExportInputError(f"MUNIT translates with --endpoint {' or '.join(DIRECTION_ENDPOINTS)} "
                               f"(A->B, B->A), got {endpoint!r}")
    return DIRECTION_ENDPOINTS[endpoint]


def munit_translator_from_workdir(workdir: str | Path, endpoint: str = "serve") -> MunitTranslator:
    """The restored MUNIT of a run folder, through the endpoints it would export."""
    suffix = _suffix(endpoint)
    endpoints = {e.name: e for e in load_trained_model(workdir).export_endpoints()}
    serve, code = endpoints["serve" + suffix], endpoints["style_code" + suffix]
    return MunitTranslator(tf.function(serve.uint8_fn(), input_signature=list(serve.uint8_inputs())),
                           tf.function(code.checked_fn(), input_signature=list(code.inputs)),
                           int(serve.inputs[0].shape[-1]), int(code.inputs[0].shape[-1]), serve.size_multiple,
                           int(serve.inputs[1].shape[-1]))


def munit_translator_from_saved_model(saved_model_dir: str | Path, endpoint: str = "serve") -> MunitTranslator:
    """An exported MUNIT's '<endpoint>_uint8' and style_code endpoints (sizes from export_info.json)."""
    suffix = _suffix(endpoint)
    saved_model_dir = saved_model_folder(saved_model_dir)
    serve = read_endpoint(saved_model_dir, "serve" + suffix)
    code = read_endpoint(saved_model_dir, "style_code" + suffix)
    loaded = tf.saved_model.load(str(saved_model_dir))
    # The lambdas keep `loaded` alive (not only its functions): its variables are freed with it.
    return MunitTranslator(lambda images, z: getattr(loaded, serve.uint8_name)(images, z),
                           lambda pictures: getattr(loaded, code.name)(pictures),
                           int(serve.inputs[0].shape[-1]), int(code.inputs[0].shape[-1]), serve.size_multiple,
                           int(serve.inputs[1].shape[-1]))
