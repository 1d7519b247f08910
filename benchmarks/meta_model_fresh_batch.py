"""The default meta-model on datasets it has never seen (issue 6).

Cross-validation over a knowledge base estimates how the meta-model does on a
dataset like those it holds. A batch of datasets collected later, from other
sources, is a sterner test: this script trains the default meta-model (the
shipped blend, target and weight of the task) on one knowledge base
(``--train``, the shipped one by default), ranks the configurations measured on
the datasets of another store (``--new``) that the training knowledge base does
not hold, and reports the metrics of ``meta_model_variants.py`` for it and for
the baselines of ``evaluate_meta_model`` on the same split (single best and
auto-sklearn's warm start of the training datasets, each family's defaults,
random configurations, the size-only meta-model). New datasets that fall into a
near-duplicate group of a training dataset are counted in the output.

The second batches of R datasets (``extra_*_datasets.py``) were scored this way
before they joined the shipped knowledge base; to reproduce, train on the
knowledge base of the commit before they joined::

    git worktree add /tmp/kb-before 7464e24
    python benchmarks/meta_model_fresh_batch.py --task regression \\
        --train /tmp/kb-before/skmeta/metalearning/data \\
        --new benchmarks/meta_model/extra_regression

Writes ``benchmarks/meta_model/fresh_<task>.csv`` (under a minute a task).
``--cv-union N`` adds the default meta-model's grouped N-fold cross-validation
over the union (training and new datasets), scored on each part: what the
study's shipped setting would find once the new datasets join (minutes).
"""

import argparse

import numpy as np
from meta_model_extra_datasets import _record, _union, _without
from meta_model_variants import GOAL_COLUMNS, OUT, single_best_for, write_table
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_evaluation import (
    _baseline_predictions,
    dataset_folds,
)
from skmeta.metalearning._meta_model import (
    DEFAULT_META_REGRESSOR,
    DEFAULT_TARGETS,
    build_meta_dataset,
    make_meta_regressor,
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--task", choices=["classification", "regression"], default="regression"
    )
    parser.add_argument("--train", help="training knowledge base (default: shipped)")
    parser.add_argument("--new", required=True, help="store of the new datasets")
    parser.add_argument("--out", help="default: benchmarks/meta_model/fresh_<task>.csv")
    parser.add_argument(
        "--cv-union",
        type=int,
        metavar="N_SPLITS",
        help="also cross-validate the default meta-model over the union, grouped "
        "N_SPLITS-fold (a preview of the study once the new datasets join)",
    )
    args = parser.parse_args(argv)
    task = args.task
    threadpool_limits(1)
    train_kb = load_knowledge_base(task, args.train)
    new_kb = load_knowledge_base(task, args.new)
    seen = new_kb.metafeatures.index.intersection(train_kb.metafeatures.index)
    new_kb = _without(new_kb, seen)
    meta = build_meta_dataset(_union(train_kb, new_kb), task)
    new = np.isin(meta.dataset_id, new_kb.metafeatures.index)
    shared_groups = np.isin(meta.group_id[new], meta.group_id[~new])
    n_new = len(np.unique(meta.dataset_id[new]))
    n_shared = len(np.unique(meta.dataset_id[new][shared_groups]))
    print(
        f"{len(np.unique(meta.dataset_id[~new]))} training and {n_new} new "
        f"datasets ({len(seen)} of the store already in training, left out; "
        f"{n_shared} new ones in a training dataset's near-duplicate group)",
        flush=True,
    )
    if n_new == 0:
        training = args.train or "the shipped knowledge base"
        raise SystemExit(
            f"{args.new} holds no dataset with meta-features that {training} "
            "lacks: compute them with 'skmeta kb metafeatures' first."
        )
    target = DEFAULT_TARGETS[task]
    y = np.asarray(meta.normalised if target == "normalised" else meta.raw, float)
    rows = np.arange(len(y))
    old, fresh = rows[~new], rows[new]
    predicted = np.full(len(y), np.nan)
    model = make_meta_regressor(DEFAULT_META_REGRESSOR, task=task)
    predicted[fresh] = model.fit(meta.X.iloc[old], y[old]).predict(meta.X.iloc[fresh])
    single_best = np.full(len(y), np.nan)
    single_best[fresh] = single_best_for(meta, old, fresh)
    scope = "new"
    records = [_record("default meta-model", scope, meta, new, predicted, single_best)]
    baselines = _baseline_predictions(meta, [(old, fresh)], meta.metafeatures, 5)
    for name, scores in baselines.items():
        records.append(
            _record(
                f"baseline: {name}",
                scope,
                meta,
                new,
                np.nan_to_num(scores, nan=-1.0),
                single_best,
            )
        )
    for record in records:
        record["new_in_a_training_group"] = n_shared
    if args.cv_union:
        predicted = np.full(len(y), np.nan)
        for train, test in dataset_folds(meta, args.cv_union):
            fitted = clone(model).fit(meta.X.iloc[train], y[train])
            predicted[test] = fitted.predict(meta.X.iloc[test])
            single_best[test] = single_best_for(meta, train, test)
        scopes = {"old": ~new, "new": new, "all": np.ones(len(y), bool)}
        name = f"CV over the union, grouped {args.cv_union}-fold"
        for scope, rows in scopes.items():
            records.append(_record(name, scope, meta, rows, predicted, single_best))
    out = args.out or str(OUT / f"fresh_{task}.csv")
    frame = write_table(records, ["setting", "test datasets"], out)
    shown = ["n_datasets", "regret_at_5_median", *GOAL_COLUMNS]
    print(frame[shown].to_string())


if __name__ == "__main__":
    main()
