"""Hyperband in Hyperactive, and model-based sampling in Hyperband: anytime curves.

Two comparisons on PMLB classification datasets, each recording the incumbent
(the best configuration so far by cross-validated score) over search time:

- ``hyperactive``: skmeta's ``HyperbandOptimizer`` against Hyperactive's
  ``RandomSearch``, ``HillClimbing`` and ``BayesianOptimizer`` on the same
  experiment (3-fold CV on the training part), the same grid and the same
  seeded splitter. The resource is gradient boosting's ``max_iter`` (1 to 81,
  every evaluation retrained, as Hyperactive's stateless experiments require);
  the other optimizers evaluate every configuration at ``max_iter=81``.
  Hyperband runs its five brackets; each other optimizer then gets exactly
  Hyperband's search time: it stops before the first evaluation that would
  start after it.
- ``sampler``: ``HyperbandSearchCV(sampler="bohb")`` against
  ``sampler="random"`` (same seeds, so the same first bracket), gradient
  boosting by ``max_iter`` with warm start, over a mixed space (log-scaled,
  linear, integer and categorical parameters), several seeds per dataset.
  ``proposals`` then repeats the BOHB searches, untimed, and keeps every
  evaluation, to compare the model's proposals with the random ones of the
  same brackets.

Hyperband's incumbent is the best configuration among the evaluations at the
full budget so far (a low-budget score is not comparable), so its curve starts
when its first bracket finishes. Every incumbent is then refit on the whole
training part at the full budget and scored on a held-out test part; that
refit happens after the search, outside the timed region, so the curves
measure search time only.

Time is the CPU time of the process (one thread for BLAS and OpenMP,
``n_jobs=1``), that is the wall time the search takes on a core of its own:
the machine is shared, and wall time would measure the other jobs' load as
much as the search. Wall time is recorded as well.

Run from the project root (data in ``../shared/data/pmlb``), in an environment
with Hyperactive (``pip install -e ".[hyperactive,benchmarks]"``)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        python benchmarks/bench_hyperactive.py

Writes ``benchmarks/hyperactive_results.csv`` (one row per incumbent and one
``end`` row per run; a run's rows are appended when it finishes, and runs
already in the file are skipped, so an interrupted run resumes where it
stopped), ``benchmarks/hyperactive_proposals.csv`` (every evaluation of the
BOHB searches, appended per search), ``benchmarks/hyperactive_anytime.png``,
and prints the tables of ``benchmarks/README.md``. ``--part hyperactive``,
``sampler`` or ``proposals`` runs one part; ``--report-only`` redraws the
tables and the plot from the CSV files.
"""

import argparse
import contextlib
import csv
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import loguniform, randint, uniform
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, train_test_split
from threadpoolctl import threadpool_limits

from skmeta import HyperbandSearchCV

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pmlb"
HERE = Path(__file__).resolve().parent

DATASETS = ["spambase", "magic", "twonorm", "churn", "phoneme"]
MAX_ITER = 81  # with factor 3 and min 1: the five brackets of Table 1
FACTOR = 3
NAMES = {
    "hyperband": "HyperbandOptimizer",
    "random_search": "RandomSearch",
    "hill_climbing": "HillClimbing",
    "bayesian": "BayesianOptimizer",
}
TIMES = (0.25, 0.5, 0.75, 1.0)  # fractions of the reference run's time in the tables
FIELDS = [
    "part",
    "dataset",
    "method",
    "seed",
    "event",
    "cpu_time",
    "wall_time",
    "n_evaluations",
    "cv_score",
    "test_score",
    "params",
]

# The grid of the Hyperactive comparison: gradient-free-optimizers searches
# finite arrays, so every optimizer gets this one (Hyperband samples it without
# replacement).
GRID = {
    "learning_rate": [float(v) for v in np.round(np.geomspace(1e-3, 1, 13), 5)],
    "max_leaf_nodes": [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128],
    "min_samples_leaf": [1, 2, 4, 8, 16, 32, 64, 128],
    "l2_regularization": [float(v) for v in np.geomspace(1e-6, 10, 8)],
    "max_features": [0.2, 0.4, 0.6, 0.8, 1.0],
}

# The mixed space of the sampler comparison.
SPACE = {
    "learning_rate": loguniform(1e-3, 1),
    "max_leaf_nodes": randint(2, 129),
    "min_samples_leaf": randint(1, 129),
    "l2_regularization": loguniform(1e-6, 10),
    "max_features": uniform(0.1, 0.9),
    "class_weight": [None, "balanced"],
}


class _OutOfTime(BaseException):
    """Raised by the experiment when the time budget is spent.

    A BaseException, so that neither Hyperactive nor gradient-free-optimizers
    scores it as a failed evaluation: it ends the search.
    """


def _estimator(seed):
    return HistGradientBoostingClassifier(early_stopping=False, random_state=seed)


def _load(name, max_train, max_test, seed):
    frame = pd.read_csv(DATA / name / f"{name}.tsv.gz", sep="\t")
    y = frame.pop("target").to_numpy()
    X = frame.to_numpy(dtype=np.float64)
    return train_test_split(
        X,
        y,
        train_size=min(max_train, int(0.75 * len(X))),
        test_size=min(max_test, int(0.25 * len(X))),
        stratify=y,
        random_state=seed,
    )


def _python(value):
    """A JSON-friendly copy of a parameter value (numpy scalars from GFO)."""
    return value.item() if isinstance(value, np.generic) else value


def _incumbents(evaluations, full_budget=None):
    """The improving evaluations (by CV score), optionally at one budget only.

    ``evaluations`` is a list of ``(cpu_time, wall_time, params, budget,
    score)`` in the order they finished.
    """
    rows, best = [], -np.inf
    for n, (cpu, wall, params, budget, score) in enumerate(evaluations, start=1):
        if full_budget is not None and budget != full_budget:
            continue
        if np.isfinite(score) and score > best:
            best = score
            rows.append((cpu, wall, n, dict(params), float(score)))
    return rows


def _run_rows(key, evaluations, end, data, full_budget=None):
    """CSV rows of one run: its incumbents with test scores, then ``end``."""
    X_train, X_test, y_train, y_test = data
    part, dataset, method, seed = key
    run = dict(part=part, dataset=dataset, method=method, seed=seed)
    rows = []
    for cpu, wall, n, params, cv_score in _incumbents(evaluations, full_budget):
        params = {k: _python(v) for k, v in params.items()}
        # Outside the timed region: the curves measure search time only.
        model = clone(_estimator(seed)).set_params(**params, max_iter=MAX_ITER)
        test_score = model.fit(X_train, y_train).score(X_test, y_test)
        rows.append(
            dict(
                **run,
                event="incumbent",
                cpu_time=round(cpu, 3),
                wall_time=round(wall, 3),
                n_evaluations=n,
                cv_score=round(cv_score, 5),
                test_score=round(test_score, 5),
                params=json.dumps(params, sort_keys=True),
            )
        )
    cpu, wall = end
    last = rows[-1] if rows else {}
    rows.append(
        dict(
            **run,
            event="end",
            cpu_time=round(cpu, 3),
            wall_time=round(wall, 3),
            n_evaluations=len(evaluations),
            cv_score=last.get("cv_score", np.nan),
            test_score=last.get("test_score", np.nan),
            params=last.get("params", ""),
        )
    )
    return rows


class _Clock:
    """CPU and wall seconds since ``start``."""

    def start(self):
        self.cpu0, self.wall0 = time.process_time(), time.perf_counter()

    def now(self):
        return time.process_time() - self.cpu0, time.perf_counter() - self.wall0


# ---------------------------------------------------------------------------
# Hyperband in Hyperactive against Hyperactive's optimizers
# ---------------------------------------------------------------------------


def _hyperactive_run(method, data, seed, budget):
    """One optimizer on the shared experiment; its evaluations and end time."""
    from hyperactive.opt import BayesianOptimizer, HillClimbing, RandomSearch

    from skmeta.integrations.hyperactive import (
        HyperbandOptimizer,
        SubsampledCvExperiment,
    )

    class TimedExperiment(SubsampledCvExperiment):
        """The CV experiment, logging every evaluation and enforcing a budget."""

        def _evaluate(self, params):
            if budget is not None and clock.now()[0] >= budget:
                raise _OutOfTime
            score, metadata = super()._evaluate(params)
            # Hyperband's rung budget arrives as max_iter; the others evaluate
            # at the estimator's max_iter, the full budget.
            n_iter = int(params.get("max_iter", MAX_ITER))
            params = {k: v for k, v in params.items() if k != "max_iter"}
            evaluations.append((*clock.now(), params, n_iter, float(score)))
            return score, metadata

    X_train, _, y_train, _ = data
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    evaluations = []
    clock = _Clock()
    # Hyperband sets max_iter per rung; the others evaluate at the full budget.
    base = _estimator(seed)
    if method != "hyperband":
        base = base.set_params(max_iter=MAX_ITER)
    experiment = TimedExperiment(base, X_train, y_train, scoring="accuracy", cv=cv)
    if method == "hyperband":
        optimizer = HyperbandOptimizer(
            search_space=GRID,
            resource="max_iter",
            max_resources=MAX_ITER,
            min_resources=1,
            factor=FACTOR,
            random_state=seed,
            experiment=experiment,
        )
    else:
        cls = {
            "random_search": RandomSearch,
            "hill_climbing": HillClimbing,
            "bayesian": BayesianOptimizer,
        }[method]
        # n_iter only bounds the loop; the time budget ends it.
        optimizer = cls(
            search_space=GRID, n_iter=100_000, random_state=seed, experiment=experiment
        )

    clock.start()
    with contextlib.suppress(_OutOfTime):
        optimizer.solve()
    end = clock.now()
    return evaluations, end


# ---------------------------------------------------------------------------
# BOHB sampler against random sampling in HyperbandSearchCV
# ---------------------------------------------------------------------------


class _TimedHyperbandSearchCV(HyperbandSearchCV):
    """HyperbandSearchCV that timestamps every (configuration, rung).

    It evaluates the candidates of a rung one at a time (the same work with
    ``n_jobs=1``) so that each gets its own finishing time.
    """

    def _run_search(self, evaluate_candidates, **kwargs):
        clock = self._clock
        log = self._evaluations

        def timed(candidate_params, *, models=None, more_results=None, **rest):
            results, kept = None, []
            for c, params in enumerate(candidate_params):
                results, trained = evaluate_candidates(
                    [params],
                    models=None if models is None else [models[c]],
                    more_results={k: [v[c]] for k, v in more_results.items()},
                    **rest,
                )
                score = float(results["mean_test_score"][-1])
                log.append((*clock.now(), params, rest["n_resources"], score))
                if trained is not None:
                    kept.extend(trained)
            return results, (kept if rest.get("keep_models") else None)

        super()._run_search(timed, **kwargs)


def _search_params(seed):
    """The Hyperband search both the timed and the untimed BOHB runs use."""
    return dict(
        estimator=_estimator(seed),
        param_distributions=SPACE,
        resource="max_iter",
        max_resources=MAX_ITER,
        min_resources=1,
        factor=FACTOR,
        scoring="accuracy",
        refit=False,
        cv=StratifiedKFold(3, shuffle=True, random_state=seed),
        n_jobs=1,
        random_state=seed,
    )


def _sampler_run(method, data, seed):
    X_train, _, y_train, _ = data
    search = _TimedHyperbandSearchCV(**_search_params(seed), sampler=method)
    search._clock = _Clock()
    search._evaluations = []
    search._clock.start()
    search.fit(X_train, y_train)
    end = search._clock.now()
    first_rung = search.cv_results_["iter"] == 0
    n_model = int(np.sum(search.cv_results_["proposed_by"][first_rung] == "model"))
    return search._evaluations, end, n_model


PROPOSAL_FIELDS = [
    "dataset",
    "seed",
    "bracket",
    "iter",
    "n_resources",
    "proposed_by",
    "cv_score",
    "fit_time",
]


def _proposals_run(data, seed):
    """The evaluations of one BOHB search (untimed): who proposed what."""
    X_train, _, y_train, _ = data
    search = HyperbandSearchCV(**_search_params(seed), sampler="bohb")
    search.fit(X_train, y_train)
    results = search.cv_results_
    return [
        dict(
            seed=seed,
            bracket=int(results["bracket"][i]),
            iter=int(results["iter"][i]),
            n_resources=int(results["n_resources"][i]),
            proposed_by=results["proposed_by"][i],
            cv_score=round(float(results["mean_test_score"][i]), 5),
            fit_time=round(float(results["mean_fit_time"][i]), 4),
        )
        for i in range(len(results["params"]))
    ]


# ---------------------------------------------------------------------------
# Driver, tables and plot
# ---------------------------------------------------------------------------


def _done(out):
    if not out.exists():
        return set(), pd.DataFrame(columns=FIELDS)
    frame = pd.read_csv(out)
    ends = frame[frame.event == "end"]
    keys = set(
        zip(ends.part, ends.dataset, ends.method, ends.seed.astype(int), strict=True)
    )
    return keys, frame


def _append(out, rows):
    write_header = not out.exists()
    with out.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        if write_header:
            writer.writeheader()
        writer.writerows(rows)


def _report(rows, note=""):
    end = rows[-1]
    print(
        f"{end['part']:>11} {end['dataset']:>10} {end['method']:>13} "
        f"seed {end['seed']}: {end['cpu_time']:7.1f} s CPU "
        f"({end['wall_time']:7.1f} s wall), {end['n_evaluations']:4d} evaluations, "
        f"cv {end['cv_score']:.4f}, test {end['test_score']:.4f}{note}",
        flush=True,
    )


def run(args):
    out = Path(args.out)
    done, _ = _done(out)
    cache = {}

    def data(dataset):
        if dataset not in cache:
            cache[dataset] = _load(
                dataset, args.max_train, args.max_test, args.split_seed
            )
        return cache[dataset]

    if args.part in ("all", "hyperactive"):
        seed = args.seeds[0]
        for dataset in args.datasets:
            for method in ["hyperband", "random_search", "hill_climbing", "bayesian"]:
                key = ("hyperactive", dataset, method, seed)
                if key in done:
                    continue
                budget = None
                if method != "hyperband":
                    _, frame = _done(out)
                    reference = frame[
                        (frame.part == "hyperactive")
                        & (frame.dataset == dataset)
                        & (frame.method == "hyperband")
                        & (frame.seed == seed)
                        & (frame.event == "end")
                    ]
                    budget = float(reference.cpu_time.iloc[0])
                evaluations, end = _hyperactive_run(method, data(dataset), seed, budget)
                full = MAX_ITER if method == "hyperband" else None
                rows = _run_rows(key, evaluations, end, data(dataset), full)
                _append(out, rows)
                _report(rows)
    if args.part in ("all", "sampler"):
        # Seeds outermost: a run cut short still covers every dataset.
        for seed in args.seeds:
            for dataset in args.datasets:
                for method in ("random", "bohb"):
                    key = ("sampler", dataset, method, seed)
                    if key in done:
                        continue
                    evaluations, end, n_model = _sampler_run(
                        method, data(dataset), seed
                    )
                    rows = _run_rows(key, evaluations, end, data(dataset), MAX_ITER)
                    _append(out, rows)
                    _report(rows, f", {n_model} of 143 configurations from the model")
    if args.part in ("all", "proposals"):
        # The BOHB searches again, untimed, to compare the model's proposals
        # with the random ones of the same brackets.
        out = Path(args.proposals_out)
        seen = set()
        if out.exists():
            frame = pd.read_csv(out)
            seen = set(zip(frame.dataset, frame.seed.astype(int), strict=True))
        for seed in args.seeds:
            for dataset in args.datasets:
                if (dataset, seed) in seen:
                    continue
                rows = [
                    {"dataset": dataset, **row}
                    for row in _proposals_run(data(dataset), seed)
                ]
                write_header = not out.exists()
                with out.open("a", newline="") as handle:
                    writer = csv.DictWriter(handle, fieldnames=PROPOSAL_FIELDS)
                    if write_header:
                        writer.writeheader()
                    writer.writerows(rows)
                print(f"  proposals {dataset} seed {seed}", flush=True)


def _score_at(run_rows, t, column="test_score", clock="cpu_time"):
    """The incumbent's score at time ``t`` (nan before the first)."""
    inc = run_rows[(run_rows.event == "incumbent") & (run_rows[clock] <= t + 1e-9)]
    return float(inc[column].iloc[-1]) if len(inc) else np.nan


def _time_to_reach(run_rows, target, column="test_score", clock="cpu_time"):
    """First time the incumbent's score is at least ``target`` (inf if never),
    and the number of evaluations made by then (0 if never)."""
    inc = run_rows[(run_rows.event == "incumbent") & (run_rows[column] >= target)]
    if inc.empty:
        return np.inf, 0
    return float(inc[clock].iloc[0]), int(inc.n_evaluations.iloc[0])


def _fmt(value, digits=4):
    return "n/a" if not np.isfinite(value) else f"{value:.{digits}f}"


def summarise(frame):
    """Markdown tables and the medians of both comparisons."""
    lines = []
    part = frame[frame.part == "hyperactive"]
    methods = ["hyperband", "random_search", "hill_climbing", "bayesian"]
    if len(part):
        lines.append(
            "| dataset | HB CPU s (wall s) | method | evaluations | "
            + " | ".join(f"test @ {f:g} T" for f in TIMES)
            + " | CV @ T |"
        )
        lines.append("|---|---|---|---|" + "---|" * len(TIMES) + "---|")
        at_end = {m: [] for m in methods}
        for dataset, rows in part.groupby("dataset", sort=False):
            hb_end = rows[(rows.method == "hyperband") & (rows.event == "end")]
            if hb_end.empty:
                continue
            budget = float(hb_end.cpu_time.iloc[0])
            for method in methods:
                run_rows = rows[rows.method == method]
                end = run_rows[run_rows.event == "end"]
                if end.empty:
                    continue
                scores = [_score_at(run_rows, f * budget) for f in TIMES]
                at_end[method].append(scores[-1])
                cv = _score_at(run_rows, budget, column="cv_score")
                lines.append(
                    f"| {dataset} | {budget:.0f} ({hb_end.wall_time.iloc[0]:.0f}) "
                    f"| {NAMES[method]} | {int(end.n_evaluations.iloc[0])} | "
                    + " | ".join(_fmt(s) for s in scores)
                    + f" | {_fmt(cv)} |"
                )
        medians = ", ".join(
            f"{NAMES[m]} {np.nanmedian(v):.4f}" for m, v in at_end.items() if v
        )
        lines.append("")
        lines.append(f"Median test score at T over datasets: {medians}.")
        lines.append("")

    part = frame[frame.part == "sampler"]
    if len(part):
        lines.extend(_summarise_sampler(part))
    return "\n".join(lines)


def _first_bracket_size():
    """Evaluations of Hyperband's first bracket, the same for both samplers."""
    from skmeta.model_selection import hyperband_schedule

    return sum(n for n, _ in hyperband_schedule(MAX_ITER, 1, FACTOR)[0])


def _summarise_sampler(part):
    """Scores at equal times and times to match, medians over seeds."""
    runs = []
    for (dataset, seed), rows in part.groupby(["dataset", "seed"], sort=False):
        random = rows[rows.method == "random"]
        bohb = rows[rows.method == "bohb"]
        if random[random.event == "end"].empty or bohb[bohb.event == "end"].empty:
            continue
        end = random[random.event == "end"]
        budget = float(end.cpu_time.iloc[0])
        run = {"dataset": dataset, "seed": seed, "cpu": budget}
        for name, run_rows in (("random", random), ("bohb", bohb)):
            for f in TIMES:
                run[f"{name}@{f:g}"] = _score_at(run_rows, f * budget)
            run_end = run_rows[run_rows.event == "end"]
            run[f"{name}_end_cpu"] = float(run_end.cpu_time.iloc[0])
            run[f"{name}_final"] = float(run_end.test_score.iloc[0])
        for column in ("test_score", "cv_score"):
            target = float(end[column].iloc[0])
            # Random's own time to its final score: when the shared first
            # bracket already holds it, BOHB cannot be faster than that.
            for name, run_rows in (("random", random), ("bohb", bohb)):
                reached, n = _time_to_reach(run_rows, target, column=column)
                run[f"{name}_{column}_match"] = reached / budget
                run[f"{name}_{column}_shared"] = 0 < n <= _first_bracket_size()
        runs.append(run)
    if not runs:
        return []
    runs = pd.DataFrame(runs)
    by_dataset = runs.groupby("dataset", sort=False).median(numeric_only=True)
    lines = [
        "| dataset | seeds | random CPU s | "
        + " | ".join(f"random @ {f:g} T" for f in TIMES[1:])
        + " | "
        + " | ".join(f"BOHB @ {f:g} T" for f in TIMES[1:])
        + " | BOHB CPU s |",
        "|---|---|---|" + "---|" * (2 * len(TIMES) - 2) + "---|",
    ]
    for dataset, row in by_dataset.iterrows():
        n = int((runs.dataset == dataset).sum())
        lines.append(
            f"| {dataset} | {n} | {row.cpu:.1f} | "
            + " | ".join(_fmt(row[f"random@{f:g}"]) for f in TIMES[1:])
            + " | "
            + " | ".join(_fmt(row[f"bohb@{f:g}"]) for f in TIMES[1:])
            + f" | {row.bohb_end_cpu:.1f} |"
        )
    lines += [
        "",
        "| dataset | BOHB reaches random's final test score at | random itself at "
        "| BOHB reaches random's final CV score at | random itself at | "
        "test matched in the shared first bracket | BOHB earlier after it (test) |",
        "|---|---|---|---|---|---|---|",
    ]
    for dataset, row in by_dataset.iterrows():
        mine = runs[runs.dataset == dataset]
        # Matched by its own proposals, not by the shared first bracket.
        earlier = int(
            (
                ~mine.bohb_test_score_shared.astype(bool)
                & (mine.bohb_test_score_match < mine.random_test_score_match)
            ).sum()
        )
        shared = int(mine.bohb_test_score_shared.astype(bool).sum())
        lines.append(
            f"| {dataset} | {_fmt(row.bohb_test_score_match, 2)} T "
            f"| {_fmt(row.random_test_score_match, 2)} T "
            f"| {_fmt(row.bohb_cv_score_match, 2)} T "
            f"| {_fmt(row.random_cv_score_match, 2)} T "
            f"| {shared} of {len(mine)} | {earlier} of {len(mine)} |"
        )
    medians = by_dataset.median()
    lines += [
        f"| **median** | **{_fmt(medians.bohb_test_score_match, 2)} T** "
        f"| {_fmt(medians.random_test_score_match, 2)} T "
        f"| **{_fmt(medians.bohb_cv_score_match, 2)} T** "
        f"| {_fmt(medians.random_cv_score_match, 2)} T | | |",
        "",
        "T is random sampling's search time on the same dataset and seed; "
        "medians over seeds, then over datasets (n/a: never reached).",
        "Test score, BOHB - random, median over seeds (points), at T: "
        + ", ".join(
            f"{d} {100 * (r['bohb@1'] - r['random@1']):+.2f}"
            for d, r in by_dataset.iterrows()
        )
        + "; each at its own end: "
        + ", ".join(
            f"{d} {100 * (r.bohb_final - r.random_final):+.2f}"
            for d, r in by_dataset.iterrows()
        )
        + ".",
        "Runs where BOHB's test score is >= random's at T: "
        f"{int((runs['bohb@1'] >= runs['random@1']).sum())} of {len(runs)} "
        f"(higher: {int((runs['bohb@1'] > runs['random@1']).sum())}); "
        "at their own ends: "
        f"{int((runs.bohb_final >= runs.random_final).sum())} of {len(runs)} "
        f"(higher: {int((runs.bohb_final > runs.random_final).sum())}). "
        "BOHB's search time / random's, median: "
        f"{(runs.bohb_end_cpu / runs.cpu).median():.2f}.",
    ]
    return lines


def summarise_proposals(frame):
    """Model against random proposals within the same brackets of BOHB."""
    first = frame[(frame["iter"] == 0) & (frame.bracket < frame.bracket.max())]
    diffs = []
    for (dataset, _, _), rows in first.groupby(
        ["dataset", "seed", "bracket"], sort=False
    ):
        model = rows[rows.proposed_by == "model"]
        random = rows[rows.proposed_by == "random"]
        if model.empty or random.empty:
            continue
        # Survivors: configurations of the bracket evaluated at the full budget.
        full = frame[
            (frame.dataset == dataset)
            & (frame.seed == rows.seed.iloc[0])
            & (frame.bracket == rows.bracket.iloc[0])
            & (frame.n_resources == MAX_ITER)
        ]
        diffs.append(
            {
                "dataset": dataset,
                "score": 100 * (model.cv_score.mean() - random.cv_score.mean()),
                "worst_model": model.cv_score.min(),
                "worst_random": random.cv_score.min(),
                "fit_time": model.fit_time.mean() / random.fit_time.mean(),
                "n_model": len(model),
                "n_random": len(random),
                "model_full": int((full.proposed_by == "model").sum()),
                "random_full": int((full.proposed_by == "random").sum()),
            }
        )
    if not diffs:
        return ""
    diffs = pd.DataFrame(diffs)
    lines = [
        "| dataset | brackets | model / random proposals | first-rung CV, model - "
        "random (points) | reach max_iter=81, model / random | fit time, "
        "model / random |",
        "|---|---|---|---|---|---|",
    ]
    for dataset, rows in diffs.groupby("dataset", sort=False):
        lines.append(
            f"| {dataset} | {len(rows)} | {rows.n_model.sum()} / "
            f"{rows.n_random.sum()} | {rows.score.mean():+.2f} | "
            f"{rows.model_full.sum()} / {rows.random_full.sum()} | "
            f"{rows.fit_time.mean():.2f} |"
        )
    return "\n".join(lines)


def _step(ax, run_rows, end_time, scale=1.0, **kwargs):
    inc = run_rows[run_rows.event == "incumbent"]
    if inc.empty:
        return
    t = np.r_[inc.cpu_time.to_numpy(), end_time] / scale
    s = np.r_[inc.test_score.to_numpy(), inc.test_score.iloc[-1]]
    ax.step(t, s, where="post", **kwargs)


def _plot_sampler(ax, rows, colours):
    """Incumbent test score minus random's final, against time / random's."""
    grid = np.linspace(0, 1.8, 361)
    ends = rows[rows.event == "end"]
    curves = {"random": [], "bohb": []}
    for seed in sorted(set(ends.seed)):
        random_end = ends[(ends.method == "random") & (ends.seed == seed)]
        if random_end.empty or ends[ends.seed == seed].method.nunique() < 2:
            continue
        scale = float(random_end.cpu_time.iloc[0])
        target = float(random_end.test_score.iloc[0])
        for method in curves:
            run_rows = rows[(rows.method == method) & (rows.seed == seed)]
            inc = run_rows[run_rows.event == "incumbent"]
            end = float(run_rows[run_rows.event == "end"].cpu_time.iloc[0]) / scale
            t = inc.cpu_time.to_numpy() / scale
            index = np.searchsorted(t, grid, side="right") - 1
            # No incumbent yet is -inf; a finished run keeps its incumbent.
            curve = np.where(
                index >= 0,
                100 * (inc.test_score.to_numpy()[np.maximum(index, 0)] - target),
                -np.inf,
            )
            curves[method].append((curve, end))
            shown = np.where(np.isfinite(curve) & (grid <= end), curve, np.nan)
            ax.plot(grid, shown, color=colours[method], lw=0.6, alpha=0.3)
    for method, label in (("random", "random"), ("bohb", "BOHB")):
        if curves[method]:
            median = np.median([curve for curve, _ in curves[method]], axis=0)
            last = max(end for _, end in curves[method])
            median = np.where(np.isfinite(median) & (grid <= last), median, np.nan)
            ax.plot(grid, median, color=colours[method], lw=2, label=label)
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(0.5, color="grey", lw=0.8, ls="--")


def plot(frame, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = list(dict.fromkeys(frame.dataset))
    fig, axes = plt.subplots(
        2, len(datasets), figsize=(3.2 * len(datasets), 6.4), squeeze=False
    )
    colours = {
        "hyperband": "C0",
        "random_search": "C1",
        "hill_climbing": "C2",
        "bayesian": "C3",
        "random": "C1",
        "bohb": "C0",
    }
    for j, dataset in enumerate(datasets):
        ax = axes[0, j]
        rows = frame[(frame.part == "hyperactive") & (frame.dataset == dataset)]
        hb_end = rows[(rows.method == "hyperband") & (rows.event == "end")]
        if len(hb_end):
            budget = float(hb_end.cpu_time.iloc[0])
            for method, run_rows in rows.groupby("method", sort=False):
                _step(ax, run_rows, budget, color=colours[method], label=NAMES[method])
        ax.set_title(dataset)
        ax.set_xlabel("search CPU seconds")
        ax = axes[1, j]
        rows = frame[(frame.part == "sampler") & (frame.dataset == dataset)]
        _plot_sampler(ax, rows, colours)
        ax.set_xlabel("search time / random's (same seed)")
    axes[0, 0].set_ylabel("test accuracy of incumbent")
    axes[1, 0].set_ylabel("test accuracy - random's final (points)")
    axes[0, 0].legend(fontsize=7)
    axes[1, 0].legend(fontsize=7)
    fig.suptitle(
        "Top: HyperbandOptimizer vs Hyperactive's optimizers (Hyperband's time). "
        "Bottom: HyperbandSearchCV, BOHB vs random sampling, median over seeds "
        "(thin: each seed; dashed: half random's time)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE / "hyperactive_results.csv"))
    parser.add_argument("--plot", default=str(HERE / "hyperactive_anytime.png"))
    parser.add_argument(
        "--part", choices=["all", "hyperactive", "sampler", "proposals"]
    )
    parser.add_argument(
        "--proposals-out", default=str(HERE / "hyperactive_proposals.csv")
    )
    parser.add_argument("--datasets", nargs="*", default=DATASETS)
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--split-seed", type=int, default=0)
    parser.add_argument("--max-train", type=int, default=1000)
    parser.add_argument("--max-test", type=int, default=2000)
    parser.add_argument(
        "--report-only", action="store_true", help="tables and plot from the CSV"
    )
    parser.set_defaults(part="all")
    args = parser.parse_args(argv)

    # One thread: the comparison is of algorithms, and threads fighting over a
    # shared machine distort the clock.
    threadpool_limits(1)
    # The Gaussian process of BayesianOptimizer warns at every fit.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    if not args.report_only:
        run(args)
    frame = pd.read_csv(args.out)
    print(summarise(frame))
    if Path(args.proposals_out).exists():
        print()
        print(summarise_proposals(pd.read_csv(args.proposals_out)))
    if args.plot:
        plot(frame, args.plot)


if __name__ == "__main__":
    main()
