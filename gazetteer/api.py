"""The public API, geopy-shaped: ``lookup``, ``geocode``, ``geoparse``, ``resolve``.

``lookup`` and ``geocode`` take a place name; ``geoparse`` finds and resolves every place
mention in a text; ``resolve`` resolves spans that the caller found. Coordinates are (lat, lon)
in degrees throughout, as in geopy.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

from . import cues as cues_mod
from .coherence import contain, gate
from .context import candidate_flags, place_facts
from .divisions import seat_id
from .errors import InputError
from .find import Span, find_spans, looks_arabic, name_tokens, place_cue
from .index import Index, open_index
from .memo import LRU
from .normalize import match_key, strip_articles, variant_key
from .rank import MAJOR_CODES, Cand, Item, by_prior, decide, rank
from .sources.geonames_cache import country_neighbours
from .sources.overlay import OverlaySource
from .streets import STREET_RULE, street_spans
from .types import Candidate, Mention, Place

MAX_NAME_CHARS = 200
#: feature words after a name the index lacks ("Neches River"): fall back to the head name
HEAD_FEATURE_WORDS = frozenset({"river", "creek", "lake", "township", "park", "valley",
                                "mountain", "mountains", "dam", "bay", "island", "forest"})
#: context bonus above which a place survives the person/compound name rules
CONTEXT_SUPPORT = 1.6
#: a capital named by its own name survives a given-name reading ("Sofia Brennan") only from
#: this many inhabitants: "Victoria Okonkwo" is no visit to the Seychelles' capital
GIVEN_NAME_CAPITAL_POP = 100_000
#: variant and fuzzy candidates whose stored name is less alike than this are dropped
MIN_SIMILARITY = 0.75
DROP_MARKS = frozenset({"person", "organisation", "calendar", "name_tail", "street"})
#: a name without candidates is kept when the text calls it a place or says where it lies
KEEP_UNMATCHED = frozenset({"place_cue", "contained_cue"})
#: the best candidates a Mention keeps (``Mention.candidates``), best first
TOP_CANDIDATES = 5
#: a region (corpus focus) country counts as this many mentions of it in the text
REGION_WEIGHT = 1.0
#: a bare name ("Raqqa", "Idlib") offers its "<name> Governorate/Province" only when no town
#: of the same country this large carries the name: lookup and resolve give the city
TOWN_OVER_DIVISION = 50_000
#: a given name before a surname may still be a country or territory ("Georgia Brown" is
#: rare in news), never a first-order division ("Virginia Todoran")
NATION_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "TERR"})
#: what a name of inhabitants may be read back to ("Ontarians" -> Ontario)
INHABITED_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "TERR", "ADM1", "ADM2", "PPLC",
                             "RGN", "CONT"})
#: names whose ranked candidates a Gazetteer keeps (each at most rank.MAX_CANDIDATES places)
EXACT_RANKED_MAX = 10_000


class Gazetteer:
    """Place-name resolution over an on-disk index (default: the embedded GeoNames index).

    ``online`` is an optional ``gazetteer.sources.online.OnlineSource``: ``lookup`` falls
    back to it only when the offline index finds nothing.
    """

    def __init__(self, index: Index | None = None, online=None):
        self._index = index
        self.online = online
        self.cues = cues_mod.load()
        self.neighbours = country_neighbours()    # ISO alpha-2 -> land neighbours (GeoNames)
        self._ranked = LRU(EXACT_RANKED_MAX)      # key id -> (candidates, priors, facts)
        self._fuzzy_keys = LRU(EXACT_RANKED_MAX)  # variant key -> its fuzzy best key or ""

    @property
    def index(self) -> Index:
        if self._index is None:
            self._index = open_index()
        return self._index

    # -- names ----------------------------------------------------------------------------

    def candidates(self, name: str, fuzzy: bool = True) -> list[Cand]:
        """Places a name may refer to: exact keys first (abbreviated words written out:
        "W. Columbia"), then a place-type phrase's name ("Town of Groton"), the place of its
        inhabitants ("Ohioans"), transliteration variants, then (last resort) fuzzy matches.
        Items: (place, name is its primary name, match kind, similarity in [0, 1] of the
        name as written to the place's matching name)."""
        key = match_key(name)
        special = self._special(name, key)
        if special:
            return special
        rows = self._exact(key) or self._exact(self._expanded(key))
        if rows:
            rows += self._more_variants(name, rows)
            towns = {p.country_code for p, *_ in rows
                     if p.feature_class == "P" and p.population >= TOWN_OVER_DIVISION}
            have = {r[0].id for r in rows}          # a place is offered once, as its best match
            return rows + [r for r in self._bare_division(key)      # "Raqqa": the city
                           if r[0].country_code not in towns and r[0].id not in have]
        named = _TYPE_OF.match(key)          # "town of groton" -> "groton"
        if named and (rows := self._exact(key[named.end():])):
            return [(p, prim, "derived", 0.9) for p, prim, _m, _s in rows]
        # "Ohioans", "Gazans": the place whose inhabitants they are, before any spelling
        # variant or fuzzy match of the word itself (Ohanes, Jizan)
        rows = self._inhabitants(name, key)
        if rows:
            return rows
        vkey = variant_key(name)
        if len(vkey) >= 3:
            rows = self._scored(key, self.index.places_by_variant(vkey), "variant")
            if rows:
                return rows
        if fuzzy and len(vkey) >= 5:
            rows = self._scored(key, self._fuzzy(vkey), "fuzzy")
            if rows:
                return rows
        return self._bare_division(key) or self._head_name(key)

    def _inhabitants(self, name: str, key: str) -> list[Cand]:
        """"Ontarians", "Gazans", "New Londoners": the place whose inhabitants these are, when it
        is a country, division, region, capital or large town (variant-level match)."""
        if not name[:1].isupper():
            return []
        for base in self.cues.places_of_inhabitants(key):
            rows = [(p, prim, "derived", 0.9) for p, prim, _ in self.index.places_by_key(base)
                    if prim and (p.feature_code in INHABITED_CODES or p.feature_class == "L"
                                 or p.population >= 100_000)]
            if rows:
                return rows
        return []

    def _more_variants(self, name: str, rows: list[Cand]) -> list[Cand]:
        """Transliteration variants offered beside exact matches: for a multi-word
        Arabic-looking name ("Ras al Ayn"), and, in the transliteration countries, for a name
        whose exact places are all minor ("Shabwa": a hamlet in Myanmar by that exact name,
        the Yemeni governorate Shabwah by its spelling)."""
        if looks_arabic(match_key(name).split(), self.cues):
            return self._variants_of(name, {r[0].id for r in rows})
        if all(_minor(r[0]) for r in rows) and \
                self.index.has_variant_in(variant_key(name)):
            return [c for c in self._variants_of(name, {r[0].id for r in rows})
                    if c[0].country_code in self.cues.variant_countries and not _minor(c[0])]
        return []

    def _variants_of(self, name: str, have: set[str]) -> list[Cand]:
        """Variant-key candidates of ``name`` other than the places in ``have``."""
        vkey = variant_key(name)
        if len(vkey) < 5:
            return []
        return [c for c in self._scored(match_key(name), self.index.places_by_variant(vkey),
                                        "variant") if c[0].id not in have]

    def _exact(self, key: str) -> list[Cand]:
        return [(p, prim, "exact", 1.0) for p, prim, _ in self.index.places_by_key(key)] \
            if key else []

    def _expanded(self, key: str) -> str:
        """The key with abbreviated words written out ("loudon co" -> "loudon county"), or ""
        when it has none."""
        words = key.split()
        full = [self.cues.abbreviations.get(w, w) for w in words]
        return " ".join(full) if full != words else ""

    def _bare_division(self, key: str) -> list[Cand]:
        """"Gwinnett", "Avoyelles": a division the index has only with its division word
        ("Gwinnett County", "Avoyelles Parish"). Offered as a variant-level match."""
        if not key or key.split()[-1] in self.cues.bare_division_words:
            return []
        qualified = [f"{key} {word}" for word in self.cues.bare_division_words]
        found = self.index.places_by_keys(qualified)         # one query, not one per word
        for name in qualified:
            rows = [(p, prim, "derived", 0.9) for p, prim, _ in found.get(name, ())
                    if p.feature_class == "A"]
            if rows:
                return rows
        return []

    def _head_name(self, key: str) -> list[Cand]:
        """"Neches River", "Readington Township": a feature the index lacks, named after a
        place it has. Offers the head name's places as a variant-level match (lower score,
        rule ``+variant``): an approximate location near the feature, never an exact one."""
        words = key.split()
        if len(words) < 2 or words[-1] not in HEAD_FEATURE_WORDS:
            return []
        head = " ".join(words[:-1])
        return [(p, prim, "derived", 0.85) for p, prim, _ in self.index.places_by_key(head)]

    def division_seat(self, division: Place) -> Place | None:
        """The seat (capital town) of a first-order division (an ADM1 Place), when
        ``data/division_seats.csv`` gives one and the index has it; else None."""
        if division.feature_code != "ADM1" or not division.admin1:
            return None
        pid = seat_id(division.country_code, division.admin1)
        return self._place_by_id(pid) if pid else None

    @lru_cache(maxsize=4096)  # noqa: B019 - one Gazetteer per process; bounded
    def _place_by_id(self, place_id: str) -> Place | None:
        return self.index.place(place_id)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Gazetteer per process; bounded
    def _admin(self, country_code: str, feature_code: str, admin1: str = "") -> Place | None:
        return self.index.admin_place(country_code, feature_code, admin1)

    def _demonym_place(self, code: str) -> Place | None:
        """The country a demonym names ("Syrian" -> SY), or the continent ("CONT:EU" for
        "European")."""
        if code.startswith("CONT:"):
            return self._admin("", "CONT", code[5:])
        return self._admin(code, "PCLI")

    def _special(self, name: str, key: str) -> list[Cand]:
        """A division abbreviation written as such ("Ky.", "W.Va.", "TX", "B.C.", "Qld") or a
        demonym ("Syrian", "Russians") stands for the state, province or country."""
        division = self.cues.division_abbrevs.get(key)
        if division and self.cues.written_as_abbreviation(name):
            place = self._admin(division[0], "ADM1", division[1])
            return [(place, False, "exact", 1.0)] if place else []
        cc = self.cues.demonyms.get(key)
        if cc and name[:1].isupper():
            place = self._demonym_place(cc)
            return [(place, False, "exact", 1.0)] if place else []
        return []

    @staticmethod
    def _scored(key: str, rows, match: str) -> list[Cand]:
        core = " ".join(strip_articles(key.split()))
        scored = [(p, prim, match,
                   fuzz.ratio(core, " ".join(strip_articles(match_key(stored).split()))) / 100)
                  for p, prim, stored in rows]
        return [c for c in scored if c[3] >= MIN_SIMILARITY]

    def _fuzzy(self, vkey: str, cutoff: float = 88.0) -> list[tuple[Place, bool, str]]:
        """Places of the variant key closest to ``vkey`` (rapidfuzz ratio ≥ ``cutoff``) among
        the keys sharing its first three letters; the best key is memoised per ``vkey``."""
        best = self._fuzzy_keys.get(vkey)
        if best is None:
            choices = self.index.variants_with_prefix(vkey[:3])
            hit = process.extractOne(vkey, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
            best = self._fuzzy_keys[vkey] = hit[0] if hit else ""
        return self.index.places_by_variant(best) if best else []

    def lookup(self, name: str, country: str | None = None, limit: int = 10) -> list[Place]:
        """Places named ``name``, best first (by feature type, population, match quality).

        ``country`` is an ISO 3166 alpha-2 code or a country name. Raises ``InputError`` for an
        empty name or one longer than 200 characters. An empty list is the "no match" outcome.
        """
        name = _check_name(name)
        cc = self._country_code(country) if country else None
        rows = self.candidates(name)
        if cc:
            rows = [r for r in rows if r[0].country_code == cc]
        rows, _ = by_prior(rows, limit=max(limit, 1) * 4)
        places = list(dict.fromkeys(r[0] for r in rows))[:limit]
        if not places and self.online is not None:
            places = self.online.search(name, country=cc, limit=min(limit, 50))
        return places

    def _country_code(self, country: str) -> str:
        country = country.strip()
        if len(country) == 2 and country.isalpha():
            return country.upper()
        for p, *_ in self.candidates(country, fuzzy=False):
            if p.feature_code in ("PCLI", "PCLD", "PCLS", "PCLF", "TERR"):
                return p.country_code
        raise InputError(f"unknown country {country!r}: give an ISO code such as IQ or SY")

    def geocode(self, query: str, exactly_one: bool = True):
        """geopy-compatible: a ``geopy.location.Location`` (or a list, or None).

        "Sinjar, Iraq" restricts to that country. Unlocated places are skipped.
        """
        from geopy.location import Location

        query = _check_name(query)
        name, _, rest = query.partition(",")
        country = None
        if rest.strip():
            try:
                country = self._country_code(rest)
            except InputError:
                name = query
        places = [p for p in self.lookup(name, country=country) if p.located]
        locations = [Location(f"{p.name}, {p.country_code}", (p.lat, p.lon), p.to_dict())
                     for p in places]
        if exactly_one:
            return locations[0] if locations else None
        return locations

    # -- text -----------------------------------------------------------------------------

    def geoparse(self, text: str, region: Iterable[str] | None = None) -> list[Mention]:
        """Every place mention in ``text``, resolved in context, in text order.

        A mention whose name is known but cannot be resolved confidently is returned with
        ``place=None`` only when the text calls it a place; person names, organisations and
        calendar words are never returned. Demonyms ("Syrian") come back as mentions of the
        country (rule ``demonym``), state abbreviations ("Ky.") as the state.

        ``region``: the countries (ISO 3166 alpha-2 codes) the corpus is about, a prior worth
        one mention of each country in the text: it decides short texts ("Athens" alone in
        an American corpus) and widens the coherence focus; the text's own places still win.
        """
        if not isinstance(text, str):
            raise InputError("geoparse needs text (str)")
        focus = region_codes(region)
        if not text.strip():
            return []
        toks = name_tokens(text, self.cues)
        spans = find_spans(text, toks, self.index.names, self.cues, self.index.has_variant)
        demonyms = Counter(_demonym_tokens(toks, self.cues))
        spans = [s for s in spans if not (s.marks & DROP_MARKS)]
        self.index.prefetch(s.key_id for s in spans
                            if s.key_id is not None and s.key_id not in self._ranked)
        items = [self._demonym_item(text, s) if "demonym" in s.marks else self._item(text, s)
                 for s in spans]
        items = [it for it in items if it.cands or it.marks & KEEP_UNMATCHED]
        return _with_streets(text, self._resolve_items(text, items, demonyms, focus=focus),
                             street_spans(text, self.cues.function_words))

    def _demonym_item(self, text: str, span: Span) -> Item:
        """"Syrian" / "Americans": a mention of the country (rule ``demonym``)."""
        cc = self.cues.demonyms.get(span.key) or self.cues.demonyms.get(span.key.split()[-1])
        place = self._demonym_place(cc) if cc else None
        cands = [(place, False, "exact", 1.0)] if place else []
        return Item(text[span.start:span.end], span.start, span.end, span.key, cands,
                    set(span.marks), rule="demonym")

    def resolve(self, text: str, spans: Iterable[tuple[int, int]],
                region: Iterable[str] | None = None) -> list[Mention]:
        """Resolve caller-found toponym spans ((start, end) character offsets into ``text``).

        Returns one Mention per span, in the order given; ``place`` is None for no match.
        ``region`` as in :meth:`geoparse`.
        """
        focus = region_codes(region)
        items = []
        for start, end in spans:
            if not (0 <= start < end <= len(text)):
                raise InputError(f"span ({start}, {end}) is outside the text")
            surface = text[start:end]
            cands = self.candidates(surface) if match_key(surface) else []
            items.append(Item(surface, start, end, match_key(surface), cands))
        toks = name_tokens(text, self.cues)
        order = sorted(range(len(items)), key=lambda i: items[i].start)
        mentions = self._resolve_items(text, [items[i] for i in order],
                                       Counter(_demonym_tokens(toks, self.cues)), keep_all=True,
                                       focus=focus)
        out: list[Mention | None] = [None] * len(items)
        for i, m in zip(order, mentions, strict=True):
            out[i] = m
        return out  # type: ignore[return-value]

    def _item(self, text: str, span: Span) -> Item:
        surface = text[span.start:span.end]
        state = self._state_abbreviation(text, span)
        if state is not None:
            return state
        division = self._named_division(text, span)
        if division is not None:
            return division
        extra = self._admin_of(text, span)
        if span.how == "gazetteer" and not extra:
            # the usual case: the name's places, ordered by prior once per process
            cands, priors, facts, flags = self._exact_ranked(span.key_id, span.key)
            if "acronym" in span.marks:     # "EU", "NYC": only places an acronym can name
                keep = [k for k, c in enumerate(cands) if _acronym_ok(c[0])]
                if len(keep) < len(cands):
                    cands, priors = [cands[k] for k in keep], [priors[k] for k in keep]
                    facts, flags = tuple(facts[k] for k in keep), None
            return Item(surface, span.start, span.end, span.key, list(cands), set(span.marks),
                        priors=list(priors), facts=facts, flags=flags)
        if span.how == "gazetteer":
            cands = [(p, prim, "exact", 1.0) for p, prim, _ in
                     self.index.places_by_key_id(span.key_id)]
        elif span.how == "variant":          # "Ras al-Ain": found whole by its variant key
            cands = self.candidates(surface, fuzzy=False)
        else:
            # Unknown proper noun: transliteration variants only after a locative ("in X",
            # "near X"), fuzzy matching only after a place-type phrase ("the village of X").
            cue = place_cue(text, span.start, self.cues)
            cands = []
            if "inhabitants" in span.marks:                  # "Ontarians", "Gazans"
                cands = self._inhabitants(surface, span.key)
                if cands:
                    span.marks.add("demonym")
            elif span.key in self.cues.division_abbrevs:      # "in B.C.", "Ky."
                dot = text[span.end:span.end + 1] == "." and not surface.endswith(".")
                cands = self.candidates(surface + "." * dot, fuzzy=False)
            elif cue and len(span.key) >= 4:
                cands = self.candidates(surface, fuzzy=cue == "place_word")
            if cue == "place_word":
                span.marks.add("place_cue")
        return Item(surface, span.start, span.end, span.key, cands + extra, set(span.marks))

    def _exact_ranked(self, key_id: int, key: str = ""
                      ) -> tuple[tuple[Cand, ...], tuple[float, ...], tuple, tuple]:
        """The places of an automaton key as exact candidates, ordered and cut by prior
        (``rank.by_prior``), with their priors, ``context.place_facts`` and
        ``context.candidate_flags``; memoised (LRU of
        EXACT_RANKED_MAX key ids). A multi-word Arabic-looking ``key`` ("ras al ayn") also
        offers the places its transliteration variants name, as variant matches."""
        hit = self._ranked.get(key_id)
        if hit is None:
            rows = [(p, prim, "exact", 1.0) for p, prim, _ in
                    self.index.places_by_key_id(key_id)]
            rows += self._more_variants(key, rows)
            cands, priors = by_prior(rows)
            hit = self._ranked[key_id] = (tuple(cands), tuple(priors),
                                          tuple(place_facts(c[0]) for c in cands),
                                          candidate_flags(cands, self.cues.variant_countries))
        return hit

    def _state_abbreviation(self, text: str, span: Span) -> Item | None:
        """"Alexandria, La." / "Dallas, TX" / "Kamloops, B.C.": the abbreviation after a comma
        is the state or province."""
        division = self.cues.division_abbrevs.get(span.key)
        if division is None:
            return None
        end = span.end + 1 if text[span.end:span.end + 1] == "." else span.end
        surface = text[span.start:end]
        if not re.search(r",\s*$", text[max(0, span.start - 3):span.start]):
            return None
        if not self.cues.written_as_abbreviation(surface):
            return None
        place = self._admin(division[0], "ADM1", division[1])
        if place is None:
            return None
        return Item(surface, span.start, end, span.key, [(place, False, "exact", 1.0)],
                    set(span.marks) - {"acronym"}, rule="division_abbreviation")

    def _named_division(self, text: str, span: Span) -> Item | None:
        """"Kherson oblast", "Zaporizhzhia region" (the oblast's own name is spelt
        "Zaporizhzhya"): a name with a division word after it, which mention finding left
        out, names the first- or second-order division the two find (``candidates``,
        transliteration variants included). The mention then covers the word and the
        divisions are its candidates; None when none is found, or when another capitalised
        word follows ("Georgia State University")."""
        m = _DIVISION_AFTER.match(text, span.end)
        if m is None:
            return None
        surface = text[span.start:m.end()]
        divisions = [c for c in self.candidates(surface, fuzzy=False)
                     if c[0].feature_code in ("ADM1", "ADM2", "ADMD")]
        if not divisions:
            return None
        # a spelling variant only for a division where the name itself has a place
        # ("Zaporizhzhia": the city, in the oblast; not "Georgia state" -> Giurgiu); found
        # so, it is as good as an exact match
        own = {(p.country_code, p.admin1) for p, _, _ in self.index.places_by_key_id(
            span.key_id)} if span.key_id is not None else set()
        cands = [(c[0], c[1], "exact", 1.0) for c in divisions
                 if c[2] == "exact" or (c[0].country_code, c[0].admin1) in own]
        if not cands:
            return None
        return Item(surface, span.start, m.end(), match_key(surface), cands, set(span.marks),
                    rule="named_division")

    def _admin_of(self, text: str, span: Span) -> list[Cand]:
        """"province of X" / "X province": also offer the division named X."""
        if not text[max(0, span.start - 4):span.start].rstrip().endswith("of"):
            return []
        before = text[max(0, span.start - 30):span.start].lower().split()
        if len(before) >= 2 and before[-1] == "of" and before[-2] in self.cues.admin_of:
            word = before[-2]
            return [(p, prim, "exact", 1.0) for p, prim, _ in
                    self.index.places_by_key(f"{span.key} {word}")
                    if p.feature_class == "A"]
        return []

    def _resolve_items(self, text: str, items: list[Item], demonyms: Counter,
                       keep_all: bool = False, focus: frozenset[str] = frozenset()
                       ) -> list[Mention]:
        if focus:
            demonyms = demonyms + Counter({cc: REGION_WEIGHT for cc in focus})
        rank(items, text, demonyms, self.cues.division_abbrevs,
             variant_countries=self.cues.variant_countries, neighbours=self.neighbours)
        decisions = [decide(it, threshold=not keep_all) for it in items]
        for k, (it, (cand, _conf, _rule)) in enumerate(zip(items, decisions, strict=True)):
            if cand is not None and not keep_all and \
                    not _accept_marks(it, cand.place, text, self.cues):
                decisions[k] = None                  # a person, an organisation: not a place
        kept = [k for k, d in enumerate(decisions) if d is not None]
        items, decisions = [items[k] for k in kept], [decisions[k] for k in kept]
        gate(items, decisions, demonyms, focus, self.cues.variant_countries)
        approx = contain(text, items, decisions)
        mentions = []
        made: dict[tuple, Candidate] = {}        # repeated names share their (immutable) rows
        for it, (cand, conf, rule), near in zip(items, decisions, approx, strict=True):
            if cand is None and near is None and not keep_all and \
                    "place_cue" not in it.marks:
                continue                    # unknown, and nothing says where it lies
            if near is not None and not rule.startswith("facility"):
                rule = f"{rule}+contained:{near.relation}" if cand else f"contained:{near.relation}"
            top = sorted(range(len(it.cands)), key=it.scores.__getitem__,
                         reverse=True)[:TOP_CANDIDATES]
            cands = tuple(_candidate(made, it.cands[k][0], it.cands[k][2], it.scores[k])
                          for k in top)
            mentions.append(Mention(it.text, it.start, it.end, cand.place if cand else None,
                                    conf, rule, cands, near))
        return mentions


#: a division word right after a name ("Kherson oblast", "Sagaing Region")
#: ("state" in lower case only: "Columbia State", "Ohio State" are colleges)
_DIVISION_AFTER = re.compile(r"\s+(?:(?i:oblast|region|province|governorate|prefecture|"
                             r"department|voivodeship|krai)|state)\b(?!\s+[A-Z])")
#: a place-type phrase before a name, as match keys: "town of", "city of", "village of"
_TYPE_OF = re.compile(r"^(?:the )?(?:town|city|village|township|borough|municipality) of ")


def _with_streets(text: str, mentions: list[Mention], streets: list[tuple[int, int]]
                  ) -> list[Mention]:
    """``mentions`` with the street names added as unlocated mentions (rule ``street``, no
    place, confidence 0); a place mention inside a street's name is dropped ("Tyler" in
    "West Tyler Street")."""
    if not streets:
        return mentions
    starts = [s for s, _ in streets]
    kept = []
    for m in mentions:
        k = bisect_right(starts, m.start) - 1
        inside = (k >= 0 and m.start < streets[k][1]) or (
            k + 1 < len(streets) and streets[k + 1][0] < m.end)
        if not inside:
            kept.append(m)
    kept += [Mention(text[s:e], s, e, None, 0.0, STREET_RULE) for s, e in streets]
    return sorted(kept, key=lambda m: (m.start, m.end))


def _candidate(made: dict, place: Place, match: str, score: float) -> Candidate:
    """The Candidate row (score rounded to 3 decimals), shared by repeated mentions."""
    key = (place.id, match, score)
    cand = made.get(key)
    if cand is None:
        cand = made[key] = Candidate(place, match, round(score, 3))
    return cand


def _accept_marks(it: Item, place: Place, text: str, cues) -> bool:
    """Whether the winning place survives the span's context marks. Curated places and places
    the other mentions clearly support (context bonus ≥ CONTEXT_SUPPORT, not counting what
    neighbouring countries gave) survive the name rules."""
    major = place.feature_code in MAJOR_CODES or place.population >= 1_000_000
    supported = place.id.startswith("overlay:") or (
        it.priors and it.scores[it.best] - it.priors[it.best]
        - (it.beside[it.best] if it.beside else 0.0) >= CONTEXT_SUPPORT)
    if "acronym" in it.marks and not _acronym_ok(place):
        return False                         # "EU", "NYC" pass; "ISIS" (a village) does not
    if "given_name" in it.marks and not supported and not (
            place.feature_code in NATION_CODES
            or (place.feature_code == "PPLC" and it.cands[it.best][1:3] == (True, "exact")
                and place.population >= GIVEN_NAME_CAPITAL_POP)):
        return False                         # "Ben Paul": Bern by an alternate name
    if "lone_given_name" in it.marks and not (major or place.population >= 100_000
                                              or supported or place_cue(text, it.start, cues)):
        return False
    if "compound" in it.marks and not (major or place.feature_code == "PPLA" or supported
                                       or place.population >= 100_000):
        return False
    if "speaker" in it.marks and not major:
        return False
    if "common_word" in it.marks:
        return major or it.scores[it.best] >= 4.5
    return True


def _minor(place: Place) -> bool:
    """A place of under 20,000 inhabitants that is no division, capital or country."""
    return place.population < 20_000 and place.feature_code not in MAJOR_CODES and \
        place.feature_code not in ("ADM2", "ADM3", "ADMD", "PPLA")


def _acronym_ok(place: Place) -> bool:
    """Whether a name written as a short acronym ("EU", "NYC", "UAE") may stand for the place:
    a country, division or capital, a city of a million, or a curated entry."""
    return place.feature_code in MAJOR_CODES or place.population >= 1_000_000 or \
        place.id.startswith("overlay:")


def _demonym_tokens(toks, cues) -> Iterable[str]:
    """The country of every capitalised demonym, except one naming its state abroad ("the
    Iranian consulate"), which says nothing about where the text is."""
    for k, t in enumerate(toks):
        cc = cues.demonyms.get(t.fold)
        if cc and t.capitalised and not (k + 1 < len(toks)
                                         and toks[k + 1].fold in cues.abroad_words):
            yield cc


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError("empty place name")
    if len(name) > MAX_NAME_CHARS:
        raise InputError(f"place name too long ({len(name)} characters; the limit is "
                         f"{MAX_NAME_CHARS})")
    if "\x00" in name:
        raise InputError("place name contains a NUL byte")
    return name.strip()


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shared Gazetteer over the default index (built on first use)."""
    return Gazetteer()


def lookup(name: str, country: str | None = None, limit: int = 10) -> list[Place]:
    return default_gazetteer().lookup(name, country=country, limit=limit)


def geocode(query: str, exactly_one: bool = True):
    return default_gazetteer().geocode(query, exactly_one=exactly_one)


def geoparse(text: str, region: Iterable[str] | None = None) -> list[Mention]:
    return default_gazetteer().geoparse(text, region=region)


def resolve(text: str, spans: Sequence[tuple[int, int]],
            region: Iterable[str] | None = None) -> list[Mention]:
    return default_gazetteer().resolve(text, spans, region=region)


@lru_cache(maxsize=1)
def curated_places() -> tuple[Place, ...]:
    """The curated overlay's places (``gazetteer/data/places.csv``: crossings, bases, regions,
    each with its source), read directly, without the index; rows located only through an
    anchor town are unlocated here."""
    return tuple(r.place for r in OverlaySource().records())


def region_codes(region: Iterable[str] | str | None) -> frozenset[str]:
    """ISO 3166 alpha-2 codes from "IQ,SY" or ["IQ", "SY"]; InputError for anything else."""
    if not region:
        return frozenset()
    items = region.split(",") if isinstance(region, str) else list(region)
    codes = [str(c).strip().upper() for c in items if str(c).strip()]
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise InputError(f"region: {', '.join(bad)} is not an ISO 3166 alpha-2 country code "
                         "(give codes such as IQ,SY)")
    return frozenset(codes)
