"""Would more datasets move the meta-model? A learning curve over datasets (issue 6).

The classification goals are missed after every variant of target, features,
meta-regressor and ranking objective tried (``meta_model_variants.py``,
``meta_model_ranking.py``), and not because of measurement noise
(``meta_model_repeats.py``). What is left is the amount of experience: 164
classification datasets in 128 groups of near-duplicates. This study trains the
shipped blend (and the single best configuration, its reference for the closed
gap) on a random fraction of each training fold's groups, grouped 10-fold CV over
near-duplicate groups as in ``meta_model_variants.py`` (the test folds do not
change), several draws per fraction, and reports the goals' medians against the
number of training groups. A curve still falling at 100% says a larger knowledge
base would help; a flat one says it would not.

Run from the project root (about 15 minutes on one core)::

    python benchmarks/meta_model_learning_curve.py

Writes ``benchmarks/meta_model/learning_curve.csv`` (one row per task, fraction
and draw) and ``benchmarks/meta_model/learning_curve.png``.
"""

import argparse
import time

import numpy as np
from meta_model_variants import OUT, _metrics, single_best_for, write_table
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import dataset_folds
from skmeta.metalearning._meta_model import (
    DEFAULT_TARGETS,
    build_meta_dataset,
    make_meta_regressor,
)

FRACTIONS = (0.25, 0.5, 0.75, 1.0)
SHOWN = [
    "normalised_regret_median",
    "normalised_regret_mean",
    "regret_at_5_family_diverse_median",
    "closed_gap_median",
    "spearman_median",
]


def _subsample(meta, train, fraction, rng):
    """The rows of a random ``fraction`` of the groups in ``train``."""
    groups = np.unique(meta.group_id[train])
    n_keep = min(len(groups), max(1, int(round(fraction * len(groups)))))
    keep = rng.choice(groups, size=n_keep, replace=False)
    return train[np.isin(meta.group_id[train], keep)]


def curve(meta, task, folds, fractions, n_draws, seed=0):
    """One record per fraction and draw: the goals' medians over all test datasets."""
    target = DEFAULT_TARGETS[task]
    y = np.asarray(meta.normalised if target == "normalised" else meta.raw)
    records = []
    for fraction in fractions:
        for draw in range(1 if fraction == 1.0 else n_draws):
            rng = np.random.RandomState(seed + draw)
            start = time.perf_counter()
            predicted = np.full(len(y), np.nan)
            single_best = np.full(len(y), np.nan)
            n_groups = []
            for train, test in folds:
                rows = _subsample(meta, train, fraction, rng)
                n_groups.append(len(np.unique(meta.group_id[rows])))
                model = clone(make_meta_regressor("blend", task=task)).fit(
                    meta.X.iloc[rows], y[rows]
                )
                predicted[test] = model.predict(meta.X.iloc[test])
                single_best[test] = single_best_for(meta, rows, test)
            records.append(
                {
                    "task": task,
                    "fraction": fraction,
                    "draw": draw,
                    "training_groups": float(np.mean(n_groups)),
                    **_metrics(meta, predicted, single_best),
                }
            )
            print(
                f"{task} {fraction:.2f} draw {draw}: "
                f"{records[-1]['normalised_regret_median']:.4f} "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
    return records


def _plot(frame, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = SHOWN[:4]
    fig, axes = plt.subplots(1, len(metrics), figsize=(4 * len(metrics), 3.4))
    for ax, metric in zip(axes, metrics, strict=True):
        for task, part in frame.groupby("task"):
            means = part.groupby("training_groups")[metric]
            x = means.mean().index
            ax.errorbar(
                x,
                means.mean(),
                yerr=means.std().fillna(0),
                marker="o",
                capsize=3,
                label=task,
            )
        ax.set_xlabel("training groups (mean over folds)")
        ax.set_title(metric.replace("_", " "), fontsize=9)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--n-draws", type=int, default=3)
    parser.add_argument("--tasks", nargs="+", default=["classification", "regression"])
    parser.add_argument("--fractions", nargs="+", type=float, default=list(FRACTIONS))
    parser.add_argument("--out", default=str(OUT / "learning_curve.csv"))
    args = parser.parse_args(argv)
    threadpool_limits(1)
    records = []
    for task in args.tasks:
        meta = build_meta_dataset(load_knowledge_base(task), task)
        folds = dataset_folds(meta, args.n_splits)
        records += curve(meta, task, folds, args.fractions, args.n_draws)
    frame = write_table(records, ["task", "fraction", "draw"], args.out).reset_index()
    _plot(frame, args.out.replace(".csv", ".png"))
    summary = frame.groupby(["task", "fraction"])[["training_groups", *SHOWN]].mean()
    print(summary.round(4).to_string())


if __name__ == "__main__":
    main()
