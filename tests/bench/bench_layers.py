"""Benchmark: every control and corridor layer for 365 dates over 10,000 synthetic events.

    python tests/bench/bench_layers.py [--events 10000] [--places 2000] [--dates 365] [--json]
                                       [--breakdown]

Events are random points inside Iraq and Syria (Natural Earth 10 m), drawn at ``--places``
distinct places, with random blocs (the armed blocs of actors.toml), control kinds (captured,
holds, reached, contested) and days over 2017. For each day, ``geo.layers.registry.layers_for_date``
builds control places, control areas, frontlines, the border corridor layers and the land
corridor answer (control observations are computed once). Prints seconds per date (mean,
median, max; and the median CPU seconds of the process, steadier than wall-clock time on a
shared machine) and the total. ``--breakdown`` also times each step on its own for every date
(``control_at``, ``control_areas``, ``frontlines``, ``corridor_layers``, ``land_corridor``;
median seconds), before the whole ``layers_for_date`` of that date. No gazetteer index needed.
Wall-clock seconds: on a shared machine compare runs made in the same period.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from geo.actors import load_actors  # noqa: E402
from geo.layers.boundaries import country_shape  # noqa: E402
from geo.layers.control import control_observations  # noqa: E402
from geo.layers.registry import layers_for_date  # noqa: E402
from geo.theatres import load_theatres  # noqa: E402

BLOCS = ["islamic_state", "iran_axis", "syrian_government", "iraqi_government", "us_coalition",
         "kurdish_forces", "syrian_opposition", "russia"]
CONTROL = ["captured", "holds", "reached", "contested"]
SEEDS = load_theatres()["iraq_syria"]          # the synthetic events lie in its countries
QUESTION = SEEDS.questions[0]


def synthetic_events(n_events: int, n_places: int, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    land = shapely.union_all([country_shape("IQ"), country_shape("SY")])
    shapely.prepare(land)
    minx, miny, maxx, maxy = land.bounds
    pts = []
    while len(pts) < n_places:
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(n_places, 2))
        cand = shapely.points(xy)
        pts += list(cand[shapely.contains(land, cand)])
    pts = pts[:n_places]
    place = rng.integers(0, n_places, n_events)
    day0 = date(2017, 1, 1)
    days = [(day0 + timedelta(days=int(d))).isoformat() for d in rng.integers(0, 365, n_events)]
    b1 = rng.choice(BLOCS, n_events)
    b2 = rng.choice(BLOCS, n_events)
    ctrl = rng.choice(CONTROL, n_events)
    rows = [{"event_id_cnty": f"SYN{i}", "event_date": days[i], "first_date": days[i],
             "last_date": days[i], "event_type": "Battles", "sub_event_type": "Armed clash",
             "actor1": b1[i], "actor2": b2[i], "bloc1": b1[i],
             "bloc2": b2[i] if b2[i] != b1[i] else "", "control": ctrl[i],
             "modality": "situation" if ctrl[i] == "holds" else "asserted",
             "location": f"place {place[i]}", "place_id": f"syn:{place[i]}",
             "approximate": False, "uncertainty_km": None,
             "sources": json.dumps([{"article": f"a{i}", "sentence": f"s{i}"}]),
             "sentences": f"s{i}", "rule": "synthetic", "claimed_by": "",
             "geometry": pts[place[i]]} for i in range(n_events)]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def forget() -> None:
    """Drop the cells cached for the last set of places (when this version caches them)."""
    import geo.layers.areas

    getattr(geo.layers.areas, "clear_cell_cache", lambda: None)()


def breakdown(events, obs, day: str, actors) -> dict[str, float]:
    """Seconds of each step of ``layers_for_date`` for ``day``, each timed on its own."""
    from geo.layers.areas import control_areas, frontlines
    from geo.layers.control import control_at
    from geo.layers.corridor import corridor_layers, land_corridor
    from geo.layers.registry import recent_events

    out = {}
    t = time.perf_counter()
    at = control_at(obs, day)
    out["control_at"] = time.perf_counter() - t
    t = time.perf_counter()
    areas = control_areas(at)
    out["control_areas"] = time.perf_counter() - t
    t = time.perf_counter()
    frontlines(areas, actors)
    out["frontlines"] = time.perf_counter() - t
    t = time.perf_counter()
    corridor_layers(recent_events(events, day, 30), at, SEEDS, width_km=50.0)
    out["corridor_layers"] = time.perf_counter() - t
    t = time.perf_counter()
    land_corridor(areas, day, question=QUESTION, actors=actors)
    out["land_corridor"] = time.perf_counter() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--places", type=int, default=2_000)
    ap.add_argument("--dates", type=int, default=365)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--breakdown", action="store_true", help="time each step on its own too")
    args = ap.parse_args()
    t0 = time.perf_counter()
    events = synthetic_events(args.events, args.places)
    actors = load_actors()
    obs = control_observations(events)
    t_obs = time.perf_counter() - t0
    per, cpu, sizes = [], [], []
    steps: dict[str, list[float]] = {}
    start = date(2017, 1, 1)
    t1 = time.perf_counter()
    for k in range(args.dates):
        day = (start + timedelta(days=k * 365 // args.dates)).isoformat()
        if args.breakdown:
            for name, seconds in breakdown(events, obs, day, actors).items():
                steps.setdefault(name, []).append(seconds)
            forget()        # the whole date below does not reuse the steps' cells
        t, c = time.perf_counter(), time.process_time()
        layers = layers_for_date(events, day, observations=obs, actors=actors)
        per.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        sizes.append(layers.layer.value_counts().to_dict())
    total = time.perf_counter() - t1
    last = sizes[-1]
    result = {"events": args.events, "places": args.places, "dates": args.dates,
              "observations": len(obs), "setup_s": round(t_obs, 2),
              "per_date_mean_s": round(statistics.mean(per), 3),
              "per_date_median_s": round(statistics.median(per), 3),
              "per_date_max_s": round(max(per), 3),
              "per_date_cpu_median_s": round(statistics.median(cpu), 3),
              "total_s": round(total, 1),
              "last_date_rows": last}
    if steps:
        result["step_median_s"] = {k: round(statistics.median(v), 3) for k, v in steps.items()}
        result["total_s"] = round(sum(per), 1)
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>18}: {v}")


if __name__ == "__main__":
    main()
