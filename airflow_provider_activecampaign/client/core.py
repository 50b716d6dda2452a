"""The sans-IO request core: builds requests, reads replies and decides retries for both hooks.

:class:`RequestCore` never does I/O. :meth:`RequestCore.exchange` is a generator that the
sync and the async hook drive: it yields a :class:`Call` to send or seconds to sleep and is
sent back the outcome (an ``httpx.Response`` or the exception the send raised).
"""

from __future__ import annotations

import logging
import random
import socket
import ssl
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from airflow_provider_activecampaign import __version__
from airflow_provider_activecampaign.client.ratelimit import Permit, Slot, kind_of, limiter_for
from airflow_provider_activecampaign.client.redaction import protect_key, redact
from airflow_provider_activecampaign.client.replies import MAY_HAVE_BEEN_PROCESSED, read_reply
from airflow_provider_activecampaign.client.settings import ConnectionSettings
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignConfigError,
    ActiveCampaignConnectionError,
    ActiveCampaignError,
    ActiveCampaignReplyError,
)

log = logging.getLogger("airflow_provider_activecampaign.client")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
#: the shortest time an attempt is given, even when the request's deadline is nearly spent
MIN_ATTEMPT_TIMEOUT = 1.0


@dataclass(frozen=True, repr=False)
class Call:
    """One prepared request: what to send, and how to name it in messages (never with the key).

    ``expect`` is the top-level key a successful reply must carry (a record's or a list's
    envelope); ``timeout`` is what this attempt may take (set by the core from the deadline).
    """

    method: str
    url: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    json: Any = None
    data: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    legacy: bool = False
    expect: str | None = None
    timeout: float | None = None

    def __repr__(self) -> str:  # params carry the legacy API's key: never show them
        return f"Call({self.method} {self.path})"

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    @property
    def display(self) -> str:
        return f"{self.method} {self.path}"

    def timed(self, timeout: float) -> Call:
        """This call with ``timeout`` for its attempt (a copy: ``dataclasses.replace`` costs more, per request)."""
        timed = object.__new__(Call)
        timed.__dict__.update(self.__dict__, timeout=timeout)
        return timed


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
    """Builds requests, reads replies and decides retries, for both hooks.

    Every call has a deadline of ``settings.timeout`` seconds for all its attempts and
    back-off waits together; waiting for the account's rate limit (the limiter's slots and a
    429's ``Retry-After``) does not count against it. Each attempt is given what is left of
    it (``Call.timeout``), which the hooks enforce for connect, send and the whole reply.
    Besides, a call's retry budget is ``timeout`` times the attempts allowed (``retries`` + 1)
    for everything but the limiter's slots: ``Retry-After`` waits count against it, so no
    call takes longer than that, whatever the server does.
    """

    def __init__(self, settings: ConnectionSettings, *, backoff: float = 0.5, max_backoff: float = 30.0,
                 max_retry_after: float = 300.0) -> None:
        self.settings = settings
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.limiter = limiter_for(settings.base_url, settings.requests_per_second, settings.rate_limit_storage)
        self.permit = Permit(self.limiter, paced=settings.requests_per_second > 0)
        self.target = settings.target  # how errors name the host and connection (built once: it is in every read)
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
           headers: Mapping[str, str] | None = None, expect: str | None = None) -> Call:
        """A call to ``{url}/api/3/{path}``; ``path`` may start with or without ``/`` or ``/api/3``."""
        path = "/" + path.strip().lstrip("/")
        if not path.startswith("/api/3/"):
            path = "/api/3" + path
        if ".." in path.split("?")[0].split("/"):
            raise ActiveCampaignConfigError(f"Refusing a path that climbs out of the API: {path!r}")
        if headers and any(h.lower() == "api-token" for h in headers):
            headers = {k: v for k, v in headers.items() if k.lower() != "api-token"}
        return Call(method.upper(), path, path, _flatten(params), json, None, headers, expect=expect)

    def legacy(self, action: str, *, params: Mapping[str, Any] | None = None,
               data: Mapping[str, Any] | None = None, method: str | None = None) -> Call:
        """A legacy call, ``{url}/admin/api.php?api_action=ACTION&api_output=json&api_key=KEY``."""
        method = (method or ("POST" if data else "GET")).upper()
        query = {"api_action": action, "api_output": "json", **(params or {}), "api_key": self.settings.api_key}
        form = dict(_flatten(data)) if data else None
        return Call(method, "/admin/api.php", f"admin/api.php?api_action={action}", _flatten(query),
                    None, form, None, legacy=True)

    # the exchange -------------------------------------------------------------

    def exchange(self, call: Call) -> Generator[float | Call | Permit, httpx.Response | Exception | Slot | None, Any]:
        """The whole send/retry loop without I/O, driven by both hooks.

        Yields seconds to sleep (a float), the account's :class:`Permit` to take a slot (sent
        back the :class:`Slot` taken) or the call to send (a :class:`Call`, sent back the
        outcome of the send: the ``httpx.Response`` or the exception raised).
        Returns the parsed reply; raises the provider's errors.
        """
        attempt = forbidden = 0
        deadline = time.monotonic() + self.settings.timeout
        budget = deadline + self.settings.timeout * self.settings.retries  # timeout x attempts, for all but slots
        while True:
            slot = yield self.permit
            waited = slot.waited if isinstance(slot, Slot) else 0.0
            deadline += waited
            budget += waited
            remaining = max(MIN_ATTEMPT_TIMEOUT, min(deadline, budget) - time.monotonic())
            outcome = yield call.timed(min(self.settings.timeout, remaining))
            if isinstance(outcome, httpx.Response):
                self.limiter.observe(outcome.status_code, outcome.headers, slot if isinstance(slot, Slot) else None,
                                     kind_of(call.method, call.path))
                try:
                    return self.read(call, outcome)
                except ActiveCampaignApiError as error:
                    failure: Exception = error
                    wait = self._retry_reply(call, attempt, error, forbidden)
                forbidden += outcome.status_code == 403
                if wait is not None and outcome.status_code == 429:
                    deadline += wait  # the account's rate limit: not this request's fault
                reason = f"HTTP {outcome.status_code}"
            else:
                failure = outcome if isinstance(outcome, Exception) else RuntimeError("nothing was sent")
                wait = self._retry_error(call, attempt, failure)
                reason = type(failure).__name__
            if wait is None or time.monotonic() + wait > min(deadline, budget):
                if attempt and isinstance(failure, ActiveCampaignApiError):
                    failure.retried = True  # an earlier attempt may have done it (a DELETE's 404 then means done)
                raise (failure if isinstance(failure, ActiveCampaignError) else self.connection_error(call, failure))
            log.warning("ActiveCampaign %s: %s; retrying in %.1f s (retry %d of %d)",
                        call.display, reason, wait, attempt + 1, self.settings.retries)
            yield wait
            attempt += 1

    def read(self, call: Call, response: httpx.Response) -> Any:
        """The reply's JSON, or the provider's error in ActiveCampaign's own words."""
        return read_reply(call, response, redact=redact, target=self.target)

    # retries ------------------------------------------------------------------

    def _retry_reply(self, call: Call, attempt: int, error: ActiveCampaignApiError, forbidden: int) -> float | None:
        """Seconds to wait before sending ``call`` again after the reply that raised ``error``, or None.

        429 is always retried after ``Retry-After`` (the request was not processed); a 403 once
        (the API answers some 403s intermittently under load); 5xx and broken 2xx replies
        only for idempotent methods. A reply that says the request failed is final.
        """
        if attempt >= self.settings.retries:
            return None
        if error.status == 429:
            wait = error.retry_after
            wait = self._backoff(attempt) if wait is None else min(wait, self.max_retry_after)
            self.limiter.pause(wait)
            return wait
        if error.status == 403:
            return self._backoff(attempt) if forbidden == 0 else None
        if (error.status in RETRY_STATUSES or isinstance(error, ActiveCampaignReplyError)) and call.idempotent:
            wait = error.retry_after
            return self._backoff(attempt) if wait is None else min(wait, self.max_retry_after)
        return None

    def _retry_error(self, call: Call, attempt: int, error: Exception) -> float | None:
        """Transport errors: retried when the request cannot have been processed, or is idempotent.

        DNS failures and TLS errors are permanent and never retried; neither is anything
        that is not a transport error (an invalid URL, a header that cannot be encoded).
        """
        if attempt >= self.settings.retries or not isinstance(error, httpx.TransportError):
            return None
        if _permanent(error):
            return None
        if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
            return self._backoff(attempt)
        return self._backoff(attempt) if call.idempotent else None

    def _backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)

    # failures -----------------------------------------------------------------

    def connection_error(self, call: Call, error: Exception) -> ActiveCampaignConnectionError:
        """A send that failed, in words that name the host and connection and never the key."""
        reason = _permanent(error) or type(error).__name__
        detail = self.redact(str(error))
        if detail and detail not in reason:
            reason = f"{reason}: {detail}"
        reached = isinstance(error, httpx.TransportError) and not isinstance(
            error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
        if not call.idempotent and reached:
            reason += f" (not retried: {MAY_HAVE_BEEN_PROCESSED})"
        return ActiveCampaignConnectionError(call.method, call.path, reason, target=self.target,
                                             may_have_been_processed=not call.idempotent and reached,
                                             permanent=_permanent(error) is not None)

    def redact(self, text: str) -> str:
        return redact(text)


def _permanent(error: BaseException) -> str | None:
    """Why a transport error will not go away by trying again (DNS, TLS), or None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror) and current.errno != socket.EAI_AGAIN:
            return "the host name does not resolve (DNS)"
        if isinstance(current, ssl.SSLCertVerificationError):
            return "the server's TLS certificate is not trusted"
        if isinstance(current, ssl.SSLError):
            return "TLS handshake failed (does the server speak https on this port?)"
        text = str(current)
        if "Name or service not known" in text or "nodename nor servname" in text:
            return "the host name does not resolve (DNS)"
        if "WRONG_VERSION_NUMBER" in text or "CERTIFICATE_VERIFY_FAILED" in text:
            return "TLS handshake failed (does the server speak https on this port?)"
        current = current.__cause__ or current.__context__
    return None
