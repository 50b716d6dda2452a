"""Change-stream benchmark: what a quiet poll costs, and (``--live``) a real triggerer with many watchers, killed.

Quiet polls: for each way a stream reads (``created`` tail, ``updated`` with the API's date
filter, ``updated`` by scan, ``deleted`` by reconciliation) on 10k and 100k records, the
requests of one poll that finds no change (counted at the emulator).

``--live``: a real Airflow (dag-processor, scheduler, triggerer on SQLite) with WATCHERS
asset watchers over 3 streams of one account (deals created, contacts created, notes
created); CHANGES records are inserted over MINUTES minutes while the triggerer is SIGKILLed
and restarted KILLS times. Reported: changes with no asset event, duplicate events (and
whether each duplicate kept its change_key), requests/s against the 5/s budget and 429s,
stream positions (one key per stream: in the asset state store on Airflow 3.3+, a Variable
before), change-to-event latency p50/p99.
Figures, not asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import isolated_airflow, machine, table

API_KEY = "bench-change-stream-key-0123456789"


def quiet_polls(sizes: list[int]) -> list[list[str]]:
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
    from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger
    from airflow_provider_activecampaign.triggers.change import ChangePoller

    cases = [("deal", "created"), ("deal", "updated"), ("note", "updated"), ("note", "deleted")]
    rows = []
    for size in sizes:
        with ActiveCampaignEmulator(api_key=API_KEY) as emu:
            conn = json.loads(emu.connection_json())
            conn["extra"].update({"requests_per_second": 0})
            os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
            old = "2020-01-01T00:00:00+00:00"
            for n in range(size):
                emu.insert("deals", title=f"d{n}", value=1, currency="usd", cdate=old, mdate=old)
                emu.insert("notes", note=f"n{n}", reltype="Subscriber", relid="1", cdate=old, mdate=old)
            for resource, watch in cases:
                trig = ActiveCampaignChangeTrigger(resource=resource, watch=watch, reconcile_interval=0)

                async def once(trig=trig) -> int:
                    async with trig.hook() as hook:
                        poller = ChangePoller(trig, hook)
                        position = await poller.start()
                        emu.clear_requests()
                        async for _ in poller.poll(position):
                            pass
                        return len(emu.requests)

                rows.append([f"{resource} {watch}", f"{size:,}", str(asyncio.run(once())),
                             trig.stream.how])
    return rows


STREAMS = [("deal", "deals", {"title": "x", "value": 1, "currency": "usd"}), ("contact", "contacts", {}),
           ("note", "notes", {"note": "x", "reltype": "Subscriber", "relid": "1"})]


def _dag_file(watchers: int, poll: float) -> str:
    lines = ["import pendulum", "from airflow.sdk import DAG, Asset, AssetWatcher",
             "from airflow.providers.standard.operators.empty import EmptyOperator",
             "from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger", "assets = []"]
    for n in range(watchers):
        name = STREAMS[n % 3][0]
        lines.append(f"assets.append(Asset('activecampaign://bench/{name}s/{n}', watchers=[AssetWatcher("
                     f"name='w{n}', trigger=ActiveCampaignChangeTrigger(resource='{name}', watch='created', "
                     f"poll_interval={poll}))]))")
    lines.append("with DAG('on_changes', schedule=assets[:3], start_date=pendulum.datetime(2026, 1, 1), "
                 "catchup=False):\n    EmptyOperator(task_id='t')")
    return "\n".join(lines)


def _insert(emu: Any, airflow: Any, changes: int, minutes: float, kills: int) -> dict[tuple[str, str], float]:
    """Insert the changes evenly over the run, SIGKILLing the triggerer ``kills`` times meanwhile."""
    inserted: dict[tuple[str, str], float] = {}
    start = time.monotonic()
    kill_at = [start + (k + 1) * minutes * 60 / (kills + 1) for k in range(kills)]
    for n in range(changes):
        time.sleep(max(0.0, start + n * minutes * 60 / changes - time.monotonic()))
        resource, plural, fields = STREAMS[n % 3]
        if resource == "contact":
            fields = {"email": f"c{n}@example.com"}
        rec = emu.insert(plural, **fields)
        inserted[(resource, rec["id"])] = time.time()
        if kill_at and time.monotonic() >= kill_at[0]:
            kill_at.pop(0)
            airflow.kill_triggerer()
    return inserted


def live(watchers: int, changes: int, minutes: float, kills: int, poll: float) -> list[list[str]]:
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
    from tests.triggers.live_airflow import LiveAirflow

    with ActiveCampaignEmulator(api_key=API_KEY, rate_limit=5) as emu:
        conn = json.loads(emu.connection_json())
        conn["extra"].update({"requests_per_second": 4})
        with LiveAirflow({"bench": _dag_file(watchers, poll)}, json.dumps(conn)) as airflow:
            airflow.wait(lambda: len(airflow.query("SELECT key FROM variable")) >= 3, 300, "three streams started")
            per_second: list[int] = []
            stop = threading.Event()

            def count() -> None:
                seen = len(emu.requests)
                while not stop.wait(1.0):
                    now = len(emu.requests)
                    per_second.append(now - seen)
                    seen = now

            counter = threading.Thread(target=count)
            counter.start()
            inserted = _insert(emu, airflow, changes, minutes, kills)
            airflow.wait(lambda: len({(e["resource"], e["id"]) for _, e, _ in airflow.asset_events()})
                         >= len(inserted), 300, "every change as an event")
            stop.set()
            counter.join()
            events = airflow.asset_events()
            statuses = Counter(r.status for r in emu.requests)
            positions = "SELECT key FROM {} WHERE key LIKE 'activecampaign_changes__%'"
            variables = len({key for table in ("variable", "asset_state_store")  # no state store before 3.3
                             for (key,) in airflow.query(positions.format(table))})
    return _report(inserted, events, per_second, statuses, variables, watchers, kills)


def _report(inserted: dict[tuple[str, str], float], events: list[Any], per_second: list[int],
            statuses: Counter[int], variables: int, watchers: int, kills: int) -> list[list[str]]:
    from datetime import datetime

    by_change: dict[tuple[str, str, str], list[str]] = {}
    first: dict[tuple[str, str], str] = {}
    for uri, extra, ts in events:
        by_change.setdefault((uri, extra["resource"], extra["id"]), []).append(extra["change_key"])
        first.setdefault((extra["resource"], extra["id"]), ts)
    missing = sum(1 for key in inserted if key not in first)
    dupes = sum(len(keys) - 1 for keys in by_change.values())
    same_key = all(len(set(keys)) == 1 for keys in by_change.values())
    latency = sorted(datetime.fromisoformat(str(first[key]).replace(" ", "T")).timestamp() - at
                     for key, at in inserted.items() if key in first)
    return [["changes inserted", str(len(inserted))], ["watchers / streams", f"{watchers} / 3"],
            ["triggerer SIGKILLs", str(kills)], ["changes with no event", str(missing)],
            ["duplicate events (same change_key)", f"{dupes} ({'yes' if same_key else 'NO'})"],
            ["requests/s mean / busiest second",
             f"{statistics.mean(per_second or [0]):.2f} / {max(per_second or [0])}"],
            ["429 replies", str(statuses.get(429, 0))], ["stream positions (one key per stream)", str(variables)],
            ["latency p50 / p99 (s)", f"{_pct(latency, 50):.1f} / {_pct(latency, 99):.1f}" if latency else "n/a"]]


def _pct(values: list[float], p: int) -> float:
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--live", action="store_true")
    parser.add_argument("--watchers", type=int, default=100)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--poll", type=float, default=5)
    args = parser.parse_args()
    isolated_airflow("ERROR")
    print(machine("change stream"))
    rows = quiet_polls([int(s) for s in args.sizes.split(",")])
    print(table(["stream", "records", "requests per quiet poll", "read"], rows))
    if args.live:
        print(table(["live run", "figure"], live(args.watchers, args.changes, args.minutes, args.kills, args.poll)))


if __name__ == "__main__":
    main()
