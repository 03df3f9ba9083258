"""What a paper tells the tools about itself: one PaperSpec per tf_i2i/models/<paper>/spec.py.

tools/train.py, translate.py, export.py, convert.py and bench.py hold no per-paper branch: they ask
the registry (tf_i2i.registry) for the spec of config.model.name and act on what it declares. The
converter is named by "module:attribute" rather than imported, because converters live a floor
above the models (tf_i2i/convert/ imports the models to build their networks).
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path
from typing import Any

from tf_i2i.config_utils import CONFIG_DIR

# Translation modes a paper may offer; each is a tools/translate.py flag.
VARIANTS = "variants"        # several outputs per input (random codes or cluster choices)
STYLE = "style"              # a reference picture's code (example-guided)
INTERPOLATE = "interpolate"  # the codes between two reference pictures
CLUSTERS = "clusters"        # pix2pixHD's per-class feature clusters
DOMAIN = "domain"            # multi-domain models: the target domain's id
BOXES = "boxes"              # an input picture's object boxes, each rendered with its own code (INIT)
MODES = (VARIANTS, STYLE, INTERPOLATE, CLUSTERS, DOMAIN, BOXES)

IMAGES = "images"  # inputs are pictures
LABELS = "labels"  # inputs are label maps of class ids (+ instance maps)
VIDEO = "video"    # inputs are a video's label frames (or its edge maps), translated frame by frame
INPUT_KINDS = (IMAGES, LABELS, VIDEO)


@dataclasses.dataclass(frozen=True)
class TranslateSpec:
    """How tools/translate.py uses a paper's exported endpoints.

    `inputs`: IMAGES, LABELS or VIDEO (the endpoint makes one frame from the last label frames and
    the frames made before it: tf_i2i/export/video_translate.py loops it). `modes`: the MODES it
    supports. `directions`: the endpoint names
    --endpoint may choose ('serve' is A -> B, 'serve_b2a' B -> A). `code_endpoint`: the endpoint
    (plus the direction's suffix, '_b2a' for serve_b2a) that maps a reference picture 'style'
    (+ 'domain') to the code 'z' a direction takes, for --style and --interpolate.
    `features_endpoint`: the endpoint (plus the suffix) that takes a direction's inputs + a
    'features' map, called instead of the direction when the model exports it (pix2pixHD's
    feature encoder: the clusters mode picks those features).
    `instances_endpoint` (BOXES mode): the endpoint (plus the suffix) that takes a direction's
    'image' + 'boxes' [B,N,4] + 'box_valid' [B,N] + a background code 'z' + per-box codes
    'z_objects' [B,N,S], called instead of the direction when --boxes is given;
    `instance_codes_endpoint`: the endpoint (plus the suffix) that maps a reference 'style' + its
    'boxes' + 'box_valid' to its codes 'z', 'z_background' and 'z_objects'.
    """

    inputs: str = IMAGES
    modes: tuple[str, ...] = ()
    directions: tuple[str, ...] = ("serve",)
    code_endpoint: str | None = None
    features_endpoint: str | None = None
    instances_endpoint: str | None = None
    instance_codes_endpoint: str | None = None

    def __post_init__(self) -> None:
        if self.inputs not in INPUT_KINDS:
            raise ValueError(f"TranslateSpec.inputs must be one of {INPUT_KINDS}, got {self.inputs!r}")
        unknown = sorted(set(self.modes) - set(MODES))
        if unknown:
            raise ValueError(f"unknown translate modes {unknown}; known: {list(MODES)}")

    def to_json(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "modes": list(self.modes), "directions": list(self.directions),
                "code_endpoint": self.code_endpoint, "features_endpoint": self.features_endpoint,
                "instances_endpoint": self.instances_endpoint, "instance_codes_endpoint": self.instance_codes_endpoint}

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> TranslateSpec:
        """An export_info.json entry (written before the instance endpoints existed: without them)."""
        return cls(entry["inputs"], tuple(entry["modes"]), tuple(entry["directions"]), entry["code_endpoint"],
                   entry["features_endpoint"], entry.get("instances_endpoint"), entry.get("instance_codes_endpoint"))

    def suffix(self, direction: str) -> str:
        """What `direction` adds to the paper's endpoint names ('' for serve, '_b2a' for serve_b2a)."""
        return direction[len(self.directions[0]):]


@dataclasses.dataclass(frozen=True)
class PaperSpec:
    """Everything the tools need of one paper.

    `name` is config.model.name and the registry key; `model_class` a GANModel subclass built from
    config.model (its export_endpoints() are the SavedModel/TFLite signatures); `default_config`
    the paper-default config file; `converter` "module:attribute" of its official-checkpoint
    converter (tf_i2i.convert.official.OfficialConverter), None if there is none.
    """

    name: str
    title: str
    model_class: type
    default_config: Path
    translate: TranslateSpec = TranslateSpec()
    converter: str | None = None

    def load_converter(self) -> Any:
        """The converter object named by `converter` (imported now, not at registry time)."""
        if self.converter is None:
            raise ValueError(f"model {self.name!r} has no official-checkpoint converter")
        module, _, attribute = self.converter.partition(":")
        return getattr(importlib.import_module(module), attribute)


def config_path(paper: str, name: str = "default.py") -> Path:
    """configs/<paper>/<name>: where a spec's default config lives."""
    return CONFIG_DIR / paper / name
