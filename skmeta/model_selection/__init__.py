"""Model selection: Hyperband search, its schedule and its resource adapters."""

from ._adapters import (
    ParameterAdapter,
    PartialFitAdapter,
    ResourceAdapter,
    SubsampleAdapter,
)
from ._hyperband import HyperbandSearchCV
from ._sampler import BOHBSampler
from ._schedule import hyperband_schedule

__all__ = [
    "BOHBSampler",
    "HyperbandSearchCV",
    "ParameterAdapter",
    "PartialFitAdapter",
    "ResourceAdapter",
    "SubsampleAdapter",
    "hyperband_schedule",
]
