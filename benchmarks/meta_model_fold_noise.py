"""How much do the meta-model's cross-validated figures depend on the folds?

Every figure of ``meta_model_study.py`` comes from one assignment of the
near-duplicate groups to ten folds (``GroupKFold(10)``, deterministic). Which
groups share a test fold decides what each training fold holds, so another
assignment gives other figures: on the classification union, the same shipped
setting scored a mean top-1 regret of 0.132 on PMLB's datasets with the study's
folds and 0.149 with the folds of ``meta_model_extra_datasets.py``. This script
measures that spread: the shipped setting (default blend, target and weight of
the task) under the study's folds and under ``--repeats`` shuffled group
assignments (``GroupKFold(10, shuffle=True)``), with the goals' medians of
``meta_model_variants.py``; then the mean, standard deviation and range over the
shuffled assignments.

Run from the project root (about 2 minutes per assignment and task on one core)::

    python benchmarks/meta_model_fold_noise.py --repeats 5

Writes ``benchmarks/meta_model/fold_noise.csv``.
"""

import argparse
import time

import numpy as np
import pandas as pd
from meta_model_variants import GOAL_COLUMNS, OUT, _metrics, single_best_for
from sklearn.base import clone
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import dataset_folds
from skmeta.metalearning._meta_model import (
    DEFAULT_META_REGRESSOR,
    DEFAULT_TARGETS,
    build_meta_dataset,
    make_meta_regressor,
)


def _shuffled_folds(meta, n_splits, seed):
    splitter = GroupKFold(n_splits, shuffle=True, random_state=seed)
    rows = np.arange(len(meta.raw))
    return list(splitter.split(rows, groups=np.asarray(meta.group_id)))


def fold_assignments(meta, n_splits, repeats):
    """``{name: folds}``: the study's folds, then ``repeats`` shuffled group
    assignments (seeds 0, 1, ...)."""
    assignments = {"study's folds": dataset_folds(meta, n_splits)}
    for seed in range(repeats):
        assignments[f"shuffled {seed}"] = _shuffled_folds(meta, n_splits, seed)
    return assignments


def _evaluate(meta, folds, task):
    target = DEFAULT_TARGETS[task]
    y = np.asarray(meta.normalised if target == "normalised" else meta.raw, float)
    model = make_meta_regressor(DEFAULT_META_REGRESSOR, task=task)
    predicted = np.full(len(y), np.nan)
    single_best = np.full(len(y), np.nan)
    for train, test in folds:
        fitted = clone(model).fit(meta.X.iloc[train], y[train])
        predicted[test] = fitted.predict(meta.X.iloc[test])
        single_best[test] = single_best_for(meta, train, test)
    return _metrics(meta, predicted, single_best)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=["classification", "regression"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--out", default=str(OUT / "fold_noise.csv"))
    args = parser.parse_args(argv)
    threadpool_limits(1)
    records = []
    for task in args.tasks:
        meta = build_meta_dataset(load_knowledge_base(task), task)
        assignments = fold_assignments(meta, args.n_splits, args.repeats)
        for name, folds in assignments.items():
            start = time.perf_counter()
            records.append(
                {"task": task, "folds": name, **_evaluate(meta, folds, task)}
            )
            print(
                f"{task} {name}: top-1 median "
                f"{records[-1]['normalised_regret_median']:.4f}, mean "
                f"{records[-1]['normalised_regret_mean']:.4f} "
                f"[{time.perf_counter() - start:.0f} s]",
                flush=True,
            )
    frame = pd.DataFrame(records)
    shuffled = frame[frame["folds"] != "study's folds"]
    summary = shuffled.groupby("task")[GOAL_COLUMNS].agg(["mean", "std", "min", "max"])
    frame = pd.concat(
        [
            frame,
            *(
                summary.xs(stat, axis=1, level=1)
                .reset_index()
                .assign(folds=f"shuffled: {stat}")
                for stat in ("mean", "std", "min", "max")
            ),
        ],
        ignore_index=True,
    )
    frame = frame[["task", "folds", *GOAL_COLUMNS]].round(4)
    OUT.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False)
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
