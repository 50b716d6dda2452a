"""Lists served from the id-ordered table: the same pages, totals and orders as filtering the whole table."""

from __future__ import annotations

import httpx

from airflow_provider_activecampaign.testing import ActiveCampaignEmulator
from airflow_provider_activecampaign.testing.emulator.store import Table
from tests.emulator.helpers import ids


def _contacts(emulator: ActiveCampaignEmulator, *numbers: int) -> None:
    for number in numbers:
        emulator.insert("contacts", id=number, email=f"c{number}@example.com")


def test_the_table_keeps_id_order_through_inserts_out_of_order_and_deletes() -> None:
    table = Table()
    for key in ("5", "2", "9", "7"):
        table[key] = {"id": key}
    table["2"] = {"id": "2", "changed": True}
    del table["9"]
    assert [row["id"] for row in table.in_order()] == ["2", "5", "7"]
    assert table.in_order()[0]["changed"] is True
    assert table.span(greater=2) == (1, 3) and table.span(less=7) == (0, 2) and table.span(8, 3) == (3, 3)
    assert table.pop("missing", None) is None and len(table) == 3


def test_keyset_and_offset_pages_in_id_order(activecampaign_emulator: ActiveCampaignEmulator,
                                             api: httpx.Client) -> None:
    _contacts(activecampaign_emulator, 30, 10, 20, 40)
    activecampaign_emulator.insert("contacts", email="new@example.com")  # the next id: 41
    first = api.get("/contacts", params={"limit": 2, "orders[id]": "ASC"})
    assert ids(first, "contacts") == ["10", "20"] and first.json()["meta"]["total"] == "5"
    after = api.get("/contacts", params={"limit": 2, "orders[id]": "ASC", "id_greater": 20})
    assert ids(after, "contacts") == ["30", "40"] and after.json()["meta"]["total"] == "3"
    assert ids(api.get("/contacts", params={"limit": 2, "offset": 3}), "contacts") == ["40", "41"]
    assert ids(api.get("/contacts", params={"id_greater": 10, "id_less": 40}), "contacts") == ["20", "30"]


def test_a_filter_or_another_order_still_reads_the_whole_table(activecampaign_emulator: ActiveCampaignEmulator,
                                                               api: httpx.Client) -> None:
    _contacts(activecampaign_emulator, 3, 1, 2)
    assert ids(api.get("/contacts", params={"orders[id]": "DESC"}), "contacts") == ["3", "2", "1"]
    found = api.get("/contacts", params={"email": "c2@example.com", "id_greater": 0})
    assert ids(found, "contacts") == ["2"] and found.json()["meta"]["total"] == "1"


def test_every_reply_says_how_much_of_the_window_is_left(activecampaign_emulator: ActiveCampaignEmulator,
                                                         api: httpx.Client) -> None:
    activecampaign_emulator.rate_limit = 2
    first, second, refused = (api.get("/users/me") for _ in range(3))
    assert [first.headers["RateLimit-Remaining"], second.headers["RateLimit-Remaining"]] == ["1", "0"]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "RateLimit-Reset" not in refused.headers  # the API documents no reset header
