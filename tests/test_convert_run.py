"""Official checkpoint -> run folder, for each of the eight papers: official-format files (random
weights, tiny sizes, written without torch from the official module structure) are converted
(tools/convert.py for CycleGAN, the same converter object in-process for the others), and
tools/translate.py --workdir on the folder writes what the official networks give, built and
loaded directly through the converter functions and run on the same uint8 picture. Also: a
checkpoint of the wrong shape is one error line naming the key and both torch shapes and leaves no
folder; a flag of another paper is refused; tools/export.py takes a converted folder."""

from __future__ import annotations

import functools
import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from tests import official_drit_state as drit_state, official_mdmm_state as mdmm_state
from tests.helpers_export import run_tools
from tests.official_munit_state import discriminator_state, munit_generator_state, unit_generator_state
from tests.official_pix2pix_state import loaded, opt_lines, resnet_state, spade_generator_state, unet_state
from tests.pth_writer import torch_save
from tf_i2i.convert import cyclegan_pix2pix, drit, mdmm, munit, pix2pixhd, spade, unit
from tf_i2i.convert.official_drit import FAMILIES
from tf_i2i.convert.official_pix2pixhd import official_options as pix2pixhd_options
from tf_i2i.convert.pth import load_state_dict
from tf_i2i.convert.state_dict import ConversionError
from tf_i2i.export import export_model
from tf_i2i.export.preprocess import Preprocessing
from tf_i2i.export.workdir import load_run_config, load_trained_model
from tf_i2i.layers import InstanceBoundary
from tf_i2i.registry import get_spec, specs

REPO = Path(__file__).resolve().parents[1]
PIX2PIXHD_DATA = REPO / "tests" / "data" / "pix2pixhd"
SIZE = 32
NZ = 8  # DRIT's and MDMM's hard-coded attribute size


@dataclass
class Case:
    """One paper's conversion: files and options, the translate flags, and the expected picture."""

    model: str
    files: dict[str, Path]
    given: dict[str, object]
    reference: Callable[[], np.ndarray]
    translate: list[str] = field(default_factory=list)
    reference_b2a: Callable[[], np.ndarray] | None = None  # CycleGAN's G_B


def _uint8_to_unit(picture: np.ndarray) -> np.ndarray:
    return (picture.astype(np.float32) / 127.5 - 1.0)[None]


def _unit_to_uint8(y) -> np.ndarray:
    return np.clip(np.rint((np.asarray(y)[0] + 1.0) * 127.5), 0, 255).astype(np.uint8)


def _one_hot(labels: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n, dtype=np.float32)[labels][None]


class Pictures:
    """The tiny input pictures every case reads."""

    def __init__(self, root: Path):
        rng = np.random.default_rng(0)
        self.root = root
        self.image = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
        self.style = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
        self.labels = rng.integers(0, 2, (SIZE, SIZE), dtype=np.uint8)
        self.instances = (rng.integers(0, 3, (SIZE, SIZE)) * 10).astype(np.uint8)
        for name in ("image", "style", "labels", "instances"):
            Image.fromarray(getattr(self, name)).save(root / f"{name}.png")

    def path(self, name: str) -> Path:
        return self.root / f"{name}.png"


def _pix2pix(root: Path, pictures: Pictures, monkeypatch) -> Case:
    """A U-Net of depth 5 (none of the official netG names): --num_downs overrides unet_256's 8."""
    sd = unet_state(3, 3, 5, 4, np.random.default_rng(1))
    checkpoint = torch_save(root / "latest_net_G.pth", sd, monkeypatch)
    official = dict(input_nc=3, output_nc=3, ngf=4, num_downs=5, norm="batch", use_dropout=True)

    def reference():
        net = loaded(cyclegan_pix2pix.build_generator_from_official(official), sd, cyclegan_pix2pix.load_generator)
        return _unit_to_uint8(net(_uint8_to_unit(pictures.image), training=False))

    given = dict(ngf=4, num_downs=5, crop_size=SIZE, load_size=36)
    return Case("pix2pix", {"checkpoint": checkpoint}, given, reference)


def _cyclegan(root: Path, pictures: Pictures, monkeypatch) -> Case:
    """Both generators and a train_opt.txt (converted through tools/convert.py)."""
    g_a = resnet_state(3, 3, 6, 4, np.random.default_rng(2))
    g_b = resnet_state(3, 3, 6, 4, np.random.default_rng(3))
    files = {"checkpoint": torch_save(root / "latest_net_G_A.pth", g_a, monkeypatch),
             "checkpoint_b": torch_save(root / "latest_net_G_B.pth", g_b, monkeypatch),
             "opt_file": root / "train_opt.txt"}
    options = dict(netG="resnet_6blocks", ngf=4, norm="instance", no_dropout=True, crop_size=SIZE, load_size=36,
                   preprocess="crop", name="tiny", gpu_ids="-1")
    files["opt_file"].write_text("----------------- Options ---------------\n" + opt_lines(options)
                                 + "----------------- End -------------------\n")
    official = dict(netG="resnet_6blocks", input_nc=3, output_nc=3, ngf=4, norm="instance")

    def reference(sd=g_a):
        net = loaded(cyclegan_pix2pix.build_generator_from_official(official), sd, cyclegan_pix2pix.load_generator)
        return _unit_to_uint8(net(_uint8_to_unit(pictures.image), training=False))

    return Case("cyclegan", files, {}, reference, reference_b2a=functools.partial(reference, g_b))


def _pix2pixhd(root: Path, pictures: Pictures, monkeypatch) -> Case:
    """tests/data/pix2pixhd (label_nc 2, instance maps, netE with feat_num 1): no clusters, so zero features."""
    files = {"checkpoint": PIX2PIXHD_DATA / "latest_net_G.pth", "checkpoint_e": PIX2PIXHD_DATA / "latest_net_E.pth",
             "opt_file": PIX2PIXHD_DATA / "opt.txt"}
    opts = pix2pixhd_options(files["opt_file"])

    def reference():
        net = pix2pixhd.build_generator_from_official(opts)
        net = loaded(net, load_state_dict(files["checkpoint"]).arrays, pix2pixhd.load_generator)
        edges = InstanceBoundary()(pictures.instances[None, :, :, None].astype(np.int32))
        x = np.concatenate([_one_hot(pictures.labels, 2), np.asarray(edges),
                            np.zeros((1, SIZE, SIZE, opts["feat_num"]), np.float32)], axis=-1)
        return _unit_to_uint8(net(x, training=False))

    return Case("pix2pixhd", files, {}, reference, [f"--instance={pictures.path('instances')}"])


def _spade(root: Path, pictures: Pictures, monkeypatch) -> Case:
    """The default norm_G (spectral convs, sync batch norm), options from a SPADE opt.txt."""
    sd = spade_generator_state(2, 4, np.random.default_rng(4))
    options = dict(label_nc=2, contain_dontcare_label=False, no_instance=True, ngf=4, crop_size=SIZE, load_size=SIZE,
                   preprocess_mode="fixed", aspect_ratio=1.0, name="tiny", dataroot="./datasets/x")
    files = {"checkpoint": torch_save(root / "latest_net_G.pth", sd, monkeypatch), "opt_file": root / "opt.txt"}
    files["opt_file"].write_text(opt_lines(options))

    def reference():
        opts = {**spade.OFFICIAL_DEFAULTS, **{k: v for k, v in options.items() if k in spade.OFFICIAL_DEFAULTS}}
        net = loaded(spade.build_generator_from_official(opts), sd, spade.load_generator)
        return _unit_to_uint8(net(_one_hot(pictures.labels, 2), None, training=False))

    return Case("spade", files, {}, reference, [])


MUNIT_GEN = dict(dim=4, style_dim=2, n_downsample=1, n_res=1, activ="relu", pad_type="reflect", mlp_dim=8)
UNIT_GEN = {k: MUNIT_GEN[k] for k in munit.UNIT_GEN_KEYS}
DIS = dict(dim=4, norm="none", activ="lrelu", n_layer=2, gan_type="lsgan", num_scales=2, pad_type="reflect")


def _two_domain(model: str, root: Path, pictures: Pictures, monkeypatch) -> Case:
    gen_opts, gen_state = (MUNIT_GEN, munit_generator_state) if model == "munit" else (UNIT_GEN, unit_generator_state)
    rng = np.random.default_rng(5)
    gens = {d: gen_state(3, gen_opts, rng) for d in "ab"}
    files = {"checkpoint": torch_save(root / "gen_00001000.pt", gens, monkeypatch),
             "checkpoint_d": torch_save(root / "dis_00001000.pt", {d: discriminator_state(3, DIS, rng) for d in "ab"},
                                        monkeypatch),
             "official_config": root / f"{model}.yaml"}
    files["official_config"].write_text(yaml.safe_dump(dict(gen=gen_opts, dis=DIS, input_dim_a=3, input_dim_b=3,
                                                            new_size=36, crop_image_height=SIZE,
                                                            crop_image_width=SIZE, gan_w=2, lr=0.0001)))

    def reference():
        if model == "munit":
            g = {d: loaded(munit.build_munit_generator_from_official(3, gen_opts), gens[d], munit.load_munit_generator)
                 for d in "ab"}
            content, _ = g["a"].encode(_uint8_to_unit(pictures.image), training=False)
            _, style = g["b"].encode(_uint8_to_unit(pictures.style), training=False)
            return _unit_to_uint8(g["b"].decode(content, style, training=False))
        g = {d: loaded(unit.build_unit_generator_from_official(3, gen_opts), gens[d], unit.load_unit_generator)
             for d in "ab"}
        return _unit_to_uint8(g["b"].decode(g["a"].encode(_uint8_to_unit(pictures.image), training=False),
                                            training=False))

    return Case(model, files, {}, reference, [f"--style={pictures.path('style')}"] if model == "munit" else [])


def _drit(root: Path, pictures: Pictures, monkeypatch) -> Case:
    """concat=1 at dim 4 (--dim: the official 64); the attribute code of a --style picture of domain B."""
    rng = np.random.default_rng(6)
    state = {"enc_c": drit_state.content_encoder_state((3, 3), 4, rng),
             "enc_a": drit_state.attr_concat_state((3, 3), 4, NZ, rng),
             "gen": drit_state.gen_concat_state((3, 3), 4, NZ, rng), "ep": np.int64(3)}
    files = {"checkpoint": torch_save(root / "00003.pth", state, monkeypatch)}

    def reference():
        o = drit.drit_options(FAMILIES["drit"].defaults, 4, 256)
        nets = {role: drit.ROLES.convert(role, o, state[role]) for role in ("enc_c", "enc_a", "gen")}
        content = nets["enc_c"].encode(_uint8_to_unit(pictures.image), "a", training=False)
        attribute = nets["enc_a"].encode(_uint8_to_unit(pictures.style), "b", training=False)[0]
        return _unit_to_uint8(nets["gen"].decode(content, attribute, "b", training=False))

    return Case("drit", files, dict(dim=4), reference, [f"--style={pictures.path('style')}"])


def _mdmm(root: Path, pictures: Pictures, monkeypatch) -> Case:
    """Three domains at dim 4; translation to domain 1 with a --style picture of it."""
    rng = np.random.default_rng(7)
    state = {"enc_c": mdmm_state.content_encoder_state(3, 4, rng)[0],
             "enc_a": mdmm_state.attr_concat_state(3, 3, 4, NZ, rng)[0],
             "gen": mdmm_state.gen_concat_state(3, 3, 4, NZ, rng)}
    files = {"checkpoint": torch_save(root / "00003.pth", state, monkeypatch)}

    def reference():
        o = mdmm.mdmm_options(dict(input_dim=3, num_domains=3, concat=1, dis_spectral_norm=False, dis_norm="None",
                                   crop_size=216), 4, 256)
        nets = {role: mdmm.ROLES.convert(role, o, state[role]) for role in ("enc_c", "enc_a", "gen")}
        domain = np.eye(3, dtype=np.float32)[[1]]
        content = nets["enc_c"](_uint8_to_unit(pictures.image), training=False)
        attribute = nets["enc_a"](_uint8_to_unit(pictures.style), domain, training=False)[0]
        return _unit_to_uint8(nets["gen"](content, attribute, domain, training=False))

    return Case("drit_md", files, dict(dim=4), reference, [f"--style={pictures.path('style')}", "--domain=1"])


CASES = {"pix2pix": _pix2pix, "cyclegan": _cyclegan, "pix2pixhd": _pix2pixhd, "spade": _spade,
         "munit": functools.partial(_two_domain, "munit"), "unit": functools.partial(_two_domain, "unit"),
         "drit": _drit, "drit_md": _mdmm}


def _tool(tool: str, *args: str) -> tuple[str, ...]:
    return tool, *args


def _run_all(commands: dict[str, tuple[str, ...]]) -> dict[str, subprocess.CompletedProcess]:
    """Runs the commands in turn in the tool host (TensorFlow's start-up paid once)."""
    return dict(zip(commands, run_tools(*commands.values(), timeout=300)))


def _translate_args(case: Case, run: Path, out: Path, pictures: Pictures, *extra: str) -> tuple[str, ...]:
    source = pictures.path("labels" if case.model in ("pix2pixhd", "spade") else "image")
    # --preprocess=none: the reference runs the networks on the picture at its own size
    return _tool("translate", f"--workdir={run}", f"--input={source}", f"--output={out}", "--preprocess=none",
                 *case.translate, *extra)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Every case converted and translated; the tool runs' results by name."""
    root = tmp_path_factory.mktemp("convert_run")
    pictures = Pictures(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        cases = {}
        for model, make in CASES.items():
            (root / model).mkdir()
            cases[model] = make(root / model, pictures, monkeypatch)
        bad = {**unet_state(3, 3, 5, 4, np.random.default_rng(8))}
        bad["model.model.1.model.1.weight"] = bad["model.model.1.model.1.weight"][:4]
        bad_checkpoint = torch_save(root / "bad_net_G.pth", bad, monkeypatch)
    runs = {model: root / "runs" / model for model in CASES}
    for model, case in cases.items():
        if model != "cyclegan":
            get_spec(model).load_converter().run(case.files, case.given, runs[model])
    cyclegan = cases["cyclegan"]
    commands = {
        "convert_cyclegan": _tool("convert", "--model=cyclegan", f"--output={runs['cyclegan']}",
                                  *(f"--{k}={v}" for k, v in cyclegan.files.items())),
        "convert_bad_shape": _tool("convert", "--model=pix2pix", f"--checkpoint={bad_checkpoint}", "--ngf=4",
                                   "--num_downs=5", f"--output={root / 'bad_run'}"),
        "export_pix2pix": _tool("export", f"--workdir={runs['pix2pix']}", "--tflite=",
                                f"--output={root / 'pix2pix_export'}"),
    }
    commands.update({f"translate_{m}": _translate_args(c, runs[m], root / "out" / m, pictures)
                     for m, c in cases.items() if m != "cyclegan"})
    # in turn: translate_cyclegan reads what convert_cyclegan wrote
    commands["translate_cyclegan"] = _translate_args(cyclegan, runs["cyclegan"], root / "out" / "cyclegan", pictures)
    results = _run_all(commands)
    return root, cases, runs, results


def test_every_registered_converter_is_tested():
    assert sorted(CASES) == sorted(name for name, spec in specs().items() if spec.converter)


@pytest.mark.parametrize("model", list(CASES))
def test_translate_on_the_converted_folder_gives_the_official_networks_output(converted, model):
    root, cases, runs, results = converted
    translated = results[f"translate_{model}"]
    assert translated.returncode == 0, translated.stderr[-3000:]
    stem = "labels" if model in ("pix2pixhd", "spade") else "image"
    ours = np.asarray(Image.open(root / "out" / model / f"{stem}.png"))
    expected = cases[model].reference()
    assert ours.shape == expected.shape
    assert np.abs(ours.astype(int) - expected.astype(int)).max() <= 1
    assert expected.std() > 5  # not a flat picture: the weights matter


def test_cyclegan_tool_run_holds_both_directions_and_the_opt_file_sizes(converted):
    root, cases, runs, results = converted
    assert results["convert_cyclegan"].returncode == 0, results["convert_cyclegan"].stderr[-3000:]
    assert f"wrote {runs['cyclegan'] / 'config.json'}" in results["convert_cyclegan"].stdout
    b2a = load_trained_model(runs["cyclegan"]).gen_ba(_uint8_to_unit(np.asarray(Image.open(root / "image.png"))))
    assert np.abs(_unit_to_uint8(b2a).astype(int) - cases["cyclegan"].reference_b2a().astype(int)).max() <= 1
    config = json.loads((runs["cyclegan"] / "config.json").read_text())
    assert config["model"]["generator"]["netG"] == "resnet_6blocks"
    data = config["data"]
    assert (data["crop_size"], data["load_size"], data["preprocess"]) == (SIZE, 36, "crop")
    assert sorted(p.name for p in runs["cyclegan"].iterdir()) == ["checkpoints", "config.json", "options.json"]


def test_run_configs_take_the_official_options(converted):
    _, _, runs, _ = converted
    config = {m: json.loads((runs[m] / "config.json").read_text()) for m in runs}
    assert config["pix2pix"]["model"]["generator"] == dict(netG="unet_5downs", ngf=4, norm="batch", use_dropout=True)
    assert config["spade"]["data"]["num_classes"] == 2 and config["spade"]["model"]["generator"]["ngf"] == 4
    assert config["munit"]["model"]["loss"]["gan_w"] == 2.0 and config["munit"]["data"]["load_size"] == 36
    assert config["drit_md"]["model"]["dim"] == 4


def test_a_checkpoint_of_the_wrong_shape_is_one_error_line_and_no_folder(converted):
    root, _, _, results = converted
    failed = results["convert_bad_shape"]
    assert failed.returncode != 0
    last = failed.stderr.strip().splitlines()[-1]
    assert last == (f"error: model.model.1.model.1.weight: expected shape [8, 4, 4, 4], found [4, 4, 4, 4] "
                    f"in {root / 'bad_net_G.pth'}")
    assert not (root / "bad_run").exists()
    assert not [p for p in root.iterdir() if p.name.startswith(".bad_run")]  # no staging folder left


def test_export_takes_a_converted_folder(converted):
    root, _, _, results = converted
    assert results["export_pix2pix"].returncode == 0, results["export_pix2pix"].stderr[-3000:]
    assert (root / "pix2pix_export" / "saved_model").is_dir()


@pytest.mark.parametrize("model", [m for m in CASES if m != "pix2pix"])  # pix2pix: through the tool above
def test_every_converted_folder_exports(converted, model, tmp_path):
    """What tools/export.py runs (export_model on load_trained_model) takes each paper's converted folder."""
    _, _, runs, _ = converted
    paths = export_model(load_trained_model(runs[model]), tmp_path, tflite=(),
                         preprocessing=Preprocessing.of(load_run_config(runs[model]).data))
    info = json.loads(paths["export_info"].read_text())
    assert info["paper"] == model and (paths["saved_model"] / "saved_model.pb").is_file()


def test_required_files_options_and_existing_checkpoints(tmp_path):
    converter = get_spec("munit").load_converter()
    with pytest.raises(ConversionError, match="--model=munit needs --official_config"):
        converter.run({"checkpoint": tmp_path / "gen.pt"}, {}, tmp_path / "run")
    with pytest.raises(ConversionError, match="^not an option of --model=munit: --concat, --ngf$"):
        converter.run({"checkpoint": tmp_path / "gen.pt"}, {"ngf": 4, "concat": 0}, tmp_path / "run")
    assert not (tmp_path / "run").exists()
    (tmp_path / "run" / "checkpoints").mkdir(parents=True)
    (tmp_path / "g.pth").write_bytes(b"not read: the existing checkpoints are refused first")
    with pytest.raises(ConversionError, match="checkpoints exists"):
        get_spec("pix2pix").load_converter().run({"checkpoint": tmp_path / "g.pth"}, {}, tmp_path / "run")
    with pytest.raises(ConversionError, match="num_downs=5 sets a U-Net's depth, but netG='resnet_9blocks'"):
        get_spec("cyclegan").load_converter().run({"checkpoint": tmp_path / "g.pth"}, {"num_downs": 5},
                                                  tmp_path / "new")
