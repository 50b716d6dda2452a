"""The account's request budget: at most N requests in any rolling second, for every caller of the account.

ActiveCampaign counts 5 requests a second per account, shared by every key, worker and
integration. :class:`RateLimiter` keeps one budget per account (its base URL) in a process;
with a shared store (the connection extra ``rate_limit_storage``, e.g. ``redis://host:6379/0``)
the budget is shared by every process and machine that uses the store.

The request core never does I/O: it yields a :class:`Permit`, which the sync hook fulfils with
:meth:`Permit.acquire` and the async hook with :meth:`Permit.acquire_async`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from limits.storage import MemoryStorage

from airflow_provider_activecampaign.client.sharedstore import SharedStore

log = logging.getLogger("airflow_provider_activecampaign.client")

#: how long the API's window is, and so how long a "no requests left" reply holds the account back
API_WINDOW = 1.0
#: the longest pause a reply's header can impose (a broken header must not stall the account for hours)
MAX_PAUSE = 300.0
#: the shortest wait between two tries for a slot (no busy loop)
MIN_WAIT = 0.002


@dataclass(frozen=True)
class Permit:
    """The step the request core yields before each send: take a slot of the account's budget.

    ``paced`` is False for a connection whose ``requests_per_second`` is 0: it does not wait
    for a slot, but still waits out the account's pauses (a 429's ``Retry-After``).
    """

    limiter: RateLimiter
    paced: bool = True

    def acquire(self) -> float:
        """Block until a slot is taken (the hook sends right after); the seconds waited."""
        started = time.monotonic()
        while (wait := self.limiter.try_acquire(self.paced)) > 0:
            time.sleep(wait)
        return time.monotonic() - started

    async def acquire_async(self) -> float:
        """The same without blocking the event loop (the shared store is called in a thread)."""
        started = time.monotonic()
        while (wait := await self.limiter.try_acquire_async(self.paced)) > 0:
            await asyncio.sleep(wait)
        return time.monotonic() - started


def window_of(rate: float) -> tuple[int, int]:
    """``rate`` requests a second as (requests, whole seconds): 5 -> (5, 1), 2.5 -> (5, 2), 0.2 -> (1, 5)."""
    fraction = Fraction(rate).limit_denominator(60)
    return max(1, fraction.numerator), max(1, fraction.denominator)


class _LocalWindow:
    """The moving window of send times in this process (``limits``' memory storage)."""

    def __init__(self, account: str) -> None:
        self._storage = MemoryStorage()
        self._key = account

    def take(self, limit: int, seconds: int) -> float | None:
        key = f"{self._key}/{seconds}s"
        if self._storage.acquire_entry(key, limit, seconds):
            return None
        oldest, _ = self._storage.get_moving_window(key, limit, seconds)
        return oldest + seconds - time.time()

    def count(self, limit: int, seconds: int) -> int:
        return self._storage.get_moving_window(f"{self._key}/{seconds}s", limit, seconds)[1]


class RateLimiter:
    """One account's budget: at most ``rate`` requests in any rolling window, counted at send time.

    A slot is taken at the moment a request is sent and counted in a moving window of send
    times (the ``limits`` library's moving window), so the whole budget is used (a slow page
    leaves its slot to the next) and a stalled caller cannot release a burst. Two connections
    of one account with different rates share the budget at the lower rate. A 429 or a reply
    with ``RateLimit-Remaining: 0`` pauses every caller of the account.
    """

    def __init__(self, account: str, rate: float = 0.0, storage: str | None = None) -> None:
        self.account = account
        self.rate = 0.0
        self._lock = threading.Lock()
        self._local = _LocalWindow(account)
        self._shared: SharedStore | None = None
        self._paused_until = 0.0  # wall-clock time: a shared store compares it across machines
        self._exhausted_until = 0.0  # a reply said no requests are left, until then
        self.configure(rate, storage)

    def __repr__(self) -> str:
        shared = ", shared" if self._shared else ""
        return f"RateLimiter({self.account!r}, rate={self.rate:g}{shared})"

    @property
    def shared(self) -> bool:
        return self._shared is not None

    def configure(self, rate: float, storage: str | None = None) -> None:
        """Lower the budget to ``rate`` (0 leaves it); use the shared ``storage`` from now on if given."""
        with self._lock:
            if rate > 0 and (self.rate == 0 or rate < self.rate):
                self.rate = rate
            if storage and self._shared is None:
                self._shared = SharedStore(storage, self.account)
            elif storage and self._shared is not None and storage != self._shared.uri:
                log.warning("ActiveCampaign %s: a second rate-limit store was given; keeping the first",
                            self.account)

    # taking slots ---------------------------------------------------------------

    def try_acquire(self, paced: bool = True) -> float:
        """Take a slot now and return 0, or return the seconds to wait before trying again."""
        window = self._shared or self._local
        if self._shared is not None:
            paused_until, rate = self._shared.sync_state(self._paused_until, self.rate)
            self.configure(rate)
            self.pause(paused_until - time.time())
        now = time.time()
        if self._paused_until > now:
            return self._paused_until - now
        if not paced or self.rate <= 0:
            return 0.0
        limit, seconds = window_of(self.rate)
        if self._exhausted_until > now:
            until, self._exhausted_until = self._exhausted_until, 0.0
            if window.count(limit, seconds) < limit:  # the API's budget went to someone else
                self.pause(until - now)
                return until - now
        wait = window.take(limit, seconds)
        return 0.0 if wait is None else max(MIN_WAIT, wait)

    async def try_acquire_async(self, paced: bool = True) -> float:
        if self._shared is None:
            return self.try_acquire(paced)
        return await asyncio.to_thread(self.try_acquire, paced)

    # what the API says ------------------------------------------------------------

    def pause(self, seconds: float) -> None:
        """Hold every request of the account back for ``seconds`` (after a 429)."""
        if seconds > 0:
            with self._lock:
                self._paused_until = max(self._paused_until, time.time() + seconds)

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Read a reply's ``Retry-After`` and ``RateLimit-*`` headers (no I/O: the store learns at the next slot).

        A 429 pauses the account for ``Retry-After`` (or one window), whether or not the call
        is retried. A lower ``RateLimit-Limit`` lowers the budget; ``RateLimit-Remaining: 0``
        when this budget still had slots (someone else used the account's) pauses until
        ``RateLimit-Reset`` seconds (or one window) after the reply.
        """
        if status == 429:
            retry_after = _number(headers.get("Retry-After"))
            self.pause(API_WINDOW if retry_after is None else min(max(retry_after, 0.0), MAX_PAUSE))
        limit, remaining = _number(headers.get("RateLimit-Limit")), _number(headers.get("RateLimit-Remaining"))
        if limit and limit > 0:
            self.configure(limit)
        if remaining is None or remaining > 0:
            return
        reset = _number(headers.get("RateLimit-Reset"))
        wait = API_WINDOW if reset is None else min(max(reset, 0.0), MAX_PAUSE)
        with self._lock:
            self._exhausted_until = max(self._exhausted_until, time.time() + wait)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(base_url: str, rate: float, storage: str | None = None) -> RateLimiter:
    """The account's limiter in this process (one per base URL), at the lowest rate asked for."""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(base_url)
        if limiter is None:
            limiter = _LIMITERS[base_url] = RateLimiter(base_url, rate, storage)
            return limiter
    limiter.configure(rate, storage)
    return limiter


def forget_limiters() -> None:
    """Drop every account's limiter of this process (tests: a new emulator may reuse an old port)."""
    with _LIMITERS_LOCK:
        _LIMITERS.clear()
