"""Watch triggers in a real ``airflow triggerer``: 1,000 deferred sensor tasks on SQLite against the emulator.

A throw-away Airflow home is migrated, a DAG of N tasks is serialized, one run of it is made
and each of its task instances is put in the deferred state with a Watch trigger (contacts
created in its own one-minute window, as ``ActiveCampaignWatchContactsSensor`` defers), the way
the task runner leaves them. Then ``airflow triggerer`` starts and runs them all, with its own
per-trigger log files. The emulator (in this process, 5 requests a second, 429 above) gets one
contact a trigger inserted into its window, spread over the run. Measured:

* requests and 429s; "async thread was blocked" warnings in the triggerer's logs;
* RSS of the triggerer and its trigger runner (VmRSS summed) once every trigger runs, and at its peak;
* how many triggers fired (their task instance left ``deferred``) and how long after their record
  was inserted, against 2 poke intervals (seen by polling the database every 0.25 s).

``BENCH_TRIGGERS`` (default 1,000), ``BENCH_SECONDS`` (default 90), ``BENCH_POKE`` (default 10).
Figures, not asserts; the load average is printed beside them.

``BENCH_KIND=datetime`` is the baseline of Airflow's own cost: the same tasks wait on Airflow's
core ``DateTimeTrigger`` instead, due in the same bursts as the Watch triggers fire (one burst
every ``BENCH_POKE`` s, the run's share of triggers each, about 260 of 1,000), and the same
figures are taken with "inserted" read as "due". ``BENCH_LEAD`` (default 60 s) is how long after
deferring the first burst is due, less one poke, time enough for the triggerer to load them all.
``DateTimeTrigger`` logs an INFO line every second of its last 20 s; ``BENCH_CORE_QUIET=1`` sets
its logger to WARNING, so that only the firing is logged, as with the Watch triggers.

``BENCH_GC=1`` notes every garbage collection of 50 ms or more in Airflow's processes (a
``sitecustomize`` on their ``PYTHONPATH``) and prints them beside the blocked-loop warnings.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _common import table

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("BENCH_TRIGGERS", "1000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "90"))
POKE = float(os.environ.get("BENCH_POKE", "10"))
KIND = os.environ.get("BENCH_KIND", "watch")
LEAD = float(os.environ.get("BENCH_LEAD", "60"))
WINDOW = timedelta(minutes=1)
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)

DAG = f'''
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

with DAG("watch_many", schedule=None, catchup=False):
    for i in range({COUNT}):
        EmptyOperator(task_id=f"w{{i}}")
'''

DEFER = '''
import json, sys
from datetime import datetime, timezone
from airflow.models.serialized_dag import SerializedDagModel
from airflow.models.trigger import Trigger
from airflow.utils.session import create_session
from airflow.utils.state import DagRunState, TaskInstanceState
from airflow.utils.types import DagRunTriggeredByType, DagRunType
from airflow_provider_activecampaign.triggers.activecampaign import ActiveCampaignWatchTrigger
from airflow.providers.standard.triggers.temporal import DateTimeTrigger

def make(kwargs):
    if "moment" in kwargs:
        return DateTimeTrigger(moment=datetime.fromisoformat(kwargs["moment"]))
    return ActiveCampaignWatchTrigger(**kwargs)

kwargs = json.load(open(sys.argv[1]))
with create_session() as session:
    dag = SerializedDagModel.get_dag("watch_many", session=session)
    now = datetime.now(timezone.utc)
    run = dag.create_dagrun(run_id="bench", logical_date=now, data_interval=(now, now), run_after=now,
                            run_type=DagRunType.MANUAL, triggered_by=DagRunTriggeredByType.TEST,
                            state=DagRunState.RUNNING, session=session)
    for ti in run.get_task_instances(session=session):
        trigger = Trigger.from_object(make(kwargs[int(ti.task_id[1:])]))
        session.add(trigger)
        session.flush()
        ti.trigger_id, ti.state, ti.next_method = trigger.id, TaskInstanceState.DEFERRED, "execute_complete"
        session.merge(ti)
    session.commit()
'''


#: ``BENCH_GC``: each collection of 50 ms or more, one line to ``BENCH_GC_FILE``: time, pid, generation, seconds
GC_PROBE = '''
import gc, os, time
_started = []
def _note(phase, info):
    if phase == "start":
        _started[:] = [time.perf_counter()]
    elif _started and (took := time.perf_counter() - _started[0]) >= 0.05:
        with open(os.environ["BENCH_GC_FILE"], "a") as out:
            out.write(f"{time.time():.3f} {os.getpid()} {info['generation']} {took:.3f}\\n")
if os.environ.get("BENCH_GC_FILE"):
    gc.callbacks.append(_note)
'''


#: the triggerer's "blocked" line and its time: ``2026-12-06T03:58:24.153Z`` (Airflow 3.3) or
#: ``2026-12-06 03:52:04`` (3.0, UTC), at the start of the line
BLOCKED = re.compile(r"^\[?(\d{4}-\d\d-\d\d[T ][\d:.]+)\S* .*async thread was blocked for ([0-9.]+) seconds", re.M)


def logged_at(text: str) -> datetime:
    """A log line's time (Airflow writes UTC; 3.0's console lines leave the zone out)."""
    return datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=timezone.utc)


def rss_mib(pid: int) -> float:
    """VmRSS of ``pid`` and its descendants, MiB."""
    total = 0.0
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
        return total + sum(rss_mib(int(child)) for child in out.split())
    except (OSError, ValueError):
        return total


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def spread() -> float:
    """Seconds over which the records are inserted (the triggers are due)."""
    return max(1.0, SECONDS - 2 * POKE - 2)


def trigger_kwargs(first_due: float) -> list[dict[str, object]]:
    """Each task's trigger: a Watch search of its own minute, or a moment due in its burst."""
    if KIND == "datetime":
        start = datetime.now(timezone.utc) + timedelta(seconds=first_due - time.monotonic())
        return [{"moment": (start + timedelta(seconds=POKE * (spread() * i / COUNT // POKE))).isoformat()}
                for i in range(COUNT)]
    return [{"resource": "contact", "since": (BASE + i * WINDOW).isoformat(),
             "until": (BASE + (i + 1) * WINDOW).isoformat(), "poke_interval": POKE} for i in range(COUNT)]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
    from tests.triggers.live_airflow import LiveAirflow

    what = "DateTimeTrigger (Airflow's own)" if KIND == "datetime" else "Watch"
    print(f"Triggerer benchmark: {COUNT} {what} triggers, poke {POKE:g} s, {SECONDS:g} s; load before {load()}")
    env = {"AIRFLOW__TRIGGERER__CAPACITY": str(max(1000, COUNT))}
    if os.environ.get("BENCH_GC"):
        probe = Path(tempfile.mkdtemp(prefix="ac-bench-gc-"))
        (probe / "sitecustomize.py").write_text(GC_PROBE)
        env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(probe), os.environ.get("PYTHONPATH")])),
                   BENCH_GC_FILE=str(probe / "gc.txt"))
    if os.environ.get("BENCH_CORE_QUIET"):
        env["AIRFLOW__LOGGING__NAMESPACE_LEVELS"] = "airflow.providers.standard.triggers.temporal=WARNING"
    with ActiveCampaignEmulator(api_key="bench-triggerer-key-0123456789", rate_limit=5) as emu:
        live = LiveAirflow({"watch_many": DAG}, emu.connection_json(), extra_env=env)
        try:
            run = {"env": live.env, "check": True, "capture_output": True}
            subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], **run)
            subprocess.run([sys.executable, "-m", "airflow", "dags", "reserialize"], **run)
            first_due = time.monotonic() + LEAD + POKE  # datetime: the first burst's moment
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(trigger_kwargs(first_due), f)
            subprocess.run([sys.executable, "-c", DEFER, f.name], **run)
            deferred = live.query("SELECT count(*) FROM task_instance WHERE state = 'deferred'")[0][0]
            print(f"{deferred} task instances deferred; starting the triggerer (load {load()})")
            emu.clear_requests()
            live.start("triggerer")
            pid = live.procs["triggerer"].pid
            print(f"triggerer pid {pid}", flush=True)
            measure(live, emu, pid, first_due)
        finally:
            live.stop("triggerer")
            if os.environ.get("BENCH_KEEP"):
                print(f"kept: {live.home}")
            else:
                import shutil

                shutil.rmtree(live.home, ignore_errors=True)


def measure(live, emu, pid: int, first_due: float) -> None:
    started = time.monotonic()
    if KIND == "datetime":  # nothing to insert: each trigger is due at its burst's moment
        time.sleep(max(0.0, first_due - POKE - started))
        print(f"first burst due in {POKE:g} s, {first_due - started:.1f} s after the triggerer started"
              f" (load {load()})", flush=True)
        plan = [(first_due + POKE * (spread() * i / COUNT // POKE), i) for i in range(COUNT)]
    else:  # the triggers start polling once the triggerer loaded them: wait for the first request
        while not emu.requests and time.monotonic() - started < 180:
            time.sleep(0.25)
        print(f"first request {time.monotonic() - started:.1f} s after the triggerer started (load {load()})",
              flush=True)
        time.sleep(POKE)  # every trigger has polled once
        plan = [(time.monotonic() + spread() * i / COUNT, i) for i in range(COUNT)]
    inserting = datetime.now(timezone.utc)  # blocked-loop warnings before this were quiet polls
    before = len(emu.requests)  # requests while loading and polling quietly
    inserted, fired, rss = watch_firing(live, emu, pid, plan)
    report(live, emu, inserting, inserted, fired, rss)
    print(f"requests after the first insert: {len(emu.requests) - before} (before it: {before})")


def watch_firing(live, emu, pid: int, plan: list[tuple[float, int]]
                 ) -> tuple[dict[int, float], dict[int, float], tuple[float, float]]:
    """Insert each trigger's record at its planned time (Watch), note when each task left ``deferred``."""
    rss_start = peak = rss_mib(pid)
    inserted: dict[int, float] = {}
    fired: dict[int, float] = {}
    end = time.monotonic() + SECONDS
    pending = list(plan)
    last_check = 0.0
    while time.monotonic() < end:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            due, i = pending.pop(0)
            if KIND == "datetime":
                inserted[i] = due
                continue
            emu.insert("contacts", email=f"c{i}@example.com", cdate=(BASE + i * WINDOW + WINDOW / 2).isoformat())
            inserted[i] = time.monotonic()
        if now - last_check >= 0.25:
            last_check = now
            for (task_id,) in live.query("SELECT task_id FROM task_instance WHERE state != 'deferred'"):
                fired.setdefault(int(task_id[1:]), now)
            peak = max(peak, rss_mib(pid))
        time.sleep(0.01)
    return inserted, fired, (rss_start, peak)


def report(live, emu, inserting: datetime, inserted: dict[int, float], fired: dict[int, float],
           rss: tuple[float, float]) -> None:
    """The figures (and each blocked-loop warning's time from the first insert, to line up with the bursts)."""
    rss_start, peak = rss
    statuses = Counter(r.status for r in emu.requests)
    delays = sorted(fired[i] - inserted[i] for i in fired if i in inserted)
    early = sum(1 for i in fired if i not in inserted)
    within = sum(1 for d in delays if d <= 2 * POKE)
    logs = live.log("triggerer") + "".join(
        p.read_text(errors="replace") for p in (live.home / "logs").rglob("*") if p.is_file())
    blocked = [(logged_at(at) < inserting, float(seconds)) for at, seconds in BLOCKED.findall(logs)]
    quiet = [seconds for polling, seconds in blocked if polling]
    print("blocked-loop warnings (s after the first insert: blocked s):", ", ".join(
        f"{(logged_at(at) - inserting).total_seconds():.1f}: {float(sec):.2f}" for at, sec in BLOCKED.findall(logs)))
    firing = [seconds for polling, seconds in blocked if not polling]
    infos = len(re.findall(r"next poll in", logs))
    print(table(["", "figure"], [
        ["requests / 429s", f"{sum(statuses.values())} / {statuses.get(429, 0)}"],
        ["blocked-loop warnings, quiet polls (max s)", f"{len(quiet)} ({max(quiet, default=0):.2f})"],
        ["blocked-loop warnings, records found (max s)", f"{len(firing)} ({max(firing, default=0):.2f})"],
        ["RSS when running / peak / growth (MiB)", f"{rss_start:.0f} / {peak:.0f} / {peak - rss_start:.0f}"],
        ["fired / inserted", f"{len(fired)} / {len(inserted)} (fired before insert: {early})"],
        ["fired within 2 poll intervals", f"{within} of {len(inserted)} ({100 * within / max(1, len(fired)):.1f} %)"],
        ["delay p50 / p99 / max (s)", (f"{statistics.median(delays):.1f} / {delays[int(0.99 * (len(delays) - 1))]:.1f}"
                                       f" / {delays[-1]:.1f}") if delays else "-"],
        ["quiet-poll INFO lines in the logs", str(infos)],
    ]))
    if gc_file := os.environ.get("BENCH_GC") and live.env.get("BENCH_GC_FILE"):
        notes = Path(gc_file).read_text().split() if Path(gc_file).exists() else []
        rows = [notes[n:n + 4] for n in range(0, len(notes), 4)]
        print("collections >= 50 ms (s after the first insert: pid, generation, s):", ", ".join(
            f"{float(at) - inserting.timestamp():.1f}: {pid} g{gen} {took}" for at, pid, gen, took in rows))
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
