"""Complexity, clustering and instance-hardness measures against pymfe 0.4.4."""

import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from scipy.spatial.distance import cdist
from sklearn.datasets import load_breast_cancer, load_iris, load_wine, make_blobs
from sklearn.neighbors import KNeighborsClassifier

from skmeta.metafeatures import _complexity
from skmeta.metafeatures._clustering import CLUSTERING_FEATURES, clustering_features
from skmeta.metafeatures._complexity import (
    COMPLEXITY_FEATURES,
    REGRESSION_COMPLEXITY_FEATURES,
    complexity_features,
)
from skmeta.metafeatures._instance import InstanceHardness

pymfe_mfe = pytest.importorskip("pymfe.mfe")

PMLB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pmlb"
# Small PMLB sets chosen for variety: duplicate rows (hayes_roth, monk1,
# haberman), many classes (glass, ecoli), discrete attributes (balance_scale).
PMLB_SETS = ["haberman", "glass", "ecoli", "monk1", "hayes_roth", "balance_scale"]
SKLEARN_SETS = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
}
SEED = 0

# pymfe 0.4.4 cannot compute f1v with current NumPy (it stores a 1x1 array in
# a float slot) and computes n4 from a distance matrix that gower mirrors; both
# are tested separately below.
NOT_COMPARED = {"f1v", "n4"}


def load(name):
    if name in SKLEARN_SETS:
        X, y = SKLEARN_SETS[name](return_X_y=True)
        return X.astype(float), y
    if not PMLB.is_dir():
        pytest.skip(f"PMLB data not available at {PMLB} (../shared/data is absent)")
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(PMLB / name / f"{name}.tsv.gz", sep="\t")
    X = frame.drop(columns="target").to_numpy(dtype=float)
    return X, np.unique(frame["target"], return_inverse=True)[1]


def pymfe_values(X, y, groups):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mfe = pymfe_mfe.MFE(groups=groups, summary=None, random_state=SEED)
        names, values = mfe.fit(X, y).extract()
    return dict(zip(names, values, strict=True))


@pytest.fixture(scope="module", params=[*SKLEARN_SETS, *PMLB_SETS])
def dataset(request):
    """A dataset with pymfe's complexity and clustering values (computed once)."""
    X, y = load(request.param)
    return X, y, pymfe_values(X, y, ["complexity", "clustering"])


def assert_same(name, expected, actual):
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    assert expected.shape == actual.shape, name
    # hubs is 1 - an eigenvector computed iteratively (ARPACK in both): values
    # near 0 agree in absolute terms only.
    atol = 1e-9 if name == "hubs" else 0.0
    np.testing.assert_allclose(
        actual, expected, rtol=1e-6, atol=atol, equal_nan=True, err_msg=name
    )


def test_complexity_matches_pymfe(dataset):
    X, y, expected = dataset
    values, reasons = complexity_features(X, y, max_samples=None, random_state=SEED)
    assert set(values) == {*COMPLEXITY_FEATURES, *REGRESSION_COMPLEXITY_FEATURES}
    for name in REGRESSION_COMPLEXITY_FEATURES:
        assert reasons.pop(name) == "defined for regression only"
    # Reasons explain NaN elements (a constant attribute, duplicate rows).
    assert all(np.isnan(values[name]).any() for name in reasons)
    for name in set(COMPLEXITY_FEATURES) - NOT_COMPARED:
        assert_same(name, expected[name], values[name])


def test_clustering_matches_pymfe(dataset):
    X, y, expected = dataset
    values, reasons = clustering_features(X, y, max_samples=None, random_state=SEED)
    assert set(values) == set(CLUSTERING_FEATURES)
    assert not reasons
    for name in CLUSTERING_FEATURES:
        assert_same(name, expected[name], values[name])


def test_f1v_is_fisher_ratio_of_the_best_direction():
    """For two classes, f1v's ratio is the largest generalised eigenvalue of
    the between- and within-class scatter (Fisher's linear discriminant)."""
    X, y = load_breast_cancer(return_X_y=True)
    X = X[:, :6]
    values, _ = complexity_features(X, y, max_samples=None, random_state=SEED)
    counts = np.bincount(y)
    within = sum(c * np.cov(X[y == k], rowvar=False) for k, c in enumerate(counts))
    within /= counts.sum()
    delta = X[y == 0].mean(axis=0) - X[y == 1].mean(axis=0)
    between = np.outer(delta, delta)
    ratio = scipy.linalg.eigh(between, within, eigvals_only=True).max()
    np.testing.assert_allclose(values["f1v"], [1.0 / (1.0 + ratio)], rtol=1e-8)


@pytest.mark.parametrize("name", ["iris", "wine"])
def test_n4_uses_pymfe_points_and_true_distances(name):
    """n4 labels pymfe's interpolated points (same seed) with the 1-NN of the
    correct Gower distances; pymfe 0.4.4's own value mirrors that matrix."""
    from pymfe import _utils
    from pymfe.complexity import MFEComplexity

    X, y = load(name)
    scaled = MFEComplexity._scale_N(X)
    points, labels = MFEComplexity._interpolate(
        scaled, y, _utils.calc_cls_inds(y), random_state=SEED
    )
    train = (cdist(scaled, scaled, "cityblock") / X.shape[1]).astype(np.float32)
    test = (cdist(points, scaled, "cityblock") / X.shape[1]).astype(np.float32)
    knn = KNeighborsClassifier(n_neighbors=1, metric="precomputed").fit(train, y)
    expected = (knn.predict(test) != labels).astype(int)
    values, _ = complexity_features(X, y, max_samples=None, random_state=SEED)
    np.testing.assert_array_equal(values["n4"], expected)


@pytest.mark.parametrize("name", ["wine", "breast_cancer"])
def test_n1_by_prim_matches_pymfe_when_the_tree_is_unique(name, monkeypatch):
    """Above _KRUSKAL_MAX_ROWS rows n1 uses Prim's algorithm: same tree as
    pymfe's Kruskal when no two distances tie (these sets)."""
    X, y = load(name)
    expected = pymfe_values(X, y, ["complexity"])["n1"]
    monkeypatch.setattr(_complexity, "_KRUSKAL_MAX_ROWS", 10)
    values, _ = complexity_features(X, y, max_samples=None, random_state=SEED)
    assert values["n1"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", ["wine", "breast_cancer"])
def test_instance_hardness_agrees_with_n3_and_n2(name):
    X, y = load(name)
    assert len(np.unique(X, axis=0)) == len(X)
    expected = pymfe_values(X, y, ["complexity"])
    hardness = InstanceHardness(n_neighbors=5).fit(X, y)
    features = dict(zip(hardness.feature_names_, hardness.transform(X).T, strict=True))
    np.testing.assert_allclose(
        features["nn_disagreement"].mean(), expected["n3"].mean(), rtol=1e-12
    )
    np.testing.assert_allclose(
        features["intra_extra"].mean(), expected["n2"].mean(), rtol=1e-6
    )


def test_instance_hardness_is_deterministic_and_local():
    X, y = load("iris")
    hardness = InstanceHardness(n_neighbors=7, random_state=0).fit(X, y)
    first = hardness.transform(X)
    assert first.shape == (150, len(hardness.feature_names_))
    np.testing.assert_array_equal(first, hardness.transform(X))
    # Each row is described independently of the others in the call.
    np.testing.assert_array_equal(first[::-1], hardness.transform(X[::-1]))
    np.testing.assert_array_equal(first[:5], hardness.transform(X[:5]))
    features = dict(zip(hardness.feature_names_, first.T, strict=True))
    for name in ("knn_disagreement", "knn_entropy", "intra_extra"):
        assert np.all((features[name] >= 0) & (features[name] <= 1)), name
    # A new row far inside class 0 is easy: all its neighbours agree.
    inside = X[y == 0].mean(axis=0, keepdims=True)
    new = dict(zip(hardness.feature_names_, hardness.transform(inside)[0], strict=True))
    assert new["knn_disagreement"] == 0 and new["knn_entropy"] == 0
    assert new["nn_distance"] > 0


def test_instance_hardness_regression_and_unsupervised():
    X, y = load("wine")
    target = X[:, 0] + y
    reg = InstanceHardness(n_neighbors=3).fit(X[:, 1:], target)
    assert reg.feature_names_ == [
        "knn_target_std",
        "nn_target_deviation",
        "nn_distance",
        "knn_mean_distance",
    ]
    assert np.isfinite(reg.transform(X[:, 1:])).all()
    unsup = InstanceHardness().fit(X)
    assert unsup.feature_names_ == ["nn_distance", "knn_mean_distance"]
    out = unsup.transform(X)
    # k = 10 neighbours, the row itself excluded: mean >= nearest.
    assert (out[:, 1] >= out[:, 0]).all()
    with pytest.raises(ValueError, match="at least 2 rows and 1 column"):
        InstanceHardness().fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="expected"):
        unsup.transform(X[:, :3])


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(
        n_samples=3000, centers=3, n_features=5, cluster_std=1.0, random_state=0
    )
    return X, y


def test_subsample_is_close_to_the_full_value(blobs):
    X, y = blobs
    full, _ = complexity_features(X, y, max_samples=None, random_state=SEED)
    sub, _ = complexity_features(X, y, max_samples=600, random_state=SEED)
    for name in ("n1", "lsc", "density", "cls_coef"):
        assert np.isfinite(sub[name]), name
        assert abs(sub[name] - full[name]) < 0.05, name
    for name in ("n2", "n3", "hubs"):
        assert sub[name].shape == (600,)
        assert abs(np.mean(sub[name]) - np.mean(full[name])) < 0.05, name
    # Measures linear in n still use every row.
    assert full["f1"].tolist() == sub["f1"].tolist()
    full_c, _ = clustering_features(X, y, max_samples=None, random_state=SEED)
    sub_c, _ = clustering_features(X, y, max_samples=600, random_state=SEED)
    assert full_c["ch"] == sub_c["ch"]
    for name in ("int", "sil", "pb"):
        np.testing.assert_allclose(sub_c[name], full_c[name], rtol=0.05, err_msg=name)
    # Same seed, same subsample.
    again, _ = complexity_features(X, y, max_samples=600, random_state=SEED)
    assert again["n1"] == sub["n1"]


def test_subsample_never_builds_the_full_distance_matrix():
    X, y = make_blobs(n_samples=12_000, centers=2, n_features=4, random_state=0)
    tracemalloc.start()
    try:
        values, _ = complexity_features(X, y, max_samples=800, random_state=SEED)
        clustering_features(X, y, max_samples=800, random_state=SEED)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # An n x n single-precision matrix alone would take 576 MB.
    assert peak < 100e6
    assert np.isfinite(values["n1"]) and values["n3"].shape == (800,)


def test_target_none_and_regression():
    X, y = load("iris")
    class_based = set(COMPLEXITY_FEATURES) - {"t2", "t3", "t4"}
    for target, reason in [
        (None, "needs a class target (y is None)"),
        (X[:, 0].copy(), "defined for classification only"),
    ]:
        values, reasons = complexity_features(
            X[:, 1:], target, max_samples=None, random_state=SEED
        )
        np.testing.assert_allclose(values["t2"], 3 / 150)
        assert np.isfinite(values["t3"]) and np.isfinite(values["t4"])
        assert {reasons[name] for name in class_based} == {reason}
        values, reasons = clustering_features(
            X[:, 1:], target, max_samples=None, random_state=SEED
        )
        assert np.isnan(list(values.values())).all()
        assert set(reasons) == set(CLUSTERING_FEATURES)
    values, reasons = complexity_features(
        X[:, 1:], None, max_samples=None, random_state=SEED
    )
    assert reasons["nn_loo_mse"] == "needs a regression target (y is None)"


def test_regression_measures_on_a_line():
    """y = x on 11 equally spaced points: both scale to steps of 0.1."""
    x = np.arange(11.0)
    values, reasons = complexity_features(
        x[:, None], x, max_samples=None, random_state=SEED
    )
    assert not set(reasons) & set(REGRESSION_COMPLEXITY_FEATURES)
    assert values["target_corr_max"] == pytest.approx(1.0)
    assert values["target_corr_mean"] == pytest.approx(1.0)
    for name in ("linear_mae", "linear_mse", "linear_interp_mse"):
        assert values[name] == pytest.approx(0.0, abs=1e-12), name
    # Consecutive rows (by target, and in the spanning tree) are 0.1 apart.
    assert values["target_order_input_dist"] == pytest.approx(0.1)
    assert values["mst_target_diff"] == pytest.approx(0.1)
    # Leave-one-out: the nearest row is a neighbour on the line.
    assert values["nn_loo_mse"] == pytest.approx(0.01)
    # A point between two rows is at most 0.05 from the nearer one.
    assert 0 < values["nn_interp_mse"] <= 0.05**2


def test_regression_measures_match_scipy_and_sklearn():
    from scipy.stats import spearmanr
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression
    from sklearn.preprocessing import minmax_scale

    X, y = load_diabetes(return_X_y=True)
    values, _ = complexity_features(X, y, max_samples=None, random_state=SEED)
    rho = np.abs([spearmanr(X[:, j], y)[0] for j in range(X.shape[1])])
    assert values["target_corr_max"] == pytest.approx(rho.max(), rel=1e-10)
    assert values["target_corr_mean"] == pytest.approx(rho.mean(), rel=1e-10)
    X01, y01 = minmax_scale(X), minmax_scale(y)
    residuals = y01 - LinearRegression().fit(X01, y01).predict(X01)
    assert values["linear_mae"] == pytest.approx(np.abs(residuals).mean(), rel=1e-8)
    assert values["linear_mse"] == pytest.approx(np.mean(residuals**2), rel=1e-8)
    # Noise makes a smooth target rough: every measure grows.
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(400, 3))
    smooth = 2 * X[:, 0] + X[:, 1]
    noisy = smooth + rng.normal(scale=0.5, size=smooth.size)
    easy, _ = complexity_features(X, smooth, max_samples=None, random_state=SEED)
    hard, _ = complexity_features(X, noisy, max_samples=None, random_state=SEED)
    for name in ("linear_mse", "nn_loo_mse", "mst_target_diff", "nn_interp_mse"):
        assert hard[name] > easy[name], name
    assert hard["target_corr_max"] < easy["target_corr_max"]
    constant, reasons = complexity_features(
        X, np.ones(len(y)), max_samples=None, random_state=SEED
    )
    assert reasons["linear_mse"] == "the target is constant"


def test_one_class():
    X, _ = load("iris")
    y = np.zeros(len(X), dtype=int)
    values, reasons = complexity_features(X, y, max_samples=None, random_state=SEED)
    assert reasons["n1"] == "needs at least two classes"
    assert np.isnan(values["f1"]) and np.isfinite(values["t3"])
    values, reasons = clustering_features(X, y, max_samples=None, random_state=SEED)
    assert values["nre"] == 0 and values["sc"] == 0
    assert reasons["sil"] == "needs at least two classes"


def test_constant_column_and_duplicate_rows_match_pymfe():
    X, y = load("iris")
    # A constant column and every row of class 2 duplicated.
    X = np.column_stack([X, np.full(len(X), 3.0)])
    X, y = np.vstack([X, X[y == 2]]), np.concatenate([y, y[y == 2]])
    expected = pymfe_values(X, y, ["complexity", "clustering"])
    with np.errstate(all="ignore"):
        values, _ = complexity_features(X, y, max_samples=None, random_state=SEED)
    values.update(clustering_features(X, y, max_samples=None, random_state=SEED)[0])
    assert np.isnan(values["f1"][-1])
    for name in (set(COMPLEXITY_FEATURES) | set(CLUSTERING_FEATURES)) - NOT_COMPARED:
        assert_same(name, expected[name], values[name])


def test_two_samples():
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1])
    values, _ = complexity_features(X, y, max_samples=None, random_state=SEED)
    assert values["n1"] == 1.0 and values["n3"].tolist() == [1, 1]
    assert values["t2"] == 1.0
    values, reasons = clustering_features(X, y, max_samples=None, random_state=SEED)
    assert reasons["sil"] == "needs fewer classes than samples"
    assert values["nre"] == pytest.approx(np.log(2))


def test_degenerate_data_gives_nan_with_reasons():
    y = np.array([0, 1, 0, 1])
    with np.errstate(all="ignore"):
        equal, reasons = complexity_features(
            np.ones((4, 3)), y, max_samples=None, random_state=SEED
        )
    assert reasons["t3"] == "all rows are equal: no principal component"
    assert np.isnan(equal["f1"]).all() and "f1" in reasons
    assert equal["c1"] == 1.0 and equal["n1"] == 0.0
    empty, reasons = complexity_features(
        np.zeros((4, 0)), y, max_samples=None, random_state=SEED
    )
    assert empty["c2"] == 0.0 and reasons["n3"] == "needs at least one attribute"
    values, reasons = clustering_features(
        np.ones((4, 3)), y, max_samples=None, random_state=SEED
    )
    assert reasons["vdu"] == "needs a class with two distinct rows"
    values, reasons = clustering_features(
        np.zeros((4, 0)), y, max_samples=None, random_state=SEED
    )
    assert np.isnan(values["sil"]) and values["nre"] == pytest.approx(np.log(2))


def test_instance_hardness_by_hand():
    # 1-D, Gower distance = |a - b| / 3; two neighbours.
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    hardness = InstanceHardness(n_neighbors=2).fit(X, y)
    out = hardness.transform(np.array([[0.0], [1.0], [1.4]]))
    got = {name: out[:, i] for i, name in enumerate(hardness.feature_names_)}
    # Row 0: neighbours 1 (same class) and 2 (other class).
    # Row 1: neighbours 0 and 2 at the same distance (ties to the lower index).
    # Row 1.4 is new: neighbours 1 and 2 tie on votes, the nearest (class 0)
    # is its reference class.
    np.testing.assert_allclose(got["knn_disagreement"], [0.5, 0.5, 0.5])
    np.testing.assert_allclose(got["nn_disagreement"], [0, 0, 0])
    np.testing.assert_allclose(got["knn_entropy"], [1, 1, 1])
    # r / (1 + r), r = nearest own class / nearest other class.
    np.testing.assert_allclose(got["intra_extra"], [1 / 3, 1 / 2, 0.4], rtol=1e-6)
    np.testing.assert_allclose(got["nn_distance"], [1 / 3, 1 / 3, 0.4 / 3], rtol=1e-6)
    np.testing.assert_allclose(
        got["knn_mean_distance"], [0.5, 1 / 3, 0.5 / 3], rtol=1e-6
    )
    assert np.all((got["naive_bayes_proba"] > 0) & (got["naive_bayes_proba"] < 1))


def test_subsample_is_stratified_and_keeps_every_class():
    y = np.repeat([0, 1, 2, 3], [900, 90, 9, 1])
    rows = _complexity._subsample(y.size, y, 100, 0)
    assert rows.size == 100 and np.all(np.diff(rows) > 0)
    np.testing.assert_array_equal(np.bincount(y[rows]), [89, 9, 1, 1])
    np.testing.assert_array_equal(rows, _complexity._subsample(y.size, y, 100, 0))
    assert _complexity._subsample(y.size, y, None, 0).size == y.size
