"""scikit-learn's estimator checks, and the checks it does not run, for every estimator.

Every public estimator of skmeta joins ``INSTANCES`` with small, fast instances. An
expected failure must carry its reason; ``EXPECTED_FAILED_CHECKS`` is empty unless a
check truly cannot apply.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from skmeta import HyperbandSearchCV, MetaFeatureExtractor, MetaModelSelector
from skmeta.metalearning._toy import make_toy_knowledge_base
from skmeta.utils._sklearn_compat import SKLEARN_VERSION, parse_version

INSTANCES = [
    HyperbandSearchCV(
        LogisticRegression(),
        {"C": [0.1, 1.0]},
        cv=2,
        error_score="raise",
        random_state=0,
    ),
    HyperbandSearchCV(
        Ridge(), {"alpha": [0.1, 1.0]}, cv=2, error_score="raise", random_state=0
    ),
    HyperbandSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": [1e-4, 1e-2]},
        resource="partial_fit",
        max_resources=3,
        cv=2,
        error_score="raise",
        random_state=0,
    ),
    HyperbandSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression()),
        {"logisticregression__C": [0.1, 1.0]},
        resource="logisticregression__max_iter",
        min_resources=10,
        max_resources=90,
        cv=2,
        error_score="raise",
        random_state=0,
    ),
]

INSTANCES += [
    MetaFeatureExtractor(random_state=0),
    MetaFeatureExtractor(["general", "info-theory"], ["mean", "max"]),
]

# MetaModelSelector learns from a small synthetic knowledge base (a second or two to
# write) and verifies among quick families only, so that its checks run in seconds.
_TOY_KB = Path(tempfile.mkdtemp(prefix="skmeta-toy-kb-"))
atexit.register(shutil.rmtree, _TOY_KB, ignore_errors=True)
INSTANCES += [
    MetaModelSelector(
        task=task,
        knowledge_base=str(make_toy_knowledge_base(_TOY_KB / task, task)),
        meta_regressor=RandomForestRegressor(n_estimators=10, random_state=0),
        families=["logistic_regression", "ridge", "knn", "decision_tree"],
        n_verify=2,
        cv=2,
        random_state=0,
    )
    for task in ("classification", "regression")
]

# {estimator class name: {check name: reason}}
EXPECTED_FAILED_CHECKS = {}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def _id(estimator):
    return type(estimator).__name__


# An expected failure that starts passing must be noticed (``xfail_strict``, which
# scikit-learn accepts from 1.8 on; older versions report it as XPASS).
_STRICT = {"xfail_strict": True} if SKLEARN_VERSION >= parse_version("1.8") else {}


@parametrize_with_checks(
    INSTANCES, expected_failed_checks=_expected_failed_checks, **_STRICT
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", INSTANCES, ids=_id)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


def _frame_data(estimator, n_samples=60, n_features=4):
    """A small DataFrame and a target suited to the estimator."""
    if is_regressor(estimator):
        X, y = make_regression(n_samples, n_features, random_state=0)
    else:
        X, y = make_classification(
            n_samples, n_features, n_informative=2, random_state=0
        )
    columns = [f"col_{i}" for i in range(n_features)]
    return pd.DataFrame(X, columns=columns), y


@pytest.mark.parametrize("estimator", INSTANCES, ids=_id)
def test_feature_names_in(estimator):
    X, y = _frame_data(estimator)
    fitted = estimator.fit(X, y)
    np.testing.assert_array_equal(fitted.feature_names_in_, X.columns.to_numpy())
    if hasattr(fitted, "get_feature_names_out"):
        names = fitted.get_feature_names_out()
        assert all(isinstance(name, str) for name in names)
        with pytest.raises(ValueError, match="input_features"):
            fitted.get_feature_names_out(["wrong"] * X.shape[1])


@pytest.mark.parametrize("estimator", INSTANCES, ids=_id)
def test_column_consistency(estimator):
    X, y = _frame_data(estimator)
    fitted = estimator.fit(X, y)
    method = next(
        m for m in ("transform", "predict", "score_samples") if hasattr(fitted, m)
    )
    reordered = X[X.columns[::-1]]
    with pytest.raises(ValueError, match="feature names"):
        getattr(fitted, method)(reordered)


@pytest.mark.parametrize(
    "estimator", [e for e in INSTANCES if hasattr(e, "transform")], ids=_id
)
def test_set_output_pandas(estimator):
    X, y = _frame_data(estimator)
    estimator.set_output(transform="pandas")
    try:
        out = estimator.fit(X, y).transform(X)
    finally:
        estimator.set_output(transform="default")
    assert isinstance(out, pd.DataFrame)
    np.testing.assert_array_equal(out.columns, estimator.get_feature_names_out())
    pd.testing.assert_index_equal(out.index, X.index)


def test_every_public_estimator_is_checked():
    import skmeta

    public = {
        name
        for name in skmeta.__all__
        if isinstance(getattr(skmeta, name), type)
        and hasattr(getattr(skmeta, name), "fit")
    }
    checked = {_id(estimator) for estimator in INSTANCES}
    assert public <= checked, f"not in INSTANCES: {sorted(public - checked)}"
