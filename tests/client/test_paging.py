"""Paging through collections: offset and keyset, limits and de-duplication."""

from __future__ import annotations

import asyncio

from airflow_provider_activecampaign.client import Pager
from airflow_provider_activecampaign.hooks.activecampaign import ActiveCampaignAsyncHook, ActiveCampaignHook


def make_contacts(emulator, n: int) -> list[str]:
    return [emulator.insert("contacts", email=f"person{i}@example.com")["id"] for i in range(n)]


class TestPaging:
    def test_pages_through_more_than_250_records_exactly_once(self, emulator):
        ids = make_contacts(emulator, 257)
        emulator.clear_requests()
        got = [c["id"] for c in ActiveCampaignHook().paginate("contacts", "contacts")]
        assert got == ids
        assert len(emulator.requests) == 3  # 100 + 100 + 57, stops exactly at the end

    def test_keyset_paging_sees_records_inserted_meanwhile_without_duplicates(self, emulator):
        ids = make_contacts(emulator, 250)
        seen = []
        for n, contact in enumerate(ActiveCampaignHook().paginate("contacts", "contacts", keyset=True)):
            seen.append(contact["id"])
            if n == 50:
                ids += make_contacts(emulator, 30)
        assert seen == ids
        assert emulator.requests[0].query["orders[id]"] == ["asc"]

    def test_offset_paging_while_records_are_inserted_has_no_duplicates(self, emulator):
        ids = make_contacts(emulator, 230)
        seen = []
        for n, contact in enumerate(ActiveCampaignHook().paginate("contacts", "contacts")):
            seen.append(contact["id"])
            if n == 10:
                make_contacts(emulator, 5)
        assert len(seen) == len(set(seen))
        assert set(ids) <= set(seen)

    def test_limit_caps_the_records_and_the_requests(self, emulator):
        make_contacts(emulator, 150)
        emulator.clear_requests()
        got = list(ActiveCampaignHook().paginate("contacts", "contacts", limit=30))
        assert len(got) == 30
        assert emulator.requests[0].query["limit"] == ["30"]
        assert len(emulator.requests) == 1

    def test_meta_total_as_string_or_number_is_cast(self):
        for total in ("3", 3):
            pager = Pager("things", page_size=2)
            pager.next_params()
            pager.feed({"things": [{"id": "1"}, {"id": "2"}], "meta": {"total": total}})
            assert pager.total == 3
            params = pager.next_params()
            assert params["offset"] == 1  # one record of overlap proves nothing was skipped
            assert pager.feed({"things": [{"id": "2"}, {"id": "3"}], "meta": {"total": total}}) == [{"id": "3"}]
            assert pager.next_params() is None

    def test_keyset_total_counts_the_records_already_read(self, emulator):
        """With ``id_greater`` the API's meta.total is what is left, not the collection's size."""
        make_contacts(emulator, 250)
        pager = Pager("contacts", keyset=True)
        hook = ActiveCampaignHook()
        while (params := pager.next_params()) is not None:
            pager.feed(hook.request("GET", "contacts", params=params))
            assert pager.total == 250
        assert pager.count == 250 and pager.pages == 3

    def test_async_hook_pages_the_same_way(self, emulator):
        ids = make_contacts(emulator, 120)

        async def collect():
            async with ActiveCampaignAsyncHook() as hook:
                return [c["id"] async for c in hook.paginate("contacts", "contacts", keyset=True)]

        assert asyncio.run(collect()) == ids
