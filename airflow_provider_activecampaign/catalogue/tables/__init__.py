"""The catalogue's tables beyond the first resources (``catalogue/resources.py``), one module per API chapter.

Each module holds ``RESOURCES``, ``SUBCOLLECTIONS`` and ``ACTIONS`` as plain data; adding a
resource, a sub-collection or an action is one entry in the chapter's module.
"""

from __future__ import annotations

from airflow_provider_activecampaign.catalogue.model import Action, Resource, SubCollection
from airflow_provider_activecampaign.catalogue.tables import account, commerce, contacts, crm, fields

CHAPTERS = (contacts, fields, crm, commerce, account)
RESOURCES: tuple[Resource, ...] = tuple(r for chapter in CHAPTERS for r in chapter.RESOURCES)
SUBCOLLECTIONS: tuple[SubCollection, ...] = tuple(s for chapter in CHAPTERS for s in chapter.SUBCOLLECTIONS)
ACTIONS: tuple[Action, ...] = tuple(a for chapter in CHAPTERS for a in chapter.ACTIONS)
