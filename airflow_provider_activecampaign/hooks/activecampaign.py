"""ActiveCampaign hooks: a sync client for tasks and an async one for triggers.

Both only send what :class:`~airflow_provider_activecampaign.client.core.RequestCore`
prepared, sleep the way their world sleeps, and page with
:class:`~airflow_provider_activecampaign.client.paging.Pager`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from functools import cached_property
from typing import Any, NamedTuple

import httpx
from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_activecampaign.client import (
    DEFAULT_CONN_ID,
    PAGE_SIZE,
    Call,
    ConnectionSettings,
    Pager,
    Permit,
    RequestCore,
)
from airflow_provider_activecampaign.client.ratelimit import Slot
from airflow_provider_activecampaign.hooks.clients import ClientKey, client_key, lease_client, release_client
from airflow_provider_activecampaign.hooks.deadline import deadline, sync_client, within

__all__ = ["DEFAULT_CONN_ID", "PAGE_SIZE", "ActiveCampaignAsyncHook", "ActiveCampaignHook", "Reply"]


class Reply(NamedTuple):
    """A reply as the hook read it: the HTTP status and the decoded JSON body."""

    status: int | None
    body: Any


class _ActiveCampaignHookBase(BaseHook):
    """What both hooks share: the connection, its settings and the provider's form metadata."""

    conn_name_attr = "activecampaign_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = "activecampaign"
    hook_name = "ActiveCampaign"

    def __init__(self, activecampaign_conn_id: str = DEFAULT_CONN_ID, *, timeout: float | None = None,
                 retries: int | None = None, requests_per_second: float | None = None,
                 retry_backoff: float = 0.5, transport: Any = None) -> None:
        super().__init__()
        self.activecampaign_conn_id = activecampaign_conn_id
        self._overrides = {"timeout": timeout, "retries": retries, "requests_per_second": requests_per_second}
        self.retry_backoff = retry_backoff
        #: an httpx transport that answers instead of the network (``httpx.MockTransport`` in users' tests)
        self.transport = transport

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
    :param transport: an ``httpx.BaseTransport`` to answer instead of the network, for tests
        (``httpx.MockTransport(handler)``); rate limiting, retries and replies work as usual.
    """

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """The connection form for Airflow < 3.2 (newer versions read the provider info's ``conn-fields``)."""
        from airflow_provider_activecampaign.get_provider_info import UI_FIELD_BEHAVIOUR

        return {key.replace("-", "_"): value for key, value in UI_FIELD_BEHAVIOUR.items()}

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """The form's extra fields for Airflow < 3.2 (newer versions read ``conn-fields``); needs ``wtforms``."""
        from airflow_provider_activecampaign.get_provider_info import CONNECTION_FIELDS

        try:
            from wtforms import BooleanField, IntegerField, StringField
            from wtforms.validators import Optional
        except ImportError:  # Airflow then shows the form without the extra fields
            return {}
        kinds = {"integer": IntegerField, "boolean": BooleanField}  # numbers such as 0.5: text, parsed on use
        widgets = {}
        for name, field in CONNECTION_FIELDS.items():
            schema = field["schema"]
            kind = next((kinds[t] for t in schema["type"] if t in kinds), StringField)
            default = schema.get("default")
            widgets[name] = kind(field["label"], validators=[Optional()], description=field.get("description", ""),
                                 default=str(default) if kind is StringField and default is not None else default)
        return widgets

    #: The HTTP status of the last reply :meth:`send` read (201 or 200 tells a created from an updated contact).
    last_status: int | None = None

    @cached_property
    def core(self) -> RequestCore:
        return self._make_core(self.get_connection(self.activecampaign_conn_id))

    @cached_property
    def client(self) -> httpx.Client:
        if self.transport is not None:  # a test's transport answers instead of the network
            return httpx.Client(**self.core.client_options(), transport=self.transport)
        return sync_client(self.core.client_options())

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
        return self.send_reply(call).body

    def send_reply(self, call: Call) -> Reply:
        """Send a prepared call like :meth:`send`; return the last reply's status with the parsed body."""
        steps, client = self.core.exchange(call), self.client  # the client exists before a slot is taken
        outcome: httpx.Response | Exception | Slot | None = None
        status: int | None = None
        try:
            while True:
                if isinstance(outcome, httpx.Response):
                    status = self.last_status = outcome.status_code
                step = steps.send(outcome)
                outcome = None
                if isinstance(step, Permit):
                    outcome = step.acquire()
                elif isinstance(step, Call):
                    try:
                        with deadline(step.timeout):  # connect, send and the whole reply
                            outcome = client.request(step.method, step.url, params=step.params or None, json=step.json,
                                                     data=step.data, headers=step.headers, timeout=step.timeout)
                    except Exception as error:  # the core decides: retry, or raise in the provider's words
                        outcome = error
                elif step > 0:
                    time.sleep(step)
        except StopIteration as done:
            return Reply(status, done.value)

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                headers: Mapping[str, str] | None = None) -> Any:
        """Call any v3 path (relative to ``/api/3``) and return the decoded JSON reply."""
        return self.send(self.core.v3(method, path, params=params, json=json, headers=headers))

    def request_reply(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                      headers: Mapping[str, str] | None = None) -> Reply:
        """Like :meth:`request`, with the reply's HTTP status (201 created, 200 updated...)."""
        return self.send_reply(self.core.v3(method, path, params=params, json=json, headers=headers))

    def legacy(self, action: str, *, params: Mapping[str, Any] | None = None,
               data: Mapping[str, Any] | None = None, method: str | None = None) -> Any:
        """Call a legacy ``admin/api.php`` action; a ``result_code`` of 0 raises."""
        return self.send(self.core.legacy(action, params=params, data=data, method=method))

    def paginate(self, path: str, envelope: str, *, params: Mapping[str, Any] | None = None,
                 limit: int | None = None, keyset: bool = False) -> Iterator[dict[str, Any]]:
        """Yield every record of a collection exactly once (all pages, or the first ``limit`` records).

        Raises :class:`~airflow_provider_activecampaign.exceptions.ActiveCampaignPagingError`
        when the server makes that impossible (it ignores the position, or records moved).
        """
        for records, _ in self.pages(path, envelope, params=params, limit=limit, keyset=keyset):
            yield from records

    def pages(self, path: str, envelope: str, *, params: Mapping[str, Any] | None = None,
              limit: int | None = None, keyset: bool = False,
              position: Mapping[str, Any] | None = None) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
        """Yield each page's new records with the position after it (resume with ``position=``)."""
        pager = Pager(envelope, params, limit=limit, keyset=keyset, path=self.core.v3("GET", path).path,
                      position=position)
        while (page_params := pager.next_params()) is not None:
            records = pager.feed(self.send(self.core.v3("GET", path, params=page_params, expect=envelope)))
            self._log_progress(pager, path)
            yield records, pager.position()

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
    ``transport`` (an ``httpx.AsyncBaseTransport``, for tests) gives the hook a client of its own.
    """

    _core: RequestCore | None = None
    _own_client: httpx.AsyncClient | None = None
    _lease: asyncio.Future[httpx.AsyncClient] | None = None
    _lease_key: ClientKey | None = None

    async def get_core(self) -> RequestCore:
        if self._core is None:
            from airflow.providers.common.compat.connection import get_async_connection, get_async_extra_dejson
            from asgiref.sync import sync_to_async

            conn = await get_async_connection(self.activecampaign_conn_id, hook=self)
            extra = await get_async_extra_dejson(conn)
            # Off the event loop's thread: the core hands the key to Airflow's secrets masker,
            # which before Airflow 3.3 tells the triggerer's supervisor synchronously.
            self._core = await sync_to_async(self._make_core)(conn, extra)
        return self._core

    def sibling(self) -> ActiveCampaignAsyncHook:
        """A new hook with this one's connection (already read) and settings, and its own lease of the client."""
        hook = type(self)(self.activecampaign_conn_id, retry_backoff=self.retry_backoff, transport=self.transport,
                          **self._overrides)
        hook._core = self._core
        return hook

    async def get_client(self) -> httpx.AsyncClient:
        """The account's client, shared with every async hook of the account in this event loop
        and built off the loop (see :mod:`~airflow_provider_activecampaign.hooks.clients`)."""
        if self.transport is not None:  # a test's transport: this hook's own client, not the account's
            if self._own_client is None:
                self._own_client = httpx.AsyncClient(**(await self.get_core()).client_options(),
                                                     transport=self.transport)
            return self._own_client
        lease = self._lease
        if lease is not None and lease.done() and not lease.cancelled() and lease.exception() is None:
            return lease.result()  # every request after the first: no shield, no await
        if self._lease is None:
            core = await self.get_core()
            if self._lease is None:
                self._lease_key = client_key(core.settings.base_url, core.settings.api_key)
                self._lease = asyncio.ensure_future(lease_client(self._lease_key, core.client_options))
        lease = self._lease
        try:
            return await asyncio.shield(lease)  # one caller cancelled does not cancel the lease
        except Exception:
            if self._lease is lease and lease.done():
                self._lease = None  # the next call tries again
            raise

    async def aclose(self) -> None:
        """Give the client back (the last hook of the account closes it)."""
        own, self._own_client = self._own_client, None
        if own is not None:
            await own.aclose()
        lease, self._lease = self._lease, None
        if lease is None or self._lease_key is None:
            return
        if not lease.done():
            await asyncio.wait([lease])
        if lease.cancelled() or lease.exception() is not None:
            return  # never built: nothing to give back
        await release_client(self._lease_key, lease.result())

    async def __aenter__(self) -> ActiveCampaignAsyncHook:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def send(self, call: Call) -> Any:
        """Send a prepared call with rate limiting and retries; return the parsed reply."""
        steps, client = (self._core or await self.get_core()).exchange(call), await self.get_client()
        outcome: httpx.Response | Exception | Slot | None = None
        try:
            while True:
                step = steps.send(outcome)
                outcome = None
                if isinstance(step, Permit):
                    outcome = await step.acquire_async()
                elif isinstance(step, Call):
                    try:
                        outcome = await within(step.timeout, client.request(  # the whole request
                            step.method, step.url, params=step.params or None, json=step.json, data=step.data,
                            headers=step.headers, timeout=step.timeout))
                    except Exception as error:  # the core decides: retry, or raise in the provider's words
                        outcome = error
                elif step > 0:
                    await asyncio.sleep(step)
        except StopIteration as done:
            return done.value

    async def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                      json: Any = None, headers: Mapping[str, str] | None = None) -> Any:
        core = self._core or await self.get_core()
        return await self.send(core.v3(method, path, params=params, json=json, headers=headers))

    async def legacy(self, action: str, *, params: Mapping[str, Any] | None = None,
                     data: Mapping[str, Any] | None = None, method: str | None = None) -> Any:
        core = self._core or await self.get_core()
        return await self.send(core.legacy(action, params=params, data=data, method=method))

    async def paginate(self, path: str, envelope: str, *, params: Mapping[str, Any] | None = None,
                       limit: int | None = None, keyset: bool = False) -> AsyncIterator[dict[str, Any]]:
        """Yield every record of a collection exactly once, like :meth:`ActiveCampaignHook.paginate`."""
        core = await self.get_core()
        pager = Pager(envelope, params, limit=limit, keyset=keyset, path=core.v3("GET", path).path)
        while (page_params := pager.next_params()) is not None:
            for record in pager.feed(await self.send(core.v3("GET", path, params=page_params, expect=envelope))):
                yield record
            self._log_progress(pager, path)
