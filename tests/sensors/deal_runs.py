"""Deals made at known times, for the Watch run-pattern tests (what each window must report)."""

from __future__ import annotations

from datetime import timedelta

import pendulum

HOUR = timedelta(hours=1)


def deals_every_six_hours(emulator, start, end) -> dict[str, pendulum.DateTime]:
    """title -> creation time."""
    made, when = {}, start
    while when < end:
        title = f"deal {when:%m-%d %H}h"
        emulator.insert("deals", title=title, value=100, currency="usd", cdate=when, mdate=when)
        made[title] = when
        when += 6 * HOUR
    return made


def between(made: dict, since, until) -> list[str]:
    """The titles of the deals made in ``[since, until)``, sorted."""
    return sorted(title for title, when in made.items() if since <= when < until)
