"""Hyperband's bracket schedule (Li et al., 2018, Algorithm 1) in integer arithmetic."""

import numbers

__all__ = ["hyperband_schedule"]


def _check_positive_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer >= {minimum}; got {value!r} of type "
            f"{type(value).__name__}. Pass a whole number such as {minimum}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}.")
    return int(value)


def _integer_log(max_resources, min_resources, factor):
    """Largest ``s`` with ``min_resources * factor**s <= max_resources``.

    Computed by repeated multiplication: ``floor(math.log(243, 3))`` is 4, not 5,
    because ``math.log(243, 3)`` is 4.999..., which loses a bracket.
    """
    s = 0
    while min_resources * factor ** (s + 1) <= max_resources:
        s += 1
    return s


def _bracket_rungs(n_candidates, rung_resources, factor):
    """Rungs ``(n_i, r_i)`` of one bracket that starts with ``n_candidates``.

    ``n_i = floor(n_candidates / factor**i)`` as in Algorithm 1, where keeping the
    top ``floor(n_i / factor)`` of a rung gives the next ``n_i`` exactly. A rung
    before the last one that would hold a single candidate is dropped: with nobody
    to eliminate, its survivor goes straight to the full resource. This only
    happens when a finite search space caps ``n_candidates``.
    """
    last = len(rung_resources) - 1
    rungs = []
    for i, r_i in enumerate(rung_resources):
        n_i = n_candidates // factor**i
        if i == last:
            rungs.append((max(n_i, 1), r_i))
        elif n_i >= 2:
            rungs.append((n_i, r_i))
    return rungs


def hyperband_schedule(max_resources, min_resources=1, factor=3):
    """Brackets of Hyperband as lists of ``(n_candidates, n_resources)`` rungs.

    Implements the schedule of Algorithm 1 of Li et al. (2018) with exact integer
    arithmetic. With ``R = max_resources / min_resources`` and ``eta = factor``,
    ``s_max`` is the largest ``s`` with ``min_resources * eta**s <= max_resources``.
    Bracket ``s`` (from ``s_max`` down to 0) starts with
    ``n = ceil((s_max + 1) * eta**s / (s + 1))`` candidates at
    ``max_resources // eta**s`` and, at rung ``i``, evaluates
    ``floor(n / eta**i)`` candidates at ``max_resources // eta**(s - i)``.

    Read more in the :ref:`User Guide <hyperband>`.

    Parameters
    ----------
    max_resources : int
        The resource the survivors of a bracket reach (``R`` of the paper when
        ``min_resources=1``). Must be at least ``min_resources``.

    min_resources : int, default=1
        The least resource a rung may use; the unit of ``R``.

    factor : int, default=3
        The proportion ``eta`` of candidates eliminated at each rung: the best
        ``1 / factor`` go on with ``factor`` times the resource. At least 2.

    Returns
    -------
    brackets : list of list of tuple of (int, int)
        One list per bracket, from the most exploratory (``s = s_max``) to the
        bracket that trains every candidate at ``max_resources`` (``s = 0``).
        Each rung is ``(n_candidates, n_resources)``.

    See Also
    --------
    HyperbandSearchCV : The search that runs this schedule.

    References
    ----------
    .. [1] L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh and A. Talwalkar,
       "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
       Optimization", Journal of Machine Learning Research 18(185), 2018.

    Examples
    --------
    Table 1 of the paper (``R = 81``, ``eta = 3``):

    >>> from skmeta.model_selection import hyperband_schedule
    >>> for bracket in hyperband_schedule(81):
    ...     print(bracket)
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]
    [(34, 3), (11, 9), (3, 27), (1, 81)]
    [(15, 9), (5, 27), (1, 81)]
    [(8, 27), (2, 81)]
    [(5, 81)]
    """
    max_resources = _check_positive_int(max_resources, "max_resources", 1)
    min_resources = _check_positive_int(min_resources, "min_resources", 1)
    factor = _check_positive_int(factor, "factor", 2)
    if min_resources > max_resources:
        raise ValueError(
            f"min_resources={min_resources} is larger than "
            f"max_resources={max_resources}; min_resources must be at most "
            "max_resources. Lower min_resources or raise max_resources."
        )
    s_max = _integer_log(max_resources, min_resources, factor)
    brackets = []
    for s in range(s_max, -1, -1):
        # ceil((B / R) * eta**s / (s + 1)) with B = (s_max + 1) R, in integers.
        n_candidates = -(-((s_max + 1) * factor**s) // (s + 1))
        rung_resources = [max_resources // factor ** (s - i) for i in range(s + 1)]
        brackets.append(_bracket_rungs(n_candidates, rung_resources, factor))
    return brackets
