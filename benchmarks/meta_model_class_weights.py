"""Does the meta-model do better with class-weighted trees among the candidates?

This study ran on search-space version 1, before the weighted trees joined
the shipped knowledge base (``migrate_knowledge_base_v2.py``); to rerun them,
check out commit e4a44cd, where the shipped store is still version 1's.

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

Because those regrets have different references, the study also compares the
two knowledge bases' choices directly, on the same folds: per dataset, the
balanced accuracy of the first choice and of the best of the first 3 and 5
candidates in the selector's family-diverse order (what verification picks
from), as regrets against the union's best and worst score and as paired gains
(wins, ties and losses of the knowledge base with the weighted trees).

Only the datasets on which every weighted configuration has been evaluated
are used, in both knowledge bases, so that the comparison is on the same
datasets while the collection is incomplete.

Run from the project root (about 20 minutes on one core)::

    python benchmarks/meta_model_class_weights.py

Writes ``benchmarks/meta_model/class_weights_classification.csv`` (the goals'
medians) and ``class_weights_paired_classification.csv`` (the paired
comparison).
"""

import argparse
import time

import numpy as np
import pandas as pd
from collect_class_weights import FAMILIES, planned
from meta_model_fold_noise import fold_assignments
from meta_model_variants import (
    GOAL_COLUMNS,
    OUT,
    TWO_MEMBER_BLEND,
    _metrics,
    single_best_for,
    two_member_blend,
)
from sklearn.base import clone
from sklearn.utils import Bunch
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_model import (
    build_meta_dataset,
)
from skmeta.metalearning._selector import family_diverse_order

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


def blend_out_of_fold(meta, folds):
    """Out-of-fold predictions of the two-member blend (the default when the pilot
    ran; ``TWO_MEMBER_BLEND``) and of its parts, and
    the single best configuration's scores (see :func:`single_best_for`).

    Returns
    -------
    predictions : dict of str to ndarray
        ``"blend"``, ``"gradient_boosting"`` and ``"nearest_datasets"``.
    single_best : ndarray
    """
    target, weight = TWO_MEMBER_BLEND[TASK]
    y = np.asarray(getattr(meta, target), float)
    model = two_member_blend(TASK, weight)
    names = [name for name, _ in model.estimators]
    predictions = {name: np.full(len(y), np.nan) for name in ["blend", *names]}
    single_best = np.full(len(y), np.nan)
    for train, test in folds:
        fitted = clone(model).fit(meta.X.iloc[train], y[train])
        predictions["blend"][test] = fitted.predict(meta.X.iloc[test])
        for name, part in zip(
            names, fitted.transform(meta.X.iloc[test]).T, strict=True
        ):
            predictions[name][test] = part
        single_best[test] = single_best_for(meta, train, test)
    return predictions, single_best


def chosen_scores(meta, predicted, ks=(1, 3, 5)):
    """Per dataset, the best measured score among the meta-model's first ``k``
    candidates in the selector's family-diverse order (``k=1`` is the first
    choice; ``k=n_verify`` what verification picks from): a frame indexed by
    dataset with one column per ``k``."""
    rows = {}
    for dataset in np.unique(meta.dataset_id):
        mask = meta.dataset_id == dataset
        measured, scores = meta.raw[mask], predicted[mask]
        order = np.argsort(-scores, kind="stable")
        order = family_diverse_order(order, meta.family[mask][order])
        rows[dataset] = {k: measured[order[:k]].max() for k in ks}
    return pd.DataFrame.from_dict(rows, orient="index")


def _same_datasets(folds, source, target):
    """``folds`` of the ``source`` meta-dataset as folds of ``target``: each test
    fold holds the same datasets."""
    mapped = []
    for _, test in folds:
        in_test = np.isin(target.dataset_id, np.unique(source.dataset_id[test]))
        mapped.append((np.flatnonzero(~in_test), np.flatnonzero(in_test)))
    return mapped


def paired_summary(choices, reference):
    """Both knowledge bases' choices against one reference: the union's best and
    worst score on each dataset. ``choices`` maps a knowledge base to its
    :func:`chosen_scores`."""
    span = (reference["max"] - reference["min"]).where(lambda s: s > 0)
    summary = {}
    shipped, weighted = choices.values()
    for k in shipped.columns:
        for name, chosen in choices.items():
            regret = ((reference["max"] - chosen[k]) / span).fillna(0.0)
            summary[f"{name}: regret@{k} median"] = regret.median()
            summary[f"{name}: regret@{k} mean"] = regret.mean()
        difference = weighted[k] - shipped[k]
        summary[f"@{k}: balanced accuracy gain median"] = difference.median()
        summary[f"@{k}: balanced accuracy gain mean"] = difference.mean()
        summary[f"@{k}: wins"] = int((difference > 1e-12).sum())
        summary[f"@{k}: ties"] = int((difference.abs() <= 1e-12).sum())
        summary[f"@{k}: losses"] = int((difference < -1e-12).sum())
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=str(OUT / "class_weights"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--out", default=str(OUT / "class_weights_classification.csv"))
    parser.add_argument(
        "--paired-out", default=str(OUT / "class_weights_paired_classification.csv")
    )
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
    union = Bunch(
        **{
            **kb,
            "metafeatures": metafeatures,
            "experiments": pd.concat([kb.experiments, weighted], ignore_index=True),
        }
    )
    metas = {
        "shipped": build_meta_dataset(
            Bunch(**{**kb, "metafeatures": metafeatures}), TASK
        ),
        "with weighted trees": with_class_weight_columns(
            build_meta_dataset(union, TASK)
        ),
    }
    reference = (
        pd.Series(metas["with weighted trees"].raw)
        .groupby(metas["with weighted trees"].dataset_id)
        .agg(["max", "min"])
    )
    assignments = fold_assignments(metas["shipped"], args.n_splits, args.repeats)
    records, paired = [], []
    for folds_name, folds in assignments.items():
        choices = {}
        for name, meta in metas.items():
            start = time.perf_counter()
            fold = _same_datasets(folds, metas["shipped"], meta)
            predictions, single_best = blend_out_of_fold(meta, fold)
            choices[name] = {
                regressor: chosen_scores(meta, predicted)
                for regressor, predicted in predictions.items()
            }
            records.append(
                {
                    "knowledge_base": name,
                    "n_datasets": len(complete),
                    "n_rows": len(meta.raw),
                    "folds": folds_name,
                    **_metrics(meta, predictions["blend"], single_best),
                }
            )
            print(
                f"{name}, {folds_name}: top-1 median "
                f"{records[-1]['normalised_regret_median']:.4f} "
                f"[{time.perf_counter() - start:.0f} s]",
                flush=True,
            )
        for regressor in choices["shipped"]:
            both = {name: choices[name][regressor] for name in metas}
            paired.append(
                {
                    "meta_regressor": regressor,
                    "folds": folds_name,
                    **paired_summary(both, reference),
                }
            )
        print(pd.DataFrame(paired[-3:]).T.to_string(), flush=True)
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
    paired = pd.DataFrame(paired)
    mean = paired.groupby("meta_regressor", sort=False).mean(numeric_only=True)
    paired = pd.concat(
        [paired, mean.reset_index().assign(folds="mean")], ignore_index=True
    )
    paired = paired.set_index(["meta_regressor", "folds"]).round(4).T
    paired.to_csv(args.paired_out)
    print(paired.xs("mean", axis=1, level="folds").to_string())


if __name__ == "__main__":
    main()
