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


async def get(trigger: ActiveCampaignChangeTrigger, path: str) -> dict:
    async with trigger.hook() as hook:
        return await hook.request("GET", path)


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


def test_an_event_carries_the_record_without_its_links(emulator):
    """The API's ``links`` (URLs made of the record's id) stay out of the payload Airflow stores per asset."""
    trigger = ActiveCampaignChangeTrigger(resource="deal", watch="created")
    start, _ = asyncio.run(read_all(trigger, None))
    listed = emulator.insert("deals", title="small", value=1, currency="usd")
    big = emulator.insert("deals", title="x" * 5000, value=1, currency="usd")
    _, items = asyncio.run(read_all(trigger, start))
    small_payload, big_payload = (payload for payload, _ in items)
    assert "links" in asyncio.run(get(trigger, f"deals/{listed['id']}"))["deal"]  # the API gives them...
    assert small_payload["record"]["title"] == "small" and small_payload["record"]["id"] == listed["id"]
    assert "links" not in small_payload["record"]  # ...the event does not carry them
    assert len(json.dumps(small_payload)) < 1024
    assert big_payload["id"] == big["id"] and big_payload["record"] is None  # above 4 KiB: read it by id
