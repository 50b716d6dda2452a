"""What one emulated collection is, and how it is made from the catalogue.

:func:`emulate` builds a :class:`Resource` from the catalogue's entry (path, envelopes, stamps,
operations, required fields, list filters, orderings) and a :class:`Behaviour`: what only the
emulator knows (the fields the API adds, uniqueness and upserts, delete replies, how each filter
is applied).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_activecampaign.catalogue.errors import CatalogueInputError
from airflow_provider_activecampaign.catalogue.model import Resource as Described
from airflow_provider_activecampaign.catalogue.types import Rule
from airflow_provider_activecampaign.testing.emulator.filters import Predicate, eq, windows
from airflow_provider_activecampaign.testing.emulator.values import FILTER_KEY, OPERATOR_KEY, invalid

ALL_OPS = frozenset({"list", "create", "get", "update", "delete"})
READ_OPS = frozenset({"list", "get"})


@dataclass(frozen=True)
class Resource:
    """One v3 collection: ``/api/3/{plural}`` and ``/api/3/{plural}/{id}``."""

    plural: str
    singular: str
    entity: str | None  # in "No Result found for {entity} with id {id}"; None: {"errors": [...Not Found]}
    created: str | None = "cdate"
    updated: str | None = "udate"
    required: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of which a create needs at least one field
    defaults: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    #: records carry ``links`` (False: no example of the document shows any for this kind of record)
    linked: bool = True
    total_as_str: bool = True  # meta.total "6" or 6, as the spec's examples show
    ops: frozenset[str] = ALL_OPS
    create_status: int = 201
    params: Mapping[str, Predicate] = field(default_factory=dict)  # plain query parameters
    filters: Mapping[str, Predicate] = field(default_factory=dict)  # filters[X]; others compare equal
    native: tuple[str, ...] = ()  # fields kept as given (not stored as strings)
    unique: tuple[str, str] | None = None  # (field, 422 title) for duplicates
    upsert_on: tuple[str, ...] = ()  # POST updates the record with equal values of these fields
    key: str = "id"  # item path segment; eventTrackingEvents are addressed by name
    delete_body: Any = field(default_factory=dict)
    delete_404: str | None = None  # a resource-specific 404 message for DELETE
    #: query parameters read elsewhere than by a filter predicate (another predicate, the list reply)
    modifiers: tuple[str, ...] = ()
    #: documented filters the emulator accepts and does not apply (the list is not narrowed)
    unapplied: tuple[str, ...] = ()
    #: the list reply's envelope when it is not the path (``customObjects/schemas`` lists ``schemas``)
    envelope: str = ""
    #: fields the API shows beside a stamp, in its ``YYYY-MM-DD HH:MM:SS`` form: (shown name, stamp)
    mirrors: tuple[tuple[str, str], ...] = ()
    #: ``filters[NAME][OPERATOR]``: NAME -> the field compared (operators: see ``filters.OPERATORS``)
    operators: Mapping[str, str] = field(default_factory=dict)
    #: fields that repeat a stamp as it is: (shown name, stamp), e.g. an order's ``tstamp``
    copies: tuple[tuple[str, str], ...] = ()
    #: the list reply's meta also gives ``count``, ``limit`` and ``offset`` (custom objects)
    paged_meta: bool = False
    #: served at ``/api/3/{plural}`` (False: only as a sub-collection, e.g. a campaign's links)
    top: bool = True
    #: request fields the document's schema names otherwise than the record it returns: request -> record
    aliases: Mapping[str, str] = field(default_factory=dict)
    #: the catalogue's orderings (``orders[NAME]``); any field sorts, these are the documented ones
    orders: tuple[str, ...] = ()
    #: the catalogue's value rules (enums, formats) checked on an API write, by record field
    rules: Mapping[str, Rule] = field(default_factory=dict)

    def incoming(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """A request's fields under the record's names (either name is accepted; the schema's wins)."""
        data = dict(fields)
        for sent, stored in self.aliases.items():
            if sent in data:
                data[stored] = data.pop(sent)
        return data

    def sent_name(self, stored: str) -> str:
        """The name a request gives a record field (the schema's), for error messages."""
        return next((sent for sent, name in self.aliases.items() if name == stored), stored)

    @property
    def many(self) -> str:
        """The list reply's envelope key."""
        return self.envelope or self.plural.rsplit("/", 1)[-1]

    def understands(self, param: str) -> bool:
        """Whether a list query parameter means something here (unknown ones are ignored, as by the API)."""
        match = FILTER_KEY.fullmatch(param)
        if param in self.modifiers or param in self.unapplied:
            return True
        with_operator = OPERATOR_KEY.fullmatch(param)
        if with_operator is not None:
            return with_operator.group(1) in self.operators
        if match is None:
            return param in self.params
        return match.group(1) in self.filters


#: ``created_timestamp``/``updated_timestamp`` (and who made the change) beside ``cdate``/``udate``.
TIMESTAMPS = (("created_timestamp", "cdate"), ("updated_timestamp", "udate"))


@dataclass(frozen=True)
class Behaviour:
    """What only the emulator knows about a catalogue resource; the rest comes from the catalogue.

    ``predicates``: how a documented list filter (the catalogue's query parameter, e.g.
    ``filters[fieldid]``) is applied, when not by comparing the field of its name;
    ``honours``: query parameters the API answers that the catalogue does not document.
    ``ops``, ``stamps`` and ``required`` are given only where the emulator serves more, or checks
    otherwise, than the catalogue says (each a known difference, kept so the answers stay the API's).
    """

    entity: str | None  # in "No Result found for {entity} with id {id}"; None: {"errors": [...Not Found]}
    defaults: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    linked: bool = True
    total_as_str: bool = True
    create_status: int = 201
    native: tuple[str, ...] = ()
    unique: tuple[str, str] | None = None
    upsert_on: tuple[str, ...] = ()
    delete_body: Any = field(default_factory=dict)
    delete_404: str | None = None
    modifiers: tuple[str, ...] = ()
    unapplied: tuple[str, ...] = ()
    mirrors: tuple[tuple[str, str], ...] = ()
    operators: Mapping[str, str] = field(default_factory=dict)
    copies: tuple[tuple[str, str], ...] = ()
    paged_meta: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict)
    predicates: Mapping[str, Predicate] = field(default_factory=dict)
    honours: Mapping[str, Predicate] = field(default_factory=dict)
    ops: frozenset[str] | None = None
    stamps: tuple[str | None, str | None] | None = None
    required: tuple[str, ...] | None = None
    #: the path served when it is not the catalogue's (``customObjects/records/{parent}``: one collection)
    served_at: str = ""
    #: request fields whose catalogue rule is not checked, each with its reason (the API takes more)
    lenient: Mapping[str, str] = field(default_factory=dict)


def emulate(described: Described, behaviour: Behaviour) -> Resource:
    """The emulator's resource for a catalogue entry: where and how the catalogue says, shaped as ``behaviour`` says."""
    plural = behaviour.served_at or (described.path if described.parent is None else described.path.rsplit("/", 1)[-1])
    created, updated = behaviour.stamps or (described.created, described.updated)
    required = behaviour.required
    if required is None:
        required = tuple(behaviour.aliases.get(name, name) for name, rule in described.fields.items() if rule.required)
    params: dict[str, Predicate] = {}
    filters: dict[str, Predicate] = {}
    for param, predicate in _predicates(described, behaviour, created, updated).items():
        match = FILTER_KEY.fullmatch(param)
        if match is None:
            params[param] = predicate
        else:
            filters[match.group(1)] = predicate
    shown = plural.rsplit("/", 1)[-1]
    envelope = "" if described.single or (described.plural == shown and "/" not in plural) else described.plural
    return Resource(
        plural, described.singular, behaviour.entity, created, updated, required=required,
        ops=described.operations if behaviour.ops is None else behaviour.ops, params=params, filters=filters,
        key=described.key, envelope=envelope, top=described.parent is None, orders=described.orders,
        one_of=described.one_of, rules=value_rules(described, behaviour),
        **{name: getattr(behaviour, name) for name in _SHAPES},
    )


#: the rule kinds the emulator checks as the API does (an enum or a format; dates: see ``values.parse_time``)
CHECKED_KINDS = frozenset({"enum", "email", "currency"})


def checked(rule: Rule) -> bool:
    """Whether the emulator refuses a value breaking ``rule``: an enum, a format, a pattern, a list of choices."""
    return rule.kind in CHECKED_KINDS or bool(rule.pattern) or (rule.kind == "list" and bool(rule.choices))


def value_rules(described: Described, behaviour: Behaviour) -> dict[str, Rule]:
    """Record field -> the catalogue's rule for it, for the fields whose values the emulator checks."""
    return {behaviour.aliases.get(name, name): rule for name, rule in described.fields.items()
            if checked(rule) and name not in behaviour.lenient}


def check_values(res: Resource, data: Mapping[str, Any]) -> None:
    """Refuse (422, the field named) a given value the catalogue's rule for its field does not take."""
    for name, rule in res.rules.items():
        value = data.get(name)
        if value is None or (value == "" and name not in res.required):  # a required field is not blanked
            continue
        try:
            rule.check(value, name)
        except CatalogueInputError:
            sent = res.sent_name(name)
            raise invalid(sent, f"The {res.singular} {sent} must be {rule.expected()}.",
                          detail=f"Not valid: {value!r}") from None


#: ``filters[NAME]`` (or a personalization's ``filter[NAME]``): the field a documented filter compares
_BRACKETED = re.compile(r"\w+\[([^\]]+)\]")
#: the :class:`Behaviour` fields a :class:`Resource` takes as they are
_SHAPES = ("defaults", "links", "linked", "total_as_str", "create_status", "native", "unique", "upsert_on",
           "delete_body", "delete_404", "modifiers", "unapplied", "mirrors", "operators", "copies", "paged_meta",
           "aliases")


def _predicates(described: Described, behaviour: Behaviour, created: str | None,
                updated: str | None) -> dict[str, Predicate]:
    """Query parameter -> predicate: each documented filter the emulator applies, then those it also honours."""
    window = {f"filters[{name}]": test for name, test in windows(created or "", updated or "").items()}
    applied: dict[str, Predicate] = {}
    for spec in described.filters.values():
        param = spec.param
        if param in behaviour.modifiers or param in behaviour.unapplied:
            continue
        match = _BRACKETED.fullmatch(param)
        default = window.get(param) or eq(match.group(1) if match else param)
        applied[param] = behaviour.predicates.get(param, default)
    return {**applied, **behaviour.honours}
