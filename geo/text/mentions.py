"""Place mentions of a set of articles as a GeoDataFrame, each row traceable to its article
and sentence. Pure functions: no Streamlit, no files written."""

from __future__ import annotations

import re
from collections.abc import Mapping

import geopandas as gpd
from shapely.geometry import Point

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n|\n")

COLUMNS = ["article", "sentence", "text", "start", "end", "name", "place_id", "country_code",
           "feature_code", "lat", "lon", "located", "confidence", "rule", "acled_precision",
           "ucdp_precision", "source", "approximate", "uncertainty_km", "anchor_id"]


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of ``text``."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            bounds.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def mentions_frame(articles: Mapping[str, str], gazetteer) -> gpd.GeoDataFrame:
    """Geoparse each article (name -> text). One row per place mention that resolved to a
    place, located or not, or that the text places approximately (``approximate``: at the
    anchor place it names, within ``uncertainty_km`` km; ``anchor_id``); geometry is the
    point in (lon, lat) order, EPSG:4326, or empty for an unlocated place."""
    rows = []
    for name, text in articles.items():
        bounds = sentence_bounds(text)
        for m in gazetteer.geoparse(text):
            near = m.approx
            if m.place is None and near is None:
                continue
            s, e = next(((a, b) for a, b in bounds if a <= m.start < b), (0, len(text)))
            p = m.place or near.anchor
            prec = m.precision
            point = m.point
            rows.append({
                "article": name, "sentence": text[s:e].strip(), "text": m.text,
                "start": m.start, "end": m.end, "name": m.text if near else p.name,
                "place_id": p.id, "country_code": p.country_code,
                "feature_code": "" if near else p.feature_code,
                "lat": point[0] if point else None, "lon": point[1] if point else None,
                "located": point is not None,
                "confidence": round(m.confidence, 3), "rule": m.rule,
                "acled_precision": prec.acled, "ucdp_precision": prec.ucdp,
                "source": (f"placed {near.relation} {near.anchor.name} ({near.anchor.id}), "
                           f"which the text names: {near.anchor.source}") if near else p.source,
                "approximate": near is not None,
                "uncertainty_km": near.uncertainty_km if near else None,
                "anchor_id": near.anchor.id if near else None,
                "geometry": Point(point[1], point[0]) if point else None,
            })
    frame = gpd.GeoDataFrame(rows, columns=[*COLUMNS, "geometry"], geometry="geometry",
                             crs="EPSG:4326")
    return with_types(frame)


def with_types(frame):
    """``frame`` with the approximate-place columns typed as everywhere (``approximate``
    bool, ``uncertainty_km`` float km, NaN when exact, ``anchor_id`` text), in place and
    returned: the same whether the rows come from geoparsing or from a store written before
    these columns."""
    frame["approximate"] = frame["approximate"].fillna(False).astype(bool)
    frame["uncertainty_km"] = frame["uncertainty_km"].astype(float)
    frame["anchor_id"] = frame["anchor_id"].astype("str")      # missing stays missing
    return frame


def with_articles(frame: gpd.GeoDataFrame, articles) -> gpd.GeoDataFrame:
    """``frame`` (of :func:`mentions_frame`) with each mention's article ``title`` and
    ``published`` date (ISO text, None when undated), from ``articles``
    (``geo.text.articles.Article``; every mention's article among them). Changed in place
    and returned."""
    by_id = {a.id: a for a in articles}
    frame["title"] = [by_id[x].title for x in frame["article"]]
    frame["published"] = [by_id[x].published.isoformat() if by_id[x].published else None
                          for x in frame["article"]]
    return frame
