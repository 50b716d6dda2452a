"""Id sets as ranges: the same answers as Python sets, in any insertion order."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from airflow_provider_activecampaign.client.id_sets import add_id, from_ids, missing, numeric_id, union


def _expand(ranges):
    return {n for first, last in ranges for n in range(first, last + 1)}


def _canonical(ranges) -> bool:
    return all(a[0] <= a[1] for a in ranges) and all(a[1] + 1 < b[0] for a, b in pairwise(ranges))


@pytest.mark.parametrize("seed", range(20))
def test_ranges_hold_the_same_ids_as_a_set_whatever_the_order(seed):
    rng = random.Random(seed)
    for _ in range(100):
        old = [rng.randint(0, 80) for _ in range(rng.randint(0, 50))]
        new = [rng.randint(0, 80) for _ in range(rng.randint(0, 50))]
        a, b = from_ids(old), from_ids(new)
        assert _canonical(a) and _expand(a) == set(old)
        assert _canonical(union(a, b)) and _expand(union(a, b)) == set(old) | set(new)
        assert list(missing(a, b)) == sorted(set(old) - set(new))


def test_ids_read_in_order_take_a_few_numbers():
    ranges = []
    for number in [*range(1, 50_001), 49_999, *range(50_010, 100_001)]:  # one repeat (the pager's overlap)
        add_id(ranges, number)
    assert ranges == [[1, 50_000], [50_010, 100_000]]


def test_only_numeric_ids_count():
    assert [numeric_id(r) for r in ({"id": "12"}, {"id": 7}, {"id": "ab"}, {}, None)] == [12, 7, None, None, None]
