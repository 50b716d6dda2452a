"""E-mail messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
)


class ActiveCampaignCreateMessageOperator(ActiveCampaignCreateOperator):
    """Create an e-mail message (``POST /messages``).

    :param from_name: sender name.
    :param from_email: sender e-mail.
    :param reply_to: reply-to e-mail.
    :param subject: subject line.
    :param html: the message body (HTML).
    :param text: plain-text body.
    :param preheader_text: preview text.
    :param name: internal name.
    :param extra_fields: other message fields, as the API names them (all templated).
    """

    parameters = {"from_name": "fromname", "from_email": "fromemail", "reply_to": "reply2", "subject": "subject",
                  "html": "html", "text": "text", "preheader_text": "preheader_text", "name": "name"}

    def __init__(self, *, from_name: str, from_email: str, reply_to: str, subject: str | None = None,
                 html: str | None = None, text: str | None = None, preheader_text: str | None = None,
                 name: str | None = None, extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"from_name": from_name, "from_email": from_email, "reply_to": reply_to,
                                "subject": subject, "html": html, "text": text, "preheader_text": preheader_text,
                                "name": name}, extra_fields)
        super().__init__(resource="message", body=body, **kwargs)


class ActiveCampaignUpdateMessageOperator(ActiveCampaignUpdateOperator):
    """Update a message (``PUT /messages/{id}``); only the given fields change.

    :param message_id: the message's id (templated); other parameters as
        :class:`ActiveCampaignCreateMessageOperator`.
    """

    id_param = "message_id"
    parameters = {"from_name": "fromname", "from_email": "fromemail", "reply_to": "reply2", "subject": "subject",
                  "html": "html", "text": "text", "preheader_text": "preheader_text", "name": "name"}

    def __init__(self, *, message_id: int | str, from_name: str | None = None, from_email: str | None = None,
                 reply_to: str | None = None, subject: str | None = None, html: str | None = None,
                 text: str | None = None, preheader_text: str | None = None, name: str | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"from_name": from_name, "from_email": from_email, "reply_to": reply_to,
                                "subject": subject, "html": html, "text": text, "preheader_text": preheader_text,
                                "name": name}, extra_fields)
        super().__init__(resource="message", record_id=message_id, body=body, **kwargs)


class ActiveCampaignDeleteMessageOperator(ActiveCampaignDeleteOperator):
    """Delete a message (``DELETE /messages/{id}``).

    :param message_id: the message's id (templated).
    """

    id_param = "message_id"

    def __init__(self, *, message_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="message", record_id=message_id, **kwargs)


class ActiveCampaignListMessagesOperator(ActiveCampaignListOperator):
    """List e-mail messages (``GET /messages``, every page).

    :param limit: at most this many.
    :param output_path: write JSON Lines there instead.
    """

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="message", limit=limit, output_path=output_path, **kwargs)
