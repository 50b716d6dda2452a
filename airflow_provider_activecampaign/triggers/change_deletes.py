"""Deletes by reconciliation: the v3 lists cannot show deletions, so id sets are compared at a cadence.

The position keeps the ids a stream last saw as sorted ``[first, last]`` ranges
(``client/id_sets.py``, shared with the incremental export's tombstones) and the time
they were read (``as_of``). Every ``reconcile_interval`` seconds the whole collection is read
again in id order, one page at a time (``ceil(N / 100)`` requests: 1,000 for 100k records),
and each id of the old set missing from the new one is a ``deleted`` change whose stamp is
the old set's ``as_of`` ("gone since then"), so a re-delivered tombstone has the same key.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator

import pendulum

from airflow_provider_activecampaign.client.id_sets import Ranges, add_id, missing, numeric_id
from airflow_provider_activecampaign.client.paging import Pager
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook
from airflow_provider_activecampaign.triggers.change_stream import Change, ChangeStream, Position, stamp_text


async def id_pages(stream: ChangeStream, hook: ActiveCampaignAsyncHook, ranges: Ranges) -> AsyncIterator[None]:
    """Add every id of the collection to ``ranges``, one page at a time (an item after each page)."""
    pager = Pager(stream.spec.plural, stream.spec.list_params(dict(stream.filters), None),
                  keyset=stream.keyset, path=stream.path)
    core = await hook.get_core()
    while (params := pager.next_params()) is not None:
        reply = await hook.send(core.v3("GET", stream.path, params=params, expect=stream.spec.plural))
        for record in pager.feed(reply):
            if (number := numeric_id(record)) is not None:
                add_id(ranges, number)
        yield None


async def read_ids(stream: ChangeStream, hook: ActiveCampaignAsyncHook) -> Ranges:
    """Every id of the collection, as ranges (streamed page by page)."""
    ranges: Ranges = []
    async for _ in id_pages(stream, hook, ranges):
        pass
    return ranges


async def start_ids(stream: ChangeStream, hook: ActiveCampaignAsyncHook) -> Position:
    """The present id set: deletes from now on are reported."""
    return Position(extra={"ids": await read_ids(stream, hook), "as_of": stamp_text(pendulum.now("UTC")),
                           "next": time.time()})


def read_deletes(stream: ChangeStream, hook: ActiveCampaignAsyncHook, position: Position,
                 every: float) -> AsyncIterable[tuple[Change | None, Position]]:
    """One reconciliation when it is due (else nothing): a change per id gone since the last one.

    ``(None, position)`` after each page read; the last item is ``(None, final position)``.
    """
    return _deletes(stream, hook, position, every)


async def _deletes(stream: ChangeStream, hook: ActiveCampaignAsyncHook, position: Position,
                   every: float) -> AsyncIterator[tuple[Change | None, Position]]:
    extra = position.extra
    if time.time() < float(extra.get("next") or 0):
        yield None, position
        return
    as_of = stamp_text(pendulum.now("UTC"))
    new: Ranges = []
    async for _ in id_pages(stream, hook, new):
        yield None, position  # a page read (a long reconciliation's progress)
    old_stamp = str(extra.get("as_of") or as_of)
    current = position
    for number in missing(extra.get("ids") or [], new):
        change = Change(str(number), old_stamp, {"id": str(number)})
        if current.covers(change, "ids"):
            continue
        current = current.with_seen(change)
        yield change, current
    yield None, Position(extra={"ids": new, "as_of": as_of, "next": time.time() + every})
