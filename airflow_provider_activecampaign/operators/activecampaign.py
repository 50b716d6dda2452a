"""Operators for every ActiveCampaign action of the catalogue.

Generic operators (create, get, update, delete, list, raw calls) take a catalogue
resource name; the named operators below them are thin, typed front doors that build the
request body from keyword arguments, so DAG authors get real signatures and docs. All
input is checked against :mod:`~airflow_provider_activecampaign.catalogue` after
templates are rendered and before any request is sent.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import pendulum
from airflow.providers.common.compat.sdk import BaseOperator

from airflow_provider_activecampaign.catalogue import (
    CREATE,
    DEAL_STATUSES,
    DELETE,
    EVENT_NAME_PATTERN,
    GET,
    LIST,
    UPDATE,
    WEBHOOK_SOURCES,
    Filter,
    Resource,
    Rule,
    compact,
    enum,
    ident,
    required,
    resource,
    text,
)
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignApiError,
    ActiveCampaignInputError,
    ActiveCampaignNotFoundError,
    error_context,
)
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignHook
from airflow_provider_activecampaign.io import deliver_records

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

# --------------------------------------------------------------------------- generic operators


class ActiveCampaignBaseOperator(BaseOperator):
    """Base of every ActiveCampaign operator: the connection and the hook.

    :param activecampaign_conn_id: Airflow connection of type ``activecampaign``.
    """

    ui_color = "#dfe8fd"

    def __init__(self, *, activecampaign_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activecampaign_conn_id = activecampaign_conn_id

    @cached_property
    def hook(self) -> ActiveCampaignHook:
        return ActiveCampaignHook(activecampaign_conn_id=self.activecampaign_conn_id)

    @property
    def where(self) -> str:
        """How errors name this operator: class and task id."""
        return f"{type(self).__name__}(task_id={self.task_id!r})"

    def execute(self, context: Context) -> Any:
        """Run :meth:`perform`; input errors escaping it name this operator and task."""
        with error_context(self.where):
            return self.perform(context)

    def perform(self, context: Context) -> Any:
        """The operator's work; subclasses implement this instead of ``execute``."""
        raise NotImplementedError


class _ResourceOperator(ActiveCampaignBaseOperator):
    """An operator acting on one catalogue resource (``resource``: its catalogue name)."""

    operation: ClassVar[str]

    def __init__(self, *, resource: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resource = resource

    def spec(self) -> Resource:
        spec = resource(self.resource)
        spec.require(self.operation)
        return spec


class ActiveCampaignCreateOperator(_ResourceOperator):
    """Create a record: ``POST /{path}`` with ``{singular: body}``. Returns the created record.

    :param resource: catalogue name, e.g. ``"contact"``, ``"deal"``.
    :param body: the record's fields as the API names them (templated).
    """

    operation = CREATE
    template_fields: Sequence[str] = ("resource", "body")
    template_fields_renderers = {"body": "json"}

    def __init__(self, *, resource: str, body: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.body = body

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        body = spec.check_body(self.body, partial=False)
        record = spec.unwrap(self.hook.request("POST", spec.path, json=spec.wrap(body)))
        self.log.info("Created %s %s", spec.name, (record or {}).get("id") if isinstance(record, dict) else "")
        return record


class ActiveCampaignGetOperator(_ResourceOperator):
    """Get one record: ``GET /{path}/{id}``. Returns the record.

    :param resource: catalogue name.
    :param record_id: the record's id (templated).
    """

    operation = GET
    template_fields: Sequence[str] = ("resource", "record_id")

    def __init__(self, *, resource: str, record_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.record_id = record_id

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        return spec.unwrap(self.hook.request("GET", spec.item_path(self.record_id)))


class ActiveCampaignUpdateOperator(_ResourceOperator):
    """Update a record: ``PUT /{path}/{id}`` with the fields to change. Returns the record.

    :param resource: catalogue name.
    :param record_id: the record's id (templated).
    :param body: the fields to change (templated).
    """

    operation = UPDATE
    template_fields: Sequence[str] = ("resource", "record_id", "body")
    template_fields_renderers = {"body": "json"}

    def __init__(self, *, resource: str, record_id: int | str, body: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.record_id = record_id
        self.body = body

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        path = spec.item_path(self.record_id)
        body = spec.check_body(self.body, partial=True)
        if not body:  # an empty PUT would "succeed" and change nothing
            raise ActiveCampaignInputError("body", "at least one field to change", self.body)
        return spec.unwrap(self.hook.request("PUT", path, json=spec.wrap(body)))


class ActiveCampaignDeleteOperator(_ResourceOperator):
    """Delete a record: ``DELETE /{path}/{id}``. Returns ``{"deleted": id, "resource": name}``.

    :param resource: catalogue name.
    :param record_id: the record's id (templated).
    """

    operation = DELETE
    template_fields: Sequence[str] = ("resource", "record_id")

    def __init__(self, *, resource: str, record_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.record_id = record_id

    def perform(self, context: Context) -> dict[str, Any]:
        spec = self.spec()
        record_id = ident(required=True).check(self.record_id, "id")  # as sent: " 7" -> "7"
        self.hook.request("DELETE", f"{spec.path}/{record_id}")
        self.log.info("Deleted %s %s", spec.name, record_id)
        return {"deleted": record_id, "resource": spec.name}


class ActiveCampaignListOperator(_ResourceOperator):
    """List records, through every page: ``GET /{path}`` with filters and orderings.

    Returns the records, or with ``output_path`` writes them as JSON Lines to a local path
    or any object-storage URL and returns ``{"path": ..., "count": ...}``.

    :param resource: catalogue name.
    :param filters: filter name -> value, names from the catalogue (templated); unknown
        names are refused (the API would silently ignore them and return everything).
    :param orders: field -> ``"ASC"``/``"DESC"`` (templated).
    :param limit: return at most this many records (all when None).
    :param output_path: where to write JSON Lines instead of returning records (templated).
    """

    operation = LIST
    template_fields: Sequence[str] = ("resource", "filters", "orders", "limit", "output_path")
    template_fields_renderers = {"filters": "json", "orders": "json"}

    def __init__(self, *, resource: str, filters: Mapping[str, Any] | None = None,
                 orders: Mapping[str, str] | None = None, limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.filters = filters
        self.orders = orders
        self.limit = limit
        self.output_path = output_path

    def collection_path(self, spec: Resource) -> str:
        """The path to page through (sub-collections override this)."""
        return spec.path

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        params = spec.list_params(self.filters, self.orders)
        records = self.read(spec, params, checked_limit(self.limit))
        return deliver_records(records, self.output_path, log=self.log, what=spec.plural)

    def read(self, spec: Resource, params: dict[str, Any], limit: int | None) -> Iterator[dict[str, Any]]:
        """The records to deliver, every page (subclasses may read elsewhere, e.g. fall back)."""
        keyset = spec.keyset and not self.orders and "id_greater" not in params
        return self.hook.paginate(self.collection_path(spec), spec.plural, params=params, limit=limit,
                                  keyset=keyset)


def checked_limit(limit: Any) -> int | None:
    """A (rendered) ``limit`` as a whole number of 0 or more, None when not given."""
    limit = Rule("int", minimum=0).check(None if limit == "" else limit, "limit")
    return None if limit is None else int(limit)


class ActiveCampaignApiCallOperator(ActiveCampaignBaseOperator):
    """RAW-01: make any v3 API call; authentication, retries and rate limiting are added.

    :param path: path under ``/api/3`` (templated), e.g. ``"/accounts"``.
    :param method: HTTP method.
    :param query: query parameters (templated). (``params`` is Airflow's own DAG/task params.)
    :param body: JSON body (templated).
    :param headers: extra headers (templated); an ``Api-Token`` header is ignored.
    :param paginate_envelope: when set (e.g. ``"accounts"``), page through the collection
        and return all its records instead of one reply.
    """

    template_fields: Sequence[str] = ("path", "method", "query", "body", "headers")
    template_fields_renderers = {"body": "json", "query": "json"}

    def __init__(self, *, path: str, method: str = "GET", query: Mapping[str, Any] | None = None,
                 body: Any = None, headers: Mapping[str, str] | None = None,
                 paginate_envelope: str | None = None, limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.method = method
        self.query = query
        self.body = body
        self.headers = headers
        self.paginate_envelope = paginate_envelope
        self.limit = limit

    def perform(self, context: Context) -> Any:
        method = str(self.method).upper()
        if method not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
            raise ActiveCampaignInputError("method", "one of GET, POST, PUT, PATCH, DELETE", method)
        limit = checked_limit(self.limit)
        if self.paginate_envelope and method == "GET":
            return list(self.hook.paginate(self.path, self.paginate_envelope, params=self.query, limit=limit))
        return self.hook.request(method, self.path, params=self.query, json=self.body, headers=self.headers)


class ActiveCampaignLegacyApiCallOperator(ActiveCampaignBaseOperator):
    """RAW-02: make any legacy API call (``admin/api.php?api_action=...``); the key is added.

    :param api_action: the legacy action, e.g. ``"campaign_list"`` (templated).
    :param query: query parameters (templated). (``params`` is Airflow's own DAG/task params.)
    :param body: form fields, sent as a POST (templated).
    :param method: ``GET`` or ``POST`` (default: POST when there is a body).
    """

    template_fields: Sequence[str] = ("api_action", "query", "body")
    template_fields_renderers = {"body": "json", "query": "json"}

    def __init__(self, *, api_action: str, query: Mapping[str, Any] | None = None,
                 body: Mapping[str, Any] | None = None, method: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_action = api_action
        self.query = query
        self.body = body
        self.method = method

    def perform(self, context: Context) -> Any:
        action = text(required=True, pattern=r"[a-z_]+").check(self.api_action, "api_action")
        method = enum("GET", "POST").check(self.method, "method")  # the legacy API takes no other
        return self.hook.legacy(action, params=self.query, data=self.body, method=method)


# --------------------------------------------------------------------------- contacts


class ActiveCampaignCreateContactOperator(ActiveCampaignCreateOperator):
    """CON-01: create a contact (``POST /contacts``); 422 if the e-mail exists already.

    :param email: the contact's e-mail address (templated, required).
    :param first_name: first name.
    :param last_name: last name.
    :param phone: phone number.
    :param field_values: custom field values, ``[{"field": "1", "value": "x"}]``.
    :param extra_fields: any other contact fields, as the API names them.
    """

    def __init__(self, *, email: str, first_name: str | None = None, last_name: str | None = None,
                 phone: str | None = None, field_values: list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(email=email, firstName=first_name, lastName=last_name, phone=phone,
                       fieldValues=field_values, **(extra_fields or {}))
        super().__init__(resource="contact", body=body, **kwargs)


class ActiveCampaignSyncContactOperator(ActiveCampaignCreateContactOperator):
    """CON-02: create a contact, or update the one with this e-mail (``POST /contact/sync``).

    Safe to retry: the API keys the sync on the e-mail address. Same parameters as
    :class:`ActiveCampaignCreateContactOperator`.
    """

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        body = spec.check_body(self.body, partial=False)
        return spec.unwrap(self.hook.request("POST", "contact/sync", json=spec.wrap(body)))


class ActiveCampaignUpdateContactOperator(ActiveCampaignUpdateOperator):
    """CON-03: update a contact (``PUT /contacts/{id}``); only the given fields change.

    :param contact_id: the contact's id (templated).
    """

    def __init__(self, *, contact_id: int | str, email: str | None = None, first_name: str | None = None,
                 last_name: str | None = None, phone: str | None = None,
                 field_values: list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(email=email, firstName=first_name, lastName=last_name, phone=phone,
                       fieldValues=field_values, **(extra_fields or {}))
        super().__init__(resource="contact", record_id=contact_id, body=body, **kwargs)


class ActiveCampaignDeleteContactOperator(ActiveCampaignDeleteOperator):
    """CON-04: delete a contact (``DELETE /contacts/{id}``).

    :param contact_id: the contact's id (templated).
    """

    def __init__(self, *, contact_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contact", record_id=contact_id, **kwargs)


class ActiveCampaignGetContactOperator(ActiveCampaignGetOperator):
    """CON-05: get a contact (``GET /contacts/{id}``).

    :param contact_id: the contact's id (templated).
    """

    def __init__(self, *, contact_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contact", record_id=contact_id, **kwargs)


class ActiveCampaignListContactsOperator(ActiveCampaignListOperator):
    """CON-06: list contacts, every page (keyset paging by id unless an ordering is given).

    :param email: exact e-mail. :param email_like: part of the e-mail.
    :param search: part of name, organization, phone or e-mail.
    :param organization: organization (account) id. :param list_id: list id.
    :param status: list status (-1 any, 0 unconfirmed, 1 active, 2 unsubscribed, 3 bounced).
    :param tag_id: tag id.
    :param created_after, created_before, updated_after, updated_before: time window.
    :param order_by: one of the catalogue's orderings (id, cdate, email, first_name,
        last_name, name, score). :param order: ``ASC`` or ``DESC``.
    """

    def __init__(self, *, email: str | None = None, email_like: str | None = None, search: str | None = None,
                 organization: int | str | None = None, list_id: int | str | None = None,
                 status: int | str | None = None, tag_id: int | str | None = None,
                 created_after: Any = None, created_before: Any = None, updated_after: Any = None,
                 updated_before: Any = None, order_by: str | None = None, order: str = "ASC",
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(email=email, email_like=email_like, search=search, organization=organization,
                          list_id=list_id, status=status, tag_id=tag_id, created_after=created_after,
                          created_before=created_before, updated_after=updated_after,
                          updated_before=updated_before)
        orders = {order_by: order} if order_by else None
        super().__init__(resource="contact", filters=filters, orders=orders, limit=limit,
                         output_path=output_path, **kwargs)


class ActiveCampaignGetCurrentUserOperator(ActiveCampaignBaseOperator):
    """CON-14: get the user the API key belongs to (``GET /users/me``)."""

    def perform(self, context: Context) -> Any:
        return resource("user").unwrap(self.hook.request("GET", "users/me"))


class ActiveCampaignGetUserOperator(ActiveCampaignGetOperator):
    """USR-01: get a user (``GET /users/{id}``).

    :param user_id: the user's id (templated).
    """

    def __init__(self, *, user_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="user", record_id=user_id, **kwargs)


class ActiveCampaignListUsersOperator(ActiveCampaignListOperator):
    """USR-02: list users (``GET /users``)."""

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="user", limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignListGroupsOperator(ActiveCampaignListOperator):
    """USR-03: list user groups (``GET /groups``)."""

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="group", limit=limit, output_path=output_path, **kwargs)


# --------------------------------------------------------------------------- section A: custom fields, list
# status, contact tags, automations, legacy API, campaigns, messages, lists, event tracking, webhooks


def _id_list(value: Any, name: str) -> list[str]:
    """One id or a list of ids (a comma-separated string too), checked, as strings."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        items = [items]
    if not items:
        raise ActiveCampaignInputError(name, "one id or a non-empty list of ids", value)
    rule = ident(required=True)
    return [rule.check(item.strip() if isinstance(item, str) else item, name) for item in items]


def _legacy_datetime(value: Any) -> str:
    """A date/time the way the legacy API takes it: ``YYYY-MM-DD HH:MM:SS`` (UTC when an offset is given)."""
    when = value if hasattr(value, "isoformat") else pendulum.parse(str(value))
    if not hasattr(when, "hour"):  # a date
        return f"{when.isoformat()} 00:00:00"
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def legacy_records(hook: ActiveCampaignHook, action: str, params: Mapping[str, Any], *,
                   limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Yield the rows of a paged legacy list action (``page=1, 2, ...``) until a page brings nothing new.

    Legacy replies carry their rows under the keys ``"0"``, ``"1"``, ...; an empty page is a
    200 with ``result_code: 0`` and "Nothing is returned", which ends the listing.
    """
    seen: set[str] = set()
    count, page = 0, 1
    while limit is None or count < limit:
        try:
            reply = hook.legacy(action, params={**params, "page": page}, method="GET")
        except ActiveCampaignApiError as error:
            if error.status == 200 and "nothing" in error.message.lower():
                return
            raise
        rows = [reply[k] for k in sorted((k for k in reply if str(k).isdigit()), key=int)] \
            if isinstance(reply, dict) else []
        fresh = [row for row in rows if isinstance(row, dict) and (row.get("id") is None or str(row["id"]) not in seen)]
        if not fresh:
            return
        for row in fresh[: None if limit is None else limit - count]:
            seen.add(str(row.get("id")))
            count += 1
            yield row
        page += 1


class _ContactCollectionListOperator(ActiveCampaignListOperator):
    """Lists ``GET /contacts/{contact_id}/{plural}`` instead of the top collection when ``contact_id`` is given.

    Those sub-collections take no filters, so filters and ``contact_id`` are not combined.
    """

    template_fields: Sequence[str] = (*ActiveCampaignListOperator.template_fields, "contact_id")
    contact_required: ClassVar[bool] = False

    def __init__(self, *, contact_id: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.contact_id = contact_id

    def collection_path(self, spec: Resource) -> str:
        if self.contact_id in (None, "") and not self.contact_required:
            return spec.path
        contact = ident(required=True).check(self.contact_id or None, "contact_id")
        if self.filters:
            raise ActiveCampaignInputError(
                "filters", f"empty when contact_id is given (GET /contacts/{{id}}/{spec.plural} "
                "takes no filters)", dict(self.filters))
        return f"contacts/{contact}/{spec.plural}"


class _LegacyOperator(ActiveCampaignBaseOperator):
    """Base of the named legacy-API operators (``admin/api.php``).

    ``fields`` (templated) holds the keyword arguments; after rendering each is checked by
    ``rules`` (argument name -> rule), then :meth:`call` turns them into the legacy action
    and its query (``params``, sent as a GET) or form (``data``, sent as a POST).
    """

    rules: ClassVar[Mapping[str, Rule]] = {}
    template_fields: Sequence[str] = ("fields",)
    template_fields_renderers = {"fields": "json"}

    def __init__(self, *, fields: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = fields

    def checked(self) -> dict[str, Any]:
        fields = self.fields or {}
        return {name: rule.check(fields.get(name), name) for name, rule in self.rules.items()}

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
        raise NotImplementedError

    def perform(self, context: Context) -> Any:
        action, params, data = self.call(self.checked())
        return self.hook.legacy(action, params=params, data=data, method="POST" if data is not None else "GET")


class _LegacyListOperator(_LegacyOperator):
    """A legacy list action read page by page (``limit`` caps the rows; ``output_path`` as for list operators)."""

    template_fields: Sequence[str] = ("fields", "limit", "output_path")
    what: ClassVar[str] = "records"

    def __init__(self, *, fields: Mapping[str, Any], limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(fields=fields, **kwargs)
        self.limit = limit
        self.output_path = output_path

    def perform(self, context: Context) -> Any:
        limit = checked_limit(self.limit)
        action, params, _ = self.call(self.checked())
        rows = legacy_records(self.hook, action, params or {}, limit=limit)
        return deliver_records(rows, self.output_path, log=self.log, what=self.what)


# ---- custom field values (CON-07..CON-10)


class ActiveCampaignUpsertFieldValueOperator(ActiveCampaignCreateOperator):
    """CON-07: set a contact's custom field value: ``PUT /fieldValues/{id}`` when the contact has one
    for the field (``field_value_id``, or found in ``GET /contacts/{id}/fieldValues``), else
    ``POST /fieldValues``. Safe to retry.

    :param contact_id: the contact's id (templated).
    :param field_id: the custom field's id (templated).
    :param value: the value (templated); dates as ``YYYY-MM-DD``, several options as ``||A||B||``.
    :param field_value_id: the id of the contact's field value to change; looked up when None.
    """

    template_fields: Sequence[str] = (*ActiveCampaignCreateOperator.template_fields, "field_value_id")

    def __init__(self, *, contact_id: int | str, field_id: int | str, value: Any,
                 field_value_id: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="fieldValue", body={"contact": contact_id, "field": field_id, "value": value},
                         **kwargs)
        self.field_value_id = field_value_id

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        body = spec.check_body(self.body, partial=False)
        path = None
        if self.field_value_id not in (None, ""):
            path = spec.item_path(self.field_value_id)
        else:
            values = self.hook.paginate(f"contacts/{body['contact']}/fieldValues", spec.plural)
            existing = next((v for v in values if str(v.get("field")) == body["field"]), None)
            if existing is not None:
                path = spec.item_path(existing["id"])
        method = "POST" if path is None else "PUT"
        record = spec.unwrap(self.hook.request(method, path or spec.path, json=spec.wrap(body)))
        self.log.info("%s field %s of contact %s", "Created" if path is None else "Updated", body["field"],
                      body["contact"])
        return record


class ActiveCampaignGetFieldValueOperator(ActiveCampaignGetOperator):
    """CON-08: get a custom field value (``GET /fieldValues/{id}``).

    :param field_value_id: the field value's id (templated).
    """

    def __init__(self, *, field_value_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="fieldValue", record_id=field_value_id, **kwargs)


class ActiveCampaignListFieldValuesOperator(_ContactCollectionListOperator):
    """CON-09: list custom field values (``GET /fieldValues``), or one contact's
    (``GET /contacts/{id}/fieldValues``).

    :param contact_id: only this contact's values (templated; not combined with the filters).
    :param field_id: only values of this custom field. :param value: only this value.
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, contact_id: int | str | None = None, field_id: int | str | None = None,
                 value: str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="fieldValue", contact_id=contact_id, filters=compact(field_id=field_id, value=value),
                         limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignUpdateFieldValueOperator(ActiveCampaignUpdateOperator):
    """CON-10: update a custom field value (``PUT /fieldValues/{id}``).

    :param field_value_id: the field value's id (templated).
    :param contact_id: the contact's id. :param field_id: the custom field's id.
    :param value: the new value (templated).
    """

    def __init__(self, *, field_value_id: int | str, contact_id: int | str, field_id: int | str, value: Any,
                 **kwargs: Any) -> None:
        super().__init__(resource="fieldValue", record_id=field_value_id,
                         body={"contact": contact_id, "field": field_id, "value": value}, **kwargs)


# ---- list status and tags (CON-11..CON-13), subscribed contacts (CON-15)


class ActiveCampaignUpdateListStatusOperator(ActiveCampaignCreateOperator):
    """CON-11: subscribe a contact to a list or unsubscribe it (``POST /contactLists``).

    :param contact_id: the contact's id (templated). :param list_id: the list's id (templated).
    :param status: 1 subscribe (default), 2 unsubscribe.
    :param source_id: 4 when re-subscribing a contact that unsubscribed.
    """

    def __init__(self, *, contact_id: int | str, list_id: int | str, status: int | str = 1,
                 source_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(resource="contactList",
                         body=compact(list=list_id, contact=contact_id, status=status, sourceid=source_id), **kwargs)


class ActiveCampaignAddTagToContactOperator(ActiveCampaignCreateOperator):
    """CON-12: add a tag to a contact (``POST /contactTags``); returns the contactTag record.

    :param contact_id: the contact's id (templated). :param tag_id: the tag's id (templated).
    """

    def __init__(self, *, contact_id: int | str, tag_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactTag", body={"contact": contact_id, "tag": tag_id}, **kwargs)


class ActiveCampaignRemoveTagFromContactOperator(ActiveCampaignDeleteOperator):
    """CON-13: remove a tag from a contact (``DELETE /contactTags/{id}``).

    :param contact_tag_id: the id of the contact-tag link (from CON-12 or ``GET /contacts/{id}/contactTags``).
    """

    def __init__(self, *, contact_tag_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactTag", record_id=contact_tag_id, **kwargs)


_LEGACY_CONTACT_FILTERS = {
    "email": Filter("filters[email]", Rule("email")),
    "first_name": Filter("filters[first_name]"),
    "last_name": Filter("filters[last_name]"),
    "phone": Filter("filters[phone]"),
    "orgname": Filter("filters[orgname]"),
    "tag": Filter("filters[tagname]"),
    "list_id": Filter("filters[listid]", ident()),
    "status": Filter("filters[status]", enum(-1, 0, 1, 2, 3)),
}


def _legacy_field_values(values: Mapping[str, Any], param: str) -> dict[str, Any]:
    """Custom fields ``{perstag or field id: value}`` as legacy keys ``%PERSTAG%`` / ``ID``."""
    keys: dict[str, Any] = {}
    for key, value in values.items():
        tag = str(key).strip().strip("%")
        if not re.fullmatch(r"[A-Za-z0-9_]+", tag):
            raise ActiveCampaignInputError(f"field_values.{key}",
                                           "keyed by a custom field id or personalization tag (FAVORITE_COLOR)")
        keys[tag if tag.isdigit() else f"%{tag}%"] = text().check(value, f"{param}.{key}")
    return keys


class ActiveCampaignListSubscribedContactsOperator(_LegacyListOperator):
    """CON-15: list the contacts subscribed to at least one list (legacy ``contact_list`` with
    ``ids=all``, every page; v3 has no such filter). Other contacts are not returned.

    :param email, first_name, last_name, phone, orgname: match these contact fields.
    :param tag: a tag name. :param field_values: custom fields ``{perstag or field id: value}``.
    :param list_id: only this list. :param status: list status (-1 any, 0 unconfirmed, 1 active,
        2 unsubscribed, 3 bounced).
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    rules = {**{name: spec.rule for name, spec in _LEGACY_CONTACT_FILTERS.items()}, "field_values": Rule("dict")}
    what = "contacts"

    def __init__(self, *, email: str | None = None, first_name: str | None = None, last_name: str | None = None,
                 phone: str | None = None, orgname: str | None = None, tag: str | None = None,
                 field_values: Mapping[str, Any] | None = None, list_id: int | str | None = None,
                 status: int | str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        fields = compact(email=email, first_name=first_name, last_name=last_name, phone=phone, orgname=orgname,
                         tag=tag, field_values=field_values, list_id=list_id, status=status)
        super().__init__(fields=fields, limit=limit, output_path=output_path, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any], None]:
        params: dict[str, Any] = {"ids": "all", "full": 1}
        params.update({spec.param: values[name] for name, spec in _LEGACY_CONTACT_FILTERS.items()
                       if values[name] is not None})
        for key, value in _legacy_field_values(values["field_values"] or {}, "field_values").items():
            params[f"filters[fields][{key}]"] = value
        return "contact_list", params, None


# ---- legacy contacts, automations, tags and notes (LEG-01..LEG-07)


def _legacy_tags(tags: Any) -> str:
    """Tag names, given as a list or a comma-separated string, as the legacy API's comma-separated text."""
    names = tags.split(",") if isinstance(tags, str) else tags
    if not isinstance(names, (list, tuple)) or not names or not all(
            isinstance(n, str) and n.strip() and "," not in n for n in names):
        raise ActiveCampaignInputError("tags", "tag names: a list, or one comma-separated text", tags)
    return ",".join(n.strip() for n in names)


class _LegacyContactOperator(_LegacyOperator):
    """The legacy contact actions' shared parameters (LEG-01, LEG-02, LEG-04).

    :param email: the contact's e-mail. :param first_name, last_name, phone: contact fields.
    :param orgname: organization (company) name. :param tags: tag names (list or comma-separated).
    :param field_values: custom fields ``{perstag or field id: value}`` (``field[%PERS%,0]``).
    :param list_id: a list to put the contact on (``p[ID]``).
    :param list_status: its status there (``status[ID]``): 1 active (default), 2 unsubscribed.
    :param extra_fields: other legacy form fields, as the legacy API names them.
    """

    action: ClassVar[str]
    rules = {
        "contact_id": ident(), "email": Rule("email"), "first_name": text(), "last_name": text(), "phone": text(),
        "orgname": text(), "tags": Rule("any"), "field_values": Rule("dict"), "list_id": ident(),
        "list_status": enum(1, 2), "extra_fields": Rule("dict"),
    }
    needed: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, contact_id: int | str | None = None, email: str | None = None,
                 first_name: str | None = None, last_name: str | None = None, phone: str | None = None,
                 orgname: str | None = None, tags: str | Sequence[str] | None = None,
                 field_values: Mapping[str, Any] | None = None, list_id: int | str | None = None,
                 list_status: int | str | None = None, extra_fields: Mapping[str, Any] | None = None,
                 **kwargs: Any) -> None:
        fields = compact(contact_id=contact_id, email=email, first_name=first_name, last_name=last_name,
                         phone=phone, orgname=orgname, tags=tags, field_values=field_values, list_id=list_id,
                         list_status=list_status, extra_fields=extra_fields)
        super().__init__(fields=fields, **kwargs)

    def checked(self) -> dict[str, Any]:
        values = super().checked()
        for group in self.needed:
            names = group.split("|")
            if all(values[name] is None for name in names):
                raise ActiveCampaignInputError(" or ".join(names), "given")
        return values

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        form = compact(id=values["contact_id"], email=values["email"], first_name=values["first_name"],
                       last_name=values["last_name"], phone=values["phone"], orgname=values["orgname"])
        if values["tags"] is not None:
            form["tags"] = _legacy_tags(values["tags"])
        for key, value in _legacy_field_values(values["field_values"] or {}, "field_values").items():
            form[f"field[{key},0]"] = value
        if values["list_id"] is not None:
            form[f"p[{values['list_id']}]"] = values["list_id"]
            form[f"status[{values['list_id']}]"] = values["list_status"] or 1
        form.update(values["extra_fields"] or {})
        return self.action, None, form


class ActiveCampaignLegacySyncContactOperator(_LegacyContactOperator):
    """LEG-01: create a contact or update the one with this e-mail (or ``contact_id``) (legacy ``contact_sync``).

    Parameters as :class:`_LegacyContactOperator`; ``email`` or ``contact_id`` is required.
    """

    action = "contact_sync"
    needed = ("email|contact_id",)


class ActiveCampaignLegacyCreateContactOperator(_LegacyContactOperator):
    """LEG-02: create a contact on a list (legacy ``contact_add``); ``email`` and ``list_id`` are required.

    Parameters as :class:`_LegacyContactOperator`.
    """

    action = "contact_add"
    needed = ("email", "list_id")


class ActiveCampaignLegacyUpdateContactOperator(_LegacyContactOperator):
    """LEG-04: update a contact (legacy ``contact_edit``); ``contact_id`` is required.

    Only the given fields change (``overwrite=0``: lists and custom fields not named stay).
    Parameters as :class:`_LegacyContactOperator`.
    """

    action = "contact_edit"
    needed = ("contact_id",)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        action, _, form = super().call(values)
        return action, None, {"overwrite": 0, **form}


class ActiveCampaignLegacyGetContactOperator(_LegacyOperator):
    """LEG-03: get a contact (legacy ``contact_view``).

    :param contact_id: the contact's id (templated).
    """

    rules = {"contact_id": ident(required=True)}

    def __init__(self, *, contact_id: int | str, **kwargs: Any) -> None:
        super().__init__(fields={"contact_id": contact_id}, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any], None]:
        return "contact_view", {"id": values["contact_id"]}, None


class ActiveCampaignLegacyManageAutomationOperator(_LegacyOperator):
    """LEG-05: add a contact to an automation or remove it (legacy ``automation_contact_add`` /
    ``automation_contact_remove``).

    :param action: ``"add"`` or ``"remove"``. :param automation_id: the automation's id.
    :param contact_email: the contact's e-mail (all templated).
    """

    rules = {"action": enum("add", "remove", required=True), "automation_id": ident(required=True),
             "contact_email": required(Rule("email"))}

    def __init__(self, *, action: str, automation_id: int | str, contact_email: str, **kwargs: Any) -> None:
        super().__init__(fields={"action": action, "automation_id": automation_id, "contact_email": contact_email},
                         **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        form = {"contact_email": values["contact_email"], "automation": values["automation_id"]}
        return f"automation_contact_{values['action']}", None, form


class ActiveCampaignLegacyManageTagsOperator(_LegacyOperator):
    """LEG-06: add tags to a contact or remove them, by tag name (legacy ``contact_tag_add`` /
    ``contact_tag_remove``; v3 only takes tag ids).

    :param action: ``"add"`` or ``"remove"``. :param tags: tag names (a list or comma-separated).
    :param contact_email: the contact's e-mail (all templated).
    """

    rules = {"action": enum("add", "remove", required=True), "tags": Rule("any", required=True),
             "contact_email": required(Rule("email"))}

    def __init__(self, *, action: str, tags: str | Sequence[str], contact_email: str, **kwargs: Any) -> None:
        super().__init__(fields={"action": action, "tags": tags, "contact_email": contact_email}, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        form = {"email": values["contact_email"], "tags": _legacy_tags(values["tags"])}
        return f"contact_tag_{values['action']}", None, form


class ActiveCampaignLegacyAddContactNoteOperator(_LegacyOperator):
    """LEG-07: add a note to a contact (legacy ``contact_note_add``).

    :param contact_id: the contact's id. :param note: the text. :param list_id: the list the
        note is filed under (all templated).
    """

    rules = {"contact_id": ident(required=True), "note": required(text()), "list_id": ident(required=True)}

    def __init__(self, *, contact_id: int | str, note: str, list_id: int | str, **kwargs: Any) -> None:
        super().__init__(fields={"contact_id": contact_id, "note": note, "list_id": list_id}, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        return "contact_note_add", None, {"id": values["contact_id"], "listid": values["list_id"],
                                          "note": values["note"]}


# ---- campaigns (LEG-08, LEG-09, CMP-01..CMP-03)

CAMPAIGN_TYPES = ("single", "recurring", "split", "responder", "reminder", "special", "activerss", "text")


def _flag(value: Any) -> int:
    return int(value is True or str(value).lower() in {"1", "true"})


class ActiveCampaignLegacyCreateCampaignOperator(_LegacyOperator):
    """LEG-08: create a campaign, as a draft or scheduled to send (legacy ``campaign_create``).

    :param name: internal campaign name. :param list_ids: list id(s) to send to (``p[ID]``).
    :param message_id: the message to send (``m[ID]=100``); or ``message_split``
        ``{message id: percent}`` for a split campaign.
    :param campaign_type: single (default), recurring, split, responder, reminder, special, activerss, text.
    :param send_date: when to send (``sdate``; default now; unused for responder, reminder, special).
    :param status: 0 draft (default), 1 scheduled. :param public: visible on the public side.
    :param track_links: all (default), mime, html, text, none. :param track_reads, track_replies: tracking.
    :param analytics_campaign_name: Google Analytics campaign name.
    :param tweet, facebook: use the lists' Twitter/Facebook settings.
    :param segment_id: list segment (0: none).
    """

    rules = {
        "name": required(text()), "list_ids": Rule("any", required=True), "message_id": ident(),
        "message_split": Rule("dict"), "campaign_type": enum(*CAMPAIGN_TYPES, required=True),
        "send_date": Rule("date"), "status": enum(0, 1, required=True), "public": Rule("bool", required=True),
        "track_links": enum("all", "mime", "html", "text", "none", required=True),
        "track_reads": Rule("bool", required=True), "track_replies": Rule("bool", required=True),
        "analytics_campaign_name": text(), "tweet": Rule("bool"), "facebook": Rule("bool"),
        "segment_id": Rule("int", minimum=0, required=True),
    }

    def __init__(self, *, name: str, list_ids: int | str | Sequence[int | str], message_id: int | str | None = None,
                 message_split: Mapping[str, int] | None = None, campaign_type: str = "single",
                 send_date: Any = None, status: int = 0, public: bool = True, track_links: str = "all",
                 track_reads: bool = True, track_replies: bool = False, analytics_campaign_name: str | None = None,
                 tweet: bool | None = None, facebook: bool | None = None, segment_id: int = 0,
                 **kwargs: Any) -> None:
        fields = compact(name=name, list_ids=list_ids, message_id=message_id, message_split=message_split,
                         campaign_type=campaign_type, send_date=send_date, status=status, public=public,
                         track_links=track_links, track_reads=track_reads, track_replies=track_replies,
                         analytics_campaign_name=analytics_campaign_name, tweet=tweet, facebook=facebook,
                         segment_id=segment_id)
        super().__init__(fields=fields, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        if (values["message_id"] is None) == (values["message_split"] is None):
            raise ActiveCampaignInputError("message_id or message_split", "given (exactly one of them)")
        split = {values["message_id"]: 100} if values["message_split"] is None else values["message_split"]
        messages = {}
        for message, percent in split.items():
            message = ident(required=True).check(message, "message_split")
            messages[f"m[{message}]"] = Rule("int", minimum=0, maximum=100, required=True).check(
                percent, f"message_split.{message}")
        form = {
            "type": values["campaign_type"], "name": values["name"],
            "sdate": _legacy_datetime(values["send_date"] or pendulum.now("UTC")),
            "status": values["status"], "public": _flag(values["public"]), "tracklinks": values["track_links"],
            "trackreads": _flag(values["track_reads"]), "trackreplies": _flag(values["track_replies"]),
            "segmentid": values["segment_id"],
            **{f"p[{list_id}]": list_id for list_id in _id_list(values["list_ids"], "list_ids")},
            **messages,
        }
        form.update(compact(analytics_campaign_name=values["analytics_campaign_name"],
                            tweet=None if values["tweet"] is None else _flag(values["tweet"]),
                            facebook=None if values["facebook"] is None else _flag(values["facebook"])))
        return "campaign_create", None, form


class ActiveCampaignLegacyListCampaignsOperator(_LegacyListOperator):
    """LEG-09: list campaigns (legacy ``campaign_list``, every page), with name, type and date filters.

    :param ids: only these campaign ids (default: all).
    :param name: name contains this. :param campaign_type: single, recurring, split, responder, ...
    :param created_since: created on or after (``filters[cdate_since_datetime]``).
    :param send_started_since: started sending on or after (``filters[sdate_since_datetime]``).
    :param last_sent_since: last sent on or after (``filters[ldate_since_datetime]``).
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    rules = {"ids": Rule("any"), "name": text(), "campaign_type": enum(*CAMPAIGN_TYPES),
             "created_since": Rule("date"), "send_started_since": Rule("date"), "last_sent_since": Rule("date")}
    what = "campaigns"

    def __init__(self, *, ids: str | Sequence[int | str] | None = None, name: str | None = None,
                 campaign_type: str | None = None, created_since: Any = None, send_started_since: Any = None,
                 last_sent_since: Any = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        fields = compact(ids=ids, name=name, campaign_type=campaign_type, created_since=created_since,
                         send_started_since=send_started_since, last_sent_since=last_sent_since)
        super().__init__(fields=fields, limit=limit, output_path=output_path, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any], None]:
        ids = values["ids"]
        ids = "all" if ids in (None, "all") else ",".join(_id_list(ids, "ids"))
        params: dict[str, Any] = {"ids": ids, "full": 1}
        params.update(compact(**{"filters[name]": values["name"], "filters[type]": values["campaign_type"]}))
        for name, param in (("created_since", "cdate"), ("send_started_since", "sdate"),
                            ("last_sent_since", "ldate")):
            if values[name] is not None:
                params[f"filters[{param}_since_datetime]"] = _legacy_datetime(values[name])
        return "campaign_list", params, None


class ActiveCampaignGetCampaignOperator(ActiveCampaignGetOperator):
    """CMP-01: get a campaign (``GET /campaigns/{id}``).

    :param campaign_id: the campaign's id (templated).
    """

    def __init__(self, *, campaign_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="campaign", record_id=campaign_id, **kwargs)


class ActiveCampaignDeleteCampaignOperator(_LegacyOperator):
    """CMP-02: delete a campaign (legacy ``campaign_delete``; a failure is a 200 with ``result_code: 0``).

    :param campaign_id: the campaign's id (templated).
    """

    rules = {"campaign_id": ident(required=True)}

    def __init__(self, *, campaign_id: int | str, **kwargs: Any) -> None:
        super().__init__(fields={"campaign_id": campaign_id}, **kwargs)

    def perform(self, context: Context) -> dict[str, Any]:
        campaign_id = self.checked()["campaign_id"]
        self.hook.legacy("campaign_delete", params={"id": campaign_id}, method="GET")
        self.log.info("Deleted campaign %s", campaign_id)
        return {"deleted": campaign_id, "resource": "campaign"}


class ActiveCampaignListCampaignsOperator(ActiveCampaignListOperator):
    """CMP-03: list campaigns (``GET /campaigns``, every page).

    :param automation_id: only the campaigns of this automation (``filters[seriesid]``).
    :param order_by: ``sdate`` (send date) or ``ldate`` (last send date). :param order: ASC or DESC.
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, automation_id: int | str | None = None, order_by: str | None = None, order: str = "ASC",
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="campaign", filters=compact(automation_id=automation_id),
                         orders={order_by: order} if order_by else None, limit=limit, output_path=output_path,
                         **kwargs)


# ---- messages (MSG-01..MSG-04)


class ActiveCampaignCreateMessageOperator(ActiveCampaignCreateOperator):
    """MSG-01: create an e-mail message (``POST /messages``).

    :param from_name: sender name. :param from_email: sender e-mail. :param reply_to: reply-to e-mail.
    :param subject: subject line. :param html: the message body (HTML). :param text: plain-text body.
    :param preheader_text: preview text. :param name: internal name.
    :param extra_fields: other message fields, as the API names them (all templated).
    """

    def __init__(self, *, from_name: str, from_email: str, reply_to: str, subject: str | None = None,
                 html: str | None = None, text: str | None = None, preheader_text: str | None = None,
                 name: str | None = None, extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(fromname=from_name, fromemail=from_email, reply2=reply_to, subject=subject, html=html,
                       text=text, preheader_text=preheader_text, name=name, **(extra_fields or {}))
        super().__init__(resource="message", body=body, **kwargs)


class ActiveCampaignUpdateMessageOperator(ActiveCampaignUpdateOperator):
    """MSG-02: update a message (``PUT /messages/{id}``); only the given fields change.

    :param message_id: the message's id (templated); other parameters as
        :class:`ActiveCampaignCreateMessageOperator`.
    """

    def __init__(self, *, message_id: int | str, from_name: str | None = None, from_email: str | None = None,
                 reply_to: str | None = None, subject: str | None = None, html: str | None = None,
                 text: str | None = None, preheader_text: str | None = None, name: str | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(fromname=from_name, fromemail=from_email, reply2=reply_to, subject=subject, html=html,
                       text=text, preheader_text=preheader_text, name=name, **(extra_fields or {}))
        super().__init__(resource="message", record_id=message_id, body=body, **kwargs)


class ActiveCampaignDeleteMessageOperator(ActiveCampaignDeleteOperator):
    """MSG-03: delete a message (``DELETE /messages/{id}``).

    :param message_id: the message's id (templated).
    """

    def __init__(self, *, message_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="message", record_id=message_id, **kwargs)


class ActiveCampaignListMessagesOperator(ActiveCampaignListOperator):
    """MSG-04: list e-mail messages (``GET /messages``, every page).

    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="message", limit=limit, output_path=output_path, **kwargs)


# ---- custom fields (FLD-01..FLD-03)


class ActiveCampaignCreateFieldOperator(ActiveCampaignCreateOperator):
    """FLD-01: create a contact custom field (``POST /fields``). Dropdown, listbox, radio and
    checkbox fields then need options (:class:`ActiveCampaignCreateFieldOptionsOperator`).

    :param title: the field's title. :param field_type: text, textarea, date, datetime, number,
        dropdown, listbox, radio, checkbox or hidden.
    :param description: description. :param perstag: personalization tag (letters, digits, _).
    :param default_value: default value. :param visible: shown in the form builder.
    :param ordernum: position in "My Fields". :param extra_fields: other field attributes.
    """

    def __init__(self, *, title: str, field_type: str, description: str | None = None, perstag: str | None = None,
                 default_value: str | None = None, visible: bool | None = None, ordernum: int | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(title=title, type=field_type, descript=description, perstag=perstag, defval=default_value,
                       visible=visible, ordernum=ordernum, **(extra_fields or {}))
        super().__init__(resource="field", body=body, **kwargs)


_FIELD_OPTION_RULES = {"value": required(text()), "label": text(), "orderid": Rule("int", minimum=0),
                       "isdefault": Rule("bool")}


class ActiveCampaignCreateFieldOptionsOperator(ActiveCampaignBaseOperator):
    """FLD-02: add options to a dropdown/listbox/radio/checkbox custom field (``POST /fieldOption/bulk``).

    :param field_id: the custom field's id (templated).
    :param options: option values, or mappings ``{"value", "label", "orderid", "isdefault"}``
        (templated); labels default to the values, order to the given order.
    Returns the created options.
    """

    template_fields: Sequence[str] = ("field_id", "options")
    template_fields_renderers = {"options": "json"}

    def __init__(self, *, field_id: int | str, options: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.field_id = field_id
        self.options = options

    def perform(self, context: Context) -> Any:
        field_id = ident(required=True).check(self.field_id, "field_id")
        Rule("list", required=True).check(self.options, "options")
        options = []
        for number, option in enumerate(self.options, start=1):
            given = dict(option) if isinstance(option, Mapping) else {"value": option}
            checked = {name: rule.check(given.get(name), f"options[{number - 1}].{name}")
                       for name, rule in _FIELD_OPTION_RULES.items()}
            options.append({"field": field_id, "value": checked["value"], "label": checked["label"] or checked["value"],
                            "orderid": checked["orderid"] or number, "isdefault": _flag(checked["isdefault"])})
        reply = self.hook.request("POST", "fieldOption/bulk", json={"fieldOptions": options})
        return reply.get("fieldOptions", reply) if isinstance(reply, dict) else reply


class ActiveCampaignListFieldsOperator(ActiveCampaignListOperator):
    """FLD-03: list contact custom fields (``GET /fields``, every page).

    :param perstag: only the field with this personalization tag.
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, perstag: str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="field", filters=compact(perstag=perstag), limit=limit, output_path=output_path,
                         **kwargs)


# ---- lists (LST-01, LST-02)


class ActiveCampaignCreateListOperator(ActiveCampaignCreateOperator):
    """LST-01: create a mailing list (``POST /lists``).

    :param name: the list's name. :param sender_url: the website the list is for.
    :param sender_reminder: why contacts are on the list (shown in e-mails).
    :param stringid: URL-safe name; derived from ``name`` when None.
    :param send_last_broadcast: send new subscribers the last campaign.
    :param subscription_notify, unsubscription_notify, carboncopy: comma-separated e-mails.
    :param user_id: the list owner. :param channel: ``email`` or ``sms``.
    :param extra_fields: other list attributes (all templated).
    """

    def __init__(self, *, name: str, sender_url: str, sender_reminder: str, stringid: str | None = None,
                 send_last_broadcast: bool | None = None, subscription_notify: str | None = None,
                 unsubscription_notify: str | None = None, carboncopy: str | None = None,
                 user_id: int | str | None = None, channel: str | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(name=name, stringid=stringid, sender_url=sender_url, sender_reminder=sender_reminder,
                       send_last_broadcast=None if send_last_broadcast is None else _flag(send_last_broadcast),
                       subscription_notify=subscription_notify, unsubscription_notify=unsubscription_notify,
                       carboncopy=carboncopy, user=user_id, channel=channel, **(extra_fields or {}))
        super().__init__(resource="list", body=body, **kwargs)

    def perform(self, context: Context) -> Any:
        name = self.body.get("name")
        if not self.body.get("stringid") and isinstance(name, str):
            self.body = {**self.body, "stringid": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "list"}
        return super().perform(context)


class ActiveCampaignListListsOperator(ActiveCampaignListOperator):
    """LST-02: list mailing lists (``GET /lists``, every page).

    :param name: only lists with this name. :param order: order by name, ASC or DESC.
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, name: str | None = None, order: str | None = None, limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="list", filters=compact(name=name), orders={"name": order} if order else None,
                         limit=limit, output_path=output_path, **kwargs)


# ---- event tracking (EVT-01, EVT-02)


class ActiveCampaignCreateTrackingEventOperator(ActiveCampaignCreateOperator):
    """EVT-01: create a tracking event, name only (``POST /eventTrackingEvents``).

    :param name: the event's name: letters, digits and spaces (templated).
    """

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        super().__init__(resource="eventTrackingEvent", body={"name": name}, **kwargs)


class ActiveCampaignSetEventTrackingOperator(ActiveCampaignBaseOperator):
    """EVT-02: enable or disable event tracking (``PUT /eventTracking``). Returns ``{"enabled": ...}``.

    :param enabled: true to enable, false to disable (templated).
    """

    template_fields: Sequence[str] = ("enabled",)

    def __init__(self, *, enabled: bool | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.enabled = enabled

    def perform(self, context: Context) -> Any:
        enabled = bool(_flag(Rule("bool", required=True).check(self.enabled, "enabled")))
        reply = self.hook.request("PUT", "eventTracking", json={"eventTracking": {"enabled": enabled}})
        return reply.get("eventTracking", reply) if isinstance(reply, dict) else reply


# ---- automations (AUT-01..AUT-05)


class ActiveCampaignListAutomationsOperator(ActiveCampaignListOperator):
    """AUT-01: list automations (``GET /automations``, every page).

    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="automation", limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignAddContactToAutomationOperator(ActiveCampaignCreateOperator):
    """AUT-02: add a contact to an automation (``POST /contactAutomations``); returns the contactAutomation.

    :param contact_id: the contact's id. :param automation_id: the automation's id (templated).
    """

    def __init__(self, *, contact_id: int | str, automation_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", body={"contact": contact_id, "automation": automation_id},
                         **kwargs)


class ActiveCampaignGetContactAutomationOperator(ActiveCampaignGetOperator):
    """AUT-03: get an automation a contact is in (``GET /contactAutomations/{id}``).

    :param contact_automation_id: the contactAutomation's id (templated).
    """

    def __init__(self, *, contact_automation_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", record_id=contact_automation_id, **kwargs)


class ActiveCampaignRemoveContactFromAutomationOperator(ActiveCampaignDeleteOperator):
    """AUT-04: remove a contact from an automation (``DELETE /contactAutomations/{id}``).

    :param contact_automation_id: the contactAutomation's id (templated).
    """

    def __init__(self, *, contact_automation_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", record_id=contact_automation_id, **kwargs)


class ActiveCampaignListContactAutomationsOperator(_ContactCollectionListOperator):
    """AUT-05: list the automations a contact is in (``GET /contacts/{id}/contactAutomations``).

    :param contact_id: the contact's id (templated).
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    contact_required = True

    def __init__(self, *, contact_id: int | str, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", contact_id=contact_id, limit=limit, output_path=output_path,
                         **kwargs)


# ---- webhooks (issue 5; W-06)


class ActiveCampaignCreateWebhookOperator(ActiveCampaignCreateOperator):
    """Create a webhook (``POST /webhooks``).

    :param name: a label. :param url: where ActiveCampaign POSTs (HTTPS on port 443 only).
    :param events: event names (see ``resources.WEBHOOK_EVENTS``).
    :param sources: public, admin, api, system (default: all four).
    :param list_id: only events of this list (templated, like all parameters).
    """

    def __init__(self, *, name: str, url: str, events: Sequence[str],
                 sources: Sequence[str] = WEBHOOK_SOURCES, list_id: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="webhook",
                         body=compact(name=name, url=url, events=events, sources=sources, listid=list_id), **kwargs)


class ActiveCampaignGetWebhookOperator(ActiveCampaignGetOperator):
    """Get a webhook (``GET /webhooks/{id}``).

    :param webhook_id: the webhook's id (templated).
    """

    def __init__(self, *, webhook_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="webhook", record_id=webhook_id, **kwargs)


class ActiveCampaignUpdateWebhookOperator(ActiveCampaignUpdateOperator):
    """Update a webhook (``PUT /webhooks/{id}``); only the given fields change.

    :param webhook_id: the webhook's id (templated); other parameters as
        :class:`ActiveCampaignCreateWebhookOperator`.
    """

    def __init__(self, *, webhook_id: int | str, name: str | None = None, url: str | None = None,
                 events: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                 list_id: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="webhook", record_id=webhook_id,
                         body=compact(name=name, url=url, events=events, sources=sources, listid=list_id), **kwargs)


class ActiveCampaignDeleteWebhookOperator(ActiveCampaignDeleteOperator):
    """Delete a webhook (``DELETE /webhooks/{id}``).

    :param webhook_id: the webhook's id (templated).
    """

    def __init__(self, *, webhook_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="webhook", record_id=webhook_id, **kwargs)


class ActiveCampaignListWebhooksOperator(ActiveCampaignListOperator):
    """List webhooks (``GET /webhooks``, every page).

    :param name: by name. :param url: by URL. :param list_id: by list.
    :param limit: at most this many. :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, name: str | None = None, url: str | None = None, list_id: int | str | None = None,
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="webhook", filters=compact(name=name, url=url, list_id=list_id), limit=limit,
                         output_path=output_path, **kwargs)


class ActiveCampaignListWebhookEventsOperator(ActiveCampaignBaseOperator):
    """List the event names webhooks can subscribe to (``GET /webhook/events``)."""

    def perform(self, context: Context) -> list[Any]:
        return list(self.hook.paginate("webhook/events", "webhookEvents"))


class ActiveCampaignEnsureWebhookOperator(ActiveCampaignCreateWebhookOperator):
    """W-06: make sure exactly one webhook named ``name`` sends ``events`` from ``sources`` to ``url``.

    Looks it up by name (``GET /webhooks?filters[name]=``), then by URL; creates it
    (``POST /webhooks``) when missing, updates it (``PUT /webhooks/{id}``) when its name, URL,
    events, sources or list differ, and never creates a second one. Returns the webhook.
    Parameters as :class:`ActiveCampaignCreateWebhookOperator`; ``name`` is letters, digits
    and spaces.
    """

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        body = spec.check_body(self.body, partial=False)
        text(required=True, pattern=EVENT_NAME_PATTERN).check(body["name"], "name")
        found = self._find(spec, body)
        if found is None:
            record = spec.unwrap(self.hook.request("POST", spec.path, json=spec.wrap(body)))
            self.log.info("Created webhook %r (%s)", body["name"], (record or {}).get("id"))
            return record
        differs = [
            key for key in ("name", "url", "listid")
            if key in body and str(found.get(key)) != str(body[key])
        ] + [key for key in ("events", "sources") if {str(v) for v in found.get(key) or ()} != set(body[key])]
        if not differs:
            self.log.info("Webhook %r (%s) is up to date", body["name"], found.get("id"))
            return found
        self.log.info("Updating webhook %r (%s): %s", body["name"], found.get("id"), ", ".join(differs))
        path = spec.item_path(found.get("id"))
        return spec.unwrap(self.hook.request("PUT", path, json=spec.wrap(body)))

    def _find(self, spec: Resource, body: Mapping[str, Any]) -> dict[str, Any] | None:
        """The webhook with this name (preferring one with this URL), else one with this URL."""
        for key in ("name", "url"):
            params = spec.list_params({key: body[key]}, None)
            matches = [webhook for webhook in self.hook.paginate(spec.path, spec.plural, params=params)
                       if str(webhook.get(key)) == body[key]]
            if matches:
                if len(matches) > 1:
                    self.log.warning("%d webhooks have the %s %r; keeping the first", len(matches), key, body[key])
                return next((webhook for webhook in matches if webhook.get("url") == body["url"]), matches[0])
        return None


# -- end of section A --

# --------------------------------------------------------------------------- section B: deals, pipelines,
# stages, tasks, task types, notes, accounts, organizations, calendar feeds

#: A templated id that rendered from an empty XCom ("None") means "no id", like None and "".
_NO_ID = (None, "", "None")


def _deal_status(values: Any, key: str = "status") -> Any:
    """``values`` with a deal status given by name (open, won, lost) turned into the API's number."""
    if isinstance(values, Mapping):
        status = values.get(key)
        if isinstance(status, str) and status.strip().lower() in DEAL_STATUSES:
            return {**values, key: DEAL_STATUSES[status.strip().lower()]}
    return values


def _custom_fields(body: Any) -> Any:
    """``body`` with custom fields given as ``{field id: value}`` turned into the API's list."""
    if isinstance(body, Mapping) and isinstance(body.get("fields"), Mapping):
        fields = [{"customFieldId": int(k) if str(k).isdigit() else k, "fieldValue": v}
                  for k, v in body["fields"].items()]
        return {**body, "fields": fields}
    return body


def _flag(value: Any) -> Any:
    """Booleans as the API's 1/0 (other values are left for the catalogue to check)."""
    return int(value) if isinstance(value, bool) else value


class _UpsertOperator(ActiveCampaignCreateOperator):
    """Create a record (``POST /{path}``), or update it (``PUT /{path}/{id}``) when ``record_id`` is given.

    :param record_id: the record to update; None, ``""`` or ``"None"`` (an empty XCom) create one (templated).
    """

    template_fields: Sequence[str] = ("resource", "body", "record_id")

    def __init__(self, *, resource: str, body: Mapping[str, Any], record_id: int | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource=resource, body=body, **kwargs)
        self.record_id = record_id

    def perform(self, context: Context) -> Any:
        if self.record_id in _NO_ID:
            return super().perform(context)
        self.spec().require(UPDATE)
        # The update half is the generic update operator's (same attributes: resource, record_id, body).
        return ActiveCampaignUpdateOperator.perform(self, context)  # type: ignore[arg-type]


class _DealBody:
    """Deal bodies may name the status (open/won/lost) and give custom fields as ``{id: value}``."""

    body: Any

    def perform(self, context: Context) -> Any:
        self.body = _custom_fields(_deal_status(self.body))
        return super().perform(context)  # type: ignore[misc]


def _deal_fields(*, title: Any, value: Any, currency: Any, contact_id: Any, account_id: Any, pipeline_id: Any,
                 stage_id: Any, owner_id: Any, description: Any, percent: Any, status: Any, custom_fields: Any,
                 extra_fields: Mapping[str, Any] | None) -> dict[str, Any]:
    """A deal body from the named operators' keyword arguments (the API's field names)."""
    return compact(title=title, description=description, value=value, currency=currency, contact=contact_id,
                   account=account_id, group=pipeline_id, stage=stage_id, owner=owner_id, percent=percent,
                   status=status, fields=custom_fields, **(extra_fields or {}))


class ActiveCampaignCreateDealOperator(_DealBody, ActiveCampaignCreateOperator):
    """DEA-01: create a deal (``POST /deals``). Returns the deal.

    :param title: the deal's title.
    :param value: the deal's value in cents (``45678`` is $456.78), 0 or more.
    :param currency: ISO 4217 code such as ``"usd"`` (sent lower case).
    :param contact_id: the primary contact (this or ``account_id`` is required).
    :param account_id: the deal's account (this or ``contact_id`` is required).
    :param pipeline_id: the pipeline (this or ``stage_id`` is required; without a stage the deal
        goes to the pipeline's first stage).
    :param stage_id: the stage (the deal goes to the stage's pipeline).
    :param owner_id: the user owning the deal (required when the pipeline does not auto-assign).
    :param description: the deal's description.
    :param percent: percentage of completion, 0 to 100.
    :param status: ``0``/``"open"``, ``1``/``"won"`` or ``2``/``"lost"``.
    :param custom_fields: custom field values, ``{field id: value}`` or the API's list
        ``[{"customFieldId": 1, "fieldValue": "x", "fieldCurrency": "usd"}]``.
    :param extra_fields: any other deal fields, as the API names them.
    """

    def __init__(self, *, title: str, value: int | str, currency: str, contact_id: int | str | None = None,
                 account_id: int | str | None = None, pipeline_id: int | str | None = None,
                 stage_id: int | str | None = None, owner_id: int | str | None = None,
                 description: str | None = None, percent: int | None = None, status: int | str | None = None,
                 custom_fields: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = _deal_fields(title=title, value=value, currency=currency, contact_id=contact_id,
                            account_id=account_id, pipeline_id=pipeline_id, stage_id=stage_id, owner_id=owner_id,
                            description=description, percent=percent, status=status,
                            custom_fields=custom_fields, extra_fields=extra_fields)
        super().__init__(resource="deal", body=body, **kwargs)


class ActiveCampaignUpdateDealOperator(_DealBody, ActiveCampaignUpdateOperator):
    """DEA-02: update a deal (``PUT /deals/{id}``); only the given fields change. Returns the deal.

    :param deal_id: the deal's id (templated).
    Other parameters as :class:`ActiveCampaignCreateDealOperator`, all optional; ``custom_fields``
    creates or updates the given custom field values.
    """

    def __init__(self, *, deal_id: int | str, title: str | None = None, value: int | str | None = None,
                 currency: str | None = None, contact_id: int | str | None = None,
                 account_id: int | str | None = None, pipeline_id: int | str | None = None,
                 stage_id: int | str | None = None, owner_id: int | str | None = None,
                 description: str | None = None, percent: int | None = None, status: int | str | None = None,
                 custom_fields: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = _deal_fields(title=title, value=value, currency=currency, contact_id=contact_id,
                            account_id=account_id, pipeline_id=pipeline_id, stage_id=stage_id, owner_id=owner_id,
                            description=description, percent=percent, status=status,
                            custom_fields=custom_fields, extra_fields=extra_fields)
        super().__init__(resource="deal", record_id=deal_id, body=body, **kwargs)


class ActiveCampaignGetDealOperator(ActiveCampaignGetOperator):
    """DEA-03: get a deal (``GET /deals/{id}``), optionally with its custom field values.

    With ``include_custom_fields`` the deal gets a ``customFields`` list: its values (side-loaded
    in the reply, else from ``GET /dealCustomFieldData?filters[dealId]=ID``), each with the field's
    ``fieldLabel`` and ``fieldType`` from ``GET /dealCustomFieldMeta``.

    :param deal_id: the deal's id (templated).
    :param include_custom_fields: also read the deal's custom field values.
    """

    def __init__(self, *, deal_id: int | str, include_custom_fields: bool = False, **kwargs: Any) -> None:
        super().__init__(resource="deal", record_id=deal_id, **kwargs)
        self.include_custom_fields = include_custom_fields

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        reply = self.hook.request("GET", spec.item_path(self.record_id))
        deal = spec.unwrap(reply)
        if not self.include_custom_fields or not isinstance(deal, dict):
            return deal
        deal_id = str(deal.get("id") or self.record_id)
        values = reply.get("dealCustomFieldData") if isinstance(reply, dict) else None
        if not isinstance(values, list):
            values = self.hook.paginate("dealCustomFieldData", "dealCustomFieldData",
                                        params={"filters[dealId]": deal_id})
        values = [v for v in values if str(v.get("dealId")) == deal_id]  # unknown filters are ignored
        meta = {str(m.get("id")): m for m in self.hook.paginate("dealCustomFieldMeta", "dealCustomFieldMeta")} \
            if values else {}
        fields = []
        for value in values:
            field = meta.get(str(value.get("customFieldId") or value.get("dealCustomFieldMetumId")), {})
            fields.append({**value, "fieldLabel": field.get("fieldLabel"), "fieldType": field.get("fieldType")})
        return {**deal, "customFields": fields}


class ActiveCampaignDeleteDealOperator(ActiveCampaignDeleteOperator):
    """DEA-04: delete a deal (``DELETE /deals/{id}``).

    :param deal_id: the deal's id (templated).
    """

    def __init__(self, *, deal_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="deal", record_id=deal_id, **kwargs)


class ActiveCampaignMoveDealsToStageOperator(ActiveCampaignBaseOperator):
    """DEA-05: move every deal of a stage to another stage (``PUT /dealStages/{id}/deals``).

    Returns ``{"stage": ..., "target_stage": ..., "moved": n, "deals": [...]}`` (the moved deals).
    ActiveCampaign answers 422 when the target stage is in another pipeline.

    :param stage_id: the stage whose deals move (templated).
    :param target_stage_id: the stage they move to (templated).
    """

    template_fields: Sequence[str] = ("stage_id", "target_stage_id")

    def __init__(self, *, stage_id: int | str, target_stage_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stage_id = stage_id
        self.target_stage_id = target_stage_id

    def perform(self, context: Context) -> dict[str, Any]:
        source = ident(required=True).check(self.stage_id, "stage_id")
        target = ident(required=True).check(self.target_stage_id, "target_stage_id")
        if target == source:
            raise ActiveCampaignInputError("target_stage_id", "a stage other than stage_id", target)
        path = f"{resource('dealStage').path}/{source}/deals"
        reply = self.hook.request("PUT", path, json={"deal": {"stage": target}})
        deals = reply.get("deals", []) if isinstance(reply, dict) else []
        self.log.info("Moved %d deals from stage %s to stage %s", len(deals), source, target)
        return {"stage": source, "target_stage": target, "moved": len(deals), "deals": deals}


class ActiveCampaignListDealsOperator(ActiveCampaignListOperator):
    """DEA-06: list deals, every page (``GET /deals``).

    :param title: deal title. :param search: text to search (in ``search_field``).
    :param pipeline: pipeline id. :param stage: stage id. :param owner: owner (user) id.
    :param status: ``0``/``"open"``, ``1``/``"won"``, ``2``/``"lost"``.
    :param organization: the primary contact's organization (account) id.
    :param tag: tag name of the primary contact. :param task_type: deals with tasks of this type.
    :param next_date_range: due dates of the deals' tasks (``filters[nextdate_range]``).
    :param minimum_value, maximum_value: value bounds, in dollars (not cents).
    :param created_after, created_before, updated_after, updated_before: time window
        (after: on or after; before: strictly before).
    :param order_by: title, value, cdate, contact_name, contact_orgname or next-action.
    :param order: ``ASC`` or ``DESC``.
    :param limit: return at most this many deals.
    :param output_path: write JSON Lines there and return ``{"path", "count"}``.
    """

    def __init__(self, *, title: str | None = None, search: str | None = None, search_field: str | None = None,
                 pipeline: int | str | None = None, stage: int | str | None = None, owner: int | str | None = None,
                 status: int | str | None = None, organization: int | str | None = None, tag: str | None = None,
                 task_type: str | None = None, next_date_range: str | None = None,
                 minimum_value: float | None = None, maximum_value: float | None = None,
                 created_after: Any = None, created_before: Any = None, updated_after: Any = None,
                 updated_before: Any = None, order_by: str | None = None, order: str = "ASC",
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(title=title, search=search, search_field=search_field, pipeline=pipeline, stage=stage,
                          owner=owner, status=status, organization=organization, tag=tag, task_type=task_type,
                          next_date_range=next_date_range, minimum_value=minimum_value,
                          maximum_value=maximum_value, created_after=created_after, created_before=created_before,
                          updated_after=updated_after, updated_before=updated_before)
        orders = {order_by: order} if order_by else None
        super().__init__(resource="deal", filters=filters, orders=orders, limit=limit, output_path=output_path,
                         **kwargs)

    def perform(self, context: Context) -> Any:
        self.filters = _deal_status(self.filters)
        return super().perform(context)


class _DealNoteOperator(ActiveCampaignBaseOperator):
    """A note on a deal: ``{"note": {"note": text}}`` sent to a path under ``/deals/{id}/notes``."""

    template_fields: Sequence[str] = ("deal_id", "note")
    method: ClassVar[str]

    def __init__(self, *, deal_id: int | str, note: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deal_id = deal_id
        self.note = note

    def note_path(self) -> str:
        return f"{resource('deal').path}/{ident(required=True).check(self.deal_id, 'deal_id')}/notes"

    def perform(self, context: Context) -> Any:
        path = self.note_path()
        note = text(required=True).check(self.note, "note")
        notes = resource("note")
        return notes.unwrap(self.hook.request(self.method, path, json=notes.wrap({"note": note})))


class ActiveCampaignCreateDealNoteOperator(_DealNoteOperator):
    """DEA-07: add a note to a deal (``POST /deals/{id}/notes``). Returns the note.

    :param deal_id: the deal's id (templated).
    :param note: the note's text (templated).
    """

    method = "POST"


class ActiveCampaignUpdateDealNoteOperator(_DealNoteOperator):
    """DEA-08: change a deal's note (``PUT /deals/{id}/notes/{noteId}``). Returns the note.

    :param deal_id: the deal's id (templated).
    :param note_id: the note's id (templated).
    :param note: the note's new text (templated).
    """

    template_fields: Sequence[str] = ("deal_id", "note_id", "note")
    method = "PUT"

    def __init__(self, *, deal_id: int | str, note_id: int | str, note: str, **kwargs: Any) -> None:
        super().__init__(deal_id=deal_id, note=note, **kwargs)
        self.note_id = note_id

    def note_path(self) -> str:
        return super().note_path() + "/" + ident(required=True).check(self.note_id, "note_id")


class ActiveCampaignCreatePipelineOperator(ActiveCampaignCreateOperator):
    """PIP-01: create a deal pipeline (``POST /dealGroups``). Returns the pipeline.

    :param title: the pipeline's title.
    :param currency: default currency of its deals (ISO 4217, e.g. ``"usd"``).
    :param all_groups: every user group may manage it (else only ``groups``).
    :param all_users: new deals are auto-assigned to all users (else only to ``users``).
    :param auto_assign: 0 off, 1 round robin, 2 by deal value.
    :param users: user ids to auto-assign deals to. :param groups: user group ids allowed to manage it.
    :param extra_fields: any other pipeline fields, as the API names them.
    """

    def __init__(self, *, title: str, currency: str, all_groups: bool | None = None, all_users: bool | None = None,
                 auto_assign: int | None = None, users: list[int | str] | None = None,
                 groups: list[int | str] | None = None, extra_fields: Mapping[str, Any] | None = None,
                 **kwargs: Any) -> None:
        body = compact(title=title, currency=currency, allgroups=_flag(all_groups), allusers=_flag(all_users),
                       autoassign=auto_assign, users=users, groups=groups, **(extra_fields or {}))
        super().__init__(resource="dealGroup", body=body, **kwargs)


class ActiveCampaignUpdatePipelineOperator(ActiveCampaignUpdateOperator):
    """PIP-02: update a deal pipeline (``PUT /dealGroups/{id}``). Returns the pipeline.

    :param pipeline_id: the pipeline's id (templated).
    Other parameters as :class:`ActiveCampaignCreatePipelineOperator`, all optional.
    """

    def __init__(self, *, pipeline_id: int | str, title: str | None = None, currency: str | None = None,
                 all_groups: bool | None = None, all_users: bool | None = None, auto_assign: int | None = None,
                 users: list[int | str] | None = None, groups: list[int | str] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(title=title, currency=currency, allgroups=_flag(all_groups), allusers=_flag(all_users),
                       autoassign=auto_assign, users=users, groups=groups, **(extra_fields or {}))
        super().__init__(resource="dealGroup", record_id=pipeline_id, body=body, **kwargs)


class ActiveCampaignDeletePipelineOperator(ActiveCampaignDeleteOperator):
    """PIP-03: delete a deal pipeline (``DELETE /dealGroups/{id}``).

    :param pipeline_id: the pipeline's id (templated).
    """

    def __init__(self, *, pipeline_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="dealGroup", record_id=pipeline_id, **kwargs)


class ActiveCampaignListPipelinesOperator(ActiveCampaignListOperator):
    """PIP-04: list deal pipelines (``GET /dealGroups``).

    :param title: part of the title. :param have_stages: 1 only pipelines with stages.
    :param order_by: ``title`` or ``popular`` (number of deals). :param order: ``ASC`` or ``DESC``.
    """

    def __init__(self, *, title: str | None = None, have_stages: bool | int | None = None,
                 order_by: str | None = None, order: str = "ASC", limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(title=title, have_stages=_flag(have_stages))
        orders = {order_by: order} if order_by else None
        super().__init__(resource="dealGroup", filters=filters, orders=orders, limit=limit,
                         output_path=output_path, **kwargs)


class ActiveCampaignCreateStageOperator(ActiveCampaignCreateOperator):
    """STG-01: create a deal stage (``POST /dealStages``). Returns the stage.

    :param title: the stage's title. :param pipeline_id: its pipeline.
    :param order: position in the pipeline (default: last).
    :param deal_order: how deals are sorted in it, e.g. ``"next-action DESC"``.
    :param color: hex colour without ``#``, e.g. ``"32B0FC"``. :param width: width in pixels.
    :param extra_fields: any other stage fields (``cardRegion1``..``cardRegion5``), as the API names them.
    """

    def __init__(self, *, title: str, pipeline_id: int | str, order: int | None = None,
                 deal_order: str | None = None, color: str | None = None, width: int | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(title=title, group=pipeline_id, order=order, dealOrder=deal_order, color=color,
                       width=width, **(extra_fields or {}))
        super().__init__(resource="dealStage", body=body, **kwargs)


class ActiveCampaignUpdateStageOperator(ActiveCampaignUpdateOperator):
    """STG-02: update a deal stage (``PUT /dealStages/{id}``). Returns the stage.

    :param stage_id: the stage's id (templated).
    Other parameters as :class:`ActiveCampaignCreateStageOperator`, all optional.
    """

    def __init__(self, *, stage_id: int | str, title: str | None = None, pipeline_id: int | str | None = None,
                 order: int | None = None, deal_order: str | None = None, color: str | None = None,
                 width: int | None = None, extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(title=title, group=pipeline_id, order=order, dealOrder=deal_order, color=color,
                       width=width, **(extra_fields or {}))
        super().__init__(resource="dealStage", record_id=stage_id, body=body, **kwargs)


class ActiveCampaignDeleteStageOperator(ActiveCampaignDeleteOperator):
    """STG-03: delete a deal stage (``DELETE /dealStages/{id}``).

    :param stage_id: the stage's id (templated).
    """

    def __init__(self, *, stage_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="dealStage", record_id=stage_id, **kwargs)


class ActiveCampaignListStagesOperator(ActiveCampaignListOperator):
    """STG-04: list deal stages (``GET /dealStages``).

    :param pipeline: only the stages of this pipeline. :param title: part of the title.
    :param order_by: ``title``. :param order: ``ASC`` or ``DESC``.
    """

    def __init__(self, *, pipeline: int | str | None = None, title: str | None = None,
                 order_by: str | None = None, order: str = "ASC", limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        orders = {order_by: order} if order_by else None
        super().__init__(resource="dealStage", filters=compact(pipeline=pipeline, title=title), orders=orders,
                         limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignUpsertTaskOperator(_UpsertOperator):
    """TSK-01: create a task (``POST /dealTasks``), or update one (``PUT /dealTasks/{id}``).

    Creating needs ``owner_id``, ``task_type_id`` and ``due_date``; updating changes only the
    given fields. Returns the task.

    :param deal_task_id: the task to update; none creates a task (templated).
    :param owner_type: ``"deal"`` (the API's default) or ``"contact"``.
    :param owner_id: the deal's or contact's id (the API's ``relid``).
    :param task_type_id: the task type (see :class:`ActiveCampaignListTaskTypesOperator`).
    :param due_date: when it is due (ISO 8601 text or a datetime). :param end_date: when it ends.
    :param title: the task's title. :param note: what to do.
    :param status: 0 incomplete, 1 complete. :param assignee_id: the user it is assigned to.
    :param extra_fields: any other task fields (``outcomeId``, ``doneAutomation``...), as the API names them.
    """

    def __init__(self, *, deal_task_id: int | str | None = None, owner_type: str | None = None,
                 owner_id: int | str | None = None, task_type_id: int | str | None = None, due_date: Any = None,
                 end_date: Any = None, title: str | None = None, note: str | None = None,
                 status: int | None = None, assignee_id: int | str | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(ownerType=owner_type, relid=owner_id, dealTasktype=task_type_id, duedate=due_date,
                       edate=end_date, title=title, note=note, status=status, assignee=assignee_id,
                       **(extra_fields or {}))
        super().__init__(resource="dealTask", body=body, record_id=deal_task_id, **kwargs)


class ActiveCampaignDeleteTaskOperator(ActiveCampaignDeleteOperator):
    """TSK-02: delete a task (``DELETE /dealTasks/{id}``).

    :param deal_task_id: the task's id (templated).
    """

    def __init__(self, *, deal_task_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="dealTask", record_id=deal_task_id, **kwargs)


class ActiveCampaignListTasksOperator(ActiveCampaignListOperator):
    """TSK-03: list deal tasks, every page (``GET /dealTasks``).

    :param title: the task's title. :param deal: the deal's id (tasks of that deal, not of a contact).
    :param status: 0 incomplete, 1 complete. :param note: the task's note.
    :param due_date: due date. :param task_type: task type id. :param assignee: the assigned user's id.
    :param due_after, due_before: due date window.
    """

    def __init__(self, *, title: str | None = None, deal: int | str | None = None, status: int | None = None,
                 note: str | None = None, due_date: str | None = None, task_type: int | str | None = None,
                 assignee: int | str | None = None, due_after: Any = None, due_before: Any = None,
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(title=title, deal=deal, reltype="Deal" if deal is not None else None, status=status,
                          note=note, due_date=due_date, task_type=task_type, assignee=assignee,
                          due_after=due_after, due_before=due_before)
        super().__init__(resource="dealTask", filters=filters, limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignCreateTaskTypeOperator(ActiveCampaignCreateOperator):
    """TTY-01: create a deal task type (``POST /dealTasktypes``); titles are unique. Returns it.

    :param title: the type's title. :param status: 0 active, 1 disabled.
    """

    def __init__(self, *, title: str, status: int | None = None, **kwargs: Any) -> None:
        super().__init__(resource="dealTasktype", body=compact(title=title, status=status), **kwargs)


class ActiveCampaignUpdateTaskTypeOperator(ActiveCampaignUpdateOperator):
    """TTY-02: update a deal task type (``PUT /dealTasktypes/{id}``). Returns it.

    :param task_type_id: the type's id (templated). :param title: new title.
    :param status: 0 active, 1 disabled.
    """

    def __init__(self, *, task_type_id: int | str, title: str | None = None, status: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="dealTasktype", record_id=task_type_id, body=compact(title=title, status=status),
                         **kwargs)


class ActiveCampaignListTaskTypesOperator(ActiveCampaignListOperator):
    """TTY-03: list deal task types (``GET /dealTasktypes``)."""

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="dealTasktype", limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignCreateNoteOperator(ActiveCampaignCreateOperator):
    """NOT-01: add a note to an activity, deal, deal task, contact or account (``POST /notes``).

    :param note: the note's text.
    :param object_type: ``Activity``, ``Deal``, ``DealTask``, ``Subscriber`` (a contact) or
        ``CustomerAccount`` (an account).
    :param object_id: the id of that record.
    """

    def __init__(self, *, note: str, object_type: str, object_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="note", body=compact(note=note, reltype=object_type, relid=object_id), **kwargs)


class ActiveCampaignDeleteNoteOperator(ActiveCampaignDeleteOperator):
    """NOT-02: delete a note, e.g. a contact's (``DELETE /notes/{id}``).

    :param note_id: the note's id (templated).
    """

    def __init__(self, *, note_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="note", record_id=note_id, **kwargs)


class ActiveCampaignCreateAccountOperator(ActiveCampaignCreateOperator):
    """ACC-01: create an account, i.e. a company (``POST /accounts``); 422 if the name exists. Returns it.

    :param name: the account's name. :param account_url: its website.
    :param owner_id: the user owning it.
    :param custom_fields: custom field values, ``{field id: value}`` or the API's list.
    :param extra_fields: any other account fields, as the API names them.
    """

    def __init__(self, *, name: str, account_url: str | None = None, owner_id: int | str | None = None,
                 custom_fields: Mapping[Any, Any] | list[dict[str, Any]] | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = compact(name=name, accountUrl=account_url, owner=owner_id, fields=custom_fields,
                       **(extra_fields or {}))
        super().__init__(resource="account", body=body, **kwargs)

    def perform(self, context: Context) -> Any:
        self.body = _custom_fields(self.body)
        return super().perform(context)


class ActiveCampaignGetAccountOperator(ActiveCampaignGetOperator):
    """ACC-02: get an account (``GET /accounts/{id}``).

    :param account_id: the account's id (templated).
    """

    def __init__(self, *, account_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="account", record_id=account_id, **kwargs)


class ActiveCampaignDeleteAccountOperator(ActiveCampaignDeleteOperator):
    """ACC-03: delete an account (``DELETE /accounts/{id}``).

    :param account_id: the account's id (templated).
    """

    def __init__(self, *, account_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="account", record_id=account_id, **kwargs)


class ActiveCampaignListAccountsOperator(ActiveCampaignListOperator):
    """ACC-04: list accounts (``GET /accounts``).

    :param search: part of the account's name.
    :param count_deals: also count each account's contacts and deals (``contactCount``, ``dealCount``).
    """

    def __init__(self, *, search: str | None = None, count_deals: bool | None = None, limit: int | None = None,
                 output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(search=search, count_deals=count_deals)
        super().__init__(resource="account", filters=filters, limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignUpsertCalendarFeedOperator(_UpsertOperator):
    """CAL-01: create a calendar feed (``POST /calendars``), or update one (``PUT /calendars/{id}``).

    Creating needs ``title`` and ``feed_type``. Returns the feed.

    :param calendar_id: the feed to update; none creates a feed (templated).
    :param title: the feed's title.
    :param feed_type: ``All``, ``Deals`` or ``Contacts``.
    :param notification: whether the feed has notifications.
    """

    def __init__(self, *, calendar_id: int | str | None = None, title: str | None = None,
                 feed_type: str | None = None, notification: bool | None = None, **kwargs: Any) -> None:
        body = compact(title=title, type=feed_type, notification=_flag(notification))
        super().__init__(resource="calendar", body=body, record_id=calendar_id, **kwargs)


class ActiveCampaignDeleteCalendarFeedOperator(ActiveCampaignDeleteOperator):
    """CAL-02: delete a calendar feed (``DELETE /calendars/{id}``).

    :param calendar_id: the feed's id (templated).
    """

    def __init__(self, *, calendar_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="calendar", record_id=calendar_id, **kwargs)


class ActiveCampaignListOrganizationsOperator(ActiveCampaignListOperator):
    """ORG-01: list organizations (``GET /organizations``).

    ActiveCampaign deprecated organizations in favour of accounts. When the account answers
    404 for ``/organizations``, the operator logs a warning and lists accounts instead
    (``GET /accounts``, ``name`` searched with ``search``): the records are then accounts.

    :param name: the organization's name.
    """

    def __init__(self, *, name: str | None = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="organization", filters=compact(name=name), limit=limit,
                         output_path=output_path, **kwargs)

    def read(self, spec: Resource, params: dict[str, Any], limit: int | None) -> Iterator[dict[str, Any]]:
        records = super().read(spec, params, limit)
        try:
            first = next(records, None)
        except ActiveCampaignNotFoundError as error:
            self.log.warning("%s: organizations are deprecated (%s); listing accounts instead", self.where, error)
            accounts = resource("account")
            search = {"search": params["filters[name]"]} if "filters[name]" in params else None
            return self.hook.paginate(accounts.path, accounts.plural, params=search, limit=limit)
        return itertools.chain([] if first is None else [first], records)


# -- end of section B --
