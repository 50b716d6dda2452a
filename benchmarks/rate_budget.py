"""Rate-budget benchmark: listing at the account's limit against a server as strict as ActiveCampaign's.

The emulator runs in a child process with ``BENCH_RECORDS`` contacts and deals (default 20,000
each), its rate limit on (5 requests arriving in any rolling 1.000 s, 429 + ``Retry-After``
above it) and 0-30 ms of random latency before each request arrives (``BENCH_LATENCY``, in
seconds, e.g. ``0,0.03``). Side by side, for contacts (keyset paging) and deals (offset paging):

* ``ActiveCampaignHook().paginate(...)`` with ``requests_per_second`` 5 and 4.5;
* a hand-written httpx + tenacity loop (offset paging, no pacing, retrying 429s after
  ``Retry-After``), the way a DAG author might write it without this provider.

Printed: records/s over the whole read and sustained (excluding the first second, where the
first five requests go at once), requests, 429s, and the budget used (requests/s over 5).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from _common import isolated_airflow, machine, table

N_RECORDS = int(os.environ.get("BENCH_RECORDS", "20000"))
LATENCY = tuple(float(v) for v in os.environ.get("BENCH_LATENCY", "0,0.03").split(","))
SERVER_RATE = 5
API_KEY = "bench-rate-budget-key-0123456789"


def serve(pipe: Any, n_records: int, latency: tuple[float, float]) -> None:
    """Child process: the strict emulator with ``n_records`` contacts and deals, answering commands on ``pipe``."""
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    with ActiveCampaignEmulator(api_key=API_KEY, rate_limit=SERVER_RATE, latency=latency) as emu:
        for i in range(n_records):
            emu.insert("contacts", email=f"c{i:06d}@example.com", firstName=f"First{i}", lastName=f"Last{i}")
            emu.insert("deals", title=f"Deal {i}", value=str(i * 100), currency="usd")
        emu.clear_requests()
        pipe.send(emu.connection_json())
        while (command := pipe.recv()) != "stop":
            if command == "requests":
                pipe.send(dict(Counter(r.status for r in emu.requests)))
                emu.clear_requests()


class EmulatorProcess:
    def __enter__(self) -> EmulatorProcess:
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, N_RECORDS, LATENCY), daemon=True)
        self.process.start()
        self.connection_json = self.pipe.recv()
        return self

    def requests(self) -> dict[int, int]:
        self.pipe.send("requests")
        return self.pipe.recv()

    def __exit__(self, *exc: object) -> None:
        self.pipe.send("stop")
        self.process.join(timeout=10)


def timed(pages: Iterator[int]) -> dict[str, float]:
    """Consume ``pages`` (records per page): total records, wall time, and the rate after the first second."""
    started = time.perf_counter()
    count = at_one = 0
    one = None
    for n in pages:
        count += n
        now = time.perf_counter() - started
        if one is None and now >= 1.0:
            one, at_one = now, count
    wall = time.perf_counter() - started
    sustained = (count - at_one) / (wall - one) if one is not None and wall > one else count / wall
    return {"count": count, "wall": wall, "rate": count / wall, "sustained": sustained}


def provider_pages(plural: str, rate: float) -> Iterator[int]:
    from airflow_provider_activecampaign.client.ratelimit import forget_limiters
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

    forget_limiters()
    conn = json.loads(os.environ["BENCH_CONN"])
    conn["extra"].update({"requests_per_second": rate, "retries": 10})
    os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
    with ActiveCampaignHook() as hook:
        hook.client  # noqa: B018 -- connection and client made before the clock starts
        for records, _ in hook.pages(plural, plural, keyset=plural == "contacts"):
            yield len(records)


def tenacity_pages(plural: str) -> Iterator[int]:
    """What one writes by hand: httpx, offset paging, tenacity retrying 429s after Retry-After."""
    import httpx
    from tenacity import retry, retry_if_exception_type, retry_if_result, stop_after_attempt

    conn = json.loads(os.environ["BENCH_CONN"])

    def after_retry_after(state: Any) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            return float(outcome.result().headers.get("Retry-After", "1"))
        return 0.5

    @retry(retry=retry_if_result(lambda r: r.status_code == 429) | retry_if_exception_type(httpx.TransportError),
           wait=after_retry_after, stop=stop_after_attempt(20))
    def get(client: httpx.Client, offset: int) -> httpx.Response:
        return client.get(f"/api/3/{plural}", params={"limit": 100, "offset": offset, "orders[id]": "ASC"})

    with httpx.Client(base_url=conn["host"], headers={"Api-Token": conn["password"]}, timeout=30) as client:
        offset = 0
        while True:
            reply = get(client, offset)
            reply.raise_for_status()
            records = reply.json()[plural]
            offset += len(records)
            yield len(records)
            if len(records) < 100:
                return


def main() -> int:
    started = time.perf_counter()
    isolated_airflow("ERROR")  # quiet: no per-page or per-retry log lines among the figures
    print(machine("rate-budget"))
    print(f"strict emulator: {SERVER_RATE} requests arriving in any rolling 1.000 s, 429 + Retry-After above; "
          f"{LATENCY[0] * 1000:g}-{LATENCY[1] * 1000:g} ms random latency before each request arrives; "
          f"{N_RECORDS:,} contacts and {N_RECORDS:,} deals; load: {os.getloadavg()[0]:.2f}\n")
    rows = []
    with EmulatorProcess() as emu:
        os.environ["BENCH_CONN"] = emu.connection_json
        cases: list[tuple[str, str, Callable[[], Iterator[int]]]] = []
        for plural in ("contacts", "deals"):
            for rate in (5.0, 4.5):
                cases.append((plural, f"provider, requests_per_second {rate:g}",
                              lambda p=plural, r=rate: provider_pages(p, r)))
            cases.append((plural, "httpx + tenacity loop (unpaced)", lambda p=plural: tenacity_pages(p)))
        for plural, label, pages in cases:
            time.sleep(1.1)  # the server's window empties between cases
            emu.requests()
            result = timed(pages())
            statuses = emu.requests()
            requests = sum(statuses.values())
            if result["count"] != N_RECORDS:
                print(f"  {plural} / {label}: read {result['count']} records, expected {N_RECORDS}")
            rows.append([f"{plural}: {label}", f"{result['count']:,}", f"{result['wall']:.1f} s",
                         f"{result['rate']:.1f}", f"{result['sustained']:.1f}", f"{requests:,}",
                         str(statuses.get(429, 0)), f"{requests / result['wall'] / SERVER_RATE:.1%}"])
            print("  " + "  ".join(rows[-1]), file=sys.stderr, flush=True)
    print(table(["listing", "records", "wall", "rec/s", "rec/s after 1st s", "requests", "429s",
                 "budget used"], rows))
    print(f"\n(the ceiling: {SERVER_RATE} requests/s x 100 records = {SERVER_RATE * 100} records/s; at 4.5/s, 450)")
    print(f"total benchmark time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
