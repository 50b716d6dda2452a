"""Paging benchmark: stream every contact with keyset paging, and list them with an operator.

The emulator runs in a child process with N contacts inserted through its Python API, so that
the figures of this process (CPU time, tracemalloc) are the consumer's alone. Measured:

* ``ActiveCampaignHook().paginate("contacts", "contacts", keyset=True)``: records/s, requests, pages,
  client CPU per record;
* tracemalloc peak while iterating (records counted and dropped) vs. materialising a list, at two
  sizes: a streaming consumer holds about one page (the pager keeps no set of seen ids), a list
  grows by the full record size (~4 KB a contact);
* ``ActiveCampaignListContactsOperator(output_path=...)``: records/s, file size, and the XCom value
  (only ``{"path", "count"}``).

* at the account's rate (the emulator's 5 requests/s limit on, the client at 5): records/s and 429s
  with the old limiter (slots booked 1.05/rate apart) and the rolling window of send times;
* RSS growth of this process streaming ``BENCH_RSS_CONTACTS`` (default 200,000) contacts, at four
  points, and the slope projected to 1,000,000.

The emulator serves a plain id-ordered page as a slice of its table (no filter or sort of the
whole table per page). ``BENCH_CONTACTS`` changes N (default 10,000).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from _common import isolated_airflow, machine, table

N_CONTACTS = int(os.environ.get("BENCH_CONTACTS", "10000"))
RSS_CONTACTS = int(os.environ.get("BENCH_RSS_CONTACTS", "200000"))  # RSS growth and its slope
SMALL = max(1, N_CONTACTS // 5)  # the smaller size of the memory comparison
API_KEY = "bench-paging-key-0123456789"
PAGE_SIZE = 100  # the hook's page size (records a request)


# --------------------------------------------------------------------------- the emulator process


def serve(pipe: Any, n_contacts: int) -> None:
    """Child process: an emulator with ``n_contacts`` contacts, answering commands on ``pipe``."""
    from airflow_provider_activecampaign.testing import ActiveCampaignEmulator

    with ActiveCampaignEmulator(api_key=API_KEY) as emu:
        pipe.send(None)  # started: the parent may start measuring its own memory
        started = time.perf_counter()
        for i in range(n_contacts):
            emu.insert("contacts", email=f"contact{i:06d}@example.com", firstName=f"First{i}",
                       lastName=f"Last{i}", phone=f"+1 312 555 {i % 10000:04d}")
        pipe.send((emu.connection_json(), time.perf_counter() - started))
        while (command := pipe.recv()) != "stop":
            if command == "requests":  # how many requests since the last call, by status
                pipe.send(dict(Counter(r.status for r in emu.requests)))
                emu.clear_requests()
            elif command.startswith("rate "):  # the API's rate limit: "rate 5", "rate 0" (off)
                emu.rate_limit = float(command.split()[1]) or None


class EmulatorProcess:
    def __init__(self, n_contacts: int = N_CONTACTS) -> None:
        self.n_contacts = n_contacts

    def __enter__(self) -> EmulatorProcess:
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, self.n_contacts), daemon=True)
        self.process.start()
        self.pipe.recv()
        self.connection_json, self.insert_seconds = self.pipe.recv()
        return self

    def rate(self, limit: float) -> None:
        self.pipe.send(f"rate {limit:g}")

    def requests(self) -> dict[int, int]:
        self.pipe.send("requests")
        return self.pipe.recv()

    def __exit__(self, *exc: object) -> None:
        self.pipe.send("stop")
        self.process.join(timeout=10)


# --------------------------------------------------------------------------- measuring


def consume(records: Iterable[Any], *, collect_every: int = 0) -> int:
    """Count records without keeping them; ``collect_every``: run the cyclic GC every so many records."""
    count = 0
    for _ in records:
        count += 1
        if collect_every and count % collect_every == 0:
            gc.collect()
    return count


def run(fn: Callable[[], Any], *, traced: bool = False) -> dict[str, Any]:
    """Call ``fn``: wall and CPU seconds, and with ``traced`` the tracemalloc peak above the start."""
    if traced:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    out = {"value": value, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
    if traced:
        out["peak"] = tracemalloc.get_traced_memory()[1] - base
        del value, out["value"]
        tracemalloc.stop()
    return out




class OldSpacing:
    """The limiter before (baseline): slots booked ahead, 1.05/rate apart (5 % headroom), lost time never made up."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.05 / rate
        self._next = 0.0
        self._booked: float | None = None

    def try_acquire(self, paced: bool = True) -> float:
        now = time.monotonic()
        if self._booked is not None:
            if now >= self._booked:
                self._booked = None
                return 0.0
            return self._booked - now
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot <= now:
            return 0.0
        self._booked = slot
        return slot - now


def at_the_accounts_rate(emu: EmulatorProcess, rate: int = 5) -> None:
    """Records/s with the API's limit on and the client at the same rate: the old spacing vs the rolling window."""
    from airflow_provider_activecampaign.client.ratelimit import forget_limiters
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

    conn = json.loads(emu.connection_json)
    conn["extra"]["requests_per_second"] = rate
    os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
    emu.rate(rate)
    rows = []
    for label in ("old: slots 1.05/rate apart, booked ahead", "rolling 1 s window of send times"):
        forget_limiters()
        hook = ActiveCampaignHook()
        hook.client  # noqa: B018 -- connection, core and httpx client made before measuring
        if label.startswith("old"):
            hook.core.limiter.try_acquire = OldSpacing(rate).try_acquire  # type: ignore[method-assign]
        time.sleep(1.1)  # the API's window empties between cases
        emu.requests()
        result = run(lambda hook=hook: consume(hook.paginate("contacts", "contacts", keyset=True)))
        statuses = emu.requests()
        assert_count(result["value"], N_CONTACTS, "streamed")
        per_second = result["value"] / result["wall"]
        rows.append([label, f"{result['value']:,}", f"{result['wall']:.2f} s", f"{per_second:,.1f}",
                     f"{per_second / (rate * PAGE_SIZE):.1%}", f"{sum(statuses.values()):,}",
                     str(statuses.get(429, 0))])
        hook.close()
    emu.rate(0)
    print(table([f"keyset paging at {rate} requests/s", "records", "wall", "records/s", "of the limit",
                 "requests", "429s"], rows))
    print(f"(the limit: {rate} requests/s x {PAGE_SIZE} records = {rate * PAGE_SIZE} records/s)\n")


def rss() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def rss_growth(n_contacts: int) -> None:
    """RSS of this process while streaming ``n_contacts`` (emulator in its own process), and its slope."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignHook

    with EmulatorProcess(n_contacts) as emu:
        conn = json.loads(emu.connection_json)
        conn["extra"]["requests_per_second"] = 0
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
        hook = ActiveCampaignHook()
        hook.client  # noqa: B018
        gc.collect()
        base, marks, count, began = rss(), {}, 0, time.perf_counter()
        step = max(PAGE_SIZE, n_contacts // 4)
        for _ in hook.paginate("contacts", "contacts", keyset=True):
            count += 1
            if count % step == 0:
                marks[count] = rss() - base
        wall = time.perf_counter() - began
        hook.close()
    assert_count(count, n_contacts, "streamed")
    rows = [[f"{n:,}", mib(grow), f"{grow / n:,.0f} B"] for n, grow in marks.items()]
    print(table(["records streamed (RSS)", "growth", "per record"], rows))
    points = list(marks.items())
    (n1, g1), (n2, g2) = points[0], points[-1]
    slope = (g2 - g1) / (n2 - n1) if n2 > n1 else 0.0
    print(f"slope {slope:,.0f} B/record -> {mib(g2 + slope * (1_000_000 - n2))} projected at 1,000,000 records; "
          f"{n_contacts:,} contacts inserted in {emu.insert_seconds:.1f} s, streamed in {wall:.1f} s "
          f"({n_contacts / wall:,.0f} records/s with no limit)\n")


def mib(n: float) -> str:
    return f"{n / 2**20:.2f} MiB"


def main() -> int:
    started = time.perf_counter()
    isolated_airflow("WARNING")  # quiet: no per-page or per-retry log lines among the figures


    from airflow_provider_activecampaign.hooks.activecampaign import PAGE_SIZE, ActiveCampaignHook
    from airflow_provider_activecampaign.operators import ActiveCampaignListContactsOperator

    print(machine("paging"))
    with EmulatorProcess() as emu:
        conn = json.loads(emu.connection_json)
        conn["extra"]["requests_per_second"] = 0  # the client-side limiter off: paging at full speed
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)
        print(f"{N_CONTACTS:,} contacts inserted through the emulator's Python API in {emu.insert_seconds:.1f} s "
              "(emulator in a child process)\n")
        at_the_accounts_rate(emu)
        os.environ["AIRFLOW_CONN_ACTIVECAMPAIGN_DEFAULT"] = json.dumps(conn)

        def stream(limit: int | None = None, how: str = "stream") -> Callable[[], Any]:
            hook = ActiveCampaignHook()
            hook.client  # noqa: B018 -- connection, core and httpx client made before measuring
            records = hook.paginate("contacts", "contacts", keyset=True, limit=limit)
            if how == "list":
                return lambda: len(list(records))
            return lambda: consume(records, collect_every=PAGE_SIZE if how == "gc" else 0)

        # 1. throughput, untraced
        result = run(stream())
        requests = emu.requests()
        assert_count(result["value"], N_CONTACTS, "streamed")
        n_requests = sum(requests.values())
        print(table(["hook.paginate(keyset=True)", "value"], [
            ["records", f"{result['value']:,}"],
            ["wall time", f"{result['wall']:.2f} s"],
            ["throughput", f"{result['value'] / result['wall']:,.0f} records/s"],
            ["requests (= pages)", f"{n_requests:,} ({', '.join(f'{n} x {s}' for s, n in requests.items())})"],
            ["records per page", f"{result['value'] / n_requests:.1f}"],
            ["pages per second", f"{n_requests / result['wall']:.1f} pages/s"],
            ["client CPU", f"{result['cpu']:.2f} s ({result['cpu'] / result['value'] * 1e6:.0f} us/record)"],
        ]))

        # 2. memory: streaming vs a list, at two sizes. httpx/httpcore leave each page's response (body
        # included) in a reference cycle, freed by the cyclic GC when it next runs: the "gc" rows collect
        # after every page (objects made before are frozen, so that is cheap) to show the pager's own share.
        variants = {"stream": "stream: count, drop", "gc": "stream + gc.collect() per page",
                    "list": "list(paginate(...))"}
        rows = []
        peaks: dict[tuple[str, int], int] = {}
        for size in (SMALL, N_CONTACTS):
            for how, label in variants.items():
                if how == "gc":
                    gc.collect()
                    gc.freeze()
                measured = run(stream(None if size == N_CONTACTS else size, how), traced=True)
                gc.unfreeze()
                emu.requests()
                peaks[how, size] = measured["peak"]
                rows.append([label, f"{size:,}", mib(measured["peak"]), f"{measured['peak'] / size:,.0f} B"])
        print()
        print(table(["consumer (tracemalloc peak)", "records", "peak", "per record"], rows))
        extra = N_CONTACTS - SMALL
        print(f"peak growth for {extra:,} more records:")
        for how, label in variants.items():
            grow = peaks[how, N_CONTACTS] - peaks[how, SMALL]
            print(f"  {label:<31} {mib(grow):>10}  ({grow / extra:,.0f} B/record)")
        print("  (streaming keeps one page and the pager only its overlap; what grows is page garbage between GCs)")

        # 3. the operator, writing JSON Lines
        out_dir = Path(tempfile.mkdtemp(prefix="ac-bench-out-"))
        out_path = out_dir / "contacts.jsonl"
        operator = ActiveCampaignListContactsOperator(task_id="list_contacts", output_path=str(out_path))
        result = run(lambda: operator.execute(context={}))  # type: ignore[arg-type]
        requests = emu.requests()
        xcom = result["value"]
        assert_count(xcom.get("count"), N_CONTACTS, "written")
        with out_path.open() as written:
            lines = sum(1 for _ in written)
        size = out_path.stat().st_size
        print()
        print(table(["ListContactsOperator(output_path=...)", "value"], [
            ["records written", f"{xcom['count']:,} ({lines:,} lines)"],
            ["wall time", f"{result['wall']:.2f} s"],
            ["throughput", f"{xcom['count'] / result['wall']:,.0f} records/s"],
            ["requests", f"{sum(requests.values()):,}"],
            ["file size", f"{mib(size)} ({size / xcom['count']:,.0f} B/record)"],
            ["XCom value keys", ", ".join(sorted(xcom))],
            ["XCom value size", f"{len(json.dumps(xcom))} B"],
        ]))
        out_path.unlink()
        out_dir.rmdir()
    print()
    fresh = multiprocessing.get_context("spawn").Process(target=rss_growth, args=(RSS_CONTACTS,))
    fresh.start()  # a fresh process: no heap left free by the runs above to hide the growth
    fresh.join()
    print(f"total benchmark time {time.perf_counter() - started:.1f} s")
    return 0


def assert_count(got: Any, want: int, what: str) -> None:
    """Not a timing assertion: a wrong count means the figures are about something else."""
    if got != want:
        raise SystemExit(f"{what} {got} records, expected {want}")


if __name__ == "__main__":
    sys.exit(main())
