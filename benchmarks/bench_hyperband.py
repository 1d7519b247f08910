"""HyperbandSearchCV against RandomizedSearchCV, HalvingRandomSearchCV and GridSearchCV.

On PMLB datasets (classification and regression), for four resource types:

- ``sgd``: SGD by ``partial_fit`` (passes over the training fold), continued;
- ``hgb``: histogram gradient boosting by ``max_iter`` with warm start, continued;
- ``rf``: random forest by ``n_estimators`` with warm start, continued;
- ``svm``: SVC / SVR by ``n_samples`` (subsampled folds, retrained).

For each (dataset, model), every search is timed on the same training split and
its refit best model is scored on a held-out test split. RandomizedSearchCV
evaluates, at the full budget, exactly the configurations Hyperband sampled;
HalvingRandomSearchCV uses the same factor and budgets (with ``max_iter``
retrained for SGD, since it has no ``partial_fit`` resource); GridSearchCV runs
a small grid at the full budget.

Run from the project root (data in ``../shared/data/pmlb``)::

    nice python benchmarks/bench_hyperband.py --out benchmarks/hyperband_results.csv

``--plot`` also draws test score against wall time. Results are appended row by
row, so an interrupted run keeps what it measured.
"""

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import loguniform, randint, uniform
from sklearn.base import clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR
from threadpoolctl import threadpool_limits

from skmeta import HyperbandSearchCV

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pmlb"

# (name, task): small and large, binary, multi-class and regression.
DATASETS = [
    ("spambase", "classification"),
    ("satimage", "classification"),
    ("magic", "classification"),
    ("adult", "classification"),
    ("197_cpu_act", "regression"),
    ("564_fried", "regression"),
]

MAX_RESOURCES = 81  # with factor 3 and min 1: the five brackets of Table 1
FACTOR = 3


def _models(task, n_train, seed):
    """Estimator, resource, Hyperband budgets, search space and grid per model."""
    classification = task == "classification"
    # tol=None: fit runs exactly max_iter epochs, the budget partial_fit gets.
    sgd = (
        SGDClassifier(loss="log_loss", tol=None, random_state=seed)
        if classification
        else SGDRegressor(tol=None, random_state=seed)
    )
    hgb_class = (
        HistGradientBoostingClassifier
        if classification
        else HistGradientBoostingRegressor
    )
    rf_class = RandomForestClassifier if classification else RandomForestRegressor
    svm = SVC() if classification else SVR()
    n_min = max(n_train // MAX_RESOURCES, 2 * 3 * 10)
    return {
        "sgd": dict(
            estimator=sgd,
            resource="partial_fit",
            full_params={"max_iter": MAX_RESOURCES},
            halving_resource="max_iter",
            max_resources=MAX_RESOURCES,
            min_resources=1,
            space={
                "alpha": loguniform(1e-6, 1e-1),
                "penalty": ["l2", "l1", "elasticnet"],
                "l1_ratio": uniform(0, 1),
            },
            grid={
                "alpha": [1e-5, 1e-4, 1e-3, 1e-2],
                "penalty": ["l2", "l1", "elasticnet"],
            },
        ),
        "hgb": dict(
            estimator=hgb_class(early_stopping=False, random_state=seed),
            resource="max_iter",
            max_resources=MAX_RESOURCES,
            min_resources=1,
            space={
                "learning_rate": loguniform(0.01, 0.5),
                "max_leaf_nodes": randint(4, 64),
                "min_samples_leaf": randint(5, 100),
                "l2_regularization": loguniform(1e-4, 10),
            },
            grid={
                "learning_rate": [0.03, 0.1, 0.3],
                "max_leaf_nodes": [8, 31],
                "min_samples_leaf": [10, 40],
            },
        ),
        "rf": dict(
            estimator=rf_class(random_state=seed),
            resource="n_estimators",
            max_resources=MAX_RESOURCES,
            min_resources=1,
            space={
                "max_features": uniform(0.1, 0.9),
                "min_samples_leaf": randint(1, 20),
                "max_depth": [None, 4, 8, 16],
            },
            grid={
                "max_features": [0.2, 0.5, 1.0],
                "min_samples_leaf": [1, 5],
                "max_depth": [None, 8],
            },
        ),
        "svm": dict(
            estimator=svm,
            resource="n_samples",
            max_resources=n_train,
            min_resources=min(n_min, n_train),
            space={"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-4, 1e0)},
            grid={"C": [0.1, 1, 10, 100], "gamma": [1e-3, 1e-2, 1e-1]},
        ),
    }


def _load(name, task, max_train, max_test, seed):
    frame = pd.read_csv(DATA / name / f"{name}.tsv.gz", sep="\t")
    y = frame.pop("target").to_numpy()
    X = frame.to_numpy(dtype=np.float64)
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X,
        y,
        train_size=min(max_train, int(0.75 * len(X))),
        test_size=min(max_test, int(0.25 * len(X))),
        stratify=stratify,
        random_state=seed,
    )
    # One scaling for every model (trees are insensitive to it): SGD and SVMs
    # need it, and partial_fit cannot run through a Pipeline.
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if task == "regression":
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    return X_train, X_test, y_train, y_test


def _timed(search, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    search.fit(X_train, y_train)
    wall = time.perf_counter() - start
    return wall, search.score(X_test, y_test), len(search.cv_results_["params"])


def run_one(name, task, model, spec, data, seed, n_jobs):
    """The four searches on one (dataset, model); a list of result rows."""
    X_train, X_test, y_train, y_test = data
    classification = task == "classification"
    cv = (StratifiedKFold if classification else KFold)(
        3, shuffle=True, random_state=seed
    )
    scoring = "accuracy" if classification else "r2"
    common = dict(scoring=scoring, cv=cv, n_jobs=n_jobs)
    resource = spec["resource"]
    full = spec.get("full_params")
    if full is None:
        full = {} if resource == "n_samples" else {resource: spec["max_resources"]}
    estimator_full = clone(spec["estimator"]).set_params(**full)
    rows = []

    def record(method, wall, score, n_evaluations):
        rows.append(
            dict(
                dataset=name,
                task=task,
                model=model,
                resource=resource,
                method=method,
                n_train=len(X_train),
                wall_time=round(wall, 3),
                test_score=round(score, 5),
                n_evaluations=n_evaluations,
            )
        )

    hyperband = HyperbandSearchCV(
        spec["estimator"],
        spec["space"],
        resource=resource,
        max_resources=spec["max_resources"],
        min_resources=spec["min_resources"],
        factor=FACTOR,
        random_state=seed,
        **common,
    )
    record("hyperband", *_timed(hyperband, X_train, y_train, X_test, y_test))

    # Exactly the configurations Hyperband sampled, each at the full budget.
    sampled = [
        {key: [value] for key, value in params.items()}
        for params, it in zip(
            hyperband.cv_results_["params"],
            hyperband.cv_results_["iter"],
            strict=True,
        )
        if it == 0
    ]
    random_search = RandomizedSearchCV(
        estimator_full,
        sampled,
        n_iter=len(sampled),
        random_state=seed,
        **common,
    )
    record("random", *_timed(random_search, X_train, y_train, X_test, y_test))

    halving_resource = spec.get("halving_resource", resource)
    halving = HalvingRandomSearchCV(
        clone(spec["estimator"]),
        spec["space"],
        resource=halving_resource,
        max_resources=spec["max_resources"],
        min_resources=spec["min_resources"],
        factor=FACTOR,
        random_state=seed,
        **common,
    )
    record("halving", *_timed(halving, X_train, y_train, X_test, y_test))

    grid = GridSearchCV(estimator_full, spec["grid"], **common)
    record("grid", *_timed(grid, X_train, y_train, X_test, y_test))
    return rows


def summarise(frame):
    """Per (dataset, model): Hyperband's time ratio and score gap to the others."""
    pivot_time = frame.pivot_table(
        index=["dataset", "model"], columns="method", values="wall_time"
    )
    pivot_score = frame.pivot_table(
        index=["dataset", "model"], columns="method", values="test_score"
    )
    summary = pd.DataFrame(
        {
            "time_vs_random": pivot_time["hyperband"] / pivot_time["random"],
            "score_minus_random": pivot_score["hyperband"] - pivot_score["random"],
            "time_vs_halving": pivot_time["hyperband"] / pivot_time["halving"],
            "score_minus_halving": pivot_score["hyperband"] - pivot_score["halving"],
        }
    )
    return summary.round(3)


def plot(frame, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    # Time and score relative to RandomizedSearchCV on the same (dataset, model).
    base = frame[frame.method == "random"].set_index(["dataset", "model"])
    for method, marker in [("hyperband", "o"), ("halving", "s"), ("grid", "^")]:
        part = frame[frame.method == method].set_index(["dataset", "model"])
        ax.scatter(
            part.wall_time / base.wall_time,
            part.test_score - base.test_score,
            marker=marker,
            label=method,
            alpha=0.7,
        )
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("wall time / RandomizedSearchCV's")
    ax.set_ylabel("test score - RandomizedSearchCV's")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/hyperband_results.csv")
    parser.add_argument("--datasets", nargs="*", default=[d for d, _ in DATASETS])
    parser.add_argument("--models", nargs="*", default=["sgd", "hgb", "rf", "svm"])
    parser.add_argument("--max-train", type=int, default=1000)
    parser.add_argument("--max-test", type=int, default=2000)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default=None, help="where to save the plot")
    args = parser.parse_args(argv)

    # One thread per search: the comparison is of algorithms, and BLAS or OpenMP
    # threads fighting over a shared machine distort wall times.
    threadpool_limits(1)
    tasks = dict(DATASETS)
    out = Path(args.out)
    write_header = not out.exists()
    with out.open("a", newline="") as handle:
        writer = None
        for name in args.datasets:
            task = tasks[name]
            data = _load(name, task, args.max_train, args.max_test, args.seed)
            specs = _models(task, len(data[0]), args.seed)
            for model in args.models:
                rows = run_one(
                    name, task, model, specs[model], data, args.seed, args.n_jobs
                )
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                    if write_header:
                        writer.writeheader()
                writer.writerows(rows)
                handle.flush()
                for row in rows:
                    print(
                        f"{row['dataset']:>12} {row['model']:>4} {row['method']:>9}"
                        f" {row['wall_time']:8.2f}s score {row['test_score']:.4f}"
                        f" ({row['n_evaluations']} evaluations)",
                        flush=True,
                    )
    frame = pd.read_csv(out)
    summary = summarise(frame)
    print(summary.to_string())
    print("median:", summary.median().round(3).to_dict())
    if args.plot:
        plot(frame, args.plot)


if __name__ == "__main__":
    main()
