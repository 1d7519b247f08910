"""Dataset meta-features for meta-learning: :class:`MetaFeatureExtractor`."""

from ._extractor import MetaFeatureExtractor

__all__ = ["MetaFeatureExtractor"]
