"""How a performance predictor is judged: split by dataset, ranking metrics, baselines.

Every method (the meta-model, each baseline) gives, for each test dataset, a score
per configuration evaluated on it (NaN: the method does not rank that
configuration). The metrics compare that ranking with the measured scores:
Spearman, top-1 and normalised regret, regret@k, NDCG@k; the closed gap compares a
method's regret with that of the single best configuration of the training datasets.
"""

import math
import warnings

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut
from sklearn.utils import Bunch

from ._knowledge_base import load_knowledge_base
from ._meta_model import (
    DEFAULT_META_REGRESSOR,
    MF_PREFIX,
    TARGETS,
    build_meta_dataset,
    check_knowledge_base_task,
    make_meta_regressor,
    resolve_knowledge_base,
    resolve_target,
)

# Meta-features of the "size only" baseline: rows, columns, classes.
SIZE_METAFEATURES = ("nr_inst", "nr_attr", "nr_class")


def _ranked_order(predicted):
    """Positions of the ranked (non-NaN) predictions, best first, ties by position."""
    predicted = np.asarray(predicted, dtype=float)
    ranked = np.flatnonzero(~np.isnan(predicted))
    return ranked[np.argsort(-predicted[ranked], kind="stable")]


def ranking_metrics(measured, predicted, k=5):
    """Ranking metrics of one dataset.

    Parameters
    ----------
    measured : array-like of shape (n_configs,)
        Measured scores of the dataset's configurations, greater is better.
    predicted : array-like of shape (n_configs,)
        A method's scores for them; NaN for a configuration it does not rank.
        Ranked configurations come first, by decreasing prediction (ties keep
        their order); regret@k and NDCG@k read only ranked ones.
    k : int, default=5

    Returns
    -------
    dict
        ``spearman`` (between measured and predicted over the ranked
        configurations; NaN with fewer than 3 or constant predictions),
        ``regret`` (best measured minus the measured score of the first ranked),
        ``normalised_regret`` (divided by max - min of the measured scores; 0 when
        all are equal), ``regret_at_k`` and ``normalised_regret_at_k`` (best
        measured minus the best measured among the first k ranked), ``ndcg_at_k``
        (relevance: the min-max normalised measured score).
    """
    measured = np.asarray(measured, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    order = _ranked_order(predicted)
    if len(order) == 0:
        raise ValueError("The method ranks none of the dataset's configurations.")
    best, worst = measured.max(), measured.min()
    span = best - worst
    regret = best - measured[order[0]]
    regret_k = best - measured[order[:k]].max()
    relevance = (measured - worst) / span if span > 0 else np.ones_like(measured)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gains = relevance[order[:k]]
    ideal = np.sort(relevance)[::-1][:k]
    ndcg = float(
        np.dot(gains, discounts[: len(gains)]) / np.dot(ideal, discounts[: len(ideal)])
    )
    ranked = ~np.isnan(predicted)
    spearman = np.nan
    if (
        ranked.sum() >= 3
        and np.ptp(predicted[ranked]) > 0
        and np.ptp(measured[ranked]) > 0
    ):
        spearman = float(spearmanr(measured[ranked], predicted[ranked])[0])
    return {
        "spearman": spearman,
        "regret": float(regret),
        "normalised_regret": float(regret / span) if span > 0 else 0.0,
        "regret_at_k": float(regret_k),
        "normalised_regret_at_k": float(regret_k / span) if span > 0 else 0.0,
        "ndcg_at_k": ndcg,
    }


def random_ranking_metrics(measured, k=5):
    """The expected :func:`ranking_metrics` of a uniformly random ranking.

    Exact, not sampled: the best of ``k`` configurations drawn without replacement
    is the i-th smallest of n with probability C(i-1, k-1) / C(n, k); every
    position of a random ranking holds the mean relevance; Spearman is 0.

    Parameters
    ----------
    measured : array-like of shape (n_configs,)
    k : int, default=5

    Returns
    -------
    dict
        The keys of :func:`ranking_metrics`.
    """
    values = np.sort(np.asarray(measured, dtype=float))
    n = len(values)
    best, worst = values[-1], values[0]
    span = best - worst
    kk = min(k, n)
    weights = np.array([math.comb(i, kk - 1) for i in range(n)], dtype=float)
    expected_best_k = float(np.dot(weights, values) / math.comb(n, kk))
    regret = best - values.mean()
    regret_k = best - expected_best_k
    relevance = (values - worst) / span if span > 0 else np.ones(n)
    discounts = 1.0 / np.log2(np.arange(2, kk + 2))
    ideal = np.sort(relevance)[::-1][:kk]
    ndcg = float(relevance.mean() * discounts.sum() / np.dot(ideal, discounts))
    return {
        "spearman": 0.0,
        "regret": float(regret),
        "normalised_regret": float(regret / span) if span > 0 else 0.0,
        "regret_at_k": float(regret_k),
        "normalised_regret_at_k": float(regret_k / span) if span > 0 else 0.0,
        "ndcg_at_k": ndcg,
    }


def closed_gap(regret, single_best_regret, aggregate="median"):
    """Share of the single best configuration's regret that a method closes.

    Per test dataset, ``(loss(single best) - loss(method)) / (loss(single best) -
    loss(oracle))``: with the per-dataset oracle's regret 0 this is
    ``(regret(single best) - regret(method)) / regret(single best)``, the same for
    raw and normalised regrets. 0 is no better than one fixed configuration, 1 is
    the oracle, negative is worse than the fixed configuration. A dataset where
    the single best is the oracle has no gap to close: its value is NaN and
    it is left out of the aggregate.

    Parameters
    ----------
    regret : array-like of shape (n_datasets,)
        The method's regrets, one per test dataset.
    single_best_regret : array-like of shape (n_datasets,)
        The single best configuration's, on the same datasets.
    aggregate : {"median", "mean", "none", "of_means"}, default="median"
        ``"median"`` or ``"mean"`` of the per-dataset values (NaN ignored);
        ``"none"`` returns them; ``"of_means"`` applies the formula once to the
        mean regrets instead (a ratio of means, dominated by the datasets with
        the largest regrets).

    Returns
    -------
    float or ndarray of shape (n_datasets,)
        NaN when no dataset has a gap to close.
    """
    regret = np.asarray(regret, dtype=float)
    reference = np.asarray(single_best_regret, dtype=float)
    if regret.shape != reference.shape:
        raise ValueError(
            f"regret has shape {regret.shape} but single_best_regret has shape "
            f"{reference.shape}; pass one value of each per test dataset."
        )
    if aggregate == "of_means":
        mean_reference = float(np.mean(reference))
        if mean_reference <= 0:
            return np.nan
        return (mean_reference - float(np.mean(regret))) / mean_reference
    has_gap = reference > 0
    gaps = np.full(regret.shape, np.nan)
    gaps[has_gap] = (reference[has_gap] - regret[has_gap]) / reference[has_gap]
    if aggregate == "none":
        return gaps
    if aggregate not in ("median", "mean"):
        raise ValueError(
            f"aggregate must be 'median', 'mean', 'none' or 'of_means'; got "
            f"{aggregate!r}."
        )
    if not has_gap.any():
        return np.nan
    return float(np.nanmedian(gaps) if aggregate == "median" else np.nanmean(gaps))


def dataset_folds(meta, n_splits=None):
    """Train/test row positions, split by group of near-duplicate datasets.

    Parameters
    ----------
    meta : Bunch
        A meta-dataset (see ``build_meta_dataset``).
    n_splits : int, default=None
        None: leave one group out (each near-duplicate group is a test fold);
        otherwise ``GroupKFold(n_splits)`` on the groups.

    Returns
    -------
    list of (ndarray, ndarray)
    """
    groups = np.asarray(meta.group_id)
    cv = LeaveOneGroupOut() if n_splits is None else GroupKFold(n_splits)
    return list(cv.split(meta.X, groups=groups))


def out_of_fold_predictions(
    meta, meta_regressor, folds, target="normalised", columns=None
):
    """Predictions of a meta-regressor for every row, each from a fit that never
    saw the row's group.

    Parameters
    ----------
    meta : Bunch
    meta_regressor : estimator
    folds : list of (ndarray, ndarray)
    target : {"normalised", "raw"}, default="normalised"
    columns : list of str, default=None
        Train on these columns of ``meta.X`` only (all when None).

    Returns
    -------
    ndarray of shape (n_rows,)
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}; got {target!r}.")
    y = np.asarray(meta.normalised if target == "normalised" else meta.raw)
    X = meta.X if columns is None else meta.X[columns]
    out = np.full(len(y), np.nan)
    for train, test in folds:
        model = clone(meta_regressor).fit(X.iloc[train], y[train])
        out[test] = model.predict(X.iloc[test])
    return out


def _single_best(meta, train, min_coverage=0.5):
    """Mean normalised score on the training datasets of every configuration run
    on at least ``min_coverage`` of them (NaN for the others)."""
    frame = pd.DataFrame(
        {
            "config": meta.config_id[train],
            "dataset": meta.dataset_id[train],
            "score": meta.normalised[train],
        }
    )
    n_datasets = frame["dataset"].nunique()
    stats = frame.groupby("config")["score"].agg(["mean", "size"])
    stats = stats[stats["size"] >= min_coverage * n_datasets]
    return stats["mean"]


def _baseline_predictions(meta, folds, metafeatures, k):
    """Out-of-fold scores of the baselines that need no meta-regressor."""
    n = len(meta.config_id)
    out = {
        "single_best": np.full(n, np.nan),
        "nearest_datasets_warm_start": np.full(n, np.nan),
    }
    families = sorted(set(meta.family))
    from ._search_space import SearchSpace, config_id

    space = SearchSpace(meta.task)
    default_ids = {
        c["family"]: config_id(c) for c in space.defaults() if c["family"] in families
    }
    for family, cid in default_ids.items():
        out[f"default:{family}"] = np.where(meta.config_id == cid, 1.0, np.nan)
    mf = metafeatures
    for train, test in folds:
        means = _single_best(meta, train)
        out["single_best"][test] = (
            pd.Series(meta.config_id[test]).map(means).to_numpy(float)
        )
        # auto-sklearn 1: min-max scale on the training datasets, L1 distance, each
        # neighbour's best configuration, nearest neighbour first.
        train_datasets = np.unique(meta.dataset_id[train])
        scaled = mf.loc[train_datasets]
        low, high = scaled.min(), scaled.max()
        span = (high - low).where(high > low, 1.0)
        train_scaled = ((scaled - low) / span).fillna(0.5)
        best_of = pd.DataFrame(
            {
                "dataset": meta.dataset_id[train],
                "config": meta.config_id[train],
                "score": meta.normalised[train],
            }
        )
        for dataset in np.unique(meta.dataset_id[test]):
            rows = test[meta.dataset_id[test] == dataset]
            query = ((mf.loc[dataset] - low) / span).fillna(0.5)
            distance = (
                (train_scaled - query).abs().sum(axis=1).sort_values(kind="stable")
            )
            available = set(meta.config_id[rows])
            ranked = []
            for neighbour in distance.index:
                theirs = best_of[
                    (best_of["dataset"] == neighbour)
                    & best_of["config"].isin(available)
                ]
                if len(theirs) == 0:
                    continue
                choice = theirs.loc[theirs["score"].idxmax(), "config"]
                if choice not in ranked:
                    ranked.append(choice)
                if len(ranked) >= k:
                    break
            position = {cid: len(ranked) - i for i, cid in enumerate(ranked)}
            out["nearest_datasets_warm_start"][rows] = (
                pd.Series(meta.config_id[rows]).map(position).to_numpy(float)
            )
    return out


def evaluate_meta_model(
    knowledge_base="default",
    task="classification",
    meta_regressor=None,
    *,
    scoring=None,
    target="auto",
    n_splits=None,
    k=5,
    baselines=True,
    meta=None,
):
    """Evaluate a meta-model on a knowledge base, split by dataset, with baselines.

    Each near-duplicate group of datasets is held out in turn (or one of
    ``n_splits`` grouped folds); the meta-model is trained on the other datasets
    and ranks the configurations evaluated on the held-out ones. Metrics are
    computed per test dataset (see :func:`ranking_metrics`) for the meta-model and
    the baselines, then summarised by their mean and median.

    Parameters
    ----------
    knowledge_base : str or path-like or Bunch, default="default"
        ``"default"``, the folder of a store, or a Bunch returned by
        :func:`load_knowledge_base` (e.g. a slice of one).
    task : {"classification", "regression"}, default="classification"
    meta_regressor : estimator, default=None
        The meta-model's regressor; the default meta-model's when None.
    scoring : str, default=None
        Which measured score (see :class:`MetaModelSelector`).
    target : {"auto", "normalised", "raw"}, default="auto"
        What the meta-regressor learns; ``"auto"`` is the default meta-model's
        choice for ``task`` (see :class:`MetaModelSelector`).
    n_splits : int, default=None
        None for leave-one-group-out; else that many grouped folds (faster).
    k : int, default=5
        The ``k`` of regret@k and NDCG@k.
    baselines : bool, default=True
        Also evaluate each family's defaults, the single best configuration of the
        training datasets, random configurations (exact expectation), auto-sklearn
        1's nearest-dataset warm start, FLAML's zero-shot defaults when FLAML is
        installed, and the same meta-regressor given only the number of rows,
        columns and classes.
    meta : Bunch, default=None
        A meta-dataset already built with ``build_meta_dataset``, to evaluate
        several meta-regressors without rebuilding it (``knowledge_base`` and
        ``scoring`` are then ignored).

    Returns
    -------
    Bunch
        ``per_dataset``: DataFrame, one row per (method, test dataset) with the
        metrics and ``closed_gap`` (per dataset; NaN where the single best has no
        regret); ``summary``: DataFrame indexed by method, mean and median of each
        metric (``closed_gap_median`` is the closed gap of the notes and the
        goals: the median over test datasets), and ``closed_gap_of_means``
        (the formula applied once to mean normalised regrets);
        ``predictions``: DataFrame, one row per evaluation, with the measured
        scores and every method's out-of-fold scores; ``skipped``: dict of
        baselines not run and why; ``n_datasets``, ``n_evaluations``,
        ``n_groups``.

    Examples
    --------
    >>> from skmeta.metalearning import evaluate_meta_model
    >>> result = evaluate_meta_model(task="regression", n_splits=5)  # doctest: +SKIP
    >>> result.summary.loc["meta_model", "normalised_regret_median"]  # doctest: +SKIP
    """
    if meta is None:
        if isinstance(knowledge_base, Bunch):
            kb = knowledge_base
        else:
            path = resolve_knowledge_base(knowledge_base, task)
            check_knowledge_base_task(path, task)
            kb = load_knowledge_base(task, path)
        meta = build_meta_dataset(kb, task, scoring)
    regressor = (
        make_meta_regressor(DEFAULT_META_REGRESSOR, task=task)
        if meta_regressor is None
        else meta_regressor
    )
    target = resolve_target(target, task)
    folds = dataset_folds(meta, n_splits)
    predictions = {
        "meta_model": out_of_fold_predictions(meta, regressor, folds, target)
    }
    skipped = {}
    if baselines:
        predictions.update(_baseline_predictions(meta, folds, meta.metafeatures, k))
        size_columns = [
            MF_PREFIX + name for name in SIZE_METAFEATURES if MF_PREFIX + name in meta.X
        ]
        config_columns = [c for c in meta.X.columns if not c.startswith(MF_PREFIX)]
        predictions["size_only_meta_model"] = out_of_fold_predictions(
            meta, regressor, folds, target, columns=size_columns + config_columns
        )
        try:
            import flaml  # noqa: F401
        except ImportError:
            skipped["flaml_zero_shot"] = "FLAML is not installed (pip install flaml)"
        else:
            skipped["flaml_zero_shot"] = (
                "FLAML is installed, but its zero-shot portfolios recommend LightGBM, "
                "XGBoost and random-forest settings outside skmeta's search space, so "
                "their measured scores are not in the knowledge base"
            )
    rows = []
    for dataset in np.unique(meta.dataset_id):
        mask = meta.dataset_id == dataset
        measured = meta.raw[mask]
        for method, scores in predictions.items():
            if np.all(np.isnan(scores[mask])):
                continue
            rows.append(
                {
                    "method": method,
                    "dataset_id": dataset,
                    **ranking_metrics(measured, scores[mask], k),
                }
            )
        if baselines:
            rows.append(
                {
                    "method": "random",
                    "dataset_id": dataset,
                    **random_ranking_metrics(measured, k),
                }
            )
    per_dataset = pd.DataFrame(rows)
    if baselines:
        reference = per_dataset[per_dataset["method"] == "single_best"].set_index(
            "dataset_id"
        )["normalised_regret"]
        per_dataset["closed_gap"] = closed_gap(
            per_dataset["normalised_regret"],
            per_dataset["dataset_id"].map(reference),
            aggregate="none",
        )
    metrics = [c for c in per_dataset.columns if c not in ("method", "dataset_id")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        summary = per_dataset.groupby("method")[metrics].agg(["mean", "median"])
    summary.columns = [f"{metric}_{stat}" for metric, stat in summary.columns]
    summary["n_datasets"] = per_dataset.groupby("method").size()
    if baselines:
        # The goal's closed gap is the median of the per-dataset values
        # (closed_gap_median); the ratio of mean regrets is kept for comparison
        # with earlier reports.
        summary["closed_gap_of_means"] = [
            closed_gap(
                per_dataset.loc[per_dataset["method"] == m]
                .set_index("dataset_id")["normalised_regret"]
                .reindex(reference.index),
                reference,
                aggregate="of_means",
            )
            for m in summary.index
        ]
    frame = pd.DataFrame(
        {
            "dataset_id": meta.dataset_id,
            "group_id": meta.group_id,
            "config_id": meta.config_id,
            "family": meta.family,
            "measured": meta.raw,
            "measured_normalised": meta.normalised,
            **{f"pred:{m}": p for m, p in predictions.items()},
        }
    )
    return Bunch(
        per_dataset=per_dataset,
        summary=summary.sort_values("normalised_regret_mean"),
        predictions=frame,
        skipped=skipped,
        n_datasets=int(len(np.unique(meta.dataset_id))),
        n_groups=int(len(np.unique(meta.group_id))),
        n_evaluations=int(len(meta.raw)),
    )
