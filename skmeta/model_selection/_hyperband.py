"""HyperbandSearchCV: Hyperband on scikit-learn's BaseSearchCV."""

import numbers
import time
from collections import defaultdict
from copy import deepcopy
from traceback import format_exc

import numpy as np
from scipy.stats import rankdata
from sklearn.base import clone, is_classifier
from sklearn.model_selection import ParameterGrid, ParameterSampler, check_cv
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted, indexable

from ..utils._sklearn_compat import (
    BaseSearchCV,
    Interval,
    StrOptions,
    _check_method_params,
    _fit_context,
    _insert_error_scores,
    _MultimetricScorer,
    _num_samples,
    _safe_split,
    _score,
    _warn_or_raise_about_fit_failures,
    _yields_constant_splits,
)
from ._adapters import (
    ResourceAdapter,
    SubsampleAdapter,
    _resolve_adapter,
    _space_names,
)
from ._sampler import BOHBSampler
from ._schedule import _bracket_rungs, hyperband_schedule

__all__ = ["HyperbandSearchCV"]


def _fit_and_score_on_budget(
    adapter,
    estimator,
    X,
    y,
    *,
    train,
    test,
    n_resources,
    n_resources_done,
    scorer,
    fit_params,
    score_params,
    return_train_score,
    error_score,
    keep_estimator,
):
    """Train one (configuration, fold) to a budget and score it.

    Returns a dict with the keys of sklearn's ``_fit_and_score`` (so that
    ``BaseSearchCV._format_results`` builds ``cv_results_``), plus
    ``n_resources_trained`` and, if ``keep_estimator``, the trained
    ``estimator``, which the search hands back at the next rung.
    """
    fit_params = _check_method_params(X, params=fit_params or {}, indices=train)
    score_params = score_params or {}
    score_params_train = _check_method_params(X, params=score_params, indices=train)
    score_params_test = _check_method_params(X, params=score_params, indices=test)
    X_train, y_train = _safe_split(estimator, X, y, train)
    X_test, y_test = _safe_split(estimator, X, y, test, train)

    result = {"n_resources_trained": n_resources - n_resources_done}
    start_time = time.time()
    try:
        estimator = adapter.fit(
            estimator,
            X_train,
            y_train,
            n_resources=n_resources,
            n_resources_done=n_resources_done,
            **fit_params,
        )
    except Exception:
        if error_score == "raise":
            raise
        result["fit_error"] = format_exc()
        if isinstance(scorer, _MultimetricScorer):
            test_scores = {name: error_score for name in scorer._scorers}
        else:
            test_scores = error_score
        train_scores = test_scores
        fit_time, score_time = time.time() - start_time, 0.0
    else:
        result["fit_error"] = None
        fit_time = time.time() - start_time
        test_scores = _score(
            estimator, X_test, y_test, scorer, score_params_test, error_score
        )
        score_time = time.time() - start_time - fit_time
        if return_train_score:
            train_scores = _score(
                estimator, X_train, y_train, scorer, score_params_train, error_score
            )
        if keep_estimator:
            result["estimator"] = estimator
    result["test_scores"] = test_scores
    if return_train_score:
        result["train_scores"] = train_scores
    result["n_test_samples"] = len(test)
    result["fit_time"] = fit_time
    result["score_time"] = score_time
    return result


class HyperbandSearchCV(BaseSearchCV):
    """Hyperband search over hyper-parameters with cross-validation.

    Hyperband (Li et al., 2018) runs several brackets of successive halving: each
    bracket samples candidates, evaluates them by cross-validation on a small
    budget of a resource (samples, iterations, trees, epochs), keeps the best
    ``1 / factor`` and gives them ``factor`` times the budget, until the
    survivors reach ``max_resources``. Brackets differ in how many candidates
    they start with and how small their first budget is, which hedges between
    exploring many configurations and training few of them fully.

    A drop-in replacement for :class:`~sklearn.model_selection.GridSearchCV` and
    :class:`~sklearn.model_selection.RandomizedSearchCV`: same ``cv_results_``
    layout, ``best_*`` attributes, ``refit``, multimetric ``scoring``, groups and
    metadata routing, ``error_score`` and joblib parallelism (any backend, Dask
    included).

    Survivors are *continued* rather than retrained where the resource allows
    it: with ``resource="partial_fit"`` a configuration that reaches ``r``
    passes has received exactly ``r`` passes of ``partial_fit``; with an
    estimator parameter (``"max_iter"``, ``"n_estimators"``, ``"clf__max_iter"``)
    of an estimator with ``warm_start``, the parameter grows with warm start on.

    Read more in the :ref:`User Guide <hyperband>`.

    Parameters
    ----------
    estimator : estimator object
        The estimator to tune; it is cloned, never fitted in place.

    param_distributions : dict or list of dict
        The search space: parameter names mapped to lists of values (a grid,
        as ``param_grid`` of :class:`~sklearn.model_selection.GridSearchCV`) or
        to scipy distributions (anything with ``rvs``). A list of dicts is a
        union of spaces. When the space is a finite grid smaller than a
        bracket's number of candidates, the bracket uses each configuration at
        most once, and :meth:`get_plan` reports it.

    resource : str or ResourceAdapter, default="n_samples"
        What a budget counts:

        - ``"n_samples"``: training and test folds are subsampled to the budget
          (:class:`SubsampleAdapter`); every rung trains from scratch.
        - ``"partial_fit"``: passes of ``partial_fit`` over the training fold
          (:class:`PartialFitAdapter`); survivors continue.
        - the name of an integer parameter of the estimator, nested names
          included (:class:`ParameterAdapter`); survivors continue through
          ``warm_start`` when the estimator, or the Pipeline step, has it.
        - a :class:`ResourceAdapter` instance, for any other training loop.

    max_resources : int or "auto", default="auto"
        The budget the survivors of every bracket reach, and the budget of the
        refit. "auto" is the number of samples, and is only defined for
        ``resource="n_samples"``.

    min_resources : int or "auto", default="auto"
        The smallest budget of a rung. "auto" is, for ``"n_samples"``,
        ``2 * n_splits`` samples times the number of classes for a classifier
        (scikit-learn's "smallest"), and 1 otherwise.

    factor : int, default=3
        The ``eta`` of Hyperband: each rung keeps the best ``1 / factor``
        candidates and multiplies the budget by ``factor``.

    scoring : str, callable, list, tuple or dict, default=None
        As in :class:`~sklearn.model_selection.GridSearchCV`. With several
        metrics, candidates are promoted by the ``refit`` metric, or by the
        first one when ``refit`` is not a metric name.

    refit : bool, str or callable, default=True
        Refit the best configuration on the whole data at ``max_resources``
        (for ``"n_samples"``: on all the samples). The best is chosen among
        the evaluations at ``max_resources`` only; a callable receives
        ``cv_results_`` restricted to those rows and returns an index into
        them.

    cv : int, cross-validation generator or iterable, default=5
        As in :class:`~sklearn.model_selection.GridSearchCV`. The splits are
        computed once per fit, so every rung of every bracket uses the same
        folds. With ``resource="n_samples"`` the splitter must yield the same
        splits on every call (no unseeded shuffling), as scikit-learn's halving
        search requires.

    n_jobs : int, default=None
        Number of jobs to run in parallel through joblib; works with any joblib
        backend, including Dask's. ``None`` means 1 unless in a
        :obj:`joblib.parallel_backend` context.

    pre_dispatch : int or str, default="2*n_jobs"
        Number of jobs dispatched in advance, as in
        :class:`~sklearn.model_selection.GridSearchCV`.

    random_state : int, RandomState instance or None, default=None
        Seeds the sampling of configurations and the subsamples of
        ``"n_samples"``. An int gives the same results on every fit.

    verbose : int, default=0
        Above 0, a line per bracket and per rung.

    error_score : "raise" or numeric, default=np.nan
        Score of a failed fit; such a candidate is not promoted. If every fit of
        a rung fails, an error is raised, as in
        :class:`~sklearn.model_selection.GridSearchCV`.

    return_train_score : bool, default=False
        Whether ``cv_results_`` includes training scores.

    sampler : {"random", "bohb"} or BOHBSampler, default="random"
        How each bracket's configurations are proposed:

        - ``"random"``: drawn at random from ``param_distributions``, as in
          Hyperband.
        - ``"bohb"``: :class:`~skmeta.model_selection.BOHBSampler` with its
          defaults (Falkner et al., 2018): a density model of the good and bad
          configurations evaluated at the largest budget with enough
          evaluations proposes most configurations of the later brackets; a
          third stays random.
        - a :class:`~skmeta.model_selection.BOHBSampler`, to set its
          parameters.

        ``cv_results_["proposed_by"]`` says which configurations came from the
        model. Hyperactive's optimizers are not offered as samplers: they run
        their own loop over a stateless ``experiment.score`` and have no
        ask/tell interface through which Hyperband could propose a bracket and
        report its rungs back.

    initial_candidates : list of dict, default=None
        Configurations to evaluate before any proposal of the ``sampler``,
        such as a meta-model's recommendations or a known good default. Every
        bracket starts with them, in the given order, and the ``sampler``
        fills its remaining configurations; a bracket with fewer
        configurations than the list takes its first ones (the order is a
        priority). Each one therefore competes in the most exploratory
        bracket, and as many as fit in every other bracket, up to the
        bracket ``s = 0`` that trains all its configurations at
        ``max_resources``. In a finite grid, a bracket never draws a
        configuration equal to one of them. A dict sets parameters of the
        search space or any other parameter of the estimator (the others keep
        the estimator's values), but not the resource, which Hyperband sets.
        The list may not be longer than the first bracket. Their rows of
        ``cv_results_`` have ``proposed_by="initial"``; within a rung, an
        initial candidate wins a tie with a proposal.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per (configuration, rung) evaluation, with the columns of
        :class:`~sklearn.model_selection.GridSearchCV` plus ``bracket`` (``s``
        of the paper), ``iter`` (the rung within its bracket), ``n_resources``
        (the budget of the rung), ``n_resources_trained`` (the budget really
        trained for it: the increment over the previous rung when continued),
        ``config_id`` (one id per sampled configuration, shared by its rows;
        :meth:`learning_curves` gathers them) and ``proposed_by``
        (``"initial"`` for one of ``initial_candidates``, ``"random"``, or
        ``"model"`` for a configuration proposed by the ``sampler``'s model).
        ``rank_test_*`` ranks the rows at ``max_resources`` first, so rank 1
        is ``best_index_``.

    best_estimator_ : estimator
        The best configuration refit on the whole data at ``max_resources``.
        Not available if ``refit=False``.

    best_score_ : float
        Mean cross-validated score of the best configuration at
        ``max_resources``.

    best_params_ : dict
        Parameters of the best configuration.

    best_index_ : int
        Row of ``cv_results_`` of the best configuration; always a row at
        ``max_resources``.

    scorer_ : function or dict
        The scorer(s) used.

    n_splits_ : int
        Number of cross-validation splits.

    refit_time_ : float
        Seconds to refit the best configuration.

    multimetric_ : bool
        Whether several metrics were used.

    max_resources_ : int
        The resolved ``max_resources``.

    min_resources_ : int
        The resolved ``min_resources``.

    resource_adapter_ : ResourceAdapter
        The adapter used, bound to the data.

    plan_ : list of dict
        The plan that was run; see :meth:`get_plan`.

    n_resources_ : list of list of int
        For each bracket, the budget of each rung.

    n_candidates_ : list of list of int
        For each bracket, the number of candidates of each rung.

    classes_ : ndarray of shape (n_classes,)
        The classes of a classifier.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    hyperband_schedule : The brackets of Hyperband.
    BOHBSampler : Model-based proposals for the brackets.
    sklearn.model_selection.HalvingRandomSearchCV : One bracket of successive
        halving, retraining every rung.

    Notes
    -----
    Why the search runs its own evaluation loop: ``BaseSearchCV.fit`` evaluates
    candidates through ``_fit_and_score`` on fresh clones, so it cannot hand a
    survivor's trained model to the next rung. This class keeps the rest of
    ``BaseSearchCV`` (scorers, routing, ``_format_results``, refit and the
    ``best_*`` logic) and overrides ``fit`` to give ``_run_search`` an
    ``evaluate_candidates`` that also takes the models to continue. Joblib
    workers may be other processes or Dask workers, so no state lives in the
    workers: each task receives the model it continues and returns the trained
    model, and the search keeps models only for the (configuration, fold)
    pairs still alive, dropping the others as soon as a rung is decided.

    References
    ----------
    .. [1] L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh and A. Talwalkar,
       "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
       Optimization", Journal of Machine Learning Research 18(185), 2018.
    .. [2] S. Falkner, A. Klein and F. Hutter, "BOHB: Robust and Efficient
       Hyperparameter Optimization at Scale", ICML 2018.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skmeta import HyperbandSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     SGDClassifier(random_state=0),
    ...     {"alpha": loguniform(1e-5, 1e-1)},
    ...     resource="partial_fit", max_resources=9, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> search.n_resources_
    [[1, 3, 9], [3, 9], [9]]
    >>> search.n_candidates_
    [[9, 3, 1], [5, 1], [3]]
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "param_distributions": [dict, list],
        "resource": [str, ResourceAdapter],
        "max_resources": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "min_resources": [
            Interval(numbers.Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "factor": [Interval(numbers.Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
        "sampler": [StrOptions({"random", "bohb"}), BOHBSampler],
        "initial_candidates": [list, None],
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        resource="n_samples",
        max_resources="auto",
        min_resources="auto",
        factor=3,
        scoring=None,
        refit=True,
        cv=5,
        n_jobs=None,
        pre_dispatch="2*n_jobs",
        random_state=None,
        verbose=0,
        error_score=np.nan,
        return_train_score=False,
        sampler="random",
        initial_candidates=None,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.param_distributions = param_distributions
        self.resource = resource
        self.max_resources = max_resources
        self.min_resources = min_resources
        self.factor = factor
        self.random_state = random_state
        self.sampler = sampler
        self.initial_candidates = initial_candidates

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # BaseSearchCV copies the estimator type, classifier/regressor tags and
        # sparse input; the targets and NaN support are the inner estimator's
        # too (a multi-output Ridge stays multi-output).
        inner = get_tags(self.estimator)
        tags.target_tags = deepcopy(inner.target_tags)
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.array_api_support = False
        return tags

    def _space_size(self):
        """Number of distinct configurations of a finite grid, else None."""
        spaces = self.param_distributions
        spaces = spaces if isinstance(spaces, (list, tuple)) else [spaces]
        if any(hasattr(v, "rvs") for space in spaces for v in space.values()):
            return None
        return len(ParameterGrid(self.param_distributions))

    def _resolve_resources(self, adapter, X, y, n_splits):
        if self.max_resources == "auto":
            max_resources = adapter.default_max_resources(X, y)
        else:
            max_resources = self.max_resources
        n_samples = None if X is None else _num_samples(X)
        if isinstance(adapter, SubsampleAdapter) and max_resources > n_samples:
            raise ValueError(
                f"max_resources={max_resources} exceeds the {n_samples} samples "
                "of the data; with resource='n_samples' it must be at most "
                "n_samples. Use max_resources='auto' or a smaller value."
            )
        if self.min_resources == "auto":
            # The heuristic may ask for more samples than tiny data has; then
            # the whole search is one bracket at max_resources.
            min_resources = min(
                adapter.default_min_resources(self.estimator, X, y, n_splits),
                max_resources,
            )
        else:
            min_resources = self.min_resources
        if min_resources > max_resources:
            raise ValueError(
                f"min_resources={min_resources} is larger than "
                f"max_resources={max_resources}; min_resources must be at most "
                "max_resources. Lower min_resources or raise max_resources."
            )
        return max_resources, min_resources

    def _make_plan(self, adapter, max_resources, min_resources):
        n_space = self._space_size()
        n_initial = len(self.initial_candidates or ())
        continues = adapter.supports_continuation(self.estimator)
        schedule = hyperband_schedule(max_resources, min_resources, self.factor)
        plan = []
        for index, rungs in enumerate(schedule):
            limited = n_space is not None and n_space < rungs[0][0]
            if limited:
                rungs = _bracket_rungs(
                    n_space,
                    [r for _, r in rungs],
                    self.factor,
                )
            trained = 0
            previous = 0
            for n_i, r_i in rungs:
                trained += n_i * (r_i - previous if continues else r_i)
                previous = r_i
            plan.append(
                {
                    "bracket": len(schedule) - 1 - index,
                    "rungs": rungs,
                    "n_configurations": rungs[0][0],
                    "n_initial": min(n_initial, rungs[0][0]),
                    "n_evaluations": sum(n for n, _ in rungs),
                    "total_resources": trained,
                    "limited_by_search_space": limited,
                }
            )
        if n_initial > plan[0]["n_configurations"]:
            raise ValueError(
                f"initial_candidates has {n_initial} configurations, but the "
                f"largest bracket of this plan has "
                f"{plan[0]['n_configurations']}; each initial candidate must "
                "fit in it. Pass at most that many, or widen the schedule "
                "(a larger max_resources / min_resources)."
            )
        return plan

    def _check_initial_candidates(self, adapter):
        """Refuse initial candidates that are not dicts of known parameters."""
        if self.initial_candidates is None:
            return
        known = set(self.estimator.get_params(deep=True))
        known |= _space_names(self.param_distributions)
        resource = getattr(adapter, "parameter", None)
        for i, candidate in enumerate(self.initial_candidates):
            if not isinstance(candidate, dict):
                raise TypeError(
                    f"initial_candidates[{i}] is {candidate!r} of type "
                    f"{type(candidate).__name__}; each initial candidate must be "
                    "a dict of parameter names to values, such as "
                    "{'alpha': 0.001}."
                )
            unknown = sorted(set(candidate) - known, key=str)
            if unknown:
                raise ValueError(
                    f"initial_candidates[{i}] sets {unknown}, which are neither "
                    "in the search space nor parameters of "
                    f"{type(self.estimator).__name__}. Valid names are: "
                    f"{sorted(known)}."
                )
            if resource is not None and resource in candidate:
                raise ValueError(
                    f"initial_candidates[{i}] sets the resource {resource!r}; "
                    "Hyperband sets it to each rung's budget. Remove it from "
                    "the initial candidates."
                )

    def get_plan(self, X=None, y=None, **params):
        """The brackets the search will run, before fitting.

        Like dask-ml's ``metadata``: for each bracket, its rungs, how many
        configurations and evaluations it makes and the total resource it
        trains (per fold; continued rungs count only their increment).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), default=None
            Needed with ``resource="n_samples"``, whose budgets count samples.

        y : array-like of shape (n_samples,), default=None
            The targets, for the "auto" ``min_resources`` of a classifier and
            for splitters that need them.

        **params : dict of str -> object
            The parameters :meth:`fit` would receive; only those routed to the
            CV splitter (such as ``groups``) are used, to count its splits.

        Returns
        -------
        plan : list of dict
            One dict per bracket, from ``s = s_max`` to ``s = 0``, with keys
            ``bracket`` (``s``), ``rungs`` (list of ``(n_candidates,
            n_resources)``), ``n_configurations``, ``n_initial`` (how many of
            them are ``initial_candidates``), ``n_evaluations`` (rows of
            ``cv_results_``), ``total_resources`` and
            ``limited_by_search_space`` (True when a finite grid has fewer
            configurations than the bracket would sample, each then used once).
        """
        self._validate_params()
        adapter = _resolve_adapter(self.resource)
        adapter.validate(self.estimator, self.param_distributions)
        self._check_initial_candidates(adapter)
        if X is None and isinstance(adapter, SubsampleAdapter):
            raise ValueError(
                "With resource='n_samples' the budgets depend on the data; pass "
                "X (and y) to get_plan."
            )
        n_splits = None
        if X is not None:
            X, y = indexable(X, y)
            params = _check_method_params(X, params=params)
            split_params = self._get_routed_params_for_fit(params).splitter.split
            cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
            n_splits = cv.get_n_splits(X, y, **split_params)
        max_resources, min_resources = self._resolve_resources(adapter, X, y, n_splits)
        return self._make_plan(adapter, max_resources, min_resources)

    @_fit_context(
        # the estimator is validated when it is fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, **params):
        """Run Hyperband with cross-validation and refit the best configuration.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
            Targets; None for unsupervised learning.

        **params : dict of str -> object
            Parameters passed to the estimator's fit (or ``partial_fit``), the
            scorer and the CV splitter, such as ``groups`` and
            ``sample_weight``; with metadata routing enabled, routed as
            requested.

        Returns
        -------
        self : object
            The fitted search.
        """
        adapter = _resolve_adapter(self.resource)
        adapter.validate(self.estimator, self.param_distributions)
        self._check_initial_candidates(adapter)
        # Validates the search space (lists or distributions) early.
        ParameterSampler(self.param_distributions, 1)
        if isinstance(self.sampler, BOHBSampler):
            self.sampler._validate()
        scorers, refit_metric = self._get_scorers()

        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed_params = self._get_routed_params_for_fit(params)
        split_params = routed_params.splitter.split

        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        if isinstance(adapter, SubsampleAdapter) and not _yields_constant_splits(cv):
            raise ValueError(
                f"resource='n_samples' needs a CV splitter that yields the same "
                f"splits on every call; {cv!r} shuffles without an integer "
                "random_state. Set random_state to an int, or shuffle=False."
            )
        self._checked_cv_orig = cv
        self.n_splits_ = cv.get_n_splits(X, y, **split_params)
        splits = list(cv.split(X, y, **split_params))
        if len(splits) != self.n_splits_:
            raise ValueError(
                "cv.split and cv.get_n_splits return inconsistent results. "
                f"Expected {self.n_splits_} splits, got {len(splits)}."
            )

        self.max_resources_, self.min_resources_ = self._resolve_resources(
            adapter, X, y, self.n_splits_
        )
        self.resource_adapter_ = adapter.prepare(self.estimator, X, y)
        self.plan_ = self._make_plan(adapter, self.max_resources_, self.min_resources_)
        self._continues = adapter.supports_continuation(self.estimator)

        random_state = check_random_state(self.random_state)
        subsample_seed = random_state.randint(np.iinfo(np.int32).max)
        self._sampling_random_state = random_state
        n_samples = _num_samples(X)
        stratify = (
            np.asarray(y)
            if is_classifier(self.estimator)
            and y is not None
            and np.asarray(y).ndim == 1
            else None
        )

        root_ctx = None
        if hasattr(self, "_init_callback_context"):  # scikit-learn >= 1.9
            root_ctx = self._init_callback_context(
                max_subtasks=len(self.plan_) + bool(self.refit)
            )
            root_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)

        base_estimator = clone(self.estimator)
        bound_adapter = self.resource_adapter_
        fit_and_score_kwargs = dict(
            scorer=scorers,
            fit_params=routed_params.estimator.fit,
            score_params=routed_params.scorer.score,
            return_train_score=self.return_train_score,
            error_score=self.error_score,
        )
        all_candidate_params = []
        all_out = []
        all_more_results = defaultdict(list)
        results = {}
        parallel = Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch)

        with parallel:

            def evaluate_candidates(
                candidate_params,
                *,
                n_resources,
                n_resources_done=0,
                models=None,
                keep_models=False,
                more_results=None,
            ):
                """Evaluate candidates at one budget; continue ``models`` if given.

                ``models[c][k]`` is the model of candidate ``c`` on fold ``k``
                trained to ``n_resources_done`` (or None to start afresh).
                Returns ``cv_results_`` so far and, if ``keep_models``, the
                trained models in the same layout.
                """
                candidate_params = list(candidate_params)
                n_candidates = len(candidate_params)
                if models is None:
                    models = [[None] * self.n_splits_ for _ in candidate_params]
                folds = [
                    bound_adapter.select_samples(
                        train,
                        test,
                        n_resources=n_resources,
                        n_samples=n_samples,
                        stratify=stratify,
                        # The same subsample for every candidate of a budget.
                        random_state=np.random.RandomState(
                            [subsample_seed, n_resources, k]
                        ),
                    )
                    for k, (train, test) in enumerate(splits)
                ]
                tasks = []
                for params_c, models_c in zip(candidate_params, models, strict=True):
                    for (train, test), model in zip(folds, models_c, strict=True):
                        # A fold whose previous fit failed starts afresh.
                        done = 0 if model is None else n_resources_done
                        if model is None:
                            model = clone(base_estimator).set_params(
                                **clone(params_c, safe=False)
                            )
                        tasks.append(
                            delayed(_fit_and_score_on_budget)(
                                bound_adapter,
                                model,
                                X,
                                y,
                                train=train,
                                test=test,
                                n_resources=n_resources,
                                n_resources_done=done,
                                keep_estimator=keep_models,
                                **fit_and_score_kwargs,
                            )
                        )
                out = parallel(tasks)
                _warn_or_raise_about_fit_failures(out, self.error_score)
                if callable(self.scoring):
                    _insert_error_scores(out, self.error_score)

                trained_models = []
                trained = []
                for c in range(n_candidates):
                    rows = out[c * self.n_splits_ : (c + 1) * self.n_splits_]
                    trained_models.append([row.pop("estimator", None) for row in rows])
                    trained.append(max(row.pop("n_resources_trained") for row in rows))

                more_results = dict(more_results or {})
                more_results["n_resources"] = [n_resources] * n_candidates
                more_results["n_resources_trained"] = trained
                all_candidate_params.extend(candidate_params)
                all_out.extend(out)
                for key, value in more_results.items():
                    all_more_results[key].extend(value)
                nonlocal results
                results = self._format_results(
                    all_candidate_params, self.n_splits_, all_out, all_more_results
                )
                return results, (trained_models if keep_models else None)

            try:
                self._run_search(evaluate_candidates, callback_ctx=root_ctx)
            finally:
                del self._continues, self._sampling_random_state

        first_test_score = all_out[0]["test_scores"]
        self.multimetric_ = isinstance(first_test_score, dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(first_test_score)
            refit_metric = self.refit

        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(
                self.refit, refit_metric, results
            )
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][
                    self.best_index_
                ]
            self.best_params_ = results["params"][self.best_index_]

        if self.refit:
            refit_ctx = None
            if root_ctx is not None:
                refit_ctx = root_ctx.subcontext(task_name="refit-with-best-params")
                refit_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
            best_estimator = clone(base_estimator).set_params(
                **clone(self.best_params_, safe=False)
            )
            refit_start_time = time.time()
            self.best_estimator_ = bound_adapter.fit(
                best_estimator,
                X,
                y,
                n_resources=self.max_resources_,
                **routed_params.estimator.fit,
            )
            self.refit_time_ = time.time() - refit_start_time
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
            if refit_ctx is not None:
                refit_ctx.call_on_fit_task_end(estimator=self, X=X, y=y)

        if isinstance(scorers, _MultimetricScorer):
            self.scorer_ = scorers._scorers
        else:
            self.scorer_ = scorers
        self.cv_results_ = results
        self.n_resources_ = [[r for _, r in b["rungs"]] for b in self.plan_]
        self.n_candidates_ = [[n for n, _ in b["rungs"]] for b in self.plan_]
        if root_ctx is not None:
            root_ctx.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self

    def _run_search(self, evaluate_candidates, *, callback_ctx=None):
        """Run the brackets of :attr:`plan_`, promoting the best of each rung.

        ``evaluate_candidates(candidate_params, *, n_resources,
        n_resources_done=0, models=None, keep_models=False, more_results=None)``
        is given by :meth:`fit`; unlike BaseSearchCV's, it takes the budget and
        the models to continue, and returns ``(results, models)``.
        """
        random_state = self._sampling_random_state
        sampler = BOHBSampler() if self.sampler == "bohb" else self.sampler
        observations = []
        n_configurations_seen = 0
        for bracket in self.plan_:
            rungs = bracket["rungs"]
            initial = [dict(c) for c in self.initial_candidates or ()]
            initial = initial[: bracket["n_initial"]]
            n_proposed = bracket["n_configurations"] - len(initial)
            if n_proposed == 0:
                proposals, proposed_by = [], []
            elif sampler == "random":
                proposals = list(
                    ParameterSampler(
                        self.param_distributions,
                        n_proposed,
                        random_state=random_state,
                    )
                )
                proposed_by = ["random"] * len(proposals)
            else:
                # Brackets run one after another, so each is proposed from
                # every rung of the brackets before it.
                proposals, proposed_by = sampler._propose(
                    self.param_distributions,
                    n_proposed,
                    observations,
                    random_state,
                )
            if initial and self._space_size() is not None:
                proposals, proposed_by = self._without_initial(
                    proposals, proposed_by, initial, n_proposed, random_state
                )
            candidates = initial + proposals
            proposed_by = ["initial"] * len(initial) + list(proposed_by)
            config_ids = np.arange(len(candidates)) + n_configurations_seen
            n_configurations_seen += len(candidates)
            bracket_ctx = None
            if callback_ctx is not None:
                bracket_ctx = callback_ctx.subcontext(task_name="bracket")
                bracket_ctx.call_on_fit_task_begin(estimator=self)
            if self.verbose > 0:
                note = " (search space exhausted)" * bracket["limited_by_search_space"]
                print(
                    f"Hyperband bracket s={bracket['bracket']}: "
                    f"{len(candidates)} configurations, {len(rungs)} rungs{note}"
                )

            alive = np.arange(len(candidates))
            models = None
            n_resources_done = 0
            for i, (n_candidates, n_resources) in enumerate(rungs):
                last = i == len(rungs) - 1
                if self.verbose > 0:
                    print(
                        f"  rung {i}: {n_candidates} candidates x {self.n_splits_} "
                        f"folds at n_resources={n_resources}"
                    )
                results, models = evaluate_candidates(
                    [candidates[j] for j in alive],
                    n_resources=n_resources,
                    n_resources_done=n_resources_done,
                    models=models,
                    keep_models=self._continues and not last,
                    more_results={
                        "bracket": [bracket["bracket"]] * len(alive),
                        "iter": [i] * len(alive),
                        "config_id": list(config_ids[alive]),
                        "proposed_by": [proposed_by[j] for j in alive],
                    },
                )
                scores = results[self._promotion_key(results)][-len(alive) :]
                observations.extend(
                    (candidates[j], n_resources, score)
                    for j, score in zip(alive, scores, strict=True)
                )
                if last:
                    break
                # A failed fit (nan) is never preferred to a scored one; ties
                # keep the sampling order, so the search is deterministic.
                order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
                kept = np.sort(order[: rungs[i + 1][0]])
                alive = alive[kept]
                if models is not None:
                    models = [models[k] for k in kept]
                n_resources_done = n_resources
            if bracket_ctx is not None:
                bracket_ctx.call_on_fit_task_end(estimator=self)

    def _without_initial(self, proposals, proposed_by, initial, n, random_state):
        """Replace proposals of a finite grid that repeat an initial candidate.

        The replacements are drawn at random among the grid's configurations
        not yet in the bracket, so the bracket still has ``n`` proposals
        whenever the grid has them.
        """
        kept = [
            (params, source)
            for params, source in zip(proposals, proposed_by, strict=True)
            if not any(_same_params(params, c) for c in initial)
        ]
        if len(kept) < n:
            taken = initial + [params for params, _ in kept]
            unused = [
                params
                for params in ParameterGrid(self.param_distributions)
                if not any(_same_params(params, c) for c in taken)
            ]
            order = random_state.permutation(len(unused))[: n - len(kept)]
            kept.extend((unused[i], "random") for i in order)
        return [p for p, _ in kept], [source for _, source in kept]

    def _promotion_key(self, results):
        """The column that ranks candidates within a rung."""
        if isinstance(self.refit, str) and f"mean_test_{self.refit}" in results:
            return f"mean_test_{self.refit}"
        if "mean_test_score" in results:
            return "mean_test_score"
        return next(key for key in results if key.startswith("mean_test_"))

    def _format_results(self, candidate_params, n_splits, out, more_results=None):
        results = super()._format_results(candidate_params, n_splits, out, more_results)
        # BaseSearchCV ranks every row; rank the full-budget rows first so that
        # rank 1 is the best at max_resources (best_index_), not a lucky
        # low-budget evaluation.
        full = results["n_resources"] == np.max(results["n_resources"])
        n_full = int(full.sum())
        for key in [k for k in results if k.startswith("rank_test_")]:
            means = results[f"mean_test_{key[len('rank_test_') :]}"]
            ranks = np.empty(len(means), dtype=np.int32)
            for mask, offset in ((full, 0), (~full, n_full)):
                if mask.any():
                    ranks[mask] = offset + _rank_descending(means[mask])
            results[key] = ranks
        return results

    @staticmethod
    def _select_best_index(refit, refit_metric, results):
        """The best row among the evaluations at the largest budget."""
        full = np.flatnonzero(results["n_resources"] == np.max(results["n_resources"]))
        if callable(refit):
            subset = {
                key: [value[i] for i in full]
                if isinstance(value, list)
                else value[full]
                for key, value in results.items()
            }
            best_index = refit(subset)
            if not isinstance(best_index, numbers.Integral):
                raise TypeError(
                    f"refit returned {best_index!r}; a callable refit must return "
                    "an integer index into the rows it receives."
                )
            if not 0 <= best_index < len(full):
                raise IndexError(
                    f"refit returned index {best_index}, outside the {len(full)} "
                    "rows at max_resources it received."
                )
            return int(full[best_index])
        ranks = results[f"rank_test_{refit_metric}"]
        return int(full[np.argmin(ranks[full])])

    def learning_curves(self, metric=None):
        """Mean test score of each configuration at each of its rungs.

        Parameters
        ----------
        metric : str, default=None
            The scorer name for multimetric scoring; None for the refit metric
            (or the only one).

        Returns
        -------
        curves : dict of int -> tuple of (ndarray, ndarray)
            ``config_id`` mapped to the budgets it was evaluated at and its mean
            test score there, in rung order.
        """
        check_is_fitted(self, "cv_results_")
        results = self.cv_results_
        key = (
            f"mean_test_{metric}"
            if metric is not None
            else self._promotion_key(results)
        )
        if key not in results:
            names = [
                k[len("mean_test_") :] for k in results if k.startswith("mean_test_")
            ]
            raise ValueError(f"metric={metric!r} is not one of {names}.")
        curves = {}
        for config_id in np.unique(results["config_id"]):
            rows = np.flatnonzero(results["config_id"] == config_id)
            curves[int(config_id)] = (
                np.asarray(results["n_resources"])[rows],
                np.asarray(results[key])[rows],
            )
        return curves


def _same_params(first, second):
    """Whether two configurations set the same parameters to equal values."""
    if first.keys() != second.keys():
        return False
    for key, value in first.items():
        other = second[key]
        if value is other:
            continue
        try:
            if not bool(value == other):
                return False
        except (TypeError, ValueError):
            # Arrays and objects without a boolean ==: equal only if identical.
            return False
    return True


def _rank_descending(values):
    """Ranks 1.. of ``values`` from the largest; nan ties with the worst."""
    values = np.asarray(values, dtype=np.float64)
    if np.isnan(values).all():
        return np.ones(len(values), dtype=np.int32)
    filled = np.where(np.isnan(values), np.nanmin(values) - 1, values)
    return rankdata(-filled, method="min").astype(np.int32)
