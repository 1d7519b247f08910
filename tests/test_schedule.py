"""hyperband_schedule against schedules derived by hand from Algorithm 1."""

import pytest

from skmeta.model_selection import hyperband_schedule

# Table 1 of Li et al. (2018), R = 81, eta = 3, typed from the paper.
TABLE_1 = [
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
    [(34, 3), (11, 9), (3, 27), (1, 81)],
    [(15, 9), (5, 27), (1, 81)],
    [(8, 27), (2, 81)],
    [(5, 81)],
]


def test_table_1():
    schedule = hyperband_schedule(81, 1, 3)
    assert schedule == TABLE_1
    assert sum(bracket[0][0] for bracket in schedule) == 143
    assert sum(n for bracket in schedule for n, _ in bracket) == 206


def test_defaults_are_table_1():
    assert hyperband_schedule(81) == TABLE_1


def test_power_where_float_log_loses_a_bracket():
    # math.log(243, 3) == 4.999..., so floor(log) gives 4 brackets too few rungs.
    # s_max = 5, B = 6 * 243; n = ceil(6 * 3**s / (s + 1)):
    # s=5: 243, s=4: ceil(97.2) = 98, s=3: ceil(40.5) = 41, s=2: 18, s=1: 9, s=0: 6.
    assert hyperband_schedule(243, 1, 3) == [
        [(243, 1), (81, 3), (27, 9), (9, 27), (3, 81), (1, 243)],
        [(98, 3), (32, 9), (10, 27), (3, 81), (1, 243)],
        [(41, 9), (13, 27), (4, 81), (1, 243)],
        [(18, 27), (6, 81), (2, 243)],
        [(9, 81), (3, 243)],
        [(6, 243)],
    ]


def test_factor_two():
    # R = 8, eta = 2: s_max = 3; n = ceil(4 * 2**s / (s + 1)) = 8, 6, 4, 4.
    assert hyperband_schedule(8, 1, 2) == [
        [(8, 1), (4, 2), (2, 4), (1, 8)],
        [(6, 2), (3, 4), (1, 8)],
        [(4, 4), (2, 8)],
        [(4, 8)],
    ]


def test_min_resources_is_the_unit():
    # R = 810 / 10 = 81 units: Table 1 with every budget times 10.
    expected = [[(n, 10 * r) for n, r in bracket] for bracket in TABLE_1]
    assert hyperband_schedule(810, 10, 3) == expected


def test_max_not_a_power_of_factor():
    # R = 100, eta = 3: s_max = 4 (81 <= 100 < 243); budgets 100 // 3**(s - i).
    schedule = hyperband_schedule(100, 1, 3)
    assert schedule[0] == [(81, 1), (27, 3), (9, 11), (3, 33), (1, 100)]
    assert schedule[-1] == [(5, 100)]
    # R = 100 in units of 10: s_max = 2 (90 <= 100 < 270); n = 9, 5, 3.
    assert hyperband_schedule(100, 10, 3) == [
        [(9, 11), (3, 33), (1, 100)],
        [(5, 33), (1, 100)],
        [(3, 100)],
    ]


def test_single_bracket():
    assert hyperband_schedule(1) == [[(1, 1)]]
    assert hyperband_schedule(5, 5, 3) == [[(1, 5)]]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(max_resources=9, min_resources=10), ValueError, "min_resources=10"),
        (dict(max_resources=0), ValueError, "max_resources"),
        (dict(max_resources=81, factor=1), ValueError, "factor"),
        (dict(max_resources=81.0), TypeError, "max_resources"),
        (dict(max_resources=True), TypeError, "max_resources"),
        (dict(max_resources=81, factor=2.5), TypeError, "factor"),
    ],
)
def test_invalid(kwargs, error, match):
    with pytest.raises(error, match=match):
        hyperband_schedule(**kwargs)
