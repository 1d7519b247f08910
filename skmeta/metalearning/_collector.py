"""The experiment collector: datasets x configurations, resumable and parallel."""

import datetime
import hashlib
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from .. import __version__
from ._evaluation import METRICS, evaluate_isolated
from ._search_space import TASKS, SearchSpace, config_id
from ._store import LEGACY_SETTINGS, ExperimentStore, StoreError

# Settings that change what an experiment measures: a store keeps the values it was
# created with, and resuming with others is refused rather than mixing results.
_FIXED_SETTINGS = (
    "n_folds",
    "max_rows",
    "seed",
    "repeat",
    "n_shared",
    "search_space_version",
)


def derive_seed(*parts):
    """A 31-bit seed derived from any parts (stable across machines and runs)."""
    text = "/".join(str(p) for p in parts)
    return (
        int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "little") >> 1
    )


def prepare_dataset(dataset, n_folds, max_rows, seed, repeat=0):
    """Clean, subsample and split a dataset the way the collector evaluates it.

    - rows with a missing (or, for regression, infinite) target are dropped;
    - classification: classes with fewer than ``n_folds`` rows are dropped, so
      that every test fold holds every class;
    - more than ``max_rows`` rows: a seeded random subsample (stratified for
      classification) of ``max_rows`` rows;
    - splits: the dataset's own (restricted to the kept rows) or a seeded
      (stratified) shuffled K-fold; ``repeat`` draws other folds of the same rows.

    Parameters
    ----------
    dataset : Dataset
    n_folds : int
    max_rows : int or None
    seed : int
        Global seed; the dataset's own seed is derived from it and its id.
    repeat : int, default=0
        Which repetition of the cross-validation: each draws its own shuffled
        folds of the same (subsampled) rows, so that the evaluations of several
        repetitions average into a repeated K-fold estimate. A dataset's own
        splits are the same in every repetition.

    Returns
    -------
    X : DataFrame
    y : ndarray
    splits : list of (ndarray, ndarray)
    record : dict
        What was done, for the store's datasets table.
    """
    dataset_seed = derive_seed(seed, dataset.dataset_id)
    X = dataset.X.reset_index(drop=True)
    y = pd.Series(np.asarray(dataset.y)).reset_index(drop=True)
    n_original = len(X)
    keep = np.array(y.notna().to_numpy(), dtype=bool)
    if dataset.task == "regression":
        y = pd.to_numeric(y, errors="coerce")
        keep &= np.isfinite(y.to_numpy(dtype=float, na_value=np.nan))
    dropped_classes = []
    if dataset.task == "classification":
        counts = y[keep].value_counts()
        rare = counts.index[counts < n_folds]
        dropped_classes = [str(c) for c in rare]
        keep &= ~y.isin(rare).to_numpy()
    positions = np.flatnonzero(keep)
    subsampled = max_rows is not None and len(positions) > max_rows
    if subsampled:
        stratify = y.iloc[positions] if dataset.task == "classification" else None
        positions, _ = train_test_split(
            positions,
            train_size=max_rows,
            stratify=stratify,
            random_state=dataset_seed,
        )
        positions = np.sort(positions)
        if dataset.task == "classification":
            # A subsample can leave a class with fewer rows than folds.
            counts = y.iloc[positions].value_counts()
            rare = counts.index[counts < n_folds]
            dropped_classes += [str(c) for c in rare]
            positions = positions[~y.iloc[positions].isin(rare).to_numpy()]
    X_used = X.iloc[positions].reset_index(drop=True)
    y_used = y.iloc[positions].to_numpy()
    if dataset.task == "regression":
        y_used = y_used.astype(float)
    else:
        # Class labels become their codes in sorted order, the order scikit-learn
        # gives classes_: every split, model and score stays the same, no model
        # meets a label type it mishandles (scikit-learn#34883: forests with
        # class_weight="balanced" fail on string labels that read as integers),
        # and labels such as 0, 0.5 and 1, which StratifiedKFold takes for a
        # continuous target, are split as the classes they are.
        y_used = np.unique(y_used, return_inverse=True)[1].reshape(-1)
    if dataset.splits is not None:
        new_position = np.full(n_original, -1)
        new_position[positions] = np.arange(len(positions))
        splits = []
        for train, test in dataset.splits:
            train, test = new_position[train], new_position[test]
            splits.append((train[train >= 0], test[test >= 0]))
        split_kind = "predefined"
    else:
        split_seed = dataset_seed
        if repeat:
            split_seed = derive_seed(seed, dataset.dataset_id, repeat)
        if dataset.task == "classification":
            cv = StratifiedKFold(n_folds, shuffle=True, random_state=split_seed)
        else:
            cv = KFold(n_folds, shuffle=True, random_state=split_seed)
        splits = list(cv.split(X_used, y_used))
        split_kind = "stratified_kfold" if dataset.task == "classification" else "kfold"
    n_categorical = int(sum(isinstance(t, pd.CategoricalDtype) for t in X_used.dtypes))
    record = {
        "dataset_id": dataset.dataset_id,
        "name": dataset.name,
        "task": dataset.task,
        "source": dataset.source,
        "group_id": dataset.group_id,
        "status": "ok",
        "n_rows_original": int(n_original),
        "n_rows": int(len(X_used)),
        "n_features": int(X_used.shape[1]),
        "n_categorical": n_categorical,
        "n_missing_cells": int(X_used.isna().sum().sum()),
        "n_classes": (
            int(len(np.unique(y_used))) if dataset.task == "classification" else None
        ),
        "subsampled": bool(subsampled),
        "dropped_classes": dropped_classes,
        "dataset_seed": dataset_seed,
        "splits": split_kind,
        "n_splits": len(splits),
        "info": dataset.info,
    }
    return X_used, y_used, splits, record


def plan_configurations(space, dataset_id, n_configs, n_shared, seed):
    """The configurations to evaluate on one dataset, in evaluation order.

    Every family's defaults first, then ``n_shared`` random configurations common to
    all datasets of the task (so that configurations can be compared across
    datasets), then ``n_configs - n_shared`` random configurations of this dataset's
    own. Random configurations are balanced across families. Growing ``n_configs``
    later only appends configurations: the earlier ones stay the same.

    Returns
    -------
    list of (str, dict)
        ``(kind, config)`` with kind ``"default"``, ``"shared"`` or ``"random"``.
    """
    n_shared = min(n_shared, n_configs)
    planned = [("default", c) for c in space.defaults()]
    planned += [
        ("shared", c)
        for c in space.sample(n_shared, random_state=derive_seed(seed, space.task))
    ]
    planned += [
        ("random", c)
        for c in space.sample(
            n_configs - n_shared, random_state=derive_seed(seed, dataset_id)
        )
    ]
    unique, seen = [], set()
    for kind, config in planned:
        cid = config_id(config)
        if cid not in seen:
            seen.add(cid)
            unique.append((kind, config))
    return unique


def _interleave(lists):
    """Round-robin over several lists: a[0], b[0], a[1], b[1], ..."""
    out = []
    for i in range(max((len(x) for x in lists), default=0)):
        out.extend(x[i] for x in lists if i < len(x))
    return out


def diverse_order(sources, seed=0):
    """Order datasets so that every prefix spans as many groups as possible.

    Groups (near-duplicates share one, see :func:`skmeta.datasets.group_of`) are
    shuffled with ``seed``; the order takes one dataset of each group in turn, then
    a second of each group that has one, and so on. Taking the first ``n`` datasets
    of this order is how a collection is limited to ``n`` datasets per task.

    Parameters
    ----------
    sources : list
        Datasets or lazy sources with ``dataset_id`` and ``group_id``.
    seed : int, default=0

    Returns
    -------
    list
    """
    rng = np.random.RandomState(derive_seed(seed, "dataset-order"))
    groups = {}
    for source in sorted(sources, key=lambda s: s.dataset_id):
        group = getattr(source, "group_id", None) or source.dataset_id
        groups.setdefault(group, []).append(source)
    names = sorted(groups)
    members = []
    for i in rng.permutation(len(names)):
        group = groups[names[i]]
        members.append([group[j] for j in rng.permutation(len(group))])
    return _interleave(members)


class _Plan:
    """Which dataset x configuration pairs remain, in breadth-first order."""

    def __init__(self, sources, stores, settings, n_configs, families=None):
        self.sources = {}
        by_task = {task: [] for task in TASKS}
        for source in sources:
            if source.task not in stores:
                raise StoreError(
                    f"Dataset {source.dataset_id} is a {source.task} dataset but no "
                    f"{source.task} store was given (stores: {sorted(stores)})."
                )
            self.sources[source.dataset_id] = source
            by_task[source.task].append(source.dataset_id)
        # Classification and regression alternate, each in group-diverse order, so
        # that any prefix of the run covers both tasks and as many groups as it can.
        for task in by_task:
            by_task[task] = [
                s.dataset_id
                for s in diverse_order(
                    [self.sources[i] for i in by_task[task]], settings["seed"]
                )
            ]
        self.dataset_order = _interleave([by_task[t] for t in TASKS])
        self.configs = {}
        for dataset_id in self.dataset_order:
            space = SearchSpace(self.sources[dataset_id].task, families=families)
            self.configs[dataset_id] = plan_configurations(
                space, dataset_id, n_configs, settings["n_shared"], settings["seed"]
            )

    def remaining(self, done):
        """Pairs not in ``done``: round k evaluates every dataset's k-th config."""
        depth = max((len(c) for c in self.configs.values()), default=0)
        items = []
        for k in range(depth):
            for dataset_id in self.dataset_order:
                configs = self.configs[dataset_id]
                if k < len(configs):
                    kind, config = configs[k]
                    key = (dataset_id, config_id(config))
                    if key not in done:
                        items.append((dataset_id, kind, config))
        return items


def _open_stores(store, tasks, settings):
    """Open or create one store per task under a knowledge-base folder.

    ``store`` is either a single-task store (it holds ``store.json``) or a
    knowledge-base folder with one sub-folder per task.
    """
    root = Path(store)
    if (root / "store.json").exists():
        single = ExperimentStore.open(root)
        stores = {single.task: single}
    else:
        stores = {}
        for task in tasks:
            path = root / task
            if (path / "store.json").exists():
                stores[task] = ExperimentStore.open(path, task=task)
            else:
                stores[task] = ExperimentStore.create(path, task, settings)
    for s in stores.values():
        for name in _FIXED_SETTINGS:
            stored = s.settings.get(name, LEGACY_SETTINGS.get(name, settings[name]))
            if stored != settings[name]:
                raise StoreError(
                    f"Store {s.path} was collected with {name}={stored!r}; "
                    f"this run asks for {name}={settings[name]!r}. Resume with the "
                    "store's value, or collect into a new store."
                )
    return stores


def collect(
    sources,
    store,
    *,
    n_configs=50,
    n_shared=20,
    n_folds=5,
    max_rows=3000,
    time_limit=300.0,
    n_jobs=1,
    seed=0,
    repeat=0,
    max_evaluations=None,
    families=None,
    compact_every=1800.0,
    progress=True,
):
    """Evaluate every configuration on every dataset into a resumable store.

    Started again on the same store, it evaluates only the (dataset,
    configuration) pairs not yet stored; killing it at any moment loses at most
    the evaluations in progress.

    Parameters
    ----------
    sources : list
        Datasets (:class:`~skmeta.datasets.Dataset`) or lazy sources from
        :mod:`skmeta.datasets` (``list_pmlb``, ``OpenMLTaskSource``, ...).
    store : str or path-like
        A knowledge-base folder (one store per task is created in
        ``<store>/classification`` and ``<store>/regression``) or an existing
        single-task store.
    n_configs : int, default=50
        Random configurations per dataset, on top of every family's defaults.
    n_shared : int, default=20
        How many of the random configurations are the same on all datasets of a
        task.
    n_folds : int, default=5
        Cross-validation folds (stratified for classification), unless the
        dataset brings its own splits.
    max_rows : int or None, default=3000
        Larger datasets are subsampled (stratified, seeded) to this many rows.
    time_limit : float or None, default=300
        CPU seconds one evaluation (all its folds) may use before its process is
        killed and a timeout recorded. CPU time, not wall-clock time, so that a
        busy machine does not turn slow evaluations into timeouts; a process that
        makes no progress at all is stopped after 30 times the limit.
    n_jobs : int, default=1
        Evaluations run in parallel through joblib; use
        ``joblib.parallel_config(backend="dask")`` to run them on a Dask cluster.
    seed : int, default=0
        Seeds configuration sampling, subsampling, folds and models.
    repeat : int, default=0
        A repetition of the cross-validation: the same datasets, rows and
        configurations as the store collected with ``repeat=0`` (and the same
        ``seed``), measured on other shuffled folds, so that the repetitions'
        scores average into a repeated K-fold estimate. Collect each repetition
        into its own store.
    max_evaluations : int, default=None
        Stop after this many evaluations (all remaining ones when None).
    families : list of str, default=None
        Only these model families (those of both tasks may be mixed); all when
        None.
    compact_every : float or None, default=1800
        Seal the active part into a compressed part every this many seconds (and
        at the end), so that a store under version control can be committed as it
        grows; the collector holds the store's lock, so this is the only time a
        long run can compact.
    progress : bool, default=True
        Show a tqdm progress bar with the estimated time left.

    Returns
    -------
    dict
        Counts of this run: ``evaluated``, ``ok``, ``error``, ``timeout``,
        ``crashed``, ``skipped_datasets`` and ``remaining``.
    """
    _check_arguments(n_configs, n_shared, n_folds, max_rows, time_limit, repeat)
    settings = {
        "n_folds": int(n_folds),
        "max_rows": None if max_rows is None else int(max_rows),
        "seed": int(seed),
        "repeat": int(repeat),
        "n_shared": int(n_shared),
        "search_space_version": SearchSpace("classification").version,
    }
    sources = resolve_sources(sources)
    if not sources:
        raise ValueError("No datasets to collect: every source failed to load.")
    tasks = sorted({s.task for s in sources})
    stores = _open_stores(store, tasks, settings)
    with _locked(stores):
        plan = _Plan(sources, stores, settings, n_configs, families)
        done = set()
        for s in stores.values():
            done |= s.done_keys()
        items = plan.remaining(done)
        if max_evaluations is not None:
            items = items[:max_evaluations]
        runner = _Runner(plan, stores, settings, time_limit)
        counts = {"evaluated": 0, "ok": 0, "error": 0, "timeout": 0, "crashed": 0}
        bar = _progress_bar(len(items), progress)
        last_compact = time.monotonic()
        try:
            results = Parallel(
                n_jobs=n_jobs, return_as="generator_unordered", pre_dispatch="2*n_jobs"
            )(
                delayed(_evaluate_task)(request, time_limit)
                for request in runner.requests(items)
            )
            for request, result in results:
                record = runner.record(request, result)
                stores[request["task"]].append(record)
                counts["evaluated"] += 1
                counts[record["status"]] += 1
                if (
                    compact_every is not None
                    and time.monotonic() - last_compact > compact_every
                ):
                    for s in stores.values():
                        s.compact()
                    last_compact = time.monotonic()
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(
                        ok=counts["ok"],
                        failed=counts["error"] + counts["crashed"],
                        timeout=counts["timeout"],
                        refresh=False,
                    )
        finally:
            if bar is not None:
                bar.close()
        if compact_every is not None:
            for s in stores.values():
                s.compact()
        counts["skipped_datasets"] = sorted(runner.failed_datasets)
        counts["remaining"] = len(
            plan.remaining(set().union(*(s.done_keys() for s in stores.values())))
        )
    return counts


def _check_arguments(n_configs, n_shared, n_folds, max_rows, time_limit, repeat):
    checks = [
        (repeat >= 0, f"repeat must be >= 0; got {repeat}."),
        (n_configs >= 0, f"n_configs must be >= 0; got {n_configs}."),
        (n_shared >= 0, f"n_shared must be >= 0; got {n_shared}."),
        (n_folds >= 2, f"n_folds must be >= 2; got {n_folds}."),
        (
            max_rows is None or max_rows >= 10 * n_folds,
            f"max_rows must be None or at least 10 rows per fold; got {max_rows}.",
        ),
        (
            time_limit is None or time_limit > 0,
            f"time_limit must be None or > 0 seconds; got {time_limit}.",
        ),
    ]
    for ok, message in checks:
        if not ok:
            raise ValueError(message)


def resolve_sources(sources, on_error=None):
    """Read the sources that know their task or id only once read (files, OpenML).

    ``on_error(source, exc)`` is called for a source that fails to load, which is
    then skipped (the others still run); by default it warns.
    """
    resolved = []
    for source in sources:
        if source.task is None or source.dataset_id is None:
            try:
                source = source.load()
            except Exception as exc:  # a broken source skips itself, not the run
                if on_error is None:
                    warnings.warn(f"Skipping {source!r}: it failed to load ({exc}).")
                else:
                    on_error(source, exc)
                continue
        resolved.append(source)
    return resolved


class _locked:
    """Hold the writer lock of several stores."""

    def __init__(self, stores):
        self.stores = list(stores.values())
        self._contexts = []

    def __enter__(self):
        try:
            for s in self.stores:
                context = s.lock()
                context.__enter__()
                self._contexts.append(context)
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc):
        while self._contexts:
            self._contexts.pop().__exit__(None, None, None)
        return False


def _progress_bar(total, progress):
    if not progress:
        return None
    from tqdm.auto import tqdm

    interactive = sys.stderr.isatty()
    return tqdm(
        total=total,
        unit="eval",
        desc="collect",
        smoothing=0.02,
        dynamic_ncols=True,
        # In a log file, one line a minute is enough.
        mininterval=0.5 if interactive else 60.0,
        file=sys.stderr,
    )


def _evaluate_task(request, time_limit):
    start = time.time()
    result = evaluate_isolated(request, time_limit)
    result["started_at"] = start
    # The data is not sent back: the collector keeps what it needs to record.
    return {k: v for k, v in request.items() if k not in ("X", "y", "splits")}, result


class _Runner:
    """Loads and prepares datasets on demand and turns results into records."""

    def __init__(self, plan, stores, settings, time_limit):
        self.plan = plan
        self.stores = stores
        self.settings = settings
        self.time_limit = time_limit
        self.prepared = {}
        self.failed_datasets = set()
        self._recorded = {
            dataset_id
            for s in stores.values()
            for dataset_id, r in s.dataset_records().items()
            if r.get("status") == "ok"
        }

    def _prepare(self, dataset_id):
        if dataset_id in self.prepared or dataset_id in self.failed_datasets:
            return self.prepared.get(dataset_id)
        source = self.plan.sources[dataset_id]
        store = self.stores[source.task]
        try:
            dataset = source.load()
            prepared = prepare_dataset(
                dataset,
                self.settings["n_folds"],
                self.settings["max_rows"],
                self.settings["seed"],
                self.settings["repeat"],
            )
        except Exception as exc:  # a broken file skips its dataset, not the run
            self.failed_datasets.add(dataset_id)
            store.append_dataset(
                {
                    "dataset_id": dataset_id,
                    "task": source.task,
                    "status": "error",
                    "error": f"{type(exc).__name__}: {exc}"[:500],
                }
            )
            return None
        if dataset_id not in self._recorded:
            store.append_dataset(prepared[3])
            self._recorded.add(dataset_id)
        self.prepared[dataset_id] = prepared
        return prepared

    def requests(self, items):
        for dataset_id, kind, config in items:
            prepared = self._prepare(dataset_id)
            if prepared is None:
                continue
            X, y, splits, record = prepared
            yield {
                "task": record["task"],
                "dataset_id": dataset_id,
                "config": config,
                "kind": kind,
                "seed": self.settings["seed"],
                "n_rows": record["n_rows"],
                "X": X,
                "y": y,
                "splits": splits,
            }

    def record(self, request, result):
        config = request["config"]
        record = {
            "dataset_id": request["dataset_id"],
            "config_id": config_id(config),
            "family": config["family"],
            "params": config["params"],
            "kind": request["kind"],
            "status": result["status"],
            "error": result.get("error"),
        }
        for metric in METRICS[request["task"]]:
            record[metric] = result.get(metric)
            record[f"{metric}_std"] = result.get(f"{metric}_std")
        record.update(
            {
                "fit_time": result.get("fit_time"),
                "predict_time": result.get("predict_time"),
                "cpu_time": result.get("cpu_time"),
                "wall_time": result.get("wall_time"),
                "warnings": result.get("warnings", []),
                "n_rows": request["n_rows"],
                "n_folds": self.prepared[request["dataset_id"]][3]["n_splits"],
                "time_limit": self.time_limit,
                "seed": request["seed"],
                "repeat": self.settings["repeat"],
                "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                    timespec="seconds"
                ),
                "skmeta_version": __version__,
                "sklearn_version": _sklearn_version(),
            }
        )
        return record


def _sklearn_version():
    import sklearn

    return sklearn.__version__
