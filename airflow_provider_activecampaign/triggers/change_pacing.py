"""How many of a change stream's events may wait to be stored (Airflow 3.3+ ack mode).

Airflow's triggerer stores the events its triggers fire in one pass, between two of its
heartbeats, and confirms them to the stream only after that pass. Each change becomes an asset
event per asset that watches the stream, at a few milliseconds each. Too many events in one
pass and the heartbeat comes late: Airflow hands the stream's triggers to another triggerer,
which delivers the unconfirmed changes again. Too few and Airflow waits, idle, for the next
batch after each confirmation.

A confirmation takes a round trip through the triggerer's loops even for one event (seconds
on a busy triggerer), and on top of that about two storing passes. So a stream compares each
confirmation with the quickest of the last :data:`BASE_WINDOW` seconds of any stream of the
triggerer (:class:`RoundTrips`): it starts with room for
:data:`START_ASSET_EVENTS`, halves the room when a confirmation takes longer than that by more
than :func:`confirmation_target` (once per round trip), and grows it by a quarter when one
comes back sooner while the stream had to wait for room.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)

#: A stream reads on only while fewer of its changes than this wait to be stored.
MAX_UNSTORED = 100
#: Asset events (an event per change and watching asset) a stream has room for when it starts.
START_ASSET_EVENTS = 200
#: Seconds over which the quickest confirmation is the round trip's own time.
BASE_WINDOW = 300.0


def confirmation_target() -> float:
    """Seconds a confirmation may take beyond the round trip's own time: a third of Airflow's heartbeat threshold.

    Storing passes that short keep the triggerer's heartbeat on time
    (``[triggerer] triggerer_health_check_threshold``, 30 s by default) and every event within
    ``[triggerer] shared_stream_ack_timeout``.
    """
    from airflow.configuration import conf

    threshold = conf.getfloat("triggerer", "triggerer_health_check_threshold", fallback=30.0)
    ack_timeout = conf.getfloat("triggerer", "shared_stream_ack_timeout", fallback=300.0)
    return max(1.0, min(threshold, ack_timeout) / 3)


class RoundTrips:
    """The quickest confirmation of the last :data:`BASE_WINDOW` seconds, over the streams of one triggerer.

    The round trip is the triggerer's: a stream that started on a busy moment (its first
    confirmations slow) measures its own against the others' quick ones.
    """

    def __init__(self) -> None:
        self.took: deque[tuple[float, float]] = deque()  # (when, seconds)

    def quickest(self, now: float, took: float) -> float:
        """Record a confirmation that took ``took`` seconds; the quickest of the window, this one included."""
        while self.took and self.took[0][0] < now - BASE_WINDOW:
            self.took.popleft()
        self.took.append((now, took))
        return min(t for _, t in self.took)


#: The round trips of this triggerer's streams.
ROUND_TRIPS = RoundTrips()


class Pacing:
    """The room of one stream's producer for events waiting to be stored, in asset events."""

    def __init__(self, name: str, target: float, clock: Callable[[], float] = time.monotonic,
                 trips: RoundTrips | None = None) -> None:
        self.name = name
        self.trips = ROUND_TRIPS if trips is None else trips
        self.target = target
        self.clock = clock
        self.limit = START_ASSET_EVENTS
        self.sent: deque[tuple[float, bool]] = deque()  # (when, a change?) of each unconfirmed item, oldest first
        self.waited = False  # the stream waited for room since the last confirmation
        self.cut_at = -math.inf

    @property
    def unstored(self) -> int:
        """Events emitted and not yet confirmed."""
        return len(self.sent)

    def room(self, assets: int) -> int:
        """Changes that may wait to be stored, each stored once per watching asset."""
        return max(1, min(MAX_UNSTORED, self.limit // max(1, assets)))

    def full(self, assets: int) -> bool:
        """True while the stream must wait for confirmations before it emits another event."""
        if self.unstored < self.room(assets):
            return False
        self.waited = True
        return True

    def emitted(self, change: bool = True) -> None:
        """An item went out: a change, or a checkpoint (no event to store, confirmed as soon as it is passed)."""
        self.sent.append((self.clock(), change))

    def confirmed(self, count: int, assets: int) -> None:
        """``count`` of the oldest events were stored (or failed): adapt the room to how long it took."""
        now = self.clock()
        popped = [self.sent.popleft() for _ in range(min(count, len(self.sent)))]
        changes = [at for at, change in popped if change]
        if not changes:  # checkpoints only: no round trip through storage to measure
            return
        oldest = changes[0]
        took = now - oldest
        base = self.trips.quickest(now, took)
        per_change = max(1, assets)
        if took > base + self.target:
            if oldest >= self.cut_at:  # emitted after the last cut: not the same slow pass again
                self.limit = max(per_change, self.limit // 2)
                self.cut_at = now
                log.info("Change stream %s: a confirmation took %.1f s (the quickest %.1f s, target %.1f s "
                         "more), room now %d asset events, for %d change(s)", self.name, took, base, self.target,
                         self.limit, self.room(assets))
        elif self.waited:
            self.limit = min(MAX_UNSTORED * per_change, self.limit + max(per_change, self.limit // 4))
            log.debug("Change stream %s: a confirmation took %.1f s (the quickest %.1f s), room now %d asset "
                      "events", self.name, took, base, self.limit)
        self.waited = False
