"""
==========================================
Hyperband search with continued training
==========================================

:class:`~skmeta.HyperbandSearchCV` replaces
:class:`~sklearn.model_selection.RandomizedSearchCV`: it samples many configurations,
trains them briefly, and keeps training only the promising ones. Here the budget is
the number of passes of ``partial_fit`` of an
:class:`~sklearn.linear_model.SGDClassifier`, so the survivors of a rung *continue*
from their state instead of starting over.
"""

# %%
# The data and the search space
# -----------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import loguniform, uniform
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmeta import HyperbandSearchCV

X, y = make_classification(
    n_samples=2000, n_features=30, n_informative=10, flip_y=0.05, random_state=0
)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

space = {
    "alpha": loguniform(1e-6, 1e-1),
    "l1_ratio": uniform(0, 1),
    "penalty": ["l2", "elasticnet"],
}
search = HyperbandSearchCV(
    SGDClassifier(loss="log_loss", random_state=0),
    space,
    resource="partial_fit",
    max_resources=27,
    cv=2,
    random_state=0,
)

# %%
# The plan, before any training
# -----------------------------
# Four brackets, from 27 configurations starting with one pass each to 4
# configurations trained for the full 27 passes. ``total_resources`` counts the
# passes per fold; continued rungs cost only their increment.
pd.DataFrame(search.get_plan())

# %%
# Fit, and count the training
# ---------------------------
# Hyperband evaluated 49 configurations. Trained for 27 passes each, as
# :class:`~sklearn.model_selection.RandomizedSearchCV` would, they cost
# ``49 * 27 = 1323`` passes per fold; Hyperband trains 357, because most
# configurations stop after one or three passes and survivors only add the
# missing ones. (``benchmarks/bench_hyperband.py`` measures the wall time: on
# small data the fixed cost of each ``partial_fit`` call eats part of the gain.)
search.fit(X_train, y_train)
results = search.cv_results_
n_configurations = len(np.unique(results["config_id"]))
pd.Series(
    {
        "configurations": n_configurations,
        "passes at full budget for all": n_configurations * search.max_resources_,
        "passes Hyperband trained": results["n_resources_trained"].sum(),
        "best CV accuracy": round(search.best_score_, 3),
        "test accuracy": round(search.score(X_test, y_test), 3),
    }
)

# %%
# One row per evaluation
# ----------------------
# ``cv_results_`` has a row for each (configuration, rung), with the bracket, the
# rung, the budget and what was really trained for it. The best configuration is
# chosen among the rows at the full budget, and ranked first.
results = pd.DataFrame(search.cv_results_)
columns = ["config_id", "bracket", "iter", "n_resources", "n_resources_trained"]
results[columns + ["mean_test_score", "rank_test_score"]].sort_values(
    "rank_test_score"
).head(8)

# %%
# Learning curves
# ---------------
# Each line is a configuration; most stop after one rung, the best climb to 27.
fig, ax = plt.subplots(figsize=(6, 4))
colors = plt.cm.viridis(np.linspace(0, 0.9, len(search.n_resources_)))
brackets = results.groupby("config_id")["bracket"].first()
s_max = brackets.max()
for config_id, (budgets, scores) in search.learning_curves().items():
    ax.plot(
        budgets,
        scores,
        marker="o",
        color=colors[s_max - brackets[config_id]],
        alpha=0.6,
    )
ax.set_xscale("log")
ax.set_xlabel("passes of partial_fit")
ax.set_ylabel("mean CV accuracy")
ax.set_title("Hyperband: configurations promoted rung by rung")
plt.show()
