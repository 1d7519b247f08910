"""Meta-learning: search spaces, experiment collection and the knowledge base."""

from ._collector import (
    collect,
    diverse_order,
    plan_configurations,
    prepare_dataset,
)
from ._evaluation import METRICS, IsolatedEvaluator, evaluate
from ._knowledge_base import knowledge_base_path, load_knowledge_base
from ._search_space import (
    Hyperparameter,
    ModelFamily,
    SearchSpace,
    config_id,
    make_preprocessor,
)
from ._store import ExperimentStore, StoreError

__all__ = [
    "METRICS",
    "ExperimentStore",
    "Hyperparameter",
    "IsolatedEvaluator",
    "ModelFamily",
    "SearchSpace",
    "StoreError",
    "collect",
    "config_id",
    "diverse_order",
    "evaluate",
    "knowledge_base_path",
    "load_knowledge_base",
    "make_preprocessor",
    "plan_configurations",
    "prepare_dataset",
]
