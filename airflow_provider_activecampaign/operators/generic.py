"""Generic operators: create, get, update, delete, list (and create-or-update) any catalogue
resource, and raw calls to the v3 and legacy APIs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote

from airflow_provider_activecampaign.catalogue import (
    CREATE,
    DELETE,
    GET,
    LIST,
    UPDATE,
    Resource,
    Rule,
    SubCollection,
    enum,
    sub_collection,
    text,
)
from airflow_provider_activecampaign.catalogue.resources import is_literal
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, error_context
from airflow_provider_activecampaign.io import deliver_records, export_pages, iterate_pages
from airflow_provider_activecampaign.operators.base import (
    ActiveCampaignBaseOperator,
    ResourceOperator,
    checked_limit,
    delete_once,
    id_of,
)
from airflow_provider_activecampaign.operators.legacy import legacy_values, refuse_reserved
from airflow_provider_activecampaign.operators.links import ActiveCampaignRecordLink
from airflow_provider_activecampaign.operators.retry_safe import create_once, find_created

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignCreateOperator(ResourceOperator):
    """Create a record: ``POST /{path}`` with ``{singular: body}``. Returns the created record.

    :param resource: catalogue name, e.g. ``"contact"``, ``"deal"``.
    :param body: the record's fields as the API names them (templated). Custom field ids are checked
        against the account's fields before the write (one extra read per task, only when given).
    :param parent_id: for a nested resource (a custom object's records), the parent's id (templated).
    """

    operation = CREATE
    #: the body is a whole new record (not for create-or-update operators)
    checks_create_body: ClassVar[bool] = True
    template_fields: Sequence[str] = ("resource", "body", "parent_id")
    template_fields_renderers = {"body": "json"}
    operator_extra_links = (ActiveCampaignRecordLink(),)
    #: True when the POST is an upsert the API keys itself (contact sync): sending it again is safe,
    #: so no earlier attempt's record is looked for.
    upsert: ClassVar[bool] = False

    def __init__(self, *, resource: str, body: Mapping[str, Any], parent_id: int | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.body = body
        self.parent_id = parent_id
        if self.checks_create_body:
            self.check_literals(body, partial=False)

    def create_path(self, spec: Resource) -> str:
        """Where the record is POSTed (named operators may post elsewhere, e.g. ``contact/sync``)."""
        return spec.collection_path(self.parent_id)

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        body = self.checked_body(spec, partial=False)
        return self.create(spec, body, context, self.create_path(spec))

    def create(self, spec: Resource, body: dict[str, Any], context: Context | None,
               path: str | None = None) -> Any:
        """``POST`` the checked body (to ``path``, default the resource's), unless an earlier attempt
        already made the record: see :mod:`~airflow_provider_activecampaign.operators.retry_safe`."""

        def post() -> Any:
            status, record = self.write_reply(spec, "POST", path or self.create_path(spec), body)
            self.record_done(self.created_or_updated(status), spec.name, record.get(spec.key))
            return record

        if self.upsert:
            return post()
        return create_once(post, lambda since: find_created(self.hook, spec, body, since), context=context,
                           what=spec.name)

    def created_or_updated(self, status: int | None) -> str:
        """What the POST did, by the reply's status (upserts such as contact sync answer 200 when they updated)."""
        return "updated" if self.upsert and status == 200 else "created"


class ActiveCampaignGetOperator(ResourceOperator):
    """Get one record: ``GET /{path}/{id}``. Returns the record.

    :param resource: catalogue name.
    :param record_id: the record's id (templated); for a record the API keeps one of per parent
        (a contact's ``plusAppend``), the parent's id.
    :param parent_id: for a nested resource, the parent's id (templated).
    :param parent: read the record under this parent resource instead (a contact's
        ``organization``: ``parent="contact"``, ``record_id`` = the contact's id).
    """

    operation = GET
    template_fields: Sequence[str] = ("resource", "record_id", "parent_id")

    def __init__(self, *, resource: str, record_id: int | str, parent_id: int | str | None = None,
                 parent: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.record_id = record_id
        self.parent_id = parent_id
        self.parent = parent
        self.check_literals(record_id=record_id, id_required=True)

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        if self.parent is not None:  # one record under its parent: GET contacts/{id}/organization
            under = sub_collection(self.parent, spec.name, "parent")
            return _unwrap(under, spec, self.hook.request("GET", under.collection_path(self.record_id, self.id_param)))
        return spec.unwrap(self.hook.request("GET", self.item_path(spec)))


class ActiveCampaignUpdateOperator(ResourceOperator):
    """Update a record: ``PUT /{path}/{id}`` with the fields to change. Returns the record.

    :param resource: catalogue name.
    :param record_id: the record's id (templated).
    :param body: the fields to change (templated); custom field ids are checked as for a create.
    :param parent_id: for a nested resource, the parent's id (templated).
    """

    operation = UPDATE
    template_fields: Sequence[str] = ("resource", "record_id", "body", "parent_id")
    template_fields_renderers = {"body": "json"}
    operator_extra_links = (ActiveCampaignRecordLink(),)

    def __init__(self, *, resource: str, record_id: int | str, body: Mapping[str, Any],
                 parent_id: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.record_id = record_id
        self.body = body
        self.parent_id = parent_id
        self.check_literals(body, record_id=record_id, id_required=True, needs_change=True)

    def perform(self, context: Context) -> Any:
        return update_record(self, self.spec())


def update_record(operator: ResourceOperator, spec: Resource) -> Any:
    """``PUT`` the operator's checked body to its record (``record_id``, ``parent_id``): the update that
    the update operators and the update half of the create-or-update operators share."""
    path = operator.item_path(spec)
    body = operator.checked_body(spec, partial=True)
    record = spec.unwrap(operator.hook.request("PUT", path, json=spec.wrap(body)))
    operator.record_done("updated", spec.name, id_of(record) or path.rpartition("/")[2])
    return record


class ActiveCampaignDeleteOperator(ResourceOperator):
    """Delete a record: ``DELETE /{path}/{id}``. Returns ``{"deleted": id, "resource": name}``.

    :param resource: catalogue name.
    :param record_id: the record's id (templated).
    :param parent_id: for a nested resource, the parent's id (templated).
    """

    operation = DELETE
    template_fields: Sequence[str] = ("resource", "record_id", "parent_id")

    def __init__(self, *, resource: str, record_id: int | str, parent_id: int | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.record_id = record_id
        self.parent_id = parent_id
        self.check_literals(record_id=record_id, id_required=True)

    def perform(self, context: Context) -> dict[str, Any]:
        spec = self.spec()
        path = self.item_path(spec)
        record_id = path.rpartition("/")[2]  # as sent: " 7" -> "7"
        if delete_once(self, path, context):
            self.record_done("deleted", spec.name, record_id)
        return {"deleted": record_id, "resource": spec.name}


class ActiveCampaignListOperator(ResourceOperator):
    """List records, through every page: ``GET /{path}`` with filters and orderings.

    Returns the records, or with ``output_path`` writes them as JSON Lines to a local path
    or any object-storage URL and returns ``{"path": ..., "count": ...}``.

    :param resource: catalogue name.
    :param filters: filter name -> value, names from the catalogue (templated); unknown
        names are refused (the API would silently ignore them and return everything).
    :param orders: field -> ``"ASC"``/``"DESC"`` (templated).
    :param limit: return at most this many records (all when None).
    :param output_path: where to write JSON Lines instead of returning records (templated).
    :param parent_id: the parent's id, for a nested resource (a schema's custom object records) or
        with ``parent`` (templated).
    :param parent: list the records under a record of this resource instead of the whole collection
        (``resource="contactTag", parent="contact"``: ``GET /contacts/{parent_id}/contactTags``, which
        takes no filters).
    """

    operation = LIST
    template_fields: Sequence[str] = ("resource", "filters", "orders", "limit", "output_path", "parent_id")
    template_fields_renderers = {"filters": "json", "orders": "json"}
    #: whether errors name filters as the operator's own parameters (``NAME``, ``order_by``) rather than
    #: ``filters.NAME``: so for every subclass unless it says otherwise
    named_filters: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "named_filters" not in cls.__dict__:
            cls.named_filters = True

    def __init__(self, *, resource: str, filters: Mapping[str, Any] | None = None,
                 orders: Mapping[str, str] | None = None, limit: int | None = None,
                 output_path: str | None = None, parent_id: int | str | None = None, parent: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource=resource, **kwargs)
        self.filters = filters
        self.orders = orders
        self.limit = limit
        self.output_path = output_path
        self.parent_id = parent_id
        self.parent = parent
        self.check_list_literals()

    @property
    def named(self) -> bool:
        """Whether this is a named list operator (its filters are its own parameters)."""
        return self.named_filters

    def under(self, spec: Resource) -> SubCollection | None:
        """The sub-collection to list (``parent`` given), or None: the resource's own collection."""
        return None if self.parent is None else sub_collection(self.parent, spec.name, "parent")

    def check_list_literals(self) -> None:
        """Check the filters, orderings and limit that are final when the DAG is parsed."""
        if not is_literal(self.resource):
            return
        with error_context(self.where):
            spec = self.spec()
            filters = {k: v for k, v in self.filters.items() if is_literal(v)} \
                if isinstance(self.filters, Mapping) else None
            orders = self.orders if isinstance(self.orders, Mapping) and is_literal(dict(self.orders)) else None
            spec.list_params(filters, orders, named=self.named)
            if is_literal(self.limit):
                checked_limit(self.limit)

    def collection_path(self, spec: Resource) -> str:
        """The path to page through: the collection, a nested resource's under its parent, or a sub-collection."""
        under = self.under(spec)
        if under is None:
            return spec.collection_path(self.parent_id)
        if self.filters:
            raise ActiveCampaignInputError(
                "filters", f"empty with parent (GET /{under.path} takes no filters)", dict(self.filters))
        return under.collection_path(self.parent_id)

    def perform(self, context: Context) -> Any:
        spec = self.spec()
        for name in ("filters", "orders"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), Mapping):
                raise ActiveCampaignInputError(name, "a mapping (a template renders text: write a mapping of "
                                               "templates, or render the DAG's templates as native objects)",
                                               getattr(self, name))
        params = spec.list_params(self.filters, self.orders, named=self.named)
        limit = checked_limit(self.limit)
        if not self.output_path:
            return deliver_records(self.read(spec, params, limit), None, log=self.log, what=spec.plural)
        key = {"path": self.collection_path(spec), "params": params, "limit": limit}
        return export_pages(lambda position: self.pages(spec, params, limit, position), self.output_path,
                            log=self.log, what=spec.plural, key=key)

    def read(self, spec: Resource, params: dict[str, Any], limit: int | None) -> Iterator[dict[str, Any]]:
        """The records to deliver, every page."""
        return iterate_pages(self.pages(spec, params, limit))

    def pages(self, spec: Resource, params: dict[str, Any], limit: int | None,
              position: Mapping[str, Any] | None = None) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
        """Each page's records and the position after it (subclasses may read elsewhere, e.g. fall back)."""
        under = self.under(spec)
        keyset = spec.keyset and under is None and not self.orders and "id_greater" not in params
        envelope = under.envelope if under is not None and under.envelope else spec.plural
        return self.hook.pages(self.collection_path(spec), envelope, params=params, limit=limit,
                               keyset=keyset, position=position)


class UpsertOperator(ActiveCampaignCreateOperator):
    """Create a record (``POST /{path}``), or update it (``PUT /{path}/{id}``) when ``record_id`` is given.

    :param record_id: the record to update; None creates one (templated: a template that renders
        ``"None"`` or nothing is an error, not "create").
    """

    template_fields: Sequence[str] = ("resource", "body", "record_id")
    checks_create_body = False

    def __init__(self, *, resource: str, body: Mapping[str, Any], record_id: int | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource=resource, body=body, **kwargs)
        self.record_id = record_id
        self.check_literals(body, partial=record_id is not None, record_id=record_id)

    def perform(self, context: Context) -> Any:
        if self.record_id is None:
            return super().perform(context)
        spec = self.spec()
        spec.require(UPDATE)
        return update_record(self, spec)


class ContactCollectionListOperator(ActiveCampaignListOperator):
    """Lists ``GET /contacts/{contact_id}/{plural}`` instead of the top collection when ``contact_id`` is given.

    Those sub-collections take no filters, so filters and ``contact_id`` are not combined.
    """

    template_fields: Sequence[str] = (*ActiveCampaignListOperator.template_fields, "contact_id")
    named_filters = False
    contact_required: ClassVar[bool] = False

    def __init__(self, *, contact_id: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.contact_id = contact_id

    def under(self, spec: Resource) -> SubCollection | None:
        if self.contact_id in (None, "") and not self.contact_required:
            return None
        return sub_collection("contact", spec.name)

    def collection_path(self, spec: Resource) -> str:
        under = self.under(spec)
        if under is None:
            return spec.path
        self.parent_id = self.contact_id or None
        path = under.collection_path(self.parent_id, "contact_id")
        if self.filters:
            raise ActiveCampaignInputError(
                "filters", f"empty when contact_id is given (GET /contacts/{{id}}/{spec.plural} "
                "takes no filters)", dict(self.filters))
        return path


def _unwrap(under: SubCollection, spec: Resource, reply: Any) -> Any:
    """The record of a reply read under a parent (keyed by the sub-collection's envelope or the singular)."""
    key = under.envelope or spec.singular
    return reply[key] if isinstance(reply, Mapping) and key in reply else reply


def api_path(path: Any) -> str:
    """A path under ``/api/3``, refused when it could leave it: a full URL (``https://``, ``//host``),
    ``..`` in any encoding (``%2e%2e``, ``%252e``), a backslash or a control character (CR/LF)."""
    expected = "a path under /api/3 such as 'contacts/1' (no URL, '..', backslash or line break)"
    if not isinstance(path, str) or not path.strip():
        raise ActiveCampaignInputError("path", expected, path)
    decoded, previous = path, None
    while decoded != previous:  # %252e%252e -> %2e%2e -> ..
        previous, decoded = decoded, unquote(decoded)
    trimmed = decoded.strip().split("?")[0]
    if (re.search(r"[\x00-\x1f\x7f\\]", decoded) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", trimmed)
            or trimmed.startswith("//") or ".." in trimmed.split("/")):
        raise ActiveCampaignInputError("path", expected, path)
    return path.strip()


_METHODS = enum("GET", "POST", "PUT", "PATCH", "DELETE", required=True)
_LIMIT = Rule("int", minimum=0)
_LEGACY_ACTION = text(required=True, pattern=r"[a-z_]+")
_LEGACY_METHODS = enum("GET", "POST")  # the legacy API takes no other


class ActiveCampaignApiCallOperator(ActiveCampaignBaseOperator):
    """Make any v3 API call; authentication, retries and rate limiting are added.

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
        self.check_arguments(method=(_METHODS, method), limit=(_LIMIT, limit))
        if is_literal(path):
            with error_context(self.where):
                api_path(path)

    def perform(self, context: Context) -> Any:
        method = _METHODS.check(self.method, "method")
        limit = checked_limit(self.limit)
        path = api_path(self.path)
        if self.paginate_envelope and method == "GET":
            return list(self.hook.paginate(path, self.paginate_envelope, params=self.query, limit=limit))
        status, reply = self.hook.request_reply(method, path, params=self.query, json=self.body,
                                                headers=self.headers)
        if method != "GET":
            self.log.info("%s %s: done (HTTP %s)", method, self.path, status)
        return reply


class ActiveCampaignLegacyApiCallOperator(ActiveCampaignBaseOperator):
    """Make any legacy API call (``admin/api.php?api_action=...``); the key is added.

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
        self.check_arguments(api_action=(_LEGACY_ACTION, api_action), method=(_LEGACY_METHODS, method))
        with error_context(self.where):
            refuse_reserved(query, "query")
            refuse_reserved(body, "body")

    def perform(self, context: Context) -> Any:
        action = _LEGACY_ACTION.check(self.api_action, "api_action")
        method = _LEGACY_METHODS.check(self.method, "method")
        reply = self.hook.legacy(action, params=legacy_values(self.query, "query"),
                                 data=legacy_values(self.body, "body"), method=method)
        if isinstance(reply, Mapping) and reply.get("result_message"):
            self.log.info("%s: %s", action, reply["result_message"])
        return reply
