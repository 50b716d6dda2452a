"""Sets of record ids kept small: sorted ``[first, last]`` ranges, for finding deleted records.

The v3 lists cannot show deletions, so the change trigger (``watch="deleted"``) and the
incremental export (``tombstones=True``) keep the ids they last saw and compare them with a
fresh read: an id in the old set and not in the new one was deleted. Ids with few gaps take a
few numbers, not one entry per record; only ids are kept, never the records.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator

#: Sorted, non-overlapping, non-adjacent ``[first, last]`` ranges of numeric ids.
Ranges = list[list[int]]


def add_id(ranges: Ranges, number: int) -> None:
    """Add one id: fast when ids come in ascending order (as the lists read in id order give them)."""
    if not ranges or number > ranges[-1][1] + 1:
        ranges.append([number, number])
        return
    if number == ranges[-1][1] + 1:
        ranges[-1][1] = number
        return
    at = bisect_right(ranges, [number, float("inf")]) - 1  # the last range starting at or before it
    if at >= 0 and ranges[at][0] <= number <= ranges[at][1]:
        return  # already in (the pager's overlap)
    if at >= 0 and ranges[at][1] + 1 == number:
        ranges[at][1] = number
    elif at + 1 < len(ranges) and ranges[at + 1][0] - 1 == number:
        ranges[at + 1][0] = number
    else:
        ranges.insert(at + 1, [number, number])
        return
    # the range grown may now touch its neighbour
    at = at if at >= 0 and ranges[at][1] == number else at + 1
    if at + 1 < len(ranges) and ranges[at][1] + 1 >= ranges[at + 1][0]:
        ranges[at][1] = max(ranges[at][1], ranges.pop(at + 1)[1])
    if at > 0 and ranges[at - 1][1] + 1 >= ranges[at][0]:
        ranges[at - 1][1] = max(ranges[at - 1][1], ranges.pop(at)[1])


def union(first: Ranges, second: Ranges) -> Ranges:
    """A new set with the ids of both."""
    merged: Ranges = []
    for low, high in sorted([*first, *second]):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return merged


def missing(old: Ranges, new: Ranges) -> Iterator[int]:
    """Ids in ``old`` and not in ``new`` (both sorted ranges), ascending."""
    j = 0
    for first, last in old:
        n = first
        while n <= last:
            while j < len(new) and new[j][1] < n:
                j += 1
            if j < len(new) and new[j][0] <= n:
                n = new[j][1] + 1  # covered up to the end of that range
                continue
            stop = last if j >= len(new) else min(last, new[j][0] - 1)
            yield from range(n, stop + 1)
            n = stop + 1


def numeric_id(record: object) -> int | None:
    """The record's id as a number, or None when it has no numeric id."""
    rid = str(record.get("id", "")) if isinstance(record, dict) else ""
    return int(rid) if rid.isdigit() else None


def from_ids(numbers: Iterable[int]) -> Ranges:
    """The set of ``numbers``, in any order."""
    ranges: Ranges = []
    for number in numbers:
        add_id(ranges, number)
    return ranges
