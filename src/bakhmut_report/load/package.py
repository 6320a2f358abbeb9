"""Read the data package in ``data/`` and check every row against its Table Schema.

``datapackage.json`` (Frictionless Data Package with Table Schemas) is the one
description of the data; this module enforces it: field types, required
fields, enums, patterns, ranges, unique and primary keys, foreign keys, and
``x-listForeignKeys`` for the ';'-separated id lists the standard cannot express.
All problems are collected and raised together as one ``DataError``.

Every file is read as untrusted input: it must be a regular file inside the
data directory (after following symbolic links) and at most
``MAX_DATA_FILE_BYTES`` long, one CSV field at most ``MAX_FIELD_CHARS``
characters, and a schema ``pattern`` is matched by ``SafePattern`` (linear
time, with a deadline) rather than by Python's backtracking ``re``. Messages
name the file and what is wrong, never the file's content.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import os
import re
import re._constants as sre
import re._parser as sre_parse
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..model.errors import DataError, Problem, did_you_mean
from ..model.vocabulary import TABLES

DESCRIPTOR = "datapackage.json"
MAX_DATA_FILE_BYTES = 20 * 1024 * 1024  # one data file: the real ones are at most 45 KB
MAX_FIELD_CHARS = 65_536  # one CSV field: the longest real one (an article paragraph) has under 1,000
PATTERN_SECONDS = 5.0  # all pattern checks of one load: the real data needs about 10 ms


# --- reading files -------------------------------------------------------------------------------------------


class Unreadable(Exception):
    """A file that is not read: missing, not a regular file, too large, outside its directory."""


def _megabytes(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MB"


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``Unreadable`` says why not.

    Opened without blocking (a FIFO cannot hang the read) and checked on the open
    descriptor, so /dev/zero, a directory, a pipe or a socket is refused before a
    byte is read, and a file that grows while it is read is cut off at ``limit``.
    The reason never quotes the file's content.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Unreadable(exc.strerror or type(exc).__name__) from None
    except ValueError:  # an embedded NUL byte
        raise Unreadable("the name contains a NUL byte") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("is not a regular file (a device, pipe or socket)")
        if info.st_size > limit:
            raise Unreadable(f"is larger than {_megabytes(limit)} ({info.st_size:,} bytes)")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Unreadable(f"is larger than {_megabytes(limit)} (it grew while being read)")
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(exc.strerror or type(exc).__name__) from None
    finally:
        os.close(fd)


def lexically_inside(relative: str) -> bool:
    """A resource path that names a file below the data directory: relative, no '..', no NUL or backslash."""
    if not relative or "\x00" in relative or "\\" in relative or "://" in relative:
        return False
    path = PurePosixPath(relative)
    return not path.is_absolute() and ".." not in path.parts and path.parts not in ((), (".",))


def data_file_path(data_dir: Path, relative: str) -> Path:
    """The file ``relative`` names, resolved; ``Unreadable`` unless it stays inside ``data_dir``."""
    if not lexically_inside(relative):
        raise Unreadable("is not a relative path inside the data directory")
    try:
        root = data_dir.resolve()
        target = (data_dir / relative).resolve()
    except RuntimeError:  # Python 3.11: "Symlink loop from ..."
        raise Unreadable("is a loop of symbolic links") from None
    except (OSError, ValueError) as exc:
        raise Unreadable(getattr(exc, "strerror", None) or "cannot be resolved") from None
    if target != root and root not in target.parents:
        raise Unreadable("leads outside the data directory (through a symbolic link)")
    return target


def read_data_file(data_dir: Path, relative: str, limit: int = MAX_DATA_FILE_BYTES) -> bytes:
    """A data file's bytes: inside the data directory after links, regular, at most ``limit`` bytes."""
    return read_regular_file(data_file_path(data_dir, relative), limit)


def _unreadable(relative: str, reason: str) -> DataError:
    fix = "restore the file" if lexically_inside(relative) else "name a file inside the data directory"
    return DataError.at(f"data/{relative}", f"cannot be read: {reason}; {fix}")


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
    deadline: float = math.inf  # for pattern checks (time.monotonic()), shared by one load
    unchecked: set[str] = field(default_factory=set)  # fields whose pattern ran out of time


def _problem(
    problems: list[Problem], table: Table, line: int | None, column: str | None, value: str | None, message: str
) -> None:
    problems.append(Problem(f"data/{table.path}", line, column, value, message))


def read_json_data(data_dir: Path, relative: str, restore: str, limit: int = MAX_DATA_FILE_BYTES) -> tuple[Any, str]:
    """A JSON data file (the descriptor, the base map, a base layer), parsed strictly, and its text.

    The file rules of every data file (inside data/, regular, at most ``limit``); UTF-8 without BOM;
    no NaN/Infinity, no nesting beyond the parser's depth, no lone surrogates. ``restore`` says how to
    get the file back; it ends every message about an unusable file.
    """
    where = f"data/{relative}"
    try:
        raw = read_data_file(data_dir, relative, limit)
    except Unreadable as exc:
        raise DataError.at(where, f"cannot be read: {exc}; {restore}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError.at(where, "starts with a byte-order mark (BOM): save it as UTF-8 without BOM", 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError.at(where, f"not valid UTF-8 (byte {raw[exc.start]:#04x}): save it as UTF-8", line) from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise DataError.at(where, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except (RecursionError, ValueError):  # ValueError: an integer of more than 4300 digits, NaN
        raise DataError.at(where, "invalid JSON: nested too deeply, a number too long, or NaN/Infinity") from None
    if has_lone_surrogate(value):
        surrogate = "contains a \\ud800-\\udfff escape that is no character (a lone surrogate)"
        raise DataError.at(where, f"{surrogate}: {restore}")
    return value, text


def load_descriptor(data_dir: Path) -> dict:
    if not (data_dir / DESCRIPTOR).exists() and not (data_dir / DESCRIPTOR).is_symlink():
        raise DataError.at(f"data/{DESCRIPTOR}", f"missing: the data directory {data_dir.name!r} has no {DESCRIPTOR}")
    descriptor, _ = read_json_data(data_dir, DESCRIPTOR, f"restore the file (git checkout data/{DESCRIPTOR})")
    check_descriptor(descriptor)
    return descriptor


def has_lone_surrogate(value: Any) -> bool:
    """True if any string (key or value) in parsed JSON holds a lone surrogate (JSON's \\udXXX escapes allow it).

    Such a string cannot be written as UTF-8, so it would fail the render only when the page is written.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_constant(name: str) -> Any:
    """json.loads reads NaN and Infinity by default; JSON has no such numbers."""
    raise ValueError(f"{name} is not JSON")


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
        raise DataError.at(f"data/{DESCRIPTOR}", f"{where} {what}: restore the file (git checkout data/{DESCRIPTOR})")


def _shown(value: str) -> str:
    """repr() for messages, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
        _refuse(
            lexically_inside(resource["path"]),
            f"resources[{i}] ({_shown(resource['name'])}) path {_shown(resource['path'])}",
            "must be a relative path to a file inside the data directory (no '..', no absolute path or URL)",
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
        if "pattern" in cons:
            try:
                safe_pattern(cons["pattern"])
            except re.error as exc:
                _refuse(False, f"{at}.constraints.pattern", f"is not a regular expression ({exc})")
            except UnsafePattern as exc:
                _refuse(False, f"{at}.constraints.pattern", str(exc))
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
    records: list[tuple[int, list[str]]] = []
    start = 1
    # The csv module's own cap (128 KiB) would stop at an over-long field without saying which one; the
    # file is already bounded, so read it whole and apply MAX_FIELD_CHARS per field (read_table, by name).
    with _csv_field_limit(MAX_DATA_FILE_BYTES + 1):
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            for record in reader:
                records.append((start, record))
                start = reader.line_num + 1
        except csv.Error as exc:
            column = _unclosed_field(text, start)
            if column is not None:
                header = records[0][1] if records else []
                name = header[column] if start > 1 and column < len(header) else f"field {column + 1}"
                _problem(
                    problems,
                    table,
                    start,
                    name,
                    None,
                    'a quoted field starts here and is never closed (write "" for a quote inside a quoted field)',
                )
            else:
                _problem(problems, table, start, None, None, f"malformed CSV ({exc}): check the quoting on this line")
            table.readable = False  # rows after this are lost: do not report their foreign keys as missing
    return records


@contextlib.contextmanager
def _csv_field_limit(limit: int):
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _unclosed_field(text: str, line: int) -> int | None:
    """The index of the field left open (a quote never closed) in the record starting at ``line``, if any."""
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    index, quoted, field_start, i = 0, False, True, offset
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"':
                if text.startswith('""', i):
                    i += 2
                    continue
                quoted = False
        elif char == '"' and field_start:
            quoted = True
        elif char == ",":
            index, field_start, i = index + 1, True, i + 1
            continue
        elif char in "\r\n":
            return None  # the record ended: the problem is another one
        field_start = False
        i += 1
    return index if quoted else None


# --- Table Schema patterns, matched in linear time -----------------------------------------------------------
#
# Python's re backtracks: a pattern such as (a+)+$ takes exponential time on "aaaa...b", and even
# a*a*a*b is polynomial of high degree; a data package is input, so its patterns may be hostile.
# Refusing "nested quantifiers" is not sound (a*a*a*b and (a|a)* have none that a simple test sees),
# and Python's re cannot be given a step bound. So patterns are matched here, not by re: re's own
# parser (identical syntax and meaning) turns the pattern into a Thompson NFA, and a value is
# matched by moving the set of NFA states one character at a time (a lazily built DFA: each
# state set is computed once and cached). That takes time linear in the value for a fixed
# pattern, whatever the pattern; the NFA is capped at MAX_PATTERN_STATES states when the
# descriptor is checked, and all pattern checks of one load share a PATTERN_SECONDS deadline,
# so even a worst case (a pattern whose state sets never repeat) ends in a named DataError.
# Constructs that need backtracking (backreferences, lookaround, atomic groups, possessive
# quantifiers, conditionals, inline flags, \b) are refused when the descriptor is checked.

MAX_PATTERN_STATES = 2000
MAX_DFA_STATES = 10_000
_ANY, _SET, _SPLIT, _ASSERT, _MATCH = range(5)
_BEGIN, _END, _END_OR_NEWLINE = "begin", "end", "end-or-newline"
_CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdecimal,  # Unicode \d, \s, \w, exactly as re has them for str patterns
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
}
_NOT_CATEGORIES = {sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE}
_NOT_CATEGORIES[sre.CATEGORY_NOT_WORD] = sre.CATEGORY_WORD
_AT = {
    sre.AT_BEGINNING: _BEGIN,  # ^ without MULTILINE: the start of the value
    sre.AT_BEGINNING_STRING: _BEGIN,  # \A
    sre.AT_END: _END_OR_NEWLINE,  # $ without MULTILINE: the end, or before a final newline
    sre.AT_END_STRING: _END,  # \Z
}
_ALLOWED_FLAGS = sre.SRE_FLAG_UNICODE | sre.SRE_FLAG_VERBOSE
_UNSUPPORTED = {
    sre.GROUPREF: "a backreference",
    sre.GROUPREF_EXISTS: "a conditional group",
    sre.ASSERT: "a lookahead or lookbehind",
    sre.ASSERT_NOT: "a negative lookahead or lookbehind",
    sre.ATOMIC_GROUP: "an atomic group",
    sre.POSSESSIVE_REPEAT: "a possessive quantifier",
    sre.AT: "a word boundary (\\b, \\B)",
}


class UnsafePattern(Exception):
    """A pattern the linear-time matcher refuses (a construct that needs backtracking, or too big)."""


class PatternTimeout(Exception):
    """The deadline for pattern checks passed."""


class SafePattern:
    """``fullmatch`` for one Table Schema pattern, in time linear in the value (see the comment above)."""

    def __init__(self, pattern: str):
        parsed = sre_parse.parse(pattern)  # raises re.error for bad syntax, with re's own message
        if parsed.state.flags & ~_ALLOWED_FLAGS:
            raise UnsafePattern("uses inline flags such as (?i) or (?m), which the safe matcher does not support")
        self.kind: list[int] = []
        self.arg: list[Any] = []
        self.out: list[list[int]] = []
        accept = self._state(_MATCH, None, [])
        self.start = self._sequence(list(parsed), accept)
        self._reset()

    # building the NFA: each builder returns the entry state of its part, wired to continue at ``then``
    def _state(self, kind: int, arg: Any, out: list[int]) -> int:
        if len(self.kind) >= MAX_PATTERN_STATES:
            raise UnsafePattern(
                f"is too large for the safe matcher (over {MAX_PATTERN_STATES} states once repeats are counted)"
            )
        self.kind.append(kind)
        self.arg.append(arg)
        self.out.append(out)
        return len(self.kind) - 1

    def _sequence(self, items: list, then: int) -> int:
        for op, av in reversed(items):
            then = self._item(op, av, then)
        return then

    def _item(self, op: Any, av: Any, then: int) -> int:
        if op is sre.LITERAL:
            return self._state(_SET, (False, [(sre.LITERAL, av)]), [then])
        if op is sre.NOT_LITERAL:
            return self._state(_SET, (True, [(sre.LITERAL, av)]), [then])
        if op is sre.ANY:
            return self._state(_ANY, None, [then])
        if op is sre.IN:
            negate = bool(av) and av[0][0] is sre.NEGATE
            items = av[1:] if negate else av
            for kind, _ in items:
                if kind not in (sre.LITERAL, sre.RANGE, sre.CATEGORY):
                    raise UnsafePattern(f"uses {kind} in a character class, which the safe matcher does not support")
            return self._state(_SET, (negate, items), [then])
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, inner = av
            if add_flags or del_flags:
                raise UnsafePattern("uses inline flags such as (?i:...), which the safe matcher does not support")
            return self._sequence(list(inner), then)
        if op is sre.BRANCH:
            return self._state(_SPLIT, None, [self._sequence(list(alt), then) for alt in av[1]])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):  # lazy or greedy: the same for a whole-value match
            low, high, inner = av
            items = list(inner)
            before = len(self.kind)
            self._sequence(items, then)
            if len(self.kind) == before:  # a repeat of nothing (an empty group) matches nothing more
                return then
            if high is sre.MAXREPEAT:
                loop = self._state(_SPLIT, None, [])
                loop_out = self.out[loop]
                loop_out += [self._sequence(items, loop), then]
                entry = loop
            else:
                entry = then
                for _ in range(high - low):
                    entry = self._state(_SPLIT, None, [self._sequence(items, entry), then])
            for _ in range(low):
                entry = self._sequence(items, entry)
            return entry
        if op is sre.AT and av in _AT:
            return self._state(_ASSERT, _AT[av], [then])
        what = _UNSUPPORTED.get(op, str(op).lower().replace("_", " "))
        raise UnsafePattern(
            f"uses {what}, which the safe matcher does not support: use character classes, groups, | and "
            "quantifiers (and ^, $, \\A, \\Z)"
        )

    # matching
    def _member(self, state: int, char: str) -> bool:
        if self.kind[state] == _ANY:
            return char != "\n"
        negate, items = self.arg[state]
        code = ord(char)
        for kind, value in items:
            if kind is sre.LITERAL:
                hit = code == value
            elif kind is sre.RANGE:
                hit = value[0] <= code <= value[1]
            elif value in _CATEGORIES:
                hit = _CATEGORIES[value](char)
            else:
                hit = not _CATEGORIES[_NOT_CATEGORIES[value]](char)
            if hit:
                return not negate
        return negate

    def _closure(self, states: list[int], place: frozenset[str]) -> int:
        """The DFA state of ``states`` followed through splits and the assertions true at ``place``."""
        seen: set[int] = set()
        stack = list(states)
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            kind = self.kind[state]
            if kind == _SPLIT or (kind == _ASSERT and self.arg[state] in place):
                stack.extend(self.out[state])
        key = frozenset(s for s in seen if self.kind[s] in (_ANY, _SET, _MATCH))
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = len(self._members)
            self._members.append(key)
            self._moves.append({})
        return found

    def _reset(self) -> None:
        self._sets: dict[frozenset[int], int] = {}  # lazily built DFA: NFA state set -> id
        self._members: list[frozenset[int]] = []
        self._moves: list[dict[str, int]] = []  # per DFA state: character -> next DFA state (middle of a value)
        self._edge: dict[tuple[int, str, frozenset[str]], int] = {}  # moves into the value's last positions

    def _move(self, dfa: int, char: str, place: frozenset[str], deadline: float) -> int:
        if time.monotonic() > deadline:
            raise PatternTimeout
        members = self._members[dfa]
        if len(self._members) > MAX_DFA_STATES:  # bound the cache; each move stays linear in the NFA without it
            self._reset()
        following = [self.out[s][0] for s in members if self.kind[s] != _MATCH and self._member(s, char)]
        return self._closure(following, place)

    def fullmatch(self, text: str, deadline: float = math.inf) -> bool:
        """re.fullmatch(pattern, text) is not None, in time linear in len(text); PatternTimeout after ``deadline``."""
        n = len(text)
        tail = n - 1 if text.endswith("\n") else n  # from here on other assertions hold ($ before a final newline)

        def place(position: int) -> frozenset[str]:
            found = {_BEGIN} if position == 0 else set()
            if position == n:
                found |= {_END, _END_OR_NEWLINE}
            elif position == n - 1 and text[-1] == "\n":
                found.add(_END_OR_NEWLINE)
            return frozenset(found)

        dfa = self._closure([self.start], place(0))
        middle: frozenset[str] = frozenset()
        for position, char in enumerate(text, start=1):
            if position < tail:
                moves = self._moves[dfa]
                following = moves.get(char)
                if following is None:
                    following = moves[char] = self._move(dfa, char, middle, deadline)
            else:
                where = place(position)
                following = self._edge.get((dfa, char, where))
                if following is None:
                    following = self._move(dfa, char, where, deadline)
                    self._edge[(dfa, char, where)] = following
            dfa = following
            if not self._members[dfa]:
                return False
        return any(self.kind[s] == _MATCH for s in self._members[dfa])


_SAFE_PATTERNS: dict[str, SafePattern] = {}


def safe_pattern(pattern: str) -> SafePattern:
    """The compiled matcher for a pattern (cached); raises re.error or UnsafePattern."""
    found = _SAFE_PATTERNS.get(pattern)
    if found is None:
        if len(_SAFE_PATTERNS) > 256:
            _SAFE_PATTERNS.clear()
        found = _SAFE_PATTERNS[pattern] = SafePattern(pattern)
    return found


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


def _check_constraints(value: Any, spec: dict, deadline: float = math.inf) -> str | None:
    cons = spec.get("constraints", {})
    items = value if isinstance(value, list) else [value]
    for item in items:
        if "enum" in cons and item not in cons["enum"]:
            return f"not allowed; use one of {', '.join(cons['enum'])}.{did_you_mean(str(item), cons['enum'])}"
        if "pattern" in cons and not safe_pattern(cons["pattern"]).fullmatch(str(item), deadline):
            if spec.get("format") == "uri":
                return "must be an http:// or https:// address (javascript:, data: and other schemes are refused)"
            return f"does not match the pattern {cons['pattern']}"
        if "maxLength" in cons and len(str(item)) > cons["maxLength"]:
            return f"longer than {cons['maxLength']} characters"
        if ("minimum" in cons and item < cons["minimum"]) or ("maximum" in cons and item > cons["maximum"]):
            meaning = f" ({spec['x-rangeMeaning']})" if "x-rangeMeaning" in spec else ""
            return f"outside {cons.get('minimum')}..{cons.get('maximum')}{meaning}"
    return None


def read_table(data_dir: Path, resource: dict, problems: list[Problem], deadline: float | None = None) -> Table:
    """Read and type one tabular resource, collecting schema problems."""
    table = Table(resource["name"], resource["path"], resource["schema"]["fields"])
    table.deadline = time.monotonic() + PATTERN_SECONDS if deadline is None else deadline
    try:
        raw = read_data_file(data_dir, resource["path"])
    except Unreadable as exc:
        _problem(problems, table, None, None, None, f"cannot be read: {exc}; restore the file")
        table.readable = False
        return table
    records = _read_records(raw, table, problems)
    if not records:
        table.readable = False
        if not raw:
            _problem(problems, table, 1, None, None, "is empty: it needs a header row")
        return table
    if not _fields_short(records[0], [f"field {i + 1}" for i in range(len(records[0][1]))], table, problems):
        table.readable = False
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
        if not _fields_short((line, record), [f["name"] for f in table.fields], table, problems):
            continue
        values = {
            spec["name"]: _typed_cell(table, line, spec, raw_value, unique_seen, problems)
            for spec, raw_value in zip(table.fields, record, strict=True)
        }
        table.rows.append(Row(line, values))
    return table


def _fields_short(record: tuple[int, list[str]], names: list[str], table: Table, problems: list[Problem]) -> bool:
    """Every field within MAX_FIELD_CHARS; an over-long one is reported by its column's name."""
    line, values = record
    ok = True
    for name, value in zip(names, values, strict=False):
        if len(value) > MAX_FIELD_CHARS:
            _problem(
                problems,
                table,
                line,
                name,
                value[:80],
                f"is {len(value):,} characters long; a field may have at most {MAX_FIELD_CHARS:,} "
                '(usually a quote opened and never closed: write "" for a quote inside a quoted field)',
            )
            ok = False
    return ok


def _header_ok(header: list[str], table: Table, problems: list[Problem]) -> bool:
    expected = [f["name"] for f in table.fields]
    if header == expected:
        return True
    missing = [n for n in expected if n not in header]
    extra = [n for n in header if n not in expected]
    if len(missing) == len(expected):  # not this table's header at all: quote none of the file
        _problem(
            problems,
            table,
            1,
            None,
            None,
            f"the first line is not the header {','.join(expected)} (none of its {len(header)} fields is a "
            "column of this table): is this the right file?",
        )
        return False
    detail = []
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if extra:
        hint = did_you_mean(extra[0], missing) if missing else ""
        shown = ", ".join(n if re.fullmatch(r"[\w -]{1,40}", n) else _shown(n) for n in extra[:5])
        more = f" and {len(extra) - 5} more" if len(extra) > 5 else ""
        detail.append(f"unexpected {shown}{more}" + (f".{hint}" if hint else ""))
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
    try:
        complaint = _check_constraints(value, spec, table.deadline)
    except PatternTimeout:
        if name not in table.unchecked:
            table.unchecked.add(name)
            _problem(
                problems,
                table,
                line,
                name,
                None,
                f"checking the values of this column against its pattern took over {PATTERN_SECONDS:g} s "
                f"(a pattern too costly to check): simplify the pattern in data/{DESCRIPTOR}",
            )
        return None
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
    deadline = time.monotonic() + PATTERN_SECONDS
    for resource in descriptor.get("resources", []):
        if "schema" in resource:
            tables[resource["name"]] = read_table(data_dir, resource, problems, deadline)
    check_list_foreign_keys(tables, descriptor.get("resources", []), problems)
    check_directory(data_dir, problems)
    if problems:
        raise DataError(problems)
    return descriptor, tables


def check_directory(data_dir: Path, problems: list[Problem]) -> None:
    """Every file in the data directory (all are hashed into the data version) is readable and within the cap."""
    reported = {problem.file for problem in problems}
    for path in sorted(data_dir.rglob("*")):
        try:
            info = path.stat()
        except OSError:
            continue  # a dangling link or a loop: no content to hash
        if not stat.S_ISREG(info.st_mode):
            continue
        where = f"data/{path.relative_to(data_dir).as_posix()}"
        if where in reported:
            continue
        if info.st_size > MAX_DATA_FILE_BYTES:
            problems.append(
                Problem(where, None, None, None, f"is larger than {_megabytes(MAX_DATA_FILE_BYTES)}: remove it")
            )
        elif not os.access(path, os.R_OK):
            problems.append(Problem(where, None, None, None, "cannot be read (permission denied): fix or remove it"))
