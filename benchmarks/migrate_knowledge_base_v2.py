"""Carry the shipped knowledge bases over to search-space version 2 (done once).

Version 2 gave the classification trees (decision tree, random forest, extra
trees) the hyperparameter ``class_weight`` (``None`` or ``"balanced"``). The
version-1 classification store ran every tree with scikit-learn's default,
``class_weight=None``; ``collect_class_weights.py`` evaluated each of those
configurations again with ``"balanced"`` into ``benchmarks/meta_model/class_weights/``,
on the same folds. This script

1. writes ``"class_weight": null`` into the parameters of every version-1 tree
   experiment of the classification store (and its configuration id, a hash of
   the parameters), part by part, so that a configuration reads the same as
   version 2 samples it;
2. merges the weighted experiments into that store (their settings differ only
   in the ``overrides`` that the parameters now spell out, and in the version);
3. records search-space version 2 in both shipped stores (the regression space
   did not change).

Nothing else changes: scores, folds, datasets and meta-features are the ones
measured. Running it again changes nothing. Run from the project root::

    python benchmarks/migrate_knowledge_base_v2.py
"""

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from skmeta.metalearning._search_space import SEARCH_SPACE_VERSION, config_id
from skmeta.metalearning._store import (
    ExperimentStore,
    _atomic_write,
    _dumps,
    _gzip_bytes,
)

DATA = Path(__file__).resolve().parents[1] / "skmeta" / "metalearning" / "data"
WEIGHTED = Path(__file__).resolve().parent / "meta_model" / "class_weights"
TREES = ("decision_tree", "random_forest", "extra_trees")


def _set_version(path, settings=None):
    manifest_path = Path(path) / "store.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["settings"] = dict(settings or manifest["settings"])
    manifest["settings"]["search_space_version"] = SEARCH_SPACE_VERSION
    text = json.dumps(manifest, indent=2) + "\n"
    if manifest_path.read_text() != text:
        _atomic_write(manifest_path, text.encode("utf-8"))


def _spell_out_class_weight(store):
    """Write ``class_weight=None`` into the store's version-1 tree experiments."""
    changed = 0
    for part in store._parts():
        records = store._read_part(part)
        fresh = []
        for record in records:
            if record["family"] in TREES and "class_weight" not in record["params"]:
                record = {
                    **record,
                    "params": {**record["params"], "class_weight": None},
                }
                record["config_id"] = config_id(record)
                changed += 1
            fresh.append(record)
        text = "".join(_dumps(r) + "\n" for r in fresh)
        if _gzip_bytes(text) != part.read_bytes():
            _atomic_write(part, _gzip_bytes(text))
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--weighted", default=str(WEIGHTED))
    args = parser.parse_args(argv)
    _set_version(Path(args.data) / "classification")
    _set_version(Path(args.data) / "regression")
    classification = ExperimentStore.open(Path(args.data) / "classification")
    with classification.lock(), classification.lock("metafeatures"):
        changed = _spell_out_class_weight(classification)
        print(f"tree experiments given class_weight=None: {changed}")
        with tempfile.TemporaryDirectory() as tmp:
            # The weighted store's settings, as the merge checks them: the same
            # collection settings and version, the overrides now in the params.
            copy = Path(tmp) / "classification"
            shutil.copytree(Path(args.weighted) / "classification", copy)
            _set_version(copy, classification.settings)
            weighted = ExperimentStore.open(copy)
            for record in weighted.iter_experiments():
                assert record["config_id"] == config_id(record), record
            print(f"merged: {classification.merge(weighted)}")


if __name__ == "__main__":
    main()
