"""data/README.md, generated from data/datapackage.json so the two never disagree.

Regenerate with ``python -m bakhmut_report.present.datadict > data/README.md`` (a test checks it).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..model.paths import DATA_DIR

UNITS = {
    "lat": "degrees",
    "lon": "degrees",
    "population": "persons",
    "date": "day",
    "position": "order",
    "km": "km",
    "low_km": "km",
    "high_km": "km",
}


def _cell(text: str) -> str:
    """Markdown table cell: a literal '|' would end the cell."""
    return str(text).replace("|", "\\|")


def _constraints(field: dict) -> str:
    cons = field.get("constraints", {})
    parts = []
    if cons.get("required"):
        parts.append("required")
    if cons.get("unique"):
        parts.append("unique")
    if "enum" in cons:
        parts.append("one of " + ", ".join(f"`{v}`" for v in cons["enum"]))
    if "pattern" in cons:
        parts.append(f"pattern `{cons['pattern']}`")
    if "minimum" in cons or "maximum" in cons:
        parts.append(f"{cons.get('minimum', '')}..{cons.get('maximum', '')}")
    if field.get("type") == "list":
        parts.append(f"list separated by `{field.get('delimiter', ',')}`")
    return "; ".join(parts)


def render(data_dir: Path = DATA_DIR) -> str:
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    out = [
        f"# {package['title']}",
        "",
        "Generated from `datapackage.json` (a Frictionless Data Package) by "
        "`python -m bakhmut_report.present.datadict > data/README.md`; do not edit by hand.",
        "",
        package["description"],
        "",
        "## Provenance",
        "",
        "| source | producer | date published | date accessed | licence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in package["sources"]:
        title = f"[{s['title']}]({s['path']})" if s.get("path") else s["title"]
        via = f" (via {s['via']})" if s.get("via") else ""
        out.append(
            f"| {title}{via} | {s.get('producer', '')} | {s.get('date_published', '')} | "
            f"{s.get('date_accessed', '')} | {s.get('license', '')} |"
        )
    out += [
        "",
        "Licence of the compilation: "
        + ", ".join(f"[{lic['name']}]({lic['path']})" for lic in package["licenses"])
        + ".",
        "",
    ]
    for resource in package["resources"]:
        out += [f"## `{resource['path']}` — {resource['title']}", ""]
        if "schema" not in resource:
            out += [resource.get("description", ""), ""]
            continue
        schema = resource["schema"]
        keys = [f"primary key `{', '.join(schema['primaryKey'])}`"]
        for fk in schema.get("foreignKeys", []) + resource.get("x-listForeignKeys", []):
            ref = fk["reference"]
            keys.append(f"`{fk['fields']}` → `{ref['resource']}.{ref['fields']}`")
        out += [
            "Keys: " + "; ".join(keys) + ".",
            "",
            "| field | type | unit | rules | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for field in schema["fields"]:
            out.append(
                f"| `{field['name']}` | {field['type']} | {UNITS.get(field['name'], '')} | "
                f"{_cell(_constraints(field))} | {_cell(field['description'])} |"
            )
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
