"""Disambiguation in context, after candidate generation.

Priors score every candidate: feature type (country > first-order division, capital > town),
population, whether the name is the place's own name, curated overlay rows, and how the name
matched (exact > transliteration variant > fuzzy, with name similarity).
Context is soft evidence from the other mentions, each weighted by its current share: the
text's focus countries (with demonyms), first-order divisions, geodesic distance (km) to the
other places, and containment patterns ("X, Y", "X in Y", "X (Y)", "Alexandria, La.").
Two rounds let confident places inform ambiguous ones. One sense per discourse: every
occurrence of the same name takes the place with the best total. The winner's confidence is
its softmax share; below the thresholds the outcome is "no match".
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .context import EARTH_KM, MAJOR_CODES, ContextModel  # noqa: F401 - re-exported
from .normalize import match_key
from .types import Candidate, Place

FEATURE_PRIOR = {
    "PCLI": 1.0, "PCLD": 0.9, "PCLS": 0.9, "PCLF": 0.9, "PCLIX": 0.8, "TERR": 0.8,
    "CONT": 0.9, "ADM1": 0.8, "PPLC": 0.8, "RGN": 0.6, "PPLA": 0.6, "ADM2": 0.55,
    "ADMD": 0.5, "PSTB": 0.6, "MILB": 0.6, "DSRT": 0.6, "PPL": 0.3, "AIRP": 0.45,
    "OCN": 1.0, "SEA": 0.9, "GULF": 0.85, "STRT": 0.7, "BAY": 0.5, "STM": 0.5, "LK": 0.5,
    "MTS": 0.6, "MT": 0.4, "ISL": 0.4, "CAPE": 0.3,
}
#: how the name met the place: "exact"; "variant" (transliteration key); "derived" (a form
#: of the name: "Gwinnett" for Gwinnett County, "Ontarians" for Ontario); "fuzzy"
MATCH_PENALTY = {"exact": 0.0, "variant": -0.5, "derived": -0.5, "fuzzy": -1.2}
CONTAINER = re.compile(r"\s*(?:,|\(|\bin\b|\bof\b)\s*(?:the\s+)?$", re.IGNORECASE)
#: ", La." / ", TX" / ", B.C." / ", P.E.I." / ", NSW" / ", Qld" after a name: a division
STATE_ABBREV = re.compile(
    r"\s*,\s*([A-Z][A-Za-z]{0,4}\.(?:[A-Z][a-z]?\.){0,2}|[A-Z]{2,3}|[A-Z][a-z]{2,3})"
    r"(?![A-Za-z])")
# Lowest winning score by how the name matched; a multi-word exact name ("Tal Afar") is
# evidence enough on its own, a one-word name needs priors or context.
MIN_SCORE = {"exact": 1.3, "exact_multiword": 0.5, "variant": 0.6, "derived": 0.6,
             "fuzzy": 1.0}
MATCH_CONFIDENCE = {"exact": 1.0, "variant": 0.8, "derived": 0.8, "fuzzy": 0.6}
PRIMARY = 0.3                             # bonus of a name that is the place's own
#: ... unless another place called by the name has OUTGROWN times its people (and at least
#: OUTGROWN_MIN): see ``_outgrown``
OUTGROWN, OUTGROWN_MIN = 20, 50_000
#: only a village's own name yields so: a town's stays its own against a city's former
#: name ("Salisbury" is not Harare, "Smyrna" not İzmir)
VILLAGE = 10_000
#: a place a source could not locate (a database point found abroad) yields to located ones
UNLOCATED = 0.6
MAX_CANDIDATES = 20                       # per mention, by prior; the tail never wins

#: a candidate: (place, matched its primary name?, match kind, name similarity in [0, 1])
Cand = tuple[Place, bool, str, float]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points in degrees (haversine)."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(slots=True)
class Item:
    """A span to resolve: its text, offsets, candidates and context marks."""

    text: str
    start: int
    end: int
    key: str
    cands: list[Cand]
    marks: set[str] = field(default_factory=set)
    scores: list[float] = field(default_factory=list)
    priors: list[float] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)       # softmax of ``scores``
    contained: list[float] = field(default_factory=list)    # container bonus per candidate
    #: per candidate, the part of its score its country's neighbours gave: it orders
    #: candidates but never makes a word a place (``decide``'s threshold leaves it out)
    beside: list[float] = field(default_factory=list)
    best: int = -1
    rule: str = ""
    #: ``context.place_facts`` of ``cands`` when known (cached with them); their place ids are
    #: distinct. Cleared whenever ``cands`` are reordered.
    facts: tuple | None = None
    #: per candidate, when known (cached with them): (exact match?, variant outside the
    #: transliteration countries?) as two tuples of bools; cleared with ``facts``
    flags: tuple | None = None


_PRIORS: dict[tuple, float] = {}           # bounded memo: places recur across texts


def prior(place: Place, primary: bool, match: str, similarity: float = 1.0) -> float:
    """Context-free score: feature type, population (log), own name, curated row, match kind
    and, for variant/fuzzy matches, how close the written name is to the place's name; an
    unlocated place (not curated) loses UNLOCATED."""
    key = (place.id, primary, match, similarity)
    value = _PRIORS.get(key)
    if value is None:
        value = _prior(place, primary, match, similarity)
        if len(_PRIORS) < 200_000:
            _PRIORS[key] = value
    return value


def _prior(place: Place, primary: bool, match: str, similarity: float) -> float:
    feat = FEATURE_PRIOR.get(place.feature_code, 0.4 if place.feature_class == "P" else 0.3)
    if place.feature_code == "PPLC" and not primary:
        feat = FEATURE_PRIOR["PPL"]
    pop = min(1.2, math.log10(place.population + 1) / 7)
    curated = 0.6 if place.id.startswith("overlay:") else 0.0
    unlocated = UNLOCATED if place.lat is None and not curated else 0.0
    return (2.0 * feat + pop + PRIMARY * primary + curated + MATCH_PENALTY[match]
            + 3.0 * (similarity - 1.0) - unlocated)


def softmax(scores: list[float], temperature: float = 0.5) -> list[float]:
    if not scores:
        return []
    m = max(scores)
    e = [math.exp((s - m) / temperature) for s in scores]
    z = sum(e)
    return [x / z for x in e]


def by_prior(cands: list[Cand], limit: int = MAX_CANDIDATES
             ) -> tuple[list[Cand], list[float]]:
    """The candidates best prior first (ties in the given order), cut to MAX_CANDIDATES, and
    their priors: what ``rank`` starts from. An Item may arrive with these already set."""
    priors = [_prior(*c) for c in cands]
    _outgrown(cands, priors)
    order = sorted(range(len(cands)), key=priors.__getitem__, reverse=True)[:limit]
    return [cands[i] for i in order], [priors[i] for i in order]       # (reverse keeps ties)


def _outgrown(cands: list[Cand], priors: list[float]) -> None:
    """A village's own name (fewer than VILLAGE people) loses its PRIMARY bonus to a town
    OUTGROWN times as large (and of at least OUTGROWN_MIN people) that is also called by it
    ("Derna": the Libyan city Darnah, not the Romanian village Derna). ``priors`` is
    changed in place."""
    alt = max((c[0].population for c in cands if not c[1] and c[0].feature_class == "P"),
              default=0)
    if alt < OUTGROWN_MIN:
        return
    for k, (place, primary, _m, _s) in enumerate(cands):
        if primary and place.feature_class == "P" and place.population < VILLAGE and \
                place.population * OUTGROWN < alt:
            priors[k] -= PRIMARY


def rank(items: list[Item], text: str, demonym_countries: Counter,
         division_abbrevs: dict[str, tuple[str, str]], rounds: int = 2,
         variant_countries: frozenset[str] = frozenset(),
         neighbours: dict[str, frozenset[str]] | None = None) -> None:
    """Score every candidate of every item in place and set ``best``: priors (``by_prior``,
    unless the item has them), then ``rounds`` rounds of context evidence
    (``context.ContextModel``), each from the previous round's shares, then one sense per
    discourse."""
    priors = []
    for it in items:
        if not it.priors:                 # not ordered by prior yet (see ``by_prior``)
            it.cands, it.priors = by_prior(it.cands)
            it.facts = it.flags = None
        priors.append(it.priors)
    model = ContextModel(items, priors, _containers(items, text, division_abbrevs, priors),
                         demonym_countries, variant_countries, neighbours)
    scores = model.prior
    if not model.ambiguous.any():
        rounds = 1                        # every share is 1 whatever the scores: one round
    for r in range(rounds):
        scores = model.scores(model.shares(scores), final=r == rounds - 1)
    # One sense per discourse: every mention of a name takes the place with the best total
    # over the name's mentions (then its own best score).
    totals = model.split(model.name_totals(scores))
    shares = model.split(model.shares(scores))
    contained = model.split(model.container_bonus)
    beside = model.split(model.beside) if model.beside.any() else [[]] * len(items)
    for it, sc, tot, sh, co, bs in zip(items, model.split(scores), totals, shares, contained,
                                       beside, strict=True):
        it.scores, it.shares, it.contained, it.beside = sc, sh, co, bs
        it.best = _first_best(tot, sc)


def _first_best(totals: list[float], scores: list[float]) -> int:
    """Index of the largest (total, score) pair, the first one on ties; -1 when empty."""
    if len(scores) <= 1:
        return len(scores) - 1
    return -max(zip(totals, scores, range(0, -len(scores), -1), strict=True))[2]


def _containers(items: list[Item], text: str, division_abbrevs: dict[str, tuple[str, str]],
                priors: list[list[float]]) -> dict:
    """For "X, Y" / "X in Y" / "X (Y)": X's id -> [(country, admin1 or None)] Y stands for."""
    out: dict[int, list] = defaultdict(list)
    for (a, _), (b, pr) in zip(zip(items, priors, strict=True),
                               zip(items[1:], priors[1:], strict=True), strict=False):
        if not pr or not CONTAINER.match(text[a.end:b.start]):
            continue
        p = b.cands[max(range(len(pr)), key=pr.__getitem__)][0]
        if p.feature_code in ("PCLI", "PCLD", "PCLS", "PCLF", "TERR"):
            out[id(a)].append((p.country_code, None))
        elif p.feature_code in ("ADM1", "ADM2") and p.admin1:
            out[id(a)].append((p.country_code, p.admin1))
    for it in items:
        m = STATE_ABBREV.match(text, it.end)
        if m:
            division = division_abbrevs.get(match_key(m.group(1)))
            if division:
                out[id(it)].append(division)
    return out


#: marks that say the text calls the span a place ("in X", "the village of X"): a one-word
#: exact name then needs no more evidence than a multi-word one
CUE_MARKS = frozenset({"cue_locative", "cue_place_word"})


def decide(it: Item, threshold: bool = True) -> tuple[Candidate | None, float, str]:
    """The winning candidate (or None), its confidence in [0, 1] and the deciding rule.
    ``threshold=False`` (spans the caller says are toponyms) skips the lowest-score rule."""
    if it.best < 0:
        return None, 0.0, "no_candidates"
    place, _prim, match, _sim = it.cands[it.best]
    best = it.scores[it.best]
    conf = (it.shares or softmax(it.scores))[it.best]
    conf *= MATCH_CONFIDENCE[match]
    kind = "exact_multiword" if match == "exact" and (" " in it.key or it.marks & CUE_MARKS) \
        else match
    if threshold and best - (it.beside[it.best] if it.beside else 0.0) < MIN_SCORE[kind]:
        return None, conf, "no_match:below_threshold"
    rule = it.rule or ("only_candidate" if len(it.cands) == 1
                       else "context" if _context_won(it) else "prior")
    if match != "exact":
        rule += f"+{match}"
    return Candidate(place, match, round(best, 3)), conf, rule


def _context_won(it: Item) -> bool:
    return it.priors.index(max(it.priors)) != it.best        # the first best prior
