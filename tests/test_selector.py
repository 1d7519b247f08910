"""MetaModelSelector: recommendations, verified fit, delegation and bad input."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_diabetes, load_iris, make_classification
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import SVR

from skmeta import MetaFeatureExtractor, MetaModelSelector
from skmeta.metalearning._meta_model import METAFEATURE_GROUPS, get_meta_model
from skmeta.metalearning._toy import make_toy_knowledge_base

# Quick families keep every verification well under a second.
QUICK = ["logistic_regression", "ridge", "knn", "decision_tree", "gaussian_nb"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("kb")
    for task in ("classification", "regression"):
        make_toy_knowledge_base(root / task, task)
    return root


class Outside(FunctionTransformer):
    """A transformer of another package than scikit-learn and skmeta."""


def _small_forest():
    # A small forest trains in a fraction of a second on the toy knowledge base.
    return RandomForestRegressor(n_estimators=20, min_samples_leaf=2, random_state=0)


def _selector(kb, task="classification", **params):
    params = {
        "families": QUICK,
        "n_verify": 2,
        "meta_regressor": _small_forest(),
        "random_state": 0,
        **params,
    }
    return MetaModelSelector(task=task, knowledge_base=str(kb), **params)


def test_recommend(kb):
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb)
    table = selector.recommend(X, y, n=4)
    assert list(table.columns[:5]) == [
        "estimator",
        "params",
        "family",
        "predicted_score",
        "predicted_std",
    ]
    assert len(table) == 4
    assert table["predicted_rank_score"].is_monotonic_decreasing
    assert set(table["family"]) <= set(QUICK)
    for estimator in table["estimator"]:
        assert isinstance(estimator, Pipeline)
        assert not hasattr(estimator, "n_features_in_")
        clone(estimator)
    # Recommending fits nothing on the selector.
    assert not hasattr(selector, "n_features_in_")
    with pytest.raises(ValueError, match="Meta-features need the target"):
        selector.recommend(X, None)


def test_fit_verifies_and_chooses_the_best(kb):
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb, n_verify=3, cv=3).fit(X, y)
    recs = selector.recommendations_
    verified = recs["verified_score"].to_numpy()
    assert np.isfinite(verified[:3]).all() and np.isnan(verified[3:]).all()
    assert len(recs) == 9
    best = int(np.nanargmax(verified))
    assert selector.best_params_["family"] == recs["family"].iloc[best]
    expected = cross_val_score(
        clone(recs["estimator"].iloc[best]), X, y, cv=3, scoring="balanced_accuracy"
    ).mean()
    assert verified[best] == pytest.approx(expected)
    np.testing.assert_array_equal(
        selector.predict(X), selector.best_estimator_.predict(X)
    )
    np.testing.assert_array_equal(selector.classes_, [0, 1, 2])
    assert 0 <= selector.score(X, y) <= 1
    assert selector.meta_features_["nr_class"] == 3


def test_family_diverse_order():
    from skmeta.metalearning._selector import family_diverse_order

    order = [4, 2, 0, 3, 1, 5]
    families = ["svm", "svm", "knn", "svm", "tree", "knn"]
    np.testing.assert_array_equal(
        family_diverse_order(order, families), [4, 0, 1, 2, 3, 5]
    )
    np.testing.assert_array_equal(family_diverse_order([], []), [])


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_verified_head_spans_the_families(kb, task):
    X, y = (load_iris if task == "classification" else load_diabetes)(return_X_y=True)
    selector = _selector(kb, task=task, n_verify=3, cv=3).fit(X, y)
    recs = selector.recommendations_
    ranking = selector.recommend(X, y, n=10_000)
    # The first row is the meta-model's first choice; then each family's best.
    assert recs["params"].iloc[0] == ranking["params"].iloc[0]
    best_of_family = ranking.drop_duplicates("family")
    n_families = len(best_of_family)
    assert n_families >= 3
    assert list(recs["family"].iloc[:n_families]) == list(best_of_family["family"])
    assert list(recs["params"].iloc[:n_families]) == list(best_of_family["params"])
    # Then the rest, in the meta-model's order.
    rest = recs["predicted_rank_score"].iloc[n_families:].to_numpy()
    assert np.all(np.diff(rest) <= 0)


def test_no_verification_takes_the_first(kb):
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb, n_verify=0).fit(X, y)
    first = selector.recommendations_.iloc[0]
    assert selector.best_params_ == {
        "family": first["family"],
        "params": first["params"],
    }
    assert selector.recommendations_["verified_score"].isna().all()


def test_no_weighted_forest_for_labels_that_read_as_integers(kb):
    # scikit-learn's forests cannot weigh string labels such as "4" (issue
    # #34883): the selector recommends no weighted forest for such a target.
    X, y = make_classification(120, 5, n_informative=3, n_classes=3, random_state=0)
    labels = np.array(["4", "f", "r"], dtype=object)[y]
    families = ["random_forest", "extra_trees", "decision_tree"]
    selector = _selector(kb, families=families, n_verify=0)
    weighted = selector.recommend(X, y, n=10_000)["params"].map(
        lambda p: p.get("class_weight") == "balanced"
    )
    table = selector.recommend(X, labels, n=10_000)
    is_forest = table["family"].isin(["random_forest", "extra_trees"])
    assert weighted.any()
    assert not table.loc[is_forest, "params"].map(lambda p: p["class_weight"]).any()
    # Weighted decision trees handle such labels, and stay.
    assert (table.loc[~is_forest, "params"].map(lambda p: p["class_weight"])).any()
    first = selector.fit(X, labels)
    assert set(first.classes_) == {"4", "f", "r"}


def test_hyperband_verification(kb):
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb, n_verify=3, verification="hyperband").fit(X, y)
    assert np.isfinite(selector.recommendations_["verified_score"].iloc[:3]).any()


def test_hyperband_verification_is_seeded_with_the_recommendations(kb, monkeypatch):
    from skmeta.model_selection import HyperbandSearchCV

    searches = []
    fit = HyperbandSearchCV.fit

    def spy(self, X, y=None, **params):
        searches.append(self)
        return fit(self, X, y, **params)

    monkeypatch.setattr(HyperbandSearchCV, "fit", spy)
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb, n_verify=2, verification="hyperband").fit(X, y)
    (search,) = searches
    table = selector.recommendations_
    # The search runs over the head of the ranking, seeded with its first two.
    assert list(search.param_distributions["pipeline"]) == list(table["estimator"])
    seeds = [c["pipeline"] for c in search.initial_candidates]
    assert seeds == list(table["estimator"].iloc[:2])
    results = pd.DataFrame(search.cv_results_)
    first_bracket = results[results["bracket"] == results["bracket"].max()]
    initial = first_bracket[first_bracket["proposed_by"] == "initial"]
    assert {id(p["pipeline"]) for p in initial["params"]} == {id(e) for e in seeds}
    # The chosen pipeline is the best at the full budget.
    verified = table["verified_score"]
    assert verified.notna().any()
    assert selector.best_params_["params"] == table["params"].iloc[verified.argmax()]


def test_regression(kb):
    X, y = load_diabetes(return_X_y=True)
    selector = _selector(kb, task="regression").fit(X, y)
    assert is_regressor(selector) and not is_classifier(selector)
    assert selector.best_params_["family"] in QUICK
    assert selector.predict(X).shape == y.shape
    assert not hasattr(selector, "predict_proba")


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_auto_target_is_the_studys_choice_per_task(kb, task):
    X, y = (load_iris if task == "classification" else load_diabetes)(return_X_y=True)
    selector = _selector(kb, task=task)
    assert selector.target == "auto"
    # The study chose the raw score for classification, the normalised one for
    # regression.
    chosen = {"classification": "raw", "regression": "normalised"}[task]
    auto = selector._meta_model()
    assert auto is selector.set_params(target=chosen)._meta_model()
    assert auto.target == chosen
    for target in ("normalised", "raw"):
        table = selector.set_params(target=target).recommend(X, y, n=10)
        assert table["predicted_rank_score"].is_monotonic_decreasing
        # A raw prediction is the score, bounded to the measured range.
        assert table["predicted_score"].is_monotonic_decreasing
        if target == "raw":
            low, high = selector._meta_model().score_range_
            np.testing.assert_allclose(
                table["predicted_score"],
                table["predicted_rank_score"].clip(low, high),
            )
    with pytest.raises(ValueError, match="target must be 'auto' or one of"):
        get_meta_model(str(kb), task, target="rank")


def test_tags_follow_task():
    assert is_classifier(MetaModelSelector())
    assert is_regressor(MetaModelSelector(task="regression"))


def test_pandas_categorical_and_missing(kb):
    rng = np.random.RandomState(0)
    n = 120
    X = pd.DataFrame(
        {
            "num": rng.normal(size=n),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
            "size": rng.choice(["S", "M", "L"], n).astype(object),
        }
    )
    y = np.where((X["num"] > 0) ^ (X["colour"] == "red"), "yes", "no")
    X.loc[::7, "num"] = np.nan
    X.loc[::11, "size"] = None
    selector = _selector(kb).fit(X, y)
    np.testing.assert_array_equal(selector.feature_names_in_, X.columns)
    assert set(selector.predict(X)) <= {"yes", "no"}
    assert selector.predict_proba(X).shape == (n, 2)


def test_pipeline_and_cross_val_score(kb):
    X, y = make_classification(90, 5, random_state=0)
    pipeline = make_pipeline(StandardScaler(), _selector(kb, n_verify=1))
    scores = cross_val_score(pipeline, X, y, cv=2)
    assert scores.shape == (2,) and np.all(scores > 0.5)


def test_predict_performance(kb):
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb, families=None)
    table = selector.predict_performance(
        X,
        y,
        [
            RandomForestClassifier(max_features=0.5, min_samples_leaf=3),
            make_pipeline(StandardScaler(), LogisticRegression(C=10.0)),
            {
                "family": "knn",
                "params": {"n_neighbors": 3, "weights": "uniform", "p": 2},
            },
        ],
    )
    assert list(table["family"]) == ["random_forest", "logistic_regression", "knn"]
    assert table["params"].iloc[0]["max_features"] == 0.5
    assert table["params"].iloc[1]["C"] == 10.0
    assert np.isfinite(table["predicted_score"]).all()
    # A forest meta-model reports the spread of its trees.
    assert (table["predicted_std"] >= 0).all()
    with pytest.raises(ValueError, match="not a model of the classification"):
        selector.predict_performance(X, y, [SVR()])


def test_meta_features_computed_as_in_the_knowledge_base(kb):
    # The knowledge base's pass fits MetaFeatureExtractor(random_state=<store seed>,
    # target_type=<task>) with the default groups on the collector's rows; a dataset
    # below the row cap is used whole, so the values must be equal.
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb, n_verify=0).fit(X, y)
    reference = (
        MetaFeatureExtractor(random_state=0, target_type="classification")
        .fit(pd.DataFrame(X, columns=[f"x{i}" for i in range(4)]), y)
        .meta_features_
    )
    values = selector.meta_features_
    pd.testing.assert_series_equal(
        values, reference.reindex(values.index), check_names=False
    )
    assert "landmarking" not in METAFEATURE_GROUPS


def test_meta_model_is_cached(kb):
    def model(**params):
        return get_meta_model(
            str(kb), "classification", meta_regressor=_small_forest(), **params
        )

    first = model()
    assert model() is first
    # "auto" is the raw score for classification: the same model.
    assert model(target="raw") is first
    assert model(target="normalised") is not first
    with pytest.raises(ValueError, match="no 'accuracy' measurements"):
        model(scoring="accuracy")


def test_meta_model_kept_on_disk(kb, tmp_path, monkeypatch):
    from skmeta.metalearning import _meta_model
    from skmeta.metalearning._meta_model import meta_rows

    cache = tmp_path / "cache"
    monkeypatch.setenv("SKMETA_CACHE_DIR", str(cache))
    monkeypatch.setattr(_meta_model, "_CACHE", {})

    def model(**params):
        return get_meta_model(
            str(kb), "classification", meta_regressor=_small_forest(), **params
        )

    first = model()
    (file,) = cache.glob("*.pkl")

    def no_training(*args, **kwargs):
        raise AssertionError("trained again instead of read from disk")

    # Another process: nothing in memory, and it must not train.
    monkeypatch.setattr(_meta_model, "_CACHE", {})
    monkeypatch.setattr(_meta_model, "train_meta_model", no_training)
    second = model()
    assert second is not first
    rows = meta_rows(
        pd.Series(0.5, index=first.metafeatures_),
        first.candidates_,
        first.space_,
        encoded=first.candidate_encoding_,
    )
    np.testing.assert_array_equal(first.predict(rows).score, second.predict(rows).score)
    assert [repr(first.space_.build_pipeline(c)[-1]) for c in first.candidates_] == [
        repr(second.space_.build_pipeline(c)[-1]) for c in second.candidates_
    ]


def test_disk_cache_damaged_off_and_evicted(kb, tmp_path, monkeypatch):
    from skmeta.metalearning import _meta_model

    def model(trees=20, **params):
        monkeypatch.setattr(_meta_model, "_CACHE", {})
        regressor = _small_forest().set_params(n_estimators=trees)
        return get_meta_model(
            str(kb), "classification", meta_regressor=regressor, **params
        )

    # Off: nothing written.
    monkeypatch.setenv("SKMETA_CACHE_DIR", "")
    model()
    cache = tmp_path / "cache"
    monkeypatch.setenv("SKMETA_CACHE_DIR", str(cache))
    assert not cache.exists()
    # A damaged file is trained again and replaced.
    model()
    (file,) = cache.glob("*.pkl")
    file.write_bytes(b"not a pickle")
    model()
    (replaced,) = cache.glob("*.pkl")
    assert replaced == file and replaced.stat().st_size > 100
    # Only the newest are kept.
    monkeypatch.setattr(_meta_model, "_DISK_CACHE_FILES", 2)
    model(target="normalised")
    model(trees=10)
    kept = sorted(cache.glob("*.pkl"))
    assert len(kept) == 2 and file not in kept
    # A folder that cannot be written leaves the model usable.
    monkeypatch.setenv("SKMETA_CACHE_DIR", str(file.parent / "blocked"))
    (file.parent / "blocked").write_text("a file, not a folder")
    assert model(target="raw") is not None


def test_disk_cache_write_interrupted(kb, tmp_path, monkeypatch):
    from skmeta.metalearning import _meta_model

    cache = tmp_path / "cache"
    monkeypatch.setenv("SKMETA_CACHE_DIR", str(cache))
    monkeypatch.setattr(_meta_model, "_CACHE", {})

    def interrupted(model, filename, **kwargs):
        with open(filename, "wb") as file:
            file.write(b"half a pickle")
        raise KeyboardInterrupt

    monkeypatch.setattr(_meta_model.joblib, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        get_meta_model(str(kb), "classification", meta_regressor=_small_forest())
    # Nothing half-written is left, nor read as a model.
    assert not [f for f in cache.iterdir() if not f.name.endswith(".lock")]


def test_disk_cache_reads_only_its_own_code(kb, tmp_path, monkeypatch):
    from skmeta.metalearning import _meta_model

    cache = tmp_path / "cache"
    monkeypatch.setenv("SKMETA_CACHE_DIR", str(cache))
    monkeypatch.setattr(_meta_model, "_CACHE", {})
    # Classes of the user's: their code may change under the same name.
    get_meta_model(
        str(kb),
        "classification",
        meta_regressor=make_pipeline(Outside(), _small_forest()),
    )

    class Local(FunctionTransformer):
        pass  # pickle cannot even name it

    get_meta_model(
        str(kb),
        "classification",
        meta_regressor=make_pipeline(Local(), _small_forest()),
    )
    assert not list(cache.glob("*.pkl"))
    # Other code (another scikit-learn, an edited skmeta) does not read the file.
    get_meta_model(str(kb), "classification", meta_regressor=_small_forest())
    (written,) = cache.glob("*.pkl")
    monkeypatch.setattr(_meta_model, "_CACHE", {})
    monkeypatch.setattr(_meta_model, "_code_version", lambda: ("other", "code"))
    get_meta_model(str(kb), "classification", meta_regressor=_small_forest())
    assert len(list(cache.glob("*.pkl"))) == 2


def test_disk_cache_waits_for_the_process_training(kb, tmp_path, monkeypatch):
    import threading

    from skmeta.metalearning import _meta_model

    monkeypatch.setenv("SKMETA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(_meta_model, "_CACHE", {})

    def model():
        return get_meta_model(str(kb), "classification", meta_regressor=_small_forest())

    trained = model()
    (written,) = (tmp_path / "cache").glob("*.pkl")
    saved = written.read_bytes()
    written.unlink()
    key = next(iter(_meta_model._CACHE))

    def no_training(*args, **kwargs):
        raise AssertionError("trained while another process was training")

    # Another process is training this model: it holds the lock.
    monkeypatch.setattr(_meta_model, "_CACHE", {})
    monkeypatch.setattr(_meta_model, "_train", no_training)
    result = {}
    with _meta_model._training_lock(key):
        waiting = threading.Thread(target=lambda: result.update(model=model()))
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # waits instead of training
        written.write_bytes(saved)  # the other process is done
    waiting.join(10)
    assert not waiting.is_alive()
    assert isinstance(result["model"], type(trained))


def test_wrong_target_for_task(kb):
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="task='classification' needs class labels"):
        _selector(kb).fit(X, y)
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="task='regression' needs a numeric target"):
        _selector(kb, task="regression").fit(X, np.array(["a", "b", "c"])[y])


def test_knowledge_base_of_the_wrong_task(kb):
    X, y = load_iris(return_X_y=True)
    selector = _selector(kb / "regression")
    with pytest.raises(ValueError, match="holds regression experiments"):
        selector.fit(X, y)


def test_missing_knowledge_base(tmp_path):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(FileNotFoundError, match="is not a knowledge base"):
        _selector(tmp_path).fit(X, y)


def test_empty_candidate_space(kb):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="classification family"):
        _selector(kb, families=["ridge"]).fit(X, y)


def test_too_small_for_verification(kb):
    X, y = make_classification(20, 4, random_state=0)
    y[0] = 2  # a class with a single sample
    with pytest.raises(ValueError, match="too small for verification by 3-fold"):
        _selector(kb, cv=3).fit(X, y)
    # Without verification the same data is fine.
    _selector(kb, n_verify=0).fit(X, y)


def test_unsupported_scoring(kb):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="scoring"):
        _selector(kb, scoring="f1").fit(X, y)
