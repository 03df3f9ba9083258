"""One translator for every paper: it calls the endpoint --endpoint picks (through a ServedModel, so
a run folder and an export behave alike) and builds each call from the endpoint's declared input
names, whatever the paper:

  image, label_image  the input picture (channels converted to the endpoint's), resized antialiased
  label, instance     the label map and its instance map (8/16-bit PNGs of ids), nearest neighbour
  z                   a code: random, a --style reference's, or between two (code_choice)
  domain              the --domain target id (multi-domain models)
  features            the cluster feature map (cluster_choice; pix2pixHD's features endpoint)
  boxes, box_valid,   the picture's boxes and per-box codes (instance_choice; INIT's serve_instances,
  z_objects           called instead of the direction with --boxes, which also writes <stem>_boxes.png)

Inputs are resized by the run's inference preprocessing (tf_i2i.export.preprocess) and rounded to
the endpoint's size multiple (a fixed-size generator takes its size); the outputs are written at
that size, or back at the input's size with output_size='input'. Label ids are checked against the
endpoint's class count (tf_i2i.export.label_ids); a bad input can be reported and skipped
(translate_files' on_failed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np
import tensorflow as tf

from tf_i2i.errors import UserError
from tf_i2i.layers.boxes import draw_boxes
from tf_i2i.export.cluster_choice import ClusterChoice, parse_instance_clusters
from tf_i2i.export.code_choice import choose_codes
from tf_i2i.export.images import read_image, resize_uint8, write_png
from tf_i2i.export.instance_choice import InstanceChoice, make_instance_choice
from tf_i2i.export.label_ids import ERROR, checked_label_ids
from tf_i2i.export.options import TranslateOptions, check_options
from tf_i2i.export.preprocess import UNCHANGED, Preprocessing
from tf_i2i.export.samples import Sample, image_samples, label_samples, read_ids
from tf_i2i.export.served import ServedEndpoint, ServedModel, read_clusters
from tf_i2i.models.serving import tensors
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.serving.sizes import nearest_multiple

PICTURES = ("image", "label_image")  # first inputs that are pictures; the others ('label') are id maps


@dataclasses.dataclass(frozen=True)
class Output:
    """One output per input: its file-name suffix, its code (None: the endpoint takes none), its
    cluster variant (centre --cluster + variant) and other inputs by name (one item each)."""

    suffix: str
    z: np.ndarray | None = None
    variant: int = 0
    inputs: Mapping[str, np.ndarray] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Translator:
    """`endpoint` with everything its inputs need beyond the input files."""

    endpoint: ServedEndpoint
    preprocessing: Preprocessing
    outputs: tuple[Output, ...]
    output_size: str
    domain: int | None = None
    clusters: ClusterChoice | None = None
    seed: int = 0
    out_of_range_labels: str = ERROR
    instances: InstanceChoice | None = None

    @property
    def files_per_input(self) -> int:
        """The outputs of one input, and with --boxes the copy of it with the boxes outlined."""
        return len(self.outputs) + (self.instances is not None)

    @property
    def first(self) -> str:
        """The input that sizes everything: image, label or label_image."""
        return self.endpoint.input_names[0]

    @property
    def needs_instance(self) -> bool:
        return "instance" in self.endpoint.input_names or bool(self.clusters and self.clusters.per_instance)

    def size(self, height: int, width: int) -> tuple[int, int]:
        """(height, width) the generator runs at for an input of this size."""
        if self.endpoint.size is not None:
            return self.endpoint.size
        h, w = self.preprocessing.size(height, width)
        m = self.endpoint.size_multiple
        return nearest_multiple(h, m), nearest_multiple(w, m)


def make_translator(model: ServedModel, options: TranslateOptions) -> Translator:
    """The translator of `options` for `model`; an ExportInputError for a flag that does not apply."""
    check_options(options, model.paper, model.translate)
    spec = model.translate
    endpoint = model.endpoint(options.endpoint)
    features = None if spec.features_endpoint is None else spec.features_endpoint + spec.suffix(options.endpoint)
    if features in model.endpoints:
        endpoint = model.endpoints[features]
    names = endpoint.input_names
    preprocessing = UNCHANGED if options.preprocess == "none" else model.preprocessing
    if preprocessing is None:
        raise ExportInputError("this export records no preprocessing (its export_info.json was written without "
                               "the run's data config): re-export with tools/export.py, or pass --preprocess=none")
    if options.boxes is not None:
        instances = make_instance_choice(model, options)
        return Translator(instances.endpoint, preprocessing, tuple(Output(suffix) for suffix in instances.suffixes),
                          options.output_size, seed=options.seed or 0, instances=instances)
    domain = _domain(endpoint, options.domain) if "domain" in names else None
    variants = 1 if options.variants is None else options.variants
    uses_code = options.style or options.interpolate is not None or variants > 1
    if "z" not in names and "features" not in names and uses_code:
        raise ExportInputError(f"this {model.paper} model takes no code or features (its {endpoint.name} endpoint "
                               f"takes {', '.join(names)}): --variants, --style and --interpolate need one")
    clusters = None
    if "features" in names:
        chosen = model.clusters if options.clusters is None else read_clusters(options.clusters)
        clusters = ClusterChoice(chosen, int(endpoint.spec("features").shape[-1]), options.cluster or "0",
                                 parse_instance_clusters(options.instance_cluster), variants)
        outputs = tuple(Output("" if variants == 1 else f"_v{i}", variant=i) for i in range(variants))
    elif options.clusters or options.cluster or options.instance_cluster:
        raise ExportInputError(f"this {model.paper} model exports no {features} endpoint (no feature encoder): "
                               "--clusters, --cluster and --instance_cluster need one")
    elif "z" in names:
        code = model.endpoint(spec.code_endpoint + spec.suffix(options.endpoint))
        codes = choose_codes(_code_of(code, domain), int(endpoint.spec("z").shape[-1]), variants, options.style,
                             options.interpolate or 0, options.seed or 0)
        outputs = tuple(Output(suffix, z) for suffix, z in codes.items())
    else:
        outputs = (Output(""),)
    return Translator(endpoint, preprocessing, outputs, options.output_size, domain, clusters, options.seed or 0,
                      options.out_of_range_labels)


def _domain(endpoint: ServedEndpoint, domain: int | None) -> int:
    """The checked target id: the graph maps an unknown id to an all-zero domain code, a wrong image."""
    count = int(endpoint.info["num_domains"])
    if domain is None or not 0 <= domain < count:
        given = "none given" if domain is None else f"got {domain}"
        raise ExportInputError(f"this model translates to any of its {count} domains: --domain must be the "
                               f"target's id, 0..{count - 1} (the data folders {{split}}A, {{split}}B, ... in "
                               f"order), {given}")
    return domain


def _code_of(code: ServedEndpoint, domain: int | None) -> Callable[[str], np.ndarray]:
    """Reference picture file -> its code [z_dim] by the code endpoint (at the picture's own size)."""
    def code_of(path: str) -> np.ndarray:
        style = tensors.to_float(read_image(Path(path), int(code.spec("style").shape[-1])))[None]
        inputs = {"style": style} if domain is None else {"style": style, "domain": tf.constant([domain], tf.int32)}
        return np.asarray(code(inputs, f"style picture {path}"))[0]
    return code_of


def find_samples(translator: Translator, inputs: str | Path, instance: str | Path | None) -> list[Sample]:
    """The input files of --input (and --instance) for this translator's kind of input."""
    if translator.first in ("label", "label_image"):
        if instance is not None and not translator.needs_instance:
            raise ExportInputError("--instance does not apply: this model takes no instance maps")
        return label_samples(inputs, instance, translator.needs_instance)
    samples = image_samples(inputs)
    if translator.instances is None:
        return samples
    if len(samples) != 1:
        raise ExportInputError(f"--boxes={translator.instances.boxes_file} holds the boxes of one picture, but "
                               f"--input={inputs} gives {len(samples)}")
    return [dataclasses.replace(samples[0], boxes=translator.instances.read(samples[0].path))]


def read_maps(translator: Translator, sample: Sample) -> dict[str, tf.Tensor]:
    """The sample's maps at their file size: uint8 pictures, int32 id maps [H, W, C]."""
    first = translator.first
    maps = {first: read_image(sample.path, int(translator.endpoint.spec(first).shape[-1])) if first in PICTURES
            else checked_label_ids(read_ids(sample.path, "label map"), sample.path,
                                   translator.endpoint.ids.get(first), translator.out_of_range_labels)}
    if translator.needs_instance:
        instance = read_ids(sample.instance, "instance map")
        if instance.shape[:2] != maps[first].shape[:2]:
            raise ExportInputError(f"{sample.instance} is {instance.shape[0]}x{instance.shape[1]} but its label "
                                   f"map {sample.path} is {maps[first].shape[0]}x{maps[first].shape[1]}")
        maps["instance"] = instance
    return maps


def resized_maps(maps: dict[str, tf.Tensor], size: tuple[int, int]) -> dict[str, tf.Tensor]:
    """Batches of one at `size`: pictures antialiased and in [-1, 1], id maps by nearest neighbour."""
    same = tuple(next(iter(maps.values())).shape[:2]) == size
    return {name: (tensors.to_float(x if same else resize_uint8(x, *size)) if name in PICTURES
                   else x if same else tf.image.resize(x, size, method="nearest"))[None]
            for name, x in maps.items()}


def translate_files(translator: Translator, samples: list[Sample], outdir: str | Path,
                    on_done: Callable[[int, Path], None] | None = None,
                    on_failed: Callable[[Path, str], None] | None = None) -> list[Path]:
    """Writes outdir/<stem><suffix>.png per sample and output; calls on_done(count, written) after each.

    A sample the user's files make fail (unreadable or corrupt, a label id out of range, refused
    by the endpoint's input checks: a UserError) goes to on_failed(path, message naming the path)
    and the others are still translated; without on_failed its error stops the run.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(translator.seed)  # random cluster choices: one stream over every file
    written: list[Path] = []
    for sample in samples:
        try:
            for path in _translate(translator, sample, outdir, rng):
                written.append(path)
                if on_done is not None:
                    on_done(len(written), path)
        except UserError as err:
            if on_failed is None:
                raise
            message = str(err)
            on_failed(sample.path, message if str(sample.path) in message else f"{sample.path}: {message}")
    return written


def _translate(translator: Translator, sample: Sample, outdir: Path, rng: np.random.Generator) -> Iterator[Path]:
    """Writes the sample's outputs, yielding each path."""
    maps = read_maps(translator, sample)
    height, width = (int(d) for d in maps[translator.first].shape[:2])
    inputs = resized_maps(maps, translator.size(height, width))
    if translator.domain is not None:
        inputs["domain"] = tf.constant([translator.domain], tf.int32)
    outputs = translator.outputs
    if translator.instances is not None:
        chosen = translator.instances.inputs(sample.boxes)
        outputs = tuple(dataclasses.replace(o, inputs=chosen[o.suffix]) for o in outputs)
        outlined = draw_boxes(inputs[translator.first], sample.boxes.boxes[None], sample.boxes.valid[None])
        yield _write(translator, outlined, outdir / f"{sample.path.stem}_boxes.png", height, width)
    for output in outputs:
        inputs.update({name: tf.constant(value[None]) for name, value in output.inputs.items()})
        if output.z is not None:
            inputs["z"] = tf.constant(output.z[None])
        if translator.clusters is not None:
            inputs["features"] = translator.clusters.features(
                inputs[translator.first], inputs.get("instance"), translator.clusters.choice(output.variant, rng))
        image = translator.endpoint(inputs, str(sample.path))
        yield _write(translator, image, outdir / f"{sample.path.stem}{output.suffix}.png", height, width)


def _write(translator: Translator, image: tf.Tensor, path: Path, height: int, width: int) -> Path:
    """Writes a batch of one image in [-1, 1] as a PNG, at the input's height x width with output_size 'input'."""
    pixels = tensors.to_uint8(image)[0]
    if translator.output_size == "input" and tuple(pixels.shape[:2]) != (height, width):
        pixels = resize_uint8(pixels, height, width)
    write_png(path, pixels)
    return path
