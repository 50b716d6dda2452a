"""Many-sensors benchmark: 1,000 deferred Watch triggers of one account in one event loop (a triggerer).

Each trigger watches contacts created in its own one-minute window (adjacent windows, the
same filters); while the triggers run, one contact per trigger is inserted into its window,
spread over the run. The emulator enforces ActiveCampaign's 5 requests a second (429 above
it) and runs in a child process, so the figures of this process are the triggerer's alone;
the connection's client-side limiter is at 5/s. The triggers' ``run()`` generators are driven
directly in one asyncio loop. Measured per case:

* requests/s: the busiest wall-clock second and the mean, against the 5/s budget; 429s;
* event-loop lag: a ticker sleeping 50 ms records its overshoot (p50/p99/max);
* RSS growth of this process (VmRSS) from before the triggers start to its peak;
* time from a record's insertion to its trigger's event, against 2 poke intervals, and how
  many triggers fired at all.

Cases: ``coalesced`` (this version: shared client, shared polls), ``shared client only``
(``coalesce=False``: each trigger polls alone) and ``old`` (the previous behaviour: each
trigger polls alone with its own ``httpx.AsyncClient`` built on the loop), the last two on
fewer triggers and a shorter run, since they cannot keep up. ``--quick`` shortens every run
for development. Figures, not asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from _common import isolated_airflow, machine, table

API_KEY = "bench-many-sensors-key-0123456789"
BUDGET = 5  # requests a second, per account
WINDOW = timedelta(minutes=1)  # each trigger's window


# --------------------------------------------------------------------------- the emulator process


def serve(pipe: Any) -> None:
    """Child process: the emulator (5 req/s), inserting records on a plan and counting requests a second."""
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    with ActiveCampaignEmulator(api_key=API_KEY, rate_limit=BUDGET) as emu:
        pipe.send(emu.connection_json())
        while (command := pipe.recv()) != "stop":
            plan, end = command  # [(monotonic time, trigger index, cdate)], when to stop counting
            emu.reset()
            inserted: dict[int, float] = {}
            per_second: list[int] = []
            counter = threading.Thread(target=_count, args=(emu, end, per_second))
            counter.start()
            for at, index, cdate in plan:
                time.sleep(max(0.0, at - time.monotonic()))
                emu.insert("contacts", email=f"c{index}@example.com", cdate=cdate)
                inserted[index] = time.monotonic()
            counter.join()
            pipe.send((inserted, per_second, dict(Counter(r.status for r in emu.requests))))


def _count(emu: Any, end: float, per_second: list[int]) -> None:
    seen, tick = len(emu.requests), time.monotonic()
    while tick < end:
        tick += 1.0
        time.sleep(max(0.0, tick - time.monotonic()))
        now = len(emu.requests)
        per_second.append(now - seen)
        seen = now


# --------------------------------------------------------------------------- the triggerer side


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan


class Probe:
    """Event-loop lag (a 50 ms ticker's overshoot) and peak RSS, sampled while the case runs."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.peak_rss = rss_mib()

    async def run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.05)
            self.lags.append(time.monotonic() - before - 0.05)
            if len(self.lags) % 20 == 0:
                self.peak_rss = max(self.peak_rss, rss_mib())


def old_trigger_class() -> type:
    """The previous behaviour: polls alone, with a client of its own built on the event loop."""
    import httpx

    from airflow_provider_activecampaign.hooks import ActiveCampaignAsyncHook
    from airflow_provider_activecampaign.triggers import ActiveCampaignWatchTrigger

    class OwnClientHook(ActiveCampaignAsyncHook):
        _own: httpx.AsyncClient | None = None

        async def get_client(self) -> httpx.AsyncClient:
            if self._own is None:
                self._own = httpx.AsyncClient(**(await self.get_core()).client_options())
            return self._own

        async def aclose(self) -> None:
            if self._own is not None:
                await self._own.aclose()
                self._own = None

    class OldTrigger(ActiveCampaignWatchTrigger):
        def hook(self) -> ActiveCampaignAsyncHook:
            return OwnClientHook(self.activecampaign_conn_id, retries=self.retries, timeout=self.request_timeout,
                                 retry_backoff=self.retry_backoff)

    return OldTrigger


async def drive(triggers: list[Any], seconds: float) -> tuple[dict[int, float], dict[int, str], Probe, float]:
    """Run every trigger's ``run()`` in this loop for ``seconds``; when each fired, and how."""
    fired: dict[int, float] = {}
    outcome: dict[int, str] = {}
    probe = Probe()
    ticker = asyncio.create_task(probe.run())
    rss_before = rss_mib()

    async def one(index: int, trigger: Any) -> None:
        event = await anext(trigger.run())
        fired[index] = time.monotonic()
        outcome[index] = event.payload["status"]

    tasks = [asyncio.create_task(one(i, t)) for i, t in enumerate(triggers)]
    await asyncio.sleep(seconds)
    for task in [*tasks, ticker]:
        task.cancel()
    await asyncio.gather(*tasks, ticker, return_exceptions=True)
    return fired, outcome, probe, rss_before


def run_case(pipe: Any, label: str, make: Any, count: int, seconds: float, poke: float) -> list[str]:
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    kwargs = [{"resource": "contact", "since": (base + i * WINDOW).isoformat(),
               "until": (base + (i + 1) * WINDOW).isoformat(), "poke_interval": poke} for i in range(count)]
    triggers = [make(**json.loads(json.dumps(k))) for k in kwargs]  # as the triggerer re-creates them
    start = time.monotonic() + 1.0
    spread = max(1.0, seconds - 2 * poke - 2)  # the last insert still has 2 poke intervals to be seen
    plan = [(start + spread * i / count, i, (base + i * WINDOW + WINDOW / 2).isoformat()) for i in range(count)]
    pipe.send((plan, start + seconds))
    fired, outcome, probe, rss_before = asyncio.run(drive(triggers, seconds + 1.0))
    inserted, per_second, statuses = pipe.recv()
    delays = [fired[i] - inserted[i] for i in fired if i in inserted]
    late = sum(1 for i in range(count) if i in inserted and (i not in fired or fired[i] - inserted[i] > 2 * poke))
    lags = sorted(probe.lags) or [math.nan]
    requests = sum(per_second)
    return [
        f"{label}, {count} triggers, {seconds:.0f} s",
        f"{max(per_second, default=0)} / {requests / max(1, len(per_second)):.2f}",
        str(statuses.get(429, 0)),
        f"{statistics.median(lags) * 1000:.1f} / {lags[int(0.99 * (len(lags) - 1))] * 1000:.1f} / "
        f"{lags[-1] * 1000:.0f}",
        f"{probe.peak_rss - rss_before:.1f}",
        f"{sum(1 for s in outcome.values() if s == 'success')}/{count}",
        (f"{statistics.median(delays):.1f} / {max(delays):.1f}" if delays else "-"),
        f"{late}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 s and 30 s runs (development)")
    parser.add_argument("--triggers", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the coalesced run")
    parser.add_argument("--old-triggers", type=int, default=200, help="triggers of the two old-style cases")
    parser.add_argument("--old-seconds", type=float, default=60.0)
    parser.add_argument("--poke", type=float, default=10.0, help="poke_interval of every trigger")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.old_seconds = 40.0, 30.0
    started = time.perf_counter()
    isolated_airflow("ERROR")  # quiet: no per-poll log lines among the figures

    from airflow_provider_activecampaign.client import RateLimiter
    from airflow_provider_activecampaign.triggers import ActiveCampaignWatchTrigger

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(child,), daemon=True)
    server.start()
    conn = json.loads(parent.recv())
    conn["extra"]["requests_per_second"] = BUDGET
    os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)

    print(machine("many-sensors"))
    print(f"emulator enforces {BUDGET} requests/s (sliding window) in a child process; client limiter at "
          f"{BUDGET}/s ({BUDGET / RateLimiter.HEADROOM:.2f}/s with its headroom); poke_interval {args.poke:g} s; "
          f"one record per trigger inserted over the run\n")
    old = old_trigger_class()
    cases = [
        ("coalesced (this version)", ActiveCampaignWatchTrigger, args.triggers, args.seconds),
        ("shared client, polls alone", lambda **k: ActiveCampaignWatchTrigger(coalesce=False, **k),
         args.old_triggers, args.old_seconds),
        ("old: own client, polls alone", lambda **k: old(coalesce=False, **k), args.old_triggers, args.old_seconds),
    ]
    rows = [run_case(parent, label, make, count, seconds, args.poke) for label, make, count, seconds in cases]
    parent.send("stop")
    server.join(timeout=10)
    print(table(["case", "req/s max / mean", "429s", "loop lag ms p50 / p99 / max", "RSS growth MiB",
                 "fired", "insert->event s median / max", f"later than {2 * args.poke:g} s or never"], rows))
    print(f"\ngoals: max req/s <= {BUDGET}, 0 x 429, lag p99 < 100 ms and max < 1000 ms, RSS growth < 100 MiB, "
          f"every trigger fired within 2 poke intervals ({2 * args.poke:g} s) of its record's insertion")
    print(f"total benchmark time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
