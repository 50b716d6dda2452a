"""Calendar feeds."""

from __future__ import annotations

from typing import Any

from airflow_provider_activecampaign.operators.generic import ActiveCampaignDeleteOperator, UpsertOperator


class ActiveCampaignUpsertCalendarFeedOperator(UpsertOperator):
    """Create a calendar feed (``POST /calendars``), or update one (``PUT /calendars/{id}``).

    Creating needs ``title`` and ``feed_type``. Returns the feed.

    :param calendar_id: the feed to update; None creates a feed (templated; rendering ``"None"`` is an error).
    :param title: the feed's title.
    :param feed_type: ``All``, ``Deals`` or ``Contacts``.
    :param notification: whether the feed has notifications.
    """

    id_param = "calendar_id"
    parameters = {"title": "title", "feed_type": "type", "notification": "notification"}

    def __init__(self, *, calendar_id: int | str | None = None, title: str | None = None,
                 feed_type: str | None = None, notification: bool | None = None, **kwargs: Any) -> None:
        body = self.named_body({"title": title, "feed_type": feed_type, "notification": notification})
        super().__init__(resource="calendar", body=body, record_id=calendar_id, **kwargs)


class ActiveCampaignDeleteCalendarFeedOperator(ActiveCampaignDeleteOperator):
    """Delete a calendar feed (``DELETE /calendars/{id}``).

    :param calendar_id: the feed's id (templated).
    """

    id_param = "calendar_id"

    def __init__(self, *, calendar_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="calendar", record_id=calendar_id, **kwargs)
