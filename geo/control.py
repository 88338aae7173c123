"""Control observations: who holds which place since when, read off the events (pure functions).

``control_observations(events)`` turns an events frame (``geo.event_table.events_frame``) into
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
counted but never drawn —, and approximate points with an uncertainty over ``max_uncertainty_km``
(a country or a province named as the location) are left out. Every row keeps its event id,
sources (JSON) and sentences.

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
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

WGS84 = "EPSG:4326"
STATUSES = ("held", "taken", "contested", "lost")
CONTROL_STATUS = {"captured": "taken", "entered": "taken", "reached": "taken",
                  "holds": "held", "contested": "contested", "lost": "lost"}
# How much one observation says about control on its own day (before ageing): a capture is
# a change of hands, reaching or entering a place less so, a standing fact from background
# prose least of the rest.
BASE_CONFIDENCE = {"captured": 0.9, "entered": 0.7, "reached": 0.6, "holds": 0.7,
                   "contested": 0.8, "lost": 0.9}
MAX_UNCERTAINTY_KM = 25.0
HALF_LIFE_DAYS = 30.0
# On the same latest day: which status speaks for the place (lower wins).
_PRIORITY = {"taken": 0, "contested": 1, "held": 2, "lost": 3}
OBS_COLUMNS = ["obs_id", "place_key", "location", "date", "first_date", "bloc", "status",
               "opponent", "control", "base_confidence", "event_id", "rule", "claimed_by",
               "sources", "sentences", "located", "geometry"]


def _located(geom) -> bool:
    return geom is not None and not geom.is_empty


def _place_key(row) -> str:
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
        approx = ev.get("approximate", pd.Series(False, index=ev.index)).fillna(False)
        precise = ~(approx.astype(bool) & (unc.isna() | (unc > max_uncertainty_km)))
        has_place = ev.get("place_id", pd.Series("", index=ev.index)).fillna("").astype(bool)
        keep = ctrl.isin(CONTROL_STATUS.keys()) & modality.isin(["asserted", "situation"]) & \
            (located | has_place) & precise & ev["event_date"].notna()
        for _, r in ev[keep].iterrows():
            r = r.to_dict()
            status = CONTROL_STATUS[r["control"]]
            bloc1, bloc2 = r.get("bloc1") or "", r.get("bloc2") or ""
            common = {
                "place_key": _place_key(r), "location": r.get("location") or "",
                "date": r["event_date"], "first_date": r.get("first_date") or r["event_date"],
                "control": r["control"], "event_id": r["event_id_cnty"],
                "rule": r.get("rule", ""), "claimed_by": r.get("claimed_by") or "",
                "sources": r.get("sources") or "[]", "sentences": r.get("sentences") or "",
                "located": _located(r["geometry"]), "geometry": r["geometry"]}
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


def day_iso(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()


AT_COLUMNS = ["place_key", "location", "bloc", "status", "contested", "blocs", "since",
              "observed", "age_days", "confidence", "event_ids", "obs_ids", "sources",
              "sentences", "located", "geometry"]


def control_at(observations: gpd.GeoDataFrame, day, *,
               half_life_days: float = HALF_LIFE_DAYS) -> gpd.GeoDataFrame:
    """The state of every observed place on ``day`` (date or ISO string): one row per place
    with the bloc holding it (empty when contested or only lost), status, ``contested``,
    ``blocs`` (every bloc seen there on the latest day), ``since`` (first observation of the
    same holder in the unbroken run that ends in the latest), ``observed`` (latest day),
    ``age_days``, ``confidence`` (0–1, halved every ``half_life_days``), and the evidence
    (``event_ids``, ``obs_ids``: JSON lists; ``sources``; ``sentences``)."""
    d = day_iso(day)
    if not half_life_days > 0:
        raise ValueError(f"half_life_days must be positive, not {half_life_days!r}")
    obs = observations[observations["first_date"] <= d]
    if obs.empty:
        return gpd.GeoDataFrame(columns=AT_COLUMNS, geometry="geometry", crs=WGS84)
    obs = obs.assign(_eff=np.minimum(obs["date"].to_numpy(dtype=object), d),
                     _prio=obs["status"].map(_PRIORITY))
    obs = obs.sort_values(["place_key", "_eff", "_prio"], ascending=[True, False, True],
                          kind="stable")
    latest_day = obs.groupby("place_key", sort=False)["_eff"].transform("max")
    latest = obs[obs["_eff"] == latest_day]
    g = latest.groupby("place_key", sort=False)
    top = g.head(1).set_index("place_key")
    holding = latest["status"].isin(["taken", "held"])
    n_holders = latest[holding].groupby("place_key")["bloc"].nunique() \
        .reindex(top.index, fill_value=0)
    contested = (top["status"] == "contested") | (n_holders > 1)
    status = top["status"].where(~contested, "contested")
    bloc = top["bloc"].where(~contested & (status != "lost"), "")
    # since: the holder's first taken/held day after the last observation against it
    holder = obs["place_key"].map(bloc)
    own = obs["status"].isin(["taken", "held"]) & (obs["bloc"] == holder) & (holder != "")
    against = (obs["status"].isin(["taken", "held"]) & (obs["bloc"] != holder)) | \
        (obs["status"] == "contested") | ((obs["status"] == "lost") & (obs["bloc"] == holder))
    last_against = obs[against].groupby("place_key")["_eff"].max()
    cut = obs["place_key"].map(last_against).astype(object).fillna("")
    since = obs[own & (obs["_eff"] > cut)].groupby("place_key")["_eff"].min() \
        .reindex(top.index)
    since = since.fillna(top["_eff"])
    day0 = np.datetime64(d)
    age = (day0 - top["_eff"].to_numpy(dtype="datetime64[D]")).astype(int)
    conf = g["base_confidence"].max().reindex(top.index).to_numpy() * \
        0.5 ** (age / half_life_days)
    lists = g.agg(event_ids=("event_id", list), obs_ids=("obs_id", list),
                  sources=("sources", list), sentences=("sentences", list),
                  blocs=("bloc", list), opponents=("opponent", list)).reindex(top.index)
    out = pd.DataFrame({
        "place_key": top.index, "location": top["location"].to_numpy(),
        "bloc": bloc.to_numpy(), "status": status.to_numpy(),
        "contested": contested.to_numpy(dtype=bool),
        "blocs": [json.dumps(sorted(set(b) | set(o) - {""}))
                  for b, o in zip(lists.blocs, lists.opponents, strict=True)],
        "since": since.to_numpy(), "observed": top["_eff"].to_numpy(), "age_days": age,
        "confidence": np.round(conf, 4),
        "event_ids": [json.dumps(list(dict.fromkeys(e))) for e in lists.event_ids],
        "obs_ids": [json.dumps(o) for o in lists.obs_ids],
        "sources": [_join_sources(s) for s in lists.sources],
        "sentences": [" | ".join(dict.fromkeys(s)) for s in lists.sentences],
        "located": top["located"].to_numpy(dtype=bool)})
    return gpd.GeoDataFrame(out, geometry=top.geometry.values, crs=WGS84)[AT_COLUMNS]


def _join_sources(items) -> str:
    """The JSON lists of sources of several observations as one JSON list."""
    out = []
    for s in items:
        with contextlib.suppress(TypeError, ValueError):
            out += json.loads(s)
    return json.dumps(out, ensure_ascii=False)


def control_events(articles, gazetteer=None, actors=None) -> list:
    """Events of ``articles`` for the control layer: as ``geo.pipeline.article_events`` but
    keeping standing facts ("X is held by Y", modality "situation")."""
    from .events import extract_events
    from .merge import merge_events

    if gazetteer is None:
        from gazetteer import default_gazetteer

        gazetteer = default_gazetteer()
    if actors is None:
        from .actors import load_actors

        actors = load_actors()
    events = []
    for article in articles:
        events += extract_events(article, gazetteer, actors, situations=True)
    return merge_events(events)
