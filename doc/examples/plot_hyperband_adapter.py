"""
==================================================
A resource adapter for your own training loop
==================================================

Models trained by a hand-written loop — PyTorch, JAX, Keras, or plain NumPy as
here — join :class:`~skmeta.HyperbandSearchCV` through a
:class:`~skmeta.model_selection.ResourceAdapter`. The adapter says how to train the
model on a budget, here a number of epochs, and whether training can resume; the
search then continues the survivors of each rung instead of retraining them.

The model is a softmax regression trained by mini-batch gradient descent in NumPy,
wrapped as a scikit-learn classifier. A PyTorch module would be wrapped the same
way: ``initialize`` builds the module and optimiser, ``train_epochs`` runs the
loop, ``predict`` runs the forward pass. (skorch needs no adapter at all:
``resource="partial_fit"`` or ``resource="max_epochs"`` continue its networks.)
"""

# %%
# A classifier with its own training loop
# ---------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from skmeta import HyperbandSearchCV
from skmeta.model_selection import ResourceAdapter


class NumpySoftmax(ClassifierMixin, BaseEstimator):
    """Softmax regression trained by mini-batch SGD, epoch by epoch."""

    def __init__(self, learning_rate=0.1, l2=1e-4, batch_size=32, random_state=0):
        self.learning_rate = learning_rate
        self.l2 = l2
        self.batch_size = batch_size
        self.random_state = random_state

    def initialize(self, X, y):
        X, y = validate_data(self, X, y)
        self.classes_ = np.unique(y)
        self.coef_ = np.zeros((X.shape[1], len(self.classes_)))
        self.intercept_ = np.zeros(len(self.classes_))
        self.n_epochs_ = 0
        self._rng = check_random_state(self.random_state)
        return self

    def train_epochs(self, X, y, n_epochs):
        X, y = validate_data(self, X, y, reset=False)
        targets = (y[:, None] == self.classes_).astype(float)
        for _ in range(n_epochs):
            order = self._rng.permutation(len(X))
            for start in range(0, len(X), self.batch_size):
                batch = order[start : start + self.batch_size]
                error = self._proba(X[batch]) - targets[batch]
                grad = X[batch].T @ error / len(batch) + self.l2 * self.coef_
                self.coef_ -= self.learning_rate * grad
                self.intercept_ -= self.learning_rate * error.mean(axis=0)
            self.n_epochs_ += 1
        return self

    def fit(self, X, y):
        # A plain fit trains 10 epochs from scratch; the search uses the adapter.
        return self.initialize(X, y).train_epochs(X, y, 10)

    def _proba(self, X):
        logits = X @ self.coef_ + self.intercept_
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_proba(self, X):
        check_is_fitted(self)
        return self._proba(validate_data(self, X, reset=False))

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


# %%
# The adapter
# -----------
# ``fit`` receives either a fresh clone (``n_resources_done == 0``) or the model
# this configuration reached at the previous rung, and trains only the missing
# epochs. ``supports_continuation`` tells the search to hand the model back.
class EpochAdapter(ResourceAdapter):
    """The budget is the number of epochs of ``train_epochs``."""

    def supports_continuation(self, estimator):
        return True

    def fit(self, estimator, X, y, *, n_resources, n_resources_done=0, **fit_params):
        if n_resources_done == 0:
            estimator.initialize(X, y)
        return estimator.train_epochs(X, y, n_resources - n_resources_done)


# %%
# Search
# ------
X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

search = HyperbandSearchCV(
    NumpySoftmax(),
    {"learning_rate": loguniform(1e-4, 1e0), "l2": loguniform(1e-6, 1e-1)},
    resource=EpochAdapter(),
    max_resources=9,
    cv=3,
    random_state=0,
).fit(X_train, y_train)

print("best:", search.best_params_)
print(f"CV accuracy {search.best_score_:.3f}, test {search.score(X_test, y_test):.3f}")
print("epochs of the refit model:", search.best_estimator_.n_epochs_)

# %%
# Every continued evaluation trained only its increment: the epochs the search
# really spent are far fewer than the budgets it evaluated at.
results = search.cv_results_
print("epochs evaluated at:", results["n_resources"].sum())
print("epochs trained:     ", results["n_resources_trained"].sum())

# %%
# Learning rate against accuracy at each budget: small budgets already separate
# hopeless learning rates from good ones.
fig, ax = plt.subplots(figsize=(6, 4))
for budget in np.unique(results["n_resources"]):
    rows = results["n_resources"] == budget
    ax.scatter(
        results["param_learning_rate"][rows].astype(float),
        results["mean_test_score"][rows],
        label=f"{budget} epochs",
    )
ax.set_xscale("log")
ax.set_xlabel("learning rate")
ax.set_ylabel("mean CV accuracy")
ax.legend()
plt.show()
