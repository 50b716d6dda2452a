"""Contacts: what the API lists under a contact, and the contact calls beyond create/read/update/delete."""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.model import Action, Resource, SubCollection

RESOURCES: tuple[Resource, ...] = ()

#: ``GET /contacts/{id}/...`` for resources that also have a collection of their own
SUBCOLLECTIONS: tuple[SubCollection, ...] = (
    SubCollection("contact", "contactTag", "contacts/{parent}/contactTags"),
    SubCollection("contact", "contactAutomation", "contacts/{parent}/contactAutomations"),
    SubCollection("contact", "contactList", "contacts/{parent}/contactLists"),
    SubCollection("contact", "fieldValue", "contacts/{parent}/fieldValues"),
    SubCollection("contact", "deal", "contacts/{parent}/deals"),
    SubCollection("contact", "note", "contacts/{parent}/notes"),
    SubCollection("contact", "organization", "contacts/{parent}/organization", frozenset({"get"}), single=True),
    SubCollection("deal", "note", "deals/{parent}/notes", frozenset({"create", "update"})),
    SubCollection("account", "note", "accounts/{parent}/notes", frozenset({"create", "update"})),
)

ACTIONS: tuple[Action, ...] = ()
