"""The knowledge base's classification search space, as every compared search sees it.

One estimator, :class:`SpaceModel`, builds skmeta's pipeline of a configuration
``{"family": ..., "params": ...}`` (``SearchSpace.build_pipeline``), so that grid,
random, Hyperband, halving, Optuna and Hyperactive search exactly the pipelines that
the knowledge base measured and MetaModelSelector recommends. Hyperparameters are
flat estimator parameters named ``"<family>.<name>"``; the inactive ones (another
family, an inactive conditional) are ignored when the pipeline is built.
"""

import math
import time

import numpy as np
from scipy.stats import loguniform, uniform
from sklearn.base import BaseEstimator, ClassifierMixin

from skmeta.metalearning import SearchSpace

TASK = "classification"


class BudgetExhausted(RuntimeError):
    """Raised by a fit that starts after the search's wall-clock deadline."""


class SpaceModel(ClassifierMixin, BaseEstimator):
    """A configuration of skmeta's search space, as one scikit-learn estimator.

    Parameters
    ----------
    family : str, default="random_forest"
    params : dict, default=None
        The family's hyperparameters; ``"<family>.<name>"`` keys given to
        ``set_params`` land here.
    random_state : int, default=0
    deadline : float, default=None
        A ``time.monotonic()`` value after which ``fit`` refuses to start, so that a
        search stops at its budget between two fits rather than after a whole rung.
    """

    def __init__(
        self, family="random_forest", params=None, random_state=0, deadline=None
    ):
        self.family = family
        self.params = params
        self.random_state = random_state
        self.deadline = deadline

    def set_params(self, **values):
        for key, value in values.items():
            if "." not in key:
                setattr(self, key, value)
        params = dict(self.params or {})
        for key, value in values.items():
            if "." in key:
                family, name = key.split(".", 1)
                if family == self.family:
                    params[name] = value
        self.params = params
        return self

    def config(self):
        """The active configuration ``{"family", "params"}`` of this estimator."""
        family = SearchSpace(TASK).families[self.family]
        given = dict(self.params or {})
        params = {}
        for hp in family.hyperparameters:
            if hp.name in given and hp.is_active(params):
                value = given[hp.name]
                params[hp.name] = value.item() if hasattr(value, "item") else value
        # A parameter not given keeps the family's default (e.g. gamma="scale").
        for key, value in family.defaults.items():
            if key not in params and not any(
                hp.name == key and not hp.is_active(params)
                for hp in family.hyperparameters
            ):
                params[key] = value
        return {"family": self.family, "params": params}

    def fit(self, X, y):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetExhausted("the search's wall-clock budget is spent")
        self.pipeline_ = (
            SearchSpace(TASK)
            .build_pipeline(self.config(), random_state=self.random_state)
            .fit(X, y)
        )
        self.classes_ = self.pipeline_.classes_
        return self

    def predict(self, X):
        return self.pipeline_.predict(X)


def config_key(config):
    """A short readable string of a configuration (for the results file)."""
    params = ",".join(f"{k}={v}" for k, v in sorted(config["params"].items()))
    return f"{config['family']}({params})"


def _int_grid(low, high, log, n=8):
    values = np.geomspace(low, high, n) if log else np.linspace(low, high, n)
    return sorted({int(round(v)) for v in values})


def distributions(space=None):
    """``param_distributions`` for the sklearn-style searches: one dict per family.

    Floats are uniform or log-uniform over the knowledge base's ranges; integers are
    a geometric (log) or even grid of at most 8 values, so that every search, BOHB's
    density model included, reads them as ordered numbers.
    """
    space = SearchSpace(TASK) if space is None else space
    out = []
    for name, family in space.families.items():
        grid = {"family": [name]}
        for hp in family.hyperparameters:
            key = f"{name}.{hp.name}"
            if hp.kind == "categorical":
                grid[key] = list(hp.choices)
            elif hp.kind == "int":
                grid[key] = _int_grid(hp.low, hp.high, hp.log)
            elif hp.log:
                grid[key] = loguniform(hp.low, hp.high)
            else:
                grid[key] = uniform(hp.low, hp.high - hp.low)
        out.append(grid)
    return out


def _three(hp):
    """Three grid values of a numeric hyperparameter, at 1/6, 1/2 and 5/6 of its
    (log) range: the extremes of a range are rarely good."""
    if hp.log:
        low, high = math.log(hp.low), math.log(hp.high)
        values = [math.exp(low + q * (high - low)) for q in (1 / 6, 1 / 2, 5 / 6)]
    else:
        values = [hp.low + q * (hp.high - hp.low) for q in (1 / 6, 1 / 2, 5 / 6)]
    if hp.kind == "int":
        return sorted({int(round(v)) for v in values})
    return [float(f"{v:.4g}") for v in values]


def grid_candidates(space=None):
    """The grid: three values per numeric hyperparameter, every category, inactive
    conditionals dropped; families interleaved (round robin) so that a search cut
    by its budget has covered every family equally."""
    from sklearn.model_selection import ParameterGrid

    space = SearchSpace(TASK) if space is None else space
    per_family = []
    for name, family in space.families.items():
        grid = {}
        for hp in family.hyperparameters:
            key = f"{name}.{hp.name}"
            grid[key] = list(hp.choices) if hp.kind == "categorical" else _three(hp)
        seen, points = set(), []
        for point in ParameterGrid(grid):
            config = SpaceModel(name).set_params(family=name, **point).config()
            key = config_key(config)
            if key not in seen:
                seen.add(key)
                points.append({"family": name, **point})
        per_family.append(points)
    out = []
    for i in range(max(len(p) for p in per_family)):
        out.extend(points[i] for points in per_family if i < len(points))
    return out
