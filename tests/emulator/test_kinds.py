"""kinds.emulate: an emulated resource is its catalogue entry (path, envelopes, stamps, operations,
required fields, filters, orderings) shaped by the emulator's behaviour."""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue import Filter, Resource, Rule, ident, required, text
from airflow_provider_activecampaign.testing.emulator.kinds import Behaviour, emulate
from airflow_provider_activecampaign.testing.emulator.store import Store

WIDGET = Resource(
    "widget", "widgets", "widget", "widgets", frozenset({"create", "get", "list"}),
    fields={"title": required(text()), "ownerId": ident(required=True), "note": text()},
    filters={"title": Filter("filters[title]"), "owner": Filter("filters[ownerId]", ident()),
             "search": Filter("search"), "since": Filter("filters[created_after]", Rule("date")),
             "mode": Filter("mode"), "later": Filter("filters[later]")},
    orders=("title",), created="cdate", updated="mdate",
)
PART = Resource("part", "widgets/{parent}/parts", "part", "parts", frozenset({"list"}), parent="widget",
                created="tstamp", updated=None)
ONE = Resource("detail", "widgets/{parent}/detail", "detail", "details", frozenset({"get"}), parent="widget",
               single=True)


def _match(predicate, record: dict, value: str) -> bool:
    return predicate(Store(), record, value, {})


def test_the_catalogue_gives_path_envelopes_stamps_operations_required_fields_and_orders() -> None:
    made = emulate(WIDGET, Behaviour("Widget", defaults={"note": ""}, create_status=200))
    assert (made.plural, made.singular, made.many, made.entity) == ("widgets", "widget", "widgets", "Widget")
    assert (made.created, made.updated, made.ops) == ("cdate", "mdate", WIDGET.operations)
    assert made.required == ("title", "ownerId") and made.orders == ("title",) and made.top
    assert (made.defaults, made.create_status) == ({"note": ""}, 200)


def test_documented_filters_compare_the_field_of_their_name_unless_the_behaviour_says_how() -> None:
    made = emulate(WIDGET, Behaviour("Widget", predicates={"search": lambda *a: True}, modifiers=("mode",),
                                     unapplied=("filters[later]",)))
    assert set(made.filters) == {"title", "ownerId", "created_after"} and set(made.params) == {"search"}
    assert _match(made.filters["ownerId"], {"ownerId": "7"}, "7")
    assert not _match(made.filters["title"], {"title": "Gear"}, "gea")  # equal, not a substring
    assert _match(made.filters["created_after"], {"cdate": "2026-03-02T00:00:00-06:00"}, "2026-03-01")
    assert not _match(made.filters["created_after"], {"cdate": "2026-02-02T00:00:00-06:00"}, "2026-03-01")
    assert _match(made.params["search"], {}, "anything")
    for param in ("filters[title]", "filters[ownerId]", "search", "mode", "filters[later]"):
        assert made.understands(param)
    assert not made.understands("filters[note]") and not made.understands("other")


def test_a_behaviour_adds_what_the_api_honours_beyond_the_catalogue() -> None:
    made = emulate(WIDGET, Behaviour("Widget", honours={"filters[colour]": lambda *a: True, "ids[]": lambda *a: True}))
    assert made.understands("filters[colour]") and made.understands("ids[]")


def test_known_differences_from_the_catalogue_are_the_behaviours() -> None:
    made = emulate(WIDGET, Behaviour("Widget", ops=frozenset({"list"}), stamps=("tstamp", None), required=("title",),
                                     aliases={"ownerId": "owner"}))
    assert (made.ops, made.created, made.updated, made.required) == (frozenset({"list"}), "tstamp", None, ("title",))
    aliased = emulate(WIDGET, Behaviour("Widget", aliases={"ownerId": "owner"}))
    assert aliased.required == ("title", "owner") and aliased.incoming({"ownerId": 3}) == {"owner": 3}


def test_a_nested_resource_is_served_under_its_parent_by_its_last_path_segment() -> None:
    part, detail = emulate(PART, Behaviour(None)), emulate(ONE, Behaviour(None))
    assert (part.plural, part.many, part.top, part.envelope) == ("parts", "parts", False, "")
    assert (detail.plural, detail.envelope, detail.top) == ("detail", "", False)
    moved = emulate(PART, Behaviour(None, served_at="widgetParts/all"))
    assert (moved.plural, moved.many) == ("widgetParts/all", "parts")
