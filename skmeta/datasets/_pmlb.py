"""PMLB-style folders: ``<root>/<name>/<name>.tsv.gz`` and ``metadata.yaml``."""

import os
import re
from pathlib import Path

import pandas as pd

from ._base import Dataset, group_of

# PMLB marks these feature types as unordered levels.
_CATEGORICAL_TYPES = {"categorical", "nominal"}


def _read_metadata(path):
    """Read the fields skmeta needs from a PMLB ``metadata.yaml``.

    Only ``task``, ``source`` and each feature's ``name`` and ``type`` are read, by
    a line-based parser, so that no YAML library is needed; PMLB writes these keys
    one per line at fixed indentation.
    """
    info = {"task": None, "source": "", "categorical": []}
    if not path.exists():
        return info
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    current = None
    in_source = False
    source_lines = []
    for line in lines:
        if in_source:
            if line.startswith("  ") and not line.lstrip().startswith("#"):
                source_lines.append(line.strip())
                continue
            in_source = False
        if match := re.match(r"^task:\s*(\S+)", line):
            info["task"] = match.group(1).strip().lower()
        elif match := re.match(r"^source:\s*(.*)$", line):
            value = match.group(1).strip()
            if value in (">", "|", ">-", "|-", ""):
                in_source = True
            else:
                source_lines.append(value)
        elif match := re.match(r"^\s*-\s*name:\s*(.+?)\s*$", line):
            current = match.group(1).strip().strip("'\"")
        elif (match := re.match(r"^\s+type:\s*(\S+)", line)) and current is not None:
            if match.group(1).strip().lower() in _CATEGORICAL_TYPES:
                info["categorical"].append(current)
            current = None
    info["source"] = " ".join(source_lines)
    return info


class PMLBSource:
    """A dataset in a PMLB-style folder, loaded only when :meth:`load` is called.

    Parameters
    ----------
    name : str
        Folder name, e.g. ``"adult"``.
    root : str or path-like
        The folder holding one sub-folder per dataset (PMLB's local cache layout).
    """

    source = "pmlb"

    def __init__(self, name, root):
        self.name = name
        self.root = Path(root)
        self.dataset_id = f"pmlb/{name}"
        self.group_id = group_of(name)
        self._metadata = _read_metadata(self.root / name / "metadata.yaml")
        self.task = self._metadata["task"]

    def __repr__(self):
        return f"PMLBSource({self.name!r}, root={str(self.root)!r})"

    def load(self):
        """Read the data; return a :class:`~skmeta.datasets.Dataset`."""
        folder = self.root / self.name
        candidates = [folder / f"{self.name}.tsv.gz", folder / f"{self.name}.tsv"]
        path = next((p for p in candidates if p.exists()), None)
        if path is None:
            raise FileNotFoundError(
                f"PMLB dataset {self.name!r}: no {self.name}.tsv.gz in {folder}."
            )
        frame = pd.read_csv(path, sep="\t")
        if "target" not in frame.columns:
            raise ValueError(
                f"PMLB dataset {self.name!r}: {path} has no 'target' column."
            )
        y = frame.pop("target")
        categorical = [c for c in self._metadata["categorical"] if c in frame.columns]
        for column in categorical:
            frame[column] = frame[column].astype("category")
        task = self.task
        if task not in ("classification", "regression"):
            raise ValueError(
                f"PMLB dataset {self.name!r}: metadata.yaml gives task {task!r}; "
                "expected 'classification' or 'regression'."
            )
        return Dataset(
            dataset_id=self.dataset_id,
            name=self.name,
            task=task,
            source=self.source,
            group_id=self.group_id,
            X=frame,
            y=y,
            info={
                "origin": self._metadata["source"],
                "licence": "per original source (see origin); PMLB code is MIT",
            },
        )


def list_pmlb(root, task=None):
    """List the datasets of a PMLB-style folder, without loading them.

    Parameters
    ----------
    root : str or path-like
        E.g. ``"../shared/data/pmlb"``.
    task : {"classification", "regression"}, default=None
        Keep only datasets of this task (read from each ``metadata.yaml``).

    Returns
    -------
    list of PMLBSource
        Sorted by name.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(
            f"PMLB folder {root} does not exist; pass the folder that holds one "
            "sub-folder per dataset (e.g. ../shared/data/pmlb)."
        )
    sources = [
        PMLBSource(entry.name, root)
        for entry in sorted(os.scandir(root), key=lambda e: e.name)
        if entry.is_dir()
    ]
    if task is not None:
        sources = [s for s in sources if s.task == task]
    return sources


def load_pmlb(name, root):
    """Load one dataset from a PMLB-style folder.

    Parameters
    ----------
    name : str
        Dataset folder name, e.g. ``"adult"``.
    root : str or path-like
        The PMLB folder, e.g. ``"../shared/data/pmlb"``.

    Returns
    -------
    Dataset
        Columns PMLB marks ``categorical`` or ``nominal`` have the ``category``
        dtype; ``dataset_id`` is ``"pmlb/<name>"``.
    """
    return PMLBSource(name, root).load()
