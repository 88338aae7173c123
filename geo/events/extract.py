"""Sentence → event: who did what, where and when, with each field's precision and provenance.

For every sentence of an article (the headline left out) the triggers of
``data/event_vocabulary.toml`` are found; negated, adjectival ("the liberated areas"),
hypothetical ("in their bid to seize") and background triggers are dropped, and the first rule
with a trigger in the main clause gives the ACLED event type. A trigger of another rule with
its own named agent ("leaflets dropped by US planes and rocket barrages by the FSA") gives a
further event. Planned actions and statements (offers, warnings, condemnations) are Strategic
developments with ``modality`` "planned" or "statement"; standing facts ("X is held by Y") are
situations, left out unless asked for.

Actors (``geo.actors``): actor1 is the subject (the agent after "by" in passives and in
"leaflets dropped by X", the speaker of a statement), actor2 the target; "X-backed" backers
are not doers. Pronouns and definite descriptions ("They liberated …", "The US-backed forces
imposed …", "he said") take the last named actor or speaker (``geo.text.discourse``). The place is
the locative one (``geo.events.places``), relative locations become approximate points with an
uncertainty radius, "the city" and a bare "the border" refer back. Dates (``geo.text.dates``) come
from the sentence, resolved against the publication date or, for an undated article, across
its inferred window; "the next day" counts from the last dated event; with no cue the
article's date at week precision. Speech cues make the event a claim by the speaker; stated
fatalities are kept (split evenly when one sentence tells of several places).
Coordinates are (lat, lon) degrees; distances km.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta

from geo.events.crowds import assign_crowd, fold_force_on_crowds, force_on_crowd
from geo.events.fatalities import count_fatalities
from geo.events.model import SPEECH, Event
from geo.events.places import locate, text_place
from geo.events.vocabulary import Rule, Vocabulary, load_vocabulary
from geo.text.dates import find_dates, find_dates_in_window, find_day_offsets
from geo.text.discourse import Discourse
from geo.text.mentions import clause_before, sentence_bounds

#: between two coordinated subjects: "A and B", "A, B", "A as well as B" (and a force noun)
COORDINATED = re.compile(r"^\s*(?:[\w-]+\s+){0,2}?(?:,\s*(?:and\s+)?|and\s+|as\s+well\s+as\s+)"
                         r"(?:the\s+)?(?:[\w-]+\s+){0,3}?$", re.IGNORECASE)
CARRY_BACK = 2          # sentences back a bare "Two soldiers were killed." may attach
HISTORICAL_DAYS = 365          # an event dated this long before publication is background
PASSIVE = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
ADJECTIVAL = re.compile(r"\b(?:the|newly|recently|previously|a|an)\s+$", re.IGNORECASE)
SUPPORT_BEFORE = re.compile(r"\b(?:alongside|in support of|in coordination with|backing|"
                            r"supporting|allied (?:to|with)|along with|together with|"
                            r"backed by|supported by|aided by)\s+(?:the\s+)?$", re.IGNORECASE)
RELATIVE_OBJECT = re.compile(r"^\s*(?:,|—|–|-)?\s*(?:which|whom|that)\s+(?:the\s+)?$",
                             re.IGNORECASE)
# "<trigger> [dropped|carried out] by X": X did it (not "positions held by X").
BY_AGENT = re.compile(r"^(?:\s+(?!(?:held|controlled|occupied|backed|supported|led|aided|armed|"
                      r"funded|run|used|owned)\b)[\w-]+(?:ed|en))?(?:\s+out)?\s+by\s+"
                      r"(?:the\s+)?$", re.IGNORECASE)
# "civilians were killed", "soldiers were wounded": the victims, never the doers.
VICTIM_AFTER = re.compile(r"^\s+(?:\w+\s+)?(?:were|was|have\s+been|had\s+been|being)\s+"
                          r"(?:\w+ly\s+)?(?:killed|wounded|injured|hurt|abducted|kidnapped|"
                          r"executed|detained|arrested|displaced|targeted|hit)\b", re.IGNORECASE)
GAP_STOP = re.compile(r"\b(?:after|before|when|while|as|since|they|it|he|she|we|who|which|"
                      r"that|and|but|or|to)\b", re.IGNORECASE)
NOMINAL_BEFORE = re.compile(r"\b(?:of|the|a|an|its|their|his|her)\s+$", re.IGNORECASE)
ASIDE = re.compile(r",\s*(?:which|who|whose|whom|known|also|mostly|a|an|one)\b[^,]*,|"
                   r"\s[-–—]\s[^-–—]*\s[-–—]\s|\([^()]*\)", re.IGNORECASE)
# "a man suspected of collaborating with the ADF": a group named as what someone is said to
# belong to or work with is not who acted
SUSPECTED_OF = re.compile(r"\b(?:suspected|accused|alleged|collaborat\w*|linked|links|belonging|"
                          r"affiliated|loyal|sympathi[sz]\w*)\b[^,;.]{0,40}$", re.IGNORECASE)
WE = re.compile(r"^[\s\"“‘']*(?:we|our forces|our fighters|our troops)\b", re.IGNORECASE)
OBJECT_BEFORE = re.compile(r"\b(?:fight|fighting|attack|confront|against|target|support|back|"
                           r"join|help|with|alongside|on|to)\s+(?:the\s+)?$", re.IGNORECASE)
HEADLINE_DATE = re.compile(r"^\s*date\s*[:=]?\s*\d{4}-\d\d-\d\d\s*", re.IGNORECASE)
# "…, killing 170 civilians and 13 US service members": the dead, not who acted
CASUALTIES_BEFORE = re.compile(
    r"\b(?:killing|killed|wounding|wounded|injuring|injured)\s+(?:at least\s+|more than\s+|"
    r"about\s+|some\s+|up to\s+|nearly\s+)?(?:\d[\d,]*|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|dozens|scores|hundreds|several|many|a|an|the)\b[^;:.,]{0,60}$",
    re.IGNORECASE)
CIVILIAN_INTER = 7              # ACLED's interaction code of civilians
#: between two triggers of one phrase ("air strikes and fighting", "hit by a roadside bomb"):
#: at most two words, no comma
SAME_PHRASE = re.compile(r"\s*(?:[\w'’-]+\s+){0,2}")
# "… left by Russian forces", "from positions across …": the attacker's side, not the target
AGENT_PHRASE = re.compile(r"\b(?:by|from)\s+(?:\S+\s+){0,4}$", re.IGNORECASE)


@dataclass(frozen=True)
class _Trigger:
    rule: Rule
    start: int          # offsets in the sentence
    end: int
    text: str
    order: int          # the rule's index in the vocabulary
    subordinate: bool


@dataclass
class _Sentence:
    index: int
    start: int          # offset of the sentence in the article text
    text: str
    actors: list        # ActorMention (known and unknown groups), by start
    places: list        # gazetteer Mention with a place
    dates: list         # DateMention
    offsets: list       # DayOffset

    def __post_init__(self):
        self.actor_starts = [a.start for a in self.actors]


class _Spans:
    """Items with a ``start`` offset, sorted, sliced per sentence by bisection."""

    def __init__(self, items):
        self.items = sorted(items, key=lambda m: m.start)
        self.starts = [m.start for m in self.items]

    def within(self, s: int, e: int) -> list:
        return self.items[bisect.bisect_left(self.starts, s):bisect.bisect_left(self.starts, e)]


def extract_events(article, gazetteer, actors, vocabulary: Vocabulary | None = None, *,
                   situations: bool = False) -> list[Event]:
    """Events of one ``geo.text.articles.Article``; ``gazetteer`` a ``gazetteer.Gazetteer``,
    ``actors`` a ``geo.actors.ActorDictionary``. ``situations`` keeps standing facts
    ("X is held by Y", modality "situation") for the control layer."""
    vocab = vocabulary or load_vocabulary()
    text = article.text
    region = actors.theatre_countries(text)     # "ISWAP": a prior for Nigeria's places
    # places the gazetteer locates or knows, and names it does not know that the text calls
    # places ("the border town of X") or places itself ("X in Y district"); not streets
    places = _Spans(text_place(m) for m in gazetteer.geoparse(text, region=region or None)
                    if m.place is not None or m.rule != "street")
    setting = actors.setting(Counter(m.place.country_code for m in places.items
                                     if m.place.country_code), article.published)
    known = actors.find(text, setting)
    state = actors.find_state_forces(text, [
        (m.start, m.end, m.place.country_code, m.place.name) for m in places.items
        if m.rule == "demonym" and m.place.feature_code.startswith("PCL")], known, setting)
    known = [m for m in known if not any(m.start < f.end and f.start < m.end for f in state)]
    known = sorted(known + state, key=lambda m: m.start)
    known = [a for a in known if not (a.generic and _inside_place(a, places))]
    acts = _Spans(known + actors.find_unknown(text, known))
    day_first = getattr(article, "day_first", None)
    if article.date_source == "inferred" and article.date_window:
        dates = find_dates_in_window(text, *article.date_window, day_first=day_first)
    else:   # relative dates only against a known publication date
        dates = find_dates(text, article.published if article.date_source != "none" else None,
                           day_first=day_first)
    dates, offsets = _Spans(dates), _Spans(find_day_offsets(text))
    ctx = Discourse(vocab, actors, getattr(gazetteer, "division_seat", None))
    ctx.count_places(places.items)
    events: list[Event] = []
    for n, (s, e) in enumerate(sentence_bounds(text)):
        sent = _Sentence(n, s, text[s:e], acts.within(s, e), places.within(s, e),
                         dates.within(s, e), offsets.within(s, e))
        speakers = [a for a in sent.actors if _is_speaker(a, sent, vocab)]
        found = [] if _headline(sent.text, article) else \
            _sentence_events(sent, speakers, article, vocab, actors, ctx, situations)
        if not found and events:
            _carry_over(sent, events, vocab)
        ctx.observe(sent, speakers, found)
        events += found
    where = article_country({m.place.country_code for m in places.items if m.place is not None
                             and m.place.country_code and m.rule != "demonym"}, region)
    return [_localised(ev, actors, setting, where) for ev in events]


def article_country(countries: set[str], region: frozenset[str]) -> str:
    """The country (ISO alpha-2) of an article's unlocated events when the text leaves no
    doubt: the one country all its places lie in (``countries``: the countries of the places
    it names as places, not demonyms: "Ukrainian drones" says who, not where; a sea has
    none), else, when it names no place, the one country its named actors operate in
    (``region``); "" for an article across countries (a coder would look for the place; a
    guess would put events in the wrong country)."""
    if countries:
        return next(iter(countries)) if len(countries) == 1 else ""
    return next(iter(region)) if len(region) == 1 else ""


def _home(actor) -> str:
    """The country a non-state armed group fights in (its dictionary ``country``; rebels,
    political and identity militias: ACLED inter 2-4), "" for others: a state's forces act
    abroad too."""
    return getattr(actor, "country", "") if getattr(actor, "inter", 0) in (2, 3, 4) else ""


def _localised(ev: Event, actors, setting, where: str = "") -> Event:
    """The event's actors named and coded for its country ("Civilians (Mali)"; a state force
    abroad with its ``inter_abroad`` code): the place's country, else the one the text names
    most, else ``ev.country``. ``ev.country`` is the place's country, else ``where``
    (``article_country``), else the home country of actor 1, or of actor 2, when it is a
    non-state armed group ("soldiers clashed with JNIM": Mali)."""
    placed = ev.place.country_code if ev.place is not None else ""
    ev.country = placed or where or _home(ev.actor1) or _home(ev.actor2)
    country = placed or (setting.countries[0] if setting.countries else "") or ev.country
    ev.actor1 = actors.localised(ev.actor1, country, ev.last_date)
    ev.actor2 = actors.localised(ev.actor2, country, ev.last_date)
    ev.claimant = actors.localised(ev.claimant, country)
    named = actors.rules.localised_name
    ev.assoc_actor_1 = tuple(named(n, country) for n in ev.assoc_actor_1)
    ev.assoc_actor_2 = tuple(named(n, country) for n in ev.assoc_actor_2)
    ev.claimed_by = ev.claimed_by and named(ev.claimed_by, country)
    ev.actor1_text = named(ev.actor1_text, country)
    return ev


def _headline(sentence: str, article) -> bool:
    """The article's headline: its title as a line of its own with no closing full stop
    (headlines repeat the body in the present tense)."""
    def norm(s):
        return " ".join(HEADLINE_DATE.sub("", s).split()).casefold()
    line = sentence.strip()
    return bool(article.title) and norm(line) == norm(article.title) and \
        not line.endswith((".", "!", "?", "\"", "”"))


# -- triggers ---------------------------------------------------------------------------------

def _triggers(sentence: str, vocab: Vocabulary) -> list[_Trigger]:
    """Valid triggers of every rule, main-clause first, then in rule order and position."""
    out = []
    bg = vocab.background.search(sentence)
    background_from = bg.end() if bg else len(sentence) + 1
    for order, rule in enumerate(vocab.rules):
        if rule.requires is not None and not rule.requires.search(sentence):
            continue
        for m in rule.pattern.finditer(sentence):
            clause = clause_before(sentence, m.start())
            first_word = m.group(0).split()[0].lower() if m.group(0).split() else ""
            if vocab.negation.search(clause[-25:]) or vocab.hypothetical.search(clause) or \
                    m.start() >= background_from or \
                    (first_word.endswith("ed") and ADJECTIVAL.search(clause)):
                continue
            out.append(_Trigger(rule, m.start(), m.end(), m.group(0), order, False))
    # Subordinate: a subordinator or support phrase stands between the trigger and the
    # trigger before it in its clause ("the clans that fought … signed a ceasefire": "fought"
    # is in the relative clause, "signed" after it is the main verb). A trigger in one phrase
    # with the one before shares its status ("following days of air strikes and fighting").
    status: dict[int, bool] = {}
    prev_end, prev_sub = 0, False
    for t in sorted(out, key=lambda t: t.start):
        if t.start in status:
            continue
        if prev_end and SAME_PHRASE.fullmatch(sentence[prev_end:t.start]):
            sub = prev_sub
        else:
            sub = bool(vocab.subordinate.search(
                sentence[max(0, t.start - 60, prev_end):t.start].split(",")[-1]))
        status[t.start] = sub
        prev_end, prev_sub = max(prev_end, t.end), sub
    out = [replace(t, subordinate=status[t.start]) for t in out]
    return sorted(out, key=lambda t: (t.rule.situation, t.subordinate, t.order, t.start))


def _sentence_events(sent: _Sentence, speakers: list, article, vocab: Vocabulary, actors,
                     ctx: Discourse, situations: bool) -> list[Event]:
    triggers = [t for t in _triggers(sent.text, vocab) if situations or not t.rule.situation]
    if not triggers:
        return []
    main = triggers[0]
    backers = {id(a) for a in sent.actors if _is_backer(a, sent, actors)}
    doers = [a for a in sent.actors if a not in speakers and id(a) not in backers]
    # Further events: other rules' triggers with an agent of their own next to them.
    extra, used_rules, taken = [], {main.rule.name}, [(main.start, main.end)]
    for t in triggers[1:]:
        if t.rule.name in used_rules or t.rule.situation or t.rule.name == "statement" or \
                any(t.start < b and a < t.end for a, b in taken):
            continue
        agent = _own_agent(t, doers, sent)
        if agent is not None:
            extra.append((t, agent))
            used_rules.add(t.rule.name)
            taken.append((t.start, t.end))
    claimed = {id(agent) for _, agent in extra}
    marks = sorted([(main.start, main.end)] + [(t.start, t.end) for t, _ in extra])
    further = [_further_scope(t, agent, marks, sent) for t, agent in extra]
    out = []
    for k, (trig, agent) in enumerate([(main, None), *extra]):
        if agent is None:       # the main event: the sentence, less the further agents
            scope = (0, len(sent.text))
            own = [a for a in doers if id(a) not in claimed]
            # what it counts and how it is coded: the sentence less the further events'
            # clauses (their dead and their force are theirs; not the force used on its
            # crowd, see ``fold_force_on_crowds``), offsets kept
            told = _blank(sent.text, [r for (t, _), r in zip(extra, further, strict=True)
                                      if not r[0] <= trig.start < r[1]
                                      and not force_on_crowd(vocab, main, t, sent.text)])
        else:                   # a further event: its clause, up to the next trigger
            scope = further[k - 1]
            own = [a for a in doers if scope[0] <= a.start - sent.start < scope[1]]
            told = sent.text[scope[0]:scope[1]]
        ev_id = f"{article.id}-{sent.index}" + (f".{k}" if k else "")
        ev = _event(ev_id, trig, sent, article, vocab)
        _claim(ev, speakers, sent, vocab, ctx)
        _actors(ev, trig, own, speakers, sent, actors, ctx, agent)
        if agent is None and ev.actor1 is None:
            _shared_subject(ev, trig, extra, sent)
        span = sent.text[scope[0]:scope[1]]
        in_scope = [m for m in sent.places
                    if scope[0] <= m.start - sent.start < scope[1] and not _inside_actor(m, sent)]
        if not _date(ev, trig, sent, scope, article, ctx):
            continue            # dated long before publication: background
        found = locate(ev, in_scope, sent, trig.start, span, vocab, ctx)
        if ev.actor1 is None and ev.actor2 is None and ev.place is None and not found:
            continue            # nothing to map and no one to name
        fatalities = count_fatalities(span)
        for j, place_ev in enumerate(found or [ev]):
            place_ev.fatalities = _share(fatalities, j, len(found or [ev]))
            _recode(place_ev, actors, vocab, told)
            if place_ev.sub_event_type in vocab.no_fatalities:
                place_ev.fatalities = None       # the sentence's dead are another event's
            assign_crowd(place_ev, actors, vocab, trig.start, own)
            _perpetrator(place_ev, actors, vocab, sent, told[max(0, trig.end - scope[0]):])
            out.append((place_ev, (trig.start, trig.end)))
    _loser_from_withdrawal(out, sent.text, vocab)
    return fold_force_on_crowds(out, sent.text, vocab)


def _loser_from_withdrawal(events: list[tuple[Event, tuple[int, int]]], sentence: str,
                           vocab: Vocabulary) -> None:
    """A town taken with no loser named takes as actor 2 the doer of a further event of the
    sentence told by a withdrawal (``[territory_loss]``): "RSF fighters took Wad Madani after
    army troops withdrew". ``events``: the sentence's events with their triggers' (start,
    end) offsets in ``sentence``."""
    if vocab.withdrawal is None:
        return
    withdrew = [other for other, (a, b) in events
                if other.actor1 is not None and vocab.withdrawal.search(sentence[a:b])]
    for ev, _ in events:
        if ev.sub_event_type in vocab.loss_sub_types and ev.actor2 is None and \
                ev.actor1 is not None:
            ev.actor2 = next((other.actor1 for other in withdrew
                              if other.actor1.id != ev.actor1.id), None)


def _further_scope(trig: _Trigger, agent, marks: list[tuple[int, int]],
                   sent: _Sentence) -> tuple[int, int]:
    """A further event's part of the sentence ((start, end) offsets in it): from its agent's
    or trigger's clause (after the previous trigger) up to the next trigger."""
    i = marks.index((trig.start, trig.end))
    lead = min(trig.start, agent.start - sent.start)
    cut = list(re.finditer(r"[,;:—–(]", sent.text[:lead]))
    start = max(marks[i - 1][1] if i else 0, cut[-1].end() if cut else 0)
    return start, marks[i + 1][0] if i + 1 < len(marks) else len(sent.text)


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with the characters of ``ranges`` ((start, end) offsets) made spaces."""
    for a, b in ranges:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _event(ev_id: str, trig: _Trigger, sent: _Sentence, article, vocab: Vocabulary) -> Event:
    planned = trig.rule.name != "statement" and bool(
        vocab.planned.search(clause_before(sent.text, trig.start)))
    modality = "situation" if trig.rule.situation else "planned" if planned else \
        "statement" if trig.rule.name == "statement" else "asserted"
    speech = modality in SPEECH
    return Event(
        event_id=ev_id, article_id=article.id, article_title=article.title,
        article_source=article.source, article_url=article.url, published=article.published,
        sentence=sent.text.strip(), sentence_start=sent.start, sentence_index=sent.index,
        trigger=trig.text,
        rule=trig.rule.name,
        event_type=vocab.speech_type if speech else trig.rule.event_type,
        sub_event_type="Other" if speech else trig.rule.sub_event_type,
        control=None if speech else trig.rule.control, modality=modality,
        family=trig.rule.family)


# -- actors -----------------------------------------------------------------------------------

def _inside_place(a, places: _Spans) -> bool:
    """A common noun inside a longer located place name is the place's ("Imam" in "Imam
    Sahib", "Farmers" in "Farmers Branch"): the place mention starting last at or before
    it (place mentions do not overlap) covers it and more."""
    i = bisect.bisect_right(places.starts, a.start) - 1
    if i < 0:
        return False
    m = places.items[i]
    return m.place is not None and m.place.located and a.end <= m.end and \
        m.end - m.start > a.end - a.start


def _inside_actor(m, sent: _Sentence) -> bool:
    """A place mention inside an actor's name ("US jets", "Syrian army"); not one the actor's
    name is only the start of."""
    i = bisect.bisect_right(sent.actor_starts, m.start) - 1
    return i >= 0 and sent.actors[i].start <= m.start < sent.actors[i].end and \
        m.end <= sent.actors[i].end


def _is_speaker(a, sent: _Sentence, vocab: Vocabulary) -> bool:
    rel = a.start - sent.start
    after = sent.text[a.end - sent.start:a.end - sent.start + 80]
    before = sent.text[max(0, rel - 60):rel]
    return bool(vocab.speech_after.match(after) or vocab.speech_before.search(before))


def _is_backer(a, sent: _Sentence, actors) -> bool:
    """"Iran-backed PMU", "US-led coalition" (when not one alias), "pro-Hizballah TV": the
    backer or the side named as an adjective does nothing."""
    after = sent.text[a.end - sent.start:a.end - sent.start + 20]
    m = re.match(r"\s*[-‐–]\s*(\w+)", after)
    if m and m.group(1).lower() in actors.words("backing_words"):
        return True
    rel = a.start - sent.start
    return bool(re.search(r"\b(?:pro|anti)[-‐–]\(?$", sent.text[max(0, rel - 8):rel],
                          re.IGNORECASE))


def _own_agent(t: _Trigger, doers: list, sent: _Sentence):
    """The named agent of a further trigger: "X <trigger>" (at most two plain words between,
    not "the X advance" or "of X's capture", which name an event already told) or
    "<trigger> [dropped] by X"."""
    for a in doers:
        rel_s, rel_e = a.start - sent.start, a.end - sent.start
        gap = sent.text[rel_e:t.start] if rel_e <= t.start else ""
        if rel_s < t.start and rel_e <= t.end and len(gap.split()) <= 2 and \
                not re.search(r"[,;:—–]", gap) and not GAP_STOP.search(gap) and \
                not NOMINAL_BEFORE.search(sent.text[max(0, rel_s - 12):rel_s]) and \
                not re.match(r"[\u2019']s\b", sent.text[rel_e:rel_e + 2]) and \
                not SUPPORT_BEFORE.search(sent.text[max(0, rel_s - 30):rel_s]):
            return a
        if rel_s >= t.end and BY_AGENT.match(sent.text[t.end:rel_s]) and \
                not SUPPORT_BEFORE.search(sent.text[t.end:rel_s]):
            return a
    return None


def _claim(ev: Event, speakers: list, sent: _Sentence, vocab: Vocabulary,
           ctx: Discourse) -> None:
    """A speech cue makes the event a claim by the named speaker, or by the last one named
    when the speaker is a pronoun or a role ("the official said")."""
    cue = bool(vocab.claim.search(sent.text)) or ev.modality == "statement"
    if speakers:
        sp = speakers[0]
        ev.claimant, ev.claimant_person = sp.actor, sp.person
        ev.claimed_by = (sp.person or sp.actor.name) if cue else None
    elif cue and vocab.speaker_pronoun.search(sent.text) and (last := ctx.speaker(sent.index)):
        ev.claimed_by, ev.claimant, ev.claimant_person = last


def _actors(ev: Event, trig: _Trigger, doers: list, speakers: list, sent: _Sentence, actors,
            ctx: Discourse, agent=None) -> None:
    """actor1 (the doer) and actor2 (the target) of one trigger; see the module docstring."""
    if agent is None and trig.rule.weapon_subject:
        _weapon_subject(ev, trig, doers, sent, ctx.vocab)
        return
    s, at = sent.start, sent.start + trig.start
    asides = [(m.start(), m.end()) for m in ASIDE.finditer(sent.text[:trig.start])]
    victims = [a for a in doers if VICTIM_AFTER.match(sent.text[a.end - s:a.end - s + 40])]
    before = [a for a in doers if a.start < at and a not in victims and not any(
        x <= a.start - s < y for x, y in asides) and not SUPPORT_BEFORE.search(
        sent.text[max(0, a.start - s - 30):a.start - s])]
    after = [a for a in doers if a.start >= at + len(trig.text)]
    first = agent
    if first is None and PASSIVE.search(sent.text[max(0, trig.start - 25):trig.start]):
        # "were liberated from IS (by the PMU)": the agent after "by", else the speaker
        loser = _after_word(after, sent, "from")
        by = _after_word(after, sent, "by")
        if by is not None or loser is not None:
            ev.actor1 = by.actor if by else (speakers[0].actor if speakers else None)
            ev.actor1_text = by.text if by else ""
            ev.actor2 = loser.actor if loser else None
            if ev.actor1 is None:
                _pronoun(ev, trig, sent, ctx)
            return
    if first is None:
        first = next((a for a in after if BY_AGENT.match(sent.text[trig.end:a.start - s])
                      and not SUPPORT_BEFORE.search(sent.text[trig.end:a.start - s])), None)
    if first is None and ev.claimant is not None and (
            ev.modality in SPEECH or WE.search(clause_before(sent.text, trig.start, 200))):
        ev.actor1, ev.actor1_text = ev.claimant, ev.claimant_person or ev.claimant.name
        return
    partner = None
    if first is None and not before:
        # "A US drone strike hit …": the trigger inside the actor's own phrase
        first = next((a for a in doers if a.start <= at and
                      at + len(trig.text) <= a.end), None)
    if first is None and before:
        first = before[-1]
        # "A and B clashed": the first named is actor 1 (the coders' rule when the text does
        # not say who began), the other actor 2
        while (i := before.index(first)) > 0 and COORDINATED.match(
                sent.text[before[i - 1].end - s:first.start - s]):
            partner, first = first, before[i - 1]
        if partner is not None and _took_initiative(partner, first, sent, ctx.vocab):
            first, partner = partner, first    # "… as Russian forces tried to encircle it"
    if ev.modality in SPEECH:       # "ready to fight IS": IS is the object, not the speaker
        after = [a for a in after if not OBJECT_BEFORE.search(
            sent.text[max(0, a.start - s - 30):a.start - s])]
    if first is None:
        spoke = [a for a in speakers if a.start < at]
        if spoke:
            first = spoke[-1]             # "The PMU said they had surrounded …"
        elif _pronoun(ev, trig, sent, ctx):
            first = None
        elif (named := [a for a in after if not SUSPECTED_OF.search(
                sent.text[max(0, a.start - s - 50):a.start - s]) and not CASUALTIES_BEFORE.search(
                sent.text[max(0, a.start - s - 80):a.start - s])]):
            first = named[0]
        elif ev.modality in SPEECH and WE.search(clause_before(sent.text, trig.start, 200)) \
                and (last := ctx.subject(sent.index)) is not None:
            ev.actor1, ev.actor1_text = last, "we"   # an unnamed speaker of the last actor
    if first is not None:
        ev.actor1, ev.actor1_text = first.actor, first.text
    if ev.modality in SPEECH:
        return
    if ev.actor1 is None:               # "14 civilians were killed in air strikes"
        ev.actor2 = victims[0].actor if victims else None
        return
    a1 = ev.actor1
    targets = [a for a in victims + after if a is not first and a.actor.id != a1.id
               and not SUPPORT_BEFORE.search(sent.text[max(0, a.start - s - 30):a.start - s])
               and not (ev.event_type in ctx.vocab.violent and _allied(actors, a1, a.actor))]
    antecedent = _relative_antecedent(first, doers, sent) if first is not None else None
    if antecedent is not None and antecedent.actor.id != a1.id:
        ev.actor2 = antecedent.actor      # "the Syrian forces — which US jets bombed"
    elif targets:
        ev.actor2 = targets[0].actor
    elif partner is not None and partner.actor.id != a1.id:
        ev.actor2 = partner.actor
    ev.assoc_actor_1 = tuple(dict.fromkeys(
        a.actor.name for a in before if a is not first and a.actor.id != a1.id
        and a.actor.bloc == a1.bloc))
    attacker = _repelled_attacker(trig, sent, ctx.vocab)
    if attacker is not None and attacker.actor.id != a1.id:
        # "Troops repelled a Boko Haram attack": the attacker is actor 1
        ev.actor1, ev.actor1_text, ev.actor2 = attacker.actor, attacker.text, a1
        ev.assoc_actor_1 = ()


def _shared_subject(ev: Event, trig: _Trigger, extra: list, sent: _Sentence) -> None:
    """The main event's doer when its verb shares a further event's subject: "Russian forces
    detained the mayor and took him to an unknown location" (``extra``: the further
    triggers with their agents)."""
    for t, agent in extra:
        between = sent.text[t.end:trig.start]
        if agent.start - sent.start < t.start < trig.start and \
                re.search(r"\band\b", between) and not re.search(r"[;:.]", between):
            ev.actor1, ev.actor1_text = agent.actor, agent.text
            return


def _repelled_attacker(trig: _Trigger, sent: _Sentence, vocab: Vocabulary):
    """The actor named in the attack a repelling trigger repelled ("repelled a Boko Haram
    attack", "repelled an attack by armed men"; ``[discourse] repelled``), or None."""
    if vocab.repelled is None:
        return None
    m = vocab.repelled.match(sent.text, trig.start)
    if m is None:
        return None
    return next((a for a in sent.actors if trig.end <= a.start - sent.start
                 and a.end - sent.start <= m.end()), None)


def _took_initiative(side, other, sent: _Sentence, vocab: Vocabulary) -> bool:
    """Whether a later mention in ``sent`` of ``side`` (one of two actors named together) is
    followed by an attack or an attempt to take ground (``initiative``) and no such mention
    of ``other`` is."""
    if vocab.initiative is None:
        return False

    def began(actor) -> bool:
        return any(a.actor.id == actor.actor.id and a.start > actor.end and
                   vocab.initiative.match(sent.text, a.end - sent.start) for a in sent.actors)
    return began(side) and not began(other)


def _weapon_subject(ev: Event, trig: _Trigger, doers: list, sent: _Sentence,
                    vocab: Vocabulary) -> None:
    """Actors of an attack told with the weapon as subject ("A landmine struck an AMISOM
    convoy …; al-Shabaab said it had planted the device"): actor 1 is the one the sentence
    says claimed it, or blames; actor 2 the first other actor after the trigger."""
    s = sent.start
    after = [a for a in doers if a.start - s >= trig.end]
    doer = _responsible(sent, trig.end, vocab)
    if doer is not None:
        ev.actor1, ev.actor1_text = doer.actor, doer.text
    target = next((a for a in after if a is not doer and (
        doer is None or a.actor.id != doer.actor.id)), None)
    ev.actor2 = target.actor if target is not None else None


def _responsible(sent: _Sentence, after: int, vocab: Vocabulary):
    """The actor mention (speakers too) the sentence says did it, after offset ``after``:
    the last one before "claimed the attack" / "said it had planted the device" in the same
    clause, else the one right after "blamed (the)" / "planted by"; None when it names
    none."""
    s = sent.start
    named = [a for a in sent.actors if a.start - s >= after]
    claim = vocab.responsibility.search(sent.text, after) if vocab.responsibility else None
    if claim is not None:           # "…; al-Shabaab said it had planted the device"
        doer = next((a for a in reversed(named) if a.end - s <= claim.start() and
                     re.fullmatch(r"[^;.]{0,60}", sent.text[a.end - s:claim.start()])),
                    None)
        if doer is not None:
            return doer
    if vocab.blamed is None:
        return None
    return next((a for a in named if vocab.blamed.search(       # "officials blamed the Taliban"
        sent.text[max(0, a.start - s - 40):a.start - s])), None)


def _pronoun(ev: Event, trig: _Trigger, sent: _Sentence, ctx: Discourse) -> bool:
    """actor1 from a pronoun or definite description subject ("They", "The group")."""
    clause = sent.text[:trig.start].lstrip(" \"“'‘")
    if not ctx.vocab.pronoun_subject.search(clause):
        return False
    last = ctx.subject(sent.index)
    if last is None:
        return False
    ev.actor1 = last
    ev.actor1_text = ctx.vocab.pronoun_subject.search(clause).group(0).split(",")[-1].strip()
    return True


def _relative_antecedent(first, doers: list, sent: _Sentence):
    """X in "X — which <first> <trigger>", the object of a relative clause."""
    s = sent.start
    for a in doers:
        if a.end <= first.start and RELATIVE_OBJECT.match(sent.text[a.end - s:first.start - s]):
            return a
    return None


def _allied(actors, a, b) -> bool:
    try:
        return actors.allied(a.bloc, b.bloc)
    except KeyError:
        return False


def _after_word(acts: list, sent: _Sentence, word: str):
    """The first actor mention right after ``word`` ("from IS", "by the PMU")."""
    for a in acts:
        before = sent.text[max(0, a.start - sent.start - 30):a.start - sent.start]
        if re.search(rf"\b{word}\s+(?:the\s+)?$", before) and not SUPPORT_BEFORE.search(before):
            return a
    return None


# -- dates, fatalities, recoding ---------------------------------------------------------------

def _date(ev: Event, trig: _Trigger, sent: _Sentence, scope: tuple[int, int], article,
          ctx: Discourse) -> bool:
    """Date the event; False when it is dated long before publication (background)."""
    at = sent.start + trig.start
    undated = article.published is None and not article.date_window
    # in an undated article a bare year ("captured by IS in 2014") is background, not a date
    dates = [d for d in sent.dates if not (undated and d.precision == "year")]
    in_scope = [d for d in dates if scope[0] <= d.start - sent.start < scope[1]]
    cands = sorted(in_scope or dates, key=lambda d: abs(d.start - at))
    if cands:
        d = cands[0]
        ev.first_date, ev.last_date, ev.date_precision = d.first, d.last, d.precision
        ev.date_source = f"text:{d.rule}"
        ref = article.published or (article.date_window or (None,))[0]
        return ref is None or d.last >= ref - timedelta(days=HISTORICAL_DAYS)
    base = ctx.day(sent.index)
    if sent.offsets and base is not None:
        day = base + timedelta(days=sent.offsets[0].days)
        ev.first_date = ev.last_date = day
        ev.date_precision, ev.date_source = "day", "text:day_offset"
    elif article.date_source == "inferred" and article.date_window:
        ev.first_date = article.date_window[0] - timedelta(days=6)
        ev.last_date = article.date_window[1]
        ev.date_precision = "week" if (ev.last_date - ev.first_date).days < 7 else "month"
        ev.date_source = "article:inferred"
    elif article.published is not None:
        ev.first_date = article.published - timedelta(days=6)
        ev.last_date = article.published
        ev.date_precision = "week"
        ev.date_source = f"article:{article.date_source}"
    else:
        ev.date_source = "none"
    return True


def _carry_over(sent: _Sentence, events: list[Event], vocab: Vocabulary) -> None:
    """A sentence that adds to the last event instead of telling a new one: "Two soldiers
    were killed." gives it its fatalities (when it has none); "X claimed responsibility" /
    "X claimed the attack" (``_responsible``) makes X the claimant and, when the attacker
    was unnamed, actor1."""
    last = events[-1]
    if sent.index - last.sentence_index > CARRY_BACK:
        return
    same = [e for e in events if e.sentence_start == last.sentence_start]
    deaths = count_fatalities(sent.text)
    if deaths is not None and all(e.fatalities is None for e in same):
        last.fatalities = deaths
    who = _responsible(sent, 0, vocab)
    if who is not None:
        last.claimed_by, last.claimant = who.actor.name, who.actor
        if last.actor1 is None or getattr(last.actor1, "kind", "") == "unidentified":
            last.actor1, last.actor1_text = who.actor, who.text


def _share(total: int | None, j: int, n: int) -> int | None:
    """The j-th of n even shares of a stated total (the remainder to the first)."""
    if total is None or n == 1:
        return total
    return total // n + (total % n if j == 0 else 0)


def _recode(ev: Event, actors, vocab: Vocabulary, told: str | None = None) -> None:
    """The vocabulary's ``[[recode]]`` rules: ACLED sub-types and types that depend on the
    actors or the wording, applied in order. ``told``: the words that tell the event (its
    sentence less other events' clauses), which the wording conditions read; default the
    sentence."""
    for rc in vocab.recodes:
        if all(_holds(ev, key, value, actors, told) for key, value in rc.when):
            for key, value in rc.set:
                setattr(ev, key, value)


def _perpetrator(ev: Event, actors, vocab: Vocabulary, sent: _Sentence | None = None,
                 after: str = "") -> None:
    """Political violence told as done (the vocabulary's ``[perpetrator]``): civilians are
    never actor 1 ("a US drone strike killed ten civilians": the civilians are actor 2), an
    unnamed perpetrator is the one ``sent`` says claimed it or blames ("…; Islamic State
    claimed the attack"), else the unknown-perpetrator actor ("Unidentified Armed Group"),
    and the victims of violence against civilians are civilians. ``after``: the words that
    tell the event after its verb, where an unnamed target is read (``_civilian_target``)."""
    if ev.modality == "asserted" and ev.actor2 is None and after and \
            _civilian_target(after, vocab) and vocab.victims in actors.actors and \
            (ev.event_type in vocab.civilian_target_of or
             ev.sub_event_type in vocab.civilian_target_of):
        ev.actor2 = actors.actors[vocab.victims]       # "hit a market, killing four people"
    if ev.event_type not in vocab.perpetrated or ev.modality != "asserted":
        return
    if ev.actor1 is not None and getattr(ev.actor1, "inter", 0) == CIVILIAN_INTER:
        if ev.actor2 is not None and getattr(ev.actor2, "inter", 0) != CIVILIAN_INTER:
            ev.actor1, ev.actor2 = ev.actor2, ev.actor1
        else:
            ev.actor1, ev.actor2 = None, ev.actor2 or ev.actor1
    unnamed = ev.actor1 is None or ev.actor1.id == vocab.unknown_perpetrator     # "gunmen"
    if unnamed and sent is not None and \
            (who := _responsible(sent, 0, vocab)) is not None and who.actor is not ev.actor2:
        ev.actor1, ev.actor1_text = who.actor, who.text   # "…; IS claimed the attack"
    if ev.actor1 is None and vocab.unknown_perpetrator in actors.actors:
        ev.actor1 = actors.actors[vocab.unknown_perpetrator]
    if ev.actor2 is None and ev.event_type in vocab.victims_of and \
            vocab.victims in actors.actors:
        ev.actor2 = actors.actors[vocab.victims]       # "Civilians (<country>)"
    elif ev.event_type in vocab.civilian_only and ev.actor2 is not None and \
            getattr(ev.actor2, "inter", 0) != CIVILIAN_INTER and vocab.victims in actors.actors:
        ev.actor2 = actors.actors[vocab.victims]       # "relatives of a PDF member"


def _civilian_target(after: str, vocab: Vocabulary) -> bool:
    """Whether ``after`` (the words after an event's verb) names civilian people or places
    and no armed target outside a "by …"/"from …" phrase (``[perpetrator]`` civilian_words,
    armed_words)."""
    if vocab.civilian_words is None or not vocab.civilian_words.search(after):
        return False
    armed = vocab.armed_words
    return armed is None or not any(
        not AGENT_PHRASE.search(after, max(0, m.start() - 40), m.start())
        for m in armed.finditer(after))


def _holds(ev: Event, key: str, value, actors, told: str | None = None) -> bool:
    """Whether one ``[[recode]]`` condition holds for ``ev`` (wording read in ``told``)."""
    if key in ("actor1_inter", "actor2_inter"):
        actor = ev.actor1 if key == "actor1_inter" else ev.actor2
        codes = value if isinstance(value, list) else [value]
        return (getattr(actor, "inter", 0) if actor is not None else 0) in codes
    if key == "sentence":
        return bool(value.search(ev.sentence if told is None else told))
    if key == "sentence_not":
        return not value.search(ev.sentence if told is None else told)
    if key == "hostile_actors":
        a1, a2 = ev.actor1, ev.actor2
        if a1 is None or a2 is None:
            return not value
        try:
            return actors.hostile(a1.bloc, a2.bloc) == value
        except KeyError:
            return not value
    return getattr(ev, key) in value if isinstance(value, list) else getattr(ev, key) == value
