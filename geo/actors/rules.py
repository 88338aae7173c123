"""Rule-based generic actors for any country (``data/generic_rules.toml``): phrases such as
"gunmen", "villagers", "protesters", "Fulani herders" name an actor whose ACLED name takes the
event's country ("Unidentified Armed Group (Nigeria)", "Fulani Ethnic Militia (Mali)"), and the
ACLED country names those templates use.

Each ``[[rule]]`` gives phrases (``{a|b}`` alternatives; ``<ethnic>`` stands for every listed
ethnic group, ``<military_noun>`` … for a ``[vocab]`` list) and a name template with
``<event_country>`` (``<the_event_country>``: with "the" where ACLED writes it), ``<Ethnic>``
and ``<clan_label>``. Rules whose phrases need a demonym,
a country or a Nigerian state (``<demonym>``, ``<country>``, ``<state>``) are state forces and
governments: the actor dictionary's nationals and ``find_state_forces`` name those, so they are
not compiled here. A dictionary actor always wins over a rule (rules have the lowest priority).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from geo.actors.file import expand_braces
from geo.actors.types import Actor
from geo.errors import DataError

RULES_PATH = resources.files("geo.actors").joinpath("data", "generic_rules.toml")
#: the placeholder an actor name template uses for the event's country
EVENT_COUNTRY = "<event_country>"
_SKIPPED = ("<demonym>", "<country>", "<state>")
_PLACEHOLDER = re.compile(r"<([a-z_]+)>")
#: the bloc a rule's actor belongs to, by its ACLED inter code (civilian crowds apart)
_BLOC = {5: "civilians", 6: "civilians", 7: "civilians"}


@dataclass(frozen=True)
class RulePhrases:
    """One compiled rule: its actor and the phrases that name it."""

    actor: Actor
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class GenericRules:
    """The compiled rules, ACLED's country names (ISO alpha-2 -> name), the countries whose
    name takes "the", and the clan label per country."""

    rules: tuple[RulePhrases, ...]
    country_names: dict[str, str]
    country_the: frozenset[str]
    clan_labels: dict[str, str]
    #: ACLED's identity group name -> the words that name it in a crowd's phrase
    crowd_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @cached_property
    def crowd_pattern(self) -> re.Pattern | None:
        """One pattern over every crowd-group word (longest first), case-insensitive."""
        words = sorted({w for _, ws in self.crowd_groups for w in ws}, key=len, reverse=True)
        if not words:
            return None
        return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])",
                          re.IGNORECASE)

    def crowd_group_names(self, text: str) -> tuple[str, ...]:
        """The identity groups ``text`` (a crowd's own phrase) names, as ACLED names them
        with the event country to be filled in ("Teachers (<event_country>)"), in order."""
        if self.crowd_pattern is None:
            return ()
        return tuple(dict.fromkeys(f"{self._crowd_word[m.group(1).casefold()]} ({EVENT_COUNTRY})"
                                   for m in self.crowd_pattern.finditer(text)))

    @cached_property
    def crowd_and_civilian_names(self) -> frozenset[str]:
        """The name templates of the rules' crowds and civilians ("Protesters
        (<event_country>)", "Civilians (<event_country>)"): never a crowd's associate."""
        return frozenset(r.actor.name for r in self.rules if r.actor.inter in (5, 6, 7))

    @cached_property
    def _crowd_word(self) -> dict[str, str]:
        return {w.casefold(): name for name, ws in self.crowd_groups for w in ws}

    def country_name(self, code: str) -> str:
        """ACLED's name of a country ("" when the code is unknown)."""
        return self.country_names.get(code, "")

    def localised_name(self, name: str, country: str) -> str:
        """An actor name template filled for an event in ``country`` (see
        :meth:`localised`)."""
        if "<clan_label>" in name:
            name = name.replace("<clan_label>", self.clan_labels.get(
                country, self.clan_labels.get("default", "Tribal Militia")))
        if "<the_event_country>" in name:       # "Military Forces of the United States"
            where = self.country_name(country)
            name = name.replace("<the_event_country>", (
                f"the {where}" if country in self.country_the else where) if where else
                EVENT_COUNTRY)
        if EVENT_COUNTRY in name:
            where = self.country_name(country)
            name = name.replace(EVENT_COUNTRY, where) if where else re.sub(
                r"\s*\(\s*" + re.escape(EVENT_COUNTRY) + r"\s*\)|\s+of\s+"
                + re.escape(EVENT_COUNTRY), "", name)        # "Civilians", "Military Forces"
        return name

    def localised(self, actor: Actor, country: str) -> Actor:
        """``actor`` as named and coded for an event in ``country`` (ISO alpha-2, "" when
        unknown): "<event_country>" and "<clan_label>" filled in (dropped with their brackets
        when the country is unknown), ``inter`` abroad for a state force outside its country."""
        name = self.localised_name(actor.name, country)
        inter = actor.inter_at(country)
        if name == actor.name and inter == actor.inter:
            return actor
        return Actor(actor.id, name, actor.aliases, actor.bloc, inter, actor.country,
                     actor.parent, actor.wikidata, actor.kind, actor.generic, actor.theatres,
                     actor.theatre_blocs, actor.inter_abroad, actor.valid_from, actor.valid_to)


def _fail(path, msg: str) -> DataError:
    return DataError(f"{path}: {msg}")


def _expand(pattern: str, lists: dict[str, list[str]], path) -> list[tuple[str, str]]:
    """(phrase, ethnic group or "") for every expansion of ``pattern``."""
    try:
        forms = expand_braces(pattern)
    except ValueError as exc:
        raise _fail(path, str(exc)) from None
    out: list[tuple[str, str]] = []
    for form in forms:
        names = _PLACEHOLDER.findall(form)
        if not names:
            out.append((" ".join(form.split()), ""))
            continue
        key = names[0]
        if key not in lists:
            raise _fail(path, f"unknown placeholder <{key}> in {pattern!r}")
        for value in lists[key]:
            for phrase, ethnic in _expand(form.replace(f"<{key}>", value, 1), lists, path):
                out.append((phrase, ethnic or (value if key == "ethnic" else "")))
    return out


def parse_rules(path: Path) -> GenericRules:
    """The validated rules file. Raises DataError."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise DataError(f"cannot read generic actor rules {path}: {exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not valid TOML: {exc}") from exc
    names = data.get("country_names")
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        raise _fail(path, "[country_names] must map ISO codes to names")
    variants = data.get("ethnic_variants", {})
    groups = sorted({g for gs in data.get("ethnic_groups", {}).values() for g in gs}
                    | set(variants))
    lists: dict[str, list[str]] = {k: list(v) for k, v in data.get("vocab", {}).items()
                                   if k.endswith("_noun") or k.endswith("_nouns")}
    lists.update({k[:-1]: v for k, v in list(lists.items()) if k.endswith("_nouns")})
    lists["ethnic"] = groups
    compiled: list[RulePhrases] = []
    for n, row in enumerate(data.get("rule", []), 1):
        rid, template = row.get("id"), row.get("name")
        inter, patterns = row.get("inter"), row.get("patterns")
        if not (isinstance(rid, str) and isinstance(template, str) and isinstance(inter, int)
                and isinstance(patterns, list)):
            raise _fail(path, f"[[rule]] #{n}: needs id, name, inter and patterns")
        if any(p in template or any(p in x for x in patterns) for p in _SKIPPED):
            continue
        by_group: dict[str, list[str]] = {}
        for pattern in patterns:
            for phrase, ethnic in _expand(pattern, lists, path):
                by_group.setdefault(variants.get(ethnic, ethnic), []).append(phrase)
        for ethnic, phrases in by_group.items():
            name = template.replace("<Ethnic>", ethnic)
            suffix = f":{ethnic.lower().replace(' ', '_')}" if ethnic else ""
            actor = Actor(f"rule:{rid}{suffix}", name, (), _BLOC.get(inter, "other"), inter,
                          "", "", "", row.get("kind", "generic"), theatres=("global",))
            compiled.append(RulePhrases(actor, tuple(dict.fromkeys(phrases))))
    groups = data.get("crowd_groups", {})
    if not all(isinstance(v, list) and all(isinstance(w, str) for w in v)
               for v in groups.values()):
        raise _fail(path, "[crowd_groups] must map group names to lists of words")
    return GenericRules(tuple(compiled), dict(names),
                        frozenset(data.get("country_article", {}).get("the", [])),
                        dict(data.get("clan_labels", {})),
                        tuple((name, tuple(words)) for name, words in groups.items()))



@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> GenericRules:
    """The generic actor rules (``data/generic_rules.toml`` unless ``path``), cached."""
    return parse_rules(Path(path) if path else Path(str(RULES_PATH)))
