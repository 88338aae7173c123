"""Step 1 of actor matching (see ``geo.actors.dictionary``): one Aho-Corasick pass of alias
keys over the folded tokens, case checks, overlaps resolved longest first, and the context
rules (locative country names, "<enemy>-backed" generic phrases, coordinated nationals)."""

from __future__ import annotations

from gazetteer.normalize import TOKEN_RE
from geo.actors.tokens import (
    EXPLICIT,
    GENERIC,
    SENTENCE_GAP,
    SMALL_WORDS,
    Cand,
    Pattern,
    Tok,
    facility_words,
    passes,
)


class MatchContext:
    """One ``find`` call: tokens, candidates, the covered-token map and linked people."""

    def __init__(self, d, text: str, toks: list[Tok], setting):
        # d: the geo.actors.dictionary.ActorDictionary matching (it builds this context);
        # setting: its Setting (theatres, day) choosing between actors sharing a name
        self.d = d
        self.setting = setting
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
        if SENTENCE_GAP.search(g):
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
                     if len(w) >= 4 and w[0].isalpha() and w.lower() not in SMALL_WORDS]
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

    def lookup_ending(self, end: int, tables=None) -> Pattern | None:
        """A pattern (alias, national …) whose tokens end at token ``end``."""
        tables = tables or (self.d._patterns, self.d._nationals)
        for n in (3, 2, 1):
            first = end - n + 1
            if first < 0 or not all(self.joinable(j) for j in range(first, end)):
                continue
            key = " ".join(t.fold for t in self.toks[first:end + 1])
            for table in tables:
                for pat in table.get(key, ()):
                    if all(passes(t, c) for t, c in zip(self.toks[first:end + 1], pat.checks,
                                                         strict=False)):
                        return pat
        return None

    # -- step 1: alias matching -----------------------------------------------------------

    def candidates(self) -> list[Cand]:
        toks = self.toks
        folded = " " + " ".join(t.fold for t in toks) + " "
        start_of: dict[int, int] = {}
        end_of: dict[int, int] = {}
        pos = 1
        for i, t in enumerate(toks):
            start_of[pos] = i
            end_of[pos + len(t.fold) - 1] = i
            pos += len(t.fold) + 1
        cands: list[Cand] = []
        for end_idx, kid in self.d._automaton.iter(folded):
            key = self.d._keys[kid]
            # the pattern is " key ": end_idx is its closing space
            first, last = start_of.get(end_idx - len(key)), end_of.get(end_idx - 1)
            if first is None or last is None:
                continue
            if not all(self.joinable(j) for j in range(first, last)):
                continue
            for pat in self.d.patterns(key, self.setting):
                if pat.priority < EXPLICIT and self.backed_by_enemy(first, pat):
                    break           # "US-backed Syrian forces": no other reading either
                if self.accept(first, last, pat):
                    cands.append(Cand(first, last, pat))
                    if pat.kind == "national" or self.opens_with_own_national(first, pat):
                        cands.extend(self.coordinated(first))
                    break
        return cands

    def accept(self, first: int, last: int, pat: Pattern) -> bool:
        toks = self.toks
        span = toks[first:last + 1]
        if len(span) != len(pat.checks) or not all(
                passes(t, c) for t, c in zip(span, pat.checks, strict=True)):
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
        if pat.kind == "alias" and first == last and self.bare_place(first):
            return False
        if pat.priority < EXPLICIT and last + 1 < len(toks) and self.plain(last) and \
                toks[last + 1].fold in facility_words():
            return False            # "a police station", "the army barracks": a place
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

    def bare_place(self, i: int) -> bool:
        """A one-word name, not an acronym, right after "in"/"near"/"outside" … and closing
        its phrase ("in Rada'a (al-Bayda)", "near Radaa,"): the town, not the group that
        shares its name."""
        t = self.toks[i]
        if not t.cap or t.base.isupper() or i == 0 or not self.plain(i - 1):
            return False
        if self.toks[i - 1].fold not in self.v["bare_place_words"]:
            return False
        rest = self.text[t.end:t.end + 3].lstrip(" ")
        return not rest or rest[0] in "(,.;:"

    def backed_by_enemy(self, first: int, pat: Pattern) -> bool:
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

    def opens_with_own_national(self, first: int, pat: Pattern) -> bool:
        """Whether the alias matched from token ``first`` opens with a national of its own
        actor ("Russian troops"; not "Iranian-backed militias"), so that nationals
        coordinated before it are sides too ("Ukrainian and Russian troops")."""
        national = self.lookup_ending(first, (self.d._nationals,))
        return national is not None and national.actor == pat.actor

    def coordinated(self, first: int) -> list[Cand]:
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
            out.append(Cand(start, end, pat))
            i = start
        return out

    def select(self, cands: list[Cand]) -> list[Cand]:
        chosen = []
        for c in sorted(cands, key=lambda c: (c.first - c.last, -c.pat.priority, c.first)):
            if all(self.covered[j] is None for j in range(c.first, c.last + 1)):
                for j in range(c.first, c.last + 1):
                    self.covered[j] = len(self.out)
                self.out.append((c.first, c.last, c.pat.actor, c.pat.person,
                                 c.pat.priority <= GENERIC))
                chosen.append(c)
        return chosen
