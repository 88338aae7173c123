"""The word lists that mention finding and ranking use, loaded once from ``data/``."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from .datafiles import data_path
from .normalize import ARTICLES, match_key

DATA = data_path()


@dataclass(frozen=True)
class Cues:
    titles: frozenset[str]
    speech_verbs: frozenset[str]
    org_suffixes: frozenset[str]
    org_nouns: frozenset[str]
    calendar: frozenset[str]
    particles: frozenset[str]
    place_words: frozenset[str]
    part_words: frozenset[str]         # "the southern part of X": X is a place
    admin_of: frozenset[str]
    bare_division_words: tuple[str, ...]   # "Gwinnett" -> try "Gwinnett County" …
    abbreviations: dict[str, str]          # folded word -> expansion ("twp" -> "township")
    common_words: frozenset[str]
    function_words: frozenset[str]     # English closed-class words: never a given name
    variant_countries: frozenset[str]  # where transliteration variants stand on their own
    arabic_heads: frozenset[str]       # first words of Arabic compound names ("ras", "tal")
    hyphen_particles: frozenset[str]   # join a name only after a hyphen ("Pul-e Khumri")
    abroad_words: frozenset[str]       # "Iranian consulate": the state abroad, not the setting
    facility_words: frozenset[str]     # "Paris roundabout": a landmark named after a place
    inhabitant_suffixes: tuple[tuple[str, tuple[str, ...]], ...]   # "-ans" -> "-a", "-as"
    person_nouns: frozenset[str]       # "a girl called Georgia": the name is a person's
    not_places: frozenset[str]          # institutions named like places ("White House")
    demonyms: dict[str, str]            # match key (also plural) -> ISO country code
    #: abbreviation key of a first-order division -> (country, admin1): US states (AP and
    #: postal forms), Canadian provinces, Australian states ("B.C." -> ("CA", "02"))
    division_abbrevs: dict[str, tuple[str, str]]
    abbrev_forms: frozenset[str]         # the written forms ("B.C.", "Qld", "Ky.", "W.Va.")

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Lower-case words that can stand inside or after a name: particles, place words."""
        return self.particles | self.place_words

    @cached_property
    def name_joiners(self) -> frozenset[str]:
        """Lower-case words that can join a capitalised word into a name: Arabic articles,
        particles and place words (``tokens.name_tokens`` keeps the words around them)."""
        return ARTICLES | self.name_words | self.hyphen_particles

    @cached_property
    def demonym_heads(self) -> frozenset[str]:
        """First words of the multi-word demonyms ("sri" of "sri lankan")."""
        return frozenset(k.split()[0] for k in self.demonyms if " " in k)

    def written_as_abbreviation(self, surface: str) -> bool:
        """``surface`` (with its final period, if any) is written as a listed division
        abbreviation ("B.C.", "Ky.", "Qld"), or is a two-letter US postal code ("TX")."""
        compact = surface.replace(" ", "")
        if compact in self.abbrev_forms or ("." in compact.rstrip(".")
                                            and compact.rstrip(".") + "." in self.abbrev_forms):
            return True                      # "W. Va.", "N.Y" (with a period inside)
        hit = self.division_abbrevs.get(match_key(surface))
        return bool(hit) and hit[0] == "US" and surface.isupper() and len(surface) == 2

    def places_of_inhabitants(self, key: str) -> tuple[str, ...]:
        """Keys of the places a name of inhabitants may come from ("ontarians" ->
        ("ontario", ...)); empty when no suffix applies. Longer suffixes are tried first."""
        return _places_of_inhabitants(key, self.inhabitant_suffixes)

    def is_given_name(self, word: str) -> bool:
        """True when ``word`` is a given name in gender-guesser's international dictionary and
        not an English function word ("In", "On", "The" are listed there as names)."""
        return _is_given_name(word, self.function_words)


@lru_cache(maxsize=65536)
def _is_given_name(word: str, function_words: frozenset[str]) -> bool:
    return word.lower() not in function_words and _detector().get_gender(word) != "unknown"


@lru_cache(maxsize=65536)
def _places_of_inhabitants(key: str, suffixes: tuple) -> tuple[str, ...]:
    if key[-1:] not in ("s", "n"):
        return ()
    out: list[str] = []
    for suffix, ends in suffixes:
        if key.endswith(suffix) and len(key) - len(suffix) >= 3:
            stem = key[: -len(suffix)]
            out += [stem + end for end in ends]
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=1)
def _detector():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def _lines(path: Path) -> frozenset[str]:
    return frozenset(line.strip() for line in path.read_text("utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def load() -> Cues:
    """Read the cue files (cached)."""
    words = tomllib.loads((DATA / "cues.toml").read_text("utf-8"))
    demonyms: dict[str, str] = {}
    with (DATA / "demonyms.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = match_key(r["demonym"])
            demonyms[key] = r["country_code"]
            if not key.endswith(("s", "sh", "ese")) and (not key.endswith("ch")
                                                        or key == "czech"):
                demonyms[key + "s"] = r["country_code"]      # "Russians", "Iraqis", "Czechs"
    abbrevs: dict[str, tuple[str, str]] = {}
    forms: set[str] = set()
    with (DATA / "us_state_abbrev.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            abbrevs[match_key(r["ap"])] = ("US", r["postal"])
            abbrevs[match_key(r["postal"])] = ("US", r["postal"])
            if "." in r["ap"]:
                forms.add(r["ap"])
    with (DATA / "division_abbrev.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            abbrevs.setdefault(match_key(r["abbrev"]), (r["country_code"], r["admin1"]))
            forms.add(r["abbrev"])
    return Cues(
        titles=frozenset(words["titles"]), speech_verbs=frozenset(words["speech_verbs"]),
        org_suffixes=frozenset(words["org_suffixes"]), org_nouns=frozenset(words["org_nouns"]),
        calendar=frozenset(words["calendar"]),
        particles=frozenset(words["particles"]), place_words=frozenset(words["place_words"]),
        part_words=frozenset(words["part_words"]),
        admin_of=frozenset(words["admin_of"]),
        bare_division_words=tuple(words["bare_division_words"]),
        abbreviations=dict(words["abbreviations"]),
        common_words=_lines(DATA / "common_words.txt"),
        function_words=frozenset(words["function_words"]),
        arabic_heads=frozenset(words["arabic_heads"]),
        hyphen_particles=frozenset(words["hyphen_particles"]),
        facility_words=frozenset(words["facility_words"]),
        abroad_words=frozenset(words["abroad_words"]),
        person_nouns=frozenset(words["person_nouns"]),
        inhabitant_suffixes=tuple((suffix, tuple(ends))
                                  for suffix, ends in words["inhabitant_suffixes"]),
        variant_countries=frozenset(w for line in _lines(DATA / "variant_countries.txt")
                                    for w in line.split()),
        not_places=frozenset(match_key(w) for w in _lines(DATA / "not_places.txt")),
        demonyms=demonyms, division_abbrevs=abbrevs, abbrev_forms=frozenset(forms),
    )
