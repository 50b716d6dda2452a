"""Write the "The v3 document" section of docs/coverage.md from the catalogue and the OpenAPI document.

Run after adding a resource, sub-collection or action: ``python scripts/coverage_doc.py``
(``tests/test_coverage.py`` fails until the page says what the catalogue serves).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from airflow_provider_activecampaign.catalogue.coverage import EXCLUDED, catalogue_operations, coverage

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = next(p / "shared" / "activecampaign" / "openapi-v3.json" for p in (ROOT.parent, ROOT.parent.parent)
                if (p / "shared" / "activecampaign" / "openapi-v3.json").exists())
INTRO = (
    "The catalogue serves {covered} of the document's {operations} operations "
    "(`shared/activecampaign/openapi-v3.json`); {excluded} are excluded below. `tests/test_coverage.py` checks "
    "these figures, the exclusions and the names below against the document and "
    "`airflow_provider_activecampaign/catalogue/coverage.py` (regenerate with `python scripts/coverage_doc.py`). "
    "Resources serve the generic operators (`ActiveCampaignCreateOperator`... with `resource=`, and `parent_id=` "
    "for a nested resource) and the incremental export; sub-collections the list and get operators with `parent=` "
    "and `parent_id=`; actions `ActiveCampaignActionOperator(action=...)`."
)


def section() -> str:
    figures = coverage(DOCUMENT)
    printed = {(m.upper(), re.sub(r"{\w*}", "{}", path)): path
               for path, item in json.loads(DOCUMENT.read_text())["paths"].items() for m in item}
    by_entry: dict[str, list[str]] = defaultdict(list)
    for (method, path), name in sorted(catalogue_operations().items(), key=lambda x: (x[1], x[0][1], x[0][0])):
        by_entry[name].append(f"`{method} {path}`")
    lines = ["## The v3 document", "",
             INTRO.format(covered=figures["covered"], operations=figures["operations"],
                          excluded=len(figures["excluded"])),
             "", "### Excluded", "", "| operation | why |", "|---|---|"]
    lines += [f"| `{op[0]} {printed[op]}` | {why} |" for op, why in EXCLUDED.items()]
    lines += ["", "### Served", "", "| catalogue entry | operations (`{}`: an id) |", "|---|---|"]
    lines += [f"| `{name}` | {', '.join(ops)} |" for name, ops in sorted(by_entry.items(), key=lambda x: x[0].lower())]
    return "\n".join(lines) + "\n"


def main() -> int:
    page = ROOT / "docs" / "coverage.md"
    text = page.read_text()
    head = text[:text.index("## The v3 document")] if "## The v3 document" in text else text.rstrip() + "\n\n"
    page.write_text(head + section())
    return 0


if __name__ == "__main__":
    sys.exit(main())
