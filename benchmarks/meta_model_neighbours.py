"""Can the nearest-datasets half of the blend, or its weight, do better?

The default meta-model averages a gradient-boosting meta-regressor and
:class:`~skmeta.metalearning._meta_model.NearestDatasetsRegressor` (weights
``1 - w`` and ``w``). The neighbour half compares datasets by L1 distance on
min-max scaled meta-features, as auto-sklearn 1 does; min-max scaling lets a few
extreme datasets squash a heavy-tailed meta-feature (rows, columns, kurtosis...)
into a sliver of [0, 1]. This study tries, with the booster's out-of-fold
predictions computed once per fold (a blend is a weighted mean of its two
predictions):

- the number of neighbours (2 to 20; 5 until the study that chose 10 for
  classification and 3 for regression);
- rank scaling: each meta-feature replaced by the share of training datasets
  below it, so every meta-feature spreads over [0, 1] whatever its tail;
- uniform instead of inverse-distance neighbour weights;
- the blend weight ``w`` (1/3 to 3/4).

Fold noise is of the same size as the differences sought, so every variant is
scored under the study's folds and ``--repeats`` shuffled assignments of the
near-duplicate groups (``GroupKFold(10, shuffle=True)``), and the mean over the
assignments is what compares.

Run from the project root (about 2.5 minutes per assignment and task on one
core; 13 minutes for the five assignments)::

    python benchmarks/meta_model_neighbours.py --task regression

Writes ``benchmarks/meta_model/neighbours_<task>.csv``.
"""

import argparse
import time

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
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_model import (
    BLEND_NEAREST_NEIGHBOURS,
    NearestDatasetsRegressor,
    _distinct_rows,
    build_meta_dataset,
    make_meta_regressor,
)


class RankScaledNeighbours(NearestDatasetsRegressor):
    """Nearest datasets on meta-features rank-scaled over the training datasets."""

    def fit(self, X, y):
        mf, _ = self._split(X)
        # Each meta-feature's sorted finite values over the distinct datasets.
        first, _ = _distinct_rows(np.nan_to_num(mf, nan=-1e300))
        self.sorted_ = [np.sort(c[np.isfinite(c)]) for c in mf[first].T]
        return super().fit(X, y)

    def _scale(self, mf):
        out = np.full(mf.shape, 0.5)
        for j, values in enumerate(self.sorted_):
            column = mf[:, j]
            finite = np.isfinite(column)
            if len(values) > 1 and finite.any():
                low = np.searchsorted(values, column[finite], side="left")
                high = np.searchsorted(values, column[finite], side="right")
                out[finite, j] = (low + high) / (2 * len(values))
        return out


class UniformNeighbours(NearestDatasetsRegressor):
    """Nearest datasets, every neighbour weighted alike.

    Queries get one more meta-feature, 10^6 away from every training dataset's:
    the order of the neighbours is unchanged and their inverse-distance weights
    agree to one part in a million.
    """

    def fit(self, X, y):
        self.query_offset_ = 0.0
        super().fit(X, y)
        self.query_offset_ = 1e6
        return self

    def _scale(self, mf):
        scaled = super()._scale(mf)
        return np.column_stack([scaled, np.full(len(scaled), self.query_offset_)])


KINDS = {
    "min-max": NearestDatasetsRegressor,
    "rank": RankScaledNeighbours,
    "uniform": UniformNeighbours,
}
VARIANTS = (
    *(f"k={k}" for k in (2, 3, 4, 5, 7, 10, 15, 20)),
    "k=5 rank",
    "k=10 rank",
    "k=5 uniform",
)
WEIGHTS = (1 / 3, 0.4, 1 / 2, 0.6, 2 / 3, 3 / 4)


def make_neighbours(variant):
    """``"k=N"`` (min-max scaling and inverse-distance weights, as shipped),
    ``"k=N rank"`` or ``"k=N uniform"``."""
    k, _, kind = variant.partition(" ")
    return KINDS[kind or "min-max"](int(k.removeprefix("k=")))


def _predictions(meta, folds, y, variants):
    """Out-of-fold predictions of the booster and of every neighbour variant."""
    booster = make_meta_regressor("gradient_boosting")
    out = {"booster": np.full(len(y), np.nan)}
    out.update({name: np.full(len(y), np.nan) for name in variants})
    single_best = np.full(len(y), np.nan)
    for train, test in folds:
        X_train, X_test = meta.X.iloc[train], meta.X.iloc[test]
        out["booster"][test] = clone(booster).fit(X_train, y[train]).predict(X_test)
        for name in variants:
            fitted = make_neighbours(name).fit(X_train, y[train])
            out[name][test] = fitted.predict(X_test)
        single_best[test] = single_best_for(meta, train, test)
    return out, single_best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="regression")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--weights", nargs="+", type=float, default=list(WEIGHTS))
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    threadpool_limits(1)
    task = args.task
    meta = build_meta_dataset(load_knowledge_base(task), task)
    target = TWO_MEMBER_BLEND[task][0]
    y = np.asarray(meta.normalised if target == "normalised" else meta.raw, float)
    assignments = fold_assignments(meta, args.n_splits, args.repeats)
    records = []
    for folds_name, folds in assignments.items():
        start = time.perf_counter()
        predicted, single_best = _predictions(meta, folds, y, args.variants)
        for name in args.variants:
            for weight in args.weights:
                blend = (1 - weight) * predicted["booster"] + weight * predicted[name]
                records.append(
                    {
                        "task": task,
                        "folds": folds_name,
                        "neighbours": name,
                        "weight": round(weight, 3),
                        **_metrics(meta, blend, single_best),
                    }
                )
        print(f"{folds_name}: {time.perf_counter() - start:.0f} s", flush=True)
    frame = pd.DataFrame(records)
    mean = (
        frame.groupby(["neighbours", "weight"], sort=False)[GOAL_COLUMNS]
        .mean()
        .reset_index()
        .assign(task=task, folds="mean")
    )
    frame = pd.concat([frame, mean], ignore_index=True)
    frame = frame[["task", "folds", "neighbours", "weight", *GOAL_COLUMNS]].round(4)
    out = args.out or OUT / f"neighbours_{task}.csv"
    frame.to_csv(out, index=False)
    print(
        f"the two-member blend: {BLEND_NEAREST_NEIGHBOURS[task]} neighbours at "
        f"weight {TWO_MEMBER_BLEND[task][1]:.3f}"
    )
    print(frame[frame["folds"] == "mean"].to_string(index=False))


if __name__ == "__main__":
    main()
