"""Turn user data into the numeric and discrete views the measures need.

pymfe describes a dataset through three views, and the measures of each group
read one of them; skmeta builds the same views, in the same column order, so
that values compare key by key:

- the *numeric* view: numeric attributes first, then the categorical ones
  dummy-coded as a full-rank design matrix without intercept (every level of
  the first categorical attribute, every level but the first of the others;
  levels sorted as strings), which is what patsy's ``~ 0 + C0 + C1 + ...``
  gives pymfe;
- the *discrete* view: categorical attributes first (as integer codes), then
  the numeric ones cut into ``int(n ** (1 / 3))`` equal-frequency bins;
- the *raw* view, for counts of distinct values.

Missing values are counted on the user's data, then imputed: numeric
attributes with their median, categorical ones with their most frequent level.
An attribute with no observed value at all becomes the constant 0.
"""

import numpy as np
import pandas as pd

_TOLERANCE = 1e-8


def is_categorical(dtype):
    """Whether a pandas column of ``dtype`` is treated as categorical."""
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def split_columns(X, categorical_mask):
    """Return the numeric columns as floats and the categorical ones as strings.

    Parameters
    ----------
    X : DataFrame or ndarray of shape (n_samples, n_features)
        The validated input.
    categorical_mask : ndarray of bool of shape (n_features,)
        Which columns are categorical; always all False for an ndarray.

    Returns
    -------
    numeric : ndarray of shape (n_samples, n_numeric)
        Float values, NaN where missing.
    categorical : ndarray of object of shape (n_samples, n_categorical)
        String values, None where missing.
    """
    categorical_mask = np.asarray(categorical_mask, dtype=bool)
    if isinstance(X, pd.DataFrame):
        numeric = X.iloc[:, np.flatnonzero(~categorical_mask)]
        numeric = numeric.astype(float).to_numpy(dtype=float, na_value=np.nan)
        frame = X.iloc[:, np.flatnonzero(categorical_mask)]
        missing = frame.isna().to_numpy(dtype=bool)
        categorical = np.array(frame.astype(str), dtype=object)
        categorical[missing] = None
    else:
        numeric = np.asarray(X, dtype=float)[:, ~categorical_mask]
        categorical = np.empty((numeric.shape[0], 0), dtype=object)
    return numeric, categorical


def discretize(values):
    """Cut each column into ``int(n ** (1 / 3))`` equal-frequency bins.

    Bin edges closer than 1e-8 are merged, as pymfe does, so that a column with
    few distinct values gets fewer bins rather than empty ones.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_columns)
        Complete numeric data.

    Returns
    -------
    codes : ndarray of int of shape (n_samples, n_columns)
    """
    n_samples, n_columns = values.shape
    codes = np.zeros((n_samples, n_columns), dtype=np.intp)
    if n_samples == 0 or n_columns == 0:
        return codes
    n_bins = int(n_samples ** (1 / 3))
    upper = np.linspace(0, 1, n_bins + 1)[1:]
    edges = np.quantile(values, upper, axis=0).reshape(n_bins, n_columns)
    for j in range(n_columns):
        col_edges = edges[:, j]
        keep = np.append(True, np.diff(col_edges) > _TOLERANCE)
        codes[:, j] = np.digitize(values[:, j], np.unique(col_edges[keep]), right=True)
    return codes


class Encoding:
    """The imputation and dummy coding learned on the fitted data.

    Parameters
    ----------
    numeric : ndarray of shape (n_samples, n_numeric)
        Numeric attributes, NaN where missing.
    categorical : ndarray of object of shape (n_samples, n_categorical)
        Categorical attributes as strings, None where missing.
    """

    def __init__(self, numeric, categorical):
        with np.errstate(all="ignore"):
            observed = ~np.isnan(numeric)
            self.numeric_fill = np.zeros(numeric.shape[1])
            for j in np.flatnonzero(observed.any(axis=0)):
                self.numeric_fill[j] = np.median(numeric[observed[:, j], j])
        self.levels = []
        self.categorical_fill = []
        for column in categorical.T:
            present = column[column != np.array(None)]
            levels, counts = np.unique(present.astype(str), return_counts=True)
            # A column with no observed level gets one placeholder level, so that
            # it still counts as an attribute (a constant one).
            if levels.size == 0:
                levels, counts = np.array(["missing"]), np.array([1])
            self.levels.append(levels)
            self.categorical_fill.append(levels[np.argmax(counts)])

    def impute_numeric(self, numeric):
        """Return ``numeric`` with every NaN replaced by its column's median."""
        missing = np.isnan(numeric)
        if not missing.any():
            return numeric
        return np.where(missing, self.numeric_fill, numeric)

    def codes(self, categorical):
        """Integer codes of the categorical attributes after imputation.

        A level unseen during fit gets the code ``len(levels)``.
        """
        codes = np.empty(categorical.shape, dtype=np.intp)
        for j, (levels, fill) in enumerate(
            zip(self.levels, self.categorical_fill, strict=True)
        ):
            column = categorical[:, j].copy()
            column[column == np.array(None)] = fill
            column = column.astype(str)
            position = np.searchsorted(levels, column)
            position = np.minimum(position, levels.size - 1)
            codes[:, j] = np.where(levels[position] == column, position, levels.size)
        return codes

    def dummies(self, codes):
        """Full-rank dummy coding of categorical ``codes`` (see module docstring)."""
        blocks = []
        for j, levels in enumerate(self.levels):
            first = 0 if j == 0 else 1
            blocks.append(
                (codes[:, j, None] == np.arange(first, levels.size)).astype(float)
            )
        if not blocks:
            return np.empty((codes.shape[0], 0))
        return np.hstack(blocks)

    def numeric_view(self, numeric, categorical):
        """Imputed numeric attributes followed by the dummy-coded categorical ones."""
        return np.hstack(
            [self.impute_numeric(numeric), self.dummies(self.codes(categorical))]
        )
