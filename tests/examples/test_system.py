"""Every example DAG runs as a system test: its file ends with ``test_run = get_test_run(dag)``, and
``test_run()`` (one ``dag.test()`` run that must succeed) runs here against the emulator, on every
Airflow version CI runs. The docs include the examples by their ``[START ...]`` markers, so what
users read is what ran. (tests/examples/test_example_dags.py checks what each example did in detail.)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.examples.test_example_dags import EXAMPLES, bundle, load  # noqa: F401 (bundle: a fixture)

NAMES = sorted(p.stem for p in EXAMPLES.glob("example_*.py"))


def _prepare(name: str, emulator, monkeypatch, tmp_path) -> None:
    """What an example needs from its environment: the data it waits for, where its files go."""
    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_EXPORT_URL", str(tmp_path / "export"))
    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_WATCH_URL", str(tmp_path / "watch"))
    monkeypatch.setenv("AIRFLOW_VAR_ACTIVECAMPAIGN_WEBHOOK_TOKEN", "system-test-token")
    if name == "example_activecampaign_watch":  # deals in the run's window, so the sensor finds them at once
        when = datetime.now(timezone.utc) - timedelta(hours=1)
        emulator.insert("deals", title="watched", value=1000, currency="usd", cdate=when, mdate=when)


def test_every_example_ends_with_its_test_run():
    for name in NAMES:
        source = (EXAMPLES / f"{name}.py").read_text()
        assert source.rstrip().endswith("test_run = get_test_run(dag)"), name


@pytest.mark.parametrize("name", NAMES)
def test_system(name, bundle, emulator, monkeypatch, tmp_path):  # noqa: F811
    _prepare(name, emulator, monkeypatch, tmp_path)
    module = load(name)
    assert module.test_run.__name__ == f"test_run_{module.dag.dag_id}"
    run = module.test_run()
    assert run.dag_id == name
