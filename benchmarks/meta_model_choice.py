"""Which meta-regressor, blend and target, chosen again on search-space version 2?

The classification meta-model that was the default until this study (the
"blend": gradient boosting and the 10 nearest datasets, half each, learning the
normalised score) was chosen on version 1's knowledge base. On version 2 (class
weights for the trees), the study's 10-fold comparison put the random forest
level with it (median Spearman 0.686 against 0.671, mean top-1 regret 0.141
against 0.142), and the nested choice picked the raw target in 8 of 10 folds.
Single 10-fold figures differ between assignments of the near-duplicate groups
to folds by as much as these differences (``meta_model_fold_noise.py``), so this
study scores every candidate under the study's folds and ``--repeats`` shuffled
assignments and compares means over the assignments.

For each assignment and target (normalised, raw), the out-of-fold predictions of
four members are computed once: the booster, the random forest and the nearest
datasets (5 and 10); a blend is a weighted mean of its members' predictions
(``VotingRegressor`` predicts exactly that). Candidates: each member alone, the
booster with the neighbours at shares 1/3, 1/2 and 2/3, the forest with the
neighbours, the forest with the booster, and all three alike.

Two lighter forests (50 trees; 50 trees with leaves of 5 rows on half the rows)
are scored only when named, with ``--candidates``. The three members with the
50-tree forest, a third each, learning the raw score, became the classification
default (``make_meta_regressor("blend", task="classification")``).

Run from the project root (classification: 17 to 20 minutes per assignment and
process; the assignments run in ``--n-jobs`` processes)::

    python benchmarks/meta_model_choice.py --task classification --n-jobs 2
    python benchmarks/meta_model_choice.py --targets raw --candidates \
        "booster + neighbours 10 (1/2)" "forest, 50 trees + booster + neighbours 10" \
        --out benchmarks/meta_model/choice_classification_forest50.csv

Writes ``benchmarks/meta_model/choice_<task>.csv`` unless ``--out`` says
otherwise.
"""

import argparse
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from meta_model_fold_noise import fold_assignments
from meta_model_variants import GOAL_COLUMNS, OUT, _metrics, single_best_for
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_model import (
    BLEND_FOREST_TREES,
    BLEND_FOREST_WEIGHTS,
    BLEND_NEAREST_NEIGHBOURS,
    BLEND_NEAREST_WEIGHTS,
    DEFAULT_META_REGRESSOR,
    DEFAULT_TARGETS,
    NearestDatasetsRegressor,
    build_meta_dataset,
    make_meta_regressor,
)

MEMBERS = {
    "booster": lambda: make_meta_regressor("gradient_boosting"),
    "forest": lambda: make_meta_regressor("random_forest"),
    # Half the forest's training cost and memory.
    "forest, 50 trees": lambda: make_meta_regressor("random_forest").set_params(
        n_estimators=50
    ),
    # Fewer and shallower trees, each on half the rows.
    "light forest": lambda: make_meta_regressor("random_forest").set_params(
        n_estimators=50, min_samples_leaf=5, max_samples=0.5
    ),
    "neighbours 5": lambda: NearestDatasetsRegressor(5),
    "neighbours 10": lambda: NearestDatasetsRegressor(10),
}

# name: {member: weight}
CANDIDATES = {
    "booster": {"booster": 1.0},
    "forest": {"forest": 1.0},
    "neighbours 10": {"neighbours 10": 1.0},
    "booster + neighbours 10 (1/3)": {"booster": 2 / 3, "neighbours 10": 1 / 3},
    "booster + neighbours 10 (1/2)": {"booster": 1 / 2, "neighbours 10": 1 / 2},
    "booster + neighbours 10 (2/3)": {"booster": 1 / 3, "neighbours 10": 2 / 3},
    "booster + neighbours 5 (1/2)": {"booster": 1 / 2, "neighbours 5": 1 / 2},
    "forest + neighbours 10 (1/3)": {"forest": 2 / 3, "neighbours 10": 1 / 3},
    "forest + neighbours 10 (1/2)": {"forest": 1 / 2, "neighbours 10": 1 / 2},
    "forest + booster": {"forest": 1 / 2, "booster": 1 / 2},
    "forest + booster + neighbours 10": {
        "forest": 1 / 3,
        "booster": 1 / 3,
        "neighbours 10": 1 / 3,
    },
    "light forest": {"light forest": 1.0},
    "forest, 50 trees + booster + neighbours 10": {
        "forest, 50 trees": 1 / 3,
        "booster": 1 / 3,
        "neighbours 10": 1 / 3,
    },
    "light forest + booster + neighbours 10": {
        "light forest": 1 / 3,
        "booster": 1 / 3,
        "neighbours 10": 1 / 3,
    },
}
TARGETS = ("normalised", "raw")


def _predictions(meta, folds, targets, members):
    """Out-of-fold predictions of the members for the targets, and the single
    best configuration's scores."""
    threadpool_limits(1)
    targets = {name: np.asarray(getattr(meta, name), float) for name in targets}
    out = {
        (target, member): np.full(len(meta.raw), np.nan)
        for target in targets
        for member in members
    }
    single_best = np.full(len(meta.raw), np.nan)
    for train, test in folds:
        X_train, X_test = meta.X.iloc[train], meta.X.iloc[test]
        for target, y in targets.items():
            for member in members:
                fitted = MEMBERS[member]().fit(X_train, y[train])
                out[target, member][test] = fitted.predict(X_test)
        single_best[test] = single_best_for(meta, train, test)
    return out, single_best


def _timed_predictions(name, meta, folds, targets, members):
    start = time.perf_counter()
    result = _predictions(meta, folds, targets, members)
    print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="classification")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--targets", nargs="+", default=list(TARGETS))
    parser.add_argument(
        "--candidates",
        nargs="+",
        default=[c for c in CANDIDATES if "light" not in c and "50" not in c],
        help="names of CANDIDATES (the lighter forests only when named)",
    )
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    members = sorted({m for name in args.candidates for m in CANDIDATES[name]})
    threadpool_limits(1)
    task = args.task
    meta = build_meta_dataset(load_knowledge_base(task), task)
    assignments = fold_assignments(meta, args.n_splits, args.repeats)
    results = Parallel(n_jobs=args.n_jobs)(
        delayed(_timed_predictions)(name, meta, folds, args.targets, members)
        for name, folds in assignments.items()
    )
    records = []
    for folds_name, (predicted, single_best) in zip(assignments, results, strict=True):
        for target in args.targets:
            for name in args.candidates:
                weights = CANDIDATES[name]
                blend = sum(w * predicted[target, m] for m, w in weights.items())
                records.append(
                    {
                        "task": task,
                        "folds": folds_name,
                        "target": target,
                        "meta_regressor": name,
                        **_metrics(meta, blend, single_best),
                    }
                )
    frame = pd.DataFrame(records)
    keys = ["target", "meta_regressor"]
    shuffled = frame[frame["folds"] != "study's folds"]
    stats = [
        frame.groupby(keys, sort=False)[GOAL_COLUMNS]
        .mean()
        .reset_index()
        .assign(folds="all: mean"),
        shuffled.groupby(keys, sort=False)[GOAL_COLUMNS]
        .std()
        .reset_index()
        .assign(folds="shuffled: std"),
    ]
    frame = pd.concat([frame, *stats], ignore_index=True).assign(task=task)
    frame = frame[["task", "folds", *keys, *GOAL_COLUMNS]].round(4)
    out = args.out or OUT / f"choice_{task}.csv"
    frame.to_csv(out, index=False)
    print(
        f"shipped: {DEFAULT_META_REGRESSOR} ({BLEND_NEAREST_NEIGHBOURS[task]} "
        f"neighbours at share {BLEND_NEAREST_WEIGHTS[task]:.3f}, a forest of "
        f"{BLEND_FOREST_TREES} trees at {BLEND_FOREST_WEIGHTS[task]:.3f}), "
        f"target {DEFAULT_TARGETS[task]}"
    )
    print(frame[frame["folds"] == "all: mean"].to_string(index=False))


if __name__ == "__main__":
    main()
