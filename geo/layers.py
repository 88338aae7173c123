"""Every control and corridor layer for one date, as one GeoDataFrame with a ``layer`` column
(``control``, ``control_area``, ``frontline``, ``border``, ``corridor``, ``border_crossing``,
``corridor_event``, ``corridor_control``, ``deconfliction_zone``, ``land_corridor``)."""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import pandas as pd

from .areas import RADIUS_KM, control_areas, frontlines
from .control import (
    HALF_LIFE_DAYS,
    MAX_UNCERTAINTY_KM,
    control_at,
    control_observations,
    day_iso,
)
from .corridor_layers import corridor_layers, land_corridor

WGS84 = "EPSG:4326"
LAYERS = ("control", "control_area", "frontline", "border", "corridor", "border_crossing",
          "corridor_event", "corridor_control", "deconfliction_zone", "land_corridor")


def recent_events(events: gpd.GeoDataFrame, day, window_days: int = 30, *,
                  max_uncertainty_km: float = MAX_UNCERTAINTY_KM) -> gpd.GeoDataFrame:
    """Located events whose days (first_date–last_date) meet [day - window_days, day];
    approximate events with an uncertainty over ``max_uncertainty_km`` are left out."""
    d = day_iso(day)
    lo = (date.fromisoformat(d) - timedelta(days=window_days)).isoformat()
    if not len(events):
        return events
    first = events["first_date"].fillna(events["event_date"])
    last = events["last_date"].fillna(events["event_date"])
    unc = pd.to_numeric(events["uncertainty_km"], errors="coerce")
    vague = events["approximate"].fillna(False).astype(bool) & \
        (unc.isna() | (unc > max_uncertainty_km))
    keep = (first <= d) & (last >= lo) & ~vague & events.geometry.notna()
    return events[keep.fillna(False).astype(bool)]


def layers_for_date(events: gpd.GeoDataFrame, day, *, observations=None,
                    radius_km: float = RADIUS_KM, half_life_days: float = HALF_LIFE_DAYS,
                    corridor_km: float = 50.0, event_window_days: int = 30, actors=None,
                    corridor: bool = True) -> gpd.GeoDataFrame:
    """All layers for ``day`` (a date or ISO string) from an events frame
    (``geo.event_table.events_frame``); pass ``observations`` to reuse
    ``control_observations(events)`` across dates. Unlocated control places are kept (empty
    geometry) in the ``control`` layer as evidence. The ``corridor_event`` layer holds the
    events inside the corridor whose days meet the ``event_window_days`` up to ``day``,
    located to a place (approximate points over ``MAX_UNCERTAINTY_KM`` km of uncertainty left
    out; those kept carry ``approximate`` and ``uncertainty_km``). The control areas' cells
    are cached per set of located places (``geo.areas.cell_set``), and what follows from one
    cell or one group of touching cells is memoised by content (``geo.areas``), as are the
    land corridor's projected areas, pieces and distances (``geo.corridor_layers``), so
    successive dates redo only what changed; the results equal a computation from empty
    caches."""
    if actors is None:
        from .actors import load_actors

        actors = load_actors()
    obs = control_observations(events) if observations is None else observations
    at = control_at(obs, day, half_life_days=half_life_days)
    areas = control_areas(at, radius_km=radius_km)
    parts = [at.rename(columns={"location": "name"}).assign(layer="control"), areas,
             frontlines(areas, actors)]
    if corridor:
        parts.append(corridor_layers(recent_events(events, day, event_window_days), at,
                                     width_km=corridor_km))
    parts.append(land_corridor(areas, str(day), actors=actors))
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True)
    if "approximate" in out.columns:        # a plain bool: False where a layer has none
        out["approximate"] = out["approximate"].fillna(False).astype(bool)
    out["date"] = str(day)
    front = ["layer", "date", "name"]
    out = out[front + [c for c in out.columns if c not in front]]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)
