"""Sentence → event: who did what, where and when, with each field's precision and provenance.

For every sentence of an article the first matching rule of ``data/event_vocabulary.toml``
gives the ACLED event type; the sentence's actor mentions (``geo.actors``) give actor1 (the
subject, before the trigger) and actor2 (the target, after it); its place mentions (the
gazetteer) give the location, preferring the locative ("in", "at", "near", "the village
of X") and turning relative locations ("west of Mosul", "75 km north-west of Tanf") into an
approximate point with an uncertainty radius; its date mentions (``geo.dates``) give the date,
else the article's date at week precision. Speech cues make the event a claim by the speaker.
Coordinates are (lat, lon) degrees; distances km.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from gazetteer.precision import Precision
from gazetteer.types import Mention, Place

from .mentions import sentence_bounds

VOCABULARY = Path(__file__).resolve().parent / "data" / "event_vocabulary.toml"
LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|into|of|around|on)\s+(?:the\s+)?"
                      r"(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
RELATIVE = re.compile(
    r"(?:(?P<km>\d+(?:\.\d+)?)\s*(?:km|kilometres|kilometers|kilometre|kilometer)s?\s+"
    r"(?:\(\d+ miles?\)\s+)?)?(?P<dir>north(?:-|\s)?(?:east|west)|south(?:-|\s)?(?:east|west)|"
    r"north|south|east|west)(?:ern)?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
BEARINGS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180,
            "southwest": 225, "west": 270, "northwest": 315}
BORDER = re.compile(r"\b(?:on|along|near|at|to|towards?|reached)\s+the\s+(?:\w+\s+)?border",
                    re.IGNORECASE)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12,
                "dozens": 24, "scores": 40, "hundreds": 200}
FATALITIES = re.compile(
    r"\b(?P<n>\d[\d,]*|" + "|".join(NUMBER_WORDS) + r")\s+(?:[\w-]+\s+){0,4}?"
    r"(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+|being\s+)?(?:killed|dead|died|slain)\b",
    re.IGNORECASE)
APPROX_RADIUS_KM = 50.0        # "west of Mosul", "on the border": a radius, not a point
PASSIVE = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
PRONOUN_SUBJECT = re.compile(
    r"^(?:[^,]{0,40},\s*)?(?:they|it|the (?:militia|militias|group|forces|fighters|troops))\b",
    re.IGNORECASE)
ADJECTIVAL = re.compile(r"\b(?:the|newly|recently|previously|a)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    event_type: str
    sub_event_type: str
    control: str | None


@dataclass(frozen=True)
class Vocabulary:
    rules: tuple[Rule, ...]
    negation: re.Pattern
    planned: re.Pattern
    claim: re.Pattern


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY) -> Vocabulary:
    """The trigger rules and modifiers (cached)."""
    from gazetteer.errors import DataError

    try:
        data = tomllib.loads(path.read_text("utf-8"))
        rules = tuple(Rule(r["name"], re.compile(r["pattern"], re.IGNORECASE),
                           r["event_type"], r["sub_event_type"], r.get("control"))
                      for r in data["rule"])
        mods = {k: re.compile("|".join(v), re.IGNORECASE) for k, v in data["modifiers"].items()}
    except (OSError, KeyError, ValueError, re.error) as exc:
        raise DataError(f"event vocabulary {path}: {exc}") from exc
    return Vocabulary(rules, mods["negation"], mods["planned"], mods["claim"])


@dataclass
class Event:
    """One event told by one sentence of one article (before merging across articles)."""

    event_id: str
    article_id: str
    article_title: str
    article_source: str
    article_url: str
    published: date | None
    sentence: str
    sentence_start: int
    trigger: str
    rule: str
    event_type: str
    sub_event_type: str
    control: str | None
    modality: str                       # "asserted" | "planned"
    actor1: object | None = None        # geo.actors.Actor
    actor2: object | None = None
    assoc_actor_1: tuple = ()
    claimed_by: str | None = None
    place: Place | None = None
    location_text: str = ""
    lat: float | None = None
    lon: float | None = None
    approximate: bool = False
    uncertainty_km: float | None = None
    precision: Precision | None = None
    first_date: date | None = None
    last_date: date | None = None
    date_precision: str = "week"
    date_source: str = ""
    fatalities: int | None = None
    sources: list[dict] = field(default_factory=list)   # filled by merge
    disagreements: list[str] = field(default_factory=list)


def extract_events(article, gazetteer, actors,
                   vocabulary: Vocabulary | None = None) -> list[Event]:
    """Events of one ``geo.articles.Article``; ``gazetteer`` a ``gazetteer.Gazetteer``,
    ``actors`` a ``geo.actors.ActorDictionary``."""
    from .dates import find_dates

    vocab = vocabulary or load_vocabulary()
    text = article.text
    mentions = [m for m in gazetteer.geoparse(text) if m.place is not None]
    actor_mentions = actors.find(text)
    known = article.date_source not in ("inferred", "none")
    # Relative dates ("on Monday") only against a known publication date.
    dates = find_dates(text, article.published if known else None,
                       day_first=getattr(article, "day_first", None))
    events = []
    for n, (s, e) in enumerate(sentence_bounds(text)):
        sentence = text[s:e]
        found = _trigger(sentence, vocab)
        if found is None:
            continue
        rule, match = found
        acts = [a for a in actor_mentions if s <= a.start < e]
        # A place inside an actor's name ("US jets", "Syrian army") is not where it happened.
        in_s = [m for m in mentions if s <= m.start < e
                and not any(a.start <= m.start < a.end for a in acts)]
        if not in_s and not acts:
            continue
        trigger_at = s + match.start()
        before = sentence[max(0, match.start() - 40):match.start()]
        if vocab.negation.search(before[-25:]) or ADJECTIVAL.search(before):
            continue
        planned = bool(vocab.planned.search(before))
        ev = Event(
            event_id=f"{article.id}-{n}", article_id=article.id, article_title=article.title,
            article_source=article.source, article_url=article.url,
            published=article.published, sentence=sentence.strip(), sentence_start=s,
            trigger=match.group(0), rule=rule.name,
            event_type="Strategic developments" if planned else rule.event_type,
            sub_event_type="Other" if planned else rule.sub_event_type,
            control=None if planned else rule.control,
            modality="planned" if planned else "asserted")
        _actors(ev, acts, sentence, s, trigger_at, vocab)
        _location(ev, in_s, text)
        in_dates = sorted((d for d in dates if s <= d.start < e),
                          key=lambda d: abs(d.start - trigger_at))
        _date(ev, in_dates, article)
        if ev.actor1 is None and events and PRONOUN_SUBJECT.search(sentence.strip()) and \
                events[-1].sentence_start >= s - 600:
            ev.actor1 = events[-1].actor1        # "Further east, they liberated …"
        ev.fatalities = _fatalities(sentence)
        if ev.rule == "territory_taken" and ev.actor1 is not None and \
                getattr(ev.actor1, "inter", 0) == 1:
            ev.sub_event_type = "Government regains territory"
        events.append(ev)
    return events


def _trigger(sentence: str, vocab: Vocabulary):
    for rule in vocab.rules:
        m = rule.pattern.search(sentence)
        if m:
            return rule, m
    return None


def _actors(ev: Event, acts: list, sentence: str, s: int, trigger_at: int,
            vocab: Vocabulary) -> None:
    """actor1 before the trigger (subject), actor2 after it; a speaker is the claimant."""
    speakers = [a for a in acts if _is_speaker(a, sentence, s)]
    if vocab.claim.search(sentence) and speakers:
        ev.claimed_by = speakers[0].person or speakers[0].actor.name
    doers = [a for a in acts if a not in speakers] or speakers
    before = [a for a in doers if a.start < trigger_at]
    after = [a for a in doers if a.start >= trigger_at]
    if PASSIVE.search(sentence[max(0, trigger_at - s - 25):trigger_at - s]):
        # "were liberated from IS (by the PMU)": the agent is after "by", else the speaker
        loser = _after_word(after, sentence, s, "from")
        agent = _after_word(after, sentence, s, "by") or (speakers[0] if speakers else None)
        if agent is not None:
            ev.actor1 = agent.actor
        if loser is not None:
            ev.actor2 = loser.actor
        if agent is not None or loser is not None:
            return
    first = before[-1] if before else (after[0] if after else None)
    if first is None:
        return
    ev.actor1 = first.actor
    rest = [a for a in after if a.actor.id != first.actor.id]
    if rest:
        ev.actor2 = rest[0].actor
    ev.assoc_actor_1 = tuple(dict.fromkeys(
        a.actor.name for a in before[:-1] if a.actor.id != first.actor.id
        and a.actor.bloc == first.actor.bloc))


def _after_word(acts: list, sentence: str, s: int, word: str):
    """The first actor mention right after ``word`` ("from IS", "by the PMU")."""
    for a in acts:
        before = sentence[max(0, a.start - s - 30):a.start - s]
        if re.search(rf"\b{word}\s+(?:the\s+)?$", before) and \
                not re.search(r"\b(?:backed|supported|aided|assisted|helped)\s+by\s+", before):
            return a
    return None


def _is_speaker(a, sentence: str, s: int) -> bool:
    after = sentence[a.end - s:a.end - s + 30]
    before = sentence[max(0, a.start - s - 20):a.start - s]
    return bool(re.match(r"\s*(?:,[^,]{0,60},\s*)?(?:said|says|told|added|claimed|stated|"
                         r"confirmed|announced)\b", after)
                or re.search(r"according to\s+(?:the\s+)?$", before, re.IGNORECASE))


def _location(ev: Event, mentions: list[Mention], text: str) -> None:
    """The sentence's place: locative first, towns before regions before countries."""
    if not mentions:
        return

    def rank(m: Mention) -> tuple:
        locative = bool(LOCATIVE.search(text[max(0, m.start - 40):m.start]))
        code = m.place.feature_code
        level = 0 if code.startswith("PPL") or m.place.feature_class in ("S", "R") else \
            1 if code in ("ADM2", "ADM1", "RGN", "DSRT") else 2
        return (m.rule == "demonym", level, not locative, not m.place.located)

    best = min(mentions, key=rank)
    place = best.place
    ev.place, ev.location_text, ev.precision = place, best.text, place.precision
    ev.lat, ev.lon = place.lat, place.lon
    relative = RELATIVE.search(text[max(0, best.start - 60):best.start])
    if relative and place.located:
        bearing = BEARINGS[re.sub(r"[\s-]", "", relative.group("dir").lower())]
        if relative.group("km"):
            from geopy.distance import geodesic

            dist = float(relative.group("km"))
            dest = geodesic(kilometers=dist).destination((place.lat, place.lon), bearing)
            ev.lat, ev.lon = round(dest.latitude, 5), round(dest.longitude, 5)
            ev.uncertainty_km = round(5 + 0.25 * dist, 1)
        else:
            ev.uncertainty_km = APPROX_RADIUS_KM
        ev.approximate = True
        ev.precision = Precision(2, 2)
    elif place.feature_code in ("PCLI", "ADM1") and BORDER.search(ev.sentence):
        ev.approximate = True
        ev.uncertainty_km = None             # a border region: the country point is a label
    if not place.located:
        ev.approximate = False


def _date(ev: Event, dates: list, article) -> None:
    if dates:
        d = dates[0]
        ev.first_date, ev.last_date, ev.date_precision = d.first, d.last, d.precision
        ev.date_source = f"text:{d.rule}"
    elif article.date_source in ("inferred",) and article.date_window:
        ev.first_date, ev.last_date = article.date_window
        ev.date_precision = "week" if (ev.last_date - ev.first_date).days <= 7 else "month"
        ev.date_source = "article:inferred"
    elif article.published is not None:
        ev.first_date = article.published - timedelta(days=6)
        ev.last_date = article.published
        ev.date_precision = "week"
        ev.date_source = f"article:{article.date_source}"
    else:
        ev.date_source = "none"


def _fatalities(sentence: str) -> int | None:
    m = FATALITIES.search(sentence)
    if not m:
        return None
    n = m.group("n").lower().replace(",", "")
    return int(n) if n.isdigit() else NUMBER_WORDS.get(n)
