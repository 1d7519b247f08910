"""Model-based sampling of Hyperband's configurations (BOHB-style)."""

import math
import numbers

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm, rv_continuous, rv_discrete, truncnorm
from sklearn.model_selection import ParameterGrid, ParameterSampler

__all__ = ["BOHBSampler"]

# Bandwidth floor in the unit cube, as in Falkner et al. (2018): a model fitted
# on identical points must still propose something other than that point.
_MIN_BANDWIDTH = 1e-3


class _Dimension:
    """One parameter of a space and how the model sees it.

    ``kind`` is ``"categorical"`` (a list modelled by index), ``"numeric"``
    (a value in the unit interval), ``"constant"`` (a list of one value) or
    ``"random"`` (drawn from ``rvs`` only).
    """

    def __init__(self, name, values):
        self.name = name
        self.values = values
        self.kind = "random"
        if not hasattr(values, "rvs"):
            values = list(values)
            self.values = values
            if len(values) == 1:
                self.kind = "constant"
            elif all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
            ):
                # A numeric grid is ordinal: neighbouring values are alike.
                self.kind = "numeric"
                self.order = np.argsort(np.asarray(values, dtype=float), kind="stable")
                self.low, self.high, self.scale = -0.5, len(values) - 0.5, "index"
            else:
                self.kind = "categorical"
            return
        dist = getattr(values, "dist", None)
        if dist is None:
            return
        low, high = (float(b) for b in values.support())
        if not (np.isfinite(low) and np.isfinite(high)):
            return
        kwds = getattr(values, "kwds", {})
        if isinstance(dist, rv_discrete):
            self.kind, self.scale = "numeric", "integer"
            self.low, self.high = low - 0.5, high + 0.5
        elif dist.name in ("loguniform", "reciprocal") and low > 0:
            if kwds.get("loc", 0) == 0 and kwds.get("scale", 1) == 1:
                self.kind, self.scale = "numeric", "log"
                self.low, self.high = math.log(low), math.log(high)
        elif dist.name == "uniform" and isinstance(dist, rv_continuous):
            self.kind, self.scale = "numeric", "linear"
            self.low, self.high = low, high

    def encode(self, value):
        """The model's coordinate of ``value``: an index or a unit number."""
        if self.kind == "constant":
            return 0.0
        if self.kind == "categorical":
            return self._index(value)
        if self.scale == "index":
            position = np.flatnonzero(self.order == self._index(value))[0]
            x = float(position)
        elif self.scale == "log":
            x = math.log(value)
        else:
            x = float(value)
        return (x - self.low) / (self.high - self.low)

    def _index(self, value):
        # Identity first: grid values may be objects without a useful ==.
        for i, v in enumerate(self.values):
            if v is value:
                return i
        for i, v in enumerate(self.values):
            try:
                if bool(v == value):
                    return i
            except (TypeError, ValueError):
                continue
        raise ValueError(f"{value!r} is not among the values of {self.name!r}.")

    def decode(self, x):
        """A valid value of the parameter at coordinate ``x``."""
        if self.kind == "constant":
            return self.values[0]
        if self.kind == "categorical":
            return self.values[int(x)]
        z = self.low + float(np.clip(x, 0.0, 1.0)) * (self.high - self.low)
        if self.scale == "index":
            position = int(np.clip(round(z), 0, len(self.values) - 1))
            return self.values[self.order[position]]
        if self.scale == "integer":
            return int(np.clip(round(z), self.low + 0.5, self.high - 0.5))
        if self.scale == "log":
            return float(np.clip(math.exp(z), math.exp(self.low), math.exp(self.high)))
        return float(np.clip(z, self.low, self.high))


class _Density:
    """A product-kernel density over the modelled dimensions of some points.

    Numeric coordinates get a Gaussian kernel truncated to the unit interval,
    with Scott's bandwidth; categorical ones the Aitchison-Aitken kernel with
    ``lambda = (K - 1) / (n + K)``, which makes the density of one categorical
    dimension the frequency of each category with one pseudo-count each.
    """

    def __init__(self, points, dims):
        self.points = points
        self.dims = dims
        n = len(points)
        self.bandwidths = []
        for d, dim in enumerate(dims):
            if dim.kind == "categorical":
                k = len(dim.values)
                self.bandwidths.append((k - 1) / (n + k))
            else:
                std = np.std(points[:, d]) if n > 1 else 0.0
                self.bandwidths.append(max(1.06 * std * n ** (-1 / 5), _MIN_BANDWIDTH))

    def log_pdf(self, x):
        """Log-density at each row of ``x``."""
        total = np.zeros((len(x), len(self.points)))
        for d, (dim, bw) in enumerate(zip(self.dims, self.bandwidths, strict=True)):
            centres = self.points[:, d][None, :]
            xd = x[:, d][:, None]
            if dim.kind == "categorical":
                k = len(dim.values)
                same = xd == centres
                total += np.where(same, np.log1p(-bw), np.log(bw / (k - 1)))
            else:
                mass = norm.cdf((1 - centres) / bw) - norm.cdf(-centres / bw)
                total += norm.logpdf((xd - centres) / bw) - np.log(bw * mass)
        return logsumexp(total, axis=1) - np.log(len(self.points))

    def sample(self, n, bandwidth_factor, rng):
        """Draw ``n`` points from the density with widened bandwidths."""
        centres = self.points[rng.randint(len(self.points), size=n)]
        x = np.empty_like(centres)
        for d, (dim, bw) in enumerate(zip(self.dims, self.bandwidths, strict=True)):
            c = centres[:, d]
            if dim.kind == "categorical":
                k = len(dim.values)
                widened = min(bw * bandwidth_factor, (k - 1) / k)
                change = rng.uniform(size=n) < widened
                # Another category, uniformly among the other k - 1.
                other = (c + rng.randint(1, k, size=n)) % k
                x[:, d] = np.where(change, other, c)
            else:
                scale = min(bw * bandwidth_factor, 1.0)
                x[:, d] = truncnorm.rvs(
                    -c / scale, (1 - c) / scale, loc=c, scale=scale, random_state=rng
                )
        return x


class BOHBSampler:
    """Model-based proposals for :class:`HyperbandSearchCV`, after BOHB.

    Before each bracket, the observations of the largest budget with at least
    ``n_dims + 2`` of them are split into the best ``top_fraction`` (at least
    ``n_dims + 1``) and the rest (at least ``n_dims + 1`` of the worst); a
    density ``l`` is fitted on the good configurations and ``g`` on the bad
    ones. Each configuration is then drawn at random with probability
    ``random_fraction``; otherwise ``n_candidates`` points are drawn from
    ``l`` with its bandwidths multiplied by ``bandwidth_factor``, and the one
    maximising ``l(x) / g(x)`` is proposed (Falkner, Klein and Hutter, 2018).
    Until a budget has enough observations every configuration is random, so
    the first bracket is the one random sampling would draw.

    Parameters are modelled in a transformed space: a
    ``scipy.stats.loguniform`` in log scale, a uniform linearly, a discrete
    distribution with finite support (``randint``) as an integer rounded back,
    a list of numbers as ordinal (by rank of its values), any other list as
    categorical. Every other distribution (anything with ``rvs``, unbounded or
    unknown) is drawn from its ``rvs`` even in model proposals.

    Read more in the :ref:`User Guide <hyperband_bohb>`.

    Parameters
    ----------
    top_fraction : float, default=0.15
        Fraction of the observations that makes the good density ``l``.

    random_fraction : float, default=1/3
        Probability that a configuration is drawn at random rather than
        proposed by the model; it keeps the search exploring.

    n_candidates : int, default=64
        Points drawn from ``l`` per model proposal.

    bandwidth_factor : float, default=3.0
        Widening of ``l``'s bandwidths when drawing those points.

    See Also
    --------
    HyperbandSearchCV : Takes ``sampler=BOHBSampler(...)`` or ``"bohb"``.

    References
    ----------
    .. [1] S. Falkner, A. Klein and F. Hutter, "BOHB: Robust and Efficient
       Hyperparameter Optimization at Scale", ICML 2018.

    Examples
    --------
    >>> from skmeta.model_selection import BOHBSampler
    >>> BOHBSampler(random_fraction=0.2)
    BOHBSampler(top_fraction=0.15, random_fraction=0.2, n_candidates=64, \
bandwidth_factor=3.0)
    """

    def __init__(
        self,
        top_fraction=0.15,
        random_fraction=1 / 3,
        n_candidates=64,
        bandwidth_factor=3.0,
    ):
        self.top_fraction = top_fraction
        self.random_fraction = random_fraction
        self.n_candidates = n_candidates
        self.bandwidth_factor = bandwidth_factor

    def __repr__(self):
        return (
            f"BOHBSampler(top_fraction={self.top_fraction}, "
            f"random_fraction={self.random_fraction:.4g}, "
            f"n_candidates={self.n_candidates}, "
            f"bandwidth_factor={self.bandwidth_factor})"
        )

    def _validate(self):
        checks = [
            ("top_fraction", self.top_fraction, 0, 1, "in (0, 1)"),
            ("random_fraction", self.random_fraction, 0, 1, "in [0, 1]"),
            ("bandwidth_factor", self.bandwidth_factor, 0, np.inf, "positive"),
        ]
        for name, value, low, high, allowed in checks:
            bad = not isinstance(value, numbers.Real) or isinstance(value, bool)
            if not bad:
                if name == "random_fraction":
                    bad = not low <= value <= high
                else:
                    bad = not low < value < high
            if bad:
                raise ValueError(
                    f"BOHBSampler({name}={value!r}): {name} must be a number {allowed}."
                )
        if (
            not isinstance(self.n_candidates, numbers.Integral)
            or isinstance(self.n_candidates, bool)
            or self.n_candidates < 1
        ):
            raise ValueError(
                f"BOHBSampler(n_candidates={self.n_candidates!r}): n_candidates "
                "must be an integer >= 1."
            )

    def _propose(self, param_distributions, n, observations, rng):
        """Propose ``n`` configurations for a new bracket.

        Parameters
        ----------
        param_distributions : dict or list of dict
            The search space.

        n : int
            Number of configurations.

        observations : list of (dict, int, float)
            ``(params, n_resources, score)`` of every evaluation so far; larger
            scores are better, nan is a failed fit.

        rng : RandomState
            The search's random state, for determinism.

        Returns
        -------
        candidates : list of dict
        proposed_by : list of str
            ``"model"`` or ``"random"`` for each candidate.
        """
        spaces = param_distributions
        spaces = list(spaces) if isinstance(spaces, (list, tuple)) else [spaces]
        dims = [[_Dimension(k, v) for k, v in sorted(s.items())] for s in spaces]
        finite = all(not hasattr(d.values, "rvs") for ds in dims for d in ds)
        models = [self._fit(ds, observations) for ds in dims]
        n_space = len(ParameterGrid(param_distributions)) if finite else None
        if all(m is None for m in models) or (finite and n >= n_space):
            # Nothing to learn from yet, or the bracket takes the whole grid.
            candidates = list(
                ParameterSampler(param_distributions, n, random_state=rng)
            )
            return candidates, ["random"] * n

        candidates, proposed_by, seen = [], [], set()
        while len(candidates) < n:
            i = rng.randint(len(spaces))
            model = models[i]
            x = None
            if model is not None and rng.uniform() >= self.random_fraction:
                x = self._best_candidate(model, dims[i], seen if finite else (), i, rng)
            source = "model"
            if x is None:
                source = "random"
                x = self._random_point(dims[i], rng)
                if finite and (i, tuple(x)) in seen:
                    continue
            if finite:
                seen.add((i, tuple(x)))
            candidates.append(
                {
                    d.name: d.values.rvs(random_state=rng)
                    if d.kind == "random"
                    else d.decode(value)
                    for d, value in zip(dims[i], x, strict=True)
                }
            )
            proposed_by.append(source)
        return candidates, proposed_by

    @staticmethod
    def _random_point(dims, rng):
        # The model's coordinates of a random configuration; "random"
        # dimensions are drawn when decoding.
        x = []
        for d in dims:
            if d.kind == "constant":
                x.append(0.0)
            elif d.kind == "categorical":
                x.append(rng.randint(len(d.values)))
            elif d.kind == "numeric" and d.scale == "index":
                x.append(d.encode(d.values[rng.randint(len(d.values))]))
            elif d.kind == "numeric":
                x.append(d.encode(d.values.rvs(random_state=rng)))
            else:
                x.append(np.nan)
        return np.asarray(x, dtype=float)

    def _fit(self, dims, observations):
        """The densities ``(l, g, modelled columns)`` of one space, or None."""
        names = {d.name for d in dims}
        modelled = [
            j for j, d in enumerate(dims) if d.kind in ("categorical", "numeric")
        ]
        if not modelled:
            return None
        n_min = len(modelled) + 1
        by_budget = {}
        for params, budget, score in observations:
            if set(params) == names:
                by_budget.setdefault(budget, []).append((params, score))
        usable = [b for b, obs in by_budget.items() if len(obs) >= n_min + 1]
        if not usable:
            return None
        obs = by_budget[max(usable)]
        scores = np.array([s for _, s in obs], dtype=float)
        # A failed fit is the worst observation, never a good one.
        order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
        points = np.array(
            [
                [dims[j].encode(obs[k][0][dims[j].name]) for j in modelled]
                for k in order
            ],
            dtype=float,
        )
        n_good = max(n_min, math.ceil(self.top_fraction * len(obs)))
        n_bad = max(n_min, len(obs) - n_good)
        model_dims = [dims[j] for j in modelled]
        good = _Density(points[:n_good], model_dims)
        bad = _Density(points[-n_bad:], model_dims)
        return good, bad, modelled

    def _best_candidate(self, model, dims, seen, space_index, rng):
        """The candidate drawn from ``l`` with the largest ``l / g``, or None."""
        good, bad, modelled = model
        drawn = good.sample(self.n_candidates, self.bandwidth_factor, rng)
        ratio = good.log_pdf(drawn) - bad.log_pdf(drawn)
        x = np.zeros((len(drawn), len(dims)))
        x[:, modelled] = drawn
        # Snap to the values the point decodes to, so that duplicates in a
        # finite space are recognised.
        for j in modelled:
            if dims[j].kind == "numeric":
                x[:, j] = [dims[j].encode(dims[j].decode(v)) for v in x[:, j]]
        for k in np.argsort(-ratio, kind="stable"):
            if (space_index, tuple(x[k])) not in seen:
                return x[k]
        return None
