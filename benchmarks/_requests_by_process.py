"""Which process sent each request to the emulator: its client port, matched with the processes' open sockets.

A :class:`RequestsByProcess` is given named process sessions (a name -> the pid of a process
started with ``start_new_session=True``: its children share that session). Every
``interval`` seconds it reads, from ``/proc`` (Linux), the local ports of the TCP
connections each session holds to the emulator's port; every request the emulator records
(:meth:`arrived`, an ``on_request`` hook) is matched with the session that held its client
port when it arrived. Connections stay open between requests (keep-alive), so a request is
matched unless its process died within ``interval`` of sending it ("unknown").
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _sessions(roots: dict[int, str]) -> dict[int, tuple[str, int]]:
    """Socket inode -> (session name, pid) for every process of the given sessions."""
    inodes: dict[int, tuple[str, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            session = int(stat[stat.rindex(")") + 2:].split()[3])
            if session not in roots:
                continue
            for fd in os.scandir(Path(entry.path, "fd")):
                link = os.readlink(fd.path)
                if link.startswith("socket:["):
                    inodes[int(link[8:-1])] = (roots[session], int(entry.name))
        except (OSError, ValueError):  # the process ended meanwhile
            continue
    return inodes


def _client_ports(server_port: int) -> dict[int, int]:
    """Socket inode -> local port of every TCP connection (IPv4 and IPv6) to ``server_port``."""
    out: dict[int, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[2].rsplit(":", 1)[1], 16) == server_port:
                out[int(cols[9])] = int(cols[1].rsplit(":", 1)[1], 16)
    return out


class RequestsByProcess:
    """Match the emulator's requests with named process sessions (see the module docstring)."""

    def __init__(self, server_port: int, sessions: Callable[[], dict[int, str]], interval: float = 0.25) -> None:
        self.server_port = server_port
        self.sessions = sessions  # called at every sample: the live sessions (they change on restarts)
        self.interval = interval
        self.seen: dict[int, list[list[Any]]] = {}  # port -> [[name, pid, first seen, last seen], ...]
        self.requests: list[tuple[float, Any]] = []  # (arrival, the emulator's RequestRecord)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def arrived(self, _emulator: Any, record: Any) -> None:
        self.requests.append((time.time(), record))

    def __enter__(self) -> RequestsByProcess:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        now = time.time()
        owners = _sessions(self.sessions())
        for inode, port in _client_ports(self.server_port).items():
            if inode not in owners:
                continue
            name, pid = owners[inode]
            spans = self.seen.setdefault(port, [])
            if spans and spans[-1][:2] == [name, pid]:
                spans[-1][3] = now
            else:
                spans.append([name, pid, now, now])

    def owner(self, at: float, port: int) -> tuple[str, int] | None:
        """(name, pid) of the session that held ``port`` at time ``at``, or None."""
        for name, pid, first, last in self.seen.get(port, ()):
            if first - 2 * self.interval - 1.0 <= at <= last + 1.0:
                return name, pid
        return None
