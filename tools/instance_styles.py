"""Evidence that an INIT run's instance styles work, against a global-only run (MUNIT) on the same data.

  python tools/instance_styles.py --workdir=runs/init [--baseline=runs/init_munit] [--pictures=48]

On the run's test split (A pictures with their boxes translated to B, B pictures as references):
  following  the INIT output with one reference's background code and another's object codes: Pearson
             correlation of its mean colour inside the boxes with the object reference's, and outside
             with the background reference's (tf_i2i.evaluation.instance_styles). The baseline, with one
             code, is measured guided by each reference.
  locality   one box's object code replaced by a new N(0, I) code: mean |change| inside that box, and
             mean / 99th percentile farther than --margin pixels from it.
Prints a markdown table and writes it with the numbers as JSON (--out, default <workdir>/instance_styles.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf
from absl import flags

from tf_i2i import cli
from tf_i2i.atomic import write_text
from tf_i2i.data import build_dataset
from tf_i2i.data.boxes import match_by_class
from tf_i2i.errors import UserError
from tf_i2i.evaluation.instance_styles import Pictures, following, locality
from tf_i2i.export.workdir import load_run_config, load_trained_model

_WORKDIR = flags.DEFINE_string("workdir", None, "An INIT run folder (tools/train.py).")
_BASELINE = flags.DEFINE_string("baseline", None, "A global-only run (MUNIT) trained on the same data.")
_PICTURES = flags.DEFINE_integer("pictures", 48, "Test pictures (and references) to measure on.")
_MARGIN = flags.DEFINE_float("margin", 16.0, "Pixels from the restyled box beyond which a pixel counts as far.")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the random codes.")
_OUT = flags.DEFINE_string("out", None, "JSON output (default <workdir>/instance_styles.json).")
flags.mark_flags_as_required(["workdir"])


def test_batch(workdir: str, count: int) -> dict[str, np.ndarray]:
    """`count` A and B pictures of the run's test split with their boxes (a data.boxes.pair batch)."""
    data = load_run_config(workdir).data
    if data.layout != "boxes" or not data.boxes.pair:
        raise UserError(f"{workdir}/config.json: data.layout must be 'boxes' with data.boxes.pair set")
    batch = next(iter(build_dataset(data, split="test", batch_size=count, shuffle=False, deterministic=True)))
    return {key: value.numpy() for key, value in batch.items()}


def pictures(batch: dict[str, np.ndarray], side: str, shift: int = 0) -> Pictures:
    """The batch's `side` ('A' or 'B') pictures, rolled by `shift` (references of other pictures)."""
    return Pictures(*(np.roll(batch[key], shift, axis=0) for key in (side, f"{side}_boxes", f"{side}_box_valid")))


def matched_objects(inputs: Pictures, classes: np.ndarray, ref_classes: np.ndarray, ref_valid: np.ndarray,
                    ref_codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Object codes [B, N, S] for the inputs' boxes: the j-th box of a class takes the reference's j-th
    (cyclically) box of that class, else a random code."""
    out = rng.standard_normal(ref_codes.shape).astype(np.float32)
    for b in range(len(out)):
        boxes, ref_boxes = np.flatnonzero(inputs.valid[b]), np.flatnonzero(ref_valid[b])
        for i, j in match_by_class(classes[b, boxes], ref_classes[b, ref_boxes], cyclic=True).items():
            out[b, boxes[i]] = ref_codes[b, ref_boxes[j]]
    return out


def main(argv):
    del argv
    rng = np.random.default_rng(_SEED.value)
    batch = test_batch(_WORKDIR.value, _PICTURES.value)
    inputs, background_refs, object_refs = pictures(batch, "A"), pictures(batch, "B", 1), pictures(batch, "B", 2)
    model = load_trained_model(_WORKDIR.value)
    if not hasattr(model, "translate_instances"):
        raise UserError(f"{_WORKDIR.value}: not an INIT run (its model has no instance styles)")
    rows, results = [], {}

    background = model.picture_styles(background_refs.images, background_refs.boxes, background_refs.valid).background
    object_styles = model.picture_styles(object_refs.images, object_refs.boxes, object_refs.valid).objects.numpy()
    objects = matched_objects(inputs, batch["A_box_classes"], np.roll(batch["B_box_classes"], 2, axis=0),
                              object_refs.valid, object_styles, rng)
    output = model.translate_instances(inputs.images, inputs.boxes, inputs.valid, background, objects).numpy()
    results["init_instances"] = following(output, inputs, background_refs, object_refs)
    rows.append(("INIT, background code of ref 1, object codes of ref 2", results["init_instances"]))
    results["init_locality"] = restyle_locality(model, inputs, background, objects, output, rng)

    for name, workdir in (("INIT global code", _WORKDIR.value), ("baseline", _BASELINE.value)):
        if workdir is None:
            continue
        global_model = model if workdir == _WORKDIR.value else load_trained_model(workdir)
        for ref_name, ref in (("ref 1", background_refs), ("ref 2", object_refs)):
            output = global_model.translate(inputs.images, "a2b", global_model.style_code(ref.images, "b")).numpy()
            key = f"{name} guided by {ref_name}"
            results[key] = following(output, inputs, background_refs, object_refs)
            rows.append((key, results[key]))
    print_report(rows, results, _OUT.value or str(Path(_WORKDIR.value) / "instance_styles.json"))


def restyle_locality(model, inputs: Pictures, background, objects: np.ndarray, before: np.ndarray,
                     rng: np.random.Generator) -> dict:
    """locality() of replacing each picture's largest valid box's object code by a new random one;
    `before` is the rendering with `objects`."""
    keep = inputs.valid.any(axis=1)
    areas = (inputs.boxes[..., 2] - inputs.boxes[..., 0]) * (inputs.boxes[..., 3] - inputs.boxes[..., 1])
    chosen = np.argmax(np.where(inputs.valid, areas, -1.0), axis=1)
    restyled = objects.copy()
    restyled[np.arange(len(chosen)), chosen] = rng.standard_normal((len(chosen), objects.shape[-1]))
    after = model.translate_instances(inputs.images, inputs.boxes, inputs.valid, background, restyled).numpy()
    boxes = inputs.boxes[np.arange(len(chosen)), chosen]
    return locality(before[keep], after[keep], boxes[keep], _MARGIN.value)


def print_report(rows, results: dict, out: str) -> None:
    restyle = results["init_locality"]
    lines = ["| rendering | inside boxes vs object ref | outside vs background ref | inside vs background ref "
             "| outside vs object ref |", "|---|---|---|---|---|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['inside_vs_object_ref']:.3f} | {r['outside_vs_background_ref']:.3f} "
                     f"| {r['inside_vs_background_ref']:.3f} | {r['outside_vs_object_ref']:.3f} |")
    lines += ["", f"restyling the largest box: mean |change| inside {restyle['inside_mean']:.4f}, farther than "
              f"{_MARGIN.value:g} px mean {restyle['far_mean']:.4f} / 99th percentile {restyle['far_p99']:.4f} "
              f"({restyle['far_share']:.0%} of the pixels)"]
    report = "\n".join(lines)
    print(report)
    write_text(Path(out), json.dumps({"results": results, "table": report}, indent=2) + "\n")
    tf.get_logger().info("wrote %s", out)


if __name__ == "__main__":
    cli.run(main)
