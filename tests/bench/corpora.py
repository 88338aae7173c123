"""Reading the geoparsing corpora of ``../shared/eval/``: LGL (Lieberman et al. 2010, US local
news) and TR-News (Kamalloo & Rafiei 2018, international news), both in the XML format of
Gritta et al.'s "Pragmatic Guide to Geoparsing Evaluation".

Not collected by pytest; used by the benchmark scripts. The corpora are research data read from
``../shared/eval/`` and never copied into the repository. ``$LGL_XML`` / ``$TRNEWS_XML``
override the paths.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
DEFAULT = EVAL / "lgl.xml"
CORPORA = {"lgl": ("LGL_XML", EVAL / "lgl.xml"), "trnews": ("TRNEWS_XML", EVAL / "trnews.xml")}


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    phrase: str
    point: tuple[float, float] | None     # (lat, lon) of the gold GeoNames entry, if any
    geonameid: str | None
    fcode: str | None


@dataclass(frozen=True)
class Article:
    docid: str
    text: str
    toponyms: tuple[Toponym, ...]


def _align(text: str, start: int, end: int, phrase: str, window: int = 60) -> tuple[int, int]:
    """Gold offsets that point at the phrase. TR-News offsets drift by a few characters in
    some articles (counted on a slightly different text); the nearest occurrence of the
    phrase within ``window`` characters is taken, else the offsets are kept as given."""
    if not phrase or text[start:end] == phrase:
        return start, end
    best = None
    at = text.find(phrase, max(0, start - window))
    while at != -1 and at <= start + window:
        if best is None or abs(at - start) < abs(best - start):
            best = at
        at = text.find(phrase, at + 1)
    return (best, best + len(phrase)) if best is not None else (start, end)


def corpus_path(name: str = "lgl") -> Path:
    """The XML file of corpus ``name`` ("lgl" or "trnews")."""
    env, default = CORPORA[name]
    return Path(os.environ.get(env, default))


def lgl_path() -> Path:
    return corpus_path("lgl")


def load(path: Path | str | None = None) -> list[Article]:
    """The articles of an XML corpus: a path, a corpus name ("lgl", "trnews"), or LGL."""
    if path is None or str(path) in CORPORA:
        path = corpus_path(str(path or "lgl"))
    root = ET.parse(path).getroot()
    articles = []
    for a in root.iter("article"):
        text = a.findtext("text") or ""
        tops = []
        for t in a.iter("toponym"):
            g = t.find("gaztag")
            point = gid = fcode = None
            if g is not None and g.findtext("lat"):
                point = (float(g.findtext("lat")), float(g.findtext("lon")))
                gid, fcode = g.get("geonameid"), g.findtext("fcode")
            phrase = t.findtext("phrase") or ""
            start, end = _align(text, int(t.findtext("start")), int(t.findtext("end")), phrase)
            tops.append(Toponym(start, end, phrase, point, gid, fcode))
        articles.append(Article(a.get("docid"), text, tuple(tops)))
    return articles


EVENTS_DEV = EVAL / "events_dev" / "reports.csv"


def write_theatre_report(per: dict, figures, seconds_cpu: float, json_path: str | None,
                         errors_path: str | None, lines: list[str]) -> dict:
    """The per-theatre counts ``per`` (theatre → counter) turned into figures (``figures``:
    counts → dict) per theatre and overall; printed as JSON on stdout and written to
    ``json_path``, the error lines to ``errors_path`` (each when given). Returns the report."""
    import json
    import sys
    import time
    from collections import defaultdict

    total: dict[str, int] = defaultdict(int)
    out = {"date": time.strftime("%Y-%m-%d"), "theatres": {}}
    for theatre, c in sorted(per.items()):
        for k, v in c.items():
            total[k] += v
        out["theatres"][theatre] = figures(c)
    out["overall"] = figures(total)
    out["seconds_cpu"] = round(seconds_cpu, 1)
    json.dump(out, sys.stdout, indent=1)
    print()
    if json_path:
        Path(json_path).write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    if errors_path:
        Path(errors_path).write_text("\n".join(lines) + "\n", "utf-8")
    return out
