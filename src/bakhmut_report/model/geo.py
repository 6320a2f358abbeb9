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
