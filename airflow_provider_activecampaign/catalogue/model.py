"""The catalogue's data model: resources, their sub-collections, and actions beyond create/read/update/delete.

A :class:`Resource` says where a resource lives (path, envelope keys), which operations exist,
which body fields are checked and how, which list filters and orderings the API takes, and
which timestamps say when a record was created or changed. A :class:`SubCollection` is a list
of one resource's records under another's (``contacts/{parent}/contactTags``); an
:class:`Action` is any other call of the document (``PUT dealStages/{id}/deals``). Every path
with ids in it is built by :func:`fill_path`. Nothing here imports Airflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from airflow_provider_activecampaign.catalogue.errors import input_error
from airflow_provider_activecampaign.catalogue.types import Rule, ident, required, text

ORDER_DIRECTIONS = ("ASC", "DESC")
CREATE, GET, UPDATE, DELETE, LIST = "create", "get", "update", "delete", "list"
CRUD = frozenset({CREATE, GET, UPDATE, DELETE, LIST})
#: Deal statuses may be given by name as well as by the API's number.
DEAL_STATUSES = {"open": 0, "won": 1, "lost": 2}
#: Ids in paths: a positive 32-bit id, or (custom objects, users by e-mail) any one path segment.
ID = ident(required=True)
TEXT_ID = text(required=True)
#: How a body field is named to the user (the generic operators: ``body.FIELD``).
Label = Callable[[str], str]


@dataclass(frozen=True)
class Clash:
    """Stands in a body for an ``extra_fields`` entry that a named parameter sets (always refused)."""

    parameter: str


def _body_label(name: str) -> str:
    return f"body.{name}"


def is_literal(value: Any) -> bool:
    """Whether a value is final when the DAG is parsed: plain data with no Jinja ``{{`` in it
    (an XCom reference or any other object is rendered or resolved later)."""
    if value is None or isinstance(value, (bool, int, float, date)):
        return True
    if isinstance(value, str):
        return "{{" not in value and "{%" not in value
    if isinstance(value, (list, tuple)):
        return all(is_literal(v) for v in value)
    if type(value) is dict:
        return all(is_literal(k) and is_literal(v) for k, v in value.items())
    return False



@dataclass(frozen=True)
class Filter:
    """A list filter: the query parameter the API takes, and the rule for its value."""

    param: str
    rule: Rule = field(default_factory=Rule)


@dataclass(frozen=True)
class NaturalKey:
    """How to find a record that an earlier attempt of a create may already have made.

    ``fields``: the body fields that identify the record (those the body gives are compared).
    ``filters``: body field -> catalogue filter that narrows the list call.
    ``under``: a sub-collection to list instead, e.g. ``"contacts/{contact}/contactTags"``
    (placeholders are body fields); ``segments`` turns a body value into a path segment
    (e.g. a note's ``reltype`` ``Deal`` -> ``deals``); without one, the top collection is listed.
    ``unique``: the filters find at most one record in the account (a contact's e-mail), so the
    look-up needs no date filter (whose reading the API does not document).
    """

    fields: tuple[str, ...]
    filters: Mapping[str, str] = field(default_factory=dict)
    under: str | None = None
    segments: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    unique: bool = False

    def collection(self, body: Mapping[str, Any]) -> str | None:
        """The sub-collection to list for ``body``, or None (list the resource's own path)."""
        if self.under is None:
            return None
        values: dict[str, str] = {}
        for name in re.findall(r"{(\w+)}", self.under):
            value = body.get(name)
            value = self.segments.get(name, {}).get(str(value), None if name in self.segments else value)
            if value in (None, ""):
                return None
            values[name] = str(value)
        return self.under.format(**values)


@dataclass(frozen=True)
class Resource:
    """One ActiveCampaign resource as the v3 API serves it."""

    name: str
    path: str
    singular: str
    plural: str
    operations: frozenset[str] = CRUD
    fields: Mapping[str, Rule] = field(default_factory=dict)
    filters: Mapping[str, Filter] = field(default_factory=dict)
    orders: tuple[str, ...] = ()
    keyset: bool = False
    created: str | None = "cdate"
    updated: str | None = "udate"
    server_window: bool = False
    #: groups of fields of which a create body needs at least one (e.g. a deal's contact or account)
    one_of: tuple[tuple[str, ...], ...] = ()
    #: how a retried create finds the record an earlier attempt made (None: it cannot)
    natural_key: NaturalKey | None = None
    #: the field that identifies a record (event-tracking events are known by name)
    key: str = "id"
    #: the rule for a record's id in a path (custom objects use text ids)
    id_rule: Rule = ID
    #: the resource whose id ``path`` needs (``customObjects/records/{parent}``); None: a top collection
    parent: str | None = None
    #: the rule for the parent's id in the path
    parent_rule: Rule = ID
    #: a nested resource the API answers as one record at the collection's path (a contact's plusAppend)
    single: bool = False

    def require(self, operation: str) -> None:
        if operation not in self.operations:
            raise input_error("resource", f"a resource that supports {operation!r}", self.name)

    def check_body(self, body: Mapping[str, Any], *, partial: bool, label: Label | None = None,
                   literal: bool = False) -> dict[str, Any]:
        """Check a create (``partial=False``) or update body against the field rules; return it converted.

        ``label`` names a field as the user wrote it (default ``body.FIELD``). With ``literal``
        (when a DAG is parsed) values still to be rendered are skipped, as are rules that
        need them. Unknown field names are refused.
        """
        label = label or _body_label
        if not isinstance(body, Mapping):
            raise input_error("body", "a mapping of field names to values", body)
        for name, value in body.items():
            if isinstance(value, Clash):
                raise input_error(f"extra_fields.{name}", f"left out (the parameter {value.parameter} sets it)")
            if name not in self.fields:
                raise input_error(label(name), f"a {self.name} field ({', '.join(self.fields)})")
        checked = {k: v for k, v in body.items() if v is not None}
        for name, rule in self.fields.items():
            if literal and name in checked and not is_literal(checked[name]):
                continue
            if name in checked or (rule.required and not partial):
                checked[name] = rule.check(checked.get(name), label(name))
        for group in () if partial else self.one_of:
            if all(checked.get(name) is None for name in group):
                raise input_error(" or ".join(label(name) for name in group), "given (at least one of them)")
        return {k: v for k, v in checked.items() if v is not None}

    def list_params(self, filters: Mapping[str, Any] | None, orders: Mapping[str, str] | None, *,
                    named: bool = False) -> dict[str, Any]:
        """Query parameters for a list call; unknown filter names and orderings are refused.

        (The API itself silently ignores unknown filters and returns everything.) Errors name
        ``filters.NAME`` and ``orders.NAME``, or with ``named`` the operator's own parameters
        (``NAME``, ``order_by``, ``order``).
        """
        params: dict[str, Any] = {}
        for name, value in (filters or {}).items():
            spec = self.filters.get(name)
            where = name if named else f"filters.{name}"
            if spec is None:
                valid = ", ".join(sorted(self.filters)) or "none"
                raise input_error(where, f"a known filter ({valid})")
            if value is None:
                continue
            value = spec.rule.check(value, where)
            params[spec.param] = _date_param(value) if spec.rule.kind == "date" else value
        for name, direction in (orders or {}).items():
            if name not in self.orders:
                valid = ", ".join(self.orders) or "none"
                raise input_error("order_by" if named else f"orders.{name}",
                                  f"an orderable field ({valid})", None if not named else name)
            direction = str(direction).strip().upper()
            if direction not in ORDER_DIRECTIONS:
                raise input_error("order" if named else f"orders.{name}", "ASC or DESC", direction)
            params[f"orders[{name}]"] = direction.lower()  # the document's case: asc|desc
        return params

    def collection_path(self, parent_id: Any = None, name: str = "parent_id") -> str:
        """The collection's path; a nested resource's needs its parent's id (named ``name`` in errors)."""
        if self.parent is None:
            return self.path
        return fill_path(self.path, {"parent": (parent_id, self.parent_rule, name)})

    def item_path(self, record_id: Any, name: str = "record_id", *, parent_id: Any = None,
                  parent_name: str = "parent_id") -> str:
        """One record's path: ``{collection}/{id}`` (a ``single`` record's: the collection's)."""
        if self.single:
            return self.collection_path(parent_id if parent_id is not None else record_id, parent_name)
        collection = self.collection_path(parent_id, parent_name)
        return fill_path(collection + "/{id}", {"id": (record_id, self.id_rule, name)})

    def wrap(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return {self.singular: dict(body)}

    def unwrap(self, reply: Any) -> Any:
        """The record of a single-record reply (side-loaded arrays are dropped)."""
        if isinstance(reply, Mapping) and self.singular in reply:
            return reply[self.singular]
        return reply


@dataclass(frozen=True)
class SubCollection:
    """The records of one resource (``child``) listed under a record of another (``parent``).

    ``path`` has a ``{parent}`` placeholder: ``contacts/{parent}/contactTags``. ``envelope``
    is the reply's key when it is not the child's plural (a contact's ``organization``);
    ``single`` when the reply holds one record, not a list.
    """

    parent: str
    child: str
    path: str
    operations: frozenset[str] = frozenset({LIST})
    envelope: str | None = None
    single: bool = False
    parent_rule: Rule = ID

    @property
    def name(self) -> str:
        """How users name it: ``contact.contactTags`` (parent, then the path's last segment)."""
        return f"{self.parent}.{self.path.rsplit('/', 1)[-1]}"

    def collection_path(self, parent_id: Any, name: str = "parent_id") -> str:
        return fill_path(self.path, {"parent": (parent_id, self.parent_rule, name)})


@dataclass(frozen=True)
class Action:
    """A call of the API beyond create, get, update, delete and list (``PUT dealStages/{id}/deals``).

    ``name`` is ``resource.verb`` (``dealStage.moveDeals``); the chapter of ``resource`` owns it.
    ``params`` are the path's placeholders and their rules; ``fields`` the body's (checked like a
    resource's; empty: the body is sent as given); ``envelope`` the key the body is wrapped in
    (None: sent bare); ``reply`` the key of the reply's record or list (None: the whole reply).
    ``query`` are the query parameters it takes, as list filters.
    """

    name: str
    method: str
    path: str
    params: Mapping[str, Rule] = field(default_factory=dict)
    fields: Mapping[str, Rule] = field(default_factory=dict)
    envelope: str | None = None
    reply: str | None = None
    query: Mapping[str, Filter] = field(default_factory=dict)
    doc: str = ""

    @property
    def resource(self) -> str:
        return self.name.split(".", 1)[0]

    def fill(self, values: Mapping[str, Any] | None, label: str = "path_params") -> str:
        """The path with ``values`` (placeholder -> value) checked and filled in."""
        values = dict(values or {})
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            there = ", ".join(self.params) or "none"
            raise input_error(f"{label}.{unknown[0]}", f"a placeholder of {self.path} ({there})")
        return fill_path(self.path, {p: (values.get(p), rule, f"{label}.{p}") for p, rule in self.params.items()})

    def check_body(self, body: Any, label: str = "body") -> Any:
        """The body checked against ``fields`` (when any) and wrapped in ``envelope``."""
        if self.fields:
            if not isinstance(body, Mapping):
                raise input_error(label, "a mapping of field names to values", body)
            for name in body:
                if name not in self.fields:
                    raise input_error(f"{label}.{name}", f"a field of {self.name} ({', '.join(self.fields)})")
            body = {name: rule.check(body.get(name), f"{label}.{name}") for name, rule in self.fields.items()}
            body = {k: v for k, v in body.items() if v is not None}
        return body if self.envelope is None or body is None else {self.envelope: body}

    def unwrap(self, reply: Any) -> Any:
        if self.reply is not None and isinstance(reply, Mapping) and self.reply in reply:
            return reply[self.reply]
        return reply


def fill_path(template: str, values: Mapping[str, tuple[Any, Rule, str]]) -> str:
    """The one place paths with ids are built: each ``{placeholder}`` gets its value, checked by its
    rule and named in errors as the user wrote it (``values``: placeholder -> (value, rule, name)).

    A value is one path segment: text with ``/``, ``?`` or ``#`` in it is refused, not sent.
    """
    filled = {}
    for placeholder in re.findall(r"{(\w+)}", template):
        value, rule, name = values[placeholder]
        checked = str(required(rule).check(value, name)).strip()
        if not checked or any(c in checked for c in "/?#"):
            raise input_error(name, "one path segment (no '/', '?' or '#')", value)
        filled[placeholder] = checked
    return template.format(**filled)


def _date_param(value: Any) -> str:
    """A date goes out as the document's ``format: date`` (``2026-03-10``); a date/time as ISO 8601 with
    an explicit offset, to the second (see tests/data/spec_errata.py for why date/times are kept)."""
    import pendulum  # here, not at the top: the catalogue imports with the standard library only

    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        return value.strip()
    when = value if hasattr(value, "isoformat") else pendulum.parse(str(value))
    if not hasattr(when, "hour"):
        return when.isoformat()
    if getattr(when, "tzinfo", None) is None:
        when = pendulum.instance(when, tz="UTC")
    return when.isoformat(timespec="seconds")


