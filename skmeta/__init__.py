"""skmeta: cheap model selection for scikit-learn.

Dataset meta-features (:class:`MetaFeatureExtractor`), Hyperband search
(:class:`HyperbandSearchCV`) and a meta-learned pipeline recommender.
"""

__version__ = "0.1.dev0"

# After __version__: the collector, imported through metalearning, records it.
from .metafeatures import MetaFeatureExtractor  # noqa: E402
from .metalearning import MetaModelSelector  # noqa: E402
from .model_selection import HyperbandSearchCV  # noqa: E402

__all__ = [
    "HyperbandSearchCV",
    "MetaFeatureExtractor",
    "MetaModelSelector",
    "__version__",
]
