"""Where an event happened: the place among a sentence's place mentions, or one it refers to.

Places named after the trigger as its aim ("in their bid to seize X", "in order to", "to
prevent") come last; then places of the reporting clause ("officials in Kyiv said", "said in
Khartoum that", "…, a source in Ouagadougou said": ``speech_frames``) and where the actors
come from ("fighters from Tal Afar attacked …"), kept only when the event's clause names no
place; then the locative place wins ("in", "at", "near", "the village of X"),
then towns before regions before countries, located before unlocated, the nearest to the
trigger. Left out: places inside an actor's name ("US jets"), national adjectives
("Iranian-backed") unless they name a side, border or territory ("the Syrian border"), where a
movement started ("a rapid advance from the area around Tal Afar, west of Mosul"), and a
country or national capital that the sentence names as an actor's sponsor or origin
("pro-Iranian militias … would give Tehran an advantage", "backed by Tehran", "Iraq's
militias") unless it is named as a place ("in Tehran"). Relative locations ("west of Mosul":
``RELATIVE_OFFSET_KM`` to that side; "75 km north-west of Tanf"; "50 km from Mosul") become an
approximate point with an uncertainty radius, and so do curated overlay points derived from
nearby places (their ``uncertainty_km`` column); a country or province named with a border
is an approximate border location, and a place no source locates that the text puts on a
border ("the border village of X") an approximate point on that border near the article's
place closest to it; "the X and Y villages" give one event per place. With no place named,
"inside the city" takes the last place told and a bare "the border" the last border named
(``geo.text.discourse``). Coordinates (lat, lon) degrees, distances km.
"""

from __future__ import annotations

import re
from dataclasses import replace

from gazetteer.precision import Precision
from gazetteer.types import Place
from geo.events.borders import border_point, nearest_on, shared_border
from geo.events.model import copy_event
from geo.geodesy import destination

# "in X", "near the town of X"; "of X" only after a place word, a direction, a distance or
# "control" ("the village of X", "south of X", "took control of X"): "members of the Beja
# community" names people, not a place
#: an Arabic article glued to the name that follows ("near al-Sukhnah")
_GLUED_ARTICLE = r"(?:\w{1,3}-)?"
LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|inside|into|around|on)\s+(?:the\s+)?"
                      rf"(?:[\w-]+\s+){{0,3}}{_GLUED_ARTICLE}|\b(?:village|town|city|district|province|"
                      r"governorate|region|area|outskirts|suburbs?|edge|cent(?:re|er)|heart|"
                      r"county|territory|camp|neighbou?rhood|commune|municipality|locality|"
                      r"parts?|control|km|kilomet(?:re|er)s?|miles?|(?:north|south)(?:[- ]?"
                      r"(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?)\s+of\s+(?:the\s+)?"
                      rf"{_GLUED_ARTICLE})$",
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
#: from the event's trigger to a place right after it: the place is the verb's object
#: ("entered Tarhuna", "took control of the town of X", "shelled Nikopol")
OBJECT_OF_TRIGGER = re.compile(r"[\w-]+(?:\s+(?:control\s+of|over|the|a|an|town\s+of|"
                               r"city\s+of|village\s+of))*\s+", re.IGNORECASE)
BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}$", re.IGNORECASE)
BETWEEN_AND = re.compile(r"\bbetween\s+(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,3},?\s+and\s+"
                         r"(?:the\s+)?$", re.IGNORECASE)
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
TEXT_PLACE = "text:"           # id prefix of a place only the article names (``text_place``)
APPROX_RADIUS_KM = 50.0        # "west of Mosul": a radius, not a point
#: "west of Mosul" with no distance: the point is this far from Mosul on that side (the
#: place's own ground may be someone else's), the radius APPROX_RADIUS_KM around it; a
#: coder's point for such a report (the town's) stays within 25 km
RELATIVE_OFFSET_KM = 20.0
# A place no source locates, said to lie on a border: "the border village of X", "X border
# post", "X village on the Iraqi border with Syria", "X, a town near the border"
ON_BORDER_BEFORE = re.compile(r"\b(?:borders?|frontier)\s+(?:village|town|city|post|area|"
                              r"settlement|outpost|crossing|point)s?\s+(?:of\s+)?(?:the\s+)?$",
                              re.IGNORECASE)
ON_BORDER_AFTER = re.compile(
    r"^(?:\s+(?:village|town|city|area|post|settlement|outpost)s?)?\s*,?\s*"
    r"(?:(?:a|an|the)\s+(?:[\w’'-]+\s+){0,2}?(?:village|town|city|area|post|settlement|outpost)"
    r"\s+)?(?:(?:right\s+)?on|near|along|at|by|close\s+to)\s+the\s+(?:[\w’'-]+\s+){0,2}?"
    r"(?:borders?|frontier)\b", re.IGNORECASE)
#: the article's place nearest to the border says where along it a border village lies: near
#: the border point closest to it, within twice its distance from the border (the stretch of
#: border within that distance of the place), never closer than BORDER_NEAR_MIN_KM; a place
#: farther than BORDER_NEAR_MAX_KM from the border says nothing: the middle of the border then
BORDER_NEAR_MIN_KM = 25.0
BORDER_NEAR_MAX_KM = 150.0
BORDER_PRECISION = Precision(3, 5)     # UCDP: a linear feature (a border)
RELATIVE_PRECISION = Precision(2, 2)   # ACLED: near a known point; UCDP: within ~25 km
#: "near X", "on the outskirts of X": ACLED's precision 2 (near a known point), the point X's,
#: within this radius
NEAR_RADIUS_KM = 15.0
NEAR_BEFORE = re.compile(r"\b(?:near|nearby|outside|around|close\s+to|not\s+far\s+from|"
                         r"on\s+the\s+outskirts\s+of|in\s+the\s+vicinity\s+of)\s+"
                         rf"(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?{_GLUED_ARTICLE}$",
                         re.IGNORECASE)
#: "the Usaylan district": a town's name with a division word after it names the division
#: around the town, coded (as ACLED does) at the town, near it (precision 2), within this
DISTRICT_RADIUS_KM = 25.0
DIVISION_AFTER = re.compile(r"\s+(?:sub-?)?(?:district|county|governorate|province|"
                            r"municipality|township)\b", re.IGNORECASE)
NEAR_BORDER_PRECISION = Precision(2, 5)    # near a known point, on a linear feature


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

    frames = speech_frames(text, trigger_at, ctx.vocab.speech_frame)

    def rank(m) -> tuple:
        rel = m.start - s
        return (rel >= aim_from, any(a <= rel < b for a, b in frames) or
                _actors_origin(text, rel, trigger_at, sent, ctx.vocab.people_from),
                _unplaceable(m, text, s),
                not (_placed(m, text, s) or OBJECT_OF_TRIGGER.fullmatch(text, trigger_at, rel)),
                _stretch_end(m, text, s), _level(m.place), not m.place.located,
                abs(rel - trigger_at))

    best = min(cands, key=rank)
    places = [best] if ev.modality in ("planned", "statement") else \
        sorted([best, *_coordinated(best, cands, text, s)], key=lambda m: m.start)
    out = [ev]
    out += [copy_event(ev, event_id=f"{ev.event_id}p{j}") for j in range(1, len(places))]
    for e, m in zip(out, places, strict=True):
        _set_place(e, m, text, s)
        _at_seat(e, m.place, ctx)
        if not m.place.located:
            _on_named_border(e, m, sent, ctx)
        if BORDER.search(text) and m.place.feature_code.startswith("PCL"):
            others = [x.place.country_code for x in mentions
                      if x.place.feature_code.startswith("PCL") and x is not m]
            _on_border(e, m.place, others, ctx)
    return out


def speech_frames(text: str, trigger_at: int, pattern: re.Pattern | None
                  ) -> list[tuple[int, int]]:
    """The reporting clauses of ``text`` (character ranges) around the event whose trigger
    is at ``trigger_at``: where the speaker is, not where the event was. Before the event,
    from its clause's start to the verb of saying and a "(in Y) that" after it ("Officials in
    Kyiv said", "The army said in Khartoum that"), or "according to …," / "Speaking in Y,"
    up to the comma; after it, from the comma that opens the attribution to the sentence's
    end ("…, officials in Mogadishu said", "…, the mayor said from Moscow")."""
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        opens_phrase = m.group(0).lower().startswith(("according", "speaking"))
        if m.start() > trigger_at:
            comma = text.rfind(",", trigger_at, m.start())
            out.append((comma if comma >= 0 else m.start(), len(text)))
        elif opens_phrase:
            end = text.find(",", m.end())
            if 0 <= end < trigger_at:
                out.append((m.start(), end))
        else:
            cut = list(_FRAME_CUT.finditer(text, 0, m.start()))
            that = _SAID_THAT.match(text, m.end())
            end = that.end() if that and that.end() <= trigger_at else m.end()
            out.append((cut[-1].end() if cut else 0, end))
    return out


#: where a reporting clause starts (the sentence's start otherwise)
_FRAME_CUT = re.compile(r"[;:—–(\[\"“]")
#: "said in Khartoum that", "told reporters in Kabul that": the speaker's place, then "that"
_SAID_THAT = re.compile(r"[^,;:.]{0,60}?\bthat\b", re.IGNORECASE)
#: between an actor and a place: "Fighters from Tal Afar", "militiamen, from the town of X"
_ACTOR_FROM = re.compile(r"\s*,?\s*(?:who\s+(?:came|come)\s+)?from\s+(?:the\s+)?"
                         r"(?:(?:town|city|village|area|district|province)\s+of\s+)?$",
                         re.IGNORECASE)


def _stretch_end(m, text: str, s: int) -> bool:
    """An end of a stretch ("between Mogadishu and Afgooye"): a place described more
    precisely ("about 10 km east of Afgooye") comes first."""
    before = text[max(0, m.start - s - 60):m.start - s]
    return bool(BETWEEN.search(before) or BETWEEN_AND.search(before))


def _actors_origin(text: str, rel: int, trigger_at: int, sent, people) -> bool:
    """The mention at ``rel`` (before the trigger) follows an actor or a people noun
    (``people``) and "from": where the actors come from ("Fighters from Tal Afar attacked
    Sinjar"), not where they acted ("troops withdrew from Mawlaik": a verb before "from")."""
    if rel >= trigger_at:
        return False
    link = _ACTOR_FROM.search(text, 0, rel)
    if link is None:
        return False
    head = link.start()                 # where the word before "from" ends
    return any(a.end - sent.start == head for a in sent.actors) or (
        people is not None and people.search(text, 0, head) is not None)


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


def _unplaceable(m, text: str, s: int) -> bool:
    """A name only the text knows, with nothing saying where it lies (neither an anchor nor a
    border): it comes after every place a source knows, even a country or a name the text
    does not call a place ("captured Marawi on the island of X": Marawi)."""
    return m.place.id.startswith(TEXT_PLACE) and m.approx is None and \
        not _border_cue(m, text, s)


def _border_cue(m, text: str, s: int) -> bool:
    """Whether the sentence ``text`` (starting at offset ``s``) calls mention ``m`` a place on
    a border ("the border village of X", "X, on the frontier with Y")."""
    return bool(ON_BORDER_BEFORE.search(text[max(0, m.start - s - 40):m.start - s])
                or ON_BORDER_AFTER.match(text[m.end - s:m.end - s + 80]))


def text_place(m):
    """A mention of a name no source knows that the text calls a place ("the border town of
    X") or places ("the village of X in Y district", ``m.approx``), given a place of its own:
    unlocated, id ``text:<name>``, a populated place in the anchor's country and province
    when the text names an anchor. A mention that has a place is returned as it is."""
    if m.place is not None:
        return m
    anchor = m.approx.anchor if m.approx is not None else None
    place = Place(id=f"{TEXT_PLACE}{m.text.casefold()}", name=m.text, lat=None, lon=None,
                  country_code=anchor.country_code if anchor else "", feature_class="P",
                  feature_code="PPL", admin1=anchor.admin1 if anchor else "",
                  source="named in the article; no offline source locates it")
    return replace(m, place=place)


def _set_place(ev, m, text: str, s: int) -> None:
    place = m.place
    ev.place, ev.location_text, ev.precision = place, m.text, place.precision
    ev.lat, ev.lon = place.lat, place.lon
    ev.approximate, ev.uncertainty_km = False, None
    before = text[max(0, m.start - s - 60):m.start - s]
    relative = RELATIVE.search(before)
    away = None if relative else DISTANCE_FROM.search(before)
    if relative and place.located:
        ev.location_text = f"{relative.group(0).strip()} {m.text}"     # "west of Mosul"
        bearing = BEARINGS[re.sub(r"[\s-]", "", relative.group("dir").lower())]
        if relative.group("km"):
            dist = _km(relative)
            lat, lon = destination(place.lat, place.lon, dist, bearing)
            ev.lat, ev.lon = round(lat, 5), round(lon, 5)
            ev.uncertainty_km = round(5 + 0.25 * dist, 1)
        else:       # somewhere on that side: off the place's own ground, within the radius
            lat, lon = destination(place.lat, place.lon, RELATIVE_OFFSET_KM, bearing)
            ev.lat, ev.lon = round(lat, 5), round(lon, 5)
            ev.uncertainty_km = APPROX_RADIUS_KM
        ev.approximate = True
        ev.precision = RELATIVE_PRECISION
    elif away and place.located:
        ev.location_text = f"{away.group(0).strip()} {m.text}"         # "50 km from Mosul"
        ev.approximate, ev.precision = True, RELATIVE_PRECISION
        ev.uncertainty_km = round(max(_km(away), 1.0), 1)
    elif place.located and place.feature_class == "P" and NEAR_BEFORE.search(before):
        # "near al-Sukhnah": coded at the town (not an approximate point of its own: the
        # control layer keeps it the town's), near it, ±15 km
        ev.location_text = f"near {m.text}"
        ev.precision, ev.uncertainty_km = RELATIVE_PRECISION, NEAR_RADIUS_KM
    elif place.located and place.feature_class == "P" and \
            (division := DIVISION_AFTER.match(text, m.end - s)):
        ev.location_text = text[m.start - s:division.end()]
        ev.approximate, ev.precision = True, RELATIVE_PRECISION
        ev.uncertainty_km = DISTRICT_RADIUS_KM          # "the Usaylan district": its town
    elif place.feature_code == "ADM1" and BORDER.search(text):
        ev.approximate = place.located      # a border region: the point is a label
        ev.precision = BORDER_PRECISION
    elif (radius := _overlay_uncertainty(place)) is not None:
        ev.approximate, ev.uncertainty_km = True, radius    # a derived point (see its source)
    elif not place.located and m.approx is not None:
        # "the village of X in Y district", "X, near Y": Y's point, within the radius the
        # gazetteer gives the relation
        near = m.approx
        ev.lat, ev.lon = near.anchor.lat, near.anchor.lon
        ev.approximate, ev.uncertainty_km = True, near.uncertainty_km
        ev.precision = near.precision
        ev.location_text = f"{m.text} ({near.relation} {near.anchor.name})"


def _at_seat(ev, place, ctx) -> None:
    """A province, state or region named alone (ACLED geo_precision 3) is coded at its seat,
    as ACLED codes it (its capital town), when the gazetteer knows the seat and no offset
    ("50 km west of …") placed it already; the province stays the event's place and
    ``location_text`` says where it is coded."""
    if ctx.seat_of is None or place.feature_code != "ADM1" or ev.uncertainty_km is not None:
        return
    seat = ctx.seat_of(place)
    if seat is None or not seat.located:
        return
    ev.lat, ev.lon = seat.lat, seat.lon
    ev.location_text = f"{ev.location_text} (coded at its seat, {seat.name})"


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


def _on_named_border(ev, m, sent, ctx) -> None:
    """A place no source locates that the sentence puts on a border ("the border village of
    X"): an approximate point on its country's border with the neighbour the sentence names
    (else the article's most named neighbour), at the stretch nearest to the article's
    located place closest to that border (in the same province when the article names one
    there), within twice that place's distance from the border (at least
    ``BORDER_NEAR_MIN_KM``; ACLED geo_precision 2, UCDP where_prec 5); with no such place
    within ``BORDER_NEAR_MAX_KM``, the middle of the border and a radius reaching its ends
    (precision 3). ``location_text`` says which border and which place."""
    place, text, s = m.place, sent.text, sent.start
    if not _border_cue(m, text, s):
        return
    named = [x.place.country_code for x in sent.places
             if x.place.feature_code.startswith("PCL")]
    countries = [c for c in dict.fromkeys([*named, *ctx.countries()]) if c]
    found = next(((a, b, line) for a in ([place.country_code] if place.country_code
                                          else countries)
                  for b in countries if b != a
                  and (line := shared_border(a, b)) is not None), None)
    if found is None:
        return
    cc, other, line = found
    # the province the text puts it in ("in the Sumy region"), else the article's places on
    # either side of the border, the same province first
    anchor = m.approx.anchor if m.approx is not None and m.approx.anchor.located else None
    refs = [anchor] if anchor is not None else ctx.located_in(cc) + ctx.located_in(other)
    same = [p for p in refs if place.admin1 and p.admin1 == place.admin1]
    near = min(((p, nearest_on(line, p.lat, p.lon)) for p in same or refs),
               key=lambda pn: pn[1][2], default=None)
    if near is not None and near[1][2] <= BORDER_NEAR_MAX_KM:
        ref, (lat, lon, dist) = near
        radius, precision = max(BORDER_NEAR_MIN_KM, 2.0 * dist), NEAR_BORDER_PRECISION
        where = f"{cc}-{other} border, near {ref.name}"
    else:
        (lat, lon, radius), precision = border_point(cc, other), BORDER_PRECISION
        where = f"{cc}-{other} border"
    if ev.lat is not None and ev.uncertainty_km is not None and ev.uncertainty_km <= radius:
        return              # what the text said already places it more closely
    ev.lat, ev.lon, ev.uncertainty_km = lat, lon, round(radius, 1)
    ev.approximate, ev.precision = True, precision
    ev.location_text = f"{m.text} ({where})"


def _coordinated(best, cands: list, text: str, s: int) -> list:
    """Further places listed with ``best`` ("the Wadi al-Midar and Taru villages"); not the
    ends of a stretch ("on the road between Mogadishu and Afgooye": one event)."""
    level = _level(best.place)
    chain, out = [best], []
    for m in sorted(cands, key=lambda m: m.start):
        if m in chain or _level(m.place) != level or m.place.id == best.place.id:
            continue
        for c in chain:
            lo, hi = (c, m) if c.start < m.start else (m, c)
            if BETWEEN.search(text, max(0, lo.start - s - 30), lo.start - s):
                continue
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
