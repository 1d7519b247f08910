"""Instance-level meta-features: how hard each row is, relative to a dataset.

Distances are the Gower distances of the complexity measures (min-max scaling
fitted on the dataset, Manhattan distance divided by the number of attributes,
rounded to single precision), so the dataset-level and instance-level views
agree: over the fitted rows, the mean of ``nn_disagreement`` is n3 and the mean
of ``intra_extra`` is the mean of n2 (when no two rows are at the same distance
from a third).
"""

import numbers

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.naive_bayes import GaussianNB

from ._complexity import _is_classification, gower_fit, gower_transform

_CLASSIFICATION_FEATURES = [
    "knn_disagreement",
    "nn_disagreement",
    "knn_entropy",
    "intra_extra",
    "naive_bayes_proba",
    "nn_distance",
    "knn_mean_distance",
]
_REGRESSION_FEATURES = [
    "knn_target_std",
    "nn_target_deviation",
    "nn_distance",
    "knn_mean_distance",
]
_UNSUPERVISED_FEATURES = ["nn_distance", "knn_mean_distance"]

# Distance entries (float64) computed at once: bounds transform's memory.
_CHUNK_ENTRIES = 2**22


class InstanceHardness:
    """Instance hardness of rows relative to a fitted dataset.

    A row's neighbours are its ``n_neighbors`` nearest fitted rows. A row is
    not its own neighbour: when a row coincides with a fitted row (distance
    zero), that one fitted row is left out, and its label is the row's
    reference label. For any other row the reference label is the majority
    label of its neighbours (ties go to the label met first, nearest first)
    for a class target, their mean for a regression target.

    Features, for a class target:

    - ``knn_disagreement``: fraction of neighbours whose label differs from
      the reference label (k-NN's estimate of the error on the row).
    - ``nn_disagreement``: 1 when the nearest neighbour's label differs from
      the reference label, else 0; its mean over the fitted rows is n3.
    - ``knn_entropy``: entropy of the neighbours' labels divided by the log of
      the number of classes (0: one label, 1: all labels equally often).
    - ``intra_extra``: ``r / (1 + r)`` where ``r`` is the distance to the
      nearest fitted row of the reference class over the distance to the
      nearest fitted row of another class; its mean over the fitted rows is
      n2's mean.
    - ``naive_bayes_proba``: probability of the reference class under a
      Gaussian naive Bayes landmarker fitted on the dataset.

    For a regression target: ``knn_target_std`` (standard deviation of the
    neighbours' targets) and ``nn_target_deviation`` (absolute difference
    between the reference target and the nearest neighbour's), both divided by
    the fitted target's standard deviation. Always (and alone when y is None):
    ``nn_distance`` (distance to the nearest neighbour) and
    ``knn_mean_distance`` (mean distance to the neighbours, the inverse of a
    local density).

    Parameters
    ----------
    n_neighbors : int, default=10
        Number of neighbours (at most the number of fitted rows minus one).
    random_state : int, RandomState instance or None, default=None
        Accepted for the extractor's sake; every current feature is
        deterministic.

    Attributes
    ----------
    feature_names_ : list of str
        Names of the columns returned by :meth:`transform`.
    """

    def __init__(self, n_neighbors=10, random_state=None):
        self.n_neighbors = n_neighbors
        self.random_state = random_state

    def fit(self, X, y=None):
        """Store the dataset the rows are compared with.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Numeric data without missing or infinite values.
        y : ndarray of shape (n_samples,) or None, default=None
            Class codes (integer dtype), a regression target (float dtype) or
            None.

        Returns
        -------
        self : InstanceHardness
            The fitted object.
        """
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
            raise ValueError(
                "InstanceHardness needs a 2-D array with at least 2 rows and 1 "
                f"column, got shape {X.shape}."
            )
        if (
            not isinstance(self.n_neighbors, numbers.Integral)
            or isinstance(self.n_neighbors, bool)
            or self.n_neighbors < 1
        ):
            raise ValueError(
                f"n_neighbors must be a positive integer, got {self.n_neighbors!r}."
            )
        self._scaling = gower_fit(X)
        self._X_fit = gower_transform(X, self._scaling)
        self._k = min(self.n_neighbors, X.shape[0] - 1)
        if y is None:
            self._task = "none"
            self.feature_names_ = list(_UNSUPERVISED_FEATURES)
        elif _is_classification(y):
            self._task = "classification"
            self.classes_, self._y = np.unique(y, return_inverse=True)
            self._naive_bayes = GaussianNB().fit(X, self._y)
            self.feature_names_ = list(_CLASSIFICATION_FEATURES)
        else:
            self._task = "regression"
            self._y = np.asarray(y, dtype=float)
            std = self._y.std()
            self._y_scale = std if std > 0 else 1.0
            self.feature_names_ = list(_REGRESSION_FEATURES)
        return self

    def transform(self, X):
        """Instance-level meta-features of each row.

        Parameters
        ----------
        X : ndarray of shape (n_rows, n_features)
            Rows to describe, with the fitted number of features.

        Returns
        -------
        features : ndarray of shape (n_rows, len(feature_names_))
            One row of features per row of X.
        """
        if not hasattr(self, "_X_fit"):
            raise ValueError("This InstanceHardness is not fitted; call fit first.")
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self._X_fit.shape[1]:
            raise ValueError(
                f"X has shape {X.shape}; expected (n_rows, {self._X_fit.shape[1]})."
            )
        out = np.empty((X.shape[0], len(self.feature_names_)))
        step = max(1, _CHUNK_ENTRIES // self._X_fit.shape[0])
        for start in range(0, X.shape[0], step):
            out[start : start + step] = self._transform_chunk(X[start : start + step])
        return out

    def _neighbours(self, dist):
        """Neighbour indices (nearest first) and the fitted row left out.

        Returns the (rows, k) neighbour indices and, per row, the index of the
        coinciding fitted row that was left out, or -1.
        """
        n_rows, n_fit = dist.shape
        kk = self._k + 1
        part = np.argpartition(dist, kk - 1, axis=1)[:, :kk]
        part_dist = np.take_along_axis(dist, part, axis=1)
        # Nearest first, equal distances in the order of the fitted rows.
        order = np.lexsort((part, part_dist), axis=1)
        cand = np.take_along_axis(part, order, axis=1)
        cand_dist = np.take_along_axis(part_dist, order, axis=1)
        is_self = cand_dist[:, 0] == 0
        neigh = np.where(is_self[:, None], cand[:, 1:], cand[:, :-1])
        left_out = np.where(is_self, cand[:, 0], -1)
        return neigh, left_out

    def _transform_chunk(self, X):
        p = self._X_fit.shape[1]
        X_gower = gower_transform(X, self._scaling)
        dist = cdist(X_gower, self._X_fit, metric="cityblock") / p
        # Single precision, as the distances of the dataset-level measures.
        dist = dist.astype(np.float32)
        neigh, left_out = self._neighbours(dist)
        rows = np.arange(X.shape[0])
        neigh_dist = dist[rows[:, None], neigh].astype(float)
        geometry = [neigh_dist[:, 0], neigh_dist.mean(axis=1)]
        if self._task == "none":
            return np.column_stack(geometry)
        has_self = left_out >= 0
        if self._task == "regression":
            targets = self._y[neigh]
            reference = np.where(has_self, self._y[left_out], targets.mean(axis=1))
            return np.column_stack(
                [
                    targets.std(axis=1) / self._y_scale,
                    np.abs(reference - targets[:, 0]) / self._y_scale,
                    *geometry,
                ]
            )
        return np.column_stack(
            [*self._class_features(X, dist, neigh, left_out), *geometry]
        )

    def _class_features(self, X, dist, neigh, left_out):
        n_classes = self.classes_.size
        rows = np.arange(dist.shape[0])
        labels = self._y[neigh]
        counts = np.zeros((rows.size, n_classes))
        np.add.at(counts, (np.repeat(rows, labels.shape[1]), labels.ravel()), 1.0)
        # Majority label; a tie goes to the label of the nearest neighbour
        # among the tied labels.
        k = labels.shape[1]
        first_seen = np.full((rows.size, n_classes), k)
        for pos in range(k - 1, -1, -1):
            first_seen[rows, labels[:, pos]] = pos
        majority = np.argmax(counts * (k + 1) - first_seen, axis=1)
        has_self = left_out >= 0
        reference = np.where(has_self, self._y[np.maximum(left_out, 0)], majority)

        knn_disagreement = np.mean(labels != reference[:, None], axis=1)
        nn_disagreement = (labels[:, 0] != reference).astype(float)
        freqs = counts / k
        with np.errstate(divide="ignore", invalid="ignore"):
            # 0.0 - sum: no negative zero for a pure neighbourhood.
            entropy = 0.0 - np.sum(
                np.where(freqs > 0, freqs * np.log(freqs), 0.0), axis=1
            )
            if n_classes > 1:
                entropy /= np.log(n_classes)

        dist = dist.copy()
        dist[rows[has_self], left_out[has_self]] = np.inf
        nearest_by_class = np.column_stack(
            [dist[:, self._y == c].min(axis=1) for c in range(n_classes)]
        )
        intra = nearest_by_class[rows, reference]
        nearest_by_class[rows, reference] = np.inf
        extra = nearest_by_class.min(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            # Single-precision ratio, as pymfe's n2.
            ratio = (intra / extra).astype(float)
            intra_extra = 1.0 - 1.0 / (1.0 + ratio)

        proba = self._naive_bayes.predict_proba(X)
        return [
            knn_disagreement,
            nn_disagreement,
            entropy,
            intra_extra,
            proba[rows, reference],
        ]
