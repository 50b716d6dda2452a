"""Deal tasks and task types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_activecampaign.catalogue import Resource, compact
from airflow_provider_activecampaign.catalogue.resources import is_literal
from airflow_provider_activecampaign.catalogue.types import to_datetime
from airflow_provider_activecampaign.exceptions import ActiveCampaignInputError, error_context
from airflow_provider_activecampaign.operators.generic import (
    ActiveCampaignCreateOperator,
    ActiveCampaignDeleteOperator,
    ActiveCampaignListOperator,
    ActiveCampaignUpdateOperator,
    UpsertOperator,
)


class ActiveCampaignUpsertTaskOperator(UpsertOperator):
    """Create a task (``POST /dealTasks``), or update one (``PUT /dealTasks/{id}``).

    Creating needs ``owner_id``, ``task_type_id`` and ``due_date``; updating changes only the
    given fields. Returns the task.

    :param deal_task_id: the task to update; None creates a task (templated; rendering ``"None"`` is an error).
    :param owner_type: ``"deal"`` (the API's default) or ``"contact"``.
    :param owner_id: the deal's or contact's id (the API's ``relid``).
    :param task_type_id: the task type (see :class:`ActiveCampaignListTaskTypesOperator`).
    :param due_date: when it is due (ISO 8601 text or a datetime).
    :param end_date: when it ends.
    :param title: the task's title.
    :param note: what to do.
    :param status: 0 incomplete, 1 complete.
    :param assignee_id: the user it is assigned to.
    :param extra_fields: any other task fields (``outcomeId``, ``doneAutomation``...), as the API names them.
    """

    id_param = "deal_task_id"
    parameters = {"owner_type": "ownerType", "owner_id": "relid", "task_type_id": "dealTasktype",
                  "due_date": "duedate", "end_date": "edate", "title": "title", "note": "note", "status": "status",
                  "assignee_id": "assignee"}

    def __init__(self, *, deal_task_id: int | str | None = None, owner_type: str | None = None,
                 owner_id: int | str | None = None, task_type_id: int | str | None = None, due_date: Any = None,
                 end_date: Any = None, title: str | None = None, note: str | None = None,
                 status: int | None = None, assignee_id: int | str | None = None,
                 extra_fields: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        body = self.named_body({"owner_type": owner_type, "owner_id": owner_id, "task_type_id": task_type_id,
                                "due_date": due_date, "end_date": end_date, "title": title, "note": note,
                                "status": status, "assignee_id": assignee_id}, extra_fields)
        super().__init__(resource="dealTask", body=body, record_id=deal_task_id, **kwargs)
        if is_literal(due_date) and is_literal(end_date):
            with error_context(self.where):
                _ends_after_due(due_date, end_date)

    def checked_body(self, spec: Resource, *, partial: bool) -> dict[str, Any]:
        body = super().checked_body(spec, partial=partial)
        _ends_after_due(body.get("duedate"), body.get("edate"))
        return body


def _ends_after_due(due: Any, end: Any) -> None:
    """Refuse an ``end_date`` before the ``due_date`` (both given)."""
    due_at, end_at = to_datetime(due), to_datetime(end)
    if due_at is not None and end_at is not None and end_at < due_at:
        raise ActiveCampaignInputError("end_date", f"no earlier than due_date ({due})", end)


class ActiveCampaignDeleteTaskOperator(ActiveCampaignDeleteOperator):
    """Delete a task (``DELETE /dealTasks/{id}``).

    :param deal_task_id: the task's id (templated).
    """

    id_param = "deal_task_id"

    def __init__(self, *, deal_task_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="dealTask", record_id=deal_task_id, **kwargs)


class ActiveCampaignListTasksOperator(ActiveCampaignListOperator):
    """List deal tasks, every page (``GET /dealTasks``).

    :param title: the task's title.
    :param deal: the deal's id (tasks of that deal, not of a contact).
    :param status: 0 incomplete, 1 complete.
    :param note: the task's note.
    :param due_date: due date.
    :param task_type: task type id.
    :param assignee: the assigned user's id.
    :param due_after: due date window.
    :param due_before: as ``due_after``.
    """

    def __init__(self, *, title: str | None = None, deal: int | str | None = None, status: int | None = None,
                 note: str | None = None, due_date: str | None = None, task_type: int | str | None = None,
                 assignee: int | str | None = None, due_after: Any = None, due_before: Any = None,
                 limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        filters = compact(title=title, deal=deal, reltype="Deal" if deal is not None else None, status=status,
                          note=note, due_date=due_date, task_type=task_type, assignee=assignee,
                          due_after=due_after, due_before=due_before)
        super().__init__(resource="dealTask", filters=filters, limit=limit, output_path=output_path, **kwargs)


class ActiveCampaignCreateTaskTypeOperator(ActiveCampaignCreateOperator):
    """Create a deal task type (``POST /dealTasktypes``); titles are unique. Returns it.

    :param title: the type's title.
    :param status: 0 active, 1 disabled.
    """

    parameters = {"title": "title", "status": "status"}

    def __init__(self, *, title: str, status: int | None = None, **kwargs: Any) -> None:
        super().__init__(resource="dealTasktype", body=compact(title=title, status=status), **kwargs)


class ActiveCampaignUpdateTaskTypeOperator(ActiveCampaignUpdateOperator):
    """Update a deal task type (``PUT /dealTasktypes/{id}``). Returns it.

    :param task_type_id: the type's id (templated).
    :param title: new title.
    :param status: 0 active, 1 disabled.
    """

    id_param = "task_type_id"
    parameters = {"title": "title", "status": "status"}

    def __init__(self, *, task_type_id: int | str, title: str | None = None, status: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(resource="dealTasktype", record_id=task_type_id, body=compact(title=title, status=status),
                         **kwargs)


class ActiveCampaignListTaskTypesOperator(ActiveCampaignListOperator):
    """List deal task types (``GET /dealTasktypes``)."""

    def __init__(self, *, limit: int | None = None, output_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(resource="dealTasktype", limit=limit, output_path=output_path, **kwargs)
