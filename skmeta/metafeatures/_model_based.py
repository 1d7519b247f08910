"""Model-based meta-features: the shape of a decision tree fitted on all rows.

The names and definitions of pymfe's ``model-based`` group (Bensusan et al.
2000; Rivolli et al. 2022), read from a scikit-learn decision tree grown to
purity with ``random_state`` (a regression tree for a regression target, which
then has no ``leaves_per_class``). The tree always sees every row: its size
grows with the number of samples, so a subsample would change the values, not
approximate them.
"""

import numpy as np
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _node_depths(tree):
    depths = np.zeros(tree.node_count, dtype=np.intp)
    # scikit-learn numbers every child after its parent.
    for node in range(tree.node_count):
        for child in (tree.children_left[node], tree.children_right[node]):
            if child >= 0:
                depths[child] = depths[node] + 1
    return depths


def model_based_features(data, add):
    """Add the model-based meta-features of ``data`` through ``add(name, value)``."""
    N = data.numeric
    if N.shape[1] == 0:
        return
    classification = data.task == "classification"
    model = (DecisionTreeClassifier if classification else DecisionTreeRegressor)(
        random_state=data.seed
    ).fit(N, data.y)
    tree = model.tree_
    leaf = tree.feature < 0
    depths = _node_depths(tree)
    leaf_depths = depths[leaf]
    n_leaves = int(leaf.sum())
    n_nodes = tree.node_count - n_leaves

    add("leaves", n_leaves)
    add("nodes", n_nodes)
    add("nodes_per_attr", n_nodes / N.shape[1])
    add("nodes_per_inst", n_nodes / data.n_samples)
    no_split = "the tree is a single leaf (constant target or attributes)"
    add("nodes_per_level", np.unique(depths[~leaf], return_counts=True)[1], no_split)
    add(
        "nodes_repeated",
        np.unique(tree.feature[~leaf], return_counts=True)[1],
        no_split,
    )
    add("tree_depth", depths)
    add("leaves_branch", leaf_depths)
    add("leaves_corrob", tree.n_node_samples[leaf] / tree.n_node_samples[0])
    arrival = np.power(2.0, -leaf_depths)
    tree_shape = -arrival * np.log2(arrival)
    add("tree_shape", tree_shape)
    add(
        "leaves_homo",
        np.divide(
            n_leaves,
            tree_shape,
            out=np.full_like(tree_shape, np.nan),
            where=tree_shape > 0,
        ),
        no_split,
    )
    levels, counts = np.unique(arrival, return_counts=True)
    imbalance = np.power(2.0, -levels * counts)
    add("tree_imbalance", -imbalance * np.log2(imbalance))
    add("var_importance", model.feature_importances_)
    if classification:
        leaf_class = np.argmax(tree.value[leaf, 0], axis=1)
        add("leaves_per_class", np.unique(leaf_class, return_counts=True)[1] / n_leaves)
    else:
        add(
            "leaves_per_class",
            np.empty(0),
            "the target is continuous (regression), it has no classes",
        )
