"""The official release trees SPADE reads as they are: ADE20K (ADEChallengeData2016) and Cityscapes.

* ``ade20k``: ``images/<training|validation>/X.jpg`` with ``annotations/<...>/X.png``, matched by stem.
* ``cityscapes``: ``gtFine/<split>/<city>/X_gtFine_labelIds.png`` (and ``_instanceIds.png``) with
  ``leftImg8bit/<split>/<city>/X_leftImg8bit.png``, matched by the sample key ``X`` (city_seq_frame).

The official test phase of both reads the validation split; ``split="test"`` does the same for
ADE20K, whose release has no annotated test folder. Cityscapes splits are folder names.
"""

from __future__ import annotations

from pathlib import Path

from tf_i2i.data.errors import DatasetError
from tf_i2i.data.files import IMAGE_EXTENSIONS, FileSet, label_key, match_partners, visible_files

ADE20K_SPLITS = {"train": "training", "val": "validation", "test": "validation"}


def find_nested(folder: Path, suffixes: tuple[str, ...], strict: bool) -> list[Path]:
    """Sorted files at any depth under ``folder`` whose names end with one of ``suffixes`` (any case)."""
    if not folder.is_dir():
        raise DatasetError(f"folder missing: {folder} does not exist or is not a directory")
    ends = tuple(s.lower() for s in suffixes)

    def wanted(path: Path) -> bool:
        return path.name.lower().endswith(ends)

    found = [p for p in visible_files(folder.rglob("*"), wanted, strict) if wanted(p)]
    if not found:
        raise DatasetError(f"empty folder: no files ending with {', '.join(suffixes)} under {folder}")
    return found


def ade20k_files(root: Path, split: str, *, use_instance: bool, use_image: bool, strict: bool) -> FileSet:
    """Annotations and photos of an ADEChallengeData2016 root (no instance maps; config checks refuse them)."""
    if split not in ADE20K_SPLITS:
        raise DatasetError(f"ADE20K splits are {tuple(ADE20K_SPLITS)}, got {split!r}")
    folders = {"label": root / "annotations" / ADE20K_SPLITS[split]}
    if use_image:
        folders["image"] = root / "images" / ADE20K_SPLITS[split]
    return FileSet(match_partners(folders, key=lambda stem: stem, strict=strict), joint=True)


def cityscapes_files(root: Path, split: str, *, use_instance: bool, use_image: bool, strict: bool) -> FileSet:
    """labelIds (and instanceIds) under gtFine/<split>/ and photos under leftImg8bit/<split>/, any city."""
    gt = root / "gtFine" / split
    folders = {"label": gt}
    files = {"label": find_nested(gt, ("_labelIds.png",), strict)}
    if use_instance:
        folders["instance"], files["instance"] = gt, find_nested(gt, ("_instanceIds.png",), strict)
    if use_image:
        folders["image"] = root / "leftImg8bit" / split
        files["image"] = find_nested(folders["image"], IMAGE_EXTENSIONS, strict)
    return FileSet(match_partners(folders, key=label_key, files=files), joint=True)


RELEASE_TREES = {"ade20k": ade20k_files, "cityscapes": cityscapes_files}
