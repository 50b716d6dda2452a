"""Rate-limit benchmark: the client-side limiter against an emulator enforcing 5 requests/s.

ActiveCampaign allows 5 requests per second per account and answers 429 (``Retry-After``) above
that. With the connection's ``requests_per_second`` at 5 the hooks space their requests so that
the server should never refuse one; with it at 0 (limiter off) the server refuses the excess and
the hooks' retries (after ``Retry-After``) still complete every call, only later.

For each case: 30 calls with the sync hook (one after the other) and 30 with the async hook
(``asyncio.gather``, all 30 at once), each ``GET /api/3/users/me``. Printed: wall time, calls/s,
HTTP requests the emulator saw and how many it answered 429, failed calls.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from _common import isolated_airflow, machine, table

CALLS = 30
SERVER_RATE = 5
API_KEY = "bench-rate-limit-key-0123456789"


class RetryCounter(logging.Handler):
    """Reads the hook's "retrying" warnings: how many retries, and the most any one call needed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries = 0
        self.deepest = 0
        self.allowed = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in str(record.msg) and isinstance(record.args, tuple) and len(record.args) == 5:
            self.retries += 1
            self.deepest = max(self.deepest, int(record.args[3]))
            self.allowed = int(record.args[4])




def main() -> int:
    started = time.perf_counter()
    isolated_airflow("ERROR")  # quiet: no per-page or per-retry log lines among the figures


    from airflow_provider_activecampaign.client.ratelimit import window_of
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    counter = RetryCounter()
    hook_log = logging.getLogger("airflow_provider_activecampaign.hooks.activecampaign")
    hook_log.addHandler(counter)
    hook_log.setLevel(logging.WARNING)
    hook_log.propagate = False

    print(machine("rate-limit"))
    print(f"emulator enforces {SERVER_RATE} requests/s (sliding window, 429 + Retry-After: 1 above it); "
          f"client limiter: at most the rate in any rolling {window_of(SERVER_RATE)[1]} s of send times\n")

    def sync_calls() -> list[Any]:
        with ActiveCampaignHook() as hook:
            out: list[Any] = []
            for _ in range(CALLS):
                try:
                    out.append(hook.request("GET", "users/me"))
                except Exception as error:  # counted as a failed call
                    out.append(error)
            return out

    async def async_calls() -> list[Any]:
        async with ActiveCampaignAsyncHook() as hook:
            await hook.get_client()  # connection read before the clock starts mattering
            return await asyncio.gather(*(hook.request("GET", "users/me") for _ in range(CALLS)),
                                        return_exceptions=True)

    rows = []
    with ActiveCampaignEmulator(api_key=API_KEY, rate_limit=SERVER_RATE) as emu:
        for client_rate in (SERVER_RATE, 0):
            conn = json.loads(emu.connection_json())
            conn["extra"]["requests_per_second"] = client_rate
            os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
            cases: list[tuple[str, Callable[[], list[Any]]]] = [
                ("sync, sequential", sync_calls),
                (f"async, gather({CALLS})", lambda: asyncio.run(async_calls())),
            ]
            for label, fn in cases:
                time.sleep(1.0)  # let the server's one-second window empty between cases
                emu.clear_requests()
                counter.retries = counter.deepest = 0
                begin = time.perf_counter()
                results = fn()
                wall = time.perf_counter() - begin
                statuses = Counter(r.status for r in emu.requests)
                failed = [r for r in results if isinstance(r, BaseException)]
                http = sum(statuses.values())
                rows.append([
                    f"limiter {'off' if client_rate == 0 else f'{client_rate}/s'}, {label}",
                    f"{len(results) - len(failed)}/{CALLS}",
                    f"{wall:.2f} s",
                    f"{(len(results) - len(failed)) / wall:.2f}/s",
                    str(http),
                    f"{http / wall:.2f}/s",
                    str(statuses.get(429, 0)),
                    f"{counter.deepest} of {counter.allowed}" if counter.deepest else "0",
                    str(len(failed)),
                ])
                for error in failed[:3]:
                    print(f"  failed call ({label}): {type(error).__name__}: {error}")

    print(table(["case", "calls ok", "wall", "calls/s", "HTTP requests", "requests/s", "429s",
                 "max retries/call", "failed"], rows))
    print("\nlimiter on: no 429 expected. Limiter off: every 429 is retried after its Retry-After (1 s), "
          "holding back all requests of the account meanwhile; a call fails only once its retries run out.")
    print(f"total benchmark time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
