"""Event tracking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.catalogue import Rule
from airflow_provider_activecampaign.operators.base import ActiveCampaignBaseOperator
from airflow_provider_activecampaign.operators.generic import ActiveCampaignCreateOperator

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignCreateTrackingEventOperator(ActiveCampaignCreateOperator):
    """Create a tracking event, name only (``POST /eventTrackingEvents``).

    :param name: the event's name: letters, digits and spaces (templated).
    """

    parameters = {"name": "name"}

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        super().__init__(resource="eventTrackingEvent", body=self.named_body({"name": name}), **kwargs)


_ENABLED = Rule("bool", required=True)


class ActiveCampaignSetEventTrackingOperator(ActiveCampaignBaseOperator):
    """Enable or disable event tracking (``PUT /eventTracking``). Returns ``{"enabled": ...}``.

    :param enabled: true to enable, false to disable (templated).
    """

    template_fields: Sequence[str] = ("enabled",)

    def __init__(self, *, enabled: bool | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.enabled = enabled
        self.check_arguments(enabled=(_ENABLED, enabled))

    def perform(self, context: Context) -> Any:
        enabled = _ENABLED.check(self.enabled, "enabled")
        reply = self.hook.request("PUT", "eventTracking", json={"eventTracking": {"enabled": enabled}})
        self.record_done("updated", "eventTracking", None, detail=f"enabled={enabled}")
        return reply.get("eventTracking", reply) if isinstance(reply, dict) else reply
