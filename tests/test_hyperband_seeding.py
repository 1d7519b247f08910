"""HyperbandSearchCV(initial_candidates=...): seeded configurations, and get_plan."""

import numpy as np
import pytest
from scipy.stats import uniform
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import LeaveOneGroupOut

from skmeta import HyperbandSearchCV


class Quality(ClassifierMixin, BaseEstimator):
    """Scores its own ``quality`` (with ``_quality``); counts partial_fit passes."""

    def __init__(self, quality=0.0, kind="a"):
        self.quality = quality
        self.kind = kind

    def partial_fit(self, X, y, classes=None):
        self.n_passes_ = getattr(self, "n_passes_", 0) + 1
        self.classes_ = np.asarray(classes)
        return self

    def fit(self, X, y):
        self.n_passes_ = 1
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _quality(estimator, X, y):
    return estimator.quality


@pytest.fixture
def binary():
    return make_classification(
        n_samples=200, n_features=6, n_informative=3, random_state=0
    )


def _search(space, initial, **kwargs):
    return HyperbandSearchCV(
        Quality(),
        space,
        resource="partial_fit",
        max_resources=27,
        min_resources=1,
        scoring=_quality,
        cv=2,
        random_state=0,
        initial_candidates=initial,
        **kwargs,
    )


def test_initial_candidate_is_evaluated_in_every_bracket(binary):
    X, y = binary
    # quality=5 cannot be drawn from uniform(0, 1): only the seed has it.
    search = _search({"quality": uniform(0, 1)}, [{"quality": 5.0}]).fit(X, y)
    results = search.cv_results_
    seeded = np.asarray(results["proposed_by"]) == "initial"
    qualities = np.asarray(results["param_quality"], dtype=float)
    np.testing.assert_array_equal(seeded, qualities == 5.0)
    # R = 27, eta = 3: four brackets of 27, 12, 6 and 4 configurations; the
    # seed is the best of every rung, so it reaches every rung of every bracket.
    assert seeded.sum() == 4 + 3 + 2 + 1
    for s in (3, 2, 1, 0):
        first = (results["bracket"] == s) & (results["iter"] == 0)
        assert (seeded & first).sum() == 1
    assert search.best_params_ == {"quality": 5.0}
    assert search.best_score_ == 5.0
    assert results["n_resources"][search.best_index_] == 27
    # The seed is counted in each bracket's configurations, not added to them.
    assert [b["n_configurations"] for b in search.plan_] == [27, 12, 6, 4]
    assert [b["n_initial"] for b in search.plan_] == [1, 1, 1, 1]
    assert search.best_estimator_.n_passes_ == 27


def test_initial_candidate_may_set_other_estimator_parameters(binary):
    X, y = binary
    search = _search(
        {"quality": uniform(0, 1)}, [{"quality": 5.0, "kind": "b"}, {}]
    ).fit(X, y)
    assert search.best_params_ == {"quality": 5.0, "kind": "b"}
    assert search.best_estimator_.kind == "b"
    # {} is the estimator as given: quality 0, below every drawn value, so it
    # is eliminated at the first rung of the brackets with several rungs.
    results = search.cv_results_
    empty = [i for i, p in enumerate(results["params"]) if p == {}]
    assert len(empty) == 4
    assert all(results["iter"][i] == 0 for i in empty)


def _first_rungs(search):
    """``(qualities, proposed_by)`` of the first rung of each bracket."""
    results = search.cv_results_
    for s in np.unique(results["bracket"]):
        first = (results["bracket"] == s) & (results["iter"] == 0)
        yield (
            [float(v) for v in results["param_quality"][first]],
            list(np.asarray(results["proposed_by"])[first]),
        )


def test_grid_smaller_than_bracket_does_not_repeat_a_seed(binary):
    X, y = binary
    grid = {"quality": [0.1, 0.2, 0.3, 0.4]}
    search = _search(grid, [{"quality": 0.3}]).fit(X, y)
    for values, sources in _first_rungs(search):
        values, sources = sorted(values), sorted(sources)
        # Brackets of 27, 12 and 6 are capped at the 4 grid points; the last
        # samples 4 anyway: each grid point exactly once, the seed among them.
        assert values == [0.1, 0.2, 0.3, 0.4]
        assert sources == ["initial", "random", "random", "random"]


def test_seed_outside_the_grid_takes_a_place_of_the_grid(binary):
    X, y = binary
    grid = {"quality": [0.1, 0.2, 0.3, 0.4]}
    search = _search(grid, [{"quality": 0.9}]).fit(X, y)
    for values, sources in _first_rungs(search):
        assert sources[0] == "initial"
        assert len(values) == 4 and len(set(values)) == 4
        assert values[0] == 0.9
        assert set(values[1:]) < {0.1, 0.2, 0.3, 0.4}
    assert search.best_params_ == {"quality": 0.9}


def test_small_bracket_takes_the_first_seeds(binary):
    X, y = binary
    seeds = [{"quality": 10.0 + i} for i in range(5)]
    search = _search({"quality": uniform(0, 1)}, seeds)
    plan = search.get_plan()
    # Brackets of 27, 12, 6 and 4: the last takes the first four seeds.
    assert [b["n_initial"] for b in plan] == [5, 5, 5, 4]
    search.fit(X, y)
    results = search.cv_results_
    last = (results["bracket"] == 0) & (results["iter"] == 0)
    assert [float(q) for q in results["param_quality"][last]] == [10, 11, 12, 13]
    assert list(np.asarray(results["proposed_by"])[last]) == ["initial"] * 4


def test_seeded_search_is_deterministic(binary):
    X, y = binary

    def run(random_state):
        return (
            _search({"quality": uniform(0, 1)}, [{"quality": 0.5}], sampler="bohb")
            .set_params(random_state=random_state)
            .fit(X, y)
        )

    first, second, other = run(0), run(0), run(1)
    assert first.cv_results_["params"] == second.cv_results_["params"]
    assert first.cv_results_["params"] != other.cv_results_["params"]
    assert first.cv_results_["params"][0] == {"quality": 0.5}


@pytest.mark.parametrize(
    "initial, kwargs, error, match",
    [
        ([{"qualty": 1.0}], {}, ValueError, r"sets \['qualty'\], which are neither"),
        ([{"quality": 1.0}, 0.5], {}, TypeError, r"initial_candidates\[1\] is 0.5"),
        (
            [{"quality": float(q)} for q in range(28)],
            {},
            ValueError,
            "has 28 configurations, but the largest bracket of this plan has 27",
        ),
    ],
)
def test_bad_initial_candidates(binary, initial, kwargs, error, match):
    X, y = binary
    search = _search({"quality": uniform(0, 1)}, initial, **kwargs)
    with pytest.raises(error, match=match):
        search.fit(X, y)
    with pytest.raises(error, match=match):
        search.get_plan()


def test_initial_candidate_may_not_set_the_resource(binary):
    X, y = binary
    search = HyperbandSearchCV(
        SGDClassifier(),
        {"alpha": uniform(1e-4, 1e-2)},
        resource="max_iter",
        max_resources=9,
        initial_candidates=[{"alpha": 1e-3, "max_iter": 5}],
    )
    with pytest.raises(ValueError, match="sets the resource 'max_iter'"):
        search.fit(X, y)


def test_get_plan_takes_groups_like_fit(binary):
    X, y = binary
    groups = np.arange(len(X)) % 10
    search = HyperbandSearchCV(
        LogisticRegression(), {"C": uniform(0.1, 10)}, cv=LeaveOneGroupOut()
    )
    with pytest.raises(ValueError, match="groups"):
        search.get_plan(X, y)
    plan = search.get_plan(X, y, groups=groups)
    # Ten splits and two classes: min_resources = 2 * 10 * 2 = 40 samples of
    # 200, so s_max = 1 (40 * 3 <= 200 < 40 * 9): budgets 66 then 200.
    assert [b["rungs"] for b in plan] == [[(3, 66), (1, 200)], [(2, 200)]]
    search.fit(X, y, groups=groups)
    assert search.plan_ == plan
    assert search.min_resources_ == 40
