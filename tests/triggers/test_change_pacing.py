"""The room a change stream keeps for events waiting to be stored, adapted to how long storing takes."""

from __future__ import annotations

import pytest

from airflow_provider_activecampaign.triggers import change_pacing
from airflow_provider_activecampaign.triggers.change_pacing import Pacing, RoundTrips, confirmation_target


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def emit(pacing: Pacing, count: int, assets: int) -> int:
    """Emit while there is room, at most ``count``: how many went out."""
    sent = 0
    while sent < count and not pacing.full(assets):
        pacing.emitted()
        sent += 1
    return sent


def test_the_room_is_in_asset_events_and_at_most_100_changes():
    pacing = Pacing("s", target=5.0, trips=RoundTrips())
    assert pacing.limit == change_pacing.START_ASSET_EVENTS == 200
    assert pacing.room(33) == 6 and pacing.room(1) == 100 and pacing.room(0) == 100
    assert pacing.room(1000) == 1  # always room for one change


def confirm_once(pacing: Pacing, clock: Clock, took: float, assets: int = 10) -> None:
    """One event emitted and confirmed ``took`` seconds later."""
    pacing.emitted()
    clock.now += took
    pacing.confirmed(1, assets)


def test_a_slow_confirmation_halves_the_room_once_per_round_trip():
    clock = Clock()
    pacing = Pacing("s", target=5.0, clock=clock, trips=RoundTrips())
    confirm_once(pacing, clock, 1.0)  # the round trip's own time
    assert emit(pacing, 50, assets=10) == 20
    clock.now += 7.0
    pacing.confirmed(10, assets=10)  # 6 s more than the quickest: halved
    assert pacing.limit == 100
    pacing.confirmed(10, assets=10)  # the same slow pass: not halved again
    assert pacing.limit == 100 and pacing.unstored == 0
    assert emit(pacing, 50, assets=10) == 10
    clock.now += 7.0
    pacing.confirmed(10, assets=10)  # emitted after the cut, slow again
    assert pacing.limit == 50
    for _ in range(10):
        emit(pacing, 50, assets=10)
        clock.now += 9.0
        pacing.confirmed(10, assets=10)
    assert pacing.limit == 10 and pacing.room(10) == 1  # never below one change


def test_a_round_trip_slow_for_every_event_is_not_taken_for_a_long_pass():
    """A busy triggerer confirms even one event in 5 s: what counts is the time beyond that."""
    clock = Clock()
    pacing = Pacing("s", target=5.0, clock=clock, trips=RoundTrips())
    confirm_once(pacing, clock, 5.0)
    emit(pacing, 50, assets=10)
    clock.now += 9.0
    pacing.confirmed(20, assets=10)
    assert pacing.limit == 250  # 4 s beyond the quickest: grown (old code: halved, 9 s > 5 s)
    emit(pacing, 50, assets=10)
    clock.now += 11.0
    pacing.confirmed(25, assets=10)
    assert pacing.limit == 125  # 6 s beyond it: halved
    clock.now += change_pacing.BASE_WINDOW
    confirm_once(pacing, clock, 12.0)  # the quick one is 5 min old: 12 s is the round trip now
    assert pacing.limit == 125


def test_a_stream_measures_its_confirmations_against_the_quickest_of_every_stream_of_the_triggerer():
    """A stream whose first confirmation came at a busy moment still sees its 12 s as slow."""
    clock, trips = Clock(), RoundTrips()
    quick, late = Pacing("quick", target=5.0, clock=clock, trips=trips), Pacing("late", 5.0, clock, trips)
    confirm_once(quick, clock, 2.0)
    confirm_once(late, clock, 12.0)
    assert late.limit == 100  # old code: its own quickest (12 s) was the round trip, kept 200
    assert quick.limit == 200


def test_a_prompt_confirmation_grows_the_room_only_when_the_stream_waited_for_it():
    clock = Clock()
    pacing = Pacing("s", target=5.0, clock=clock, trips=RoundTrips())
    confirm_once(pacing, clock, 1.0)
    emit(pacing, 3, assets=10)  # room to spare
    clock.now += 1.0
    pacing.confirmed(3, assets=10)
    assert pacing.limit == 200  # the room was not what held the stream back
    assert emit(pacing, 50, assets=10) == 20  # full: it waited
    clock.now += 2.0
    pacing.confirmed(20, assets=10)
    assert pacing.limit == 250
    emit(pacing, 50, assets=10)
    clock.now += 5.5  # 4.5 s beyond the quickest, within the target: grows (before: only within half of it)
    pacing.confirmed(25, assets=10)
    assert pacing.limit == 312
    for _ in range(40):
        emit(pacing, 500, assets=10)
        clock.now += 1.0
        pacing.confirmed(500, assets=10)
    assert pacing.limit == 1000 and pacing.room(10) == 100  # at most 100 changes


def test_a_checkpoint_confirmed_at_once_is_not_taken_for_the_round_trip():
    """A quiet stream's checkpoint has nothing to store: its confirmation says nothing of storing."""
    clock = Clock()
    pacing = Pacing("s", target=5.0, clock=clock, trips=RoundTrips())
    pacing.emitted(change=False)
    clock.now += 0.01
    pacing.confirmed(1, assets=10)
    confirm_once(pacing, clock, 4.0)
    emit(pacing, 50, assets=10)
    clock.now += 8.0
    pacing.confirmed(20, assets=10)
    assert pacing.limit == 250  # 4 s beyond the quickest change (old code: 8 s beyond the checkpoint, halved)
    assert pacing.unstored == 0


def test_a_confirmation_of_nothing_emitted_changes_nothing():
    pacing = Pacing("s", target=5.0, trips=RoundTrips())
    pacing.confirmed(3, assets=10)
    assert pacing.limit == 200 and pacing.unstored == 0


@pytest.mark.parametrize(("threshold", "ack", "target"), [("30", "300", 10.0), ("12", "300", 4.0),
                                                          ("30", "6", 2.0), ("1", "300", 1.0)])
def test_the_target_is_a_third_of_the_heartbeat_threshold_or_the_ack_timeout(monkeypatch, threshold, ack, target):
    monkeypatch.setenv("AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD", threshold)
    monkeypatch.setenv("AIRFLOW__TRIGGERER__SHARED_STREAM_ACK_TIMEOUT", ack)
    assert confirmation_target() == target
