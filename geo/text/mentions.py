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
           "ucdp_precision", "source"]


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
    place, located or not; geometry is the point in (lon, lat) order, EPSG:4326, or empty for
    an unlocated place."""
    rows = []
    for name, text in articles.items():
        bounds = sentence_bounds(text)
        for m in gazetteer.geoparse(text):
            if m.place is None:
                continue
            s, e = next(((a, b) for a, b in bounds if a <= m.start < b), (0, len(text)))
            p = m.place
            prec = p.precision
            rows.append({
                "article": name, "sentence": text[s:e].strip(), "text": m.text,
                "start": m.start, "end": m.end, "name": p.name, "place_id": p.id,
                "country_code": p.country_code, "feature_code": p.feature_code,
                "lat": p.lat, "lon": p.lon, "located": p.located,
                "confidence": round(m.confidence, 3), "rule": m.rule,
                "acled_precision": prec.acled, "ucdp_precision": prec.ucdp, "source": p.source,
                "geometry": Point(p.lon, p.lat) if p.located else None,
            })
    return gpd.GeoDataFrame(rows, columns=[*COLUMNS, "geometry"], geometry="geometry",
                            crs="EPSG:4326")


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
