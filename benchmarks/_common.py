"""What the benchmark scripts share: an isolated Airflow home, the machine line, a table printer.

(``make bench`` runs every ``benchmarks/*.py`` except those starting with ``_``.)
"""

from __future__ import annotations

import atexit
import os
import platform
import shutil
import tempfile


def isolated_airflow(log_level: str) -> None:
    """A throw-away AIRFLOW_HOME (removed at exit); call before importing Airflow."""
    home = tempfile.mkdtemp(prefix="ac-bench-home-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ["AIRFLOW_HOME"] = home
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"  # operator.execute() outside a task runner, quietly
    os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = log_level


def machine(name: str) -> str:
    import airflow

    return (f"{name} benchmark: Python {platform.python_version()}, Airflow {airflow.__version__}, "
            f"{os.cpu_count()} cores, {platform.machine()} {platform.system()}")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """An aligned text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)
