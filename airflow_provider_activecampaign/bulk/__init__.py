"""Bulk import: contacts from a file or a list, through ActiveCampaign's bulk import API, with a per-row report."""

from airflow_provider_activecampaign.bulk.contacts import to_contact
from airflow_provider_activecampaign.bulk.importer import Importer, new_state
from airflow_provider_activecampaign.bulk.ledger import Ledger
from airflow_provider_activecampaign.bulk.sources import Source
from airflow_provider_activecampaign.bulk.status import (
    IMPORTS_PER_MINUTE,
    MAX_BATCH,
    ImportWindow,
    info_call,
    read_status,
)

__all__ = [
    "IMPORTS_PER_MINUTE",
    "MAX_BATCH",
    "ImportWindow",
    "Importer",
    "Ledger",
    "Source",
    "info_call",
    "new_state",
    "read_status",
    "to_contact",
]
