"""Every `python tools/<tool>.py ...` command of README.md and docs/**/*.md, run as the tool itself at
a tiny size, so a documented command cannot silently break (this module holds no tests; the
tests/test_doc_commands_*.py files run its pages).

A command is taken from a ```bash block as written: lines continued by a backslash are joined, a
trailing `# comment` is dropped, a line of `a && b && c` gives its `python tools/...` parts. The
harness then runs `sys.executable tools/<tool>.py <args>` (the test environment of
tests/helpers_training.py) in a scratch working folder of the page, where `configs` is the repo's
configs (a symlink) and relative paths such as `runs/<x>` live. Commands run in document order, one
page per folder; a command identical to an earlier one of the same page runs once. The tools run
in the pytest process's tool host (tests/tool_host.py: TensorFlow starts once), as each would run
alone; a tools/bench.py command that sets TensorFlow's threads (THREAD_FLAGS) runs in a process of
its own.

Every flag name is kept, and every value that sets neither a size nor a path. The substitutions
the harness may make, and no others:

Paths (values the harness maps to scratch files it creates):
  - an absolute `/data/<x>` becomes `<scratch>/data/<x>`; relative paths stay relative to the scratch
    folder.
  - inputs that do not exist yet are written before the command: translate's --input (a folder if the
    path ends in `/`, a data set root with test_label/ + test_inst/ (Cityscapes) or val_label/ +
    val_inst/ (other data sets) if it was a /data/ path, else one file), --instance and --style,
    and INIT's --boxes / --style_boxes (INIT annotation text of BOX_ROWS on the input / the style picture);
    convert's --checkpoint/--checkpoint_b/--checkpoint_d/--checkpoint_e/--opt_file/--official_config
    (official-format files of tiny networks).
  - a command that reads a run folder (`--workdir=runs/x`, `--saved_model=runs/x/...`) no earlier
    command of the page wrote gets a tiny run made by the harness (tools/train.py on the model's
    configs/<model>/synthetic.py with TRAIN_TINY, exported if this or a later command reads its
    export); its model is the page's (docs/models/<model>.md), the paper a run folder is named
    after (runs/init), pix2pixhd for
    tools/encode_features.py, vid2vid for a translate command with a video flag (VIDEO_FLAGS), else
    pix2pix (README's examples). A translate command with `--edges=canny` reads a run the harness
    trains on edges (EDGES_RUN) of a clip written as below.
  - a command that writes a run folder another command of the page wrote before starts it afresh (the
    pages show alternatives: train or convert into runs/facades).
  - a video model's translate inputs are written at the run's frame size: --input (a folder of
    VIDEO_FRAMES label frames with their --instance maps, or real frames with --edges; or a video
    file), --real_frames (a folder or a video); pictures are frames of the synthetic video.
  - a train command with `--config.data.video.edges=canny` reads real video, which the synthetic
    source has not: its `--config.data.source=/data/<x>` becomes `<scratch>/data/<x>` holding one
    clip, `train_B/clip.mp4` (tf_i2i.data.video.video_files.write_video of a synthetic sequence at
    TRAIN_TINY's frame size).
  - an output folder (translate's --output) is emptied first, so its files are exactly this command's.
  - tools/bench.py gets `--json=<scratch>/bench_<line>.json` to read its figures back.
  - compute_flow's --data_root (two sequence folders <split>_B/seq01, seq02) or sequence folder
    arguments get 4 random 32x48 frames each; bench_flow's --images becomes two random pictures.

Sizes and lengths:
  - train: `--config.data.source=/data/<x>` becomes `synthetic` (the built-in data set: no data set
    folder; with edges the clip above); every key of TRAIN_TINY[model] replaces the documented
    value in place (a documented width keeps its ratio to the config's default: ngf=32 where the
    config has 64 becomes 2 where the tiny one is 4), or is appended: narrow networks, 32 px crops
    (DRIT 216 with d_iter 1 and batch 2, MDMM 64), 2 steps, 8 synthetic images, no VGG download
    (`vgg_weights=random`); vid2vid: 2 synthetic sequences of 6 frames of 32x64 (width 64 where
    load_size scales it), 3 frames generated per sequence; `export.tflite=` (empty) and
    `export.height/width` at the crop size (video: the frame size); `export.at_end=False` unless a
    later command of the page reads the run's export.
  - convert: the width options of the official networks (--ngf, --dim, --mlp_dim, pix2pixHD's
    --n_downsample_global/--n_blocks_global/--n_blocks_local) are replaced or appended tiny, and the
    files written (tests/doc_checkpoints.py) fit them; an option file the command names (opt.txt,
    the MUNIT/UNIT YAML) is written with tiny official options instead.
  - export: --height/--width become the run's crop size (video: its frame size).
  - bench: --size/--height/--width/--batch become tiny (BENCH_SIZE, BENCH_BATCH; --height/--width keep their
    ratio), `--steps=1 --warmup=0 --conv_repeats=0 --data_batches=2 --matmul=256` replace or join the
    documented ones, and the model's TRAIN_TINY `model.*` widths are appended as --config.* flags
    (with `--config=configs/<model>/default.py`, the file bench loads without --config, when none
    is given).
  - bench_flow: `--size=32,48 --repeats=1` replace or join the documented ones.
  - warp_error runs as written on the frames earlier commands of the page wrote; instance_styles on the
    run folders earlier commands wrote.
Everything else (the tool, the flags, their meaning) runs as written: a renamed flag, a removed tool
or a broken mode fails.

Placeholder commands (holding `<...>` or `...`, or naming a paper that exists only in a guide) are
not run: TEMPLATES lists them exactly, so a new placeholder is a deliberate decision.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.doc_checkpoints import WRITERS
from tests.helpers_drit import TINY as DRIT_TINY
from tests.helpers_training import REPO, run_bounded, subprocess_env, tiny_overrides
from tests.tool_host import shared_host

DOCS = ("README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.md")))
TOOLS = ("train", "translate", "export", "convert", "encode_features", "bench", "check_fixture",
         "performance_table", "compute_flow", "bench_flow", "warp_error", "instance_styles")
TIMEOUT = 300  # seconds per command
# bench flags that set TensorFlow's threads, which a process fixes at its first op
THREAD_FLAGS = ("config.train.parallel_ops", "intra_threads", "inter_threads")
# The pages of each tests/test_doc_commands_<group>.py (a few files, so the xdist workers share them).
GROUPS = {
    "readme": ("README.md", "docs/translating.md", "docs/converting.md", "docs/development.md",
               "docs/adding-a-model.md"),
    "image_models": ("docs/models/pix2pix.md", "docs/models/cyclegan.md", "docs/models/munit.md",
                     "docs/models/unit.md", "docs/models/init.md"),
    "label_models": ("docs/models/pix2pixhd.md", "docs/models/spade.md"),
    "drit": ("docs/models/drit.md", "docs/models/drit_md.md"),
    "bench": ("docs/performance.md",),
    "vid2vid": ("docs/models/vid2vid.md",),
}

# Commands that cannot run as written, exactly as the pages give them.
TEMPLATES = frozenset({
    "python tools/convert.py --model=<name> --checkpoint=... --output=runs/<name>",
    "python tools/translate.py --workdir=runs/<name> --input=images/ --output=out/",
    "python tools/export.py --workdir=runs/<name>",
    "python tools/check_fixture.py <fixture dir> [<fixture dir> ...]",
    # the guide's paper lives only in the guide (tests/test_adding_a_model.py trains and exports it)
    "python tools/train.py --config=configs/mypaper/synthetic.py --workdir=runs/mypaper",
    "python tools/translate.py --workdir=runs/mypaper --input=photo.png --output=out/",
})

_STEPS = {"train.num_steps": 2, "train.log_every": 1, "train.sample_every": 2, "train.checkpoint_every": 2}
_SMALL = {"data.load_size": 32, "data.crop_size": 32, "data.synthetic.image_size": 32}


def _drit_sizes(crop: int) -> dict:
    return {**DRIT_TINY, **_STEPS, "data.load_size": crop, "data.crop_size": crop,
            "data.synthetic.image_size": crop}


TRAIN_TINY: dict[str, dict] = {
    **{m: {**tiny_overrides(m), **_STEPS, **_SMALL}
       for m in ("pix2pix", "cyclegan", "pix2pixhd", "spade", "munit", "unit")},
    # the content discriminator's smallest input; one discriminator pass per step (d_iter 1, batch 2)
    "drit": {**_drit_sizes(216), "model.d_iter": 1, "train.batch_size": 2},
    "drit_md": _drit_sizes(64),  # MD_Dis's smallest
    "init": {**tiny_overrides("init"), **_STEPS, **_SMALL},
}
TRAIN_TINY["spade"]["data.aspect_ratio"] = 1.0
VIDEO_SIZE = (32, 64)  # vid2vid's frames (height, width): its tiny size multiple is 2 (4 with two spatial scales)
TRAIN_TINY["vid2vid"] = {
    "data.video.synthetic.image_size": VIDEO_SIZE, "data.video.synthetic.num_sequences": 2,
    "data.video.synthetic.n_frames": 6, "data.video.n_frames_total": 3,
    "data.load_size": VIDEO_SIZE[1],  # scale_width (the street configs): frames keep their 64 px width
    "model.generator.ngf": 4, "model.generator.n_blocks": 1, "model.generator.n_blocks_local": 1,
    "model.generator.n_downsample_G": 1, "model.discriminator.ndf": 4, "model.discriminator.n_layers_D": 1,
    "model.discriminator.num_D": 1, "model.loss.vgg_weights": "random", **_STEPS}
# What the harness's own edges run sets (a translate command with --edges reads a run trained on edges).
EDGES_RUN = {"data.video.edges": "canny", "data.num_classes": 0, "data.a_channels": 1, "data.use_instance": False,
             "model.generator.fg": False}
VIDEO_FLAGS = ("edges", "first_frame", "real_frames", "single_g_workdir", "fps")  # translate flags of video models
VIDEO_FRAMES = 4  # frames of each video input the harness writes (more than n_frames_G - 1 = 2)
TRAIN_TINY["pix2pixhd"]["model.loss.vgg_weights"] = "random"  # the Cityscapes config's VGG loss: no download
BENCH_SIZE = {"drit": 216, "drit_md": 64, "spade": 64}  # others 32 (SPADE: its "more" upsampling of Cityscapes)
BENCH_FIXED = {"steps": "1", "warmup": "0", "conv_repeats": "0", "data_batches": "2", "matmul": "256"}
BENCH_BATCH = {"drit": 2}  # DRIT's batch is 2 * d_iter (TRAIN_TINY's d_iter 1); others 1 where documented
FLOW_FRAMES = 4  # per sequence folder compute_flow's commands get
BOX_ROWS = ("1 2 2 12 12", "1 18 4 30 14", "3 10 18 20 30")  # INIT rows (cls x1 y1 x2 y2) on a 32 px picture


# --- reading the pages -------------------------------------------------------------------------

@dataclass(frozen=True)
class DocCommand:
    """One tools/ command of a page: where it is, its text as written, and its arguments."""

    doc: str
    line: int
    text: str
    args: tuple[str, ...]  # after tools/<tool>.py

    @property
    def tool(self) -> str:
        return re.fullmatch(r"python3? tools/(\w+)\.py.*", self.text, re.S)[1]

    @property
    def is_template(self) -> bool:
        return "<" in self.text or "..." in self.text or self.text in TEMPLATES

    def flag(self, name: str) -> str | None:
        """The value of --name (the last one given), None if absent."""
        values = [a.split("=", 1)[1] for a in self.args if a.startswith(f"--{name}=")]
        return values[-1] if values else None

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"


def _bash_lines(text: str) -> list[tuple[int, str]]:
    """(line number, logical line) of every ```bash block: backslash continuations joined."""
    out, block, pending = [], False, None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            block = line.strip() == "```bash"
            continue
        if not block:
            continue
        start, body = pending if pending else (number, "")
        body += line.rstrip()
        if body.endswith("\\"):
            pending = (start, body[:-1] + " ")
        else:
            pending = None
            out.append((start, body))
    return out


def page_commands(doc: str) -> list[DocCommand]:
    """The tools/ commands of one page (README.md or docs/...), in order."""
    commands = []
    for number, line in _bash_lines((REPO / doc).read_text()):
        tokens = shlex.split(line, comments=True)
        parts, current = [], []
        for token in tokens + ["&&"]:
            if token == "&&":
                parts.append(current)
                current = []
            else:
                current.append(token)
        for part in parts:
            if len(part) > 1 and part[0] in ("python", "python3") and re.fullmatch(r"tools/\w+\.py", part[1]):
                commands.append(DocCommand(doc, number, " ".join(part), tuple(part[2:])))
    return commands


def raw_command_count() -> int:
    """How many lines of the pages' bash blocks name a tools/ script (a cross-check of the parser)."""
    return sum(len(re.findall(r"\bpython3? tools/\w+\.py", line))
               for doc in DOCS for _, line in _bash_lines((REPO / doc).read_text()))


def runnable_commands(docs) -> list[DocCommand]:
    """The pages' commands less templates and repeats within a page, in order."""
    out, seen = [], set()
    for doc in docs:
        for cmd in page_commands(doc):
            if not cmd.is_template and (doc, cmd.text) not in seen:
                seen.add((doc, cmd.text))
                out.append(cmd)
    return out


# --- inputs --------------------------------------------------------------------------------------

def _write_png(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def write_picture(path: Path, size: tuple[int, int], seed: int) -> None:
    """A random RGB picture of size (height, width)."""
    _write_png(path, np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8))


def write_label_maps(label: Path, instance: Path | None, size: tuple[int, int], num_classes: int) -> None:
    """An 8-bit label map (two classes < num_classes, left and right) and its 16-bit instance map
    (the left class as instance <class>001, the right one as stuff)."""
    h, w = size
    left, right = (26 if num_classes > 26 else 1), 0
    labels = np.full((h, w), right, np.uint8)
    labels[:, : w // 2] = left
    _write_png(label, labels)
    if instance is not None:
        inst = np.where(labels == left, left * 1000 + 1, right).astype(np.uint16)
        _write_png(instance, inst)


def read_png(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img)


def synthetic_frames(size: tuple[int, int], count: int, seed: int = 0) -> np.ndarray:
    """uint8 RGB frames [count, H, W, 3] of a synthetic video sequence (real-looking, coherent motion)."""
    from tf_i2i.data.synthetic_video import render_sequence
    return render_sequence(seed, "train", 0, count, *size)["image"]


def write_frames(target: Path, frames: np.ndarray) -> list[str]:
    """frames as a video file (when target has a video extension) or as target/<00000>.png ...; the stems."""
    from tf_i2i.data.video.video_files import is_video, write_video
    if is_video(target):
        write_video(target, frames, 24.0)
        return [f"{target.stem}_{i:05d}" for i in range(len(frames))]
    stems = [f"{i:05d}" for i in range(len(frames))]
    for stem, frame in zip(stems, frames):
        _write_png(target / f"{stem}.png", frame)
    return stems


def tiny_frame_size(model: str) -> tuple[int, int]:
    """(height, width) of TRAIN_TINY[model]'s pictures: its video frames or its square crops."""
    tiny = TRAIN_TINY[model]
    return tuple(tiny.get("data.video.synthetic.image_size", (tiny.get("data.crop_size"),) * 2))


# --- runs ------------------------------------------------------------------------------------------

@dataclass
class Run:
    """A run folder of a page: its model, and whether its maker was skipped."""

    model: str
    skipped: str = ""  # why, when the command that writes it was skipped


def run_key(path: str) -> str:
    """The run folder of a --workdir/--saved_model/--output path: runs/<x>."""
    return "/".join(Path(path).parts[:2])


def page_model(doc: str) -> str | None:
    m = re.fullmatch(r"docs/models/(\w+)\.md", doc)
    return m[1] if m else None


class Page:
    """The scratch folder of one page and the run folders its commands wrote so far."""

    def __init__(self, doc: str, cwd: Path, commands: list[DocCommand]):
        self.doc, self.cwd, self.commands = doc, cwd, commands
        (cwd / "configs").symlink_to(REPO / "configs")
        self.runs: dict[str, Run] = {}

    # paths
    def path(self, value: str) -> Path:
        return self.cwd / value.lstrip("/") if value.startswith("/data/") else self.cwd / value

    def mapped(self, value: str) -> str:
        return str(self.path(value)) if value.startswith("/data/") else value

    def config(self, key: str) -> dict:
        return json.loads((self.cwd / key / "config.json").read_text())

    # running
    def run(self, cmd: DocCommand) -> None:
        """Runs one command at its tiny size and checks what it wrote."""
        prepare = getattr(self, f"_{cmd.tool}")
        args, check = prepare(cmd)
        sets_threads = cmd.tool == "bench" and any(cmd.flag(name) for name in THREAD_FLAGS)
        self.execute(cmd.tool, args, str(cmd), own_process=sets_threads)
        check()

    def execute(self, tool: str, args: list[str], where: str, own_process: bool = False) -> None:
        path = REPO / "tools" / f"{tool}.py"
        if own_process:
            done = run_bounded([sys.executable, str(path), *args], TIMEOUT, env=subprocess_env(), cwd=self.cwd)
            code, output = done.returncode, f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        else:
            ran = shared_host().run(path, args, self.cwd, TIMEOUT)
            code, output = ran.returncode, ran.output[-6000:]
        assert code == 0, f"{where}: exit code {code}\n  {shlex.join([str(path), *args])}\n{output}"

    def later_reads_export(self, cmd: DocCommand, key: str) -> bool:
        after = self.commands[self.commands.index(cmd) + 1:]
        return any(run_key(c.flag("saved_model") or "") == key for c in after)

    def _fresh_run(self, key: str, model: str, cmd: DocCommand) -> None:
        if key in self.runs:
            shutil.rmtree(self.cwd / key, ignore_errors=True)
        self.runs[key] = Run(model)

    def needed_run(self, path: str, cmd: DocCommand) -> tuple[str, Run]:
        """The run folder `path` reads, made by the harness if no earlier command wrote it."""
        key = run_key(path)
        if key not in self.runs:
            model = page_model(self.doc) or self._reader_model(cmd, key)
            height, width = tiny_frame_size(model)
            exports = bool(cmd.flag("saved_model")) or self.later_reads_export(cmd, key)
            settings = {**TRAIN_TINY[model], "export.at_end": exports, "export.tflite": "",
                        "export.height": height, "export.width": width}
            if cmd.tool == "translate" and cmd.flag("edges"):
                settings.update(EDGES_RUN, **{"data.source": self.clip_root("data/harness_clip")})
            self.execute("train", [f"--config=configs/{model}/synthetic.py", f"--workdir={key}",
                                   *(f"--config.{k}={v}" for k, v in settings.items())], f"{cmd} (harness run)")
            self.runs[key] = Run(model)
        run = self.runs[key]
        if run.skipped:
            pytest.skip(f"reads {key}, whose maker was skipped: {run.skipped}")
        return key, run

    @staticmethod
    def _reader_model(cmd: DocCommand, key: str) -> str:
        """The model of a run a command of a page without a model reads."""
        if Path(key).name in TRAIN_TINY:
            return Path(key).name
        if cmd.tool == "encode_features":
            return "pix2pixhd"
        if cmd.tool == "translate" and any(cmd.flag(name) for name in VIDEO_FLAGS):
            return "vid2vid"
        return "pix2pix"

    def clip_root(self, folder: str) -> str:
        """A video data set root (a tiny clip as train_B/clip.mp4) at `folder` under the scratch folder."""
        root = self.cwd / folder
        clip = root / "train_B" / "clip.mp4"
        if not clip.exists():
            frames = TRAIN_TINY["vid2vid"]["data.video.synthetic.n_frames"]
            write_frames(clip, synthetic_frames(tiny_frame_size("vid2vid"), frames))
        return str(root)

    def input_size(self, key: str) -> tuple[int, int]:
        """(height, width) of the inputs the harness makes for a run: its generator's own size (video:
        its synthetic frame size, which its preprocessing keeps)."""
        data = self.config(key)["data"]
        if data["layout"] == "video":
            return tuple(data["video"]["synthetic"]["image_size"])
        crop = int(data["crop_size"])
        return round(crop / float(data.get("aspect_ratio", 1.0))), crop

    # train
    def _train(self, cmd: DocCommand):
        config = cmd.flag("config")
        model = Path(config).parts[1]
        key = cmd.flag("workdir")
        tiny = dict(TRAIN_TINY[model])
        height, width = tiny_frame_size(model)
        exports = self.later_reads_export(cmd, run_key(key))
        tiny.update({"export.tflite": "", "export.height": height, "export.width": width, "export.at_end": exports})
        args = []
        for arg in cmd.args:
            name, _, value = arg.partition("=")
            field = name[len("--config."):] if name.startswith("--config.") else None
            if field == "data.source" and value.startswith("/data/"):
                value = self.clip_root(value.lstrip("/")) if cmd.flag("config.data.video.edges") else "synthetic"
            elif field in tiny:
                value = str(self._tiny_value(config, field, value, tiny.pop(field)))
            args.append(f"{name}={value}" if "=" in arg else arg)
        args += [f"--config.{k}={v}" for k, v in tiny.items()]
        self._fresh_run(run_key(key), model, cmd)
        steps = TRAIN_TINY[model]["train.num_steps"]

        def check():
            run = self.cwd / key
            assert (run / "config.json").is_file()
            assert (run / "checkpoints" / f"ckpt-{steps}.index").is_file(), sorted((run / "checkpoints").iterdir())
            assert list((run / "logs").rglob("events.out.tfevents.*"))
            if exports:
                assert (run / "export" / "saved_model" / "saved_model.pb").is_file()
        return args, check

    @staticmethod
    def _tiny_value(config: str, field: str, documented: str, tiny: object) -> object:
        """The tiny value of a documented config field: a width (ngf/ndf/nef/dim) keeps its ratio to
        the config's own (the local stage's ngf=32 is half the global's 64: 2 for 4), others are tiny."""
        if not re.search(r"(ngf|ndf|nef|dim)$", field):
            return tiny
        from tf_i2i.config_utils import load_config_file
        default = load_config_file(REPO / config)
        for name in field.split("."):
            default = default[name]
        return max(1, int(tiny) * int(documented) // int(default))

    # translate
    def _translate(self, cmd: DocCommand):
        source = cmd.flag("workdir") or cmd.flag("saved_model")
        key, run = self.needed_run(source, cmd)
        data = self.config(key)["data"]
        inputs = self._inputs(run.model)
        labels = data.get("num_classes", 0) if inputs in ("labels", "video") else 0
        size = self.input_size(key)
        if inputs == "video":
            stems = self._make_video_inputs(cmd, size, int(labels))
        else:
            stems = self._make_inputs(cmd, size, int(labels))
        for i, style in enumerate(s for s in (cmd.flag("style") or "").split(",") if s):
            if not self.path(style).exists():
                write_picture(self.path(style), size, 100 + i)
        for flag, picture in (("boxes", cmd.flag("input")), ("style_boxes", cmd.flag("style"))):
            if cmd.flag(flag) and not self.path(cmd.flag(flag)).exists():
                rows = [Path(picture).name, f"{size[1]} {size[0]}", *BOX_ROWS]
                self.path(cmd.flag(flag)).write_text("\n".join(rows) + "\n")
        out = self.path(cmd.flag("output"))
        shutil.rmtree(out, ignore_errors=True)
        args = [f"{a.split('=', 1)[0]}={self.mapped(a.split('=', 1)[1])}" if "=" in a else a for a in cmd.args]
        if cmd.flag("interpolate"):
            suffixes = [f"_i{k}" for k in range(int(cmd.flag("interpolate")))]
        elif cmd.flag("variants"):
            suffixes = [f"_v{i}" for i in range(int(cmd.flag("variants")))]
        else:
            suffixes = ["", "_restyled"] if cmd.flag("restyle") else [""]
        if cmd.flag("boxes"):  # and the input with its boxes outlined
            suffixes.append("_boxes")
        expected = sorted(f"{stem}{s}.png" for stem in stems for s in suffixes)
        if inputs == "video":  # and the .mp4 of all frames, named after the input folder or file
            expected = sorted([*expected, f"{Path(cmd.flag('input')).stem}.mp4"])

        def check():
            assert sorted(p.name for p in out.iterdir()) == expected
            for name in (n for n in expected if n.endswith(".png")):
                image = read_png(out / name)
                assert image.shape[:2] == size, (name, image.shape, size)
        return args, check

    @staticmethod
    def _inputs(model: str) -> str:
        from tf_i2i.registry import get_spec
        return get_spec(model).translate.inputs

    def _make_inputs(self, cmd: DocCommand, size: tuple[int, int], num_classes: int) -> list[str]:
        """Writes --input (and --instance) for the run; returns the input stems."""
        given, instance = cmd.flag("input"), cmd.flag("instance")
        target = self.path(given)
        if given.startswith("/data/"):  # a data set root
            split = "test" if "cityscapes" in given else "val"
            stems = ["frankfurt_000000_000294", "frankfurt_000001_000538"]
            for stem in stems:
                write_label_maps(target / f"{split}_label" / f"{stem}.png", target / f"{split}_inst" / f"{stem}.png",
                                 size, num_classes or 1)
            return stems
        files = [target / f"in{i}.png" for i in range(2)] if given.endswith("/") else [target]
        inst_dir = self.path(instance) if instance else None
        for i, path in enumerate(files):
            if num_classes:
                inst = (inst_dir / path.name if instance.endswith("/") else inst_dir) if inst_dir else None
                write_label_maps(path, inst, size, num_classes)
            else:
                write_picture(path, size, i)
        return [p.stem for p in files]

    def _make_video_inputs(self, cmd: DocCommand, size: tuple[int, int], num_classes: int) -> list[str]:
        """Writes a video model's --input (label frames + --instance maps, or pictures: RGB label
        frames, or real frames with --edges) and --real_frames; returns the output stems."""
        target, instance = self.path(cmd.flag("input")), cmd.flag("instance")
        pictures = synthetic_frames(size, VIDEO_FRAMES)
        if num_classes and not cmd.flag("edges"):
            stems = [f"{i:05d}" for i in range(VIDEO_FRAMES)]
            for stem in stems:
                write_label_maps(target / f"{stem}.png", self.path(instance) / f"{stem}.png" if instance else None,
                                 size, num_classes)
        else:
            stems = write_frames(target, pictures)
        if cmd.flag("real_frames"):
            write_frames(self.path(cmd.flag("real_frames")), pictures)
        return stems

    # export
    def _export(self, cmd: DocCommand):
        key, _ = self.needed_run(cmd.flag("workdir"), cmd)
        h, w = self.input_size(key)
        args = [a for a in cmd.args if not a.startswith(("--height=", "--width="))]
        if cmd.flag("height") or cmd.flag("width"):
            args += [f"--height={h}", f"--width={w}"]
        folder = self.path(cmd.flag("output") or f"{key}/export")
        quantizations = [q for q in (cmd.flag("tflite") or "").split(",") if q]

        def check():
            assert (folder / "saved_model" / "saved_model.pb").is_file()
            info = json.loads((folder / "export_info.json").read_text())
            for q in quantizations:
                assert list(folder.glob(f"*_{q}.tflite")), (q, sorted(p.name for p in folder.iterdir()))
            if cmd.flag("clusters"):
                assert "serve_clusters" in json.dumps(info)
        return args, check

    # encode_features
    def _encode_features(self, cmd: DocCommand):
        key, _ = self.needed_run(cmd.flag("workdir"), cmd)
        target = self.path(cmd.flag("output") or f"{key}/feature_clusters.npz")
        target.unlink(missing_ok=True)

        def check():
            with np.load(target) as clusters:
                assert clusters.files
        return list(cmd.args), check

    # convert
    def _convert(self, cmd: DocCommand):
        model = cmd.flag("model")
        key = run_key(cmd.flag("output"))
        self._fresh_run(key, model, cmd)
        try:
            widths = WRITERS[model](cmd, self)
        except pytest.skip.Exception as skipped:
            self.runs[key].skipped = str(skipped)
            raise
        args = [a for a in cmd.args if a.split("=", 1)[0].lstrip("-") not in widths]
        args += [f"--{k}={v}" for k, v in widths.items()]
        out = self.path(cmd.flag("output"))

        def check():
            assert (out / "config.json").is_file()
            assert list((out / "checkpoints").glob("ckpt-*.index"))
        return args, check

    # bench
    def _bench(self, cmd: DocCommand):
        model = cmd.flag("model")
        size = BENCH_SIZE.get(model, 32)
        fixed = {"size": size, "batch": BENCH_BATCH.get(model, 1), **BENCH_FIXED}
        if cmd.flag("height"):
            ratio = int(cmd.flag("width")) / int(cmd.flag("height"))
            fixed.update(height=size, width=round(size * ratio))
            del fixed["size"]
        args = []
        for arg in cmd.args:
            name = arg.split("=", 1)[0].lstrip("-")
            args.append(f"--{name}={fixed.pop(name)}" if name in fixed else arg)
        if not cmd.flag("batch") and model not in BENCH_BATCH:
            fixed.pop("batch")
        args += [f"--{k}={v}" for k, v in fixed.items()]
        if cmd.flag("config") is None:
            args.append(f"--config=configs/{model}/default.py")
        documented = {a.split("=", 1)[0] for a in cmd.args}
        args += [f"--config.{k}={v}" for k, v in TRAIN_TINY[model].items()
                 if k.startswith("model.") and f"--config.{k}" not in documented]
        report = self.cwd / f"bench_{cmd.line}.json"
        args.append(f"--json={report}")

        def check():
            figures = json.loads(report.read_text())
            assert figures["model"] == model
        return args, check

    # compute_flow
    def _compute_flow(self, cmd: DocCommand):
        positional = [a for a in cmd.args if not a.startswith("-")]
        split = f"{cmd.flag('split') or 'train'}_B"
        folders = ([self.path(a) for a in positional] if positional else
                   [self.path(cmd.flag("data_root")) / split / name for name in ("seq01", "seq02")])
        for k, folder in enumerate(folders):
            for i in range(FLOW_FRAMES):
                write_picture(folder / f"{i:03d}.png", (32, 48), 10 * k + i)
        args = [self.mapped(a) if not a.startswith("-") else
                f"{a.split('=', 1)[0]}={self.mapped(a.split('=', 1)[1])}" if "=" in a else a for a in cmd.args]
        strides = [int(s) for s in (cmd.flag("strides") or "1,3").split(",")]

        def check():
            from tf_i2i.data.video.flow_cache import FlowCache, cache_location
            for folder in folders:
                root, sequence = cache_location(folder)
                cached = FlowCache(root, cmd.flag("preset") or "medium").folder(sequence).glob("*.npy")
                assert len(list(cached)) == sum(max(0, FLOW_FRAMES - s) for s in strides), folder
        return args, check

    # bench_flow
    def _bench_flow(self, cmd: DocCommand):
        pictures = self.cwd / "bench_flow_pictures"
        for i in range(2):
            write_picture(pictures / f"p{i}.png", (40, 60), i)
        fixed = {"images": str(pictures / "*.png"), "size": "32,48", "repeats": "1"}
        args = []
        for arg in cmd.args:
            name = arg.split("=", 1)[0].lstrip("-")
            args.append(f"--{name}={fixed.pop(name)}" if name in fixed else arg)
        args += [f"--{k}={v}" for k, v in fixed.items()]
        return args, lambda: None


    # warp_error: judges the frames an earlier command of the page wrote against the real frames the
    # harness wrote for it (translate's --real_frames), as written
    def _warp_error(self, cmd: DocCommand):
        for flag in ("frames", "reference"):
            assert self.path(cmd.flag(flag)).exists(), f"--{flag}={cmd.flag(flag)}: no earlier command wrote it"
        return list(cmd.args), lambda: None

    # instance_styles: measures the run folders earlier commands of the page wrote, as written
    def _instance_styles(self, cmd: DocCommand):
        for flag in ("workdir", "baseline"):
            if cmd.flag(flag):
                assert self.path(cmd.flag(flag)).is_dir(), f"--{flag}={cmd.flag(flag)}: no earlier command wrote it"
        out = self.path(cmd.flag("workdir")) / "instance_styles.json"

        def check() -> None:
            results = json.loads(out.read_text())["results"]
            assert {"init_instances", "init_locality"} <= set(results), results

        return list(cmd.args), check


class Pages:
    """The Page of each document of a test module, made on its first command (a module fixture)."""

    def __init__(self, tmp_path_factory, commands: list[DocCommand]):
        self.tmp_path_factory, self.commands = tmp_path_factory, commands
        self.pages: dict[str, Page] = {}

    def run(self, cmd: DocCommand) -> None:
        if cmd.doc not in self.pages:
            cwd = self.tmp_path_factory.mktemp(re.sub(r"\W", "_", cmd.doc))
            self.pages[cmd.doc] = Page(cmd.doc, cwd, [c for c in self.commands if c.doc == cmd.doc])
        self.pages[cmd.doc].run(cmd)


def page_tests(group: str) -> tuple[Callable, Callable]:
    """The module fixture and the parametrised test that run GROUPS[group]'s commands; each
    tests/test_doc_commands_*.py file binds them for its group (one file per group, so pytest-xdist
    can give the groups to different workers)."""
    commands = runnable_commands(GROUPS[group])

    @pytest.fixture(scope="module")
    def pages(tmp_path_factory) -> Pages:
        return Pages(tmp_path_factory, commands)

    @pytest.mark.parametrize("cmd", commands, ids=str)
    def test_documented_command_runs(cmd: DocCommand, pages: Pages) -> None:
        pages.run(cmd)

    return pages, test_documented_command_runs
