"""Exports: written whole or not at all (local and object storage), checkpointed, resumed after a failure."""

from __future__ import annotations

import importlib
import json

import pytest

from airflow_provider_activecampaign import io as export_io
from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError
from airflow_provider_activecampaign.operators import ActiveCampaignListOperator


@pytest.fixture
def memory_storage():
    """``memory://`` as an object store (an fsspec store without local renames), where Airflow allows it."""
    from fsspec.implementations.memory import MemoryFileSystem

    module = next((importlib.import_module(name) for name in ("airflow.sdk.io.fs", "airflow.io")
                   if importlib.util.find_spec(name)), None)
    registry = module._register_filesystems()
    registry["memory"] = lambda conn_id=None, options=None: MemoryFileSystem()
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    try:
        ObjectStoragePath("memory://bucket/probe")
    except TypeError:
        pytest.skip("this Airflow's ObjectStoragePath takes no memory:// store")
    yield "memory://bucket/exports"
    registry.pop("memory", None)
    MemoryFileSystem.store.clear()


@pytest.fixture(params=["local", "file URL", "memory store"])
def folder(request, tmp_path):
    if request.param == "local":
        return str(tmp_path)
    if request.param == "file URL":
        try:
            storage(f"file://{tmp_path}")
        except TypeError:
            pytest.skip("this Airflow's ObjectStoragePath takes no file:// URL")
        return f"file://{tmp_path}"
    return request.getfixturevalue("memory_storage")


def storage(url: str):
    from airflow.providers.common.compat.sdk import ObjectStoragePath

    return ObjectStoragePath(url)


def siblings(folder: str) -> list[str]:
    return sorted(p.name for p in storage(folder).iterdir()) if storage(folder).exists() else []


def deals(emulator, n: int) -> list[str]:
    return [emulator.insert("deals", title=f"d{i}", value="1", currency="usd")["id"] for i in range(n)]


def export(folder: str, **kwargs) -> dict:
    return ActiveCampaignListOperator(task_id="t", resource="deal", output_path=f"{folder}/deals.jsonl",
                                      **kwargs).execute({})


def lines(url: str) -> list[dict]:
    return [json.loads(line) for line in storage(url).read_text().splitlines()]


def fail_at(n: int):
    """A request hook that makes the ``n``-th request fail for good (a 422 is not retried)."""
    seen = []

    def hook(emu, request):
        seen.append(request)
        if len(seen) == n:
            emu.inject_fault(status=422, method="GET", path="deals")
    return hook


def test_a_failed_export_leaves_no_file_at_the_output_path(emulator, folder):
    deals(emulator, 250)
    emulator.on_request(fail_at(3))
    with pytest.raises(ActiveCampaignApiError):
        export(folder)
    assert siblings(folder) == []  # nothing at the output path, no part, no checkpoint (nothing to resume)


def test_a_retried_export_resumes_from_its_checkpoint_and_tidies_up(emulator, folder, monkeypatch):
    made = deals(emulator, 950)
    monkeypatch.setattr(export_io, "CHECKPOINT_EVERY", 200)
    emulator.on_request(fail_at(6))
    with pytest.raises(ActiveCampaignApiError):
        export(folder)
    left = siblings(folder)
    assert "deals.jsonl" not in left and "deals.jsonl.checkpoint" in left
    saved = json.loads(storage(f"{folder}/deals.jsonl.checkpoint").read_text())
    assert saved["count"] == 298 and saved["parts"] == 1  # pages of 100, 99, 99; the failed part dropped
    emulator.on_request(None)
    emulator.clear_requests()
    emulator.delete("deals", made[10])  # deleted between the attempts, after it was written
    result = export(folder)
    assert result == {"path": f"{folder}/deals.jsonl", "count": 950}
    assert [d["id"] for d in lines(f"{folder}/deals.jsonl")] == made
    assert int(emulator.requests[0].query["offset"][0]) > 0  # resumed, not started over
    assert siblings(folder) == ["deals.jsonl"]


def test_a_checkpoint_for_another_read_is_not_resumed(emulator, tmp_path, monkeypatch):
    made = deals(emulator, 300)
    monkeypatch.setattr(export_io, "CHECKPOINT_EVERY", 100)
    (tmp_path / "deals.jsonl.checkpoint").write_text(json.dumps(
        {"key": {"path": "contacts"}, "position": {"offset": 200}, "count": 200, "parts": 1}))
    (tmp_path / "deals.jsonl.part-00001").write_text('{"id": "x"}\n')
    result = export(str(tmp_path))
    assert result["count"] == 300 and [d["id"] for d in lines(f"{tmp_path}/deals.jsonl")] == made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deals.jsonl"]


def test_a_successful_export_replaces_the_previous_file_whole(emulator, tmp_path):
    deals(emulator, 120)
    (tmp_path / "deals.jsonl").write_text("old\n")
    assert export(str(tmp_path), limit=7)["count"] == 7
    assert len(lines(f"{tmp_path}/deals.jsonl")) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deals.jsonl"]


def test_export_logs_progress(emulator, tmp_path, monkeypatch, capfd):
    deals(emulator, 450)
    monkeypatch.setattr(export_io, "CHECKPOINT_EVERY", 150)
    export(str(tmp_path))
    out = "".join(capfd.readouterr())
    assert "Export of deals to" in out and "199 records written (checkpoint saved)" in out
    assert "Wrote 450 deals to" in out


def test_pages_are_written_one_compact_line_a_record(folder):
    import logging

    pages = [[{"id": "1", "name": "Zoë"}, {"id": "2", "tags": ["a", "b"]}], [], [{"id": "3", "n": None}]]
    done = export_io.export_pages(lambda position: [(page, None) for page in pages], f"{folder}/x.jsonl",
                                  log=logging.getLogger("t"), what="records")
    assert done == {"path": f"{folder}/x.jsonl", "count": 3}
    text = storage(f"{folder}/x.jsonl").read_text()
    assert text == '{"id":"1","name":"Zoë"}\n{"id":"2","tags":["a","b"]}\n{"id":"3","n":null}\n'
