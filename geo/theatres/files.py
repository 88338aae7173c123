"""Reading and validating the theatre files (``geo/theatres/data/<theatre id>.toml``; the
schema is documented at the top of ``iraq_syria.toml``). A theatre's name and countries come
from the actor file's theatre of the same id. A malformed file raises
:class:`geo.errors.DataError` naming the file and the entry."""

from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from gazetteer import curated_places
from geo.actors import load_actors
from geo.errors import DataError
from geo.theatres.model import Anchor, Border, Crossing, Question, Theatre, Zone

DATA = resources.files("geo.theatres").joinpath("data")
_TOP = frozenset({"id", "control_max_age_days", "control_max_age_source", "border", "crossing",
                  "zone", "question"})


def load_theatres() -> dict[str, Theatre]:
    """Every theatre with a data file, by id, in file-name order (cached)."""
    return dict(_load_all())


@lru_cache(maxsize=1)
def _load_all() -> tuple[tuple[str, Theatre], ...]:
    actors = load_actors()
    out = []
    for entry in sorted(DATA.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            theatre = read_theatre(entry.read_text(encoding="utf-8"), entry.name, actors)
            out.append((theatre.id, theatre))
    return tuple(out)


def read_theatre(text: str, name: str, actors=None) -> Theatre:
    """One theatre from the text of its file (``name``: the file's name, for messages)."""
    actors = actors if actors is not None else load_actors()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"theatre file {name}: not valid TOML: {exc}") from None
    where = f"theatre file {name}"
    if unknown := set(raw) - _TOP:
        raise DataError(f"{where}: unknown key(s) {sorted(unknown)}")
    tid = _text(raw, "id", where)
    if tid not in actors.theatres:
        raise DataError(f"{where}: id {tid!r} is not a theatre of the actor file "
                        f"(one of {sorted(actors.theatres)})")
    base = actors.theatres[tid]
    blocs = set(actors.blocs)
    return Theatre(
        id=tid, name=base.name, countries=frozenset(base.countries),
        control_max_age_days=_positive(raw, "control_max_age_days", where),
        control_max_age_source=_text(raw, "control_max_age_source", where),
        borders=tuple(_border(b, f"{where}, border {i + 1}")
                      for i, b in enumerate(_list(raw, "border", where))),
        crossings=tuple(_crossing(c, f"{where}, crossing {i + 1}")
                        for i, c in enumerate(_list(raw, "crossing", where))),
        zones=tuple(_zone(z, f"{where}, zone {i + 1}", blocs)
                    for i, z in enumerate(_list(raw, "zone", where))),
        questions=tuple(_question(q, f"{where}, question {i + 1}", blocs)
                        for i, q in enumerate(_list(raw, "question", where))),
        path=name)


def _list(raw: dict, key: str, where: str) -> list[dict]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DataError(f"{where}: '{key}' must be a list of tables ([[{key}]])")
    return value


def _text(raw: dict, key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where}: '{key}' must be a non-empty string")
    return " ".join(value.split())


def _number(raw: dict, key: str, where: str) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DataError(f"{where}: '{key}' must be a number")
    return float(value)


def _positive(raw: dict, key: str, where: str) -> float:
    value = _number(raw, key, where)
    if value <= 0:
        raise DataError(f"{where}: '{key}' must be positive")
    return value


def _country(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha() \
            or not value.isupper():
        raise DataError(f"{where}: {value!r} is not an ISO 3166 alpha-2 code")
    return value


def _point(raw: dict, where: str) -> tuple[float, float]:
    lat, lon = _number(raw, "lat", where), _number(raw, "lon", where)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DataError(f"{where}: lat {lat}, lon {lon} is not a point on Earth")
    return lat, lon


def _overlay(name: str, where: str):
    for place in curated_places():
        if place.name == name:
            if place.lat is None:
                raise DataError(f"{where}: overlay place {name!r} has no coordinates")
            return place
    raise DataError(f"{where}: {name!r} is not a place of the gazetteer's curated overlay")


def _uncertainty(value: Any, where: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{where}: uncertainty_km must be a number") from None
    return out if math.isfinite(out) and out >= 0 else None


def _border(raw: dict, where: str) -> Border:
    pair = raw.get("countries")
    if not isinstance(pair, list) or len(pair) != 2:
        raise DataError(f"{where}: 'countries' must be two ISO alpha-2 codes")
    return Border(countries=(_country(pair[0], where), _country(pair[1], where)),
                  corridor_km=_positive(raw, "corridor_km", where),
                  source=_text(raw, "source", where), note=raw.get("note", "") or "")


def _crossing(raw: dict, where: str) -> Crossing:
    if "place" in raw:
        p = _overlay(_text(raw, "place", where), where)
        record = p.raw_record()
        return Crossing(name=p.name, lat=p.lat, lon=p.lon, country_code=p.country_code,
                        source=p.source, source_confidence=record.get("confidence", "") or "",
                        uncertainty_km=_uncertainty(record.get("uncertainty_km"), where),
                        place_id=p.id)
    lat, lon = _point(raw, where)
    return Crossing(name=_text(raw, "name", where), lat=lat, lon=lon,
                    country_code=_country(raw.get("country_code", ""), where)
                    if raw.get("country_code") else "",
                    source=_text(raw, "source", where),
                    uncertainty_km=_uncertainty(raw.get("uncertainty_km"), where))


def _zone(raw: dict, where: str, blocs: set[str]) -> Zone:
    bloc = raw.get("bloc", "") or ""
    if bloc and bloc not in blocs:
        raise DataError(f"{where}: unknown bloc {bloc!r}")
    name, radius = _text(raw, "name", where), _positive(raw, "radius_km", where)
    source = _text(raw, "source", where)
    if "place" in raw:
        p = _overlay(_text(raw, "place", where), where)
        return Zone(name=name, centre=p.name, lat=p.lat, lon=p.lon, radius_km=radius,
                    source=f"{source}; centre: {p.source}", bloc=bloc)
    lat, lon = _point(raw, where)
    return Zone(name=name, centre=raw.get("centre", name) or name, lat=lat, lon=lon,
                radius_km=radius, source=source, bloc=bloc)


def _question(raw: dict, where: str, blocs: set[str]) -> Question:
    names = raw.get("blocs")
    if not isinstance(names, list) or not names:
        raise DataError(f"{where}: 'blocs' must be a non-empty list of bloc ids")
    if unknown := [b for b in names if b not in blocs]:
        raise DataError(f"{where}: unknown bloc(s) {unknown}")
    window = raw.get("window")
    if not isinstance(window, list) or len(window) != 4 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in window) or \
            not (window[0] < window[2] and window[1] < window[3]):
        raise DataError(f"{where}: 'window' must be [lon_min, lat_min, lon_max, lat_max]")
    anchors = tuple(_anchor(a, f"{where}, anchor {i + 1}")
                    for i, a in enumerate(_list(raw, "anchor", where)))
    if len(anchors) < 2:
        raise DataError(f"{where}: a question needs at least two anchors")
    for a in anchors:
        if a.lat is not None and not (window[0] <= a.lon <= window[2]
                                      and window[1] <= a.lat <= window[3]):
            raise DataError(f"{where}: anchor {a.name!r} lies outside the window")
    return Question(name=_text(raw, "name", where), blocs=tuple(names),
                    with_allies=bool(raw.get("with_allies", False)),
                    window=tuple(float(v) for v in window), anchors=anchors,
                    source=_text(raw, "source", where))


def _anchor(raw: dict, where: str) -> Anchor:
    if "country" in raw:
        code = _country(raw["country"], where)
        return Anchor(name=raw.get("name", code) or code, country=code,
                      source=raw.get("source", "Natural Earth 10 m admin-0 countries")
                      or "Natural Earth 10 m admin-0 countries")
    lat, lon = _point(raw, where)
    return Anchor(name=_text(raw, "name", where), source=_text(raw, "source", where),
                  lat=lat, lon=lon)
