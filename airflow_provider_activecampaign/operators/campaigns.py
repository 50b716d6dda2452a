"""Campaigns: create and list them (legacy), get, delete and list them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pendulum

from airflow_provider_activecampaign.catalogue import Rule, compact, enum, ident, required, resource, text
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError
from airflow_provider_activecampaign.operators.generic import ActiveCampaignGetOperator, ActiveCampaignListOperator
from airflow_provider_activecampaign.operators.legacy import (
    LegacyListOperator,
    LegacyOperator,
    found_reply,
    id_list,
    legacy_datetime,
)
from airflow_provider_activecampaign.operators.retry_safe import find_created

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


CAMPAIGN_TYPES = ("single", "recurring", "split", "responder", "reminder", "special", "activerss", "text")


class ActiveCampaignLegacyCreateCampaignOperator(LegacyOperator):
    """Create a campaign, as a draft or scheduled to send (legacy ``campaign_create``).

    :param name: internal campaign name.
    :param list_ids: list id(s) to send to (``p[ID]``).
    :param message_id: the message to send (``m[ID]=100``); or ``message_split``
        ``{message id: percent}`` for a split campaign.
    :param campaign_type: single (default), recurring, split, responder, reminder, special, activerss, text.
    :param send_date: when to send (``sdate``; default now; unused for responder, reminder, special):
        a datetime or ISO 8601 text; a time without an offset is UTC. It is sent in the account's
        zone (the connection's extra ``timezone``, default America/Chicago), as the legacy API reads it.
    :param status: 0 draft (default), 1 scheduled.
    :param public: visible on the public side.
    :param track_links: all (default), mime, html, text, none.
    :param track_reads: tracking.
    :param track_replies: as ``track_reads``.
    :param analytics_campaign_name: Google Analytics campaign name.
    :param tweet: use the lists' Twitter/Facebook settings.
    :param facebook: as ``tweet``.
    :param segment_id: list segment (0: none).
    """

    changes = "campaign"
    rules = {
        "name": required(text()), "list_ids": Rule("any", required=True), "message_id": ident(),
        "message_split": Rule("dict"), "campaign_type": enum(*CAMPAIGN_TYPES, required=True),
        "send_date": Rule("date"), "status": enum(0, 1, required=True), "public": Rule("flag", required=True),
        "track_links": enum("all", "mime", "html", "text", "none", required=True),
        "track_reads": Rule("flag", required=True), "track_replies": Rule("flag", required=True),
        "analytics_campaign_name": text(), "tweet": Rule("flag"), "facebook": Rule("flag"),
        "segment_id": Rule("int", minimum=0, required=True),
    }

    def __init__(self, *, name: str, list_ids: int | str | Sequence[int | str], message_id: int | str | None = None,
                 message_split: Mapping[str, int] | None = None, campaign_type: str = "single",
                 send_date: Any = None, status: int = 0, public: bool = True, track_links: str = "all",
                 track_reads: bool = True, track_replies: bool = False, analytics_campaign_name: str | None = None,
                 tweet: bool | None = None, facebook: bool | None = None, segment_id: int = 0,
                 **kwargs: Any) -> None:
        fields = compact(name=name, list_ids=list_ids, message_id=message_id, message_split=message_split,
                         campaign_type=campaign_type, send_date=send_date, status=status, public=public,
                         track_links=track_links, track_reads=track_reads, track_replies=track_replies,
                         analytics_campaign_name=analytics_campaign_name, tweet=tweet, facebook=facebook,
                         segment_id=segment_id)
        super().__init__(fields=fields, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        if (values["message_id"] is None) == (values["message_split"] is None):
            raise ActiveCampaignInputError("message_id or message_split", "given (exactly one of them)")
        split = {values["message_id"]: 100} if values["message_split"] is None else values["message_split"]
        messages = {}
        for message, percent in split.items():
            message = ident(required=True).check(message, "message_split")
            messages[f"m[{message}]"] = Rule("int", minimum=0, maximum=100, required=True).check(
                percent, f"message_split.{message}")
        form = {
            "type": values["campaign_type"], "name": values["name"],
            "sdate": legacy_datetime(values["send_date"] or pendulum.now("UTC"), self.account_zone, "send_date"),
            "status": values["status"], "public": values["public"], "tracklinks": values["track_links"],
            "trackreads": values["track_reads"], "trackreplies": values["track_replies"],
            "segmentid": values["segment_id"],
            **{f"p[{list_id}]": list_id for list_id in id_list(values["list_ids"], "list_ids")},
            **messages,
        }
        form.update(compact(analytics_campaign_name=values["analytics_campaign_name"], tweet=values["tweet"],
                            facebook=values["facebook"]))
        return "campaign_create", None, form

    def looks_up(self, values: dict[str, Any]) -> bool:
        return True

    def find_done(self, values: dict[str, Any], since: Any) -> dict[str, Any] | None:
        campaign = find_created(self.hook, resource("campaign"), {"name": values["name"]}, since)
        return found_reply(campaign and {"id": campaign["id"]}, "Campaign saved")

class ActiveCampaignLegacyListCampaignsOperator(LegacyListOperator):
    """List campaigns (legacy ``campaign_list``, every page), with name, type and date filters.

    :param ids: only these campaign ids (default: all).
    :param name: name contains this.
    :param campaign_type: single, recurring, split, responder, ...
    :param created_since: created on or after (``filters[cdate_since_datetime]``).
    :param send_started_since: started sending on or after (``filters[sdate_since_datetime]``).
    :param last_sent_since: last sent on or after (``filters[ldate_since_datetime]``).
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    rules = {"ids": Rule("any"), "name": text(), "campaign_type": enum(*CAMPAIGN_TYPES),
             "created_since": Rule("date"), "send_started_since": Rule("date"), "last_sent_since": Rule("date")}
    what = "campaigns"

    def __init__(self, *, ids: str | Sequence[int | str] | None = None, name: str | None = None,
                 campaign_type: str | None = None, created_since: Any = None, send_started_since: Any = None,
                 last_sent_since: Any = None, limit: int | None = None, output_path: str | None = None,
                 **kwargs: Any) -> None:
        fields = compact(ids=ids, name=name, campaign_type=campaign_type, created_since=created_since,
                         send_started_since=send_started_since, last_sent_since=last_sent_since)
        super().__init__(fields=fields, limit=limit, output_path=output_path, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, dict[str, Any], None]:
        ids = values["ids"]
        ids = "all" if ids in (None, "all") else ",".join(id_list(ids, "ids"))
        params: dict[str, Any] = {"ids": ids, "full": 1}
        params.update(compact(**{"filters[name]": values["name"], "filters[type]": values["campaign_type"]}))
        for name, param in (("created_since", "cdate"), ("send_started_since", "sdate"),
                            ("last_sent_since", "ldate")):
            if values[name] is not None:
                params[f"filters[{param}_since_datetime]"] = legacy_datetime(values[name], self.account_zone, name)
        return "campaign_list", params, None


class ActiveCampaignGetCampaignOperator(ActiveCampaignGetOperator):
    """Get a campaign (``GET /campaigns/{id}``).

    :param campaign_id: the campaign's id (templated).
    """

    id_param = "campaign_id"

    def __init__(self, *, campaign_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="campaign", record_id=campaign_id, **kwargs)


class ActiveCampaignDeleteCampaignOperator(LegacyOperator):
    """Delete a campaign (legacy ``campaign_delete``; a failure is a 200 with ``result_code: 0``).

    :param campaign_id: the campaign's id (templated).
    """

    rules = {"campaign_id": ident(required=True)}

    def __init__(self, *, campaign_id: int | str, **kwargs: Any) -> None:
        super().__init__(fields={"campaign_id": campaign_id}, **kwargs)

    def perform(self, context: Context) -> dict[str, Any]:
        campaign_id = self.checked()["campaign_id"]
        self.hook.legacy("campaign_delete", params={"id": campaign_id}, method="GET")
        self.record_done("deleted", "campaign", campaign_id)
        return {"deleted": campaign_id, "resource": "campaign"}


class ActiveCampaignListCampaignsOperator(ActiveCampaignListOperator):
    """List campaigns (``GET /campaigns``, every page).

    :param automation_id: only the campaigns of this automation (``filters[seriesid]``).
    :param order_by: ``sdate`` (send date) or ``ldate`` (last send date).
    :param order: ASC or DESC.
    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, automation_id: int | str | None = None, order_by: str | None = None, order: str = "ASC",
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="campaign", filters=compact(automation_id=automation_id),
                         orders={order_by: order} if order_by else None, limit=limit, output_path=output_path,
                         **kwargs)
