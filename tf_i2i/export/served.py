"""A model to translate with, from a run folder or from an exported SavedModel: one kind of object.

Both become a ServedModel: the paper's name and TranslateSpec, its inference preprocessing, and
its endpoints as float32 functions over named inputs (Endpoint.checked_fn traced for a run folder,
the SavedModel's own signatures for an export, described by export_info.json), so the two modes
of tools/translate.py run the same graphs and give the same pixels.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from tf_i2i import atomic
from tf_i2i.export.info import SAVED_MODEL_DIR, read_endpoint, read_info
from tf_i2i.export.preprocess import Preprocessing
from tf_i2i.export.workdir import load_run_config, load_trained_model
from tf_i2i.models.pix2pixhd.clusters import CLUSTERS_FILE, ClusterError, Clusters, load_clusters
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.serving.checks import IdRange, failed_check
from tf_i2i.models.spec import CLUSTERS, TranslateSpec
from tf_i2i.registry import get_spec


@dataclasses.dataclass(frozen=True)
class ServedEndpoint:
    """`fn(*inputs)` (float32, in `inputs` order) -> float32 image in [-1, 1] (or a code [B, z_dim]),
    or named outputs holding it as 'image' (vid2vid's frame, flow and mask).

    `size_multiple` applies to the first input's H and W; `size` is the one H x W a fixed-size
    generator (SPADE) takes; `info` is the endpoint's extra export_info.json entries; `ids` the class
    ids each id input accepts (the endpoint refuses others).
    """

    name: str
    fn: Callable[..., tf.Tensor]
    inputs: tuple[tf.TensorSpec, ...]
    size_multiple: int
    size: tuple[int, int] | None
    info: Mapping[str, Any]
    ids: Mapping[str, IdRange] = dataclasses.field(default_factory=dict)

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.inputs)

    def spec(self, name: str) -> tf.TensorSpec:
        return self.inputs[self.input_names.index(name)]

    def __call__(self, inputs: Mapping[str, tf.Tensor], what: str) -> tf.Tensor | dict[str, tf.Tensor]:
        """The endpoint on `inputs` by name; a failed serving-time check is an error naming `what`."""
        try:
            return self.fn(*(inputs[name] for name in self.input_names))
        except tf.errors.InvalidArgumentError as err:
            reason = failed_check(err)
            if reason is None:
                raise
            raise ExportInputError(f"{what}: {reason}") from err


@dataclasses.dataclass(frozen=True)
class ServedModel:
    """What tools/translate.py needs of a model: `clusters` are the feature clusters a model with
    the clusters mode uses unless --clusters names others (None: none known); `preprocessing` is
    None for an export written without the run's data config."""

    paper: str
    translate: TranslateSpec
    preprocessing: Preprocessing | None
    endpoints: Mapping[str, ServedEndpoint]
    clusters: Clusters | None = None

    def endpoint(self, name: str) -> ServedEndpoint:
        if name not in self.endpoints:
            raise ExportInputError(f"endpoint {name!r} not in this {self.paper} model; available: "
                                   f"{sorted(self.endpoints)}")
        return self.endpoints[name]


def served_from_workdir(workdir: str | Path) -> ServedModel:
    """The restored model of a run folder through the endpoints it would export; clusters from
    RUN/feature_clusters.npz (tools/encode_features.py) when the paper has the clusters mode."""
    workdir = Path(workdir)
    config = load_run_config(workdir)
    try:
        spec = get_spec(config.model.name)
    except KeyError as err:
        raise ExportInputError(f"{workdir / 'config.json'}: {err.args[0]}") from err
    endpoints = {e.name: ServedEndpoint(e.name, tf.function(e.checked_fn(), input_signature=list(e.inputs)),
                                        e.inputs, e.size_multiple, e.size, e.info, e.ids)
                 for e in load_trained_model(workdir).export_endpoints()}
    clusters_file = workdir / CLUSTERS_FILE
    clusters = None
    if CLUSTERS in spec.translate.modes and clusters_file.is_file():
        clusters = read_clusters(clusters_file)
    return ServedModel(spec.name, spec.translate, Preprocessing.of(config.data), endpoints, clusters)


def saved_model_folder(path: str | Path) -> Path:
    """`path` if it is a SavedModel folder, or the SavedModel inside an export folder; else an error.
    An export swap a kill interrupted is finished first (tf_i2i.atomic.recover_folder)."""
    path = Path(path)
    atomic.recover_folder(path.parent if path.name == SAVED_MODEL_DIR else path)
    if (path / SAVED_MODEL_DIR / "saved_model.pb").is_file():
        path = path / SAVED_MODEL_DIR
    if not (path / "saved_model.pb").is_file():
        raise ExportInputError(f"{path} is not a SavedModel folder (no saved_model.pb)")
    return path


def served_from_saved_model(path: str | Path) -> ServedModel:
    """An exported SavedModel (`path`: its folder or the export folder holding it) with the paper,
    preprocessing and endpoint specs its export_info.json records; clusters from the table a
    pix2pixHD export with --clusters bakes in."""
    folder = saved_model_folder(path)
    info = read_info(folder)
    if "translate" not in info:
        raise ExportInputError(f"{folder.parent / 'export_info.json'} records no paper and translate modes: "
                               "re-export the run with tools/export.py")
    loaded = tf.saved_model.load(str(folder))
    endpoints = {}
    for name in info["endpoints"]:
        e = read_endpoint(folder, name)
        # The lambda keeps `loaded` alive (not only its function): its variables are freed with it.
        fn = (lambda signature: lambda *args: getattr(loaded, signature)(*args))(name)
        size = e.extra.get("size")
        ids = {n: IdRange.from_json(r) for n, r in e.extra.get("id_inputs", {}).items()}
        endpoints[name] = ServedEndpoint(name, fn, e.inputs, e.size_multiple, None if size is None else tuple(size),
                                         e.extra, ids)
    recorded = [e.info["cluster_centers"] for e in endpoints.values() if "cluster_centers" in e.info]
    clusters = None
    if recorded:
        centers = {int(c): np.asarray(v, np.float32) for c, v in recorded[0].items()}
        clusters = Clusters(centers, next(iter(centers.values())).shape[1])
    preprocessing = info.get("preprocessing")
    return ServedModel(info["paper"], TranslateSpec.from_json(info["translate"]),
                       None if preprocessing is None else Preprocessing.from_json(preprocessing), endpoints, clusters)


def read_clusters(path: str | Path) -> Clusters:
    """A clusters file (tools/encode_features.py), its problems as ExportInputError."""
    try:
        return load_clusters(path)
    except ClusterError as err:
        raise ExportInputError(str(err)) from err
