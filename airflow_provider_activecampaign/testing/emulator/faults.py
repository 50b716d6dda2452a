"""Fault injection (a status reply, a delay, a dropped connection, a trickled reply) and ActiveCampaign's
rate limit."""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from airflow_provider_activecampaign.testing.emulator.values import ApiError, Reply

RATE_WINDOW = 1.0  # the API's window: requests counted as they arrive, in any rolling second


@dataclass
class Fault:
    status: int | None
    count: int
    method: str | None
    path: str | None
    retry_after: int | None
    delay: float
    drop: bool
    body: str | None
    content_type: str
    after_processing: bool
    truncate: bool = False  # after processing: send only half of the reply's body
    trickle: float = 0.0  # seconds between the reply's bytes (headers and body), sent one at a time

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path is None or path.startswith(self.path))

    def reply(self) -> Reply:
        status = self.status or 500
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        body = json.dumps({"message": phrase}) if self.body is None else self.body
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return Reply(status, headers=headers, raw=body.encode(), content_type=self.content_type)


def trickle(wfile: Any, status: int, headers: list[tuple[str, str]], body: bytes, interval: float,
            stopping: threading.Event) -> None:
    """Write a whole HTTP/1.1 reply one byte every ``interval`` seconds (a server that drips its
    reply: each read is quick, the reply never ends in time); stops when the client goes away."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    head = "".join(f"{name}: {value}\r\n" for name, value in [*headers, ("Content-Length", str(len(body)))])
    raw = f"HTTP/1.1 {status} {phrase}\r\n{head}\r\n".encode("latin-1") + body
    for index in range(len(raw)):
        if stopping.wait(interval):
            return
        try:
            wfile.write(raw[index:index + 1])
            wfile.flush()
        except OSError:  # the client gave up
            return


class Faults:
    """Faults waiting for the requests they match, first added first used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._waiting.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._waiting.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, used up once its count runs out."""
        with self._lock:
            for fault in self._waiting:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._waiting.remove(fault)
                    return fault
        return None


class RateLimit:
    """ActiveCampaign's limit: at most N requests arrive in any rolling second (``RATE_WINDOW``), per account.

    A request is counted when it arrives, with no allowance for clients that pace at the limit
    by their own clock: network jitter between their sends and our arrivals is theirs to absorb.
    Admitted requests count; refused ones do not. Every reply carries ``RateLimit-Limit`` and
    ``RateLimit-Remaining`` (the API sends no reset header); a 429 also ``Retry-After``, whole
    seconds until the window has room.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: deque[float] = deque()

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()

    def admit(self, limit: float | None) -> dict[str, str]:
        """Count one request arriving now against ``limit`` a second (None or 0: off); the reply's headers.

        Raises the 429 :class:`ApiError` when the window is full.
        """
        if not limit:
            return {}
        with self._lock:
            now = time.monotonic()
            while self._hits and now - self._hits[0] >= RATE_WINDOW:
                self._hits.popleft()
            allowed = max(1, int(limit))
            over = len(self._hits) >= allowed
            if not over:
                self._hits.append(now)
            free_in = self._hits[0] + RATE_WINDOW - now
            headers = {"RateLimit-Limit": str(allowed), "RateLimit-Remaining": str(allowed - len(self._hits))}
        if over:
            retry_after = str(max(1, math.ceil(free_in)))
            raise ApiError(429, {"message": "Too Many Requests"}, {"Retry-After": retry_after, **headers})
        return headers


class Latency:
    """Network-like jitter: each request waits a random ``(low, high)`` seconds before it arrives.

    The wait comes before the request is counted by the rate limit (and before any fault or
    handler), so a client's send times and the emulator's arrival times differ as they do over a
    network. ``None`` or ``(0, 0)``: no wait.
    """

    def __init__(self, span: tuple[float, float] | None = None, seed: int | None = None) -> None:
        self.span = check_latency(span)
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def pick(self) -> float:
        if self.span is None:
            return 0.0
        low, high = self.span
        with self._lock:
            return self._random.uniform(low, high)


def check_latency(span: tuple[float, float] | None) -> tuple[float, float] | None:
    """``span`` as (low, high) seconds, checked; None (or zeros) for no latency."""
    if span is None:
        return None
    low, high = (float(v) for v in span)
    if low < 0 or high < low:
        raise ValueError(f"latency must be (low, high) seconds with 0 <= low <= high, got {span!r}")
    return None if high == 0 else (low, high)
