"""The catalogue: value types (check and convert), the resources of the v3 API, their
sub-collections and actions, webhook event names.

One declarative table drives validation, conversion, the generic operators, the Watch
sensors and the emulator. It imports nothing but the standard library (the emulator uses it
without Airflow); the values it refuses raise :class:`CatalogueInputError`, which the
provider's Airflow error family extends (``ActiveCampaignInputError``).
"""

from airflow_provider_activecampaign.catalogue.errors import CatalogueInputError
from airflow_provider_activecampaign.catalogue.model import fill_path
from airflow_provider_activecampaign.catalogue.resources import (
    ACTIONS,
    CREATE,
    CRUD,
    DEAL_STATUSES,
    DELETE,
    GET,
    LIST,
    ORDER_DIRECTIONS,
    RESOURCES,
    SUBCOLLECTIONS,
    UPDATE,
    Action,
    Filter,
    NaturalKey,
    Resource,
    SubCollection,
    action,
    resource,
    sub_collection,
)
from airflow_provider_activecampaign.catalogue.types import Rule, compact, enum, ident, required, text
from airflow_provider_activecampaign.catalogue.webhook_events import (
    EVENT_NAME_PATTERN,
    WEBHOOK_EVENTS,
    WEBHOOK_SOURCES,
)

__all__ = [
    "ACTIONS",
    "CREATE",
    "CRUD",
    "DEAL_STATUSES",
    "DELETE",
    "EVENT_NAME_PATTERN",
    "GET",
    "LIST",
    "ORDER_DIRECTIONS",
    "RESOURCES",
    "SUBCOLLECTIONS",
    "UPDATE",
    "WEBHOOK_EVENTS",
    "WEBHOOK_SOURCES",
    "Action",
    "CatalogueInputError",
    "Filter",
    "NaturalKey",
    "Resource",
    "Rule",
    "SubCollection",
    "action",
    "compact",
    "enum",
    "fill_path",
    "ident",
    "required",
    "resource",
    "sub_collection",
    "text",
]
