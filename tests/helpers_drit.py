"""Tiny DRIT and multi-domain DRIT++ configs for tests: 4-filter networks. DRIT on 216 px crops (its
content discriminator's smallest input is a 53 px content map, i.e. 212 px images), d_iter 3
chunks of 2 per step; MDMM on 64 px crops (MD_Dis's smallest), batch 2, no content discriminator."""

from __future__ import annotations

import numpy as np

from tf_i2i.config_utils import CONFIG_DIR, load_config_file

SIZE = 216
TINY = {"model.dim": 4, "model.mlp_dim": 16, "data.synthetic.num_images": 8, "train.num_steps": 2,
        "train.log_every": 1, "train.sample_every": 2, "train.checkpoint_every": 2, "export.at_end": False}


def tiny_drit_config(**overrides):
    """configs/drit/synthetic.py with dim 4, mlp_dim 16, 8 synthetic scenes, no export;
    `overrides` are dotted keys written with '__' (model__concat=0)."""
    config = load_config_file(CONFIG_DIR / "drit" / "synthetic.py")
    _apply(config, {**TINY, **{k.replace("__", "."): v for k, v in overrides.items()}})
    return config


def _apply(config, settings: dict) -> None:
    for key, value in settings.items():
        *parents, leaf = key.split(".")
        node = config
        for name in parents:
            node = node[name]
        node[leaf] = value


def random_batch(config, seed: int = 0) -> dict[str, np.ndarray]:
    """{'A', 'B'} uniform in [-1, 1], train.batch_size images of SIZE px per domain."""
    rng = np.random.default_rng(seed)
    n = config.train.batch_size
    return {"A": rng.uniform(-1, 1, (n, SIZE, SIZE, config.data.a_channels)).astype(np.float32),
            "B": rng.uniform(-1, 1, (n, SIZE, SIZE, config.data.b_channels)).astype(np.float32)}


def tiny_mdmm_config(**overrides):
    """configs/drit_md/synthetic.py with dim 4, mlp_dim 16, 64 px crops of 8 scenes per domain, no
    export; `overrides` as tiny_drit_config's."""
    config = load_config_file(CONFIG_DIR / "drit_md" / "synthetic.py")
    _apply(config, {**TINY, **{k.replace("__", "."): v for k, v in overrides.items()}})
    return config


def domain_batch(config, size: int = 64, seed: int = 0) -> dict[str, np.ndarray]:
    """{'image': train.batch_size pictures in [-1, 1], 'domain': ids cycling over the domains}."""
    rng = np.random.default_rng(seed)
    n = config.train.batch_size
    return {"image": rng.uniform(-1, 1, (n, size, size, config.data.a_channels)).astype(np.float32),
            "domain": (np.arange(n) % config.data.num_domains).astype(np.int32)}
