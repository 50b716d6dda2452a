"""Sphinx configuration for the airflow-provider-activecampaign documentation (``make docs``)."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Autodoc imports the package, which imports Airflow: give Airflow a throwaway home so the build
# needs no metadata database and leaves no airflow.cfg behind.
if "AIRFLOW_HOME" not in os.environ:
    _home = tempfile.mkdtemp(prefix="ac-docs-airflow-home-")
    atexit.register(shutil.rmtree, _home, ignore_errors=True)
    os.environ["AIRFLOW_HOME"] = _home
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")

from airflow_provider_activecampaign import __version__  # noqa: E402

project = "ActiveCampaign provider for Apache Airflow"
author = "airflow-provider-activecampaign contributors"
copyright = "the airflow-provider-activecampaign contributors; Apache License 2.0"
release = __version__
version = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    "member-order": "bysource",
}
autodoc_typehints = "description"
autodoc_class_signature = "separated"
# Airflow's own classes are not documented here; do not fail on references to them.
nitpicky = False

html_theme = "furo"
html_title = f"ActiveCampaign provider {release}"
html_show_sourcelink = False

# Docstrings in the package may name the catalogue's internal action ids ("CON-02: ...",
# "from CON-12"); the reference speaks the user's language, so a leading id is dropped and
# any other one becomes the class that serves it (docs/coverage.md is the one place that maps
# them). Also end a field list with a blank line where a docstring continues in prose.
_ID = r"\b[A-Z]{1,3}-\d{2}\b"
_COVERAGE = dict(
    re.findall(r"^\|\s*([A-Z]{1,3}-\d{2})\s*\|\s*(\w+)\s*\|", (ROOT / "docs" / "coverage.md").read_text(), re.M)
)


def _user_facing_docstring(app, what, name, obj, options, lines):
    text = "\n".join(lines)
    text = re.sub(rf"^{_ID}(?:\s*(?:\.\.|,|/)\s*{_ID})*:\s*(\w)", lambda m: m.group(1).upper(), text)
    text = re.sub(rf"\s*\([^()]*{_ID}\s*\.\.[^()]*\)", "", text)  # "(W-01..W-05 of docs/coverage.md)"
    text = re.sub(_ID, lambda m: f"``{_COVERAGE[m.group(0)]}``" if m.group(0) in _COVERAGE else m.group(0), text)
    in_fields = False
    out: list[str] = []
    for line in text.split("\n"):
        if in_fields and line and not line[0].isspace() and not line.startswith(":"):
            out.append("")
            in_fields = False
        if line.startswith(":"):
            in_fields = True
        elif not line:
            in_fields = False
        out.append(line)
    lines[:] = out


def setup(app):
    app.connect("autodoc-process-docstring", _user_facing_docstring)
