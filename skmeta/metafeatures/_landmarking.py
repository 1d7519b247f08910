"""Landmarking meta-features: 10-fold scores of fast, simple models.

The names and definitions of pymfe's ``landmarking`` group (Pfahringer et al.
2000; Rivolli et al. 2022): unshuffled stratified 10-fold cross-validation
(plain 10-fold for a regression target), accuracy (R^2 for regression), one
value per fold, of

- ``best_node``: a decision stump; ``random_node``: a stump on one attribute
  drawn at random; ``worst_node`` and ``elite_nn``: a stump and a 1-nearest
  neighbour on the least and the most important attribute of a full decision
  tree fitted on the training folds;
- ``linear_discr``: linear discriminant analysis (least-squares linear
  regression for a regression target); ``naive_bayes``: Gaussian naive Bayes
  (undefined for regression); ``one_nn``: 1-nearest neighbour.

The models, folds and seeds are pymfe's, so with an integer ``random_state``
the values are equal. For ``one_nn``, pymfe queries a k-d tree fold by fold,
which in 50 dimensions costs about as much as brute force, ten times; skmeta
finds each point's nearest neighbours once, by brute force, takes the first
one outside the point's fold, and falls back on pymfe's k-d tree only for the
points with tied candidates, so that ties are broken as pymfe breaks them.

On more than ``max_samples`` rows, the landmarkers are computed on a stratified,
seeded subsample of ``max_samples`` rows (Fuernkranz and Petrak 2001): the ten
full trees that rank the attributes and the 1-NN cost more than linear time.
These values are then approximations.
"""

import warnings

import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LinearRegression
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestNeighbors,
)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

N_FOLDS = 10
# Neighbours looked up per point for the cross-validated 1-NN: the nearest one
# outside the point's fold is among them unless all of them share its fold.
_N_NEIGHBOURS = 20
_LANDMARKERS = (
    "best_node",
    "random_node",
    "worst_node",
    "elite_nn",
    "linear_discr",
    "naive_bayes",
    "one_nn",
)


def subsample(y, max_samples, seed, stratify):
    """Sorted indices of a seeded subsample of at most ``max_samples`` rows.

    Stratified on the classes when ``stratify``; every row when there are at
    most ``max_samples``.
    """
    n_samples = y.shape[0]
    indices = np.arange(n_samples)
    if n_samples <= max_samples:
        return indices
    if not stratify:
        return np.sort(
            np.random.RandomState(seed).choice(n_samples, max_samples, replace=False)
        )
    # train_test_split cannot stratify a class with a single member: such rows
    # are kept and the others are stratified.
    rare = np.bincount(y)[y] < 2
    kept, _ = train_test_split(
        indices[~rare],
        train_size=max_samples - int(rare.sum()),
        stratify=y[~rare],
        random_state=seed,
    )
    return np.sort(np.concatenate([indices[rare], kept]))


def _cross_nearest_neighbour(N, folds, n_jobs):
    """Index of each row's nearest neighbour among the rows outside its fold.

    One brute-force search over all rows finds each row's nearest neighbours;
    the first one outside the row's fold is its 1-NN in cross-validation. Where
    that is not conclusive (all candidates share the row's fold, or another
    candidate is at the same distance), the row is looked up as pymfe does, in
    a k-d tree of its training folds, so that ties are broken identically.
    """
    n_samples = N.shape[0]
    fold_of = np.empty(n_samples, dtype=np.intp)
    for k, (_, test) in enumerate(folds):
        fold_of[test] = k
    n_neighbours = min(_N_NEIGHBOURS, n_samples)
    distances, neighbours = (
        NearestNeighbors(n_neighbors=n_neighbours, algorithm="brute", n_jobs=n_jobs)
        .fit(N)
        .kneighbors(N)
    )
    outside = fold_of[neighbours] != fold_of[:, None]
    first = np.argmax(outside, axis=1)
    rows = np.arange(n_samples)
    nearest = neighbours[rows, first]
    # Brute-force distances are rounded differently from the k-d tree's:
    # anything this close counts as a tie.
    tie = np.isclose(distances, distances[rows, first][:, None], rtol=1e-9, atol=0)
    unresolved = (
        ~outside.any(axis=1)
        | (np.sum(tie & outside, axis=1) > 1)
        | (tie[:, -1] & (n_neighbours < n_samples))
    )
    for train, test in folds:
        redo = test[unresolved[test]]
        if redo.size:
            tree = NearestNeighbors(n_neighbors=1, algorithm="kd_tree").fit(N[train])
            nearest[redo] = train[tree.kneighbors(N[redo], return_distance=False)[:, 0]]
    return nearest


def _fold_score(model, X_train, y_train, X_test, y_test, score):
    model.fit(X_train, y_train)
    return score(y_test, model.predict(X_test))


def landmarking_features(data, add):
    """Add the landmarking meta-features of ``data`` through ``add(name, value)``."""
    classification = data.task == "classification"
    rows = subsample(
        data.y if classification else np.zeros(data.n_samples, dtype=np.intp),
        data.max_samples,
        data.seed,
        stratify=classification,
    )
    N, y = data.numeric[rows], data.y[rows]
    if N.shape[0] < N_FOLDS or N.shape[1] == 0:
        reason = f"{N_FOLDS}-fold cross-validation needs {N_FOLDS} samples"
        for name in _LANDMARKERS:
            add(name, np.empty(0), reason)
        return
    seed = data.seed
    if classification:
        splitter = StratifiedKFold(N_FOLDS)
        stump = DecisionTreeClassifier(max_depth=1, random_state=seed)
        tree = DecisionTreeClassifier(random_state=seed)
        neighbour = KNeighborsClassifier(n_neighbors=1)
        models = {
            "linear_discr": LinearDiscriminantAnalysis(),
            "naive_bayes": GaussianNB(),
        }
        score = accuracy_score
    else:
        splitter = KFold(N_FOLDS)
        stump = DecisionTreeRegressor(max_depth=1, random_state=seed)
        tree = DecisionTreeRegressor(random_state=seed)
        neighbour = KNeighborsRegressor(n_neighbors=1)
        models = {"linear_discr": LinearRegression()}
        score = r2_score
        add(
            "naive_bayes",
            np.empty(0),
            "naive Bayes needs classes, the target is continuous",
        )
    try:
        with warnings.catch_warnings():
            # A class with fewer than 10 members is spread over fewer folds, as
            # in pymfe; the warning says nothing the user can act on.
            warnings.filterwarnings("ignore", message="The least populated class")
            folds = list(splitter.split(N, y))
    except ValueError as exc:
        # Every class has fewer members than folds.
        for name in _LANDMARKERS:
            add(name, np.empty(0), f"no {N_FOLDS}-fold cross-validation: {exc}")
        return

    random_attribute = int(
        np.random.RandomState(seed).randint(0, N.shape[1], size=1)[0]
    )
    scores = {name: np.full(N_FOLDS, np.nan) for name in _LANDMARKERS}
    reasons = {}
    nearest = _cross_nearest_neighbour(N, folds, data.n_jobs)
    for k, (train, test) in enumerate(folds):
        N_train, N_test, y_train, y_test = N[train], N[test], y[train], y[test]
        scores["one_nn"][k] = score(y_test, y[nearest[test]])
        ranking = np.argsort(tree.fit(N_train, y_train).feature_importances_)
        single = {
            "best_node": (stump, slice(None)),
            "random_node": (stump, [random_attribute]),
            "worst_node": (stump, [ranking[0]]),
            "elite_nn": (neighbour, [ranking[-1]]),
        }
        for name, (model, columns) in single.items():
            scores[name][k] = _fold_score(
                model, N_train[:, columns], y_train, N_test[:, columns], y_test, score
            )
        for name, model in models.items():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    scores[name][k] = _fold_score(
                        model, N_train, y_train, N_test, y_test, score
                    )
            # LinearDiscriminantAnalysis raises IndexError, not ValueError, when
            # the within-class scaled data has rank 0 (scikit-learn 1.9).
            except (ValueError, IndexError, np.linalg.LinAlgError) as exc:
                reasons[name] = f"{type(model).__name__} could not be fitted: {exc}"
    for name in _LANDMARKERS:
        if classification or name != "naive_bayes":
            add(name, scores[name], reasons.get(name, "a fold's score is undefined"))
