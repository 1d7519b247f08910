"""Meta-learning: search spaces, experiments, the knowledge base and the selector."""

from ._collector import collect
from ._knowledge_base import load_knowledge_base
from ._meta_evaluation import (
    closed_gap,
    evaluate_meta_model,
    random_ranking_metrics,
    ranking_metrics,
)
from ._meta_model import NearestDatasetsRegressor, make_meta_regressor
from ._search_space import SearchSpace
from ._selector import MetaModelSelector
from ._store import ExperimentStore, StoreError

__all__ = [
    "ExperimentStore",
    "MetaModelSelector",
    "NearestDatasetsRegressor",
    "SearchSpace",
    "StoreError",
    "collect",
    "closed_gap",
    "evaluate_meta_model",
    "load_knowledge_base",
    "make_meta_regressor",
    "random_ranking_metrics",
    "ranking_metrics",
]
