"""The base of every operator, the base of the catalogue-resource operators, and the small
conversions they share."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.common.compat.sdk import AirflowNotFoundException, BaseOperator

from airflow_provider_activecampaign.catalogue import GET, LIST, Resource, Rule, resource
from airflow_provider_activecampaign.catalogue.resources import Clash, is_literal
from airflow_provider_activecampaign.client.replies import MAY_HAVE_BEEN_PROCESSED
from airflow_provider_activecampaign.exceptions import (
    ActiveCampaignConfigError,
    ActiveCampaignConnectionError,
    ActiveCampaignInputError,
    ActiveCampaignNotFoundError,
    ActiveCampaignReplyError,
    error_context,
)
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignHook
from airflow_provider_activecampaign.operators.custom_fields import check_custom_fields
from airflow_provider_activecampaign.operators.links import RECORD_XCOM_KEY, app_url
from airflow_provider_activecampaign.operators.retry_safe import is_retry

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


class ActiveCampaignBaseOperator(BaseOperator):
    """Base of every ActiveCampaign operator: the connection and the hook.

    :param activecampaign_conn_id: Airflow connection of type ``activecampaign``.
    """

    ui_color = "#dfe8fd"

    def __init__(self, *, activecampaign_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activecampaign_conn_id = activecampaign_conn_id

    @cached_property
    def hook(self) -> ActiveCampaignHook:
        return ActiveCampaignHook(activecampaign_conn_id=self.activecampaign_conn_id)

    @property
    def where(self) -> str:
        """How errors name this operator: class and task id."""
        return f"{type(self).__name__}(task_id={self.task_id!r})"

    def execute(self, context: Context) -> Any:
        """Run :meth:`perform`; input errors escaping it name this operator and task.

        A write recorded with :meth:`record_done` is pushed to XCom (``activecampaign_record``)
        for the task's "ActiveCampaign" link, unless ``do_xcom_push`` is off.
        """
        self._done: dict[str, Any] | None = None
        try:
            with error_context(self.where):
                result = self.perform(context)
        except (ActiveCampaignConnectionError, ActiveCampaignConfigError) as error:
            self.name_caller(error)
            raise
        except AirflowNotFoundException as error:  # the connection is not defined: same type, named
            error.args = (f"{self.where}: connection {self.activecampaign_conn_id!r} is not defined ({error})",)
            raise
        ti = context.get("ti") if isinstance(context, Mapping) else None
        if self._done is not None and ti is not None and self.do_xcom_push:
            ti.xcom_push(key=RECORD_XCOM_KEY, value=self._done)
        return result

    def name_caller(self, error: Exception) -> None:
        """Put this operator, task and connection id at the front of a connection's error message."""
        text = str(error)
        if not text.startswith(self.where):
            conn = f"connection {self.activecampaign_conn_id!r}"
            error.args = (f"{self.where}: {text}" + ("" if conn in text else f" [{conn}]"),)

    def record_done(self, action: str, kind: str, record_id: Any = None, detail: str = "") -> None:
        """Log what the task did (``created``, ``updated``, ``unchanged``, ``deleted``...) to which
        record, and keep it for the record's link in ActiveCampaign's app."""
        record_id = None if record_id in (None, "") else str(record_id)
        what = " ".join(part for part in (action.capitalize(), kind, record_id) if part)
        self.log.info("%s%s", what, f": {detail}" if detail else "")
        self._done = {"action": action, "kind": kind, "id": record_id,
                      "app": app_url(self.hook.core.settings.base_url)}

    def write(self, spec: Resource, method: str, path: str, body: Mapping[str, Any]) -> Any:
        """Send a record (``{singular: body}``) and return the record the reply holds.

        A 2xx reply without a record carrying its id (or the resource's key) is an
        :class:`ActiveCampaignReplyError`: the write may have happened, so it is not retried.
        """
        return self.write_reply(spec, method, path, body)[1]

    def write_reply(self, spec: Resource, method: str, path: str, body: Mapping[str, Any]) -> tuple[int | None, Any]:
        """Like :meth:`write`, with the reply's HTTP status: ``(status, record)``."""
        status, reply = self.hook.request_reply(method, path, json=spec.wrap(body))
        record = spec.unwrap(reply)
        if not isinstance(record, Mapping) or record.get(spec.key) in (None, ""):
            shown = type(record).__name__ if not isinstance(record, Mapping) else f"keys {sorted(record)[:8]}"
            status = status or (201 if method == "POST" else 200)
            message = f"the reply has no {spec.singular} with an {spec.key!r} ({shown}); {MAY_HAVE_BEEN_PROCESSED}"
            raise ActiveCampaignReplyError(method, "/api/3/" + path.lstrip("/"), status, message,
                                           target=self.hook.core.settings.target, may_have_been_processed=True)
        return status, record

    def perform(self, context: Context) -> Any:
        """The operator's work; subclasses implement this instead of ``execute``."""
        raise NotImplementedError

    def check_arguments(self, **arguments: tuple[Rule, Any]) -> None:
        """Check the arguments (name -> (rule, value)) that are final when the DAG is parsed;
        templated ones are checked after rendering."""
        with error_context(self.where):
            for name, (rule, value) in arguments.items():
                if is_literal(value):
                    rule.check(value, name)


class ResourceOperator(ActiveCampaignBaseOperator):
    """An operator acting on one catalogue resource (``resource``: its catalogue name).

    Named operators declare ``parameters`` (their parameter -> the API field it sets) and
    ``id_param`` (the parameter holding the record's id), so that errors name the parameter
    as the user wrote it: ``owner_type``, ``due_date``, ``extra_fields.xyz``.
    """

    operation: ClassVar[str]
    #: For named operators, each parameter and the API field it sets (None for the generic operators' ``body``).
    parameters: ClassVar[Mapping[str, str] | None] = None
    #: the parameter that holds the record's id
    id_param: ClassVar[str] = "record_id"

    def __init__(self, *, resource: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resource = resource

    def spec(self) -> Resource:
        spec = resource(self.resource)
        spec.require(self.operation)
        return spec

    def item_path(self, spec: Resource) -> str:
        """The path of the record this operator acts on (``record_id``, and ``parent_id`` when nested)."""
        return spec.item_path(getattr(self, "record_id", None), self.id_param,
                              parent_id=getattr(self, "parent_id", None))

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage: the resource read (list, get) or written (create, update, delete), and any file written."""
        from airflow_provider_activecampaign.lineage import read_lineage, write_lineage

        spec, base_url = resource(self.resource), self.hook.core.settings.base_url
        if self.operation in (LIST, GET):
            return read_lineage(base_url, spec, getattr(self, "output_path", None))
        return write_lineage(base_url, spec)

    def label(self, field: str) -> str:
        """How the user wrote the body field ``field``: the named parameter, ``extra_fields.X`` or ``body.X``."""
        if self.parameters is None:
            return f"body.{field}"
        named = {api: param for param, api in self.parameters.items()}
        return named.get(field, f"extra_fields.{field}")

    @classmethod
    def named_body(cls, arguments: Mapping[str, Any], extra_fields: Mapping[str, Any] | None = None) -> dict:
        """The API body from the named parameters (``None``: not given) and ``extra_fields``.

        An ``extra_fields`` entry for a field a parameter sets is kept as a :class:`Clash`
        (refused when checked, which happens as the DAG is parsed).
        """
        parameters = cls.parameters or {}
        body = {parameters[name]: value for name, value in arguments.items() if value is not None}
        by_field = {api: param for param, api in parameters.items()}
        for key, value in (extra_fields or {}).items() if isinstance(extra_fields, Mapping) else ():
            body[key] = Clash(by_field[key]) if key in by_field else value
        return body

    def checked_body(self, spec: Resource, *, partial: bool, body: Any = None) -> dict[str, Any]:
        """``body`` (default ``self.body``, rendered) checked and converted into a new dict (the operator's
        own attributes never change); custom fields given by tag keyed by id, every custom field id
        checked against the account's fields (one read per task, only when the body has any)."""
        body = spec.check_body(self.body if body is None else body, partial=partial, label=self.label)
        if partial and not body:
            self.nothing_to_change()
        return check_custom_fields(self.hook, spec.fields, body, self.label, spec.plural)

    def nothing_to_change(self) -> None:
        """Refuse an update without fields: an empty PUT would "succeed" and change nothing."""
        raise ActiveCampaignInputError("body" if self.parameters is None else " or ".join(self.parameters),
                                       "at least one field to change", getattr(self, "body", None))

    def check_literals(self, body: Any = None, *, partial: bool = True, record_id: Any = None,
                       id_required: bool = False, needs_change: bool = False) -> None:
        """Check what is final when the DAG is parsed (values with Jinja are checked after rendering)."""
        if not is_literal(self.resource):
            return
        with error_context(self.where):
            spec = self.spec()
            if is_literal(record_id) and (id_required or record_id is not None):
                spec.id_rule.check(record_id, self.id_param)
            if body is not None and (isinstance(body, Mapping) or is_literal(body)):
                spec.check_body(body, partial=partial, label=self.label, literal=True)
            if needs_change and isinstance(body, Mapping) and all(v is None for v in body.values()):
                self.nothing_to_change()


def delete_once(operator: ActiveCampaignBaseOperator, path: str, context: Any) -> bool:
    """``DELETE path``; False when it answers 404 after an attempt that may have deleted it already.

    On an Airflow retry (``try_number`` > 1), or when the hook's own retry of the DELETE got the
    404, the record is gone because an earlier attempt deleted it: that is logged, not an error.
    """
    try:
        operator.hook.request("DELETE", path)
    except ActiveCampaignNotFoundError as error:
        if not (error.retried or is_retry(context)):
            raise
        operator.log.info("DELETE %s: already gone (an earlier attempt deleted it)", path)
        return False
    return True


def id_of(record: Any) -> Any:
    """The ``id`` of a returned record (None when the reply carries none)."""
    return record.get("id") if isinstance(record, Mapping) else None


def checked_limit(limit: Any) -> int | None:
    """A (rendered) ``limit`` as a whole number of 0 or more, None when not given."""
    limit = Rule("int", minimum=0).check(None if limit == "" else limit, "limit")
    return None if limit is None else int(limit)
