"""Text-level geography after ranking: the coherence gate and the containing place.

* **Coherence.** The text's *anchors* are its strongly supported places (countries, first-order
  divisions, capitals, towns of 100,000 or more, curated rows, places a container supports,
  and places the context chose decisively); its *focus* is their countries and its demonyms'.
  In a text with at least MIN_ANCHORS anchors, one of them a located place (not only
  countries and demonyms, which often name actors), a weakly supported place (a village by its
  name alone) that lies outside the focus and more than FAR_KM from every anchor's point is
  not trusted: the mention becomes "no match" (rule ``no_match:incoherent``), not a
  confident point on another continent. When the caller gives the text's region (the
  countries it is about), such a place is not trusted even in a text with fewer anchors.
* **Containing place.** A mention that could not be located ("no match", or an unlocated
  place), followed by a located place in a containment phrase ("X, Y", "X (Y)", "the village
  of X in Y district", "X near Y", "X, 20 km north of Y"), is placed approximately at Y:
  :class:`~gazetteer.types.Approximation` with relation, radius (km) and precision (ACLED 2
  for a town or district, 3 for a province); its confidence is the anchor's × APPROX_FACTOR.
  A landmark named after a place ("Paris roundabout in Idlib", "Lima square in Homs": the name
  followed by a facility word, ``cues.facility_words``) is in the place the text puts it,
  not in Paris: the mention's point is that place's (precision 1, FACILITY_KM).

Coordinates are (lat, lon) degrees; distances are great-circle km (``rank.km``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .precision import Precision
from .rank import MAJOR_CODES, Item, km
from .types import Approximation, Candidate

FAR_KM = 1500.0
STRONG_POPULATION = 100_000
DECISIVE_SHARE = 0.9
#: places that may be named anywhere: countries, continents, seas and oceans, regions
AREA_CODES = MAJOR_CODES | {"OCN", "SEA", "GULF", "RGN", "STRT", "BAY"}
STRONG_RULES = ("demonym", "division_abbreviation")
#: places whose point says little about where a text is (distances are not taken to them)
WIDE_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "TERR", "CONT", "OCN", "SEA",
                        "GULF", "RGN", "STRT", "BAY"})
#: anchors (distinct names, demonyms included) a text needs before the gate applies
MIN_ANCHORS = 2

#: words that may stand between a place and the place containing it
_GAP_WORDS = frozenset((
    "on", "in", "inside", "near", "outside", "of", "at", "the", "a", "an", "by", "to", "close",
    "just", "some", "about", "around", "approximately", "roughly", "nearly", "part", "parts",
    "outskirts", "edge", "suburb", "suburbs", "heart", "centre", "center", "village",
    "villages", "town", "city", "area", "areas", "district", "districts", "subdistrict",
    "sub-district", "province", "governorate", "region", "cercle", "territory", "county",
    "municipality", "commune", "department", "state", "states", "local", "government", "lga",
    "township", "neighbourhood", "neighborhood", "quarter", "locality", "rural", "countryside",
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "north-east", "north-west",
    "south-east", "south-west", "north-eastern", "north-western", "south-eastern",
    "south-western", "km", "kilometres", "kilometers", "kilometre", "kilometer", "miles",
    "mile", "from",
))
_NEAR_WORDS = frozenset((
    "near", "outside", "close", "around", "approximately", "outskirts", "edge", "km",
    "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile", "north", "south",
    "east", "west", "northern", "southern", "eastern", "western", "northeast", "northwest",
    "southeast", "southwest", "north-east", "north-west", "south-east", "south-west", "from",
))
_GAP_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[A-Za-z]+(?:-[A-Za-z]+)*|[,()]|\S")
_DISTANCE = re.compile(r"(\d+(?:\.\d+)?)\s*(km|kilomet(?:re|er)s?|miles?)\b", re.I)
MAX_GAP = 80
#: a landmark named after a place ("Paris roundabout", "Lima square") followed by "in Y"
_FACILITY_GAP = re.compile(r"\s*[A-Za-z]+(?:\s+[A-Za-z]+)?\s+(?:in|inside|at)\s+(?:the\s+)?"
                           r"(?:(?:city|town|centre|center)\s+of\s+)?$")
FACILITY_KM = 5.0
#: an approximate point is as sure as its anchor, times this
APPROX_FACTOR = 0.8
#: radius (km) of an approximate point by the anchor's kind, when the text gives no distance
RADIUS_KM = {"town": 15.0, "district": 30.0, "province": 100.0}


def strong(it: Item, cand: Candidate, rule: str) -> bool:
    """A decision that needs no support from the text's geography."""
    p = cand.place
    return (p.feature_code in AREA_CODES or p.population >= STRONG_POPULATION
            or p.id.startswith("overlay:") or rule.startswith(STRONG_RULES)
            or bool(it.contained and it.contained[it.best]))


def gate(items: Sequence[Item], decisions: list[tuple], demonyms: Counter,
         region: frozenset[str] = frozenset()) -> None:
    """Turn incoherent decisions into "no match", in place (see the module docstring).
    ``decisions`` are ``rank.decide`` triples aligned with ``items``. With a ``region``
    (the countries the caller says the text is about), a weakly supported place outside the
    focus is incoherent even in a text with too few anchors to measure distances."""
    anchors = []
    for it, (cand, _conf, rule) in zip(items, decisions, strict=True):
        if cand is None or cand.match != "exact":
            continue
        if strong(it, cand, rule) or (len(it.cands) > 1 and it.shares
                                      and it.shares[it.best] >= DECISIVE_SHARE):
            anchors.append((it.key, cand.place))
    focus = {p.country_code for _, p in anchors if p.country_code} | set(demonyms)
    points = [(key, p.point) for key, p in anchors
              if p.located and p.feature_code not in WIDE_CODES]
    measured = bool(points) and len({key for key, _ in anchors}) >= MIN_ANCHORS
    if not measured and not region:
        return                          # too little geography to call anything incoherent
    for i, (it, (cand, conf, rule)) in enumerate(zip(items, decisions, strict=True)):
        if cand is None or not cand.place.located or strong(it, cand, rule):
            continue
        place = cand.place
        if place.country_code in focus:
            continue
        near = [d for key, pt in points if key != it.key
                for d in (km(place.point, pt),)]
        if near and min(near) <= FAR_KM:
            continue
        if not measured and near:
            continue                    # a region, but the text's own anchors are near
        decisions[i] = (None, conf, "no_match:incoherent")


def contain(text: str, items: Sequence[Item], decisions: list[tuple]) -> list:
    """Per item, an Approximation for a mention that could not be located but is followed by
    a located place that contains it or lies near it; else None."""
    out: list[Approximation | None] = [None] * len(items)
    order = sorted(range(len(items)), key=lambda k: items[k].start)
    for pos, i in enumerate(order):
        cand = decisions[i][0]
        it = items[i]
        facility = "facility" in it.marks
        if cand is not None and cand.place.located and not facility:
            continue
        for j in order[pos + 1:pos + 4]:
            anchor = decisions[j][0]
            if anchor is None or not anchor.place.located or \
                    anchor.place.feature_code in ("PCLI", "PCLD", "PCLS", "PCLF", "CONT",
                                                   "OCN", "SEA"):
                continue
            gap = text[it.end:items[j].start]
            if facility:                 # "Paris roundabout in Idlib": a landmark in Idlib
                m = _FACILITY_GAP.match(gap)
                if m:
                    out[i] = Approximation(anchor.place, "in", FACILITY_KM, Precision(1, 1))
                    decisions[i] = (None, decisions[j][1] * APPROX_FACTOR,
                                    f"facility_in:{anchor.place.name}")
                break
            relation = _relation(gap)
            if relation is not None:
                out[i] = _approximation(anchor, relation, gap)
                decisions[i] = (cand, decisions[j][1] * APPROX_FACTOR, decisions[i][2])
            break                        # only the next located place can contain it
    return out


def _relation(gap: str) -> str | None:
    """"in" or "near" when ``gap`` (the text between a place and the next) is a containment
    phrase, else None."""
    if len(gap) > MAX_GAP or any(ch in gap for ch in ".;:!?\n\"“”"):
        return None
    words = [w.lower() for w in _GAP_TOKEN.findall(gap)]
    if not words or not all(w in _GAP_WORDS or w in ",()" or w[0].isdigit() for w in words):
        return None
    if not ({",", "("} & set(words) or {"in", "inside", "near", "outside", "of", "from"}
            & set(words)):
        return None
    return "near" if _NEAR_WORDS & set(words) else "in"


def _approximation(anchor: Candidate, relation: str, gap: str) -> Approximation:
    place = anchor.place
    kind = ("province" if place.feature_code == "ADM1" else
            "district" if place.feature_code in ("ADM2", "ADM3", "ADMD") else "town")
    radius = RADIUS_KM[kind]
    m = _DISTANCE.search(gap)
    if m:
        radius = float(m.group(1)) * (1.609 if m.group(2).lower().startswith("mile") else 1.0)
        radius = max(radius, 5.0)
    precision = Precision(3, 4) if kind == "province" else Precision(2, 2 if kind == "town"
                                                                      else 3)
    return Approximation(place, relation, round(radius, 1), precision)
