"""The meta-model's evaluation: metrics against hand computations, splits, baselines."""

import math

import numpy as np
import pandas as pd
import pytest

from skmeta.metalearning import (
    closed_gap,
    evaluate_meta_model,
    random_ranking_metrics,
    ranking_metrics,
)
from skmeta.metalearning._meta_evaluation import dataset_folds
from skmeta.metalearning._meta_model import build_meta_dataset, make_meta_regressor
from skmeta.metalearning._toy import make_toy_knowledge_base

MEASURED = np.array([0.9, 0.7, 0.8, 0.5])


def test_ranking_metrics_by_hand():
    # Predicted order: config 1 (0.7), then 3 (0.5), then 2 (0.8), then 0 (0.9).
    predicted = np.array([0.1, 0.9, 0.2, 0.5])
    m = ranking_metrics(MEASURED, predicted, k=2)
    # best 0.9, first pick 0.7: regret 0.2 over a span of 0.4.
    assert m["regret"] == pytest.approx(0.2)
    assert m["normalised_regret"] == pytest.approx(0.5)
    # Best of the first two (0.7, 0.5) is 0.7.
    assert m["regret_at_k"] == pytest.approx(0.2)
    assert m["normalised_regret_at_k"] == pytest.approx(0.5)
    # Ranks: measured (4, 2, 3, 1), predicted (1, 4, 2, 3): d^2 = 9+4+1+4 = 18,
    # rho = 1 - 6 * 18 / (4 * 15) = -0.8.
    assert m["spearman"] == pytest.approx(-0.8)
    # Relevance (x - 0.5) / 0.4: (1, 0.5, 0.75, 0). DCG@2 = 0.5 + 0 / log2(3);
    # ideal = 1 + 0.75 / log2(3).
    assert m["ndcg_at_k"] == pytest.approx(0.5 / (1 + 0.75 / math.log2(3)))


def test_ranking_metrics_perfect_and_unranked():
    perfect = ranking_metrics(MEASURED, MEASURED, k=3)
    assert perfect["regret"] == 0
    assert perfect["spearman"] == pytest.approx(1.0)
    assert perfect["ndcg_at_k"] == pytest.approx(1.0)
    # A method that ranks only config 2: its pick is 0.8; regret@k reads ranked ones
    # only, and Spearman needs three ranked configurations.
    single = ranking_metrics(MEASURED, [np.nan, np.nan, 1.0, np.nan], k=3)
    assert single["regret"] == pytest.approx(0.1)
    assert single["regret_at_k"] == pytest.approx(0.1)
    assert np.isnan(single["spearman"])
    with pytest.raises(ValueError, match="ranks none"):
        ranking_metrics(MEASURED, [np.nan] * 4)


def test_ranking_metrics_all_equal():
    m = ranking_metrics([0.5, 0.5, 0.5], [3, 2, 1])
    assert m["normalised_regret"] == 0
    assert np.isnan(m["spearman"])


def test_random_ranking_metrics_by_hand():
    m = random_ranking_metrics(MEASURED, k=2)
    # Expected pick: the mean 0.725.
    assert m["regret"] == pytest.approx(0.9 - 0.725)
    # Best of 2 of {0.5, 0.7, 0.8, 0.9}: the six pairs' maxima are
    # 0.7, 0.8, 0.9, 0.8, 0.9, 0.9 -> mean 5.0 / 6.
    assert m["regret_at_k"] == pytest.approx(0.9 - 5.0 / 6)
    assert m["spearman"] == 0
    # Every position holds the mean relevance (1 + 0.5 + 0.75 + 0) / 4.
    discounts = 1 + 1 / math.log2(3)
    assert m["ndcg_at_k"] == pytest.approx(
        0.5625 * discounts / (1 + 0.75 / math.log2(3))
    )


def test_random_ranking_matches_simulation():
    rng = np.random.RandomState(0)
    measured = rng.uniform(size=7)
    draws = [ranking_metrics(measured, rng.permutation(7), k=3) for _ in range(3000)]
    expected = random_ranking_metrics(measured, k=3)
    for key in ("regret", "regret_at_k", "ndcg_at_k"):
        simulated = np.mean([d[key] for d in draws])
        assert simulated == pytest.approx(expected[key], abs=0.02)


def test_closed_gap_by_hand():
    # Per dataset (the notes' definition): the single best loses 0.1 and 0.3, the
    # method 0.0 and 0.1, closing (0.1 - 0) / 0.1 = 1 and (0.3 - 0.1) / 0.3 = 2/3.
    gaps = closed_gap([0.0, 0.1], [0.1, 0.3], aggregate="none")
    assert gaps == pytest.approx([1.0, 2 / 3])
    assert closed_gap([0.0, 0.1], [0.1, 0.3]) == pytest.approx((1 + 2 / 3) / 2)
    assert closed_gap([0.0, 0.1], [0.1, 0.3], aggregate="mean") == pytest.approx(5 / 6)
    # The median of three: gaps 1, 0 and -1 (twice the single best's regret).
    assert closed_gap([0.0, 0.2, 0.4], [0.1, 0.2, 0.2]) == pytest.approx(0.0)
    # Applied once to the mean regrets: (0.2 - 0.05) / 0.2.
    assert closed_gap([0.0, 0.1], [0.1, 0.3], aggregate="of_means") == pytest.approx(
        0.75
    )
    assert closed_gap([0.1, 0.3], [0.1, 0.3]) == 0
    assert closed_gap([0.2, 0.4], [0.1, 0.3], aggregate="of_means") == pytest.approx(
        -0.5
    )
    # Where the single best is the oracle there is no gap to close: left out.
    assert closed_gap([0.1, 0.05], [0.0, 0.1]) == pytest.approx(0.5)
    assert np.isnan(closed_gap([0.1], [0.0]))
    assert np.isnan(closed_gap([0.1], [0.0], aggregate="of_means"))
    with pytest.raises(ValueError, match="aggregate must be"):
        closed_gap([0.1], [0.2], aggregate="max")
    with pytest.raises(ValueError, match="one value of each"):
        closed_gap([0.1, 0.2], [0.2])


@pytest.fixture(scope="module")
def toy_kb(tmp_path_factory):
    return make_toy_knowledge_base(
        tmp_path_factory.mktemp("kb") / "regression", "regression", n_datasets=6
    )


def test_folds_never_split_a_group(toy_kb):
    from skmeta.metalearning import load_knowledge_base

    meta = build_meta_dataset(load_knowledge_base("regression", toy_kb), "regression")
    folds = dataset_folds(meta)
    # The toy knowledge base pairs its datasets into groups.
    assert len(folds) == len(np.unique(meta.group_id)) == 3
    for train, test in folds:
        assert not set(meta.group_id[train]) & set(meta.group_id[test])
        assert not set(meta.dataset_id[train]) & set(meta.dataset_id[test])
    assert len(dataset_folds(meta, n_splits=2)) == 2


def test_meta_dataset_normalisation(toy_kb):
    from skmeta.metalearning import load_knowledge_base

    meta = build_meta_dataset(load_knowledge_base("regression", toy_kb), "regression")
    frame = pd.DataFrame({"d": meta.dataset_id, "n": meta.normalised})
    assert (frame.groupby("d")["n"].min() == 0).all()
    assert (frame.groupby("d")["n"].max() == 1).all()
    assert any(c.startswith("mf:") for c in meta.X.columns)
    assert "family=ridge" in meta.X.columns


def test_evaluate_meta_model(toy_kb):
    result = evaluate_meta_model(
        toy_kb, "regression", make_meta_regressor("random_forest"), n_splits=3
    )
    summary = result.summary
    expected = {
        "meta_model",
        "single_best",
        "random",
        "nearest_datasets_warm_start",
        "size_only_meta_model",
        "default:ridge",
        "default:mlp",
    }
    assert expected <= set(summary.index)
    assert result.n_datasets == 6 and result.n_groups == 3
    assert (summary["n_datasets"] == 6).all()
    assert summary.loc["single_best", "closed_gap_median"] == 0
    assert summary.loc["single_best", "closed_gap_of_means"] == 0
    # The summary's closed gap is the median of the per-dataset values.
    mine = result.per_dataset[result.per_dataset["method"] == "meta_model"]
    assert summary.loc["meta_model", "closed_gap_median"] == pytest.approx(
        mine["closed_gap"].median()
    )
    assert "flaml_zero_shot" in result.skipped
    # The formula behind the toy scores favours flexible families on every dataset,
    # which the meta-model must find from data: it beats random choice.
    assert (
        summary.loc["meta_model", "normalised_regret_mean"]
        < summary.loc["random", "normalised_regret_mean"]
    )
    assert set(result.predictions.columns) >= {"measured", "pred:meta_model"}


def test_evaluate_meta_model_wrong_task(toy_kb):
    with pytest.raises(ValueError, match="holds regression experiments"):
        evaluate_meta_model(toy_kb, "classification", n_splits=2)
