"""One triggerer at a time delivers a change stream (a holder mark in a state store or a Variable).

With two triggerers side by side (high availability), Airflow runs a trigger in both while
a heartbeat is late: each triggerer then has its own shared-stream producer for the stream,
each reading from its own in-memory position, so every change would be delivered twice.

So the producer that delivers a stream marks it: ``<stream key>__holder`` in the state store
of the first of its assets (by name), ``{"id", "host", "pid", "since", "at", "assets"}``,
written at most every :func:`refresh_every` seconds while it polls (between the pages of a
long poll too) and as its events are stored. Before each poll a producer reads that mark
(one state-store read a poll) and **gives way**, polling nothing and emitting nothing,
while it shows another producer that

- wrote it less than :func:`hold_for` seconds ago,
- is alive (on the same host: its process still exists; a killed triggerer's mark stops
  counting at once), and
- delivers to every asset this one delivers to (so giving way never leaves an asset out).

The mark in the store wins; a producer that gives way writes none, and a producer about to
rewrite its mark reads it first and leaves another's fresh mark alone. No compare-and-set is
needed: two producers that start together both write, the one whose write came first reads
the other's mark at its next poll and gives way. A holder that stalled (its mark went stale
and another took over) gives way in turn when it wakes up: its mark is then due for a
rewrite, and it reads the store's first (:meth:`Holder.holds`), before its next event or
position save, so it emits no more of the poll it was in and moves no position back.

A producer that stops giving way reloads the stream's position from the state store
(``earliest`` of its assets, as at a start): the other producer's confirmed deliveries are
skipped, and what it had not confirmed is delivered again, with the same ``change_key``.
Nothing is lost: the position still moves only in ``advance()``.

Airflow 3.0-3.2 (each trigger its own loop, its position in a Variable per watcher): the
same, with the mark in the Variable ``<watcher key>__holder`` (:class:`VariableSlot`); a
loop that takes over goes on from the watcher's saved position (saved :data:`~.change.HANDOVER_DELAY`
seconds behind its deliveries, so about that much is delivered again). On 3.3, a trigger
outside an ``AssetWatcher`` (no state store; its position in that Variable too) keeps its
mark in the same Variable.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field
from typing import Any

import anyio

from airflow_provider_activecampaign.triggers.change_store import lent_accessors

log = logging.getLogger(__name__)

#: Ids of the producers open in this process (a mark of this process is alive only while listed).
_OPEN: set[str] = set()

#: The shortest time (seconds) a producer's mark keeps others giving way after its last write.
HOLD_FOR = 30.0
#: Seconds a stopping producer tries to clear its mark: a triggerer shutting down may no longer
#: answer state-store calls, and its shutdown must not wait on them (a dead process's mark does
#: not count anyway).
RELEASE_WITHIN = 2.0


def hold_for(poll_interval: float) -> float:
    """Seconds a mark counts after it was written: :data:`HOLD_FOR`, or four polls when longer."""
    return max(HOLD_FOR, 4 * poll_interval)


def refresh_every(poll_interval: float) -> float:
    """A holding producer rewrites its mark at most this often (a third of :func:`hold_for`)."""
    return hold_for(poll_interval) / 3


def asset_name(accessor: Any) -> str:
    """An asset's name (or URI) from its state-store accessor."""
    for attr in ("_name", "_uri", "name"):
        value = getattr(accessor, attr, None)
        if value:
            return str(value)
    return repr(accessor)


def alive(mark: Mark) -> bool:
    """False only when the producer is known to be gone: closed (this process) or its process is."""
    host, pid = mark.host, mark.pid
    if host != socket.gethostname():
        return True
    if pid == os.getpid():
        return mark.id in _OPEN
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


@dataclass
class Mark:
    """Who delivers a stream: a producer's identity, when it started and last wrote, and its assets."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    since: float = field(default_factory=time.time)
    at: float = 0.0
    assets: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Any) -> Mark | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(str(data["id"]), str(data["host"]), int(data["pid"]), float(data["since"]),
                       float(data["at"]), [str(a) for a in data.get("assets") or ()])
        except (KeyError, TypeError, ValueError):
            return None


class VariableSlot:
    """Airflow 3.0-3.2: the holder mark in a Variable (a trigger's own loop, one watcher's Variable)."""

    name = "variable"

    async def aget(self, key: str, default: Any = None) -> Any:
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        raw = await sync_to_async(Variable.get)(key, default=None)
        return json.loads(raw) if raw else default

    async def aset(self, key: str, value: Any) -> None:
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        await sync_to_async(Variable.set)(key, json.dumps(value),
                                          description="ActiveCampaign change stream: the triggerer delivering it")


class Holder:
    """One producer's side of the holder mark of its stream (see the module docstring)."""

    def __init__(self, key: str, shared_key: Hashable, poll_interval: float,
                 stores: Callable[[], list[Any]] | None = None, variable: str | None = None) -> None:
        self.key = f"{key}__holder"
        self.shared_key = shared_key
        self.stores = stores
        self.variable = None if variable is None else f"{variable}__holder"  # the mark with no asset
        self.poll_interval = poll_interval
        self.me = Mark()
        self.written = float("-inf")  # monotonic time of this producer's last write
        self.marked: dict[str, Any] = {}  # key -> the store this producer's mark was last written to
        _OPEN.add(self.me.id)

    def _where(self) -> tuple[list[Any], str]:
        """The stores of the mark (the first holds it) and its key there."""
        if self.stores is not None:
            return self.stores(), self.key
        lent = sorted(lent_accessors(self.shared_key), key=asset_name)
        if lent or self.variable is None:
            return lent, self.key
        return [VariableSlot()], self.variable  # no asset (no state store): a Variable, as on 3.0-3.2

    def gives_way_to(self, mark: Mark | None, assets: list[str]) -> bool:
        """True when ``mark`` is another live producer's, fresh, and it delivers to all of ``assets``."""
        if mark is None or mark.id == self.me.id:
            return False
        if time.time() - mark.at > hold_for(self.poll_interval) or not alive(mark):
            return False
        return set(assets) <= set(mark.assets)

    async def other(self) -> Mark | None:
        """The producer this one gives way to now, else None (one state-store read)."""
        stores, key = self._where()
        if not stores:
            return None
        try:
            mark = Mark.from_json(await stores[0].aget(key))
        except Exception as exc:  # unreadable: deliver (a duplicate at worst, never a loss)
            log.warning("The holder mark of %s could not be read: %s", key, exc)
            return None
        return mark if self.gives_way_to(mark, [asset_name(a) for a in stores]) else None

    def due(self) -> bool:
        """True when this producer's mark is due for a rewrite (:func:`refresh_every`): it may have been taken."""
        return time.monotonic() - self.written >= refresh_every(self.poll_interval)

    async def holds(self) -> bool:
        """Whether this producer still delivers, checked between two polls (at each change or page).

        The mark is read only when this producer's is due for a rewrite (a stall long enough for
        another to take over makes it due: :func:`hold_for` is three rewrites), and rewritten
        when it is still its own.
        """
        if not self.due():
            return True
        if await self.other() is not None:
            return False
        return await self.claim()

    async def claim(self, force: bool = False) -> bool:
        """Write this producer's mark (at most every :func:`refresh_every` seconds unless ``force``).

        False, writing nothing, when the stored mark is another producer's that this one gives
        way to: it took the stream over while this one could not write (its triggerer busy).
        """
        now = time.monotonic()
        if not force and not self.due():
            return True
        stores, key = self._where()
        if not stores:
            return True
        assets = [asset_name(a) for a in stores]
        try:
            if self.gives_way_to(Mark.from_json(await stores[0].aget(key)), assets):
                return False
        except Exception as exc:  # unreadable: write (a duplicate at worst, never a loss)
            log.warning("The holder mark of %s could not be read: %s", key, exc)
        self.written = now
        self.me.at, self.me.assets = time.time(), assets
        try:
            await stores[0].aset(key, asdict(self.me))
            self.marked[key] = stores[0]
        except Exception as exc:  # an asset removed meanwhile: the next claim tries again
            log.warning("The holder mark of %s was not written: %s", key, exc)
        return True

    async def release(self) -> None:
        """This producer stops: others go on at once (its mark, if still the stored one, is cleared)."""
        _OPEN.discard(self.me.id)
        marked, self.marked = self.marked, {}
        if not marked:
            return
        with anyio.move_on_after(RELEASE_WITHIN) as scope:  # not asyncio.wait_for: it can drop a cancel
            for key, store in marked.items():
                try:
                    mark = Mark.from_json(await store.aget(key))
                    if mark is not None and mark.id == self.me.id:
                        await store.aset(key, {**asdict(self.me), "at": 0.0})
                except Exception as exc:  # best effort: the mark stops counting after hold_for() anyway
                    log.warning("The holder mark of %s was not cleared: %s", key, exc)
        if scope.cancelled_caught:
            log.warning("The holder mark of %s was not cleared within %s s", self.key, RELEASE_WITHIN)
