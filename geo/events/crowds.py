"""ACLED's actors of crowd events (protests, riots, mob violence) and force used on a crowd.

The vocabulary's ``[[crowd]]`` entries say which dictionary actor the crowd is ("Protesters",
"Rioters", named for the event's country), its role (actor 1 or 2) and whether the sub-type
has another side by definition (``counterpart``: the police who dispersed a protest, the
soldiers who fired on it). ``fold_force_on_crowds`` makes "soldiers opened fire on students
protesting" one event of excessive force, not a protest and an attack on civilians.
"""

from __future__ import annotations

import re

from geo.events.model import Event
from geo.events.vocabulary import Vocabulary
from geo.text.mentions import clause_before

#: ACLED inter codes of crowds (rioters 5, protesters 6) and civilians (7)
CROWD_CODES = (5, 6, 7)
#: a leading subordinate clause ("After police detained two journalists, …") is not the crowd
_LEADING_CLAUSE = re.compile(r"^\s*(?:after|when|as|while|following|despite|before|since|"
                             r"because|although|though)\b[^,]*,", re.IGNORECASE)
#: "(held) a protest by teachers", "a march of farmers": the crowd named after its action
_CROWD_AFTER = re.compile(r"(?:[\w-]+\s+){0,3}?(?:protests?|demonstrations?|march(?:es)?|"
                          r"rall(?:y|ies)|strikes?|sit-ins?|vigils?|walkouts?)\s+(?:by|of)\s+"
                          r"([^,.;:]{1,60})", re.IGNORECASE)
#: words between a violent trigger and a crowd trigger that start another clause
_NEW_CLAUSE = re.compile(r"[,;:—–()]|\b(?:and|but|while|whereas|as|when|after|before|then|"
                         r"later|also|elsewhere|meanwhile)\b", re.IGNORECASE)
#: what ends a clause between an actor and a trigger
_CLAUSE_END = re.compile(r"[;:—–]")
#: most words between the force and the crowd's action in one clause ("opened fire on
#: [the striking] students protesting", "protesting [fuel prices] were shot dead")
FOLD_GAP_WORDS = 6


def assign_crowd(ev: Event, actors, vocab: Vocabulary, at: int = -1, doers=()) -> None:
    """ACLED's actors of a crowd event (the vocabulary's ``[[crowd]]``): the crowd
    ("Protesters") in its role, the other side named in the text (police, a mob's victims)
    in the other (none when the crowd acts ``alone``), crowds and civilians named in the
    text folded into the crowd. When the sub-type has a counterpart and neither actor is
    one, it is the first armed, state or external actor among ``doers`` (the actor mentions
    of the event's clause). Who the crowd is becomes its associated actors
    (``assoc_actor_1``, or ``assoc_actor_2`` when the crowd is actor 2, as in excessive force
    against protesters): the parties, movements and unions the dictionary names among the
    sides, and the identity groups its own phrase names (``crowd_groups`` of the generic
    rules: "hundreds of teachers protested" gives "Teachers (<country>)"); ``at``: the
    trigger's offset in the sentence."""
    spec = vocab.crowd(ev.event_type, ev.sub_event_type)
    if spec is None or spec.actor not in actors.actors:
        return
    crowd = actors.actors[spec.actor]
    crowd_codes = (5, 6) if spec.victims else CROWD_CODES
    sides = [a for a in (ev.actor1, ev.actor2) if a is not None]
    others = [a for a in sides if getattr(a, "inter", 0) not in crowd_codes]
    if not others and spec.counterpart:
        others = [d.actor for d in doers if getattr(d.actor, "inter", 0) not in CROWD_CODES
                  and d.actor.id != crowd.id and _same_clause(ev, d, at)][:1]
    other = None if spec.alone else others[0] if others else actors.actors.get(spec.victims)
    ev.actor1, ev.actor2 = (crowd, other) if spec.role == 1 else (other, crowd)
    named = [a.name for a in sides if getattr(a, "inter", 0) in (5, 6)
             and not a.id.startswith("rule:") and a.id != crowd.id]
    generic = actors.rules.crowd_and_civilian_names
    phrase = crowd_phrase(ev.sentence, at) + " " + ev.trigger    # "fired at striking nurses"
    groups = [*named, *actors.rules.crowd_group_names(phrase)]
    if spec.role == 1:
        ev.assoc_actor_1 = tuple(dict.fromkeys(
            [*groups, *(n for n in ev.assoc_actor_1 if n not in generic)]))
    else:                               # "police fired on striking teachers": actor 2's
        ev.assoc_actor_1 = tuple(n for n in ev.assoc_actor_1 if n not in generic)
        ev.assoc_actor_2 = tuple(dict.fromkeys(groups))


def crowd_phrase(sentence: str, at: int) -> str:
    """The words that say who a crowd is: its subject (the clause before the trigger at
    ``at``, less a leading subordinate clause) and "by/of <…>" right after the trigger."""
    if at < 0:
        return ""
    before = _LEADING_CLAUSE.sub("", clause_before(sentence, at, 160))
    after = _CROWD_AFTER.match(sentence, at)
    return before + (" " + after.group(1) if after else "")


def fold_force_on_crowds(events: list[tuple[Event, tuple[int, int]]], sentence: str,
                         vocab: Vocabulary) -> list[Event]:
    """One sentence's events, each with its trigger's (start, end) offsets in ``sentence``
    (the sentence's main event first), less the further violent events that tell the force
    an earlier crowd event with a counterpart already is: the violent trigger and the
    crowd's within FOLD_GAP_WORDS words of one clause ("Soldiers opened fire on students
    protesting …", "students protesting … were shot dead by police"). The crowd event takes
    the violent one's perpetrator when it has no counterpart yet, and the larger death
    toll."""
    crowd = [(k, ev, span) for k, (ev, span) in enumerate(events)
             if _has_counterpart(ev, vocab)]
    if not crowd:
        return [ev for ev, _ in events]
    unknown = vocab.unknown_perpetrator
    out = []
    for i, (ev, span) in enumerate(events):
        host = None if ev.event_type not in vocab.violent or _has_counterpart(ev, vocab) \
            else next((c for k, c, cspan in crowd
                       if k < i and _one_clause(sentence, span, cspan)), None)
        if host is None:
            out.append(ev)
            continue
        spec = vocab.crowd(host.event_type, host.sub_event_type)
        side = "actor2" if spec.role == 1 else "actor1"
        doer = ev.actor1
        if getattr(host, side) is None and doer is not None and doer.id != unknown and \
                getattr(doer, "inter", 0) not in CROWD_CODES:
            setattr(host, side, doer)
        host.fatalities = max(host.fatalities or 0, ev.fatalities or 0) or host.fatalities
    return out


def _same_clause(ev: Event, mention, at: int) -> bool:
    """Whether an actor mention (offsets in the article) and the trigger at ``at`` (offset in
    the sentence) are in one clause: no semicolon, colon or dash between them."""
    rel = mention.start - ev.sentence_start
    between = ev.sentence[min(rel, at):max(rel, at)] if at >= 0 else ""
    return not _CLAUSE_END.search(between)


def force_on_crowd(vocab: Vocabulary, crowd_trigger, trigger, sentence: str) -> bool:
    """Whether ``trigger`` (a violent rule's; ``rule``, ``start``, ``end``) tells force
    used on the crowd of ``crowd_trigger`` (a crowd event type's): both in one clause of
    ``sentence``, within FOLD_GAP_WORDS words."""
    return crowd_trigger.rule.event_type in vocab.crowd_types and \
        trigger.rule.event_type in vocab.violent and \
        _one_clause(sentence, (trigger.start, trigger.end),
                    (crowd_trigger.start, crowd_trigger.end))


def _has_counterpart(ev: Event, vocab: Vocabulary) -> bool:
    spec = vocab.crowd(ev.event_type, ev.sub_event_type)
    return spec is not None and spec.counterpart


def _one_clause(sentence: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two trigger spans are near each other in one clause."""
    gap = sentence[min(a[1], b[1]):max(a[0], b[0])] if a[1] <= b[0] or b[1] <= a[0] else ""
    return len(gap.split()) <= FOLD_GAP_WORDS and not _NEW_CLAUSE.search(gap)
