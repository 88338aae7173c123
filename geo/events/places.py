"""Where an event happened: the place among a sentence's place mentions, or one it refers to.

Places named after the trigger as its aim ("in their bid to seize X", "in order to", "to
prevent") come last; then the locative place wins ("in", "at", "near", "the village of X"),
then towns before regions before countries, located before unlocated, the nearest to the
trigger. Left out: places inside an actor's name ("US jets"), national adjectives
("Iranian-backed") unless they name a side, border or territory ("the Syrian border"), where a
movement started ("a rapid advance from the area around Tal Afar, west of Mosul"), and a
country or national capital that the sentence names as an actor's sponsor or origin
("pro-Iranian militias … would give Tehran an advantage", "backed by Tehran", "Iraq's
militias") unless it is named as a place ("in Tehran"). Relative locations ("west of Mosul",
"75 km north-west of Tanf", "50 km from Mosul") become an approximate point with an
uncertainty radius, and so do curated overlay points derived from nearby places (their
``uncertainty_km`` column); a country or province named with a border is an approximate
border location; "the X and Y villages" give one event per place. With no place named,
"inside the city" takes the last place told and a bare "the border" the last border named
(``geo.text.discourse``). Coordinates (lat, lon) degrees, distances km.
"""

from __future__ import annotations

import re
from functools import lru_cache

from shapely.ops import nearest_points

from gazetteer.precision import Precision
from gazetteer.sources.natural_earth import countries
from geo.events.model import copy_event
from geo.geodesy import destination, km

# "in X", "near the town of X"; "of X" only after a place word, a direction, a distance or
# "control" ("the village of X", "south of X", "took control of X"): "members of the Beja
# community" names people, not a place
LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|inside|into|around|on)\s+(?:the\s+)?"
                      r"(?:[\w-]+\s+){0,3}|\b(?:village|town|city|district|province|"
                      r"governorate|region|area|outskirts|suburbs?|edge|cent(?:re|er)|heart|"
                      r"county|territory|camp|neighbou?rhood|commune|municipality|locality|"
                      r"parts?|control|km|kilomet(?:re|er)s?|miles?|(?:north|south)(?:[- ]?"
                      r"(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?)\s+of\s+(?:the\s+)?)$",
                      re.IGNORECASE)
_DISTANCE = (r"(?P<km>\d+(?:\.\d+)?)\s*(?P<unit>km|kilomet(?:re|er)s?|miles?)\s+"
             r"(?:\([^()]{0,20}\)\s+)?")
RELATIVE = re.compile(
    rf"(?:{_DISTANCE})?(?P<dir>north(?:-|\s)?(?:east|west)|south(?:-|\s)?(?:east|west)|"
    r"north|south|east|west)(?:ern)?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
# "50 km from Mosul", "30 miles outside Raqqa": somewhere about that far from the place, in no
# stated direction: the place's point with the distance as the uncertainty radius.
DISTANCE_FROM = re.compile(
    rf"{_DISTANCE}(?:away\s+)?(?:from|outside(?:\s+of)?)\s+(?:the\s+)?"
    r"(?:(?:town|city|village|base|camp)\s+of\s+)?$", re.IGNORECASE)
KM_PER_MILE = 1.609344
BEARINGS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180,
            "southwest": 225, "west": 270, "northwest": 315}
BORDER = re.compile(r"\bborders?\b|\bfrontier\b", re.IGNORECASE)
DEMONYM_PLACE = re.compile(r"^\s+(?:side|border|borders|frontier|territory|territories|desert|"
                           r"soil|capital|coast|countryside|province|provinces)\b", re.IGNORECASE)
# "X village", "the X and Y villages", "Qamishli city": named as a place, like a locative.
FEATURE_AFTER = re.compile(r"^(?:\s+and\s+[\w’'-]+(?:\s+[\w’'-]+){0,3}?)?\s+(?:village|town|"
                           r"city|district|province|governorate|camp|area|region|border "
                           r"crossing|crossing|base|airport|dam|junction)s?\b", re.IGNORECASE)
COORDINATED = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s+)$", re.IGNORECASE)
ORIGIN_END = re.compile(r"[;—–]|\b(?:to|towards?|into|and then|before|reaching)\b",
                        re.IGNORECASE)
APPOSITIVE_FROM = re.compile(r",\s*(?:who\s+(?:are|is)\s+)?(?:originally\s+)?from\s[^,;]*,",
                             re.IGNORECASE)
# A country or capital named as an actor's sponsor ("pro-Iranian militias", "Iran-backed",
# "backed by Tehran") or origin ("Iraq's militias"): the state, not a place of the event.
SPONSOR_AFTER = re.compile(r"^\s*[-‐–]\s*(?:backed|supported|sponsored|aligned|allied|affiliated|"
                           r"led|funded|armed|trained|controlled|linked)\b", re.IGNORECASE)
SPONSOR_BEFORE = re.compile(r"(?:\bpro\s*[-‐–]\s*|\b(?:backed|supported|sponsored|funded|armed|"
                            r"trained|aided|directed|controlled)\s+by\s+(?:the\s+)?)$",
                            re.IGNORECASE)
POSSESSIVE = re.compile(r"^[’']s\s+")
APPROX_RADIUS_KM = 50.0        # "west of Mosul": a radius, not a point
BORDER_PRECISION = Precision(3, 5)     # UCDP: a linear feature (a border)
RELATIVE_PRECISION = Precision(2, 2)   # ACLED: near a known point; UCDP: within ~25 km


def locate(ev, mentions: list, sent, trigger_at: int, span: str, vocab, ctx) -> list:
    """Set ``ev``'s location from ``mentions`` (gazetteer mentions of its part of the
    sentence, not inside actor names) or from what the article told before. Returns the
    events of a multi-place event (``ev`` first, then one copy per further place) or []."""
    cands = _candidates(mentions, sent, vocab)
    if not cands:
        _refer_back(ev, sent, span, vocab, ctx)
        return []
    text, s = sent.text, sent.start

    # places of an aim after the trigger ("in their bid to seize X") are not where it is
    aim = ctx.vocab.hypothetical.search(text, trigger_at + 1) if trigger_at < len(text) else None
    aim_from = aim.start() if aim else len(text) + 1

    def rank(m) -> tuple:
        return (m.start - s >= aim_from, not _placed(m, text, s), _level(m.place),
                not m.place.located, abs(m.start - s - trigger_at))

    best = min(cands, key=rank)
    places = [best] if ev.modality in ("planned", "statement") else \
        sorted([best, *_coordinated(best, cands, text, s)], key=lambda m: m.start)
    out = [ev]
    out += [copy_event(ev, event_id=f"{ev.event_id}p{j}") for j in range(1, len(places))]
    for e, m in zip(out, places, strict=True):
        _set_place(e, m, text, s)
        if BORDER.search(text) and m.place.feature_code.startswith("PCL"):
            others = [x.place.country_code for x in mentions
                      if x.place.feature_code.startswith("PCL") and x is not m]
            _on_border(e, m.place, others, ctx)
    return out


def _candidates(mentions: list, sent, vocab) -> list:
    text, s = sent.text, sent.start
    origins = []
    tail = re.compile(rf"(?:{vocab.origin.pattern})", re.IGNORECASE)
    for m in tail.finditer(text):
        end = ORIGIN_END.search(text, m.end())
        origins.append((m.end(), end.start() if end else len(text)))
    # ", from the town of Tarhouna," after an actor: where the actor comes from
    origins += [(m.start(), m.end()) for m in APPOSITIVE_FROM.finditer(text)]
    states = _sponsor_states(sent)
    out = []
    for m in mentions:
        rel = m.start - s
        if m.place is None and m.rule == "street":
            continue            # a street: no point of its own; the town it is in places it
        if m.rule == "demonym" and not DEMONYM_PLACE.match(text[m.end - s:m.end - s + 20]):
            continue
        if any(a <= rel < b for a, b in origins):
            continue
        if _is_state(m.place) and m.place.country_code in states and not _placed(m, text, s):
            continue            # "would give Tehran an advantage": the sponsor, not a place
        out.append(m)
    return out


def _is_state(place) -> bool:
    """A country or a national capital (what a text names to mean a state)."""
    return place.feature_code.startswith("PCL") or place.feature_code == "PPLC"


def _placed(m, text: str, s: int) -> bool:
    """Named as a place: after a locative word or before a feature word."""
    return bool(LOCATIVE.search(text[max(0, m.start - s - 40):m.start - s])
                or FEATURE_AFTER.match(text[m.end - s:m.end - s + 60]))


def _sponsor_states(sent) -> set[str]:
    """Country codes the sentence names as an actor's sponsor ("pro-Iranian militias",
    "Iran-backed", "backed by Tehran") or origin ("Iraq's militias"), through any mention of
    the country, its demonym or its capital (also inside actor names)."""
    text, s = sent.text, sent.start
    out = set()
    for m in sent.places:
        if m.place is None or not _is_state(m.place):
            continue
        before = text[max(0, m.start - s - 30):m.start - s]
        after = text[m.end - s:m.end - s + 30]
        pos = POSSESSIVE.match(after)
        owner = pos is not None and any(a.start == m.end + pos.end() for a in sent.actors)
        if owner or SPONSOR_AFTER.match(after) or SPONSOR_BEFORE.search(before):
            out.add(m.place.country_code)
    return out


def _level(place) -> int:
    code = place.feature_code
    if code.startswith("PPL") or place.feature_class in ("S", "R"):
        return 0
    return 1 if code in ("ADM2", "ADM3", "ADM1", "RGN", "DSRT", "AREA") else 2


def _set_place(ev, m, text: str, s: int) -> None:
    place = m.place
    ev.place, ev.location_text, ev.precision = place, m.text, place.precision
    ev.lat, ev.lon = place.lat, place.lon
    ev.approximate, ev.uncertainty_km = False, None
    before = text[max(0, m.start - s - 60):m.start - s]
    relative = RELATIVE.search(before)
    away = None if relative else DISTANCE_FROM.search(before)
    if relative and place.located:
        bearing = BEARINGS[re.sub(r"[\s-]", "", relative.group("dir").lower())]
        if relative.group("km"):
            dist = _km(relative)
            lat, lon = destination(place.lat, place.lon, dist, bearing)
            ev.lat, ev.lon = round(lat, 5), round(lon, 5)
            ev.uncertainty_km = round(5 + 0.25 * dist, 1)
        else:
            ev.uncertainty_km = APPROX_RADIUS_KM
        ev.approximate = True
        ev.precision = RELATIVE_PRECISION
    elif away and place.located:
        ev.approximate, ev.precision = True, RELATIVE_PRECISION
        ev.uncertainty_km = round(max(_km(away), 1.0), 1)
    elif place.feature_code == "ADM1" and BORDER.search(text):
        ev.approximate = place.located      # a border region: the point is a label
        ev.precision = BORDER_PRECISION
    elif (radius := _overlay_uncertainty(place)) is not None:
        ev.approximate, ev.uncertainty_km = True, radius    # a derived point (see its source)


def _km(m: re.Match) -> float:
    """The distance of a ``_DISTANCE`` match in km."""
    value = float(m.group("km"))
    return value * KM_PER_MILE if m.group("unit").lower().startswith("mile") else value


def _overlay_uncertainty(place) -> float | None:
    """The uncertainty radius (km) a curated overlay row gives its point (a derived,
    approximate point, column ``uncertainty_km``), else None."""
    if not place.id.startswith("overlay:") or not place.located:
        return None
    try:
        value = float(place.raw_record().get("uncertainty_km") or "nan")
    except (TypeError, ValueError):
        return None
    return value if value == value and value > 0 else None


def _on_border(ev, place, others: list[str], ctx) -> None:
    """A country named with a border: the event is on that country's border with the other
    country the sentence names, else with the neighbour the article names most; the point
    is the middle of their shared border, the radius reaches its ends. With no such
    neighbour the country's point stays, marked approximate."""
    ev.approximate, ev.precision = place.located, BORDER_PRECISION
    cc = place.country_code
    for other in [*others, *ctx.countries()]:
        if other and other != cc and (point := border_point(cc, other)) is not None:
            ev.lat, ev.lon, ev.uncertainty_km = point
            ev.approximate = True
            ev.location_text = f"{ev.location_text} ({cc}-{other} border)"
            return


def _coordinated(best, cands: list, text: str, s: int) -> list:
    """Further places listed with ``best`` ("the Wadi al-Midar and Taru villages")."""
    level = _level(best.place)
    chain, out = [best], []
    for m in sorted(cands, key=lambda m: m.start):
        if m in chain or _level(m.place) != level or m.place.id == best.place.id:
            continue
        for c in chain:
            lo, hi = (c, m) if c.start < m.start else (m, c)
            if COORDINATED.match(text[lo.end - s:hi.start - s]):
                chain.append(m)
                out.append(m)
                break
    return out


def _refer_back(ev, sent, span: str, vocab, ctx) -> None:
    """No place named: "inside the city" or a bare "the border" refers back."""
    m = vocab.place_anaphor.search(span)
    if m and (prev := ctx.place(sent.index, m.group("kind").lower())) is not None:
        place, lat, lon, precision, approximate, uncertainty = prev
        ev.place, ev.location_text, ev.lat, ev.lon = place, m.group(0), lat, lon
        ev.precision, ev.approximate, ev.uncertainty_km = precision, approximate, uncertainty
        return
    b = vocab.border.search(span)
    if b and ctx.border is not None:
        place = ctx.border
        ev.place, ev.location_text, ev.lat, ev.lon = place, b.group(0), place.lat, place.lon
        _on_border(ev, place, [], ctx)


@lru_cache(maxsize=1)
def country_shapes() -> dict:
    """ISO alpha-2 -> Natural Earth country polygon (lon, lat); empty if unavailable."""
    try:
        frame = countries()
    except Exception:       # noqa: BLE001 - borders are a refinement, never a failure
        return {}
    return {row.iso2: row.geometry for row in frame.itertuples() if row.geometry is not None}


@lru_cache(maxsize=512)
def border_point(cc_a: str, cc_b: str) -> tuple[float, float, float] | None:
    """(lat, lon, radius km) of the middle of the border two countries share, the radius
    reaching its farthest point; None when they share none."""
    shapes = country_shapes()
    a, b = shapes.get(cc_a), shapes.get(cc_b)
    if a is None or b is None:
        return None
    shared = a.buffer(0.02).intersection(b.boundary)
    if shared.is_empty or shared.length < 0.05:
        return None
    mid = nearest_points(shared, shared.centroid)[0]
    coords = [c for part in getattr(shared, "geoms", [shared])
              for c in getattr(part, "coords", [])]
    radius = max((km((mid.y, mid.x), (y, x)) for x, y in coords), default=0.0)
    return round(mid.y, 5), round(mid.x, 5), round(max(radius, 10.0), 1)
