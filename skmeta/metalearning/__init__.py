"""Meta-learning: search spaces, experiments, the knowledge base and the selector."""

from ._collector import (
    collect,
    diverse_order,
    plan_configurations,
    prepare_dataset,
)
from ._evaluation import METRICS, IsolatedEvaluator, evaluate
from ._knowledge_base import knowledge_base_path, load_knowledge_base
from ._meta_evaluation import (
    closed_gap,
    evaluate_meta_model,
    random_ranking_metrics,
    ranking_metrics,
)
from ._meta_model import NearestDatasetsRegressor, make_meta_regressor
from ._search_space import (
    Hyperparameter,
    ModelFamily,
    SearchSpace,
    config_id,
    make_preprocessor,
)
from ._selector import MetaModelSelector
from ._store import ExperimentStore, StoreError

__all__ = [
    "METRICS",
    "ExperimentStore",
    "Hyperparameter",
    "IsolatedEvaluator",
    "MetaModelSelector",
    "ModelFamily",
    "NearestDatasetsRegressor",
    "SearchSpace",
    "StoreError",
    "collect",
    "config_id",
    "closed_gap",
    "diverse_order",
    "evaluate",
    "evaluate_meta_model",
    "knowledge_base_path",
    "load_knowledge_base",
    "make_meta_regressor",
    "make_preprocessor",
    "plan_configurations",
    "prepare_dataset",
    "random_ranking_metrics",
    "ranking_metrics",
]
