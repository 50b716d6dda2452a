"""Contact tags: add and remove them by id or by name (v3), or by name (legacy)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_activecampaign.catalogue import Rule, enum, ident, required, resource, text
from airflow_provider_activecampaign.catalogue.resources import is_literal, sub_collection
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, error_context
from airflow_provider_activecampaign.operators.base import delete_once
from airflow_provider_activecampaign.operators.generic import ActiveCampaignCreateOperator, ActiveCampaignDeleteOperator
from airflow_provider_activecampaign.operators.legacy import LegacyOperator, legacy_tags

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignAddTagToContactOperator(ActiveCampaignCreateOperator):
    """Add a tag to a contact (``POST /contactTags``), by tag id or by tag name; returns the contactTag record.

    A name is looked up first (``GET /tags?search=``, compared case-insensitively); a name no tag
    has is an error (create the tag with :class:`ActiveCampaignCreateOperator` and ``resource="tag"``).
    A retried task finds the link an earlier attempt made instead of adding it again.

    :param contact_id: the contact's id (templated).
    :param tag_id: the tag's id (templated); or give ``tag``.
    :param tag: the tag's name (templated); or give ``tag_id``.
    """

    parameters = {"contact_id": "contact", "tag_id": "tag"}
    template_fields: Sequence[str] = ("resource", "body", "tag")

    def __init__(self, *, contact_id: int | str, tag_id: int | str | None = None, tag: str | None = None,
                 **kwargs: Any) -> None:
        self.tag = tag
        self.checks_create_body = tag is None  # with a name, the body gets its tag id when the task runs
        body = self.named_body({"contact_id": contact_id, "tag_id": tag_id})
        super().__init__(resource="contactTag", body=body, **kwargs)
        if is_literal(tag_id) and is_literal(tag):
            with error_context(self.where):
                _one_tag(tag_id, tag)
        if tag is not None and is_literal(contact_id):
            self.check_arguments(contact_id=(ident(required=True), contact_id))

    def perform(self, context: Context) -> Any:
        name = _one_tag(self.body.get("tag"), self.tag)
        if name is not None:
            ident(required=True).check(self.body.get("contact"), "contact_id")
            ids = tag_ids_named(self.hook, name)
            if len(ids) > 1:
                raise ActiveCampaignInputError("tag", f"the name of one tag ({len(ids)} tags are named so: "
                                               f"ids {', '.join(ids)}; give tag_id)", name)
            self.body = {**self.body, "tag": ids[0]}
        return super().perform(context)


def _one_tag(tag_id: Any, tag: Any) -> str | None:
    """The tag name when ``tag`` is given (checked), None when ``tag_id`` is; exactly one of them."""
    if (tag_id in (None, "")) == (tag in (None, "")):
        raise ActiveCampaignInputError("tag_id or tag", "given (exactly one of them)")
    return None if tag in (None, "") else tag_name(tag, "tag")


def tag_name(value: Any, name: str) -> str:
    """A tag name: text on one line (a line break would make another tag, or none)."""
    checked = text(required=True).check(value, name)
    if not isinstance(checked, str) or re.search(r"[\x00-\x1f\x7f]", checked):
        raise ActiveCampaignInputError(name, "a tag name on one line (no line breaks or control characters)",
                                       value)
    return checked.strip()


def tag_ids_named(hook: Any, name: str) -> list[str]:
    """The ids of the tags named ``name`` (case-insensitive, as ActiveCampaign compares tag names)."""
    tags = hook.paginate("tags", "tags", params={"search": name})
    ids = [str(t["id"]) for t in tags if str(t.get("tag", "")).strip().lower() == name.lower()]
    if not ids:
        raise ActiveCampaignInputError("tag", "the name of an existing tag (GET /tags has none)", name)
    return ids


class ActiveCampaignRemoveTagFromContactOperator(ActiveCampaignDeleteOperator):
    """Remove a tag from a contact (``DELETE /contactTags/{id}``), by the contact-tag link, or by
    contact and tag id or tag name.

    Given ``contact_id`` and ``tag_id`` or ``tag``, the link is looked up
    (``GET /tags?search=`` for a name, then ``GET /contacts/{id}/contactTags``). A contact
    without the tag is left as it is (a retried task finds the tag already removed).
    Returns ``{"deleted": link id or None, "resource": "contactTag"}``.

    :param contact_tag_id: the id of the contact-tag link (from :class:`ActiveCampaignAddTagToContactOperator`);
        or give ``contact_id`` and ``tag_id`` or ``tag`` instead (all templated).
    :param contact_id: the contact's id.
    :param tag_id: the tag's id.
    :param tag: the tag's name.
    """

    template_fields: Sequence[str] = ("resource", "record_id", "contact_id", "tag_id", "tag")
    id_param = "contact_tag_id"

    def __init__(self, *, contact_tag_id: int | str | None = None, contact_id: int | str | None = None,
                 tag_id: int | str | None = None, tag: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="contactTag", record_id=contact_tag_id, **kwargs)
        self.contact_id = contact_id
        self.tag_id = tag_id
        self.tag = tag
        if all(is_literal(v) for v in (contact_tag_id, contact_id, tag_id, tag)):
            with error_context(self.where):
                self.checked_target()

    def check_literals(self, body: Any = None, *, partial: bool = True, record_id: Any = None,
                       id_required: bool = False) -> None:
        """The link id is optional here: :meth:`checked_target` checks the combination."""
        super().check_literals(body, partial=partial, record_id=record_id)

    def checked_target(self) -> tuple[str | None, str | None, str | None, str | None]:
        """(link id, contact id, tag id, tag name), checked: a link id, or a contact and one of tag id or name."""
        link = ident().check(self.record_id, self.id_param)
        contact = ident().check(self.contact_id, "contact_id")
        tag_id = ident().check(self.tag_id, "tag_id")
        name = None if self.tag in (None, "") else tag_name(self.tag, "tag")
        if link is not None:
            if contact or tag_id or name:
                raise ActiveCampaignInputError("contact_tag_id", "given alone (not with contact_id, tag_id or tag)",
                                               link)
            return link, None, None, None
        if contact is None:
            raise ActiveCampaignInputError("contact_id", "given (or contact_tag_id)")
        if (tag_id is None) == (not name):
            raise ActiveCampaignInputError("tag_id or tag", "given (exactly one of them, with contact_id)")
        return None, contact, tag_id, str(name).strip() if name else None

    def perform(self, context: Context) -> dict[str, Any]:
        link, contact, tag_id, name = self.checked_target()
        if link is not None:
            return super().perform(context)
        tag_ids = [tag_id] if tag_id else tag_ids_named(self.hook, name or "")
        links = [r for r in self.hook.paginate(
            sub_collection("contact", "contactTag").collection_path(contact, "contact_id"), "contactTags")
                 if str(r.get("tag")) in tag_ids and str(r.get("contact", contact)) == contact]
        if not links:
            self.log.info("Contact %s has no tag %s: nothing to remove", contact, tag_id or repr(name))
            return {"deleted": None, "resource": "contactTag"}
        for found in links:
            if delete_once(self, resource("contactTag").item_path(found["id"]), context):
                self.log.info("Removed tag %s from contact %s (contactTag %s)", found.get("tag"), contact, found["id"])
        return {"deleted": ",".join(str(found["id"]) for found in links), "resource": "contactTag"}



class ActiveCampaignLegacyManageTagsOperator(LegacyOperator):
    """Add tags to a contact or remove them, by tag name (legacy ``contact_tag_add`` /
    ``contact_tag_remove``; v3 only takes tag ids).

    :param action: ``"add"`` or ``"remove"``.
    :param tags: tag names (a list or comma-separated).
    :param contact_email: the contact's e-mail (all templated).
    """

    changes = "contact"
    rules = {"action": enum("add", "remove", required=True), "tags": Rule("any", required=True),
             "contact_email": required(Rule("email"))}

    def __init__(self, *, action: str, tags: str | Sequence[str], contact_email: str, **kwargs: Any) -> None:
        super().__init__(fields={"action": action, "tags": tags, "contact_email": contact_email}, **kwargs)

    def call(self, values: dict[str, Any]) -> tuple[str, None, dict[str, Any]]:
        form = {"email": values["contact_email"], "tags": legacy_tags(values["tags"])}
        return f"contact_tag_{values['action']}", None, form
