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
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from gazetteer.errors import DataError
from gazetteer.normalize import APOSTROPHES, TOKEN_RE, fold_token, match_key, variant_key

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "actors.toml"

EXPLICIT, NATIONAL, GENERIC = 2, 1, 0          # pattern priorities (higher wins a tie in length)
_SENTENCE_GAP = re.compile(r"[,;:!?\n\r\"“”/|]")
_POSSESSIVE_RE = re.compile("[" + APOSTROPHES + "]s$", re.IGNORECASE)
_APOS_RE = re.compile("[" + APOSTROPHES + "]")
_BRACE_RE = re.compile(r"\{([^{}]*)\}")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
_DETERMINERS = frozenset(["a", "an", "the"])
# Short function words some headline styles leave in lower case ("Fight with Daesh").
_SMALL_WORDS = frozenset(["with", "from", "into", "onto", "over", "than", "that", "this",
                          "amid", "upon", "after", "about", "near", "says", "said"])
_ARTICLES = frozenset(["al", "el"])
_VOCAB_KEYS = ("force_nouns", "roles", "role_modifiers", "titles", "name_particles",
               "hyphen_particles", "name_stopwords", "link_words", "org_nouns", "backing_words",
               "locative_words", "locative_bigrams")
_ACTOR_STR = ("id", "name", "bloc", "country", "parent", "wikidata", "kind")
_ACTOR_LISTS = ("aliases", "generic", "nationals", "generic_nationals", "place_names")
_ACTOR_KEYS = frozenset(_ACTOR_STR + _ACTOR_LISTS + ("inter",))


@dataclass(frozen=True)
class Bloc:
    """An alignment in the conflict. ``hostile`` and ``allies`` are symmetric (see
    :meth:`ActorDictionary.hostile`)."""

    id: str
    name: str
    color: str
    hostile: frozenset[str]
    allies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Actor:
    """An armed or political actor. ``inter`` is the ACLED interaction code (1 state forces …
    8 external forces); ``parent`` an organisational parent actor id ("" for none); ``generic``
    the descriptive aliases ("the regime")."""

    id: str
    name: str
    aliases: tuple[str, ...]
    bloc: str
    inter: int
    country: str
    parent: str
    wikidata: str
    kind: str
    generic: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """A listed public figure linked to an actor."""

    name: str
    aliases: tuple[str, ...]
    actor: str
    role: str


@dataclass(frozen=True)
class ActorMention:
    """An actor named in text: ``text[start:end] == mention.text``. ``person`` is set when the
    mention is a named person linked to the actor; ``generic`` when it came from a descriptive
    alias ("the regime", "rebels", a country name) rather than a proper name."""

    text: str
    start: int
    end: int
    actor: Actor
    person: str | None = None
    generic: bool = False


@dataclass(frozen=True, slots=True)
class _Pattern:
    actor: str
    priority: int
    checks: tuple            # per token: None | "upper" | "cap" | ("exact", form)
    kind: str                # alias | generic | national | place | person
    person: str | None = None
    short: bool = False      # a person alias with a single name word ("Amiri")
    source: str = ""         # the alias as written (for error messages)


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    word: str
    fold: str
    base: str                # apostrophes and possessive removed, case kept

    @property
    def cap(self) -> bool:
        return self.base[:1].isupper()


@dataclass(slots=True)
class _Cand:
    first: int
    last: int
    pat: _Pattern


@lru_cache(maxsize=1)
def _org_suffixes() -> frozenset[str]:
    """Words that end organisation and outlet names, shared with the geoparser's cues."""
    from gazetteer.cues import load

    return load().org_suffixes


def _tokenize(text: str) -> list[_Tok]:
    out = []
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        fold = fold_token(word)
        if not fold:
            continue
        base = _POSSESSIVE_RE.sub("", word) if len(word) > 3 else word
        out.append(_Tok(m.start(), m.end(), word, fold, _APOS_RE.sub("", base)))
    return out


def expand_braces(alias: str) -> list[str]:
    """"{a|b} c{|d}" -> ["a c", "a cd", "b c", "b cd"]. Raises ValueError on bad braces."""
    m = _BRACE_RE.search(alias)
    if m is None:
        if "{" in alias or "}" in alias:
            raise ValueError(f"unbalanced braces in {alias!r}")
        return [alias]
    out: list[str] = []
    for alt in m.group(1).split("|"):
        out.extend(expand_braces(alias[:m.start()] + alt + alias[m.end():]))
    return out


def _base(word: str) -> str:
    base = _POSSESSIVE_RE.sub("", word) if len(word) > 3 else word
    return _APOS_RE.sub("", base)


def _token_checks(words: list[str], kind: str) -> tuple:
    """Per-token case checks for an alias written as ``words`` (see the module docstring)."""
    checks = []
    single = len(words) == 1
    for w in words:
        b = _base(w)
        letters = sum(ch.isalpha() for ch in b)
        if letters and b.isupper() and len(b) <= 4:
            checks.append("upper")
        elif single and len(b) <= 4 and b[:1].isupper():
            checks.append(("exact", b))
        elif b[:1].isupper() and (single or kind in ("person", "place")):
            checks.append("cap")
        else:
            checks.append(None)
    return tuple(checks)


def _check(tok: _Tok, check) -> bool:
    if check is None:
        return True
    if check == "upper":
        return tok.base.isupper()
    if check == "cap":
        return tok.cap
    form = check[1]
    return tok.base == form or tok.base == form.upper()


class ActorDictionary:
    """The loaded dictionary: blocs, actors, people and the matcher over their aliases."""

    def __init__(self, blocs: dict[str, Bloc], actors: dict[str, Actor],
                 persons: list[Person], vocab: dict[str, frozenset[str]],
                 actor_rows: dict[str, dict[str, list[str]]], path: Path):
        self.blocs = blocs
        self.actors = actors
        self.persons = tuple(persons)
        self.path = path
        self._v = vocab
        self._role_all = vocab["roles"] | vocab["role_modifiers"] | vocab["titles"]
        self._patterns: dict[str, list[_Pattern]] = {}
        self._nationals: dict[str, list[_Pattern]] = {}
        self._caps_folds: set[str] = set()
        self._alias_count = 0
        self._build(actor_rows)

    # -- building -------------------------------------------------------------------------

    def _add(self, alias: str, pat: _Pattern, table: dict[str, list[_Pattern]] | None = None,
             words: list[str] | None = None) -> None:
        table = self._patterns if table is None else table
        words = TOKEN_RE.findall(alias) if words is None else words
        key = " ".join(fold_token(w) for w in words)
        if not words or not all(fold_token(w) for w in words) or \
                len(key.split(" ")) != len(words):
            raise DataError(f"{self.path}: alias {alias!r} of {pat.person or pat.actor!r} "
                            "has no words to match")
        checks = pat.checks or _token_checks(words, pat.kind)
        pat = _Pattern(pat.actor, pat.priority, checks, pat.kind, pat.person, pat.short,
                       pat.source or alias)
        for w in words:
            if _base(w).isupper() and sum(ch.isalpha() for ch in w) >= 2:
                self._caps_folds.add(fold_token(w))
        existing = table.setdefault(key, [])
        for other in existing:
            if other.priority == pat.priority and (other.actor != pat.actor
                                                   or other.person != pat.person):
                who = pat.person or pat.actor
                other_who = other.person or other.actor
                raise DataError(f"{self.path}: alias {alias!r} of {who!r} is also an alias of "
                                f"{other_who!r} ({other.source!r}) at the same priority")
            if other == pat:
                return
        existing.append(pat)
        existing.sort(key=lambda p: -p.priority)

    def _add_with_variants(self, alias: str, pat: _Pattern) -> None:
        """Add ``alias`` and its joined-article spelling ("al-Abadi" -> "alAbadi")."""
        words = TOKEN_RE.findall(alias)
        self._add(alias, pat, words=words)
        if not any(w.lower() in _ARTICLES for w in words[:-1]):
            return
        checks = _token_checks(words, pat.kind)
        joined: list[str] = []
        joined_checks: list = []
        i = 0
        while i < len(words):
            if words[i].lower() in _ARTICLES and i + 1 < len(words):
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
            for alias in row["aliases"]:
                self._add_with_variants(alias, _Pattern(aid, EXPLICIT, (), "alias"))
            for alias in row["generic"]:
                self._add_with_variants(alias, _Pattern(aid, GENERIC, (), "generic"))
            for alias in row["place_names"]:
                self._add(alias, _Pattern(aid, GENERIC, (), "place"))
            for flag, names in ((False, row["nationals"]), (True, row["generic_nationals"])):
                prio = GENERIC if flag else NATIONAL
                for nat in names:
                    nat_words = TOKEN_RE.findall(nat)
                    nat_checks = _token_checks(nat_words, "national")
                    self._add(nat, _Pattern(aid, prio, nat_checks, "national"),
                              table=self._nationals, words=nat_words)
                    for noun in nouns:
                        words = nat_words + noun.split()
                        checks = nat_checks + (None,) * len(noun.split())
                        self._add(f"{nat} {noun}", _Pattern(aid, prio, checks, "national"),
                                  words=words)
            self._alias_count += len(row["aliases"]) + len(row["generic"])
        for p in self.persons:
            names = (p.name, *p.aliases)
            for alias in names:
                words = TOKEN_RE.findall(alias)
                name_words = [w for w in words if w.lower() not in self._v["name_particles"]
                              and w.lower() not in self._v["titles"]]
                self._add_with_variants(alias, _Pattern(
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
        """True for the same bloc or a declared partnership (symmetric)."""
        return bloc_a == bloc_b or bloc_b in self.bloc(bloc_a).allies

    def counts(self) -> dict[str, int]:
        """Sizes: actors, aliases as written (braces expanded), match keys, persons, blocs."""
        return {"actors": len(self.actors), "aliases": self._alias_count,
                "keys": len(self._patterns), "persons": len(self.persons),
                "blocs": len(self.blocs)}

    def resolve_name(self, name: str) -> Actor | None:
        """The actor a free-text name denotes ("PMU", "the regime", "Hadi al-Amiri",
        "Hashd al-Shabi"), or None. Exact alias keys first (with the same case rules as in
        running text), then the transliteration variant key when it points to one actor."""
        toks = _tokenize(name)
        if not toks:
            return None
        if name.strip() in self.actors:
            return self.actors[name.strip()]
        nouns = self._v["org_nouns"] | self._v["force_nouns"]
        first = 1 if toks[0].fold == "the" and len(toks) > 1 else 0
        last = len(toks) - 1 if len(toks) - first > 1 and toks[-1].fold in nouns else len(toks)
        for sub in (toks, toks[first:], toks[first:last]):     # "the …", "… forces" dropped
            key = " ".join(t.fold for t in sub)
            for table in (self._patterns, self._nationals):
                for pat in table.get(key, ()):
                    if len(pat.checks) == len(sub) and all(
                            _check(t, c) for t, c in zip(sub, pat.checks, strict=True)):
                        return self.actors[pat.actor]
        for a in self.actors.values():
            if match_key(a.name) == " ".join(t.fold for t in toks):
                return a
        vk = variant_key(name)
        found = self._variants.get(vk, set()) if len(vk) >= 5 else set()
        return self.actors[next(iter(found))] if len(found) == 1 else None

    def find(self, text: str) -> list[ActorMention]:
        """Actor mentions in ``text``: non-overlapping, longest match, sorted by start."""
        toks = _tokenize(text)
        if not toks:
            return []
        ctx = _Context(self, text, toks)
        chosen = ctx.select(ctx.candidates())
        ctx.link_people(chosen)
        ctx.repeat_surnames()
        return ctx.mentions()


class _Context:
    """One ``find`` call: tokens, candidates, the covered-token map and linked people."""

    def __init__(self, d: ActorDictionary, text: str, toks: list[_Tok]):
        self.d = d
        self.v = d._v
        self.text = text
        self.toks = toks
        self.covered: list[int | None] = [None] * len(toks)
        self.out: list[tuple[int, int, str, str | None, bool]] = []  # first,last,actor,person,gen
        self.linked: dict[str, tuple[str, list[int]]] = {}   # person name -> (actor, name toks)
        self._title_lines: dict[int, bool] = {}

    # -- helpers --------------------------------------------------------------------------

    def gap(self, i: int) -> str:
        """Text between token i and token i+1."""
        return self.text[self.toks[i].end:self.toks[i + 1].start]

    def joinable(self, i: int) -> bool:
        """Tokens i and i+1 may belong to one alias: no sentence punctuation between them
        (a full stop only after a one-letter token, as in "U.S.")."""
        g = self.gap(i)
        if _SENTENCE_GAP.search(g):
            return False
        return "." not in g or len(self.toks[i].word) == 1

    def plain(self, i: int, allow_comma: bool = False, allow_hyphen: bool = False) -> bool:
        """Only spaces (optionally a comma or hyphen) between token i and i+1."""
        g = self.gap(i).strip()
        if not g:
            return "\n" not in self.gap(i)
        return (allow_comma and g == ",") or (allow_hyphen and g in ("-", "‐", "–"))

    def abbrev_gap(self, i: int) -> bool:
        """"Col. Ryan", "Gen. X": a full stop after a short title."""
        g = self.gap(i)
        return g.strip() == "." and len(self.toks[i].word) <= 4 and "\n" not in g

    def title_case_line(self, i: int) -> bool:
        """The line holding token i is a headline in Title Case (capitals say nothing)."""
        t = self.toks[i]
        ls = self.text.rfind("\n", 0, t.start) + 1
        if ls not in self._title_lines:
            le = self.text.find("\n", t.start)
            words = [w for w in TOKEN_RE.findall(self.text[ls:le if le >= 0 else None])
                     if len(w) >= 4 and w[0].isalpha() and w.lower() not in _SMALL_WORDS]
            self._title_lines[ls] = len(words) >= 3 and all(w[0].isupper() for w in words)
        return self._title_lines[ls]

    def embedded(self, first: int, last: int) -> bool:
        """The span sits inside a longer proper noun ("Sadr City", "Hafez al-Assad")."""
        if self.title_case_line(first):
            return False
        ok_before = self.v["titles"] | self.d._role_all | self.v["name_stopwords"]
        j = first - 1
        while j >= 0 and self.particle(j) and self.plain(j, allow_hyphen=True):
            j -= 1                                       # "Hafez al-Assad": look past "al"
        if j >= 0 and self.plain(j, allow_hyphen=True):
            prev = self.toks[j]
            if prev.cap and prev.fold not in ok_before:
                return True
        if last + 1 < len(self.toks) and self.plain(last):
            nxt = self.toks[last + 1]
            if nxt.cap and nxt.fold not in self.v["name_stopwords"]:
                return True
        return False

    def lookup_ending(self, end: int, tables=None) -> _Pattern | None:
        """A pattern (alias, national …) whose tokens end at token ``end``."""
        tables = tables or (self.d._patterns, self.d._nationals)
        for n in (3, 2, 1):
            first = end - n + 1
            if first < 0 or not all(self.joinable(j) for j in range(first, end)):
                continue
            key = " ".join(t.fold for t in self.toks[first:end + 1])
            for table in tables:
                for pat in table.get(key, ()):
                    if all(_check(t, c) for t, c in zip(self.toks[first:end + 1], pat.checks,
                                                         strict=False)):
                        return pat
        return None

    # -- step 1: alias matching -----------------------------------------------------------

    def candidates(self) -> list[_Cand]:
        toks = self.toks
        folded = " " + " ".join(t.fold for t in toks) + " "
        start_of: dict[int, int] = {}
        end_of: dict[int, int] = {}
        pos = 1
        for i, t in enumerate(toks):
            start_of[pos] = i
            end_of[pos + len(t.fold) - 1] = i
            pos += len(t.fold) + 1
        cands: list[_Cand] = []
        for end_idx, kid in self.d._automaton.iter(folded):
            key = self.d._keys[kid]
            # the pattern is " key ": end_idx is its closing space
            first, last = start_of.get(end_idx - len(key)), end_of.get(end_idx - 1)
            if first is None or last is None:
                continue
            if not all(self.joinable(j) for j in range(first, last)):
                continue
            for pat in self.d._patterns[key]:
                if self.accept(first, last, pat):
                    cands.append(_Cand(first, last, pat))
                    if pat.kind == "national":
                        cands.extend(self.coordinated(first))
                    break
        return cands

    def accept(self, first: int, last: int, pat: _Pattern) -> bool:
        toks = self.toks
        span = toks[first:last + 1]
        if len(span) != len(pat.checks) or not all(
                _check(t, c) for t, c in zip(span, pat.checks, strict=True)):
            return False
        if first == last and pat.checks[0] == "upper":
            if self.text[toks[last].end:toks[last].end + 1] == "$":     # "US$5m"
                return False
            for j in (first - 1, last + 1):                            # an all-caps headline
                if 0 <= j < len(toks) and self.joinable(min(j, first)):
                    nb = toks[j]
                    if (nb.base.isupper() and len(nb.base) >= 2
                            and nb.fold not in self.d._caps_folds):
                        return False
        if pat.kind == "place" and (self.locative(first) or self.embedded(first, last)):
            return False
        if pat.kind == "person" and pat.short and self.embedded(first, last):
            return False
        return not (pat.priority < EXPLICIT and self.backed_by_enemy(first, pat))

    def locative(self, first: int) -> bool:
        """A place-name actor after "in", "from", "border with" …: it is the place."""
        j = first - 1
        if j >= 0 and self.toks[j].fold == "the":
            j -= 1
        if j < 0 or not self.plain(j):
            return False
        if self.toks[j].fold in self.v["locative_words"]:
            return True
        return j >= 1 and f"{self.toks[j - 1].fold} {self.toks[j].fold}" in \
            self.v["locative_bigrams"]

    def backed_by_enemy(self, first: int, pat: _Pattern) -> bool:
        """"US-backed Syrian forces": a generic phrase backed by a bloc hostile to the
        phrase's own actor refers to someone else."""
        if first < 2 or self.toks[first - 1].fold not in self.v["backing_words"]:
            return False
        if not self.plain(first - 1) or self.gap(first - 2).strip() not in ("-", "‐", "–"):
            return False
        backer = self.lookup_ending(first - 2)
        if backer is None:
            return False
        d = self.d
        return d.hostile(d.actors[backer.actor].bloc, d.actors[pat.actor].bloc)

    def coordinated(self, first: int) -> list[_Cand]:
        """"US, British and Norwegian special forces": the nationals before the phrase."""
        out = []
        i = first
        while i >= 2:
            if self.toks[i - 1].fold in ("and", "or") and self.plain(i - 1):
                end = i - 2
                if not (self.plain(end) or self.plain(end, allow_comma=True)):
                    break
            elif self.gap(i - 1).strip() == ",":
                end = i - 1
            else:
                break
            pat = self.lookup_ending(end, (self.d._nationals,))
            if pat is None:
                break
            start = end - len(pat.checks) + 1         # one check per token of the national
            out.append(_Cand(start, end, pat))
            i = start
        return out

    def select(self, cands: list[_Cand]) -> list[_Cand]:
        chosen = []
        for c in sorted(cands, key=lambda c: (c.first - c.last, -c.pat.priority, c.first)):
            if all(self.covered[j] is None for j in range(c.first, c.last + 1)):
                for j in range(c.first, c.last + 1):
                    self.covered[j] = len(self.out)
                self.out.append((c.first, c.last, c.pat.actor, c.pat.person,
                                 c.pat.priority == GENERIC))
                chosen.append(c)
        return chosen

    # -- step 2: role-linked people ---------------------------------------------------------

    def role_run(self, i: int) -> tuple[int, bool]:
        """Tokens from i that are role words, modifiers or titles ("senior commander",
        "brigadier general", "spokesman Colonel"): (end, whether a role word was seen)."""
        j, has_role = i, False
        while j < len(self.toks) and self.toks[j].fold in self.d._role_all \
                and self.covered[j] is None:
            if j > i and not (self.plain(j - 1, allow_hyphen=True) or self.abbrev_gap(j - 1)):
                break
            has_role = has_role or self.toks[j].fold in self.v["roles"]
            j += 1
        return j, has_role

    def name_ok(self, t: _Tok) -> bool:
        return t.cap and t.fold not in self.v["name_stopwords"] and \
            t.fold not in self.d._role_all

    def particle(self, j: int) -> bool:
        t = self.toks[j]
        if t.fold in self.v["name_particles"]:
            return True
        return t.fold in self.v["hyphen_particles"] and j + 1 < len(self.toks) and \
            self.gap(j).strip() in ("-", "‐")

    def name_gap(self, j: int) -> bool:
        return self.plain(j, allow_hyphen=True) or (
            len(self.toks[j].word) == 1 and self.gap(j).strip() == ".")

    def name_forward(self, i: int, min_words: int) -> tuple[int, int] | None:
        toks, n = self.toks, len(self.toks)
        while i < n and toks[i].fold in self.d._role_all and i + 1 < n and \
                (self.plain(i) or self.abbrev_gap(i)):                 # "Col. Ryan Dillon"
            i += 1
        if i >= n or self.covered[i] is not None or not self.name_ok(toks[i]):
            return None
        last, words, j = i, 1, i + 1
        while j < n and words < 6 and self.name_gap(j - 1) and self.covered[j] is None:
            if self.name_ok(toks[j]):
                last, words, j = j, words + 1, j + 1
            elif self.particle(j) and j + 1 < n and self.name_gap(j) and \
                    self.covered[j + 1] is None and self.name_ok(toks[j + 1]):
                last, words, j = j + 1, words + 1, j + 2
            else:
                break
        if words < min_words or self.organisation(i, last):
            return None
        return i, last

    def organisation(self, first: int, last: int) -> bool:
        """The name holds an organisation or outlet word ("Al-Manar TV", "ARA News")."""
        suffixes = _org_suffixes()
        return any(self.toks[j].fold in suffixes for j in range(first, last + 1)) or (
            last + 1 < len(self.toks) and self.plain(last)
            and self.toks[last + 1].fold in suffixes)

    def name_backward(self, k: int, min_words: int) -> tuple[int, int] | None:
        """A name ending at token k (before a comma), of at least ``min_words`` words, not
        after a preposition ("in Deir Ezzor, the SDF commander" is a place)."""
        toks = self.toks
        if k < 0 or self.covered[k] is not None or not self.name_ok(toks[k]):
            return None
        first, j = k, k - 1
        while j >= 0 and self.name_gap(j) and self.covered[j] is None and k - j < 8:
            if toks[j].cap or self.particle(j):
                first, j = j, j - 1
            else:
                break
        while first <= k and (toks[first].fold in self.v["name_stopwords"]
                              or toks[first].fold in self.d._role_all or self.particle(first)):
            first += 1
        words = sum(1 for j in range(first, k + 1) if self.name_ok(toks[j]))
        if first > k or words < min_words:
            return None
        if first > 0 and self.toks[first - 1].fold in (self.v["locative_words"]
                                                      | self.v["link_words"]):
            return None
        return None if self.organisation(first, k) else (first, k)

    def refs(self, chosen: list[_Cand]) -> tuple[dict[int, tuple], dict[int, tuple]]:
        """Actor references for role patterns: mentions (not people) and national words
        ("US General …", "coalition spokesman …"). Values: (first, last, actor, generic,
        is_national_only)."""
        by_first: dict[int, tuple] = {}
        by_last: dict[int, tuple] = {}
        for c in chosen:
            if c.pat.person is None:
                r = (c.first, c.last, c.pat.actor, c.pat.priority == GENERIC, False)
                by_first[c.first] = r
                by_last[c.last] = r
        nat_first = self.d._nat_first
        for i in range(len(self.toks)):
            if self.covered[i] is not None or i in by_first or self.toks[i].fold not in nat_first:
                continue
            for n in (3, 2, 1):
                last = i + n - 1
                if last >= len(self.toks) or any(self.covered[j] is not None
                                                  for j in range(i, last + 1)):
                    continue
                if not all(self.joinable(j) for j in range(i, last)):
                    continue
                key = " ".join(t.fold for t in self.toks[i:last + 1])
                pat = next((p for p in self.d._nationals.get(key, ())
                            if all(_check(t, c) for t, c in
                                   zip(self.toks[i:last + 1], p.checks, strict=False))), None)
                if pat is not None:
                    r = (i, last, pat.actor, pat.priority == GENERIC, True)
                    by_first.setdefault(i, r)
                    by_last.setdefault(last, r)
                    break
        return by_first, by_last

    def skip_org_nouns(self, j: int) -> int:
        """Index after up to two organisation nouns at j ("forces", "group")."""
        for _ in range(2):
            if j < len(self.toks) and self.toks[j].fold in self.v["org_nouns"] and \
                    self.plain(j - 1) and self.covered[j] is None:
                j += 1
        return j

    def link_people(self, chosen: list[_Cand]) -> None:
        toks, n = self.toks, len(self.toks)
        by_first, by_last = self.refs(chosen)
        links: list[tuple[tuple[int, int], tuple]] = []
        for r in sorted(by_first.values()):
            first, last = r[0], r[1]
            # P: "<actor> [forces] <role> [<title>] <Name>"
            j = self.skip_org_nouns(last + 1)
            if j < n and self.plain(j - 1):
                k, has_role = self.role_run(j)
                if has_role and k < n and (self.plain(k - 1, allow_comma=True)
                                           or self.abbrev_gap(k - 1)):
                    name = self.name_forward(k, 1)
                    if name:
                        links.append((name, r))
            # A: "<Name>, a [senior] <actor> <role>"
            if j < n and self.plain(j - 1) and self.role_run(j)[1]:
                i = first - 1
                while i >= 0 and (toks[i].fold in _DETERMINERS
                                  or toks[i].fold in self.v["role_modifiers"]) \
                        and self.plain(i) and self.covered[i] is None:
                    i -= 1
                if i >= 0 and self.gap(i).strip() == ",":
                    name = self.name_backward(i, 2)
                    if name:
                        links.append((name, r))
        # B and C: "<role> of [the] <actor>" with a name before or after, set off by commas
        i = 0
        while i < n:
            if toks[i].fold not in self.d._role_all or self.covered[i] is not None:
                i += 1
                continue
            k, has_role = self.role_run(i)
            m = k + 1
            if has_role and k < n and toks[k].fold in self.v["link_words"] and \
                    self.plain(k - 1) and m < n and self.plain(k):
                if toks[m].fold in _DETERMINERS and m + 1 < n and self.plain(m):
                    m += 1
                r = by_first.get(m)
                if r is not None:
                    b = i - 1
                    while b >= 0 and toks[b].fold in _DETERMINERS and self.plain(b):
                        b -= 1
                    if b >= 0 and self.gap(b).strip() == ",":
                        name = self.name_backward(b, 2)
                        if name:
                            links.append((name, r))
                    after = self.skip_org_nouns(r[1] + 1)
                    if after < n and self.gap(after - 1).strip() == ",":
                        name = self.name_forward(after, 2)
                        if name:
                            links.append((name, r))
            i = max(k, i + 1)
        for (nf, nl), r in sorted(links, key=lambda x: x[0]):
            if any(self.covered[j] is not None for j in range(nf, nl + 1)):
                continue
            if r[4] and all(self.covered[j] is None for j in range(r[0], r[1] + 1)):
                self.cover(r[0], r[1], r[2], None, r[3])      # the national word itself
            person = self.text[toks[nf].start:toks[nl].end]
            self.cover(nf, nl, r[2], person, False)
            self.linked.setdefault(person, (r[2], list(range(nf, nl + 1))))

    def cover(self, first: int, last: int, actor: str, person: str | None, generic: bool):
        for j in range(first, last + 1):
            self.covered[j] = len(self.out)
        self.out.append((first, last, actor, person, generic))

    # -- step 3: later mentions of linked people ------------------------------------------

    def repeat_surnames(self) -> None:
        if not self.linked:
            return
        keys: dict[str, set[tuple[str, str]]] = {}
        for person, (actor, idx) in self.linked.items():
            names = [j for j in idx if self.name_ok(self.toks[j])]
            forms = {" ".join(self.toks[j].fold for j in idx)}
            if names and len(self.toks[names[-1]].fold) >= 3:
                last = names[-1]
                forms.add(self.toks[last].fold)
                if last - 1 in idx and self.toks[last - 1].fold in _ARTICLES:
                    forms.add(f"{self.toks[last - 1].fold} {self.toks[last].fold}")
            for f in forms:
                keys.setdefault(f, set()).add((person, actor))
        toks, n = self.toks, len(self.toks)
        i = 0
        while i < n:
            hit = None
            if self.covered[i] is None and (toks[i].cap or toks[i].fold in _ARTICLES):
                for size in (4, 3, 2, 1):
                    last = i + size - 1
                    if last >= n or any(self.covered[j] is not None for j in range(i, last + 1)):
                        continue
                    if not all(self.name_gap(j) for j in range(i, last)):
                        continue
                    owners = keys.get(" ".join(t.fold for t in toks[i:last + 1]))
                    if not owners or len(owners) != 1 or not toks[last].cap:
                        continue
                    short = size == 1 or (size == 2 and toks[i].fold in _ARTICLES)
                    if short and self.embedded(i, last):
                        continue
                    hit = (last, *next(iter(owners)))
                    break
            if hit:
                last, person, actor = hit
                self.cover(i, last, actor, person, False)
                i = last + 1
            else:
                i += 1

    def mentions(self) -> list[ActorMention]:
        out = []
        for first, last, actor, person, generic in sorted(self.out):
            s, e = self.toks[first].start, self.toks[last].end
            out.append(ActorMention(self.text[s:e], s, e, self.d.actors[actor], person, generic))
        return out


# -- loading ------------------------------------------------------------------------------

def _entries(path: Path, rows, table: str):
    """(row, id, where) for each ``[[table]]`` entry, where = "[[table]] #n ('id')"."""
    for n, row in enumerate(rows, 1):
        where = f"[[{table}]] #{n}"
        if not isinstance(row, dict):
            raise _fail(path, where, "not a table")
        ident = _str(row, "id", path, where)
        yield row, ident, f"[[{table}]] #{n} ({ident!r})"


def _fail(path: Path, where: str, msg: str) -> DataError:
    return DataError(f"{path}: {where}: {msg}")


def _str(row: dict, key: str, path: Path, where: str, required: bool = True) -> str:
    if key not in row:
        if required:
            raise _fail(path, where, f"missing {key!r}")
        return ""
    value = row[key]
    if not isinstance(value, str):
        raise _fail(path, where, f"{key!r} must be a string, not {type(value).__name__}")
    return value.strip()


def _strs(row: dict, key: str, path: Path, where: str) -> list[str]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, where, f"{key!r} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _expand(values: list[str], path: Path, where: str) -> list[str]:
    out: list[str] = []
    for v in values:
        try:
            out.extend(a.strip() for a in expand_braces(v) if a.strip())
        except ValueError as exc:
            raise _fail(path, where, str(exc)) from None
    return list(dict.fromkeys(out))


def _parse(path: Path) -> ActorDictionary:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise DataError(f"cannot read actor dictionary {path}: {exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid TOML: {exc}") from exc
    for table in ("bloc", "actor"):
        if not isinstance(data.get(table), list) or not data[table]:
            raise DataError(f"{path}: no [[{table}]] entries")
    vocab_raw = data.get("vocab")
    if not isinstance(vocab_raw, dict):
        raise DataError(f"{path}: missing [vocab] table")
    vocab: dict[str, frozenset[str]] = {}
    for key in _VOCAB_KEYS:
        words = _strs(vocab_raw, key, path, "[vocab]")
        if not words:
            raise _fail(path, "[vocab]", f"missing or empty {key!r}")
        vocab[key] = frozenset(match_key(w) for w in words if match_key(w))
    for key in ("roles", "role_modifiers", "titles"):       # "co-founder" -> co, founder
        vocab[key] = frozenset(w for phrase in vocab[key] for w in phrase.split())

    blocs: dict[str, Bloc] = {}
    raw_links: dict[str, tuple[list[str], list[str]]] = {}
    for row, bid, where in _entries(path, data["bloc"], "bloc"):
        if not bid or bid in blocs:
            raise _fail(path, where, "empty or duplicate id")
        color = _str(row, "color", path, where)
        if not _COLOR_RE.match(color):
            raise _fail(path, where, f"color {color!r} is not #rrggbb")
        raw_links[bid] = (_strs(row, "hostile", path, where), _strs(row, "allies", path, where))
        blocs[bid] = Bloc(bid, _str(row, "name", path, where), color, frozenset())
    hostile: dict[str, set[str]] = {b: set() for b in blocs}
    allies: dict[str, set[str]] = {b: set() for b in blocs}
    for bid, (hs, als) in raw_links.items():
        for other, table, what in [(h, hostile, "hostile") for h in hs] + \
                                  [(a, allies, "allies") for a in als]:
            if other not in blocs:
                raise _fail(path, f"[[bloc]] {bid!r}", f"{what} names unknown bloc {other!r}")
            if other == bid:
                raise _fail(path, f"[[bloc]] {bid!r}", f"{what} names itself")
            table[bid].add(other)
            table[other].add(bid)
    for bid in blocs:
        both = hostile[bid] & allies[bid]
        if both:
            raise _fail(path, f"[[bloc]] {bid!r}", f"both hostile and allied: {sorted(both)}")
        b = blocs[bid]
        blocs[bid] = Bloc(b.id, b.name, b.color, frozenset(hostile[bid]),
                          frozenset(allies[bid]))

    actors: dict[str, Actor] = {}
    rows: dict[str, dict[str, list[str]]] = {}
    for row, aid, where in _entries(path, data["actor"], "actor"):
        unknown = set(row) - _ACTOR_KEYS
        if unknown:
            raise _fail(path, where, f"unknown field(s) {sorted(unknown)}")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", aid) or aid in actors:
            raise _fail(path, where, "id must be unique snake_case")
        f = {k: _str(row, k, path, where) for k in _ACTOR_STR}
        inter = row.get("inter")
        if not isinstance(inter, int) or isinstance(inter, bool) or not 1 <= inter <= 8:
            raise _fail(path, where, f"inter must be an ACLED code 1-8, not {inter!r}")
        if f["bloc"] not in blocs:
            raise _fail(path, where, f"bloc {f['bloc']!r} is not a [[bloc]] id")
        if f["country"] and not _COUNTRY_RE.match(f["country"]):
            raise _fail(path, where, f"country {f['country']!r} is not an ISO 3166 alpha-2 code")
        if f["wikidata"] and not _WIKIDATA_RE.match(f["wikidata"]):
            raise _fail(path, where, f"wikidata {f['wikidata']!r} is not a Q-id")
        if not f["name"] or not f["kind"]:
            raise _fail(path, where, "empty name or kind")
        lists = {k: _expand(_strs(row, k, path, where), path, where) for k in _ACTOR_LISTS}
        if not any(lists[k] for k in ("aliases", "generic", "nationals", "place_names")):
            raise _fail(path, where, "no aliases")
        rows[aid] = lists
        actors[aid] = Actor(aid, f["name"], tuple(lists["aliases"]), f["bloc"], inter,
                            f["country"], f["parent"], f["wikidata"], f["kind"],
                            tuple(lists["generic"]))
    for aid, a in actors.items():
        seen, p = {aid}, a.parent
        while p:
            if p not in actors:
                raise _fail(path, f"[[actor]] {aid!r}", f"parent {p!r} is not an actor id")
            if p in seen:
                raise _fail(path, f"[[actor]] {aid!r}", "parent chain loops")
            seen.add(p)
            p = actors[p].parent

    persons: list[Person] = []
    for n, row in enumerate(data.get("person", []), 1):
        where = f"[[person]] #{n}"
        if not isinstance(row, dict):
            raise _fail(path, where, "not a table")
        name = _str(row, "name", path, where)
        where = f"[[person]] #{n} ({name!r})"
        actor = _str(row, "actor", path, where)
        if not name or actor not in actors:
            raise _fail(path, where, f"empty name or unknown actor {actor!r}")
        persons.append(Person(name, tuple(_expand(_strs(row, "aliases", path, where), path,
                                                  where)),
                              actor, _str(row, "role", path, where, required=False)))
    return ActorDictionary(blocs, actors, persons, vocab, rows, path)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> ActorDictionary:
    return _parse(Path(path))


def load_actors(path: Path | None = None) -> ActorDictionary:
    """Load and validate the actor dictionary (cached per file and modification time).
    A missing or malformed file raises :class:`gazetteer.errors.DataError` naming the entry."""
    p = Path(path or DEFAULT_PATH).resolve()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise DataError(f"cannot read actor dictionary {p}: {exc}") from exc
    return _load_cached(str(p), mtime)
