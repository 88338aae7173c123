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

import numpy as np

from .normalize import match_key
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
CLOSE_KM = np.array([25.0, 100.0, 300.0, 800.0])
CLOSENESS = np.array([1.0, 0.7, 0.4, 0.15, 0.0])
MAX_CANDIDATES = 40                       # per mention, by prior; the tail never wins
# Context weights: focus-country share, same first-order division, nearness, containment.
W_COUNTRY, W_ADMIN, W_NEAR, W_CONTAINER = 1.2, 1.0, 1.5, 2.5
# Every candidate with at least this share lends its point (weighted by its share), so two
# ambiguous names that fit together ("Paris and Henry County", Tennessee) reinforce each other.
MIN_POINT_SHARE, MAX_POINTS = 0.05, 200

#: a candidate: (place, matched its primary name?, match kind, name similarity in [0, 1])
Cand = tuple[Place, bool, str, float]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points in degrees (haversine)."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


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
    priors: list[float] = field(default_factory=list)
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


def softmax(scores: list[float], temperature: float = 0.5) -> list[float]:
    if not scores:
        return []
    m = max(scores)
    e = [math.exp((s - m) / temperature) for s in scores]
    z = sum(e)
    return [x / z for x in e]


@dataclass
class Evidence:
    """What the other mentions say, each weighted by its candidates' shares."""

    countries: Counter
    admins: Counter
    total: float
    points: list[tuple[str, tuple[float, float], float]]   # (owner name, (lat, lon), share)
    own: dict[str, tuple[Counter, Counter]]                # by name: no self-support
    _arrays: tuple | None = None

    def nearness(self, owners: list[str], points: np.ndarray) -> np.ndarray:
        """For each (lat, lon) row of ``points`` (degrees), owned by the name ``owners[i]``:
        the max over the other names' places of share × closeness (1 within 25 km, 0.7
        within 100 km, 0.4 within 300 km, 0.15 within 800 km); geodesic (haversine) km."""
        if not self.points or not len(points):
            return np.zeros(len(points))
        if self._arrays is None:
            self._arrays = (np.array([o for o, _, _ in self.points], dtype=object),
                            np.radians([q for _, q, _ in self.points]),
                            np.array([w for _, _, w in self.points]))
        point_owners, other, weight = self._arrays
        mine = np.radians(points)[:, None, :]                    # m × 1 × 2
        dlat = other[None, :, 0] - mine[:, :, 0]
        dlon = other[None, :, 1] - mine[:, :, 1]
        h = np.sin(dlat / 2) ** 2 + np.cos(mine[:, :, 0]) * np.cos(other[None, :, 0]) * \
            np.sin(dlon / 2) ** 2
        d = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))   # m × n km
        close = CLOSENESS[np.searchsorted(CLOSE_KM, d, side="right")] * weight[None, :]
        own = np.array(owners, dtype=object)[:, None] == point_owners[None, :]
        return np.where(own, 0.0, close).max(axis=1)


def rank(items: list[Item], text: str, demonym_countries: Counter,
         us_states: dict[str, str], rounds: int = 2) -> None:
    """Score every candidate of every item in place and set ``best``."""
    priors = []
    for it in items:
        scored = sorted(((prior(*c), c) for c in it.cands), key=lambda x: -x[0])
        scored = scored[:MAX_CANDIDATES]
        it.cands = [c for _, c in scored]
        it.priors = [pr for pr, _ in scored]
        priors.append(it.priors)
    containers = _containers(items, text, us_states, priors)
    shares = [softmax(p) for p in priors]
    scores = priors
    for r in range(rounds):
        evidence = _evidence(items, shares, demonym_countries)
        final = r == rounds - 1
        # Mentions of one name share candidates and evidence: score one representative per
        # name (mentions with their own containment context are scored on their own). A lone
        # candidate's share is 1 whatever its score: score it in the last round only.
        reps: dict[tuple, int] = {}
        group = [(it.key, tuple(c[0].id for c in it.cands)) for it in items]
        todo = []
        for i, (it, prs) in enumerate(zip(items, priors, strict=True)):
            alone = id(it) in containers
            first = alone or reps.setdefault(group[i], i) == i
            todo.append(first and (final or len(prs) > 1))
        near = _nearness_all(items, todo, evidence)
        scores = [_scores(it, prs, evidence, containers, nr) if do else None
                  for it, prs, do, nr in zip(items, priors, todo, near, strict=True)]
        for i, (it, prs) in enumerate(zip(items, priors, strict=True)):
            if scores[i] is None:
                rep = scores[reps.get(group[i], i)]
                scores[i] = list(rep) if rep is not None and id(it) not in containers \
                    else prs
        shares = [softmax(sc) for sc in scores]
    for it, sc in zip(items, scores, strict=True):
        it.scores = sc
        it.best = max(range(len(sc)), key=sc.__getitem__) if sc else -1
    _one_sense_per_discourse(items)


def _evidence(items: list[Item], shares: list[list[float]], demonyms: Counter) -> Evidence:
    countries: Counter = Counter({k: float(v) for k, v in demonyms.items()})
    admins: Counter = Counter()
    points = []
    own: dict[str, tuple[Counter, Counter]] = defaultdict(lambda: (Counter(), Counter()))
    for it, sh in zip(items, shares, strict=True):
        mine_c, mine_a = own[it.key]            # every mention of a name is one owner
        for (p, _prim, _m, _sim), w in zip(it.cands, sh, strict=True):
            if w < 0.05:
                continue
            mine_c[p.country_code] += w * (2 if p.feature_code in MAJOR_CODES else 1)
            if p.admin1 and p.feature_code not in ("PCLI", "CONT"):
                mine_a[(p.country_code, p.admin1)] += w
            if w >= MIN_POINT_SHARE and p.located and \
                    p.feature_code not in ("PCLI", "CONT", "RGN"):
                points.append((it.key, p.point, w))
    for mine_c, mine_a in own.values():
        countries.update(mine_c)
        admins.update(mine_a)
    if len(points) > MAX_POINTS:              # long texts: the most certain places suffice
        points = sorted(points, key=lambda x: -x[2])[:MAX_POINTS]
    return Evidence(countries, admins, sum(countries.values()) or 1.0, points, dict(own))


def _nearness_all(items: list[Item], todo: list[bool], ev: Evidence) -> list[dict[int, float]]:
    """Nearness of every located candidate of the items to score, in one numpy call:
    {candidate index: nearness} per item."""
    out: list[dict[int, float]] = [{} for _ in items]
    if not ev.points:
        return out
    refs = [(i, k) for i, (it, do) in enumerate(zip(items, todo, strict=True)) if do
            for k, c in enumerate(it.cands) if c[0].located]
    if not refs:
        return out
    pts = np.array([items[i].cands[k][0].point for i, k in refs], dtype=float)
    owners = [items[i].key for i, _ in refs]
    for (i, k), v in zip(refs, ev.nearness(owners, pts).tolist(), strict=True):
        out[i][k] = v
    return out


def _scores(it: Item, priors: list[float], ev: Evidence, containers: dict,
            nearness: dict[int, float]) -> list[float]:
    """Priors plus context bonuses for every candidate of one item."""
    mine_c, mine_a = ev.own.get(it.key, (Counter(), Counter()))
    rest_total = max(1.0, ev.total - sum(mine_c.values()))
    out = []
    for k, pr in enumerate(priors):
        p = it.cands[k][0]
        bonus = W_NEAR * nearness.get(k, 0.0)
        if p.country_code:
            others = ev.countries.get(p.country_code, 0.0) - mine_c.get(p.country_code, 0.0)
            bonus += W_COUNTRY * max(0.0, others) / rest_total
        if p.admin1:
            admin = (p.country_code, p.admin1)
            bonus += W_ADMIN * min(1.0, max(0.0, ev.admins.get(admin, 0.0)
                                            - mine_a.get(admin, 0.0)))
        for cc, admin1 in containers.get(id(it), ()):
            if p.country_code == cc and (admin1 is None or p.admin1 == admin1):
                bonus += W_CONTAINER
        out.append(pr + bonus)
    return out


def _containers(items: list[Item], text: str, us_states: dict[str, str],
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
    conf = softmax(it.scores)[it.best]
    conf *= {"exact": 1.0, "variant": 0.8, "fuzzy": 0.6}[match]
    kind = "exact_multiword" if match == "exact" and " " in it.key else match
    if best < MIN_SCORE[kind]:
        return None, conf, "no_match:below_threshold"
    rule = it.rule or ("only_candidate" if len(it.cands) == 1
                       else "context" if _context_won(it) else "prior")
    if match != "exact":
        rule += f"+{match}"
    return Candidate(place, match, round(best, 3)), conf, rule


def _context_won(it: Item) -> bool:
    return max(range(len(it.priors)), key=it.priors.__getitem__) != it.best
