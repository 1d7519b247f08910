"""HyperbandOptimizer and SubsampledCvExperiment, with Hyperactive installed."""

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

pytest.importorskip(
    "hyperactive",
    reason="needs the hyperactive extra: pip install -e '.[tests,hyperactive]'",
)

from hyperactive.experiment.bench import Ackley  # noqa: E402
from hyperactive.experiment.func import FunctionExperiment  # noqa: E402
from hyperactive.experiment.integrations import SklearnCvExperiment  # noqa: E402
from hyperactive.integrations.sklearn import OptCV  # noqa: E402
from hyperactive.utils import check_estimator  # noqa: E402
from scipy.stats import uniform  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from skmeta.integrations.hyperactive import (  # noqa: E402
    HyperbandOptimizer,
    SubsampledCvExperiment,
)
from skmeta.model_selection import PartialFitAdapter  # noqa: E402

X_IRIS, Y_IRIS = load_iris(return_X_y=True)


def _cv():
    return StratifiedKFold(3, shuffle=True, random_state=0)


def _tree():
    return DecisionTreeClassifier(random_state=0)


class SpyClassifier(ClassifierMixin, BaseEstimator):
    """Predicts the majority class and records what every fit received.

    ``fits`` is a class attribute because the experiment fits clones.
    """

    fits = []

    def __init__(self, max_iter=1, alpha=0.0):
        self.max_iter = max_iter
        self.alpha = alpha

    def fit(self, X, y):
        SpyClassifier.fits.append((self.max_iter, len(X)))
        self.classes_, counts = np.unique(y, return_counts=True)
        self.majority_ = self.classes_[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


@pytest.fixture
def spy():
    SpyClassifier.fits = []
    yield SpyClassifier
    SpyClassifier.fits = []


def _budget_function(params):
    """A smooth objective whose optimum is x = 0.3, for a known budget name."""
    return -((params["x"] - 0.3) ** 2) - 1.0 / params["budget"]


def test_check_estimator_optimizer():
    results = check_estimator(HyperbandOptimizer, raise_exceptions=True, verbose=False)
    assert results
    assert set(results.values()) == {"PASSED"}


def test_check_estimator_experiment():
    results = check_estimator(
        SubsampledCvExperiment, raise_exceptions=True, verbose=False
    )
    assert set(results.values()) == {"PASSED"}


def test_import_skmeta_does_not_import_hyperactive():
    code = (
        "import sys, skmeta, skmeta.integrations; "
        "assert 'hyperactive' not in sys.modules, 'hyperactive was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_table_1_of_the_paper():
    # Li et al. (2018), Table 1 (R=81, eta=3): 143 configurations and 206
    # evaluations; per budget, the n_i of the rungs at that r_i.
    optimizer = HyperbandOptimizer(
        {"x": uniform(0, 1)},
        resource="budget",
        max_resources=81,
        min_resources=1,
        random_state=0,
        experiment=FunctionExperiment(_budget_function),
    )
    optimizer.solve()
    history = optimizer.history_
    assert len(history) == 206
    assert len({row["config_id"] for row in history}) == 143
    assert Counter(row["n_resources"] for row in history) == {
        1: 81,
        3: 27 + 34,
        9: 9 + 11 + 15,
        27: 3 + 3 + 5 + 8,
        81: 1 + 1 + 1 + 2 + 5,
    }


def test_parameter_budget_reaches_the_model(spy):
    experiment = SklearnCvExperiment(spy(), X_IRIS, Y_IRIS, cv=_cv())
    optimizer = HyperbandOptimizer(
        {"alpha": list(np.linspace(0, 1, 20))},
        resource="max_iter",
        max_resources=9,
        min_resources=1,
        random_state=0,
        experiment=experiment,
    )
    best_params = optimizer.solve()
    # R=9, eta=3 by hand: brackets (9,1)(3,3)(1,9) · (5,3)(1,9) · (3,9),
    # every evaluation on 3 folds of 100 training rows.
    assert Counter(spy.fits) == {(1, 100): 9 * 3, (3, 100): 8 * 3, (9, 100): 5 * 3}
    assert best_params["max_iter"] == 9
    assert set(best_params) == {"alpha", "max_iter"}


def test_n_samples_budget_reaches_the_model_inside_optcv(spy):
    optimizer = HyperbandOptimizer(
        {"alpha": [0.0, 0.5, 1.0, 1.5]}, resource="n_samples", random_state=0
    )
    search = OptCV(spy(), optimizer, cv=_cv()).fit(X_IRIS, Y_IRIS)
    # 150 samples, 3 folds x 3 classes: min_resources 18, so the brackets are
    # (3, 50)(1, 150) and (2, 150). A budget of 50 of 150 samples trains on a
    # third of each 100-row training fold; the refit sees all 150 rows.
    assert Counter(n_rows for _, n_rows in spy.fits) == {33: 9, 100: 9, 150: 1}
    assert "n_samples" not in search.best_params_
    assert search.predict(X_IRIS[:3]).shape == (3,)


def test_optcv_refits_at_max_resources(spy):
    optimizer = HyperbandOptimizer(
        {"alpha": [0.0, 1.0, 2.0]},
        resource="max_iter",
        max_resources=4,
        factor=2,
        random_state=0,
    )
    search = OptCV(spy(), optimizer, cv=_cv()).fit(X_IRIS, Y_IRIS)
    assert search.best_params_["max_iter"] == 4
    assert search.best_estimator_.max_iter == 4
    assert spy.fits[-1] == (4, 150)


def test_best_params_are_chosen_at_max_resources():
    # Low budgets score far above the full budget, and prefer large x, while
    # the full budget prefers small x: the best low-rung score must not win.
    def objective(params):
        if params["budget"] < 9:
            return 100.0 + params["x"]
        return -params["x"]

    optimizer = HyperbandOptimizer(
        {"x": list(range(30))},
        resource="budget",
        max_resources=9,
        min_resources=1,
        random_state=0,
        experiment=FunctionExperiment(objective),
    )
    best_params = optimizer.solve()
    full = [row for row in optimizer.history_ if row["n_resources"] == 9]
    assert best_params["budget"] == 9
    assert best_params["x"] == min(row["params"]["x"] for row in full)
    assert optimizer.best_score_ == -best_params["x"]
    assert max(row["score"] for row in optimizer.history_) >= 100


def test_deterministic_for_a_fixed_random_state():
    def run(seed):
        optimizer = HyperbandOptimizer(
            {"min_samples_leaf": list(range(1, 30))},
            resource="n_samples",
            random_state=seed,
            experiment=SklearnCvExperiment(
                _tree(), X_IRIS, Y_IRIS, cv=KFold(3, shuffle=True, random_state=0)
            ),
        )
        optimizer.solve()
        return [(row["params"], row["score"]) for row in optimizer.history_]

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_subsampled_experiment_same_rows_for_every_call():
    experiment = SubsampledCvExperiment(_tree(), X_IRIS, Y_IRIS, cv=_cv())
    first = experiment.score({"max_depth": 2, "n_samples": 45})
    second = experiment.score({"max_depth": 2, "n_samples": 45})
    assert first[0] == second[0]
    assert first[1]["n_train_samples"] == [30, 30, 30]
    whole = experiment.score({"max_depth": 2})[1]
    assert whole["n_train_samples"] == [100, 100, 100]


@pytest.mark.parametrize("resource", ["partial_fit", PartialFitAdapter()])
def test_continuation_is_refused_with_a_pointer(resource):
    optimizer = HyperbandOptimizer(
        {"alpha": [0.1, 1.0]},
        resource=resource,
        max_resources=9,
        experiment=SklearnCvExperiment(_tree(), X_IRIS, Y_IRIS, cv=_cv()),
    )
    with pytest.raises(ValueError, match="HyperbandSearchCV"):
        optimizer.solve()


@pytest.mark.parametrize(
    "settings, error, match",
    [
        ({"resource": "epochs", "max_resources": 9}, ValueError, "not a parameter"),
        ({"resource": "max_depth"}, ValueError, "max_resources='auto'"),
        (
            {"resource": "min_samples_leaf", "max_resources": 9},
            ValueError,
            "also in the search space",
        ),
        ({"resource": 3, "max_resources": 9}, TypeError, "resource must be"),
        ({"resource": "n_samples", "max_resources": 151}, ValueError, "exceeds"),
        ({"resource": "max_depth", "max_resources": 0}, ValueError, "max_resources"),
        ({"search_space": None}, ValueError, "search_space is required"),
    ],
)
def test_bad_settings(settings, error, match):
    settings = {"search_space": {"min_samples_leaf": [1, 2]}, **settings}
    experiment = SklearnCvExperiment(_tree(), X_IRIS, Y_IRIS, cv=_cv())
    optimizer = HyperbandOptimizer(**settings, experiment=experiment)
    with pytest.raises(error, match=match):
        optimizer.solve()


def test_n_samples_refuses_folds_that_change():
    # SklearnCvExperiment's default cv is an unseeded shuffled KFold.
    optimizer = HyperbandOptimizer(
        {"max_depth": [1, 2]},
        experiment=SklearnCvExperiment(_tree(), X_IRIS, Y_IRIS),
    )
    with pytest.raises(ValueError, match="same splits on every call"):
        optimizer.solve()


def test_n_samples_needs_an_experiment_that_subsamples():
    optimizer = HyperbandOptimizer(
        {"x0": [0.0, 1.0], "x1": [0.0, 1.0]}, max_resources=9, experiment=Ackley()
    )
    with pytest.raises(ValueError, match="SubsampledCvExperiment"):
        optimizer.solve()


def test_failed_evaluations():
    def objective(params):
        if params["x"] > 0.5:
            raise RuntimeError("diverged")
        return params["x"]

    optimizer = HyperbandOptimizer(
        {"x": [0.1, 0.2, 0.9]},
        resource="budget",
        max_resources=3,
        random_state=0,
        experiment=FunctionExperiment(objective),
    )
    with pytest.warns(UserWarning, match="diverged"):
        best_params = optimizer.solve()
    assert best_params["x"] == 0.2

    optimizer.set_params(search_space={"x": [0.7, 0.9]})
    with (
        pytest.warns(UserWarning, match="diverged"),
        pytest.raises(RuntimeError, match="All 3 evaluations"),
    ):
        optimizer.solve()
