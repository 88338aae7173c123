"""The article store: what ``conflictmap ingest`` writes and ``events``/``export``/``layers
--store`` and the dashboard read.

Layout (GeoParquet and Parquet files partitioned by the article's publication day, Hive
style, plus one JSON manifest)::

    STORE/manifest.json                               the commit point (see below)
    STORE/articles/date=2017-06-01/part-<seq>-<token>.parquet   one row per article version
    STORE/extracted/date=2017-06-01/part-<seq>-<token>.parquet  its events, before merging
    STORE/mentions/date=2017-06-01/part-<seq>-<token>.parquet   its place mentions
    STORE/merged/{index,pairs,events,control}/<day>-<seq>-<token>.parquet
                                 merge state and merged events, one file per day partition
    STORE/merged/summary-<seq>-<token>.parquet, merged/articles-<seq>-<token>.parquet

Undated articles go to ``date=undated``. The merged files are derived: kept up to date
incrementally by ``geo.store.merged`` at the end of each ingest (partitioned by the day of the
events; only the partitions a change reaches are read and rewritten), and recomputed in
memory by readers when an ingest stopped before merging (the merged events files also carry
the hidden ``_group``, ``_sort``… columns the incremental merge needs, and ``event_id_cnty``
numbered within their partition: readers add the per-country counts of the earlier
partitions, listed in the manifest). ``extracted``, ``mentions`` and the merged events files
are GeoParquet 1.0 (WKB points, EPSG:4326, (lon, lat) order; empty geometry for unlocated
places); ``articles``, ``index`` and ``pairs`` are plain Parquet; ``articles`` keeps each
article's raw text, so the store can re-extract an article when its date context changes
(see ``geo.store.ingest``). A store merged by the previous layout (one merged file per kind) is
still read, and merged again in the new layout by the next ingest.

Compaction. Each batch writes one file per day partition per table; at the end of an ingest
a day partition holding more than ``COMPACT_FILES`` files of batches already merged is
rewritten as one file (every row kept, with its ``seq``), committed by the manifest as
everything else (``Store.compact``).

Commits. Every file is written to a hidden temporary name in its folder, flushed to disk and
renamed into place; a batch becomes visible only when ``manifest.json`` (written the same way)
lists it. Readers read nothing but the files the manifest lists, so a crash or a kill leaves
at worst unlisted files, which the next writer deletes. One writer at a time (``.lock``,
released by the kernel when its process dies); readers take no lock.

Versions. An article is identified by the sha1 of its text. Every row carries the ``sha1``
and the ``seq`` of the batch that wrote it; an article written again (re-dated) by a later
batch supersedes its earlier rows: readers keep, per article, the rows of its latest batch.

Python: ``load_frames(store) -> (events, mentions)`` for the dashboard,
``load_events(store, control=False)`` for the CLI. Frames are EPSG:4326 GeoDataFrames,
geometry (lon, lat).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyproj
import shapely

from gazetteer.precision import Precision
from gazetteer.types import Place
from geo.actors.types import Actor
from geo.errors import DamagedStore, OutputError, StoreError
from geo.events.model import Event
from geo.io import write_atomic

FORMAT, VERSION = "conflictmap-store", 1
MANIFEST = "manifest.json"
LOCK = ".lock"
TABLES = ("articles", "extracted", "mentions")
MERGED_FILES = ("events", "control", "index", "pairs")
COMPACT_FILES = 8       # a day partition of a table with more files is compacted
UNDATED = "undated"



# -- schemas ------------------------------------------------------------------------------------

_S, _I, _F, _B, _D = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()

ARTICLE_SCHEMA = pa.schema([
    ("sha1", _S), ("article_id", _S), ("path", _S), ("title", _S), ("source", _S), ("url", _S),
    ("published", _D), ("date_source", _S), ("window_first", _D), ("window_last", _D),
    ("day_first", _B),
    # dependent: dated only by the other articles' dates (read_articles' corpus rule);
    # context: the corpus dates it was dated with ("pending", "none" or "median|min|max")
    ("dependent", _B), ("context", _S),
    ("n_bytes", _I), ("n_events", _I), ("n_control", _I), ("n_mentions", _I),
    ("text", _S), ("meta", _S), ("ingested_at", _S),
])

EXTRACTED_SCHEMA = pa.schema([
    ("sha1", _S), ("article_id", _S), ("order", _I), ("in_events", _B), ("in_control", _B),
    ("event_id", _S), ("article_title", _S), ("article_source", _S), ("article_url", _S),
    ("published", _D), ("sentence", _S), ("sentence_start", _I), ("trigger", _S), ("rule", _S),
    ("event_type", _S), ("sub_event_type", _S), ("control", _S), ("modality", _S),
    ("actor1", _S), ("actor2", _S), ("assoc_actor_1", _S), ("claimed_by", _S), ("place", _S),
    ("location_text", _S), ("lat", _F), ("lon", _F), ("approximate", _B),
    ("uncertainty_km", _F), ("prec_acled", _I), ("prec_ucdp", _I), ("first_date", _D),
    ("last_date", _D), ("date_precision", _S), ("date_source", _S), ("fatalities", _I),
    ("family", _S), ("claimant", _S), ("claimant_person", _S), ("actor1_text", _S),
    ("sentence_index", _I), ("digest", _S), ("geometry", pa.binary()), ("country", _S),
    ("assoc_actor_2", _S),
])

MENTION_SCHEMA = pa.schema([
    ("sha1", _S), ("article", _S), ("sentence", _S), ("text", _S), ("start", _I), ("end", _I),
    ("name", _S), ("place_id", _S), ("country_code", _S), ("feature_code", _S), ("lat", _F),
    ("lon", _F), ("located", _B), ("confidence", _F), ("rule", _S), ("acled_precision", _I),
    ("ucdp_precision", _I), ("source", _S), ("title", _S), ("published", _S),
    ("approximate", _B), ("uncertainty_km", _F), ("anchor_id", _S),
    ("geometry", pa.binary()),
])

SCHEMAS = {"articles": ARTICLE_SCHEMA, "extracted": EXTRACTED_SCHEMA,
           "mentions": MENTION_SCHEMA}


def _conform(part: pa.Table, schema: pa.Schema) -> pa.Table:
    """``part`` with the columns of ``schema`` in order: a column a file written before it
    existed (the mentions' ``approximate``, ``uncertainty_km``, ``anchor_id``) reads as null."""
    for f in schema:
        if f.name not in part.column_names:
            part = part.append_column(f, pa.nulls(len(part), f.type))
    return part.select(schema.names).cast(schema)


@lru_cache(maxsize=1)
def _geo_metadata() -> bytes:
    """GeoParquet 1.0 file metadata: WKB points in EPSG:4326, (lon, lat) order."""

    return json.dumps({"version": "1.0.0", "primary_column": "geometry", "columns": {
        "geometry": {"encoding": "WKB", "geometry_types": ["Point"],
                     "crs": pyproj.CRS("EPSG:4326").to_json_dict()}}}).encode()


def points_wkb(lons: Iterable, lats: Iterable) -> list[bytes | None]:
    """WKB of (lon, lat) points in degrees; None where either is missing (None or NaN)."""

    x = np.array([np.nan if v is None else v for v in lons], dtype=float)
    y = np.array([np.nan if v is None else v for v in lats], dtype=float)
    if len(x) != len(y):
        raise ValueError("as many longitudes as latitudes are needed")
    ok = ~(np.isnan(x) | np.isnan(y))
    out: list[bytes | None] = [None] * len(x)
    if ok.any():
        for i, wkb in zip(np.flatnonzero(ok), shapely.to_wkb(shapely.points(x[ok], y[ok])),
                          strict=True):
            out[i] = wkb
    return out


# -- events <-> rows -------------------------------------------------------------------------

_ACTOR_FIELDS = ("id", "name", "bloc", "inter", "country", "parent", "wikidata", "kind")


def _actor_json(actor, dictionary) -> str | None:
    if actor is None:
        return None
    d = {k: getattr(actor, k) for k in _ACTOR_FIELDS}
    if dictionary is None or dictionary.actors.get(actor.id) != actor:
        d |= {"aliases": list(actor.aliases), "generic": list(actor.generic)}
    return json.dumps(d, ensure_ascii=False)


def _place_json(place) -> str | None:
    return None if place is None else json.dumps(place.to_dict(), ensure_ascii=False)


def event_row(ev, *, sha1: str, order: int, in_events: bool, in_control: bool,
              dictionary=None) -> dict:
    """A ``geo.events.model.Event`` (one article's, before merging) as a row of
    ``EXTRACTED_SCHEMA``: actors and place as JSON, dates as dates, the point as WKB
    (lon, lat). Actors of ``dictionary`` (``geo.actors.ActorDictionary``) are stored without
    their alias lists and taken back from it when read."""
    row = {
        "sha1": sha1, "article_id": ev.article_id, "order": order, "in_events": in_events,
        "in_control": in_control, "event_id": ev.event_id, "article_title": ev.article_title,
        "article_source": ev.article_source, "article_url": ev.article_url,
        "published": ev.published, "sentence": ev.sentence,
        "sentence_start": ev.sentence_start, "trigger": ev.trigger, "rule": ev.rule,
        "event_type": ev.event_type, "sub_event_type": ev.sub_event_type,
        "control": ev.control, "modality": ev.modality,
        "actor1": _actor_json(ev.actor1, dictionary),
        "actor2": _actor_json(ev.actor2, dictionary),
        "assoc_actor_1": json.dumps(list(ev.assoc_actor_1), ensure_ascii=False),
        "claimed_by": ev.claimed_by, "place": _place_json(ev.place),
        "location_text": ev.location_text, "lat": ev.lat, "lon": ev.lon,
        "approximate": ev.approximate, "uncertainty_km": ev.uncertainty_km,
        "prec_acled": ev.precision.acled if ev.precision else None,
        "prec_ucdp": ev.precision.ucdp if ev.precision else None,
        "first_date": ev.first_date, "last_date": ev.last_date,
        "date_precision": ev.date_precision, "date_source": ev.date_source,
        "fatalities": ev.fatalities, "family": ev.family,
        "claimant": _actor_json(ev.claimant, dictionary),
        "claimant_person": ev.claimant_person, "actor1_text": ev.actor1_text,
        "sentence_index": ev.sentence_index,
    }
    # what the event is, whatever batch wrote it: an article dated again to the same
    # events keeps its place in the merge (geo.store.merged)
    row["digest"] = hashlib.sha1(json.dumps(row, default=str, sort_keys=True,
                                            ensure_ascii=False).encode()).hexdigest()
    row["geometry"] = None      # filled for a whole batch by ``with_points``
    # written after the digest (columns added later: a store's older rows keep their digest)
    row["country"] = ev.country
    row["assoc_actor_2"] = json.dumps(list(ev.assoc_actor_2), ensure_ascii=False)
    return row


def with_points(rows: list[dict]) -> list[dict]:
    """``rows`` (of :func:`event_row`) with their ``geometry``: WKB (lon, lat) points."""
    for row, wkb in zip(rows, points_wkb([r["lon"] for r in rows], [r["lat"] for r in rows]),
                        strict=True):
        row["geometry"] = wkb
    return rows


class _Decoder:
    """Rows back to Events; actors and places shared between rows that name the same one."""

    def __init__(self, dictionary):
        self.dictionary = dictionary
        self.actors: dict[str, object] = {}
        self.places: dict[str, object] = {}

    def actor(self, text: str | None):
        if text is None:
            return None
        if (hit := self.actors.get(text)) is None:

            d = json.loads(text)
            known = self.dictionary.actors.get(d["id"]) if self.dictionary else None
            if known is not None and "aliases" not in d and \
                    all(getattr(known, k) == d[k] for k in _ACTOR_FIELDS):
                hit = known
            else:
                hit = Actor(**{k: d[k] for k in _ACTOR_FIELDS}, aliases=tuple(
                    d.get("aliases", ())), generic=tuple(d.get("generic", ())))
            self.actors[text] = hit
        return hit

    def place(self, text: str | None):
        if text is None:
            return None
        if (hit := self.places.get(text)) is None:

            hit = self.places[text] = Place(**json.loads(text))
        return hit

    def event(self, r: dict):


        prec = Precision(r["prec_acled"], r["prec_ucdp"]) if r["prec_acled"] is not None \
            else None
        return Event(
            event_id=r["event_id"], article_id=r["article_id"],
            article_title=r["article_title"], article_source=r["article_source"],
            article_url=r["article_url"], published=r["published"], sentence=r["sentence"],
            sentence_start=r["sentence_start"], trigger=r["trigger"], rule=r["rule"],
            event_type=r["event_type"], sub_event_type=r["sub_event_type"],
            control=r["control"], modality=r["modality"], actor1=self.actor(r["actor1"]),
            actor2=self.actor(r["actor2"]), assoc_actor_1=tuple(json.loads(r["assoc_actor_1"])),
            claimed_by=r["claimed_by"], place=self.place(r["place"]),
            location_text=r["location_text"], lat=r["lat"], lon=r["lon"],
            approximate=r["approximate"], uncertainty_km=r["uncertainty_km"], precision=prec,
            first_date=r["first_date"], last_date=r["last_date"],
            date_precision=r["date_precision"], date_source=r["date_source"],
            fatalities=r["fatalities"], family=r["family"], claimant=self.actor(r["claimant"]),
            claimant_person=r["claimant_person"], actor1_text=r["actor1_text"],
            sentence_index=r["sentence_index"], country=r.get("country") or "",
            assoc_actor_2=tuple(json.loads(r.get("assoc_actor_2") or "[]")))


def row_events(rows: Iterable[dict], dictionary=None) -> list:
    """``geo.events.model.Event`` objects of ``EXTRACTED_SCHEMA`` rows (see :func:`event_row`)."""
    decoder = _Decoder(dictionary)
    return [decoder.event(r) for r in rows]


# -- files ----------------------------------------------------------------------------------

def write_table(table: pa.Table, path: Path, *, geo: bool) -> None:
    """Write ``table`` as (Geo)Parquet at ``path`` atomically."""
    if geo:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               b"geo": _geo_metadata()})
    write_store_file(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def write_store_file(path: Path, content) -> None:
    """``geo.io.write_atomic`` (durable) of a store file; a file that cannot be written (a
    read-only folder, a full disk) is a StoreError: nothing of it is committed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content, durable=True)
    except (OSError, OutputError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"cannot write to the store {store_of(path)}: {reason}; what was "
                         "committed before is kept") from exc


def store_of(path: Path) -> Path:
    """The store folder of a file inside it (the nearest folder above it with a manifest)."""
    for up in Path(path).parents:
        if (up / MANIFEST).exists():
            return up
    return Path(path).parent


def damaged(path: Path, what: str) -> DamagedStore:
    """The error for a listed file of a store that is missing or unreadable: it names the
    file and the repair command."""
    root = store_of(path)
    try:
        rel = Path(path).relative_to(root).as_posix()
    except ValueError:
        rel = str(path)
    return DamagedStore(f"{root}: damaged store: {rel} {what}; run 'conflictmap store check "
                        f"{root} --repair' (add the article files to restore lost articles)",
                        rel)


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn a missing or unreadable store file (``path``) into ``DamagedStore``."""
    try:
        yield
    except FileNotFoundError:
        raise damaged(path, "is missing") from None
    except (OSError, pa.ArrowException) as exc:
        raise damaged(path, f"is unreadable ({str(exc).splitlines()[0][:120]})") from exc


def read_table(path: Path, **kwargs) -> pa.Table:
    """``pyarrow.parquet.read_table`` of a store file; DamagedStore when it is missing or
    unreadable."""
    with reading(path):
        return pq.read_table(path, **kwargs)


def read_frame(path: Path):
    """``geopandas.read_parquet`` of a store file (EPSG:4326, lon/lat); DamagedStore when it
    is missing or unreadable."""
    with reading(path):
        return gpd.read_parquet(path)


def num_rows(path: Path) -> int:
    """The rows of a store file (from its footer); DamagedStore when missing or unreadable."""
    with reading(path):
        return pq.read_metadata(path).num_rows


def partition(published) -> str:
    """The partition folder name of an article published on ``published`` (date, ISO
    string or None)."""
    if published is None or published == "":
        return f"date={UNDATED}"
    return f"date={published.isoformat() if isinstance(published, date) else published}"


# -- the store -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """One reading of the manifest: the committed files, immutable."""

    root: Path
    manifest: dict

    @property
    def seq(self) -> int:
        return self.manifest["seq"]

    def files(self, table: str) -> list[Path]:
        return [self.root / f for b in self.manifest["batches"]
                for f in b["files"].get(table, [])]

    def merged(self) -> dict | None:
        """The merged files' entry when they are up to date with the last batch."""
        m = self.manifest.get("merged")
        return m if m and m.get("seq") == self.seq else None

    def merged_files(self) -> list[Path]:
        """Every file the ``merged`` entry lists (whether up to date or not)."""
        return [self.root / rel for rel in merged_rels(self.manifest.get("merged"))]


def manifest_problem(m: dict) -> str:
    """What is wrong with the structure of manifest ``m``, or '' (fields and their types:
    what readers rely on)."""
    if not isinstance(m.get("seq"), int) or isinstance(m.get("seq"), bool):
        return "'seq' is not a whole number"
    batches = m.get("batches")
    if not isinstance(batches, list):
        return "'batches' is not a list"
    for n, b in enumerate(batches):
        if not isinstance(b, dict) or not isinstance(b.get("seq"), int):
            return f"batch {n + 1} has no 'seq'"
        files = b.get("files")
        if not isinstance(files, dict) or not all(
                isinstance(v, list) and all(isinstance(f, str) for f in v)
                for v in files.values()):
            return f"batch {b['seq']} 'files' is not a table → list of files"
        if b["seq"] > m["seq"]:
            return f"batch {b['seq']} is after the store's seq {m['seq']}"
    merged = m.get("merged")
    if merged is not None and not isinstance(merged, dict):
        return "'merged' is not an object"
    if merged:
        for key in (*MERGED_FILES, "summary", "articles"):
            value = merged.get(key)
            if value is not None and not isinstance(value, str | dict):
                return f"merged '{key}' is neither a file nor partitions"
            if isinstance(value, dict) and not all(
                    isinstance(v, str) or (isinstance(v, list) and v and isinstance(v[0], str))
                    for v in value.values()):
                return f"merged '{key}' lists something that is not a file"
    sums = m.get("checksums")
    if sums is not None and not isinstance(sums, dict):
        return "'checksums' is not an object"
    return ""


def listed_files(m: dict) -> list[str]:
    """Every file (relative path) manifest ``m`` lists: the batches' parts and the merged
    files."""
    out = [f for b in m.get("batches", []) for rels in b.get("files", {}).values()
           for f in rels]
    return list(dict.fromkeys(out + merged_rels(m.get("merged"))))


def file_checksum(path: Path) -> list:
    """[size in bytes, blake2b hex digest (16 bytes)] of a file; DamagedStore when it is
    missing or unreadable."""
    h = hashlib.blake2b(digest_size=16)
    with reading(path), open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
        return [f.tell(), h.hexdigest()]


def merged_rels(entry: dict | None) -> list[str]:
    """Relative paths of the files a ``merged`` manifest entry lists: one file per kind
    (layout 1) or per day partition (layout 2, ``geo.store.merged``)."""
    out = []
    for key, value in (entry or {}).items():
        if key in (*MERGED_FILES, "summary", "articles") and isinstance(value, str):
            out.append(value)
        elif key in MERGED_FILES and isinstance(value, dict):
            out += [v if isinstance(v, str) else v[0] for v in value.values()]
    return out


class Store:
    """A store folder (see the module docstring). ``Store(path)`` opens an existing store;
    ``Store(path, create=True)`` also creates an empty one (the folder may exist if empty)."""

    def __init__(self, root: str | Path, *, create: bool = False):
        self.root = Path(root)
        if not (self.root / MANIFEST).exists():
            if not create:
                raise StoreError(f"{self.root} is not a conflictmap store (no {MANIFEST}); "
                                 "create one with 'conflictmap ingest PATH --store "
                                 f"{self.root}'")
            self._create()
        self.snapshot()     # checks the manifest

    def _create(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a store folder")
        if self.root.exists() and any(p.name != LOCK for p in self.root.iterdir()):
            raise StoreError(f"{self.root} is not empty and not a conflictmap store; give a "
                             "new or empty folder")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create store {self.root}: {exc.strerror or exc}") \
                from exc
        now = _now()
        self._write_manifest({"format": FORMAT, "version": VERSION, "created": now,
                              "updated": now, "seq": 0, "batches": [], "merged": None})

    # -- manifest

    def snapshot(self) -> Snapshot:
        """The committed state now."""
        path = self.root / MANIFEST
        try:
            m = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise StoreError(f"{self.root} is not a conflictmap store (no {MANIFEST})") \
                from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(f"{path}: damaged manifest ({exc})") from exc
        if not isinstance(m, dict) or m.get("format") != FORMAT:
            raise StoreError(f"{path}: not a conflictmap store manifest")
        if m.get("version") != VERSION:
            raise StoreError(f"{path}: store version {m.get('version')}, this conflictmap "
                             f"reads version {VERSION}")
        if problem := manifest_problem(m):
            raise StoreError(f"{path}: damaged manifest ({problem})")
        return Snapshot(self.root, m)

    def _write_manifest(self, manifest: dict) -> None:
        """Commit ``manifest``, with the size and checksum of every file it lists
        (``checksums``: relative path → [bytes, blake2b hex]; those of files no longer
        listed dropped, new ones computed from the files as written)."""
        known = manifest.get("checksums") or {}
        sums = {}
        for rel in listed_files(manifest):
            sums[rel] = known.get(rel) or file_checksum(self.root / rel)
        manifest = {**manifest, "checksums": sums}
        data = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
        write_store_file(self.root / MANIFEST, data)

    # -- writing (under the lock)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold the store's writer lock (non-blocking: StoreError when another process holds
        it) and clear what an interrupted writer left (unlisted files, temporary files)."""
        path = self.root / LOCK
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot write to the store {self.root}: "
                             f"{exc.strerror or exc}") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                other = os.pread(fd, 32, 0).decode(errors="replace").strip()
                raise StoreError(f"{self.root} is being written by another ingest "
                                 f"(process {other or '?'}); try again when it has finished"
                                 ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            self.collect_garbage()
            yield self
        finally:
            os.close(fd)        # releases the lock

    def collect_garbage(self) -> int:
        """Delete files no commit lists (a killed writer's) and temporary files; the number
        deleted. Call only while holding the writer lock."""
        snap = self.snapshot()
        keep = {p.resolve() for t in TABLES for p in snap.files(t)}
        keep |= {p.resolve() for p in snap.merged_files()}
        gone = 0
        for folder in (*TABLES, "merged"):
            base = self.root / folder
            if not base.exists():
                continue
            for p in base.rglob("*"):
                if p.is_file() and (p.name.endswith(".tmp") or
                                    (p.suffix == ".parquet" and p.resolve() not in keep)):
                    p.unlink(missing_ok=True)
                    gone += 1
        for p in self.root.glob(f".{MANIFEST}.*.tmp"):
            p.unlink(missing_ok=True)
            gone += 1
        return gone

    def commit_batch(self, tables: dict[str, pa.Table], kind: str = "ingest") -> int:
        """Write one batch (``articles``, ``extracted``, ``mentions`` tables of the
        schemas above, without ``seq``), each split by the article's publication day, then
        commit it in the manifest. Returns the batch's ``seq``."""
        snap = self.snapshot()
        seq = snap.seq + 1
        token = secrets.token_hex(4)
        arts = tables["articles"]
        day = dict(zip(arts.column("sha1").to_pylist(),
                       (partition(d) for d in arts.column("published").to_pylist()),
                       strict=True))
        files: dict[str, list[str]] = {}
        for name in TABLES:
            table = tables[name].cast(SCHEMAS[name])
            table = table.append_column("seq", pa.array([seq] * len(table), pa.int64()))
            keys = [day[s] for s in table.column("sha1").to_pylist()]
            for part in sorted(set(keys)):
                rows = table.filter(pa.array([k == part for k in keys]))
                rel = Path(name) / part / f"part-{seq:08d}-{token}.parquet"
                write_table(rows, self.root / rel, geo=name != "articles")
                files.setdefault(name, []).append(rel.as_posix())
        manifest = dict(snap.manifest)
        manifest["batches"] = [*snap.manifest["batches"], {
            "seq": seq, "kind": kind, "committed": _now(), "articles": len(arts),
            "events": len(tables["extracted"]), "mentions": len(tables["mentions"]),
            "files": files}]
        manifest["seq"], manifest["updated"] = seq, _now()
        self._write_manifest(manifest)
        return seq

    def commit_merged(self, update, seq: int, fingerprint: str) -> None:
        """Commit the merged events computed from the batches up to ``seq``
        (``geo.store.merged.update_merged``, which wrote their partition files) in the
        manifest."""
        snap = self.snapshot()
        if snap.seq != seq:
            raise StoreError(f"{self.root} changed while merging (batch {snap.seq}, "
                             f"merged up to {seq})")
        entry = {"seq": seq, "fingerprint": fingerprint, **update.entry}
        manifest = dict(snap.manifest, merged=entry, updated=_now())
        self._write_manifest(manifest)

    def compact(self, max_files: int = COMPACT_FILES) -> int:
        """Rewrite as one file each day partition of a table that holds more than
        ``max_files`` files, every row kept (all versions, with their ``seq``), then commit
        the manifest; only files of batches the merged events already include are taken
        (``geo.store.merged`` reads a new batch's own files). Returns the files replaced.
        Call while holding the writer lock; a kill leaves unlisted files, collected later."""
        snap = self.snapshot()
        upto = (snap.manifest.get("merged") or {}).get("seq", 0)
        groups: dict[tuple, list] = {}
        for b in snap.manifest["batches"]:
            if b["seq"] <= upto:
                for table, rels in b["files"].items():
                    for rel in rels:
                        groups.setdefault((table, Path(rel).parent.as_posix()), []).append(
                            (b["seq"], rel))
        todo = {k: v for k, v in groups.items() if len(v) > max_files}
        if not todo:
            return 0
        token = secrets.token_hex(4)
        moved: dict[str, tuple[int, str]] = {}
        for (table, folder), files in sorted(todo.items()):
            top = max(q for q, _ in files)
            parts = [read_table(self.root / rel) for _, rel in files]
            rel = f"{folder}/part-{top:08d}-c{token}.parquet"
            write_table(pa.concat_tables(parts, promote_options="default"), self.root / rel,
                        geo=table != "articles")
            moved |= {r: (top, rel) for _, r in files}
        manifest = dict(snap.manifest, updated=_now())
        manifest["batches"] = [_compacted(b, moved) for b in snap.manifest["batches"]]
        self._write_manifest(manifest)
        return len(moved)

    # -- reading

    def read(self, table: str, columns: list[str] | None = None,
             snap: Snapshot | None = None, *, latest: bool = True) -> pa.Table:
        """The rows of ``table`` of the committed batches (only each article's latest
        version when ``latest``), as one Arrow table with ``seq``."""
        snap = snap or self.snapshot()
        want = None if columns is None else list(dict.fromkeys([*columns, "sha1", "seq"]))
        parts = [read_table(p, columns=want) for p in snap.files(table)]
        schema = SCHEMAS[table].append(pa.field("seq", pa.int64()))
        if want is not None:
            schema = pa.schema([schema.field(c) for c in want])
        if not parts:
            return schema.empty_table()
        out = pa.concat_tables([_conform(p, schema) for p in parts])
        if latest:
            newest = self.versions(snap)
            seqs = out.column("seq").to_pylist()
            keep = [newest.get(s) == q for s, q in zip(out.column("sha1").to_pylist(), seqs,
                                                        strict=True)]
            out = out.filter(pa.array(keep, pa.bool_()))
        return out

    def iter_rows(self, table: str, columns: list[str], sha1s: set[str],
                  snap: Snapshot | None = None) -> Iterator[dict]:
        """The latest rows of ``table`` of the articles ``sha1s``, read one file at a time
        (memory bounded by a file, not the store)."""
        snap = snap or self.snapshot()
        newest = self.versions(snap)
        want = list(dict.fromkeys([*columns, "sha1", "seq"]))
        for p in snap.files(table):
            for row in read_table(p, columns=want).to_pylist():
                if row["sha1"] in sha1s and newest.get(row["sha1"]) == row["seq"]:
                    yield row

    def versions(self, snap: Snapshot | None = None) -> dict[str, int]:
        """sha1 -> the seq of the article's latest batch."""
        snap = snap or self.snapshot()
        newest: dict[str, int] = {}
        for p in snap.files("articles"):
            t = read_table(p, columns=["sha1", "seq"])
            for s, q in zip(t.column("sha1").to_pylist(), t.column("seq").to_pylist(),
                            strict=True):
                if q > newest.get(s, -1):
                    newest[s] = q
        return newest

    def size_bytes(self) -> int:
        """Bytes on disk of the committed files and the manifest."""
        snap = self.snapshot()
        files = [p for t in TABLES for p in snap.files(t)]
        files += snap.merged_files()
        return sum(p.stat().st_size for p in files) + (self.root / MANIFEST).stat().st_size


def _compacted(batch: dict, moved: dict) -> dict:
    """``batch`` with its files replaced by the compacted ones (listed by the batch of the
    latest rows they hold)."""
    files = {}
    for table, rels in batch["files"].items():
        keep = [r for r in rels if r not in moved]
        keep += sorted({rel for r in rels if r in moved for q, rel in [moved[r]]
                        if q == batch["seq"]})
        if keep:
            files[table] = keep
    return dict(batch, files=files)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
