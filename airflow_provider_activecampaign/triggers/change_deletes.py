"""Deletes by reconciliation: the v3 lists cannot show deletions, so id sets are compared at a cadence.

The position keeps the ids a stream last saw as sorted ``[first, last]`` ranges (a few
numbers for a collection whose ids have few gaps, not one entry per record) and the time
they were read (``as_of``). Every ``reconcile_interval`` seconds the whole collection is read
again in id order, one page at a time (``ceil(N / 100)`` requests: 1,000 for 100k records),
and each id of the old set missing from the new one is a ``deleted`` change whose stamp is
the old set's ``as_of`` ("gone since then"), so a re-delivered tombstone has the same key.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Iterator

import pendulum

from airflow_provider_activecampaign.client.paging import Pager
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook
from airflow_provider_activecampaign.triggers.change_stream import Change, ChangeStream, Position, stamp_text

Ranges = list[list[int]]


def add_id(ranges: Ranges, number: int) -> None:
    """Append an id read in ascending order."""
    if ranges and number <= ranges[-1][1]:
        return  # a repeat (the pager's overlap)
    if ranges and number == ranges[-1][1] + 1:
        ranges[-1][1] = number
    else:
        ranges.append([number, number])


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


async def read_ids(stream: ChangeStream, hook: ActiveCampaignAsyncHook) -> Ranges:
    """Every id of the collection, as ranges (streamed page by page)."""
    pager = Pager(stream.spec.plural, stream.spec.list_params(dict(stream.filters), None),
                  keyset=stream.keyset, path=stream.path)
    core = await hook.get_core()
    ranges: Ranges = []
    while (params := pager.next_params()) is not None:
        reply = await hook.send(core.v3("GET", stream.path, params=params, expect=stream.spec.plural))
        for record in pager.feed(reply):
            rid = str(record.get("id", "")) if isinstance(record, dict) else ""
            if rid.isdigit():
                add_id(ranges, int(rid))
    return ranges


async def start_ids(stream: ChangeStream, hook: ActiveCampaignAsyncHook) -> Position:
    """The present id set: deletes from now on are reported."""
    return Position(extra={"ids": await read_ids(stream, hook), "as_of": stamp_text(pendulum.now("UTC")),
                           "next": time.time()})


def read_deletes(stream: ChangeStream, hook: ActiveCampaignAsyncHook, position: Position,
                 every: float) -> AsyncIterable[tuple[Change | None, Position]]:
    """One reconciliation when it is due (else nothing): a change per id gone since the last one."""
    return _deletes(stream, hook, position, every)


async def _deletes(stream: ChangeStream, hook: ActiveCampaignAsyncHook, position: Position,
                   every: float) -> AsyncIterator[tuple[Change | None, Position]]:
    extra = position.extra
    if time.time() < float(extra.get("next") or 0):
        yield None, position
        return
    as_of = stamp_text(pendulum.now("UTC"))
    new = await read_ids(stream, hook)
    old_stamp = str(extra.get("as_of") or as_of)
    current = position
    for number in missing(extra.get("ids") or [], new):
        change = Change(str(number), old_stamp, {"id": str(number)})
        if current.covers(change, "ids"):
            continue
        current = current.with_seen(change)
        yield change, current
    yield None, Position(extra={"ids": new, "as_of": as_of, "next": time.time() + every})
