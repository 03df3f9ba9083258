"""Benchmark one model's training and inference speed on this machine, against its measured peak.

  python tools/bench.py --model=pix2pix|cyclegan|pix2pixhd|spade [--config=configs/...py [--config.a.b=v]]
      [--size=256 | --height=256 --width=512] [--batch=1]
      [--steps=5] [--warmup=2] [--json=out.json] [--conv_repeats=3] [--profile]
      [--intra_threads=0] [--inter_threads=0]  (default: the config's train.parallel_ops)

No config tunes threads; the CPU profile is opted into as in training, e.g. DRIT++ on 2 cores:
  python tools/bench.py --model=drit --config=configs/drit/default.py --config.train.parallel_ops=2

Measures, in one process: the dense-matmul peak (fp32 and bf16, median of 10, at the start and
the end; the higher is used), the train step (tf.function around strategy.run(model.train_step), as the
training loop runs it) in float32 and in mixed_bfloat16 (a fresh model per policy, median of
--steps steps after --warmup), whether the bf16 generator matches fp32 with the same weights,
generator inference (batch 1), the tf.data pipeline's images/s against the step's demand, the
peak RSS, and the step's analytic conv GFLOP/s (tf_i2i.training.flops) as a fraction of peak.
It also times every conv of the step alone (--conv_repeats): the step's convolution floor, which
says how much of a miss is the conv kernels themselves and how much is everything around them;
--profile adds the time per op type from a tf.profiler trace of one step.
Each timing also reports how much CPU other processes took meanwhile: on a shared machine that
is the first suspect of a slow figure. A benchmark, not a test: targets print PASS/MISS and the
exit code is 0 either way.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import shlex
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from absl import app, flags  # noqa: E402
from ml_collections import config_flags  # noqa: E402
import ml_collections  # noqa: E402
import tensorflow as tf  # noqa: E402

from tf_i2i import atomic, cli  # noqa: E402
from tf_i2i.data import build_dataset  # noqa: E402
from tf_i2i.errors import UserError  # noqa: E402
from tf_i2i.registry import default_config  # noqa: E402
from tf_i2i.training import bench_utils as bu  # noqa: E402
from tf_i2i.training.config_checks import check_config  # noqa: E402
from tf_i2i.training.flops import function_conv_flops, graph_conv_flops  # noqa: E402
from tf_i2i.training.threads import configure_threads  # noqa: E402

# Targets from the performance issue (CPU).
FP32_PEAK_FRACTION = 0.75     # train-step conv GFLOP/s >= 75 % of the fp32 matmul peak
BF16_STEP_RATIO = 0.55        # bf16 step <= 0.55 x fp32 step ...
# ... with the generator output (in [-1, 1]) within 0.1 everywhere (13/255 grey levels) and, on
# average, within 5 % of the output's own mean magnitude (bf16 keeps 8 significant bits).
BF16_MAX_ABS, BF16_MEAN_REL = 0.1, 0.05
DATA_HEADROOM = 10.0          # tf.data >= 10 x the images/s the step consumes


_MODEL = flags.DEFINE_string("model", None, "Registered model name (pix2pix, cyclegan, ...).")
_CONFIG = config_flags.DEFINE_config_file(
    "config", None, "Config file, with --config.a.b=value overrides; default: the model's paper-default config.")
_SIZE = flags.DEFINE_integer("size", None, "Crop size (default: the config's).")
_HEIGHT = flags.DEFINE_integer("height", None, "Image height for non-square sizes (with --width).")
_WIDTH = flags.DEFINE_integer("width", None, "Image width for non-square sizes (with --height).")
_BATCH = flags.DEFINE_integer("batch", None, "Batch size (default: the config's).")
_STEPS = flags.DEFINE_integer("steps", 5, "Timed steps per measurement.")
_WARMUP = flags.DEFINE_integer("warmup", 2, "Untimed steps before timing.")
_DATA_BATCHES = flags.DEFINE_integer("data_batches", 20, "Batches timed from tf.data.")
_MATMUL = flags.DEFINE_integer("matmul", 2048, "Matrix size of the peak measurement.")
_CONV_REPEATS = flags.DEFINE_integer("conv_repeats", 3,
                                     "Timed runs of each distinct conv alone (0 = skip the convolution floor).")
_PROFILE = flags.DEFINE_bool("profile", False, "Print the time per op type of one step.")
_INTRA = flags.DEFINE_integer("intra_threads", 0, "tf.config.threading intra-op threads (0 = TF default).")
_INTER = flags.DEFINE_integer("inter_threads", 0, "tf.config.threading inter-op threads (0 = TF default).")
_JSON = flags.DEFINE_string("json", None, "Also write every figure, the date, the machine and this command line to "
                            "this JSON file (tools/performance_table.py makes a Markdown table of such files).")
flags.mark_flag_as_required("model")


def parse_args() -> argparse.Namespace:
    """The flags as one namespace, so the measurement functions take plain arguments."""
    names = ("model", "size", "height", "width", "batch", "steps", "warmup", "data_batches", "matmul", "conv_repeats",
             "profile", "intra_threads", "inter_threads", "json")
    given = flags.FLAGS["config"].present  # without --config, ml_collections has no file name to give
    return argparse.Namespace(config=_CONFIG.value,
                              config_file=config_flags.get_config_filename(flags.FLAGS["config"]) if given else None,
                              command=shlex.join([os.path.basename(sys.executable), *sys.argv]),
                              **{name: flags.FLAGS[name].value for name in names})


def load_config(args: argparse.Namespace) -> ml_collections.ConfigDict:
    """The model's config with --size/--batch applied; load and synthetic sizes keep their ratio to crop.

    The data always come from the built-in synthetic scenes (or video) and a VGG loss uses random
    weights (a benchmark needs no downloads); with --height/--width they are rendered at that size
    and used uncropped (e.g. Cityscapes' 2:1).
    """
    cfg = args.config if args.config is not None else default_config(args.model)
    if cfg.model.name != args.model:
        raise UserError(f"--config is for model {cfg.model.name!r}, not --model={args.model!r}")
    cfg.data.source = "synthetic"
    if cfg.data.layout in ("cityscapes", "ade20k"):  # release folder trees; the synthetic scenes come as labels
        cfg.data.layout = "labels"
    if "vgg_weights" in cfg.model.get("loss", {}):
        cfg.model.loss.vgg_weights = "random"  # same cost as ImageNet weights, nothing to download
    if args.height or args.width:
        if not (args.height and args.width) or args.size:
            raise UserError("give --height and --width together, without --size")
        section = cfg.data.video if cfg.data.layout == "video" else cfg.data  # the synthetic video's own size
        synthetic = section.synthetic.to_dict()
        synthetic["image_size"] = (args.height, args.width)  # an int field cannot take the pair in place
        section.synthetic = ml_collections.ConfigDict(synthetic)
        cfg.data.preprocess = "none"
    elif args.size and args.size != cfg.data.crop_size:
        scale = args.size / cfg.data.crop_size
        cfg.data.load_size = round(cfg.data.load_size * scale)
        cfg.data.synthetic.image_size = round(cfg.data.synthetic.image_size * scale)
        cfg.data.crop_size = args.size
    if args.batch:
        cfg.train.batch_size = args.batch
    return cfg


def measure_peaks(n: int, streams: int) -> dict[str, float]:
    with bu.OtherCpu() as other:
        fp32 = bu.matmul_peak_gflops(tf.float32, n, streams=streams)
        bf16 = bu.matmul_peak_gflops(tf.bfloat16, n, streams=streams)
    return {"fp32_gflops": fp32, "bf16_gflops": bf16, "other_cpu": other.fraction}


def set_threads(args: argparse.Namespace, cfg: ml_collections.ConfigDict) -> int:
    """The flags' threads if given, else the config's train.parallel_ops (as training runs);
    returns how many ops at once it takes to use every core (1 with TF's defaults)."""
    if args.intra_threads or args.inter_threads:
        if args.intra_threads:
            tf.config.threading.set_intra_op_parallelism_threads(args.intra_threads)
        if args.inter_threads:
            tf.config.threading.set_inter_op_parallelism_threads(args.inter_threads)
        intra = args.intra_threads
    else:
        intra, _ = configure_threads(cfg.train.get("parallel_ops", 0))
    return max(1, (os.cpu_count() or 1) // intra) if intra else 1


def measure_policy(cfg: ml_collections.ConfigDict, policy: str, batch: dict, args: argparse.Namespace,
                   weights: list | None = None) -> dict:
    """Step and inference timings of a fresh model under `policy` (optionally given initial weights).

    Also returns the generator output and all weights before the first step, so the other
    policy can start from the very same weights and be compared output for output.
    """
    model = bu.build_model(cfg, policy, batch)
    if weights is not None:
        model.set_weights(weights)
    (step, step_args), generate = bu.train_step_function(model, batch), bu.generator_function(model)
    single = {key: value[:1] for key, value in batch.items()}
    out: dict = {"initial_weights": model.get_weights(), "output": generate(single)}
    graph = step.get_concrete_function(*step_args).graph
    out["step_conv_flops"] = sum(graph_conv_flops(graph).values())
    out["gen_conv_flops"] = sum(function_conv_flops(generate, single).values())
    with bu.OtherCpu() as other:
        out["step_times"] = bu.time_calls(step, step_args, args.steps, args.warmup)
    out["step_other_cpu"] = other.fraction
    if args.conv_repeats:
        with bu.OtherCpu() as other:
            out["conv_alone_s"] = bu.isolated_conv_seconds(graph, args.conv_repeats, args.streams)
        out["conv_alone_other_cpu"] = other.fraction
    if args.profile:
        out["op_times"] = bu.op_time_breakdown(step, step_args)
    with bu.OtherCpu() as other:
        out["infer_times"] = bu.time_calls(generate, (single,), args.steps, args.warmup)
    out["infer_other_cpu"] = other.fraction
    out["step_s"], out["infer_s"] = bu.median(out["step_times"]), bu.median(out["infer_times"])
    out["peak_rss_mb"] = bu.peak_rss_mb()
    del model, step, step_args, generate, graph
    gc.collect()
    return out


def run(args: argparse.Namespace) -> dict:
    """All measurements, in an order that keeps one model alive at a time."""
    cfg = load_config(args)
    args.streams = set_threads(args, cfg)
    check_config(cfg)  # the checks training runs: a size the model cannot take is one line, not a TF error
    batch = next(iter(build_dataset(cfg.data, batch_size=cfg.train.batch_size, seed=0, deterministic=True)))
    peaks = [measure_peaks(args.matmul, args.streams)]
    fp32 = measure_policy(cfg, "float32", batch, args)
    bf16 = measure_policy(cfg, "mixed_bfloat16", batch, args, weights=fp32.pop("initial_weights"))
    peaks.append(measure_peaks(args.matmul, args.streams))
    with bu.OtherCpu() as other:
        data_ips = bu.dataset_images_per_second(cfg, cfg.train.batch_size, args.data_batches)
    return summarize(args, cfg, batch, peaks, fp32, bf16, data_ips, other.fraction)


def summarize(args, cfg, batch, peaks, fp32, bf16, data_ips, data_other_cpu) -> dict:
    """Every figure as a flat JSON-able dict, plus the target verdicts."""
    peak32 = max(p["fp32_gflops"] for p in peaks)
    peak16 = max(p["bf16_gflops"] for p in peaks)
    max_abs, mean_abs = bu.output_difference(fp32["output"], bf16["output"])
    out_mean = float(tf.reduce_mean(tf.abs(fp32["output"])))
    step_gflop = fp32["step_conv_flops"] / 1e9
    gen_gflop = fp32["gen_conv_flops"] / 1e9
    cpu = bu.cpu_info()
    demand = bu.images_per_batch(batch) / min(fp32["step_s"], bf16["step_s"])
    r = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"), "command": args.command,
        "model": args.model, "config": args.config_file or "paper default", "size": cfg.data.crop_size,
        "image_size": "x".join(str(d) for d in bu.first_image(batch).shape[-3:-1]),
        "batch": cfg.train.batch_size, "steps": args.steps, "warmup": args.warmup,
        "cpu": cpu["model"], "cores": os.cpu_count(), "cpu_bf16_flags": cpu["bf16_flags"],
        "tf_version": tf.__version__,
        "keras_version": keras.__version__,
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default (on)"),
        "threads": {"intra": tf.config.threading.get_intra_op_parallelism_threads(),
                    "inter": tf.config.threading.get_inter_op_parallelism_threads(), "streams": args.streams},
        "peak_fp32_gflops": peak32, "peak_bf16_gflops": peak16, "peaks": peaks,
        "step_conv_gflop": step_gflop, "gen_conv_gflop": gen_gflop,
        "fp32_step_s": fp32["step_s"], "fp32_step_times": fp32["step_times"],
        "fp32_step_other_cpu": fp32["step_other_cpu"],
        "fp32_gflops": step_gflop / fp32["step_s"], "fp32_peak_fraction": step_gflop / fp32["step_s"] / peak32,
        "bf16_step_s": bf16["step_s"], "bf16_step_times": bf16["step_times"],
        "bf16_step_other_cpu": bf16["step_other_cpu"],
        "bf16_gflops": step_gflop / bf16["step_s"], "bf16_fp32_step_ratio": bf16["step_s"] / fp32["step_s"],
        "bf16_out_max_abs_diff": max_abs, "bf16_out_mean_abs_diff": mean_abs,
        "fp32_out_mean_abs": out_mean,
        "bf16_out_mean_rel_diff": mean_abs / out_mean,
        "fp32_infer_s": fp32["infer_s"], "fp32_infer_other_cpu": fp32["infer_other_cpu"],
        "infer_images": bu.images_in(fp32["output"]),
        "fp32_infer_images_per_s": bu.images_in(fp32["output"]) / fp32["infer_s"],
        "bf16_infer_s": bf16["infer_s"], "bf16_infer_other_cpu": bf16["infer_other_cpu"],
        "data_images_per_s": data_ips, "data_other_cpu": data_other_cpu,
        "step_images_per_s": demand, "data_headroom": data_ips / demand,
        "peak_rss_mb_fp32": fp32["peak_rss_mb"], "peak_rss_mb": bu.peak_rss_mb(),
    }
    for name, m in (("fp32", fp32), ("bf16", bf16)):
        if "conv_alone_s" in m:
            r[f"{name}_conv_alone_s"] = m["conv_alone_s"]
            r[f"{name}_conv_alone_other_cpu"] = m["conv_alone_other_cpu"]
        if "op_times" in m:
            r[f"{name}_op_times"] = m["op_times"]
    if "fp32_conv_alone_s" in r:
        r["fp32_conv_alone_peak_fraction"] = step_gflop / r["fp32_conv_alone_s"] / peak32
    r["targets"] = {
        "fp32 step >= 75% of peak": r["fp32_peak_fraction"] >= FP32_PEAK_FRACTION,
        "bf16 step <= 0.55x fp32": r["bf16_fp32_step_ratio"] <= BF16_STEP_RATIO,
        "bf16 output matches fp32": max_abs <= BF16_MAX_ABS and r["bf16_out_mean_rel_diff"] <= BF16_MEAN_REL,
        "tf.data >= 10x step demand": r["data_headroom"] >= DATA_HEADROOM,
    }
    return r


def _other(fraction: float) -> str:
    return f"(others {100 * fraction:.0f}% CPU)"


def _conv_floor_rows(r: dict) -> list[tuple[str, str]]:
    """Rows for the convolution floor: every conv of the step timed alone, and what is left."""
    rows = []
    for policy in ("fp32", "bf16"):
        if f"{policy}_conv_alone_s" in r:
            alone, step = r[f"{policy}_conv_alone_s"], r[f"{policy}_step_s"]
            rows.append((f"{policy} convs alone", f"{alone:.3f} s = {r['step_conv_gflop'] / alone:.1f} GFLOP/s "
                         f"= {100 * r['step_conv_gflop'] / alone / r[f'peak_{policy}_gflops']:.1f}% of "
                         f"{policy} peak; rest of step {step - alone:.3f} s "
                         f"{_other(r[f'{policy}_conv_alone_other_cpu'])}"))
    return rows


def print_report(r: dict) -> None:
    """The human-readable table: one figure per line, then PASS/MISS per target."""
    flags = ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in r["cpu_bf16_flags"].items())
    rows = [
        ("machine", f"{r['cpu']}, {r['cores']} cores, {flags}"),
        ("software", f"TF {r['tf_version']}, Keras {r['keras_version']}, oneDNN {r['onednn']}, "
                     f"threads intra={r['threads']['intra']} inter={r['threads']['inter']} (0 = TF default; peaks "
                     f"and conv floor with {r['threads']['streams']} op(s) at once)"),
        ("run", f"{r['model']} ({r['config']}) {r['image_size']} batch {r['batch']}, "
                f"median of {r['steps']} after {r['warmup']} warm-up"),
        ("peak fp32 matmul", f"{r['peak_fp32_gflops']:.1f} GFLOP/s  (start/end: "
                             + " / ".join(f"{p['fp32_gflops']:.1f}" for p in r["peaks"]) + ")"),
        ("peak bf16 matmul", f"{r['peak_bf16_gflops']:.1f} GFLOP/s  (start/end: "
                             + " / ".join(f"{p['bf16_gflops']:.1f}" for p in r["peaks"]) + ")"),
        ("conv work", f"{r['step_conv_gflop']:.1f} GFLOP per train step, "
                      f"{r['gen_conv_gflop']:.2f} GFLOP per generator forward (batch 1)"),
        ("train step fp32", f"{r['fp32_step_s']:.3f} s  = {r['fp32_gflops']:.1f} GFLOP/s "
                            f"= {100 * r['fp32_peak_fraction']:.1f}% of fp32 peak {_other(r['fp32_step_other_cpu'])}"),
        ("train step bf16", f"{r['bf16_step_s']:.3f} s  = {r['bf16_gflops']:.1f} GFLOP/s, "
                            f"{r['bf16_fp32_step_ratio']:.2f}x fp32 {_other(r['bf16_step_other_cpu'])}"),
        *_conv_floor_rows(r),
        ("bf16 vs fp32 output", f"max |diff| {r['bf16_out_max_abs_diff']:.4f}, mean |diff| "
                                f"{r['bf16_out_mean_abs_diff']:.5f} = {100 * r['bf16_out_mean_rel_diff']:.1f}% of "
                                f"fp32 mean |out| {r['fp32_out_mean_abs']:.3f}"),
        ("generator inference", f"fp32 {1000 * r['fp32_infer_s']:.1f} ms {_other(r['fp32_infer_other_cpu'])}, "
                                f"bf16 {1000 * r['bf16_infer_s']:.1f} ms {_other(r['bf16_infer_other_cpu'])}; "
                                f"{r['infer_images']} image(s) per call = "
                                f"{r['fp32_infer_images_per_s']:.2f} images/s fp32"),
        ("tf.data", f"{r['data_images_per_s']:.1f} images/s vs step demand {r['step_images_per_s']:.2f} "
                    f"images/s = {r['data_headroom']:.1f}x {_other(r['data_other_cpu'])}"),
        ("peak RSS", f"{r['peak_rss_mb_fp32']:.0f} MB after fp32, {r['peak_rss_mb']:.0f} MB overall"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for policy in ("fp32", "bf16"):
        if f"{policy}_op_times" in r:
            times = r[f"{policy}_op_times"]
            total = sum(times.values())
            print(f"{policy} step, time per op type (op-seconds; concurrent ops overlap): total {total:.3f} s")
            for op_type, seconds in list(times.items())[:12]:
                print(f"  {seconds:8.3f} s {100 * seconds / total:5.1f}%  {op_type}")
    for name, ok in r["targets"].items():
        print(f"{'PASS' if ok else 'MISS'}  {name}")


def main(argv: list[str]) -> None:
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    args = parse_args()
    result = run(args)
    print_report(result)
    if args.json:
        atomic.write_text(args.json, json.dumps(result, indent=2))


if __name__ == "__main__":
    cli.run(main)
