"""The client-side rate limiter: one per account in a process."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """Spaces requests to at most ``rate`` per second (0 = unlimited).

    ``reserve()`` books the next free slot and returns how long to wait for it, so the sync
    hook sleeps with ``time.sleep`` and the async hook with ``asyncio.sleep``. One limiter
    is shared by every hook of an account in a process: ActiveCampaign's 5 requests per
    second are per account, not per key. Slots are 5 % wider than ``1/rate`` so that network
    jitter between us and the API's own clock does not push a request over the limit.
    """

    HEADROOM = 1.05

    def __init__(self, rate: float) -> None:
        self.interval = self.HEADROOM / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
            return slot - now

    def pause(self, seconds: float) -> None:
        """Hold every request of the account back for ``seconds`` (after a 429)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


_LIMITERS: dict[tuple[str, float], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(base_url: str, rate: float) -> RateLimiter:
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault((base_url, rate), RateLimiter(rate))

