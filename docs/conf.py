"""Sphinx configuration for the airflow-provider-activecampaign documentation (``make docs``)."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from sphinx.util import logging as sphinx_logging

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
html_static_path = ["_static"]

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


# The reference must not come out garbled (the build fails on it, warnings being errors): a field
# such as ":param" that is not at the start of its line is printed literally, ":param a, b:" reads
# "a," as a type, and an attribute comment "#: words: more" is shown as "TYPE: words".
_LOG = sphinx_logging.getLogger(__name__)
_FIELD_INSIDE = re.compile(r"\S.*?\s:(?:param|type|returns?|raises?)\b[^:]*:")
_FIELD_NAMES = re.compile(r"^\s*:param\s+[^:]*[,\s][^:]*:")
_ATTRIBUTE_TYPE = re.compile(r"^[A-Za-z][\w ]*:\s")
_LITERAL_FIELD = re.compile(r":(?:param|type|returns?|rtype|raises?)[\s:]")


def check_docstring(what: str, name: str, lines: list[str]) -> list[str]:
    """What is garbled in a docstring once rendered (empty when nothing is)."""
    problems = [f"a field inside a line: {line.strip()!r}" for line in lines if _FIELD_INSIDE.search(line)]
    problems += [f"several names in one field: {line.strip()!r}" for line in lines if _FIELD_NAMES.match(line)]
    if what == "attribute" and lines and _ATTRIBUTE_TYPE.match(lines[0]):
        problems.append(f"read as 'TYPE: ...' (reword the comment): {lines[0]!r}")
    return problems


def _check_docstring(app, what, name, obj, options, lines):
    for problem in check_docstring(what, name, lines):
        _LOG.warning("garbled docstring of %s: %s", name, problem)


def _check_built_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(Path(app.outdir, "api").glob("*.html")):
        text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        for match in _LITERAL_FIELD.finditer(text):
            _LOG.warning("%s shows a literal %r: %r", page.name, match.group(0).strip(),
                         text[max(0, match.start() - 60):match.end() + 40])


def setup(app):
    app.connect("autodoc-process-docstring", _user_facing_docstring)
    app.connect("autodoc-process-docstring", _check_docstring)
    app.connect("build-finished", _check_built_pages)
