"""Should the verified head mix the meta-model's picks with a static portfolio?

``MetaModelSelector`` cross-validates the first ``n_verify`` configurations of the
family-diverse order of its ranking. Ten default and twenty shared configurations
are measured on every dataset of the knowledge base, which allows another source
of candidates: a *portfolio*, chosen greedily on the training datasets so that
each configuration added lowers most the mean normalised regret of the best of
the set (as auto-sklearn 2 builds its portfolio). The configurations the
meta-model misjudges on a dataset are often those a robust portfolio covers.

This compares, on out-of-fold predictions of the shipped meta-model (the study's
grouped folds and ``--repeats`` shuffled assignments of the near-duplicate
groups, the portfolio chosen on each training fold), the normalised regret@k of

- ``diverse``: the family-diverse order (shipped);
- ``portfolio``: the portfolio alone (no meta-model);
- ``diverse m + portfolio``: the first ``m`` of the family-diverse order, then the
  portfolio's configurations in greedy order, skipping those already taken.

Run from the project root (about 2 minutes per assignment and task on one core)::

    python benchmarks/verification_portfolio.py --task classification

Writes ``benchmarks/meta_model/verification_portfolio_<task>.csv``.
"""

import argparse
import time

import numpy as np
import pandas as pd
from meta_model_fold_noise import fold_assignments
from meta_model_variants import OUT
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from skmeta.metalearning import load_knowledge_base
from skmeta.metalearning._meta_model import (
    DEFAULT_META_REGRESSOR,
    DEFAULT_TARGETS,
    build_meta_dataset,
    make_meta_regressor,
)
from skmeta.metalearning._selector import family_diverse_order

KS = (1, 3, 5)


def common_configs(kb):
    """Configurations measured on every dataset of ``kb``."""
    ok = kb.experiments[kb.experiments["status"] == "ok"]
    counts = ok.groupby("config_id")["dataset_id"].nunique()
    return set(counts.index[counts == ok["dataset_id"].nunique()])


def greedy_portfolio(meta, rows, candidates, size):
    """``size`` configurations of ``candidates`` chosen greedily on ``rows``: each
    lowers most the mean over datasets of 1 - the best normalised score of the
    set so far."""
    frame = pd.DataFrame(
        {
            "dataset": meta.dataset_id[rows],
            "config": meta.config_id[rows],
            "score": meta.normalised[rows],
        }
    )
    table = frame[frame["config"].isin(candidates)].pivot_table(
        index="dataset", columns="config", values="score"
    )
    scores = table.to_numpy(float)
    best = np.zeros(len(table))
    chosen = []
    for _ in range(size):
        gain = np.nanmean(np.fmax(scores, best[:, None]), axis=0)
        gain[[table.columns.get_loc(c) for c in chosen]] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(table.columns[pick])
        best = np.fmax(best, np.nan_to_num(scores[:, pick], nan=0.0))
    return chosen


def _heads(order, families, configs, portfolio, k):
    """The first ``k`` positions of every rule, as indices into ``order``'s range."""
    diverse = family_diverse_order(order, families[order])
    position = {c: i for i, c in enumerate(configs)}
    from_portfolio = [position[c] for c in portfolio if c in position]
    heads = {"diverse": diverse[:k], "portfolio": from_portfolio[:k]}
    for m in range(1, k):
        head = list(diverse[:m])
        head += [i for i in from_portfolio if i not in head][: k - m]
        heads[f"diverse {m} + portfolio"] = head
    return heads


def regrets(meta, predicted, portfolios):
    """Normalised regret@k of every rule, one row per (dataset, k)."""
    rows = []
    for dataset in np.unique(meta.dataset_id):
        mask = meta.dataset_id == dataset
        measured = meta.raw[mask]
        span = measured.max() - measured.min()
        order = np.argsort(-predicted[mask], kind="stable")
        for k in KS:
            heads = _heads(
                order, meta.family[mask], meta.config_id[mask], portfolios[dataset], k
            )
            for rule, head in heads.items():
                regret = measured.max() - measured[np.asarray(head, int)].max()
                rows.append(
                    {
                        "dataset": dataset,
                        "k": k,
                        "rule": rule,
                        "regret": regret / span if span > 0 else 0.0,
                    }
                )
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="classification")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--n-splits", type=int, default=10)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    threadpool_limits(1)
    task = args.task
    kb = load_knowledge_base(task)
    meta = build_meta_dataset(kb, task)
    candidates = common_configs(kb)
    target = DEFAULT_TARGETS[task]
    y = np.asarray(meta.normalised if target == "normalised" else meta.raw, float)
    model = make_meta_regressor(DEFAULT_META_REGRESSOR, task=task)
    assignments = fold_assignments(meta, args.n_splits, args.repeats)
    tables = []
    for folds_name, folds in assignments.items():
        start = time.perf_counter()
        predicted = np.full(len(y), np.nan)
        portfolios = {}
        for train, test in folds:
            fitted = clone(model).fit(meta.X.iloc[train], y[train])
            predicted[test] = fitted.predict(meta.X.iloc[test])
            portfolio = greedy_portfolio(meta, train, candidates, max(KS))
            portfolios.update(
                dict.fromkeys(np.unique(meta.dataset_id[test]), portfolio)
            )
        per_dataset = regrets(meta, predicted, portfolios)
        tables.append(
            per_dataset.groupby(["k", "rule"], sort=False)["regret"]
            .agg(["median", "mean"])
            .reset_index()
            .assign(folds=folds_name)
        )
        print(f"{folds_name}: {time.perf_counter() - start:.0f} s", flush=True)
    frame = pd.concat(tables, ignore_index=True)
    mean = (
        frame.groupby(["k", "rule"], sort=False)[["median", "mean"]]
        .mean()
        .reset_index()
        .assign(folds="mean")
    )
    frame = pd.concat([frame, mean], ignore_index=True).assign(task=task)
    frame = frame[["task", "folds", "k", "rule", "median", "mean"]].round(4)
    frame.to_csv(args.out or OUT / f"verification_portfolio_{task}.csv", index=False)
    print(frame[frame["folds"] == "mean"].to_string(index=False))


if __name__ == "__main__":
    main()
