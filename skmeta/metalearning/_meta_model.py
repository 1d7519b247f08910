"""The meta-model: predict a configuration's score on a dataset from meta-features.

A *meta-dataset* has one row per (dataset, configuration) evaluation of a knowledge
base: the dataset's meta-features (columns prefixed ``mf:``), then the
configuration's encoding (:meth:`SearchSpace.encode`), and as target the measured
score, raw or normalised per dataset. :class:`MetaModel` fits a meta-regressor on it
and predicts, for a new dataset's meta-features, the score of any configuration.
"""

import contextlib
import copy
import functools
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin, clone
from sklearn.ensemble import (
    ExtraTreesRegressor,
    HistGradientBoostingRegressor,
    RandomForestRegressor,
    VotingRegressor,
)
from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import RidgeCV
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
from sklearn.utils.validation import check_is_fitted

from ._knowledge_base import load_knowledge_base
from ._search_space import SEARCH_SPACE_VERSION, SearchSpace, config_id

# The prefix of meta-feature columns in a meta-dataset, so that a meta-regressor
# (e.g. the nearest-datasets one) can tell dataset columns from configuration ones.
MF_PREFIX = "mf:"

# scikit-learn scorer name -> (knowledge-base column, sign making greater better).
SCORINGS = {
    "classification": {
        "balanced_accuracy": ("balanced_accuracy", 1.0),
        "accuracy": ("accuracy", 1.0),
        "roc_auc": ("roc_auc", 1.0),
        "roc_auc_ovr": ("roc_auc", 1.0),
        "neg_log_loss": ("log_loss", -1.0),
    },
    "regression": {
        "r2": ("r2", 1.0),
        "neg_root_mean_squared_error": ("rmse", -1.0),
        "neg_mean_absolute_error": ("mae", -1.0),
    },
}
DEFAULT_SCORING = {"classification": "balanced_accuracy", "regression": "r2"}

# The meta-feature groups the meta-model reads. Landmarking is left out: on 2,000
# x 50 it costs about 1.2 s, which alone breaks the one-second recommendation
# budget, and on a 500-row subsample it does not improve the ranking
# (benchmarks/meta_model_landmarking.py, doc/meta_model.rst).
METAFEATURE_GROUPS = ("general", "statistical", "info-theory", "model-based")

# A raw R^2 far below -1 (a diverging linear model) says only "useless"; without a
# floor a few such values would dominate a squared-error fit.
_RAW_FLOOR = {"r2": -1.0}

TARGETS = ("raw", "normalised")

# The default meta-model's regressor, chosen by benchmarks/meta_model_study.py.
DEFAULT_META_REGRESSOR = "blend"

# What the default meta-model learns, per task ("auto"), chosen by the same study
# and benchmarks/meta_model_choice.py: for regression the normalised score
# generalises better (since the knowledge base holds data of other sources than
# PMLB's Friedman simulations; on PMLB alone the raw R² did); for classification,
# on search-space version 2, the raw score does, in the three-member blend.
DEFAULT_TARGETS = {"classification": "raw", "regression": "normalised"}


def resolve_target(target, task):
    """``target``, with ``"auto"`` replaced by the task's default."""
    if target == "auto":
        return DEFAULT_TARGETS[task]
    if target not in TARGETS:
        raise ValueError(f"target must be 'auto' or one of {TARGETS}; got {target!r}.")
    return target


# The "blend" meta-regressor per task: the shares of its nearest datasets and of
# its random forest (the booster has the rest), and how many datasets the
# nearest datasets read. Regression: the lowest median top-1 regret (the goals'
# statistic) over five assignments of grouped ten folds
# (benchmarks/meta_model_neighbours.py); no forest. Classification, chosen again
# on search-space version 2 (benchmarks/meta_model_choice.py): thirds, the lowest
# mean and median top-1 regret over six assignments.
BLEND_NEAREST_WEIGHTS = {"classification": 1 / 3, "regression": 3 / 4}
BLEND_FOREST_WEIGHTS = {"classification": 1 / 3, "regression": 0.0}
BLEND_NEAREST_NEIGHBOURS = {"classification": 10, "regression": 3}
# The blend's forest has half the study forest's trees: the same gain in the blend
# at half its training time and memory (benchmarks/meta_model_choice.py).
BLEND_FOREST_TREES = 50


def resolve_scoring(task, scoring):
    """Return ``(scorer name, knowledge-base column, sign)`` for ``scoring``.

    Raises a ValueError listing the supported names when the knowledge base holds no
    measurement of ``scoring``: the meta-model can only predict what was measured.
    """
    scoring = DEFAULT_SCORING[task] if scoring is None else scoring
    known = SCORINGS[task]
    if not isinstance(scoring, str) or scoring not in known:
        raise ValueError(
            f"scoring={scoring!r} cannot be predicted: the {task} knowledge base "
            f"measures only {sorted(known)}. Pass one of these names (or None for "
            f"{DEFAULT_SCORING[task]!r})."
        )
    column, sign = known[scoring]
    return scoring, column, sign


_NAMES_LOCK = threading.Lock()
_GROUP_NAMES = {}


def metafeature_names(task, groups=METAFEATURE_GROUPS):
    """Names :class:`MetaFeatureExtractor` returns for ``groups`` and ``task``.

    The set of names does not depend on the data (undefined values are NaN), so it
    is read once from a small synthetic dataset and cached.
    """
    key = (task, tuple(groups))
    with _NAMES_LOCK:
        if key not in _GROUP_NAMES:
            from skmeta.metafeatures import MetaFeatureExtractor

            rng = np.random.RandomState(0)
            X = rng.normal(size=(40, 3))
            y = (
                np.repeat([0, 1], 20)
                if task == "classification"
                else rng.normal(size=40)
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                extractor = MetaFeatureExtractor(
                    groups=list(groups), target_type=task, random_state=0
                ).fit(X, y)
            _GROUP_NAMES[key] = list(extractor.meta_features_.index)
        return list(_GROUP_NAMES[key])


def _finite(frame):
    return frame.replace([np.inf, -np.inf], np.nan)


def build_meta_dataset(kb, task, scoring=None, metafeatures=None):
    """Assemble the meta-dataset of a knowledge base.

    Parameters
    ----------
    kb : Bunch
        As returned by :func:`load_knowledge_base`.
    task : {"classification", "regression"}
    scoring : str, default=None
        A scorer name of :data:`SCORINGS`; the task's default when None.
    metafeatures : list of str, default=None
        Meta-feature columns to use; those of :data:`METAFEATURE_GROUPS` when None.

    Returns
    -------
    Bunch
        ``X`` (DataFrame: ``mf:<name>`` columns, then the configuration encoding),
        ``raw`` (the score, greater is better; failed evaluations get their
        dataset's worst score), ``normalised`` (``(raw - min) / (max - min)`` per
        dataset), ``dataset_id``, ``group_id``, ``config_id``, ``family``,
        ``configs`` (list of dict), ``metafeatures`` (DataFrame, one row per
        dataset, unprefixed), ``scoring``, ``column``.
    """
    from sklearn.utils import Bunch

    scoring, column, sign = resolve_scoring(task, scoring)
    experiments = kb.experiments
    table = kb.metafeatures
    if len(experiments) == 0:
        raise ValueError(
            f"The knowledge base at {kb.path} holds no experiments; collect some with "
            "'skmeta collect'."
        )
    if table is None or len(table) == 0:
        raise ValueError(
            f"The knowledge base at {kb.path} has no dataset meta-features yet; run "
            f"'skmeta kb metafeatures {kb.path} --pmlb DIR' (the sources it was "
            "collected from) first."
        )
    if column not in experiments.columns:
        raise ValueError(
            f"The knowledge base at {kb.path} has no {column!r} measurements, so "
            f"scoring={scoring!r} cannot be predicted from it; choose another scoring."
        )
    if metafeatures is None:
        metafeatures = metafeature_names(task)
    missing = [name for name in metafeatures if name not in table.columns]
    if missing:
        raise ValueError(
            f"The knowledge base's meta-feature table lacks {len(missing)} of the "
            f"meta-features the meta-model reads (e.g. {missing[:3]}); recompute it "
            "with 'skmeta kb metafeatures' using this version of skmeta."
        )
    space = SearchSpace(task)
    experiments = experiments[
        experiments["dataset_id"].isin(table.index)
        & experiments["family"].isin(space.families)
    ]
    ok = experiments["status"] == "ok"
    score = pd.to_numeric(experiments[column], errors="coerce") * sign
    score = score.where(ok)
    if column in _RAW_FLOOR:
        score = score.clip(lower=_RAW_FLOOR[column])
    # An evaluation that ran but has no such metric (log-loss of a model without
    # probabilities) says nothing; one that failed is as bad as the worst.
    keep = ~(ok & score.isna())
    experiments, score, ok = experiments[keep], score[keep], ok[keep]
    worst = score.groupby(experiments["dataset_id"]).transform("min")
    score = score.fillna(worst)
    usable = score.notna()
    experiments, score = experiments[usable], score[usable]
    counts = experiments.groupby("dataset_id")["config_id"].transform("size")
    experiments, score = experiments[counts >= 2], score[counts >= 2]
    if len(experiments) == 0:
        raise ValueError(
            f"The knowledge base at {kb.path} has no dataset with two or more scored "
            f"configurations for {scoring!r}."
        )
    experiments = experiments.reset_index(drop=True)
    score = score.reset_index(drop=True).to_numpy(dtype=float)
    dataset_id = experiments["dataset_id"].to_numpy()
    low = pd.Series(score).groupby(dataset_id).transform("min").to_numpy()
    high = pd.Series(score).groupby(dataset_id).transform("max").to_numpy()
    span = high - low
    # Every configuration equally good: all are the best.
    normalised = np.where(span > 0, (score - low) / np.where(span > 0, span, 1), 1.0)

    mf = _finite(table[metafeatures].astype(float))
    rows = mf.loc[dataset_id].reset_index(drop=True)
    rows.columns = [MF_PREFIX + name for name in metafeatures]
    configs = [
        {"family": f, "params": p}
        for f, p in zip(experiments["family"], experiments["params"], strict=True)
    ]
    X = pd.concat([rows, space.encode(configs)], axis=1)
    datasets = kb.datasets
    if len(datasets) and "group_id" in datasets.columns:
        group_of = datasets["group_id"].to_dict()
        group_id = np.array([group_of.get(d) or d for d in dataset_id], dtype=object)
    else:
        group_id = dataset_id.copy()
    return Bunch(
        X=X,
        raw=score,
        normalised=normalised,
        dataset_id=dataset_id,
        group_id=group_id,
        config_id=experiments["config_id"].to_numpy(),
        family=experiments["family"].to_numpy(),
        configs=configs,
        metafeatures=mf.loc[np.unique(dataset_id)],
        scoring=scoring,
        column=column,
        task=task,
    )


def meta_rows(metafeatures, configs, space, encoded=None):
    """Meta-dataset rows pairing one dataset's meta-features with ``configs``.

    Parameters
    ----------
    metafeatures : Series
        Indexed by (unprefixed) meta-feature name.
    configs : list of dict
    space : SearchSpace
    encoded : DataFrame, default=None
        ``space.encode(configs)``, when already computed.

    Returns
    -------
    DataFrame
    """
    if encoded is None:
        encoded = space.encode(configs)
    encoded = encoded.reset_index(drop=True)
    values = np.asarray(metafeatures, dtype=float)
    values = np.where(np.isfinite(values), values, np.nan)
    # One float block, filled in place and not copied again (a ranking has tens
    # of thousands of rows), column after column: the trees predict one tree at
    # a time for all rows, reading a column's values next to each other (the
    # booster twice as fast as on rows stored one after another).
    block = np.empty((len(values) + encoded.shape[1], len(configs))).T
    block[:, : len(values)] = values
    block[:, len(values) :] = encoded.to_numpy(dtype=float)
    return pd.DataFrame(
        block,
        columns=[MF_PREFIX + str(name) for name in metafeatures.index]
        + list(encoded.columns),
        copy=False,
    )


def _distinct_rows(values):
    """Position of the first occurrence of each distinct row, and each row's
    distinct-row index.

    Rows compared as raw bytes: several times faster than ``np.unique(axis=0)``,
    which sorts row by row, on the thousands of identical rows of a ranking.
    """
    values = np.asarray(values, dtype=float)
    bits = values.view(np.uint64)
    if len(values) and (bits == bits[0]).all():
        # One dataset's ranking: every row alike, the common case, found in one
        # pass (without a copy) instead of a sort.
        return np.zeros(1, dtype=np.intp), np.zeros(len(values), dtype=np.intp)
    values = np.ascontiguousarray(values)
    as_bytes = values.view(np.dtype((np.void, values.dtype.itemsize * values.shape[1])))
    _, first, inverse = np.unique(
        as_bytes.ravel(), return_index=True, return_inverse=True
    )
    return first, inverse.ravel()


def _missing_patterns(values):
    """The distinct patterns of missing values of the rows, and each row's."""
    missing = np.isnan(values)
    _, first, group = np.unique(
        np.packbits(missing, axis=1), axis=0, return_index=True, return_inverse=True
    )
    return missing[first], group.ravel()


def _hp_distances(a, b):
    """L1 distances between the rows of ``a`` and of ``b`` (standardised
    hyperparameters): ``|a - b|`` where both are set, 0 where neither is, 3
    where one is."""
    if len(a) < 256:
        # Few queries (a dataset's configurations): one (a, b, columns) array.
        diff = np.fmax(np.abs(a[:, None, :] - b[None, :, :]), 0.0)  # drops NaN
        np.putmask(diff, np.isnan(a)[:, None, :] != np.isnan(b)[None, :, :], 3.0)
        return diff.sum(axis=2)
    # Many (a ranking's candidates): one compiled pass per pair of missing-value
    # patterns (a family has few), where a hyperparameter set on one side only
    # becomes 0 against 3 and one set on neither 0 against 0. The sum runs over
    # the columns in order, as the one-column-at-a-time sum it replaced, to the bit.
    distance = np.empty((len(a), len(b)))
    a_patterns, a_group = _missing_patterns(a)
    b_patterns, b_group = _missing_patterns(b)
    for i, a_missing in enumerate(a_patterns):
        rows = np.flatnonzero(a_group == i)
        for j, b_missing in enumerate(b_patterns):
            columns = np.flatnonzero(b_group == j)
            left, right = a[rows], b[columns]
            left[:, b_missing & ~a_missing] = 0.0
            left[:, a_missing] = np.where(b_missing, 0.0, 3.0)[a_missing]
            right[:, a_missing & ~b_missing] = 0.0
            right[:, b_missing] = np.where(a_missing, 0.0, 3.0)[b_missing]
            distance[np.ix_(rows, columns)] = cdist(left, right, "cityblock")
    return distance


class _MissingAsConstant(TransformerMixin, BaseEstimator):
    """Replace missing values (NaN) with a constant; an array comes out.

    What ``SimpleImputer(strategy="constant", keep_empty_features=True)`` does to
    a float matrix, in a quarter of its time: a ranking's tens of thousands of
    rows are a third missing (the hyperparameters other families set), and the
    imputer's indexed assignment took a fifth of the booster's prediction.

    Parameters
    ----------
    fill_value : float, default=0.0
    """

    def __init__(self, fill_value=0.0):
        self.fill_value = fill_value

    def fit(self, X, y=None):
        """Record the number of columns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X):
        """``X`` as a float array, its NaN replaced by ``fill_value``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has shape {X.shape}; expected {self.n_features_in_} columns, "
                "as in fit."
            )
        return np.where(np.isnan(X), self.fill_value, X)


class NearestDatasetsRegressor(RegressorMixin, BaseEstimator):
    """Predict a configuration's score from its nearest configurations on the
    nearest datasets.

    A meta-dataset row is a dataset (its ``mf:`` columns) and a configuration (the
    other columns). The datasets seen in ``fit`` are compared by L1 distance on
    min-max scaled meta-features (as auto-sklearn 1 does); on each of the
    ``n_neighbors`` nearest, the configuration of the same family closest to the
    queried one (L1 on standardised hyperparameters, a hyperparameter set on one
    side only counting as a full difference) gives its score; the prediction is
    their mean weighted by inverse dataset distance.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of nearest datasets.
    """

    def __init__(self, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def _split(self, X):
        X = pd.DataFrame(X)
        is_mf = np.array([str(c).startswith(MF_PREFIX) for c in X.columns])
        if not is_mf.any() or is_mf.all():
            raise ValueError(
                "NearestDatasetsRegressor needs meta-feature columns prefixed "
                f"{MF_PREFIX!r} and configuration columns; got {list(X.columns)[:5]}..."
            )
        return X.loc[:, is_mf].to_numpy(float), X.loc[:, ~is_mf]

    def fit(self, X, y):
        """Store the datasets and their evaluations.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)
            A meta-dataset (see :func:`build_meta_dataset`).
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        mf, config = self._split(X)
        y = np.asarray(y, dtype=float)
        mf = np.where(np.isfinite(mf), mf, np.nan)
        self.mf_min_ = np.nanmin(np.where(np.isnan(mf), np.inf, mf), axis=0)
        self.mf_max_ = np.nanmax(np.where(np.isnan(mf), -np.inf, mf), axis=0)
        first, dataset_index = _distinct_rows(np.nan_to_num(mf, nan=-1e300))
        self.n_datasets_ = len(first)
        self.datasets_ = self._scale(mf[first])
        family_columns = [c for c in config.columns if str(c).startswith("family=")]
        self.family_columns_ = family_columns
        self.hp_columns_ = [c for c in config.columns if c not in family_columns]
        hp = config[self.hp_columns_].to_numpy(float)
        with warnings.catch_warnings():
            # A hyperparameter no stored configuration sets has no mean or spread.
            warnings.simplefilter("ignore", RuntimeWarning)
            self.hp_mean_ = np.nan_to_num(np.nanmean(hp, axis=0))
            std = np.nan_to_num(np.nanstd(hp, axis=0))
        self.hp_scale_ = np.where(std > 0, std, 1.0)
        self.family_ = config[family_columns].to_numpy(float).argmax(axis=1)
        self.hp_ = (hp - self.hp_mean_) / self.hp_scale_
        # The hyperparameters each family's configurations set: only those can
        # tell two configurations of the family apart (a column a query sets and
        # no stored configuration does adds the same to every distance).
        self.family_hp_ = {
            fam: np.flatnonzero(~np.isnan(hp[self.family_ == fam]).all(axis=0))
            for fam in np.unique(self.family_)
        }
        self.dataset_index_ = dataset_index
        self.y_ = y
        self.n_features_in_ = X.shape[1]
        return self

    def _scale(self, mf):
        span = self.mf_max_ - self.mf_min_
        span = np.where(np.isfinite(span) & (span > 0), span, 1.0)
        scaled = (mf - self.mf_min_) / span
        # A meta-feature undefined on a dataset sits mid-range: no evidence either way.
        return np.where(np.isfinite(scaled), scaled, 0.5)

    def predict(self, X):
        """Predict the score of each (dataset, configuration) row.

        Parameters
        ----------
        X : DataFrame of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        mf, config = self._split(X)
        hp = (config[self.hp_columns_].to_numpy(float) - self.hp_mean_) / self.hp_scale_
        family = config[self.family_columns_].to_numpy(float).argmax(axis=1)
        values = np.where(np.isfinite(mf), mf, np.nan)
        out = np.empty(len(values))
        k = min(self.n_neighbors, self.n_datasets_)
        # A ranking's rows share one dataset: scale its meta-features once.
        first, inverse = _distinct_rows(values)
        for q, key in enumerate(self._scale(values[first])):
            rows = np.flatnonzero(inverse == q)
            distance = np.abs(self.datasets_ - key).sum(axis=1)
            neighbours = np.argsort(distance, kind="stable")[:k]
            weights = 1.0 / (distance[neighbours] + 1e-6)
            total = np.zeros(len(rows))
            weight_sum = np.zeros(len(rows))
            theirs = [np.flatnonzero(self.dataset_index_ == d) for d in neighbours]
            for fam in np.unique(family[rows]):
                if fam not in self.family_hp_:
                    continue  # no stored configuration of this family
                mine = rows[family[rows] == fam]
                position = np.searchsorted(rows, mine)
                columns = self.family_hp_[fam]
                # The family's configurations on every neighbour, compared at once.
                same = [stored[self.family_[stored] == fam] for stored in theirs]
                ends = np.cumsum([len(on_one) for on_one in same])
                if ends[-1] == 0:
                    continue
                distance_hp = _hp_distances(
                    hp[np.ix_(mine, columns)],
                    self.hp_[np.ix_(np.concatenate(same), columns)],
                )
                for on_one, end, w in zip(same, ends, weights, strict=True):
                    if len(on_one) == 0:
                        continue
                    block = distance_hp[:, end - len(on_one) : end]
                    nearest = on_one[block.argmin(axis=1)]
                    total[position] += w * self.y_[nearest]
                    weight_sum[position] += w
            fallback = float(np.mean(self.y_))
            out[rows] = np.where(
                weight_sum > 0,
                total / np.where(weight_sum > 0, weight_sum, 1),
                fallback,
            )
        return out


def make_meta_regressor(name="random_forest", random_state=0, *, task=None):
    """One of the meta-regressors compared in the study, configured as there.

    Parameters
    ----------
    name : {"linear", "random_forest", "gradient_boosting", "nearest_datasets", \
            "mlp", "blend"}, default="random_forest"
        ``"blend"`` averages the nearest datasets (share
        ``BLEND_NEAREST_WEIGHTS[task]``, reading ``BLEND_NEAREST_NEIGHBOURS[task]``
        datasets), a random forest of ``BLEND_FOREST_TREES`` trees (share
        ``BLEND_FOREST_WEIGHTS[task]``, left out at 0) and gradient boosting (the
        rest): the trees generalise across configurations and datasets, the
        neighbours anchor the prediction to what similar datasets measured.
    random_state : int, default=0
    task : {"classification", "regression"}, default=None
        Required by ``"blend"``, whose weights were chosen per task; ignored by
        the others.

    Returns
    -------
    estimator
        A regressor that accepts NaN in its input.
    """
    if name == "blend":
        if task not in BLEND_NEAREST_WEIGHTS:
            raise ValueError(
                "The blend's weights were chosen per task: pass "
                f"task='classification' or task='regression'; got task={task!r}."
            )
        nearest = BLEND_NEAREST_WEIGHTS[task]
        forest = BLEND_FOREST_WEIGHTS[task]
        members = [
            (
                "gradient_boosting",
                make_meta_regressor("gradient_boosting", random_state),
                1 - nearest - forest,
            ),
            (
                "random_forest",
                make_meta_regressor("random_forest", random_state).set_params(
                    n_estimators=BLEND_FOREST_TREES
                ),
                forest,
            ),
            (
                "nearest_datasets",
                NearestDatasetsRegressor(BLEND_NEAREST_NEIGHBOURS[task]),
                nearest,
            ),
        ]
        # A member without weight is left out, not trained for nothing.
        members = [member for member in members if member[2] > 0]
        return VotingRegressor(
            [(name, estimator) for name, estimator, _ in members],
            weights=[weight for _, _, weight in members],
        )
    if name == "linear":
        return make_pipeline(
            SimpleImputer(
                strategy="median", add_indicator=True, keep_empty_features=True
            ),
            StandardScaler(),
            RidgeCV(alphas=np.logspace(-2, 4, 13)),
        )
    if name == "random_forest":
        return RandomForestRegressor(
            n_estimators=100,
            min_samples_leaf=3,
            max_features=0.3,
            n_jobs=1,
            random_state=random_state,
        )
    if name == "gradient_boosting":
        # A column with no value at all breaks the histogram binning: a sentinel far
        # below any value keeps "missing" on one side of every split instead.
        return make_pipeline(
            _MissingAsConstant(-1e6),
            HistGradientBoostingRegressor(
                learning_rate=0.05,
                max_iter=300,
                max_leaf_nodes=31,
                min_samples_leaf=20,
                random_state=random_state,
            ),
        )
    if name == "nearest_datasets":
        return NearestDatasetsRegressor(n_neighbors=5)
    if name == "mlp":
        return make_pipeline(
            SimpleImputer(
                strategy="median", add_indicator=True, keep_empty_features=True
            ),
            StandardScaler(),
            MLPRegressor(
                hidden_layer_sizes=(128, 64),
                alpha=1e-3,
                early_stopping=True,
                max_iter=300,
                random_state=random_state,
            ),
        )
    raise ValueError(
        f"Unknown meta-regressor {name!r}; choose among {sorted(META_REGRESSORS)}."
    )


META_REGRESSORS = (
    "linear",
    "random_forest",
    "gradient_boosting",
    "nearest_datasets",
    "mlp",
    "blend",
)


def _skip_constant_splits(
    split, feature, threshold, go_left_if_missing, left, right, row, constant
):
    """For each node of a tree table, the node a row at it reaches once the
    splits on ``constant`` columns are taken with ``row``'s values.

    ``split`` marks the nodes that split; ``feature``, ``threshold`` and
    ``go_left_if_missing`` describe their test as scikit-learn's trees apply it
    (a missing value goes its own way, any other left when at most the
    threshold); ``left`` and ``right`` are the children's positions. Chains of
    resolved splits are followed by pointer doubling.
    """
    feature = np.where(split, feature, 0)
    resolved = np.flatnonzero(split & constant[feature])
    value = row[feature[resolved]]
    go_left = np.where(
        np.isnan(value),
        go_left_if_missing[resolved],
        value <= threshold[resolved],
    )
    target = np.arange(len(split))
    target[resolved] = np.where(go_left, left[resolved], right[resolved])
    while True:
        jumped = target[target]
        if np.array_equal(jumped, target):
            return target
        target = jumped


def _resolve_booster(booster, row, constant):
    predictors = [predictor for (predictor,) in booster._predictors]
    sizes = [len(predictor.nodes) for predictor in predictors]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    nodes = np.concatenate([predictor.nodes for predictor in predictors])
    # The trees' tables end to end; children as positions in the whole table.
    offset = np.repeat(starts, sizes)
    left = nodes["left"].astype(np.intp) + offset
    right = nodes["right"].astype(np.intp) + offset
    split = ~nodes["is_leaf"].astype(bool)
    numeric = split & ~nodes["is_categorical"].astype(bool)
    target = _skip_constant_splits(
        numeric,
        nodes["feature_idx"],
        nodes["num_threshold"],
        nodes["missing_go_to_left"].astype(bool),
        left,
        right,
        row,
        constant,
    )
    new = nodes.copy()
    new["left"] = np.where(split, target[left] - offset, nodes["left"])
    new["right"] = np.where(split, target[right] - offset, nodes["right"])
    # Prediction starts at a tree's first node: put the node its rows reach there
    # (no child points at a root, so the old root record is not needed).
    new[starts] = new[target[starts]]
    resolved_booster = copy.copy(booster)
    resolved_booster._predictors = [
        [
            TreePredictor(
                new[start : start + size],
                predictor.binned_left_cat_bitsets,
                predictor.raw_left_cat_bitsets,
            )
        ]
        for predictor, start, size in zip(predictors, starts, sizes, strict=True)
    ]
    return resolved_booster


def _resolve_tree(tree, row, constant):
    # The pickling state is the tree's node and value tables (views, not copies).
    cls, args, state = tree.__reduce__()
    nodes, values = state["nodes"], state["values"]
    left = nodes["left_child"].astype(np.intp)
    right = nodes["right_child"].astype(np.intp)
    split = left >= 0
    target = _skip_constant_splits(
        split,
        nodes["feature"],
        nodes["threshold"],
        nodes["missing_go_to_left"].astype(bool),
        left,
        right,
        row,
        constant,
    )
    # Keep only the nodes rows can still reach (a few per cent of a ranking's
    # forest), in their order: a child comes after its parent, so the node the
    # root leads to comes first, where prediction starts.
    reached = []
    frontier = target[:1]
    while len(frontier):
        reached.append(frontier)
        inner = frontier[split[frontier]]
        frontier = target[np.concatenate([left[inner], right[inner]])]
    keep = np.sort(np.concatenate(reached))
    position = np.full(len(nodes), -1, dtype=np.intp)
    position[keep] = np.arange(len(keep))
    new = nodes[keep]
    inner = split[keep]
    new["left_child"] = np.where(inner, position[target[left[keep]]], -1)
    new["right_child"] = np.where(inner, position[target[right[keep]]], -1)
    resolved_tree = cls(*args)
    resolved_tree.__setstate__(
        dict(state, node_count=len(keep), nodes=new, values=values[keep])
    )
    return resolved_tree


def _resolve_forest(forest, row, constant):
    row = row.astype(np.float32)  # what the trees compare, as they do
    trees = []
    for tree in forest.estimators_:
        resolved = copy.copy(tree)
        resolved.tree_ = _resolve_tree(tree.tree_, row, constant)
        trees.append(resolved)
    resolved_forest = copy.copy(forest)
    resolved_forest.estimators_ = trees
    return resolved_forest


_FORESTS = (RandomForestRegressor, ExtraTreesRegressor)


def _resolve_constant_splits(model, X):
    """A copy of a fitted tree ensemble whose trees skip the splits on the
    columns of ``X`` that hold one value in every row.

    A ranking pairs one dataset's meta-features with every candidate: about two
    thirds of the default booster's splits and a quarter of its forest's are on
    meta-features, and every row takes the same branch at them. Each such split
    is replaced by the child all rows go to, in a copy of the trees' node tables,
    so the rows walk only the configuration splits: the forest keeps a few per
    cent of its nodes. The leaves reached, hence the predictions, are those of
    ``model.predict(X)`` to the bit.

    Parameters
    ----------
    model : fitted HistGradientBoostingRegressor, RandomForestRegressor or \
            ExtraTreesRegressor
    X : array-like of shape (n_samples, n_features)
        The rows ``model`` will predict, as it reads them.

    Returns
    -------
    model
        ``model`` itself when there is nothing to resolve.
    """
    X = np.asarray(X, dtype=float)
    if len(X) < 2 or getattr(model, "_preprocessor", None) is not None:
        # One row gains nothing; with categorical columns from a DataFrame the
        # booster's trees read reordered columns.
        return model
    # Rows equal in a column take the same branch at its splits (a column of
    # NaN, unequal to itself, is simply left unresolved).
    constant = ~(X != X[0]).any(axis=0)
    if not constant.any():
        return model
    if isinstance(model, HistGradientBoostingRegressor):
        return _resolve_booster(model, X[0], constant)
    return _resolve_forest(model, X[0], constant)


def _predict_rows(regressor, rows):
    """``regressor.predict(rows)``; a tree ensemble, alone or last in a pipeline,
    resolves the splits on columns of one value first (see
    :func:`_resolve_constant_splits`)."""
    steps = regressor.steps if isinstance(regressor, Pipeline) else [(None, regressor)]
    final = steps[-1][1]
    if not isinstance(final, (HistGradientBoostingRegressor, *_FORESTS)):
        return regressor.predict(rows)
    for _, step in steps[:-1]:
        if step is not None and step != "passthrough":
            rows = step.transform(rows)
    return _resolve_constant_splits(final, rows).predict(rows)


def _predict_members_side_by_side(regressor, rows):
    """``regressor.predict(rows)``; a voting blend's members predict in threads.

    The members' trees and distances run in compiled code that releases the GIL,
    so on a machine with several cores the members of a ranking's prediction
    (tens of thousands of rows) run side by side instead of one after another.
    The threads obey the limit scikit-learn's own OpenMP code does
    (``OMP_NUM_THREADS``, ``threadpoolctl.threadpool_limits``): at one
    thread the members take turns. The weighted mean is the one
    :class:`~sklearn.ensemble.VotingRegressor` computes, to the bit.
    """
    if not isinstance(regressor, VotingRegressor):
        return _predict_rows(regressor, rows)
    check_is_fitted(regressor)
    weights = regressor.weights
    if weights is not None:
        # estimators_ holds the members not dropped; weights follow estimators.
        kept = [estimator != "drop" for _, estimator in regressor.estimators]
        weights = [weight for weight, keep in zip(weights, kept, strict=True) if keep]
    members = regressor.estimators_
    n_threads = min(len(members), _openmp_effective_n_threads())
    if n_threads == 1:
        predictions = [_predict_rows(member, rows) for member in members]
    else:
        with ThreadPoolExecutor(n_threads) as pool:
            predictions = list(pool.map(lambda m: _predict_rows(m, rows), members))
    return np.average(np.column_stack(predictions), axis=1, weights=weights)


def _forest(regressor):
    final = regressor.steps[-1][1] if hasattr(regressor, "steps") else regressor
    # A voting ensemble also has estimators_, but not trees on one input.
    is_forest = isinstance(final, (RandomForestRegressor, ExtraTreesRegressor))
    return final if is_forest else None


class MetaModel:
    """A meta-regressor fitted on a meta-dataset, with per-dataset score ranges.

    With ``target="normalised"`` the regressor learns the normalised score, which
    ranks configurations within a dataset; a second, small forest learns each
    dataset's range of raw scores (its worst and best) from its meta-features, so
    that predictions can still be reported in the metric's own units.

    Parameters
    ----------
    meta_regressor : estimator
        Cloned before fitting.
    target : {"raw", "normalised"}
    random_state : int
    """

    def __init__(self, meta_regressor, target="normalised", random_state=0):
        if target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}; got {target!r}.")
        self.meta_regressor = meta_regressor
        self.target = target
        self.random_state = random_state

    def fit(self, meta):
        """Fit on a meta-dataset (see :func:`build_meta_dataset`)."""
        self.columns_ = list(meta.X.columns)
        self.metafeatures_ = [
            c[len(MF_PREFIX) :] for c in self.columns_ if c.startswith(MF_PREFIX)
        ]
        self.task_ = meta.task
        self.scoring_ = meta.scoring
        y = meta.normalised if self.target == "normalised" else meta.raw
        self.regressor_ = clone(self.meta_regressor).fit(meta.X, y)
        # The measured scores' extremes: a raw prediction past them (a booster's
        # balanced accuracy of 1.01) is reported at them.
        self.score_range_ = (float(np.min(meta.raw)), float(np.max(meta.raw)))
        ranges = (
            pd.DataFrame({"low": meta.raw, "high": meta.raw})
            .groupby(meta.dataset_id)
            .agg({"low": "min", "high": "max"})
        )
        self.range_ = RandomForestRegressor(
            n_estimators=100, min_samples_leaf=2, random_state=self.random_state
        ).fit(meta.metafeatures.loc[ranges.index], ranges.to_numpy())
        self.n_datasets_ = len(ranges)
        self.n_evaluations_ = len(meta.X)
        return self

    def predict(self, rows):
        """Predict the rows' scores.

        Parameters
        ----------
        rows : DataFrame
            Meta-dataset rows (see :func:`meta_rows`), all of one dataset or not.

        Returns
        -------
        Bunch
            ``target`` (the regressor's prediction: normalised or raw),
            ``score`` (in the metric's units, within the measured scores' range
            for a raw target and the dataset's predicted range for a normalised
            one), ``std`` (spread of a forest's trees
            in the metric's units, NaN for other regressors).
        """
        from sklearn.utils import Bunch

        rows = rows.reindex(columns=self.columns_)
        target = np.asarray(
            _predict_members_side_by_side(self.regressor_, rows), dtype=float
        )
        forest = _forest(self.regressor_)
        std = np.full(len(rows), np.nan)
        if forest is not None:
            inner = rows
            if hasattr(self.regressor_, "steps"):
                inner = self.regressor_[:-1].transform(rows)
            inner = np.asarray(inner, dtype=np.float32)
            forest = _resolve_constant_splits(forest, inner)
            per_tree = np.stack([t.predict(inner) for t in forest.estimators_])
            std = per_tree.std(axis=0)
        if self.target == "raw":
            score = np.clip(target, *self.score_range_)
            return Bunch(target=target, score=score, std=std)
        mf = rows[[MF_PREFIX + name for name in self.metafeatures_]]
        mf = _finite(mf.set_axis(self.metafeatures_, axis=1).astype(float))
        # A ranking's rows share one dataset: predict its range once.
        first, inverse = _distinct_rows(mf.to_numpy(float))
        low, high = self.range_.predict(mf.iloc[first]).T[:, inverse]
        span = np.maximum(high - low, 0.0)
        # A normalised prediction past 0 or 1 still ranks, but a score outside the
        # dataset's predicted range (e.g. an accuracy above 1) would mislead.
        score = low + np.clip(target, 0.0, 1.0) * span
        return Bunch(target=target, score=score, std=std * span)


# -- the trained default meta-model, cached per process and on disk -----------------

_CACHE_LOCK = threading.Lock()
_CACHE = {}
# Enough for both tasks and a few settings. The default classification model
# holds about 70 MB (pickled: its forest 45 MB, the nearest datasets' copy of
# the knowledge base 21 MB), regression's about 11 MB.
_CACHE_SIZE = 8
# Trained models kept on disk: the newest few, as many as the default and a
# changed setting of both tasks need (a growing store leaves one per state).
_DISK_CACHE_FILES = 4
_DISK_CACHE_PREFIX = "meta_model-"


def _disk_cache_dir():
    """The folder that keeps trained meta-models between processes, or None.

    ``SKMETA_CACHE_DIR`` names it, and an empty value turns the disk cache off;
    by default it is ``skmeta`` in ``XDG_CACHE_HOME`` (``~/.cache``).
    """
    folder = os.environ.get("SKMETA_CACHE_DIR")
    if folder is not None:
        return Path(folder) if folder else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:  # no home folder to find: no disk cache
            return None
    return Path(base) / "skmeta"


@functools.lru_cache(maxsize=1)
def _code_version():
    """The versions a pickled meta-model depends on: Python, NumPy and
    scikit-learn, and skmeta's own source (an editable install changes without
    a new version number)."""
    import sys

    import sklearn

    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py"))
    source = joblib.hash([(str(f.relative_to(package)), f.read_bytes()) for f in files])
    return (sys.version_info[:2], np.__version__, sklearn.__version__, source)


def _disk_cacheable(regressor):
    # The code of scikit-learn's and skmeta's classes is in the key; a class of
    # another package could change under the same name and parameters. Deep
    # parameters name every nested estimator (a pipeline's steps, a blend's
    # members) on its own.
    params = regressor.get_params(deep=True).values()
    estimators = [regressor, *(v for v in params if hasattr(v, "get_params"))]
    return all(
        type(estimator).__module__.split(".")[0] in ("sklearn", "skmeta")
        for estimator in estimators
    )


def _params_key(regressor):
    params = clone(regressor).get_params(deep=True)
    try:
        return joblib.hash(params)
    except Exception:  # noqa: BLE001 - a class pickle cannot find (a local one)
        return repr(sorted(params.items()))


def _disk_cache_file(key):
    # A pickle is read back only by the code that wrote it.
    return f"{_DISK_CACHE_PREFIX}{key[2]}-{joblib.hash((key, _code_version()))}.pkl"


def _load_from_disk(key):
    folder = _disk_cache_dir()
    if folder is None:
        return None
    path = folder / _disk_cache_file(key)
    try:
        model = joblib.load(path)
    except Exception:  # noqa: BLE001 - none yet, or damaged: trained and replaced
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # the newest used is the last evicted
    return model if isinstance(model, MetaModel) else None


@contextlib.contextmanager
def _training_lock(key):
    """Hold the disk cache's lock of one model while it is trained.

    The other processes that want the same model (joblib's or Dask's workers
    on one machine, all starting at once) wait, then read what the first one
    wrote, instead of each training it too. Where the folder cannot be written
    or there is no ``fcntl`` (Windows), nothing is locked.
    """
    folder = _disk_cache_dir()
    try:
        import fcntl

        if folder is None:
            raise OSError("no disk cache")
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / f"{_disk_cache_file(key)}.lock", "a")  # noqa: SIM115
    except (ImportError, OSError):
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released on close, or if the process dies
        yield
    finally:
        handle.close()


def _save_to_disk(key, model):
    """Write ``model`` for the next process; a cache that cannot be written is
    skipped (the model is then trained again there, as without a cache)."""
    folder = _disk_cache_dir()
    if folder is None:
        return
    path = folder / _disk_cache_file(key)
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # zlib at level 3: the classification model in 27 MB instead of 125,
        # read back as fast.
        joblib.dump(model, temporary, compress=3)
        # Atomic: a process reading meanwhile sees the whole file or none.
        os.replace(temporary, path)
        kept = sorted(
            folder.glob(f"{_DISK_CACHE_PREFIX}*.pkl"),
            key=lambda file: file.stat().st_mtime_ns,
            reverse=True,
        )
        for old in kept[_DISK_CACHE_FILES:]:
            old.unlink(missing_ok=True)
            old.with_name(f"{old.name}.lock").unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a read-only home, a full disk, an odd regressor
        pass
    finally:
        # Gone after the replace; left by a failure or an interruption (Ctrl-C).
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def resolve_knowledge_base(knowledge_base, task):
    """Return the folder of the ``task`` store that ``knowledge_base`` names."""
    from ._knowledge_base import knowledge_base_path

    if isinstance(knowledge_base, str) and knowledge_base == "default":
        return knowledge_base_path(task)
    path = Path(knowledge_base)
    if not (path / "store.json").exists() and (path / task / "store.json").exists():
        path = path / task
    if not (path / "store.json").exists():
        raise FileNotFoundError(
            f"knowledge_base={str(knowledge_base)!r} is not a knowledge base: no "
            f"store.json in it or in its {task}/ sub-folder. Pass 'default' or the "
            "folder of a store collected with 'skmeta collect'."
        )
    return path


def _fingerprint(path):
    """Sizes and modification times of a store's files: changes when it grows."""
    entries = []
    for root, _, files in os.walk(path):
        for name in sorted(files):
            if name.endswith((".lock", ".tmp")):
                continue
            stat = os.stat(os.path.join(root, name))
            entries.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def check_knowledge_base_task(path, task):
    """Raise a clear error when the store at ``path`` holds another task."""
    from ._store import ExperimentStore

    store = ExperimentStore(path)
    if store.task != task:
        raise ValueError(
            f"The knowledge base at {path} holds {store.task} experiments, but "
            f"task={task!r}. Pass a {task} knowledge base, or task={store.task!r}."
        )
    version = store.settings.get("search_space_version", SEARCH_SPACE_VERSION)
    if version != SEARCH_SPACE_VERSION:
        raise ValueError(
            f"The knowledge base at {path} was collected with search space version "
            f"{version}; this skmeta has version {SEARCH_SPACE_VERSION}. Collect it "
            "again or use a matching skmeta."
        )
    return store


def get_meta_model(
    knowledge_base, task, scoring=None, meta_regressor=None, target="auto"
):
    """The meta-model trained on a knowledge base, cached in memory and on disk.

    The cache key is the store's folder and file fingerprint (so a growing store is
    re-read), the task, the scoring, the target and the meta-regressor's
    parameters. A trained model is also written to the folder
    ``SKMETA_CACHE_DIR`` names (by default ``~/.cache/skmeta``, or ``skmeta`` in
    ``XDG_CACHE_HOME``; an empty value writes nothing), so that other processes
    (a second ``skmeta recommend``, joblib's workers) load it in a second or two
    instead of training it again; processes that need it at once wait for the
    one that trains it (a file lock). A file is read only by the code that wrote it
    (the same Python, NumPy, scikit-learn and skmeta source), and only the
    newest few are kept; a meta-regressor built from classes of other packages,
    whose code may change under the same name, is trained in each process.

    Returns
    -------
    MetaModel
    """
    path = resolve_knowledge_base(knowledge_base, task)
    store = check_knowledge_base_task(path, task)
    scoring, _, _ = resolve_scoring(task, scoring)
    target = resolve_target(target, task)
    regressor = (
        make_meta_regressor(DEFAULT_META_REGRESSOR, task=task)
        if meta_regressor is None
        else meta_regressor
    )
    key = (
        str(Path(path).resolve()),
        _fingerprint(path),
        task,
        scoring,
        target,
        _params_key(regressor),
        type(regressor).__name__,
    )
    with _CACHE_LOCK:
        model = _CACHE.get(key)
    if model is not None:
        return model
    if _disk_cacheable(regressor):
        model = _load_from_disk(key)
        if model is None:
            with _training_lock(key):
                # Another process may have trained it while this one waited.
                model = _load_from_disk(key)
                if model is None:
                    model = _train(store, task, scoring, regressor, target)
                    _save_to_disk(key, model)
    else:
        model = _train(store, task, scoring, regressor, target)
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = model
    return model


def _train(store, task, scoring, regressor, target):
    kb = load_knowledge_base(task, store.path)
    return train_meta_model(kb, task, store.settings, scoring, regressor, target)


def train_meta_model(kb, task, settings, scoring, meta_regressor, target):
    """Fit a :class:`MetaModel` on a loaded knowledge base, ready to recommend.

    Parameters
    ----------
    kb : Bunch
        As returned by :func:`load_knowledge_base` (its ``metafeatures`` filled).
    task : {"classification", "regression"}
    settings : dict
        The store's collection settings (``seed``, ``max_rows``, ``n_folds``):
        a new dataset's meta-features are computed on rows prepared the same way.
    scoring : str or None
    meta_regressor : estimator
    target : {"normalised", "raw"}

    Returns
    -------
    MetaModel
        With ``space_``, ``candidates_`` (the configurations to rank) and their
        ``candidate_encoding_`` and ``candidate_family_``, ``seed_``,
        ``max_rows_`` and ``n_folds_``.
    """
    meta = build_meta_dataset(kb, task, scoring)
    model = MetaModel(meta_regressor, target=target).fit(meta)
    model.space_ = SearchSpace(task)
    model.candidates_ = _candidates(kb, model.space_)
    # Encoded once: a recommendation then only pairs them with new meta-features.
    model.candidate_encoding_ = model.space_.encode(model.candidates_)
    model.candidate_family_ = np.array([c["family"] for c in model.candidates_])
    model.seed_ = int(settings.get("seed", 0))
    model.max_rows_ = settings.get("max_rows")
    model.n_folds_ = int(settings.get("n_folds", 3))
    model.path_ = kb.path
    return model


def _candidates(kb, space):
    """Distinct configurations of the knowledge base, plus every family's defaults.

    Each was run at least once, so none is an untested corner of the space.
    """
    experiments = kb.experiments
    configs = {config_id(c): c for c in space.defaults()}
    ok = experiments[experiments["status"] == "ok"]
    for family, params in zip(ok["family"], ok["params"], strict=True):
        if family in space.families:
            config = {"family": family, "params": params}
            configs.setdefault(config_id(config), config)
    return list(configs.values())
