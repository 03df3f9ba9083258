"""The multi-domain layout `domains` (MDMM): one picture of a uniformly drawn domain plus its id,
from folders trainA, trainB, ... (solid-colour pictures show where each element came from),
from the synthetic looks, and from tiles of the MDMM and DRIT sample figures in ../shared."""

from __future__ import annotations

import collections
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers_data import data_cfg, elements, exact
from tf_i2i.data import DatasetError, build_dataset, write_synthetic_dataset
from tf_i2i.data.synthetic import LOOKS, render_sample

LETTERS = "ABCD"
WEATHER = LOOKS[:4]  # day, night, dusk, fog; night_instances is night with per-object looks


def _colour(domain: int, i: int) -> tuple[int, int, int]:
    """Picture i of a domain: red and green say the domain (A red, B green, C black, D yellow), blue the file."""
    return 250 * (domain in (0, 3)), 250 * (domain in (1, 3)), 10 + 20 * i


def _write_domains(root: Path, counts: tuple[int, ...], size: int = 16) -> Path:
    for d, count in enumerate(counts):
        (root / f"train{LETTERS[d]}").mkdir(parents=True)
        for i in range(count):
            Image.new("RGB", (size, size), _colour(d, i)).save(root / f"train{LETTERS[d]}/{i:03d}.png")
    return root


def _origin(image: np.ndarray) -> tuple[int, int]:
    """(domain, file number) of a solid-colour picture read back from [-1, 1]."""
    r, g, b = np.rint((image.reshape(-1, image.shape[-1]).mean(0) + 1.0) * 127.5).astype(int)
    domain = {(True, False): 0, (False, True): 1, (False, False): 2, (True, True): 3}[(r > 127, g > 127)]
    return domain, (b - 10) // 20


def _batch(cfg, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The first n elements (one batch) of the repeated, shuffled data set."""
    batch = next(iter(build_dataset(cfg, batch_size=n, seed=seed, deterministic=True)))
    return {k: v.numpy() for k, v in batch.items()}


def test_elements_are_an_image_and_its_domain_id():
    batch = _batch(data_cfg(layout="domains", **{"synthetic.num_images": 4}), 6)
    assert set(batch) == {"image", "domain"}
    assert batch["image"].dtype == np.float32 and batch["image"].shape == (6, 32, 32, 3)  # resize_and_crop 40 -> 32
    assert batch["image"].min() >= -1.0 and batch["image"].max() <= 1.0
    assert batch["domain"].dtype == np.int32 and batch["domain"].shape == (6,)
    assert set(batch["domain"].tolist()) <= {0, 1, 2}


@pytest.mark.parametrize("num_domains", [2, 3, 4])
def test_each_id_reads_its_own_folder_and_the_epoch_is_the_largest_domain(tmp_path, num_domains):
    root = _write_domains(tmp_path, (2, 3, 5, 4))
    cfg = exact(data_cfg(source=str(root), layout="domains", num_domains=num_domains))
    counts = (2, 3, 5, 4)[:num_domains]
    got = elements(cfg)  # no shuffle: the domains take turns, each in file order
    assert len(got) == max(counts)
    for k, e in enumerate(got):
        assert e["domain"].shape == () and e["domain"] == k % num_domains
        assert _origin(e["image"]) == (k % num_domains, (k // num_domains) % counts[k % num_domains])
    shuffled = elements(cfg, shuffle=True)
    assert len(shuffled) == max(counts)
    assert all(_origin(e["image"])[0] == e["domain"] for e in shuffled)


def test_domains_are_drawn_uniformly_and_every_picture_is_used(tmp_path):
    root = _write_domains(tmp_path, (1, 2, 6))
    batch = _batch(exact(data_cfg(source=str(root), layout="domains")), 300)
    frequency = collections.Counter(batch["domain"].tolist())
    assert sorted(frequency) == [0, 1, 2] and all(70 <= f <= 130 for f in frequency.values()), frequency
    origins = [_origin(image) for image in batch["image"]]
    assert all(d == domain for (d, _), domain in zip(origins, batch["domain"], strict=True))
    assert {i for d, i in origins if d == 2} == set(range(6))  # small domains are not favoured per picture


def test_same_seed_gives_the_same_elements():
    cfg = data_cfg(layout="domains", **{"synthetic.num_images": 4})  # random crops and flips on
    first, again, other = _batch(cfg, 12), _batch(cfg, 12), _batch(cfg, 12, seed=1)
    np.testing.assert_array_equal(first["domain"], again["domain"])
    np.testing.assert_array_equal(first["image"], again["image"])
    assert not np.array_equal(first["domain"], other["domain"])


def test_grey_domains_are_the_luminance(tmp_path):
    root = _write_domains(tmp_path, (2, 2, 2))
    got = elements(exact(data_cfg(source=str(root), layout="domains", a_channels=1)), shuffle=True)
    for e in got:
        assert e["image"].shape == (16, 16, 1)
    rgb = [np.array(_colour(d, i), np.float32) for d in range(3) for i in range(2)]
    luma = {round(float(c @ np.array([0.299, 0.587, 0.114])) / 127.5 - 1.0, 3) for c in rgb}
    for e in got:
        assert np.ptp(e["image"]) == 0
        assert min(abs(float(e["image"][0, 0, 0]) - v) for v in luma) < 2e-3


def test_missing_and_empty_domain_folders_are_named(tmp_path):
    root = _write_domains(tmp_path, (1, 1, 1))
    with pytest.raises(DatasetError, match=r"folder missing: .*trainD"):
        build_dataset(data_cfg(source=str(root), layout="domains", num_domains=4), batch_size=1)
    for path in (root / "trainB").iterdir():
        path.unlink()
    (root / "trainB/notes.txt").write_text("no pictures here")
    with pytest.raises(DatasetError, match=r"empty folder: .*trainB.*found 1 \.txt"):
        build_dataset(data_cfg(source=str(root), layout="domains"), batch_size=1)


def test_a_corrupt_picture_is_named(tmp_path):
    root = _write_domains(tmp_path, (1, 1, 1))
    (root / "trainC/broken.png").write_bytes(b"not a picture")
    with pytest.raises(DatasetError, match=r"corrupt image: .*trainC/broken\.png"):
        build_dataset(data_cfg(source=str(root), layout="domains"), batch_size=1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"num_domains": 1}, r"data\.num_domains must be 2\.\.26"),
        ({"num_domains": 27}, r"data\.num_domains must be 2\.\.26"),
        ({"source": "tfds:cycle_gan/horse2zebra"}, r"reads folders .* or the synthetic set only"),
        ({"num_domains": 6}, r"synthetic data set has 5 domain looks"),
        ({"num_domains": 2, "synthetic.looks": ("day", "sunny")}, r"data\.synthetic\.looks .* \(unknown: sunny\)"),
        ({"num_domains": 3, "synthetic.looks": ("day", "night")}, r"data\.synthetic\.looks must name data\.num_domains \(3\)"),
        ({"num_domains": 2, "synthetic.looks": ("day", "day")}, r"different looks"),
    ],
)
def test_impossible_settings_are_rejected(fields, message):
    with pytest.raises(DatasetError, match=message):
        build_dataset(data_cfg(layout="domains", **fields), batch_size=1)


def test_synthetic_looks_have_distinct_mean_colours():
    scenes = [render_sample(0, "train", i, 48, 48, WEATHER) for i in range(6)]
    means = {look: np.mean([s[look].reshape(-1, 3).mean(0) for s in scenes], axis=0) for look in WEATHER}
    for a in WEATHER:
        for b in WEATHER:
            assert a == b or np.abs(means[a] - means[b]).max() > 25, (a, b, means)
    warmth = {look: m[0] - m[2] for look, m in means.items()}
    assert max(warmth, key=warmth.get) == "dusk" and warmth["dusk"] > 25  # orange low sun
    assert min(means, key=lambda look: means[look].mean()) == "night"
    assert max(means, key=lambda look: means[look].mean()) == "fog"
    assert np.std([s["fog"] for s in scenes]) < 0.75 * np.std([s["day"] for s in scenes])  # low contrast
    np.testing.assert_array_equal(render_sample(0, "train", 2, 48, 48, ("dusk",))["dusk"], scenes[2]["dusk"])


def test_synthetic_domain_d_shows_its_look_of_other_scenes():
    cfg = exact(data_cfg(layout="domains", num_domains=4, **{"synthetic.num_images": 3}))
    batch = next(iter(build_dataset(cfg, batch_size=8, shuffle=False, deterministic=True)))
    for k, (image, domain) in enumerate(zip(batch["image"].numpy(), batch["domain"].numpy(), strict=True)):
        d, i = k % 4, k // 4  # domains take turns; domain d renders scenes 3d..3d+2
        look = LOOKS[d]
        assert domain == d
        expected = render_sample(0, "train", i + 3 * d, 32, 32, (look,))[look] / 127.5 - 1.0
        np.testing.assert_allclose(image, expected, atol=1e-6)


def test_written_synthetic_folders_read_back_as_the_in_memory_set(tmp_path):
    root = write_synthetic_dataset(tmp_path, "domains", 3, 32, seed=4, num_domains=4)
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*.png"))
    assert written == [f"train{letter}/{look}_{i:05d}.png" for letter, look in zip(LETTERS, WEATHER, strict=True) for i in range(3)]
    cfg = exact(data_cfg(layout="domains", num_domains=4, **{"synthetic.num_images": 3, "synthetic.seed": 4}))
    from_memory = elements(cfg, shuffle=True)
    cfg.source = str(root)
    from_files = elements(cfg, shuffle=True)
    assert len(from_memory) == len(from_files) == 3
    for m, f in zip(from_memory, from_files, strict=True):
        assert m["domain"] == f["domain"]
        np.testing.assert_array_equal(m["image"], f["image"])
    with pytest.raises(DatasetError, match="5 domain looks"):
        write_synthetic_dataset(tmp_path / "six", "domains", 1, 16, num_domains=6)


# Weather tiles of MDMM's results figure (sunny, foggy: rows of MDMM's weather domains) and landscape photos
# of DRIT's teaser (RGBA with an opaque alpha, kept as RGBA files), (left, top, right, bottom) in pixels.
REAL_TILES = {
    "A": ("data/MDMM/imgs/MDMM_results2.png", [(366, 836, 656, 1126), (692, 836, 982, 1126), (366, 1156, 656, 1446)]),
    "B": ("data/MDMM/imgs/MDMM_results2.png", [(1722, 836, 2012, 1126), (2040, 836, 2330, 1126)]),
    "C": ("data/DRIT/imgs/teaser.png", [(1600, 136, 1864, 404), (1600, 436, 1864, 704), (1600, 730, 1864, 998)]),
}


@pytest.fixture
def real_domains(shared_dir, tmp_path) -> tuple[Path, dict[str, list[np.ndarray]]]:
    """Domain folders of 48 px tiles cut from the reference figures, and the tiles as [-1, 1] arrays."""
    tiles = {}
    for letter, (relative, boxes) in REAL_TILES.items():
        figure = shared_dir / relative
        if not figure.is_file():
            pytest.skip(f"{figure} is absent")
        with Image.open(figure) as im:
            im = im.convert("RGB") if im.mode == "P" else im
            (tmp_path / f"train{letter}").mkdir()
            tiles[letter] = []
            for i, box in enumerate(boxes):
                tile = im.crop(box).resize((48, 48), Image.BICUBIC)
                tile.save(tmp_path / f"train{letter}/{i}.png")
                tiles[letter].append(np.asarray(tile.convert("RGB"), np.float32) / 127.5 - 1.0)
    return tmp_path, tiles


def test_real_mdmm_and_drit_tiles(real_domains):
    root, tiles = real_domains
    assert Image.open(root / "trainC/0.png").mode == "RGBA"
    batch = _batch(exact(data_cfg(source=str(root), layout="domains")), 30)
    assert set(batch["domain"].tolist()) == {0, 1, 2}
    for image, domain in zip(batch["image"], batch["domain"], strict=True):
        assert any(np.array_equal(image, tile) for tile in tiles["ABC"[domain]])
    sunny, foggy = (np.std(tiles[d]) for d in "AB")
    assert foggy < sunny  # MDMM's foggy outputs have less contrast than its sunny ones

    official = _batch(data_cfg(source=str(root), layout="domains", load_size=40, crop_size=32), 8)
    assert official["image"].shape == (8, 32, 32, 3) and np.abs(official["image"]).max() <= 1.0
