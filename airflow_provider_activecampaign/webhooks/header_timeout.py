"""A deadline for a request's headers in the API server's HTTP server (uvicorn has none).

uvicorn bounds the body only through the app (the receiver's ``webhook_read_timeout``) and
idle keep-alive connections through ``timeout_keep_alive``; a sender that drips its header
lines holds a connection for as long as it likes. Installed when the receiver app is created,
this gives every connection of the server (every route: headers come before routing)
``webhook_header_timeout`` seconds (default 10; 0 turns it off) from its opening, or from the
previous reply on a kept-alive connection, until a request's headers are complete; after that
it answers 408 and closes the connection.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("airflow_provider_activecampaign.webhooks")

#: Default seconds for a request's headers to arrive (``[activecampaign] webhook_header_timeout``).
DEFAULT_HEADER_TIMEOUT = 10.0
_TIMER = "_activecampaign_header_timer"
_REPLY = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
          b"content-length: 36\r\nconnection: close\r\n\r\nrequest headers not received in time")


def header_timeout() -> float:
    """``[activecampaign] webhook_header_timeout``: seconds, 0 for none; the default when it is not a number."""
    from airflow.configuration import conf

    raw = conf.get("activecampaign", "webhook_header_timeout", fallback=None)
    if raw in (None, ""):
        return DEFAULT_HEADER_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0 or value != value:  # negative or NaN
        log.error("[activecampaign] webhook_header_timeout=%r is not a number of seconds; using %s", raw,
                  DEFAULT_HEADER_TIMEOUT)
        return DEFAULT_HEADER_TIMEOUT
    return value


def _disarm(protocol: Any) -> None:
    timer = getattr(protocol, _TIMER, None)
    if timer is not None:
        timer.cancel()
        setattr(protocol, _TIMER, None)


def _arm(protocol: Any) -> None:
    """Start the deadline for the next request's headers (the current cycle is done, or none began)."""
    _disarm(protocol)
    seconds = header_timeout()
    if seconds > 0:
        setattr(protocol, _TIMER, protocol.loop.call_later(seconds, _expire, protocol, protocol.cycle))


def _expire(protocol: Any, cycle: Any) -> None:
    setattr(protocol, _TIMER, None)
    transport = protocol.transport
    waiting = protocol.cycle is cycle and (cycle is None or cycle.response_complete)
    if waiting and transport is not None and not transport.is_closing():  # no new request got its headers
        client = protocol.client[0] if protocol.client else "-"
        log.warning("Closed a connection from %s: request headers not received within %g s (408)", client,
                    header_timeout())
        transport.write(_REPLY)
        transport.close()


def _wrap(cls: type, name: str, after: Any) -> None:
    original = getattr(cls, name)

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        after(self)
        return result

    method.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(cls, name, method)


def _protocol_classes() -> list[type]:
    classes = []
    try:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        classes.append(H11Protocol)
    except ImportError:  # pragma: no cover - h11 comes with uvicorn
        pass
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        classes.append(HttpToolsProtocol)
    except ImportError:  # httptools is optional
        pass
    return classes


def install_header_timeout() -> None:
    """Give uvicorn's HTTP protocols the header deadline (once per process)."""
    for cls in _protocol_classes():
        if getattr(cls, "_activecampaign_header_timeout", False):
            continue
        _wrap(cls, "connection_made", _arm)
        _wrap(cls, "on_response_complete", _arm)
        _wrap(cls, "connection_lost", _disarm)
        cls._activecampaign_header_timeout = True  # type: ignore[attr-defined]
