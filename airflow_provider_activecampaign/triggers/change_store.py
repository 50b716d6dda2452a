"""Where a change stream's position lives: the asset state store (Airflow 3.3+) or a Variable (3.0-3.2).

Both keep it under one key per stream, ``activecampaign_changes__<resource>_<watch>__<digest>``
(:func:`stream_key`), as the JSON of :class:`~.change_stream.Position`.

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
- Airflow 3.0-3.2 (no state store), and a trigger that watches no asset: the Variable
  (:class:`PositionStore`).
"""

from __future__ import annotations

import hashlib
import json
import logging
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
