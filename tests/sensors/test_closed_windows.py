"""A Watch window that is already over ends at once with what it has; a failed first run's window is read again."""

from __future__ import annotations

import json
from datetime import timedelta

import pendulum
import pytest

from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor
from airflow_provider_activecampaign.watch.watermark import Watermark
from airflow_provider_activecampaign.watch.windows import Window

LOGICAL = pendulum.now("UTC").start_of("hour") - timedelta(days=2)


def context() -> dict:
    return {"logical_date": LOGICAL, "data_interval_start": LOGICAL, "data_interval_end": LOGICAL,
            "prev_data_interval_end_success": None, "params": {}}


@pytest.mark.parametrize("deferrable", [False, True])
def test_a_closed_empty_window_ends_at_once(emulator, deferrable):
    from airflow_provider_activecampaign.client.date_filters import DateFilters, remember

    remember(emulator.url, DateFilters(frozenset({emulator.date_filters})))  # no probe among the counted reads
    sensor = ActiveCampaignWatchDealsSensor(task_id="w", deferrable=deferrable, poke_interval=60, timeout=3600)
    assert sensor.execute(context()) == []  # no deferral, no waiting for the timeout
    assert sum(1 for r in emulator.requests if r.path == "/api/3/deals") == 1


def test_a_closed_window_with_records_below_min_records_ends_with_them(emulator):
    when = LOGICAL - timedelta(hours=3)
    emulator.insert("deals", title="only", value=1, currency="usd", cdate=when, mdate=when)
    sensor = ActiveCampaignWatchDealsSensor(task_id="w", deferrable=False, min_records=5, poke_interval=60)
    assert [d["title"] for d in sensor.execute(context())] == ["only"]


def test_an_open_window_still_waits(emulator):
    from airflow.providers.common.compat.sdk import TaskDeferred

    now = pendulum.now("UTC")
    sensor = ActiveCampaignWatchDealsSensor(task_id="w", deferrable=True, since=now - timedelta(hours=1),
                                            until=now + timedelta(hours=1))
    with pytest.raises(TaskDeferred):
        sensor.execute(context())


def test_wait_when_closed_keeps_waiting(emulator):
    from airflow.providers.common.compat.sdk import TaskDeferred

    sensor = ActiveCampaignWatchDealsSensor(task_id="w", deferrable=True, wait_when_closed=True)
    with pytest.raises(TaskDeferred):
        sensor.execute(context())


class FakeVariables:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, key, default=None):
        return self.values.get(key, default)

    def set(self, key, value, description=None):
        self.values[key] = value


def test_a_failed_first_runs_window_is_read_again(monkeypatch):
    import airflow.providers.common.compat.sdk as sdk

    variables = FakeVariables()
    monkeypatch.setattr(sdk, "Variable", variables)
    states = {"first": "failed"}

    def ctx(run_id: str) -> dict:
        ti = type("TI", (), {"get_dagrun_state": staticmethod(lambda dag_id, rid: states[rid])})()
        dag_run = type("DR", (), {"dag_id": "d"})()
        return {"run_id": run_id, "dag_run": dag_run, "ti": ti}

    day = pendulum.datetime(2026, 1, 1, tz="UTC")
    first = Watermark("k", ctx("first")).claim(Window(day - timedelta(days=1), day))
    assert first.since == day - timedelta(days=1)
    # the first run failed; the next run's own window would start at its lookback (day) only
    second = Watermark("k", ctx("second")).claim(Window(day, day + timedelta(days=1)))
    assert second.since == first.since  # the failed run's window is read again
    assert json.loads(variables.values["k"])["claim"]["run_id"] == "second"


def test_two_tasks_of_one_dag_run_sharing_a_watermark_key_never_take_each_others_claim(monkeypatch):
    """The claim names its task: another task of the same run waits for it, then has nothing new."""
    import airflow.providers.common.compat.sdk as sdk

    from airflow_provider_activecampaign.watch.claims import WatermarkBusy, tasks_key

    variables = FakeVariables()
    variables.delete = lambda key: variables.values.pop(key, None)
    monkeypatch.setattr(sdk, "Variable", variables)
    states = {"a": "running", "b": "running"}

    def ctx(task_id: str) -> dict:
        ti = type("TI", (), {"dag_id": "d", "task_id": task_id, "map_index": -1,
                             "get_dagrun_state": staticmethod(lambda dag_id, rid: "running"),
                             "get_task_states": staticmethod(lambda dag_id, task_ids, run_ids=None: {
                                 "r": {t: states[t] for t in task_ids}})})()
        return {"run_id": "r", "dag_run": type("DR", (), {"dag_id": "d"})(), "ti": ti}

    day = pendulum.datetime(2026, 1, 1, tz="UTC")
    window = Window(day - timedelta(days=1), day)
    a = Watermark("k", ctx("a"))
    assert a.claim(window) == window
    a.delivered()
    with pytest.raises(WatermarkBusy, match="still holds"):  # a still runs: b may not take its window
        Watermark("k", ctx("b")).claim(window)
    states["a"] = "success"
    assert Watermark("k", ctx("b")).claim(window) is None  # a's window is the watermark now: nothing new
    assert json.loads(variables.values["k"])["watermark"] == window.iso()[1]
    if not hasattr(sdk.Variable, "keys"):  # Airflow 3.0-3.2: both tasks listed
        assert json.loads(variables.values[tasks_key("k")]) == [["d", "a"], ["d", "b"]]
