"""Summary functions that turn a multi-valued meta-feature into scalars.

A meta-feature such as ``skewness`` has one value per attribute; each summary
named in ``MetaFeatureExtractor(summary=...)`` reduces it to one number, named
``<feature>.<summary>`` as in pymfe. The conventions are pymfe 0.4.4's: ``sd``
and ``var`` use ``ddof=1``, ``skewness`` and ``kurtosis`` are "method 3"
(the biased moment estimators rescaled by ``((n - 1) / n) ** 1.5`` and
``(1 - 1 / n) ** 2``), and NaN propagates unless the summary's name starts
with ``nan``.
"""

import numpy as np
import scipy.stats


def skewness(values, axis=0):
    """Skewness, "method 3" of Joanes and Gill (1998), along ``axis``."""
    values = np.asarray(values, dtype=float)
    n = values.shape[axis]
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = scipy.stats.skew(values, axis=axis, bias=True)
        return skew * ((n - 1.0) / n) ** 1.5


def kurtosis(values, axis=0):
    """Excess kurtosis, "method 3" of Joanes and Gill (1998), along ``axis``."""
    values = np.asarray(values, dtype=float)
    n = values.shape[axis]
    with np.errstate(divide="ignore", invalid="ignore"):
        kurt = scipy.stats.kurtosis(values, axis=axis, bias=True)
        return (kurt + 3.0) * (1.0 - 1.0 / n) ** 2 - 3.0


def _with_ddof(func):
    def summary(values):
        # One value has no sample deviation: NaN rather than numpy's warning.
        return func(values, ddof=1) if len(values) > 1 else np.nan

    return summary


def _drop_nan(func):
    def summary(values):
        return func(values[~np.isnan(values)])

    return summary


def _non_empty(func):
    def summary(values):
        return func(values) if len(values) else np.nan

    return summary


_BASE = {
    "mean": _non_empty(np.mean),
    "sd": _with_ddof(np.std),
    "var": _with_ddof(np.var),
    "min": _non_empty(np.min),
    "max": _non_empty(np.max),
    "median": _non_empty(np.median),
    "range": _non_empty(np.ptp),
    "iq_range": _non_empty(scipy.stats.iqr),
    "skewness": _non_empty(skewness),
    "kurtosis": _non_empty(kurtosis),
    "sum": _non_empty(np.sum),
    "count": len,
}

#: Summary name -> function of a 1-D float array returning a float.
SUMMARIES = {
    **_BASE,
    **{
        f"nan{name}": _drop_nan(_BASE[name])
        for name in ("mean", "sd", "var", "min", "max", "median", "sum")
    },
}


def summarize(values, summary):
    """Summarise ``values`` with each function named in ``summary``.

    Parameters
    ----------
    values : array-like of shape (n_values,)
        The values of one multi-valued meta-feature.
    summary : sequence of str
        Names from :data:`SUMMARIES`.

    Returns
    -------
    summaries : dict
        ``{summary name: float}``.
    """
    values = np.asarray(values, dtype=float).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        return {name: float(SUMMARIES[name](values)) for name in summary}
