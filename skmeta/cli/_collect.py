"""``skmeta collect`` and ``skmeta kb``: build and inspect experiment stores."""

import json
import sys
from pathlib import Path

_TASK_CHOICES = ("classification", "regression", "both")


def add_parser(subparsers):
    """Declare ``skmeta collect`` and ``skmeta kb``."""
    collect = subparsers.add_parser(
        "collect",
        help="evaluate configurations on datasets into a resumable store",
        description=(
            "Cross-validate random configurations of every model family (plus each "
            "family's defaults) on every dataset, appending each result to STORE. "
            "Run it again on the same store to resume: finished evaluations are "
            "never repeated, and --folds, --max-rows, --n-shared, --seed and --repeat "
            "default to the values the store was collected with."
        ),
    )
    collect.add_argument(
        "--store",
        required=True,
        help="knowledge-base folder (one sub-store per task is created) or an "
        "existing single-task store",
    )
    _add_source_arguments(collect)
    collect.add_argument(
        "--n-configs",
        type=int,
        default=50,
        help="random configurations per dataset, besides the defaults (50)",
    )
    collect.add_argument(
        "--n-shared",
        type=int,
        help="how many of them are shared by all datasets of a task (20)",
    )
    collect.add_argument("--folds", type=int, help="CV folds (5)")
    collect.add_argument(
        "--max-rows",
        type=int,
        help="subsample larger datasets to this many rows; 0 for no cap (3000)",
    )
    collect.add_argument(
        "--time-limit",
        type=float,
        default=300.0,
        help="CPU seconds per evaluation before it is killed as a timeout (300)",
    )
    collect.add_argument(
        "--n-jobs", type=int, default=1, help="parallel evaluations (1)"
    )
    collect.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run the evaluations on this Dask scheduler (needs skmeta[dask])",
    )
    collect.add_argument(
        "--families", nargs="+", metavar="NAME", help="only these model families"
    )
    collect.add_argument("--seed", type=int, help="random seed (0)")
    collect.add_argument(
        "--repeat",
        type=int,
        help="repetition of the cross-validation: the same datasets and "
        "configurations as repeat 0 of the same seed, on other folds; collect each "
        "into its own store (0)",
    )
    collect.add_argument(
        "--compact-every",
        type=float,
        default=30.0,
        metavar="MINUTES",
        help="seal the active part into a compressed part this often (30)",
    )
    collect.add_argument("--max-evaluations", type=int, help="stop after this many")
    collect.add_argument("--no-progress", action="store_true", help="no progress bar")
    collect.set_defaults(func=run_collect)

    kb = subparsers.add_parser(
        "kb",
        help="inspect and maintain experiment stores",
        description="Inspect and maintain experiment stores.",
    )
    kb_sub = kb.add_subparsers(title="commands", metavar="COMMAND")
    info = kb_sub.add_parser("info", help="datasets, configurations, failures, time")
    info.add_argument("store", help="a store or knowledge-base folder")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(func=run_info)
    compact = kb_sub.add_parser(
        "compact", help="seal the active part into a compressed part"
    )
    compact.add_argument("store")
    compact.set_defaults(func=run_compact)
    repair = kb_sub.add_parser(
        "repair", help="move unreadable lines of the active part to rejected.jsonl"
    )
    repair.add_argument("store")
    repair.set_defaults(func=run_repair)
    merge = kb_sub.add_parser(
        "merge",
        help="add the experiments of other stores to a store",
        description="Add the experiments, datasets and meta-features of each SOURCE "
        "to the store of the same task in STORE (created when STORE is a "
        "knowledge-base folder without one). What STORE holds is kept; the stores "
        "must share their collection settings. Running it again adds nothing.",
    )
    merge.add_argument("store", help="the store or knowledge-base folder to add to")
    merge.add_argument(
        "sources",
        nargs="+",
        metavar="source",
        help="stores or knowledge-base folders to add; 'default' is the shipped one",
    )
    merge.set_defaults(func=run_merge)
    meta = kb_sub.add_parser(
        "metafeatures",
        help="compute the dataset meta-features of a store (separate pass)",
        description="Compute MetaFeatureExtractor meta-features of every dataset in "
        "STORE, on the rows the collector used, and replace the store's table.",
    )
    meta.add_argument("store")
    _add_source_arguments(meta)
    meta.set_defaults(func=run_metafeatures)


def _add_source_arguments(parser):
    group = parser.add_argument_group("datasets")
    group.add_argument("--pmlb", metavar="DIR", help="a PMLB-style folder")
    group.add_argument(
        "--pmlb-names", nargs="+", metavar="NAME", help="only these datasets of --pmlb"
    )
    group.add_argument(
        "--csv",
        action="append",
        default=[],
        metavar="FILE:TARGET",
        help="a CSV file and its target column (repeatable)",
    )
    group.add_argument(
        "--parquet",
        action="append",
        default=[],
        metavar="FILE:TARGET",
        help="a Parquet file and its target",
    )
    group.add_argument(
        "--openml-dataset",
        action="append",
        default=[],
        type=int,
        metavar="ID",
        help="an OpenML dataset id (repeatable)",
    )
    group.add_argument(
        "--openml-task",
        action="append",
        default=[],
        type=int,
        metavar="ID",
        help="an OpenML task id, with its splits",
    )
    group.add_argument(
        "--openml-suite",
        action="append",
        default=[],
        metavar="NAME",
        help="every task of an OpenML suite",
    )
    group.add_argument("--openml-cache", metavar="DIR", help="openml's cache folder")
    group.add_argument(
        "--task",
        choices=_TASK_CHOICES,
        default="both",
        help="keep datasets of this task (both)",
    )
    group.add_argument(
        "--max-datasets",
        type=int,
        nargs="+",
        metavar="N",
        help="at most N datasets per task (or N M: N classification and M "
        "regression), chosen to span as many groups of near-duplicates as possible",
    )


def _split_target(value, option):
    path, sep, target = value.rpartition(":")
    if not sep or not path or not target:
        raise ValueError(f"{option} expects FILE:TARGET; got {value!r}.")
    return path, target


def _sources_from_args(args):
    from skmeta.datasets import (
        FileSource,
        OpenMLDatasetSource,
        OpenMLTaskSource,
        PMLBSource,
        list_pmlb,
        openml_suite,
    )
    from skmeta.metalearning._collector import diverse_order, resolve_sources

    sources = []
    if args.pmlb:
        if args.pmlb_names:
            sources += [PMLBSource(name, args.pmlb) for name in args.pmlb_names]
        else:
            sources += list_pmlb(args.pmlb)
    # A file's task is inferred from its target unless --task names one: then a
    # class label coded 0.0/1.0 is not mistaken for a regression target and
    # filtered out below.
    file_task = None if args.task == "both" else args.task
    for value in args.csv:
        sources.append(FileSource(*_split_target(value, "--csv"), task=file_task))
    for value in args.parquet:
        sources.append(FileSource(*_split_target(value, "--parquet"), task=file_task))
    cache = args.openml_cache
    sources += [OpenMLDatasetSource(i, cache_dir=cache) for i in args.openml_dataset]
    sources += [OpenMLTaskSource(i, cache_dir=cache) for i in args.openml_task]
    for suite in args.openml_suite:
        sources += openml_suite(suite, cache_dir=cache)
    if not sources:
        raise ValueError(
            "No datasets given: pass --pmlb DIR, --csv FILE:TARGET, --parquet "
            "FILE:TARGET, --openml-dataset ID, --openml-task ID or --openml-suite."
        )
    resolved = resolve_sources(
        sources,
        on_error=lambda source, exc: print(
            f"skmeta: skipping {source!r}: {exc}", file=sys.stderr
        ),
    )
    if args.task != "both":
        resolved = [s for s in resolved if s.task == args.task]
    if args.max_datasets is not None:
        limits = args.max_datasets
        if len(limits) > 2:
            raise ValueError(
                f"--max-datasets takes one or two numbers; got {len(limits)}."
            )
        limits = {"classification": limits[0], "regression": limits[-1]}
        resolved = [
            s
            for task, limit in limits.items()
            for s in diverse_order(
                [r for r in resolved if r.task == task], getattr(args, "seed", 0)
            )[:limit]
        ]
    return resolved


# Defaults of the settings a store records; resuming takes the store's own values.
_SETTING_DEFAULTS = {
    "folds": 5,
    "max_rows": 3000,
    "n_shared": 20,
    "seed": 0,
    "repeat": 0,
}
_SETTING_KEYS = {"folds": "n_folds", "max_rows": "max_rows", "n_shared": "n_shared"}


def _fill_settings(args):
    """Fill unset settings from an existing store at ``--store``, else defaults."""
    from skmeta.metalearning import ExperimentStore

    root = Path(args.store)
    candidates = [root, root / "classification", root / "regression"]
    stored = next(
        (
            ExperimentStore.open(p).settings
            for p in candidates
            if (p / "store.json").exists()
        ),
        {},
    )
    for name, default in _SETTING_DEFAULTS.items():
        if getattr(args, name) is None:
            key = _SETTING_KEYS.get(name, name)
            value = stored.get(key, default)
            setattr(args, name, 0 if value is None and name == "max_rows" else value)


def run_collect(args):
    """Run ``skmeta collect``."""
    import contextlib

    from skmeta.metalearning import collect

    _fill_settings(args)
    sources = _sources_from_args(args)
    context = contextlib.nullcontext()
    n_jobs = args.n_jobs
    if args.dask_scheduler:
        from dask.distributed import Client
        from joblib import parallel_config

        client = Client(args.dask_scheduler)
        context = parallel_config(backend="dask")
        n_jobs = -1 if args.n_jobs == 1 else args.n_jobs
    with context:
        counts = collect(
            sources,
            args.store,
            n_configs=args.n_configs,
            n_shared=args.n_shared,
            n_folds=args.folds,
            max_rows=args.max_rows or None,
            time_limit=args.time_limit,
            n_jobs=n_jobs,
            seed=args.seed,
            repeat=args.repeat,
            max_evaluations=args.max_evaluations,
            families=args.families,
            compact_every=args.compact_every * 60 if args.compact_every else None,
            progress=not args.no_progress,
        )
    if args.dask_scheduler:
        client.close()
    print(
        f"evaluated {counts['evaluated']}: {counts['ok']} ok, {counts['error']} "
        f"errors, {counts['timeout']} timeouts, {counts['crashed']} crashed; "
        f"{counts['remaining']} remaining"
    )
    if counts["skipped_datasets"]:
        print(f"datasets that failed to load: {', '.join(counts['skipped_datasets'])}")
    return 0


def _stores_at(path):
    from skmeta.metalearning import ExperimentStore

    path = Path(path)
    if (path / "store.json").exists():
        return [ExperimentStore.open(path)]
    stores = (
        [
            ExperimentStore.open(sub)
            for sub in sorted(path.iterdir())
            if (sub / "store.json").exists()
        ]
        if path.is_dir()
        else []
    )
    if not stores:
        raise FileNotFoundError(
            f"{path} holds no experiment store (no store.json in it or in its "
            "sub-folders)."
        )
    return stores


def store_summary(store):
    """Summarise a store: datasets, configurations, failures, time spent."""
    experiments = store.experiments()
    datasets = store.datasets()
    status = experiments["status"].value_counts().to_dict() if len(experiments) else {}
    summary = {
        "path": str(store.path),
        "task": store.task,
        "settings": store.settings,
        "evaluations": int(len(experiments)),
        "status": {k: int(v) for k, v in status.items()},
        "datasets_evaluated": int(experiments["dataset_id"].nunique())
        if len(experiments)
        else 0,
        "datasets_failed_to_load": int((datasets["status"] != "ok").sum())
        if len(datasets)
        else 0,
        "configurations": int(experiments["config_id"].nunique())
        if len(experiments)
        else 0,
        "size_bytes": store.size_bytes(),
        "metafeatures": int(len(store.metafeatures())),
    }
    if len(experiments):
        per_dataset = experiments.groupby("dataset_id").size()
        summary["evaluations_per_dataset"] = {
            "min": int(per_dataset.min()),
            "median": float(per_dataset.median()),
            "max": int(per_dataset.max()),
        }
        summary["families"] = {
            k: int(v) for k, v in experiments["family"].value_counts().items()
        }
        summary["kinds"] = {
            k: int(v) for k, v in experiments["kind"].value_counts().items()
        }
        cpu = experiments["cpu_time"].fillna(experiments["wall_time"])
        summary["cpu_hours"] = round(float(cpu.sum()) / 3600, 3)
        summary["wall_hours_of_evaluations"] = round(
            float(experiments["wall_time"].sum()) / 3600, 3
        )
        if "groups" not in summary and len(datasets):
            summary["groups"] = int(datasets["group_id"].nunique())
        failed = experiments[experiments["status"] != "ok"]
        # An error is summarised by its exception type, a timeout or crash by its
        # status.
        kinds = failed["status"].where(
            failed["status"] != "error",
            failed["error"].fillna("").str.split(":").str[0],
        )
        summary["errors"] = {
            k: int(v) for k, v in kinds.value_counts().head(10).items()
        }
    return summary


def run_info(args):
    """Run ``skmeta kb info``."""
    summaries = [store_summary(s) for s in _stores_at(args.store)]
    if args.json:
        print(json.dumps(summaries, indent=2))
        return 0
    for s in summaries:
        print(f"{s['path']}: {s['task']} store")
        print(f"  settings: {json.dumps(s['settings'])}")
        print(
            f"  evaluations: {s['evaluations']} "
            + ", ".join(f"{k} {v}" for k, v in sorted(s["status"].items()))
        )
        print(
            f"  datasets: {s['datasets_evaluated']} evaluated"
            + (f" in {s['groups']} groups" if "groups" in s else "")
            + f", {s['datasets_failed_to_load']} failed to load"
        )
        if "evaluations_per_dataset" in s:
            e = s["evaluations_per_dataset"]
            print(
                f"  evaluations per dataset: min {e['min']}, median "
                f"{e['median']:g}, max {e['max']}"
            )
            print(
                f"  configurations: {s['configurations']} ("
                + ", ".join(f"{k} {v}" for k, v in s["kinds"].items())
                + " evaluations)"
            )
            print(
                "  families: " + ", ".join(f"{k} {v}" for k, v in s["families"].items())
            )
            print(f"  CPU time: {s['cpu_hours']:.2f} h")
            if s["errors"]:
                print(
                    "  failure kinds: "
                    + ", ".join(f"{k} {v}" for k, v in s["errors"].items())
                )
        print(f"  meta-features: {s['metafeatures']} datasets")
        print(f"  size on disk: {s['size_bytes'] / 1e6:.2f} MB")
    return 0


def run_compact(args):
    """Run ``skmeta kb compact``."""
    for store in _stores_at(args.store):
        with store.lock():
            part = store.compact()
        print(
            f"{store.path}: " + (f"sealed {part.name}" if part else "nothing to seal")
        )
    return 0


def run_repair(args):
    """Run ``skmeta kb repair``."""
    for store in _stores_at(args.store):
        with store.lock():
            moved = store.repair()
        print(f"{store.path}: moved {moved} unreadable lines to rejected.jsonl")
    return 0


def run_merge(args):
    """Run ``skmeta kb merge``."""
    from skmeta.metalearning import ExperimentStore
    from skmeta.metalearning._knowledge_base import DATA_DIR

    destination = Path(args.store)
    single = (destination / "store.json").exists()
    has_stores = single or (
        destination.is_dir()
        and any((p / "store.json").exists() for p in destination.iterdir())
    )
    targets = {s.task: s for s in _stores_at(destination)} if has_stores else {}
    for source in (
        s
        for path in args.sources
        for s in _stores_at(DATA_DIR if path == "default" else path)
    ):
        target = targets.get(source.task)
        if target is None:
            if single:
                raise ValueError(
                    f"Store {destination} holds {next(iter(targets))} experiments, "
                    f"not {source.task} ones like {source.path}; merge into a store "
                    "of the same task or into a knowledge-base folder."
                )
            target = ExperimentStore.create(
                destination / source.task, source.task, source.settings
            )
            targets[source.task] = target
        with target.lock(), target.lock("metafeatures"):
            added = target.merge(source)
        print(
            f"{target.path}: added {added['experiments']} evaluations, "
            f"{added['datasets']} datasets and {added['metafeatures']} meta-feature "
            f"rows from {source.path}"
        )
    return 0


def run_metafeatures(args):
    """Run ``skmeta kb metafeatures``."""
    from skmeta.metalearning._knowledge_base import compute_metafeatures

    sources = {s.dataset_id: s for s in _sources_from_args(args)}
    for store in _stores_at(args.store):
        with store.lock("metafeatures"):
            frame = compute_metafeatures(store, sources, progress=True)
        print(f"{store.path}: meta-features of {len(frame)} datasets")
    return 0
