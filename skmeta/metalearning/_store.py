"""The experiment store: an append-only, crash-safe folder of JSON lines.

Layout of a store (one task per store)::

    <store>/store.json                        manifest: format, task, settings
    <store>/experiments/part-000001.jsonl.gz  sealed parts, never changed again
    <store>/experiments/active.jsonl          the part being appended to
    <store>/datasets.jsonl                    one line per prepared dataset
    <store>/metafeatures.csv.gz               dataset meta-features (separate pass)

Every finished evaluation is appended to ``active.jsonl`` as one complete line,
then flushed and fsynced, so ``kill -9`` at any moment loses at most the line being
written; a torn last line is detected and dropped when the store is opened.
:meth:`ExperimentStore.compact` seals the active part into a gzip part written with
a fixed header, so that the same lines give the same bytes and a version-controlled
store grows by small immutable files. Readers drop any repeat of a (dataset,
configuration) pair, keeping the first, so a compaction interrupted between its two
steps cannot duplicate an experiment either.
"""

import contextlib
import csv
import datetime
import gzip
import io
import json
import math
import os
import re
from pathlib import Path

import pandas as pd

FORMAT_NAME = "skmeta-experiment-store"
FORMAT_VERSION = 1

_PART_RE = re.compile(r"^part-(\d{6})\.jsonl\.gz$")
_GITIGNORE = "*.lock\n*.tmp\n"
# The value of a setting in a store created before the setting existed.
LEGACY_SETTINGS = {"repeat": 0}


class StoreError(ValueError):
    """A store cannot be used as asked: corrupted, locked, or of another task."""


def _clean(value):
    """Make a value JSON-safe: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return _clean(value.item())
    return value


def _dumps(record):
    return json.dumps(
        _clean(record), sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def _fsync_dir(path):
    # A rename is durable only once the directory entry itself is on disk.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path, data):
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _gzip_bytes(text):
    buffer = io.BytesIO()
    # mtime=0 and no file name: identical content always gives identical bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return buffer.getvalue()


def _parse_lines(text, path, allow_torn_tail):
    """Parse JSON lines; return (records, number of bytes of the valid prefix).

    Only the last line may be incomplete, and only when ``allow_torn_tail`` (the
    active part, where a crash can interrupt a write). Anything else unreadable is
    corruption, reported with its file and line, and nothing is changed.
    """
    records = []
    valid = 0
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        is_last = number == len(lines)
        if is_last and line == "":
            break
        try:
            if is_last:
                # A last line without its newline was cut short mid-write.
                raise ValueError("line has no terminating newline")
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("line is not a JSON object")
        except ValueError as exc:
            if allow_torn_tail and (
                is_last or (number == len(lines) - 1 and lines[-1] == "")
            ):
                break
            raise StoreError(
                f"Store file {path} is corrupted at line {number} ({exc}). Nothing "
                "was changed. Run 'skmeta kb repair STORE' to move unreadable lines "
                "to rejected.jsonl, or restore the file from version control."
            ) from None
        records.append(record)
        valid += len(line.encode("utf-8")) + 1
    return records, valid


class ExperimentStore:
    """A folder of experiments for one task, safe against crashes at any moment.

    Use :meth:`create` for a new store and :meth:`open` for an existing one; a
    store is only written by one collector at a time (see :meth:`lock`).

    Parameters
    ----------
    path : str or path-like
        The store folder.

    Attributes
    ----------
    task : {"classification", "regression"}
    settings : dict
        The collection settings recorded at creation (folds, row cap, seed, ...).
    """

    def __init__(self, path):
        self.path = Path(path)
        manifest_path = self.path / "store.json"
        if not manifest_path.exists():
            raise FileNotFoundError(
                f"{self.path} is not an experiment store (no store.json); create one "
                "with 'skmeta collect --store PATH ...'."
            )
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise StoreError(
                f"{manifest_path} is not valid JSON ({exc}); restore it from version "
                "control. The experiments themselves are untouched."
            ) from None
        if manifest.get("format") != FORMAT_NAME:
            raise StoreError(
                f"{manifest_path} is not a skmeta experiment store manifest "
                f"(format={manifest.get('format')!r})."
            )
        if manifest.get("version", 0) > FORMAT_VERSION:
            raise StoreError(
                f"Store {self.path} has format version {manifest['version']}; this "
                f"skmeta reads up to version {FORMAT_VERSION}. Upgrade skmeta."
            )
        self.manifest = manifest
        self.task = manifest["task"]
        self.settings = manifest.get("settings", {})
        self._lock_fh = None

    @classmethod
    def create(cls, path, task, settings=None):
        """Create an empty store for ``task`` at ``path`` and return it.

        Parameters
        ----------
        path : str or path-like
            A folder that does not exist yet or holds no ``store.json``.
        task : {"classification", "regression"}
        settings : dict, default=None
            Collection settings to record (JSON values).
        """
        path = Path(path)
        if (path / "store.json").exists():
            raise StoreError(f"{path} already holds a store; open it instead.")
        (path / "experiments").mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "task": task,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"
            ),
            "settings": _clean(settings or {}),
        }
        (path / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
        _atomic_write(
            path / "store.json", (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
        )
        return cls(path)

    @classmethod
    def open(cls, path, task=None):
        """Open an existing store, checking that it holds ``task`` experiments.

        Parameters
        ----------
        path : str or path-like
        task : {"classification", "regression"}, default=None
            When given and different from the store's task, a :class:`StoreError`
            says so (nothing is changed).
        """
        store = cls(path)
        if task is not None and store.task != task:
            raise StoreError(
                f"Store {store.path} holds {store.task} experiments, not {task}. "
                f"Use another store path for {task} datasets."
            )
        return store

    # -- locking -----------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, part="experiments"):
        """Hold a writer lock of the store (released on exit, even by ``kill -9``).

        Parameters
        ----------
        part : {"experiments", "metafeatures"}, default="experiments"
            The experiments (and datasets table) and the meta-features table have
            separate locks, so that meta-features can be computed during a
            collection.

        Raises
        ------
        StoreError
            When another process holds it.
        """
        import fcntl

        name = ".lock" if part == "experiments" else f".{part}.lock"
        # The handle must outlive this frame: the lock lasts as long as it is open.
        fh = open(self.path / name, "a")  # noqa: SIM115
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise StoreError(
                f"Store {self.path} is being written by another process; wait for "
                "it to finish or stop it first."
            ) from None
        if part == "experiments":
            self._lock_fh = fh
        try:
            if part == "experiments":
                self._repair_torn_tail()
            yield self
        finally:
            if part == "experiments":
                self._lock_fh = None
            fh.close()

    def _require_lock(self):
        if self._lock_fh is None:
            raise StoreError(
                "Writing a store needs its lock: use 'with store.lock(): ...'."
            )

    # -- experiments -------------------------------------------------------------

    @property
    def _active(self):
        return self.path / "experiments" / "active.jsonl"

    def _parts(self):
        folder = self.path / "experiments"
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if _PART_RE.match(p.name))

    def _read_part(self, part):
        try:
            with gzip.open(part, "rt", encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, EOFError) as exc:
            raise StoreError(
                f"Sealed part {part} cannot be decompressed ({exc}). Nothing was "
                "changed; restore the file from version control."
            ) from None
        return _parse_lines(text, part, allow_torn_tail=False)[0]

    def _read_active(self):
        if not self._active.exists():
            return [], 0
        text = self._active.read_bytes().decode("utf-8", errors="replace")
        return _parse_lines(text, self._active, allow_torn_tail=True)

    def _repair_torn_tail(self):
        """Cut a torn last line off the active part, so appends start cleanly."""
        if not self._active.exists():
            return
        try:
            _, valid = self._read_active()
        except StoreError:
            # Corruption before the last line is not ours to cut: readers report
            # it, and 'repair' (which needs this lock) moves it aside.
            return
        if valid < self._active.stat().st_size:
            os.truncate(self._active, valid)

    def iter_experiments(self):
        """Yield every stored experiment once, sealed parts first, in order.

        A repeated (dataset_id, config_id) pair, which only an interrupted
        compaction can leave behind, is yielded once.
        """
        seen = set()
        sources = [self._read_part(p) for p in self._parts()]
        sources.append(self._read_active()[0])
        for records in sources:
            for record in records:
                key = (record.get("dataset_id"), record.get("config_id"))
                if key in seen:
                    continue
                seen.add(key)
                yield record

    def done_keys(self):
        """Return the set of finished (dataset_id, config_id) pairs."""
        return {(r["dataset_id"], r["config_id"]) for r in self.iter_experiments()}

    def append(self, record):
        """Append one finished experiment durably (one line, flush, fsync)."""
        self._require_lock()
        line = _dumps(record) + "\n"
        with open(self._active, "ab") as fh:
            fh.write(line.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())

    def compact(self):
        """Seal the active part into a new gzip part; return its path or None.

        Lines whose (dataset, configuration) pair is already sealed are dropped.
        The new part is written to a temporary file, fsynced and renamed before the
        active part is removed, so a crash at any step loses nothing.
        """
        self._require_lock()
        records, _ = self._read_active()
        if not records:
            return None
        sealed = set()
        for part in self._parts():
            sealed.update(
                (r["dataset_id"], r["config_id"]) for r in self._read_part(part)
            )
        fresh = [r for r in records if (r["dataset_id"], r["config_id"]) not in sealed]
        path = None
        if fresh:
            parts = self._parts()
            number = int(_PART_RE.match(parts[-1].name).group(1)) + 1 if parts else 1
            path = self.path / "experiments" / f"part-{number:06d}.jsonl.gz"
            text = "".join(_dumps(r) + "\n" for r in fresh)
            _atomic_write(path, _gzip_bytes(text))
        os.remove(self._active)
        _fsync_dir(self._active.parent)
        return path

    def experiments(self):
        """Return all experiments as a DataFrame (one row per evaluation)."""
        frame = pd.DataFrame(list(self.iter_experiments()))
        if frame.empty:
            frame = pd.DataFrame(
                columns=["dataset_id", "config_id", "family", "params", "status"]
            )
        return frame

    # -- datasets ----------------------------------------------------------------

    @property
    def _datasets_path(self):
        return self.path / "datasets.jsonl"

    def append_dataset(self, record):
        """Record a prepared dataset (or its load failure); the last record wins."""
        self._require_lock()
        with open(self._datasets_path, "ab") as fh:
            fh.write((_dumps(record) + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())

    def dataset_records(self):
        """Return {dataset_id: latest record} of the datasets table."""
        if not self._datasets_path.exists():
            return {}
        text = self._datasets_path.read_bytes().decode("utf-8", errors="replace")
        records, _ = _parse_lines(text, self._datasets_path, allow_torn_tail=True)
        return {r["dataset_id"]: r for r in records}

    def datasets(self):
        """Return the datasets table as a DataFrame (one row per dataset)."""
        return pd.DataFrame(list(self.dataset_records().values()))

    # -- meta-features -----------------------------------------------------------

    @property
    def _metafeatures_path(self):
        return self.path / "metafeatures.csv.gz"

    def write_metafeatures(self, frame):
        """Replace the meta-features table atomically.

        Parameters
        ----------
        frame : DataFrame
            One row per dataset, indexed by ``dataset_id``.
        """
        buffer = io.StringIO()
        frame.to_csv(buffer, index_label="dataset_id", quoting=csv.QUOTE_MINIMAL)
        _atomic_write(self._metafeatures_path, _gzip_bytes(buffer.getvalue()))

    def metafeatures(self):
        """Return the meta-features table (empty until the meta-feature pass ran)."""
        if not self._metafeatures_path.exists():
            return pd.DataFrame(index=pd.Index([], name="dataset_id"))
        # round_trip: the values read are exactly those written (pandas' default
        # parser may differ in the last bit, which a merge would then write back).
        return pd.read_csv(
            self._metafeatures_path,
            index_col="dataset_id",
            float_precision="round_trip",
        )

    # -- merging -----------------------------------------------------------------

    def merge(self, other):
        """Add the experiments, datasets and meta-features of another store.

        What this store already holds is kept: experiments of a (dataset,
        configuration) pair it has, and dataset records and meta-feature rows of a
        dataset it has, are not taken from ``other``. The new experiments are
        sealed as one new part, so a store in version control grows by one file.
        Each step is atomic and a repeated merge adds nothing, so an interrupted
        merge is completed by running it again. Hold both of this store's locks
        (``lock()`` and ``lock("metafeatures")``).

        Parameters
        ----------
        other : ExperimentStore
            A store of the same task, collected with the same settings (folds, row
            cap, seed, shared configurations, search-space version); it is only
            read.

        Returns
        -------
        dict
            ``experiments``, ``datasets`` and ``metafeatures``: how many records of
            each were added.
        """
        self._require_lock()
        if other.path.resolve() == self.path.resolve():
            raise StoreError(f"Cannot merge store {self.path} into itself.")
        if other.task != self.task:
            raise StoreError(
                f"Store {other.path} holds {other.task} experiments and {self.path} "
                f"{self.task} ones; merge stores of the same task."
            )
        mine = {**LEGACY_SETTINGS, **self.settings}
        theirs = {**LEGACY_SETTINGS, **other.settings}
        if mine != theirs:
            details = ", ".join(
                f"{key}: {mine.get(key)!r} here, {theirs.get(key)!r} there"
                for key in sorted(set(mine) | set(theirs))
                if mine.get(key) != theirs.get(key)
            )
            raise StoreError(
                f"Stores {self.path} and {other.path} were collected with different "
                f"settings ({details}); their scores do not compare, so they cannot "
                "be merged."
            )
        done = self.done_keys()
        fresh = [
            r
            for r in other.iter_experiments()
            if (r["dataset_id"], r["config_id"]) not in done
        ]
        if fresh:
            parts = self._parts()
            number = int(_PART_RE.match(parts[-1].name).group(1)) + 1 if parts else 1
            text = "".join(_dumps(r) + "\n" for r in fresh)
            _atomic_write(
                self.path / "experiments" / f"part-{number:06d}.jsonl.gz",
                _gzip_bytes(text),
            )
        known = self.dataset_records()
        new_datasets = [
            r for key, r in other.dataset_records().items() if key not in known
        ]
        for record in new_datasets:
            self.append_dataset(record)
        table = self.metafeatures()
        theirs = other.metafeatures()
        added = theirs.loc[~theirs.index.isin(table.index)]
        if len(added):
            self.write_metafeatures(added if table.empty else pd.concat([table, added]))
        return {
            "experiments": len(fresh),
            "datasets": len(new_datasets),
            "metafeatures": len(added),
        }

    # -- maintenance -------------------------------------------------------------

    def repair(self):
        """Move unreadable lines of the active part to ``rejected.jsonl``.

        Returns
        -------
        int
            Number of lines moved. Sealed parts are never rewritten.
        """
        self._require_lock()
        if not self._active.exists():
            return 0
        good, bad = [], []
        for line in (
            self._active.read_bytes().decode("utf-8", errors="replace").split("\n")
        ):
            if not line:
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or "config_id" not in record:
                    raise ValueError
                good.append(line)
            except ValueError:
                bad.append(line)
        if bad:
            with open(self.path / "rejected.jsonl", "ab") as fh:
                fh.write("".join(b + "\n" for b in bad).encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            _atomic_write(self._active, "".join(g + "\n" for g in good).encode("utf-8"))
        return len(bad)

    def size_bytes(self):
        """Total size of the store's files on disk."""
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())
