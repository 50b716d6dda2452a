"""OpenLineage: each data-moving task, run in real Airflow (``dag.test()``) with OpenLineage's file
transport, reports the ActiveCampaign resource and the files it read and wrote.

Needs the ``openlineage`` extra (apache-airflow-providers-openlineage); skipped without it.
"""

from __future__ import annotations

import json
import os

import pytest

from airflow_provider_activecampaign.assets import account_from_url
from tests.bundles import load, own_bundle

pytest.importorskip("airflow.providers.openlineage", reason="the openlineage extra is not installed")

DAG_FILE = '''
import pendulum
from airflow.sdk import DAG
from airflow_provider_activecampaign.operators import (
    ActiveCampaignBulkImportContactsOperator, ActiveCampaignCreateDealOperator, ActiveCampaignDeleteDealOperator,
    ActiveCampaignIncrementalExportOperator, ActiveCampaignListDealsOperator, ActiveCampaignUpdateDealOperator,
)
from airflow_provider_activecampaign.sensors import ActiveCampaignWatchDealsSensor

OUT = {out!r}
DEAL = "{{{{ ti.xcom_pull(task_ids='create')['id'] }}}}"
with DAG("lineage_dag", schedule=None, start_date=pendulum.datetime(2026, 1, 1)) as dag:
    create = ActiveCampaignCreateDealOperator(task_id="create", title="Lineage", value=1, currency="usd",
                                              contact_id="1", pipeline_id="1", owner_id="1")
    update = ActiveCampaignUpdateDealOperator(task_id="update", deal_id=DEAL, title="Lineage 2")
    listed = ActiveCampaignListDealsOperator(task_id="list", output_path=OUT + "/deals.jsonl")
    export = ActiveCampaignIncrementalExportOperator(task_id="export", resource="contact",
                                                     output_path=OUT + "/contacts-{{{{ run_id }}}}.jsonl",
                                                     state_path=OUT + "/contacts-state.json")
    watch = ActiveCampaignWatchDealsSensor(task_id="watch", since="2000-01-01", until="2100-01-01",
                                           max_xcom_records=0, output_path=OUT + "/watched.jsonl")
    bulk = ActiveCampaignBulkImportContactsOperator(task_id="bulk", source_path=OUT + "/in.jsonl",
                                                    report_path=OUT + "/report.jsonl", poll_interval=0.05)
    delete = ActiveCampaignDeleteDealOperator(task_id="delete", deal_id=DEAL)
    create >> update >> listed >> export >> watch >> bulk >> delete
'''


@pytest.fixture(scope="module")
def lineage_log(tmp_path_factory):
    """OpenLineage's file transport, configured once for the module (the provider caches its settings)."""
    path = tmp_path_factory.mktemp("openlineage") / "events.jsonl"
    transport = json.dumps({"type": "file", "log_file_path": str(path), "append": True})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW__OPENLINEAGE__TRANSPORT", transport)
        patch.setenv("AIRFLOW__OPENLINEAGE__NAMESPACE", "tests")
        _clear_openlineage_caches()
        added = _register_listener()
        yield path
    for manager, listener in added:
        manager.pm.unregister(listener)
    _clear_openlineage_caches()


def _register_listener() -> list:
    """Airflow registers OpenLineage's listener when its plugin is first loaded, and not at all if
    OpenLineage was off then (earlier tests of the session): register it for this module's runs."""
    import importlib

    from airflow.providers.openlineage.plugins.listener import get_openlineage_listener

    listener, added = get_openlineage_listener(), []
    for module in ("airflow.sdk.listener", "airflow.listeners.listener"):
        try:
            manager = importlib.import_module(module).get_listener_manager()
        except ImportError:
            continue
        if not manager.pm.is_registered(listener):
            manager.add_listener(listener)
            added.append((manager, listener))
    return added


def _clear_openlineage_caches() -> None:
    from airflow.providers.openlineage import conf
    from airflow.providers.openlineage.plugins.listener import get_openlineage_listener

    for name in dir(conf):
        clear = getattr(getattr(conf, name), "cache_clear", None)
        if clear is not None:
            clear()
    get_openlineage_listener().adapter._client = None


def complete_events(path, run_id: str) -> dict[str, dict]:
    """COMPLETE events of the run's tasks, by task id."""
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    found = {}
    for event in events:
        parent = event["run"]["facets"].get("parent", {}).get("run", {})
        task = event["job"]["name"].rpartition(".")[2]
        if event["eventType"] == "COMPLETE" and "." in event["job"]["name"] and parent:
            found[task] = event
    return found


def names(datasets: list[dict]) -> list[tuple[str, str]]:
    return [(d["namespace"], d["name"]) for d in datasets]


def test_each_data_moving_task_reports_what_it_read_and_wrote(airflow_db, emulator, lineage_log, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "in.jsonl").write_text('{"email": "lineage@example.com"}\n')
    for n in range(2):
        emulator.insert("deals", title=f"seen {n}", value=10, currency="usd")
    emulator.insert("contacts", email="deal-owner@example.com")  # contact 1
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "lineage_dag.py").write_text(DAG_FILE.format(out=str(out)))
    with own_bundle(dags):
        run = load(dags, "lineage_dag").dag.test(logical_date=None)
    assert run.state == "success"

    account = f"activecampaign://{account_from_url(emulator.url)}"
    deals, contacts = (account, "deals"), (account, "contacts")
    local = lambda name: ("file", os.path.join(str(out), name))  # noqa: E731
    events = complete_events(lineage_log, run.run_id)
    seen = {task: (names(e["inputs"]), names(e["outputs"])) for task, e in events.items()}
    (export_file,) = [p.name for p in out.glob("contacts-*.jsonl")]
    assert seen == {
        "create": ([], [deals]),
        "update": ([], [deals]),
        "list": ([deals], [local("deals.jsonl")]),
        "export": ([contacts], [local(export_file)]),
        "watch": ([deals], [local("watched.jsonl")]),
        "bulk": ([local("in.jsonl")], [contacts, local("report.jsonl")]),
        "delete": ([], [deals]),
    }
    schema = {f["name"]: f["type"] for f in events["list"]["inputs"][0]["facets"]["schema"]["fields"]}
    assert schema["id"] == "string" and schema["title"] == "string" and schema["value"] == "integer"


def test_a_lineage_dataset_is_the_asset_of_the_same_uri():
    from airflow.providers.common.compat.sdk import Asset

    from airflow_provider_activecampaign.catalogue import resource
    from airflow_provider_activecampaign.lineage import file_dataset, resource_dataset

    reported = resource_dataset("https://acme.api-us1.com", resource("deal"))
    from airflow.providers.openlineage.utils.utils import translate_airflow_asset

    assert translate_airflow_asset(Asset("activecampaign://ACME/deals"), lineage_context=None) == \
        type(reported)(namespace=reported.namespace, name=reported.name)
    assert (reported.namespace, reported.name) == ("activecampaign://acme", "deals")
    s3 = file_dataset("s3://bucket/exports/deals.jsonl")
    assert (s3.namespace, s3.name) == ("s3://bucket", "exports/deals.jsonl")
