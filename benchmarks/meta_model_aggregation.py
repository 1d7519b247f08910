"""Does the way the blend combines its members matter?

The shipped classification blend averages the raw predicted scores of its three
members (booster, forest, nearest datasets), a third each. The members' scales
differ per dataset (the nearest datasets copy measured scores; the trees shrink
towards the training mean), so the mean lets the member with the widest spread on
a dataset decide its ranking. This study combines the same out-of-fold
predictions by rank instead (each member's predictions turned into ranks within
the test dataset):

- ``mean`` (shipped): the mean of the predicted scores;
- ``rank mean``: the mean of the members' ranks (Borda count);
- ``median``: the median of the three predicted scores;
- ``worst rank``: the configuration whose lowest rank over the members is the
  highest first (a first choice every member likes), ties by the mean;
- ``z mean``: the mean of the predictions standardised within the dataset per
  member;
- ``mean - s spread`` and ``mean + s spread``: the mean less (or plus) ``s``
  times the members' standard deviation, their disagreement taken as a risk for
  the first choice (or as a chance worth verifying).

It reads the predictions ``meta_model_metric.py --save DIR`` wrote (one ``.npz``
per fold assignment) and scores every rule under each assignment with the goals'
metrics; means over the assignments compare.

Run from the project root (a minute)::

    python benchmarks/meta_model_aggregation.py --predictions DIR

Writes ``benchmarks/meta_model/aggregation_<task>.csv`` unless ``--out`` says
otherwise.
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from meta_model_variants import GOAL_COLUMNS, OUT, _metrics

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_model import build_meta_dataset

MEMBERS = ("booster", "forest", "shipped")


def _within(values, dataset_id, how):
    """``values`` ranked (``"rank"``) or standardised (``"z"``) per dataset."""
    grouped = pd.Series(values).groupby(dataset_id)
    if how == "rank":
        return grouped.rank(pct=True).to_numpy()
    mean, std = grouped.transform("mean"), grouped.transform("std")
    return ((values - mean) / std.where(std > 0, 1.0)).to_numpy()


def aggregate(predicted, dataset_id, rule):
    """One score per row from the members' predictions by ``rule``."""
    stacked = np.column_stack([predicted[m] for m in MEMBERS])
    mean = stacked.mean(axis=1)
    if rule == "mean":
        return mean
    if rule == "median":
        return np.median(stacked, axis=1)
    ranks = np.column_stack([_within(c, dataset_id, "rank") for c in stacked.T])
    if rule == "rank mean":
        return ranks.mean(axis=1)
    if rule == "worst rank":
        # The lowest rank decides; the mean of the ranks breaks its ties (its
        # share, under 1e-3, is below a rank's step for up to 1,000 rows).
        return ranks.min(axis=1) + 1e-3 * ranks.mean(axis=1)
    if rule.startswith("mean ") and rule.endswith(" spread"):
        # "mean - 0.5 spread": the members' disagreement as a risk (or, with +,
        # as a chance worth verifying).
        share = float(
            rule.removeprefix("mean ").removesuffix(" spread").replace(" ", "")
        )
        return mean + share * stacked.std(axis=1)
    if rule == "z mean":
        return np.column_stack([_within(c, dataset_id, "z") for c in stacked.T]).mean(
            axis=1
        )
    raise ValueError(f"unknown rule {rule!r}")


RULES = (
    "mean",
    "rank mean",
    "median",
    "worst rank",
    "z mean",
    "mean - 1 spread",
    "mean - 0.5 spread",
    "mean + 0.5 spread",
    "mean + 1 spread",
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="classification")
    parser.add_argument("--predictions", required=True)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    meta = build_meta_dataset(load_knowledge_base(args.task), args.task)
    records = []
    for path in sorted(Path(args.predictions).glob(f"{args.task}_*.npz")):
        saved = np.load(path)
        predicted = {m: saved[m] for m in MEMBERS}
        for rule in RULES:
            scores = aggregate(predicted, meta.dataset_id, rule)
            records.append(
                {
                    "task": args.task,
                    "folds": path.stem.removeprefix(f"{args.task}_"),
                    "rule": rule,
                    **_metrics(meta, scores, saved["single_best"]),
                }
            )
    frame = pd.DataFrame(records)
    mean = frame.groupby("rule", sort=False)[GOAL_COLUMNS].mean().reset_index()
    frame = pd.concat([frame, mean.assign(folds="all: mean", task=args.task)])
    frame = frame[["task", "folds", "rule", *GOAL_COLUMNS]].round(4)
    frame.to_csv(args.out or OUT / f"aggregation_{args.task}.csv", index=False)
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()
