"""docs/adding-a-model.md cannot rot: its files are copied out of the page into a scratch tree, the
paper they define is registered by the registry's own discovery, trained for a few steps by the
training loop and exported."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import tf_i2i.models
from tf_i2i import registry
from tf_i2i.config_utils import CONFIG_DIR, load_config_file
from tf_i2i.models import spec as spec_module

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "adding-a-model.md"
FILE_BLOCK = re.compile(r"```python\n# (?P<path>\S+\.py)\n(?P<body>.*?)```", re.S)


def guide_files() -> dict[str, str]:
    """Repository path -> content of every python block of the guide that starts with its path."""
    return {m["path"]: m["body"] for m in FILE_BLOCK.finditer(GUIDE.read_text())}


def test_the_guide_holds_a_whole_paper():
    assert set(guide_files()) == {"tf_i2i/models/mypaper/model.py", "tf_i2i/models/mypaper/spec.py",
                                  "tf_i2i/models/mypaper/__init__.py", "configs/mypaper/default.py",
                                  "configs/mypaper/synthetic.py"}


@pytest.fixture()
def guide_paper(tmp_path, monkeypatch):
    """The guide's files written under tmp_path (package part on tf_i2i.models' search path, configs
    beside a copy of configs/base.py), the registry forgetting what it found before and after."""
    for relative, body in guide_files().items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body)
    shutil.copy(CONFIG_DIR / "base.py", tmp_path / "configs" / "base.py")
    registry.specs()  # the real papers' spec modules first, so their config paths are the real ones
    monkeypatch.setattr(tf_i2i.models, "__path__", [*tf_i2i.models.__path__, str(tmp_path / "tf_i2i" / "models")])
    monkeypatch.setattr(spec_module, "CONFIG_DIR", tmp_path / "configs")
    registry.specs.cache_clear()
    yield tmp_path
    registry.specs.cache_clear()


def test_the_guide_paper_registers_and_trains(guide_paper, tmp_path):
    from tf_i2i.training.loop import train

    spec = registry.get_spec("mypaper")
    assert spec.default_config == guide_paper / "configs" / "mypaper" / "default.py"
    assert registry.default_config("mypaper").model.name == "mypaper"
    config = load_config_file(guide_paper / "configs" / "mypaper" / "synthetic.py")
    config.update_from_flattened_dict({
        "train.num_steps": 3, "train.log_every": 1, "train.sample_every": 3, "train.checkpoint_every": 3,
        "train.batch_size": 1, "model.netG": "resnet_1blocks", "model.ngf": 4, "model.ndf": 4,
        "model.n_layers_D": 1, "data.synthetic.num_images": 4, "data.synthetic.image_size": 36,
        "data.load_size": 36, "data.crop_size": 32, "export.tflite": "", "export.height": 32, "export.width": 32})
    result = train(config, tmp_path / "run")
    assert result.step == 3
    assert {"g_gan", "g_l1", "d_real", "d_fake"} <= set(result.last_logs)
    assert (tmp_path / "run" / "export" / "saved_model" / "saved_model.pb").is_file()
    assert any((tmp_path / "run" / "checkpoints").glob("ckpt-3*"))
