"""Every list filter the document gives for a route the emulator serves narrows the list.

Each documented query parameter of a served list is sent with a value no record has (a far date
for date bounds); the list must shrink from what it is without the filter. Parameters that are
not filters (paging, ordering, side-loads) and the few that by design select every record here
are listed with the reason. A parameter the document does not give is ignored, as by the API.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.fidelity import world
from tests.fidelity.unserved import UNSERVED

#: documented parameters that do not narrow, and why
NOT_NARROWING: dict[str, str] = {
    "limit": "paging", "offset": "paging", "orders": "ordering", "include": "side-loads",
    "emails": "shows e-mail fields, selects nothing", "showFields": "shows fields, selects nothing",
    "forceQuery": "refreshes a segment's cache", "sortId": "names the score an ordering uses",
    "in_group_lists": "the key's user is an admin and sees every contact",
    "api_key": "authentication, not a filter",
    "exclude": "excludes e-mail activity types; the account's deal activity is a note",
    "filters[nextdate_range]": "accepted and not applied (docs/testing.md)",
    "filters[duedate_range]": "accepted and not applied (docs/testing.md)",
    "filters[have_stages]": "accepted and not applied (docs/testing.md)",
    "status": "-1 (any) is the default; a status is tested in tests/emulator",
    "filters": "the generic form; custom object records are filtered by relationship below",
    "count_deals": "adds deal counts to each account", "batchId": "names the import to read",
}
#: the value that matches nothing, by parameter
NO_MATCH = {"after": "2999-01-01", "filters[external_created_date]": "2999-01-01",
            "filters[search_field]": "title", "id_greater": "999999", "id_less": "0", "filters[duedate]": "1900-01-01",
            "filters[minimum_value]": "999999999", "filters[maximum_value]": "-1"}
#: the document's typos, sent as the API spells them
RENAMED = {"Fitlers[due_before]": "filters[due_before]"}
#: parameters that only narrow together with another
WITH = {"filters[search_field]": {"filters[search]": "zzz-none"}}

LISTS = [(template, param["name"]) for method, template in world.OPERATIONS
         if method == "GET" and f"GET {template}" not in UNSERVED
         for param in world.SPEC["paths"][template]["get"].get("parameters", [])
         if param.get("in") == "query" and not param["name"].startswith("orders[")
         and param["name"] not in NOT_NARROWING]


def _value(name: str) -> str:
    if name in NO_MATCH:
        return NO_MATCH[name]
    if re.search(r"after|greater|minimum|created_after|updated_after|due_after", name):
        return "2999-01-01" if "value" not in name and "score" not in name else "1:999999"
    if re.search(r"before|less|maximum", name):
        return "1900-01-01" if "value" not in name and "score" not in name else "1:-1"
    return "999999" if re.search(r"id|Id|status|stage|group|owner|score", name) else "zzz-none"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with ActiveCampaignEmulator(seed="demo") as emulator:
        world.build(emulator)
        with httpx.Client(base_url=emulator.url + "/api/3", headers={"Api-Token": emulator.api_key},
                          trust_env=False, timeout=10) as http:
            yield http


def _count(reply: httpx.Response) -> int:
    assert reply.status_code == 200, reply.text[:300]
    body = reply.json()
    return next(len(v) for k, v in body.items() if isinstance(v, list) and k not in ("scoreValues",))


@pytest.mark.parametrize(("template", "param"), LISTS, ids=[f"{t} {p}" for t, p in LISTS])
def test_each_documented_filter_narrows_the_list(client: httpx.Client, template: str, param: str) -> None:
    path = world.path(template)
    name = RENAMED.get(param, param.replace("<operator>", "eq"))
    params = {name: _value(param), **WITH.get(param, {})}
    everything = _count(client.get(path, params={"limit": 100}))
    assert everything > 0, "the world has a record here"
    assert _count(client.get(path, params={"limit": 100, **params})) < everything, f"{name} is ignored"


def test_custom_object_records_narrow_by_relationship(client: httpx.Client) -> None:
    assert _count(client.get("/customObjects/records/1")) == 1
    key = "filters[relationships.primary-contact][eq]"
    assert _count(client.get("/customObjects/records/1", params={key: "999"})) == 0


@pytest.mark.parametrize(("path", "param"), [
    ("/contactAutomations", "filters[contact]"), ("/fieldValues", "filters[contactid]"),
    ("/contacts", "filters[colour]"), ("/deals", "unknown")])
def test_filters_the_document_does_not_give_are_ignored_alike(client: httpx.Client, path: str, param: str) -> None:
    assert _count(client.get(path, params={param: "999999"})) == _count(client.get(path)) > 0
