"""Place mentions of a set of articles as a GeoDataFrame, each row traceable to its article
and sentence. Pure functions: no Streamlit, no files written."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n|\n")

COLUMNS = ["article", "sentence", "text", "start", "end", "name", "place_id", "country_code",
           "feature_code", "lat", "lon", "located", "confidence", "rule", "acled_precision",
           "ucdp_precision", "source", "approximate", "uncertainty_km", "anchor_id"]


MAX_SENTENCE_CHARS = 1000      # a longer "sentence" (a table, a list pasted from a PDF)
                               # is cut, at a space where it can be, into pieces this long


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of ``text``; none longer than
    ``MAX_SENTENCE_CHARS`` (what is done per sentence then costs time linear in the text)."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            bounds += _pieces(text, start, m.start())
        start = m.end()
    if text[start:].strip():
        bounds += _pieces(text, start, len(text))
    return bounds


#: what ends a clause inside a sentence: semicolons, colons, dashes, brackets, quotes
CLAUSE_CUT = re.compile(r"[;:—–()\[\]\"“”]")


def clause_before(sentence: str, at: int, width: int = 45) -> str:
    """The text before offset ``at`` of ``sentence`` in its clause, at most ``width``
    characters (cut at ; : dashes brackets quotes)."""
    before = sentence[max(0, at - width):at]
    cut = list(CLAUSE_CUT.finditer(before))
    return before[cut[-1].end():] if cut else before


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def sentence_of(bounds: list[tuple[int, int]], offset: int, length: int
                ) -> tuple[int, int]:
    """The (start, end) of ``bounds`` (``sentence_bounds``, in order) holding ``offset``,
    else (0, ``length``): a binary search."""
    k = bisect.bisect_right(bounds, (offset, float("inf"))) - 1
    if k >= 0 and bounds[k][0] <= offset < bounds[k][1]:
        return bounds[k]
    return 0, length


def mentions_frame(articles: Mapping[str, str], gazetteer) -> gpd.GeoDataFrame:
    """Geoparse each article (name -> text). One row per place mention that resolved to a
    place, located or not, or that the text places approximately (``approximate``: at the
    anchor place it names, within ``uncertainty_km`` km; ``anchor_id``); geometry is the
    point in (lon, lat) order, EPSG:4326, or empty for an unlocated place."""
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    for name, text in articles.items():
        bounds = sentence_bounds(text)
        said: dict[tuple[int, int], str] = {}      # one string per sentence, shared by rows
        for m in gazetteer.geoparse(text):
            near = m.approx
            if m.place is None and near is None:
                continue
            s, e = sentence_of(bounds, m.start, len(text))
            if (s, e) not in said:
                said[(s, e)] = text[s:e].strip()
            p = m.place or near.anchor
            prec = m.precision
            point = m.point
            for col, value in (
                    ("article", name), ("sentence", said[(s, e)]), ("text", m.text),
                    ("start", m.start), ("end", m.end), ("name", m.text if near else p.name),
                    ("place_id", p.id), ("country_code", p.country_code),
                    ("feature_code", "" if near else p.feature_code),
                    ("lat", point[0] if point else None), ("lon", point[1] if point else None),
                    ("located", point is not None), ("confidence", round(m.confidence, 3)),
                    ("rule", m.rule), ("acled_precision", prec.acled),
                    ("ucdp_precision", prec.ucdp),
                    ("source", (f"placed {near.relation} {near.anchor.name} "
                                f"({near.anchor.id}), which the text names: "
                                f"{near.anchor.source}") if near else p.source),
                    ("approximate", near is not None),
                    ("uncertainty_km", near.uncertainty_km if near else None),
                    ("anchor_id", near.anchor.id if near else None)):
                cols[col].append(value)
    lat = np.asarray(cols["lat"], dtype=float)
    lon = np.asarray(cols["lon"], dtype=float)
    geometry = shapely.points(lon, lat)                 # (lon, lat); None where missing
    geometry[np.isnan(lat) | np.isnan(lon)] = None
    frame = gpd.GeoDataFrame(pd.DataFrame(cols, columns=COLUMNS),
                             geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"),
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
