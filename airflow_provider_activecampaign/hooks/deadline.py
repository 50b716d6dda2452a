"""One overall deadline per request: connect, send and the whole reply together.

httpx's timeouts apply to each socket operation, so a server that drips its reply a byte at a
time never trips them. The sync hook sends through :class:`DeadlineTransport`, whose sockets
give every operation only what is left of the request's deadline (set with :func:`deadline`);
the async hook bounds the whole request with a cancel scope instead (see :func:`within`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import anyio
import httpcore
import httpx

_END: ContextVar[float | None] = ContextVar("activecampaign_request_deadline", default=None)
T = TypeVar("T")


def deadline_passed(seconds: float) -> httpx.ReadTimeout:
    """The error a request that outlived its deadline ends with (a timeout: the core decides on retries)."""
    return httpx.ReadTimeout(f"no complete reply within the request's deadline of {seconds:g} s")


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Give the requests sent in this block (sync, through :class:`DeadlineTransport`) ``seconds`` in all."""
    end = None if seconds is None else time.monotonic() + seconds
    token = _END.set(end)
    try:
        yield
    except httpx.TimeoutException as error:  # same kind (a connect timeout stays one), saying why
        if end is None or time.monotonic() < end:
            raise
        raise type(error)(f"{error} (the request's deadline of {seconds:g} s passed)", request=error.request) \
            from error
    finally:
        _END.reset(token)


async def within(seconds: float | None, request: Awaitable[T]) -> T:
    """Await ``request`` for at most ``seconds`` in all; past that, :func:`deadline_passed`."""
    if seconds is None:
        return await request
    # anyio's scope, not asyncio.wait_for: on Python 3.10 and 3.11, wait_for drops a cancel that
    # comes as the reply arrives, and a cancelled trigger would go on polling
    # (a bare scope: anyio.fail_after is two generator context managers around it, on every request)
    with anyio.CancelScope(deadline=anyio.current_time() + seconds):
        return await request
    raise deadline_passed(seconds)  # the scope swallows only its own deadline's cancel (an outer one goes on)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """The time a socket operation may take: its own timeout, or less when the deadline is near."""
    end = _END.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("no complete reply within the request's deadline")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_tcp(host, port, _left(timeout, httpcore.ConnectTimeout),
                                                 local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_unix_socket(path, _left(timeout, httpcore.ConnectTimeout),
                                                         socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport (TLS verified, pooled), over sockets that keep the request's deadline."""

    def __init__(self, *, limits: httpx.Limits, verify: bool = True) -> None:
        super().__init__(verify=verify, limits=limits)
        self._pool = httpcore.ConnectionPool(  # httpx has no public way to give its pool a network backend
            ssl_context=httpx.create_ssl_context(verify=verify), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend())


def sync_client(options: dict[str, Any]) -> httpx.Client:
    """An ``httpx.Client`` from the core's options whose requests keep :func:`deadline`."""
    transport = DeadlineTransport(limits=options["limits"], verify=options.get("verify", True))
    return httpx.Client(transport=transport, **{k: v for k, v in options.items() if k not in ("limits", "verify")})
