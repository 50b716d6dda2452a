"""Which triggerer process emitted each copy of a duplicated change event, and what happened just before.

Reads a live change-stream run kept with ``BENCH_KEEP=DIR`` (``benchmarks/change_stream.py``):
``DIR/bench-run.json`` (the kills and every asset event) and the triggerers' logs
(``DIR/triggerer*.log``; a restarted triggerer appends to its file, each start is a process
of its own). Every "Trigger fired event" line after a change's first is one extra fire,
sorted by what happened between it and the fire before (the process that fired each):

- ``ack timeout / batch not stored``: Airflow failed the stream's events in that process;
- ``the first process was SIGKILLed``: the fire before came from a process killed since;
- ``handover, both delivering at once``: from another process, which fired more changes of
  the stream after this fire (the trigger ran in both, and both delivered);
- ``handover to the other triggerer``: from another process, which fired no more of the stream;
- ``handover away and back to one process``: the same process, its trigger cancelled between
  (moved to the other triggerer and back);
- ``stored more often than fired``: asset events beyond one per fire and asset.

A change's duplicate asset events are shared among its extra fires.

A tool, not a benchmark (``make bench`` skips files starting with ``_``). Usage:
``python benchmarks/_change_dupes.py DIR [--show N]`` (N: examples per cause, with the
log lines of the processes involved in the 60 s before the second copy).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

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


def segments(home: Path) -> dict[str, list[float]]:
    """Start times of each triggerer's processes: ``{"triggerer": [t1, t2...]}`` (process ``name/k`` starts at t_k)."""
    starts: dict[str, list[float]] = defaultdict(list)
    for path in sorted(home.glob("triggerer*.log")):
        for line in path.open(errors="replace"):
            if "Starting the triggerer" in line and (stamp := STAMP.match(line)):
                starts[path.stem].append(when(stamp.group(1)))
    return starts


def killed(home: Path, facts: dict[str, Any]) -> dict[str, float]:
    """Process -> the time it was SIGKILLed."""
    starts, out = segments(home), {}
    for at, name in facts["kills"]:
        stem = name.replace("#", "-")
        k = sum(1 for t in starts.get(stem, []) if t <= at)
        out[f"{stem}/{k}"] = at
    return out


def cause(fires: list[tuple[float, str]], i: int, stream_fires: dict[str, list[float]], dead: dict[str, float],
          notable: list[tuple[float, str, str]]) -> str:
    """Why fire ``i`` of a change (i >= 1) came after fire ``i - 1``."""
    (t0, p0), (t1, p1) = fires[i - 1], fires[i]
    between = [text for t, p, text in notable if t0 <= t <= t1 and p == p1]
    if any("Ack timeout" in x or "not stored" in x for x in between):
        return "ack timeout / batch not stored"
    if p0 != p1 and p0 in dead and dead[p0] <= t1:
        return "the first process was SIGKILLed"
    if p0 != p1:
        both = any(t > t1 for t in stream_fires.get(p0, []))
        return "handover, both delivering at once" if both else "handover to the other triggerer"
    if any("cancelled by user action" in x for x in between):
        return "handover away and back to one process"
    return "one process, no handover"


def classify(home: Path) -> tuple[Counter[str], Counter[str], dict[str, list[str]]]:
    """(duplicate asset events by cause, extra fires by cause, example change keys by cause)."""
    facts = json.loads((home / "bench-run.json").read_text())
    fired, notable = read_logs(home)
    dead = killed(home, facts)
    stored: Counter[str] = Counter(key for _, _, key, _ in facts["events"])
    assets: dict[str, set[str]] = defaultdict(set)
    for _, uri, key, _ in facts["events"]:
        assets[key].add(uri)
    by_stream: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for key, lines in fired.items():
        for t, proc in lines:
            by_stream[key.split("/")[1]][proc].append(t)
    events, fires, examples = Counter(), Counter(), defaultdict(list)
    for key, lines in fired.items():
        lines = sorted(lines)
        extra = stored[key] - len(assets[key])  # duplicate asset events of this change
        if len(lines) < 2:
            if extra > 0:
                events["stored more often than fired"] += extra
            continue
        for i in range(1, len(lines)):
            why = cause(lines, i, by_stream[key.split("/")[1]], dead, notable)
            fires[why] += 1
            events[why] += extra / (len(lines) - 1)
            examples[why].append(key)
    return events, fires, examples


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


def airflow_side(home: Path) -> list[str]:
    """Per triggerer process: triggers taken on, cancelled by Airflow, late heartbeats (and how late)."""
    _, notable = read_logs(home)
    out = []
    for proc in sorted({p for _, p, _ in notable if not p.endswith("/0")}):
        lines = [text for _, p, text in notable if p == proc]
        late = [float(m.group(1)) for x in lines if (m := re.search(r"Heartbeat recovered after ([0-9.]+)", x))]
        out.append(f"{proc}: took triggers on {sum('trigger ID 1 starting' in x for x in lines)}x, "
                   f"cancelled {sum('ID 1' in x and 'cancelled by user action' in x for x in lines)}x, "
                   f"heartbeat late {len(late)}x ({', '.join(f'{s:.0f}' for s in late)} s), runner silent "
                   f"{sum('deadlocked' in x for x in lines)}x, ack timeouts {sum('Ack timeout' in x for x in lines)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--show", type=int, default=1)
    args = parser.parse_args()
    events, fires, examples = classify(args.home)
    print(f"{'cause of a change fired again':40} {'fires':>6} {'duplicate asset events':>23}")
    for why in sorted(events):
        print(f"{why:40} {fires[why]:6} {events[why]:23.0f}")
    print(f"{'total':40} {sum(fires.values()):6} {sum(events.values()):23.0f}")
    print("\n".join(airflow_side(args.home)))
    for why, keys in sorted(examples.items()):
        for key in keys[: args.show]:
            print(f"\n[{why}]\n{show(args.home, key)}")


if __name__ == "__main__":
    main()
