"""Control observations: who holds which place since when, read off the events (pure functions).

``control_observations(events)`` turns an events frame (``geo.events.table.events_frame``) into
one row per (place, date, bloc, status), status one of

* ``taken``     actor1's bloc captured / liberated / entered / reached the place (rules with
                ``control`` "captured", "reached" or "entered" in ``data/event_vocabulary.toml``);
* ``lost``      actor2's bloc lost it in the same event (a capture with a known target);
* ``held``      a standing fact ("X is held by Y", "IS stronghold": ``control`` "holds", modality
                "situation", kept only when the events were extracted with situations);
* ``contested`` a battle or siege at the place (``control`` "contested"): actor1's bloc, the
                opposing bloc in ``opponent``.

Only asserted events and situations count (plans and statements carry no control), and only
events located to a place: unlocated places the gazetteer knows (no coordinates in any
offline source) are kept with an empty geometry and ``located`` False — evidence that is
counted but never drawn —; approximate points (a relative location: "west of Mosul", "75 km
north-west of Tanf") are kept with ``approximate`` True and their ``uncertainty_km`` radius, as
a place of their own (``place_key`` "approx:lat,lon:r<km>km", ``location`` saying
"approximate"), so that they never stand for the town they are measured from; approximate
points with no radius or one over ``max_uncertainty_km`` km are left out when the place is a
country, a province or a border named as the location (ACLED ``geo_precision`` 3), and kept
unlocated when it is a named place placed only roughly (``geo_precision`` 2: "the border
village of X", placed on the border near the article's closest place). Every row keeps its
event id, sources (JSON) and sentences.

``control_at(observations, day)`` gives, per place, the latest observation known on ``day``:
an observation is known from its ``first_date`` (the earliest day the event may have happened)
and ages from its ``date`` (the latest), so its confidence is
``base[status] * 0.5 ** (age_days / half_life_days)``. On the latest day, a capture beats a
loss and a standing fact; two different blocs taking or holding the same place on that day, or
a contested observation, make the place ``contested``.

Frames are EPSG:4326, geometry (lon, lat); dates ISO strings (``YYYY-MM-DD``).
"""

from __future__ import annotations

import contextlib
import json
import weakref
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.text.dates import to_day

WGS84 = "EPSG:4326"
STATUSES = ("held", "taken", "contested", "lost")
CONTROL_STATUS = {"captured": "taken", "entered": "taken", "reached": "taken",
                  "holds": "held", "contested": "contested", "lost": "lost"}
# How much one observation says about control on its own day (before ageing): a capture is
# a change of hands, reaching or entering a place less so, a standing fact from background
# prose least of the rest.
BASE_CONFIDENCE = {"captured": 0.9, "entered": 0.7, "reached": 0.6, "holds": 0.7,
                   "contested": 0.8, "lost": 0.9}
# Approximate points up to this radius (km) are kept, flagged: "west of Mosul" is 50 km
# (geo.events.places.APPROX_RADIUS_KM); a country, a province or a border named as the place is
# vaguer (84 km and more on the seeds) and is left out.
MAX_UNCERTAINTY_KM = 50.0
HALF_LIFE_DAYS = 30.0
# On the same latest day: which status speaks for the place (lower wins).
_PRIORITY = {"taken": 0, "contested": 1, "held": 2, "lost": 3}
OBS_COLUMNS = ["obs_id", "place_key", "location", "date", "first_date", "bloc", "status",
               "opponent", "control", "base_confidence", "event_id", "rule", "claimed_by",
               "sources", "sentences", "located", "approximate", "uncertainty_km", "geometry"]


def _located(geom) -> bool:
    return geom is not None and not geom.is_empty


def _place_key(row, approximate: bool = False, uncertainty_km: float | None = None) -> str:
    """The place an observation is about: the gazetteer id, else the point; an approximate
    point is a place of its own (its point and radius), never the town it is measured from."""
    if approximate and _located(row["geometry"]):
        return f"approx:{row['geometry'].y:.4f},{row['geometry'].x:.4f}:r{uncertainty_km:g}km"
    if row.get("place_id"):
        return str(row["place_id"])
    return f"pt:{row['geometry'].y:.4f},{row['geometry'].x:.4f}"


def control_observations(events: gpd.GeoDataFrame, *,
                         max_uncertainty_km: float = MAX_UNCERTAINTY_KM) -> gpd.GeoDataFrame:
    """One row per (place, date, bloc, status) told by ``events`` (see the module docstring).
    Columns: ``OBS_COLUMNS``; ``date``/``first_date`` ISO strings."""
    rows = []
    if len(events):
        ev = events.to_crs(WGS84) if events.crs and events.crs != WGS84 else events
        ctrl = ev.get("control", pd.Series("", index=ev.index)).fillna("").astype(str)
        modality = ev.get("modality", pd.Series("asserted", index=ev.index)).fillna("asserted")
        geom = ev.geometry
        located = geom.notna() & ~geom.is_empty
        unc = pd.to_numeric(ev.get("uncertainty_km", pd.Series(np.nan, index=ev.index)),
                            errors="coerce")
        approx = ev.get("approximate", pd.Series(False, index=ev.index)).fillna(False) \
            .astype(bool)
        vague = approx & (unc.isna() | (unc > max_uncertainty_km))
        has_place = ev.get("place_id", pd.Series("", index=ev.index)).fillna("").astype(bool)
        near_town = pd.to_numeric(ev.get("geo_precision", pd.Series(np.nan, index=ev.index)),
                                  errors="coerce") <= 2
        # a named place placed only roughly ("the border village of X"): evidence counted,
        # never drawn, like a place no source locates
        unplaced = vague & has_place & near_town
        keep = ctrl.isin(CONTROL_STATUS.keys()) & modality.isin(["asserted", "situation"]) & \
            (located | has_place) & (~vague | unplaced) & ev["event_date"].notna()
        for i, (_, r) in zip(np.flatnonzero(keep.to_numpy()), ev[keep].iterrows(),
                             strict=True):
            r = r.to_dict()
            if unplaced.iloc[i]:
                r["geometry"] = None
            status = CONTROL_STATUS[r["control"]]
            bloc1, bloc2 = r.get("bloc1") or "", r.get("bloc2") or ""
            rough = bool(approx.iloc[i]) and _located(r["geometry"])
            radius = float(unc.iloc[i]) if rough else None
            location = r.get("location") or ""
            if rough:       # "west of Mosul (approximate, ±50 km)", not "Mosul"
                location = f"{r.get('located_as') or location} (approximate, ±{radius:g} km)"
            common = {
                "place_key": _place_key(r, rough, radius), "location": location,
                # the latest day it may have happened (ACLED's event_date may be a middle one)
                "date": r.get("last_date") or r["event_date"],
                "first_date": r.get("first_date") or r["event_date"],
                "control": r["control"], "event_id": r["event_id_cnty"],
                "rule": r.get("rule", ""), "claimed_by": r.get("claimed_by") or "",
                "sources": r.get("sources") or "[]", "sentences": r.get("sentences") or "",
                "located": _located(r["geometry"]), "approximate": rough,
                "uncertainty_km": radius, "geometry": r["geometry"]}
            base = BASE_CONFIDENCE[r["control"]]
            if status == "held" and bloc2 and not bloc1:
                bloc1 = bloc2       # "held by X" with X read as the target
            if bloc1:
                rows.append({**common, "bloc": bloc1, "status": status,
                             "opponent": bloc2 if bloc2 != bloc1 else "",
                             "base_confidence": base})
            if status == "taken" and r["control"] == "captured" and bloc2 and bloc2 != bloc1:
                rows.append({**common, "bloc": bloc2, "status": "lost", "opponent": bloc1,
                             "base_confidence": BASE_CONFIDENCE["lost"]})
    out = gpd.GeoDataFrame(rows, columns=OBS_COLUMNS, geometry="geometry", crs=WGS84)
    out["obs_id"] = [f"{e}:{s}:{b}" for e, s, b in zip(out.event_id, out.status, out.bloc,
                                                         strict=True)]
    return out.sort_values(["date", "place_key", "bloc"], kind="stable").reset_index(drop=True)


AT_COLUMNS = ["place_key", "location", "bloc", "status", "contested", "blocs", "since",
              "observed", "age_days", "confidence", "event_ids", "obs_ids", "sources",
              "sentences", "located", "approximate", "uncertainty_km", "geometry"]
_HOLDING = ("taken", "held")


def _days(values: np.ndarray) -> np.ndarray:
    """ISO date strings as day numbers (int64, days since 1970-01-01)."""
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64)


def control_at(observations: gpd.GeoDataFrame, day, *,
               half_life_days: float = HALF_LIFE_DAYS,
               max_age_days: float | None = None) -> gpd.GeoDataFrame:
    """The state of every observed place on ``day`` (date or ISO string): one row per place
    (sorted by ``place_key``) with the bloc holding it (empty when contested or only lost),
    status, ``contested``, ``blocs`` (every bloc seen there on the latest day), ``since``
    (first observation of the same holder in the unbroken run that ends in the latest),
    ``observed`` (latest day), ``age_days``, ``confidence`` (0–1, halved every
    ``half_life_days`` days), the evidence of the latest day (``event_ids``, ``obs_ids``: JSON
    lists; ``sources``; ``sentences``), ``located``, and ``approximate``/``uncertainty_km``
    (km) for a relative location. Geometry: the place's point (lon, lat) or empty.
    With ``max_age_days``, a place whose latest evidence is older than that many days is
    history: left out, and counted in ``frame.attrs["expired"]``."""
    d = to_day(day).isoformat()
    if not half_life_days > 0:
        raise ValueError(f"half_life_days must be positive, not {half_life_days!r}")
    if not len(observations):
        return gpd.GeoDataFrame(columns=AT_COLUMNS, geometry="geometry", crs=WGS84)
    arrays = _arrays(observations)
    d_day = int(_days(np.array([d]))[0])
    known = np.flatnonzero(arrays["_first_day"] <= d_day)
    if not len(known):
        return gpd.GeoDataFrame(columns=AT_COLUMNS, geometry="geometry", crs=WGS84)

    def col(name, default=None):
        if name in arrays:
            return arrays[name][known]
        return np.full(len(known), default, dtype=object)

    status, bloc = col("status"), col("bloc", "")
    eff_day = np.minimum(arrays["_date_day"][known], d_day)
    prio = arrays["_prio"][known]
    # the places known on the day, numbered in key order (pd.factorize(keys, sort=True))
    all_codes = arrays["_place_code"][known]
    present = np.unique(all_codes)
    codes = np.searchsorted(present, all_codes)
    places = arrays["_places"][present]
    # per place: latest day first, then the status that speaks for it, then the input order
    order = np.lexsort((np.arange(len(known)), prio, -eff_day, codes))
    codes, eff_day, status, bloc = codes[order], eff_day[order], status[order], bloc[order]
    n = len(places)
    first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    group = np.repeat(np.arange(n), np.diff(np.r_[first, len(codes)]))
    top_day = eff_day[first]
    latest = eff_day == top_day[group]
    holding = np.isin(status, _HOLDING)
    bloc_codes, bloc_names = arrays["_bloc_code"][known][order], arrays["_blocs"]
    hold_pairs = np.unique(group[latest & holding] * (len(bloc_names) + 1)
                           + bloc_codes[latest & holding])
    n_holders = np.bincount(hold_pairs // (len(bloc_names) + 1), minlength=n)
    top_status = status[first]
    contested = (top_status == "contested") | (n_holders > 1)
    final_status = np.where(contested, "contested", top_status)
    final_bloc = np.where(~contested & (final_status != "lost"), bloc[first], "")
    # since: the holder's first taken/held day after the last observation against it
    holder = final_bloc[group]
    own = holding & (bloc == holder) & (holder != "")
    against = (holding & (bloc != holder)) | (status == "contested") | \
        ((status == "lost") & (bloc == holder))
    last_against = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last_against, group[against], eff_day[against])
    run = own & (eff_day > last_against[group])
    since_day = top_day.copy()
    first_own = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_own, group[run], eff_day[run])
    has_run = first_own != np.iinfo(np.int64).max
    since_day[has_run] = first_own[has_run]
    age = (np.datetime64(d) - top_day.astype("datetime64[D]")).astype(int)
    base = col("base_confidence").astype(float)[order]
    best = np.full(n, -np.inf)
    np.maximum.at(best, group[latest], base[latest])
    conf = np.round(best * 0.5 ** (age / half_life_days), 4)
    # the evidence of the latest day, in the sorted order
    n_latest = np.bincount(group[latest], minlength=n)
    lists = {name: col(name, "")[order].tolist() for name in
             ("event_id", "obs_id", "sources", "sentences", "opponent")}
    blocs_l = bloc.tolist()
    ev_json, obs_json, src_json, sent_txt, blocs_json = [], [], [], [], []
    ids, obs_ids, srcs, sents, opps = (lists[k] for k in ("event_id", "obs_id", "sources",
                                                           "sentences", "opponent"))
    for s, k in zip(first.tolist(), n_latest.tolist(), strict=True):
        if k == 1:              # most places: one observation on the latest day (memoised)
            ev_json.append(_json_list1(ids[s]))
            obs_json.append(_json_list1(obs_ids[s]))
            src_json.append(_sources1(srcs[s]))
            sent_txt.append(sents[s])
            blocs_json.append(_blocs1(blocs_l[s], opps[s]))
            continue
        e = s + k
        ev_json.append(json.dumps(list(dict.fromkeys(ids[s:e]))))
        obs_json.append(json.dumps(obs_ids[s:e]))
        src_json.append(_join_sources(srcs[s:e]))
        sent_txt.append(" | ".join(dict.fromkeys(sents[s:e])))
        blocs_json.append(json.dumps(sorted(set(blocs_l[s:e]) | (set(opps[s:e]) - {""}))))
    top = order[first]
    approx = col("approximate", False)[top]
    approx = np.array([bool(a) if a is not None and a == a else False for a in approx])
    unc = pd.to_numeric(pd.Series(col("uncertainty_km", np.nan)[top]), errors="coerce")
    out = pd.DataFrame({
        "place_key": np.asarray(places, dtype=object), "location": col("location", "")[top],
        "bloc": final_bloc.astype(object), "status": final_status.astype(object),
        "contested": contested.astype(bool), "blocs": blocs_json,
        "since": _iso(since_day), "observed": _iso(top_day), "age_days": age,
        "confidence": conf, "event_ids": ev_json, "obs_ids": obs_json, "sources": src_json,
        "sentences": sent_txt, "located": col("located", False)[top].astype(bool),
        "approximate": approx, "uncertainty_km": unc.to_numpy(dtype=float)})
    geometry = observations.geometry.values[known[top]]
    frame = gpd.GeoDataFrame(out, geometry=geometry, crs=WGS84)[AT_COLUMNS]
    if max_age_days is None:
        return frame
    if not max_age_days > 0:
        raise ValueError(f"max_age_days must be positive, not {max_age_days!r}")
    current = age <= max_age_days
    frame = frame[current] if not current.all() else frame
    frame.attrs["expired"] = int((~current).sum())
    return frame


_ARRAY_COLUMNS = ("first_date", "place_key", "status", "bloc", "date", "base_confidence",
                  "event_id", "obs_id", "sources", "sentences", "opponent", "location",
                  "located", "approximate", "uncertainty_km")
_ARRAYS: dict = {}      # id(frame) -> (weak reference, length, columns, arrays)


def _arrays(observations: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns ``control_at`` reads, as object arrays, kept for the last few frames (one
    observations frame is usually read for many days in a row). The frames are treated as
    immutable: a frame changed in place with the same length and columns is not re-read."""
    key = id(observations)
    hit = _ARRAYS.get(key)
    shape = (len(observations), tuple(observations.columns))
    if hit is not None and hit[0]() is observations and hit[1] == shape:
        return hit[2]
    arrays = {c: observations[c].to_numpy(dtype=object) for c in _ARRAY_COLUMNS
              if c in observations.columns}
    # what control_at derives from them, once: day numbers, priorities, place and bloc codes
    arrays["_first_day"] = _days(arrays["first_date"])
    arrays["_date_day"] = _days(arrays["date"])
    arrays["_prio"] = np.array([_PRIORITY[x] for x in arrays["status"]], dtype=np.int64)
    codes, places = pd.factorize(arrays["place_key"], sort=True)
    arrays["_place_code"], arrays["_places"] = codes, np.asarray(places, dtype=object)
    bloc = arrays.get("bloc", np.full(len(observations), "", dtype=object))
    arrays["_bloc_code"], arrays["_blocs"] = pd.factorize(bloc)
    for k in [k for k, v in _ARRAYS.items() if v[0]() is None] + list(_ARRAYS)[:-3]:
        _ARRAYS.pop(k, None)
    with contextlib.suppress(TypeError):        # not weakly referable: not kept
        _ARRAYS[key] = (weakref.ref(observations), shape, arrays)
    return arrays


def _iso(days: np.ndarray) -> np.ndarray:
    """Day numbers as ISO date strings."""
    return np.datetime_as_string(days.astype("datetime64[D]")).astype(object)


@lru_cache(maxsize=1 << 16)
def _json_list1(item) -> str:
    return json.dumps([item])


@lru_cache(maxsize=1 << 16)
def _sources1(item) -> str:
    return _join_sources([item])


@lru_cache(maxsize=1 << 12)
def _blocs1(bloc: str, opponent: str) -> str:
    return json.dumps(sorted({bloc} | ({opponent} - {""})))


def _join_sources(items) -> str:
    """The JSON lists of sources of several observations as one JSON list."""
    out = []
    for s in items:
        with contextlib.suppress(TypeError, ValueError):
            out += json.loads(s)
    return json.dumps(out, ensure_ascii=False)
