"""What one emulated collection is: :class:`Resource` (path, envelopes, stamps, checks, list filters)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_activecampaign.testing.emulator.filters import Predicate
from airflow_provider_activecampaign.testing.emulator.values import FILTER_KEY, OPERATOR_KEY

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
