"""The territorial-control layers for the days a map steps through, and what one day says.

* :func:`step_dates` — the distinct event days in a range (a regular sample, always keeping
  the last day, when there are more than ``max_dates``).
* :func:`compute_snapshots` — ``{ISO day: geo.layers.registry.layers_for_date(...)}`` for
  those days, the control observations computed once.
* :func:`control_summary` / :func:`summary_lines` — what one snapshot says, as numbers and
  text; :func:`land_corridor_answer` — its land-corridor answer.

The page's encoding of the snapshots is ``geo.web.encode``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.actors import load_actors
from geo.layers.control import control_observations
from geo.layers.registry import dropped_note, layers_for_date, theatres_for
from geo.text.dates import iso_day

MAX_DATES = 60


def _text(value) -> str:
    """A frame cell as text ('' for None and NaN), a Timestamp as its ISO day."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _e(value) -> str:
    return html.escape(_text(value), quote=True)


def step_dates(events: pd.DataFrame, start=None, end=None, max_dates: int = MAX_DATES
               ) -> list[str]:
    """The distinct days (ISO) on which the events in ``events`` begin or end
    (``first_date``, ``event_date``, ``last_date``), within [start, end] when given. More than
    ``max_dates`` days: ``max_dates`` of them at regular steps, the first and last kept (only
    the last for one)."""
    lo, hi = iso_day(start), iso_day(end)
    days: set[str] = set()
    for col in ("first_date", "event_date", "last_date"):
        if col in events.columns:
            days |= {d for d in map(iso_day, pd.unique(events[col].dropna())) if d}
    out = sorted(d for d in days if (lo is None or d >= lo) and (hi is None or d <= hi))
    if max_dates < 1:
        return []
    if max_dates == 1:                  # the day the page shows over the whole range
        return out[-1:]
    if len(out) > max_dates:
        idx = np.unique(np.linspace(0, len(out) - 1, max_dates).round().astype(int))
        out = [out[i] for i in idx]
    return out


def compute_snapshots(events: gpd.GeoDataFrame, dates: Iterable[str], *, observations=None,
                      corridor_km: float | None = None, actors=None, theatres=None
                      ) -> dict[str, gpd.GeoDataFrame]:
    """``{day: geo.layers.registry.layers_for_date(events, day)}`` for every day of ``dates``,
    the control observations and the theatres (``theatres``: as ``layers_for_date`` takes
    them, default chosen from the events) worked out once. The corridor layers (border
    crossings, named zones …), the same every day, are computed for the last day only."""

    dates = list(dict.fromkeys(dates))
    if not dates:
        return {}
    if actors is None:
        actors = load_actors()
    obs = control_observations(events) if observations is None else observations
    chosen = theatres_for(events, theatres)
    return {d: layers_for_date(events, d, observations=obs, corridor_km=corridor_km,
                               actors=actors, corridor=(i == len(dates) - 1),
                               theatres=chosen)
            for i, d in enumerate(dates)}


def land_corridor_answer(frame: gpd.GeoDataFrame) -> dict:
    """The corridor answers of one day's layers (one per corridor question of its
    theatres): ``{"text": one line (the answers joined by '; '), "answer": "yes" when every
    answer is yes, "no" when one is no, "" without a question}``."""
    rows = frame[(frame["layer"] == "land_corridor") & (frame["kind"] == "answer")] \
        if len(frame) and "kind" in frame.columns else frame.iloc[:0]
    if not len(rows):
        return {"text": "", "answer": ""}
    answers = [_text(a) for a in rows["answer"]]
    return {"text": "; ".join(_text(n) for n in rows["name"]),
            "answer": "no" if "no" in answers else answers[0]}


# -- summary -------------------------------------------------------------------------------

_SUMMARY_COLUMNS = ("layer", "date", "bloc", "status", "contested", "located", "name",
                    "area_km2", "length_km", "kind", "answer", "approximate")


def control_summary(frame: gpd.GeoDataFrame, styles: dict | None = None) -> dict:
    """What one day's layers (``geo.layers.registry.layers_for_date``) say: ``day``; per bloc
    (``blocs``: name, places held, areas, km²), ``contested`` places, ``unlocated`` control
    places (evidence not drawn), ``frontlines`` (count, km; ``frontlines_approximate``: how
    many rest on approximately placed places) and the land-corridor ``answer``
    (yes/no) and its one-line ``answer_text``; ``not_drawn``: the layers that could not be
    computed and why (``geo.layers.registry.dropped_note``), or ''."""
    styles = styles or {}
    note = dropped_note(frame)
    attrs = dict(getattr(frame, "attrs", {}) or {})
    # only the columns read here: filtering the whole frame (geometries, evidence) per bloc
    # costs more than the rest of the summary
    frame = pd.DataFrame(frame[[c for c in _SUMMARY_COLUMNS if c in frame.columns]])
    day = _text(frame["date"].iloc[0]) if len(frame) and "date" in frame.columns else ""
    layer = frame["layer"] if len(frame) else pd.Series(dtype=object)
    places = frame[layer == "control"]
    areas = frame[layer == "control_area"]
    fronts = frame[layer == "frontline"]
    per: dict[str, dict] = {}
    for b in sorted(set(places.get("bloc", [])) | set(areas.get("bloc", [])) - {"", None}):
        if not _text(b):
            continue
        held = places[(places["bloc"] == b) & places["status"].isin(["held", "taken"])]
        mine = areas[(areas["bloc"] == b) & (areas["status"] == "held")]
        per[b] = {"name": _text(styles.get(b, (b, ""))[0]), "places": len(held),
                  "areas": len(mine),
                  "km2": round(float(pd.to_numeric(mine.get("area_km2"), errors="coerce")
                                     .sum()), 0) if len(mine) else 0.0}
    contested = places[places["contested"].astype(bool)] if len(places) else places
    located = places["located"].astype(bool) if len(places) and "located" in places else \
        pd.Series(True, index=places.index)
    ans = land_corridor_answer(frame) if len(frame) else {"text": "", "answer": ""}
    return {"day": day, "expired": int(attrs.get("expired", 0) or 0),
            "max_age_days": attrs.get("max_age_days"),
            "theatres": list(attrs.get("theatres") or []), "blocs": per,
            "contested": sorted(map(_text, contested.get("name", []))),
            "unlocated": int((~located).sum()),
            "frontlines": len(fronts),
            "frontlines_approximate": int(fronts["approximate"].fillna(False).astype(bool)
                                          .sum()) if "approximate" in fronts else 0,
            "frontline_km": round(float(pd.to_numeric(fronts.get("length_km"), errors="coerce")
                                        .sum()), 1) if len(fronts) else 0.0,
            "answer": ans["answer"], "answer_text": ans["text"], "not_drawn": note}


def summary_lines(summary: dict) -> list[str]:
    """The summary as plain-text lines (bloc and place names as the data give them)."""
    lines = [summary["answer_text"]] if summary["answer_text"] else []
    first_bloc = len(lines)
    for info in summary["blocs"].values():
        lines.append(f"{info['name']}: {info['places']} place(s) held, {info['areas']} "
                     f"area(s), {info['km2']:,.0f} km²")
    if summary["contested"]:
        lines.append("Contested: " + ", ".join(summary["contested"]))
    rough = summary.get("frontlines_approximate")
    lines.append(f"Frontlines: {summary['frontlines']} ({summary['frontline_km']:,.1f} km"
                 + (f"; {rough} approximate: resting on places the text only describes)"
                    if rough else ")"))
    if summary["unlocated"]:
        lines.append(f"{summary['unlocated']} control place(s) without coordinates "
                     "(evidence only, not drawn)")
    if not summary["blocs"]:
        lines.insert(first_bloc, "No control reported up to this day.")
    if summary.get("expired"):
        lines.append(f"{summary['expired']} control claim(s) whose last evidence is over "
                     f"{summary['max_age_days']:g} days old: history, not drawn")
    if summary.get("not_drawn"):
        lines.append(summary["not_drawn"])
    return lines
