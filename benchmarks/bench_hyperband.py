"""HyperbandSearchCV against RandomizedSearchCV, HalvingRandomSearchCV and GridSearchCV.

On PMLB datasets (classification and regression), for four resource types:

- ``sgd``: SGD by ``partial_fit`` (passes over the training fold), continued;
- ``hgb``: histogram gradient boosting by ``max_iter`` with warm start, continued;
- ``rf``: random forest by ``n_estimators`` with warm start, continued;
- ``svm``: SVC / SVR by ``n_samples`` (subsampled folds, retrained).

For each (dataset, model), every search is timed on the same training split and
its refit best model is scored on a held-out test split:

- ``hyperband``: ``max_resources / min_resources = 81``, factor 3 (the five
  brackets of Table 1: 143 configurations).
- ``random``: RandomizedSearchCV over exactly the configurations Hyperband
  sampled, each at the full budget, with the estimator as a user configures it.
  For SGD that is ``max_iter=81`` with scikit-learn's default ``tol``, so a fit
  may stop before 81 epochs; ``random_tol_none`` also runs it with
  ``tol=None`` (exactly 81 epochs, the budget ``partial_fit`` gets).
- ``halving``: HalvingRandomSearchCV with the same factor, resource and
  ``max_resources`` (``min_resources="exhaust"``; SGD by ``max_iter`` with
  ``tol=None``, retrained, since it has no ``partial_fit`` resource), first with
  81 candidates, then with as many candidates as should take Hyperband's wall
  time (linear extrapolation, 10% over), repeated until one run takes at least
  Hyperband's wall time (at most three runs). "Halving at equal wall time" is
  that run: halving gets at least the time Hyperband took.
- ``grid``: GridSearchCV on a small grid at the full budget.

Run from the project root (data in ``../shared/data/pmlb``)::

    OMP_NUM_THREADS=1 python benchmarks/bench_hyperband.py \
        --out benchmarks/hyperband_results.csv \
        --plot benchmarks/hyperband_score_vs_time.png

Results are appended one (dataset, model) at a time, and pairs already in
``--out`` are skipped, so an interrupted run resumes where it stopped.
``--datasets`` and ``--models`` select a part (to run parts in parallel,
give each its own ``--out`` and concatenate); ``--summarise-only`` prints the
summary (and draws the plot) of an existing file. ``--hgb-min-resources 3`` runs
gradient boosting from ``max_iter=3`` to 243 (still five brackets); ``--replace
FILE`` summarises ``--out`` with the pairs of such a variant run replaced.
"""

import argparse
import csv
import math
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

# (name, task): binary, multi-class and regression, 3,000 to 10,000 training rows.
DATASETS = [
    ("magic", "classification"),
    ("adult", "classification"),
    ("spambase", "classification"),
    ("564_fried", "regression"),
    ("537_houses", "regression"),
    ("197_cpu_act", "regression"),
]

MAX_RESOURCES = 81  # with factor 3 and min 1: the five brackets of Table 1
FACTOR = 3


def _models(task, n_train, n_train_svm, seed, hgb_min_resources=1):
    """Estimator, resource, Hyperband budgets, search space and grid per model."""
    classification = task == "classification"
    # As a user configures SGD: scikit-learn's default tol, so fit may stop
    # before max_iter epochs; partial_fit ignores tol.
    sgd = (
        SGDClassifier(loss="log_loss", random_state=seed)
        if classification
        else SGDRegressor(random_state=seed)
    )
    hgb_class = (
        HistGradientBoostingClassifier
        if classification
        else HistGradientBoostingRegressor
    )
    rf_class = RandomForestClassifier if classification else RandomForestRegressor
    svm = SVC() if classification else SVR()
    n_train_svm = min(n_train_svm, n_train)
    return {
        "sgd": dict(
            estimator=sgd,
            resource="partial_fit",
            full_params={"max_iter": MAX_RESOURCES},
            # fit with tol=None runs exactly max_iter epochs.
            random_variants={"random_tol_none": {"tol": None}},
            halving_resource="max_iter",
            halving_params={"tol": None},
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
            # max_resources / min_resources = 81 whatever the minimum.
            max_resources=MAX_RESOURCES * hgb_min_resources,
            min_resources=hgb_min_resources,
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
            # Each tree on a bootstrap sample of a quarter of the fold, so that
            # 143 configurations x 81 trees fit in the time budget.
            estimator=rf_class(max_samples=0.25, random_state=seed),
            resource="n_estimators",
            max_resources=MAX_RESOURCES,
            min_resources=1,
            space={
                "max_features": uniform(0.1, 0.5),
                "min_samples_leaf": randint(1, 20),
                "max_depth": [8, 16, None],
            },
            grid={
                "max_features": [0.2, 0.5],
                "min_samples_leaf": [1, 5],
                "max_depth": [8, None],
            },
        ),
        "svm": dict(
            estimator=svm,
            resource="n_samples",
            n_train=n_train_svm,
            max_resources=n_train_svm,
            min_resources=n_train_svm // MAX_RESOURCES,
            space={"C": loguniform(1e-2, 1e2), "gamma": loguniform(1e-4, 1e0)},
            grid={"C": [0.1, 1, 10, 100], "gamma": [1e-3, 1e-2, 1e-1]},
        ),
    }


def _load(name, task, max_train, max_test, seed):
    frame = pd.read_csv(DATA / name / f"{name}.tsv.gz", sep="\t")
    y = frame.pop("target").to_numpy()
    X = frame.to_numpy(dtype=np.float64)
    stratify = y if task == "classification" else None
    test_size = min(max_test, int(0.25 * len(X)))
    X_train, X_test, y_train, y_test = train_test_split(
        X,
        y,
        train_size=min(max_train, len(X) - test_size),
        test_size=test_size,
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


def _first_rows(data, n_train, task, seed):
    """The first ``n_train`` training rows (stratified), the same test split."""
    X_train, X_test, y_train, y_test = data
    if n_train >= len(X_train):
        return data
    X_train, _, y_train, _ = train_test_split(
        X_train,
        y_train,
        train_size=n_train,
        stratify=y_train if task == "classification" else None,
        random_state=seed,
    )
    return X_train, X_test, y_train, y_test


def _timed(search, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    search.fit(X_train, y_train)
    wall = time.perf_counter() - start
    return wall, search.score(X_test, y_test), len(search.cv_results_["params"])


def run_one(name, task, model, spec, data, seed, n_jobs, n_splits):
    """Every search on one (dataset, model); a list of result rows."""
    X_train, X_test, y_train, y_test = data
    classification = task == "classification"
    cv = (StratifiedKFold if classification else KFold)(
        n_splits, shuffle=True, random_state=seed
    )
    scoring = "accuracy" if classification else "r2"
    common = dict(scoring=scoring, cv=cv, n_jobs=n_jobs)
    resource = spec["resource"]
    full = spec.get("full_params")
    if full is None:
        full = {} if resource == "n_samples" else {resource: spec["max_resources"]}
    estimator_full = clone(spec["estimator"]).set_params(**full)
    rows = []

    def record(method, wall, score, n_evaluations, n_candidates):
        rows.append(
            dict(
                dataset=name,
                task=task,
                model=model,
                resource=resource,
                method=method,
                n_train=len(X_train),
                n_splits=n_splits,
                n_candidates=n_candidates,
                n_evaluations=n_evaluations,
                wall_time=round(wall, 3),
                test_score=round(score, 5),
            )
        )
        print(
            f"{name:>12} {model:>4} {method:>16} {wall:8.2f}s score {score:.4f}"
            f" ({n_candidates} candidates, {n_evaluations} evaluations)",
            flush=True,
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
    wall, score, n_evaluations = _timed(hyperband, X_train, y_train, X_test, y_test)
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
    record("hyperband", wall, score, n_evaluations, len(sampled))
    hyperband_wall = wall

    variants = {"random": {}, **spec.get("random_variants", {})}
    for method, params in variants.items():
        random_search = RandomizedSearchCV(
            clone(estimator_full).set_params(**params),
            sampled,
            n_iter=len(sampled),
            random_state=seed,
            **common,
        )
        record(
            method,
            *_timed(random_search, X_train, y_train, X_test, y_test),
            len(sampled),
        )

    # Halving with 81 candidates, then sized to take at least Hyperband's time.
    halving_estimator = clone(spec["estimator"]).set_params(
        **spec.get("halving_params", {})
    )
    n_candidates = spec["max_resources"] // spec["min_resources"]
    for attempt in range(3):
        halving = HalvingRandomSearchCV(
            halving_estimator,
            spec["space"],
            n_candidates=n_candidates,
            resource=spec.get("halving_resource", resource),
            max_resources=spec["max_resources"],
            min_resources="exhaust",
            factor=FACTOR,
            random_state=seed,
            **common,
        )
        wall, score, n_evaluations = _timed(halving, X_train, y_train, X_test, y_test)
        record(f"halving_{attempt}", wall, score, n_evaluations, n_candidates)
        if wall >= hyperband_wall:
            break
        n_candidates = math.ceil(n_candidates * 1.1 * hyperband_wall / wall)

    grid = GridSearchCV(estimator_full, spec["grid"], **common)
    record(
        "grid",
        *_timed(grid, X_train, y_train, X_test, y_test),
        len(grid.cv_results_["params"]),
    )
    return rows


def _halving_at_equal_time(part):
    """The halving run that took at least Hyperband's time, or the longest one."""
    hyperband_wall = part.loc[part.method == "hyperband", "wall_time"].iloc[0]
    halving = part[part.method.str.startswith("halving_")].sort_values("wall_time")
    enough = halving[halving.wall_time >= hyperband_wall]
    return (enough if len(enough) else halving).iloc[0 if len(enough) else -1]


def summarise(frame):
    """Per (dataset, model): Hyperband's time ratio and score gap to the others."""
    records = []
    for (dataset, model), part in frame.groupby(["dataset", "model"], sort=True):
        by_method = part.set_index("method")
        hb = by_method.loc["hyperband"]
        halving = _halving_at_equal_time(part)
        random_score = by_method.loc["random", "test_score"]
        # The goal: within 0.5 accuracy points, or 1% of R2, of Random's.
        tolerance = 0.005 if hb.task == "classification" else 0.01 * random_score
        record = {
            "dataset": dataset,
            "model": model,
            "time_vs_random": hb.wall_time / by_method.loc["random", "wall_time"],
            "score_minus_random": 100 * (hb.test_score - random_score),
            "score_goal_met": bool(hb.test_score >= random_score - tolerance),
            "halving_candidates": halving.n_candidates,
            "time_vs_halving": hb.wall_time / halving.wall_time,
            "score_minus_halving": 100 * (hb.test_score - halving.test_score),
        }
        if "random_tol_none" in by_method.index:
            other = by_method.loc["random_tol_none"]
            record["time_vs_random_tol_none"] = hb.wall_time / other.wall_time
            record["score_minus_random_tol_none"] = 100 * (
                hb.test_score - other.test_score
            )
        records.append(record)
    return pd.DataFrame(records).set_index(["dataset", "model"]).round(3)


def markdown_table(frame):
    """The README's table: one row per (dataset, model), then the medians."""
    summary = summarise(frame)
    lines = [
        "| dataset | model (resource) | rows | Hyperband s / score | "
        "Random s / score | Random, SGD tol=None s / score | "
        "Halving (candidates) s / score | Grid s / score | time HB / Random | "
        "HB - Random | HB - Halving |",
        "|" + "---|" * 11,
    ]

    def cell(row):
        return f"{row.wall_time:.1f} / {row.test_score:.4f}"

    for (dataset, model), part in frame.groupby(["dataset", "model"], sort=True):
        by_method = part.set_index("method")
        halving = _halving_at_equal_time(part)
        tol_none = (
            cell(by_method.loc["random_tol_none"])
            if "random_tol_none" in by_method.index
            else ""
        )
        row = summary.loc[(dataset, model)]
        lines.append(
            f"| {dataset} | {model} ({part.resource.iloc[0]}) | "
            f"{part.n_train.iloc[0]:,} | {cell(by_method.loc['hyperband'])} | "
            f"{cell(by_method.loc['random'])} | {tol_none} | "
            f"({halving.n_candidates}) {cell(halving)} | "
            f"{cell(by_method.loc['grid'])} | {row.time_vs_random:.2f} | "
            f"{row.score_minus_random:+.2f} | {row.score_minus_halving:+.2f} |"
        )
    median = summary.median(numeric_only=True)
    lines.append(
        f"| **median** | | | | | | | | **{median.time_vs_random:.2f}** | "
        f"**{median.score_minus_random:+.2f}** | "
        f"**{median.score_minus_halving:+.2f}** |"
    )
    return "\n".join(lines)


def plot(frame, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    # Time and score relative to RandomizedSearchCV on the same (dataset, model).
    base = frame[frame.method == "random"].set_index(["dataset", "model"])
    styles = [
        ("hyperband", "o", "Hyperband"),
        ("halving", "s", "halving at >= Hyperband's time"),
        ("random_tol_none", "v", "random, SGD with tol=None"),
        ("grid", "^", "grid"),
    ]
    for method, marker, label in styles:
        if method == "halving":
            part = pd.DataFrame(
                [
                    _halving_at_equal_time(group)
                    for _, group in frame.groupby(["dataset", "model"])
                ]
            )
        else:
            part = frame[frame.method == method]
        part = part.set_index(["dataset", "model"])
        ax.scatter(
            part.wall_time / base.wall_time.reindex(part.index),
            100 * (part.test_score - base.test_score.reindex(part.index)),
            marker=marker,
            label=label,
            alpha=0.7,
        )
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(0.2, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("wall time / RandomizedSearchCV's")
    ax.set_ylabel("test score - RandomizedSearchCV's (points)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="benchmarks/hyperband_results.csv")
    parser.add_argument("--datasets", nargs="*", default=[d for d, _ in DATASETS])
    parser.add_argument("--models", nargs="*", default=["sgd", "hgb", "rf", "svm"])
    parser.add_argument("--max-train", type=int, default=10_000)
    parser.add_argument("--max-train-svm", type=int, default=3_000)
    parser.add_argument("--max-test", type=int, default=5_000)
    parser.add_argument("--cv", type=int, default=2)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--hgb-min-resources",
        type=int,
        default=1,
        help="gradient boosting's smallest max_iter; its largest is 81 times it",
    )
    parser.add_argument("--plot", default=None, help="where to save the plot")
    parser.add_argument("--summarise-only", action="store_true")
    parser.add_argument(
        "--replace",
        default=None,
        help="a results file whose (dataset, model) pairs replace those of --out "
        "in the summary (to summarise a variant run, such as --hgb-min-resources 3)",
    )
    args = parser.parse_args(argv)

    # One thread per search: the comparison is of algorithms, and BLAS or OpenMP
    # threads fighting over a shared machine distort wall times.
    threadpool_limits(1)
    tasks = dict(DATASETS)
    out = Path(args.out)
    done = set()
    if out.exists():
        previous = pd.read_csv(out)
        done = set(zip(previous.dataset, previous.model, strict=True))
    for name in [] if args.summarise_only else args.datasets:
        task = tasks[name]
        todo = [m for m in args.models if (name, m) not in done]
        if not todo:
            continue
        data = _load(name, task, args.max_train, args.max_test, args.seed)
        specs = _models(
            task, len(data[0]), args.max_train_svm, args.seed, args.hgb_min_resources
        )
        for model in todo:
            spec = specs[model]
            model_data = _first_rows(
                data, spec.get("n_train", args.max_train), task, args.seed
            )
            rows = run_one(
                name, task, model, spec, model_data, args.seed, args.n_jobs, args.cv
            )
            write_header = not out.exists()
            with out.open("a", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                if write_header:
                    writer.writeheader()
                writer.writerows(rows)
    frame = pd.read_csv(out)
    if args.replace:
        variant = pd.read_csv(args.replace)
        pairs = pd.MultiIndex.from_frame(variant[["dataset", "model"]])
        kept = ~pd.MultiIndex.from_frame(frame[["dataset", "model"]]).isin(pairs)
        frame = pd.concat([frame[kept], variant], ignore_index=True)
    summary = summarise(frame)
    print(summary.to_string())
    print("median:", summary.median(numeric_only=True).round(3).to_dict())
    for model, part in summary.groupby(level="model"):
        print(model, part.median(numeric_only=True).round(3).to_dict())
    if args.summarise_only:
        print(markdown_table(frame))
    if args.plot:
        plot(frame, args.plot)


if __name__ == "__main__":
    main()
