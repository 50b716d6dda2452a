"""The live benchmarks' throw-away Airflow home: deleted at exit, or kept where ``BENCH_KEEP`` says."""

from __future__ import annotations

from tests.triggers.live_airflow import LiveAirflow


def test_the_home_is_deleted_at_exit_by_default(monkeypatch):
    monkeypatch.delenv("BENCH_KEEP", raising=False)
    airflow = LiveAirflow({"d": "x = 1"}, "{}")  # no process started: only the home exists
    airflow.__exit__(None, None, None)
    assert not airflow.home.exists()


def test_bench_keep_keeps_the_home_with_its_logs(monkeypatch, tmp_path):
    kept = tmp_path / "kept"
    monkeypatch.setenv("BENCH_KEEP", str(kept))
    airflow = LiveAirflow({"d": "x = 1"}, "{}")
    (airflow.home / "triggerer.log").write_text("Trigger fired event\n")
    airflow.__exit__(None, None, None)
    assert (kept / "triggerer.log").read_text() == "Trigger fired event\n"
    assert (kept / "dags" / "d.py").read_text() == "x = 1"
