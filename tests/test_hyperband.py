"""HyperbandSearchCV: continuation, results, drop-in behaviour and bad input."""

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import BaseEstimator, ClassifierMixin, is_classifier
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    check_cv,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skmeta import HyperbandSearchCV
from skmeta.model_selection import (
    ParameterAdapter,
    PartialFitAdapter,
    ResourceAdapter,
    hyperband_schedule,
)


class PassCounter(ClassifierMixin, BaseEstimator):
    """Counts the passes of partial_fit it receives; predicts the majority class.

    ``CALLS`` counts every partial_fit call in the process, to compare the work
    done by a search with what retraining would cost.
    """

    CALLS = 0

    def __init__(self, quality=0.0):
        self.quality = quality

    def partial_fit(self, X, y, classes=None):
        PassCounter.CALLS += 1
        if not hasattr(self, "n_passes_"):
            self.n_passes_ = 0
            self.classes_ = np.asarray(classes)
        self.n_passes_ += 1
        return self

    def fit(self, X, y):
        for attr in ("n_passes_", "classes_"):
            self.__dict__.pop(attr, None)
        return self.partial_fit(X, y, classes=np.unique(y))

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


class TreeCounter(ClassifierMixin, BaseEstimator):
    """Grows ``n_estimators`` units, keeping the old ones under warm start."""

    BUILT = 0

    def __init__(self, n_estimators=1, warm_start=False, quality=0.0):
        self.n_estimators = n_estimators
        self.warm_start = warm_start
        self.quality = quality

    def fit(self, X, y):
        if not (self.warm_start and hasattr(self, "n_units_")):
            self.n_units_ = 0
        TreeCounter.BUILT += self.n_estimators - self.n_units_
        self.n_units_ = self.n_estimators
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _quality_and_work(attribute):
    """Multimetric scorer: the configured quality and the work the model holds."""

    def scorer(estimator, X, y):
        return {
            "quality": estimator.quality,
            "work": getattr(estimator, attribute),
        }

    return scorer


@pytest.fixture
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture
def binary():
    return make_classification(
        n_samples=200, n_features=6, n_informative=3, random_state=0
    )


def test_partial_fit_survivors_are_continued(iris):
    X, y = iris
    PassCounter.CALLS = 0
    search = HyperbandSearchCV(
        PassCounter(),
        {"quality": list(np.linspace(0, 1, 30))},
        resource="partial_fit",
        max_resources=9,
        scoring=_quality_and_work("n_passes_"),
        refit="quality",
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    # A model evaluated at budget r has received exactly r passes, not the sum
    # of the budgets of its rungs.
    np.testing.assert_array_equal(results["mean_test_work"], results["n_resources"])
    # R = 9, eta = 3: [(9, 1), (3, 3), (1, 9)], [(5, 3), (1, 9)], [(3, 9)].
    # Continued, a fold costs 9*1 + 3*2 + 1*6 + 5*3 + 1*6 + 3*9 = 69 passes;
    # retraining every rung would cost 9 + 9 + 9 + 15 + 9 + 27 = 78.
    n_refit_passes = 9
    assert 69 * 3 + n_refit_passes == PassCounter.CALLS
    assert results["n_resources_trained"].sum() == 69
    assert sum(b["total_resources"] for b in search.plan_) == 69
    assert search.best_estimator_.n_passes_ == 9


def test_partial_fit_in_batches(iris):
    X, y = iris
    PassCounter.CALLS = 0
    search = HyperbandSearchCV(
        PassCounter(),
        {"quality": list(np.linspace(0, 1, 30))},
        resource=PartialFitAdapter(batch_size=40),
        max_resources=9,
        scoring=_quality_and_work("n_passes_"),
        refit="quality",
        cv=3,
        random_state=0,
    ).fit(X, y)
    # A training fold has 100 rows: 3 calls of at most 40 rows per pass.
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_work"], 3 * search.cv_results_["n_resources"]
    )
    assert PassCounter.CALLS == 3 * 69 * 3 + 4 * 9


def test_warm_start_growth_is_used(iris):
    X, y = iris
    TreeCounter.BUILT = 0
    search = HyperbandSearchCV(
        TreeCounter(),
        {"quality": list(np.linspace(0, 1, 30))},
        resource="n_estimators",
        max_resources=9,
        scoring=_quality_and_work("n_units_"),
        refit="quality",
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    np.testing.assert_array_equal(results["mean_test_work"], results["n_resources"])
    assert TreeCounter.BUILT == 69 * 3 + 9
    assert search.best_estimator_.n_estimators == 9
    assert search.best_estimator_.warm_start is False


def test_warm_start_off_retrains_every_rung(iris):
    X, y = iris
    TreeCounter.BUILT = 0
    search = HyperbandSearchCV(
        TreeCounter(),
        {"quality": list(np.linspace(0, 1, 30))},
        resource=ParameterAdapter("n_estimators", warm_start=False),
        max_resources=9,
        scoring=_quality_and_work("n_units_"),
        refit="quality",
        cv=3,
        random_state=0,
    ).fit(X, y)
    # Retraining: 9 + 9 + 9 + 15 + 9 + 27 = 78 units per fold.
    assert TreeCounter.BUILT == 78 * 3 + 9
    results = search.cv_results_
    np.testing.assert_array_equal(
        results["n_resources_trained"], results["n_resources"]
    )


def test_non_cumulative_warm_start_trains_the_increment(iris):
    class MoreIterations(TreeCounter):
        """Warm start trains ``n_estimators`` more units, like SGD's max_iter."""

        def fit(self, X, y):
            if not (self.warm_start and hasattr(self, "n_units_")):
                self.n_units_ = 0
            TreeCounter.BUILT += self.n_estimators
            self.n_units_ += self.n_estimators
            self.classes_ = np.unique(y)
            return self

    X, y = iris
    TreeCounter.BUILT = 0
    search = HyperbandSearchCV(
        MoreIterations(),
        {"quality": list(np.linspace(0, 1, 30))},
        resource=ParameterAdapter("n_estimators", cumulative=False),
        max_resources=9,
        scoring=_quality_and_work("n_units_"),
        refit="quality",
        cv=3,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    np.testing.assert_array_equal(results["mean_test_work"], results["n_resources"])
    assert TreeCounter.BUILT == 69 * 3 + 9


def test_nested_resource_in_pipeline_is_continued(binary):
    X, y = binary
    pipe = make_pipeline(StandardScaler(), TreeCounter())
    TreeCounter.BUILT = 0

    def scorer(estimator, X, y):
        return {"work": estimator[-1].n_units_, "quality": estimator[-1].quality}

    search = HyperbandSearchCV(
        pipe,
        {"treecounter__quality": list(np.linspace(0, 1, 30))},
        resource="treecounter__n_estimators",
        max_resources=9,
        scoring=scorer,
        refit="quality",
        cv=2,
        random_state=0,
    ).fit(X, y)
    results = search.cv_results_
    np.testing.assert_array_equal(results["mean_test_work"], results["n_resources"])
    assert TreeCounter.BUILT == 69 * 2 + 9
    assert search.best_estimator_[-1].n_estimators == 9


def test_real_estimators_continue(binary):
    X, y = binary
    forest = HyperbandSearchCV(
        RandomForestClassifier(random_state=0),
        {"max_depth": [2, 4, None]},
        resource="n_estimators",
        max_resources=9,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert len(forest.best_estimator_.estimators_) == 9
    sgd = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": loguniform(1e-5, 1e-1)},
        resource="partial_fit",
        max_resources=9,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert sgd.best_score_ > 0.6
    assert sgd.best_estimator_.t_ == 9 * len(X) + 1


def test_cv_results_layout_and_best_at_full_resource(iris):
    X, y = iris

    class EarlyFavourite(PassCounter):
        """Scores best after one pass, as a noisy small budget can."""

        def score(self, X, y):
            return 1.0 / self.n_passes_ + self.quality

    search = HyperbandSearchCV(
        EarlyFavourite(),
        {"quality": list(np.linspace(0, 0.1, 30))},
        resource="partial_fit",
        max_resources=9,
        cv=3,
        random_state=0,
        return_train_score=True,
    ).fit(X, y)
    results = search.cv_results_
    n_rows = sum(b["n_evaluations"] for b in search.plan_)
    for key in (
        "bracket",
        "iter",
        "n_resources",
        "n_resources_trained",
        "config_id",
        "mean_test_score",
        "split2_test_score",
        "mean_train_score",
        "rank_test_score",
        "mean_fit_time",
        "param_quality",
    ):
        assert len(results[key]) == n_rows, key
    assert len(results["params"]) == n_rows
    assert isinstance(results["bracket"], np.ndarray)
    # The best mean score of any row is a one-pass row; the winner must be
    # chosen at the full budget, and rank 1 is that winner.
    assert results["n_resources"][np.argmax(results["mean_test_score"])] == 1
    assert results["n_resources"][search.best_index_] == 9
    assert results["rank_test_score"][search.best_index_] == 1
    full = results["n_resources"] == 9
    assert search.best_score_ == results["mean_test_score"][full].max()
    assert sorted(results["rank_test_score"][full]) == list(range(1, full.sum() + 1))
    assert search.n_resources_ == [[1, 3, 9], [3, 9], [9]]
    assert search.n_candidates_ == [[9, 3, 1], [5, 1], [3]]
    curves = search.learning_curves()
    best_id = results["config_id"][search.best_index_]
    budgets, scores = curves[best_id]
    assert budgets[-1] == 9
    assert scores[-1] == search.best_score_


def test_refit_callable_sees_only_full_resource_rows(iris):
    X, y = iris
    seen = {}

    def pick_last(results):
        seen["n_resources"] = np.unique(results["n_resources"])
        return len(results["params"]) - 1

    search = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": loguniform(1e-5, 1e-1)},
        resource="partial_fit",
        max_resources=9,
        refit=pick_last,
        cv=3,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(seen["n_resources"], [9])
    assert search.best_index_ == len(search.cv_results_["params"]) - 1
    assert hasattr(search, "best_estimator_")


def test_multimetric(binary):
    X, y = binary
    grid = {"C": [0.01, 0.1, 1.0, 10.0]}
    search = HyperbandSearchCV(
        LogisticRegression(max_iter=1000),
        grid,
        scoring=["accuracy", "roc_auc"],
        refit="roc_auc",
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert search.multimetric_
    full = search.cv_results_["n_resources"] == len(X)
    assert full.sum() >= 1
    best = search.cv_results_["mean_test_roc_auc"][full].max()
    assert search.best_score_ == best
    assert set(search.scorer_) == {"accuracy", "roc_auc"}
    no_refit = HyperbandSearchCV(
        LogisticRegression(max_iter=1000),
        grid,
        scoring=["accuracy", "roc_auc"],
        refit=False,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert not hasattr(no_refit, "best_index_")
    with pytest.raises(ValueError, match="multi-metric"):
        HyperbandSearchCV(
            LogisticRegression(max_iter=1000), grid, scoring=["accuracy", "roc_auc"]
        ).fit(X, y)


def test_subsampled_folds_and_refit_on_all_data(binary):
    X, y = binary
    sizes = []

    class SizeRecorder(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            sizes.append(len(X))
            return super().fit(X, y, sample_weight=sample_weight)

    search = HyperbandSearchCV(
        SizeRecorder(),
        {"C": loguniform(1e-2, 1e2)},
        min_resources=20,
        cv=2,
        random_state=0,
    ).fit(X, y)
    # 200 samples, min 20: s_max = 2, budgets 22, 66, 200. With 2 folds of 100
    # training rows, a budget r trains on int(r / 200 * 100) rows.
    assert search.n_resources_[0] == [22, 66, 200]
    assert set(sizes) == {11, 33, 100, 200}
    assert sizes[-1] == 200


def test_finite_grid_is_used_once_per_bracket(iris):
    X, y = iris
    grid = {"alpha": [1e-4, 1e-3, 1e-2, 1e-1]}
    search = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        grid,
        resource="partial_fit",
        max_resources=27,
        cv=2,
        random_state=0,
    )
    plan = search.get_plan()
    # R = 27: n = 27, 12, 6, 4 per bracket, all capped at the 4 configurations
    # except the last; a capped bracket halves 4 -> 1 and jumps to R.
    assert [b["limited_by_search_space"] for b in plan] == [True, True, True, False]
    assert plan[0]["rungs"] == [(4, 1), (1, 27)]
    assert plan[2]["rungs"] == [(4, 9), (1, 27)]
    assert plan[3]["rungs"] == [(4, 27)]
    search.fit(X, y)
    results = search.cv_results_
    for s in np.unique(results["bracket"]):
        first = (results["bracket"] == s) & (results["iter"] == 0)
        alphas = results["param_alpha"][first]
        assert len(set(alphas)) == len(alphas) == 4


def test_plan_before_fit_is_table_1():
    search = HyperbandSearchCV(
        SGDClassifier(),
        {"alpha": loguniform(1e-5, 1e-1)},
        resource="partial_fit",
        max_resources=81,
        min_resources=1,
    )
    plan = search.get_plan()
    assert [b["rungs"] for b in plan] == hyperband_schedule(81, 1, 3)
    assert [b["bracket"] for b in plan] == [4, 3, 2, 1, 0]
    assert sum(b["n_configurations"] for b in plan) == 143
    assert sum(b["n_evaluations"] for b in plan) == 206
    # Continued: s=4 trains 81*1 + 27*2 + 9*6 + 3*18 + 1*54 = 297.
    assert plan[0]["total_resources"] == 297
    with pytest.raises(ValueError, match="pass X"):
        HyperbandSearchCV(SGDClassifier(), {"alpha": [1.0]}).get_plan()
    with pytest.raises(ValueError, match="only defined for resource='n_samples'"):
        HyperbandSearchCV(
            SGDClassifier(), {"alpha": [1.0]}, resource="partial_fit"
        ).get_plan()


def test_same_random_state_same_results(binary):
    X, y = binary

    def run(random_state):
        return HyperbandSearchCV(
            SVC(),
            {"C": loguniform(1e-2, 1e2), "gamma": loguniform(1e-3, 1e0)},
            cv=StratifiedKFold(3, shuffle=True, random_state=0),
            random_state=random_state,
        ).fit(X, y)

    first, second, other = run(0), run(0), run(1)
    assert first.cv_results_["params"] == second.cv_results_["params"]
    np.testing.assert_array_equal(
        first.cv_results_["mean_test_score"], second.cv_results_["mean_test_score"]
    )
    assert first.cv_results_["params"] != other.cv_results_["params"]


def test_state_travels_through_process_workers(iris):
    X, y = iris
    kwargs = dict(resource="partial_fit", max_resources=9, cv=3, random_state=0)
    space = {"alpha": loguniform(1e-5, 1e-1)}
    sequential = HyperbandSearchCV(SGDClassifier(random_state=0), space, **kwargs)
    parallel = HyperbandSearchCV(
        SGDClassifier(random_state=0), space, n_jobs=2, **kwargs
    )
    sequential.fit(X, y)
    parallel.fit(X, y)
    np.testing.assert_allclose(
        sequential.cv_results_["mean_test_score"],
        parallel.cv_results_["mean_test_score"],
    )


@pytest.mark.parametrize("processes", [False, True])
def test_dask_local_cluster(binary, processes):
    distributed = pytest.importorskip("distributed")
    import dask
    from joblib import parallel_backend

    X, y = binary
    kwargs = dict(resource="partial_fit", max_resources=9, cv=2, random_state=0)
    space = {"alpha": loguniform(1e-5, 1e-1)}
    expected = HyperbandSearchCV(SGDClassifier(random_state=0), space, **kwargs)
    expected.fit(X, y)
    # Generous timeouts: worker processes start slowly on a loaded 2-core runner.
    with (
        dask.config.set(
            {
                "distributed.comm.timeouts.connect": "120s",
                "distributed.comm.timeouts.tcp": "120s",
                "distributed.deploy.lost-worker-timeout": "120s",
            }
        ),
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1 if processes else 2,
            processes=processes,
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        distributed.Client(cluster, timeout="120s"),
        parallel_backend("dask"),
    ):
        search = HyperbandSearchCV(
            SGDClassifier(random_state=0), space, n_jobs=-1, **kwargs
        ).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], expected.cv_results_["mean_test_score"]
    )
    assert search.best_params_ == expected.best_params_


def test_cross_val_score_is_stratified(iris):
    X, y = iris
    search = HyperbandSearchCV(LogisticRegression(), {"C": [1.0, 10.0]}, cv=2)
    assert is_classifier(search)
    assert isinstance(check_cv(5, y, classifier=is_classifier(search)), StratifiedKFold)
    # iris is sorted by class: unstratified folds would score near 0.
    scores = cross_val_score(search, X, y, cv=3)
    assert scores.min() > 0.85


def test_inside_a_pipeline(binary):
    X, y = binary
    pipe = make_pipeline(
        StandardScaler(),
        HyperbandSearchCV(Ridge(), {"alpha": [0.1, 1.0, 10.0]}, cv=3, random_state=0),
    )
    Xr, yr = make_regression(n_samples=120, n_features=5, random_state=0)
    pipe.fit(Xr, yr)
    assert pipe.score(Xr, yr) > 0.9


def test_groups_are_passed_to_the_splitter(binary):
    X, y = binary
    groups = np.arange(len(X)) % 4
    search = HyperbandSearchCV(
        LogisticRegression(), {"C": [0.1, 1.0]}, cv=GroupKFold(2)
    )
    search.fit(X, y, groups=groups)
    assert search.n_splits_ == 2
    with pytest.raises(ValueError, match="groups"):
        HyperbandSearchCV(
            LogisticRegression(), {"C": [0.1, 1.0]}, cv=GroupKFold(2)
        ).fit(X, y)


def test_sample_weight_reaches_the_estimator(binary):
    X, y = binary
    received = []

    class WeightRecorder(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            received.append(None if sample_weight is None else len(sample_weight))
            return super().fit(X, y, sample_weight=sample_weight)

    HyperbandSearchCV(WeightRecorder(), {"C": [0.1, 1.0]}, cv=2).fit(
        X, y, sample_weight=np.ones(len(X))
    )
    assert None not in received
    assert received[-1] == len(X)


def test_error_score(binary):
    X, y = binary

    class FailsForNegative(LogisticRegression):
        def fit(self, X, y):
            if self.C < 0:
                raise RuntimeError("negative C")
            return super().fit(X, y)

    with pytest.warns(FitFailedWarning, match="fits failed"):
        search = HyperbandSearchCV(
            FailsForNegative(), {"C": [-1.0, 1.0]}, cv=2, random_state=0
        ).fit(X, y)
    assert search.best_params_ == {"C": 1.0}
    with pytest.raises(ValueError, match="All the .* fits failed"):
        HyperbandSearchCV(FailsForNegative(), {"C": [-1.0, -2.0]}, cv=2).fit(X, y)
    with pytest.raises(RuntimeError, match="negative C"):
        HyperbandSearchCV(
            FailsForNegative(), {"C": [-1.0]}, cv=2, error_score="raise"
        ).fit(X, y)


def test_verbose_reports_brackets_and_rungs(iris, capsys):
    X, y = iris
    HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": [1e-4, 1e-2]},
        resource="partial_fit",
        max_resources=3,
        cv=2,
        verbose=1,
    ).fit(X, y)
    out = capsys.readouterr().out
    assert "bracket s=1" in out
    assert "search space exhausted" in out
    assert "rung 1: 1 candidates x 2 folds at n_resources=3" in out


def test_user_adapter(binary):
    class EpochAdapter(ResourceAdapter):
        def supports_continuation(self, estimator):
            return True

        def fit(self, estimator, X, y, *, n_resources, n_resources_done=0, **kw):
            for _ in range(n_resources - n_resources_done):
                estimator.partial_fit(X, y, classes=np.unique(y))
            return estimator

    X, y = binary
    search = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": loguniform(1e-5, 1e-1)},
        resource=EpochAdapter(),
        max_resources=9,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert search.best_estimator_.t_ == 9 * len(X) + 1
    with pytest.raises(ValueError, match="only defined for resource='n_samples'"):
        HyperbandSearchCV(
            SGDClassifier(), {"alpha": [1.0]}, resource=EpochAdapter()
        ).fit(X, y)


@pytest.mark.parametrize(
    "estimator, kwargs, match",
    [
        (Ridge(), dict(resource="epochs"), "resource='epochs' is neither"),
        (
            SGDClassifier(),
            dict(resource="max_iter", max_resources=9, space={"max_iter": [1, 2]}),
            "also in the search space",
        ),
        (
            SGDClassifier(),
            dict(resource="max_iter", min_resources=10, max_resources=9),
            "min_resources=10 is larger than max_resources=9",
        ),
        (
            SGDClassifier(),
            dict(resource="max_iter"),
            "max_resources='auto' is only defined for resource='n_samples'",
        ),
        (
            LogisticRegression(),
            dict(resource="partial_fit", max_resources=9),
            "needs an estimator with a partial_fit",
        ),
        (
            LogisticRegression(),
            dict(cv=KFold(3, shuffle=True)),
            "same splits on every call",
        ),
        (
            LogisticRegression(),
            dict(cv=ShuffleSplit(3)),
            "same splits on every call",
        ),
        (LogisticRegression(), dict(max_resources=1000), "exceeds the 200 samples"),
    ],
)
def test_bad_input(binary, estimator, kwargs, match):
    X, y = binary
    space = kwargs.pop("space", {"alpha": [0.1, 1.0]})
    if isinstance(estimator, LogisticRegression):
        space = {"C": [0.1, 1.0]}
    with pytest.raises(ValueError, match=match):
        HyperbandSearchCV(estimator, space, **kwargs).fit(X, y)


def test_metadata_routing(binary):
    import sklearn

    X, y = binary
    received = []

    class WeightRecorder(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            received.append(sample_weight is not None)
            return super().fit(X, y, sample_weight=sample_weight)

    with sklearn.config_context(enable_metadata_routing=True):
        estimator = (
            WeightRecorder()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=False)
        )
        HyperbandSearchCV(estimator, {"C": [0.1, 1.0]}, cv=2).fit(
            X, y, sample_weight=np.ones(len(X))
        )
        assert all(received)
        with pytest.raises(ValueError, match="sample_weight"):
            HyperbandSearchCV(WeightRecorder(), {"C": [0.1, 1.0]}, cv=2).fit(
                X, y, sample_weight=np.ones(len(X))
            )


def test_callbacks_see_brackets_and_refit(iris):
    pytest.importorskip("sklearn.callback")

    class Recorder:
        def __init__(self):
            self.tasks = []

        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context, **kwargs):
            self.tasks.append(context.task_name)

        def on_fit_task_end(self, estimator, context, **kwargs):
            pass

    X, y = iris
    recorder = Recorder()
    search = HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": [1e-4, 1e-2, 1e-3]},
        resource="partial_fit",
        max_resources=3,
        cv=2,
    )
    search.set_callbacks(recorder)
    search.fit(X, y)
    assert recorder.tasks == ["fit", "bracket", "bracket", "refit-with-best-params"]
