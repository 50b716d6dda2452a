"""ActiveCampaign hooks: one request core shared by a sync and an async (httpx) client.

:class:`RequestCore` is the one place that builds requests, reads replies, decides on
retries and turns failures into :mod:`~airflow_provider_activecampaign.exceptions`.
:class:`ActiveCampaignHook` (tasks) and :class:`ActiveCampaignAsyncHook` (triggers) only
send what the core prepared, sleep the way their world sleeps, and page with :class:`Pager`.
"""

from __future__ import annotations

import asyncio
import email.utils
import json as jsonlib
import logging
import random
import re
import threading
import time
from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import httpx
from airflow.providers.common.compat.sdk import BaseHook, mask_secret

from airflow_provider_activecampaign import __version__
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConfigError,
    ActiveCampaignConnectionError,
    error_class_for,
)

log = logging.getLogger(__name__)

DEFAULT_CONN_ID = "activecampaign_default"
DEFAULT_REQUESTS_PER_SECOND = 5.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 5
PAGE_SIZE = 100
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_MESSAGE = 1000


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class ConnectionSettings:
    """What the hooks read from an Airflow connection of type ``activecampaign``."""

    base_url: str
    api_key: str = field(repr=False)
    requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES

    @classmethod
    def from_connection(cls, conn: Any, extra: Mapping[str, Any] | None = None, **overrides: Any) -> ConnectionSettings:
        """Build settings from a connection; extras are read by name from an allowlist."""
        extra = conn.extra_dejson if extra is None else extra
        if not conn.password:
            raise ActiveCampaignConfigError(
                f"Connection {conn.conn_id!r} has no API key: put it in the connection's password field"
            )
        values: dict[str, Any] = {
            "requests_per_second": _number(extra, "requests_per_second", DEFAULT_REQUESTS_PER_SECOND),
            "timeout": _number(extra, "timeout", DEFAULT_TIMEOUT),
            "retries": int(_number(extra, "retries", DEFAULT_RETRIES)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["timeout"] <= 0:
            raise ActiveCampaignConfigError("Connection extra 'timeout' must be a positive number of seconds")
        if values["retries"] < 0:
            raise ActiveCampaignConfigError("Connection extra 'retries' must be 0 or more")
        base_url = account_url(conn.host, schema=conn.schema, port=conn.port, allow_http=_flag(extra, "allow_http"))
        return cls(base_url=base_url, api_key=conn.password, **values)


def _number(extra: Mapping[str, Any], name: str, default: float) -> float:
    value = extra.get(name)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ActiveCampaignConfigError(f"Connection extra {name!r} must be a number, got {value!r}") from None


def _flag(extra: Mapping[str, Any], name: str) -> bool:
    value = extra.get(name, False)
    return value is True or str(value).strip().lower() in {"true", "1", "yes", "on"}


def account_url(
    host: str | None, *, schema: str | None = None, port: int | None = None, allow_http: bool = False
) -> str:
    """Normalise the connection's host to the account's API URL (``https://ACCOUNT.api-us1.com``).

    A bare account name is expanded; a pasted ``/api/3`` suffix is dropped; ``http://`` is
    refused unless the connection allows it (a local emulator).
    """
    host = (host or "").strip().rstrip("/")
    if not host:
        raise ActiveCampaignConfigError(
            "The connection has no host: set it to the account's API URL from Settings > Developer "
            "(https://ACCOUNT.api-us1.com)"
        )
    if "://" not in host:
        if "." not in host and ":" not in host and host != "localhost":
            host = f"{host}.api-us1.com"
        scheme = schema if schema in ("http", "https") else "https"
        host = f"{scheme}://{host}"
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ActiveCampaignConfigError(f"The connection's host is not an API URL: {host!r}")
    if parts.scheme == "http" and not allow_http:
        raise ActiveCampaignConfigError(
            "Refusing plain http:// for the ActiveCampaign API (the key would travel in clear text). "
            "Use the https:// URL from Settings > Developer, or set the extra allow_http=true for a local emulator."
        )
    netloc = parts.netloc
    if port and not parts.port:
        netloc = f"{netloc}:{port}"
    path = parts.path.rstrip("/")
    for suffix in ("/api/3", "/admin/api.php"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return f"{parts.scheme}://{netloc}{path}"


# --------------------------------------------------------------------------- secrets in logs


class _KeyRedactingFilter(logging.Filter):
    """Scrubs API keys and webhook tokens from records of loggers we do not own (httpx logs full URLs at INFO)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    #: keys shorter than this are not replaced word-for-word (a one-letter test key would garble every line)
    MIN_LENGTH = 5
    #: the legacy API's key, and the receiver token of webhook URLs (which the webhook lookups send as filters)
    _QUERY_KEY = re.compile(r"((?:api_key|token)(?:=|%3D))[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = self._QUERY_KEY.sub(r"\1***", message)
        for secret in self.secrets:
            scrubbed = scrubbed.replace(secret, "***")
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


_REDACTOR = _KeyRedactingFilter()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_REDACTOR)


def protect_key(api_key: str) -> None:
    """Register the key with Airflow's secrets masker and our filter on httpx's loggers."""
    mask_secret(api_key)
    if len(api_key) >= _KeyRedactingFilter.MIN_LENGTH:
        _REDACTOR.secrets.add(api_key)


# --------------------------------------------------------------------------- rate limiting


class RateLimiter:
    """Spaces requests to at most ``rate`` per second (0 = unlimited).

    ``reserve()`` books the next free slot and returns how long to wait for it, so the sync
    hook sleeps with ``time.sleep`` and the async hook with ``asyncio.sleep``. One limiter
    is shared by every hook of an account in a process: ActiveCampaign's 5 requests per
    second are per account, not per key. Slots are 5 % wider than ``1/rate`` so that network
    jitter between us and the API's own clock does not push a request over the limit.
    """

    HEADROOM = 1.05

    def __init__(self, rate: float) -> None:
        self.interval = self.HEADROOM / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
            return slot - now

    def pause(self, seconds: float) -> None:
        """Hold every request of the account back for ``seconds`` (after a 429)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


_LIMITERS: dict[tuple[str, float], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(base_url: str, rate: float) -> RateLimiter:
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault((base_url, rate), RateLimiter(rate))


# --------------------------------------------------------------------------- the request core


@dataclass(frozen=True)
class Call:
    """One prepared request: what to send, and how to name it in messages (never with the key)."""

    method: str
    url: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    json: Any = None
    data: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    legacy: bool = False

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    @property
    def display(self) -> str:
        return f"{self.method} {self.path}"


def _flatten(params: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """Query parameters as pairs; lists repeat the key, booleans become 1/0, None is dropped."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is None:
                continue
            pairs.append((key, str(int(item)) if isinstance(item, bool) else str(item)))
    return tuple(pairs)


class RequestCore:
    """Builds requests, reads replies and decides retries, for both hooks."""

    def __init__(self, settings: ConnectionSettings, *, backoff: float = 0.5, max_backoff: float = 30.0,
                 max_retry_after: float = 300.0) -> None:
        self.settings = settings
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.limiter = limiter_for(settings.base_url, settings.requests_per_second)
        protect_key(settings.api_key)

    def __repr__(self) -> str:
        return f"RequestCore(base_url={self.settings.base_url!r})"

    # building -----------------------------------------------------------------

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for ``httpx.Client``/``httpx.AsyncClient``: pooled, timed out, TLS verified."""
        timeout = self.settings.timeout
        return {
            "base_url": self.settings.base_url,
            "headers": {
                "Api-Token": self.settings.api_key,
                "Accept": "application/json",
                "User-Agent": f"airflow-provider-activecampaign/{__version__}",
            },
            "timeout": httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            "verify": True,
            "follow_redirects": False,
            "limits": httpx.Limits(max_connections=10, max_keepalive_connections=5),
        }

    def v3(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
           headers: Mapping[str, str] | None = None) -> Call:
        """A call to ``{url}/api/3/{path}``; ``path`` may start with or without ``/`` or ``/api/3``."""
        path = "/" + path.strip().lstrip("/")
        if not path.startswith("/api/3/"):
            path = "/api/3" + path
        if ".." in path.split("?")[0].split("/"):
            raise ActiveCampaignConfigError(f"Refusing a path that climbs out of the API: {path!r}")
        if headers and any(h.lower() == "api-token" for h in headers):
            headers = {k: v for k, v in headers.items() if k.lower() != "api-token"}
        return Call(method.upper(), path, path, _flatten(params), json, None, headers)

    def legacy(self, action: str, *, params: Mapping[str, Any] | None = None,
               data: Mapping[str, Any] | None = None, method: str | None = None) -> Call:
        """A legacy call, ``{url}/admin/api.php?api_action=ACTION&api_output=json&api_key=KEY``."""
        method = (method or ("POST" if data else "GET")).upper()
        query = {"api_action": action, "api_output": "json", **(params or {}), "api_key": self.settings.api_key}
        form = dict(_flatten(data)) if data else None
        return Call(method, "/admin/api.php", f"admin/api.php?api_action={action}", _flatten(query),
                    None, form, None, legacy=True)

    # retries ------------------------------------------------------------------

    def exchange(self, call: Call) -> Generator[float | Call, httpx.Response | Exception | None, Any]:
        """The whole send/retry loop without I/O, driven by both hooks.

        Yields seconds to sleep (a float) or the call to send (a :class:`Call`), and is
        sent back the outcome of a send: the ``httpx.Response`` or the transport error.
        Returns the parsed reply; raises the provider's errors.
        """
        attempt = 0
        while True:
            yield self.limiter.reserve()
            outcome = yield call
            if isinstance(outcome, httpx.Response):
                wait = self.retry_delay(call, attempt, response=outcome)
                if wait is None:
                    return self.parse(call, outcome)
                reason = f"HTTP {outcome.status_code}"
            else:
                assert isinstance(outcome, Exception)
                wait = self.retry_delay(call, attempt, error=outcome)
                if wait is None:
                    raise self.connection_error(call, outcome) from None
                reason = type(outcome).__name__
            log.warning("ActiveCampaign %s: %s; retrying in %.1f s (retry %d of %d)",
                        call.display, reason, wait, attempt + 1, self.settings.retries)
            yield wait
            attempt += 1

    def retry_delay(self, call: Call, attempt: int, *, response: httpx.Response | None = None,
                    error: Exception | None = None) -> float | None:
        """Seconds to wait before trying ``call`` again, or None when it must not be retried.

        429 is always retried after ``Retry-After`` (the request was not processed); 5xx and
        transport errors only for idempotent methods; a POST only when it cannot have
        reached the server (connection refused / connect timeout).
        """
        if attempt >= self.settings.retries:
            return None
        if response is not None:
            status = response.status_code
            if status == 429:
                wait = _retry_after(response)
                wait = self._backoff(attempt) if wait is None else min(wait, self.max_retry_after)
                self.limiter.pause(wait)
                return wait
            if status in RETRY_STATUSES and call.idempotent:
                wait = _retry_after(response)
                return self._backoff(attempt) if wait is None else min(wait, self.max_retry_after)
            return None
        if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
            return self._backoff(attempt)
        if isinstance(error, httpx.TransportError) and call.idempotent:
            return self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)

    # reading ------------------------------------------------------------------

    def parse(self, call: Call, response: httpx.Response) -> Any:
        """The reply's JSON, or an :class:`ActiveCampaignApiError` in ActiveCampaign's own words."""
        status = response.status_code
        body = self._body(response)
        if status >= 400:
            message, errors = self._error_message(body, response)
            raise error_class_for(status)(call.method, call.path, status, message,
                                          errors=errors, retry_after=_retry_after(response))
        if isinstance(body, dict):
            failed = next((k for k in ("result_code", "success", "succeeded") if str(body.get(k, "1")) == "0"), None)
            if failed:
                message = self.redact(str(body.get("result_message") or body.get("message") or f"{failed}: 0"))
                raise ActiveCampaignApiError(call.method, call.path, status, message)
        return body

    def connection_error(self, call: Call, error: Exception) -> ActiveCampaignConnectionError:
        reason = type(error).__name__
        detail = self.redact(str(error))
        if detail:
            reason = f"{reason}: {detail}"
        if not call.idempotent and not isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)):
            reason += " (not retried: the request may have been processed; check before sending it again)"
        return ActiveCampaignConnectionError(call.method, call.path, reason)

    def redact(self, text: str) -> str:
        return text.replace(self.settings.api_key, "***") if self.settings.api_key else text

    def _body(self, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError):
            return self.redact(response.text.strip())[:_MAX_MESSAGE]

    def _error_message(self, body: Any, response: httpx.Response) -> tuple[str, list[dict[str, Any]]]:
        errors: list[dict[str, Any]] = []
        message = ""
        if isinstance(body, dict):
            raw = body.get("errors")
            if isinstance(raw, dict):
                raw = [{"title": f"{k}: {v}"} for k, v in raw.items()]
            if isinstance(raw, list):
                errors = [e if isinstance(e, dict) else {"title": str(e)} for e in raw]
                message = "; ".join(_describe_error(e) for e in errors)
            message = message or str(body.get("message") or body.get("result_message") or body.get("error") or "")
            if not message:
                message = jsonlib.dumps(body)[:_MAX_MESSAGE]
        elif isinstance(body, str):
            message = body
        elif isinstance(body, list):
            message = jsonlib.dumps(body)[:_MAX_MESSAGE]
        return self.redact(message or response.reason_phrase or "no message"), errors


def _describe_error(error: Mapping[str, Any]) -> str:
    text = str(error.get("title") or error.get("code") or "error")
    detail = error.get("detail")
    if detail and detail != text:
        text += f": {detail}"
    pointer = (error.get("source") or {}).get("pointer") if isinstance(error.get("source"), dict) else None
    if pointer:
        text += f" (field {pointer.rstrip('/').rsplit('/', 1)[-1]})"
    return text


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# --------------------------------------------------------------------------- paging


class Pager:
    """Walks a collection page by page: ``next_params()`` then ``feed(reply)``, until None.

    Offset paging by default; keyset paging (``orders[id]=ASC`` + ``id_greater``) where the
    API supports it (contacts), which does not drift when records are added meanwhile.
    Records are de-duplicated by id; ``limit`` caps how many are returned.
    """

    def __init__(self, envelope: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None,
                 keyset: bool = False, page_size: int = PAGE_SIZE) -> None:
        self.envelope = envelope
        self.params = dict(params or {})
        self.limit = limit
        self.keyset = keyset
        self.page_size = page_size
        self.offset = 0
        self.last_id: str | None = None
        self.total: int | None = None
        self.count = 0
        self.pages = 0
        self._seen: set[str] = set()
        self._done = limit is not None and limit <= 0

    def next_params(self) -> dict[str, Any] | None:
        if self._done:
            return None
        size = self.page_size if self.limit is None else min(self.page_size, self.limit - self.count)
        params = {**self.params, "limit": size}
        if self.keyset:
            params["orders[id]"] = "ASC"
            if self.last_id is not None:
                params["id_greater"] = self.last_id
        else:
            params["offset"] = self.offset
        self._asked = size
        return params

    def feed(self, reply: Any) -> list[dict[str, Any]]:
        if not isinstance(reply, dict) or not isinstance(reply.get(self.envelope, []), list):
            raise ActiveCampaignApiError("GET", self.envelope, 200, f"reply has no {self.envelope!r} list")
        records = reply.get(self.envelope) or []
        total = (reply.get("meta") or {}).get("total") if isinstance(reply.get("meta"), dict) else None
        if total is not None:
            try:  # with id_greater, meta.total counts only the records after it
                self.total = int(total) + (self.count if self.keyset else 0)
            except (TypeError, ValueError):
                self.total = None
        self.pages += 1
        self.offset += len(records)
        fresh: list[dict[str, Any]] = []
        for record in records:
            rid = str(record.get("id")) if isinstance(record, dict) and record.get("id") is not None else None
            if rid is not None:
                if rid in self._seen:
                    continue
                self._seen.add(rid)
                self.last_id = rid
            fresh.append(record)
            self.count += 1
            if self.limit is not None and self.count >= self.limit:
                break
        short = len(records) < self._asked
        reached_total = not self.keyset and self.total is not None and self.offset >= self.total
        capped = self.limit is not None and self.count >= self.limit
        self._done = not records or short or reached_total or capped
        return fresh


# --------------------------------------------------------------------------- hooks


class _ActiveCampaignHookBase(BaseHook):
    """What both hooks share: the connection, its settings and the provider's form metadata."""

    conn_name_attr = "activecampaign_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = "activecampaign"
    hook_name = "ActiveCampaign"

    def __init__(self, activecampaign_conn_id: str = DEFAULT_CONN_ID, *, timeout: float | None = None,
                 retries: int | None = None, requests_per_second: float | None = None,
                 retry_backoff: float = 0.5) -> None:
        super().__init__()
        self.activecampaign_conn_id = activecampaign_conn_id
        self._overrides = {"timeout": timeout, "retries": retries, "requests_per_second": requests_per_second}
        self.retry_backoff = retry_backoff

    def __repr__(self) -> str:
        return f"{type(self).__name__}(activecampaign_conn_id={self.activecampaign_conn_id!r})"

    def _make_core(self, conn: Any, extra: Mapping[str, Any] | None = None) -> RequestCore:
        settings = ConnectionSettings.from_connection(conn, extra, **self._overrides)
        return RequestCore(settings, backoff=self.retry_backoff)

    def _log_progress(self, pager: Pager, path: str) -> None:
        if pager.pages % 10 == 0:
            total = "?" if pager.total is None else pager.total
            self.log.info("ActiveCampaign %s: %d records read so far (of %s)", path, pager.count, total)


class ActiveCampaignHook(_ActiveCampaignHookBase):
    """Calls ActiveCampaign's v3 and legacy APIs from a task.

    :param activecampaign_conn_id: an Airflow connection of type ``activecampaign``: host =
        the account's API URL, password = the API key; extras ``requests_per_second``
        (default 5), ``timeout`` (seconds, default 30), ``retries`` (default 5).
    """

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """The connection form for Airflow < 3.2 (newer versions read the provider info's ``conn-fields``)."""
        from airflow_provider_activecampaign.get_provider_info import UI_FIELD_BEHAVIOUR

        return {key.replace("-", "_"): value for key, value in UI_FIELD_BEHAVIOUR.items()}

    @cached_property
    def core(self) -> RequestCore:
        return self._make_core(self.get_connection(self.activecampaign_conn_id))

    @cached_property
    def client(self) -> httpx.Client:
        return httpx.Client(**self.core.client_options())

    def close(self) -> None:
        if "client" in self.__dict__:
            self.client.close()
            del self.__dict__["client"]

    def __enter__(self) -> ActiveCampaignHook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, call: Call) -> Any:
        """Send a prepared call with rate limiting and retries; return the parsed reply."""
        steps = self.core.exchange(call)
        outcome: httpx.Response | Exception | None = None
        try:
            while True:
                step = steps.send(outcome)
                outcome = None
                if isinstance(step, Call):
                    try:
                        outcome = self.client.request(step.method, step.url, params=step.params, json=step.json,
                                                      data=step.data, headers=step.headers)
                    except httpx.TransportError as error:
                        outcome = error
                elif step > 0:
                    time.sleep(step)
        except StopIteration as done:
            return done.value

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                headers: Mapping[str, str] | None = None) -> Any:
        """Call any v3 path (relative to ``/api/3``) and return the decoded JSON reply."""
        return self.send(self.core.v3(method, path, params=params, json=json, headers=headers))

    def legacy(self, action: str, *, params: Mapping[str, Any] | None = None,
               data: Mapping[str, Any] | None = None, method: str | None = None) -> Any:
        """Call a legacy ``admin/api.php`` action; a ``result_code`` of 0 raises."""
        return self.send(self.core.legacy(action, params=params, data=data, method=method))

    def paginate(self, path: str, envelope: str, *, params: Mapping[str, Any] | None = None,
                 limit: int | None = None, keyset: bool = False) -> Iterator[dict[str, Any]]:
        """Yield every record of a collection (all pages, or the first ``limit`` records)."""
        pager = Pager(envelope, params, limit=limit, keyset=keyset)
        while (page_params := pager.next_params()) is not None:
            yield from pager.feed(self.request("GET", path, params=page_params))
            self._log_progress(pager, path)

    def test_connection(self) -> tuple[bool, str]:
        """Check the URL and key with ``GET /api/3/users/me`` (the form's Test button)."""
        try:
            user = self.request("GET", "users/me").get("user", {})
        except Exception as error:  # the Test button must answer, whatever went wrong
            text = str(error)
            try:
                text = self.core.redact(text)
            except Exception:  # the connection itself is broken: nothing to redact with
                pass
            return False, text
        finally:
            self.close()
        return True, f"Connected to ActiveCampaign as {user.get('username') or user.get('email') or 'user'}"


class ActiveCampaignAsyncHook(_ActiveCampaignHookBase):
    """The async (httpx) counterpart of :class:`ActiveCampaignHook`, for triggers.

    It never blocks the event loop: the connection is read with the async API, waits use
    ``asyncio.sleep``. Use it as ``async with ActiveCampaignAsyncHook(...) as hook:``.
    """

    _core: RequestCore | None = None
    _client: httpx.AsyncClient | None = None

    async def get_core(self) -> RequestCore:
        if self._core is None:
            from airflow.providers.common.compat.connection import get_async_connection, get_async_extra_dejson

            conn = await get_async_connection(self.activecampaign_conn_id, hook=self)
            self._core = self._make_core(conn, await get_async_extra_dejson(conn))
        return self._core

    async def get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(**(await self.get_core()).client_options())
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> ActiveCampaignAsyncHook:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def send(self, call: Call) -> Any:
        """Send a prepared call with rate limiting and retries; return the parsed reply."""
        steps, client = (await self.get_core()).exchange(call), await self.get_client()
        outcome: httpx.Response | Exception | None = None
        try:
            while True:
                step = steps.send(outcome)
                outcome = None
                if isinstance(step, Call):
                    try:
                        outcome = await client.request(step.method, step.url, params=step.params, json=step.json,
                                                       data=step.data, headers=step.headers)
                    except httpx.TransportError as error:
                        outcome = error
                elif step > 0:
                    await asyncio.sleep(step)
        except StopIteration as done:
            return done.value

    async def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                      json: Any = None, headers: Mapping[str, str] | None = None) -> Any:
        core = await self.get_core()
        return await self.send(core.v3(method, path, params=params, json=json, headers=headers))

    async def legacy(self, action: str, *, params: Mapping[str, Any] | None = None,
                     data: Mapping[str, Any] | None = None, method: str | None = None) -> Any:
        core = await self.get_core()
        return await self.send(core.legacy(action, params=params, data=data, method=method))

    async def paginate(self, path: str, envelope: str, *, params: Mapping[str, Any] | None = None,
                       limit: int | None = None, keyset: bool = False) -> AsyncIterator[dict[str, Any]]:
        pager = Pager(envelope, params, limit=limit, keyset=keyset)
        while (page_params := pager.next_params()) is not None:
            for record in pager.feed(await self.request("GET", path, params=page_params)):
                yield record
            self._log_progress(pager, path)
