"""The same event told by several articles (or sentences) merged into one, every source kept.

Two extracted events may be the same happening when they are of the same kind (event type,
and for Strategic developments/Other the same rule family; statements and plans only with
statements and plans) and nothing contradicts it:

* dates: their windows overlap (a day of tolerance), whatever each window's precision;
* actors: actor1 (and actor2) the same actor, a parent or child, or of the same bloc;
* places: the same place, points within ``SAME_PLACE_KM`` (or the larger uncertainty
  radius), one inside the other (a town in the country or province named by the other), or a
  border location and a place within ``BORDER_KM`` of that country; a statement's place is
  what it speaks of, so only different countries contradict;
* speakers: two statements by different named people are different statements.

Missing fields contradict nothing. Among compatible pairs, the evidence that they are the same
is scored: same actor1 (2; same bloc 1), same place (2 for a town or site, 1 for a region or
country; 1 for containment), the same day told by both texts (2; overlapping short windows 1),
the same actor2 (1), the same named speaker (2; the same speaking organisation 1), similar
wording (2 or 1) and the same article (1). A pair scoring ``MERGE_SCORE`` or more is joined,
best pairs first; two groups join only when no member of one contradicts a member of the
other, so events with missing fields cannot chain unrelated events together. The merged event
takes the most precise location, the narrowest date the sources agree on, the actor most
sources name and the lowest stated fatality figure (ACLED's conservative rule), lists every
source (article and sentence) and flags where sources disagree (dates, fatalities, places,
actors). Each event is compared with at most ``CANDIDATES`` others of its kind nearest in
time, so merging stays bounded on large inputs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache

from shapely.geometry import Point
from shapely.ops import nearest_points

from geo.events.borders import country_shapes
from geo.events.model import SPEECH, Event, copy_event
from geo.geodesy import km

SAME_PLACE_KM = 25.0
BORDER_KM = 75.0
MERGE_SCORE = 4
CANDIDATES = 100
SAME_WORDING, SIMILAR_WORDING = 0.6, 0.4
TOLERANCE = timedelta(days=1)
_NEVER = date.max
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_STOP = frozenset((
    "the", "and", "that", "this", "with", "from", "have", "has", "had", "were", "was", "are",
    "for", "said", "says", "their", "they", "them", "its", "his", "her", "who", "which",
    "what", "when", "while", "after", "before", "into", "onto", "over", "also", "been",
    "being", "will", "would", "could", "about", "against", "between", "than", "then",
    "there", "these", "those", "some", "such", "other", "more", "most", "very", "just",
    "only"))


# -- pair relations ----------------------------------------------------------------------------

def event_kind(e: Event) -> tuple:
    speech = e.modality in SPEECH
    sub = "" if speech else e.sub_event_type
    family = (e.family or e.rule) if (speech or sub == "Other") else ""
    return (e.event_type, sub, "speech" if speech else "fact", "" if speech else family)


def _dates(a: Event, b: Event) -> int | None:
    """None when the windows cannot overlap, else the evidence (0-2)."""
    if not (a.first_date and b.first_date):
        return 0
    if a.first_date > b.last_date + TOLERANCE or b.first_date > a.last_date + TOLERANCE:
        return None
    if not (a.date_source.startswith("text") and b.date_source.startswith("text")):
        return 0
    if a.first_date == a.last_date == b.first_date == b.last_date:
        return 2
    short = all((e.last_date - e.first_date).days < 7 for e in (a, b))
    return 1 if short else 0


def _actor(x, y, actors_related) -> int | None:
    if x is None or y is None:
        return 0
    if x.id == y.id:
        return 2
    return 1 if actors_related(x, y) else None


def _related(x, y) -> bool:
    return x.bloc == y.bloc or x.parent == y.id or y.parent == x.id or \
        (x.parent != "" and x.parent == y.parent)


def _coarse(e: Event) -> bool:
    code = e.place.feature_code
    return code.startswith("PCL") or code in ("ADM1", "RGN", "AREA", "DSRT", "CONT")


def _inside(small: Event, big: Event) -> bool:
    """``small``'s place lies in ``big``'s country or province (or near its border)."""
    sp, bp = small.place, big.place
    if not bp.country_code or sp.country_code != bp.country_code:
        return big.approximate and bp.feature_code.startswith("PCL") and \
            _near_country(small, bp.country_code)
    return bp.feature_code.startswith("PCL") or not bp.admin1 or sp.admin1 == bp.admin1


def _near_country(e: Event, cc: str) -> bool:
    """Whether ``e``'s point lies within ``BORDER_KM`` of country ``cc`` (a border event)."""
    if e.lat is None:
        return False
    geom = country_shapes().get(cc)
    if geom is None:
        return False
    p = Point(e.lon, e.lat)
    if geom.contains(p):
        return True
    near = nearest_points(geom, p)[0]
    return km((e.lat, e.lon), (near.y, near.x)) <= BORDER_KM


def _places(a: Event, b: Event) -> int | None:
    """None when the places contradict each other, else the evidence (0-2)."""
    if a.place is None or b.place is None:
        return 0
    speech = a.modality in SPEECH or b.modality in SPEECH
    fine = not (_coarse(a) or _coarse(b) or a.approximate or b.approximate)
    if a.place.id == b.place.id:       # one country or province says little
        return 0 if speech or _coarse(a) else (2 if fine else 1)
    if a.lat is not None and b.lat is not None:
        reach = max(SAME_PLACE_KM, a.uncertainty_km or 0, b.uncertainty_km or 0)
        if km((a.lat, a.lon), (b.lat, b.lon)) <= reach:
            return 0 if speech else (2 if fine else 1)
    for small, big in ((a, b), (b, a)):
        if _coarse(big) and _inside(small, big):
            # a town in a province or near a border named by the other; a country says little
            regional = big.place.feature_code == "ADM1" or big.approximate
            return 0 if speech or not regional else 1
    if speech and a.place.country_code == b.place.country_code:
        return 0            # what two statements speak of may differ; where they agree
    return None


def _speakers(a: Event, b: Event) -> int | None:
    pa, pb = a.claimant_person, b.claimant_person
    if pa and pb:
        if _surname(pa) == _surname(pb):
            return 2
        return None if a.modality in SPEECH else 0
    if a.claimant is not None and b.claimant is not None and a.claimant.id == b.claimant.id:
        return 1
    return 0


def _surname(name: str) -> str:
    words = [w for w in re.findall(r"[\w'-]+", name.lower()) if w not in ("al", "el")]
    return words[-1].removeprefix("al-") if words else ""


@lru_cache(maxsize=4096)
def _words(sentence: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(sentence.lower()) if w not in _STOP)


def _wording(a: Event, b: Event) -> int:
    """Shared content words over the shorter sentence's (a quote retold inside a longer
    sentence still counts): 2 from ``SAME_WORDING``, 1 from ``SIMILAR_WORDING``."""
    wa, wb = _words(a.sentence), _words(b.sentence)
    if min(len(wa), len(wb)) < 5:
        return 0
    share = len(wa & wb) / min(len(wa), len(wb))
    return 2 if share >= SAME_WORDING else 1 if share >= SIMILAR_WORDING else 0


def _conflict(a: Event, b: Event) -> bool:
    return (_dates(a, b) is None or _actor(a.actor1, b.actor1, _related) is None
            or _actor(a.actor2, b.actor2, _related) is None or _places(a, b) is None
            or _speakers(a, b) is None)


def score(a: Event, b: Event) -> int | None:
    """The evidence that ``a`` and ``b`` are one happening, or None when they cannot be
    (different kinds, a contradiction, or, across articles, nothing but actors and a coarse
    place in common: no shared day, town, speaker or wording); see the module docstring."""
    if event_kind(a) != event_kind(b):
        return None
    when, a1, where, who = (_dates(a, b), _actor(a.actor1, b.actor1, _related), _places(a, b),
                            _speakers(a, b))
    a2 = _actor(a.actor2, b.actor2, _related)
    if None in (when, a1, where, who, a2):
        return None
    words = _wording(a, b)
    same_article = a.article_id == b.article_id
    if not (same_article or when or where == 2 or who or words):
        return None
    return when + a1 + where + who + (a2 == 2) + words + same_article


# -- grouping -----------------------------------------------------------------------------------

def join_pairs(events: Sequence[Event], pairs: Iterable[tuple], reps: dict[int, dict]
               ) -> Callable[[int], int]:
    """Union-find over indices of ``events``: ``pairs`` ``(-score, i, j)`` are joined best
    first (then in input order) when the two groups are ``joinable``; ``reps`` (a root's
    distinct readings, signature → index) is updated in place. Returns the root of an index."""
    parent = list(range(len(events)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(pairs):
        ri, rj = find(i), find(j)
        if ri == rj or not joinable(events, reps[ri], reps[rj]):
            continue
        parent[rj] = ri
        for sig, k in reps.pop(rj).items():
            reps[ri].setdefault(sig, k)
    return find


def merge_events(events: list[Event]) -> list[Event]:
    """Groups of the same event, each as one new event (the inputs are not changed) with
    ``sources`` (one dict per member: article, title, source, url, published, sentence,
    event_id) and, in ``disagreements``, what the members disagree on."""
    sigs = [signature(e) for e in events]
    # The same sentence with the same reading (a wire story reprinted): one node to compare.
    node_of: dict[tuple, int] = {}
    nodes: list[int] = []
    for i, e in enumerate(events):
        key = (event_kind(e), sigs[i], e.sentence)
        if key not in node_of:
            node_of[key] = i
            nodes.append(i)
    pairs = []
    blocks: dict[tuple, list[int]] = {}
    for i in nodes:
        blocks.setdefault(event_kind(events[i]), []).append(i)
    for members in blocks.values():
        members.sort(key=lambda i: (events[i].first_date or _NEVER, i))
        for n, i in enumerate(members):
            a = events[i]
            for j in members[n + 1:n + 1 + CANDIDATES]:
                b = events[j]
                if a.last_date and b.first_date and b.first_date > a.last_date + TOLERANCE:
                    break
                s = score(a, b)
                if s is not None and s >= MERGE_SCORE:
                    pairs.append((-s, i, j))
    reps = {i: {sigs[i]: i} for i in nodes}     # a group's distinct readings
    find = join_pairs(events, pairs, reps)
    groups: dict[int, list[Event]] = {}
    for i, e in enumerate(events):
        node = node_of[(event_kind(e), sigs[i], e.sentence)]
        groups.setdefault(find(node), []).append(e)
    out = [merge_group(g) for g in groups.values()]
    return sorted(out, key=lambda e: (e.first_date or e.published or _NEVER, e.event_id))


def joinable(events: list[Event], ra: dict, rb: dict) -> bool:
    """No reading of one group contradicts a reading of the other."""
    return not any(_conflict(events[i], events[j]) for i in ra.values() for j in rb.values())


def signature(e: Event) -> tuple:
    return (e.first_date, e.last_date, getattr(e.actor1, "id", None),
            getattr(e.actor2, "id", None), e.place.id if e.place else None, e.lat, e.lon,
            e.approximate, e.claimant_person, e.modality)


def _rank(e: Event) -> tuple:
    located = e.lat is not None
    prec = e.precision.acled if e.precision else 9
    return (e.place is None, not located, prec, e.approximate, e.uncertainty_km or 0.0,
            e.article_id, e.sentence_start)


def merge_group(g: list[Event]) -> Event:
    best = copy_event(min(g, key=_rank))
    best.sources = [{"article": e.article_id, "title": e.article_title,
                     "source": e.article_source, "url": e.article_url,
                     "published": e.published.isoformat() if e.published else None,
                     "sentence": e.sentence, "event_id": e.event_id}
                    for e in sorted(g, key=lambda e: (e.article_id, e.sentence_start))]
    best.disagreements = _disagreements(g)
    if len(g) == 1:
        return best
    told = [e for e in g if e.first_date and e.date_source.startswith("text")] or \
        [e for e in g if e.first_date]
    if told:
        lo = max(e.first_date for e in told)
        hi = min(e.last_date for e in told)
        narrow = min(told, key=lambda e: ((e.last_date - e.first_date).days, e.event_id))
        if lo <= hi:
            span = (hi - lo).days
            best.first_date, best.last_date = lo, hi
            best.date_precision = "day" if span == 0 else "week" if span < 7 else \
                narrow.date_precision
        else:   # the sources' dates do not overlap (within the tolerance): the narrowest
            best.first_date, best.last_date = narrow.first_date, narrow.last_date
            best.date_precision = narrow.date_precision
            if not any(n.startswith("dates:") for n in best.disagreements):
                best.disagreements.insert(0, "dates: " + ", ".join(sorted(
                    {_window(e) for e in told})))
        best.date_source = narrow.date_source
    for field_name in ("actor1", "actor2"):
        named = [getattr(e, field_name) for e in g if getattr(e, field_name) is not None]
        if named:
            top = Counter(a.id for a in named).most_common()
            keep = getattr(best, field_name)
            if keep is None or top[0][1] > sum(1 for a in named if a.id == keep.id):
                setattr(best, field_name, next(a for a in named if a.id == top[0][0]))
    deaths = [e.fatalities for e in g if e.fatalities is not None]
    best.fatalities = min(deaths) if deaths else None
    if best.claimed_by is None:
        best.claimed_by = next((e.claimed_by for e in g if e.claimed_by), None)
    return best


def _window(e: Event) -> str:
    if e.first_date == e.last_date:
        return e.first_date.isoformat()
    return f"{e.first_date.isoformat()}..{e.last_date.isoformat()}"


def _disagreements(g: list[Event]) -> list[str]:
    notes = []
    days = {e.first_date for e in g if e.date_precision == "day" and e.first_date}
    if len(days) > 1:
        notes.append("dates: " + ", ".join(sorted(d.isoformat() for d in days)))
    deaths = {e.fatalities for e in g if e.fatalities is not None}
    if len(deaths) > 1:
        notes.append("fatalities: " + ", ".join(str(n) for n in sorted(deaths)))
    places = {e.place.name for e in g if e.place is not None}
    if len(places) > 1:
        notes.append("places: " + ", ".join(sorted(places)))
    actors = {e.actor1.name for e in g if e.actor1 is not None}
    if len(actors) > 1:
        notes.append("actors: " + ", ".join(sorted(actors)))
    return notes
