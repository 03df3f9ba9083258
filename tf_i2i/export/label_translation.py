"""Translate label maps (+ instance maps) with pix2pixHD from a checkpoint or an exported SavedModel,
choosing feature clusters per class and per instance (Sec. 3.4).

Both sources become the same float function over the 'serve_features' inputs (or 'serve's when the
model has no encoder); the feature map comes from tf_i2i.models.pix2pixhd.clusters.cluster_features,
the function the serve_clusters endpoint runs in its graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import tensorflow as tf

from tf_i2i.data.decode import read_instance
from tf_i2i.data.files import label_key
from tf_i2i.models.serving import tensors
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.export.images import list_inputs, read_image, resize_uint8, write_png
from tf_i2i.export.info import read_endpoint, read_info
from tf_i2i.models.serving.sizes import check_multiple, nearest_multiple
from tf_i2i.export.translation import saved_model_folder
from tf_i2i.export.workdir import load_trained_model
from tf_i2i.models.pix2pixhd.clusters import CLUSTERS_FILE, ClusterError, Clusters, cluster_features, load_clusters

RANDOM = "random"


@dataclasses.dataclass(frozen=True)
class LabelTranslator:
    """`fn(*inputs)` -> float image [-1, 1]; inputs named label/label_image, [instance], [features]."""

    fn: Callable[..., tf.Tensor]
    inputs: tuple[tf.TensorSpec, ...]
    size_multiple: int
    clusters: Clusters | None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.inputs)

    @property
    def feat_num(self) -> int:
        """Channels of the 'features' input, 0 without a feature encoder."""
        return int(self.inputs[-1].shape[-1]) if self.names[-1] == "features" else 0

    @property
    def num_classes(self) -> int:
        """Classes of the cluster table (ids past the last class with centres get zero features)."""
        return 1 + max(self.clusters.centers) if self.clusters else 0

    def counts(self) -> np.ndarray:
        return self.clusters.counts(self.num_classes) if self.clusters else np.zeros([0], np.int32)


def _endpoint_name(names: list[str]) -> str:
    return "serve_features" if "serve_features" in names else "serve"


def _clusters(path: str | Path | None, default: Path | None, fallback: Clusters | None) -> Clusters | None:
    """--clusters if given, else the run's clusters file if present, else what the export recorded."""
    try:
        if path:
            return load_clusters(path)
        if default is not None and default.is_file():
            return load_clusters(default)
    except ClusterError as err:
        raise ExportInputError(str(err)) from err
    return fallback


def label_translator_from_workdir(workdir: str | Path, clusters: str | Path | None = None) -> LabelTranslator:
    """The restored pix2pixHD of a run folder; clusters from `clusters` or RUN/feature_clusters.npz."""
    endpoints = {e.name: e for e in load_trained_model(workdir).export_endpoints()}
    e = endpoints[_endpoint_name(list(endpoints))]
    fn = tf.function(e.checked_fn(), input_signature=list(e.inputs))
    return _checked(LabelTranslator(fn, e.inputs, e.size_multiple,
                                    _clusters(clusters, Path(workdir) / CLUSTERS_FILE, None)))


def label_translator_from_saved_model(saved_model_dir: str | Path, clusters: str | Path | None = None) -> LabelTranslator:
    """An exported pix2pixHD; clusters from `clusters` or the table its serve_clusters endpoint bakes in."""
    saved_model_dir = saved_model_folder(saved_model_dir)
    endpoints = read_info(saved_model_dir)["endpoints"]
    info = read_endpoint(saved_model_dir, _endpoint_name(list(endpoints)))
    recorded = endpoints.get("serve_clusters", {}).get("cluster_centers")
    fallback = None if recorded is None else Clusters(
        {int(c): np.asarray(v, np.float32) for c, v in recorded.items()}, int(info.inputs[-1].shape[-1]))
    loaded = tf.saved_model.load(str(saved_model_dir))
    # The lambda keeps `loaded` alive: its variables are freed with it.
    return _checked(LabelTranslator(lambda *args: getattr(loaded, info.name)(*args), info.inputs,
                                    info.size_multiple, _clusters(clusters, None, fallback)))


def _checked(translator: LabelTranslator) -> LabelTranslator:
    if translator.clusters is not None:
        if not translator.feat_num:
            raise ExportInputError("this pix2pixHD model has no feature encoder: clusters do not apply")
        if translator.clusters.feat_num != translator.feat_num:
            raise ExportInputError(f"clusters have {translator.clusters.feat_num} features, "
                                   f"the model takes {translator.feat_num}")
    return translator


def parse_instance_clusters(value: str | list[str]) -> dict[int, int]:
    """'ID:K,ID:K' (or a list of 'ID:K') -> {instance id: cluster index}."""
    items = value.split(",") if isinstance(value, str) else list(value)
    choices = {}
    for item in filter(None, (i.strip() for i in items)):
        try:
            instance, cluster = (int(part) for part in item.split(":"))
        except ValueError:
            raise ExportInputError(f"--instance_cluster expects ID:K pairs of integers, got {item!r}") from None
        choices[instance] = cluster
    return choices


def class_choice(counts: np.ndarray, cluster: str, variant: int, rng: np.random.Generator) -> np.ndarray:
    """int32 [classes]: centre k + variant of every class (wrapping in the graph), or a random one each."""
    if cluster == RANDOM:
        return (rng.integers(0, np.maximum(counts, 1)) * (counts > 0)).astype(np.int32)
    try:
        return np.full(counts.shape, int(cluster) + variant, np.int32)
    except ValueError:
        raise ExportInputError(f"--cluster expects a cluster index or {RANDOM!r}, got {cluster!r}") from None


def feature_map(translator: LabelTranslator, label: tf.Tensor, instance: tf.Tensor | None, choice: np.ndarray,
                per_instance: dict[int, int]) -> tf.Tensor:
    """float32 [1, H, W, feat_num] for a label map [1, H, W, 1]: cluster centres, or zeros without clusters."""
    if translator.clusters is None:
        return tf.zeros([*label.shape[:3], translator.feat_num])
    n = translator.num_classes
    ids = np.array(list(per_instance), np.int32)
    return cluster_features(label, choice[None], translator.clusters.table(n), translator.counts(),
                            instance, ids if len(ids) else None, np.array(list(per_instance.values()), np.int32))


def resize_ids(ids: tf.Tensor, size: tuple[int, int]) -> tf.Tensor:
    """An id map [H, W, 1] at `size` by nearest neighbour (ids must not blend)."""
    return tf.image.resize(ids, size, method="nearest") if tuple(ids.shape[:2]) != size else ids


def translate_label(translator: LabelTranslator, label: tf.Tensor, instance: tf.Tensor | None, choice: np.ndarray,
                    per_instance: dict[int, int], resize: str, name: str) -> tf.Tensor:
    """uint8 [H, W, C] from a label map [H, W, 1] (ids, or a uint8 picture for label_image) and an
    instance map; resize as translate_image (ids nearest neighbour, the output back antialiased)."""
    height, width = int(label.shape[0]), int(label.shape[1])
    m = translator.size_multiple
    if resize == "none":
        check_multiple(height, width, m, name)
    size = (nearest_multiple(height, m), nearest_multiple(width, m))
    if label.dtype == tf.uint8:  # a label picture: resized like an image, then to [-1, 1]
        label = tensors.to_float(resize_uint8(label, *size) if (height, width) != size else label)
    else:
        label = resize_ids(label, size)
    batch = {"label": label[None], "label_image": label[None],
             "instance": None if instance is None else resize_ids(instance, size)[None]}
    args = [batch[n] for n in translator.names if n != "features"]
    if translator.feat_num:
        args.append(feature_map(translator, batch["label"], batch["instance"], choice, per_instance))
    out = tensors.to_uint8(translator.fn(*args))[0]
    return out if size == (height, width) else resize_uint8(out, height, width)


def read_ids(path: Path, what: str) -> tf.Tensor:
    """int32 [H, W, 1] ids of an 8- or 16-bit PNG (`what` names it in the error)."""
    try:
        return read_instance(tf.constant(str(path)))
    except tf.errors.OpError as err:
        raise ExportInputError(f"cannot read {what} {path}: it must be an 8- or 16-bit PNG of ids") from err


def read_instance_of(label: tf.Tensor, file: Path, instances: dict[Path, Path]) -> tf.Tensor:
    """The instance map of label map `file` (read from instances[file]), checked to be `label`'s size."""
    instance = read_ids(instances[file], "instance map")
    if instance.shape[:2] != label.shape[:2]:
        raise ExportInputError(f"{instances[file]} is {instance.shape[0]}x{instance.shape[1]} but its "
                               f"label map {file} is {label.shape[0]}x{label.shape[1]}")
    return instance


def label_files(inputs: str | Path, instance: str | Path | None) -> tuple[list[Path], dict[Path, Path]]:
    """The label maps of --input (a file, a folder, or a data set root: its test_label/, with test_inst/
    as the instance maps unless `instance` is given) and their instance maps (see instance_partners)."""
    inputs = Path(inputs)
    if (inputs / "test_label").is_dir():
        if instance is None and (inputs / "test_inst").is_dir():
            instance = inputs / "test_inst"
        inputs = inputs / "test_label"
    files = list_inputs(inputs)
    return files, instance_partners(files, instance)


def instance_partners(labels: list[Path], instance: str | Path | None) -> dict[Path, Path]:
    """Label file -> its instance map: `instance` itself for one label file, else the file of that
    folder with the same sample key (the stem less a known suffix: X_gtFine_labelIds ~ X_gtFine_instanceIds)."""
    if instance is None:
        return {}
    instance = Path(instance)
    if instance.is_file():
        if len(labels) != 1:
            raise ExportInputError(f"--instance={instance} is one file but there are {len(labels)} label maps")
        return {labels[0]: instance}
    if not instance.is_dir():
        raise ExportInputError(f"instance maps {instance} do not exist")
    by_key = {label_key(p.stem): p for p in instance.iterdir() if p.suffix.lower() == ".png"}
    missing = [str(p) for p in labels if label_key(p.stem) not in by_key]
    if missing:
        raise ExportInputError(f"no instance map in {instance} with the name of {', '.join(missing[:3])}")
    return {p: by_key[label_key(p.stem)] for p in labels}


def translate_label_files(translator: LabelTranslator, files: list[Path], instances: dict[Path, Path],
                          outdir: str | Path, cluster: str = "0", per_instance: dict[int, int] | None = None,
                          variants: int = 1, seed: int = 0, resize: str = "multiple",
                          on_done: Callable[[int, Path], None] | None = None) -> list[Path]:
    """Writes outdir/<stem>.png per label map (outdir/<stem>_v<i>.png for variants > 1), each variant
    with its own cluster choice; calls on_done(count, written) after each file written."""
    per_instance = per_instance or {}
    if translator.clusters is None and (cluster != "0" or per_instance or variants > 1):
        raise ExportInputError("cluster choices need a clusters file: run tools/encode_features.py, "
                               "pass --clusters, or export with --clusters")
    needs_instance = "instance" in translator.names or bool(per_instance)
    if needs_instance and not instances:
        raise ExportInputError("this model (or --instance_cluster) needs instance maps: pass --instance")
    if variants < 1:
        raise ExportInputError(f"--variants must be at least 1, got {variants}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    picture = translator.names[0] == "label_image"
    written = []
    for file in files:
        label = read_image(file, int(translator.inputs[0].shape[-1])) if picture else read_ids(file, "label map")
        instance = read_instance_of(label, file, instances) if needs_instance else None
        for variant in range(variants):
            choice = class_choice(translator.counts(), cluster, variant, rng)
            out = translate_label(translator, label, instance, choice, per_instance, resize, str(file))
            path = outdir / (f"{file.stem}.png" if variants == 1 else f"{file.stem}_v{variant}.png")
            write_png(path, out)
            written.append(path)
            if on_done is not None:
                on_done(len(written), path)
    return written
