"""Would the nearest datasets be nearer under a distance learned from the scores?

The nearest-datasets member of the blend compares datasets by L1 distance on
min-max scaled meta-features, every meta-feature weighing alike (auto-sklearn 1's
rule). Most of the hundred-odd meta-features may say little about which
configurations do well, and each adds its noise to the distance. This study
learns one non-negative weight per meta-feature *on each training fold*: for
every pair of training datasets, how differently the configurations measured on
both rank there (one minus the Spearman correlation of their scores; or the mean
absolute difference of the scores min-max scaled per dataset) is regressed on
the pair's per-meta-feature distances, ``d(i, j) = b + sum_f w_f |s_if - s_jf|``
with ``w >= 0`` (bounded least squares). The weighted L1 distance then chooses
the neighbours.

The booster's and the forest's (the blend's: 50 trees) out-of-fold predictions
are computed once per fold assignment; every neighbour variant is blended with
them a third each, as shipped, and scored under the study's folds and
``--repeats`` shuffled assignments of the near-duplicate groups.

Run from the project root (classification: about 10 minutes per assignment and
process)::

    python benchmarks/meta_model_metric.py --task classification --repeats 2 --n-jobs 2

Writes ``benchmarks/meta_model/metric_<task>.csv`` unless ``--out`` says otherwise.
"""

import argparse
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from meta_model_fold_noise import fold_assignments
from meta_model_variants import GOAL_COLUMNS, OUT, _metrics, single_best_for
from scipy.optimize import lsq_linear
from scipy.stats import rankdata
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_model import (
    BLEND_FOREST_TREES,
    BLEND_FOREST_WEIGHTS,
    BLEND_NEAREST_NEIGHBOURS,
    BLEND_NEAREST_WEIGHTS,
    DEFAULT_TARGETS,
    NearestDatasetsRegressor,
    build_meta_dataset,
    make_meta_regressor,
)


def _shared_scores(config, y, dataset_index, n_datasets, min_share=0.5):
    """Scores of the configurations measured on at least ``min_share`` of the
    training datasets, one row per dataset (NaN where not measured)."""
    key = pd.util.hash_pandas_object(config, index=False).to_numpy()
    table = pd.DataFrame({"dataset": dataset_index, "config": key, "y": y})
    wide = table.pivot_table(index="dataset", columns="config", values="y")
    wide = wide.reindex(range(n_datasets))
    return wide.loc[:, wide.notna().mean(axis=0) >= min_share].to_numpy(float)


def _profile_distance(a, b, kind):
    """Dissimilarity of every row of ``a`` to every row of ``b`` (no NaN)."""
    if kind == "spearman":
        ra = np.apply_along_axis(rankdata, 1, a)
        rb = np.apply_along_axis(rankdata, 1, b)
        ra = ra - ra.mean(axis=1, keepdims=True)
        rb = rb - rb.mean(axis=1, keepdims=True)
        norm = np.outer(np.linalg.norm(ra, axis=1), np.linalg.norm(rb, axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = ra @ rb.T / norm
        return 1.0 - np.nan_to_num(corr, nan=0.0)

    def scale(s):
        low = s.min(axis=1, keepdims=True)
        span = s.max(axis=1, keepdims=True) - low
        return np.where(span > 0, (s - low) / np.where(span > 0, span, 1), 1.0)

    return np.abs(scale(a)[:, None, :] - scale(b)[None, :, :]).mean(axis=2)


def _dissimilarity(scores, kind):
    """Pairwise dissimilarity of the datasets' score profiles, each pair compared
    on the configurations measured on both (datasets grouped by which they have)."""
    present = ~np.isnan(scores)
    patterns, which = np.unique(present, axis=0, return_inverse=True)
    out = np.ones((len(scores), len(scores)))
    for p, pattern_p in enumerate(patterns):
        for q, pattern_q in enumerate(patterns):
            columns = pattern_p & pattern_q
            rows_p, rows_q = np.flatnonzero(which == p), np.flatnonzero(which == q)
            if columns.sum() >= 5:
                block = _profile_distance(
                    scores[np.ix_(rows_p, columns)],
                    scores[np.ix_(rows_q, columns)],
                    kind,
                )
                out[np.ix_(rows_p, rows_q)] = block
    return out


class LearnedMetricNeighbours(NearestDatasetsRegressor):
    """Nearest datasets under a meta-feature weighting learned from the scores."""

    def __init__(self, n_neighbors=10, dissimilarity="spearman"):
        super().__init__(n_neighbors)
        self.dissimilarity = dissimilarity

    def fit(self, X, y):
        self.feature_weights_ = None
        super().fit(X, y)
        _, config = self._split(X)
        scores = _shared_scores(
            config, np.asarray(y, float), self.dataset_index_, self.n_datasets_
        )
        target = _dissimilarity(scores, self.dissimilarity)
        i, j = np.triu_indices(self.n_datasets_, k=1)
        gaps = np.abs(self.datasets_[i] - self.datasets_[j])
        design = np.column_stack([gaps, np.ones(len(i))])
        lower = np.r_[np.zeros(gaps.shape[1]), -np.inf]
        fit = lsq_linear(design, target[i, j], bounds=(lower, np.inf))
        self.feature_weights_ = fit.x[:-1]
        self.n_shared_configs_ = scores.shape[1]
        self.datasets_ = self.datasets_ * self.feature_weights_
        return self

    def _scale(self, mf):
        scaled = super()._scale(mf)
        if self.feature_weights_ is None:
            return scaled
        return scaled * self.feature_weights_


def make_neighbours(variant, task):
    """``"shipped"`` or ``"<dissimilarity> k=N"``."""
    if variant == "shipped":
        return NearestDatasetsRegressor(BLEND_NEAREST_NEIGHBOURS[task])
    kind, _, k = variant.partition(" k=")
    return LearnedMetricNeighbours(int(k), kind)


VARIANTS = ("shipped", "spearman k=10", "spearman k=5", "spearman k=20", "l1 k=10")


def _predictions(name, meta, folds, y, task, variants):
    start = time.perf_counter()
    threadpool_limits(1)
    members = {
        "booster": lambda: make_meta_regressor("gradient_boosting"),
        "forest": lambda: make_meta_regressor("random_forest").set_params(
            n_estimators=BLEND_FOREST_TREES
        ),
    }
    members.update({v: (lambda v=v: make_neighbours(v, task)) for v in variants})
    out = {m: np.full(len(y), np.nan) for m in members}
    single_best = np.full(len(y), np.nan)
    weights = []
    for train, test in folds:
        X_train, X_test = meta.X.iloc[train], meta.X.iloc[test]
        for member, make in members.items():
            fitted = make().fit(X_train, y[train])
            out[member][test] = fitted.predict(X_test)
            if member == "spearman k=10":
                weights.append(fitted.feature_weights_)
        single_best[test] = single_best_for(meta, train, test)
    print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    return out, single_best, weights


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="classification")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--out", default=None)
    parser.add_argument(
        "--save", default=None, help="folder for the out-of-fold predictions (.npz)"
    )
    args = parser.parse_args(argv)
    threadpool_limits(1)
    task = args.task
    meta = build_meta_dataset(load_knowledge_base(task), task)
    y = np.asarray(getattr(meta, DEFAULT_TARGETS[task]), float)
    assignments = fold_assignments(meta, args.n_splits, args.repeats)
    results = Parallel(n_jobs=args.n_jobs)(
        delayed(_predictions)(name, meta, folds, y, task, args.variants)
        for name, folds in assignments.items()
    )
    if args.save:
        for folds_name, (predicted, single_best, _) in zip(
            assignments, results, strict=True
        ):
            np.savez(
                f"{args.save}/{task}_{folds_name.replace(' ', '_')}.npz",
                single_best=single_best,
                **{k.replace(" ", "_"): v for k, v in predicted.items()},
            )
    forest_share = BLEND_FOREST_WEIGHTS[task]
    nearest_share = BLEND_NEAREST_WEIGHTS[task]
    booster_share = 1 - forest_share - nearest_share
    records = []
    for folds_name, (predicted, single_best, _) in zip(
        assignments, results, strict=True
    ):
        for variant in args.variants:
            blend = (
                booster_share * predicted["booster"]
                + forest_share * predicted["forest"]
                + nearest_share * predicted[variant]
            )
            for member, scores in (("blend", blend), ("alone", predicted[variant])):
                records.append(
                    {
                        "task": task,
                        "folds": folds_name,
                        "neighbours": variant,
                        "member": member,
                        **_metrics(meta, scores, single_best),
                    }
                )
    frame = pd.DataFrame(records)
    keys = ["neighbours", "member"]
    mean = frame.groupby(keys, sort=False)[GOAL_COLUMNS].mean().reset_index()
    frame = pd.concat([frame, mean.assign(folds="all: mean", task=task)])
    frame = frame[["task", "folds", *keys, *GOAL_COLUMNS]].round(4)
    out = args.out or OUT / f"metric_{task}.csv"
    frame.to_csv(out, index=False)
    print(frame[frame["folds"] == "all: mean"].to_string(index=False))
    weights = [w for *_, ws in results for w in ws]
    if weights:
        columns = [c for c in meta.X.columns if str(c).startswith("mf:")]
        mean_weight = pd.Series(np.mean(weights, axis=0), index=columns)
        print("meta-features weighted on no fold:", int((mean_weight == 0).sum()))
        print(mean_weight.sort_values(ascending=False).head(15).round(4).to_string())


if __name__ == "__main__":
    main()
