"""The layer registry: every territorial layer by name, with the function that computes it,
its name and key on the web map, and its legend entry, in one place; and
:func:`layers_for_date`, every layer of one day as one GeoDataFrame with a ``layer`` column.

A new layer is one :class:`Layer` here: ``layers_for_date`` computes it, the map gives it a
menu entry, the encoder ships its features with the properties its :class:`Feature` declares,
the page script draws and describes them as its :class:`Draw` says (the script has one
drawing per figure, polygon, line, dot or icon, none per layer) and the legend lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import geopandas as gpd
import pandas as pd

from geo.actors import load_actors
from geo.layers.areas import RADIUS_KM, control_areas, frontlines
from geo.layers.control import (
    HALF_LIFE_DAYS,
    MAX_UNCERTAINTY_KM,
    control_at,
    control_observations,
)
from geo.layers.corridor import corridor_layers, land_corridor, no_rows
from geo.text.dates import to_day
from geo.theatres import Theatre, select_theatres

WGS84 = "EPSG:4326"
#: days a control claim lasts after its last evidence when no theatre says otherwise
DEFAULT_MAX_AGE_DAYS = 90.0


@dataclass
class Day:
    """What the layers of one day are computed from (``compute`` functions read it)."""

    events: gpd.GeoDataFrame
    day: object
    at: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    actors: object
    corridor_km: float | None
    event_window_days: int
    theatres: tuple[Theatre, ...] = ()


@dataclass(frozen=True)
class Field:
    """One property of a layer's features on the web map: ``prop`` (its key in the page's
    data), read from the layers frame's ``column`` and encoded by ``kind`` (see
    ``geo.web.encode``): "bloc" (the bloc's index), "blocs" (a JSON list of blocs: indices),
    "name" (a place name's index), "names" (a JSON list of names: indices, at most
    ``MAX_PLACES``, the count left out in property ``more``), "text" (escaped text), "km"
    (a number, one decimal), "count" (a number, no decimals), "flag" (0 or 1) or
    "is:<value>" (1 when the column is that value)."""

    prop: str
    column: str
    kind: str
    more: str = ""


@dataclass(frozen=True)
class Draw:
    """How the page draws and describes one kind of feature: data the page script reads
    (``geo/web/static/conflictmap.js`` has no branch per kind).

    ``figure``: "polygon", "line", "dot" (a circle of ``radius`` pixels) or "icon" (a
    ``radius``-pixel square marker styled by ``css``). ``pane``: "areas", "lines", "points" or
    "" (Leaflet's default). ``css``: the class of the drawn element; ``flags``: the feature
    states appended as classes ("contested" → ``cm-contested``, "low" → ``cm-low``, "approx"
    → ``cm-approx``). ``style``: Leaflet path options; the colour "bloc" is the feature's bloc
    colour (grey when contested, lost or of no bloc), "hatch" a hatching in it, and a
    ``[base, slope]`` pair is ``base + slope × confidence`` (0.6 when the feature has none).
    ``weak``: the options that replace them when the feature is in a state of ``weak_when``.

    Text is templates over the feature's properties: ``{p}`` an escaped property, ``{p|fmt}``
    or ``{p|fmt|q}`` formatted (see the page script: bloc, blocs, holder, status, name, names
    (q: the property counting names left out), first3, km, num, area, approx, declared).
    ``title`` heads the popup (``title_contested`` for a contested feature), ``rows`` are its
    (label, value) lines (a line whose value is empty is left out), ``text`` follows them and
    ``tip``/``tip_contested`` are its tooltip (``tip_options`` Leaflet tooltip options).
    Templates are fixed here; values arrive HTML-escaped from ``geo.web.encode`` and are put
    in once, never read as templates."""

    figure: str
    css: str
    pane: str = ""
    style: dict = field(default_factory=dict)
    weak: dict = field(default_factory=dict)
    weak_when: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    radius: float = 0
    title: str = ""
    title_contested: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    text: str = ""
    tip: str = ""
    tip_contested: str = ""
    tip_options: dict = field(default_factory=lambda: {"sticky": True})

    def spec(self) -> dict:
        """The JSON the page reads (empty entries left out)."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in self.__dict__.items() if v not in ("", 0, (), {})}


@dataclass(frozen=True)
class Feature:
    """How the rows of a layer become features of the page: ``key`` (the page script's kind
    of feature, which draws it), ``fields`` in order, and ``evidence``: the columns of event
    ids whose sources its popup lists; ``draw``: how the page draws and describes it."""

    key: str
    fields: tuple[Field, ...] = ()
    evidence: tuple[str, ...] = ()
    draw: Draw | None = None


@dataclass(frozen=True)
class Layer:
    """One layer: ``name`` (the ``layer`` column), ``compute`` (Day → frame of its rows; layers
    computed together share one function, called once), ``title`` (its name in the map's
    layer menu; None: not drawn with the control layers), ``key`` (its features' key in the
    page's script), ``legend`` (legend items, fixed HTML), ``static`` (the same every day:
    shipped once) and ``features``: how its rows are encoded for the page, by the row's
    ``kind`` ("" for every row; a kind not listed is not drawn)."""

    name: str
    compute: Callable[[Day], gpd.GeoDataFrame]
    title: str | None = None
    key: str | None = None
    legend: str = ""
    static: bool = False
    features: dict[str, Feature] = field(default_factory=dict)


def _places(d: Day) -> gpd.GeoDataFrame:
    return d.at.rename(columns={"location": "name"}).assign(layer="control")


def _areas(d: Day) -> gpd.GeoDataFrame:
    return d.areas


def _fronts(d: Day) -> gpd.GeoDataFrame:
    return frontlines(d.areas, d.actors)


def _corridor(d: Day) -> gpd.GeoDataFrame:
    if not d.theatres:
        return no_rows()
    events = recent_events(d.events, d.day, d.event_window_days)
    return _concat([corridor_layers(events, d.at, t, width_km=d.corridor_km)
                    for t in d.theatres])


def _land(d: Day) -> gpd.GeoDataFrame:
    return _concat([land_corridor(d.areas, str(d.day), question=q, actors=d.actors)
                    .assign(theatre=t.id) for t in d.theatres for q in t.questions])


def _concat(parts: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return no_rows()
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                            crs=WGS84)


#: the popup line of a feature that rests on a place the text only describes
_PLACEMENT = ("Placement", "{ap|approx}")
_CORRIDOR = "#6a1b9a"

#: every layer, in the order ``layers_for_date`` gives them
REGISTRY: tuple[Layer, ...] = (
    Layer("control", _places, "Control places", "place",
          '<li><span class="cm-dot"></span>control place (opacity: confidence)</li>',
          features={"": Feature("place", (
              Field("b", "bloc", "bloc"), Field("x", "contested", "flag"),
              Field("s", "status", "text"), Field("n", "name", "name"),
              Field("bs", "blocs", "blocs"), Field("si", "since", "text"),
              Field("o", "observed", "text"), Field("ap", "approximate", "flag")),
              ("event_ids",), Draw(
                  "dot", "cm-control-place", "points", radius=5.5,
                  style={"color": "#fff", "weight": 1.5, "fillColor": "bloc",
                         "fillOpacity": [0.35, 0.6]},
                  weak={"color": "#d50000", "weight": 2}, weak_when=("contested",),
                  title="{n|name} <small>{s}</small>",
                  rows=(("Held by", "{b|holder}"), ("Blocs seen", "{bs|blocs}"),
                        ("Since", "{si}"), ("Last report", "{o}"), _PLACEMENT),
                  tip="{n|name}: {b|status}", tip_options={"direction": "top"}))}),
    Layer("control_area", _areas, "Control areas", "area",
          features={"": Feature("area", (
              Field("b", "bloc", "bloc"), Field("x", "status", "is:contested"),
              Field("p", "places", "names", "pm"), Field("si", "since", "text"),
              Field("o", "observed", "text"), Field("a", "area_km2", "count"),
              Field("ap", "approximate", "flag")), ("event_ids",), Draw(
                  "polygon", "cm-area", "areas", flags=("contested", "low", "approx"),
                  style={"color": "bloc", "weight": 1.2, "opacity": 0.9, "fillColor": "bloc",
                         "fillOpacity": [0.15, 0.45]},
                  weak={"weight": 1.5, "dashArray": "6 4", "fillColor": "hatch",
                        "fillOpacity": 0.9},
                  weak_when=("low", "contested", "approx"),
                  title="{b|bloc} <small>held area</small>",
                  title_contested="Contested <small>{p|first3}</small>",
                  rows=(("Places", "{p|names|pm}"), ("Since", "{si}"),
                        ("Last report", "{o}"), ("Area", "{a|area}"), _PLACEMENT),
                  tip="{b|bloc}: {p|first3}", tip_contested="Contested: {p|first3}"))}),
    Layer("frontline", _fronts, "Frontlines", "front",
          '<li><span class="cm-line cm-line-front"></span>frontline</li>',
          features={"": Feature("front", (
              Field("b", "bloc_a", "bloc"), Field("b2", "bloc_b", "bloc"),
              Field("p", "places_a", "names", "pm"), Field("p2", "places_b", "names", "pm2"),
              Field("km", "length_km", "km"), Field("ap", "approximate", "flag")),
              ("event_ids_a", "event_ids_b"), Draw(
                  "line", "cm-front", "lines", flags=("approx",),
                  style={"color": "#ff1744", "weight": 5, "opacity": 0.95,
                         "lineCap": "round"},
                  weak={"dashArray": "9 6"}, weak_when=("low", "approx"),
                  title="Frontline <small>{b|bloc} \u2013 {b2|bloc}</small>",
                  rows=(("{b|bloc}", "{p|names|pm}"), ("{b2|bloc}", "{p2|names|pm2}"),
                        ("Length", "{km|km}"), _PLACEMENT),
                  tip="Frontline: {b|bloc} \u2013 {b2|bloc}"))}),
    Layer("border", _corridor),
    Layer("corridor", _corridor),
    Layer("border_crossing", _corridor, "Border crossings", "cross",
          '<li><span class="cm-crossing-key"></span>border crossing</li>', static=True,
          features={"": Feature("cross", (Field("n", "name", "name"),
                                          Field("src", "source", "text")), (), Draw(
              "icon", "cm-crossing", radius=14,
              title="{n|name} <small>border crossing</small>",
              text="<p><small>Source: {src}</small></p>", tip="{n|name}",
              tip_options={"direction": "top"}))}),
    Layer("corridor_event", _corridor),
    Layer("corridor_control", _corridor),
    Layer("zone", _corridor, "Named zones", "zone",
          '<li><span class="cm-line cm-line-zone"></span>named zone (the theatre\'s data: '
          'name, radius and source in its popup)</li>', static=True,
          features={"": Feature("zone", (
              Field("n", "name", "name"), Field("b", "bloc", "bloc"),
              Field("r", "radius_km", "km"), Field("ce", "centre", "text"),
              Field("src", "source", "text")), (), Draw(
                  "polygon", "cm-zone", "areas",
                  style={"color": "bloc", "weight": 2, "dashArray": "10 6",
                         "fillColor": "bloc", "fillOpacity": 0.05},
                  title="{n|name}",
                  text="<p>{r|num} km around the {ce} (geodesic circle){b|declared}.</p>"
                       "<p><small>Source: {src}</small></p>",
                  tip="{n|name}"))}),
    Layer("land_corridor", _land, "Land corridor", "path",
          '<li><span class="cm-line cm-line-path"></span>land corridor: held ground on the '
          'path</li><li><span class="cm-line cm-line-gap"></span>land corridor: gap</li>',
          features={
              "path_area": Feature("path", (Field("b", "bloc", "bloc"),
                                            Field("id", "area_id", "text")), ("event_ids",),
                                   Draw("polygon", "cm-corridor-path", "areas",
                                        style={"color": _CORRIDOR, "weight": 3,
                                               "fill": False},
                                        title="Land corridor <small>{b|bloc} area {id} on "
                                              "the path</small>",
                                        tip="Land corridor: {b|bloc} area")),
              "gap": Feature("gap", (Field("km", "gap_km", "km"), Field("leg", "leg", "text"),
                                     Field("n", "name", "text")), (), Draw(
                  "line", "cm-corridor-gap", "lines",
                  style={"color": _CORRIDOR, "weight": 3.5, "dashArray": "1 8",
                         "lineCap": "round"},
                  title="Land-corridor gap <small>{km|km}</small>",
                  rows=(("Leg", "{leg}"), ("Between", "{n}")),
                  text="<p>No control by the question's blocs is reported on this "
                       "stretch.</p>",
                  tip="Land-corridor gap: {km|km}"))}),
)
LAYERS = tuple(layer.name for layer in REGISTRY)
BY_NAME = {layer.name: layer for layer in REGISTRY}
#: the layers the map draws for the slider's end day, in the order of its layer menu
MAP_ORDER = ("control_area", "frontline", "control", "border_crossing", "zone",
             "land_corridor")
MAP_LAYERS = tuple(BY_NAME[name] for name in MAP_ORDER)
#: the layers the page draws: ``layer`` value → {row ``kind`` ("" for any) → Feature}
FEATURES = {layer.name: layer.features for layer in REGISTRY if layer.features}
#: what the page script needs to draw every kind of feature: feature key → the
#: ``Draw.spec`` plus its layer menu entry (``group``) and whether it is ``static``
DRAWN = {feature.key: {**feature.draw.spec(), "group": layer.key, "static": layer.static}
         for layer in REGISTRY for feature in layer.features.values() if feature.draw}
STATIC = tuple(layer.name for layer in REGISTRY if layer.static)
#: the control layers whose places are coloured by bloc (the legend's swatches)
BLOC_COLOURED = ("control_area", "control")


def recent_events(events: gpd.GeoDataFrame, day, window_days: int = 30, *,
                  max_uncertainty_km: float = MAX_UNCERTAINTY_KM) -> gpd.GeoDataFrame:
    """Located events whose days (first_date–last_date) meet [day - window_days, day];
    approximate events with an uncertainty over ``max_uncertainty_km`` are left out."""
    d = to_day(day)
    d, lo = d.isoformat(), (d - timedelta(days=window_days)).isoformat()
    if not len(events):
        return events
    first = events["first_date"].fillna(events["event_date"])
    last = events["last_date"].fillna(events["event_date"])
    unc = pd.to_numeric(events["uncertainty_km"], errors="coerce")
    vague = events["approximate"].fillna(False).astype(bool) & \
        (unc.isna() | (unc > max_uncertainty_km))
    keep = (first <= d) & (last >= lo) & ~vague & events.geometry.notna()
    return events[keep.fillna(False).astype(bool)]


def theatres_for(events: gpd.GeoDataFrame, theatres=None) -> tuple[Theatre, ...]:
    """``theatres`` as a tuple: a tuple is kept; None, "auto", "none" or theatre ids
    (``geo.theatres.select_theatres``) are chosen for ``events``."""
    if isinstance(theatres, tuple):
        return theatres
    return select_theatres(theatres, events)


def max_age_for(theatres: tuple[Theatre, ...]) -> float:
    """How many days a control claim lasts: the shortest of the theatres' settings, or
    ``DEFAULT_MAX_AGE_DAYS``."""
    return min((t.control_max_age_days for t in theatres), default=DEFAULT_MAX_AGE_DAYS)


def layers_for_date(events: gpd.GeoDataFrame, day, *, observations=None,
                    radius_km: float = RADIUS_KM, half_life_days: float = HALF_LIFE_DAYS,
                    corridor_km: float | None = None, event_window_days: int = 30,
                    actors=None, corridor: bool = True, theatres=None,
                    max_age_days: float | None = None) -> gpd.GeoDataFrame:
    """All layers for ``day`` (a date or ISO string) from an events frame
    (``geo.events.table.events_frame``); pass ``observations`` to reuse
    ``control_observations(events)`` across dates.

    ``theatres``: a tuple of ``geo.theatres.Theatre``, or "auto" (default: chosen from the
    events' countries), "none" or theatre ids; the border, corridor, crossing, zone and
    land-corridor layers are those of these theatres (none without one); ``corridor_km``
    overrides every border's corridor width. A control claim lasts ``max_age_days`` after
    its last evidence (default: the theatres' ``control_max_age_days``, else
    ``DEFAULT_MAX_AGE_DAYS``); older ones are history, counted in ``frame.attrs["expired"]``.
    Unlocated control places are kept (empty geometry) in the ``control`` layer as
    evidence. The ``corridor_event`` layer holds the events inside a corridor whose days
    meet the ``event_window_days`` up to ``day``, located to a place (approximate points over
    ``MAX_UNCERTAINTY_KM`` km of uncertainty left out; those kept carry ``approximate`` and
    ``uncertainty_km``). The control areas' cells are cached per set of located places
    (``geo.layers.areas.cell_set``), and what follows from one cell or one group of touching
    cells is memoised by content (``geo.layers.areas``), as are the land corridor's
    projected areas, pieces and distances (``geo.layers.corridor``), so successive dates
    redo only what changed; the results equal a computation from empty caches. A layer that
    cannot be computed is left out and named, with the reason, in ``dropped_layers(frame)``
    (``frame.attrs``); the others are kept."""
    if actors is None:
        actors = load_actors()
    chosen = theatres_for(events, theatres)
    max_age = max_age_for(chosen) if max_age_days is None else max_age_days
    obs = control_observations(events) if observations is None else observations
    at = control_at(obs, day, half_life_days=half_life_days, max_age_days=max_age)
    expired = int(at.attrs.get("expired", 0))
    dropped: dict[str, str] = {}
    areas = _guarded(lambda: control_areas(at, radius_km=radius_km), (_areas,), dropped)
    d = Day(events, day, at, areas, actors, corridor_km, event_window_days, chosen)
    parts = []
    for compute in dict.fromkeys(layer.compute for layer in REGISTRY):
        if compute is _corridor and not corridor:
            continue
        if compute is _areas and "control_area" in dropped:
            continue
        parts.append(_guarded(lambda c=compute: c(d), (compute,), dropped))
    parts = [p for p in parts if len(p)]
    if not parts:
        parts = [gpd.GeoDataFrame({"layer": [], "name": []},
                                  geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)]
    out = pd.concat(parts, ignore_index=True)
    if "approximate" in out.columns:        # a plain bool: False where a layer has none
        out["approximate"] = out["approximate"].fillna(False).astype(bool)
    out["date"] = str(day)
    front = ["layer", "date", "name"]
    out = out[front + [c for c in out.columns if c not in front]]
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)
    out.attrs["dropped"] = dropped
    out.attrs["expired"] = expired
    out.attrs["max_age_days"] = max_age
    out.attrs["theatres"] = [t.id for t in chosen]
    return out


def _guarded(compute: Callable[[], gpd.GeoDataFrame], functions: tuple, dropped: dict
             ) -> gpd.GeoDataFrame:
    """``compute()``, or an empty frame when it fails: one layer that cannot be computed
    (a geometry the overlay cannot handle, data it does not expect) must not take the map
    down. The layers of ``functions`` are then named in ``dropped`` with the reason."""
    try:
        return compute()
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - reported in ``dropped``, the rest is drawn
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        for layer in REGISTRY:
            if layer.compute in functions:
                dropped.setdefault(layer.name, reason)
        return no_rows()


def dropped_layers(frame) -> dict[str, str]:
    """``{layer name: reason}`` of the layers ``layers_for_date`` could not compute for the
    day of ``frame`` (kept in ``frame.attrs``; empty when none failed)."""
    return dict(getattr(frame, "attrs", {}).get("dropped") or {})


def dropped_note(frame) -> str:
    """One plain-text line naming the layers not drawn for the day of ``frame`` and why, or
    ''."""
    dropped = dropped_layers(frame)
    if not dropped:
        return ""
    titles = {layer.name: layer.title or layer.name.replace("_", " ") for layer in REGISTRY}
    reasons = dict.fromkeys(dropped.values())
    return ("Not drawn for this day (could not be computed): "
            + ", ".join(titles.get(n, n) for n in dropped) + " — " + "; ".join(reasons))
