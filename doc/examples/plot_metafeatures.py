"""
=====================================
Describing datasets by meta-features
=====================================

:class:`~skmeta.MetaFeatureExtractor` describes a whole dataset by numbers — its size,
the shape of its attributes, how much its attributes tell about the class, how well
cheap models do on it — and each sample by how hard it is relative to the rest.
"""

# %%
# Dataset-level meta-features
# ---------------------------
# ``fit`` computes the meta-features of ``(X, y)`` into ``meta_features_``, a pandas
# Series named as pymfe names them, so values compare key by key with the literature.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_iris, load_wine

from skmeta import MetaFeatureExtractor

datasets = {
    "iris": load_iris(return_X_y=True),
    "wine": load_wine(return_X_y=True),
    "breast_cancer": load_breast_cancer(return_X_y=True),
}
table = pd.DataFrame(
    {
        name: MetaFeatureExtractor(random_state=0).extract(X, y)
        for name, (X, y) in datasets.items()
    }
)
table.loc[
    [
        "nr_inst",
        "nr_attr",
        "nr_class",
        "skewness.mean",
        "attr_ent.mean",
        "one_nn.mean",
        "best_node.mean",
    ]
]

# %%
# A NaN value is a measure that is undefined on the dataset; the reason is kept.
mfe = MetaFeatureExtractor(random_state=0).fit(*datasets["iris"])
mfe.undefined_reasons_

# %%
# Instance-level meta-features
# ----------------------------
# ``transform`` returns one row per sample: how hard that sample is relative to the
# fitted dataset (for example the disagreement among its nearest neighbours'
# labels). With ``set_output`` the result is a DataFrame.
X, y = load_wine(return_X_y=True, as_frame=True)
hardness = (
    MetaFeatureExtractor(groups="general", random_state=0)
    .set_output(transform="pandas")
    .fit_transform(X, y)
)
hardness.describe().T

# %%
# The hardest samples sit where the classes overlap.
column = "knn_disagreement"
fig, ax = plt.subplots(figsize=(5, 4))
scatter = ax.scatter(
    X["alcohol"], X["color_intensity"], c=hardness[column], cmap="viridis", s=18
)
ax.set_xlabel("alcohol")
ax.set_ylabel("color_intensity")
fig.colorbar(scatter, label=column)
ax.set_title("Instance hardness on the wine dataset")
plt.tight_layout()
