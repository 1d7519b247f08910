"""Information-theoretic meta-features of the discretised attributes.

The names and definitions of pymfe's ``info-theory`` group (Michie et al.
1994; Kalousis 2002; Rivolli et al. 2022), on the discrete view of the data
(categorical codes, then numeric attributes in ``int(n ** (1 / 3))``
equal-frequency bins). Entropies are in bits. As in pymfe, the joint
probability tables of ``joint_ent`` and of the concentration coefficients add
1e-8 to every cell of the table of observed levels (so a constant attribute
has a concentration of about 0.5, not an undefined 0 / 0). A regression target
is discretised like the attributes.
"""

from itertools import permutations

import numpy as np

from ._prepare import discretize

_EPSILON = 1e-8
# pymfe's attr_conc looks at the ordered pairs of at most 12 attributes, drawn
# with numpy's legacy RandomState seeded by random_state.
_MAX_CONC_ATTRIBUTES = 12


def _compact(codes):
    """Renumber non-negative integer codes as 0..k-1 over the observed ones."""
    present = np.bincount(codes) > 0
    return (np.cumsum(present) - 1)[codes], int(present.sum())


def _entropy(counts):
    proportions = counts[counts > 0] / counts.sum()
    return float(-np.sum(proportions * np.log2(proportions)))


def _joint(a, n_a, b, n_b):
    """Joint probability table of two compact codes, smoothed as pymfe does."""
    counts = np.bincount(a * n_b + b, minlength=n_a * n_b).reshape(n_a, n_b)
    return counts / a.size + _EPSILON


def _concentration(a, n_a, b, n_b):
    """Goodman and Kruskal's concentration coefficient of ``a`` on ``b``."""
    joint = _joint(a, n_a, b, n_b)
    b_marginal = joint.sum(axis=0)
    a_square = np.sum(joint.sum(axis=1) ** 2)
    return (np.sum(joint**2 / b_marginal) - a_square) / (1.0 - a_square)


def info_theory_features(data, add):
    """Add the info-theory meta-features of ``data`` through ``add(name, value)``."""
    C = data.discrete
    n_attr = C.shape[1]
    if n_attr == 0:
        return
    columns = [_compact(column) for column in C.T]
    attr_ent = np.array([_entropy(np.bincount(codes)) for codes, _ in columns])
    add("attr_ent", attr_ent)

    selected = np.arange(n_attr)
    if n_attr > _MAX_CONC_ATTRIBUTES:
        rng = np.random.RandomState(data.seed)
        selected = rng.choice(selected, size=_MAX_CONC_ATTRIBUTES, replace=False)
    add(
        "attr_conc",
        np.array(
            [
                _concentration(*columns[a], *columns[b])
                for a, b in permutations(selected, 2)
            ]
        ),
        "needs at least two attributes",
    )

    if data.task is None:
        return
    y = data.y if data.task == "classification" else discretize(data.y[:, None])[:, 0]
    y, n_y = _compact(y)
    class_ent = _entropy(np.bincount(y))
    add("class_ent", class_ent)
    joint_ent = np.empty(n_attr)
    class_conc = np.empty(n_attr)
    for j, (codes, n_codes) in enumerate(columns):
        joint = _joint(y, n_y, codes, n_codes)
        joint_ent[j] = -np.sum(joint * np.log2(joint))
        class_conc[j] = _concentration(codes, n_codes, y, n_y)
    mut_inf = attr_ent + class_ent - joint_ent
    add("joint_ent", joint_ent)
    add("mut_inf", mut_inf)
    add("class_conc", class_conc)
    total_mut_inf = mut_inf.sum()
    no_information = "the attributes carry no information on the target"
    if abs(total_mut_inf) > 0:
        add("eq_num_attr", n_attr * class_ent / total_mut_inf)
        add("ns_ratio", (attr_ent.sum() - total_mut_inf) / total_mut_inf)
    else:
        add("eq_num_attr", np.nan, no_information)
        add("ns_ratio", np.nan, no_information)
