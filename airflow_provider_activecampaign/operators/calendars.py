"""Calendar feeds."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign.catalogue import compact
from airflow_provider_activecampaign.operators.base import flag
from airflow_provider_activecampaign.operators.generic import ActiveCampaignDeleteOperator, UpsertOperator


class ActiveCampaignUpsertCalendarFeedOperator(UpsertOperator):
    """Create a calendar feed (``POST /calendars``), or update one (``PUT /calendars/{id}``).

    Creating needs ``title`` and ``feed_type``. Returns the feed.

    :param calendar_id: the feed to update; none creates a feed (templated).
    :param title: the feed's title.
    :param feed_type: ``All``, ``Deals`` or ``Contacts``.
    :param notification: whether the feed has notifications.
    """

    def __init__(self, *, calendar_id: int | str | None = None, title: str | None = None,
                 feed_type: str | None = None, notification: bool | None = None, **kwargs: Any) -> None:
        body = compact(title=title, type=feed_type, notification=flag(notification))
        super().__init__(resource="calendar", body=body, record_id=calendar_id, **kwargs)


class ActiveCampaignDeleteCalendarFeedOperator(ActiveCampaignDeleteOperator):
    """Delete a calendar feed (``DELETE /calendars/{id}``).

    :param calendar_id: the feed's id (templated).
    """

    def __init__(self, *, calendar_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="calendar", record_id=calendar_id, **kwargs)
