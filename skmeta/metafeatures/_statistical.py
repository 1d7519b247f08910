"""Statistical meta-features of the numeric attributes.

The names and definitions of pymfe's ``statistical`` group (Michie et al.
1994; Castiello et al. 2005; Rivolli et al. 2022), computed column-wise with
vectorised numpy. Two deliberate differences from pymfe 0.4.4:

- canonical correlations are computed exactly (singular values of the product
  of orthonormal bases of the centred attributes and of the centred one-hot
  classes), where pymfe runs scikit-learn's iterative ``CCA``; both give the
  same values up to ``CCA``'s convergence tolerance;
- ``sd_ratio`` is Box's M statistic as published; pymfe pairs each class's
  covariance matrix with another class's weight and reverses its rows (which
  flips the sign of its determinant when ``floor(p / 2)`` is odd), so the two
  agree only on balanced classes with ``floor(p / 2)`` even.
"""

import numpy as np
import scipy.stats

from ._summary import kurtosis, skewness

# Above this many attributes the pairwise measures (cor, cov, nr_cor_attr)
# summarise the pairs among a seeded random subset of attributes: their number
# grows as p ** 2 (50 million pairs for 10,000 attributes).
MAX_PAIRWISE_ATTRIBUTES = 1000
# pymfe's normality tests read the first 5,000 rows (Shapiro-Wilk's p-value is
# not accurate beyond).
_NORMALITY_MAX_ROWS = 5000


def _unsupervised(N, add, data):
    n_samples, n_attr = N.shape
    one_sample = "one sample has no spread"
    add("mean", N.mean(axis=0))
    add("median", np.median(N, axis=0))
    add("min", N.min(axis=0))
    add("max", N.max(axis=0))
    add("range", np.ptp(N, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        add("sd", N.std(axis=0, ddof=1), one_sample)
        add("var", N.var(axis=0, ddof=1), one_sample)
    add("iq_range", scipy.stats.iqr(N, axis=0))
    add("mad", scipy.stats.median_abs_deviation(N, axis=0, scale=1 / 1.4826))
    add("t_mean", scipy.stats.trim_mean(N, proportiontocut=0.2, axis=0))
    constant = "an attribute is constant, its higher moments are undefined"
    add("skewness", skewness(N), constant)
    add("kurtosis", kurtosis(N), constant)

    minimum = N.min(axis=0)
    g_mean = np.zeros(n_attr)
    positive = minimum >= 1e-10
    with np.errstate(divide="ignore"):
        g_mean[positive] = np.exp(np.log(N[:, positive]).mean(axis=0))
    g_mean[minimum < 0] = np.nan
    add("g_mean", g_mean, "an attribute has negative values")
    if np.any(minimum < 0):
        add("h_mean", np.empty(0), "an attribute has negative values")
    else:
        with np.errstate(divide="ignore"):
            h_mean = np.where(
                minimum > 0, n_samples / np.sum(1.0 / np.where(N > 0, N, 1), axis=0), 0
            )
        add("h_mean", h_mean)

    q1, q3 = np.percentile(N, (25, 75), axis=0)
    whisker = 1.5 * (q3 - q1)
    outliers = (q1 - whisker > minimum) | (q3 + whisker < N.max(axis=0))
    add("nr_outliers", int(outliers.sum()))
    with np.errstate(divide="ignore", invalid="ignore"):
        add(
            "sparsity",
            (n_samples / data.n_distinct - 1.0) / (n_samples - 1.0),
            one_sample,
        )
    _normality(N, add)
    _pairwise(N, add, data)


def _normality(N, add):
    sample = N[:_NORMALITY_MAX_ROWS]
    if sample.shape[0] < 3:
        add("nr_norm", np.nan, "the Shapiro-Wilk test needs at least 3 samples")
        return
    normal = 0
    for column in sample.T:
        if np.ptp(column) == 0:
            # scipy calls a constant sample normal (p-value 1); so does pymfe.
            normal += 1
            continue
        normal += scipy.stats.shapiro(column).pvalue > 0.05
    add("nr_norm", float(normal))


def _pairwise(N, add, data):
    n_samples, n_attr = N.shape
    if n_attr < 2:
        reason = "needs at least two numeric attributes"
        add("cor", np.empty(0), reason)
        add("cov", np.empty(0), reason)
        add("nr_cor_attr", np.nan, reason)
    else:
        subset = N
        if n_attr > MAX_PAIRWISE_ATTRIBUTES:
            rng = np.random.RandomState(data.seed)
            columns = np.sort(
                rng.choice(n_attr, MAX_PAIRWISE_ATTRIBUTES, replace=False)
            )
            subset = N[:, columns]
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = np.cov(subset, rowvar=False, ddof=1) if n_samples > 1 else None
            if cov is None:
                add("cov", np.empty(0), "one sample has no covariance")
                add("cor", np.empty(0), "one sample has no correlation")
                add("nr_cor_attr", np.nan, "one sample has no correlation")
            else:
                sd = np.sqrt(np.diag(cov))
                cor = cov / sd[:, None] / sd[None, :]
                lower = np.tril_indices(subset.shape[1], k=-1)
                constant = "an attribute is constant, its correlations are undefined"
                add("cov", np.abs(cov[lower]))
                add("cor", np.abs(np.clip(cor[lower], -1, 1)), constant)
                # As in pymfe, a pair involving a constant attribute (NaN
                # correlation) counts as not correlated.
                add("nr_cor_attr", np.mean(np.abs(cor[lower]) >= 0.5))
    if n_samples < 2:
        add("eigenvalues", np.empty(0), "one sample has no covariance")
        return
    centred = N - N.mean(axis=0)
    singular = np.linalg.svd(centred, compute_uv=False)
    # Covariance eigenvalues from the data's singular values: O(n p min(n, p))
    # rather than O(p ** 3), and exact zeros for the p - n missing ranks.
    eigenvalues = np.zeros(n_attr)
    eigenvalues[: singular.size] = singular**2 / (n_samples - 1)
    add("eigenvalues", np.sort(eigenvalues))


def _orthonormal_basis(matrix):
    """Orthonormal basis of the column space of a centred matrix."""
    if matrix.shape[1] == 0:
        return matrix
    u, s, _ = np.linalg.svd(matrix, full_matrices=False)
    rank = (
        int(np.sum(s > s[0] * max(matrix.shape) * np.finfo(float).eps)) if s[0] else 0
    )
    return u[:, :rank]


def canonical_correlations(N, target):
    """Canonical correlations between the attributes and the target columns."""
    basis_x = _orthonormal_basis(N - N.mean(axis=0))
    basis_y = _orthonormal_basis(target - target.mean(axis=0))
    if basis_x.shape[1] == 0 or basis_y.shape[1] == 0:
        return np.empty(0)
    correlations = np.linalg.svd(basis_x.T @ basis_y, compute_uv=False)
    return np.clip(correlations, 0.0, 1.0)


def _supervised(N, add, data):
    n_samples, n_attr = N.shape
    if data.task == "classification":
        target = (data.y[:, None] == np.arange(data.class_counts.size)).astype(float)
    else:
        target = data.y[:, None]
    can_cors = canonical_correlations(N, target)
    add("can_cor", can_cors, "the attributes or the target are constant")
    add("nr_disc", can_cors.size)
    squared = can_cors**2
    perfect = "a canonical correlation is 1 (more attributes than samples?)"
    if can_cors.size == 0:
        reason = "there is no canonical correlation (constant attributes or target)"
        for name in ("w_lambda", "p_trace", "lh_trace", "roy_root"):
            add(name, np.nan, reason)
    else:
        add("p_trace", squared.sum())
        if np.any(squared >= 1 - 1e-12):
            add("w_lambda", 0.0)
            add("lh_trace", np.nan, perfect)
            add("roy_root", np.nan, perfect)
        else:
            eigenvalues = squared / (1 - squared)
            add("w_lambda", np.exp(-np.sum(np.log1p(eigenvalues))))
            add("lh_trace", eigenvalues.sum())
            add("roy_root", eigenvalues.max())

    if data.task != "classification":
        reason = "defined for classes, the target is continuous (regression)"
        add("gravity", np.nan, reason)
        add("sd_ratio", np.nan, reason)
        return
    counts = data.class_counts
    if counts.size < 2:
        reason = "needs at least two classes"
        add("gravity", np.nan, reason)
        add("sd_ratio", np.nan, reason)
        return
    majority = int(np.argmax(counts))
    others = np.delete(np.arange(counts.size), majority)
    minority = int(others[np.argmin(counts[others])])
    add(
        "gravity",
        np.linalg.norm(
            N[data.y == majority].mean(axis=0) - N[data.y == minority].mean(axis=0)
        ),
    )
    add("sd_ratio", *_box_m_sd_ratio(N, data.y, counts))


def _box_m_sd_ratio(N, y, counts):
    """Box's M homogeneity-of-covariances statistic as a ratio (Michie et al.)."""
    n_samples, n_attr = N.shape
    n_classes = counts.size
    if np.any(counts <= n_attr):
        return np.nan, (
            "a class has no more samples than attributes, its covariance "
            "matrix is singular"
        )
    weights = counts - 1.0
    logdets = np.empty(n_classes)
    pooled = np.zeros((n_attr, n_attr))
    for k in range(n_classes):
        cov = np.atleast_2d(np.cov(N[y == k], rowvar=False, ddof=1))
        sign, logdets[k] = np.linalg.slogdet(cov)
        if sign <= 0:
            return np.nan, "a class's covariance matrix is singular"
        pooled += weights[k] * cov
    pooled /= n_samples - n_classes
    sign, pooled_logdet = np.linalg.slogdet(pooled)
    if sign <= 0:
        return np.nan, "the pooled covariance matrix is singular"
    gamma = 1.0 - (
        (2.0 * n_attr**2 + 3.0 * n_attr - 1.0)
        / (6.0 * (n_attr + 1.0) * (n_classes - 1.0))
    ) * (np.sum(1.0 / weights) - 1.0 / (n_samples - n_classes))
    m_stat = gamma * (
        (n_samples - n_classes) * pooled_logdet - np.dot(weights, logdets)
    )
    return float(np.exp(m_stat / (n_attr * (n_samples - n_classes)))), None


def statistical_features(data, add):
    """Add the statistical meta-features of ``data`` through ``add(name, value)``."""
    N = data.numeric
    if N.shape[1] == 0:
        return
    _unsupervised(N, add, data)
    if data.task is not None:
        _supervised(N, add, data)
