"""MetaModelSelector: recommend, verify and fit a pipeline from meta-features."""

import numbers
import os
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import check_cv, cross_val_score
from sklearn.utils import check_random_state
from sklearn.utils._tags import ClassifierTags, RegressorTags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from ..utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    validate_data,
)
from ._meta_model import (
    METAFEATURE_GROUPS,
    SCORINGS,
    TARGETS,
    get_meta_model,
    meta_rows,
    resolve_scoring,
)
from ._search_space import TASKS, SearchSpace

_CLASSIFICATION_TARGETS = ("binary", "multiclass")

# Batches of n_verify pipelines tried, down the ranking, before giving up.
_N_FALLBACK = 3


def _check_target(task, y):
    """Refuse a target that does not match ``task``, saying what to do instead."""
    kind = type_of_target(y, input_name="y")
    if kind == "unknown":
        # Raises scikit-learn's own "Unknown label type" error.
        check_classification_targets(y)
    if task == "classification":
        if kind not in _CLASSIFICATION_TARGETS:
            raise ValueError(
                f"task='classification' needs class labels, but y looks like a "
                f"{kind!r} target (e.g. {np.ravel(y)[:3].tolist()}). For a numeric "
                "quantity use MetaModelSelector(task='regression')."
            )
        check_classification_targets(y)
        n_unique = len(np.unique(y))
        if np.asarray(y).dtype.kind == "f" and n_unique > max(30, 0.25 * len(y)):
            # Whole-valued floats pass as classes, but this many of them are a
            # measured quantity (e.g. a price), not labels.
            raise ValueError(
                f"task='classification' needs class labels, but y holds {n_unique} "
                f"distinct float values among {len(y)} samples: it looks like a "
                "regression target. Use MetaModelSelector(task='regression'), or "
                "cast y to int if these really are classes."
            )
        return y
    if kind not in ("continuous", "binary", "multiclass") or (
        np.asarray(y).dtype.kind not in "fiub"
    ):
        raise ValueError(
            f"task='regression' needs a numeric target, but y is a {kind!r} target "
            f"of dtype {np.asarray(y).dtype} (e.g. {np.ravel(y)[:3].tolist()}). For "
            "class labels use MetaModelSelector(task='classification')."
        )
    return np.asarray(y, dtype=float)


def _delegates(method):
    """``available_if`` check: the fitted pipeline (or, before fit, the task) has it."""

    def check(self):
        if hasattr(self, "best_estimator_"):
            getattr(self.best_estimator_, method)
            return True
        # Before fit the pipeline is unknown: offer what every classification family
        # has (predict_proba, except the SVMs) and not decision_function, which most
        # lack.
        if method == "decision_function":
            return False
        if method == "predict_proba":
            return self.task == "classification"
        return True

    return check


class MetaModelSelector(BaseEstimator):
    """Pick a pipeline for a dataset from its meta-features, then fit it.

    A meta-model trained on a knowledge base of experiments predicts, from a
    dataset's meta-features alone, the score of every configuration of skmeta's
    search space (ten model families with their preprocessing). ``fit`` ranks
    them, optionally cross-validates the top ``n_verify``, and fits the best on
    all the data; the selector then predicts like that pipeline.

    Read more in the :ref:`User Guide <meta_model>`.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        Which search space, knowledge base and estimator type; the target must
        match it.

    knowledge_base : str or path-like, default="default"
        ``"default"`` for the knowledge base shipped with skmeta, or the folder of
        a store collected with ``skmeta collect`` (a single-task store or a folder
        holding ``<task>/``).

    meta_regressor : estimator, default=None
        The regressor of the meta-model; when None, histogram gradient boosting
        averaged with the nearest datasets' measured scores (``"blend"`` of
        :func:`~skmeta.metalearning.make_meta_regressor`), the choice of the
        study in the user guide. It is trained once per knowledge base and
        setting (about a minute for the default classification one), cached in
        memory, and kept on disk for other processes, which read it in a second
        or two: in ``~/.cache/skmeta`` (``skmeta`` in ``XDG_CACHE_HOME``), or
        the folder the environment variable ``SKMETA_CACHE_DIR`` names (empty:
        no disk cache). A random forest also reports the spread of its trees
        (``predicted_std``).

    n_verify : int, default=3
        How many of the top-ranked configurations to cross-validate on the data
        before choosing (for classification one per family first, see
        ``recommendations_``); 0 trusts the meta-model's first choice.

    cv : int, cross-validation generator or iterable, default=3
        The verification's cross-validation, as in
        :func:`~sklearn.model_selection.cross_val_score`.

    scoring : str, default=None
        The score predicted and verified: for classification
        ``"balanced_accuracy"`` (when None), ``"accuracy"``, ``"roc_auc"``,
        ``"roc_auc_ovr"`` or ``"neg_log_loss"``; for regression ``"r2"`` (when
        None), ``"neg_root_mean_squared_error"`` or ``"neg_mean_absolute_error"``
        — the metrics the knowledge base measured.

    verification : {"cv", "hyperband"}, default="cv"
        How the top ``n_verify`` are compared: each by full cross-validation;
        or by :class:`~skmeta.HyperbandSearchCV`, with the number of training
        rows as its resource, over the head of the ranking (the
        ``max(3 * n_verify, 5)`` pipelines of ``recommendations_``) and seeded
        with the top ``n_verify`` (``initial_candidates``): they start every
        bracket they fit in, and Hyperband's random draws from the rest of the
        head fill the brackets — a meta-learned warm start.

    families : list of str, default=None
        Only recommend these model families (all when None).

    target : {"auto", "normalised", "raw"}, default="auto"
        What the meta-model learns: the score normalised within each dataset of
        the knowledge base (0 for its worst configuration, 1 for its best), or
        the raw score. ``"auto"`` takes the one that generalised better to new
        datasets in the study of the user guide: at present the raw score for
        classification and the normalised one for regression.

    random_state : int, RandomState instance or None, default=None
        Seeds the meta-feature subsample, the pipelines and the verification.

    n_jobs : int, default=None
        Parallel jobs of the verification. (The ranking runs the members of the
        default meta-model side by side in threads, as many as scikit-learn's
        OpenMP code may use: ``OMP_NUM_THREADS`` or
        ``threadpoolctl.threadpool_limits`` limit both.)

    Attributes
    ----------
    meta_features_ : pandas.Series
        The dataset's meta-features, as the meta-model read them.

    recommendations_ : pandas.DataFrame
        The ``max(3 * n_verify, 5)`` configurations verification chooses from,
        with the columns of :meth:`recommend` and a ``verified_score`` (the mean
        CV score; NaN where not verified or failed). Their order is the
        meta-model's, except that each family's best-ranked configuration comes
        before any family's second: the first rows span the families, so
        verification compares different models rather than near-identical
        configurations of one (see the user guide). The first row is :meth:`recommend`'s
        first. With ``verification="cv"`` only the first ``n_verify`` are
        verified, unless they all fail: then the next ``n_verify``, and so on.
        With ``"hyperband"`` it is the score at the full budget of each pipeline
        Hyperband promoted that far.

    best_estimator_ : Pipeline
        The chosen pipeline, fitted on all the data.

    best_params_ : dict
        Its configuration (``family`` and ``params``).

    classes_ : ndarray of shape (n_classes,)
        The class labels (classification).

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when they are all strings.

    See Also
    --------
    skmeta.HyperbandSearchCV : A search that trains, for when there is time.
    skmeta.metalearning.evaluate_meta_model : How the meta-model is evaluated.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skmeta import MetaModelSelector
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> selector = MetaModelSelector(random_state=0)  # doctest: +SKIP
    >>> selector.recommend(X, y, n=3)  # doctest: +SKIP
    >>> selector.fit(X, y).score(X, y)  # doctest: +SKIP
    """

    _parameter_constraints: dict = {
        "task": [StrOptions(set(TASKS))],
        "knowledge_base": [str, os.PathLike],
        "meta_regressor": [HasMethods(["fit", "predict"]), None],
        "n_verify": [Interval(numbers.Integral, 0, None, closed="left")],
        "cv": ["cv_object"],
        "scoring": [
            StrOptions({name for names in SCORINGS.values() for name in names}),
            None,
        ],
        "verification": [StrOptions({"cv", "hyperband"})],
        "families": [list, tuple, None],
        "target": [StrOptions({"auto", *TARGETS})],
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        task="classification",
        knowledge_base="default",
        meta_regressor=None,
        n_verify=3,
        cv=3,
        scoring=None,
        verification="cv",
        families=None,
        target="auto",
        random_state=None,
        n_jobs=None,
    ):
        self.task = task
        self.knowledge_base = knowledge_base
        self.meta_regressor = meta_regressor
        self.n_verify = n_verify
        self.cv = cv
        self.scoring = scoring
        self.verification = verification
        self.families = families
        self.target = target
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- the meta-model ------------------------------------------------------------

    def _meta_model(self):
        return get_meta_model(
            self.knowledge_base,
            self.task,
            scoring=self.scoring,
            meta_regressor=self.meta_regressor,
            target=self.target,
        )

    def _space(self):
        space = SearchSpace(self.task, families=self.families)
        if not space.families:
            raise ValueError(
                f"The candidate space is empty: families={self.families!r} leaves no "
                f"{self.task} family."
            )
        return space

    def _candidates(self, model, y):
        """The candidate configurations of the allowed families that can be fitted
        on ``y``, and their rows of the model's precomputed encoding."""
        space = self._space()
        allowed = np.isin(model.candidate_family_, list(space.families))
        if _labels_read_as_integers(y):
            allowed &= ~np.array(
                [_is_weighted_forest(c) for c in model.candidates_], dtype=bool
            )
        keep = np.flatnonzero(allowed)
        if len(keep) == 0:
            raise ValueError(
                f"The candidate space is empty: the knowledge base has no "
                f"configuration of the families {sorted(space.families)}."
            )
        return [model.candidates_[i] for i in keep], model.candidate_encoding_.iloc[
            keep
        ]

    def _seed(self):
        rng = check_random_state(self.random_state)
        return int(rng.randint(np.iinfo(np.int32).max))

    def _compute_meta_features(self, X, y, model):
        """Meta-features computed as the knowledge base's were: the same extractor
        settings on a subsample prepared by the collector's own function."""
        from skmeta.datasets import Dataset
        from skmeta.metafeatures import MetaFeatureExtractor

        from ._collector import prepare_dataset

        frame = (
            X
            if isinstance(X, pd.DataFrame)
            else pd.DataFrame(
                np.asarray(X), columns=[f"x{i}" for i in range(X.shape[1])]
            )
        )
        dataset = Dataset(
            dataset_id="user/dataset",
            name="dataset",
            task=self.task,
            source="dataframe",
            group_id="user",
            X=frame,
            y=pd.Series(np.asarray(y)),
        )
        # The collector drops classes with fewer rows than its folds; a rarer class
        # would otherwise leave nothing to describe.
        n_folds = min(model.n_folds_, len(y))
        if self.task == "classification":
            n_folds = min(n_folds, int(pd.Series(np.asarray(y)).value_counts().min()))
        X_used, y_used, _, _ = prepare_dataset(
            dataset, max(n_folds, 2), model.max_rows_, model.seed_
        )
        extractor = MetaFeatureExtractor(
            groups=list(METAFEATURE_GROUPS),
            target_type=self.task,
            random_state=model.seed_,
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = extractor.fit(X_used, y_used).meta_features_
        except ValueError as exc:
            # Too little data for some measures: describe it by its sizes alone
            # rather than fail; the meta-model treats the rest as unknown.
            warnings.warn(
                f"Meta-features could not be computed ({exc}); the recommendation "
                "uses the dataset's size only.",
                UserWarning,
            )
            values = pd.Series(np.nan, index=model.metafeatures_)
            values["nr_inst"] = len(X_used)
            values["nr_attr"] = X_used.shape[1]
            if self.task == "classification":
                values["nr_class"] = len(np.unique(y_used))
        return values.reindex(model.metafeatures_).astype(float)

    def _rank(self, meta_features, model, y, n=None, diverse=False):
        candidates, encoded = self._candidates(model, y)
        rows = meta_rows(meta_features, candidates, model.space_, encoded=encoded)
        predicted = model.predict(rows)
        order = np.argsort(-predicted.target, kind="stable")
        if diverse:
            order = family_diverse_order(
                order, [candidates[i]["family"] for i in order]
            )
        if n is not None:
            order = order[:n]
        seed = self._seed()
        chosen = [candidates[i] for i in order]
        frame = pd.DataFrame(
            {
                "estimator": [
                    model.space_.build_pipeline(c, random_state=seed) for c in chosen
                ],
                "params": [dict(c["params"]) for c in chosen],
                "family": [c["family"] for c in chosen],
                "predicted_score": predicted.score[order],
                "predicted_std": predicted.std[order],
                "predicted_rank_score": predicted.target[order],
            }
        )
        return frame

    def _verification_head(self, meta_features, model, y, n):
        """The first ``n`` configurations in the order verification takes them.

        Each family's best-ranked first: the top of the ranking is often one
        family's near-identical configurations, and verifying near-twins chooses
        nothing (benchmarks/verification_rule.py measures both orders).
        """
        return self._rank(meta_features, model, y, n=n, diverse=True)

    def _check_input(self, X, y, reset):
        """Validate ``X`` (and ``y``); ``reset=None`` records nothing on ``self``."""
        if y is None and reset is None:
            raise ValueError(
                "Meta-features need the target: pass y (the dataset's labels or "
                "values) to recommend and predict_performance."
            )
        if reset is None:
            if not isinstance(X, pd.DataFrame):
                X = check_array(X, ensure_all_finite="allow-nan", dtype="numeric")
        elif isinstance(X, pd.DataFrame):
            validate_data(self, X, skip_check_array=True, reset=reset)
        else:
            X = validate_data(
                self, X, ensure_all_finite="allow-nan", reset=reset, dtype="numeric"
            )
        if y is None:
            return X, None
        y = column_or_1d(check_array(y, ensure_2d=False, dtype=None), warn=True)
        if len(y) != X.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} samples but y has {len(y)}; they must match."
            )
        return X, _check_target(self.task, y)

    def recommend(self, X, y, n=5):
        """Rank the candidate pipelines for ``(X, y)`` from meta-features only.

        Nothing is trained on ``(X, y)``: its meta-features are computed (on a
        subsample of a large dataset) and the meta-model predicts every candidate
        configuration's score.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Pandas categorical or string columns and missing values are fine.
        y : array-like of shape (n_samples,)
        n : int, default=5
            How many to return.

        Returns
        -------
        DataFrame
            Sorted by predicted score, best first: ``estimator`` (an unfitted
            pipeline), ``params``, ``family``, ``predicted_score`` (in the
            scoring's units), ``predicted_std`` (spread of the meta-model's trees,
            NaN for a meta-regressor without one) and ``predicted_rank_score``
            (the meta-model's own prediction, which orders the table: the
            normalised score, or the raw score before ``predicted_score`` is
            bounded to the range the knowledge base measured; see ``target``).
        """
        return self._recommend(X, y, n)

    def _recommend(self, X, y, n, verification_order=False):
        """:meth:`recommend`; with ``verification_order``, the head in the order
        :meth:`fit` verifies it (:meth:`_verification_head`)."""
        self._validate_params()
        if not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n must be a positive integer; got {n!r}.")
        X, y = self._check_input(X, y, reset=None)
        model = self._meta_model()
        meta_features = self._compute_meta_features(X, y, model)
        if verification_order:
            return self._verification_head(meta_features, model, y, n)
        return self._rank(meta_features, model, y, n=n)

    def predict_performance(self, X, y, estimators):
        """Predict the score of given pipelines on ``(X, y)``, without training them.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        estimators : list of estimators or configurations
            Each an estimator of one of the search space's families (alone, in a
            :class:`~sklearn.pipeline.Pipeline` whose last step it is, or wrapped
            in a :class:`~sklearn.compose.TransformedTargetRegressor`), or a
            configuration ``{"family": ..., "params": ...}``.

        Returns
        -------
        DataFrame
            One row per estimator, in the order given: ``family``, ``params`` (the
            configuration the meta-model read), ``predicted_score``,
            ``predicted_std``.
        """
        self._validate_params()
        X, y = self._check_input(X, y, reset=None)
        model = self._meta_model()
        configs = [config_from_estimator(e, model.space_) for e in estimators]
        meta_features = self._compute_meta_features(X, y, model)
        predicted = model.predict(meta_rows(meta_features, configs, model.space_))
        return pd.DataFrame(
            {
                "family": [c["family"] for c in configs],
                "params": [c["params"] for c in configs],
                "predicted_score": predicted.score,
                "predicted_std": predicted.std,
            }
        )

    # -- fit -----------------------------------------------------------------------

    def _check_verification_size(self, X, y):
        """Refuse, before any work, data too small for the verification's CV."""
        cv = check_cv(self.cv, y, classifier=self.task == "classification")
        n_splits = cv.get_n_splits(X, y)
        if self.task == "classification":
            counts = pd.Series(y).value_counts()
            if counts.min() < n_splits:
                raise ValueError(
                    f"The dataset is too small for verification by {n_splits}-fold "
                    f"cross-validation: class {counts.idxmin()} has only "
                    f"{counts.min()} sample(s), fewer than the {n_splits} folds. Lower "
                    "cv, or set n_verify=0 to trust the meta-model's first choice."
                )
        elif len(y) < 2 * n_splits:
            raise ValueError(
                f"The dataset is too small for verification by {n_splits}-fold "
                f"cross-validation: {len(y)} samples. Lower cv, or set n_verify=0."
            )

    def _verify(self, X, y, top):
        """Mean CV score of each pipeline of ``top`` (NaN where it failed)."""
        scorer, _, _ = resolve_scoring(self.task, self.scoring)
        cv = check_cv(self.cv, y, classifier=self.task == "classification")
        scores = []
        for estimator in top["estimator"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=UserWarning)
                result = cross_val_score(
                    estimator,
                    X,
                    y,
                    scoring=scorer,
                    cv=cv,
                    n_jobs=self.n_jobs,
                    error_score=np.nan,
                )
            scores.append(float(np.mean(result)))
        return np.array(scores)

    def _verify_hyperband(self, X, y, pool):
        """Hyperband over the pipelines of ``pool`` (the head of the ranking),
        seeded with its first ``n_verify``: each of them starts every bracket
        it fits in, and the sampler draws the rest of a bracket from the pool.

        Returns each pool pipeline's mean CV score at the full budget (NaN for
        one that was not promoted that far, or never drawn).
        """
        from sklearn.pipeline import Pipeline

        from skmeta.model_selection import HyperbandSearchCV

        scorer, _, _ = resolve_scoring(self.task, self.scoring)
        cv = check_cv(self.cv, y, classifier=self.task == "classification")
        estimators = list(pool["estimator"])
        search = HyperbandSearchCV(
            Pipeline([("pipeline", estimators[0])]),
            {"pipeline": estimators},
            resource="n_samples",
            scoring=scorer,
            cv=cv,
            refit=False,
            n_jobs=self.n_jobs,
            random_state=self._seed(),
        )
        # The most exploratory bracket bounds how many seeds fit in the plan.
        n_seeds = min(self.n_verify, search.get_plan(X, y)[0]["n_configurations"])
        search.set_params(
            initial_candidates=[{"pipeline": e} for e in estimators[:n_seeds]]
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            search.fit(X, y)
        results = pd.DataFrame(search.cv_results_)
        last = results[results["n_resources"] == results["n_resources"].max()]
        scores = np.full(len(estimators), np.nan)
        for params, score in zip(last["params"], last["mean_test_score"], strict=True):
            for i, estimator in enumerate(estimators):
                # A seed can reach the full budget in several brackets.
                if params["pipeline"] is estimator:
                    scores[i] = np.fmax(scores[i], score)
        return scores

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Rank the candidates, verify the top ``n_verify``, fit the best.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Pandas categorical or string columns and missing values are fine.
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : MetaModelSelector
        """
        if y is None:
            raise ValueError(
                "MetaModelSelector requires y to be passed, but the target y is None."
            )
        X, y = self._check_input(X, y, reset=True)
        if X.shape[0] < 2:
            raise ValueError(
                f"Found {X.shape[0]} sample(s) (n_samples = {X.shape[0]}), while a "
                "minimum of 2 is required by MetaModelSelector."
            )
        if self.task == "classification" and len(np.unique(y)) < 2:
            raise ValueError(
                "y has only 1 class; a classifier needs at least 2 classes."
            )
        if self.n_verify > 0:
            self._check_verification_size(X, y)
        model = self._meta_model()
        self.meta_features_ = self._compute_meta_features(X, y, model)
        n_top = max(_N_FALLBACK * self.n_verify, 5)
        recommendations = self._verification_head(self.meta_features_, model, y, n_top)
        recommendations["verified_score"] = np.nan
        best = 0
        if self.n_verify > 0 and self.verification == "hyperband":
            recommendations["verified_score"] = self._verify_hyperband(
                X, y, recommendations
            )
        elif self.n_verify > 0:
            # When every pipeline of a batch fails (e.g. a k-nearest-neighbours model
            # with more neighbours than a fold has rows), the next batch of the
            # ranking is verified, up to _N_FALLBACK batches.
            for start in range(0, len(recommendations), self.n_verify):
                top = recommendations.iloc[start : start + self.n_verify]
                scores = self._verify(X, y, top)
                recommendations.loc[top.index, "verified_score"] = scores
                if not np.all(np.isnan(scores)):
                    break
        if self.n_verify > 0:
            verified = recommendations["verified_score"].to_numpy()
            if np.all(np.isnan(verified)):
                raise ValueError(
                    f"Every one of the {len(verified)} verified pipelines failed on "
                    "this data; call cross_val_score on recommendations_['estimator'] "
                    "with error_score='raise' to see why."
                )
            best = int(np.nanargmax(verified))
        self.recommendations_ = recommendations
        row = recommendations.iloc[best]
        self.best_params_ = {"family": row["family"], "params": dict(row["params"])}
        self.best_estimator_ = clone(row["estimator"]).fit(X, y)
        if self.task == "classification":
            self.classes_ = self.best_estimator_.classes_
        return self

    # -- delegation ----------------------------------------------------------------

    def _check_predict_input(self, X):
        check_is_fitted(self)
        X, _ = self._check_input(X, None, reset=False)
        return X

    @available_if(_delegates("predict"))
    def predict(self, X):
        """Predict with the fitted pipeline.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._check_predict_input(X)
        return self.best_estimator_.predict(X)

    @available_if(_delegates("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the fitted pipeline.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        X = self._check_predict_input(X)
        return self.best_estimator_.predict_proba(X)

    @available_if(_delegates("decision_function"))
    def decision_function(self, X):
        """Decision function of the fitted pipeline.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        X = self._check_predict_input(X)
        return self.best_estimator_.decision_function(X)

    @available_if(_delegates("score"))
    def score(self, X, y, sample_weight=None):
        """Score of the fitted pipeline: accuracy or R², as its own ``score``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        float
        """
        X = self._check_predict_input(X)
        return self.best_estimator_.score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.task == "classification":
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
            tags.regressor_tags = None
        else:
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags()
            tags.classifier_tags = None
        tags.target_tags.required = True
        # Every candidate pipeline imputes missing values and encodes categories.
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = False
        tags.array_api_support = False
        return tags


def family_diverse_order(order, families):
    """``order`` with the first entry of each family moved ahead of every repeat.

    Parameters
    ----------
    order : array-like of int
        Indices in ranked order.
    families : sequence of str
        The family of each entry of ``order`` (aligned with ``order``, not with
        the indices).

    Returns
    -------
    ndarray of int
        Each family's best-ranked entry in ranked order, then the rest in ranked
        order. The first entry is unchanged.
    """
    seen, first, rest = set(), [], []
    for index, family in zip(order, families, strict=True):
        (rest if family in seen else first).append(index)
        seen.add(family)
    return np.asarray(first + rest, dtype=int)


def _unwrap(estimator):
    if hasattr(estimator, "steps"):
        return _unwrap(estimator.steps[-1][1])
    if hasattr(estimator, "regressor") and type(estimator).__name__ == (
        "TransformedTargetRegressor"
    ):
        return _unwrap(estimator.regressor)
    return estimator


def _labels_read_as_integers(y):
    """Whether some string label of ``y`` reads as an integer (``"4"``).

    scikit-learn's forests look balanced class weights up by ``int(label)`` for
    such labels and fail (scikit-learn issue #34883, seen in 1.9): the selector
    leaves weighted forests out for such a target rather than recommend pipelines
    that cannot be fitted on it.
    """
    for label in pd.unique(np.asarray(y, dtype=object)):
        if isinstance(label, str):
            try:
                int(label)
            except ValueError:
                continue
            return True
    return False


def _is_weighted_forest(config):
    return (
        config["family"] in ("random_forest", "extra_trees")
        and config["params"].get("class_weight") is not None
    )


def config_from_estimator(estimator, space):
    """The search-space configuration an estimator corresponds to.

    Parameters
    ----------
    estimator : estimator or dict
        A model of one of ``space``'s families (alone, last step of a pipeline, or
        inside a TransformedTargetRegressor), or a configuration dict.
    space : SearchSpace

    Returns
    -------
    dict
        ``{"family": name, "params": {...}}`` with the family's hyperparameters
        read from the estimator's parameters.
    """
    if isinstance(estimator, dict):
        if set(estimator) != {"family", "params"}:
            raise ValueError(
                "A configuration is a dict with keys 'family' and 'params'; got keys "
                f"{sorted(estimator)}."
            )
        space._family(estimator)
        return {"family": estimator["family"], "params": dict(estimator["params"])}
    model = _unwrap(estimator)
    for name, family in space.families.items():
        reference = family.build(dict(family.defaults), 0)
        if type(reference) is not type(model):
            continue
        if name in ("linear_svm",) and getattr(model, "kernel", None):
            continue
        if name == "rbf_svm" and model.get_params().get("kernel") != "rbf":
            continue
        values = model.get_params()
        params = {}
        if name == "mlp":
            sizes = tuple(values["hidden_layer_sizes"])
            params["n_layers"] = len(sizes)
            for i, width in enumerate(sizes[:2], start=1):
                params[f"width_{i}"] = int(width)
        for hp in family.hyperparameters:
            if hp.name in values and hp.is_active({**params, **values}):
                value = values[hp.name]
                params[hp.name] = value.item() if hasattr(value, "item") else value
        return {"family": name, "params": params}
    known = sorted(
        {type(f.build(dict(f.defaults), 0)).__name__ for f in space.families.values()}
    )
    raise ValueError(
        f"{type(model).__name__} is not a model of the {space.task} search space; the "
        f"meta-model can predict only {known} (alone or as a pipeline's last step)."
    )
