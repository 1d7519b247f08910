"""MetaFeatureExtractor against pymfe 0.4.4, hand computations and bad input.

pymfe is run live on each dataset (once, cached for the module) with the same
``random_state``; every meta-feature both libraries define must agree to
rtol 1e-6, except the documented differences below.
"""

import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
import scipy.stats
from sklearn import datasets
from sklearn.model_selection import KFold, cross_val_score
from sklearn.tree import DecisionTreeRegressor

from skmeta import MetaFeatureExtractor
from skmeta.cli import main

PMLB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "pmlb"
DEFAULT_GROUPS = ["general", "statistical", "info-theory", "landmarking", "model-based"]
SKLEARN_DATASETS = ["iris", "wine", "breast_cancer", "digits"]
# Small and medium PMLB classification sets: numeric, discrete and mixed
# attributes, 2 to 10 classes, balanced and not.
PMLB_DATASETS = [
    "balance_scale",
    "breast_w",
    "dermatology",
    "diabetes",
    "ecoli",
    "haberman",
    "hepatitis",
    "house_votes_84",
    "monk1",
    "prnn_crabs",
    "saheart",
    "tic_tac_toe",
    "yeast",
]
# pymfe fits scikit-learn's iterative CCA (tolerance 1e-6 on the weights);
# skmeta computes canonical correlations exactly.
CANONICAL = (
    "can_cor.mean",
    "can_cor.sd",
    "w_lambda",
    "lh_trace",
    "roy_root",
    "p_trace",
)
# New names, not in pymfe.
SKMETA_ONLY = {
    "nr_missing_values",
    "pct_missing_values",
    "nr_inst_with_missing",
    "pct_inst_with_missing",
    "nr_attr_with_missing",
    "pct_attr_with_missing",
}


def _load(name):
    if name in SKLEARN_DATASETS:
        return getattr(datasets, f"load_{name}")(return_X_y=True)
    path = PMLB / name / f"{name}.tsv.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared PMLB data is not checked out")
    frame = pd.read_csv(path, sep="\t")
    y = frame.pop("target").to_numpy()
    return frame.to_numpy(dtype=float), y


@pytest.fixture(scope="module")
def reference():
    """pymfe's and skmeta's meta-features per dataset, computed once."""
    pymfe_mfe = pytest.importorskip("pymfe.mfe")
    cache = {}

    def get(name):
        if name not in cache:
            X, y = _load(name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mfe = pymfe_mfe.MFE(groups=DEFAULT_GROUPS, random_state=0).fit(X, y)
                expected = dict(zip(*mfe.extract(), strict=True))
            ours = MetaFeatureExtractor(random_state=0).fit(X, y)
            cache[name] = X, y, expected, ours
        return cache[name]

    return get


def _sd_ratio_comparable(X, y):
    # pymfe pairs class covariances with the weights of the classes in reverse
    # order and reverses their rows: equal to Box's M only when every class
    # has the same size and reversing p rows keeps the determinant's sign.
    counts = np.unique(y, return_counts=True)[1]
    return np.all(counts == counts[0]) and (X.shape[1] // 2) % 2 == 0


@pytest.mark.parametrize("name", SKLEARN_DATASETS + PMLB_DATASETS)
def test_agrees_with_pymfe(reference, name):
    X, y, expected, ours = reference(name)
    values = ours.meta_features_
    assert set(values.index) - set(expected) == SKMETA_ONLY
    assert set(expected) <= set(values.index)
    mismatched = {}
    for key, want in expected.items():
        got, want = values[key], float(want)
        if key == "sd_ratio" and not _sd_ratio_comparable(X, y):
            continue
        if key in CANONICAL:
            # A canonical correlation of exactly 1 has an infinite eigenvalue:
            # skmeta says NaN, pymfe's iterations stop short of 1.
            if math.isnan(got) and key in ours.undefined_reasons_:
                continue
            rtol = 1e-3
        else:
            rtol = 1e-6
        if not np.isclose(got, want, rtol=rtol, atol=1e-12, equal_nan=True):
            mismatched[key] = (got, want)
    assert not mismatched, mismatched


def test_every_nan_has_a_reason(reference):
    *_, ours = reference("digits")
    undefined = ours.meta_features_.index[ours.meta_features_.isna()]
    assert set(undefined) == set(ours.undefined_reasons_)
    assert all(isinstance(r, str) and r for r in ours.undefined_reasons_.values())


def test_canonical_correlations_are_exact():
    # Independent check: the canonical correlations of one-hot classes are the
    # square roots of the eigenvalues of inv(T) B (between-class scatter B,
    # total scatter T), a textbook identity.
    X, y = datasets.load_wine(return_X_y=True)
    centred = X - X.mean(axis=0)
    total = centred.T @ centred
    between = sum(
        (y == c).sum()
        * np.outer(
            X[y == c].mean(axis=0) - X.mean(axis=0),
            X[y == c].mean(axis=0) - X.mean(axis=0),
        )
        for c in np.unique(y)
    )
    eig = np.sort(np.linalg.eigvals(np.linalg.solve(total, between)).real)[::-1][:2]
    mfe = MetaFeatureExtractor(
        groups="statistical", summary=["mean", "max", "min"]
    ).fit(X, y)
    np.testing.assert_allclose(
        [mfe.meta_features_["can_cor.max"], mfe.meta_features_["can_cor.min"]],
        np.sqrt(eig),
        rtol=1e-9,
    )


def test_pandas_categorical_agrees_with_pymfe():
    pymfe_mfe = pytest.importorskip("pymfe.mfe")
    X, y = datasets.load_iris(return_X_y=True)
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["colour"] = pd.Categorical(
        np.array(["red", "green", "blue"])[np.arange(150) % 3]
    )
    frame["size"] = np.where(X[:, 0] > 5.8, "big", "small")
    frame["flag"] = X[:, 1] > 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # pymfe reads categorical columns from an object array of strings.
        as_objects = frame.astype(str).to_numpy(dtype=object)
        as_objects[:, :4] = X
        expected = dict(
            zip(
                *pymfe_mfe.MFE(groups=DEFAULT_GROUPS, random_state=0)
                .fit(as_objects, y, cat_cols=[4, 5, 6])
                .extract(),
                strict=True,
            )
        )
    values = MetaFeatureExtractor(random_state=0).fit(frame, y).meta_features_
    assert values["nr_cat"] == 3 and values["nr_num"] == 4
    for key, want in expected.items():
        if key in CANONICAL or key == "sd_ratio":
            continue
        assert np.isclose(values[key], float(want), rtol=1e-6, equal_nan=True), key


def test_categories_of_booleans_beside_categories_of_strings():
    """A CSV's TRUE/FALSE column loaded as a category of booleans, beside a
    category of strings (scikit-learn's validation alone fails on the pair):
    the same meta-features as with the booleans spelled as strings."""
    X, y = datasets.load_iris(return_X_y=True)
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["colour"] = pd.Categorical(
        np.array(["red", "green", "blue"])[np.arange(150) % 3]
    )
    frame["flag"] = pd.Categorical(X[:, 1] > 3.0)
    spelled = frame.assign(flag=frame["flag"].astype(str).astype("category"))
    extractor = MetaFeatureExtractor(random_state=0)
    values = extractor.fit(frame, y).meta_features_
    expected = MetaFeatureExtractor(random_state=0).fit(spelled, y).meta_features_
    assert values["nr_cat"] == 2
    assert list(values.keys()) == list(expected.keys())
    for key, want in expected.items():
        assert np.isclose(values[key], want, equal_nan=True), key
    assert extractor.transform(frame.iloc[:5]).shape[0] == 5


def test_missing_values_counted_then_imputed():
    X = np.arange(40, dtype=float).reshape(10, 4)
    X[0, 1] = X[3, 1] = X[3, 2] = np.nan
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["cat"] = ["x", "y", None, "x", "y", "x", "x", None, "y", "x"]
    values = MetaFeatureExtractor(groups="general").fit(frame).meta_features_
    assert values["nr_missing_values"] == 5
    assert values["pct_missing_values"] == pytest.approx(5 / 50)
    assert values["nr_inst_with_missing"] == 4
    assert values["pct_inst_with_missing"] == pytest.approx(0.4)
    assert values["nr_attr_with_missing"] == 3
    assert values["pct_attr_with_missing"] == pytest.approx(3 / 5)
    assert values["nr_cat"] == 1 and values["nr_num"] == 4
    # Imputed with the median of the observed values: mean of column b.
    stats = MetaFeatureExtractor(groups="statistical", summary=["max"]).fit(X[:, [1]])
    observed = X[~np.isnan(X[:, 1]), 1]
    assert stats.meta_features_["max.max"] == observed.max()
    median_imputed = np.where(np.isnan(X[:, 1]), np.median(observed), X[:, 1])
    stats = MetaFeatureExtractor(groups="statistical", summary=["mean"]).fit(X[:, [1]])
    assert stats.meta_features_["mean.mean"] == pytest.approx(median_imputed.mean())


def test_regression_target():
    X, y = datasets.load_diabetes(return_X_y=True)
    mfe = MetaFeatureExtractor(random_state=0).fit(X, y)
    values = mfe.meta_features_
    assert mfe.target_type_ == "regression"
    assert values["target_mean"] == pytest.approx(y.mean())
    assert values["target_sd"] == pytest.approx(y.std(ddof=1))
    n = y.size
    assert values["target_skewness"] == pytest.approx(
        scipy.stats.skew(y) * ((n - 1) / n) ** 1.5
    )
    assert (
        math.isnan(values["nr_class"])
        and "regression" in mfe.undefined_reasons_["nr_class"]
    )
    assert math.isnan(values["naive_bayes.mean"])
    stump_r2 = cross_val_score(
        DecisionTreeRegressor(max_depth=1, random_state=0), X, y, cv=KFold(10)
    )
    assert values["best_node.mean"] == pytest.approx(stump_r2.mean())
    # A multiple correlation: the one canonical correlation with a single target.
    r2 = np.corrcoef(
        X @ np.linalg.lstsq(np.c_[X, np.ones(n)], y, rcond=None)[0][:-1], y
    )[0, 1]
    assert values["can_cor.mean"] == pytest.approx(abs(r2))


def test_integer_target_read_as_regression_on_request():
    X, _ = datasets.load_diabetes(return_X_y=True)
    y = np.arange(X.shape[0]) % 37
    assert (
        MetaFeatureExtractor(groups="general").fit(X, y).target_type_
        == "classification"
    )
    codes = (y % 3).astype(float)
    assert (
        MetaFeatureExtractor(groups="general").fit(X, codes).target_type_
        == "regression"
    )
    assert (
        MetaFeatureExtractor(groups="general", target_type="classification")
        .fit(X, codes)
        .target_type_
        == "classification"
    )
    mfe = MetaFeatureExtractor(groups="general", target_type="regression").fit(X, y)
    assert mfe.target_type_ == "regression"


def test_without_target_only_unsupervised_measures():
    X, y = datasets.load_iris(return_X_y=True)
    unsupervised = MetaFeatureExtractor(random_state=0).fit(X).meta_features_
    supervised = MetaFeatureExtractor(random_state=0).fit(X, y).meta_features_
    assert "nr_class" not in unsupervised and "one_nn.mean" not in unsupervised
    assert "leaves" not in unsupervised and "class_ent" not in unsupervised
    shared = unsupervised.index
    pd.testing.assert_series_equal(unsupervised, supervised[shared])


def test_summaries():
    X, y = datasets.load_iris(return_X_y=True)
    values = (
        MetaFeatureExtractor(
            groups="statistical", summary=["min", "max", "median", "count", "nanmean"]
        )
        .fit(X, y)
        .meta_features_
    )
    assert values["mean.max"] == pytest.approx(X.mean(axis=0).max())
    assert values["mean.count"] == 4
    assert values["sd.median"] == pytest.approx(np.median(X.std(axis=0, ddof=1)))
    assert values["mean.nanmean"] == pytest.approx(X.mean())


def test_transform_one_row_per_sample():
    X, y = datasets.load_iris(return_X_y=True, as_frame=True)
    X["kind"] = pd.Categorical(np.where(X.iloc[:, 0] > 5.8, "a", "b"))
    X.iloc[3, 1] = np.nan
    mfe = MetaFeatureExtractor(groups="general").set_output(transform="pandas")
    out = mfe.fit(X, y).transform(X.iloc[:20])
    assert isinstance(out, pd.DataFrame) and out.shape[0] == 20
    assert list(out.columns) == list(mfe.get_feature_names_out())
    assert np.isfinite(out.to_numpy()).all()
    # The fitted rows' nearest-neighbour disagreement averages to the
    # dataset-level 1-NN error over the same rows, pymfe's n3.
    hardness = mfe.set_output(transform="default").transform(X)
    column = list(mfe.get_feature_names_out()).index("nn_disagreement")
    complexity = MetaFeatureExtractor(groups="complexity").fit(X, y).meta_features_
    assert hardness[:, column].mean() == pytest.approx(complexity["n3.mean"])


def test_all_groups_include_complexity_and_clustering():
    X, y = datasets.load_iris(return_X_y=True)
    values = MetaFeatureExtractor(groups="all", random_state=0).fit(X, y).meta_features_
    for name in ("n1", "f1.mean", "t2", "ch", "sil", "vdb", "one_nn.mean", "leaves"):
        assert name in values


def test_max_samples_subsamples_landmarking_only():
    X, y = datasets.make_classification(600, 8, random_state=0)
    small = MetaFeatureExtractor(max_samples=100, random_state=0).fit(X, y)
    full = MetaFeatureExtractor(max_samples=1000, random_state=0).fit(X, y)
    assert small.meta_features_["leaves"] == full.meta_features_["leaves"]
    assert small.meta_features_["sd.mean"] == full.meta_features_["sd.mean"]
    landmarkers = ["one_nn.mean", "best_node.mean", "linear_discr.mean"]
    assert not small.meta_features_[landmarkers].equals(
        full.meta_features_[landmarkers]
    )


# Bad input: a clear error, or NaN meta-features with their reasons.


def test_empty_data_is_refused():
    with pytest.raises(ValueError, match="0 sample"):
        MetaFeatureExtractor().fit(np.empty((0, 3)))
    with pytest.raises(ValueError, match="0 feature"):
        MetaFeatureExtractor().fit(np.empty((5, 0)))


def test_one_sample_gives_nan_with_reasons():
    mfe = MetaFeatureExtractor(random_state=0).fit([[1.0, 2.0, 3.0]], [1])
    values = mfe.meta_features_
    assert values["nr_inst"] == 1
    assert math.isnan(values["sd.mean"]) and math.isnan(values["one_nn.mean"])
    assert "10 samples" in mfe.undefined_reasons_["one_nn.mean"]
    with pytest.raises(ValueError, match="at least 2 samples"):
        mfe.transform([[1.0, 2.0, 3.0]])


def test_one_class():
    X, _ = datasets.load_iris(return_X_y=True)
    mfe = MetaFeatureExtractor(random_state=0).fit(X, np.zeros(150, dtype=int))
    values = mfe.meta_features_
    assert values["nr_class"] == 1 and values["class_ent"] == 0
    assert math.isnan(values["gravity"])
    assert "two classes" in mfe.undefined_reasons_["gravity"]
    assert "two classes" in mfe.undefined_reasons_["sd_ratio"]


def test_constant_and_all_nan_columns():
    X, y = datasets.load_iris(return_X_y=True)
    X = np.c_[X, np.full(150, 7.0), np.full(150, np.nan)]
    mfe = MetaFeatureExtractor(random_state=0).fit(X, y)
    values = mfe.meta_features_
    assert values["nr_attr"] == 6 and values["nr_attr_with_missing"] == 1
    assert math.isnan(values["skewness.mean"])
    assert "constant" in mfe.undefined_reasons_["skewness.mean"]
    assert np.isfinite(values["one_nn.mean"]) and np.isfinite(values["attr_ent.mean"])


def test_infinity_is_refused():
    X, y = datasets.load_iris(return_X_y=True)
    X[5, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        MetaFeatureExtractor().fit(X, y)


def test_nan_in_target_is_refused():
    X, y = datasets.load_iris(return_X_y=True)
    y = y.astype(float)
    y[3] = np.nan
    with pytest.raises(ValueError, match="y contains NaN"):
        MetaFeatureExtractor().fit(X, y)


def test_sparse_input_is_refused():
    X, y = datasets.load_iris(return_X_y=True)
    with pytest.raises(TypeError, match="dense data is required"):
        MetaFeatureExtractor().fit(scipy.sparse.csr_matrix(X), y)


def test_ten_thousand_columns():
    rng = np.random.RandomState(0)
    X, y = rng.rand(40, 10_000), rng.randint(0, 2, 40)
    mfe = MetaFeatureExtractor(random_state=0).fit(X, y)
    values = mfe.meta_features_
    assert values["nr_attr"] == 10_000
    # 1,000 random attributes (499,500 pairs) stand for the 50 million pairs.
    assert 0 < values["cor.mean"] < 1
    # Rank 39: the covariance has 10,000 - 39 zero eigenvalues.
    assert values["eigenvalues.mean"] == pytest.approx(
        X.var(axis=0, ddof=1).sum() / 10_000
    )


@pytest.mark.parametrize(
    "params, match",
    [
        ({"groups": ["general", "nope"]}, "groups must be"),
        ({"summary": ["mean", "mode"]}, "summary must be"),
    ],
)
def test_invalid_lists_are_refused(params, match):
    X, y = datasets.load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        MetaFeatureExtractor(**params).fit(X, y)


# The command line.


@pytest.fixture
def iris_files(tmp_path):
    frame = datasets.load_iris(as_frame=True).frame
    paths = {
        "csv": tmp_path / "iris.csv",
        "tsv.gz": tmp_path / "iris.tsv.gz",
        "parquet": tmp_path / "iris.parquet",
    }
    frame.to_csv(paths["csv"], index=False)
    frame.to_csv(paths["tsv.gz"], sep="\t", index=False)
    frame.to_parquet(paths["parquet"])
    return paths


@pytest.mark.parametrize("kind", ["csv", "tsv.gz", "parquet"])
def test_cli_json(iris_files, kind, capsys):
    code = main(
        [
            "extract",
            str(iris_files[kind]),
            "--target",
            "target",
            "--groups",
            "general",
            "--format",
            "json",
        ]
    )
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["meta_features"]["nr_inst"] == 150
    assert payload["meta_features"]["nr_class"] == 3


def test_cli_table_and_csv(iris_files, capsys):
    assert (
        main(
            [
                "extract",
                str(iris_files["csv"]),
                "--target",
                "target",
                "--groups",
                "general",
                "statistical",
            ]
        )
        == 0
    )
    table = capsys.readouterr().out
    assert any(line.split()[:2] == ["nr_attr", "4"] for line in table.splitlines())
    assert (
        main(
            [
                "extract",
                str(iris_files["csv"]),
                "--groups",
                "general",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "name,value" and "nr_inst,150.0" in lines


def test_cli_missing_target_column(iris_files, capsys):
    code = main(["extract", str(iris_files["csv"]), "--target", "species"])
    assert code == 2
    assert "target column 'species' is not in" in capsys.readouterr().err


def test_cli_missing_file(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "absent.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_closed_pipe(iris_files):
    # ``skmeta extract ... | head``: the reader is gone before the command writes (here,
    # it closes its end at once); the command must end quietly, not with a traceback.
    args = [sys.executable, "-m", "skmeta", "extract", str(iris_files["csv"])]
    args += ["--groups", "general", "statistical"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in stderr
    assert process.returncode in (0, 1)
