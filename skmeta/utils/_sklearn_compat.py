"""Every private scikit-learn name that skmeta uses, in one place.

scikit-learn does not promise stability for these, so a release that moves one
is fixed here and nowhere else. Supported: scikit-learn 1.6 to the newest.
"""

import sklearn
from sklearn.base import _fit_context
from sklearn.metrics._scorer import _MultimetricScorer
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._split import _yields_constant_splits
from sklearn.model_selection._validation import (
    _insert_error_scores,
    _score,
    _warn_or_raise_about_fit_failures,
)
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.fixes import parse_version
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import (
    _check_method_params,
    _check_sample_weight,
    _num_samples,
    validate_data,
)

SKLEARN_VERSION = parse_version(parse_version(sklearn.__version__).base_version)

__all__ = [
    "SKLEARN_VERSION",
    "parse_version",
    "BaseSearchCV",
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "StrOptions",
    "_MultimetricScorer",
    "_check_method_params",
    "_check_sample_weight",
    "_fit_context",
    "_insert_error_scores",
    "_num_samples",
    "_safe_indexing",
    "_safe_split",
    "_score",
    "_warn_or_raise_about_fit_failures",
    "_yields_constant_splits",
    "validate_data",
]
