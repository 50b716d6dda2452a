"""Fault injection (a status reply, a delay, a dropped connection, a trickled reply) and ActiveCampaign's
rate limit."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from airflow_provider_activecampaign.testing.emulator.values import ApiError, Reply

RATE_WINDOW = 0.95  # one second, less an allowance for arrival jitter of clients that pace at the limit



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
    """A sliding one-second window per account (see RATE_WINDOW); 429 with ``Retry-After`` when over.

    Every reply carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``
    (whole seconds until the oldest request in the window leaves it).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: deque[float] = deque()

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()

    def admit(self, limit: float | None) -> dict[str, str]:
        """Count one request against ``limit`` requests a second (None or 0: off); the reply's headers."""
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
            reset = str(math.ceil(max(0.0, self._hits[0] + RATE_WINDOW - now)))
            headers = {"RateLimit-Limit": str(allowed), "RateLimit-Remaining": str(allowed - len(self._hits)),
                       "RateLimit-Reset": reset}
        if over:
            raise ApiError(429, {"message": "Too Many Requests"}, {"Retry-After": "1", **headers})
        return headers
