"""Flow files (.flo Middlebury, .npy): what they hold, the error for each kind of bad file, flows
chained across frames, and a user's flow folder read in place of DIS."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from tf_i2i.data import DatasetError
from tf_i2i.data.video.flow_cache import UserFlows
from tf_i2i.data.video.flow_files import compose_flows, read_flow, write_flo

RNG = np.random.default_rng(5)


def random_flow(h: int = 5, w: int = 7) -> np.ndarray:
    return RNG.normal(0, 3, (h, w, 2)).astype(np.float32)


def flo_bytes(flow: np.ndarray, magic: float = 202021.25) -> bytes:
    """A .flo file written out from the Middlebury description: magic, width, height, then x, y per pixel."""
    h, w, _ = flow.shape
    values = [v for row in flow for pixel in row for v in pixel]
    return struct.pack("<fii", magic, w, h) + struct.pack(f"<{len(values)}f", *values)


def test_flo_is_read_as_middlebury_lays_it_out_and_written_back_the_same(tmp_path):
    flow = random_flow()
    (tmp_path / "a.flo").write_bytes(flo_bytes(flow))
    np.testing.assert_array_equal(read_flow(tmp_path / "a.flo"), flow)
    write_flo(tmp_path / "b.flo", flow)
    assert (tmp_path / "b.flo").read_bytes() == flo_bytes(flow)


def test_npy_of_any_float_type_is_read_as_float32(tmp_path):
    flow = random_flow().astype(np.float64)
    np.save(tmp_path / "f.npy", flow)
    got = read_flow(tmp_path / "f.npy")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, flow, rtol=1e-6)


def bad_files(tmp_path):
    flow = random_flow(3, 4)
    good = flo_bytes(flow)
    nan_flow = flow.copy()
    nan_flow[1, 2, 0] = np.nan
    inf_flow = flow.copy()
    inf_flow[2, 3, 1] = np.inf
    cases = {
        "magic.flo": (flo_bytes(flow, magic=1.0), "bad magic"),
        "header.flo": (good[:7], "truncated .flo file (7 bytes"),
        "short.flo": (good[:-4], "truncated .flo file"),
        "long.flo": (good + b"\0" * 8, "too long .flo file"),
        "size.flo": (struct.pack("<fii", 202021.25, 0, 3), "bad .flo size 0x3"),
        "nan.flo": (flo_bytes(nan_flow), "1 flow vectors are NaN or infinite (the first at x=2, y=1)"),
        "inf.npy": (inf_flow, "NaN or infinite (the first at x=3, y=2)"),
        "shape.npy": (np.zeros((4, 5, 3), np.float32), "a flow is [height, width, 2], found shape [4, 5, 3]"),
        "ints.npy": (np.zeros((4, 5, 2), np.int32), "holds floats, found int32"),
        "text.npy": (b"not numpy at all", "not a readable .npy array"),
        "cut.npy": (None, "not a readable .npy array"),
        "flow.png": (good, "not a flow file"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        if isinstance(content, np.ndarray):
            np.save(path, content)
        elif content is None:  # an .npy cut short
            np.save(path, flow)
            path.write_bytes(path.read_bytes()[:-10])
        else:
            path.write_bytes(content)
        yield path, message
    yield tmp_path / "missing.flo", "cannot read flow file"


def test_each_bad_file_is_a_dataset_error_naming_the_file_and_the_problem(tmp_path):
    for path, message in bad_files(tmp_path):
        with pytest.raises(DatasetError) as err:
            read_flow(path)
        assert str(path) in str(err.value) and message in str(err.value), (path.name, str(err.value))


def test_write_flo_refuses_what_it_could_not_read_back(tmp_path):
    with pytest.raises(DatasetError, match="found shape"):
        write_flo(tmp_path / "x.flo", np.zeros((4, 4, 3), np.float32))
    assert not list(tmp_path.iterdir())


def affine_flow(h: int, w: int, matrix: np.ndarray, shift: tuple[float, float]) -> np.ndarray:
    """flow(p) = matrix @ p + shift (p = (x, y)): bilinear lookups of it are exact."""
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    points = np.stack([cols, rows], -1)
    return (points @ matrix.T + np.asarray(shift)).astype(np.float32)


def test_chained_flow_is_the_first_flow_plus_the_next_where_it_lands():
    h, w = 24, 32
    first = affine_flow(h, w, np.array([[0.05, 0.0], [0.02, -0.03]]), (1.5, 2.0))
    second = affine_flow(h, w, np.array([[-0.04, 0.01], [0.0, 0.02]]), (-0.5, 1.25))
    third = np.full((h, w, 2), (0.75, -0.25), np.float32)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float64)
    x, y = cols + first[..., 0], rows + first[..., 1]
    inside = (x <= w - 1) & (y <= h - 1)  # no border clamp: the affine flow's lookup is exact
    expected = first + np.stack([-0.04 * x + 0.01 * y - 0.5, 0.02 * y + 1.25], -1) + np.array((0.75, -0.25))
    chained = compose_flows([first, second, third])
    np.testing.assert_allclose(chained[inside], expected[inside], atol=1e-4)
    assert inside.mean() > 0.5
    np.testing.assert_array_equal(compose_flows([first]), first)


def test_chained_flow_reads_the_border_where_the_first_flow_leaves_the_image():
    h, w = 6, 8
    first = np.zeros((h, w, 2), np.float32)
    first[..., 0] = 100.0  # far right of every row
    second = random_flow(h, w)
    chained = compose_flows([first, second])
    np.testing.assert_allclose(chained, first + second[:, -1:, :].repeat(w, axis=1), rtol=1e-6)


def test_flows_of_different_sizes_do_not_chain():
    with pytest.raises(DatasetError, match="flow 1 is 6x5, flow 0 is 7x5"):
        compose_flows([random_flow(5, 7), random_flow(5, 6)])


def user_flow_folder(tmp_path, n_frames: int = 5):
    """<split>_flow/<seq>/ with the flow file of frames 1..n-1 (frame i -> i-1), .flo and .npy mixed."""
    folder = tmp_path / "train_flow" / "seq7"
    folder.mkdir(parents=True)
    flows = {i: random_flow(6, 8) for i in range(1, n_frames)}
    for i, flow in flows.items():
        if i % 2:
            write_flo(folder / f"f{i:03d}.flo", flow)
        else:
            np.save(folder / f"f{i:03d}.npy", flow)
    return folder, flows, [f"f{i:03d}.png" for i in range(n_frames)]


@pytest.mark.parametrize("named", [True, False])
def test_user_flows_are_the_files_and_their_chains(tmp_path, named):
    folder, flows, names = user_flow_folder(tmp_path)
    user = UserFlows(folder, names if named else None)
    got = user.flows([(4, 3), (3, 1), (1, 0)])
    assert got.shape == (3, 6, 8, 2) and got.dtype == np.float32
    np.testing.assert_array_equal(got[0], flows[4])
    np.testing.assert_allclose(got[1], compose_flows([flows[3], flows[2]]), rtol=1e-6)
    np.testing.assert_array_equal(got[2], flows[1])
    user.check(5)


def test_a_missing_user_flow_file_names_the_sequence_and_the_frame(tmp_path):
    folder, _, names = user_flow_folder(tmp_path)
    (folder / "f002.npy").unlink()
    with pytest.raises(DatasetError, match=r"sequence seq7: no flow file for frame 2 \(f002.png\)"):
        UserFlows(folder, names).flows([(3, 1)])
    with pytest.raises(DatasetError, match=r"sequence seq7: no flow file for frame 2 \(f002.png\)"):
        UserFlows(folder, names).check(5)
    with pytest.raises(DatasetError, match="sequence seq7: no flow file for frame 4 .*found 3"):
        UserFlows(folder).check(5)  # without names only the count can tell


def test_user_flow_folder_problems_are_named(tmp_path):
    folder, flows, names = user_flow_folder(tmp_path)
    np.save(folder / "f001.npy", flows[1])  # beside f001.flo
    with pytest.raises(DatasetError, match="two flow files for one frame: .*f001"):
        UserFlows(folder, names).flows([(2, 1)])
    (folder / "f001.npy").unlink()
    np.save(folder / "f002.npy", random_flow(6, 9))
    with pytest.raises(DatasetError, match="flow files of different sizes: .*f003.flo is 8x6, .*f002.npy is 9x6"):
        UserFlows(folder, names).flows([(3, 1)])
    with pytest.raises(DatasetError, match="flow folder .*missing"):
        UserFlows(tmp_path / "nope").flows([(1, 0)])
    with pytest.raises(ValueError, match="earlier"):
        UserFlows(folder, names).flows([(1, 2)])
