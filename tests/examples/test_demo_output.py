"""``make demo`` shows Airflow's notable log lines whole: wrapped between words, never cut."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "demo.py"


def load_demo():
    spec = importlib.util.spec_from_file_location("_demo", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_long_lines_wrap_between_words_and_lose_nothing(capsys):
    demo = load_demo()
    url = "https://acme.activehosted.com/app/deals/" + "7" * 180  # longer than a line: kept whole
    line = "[2026-01-01T00:00:00] INFO - Updated webhook 3: 'Airflow deal add': " + " ".join(
        f"field{n}" for n in range(60)) + " " + url
    demo.show(line + "\nan unremarkable line\n")

    shown = capsys.readouterr().out.splitlines()
    assert len(shown) > 1  # wrapped, not cut
    assert " ".join(" ".join(shown).split()) == " ".join(line.split())  # every word, in order
    assert all(len(row) <= demo.WIDTH for row in shown if url not in row)
    assert any(row.strip() == url for row in shown)
    assert "unremarkable" not in " ".join(shown)
