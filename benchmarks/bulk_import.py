"""Bulk import benchmark: 100,000 contacts from a JSON Lines file, with the emulator's limits on.

The emulator runs in a child process (so tracemalloc sees the importer alone) with the
account's 5 requests a second, and the bulk API's 250 contacts a request, 100 imports a
minute (HTTP 400 beyond) and ``BENCH_PROCESSING`` seconds (default 2) of background
processing per import. Measured:

* ``ActiveCampaignBulkImportContactsOperator`` without a triggerer (``deferrable=False``) and
  deferred (the trigger run in-line, as ``dag.test()`` does, without a scheduler's latency):
  contacts a minute, requests by status, every row imported or reported, tracemalloc peak;
* the peak again for a tenth of the rows: the same peak means memory is O(batch), not O(rows);
* the old way, one ``POST /contact/sync`` per contact at 5 requests a second, timed on a
  sample of ``BENCH_SAMPLE`` contacts (default 50) and extrapolated.

``BENCH_BULK_CONTACTS`` changes N (default 100,000: about 3.5 minutes a mode); ``BENCH_MODES``
picks the modes (default ``sync,deferrable``).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

from _common import isolated_airflow, machine, table

N_CONTACTS = int(os.environ.get("BENCH_BULK_CONTACTS", "100000"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "50"))
PROCESSING = float(os.environ.get("BENCH_PROCESSING", "2"))
MODES = os.environ.get("BENCH_MODES", "sync,deferrable").split(",")
API_KEY = "bench-bulk-key-0123456789"
GOAL = 20_000  # contacts a minute


def serve(pipe: Any) -> None:
    """Child process: an emulator with the API's limits, answering commands on ``pipe``."""
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    with ActiveCampaignEmulator(api_key=API_KEY, rate_limit=5) as emu:
        emu.bulk_imports.configure(processing_seconds=PROCESSING)
        pipe.send(emu.connection_json())
        while (command := pipe.recv()) != "stop":
            if command == "stats":  # requests by kind and status since the last call, and the contacts
                pipe.send((dict(Counter(f"{r.method} {r.path.rsplit('/', 1)[-1]} {r.status}" for r in emu.requests)),
                           len(emu.records("contacts"))))
                emu.clear_requests()
            elif command == "reset":
                emu.reset()
                emu.bulk_imports.configure(processing_seconds=PROCESSING)
                pipe.send(None)


class EmulatorProcess:
    def __enter__(self) -> EmulatorProcess:
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child,), daemon=True)
        self.process.start()
        self.connection_json = self.pipe.recv()
        return self

    def call(self, command: str) -> Any:
        self.pipe.send(command)
        return self.pipe.recv()

    def __exit__(self, *exc: object) -> None:
        self.pipe.send("stop")
        self.process.join(timeout=10)


def write_source(folder: Path, n: int) -> str:
    path = folder / f"contacts-{n}.jsonl"
    with path.open("w") as out:
        for i in range(n):
            out.write(json.dumps({"email": f"contact{i:06d}@example.com", "first_name": f"First{i}",
                                  "last_name": f"Last{i}", "tags": ["bulk"]}) + "\n")
    return str(path)


def run_import(source: str, report: str, deferrable: bool) -> dict[str, Any]:
    """One import, deferred steps run in-line; its summary, seconds and tracemalloc peak."""
    from airflow.providers.common.compat.sdk import TaskDeferred

    from airflow_provider_activecampaign.operators import ActiveCampaignBulkImportContactsOperator

    op = ActiveCampaignBulkImportContactsOperator(task_id="bench", source_path=source, report_path=report,
                                                  poll_interval=1.0, deferrable=deferrable)
    tracemalloc.start()
    started = time.perf_counter()
    step, deferrals = (lambda: op.execute({})), 0
    while True:
        try:
            summary = step()
            break
        except TaskDeferred as deferred:
            deferrals += 1
            event = asyncio.run(deferred.trigger.wait())
            step = lambda event=event: op.execute_complete({}, event)  # noqa: E731
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    op.hook.close()
    return {**summary, "seconds": seconds, "peak": peak, "deferrals": deferrals}


def check_report(report: str, n: int) -> tuple[int, Counter]:
    statuses: Counter = Counter()
    rows = 0
    with open(report) as lines:
        for line in lines:
            statuses[json.loads(line)["status"]] += 1
            rows += 1
    return rows, statuses


def old_way(sample: int) -> float:
    """Seconds per contact, one ``POST /contact/sync`` each through the paced hook."""
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

    with ActiveCampaignHook() as hook:
        started = time.perf_counter()
        for i in range(sample):
            hook.request("POST", "contact/sync", json={"contact": {"email": f"old{i:06d}@example.com",
                                                                   "firstName": f"Old{i}"}})
        return (time.perf_counter() - started) / sample


def main() -> int:
    isolated_airflow("WARNING")
    print(machine("Bulk import"))
    print(f"{N_CONTACTS:,} contacts; emulator: 5 requests/s, 250 contacts a request, 100 imports a minute, "
          f"{PROCESSING:g} s processing an import\n")
    rows, failures, details = [], [], []
    with tempfile.TemporaryDirectory() as tmp, EmulatorProcess() as emu:
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = emu.connection_json  # client paced at 5 req/s
        folder = Path(tmp)
        big, small = write_source(folder, N_CONTACTS), write_source(folder, max(1, N_CONTACTS // 10))
        warm_up = write_source(folder, 10)
        for mode in MODES:
            emu.call("reset")  # a first small import loads every module outside the measured runs
            run_import(warm_up, str(folder / f"warm-up-{mode}.jsonl"), deferrable=mode == "deferrable")
            for label, source, n in ((f"{mode}, {N_CONTACTS:,} rows", big, N_CONTACTS),
                                     (f"{mode}, {N_CONTACTS // 10:,} rows", small, N_CONTACTS // 10)):
                emu.call("reset")
                report = str(folder / f"report-{mode}-{n}.jsonl")
                result = run_import(source, report, deferrable=mode == "deferrable")
                requests, contacts = emu.call("stats")
                reported, statuses = check_report(report, n)
                per_minute = n / result["seconds"] * 60
                refused = sum(v for k, v in requests.items() if k.endswith((" 400", " 429")))
                rows.append([label, f"{result['seconds']:.1f}", f"{per_minute:,.0f}", f"{reported:,}",
                             f"{statuses['imported']:,}/{statuses['failed']}/{statuses['unknown']}", f"{contacts:,}",
                             str(sum(v for k, v in requests.items() if k.startswith("POST"))), str(refused),
                             str(result["deferrals"]), f"{result['peak'] / 2**20:.2f}"])
                details.append(f"{label}: requests {dict(sorted(requests.items()))}")
                if reported != n or statuses["imported"] != n or contacts != n:
                    failures.append(f"{label}: {reported} rows reported, {statuses}, {contacts} contacts")
                if n == N_CONTACTS and per_minute < GOAL:
                    failures.append(f"{label}: {per_minute:,.0f} contacts a minute < {GOAL:,}")
        emu.call("reset")
        per_contact = old_way(SAMPLE)
        old_requests, _ = emu.call("stats")
    old_seconds = per_contact * N_CONTACTS
    rows.append([f"old way: contact/sync x {SAMPLE} (extrapolated)", f"{old_seconds:,.0f}",
                 f"{60 / per_contact:,.0f}", "-", "-", "-", str(sum(old_requests.values())), "-", "-", "-"])
    print(table(["run", "seconds", "contacts/min", "report rows", "imported/failed/unknown", "contacts",
                 "imports", "400/429", "deferrals", "peak MiB"], rows))
    print(f"\nold way for {N_CONTACTS:,} contacts: {old_seconds / 3600:.1f} h; goal: >= {GOAL:,} contacts a minute")
    print("\n".join(details))
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
