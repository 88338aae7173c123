"""Places split into regions far apart, so that each region's layers are computed in a
projection that fits it (a local equidistant projection is only true near its centre: one
projection for a place in Missouri and one in Iraq distorts both and breaks polygon overlay).

:func:`region_labels` links places closer than ``link_km`` (great-circle kilometres) into one
region, transitively, and splits a region wider than ``max_km`` again at ``split_km`` (the
distance beyond which two places cannot interact: control cells reach ``radius_km``). It
works on a grid of cubes over unit vectors (no pairwise distances, linear in the number of
places): places in cubes that are not neighbours are at least ``link_km`` apart, so regions
never come closer than that; places in neighbouring cubes may be a little farther apart and
still share a region.
"""

from __future__ import annotations

import numpy as np

EARTH_KM = 6371.0088
LINK_KM = 500.0         # places nearer than this share a region (and a projection)
MAX_REGION_KM = 2500.0  # a region wider than this is split again at the independence distance


def unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    """(x, y, z) on the unit sphere of (lon, lat) degrees, shape (n, 3)."""
    lon, lat = np.radians(np.asarray(lonlat, dtype=float)).T
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _chord(km: float) -> float:
    return 2.0 * np.sin(min(km / EARTH_KM, np.pi) / 2.0)


def linked_roots(n: int, pairs) -> np.ndarray:
    """For items 0..n-1 joined by ``pairs`` ((i, j), transitively): each item's group, named
    by its smallest member (union-find)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    for a, b in pairs:
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)


def _grid_labels(xyz: np.ndarray, km: float) -> np.ndarray:
    """Labels 0..k-1 (first-seen order) of points joined through neighbouring cubes of side
    ``km`` (as a chord): points in cubes that are not neighbours are at least ``km`` apart."""
    side = _chord(km)
    cubes = np.floor(xyz / side).astype(np.int64)
    uniq, cube_of = np.unique(cubes, axis=0, return_inverse=True)
    cube_of = np.asarray(cube_of).reshape(-1)
    index = {tuple(c): i for i, c in enumerate(uniq.tolist())}
    steps = [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)
             if (a, b, c) > (0, 0, 0)]
    pairs = [(i, j) for i, (x, y, z) in enumerate(uniq.tolist()) for a, b, c in steps
             if (j := index.get((x + a, y + b, z + c))) is not None]
    roots = linked_roots(len(uniq), pairs)[cube_of]
    _, first = np.unique(roots, return_index=True)
    order = {int(roots[f]): n for n, f in enumerate(sorted(first.tolist()))}
    return np.fromiter((order[int(r)] for r in roots), dtype=np.int64, count=len(roots))


def _width_km(xyz: np.ndarray) -> float:
    """Twice the greatest distance (km) of the points from their mean direction."""
    centre = xyz.mean(axis=0)
    norm = np.linalg.norm(centre)
    if norm < 1e-9:
        return 2 * np.pi * EARTH_KM
    cos = np.clip(xyz @ (centre / norm), -1.0, 1.0)
    return 2.0 * float(np.arccos(cos.min())) * EARTH_KM


def region_labels(lonlat: np.ndarray, *, split_km: float, link_km: float = LINK_KM,
                  max_km: float = MAX_REGION_KM) -> np.ndarray:
    """A region number per point of ``lonlat`` ((lon, lat) degrees, shape (n, 2)), numbered in
    the order of each region's first point; see the module docstring. ``split_km`` (km) must
    be at most ``link_km``: regions are then always at least ``split_km`` apart."""
    lonlat = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    n = len(lonlat)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    xyz = unit_vectors(lonlat)
    coarse = _grid_labels(xyz, link_km)
    out = np.empty(n, dtype=np.int64)
    next_label = 0
    firsts = []
    for g in range(int(coarse.max()) + 1):
        members = np.flatnonzero(coarse == g)
        sub = np.zeros(len(members), dtype=np.int64)
        if len(members) > 1 and _width_km(xyz[members]) > max_km:
            sub = _grid_labels(xyz[members], split_km)
        for s in range(int(sub.max()) + 1):
            rows = members[sub == s]
            out[rows] = next_label
            firsts.append(int(rows[0]))
            next_label += 1
    # number the regions by their first point
    rank = np.empty(next_label, dtype=np.int64)
    rank[np.argsort(firsts, kind="stable")] = np.arange(next_label)
    return rank[out]
