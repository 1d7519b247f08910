"""Does the meta-model do better with class-weighted trees among the candidates?

``collect_class_weights.py`` evaluates every tree configuration of the shipped
classification store again with ``class_weight="balanced"``. This study adds
those evaluations to the knowledge base, tells the meta-model which tree
configurations are weighted (a ``<family>__class_weight=balanced`` indicator, as
the search space encodes the linear families' class weights), and compares the
shipped meta-model on the knowledge base without and with them, under the
study's folds and ``--repeats`` shuffled assignments of the near-duplicate
groups (the goals' medians; the mean over the assignments compares). Regrets are
against each knowledge base's own best configuration: with the weighted trees
the best can be higher, so a lower regret there means a better choice among more
candidates.

Only the datasets on which every weighted configuration has been evaluated
are used, in both knowledge bases, so that the comparison is on the same
datasets while the collection is incomplete.

Run from the project root (about 25 minutes on one core)::

    python benchmarks/meta_model_class_weights.py

Writes ``benchmarks/meta_model/class_weights_classification.csv``.
"""

import argparse
import time

import numpy as np
import pandas as pd
from collect_class_weights import FAMILIES, planned
from meta_model_fold_noise import _evaluate, fold_assignments
from meta_model_variants import GOAL_COLUMNS, OUT
from sklearn.utils import Bunch
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_model import build_meta_dataset

TASK = "classification"


def with_class_weight_columns(meta):
    """``meta`` with one ``<family>__class_weight=balanced`` column per tree
    family: 1 or 0 on that family's rows, NaN on the others."""
    weighted = np.array(
        [c["params"].get("class_weight") == "balanced" for c in meta.configs]
    )
    columns = {
        f"{family}__class_weight=balanced": np.where(
            meta.family == family, weighted.astype(float), np.nan
        )
        for family in FAMILIES
    }
    X = pd.concat([meta.X, pd.DataFrame(columns, index=meta.X.index)], axis=1)
    return Bunch(**{**meta, "X": X})


def _print_best_moves(experiments, weighted, datasets):
    """How often, and by how much, a weighted tree beats every configuration the
    knowledge base held (in units of the dataset's range of scores)."""
    score = "balanced_accuracy"

    def by_dataset(frame):
        frame = frame[(frame["status"] == "ok") & frame["dataset_id"].isin(datasets)]
        return frame.groupby("dataset_id")[score].agg(["max", "min"])

    old, new = by_dataset(experiments), by_dataset(weighted)["max"]
    span = (old["max"] - old["min"]).where(lambda s: s > 0)
    gain = ((new - old["max"]) / span).dropna()
    print(
        f"a weighted tree beats the best on {int((gain > 0).sum())} of {len(gain)} "
        f"datasets, by more than 5% of the range on {int((gain > 0.05).sum())}; "
        f"largest gains: {gain.nlargest(5).round(3).to_dict()}",
        flush=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=str(OUT / "class_weights"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--out", default=str(OUT / "class_weights_classification.csv"))
    args = parser.parse_args(argv)
    threadpool_limits(1)
    kb = load_knowledge_base(TASK)
    weighted = load_knowledge_base(TASK, args.store).experiments
    expected = pd.Series([d for d, _, _ in planned(kb)]).value_counts()
    found = weighted.groupby("dataset_id").size()
    complete = sorted(d for d in expected.index if found.get(d, 0) >= expected[d])
    print(f"{len(complete)} of {len(expected)} datasets complete", flush=True)
    _print_best_moves(kb.experiments, weighted, complete)
    metafeatures = kb.metafeatures.loc[complete]
    bases = {
        "shipped": Bunch(**{**kb, "metafeatures": metafeatures}),
        "with weighted trees": Bunch(
            **{
                **kb,
                "metafeatures": metafeatures,
                "experiments": pd.concat([kb.experiments, weighted], ignore_index=True),
            }
        ),
    }
    records = []
    for name, base in bases.items():
        meta = build_meta_dataset(base, TASK)
        if name != "shipped":
            meta = with_class_weight_columns(meta)
        assignments = fold_assignments(meta, args.n_splits, args.repeats)
        for folds_name, folds in assignments.items():
            start = time.perf_counter()
            records.append(
                {
                    "knowledge_base": name,
                    "n_datasets": len(complete),
                    "n_rows": len(meta.raw),
                    "folds": folds_name,
                    **_evaluate(meta, folds, TASK),
                }
            )
            print(
                f"{name}, {folds_name}: top-1 median "
                f"{records[-1]['normalised_regret_median']:.4f} "
                f"[{time.perf_counter() - start:.0f} s]",
                flush=True,
            )
    frame = pd.DataFrame(records)
    keys = ["knowledge_base", "n_datasets", "n_rows"]
    mean = (
        frame.groupby(keys, sort=False)[GOAL_COLUMNS]
        .mean()
        .reset_index()
        .assign(folds="mean")
    )
    frame = pd.concat([frame, mean], ignore_index=True)
    frame = frame[[*keys, "folds", *GOAL_COLUMNS]].round(4)
    frame.to_csv(args.out, index=False)
    print(frame[frame["folds"] == "mean"].to_string(index=False))


if __name__ == "__main__":
    main()
