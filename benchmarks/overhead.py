"""Per-request overhead: the provider's hooks against a plain httpx loop, CPU time side by side.

The emulator runs in a child process with its rate limit off (and the connection's
``requests_per_second`` 0), so this process's CPU time (``time.process_time``) is the client's
alone. Each round measures the provider and raw httpx one after the other, alternating which
goes first, so machine load falls on both alike; the figures are the medians of the rounds.

* a 1-record GET (``GET /api/3/contacts/1``): ``ActiveCampaignHook.request`` vs ``httpx.Client.get``
  + ``.json()``, and ``ActiveCampaignAsyncHook.request`` vs ``httpx.AsyncClient.get``;
* listing to JSON Lines: every contact with keyset paging written to a file, the way the list
  operators do it (``hook.pages`` into ``io.export_pages``) vs an httpx loop with the same query
  and ``json.dumps`` per record.

"ratio" is raw CPU / provider CPU of the medians (1.0: no overhead; the goal is >= 0.9), "round ratio" the
median of each round's ratio, with its quartiles. ``BENCH_ROUNDS``
(default 20), ``BENCH_GETS`` (GETs per round and side, default 100), ``BENCH_CONTACTS`` (listed
contacts, default 5,000).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import isolated_airflow, machine, table

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
GETS = int(os.environ.get("BENCH_GETS", "100"))
CONTACTS = int(os.environ.get("BENCH_CONTACTS", "5000"))
PAGE = 100


def cpu(fn: Callable[[], Any]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


class Sides:
    """The provider's and raw httpx's way of doing the same three things against one emulator."""

    def __init__(self, url: str, key: str, out: Path) -> None:
        import httpx

        from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook

        self.url, self.key, self.out = url, key, out
        self.hook = ActiveCampaignHook()
        self.raw = httpx.Client(base_url=url, headers={"Api-Token": key, "Accept": "application/json"})
        self.loop = asyncio.new_event_loop()
        self.ahook = ActiveCampaignAsyncHook()
        self.araw = httpx.AsyncClient(base_url=url, headers={"Api-Token": key, "Accept": "application/json"})

    def close(self) -> None:
        self.hook.close()
        self.raw.close()
        self.loop.run_until_complete(self.ahook.aclose())
        self.loop.run_until_complete(self.araw.aclose())
        self.loop.close()

    # a 1-record GET ---------------------------------------------------------------

    def provider_get(self) -> None:
        for _ in range(GETS):
            assert self.hook.request("GET", "contacts/1")["contact"]["id"] == "1"

    def raw_get(self) -> None:
        for _ in range(GETS):
            reply = self.raw.get("/api/3/contacts/1")
            reply.raise_for_status()
            assert reply.json()["contact"]["id"] == "1"

    def provider_async_get(self) -> None:
        async def run() -> None:
            for _ in range(GETS):
                assert (await self.ahook.request("GET", "contacts/1"))["contact"]["id"] == "1"
        self.loop.run_until_complete(run())

    def raw_async_get(self) -> None:
        async def run() -> None:
            for _ in range(GETS):
                reply = await self.araw.get("/api/3/contacts/1")
                reply.raise_for_status()
                assert reply.json()["contact"]["id"] == "1"
        self.loop.run_until_complete(run())

    # listing to JSON Lines -----------------------------------------------------------

    def provider_list(self) -> None:
        from airflow_provider_activecampaign.io import export_pages

        target = str(self.out / "provider.jsonl")
        done = export_pages(lambda position: self.hook.pages("contacts", "contacts", keyset=True, position=position),
                            target, log=logging.getLogger("bench"), what="contacts")
        assert done["count"] == CONTACTS, done

    def raw_list(self) -> None:
        count, last = 0, None
        with open(self.out / "raw.jsonl", "w") as out:
            while True:
                params: dict[str, Any] = {"orders[id]": "asc", "limit": PAGE}
                if last is not None:
                    params["id_greater"] = last
                reply = self.raw.get("/api/3/contacts", params=params)
                reply.raise_for_status()
                body = reply.json()
                for record in body["contacts"]:
                    out.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
                count += len(body["contacts"])
                if len(body["contacts"]) < PAGE:  # meta.total counts what is left after id_greater
                    break
                last = body["contacts"][-1]["id"]
        assert count == CONTACTS, count


def measure(sides: Sides) -> list[list[str]]:
    pairs = [("1-record GET, sync hook", sides.provider_get, sides.raw_get, GETS),
             ("1-record GET, async hook", sides.provider_async_get, sides.raw_async_get, GETS),
             ("listing to JSON Lines", sides.provider_list, sides.raw_list, -(-CONTACTS // PAGE) + 1)]
    for _, provider, raw, _ in pairs:  # warm up: connections, caches, imports
        provider(), raw()
    figures: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, *_ in pairs}
    loads = [os.getloadavg()[0]]
    for round_ in range(ROUNDS):
        for name, provider, raw, requests in pairs:
            ours, theirs = figures[name]
            if round_ % 2:
                theirs.append(cpu(raw) / requests), ours.append(cpu(provider) / requests)
            else:
                ours.append(cpu(provider) / requests), theirs.append(cpu(raw) / requests)
        loads.append(os.getloadavg()[0])
    print(f"1-minute load average during the run: {min(loads):.2f}-{max(loads):.2f}")
    rows = []
    for name, *_ in pairs:
        ours, theirs = (statistics.median(side) for side in figures[name])
        ratios = sorted(r / o for o, r in zip(*figures[name], strict=True))
        rows.append([name, f"{ours * 1e6:.0f}", f"{theirs * 1e6:.0f}", f"{(ours - theirs) * 1e6:+.0f}",
                     f"{theirs / ours:.2f}x", f"{statistics.median(ratios):.2f}x",
                     f"{ratios[len(ratios) // 4]:.2f}-{ratios[(3 * len(ratios)) // 4]:.2f}"])
    return rows


def main() -> None:
    isolated_airflow("ERROR")
    sys.path.insert(0, str(Path(__file__).parent))
    from paging import EmulatorProcess  # the emulator in a child process, with N contacts

    print(machine("Overhead"))
    print(f"before: {load()}")
    with EmulatorProcess(CONTACTS) as emulator, tempfile.TemporaryDirectory() as out:
        conn = json.loads(emulator.connection_json)
        conn["extra"]["requests_per_second"] = 0  # no client-side pacing: only the overhead is measured
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
        emulator.rate(0)  # the emulator's limit off
        sides = Sides(conn["host"], conn["password"], Path(out))
        try:
            rows = measure(sides)
        finally:
            sides.close()
    print(f"{ROUNDS} rounds, {GETS} GETs a side a round, {CONTACTS} contacts a listing; CPU per request (µs), "
          "medians of the rounds")
    print(table(["", "provider", "raw httpx", "overhead", "ratio", "round ratio", "quartiles"], rows))
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
