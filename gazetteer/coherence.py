"""Text-level geography after ranking: the coherence gate and the containing place.

* **Coherence.** The text's *anchors* are its strongly supported places (countries, first-order
  divisions and capitals by an exact name, towns of 100,000 or more by their own name, curated
  rows, places a container supports, and places the context chose decisively); its *focus* is
  their countries and its demonyms'. A spelling variant or fuzzy match outside the
  transliteration countries never lies outside the countries of the text's strong anchors
  ("Spin" is not Spain in a text about Pakistan): it becomes "no match", however few the
  anchors.
  In a text with at least MIN_ANCHORS anchors, one of them a located place (not only
  countries and demonyms, which often name actors), a weakly supported place (a village by its
  name alone) that lies outside the focus and more than FAR_KM from every anchor's point is
  not trusted: the mention becomes "no match" (rule ``no_match:incoherent``), not a
  confident point on another continent. When the caller gives the text's region (the
  countries it is about), such a place is not trusted even in a text with fewer anchors.
  A text with one anchor measures against it when it is a division decided with confidence
  ≥ LONE_ANCHOR_CONFIDENCE (a lone capital's name is too often a homonym or a government);
  then any other located place of the text may vouch for a weak one.
* **Contradiction.** When the text says outright that X is a part of Y ("the X area of
  southern Y", "the village of X in Y district", "Y's X neighbourhood") and X's decided place
  lies in another province or beyond CONTAINED_KM of Y, the text wins: X becomes "no match"
  (``no_match:contradicted``) and is placed at Y as below.
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
#: the confidence a text's only anchor needs before weak places are measured against it
LONE_ANCHOR_CONFIDENCE = 0.6

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
#: words that make a containment phrase "near" ("20 km north of Y"); "in southern Y" stays "in"
_NEAR_WORDS = frozenset((
    "near", "outside", "close", "around", "approximately", "outskirts", "edge", "km",
    "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile", "north", "south",
    "east", "west", "northeast", "northwest",
    "southeast", "southwest", "north-east", "north-west", "south-east", "south-west", "from",
))
_GAP_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[A-Za-z]+(?:-[A-Za-z]+)*|[,()]|\S")
_DISTANCE = re.compile(r"(\d+(?:\.\d+)?)\s*(km|kilomet(?:re|er)s?|miles?)\b", re.I)
MAX_GAP = 80
#: words that say a place is a part of the next one ("the X area of Y", "the village of X in Y")
SUBLOCALITY_WORDS = frozenset((
    "area", "district", "neighbourhood", "neighborhood", "quarter", "suburb", "suburbs",
    "village", "hamlet", "town", "locality", "subdistrict", "sub-district", "camp",
))
#: how far (km) a place may lie from the place the text puts it in, by the container's kind
CONTAINED_KM = {"ADM2": 150.0, "ADM3": 80.0, "ADMD": 150.0, "town": 60.0}
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
    exact = cand.match == "exact"
    primary = bool(it.cands) and it.best >= 0 and it.cands[it.best][1]
    return ((exact and p.feature_code in AREA_CODES)
            or (exact and primary and p.population >= STRONG_POPULATION)
            or p.id.startswith("overlay:") or rule.startswith(STRONG_RULES)
            or bool(it.contained and it.contained[it.best]))


def gate(items: Sequence[Item], decisions: list[tuple], demonyms: Counter,
         region: frozenset[str] = frozenset(),
         variant_countries: frozenset[str] = frozenset()) -> None:
    """Turn incoherent decisions into "no match", in place (see the module docstring).
    ``decisions`` are ``rank.decide`` triples aligned with ``items``. With a ``region``
    (the countries the caller says the text is about), a weakly supported place outside the
    focus is incoherent even in a text with too few anchors to measure distances."""
    anchors, sure = [], set(demonyms) | region      # sure: the strong anchors' countries
    for it, (cand, conf, rule) in zip(items, decisions, strict=True):
        if cand is None or cand.match != "exact":
            continue
        if strong(it, cand, rule):
            sure.add(cand.place.country_code)
        elif not (len(it.cands) > 1 and it.shares and it.shares[it.best] >= DECISIVE_SHARE):
            continue
        anchors.append((it.key, cand.place, conf))
    sure.discard("")
    # a spelling variant or a fuzzy match outside the transliteration countries never carries
    # a name out of the countries the text's strong anchors name ("Spin" is not Spain in a
    # text about Pakistan), however few they are
    for i, (cand, conf, _rule) in enumerate(decisions):
        cc = cand.place.country_code if cand is not None else ""
        if cand is not None and cand.match != "exact" and sure and cc not in sure and \
                cc not in variant_countries:
            decisions[i] = (None, conf, "no_match:incoherent")
    focus = {p.country_code for _, p, _c in anchors if p.country_code} | set(demonyms)
    few = len({key for key, _p, _c in anchors}) < MIN_ANCHORS
    # a lone anchor must be a division the ranker is sure of to measure others against: a
    # capital's name is often a homonym ("Paris", Tennessee) or a government ("Washington")
    points = [(key, p.point) for key, p, conf in anchors
              if p.located and p.feature_code not in WIDE_CODES
              and (not few or (conf >= LONE_ANCHOR_CONFIDENCE and p.feature_class == "A"))]
    if not points and not region:
        return                          # too little geography to call anything incoherent
    # with a single anchor, any other located place of the text may vouch for a weak one
    # (the anchor itself may be the error); with more, only anchors do
    located = [(it.key, cand.place.point) for it, (cand, _c, _r) in zip(items, decisions,
                                                                      strict=True)
               if cand is not None and cand.place.located
               and cand.place.feature_code not in WIDE_CODES] if few else points
    for i, (it, (cand, conf, rule)) in enumerate(zip(items, decisions, strict=True)):
        if cand is None or not cand.place.located or strong(it, cand, rule):
            continue
        place = cand.place
        if place.country_code in focus:
            continue
        if any(key != it.key and km(place.point, pt) <= FAR_KM for key, pt in located):
            continue
        decisions[i] = (None, conf, "no_match:incoherent")


def contain(text: str, items: Sequence[Item], decisions: list[tuple]) -> list:
    """Per item, an Approximation for a mention that could not be located but is followed by
    a located place that contains it or lies near it; else None."""
    out: list[Approximation | None] = [None] * len(items)
    order = sorted(range(len(items)), key=lambda k: items[k].start)
    # last first, so that in "the village of X in Y district, near Z" Y is placed near Z
    # before X is placed where Y is
    for pos in range(len(order) - 1, -1, -1):
        i = order[pos]
        cand = decisions[i][0]
        it = items[i]
        facility = "facility" in it.marks
        owner = _possessor(text, items, decisions, order, pos) if not facility else None
        if owner is not None:            # "Sabha's al-Manshiya neighbourhood"
            anchor, anchor_conf, anchor_rule = decisions[owner]
            if cand is None or not cand.place.located or (
                    (anchor_conf >= decisions[i][1] or strong(items[owner], anchor,
                                                               anchor_rule))
                    and _outside(cand.place, anchor.place)):
                out[i] = _approximation(anchor, "in", "")
                decisions[i] = (None, anchor_conf * APPROX_FACTOR,
                                decisions[i][2] if cand is None else "no_match:contradicted")
            continue
        if cand is not None and cand.place.located and not facility and \
                not _contradicted(text, items, decisions, i, order[pos + 1:pos + 2], out):
            continue
        cand = decisions[i][0]
        for j in order[pos + 1:pos + 4]:
            anchor = decisions[j][0]
            if (anchor is None or not anchor.place.located) and out[j] is not None and \
                    not facility:
                # "X in Y district, near Z" with Y placed near Z: X is there too
                gap = text[it.end:items[j].start]
                if _relation(gap) is not None:
                    near = out[j]
                    out[i] = Approximation(near.anchor, "near", max(near.uncertainty_km,
                                                                    RADIUS_KM["district"]),
                                           near.precision)
                    decisions[i] = (cand, decisions[j][1], decisions[i][2])
                break
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


def _contradicted(text: str, items: Sequence[Item], decisions: list[tuple], i: int,
                  following: list[int], out: list) -> bool:
    """Whether the text says outright that mention ``i`` lies in the next mention's place
    ("the Salah al-Din area of Tripoli", "the village of X in Y district": a sub-locality
    word, or a village/town/neighbourhood cue, with "in"/"of"; "X, a village near Y") while
    its decided place lies beyond CONTAINED_KM of it (another country, for a province): then
    the text is right
    and the homonym wrong, unless the mention is a strong place and its container is less
    sure and not strong. The mention is then cleared (its approximation follows in
    ``contain``). The container may itself be placed approximately (``out``)."""
    if not following:
        return False
    j = following[0]
    cand, conf, rule = decisions[i]
    anchor, anchor_conf, anchor_rule = decisions[j]
    if anchor is not None and anchor.place.located:
        container, slack = anchor.place, 0.0
    elif out[j] is not None:    # the container is placed approximately ("in Y, near Z")
        container, slack = out[j].anchor, out[j].uncertainty_km
    else:
        return False
    place = cand.place
    if container.feature_code in WIDE_CODES or place.feature_code in WIDE_CODES:
        return False
    gap = text[items[i].end:items[j].start]
    words = {w.lower() for w in _GAP_TOKEN.findall(gap)}
    relation = _relation(gap)
    before = text[max(0, items[i].start - 30):items[i].start].lower().split()
    if relation == "near" and "near" in words and words & SUBLOCALITY_WORDS:
        pass                            # "X, a village near Y"
    elif relation != "in" or not (words & {"in", "of", "inside"}):
        return False
    elif len(before) >= 2 and before[-1] == "of" and before[-2] in SUBLOCALITY_WORDS:
        pass                            # "the village of X in Y"
    elif words & SUBLOCALITY_WORDS and "in" in words:
        pass                            # "X district in Y"
    elif words & SUBLOCALITY_WORDS and "of" in words and (
            (place.feature_class == "A" and container.feature_class == "P")
            or place.population < container.population):
        pass        # "the X neighbourhood of Y": X is in Y, when X is the smaller ("the
        # Cincinnati suburb of West Chester" reads the other way); a division named as a
        # part of a town can only be a quarter of it
    else:
        return False
    if not (anchor_conf >= conf or not strong(items[i], cand, rule)
            or (not slack and strong(items[j], anchor, anchor_rule))):
        return False                    # a strong place against a weaker container
    far = _outside(place, container, slack)
    if far:
        decisions[i] = (None, conf, "no_match:contradicted")
    return far


def _outside(place, container, slack_km: float = 0.0) -> bool:
    """Whether ``place`` cannot lie in ``container`` (both located): another province, or,
    for a town or district container, further than CONTAINED_KM (plus ``slack_km``, the
    container's own uncertainty) from its point."""
    if place.country_code == container.country_code and place.admin1 and \
            place.admin1 == container.admin1:
        return False                    # the same province: the text may be loose
    if container.feature_code == "ADM1":
        return True
    return km(place.point, container.point) > slack_km + CONTAINED_KM.get(
        container.feature_code, CONTAINED_KM["town"])


_POSSESSIVE_GAP = re.compile(r"[’']s\s+(?:the\s+)?$")
_PART_AFTER = re.compile(r"\s+([A-Za-z-]+)")


def _possessor(text: str, items: Sequence[Item], decisions: list[tuple], order: list[int],
               pos: int) -> int | None:
    """The item whose possessive names the place the item at ``order[pos]`` is a part of
    ("Sabha's al-Manshiya neighbourhood", "Kyiv's Obolon district": a sub-locality word
    right after the name), when that place is located and no country or sea; else None."""
    if pos == 0:
        return None
    i, j = order[pos], order[pos - 1]
    anchor = decisions[j][0]
    if anchor is None or not anchor.place.located or anchor.place.feature_code in WIDE_CODES:
        return None
    if not _POSSESSIVE_GAP.fullmatch(text, items[j].end, items[i].start):
        return None
    if items[i].key.rsplit(" ", 1)[-1] in SUBLOCALITY_WORDS:
        return j                        # the span holds the word: "Obolon district"
    m = _PART_AFTER.match(text, items[i].end)
    return j if m and m.group(1).lower() in SUBLOCALITY_WORDS else None


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
