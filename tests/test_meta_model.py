"""The meta-regressors: nearest datasets by hand, the blend, score reporting."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import (
    ExtraTreesRegressor,
    HistGradientBoostingRegressor,
    RandomForestRegressor,
    VotingRegressor,
)
from threadpoolctl import threadpool_limits

from skmeta.metalearning import NearestDatasetsRegressor, make_meta_regressor
from skmeta.metalearning._meta_model import (
    BLEND_FOREST_TREES,
    BLEND_FOREST_WEIGHTS,
    BLEND_NEAREST_NEIGHBOURS,
    BLEND_NEAREST_WEIGHTS,
    DEFAULT_META_REGRESSOR,
    META_REGRESSORS,
    MetaModel,
    build_meta_dataset,
)
from skmeta.metalearning._toy import make_toy_knowledge_base


def _meta_frame(rows):
    """A meta-dataset of (size, family a?, family b?, hyperparameter) rows."""
    return pd.DataFrame(rows, columns=["mf:size", "family=a", "family=b", "a__h"])


def test_nearest_datasets_by_hand():
    # Two datasets (size 0 and size 10), each with two configurations of family
    # a (h = 0 and h = 1) and one of family b.
    X = _meta_frame(
        [
            [0, 1, 0, 0.0],
            [0, 1, 0, 1.0],
            [0, 0, 1, np.nan],
            [10, 1, 0, 0.0],
            [10, 1, 0, 1.0],
            [10, 0, 1, np.nan],
        ]
    )
    y = np.array([0.2, 0.8, 0.5, 0.6, 0.1, 0.9])
    model = NearestDatasetsRegressor(n_neighbors=2).fit(X, y)
    assert model.n_datasets_ == 2
    # A query at size 2.5: scaled distances 0.25 and 0.75, weights 4 and 4/3.
    query = _meta_frame([[2.5, 1, 0, 0.9], [2.5, 0, 1, np.nan]])
    predicted = model.predict(query)
    # Family a, h = 0.9: the closest configuration on each dataset is h = 1.
    assert predicted[0] == pytest.approx((4 * 0.8 + 4 / 3 * 0.1) / (4 + 4 / 3))
    assert predicted[1] == pytest.approx((4 * 0.5 + 4 / 3 * 0.9) / (4 + 4 / 3))
    # One neighbour: only the nearest dataset speaks.
    nearest = clone(model).set_params(n_neighbors=1).fit(X, y)
    assert nearest.predict(query) == pytest.approx([0.8, 0.5])
    # Rows of several datasets in one call are answered each by its own.
    both = _meta_frame([[2.5, 1, 0, 0.9], [9.0, 1, 0, 0.9]])
    assert nearest.predict(both) == pytest.approx([0.8, 0.1])


def test_nearest_datasets_match_on_the_family_hyperparameters():
    # Family b's configurations set b__g, family a's a__h. A family-b query is
    # matched on b__g alone, and a hyperparameter no stored configuration of the
    # family sets (a__h on a family-b row) adds the same to every distance.
    X = pd.DataFrame(
        [[0, 1, 0, 0.0, np.nan], [0, 0, 1, np.nan, 1.0], [0, 0, 1, np.nan, 5.0]],
        columns=["mf:size", "family=a", "family=b", "a__h", "b__g"],
    )
    y = np.array([0.1, 0.3, 0.7])
    model = NearestDatasetsRegressor(n_neighbors=1).fit(X, y)
    assert {k: list(v) for k, v in model.family_hp_.items()} == {0: [0], 1: [1]}
    query = pd.DataFrame(
        [[0, 0, 1, np.nan, 4.0], [0, 0, 1, 9.0, 4.0], [0, 0, 1, np.nan, 1.5]],
        columns=X.columns,
    )
    assert model.predict(query) == pytest.approx([0.7, 0.7, 0.3])


@pytest.mark.parametrize("n_queries", [40, 3000])
@pytest.mark.parametrize("n_columns", [0, 1, 4, 11])
def test_hyperparameter_distances_by_hand(n_queries, n_columns):
    # |a - b| where both are set, 0 where neither is, 3 where one is. A ranking's
    # many queries (one compiled pass per pair of missing-value patterns) sum the
    # columns in order, to the bit; a cross-validation's few sum one array.
    from skmeta.metalearning._meta_model import _hp_distances

    rng = np.random.default_rng(n_columns)
    a = rng.normal(size=(n_queries, n_columns)) * 10.0 ** rng.integers(-3, 4, n_columns)
    b = rng.normal(size=(25, n_columns))
    a[rng.random(a.shape) < 0.2] = np.nan
    b[rng.random(b.shape) < 0.3] = np.nan
    expected = np.zeros((n_queries, 25))
    for column in range(n_columns):
        left, right = a[:, column, None], b[None, :, column]
        term = np.abs(left - right)
        term[np.isnan(left) & np.isnan(right)] = 0.0
        term[np.isnan(left) != np.isnan(right)] = 3.0
        expected += term
    if n_queries >= 256:
        assert np.array_equal(_hp_distances(a, b), expected)
    assert np.allclose(_hp_distances(a, b), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_blend_is_the_weighted_mean_of_its_members(tmp_path, task):
    from skmeta.metalearning import load_knowledge_base

    path = make_toy_knowledge_base(tmp_path / task, task)
    meta = build_meta_dataset(load_knowledge_base(task, path), task)
    train = meta.dataset_id != meta.dataset_id[0]
    X, y = meta.X[train], meta.normalised[train]
    blend = make_meta_regressor("blend", task=task).fit(X, y)
    members = {
        "gradient_boosting": make_meta_regressor("gradient_boosting"),
        "random_forest": make_meta_regressor("random_forest").set_params(
            n_estimators=BLEND_FOREST_TREES
        ),
        "nearest_datasets": NearestDatasetsRegressor(BLEND_NEAREST_NEIGHBOURS[task]),
    }
    shares = {
        "random_forest": BLEND_FOREST_WEIGHTS[task],
        "nearest_datasets": BLEND_NEAREST_WEIGHTS[task],
    }
    shares["gradient_boosting"] = 1 - sum(shares.values())
    test = meta.X[~train]
    expected = sum(
        shares[name] * member.fit(X, y).predict(test)
        for name, member in members.items()
    )
    assert blend.predict(test) == pytest.approx(expected)
    # A member without a share is not trained.
    assert [name for name, _ in blend.estimators] == [
        name for name in members if shares[name] > 0
    ]
    assert DEFAULT_META_REGRESSOR in META_REGRESSORS


@pytest.mark.parametrize("weights", [None, [2.0, 1.0, 3.0]])
def test_blend_members_predict_side_by_side_as_voting_does(weights):
    # MetaModel runs a VotingRegressor's members in threads; the result is
    # VotingRegressor.predict's to the bit, dropped members and weights included.
    from sklearn.linear_model import LinearRegression
    from sklearn.tree import DecisionTreeRegressor

    from skmeta.metalearning._meta_model import _predict_members_side_by_side

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(300, 4)), columns=list("abcd"))
    y = X["a"] * 2 + np.sin(X["b"]) + rng.normal(scale=0.1, size=300)
    voting = VotingRegressor(
        [
            ("tree", DecisionTreeRegressor(max_depth=4, random_state=0)),
            ("dropped", "drop"),
            ("linear", LinearRegression()),
        ],
        weights=weights,
    ).fit(X, y)
    expected = voting.predict(X)
    assert np.array_equal(_predict_members_side_by_side(voting, X), expected)
    with threadpool_limits(1):  # the members take turns
        assert np.array_equal(_predict_members_side_by_side(voting, X), expected)
    members = [member.predict(X) for member in voting.estimators_]
    kept = None if weights is None else [weights[0], weights[2]]
    assert np.allclose(expected, np.average(members, axis=0, weights=kept))


def test_missing_as_constant_is_the_constant_imputer(tmp_path):
    # The booster's first step, faster than SimpleImputer, and the same numbers.
    from sklearn.impute import SimpleImputer

    from skmeta.metalearning import load_knowledge_base
    from skmeta.metalearning._meta_model import _MissingAsConstant

    path = make_toy_knowledge_base(tmp_path / "classification", "classification")
    meta = build_meta_dataset(
        load_knowledge_base("classification", path), "classification"
    )
    X = meta.X.copy()
    X.iloc[:, 0] = np.nan  # a column with no value at all is kept
    assert np.isnan(X.to_numpy()).any(axis=0).sum() > 1
    expected = SimpleImputer(
        strategy="constant", fill_value=-1e6, keep_empty_features=True
    ).fit_transform(X)
    filled = _MissingAsConstant(-1e6).fit(X).transform(X)
    assert isinstance(filled, np.ndarray)
    assert np.array_equal(filled, expected)
    with pytest.raises(ValueError, match="expected .* columns, as in fit"):
        _MissingAsConstant(-1e6).fit(X).transform(X.iloc[:, 1:])


def _one_leaf_per_tree(model):
    if hasattr(model, "_predictors"):
        return all(p.nodes[0]["is_leaf"] for (p,) in model._predictors)
    return all(tree.tree_.node_count == 1 for tree in model.estimators_)


@pytest.mark.parametrize(
    "model",
    [
        HistGradientBoostingRegressor(max_iter=30, random_state=0),
        RandomForestRegressor(n_estimators=10, max_features=0.5, random_state=0),
        ExtraTreesRegressor(n_estimators=10, random_state=0),
    ],
    ids=["booster", "forest", "extra-trees"],
)
def test_resolving_constant_columns_predicts_as_the_trees(model):
    # A ranking's rows share their meta-features: the trees' splits on those
    # columns are resolved once, and every prediction stays the model's, to the
    # bit (missing values routed as fitted).
    from skmeta.metalearning._meta_model import _predict_rows, _resolve_constant_splits

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 5))
    X[rng.random(X.shape) < 0.2] = np.nan
    y = np.nan_to_num(X[:, 0] * X[:, 1]) + np.nan_to_num(X[:, 2])
    model = clone(model).fit(X, y)
    query = rng.normal(size=(400, 5))
    query[::3, 3] = np.nan
    query[:, 0] = 0.3  # one dataset's meta-features, and one missing
    query[:, 1] = np.nan
    expected = model.predict(query)
    resolved = _resolve_constant_splits(model, query)
    assert resolved is not model
    assert np.array_equal(resolved.predict(query), expected)
    assert np.array_equal(model.predict(query), expected)  # the original unchanged
    assert np.array_equal(_predict_rows(model, query), expected)
    # Every column of one value: each tree is resolved to one leaf.
    same = np.repeat(query[:1], 50, axis=0)
    same[:, 1] = 1.5
    same[:, 3] = -0.2
    resolved = _resolve_constant_splits(model, same)
    assert _one_leaf_per_tree(resolved) and not _one_leaf_per_tree(model)
    assert np.array_equal(resolved.predict(same), model.predict(same))
    # No column of one value: the model itself.
    assert _resolve_constant_splits(model, X) is model


def test_resolving_constant_columns_in_a_pipeline():
    # Through the steps before the booster; categorical columns (which the
    # booster's trees read reordered) are left alone.
    from skmeta.metalearning._meta_model import _predict_rows, _resolve_constant_splits

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 5))
    X[rng.random(X.shape) < 0.2] = np.nan
    y = np.nan_to_num(X[:, 0] * X[:, 1])
    query = rng.normal(size=(400, 5))
    query[:, 0] = np.nan
    query[:, 2] = 0.5
    pipe = make_meta_regressor("gradient_boosting").set_params(
        histgradientboostingregressor__max_iter=30
    )
    pipe.fit(X, y)
    assert np.array_equal(_predict_rows(pipe, query), pipe.predict(query))
    categorical = HistGradientBoostingRegressor(
        max_iter=5, categorical_features=[4]
    ).fit(np.column_stack([X[:, :4], rng.integers(0, 3, 600)]), y)
    assert _resolve_constant_splits(categorical, query) is categorical


def test_forest_spread_on_one_dataset(tmp_path):
    # A forest meta-model's uncertainty is its trees' spread; on one dataset's
    # rows (meta-features resolved) the same as the trees' own.
    from skmeta.metalearning import load_knowledge_base

    path = make_toy_knowledge_base(tmp_path / "classification", "classification")
    meta = build_meta_dataset(
        load_knowledge_base("classification", path), "classification"
    )
    forest = make_meta_regressor("random_forest").set_params(n_estimators=10)
    model = MetaModel(forest, target="raw").fit(meta)
    rows = meta.X[meta.dataset_id == meta.dataset_id[0]]
    inner = rows.to_numpy(np.float32)
    trees = model.regressor_.estimators_
    expected = np.stack([tree.predict(inner) for tree in trees]).std(axis=0)
    assert np.array_equal(model.predict(rows).std, expected)
    assert np.array_equal(model.predict(rows).target, model.regressor_.predict(rows))


def test_blend_needs_its_task():
    # The weights were chosen per task: the blend needs to know which.
    with pytest.raises(ValueError, match="pass task='classification' or"):
        make_meta_regressor("blend")


def test_reported_score_stays_in_the_predicted_range(tmp_path):
    from skmeta.metalearning import load_knowledge_base

    path = make_toy_knowledge_base(tmp_path / "classification", "classification")
    meta = build_meta_dataset(
        load_knowledge_base("classification", path), "classification"
    )
    model = MetaModel(make_meta_regressor("blend", task="classification")).fit(meta)
    rows = meta.X.iloc[:40]
    predicted = model.predict(rows)
    # The blend has no trees to spread: no uncertainty.
    assert np.isnan(predicted.std).all()
    # However far the normalised prediction strays past [0, 1], the reported
    # balanced accuracy stays within the dataset's predicted worst and best.
    model.regressor_ = _Constant(1.5)
    above = model.predict(rows)
    model.regressor_ = _Constant(-0.5)
    below = model.predict(rows)
    assert (above.target == 1.5).all()
    assert (above.score >= below.score).all()
    assert above.score.max() <= meta.raw.max() + 1e-9
    assert below.score.min() >= meta.raw.min() - 1e-9
    # A raw prediction ranks as predicted but is reported within the measured
    # scores' range (no balanced accuracy of 1.5).
    raw = MetaModel(make_meta_regressor("linear"), target="raw").fit(meta)
    raw.regressor_ = _Constant(1.5)
    above = raw.predict(rows)
    assert (above.target == 1.5).all()
    assert (above.score == meta.raw.max()).all()
    raw.regressor_ = _Constant(-0.5)
    assert (raw.predict(rows).score == meta.raw.min()).all()


class _Constant:
    def __init__(self, value):
        self.value = value

    def predict(self, X):
        return np.full(len(X), self.value)


def test_hyperparameter_distances_both_ways():
    from skmeta.metalearning._meta_model import _hp_distances

    rng = np.random.RandomState(0)
    a = rng.normal(size=(300, 4))
    b = rng.normal(size=(7, 4))
    a[rng.rand(*a.shape) < 0.2] = np.nan
    b[rng.rand(*b.shape) < 0.3] = np.nan
    a[:, 0] = rng.normal(size=300)  # a column set everywhere
    b[:, 0] = rng.normal(size=7)

    def by_hand(x, y):
        if np.isnan(x) and np.isnan(y):
            return 0.0
        if np.isnan(x) or np.isnan(y):
            return 3.0
        return abs(x - y)

    expected = np.array(
        [[sum(by_hand(x, y) for x, y in zip(p, q, strict=True)) for q in b] for p in a]
    )
    # Many queries go one column at a time, few in one array: the same result.
    np.testing.assert_allclose(_hp_distances(a, b), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        _hp_distances(a[:10], b), expected[:10], rtol=0, atol=1e-12
    )
