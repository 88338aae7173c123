"""Context evidence for ranking, over every candidate of a text at once (numpy).

The candidates of all mentions are laid end to end in flat arrays (mention by mention, each
mention's candidates contiguous). One round of evidence turns the current scores into shares
(a softmax within each mention) and gives every candidate a bonus for what the *other* names
of the text say about it:

* focus countries: the share-weighted count of the other names' candidates in its country
  (countries and first-order divisions count double; demonyms count once each), over the total;
* neighbouring countries: W_NEIGHBOUR × the share-weighted count of the other names'
  candidates in the countries that share a land border with its country, over the same total
  ("rockets fired from Gaza into Israel": the Gaza next to Israel);
* first-order division: the share-weighted count of the other names' candidates in its
  (country, admin1), at most 1;
* nearness: the max over the other names' points of share × closeness (1 within 25 km, 0.7
  within 100 km, 0.4 within 300 km, 0.15 within 800 km; geodesic haversine km);
* containment ("X, Y", "X in Y"): a fixed bonus per container the candidate lies in.

"Other names": all mentions of one name are one owner and never support themselves.
Coordinates are (lat, lon) degrees, as in ``Place``.
"""

from __future__ import annotations

from collections import Counter
from itertools import accumulate

import numpy as np

EARTH_KM = 6371.0088
CLOSE_KM = np.array([25.0, 100.0, 300.0, 800.0])
CLOSENESS = np.array([1.0, 0.7, 0.4, 0.15, 0.0])
MAJOR_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "TERR", "CONT", "ADM1", "PPLC"})
# Context weights: focus-country share, same first-order division, nearness, containment.
W_COUNTRY, W_ADMIN, W_NEAR, W_CONTAINER = 1.2, 1.0, 1.5, 2.5
W_NEIGHBOUR = 0.5
#: a variant or fuzzy candidate outside the transliteration countries (``variant_countries``)
#: loses this much unless the other names put at least FOCUS_SHARE of their weight in its
#: country: a spelling variant never carries a name to another region on its own
GATE_PENALTY, FOCUS_SHARE = 1.5, 0.3
# Shares below this lend nothing. Every candidate with at least this share lends its point
# (weighted by its share), so two ambiguous names that fit together ("Paris and Henry County",
# Tennessee) reinforce each other; long texts keep the MAX_POINTS most certain points.
MIN_SHARE, MAX_POINTS = 0.05, 200
TEMPERATURE = 0.5
#: span marks (``gazetteer.find``) of mentions that lend no context to the others
NO_CONTEXT_MARKS = frozenset({"facility", "abroad", "common_word"})
_ROWS_PER_BLOCK = 4096          # nearness is computed in blocks of candidates (bounded memory)
#: latitude difference (radians) beyond which two points are surely further apart than the last
#: closeness band (great-circle distance ≥ EARTH_KM × latitude difference), with a margin
FAR_RAD = CLOSE_KM[-1] / EARTH_KM * (1 + 1e-9)


_PLACE_FACTS: dict[str, tuple] = {}      # place id -> static facts (bounded memo)


def place_facts(place) -> tuple:
    """(country, admin1, evidence weight, lends admin?, lends point?, lat, lon) of a place;
    lat/lon in degrees, NaN when unlocated."""
    facts = _PLACE_FACTS.get(place.id)
    if facts is None:
        located = place.lat is not None and place.lon is not None
        code = place.feature_code
        facts = (place.country_code, place.admin1, 2.0 if code in MAJOR_CODES else 1.0,
                 bool(place.admin1) and code not in ("PCLI", "CONT"),
                 located and code not in ("PCLI", "CONT", "RGN"),
                 place.lat if located else np.nan, place.lon if located else np.nan)
        if len(_PLACE_FACTS) < 200_000:
            _PLACE_FACTS[place.id] = facts
    return facts


def candidate_flags(cands, variant_countries: frozenset[str]) -> tuple:
    """(exact match?, a variant or fuzzy match outside ``variant_countries``?) per candidate:
    the first lends context, the second is gated (``GATE_PENALTY``)."""
    return (tuple(c[2] == "exact" for c in cands),
            tuple(c[2] in ("variant", "fuzzy") and c[0].country_code not in variant_countries
                  for c in cands))


class ContextModel:
    """Flat arrays over the candidates of ``items`` (``rank.Item``, candidates already cut and
    ordered by prior), with ``priors`` aligned to them and ``containers`` mapping id(item) to
    the (country, admin1 or None) pairs the text says contain it.

    Two levels: *candidates* (one per mention and place; shares and evidence live here) and
    *rows* (one per name and place: every mention of a name gets the same context bonus, so it
    is computed once per row)."""

    def __init__(self, items, priors: list[list[float]], containers: dict,
                 demonym_countries: Counter, variant_countries: frozenset[str] = frozenset(),
                 neighbours: dict[str, frozenset[str]] | None = None) -> None:
        owners: dict[str, int] = {}
        facts: list[tuple] = []
        row_owner: list[int] = []
        cand_row: list[int] = []
        contained: list[int] = []
        exact: list[bool] = []           # per candidate: an exact name that lends context
        gated: list[bool] = []           # per candidate: a variant outside variant_countries
        ambiguous_rows: list[int] = []
        first_seen: dict[int, tuple[list, list[int]]] = {}  # owner -> its first cands, rows
        known: dict[int, dict[str, int]] = {}     # owner -> place id -> row, when needed
        self.sizes = [len(p) for p in priors]
        sizes = [size for size in self.sizes if size]
        for it, prs in zip(items, priors, strict=True):
            if not prs:
                continue
            cands = it.cands
            owner = owners.setdefault(it.key, len(owners))
            seen = first_seen.get(owner)
            if seen is not None and seen[0] == cands:   # the name again, the same places
                item_rows = seen[1]
            elif seen is None and (it.facts is not None or
                                   len({c[0].id for c in cands}) == len(cands)):
                # a new name with distinct places (the usual case): one new row each
                item_rows = list(range(len(facts), len(facts) + len(cands)))
                facts += it.facts if it.facts is not None else \
                    [place_facts(c[0]) for c in cands]
                row_owner += [owner] * len(cands)
                first_seen[owner] = (cands, item_rows)
            else:
                rows = known.get(owner)
                if rows is None:
                    rows = known[owner] = {} if seen is None else \
                        {c[0].id: r for c, r in zip(seen[0], seen[1], strict=True)}
                item_rows = []
                for cand in cands:
                    r = rows.get(cand[0].id)
                    if r is None:
                        r = rows[cand[0].id] = len(facts)
                        facts.append(place_facts(cand[0]))
                        row_owner.append(owner)
                    item_rows.append(r)
                if seen is None:
                    first_seen[owner] = (cands, item_rows)
            cand_row += item_rows
            # "al-Nasr prison" names no place; "the Iranian consulate" is Iran abroad
            lends = not (NO_CONTEXT_MARKS & it.marks)
            flags = it.flags or candidate_flags(cands, variant_countries)
            exact += flags[0] if lends else (False,) * len(cands)
            gated += flags[1]
            if len(prs) > 1:
                ambiguous_rows += item_rows
            boxes = containers.get(id(it))
            contained += [sum(c[0].country_code == bc and (ba is None or c[0].admin1 == ba)
                              for bc, ba in boxes) for c in cands] if boxes else [0] * len(cands)
        self.n, self.n_rows = len(cand_row), len(facts)
        self.beside = np.zeros(self.n)           # set by ``scores``: see ``rank.Item.beside``
        self.prior = np.array([p for prs in priors for p in prs], dtype=float)
        self.group = np.repeat(np.arange(len(sizes)), sizes)
        self.row = np.array(cand_row, dtype=int)
        self.container_bonus = W_CONTAINER * np.array(contained, dtype=float)
        self.exact = np.array(exact, dtype=bool)
        self.gated = np.array(gated, dtype=bool)
        self.starts = np.array([0, *accumulate(sizes[:-1])], dtype=int) if sizes \
            else np.zeros(0, int)
        self._rows(facts, row_owner, len(owners), demonym_countries, neighbours or {})
        self.ambiguous = np.zeros(self.n_rows, bool)
        self.ambiguous[ambiguous_rows] = True

    def _rows(self, facts: list[tuple], row_owner: list[int], n_owners: int,
              demonym_countries: Counter, neighbours: dict[str, frozenset[str]]) -> None:
        """The per-row arrays, and their values per candidate (``cand_*``)."""
        cc, a1, weight, lends_admin, point, lat, lon = zip(*facts, strict=True) if facts \
            else ((),) * 7
        countries: dict[str, int] = {}          # dense codes in order of first use
        admins: dict[tuple[str, str], int] = {}
        country = [countries.setdefault(c, len(countries)) for c in cc]
        admin = [admins.setdefault(ca, len(admins)) for ca in zip(cc, a1, strict=True)]
        # (owner, country) and (owner, admin) pairs, so a name never supports itself
        cpairs: dict[tuple[int, int], int] = {}
        apairs: dict[tuple[int, int], int] = {}
        cpair = [cpairs.setdefault(k, len(cpairs)) for k in zip(row_owner, country, strict=True)]
        apair = [apairs.setdefault(k, len(apairs)) for k in zip(row_owner, admin, strict=True)]
        self.owner = np.array(row_owner, dtype=int)
        self.country, self.admin = np.array(country, dtype=int), np.array(admin, dtype=int)
        self.cpair, self.apair = np.array(cpair, dtype=int), np.array(apair, dtype=int)
        self.has_cc = np.array([bool(c) for c in cc], dtype=bool)
        self.has_admin = np.array([bool(a) for a in a1], dtype=bool)
        self.weight = np.array(weight, dtype=float)
        self.lends_admin, self.point = np.array(lends_admin, bool), np.array(point, bool)
        self.lat = np.radians(np.array(lat, dtype=float))      # radians, NaN when unlocated
        self.lon = np.radians(np.array(lon, dtype=float))
        self.located = ~np.isnan(self.lat)
        self.cos_lat = np.cos(self.lat)
        self.n_owners, self.n_admins = n_owners, len(admins)
        for c in demonym_countries:
            countries.setdefault(c, len(countries))
        self.n_countries = len(countries)
        self.demonyms = np.zeros(self.n_countries)
        for c, count in demonym_countries.items():
            self.demonyms[countries[c]] += count
        # neighbouring countries among those in play (dense codes), or None when none border
        pairs = [(i, countries[o]) for c, i in countries.items()
                 for o in neighbours.get(c, ()) if o in countries]
        self.adjacent = None
        if pairs:
            self.adjacent = np.zeros((self.n_countries, self.n_countries))
            self.adjacent[tuple(np.array(pairs).T)] = 1.0
            self.cand_oc = self.owner[self.row] * self.n_countries + self.country[self.row]
        row = self.row                          # per candidate, gathered once
        self.cand_point, self.cand_weight = self.point[row], self.weight[row]
        self.cand_owner, self.cand_country = self.owner[row], self.country[row]
        self.cand_cpair, self.cand_apair = self.cpair[row], self.apair[row]
        self.cand_admin, self.cand_lends_admin = self.admin[row], self.lends_admin[row]

    # -- one round ---------------------------------------------------------------------------

    def shares(self, scores: np.ndarray) -> np.ndarray:
        """Softmax (temperature 0.5) of ``scores`` within each mention."""
        if not self.n:
            return scores
        top = np.maximum.reduceat(scores, self.starts)[self.group]
        e = np.exp((scores - top) / TEMPERATURE)
        return e / np.add.reduceat(e, self.starts)[self.group]

    def scores(self, shares: np.ndarray, final: bool = True) -> np.ndarray:
        """Priors plus the context bonuses given the current ``shares``. A non-final round
        scores only the candidates of ambiguous mentions (a lone candidate's share is 1)."""
        if not self.n:
            return self.prior.copy()
        w = shares
        lends = (w >= MIN_SHARE) & self.exact     # variants and fuzzy matches lend nothing
        country = self._country_bonus(w, lends)
        bonus = (country + self._admin_bonus(w, lends)
                 + W_NEAR * self._nearness(w, lends, None if final else self.ambiguous))
        scores = self.prior + self.container_bonus + bonus[self.row]
        self.beside = self._beside[self.row]     # the part of it the neighbours gave
        if self.gated.any():
            unfocused = country[self.row] < W_COUNTRY * FOCUS_SHARE
            scores = scores - GATE_PENALTY * (self.gated & unfocused)
        return scores

    def _country_bonus(self, shares: np.ndarray, lends: np.ndarray) -> np.ndarray:
        """Per row: W_COUNTRY × the other names' weight in the row's country / their total."""
        w = np.where(lends, shares * self.cand_weight, 0.0)
        total = np.bincount(self.cand_country, w, minlength=self.n_countries) + self.demonyms
        mine = np.bincount(self.cand_cpair, w, minlength=self.n_rows)[self.cpair]
        mine_sum = np.bincount(self.cand_owner, w, minlength=self.n_owners)[self.owner]
        rest = np.maximum(1.0, (float(total.sum()) or 1.0) - mine_sum)
        others = np.maximum(0.0, total[self.country] - mine)
        bonus = W_COUNTRY * others
        self._beside = np.zeros(self.n_rows)
        if self.adjacent is not None:
            # the weight next door, less the name's own there (a name never supports itself)
            own = np.bincount(self.cand_oc, w, minlength=self.n_owners * self.n_countries
                              ).reshape(self.n_owners, self.n_countries)
            beside = (self.adjacent @ total)[self.country] - \
                (own @ self.adjacent)[self.owner, self.country]
            self._beside = np.where(self.has_cc, W_NEIGHBOUR * np.maximum(0.0, beside) / rest,
                                    0.0)
        return np.where(self.has_cc, bonus / rest, 0.0) + self._beside

    def _admin_bonus(self, shares: np.ndarray, lends: np.ndarray) -> np.ndarray:
        """Per row: W_ADMIN × the other names' weight in the row's division, at most 1."""
        w = np.where(lends & self.cand_lends_admin, shares, 0.0)
        total = np.bincount(self.cand_admin, w, minlength=self.n_admins)[self.admin]
        mine = np.bincount(self.cand_apair, w, minlength=self.n_rows)[self.apair]
        capped = np.minimum(np.maximum(total - mine, 0.0), 1.0)     # np.clip, without its overhead
        return np.where(self.has_admin, W_ADMIN * capped, 0.0)

    def _nearness(self, shares: np.ndarray, lends: np.ndarray,
                  only: np.ndarray | None) -> np.ndarray:
        """Per row: max over the other names' points of share × closeness.

        Exact shortcuts: a row (name and place) lends its point once, with its best share
        (closeness × share grows with the share); pairs further apart in latitude alone than
        the last closeness band (``FAR_RAD``) or of one name get closeness 0 without a
        haversine."""
        out = np.zeros(self.n_rows)
        rows = (self.located if only is None else self.located & only).nonzero()[0]
        pts = (lends & self.cand_point).nonzero()[0]               # candidate indices
        if not len(pts) or not len(rows):
            return out
        if len(pts) > MAX_POINTS:             # long texts: the most certain places suffice
            pts = pts[np.argsort(-shares[pts], kind="stable")[:MAX_POINTS]]
        best = np.zeros(self.n_rows)
        np.maximum.at(best, self.row[pts], shares[pts])
        lender = best.nonzero()[0]             # rows lending a point (shares ≥ MIN_SHARE > 0)
        lat, lon, cos_lat = self.lat[lender], self.lon[lender], self.cos_lat[lender]
        weight, other_owner = best[lender], self.owner[lender]
        for b in range(0, len(rows), _ROWS_PER_BLOCK):
            block = rows[b:b + _ROWS_PER_BLOCK]
            dlat = lat[None, :] - self.lat[block][:, None]
            ri, pi = ((np.abs(dlat) <= FAR_RAD)
                      & (self.owner[block][:, None] != other_owner[None, :])).nonzero()
            if not len(ri):
                continue
            mine = block[ri]
            h = np.sin(dlat[ri, pi] / 2) ** 2 + \
                self.cos_lat[mine] * cos_lat[pi] * np.sin((lon[pi] - self.lon[mine]) / 2) ** 2
            d = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(np.maximum(h, 0.0), 1.0)))      # km
            close = CLOSENESS[np.searchsorted(CLOSE_KM, d, side="right")] * weight[pi]
            np.maximum.at(out, mine, close)
        return out

    def name_totals(self, scores: np.ndarray) -> np.ndarray:
        """Per candidate: the sum of ``scores`` over every mention of its name with its place."""
        if not self.n:
            return scores
        return np.bincount(self.row, scores, minlength=self.n_rows)[self.row]

    def split(self, values: np.ndarray) -> list[list[float]]:
        """Per-mention lists (empty for mentions without candidates)."""
        flat = values.tolist()
        out, i = [], 0
        for size in self.sizes:
            out.append(flat[i:i + size])
            i += size
        return out
