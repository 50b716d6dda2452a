"""Exactly once or a clear error: paging over real HTTP while records are deleted and edited between pages."""

from __future__ import annotations

import asyncio
import json

import pytest

from airflow_provider_activecampaign.client import Pager
from airflow_provider_activecampaign.exceptions import ActiveCampaignPagingError
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook
from airflow_provider_activecampaign.testing.emulator.chaos import Churn


def make(emulator, resource: str, n: int) -> list[str]:
    if resource == "contacts":
        return [emulator.insert("contacts", email=f"p{i}@example.com", firstName=f"n{i:04}")["id"] for i in range(n)]
    if resource == "contactAutomations":
        contact = emulator.insert("contacts", email="owner@example.com")["id"]
        return [emulator.insert("contactAutomations", contact=contact, automation="1")["id"] for _ in range(n)]
    return [emulator.insert("deals", title=f"d{i}", value="1", currency="usd")["id"] for i in range(n)]


def delete_before_position(emulator, resource: str, how_many: int):
    """After the first page, delete ``how_many`` records among those already read."""
    deleted: list[str] = []

    def hook(emu, request):
        if request.method == "GET" and not deleted and int((request.query.get("offset") or ["0"])[0]) > 0:
            for rid in emu.ids(resource)[10:10 + how_many]:
                emu.delete(resource, rid)
                deleted.append(rid)
    return hook, deleted


@pytest.mark.parametrize("deletes", [3, 30, 250], ids=["within the overlap", "past the overlap", "pages back"])
def test_offset_paging_loses_nothing_when_records_already_read_are_deleted(emulator, deletes):
    ids = make(emulator, "deals", 700)
    hook, deleted = delete_before_position(emulator, "deals", deletes)
    emulator.on_request(hook)
    got = [d["id"] for d in ActiveCampaignHook().paginate("deals", "deals")]
    assert len(deleted) == deletes
    assert len(got) == len(set(got))  # nothing twice
    assert set(ids) - set(deleted) <= set(got)  # nothing that existed throughout is lost
    assert all(r.query["orders[id]"] == ["asc"] for r in emulator.requests if r.method == "GET")


@pytest.mark.parametrize("resource", ["contacts", "deals", "contactAutomations"])
def test_every_record_that_existed_throughout_is_read_exactly_once_under_churn_and_chaos(emulator, resource):
    ids = make(emulator, resource, 1200)
    churn = Churn(resource, rate=0.6, seed=7, deletes=4, edits=3)
    emulator.on_request(churn)
    chaos = emulator.chaos(0.15, seed=7)
    if resource == "contactAutomations":
        path = f"contacts/{emulator.record('contactAutomations', ids[0])['contact']}/contactAutomations"
    else:
        path = resource
    got = [r["id"] for r in ActiveCampaignHook(retry_backoff=0.01).paginate(path, resource,
                                                                              keyset=resource == "contacts")]
    assert churn.deleted and churn.edited and sum(chaos.counts.values()) > 0
    assert len(got) == len(set(got))
    assert set(ids) - set(churn.deleted) <= set(got)


def test_a_caller_ordering_is_kept_and_anchored_on_the_last_records_read(emulator):
    make(emulator, "contacts", 450)
    hook, deleted = delete_before_position(emulator, "contacts", 20)
    emulator.on_request(hook)
    got = list(ActiveCampaignHook().paginate("contacts", "contacts", params={"orders[email]": "DESC"}))
    emails = [c["email"] for c in got]
    assert emails == sorted(emails, reverse=True)
    assert len(got) == 450 - 20 + sum(1 for c in got if c["id"] in deleted)


def test_keyset_paging_that_the_server_ignores_fails_within_two_pages(emulator):
    make(emulator, "contacts", 350)
    emulator.ignore_paging()
    with pytest.raises(ActiveCampaignPagingError, match="ignored id_greater") as caught:
        list(ActiveCampaignHook().paginate("contacts", "contacts", keyset=True))
    assert "/contacts" in str(caught.value) and "id 100" in str(caught.value)
    assert len(emulator.requests) == 2


def test_offset_paging_that_the_server_ignores_fails_within_two_pages(emulator):
    make(emulator, "deals", 350)
    emulator.ignore_paging()
    with pytest.raises(ActiveCampaignPagingError, match="ignored offset"):
        list(ActiveCampaignHook().paginate("deals", "deals"))
    assert len(emulator.requests) == 2


def test_keyset_paging_ends_on_meta_total_without_an_empty_request(emulator):
    make(emulator, "contacts", 200)
    emulator.clear_requests()
    assert len(list(ActiveCampaignHook().paginate("contacts", "contacts", keyset=True))) == 200
    assert len(emulator.requests) == 2


def test_a_short_page_alone_does_not_end_the_read():
    pager = Pager("things", page_size=4, overlap=1)
    pager.next_params()
    assert len(pager.feed({"things": [{"id": "1"}, {"id": "2"}], "meta": {"total": "5"}})) == 2
    assert pager.next_params() is not None  # short, but meta.total says 5: ask again
    pager.feed({"things": [{"id": "2"}, {"id": "3"}, {"id": "4"}, {"id": "5"}], "meta": {"total": "5"}})
    assert pager.next_params() is None and pager.count == 5


def test_a_total_that_pages_never_reach_is_an_error_not_a_loop():
    pager = Pager("things", page_size=4, overlap=1, path="things")
    pager.next_params()
    pager.feed({"things": [{"id": "1"}], "meta": {"total": "9"}})
    with pytest.raises(ActiveCampaignPagingError, match=r"meta\.total says 9"):
        for _ in range(5):
            pager.next_params()
            pager.feed({"things": [{"id": "1"}], "meta": {"total": "9"}})


def test_records_without_ids_fail_when_the_list_changes_mid_read():
    pager = Pager("names", page_size=2, path="webhook/events")
    pager.next_params()
    pager.feed({"names": ["a", "b"], "meta": {"total": 4}})
    pager.next_params()
    with pytest.raises(ActiveCampaignPagingError, match=r"meta\.total 4 -> 3"):
        pager.feed({"names": ["c"], "meta": {"total": 3}})


def test_the_position_stays_small_however_many_records_are_read(emulator):
    make(emulator, "deals", 1500)
    pager = Pager("deals", path="deals")
    hook = ActiveCampaignHook()
    while (params := pager.next_params()) is not None:
        pager.feed(hook.request("GET", "deals", params=params))
    assert pager.count == 1500
    assert len(json.dumps(pager.position())) < 200  # no set of every id read


def test_a_read_resumes_from_a_saved_position_without_repeats(emulator):
    ids = make(emulator, "deals", 450)
    pages = ActiveCampaignHook().pages("deals", "deals")
    first, position = next(pages)
    second, position = next(pages)
    pages.close()
    emulator.delete("deals", ids[3])
    rest = [d for records, _ in ActiveCampaignHook().pages("deals", "deals", position=position) for d in records]
    got = [d["id"] for d in first + second + rest]
    assert got == ids


def test_async_hook_pages_exactly_once_under_churn(emulator):
    ids = make(emulator, "deals", 600)
    churn = Churn("deals", rate=0.7, seed=3, deletes=6, edits=2)
    emulator.on_request(churn)

    async def collect():
        async with ActiveCampaignAsyncHook() as hook:
            return [d["id"] async for d in hook.paginate("deals", "deals")]

    got = asyncio.run(collect())
    assert len(got) == len(set(got)) and set(ids) - set(churn.deleted) <= set(got)


def subscribed_contacts(emulator, n: int) -> list[str]:
    made = []
    for i in range(n):
        contact = emulator.insert("contacts", email=f"s{i}@example.com")["id"]
        emulator.insert("contactLists", contact=contact, list="1", status="1")
        made.append(contact)
    return made


def test_legacy_lists_read_every_row_once_and_a_repeated_page_is_an_error(emulator):
    from airflow_provider_activecampaign.operators import ActiveCampaignListSubscribedContactsOperator

    made = subscribed_contacts(emulator, 45)
    rows = ActiveCampaignListSubscribedContactsOperator(task_id="t").execute({})
    assert [r["id"] for r in rows] == made
    emulator.ignore_paging(("page",))
    emulator.clear_requests()
    with pytest.raises(ActiveCampaignPagingError, match="page 2 repeats rows"):
        ActiveCampaignListSubscribedContactsOperator(task_id="t").execute({})
    assert len(emulator.requests) == 2
