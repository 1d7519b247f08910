"""The compared methods, each run under a wall-clock budget.

Every method returns a *trace*: the incumbent (the configuration it would return if
stopped now) after each evaluation, with the wall time at which it became known and
its cross-validation score. Test scores are computed afterwards, outside the timed
region, by :func:`score_trace`. AutoML tools, which give no such trace, return one
entry: their final model.
"""

import math
import resource
import time
import warnings

import numpy as np
from _compare_space import (
    BudgetExhausted,
    SpaceModel,
    config_key,
    distributions,
    grid_candidates,
)
from sklearn.base import clone
from sklearn.model_selection import (
    GridSearchCV,
    ParameterSampler,
    RandomizedSearchCV,
    cross_val_score,
)
from sklearn.preprocessing import LabelEncoder

SCORING = "accuracy"


class Clock:
    """Wall and CPU time since start (CPU of this process and of its finished
    children, and of live children through psutil when available)."""

    def __init__(self):
        self.wall0 = time.monotonic()
        self.cpu0 = self._cpu()

    @staticmethod
    def _cpu():
        own = time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = own + children.ru_utime + children.ru_stime
        try:
            import psutil

            for child in psutil.Process().children(recursive=True):
                try:
                    times = child.cpu_times()
                    total += times.user + times.system
                except psutil.Error:
                    pass
        except ImportError:
            pass
        return total

    def wall(self):
        return time.monotonic() - self.wall0

    def cpu(self):
        return self._cpu() - self.cpu0


class Trace:
    """Incumbents of a search, in time order."""

    def __init__(self, clock, budget):
        self.clock = clock
        self.budget = budget
        self.deadline = clock.wall0 + budget
        self.entries = []
        self.best = -math.inf
        self.n_evaluations = 0

    def over(self):
        return time.monotonic() > self.deadline

    def offer(self, config, cv_score, count=1):
        """Record an evaluated configuration; it becomes the incumbent if better."""
        self.n_evaluations += count
        if cv_score is None or not np.isfinite(cv_score) or cv_score <= self.best:
            return
        self.best = float(cv_score)
        self.entries.append(
            {
                "time": self.clock.wall(),
                "cpu": self.clock.cpu(),
                "cv_score": float(cv_score),
                "config": config,
                "n_evaluations": self.n_evaluations,
            }
        )

    def replace(self, config, cv_score):
        """Set the incumbent whatever its score (a search whose best is read at a
        larger resource than before)."""
        self.best = -math.inf
        self.offer(config, cv_score, count=0)


def _cv(model, X, y, cv):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scores = cross_val_score(
                model, X, y, scoring=SCORING, cv=cv, error_score=np.nan, n_jobs=1
            )
        except ValueError:
            # Every fold failed (a configuration that cannot fit these data, or
            # the deadline): no score, and the search goes on.
            return float("nan")
    return float(np.mean(scores))


def _config_of(params, seed):
    return SpaceModel(random_state=seed).set_params(**params).config()


# -- budgeted scikit-learn searches -------------------------------------------------


def _budgeted(cls):
    """``cls`` whose ``_run_search`` hands each batch to the trace and stops at the
    deadline (scikit-learn's one extension point of BaseSearchCV)."""

    class Budgeted(cls):
        def _run_search(self, evaluate_candidates, *, callback_ctx=None):
            trace, seed = self._trace, self._seed

            def evaluate(candidate_params, *args, **kw):
                if trace.over():
                    raise BudgetExhausted
                try:
                    results = evaluate_candidates(candidate_params, *args, **kw)
                except ValueError:
                    # Every fit of the batch failed (a single bad configuration
                    # in a one-candidate batch, or the deadline mid-batch).
                    if trace.over():
                        raise BudgetExhausted from None
                    trace.n_evaluations += len(list(candidate_params))
                    return self._last_results
                self._last_results = results
                _offer_results(trace, results, seed, len(list(candidate_params)))
                return results

            return self._search(evaluate, callback_ctx=callback_ctx)

        def _search(self, evaluate, callback_ctx=None):
            return super()._run_search(evaluate, callback_ctx=callback_ctx)

    Budgeted.__name__ = f"Budgeted{cls.__name__}"
    return Budgeted


def _offer_results(trace, results, seed, count):
    """The best configuration at the largest resource evaluated so far.

    The incumbent's resource (``trace._resource``) outlives a restart: the lower
    rungs of a restarted search never displace a configuration already measured
    at a larger resource; its results at that resource compete on score, and a
    larger one replaces it.
    """
    if isinstance(results, tuple):
        # HyperbandSearchCV's evaluate_candidates also hands back the models.
        results = results[0]
    scores = np.asarray(results["mean_test_score"], dtype=float)
    if "n_resources" in results:
        resources = np.asarray(results["n_resources"])
        top = resources.max()
        incumbent = getattr(trace, "_resource", None)
        if incumbent is not None and top < incumbent:
            trace.n_evaluations += count
            return
        mask = resources == top
        if incumbent is None or top > incumbent:
            trace._resource = top
            masked = np.where(mask, scores, np.nan)
            trace.n_evaluations += count
            if np.all(np.isnan(masked)):
                return
            best = int(np.nanargmax(masked))
            trace.replace(_config_of(results["params"][best], seed), masked[best])
            return
        scores = np.where(mask, scores, np.nan)
    if np.all(np.isnan(scores)):
        trace.n_evaluations += count
        return
    best = int(np.nanargmax(scores))
    trace.offer(_config_of(results["params"][best], seed), scores[best], count)


class _OneAtATimeGrid(_budgeted(GridSearchCV)):
    def _search(self, evaluate, callback_ctx=None):
        for candidate in self._candidates:
            evaluate([candidate])


class _OneAtATimeRandom(_budgeted(RandomizedSearchCV)):
    def _search(self, evaluate, callback_ctx=None):
        for candidate in ParameterSampler(
            self.param_distributions, 10**6, random_state=self.random_state
        ):
            evaluate([candidate])


def _run_search(search, trace, seed, X, y):
    search._trace, search._seed = trace, seed
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search.fit(X, y)
    except BudgetExhausted:
        return False
    except Exception:
        if trace.over():
            return False
        raise
    return True


def run_grid(X, y, cv, budget, seed, clock):
    trace = Trace(clock, budget)
    search = _OneAtATimeGrid(
        SpaceModel(random_state=seed, deadline=trace.deadline),
        {"family": ["random_forest"]},
        scoring=SCORING,
        cv=cv,
        refit=False,
        error_score=np.nan,
    )
    search._candidates = grid_candidates()
    _run_search(search, trace, seed, X, y)
    return trace


def run_random(X, y, cv, budget, seed, clock):
    trace = Trace(clock, budget)
    search = _OneAtATimeRandom(
        SpaceModel(random_state=seed, deadline=trace.deadline),
        distributions(),
        scoring=SCORING,
        cv=cv,
        refit=False,
        error_score=np.nan,
        random_state=seed,
    )
    _run_search(search, trace, seed, X, y)
    return trace


def _min_resources(y, cv):
    """A third of a third of a third of the training fold: three rungs (a fold of
    a few thousand rows gets ~100 rows at the first rung)."""
    n_train = int(len(y) * (cv.get_n_splits() - 1) / cv.get_n_splits())
    return max(n_train // 27, 10 * len(np.unique(y)))


def _restarting(cls, X, y, cv, budget, seed, clock, **options):
    """Run a search that ends on its own (Hyperband, halving) again with a new seed
    until the budget is spent, as one would with time left. Both subsample the
    training folds (``resource="n_samples"``), keep a third at each rung, and start
    from the same smallest budget."""
    trace = Trace(clock, budget)
    restart = 0
    while not trace.over():
        search = _budgeted(cls)(
            SpaceModel(random_state=seed, deadline=trace.deadline),
            distributions(),
            resource="n_samples",
            min_resources=_min_resources(y, cv),
            factor=3,
            scoring=SCORING,
            cv=cv,
            refit=False,
            error_score=np.nan,
            random_state=seed + 1000 * restart,
            **options,
        )
        if not _run_search(search, trace, seed, X, y):
            break
        restart += 1
    trace.restarts = restart
    return trace


def run_hyperband(X, y, cv, budget, seed, clock, sampler="random"):
    from skmeta import HyperbandSearchCV

    return _restarting(
        HyperbandSearchCV, X, y, cv, budget, seed, clock, sampler=sampler
    )


def run_halving(X, y, cv, budget, seed, clock):
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV

    return _restarting(
        HalvingRandomSearchCV, X, y, cv, budget, seed, clock, n_candidates="exhaust"
    )


# -- Bayesian optimisation ----------------------------------------------------------


def run_optuna(X, y, cv, budget, seed, clock):
    import optuna

    from skmeta.metalearning import SearchSpace

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = SearchSpace("classification")
    trace = Trace(clock, budget)
    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed)
    )
    base = SpaceModel(random_state=seed, deadline=trace.deadline)
    while not trace.over():
        trial = study.ask()
        family = trial.suggest_categorical("family", list(space.families))
        params = {}
        for hp in space.families[family].hyperparameters:
            if not hp.is_active(params):
                continue
            key = f"{family}.{hp.name}"
            if hp.kind == "categorical":
                params[hp.name] = trial.suggest_categorical(key, list(hp.choices))
            elif hp.kind == "int":
                params[hp.name] = trial.suggest_int(key, hp.low, hp.high, log=hp.log)
            else:
                params[hp.name] = trial.suggest_float(key, hp.low, hp.high, log=hp.log)
        model = clone(base).set_params(family=family, params=params)
        score = _cv(model, X, y, cv)
        if trace.over() and not np.isfinite(score):
            break
        if np.isfinite(score):
            study.tell(trial, score)
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        trace.offer(model.config(), score)
    return trace


def run_hyperactive(X, y, cv, budget, seed, clock):
    """Hyperactive's BayesianOptimizer over a flat grid of the space.

    Its model-based optimisers take at most 31 dimensions, and the space has 39
    (family, hyperparameter) pairs, so a dimension is shared by the hyperparameters
    of one name (``C``, ``max_features``, ...): its 8 positions map to 8 values of
    each family's own range (or to its categories, evenly). Hyperparameters of other
    families, and inactive ones, are ignored when the pipeline is built.
    """
    from hyperactive.base import BaseExperiment
    from hyperactive.opt import BayesianOptimizer

    from skmeta.metalearning import SearchSpace

    space = SearchSpace("classification")
    trace = Trace(clock, budget)
    base = SpaceModel(random_state=seed, deadline=trace.deadline)
    families = list(space.families)
    values = {}
    for name, family in space.families.items():
        for hp in family.hyperparameters:
            if hp.kind == "categorical":
                grid = list(hp.choices)
            elif hp.kind == "int":
                grid = [int(round(v)) for v in _grid8(hp.low, hp.high, hp.log)]
            else:
                grid = [float(f"{v:.4g}") for v in _grid8(hp.low, hp.high, hp.log)]
            values[(name, hp.name)] = grid
    names = sorted({hp for _, hp in values})
    search_space = {"family": list(range(len(families)))}
    search_space.update({hp: list(range(8)) for hp in names})

    class SpaceExperiment(BaseExperiment):
        _tags = {
            "property:randomness": "random",
            "property:higher_or_lower_is_better": "higher",
        }

        def _paramnames(self):
            return list(search_space)

        def _evaluate(self, params):
            if trace.over():
                raise BudgetExhausted
            family = families[int(params["family"])]
            chosen = {}
            for (owner, hp), grid in values.items():
                if owner == family:
                    position = int(params[hp]) * len(grid) // 8
                    chosen[f"{family}.{hp}"] = grid[position]
            model = clone(base).set_params(family=family, **chosen)
            score = _cv(model, X, y, cv)
            trace.offer(model.config(), score)
            return (score if np.isfinite(score) else 0.0), {}

    optimizer = BayesianOptimizer(
        search_space=search_space,
        n_iter=10**5,
        random_state=seed,
        experiment=SpaceExperiment(),
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer.solve()
    except BudgetExhausted:
        pass
    return trace


def _grid8(low, high, log):
    return np.geomspace(low, high, 8) if log else np.linspace(low, high, 8)


# -- MetaModelSelector --------------------------------------------------------------


def run_mms(X, y, cv, budget, seed, clock, knowledge_base, n_verify):
    """``MetaModelSelector.fit`` as a user calls it (final fit included)."""
    from skmeta import MetaModelSelector

    trace = Trace(clock, budget)
    selector = MetaModelSelector(
        knowledge_base=str(knowledge_base),
        n_verify=n_verify,
        cv=cv,
        scoring=SCORING,
        random_state=seed,
        n_jobs=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        selector.fit(X, y)
    verified = selector.recommendations_["verified_score"].max()
    trace.offer(dict(selector.best_params_), verified if n_verify else 0.0)
    if not n_verify:
        # Zero-shot: nothing was cross-validated.
        trace.entries[-1]["cv_score"] = float("nan")
    trace.entries[-1]["fitted"] = selector
    trace.n_evaluations = n_verify
    return trace


def run_mms_anytime(X, y, cv, budget, seed, clock, knowledge_base, n_max=300):
    """Verification of the top k for growing k: the meta-model's ranking in the
    order MetaModelSelector verifies it (each family's best first), then each
    recommendation cross-validated in turn (the same CV as the searches) until the
    budget or the first ``n_max``; the incumbent is the best verified so far, the
    first recommendation before any."""
    from skmeta import MetaModelSelector
    from skmeta.metalearning._selector import family_diverse_order

    trace = Trace(clock, budget)
    selector = MetaModelSelector(
        knowledge_base=str(knowledge_base), scoring=SCORING, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ranking = selector.recommend(X, y, n=n_max)
    ranking = ranking.iloc[
        family_diverse_order(np.arange(len(ranking)), ranking["family"].to_numpy())
    ]
    first = {"family": ranking["family"].iloc[0], "params": ranking["params"].iloc[0]}
    trace.offer(first, -1.0, count=0)
    # The first recommendation, unverified: no CV score yet.
    trace.entries[-1]["cv_score"] = float("nan")
    trace.best = -math.inf
    for family, params in zip(ranking["family"], ranking["params"], strict=True):
        if trace.over():
            break
        model = SpaceModel(
            family=family,
            params=dict(params),
            random_state=seed,
            deadline=trace.deadline,
        )
        score = _cv(model, X, y, cv)
        trace.offer(model.config(), score)
    return trace


# -- AutoML -------------------------------------------------------------------------


def run_flaml(X, y, cv, budget, seed, clock):
    from flaml import AutoML

    trace = Trace(clock, budget)
    automl = AutoML()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        automl.fit(
            X,
            y,
            task="classification",
            metric="accuracy",
            time_budget=budget,
            eval_method="cv",
            split_type=cv,
            seed=seed,
            n_jobs=1,
            verbose=0,
        )
    best = automl.best_loss
    trace.offer(
        {"family": f"flaml:{automl.best_estimator}", "params": automl.best_config},
        1.0 - best if best is not None else np.nan,
    )
    trace.entries[-1]["fitted"] = automl
    return trace


def run_tpot(X, y, cv, budget, seed, clock):
    from tpot import TPOTClassifier

    trace = Trace(clock, budget)
    model = TPOTClassifier(
        scorers=[SCORING],
        scorers_weights=[1],
        cv=cv,
        max_time_mins=budget / 60,
        max_eval_time_mins=max(budget / 60 / 4, 0.05),
        n_jobs=1,
        verbose=0,
        random_state=seed,
    )
    # Labels other than 0..k-1 are encoded here, not by TPOT: TPOT 1.1's own
    # encoding gave predictions in the wrong labels (accuracy below chance on
    # cmc, labels 1..3).
    encoder = LabelEncoder().fit(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(np.asarray(X, dtype=float), encoder.transform(y))
    trace.offer(
        {"family": "tpot", "params": {"pipeline": str(model.fitted_pipeline_)}}, 0.0
    )
    # TPOT reports no comparable CV accuracy of its final pipeline.
    trace.entries[-1]["cv_score"] = float("nan")
    trace.entries[-1]["fitted"] = _Decoded(model, encoder)
    return trace


class _Decoded:
    """A fitted model of encoded labels, predicting the original labels."""

    def __init__(self, model, encoder):
        self.model, self.encoder = model, encoder

    def predict(self, X):
        return self.encoder.inverse_transform(
            np.asarray(self.model.predict(np.asarray(X, dtype=float))).ravel()
        )


# -- registry -----------------------------------------------------------------------

# name -> (function, needs the knowledge base, gives an anytime trace, module needed)
METHODS = {
    "mms_zero_shot": (lambda *a, kb: run_mms(*a, kb, 0), True, False, None),
    "mms_verify3": (lambda *a, kb: run_mms(*a, kb, 3), True, False, None),
    "mms_anytime": (lambda *a, kb: run_mms_anytime(*a, kb), True, True, None),
    "grid": (run_grid, False, True, None),
    "random": (run_random, False, True, None),
    "optuna_tpe": (run_optuna, False, True, "optuna"),
    "hyperactive_bo": (run_hyperactive, False, True, "hyperactive"),
    "hyperband": (run_hyperband, False, True, None),
    "hyperband_bohb": (
        lambda *a: run_hyperband(*a, sampler="bohb"),
        False,
        True,
        None,
    ),
    "halving_random": (run_halving, False, True, None),
    "flaml": (run_flaml, False, False, "flaml"),
    "tpot": (run_tpot, False, False, "tpot"),
}


def score_trace(trace, X, y, X_test, y_test, seed):
    """Test accuracy of every incumbent: refit on the whole training set (or the
    fitted model a method returned), outside the timed region."""
    cache = {}
    for entry in trace.entries:
        fitted = entry.pop("fitted", None)
        if fitted is not None:
            predicted = np.asarray(fitted.predict(X_test)).ravel()
            entry["test_score"] = float(np.mean(predicted == y_test))
            continue
        key = config_key(entry["config"])
        if key not in cache:
            model = SpaceModel(
                family=entry["config"]["family"],
                params=entry["config"]["params"],
                random_state=seed,
            )
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.fit(X, y)
                cache[key] = float(np.mean(model.predict(X_test) == y_test))
            except Exception:
                cache[key] = float("nan")
        entry["test_score"] = cache[key]
        entry["config"] = key
    for entry in trace.entries:
        if not isinstance(entry["config"], str):
            entry["config"] = config_key(entry["config"])
