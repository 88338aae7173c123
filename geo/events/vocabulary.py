"""The event vocabulary (``data/event_vocabulary.toml``): trigger rules mapped to ACLED event
types, the cue words that qualify a trigger, and the ACLED event types themselves (their
marker shapes, and which are violent). The file is the one source of the event types: the
extraction, the map's markers and the legend read them here."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from geo.errors import DataError

VOCABULARY = resources.files("geo.events").joinpath("data", "event_vocabulary.toml")


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    event_type: str
    sub_event_type: str
    control: str | None
    family: str = ""            # rules whose events may be one happening (merge)
    situation: bool = False     # a standing fact, not an event
    #: the trigger counts only in a sentence this also matches ("burned tyres" is a riot
    #: only where a crowd is named)
    requires: re.Pattern | None = None
    #: the trigger's subject is the weapon ("a roadside bomb struck a convoy"): the actors
    #: after it are its targets, and its perpetrator is whoever the sentence says claimed
    #: it or is blamed for it (the vocabulary's ``responsibility`` and ``blamed`` cues)
    weapon_subject: bool = False


@dataclass(frozen=True)
class EventType:
    """An ACLED event type: its marker ``shape``, whether it is ``violent``, whether it is
    the type of statements and plans (``speech``)."""

    name: str
    shape: str
    violent: bool = False
    speech: bool = False


@dataclass(frozen=True)
class Crowd:
    """ACLED's actors for a crowd event: the events of ``event_type`` (or, first, of
    ``sub_event_type``) have the dictionary actor ``actor`` ("protesters") as actor
    ``role`` (1 or 2), the other named side as the other actor, and ``victims`` (an actor
    id) as actor 2 when no other side is named. ``counterpart``: the event has another side
    by definition (police who dispersed the crowd, soldiers who fired on it), so when the
    subject reading gave none, the other side is the first armed, state or external actor
    named in the event's clause ("Police fired tear gas at nurses protesting"). ``alone``:
    the crowd's sole action, with no other actor (a peaceful protest "against police
    brutality" names the police as its cause, not as a side)."""

    actor: str
    role: int
    event_type: str = ""
    sub_event_type: str = ""
    victims: str = ""
    counterpart: bool = False
    alone: bool = False


#: what a ``[[recode]]`` may test (``when``) and change (``set``); an inter condition may
#: list several codes; ``sentence_not`` holds when its expression is not in the sentence
RECODE_WHEN = ("rule", "family", "modality", "event_type", "sub_event_type", "actor1_inter",
               "actor2_inter", "hostile_actors", "sentence", "sentence_not")
RECODE_SET = ("event_type", "sub_event_type", "control")


@dataclass(frozen=True)
class Recode:
    """An ACLED coding rule that depends on more than the trigger: when every condition of
    ``when`` holds (field → value; ``sentence`` a regular expression searched in the
    sentence; ``hostile_actors`` whether actor 1's and actor 2's blocs are hostile), the
    fields of ``set`` take their values. Applied in the file's order."""

    when: tuple[tuple[str, object], ...]
    set: tuple[tuple[str, str], ...]
    note: str = ""


@dataclass(frozen=True)
class Vocabulary:
    rules: tuple[Rule, ...]
    negation: re.Pattern
    planned: re.Pattern
    claim: re.Pattern
    hypothetical: re.Pattern
    background: re.Pattern
    subordinate: re.Pattern
    origin: re.Pattern
    speech_after: re.Pattern
    speech_before: re.Pattern
    speaker_pronoun: re.Pattern
    pronoun_subject: re.Pattern
    place_anaphor: re.Pattern
    border: re.Pattern
    types: tuple[EventType, ...] = ()
    #: a speaker's verb or "according to": the reporting clause around it (``speech_frame``)
    speech_frame: re.Pattern | None = None
    #: people nouns: "<people> from X" before the event's verb is the actors' origin
    people_from: re.Pattern | None = None
    #: after the actor who did it: "claimed the attack", "said it had planted the device";
    #: right before the actor blamed: "officials blamed the"
    responsibility: re.Pattern | None = None
    blamed: re.Pattern | None = None
    #: after a later mention of one of two sides named together: that side began the fight
    initiative: re.Pattern | None = None
    #: right after a verb of repelling: the attack repelled, naming the side that attacked
    repelled: re.Pattern | None = None
    recodes: tuple[Recode, ...] = ()
    crowds: tuple[Crowd, ...] = ()
    #: ACLED's actor 1 of a violent event whose perpetrator the text does not name (an actor
    #: id, "" for none) and the event types it applies to
    unknown_perpetrator: str = ""
    perpetrated: tuple[str, ...] = ()
    #: ACLED's actor 2 of the event types ``victims_of`` when the text names none (an actor
    #: id: "civilians")
    victims: str = ""
    victims_of: tuple[str, ...] = ()
    #: the event types whose actor 2 is always civilian (ACLED interaction code 7)
    civilian_only: tuple[str, ...] = ()
    #: the event types and sub-types whose unnamed target is the civilians when the words
    #: after the verb name civilian people or places (``civilian_words``) and no armed target
    #: (``armed_words``)
    civilian_target_of: tuple[str, ...] = ()
    civilian_words: re.Pattern | None = None
    armed_words: re.Pattern | None = None
    #: ``[territory_loss]``: the sub-types of a town changing hands, and the words of a
    #: further event that make its doer the side that lost it
    loss_sub_types: frozenset[str] = frozenset()
    withdrawal: re.Pattern | None = None
    #: ``[crowd_size]``: the event types whose crowd size ACLED tags, the pattern that finds
    #: it and the tag's value when the text gives none
    crowd_types: tuple[str, ...] = ()
    #: ``[fatalities] none_for``: the sub-types that record no deaths (ACLED: a death at a
    #: protest makes it excessive force; a detainee killed, an attack)
    no_fatalities: frozenset[str] = frozenset()
    crowd_size: re.Pattern | None = None
    crowd_no_report: str = "no report"

    def crowd_tag(self, event_type: str, sentences: Iterable[str]) -> str:
        """ACLED's crowd-size tag of a demonstration ("crowd size=hundreds"; "crowd
        size=no report" when no sentence gives one), '' for other event types."""
        if event_type not in self.crowd_types or self.crowd_size is None:
            return ""
        for sentence in sentences:
            m = self.crowd_size.search(sentence or "")
            if m:
                size = m.group("size") or m.group("of") or \
                    (m.group("crowd") or "").strip() or "a crowd"
                return "crowd size=" + " ".join(size.lower().split())
        return f"crowd size={self.crowd_no_report}"

    def crowd(self, event_type: str, sub_event_type: str) -> Crowd | None:
        """The ``[[crowd]]`` entry of an event's sub-type, else of its type; None for
        events that are not crowd events."""
        return next((c for c in self.crowds if c.sub_event_type == sub_event_type), None) or \
            next((c for c in self.crowds if c.event_type == event_type
                  and not c.sub_event_type), None)

    @property
    def patterns(self) -> dict[str, re.Pattern]:
        """Rule name → its trigger pattern."""
        return {r.name: r.pattern for r in self.rules}

    @property
    def shapes(self) -> dict[str, str]:
        """ACLED event type → marker shape, in the file's order."""
        return {t.name: t.shape for t in self.types}

    @property
    def violent(self) -> tuple[str, ...]:
        """The violent event types."""
        return tuple(t.name for t in self.types if t.violent)

    @property
    def speech_type(self) -> str:
        """The event type of statements and plans."""
        return next(t.name for t in self.types if t.speech)


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY) -> Vocabulary:
    """The trigger rules and cue words (cached). Raises DataError on a malformed file."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        rules = tuple(Rule(r["name"], re.compile(r["pattern"], re.IGNORECASE),
                           r["event_type"], r["sub_event_type"], r.get("control"),
                           r.get("family", r["name"]), bool(r.get("situation", False)),
                           re.compile(r["requires"], re.IGNORECASE) if "requires" in r
                           else None, bool(r.get("weapon_subject", False)))
                      for r in data["rule"])
        cues = {k: re.compile("|".join(v), re.IGNORECASE)
                for table in ("modifiers", "discourse") for k, v in data[table].items()}
        types = tuple(EventType(t["name"], t["shape"], bool(t.get("violent", False)),
                                bool(t.get("speech", False))) for t in data["event_type"])
        if sum(t.speech for t in types) != 1:
            raise ValueError("exactly one [[event_type]] must have speech = true")
        recodes = tuple(_recode(r, rules, types) for r in data.get("recode", []))
        crowds = tuple(_crowd(c, types) for c in data.get("crowd", []))
        perp = data.get("perpetrator", {})
        perpetrated = tuple(perp.get("event_types", []))
        victims_of = tuple(perp.get("victims_of", []))
        civilian_only = tuple(perp.get("civilian_only", []))
        for key, listed in (("event_types", perpetrated), ("victims_of", victims_of),
                            ("civilian_only", civilian_only)):
            if any(t not in {x.name for x in types} for t in listed):
                raise ValueError(f"[perpetrator] {key}: unknown type in {listed}")
        civilian_target_of = tuple(perp.get("civilian_target_of", []))
        sub_types = {r.sub_event_type for r in rules} | {
            v for rc in recodes for k, v in rc.set if k == "sub_event_type"}
        kinds = {x.name for x in types} | sub_types
        if any(t not in kinds for t in civilian_target_of):
            raise ValueError("[perpetrator] civilian_target_of: unknown type or sub-type in "
                             f"{civilian_target_of}")
        target_words = {k: _words(perp[k]) for k in ("civilian_words", "armed_words")
                        if k in perp}
        loss = data.get("territory_loss", {})
        withdrawal = re.compile(loss["withdrawal"], re.IGNORECASE) if "withdrawal" in loss \
            else None
        loss_sub_types = frozenset(loss.get("sub_event_types", []))
        if loss_sub_types - sub_types:
            raise ValueError(f"[territory_loss] sub_event_types: unknown "
                             f"{sorted(loss_sub_types - sub_types)}")
        size = data.get("crowd_size", {})
        crowd_types = tuple(size.get("event_types", []))
        if any(t not in {x.name for x in types} for t in crowd_types):
            raise ValueError(f"[crowd_size] event_types: unknown type in {crowd_types}")
        no_deaths = frozenset(data.get("fatalities", {}).get("none_for", []))
        if no_deaths - sub_types:
            raise ValueError(f"[fatalities] none_for: unknown {sorted(no_deaths - sub_types)}")
        return Vocabulary(rules, *(cues[k] for k in (
            "negation", "planned", "claim", "hypothetical", "background", "subordinate",
            "origin", "speech_after", "speech_before", "speaker_pronoun", "pronoun_subject",
            "place_anaphor", "border")), types=types, recodes=recodes, crowds=crowds,
            speech_frame=cues.get("speech_frame"), people_from=cues.get("people_from"),
            responsibility=cues.get("responsibility"), blamed=cues.get("blamed"),
            initiative=cues.get("initiative"), repelled=cues.get("repelled"),
            unknown_perpetrator=str(perp.get("actor", "")), perpetrated=perpetrated,
            victims=str(perp.get("victims", "")), victims_of=victims_of,
            civilian_only=civilian_only, civilian_target_of=civilian_target_of,
            civilian_words=target_words.get("civilian_words"),
            armed_words=target_words.get("armed_words"),
            loss_sub_types=loss_sub_types, withdrawal=withdrawal,
            crowd_types=crowd_types, no_fatalities=no_deaths,
            crowd_size=re.compile(size["pattern"], re.IGNORECASE) if "pattern" in size
            else None, crowd_no_report=str(size.get("no_report", "no report")))
    except (OSError, KeyError, TypeError, ValueError, re.error) as exc:
        raise DataError(f"event vocabulary {path}: {exc}") from exc


def _words(patterns: list[str]) -> re.Pattern:
    """One case-insensitive pattern matching any of ``patterns`` as whole words."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


def _recode(entry: dict, rules: tuple[Rule, ...], types: tuple[EventType, ...]) -> Recode:
    """One ``[[recode]]`` table, checked: known condition and field names, known rules and
    event types, a valid ``sentence`` expression."""
    when, changes = dict(entry["when"]), dict(entry["set"])
    if bad := set(when) - set(RECODE_WHEN):
        raise ValueError(f"[[recode]] when: unknown condition(s) {sorted(bad)}")
    if bad := set(changes) - set(RECODE_SET):
        raise ValueError(f"[[recode]] set: unknown field(s) {sorted(bad)}")
    names = {t.name for t in types}
    for key in ("event_type",):
        for value in (when.get(key), changes.get(key)):
            if value is not None and value not in names:
                raise ValueError(f"[[recode]]: unknown event type {value!r}")
    if "rule" in when:                  # one rule's name, or a list of them
        wanted = when["rule"] if isinstance(when["rule"], list) else [when["rule"]]
        if bad := [w for w in wanted if w not in {r.name for r in rules}]:
            raise ValueError(f"[[recode]] when: unknown rule {bad[0]!r}")
    for key in ("sentence", "sentence_not"):
        if key in when:
            when[key] = re.compile(when[key], re.IGNORECASE)
    for key in ("actor1_inter", "actor2_inter"):
        codes = when.get(key)
        if codes is not None and not all(isinstance(c, int) and 0 <= c <= 8 for c in (
                codes if isinstance(codes, list) else [codes])):
            raise ValueError(f"[[recode]] when: {key} must be ACLED inter codes 1-8 "
                             "(0: no such actor)")
    return Recode(tuple(when.items()), tuple(changes.items()), str(entry.get("note", "")))


def _crowd(entry: dict, types: tuple[EventType, ...]) -> Crowd:
    """One ``[[crowd]]`` table, checked: an event type or sub-type, role 1 or 2."""
    crowd = Crowd(str(entry["actor"]), entry["role"], str(entry.get("event_type", "")),
                  str(entry.get("sub_event_type", "")), str(entry.get("victims", "")),
                  entry.get("counterpart", False), entry.get("alone", False))
    if crowd.role not in (1, 2) or not (crowd.event_type or crowd.sub_event_type):
        raise ValueError(f"[[crowd]] {entry}: needs role 1 or 2 and an event (sub-)type")
    if not isinstance(crowd.counterpart, bool) or not isinstance(crowd.alone, bool) or \
            (crowd.counterpart and crowd.alone):
        raise ValueError(f"[[crowd]] {entry}: counterpart and alone are true or false, "
                         "not both true")
    if crowd.event_type and crowd.event_type not in {t.name for t in types}:
        raise ValueError(f"[[crowd]]: unknown event type {crowd.event_type!r}")
    return crowd
