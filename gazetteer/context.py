"""Context evidence for ranking, over every candidate of a text at once (numpy).

The candidates of all mentions are laid end to end in flat arrays (mention by mention, each
mention's candidates contiguous). One round of evidence turns the current scores into shares
(a softmax within each mention) and gives every candidate a bonus for what the *other* names
of the text say about it:

* focus countries: the share-weighted count of the other names' candidates in its country
  (countries and first-order divisions count double; demonyms count once each), over the total;
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

import numpy as np

EARTH_KM = 6371.0088
CLOSE_KM = np.array([25.0, 100.0, 300.0, 800.0])
CLOSENESS = np.array([1.0, 0.7, 0.4, 0.15, 0.0])
MAJOR_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "TERR", "CONT", "ADM1", "PPLC"})
# Context weights: focus-country share, same first-order division, nearness, containment.
W_COUNTRY, W_ADMIN, W_NEAR, W_CONTAINER = 1.2, 1.0, 1.5, 2.5
# Shares below this lend nothing. Every candidate with at least this share lends its point
# (weighted by its share), so two ambiguous names that fit together ("Paris and Henry County",
# Tennessee) reinforce each other; long texts keep the MAX_POINTS most certain points.
MIN_SHARE, MAX_POINTS = 0.05, 200
TEMPERATURE = 0.5
_ROWS_PER_BLOCK = 4096          # nearness is computed in blocks of candidates (bounded memory)


class _Codes:
    """Dense integer codes for hashable values, in order of first use."""

    def __init__(self) -> None:
        self.ids: dict = {}

    def __call__(self, value) -> int:
        return self.ids.setdefault(value, len(self.ids))

    def __len__(self) -> int:
        return len(self.ids)


_PLACE_FACTS: dict[str, tuple] = {}      # place id -> static facts (bounded memo)


def _facts(place) -> tuple:
    """(country, admin1, evidence weight, lends admin?, lends point?, lat, lon) of a place;
    lat/lon NaN when unlocated."""
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


class ContextModel:
    """Flat arrays over the candidates of ``items`` (``rank.Item``, candidates already cut and
    ordered by prior), with ``priors`` aligned to them and ``containers`` mapping id(item) to
    the (country, admin1 or None) pairs the text says contain it.

    Two levels: *candidates* (one per mention and place; shares and evidence live here) and
    *rows* (one per name and place: every mention of a name gets the same context bonus, so it
    is computed once per row)."""

    def __init__(self, items, priors: list[list[float]], containers: dict,
                 demonym_countries: Counter) -> None:
        owners, countries, admins = _Codes(), _Codes(), _Codes()
        rows: dict[tuple[int, str], int] = {}
        facts: list[tuple] = []
        row_owner: list[int] = []
        group, cand_row, contained, ambiguous_rows = [], [], [], set()
        self.sizes = [len(p) for p in priors]
        g = 0
        for it, prs in zip(items, priors, strict=True):
            if not prs:
                continue
            owner = owners(it.key)
            boxes = containers.get(id(it), ())
            for place, *_ in it.cands:
                r = rows.get((owner, place.id))
                if r is None:
                    r = rows[(owner, place.id)] = len(facts)
                    facts.append(_facts(place))
                    row_owner.append(owner)
                cand_row.append(r)
                group.append(g)
                if len(prs) > 1:
                    ambiguous_rows.add(r)
                contained.append(sum(place.country_code == bc and
                                     (ba is None or place.admin1 == ba) for bc, ba in boxes)
                                 if boxes else 0)
            g += 1
        self.n, self.n_rows = len(group), len(facts)
        self.prior = np.array([p for prs in priors for p in prs], dtype=float)
        self.group, self.row = np.array(group, dtype=int), np.array(cand_row, dtype=int)
        self.container_bonus = W_CONTAINER * np.array(contained, dtype=float)
        self.starts = np.flatnonzero(np.r_[True, self.group[1:] != self.group[:-1]]) \
            if self.n else np.zeros(0, int)
        # rows
        cc, a1, weight, lends_admin, point, lat, lon = (list(c) for c in zip(*facts, strict=True)) \
            if facts else ([],) * 7
        self.owner = np.array(row_owner, dtype=int)
        self.country = np.array([countries(c) for c in cc], dtype=int)
        self.admin = np.array([admins((c, a)) for c, a in zip(cc, a1, strict=True)], dtype=int)
        self.has_cc = np.array([bool(c) for c in cc], dtype=bool)
        self.has_admin = np.array([bool(a) for a in a1], dtype=bool)
        self.weight = np.array(weight, dtype=float)
        self.lends_admin, self.point = np.array(lends_admin, bool), np.array(point, bool)
        self.rad = np.radians(np.column_stack([lat, lon]).astype(float)) if facts \
            else np.zeros((0, 2))
        self.located = ~np.isnan(self.rad[:, 0])
        self.ambiguous = np.zeros(self.n_rows, bool)
        self.ambiguous[list(ambiguous_rows)] = True
        self.n_owners, self.n_admins = len(owners), len(admins)
        # (owner, country) and (owner, admin) pairs, so a name never supports itself
        _, self.cpair = np.unique(self.owner * (len(countries) + 1) + self.country,
                                  return_inverse=True)
        _, self.apair = np.unique(self.owner * (len(admins) + 1) + self.admin,
                                  return_inverse=True)
        self.cpair, self.apair = self.cpair.ravel(), self.apair.ravel()
        for c in demonym_countries:
            countries(c)
        self.n_countries = len(countries)
        self.demonyms = np.zeros(self.n_countries)
        for c, count in demonym_countries.items():
            self.demonyms[countries(c)] += count

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
        lends = w >= MIN_SHARE
        bonus = (self._country_bonus(w, lends) + self._admin_bonus(w, lends)
                 + W_NEAR * self._nearness(w, lends, None if final else self.ambiguous))
        return self.prior + self.container_bonus + bonus[self.row]

    def _country_bonus(self, shares: np.ndarray, lends: np.ndarray) -> np.ndarray:
        """Per row: W_COUNTRY × the other names' weight in the row's country / their total."""
        row = self.row
        w = np.where(lends, shares * self.weight[row], 0.0)
        total = np.bincount(self.country[row], w, minlength=self.n_countries) + self.demonyms
        mine = np.bincount(self.cpair[row], w, minlength=len(self.cpair))[self.cpair]
        mine_sum = np.bincount(self.owner[row], w, minlength=self.n_owners)[self.owner]
        rest = np.maximum(1.0, (float(total.sum()) or 1.0) - mine_sum)
        others = np.maximum(0.0, total[self.country] - mine)
        return np.where(self.has_cc, W_COUNTRY * others / rest, 0.0)

    def _admin_bonus(self, shares: np.ndarray, lends: np.ndarray) -> np.ndarray:
        """Per row: W_ADMIN × the other names' weight in the row's division, at most 1."""
        row = self.row
        w = np.where(lends & self.lends_admin[row], shares, 0.0)
        total = np.bincount(self.admin[row], w, minlength=self.n_admins)[self.admin]
        mine = np.bincount(self.apair[row], w, minlength=len(self.apair))[self.apair]
        return np.where(self.has_admin, W_ADMIN * np.clip(total - mine, 0.0, 1.0), 0.0)

    def _nearness(self, shares: np.ndarray, lends: np.ndarray,
                  only: np.ndarray | None) -> np.ndarray:
        """Per row: max over the other names' points of share × closeness."""
        out = np.zeros(self.n_rows)
        pts = np.flatnonzero(lends & self.point[self.row])        # candidate indices
        if not len(pts):
            return out
        if len(pts) > MAX_POINTS:             # long texts: the most certain places suffice
            pts = pts[np.argsort(-shares[pts], kind="stable")[:MAX_POINTS]]
        other, weight = self.rad[self.row[pts]], shares[pts]
        other_owner = self.owner[self.row[pts]]
        todo = self.located if only is None else self.located & only
        rows = np.flatnonzero(todo)
        cos_other = np.cos(other[:, 0])[None, :]
        for b in range(0, len(rows), _ROWS_PER_BLOCK):
            block = rows[b:b + _ROWS_PER_BLOCK]
            mine = self.rad[block]
            h = np.sin((other[None, :, 0] - mine[:, None, 0]) / 2) ** 2 + \
                np.cos(mine[:, None, 0]) * cos_other * \
                np.sin((other[None, :, 1] - mine[:, None, 1]) / 2) ** 2
            d = 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))      # km
            close = CLOSENESS[np.searchsorted(CLOSE_KM, d, side="right")] * weight[None, :]
            close[self.owner[block][:, None] == other_owner[None, :]] = 0.0
            out[block] = close.max(axis=1)
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
