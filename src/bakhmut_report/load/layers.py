"""Base layers of the map (rivers, oblast boundaries): GeoJSON lines, read and checked, never pasted.

Each resource of the data package marked ``"x-baseLayer": true`` is a GeoJSON
FeatureCollection of LineString / MultiLineString features. It is parsed,
checked (structure, finite coordinates inside the theatre) and returned as
lists of (lon, lat) lines rounded to 4 decimals; the page gets them re-serialised
as JSON, so nothing from the file reaches the page as it was written.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..model.errors import DataError
from ..model.records import BaseLayer
from .package import read_json_data

MAX_BYTES = 2_000_000  # a clipped 1:10m layer is ~20 KB; anything this big is not one
BOX = ((36.0, 40.0), (47.0, 50.3))  # lon, lat: the theatre with a margin


def _fail(path: str, message: str, line: int | None = None) -> DataError:
    return DataError.at(f"data/{path}", message, line)


def _line(coords: Any, where: str, path: str) -> list[tuple[float, float]]:
    if not isinstance(coords, list) or len(coords) < 2:
        raise _fail(path, f"{where}: a line needs at least two [lon, lat] positions")
    out = []
    for point in coords:
        ok = (
            isinstance(point, list)
            and len(point) >= 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in point[:2])
        )
        if not ok:
            raise _fail(path, f"{where}: positions must be [lon, lat] numbers")
        lon, lat = float(point[0]), float(point[1])
        if not (BOX[0][0] <= lon <= BOX[0][1] and BOX[1][0] <= lat <= BOX[1][1]):
            raise _fail(
                path,
                f"{where}: position {lon:g}, {lat:g} lies outside the theatre "
                f"(lon {BOX[0][0]:g}..{BOX[0][1]:g}, lat {BOX[1][0]:g}..{BOX[1][1]:g})",
            )
        out.append((round(lon, 4), round(lat, 4)))
    return out


def read_layer(data_dir: Path, resource: dict) -> BaseLayer:
    path = str(resource["path"])
    value, _ = read_json_data(data_dir, path, "restore the file (see data/geo/PROVENANCE.md)", MAX_BYTES)
    if (
        not isinstance(value, dict)
        or value.get("type") != "FeatureCollection"
        or not isinstance(value.get("features"), list)
    ):
        raise _fail(path, 'must be a GeoJSON FeatureCollection: {"type": "FeatureCollection", "features": [...]}')
    lines: list[list[tuple[float, float]]] = []
    names: list[str] = []
    for i, feature in enumerate(value["features"]):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in ("LineString", "MultiLineString"):
            raise _fail(path, f"features[{i}]: only LineString and MultiLineString features are drawn")
        coordinates = geometry.get("coordinates")
        where = f"features[{i}]"
        if geometry["type"] == "LineString":
            lines.append(_line(coordinates, where, path))
        elif isinstance(coordinates, list):
            lines += [_line(c, f"{where} part {j}", path) for j, c in enumerate(coordinates)]
        else:
            raise _fail(path, f"{where}: a MultiLineString needs a list of lines")
        assert isinstance(feature, dict)  # geometry came from it
        properties = feature.get("properties") or {}
        name = properties.get("name") if isinstance(properties, dict) else None
        if isinstance(name, str) and name not in names:
            names.append(name)
    return BaseLayer(str(resource["name"]), str(resource.get("title", "")), tuple(names), tuple(map(tuple, lines)))


def read_layers(data_dir: Path, descriptor: dict) -> dict[str, BaseLayer]:
    return {str(r["name"]): read_layer(data_dir, r) for r in descriptor["resources"] if r.get("x-baseLayer") is True}
