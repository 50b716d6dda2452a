"""Watch sensors: wait until records were created (or changed) in a time window.

One generic sensor (:class:`ActiveCampaignWatchSensor`, any listable catalogue resource)
and a thin named class per Watch action (see docs/coverage.md). With ``deferrable=True``
(default: Airflow's ``[operators] default_deferrable``) they wait through the one
:class:`ActiveCampaignWatchTrigger`; with ``deferrable=False`` they poke (``mode="poke"``
or ``"reschedule"``). Both paths run the same
:class:`~airflow_provider_activecampaign.watch.WatchSearch`. See docs/watch.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pendulum
from airflow.providers.common.compat.sdk import (
    AirflowSensorTimeout,
    AirflowSkipException,
    BaseSensorOperator,
    PokeReturnValue,
    conf,
)

from airflow_provider_activecampaign.catalogue import Rule, compact, ident, resource
from airflow_provider_activecampaign.exceptions import ActiveCampaignError, ActiveCampaignInputError, error_context
from airflow_provider_activecampaign.hooks.activecampaign import DEFAULT_CONN_ID, ActiveCampaignHook
from airflow_provider_activecampaign.io import deliver_records
from airflow_provider_activecampaign.triggers.activecampaign import ActiveCampaignWatchTrigger
from airflow_provider_activecampaign.watch import (
    DEFAULT_LOOKBACK,
    WATCH_KINDS,
    WatchSearch,
    Window,
    parse_when,
    resolve_window,
)
from airflow_provider_activecampaign.watch.watermark import Watermark, watermark_key
from airflow_provider_activecampaign.watch.windows import duration

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

#: Above this many matching records they go to ``output_path`` (when set) instead of XCom.
DEFAULT_MAX_XCOM_RECORDS = 100
#: ``window_mode`` values: windows from the run (a re-run reads the same records) or a durable watermark.
WINDOW_MODES = ("interval", "watermark")


def default_deferrable() -> bool:
    """Airflow's ``[operators] default_deferrable`` (False when unset), read when the DAG is parsed."""
    return conf.getboolean("operators", "default_deferrable", fallback=False)


class ActiveCampaignWatchSensor(BaseSensorOperator):
    """Wait until at least ``min_records`` records of a resource were created (or changed) in a window.

    Returns the matching records (a list, in id order) to XCom; when more than
    ``max_xcom_records`` matched and ``output_path`` is set, writes them there as JSON
    Lines and returns ``{"path": ..., "count": ...}``.

    :param resource: catalogue name of a listable resource (``contact``, ``deal``,
        ``dealTask``, ``calendar``, ``contactAutomation``, ``account``...).
    :param filters: catalogue filter name -> value (templated); the window filters
        (``created_after``...) are set from the window, not here.
    :param parent_id: the parent record of a sub-collection (templated): the contact of
        ``contactAutomation``.
    :param watch: ``"created"`` (new records) or ``"updated"`` (changed records; a record
        never changed counts from its creation).
    :param since: window start, inclusive (templated; anything pendulum parses; naive = UTC).
        Default: from the run's data interval, see docs/watch.md.
    :param until: window end, exclusive (templated). Default: as ``since``.
    :param lookback: a first run on a point-interval timetable (``CronTriggerTimetable``)
        watches this long before its logical date (default 1 day).
    :param window_mode: ``"interval"`` (default): the window comes from the run, so a re-run
        reports the same records; ``"watermark"``: from where the last successful run
        stopped, kept in an Airflow Variable, so every record is reported once across
        skipped, failed, re-run and manual runs; overlapping runs (backfills) never both
        claim a window: the later one fails and is retried. See docs/watch.md.
    :param settle: the window ends this long before the run's time (a timedelta or seconds;
        default 0), so records that show up in the API late are read by their own window.
    :param watermark_key: the Variable of ``window_mode="watermark"`` (default
        ``activecampaign_watch__<dag_id>__<task_id>``).
    :param min_records: how many matching records end the wait (default 1).
    :param wait_when_closed: keep waiting for ``min_records`` when the window is already over
        (its end plus ``settle`` is past). Default False: such a run ends at once with the
        records the window has (possibly none), since no record can still fall in it.
    :param max_xcom_records: most records returned to XCom (and carried in a trigger event).
    :param output_path: local path or object-storage URL for JSON Lines (templated).
    :param deferrable: wait in the triggerer instead of a worker slot. Default: Airflow's
        ``[operators] default_deferrable`` option (False when unset), as Airflow's own providers.
    :param request_retries: retries of a failed request (default: the connection's).
    :param retry_backoff: first retry delay in seconds (doubles each retry).
    :param request_timeout: seconds per request (default: the connection's).

    ``poke_interval``, ``timeout``, ``soft_fail`` and ``mode`` are BaseSensorOperator's and
    keep their meaning when deferred: a timeout raises ``AirflowSensorTimeout`` (a skip with
    ``soft_fail=True``).
    """

    template_fields: Sequence[str] = ("filters", "parent_id", "since", "until", "output_path")
    template_fields_renderers = {"filters": "json"}
    #: ``wait_when_closed`` when not given
    WAIT_WHEN_CLOSED = False
    ui_color = "#dfe8fd"

    def __init__(self, *, resource: str, filters: Mapping[str, Any] | None = None, parent_id: Any = None,
                 watch: str = "created", since: Any = None, until: Any = None,
                 lookback: timedelta | float = DEFAULT_LOOKBACK, window_mode: str = "interval",
                 settle: timedelta | float = 0, watermark_key: str | None = None, min_records: int = 1,
                 wait_when_closed: bool | None = None,
                 max_xcom_records: int = DEFAULT_MAX_XCOM_RECORDS, output_path: str | None = None,
                 activecampaign_conn_id: str = DEFAULT_CONN_ID, deferrable: bool | None = None,
                 request_retries: int | None = None, retry_backoff: float = 0.5,
                 request_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with error_context(self.where):
            if watch not in WATCH_KINDS:
                raise ActiveCampaignInputError("watch", "'created' or 'updated'", watch)
            self.min_records = int(Rule("int", minimum=1).check(min_records, "min_records"))
            self.max_xcom_records = int(Rule("int", minimum=0).check(max_xcom_records, "max_xcom_records"))
            if window_mode not in WINDOW_MODES:
                raise ActiveCampaignInputError("window_mode", "'interval' or 'watermark'", window_mode)
            self.settle = duration(settle, "settle", zero=True)
            if window_mode == "watermark" and (since not in (None, "") or until not in (None, "")):
                raise ActiveCampaignInputError("since" if since not in (None, "") else "until",
                                               "left out with window_mode='watermark'", since or until)
        self.resource = resource
        self.filters = dict(filters or {})
        self.parent_id = parent_id
        self.watch = watch
        self.since = since
        self.until = until
        self.lookback = lookback
        self.window_mode = window_mode
        self.wait_when_closed = wait_when_closed
        self.watermark_key = watermark_key
        self.output_path = output_path
        self.activecampaign_conn_id = activecampaign_conn_id
        self.deferrable = default_deferrable() if deferrable is None else bool(deferrable)
        self.request_retries = request_retries
        self.retry_backoff = retry_backoff
        self.request_timeout = request_timeout

    @property
    def where(self) -> str:
        """How errors name this sensor: class and task id."""
        return f"{type(self).__name__}(task_id={self.task_id!r})"

    @cached_property
    def hook(self) -> ActiveCampaignHook:
        return ActiveCampaignHook(self.activecampaign_conn_id, retries=self.request_retries,
                                  timeout=self.request_timeout, retry_backoff=self.retry_backoff)

    # the search ------------------------------------------------------------------

    def prepare_filters(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        """The rendered filters as the catalogue takes them (named sensors translate here)."""
        return dict(filters)

    def search(self, window: Window) -> WatchSearch:
        return WatchSearch(self.resource, window, self.watch, self.prepare_filters(self.filters or {}),
                           self.parent_id)

    def window(self, context: Context) -> Window:
        """The run's window; in watermark mode, claimed from the watermark (a skip when nothing is new)."""
        window = resolve_window(context, since=self.since, until=self.until, lookback=self.lookback,
                                settle=self.settle)
        if self.window_mode != "watermark":
            return window
        claimed = self.watermark(context).claim(window)
        if claimed is None:
            raise AirflowSkipException(f"{self.where}: nothing new before {window.until.isoformat()}: "
                                       "later runs already reported it (window_mode='watermark')")
        return claimed

    def watermark(self, context: Context) -> Watermark:
        key = self.watermark_key or watermark_key(context["dag_run"].dag_id, self.task_id)
        return Watermark(key, context)

    def finish(self, context: Context, records: list[dict[str, Any]], search: WatchSearch) -> Any:
        """Hand the records on; in watermark mode the claim is then marked delivered."""
        result = self.deliver(records, search)
        if self.window_mode == "watermark":
            self.watermark(context).delivered()
        return result

    def enough(self, records: list[dict[str, Any]], search: WatchSearch) -> bool:
        """Done: ``min_records`` matched, or the window is over (unless ``wait_when_closed``)."""
        if len(records) >= self.min_records:
            return True
        wait = self.WAIT_WHEN_CLOSED if self.wait_when_closed is None else self.wait_when_closed
        closed = search.window.until + self.settle <= pendulum.now("UTC")
        if closed and not wait:
            self.log.info("%s is over with %d of %d records: done (wait_when_closed=False)",
                          search.describe(), len(records), self.min_records)
            return True
        return False

    def fetch(self, search: WatchSearch) -> list[dict[str, Any]]:
        try:
            return search.fetch(self.hook)
        finally:
            self.hook.close()  # no idle connection held between pokes

    def deliver(self, records: list[dict[str, Any]], search: WatchSearch) -> Any:
        """Records for XCom, or (more than ``max_xcom_records`` and ``output_path`` set) path and count."""
        self.log.info("%d %s", len(records), search.describe())
        if len(records) > self.max_xcom_records:
            if self.output_path:
                self._written_path = self.output_path  # for lineage
                return deliver_records(records, self.output_path, log=self.log, what=search.envelope)
            self.log.warning("%d records are more than max_xcom_records=%d but no output_path is set: "
                             "all go to XCom", len(records), self.max_xcom_records)
        return records

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage: the watched resource, and the JSON Lines file when the records went to one."""
        from airflow_provider_activecampaign.lineage import read_lineage

        return read_lineage(self.hook.core.settings.base_url, resource(self.resource),
                            getattr(self, "_written_path", None))

    # the sync path (deferrable=False; poke or reschedule mode) ------------------

    def poke(self, context: Context) -> PokeReturnValue:
        with error_context(self.where):
            search = self.search(self.window(context))
            records = self.fetch(search)
        if self.enough(records, search):
            return PokeReturnValue(is_done=True, xcom_value=self.finish(context, records, search))
        self.log.info("%d of %d %s; waiting", len(records), self.min_records, search.describe())
        return PokeReturnValue(is_done=False)

    # the deferrable path -----------------------------------------------------------

    def execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        started = pendulum.now("UTC")
        with error_context(self.where):
            search = self.search(self.window(context))
            records = self.fetch(search)  # already there: no need to defer
        if self.enough(records, search):
            return self.finish(context, records, search)
        try:
            timeout: timedelta | None = timedelta(seconds=self.timeout)
            deadline: str | None = (started + timeout).isoformat()
        except OverflowError:  # an "infinite" timeout
            timeout = deadline = None
        self.log.info("%d of %d %s; deferring (poll every %s s)", len(records), self.min_records,
                      search.describe(), self.poke_interval)
        self.defer(trigger=self.trigger(search, deadline), method_name="execute_complete", timeout=timeout)

    def trigger(self, search: WatchSearch, deadline: str | None) -> ActiveCampaignWatchTrigger:
        return ActiveCampaignWatchTrigger(
            **search.to_kwargs(),
            min_records=self.min_records,
            poke_interval=self.poke_interval,
            max_records=self.max_xcom_records,
            deadline=deadline,
            activecampaign_conn_id=self.activecampaign_conn_id,
            retries=self.request_retries,
            retry_backoff=self.retry_backoff,
            request_timeout=self.request_timeout,
        )

    def execute_complete(self, context: Context, event: Mapping[str, Any] | None = None) -> Any:
        """Resume after the trigger: return its records, read them again (too many for the event), or fail."""
        if not isinstance(event, Mapping):
            raise ActiveCampaignError(f"{self.where}: the trigger sent no event ({event!r})")
        status = event.get("status")
        if status == "error":
            raise ActiveCampaignError(f"{self.where}: {event.get('message')}")
        if status == "timeout":
            raise AirflowSensorTimeout(f"{self.where}: sensor timed out: {event.get('message')}")
        if status != "success":
            raise ActiveCampaignError(f"{self.where}: unexpected trigger event {dict(event)!r}")
        with error_context(self.where):
            window = Window(parse_when(event.get("since"), "since"), parse_when(event.get("until"), "until"))
            search = self.search(window)
        records = event.get("records")
        if records is None:  # more than the event may carry: read them again, same search and window
            self.log.info("%s matched; reading them again", event.get("count"))
            records = self.fetch(search)
        return self.finish(context, list(records), search)

    def resume_execution(self, next_method: str, next_kwargs: dict[str, Any] | None, context: Context) -> Any:
        # Airflow 3.0 turns a deferral timeout into AirflowSensorTimeout without honouring
        # soft_fail; later versions skip. Skip on every version.
        try:
            return super().resume_execution(next_method, next_kwargs, context)
        except AirflowSensorTimeout as error:
            if self.soft_fail:
                raise AirflowSkipException(f"Skipping due to soft_fail: {error}") from error
            raise


# --------------------------------------------------------------------------- the named Watch sensors


class ActiveCampaignWatchContactsSensor(ActiveCampaignWatchSensor):
    """Wait for contacts created (or updated) in the window (``GET /contacts``, server-side window).

    :param email: exact e-mail.
    :param email_like: part of the e-mail.
    :param search: part of name, organization, phone or e-mail.
    :param organization: organization (account) id.
    :param list_id: list id.
    :param status: list status (-1 any, 0 unconfirmed, 1 active, 2 unsubscribed, 3 bounced).
    :param tag_id: tag id. Filters are templated; the rest as :class:`ActiveCampaignWatchSensor`.
    """

    def __init__(self, *, email: str | None = None, email_like: str | None = None, search: str | None = None,
                 organization: int | str | None = None, list_id: int | str | None = None,
                 status: int | str | None = None, tag_id: int | str | None = None, **kwargs: Any) -> None:
        filters = compact(email=email, email_like=email_like, search=search, organization=organization,
                          list_id=list_id, status=status, tag_id=tag_id)
        super().__init__(resource="contact", filters=filters, **kwargs)


class ActiveCampaignWatchContactAutomationsSensor(ActiveCampaignWatchSensor):
    """Wait for a contact to enter automations (``GET /contacts/{id}/contactAutomations``).

    Client-side window on ``adddate`` (``watch="updated"``: ``lastdate``, the contact's last
    step in the automation).

    :param contact_id: the contact's id (templated).
    """

    def __init__(self, *, contact_id: int | str, **kwargs: Any) -> None:
        super().__init__(resource="contactAutomation", parent_id=contact_id, **kwargs)

    def search(self, window: Window) -> WatchSearch:
        ident(required=True).check(None if self.parent_id in ("", "None") else self.parent_id, "contact_id")
        return super().search(window)


class ActiveCampaignWatchDealsSensor(ActiveCampaignWatchSensor):
    """Wait for deals created (or updated) in the window (``GET /deals``, server-side window).

    :param title: deal title.
    :param search: text to search (in ``search_field``).
    :param pipeline: pipeline id.
    :param stage: stage id.
    :param owner: owner (user) id.
    :param status: ``0``/``"open"``, ``1``/``"won"``, ``2``/``"lost"``.
    :param organization: the primary contact's organization (account) id.
    :param tag: tag of the primary contact.
    :param task_type: deals with tasks of this type.
    :param next_date_range: due dates of the deals' tasks (``filters[nextdate_range]``).
    :param minimum_value: value bounds, in dollars. All templated.
    :param maximum_value: as ``minimum_value``.
    """

    def __init__(self, *, title: str | None = None, search: str | None = None, search_field: str | None = None,
                 pipeline: int | str | None = None, stage: int | str | None = None, owner: int | str | None = None,
                 status: int | str | None = None, organization: int | str | None = None, tag: str | None = None,
                 task_type: str | None = None, next_date_range: str | None = None,
                 minimum_value: float | None = None, maximum_value: float | None = None, **kwargs: Any) -> None:
        filters = compact(title=title, search=search, search_field=search_field, pipeline=pipeline, stage=stage,
                          owner=owner, status=status, organization=organization, tag=tag, task_type=task_type,
                          next_date_range=next_date_range, minimum_value=minimum_value,
                          maximum_value=maximum_value)
        super().__init__(resource="deal", filters=filters, **kwargs)



class ActiveCampaignWatchTasksSensor(ActiveCampaignWatchSensor):
    """Wait for deal tasks created (or updated) in the window (``GET /dealTasks``, client-side window).

    :param title: the task's title.
    :param deal: the deal's id (its tasks only).
    :param status: 0 incomplete, 1 complete.
    :param note: the task's note.
    :param due_date: due date (that day).
    :param task_type: task type id. All templated.
    """

    def __init__(self, *, title: str | None = None, deal: int | str | None = None, status: int | str | None = None,
                 note: str | None = None, due_date: Any = None, task_type: int | str | None = None,
                 **kwargs: Any) -> None:
        filters = compact(title=title, deal=deal, status=status, note=note, due_date=due_date, task_type=task_type)
        super().__init__(resource="dealTask", filters=filters, **kwargs)

    def prepare_filters(self, filters: Mapping[str, Any]) -> dict[str, Any]:
        if filters.get("deal") not in (None, ""):  # a deal's tasks, not a contact's with the same id
            return {**filters, "reltype": "Deal"}
        return dict(filters)


class ActiveCampaignWatchCalendarFeedsSensor(ActiveCampaignWatchSensor):
    """Wait for calendar feeds created in the window (``GET /calendars``, client-side window).

    ``watch="updated"`` watches modified feeds too ("Watch modified feeds": ``mdate``).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(resource="calendar", **kwargs)
