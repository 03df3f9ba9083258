"""Find the files of a folder data set and match partners (A with B, label with image and instance).

Partners are matched by a *sample key* derived from the file stem (the name without extension):

* ``paired_folders``: the key is the whole stem, so ``trainA/x.png`` pairs with ``trainB/x.jpg``.
* ``labels``: the key is the stem without the longest known suffix of :data:`LABEL_SUFFIXES`,
  so Cityscapes' ``X_gtFine_labelIds.png``, ``X_gtFine_instanceIds.png`` and ``X_leftImg8bit.png``
  all have key ``X``, and COCO-Stuff's ``000123.png`` pairs with ``000123.jpg``.

Every file must have exactly one partner in every other folder of the sample; anything else is
a :class:`DatasetError` naming the file. ``unpaired`` and ``domains`` folders are independent:
no partners.
"""

from __future__ import annotations

import collections
import dataclasses
import errno
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from absl import logging

from tf_i2i.data.config import DOMAIN_LAYOUTS, DOMAIN_LETTERS
from tf_i2i.data.errors import DatasetError

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png", ".webp")
LABEL_SUFFIXES = (
    "_gtFine_labelIds",
    "_gtFine_instanceIds",
    "_gtCoarse_labelIds",
    "_gtCoarse_instanceIds",
    "_leftImg8bit",
    "_labelIds",
    "_instanceIds",
    "_label",
    "_inst",
    "_img",
)


@dataclasses.dataclass(frozen=True)
class FileSet:
    """Paths per part. ``joint``: lists are index-aligned samples; else independent domains (unpaired, domains)."""

    parts: dict[str, list[str]]
    joint: bool


def report_bad_link(path: Path, strict: bool) -> None:
    """A symbolic link that leads nowhere (broken, or a loop) is a warning naming it, or under
    ``data.strict`` an error; either way it is not read."""
    try:
        path.stat()
        return  # it resolves (to a folder, say): not an image file, nothing to report
    except OSError as err:
        kind = "symbolic link loop" if err.errno == errno.ELOOP else "broken symbolic link"
        problem = f"{kind}: {path} -> {os.readlink(path)} ({err.strerror or err})"
    if strict:
        raise DatasetError(f"{problem}; data.strict is on: fix or remove the link")
    logging.warning("%s; skipped (data.strict=True makes this an error)", problem)


def visible_files(candidates: Iterable[Path], wanted: Callable[[Path], bool], strict: bool) -> list[Path]:
    """Sorted files among ``candidates`` that are not hidden and that ``wanted`` accepts (by name);
    wanted names that are links to nothing are reported (see report_bad_link), not skipped silently."""
    found = []
    for path in candidates:
        if path.name.startswith("."):
            continue
        if path.is_file():
            found.append(path)
        elif path.is_symlink() and wanted(path):
            report_bad_link(path, strict)
    return sorted(found)


def list_images(folder: Path, strict: bool = False) -> list[Path]:
    """Sorted image files (known extensions, not hidden) directly inside ``folder``."""
    if not folder.is_dir():
        raise DatasetError(f"folder missing: {folder} does not exist or is not a directory")
    files = visible_files(folder.iterdir(), lambda p: p.suffix.lower() in IMAGE_EXTENSIONS, strict)
    images = [p for p in files if p.suffix.lower() in IMAGE_EXTENSIONS]
    if not images:
        others = collections.Counter(p.suffix.lower() or "(no extension)" for p in files)
        found = ", ".join(f"{n} {ext}" for ext, n in sorted(others.items())) or "nothing"
        raise DatasetError(f"empty folder: no images ({', '.join(IMAGE_EXTENSIONS)}) in {folder}; found {found}")
    return images


def label_key(stem: str) -> str:
    """Sample key of a labels-layout file: the stem minus its longest known suffix."""
    for suffix in sorted(LABEL_SUFFIXES, key=len, reverse=True):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem


def match_partners(folders: dict[str, Path], key: Callable[[str], str],
                   files: dict[str, list[Path]] | None = None, strict: bool = False) -> dict[str, list[str]]:
    """Index-aligned path lists, one per part, matched by ``key(stem)``; sorted by key.

    Each part's candidates are the images directly in its folder, or ``files[part]`` when given
    (nested trees such as Cityscapes'; the folder then only names where a partner was looked for).
    """
    tables: dict[str, dict[str, Path]] = {}
    for part, folder in folders.items():
        table: dict[str, Path] = {}
        for path in files[part] if files else list_images(folder, strict):
            k = key(path.stem)
            if k in table:
                raise DatasetError(f"ambiguous partner: {table[k]} and {path} both have sample key {k!r}; keep one")
            table[k] = path
        tables[part] = table
    keys = sorted(set().union(*tables.values()))
    missing = [
        f"missing partner: {next(t[k] for t in tables.values() if k in t)} has no partner in {folders[part]} "
        f"(expected a file with sample key {k!r})"
        for k in keys
        for part, table in tables.items()
        if k not in table
    ]
    if missing:
        more = f" (and {len(missing) - 1} more missing partners)" if len(missing) > 1 else ""
        raise DatasetError(missing[0] + more)
    return {part: [str(table[k]) for k in keys] for part, table in tables.items()}


def _label_folders(root: Path, split: str, use_instance: bool, rgb_labels: bool, use_image: bool) -> dict[str, Path]:
    """Folders of the labels layout. ``rgb_labels`` (num_classes 0): the input pictures ("label_image")
    come from ``{split}_A`` and the photos from ``{split}_B``, as in pix2pixHD with label_nc 0, or
    from ``{split}_label`` and ``{split}_img`` when there is no ``{split}_A`` folder."""
    a, b = ("_A", "_B") if rgb_labels and (root / f"{split}_A").is_dir() else ("_label", "_img")
    folders = {"label_image" if rgb_labels else "label": root / f"{split}{a}"}
    if use_instance:
        folders["instance"] = root / f"{split}_inst"
    if use_image:
        folders["image"] = root / f"{split}{b}"
    return folders


def collect_files(root: Path, layout: str, split: str, *, use_instance: bool = False, rgb_labels: bool = False,
                  use_image: bool = True, num_domains: int = 3, strict: bool = False) -> FileSet:
    """The files a flat layout (not the release trees of files_release.py) reads under the existing
    folder ``root`` for ``split`` (see docs/datasets.md for the trees); ``strict``: a link to
    nothing is an error, not a warning."""
    if layout == "aligned":
        return FileSet({"AB": [str(p) for p in list_images(root / split, strict)]}, joint=True)
    if layout in ("unpaired", *DOMAIN_LAYOUTS):  # independent folders; domains, boxes: A, B, C, ... in domain order
        letters = "AB" if layout == "unpaired" else DOMAIN_LETTERS[:num_domains]
        return FileSet({d: [str(p) for p in list_images(root / f"{split}{d}", strict)] for d in letters}, joint=False)
    if layout == "paired_folders":
        folders = {d: root / f"{split}{d}" for d in "AB"}
        return FileSet(match_partners(folders, key=lambda stem: stem, strict=strict), joint=True)
    folders = _label_folders(root, split, use_instance, rgb_labels, use_image)
    return FileSet(match_partners(folders, key=label_key, strict=strict), joint=True)
