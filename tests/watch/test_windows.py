"""Which records a Watch sensor reports: windows, timestamps, edges and de-duplication.

Pure logic of ``windows.py`` (no HTTP): the sensors and the trigger both call it, so these
rows are the specification of what "created/updated in the window" means.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import lazy_object_proxy
import pendulum
import pytest

from airflow_provider_activecampaign.catalogue import resource
from airflow_provider_activecampaign.client.date_filters import READINGS, DateFilters, read_bound
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignInputError,
    ActiveCampaignPagingError,
    error_context,
)
from airflow_provider_activecampaign.watch import (
    WatchSearch,
    Window,
    parse_timestamp,
    record_time,
    resolve_window,
)

UTC = timezone.utc
DAY = pendulum.datetime(2026, 3, 10, tz="UTC")  # a logical date (midnight UTC)


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


def point(logical: datetime, prev_end: datetime | None = None, *, lazy: bool = False) -> dict:
    """The context of a CronTriggerTimetable run: the data interval is the logical date itself."""
    prev = lazy_object_proxy.Proxy(lambda: prev_end) if lazy else prev_end
    return {"logical_date": logical, "data_interval_start": logical, "data_interval_end": logical,
            "prev_data_interval_end_success": prev}


# --------------------------------------------------------------------------- windows from contexts


class TestResolveWindow:
    def test_point_interval_runs_from_the_previous_successful_run_to_the_logical_date(self):
        window = resolve_window(point(DAY, prev_end=DAY - timedelta(hours=6)))
        assert window == Window(utc(2026, 3, 9, 18), DAY)

    def test_airflow_hands_out_the_previous_run_as_a_lazy_proxy(self):
        assert resolve_window(point(DAY, DAY - timedelta(days=2), lazy=True)).since == utc(2026, 3, 8)
        # a proxy wrapping None (no previous success) is a first run, although the proxy itself is not None
        assert resolve_window(point(DAY, None, lazy=True)).since == DAY - timedelta(days=1)

    def test_first_run_of_a_point_interval_looks_back_one_day_by_default(self):
        assert resolve_window(point(DAY)) == Window(utc(2026, 3, 9), DAY)

    def test_first_run_lookback_is_configurable(self):
        assert resolve_window(point(DAY), lookback=timedelta(hours=2)).since == utc(2026, 3, 9, 22)
        assert resolve_window(point(DAY), lookback=900).since == utc(2026, 3, 9, 23, 45)

    def test_a_previous_run_later_than_this_one_is_ignored(self):
        # e.g. a backfill of an older date after newer runs succeeded
        assert resolve_window(point(DAY, prev_end=DAY + timedelta(days=3))).since == utc(2026, 3, 9)

    def test_real_interval_is_the_data_interval(self):
        context = {"logical_date": utc(2026, 3, 9), "data_interval_start": utc(2026, 3, 9),
                   "data_interval_end": DAY, "prev_data_interval_end_success": utc(2026, 3, 1)}
        assert resolve_window(context) == Window(utc(2026, 3, 9), DAY)

    def test_context_times_in_another_zone_are_compared_in_utc(self):
        paris = pendulum.datetime(2026, 3, 10, 1, tz="Europe/Paris")  # 00:00 UTC
        window = resolve_window({"data_interval_start": paris.subtract(days=1), "data_interval_end": paris})
        assert window == Window(utc(2026, 3, 9), DAY)
        assert window.since.tzinfo is not None and window.since.utcoffset() == timedelta(0)

    def test_explicit_since_and_until_win_over_the_context(self):
        window = resolve_window(point(DAY), since="2026-01-01T08:00:00+02:00", until="2026-01-02")
        assert window == Window(utc(2026, 1, 1, 6), utc(2026, 1, 2))

    @pytest.mark.parametrize("since", [
        "2026-03-09T12:00:00", "2026-03-09 12:00", datetime(2026, 3, 9, 12), "2026-03-09T07:00:00-05:00",
        pendulum.datetime(2026, 3, 9, 13, tz="Europe/Paris"),
    ])
    def test_since_in_any_form_pendulum_parses_and_naive_means_utc(self, since):
        assert resolve_window(point(DAY), since=since).since == utc(2026, 3, 9, 12)

    def test_only_one_bound_given_keeps_the_default_other(self):
        assert resolve_window(point(DAY), until="2026-03-09T12:00:00Z") == Window(utc(2026, 3, 9), utc(2026, 3, 9, 12))
        assert resolve_window(point(DAY), since="", until=None) == Window(utc(2026, 3, 9), DAY)

    def test_no_logical_date_anchors_at_the_runs_run_after(self):
        context = {"logical_date": None, "data_interval_start": None, "data_interval_end": None,
                   "dag_run": SimpleNamespace(run_after=utc(2026, 3, 10, 15))}
        assert resolve_window(context) == Window(utc(2026, 3, 9, 15), utc(2026, 3, 10, 15))

    @pytest.mark.parametrize(("since", "until", "field"), [
        ("2026-03-10", "2026-03-10", "since"),
        ("2026-03-11", "2026-03-10", "since"),
        ("not a date", None, "since"),
        (None, "tomorrow-ish", "until"),
    ])
    def test_bad_windows_are_refused_naming_the_field(self, since, until, field):
        with (pytest.raises(ActiveCampaignInputError, match=f"'{field}'") as caught,
              error_context("MySensor(task_id='w')")):
            resolve_window(point(DAY), since=since, until=until)
        assert str(caught.value).startswith(f"MySensor(task_id='w'): field '{field}' must be ")

    def test_lookback_must_be_a_positive_duration(self):
        with pytest.raises(ActiveCampaignInputError, match="'lookback'"):
            resolve_window(point(DAY), lookback=timedelta(0))


# --------------------------------------------------------------------------- timestamps


class TestParseTimestamp:
    @pytest.mark.parametrize(("text", "expected"), [
        ("2018-09-12T16:53:50-05:00", utc(2018, 9, 12, 21, 53, 50)),  # the API's usual form (US Central)
        ("2018-09-12T21:53:50Z", utc(2018, 9, 12, 21, 53, 50)),
        ("2018-09-12T23:53:50.250+02:00", utc(2018, 9, 12, 21, 53, 50).add(microseconds=250000)),
    ])
    def test_timestamps_with_an_offset_are_that_instant(self, text, expected):
        assert parse_timestamp(text) == expected

    @pytest.mark.parametrize(("text", "expected"), [
        ("2019-11-22 14:15:37", utc(2019, 11, 22, 20, 15, 37)),  # winter: CST, UTC-6
        ("2019-07-22 14:15:37", utc(2019, 7, 22, 19, 15, 37)),  # summer: CDT, UTC-5
        ("2019-11-22", utc(2019, 11, 22, 6)),  # a bare date: midnight in Central
        ("2024-11-03 01:30:00", utc(2024, 11, 3, 6, 30)),  # the repeated autumn hour: the first (CDT) reading
    ])
    def test_timestamps_without_offset_are_us_central_wall_time(self, text, expected):
        assert parse_timestamp(text) == expected

    def test_the_assumed_zone_can_be_given(self):
        assert parse_timestamp("2019-11-22 14:15:37", assume=UTC) == utc(2019, 11, 22, 14, 15, 37)
        assert parse_timestamp(datetime(2019, 11, 22, 14, 15, 37), assume=UTC) == utc(2019, 11, 22, 14, 15, 37)

    @pytest.mark.parametrize("value", [None, "", "  ", "0000-00-00 00:00:00", "0000-00-00", "0000-00-00T00:00:00-05:00",
                                       "never", "12:30", False])
    def test_absent_zero_and_unreadable_dates_are_none(self, value):
        assert parse_timestamp(value) is None

    def test_results_are_aware_utc(self):
        when = parse_timestamp("2018-09-12T16:53:50-05:00")
        assert isinstance(when, pendulum.DateTime) and when.utcoffset() == timedelta(0)

    def test_utc_named_fields_without_offset_are_utc(self):
        spec = resource("contact")
        fake = type(spec)("x", "xs", "x", "xs", created="created_utc_timestamp", updated=None)
        assert record_time({"created_utc_timestamp": "2019-11-22 14:15:37"}, fake, "created") == utc(2019, 11, 22, 14,
                                                                                                     15, 37)


class TestRecordTime:
    deal = resource("deal")  # cdate / mdate

    def test_created_reads_the_create_field(self):
        rec = {"cdate": "2026-03-09T10:00:00-05:00", "mdate": "2026-03-09T12:00:00-05:00"}
        assert record_time(rec, self.deal, "created") == utc(2026, 3, 9, 15)
        assert record_time(rec, self.deal, "updated") == utc(2026, 3, 9, 17)

    @pytest.mark.parametrize("mdate", [None, "", "0000-00-00 00:00:00", "garbage", "missing"])
    def test_an_update_field_that_is_null_or_zero_falls_back_to_the_create_field(self, mdate):
        rec = {"cdate": "2026-03-09T10:00:00-05:00"}
        if mdate != "missing":
            rec["mdate"] = mdate
        assert record_time(rec, self.deal, "updated") == utc(2026, 3, 9, 15)

    def test_resources_without_an_update_field_use_the_create_field(self):
        assert record_time({"cdate": "2026-03-09T10:00:00-05:00"}, resource("tag"), "updated") == utc(2026, 3, 9, 15)

    def test_contact_automations_use_adddate_and_lastdate(self):
        rec = {"adddate": "2026-03-09T10:00:00-05:00", "lastdate": "2026-03-09T11:00:00-05:00"}
        assert record_time(rec, resource("contactAutomation"), "created") == utc(2026, 3, 9, 15)
        assert record_time(rec, resource("contactAutomation"), "updated") == utc(2026, 3, 9, 16)


# --------------------------------------------------------------------------- what counts


WINDOW = Window(utc(2026, 3, 9), utc(2026, 3, 10))


def deal(rid: str, cdate: datetime, mdate: datetime | None = None, **extra) -> dict:
    central = pendulum.timezone("America/Chicago")
    return {"id": rid, "cdate": cdate.astimezone(central).isoformat(),
            "mdate": (mdate or cdate).astimezone(central).isoformat(), **extra}


class TestWhatCounts:
    def test_a_record_at_exactly_since_is_in_and_at_exactly_until_is_out(self):
        search = WatchSearch("deal", WINDOW)
        assert search.matches(deal("1", WINDOW.since))
        assert search.matches(deal("2", WINDOW.until - timedelta(seconds=1)))
        assert not search.matches(deal("3", WINDOW.until))
        assert not search.matches(deal("4", WINDOW.since - timedelta(seconds=1)))

    def test_an_update_inside_the_window_of_a_record_created_before_counts_only_for_updated(self):
        old = deal("1", utc(2026, 3, 1), mdate=utc(2026, 3, 9, 12))
        assert WatchSearch("deal", WINDOW, "updated").matches(old)
        assert not WatchSearch("deal", WINDOW, "created").matches(old)

    def test_a_record_created_in_the_window_and_never_changed_counts_for_updated_too(self):
        assert WatchSearch("deal", WINDOW, "updated").matches({"id": "1", "cdate": "2026-03-09T01:00:00Z",
                                                                "mdate": None})

    def test_records_without_a_readable_timestamp_never_count(self):
        search = WatchSearch("deal", WINDOW)
        assert not search.matches({"id": "1", "cdate": "0000-00-00 00:00:00"})
        assert not search.matches({"id": "2"})
        assert not search.matches("not a record")

    def test_offset_less_timestamps_are_placed_in_central_time(self):
        # 2026-03-09 23:30 Central (CDT since March 8) is 2026-03-10 04:30 UTC: after the window
        assert not WatchSearch("deal", WINDOW).matches({"id": "1", "cdate": "2026-03-09 23:30:00"})
        assert WatchSearch("deal", WINDOW).matches({"id": "1", "cdate": "2026-03-09 18:30:00"})

    def test_select_deduplicates_by_id_keeping_the_latest_change_in_id_order(self):
        search = WatchSearch("deal", WINDOW, "updated")
        first = deal("10", utc(2026, 3, 9, 1), mdate=utc(2026, 3, 9, 2), title="old")
        later = deal("10", utc(2026, 3, 9, 1), mdate=utc(2026, 3, 9, 5), title="new")
        other = deal("9", utc(2026, 3, 9, 3))
        outside = deal("11", utc(2026, 3, 12))
        selected = search.select([later, other, first, outside, other])
        assert [(r["id"], r.get("title")) for r in selected] == [("9", None), ("10", "new")]


# --------------------------------------------------------------------------- the query


class TestSearchParams:
    def test_contacts_and_deals_use_the_apis_date_filters_widened_when_the_reading_is_unknown(self):
        params = WatchSearch("deal", WINDOW, "created", {"stage": 3}).params()
        assert set(params) == {"filters[stage]", "filters[created_after]", "filters[created_before]",
                               "orders[cdate]"}  # newest first: the read stops past the window
        assert params["orders[cdate]"].upper() == "DESC"
        zone = ZoneInfo("America/Chicago")
        for reading in READINGS:  # whichever way the API reads them, the bounds hold the window, within a day
            after = read_bound(reading, params["filters[created_after]"], zone)
            before = read_bound(reading, params["filters[created_before]"], zone)
            assert WINDOW.since - timedelta(days=1) < after <= WINDOW.since
            assert WINDOW.until <= before < WINDOW.until + timedelta(days=1)
        updated = WatchSearch("contact", WINDOW, "updated", {"list_id": "2"}).params()
        assert set(updated) == {"listid", "filters[updated_after]", "filters[updated_before]"}

    def test_a_known_reading_asks_for_the_window_itself(self):
        params = WatchSearch("deal", WINDOW, "created").params(DateFilters(frozenset({"offset"})))
        assert params == {"filters[created_after]": WINDOW.since.isoformat(),
                          "filters[created_before]": WINDOW.until.isoformat()}

    def test_created_is_read_newest_first_only_when_the_filters_reach_before_the_window(self):
        exact, dates_only = DateFilters(frozenset({"offset"})), DateFilters(frozenset({"date"}))
        assert not WatchSearch("deal", WINDOW, "created").newest_first(exact)
        assert WatchSearch("deal", WINDOW, "created").newest_first(dates_only)
        assert WatchSearch("contact", WINDOW, "created").newest_first(dates_only)
        assert not WatchSearch("deal", WINDOW, "updated").newest_first(dates_only)  # no order by update date
        assert not WatchSearch("dealTask", WINDOW, "created").newest_first(dates_only)  # no server-side dates

    @pytest.mark.parametrize(("name", "path"), [("dealTask", "dealTasks"), ("calendar", "calendars")])
    def test_resources_without_date_filters_are_read_whole_and_filtered_here(self, name, path):
        search = WatchSearch(name, WINDOW)
        assert search.params() == {} and search.path == path and not search.server_window

    def test_contact_automations_of_one_contact_are_a_sub_collection(self):
        search = WatchSearch("contactAutomation", WINDOW, parent_id=7)
        assert search.path == "contacts/7/contactAutomations" and search.envelope == "contactAutomations"
        assert search.params() == {}

    def test_contacts_page_by_id_with_keyset(self):
        assert WatchSearch("contact", WINDOW).keyset and not WatchSearch("deal", WINDOW).keyset

    @pytest.mark.parametrize(("kwargs", "field"), [
        ({"filters": {"created_after": "2026-01-01"}}, "filters.created_after"),
        ({"filters": {"colour": "red"}}, "filters.colour"),
        ({"filters": {"stage": "abc"}}, "filters.stage"),
        ({"watch": "deleted"}, "watch"),
        ({"parent_id": "5"}, "parent_id"),
    ])
    def test_bad_input_is_refused_before_any_request(self, kwargs, field):
        with pytest.raises(ActiveCampaignInputError, match=f"'{field}'"):
            WatchSearch("deal", WINDOW, **kwargs)

    def test_unknown_and_unlistable_resources_are_refused(self):
        with pytest.raises(ActiveCampaignInputError, match="'resource'"):
            WatchSearch("unicorn", WINDOW)
        with pytest.raises(ActiveCampaignInputError, match="list"):
            WatchSearch("contactTag", WINDOW)

    def test_empty_and_none_filters_are_left_out(self):
        assert WatchSearch("deal", WINDOW, filters={"title": "", "stage": None}).filters == {}

    def test_to_kwargs_is_json_and_rebuilds_an_equal_search(self):
        search = WatchSearch("dealTask", WINDOW, "updated", {"deal": 4, "status": "1", "due_date": "2026-03-20"})
        kwargs = json.loads(json.dumps(search.to_kwargs()))
        assert kwargs["since"] == "2026-03-09T00:00:00+00:00" and kwargs["filters"]["deal"] == "4"
        assert WatchSearch.from_kwargs(**kwargs) == search


class TestSettle:
    def test_settle_moves_both_derived_bounds_so_windows_still_meet(self):
        first = resolve_window(point(DAY, DAY - timedelta(days=1)), settle=timedelta(minutes=10))
        second = resolve_window(point(DAY + timedelta(days=1), DAY), settle=600)
        assert first == Window(DAY - timedelta(days=1, minutes=10), DAY - timedelta(minutes=10))
        assert second.since == first.until

    def test_explicit_bounds_are_not_moved(self):
        window = resolve_window({}, since="2026-03-09", until="2026-03-10", settle=timedelta(hours=1))
        assert window == Window(utc(2026, 3, 9), DAY)

    @pytest.mark.parametrize("settle", [-1, timedelta(seconds=-5), "10m", True])
    def test_settle_must_be_a_duration_of_zero_or_more(self, settle):
        with pytest.raises(ActiveCampaignInputError, match="'settle'"):
            resolve_window(point(DAY), settle=settle)


def test_a_newest_first_read_refuses_records_out_of_order():
    """A server that ignored ``orders[cdate]=DESC`` would make the read stop early and lose records."""
    search = WatchSearch("deal", WINDOW, "created")
    inside, older = (WINDOW.since + timedelta(hours=n) for n in (2, 1))
    records = [{"id": "2", "cdate": inside.isoformat()}, {"id": "1", "cdate": older.isoformat()},
               {"id": "3", "cdate": (WINDOW.since + timedelta(hours=3)).isoformat()}]
    with pytest.raises(ActiveCampaignPagingError, match="not newest first"):
        list(search._until_past(records))
    assert [r["id"] for r in search._until_past(records[:2])] == ["2", "1"]
