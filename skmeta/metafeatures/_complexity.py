"""Data complexity meta-features (Ho & Basu 2002; Lorena et al. 2019).

The measures reproduce the definitions of pymfe 0.4.4 (``MFEComplexity``), with
the same rescaling and the same distance (Gower's, which on numeric data is the
Manhattan distance of min-max scaled attributes divided by the number of
attributes, stored in single precision), so that values agree key by key.

Measures built on pairwise distances (n1, n2, n3, n4, t1, lsc, density,
cls_coef, hubs) and the linear SVM ones (l1, l2, l3) are computed on a
stratified, seeded subsample of at most ``max_samples`` rows, so their cost is
bounded whatever the size of the dataset (memory ``O(max_samples ** 2)``);
when the dataset is not larger than ``max_samples`` they are exact. The other
measures always use every row.

For a regression target, the regression complexity measures of Lorena et al.
(2018) take the place of the class-based ones, under their own names.
"""

import numbers
import warnings
from itertools import combinations

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.csgraph
import scipy.sparse.linalg
import scipy.stats
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import NearestNeighbors, kneighbors_graph
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils import check_random_state

#: Names returned by :func:`complexity_features`, in pymfe's order.
COMPLEXITY_FEATURES = (
    "c1",
    "c2",
    "cls_coef",
    "density",
    "f1",
    "f1v",
    "f2",
    "f3",
    "f4",
    "hubs",
    "l1",
    "l2",
    "l3",
    "lsc",
    "n1",
    "n2",
    "n3",
    "n4",
    "t1",
    "t2",
    "t3",
    "t4",
)

_UNSUPERVISED = ("t2", "t3", "t4")

#: Regression complexity measures (Lorena et al. 2018), by their codes there:
#: C1, C2, L1, L2, L3, S1, S2, S3, S4.
REGRESSION_COMPLEXITY_FEATURES = (
    "target_corr_max",
    "target_corr_mean",
    "linear_mae",
    "linear_mse",
    "linear_interp_mse",
    "mst_target_diff",
    "target_order_input_dist",
    "nn_loo_mse",
    "nn_interp_mse",
)

# Memory, in float64 entries, that one chunk of a distance computation may use.
_CHUNK_ENTRIES = 2**22

# Why an element of these measures can be NaN (a 0 / 0, as in pymfe).
_NAN_CAUSES = {
    "f1": "an attribute is constant within every class",
    "f1v": "a pair of classes has no within-class scatter (or a class has one row)",
    "f2": "an attribute is constant over a pair of classes",
    "n2": "a row coincides with rows of its own and of another class",
}

# Largest number of rows for which n1 uses pymfe's Kruskal algorithm.
_KRUSKAL_MAX_ROWS = 2000


def _is_classification(y):
    return y is not None and (
        np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)
    )


def _pymfe_seed(random_state):
    """Integer seed used where pymfe seeds NumPy's legacy generator.

    An integer is passed through unchanged so that values equal pymfe's with
    the same ``random_state``; otherwise a seed is drawn from the generator.
    """
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _subsample(n_samples, y, max_samples, random_state):
    """Sorted indices of a seeded subsample of at most max_samples rows.

    Stratified by class for a classification target (every class keeps at
    least one row when max_samples allows), uniform otherwise; all rows when
    max_samples is None or not smaller than n_samples.
    """
    if max_samples is None or n_samples <= max_samples:
        return np.arange(n_samples)
    rng = check_random_state(random_state)
    if not _is_classification(y):
        return np.sort(rng.choice(n_samples, size=max_samples, replace=False))
    classes, counts = np.unique(y, return_counts=True)
    # Largest-remainder allocation keeps the class proportions; every class
    # keeps at least one row (when there is room) so that no class vanishes.
    quota = counts * (max_samples / n_samples)
    alloc = np.floor(quota).astype(int)
    if max_samples >= classes.size:
        alloc = np.maximum(alloc, 1)
    order = np.argsort(-(quota - np.floor(quota)), kind="stable")
    for i in order:
        if alloc.sum() >= max_samples:
            break
        if alloc[i] < counts[i]:
            alloc[i] += 1
    while alloc.sum() > max_samples:
        alloc[np.argmax(alloc)] -= 1
    chosen = [
        rng.choice(np.flatnonzero(y == c), size=a, replace=False)
        for c, a in zip(classes, alloc, strict=True)
    ]
    return np.sort(np.concatenate(chosen))


def gower_fit(reference):
    """Scaling that turns Manhattan distances into pymfe's Gower distances.

    pymfe min-max scales the attributes unless every column already spans
    [0, 1] (``MFEComplexity._scale_N``), then the ``gower`` package divides each
    column by its single-precision maximum and each difference by the column's
    range ``|1 - min / max|`` (a column of null range adds nothing).

    Parameters
    ----------
    reference : ndarray of shape (n_samples, n_features)
        Data that defines the scaling.

    Returns
    -------
    scaling : tuple
        A fitted MinMaxScaler (or None) and a factor per column, for
        :func:`gower_transform`.
    """
    scaler = None
    if not (
        np.allclose(1.0, reference.max(axis=0))
        and np.allclose(0.0, reference.min(axis=0))
    ):
        scaler = MinMaxScaler().fit(reference)
        reference = scaler.transform(reference)
    # The gower package works out maxima and ranges in single precision.
    g_max = reference.max(axis=0).astype(np.float32)
    g_min = reference.min(axis=0).astype(np.float32)
    usable = g_max != 0
    g_range = np.zeros(g_max.shape, dtype=np.float32)
    g_range[usable] = np.abs(np.float32(1) - g_min[usable] / g_max[usable])
    usable &= g_range != 0
    factor = np.zeros(g_max.shape)
    factor[usable] = 1.0 / (g_max[usable].astype(float) * g_range[usable])
    return scaler, factor


def gower_transform(X, scaling):
    """Apply a :func:`gower_fit` scaling: ``cityblock(a, b) / n_features`` of
    transformed rows is their Gower distance."""
    scaler, factor = scaling
    if scaler is not None:
        X = scaler.transform(X)
    return X * factor


def gower_distance_matrix(X_gower):
    """Single-precision Gower distance matrix of rows given by gower_transform.

    Only ever called on at most ``max_samples`` rows.
    """
    n, p = X_gower.shape
    dist = np.empty((n, n), dtype=np.float32)
    step = max(1, _CHUNK_ENTRIES // max(n, 1))
    for start in range(0, n, step):
        block = cdist(X_gower[start : start + step], X_gower, metric="cityblock")
        dist[start : start + step] = block / p
    return dist


def _minimum_spanning_tree(dist):
    """Edges (two index arrays) of a minimum spanning tree of a distance matrix.

    As in pymfe, a zero distance (duplicate rows) is no edge. When distances
    tie the tree is not unique and n1 depends on the one chosen: up to
    ``_KRUSKAL_MAX_ROWS`` rows this uses scipy's Kruskal on the upper triangle,
    exactly as pymfe does (so ties resolve as in pymfe on the same platform);
    above, Kruskal's sort of n**2 / 2 edges costs seconds, and Prim's
    algorithm (ties to the lowest index) takes O(n**2) time and O(n) memory.
    """
    n = dist.shape[0]
    if n <= _KRUSKAL_MAX_ROWS:
        tree = scipy.sparse.csgraph.minimum_spanning_tree(np.triu(dist, k=1))
        return tree.nonzero()
    in_tree = np.zeros(n, dtype=bool)
    best = np.full(n, np.inf)
    parent = np.full(n, -1)
    heads, tails = [], []
    current = 0
    in_tree[0] = True
    for _ in range(n - 1):
        weight = dist[current].astype(float)
        weight[weight == 0] = np.inf
        closer = ~in_tree & (weight < best)
        best[closer] = weight[closer]
        parent[closer] = current
        best[in_tree] = np.inf
        current = int(np.argmin(best))
        # An infinite best means another connected component (rows that are
        # all duplicates of each other): it starts a new tree without an edge.
        if np.isfinite(best[current]):
            heads.append(parent[current])
            tails.append(current)
        in_tree[current] = True
        best[current] = np.inf
    return np.array(heads, dtype=int), np.array(tails, dtype=int)


def _nearest_enemies(dist, y):
    """Distance to, and index of, each row's nearest row of another class.

    Ties go to the lowest index, as in pymfe.
    """
    n = y.size
    enemy_dist = np.full(n, np.inf)
    enemy_ind = np.full(n, -1)
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        enemies = np.flatnonzero(y != c)
        sub = dist[np.ix_(enemies, members)]
        pos = np.argmin(sub, axis=0)
        enemy_ind[members] = enemies[pos]
        enemy_dist[members] = sub[pos, np.arange(members.size)]
    return enemy_dist, enemy_ind


def _hypersphere_radii(enemy_ind, enemy_dist):
    """Radii of the t1 hyperspheres (pymfe's recursion, written as a loop).

    A pair of mutual nearest enemies shares half their distance; otherwise a
    radius is the distance to the nearest enemy minus the enemy's radius.
    """
    radius = np.full(enemy_ind.size, -1.0)
    for start in range(enemy_ind.size):
        path = []
        cur = start
        while radius[cur] < 0.0:
            enemy = enemy_ind[cur]
            if enemy_ind[enemy] == cur:
                radius[cur] = radius[enemy] = 0.5 * enemy_dist[cur]
                break
            # Marking the row before following its enemy stops cycles, as the
            # recursion does.
            radius[cur] = 0.0
            path.append(cur)
            cur = enemy
        value = radius[cur]
        for node in reversed(path):
            radius[node] = abs(enemy_dist[node] - value)
            value = radius[node]
    return radius


def _interpolate(X, groups, rng):
    """Random points on segments between pairs of rows of one group.

    Groups are visited in increasing order and the generator is drawn exactly
    as pymfe draws NumPy's global one, so a seed gives pymfe's points.

    Returns
    -------
    X_new : ndarray of shape (n_samples, n_features)
        The new points, group by group.
    source : ndarray of shape (n_samples,)
        The group of each new point.
    """
    X_new = np.zeros_like(X)
    source = np.zeros_like(groups)
    pos = 0
    for g in np.unique(groups):
        rows = X[groups == g]
        size = rows.shape[0]
        a = rows[rng.choice(size, size)]
        b = rows[rng.choice(size, size)]
        X_new[pos : pos + size] = a + (b - a) * rng.random_sample(rows.shape)
        source[pos : pos + size] = g
        pos += size
    return X_new, source


def _feature_based(X, y, pairs, counts, values):
    """f1, f1v, f2, f3 and f4 (attribute overlap), on all rows."""
    classes = np.unique(y)
    members = [y == c for c in classes]
    centroids = np.array([X[m].mean(axis=0) for m in members])
    numer = np.sum(np.square(centroids - X.mean(axis=0)).T * counts, axis=1)
    denom = np.sum(
        [np.square(X[m] - centroids[i]).sum(axis=0) for i, m in enumerate(members)],
        axis=0,
    )
    values["f1"] = 1.0 / (1.0 + numer / denom)

    # A class of one row has no covariance (NaN), which makes f1v NaN.
    scatter = [
        np.atleast_2d(np.cov(X[m], rowvar=False, ddof=1))
        if m.sum() > 1
        else np.full((X.shape[1], X.shape[1]), np.nan)
        for m in members
    ]
    f1v, f2, f3, f4 = (np.zeros(len(pairs)) for _ in range(4))
    for k, (i, j) in enumerate(pairs):
        diff = (centroids[i] - centroids[j]).reshape(-1, 1)
        within = (counts[i] * scatter[i] + counts[j] * scatter[j]) / (
            counts[i] + counts[j]
        )
        if np.isfinite(within).all():
            direction = scipy.linalg.pinv(within) @ diff
            between = np.float64((direction.T @ diff).item() ** 2)
            f1v[k] = 1.0 / (1.0 + between / (direction.T @ within @ direction).item())
        else:
            f1v[k] = np.nan

        Xi, Xj = X[members[i]], X[members[j]]
        max_i, max_j = Xi.max(axis=0), Xj.max(axis=0)
        min_i, min_j = Xi.min(axis=0), Xj.min(axis=0)
        overlap_hi = np.minimum(max_i, max_j)
        overlap_lo = np.maximum(min_i, min_j)
        width = np.maximum(max_i, max_j) - np.minimum(min_i, min_j)
        f2[k] = np.prod(np.maximum(0.0, overlap_hi - overlap_lo) / width)

        both = np.vstack((Xi, Xj))
        inside = (both >= overlap_lo) & (both <= overlap_hi)
        f3[k] = inside.sum(axis=0).min() / (counts[i] + counts[j])
        f4[k] = _f4_pair(X, members[i], members[j]) / (counts[i] + counts[j])
    values.update(f1v=f1v, f2=f2, f3=f3, f4=f4)


def _f4_pair(X, in_i, in_j):
    """Rows left after repeatedly discarding those outside the overlap region
    of the most discriminant remaining attribute (the one with the fewest
    rows in its overlap region)."""
    keep = in_i | in_j
    sub = X[keep]
    is_i, is_j = in_i[keep], in_j[keep]
    attrs = np.arange(X.shape[1])
    while attrs.size and sub.shape[0]:
        view = sub[:, attrs]
        if is_i.any() and is_j.any():
            hi = np.minimum(view[is_i].max(axis=0), view[is_j].max(axis=0))
            lo = np.maximum(view[is_i].min(axis=0), view[is_j].min(axis=0))
            inside = (view >= lo) & (view <= hi)
        else:
            # The overlap of an empty class is empty (pymfe: +inf / -inf bounds).
            inside = np.zeros(view.shape, dtype=bool)
        best = int(np.argmin(inside.sum(axis=0)))
        rows = inside[:, best]
        if rows.all():
            # The best attribute overlaps everywhere, so every attribute does:
            # no later step can discard a row.
            break
        sub, is_i, is_j = sub[rows], is_i[rows], is_j[rows]
        attrs = np.delete(attrs, best)
    return sub.shape[0]


def _linear(X, y, pairs, counts, seed, values):
    """l1, l2, l3: a linear SVM separating each pair of classes.

    pymfe's pipeline (standard scaling, then a hinge-loss LinearSVC), with the
    predictions taken from the margins directly: with many classes the
    pipeline's input validation, not the solver, dominated the time.
    """
    scaler = StandardScaler()
    svc = LinearSVC(loss="hinge", C=2.0, tol=1e-2, max_iter=100_000, random_state=seed)

    def margin(Z):
        # LinearSVC.decision_function's expression; the positive class is True.
        return (Z @ svc.coef_.T + svc.intercept_).ravel()

    l1, l2, l3 = (np.zeros(len(pairs)) for _ in range(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k, (i, j) in enumerate(pairs):
            rows = (y == i) | (y == j)
            X_pair, target = X[rows], y[rows] == i
            Z = scaler.fit_transform(X_pair)
            svc.fit(Z, target)
            scores = margin(Z)
            wrong = (scores > 0) != target
            l1[k] = np.abs(scores[wrong]).sum() / (counts[i] + counts[j])
            l2[k] = wrong.mean()
            # pymfe reseeds the interpolation with seed + 1, seed + 2, ...
            rng = np.random.RandomState(seed + k + 1)
            X_new, source = _interpolate(X_pair, y[rows], rng)
            l3[k] = np.mean((margin(scaler.transform(X_new)) > 0) != (source == i))
    values.update(l1=1.0 - 1.0 / (1.0 + l1), l2=l2, l3=l3)


def _neighbourhood(X, y, seed, values):
    """n1-n4, t1, lsc and the graph measures on (a subsample of) the rows."""
    X_g = gower_transform(X, gower_fit(X))
    dist = gower_distance_matrix(X_g)
    n = y.size

    a, b = _minimum_spanning_tree(dist)
    border = np.unique(np.concatenate([a[y[a] != y[b]], b[y[a] != y[b]]]))
    values["n1"] = border.size / n

    # n2 keeps pymfe's order (by class, then by row) and its single-precision
    # ratio.
    n2 = []
    for c in np.unique(y):
        members = y == c
        intra = dist[np.ix_(members, members)]
        np.fill_diagonal(intra, np.inf)
        extra = dist[np.ix_(~members, members)]
        with np.errstate(divide="ignore", invalid="ignore"):
            n2.append(intra.min(axis=0) / extra.min(axis=0))
    ratio = np.concatenate(n2).astype(float)
    values["n2"] = 1.0 - 1.0 / (1.0 + ratio)

    nearest = NearestNeighbors(n_neighbors=1, metric="precomputed").fit(dist)
    values["n3"] = (y[nearest.kneighbors(return_distance=False)[:, 0]] != y).astype(int)

    # pymfe 0.4.4 gets these distances from gower.gower_matrix, which mirrors
    # its upper triangle whenever both inputs have the same number of rows
    # (always the case here); the correct distances are used instead.
    X_new, y_new = _interpolate(X_g, y, np.random.RandomState(seed))
    p = X.shape[1]
    step = max(1, _CHUNK_ENTRIES // n)
    to_new = np.concatenate(
        [
            nearest.kneighbors(
                (cdist(X_new[start : start + step], X_g, "cityblock") / p).astype(
                    np.float32
                ),
                return_distance=False,
            )[:, 0]
            for start in range(0, n, step)
        ]
    )
    values["n4"] = (y[to_new] != y_new).astype(int)

    enemy_dist, enemy_ind = _nearest_enemies(dist, y)
    radius = _hypersphere_radii(enemy_ind, enemy_dist)
    within = dist <= radius
    mass = within.sum(axis=0)
    count = np.ones(n, dtype=int)
    for i in np.argsort(-mass):
        if count[i] <= 0:
            continue
        inside = np.flatnonzero(within[:, i])
        total = int(count[inside].sum())
        count[inside] = 0
        count[i] = total
    del within
    values["t1"] = float(np.sum(count > 0) / n)

    values["lsc"] = float(1.0 - np.sum(dist < enemy_dist) / n**2)

    _graph(dist, y, values)


def _graph(dist, y, values):
    """density, cls_coef and hubs of pymfe's class-pure nearest-neighbour graph.

    pymfe links each row to its round(0.15 n) nearest rows, keeps the links
    between rows of one class, and builds an igraph graph in which links of
    zero length (duplicate rows) do not exist.
    """
    n = y.size
    n_neighbors = max(int(round(n * 0.15)), 1)
    knn = kneighbors_graph(
        dist, n_neighbors=n_neighbors, mode="distance", metric="precomputed"
    ).tocoo()
    keep = (y[knn.row] == y[knn.col]) & (knn.data != 0)
    adj = scipy.sparse.coo_matrix(
        (np.ones(keep.sum()), (knn.row[keep], knn.col[keep])), shape=(n, n)
    ).tocsr()
    adj = adj.maximum(adj.T).tocsr()
    degree = np.asarray(adj.sum(axis=1)).ravel()
    n_edges = degree.sum() / 2
    values["density"] = float(1.0 - 2.0 * n_edges / (n * (n - 1)))

    triples = np.sum(degree * (degree - 1))
    # Links only join rows of one class: the triangles are counted class by
    # class, on dense blocks (sum of n_c ** 3 rather than n ** 3 operations).
    closed = 0.0
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        block = adj[members][:, members].astype(np.float32).toarray()
        closed += float(np.sum((block @ block) * block, dtype=np.float64))
        del block
    values["cls_coef"] = 1.0 - (closed / triples if triples else 0.0)
    values["hubs"] = 1.0 - _eigenvector_centrality(adj)


def _eigenvector_centrality(adj):
    """Principal eigenvector of a symmetric adjacency matrix, scaled to max 1.

    This is what igraph's hub score is on an undirected graph. An edgeless
    graph gives ones, as igraph does.
    """
    n = adj.shape[0]
    if adj.nnz == 0:
        return np.ones(n)
    if n <= 2:
        vals, vecs = np.linalg.eigh(adj.toarray())
        vec = vecs[:, -1]
    else:
        degree = np.asarray(adj.sum(axis=1)).ravel()
        _, vecs = scipy.sparse.linalg.eigsh(
            adj.astype(float), k=1, which="LA", v0=degree + 1e-3
        )
        vec = vecs[:, 0]
    vec = np.abs(vec)
    return vec / vec.max()


def _pca_components(X, seed):
    pca = PCA(n_components=0.95, random_state=seed).fit(X)
    return pca.explained_variance_ratio_.shape[0]


def _classification_measures(X, y, max_samples, random_state, seed):
    """pymfe's class-based complexity measures; (values, reasons)."""
    values, reasons = {}, {}
    n, p = X.shape
    names = [name for name in COMPLEXITY_FEATURES if name not in _UNSUPERVISED]

    def undefined(reason, names=names):
        for name in names:
            values[name] = np.nan
            reasons[name] = reason
        return values, reasons

    if y is None:
        return undefined("needs a class target (y is None)")
    if not _is_classification(y):
        return undefined("defined for classification only")
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        return undefined("needs at least two classes")
    # Class codes 0..k-1 without gaps keep the pair indices aligned with pymfe's.
    y = np.searchsorted(classes, y)

    values["c1"] = float(
        -np.sum((counts / n) * np.log(counts / n)) / np.log(classes.size)
    )
    imbalance = (classes.size - 1) / classes.size * np.sum(counts / (n - counts))
    values["c2"] = float(1.0 - 1.0 / imbalance)
    if p == 0:
        names.remove("c1")
        names.remove("c2")
        return undefined("needs at least one attribute")

    pairs = list(combinations(range(classes.size), 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        _feature_based(X, y, pairs, counts, values)

    rows = _subsample(n, y, max_samples, random_state)
    if rows.size < n:
        # Stratified: each class keeps at least one row when max_samples
        # allows; a class with one row has no same-class neighbour, which the
        # measures below handle as pymfe does.
        X, y = X[rows], np.searchsorted(np.unique(y[rows]), y[rows])
        classes, counts = np.unique(y, return_counts=True)
        pairs = list(combinations(range(classes.size), 2))
    if classes.size < 2:
        return undefined(
            "needs at least two classes in the subsample",
            names=[
                "l1",
                "l2",
                "l3",
                "n1",
                "n2",
                "n3",
                "n4",
                "t1",
                "lsc",
                "density",
                "cls_coef",
                "hubs",
            ],
        )
    # The SVMs are on the subsample too: liblinear's iterations, not only
    # their cost, grow with the number of rows.
    _linear(X, y, pairs, counts, seed, values)
    _neighbourhood(X, y, seed, values)
    for name, cause in _NAN_CAUSES.items():
        if np.isnan(values[name]).any():
            reasons[name] = cause
    return values, reasons


def _min_max(values):
    """Columns scaled to [0, 1]; a constant column becomes zeros."""
    low, span = values.min(axis=0), np.ptp(values, axis=0)
    return (values - low) / np.where(span > 0, span, 1.0)


def _regression_measures(X, y, max_samples, random_state, seed):
    """Complexity measures of a regression target (Lorena et al. 2018).

    As in the paper, attributes and target are first scaled to [0, 1];
    distances are Euclidean. Interpolated points lie between consecutive rows
    once sorted by target, with one random weight for the attributes and the
    target of a point.
    """
    values, reasons = {}, {}

    def undefined(reason):
        for name in REGRESSION_COMPLEXITY_FEATURES:
            values[name] = np.nan
            reasons[name] = reason
        return values, reasons

    if y is None:
        return undefined("needs a regression target (y is None)")
    if _is_classification(y):
        return undefined("defined for regression only")
    n, p = X.shape
    if n < 3 or p == 0:
        return undefined("needs at least three samples and one attribute")
    if np.ptp(y) == 0:
        return undefined("the target is constant")
    X, y = _min_max(X), _min_max(y)
    rng = np.random.RandomState(seed)

    # Spearman's correlation: Pearson's on ranks (ties get their mean rank).
    ranks = scipy.stats.rankdata(X, axis=0)
    target_ranks = scipy.stats.rankdata(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.abs([np.corrcoef(ranks[:, j], target_ranks)[0, 1] for j in range(p)])
    if np.isnan(corr).all():
        for name in ("target_corr_max", "target_corr_mean"):
            values[name] = np.nan
            reasons[name] = "every attribute is constant"
    else:
        values["target_corr_max"] = float(np.nanmax(corr))
        values["target_corr_mean"] = float(np.nanmean(corr))

    design = np.column_stack([X, np.ones(n)])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    residuals = y - design @ coef
    values["linear_mae"] = float(np.mean(np.abs(residuals)))
    values["linear_mse"] = float(np.mean(residuals**2))

    X_new, y_new = _interpolate_by_target(X, y, rng)
    new_residuals = y_new - np.column_stack([X_new, np.ones(len(y_new))]) @ coef
    values["linear_interp_mse"] = float(np.mean(new_residuals**2))

    order = np.argsort(y, kind="stable")
    values["target_order_input_dist"] = float(
        np.mean(np.linalg.norm(np.diff(X[order], axis=0), axis=1))
    )

    rows = _subsample(n, y, max_samples, random_state)
    X, y = X[rows], y[rows]
    heads, tails = _minimum_spanning_tree(cdist(X, X))
    if heads.size:
        values["mst_target_diff"] = float(np.mean(np.abs(y[heads] - y[tails])))
    else:
        values["mst_target_diff"] = np.nan
        reasons["mst_target_diff"] = "all rows are equal: no spanning tree"
    nearest = NearestNeighbors(n_neighbors=1).fit(X)
    neighbour = nearest.kneighbors(return_distance=False)[:, 0]
    values["nn_loo_mse"] = float(np.mean((y[neighbour] - y) ** 2))
    X_new, y_new = _interpolate_by_target(X, y, rng)
    neighbour = nearest.kneighbors(X_new, return_distance=False)[:, 0]
    values["nn_interp_mse"] = float(np.mean((y[neighbour] - y_new) ** 2))
    return values, reasons


def _interpolate_by_target(X, y, rng):
    """One random point between each pair of consecutive rows sorted by y."""
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    weight = rng.random_sample(y.size - 1)
    X_new = X[:-1] + (X[1:] - X[:-1]) * weight[:, None]
    y_new = y[:-1] + (y[1:] - y[:-1]) * weight
    return X_new, y_new


def complexity_features(X, y, *, max_samples, random_state):
    """Data complexity meta-features.

    pymfe's ``complexity`` group (names of :data:`COMPLEXITY_FEATURES`, for a
    class target) and the regression measures of Lorena et al. (2018) (names
    of :data:`REGRESSION_COMPLEXITY_FEATURES`, for a regression target). Every
    name is always returned, NaN with a reason where it does not apply.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric data without missing or infinite values, not rescaled.
    y : ndarray of shape (n_samples,) or None
        Class codes 0..k-1 (integer dtype), a regression target (float dtype)
        or None.
    max_samples : int or None
        Largest number of rows on which the distance-based measures are
        computed; a larger dataset is subsampled (stratified, seeded).
    random_state : int, RandomState instance or None
        Seed of the subsample, the linear SVMs and the interpolations.

    Returns
    -------
    values : dict
        Feature name to a float or a 1-D ndarray (the values pymfe
        summarises).
    reasons : dict
        Feature name to the reason why its value is NaN.
    """
    n, p = X.shape
    values, reasons = {}, {}
    seed = _pymfe_seed(random_state)

    values["t2"] = p / n
    if n < 2 or p == 0:
        pca_problem = "needs at least two samples and one attribute"
    elif np.all(X[0] == X):
        pca_problem = "all rows are equal: no principal component"
    else:
        pca_problem = None
        n_pca = _pca_components(X, seed)
        values["t3"] = n_pca / n
        values["t4"] = n_pca / p
    if pca_problem:
        for name in ("t3", "t4"):
            values[name] = np.nan
            reasons[name] = pca_problem

    for measures in (_classification_measures, _regression_measures):
        group_values, group_reasons = measures(X, y, max_samples, random_state, seed)
        values.update(group_values)
        reasons.update(group_reasons)
    return values, reasons
