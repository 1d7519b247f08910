"""Resource adapters: how an estimator is trained on a partial budget."""

import copy
import numbers

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import resample

from ..utils._sklearn_compat import (
    _check_method_params,
    _num_samples,
    _safe_indexing,
)

__all__ = [
    "ParameterAdapter",
    "PartialFitAdapter",
    "ResourceAdapter",
    "SubsampleAdapter",
]


def _space_names(param_distributions):
    spaces = (
        param_distributions
        if isinstance(param_distributions, (list, tuple))
        else [param_distributions]
    )
    return {name for space in spaces for name in space}


class ResourceAdapter:
    """Base class of the resource adapters of :class:`HyperbandSearchCV`.

    An adapter says how one estimator is trained on a budget of ``n_resources``
    units (samples, epochs, trees, ...). Subclass it to give Hyperband a model
    from outside scikit-learn, such as a PyTorch training loop: implement
    :meth:`fit`, and, where training can resume, return True from
    :meth:`supports_continuation` and honour ``n_resources_done``.

    Adapters hold configuration only; the search calls :meth:`prepare` once per
    fit to get a copy bound to the data, which travels to the joblib workers.

    Read more in the :ref:`User Guide <hyperband_adapter>`.

    See Also
    --------
    SubsampleAdapter : The budget is the number of samples.
    ParameterAdapter : The budget is an estimator parameter.
    PartialFitAdapter : The budget is the number of passes of ``partial_fit``.

    Examples
    --------
    An adapter for an estimator whose ``fit_epochs(X, y, n)`` trains ``n`` more
    epochs from its current state:

    >>> from skmeta.model_selection import ResourceAdapter
    >>> class EpochAdapter(ResourceAdapter):
    ...     def supports_continuation(self, estimator):
    ...         return True
    ...
    ...     def fit(self, estimator, X, y, *, n_resources, n_resources_done=0,
    ...             **fit_params):
    ...         if n_resources_done == 0:
    ...             estimator.initialize(X, y)
    ...         return estimator.fit_epochs(X, y, n_resources - n_resources_done)
    """

    def validate(self, estimator, param_distributions):
        """Raise a ValueError if the adapter cannot train ``estimator``.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search (not fitted).

        param_distributions : dict or list of dict
            The search space, to refuse a resource that is also searched over.
        """

    def prepare(self, estimator, X, y):
        """Return a copy bound to the data of one call to ``fit``.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        X : array-like of shape (n_samples, n_features)
            All the training data.

        y : array-like of shape (n_samples,) or None
            All the targets.

        Returns
        -------
        adapter : ResourceAdapter
            ``self`` by default; adapters that need facts about the whole data
            (such as the classes) return a bound copy.
        """
        return self

    def supports_continuation(self, estimator):
        """Whether a model trained on a budget can be trained on further.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        Returns
        -------
        continues : bool
            If True, survivors of a rung keep their fitted model and :meth:`fit`
            receives it again with ``n_resources_done`` set; otherwise each rung
            trains a fresh clone.
        """
        return False

    def default_max_resources(self, X, y):
        """The budget meant by ``max_resources="auto"``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            All the training data.

        y : array-like of shape (n_samples,) or None
            All the targets.

        Returns
        -------
        max_resources : int
            Only defined by adapters with a natural maximum.
        """
        raise ValueError(
            f"max_resources='auto' is only defined for resource='n_samples'; "
            f"the resource is {self!r}. Pass an integer, e.g. max_resources=81."
        )

    def default_min_resources(self, estimator, X, y, n_splits):
        """The budget meant by ``min_resources="auto"``.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        X : array-like of shape (n_samples, n_features)
            All the training data.

        y : array-like of shape (n_samples,) or None
            All the targets.

        n_splits : int
            The number of cross-validation splits.

        Returns
        -------
        min_resources : int
            1 by default.
        """
        return 1

    def select_samples(
        self, train, test, *, n_resources, n_samples, stratify, random_state
    ):
        """The rows of a fold used at a budget of ``n_resources``.

        Parameters
        ----------
        train, test : ndarray of int
            The indices of the training and test fold.

        n_resources : int
            The budget of the rung.

        n_samples : int
            The number of samples of the whole data.

        stratify : ndarray of shape (n_samples,) or None
            The classes, for a classifier.

        random_state : RandomState instance
            The same for every candidate of a rung.

        Returns
        -------
        train, test : ndarray of int
            The whole folds by default.
        """
        return train, test

    def fit(self, estimator, X, y, *, n_resources, n_resources_done=0, **fit_params):
        """Train ``estimator`` until it has used ``n_resources``.

        Parameters
        ----------
        estimator : estimator object
            A clone with the candidate's parameters, or, when the adapter
            continues, the model returned at the previous rung.

        X : array-like of shape (n_train, n_features)
            The training fold (already subsampled where the adapter selects
            samples).

        y : array-like of shape (n_train,) or None
            The targets of the training fold.

        n_resources : int
            The budget to reach.

        n_resources_done : int, default=0
            The budget ``estimator`` has already been trained on; 0 for a fresh
            clone.

        **fit_params : dict
            Parameters routed to the estimator's fit, indexed to the fold.

        Returns
        -------
        estimator : estimator object
            The trained estimator.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement fit(estimator, X, y, *, "
            "n_resources, n_resources_done=0, **fit_params)."
        )

    def __repr__(self):
        args = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{type(self).__name__}({args})"


class SubsampleAdapter(ResourceAdapter):
    """The budget is the number of samples, as in scikit-learn's halving search.

    At a budget ``r`` out of ``n_samples``, the training and the test fold are
    each subsampled to the fraction ``r / n_samples`` (stratified by class for
    a classifier), the same rows for every candidate of a rung. Each rung trains
    from scratch. This is ``resource="n_samples"``.

    See Also
    --------
    ResourceAdapter : The base class, to write an adapter.
    """

    def default_max_resources(self, X, y):
        """All the samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            All the training data.

        y : array-like of shape (n_samples,) or None
            All the targets.

        Returns
        -------
        max_resources : int
            ``n_samples``.
        """
        return _num_samples(X)

    def default_min_resources(self, estimator, X, y, n_splits):
        """Enough samples for every class in every fold, as sklearn's "smallest".

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        X : array-like of shape (n_samples, n_features)
            All the training data.

        y : array-like of shape (n_samples,) or None
            All the targets.

        n_splits : int
            The number of cross-validation splits.

        Returns
        -------
        min_resources : int
            ``2 * n_splits``, times the number of classes for a classifier.
        """
        min_resources = 2 * n_splits
        if is_classifier(estimator) and y is not None:
            min_resources *= len(np.unique(np.asarray(y)))
        return min_resources

    def select_samples(
        self, train, test, *, n_resources, n_samples, stratify, random_state
    ):
        """Subsample both folds to the fraction ``n_resources / n_samples``.

        Parameters
        ----------
        train, test : ndarray of int
            The indices of the training and test fold.

        n_resources : int
            The budget of the rung.

        n_samples : int
            The number of samples of the whole data.

        stratify : ndarray of shape (n_samples,) or None
            The classes, for a classifier.

        random_state : RandomState instance
            The same for every candidate of a rung.

        Returns
        -------
        train, test : ndarray of int
            The subsampled folds.
        """
        if n_resources >= n_samples:
            return train, test
        fraction = n_resources / n_samples
        return tuple(
            self._subsample(fold, fraction, stratify, random_state)
            for fold in (train, test)
        )

    @staticmethod
    def _subsample(fold, fraction, stratify, random_state):
        size = max(1, int(fraction * len(fold)))
        labels = None if stratify is None else stratify[fold]
        # Stratifying needs at least one sample of each class.
        if labels is not None and size < len(np.unique(labels)):
            labels = None
        return np.sort(
            resample(
                fold,
                replace=False,
                n_samples=size,
                stratify=labels,
                random_state=random_state,
            )
        )

    def fit(self, estimator, X, y, *, n_resources, n_resources_done=0, **fit_params):
        """Fit on the subsampled fold.

        Parameters
        ----------
        estimator : estimator object
            A clone with the candidate's parameters.

        X : array-like of shape (n_train, n_features)
            The subsampled training fold.

        y : array-like of shape (n_train,) or None
            Its targets.

        n_resources : int
            The budget; already applied by :meth:`select_samples`.

        n_resources_done : int, default=0
            Always 0: subsampled rungs train from scratch.

        **fit_params : dict
            Parameters routed to the estimator's fit.

        Returns
        -------
        estimator : estimator object
            The fitted estimator.
        """
        # y is passed even when None, so a supervised estimator reports the
        # missing target itself.
        return estimator.fit(X, y, **fit_params)


class ParameterAdapter(ResourceAdapter):
    """The budget is an integer parameter of the estimator, such as ``max_iter``.

    The parameter is set to the budget. Where the estimator (or, for a nested
    name such as ``"clf__max_iter"``, the Pipeline step) has ``warm_start``,
    survivors are continued with warm start instead of retrained.

    Parameters
    ----------
    parameter : str
        The parameter name, as ``estimator.get_params()`` spells it.

    warm_start : bool, default=True
        Continue survivors through ``warm_start`` when the estimator has it.
        False retrains every rung from scratch.

    cumulative : bool or "auto", default="auto"
        Whether a warm-started fit grows the model *to* the parameter's value
        (True: ``n_estimators`` of ensembles, ``max_iter`` of histogram gradient
        boosting) or trains that many *more* units (False: ``max_iter`` of
        :class:`~sklearn.linear_model.SGDClassifier`,
        :class:`~sklearn.linear_model.LogisticRegression` or
        :class:`~sklearn.neural_network.MLPClassifier`). A continued rung sets
        the parameter to the budget if cumulative and to the increment
        otherwise. "auto" is True for ``n_estimators`` and for ``max_iter`` of
        ``HistGradientBoosting*`` and False otherwise.

    See Also
    --------
    ResourceAdapter : The base class, to write an adapter.
    """

    def __init__(self, parameter, *, warm_start=True, cumulative="auto"):
        self.parameter = parameter
        self.warm_start = warm_start
        self.cumulative = cumulative

    @property
    def _prefix(self):
        owner, _, _ = self.parameter.rpartition("__")
        return f"{owner}__" if owner else ""

    def _owner(self, estimator):
        owner = self._prefix[:-2]
        return estimator.get_params()[owner] if owner else estimator

    def validate(self, estimator, param_distributions):
        """Refuse an unknown parameter and one that is also searched over.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        param_distributions : dict or list of dict
            The search space.
        """
        params = estimator.get_params()
        if self.parameter not in params:
            integer_params = sorted(
                name
                for name, value in params.items()
                if isinstance(value, numbers.Integral) and not isinstance(value, bool)
            )
            raise ValueError(
                f"resource={self.parameter!r} is neither 'n_samples', "
                f"'partial_fit' nor a parameter of {type(estimator).__name__}. "
                "Use 'n_samples', 'partial_fit', one of its integer parameters "
                f"{integer_params}, or a ResourceAdapter."
            )
        if self.parameter in _space_names(param_distributions):
            raise ValueError(
                f"resource={self.parameter!r} is also in the search space; "
                "Hyperband sets it to each rung's budget. Remove it from "
                "param_distributions and bound it with max_resources."
            )

    def supports_continuation(self, estimator):
        """Whether the owner of the parameter has ``warm_start``.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        Returns
        -------
        continues : bool
            True when warm start is enabled in the adapter and available.
        """
        return bool(self.warm_start) and (
            f"{self._prefix}warm_start" in estimator.get_params()
        )

    def _is_cumulative(self, estimator):
        if self.cumulative != "auto":
            return bool(self.cumulative)
        leaf = self.parameter.rpartition("__")[2]
        owner_name = type(self._owner(estimator)).__name__
        return leaf == "n_estimators" or (
            leaf == "max_iter" and owner_name.startswith("HistGradientBoosting")
        )

    def fit(self, estimator, X, y, *, n_resources, n_resources_done=0, **fit_params):
        """Set the parameter to the budget and fit, warm-started if continued.

        Parameters
        ----------
        estimator : estimator object
            A clone with the candidate's parameters, or the model of the
            previous rung.

        X : array-like of shape (n_train, n_features)
            The training fold.

        y : array-like of shape (n_train,) or None
            Its targets.

        n_resources : int
            The budget to reach.

        n_resources_done : int, default=0
            The budget already trained when continued.

        **fit_params : dict
            Parameters routed to the estimator's fit.

        Returns
        -------
        estimator : estimator object
            The fitted estimator.
        """
        if n_resources_done:
            value = (
                n_resources
                if self._is_cumulative(estimator)
                else n_resources - n_resources_done
            )
            estimator.set_params(
                **{f"{self._prefix}warm_start": True, self.parameter: value}
            )
        else:
            estimator.set_params(**{self.parameter: n_resources})
        # y is passed even when None, so a supervised estimator reports the
        # missing target itself.
        return estimator.fit(X, y, **fit_params)


class PartialFitAdapter(ResourceAdapter):
    """The budget is the number of passes of ``partial_fit`` over the training fold.

    Survivors continue from their state: a configuration that reaches budget
    ``r`` has received exactly ``r`` passes, whatever the rungs before. For a
    classifier, ``classes=`` (all the classes of ``y``) is given to every call.
    This is ``resource="partial_fit"``.

    Parameters
    ----------
    batch_size : int, default=None
        Rows per call of ``partial_fit``; None passes the whole fold in one call.

    See Also
    --------
    ResourceAdapter : The base class, to write an adapter.
    """

    def __init__(self, batch_size=None):
        self.batch_size = batch_size

    def validate(self, estimator, param_distributions):
        """Refuse an estimator without ``partial_fit``.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        param_distributions : dict or list of dict
            The search space.
        """
        if not hasattr(estimator, "partial_fit"):
            raise ValueError(
                f"resource='partial_fit' needs an estimator with a partial_fit "
                f"method; {type(estimator).__name__} has none. Use "
                "resource='n_samples' or an iteration parameter such as "
                "'max_iter' instead."
            )

    def prepare(self, estimator, X, y):
        """Bind the classes of ``y`` for a classifier.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        X : array-like of shape (n_samples, n_features)
            All the training data.

        y : array-like of shape (n_samples,) or None
            All the targets.

        Returns
        -------
        adapter : PartialFitAdapter
            A copy with ``classes_`` set (None for a regressor).
        """
        bound = copy.copy(self)
        bound.classes_ = (
            np.unique(np.asarray(y))
            if is_classifier(estimator) and y is not None
            else None
        )
        return bound

    def supports_continuation(self, estimator):
        """Always True: ``partial_fit`` resumes from the current state.

        Parameters
        ----------
        estimator : estimator object
            The estimator given to the search.

        Returns
        -------
        continues : bool
            True.
        """
        return True

    def fit(self, estimator, X, y, *, n_resources, n_resources_done=0, **fit_params):
        """Run ``n_resources - n_resources_done`` passes of ``partial_fit``.

        Parameters
        ----------
        estimator : estimator object
            A clone with the candidate's parameters, or the model of the
            previous rung.

        X : array-like of shape (n_train, n_features)
            The training fold.

        y : array-like of shape (n_train,) or None
            Its targets.

        n_resources : int
            The number of passes to reach.

        n_resources_done : int, default=0
            The passes already made.

        **fit_params : dict
            Parameters routed to ``partial_fit``, indexed like ``X``.

        Returns
        -------
        estimator : estimator object
            The trained estimator.
        """
        classes = getattr(self, "classes_", None)
        extra = {} if classes is None else {"classes": classes}
        n_rows = _num_samples(X)
        if self.batch_size is None or self.batch_size >= n_rows:
            # The whole fold in one call: no copy of X per pass.
            batches = [(X, y, fit_params)]
        else:
            batches = []
            for start in range(0, n_rows, self.batch_size):
                rows = np.arange(start, min(start + self.batch_size, n_rows))
                batches.append(
                    (
                        _safe_indexing(X, rows),
                        None if y is None else _safe_indexing(y, rows),
                        _check_method_params(X, params=fit_params, indices=rows),
                    )
                )
        for _ in range(n_resources - n_resources_done):
            for X_batch, y_batch, params in batches:
                estimator.partial_fit(X_batch, y_batch, **extra, **params)
        return estimator


_BUILTIN = {"n_samples": SubsampleAdapter, "partial_fit": PartialFitAdapter}


def _resolve_adapter(resource):
    """The adapter for a ``resource`` given as a name or an adapter."""
    if isinstance(resource, ResourceAdapter):
        return resource
    if resource in _BUILTIN:
        return _BUILTIN[resource]()
    return ParameterAdapter(resource)
