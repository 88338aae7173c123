"""Steps 2 and 3 of actor matching (see ``geo.actors.dictionary``): people linked to an actor
by their role ("PMU spokesman Karim al-Nouri", "<Name>, a <actor> <role>", "<role> of
<actor>, <Name>") and later mentions of a linked person's surname ("Nouri added")."""

from __future__ import annotations

from geo.actors.matching import MatchContext
from geo.actors.tokens import ARTICLES, DETERMINERS, GENERIC, Cand, Tok, org_suffixes, passes
from geo.actors.types import ActorMention


class PeopleContext(MatchContext):
    """A ``find`` call through all three steps."""

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

    def name_ok(self, t: Tok) -> bool:
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
        suffixes = org_suffixes()
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

    def refs(self, chosen: list[Cand]) -> tuple[dict[int, tuple], dict[int, tuple]]:
        """Actor references for role patterns: mentions (not people) and national words
        ("US General …", "coalition spokesman …"). Values: (first, last, actor, generic,
        is_national_only)."""
        by_first: dict[int, tuple] = {}
        by_last: dict[int, tuple] = {}
        for c in chosen:
            if c.pat.person is None:
                r = (c.first, c.last, c.pat.actor, c.pat.priority <= GENERIC, False)
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
                            if all(passes(t, c) for t, c in
                                   zip(self.toks[i:last + 1], p.checks, strict=False))), None)
                if pat is not None:
                    r = (i, last, pat.actor, pat.priority <= GENERIC, True)
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

    def link_people(self, chosen: list[Cand]) -> None:
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
                while i >= 0 and (toks[i].fold in DETERMINERS
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
                if toks[m].fold in DETERMINERS and m + 1 < n and self.plain(m):
                    m += 1
                r = by_first.get(m)
                if r is not None:
                    b = i - 1
                    while b >= 0 and toks[b].fold in DETERMINERS and self.plain(b):
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
                if last - 1 in idx and self.toks[last - 1].fold in ARTICLES:
                    forms.add(f"{self.toks[last - 1].fold} {self.toks[last].fold}")
            for f in forms:
                keys.setdefault(f, set()).add((person, actor))
        toks, n = self.toks, len(self.toks)
        i = 0
        while i < n:
            hit = None
            if self.covered[i] is None and (toks[i].cap or toks[i].fold in ARTICLES):
                for size in (4, 3, 2, 1):
                    last = i + size - 1
                    if last >= n or any(self.covered[j] is not None for j in range(i, last + 1)):
                        continue
                    if not all(self.name_gap(j) for j in range(i, last)):
                        continue
                    owners = keys.get(" ".join(t.fold for t in toks[i:last + 1]))
                    if not owners or len(owners) != 1 or not toks[last].cap:
                        continue
                    short = size == 1 or (size == 2 and toks[i].fold in ARTICLES)
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
        for first, last, actor, person, generic in self._with_force_nouns(sorted(self.out)):
            s, e = self.toks[first].start, self.toks[last].end
            out.append(ActorMention(self.text[s:e], s, e,
                                    self.d.in_setting(actor, self.setting), person, generic))
        return out

    def _with_force_nouns(self, chosen: list[tuple]) -> list[tuple]:
        """A named actor right before a generic force noun ("AMISOM soldiers", "MNJTF troops")
        is one mention of the named actor: the noun says what its members are, not another
        side. ``chosen``: (first, last, actor id, person, generic) rows in text order."""
        nouns = self.d.words("force_nouns")
        out: list[tuple] = []
        for row in chosen:
            first, last, _actor, _person, generic = row
            if out and generic and first == last and self.toks[first].fold in nouns:
                p_first, p_last, p_actor, p_person, p_generic = out[-1]
                if first == p_last + 1 and not p_person and not p_generic and \
                        self.text[self.toks[p_last].end:self.toks[first].start] == " ":
                    out[-1] = (p_first, last, p_actor, p_person, p_generic)
                    continue
            out.append(row)
        return out
