"""Mention finding: where place names stand in text, with character offsets.

1. Tokenise (``tokens.name_tokens``: capitalised words and their neighbours, the rest of the
   prose collapsed into gap tokens) and group tokens into *proper-noun runs*: capitalised
   words, with lower-case particles inside (al-, of, de …) and place-type words after them
   ("Nineveh province", "Zaza junction"). A place name must lie inside a run, so lower-case
   prose is never scanned.
2. Match every run against the whole name index at once with the Aho-Corasick automaton;
   keep the longest non-overlapping matches.
3. Runs, or parts of runs, that no name matched become *unknown proper nouns*, for the
   transliteration-variant and fuzzy fallbacks.
4. Mark what the context says: a title before (person), a given name before or a surname seen
   with a given name elsewhere in the text (person), an organisation word after ("Times",
   "TV"), a speech verb after ("Davis said"), a calendar word, a common English word, a
   demonym. The ranker decides with these marks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from .cues import Cues
from .normalize import ARTICLES, is_possessive, variant_key
from .tokens import Token, name_tokens, tokenize  # noqa: F401 - re-exported

#: the longest place name looked up, in words (longer runs are names of something else)
MAX_NAME_WORDS = 8
#: shortest transliteration-variant key a multi-word name is looked up by
MIN_VARIANT_KEY = 5
_JOIN_GAP = re.compile(r"[ \t\-‐–'’]{0,3}")     # gaps allowed inside one name
_ABBREV_GAP = re.compile(r"\.[ \t]?")           # "U.S.", "St. Louis"
_POSSESSIVE_END = re.compile(r"\w['’]s$")
# Capitalised words that may stand before a place name without making it part of another name.
STREET_WORDS = frozenset(["street", "st", "avenue", "ave", "road", "rd", "drive", "dr",
                          "boulevard", "blvd", "lane", "ln", "way", "parkway", "pkwy", "court",
                          "terrace", "highway", "hwy", "trail", "circle", "pike", "place"])
#: two capitals then lower case in one word ("FAMa", "MoDs"): an acronym, not a name
_MIXED_ACRONYM = re.compile(r"[A-Z]{2,}[a-z]+$")
#: ", 12," after a name: an age, so a person ("Georgia, 12, said")
_AGE_AFTER = re.compile(r",\s*\d{1,3}\s*,")
_NAMING_WORDS = re.compile(r"\b(?:called|named|dubbed|nicknamed)\b")
_NAMED_BEFORE = re.compile(r"\b([a-z]+)\s+(?:called|named|dubbed|nicknamed)\s+$")
#: era abbreviations after a number ("500 B.C.", "1200 BCE")
_ERAS = frozenset({"b c", "bc", "a d", "ad", "bce", "ce", "b c e", "c e"})
_NUMBER_BEFORE = re.compile(r"\d[\d,]*\s*$")
#: after an unknown name, the start of a phrase that says where it lies
_CONTAINED_AFTER = re.compile(
    r"\s*(?:\(\s*[A-Z]|,\s+(?:(?:a|an|the)\s+)?(?:(?:small|border|remote|nearby|frontline)\s+)?"
    r"(?:village|town|hamlet|settlement|area|district)?\s*(?:in|near|outside|just|some|about|"
    r"\d+(?:\.\d+)?\s*(?:km|kilomet|mi))|\s+(?:near|outside)\s+(?:the\s+)?[A-Z])")
_HYPHENS = frozenset(["-", "‐", "–"])
_SENTENCE_MARKS = frozenset(".!?:\"“”\n")
_AMP_AFTER = re.compile(r"\s*&\s*[A-Z]")
_AMP_BEFORE = re.compile(r"[A-Z]\w*\s*&\s*$")
MODIFIERS = frozenset([
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "upper", "lower", "greater", "new", "old", "northeast", "northwest", "southeast",
    "southwest", "northeastern", "northwestern", "southeastern", "southwestern",
])


@dataclass(slots=True)
class Span:
    """A candidate mention. ``first``/``last`` are token indices (inclusive); ``start``/``end``
    character offsets into the text (end exclusive); ``key`` its match key."""

    first: int
    last: int
    start: int
    end: int
    key: str
    key_id: int | None = None
    #: "gazetteer" (an exact index name), "variant" (a multi-word transliteration variant),
    #: "demonym", or "unknown" (no name matched)
    how: str = "gazetteer"
    marks: set[str] = field(default_factory=set)


def _is_article(text: str, toks: list[Token], i: int) -> bool:
    """An Arabic article word: "al"/"el", or any of them joined by a hyphen ("as-Sukhnah");
    English "as", "at", "an" standing alone are not."""
    t = toks[i]
    if t.fold not in ARTICLES:
        return False
    return t.fold in ("al", "el") or text[t.end:t.end + 1] in "-‐–"


def _joined(text: str, a: Token, b: Token) -> bool:
    gap = text[a.end:b.start]
    if gap == " " or _JOIN_GAP.fullmatch(gap):       # one space: the usual gap, no regex
        return True
    return len(a.word) <= 2 and a.word[0].isupper() and bool(_ABBREV_GAP.fullmatch(gap))


def proper_runs(text: str, toks: list[Token], cues: Cues) -> list[tuple[int, int]]:
    """Maximal runs (first, last token index) that can hold a place name."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        starts = t.capitalised or (
            t.fold in ARTICLES and _is_article(text, toks, i) and i + 1 < n
            and toks[i + 1].capitalised and _joined(text, t, toks[i + 1]))
        if not starts:
            i += 1
            continue
        j = i
        while j + 1 < n and _joined(text, toks[j], toks[j + 1]):
            nxt = toks[j + 1]
            if nxt.capitalised:
                j += 1
            elif nxt.fold in cues.particles and j + 2 < n and toks[j + 2].capitalised and \
                    _joined(text, nxt, toks[j + 2]):
                j += 2
            elif nxt.fold in cues.hyphen_particles and j + 2 < n and \
                    toks[j + 2].capitalised and text[toks[j].end:nxt.start] in _HYPHENS and \
                    _joined(text, nxt, toks[j + 2]):
                j += 2          # Persian ezafe: "Pul-e Khumri", "Mazar-i-Sharif"
            elif nxt.fold in cues.place_words and (toks[j].capitalised or (
                    toks[j].fold in cues.place_words and toks[j - 1].capitalised)):
                j += 1          # "Zaza junction", "al-Qaim border crossing" (two words at most)
            else:
                break
        runs.append((i, j))
        i = j + 1
    return runs


def find_spans(text: str, toks: list[Token], names, cues: Cues,
               variants: Callable[[str], bool] | None = None) -> list[Span]:
    """Place-name spans in ``text``: exact index matches, then unknown proper nouns.
    ``names[key]`` is the automaton value of a name key, or None (``index.NameValues``);
    ``variants(vkey)`` says whether the index has a transliteration-variant key, so that a
    multi-word Arabic name ("Ras al-Ain", "Tal Rifaat") is found whole, not as its words."""
    spans: list[Span] = []
    runs = proper_runs(text, toks, cues)
    for first, last in runs:
        if first == last:
            spans += _single(toks[first], first, names, cues)
            continue
        whole = " ".join([t.fold for t in toks[first:last + 1]])
        if last > first and whole in cues.division_abbrevs:      # "W.Va.", "B.C.": one name
            spans.append(Span(first, last, 0, 0, whole, None, "unknown"))
            continue
        variant_name = (lambda a, b: _variant_name(text, toks, a, b, cues, variants)) \
            if variants is not None and _maybe_arabic(toks, first, last, cues) else None
        found = _match_run(toks, first, last, names, variant_name)
        found = _demonyms_first(toks, first, last, found, cues)
        found += _demonyms(toks, first, last, found, cues)
        spans += found
        spans += _unknown_parts(toks, first, last, found, cues)
    spans = [s for s in spans if s.how != "unknown" or _cued(text, toks, s, cues)]
    for s in spans:
        s.start, s.end = toks[s.first].start, toks[s.last].end
        last_word = toks[s.last].word
        if last_word[-1] == "s" and _POSSESSIVE_END.search(last_word):
            s.end -= 2                       # "Iraq's" -> "Iraq"
        elif len(last_word) == 1 and text[s.end:s.end + 1] == "." and s.last > s.first:
            s.end += 1                       # "U.S." keeps its last period
    _mark(text, toks, spans, runs, cues)
    return spans


def _single(t: Token, i: int, names, cues: Cues) -> list[Span]:
    """A one-word run (most runs): a direct look-up, else a demonym, else an unknown noun;
    the same outcome as the general path below, without its bookkeeping."""
    if not t.capitalised:
        return []
    if t.fold in cues.demonyms:          # "Chadian" is Chad, not the village in China
        return [Span(i, i, 0, 0, t.fold, None, "demonym", {"demonym"})]
    value = names[t.fold] if len(t.fold) >= 2 else None
    if value is not None:
        return [Span(i, i, 0, 0, t.fold, value >> 8)]
    return [Span(i, i, 0, 0, t.fold, None, "unknown")]


def _match_run(toks: list[Token], first: int, last: int, names,
               variant_name: Callable[[int, int], str | None] | None = None) -> list[Span]:
    """Longest non-overlapping index names in a run, aligned to its words: every word n-gram
    (at most MAX_NAME_WORDS words) is looked up in the automaton (a run is a few words; a
    substring scan would mostly find names inside words). ``variant_name(a, b)`` gives the key
    of tokens a..b when they form an Arabic-looking name the index has as a transliteration
    variant: such a name competes by length too, and loses ties to exact names."""
    run = toks[first:last + 1]
    # (-(words - 1), variant?, start, end, key, value); value -1 marks a variant-key hit
    hits: list[tuple[int, int, int, int, str, int]] = []
    exact_extents: set[tuple[int, int]] = set()
    for a, t in enumerate(run):
        if not t.capitalised and t.fold not in ARTICLES:
            continue
        key = t.fold
        value = names[key] if t.capitalised else None
        if value is not None:
            hits.append((0, 0, a, a, key, value))
        for b in range(a + 1, min(len(run), a + MAX_NAME_WORDS)):
            key = f"{key} {run[b].fold}"
            value = names[key]
            if value is not None:
                hits.append((a - b, 0, a, b, key, value))
                exact_extents.add((a, b))
            elif variant_name is not None and run[b].capitalised:
                vkey = variant_name(first + a, first + b)
                if vkey is not None:
                    hits.append((a - b, 1, a, b, key, -1))
    hits.sort()                  # longest first, exact before variant, then leftmost
    taken = bytearray(len(run))
    kept = []
    for hit in hits:
        _, _, a, b, _, _ = hit
        if any(taken[a:b + 1]):
            continue
        taken[a:b + 1] = b"\x01" * (b - a + 1)
        kept.append(hit)
    kept.sort(key=itemgetter(2))
    return [Span(first + a, first + b, 0, 0, key, None, "variant") if value < 0 else
            Span(first + a, first + b, 0, 0, key, value >> 8)
            for _, _, a, b, key, value in kept]


def _maybe_arabic(toks: list[Token], first: int, last: int, cues: Cues) -> bool:
    """Whether any part of a run could be an Arabic compound name (``looks_arabic``): a head
    word, or an article after the run's first word. Most runs are not: no variant look-up."""
    heads = cues.arabic_heads
    return any(toks[i].fold in heads or (i > first and toks[i].fold in ARTICLES)
               for i in range(first, last + 1))


def looks_arabic(words: list[str], cues: Cues) -> bool:
    """Folded words of a multi-word name that look like an Arabic compound place name: an
    Arabic head word first ("ras", "tal", "deir") or an article after the first word."""
    return len(words) > 1 and (words[0] in cues.arabic_heads
                               or any(w in ARTICLES for w in words[1:]))


def _variant_name(text: str, toks: list[Token], a: int, b: int, cues: Cues,
                  variants: Callable[[str], bool]) -> str | None:
    """The variant key of tokens a..b when they look like an Arabic compound name (an article
    inside, or an Arabic head word first: Ras, Tal, Deir, Jisr, Abu …) and the index has that
    key; else None. The variant key models Arabic transliteration only (``normalize``)."""
    if toks[a].fold in cues.function_words and text[toks[a].end:toks[a].end + 1] not in _HYPHENS:
        return None                     # "An al-Shabaab bomber": "An" is English
    if not looks_arabic([t.fold for t in toks[a:b + 1]], cues):
        return None
    vkey = variant_key(" ".join(t.word for t in toks[a:b + 1]))
    return vkey if len(vkey) >= MIN_VARIANT_KEY and variants(vkey) else None


LOCATIVES = frozenset({"in", "near", "outside", "from", "into", "around", "toward", "towards",
                       "across", "inside", "via", "through"})


#: "<direction> of X", "<distance> of X": X is a place
DIRECTION_WORDS = frozenset(("north", "south", "east", "west", "northeast", "northwest",
                             "southeast", "southwest", "km", "kilometres", "kilometers",
                             "miles"))


#: a name right after these is a saint's ("St. Patrick's Day", "St. Jude hospital")
SAINT_WORDS = frozenset({"st", "saint", "ste", "sainte"})
#: a name right before these is a person's ("George Bush Jr")
GENERATION_WORDS = frozenset({"jr", "sr"})
#: "part of X" is a place cue only after a direction ("the southern part of X"; not "on the
#: part of Peter", "the west side of Main Street" is a street)
SIDE_WORDS = frozenset({"part", "parts", "side"})
SIDE_DIRECTIONS = frozenset({"northern", "southern", "eastern", "western", "central",
                             "northeastern", "northwestern", "southeastern", "southwestern"})


def place_cue(text: str, start: int, cues: Cues) -> str | None:
    """"place_word" after "the village/town/province … of", "direction" after "north of",
    "20 km of", "locative" after "in", "near" …
    ("to" and "at" are not locatives here: "told Reuters", "sent to Reuters")."""
    before = text[max(0, start - 40):start].lower().replace("-", " ").split()
    if len(before) >= 2 and before[-1] in ARTICLES and text[start - 1:start] in _HYPHENS:
        before.pop()                    # "near al-Sukhnah": the article is the name's
    if len(before) >= 2 and before[-1] == "of" and (
            before[-2] in cues.place_words or before[-2] in cues.part_words
            or (before[-2] in SIDE_WORDS and len(before) >= 3
                and before[-3] in SIDE_DIRECTIONS)):
        return "place_word"             # "the village of X", "the southern part of X"
    if len(before) >= 2 and before[-1] == "of" and before[-2] in DIRECTION_WORDS:
        return "direction"              # "20 km north of Dori", "south-east of Idlib"
    if before and before[-1] in LOCATIVES:
        return "locative"
    return None


def _cued(text: str, toks: list[Token], s: Span, cues: Cues) -> bool:
    """Unknown proper nouns matter only after a place cue, as a state abbreviation, or
    before a phrase that says where they lie ("Zindiya (Anbar)", "Zindiya, 15 km east of
    Ramadi": mark ``contained_cue``; the containing place decides, ``coherence.contain``)."""
    if s.key in cues.division_abbrevs:
        return True
    key = s.key
    if key[-1] in "sn" and toks[s.first].capitalised and \
            cues.places_of_inhabitants(key[key.rfind(" ") + 1:]):
        s.marks.add("inhabitants")      # "Ontarians": read back to the place (api)
        return True
    end = toks[s.last].end
    after = text[end:end + 8]
    if ("(" in after or "," in after or " near" in after or " outsid" in after) and \
            _CONTAINED_AFTER.match(text, end):
        s.marks.add("contained_cue")
        return True
    prev = toks[s.first - 1].fold if s.first > 0 else ""
    if prev not in LOCATIVES and prev != "of":
        return False
    return place_cue(text, toks[s.first].start, cues) is not None


def _demonyms_first(toks: list[Token], first: int, last: int, found: list[Span],
                    cues: Cues) -> list[Span]:
    """A demonym wins over a one-word place with its name: "Sri Lankan" over "Sri", "Chadian"
    over the village Chadian."""
    heads = cues.demonym_heads
    pairs = {i for i in range(first, last) if toks[i].fold in heads and
             f"{toks[i].fold} {toks[i + 1].fold}" in cues.demonyms}
    cover = pairs | {i + 1 for i in pairs}
    demonyms = cues.demonyms
    cover |= {s.first for s in found if s.first == s.last and toks[s.first].fold in demonyms
              and toks[s.first].capitalised and not _feature_after(toks, s.first, last, cues)}
    return [s for s in found if not (s.first == s.last and s.first in cover)]


def _demonyms(toks: list[Token], first: int, last: int, found: list[Span],
              cues: Cues) -> list[Span]:
    """Demonyms ("Syrian", "Saudi Arabian", "Russians") not inside a matched place name."""
    covered = {i for s in found for i in range(s.first, s.last + 1)}
    out: list[Span] = []
    heads = cues.demonym_heads
    i = first
    while i <= last:
        two = f"{toks[i].fold} {toks[i + 1].fold}" if i < last and toks[i].fold in heads \
            else None
        if two in cues.demonyms and not {i, i + 1} & covered and not _feature_after(toks, i + 1,
                                                                                   last, cues):
            out.append(Span(i, i + 1, 0, 0, two, None, "demonym", {"demonym"}))
            i += 2
            continue
        if toks[i].capitalised and toks[i].fold in cues.demonyms and i not in covered and \
                not _feature_after(toks, i, last, cues):
            out.append(Span(i, i, 0, 0, toks[i].fold, None, "demonym", {"demonym"}))
        i += 1
    return out


def _feature_after(toks: list[Token], i: int, last: int, cues: Cues) -> bool:
    """Token i is followed, in its run, by a capitalised place-type word: "Indian Ocean",
    "Arabian Sea", "Syrian Desert" name a feature, not the country of the demonym."""
    return i < last and toks[i + 1].capitalised and toks[i + 1].fold in cues.place_words


def _unknown_parts(toks: list[Token], first: int, last: int, found: list[Span],
                   cues: Cues) -> list[Span]:
    """Stretches of a run that no name matched, split at covered tokens and at lower-case
    words other than Arabic articles ("Deir Ezzor on Tuesday" -> "Deir Ezzor", "Tuesday")."""
    covered = {i for s in found for i in range(s.first, s.last + 1)}
    out: list[Span] = []
    i = first
    while i <= last:
        if i in covered or not (toks[i].capitalised or toks[i].fold in ARTICLES):
            i += 1
            continue
        j = i
        while j + 1 <= last and j + 1 not in covered and (
                toks[j + 1].capitalised or toks[j + 1].fold in ARTICLES):
            j += 1
        b = j
        while b >= i and not toks[b].capitalised:
            b -= 1
        if b >= i:
            key = " ".join(t.fold for t in toks[i:b + 1])
            out.append(Span(i, b, 0, 0, key, None, "unknown"))
        i = j + 1
    return out


def _mark(text: str, toks: list[Token], spans: list[Span], runs: list[tuple[int, int]],
          cues: Cues) -> None:
    _mark_each(text, toks, spans, _person_words(text, toks, spans, runs, cues), cues)
    _mark_name_heads(spans)


def _mark_each(text: str, toks: list[Token], spans: list[Span], persons: set[str],
               cues: Cues) -> None:
    placed = {i for s in spans if s.how == "gazetteer" for i in range(s.first, s.last + 1)}
    vocabulary = cues.name_words
    ampersand = "&" in text                  # the organisation patterns below need one
    naming = ("called" in text or "named" in text or "dubbed" in text) and \
        _NAMING_WORDS.search(text) is not None             # "called", "named" …
    for s in spans:
        words = s.key.split()
        one = len(words) == 1
        before = toks[s.first - 1] if s.first > 0 else None
        after = toks[s.last + 1] if s.last + 1 < len(toks) else None
        joined_before = before is not None and _joined(text, before, toks[s.first])
        joined_after = after is not None and _joined(text, toks[s.last], after)
        if s.first == 0 or _sentence_before(text, s.start):
            s.marks.add("sentence_start")
        elif before is not None and (before.fold in LOCATIVES or before.fold == "of" or (
                before.fold in ARTICLES and text[before.end:s.start] in _HYPHENS)):
            cue = place_cue(text, s.start, cues)
            if cue:
                s.marks.add("cue_" + cue)        # "in X", "the village of X", "near al-X"
        if s.key in _ERAS and _NUMBER_BEFORE.search(text, max(0, s.start - 12), s.start):
            s.marks.add("calendar")           # "500 B.C.", "AD 70" is a year, not a province
        if s.key in cues.calendar:
            s.marks.add("calendar")
        if s.key in cues.titles:
            s.marks.add("person")
        # a possessive ends a name: "Sabha's al-Manshiya district" is Sabha and a district
        poss_before = before is not None and is_possessive(before.word)
        if _is_article(text, toks, s.first) and joined_before and before.capitalised and \
                not poss_before and before.fold not in MODIFIERS and \
                before.fold not in cues.demonyms and "sentence_start" not in s.marks and \
                not _is_vocabulary(before.fold, cues):
            s.marks.add("name_tail")         # "Zaman al-Wasl", "Maghawir al-Thawra"
        if before is not None and before.fold in cues.titles and before.fold != "head" and \
                words[-1] not in cues.place_words:
            s.marks.add("person")
        if joined_before and before.capitalised and before.fold not in cues.particles \
                and cues.is_given_name(before.word) and (s.first - 1) not in placed:
            s.marks.add("person")
        if one and words[0] in persons:
            s.marks.add("person")
        if joined_before and before.fold in SAINT_WORDS and before.capitalised:
            s.marks.add("person")            # "St. Patrick's Day": a saint ("St. Louis" is
            #                                  one span, so a known place never gets here)
        if joined_after and after.fold in GENERATION_WORDS:
            s.marks.add("person")            # "George Bush Jr"
        if (text[s.end:s.end + 1] == "," and _AGE_AFTER.match(text, s.end)) or (
                naming and _named_person(text, s.start, cues)):
            s.marks.add("person")            # "Georgia, 12, said", "a girl called Georgia"
        if one and s.how == "gazetteer" and (
                (_compound_neighbour(text, toks, s.last + 1, joined_after, cues)
                 and not ((s.last + 1) in placed and "-" in text[toks[s.last].end:after.start]))
                or (joined_before and "-" in text[before.end:toks[s.first].start]
                    and (s.first - 1) not in placed
                    and _compound_neighbour(text, toks, s.first - 1, True, cues))
                or (joined_before and "sentence_start" not in s.marks
                    and not ((before.start == 0 or _sentence_before(text, before.start))
                             and _is_vocabulary(before.fold, cues))
                    and (s.first - 1) not in placed
                    and _compound_neighbour(text, toks, s.first - 1, True, cues))):
            s.marks.add("compound")          # "Dodge Caravan", "Wal-Mart": well-known only
            if cues.is_given_name(toks[s.first].word) and joined_after and after.capitalised:
                s.marks.add("given_name")    # "Mary Wheeler": countries and capitals only
        if after is not None and after.capitalised and after.fold in STREET_WORDS and \
                joined_after:
            s.marks.add("street")            # "West Tyler Street" is not the town
        if after is not None and after.fold in cues.facility_words and joined_after:
            s.marks.add("facility")          # "Paris roundabout", "Independence Square"
        elif joined_after and after.fold in cues.bare_division_words and \
                "cue_locative" not in s.marks:
            s.marks.add("cue_place_word")    # "the Usaylan district": the text calls it a place
        if after is not None and after.fold in cues.abroad_words and joined_after:
            s.marks.add("abroad")            # "the Iranian consulate (in Najaf)"
        if ampersand and (_AMP_AFTER.match(text, s.end, s.end + 4) or
                          _AMP_BEFORE.search(text, max(0, s.start - 20), s.start)):
            s.marks.add("organisation")      # "Stevens & Wilkinson"
        if vocabulary.issuperset(words):
            s.marks.add("calendar")          # "The city": no name in it at all
        if joined_after and after.fold in cues.org_suffixes and after.capitalised:
            s.marks.add("organisation")
        if before is not None and before.fold in cues.org_nouns and not before.capitalised:
            s.marks.add("organisation")
        if after is not None and after.fold in cues.speech_verbs and \
                text[toks[s.last].end:after.start].strip() in ("", ",") and \
                "cue_locative" not in s.marks:
            s.marks.add("speaker")           # "Davis said"; not "officials in Liverpool said"
        if one and s.how == "gazetteer" and cues.is_given_name(toks[s.first].word):
            s.marks.add("lone_given_name")  # "said Tim": towns of 100,000+ or after "in"
        if s.key in cues.not_places:
            s.marks.add("organisation")
        surface = text[s.start:s.end]
        if not surface[1:2].islower() and (
                (surface.isupper() and sum(c.isalpha() for c in surface) <= 4)
                or _MIXED_ACRONYM.match(surface)):
            s.marks.add("acronym")           # "ISIS", "EU", "SDF", "FAMa": countries, states
        elif one and words[0] in cues.common_words and _plain_word(surface):
            s.marks.add("common_word")       # "Clean Air Act"; not "the Aïr", not "EU"


def _sentence_before(text: str, start: int) -> bool:
    """A sentence mark (. ! ? : quotes, line break) and then only white space in the four
    characters before ``start`` (the regex ``[.!?:"“”\\n]\\s*$`` over them, without a regex)."""
    window = text[max(0, start - 4):start]
    body = window.rstrip()
    return (bool(body) and body[-1] in _SENTENCE_MARKS) or "\n" in window[len(body):]


def _mark_name_heads(spans: list[Span]) -> None:
    """In "Zaman al-Wasl", the head "Zaman" goes with the tail "al-Wasl": neither is a place."""
    by_last = {s.last: s for s in spans}
    for s in spans:
        if "name_tail" in s.marks and (s.first - 1) in by_last:
            by_last[s.first - 1].marks.add("name_tail")


def _compound_neighbour(text: str, toks: list[Token], i: int, joined: bool, cues: Cues) -> bool:
    """Token ``i`` is a capitalised word that makes its neighbour part of a longer name."""
    if not joined or not 0 <= i < len(toks):
        return False
    t = toks[i]
    return (t.capitalised and t.fold not in MODIFIERS and t.fold not in cues.demonyms
            and not _is_vocabulary(t.fold, cues) and not t.word.isupper())


def _plain_word(surface: str) -> bool:
    """Written as an English word could be: no letter outside ASCII ("Air", not "Aïr")."""
    return all(c.isascii() or not c.isalpha() for c in surface)


def _is_vocabulary(word: str, cues: Cues) -> bool:
    return (word in cues.place_words or word in cues.titles or word in cues.org_suffixes
            or word in cues.common_words or word in cues.calendar
            or word in cues.function_words)


def _person_words(text: str, toks: list[Token], spans: list[Span],
                  runs: list[tuple[int, int]], cues: Cues) -> set[str]:
    """Surnames of people named in the text: the last word of a run that starts with a given
    name or follows a title ("Karim al-Nouri" -> nouri; "Colonel Ryan Dillon" -> dillon).
    Two places joined by a hyphen ("Logan-Rogersville" schools) are no person."""
    found: set[str] = set()
    whole = {(s.first, s.last) for s in spans if s.how == "gazetteer"}
    for first, last in _name_parts(toks, runs, cues):
        if first == last:
            continue                          # one word: no given name and surname in it
        caps = [i for i in range(first, last + 1) if toks[i].capitalised]
        if len(caps) < 2 or (first, last) in whole:
            continue
        k = caps[-1]
        if (k, k) in whole and (k - 1, k - 1) in whole and \
                text[toks[k - 1].end:toks[k].start] == "-":
            continue
        titled = first > 0 and toks[first - 1].fold in cues.titles
        initial = any(len(toks[i].word) == 1 and i != caps[-1] for i in caps[1:])
        for i in caps[:-1]:
            if titled or initial or toks[i].fold in cues.titles or \
                    cues.is_given_name(toks[i].word):
                found.add(toks[caps[-1]].fold)  # "Tyrise M. Bell": a middle initial too
                break
    return found


def _name_parts(toks: list[Token], runs: list[tuple[int, int]], cues: Cues):
    """The runs split at lower-case English function words: a person's name holds particles
    (al-, bin, van, de) but never "at", "on" or "of" ("Abbey Gate at Kabul" is two parts)."""
    for first, last in runs:
        start = first
        for i in range(first, last + 1):
            t = toks[i]
            if not t.capitalised and t.fold in cues.function_words:
                if i - 1 >= start:
                    yield start, i - 1
                start = i + 1
        if start <= last:
            yield start, last


def _named_person(text: str, start: int, cues: Cues) -> bool:
    """"a girl called X", "a storm named X": a person-noun, then called/named, before X."""
    m = _NAMED_BEFORE.search(text, max(0, start - 40), start)
    return bool(m) and m.group(1) in cues.person_nouns
