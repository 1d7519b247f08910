"""A small synthetic knowledge base, for tests and examples that must run offline
in seconds.

Its datasets are real (generated with scikit-learn) and so are their meta-features;
its scores are not measured but drawn from a fixed formula of the dataset and the
configuration, so that a meta-model has something learnable to find.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification, make_regression

from ._collector import derive_seed
from ._meta_model import METAFEATURE_GROUPS
from ._search_space import SEARCH_SPACE_VERSION, SearchSpace, config_id
from ._store import ExperimentStore

# Families the formula favours on hard (many informative features) datasets.
_FLEXIBLE = {
    "random_forest",
    "extra_trees",
    "hist_gradient_boosting",
    "rbf_svm",
    "rbf_svr",
    "mlp",
    "knn",
}


def make_toy_knowledge_base(path, task, n_datasets=8, n_configs=12, random_state=0):
    """Write a small synthetic knowledge base (a store) at ``path``.

    Parameters
    ----------
    path : str or path-like
        Folder to create; a store for ``task`` is written directly in it.
    task : {"classification", "regression"}
    n_datasets : int, default=8
    n_configs : int, default=12
        Random configurations per dataset, besides every family's defaults.
    random_state : int, default=0

    Returns
    -------
    Path
        ``path``.
    """
    from skmeta.metafeatures import MetaFeatureExtractor

    path = Path(path)
    rng = np.random.RandomState(random_state)
    space = SearchSpace(task)
    settings = {
        "n_folds": 3,
        "max_rows": 2000,
        "seed": random_state,
        "n_shared": 0,
        "search_space_version": SEARCH_SPACE_VERSION,
    }
    store = ExperimentStore.create(path, task, settings)
    metric = "balanced_accuracy" if task == "classification" else "r2"
    rows = {}
    with store.lock(), store.lock("metafeatures"):
        for i in range(n_datasets):
            dataset_id = f"toy/{task}_{i}"
            n_samples = int(rng.randint(60, 160))
            n_informative = int(rng.randint(2, 6))
            n_features = n_informative + int(rng.randint(0, 4))
            if task == "classification":
                X, y = make_classification(
                    n_samples,
                    n_features,
                    n_informative=n_informative,
                    n_redundant=0,
                    n_classes=2 + i % 2,
                    n_clusters_per_class=1,
                    random_state=derive_seed(random_state, dataset_id),
                )
            else:
                X, y = make_regression(
                    n_samples,
                    n_features,
                    n_informative=n_informative,
                    noise=float(rng.uniform(1, 50)),
                    random_state=derive_seed(random_state, dataset_id),
                )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                extractor = MetaFeatureExtractor(
                    groups=list(METAFEATURE_GROUPS),
                    target_type=task,
                    random_state=random_state,
                ).fit(X, y)
            rows[dataset_id] = extractor.meta_features_
            store.append_dataset(
                {
                    "dataset_id": dataset_id,
                    "name": dataset_id.split("/")[1],
                    "task": task,
                    "source": "toy",
                    "group_id": f"toy_{i // 2}",
                    "status": "ok",
                    "n_rows": n_samples,
                    "n_features": n_features,
                }
            )
            hardness = n_informative / 6
            configs = space.defaults() + space.sample(
                n_configs, random_state=derive_seed(random_state, dataset_id, "configs")
            )
            for config in configs:
                bonus = 0.25 * hardness if config["family"] in _FLEXIBLE else 0.0
                params = config["params"]
                # A smooth preference for mid-range numeric values, per family.
                shape = sum(
                    0.02 * np.tanh(float(v))
                    for v in params.values()
                    if isinstance(v, (int, float)) and not isinstance(v, bool)
                )
                score = 0.55 + bonus - 0.1 * hardness + shape + rng.normal(0, 0.01)
                store.append(
                    {
                        "dataset_id": dataset_id,
                        "config_id": config_id(config),
                        "family": config["family"],
                        "params": params,
                        "kind": "toy",
                        "status": "ok",
                        metric: float(score),
                    }
                )
        frame = pd.DataFrame(rows).T.sort_index()
        frame.index.name = "dataset_id"
        store.write_metafeatures(frame)
    return path
