"""The incremental export's tombstones: one row per record deleted since the last reconciliation.

Over real HTTP against the emulator; the kills are real SIGKILLs of a process running the export.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from airflow_provider_activecampaign import io as export_io
from airflow_provider_activecampaign.exceptions import ActiveCampaignApiError, ActiveCampaignInputError
from airflow_provider_activecampaign.operators import ActiveCampaignIncrementalExportOperator, export, export_tombstones

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def run(folder: Path, run_id: str, **kwargs) -> tuple[dict, list[dict], list[dict]]:
    """One export: its result, its record rows and its tombstone rows."""
    result = ActiveCampaignIncrementalExportOperator(
        task_id="export", resource=kwargs.pop("resource", "contact"), output_path=str(folder / f"{run_id}.jsonl"),
        state_path=str(folder / "state.json"), **kwargs).execute({"run_id": run_id})
    return result, *rows(folder, run_id)


def rows(folder: Path, run_id: str) -> tuple[list[dict], list[dict]]:
    lines = [json.loads(line) for line in (folder / f"{run_id}.jsonl").read_text().splitlines()]
    return [r for r in lines if r.get("tombstone") is not True], [r for r in lines if r.get("tombstone") is True]


def contacts(emulator, count: int) -> list[str]:
    stamp = (NOW - timedelta(days=1)).isoformat()
    return [emulator.insert("contacts", email=f"c{n}@example.com", cdate=stamp, udate=stamp)["id"]
            for n in range(count)]


def pages(emulator) -> int:
    """Pages of contacts read (the date filters' probe, once per account, aside)."""
    return sum(1 for r in emulator.requests if r.path == "/api/3/contacts" and "orders[id]" in r.query)


def id_reads(emulator) -> int:
    """Pages of the whole contact list (in id order, no date filter): the reconciliation's id read."""
    return sum(1 for r in emulator.requests if r.path == "/api/3/contacts" and "orders[id]" in r.query
               and not any(k.startswith("filters[") for k in r.query))


def state(folder: Path) -> dict:
    return json.loads((folder / "state.json").read_text())


def test_a_record_deleted_between_two_runs_gives_exactly_one_tombstone_row(emulator, tmp_path):
    ids = contacts(emulator, 5)
    result, records, tombstones = run(tmp_path, "r1", tombstones=True)
    assert sorted(r["id"] for r in records) == sorted(ids) and tombstones == []
    assert state(tmp_path)["deletes"]["ids"] == [[int(ids[0]), int(ids[-1])]]  # ranges, not one entry per id

    emulator.delete("contacts", ids[2])
    emulator.clear_requests()
    result, records, tombstones = run(tmp_path, "r2", tombstones=True)
    assert records == [] and [t["id"] for t in tombstones] == [ids[2]]
    assert set(tombstones[0]) == {"id", "tombstone", "deleted_detected_at"}  # contacts' own "deleted" is "0"
    assert datetime.fromisoformat(tombstones[0]["deleted_detected_at"]) >= NOW
    assert result["count"] == 1 and id_reads(emulator) == 1  # one page of ids

    emulator.clear_requests()
    _, records, tombstones = run(tmp_path, "r3", tombstones=True)
    assert records == [] and tombstones == [] and id_reads(emulator) == 1  # no deletion: no row


def test_off_by_default_no_tombstones_and_no_extra_requests(emulator, tmp_path):
    ids = contacts(emulator, 5)
    run(tmp_path, "r1")
    emulator.delete("contacts", ids[0])
    emulator.clear_requests()
    result, records, tombstones = run(tmp_path, "r2")
    assert records == tombstones == [] and result["count"] == 0
    assert pages(emulator) == 1 and id_reads(emulator) == 0 and "deletes" not in state(tmp_path)
    emulator.clear_requests()
    run(tmp_path, "r3", tombstones=True)  # the same run with tombstones: one page of ids more
    assert pages(emulator) == 2 and id_reads(emulator) == 1


def test_between_reconciliations_no_ids_are_read_and_exported_records_are_kept(emulator, tmp_path):
    """A record created and deleted between two reconciliations, but exported meanwhile, gets its row."""
    kept = contacts(emulator, 3)
    run(tmp_path, "r1", tombstones=True, reconcile_interval=timedelta(hours=1))
    fresh = emulator.insert("contacts", email="fresh@example.com")["id"]
    emulator.delete("contacts", kept[0])
    emulator.clear_requests()
    _, records, tombstones = run(tmp_path, "r2", tombstones=True, reconcile_interval=3600)
    assert [r["id"] for r in records] == [fresh] and tombstones == [] and id_reads(emulator) == 0  # not due
    emulator.delete("contacts", fresh)
    _, records, tombstones = run(tmp_path, "r3", tombstones=True)  # every run: due now
    assert records == [] and sorted(t["id"] for t in tombstones) == sorted([kept[0], fresh])
    _, _, tombstones = run(tmp_path, "r4", tombstones=True)
    assert tombstones == []


KILLED_EXPORT = """
import os, signal, sys
from airflow_provider_activecampaign import io
from airflow_provider_activecampaign.operators import export
from airflow_provider_activecampaign.operators import ActiveCampaignIncrementalExportOperator

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "before_move":
    io._Export.finish = die
else:
    export.ExportState.commit = die
ActiveCampaignIncrementalExportOperator(
    task_id="export", resource="contact", output_path=sys.argv[2], state_path=sys.argv[3],
    tombstones=sys.argv[4] == "tombstones").execute({"run_id": "r2"})
"""


def killed(folder: Path, where: str, tombstones: bool = True) -> None:
    """Run the second export in a process SIGKILLed ``where``: before or after its file is moved into place."""
    args = [where, str(folder / "r2.jsonl"), str(folder / "state.json"), "tombstones" if tombstones else "-"]
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED_EXPORT), *args], env=os.environ.copy(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]


@pytest.mark.parametrize("where", ["before_move", "after_move"])
@pytest.mark.parametrize("then", ["retry", "next_run"])
def test_a_kill_between_writing_and_committing_neither_doubles_nor_loses_a_tombstone(emulator, tmp_path, where,
                                                                                    then):
    ids = contacts(emulator, 4)
    run(tmp_path, "r1", tombstones=True)
    emulator.delete("contacts", ids[1])
    changed = emulator.insert("contacts", email="new@example.com")["id"]
    killed(tmp_path, where)
    assert (tmp_path / "r2.jsonl").exists() == (where == "after_move")
    assert state(tmp_path)["lease"]["run_id"] == "r2"  # the killed attempt's lease

    if then == "retry":  # the task's retry: the same run
        result, records, tombstones = run(tmp_path, "r2", tombstones=True)
        later = "r3"
    else:  # no retry: the next run takes the dead attempt's lease over
        result, _, _ = run(tmp_path, "r3", tombstones=True, lease_timeout=0)
        later = "r4"
        if where == "before_move":
            records, tombstones = rows(tmp_path, "r3")
        else:  # the killed attempt's file stands; the next run does not repeat it
            assert result["count"] == 0
            records, tombstones = rows(tmp_path, "r2")
    assert [r["id"] for r in records] == [changed] and [t["id"] for t in tombstones] == [ids[1]]
    assert "pending" not in state(tmp_path) and state(tmp_path)["lease"] is None
    _, records, tombstones = run(tmp_path, later, tombstones=True)
    assert records == [] and tombstones == []


def test_tombstones_need_a_yes_or_no(emulator, tmp_path):
    with pytest.raises(ActiveCampaignInputError, match="tombstones"):
        run(tmp_path, "r1", tombstones="yes")
    with pytest.raises(ActiveCampaignInputError, match="reconcile_interval"):
        run(tmp_path, "r1", tombstones=True, reconcile_interval=-1)
    assert emulator.requests == []


def test_without_tombstones_a_kill_after_the_file_is_in_place_exports_nothing_twice(emulator, tmp_path):
    contacts(emulator, 2)
    run(tmp_path, "r1")
    changed = emulator.insert("contacts", email="new@example.com")["id"]
    killed(tmp_path, "after_move", tombstones=False)
    result, records, _ = run(tmp_path, "r2")  # the retry finds its file in place: it commits, reads nothing
    assert result["count"] == 1 and [r["id"] for r in records] == [changed] and state(tmp_path)["lease"] is None
    assert run(tmp_path, "r3")[0]["count"] == 0


@pytest.mark.parametrize("fails", ["reading_ids", "after_a_checkpoint_of_tombstones"])
def test_a_retried_run_resumes_and_writes_each_tombstone_once(emulator, tmp_path, monkeypatch, fails):
    ids = contacts(emulator, 250)
    run(tmp_path, "r1", tombstones=True)
    for rid in ids[:150]:
        emulator.delete("contacts", rid)
    monkeypatch.setattr(export_io, "CHECKPOINT_EVERY", 40)
    monkeypatch.setattr(export_tombstones, "TOMBSTONES_A_PAGE", 50)
    if fails == "reading_ids":
        emulator.on_request(lambda emu, request: "orders[id]" in request.query and "filters[updated_after]" not in
                            request.query and emu.inject_fault(status=422, method="GET", path="contacts"))
    else:
        prepare = export.ExportState.prepare
        monkeypatch.setattr(export.ExportState, "prepare", lambda *args: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises((ActiveCampaignApiError, OSError)):
        run(tmp_path, "r2", tombstones=True)
    assert not (tmp_path / "r2.jsonl").exists() and state(tmp_path)["lease"] is None
    emulator.on_request(None)
    if fails != "reading_ids":
        monkeypatch.setattr(export.ExportState, "prepare", prepare)
    emulator.clear_requests()
    _, records, tombstones = run(tmp_path, "r2", tombstones=True)
    assert records == [] and [t["id"] for t in tombstones] == ids[:150]  # each once, in id order
    assert id_reads(emulator) == (1 if fails == "reading_ids" else 0)  # resumed: ids read before are kept
    assert run(tmp_path, "r3", tombstones=True)[2] == []


def test_a_run_that_reads_every_record_takes_the_ids_from_that_read(emulator, tmp_path):
    """Calendars have no date filter: each run reads them all, so tombstones cost no request."""
    stamp = (NOW - timedelta(days=1)).isoformat()
    ids = [emulator.insert("calendars", title=f"c{n}", type="All", cdate=stamp, mdate=stamp)["id"] for n in range(3)]
    run(tmp_path, "r1", resource="calendar", tombstones=True)
    emulator.delete("calendars", ids[0])
    emulator.clear_requests()
    _, records, tombstones = run(tmp_path, "r2", resource="calendar", tombstones=True)
    assert records == [] and [t["id"] for t in tombstones] == [ids[0]]
    assert len(emulator.requests) == 1  # the records read, nothing more
    emulator.delete("calendars", ids[1])
    emulator.clear_requests()
    _, _, tombstones = run(tmp_path, "r3", resource="calendar")
    assert tombstones == [] and len(emulator.requests) == 1
