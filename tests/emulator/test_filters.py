"""List filters of the v3 API, on the demo data."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from tests.emulator.helpers import ids

# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(("params", "expected"), [
    ({"email": "BOB@example.com"}, ["2"]),
    ({"email_like": "example.com"}, ["1", "2", "5"]),
    ({"search": "chen"}, ["3"]),
    ({"search": "acme"}, ["1", "2", "5"]),  # the organization's name
    ({"listid": "1"}, ["1", "2", "3", "4"]),
    ({"listid": "1", "status": "2"}, ["4"]),
    ({"status": "1"}, ["1", "2", "3"]),
    ({"status": "-1"}, ["1", "2", "3", "4", "5"]),
    ({"tagid": "2"}, ["2"]),
    ({"organization": "1"}, ["1", "2", "5"]),
    ({"ids": "1,3"}, ["1", "3"]),
    ([("ids[]", "2"), ("ids[]", "4")], ["2", "4"]),
    ({"id_greater": "3"}, ["4", "5"]),
    ({"id_less": "3"}, ["1", "2"]),
    ({"no_such_parameter": "x", "filters[no_such_field]": "y"}, ["1", "2", "3", "4", "5"]),  # silently ignored
])
def test_contact_filters(demo_api: httpx.Client, params: object, expected: list[str]) -> None:
    assert ids(demo_api.get("/contacts", params=params), "contacts") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("params", "expected"), [
    ({"filters[title]": "PILOT"}, ["2"]),
    ({"filters[stage]": "3"}, ["3"]),
    ({"filters[group]": "1"}, ["1", "2", "3"]),
    ({"filters[status]": "1"}, ["3"]),
    ({"filters[owner]": "1"}, ["1", "2", "3"]),
    ({"filters[tag]": "lead"}, ["2"]),
    ({"filters[tag]": "1"}, ["1", "3"]),
    ({"filters[tasktype]": "2"}, ["2"]),
    ({"filters[organization]": "1"}, ["1", "2"]),
    ({"filters[search]": "acme"}, ["1"]),
    ({"filters[minimum_value]": "1000"}, ["1", "3"]),
    ({"filters[maximum_value]": "1500"}, ["1", "2"]),
])
def test_deal_filters(demo_api: httpx.Client, params: dict, expected: list[str]) -> None:
    assert ids(demo_api.get("/deals", params=params), "deals") == expected


@pytest.mark.parametrize(("params", "expected"), [
    ({"filters[relid]": "1", "filters[reltype]": "Deal"}, ["1"]),
    ({"filters[title]": "call"}, ["1", "3"]),
    ({"filters[d_tasktypeid]": "2"}, ["2"]),
    ({"filters[duedate]": "2024-02-05"}, ["2"]),
    ({"filters[due_after]": "2024-02-05T15:00:00Z", "filters[due_before]": "2024-02-10T21:00:00Z"}, ["2"]),
])
def test_task_filters(demo_api: httpx.Client, params: dict, expected: list[str]) -> None:
    assert ids(demo_api.get("/dealTasks", params=params), "dealTasks") == expected


def test_other_collections_filter_by_their_documented_fields(demo_api: httpx.Client) -> None:
    assert ids(demo_api.get("/dealStages", params={"filters[d_groupid]": "1", "filters[title]": "contact"}),
               "dealStages") == ["1", "2"]
    assert ids(demo_api.get("/tags", params={"search": "lea"}), "tags") == ["2"]
    assert ids(demo_api.get("/fieldValues", params={"filters[fieldid]": "1", "filters[val]": "Blue"}),
               "fieldValues") == ["1"]
    assert ids(demo_api.get("/accounts", params={"search": "acme"}), "accounts") == ["1"]
    everything = ids(demo_api.get("/calendars"), "calendars")
    assert len(everything) > 1
    assert ids(demo_api.get("/calendars", params={"filters[type]": "Deals"}), "calendars") == everything, \
        "a filter the API does not document is ignored: the list is not narrowed"
    assert ids(demo_api.get("/deals", params={"filters[currency]": "eur"}), "deals") == \
        ids(demo_api.get("/deals"), "deals")


def test_created_and_updated_windows_compare_instants_in_utc(activecampaign_emulator: ActiveCampaignEmulator,
                                                              api: httpx.Client) -> None:
    emu = activecampaign_emulator
    emu.insert("contacts", email="a@example.com", cdate="2024-03-10T01:30:00-06:00")  # 07:30Z, before DST
    emu.insert("contacts", email="b@example.com", cdate="2024-03-10T03:30:00-05:00")  # 08:30Z, after DST
    emu.insert("contacts", email="c@example.com", cdate="2024-03-11T00:00:00-05:00")  # 05:00Z next day
    emu.set_now(datetime(2024, 4, 1, 12, 0, tzinfo=timezone.utc))
    assert emu.modify("contacts", 1, phone="555")["udate"] == "2024-04-01T07:00:00-05:00"

    def window(name: str, value: str) -> list[str]:
        return ids(api.get("/contacts", params={f"filters[{name}]": value}), "contacts")

    assert window("created_after", "2024-03-10T08:00:00+00:00") == ["2", "3"]
    assert window("created_after", "2024-03-10T03:30:00-05:00") == ["2", "3"], "after is inclusive"
    assert window("created_before", "2024-03-10T08:30:00Z") == ["1"], "before is exclusive"
    assert window("created_after", "2024-03-11") == ["3"], "a date is midnight in the account's zone"
    assert window("updated_after", "2024-04-01") == ["1"]
    assert window("updated_before", "2024-04-01") == ["2", "3"]
    assert window("created_after", "not a date") == ["1", "2", "3"], "an unreadable value is ignored"

    emu.insert("deals", title="old", value=1, contact=1, stage=1, cdate="2024-03-10T01:30:00-06:00")
    emu.insert("deals", title="new", value=1, contact=1, stage=1, cdate="2024-03-11T00:00:00-05:00")
    assert ids(api.get("/deals", params={"filters[created_after]": "2024-03-10T12:00:00Z"}), "deals") == ["2"]
    assert ids(api.get("/deals", params={"filters[updated_before]": "2024-03-10T12:00:00Z"}), "deals") == ["1"]
