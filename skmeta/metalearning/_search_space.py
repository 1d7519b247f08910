"""Search spaces: the pipelines skmeta collects experiments on and recommends.

A *configuration* is a plain dictionary ``{"family": name, "params": {...}}`` holding
only JSON values, so that it can be stored, hashed and read back unchanged. A
:class:`SearchSpace` turns it into a scikit-learn pipeline that runs on any tabular
data (categorical columns, missing values), samples configurations reproducibly, and
encodes them into a fixed table of numbers a meta-model can learn from.
"""

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import check_random_state

TASKS = ("classification", "regression")

# Bumped whenever a family, a range or a fixed setting changes, so that a knowledge
# base records which space its configurations came from. Version 2 gave the
# classification trees (decision tree, random forest, extra trees) class weights.
SEARCH_SPACE_VERSION = 2

# One-hot encoding keeps at most this many levels per categorical column (the rest
# become "infrequent"), so that an identifier-like column cannot blow up the width.
MAX_CATEGORIES = 20


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter of a model family.

    Parameters
    ----------
    name : str
        The estimator's parameter name (or a name that ``build`` understands).
    kind : {"float", "int", "categorical"}
        How values are drawn.
    low, high : float, default=None
        Inclusive range of a numeric hyperparameter.
    log : bool, default=False
        Draw uniformly in log space; the meta-feature encoding then uses
        ``log10(value)`` as well.
    choices : tuple, default=()
        The values of a categorical hyperparameter.
    condition : tuple of (str, tuple), default=None
        ``(parent, values)``: the hyperparameter is active only when hyperparameter
        ``parent`` takes one of ``values``. Inactive hyperparameters are absent from
        a configuration's ``params``.
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple = ()
    condition: tuple | None = None

    def sample(self, rng):
        """Draw one value with the ``numpy.random.RandomState`` ``rng``."""
        if self.kind == "categorical":
            return self.choices[rng.randint(len(self.choices))]
        if self.log:
            value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        else:
            value = rng.uniform(self.low, self.high)
        if self.kind == "int":
            return int(min(max(round(value), self.low), self.high))
        # Twelve significant digits keep stored values short and exactly reproducible
        # through JSON, without changing any model in a meaningful way.
        return float(f"{value:.12g}")

    def is_active(self, params):
        """Whether this hyperparameter applies given the other ``params``."""
        if self.condition is None:
            return True
        parent, values = self.condition
        return parent in params and params[parent] in values


@dataclass(frozen=True)
class ModelFamily:
    """A model family: its estimator, hyperparameters, defaults and preprocessing.

    Parameters
    ----------
    name : str
        Identifier used in configurations, e.g. ``"random_forest"``.
    task : {"classification", "regression"}
    build : callable
        ``build(params, random_state) -> estimator``.
    hyperparameters : tuple of Hyperparameter
    defaults : dict
        The family's default configuration (scikit-learn's defaults wherever they
        are sensible on small tabular data).
    scale : bool
        Whether numeric columns are standardised before the model (distance-based,
        kernel, linear and neural models need it; trees do not).
    """

    name: str
    task: str
    build: object = field(repr=False)
    hyperparameters: tuple
    defaults: dict
    scale: bool


def _hp_float(name, low, high, log=False, condition=None):
    return Hyperparameter(name, "float", low, high, log, condition=condition)


def _hp_int(name, low, high, log=False, condition=None):
    return Hyperparameter(name, "int", low, high, log, condition=condition)


def _hp_cat(name, choices, condition=None):
    return Hyperparameter(
        name, "categorical", choices=tuple(choices), condition=condition
    )


def _forest_hps():
    return (
        _hp_float("max_features", 0.05, 1.0),
        _hp_int("min_samples_leaf", 1, 20, log=True),
        _hp_cat("bootstrap", (True, False)),
        # Subsampling only means something when bootstrapping.
        _hp_float("max_samples", 0.3, 1.0, condition=("bootstrap", (True,))),
    )


def _forest(cls, criterion_choices, weighted=False):
    def build(params, random_state):
        return cls(
            n_estimators=100,
            n_jobs=1,
            random_state=random_state,
            **params,
        )

    hps = _forest_hps()
    if criterion_choices:
        hps = (_hp_cat("criterion", criterion_choices),) + hps
    if weighted:
        hps += (_class_weight(),)
    return build, hps


def _class_weight():
    # Balanced weights matter on imbalanced data scored by balanced accuracy; a
    # tree heeds them only with leaves of several rows, which the leaf size's
    # range covers (benchmarks/class_weight_pilot.py).
    return _hp_cat("class_weight", (None, "balanced"))


def _hgb_hps():
    return (
        _hp_float("learning_rate", 0.01, 1.0, log=True),
        _hp_int("max_iter", 20, 500, log=True),
        _hp_int("max_leaf_nodes", 4, 128, log=True),
        _hp_int("min_samples_leaf", 2, 100, log=True),
        _hp_float("l2_regularization", 1e-8, 10.0, log=True),
        _hp_cat("early_stopping", (True, False)),
        # Patience is only read when early stopping is on.
        _hp_int("n_iter_no_change", 5, 30, condition=("early_stopping", (True,))),
    )


def _hgb(cls):
    def build(params, random_state):
        return cls(random_state=random_state, **params)

    return build


def _mlp_hps():
    return (
        _hp_cat("n_layers", (1, 2)),
        _hp_int("width_1", 16, 256, log=True),
        _hp_int("width_2", 16, 256, log=True, condition=("n_layers", (2,))),
        _hp_float("alpha", 1e-7, 1e-1, log=True),
        _hp_float("learning_rate_init", 1e-4, 1e-1, log=True),
        _hp_cat("activation", ("relu", "tanh")),
    )


def _mlp(cls):
    def build(params, random_state):
        params = dict(params)
        n_layers = params.pop("n_layers")
        sizes = tuple(params.pop(f"width_{i}") for i in range(1, n_layers + 1))
        # Early stopping keeps a diverging or slow network within the time limit.
        return cls(
            hidden_layer_sizes=sizes,
            early_stopping=True,
            max_iter=200,
            random_state=random_state,
            **params,
        )

    return build


def _knn_hps():
    return (
        _hp_int("n_neighbors", 1, 50, log=True),
        _hp_cat("weights", ("uniform", "distance")),
        _hp_cat("p", (1, 2)),
    )


def _tree_hps(criterion_choices, weighted=False):
    hps = (
        _hp_int("max_depth", 2, 30, log=True),
        _hp_int("min_samples_leaf", 1, 50, log=True),
        _hp_float("max_features", 0.1, 1.0),
    )
    if criterion_choices:
        hps = (_hp_cat("criterion", criterion_choices),) + hps
    if weighted:
        hps += (_class_weight(),)
    return hps


def _seeded(cls, **fixed):
    def build(params, random_state):
        return cls(random_state=random_state, **fixed, **params)

    return build


def _unseeded(cls, **fixed):
    def build(params, random_state):
        return cls(**fixed, **params)

    return build


_FOREST_DEFAULTS = {"max_features": 1.0, "min_samples_leaf": 1, "bootstrap": True}
_HGB_DEFAULTS = {
    "learning_rate": 0.1,
    "max_iter": 100,
    "max_leaf_nodes": 31,
    "min_samples_leaf": 20,
    "l2_regularization": 1e-8,
    "early_stopping": False,
}
_MLP_DEFAULTS = {
    "n_layers": 1,
    "width_1": 100,
    "alpha": 1e-4,
    "learning_rate_init": 1e-3,
    "activation": "relu",
}
_KNN_DEFAULTS = {"n_neighbors": 5, "weights": "uniform", "p": 2}


def _classification_families():
    rf_build, rf_hps = _forest(
        RandomForestClassifier, ("gini", "entropy"), weighted=True
    )
    et_build, et_hps = _forest(ExtraTreesClassifier, ("gini", "entropy"), weighted=True)
    cw = _class_weight()
    return (
        ModelFamily(
            "logistic_regression",
            "classification",
            _seeded(LogisticRegression, max_iter=1000),
            (_hp_float("C", 1e-4, 1e4, log=True), cw),
            {"C": 1.0, "class_weight": None},
            scale=True,
        ),
        ModelFamily(
            "linear_svm",
            "classification",
            _seeded(LinearSVC, max_iter=2000),
            (_hp_float("C", 1e-4, 1e3, log=True), cw),
            {"C": 1.0, "class_weight": None},
            scale=True,
        ),
        ModelFamily(
            "rbf_svm",
            "classification",
            _seeded(SVC, kernel="rbf"),
            (
                _hp_float("C", 1e-2, 1e2, log=True),
                _hp_float("gamma", 1e-4, 10.0, log=True),
                cw,
            ),
            {"C": 1.0, "gamma": "scale", "class_weight": None},
            scale=True,
        ),
        ModelFamily(
            "knn",
            "classification",
            _unseeded(KNeighborsClassifier),
            _knn_hps(),
            dict(_KNN_DEFAULTS),
            scale=True,
        ),
        ModelFamily(
            "decision_tree",
            "classification",
            _seeded(DecisionTreeClassifier),
            _tree_hps(("gini", "entropy"), weighted=True),
            {
                "criterion": "gini",
                "max_depth": None,
                "min_samples_leaf": 1,
                "max_features": None,
                "class_weight": None,
            },
            scale=False,
        ),
        ModelFamily(
            "random_forest",
            "classification",
            rf_build,
            rf_hps,
            {
                "criterion": "gini",
                **_FOREST_DEFAULTS,
                "max_features": "sqrt",
                "class_weight": None,
            },
            scale=False,
        ),
        ModelFamily(
            "extra_trees",
            "classification",
            et_build,
            et_hps,
            {
                "criterion": "gini",
                **_FOREST_DEFAULTS,
                "bootstrap": False,
                "max_features": "sqrt",
                "class_weight": None,
            },
            scale=False,
        ),
        ModelFamily(
            "hist_gradient_boosting",
            "classification",
            _hgb(HistGradientBoostingClassifier),
            _hgb_hps(),
            dict(_HGB_DEFAULTS),
            scale=False,
        ),
        ModelFamily(
            "gaussian_nb",
            "classification",
            _unseeded(GaussianNB),
            (_hp_float("var_smoothing", 1e-12, 1e-1, log=True),),
            {"var_smoothing": 1e-9},
            scale=False,
        ),
        ModelFamily(
            "mlp",
            "classification",
            _mlp(MLPClassifier),
            _mlp_hps(),
            dict(_MLP_DEFAULTS),
            scale=True,
        ),
    )


def _regression_families():
    rf_build, rf_hps = _forest(RandomForestRegressor, ())
    et_build, et_hps = _forest(ExtraTreesRegressor, ())
    return (
        ModelFamily(
            "ridge",
            "regression",
            _unseeded(Ridge),
            (_hp_float("alpha", 1e-4, 1e4, log=True),),
            {"alpha": 1.0},
            scale=True,
        ),
        ModelFamily(
            "elastic_net",
            "regression",
            _seeded(ElasticNet, max_iter=2000),
            (
                _hp_float("alpha", 1e-5, 10.0, log=True),
                _hp_float("l1_ratio", 0.0, 1.0),
            ),
            {"alpha": 1.0, "l1_ratio": 0.5},
            scale=True,
        ),
        ModelFamily(
            "linear_svr",
            "regression",
            _seeded(LinearSVR, max_iter=2000),
            (
                _hp_float("C", 1e-4, 1e3, log=True),
                _hp_float("epsilon", 0.0, 0.5),
            ),
            {"C": 1.0, "epsilon": 0.0},
            scale=True,
        ),
        ModelFamily(
            "rbf_svr",
            "regression",
            _unseeded(SVR, kernel="rbf"),
            (
                _hp_float("C", 1e-2, 1e2, log=True),
                _hp_float("gamma", 1e-4, 10.0, log=True),
                _hp_float("epsilon", 1e-3, 1.0, log=True),
            ),
            {"C": 1.0, "gamma": "scale", "epsilon": 0.1},
            scale=True,
        ),
        ModelFamily(
            "knn",
            "regression",
            _unseeded(KNeighborsRegressor),
            _knn_hps(),
            dict(_KNN_DEFAULTS),
            scale=True,
        ),
        ModelFamily(
            "decision_tree",
            "regression",
            _seeded(DecisionTreeRegressor),
            _tree_hps(()),
            {"max_depth": None, "min_samples_leaf": 1, "max_features": None},
            scale=False,
        ),
        ModelFamily(
            "random_forest",
            "regression",
            rf_build,
            rf_hps,
            dict(_FOREST_DEFAULTS),
            scale=False,
        ),
        ModelFamily(
            "extra_trees",
            "regression",
            et_build,
            et_hps,
            {**_FOREST_DEFAULTS, "bootstrap": False},
            scale=False,
        ),
        ModelFamily(
            "hist_gradient_boosting",
            "regression",
            _hgb(HistGradientBoostingRegressor),
            _hgb_hps(),
            dict(_HGB_DEFAULTS),
            scale=False,
        ),
        ModelFamily(
            "mlp",
            "regression",
            _mlp(MLPRegressor),
            _mlp_hps(),
            dict(_MLP_DEFAULTS),
            scale=True,
        ),
    )


class _ColumnKind:
    """Column selector for ``ColumnTransformer`` that also accepts numpy arrays.

    ``make_column_selector`` needs a DataFrame; a recommended pipeline must also run
    on a plain array, whose columns are all numeric.
    """

    def __init__(self, categorical):
        self.categorical = categorical

    def __call__(self, X):
        if not hasattr(X, "dtypes"):
            n_features = np.asarray(X).shape[1]
            return [] if self.categorical else list(range(n_features))
        return [
            column
            for column, dtype in zip(X.columns, X.dtypes, strict=True)
            if _is_categorical_dtype(dtype) == self.categorical
        ]


def _is_categorical_dtype(dtype):
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or dtype.kind in "OSU"
        or (pd.api.types.is_string_dtype(dtype))
    )


def _as_objects(X):
    """The categorical columns as Python objects, missing values as NaN.

    scikit-learn's input validation casts a frame whose categorical columns mix
    categories of booleans (a CSV's ``TRUE``/``FALSE``) with categories of
    strings to float, and fails; as objects, every kind of category reaches the
    imputer and the encoder as it is, in the same order.
    """
    return X.astype(object)


def make_preprocessor(scale):
    """Return the preprocessing every skmeta pipeline starts with.

    Numeric columns: median imputation with missing-value indicators, then
    standardisation when ``scale``. Categorical columns (pandas ``category``,
    ``object`` or string dtype): taken as Python objects (so that categories of
    booleans, numbers and strings mix), most-frequent imputation, then one-hot
    encoding of at most ``MAX_CATEGORIES`` levels that ignores unseen levels.

    Parameters
    ----------
    scale : bool
        Standardise the numeric columns.

    Returns
    -------
    ColumnTransformer
    """
    numeric = [("impute", SimpleImputer(strategy="median", add_indicator=True))]
    if scale:
        numeric.append(("scale", StandardScaler()))
    categorical = Pipeline(
        [
            (
                "objects",
                FunctionTransformer(_as_objects, feature_names_out="one-to-one"),
            ),
            ("impute", SimpleImputer(strategy="most_frequent")),
            (
                "encode",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    max_categories=MAX_CATEGORIES,
                    sparse_output=False,
                ),
            ),
        ]
    )
    return ColumnTransformer(
        [
            ("numeric", Pipeline(numeric), _ColumnKind(categorical=False)),
            ("categorical", categorical, _ColumnKind(categorical=True)),
        ],
        sparse_threshold=0.0,
    )


def _canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def config_id(config):
    """Stable identifier of a configuration: a hash of its family and parameters.

    Parameters
    ----------
    config : dict
        ``{"family": str, "params": dict}``.

    Returns
    -------
    str
        16 hexadecimal characters; equal configurations always get equal ids, across
        processes, machines and Python versions.
    """
    payload = _canonical_json({"family": config["family"], "params": config["params"]})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class SearchSpace:
    """The model families skmeta searches over for one task.

    Parameters
    ----------
    task : {"classification", "regression"}
        Which families: classification has logistic regression, linear and RBF SVM,
        k-nearest neighbours, decision tree, random forest, extra trees, histogram
        gradient boosting, Gaussian naive Bayes and MLP; regression has ridge,
        elastic net, linear and RBF SVR, k-nearest neighbours, decision tree, random
        forest, extra trees, histogram gradient boosting and MLP.
    families : list of str, default=None
        Restrict to these families; all when None. Names of the other task's
        families are ignored, so one list can serve both tasks.

    Attributes
    ----------
    families : dict of str to ModelFamily
    version : int
        ``SEARCH_SPACE_VERSION``, stored with every experiment.

    Examples
    --------
    >>> from skmeta.metalearning import SearchSpace
    >>> space = SearchSpace("classification")
    >>> configs = space.sample(3, random_state=0)
    >>> pipeline = space.build_pipeline(configs[0])
    """

    def __init__(self, task, families=None):
        if task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}; got {task!r}.")
        self.task = task
        all_families = (
            _classification_families()
            if task == "classification"
            else _regression_families()
        )
        by_name = {family.name: family for family in all_families}
        if families is not None:
            known = {f.name for f in _classification_families()} | {
                f.name for f in _regression_families()
            }
            unknown = sorted(set(families) - known)
            if unknown:
                raise ValueError(
                    f"Unknown families {unknown}; choose among {sorted(known)}."
                )
            by_name = {name: by_name[name] for name in by_name if name in families}
            if not by_name:
                raise ValueError(
                    f"None of the families {sorted(families)} is a {task} family."
                )
        self.families = by_name
        self.version = SEARCH_SPACE_VERSION

    def __reduce__(self):
        # The families' builders are closures, which pickle cannot store; the
        # space is whole given its task and family names.
        return type(self), (self.task, list(self.families))

    def _family(self, config):
        try:
            return self.families[config["family"]]
        except KeyError:
            raise ValueError(
                f"Configuration family {config.get('family')!r} is not in the "
                f"{self.task} search space; known families: {sorted(self.families)}."
            ) from None

    def defaults(self):
        """Return the default configuration of every family, in family order."""
        return [
            {"family": name, "params": dict(family.defaults)}
            for name, family in self.families.items()
        ]

    def sample(self, n_configs, random_state=None):
        """Draw ``n_configs`` random configurations, balanced across families.

        Families are dealt in turn from a shuffled order, so any prefix of the list
        covers the families as evenly as possible; hyperparameters are then drawn
        independently (log-uniform where ``log``), skipping inactive conditionals.

        Parameters
        ----------
        n_configs : int
        random_state : int, RandomState instance or None, default=None
            The same seed always gives the same list.

        Returns
        -------
        list of dict
        """
        rng = check_random_state(random_state)
        names = list(self.families)
        configs = []
        order = []
        for _ in range(n_configs):
            if not order:
                order = [names[i] for i in rng.permutation(len(names))]
            name = order.pop()
            params = {}
            for hp in self.families[name].hyperparameters:
                if hp.is_active(params):
                    params[hp.name] = hp.sample(rng)
            configs.append({"family": name, "params": params})
        return configs

    def build_estimator(self, config, random_state=0):
        """Return the unfitted model of ``config`` (without preprocessing)."""
        family = self._family(config)
        return family.build(dict(config["params"]), random_state)

    def build_pipeline(self, config, random_state=0):
        """Return the full pipeline of ``config``: preprocessing, then the model.

        Parameters
        ----------
        config : dict
            ``{"family": str, "params": dict}``.
        random_state : int, default=0
            Seed of the model's own randomness.

        Returns
        -------
        Pipeline
            Steps ``"preprocess"`` (see :func:`make_preprocessor`) and ``"model"``;
            for a regression family that scales its features, the model is wrapped
            in a ``TransformedTargetRegressor`` that standardises the target too.
        """
        family = self._family(config)
        model = family.build(dict(config["params"]), random_state)
        if family.task == "regression" and family.scale:
            # Models that need scaled features also need a scaled target: their
            # penalties (alpha, C), SVR's epsilon and an MLP's learning rate are
            # otherwise in the target's units and mean something else on every
            # dataset.
            model = TransformedTargetRegressor(
                regressor=model, transformer=StandardScaler()
            )
        return Pipeline(
            [
                ("preprocess", make_preprocessor(family.scale)),
                ("model", model),
            ]
        )

    def feature_names(self):
        """Return the column names of :meth:`encode`, in order.

        The encoding, fixed for a given search space:

        - ``family=<name>``: one-hot indicator of the family;
        - ``<family>__<param>`` for a numeric hyperparameter: its value, or
          ``log10(value)`` when the hyperparameter is sampled on a log scale;
        - ``<family>__<param>=<choice>`` for a categorical hyperparameter: 0/1;
        - a hyperparameter that does not apply (another family, or an inactive
          conditional) is NaN; a default outside the sampled range that is not a
          number (e.g. ``gamma="scale"``, ``max_depth=None``) is encoded in a
          ``<family>__<param>=<value>`` indicator, with the numeric column NaN.
        """
        return list(self._columns())

    def _columns(self):
        columns = {}
        for name in self.families:
            columns[f"family={name}"] = None
        for name, family in self.families.items():
            for hp in family.hyperparameters:
                if hp.kind == "categorical":
                    for choice in hp.choices:
                        columns[f"{name}__{hp.name}={choice}"] = (hp, choice)
                else:
                    columns[f"{name}__{hp.name}"] = (hp, None)
            for key, value in family.defaults.items():
                hp = next((h for h in family.hyperparameters if h.name == key), None)
                if (
                    hp is not None
                    and hp.kind != "categorical"
                    and (not isinstance(value, (int, float)) or isinstance(value, bool))
                ):
                    columns[f"{name}__{key}={value}"] = (hp, value)
        return columns

    def encode(self, configs):
        """Encode configurations as a numeric DataFrame for a meta-model.

        Parameters
        ----------
        configs : list of dict or DataFrame
            Configurations, or a DataFrame with ``family`` and ``params`` columns
            (as returned by :func:`load_knowledge_base`).

        Returns
        -------
        DataFrame of shape (n_configs, n_columns)
            Columns as described in :meth:`feature_names`.
        """
        if isinstance(configs, pd.DataFrame):
            configs = [
                {"family": f, "params": p}
                for f, p in zip(configs["family"], configs["params"], strict=True)
            ]
        columns = self._columns()
        index = {column: i for i, column in enumerate(columns)}
        out = np.full((len(configs), len(columns)), np.nan)
        for row, config in enumerate(configs):
            family = self._family(config)
            name = family.name
            for other in self.families:
                out[row, index[f"family={other}"]] = float(other == name)
            params = config["params"]
            for hp in family.hyperparameters:
                active = hp.name in params
                if hp.kind == "categorical":
                    for choice in hp.choices:
                        out[row, index[f"{name}__{hp.name}={choice}"]] = (
                            float(params[hp.name] == choice) if active else np.nan
                        )
                    continue
                value = params.get(hp.name)
                special = f"{name}__{hp.name}={family.defaults.get(hp.name)}"
                if special in index:
                    out[row, index[special]] = float(active and not _is_number(value))
                if active and _is_number(value):
                    out[row, index[f"{name}__{hp.name}"]] = (
                        math.log10(value) if hp.log else float(value)
                    )
        return pd.DataFrame(out, columns=list(columns))


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
