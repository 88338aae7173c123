"""Who is fighting: the actor dictionary (``data/actors.toml``) and actor mentions in text.

``load_actors()`` reads and validates the dictionary (blocs, actors, people, word lists) and
returns an :class:`ActorDictionary`; ``find(text)`` returns the actors a text names, with
character offsets:

1. **One pass of Aho-Corasick** over the text's folded tokens (``gazetteer.normalize``: case,
   diacritics, apostrophes, possessive ``'s`` and hyphens folded, so "al-Hashed al-Shaabi",
   "Al Hashed al-Shaabi" and "PMU's" all meet their alias). Patterns are padded with spaces, so
   only whole words match. Every alias carries per-token case checks: short all-capital aliases
   (IS, US, PMU, SDF) match only capitals, "Isis" only "Isis"/"ISIS", one-word capitalised
   aliases and person names need a capital initial. Matches may not cross sentence punctuation.
   Overlaps are resolved longest first, then specific before national phrase before generic.
   Generic aliases ("the regime", "rebels") are dropped after "<X>-backed" when X's bloc is
   hostile to theirs; a country name used as an actor ("Iran has helped") is dropped after a
   locative word ("from Iran") or inside a longer proper noun.
2. **Role-linked people**: "<actor> <role> [<title>] <Name>" ("PMU spokesman Karim al-Nouri"),
   "<Name>, a <actor> <role>", "<Name>, <role> of <actor>" and "<role> of <actor>, <Name>" give
   the name as a mention of that actor, with ``person`` set. Listed ``[[person]]`` rows match by
   name and aliases in step 1.
3. **Later mentions** of a role-linked person's surname ("Nouri added") get the same actor.

``find_state_forces`` names a country's forces from a national adjective ("Malian troops")
where the dictionary has none. ``find_unknown(text, known)`` adds the armed groups the
dictionary does not know, named in the text as a proper noun with an organisation word ("the
Zorgan Brigade", "Liwa al-Quds"): they get an ad hoc :class:`Actor` in the "other" bloc
(``kind = "unidentified"``).

Modules of ``geo.actors``: ``types`` (the value types), ``file`` (reading and validating the
file), ``tokens`` (tokens and case checks), ``matching`` (step 1) and ``people`` (steps 2 and
3); this module builds the matcher and is the public API.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import ahocorasick

from gazetteer.normalize import TOKEN_RE, fold_token, match_key, variant_key
from geo.actors.file import DEFAULT_PATH, expand_braces, parse_actor_file
from geo.actors.people import PeopleContext
from geo.actors.rules import GenericRules, load_rules
from geo.actors.tokens import (
    ARTICLES,
    EXPLICIT,
    GENERIC,
    NATIONAL,
    RULE,
    Pattern,
    base_form,
    passes,
    token_checks,
    tokenize,
)
from geo.actors.types import Actor, ActorMention, Bloc, Person, Theatre
from geo.errors import DataError

__all__ = ["DEFAULT_PATH", "Actor", "ActorDictionary", "ActorMention", "Bloc", "Person",
           "Setting", "Theatre", "expand_braces", "load_actors"]


#: a text whose named actors point to more theatres than this gives no theatre hint
MAX_HINT_THEATRES = 2


@dataclass(frozen=True)
class Setting:
    """Where and when a text is set: theatre ids, best first (none: unknown), and the day
    (None: unknown). Chooses between actors that share a name."""

    theatres: tuple[str, ...] = ()
    day: date | None = None
    countries: tuple[str, ...] = ()        # ISO alpha-2, the most named first


class ActorDictionary:
    """The loaded dictionary: blocs, actors, people and the matcher over their aliases."""

    def __init__(self, blocs: dict[str, Bloc], actors: dict[str, Actor],
                 persons: list[Person], vocab: dict[str, frozenset[str]],
                 actor_rows: dict[str, dict[str, list[str]]], path: Path,
                 theatres: dict[str, Theatre] | None = None,
                 rules: GenericRules | None = None):
        self.blocs = blocs
        self.rules = rules or GenericRules((), {}, frozenset(), {})
        self.actors = dict(actors)
        self.theatres = theatres or {}
        self._order = {aid: n for n, aid in enumerate(actors)}
        self.persons = tuple(persons)
        self.path = path
        self._v = vocab
        self._role_all = vocab["roles"] | vocab["role_modifiers"] | vocab["titles"]
        self._patterns: dict[str, list[Pattern]] = {}
        self._nationals: dict[str, list[Pattern]] = {}
        self._caps_folds: set[str] = set()
        self._alias_count = 0
        self._build(actor_rows)

    # -- building -------------------------------------------------------------------------

    def _add(self, alias: str, pat: Pattern, table: dict[str, list[Pattern]] | None = None,
             words: list[str] | None = None) -> None:
        table = self._patterns if table is None else table
        words = TOKEN_RE.findall(alias) if words is None else words
        key = " ".join(fold_token(w) for w in words)
        if not words or not all(fold_token(w) for w in words) or \
                len(key.split(" ")) != len(words):
            raise DataError(f"{self.path}: alias {alias!r} of {pat.person or pat.actor!r} "
                            "has no words to match")
        checks = pat.checks or token_checks(words, pat.kind)
        pat = Pattern(pat.actor, pat.priority, checks, pat.kind, pat.person, pat.short,
                       pat.source or alias)
        for w in words:
            if base_form(w).isupper() and sum(ch.isalpha() for ch in w) >= 2:
                self._caps_folds.add(fold_token(w))
        existing = table.setdefault(key, [])
        for other in existing:
            if other.priority == pat.priority > RULE and (other.actor != pat.actor
                                                   or other.person != pat.person) \
                    and self._overlap(other.actor, pat.actor):
                who = pat.person or pat.actor
                other_who = other.person or other.actor
                raise DataError(f"{self.path}: alias {alias!r} of {who!r} is also an alias of "
                                f"{other_who!r} ({other.source!r}) at the same priority")
            if other == pat:
                return
        existing.append(pat)
        existing.sort(key=lambda p: -p.priority)

    def _overlap(self, a: str, b: str) -> bool:
        """Whether two actors can be meant in one text: the same home theatre (or none) and
        overlapping validity periods. One name for both is then a file error."""
        x, y = self.actors[a], self.actors[b]
        if (x.theatres and y.theatres and x.theatres[:1] != y.theatres[:1]) or (
                x.country and y.country
                                                and x.country != y.country):
            return False            # told apart by the text's theatre or country
        lo = max(x.valid_from or date.min, y.valid_from or date.min)
        hi = min(x.valid_to or date.max, y.valid_to or date.max)
        return lo <= hi

    def _add_with_variants(self, alias: str, pat: Pattern) -> None:
        """Add ``alias`` and its joined-article spelling ("al-Abadi" -> "alAbadi")."""
        words = TOKEN_RE.findall(alias)
        self._add(alias, pat, words=words)
        if not any(w.lower() in ARTICLES for w in words[:-1]):
            return
        checks = token_checks(words, pat.kind)
        joined: list[str] = []
        joined_checks: list = []
        i = 0
        while i < len(words):
            if words[i].lower() in ARTICLES and i + 1 < len(words):
                joined.append(words[i] + words[i + 1])
                joined_checks.append(None)
                i += 2
            else:
                joined.append(words[i])
                joined_checks.append(checks[i])
                i += 1
        self._add(alias, replace(pat, checks=tuple(joined_checks)), words=joined)

    def _build(self, rows: dict[str, dict[str, list[str]]]) -> None:
        nouns = sorted(self._v["force_nouns"])
        for aid, row in rows.items():
            descriptive = self.actors[aid].theatres[:1] not in ((), ("global",))
            for alias in row["aliases"]:
                if descriptive and alias == alias.lower():
                    # all in lower case: a description ("junta forces", "joint forces"),
                    # which names this actor only in its home theatre
                    self._add_with_variants(alias, Pattern(aid, GENERIC, (), "generic"))
                else:
                    self._add_with_variants(alias, Pattern(aid, EXPLICIT, (), "alias"))
            for alias in row["generic"]:
                self._add_with_variants(alias, Pattern(aid, GENERIC, (), "generic"))
            for alias in row["place_names"]:
                self._add(alias, Pattern(aid, GENERIC, (), "place"))
            for flag, names in ((False, row["nationals"]), (True, row["generic_nationals"])):
                for nat in names:
                    # a national in lower case ("junta", "regime") is a description
                    prio = GENERIC if flag or (nat == nat.lower() and descriptive) else NATIONAL
                    nat_words = TOKEN_RE.findall(nat)
                    nat_checks = token_checks(nat_words, "national")
                    self._add(nat, Pattern(aid, prio, nat_checks, "national"),
                              table=self._nationals, words=nat_words)
                    for noun in nouns:
                        words = nat_words + noun.split()
                        checks = nat_checks + (None,) * len(noun.split())
                        self._add(f"{nat} {noun}", Pattern(aid, prio, checks, "national"),
                                  words=words)
            self._alias_count += len(row["aliases"]) + len(row["generic"])
        for rule in self.rules.rules:               # lowest priority: a listed actor wins
            self.actors[rule.actor.id] = rule.actor
            self._order[rule.actor.id] = len(self._order)
            for phrase in rule.phrases:
                self._add(phrase, Pattern(rule.actor.id, RULE, (), "rule"))
        for p in self.persons:
            names = (p.name, *p.aliases)
            for alias in names:
                words = TOKEN_RE.findall(alias)
                name_words = [w for w in words if w.lower() not in self._v["name_particles"]
                              and w.lower() not in self._v["titles"]]
                self._add_with_variants(alias, Pattern(
                    p.actor, EXPLICIT, (), "person", p.name, short=len(name_words) == 1))
        self._nat_first = frozenset(k.split(" ")[0] for k in self._nationals)
        self._keys = list(self._patterns)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, key in enumerate(self._keys):
            automaton.add_word(f" {key} ", i)
        automaton.make_automaton()
        self._automaton = automaton
        self._variants: dict[str, set[str]] = {}
        for key, pats in self._patterns.items():
            vk = variant_key(key)
            if vk:
                self._variants.setdefault(vk, set()).update(
                    p.actor for p in pats if p.priority == EXPLICIT)

    # -- public API -----------------------------------------------------------------------

    def actor(self, id: str) -> Actor:
        try:
            return self.actors[id]
        except KeyError:
            raise KeyError(f"unknown actor id {id!r}") from None

    def bloc(self, id: str) -> Bloc:
        try:
            return self.blocs[id]
        except KeyError:
            raise KeyError(f"unknown bloc id {id!r}") from None

    def hostile(self, bloc_a: str, bloc_b: str) -> bool:
        """True when the two blocs fought each other (symmetric; a bloc is not hostile to
        itself). Unknown ids raise KeyError."""
        return bloc_b in self.bloc(bloc_a).hostile and bloc_a in self.bloc(bloc_b).hostile

    def allied(self, bloc_a: str, bloc_b: str) -> bool:
        """True for the same bloc (unless the bloc is ``unaligned``: "Other or
        unidentified" actors are not each other's allies) or a declared partnership."""
        if bloc_a == bloc_b:
            return not self.bloc(bloc_a).unaligned
        return bloc_b in self.bloc(bloc_a).allies

    def counts(self) -> dict[str, int]:
        """Sizes: actors, aliases as written (braces expanded), match keys, persons, blocs."""
        return {"actors": len(self.actors), "aliases": self._alias_count,
                "keys": len(self._patterns), "persons": len(self.persons),
                "blocs": len(self.blocs)}

    def resolve_name(self, name: str, setting: Setting | None = None) -> Actor | None:
        """The actor a free-text name denotes ("PMU", "the regime", "Hadi al-Amiri",
        "Hashd al-Shabi"), or None. Exact alias keys first (with the same case rules as in
        running text; ``setting`` chooses between actors sharing a name, as in :meth:`find`),
        then the transliteration variant key when it points to one actor."""
        setting = setting or Setting()
        toks = tokenize(name)
        if not toks:
            return None
        if name.strip() in self.actors:
            return self.actors[name.strip()]
        nouns = self._v["org_nouns"] | self._v["force_nouns"]
        first = 1 if toks[0].fold == "the" and len(toks) > 1 else 0
        last = len(toks) - 1 if len(toks) - first > 1 and toks[-1].fold in nouns else len(toks)
        for sub in (toks, toks[first:], toks[first:last]):     # "the …", "… forces" dropped
            key = " ".join(t.fold for t in sub)
            for pats in (self.patterns(key, setting),
                         [p for p in self._nationals.get(key, ()) if self._applies(p, setting)]):
                for pat in pats:
                    if len(pat.checks) == len(sub) and all(
                            passes(t, c) for t, c in zip(sub, pat.checks, strict=True)):
                        return self.in_setting(pat.actor, setting)
        for a in self.actors.values():
            if match_key(a.name) == " ".join(t.fold for t in toks):
                return a
        vk = variant_key(name)
        found = self._variants.get(vk, set()) if len(vk) >= 5 else set()
        return self.actors[next(iter(found))] if len(found) == 1 else None

    def setting(self, countries: Counter | None = None, day: date | None = None) -> Setting:
        """Where and when a text is set: its theatres ranked by how often the text places
        something in their countries (``countries``: ISO alpha-2 -> count), and its day."""
        counts = countries or Counter()
        score = {t.id: sum(counts[c] for c in t.countries) for t in self.theatres.values()}
        ranked = sorted((t for t, n in score.items() if n > 0), key=lambda t: -score[t])
        named = sorted((c for c, n in counts.items() if n > 0), key=lambda c: -counts[c])
        return Setting(tuple(ranked), day, tuple(named))

    def find(self, text: str, setting: Setting | None = None) -> list[ActorMention]:
        """Actor mentions in ``text``: non-overlapping, longest match, sorted by start.
        ``setting`` (see :meth:`setting`) chooses between actors that share a name: an actor
        row valid on its day, of its theatres first; generic names only in their theatre."""
        toks = tokenize(text)
        if not toks:
            return []
        ctx = PeopleContext(self, text, toks, setting or Setting())
        chosen = ctx.select(ctx.candidates())
        ctx.link_people(chosen)
        ctx.repeat_surnames()
        return ctx.mentions()

    def theatre_countries(self, text: str) -> frozenset[str]:
        """The countries (ISO alpha-2) of the theatre a text's named actors point to: the
        theatres of the actors it names by a proper name that operate in one theatre only
        ("ISWAP", "the Houthis", "RSF"), when they point to at most MAX_HINT_THEATRES
        theatres; else none. A prior for placing the text's names, not a filter."""
        theatres = {m.actor.theatres[0] for m in self.find(text)
                    if not m.generic and len(m.actor.theatres) == 1
                    and m.actor.theatres[0] != "global"}
        if not theatres or len(theatres) > MAX_HINT_THEATRES:
            return frozenset()
        return frozenset(c for t in theatres for c in self.theatres[t].countries)

    def patterns(self, key: str, setting: Setting) -> list[Pattern]:
        """The patterns of an alias key that can apply in ``setting``, the most likely
        first: higher priority, then the actor of the best-ranked theatre, then file order."""
        ok = [p for p in self._patterns.get(key, ()) if self._applies(p, setting)]
        if len(ok) < 2:
            return ok
        # an actor of none of the text's theatres comes last, whatever its priority: in Yemen
        # "al-Qaeda" is AQAP (a generic name there), not the global organisation
        return sorted(ok, key=lambda p: (self._rank(p.actor, setting) == 1000, -p.priority,
                                         self._rank(p.actor, setting),
                                         self._country_rank(p.actor, setting),
                                         self._order.get(p.actor, 0)))

    def _country_rank(self, aid: str, setting: Setting) -> int:
        cc = self.actors[aid].country
        return setting.countries.index(cc) if cc in setting.countries else len(self.actors)

    def _applies(self, pat: Pattern, setting: Setting) -> bool:
        a = self.actors[pat.actor]
        if not a.valid_on(setting.day):
            return False
        if pat.priority >= NATIONAL or pat.kind == "place" or not a.theatres or \
                a.theatres[0] == "global":          # a state's name is its forces anywhere
            return True
        # a description ("the regime", "soldiers") names a theatre's actor only in a text
        # set in that theatre
        return a.theatres[0] in setting.theatres

    def _rank(self, aid: str, setting: Setting) -> int:
        """0 for an actor at home in the setting's first theatre …; 999 when the setting
        has no theatre or the actor is global; 1000 when it operates in none of them."""
        theatres = self.actors[aid].theatres
        ranks = [setting.theatres.index(t) * 2 + (i > 0)
                 for i, t in enumerate(theatres) if t in setting.theatres]
        if ranks:
            return min(ranks)
        return 1000 if setting.theatres and theatres and theatres[0] != "global" else 999

    def localised(self, actor: Actor | None, country: str,
                  day: date | None = None) -> Actor | None:
        """``actor`` named and coded for an event in ``country`` (ISO alpha-2; "" unknown):
        "Civilians (Mali)", a state force abroad with its ``inter_abroad`` code. A generic
        actor whose name the dictionary dates by regime ("Afghan soldiers" in 2020 are the
        "Military Forces of Afghanistan (Islamic Republic)") becomes that dictionary actor
        when the event's ``day`` is known (``dated_form``)."""
        if actor is None:
            return None
        out = self.rules.localised(actor, country)
        if day is not None and out.id.startswith("rule:"):
            return self.dated_form(out.name, day) or out
        return out

    def dated_form(self, name: str, day: date) -> Actor | None:
        """The dictionary actor a generic ``name`` ("Military Forces of Afghanistan") means
        on ``day``: the one dated actor that extends it ("<name> (<regime>)", with a
        validity period holding ``day``), else, when none is dated, the one undated actor
        that extends it (the dictionary's own form: "Military Forces of the Democratic
        Republic of Congo (FARDC)"). None when the dictionary has the name itself valid
        that day (the generic actor is right) or no single actor extends it."""
        forms = self._dated.get(name, ())
        valid = [a for a in forms if a.valid_on(day)]
        if any(a.name == name for a in valid):
            return None
        if any(a.valid_from is not None or a.valid_to is not None for a in forms):
            valid = [a for a in valid if a.valid_from is not None or a.valid_to is not None]
        return valid[0] if len(valid) == 1 else None

    @cached_property
    def _dated(self) -> dict[str, list[Actor]]:
        """Name stem -> dictionary actors named it, or it and a bracket ("Military Forces of
        Libya (GNA)" under "Military Forces of Libya")."""
        out: dict[str, list[Actor]] = {}
        for a in self.actors.values():
            if a.id.startswith("rule:"):
                continue
            out.setdefault(a.name.split(" (")[0], []).append(a)
        return out

    def in_setting(self, aid: str, setting: Setting) -> Actor:
        """The actor ``aid`` as seen in ``setting``: its bloc in the first of the setting's
        theatres it operates in."""
        a = self.actors[aid]
        if not a.theatre_blocs:
            return a
        theatre = next((t for t in setting.theatres if t in a.theatres), None)
        bloc = a.bloc_in(theatre)
        return a if bloc == a.bloc else replace(a, bloc=bloc)

    def words(self, key: str) -> frozenset[str]:
        """A folded word list of the file's ``[vocab]`` ("roles", "org_nouns" …); empty for
        an optional list the file leaves out."""
        return self._v.get(key, frozenset())

    def find_unknown(self, text: str, known: list[ActorMention] = ()) -> list[ActorMention]:
        """Armed groups named in ``text`` that the dictionary does not know: a run of
        capitalised words ending in an organisation word of ``[vocab] unknown_heads``
        ("Zorgan Brigade") or opened by one of ``unknown_prefixes`` ("Liwa al-Quds"), not
        overlapping ``known`` mentions. Each gets an ad hoc actor (bloc "other", inter 3,
        parent "unidentified_armed_group" when the file has it), the same for every mention
        of one name."""
        heads, prefixes = self.words("unknown_heads"), self.words("unknown_prefixes")
        if not heads and not prefixes:
            return []
        toks = tokenize(text)
        taken = [(m.start, m.end) for m in known]
        stop = self._v["name_stopwords"] | self._role_all | self._v["org_nouns"] | heads
        out: list[ActorMention] = []
        i = 0
        while i < len(toks):
            span = _unknown_span(toks, i, text, heads, prefixes, stop, self._v["name_particles"])
            if span is None:
                i += 1
                continue
            first, last = span
            s, e = toks[first].start, toks[last].end
            if not any(a < e and s < b for a, b in taken):
                name = text[s:e]
                out.append(ActorMention(name, s, e, self._unknown_actor(name)))
            i = last + 1
        return out

    def find_state_forces(self, text: str, nationals: list[tuple[int, int, str, str]],
                          known: list[ActorMention] = (), setting: Setting | None = None
                          ) -> list[ActorMention]:
        """"Malian troops", "Russian Shahed drones": a national adjective (``nationals``:
        start, end, ISO country code, country name, e.g. from the geoparser's demonyms)
        before a ``[vocab] force_nouns`` word, with at most two words between (a weapon's
        name), is that country's state forces: the dictionary's forces of that country in
        ``setting`` ("Russian forces"), else an ad hoc "Military Forces of <country>" (inter
        1, bloc "other"). Spans ``known`` mentions cover are left to them, except a generic
        rule's ("soldiers"): the caller drops the ``known`` mentions a returned one
        overlaps."""
        nouns = sorted(self._v["force_nouns"], key=len, reverse=True)
        noun_after = re.compile(r"\s+(?P<gap>(?:[\w'’-]+\s+){0,2}?)(?:" + "|".join(
            re.escape(n) for n in nouns) + r")\b", re.IGNORECASE)
        taken = [(m.start, m.end) for m in known if not m.actor.id.startswith("rule:")]
        covered = {a.country for a in self.actors.values()}
        out = []
        for start, end, cc, country in nationals:
            m = noun_after.match(text, end, min(len(text), end + 60))
            if m is None or any(a < m.end() and start < b for a, b in taken):
                continue
            if cc in covered:
                # the dictionary's own phrases decide "Syrian forces" (and "US-backed Syrian
                # forces"); here only "Russian Shahed drones", a name between
                if not m.group("gap").strip() or _BACKED.search(text, max(0, start - 30), start):
                    continue
                actor = self.resolve_name(f"{text[start:end]} forces", setting)
                if actor is None or actor.country != cc:
                    continue
            else:
                actor = Actor(f"state_forces_{cc.lower()}", f"Military Forces of {country}",
                              (), "other", 1, cc, "", "", "state")
            out.append(ActorMention(text[start:m.end()], start, m.end(), actor))
        return out

    def _unknown_actor(self, name: str) -> Actor:
        key = "_".join(fold_token(w) for w in TOKEN_RE.findall(name) if fold_token(w))
        parent = "unidentified_armed_group" if "unidentified_armed_group" in self.actors else ""
        return Actor(f"unknown:{key}", " ".join(name.split()), (), "other", 3, "", parent, "",
                     "unidentified")


MAX_UNKNOWN_WORDS = 8    # words of an unknown group's name before its head word
#: "<X>-backed " right before a national adjective: the phrase is someone's proxy
_BACKED = re.compile(r"[-‐–]\s*(?:backed|supported|sponsored|led|allied|aligned)\s+$",
                     re.IGNORECASE)


def _unknown_span(toks, i: int, text: str, heads, prefixes, stop, particles):
    """(first, last) token indexes of an unknown group's name starting at token i, or None:
    "<Cap>+ <Head>" ("Zorgan Brigade") or "<Prefix> [particle] <Cap>+" ("Liwa al-Quds")."""
    def cap(j):
        return toks[j].cap and toks[j].fold not in stop

    def joined(j):       # tokens j and j+1 in one name: spaces or a hyphen between
        return text[toks[j].end:toks[j + 1].start].strip() in ("", "-", "‐")

    t = toks[i]
    end = min(len(toks), i + MAX_UNKNOWN_WORDS)     # a name is a few words: linear time
    if t.cap and t.fold in prefixes:
        j = i
        while j + 1 < end and joined(j) and (cap(j + 1) or (
                toks[j + 1].fold in particles and j + 2 < len(toks) and joined(j + 1))):
            j += 1
        return (i, j) if j > i and toks[j].cap else None
    if not cap(i):
        return None
    j = i
    while j + 1 < end and joined(j) and (cap(j + 1) or toks[j + 1].fold in particles):
        j += 1
    if j + 1 < len(toks) and joined(j) and toks[j + 1].cap and toks[j + 1].fold in heads:
        return i, j + 1
    return None



@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> ActorDictionary:
    d = parse_actor_file(Path(path))
    return ActorDictionary(d.blocs, d.actors, d.persons, d.vocab, d.rows, d.path, d.theatres,
                           load_rules())


def load_actors(path: Path | None = None) -> ActorDictionary:
    """Load and validate the actor dictionary (cached per file and modification time).
    A missing or malformed file raises :class:`geo.errors.DataError` naming the entry."""
    p = Path(path or DEFAULT_PATH).resolve()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise DataError(f"cannot read actor dictionary {p}: {exc}") from exc
    return _load_cached(str(p), mtime)
