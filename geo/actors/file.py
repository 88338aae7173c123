"""Reading and validating the actor dictionary file (``data/actors.toml``): theatres, blocs
with their symmetric hostility and alliances, actors (with the theatres they operate in, their
bloc per theatre and the period a row applies), listed people and the word lists of ``[vocab]``.
A malformed file raises :class:`geo.errors.DataError` naming the entry."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from gazetteer.normalize import match_key
from geo.actors.types import Actor, Bloc, Person, Theatre
from geo.errors import DataError

DEFAULT_PATH = resources.files("geo.actors").joinpath("data", "actors.toml")

_BRACE_RE = re.compile(r"\{([^{}]*)\}")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
_VOCAB_KEYS = ("force_nouns", "roles", "role_modifiers", "titles", "name_particles",
               "hyphen_particles", "name_stopwords", "link_words", "org_nouns", "backing_words",
               "locative_words", "locative_bigrams", "bare_place_words")
_VOCAB_OPTIONAL = ("unknown_heads", "unknown_prefixes")
_ACTOR_STR = ("id", "name", "bloc", "country", "parent", "wikidata", "kind")
_ACTOR_LISTS = ("aliases", "generic", "nationals", "generic_nationals", "place_names")
_ACTOR_KEYS = frozenset(_ACTOR_STR + _ACTOR_LISTS + (
    "inter", "inter_abroad", "theatres", "blocs", "valid_from", "valid_to", "source", "note"))


@dataclass(frozen=True)
class ActorData:
    """The validated content of an actor file. ``rows`` holds each actor's alias lists
    (braces expanded), ``vocab`` the folded ``[vocab]`` word sets."""

    blocs: dict[str, Bloc]
    actors: dict[str, Actor]
    theatres: dict[str, Theatre]
    persons: list[Person]
    vocab: dict[str, frozenset[str]]
    rows: dict[str, dict[str, list[str]]]
    path: Path


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


def parse_actor_file(path: Path) -> ActorData:
    """The validated dictionary in ``path``. Raises DataError."""
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
    for key in _VOCAB_OPTIONAL:
        vocab[key] = frozenset(match_key(w) for w in _strs(vocab_raw, key, path, "[vocab]")
                               if match_key(w))
    for key in ("roles", "role_modifiers", "titles"):       # "co-founder" -> co, founder
        vocab[key] = frozenset(w for phrase in vocab[key] for w in phrase.split())

    theatres = _theatres(path, data.get("theatre", []))
    blocs: dict[str, Bloc] = {}
    bloc_theatre: dict[str, str] = {}
    unaligned: dict[str, bool] = {}
    raw_links: dict[str, tuple[list[str], list[str]]] = {}
    for row, bid, where in _entries(path, data["bloc"], "bloc"):
        if not bid or bid in blocs:
            raise _fail(path, where, "empty or duplicate id")
        color = _str(row, "color", path, where)
        if not _COLOR_RE.match(color):
            raise _fail(path, where, f"color {color!r} is not #rrggbb")
        raw_links[bid] = (_strs(row, "hostile", path, where), _strs(row, "allies", path, where))
        bloc_theatre[bid] = _str(row, "theatre", path, where, required=False)
        unaligned[bid] = row.get("unaligned", False)
        if not isinstance(unaligned[bid], bool):
            raise _fail(path, where, "'unaligned' must be true or false")
        if bloc_theatre[bid] and bloc_theatre[bid] not in theatres:
            raise _fail(path, where, f"theatre {bloc_theatre[bid]!r} is not a [[theatre]] id")
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
                          frozenset(allies[bid]), unaligned[bid])

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
                            tuple(lists["generic"]),
                            **_placement(row, path, where, theatres, blocs, bloc_theatre))
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
    return ActorData(blocs, actors, theatres, persons, vocab, rows, path)


def _theatres(path: Path, rows) -> dict[str, Theatre]:
    if not isinstance(rows, list):
        raise DataError(f"{path}: [[theatre]] must be an array of tables")
    out: dict[str, Theatre] = {}
    for row, tid, where in _entries(path, rows, "theatre"):
        if not tid or tid in out:
            raise _fail(path, where, "empty or duplicate id")
        codes = _strs(row, "countries", path, where)
        bad = [c for c in codes if not _COUNTRY_RE.match(c)]
        if bad:
            raise _fail(path, where, f"countries {bad} are not ISO 3166 alpha-2 codes")
        out[tid] = Theatre(tid, _str(row, "name", path, where), frozenset(codes))
    return out


def _day(row: dict, key: str, path: Path, where: str) -> date | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, date):                  # TOML's own date literal
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _fail(path, where, f"{key} {value!r} is not an ISO date") from None


def _placement(row: dict, path: Path, where: str, theatres: dict[str, Theatre],
               blocs: dict[str, Bloc], bloc_theatre: dict[str, str]) -> dict:
    """The actor's theatres, per-theatre blocs, inter code abroad and validity period."""
    names = _strs(row, "theatres", path, where)
    unknown = [t for t in names if t not in theatres]
    if unknown:
        raise _fail(path, where, f"theatres {unknown} are not [[theatre]] ids")
    per = row.get("blocs", {})
    if not isinstance(per, dict):
        raise _fail(path, where, "'blocs' must be a table {theatre = bloc}")
    for theatre, bloc in per.items():
        if theatre not in theatres or bloc not in blocs:
            raise _fail(path, where, f"blocs {{{theatre} = {bloc!r}}}: unknown theatre or bloc")
        if bloc_theatre.get(bloc) not in ("", theatre, "global"):
            raise _fail(path, where, f"bloc {bloc!r} is not a bloc of theatre {theatre!r}")
    abroad = row.get("inter_abroad", 0)
    if not isinstance(abroad, int) or isinstance(abroad, bool) or not 0 <= abroad <= 8:
        raise _fail(path, where, f"inter_abroad must be an ACLED code 1-8, not {abroad!r}")
    start, end = _day(row, "valid_from", path, where), _day(row, "valid_to", path, where)
    if start and end and end < start:
        raise _fail(path, where, f"valid_to {end} is before valid_from {start}")
    return {"theatres": tuple(names), "theatre_blocs": tuple(sorted(per.items())),
            "inter_abroad": abroad, "valid_from": start, "valid_to": end}
