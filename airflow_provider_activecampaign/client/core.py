"""The sans-IO request core: builds requests, reads replies and decides retries for both hooks.

:class:`RequestCore` never does I/O. :meth:`RequestCore.exchange` is a generator that the
sync and the async hook drive: it yields a :class:`Call` to send or seconds to sleep and is
sent back the outcome (an ``httpx.Response`` or the transport error).
"""

from __future__ import annotations

import email.utils
import json as jsonlib
import logging
import random
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from airflow_provider_activecampaign import __version__
from airflow_provider_activecampaign.client.ratelimit import limiter_for
from airflow_provider_activecampaign.client.redaction import protect_key
from airflow_provider_activecampaign.client.settings import ConnectionSettings
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConfigError,
    ActiveCampaignConnectionError,
    error_class_for,
)

log = logging.getLogger("airflow_provider_activecampaign.client")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_MESSAGE = 1000



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

