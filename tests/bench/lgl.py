"""Reading the LGL geoparsing corpus (Lieberman et al. 2010; shared/eval/lgl.xml).

Not collected by pytest; used by the benchmark scripts. The corpus is research data read from
``../shared/eval/`` and never copied into the repository.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "lgl.xml"


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


def lgl_path() -> Path:
    return Path(os.environ.get("LGL_XML", DEFAULT))


def load(path: Path | None = None) -> list[Article]:
    root = ET.parse(path or lgl_path()).getroot()
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
            tops.append(Toponym(int(t.findtext("start")), int(t.findtext("end")),
                                t.findtext("phrase") or "", point, gid, fcode))
        articles.append(Article(a.get("docid"), text, tuple(tops)))
    return articles
