"""Hyperband as a Hyperactive optimizer, on skmeta's own schedule and adapters."""

import numbers
import warnings

import numpy as np
from hyperactive.base import BaseOptimizer
from hyperactive.experiment.integrations import SklearnCvExperiment
from hyperactive.utils.parallel import parallelize
from sklearn.base import clone, is_classifier
from sklearn.model_selection import (
    ParameterGrid,
    ParameterSampler,
    check_cv,
    cross_validate,
)
from sklearn.utils import check_random_state
from sklearn.utils.validation import indexable

from ..model_selection._adapters import ResourceAdapter, SubsampleAdapter
from ..model_selection._schedule import _bracket_rungs, hyperband_schedule
from ..utils._sklearn_compat import _num_samples, _yields_constant_splits

__all__ = ["HyperbandOptimizer", "SubsampledCvExperiment"]

_N_SAMPLES = "n_samples"


class SubsampledCvExperiment(SklearnCvExperiment):
    """Cross-validation on a subsample: the experiment of ``resource="n_samples"``.

    A :class:`~hyperactive.experiment.integrations.SklearnCvExperiment` whose
    parameters may also hold ``"n_samples"``, a budget out of the number of
    samples: the training and the test fold are then subsampled to the fraction
    ``n_samples / len(X)`` (stratified by class for a classifier), as in
    :class:`~skmeta.HyperbandSearchCV` with ``resource="n_samples"``. Every
    configuration scored at a budget sees the same rows, because the folds and
    the subsamples are seeded; this is what makes the scores of a Hyperband
    rung comparable. Without ``"n_samples"`` it scores on the whole folds.

    Parameters
    ----------
    estimator : estimator object
        The scikit-learn estimator; cloned for every evaluation.

    X : array-like of shape (n_samples, n_features)
        The data.

    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The targets.

    scoring : str or callable, default=None
        As in :class:`~hyperactive.experiment.integrations.SklearnCvExperiment`:
        a scorer name, a scorer, or a metric function; None uses the
        estimator's ``score``.

    cv : cross-validation generator or iterable, default=None
        A splitter that yields the same splits on every call, such as
        ``KFold(5, shuffle=True, random_state=0)``. An int or None (which
        :class:`~hyperactive.experiment.integrations.SklearnCvExperiment` turns
        into an unseeded shuffled ``KFold``) is refused when scored.

    random_state : int, default=0
        Seeds the subsamples. Together with the budget and the fold it fixes
        the rows, so two configurations at one budget see the same data.

    See Also
    --------
    HyperbandOptimizer : Hyperband for Hyperactive.
    skmeta.model_selection.SubsampleAdapter : The subsampling rule shared with
        :class:`~skmeta.HyperbandSearchCV`.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmeta.integrations.hyperactive import SubsampledCvExperiment
    >>> X, y = load_iris(return_X_y=True)
    >>> experiment = SubsampledCvExperiment(
    ...     DecisionTreeClassifier(random_state=0), X, y,
    ...     cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ... )
    >>> score, metadata = experiment.score({"max_depth": 2, "n_samples": 60})
    >>> metadata["n_train_samples"], metadata["n_test_samples"]
    ([40, 40, 40], [20, 20, 20])
    """

    def __init__(self, estimator, X, y, scoring=None, cv=None, random_state=0):
        self.random_state = random_state
        super().__init__(estimator=estimator, X=X, y=y, scoring=scoring, cv=cv)

    def _paramnames(self):
        """The estimator's parameter names and ``"n_samples"``.

        Returns
        -------
        paramnames : list of str
            The names ``score`` accepts.
        """
        return [*self.estimator.get_params(), _N_SAMPLES]

    def _checked_splits(self):
        """The data and its folds, refusing folds that change between calls.

        Returns
        -------
        X, y : indexables
            The data.

        splits : list of tuple of ndarray
            The ``(train, test)`` indices of every fold.
        """
        if _N_SAMPLES in self.estimator.get_params():
            raise ValueError(
                f"{type(self.estimator).__name__} has a parameter named "
                f"{_N_SAMPLES!r}, which SubsampledCvExperiment reserves for the "
                "budget. Use SklearnCvExperiment with an estimator parameter as "
                "the resource instead."
            )
        if isinstance(self.random_state, bool) or not isinstance(
            self.random_state, numbers.Integral
        ):
            raise ValueError(
                f"random_state must be an int, so that every configuration sees "
                f"the same subsample; got {self.random_state!r}."
            )
        # SklearnCvExperiment has turned an int or None into a shuffled KFold.
        cv = check_cv(self._cv, self.y, classifier=is_classifier(self.estimator))
        if not _yields_constant_splits(cv):
            raise ValueError(
                f"SubsampledCvExperiment needs a CV splitter that yields the same "
                f"splits on every call; cv={self.cv!r} gives {cv!r}, which "
                "shuffles without an integer random_state. Pass a seeded "
                "splitter, e.g. cv=KFold(5, shuffle=True, random_state=0) or "
                "StratifiedKFold(5, shuffle=True, random_state=0)."
            )
        X, y = indexable(self.X, self.y)
        return X, y, list(cv.split(X, y))

    def _evaluate(self, params):
        """Mean cross-validated score on the subsample of ``params["n_samples"]``.

        Parameters
        ----------
        params : dict
            Estimator parameters, and optionally ``"n_samples"``.

        Returns
        -------
        score : float
            The mean test score over the folds.

        metadata : dict
            ``fit_time``, ``score_time``, ``n_samples`` (the budget),
            ``n_train_samples`` and ``n_test_samples`` (per fold).
        """
        params = dict(params)
        X, y, splits = self._checked_splits()
        n_samples = _num_samples(X)
        n_resources = params.pop(_N_SAMPLES, None)
        if n_resources is None:
            n_resources = n_samples
        if (
            isinstance(n_resources, bool)
            or not isinstance(n_resources, numbers.Integral)
            or not 1 <= n_resources <= n_samples
        ):
            raise ValueError(
                f"n_samples must be an integer from 1 to the {n_samples} samples "
                f"of X; got {n_resources!r}."
            )
        stratify = (
            np.asarray(y)
            if is_classifier(self.estimator) and y is not None and np.ndim(y) == 1
            else None
        )
        adapter = SubsampleAdapter()
        folds = [
            adapter.select_samples(
                train,
                test,
                n_resources=int(n_resources),
                n_samples=n_samples,
                stratify=stratify,
                # The same rows for every configuration at this budget and fold.
                random_state=np.random.RandomState(
                    [self.random_state, int(n_resources), k]
                ),
            )
            for k, (train, test) in enumerate(splits)
        ]
        estimator = clone(self.estimator).set_params(**params)
        cv_results = cross_validate(estimator, X, y, scoring=self.scorer_, cv=folds)
        metadata = {
            "fit_time": cv_results["fit_time"],
            "score_time": cv_results["score_time"],
            "n_samples": int(n_resources),
            "n_train_samples": [len(train) for train, _ in folds],
            "n_test_samples": [len(test) for _, test in folds],
        }
        return cv_results["test_score"].mean(), metadata

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Small, fast instances with seeded splitters, for Hyperactive's checks.

        Parameters
        ----------
        parameter_set : str, default="default"
            Unused; there is one set.

        Returns
        -------
        params : list of dict
            Constructor arguments of a classification and a regression
            experiment.
        """
        from sklearn.datasets import load_diabetes, load_iris
        from sklearn.model_selection import KFold, StratifiedKFold
        from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

        X, y = load_iris(return_X_y=True)
        classification = {
            "estimator": DecisionTreeClassifier(random_state=0),
            "X": X,
            "y": y,
            "cv": StratifiedKFold(3, shuffle=True, random_state=0),
        }
        X, y = load_diabetes(return_X_y=True)
        regression = {
            "estimator": DecisionTreeRegressor(random_state=0),
            "X": X,
            "y": y,
            "scoring": "r2",
            "cv": KFold(2, shuffle=True, random_state=0),
            "random_state": 1,
        }
        return [classification, regression]

    @classmethod
    def _get_score_params(cls):
        """Parameters to score each instance of :meth:`get_test_params` with.

        Returns
        -------
        params : list of dict
            One dict per test instance.
        """
        return [
            {"max_depth": 2, _N_SAMPLES: 60},
            {"max_depth": 3, "min_samples_leaf": 5},
        ]


def _score_at_budget(params, meta):
    """Score one parameter dict; a failure scores ``error_score`` with a warning.

    A module-level function so that process-based backends can pickle it.
    """
    try:
        return float(meta["experiment"].score(params)[0])
    except Exception as exc:
        warnings.warn(
            f"The experiment failed on {params!r} with {type(exc).__name__}: {exc}. "
            f"Its score is error_score={meta['error_score']}.",
            UserWarning,
        )
        return float(meta["error_score"])


def _space_names(search_space):
    spaces = search_space if isinstance(search_space, (list, tuple)) else [search_space]
    return {name for space in spaces for name in space}


def _space_size(search_space):
    """Number of configurations of a finite grid; None with a distribution."""
    spaces = search_space if isinstance(search_space, (list, tuple)) else [search_space]
    if any(hasattr(v, "rvs") for space in spaces for v in space.values()):
        return None
    return len(ParameterGrid(search_space))


class HyperbandOptimizer(BaseOptimizer):
    """Hyperband (Li et al., 2018) as an optimizer of Hyperactive.

    Runs the brackets of :func:`~skmeta.model_selection.hyperband_schedule`:
    each bracket samples configurations from ``search_space``, scores them with
    the experiment on a small budget of ``resource``, keeps the best
    ``1 / factor`` and scores those at ``factor`` times the budget, until the
    survivors reach ``max_resources``. The best configuration is chosen among
    the evaluations at ``max_resources`` only, never a lucky low-budget score.

    The budget reaches the model through the parameters given to
    ``experiment.score``:

    - ``resource="n_samples"``: the parameters carry ``"n_samples"``, which a
      :class:`SubsampledCvExperiment` turns into seeded subsamples of its
      folds. A plain
      :class:`~hyperactive.experiment.integrations.SklearnCvExperiment` (as
      :class:`~hyperactive.integrations.sklearn.OptCV` builds) is converted to
      one, with the same estimator, data, scoring and splitter.
    - an estimator parameter such as ``"max_iter"``, ``"n_estimators"`` or
      ``"clf__max_iter"``: the parameter is set to each rung's budget. Every
      evaluation retrains from scratch, because Hyperactive's ``score`` keeps
      no model between calls; for survivors that continue training
      (``partial_fit``, warm start), use :class:`~skmeta.HyperbandSearchCV`.
    - any experiment whose ``paramnames()`` holds ``resource`` (or is None)
      receives the budget under that name and applies it itself.

    Parameters
    ----------
    search_space : dict or list of dict, default=None
        Parameter names mapped to lists of values or to scipy distributions
        (anything with ``rvs``), as ``param_distributions`` of
        :class:`~hyperactive.opt.RandomSearchSk`. A list of dicts is a union
        of spaces. A finite grid smaller than a bracket is used at most once
        per bracket. Required.

    resource : str, default="n_samples"
        What a budget counts: ``"n_samples"`` or the name of an integer
        parameter of the experiment. It must not be in ``search_space``.

    max_resources : int or "auto", default="auto"
        The budget of the survivors of every bracket, and of ``best_params_``.
        "auto" is the number of samples of the experiment's ``X``, and is only
        defined for ``resource="n_samples"``.

    min_resources : int or "auto", default="auto"
        The smallest budget of a rung. "auto" is, for ``"n_samples"``,
        ``2 * n_splits`` samples times the number of classes for a classifier
        (scikit-learn's "smallest"), and 1 otherwise.

    factor : int, default=3
        The ``eta`` of Hyperband: each rung keeps the best ``1 / factor``
        configurations and multiplies the budget by ``factor``.

    random_state : int, RandomState instance or None, default=None
        Seeds the sampling of configurations and, when a plain
        ``SklearnCvExperiment`` is converted for ``"n_samples"``, its
        subsamples. An int gives the same search on every call.

    error_score : float, default=np.nan
        Score of an evaluation that raises, with a warning; such a
        configuration is not promoted.

    backend : {"None", "loky", "multiprocessing", "threading", "joblib", \
            "dask", "ray"}, default="None"
        Runs the evaluations of a rung in parallel, as in
        :class:`~hyperactive.opt.RandomSearchSk`; "None" runs them in turn.

    backend_params : dict, default=None
        Passed to the backend, e.g. ``{"n_jobs": 2}``.

    experiment : BaseExperiment, default=None
        The experiment to maximise; :class:`~hyperactive.integrations.sklearn.OptCV`
        sets it.

    Attributes
    ----------
    best_params_ : dict
        The best configuration at ``max_resources``. For an estimator-parameter
        resource it holds the resource at ``max_resources``, so that
        ``OptCV`` refits the model that was scored; for ``"n_samples"`` it
        holds no budget (the full data).

    best_score_ : float
        Its score (higher is better) at ``max_resources``.

    history_ : list of dict
        One dict per evaluation, in order, with keys ``bracket`` (``s`` of the
        paper), ``iter`` (the rung), ``config_id``, ``n_resources``,
        ``params`` (without the budget) and ``score``.

    See Also
    --------
    skmeta.HyperbandSearchCV : Hyperband as a scikit-learn search, whose
        survivors continue training (``partial_fit``, warm start).
    skmeta.model_selection.hyperband_schedule : The brackets.

    References
    ----------
    .. [1] L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh and A. Talwalkar,
       "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
       Optimization", Journal of Machine Learning Research 18(185), 2018.

    Examples
    --------
    >>> from hyperactive.experiment.integrations import SklearnCvExperiment
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmeta.integrations.hyperactive import HyperbandOptimizer
    >>> X, y = load_iris(return_X_y=True)
    >>> experiment = SklearnCvExperiment(
    ...     DecisionTreeClassifier(random_state=0), X, y,
    ...     cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ... )
    >>> optimizer = HyperbandOptimizer(
    ...     {"min_samples_leaf": [1, 2, 4, 8, 16], "criterion": ["gini", "entropy"]},
    ...     resource="max_depth", max_resources=9, random_state=0,
    ...     experiment=experiment,
    ... )
    >>> best_params = optimizer.solve()
    >>> sorted(best_params)
    ['criterion', 'max_depth', 'min_samples_leaf']
    >>> best_params["max_depth"]
    9
    >>> sorted({row["n_resources"] for row in optimizer.history_})
    [1, 3, 9]
    """

    _tags = {
        "info:name": "Hyperband",
        "info:local_vs_global": "global",
        "info:explore_vs_exploit": "explore",
        "info:compute": "low",
    }

    def __init__(
        self,
        search_space=None,
        resource="n_samples",
        max_resources="auto",
        min_resources="auto",
        factor=3,
        random_state=None,
        error_score=np.nan,
        backend="None",
        backend_params=None,
        experiment=None,
    ):
        self.search_space = search_space
        self.resource = resource
        self.max_resources = max_resources
        self.min_resources = min_resources
        self.factor = factor
        self.random_state = random_state
        self.error_score = error_score
        self.backend = backend
        self.backend_params = backend_params
        self.experiment = experiment
        super().__init__()

    def _check_space_and_resource(self, search_space, resource):
        if search_space is None:
            raise ValueError(
                "search_space is required: a dict (or list of dicts) mapping "
                "parameter names to lists of values or scipy distributions, "
                "e.g. search_space={'alpha': loguniform(1e-5, 1e-1)}."
            )
        # Validates the space as RandomSearchSk does, before any evaluation.
        ParameterSampler(search_space, 1)
        if resource == "partial_fit":
            raise ValueError(
                "resource='partial_fit' continues training between rungs, which "
                "Hyperactive's experiments cannot express: experiment.score "
                "keeps no model from one call to the next. Use "
                "skmeta.HyperbandSearchCV(estimator, param_distributions, "
                "resource='partial_fit'), or here resource='n_samples' or an "
                "estimator parameter such as 'max_iter'."
            )
        if isinstance(resource, ResourceAdapter):
            raise ValueError(
                f"resource={resource!r} is a ResourceAdapter, which trains the "
                "model itself, while in Hyperactive the experiment trains it. "
                "Pass the resource by name ('n_samples' or an estimator "
                "parameter such as 'max_iter'), or keep the adapter (and its "
                "continuation of survivors) with skmeta.HyperbandSearchCV("
                "estimator, param_distributions, resource=adapter)."
            )
        if not isinstance(resource, str):
            raise TypeError(
                f"resource must be 'n_samples' or the name of an experiment "
                f"parameter such as 'max_iter'; got {resource!r} of type "
                f"{type(resource).__name__}."
            )
        if resource in _space_names(search_space):
            raise ValueError(
                f"resource={resource!r} is also in the search space; Hyperband "
                "sets it to each rung's budget. Remove it from search_space and "
                "bound it with max_resources."
            )

    def _resolve_experiment(self, experiment, resource, subsample_seed):
        """The experiment that receives the budget, refusing one that cannot."""
        if resource == _N_SAMPLES and isinstance(experiment, SklearnCvExperiment):
            if not isinstance(experiment, SubsampledCvExperiment):
                experiment = SubsampledCvExperiment(
                    estimator=experiment.estimator,
                    X=experiment.X,
                    y=experiment.y,
                    scoring=experiment.scoring,
                    cv=experiment.cv,
                    random_state=subsample_seed,
                )
            # Fails before any evaluation if the folds are not constant.
            experiment._checked_splits()
            return experiment
        paramnames = experiment.paramnames()
        if paramnames is not None and resource not in paramnames:
            if resource == _N_SAMPLES:
                fix = (
                    "Use a SubsampledCvExperiment (or a SklearnCvExperiment, "
                    "which is converted), or an experiment that reads "
                    "'n_samples' from its parameters."
                )
            else:
                fix = (
                    "Use 'n_samples' or an integer parameter such as "
                    f"{sorted(paramnames)[:8]}."
                )
            raise ValueError(
                f"resource={resource!r} is not a parameter of the experiment "
                f"{type(experiment).__name__}, so the budget could not reach "
                f"the model. {fix}"
            )
        return experiment

    @staticmethod
    def _resolve_resources(experiment, resource, max_resources, min_resources):
        subsampled = resource == _N_SAMPLES and isinstance(
            experiment, SubsampledCvExperiment
        )
        if max_resources == "auto":
            if not subsampled:
                raise ValueError(
                    f"max_resources='auto' is only defined for "
                    f"resource='n_samples' on a cross-validation experiment; the "
                    f"resource is {resource!r}. Pass an integer, e.g. "
                    "max_resources=81."
                )
            max_resources = _num_samples(experiment.X)
        if subsampled:
            n_samples = _num_samples(experiment.X)
            if isinstance(max_resources, numbers.Integral) and (
                max_resources > n_samples
            ):
                raise ValueError(
                    f"max_resources={max_resources} exceeds the {n_samples} "
                    "samples of the experiment; with resource='n_samples' it "
                    "must be at most n_samples. Use max_resources='auto' or a "
                    "smaller value."
                )
        if min_resources == "auto":
            min_resources = 1
            if subsampled:
                X, y, splits = experiment._checked_splits()
                # Tiny data may not afford the heuristic; then the search is
                # one bracket at max_resources.
                min_resources = min(
                    SubsampleAdapter().default_min_resources(
                        experiment.estimator, X, y, len(splits)
                    ),
                    max_resources,
                )
        return max_resources, min_resources

    def _solve(
        self,
        experiment,
        search_space,
        resource,
        max_resources,
        min_resources,
        factor,
        random_state,
        error_score,
        backend,
        backend_params,
    ):
        """Run the brackets and return the best configuration at the full budget.

        Parameters
        ----------
        experiment : BaseExperiment
            The experiment whose ``score`` is maximised.

        search_space, resource, max_resources, min_resources, factor, \
random_state, error_score, backend, backend_params
            As in the constructor.

        Returns
        -------
        best_params : dict
            The best configuration among the evaluations at ``max_resources``.
        """
        self._check_space_and_resource(search_space, resource)
        rng = check_random_state(random_state)
        subsample_seed = int(rng.randint(np.iinfo(np.int32).max))
        experiment = self._resolve_experiment(experiment, resource, subsample_seed)
        max_resources, min_resources = self._resolve_resources(
            experiment, resource, max_resources, min_resources
        )
        schedule = hyperband_schedule(max_resources, min_resources, factor)
        n_space = _space_size(search_space)
        meta = {"experiment": experiment, "error_score": error_score}

        history = []
        n_configurations_seen = 0
        for index, rungs in enumerate(schedule):
            if n_space is not None and n_space < rungs[0][0]:
                rungs = _bracket_rungs(n_space, [r for _, r in rungs], factor)
            candidates = list(
                ParameterSampler(search_space, rungs[0][0], random_state=rng)
            )
            alive = np.arange(len(candidates))
            for i, (_, n_resources) in enumerate(rungs):
                scores = parallelize(
                    fun=_score_at_budget,
                    iter=[{**candidates[j], resource: n_resources} for j in alive],
                    meta=meta,
                    backend=backend,
                    backend_params=backend_params,
                )
                history.extend(
                    {
                        "bracket": len(schedule) - 1 - index,
                        "iter": i,
                        "config_id": n_configurations_seen + int(j),
                        "n_resources": n_resources,
                        "params": candidates[j],
                        "score": score,
                    }
                    for j, score in zip(alive, scores, strict=True)
                )
                if i == len(rungs) - 1:
                    break
                # A failed evaluation (nan) is never preferred to a scored one;
                # ties keep the sampling order, so the search is deterministic.
                order = np.argsort(
                    -np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf),
                    kind="stable",
                )
                alive = alive[np.sort(order[: rungs[i + 1][0]])]
            n_configurations_seen += len(candidates)

        full = [row for row in history if row["n_resources"] == max_resources]
        full_scores = np.array([row["score"] for row in full], dtype=float)
        if np.isnan(full_scores).all():
            raise RuntimeError(
                f"All {len(full)} evaluations at max_resources={max_resources} "
                "failed (see the warnings for the errors). Fix the experiment, "
                "or narrow search_space to values the estimator accepts."
            )
        best = full[int(np.nanargmax(full_scores))]
        best_params = dict(best["params"])
        if resource != _N_SAMPLES:
            best_params[resource] = max_resources
        self.best_score_ = float(best["score"])
        self.history_ = history
        return best_params

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Small, fast instances for Hyperactive's conformance checks.

        Parameters
        ----------
        parameter_set : str, default="default"
            Unused; there is one set.

        Returns
        -------
        params : list of dict
            Constructor arguments, each with an ``experiment``: an estimator
            parameter as the resource, ``"n_samples"`` on a converted
            ``SklearnCvExperiment``, and ``"n_samples"`` on a
            :class:`SubsampledCvExperiment` with a scipy distribution and a
            parallel backend.
        """
        from scipy.stats import randint
        from sklearn.datasets import load_iris
        from sklearn.model_selection import StratifiedKFold
        from sklearn.tree import DecisionTreeClassifier

        X, y = load_iris(return_X_y=True)
        cv = StratifiedKFold(3, shuffle=True, random_state=0)
        tree = DecisionTreeClassifier(random_state=0)
        by_parameter = {
            "search_space": {
                "min_samples_leaf": [1, 2, 4, 8],
                "criterion": ["gini", "entropy"],
            },
            "resource": "max_depth",
            "max_resources": 9,
            "min_resources": 1,
            "random_state": 0,
            "experiment": SklearnCvExperiment(tree, X, y, cv=cv),
        }
        by_samples = {
            "search_space": {"max_depth": [1, 2, 3, 4, 5, 6]},
            "random_state": 1,
            "experiment": SklearnCvExperiment(tree, X, y, cv=cv),
        }
        parallel = {
            "search_space": {"min_samples_leaf": randint(1, 20)},
            "resource": "n_samples",
            "max_resources": 150,
            "min_resources": 16,
            "factor": 2,
            "random_state": 2,
            "backend": "threading",
            "backend_params": {"n_jobs": 2},
            "experiment": SubsampledCvExperiment(tree, X, y, cv=cv),
        }
        return [by_parameter, by_samples, parallel]
