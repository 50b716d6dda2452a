"""What each change event costs the triggerer: the position it carries and the payload Airflow stores per asset (#16).

Every change becomes one asset event per asset that watches its stream, and its position
travels with it to ``advance()``, which writes it to every watched asset's state store: both
must stay small whatever the stream's backlog.
"""

from __future__ import annotations

import asyncio
import json

from airflow_provider_activecampaign.client.paging import PAGE_SIZE
from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger
from airflow_provider_activecampaign.triggers.change import ChangePoller
from airflow_provider_activecampaign.triggers.change_stream import Position


async def read_all(trigger: ActiveCampaignChangeTrigger, position: Position | None
                   ) -> tuple[Position, list[tuple[dict, Position]]]:
    """The start position (when none is given) and every (payload, position after it) of one poll."""
    async with trigger.hook() as hook:
        poller = ChangePoller(trigger, hook)
        start = position or await poller.start()
        return start, [(payload, after) async for payload, after in poller.poll(start) if payload is not None]


def test_a_backlog_of_changes_keeps_each_position_to_a_page_and_resumes_from_any_of_them(emulator):
    """A stream that fell behind reads many pages in one poll: each event's position stays one page's size."""
    trigger = ActiveCampaignChangeTrigger(resource="deal", watch="created")
    start, _ = asyncio.run(read_all(trigger, None))
    ids = [emulator.insert("deals", title=f"d{n}", value=1, currency="usd")["id"] for n in range(250)]
    _, items = asyncio.run(read_all(trigger, start))
    assert [payload["id"] for payload, _ in items] == ids
    sizes = [len(after.seen) for _, after in items]
    assert max(sizes) <= PAGE_SIZE  # before: 250, the whole poll's changes
    assert max(len(json.dumps(after.to_json())) for _, after in items) < 4096
    for cut in (0, 99, 100, 149, 249):  # a triggerer killed after the event `cut` was stored goes on from there
        saved = Position.from_json(json.loads(json.dumps(items[cut][1].to_json())))
        _, rest = asyncio.run(read_all(trigger, saved))
        assert [payload["id"] for payload, _ in rest] == ids[cut + 1:]
