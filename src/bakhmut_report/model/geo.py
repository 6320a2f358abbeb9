"""Great-circle distances and range rings (the same formulas run in report.js)."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def ring(lat: float, lon: float, radius_km: float, points: int = 72) -> tuple[list[float], list[float]]:
    """A closed circle of ``radius_km`` around a point, as lat and lon lists."""
    p1, l1 = math.radians(lat), math.radians(lon)
    d = radius_km / EARTH_RADIUS_KM
    lats, lons = [], []
    for i in range(points + 1):
        bearing = 2 * math.pi * i / points
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
        l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
        lats.append(round(math.degrees(p2), 4))
        lons.append(round(math.degrees(l2), 4))
    return lats, lons


def destination(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) along ``bearing_deg`` (great circle): lat, lon."""
    p1, l1, d, b = math.radians(lat), math.radians(lon), km / EARTH_RADIUS_KM, math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def topology_lines(topology: dict, object_name: str) -> list[list[tuple[float, float]]]:
    """The rings and lines of one TopoJSON object as (lon, lat) lists (arcs decoded, transform applied)."""
    transform = topology.get("transform") or {}
    scale = transform.get("scale", [1, 1])
    translate = transform.get("translate", [0, 0])
    decoded = []
    for arc in topology.get("arcs", []):
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            if transform:
                x, y = x + dx, y + dy
                points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
            else:
                points.append((dx, dy))
        decoded.append(points)

    def arc_points(index: int) -> list[tuple[float, float]]:
        return decoded[index] if index >= 0 else decoded[~index][::-1]

    def line(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            points = arc_points(i)
            out += points[1:] if out else points
        return out

    result: list[list[tuple[float, float]]] = []

    def walk(geometry: dict) -> None:
        kind, arcs = geometry.get("type"), geometry.get("arcs") or []  # load.geometry checked the structure
        if kind == "GeometryCollection":
            for g in geometry.get("geometries", []):
                walk(g)
        elif kind == "LineString":
            result.append(line(arcs))
        elif kind in ("MultiLineString", "Polygon"):
            result.extend(line(a) for a in arcs)
        elif kind == "MultiPolygon":
            result.extend(line(ring) for polygon in arcs for ring in polygon)

    obj = topology.get("objects", {}).get(object_name)
    if isinstance(obj, dict):
        walk(obj)
    return result
