"""General meta-features: sizes, attribute types, classes and missing values.

The names and definitions of pymfe's ``general`` group (Castiello et al. 2005;
Rivolli et al. 2022), followed by auto-sklearn's missing-value counts (Feurer
et al. 2015) under self-explaining names, and, for a regression target, its
moments in place of the class frequencies.
"""

import numpy as np

from ._summary import kurtosis, skewness


def general_features(data, add):
    """Add the general meta-features of ``data`` through ``add(name, value)``."""
    n_samples, n_attr = data.n_samples, data.n_attributes
    n_cat = data.n_categorical
    add("nr_inst", n_samples)
    add("nr_attr", n_attr)
    add("attr_to_inst", n_attr / n_samples)
    add("inst_to_attr", n_samples / n_attr)
    add("nr_cat", n_cat)
    add("nr_num", n_attr - n_cat)
    add(
        "cat_to_num",
        n_cat / (n_attr - n_cat) if n_cat < n_attr else np.nan,
        "there is no numeric attribute",
    )
    add(
        "num_to_cat",
        (n_attr - n_cat) / n_cat if n_cat else np.nan,
        "there is no categorical attribute",
    )
    add("nr_bin", int(np.sum(data.n_distinct == 2)))

    missing = data.missing
    add("nr_missing_values", int(missing.sum()))
    add("pct_missing_values", missing.mean())
    add("nr_inst_with_missing", int(missing.any(axis=1).sum()))
    add("pct_inst_with_missing", missing.any(axis=1).mean())
    add("nr_attr_with_missing", int(missing.any(axis=0).sum()))
    add("pct_attr_with_missing", missing.any(axis=0).mean())

    if data.task is None:
        return
    if data.task == "classification":
        add("nr_class", data.class_counts.size)
        add("freq_class", data.class_counts / n_samples)
    else:
        not_classes = "the target is continuous (regression), it has no classes"
        add("nr_class", np.nan, not_classes)
        add("freq_class", np.empty(0), not_classes)
        y = data.y
        add("target_mean", y.mean())
        add(
            "target_sd",
            y.std(ddof=1) if n_samples > 1 else np.nan,
            "one sample has no standard deviation",
        )
        constant = "the target is constant"
        add("target_skewness", skewness(y), constant)
        add("target_kurtosis", kurtosis(y), constant)
