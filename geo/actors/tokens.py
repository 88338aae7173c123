"""Tokens and alias patterns for actor matching: folded tokens of a text, the per-token case
checks an alias carries (see ``geo.actors.dictionary``), and the pattern and candidate records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gazetteer.cues import load
from gazetteer.normalize import APOSTROPHES, TOKEN_RE, fold_token

# pattern priorities (higher wins a tie in length); RULE: a generic rule's phrase (rules.py)
EXPLICIT, NATIONAL, GENERIC, RULE = 2, 1, 0, -1
SENTENCE_GAP = re.compile(r"[,;:!?\n\r\"“”/|]")
POSSESSIVE_RE = re.compile("[" + APOSTROPHES + "]s$", re.IGNORECASE)
APOS_RE = re.compile("[" + APOSTROPHES + "]")
DETERMINERS = frozenset(["a", "an", "the"])
# Short function words some headline styles leave in lower case ("Fight with Daesh").
SMALL_WORDS = frozenset(["with", "from", "into", "onto", "over", "than", "that", "this",
                          "amid", "upon", "after", "about", "near", "says", "said"])
ARTICLES = frozenset(["al", "el"])


@dataclass(frozen=True, slots=True)
class Pattern:
    actor: str
    priority: int
    checks: tuple            # per token: None | "upper" | "cap" | ("exact", form)
    kind: str                # alias | generic | national | place | person
    person: str | None = None
    short: bool = False      # a person alias with a single name word ("Amiri")
    source: str = ""         # the alias as written (for error messages)


@dataclass(slots=True)
class Tok:
    start: int
    end: int
    word: str
    fold: str
    base: str                # apostrophes and possessive removed, case kept

    @property
    def cap(self) -> bool:
        return self.base[:1].isupper()


@dataclass(slots=True)
class Cand:
    first: int
    last: int
    pat: Pattern


@lru_cache(maxsize=1)
def facility_words() -> frozenset[str]:
    """Words that make a name a building or site ("police station", "army headquarters"),
    shared with the geoparser's cues."""
    return load().facility_words


@lru_cache(maxsize=1)
def org_suffixes() -> frozenset[str]:
    """Words that end organisation and outlet names, shared with the geoparser's cues."""
    return load().org_suffixes


def tokenize(text: str) -> list[Tok]:
    out = []
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        fold = fold_token(word)
        if not fold:
            continue
        base = POSSESSIVE_RE.sub("", word) if len(word) > 3 else word
        out.append(Tok(m.start(), m.end(), word, fold, APOS_RE.sub("", base)))
    return out


def base_form(word: str) -> str:
    base = POSSESSIVE_RE.sub("", word) if len(word) > 3 else word
    return APOS_RE.sub("", base)


def token_checks(words: list[str], kind: str) -> tuple:
    """Per-token case checks for an alias written as ``words`` (see the module docstring)."""
    checks = []
    single = len(words) == 1
    for w in words:
        b = base_form(w)
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


def passes(tok: Tok, rule) -> bool:
    """Whether a token passes one case check of an alias (see ``token_checks``)."""
    if rule is None:
        return True
    if rule == "upper":
        return tok.base.isupper()
    if rule == "cap":
        return tok.cap
    form = rule[1]
    return tok.base == form or tok.base == form.upper()

