"""Events as a GeoDataFrame with ACLED-compatible columns (EPSG:4326, geometry (lon, lat))."""

from __future__ import annotations

import datetime
import json
import math
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from gazetteer import default_gazetteer
from gazetteer.divisions import admin2_name
from gazetteer.errors import GazetteerError
from gazetteer.sources.natural_earth import countries
from geo.actors.rules import load_rules
from geo.events.acled import acled_conventions
from geo.events.model import Event, coded_date, event_country
from geo.events.outlets import attributed_outlets, source_scale
from geo.events.vocabulary import load_vocabulary

#: ACLED's export columns, in its order (ACLED Codebook 2023 / the API's CSV)
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
#: ACLED's integer columns (nullable: an unlocated event has no geo_precision)
INT_COLUMNS = ("year", "time_precision", "inter1", "inter2", "interaction", "iso",
               "geo_precision", "fatalities", "timestamp")
OUR_COLUMNS = [
    "bloc1", "bloc2", "claimed_by", "n_sources", "sources", "sentences", "approximate",
    "uncertainty_km", "located_as", "date_source", "first_date", "last_date", "date_prec",
    "where_prec", "modality", "control", "place_id", "rule", "disagreements",
]
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
DATE_PREC = {"day": 1, "week": 3, "month": 4, "year": 5}


@lru_cache(maxsize=1)
def countries_by_iso2() -> dict[str, tuple[str, int, str]]:
    """ISO alpha-2 -> (alpha-3, numeric, name) from Natural Earth."""
    out = {}
    for row in countries().drop(columns="geometry").to_dict("records"):
        try:
            numeric = int(row["ISO_N3_EH"])
        except (TypeError, ValueError):
            numeric = 0
        out.setdefault(row["iso2"], (row["ISO_A3_EH"], numeric, row["NAME"]))
    return out


@lru_cache(maxsize=1)
def regions_by_iso2() -> dict[str, str]:
    """ISO alpha-2 -> ACLED region (``geo.events.acled``, from Natural Earth's subregion)."""
    conv = acled_conventions()
    return {row["iso2"]: conv.region(row["iso2"], row["SUBREGION"])
            for row in countries().drop(columns="geometry").to_dict("records")}


def admin1_name(place) -> str:
    """The name of the first-order division ``place`` lies in (a province is its own); ""
    when unknown or when no gazetteer index can be opened."""
    if place is None:
        return ""
    if place.feature_code == "ADM1":
        return place.name
    if not place.admin1 or not place.country_code:
        return ""
    try:
        division = default_gazetteer()._admin(place.country_code, "ADM1", place.admin1)
    except GazetteerError:
        return ""
    return division.name if division is not None else ""


def _timestamp(sources: list[dict]) -> int | None:
    """ACLED's ``timestamp`` made reproducible: the newest source's publication day, as UNIX
    seconds (00:00 UTC); None when no source is dated."""
    days = sorted(str(s.get("published") or "")[:10] for s in sources if s.get("published"))
    if not days:
        return None
    try:
        day = datetime.date.fromisoformat(days[-1])
    except ValueError:
        return None
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())


def json_list(cell) -> list:
    """A frame cell holding a JSON list (``sources``, ``event_ids`` …) as a list: [] for a
    missing, malformed or non-list cell; a list, tuple or array as a list."""
    if isinstance(cell, list | tuple | np.ndarray):
        return list(cell)
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    try:
        out = json.loads(str(cell) or "[]")
    except ValueError:
        return []
    return out if isinstance(out, list) else []


def cell_sources(cell) -> list[dict]:
    """The sources (dicts: article, title, source, url, published, sentence, event_id) of
    a ``sources`` cell (JSON written by :func:`events_frame`)."""
    return [s for s in json_list(cell) if isinstance(s, dict)]


def source_outlets(sources: list[dict]) -> list[str]:
    """ACLED's ``source``: the outlet each source's metadata names, else those its sentence
    names as the source of the report ("..., state news agency SANA reported";
    ``geo.events.outlets.attributed_outlets``), sorted."""
    out: set[str] = set()
    for s in sources:
        out.update([s["source"]] if s.get("source") else attributed_outlets(s.get("sentence")))
    return sorted(out)


def events_frame(events: list[Event]) -> gpd.GeoDataFrame:
    """One row per (merged) event; unlocated events have an empty geometry."""
    rows, counters = [], {}
    conv, vocab, acled_names = acled_conventions(), load_vocabulary(), load_rules()
    for ev in events:
        cc = event_country(ev)
        a3, numeric, country = countries_by_iso2().get(cc, ("XXX", 0, ""))
        country = acled_names.country_name(cc) or country    # ACLED's name where it has one
        counters[a3] = counters.get(a3, 0) + 1
        inter1 = getattr(ev.actor1, "inter", 0) or 0
        inter2 = getattr(ev.actor2, "inter", 0) or 0
        sources = ev.sources or [{"article": ev.article_id, "title": ev.article_title,
                                  "sentence": ev.sentence, "source": ev.article_source,
                                  "published": ev.published.isoformat() if ev.published
                                  else None}]
        disorder = conv.disorder(ev.event_type, ev.sub_event_type)
        outlets = source_outlets(sources)
        rows.append({
            "event_id_cnty": f"{a3}{counters[a3]}",
            "event_date": day.isoformat() if (day := coded_date(ev)) else None,
            "year": day.year if day else None,
            "time_precision": TIME_PRECISION.get(ev.date_precision, 3),
            "disorder_type": disorder,
            "event_type": ev.event_type, "sub_event_type": ev.sub_event_type,
            "actor1": getattr(ev.actor1, "name", ""), "assoc_actor_1": "; ".join(ev.assoc_actor_1),
            "inter1": inter1, "actor2": getattr(ev.actor2, "name", ""),
            "assoc_actor_2": "; ".join(ev.assoc_actor_2),
            "inter2": inter2,
            "interaction": int(f"{min(inter1, inter2)}{max(inter1, inter2)}")
            if inter1 and inter2 else inter1 * 10,
            # ACLED: political violence whose target is civilians (inter 7)
            "civilian_targeting": "Civilian targeting" if "Political violence" in disorder and (
                ev.event_type == "Violence against civilians" or inter2 == 7) else "",
            "iso": numeric, "region": regions_by_iso2().get(cc, ""), "country": country,
            "admin1": admin1_name(ev.place), "admin2": admin2_name(ev.place), "admin3": "",
            "location": ev.place.name if ev.place else "",
            "latitude": ev.lat, "longitude": ev.lon,
            "geo_precision": ev.precision.acled if ev.precision else None,
            # the outlets (ACLED's source), not the headlines; the sources column keeps those
            "source": "; ".join(outlets),
            "source_scale": source_scale(outlets, cc, regions_by_iso2().get),
            "tags": vocab.crowd_tag(ev.event_type, (s.get("sentence") for s in sources)),
            "timestamp": _timestamp(sources),
            "notes": ev.sentence, "fatalities": ev.fatalities or 0,
            "bloc1": getattr(ev.actor1, "bloc", ""), "bloc2": getattr(ev.actor2, "bloc", ""),
            "claimed_by": ev.claimed_by or "", "n_sources": len(sources),
            "sources": json.dumps(sources, ensure_ascii=False),
            "sentences": " | ".join(s["sentence"] for s in sources),
            "approximate": ev.approximate, "uncertainty_km": ev.uncertainty_km,
            # how the text names the location and, when approximate, how it was placed
            "located_as": ev.location_text if ev.place else "",
            "date_source": ev.date_source,
            "first_date": ev.first_date.isoformat() if ev.first_date else None,
            "last_date": ev.last_date.isoformat() if ev.last_date else None,
            "date_prec": DATE_PREC.get(ev.date_precision, 5),
            "where_prec": ev.precision.ucdp if ev.precision else None,
            "modality": ev.modality, "control": ev.control or "",
            "place_id": ev.place.id if ev.place else "", "rule": ev.rule,
            "disagreements": "; ".join(ev.disagreements),
            "geometry": Point(ev.lon, ev.lat) if ev.lat is not None else None,
        })
    frame = gpd.GeoDataFrame(rows, columns=[*ACLED_COLUMNS, *OUR_COLUMNS, "geometry"],
                             geometry="geometry", crs="EPSG:4326")
    return typed(frame)


def typed(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with ACLED's integer columns as (nullable) integers: ``geo_precision`` is
    written ``1``, not ``1.0``; a missing value stays missing."""
    for col in INT_COLUMNS:
        if col in frame.columns:
            frame[col] = pd.array(frame[col].tolist(), dtype="Int64") if len(frame) else \
                frame[col].astype("Int64")
    return frame
