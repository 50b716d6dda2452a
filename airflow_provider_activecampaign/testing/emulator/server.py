"""The HTTP server and the public facade: ``ActiveCampaignEmulator`` (start/stop, state for tests, request log).

Every request is recorded (keys redacted), may meet an injected fault, is authenticated and
rate limited, and goes to the legacy action table or the v3 route table. Nothing a request says
reaches a handler by name; an unexpected exception is answered 500 and kept in ``server_errors``.
"""

from __future__ import annotations

import hmac
import http.server
import json
import socket
import threading
import traceback
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from airflow_provider_activecampaign.testing.emulator import bulk, legacy, routes
from airflow_provider_activecampaign.testing.emulator.chaos import (
    CHAOS_KINDS,
    PAGING_PARAMS,
    Chaos,
    RequestHook,
    truncated,
    without_paging,
)
from airflow_provider_activecampaign.testing.emulator.deliveries import Deliveries
from airflow_provider_activecampaign.testing.emulator.faults import (
    Fault,
    Faults,
    Latency,
    RateLimit,
    check_latency,
    trickle,
)
from airflow_provider_activecampaign.testing.emulator.filters import check_reading
from airflow_provider_activecampaign.testing.emulator.resources import RESOURCES, Resource
from airflow_provider_activecampaign.testing.emulator.seed import seed as seed_account
from airflow_provider_activecampaign.testing.emulator.store import Store
from airflow_provider_activecampaign.testing.emulator.values import ApiError, Record, Reply, as_int, as_text

__all__ = ["ActiveCampaignEmulator", "RequestRecord"]


@dataclass
class RequestRecord:
    """One request the emulator received (``api_key`` values redacted); ``status`` 0 = dropped."""

    method: str
    path: str
    query: dict[str, list[str]]
    json: Any | None
    form: dict[str, list[str]] | None
    status: int = 0
    reply: Any | None = None  # the JSON body answered (None: empty, raw or dropped)
    peer: int = 0  # the client's port (tells which process sent it, with the process's open sockets)


class ActiveCampaignEmulator:
    """ActiveCampaign's v3 and legacy APIs on 127.0.0.1, over in-memory state.

    ``seed=None`` gives a minimal account (the key's user, a group, a pipeline with stages,
    task types, two automations, a list, a tag); ``seed="demo"`` adds contacts, deals, tasks,
    calendar feeds, messages, campaigns and more. Records made through the API fire webhooks
    from source ``api``; records made with :meth:`insert`/:meth:`modify` from source ``admin``.

    ``date_filters`` says how ``filters[created_after]`` and the other date filters read the value
    sent, which the API does not document: ``"offset"`` (the instant as sent, the default), ``"utc"``
    (its clock time as UTC), ``"account"`` (its clock time in the account's zone, US Central) or
    ``"date"`` (its date only, from midnight in the account's zone). It can be changed while serving.
    ``rate_limit`` turns on the API's limit (requests arriving in any rolling second, 429 over
    it); ``latency=(low, high)`` delays every request by a random number of seconds before it
    arrives, as a network would (e.g. ``(0, 0.03)``).
    """

    def __init__(self, api_key: str = "emulator-api-key", *, host: str = "127.0.0.1", port: int = 0,
                 rate_limit: float | None = None, seed: str | None = None, date_filters: str = "offset",
                 latency: tuple[float, float] | None = None) -> None:
        if seed not in (None, "demo"):
            raise ValueError(f"Unknown seed {seed!r}: use None or 'demo'")
        self.api_key = api_key
        self.host = host
        self.port = port
        self.rate_limit = rate_limit
        self.seed = seed
        self.requests: list[RequestRecord] = []
        self.server_errors: list[str] = []  # tracebacks of unexpected failures (500 replies)
        self._store = Store()
        self.date_filters = date_filters
        self._deliveries = Deliveries(self._store)
        self.deliveries: list[dict[str, Any]] = self._deliveries.entries
        self._faults = Faults()
        self._rate = RateLimit()
        self._latency = Latency(latency)
        self._chaos: Chaos | None = None
        self._request_hooks: list[RequestHook] = []
        self._ignored_paging: tuple[str, ...] = ()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self.reset()

    # lifecycle ----------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the account's API URL (v3 base: ``url + "/api/3"``)."""
        if self._server is None:
            raise RuntimeError("The emulator is not started")
        return self._store.base

    def start(self) -> ActiveCampaignEmulator:
        """Bind, then serve in a background thread; returns self."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self.host, self.port), _Handler)
        server.emulator = self  # type: ignore[attr-defined]
        self._server = server
        self._store.base = f"http://{self.host}:{server.server_address[1]}"
        self._threads = [
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             name="activecampaign-emulator", daemon=True),
            threading.Thread(target=self._deliveries.send_loop, name="activecampaign-webhooks", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and join its threads (pending webhooks are given 5 s)."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        self._deliveries.close()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    @property
    def date_filters(self) -> str:
        """How the date filters read the value sent: ``offset``, ``utc``, ``account`` or ``date``."""
        return self._store.filter_reading

    @date_filters.setter
    def date_filters(self, reading: str) -> None:
        self._store.filter_reading = check_reading(reading)

    def __enter__(self) -> ActiveCampaignEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ActiveCampaignEmulator(url={self._store.base or None!r}, seed={self.seed!r})"

    @property
    def latency(self) -> tuple[float, float] | None:
        """The random delay before each request arrives, (low, high) seconds, or None."""
        return self._latency.span

    @latency.setter
    def latency(self, span: tuple[float, float] | None) -> None:
        self._latency.span = check_latency(span)

    def connection_json(self) -> str:
        """An Airflow connection (``AIRFLOW_CONN_*``) pointing at this emulator."""
        return json.dumps({"conn_type": "activecampaign", "host": self.url, "password": self.api_key,
                           "extra": {"allow_http": True}})

    # state for tests ------------------------------------------------------------

    def records(self, resource: str) -> list[Record]:
        """All records of a resource (``"contacts"``, ``"dealTasks"``...), as the API shows them, in id order."""
        res, store = _resource(resource), self._store
        with store.lock:
            return [store.render(res, rec) for rec in store.ordered(res.plural)]

    def record(self, resource: str, record_id: str | int) -> Record | None:
        """One record as the API shows it, or None."""
        res, store = _resource(resource), self._store
        with store.lock:
            rec = store.find(res, as_text(record_id))
            return None if rec is None else store.render(res, rec)

    def insert(self, resource: str, **fields: Any) -> Record:
        """Create a record directly, as if made in the UI (webhook source ``admin``).

        Fields may set timestamps (``cdate=...``, ISO text or aware datetimes) and ``id``.
        """
        res, store = _resource(resource), self._store
        with store.lock:
            return store.render(res, store.save(res, fields, None, "admin"))

    def modify(self, resource: str, record_id: str | int, **fields: Any) -> Record:
        """Change a record directly; its update timestamp moves unless given."""
        res, store = _resource(resource), self._store
        with store.lock:
            rec = store.find(res, as_text(record_id))
            if rec is None:
                raise KeyError(f"No {resource} record with id {record_id}")
            return store.render(res, store.save(res, fields, rec, "admin"))

    def set_now(self, when: datetime | None) -> None:
        """Freeze the clock used for timestamps (an aware datetime); None = real time."""
        if when is not None and when.tzinfo is None:
            raise ValueError("set_now() needs an aware datetime")
        self._store.frozen = when

    def clear_requests(self) -> None:
        with self._store.lock:
            self.requests.clear()

    def inject_fault(self, *, status: int | None = None, count: int = 1, method: str | None = None,
                     path: str | None = None, retry_after: int | None = None, delay: float = 0.0,
                     drop: bool = False, body: str | None = None, content_type: str = "application/json",
                     after_processing: bool = False, trickle: float = 0.0) -> None:
        """Give the next ``count`` matching requests a fault instead of (or after) the normal handling.

        ``path`` is a prefix of the URL path (``"/api/3/contacts"``; a relative ``"contacts"`` means
        ``/api/3/contacts``). The fault is a ``status`` reply (``body``, ``Retry-After``), a ``delay``
        before replying, or a ``drop`` (socket closed without a reply). ``after_processing=True``
        performs the request first (state changes!) and then delays/drops/fails. ``trickle`` sends
        the reply (the fault's status, else the real one) one byte every ``trickle`` seconds.
        """
        if status is None and not drop and delay <= 0 and trickle <= 0:
            raise ValueError("inject_fault() needs a status, a delay, a trickle or drop=True")
        if path is not None and not path.startswith("/"):
            path = "/api/3/" + path
        self._faults.add(Fault(status, count, method, path, retry_after, delay, drop, body, content_type,
                               after_processing, trickle=trickle))

    def chaos(self, rate: float, seed: int, kinds: tuple[str, ...] = CHAOS_KINDS, *,
              methods: tuple[str, ...] = ("GET",), retry_after: int = 1, slow: float = 0.3) -> Chaos:
        """Fault a seeded random ``rate`` of requests (GETs by default) with ``kinds``; rate 0 stops.

        Kinds: ``5xx``, ``429`` (with ``Retry-After``), ``drop`` (connection reset), ``slow``
        (``slow`` seconds late), ``truncated`` (half the body), ``not_json`` (a 200 HTML page).
        Returns the :class:`Chaos`, whose ``counts`` say how many of each were served.
        """
        self._chaos = Chaos(rate, seed, kinds, methods, retry_after, slow) if rate else None
        return self._chaos  # type: ignore[return-value]

    def on_request(self, hook: RequestHook | None) -> None:
        """Call ``hook(emulator, request)`` before handling each request (None removes them all).

        The hook may change state (``insert``/``modify``/``delete``): records change between pages.
        """
        self._request_hooks = [] if hook is None else [*self._request_hooks, hook]

    def ignore_paging(self, params: tuple[str, ...] = PAGING_PARAMS) -> None:
        """Ignore these query parameters (default ``offset`` and ``id_greater``); ``()`` obeys them again."""
        self._ignored_paging = tuple(params)

    def ids(self, resource: str) -> list[str]:
        """The ids of a resource's records, in id order."""
        res, store = _resource(resource), self._store
        with store.lock:
            return [rec["id"] for rec in store.ordered(res.plural)]

    def delete(self, resource: str, record_id: str | int) -> None:
        """Delete a record directly, as if in the UI."""
        res, store = _resource(resource), self._store
        with store.lock:
            rec = store.find(res, as_text(record_id))
            if rec is None:
                raise KeyError(f"No {resource} record with id {record_id}")
            store.delete(res, rec, "admin")

    def insert_late(self, resource: str, when: datetime, **fields: Any) -> Record:
        """Insert a record that becomes visible only now although stamped ``when`` (created and updated)."""
        res = _resource(resource)
        stamps = {name: when.isoformat() for name in (res.created, res.updated) if name}
        return self.insert(resource, **{**stamps, **fields})

    def reset(self) -> None:
        """Empty all state (records, requests, faults, deliveries) and seed again."""
        with self._store.lock:
            self._store.clear()
            self._faults.clear()
            self._rate.clear()
            self._chaos, self._request_hooks, self._ignored_paging = None, [], ()
            self.requests.clear()
            bulk.imports(self._store).clear()
            seed_account(self._store, self.seed)
        self._deliveries.clear()

    @property
    def bulk_imports(self) -> bulk.BulkImports:
        """The bulk import API's state: ``configure(per_window=..., window=..., processing_seconds=...)``."""
        return bulk.imports(self._store)

    def wait_for_deliveries(self, n: int, timeout: float = 5.0) -> bool:
        """Wait until at least ``n`` webhook deliveries were attempted."""
        return self._deliveries.wait_for(n, timeout)

    # request handling -----------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        """Serve one request: record it, apply faults, auth, rate limit, route; never raises."""
        if self._stopping.is_set():
            return _drop(handler)
        request = _Request.read(handler)
        admission = self._arrive(request.path)
        with self._store.lock:
            self.requests.append(request.record)
        for hook in list(self._request_hooks):
            hook(self, request.record)
        if self._ignored_paging:
            request.pairs = without_paging(request.pairs, self._ignored_paging)
        chaos = self._chaos
        fault = self._faults.take(request.method, request.path) or (
            chaos.pick(request.method, request.path) if chaos else None)
        if fault and not fault.after_processing:
            if self._fault_ends_request(fault, handler, request.record):
                return None
        try:
            reply = self._dispatch(request, handler.headers, admission)
        except ApiError as error:
            reply = Reply(error.status, error.body, error.headers)
        except Exception:  # a bug in the emulator: answer 500 and keep the traceback for the test
            self.server_errors.append(traceback.format_exc())
            reply = Reply(500, {"message": "Internal Server Error"})
        if fault and fault.after_processing:
            if fault.delay:
                self._stopping.wait(fault.delay)
            if fault.drop:
                return _drop(handler)
            if fault.status:
                reply = fault.reply()
            if fault.truncate:
                reply = truncated(reply)
        request.record.status = reply.status
        request.record.reply = reply.body if reply.raw is None else None
        if fault and fault.trickle:
            return self._trickle(handler, reply, fault.trickle)
        return _send(handler, reply)

    def _fault_ends_request(self, fault: Fault, handler: _Handler, record: RequestRecord) -> bool:
        """Apply a fault met before processing; True when it answered (or dropped) the request."""
        if fault.delay:
            self._stopping.wait(fault.delay)
        if fault.drop:
            _drop(handler)
            return True
        if fault.status:
            record.status = fault.status
            if fault.trickle:
                self._trickle(handler, fault.reply(), fault.trickle)
            else:
                _send(handler, fault.reply())
            return True
        return False

    def _trickle(self, handler: _Handler, reply: Reply, interval: float) -> None:
        content_type = reply.content_type + ("; charset=utf-8" if "json" in reply.content_type else "")
        headers = [("Server", handler.version_string()), ("Content-Type", content_type), *reply.headers.items()]
        handler.close_connection = True
        trickle(handler.wfile, reply.status, headers, reply.encode(), interval, self._stopping)


    def _arrive(self, path: str) -> dict[str, str] | ApiError:
        """The request arrives (after the network's latency) and is counted: its rate-limit headers, or the 429."""
        delay = self._latency.pick()
        if delay:
            self._stopping.wait(delay)
        if path.rstrip("/") != "/admin/api.php" and not path.startswith("/api/3/"):
            return {}
        try:
            return self._rate.admit(self.rate_limit)
        except ApiError as refused:
            return refused

    def _dispatch(self, request: _Request, headers: Mapping[str, str], admission: dict[str, str] | ApiError) -> Reply:
        path, pairs, form = request.path, request.pairs, request.form or []
        is_legacy = path.rstrip("/") == "/admin/api.php"
        if not is_legacy and not path.startswith("/api/3/"):
            raise routes.unknown_route()
        params = {**dict(pairs), **dict(form)}
        if is_legacy and not self._authorized(params.get("api_key") or headers.get("Api-Token")):
            return Reply(200, {"result_code": 0, "result_message": "You are not authorized to access this file",
                               "result_output": "json"})
        if not is_legacy and not self._authorized(headers.get("Api-Token")):
            raise ApiError(403, {"message": "Forbidden"})
        if isinstance(admission, ApiError):
            raise admission
        limit_headers = admission
        try:
            if is_legacy:
                reply = legacy.answer(self._store, params, pairs + form)
            elif request.malformed:
                reply = Reply(400, {"errors": [{"status": 400, "title": "Bad Request",
                                                "detail": "The request body is not valid JSON."}]})
            else:
                with self._store.lock:
                    reply = routes.route(self._store, request.method, path, pairs, request.body)
        except ApiError as error:
            reply = Reply(error.status, error.body, error.headers)
        reply.headers.update(limit_headers)
        return reply

    def _authorized(self, key: str | None) -> bool:
        return bool(key) and hmac.compare_digest(as_text(key).encode(), self.api_key.encode())


def _resource(name: str) -> Resource:
    try:
        return RESOURCES[name]
    except KeyError:
        raise ValueError(f"Unknown resource {name!r}; known: {', '.join(sorted(RESOURCES))}") from None


# --------------------------------------------------------------------------- HTTP plumbing


@dataclass
class _Request:
    """One request as read off the socket: query pairs, a form or a JSON body, and its log entry."""

    method: str
    path: str
    pairs: list[tuple[str, str]]
    form: list[tuple[str, str]] | None
    body: Any
    malformed: bool
    record: RequestRecord

    @classmethod
    def read(cls, handler: _Handler) -> _Request:
        parts = urllib.parse.urlsplit(handler.path)
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        raw = _read_body(handler)
        form = (urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
                if "application/x-www-form-urlencoded" in handler.headers.get("Content-Type", "") else None)
        body: Any = None
        malformed = False
        if raw and form is None:
            try:
                body = json.loads(raw)
            except ValueError:
                malformed = True
        record = RequestRecord(handler.command, parts.path, _redacted(pairs), body,
                               _redacted(form) if form is not None else None, peer=int(handler.client_address[1]))
        return cls(handler.command, parts.path, pairs, form, body, malformed, record)
class _Handler(http.server.BaseHTTPRequestHandler):
    """Hands every request to the emulator; quiet (no request log)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server_version = "ActiveCampaignEmulator"
    sys_version = ""

    def _serve(self) -> None:
        emulator: ActiveCampaignEmulator = self.server.emulator  # type: ignore[attr-defined]
        try:
            emulator._handle(self)
        except OSError:  # the client went away
            self.close_connection = True
        except Exception:
            emulator.server_errors.append(traceback.format_exc())
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, *args: Any) -> None:
        """No request logging (and never a key in a log)."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that hangs up mid-request is no news."""


def _read_body(handler: _Handler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = as_int(handler.headers.get("Content-Length"), 0)
    return handler.rfile.read(length) if length > 0 else b""


def _send(handler: _Handler, reply: Reply) -> None:
    body = reply.encode()
    handler.send_response(reply.status)
    if body or reply.raw is not None:
        charset = "; charset=utf-8" if "json" in reply.content_type else ""
        handler.send_header("Content-Type", reply.content_type + charset)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def _drop(handler: _Handler) -> None:
    """Close the socket without a reply."""
    handler.close_connection = True
    try:
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _redacted(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append("***" if key == "api_key" else value)
    return out


