"""The baseline of ``change_stream.py --live --baseline``: an event trigger written as Airflow's examples write one.

Not part of the provider. One plain ``httpx.AsyncClient`` GET of the v3 list per poll for the
records newer than the last id seen (a page of at most 100: a backlog takes several polls),
the position in memory only: no shared stream, no ack, no state store, no rate limiter beyond
one request per poll. One ``TriggerEvent`` per new record, its payload about the size of the provider's: the
record without ``links``, plus ``change_key``/``resource``/``id``/``watch``/``stamp``.
A restarted triggerer starts again at the newest record: changes in between are lost.

The emulator's URL and key come from the ``AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT`` JSON in the
environment (its ``host`` and ``password``); the key goes in the ``Api-Token`` header.
Airflow imports it as ``_baseline_trigger`` (the benchmark puts this folder on ``PYTHONPATH``).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
from airflow.triggers.base import BaseEventTrigger, TriggerEvent

PAGE = 100  # the API's largest page


class PlainChangeTrigger(BaseEventTrigger):
    """Fire once per record created in ``plural`` (``deals``, ``contacts``, ``notes``) since the trigger started."""

    def __init__(self, resource: str, plural: str, poll_interval: float = 5.0,
                 conn_env: str = "AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT") -> None:
        super().__init__()
        self.resource = resource
        self.plural = plural
        self.poll_interval = poll_interval
        self.conn_env = conn_env

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return ("_baseline_trigger.PlainChangeTrigger",
                {"resource": self.resource, "plural": self.plural, "poll_interval": self.poll_interval,
                 "conn_env": self.conn_env})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        conn = json.loads(os.environ[self.conn_env])
        async with httpx.AsyncClient(base_url=f"{str(conn['host']).rstrip('/')}/api/3/",
                                     headers={"Api-Token": conn["password"]}, timeout=30) as client:
            reply = await self._get(client, {"orders[id]": "DESC", "limit": 1})  # start at the newest record
            last, offset = int(reply[self.plural][0]["id"]) if reply[self.plural] else 0, int(reply["meta"]["total"])
            while True:
                await asyncio.sleep(self.poll_interval)
                try:
                    records = await self._newer(client, last, offset)
                except httpx.HTTPError as error:
                    self.log.warning("Polling %s failed: %s", self.plural, error)
                    continue
                offset += len(records)
                for record in records:
                    last = int(record["id"])
                    yield TriggerEvent(self._payload(record))

    async def _get(self, client: httpx.AsyncClient, params: dict[str, Any]) -> dict[str, Any]:
        reply = await client.get(self.plural, params=params)
        reply.raise_for_status()
        return dict(reply.json())

    async def _newer(self, client: httpx.AsyncClient, last: int, offset: int) -> list[dict[str, Any]]:
        """Up to a page of the records with an id above ``last``, oldest first: one request.

        Contacts have keyset paging (``id_greater``); the other lists have no id filter, so the
        page in id order starts at the number of records already seen (no deletes in the benchmark).
        """
        params: dict[str, Any] = {"orders[id]": "ASC", "limit": PAGE}
        params.update({"id_greater": last} if self.plural == "contacts" else {"offset": offset})
        page = (await self._get(client, params))[self.plural]
        return [record for record in page if int(record["id"]) > last]

    def _payload(self, record: dict[str, Any]) -> dict[str, Any]:
        stamp = str(record.get("cdate"))
        return {"change_key": f"bench/{self.resource}/{record['id']}/created/{stamp}", "resource": self.resource,
                "id": str(record["id"]), "watch": "created", "stamp": stamp,
                "record": {k: v for k, v in record.items() if k != "links"}}
