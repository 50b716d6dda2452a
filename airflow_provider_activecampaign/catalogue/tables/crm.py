"""Deals and tasks beyond the first resources: deal roles, deal activities, task outcomes and their
relations to task types, task reminders, and the bulk calls of deals, stages, task types and accounts."""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.model import (
    CREATE,
    DELETE,
    LIST,
    UPDATE,
    Action,
    Filter,
    NaturalKey,
    Resource,
    SubCollection,
)
from airflow_provider_activecampaign.catalogue.types import Rule, enum, ident, required, text

SENTIMENTS = ("positive", "neutral", "negative")

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "dealRole", "dealRoles", "dealRole", "dealRoles", frozenset({CREATE, LIST, DELETE}),
        fields={"title": required(text())},
        filters={"search": Filter("search")},
        created="created_timestamp", updated="updated_timestamp",
        natural_key=NaturalKey(("title",), {"title": "search"}),
    ),
    Resource(
        "dealActivity", "dealActivities", "dealActivity", "dealActivities", frozenset({LIST}),
        filters={"deal": Filter("deal", ident()), "exclude": Filter("exclude"),
                 "data_type": Filter("filters[data_type]"), "data_id": Filter("filters[data_id]", ident())},
        updated=None,
    ),
    Resource(
        "taskOutcome", "taskOutcomes", "taskOutcome", "taskOutcomes",
        # the document's POST schema requires both (its 422 example names a missing title and a bad sentiment)
        fields={"title": required(text()), "sentiment": enum(*SENTIMENTS, required=True), "disabled": Rule("flag")},
        filters={"sentiment": Filter("filters[sentiment]", enum(*SENTIMENTS))},
        created="created_utc_timestamp", updated="updated_utc_timestamp",
        natural_key=NaturalKey(("title",)),
    ),
    Resource(
        "tasktypeOutcomeRel", "tasktypeOutcomeRels", "tasktypeOutcomeRel", "tasktypeOutcomeRels",
        # the document gives these fields for a relation (as for an outcome); nothing else is known
        fields={"title": text(), "sentiment": enum(*SENTIMENTS)},
        created="created_utc_timestamp", updated="updated_utc_timestamp",
    ),
    Resource(
        "taskNotification", "taskNotifications", "taskNotification", "taskNotifications", frozenset({CREATE}),
        fields={"dealTask": ident(required=True), "interval": Rule("int", required=True, minimum=0)},  # minutes before
        updated=None,
    ),
)

SUBCOLLECTIONS: tuple[SubCollection, ...] = (
    SubCollection("deal", "note", "deals/{parent}/notes", frozenset({CREATE, UPDATE})),
    SubCollection("account", "note", "accounts/{parent}/notes", frozenset({CREATE, UPDATE})),
)

ACTIONS: tuple[Action, ...] = (
    Action("deal.bulkUpdate", "PATCH", "deals/bulkUpdate",
           doc="change the owner of many deals: {deals: [{id, owner}]}"),
    Action("dealStage.moveDeals", "PUT", "dealStages/{id}/deals", params={"id": ident()}, envelope="deal",
           fields={"stage": ident(required=True)}, reply="deals",
           doc="move every deal of a stage to another stage"),
    Action("dealTasktype.moveTasks", "PUT", "dealTasktypes/{id}/dealTasks", params={"id": ident()},
           envelope="dealTask", fields={"dealTasktype": ident(required=True)}, reply="dealTasks",
           doc="move every task of a task type to another type"),
    Action("dealGroup.inaccessible", "GET", "dealGroup/get_inaccessible_deal_groups", reply="dealGroups",
           query={"deal_ids": Filter("dealIds[]", Rule("list")), "user": Filter("userId", ident())},
           doc="the pipelines of these deals that a user cannot see"),
    Action("account.bulkDelete", "DELETE", "accounts/bulk_delete",
           query={"ids": Filter("ids[]", Rule("list", required=True))}, doc="delete many accounts"),
)

