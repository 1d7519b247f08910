"""Which configurations should MetaModelSelector verify: the top k, or one per family?

The top of the meta-model's ranking is often one family with near-identical
configurations, so cross-validating the top k chooses among near-twins. This
compares, on one set of out-of-fold predictions of the default meta-model
(grouped CV as in ``meta_model_study.py``), the normalised regret@k of two rules:

- ``top_k``: the first k configurations in predicted order;
- ``family_diverse``: predicted order, but at most one configuration per family
  until every family of the dataset has one, then the rest in order.

Both the shipped blend weight and the nested choice of the study are evaluated::

    python benchmarks/verification_rule.py --knowledge-base /tmp/kb --n-splits 10
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from meta_model_study import (
    BLEND_SHARES,
    _missing_metafeatures,
    _nested_blend,
    _protocol,
)
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import (
    dataset_folds,
    out_of_fold_predictions,
)
from skmeta.metalearning._meta_model import (
    BLEND_NEAREST_NEIGHBOURS,
    DEFAULT_META_REGRESSOR,
    DEFAULT_TARGETS,
    build_meta_dataset,
    make_meta_regressor,
)
from skmeta.metalearning._selector import family_diverse_order

KS = (1, 3, 5)


def regrets_at_k(meta, predicted):
    """Normalised regret@k of both rules, one row per dataset."""
    rows = []
    for dataset in np.unique(meta.dataset_id):
        mask = meta.dataset_id == dataset
        measured, families = meta.raw[mask], meta.family[mask]
        order = np.argsort(-predicted[mask], kind="stable")
        rules = {
            "top_k": order,
            "family_diverse": family_diverse_order(order, families[order]),
        }
        span = measured.max() - measured.min()
        row = {"dataset_id": dataset}
        for rule, ranked in rules.items():
            for k in KS:
                regret = measured.max() - measured[ranked[:k]].max()
                row[f"{rule}@{k}"] = regret / span if span > 0 else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def run_task(task, args, out):
    kb = load_knowledge_base(task, args.knowledge_base)
    kb.metafeatures = _missing_metafeatures(
        kb, task, args.pmlb, out / f"{task}_metafeatures_cache.csv"
    )
    meta = build_meta_dataset(kb, task)
    folds = dataset_folds(meta, args.n_splits)
    predictions = {
        "shipped": out_of_fold_predictions(
            meta,
            make_meta_regressor(DEFAULT_META_REGRESSOR, task=task),
            folds,
            DEFAULT_TARGETS[task],
        ),
        "nested": _nested_blend(
            meta,
            folds,
            args.inner_splits,
            BLEND_NEAREST_NEIGHBOURS[task],
            BLEND_SHARES[task],
        )[0],
    }
    lines = []
    for weight, predicted in predictions.items():
        per = regrets_at_k(meta, predicted)
        per.to_csv(
            out / f"{task}_verification_rule_{weight}.csv",
            index=False,
            float_format="%.5g",
        )
        for stat in ("median", "mean"):
            values = per.drop(columns="dataset_id").agg(stat)
            lines.append({"task": task, "blend_weight": weight, "stat": stat, **values})
    n_evaluations = len(meta.raw)
    print(
        f"{task}: {len(np.unique(meta.dataset_id))} datasets, {n_evaluations} "
        f"evaluations, {_protocol(args.n_splits)}",
        flush=True,
    )
    return pd.DataFrame(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--knowledge-base", default=None, help="a knowledge-base folder"
    )
    parser.add_argument("--pmlb", help="PMLB folder, to compute missing meta-features")
    parser.add_argument("--out", default="benchmarks/meta_model", help="output folder")
    parser.add_argument("--n-splits", type=int, default=10, help="grouped folds (10)")
    parser.add_argument("--inner-splits", type=int, default=3, help="nested folds (3)")
    parser.add_argument("--tasks", nargs="+", default=["classification", "regression"])
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with threadpool_limits(1):
        table = pd.concat([run_task(t, args, out) for t in args.tasks])
    table.to_csv(out / "verification_rule.csv", index=False, float_format="%.5g")
    print(table.round(4).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
