"""Clustering meta-features: how well the classes form compact, separate clusters.

The measures reproduce pymfe 0.4.4 (``MFEClustering``): Euclidean distances on
the data as given (pymfe does not rescale this group). ``ch``, ``vdb``, ``nre``
and ``sc`` are linear in the number of rows and always use every row; ``int``,
``pb``, ``sil`` and ``vdu`` need every pairwise distance and are computed on a
stratified, seeded subsample of at most ``max_samples`` rows (exact when the
dataset is not larger).
"""

from itertools import combinations

import numpy as np
from scipy.spatial.distance import cdist, pdist
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)

from ._complexity import _is_classification, _subsample

#: Names returned by :func:`clustering_features`, in pymfe's order.
CLUSTERING_FEATURES = ("ch", "int", "nre", "pb", "sc", "sil", "vdb", "vdu")

# pymfe's ``sc`` counts the classes with fewer rows than this.
_SMALL_CLASS = 15


def _pairwise_measures(X, y, counts_full, values, reasons):
    """int, pb, sil and vdu, which need every pairwise distance.

    The distances are visited one block of two classes at a time, never as
    one n x n matrix.
    """
    classes = np.unique(y)
    members = [y == c for c in classes]
    n_classes = classes.size
    # Sums over the pairs of rows for the point-biserial correlation, which
    # does not depend on the order of the pairs: count, sum and sum of squares
    # of the distances, and the same over the pairs within one class.
    n_pairs = n_same = total = total_sq = total_same = 0.0
    largest = -np.inf
    for m in members:
        within = pdist(X[m])
        if within.size:
            largest = max(largest, within.max())
        n_pairs += within.size
        n_same += within.size
        total_same += within.sum()
        total_sq += np.dot(within, within)
    total = total_same
    # pymfe divides each between-class distance by the number of pairs of the
    # two classes; the full dataset's class sizes keep a subsample's value an
    # estimate of the full one.
    mean_between, min_between = 0.0, np.inf
    for i, j in combinations(range(n_classes), 2):
        between = cdist(X[members[i]], X[members[j]])
        mean_between += between.sum() / between.size
        min_between = min(
            min_between, between.min() / (counts_full[i] * counts_full[j])
        )
        n_pairs += between.size
        total += between.sum()
        total_sq += np.vdot(between, between)
    values["int"] = mean_between * 2.0 / (n_classes * (n_classes - 1.0))

    if largest <= 0:
        values["vdu"] = np.nan
        reasons["vdu"] = "needs a class with two distinct rows"
    else:
        values["vdu"] = float(min_between / largest)

    # Pearson's correlation between "both rows share a class" and their
    # distance, with population moments.
    share = n_same / n_pairs
    mean = total / n_pairs
    variance = total_sq / n_pairs - mean**2
    if n_same == 0 or variance <= 0:
        values["pb"] = np.nan
        reasons["pb"] = "needs pairs of rows of one class and of distinct distances"
    else:
        covariance = total_same / n_pairs - share * mean
        values["pb"] = float(covariance / np.sqrt(share * (1 - share) * variance))

    if n_classes >= y.size:
        values["sil"] = np.nan
        reasons["sil"] = "needs fewer classes than samples"
    else:
        values["sil"] = float(silhouette_score(X, y, metric="euclidean"))


def clustering_features(X, y, *, max_samples, random_state):
    """Clustering meta-features of pymfe's ``clustering`` group.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric data without missing or infinite values, not rescaled.
    y : ndarray of shape (n_samples,) or None
        Class codes 0..k-1 (integer dtype), a regression target (float dtype)
        or None. Every measure treats the classes as the clusters.
    max_samples : int or None
        Largest number of rows used by the measures that need every pairwise
        distance; a larger dataset is subsampled (stratified, seeded).
    random_state : int, RandomState instance or None
        Seed of the subsample.

    Returns
    -------
    values : dict
        Feature name to a float.
    reasons : dict
        Feature name to the reason why its value is NaN.
    """
    values, reasons = {}, {}

    def undefined(names, reason):
        for name in names:
            values[name] = np.nan
            reasons[name] = reason
        return values, reasons

    if y is None:
        return undefined(CLUSTERING_FEATURES, "needs a class target (y is None)")
    if not _is_classification(y):
        return undefined(CLUSTERING_FEATURES, "defined for classification only")
    n = y.size
    classes, counts = np.unique(y, return_counts=True)
    freqs = counts / n
    values["nre"] = float(-np.sum(freqs * np.log(freqs)))
    values["sc"] = int(np.sum(counts < _SMALL_CLASS))
    if classes.size < 2:
        return undefined(
            ("ch", "int", "pb", "sil", "vdb", "vdu"), "needs at least two classes"
        )
    y = np.searchsorted(classes, y)
    if X.shape[1] == 0:
        return undefined(
            ("ch", "int", "pb", "sil", "vdb", "vdu"), "needs at least one attribute"
        )
    if classes.size >= n:
        undefined(("ch", "vdb"), "needs fewer classes than samples")
    else:
        values["ch"] = float(calinski_harabasz_score(X, y))
        values["vdb"] = float(davies_bouldin_score(X, y))

    rows = _subsample(n, y, max_samples, random_state)
    X_sub, y_sub = X[rows], y[rows]
    if np.unique(y_sub).size < classes.size:
        return undefined(
            ("int", "pb", "sil", "vdu"),
            "max_samples is smaller than the number of classes",
        )
    _pairwise_measures(X_sub, y_sub, counts, values, reasons)
    return values, reasons
