"""The knowledge base shipped with skmeta, and reading any collected store."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._search_space import TASKS
from ._store import ExperimentStore

DATA_DIR = Path(__file__).parent / "data"


def knowledge_base_path(task):
    """Folder of the shipped store for ``task``."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}.")
    return DATA_DIR / task


def load_knowledge_base(task, path=None):
    """Load the experiments and dataset meta-features of a knowledge base.

    Parameters
    ----------
    task : {"classification", "regression"}
    path : str or path-like, default=None
        A store collected with ``skmeta collect``: a single-task store or a
        knowledge-base folder holding ``<task>/``. The knowledge base shipped with
        skmeta when None.

    Returns
    -------
    Bunch
        ``experiments``: DataFrame, one row per (dataset, configuration)
        evaluation, with ``dataset_id``, ``config_id``, ``family``, ``params``
        (dict), ``kind``, ``status`` (``"ok"``, ``"error"``, ``"timeout"``,
        ``"crashed"``), the metrics' fold means and standard deviations, times and
        provenance; ``metafeatures``: DataFrame indexed by ``dataset_id`` (empty
        until the meta-feature pass has run); ``datasets``: DataFrame describing
        each dataset (source, group id, rows used, subsampling); ``path``.

    Examples
    --------
    >>> from skmeta.metalearning import load_knowledge_base
    >>> kb = load_knowledge_base("classification")  # doctest: +SKIP
    >>> kb.experiments.groupby("family")["balanced_accuracy"].mean()  # doctest: +SKIP
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}.")
    path = knowledge_base_path(task) if path is None else Path(path)
    if not (path / "store.json").exists() and (path / task / "store.json").exists():
        path = path / task
    store = ExperimentStore.open(path, task=task)
    datasets = store.datasets()
    if not datasets.empty:
        datasets = datasets.set_index("dataset_id")
    return Bunch(
        experiments=store.experiments(),
        metafeatures=store.metafeatures(),
        datasets=datasets,
        path=path,
    )


def _metafeature_row(extractor, X):
    """The meta-features a fitted extractor found, as {name: value}."""
    values = getattr(extractor, "meta_features_", None)
    if values is not None:
        return {str(k): float(v) for k, v in dict(values).items()}
    row = np.asarray(extractor.transform(X), dtype=float)[0]
    names = extractor.get_feature_names_out()
    return dict(zip(map(str, names), row, strict=True))


def compute_metafeatures(store, sources, extractor=None, progress=False):
    """Compute and store the meta-features of every dataset of a store.

    This is a pass separate from the collection: it can run later, and again
    whenever the meta-feature extractor changes, without touching experiments.
    Each dataset is prepared exactly as the collector prepared it (same cleaning,
    subsample and seed, read from the store's settings).

    Parameters
    ----------
    store : ExperimentStore
        Opened, with its ``"metafeatures"`` lock held (the collector's lock is
        another, so this pass can run while a collection goes on).
    sources : dict of str to source
        ``{dataset_id: source}``, e.g. from :func:`skmeta.datasets.list_pmlb`.
    extractor : estimator, default=None
        Fitted on each dataset's ``(X, y)``, its ``meta_features_`` read (or, for
        another kind of extractor, the first row of its ``transform``);
        ``MetaFeatureExtractor(random_state=<store seed>)`` when None. Its
        ``target_type``, when it has one, is set to the store's task.
    progress : bool, default=False
        Show a tqdm progress bar.

    Returns
    -------
    DataFrame
        The stored table, one row per dataset, indexed by ``dataset_id``.
    """
    from sklearn.base import clone

    from ._collector import prepare_dataset

    if extractor is None:
        try:
            from skmeta.metafeatures import MetaFeatureExtractor
        except ImportError as exc:
            raise ImportError(
                "skmeta.metafeatures.MetaFeatureExtractor is not available in this "
                "installation; pass extractor=... or install a skmeta that has it."
            ) from exc
        extractor = MetaFeatureExtractor(random_state=store.settings.get("seed", 0))
    settings = store.settings
    rows = {}
    missing = []
    failed = []
    records = store.dataset_records().items()
    if progress:
        from tqdm.auto import tqdm

        records = tqdm(records, desc=f"meta-features ({store.task})", unit="dataset")
    for dataset_id, record in records:
        if record.get("status") != "ok":
            continue
        if dataset_id not in sources:
            missing.append(dataset_id)
            continue
        fitted = clone(extractor)
        if "target_type" in fitted.get_params():
            # Integer regression targets (counts) must not be read as classes.
            fitted.set_params(target_type=store.task)
        try:
            X, y, _, _ = prepare_dataset(
                sources[dataset_id].load(),
                settings["n_folds"],
                settings["max_rows"],
                settings["seed"],
            )
            fitted.fit(X, y)
            rows[dataset_id] = _metafeature_row(fitted, X)
        except Exception as exc:  # one failing dataset must not lose the others
            failed.append(dataset_id)
            warnings.warn(
                f"Meta-features of {dataset_id} failed ({type(exc).__name__}: "
                f"{exc}); its previous row, if any, is kept."
            )
    if missing and not rows:
        raise ValueError(
            f"None of the store's {len(missing)} datasets is among the sources "
            "given; pass the sources the store was collected from (e.g. --pmlb DIR)."
        )
    frame = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    frame.index.name = "dataset_id"
    existing = store.metafeatures()
    # Datasets whose source was not given keep their previous meta-features.
    keep = existing.loc[~existing.index.isin(frame.index)]
    frame = pd.concat([keep, frame]).sort_index()
    store.write_metafeatures(frame)
    return frame
