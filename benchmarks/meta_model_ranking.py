"""Does a ranking objective help the meta-model? (issue 6's research question)

The shipped meta-model regresses each configuration's normalised score; what the
selector uses is only the order of the predictions within a dataset. A learning-
to-rank objective optimises that order directly. This study compares, on the
shipped classification knowledge base with the grouped 10-fold CV of
``meta_model_variants.py`` (same folds, same metrics):

- LightGBM's LambdaRank (``LGBMRanker``, one query per dataset, NDCG truncated at
  the top 10): the objective that weights swaps at the top of the list most, and
  its cross-entropy relaxation (``rank_xendcg``); relevance labels are the
  normalised scores graded 0-10 (exponential gain, the default) or 0-30 (linear
  gain);
- the same booster as a plain regressor on the normalised score (``LGBMRegressor``
  with the same trees), which separates the objective from the library;
- each of these blended with the nearest datasets as the shipped blend is (weight
  1/3; a ranker's scores are min-max scaled within the dataset first, since they
  have no units).

LightGBM is used here only: it ships the ranking objectives, and the benchmark
environment already has it (FLAML depends on it). Run from the project root
(about 10 minutes on one core)::

    python benchmarks/meta_model_ranking.py

Writes ``benchmarks/meta_model/ranking_classification.csv``.
"""

import argparse
import time

import numpy as np
from lightgbm import LGBMRanker, LGBMRegressor
from meta_model_variants import (
    OUT,
    TWO_MEMBER_BLEND,
    _metrics,
    per_dataset_minmax,
    single_best_scores,
    two_member_blend,
    write_table,
)
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import dataset_folds
from skmeta.metalearning._meta_model import (
    build_meta_dataset,
)

# The shipped booster's trees, in LightGBM's words.
TREES = {
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 20,
    "subsample_freq": 0,
    "verbose": -1,
    "n_jobs": 1,
    "random_state": 0,
}

# name: (objective, relevance levels; the regressor learns the normalised score).
# Each is reported alone and blended with the nearest datasets.
MODELS = {
    "regression, LightGBM": ("regressor", None),
    "lambdarank, 11 levels (exp. gain)": ("lambdarank", 10),
    "lambdarank, 31 levels (linear gain)": ("lambdarank-linear", 30),
    "xendcg, 11 levels": ("rank_xendcg", 10),
}


def _model(kind, levels):
    if kind == "regressor":
        return LGBMRegressor(**TREES)
    if kind == "rank_xendcg":
        return LGBMRanker(objective="rank_xendcg", **TREES)
    gain = list(range(levels + 1)) if kind.endswith("linear") else None
    return LGBMRanker(
        objective="lambdarank",
        lambdarank_truncation_level=10,
        label_gain=gain,
        **TREES,
    )


def _fit_predict(kind, levels, X, y, dataset_id, train, test):
    model = _model(kind, levels)
    # LightGBM wants each query's rows together.
    train = train[np.argsort(dataset_id[train], kind="stable")]
    if kind == "regressor":
        model.fit(X[train], y[train])
    else:
        labels = np.rint(y[train] * levels).astype(int)
        _, sizes = np.unique(dataset_id[train], return_counts=True)
        model.fit(X[train], labels, group=sizes)
    return model.predict(X[test])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--out", default=str(OUT / "ranking_classification.csv"))
    args = parser.parse_args(argv)
    threadpool_limits(1)
    task = "classification"
    meta = build_meta_dataset(load_knowledge_base(task), task)
    X = meta.X.to_numpy(dtype=float)
    y = np.asarray(meta.normalised)
    folds = dataset_folds(meta, args.n_splits)
    single_best = single_best_scores(meta, folds)
    nearest = np.full(len(y), np.nan)
    shipped = np.full(len(y), np.nan)
    start = time.perf_counter()
    for train, test in folds:
        blend = two_member_blend(task, TWO_MEMBER_BLEND[task][1]).fit(
            meta.X.iloc[train], y[train]
        )
        shipped[test] = blend.predict(meta.X.iloc[test])
        nearest[test] = blend.named_estimators_["nearest_datasets"].predict(
            meta.X.iloc[test]
        )
    print(f"shipped blend: {time.perf_counter() - start:.0f} s", flush=True)
    records = [
        ("single best configuration", np.nan_to_num(single_best, nan=-1.0)),
        ("shipped blend (HGB regression + nearest)", shipped),
        ("nearest datasets alone", nearest),
    ]
    records = [
        {"variant": name, **_metrics(meta, predicted, single_best)}
        for name, predicted in records
    ]
    for name, (kind, levels) in MODELS.items():
        start = time.perf_counter()
        predicted = np.full(len(y), np.nan)
        for train, test in folds:
            predicted[test] = _fit_predict(
                kind, levels, X, y, meta.dataset_id, train, test
            )
        records.append({"variant": name, **_metrics(meta, predicted, single_best)})
        if kind != "regressor":
            predicted = per_dataset_minmax(predicted, meta.dataset_id)
        w = TWO_MEMBER_BLEND[task][1]
        blended = (1 - w) * predicted + w * nearest
        records.append(
            {"variant": name + " + nearest", **_metrics(meta, blended, single_best)}
        )
        print(f"{name}: {time.perf_counter() - start:.0f} s", flush=True)
    print(write_table(records, "variant", args.out).to_string())


if __name__ == "__main__":
    main()
