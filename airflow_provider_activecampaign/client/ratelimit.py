"""The account's budget: at most N requests *arriving* at the API in any rolling second, for all its callers.

ActiveCampaign counts 5 requests a second per account, shared by every key, worker and
integration, as they **arrive**. A client that sends exactly 5 in any second by its own clock
trips the limit from network jitter alone, so :class:`RateLimiter` counts each request not at
its send time but at the latest time it can have arrived:

- while a request is in flight it counts as arriving up to :data:`MAX_MARGIN` after it left;
- when its reply is read, it counts as arriving its *margin* after it left: how much slower
  than the fastest reply of its kind it was (a request arrives before its reply, and no sooner
  than the fastest one would) plus :data:`JITTER_FLOOR`, never more than its whole round trip.
  The margin is measured per request, not guessed, and grows after a 429 the measurements did
  not foresee.

A fractional rate is exact: 4.5 a second is at most 5 in any second *and* 9 in any 2 seconds.
One budget per account (its base URL) in a process; with a shared store (the connection extra
``rate_limit_storage``, e.g. ``redis://host:6379/0``) one for every process and machine using it.

The request core never does I/O: it yields a :class:`Permit`, which the sync hook fulfils with
:meth:`Permit.acquire` and the async hook with :meth:`Permit.acquire_async`; both return the
:class:`Slot` the core settles when the reply is read.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import math
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from airflow_provider_activecampaign.client.sharedstore import SharedStore

log = logging.getLogger("airflow_provider_activecampaign.client")

#: how long the API's window is, and so how long a "no requests left" reply holds the account back
API_WINDOW = 1.0
#: the longest pause a reply's header can impose (a broken header must not stall the account for hours)
MAX_PAUSE = 300.0
#: the shortest wait between two tries for a slot (no busy loop)
MIN_WAIT = 0.002
#: the latest a request is taken to arrive after it was sent (while in flight, and at most once read)
MAX_MARGIN = 0.5
#: replies of a kind read before the fastest of them is trusted (until then the whole round trip counts)
WARM_UP = 5
#: added to every margin after each 429 the margins did not foresee; it wears off by DECAY a reply
SURPRISE = 0.01
#: always added to a measured margin: the reply of a request can leave the server a few ms sooner than
#: the fastest round trip's did (its processing varies), and the margin must still cover its arrival
JITTER_FLOOR = 0.005
DECAY = 0.00002


@dataclass(slots=True)
class Slot:
    """A slot taken in the account's budget: the request it is for may be sent now.

    ``basis`` is when it was taken on the window's clock, ``member`` its entry in the window
    (None when unpaced), ``started`` when its round trip is timed from (this process's monotonic
    clock, no later than ``basis``), ``waited`` the seconds spent waiting for it.
    """

    member: str | None
    basis: float
    started: float
    waited: float = 0.0


@dataclass(frozen=True)
class Permit:
    """The step the request core yields before each send: take a slot of the account's budget.

    ``paced`` is False for a connection whose ``requests_per_second`` is 0: it does not wait
    for a slot, but still waits out the account's pauses (a 429's ``Retry-After``).
    """

    limiter: RateLimiter
    paced: bool = True

    def acquire(self) -> Slot:
        """Block until a slot is taken (the hook sends right after)."""
        started = time.monotonic()
        while isinstance(taken := self.limiter.take(self.paced), float):
            time.sleep(taken)
        taken.waited = taken.started - started
        return taken

    async def acquire_async(self) -> Slot:
        """The same without blocking the event loop (the shared store is called in a thread)."""
        started = time.monotonic()
        while isinstance(taken := await self.limiter.take_async(self.paced), float):
            await asyncio.sleep(taken)
        taken.waited = taken.started - started
        return taken


def window_of(rate: float) -> tuple[int, int]:
    """``rate`` requests a second as (requests, whole seconds): 5 -> (5, 1), 2.5 -> (5, 2), 0.2 -> (1, 5)."""
    fraction = Fraction(rate).limit_denominator(60)
    return max(1, fraction.numerator), max(1, fraction.denominator)


def windows_of(rate: float) -> tuple[tuple[int, float], ...]:
    """Every (requests, seconds) a ``rate`` must keep: 4.5 -> 5 in any second and 9 in any 2, never 9 at once."""
    limit, seconds = window_of(rate)
    if seconds == 1:
        return ((limit, 1.0),)
    return ((min(limit, max(1, math.ceil(rate - 1e-9))), 1.0), (limit, float(seconds)))


_ID = re.compile(r"/\d+(?=/|$)")


@lru_cache(maxsize=512)
def kind_of(method: str, path: str) -> str:
    """Requests that take about as long as each other: the method and the path without its ids."""
    return f"{method} {_ID.sub('/#', path)}"


class _Margins:
    """How late after it was sent a request can have arrived, measured from the round trips of its kind."""

    def __init__(self) -> None:
        self._fastest: dict[str, tuple[float, int]] = {}
        self.surprise = 0.0

    def of(self, kind: str, round_trip: float) -> float:
        """The margin of a request of ``kind`` whose reply came ``round_trip`` seconds after its slot."""
        fastest, seen = self._fastest.get(kind, (round_trip, 0))
        fastest = min(fastest, round_trip)
        self._fastest[kind] = (fastest, seen + 1)
        self.surprise = max(0.0, self.surprise - DECAY)
        if seen < WARM_UP:  # not enough replies to know the fastest: a request arrives before its reply
            return min(round_trip, MAX_MARGIN)
        return min(round_trip, round_trip - fastest + JITTER_FLOOR + self.surprise, MAX_MARGIN)

    def surprised(self) -> None:
        """A 429 the margins did not foresee: widen every margin for a while."""
        self.surprise = min(MAX_MARGIN, self.surprise + SURPRISE)


class _LocalWindow:
    """The requests of this process by the latest time each can have arrived, on the monotonic clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrivals: list[tuple[float, str]] = []  # (latest arrival, member), sorted
        self._next = 0

    def take(self, windows: tuple[tuple[int, float], ...]) -> tuple[float, str | None, float]:
        """(0, member, now) with a slot taken, or (seconds to wait, None, now)."""
        with self._lock:
            now = time.monotonic()
            arrivals = self._arrivals
            longest = windows[-1][1]
            del arrivals[:bisect.bisect_left(arrivals, (now - longest - MAX_MARGIN, ""))]
            wait = 0.0
            for limit, seconds in windows:
                inside = len(arrivals) - bisect.bisect_right(arrivals, (now - seconds, "\uffff"))
                if inside >= limit:
                    wait = max(wait, arrivals[-limit][0] + seconds - now)
            if wait > 0:
                return wait, None, now
            self._next += 1
            member = str(self._next)
            bisect.insort(arrivals, (now + MAX_MARGIN, member))
            return 0.0, member, now

    def settle(self, settled: list[tuple[str, float]]) -> None:
        with self._lock:
            for member, latest in settled:
                for i in range(len(self._arrivals) - 1, -1, -1):
                    if self._arrivals[i][1] == member:
                        del self._arrivals[i]
                        bisect.insort(self._arrivals, (latest, member))
                        break

    def count(self, since: float) -> int:
        """How many requests may have arrived after ``since`` (monotonic clock)."""
        with self._lock:
            return sum(1 for latest, _ in self._arrivals if latest > since)


class RateLimiter:
    """One account's budget: at most ``rate`` requests arriving in any rolling second (see the module).

    The whole budget is used (a slow page leaves its slot to the next) and a stalled caller
    cannot release a burst. Two connections of one account with different rates share the
    budget at the lower rate. A 429 or a reply with ``RateLimit-Remaining: 0`` pauses every
    caller of the account.
    """

    def __init__(self, account: str, rate: float = 0.0, storage: str | None = None) -> None:
        self.account = account
        self.rate = 0.0
        self._windows: tuple[tuple[int, float], ...] = ()
        self._lock = threading.Lock()
        self._local = _LocalWindow()
        self._shared: SharedStore | None = None
        self._margins = _Margins()
        self._unsettled: list[tuple[str, float]] = []  # settled replies the shared store has not heard of
        self._paused_until = 0.0  # wall-clock time: a shared store compares it across machines
        # a reply said no requests are left: (until, since, used), our requests since then are fewer than used?
        self._exhausted: tuple[float, float, int] | None = None
        self.configure(rate, storage)

    def __repr__(self) -> str:
        shared = ", shared" if self._shared else ""
        return f"RateLimiter({self.account!r}, rate={self.rate:g}{shared})"

    @property
    def shared(self) -> bool:
        return self._shared is not None

    @property
    def surprise(self) -> float:
        """The seconds added to every margin after 429s the measurements did not foresee."""
        return self._margins.surprise

    def configure(self, rate: float, storage: str | None = None) -> None:
        """Lower the budget to ``rate`` (0 leaves it); use the shared ``storage`` from now on if given."""
        with self._lock:
            if rate > 0 and (self.rate == 0 or rate < self.rate):
                self.rate = rate
                self._windows = windows_of(rate)
            if storage and self._shared is None:
                self._shared = SharedStore(storage, self.account)
            elif storage and self._shared is not None and storage != self._shared.uri:
                log.warning("ActiveCampaign %s: a second rate-limit store was given; keeping the first",
                            self.account)

    # taking slots ---------------------------------------------------------------

    def take(self, paced: bool = True) -> Slot | float:
        """Take a slot now, or return the seconds to wait before trying again."""
        if self._shared is not None:
            paused_until, rate = self._shared.sync_state(self._paused_until, self.rate)
            self.configure(rate)
            self.pause(paused_until - time.time())
        now = time.time()
        if self._paused_until > now:
            return self._paused_until - now
        if not paced or self.rate <= 0:
            return Slot(None, 0.0, time.monotonic())
        if self._exhausted is not None:
            (until, since, used), self._exhausted = self._exhausted, None
            if until > now and self._count(since) < used:  # the API's budget went to someone else
                self.pause(until - now)
                return until - now
        asked = time.monotonic()
        if self._shared is not None:
            with self._lock:
                settled, self._unsettled = self._unsettled, []
            # the store's clock stamped the slot somewhere within this call: the round trip is timed from
            # before it, or a slow store reply (a loaded machine) would make the request seem to arrive early
            wait, member, basis = self._shared.take(self._windows, MAX_MARGIN, settled)
        else:
            wait, member, basis = self._local.take(self._windows)
        if member is None:
            return max(MIN_WAIT, wait)
        return Slot(member, basis, asked if self._shared is not None else time.monotonic())

    async def take_async(self, paced: bool = True) -> Slot | float:
        if self._shared is None:
            return self.take(paced)
        return await asyncio.to_thread(self.take, paced)

    def try_acquire(self, paced: bool = True) -> float:
        """Take a slot now and return 0 (its request counts as in flight), or the seconds to wait."""
        taken = self.take(paced)
        return taken if isinstance(taken, float) else 0.0

    def settle(self, slot: Slot, kind: str) -> float:
        """The reply to the request sent in ``slot`` was read: it arrived at most its margin after the slot.

        Returns that latest arrival, on the window's clock (no I/O: a shared store hears of it
        with the next slot taken).
        """
        if slot.member is None:
            return slot.basis
        latest = slot.basis + self._margins.of(kind, time.monotonic() - slot.started)
        if self._shared is None:
            self._local.settle([(slot.member, latest)])
        else:
            with self._lock:
                self._unsettled.append((slot.member, latest))
        return latest

    def _count(self, since: float) -> int:
        return self._shared.count(since) if self._shared is not None else self._local.count(since)

    # what the API says ------------------------------------------------------------

    def pause(self, seconds: float) -> None:
        """Hold every request of the account back for ``seconds`` (after a 429)."""
        if seconds > 0:
            with self._lock:
                self._paused_until = max(self._paused_until, time.time() + seconds)

    def observe(self, status: int, headers: Mapping[str, str], slot: Slot | None = None, kind: str = "") -> None:
        """Settle ``slot`` (see :meth:`settle`) and read the reply's ``Retry-After`` and ``RateLimit-*`` headers.

        A 429 pauses the account for ``Retry-After`` (or one window), whether or not the call
        is retried, and widens the margins. A lower ``RateLimit-Limit`` lowers the budget;
        ``RateLimit-Remaining: 0`` when fewer of our requests than the API counted can have
        arrived in the second before this one (someone else used the account's budget) pauses
        until ``RateLimit-Reset`` seconds (or one window) after the reply.
        """
        latest = None if slot is None else self.settle(slot, kind)
        if status == 429:
            retry_after = _number(headers.get("Retry-After"))
            self.pause(API_WINDOW if retry_after is None else min(max(retry_after, 0.0), MAX_PAUSE))
            if self.rate > 0:
                self._margins.surprised()
        limit, remaining = _number(headers.get("RateLimit-Limit")), _number(headers.get("RateLimit-Remaining"))
        if limit and limit > 0:
            self.configure(limit)
        if remaining is None or remaining > 0 or latest is None or slot is None or slot.member is None:
            return
        reset = _number(headers.get("RateLimit-Reset"))
        wait = API_WINDOW if reset is None else min(max(reset, 0.0), MAX_PAUSE)
        used = int(limit or self._windows[0][0]) - int(remaining)
        with self._lock:  # checked with the next slot (the shared store's count is I/O)
            self._exhausted = (time.time() + wait, slot.basis - API_WINDOW, used)


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
