"""Read and check the base map: the TopoJSON file the data package names as its ``geometry`` resource.

The page embeds the map geometry for plotly.js (``window.PlotlyGeoAssets``), so the
file is input like any other: it is read with the data files' rules (a regular
file inside the data directory, at most ``MAX_DATA_FILE_BYTES``, UTF-8), parsed as
strict JSON (no NaN or Infinity) and checked as a TopoJSON Topology that plotly.js
can draw: ``type``, ``objects`` (with the layers the map shows), ``arcs`` (positions
of numbers) and ``transform``, and every arc index a geometry uses exists. The
parsed value is returned; the page writes it out again as JSON (never the file's
text), so nothing in the file can end the ``<script>`` it is in.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from ..model.errors import DataError, Problem
from ..model.vocabulary import GEOMETRY_RESOURCE
from .package import DESCRIPTOR, read_json_data

#: the objects plotly.js reads for the map's layers (showland, showocean, showlakes, showrivers,
#: showcountries, showcoastlines in present/mapfig.py); a missing one stops the map from drawing
LAYERS = ("coastlines", "countries", "lakes", "land", "ocean", "rivers")
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
MAX_PROBLEMS = 20  # a broken file can have thousands: name the first ones
MAX_NESTING = 32  # GeometryCollections inside GeometryCollections


def geometry_path(descriptor: dict) -> str:
    """The geometry resource's path (relative to the data directory), or a DataError naming the descriptor."""
    resources = descriptor.get("resources", []) if isinstance(descriptor, dict) else []
    for resource in resources:
        if isinstance(resource, dict) and resource.get("name") == GEOMETRY_RESOURCE:
            path = resource.get("path")
            if isinstance(path, str) and path:
                return path
    raise DataError.at(
        f"data/{DESCRIPTOR}",
        f'needs a "{GEOMETRY_RESOURCE}" resource with the path of the base map (geo/*.json): '
        f"restore the file (git checkout data/{DESCRIPTOR})",
    )


def load_geometry(data_dir: Path, descriptor: dict) -> dict:
    """The base map as parsed TopoJSON; raises DataError (file, line, what is wrong) otherwise."""
    relative = geometry_path(descriptor)
    where = f"data/{relative}"
    value, text = read_json_data(data_dir, relative, "restore the base map (see data/geo/PROVENANCE.md)")
    problems = [
        Problem(where, _line_of(text, path), None, None, f"{_name(path)}: {message}") for path, message in _check(value)
    ]
    if problems:
        raise DataError(problems[:MAX_PROBLEMS])
    return value


def _check(topology: Any) -> list[tuple[tuple, str]]:
    """(JSON path, message) for the ways (the first MAX_PROBLEMS) ``topology`` is not a Topology plotly.js draws."""
    found: list[tuple[tuple, str]] = []
    if not isinstance(topology, dict):
        return [((), f"must be a TopoJSON object, not {_kind(topology)}")]
    if topology.get("type") != "Topology":
        found.append((("type",), 'must be "Topology" (a TopoJSON file)'))
    transform = topology.get("transform")
    if "transform" in topology:
        if not isinstance(transform, dict):
            found.append((("transform",), 'must be an object with "scale" and "translate"'))
        else:
            for key in ("scale", "translate"):
                if not _numbers(transform.get(key), 2):
                    found.append((("transform", key), "must be a list of two finite numbers"))
            if _numbers(transform.get("scale"), 2) and 0 in transform["scale"]:
                found.append((("transform", "scale"), "must not be 0"))
    if "bbox" in topology and not _numbers(topology["bbox"], 4):
        found.append((("bbox",), "must be a list of four finite numbers"))
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        found.append((("arcs",), "must be a list of arcs"))
        arcs = []
    quantized = isinstance(transform, dict)
    for i, arc in enumerate(arcs):
        if len(found) >= MAX_PROBLEMS:
            break
        if not isinstance(arc, list) or len(arc) < 2:
            found.append((("arcs", i), "must be a list of at least two positions"))
            continue
        for j, position in enumerate(arc):
            if not _position(position, integers=quantized):
                what = "integers (the file is quantized)" if quantized else "finite numbers"
                found.append((("arcs", i, j), f"must be a position: a list of two or more {what}"))
                break
    objects = topology.get("objects")
    if not isinstance(objects, dict) or not objects:
        found.append((("objects",), "must be an object mapping names to geometries"))
        return found
    missing = [name for name in LAYERS if name not in objects]
    if missing:
        found.append(
            (("objects",), f"lacks the layer{'s' if len(missing) > 1 else ''} {', '.join(missing)} the map draws")
        )
    for name, geometry in objects.items():
        _check_geometry(geometry, ("objects", name), len(arcs), found, 0)
    return found


def _check_geometry(geometry: Any, path: tuple, n_arcs: int, found: list, depth: int) -> None:
    if len(found) >= MAX_PROBLEMS:
        return
    if not isinstance(geometry, dict):
        found.append((path, f"must be a geometry object, not {_kind(geometry)}"))
        return
    kind = geometry.get("type")
    if "properties" in geometry and not isinstance(geometry["properties"], (dict, type(None))):
        found.append(((*path, "properties"), "must be an object"))
    if "id" in geometry and (not isinstance(geometry["id"], (str, int, float)) or isinstance(geometry["id"], bool)):
        found.append(((*path, "id"), "must be a string or a number"))
    if kind is None:
        return  # a null geometry
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list):
            found.append(((*path, "geometries"), "must be a list of geometries"))
        elif depth >= MAX_NESTING:
            found.append((path, f"nests GeometryCollections more than {MAX_NESTING} deep"))
        else:
            for i, member in enumerate(members):
                _check_geometry(member, (*path, "geometries", i), n_arcs, found, depth + 1)
        return
    if kind not in GEOMETRY_TYPES:
        found.append(((*path, "type"), f"must be one of GeometryCollection, {', '.join(GEOMETRY_TYPES)}"))
        return
    if kind in ("Point", "MultiPoint"):
        coordinates = geometry.get("coordinates")
        ok = (
            _position(coordinates)
            if kind == "Point"
            else isinstance(coordinates, list) and all(map(_position, coordinates))
        )
        if not ok:
            found.append(
                ((*path, "coordinates"), f"must be {'a position' if kind == 'Point' else 'a list of positions'}")
            )
        return
    depth_of_arcs = {"LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[kind]
    problem = _arc_indexes(geometry.get("arcs"), depth_of_arcs, n_arcs)
    if problem:
        found.append(((*path, "arcs"), problem))


def _arc_indexes(value: Any, depth: int, n_arcs: int) -> str | None:
    """None if ``value`` is ``depth`` levels of lists ending in indexes of existing arcs, else what is wrong."""
    if not isinstance(value, list):
        return f"must be {'a list of ' * depth}arc indexes"
    if depth == 1:
        for index in value:
            if not isinstance(index, int) or isinstance(index, bool):
                return f"must be a list of arc indexes (whole numbers), found {_kind(index)}"
            if not -n_arcs <= index < n_arcs:  # a negative index ~i is arc i reversed
                return f"uses arc {index}, but the topology has {n_arcs} arc{'s' if n_arcs != 1 else ''}"
        return None
    for item in value:
        problem = _arc_indexes(item, depth - 1, n_arcs)
        if problem:
            return problem
    return None


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _numbers(value: Any, count: int) -> bool:
    return isinstance(value, list) and len(value) == count and all(map(_finite, value))


def _position(value: Any, integers: bool = False) -> bool:
    if not (isinstance(value, list) and len(value) >= 2 and all(map(_finite, value))):
        return False
    return not integers or all(isinstance(v, int) for v in value[:2])


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _name(path: tuple) -> str:
    """('objects', 'land', 'geometries', 3) -> 'objects.land.geometries[3]'."""
    if not path:
        return "the file"
    out = ""
    for step in path:
        if isinstance(step, str) and not re.fullmatch(r"\w{1,40}", step):
            step = repr(step) if len(step) <= 40 else repr(step[:37] + "...")  # a name from the file, kept short
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _line_of(text: str, path: tuple) -> int | None:
    """The line where the value at ``path`` starts (walking the text with the JSON decoder), or None."""
    decoder = json.JSONDecoder()
    i = _skip(text, 0)
    try:
        for step in path:
            if isinstance(step, str):
                if text[i] != "{":
                    return None
                i = _skip(text, i + 1)
                while text[i] != "}":
                    key, i = decoder.raw_decode(text, i)
                    i = _skip(text, _skip(text, i) + 1)  # past the ':'
                    if key == step:
                        break
                    i = _skip(text, decoder.raw_decode(text, i)[1])
                    if text[i] == ",":
                        i = _skip(text, i + 1)
                else:
                    return None
            else:
                if text[i] != "[":
                    return None
                i = _skip(text, i + 1)
                for _ in range(step):
                    i = _skip(text, decoder.raw_decode(text, i)[1])
                    if text[i] != ",":
                        return None
                    i = _skip(text, i + 1)
    except (IndexError, ValueError, RecursionError):
        return None
    return text.count("\n", 0, i) + 1


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i
