"""The catalogue: value types (check and convert), the resources of the v3 API, webhook event names.

One declarative table drives validation, conversion, the generic operators, the Watch
sensors and the emulator.
"""

from airflow_provider_activecampaign.catalogue.resources import (
    CREATE,
    CRUD,
    DEAL_STATUSES,
    DELETE,
    GET,
    LIST,
    ORDER_DIRECTIONS,
    RESOURCES,
    UPDATE,
    Filter,
    NaturalKey,
    Resource,
    resource,
)
from airflow_provider_activecampaign.catalogue.types import Rule, compact, enum, ident, required, text
from airflow_provider_activecampaign.catalogue.webhook_events import (
    EVENT_NAME_PATTERN,
    WEBHOOK_EVENTS,
    WEBHOOK_SOURCES,
)

__all__ = [
    "CREATE",
    "CRUD",
    "DEAL_STATUSES",
    "DELETE",
    "EVENT_NAME_PATTERN",
    "GET",
    "LIST",
    "ORDER_DIRECTIONS",
    "RESOURCES",
    "UPDATE",
    "WEBHOOK_EVENTS",
    "WEBHOOK_SOURCES",
    "Filter",
    "NaturalKey",
    "Resource",
    "Rule",
    "compact",
    "enum",
    "ident",
    "required",
    "resource",
    "text",
]
