"""Which triggerer process emitted each copy of a duplicated change event, and what happened just before.

Reads a live change-stream run kept with ``BENCH_KEEP=DIR`` (``benchmarks/change_stream.py``):
``DIR/bench-run.json`` (the kills and every asset event) and the triggerers' logs
(``DIR/triggerer*.log``; a restarted triggerer appends to its file, each start is a process
of its own). For every change with more than one event of an asset it finds Airflow's
"Trigger fired event" lines carrying its ``change_key`` and sorts it by cause:

- ``after a kill``: a kill falls between its first copy (less 5 s) and its last one (as the
  benchmark counts it);
- ``two processes``: fired in two triggerer processes (a trigger ran in both);
- ``one process, stream restarted``: fired twice in one process, the stream reopened between
  (an ack timeout or a batch not stored, see the lines before);
- ``stored twice``: fired once per process but stored more often than fired.

Usage: ``python benchmarks/change_dupes.py DIR [--show N]`` (N: examples per cause, with the
log lines of the processes involved in the 60 s before the second copy).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

FIRED = re.compile(r"^(\S+Z) .*Trigger fired event.*name='ID (\d+)'.*?'change_key': '([^']+)'")
NOTABLE = re.compile(r"Change stream|holder|trigger ID \d+ starting|cancelled|trigger completed|Ack timeout|"
                     r"not stored|heartbeat|deadlocked|poll failed|Exiting|Starting the triggerer|"
                     r"database|Traceback|error", re.IGNORECASE)
STAMP = re.compile(r"^(\S+Z) ")


def when(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T")).timestamp()


def read_logs(home: Path) -> tuple[dict[str, list[tuple[float, str]]], list[tuple[float, str, str]]]:
    """(change_key -> [(time, process)] of its fired lines, [(time, process, line)] of notable lines)."""
    fired: dict[str, list[tuple[float, str]]] = defaultdict(list)
    notable: list[tuple[float, str, str]] = []
    for path in sorted(home.glob("triggerer*.log")):
        start = 0
        for line in path.open(errors="replace"):
            if "Starting the triggerer" in line:
                start += 1
            proc = f"{path.stem}/{start}"
            if match := FIRED.match(line):
                fired[match.group(3)].append((when(match.group(1)), proc))
            elif (stamp := STAMP.match(line)) and NOTABLE.search(line):
                notable.append((when(stamp.group(1)), proc, line.strip()[:300]))
    return fired, sorted(notable)


def classify(home: Path) -> tuple[Counter[str], Counter[str], dict[str, list[str]]]:
    """(duplicate asset events by cause, duplicated changes by cause, example change keys by cause)."""
    facts = json.loads((home / "bench-run.json").read_text())
    fired, _ = read_logs(home)
    kills = [at for at, _ in facts["kills"]]
    copies: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _, uri, key, ts in facts["events"]:
        copies[(uri, key)].append(when(ts))
    events, changes, examples = Counter(), Counter(), defaultdict(list)
    by_key: dict[str, list[tuple[str, list[float]]]] = defaultdict(list)
    for (uri, key), times in copies.items():
        if len(times) > 1:
            by_key[key].append((uri, sorted(times)))
    for key, assets in by_key.items():
        lines = fired.get(key, [])
        procs = Counter(proc for _, proc in lines)
        first, last = min(t[0] for _, t in assets), max(t[-1] for _, t in assets)
        if any(first - 5 <= k <= last for k in kills):
            cause = "after a kill"
        elif len(procs) > 1:
            cause = "two processes"
        elif procs and max(procs.values()) > 1:
            cause = "one process, fired twice"
        else:
            cause = "stored more often than fired"
        events[cause] += sum(len(t) - 1 for _, t in assets)
        changes[cause] += 1
        examples[cause].append(key)
    return events, changes, examples


def show(home: Path, key: str, before: float = 60.0) -> str:
    """The fired lines of one change key, and the notable lines of its processes in the ``before`` s before."""
    fired, notable = read_logs(home)
    lines = sorted(fired.get(key, []))
    out = [f"{key}: fired " + ", ".join(f"{datetime.utcfromtimestamp(t):%H:%M:%S.%f} in {p}" for t, p in lines)]
    if len(lines) > 1:
        procs = {p for _, p in lines}
        second = lines[1][0]
        out += [f"  {datetime.utcfromtimestamp(t):%H:%M:%S.%f} {p}: {text[28:]}" for t, p, text in notable
                if p in procs and second - before <= t <= second + 2]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--show", type=int, default=1)
    args = parser.parse_args()
    events, changes, examples = classify(args.home)
    print("cause                          changes  duplicate asset events")
    for cause in sorted(changes):
        print(f"{cause:30} {changes[cause]:7}  {events[cause]:22}")
    for cause, keys in sorted(examples.items()):
        for key in keys[: args.show]:
            print(f"\n[{cause}]\n{show(args.home, key)}")


if __name__ == "__main__":
    main()
