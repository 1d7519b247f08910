"""MetaFeatureExtractor: dataset meta-features as a scikit-learn transformer."""

import numbers
import warnings

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)
from threadpoolctl import threadpool_limits

from ..utils._sklearn_compat import Interval, StrOptions, _fit_context, validate_data
from ._clustering import clustering_features
from ._complexity import complexity_features
from ._general import general_features
from ._info_theory import info_theory_features
from ._instance import InstanceHardness
from ._landmarking import landmarking_features
from ._model_based import model_based_features
from ._prepare import Encoding, discretize, is_categorical, split_columns
from ._statistical import statistical_features
from ._summary import SUMMARIES, summarize

DEFAULT_GROUPS = (
    "general",
    "statistical",
    "info-theory",
    "landmarking",
    "model-based",
)
GROUPS = (*DEFAULT_GROUPS, "complexity", "clustering")
# Groups whose every measure needs a target: skipped when y is None.
_SUPERVISED_GROUPS = ("landmarking", "model-based")
_DEFAULT_REASON = "undefined on this dataset"


class _Dataset:
    """The views of one dataset that the measures read (see ``_prepare``)."""

    def __init__(self, **views):
        self.__dict__.update(views)


class _Collector:
    """Gathers meta-feature values, summarising the multi-valued ones.

    A 1-D ndarray is summarised into ``<name>.<summary>``; anything else is a
    scalar. An empty array (a multi-valued feature that is undefined) gives NaN
    for every summary. ``reason`` is kept for the values that come out NaN.
    """

    def __init__(self, summary):
        self.summary = summary
        self.values = {}
        self.reasons = {}

    def __call__(self, name, value, reason=None):
        reason = reason or _DEFAULT_REASON
        if not (isinstance(value, np.ndarray) and value.ndim == 1):
            self.values[name] = float(value)
            if np.isnan(self.values[name]):
                self.reasons[name] = reason
            return
        # A NaN summary of complete values comes from the summary itself (the
        # spread of one value, the skewness of equal values).
        summary_reason = (
            f"{name} has a single value" if value.size == 1 else f"{name} is constant"
        )
        complete = value.size > 0 and not np.isnan(value).any()
        for key, val in summarize(value, self.summary).items():
            self.values[f"{name}.{key}"] = val
            if np.isnan(val):
                self.reasons[f"{name}.{key}"] = summary_reason if complete else reason

    def update(self, values, reasons):
        """Add the ``(values, reasons)`` pair returned by a group's function."""
        for name, value in values.items():
            if not isinstance(value, np.ndarray) and np.ndim(value) == 1:
                value = np.asarray(value, dtype=float)
            self(name, value, reasons.get(name))


def _count_distinct(values):
    """Number of distinct values in each column of a 2-D array."""
    if values.shape[0] == 0:
        return np.zeros(values.shape[1], dtype=np.intp)
    ordered = np.sort(values, axis=0)
    return 1 + np.count_nonzero(np.diff(ordered, axis=0), axis=0)


class MetaFeatureExtractor(TransformerMixin, BaseEstimator):
    """Dataset meta-features, and instance-level meta-features per sample.

    ``fit`` describes the whole dataset by its meta-features (``meta_features_``),
    with pymfe's names and values, so that they compare key by key with the
    literature. ``transform`` describes each sample relative to the fitted
    dataset (instance hardness), one row per sample.

    Read more in the :ref:`User Guide <metafeatures>`.

    Parameters
    ----------
    groups : str or list of str, default="default"
        The groups of meta-features to compute: any of ``"general"`` (sizes,
        attribute types, classes, missing values), ``"statistical"``,
        ``"info-theory"``, ``"landmarking"``, ``"model-based"``,
        ``"complexity"`` and ``"clustering"``; ``"default"`` is the first five
        and ``"all"`` every group. Without a target (``y=None``) the groups that
        need one, and the measures that need one in the others, are skipped.

    summary : str or list of str, default=("mean", "sd")
        How a meta-feature with one value per attribute (or per fold, per tree
        node...) is reduced to numbers, named ``<feature>.<summary>``: any of
        ``"mean"``, ``"sd"``, ``"var"``, ``"min"``, ``"max"``, ``"median"``,
        ``"range"``, ``"iq_range"``, ``"skewness"``, ``"kurtosis"``, ``"sum"``,
        ``"count"``, and ``"nanmean"``, ``"nansd"``, ``"nanvar"``, ``"nanmin"``,
        ``"nanmax"``, ``"nanmedian"``, ``"nansum"``, which ignore NaN values.

    max_samples : int, default=2000
        The most rows used by the measures whose cost grows faster than
        linearly with the number of samples (landmarking, and the
        distance-based complexity and clustering measures). Larger datasets are
        subsampled for those measures (stratified on the classes, seeded by
        ``random_state``); their values are then approximations. Every other
        measure uses every row.

    target_type : {"auto", "classification", "regression"}, default="auto"
        How ``y`` is read. With ``"auto"``, integer, boolean, string and
        categorical targets, and any target with two values, are classes; a
        float target with more than two values is a regression target. Set
        ``"regression"`` for an integer-typed quantity such as a count, or
        ``"classification"`` for class codes stored as floats.

    random_state : int, RandomState instance or None, default=None
        Seeds the trees, the random attribute of ``random_node``, the attribute
        subsets of ``attr_conc`` and the subsamples. With an integer, the values
        equal pymfe's with the same ``random_state``.

    n_jobs : int, default=None
        Number of jobs for the nearest-neighbour searches. ``None`` means 1
        unless in a :obj:`joblib.parallel_backend` context.

    Attributes
    ----------
    meta_features_ : pandas.Series of float
        The dataset's meta-features, indexed by name in alphabetical order.

    undefined_reasons_ : dict of str to str
        For every NaN in ``meta_features_``, why the value is undefined.

    target_type_ : {"classification", "regression"} or None
        How the target was read; None when fitted without one.

    classes_ : ndarray of shape (n_classes,)
        The class labels, for a classification target.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    pymfe.mfe.MFE : The reference implementation of these meta-features.

    Notes
    -----
    Categorical columns are recognised in pandas DataFrames (``category``,
    ``object``, ``string`` and ``bool`` dtypes); a numpy array must be
    numeric. Missing values (NaN) are counted, then imputed (median, most
    frequent level). Infinite values and sparse matrices are refused.

    References
    ----------
    .. [1] A. Rivolli, L. P. F. Garcia, C. Soares, J. Vanschoren and
       A. C. P. L. F. de Carvalho. "Meta-features for meta-learning".
       Knowledge-Based Systems 240, 2022.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skmeta import MetaFeatureExtractor
    >>> X, y = load_iris(return_X_y=True)
    >>> mfe = MetaFeatureExtractor(groups="general", random_state=0).fit(X, y)
    >>> mfe.meta_features_[["nr_inst", "nr_attr", "nr_class"]].tolist()
    [150.0, 4.0, 3.0]
    """

    _parameter_constraints: dict = {
        "groups": [StrOptions({"default", "all", *GROUPS}), list, tuple],
        "summary": [StrOptions(set(SUMMARIES)), list, tuple],
        "max_samples": [Interval(numbers.Integral, 10, None, closed="left")],
        "target_type": [StrOptions({"auto", "classification", "regression"})],
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        groups="default",
        summary=("mean", "sd"),
        max_samples=2000,
        target_type="auto",
        random_state=None,
        n_jobs=None,
    ):
        self.groups = groups
        self.summary = summary
        self.max_samples = max_samples
        self.target_type = target_type
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _resolved_groups(self):
        if isinstance(self.groups, str):
            requested = {"default": DEFAULT_GROUPS, "all": GROUPS}.get(
                self.groups, (self.groups,)
            )
        else:
            requested = tuple(self.groups)
        unknown = [g for g in requested if g not in GROUPS]
        if unknown or not requested:
            raise ValueError(
                f"groups must be 'default', 'all', one of {list(GROUPS)} or a "
                f"non-empty list of them; got {self.groups!r}."
            )
        return [g for g in GROUPS if g in requested]

    def _resolved_summary(self):
        summary = (self.summary,) if isinstance(self.summary, str) else self.summary
        unknown = [s for s in summary if s not in SUMMARIES]
        if unknown or not summary:
            raise ValueError(
                f"summary must be one of {sorted(SUMMARIES)} or a non-empty list "
                f"of them; got {self.summary!r}."
            )
        return tuple(dict.fromkeys(summary))

    def _split(self, X, reset):
        """Validate ``X``; return its numeric and categorical columns."""
        if reset:
            self._categorical = (
                np.array([is_categorical(d) for d in X.dtypes], dtype=bool)
                if isinstance(X, pd.DataFrame)
                else None
            )
        frame = isinstance(X, pd.DataFrame) and self._categorical is not None
        mixed = frame and self._categorical.any()
        to_check = X
        if mixed and X.shape[1] == self._categorical.size:
            # As objects: scikit-learn's validation casts a frame whose
            # categorical columns mix categories of booleans and of strings to
            # float, and fails.
            to_check = X.astype(dict.fromkeys(X.columns[self._categorical], object))
        checked = validate_data(
            self,
            to_check,
            reset=reset,
            dtype=None if mixed else "numeric",
            ensure_all_finite=False,
        )
        if self._categorical is None:
            self._categorical = np.zeros(checked.shape[1], dtype=bool)
        numeric, categorical = split_columns(X if frame else checked, self._categorical)
        if np.isinf(numeric).any():
            columns = np.flatnonzero(np.isinf(numeric).any(axis=0))
            raise ValueError(
                f"Input X contains infinity in numeric column(s) at position(s) "
                f"{columns.tolist()} (among the numeric columns). Replace "
                "infinite values by finite ones, or by NaN to count them as "
                "missing."
            )
        return numeric, categorical

    def _read_target(self, y):
        if self.target_type == "auto":
            kind = type_of_target(y, input_name="y")
            # type_of_target calls integral floats classes; a float target
            # with more than two values is far more often a quantity
            # (load_diabetes' is integral).
            floating = np.asarray(y).dtype.kind == "f"
            if kind == "binary" or (kind == "multiclass" and not floating):
                task = "classification"
            elif kind in ("continuous", "multiclass"):
                task = "regression"
            else:
                raise ValueError(
                    "Unknown label type: y must be one column of class labels or "
                    f"of real values; got a target of type {kind!r}."
                )
        else:
            task = self.target_type
        if task == "classification":
            self.classes_, codes = np.unique(y, return_inverse=True)
            return task, codes.astype(np.intp)
        try:
            return task, np.asarray(y, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "target_type='regression' needs a numeric y; set "
                f"target_type='classification' for labels ({exc})."
            ) from exc

    def _seed(self):
        # An integer is used as is, to reproduce pymfe's values, which seed
        # numpy's legacy global generator with it.
        if isinstance(self.random_state, numbers.Integral):
            return int(self.random_state)
        rng = check_random_state(self.random_state)
        return int(rng.randint(np.iinfo(np.int32).max))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the meta-features of the dataset ``(X, y)``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The dataset. NaN marks a missing value; DataFrame columns of
            categorical, object, string or bool dtype are categorical.

        y : array-like of shape (n_samples,), default=None
            Class labels or a continuous target; None for a dataset without one.

        Returns
        -------
        self : object
            Fitted extractor.
        """
        groups = self._resolved_groups()
        summary = self._resolved_summary()
        numeric_raw, categorical_raw = self._split(X, reset=True)
        task, target = None, None
        if y is not None:
            y = column_or_1d(y, warn=True)
            check_consistent_length(numeric_raw, y)
            if pd.isna(y).any():
                raise ValueError(
                    "Input y contains NaN: drop the rows without a target, or "
                    "fit with y=None for the meta-features that need none."
                )
            task, target = self._read_target(y)
        if task != "classification" and hasattr(self, "classes_"):
            del self.classes_
        self.target_type_ = task

        missing = np.hstack([np.isnan(numeric_raw), categorical_raw == np.array(None)])
        self._encoding = Encoding(numeric_raw, categorical_raw)
        numeric = self._encoding.impute_numeric(numeric_raw)
        codes = self._encoding.codes(categorical_raw)
        n_samples, n_attributes = missing.shape
        data = _Dataset(
            n_samples=n_samples,
            n_attributes=n_attributes,
            n_categorical=codes.shape[1],
            n_distinct=np.concatenate(
                [_count_distinct(numeric), _count_distinct(codes)]
            ),
            missing=missing,
            numeric=np.hstack([numeric, self._encoding.dummies(codes)]),
            discrete=np.hstack([codes, discretize(numeric)]),
            task=task,
            y=target,
            class_counts=np.bincount(target) if task == "classification" else None,
            seed=self._seed(),
            max_samples=self.max_samples,
            n_jobs=self.n_jobs,
        )
        collect = _Collector(summary)
        # BLAS threads beyond n_jobs slow the many small factorisations down
        # (by 40x for LDA on a loaded two-core machine), and n_jobs is the
        # parallelism the user granted.
        with (
            threadpool_limits(effective_n_jobs(self.n_jobs), user_api="blas"),
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
        ):
            # Degenerate data (constant columns, one sample) makes numpy and
            # scipy warn; the NaN they produce is explained in
            # undefined_reasons_ instead.
            warnings.simplefilter("ignore", RuntimeWarning)
            for group in groups:
                self._compute_group(group, data, collect)
        self.meta_features_ = pd.Series(
            dict(sorted(collect.values.items())), dtype=float, name="meta_features"
        )
        self.undefined_reasons_ = {
            name: collect.reasons[name]
            for name in self.meta_features_.index[self.meta_features_.isna()]
        }
        # Rows are described relative to the fitted ones, so one fitted row
        # leaves transform nothing to compare with.
        self.instance_hardness_ = (
            InstanceHardness(random_state=data.seed).fit(data.numeric, target)
            if n_samples > 1
            else None
        )
        return self

    def transform(self, X):
        """Instance-level meta-features of each sample, relative to the fitted data.

        Each row of ``X`` is encoded and imputed as the fitted data was, then
        described by its nearest fitted samples: label disagreement and entropy
        among them, distance ratio to the nearest sample of its own and of
        another class, local density, the naive Bayes landmarker's confidence
        (see :meth:`get_feature_names_out`).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Samples with the fitted features.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            One row of instance-level meta-features per sample.
        """
        check_is_fitted(self)
        numeric, categorical = self._split(X, reset=False)
        if self.instance_hardness_ is None:
            raise ValueError(
                "transform describes samples relative to the fitted ones, and "
                "this extractor was fitted on a single sample; fit it on at "
                "least 2 samples."
            )
        return self.instance_hardness_.transform(
            self._encoding.numeric_view(numeric, categorical)
        )

    def get_feature_names_out(self, input_features=None):
        """Names of the instance-level meta-features returned by :meth:`transform`.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the fitted feature names: the output names do
            not depend on them.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The names of the columns of :meth:`transform`'s output.
        """
        check_is_fitted(self)
        if input_features is not None:
            input_features = np.asarray(input_features, dtype=object)
            expected = getattr(self, "feature_names_in_", None)
            if expected is not None and not np.array_equal(input_features, expected):
                raise ValueError(
                    "input_features is not equal to feature_names_in_: pass the "
                    "feature names seen in fit, or None."
                )
            if input_features.shape != (self.n_features_in_,):
                raise ValueError(
                    f"input_features should have length {self.n_features_in_} "
                    f"(the number of features seen in fit), got "
                    f"{input_features.shape[0]}."
                )
        names = (
            self.instance_hardness_.feature_names_
            if self.instance_hardness_ is not None
            else []
        )
        return np.asarray(names, dtype=object)

    def _compute_group(self, group, data, collect):
        if group in _SUPERVISED_GROUPS and data.task is None:
            return
        if group in ("complexity", "clustering"):
            function = (
                complexity_features if group == "complexity" else clustering_features
            )
            collect.update(
                *function(
                    data.numeric,
                    data.y,
                    max_samples=self.max_samples,
                    random_state=data.seed,
                )
            )
            return
        function = {
            "general": general_features,
            "statistical": statistical_features,
            "info-theory": info_theory_features,
            "landmarking": landmarking_features,
            "model-based": model_based_features,
        }[group]
        function(data, collect)

    def extract(self, X, y=None):
        """Fit on ``(X, y)`` and return ``meta_features_``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The dataset.

        y : array-like of shape (n_samples,), default=None
            Class labels or a continuous target.

        Returns
        -------
        meta_features : pandas.Series of float
            The meta-features, indexed by name.
        """
        return self.fit(X, y).meta_features_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.target_tags.required = False
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
