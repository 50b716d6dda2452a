"""Where a change stream's position lives: the asset state store (Airflow 3.3+) or a Variable (3.0-3.2).

The stream's key is ``activecampaign_changes__<resource>_<watch>__<digest>`` (:func:`stream_key`);
a position is the JSON of :class:`~.change_stream.Position`.

- Airflow 3.3+: in the **asset state store** of every asset the stream's triggers watch
  (:class:`AssetPositions`). The triggerer gives each event trigger the state store of the
  assets it watches (``trigger.asset_state_store``), but creates a shared stream's producer
  from the first trigger's arguments only; so each trigger, while it subscribes to its
  stream, lends its stores to the producer (:func:`lend`). The producer writes the position
  to every lent store in ``advance()`` (the triggerer acknowledges each write once it is in
  the database). On start it reads them all and takes the one that covers least
  (:func:`~.change_stream.earliest`): an asset whose store was written last by an older
  position (a kill between two writes, a replay) loses nothing; the others may see a change
  again, with the same ``change_key``. A store with no position (an asset newly added to a
  running stream) is ignored: that asset gets the changes from the stream's position on,
  and nothing is replayed. A stream with no position in any store reads the Variable of
  earlier versions once, writes the state store and deletes the Variable.
- Airflow 3.0-3.2 (no state store), and a trigger that watches no asset: a Variable per
  *watcher* (:class:`WatcherStore`), ``<stream key>__<digest of the trigger's arguments>``
  (:func:`watcher_key`), so two watchers of one stream with other arguments (another
  ``poll_interval``, or each in its own triggerer) never move each other's position. The
  stream key's Variable is then an index, ``{"watchers": [keys], "migrated": position}``,
  for reset and replay; a position found there from an earlier version (one Variable per
  stream) is where every watcher without a position of its own starts.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from airflow_provider_activecampaign.triggers.change_stream import Position, earliest

log = logging.getLogger(__name__)

#: Stores lent by the triggers subscribed to each shared stream (key: the stream's shared key).
_LENT: dict[Hashable, dict[int, Any]] = {}


def stream_key(kwargs: Mapping[str, Any]) -> str:
    """A stream's position key: one per (connection, resource, watch, filters, parent)."""
    ident = json.dumps([kwargs.get("activecampaign_conn_id"), kwargs.get("resource"), kwargs.get("watch"),
                        kwargs.get("filters") or {}, kwargs.get("parent_id")], sort_keys=True, default=str)
    return f"activecampaign_changes__{kwargs.get('resource')}_{kwargs.get('watch')}__" + \
        hashlib.sha256(ident.encode()).hexdigest()[:16]


def watcher_key(kwargs: Mapping[str, Any]) -> str:
    """One watcher's position Variable (3.0-3.2): the stream key plus a digest of all the trigger's arguments."""
    ident = json.dumps(dict(kwargs), sort_keys=True, default=str)
    return f"{stream_key(kwargs)}__{hashlib.sha256(ident.encode()).hexdigest()[:12]}"


class PositionStore:
    """Load and save a stream's position in its Variable (from the triggerer, without blocking the loop)."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def load(self) -> Position | None:
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        raw = await sync_to_async(Variable.get)(self.key, default=None)
        return Position.from_json(json.loads(raw)) if raw else None

    async def save(self, position: Position) -> None:
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        await sync_to_async(Variable.set)(self.key, json.dumps(position.to_json()),
                                          description="ActiveCampaign change stream position")

    async def delete(self) -> None:
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        await sync_to_async(Variable.delete)(self.key)


def _index(data: Any) -> dict[str, Any] | None:
    """The stream Variable as an index; None when it holds something else (an old position, nothing)."""
    if isinstance(data, Mapping) and isinstance(data.get("watchers"), list):
        return {"watchers": [str(k) for k in data["watchers"]], "migrated": data.get("migrated")}
    return None


class WatcherStore(PositionStore):
    """Airflow 3.0-3.2: one watcher's position in a Variable of its own, listed in the stream's index.

    A watcher with no position of its own starts where the stream's old Variable (one per
    stream, earlier versions) stood; its first save turns that Variable into the index.
    """

    def __init__(self, stream: str, key: str) -> None:
        super().__init__(key)
        self.stream = PositionStore(stream)
        self.own = False  # the last load found this watcher's own Variable

    async def _stream_data(self) -> Any:
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        raw = await sync_to_async(Variable.get)(self.stream.key, default=None)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    async def load(self) -> Position | None:
        own = await super().load()
        self.own = own is not None
        if own is not None:
            return own
        data = await self._stream_data()
        index = _index(data)
        return Position.from_json(index["migrated"] if index is not None else data)

    async def save(self, position: Position) -> None:
        await super().save(position)
        await self.enlist()

    async def enlist(self, tries: int = 5) -> None:
        """List this watcher in the stream's index (checked after writing: two watchers writing it
        at once may drop one; and again at each save)."""
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        for _ in range(tries):
            data = await self._stream_data()
            index = _index(data) or {"watchers": [], "migrated": data if isinstance(data, Mapping) else None}
            if self.key in index["watchers"]:
                return
            index["watchers"].append(self.key)
            await sync_to_async(Variable.set)(self.stream.key, json.dumps(index),
                                              description="ActiveCampaign change stream: its watchers' positions")
            await asyncio.sleep(random.uniform(0.05, 0.25))  # then read back, apart from a concurrent writer

    async def delete(self) -> None:
        """Forget this watcher (after a move to the state store); the index goes with its last watcher."""
        from airflow.providers.common.compat.sdk import Variable
        from asgiref.sync import sync_to_async

        if self.own:
            await super().delete()
            self.own = False
        data = await self._stream_data()
        index = _index(data)
        if index is not None and self.key in index["watchers"]:
            index["watchers"].remove(self.key)
        if data is None:
            return
        if index is None or not index["watchers"]:
            await self.stream.delete()
        else:
            await sync_to_async(Variable.set)(self.stream.key, json.dumps(index))


@contextmanager
def lend(shared_key: Hashable, trigger: object) -> Iterator[None]:
    """While a trigger reads its shared stream, the stream's producer may use the trigger's state stores."""
    store = getattr(trigger, "asset_state_store", None)
    if store is None:
        yield
        return
    _LENT.setdefault(shared_key, {})[id(trigger)] = store
    try:
        yield
    finally:
        lent = _LENT.get(shared_key, {})
        lent.pop(id(trigger), None)
        if not lent:
            _LENT.pop(shared_key, None)


def accessors(store: Any) -> list[Any]:
    """The per-asset accessors of a trigger's ``asset_state_store``.

    Airflow 3.3 offers no public way to list the assets of an ``AssetStateStoreAccessors``;
    it keeps them by name and by URI. Anything else is taken as one asset's accessor.
    """
    by_name, by_uri = getattr(store, "_by_name", None), getattr(store, "_by_uri", None)
    if isinstance(by_name, dict) and isinstance(by_uri, dict):
        return [*by_name.values(), *by_uri.values()]
    return [store]


def lent_accessors(shared_key: Hashable) -> list[Any]:
    """Every asset's accessor lent to a stream, each once."""
    out: list[Any] = []
    for store in list(_LENT.get(shared_key, {}).values()):
        out.extend(a for a in accessors(store) if a not in out)
    return out


class AssetPositions:
    """Airflow 3.3+: a shared stream's position in the state store of every asset its triggers watch.

    Falls back to the Variable when no trigger lent a store (a trigger outside an ``AssetWatcher``).
    """

    def __init__(self, key: str, shared_key: Hashable, how: str, legacy: PositionStore | None = None) -> None:
        self.key = key
        self.shared_key = shared_key
        self.how = how
        self.legacy = legacy or PositionStore(key)
        self.migrating = False

    async def load(self) -> Position | None:
        stores = lent_accessors(self.shared_key)
        if not stores:
            return await self.legacy.load()
        found = [p for a in stores if (p := Position.from_json(await a.aget(self.key))) is not None]
        if found:
            return earliest(found, self.how)
        position = await self.legacy.load()  # a stream of an earlier version: migrated by the next save
        self.migrating = position is not None
        return position

    async def save(self, position: Position) -> None:
        stores = lent_accessors(self.shared_key)
        if not stores:
            await self.legacy.save(position)
            return
        value, written, errors = position.to_json(), 0, []
        for accessor in stores:
            try:
                await accessor.aset(self.key, value)
                written += 1
            except Exception as exc:  # an asset removed meanwhile: its store is gone, the others go on
                errors.append(exc)
                log.warning("The position of %s was not written to %r: %s", self.key, accessor, exc)
        if not written:
            raise RuntimeError(f"the position of {self.key} was written to none of its assets' state stores") \
                from errors[0]
        if self.migrating:
            await self.legacy.delete()
            self.migrating = False
