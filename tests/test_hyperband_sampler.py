"""Model-based sampling in HyperbandSearchCV: BOHBSampler."""

import numbers
import zlib

import numpy as np
import pytest
from scipy.stats import loguniform, randint, uniform
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import ParameterSampler

from skmeta import HyperbandSearchCV
from skmeta.model_selection import BOHBSampler

KERNEL_OFFSET = {"a": 0.0, "b": -0.3, "c": -0.6, "d": -1.0}


def true_score(kernel="a", depth=7, alpha=1e-2, **_):
    """Known optimum 0 at kernel="a", depth=7, alpha=1e-2."""
    return (
        KERNEL_OFFSET[kernel]
        - ((depth - 7) / 10) ** 2
        - ((np.log10(alpha) + 2) / 2) ** 2
    )


class Synthetic(RegressorMixin, BaseEstimator):
    """Scores ``true_score`` minus a bias shrinking with passes, plus noise.

    The noise is a function of the configuration, the passes and the fold,
    so that runs are reproducible.
    """

    def __init__(self, kernel="a", depth=7, alpha=1e-2, other=None):
        self.kernel = kernel
        self.depth = depth
        self.alpha = alpha
        self.other = other

    def partial_fit(self, X, y):
        self.n_passes_ = getattr(self, "n_passes_", 0) + 1
        return self

    def fit(self, X, y):
        self.__dict__.pop("n_passes_", None)
        return self.partial_fit(X, y)

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y):
        key = (self.kernel, self.depth, self.alpha, self.n_passes_, float(X[0, 0]))
        noise = np.random.RandomState(zlib.crc32(repr(key).encode())).normal(0, 0.1)
        return (
            true_score(self.kernel, self.depth, self.alpha)
            - 0.5 / self.n_passes_
            + noise
        )


class Squares:
    """A distribution the sampler does not know: only ``rvs``."""

    def rvs(self, random_state=None):
        return int(random_state.randint(10)) ** 2


SPACE = {
    "kernel": ["a", "b", "c", "d"],
    "depth": randint(1, 30),
    "alpha": loguniform(1e-5, 1e1),
}
X = np.arange(20.0).reshape(10, 2)
y = np.zeros(10)


def search(space=SPACE, max_resources=27, **kwargs):
    kwargs.setdefault("sampler", "bohb")
    return HyperbandSearchCV(
        Synthetic(),
        space,
        resource="partial_fit",
        max_resources=max_resources,
        cv=2,
        **kwargs,
    ).fit(X, y)


def first_rows(results):
    """One row per configuration: the first rung of its bracket."""
    return np.flatnonzero(results["iter"] == 0)


def test_default_is_random_sampling_bit_for_bit():
    default = HyperbandSearchCV(
        Synthetic(),
        SPACE,
        resource="partial_fit",
        max_resources=27,
        cv=2,
        random_state=0,
    )
    assert default.sampler == "random"
    results = default.fit(X, y).cv_results_
    # Today's sampling, by hand: one draw seeds the subsamples, then each
    # bracket draws its configurations from the same RandomState.
    rng = np.random.RandomState(0)
    rng.randint(np.iinfo(np.int32).max)
    expected = []
    for n in (27, 12, 6, 4):
        expected += list(ParameterSampler(SPACE, n, random_state=rng))
    assert [results["params"][i] for i in first_rows(results)] == expected
    assert set(results["proposed_by"]) == {"random"}
    explicit = search(sampler="random", random_state=0).cv_results_
    assert explicit["params"] == results["params"]


def test_bohb_starts_random_then_uses_the_model():
    random = search(sampler="random", random_state=0).cv_results_
    bohb = search(random_state=0).cv_results_
    first_bracket = bohb["bracket"] == 3
    # Nothing to learn from before the first bracket: the same draws.
    assert (
        bohb["params"][: first_bracket.sum()] == random["params"][: first_bracket.sum()]
    )
    assert set(bohb["proposed_by"][first_bracket]) == {"random"}
    later = bohb["proposed_by"][first_rows(bohb)][27:]
    assert 0 < np.mean(later == "random") < 1
    assert "model" in set(later)


def test_deterministic_for_a_fixed_random_state():
    first, second, other = (search(random_state=seed).cv_results_ for seed in (0, 0, 1))
    assert first["params"] == second["params"]
    np.testing.assert_array_equal(first["proposed_by"], second["proposed_by"])
    np.testing.assert_array_equal(first["mean_test_score"], second["mean_test_score"])
    assert first["params"] != other["params"]


def mean_true_score_of_later_brackets(sampler, seeds):
    means = []
    for seed in seeds:
        results = search(
            sampler=sampler, max_resources=81, random_state=seed
        ).cv_results_
        rows = [i for i in first_rows(results) if results["bracket"][i] < 4]
        means.append(np.mean([true_score(**results["params"][i]) for i in rows]))
    return np.mean(means)


def test_bohb_proposes_better_configurations_than_random():
    seeds = range(6)
    random = mean_true_score_of_later_brackets("random", seeds)
    bohb = mean_true_score_of_later_brackets("bohb", seeds)
    # A sampler that never uses its model is no better than random: the
    # margin below is the model's doing.
    never_model = mean_true_score_of_later_brackets(
        BOHBSampler(random_fraction=1.0), seeds
    )
    assert bohb > random + 0.4, (bohb, random)
    assert abs(never_model - random) < 0.4, (never_model, random)


def test_values_are_valid_for_every_parameter_type():
    space = {
        **SPACE,
        "other": Squares(),
        "kernel": ["a", "b", "c", "d"],
    }
    ordinal = {**SPACE, "depth": [1, 4, 7, 12, 20, 29], "alpha": uniform(1e-3, 1.0)}
    for space_ in (space, ordinal):
        results = search(space_, max_resources=81, random_state=0).cv_results_
        assert "model" in set(results["proposed_by"])
        for params in results["params"]:
            assert params["kernel"] in ("a", "b", "c", "d")
            assert isinstance(params["depth"], numbers.Integral)
            assert 1 <= params["depth"] <= 29
            if space_ is space:
                assert 1e-5 <= params["alpha"] <= 1e1
                assert params["other"] in {k**2 for k in range(10)}
            else:
                assert params["depth"] in (1, 4, 7, 12, 20, 29)
                assert 1e-3 <= params["alpha"] <= 1e-3 + 1.0


def test_categorical_only_space():
    space = {
        "kernel": ["a", "b", "c", "d"],
        "other": ["u", "v", "w", "x", "y", "z"],
        "depth": [True, False],
    }
    share_of_best_kernel = {}
    for sampler in ("random", "bohb"):
        shares = []
        for seed in range(4):
            results = search(
                space, max_resources=27, random_state=seed, sampler=sampler
            ).cv_results_
            rows = first_rows(results)
            for bracket in np.unique(results["bracket"]):
                params = [
                    results["params"][i]
                    for i in rows
                    if results["bracket"][i] == bracket
                ]
                # A finite space: no configuration twice in a bracket.
                assert len({tuple(sorted(p.items())) for p in params}) == len(params)
                for p in params:
                    assert p["kernel"] in space["kernel"]
                    assert p["other"] in space["other"]
                    assert p["depth"] in (True, False)
            later = [results["params"][i] for i in rows if results["bracket"][i] < 3]
            shares.append(np.mean([p["kernel"] == "a" for p in later]))
        share_of_best_kernel[sampler] = np.mean(shares)
    # Random draws "a" a quarter of the time; the model learnt it is best.
    assert share_of_best_kernel["bohb"] > share_of_best_kernel["random"] + 0.1, (
        share_of_best_kernel
    )


def test_union_of_spaces():
    spaces = [SPACE, {"kernel": ["a"], "depth": [7], "alpha": [1e-2]}]
    results = search(spaces, max_resources=27, random_state=0).cv_results_
    assert "model" in set(results["proposed_by"])
    for params in results["params"]:
        assert params["kernel"] in ("a", "b", "c", "d")


@pytest.mark.parametrize(
    "sampler, match",
    [
        ("tpe", r"'sampler' parameter of HyperbandSearchCV must be a str among"),
        (BOHBSampler(top_fraction=1.5), r"top_fraction=1.5.*in \(0, 1\)"),
        (BOHBSampler(random_fraction=-0.1), r"random_fraction=-0.1"),
        (BOHBSampler(n_candidates=0), r"n_candidates must be an integer >= 1"),
        (BOHBSampler(bandwidth_factor=0), r"bandwidth_factor must be a number"),
    ],
)
def test_invalid_sampler(sampler, match):
    with pytest.raises(ValueError, match=match):
        search(sampler=sampler)
