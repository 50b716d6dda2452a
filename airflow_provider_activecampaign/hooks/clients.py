"""One ``httpx.AsyncClient`` per account and event loop, shared by every async hook of that account.

A triggerer runs hundreds of triggers in one event loop. Each client holds a connection pool
and a TLS context whose creation loads the trust store (about 25 ms of CPU): built per
trigger on the loop, a thousand of them stall the triggerer for half a minute. Here the
client is built once in a worker thread, lent to every hook of the account (keyed by the
API URL and a fingerprint of the key, never the key itself) and closed when the last hook
gives it back. Clients are per event loop because their connections belong to one loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

#: (API URL, fingerprint of the key)
ClientKey = tuple[str, str]


def client_key(base_url: str, api_key: str) -> ClientKey:
    """How clients are shared: by account URL and key, the key only as a SHA-256 fingerprint."""
    return base_url, hashlib.sha256(api_key.encode()).hexdigest()[:16]


@dataclass
class _Entry:
    ready: asyncio.Future[httpx.AsyncClient]
    leases: int = 0


_ENTRIES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[ClientKey, _Entry]] = (
    weakref.WeakKeyDictionary())
_ENTRIES_LOCK = threading.Lock()


def _entries() -> dict[ClientKey, _Entry]:
    loop = asyncio.get_running_loop()
    with _ENTRIES_LOCK:
        return _ENTRIES.setdefault(loop, {})


async def lease_client(key: ClientKey, options: Callable[[], Mapping[str, Any]]) -> httpx.AsyncClient:
    """The account's client in this event loop, built off the loop on first use; give it back with
    :func:`release_client`. Concurrent first callers wait for the same client."""
    entries = _entries()
    entry = entries.get(key)
    if entry is None:
        entry = entries[key] = _Entry(asyncio.ensure_future(asyncio.to_thread(lambda: httpx.AsyncClient(**options()))))
    entry.leases += 1
    try:
        return await asyncio.shield(entry.ready)  # a caller cancelled meanwhile stops nobody else's wait
    except BaseException:
        if _give_back(entries, key, entry):
            _close_when_built(entry.ready)
        raise


async def release_client(key: ClientKey, client: httpx.AsyncClient) -> None:
    """Give a leased client back; the last one out closes it."""
    entries = _entries()
    entry = entries.get(key)
    if entry is None or not entry.ready.done() or entry.ready.exception() or entry.ready.result() is not client:
        await client.aclose()  # not (or no longer) the shared one
        return
    if _give_back(entries, key, entry):
        await client.aclose()


def _give_back(entries: dict[ClientKey, _Entry], key: ClientKey, entry: _Entry) -> bool:
    """One lease less; True when the caller must close the (built) client, which is then unshared."""
    entry.leases -= 1
    failed = entry.ready.done() and (entry.ready.cancelled() or entry.ready.exception() is not None)
    if entry.leases > 0 and not failed:
        return False
    if entries.get(key) is entry:
        del entries[key]  # before any await: a new caller builds a new client
    if entry.leases > 0 or failed:
        return False
    if entry.ready.done():
        return True
    entry.ready.add_done_callback(_close_when_built)  # the last caller gave up while it was being built
    return False


def _close_when_built(ready: asyncio.Future[httpx.AsyncClient]) -> None:
    if not ready.cancelled() and ready.exception() is None:
        task = asyncio.ensure_future(ready.result().aclose())
        _CLOSING.add(task)
        task.add_done_callback(_CLOSING.discard)


_CLOSING: set[asyncio.Future[None]] = set()  # strong references until each close is done


def shared_clients() -> int:
    """How many shared clients this event loop holds (for tests and benchmarks)."""
    return len(_entries())
