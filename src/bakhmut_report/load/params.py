"""Report parameters: one schema for report_params.yaml, ``-p KEY=VALUE`` and the notebook.

Months stay strings ("2023-03"): the YAML reader never turns values into dates.
Unknown keys are errors with a "did you mean"; cross-parameter rules are checked
(start <= initial <= end, the focus city exists).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model.calendar import is_month
from ..model.errors import ParameterError, did_you_mean
from ..model.vocabulary import BASES, DATA_WINDOW, LANGUAGES
from .package import Unreadable, read_regular_file

DEFAULT_FILE = "report_params.yaml"  # read from the current directory when no -f is given
MAX_DEPTH = 10  # nesting levels a parameters file may have (it needs 1)
MAX_FILE_BYTES = 1024 * 1024  # a parameters or batch file (the real one has 300 bytes)
MAX_TITLE = 200
#: Unicode categories refused in free text: control characters (terminal escapes), lone surrogates
#: (they cannot be written as UTF-8) and line or paragraph separators (a title is one line)
REFUSED_CATEGORIES = {"Cc": "a control character", "Cs": "a lone surrogate", "Zl": "a line separator"}
REFUSED_CATEGORIES["Zp"] = "a paragraph separator"
NAME_PREFIX_CHARS = 80  # the readable part of a variant's file name
NAME_HASH_CHARS = 12  # the hash part: 48 bits, no collision among a batch's 500 variants in practice


@dataclass(frozen=True)
class Parameter:
    name: str
    type: type
    default: Any
    help: str
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    month: bool = False

    def describe_allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        if self.month:
            return f"a month YYYY-MM between {DATA_WINDOW[0]} and {DATA_WINDOW[1]}"
        if self.minimum is not None:
            return f"a {self.type.__name__} from {self.minimum:g} to {self.maximum:g}"
        return f"a {self.type.__name__}"


SCHEMA: tuple[Parameter, ...] = (
    Parameter(
        "language",
        str,
        "nl",
        "Language of labels and article: nl (original) or en (our translation)",
        choices=LANGUAGES,
    ),
    Parameter("start_month", str, "2022-02", "First month on the slider (YYYY-MM)", month=True),
    Parameter("end_month", str, "2023-12", "Last month on the slider (YYYY-MM)", month=True),
    Parameter("initial_month", str, "2023-03", "Month the slider starts at (the article's month)", month=True),
    Parameter("focus_city", str, "Bakhmut", "Settlement the map centres on; name variants work (Artemivsk)"),
    Parameter(
        "control_basis",
        str,
        "confirmed",
        "Map follows confirmed changes (losing side or independent) or the first claims",
        choices=BASES,
    ),
    Parameter(
        "artillery_range_km",
        float,
        30.0,
        "Range ring radius in km (tube artillery ~20-30, rockets ~70-90)",
        minimum=1,
        maximum=200,
    ),
    Parameter(
        "big_city_population",
        int,
        100000,
        "Population from which a place counts as a big city",
        minimum=1000,
        maximum=5000000,
    ),
    Parameter(
        "victory_population",
        int,
        1000,
        "Population from which a capture counts as a victory",
        minimum=0,
        maximum=5000000,
    ),
    Parameter(
        "plotly_js",
        str,
        "inline",
        "inline: the HTML works offline; cdn: smaller, needs the internet",
        choices=("inline", "cdn"),
    ),
    Parameter("title", str, "", "Report title; empty for the default title in the chosen language"),
)
BY_NAME = {p.name: p for p in SCHEMA}
DEFAULTS = {p.name: p.default for p in SCHEMA}


class _SafeStringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings and refuses duplicate keys and aliases."""


_SafeStringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, (str, int, float, bool, type(None))):  # e.g. "? [a, b]": unhashable
            raise ParameterError(
                f"line {key_node.start_mark.line + 1}: a key must be a plain name, not a {type(key).__name__}"
            )
        if key in seen:
            raise ParameterError(f"line {key_node.start_mark.line + 1}: the key {_shown(key)} appears twice; keep one")
        seen.add(key)
    return loader.construct_mapping(node)


_SafeStringDateLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, origin: str) -> Any:
    """Parse YAML safely (no object construction, no aliases); errors become ParameterError."""
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_SafeStringDateLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ParameterError(f"{origin}: YAML aliases (*{event.anchor}) are not allowed; write the value out")
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_DEPTH:  # stop early: PyYAML's scanner slows down quadratically with nesting
                raise ParameterError(
                    f"{origin}: not valid YAML (nested too deeply); parameters are flat key: value pairs"
                )
        return yaml.load(text, Loader=_SafeStringDateLoader)  # noqa: S506 - a SafeLoader subclass
    except ParameterError as exc:
        if str(exc).startswith(origin):
            raise
        raise ParameterError(f"{origin}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark else origin
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(f"{where}: not valid YAML ({problem})") from None
    except RecursionError:
        raise ParameterError(f"{origin}: not valid YAML (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ParameterError(f"{origin}: a value cannot be read ({str(exc).split(':')[0]})") from None


def read_text_file(path: Path | str, what: str = "parameters file") -> str:
    """A parameters or batch file's text: a regular UTF-8 file of at most MAX_FILE_BYTES (else ParameterError)."""
    path = Path(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except Unreadable as exc:
        raise ParameterError(f"{path}: cannot be read: {exc}; a {what} is a YAML file") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterError(f"{path}: not UTF-8; save the file as UTF-8") from None


def read_params_file(path: Path | str) -> dict:
    path = Path(path)
    text = read_text_file(path)
    loaded = parse_yaml(text, str(path.name))
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(f"{path.name}: must be a mapping of parameter: value, found {type(loaded).__name__}")
    return loaded


def parse_override(item: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from the command line; the value is typed by the schema."""
    if "=" not in item:
        raise ParameterError(f"-p {item!r}: write KEY=VALUE, e.g. -p focus_city=Soledar")
    key, raw = item.split("=", 1)
    key = key.strip()
    spec = BY_NAME.get(key)
    if spec is None:
        return key, raw  # reported as unknown by validate()
    return key, _coerce(spec, raw.strip(" "), from_text=True)  # spaces only: a newline or tab is refused


def _shown(value: Any) -> str:
    """repr() for messages, cut short: a hostile value may be megabytes long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _coerce(spec: Parameter, value: Any, from_text: bool = False) -> Any:
    bad = ParameterError(
        f"{spec.name}: {_shown(value)} is not allowed; use {spec.describe_allowed()} (default {spec.default!r})"
    )
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):  # lists, dates, !!binary bytes
        raise bad
    if spec.type is str:
        return str(value)
    if spec.type is float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise bad from None
        if number != number or number in (float("inf"), float("-inf")):
            raise bad
        return number
    if spec.type is int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        if from_text and isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value.replace("_", "")):
            return int(value.replace("_", ""))  # bounded: int() refuses more than 4300 digits
        raise bad
    return value


def validate(raw: dict) -> dict:
    """Full, typed parameters: defaults filled, every value and rule checked."""
    for key in raw:
        if not isinstance(key, str) or key not in BY_NAME:
            raise ParameterError(
                f"unknown parameter {_shown(key)}.{did_you_mean(str(key), BY_NAME)} "
                f"Valid parameters: {', '.join(BY_NAME)}"
            )
    params = dict(DEFAULTS)
    for key, value in raw.items():
        spec = BY_NAME[key]
        value = _coerce(spec, value)
        allowed = f"use {spec.describe_allowed()} (default {spec.default!r})"
        if spec.choices and value not in spec.choices:
            raise ParameterError(
                f"{key}: {_shown(value)} is not allowed; {allowed}.{did_you_mean(str(value), map(str, spec.choices))}"
            )
        if spec.month and not (is_month(value) and DATA_WINDOW[0] <= value <= DATA_WINDOW[1]):
            raise ParameterError(f"{key}: {_shown(value)} is not allowed; {allowed}")
        if spec.minimum is not None and not spec.minimum <= value <= spec.maximum:
            raise ParameterError(f"{key}: {_shown(value)} is out of range; {allowed}")
        if spec.type is str:
            if len(value) > MAX_TITLE:  # the title's limit; every other text is a short name
                raise ParameterError(f"{key}: at most {MAX_TITLE} characters")
            _check_text(key, value)
        params[key] = value
    if not params["start_month"] <= params["initial_month"] <= params["end_month"]:
        raise ParameterError(
            f"months out of order: start_month ({params['start_month']}) <= initial_month "
            f"({params['initial_month']}) <= end_month ({params['end_month']}) must hold"
        )
    return params


def _check_text(key: str, value: str) -> None:
    """Free text must be printable: no control characters, lone surrogates or line separators."""
    for char in value:
        category = unicodedata.category(char)
        if category in REFUSED_CATEGORIES:
            raise ParameterError(
                f"{key}: contains {REFUSED_CATEGORIES[category]} ({ascii(char)}); write plain text on one line"
            )


def default_file(path: Path | str | None) -> Path | None:
    """The parameters file a command means: ``-f PATH``, else report_params.yaml here if present."""
    if path is not None:
        return Path(path)
    return Path(DEFAULT_FILE) if Path(DEFAULT_FILE).exists() else None


def raw_params(path: Path | str | None = None, overrides: list[str] | tuple[str, ...] = ()) -> dict:
    """Unvalidated parameters: the file's mapping with ``KEY=VALUE`` overrides on top."""
    raw = read_params_file(path) if path else {}
    for item in overrides:
        key, value = parse_override(item)
        raw[key] = value
    return raw


def load(path: Path | str | None = None, overrides: list[str] | tuple[str, ...] = ()) -> dict:
    """Parameters from a YAML file plus ``KEY=VALUE`` overrides, validated (not yet against data)."""
    return validate(raw_params(path, overrides))


def variant_name(params: dict) -> str:
    """'report' for the defaults, else 'report-<readable>-<hash>': unique per variant, at most 100 characters.

    The readable part lists what differs from the defaults (key=value, file-name safe, cut at
    NAME_PREFIX_CHARS); the hash is of those values exactly, so variants that differ only in
    characters the readable part drops or cuts ("Report: X" and "Report; X") still get two names.
    """
    changed = {k: params[k] for k in BY_NAME if params.get(k, DEFAULTS[k]) != DEFAULTS[k]}
    if not changed:
        return "report"
    parts = []
    for key, value in changed.items():
        text = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(f"{key}={re.sub(r'[^A-Za-z0-9._-]+', '_', text)[:40]}")
    readable = "-".join(parts)[:NAME_PREFIX_CHARS].rstrip("-_.")
    canonical = json.dumps(changed, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).hexdigest()[:NAME_HASH_CHARS]
    return f"report-{readable}-{digest}"


def describe() -> str:
    """Human-readable table of the parameters (``bakhmut-report params``)."""
    width = max(len(p.name) for p in SCHEMA)
    lines = []
    for p in SCHEMA:
        lines.append(f"{p.name:<{width}}  {p.type.__name__:<5}  default {p.default!r:<11}  {p.help}")
        lines.append(f"{'':<{width}}  allowed: {p.describe_allowed()}")
    return "\n".join(lines)
