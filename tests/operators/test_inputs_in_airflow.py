"""Bad input in real Airflow: a literal bad value is an import error of the DAG file; a value
rendered from a missing XCom fails its task in ``dag.test()`` without a write."""

from __future__ import annotations

import importlib.util
import json
import textwrap

import pytest

BAD_LITERAL = '''
import pendulum
from airflow.sdk import DAG
from airflow_provider_activecampaign.operators import ActiveCampaignCreateDealOperator

with DAG("bad_literal", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None):
    ActiveCampaignCreateDealOperator(task_id="deal", title="Big", value=99999999999, currency="usd",
                                     contact_id=1, pipeline_id=1)
'''

MISSING_XCOM = '''
import pendulum
from airflow.sdk import DAG, task
from airflow_provider_activecampaign.operators import ActiveCampaignUpsertCalendarFeedOperator

with DAG("missing_xcom", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None) as dag:
    @task
    def find_feed():
        return None  # nothing found: no XCom value

    find_feed() >> ActiveCampaignUpsertCalendarFeedOperator(
        task_id="rename_feed", calendar_id="{{ ti.xcom_pull(task_ids='find_feed') }}", title="Renamed", retries=0)
'''


@pytest.fixture
def dag_folder(airflow_db, tmp_path):
    """``tmp_path`` as the DAG bundle (``dag.test()`` on 3.1+ parses the DAG's bundle)."""
    bundles = [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
                "kwargs": {"path": str(tmp_path)}}]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
        yield tmp_path


def test_a_literal_bad_value_is_an_import_error_of_the_dag(dag_folder):
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3.2+
    except ImportError:
        from airflow.models.dagbag import DagBag

    (dag_folder / "bad_literal.py").write_text(textwrap.dedent(BAD_LITERAL))
    bag = DagBag(dag_folder=str(dag_folder))
    (error,) = bag.import_errors.values()
    assert "ActiveCampaignCreateDealOperator(task_id='deal'): field 'value' must be a whole number from 0 to " \
           "2147483647, got 99999999999" in error
    assert bag.dag_ids == []


def test_an_id_rendered_from_a_missing_xcom_fails_the_task_without_a_write(dag_folder, emulator, caplog, capfd):
    path = dag_folder / "missing_xcom.py"
    path.write_text(textwrap.dedent(MISSING_XCOM))
    spec = importlib.util.spec_from_file_location("_missing_xcom", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = len(emulator.records("calendars"))
    emulator.clear_requests()

    run = module.dag.test()

    assert run.state == "failed"
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {"find_feed": "success", "rename_feed": "failed"}
    logged = caplog.text + "".join(capfd.readouterr())  # the task runner logs through logging or structlog
    assert "ActiveCampaignUpsertCalendarFeedOperator(task_id='rename_feed'): field 'calendar_id' must be an " \
           "ActiveCampaign id" in logged
    assert emulator.requests == []  # the rendered "None" was refused before any request
    assert len(emulator.records("calendars")) == before  # no second feed created
