"""Every private scikit-learn name that skmeta uses, in one place.

scikit-learn does not promise stability for these, so a release that moves one
is fixed here and nowhere else. Supported: scikit-learn 1.6 to the newest.
"""

import sklearn
from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.fixes import parse_version
from sklearn.utils.validation import _check_sample_weight, validate_data

SKLEARN_VERSION = parse_version(parse_version(sklearn.__version__).base_version)

__all__ = [
    "SKLEARN_VERSION",
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "validate_data",
]
