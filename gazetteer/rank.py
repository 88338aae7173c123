"""Disambiguation in context, after candidate generation.

Pass 1 scores every candidate by its priors: feature type (country > first-order division,
capital > town), population, whether the name is the place's own name, curated overlay rows,
and how the name matched (exact > transliteration variant > fuzzy).
Spans whose best candidate clearly wins become *anchors*. Anchors, country mentions and
demonyms give the text's focus countries and first-order divisions, and points.
Pass 2 adds context: focus country, same first-order division, geodesic distance (km) to the
anchors, and containment patterns ("X, Y", "X in Y", "X (Y)", "Alexandria, La.").
One sense per discourse: every occurrence of the same name takes the place with the best total.
The winner's confidence is its softmax share; below the thresholds the outcome is "no match".
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .types import Candidate, Place

FEATURE_PRIOR = {
    "PCLI": 1.0, "PCLD": 0.9, "PCLS": 0.9, "PCLF": 0.9, "PCLIX": 0.8, "TERR": 0.8,
    "CONT": 0.9, "ADM1": 0.8, "PPLC": 0.8, "RGN": 0.6, "PPLA": 0.6, "ADM2": 0.55,
    "ADMD": 0.5, "PSTB": 0.6, "MILB": 0.6, "DSRT": 0.6, "PPL": 0.3,
}
MAJOR_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "TERR", "CONT", "ADM1", "PPLC"})
MATCH_PENALTY = {"exact": 0.0, "variant": -0.5, "fuzzy": -1.2}
CONTAINER = re.compile(r"\s*(?:,|\(|\bin\b|\bof\b)\s*(?:the\s+)?$", re.IGNORECASE)
STATE_ABBREV = re.compile(r"\s*,\s*([A-Z][A-Za-z]{0,4}\.(?:[A-Z][a-z]?\.)?|[A-Z]{2})(?![A-Za-z])")
# Lowest winning score by how the name matched; a multi-word exact name ("Tal Afar") is
# evidence enough on its own, a one-word name needs priors or context.
MIN_SCORE = {"exact": 1.3, "exact_multiword": 0.5, "variant": 0.6, "fuzzy": 1.0}
EARTH_KM = 6371.0088


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points in degrees (haversine)."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


#: a candidate: (place, matched its primary name?, match kind, name similarity in [0, 1])
Cand = tuple[Place, bool, str, float]


@dataclass
class Item:
    """A span to resolve: its text, offsets, candidates and context marks."""

    text: str
    start: int
    end: int
    key: str
    cands: list[Cand]
    marks: set[str] = field(default_factory=set)
    scores: list[float] = field(default_factory=list)
    best: int = -1
    rule: str = ""


def prior(place: Place, primary: bool, match: str, similarity: float = 1.0) -> float:
    """Context-free score: feature type, population (log), own name, curated row, match kind
    and, for variant/fuzzy matches, how close the written name is to the place's name."""
    feat = FEATURE_PRIOR.get(place.feature_code, 0.4 if place.feature_class == "P" else 0.3)
    pop = min(1.2, math.log10(place.population + 1) / 7)
    curated = 0.6 if place.id.startswith("overlay:") else 0.0
    return (2.0 * feat + pop + 0.3 * primary + curated + MATCH_PENALTY[match]
            + 3.0 * (similarity - 1.0))


def rank(items: list[Item], text: str, demonym_countries: Counter,
         us_states: dict[str, str]) -> None:
    """Score every candidate of every item in place; set ``best`` and ``rule``."""
    for it in items:
        it.scores = [prior(*c) for c in it.cands]
        it.best = max(range(len(it.cands)), key=it.scores.__getitem__) if it.cands else -1
    anchors = [it for it in items if _is_anchor(it)]
    countries: Counter = Counter(demonym_countries)
    admins: Counter = Counter()
    own: dict[int, tuple[str, int, tuple | None]] = {}    # an anchor's own contribution
    points: list[tuple[int, tuple[float, float]]] = []
    for it in anchors:
        p = it.cands[it.best][0]
        weight = 2 if p.feature_code in MAJOR_CODES else 1
        countries[p.country_code] += weight
        admin = None
        if p.admin1 and p.feature_code not in ("PCLI", "CONT"):
            admin = (p.country_code, p.admin1)
            admins[admin] += 1
        own[id(it)] = (p.country_code, weight, admin)
        if p.located and p.feature_code not in ("PCLI", "CONT"):
            points.append((id(it), p.point))
    total = sum(countries.values()) or 1
    containers = _containers(items, text, us_states)
    for it in items:
        own_cc, own_weight, own_admin = own.get(id(it), ("", 0, None))
        for k, (p, _prim, _m, _sim) in enumerate(it.cands):
            n_cc = countries.get(p.country_code, 0) - (own_weight if p.country_code == own_cc
                                                        else 0)
            bonus = 1.2 * n_cc / total if p.country_code else 0.0
            admin = (p.country_code, p.admin1)
            if p.admin1 and admins.get(admin, 0) - (admin == own_admin) > 0:
                bonus += 0.6
            if p.located:
                near = [km(p.point, q) for owner, q in points if owner != id(it)]
                if near:
                    d = min(near)
                    bonus += 1.0 if d < 25 else 0.7 if d < 100 else 0.4 if d < 300 else \
                        0.15 if d < 800 else 0.0
            for cc, admin1 in containers.get(id(it), ()):
                if p.country_code == cc and (admin1 is None or p.admin1 == admin1):
                    bonus += 2.5
            it.scores[k] += bonus
    _one_sense_per_discourse(items)


def _is_anchor(it: Item) -> bool:
    if not it.cands or it.marks & {"person", "organisation", "calendar", "demonym"}:
        return False
    if len(it.cands) == 1:
        return it.cands[0][2] == "exact"
    ordered = sorted(it.scores, reverse=True)
    return ordered[0] - ordered[1] >= 1.0


def _containers(items: list[Item], text: str, us_states: dict[str, str]) -> dict:
    """For "X, Y" / "X in Y" / "X (Y)": X's id -> [(country, admin1 or None)] Y stands for."""
    out: dict[int, list] = defaultdict(list)
    for a, b in zip(items, items[1:], strict=False):
        if b.best < 0 or not CONTAINER.match(text[a.end:b.start]):
            continue
        p = b.cands[b.best][0]
        if p.feature_code in ("PCLI", "PCLD", "PCLS", "PCLF", "TERR"):
            out[id(a)].append((p.country_code, None))
        elif p.feature_code in ("ADM1", "ADM2") and p.admin1:
            out[id(a)].append((p.country_code, p.admin1))
    for it in items:
        m = STATE_ABBREV.match(text, it.end)
        if m:
            from .normalize import match_key

            state = us_states.get(match_key(m.group(1)))
            if state:
                out[id(it)].append(("US", state))
    return out


def _one_sense_per_discourse(items: list[Item]) -> None:
    totals: dict[str, Counter] = defaultdict(Counter)
    for it in items:
        for (p, _, _, _), s in zip(it.cands, it.scores, strict=True):
            totals[it.key][p.id] += s
    for it in items:
        if not it.cands:
            continue
        t = totals[it.key]
        it.best = max(range(len(it.cands)), key=lambda k: (t[it.cands[k][0].id], it.scores[k]))


def decide(it: Item) -> tuple[Candidate | None, float, str]:
    """The winning candidate (or None), its confidence in [0, 1] and the deciding rule."""
    if it.best < 0:
        return None, 0.0, "no_candidates"
    place, _prim, match, _sim = it.cands[it.best]
    best = it.scores[it.best]
    m = max(it.scores)
    z = sum(math.exp((s - m) / 0.5) for s in it.scores)
    conf = math.exp((best - m) / 0.5) / z
    conf *= {"exact": 1.0, "variant": 0.8, "fuzzy": 0.6}[match]
    kind = "exact_multiword" if match == "exact" and " " in it.key else match
    if best < MIN_SCORE[kind]:
        return None, conf, "no_match:below_threshold"
    rule = "only_candidate" if len(it.cands) == 1 else "context" if _context_won(it) else "prior"
    if match != "exact":
        rule += f"+{match}"
    cand = Candidate(place, match, round(best, 3))
    return cand, conf, rule


def _context_won(it: Item) -> bool:
    priors = [prior(*c) for c in it.cands]
    return max(range(len(priors)), key=priors.__getitem__) != it.best
