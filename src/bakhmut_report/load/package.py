"""Read the data package in ``data/`` and check every row against its Table Schema.

``datapackage.json`` (Frictionless Data Package with Table Schemas) is the one
description of the data; this module enforces it: field types, required
fields, enums, patterns, ranges, unique and primary keys, foreign keys, and
``x-listForeignKeys`` for the ';'-separated id lists the standard cannot express.
All problems are collected and raised together as one ``DataError``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.errors import DataError, Problem, did_you_mean
from ..model.vocabulary import TABLES

DESCRIPTOR = "datapackage.json"


@dataclass
class Row:
    """One CSV record: typed values plus the file line it started on."""

    line: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class Table:
    name: str
    path: str  # relative to the data directory, as in messages
    fields: list[dict]
    rows: list[Row] = field(default_factory=list)
    readable: bool = True  # False when the file could not be read as a whole (header, encoding)


def _problem(
    problems: list[Problem], table: Table, line: int | None, column: str | None, value: str | None, message: str
) -> None:
    problems.append(Problem(f"data/{table.path}", line, column, value, message))


def load_descriptor(data_dir: Path) -> dict:
    path = data_dir / DESCRIPTOR
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            [
                Problem(
                    f"data/{DESCRIPTOR}",
                    None,
                    None,
                    None,
                    f"missing: the data directory {data_dir.name!r} has no {DESCRIPTOR}",
                )
            ]
        ) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            [
                Problem(
                    f"data/{DESCRIPTOR}",
                    None,
                    None,
                    None,
                    f"not UTF-8 ({exc.reason} at byte {exc.start}): save it as UTF-8",
                )
            ]
        ) from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            [Problem(f"data/{DESCRIPTOR}", exc.lineno, None, None, f"invalid JSON: {exc.msg} (column {exc.colno})")]
        ) from None
    except (RecursionError, ValueError):  # ValueError: an integer of more than 4300 digits
        raise DataError(
            [Problem(f"data/{DESCRIPTOR}", None, None, None, "invalid JSON: nested too deeply or a number too long")]
        ) from None
    check_descriptor(descriptor)
    return descriptor


FIELD_TYPES = ("string", "integer", "number", "date", "list")
CONSTRAINT_TYPES = {
    "required": (bool,),
    "unique": (bool,),
    "enum": (list,),
    "pattern": (str,),
    "maxLength": (int,),
    "minimum": (int, float),
    "maximum": (int, float),
}


def _refuse(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise DataError(
            [
                Problem(
                    f"data/{DESCRIPTOR}",
                    None,
                    None,
                    None,
                    f"{where} {what}: restore the file (git checkout data/{DESCRIPTOR})",
                )
            ]
        )


def _is_a(value: Any, *kinds: type) -> bool:
    """isinstance, but a bool is not an int unless bool is asked for."""
    return isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))


def check_descriptor(descriptor: Any) -> None:
    """Check the parts of datapackage.json the loader relies on.

    A damaged descriptor (a wrong type, a missing key, a bad pattern, a foreign
    key to nowhere) is then reported as a DataError naming the place, instead
    of crashing the loader. Field types are trusted once present: changing one
    is a change of the schema, not damage.
    """
    _refuse(
        isinstance(descriptor, dict) and _is_a(descriptor.get("resources"), list),
        "the top level",
        'must be an object with a "resources" list',
    )
    resources = descriptor["resources"]
    for i, resource in enumerate(resources):
        _refuse(
            isinstance(resource, dict) and _is_a(resource.get("name"), str) and _is_a(resource.get("path"), str),
            f"resources[{i}]",
            'must be an object with a "name" and a "path"',
        )
    columns = {
        resource["name"]: _check_schema(i, resource) for i, resource in enumerate(resources) if "schema" in resource
    }
    missing = [t for t in TABLES if t not in columns]
    _refuse(not missing, "resources", f"lacks the table{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    for resource in resources:
        _check_foreign_keys(resource, columns)
    article = next(r for r in resources if r["name"] == "article")
    extra = article.get("x-article")
    _refuse(
        isinstance(extra, dict) and bool(re.fullmatch(r"\d{4}-\d{2}", str(extra.get("date")))),
        "the article resource",
        'needs "x-article": {"date": "YYYY-MM"}',
    )


def _check_schema(index: int, resource: dict) -> list[str]:
    """A resource's Table Schema is usable; returns its field names."""
    schema, where = resource["schema"], f"resources[{index}] ({resource['name']})"
    _refuse(
        isinstance(schema, dict) and _is_a(schema.get("fields"), list) and bool(schema["fields"]),
        f"{where}.schema",
        'must be an object with a non-empty "fields" list',
    )
    for j, spec in enumerate(schema["fields"]):
        at = f"{where}.schema.fields[{j}]"
        _refuse(
            isinstance(spec, dict)
            and _is_a(spec.get("name"), str)
            and _is_a(spec.get("description"), str)
            and spec.get("type") in FIELD_TYPES
            and _is_a(spec.get("delimiter", ","), str)
            and spec.get("delimiter", ",") != "",
            at,
            f"needs a name, a description and a type ({', '.join(FIELD_TYPES)})",
        )
        cons = spec.get("constraints", {})
        _refuse(
            isinstance(cons, dict)
            and all(_is_a(cons[k], *kinds) for k, kinds in CONSTRAINT_TYPES.items() if k in cons)
            and all(_is_a(item, str) for item in cons.get("enum", [])),
            f"{at}.constraints",
            "has a constraint of the wrong type",
        )
        try:
            re.compile(cons.get("pattern", ""))
        except re.error as exc:
            _refuse(False, f"{at}.constraints.pattern", f"is not a regular expression ({exc})")
    return [spec["name"] for spec in schema["fields"]]


def _check_foreign_keys(resource: dict, columns: dict[str, list[str]]) -> None:
    keys = [resource.get("x-listForeignKeys", []), resource.get("schema", {}).get("foreignKeys", [])]
    _refuse(all(_is_a(k, list) for k in keys), resource["name"], "foreign keys must be lists")
    for fk in keys[0] + keys[1]:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        _refuse(
            isinstance(ref, dict)
            and _first_name(fk.get("fields")) in columns.get(resource["name"], [])
            and _first_name(ref.get("fields")) in columns.get(str(ref.get("resource")), []),
            f"{resource['name']} foreign key {json.dumps(fk)[:80]}",
            "must name fields that exist",
        )


def _first_name(value: Any) -> str | None:
    """A key's field: the name, or the first of a list of names (as the loader reads it)."""
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, str) else None


def _read_records(raw: bytes, table: Table, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on; decoding problems reported."""
    head = raw[:200]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (head and head.count(b"\x00") * 4 >= len(head)):
        _problem(problems, table, 1, None, None, "is UTF-16 or UTF-32 encoded: save the file as UTF-8")
        return []
    if raw.startswith(b"\xef\xbb\xbf"):
        _problem(problems, table, 1, None, None, "starts with a byte-order mark (BOM): save as UTF-8 without BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _problem(
            problems, table, line, None, None, f"not valid UTF-8 (byte {raw[exc.start]:#04x}): save the file as UTF-8"
        )
        return []
    if "\x00" in text:
        _problem(
            problems,
            table,
            text[: text.index("\x00")].count("\n") + 1,
            None,
            None,
            "contains a NUL character: the file is binary or corrupt",
        )
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = (
                f"a field longer than {csv.field_size_limit()} characters starts here: usually a quote "
                'opened and never closed (write "" for a quote inside a quoted field)'
            )
        else:
            message = f"malformed CSV ({exc}): check the quoting on this line"
        _problem(problems, table, start, None, None, message)
        table.readable = False  # rows after this are lost: do not report their foreign keys as missing
    return records


_TRUE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _convert(value: str, spec: dict) -> tuple[Any, str | None]:
    """(typed value, None) or (None, what is allowed)."""
    kind = spec.get("type", "string")
    if kind == "string":
        return value, None
    if kind == "integer":
        if re.fullmatch(r"-?[0-9]+", value):
            if len(value) > 18:  # also keeps int() clear of its 4300-digit limit
                return None, "a whole number of at most 18 digits"
            return int(value), None
        return None, "a whole number (digits only, no separators)"
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            return None, "a decimal number such as 48.5942"
        if not math.isfinite(number):
            return None, "a finite decimal number"
        return number, None
    if kind == "date":
        if _TRUE_DATE.match(value):
            try:
                return dt.date.fromisoformat(value), None
            except ValueError:
                pass
        return None, "a calendar date YYYY-MM-DD"
    if kind == "list":
        items = value.split(spec.get("delimiter", ","))
        if any(item == "" or item != item.strip() for item in items):
            return None, f"items separated by {spec.get('delimiter', ',')!r} with no empty items or spaces around them"
        return items, None
    return value, None


def _check_constraints(value: Any, spec: dict) -> str | None:
    cons = spec.get("constraints", {})
    items = value if isinstance(value, list) else [value]
    for item in items:
        if "enum" in cons and item not in cons["enum"]:
            return f"not allowed; use one of {', '.join(cons['enum'])}.{did_you_mean(str(item), cons['enum'])}"
        if "pattern" in cons and not re.fullmatch(cons["pattern"], str(item)):
            if spec.get("format") == "uri":
                return "must be an http:// or https:// address (javascript:, data: and other schemes are refused)"
            return f"does not match the pattern {cons['pattern']}"
        if "maxLength" in cons and len(str(item)) > cons["maxLength"]:
            return f"longer than {cons['maxLength']} characters"
        if ("minimum" in cons and item < cons["minimum"]) or ("maximum" in cons and item > cons["maximum"]):
            meaning = f" ({spec['x-rangeMeaning']})" if "x-rangeMeaning" in spec else ""
            return f"outside {cons.get('minimum')}..{cons.get('maximum')}{meaning}"
    return None


def read_table(data_dir: Path, resource: dict, problems: list[Problem]) -> Table:
    """Read and type one tabular resource, collecting schema problems."""
    table = Table(resource["name"], resource["path"], resource["schema"]["fields"])
    path = data_dir / resource["path"]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        _problem(problems, table, None, None, None, f"cannot be read ({exc.strerror}): restore the file")
        table.readable = False
        return table
    records = _read_records(raw, table, problems)
    if not records:
        table.readable = False
        if not raw:
            _problem(problems, table, 1, None, None, "is empty: it needs a header row")
        return table
    if not _header_ok(records[0][1], table, problems):
        table.readable = False
        return table
    unique_seen: dict[str, dict[Any, int]] = {
        f["name"]: {} for f in table.fields if f.get("constraints", {}).get("unique")
    }
    for line, record in records[1:]:
        if record == []:
            continue  # a blank line
        if len(record) != len(table.fields):
            _problem(
                problems,
                table,
                line,
                None,
                None,
                f"has {len(record)} fields, the header has {len(table.fields)}: check commas and quotes",
            )
            continue
        values = {
            spec["name"]: _typed_cell(table, line, spec, raw_value, unique_seen, problems)
            for spec, raw_value in zip(table.fields, record, strict=True)
        }
        table.rows.append(Row(line, values))
    return table


def _header_ok(header: list[str], table: Table, problems: list[Problem]) -> bool:
    expected = [f["name"] for f in table.fields]
    if header == expected:
        return True
    missing = [n for n in expected if n not in header]
    extra = [n for n in header if n not in expected]
    detail = []
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if extra:
        hint = did_you_mean(extra[0], missing) if missing else ""
        detail.append(f"unexpected {', '.join(extra)}" + (f".{hint}" if hint else ""))
    if not detail:
        detail.append("columns in the wrong order")
    _problem(problems, table, 1, None, None, f"header must be {','.join(expected)} ({'; '.join(detail)})")
    return False


def _typed_cell(
    table: Table, line: int, spec: dict, raw_value: str, unique_seen: dict[str, dict[Any, int]], problems: list[Problem]
) -> Any:
    """One cell typed by its field, or None (the problem is recorded)."""
    name = spec["name"]
    if raw_value == "":
        if spec.get("constraints", {}).get("required", False):
            _problem(problems, table, line, name, raw_value, f"is required: {spec['description']}")
        return [] if spec.get("type") == "list" else None
    value, allowed = _convert(raw_value, spec)
    if allowed:
        _problem(problems, table, line, name, raw_value, f"must be {allowed}")
        return None
    complaint = _check_constraints(value, spec)
    if complaint:
        _problem(problems, table, line, name, raw_value, complaint)
        return None
    if name in unique_seen:
        if value in unique_seen[name]:
            _problem(
                problems,
                table,
                line,
                name,
                raw_value,
                f"duplicates line {unique_seen[name][value]}: values in this column must be unique",
            )
        else:
            unique_seen[name][value] = line
    return value


def check_list_foreign_keys(tables: dict[str, Table], resources: list[dict], problems: list[Problem]) -> None:
    for resource in resources:
        table = tables.get(resource["name"])
        if table is None:
            continue
        for fk in resource.get("x-listForeignKeys", []) + resource.get("schema", {}).get("foreignKeys", []):
            column = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
            ref = fk["reference"]
            ref_field = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
            target = tables.get(ref["resource"])
            if target is None or not target.readable:
                continue  # its own problem is already reported
            known = {row[ref_field] for row in target.rows if row[ref_field] is not None}
            for row in table.rows:
                value = row.get(column)
                for item in value if isinstance(value, list) else ([value] if value else []):
                    if item not in known:
                        _problem(
                            problems,
                            table,
                            row.line,
                            column,
                            item,
                            f"no such {ref_field} in data/{target.path}.{did_you_mean(item, known)}",
                        )


def load_tables(data_dir: Path) -> tuple[dict, dict[str, Table]]:
    """Descriptor and typed tables; raises DataError listing every schema problem."""
    descriptor = load_descriptor(data_dir)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    for resource in descriptor.get("resources", []):
        if "schema" in resource:
            tables[resource["name"]] = read_table(data_dir, resource, problems)
    check_list_foreign_keys(tables, descriptor.get("resources", []), problems)
    if problems:
        raise DataError(problems)
    return descriptor, tables
