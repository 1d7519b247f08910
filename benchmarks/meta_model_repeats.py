"""How much of the meta-model's regret is measurement noise? (issue 6)

The knowledge base holds one 3-fold CV score per (dataset, configuration). A
repetition of the collection (``skmeta collect --repeat 1``: the same rows and
configurations, other folds) measures every score a second time. This study reads
both and reports, on the (dataset, configuration) pairs measured in both:

- **test-retest**: how far the two measurements are apart, and the *empirical*
  noise floor: the regret, measured on one repetition, of the configuration that
  is best on the other (a meta-model that knew one repetition perfectly could do
  no better against the other), replacing the parametric estimate of
  ``meta_model_variants.py``;
- **the meta-model against each truth**: the shipped blend's out-of-fold
  predictions (grouped 10-fold CV over near-duplicate groups, as in
  ``meta_model_variants.py``), trained on repetition 0 as shipped or on the mean of
  both, scored against repetition 0 (as the goals have been measured so far),
  against repetition 1 (independent of the training measurement), and against
  the mean of the two (a repeated 2 x 3-fold estimate, the most accurate truth
  available).

Run from the project root, with the repetition's store (about 3 minutes on one
core)::

    python benchmarks/meta_model_repeats.py --repeat benchmarks/meta_model/repeat1

Writes ``benchmarks/meta_model/repeats_classification.csv``.
"""

import argparse

import numpy as np
import pandas as pd
from meta_model_variants import (
    GOAL_COLUMNS,
    OUT,
    _metrics,
    per_dataset_minmax,
    single_best_scores,
    write_table,
)
from sklearn.base import clone
from sklearn.utils import Bunch
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import dataset_folds
from skmeta.metalearning._meta_model import build_meta_dataset, make_meta_regressor


def _aligned_repeat(kb, meta, path, task):
    """Repetition ``path``'s score for each row of ``meta`` (NaN if not measured)."""
    repeat = load_knowledge_base(task, path)
    other = build_meta_dataset(
        Bunch(
            experiments=repeat.experiments,
            metafeatures=kb.metafeatures,
            datasets=kb.datasets,
            path=repeat.path,
        ),
        task,
    )
    score = pd.Series(
        other.raw, index=pd.MultiIndex.from_arrays([other.dataset_id, other.config_id])
    )
    keys = pd.MultiIndex.from_arrays([meta.dataset_id, meta.config_id])
    return score.reindex(keys).to_numpy(float)


def _restrict(meta, rows, truth):
    return Bunch(
        raw=truth[rows],
        dataset_id=meta.dataset_id[rows],
        family=meta.family[rows],
    )


def test_retest(meta, rows, first, second):
    """Agreement of two measurements, and the regret of one's best on the other."""
    records = []
    dataset_id = meta.dataset_id[rows]
    for dataset in np.unique(dataset_id):
        mask = dataset_id == dataset
        a, b = first[rows][mask], second[rows][mask]
        span_a, span_b = np.ptp(a), np.ptp(b)
        records.append(
            {
                "spearman": pd.Series(a).corr(pd.Series(b), method="spearman"),
                "regret_on_second": (b.max() - b[np.argmax(a)]) / span_b
                if span_b > 0
                else 0.0,
                "regret_on_first": (a.max() - a[np.argmax(b)]) / span_a
                if span_a > 0
                else 0.0,
                "regret_points": 100 * (b.max() - b[np.argmax(a)]),
            }
        )
    frame = pd.DataFrame(records)
    difference = first[rows] - second[rows]
    return {
        "difference_std": float(np.std(difference)),
        "spearman_median": frame["spearman"].median(),
        "normalised_regret_median": float(
            np.median(np.r_[frame["regret_on_second"], frame["regret_on_first"]])
        ),
        "normalised_regret_mean": float(
            np.mean(np.r_[frame["regret_on_second"], frame["regret_on_first"]])
        ),
        "regret_points_median": frame["regret_points"].median(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", required=True, help="the repetition's store")
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--out", default=str(OUT / "repeats_classification.csv"))
    args = parser.parse_args(argv)
    threadpool_limits(1)
    task = "classification"
    kb = load_knowledge_base(task)
    meta = build_meta_dataset(kb, task)
    r0 = np.asarray(meta.raw, dtype=float)
    r1 = _aligned_repeat(kb, meta, args.repeat, task)
    both = ~np.isnan(r1)
    complete = pd.Series(both).groupby(meta.dataset_id).transform("all").to_numpy()
    n_complete = len(np.unique(meta.dataset_id[complete]))
    # Whole datasets when enough are complete; otherwise every dataset's
    # configurations measured twice (a shorter list of candidates per dataset).
    rows = complete if n_complete >= 50 else both
    scope = (
        f"{n_complete} complete datasets"
        if rows is complete
        else f"{both.sum()} pairs on {len(np.unique(meta.dataset_id[both]))} "
        "datasets (configurations measured twice)"
    )
    print(f"scope: {scope}", flush=True)
    mean = np.where(both, (r0 + np.nan_to_num(r1)) / 2, r0)

    folds = dataset_folds(meta, args.n_splits)
    single_best = single_best_scores(meta, folds)
    predictions = {
        "trained on repeat 0": np.full(len(r0), np.nan),
        "trained on the mean": np.full(len(r0), np.nan),
    }
    targets = {
        "trained on repeat 0": np.asarray(meta.normalised),
        "trained on the mean": per_dataset_minmax(mean, meta.dataset_id),
    }
    for train, test in folds:
        for name, y in targets.items():
            model = clone(make_meta_regressor("blend", task=task)).fit(
                meta.X.iloc[train], y[train]
            )
            predictions[name][test] = model.predict(meta.X.iloc[test])

    truths = {"repeat 0": r0, "repeat 1": np.where(both, r1, np.nan), "mean": mean}
    records = [
        {
            "method": "test-retest (best of one repeat, on the other)",
            "truth": "the other repeat",
            "scope": scope,
            **test_retest(meta, rows, r0, np.nan_to_num(r1)),
        }
    ]
    for truth_name, truth in truths.items():
        view = _restrict(meta, rows, truth)
        sb = single_best[rows]
        records.append(
            {
                "method": "single best configuration",
                "truth": truth_name,
                "scope": scope,
                **_metrics(view, np.nan_to_num(sb, nan=-1.0), sb),
            }
        )
        for name, predicted in predictions.items():
            records.append(
                {
                    "method": f"shipped blend, {name}",
                    "truth": truth_name,
                    "scope": scope,
                    **_metrics(view, predicted[rows], sb),
                }
            )
    frame = write_table(records, ["method", "truth"], args.out).reset_index()
    show = [
        "method",
        "truth",
        *GOAL_COLUMNS,
        "regret_points_median",
        "difference_std",
    ]
    print(frame[[c for c in show if c in frame]].to_string(index=False))


if __name__ == "__main__":
    main()
