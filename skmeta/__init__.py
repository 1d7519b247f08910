"""skmeta: cheap model selection for scikit-learn.

Dataset meta-features (:class:`MetaFeatureExtractor`), Hyperband search
(:class:`HyperbandSearchCV`) and a meta-learned pipeline recommender.
"""

from .metafeatures import MetaFeatureExtractor
from .model_selection import HyperbandSearchCV

__version__ = "0.1.dev0"

__all__ = ["HyperbandSearchCV", "MetaFeatureExtractor", "__version__"]
