"""The store's merged events, kept up to date as articles arrive: exactly what
``geo.events.merge.merge_events`` gives over every stored event (in article-id order), with memory
that depends on the change and its neighbourhood, not on the store.

``merge_events`` compares one event per reading (kind, signature, sentence) with the next
``merge.CANDIDATES`` readings of its kind "block" in (first day, input order), stopping at the first
that starts more than ``_TOLERANCE`` (a day) after it ends; it joins the pairs scoring
``merge.MERGE_SCORE`` or more, best first, when no member of one group contradicts one of the other.

State, partitioned by day. Every reading's first day (``undated`` when it has none, sorted
last) names its partition; all events of one reading share it. Per partition the store keeps

* ``merged/index/<day>-<seq>-<tok>.parquet``: per event its block, reading, group, the
  partition of its group's merged row, its article, order, dates and the day partition of its
  extracted row;
* ``merged/pairs/<day>-….parquet``: the merging pairs touching a reading of that day (a pair
  across two days is kept in both);
* ``merged/events/<day>-….parquet`` and ``merged/control/<day>-….parquet``: the merged events
  whose sort day (first day, else publication day) is that day, sorted as ``merge_events``
  sorts, ``event_id_cnty`` numbered within the partition; the manifest keeps per partition the
  count per country, and readers (``geo.store.frames.load_events``) add the counts of the earlier
  partitions, which gives ``merge_events``' numbering over the whole;
* ``merged/summary-….parquet``: per (partition, variant, block) the number of readings and
  events and the latest last day, and ``merged/articles-….parquet``: per article the
  partitions of its events (to find an article's old events when it is written again).

An update reads the new batches' events and the partitions of the old versions of the
articles they write again, applies the change there, then loads further partitions only as
the comparisons need them: earlier ones while a reading within ``merge.CANDIDATES`` before a change
may still reach it (the summary's latest last day says whether one can; a dated reading added
or removed before a block's undated tail may also end or open earlier windows), later ones
while a rescanned reading's window is not closed. Only the readings whose candidates changed
are compared again. Grouping: a pair's outcome in ``join_pairs`` can differ from the previous
run only if one of its two groups differs at its turn. So only the old groups of the changed
readings are grouped again, by ``join_pairs``' rule in ``merge_events``' order, beside the
old groups around them, which their own pairs join as before; a pair between the two sides
that would now join them adds that neighbouring group to the ones grouped again (and the
replay starts over). Every other group, and every partition nothing reached, keeps its rows
and files. The work and memory follow the change and the pairs around it, not the store
(undated readings are the exception ``merge_events`` makes: compared with each other and
with the last dated readings of their block, the undated partition is read whenever a
block's end changes). A change to the merge code (its fingerprint) or a store of
the previous layout rebuilds the state from scratch, in chunks of extracted files
(``CHUNK_EVENTS`` rows) written as it goes. ``tests/test_store.py`` checks the result against
``merge_events`` over everything.
"""

from __future__ import annotations

import bisect
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from geo.actors import load_actors
from geo.events import merge
from geo.events.model import event_country
from geo.events.table import countries_by_iso2, events_frame
from geo.store.tables import (
    UNDATED,
    Snapshot,
    Store,
    num_rows,
    read_frame,
    read_table,
    reading,
    row_events,
    write_store_file,
)
from geo.text.dates import to_day

VARIANTS = (("events", "in_events"), ("control", "in_control"))
LAYOUT = 2
CHUNK_EVENTS = 50_000       # extracted rows per step of a rebuild
HIDDEN = ["_group", "_first_article", "_first_order", "_sort", "_event_id", "_a3", "_n"]
_S, _I, _D = pa.string(), pa.int64(), pa.date32()
INDEX_SCHEMA = pa.schema([
    ("variant", _S), ("key", _S), ("block", _S), ("reading", _S), ("group", _S), ("out", _S),
    ("article_id", _S), ("order", _I), ("first_date", _D), ("last_date", _D), ("day", _S),
])
PAIRS_SCHEMA = pa.schema([("variant", _S), ("a", _S), ("b", _S), ("score", _I),
                          ("a_part", _S), ("b_part", _S)])
SUMMARY_SCHEMA = pa.schema([("part", _S), ("variant", _S), ("block", _S), ("nodes", _I),
                            ("events", _I), ("max_last", _D)])
WHERE_SCHEMA = pa.schema([("sha1", _S), ("part", _S)])
_NEVER = date.max
_CODE = (("geo.events", "merge.py"), ("geo.events", "table.py"), ("geo.events", "places.py"),
         ("geo.events", "model.py"), ("geo.events", "extract.py"), ("geo.store", "tables.py"),
         ("geo.store", "merged.py"))


def fingerprint() -> str:
    """Hash of the code the merged rows depend on."""
    h = hashlib.sha1()
    for package, name in _CODE:
        h.update(resources.files(package).joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def _part(day: date | None) -> str:
    """The partition of a reading whose first day is ``day``."""
    return day.isoformat() if day else UNDATED


def _part_day(part: str) -> date | None:
    return None if part == UNDATED else to_day(part)


def _key(sha1: str, order: int, digest: str) -> str:
    """An event's key: its article, its place in the article and its content (an article
    written again with the same events keeps their keys)."""
    return f"{sha1}:{order}:{digest[:16]}"


def _sha1(key: str) -> str:
    return key.split(":", 1)[0]


def _reading(ev) -> tuple[str, str]:
    """(block, reading) of an event: ``merge_events``' block key and node key, hashed."""

    kind = merge.event_kind(ev)
    return (hashlib.sha1(repr(kind).encode()).hexdigest()[:16],
            hashlib.sha1(repr((kind, merge.signature(ev), ev.sentence)).encode()).hexdigest())


def _a3(ev) -> str:
    """The country code ``events_frame`` numbers ``ev`` under."""

    return countries_by_iso2().get(event_country(ev), ("XXX",))[0]


@dataclass
class _Node:
    """One reading of a block: ``merge_events`` compares its first event only."""

    key: str            # that event's key
    first: date | None
    last: date | None
    canon: tuple        # (article_id, order) of that event: its place in merge_events' input
    members: tuple      # keys of every event with this reading, in article-id order


def _nodes(rows) -> dict[str, list[_Node]]:
    """Per block, the readings of index ``rows`` (of one partition: one first day) in
    ``merge_events``' order."""
    by_reading: dict[tuple, list] = defaultdict(list)
    for r in rows:
        by_reading[(r["block"], r["reading"])].append(
            ((r["article_id"], r["order"]), r["key"], r["first_date"], r["last_date"]))
    blocks: dict[str, list[_Node]] = defaultdict(list)
    for (block, _), members in by_reading.items():
        members.sort()
        canon, key, first, last = members[0]
        blocks[block].append(_Node(key, first, last, canon, tuple(m[1] for m in members)))
    for nodes in blocks.values():
        nodes.sort(key=lambda n: n.canon)
    return blocks


def _window(nodes: list[_Node], q: int) -> tuple[int, bool]:
    """(the last position ``merge_events`` compares the reading at ``q`` with, whether the
    window runs past the end of ``nodes`` still open)."""

    a, end = nodes[q], q
    for r in range(q + 1, min(len(nodes), q + 1 + merge.CANDIDATES)):
        b = nodes[r]
        if a.last and b.first and b.first > a.last + merge.TOLERANCE:
            return end, False
        end = r
    return end, end == len(nodes) - 1 and end - q < merge.CANDIDATES


def _touched(nodes: list[_Node], changed: list[int]) -> set[str]:
    """Keys of the readings whose candidates include a changed position, or whose window
    a changed position ends (a reading that starts too late cuts off the candidates after
    it, e.g. the undated readings at the end of a block)."""

    out: set[str] = set()
    changed = sorted(changed)
    for q in sorted({q for p in changed for q in range(max(0, p - merge.CANDIDATES - 1), p)}):
        end = _window(nodes, q)[0]
        i = bisect.bisect_right(changed, q)
        if i < len(changed) and changed[i] <= end + 1:
            out.add(nodes[q].key)
    return out


# -- the state: partitions on disk, loaded on demand ---------------------------------------------

@dataclass
class MergeUpdate:
    """What :func:`update_merged` computed: the new ``merged`` manifest entry (without
    ``seq``/``fingerprint``), the files written for it, and ``stats``. When it was computed
    without writing (``write=False``), ``state`` holds the new partitions in memory."""

    entry: dict
    stats: dict
    state: _State | None = None


class _State:
    """The merge state of one update: the files of the previous entry, the partitions
    changed so far (in memory until flushed), and the day → extracted files map."""

    def __init__(self, store: Store, snap: Snapshot, old: dict | None, write: bool,
                 dictionary):
        self.store, self.snap, self.write, self.dictionary = store, snap, write, dictionary
        self.token = secrets.token_hex(4)
        old = old or {}
        self.files = {k: dict(old.get(k, {})) for k in ("index", "pairs")}
        self.outs = {v: {p: tuple(x) for p, x in old.get(v, {}).items()} for v, _ in VARIANTS}
        self.summary = _read_summary(store.root, old.get("summary"))
        self.where_file = old.get("articles")
        self.where_delta: dict[str, set] = {}
        self.index_over: dict[str, dict] = {}       # part -> {variant: {key: row}}
        self.pairs_over: dict[str, list] = {}       # part -> pair rows
        self.out_over: dict[str, dict] = {v: {} for v, _ in VARIANTS}
        self.written: set[str] = set()
        self.days: dict[str, list[Path]] = defaultdict(list)
        for p in snap.files("extracted"):
            self.days[p.parent.name].append(p)
        self.stats = {"events": 0, "remerged": 0, "rescanned": 0, "kept_groups": 0,
                      "partitions_read": 0, "partitions_written": 0, "steps": 0}

    # -- reading partitions

    def parts(self) -> set[str]:
        return set(self.files["index"]) | set(self.index_over)

    def read_index(self, part: str) -> dict:
        """{variant: {key: row}} of ``part`` (empty when it does not exist)."""
        self.stats["partitions_read"] += 1
        if part in self.index_over:
            return {v: dict(rows) for v, rows in self.index_over[part].items()}
        out: dict = {v: {} for v, _ in VARIANTS}
        if part in self.files["index"]:
            for r in read_table(self.store.root / self.files["index"][part]).to_pylist():
                out[r.pop("variant")][r["key"]] = r
        return out

    def read_pairs(self, part: str) -> list[dict]:
        if part in self.pairs_over:
            return list(self.pairs_over[part])
        if part in self.files["pairs"]:
            return read_table(self.store.root / self.files["pairs"][part]).to_pylist()
        return []

    def read_out(self, variant: str, part: str):

        if part in self.out_over[variant]:
            return self.out_over[variant][part]
        if part in self.outs[variant]:
            return read_frame(self.store.root / self.outs[variant][part][0])
        return None

    def where(self, sha1s) -> dict[str, set]:
        """sha1 -> the partitions holding its events, for the stored articles ``sha1s``."""
        out = {h: set(self.where_delta[h]) for h in sha1s if h in self.where_delta}
        rest = [h for h in sha1s if h not in self.where_delta]
        if rest and self.where_file:
            want = pa.array(rest, _S)
            path = self.store.root / self.where_file
            with reading(path):
                for batch in pq.ParquetFile(path).iter_batches(65536):
                    hit = batch.filter(pc.is_in(batch.column("sha1"), value_set=want))
                    for h, p in zip(hit.column("sha1").to_pylist(),
                                    hit.column("part").to_pylist(), strict=True):
                        out.setdefault(h, set()).add(p)
        return out

    # -- writing partitions

    def _rel(self, kind: str, part: str) -> str:
        return f"merged/{kind}/{part}-{self.snap.seq:08d}-{self.token}.parquet"

    def _put(self, kind: str, rel: str, write) -> None:
        write_store_file(self.store.root / rel, write)
        self.written.add(rel)

    def _drop(self, rel: str | None) -> None:
        """Delete ``rel`` if this update wrote it (no commit lists it)."""
        if rel in self.written:
            (self.store.root / rel).unlink(missing_ok=True)
            self.written.discard(rel)

    def flush(self) -> None:
        """Write the partitions changed so far and forget them (a rebuild's steps)."""
        if not self.write:
            return
        for part, index in self.index_over.items():
            self._flush_state(part, index, self.pairs_over.get(part, []))
        for variant, _ in VARIANTS:
            for part, frame in self.out_over[variant].items():
                old = self.outs[variant].get(part)
                self._drop(old[0] if old else None)
                if frame is None or not len(frame):
                    self.outs[variant].pop(part, None)
                    continue
                rel = self._rel(variant, part)
                self._put(variant, rel, lambda f, fr=frame: fr.to_parquet(f, index=False))
                self.outs[variant][part] = (rel, _counts(frame))
            self.out_over[variant] = {}
        self.index_over, self.pairs_over = {}, {}

    def _flush_state(self, part: str, index: dict, pairs: list) -> None:
        self.stats["partitions_written"] += 1
        for kind in ("index", "pairs"):
            self._drop(self.files[kind].pop(part, None))
        rows = [{"variant": v, **r} for v, _ in VARIANTS for r in index[v].values()]
        if not rows:
            return
        table = pa.Table.from_pylist(rows, schema=INDEX_SCHEMA)
        rel = self._rel("index", part)
        self._put("index", rel, lambda f: pq.write_table(table, f, compression="zstd"))
        self.files["index"][part] = rel
        ptable = pa.Table.from_pylist(pairs, schema=PAIRS_SCHEMA)
        rel = self._rel("pairs", part)
        self._put("pairs", rel, lambda f: pq.write_table(ptable, f, compression="zstd"))
        self.files["pairs"][part] = rel

    def finish(self) -> MergeUpdate:
        """The new entry, with the summary and article map written (``write``)."""
        self.flush()
        outs = {v: {p: list(x) for p, x in sorted(self.outs[v].items())} for v, _ in VARIANTS}
        entry = {"layout": LAYOUT, "index": dict(sorted(self.files["index"].items())),
                 "pairs": dict(sorted(self.files["pairs"].items())), **outs}
        self.stats["events"] = sum(s[1] for s in self.summary.values())
        self.stats["partitions"] = len(self.parts())
        if not self.write:
            return MergeUpdate(entry, self.stats, self)
        for v, _ in VARIANTS:
            entry[f"n_{v}"] = sum(sum(c.values()) for _, c in self.outs[v].values())
        entry["summary"] = self._write_summary()
        entry["articles"] = self._write_where()
        return MergeUpdate(entry, self.stats)

    def _write_summary(self) -> str:
        rows = [{"part": p, "variant": v, "block": b, "nodes": n, "events": e, "max_last": m}
                for (p, v, b), (n, e, m) in sorted(self.summary.items())]
        table = pa.Table.from_pylist(rows, schema=SUMMARY_SCHEMA)
        rel = f"merged/summary-{self.snap.seq:08d}-{self.token}.parquet"
        self._put("summary", rel, lambda f: pq.write_table(table, f, compression="zstd"))
        return rel

    def _write_where(self) -> str:
        """The article → partitions map: the old one streamed, changed articles replaced."""
        rel = f"merged/articles-{self.snap.seq:08d}-{self.token}.parquet"
        changed = pa.array(sorted(self.where_delta), _S)
        fresh = pa.Table.from_pylist([{"sha1": h, "part": p} for h, ps in
                                      sorted(self.where_delta.items()) for p in sorted(ps)],
                                     schema=WHERE_SCHEMA)

        def write(f):
            with pq.ParquetWriter(f, WHERE_SCHEMA, compression="zstd") as w:
                if self.where_file:
                    path = self.store.root / self.where_file
                    with reading(path):
                        for batch in pq.ParquetFile(path).iter_batches(65536):
                            keep = pc.invert(pc.is_in(batch.column("sha1"),
                                                      value_set=changed))
                            w.write_table(pa.Table.from_batches([batch.filter(keep)]))
                w.write_table(fresh)

        self._put("articles", rel, write)
        return rel


def _read_summary(root: Path, rel: str | None) -> dict:
    if not rel:
        return {}
    t = read_table(root / rel).to_pylist()
    return {(r["part"], r["variant"], r["block"]): (r["nodes"], r["events"], r["max_last"])
            for r in t}


def _counts(frame) -> dict:
    return {str(k): int(n) for k, n in frame["_a3"].value_counts().sort_index().items()}


class _Events:
    """Stored events by key, read on demand from the day partitions that hold them."""

    def __init__(self, st: _State):
        self.st = st
        self.cache: dict[str, object] = {}
        self.day: dict[str, str] = {}       # key -> extracted day partition (folder name)

    def get(self, keys) -> dict:
        by_day: dict[str, set] = defaultdict(set)
        for k in keys:
            if k not in self.cache:
                by_day[self.day[k]].add(k)
        for day, want in by_day.items():
            sha1s = sorted({_sha1(k) for k in want})
            for path in self.st.days[day]:
                rows = read_table(path, filters=[("sha1", "in", sha1s)]).to_pylist()
                for r, ev in zip(rows, row_events(rows, self.st.dictionary), strict=True):
                    key = _key(r["sha1"], r["order"], r["digest"])
                    if key in want:
                        self.cache[key] = ev
        return {k: self.cache[k] for k in keys}


class _Step:
    """One change applied to the state: the partitions loaded so far as they were
    (``old``) and as they become (``new``), their pairs, and the work of ``merge_events``
    redone on them."""

    def __init__(self, st: _State, events: _Events):
        self.st, self.events = st, events
        self.old: dict[str, dict] = {}          # part -> {variant: {key: row}}
        self.new: dict[str, dict] = {}
        self.pair_rows: dict[str, list] = {}    # part -> its stored pair rows
        vs = [v for v, _ in VARIANTS]
        self.out_pairs = {v: {} for v in vs}    # stored pairs of loaded readings
        self.in_pairs = {v: defaultdict(set) for v in vs}
        self.where_of = {v: {} for v in vs}     # key -> part (loaded rows, pair rows)
        self.new_pairs = {v: {} for v in vs}    # rescanned readings' pairs
        self.changed = {v: set() for v in vs}   # blocks with a reading added or removed
        self._nodes: dict[tuple, dict] = {}
        self.by_block = defaultdict(list)       # (variant, block) -> parts (summary)
        for p, v, b in st.summary:
            self.by_block[(v, b)].append(p)

    # -- partitions and readings

    def load(self, part: str) -> None:
        if part in self.old:
            return
        idx = self.st.read_index(part)
        self.old[part] = idx
        self.new[part] = {v: dict(rows) for v, rows in idx.items()}
        self.pair_rows[part] = rows = self.st.read_pairs(part)
        for r in rows:
            v = r["variant"]
            self.where_of[v].setdefault(r["a"], r["a_part"])
            self.where_of[v].setdefault(r["b"], r["b_part"])
            if r["a_part"] == part:
                self.out_pairs[v].setdefault(r["a"], []).append((r["b"], r["score"]))
            self.in_pairs[v][r["b"]].add(r["a"])
        for v, rows in idx.items():
            for k, r in rows.items():
                self.where_of[v][k] = part
                self.events.day[k] = r["day"]

    def nodes(self, part: str, v: str, which: str) -> dict[str, list[_Node]]:
        """Per block, the readings of a loaded partition (``which``: "old" or "new")."""
        hit = self._nodes.get((part, v, which))
        if hit is None:
            rows = (self.old if which == "old" else self.new)[part][v].values()
            hit = self._nodes[(part, v, which)] = _nodes(rows)
        return hit

    def node_map(self, part: str, v: str, which: str) -> dict[str, _Node]:
        """Reading key -> reading, and member key -> its reading, of a loaded partition."""
        hit = self._nodes.get((part, v, which, "map"))
        if hit is None:
            hit = {}
            for nodes in self.nodes(part, v, which).values():
                for n in nodes:
                    hit |= dict.fromkeys(n.members, n)
            self._nodes[(part, v, which, "map")] = hit
        return hit

    def reading(self, v: str, key: str, which: str = "new") -> _Node | None:
        """The reading whose key is ``key`` (None if there is none now)."""
        part = self.where_of[v].get(key)
        if part is None:
            return None
        self.load(part)
        n = self.node_map(part, v, which).get(key)
        return n if n is not None and n.key == key else None

    def is_node(self, v: str, key: str) -> bool:
        """Whether ``key`` is a reading now (its partition loaded to know it)."""
        return self.reading(v, key) is not None

    def out_new(self, v: str, key: str) -> list:
        return self.new_pairs[v].get(key, self.out_pairs[v].get(key, []))

    # -- runs: loaded partitions next to each other in a block's order

    def runs(self, v: str, block: str) -> tuple[list[str], list[list[int]]]:
        parts = set(self.by_block.get((v, block), ())) | {
            p for p in self.old for w in ("old", "new") if block in self.nodes(p, v, w)}
        parts = sorted(parts)
        runs, cur = [], []
        for i, p in enumerate(parts):
            if p in self.old:
                cur.append(i)
            elif cur:
                runs.append(cur)
                cur = []
        return parts, runs + ([cur] if cur else [])

    def run_nodes(self, v: str, block: str, parts: list[str]) -> tuple[list, list]:
        return tuple([n for p in parts for n in self.nodes(p, v, w).get(block, [])]
                     for w in ("old", "new"))

    def max_last(self, v: str, block: str, part: str) -> date | None:
        if part in self.old:
            lasts = [n.last for w in ("old", "new") for n in self.nodes(part, v, w).get(
                block, []) if n.last]
            return max(lasts, default=None)
        return self.st.summary[(part, v, block)][2]

    # -- the change

    def apply(self, fresh: dict[str, list[dict]]) -> None:
        """Replace the events of the articles ``fresh`` (sha1 -> their latest rows, each
        with ``key``, ``day`` and the Event ``ev``) by those rows."""
        for parts in self.st.where(list(fresh)).values():
            for p in parts:
                self.load(p)
        readings: dict[str, tuple] = {}
        for v, flag in VARIANTS:
            old_keys = {k: p for p in list(self.old) for k in self.old[p][v]
                        if _sha1(k) in fresh}
            rows = {r["key"]: r for h in fresh for r in fresh[h] if r[flag]}
            for k, p in old_keys.items():
                if k not in rows:
                    self.changed[v].add(self.new[p][v].pop(k)["block"])
                elif self.new[p][v][k]["day"] != rows[k]["day"]:
                    self.new[p][v][k] = {**self.new[p][v][k], "day": rows[k]["day"]}
            for k, r in rows.items():
                self.events.day[k] = r["day"]
                self.events.cache[k] = r["ev"]
                if k in old_keys:
                    continue
                block, reading = readings.get(k) or readings.setdefault(k, _reading(r["ev"]))
                part = _part(r["first_date"])
                self.load(part)
                self.new[part][v][k] = {
                    "key": k, "block": block, "reading": reading, "group": None, "out": None,
                    "article_id": r["article_id"], "order": r["order"],
                    "first_date": r["first_date"], "last_date": r["last_date"],
                    "day": r["day"]}
                self.where_of[v][k] = part
                self.changed[v].add(block)
        for h, rs in fresh.items():
            self.st.where_delta[h] = {_part(r["first_date"]) for r in rs
                                      if r["in_events"] or r["in_control"]}
        self._nodes = {}

    def widen(self) -> None:
        """Load partitions until every comparison the change alters lies in loaded ones."""
        while True:
            need = {p for v, blocks in self.changed.items() for b in blocks
                    for p in self._needs(v, b)} - set(self.old)
            if not need:
                return
            for p in need:
                self.load(p)

    def _needs(self, v: str, block: str) -> set[str]:

        parts, runs = self.runs(v, block)
        need = set()
        for run in runs:
            old, new = self.run_nodes(v, block, [parts[i] for i in run])
            ch_new, ch_old = _changes(old, new)
            if not (ch_new or ch_old):
                continue
            first, last = run[0], run[-1]
            # a dated reading added or removed just before the block's undated tail ends
            # or opens the windows of the readings before it that ran into that tail
            # (which only the last dated reading before the run may do when the run holds
            # no dated reading, in the old order or the new)
            day = _part_day(parts[first])
            if parts[-1] == UNDATED and all(p == UNDATED for p in parts[last + 1:]) and \
                    not all(any(n.first for n in nodes) for nodes in (old, new)):
                day = None
            if first > 0 and min(ch_new + ch_old) <= merge.CANDIDATES and \
                    self._reached(v, block, parts[:first], day):
                need.add(parts[first - 1])
            if last + 1 < len(parts):
                nxt = _part_day(parts[last + 1])
                for q in _rescan(old, new, ch_new, ch_old, positions=True):
                    n = new[q]
                    if _window(new, q)[1] and (nxt is None or n.last is None or
                                               nxt <= n.last + merge.TOLERANCE):
                        need.add(parts[last + 1])
                        break
        return need

    def _reached(self, v: str, block: str, before: list[str], day: date | None) -> bool:
        """Whether a reading of the partitions ``before`` may reach the day ``day``."""

        if day is None:
            return True
        lasts = [m for p in before if (m := self.max_last(v, block, p)) is not None]
        return bool(lasts) and max(lasts) + merge.TOLERANCE >= day

    def rescan(self) -> tuple[dict, dict, dict]:
        """Compare again the readings whose candidates changed. Returns per variant the
        readings to group again from (``affected``), the changed old readings and the
        groups they were in."""
        affected = {v: set() for v, _ in VARIANTS}
        gone_nodes = {v: set() for v, _ in VARIANTS}
        gone = {v: set() for v, _ in VARIANTS}
        for v, blocks in self.changed.items():
            for block in blocks:
                parts, runs = self.runs(v, block)
                for run in runs:
                    old, new = self.run_nodes(v, block, [parts[i] for i in run])
                    self._rescan_run(v, old, new, affected[v], gone_nodes[v], gone[v])
        return affected, gone_nodes, gone

    def _rescan_run(self, v, old, new, affected, gone_nodes, gone) -> None:
        ch_new, ch_old = _changes(old, new)
        if not (ch_new or ch_old):
            return
        redo = _rescan(old, new, ch_new, ch_old)
        self.st.stats["rescanned"] += len(redo)
        for q, n in enumerate(new):
            if n.key not in redo:
                continue
            before = self.out_pairs[v].get(n.key, [])
            after = self.new_pairs[v][n.key] = self._scan(new, q)
            if after != before:
                affected |= {n.key, *(b for b, _ in after),
                             *(b for b, _ in before if self.is_node(v, b))}
        affected |= {new[q].key for q in ch_new}
        for q in ch_old:
            n = old[q]
            gone_nodes.add(n.key)
            gone |= {self.old[self.where_of[v][m]][v][m]["group"] for m in n.members}
            affected |= {b for b, _ in self.out_pairs[v].get(n.key, ()) if self.is_node(v, b)}

    def _scan(self, nodes: list[_Node], q: int) -> list[tuple[str, int]]:
        """(partner key, score) of the reading at ``q``: ``merge_events``' comparisons."""

        end = _window(nodes, q)[0]
        got = self.events.get([n.key for n in nodes[q:end + 1]])
        a = got[nodes[q].key]
        out = []
        for n in nodes[q + 1:end + 1]:
            s = merge.score(a, got[n.key])
            if s is not None and s >= merge.MERGE_SCORE:
                out.append((n.key, s))
        return out

    # -- groups

    def old_group_nodes(self, v: str, starts: set[str], groups: set) -> set[str]:
        """Old readings of the old ``groups`` reachable from ``starts`` by old pairs (a
        group's readings are linked by its own pairs)."""
        seen, stack = set(), list(starts)
        while stack:
            y = stack.pop()
            if y in seen or (part := self.where_of[v].get(y)) is None:
                continue
            self.load(part)
            n = self.node_map(part, v, "old").get(y)
            if n is None or n.key != y or self.old[part][v][y]["group"] not in groups:
                continue
            seen.add(y)
            stack += [b for b, _ in self.out_pairs[v].get(y, [])]
            stack += list(self.in_pairs[v].get(y, ()))
        return seen

    def old_group(self, v: str, key: str) -> set[str]:
        """The readings now holding the members of the old group of the reading ``key``
        (empty for a new reading)."""
        out = set()
        for m in self.reading(v, key).members:
            if (r := self.row(v, m, "old")) is None:
                continue
            old = self.node_map(self.where_of[v][m], v, "old")[m].key
            for y in self.old_group_nodes(v, {old}, {r["group"]}):
                for x in self.reading(v, y, "old").members:
                    part = self.where_of[v][x]
                    if (n := self.node_map(part, v, "new").get(x)) is not None:
                        out.add(n.key)
        return out

    def neighbours(self, v: str, key: str, new_in: dict) -> set[str]:
        """Readings paired with the reading ``key`` now."""
        out = {b for b, _ in self.out_new(v, key)} | new_in.get(key, set())
        out |= {a for a in self.in_pairs[v].get(key, ()) if a not in self.new_pairs[v]}
        return {x for x in out if self.is_node(v, x)}

    def regroup_set(self, v: str, start: set[str]) -> tuple[set[str], list[list]]:
        """The readings to group again and ``merge_events``' groups of them (member keys in
        article-id order): the old groups of ``start``, grown by a neighbouring old group
        only when one of their pairs would now join it (see :meth:`_simulate`)."""
        new_in = defaultdict(set)
        for a, partners in self.new_pairs[v].items():
            for b, _ in partners:
                new_in[b].add(a)
        todo: set[str] = set()
        for x in start:
            if self.is_node(v, x) and x not in todo:
                todo |= {x} | self.old_group(v, x)
        while True:
            grown = self._simulate(v, todo, new_in)
            if isinstance(grown, list):
                return todo, grown
            todo |= grown

    def _simulate(self, v: str, todo: set[str], new_in: dict):
        """``join_pairs`` over the readings ``todo`` and the old groups around them, in
        ``merge_events``' order. The groups around are untouched: their own pairs join them
        as before, and a pair between one of them and ``todo`` joins nothing unless the
        groups on both sides are joinable at its turn — then that group is returned, to be
        grouped again too. Else the groups of ``todo``: lists of member keys."""

        side = dict.fromkeys(todo, "")
        for b in {b for a in todo for b in self.neighbours(v, a, new_in)} - todo:
            if b not in side:
                group = self.old_group(v, b) or {b}
                side |= dict.fromkeys(group, min(group))
        nodes = {k: self.reading(v, k) for k in side}
        keys = sorted((m for n in nodes.values() for m in n.members),
                      key=lambda m: self.canon(v, m))
        got = self.events.get(keys)
        evs = [got[k] for k in keys]
        index = {k: i for i, k in enumerate(keys)}
        pairs = sorted((-s, index[a], index[b], a, b) for a in side
                       for b, s in self.out_new(v, a) if b in side)
        parent = {k: k for k in side}
        reps = {k: {merge.signature(evs[index[k]]): index[k]} for k in side}

        def find(k: str) -> str:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for _, _, _, a, b in pairs:
            if side[a] != side[b] and "" not in (side[a], side[b]):
                continue        # two untouched groups: as before
            ra, rb = find(a), find(b)
            if ra == rb or not merge.joinable(evs, reps[ra], reps[rb]):
                continue
            if side[a] != side[b]:
                other = side[b] or side[a]
                return {k for k, g in side.items() if g == other}
            parent[rb] = ra
            for sig, k in reps.pop(rb).items():
                reps[ra].setdefault(sig, k)
        groups: dict[str, list] = {}
        for k in keys:
            node = self.node_map(self.where_of[v][k], v, "new")[k].key
            if side[node] == "":
                groups.setdefault(find(node), []).append(k)
        return list(groups.values())

    def row(self, v: str, key: str, which: str = "new") -> dict | None:
        part = self.where_of[v].get(key)
        return None if part is None else (self.old if which == "old" else self.new)[
            part][v].get(key)

    def canon(self, v: str, key: str) -> tuple:
        r = self.row(v, key)
        return (r["article_id"], r["order"])

    # -- the whole step

    def run(self, fresh: dict[str, list[dict]]) -> None:
        self.apply(fresh)
        self.widen()
        affected, gone_nodes, gone = self.rescan()
        for v, _ in VARIANTS:
            for y in self.old_group_nodes(v, gone_nodes[v], gone[v]):
                for m in self.reading(v, y, "old").members:
                    if (n := self.node_map(self.where_of[v][m], v, "new").get(m)) is not None:
                        affected[v].add(n.key)
            self._regroup(v, affected[v], gone[v], gone_nodes[v])
        self._save()

    def _regroup(self, v: str, affected: set, gone: set, gone_nodes: set) -> None:
        todo, groups = self.regroup_set(v, affected)
        redo = [self.reading(v, k) for k in todo]
        drop = set(gone) | {r["group"] for n in redo for m in n.members
                            if (r := self.row(v, m, "old")) is not None}
        outs = {r["out"] for n in redo for m in n.members
                if (r := self.row(v, m, "old")) is not None}
        outs |= {self.row(v, m, "old")["out"] for y in gone_nodes
                 for m in self.reading(v, y, "old").members}
        frame = self._frame(v, groups)
        for keys, part in zip(groups, frame["_out"] if len(frame) else [], strict=True):
            for m in keys:
                p = self.where_of[v][m]
                self.new[p][v][m] = {**self.new[p][v][m], "group": keys[0], "out": part}
        self.st.stats["remerged"] += sum(len(n.members) for n in redo)
        self.st.stats["new_groups"] = self.st.stats.get("new_groups", 0) + len(groups)
        outs = (outs | set(frame["_out"])) - {None} if len(frame) else outs - {None}
        for part in outs:
            self._write_out(v, part, drop, frame)

    def _frame(self, v: str, groups: list[list]):
        """``events_frame`` rows of the merged groups with the hidden columns and ``_out``,
        the partition of the merged event (its sort day)."""

        got = self.events.get([m for keys in groups for m in keys])
        merged = [merge.merge_group([got[m] for m in keys]) for keys in groups]
        frame = events_frame(merged)
        frame["_group"] = [keys[0] for keys in groups]
        firsts = [self.canon(v, keys[0]) for keys in groups]
        frame["_first_article"] = [f[0] for f in firsts]
        frame["_first_order"] = [int(f[1]) for f in firsts]
        days = [e.first_date or e.published for e in merged]
        frame["_sort"] = [(d or _NEVER).isoformat() for d in days]
        frame["_event_id"] = [e.event_id for e in merged]
        frame["_a3"] = [_a3(e) for e in merged]
        frame["_n"] = 0
        frame["_out"] = [_part(d) for d in days]
        return frame

    def _write_out(self, v: str, part: str, drop: set, frame) -> None:

        pieces = []
        old = self.st.read_out(v, part)
        if old is not None and len(old):
            pieces.append(old[~old["_group"].isin(drop)])
        if len(frame):
            pieces.append(frame[frame["_out"] == part].drop(columns="_out"))
        pieces = [p for p in pieces if len(p)]
        if not pieces:
            self.st.out_over[v][part] = None
            return
        out = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
        out = out.sort_values(["_sort", "_event_id", "_first_article", "_first_order"],
                              kind="stable").reset_index(drop=True)
        out["_n"] = out.groupby("_a3", sort=False).cumcount() + 1
        out["event_id_cnty"] = out["_a3"] + out["_n"].astype(str)
        self.st.out_over[v][part] = gpd.GeoDataFrame(out, geometry="geometry",
                                                     crs="EPSG:4326")

    def _save(self) -> None:
        """Keep the loaded partitions that changed (index rows, pairs, summary)."""
        rows = defaultdict(list)
        for part in self.old:
            for v, _ in VARIANTS:
                for nodes in self.nodes(part, v, "new").values():
                    for n in nodes:
                        for b, s in self.out_new(v, n.key):
                            pb = self.where_of[v][b]
                            rows[part].append({"variant": v, "a": n.key, "b": b, "score": s,
                                               "a_part": part, "b_part": pb})
                            if pb != part:
                                rows[pb].append(rows[part][-1])
        for part in list(self.old):
            pairs = [r for r in self.pair_rows[part] if r["a_part"] != part and
                     r["a_part"] not in self.old] + rows.get(part, [])
            if self.new[part] == self.old[part] and _same(pairs, self.pair_rows[part]):
                continue
            self.st.index_over[part] = self.new[part]
            self.st.pairs_over[part] = pairs
            for key in [k for k in self.st.summary if k[0] == part]:
                del self.st.summary[key]
            for v, _ in VARIANTS:
                for block, nodes in self.nodes(part, v, "new").items():
                    self.st.summary[(part, v, block)] = (
                        len(nodes), sum(len(n.members) for n in nodes),
                        max((n.last for n in nodes if n.last), default=None))


def _same(a: list[dict], b: list[dict]) -> bool:
    def key(r):
        return tuple(r[c] for c in PAIRS_SCHEMA.names)

    return sorted(map(key, a)) == sorted(map(key, b))


def _changes(old: list[_Node], new: list[_Node]) -> tuple[list[int], list[int]]:
    """Positions of the readings whose members changed, in ``new`` and in ``old``."""
    was = {n.key: n.members for n in old}
    now = {n.key: n.members for n in new}
    return ([q for q, n in enumerate(new) if was.get(n.key) != n.members],
            [q for q, n in enumerate(old) if now.get(n.key) != n.members])


def _rescan(old, new, ch_new, ch_old, *, positions: bool = False):
    """Keys (or positions in ``new``) of the readings to compare again: the changed ones
    and those whose candidates include a changed position, before or after."""
    keys = {new[q].key for q in ch_new} | _touched(new, ch_new) | \
        (_touched(old, ch_old) & {n.key for n in new})
    return [q for q, n in enumerate(new) if n.key in keys] if positions else keys


# -- the update ---------------------------------------------------------------------------------

def _valid(old: dict | None) -> bool:
    return bool(old) and old.get("layout") == LAYOUT and old.get("fingerprint") == fingerprint()


def _with_events(st: _State, rows: list[dict], day: str) -> list[dict]:
    """``rows`` (extracted rows of one day partition) with ``key``, ``day`` and ``ev``."""
    for r, ev in zip(rows, row_events(rows, st.dictionary), strict=True):
        r["key"], r["day"], r["ev"] = _key(r["sha1"], r["order"], r["digest"]), day, ev
    return rows


def _fresh_batches(st: _State, batches: list[dict]) -> dict[str, list[dict]]:
    """sha1 -> latest rows of the articles written by ``batches`` (empty: no events)."""
    seqs = {b["seq"] for b in batches}
    newest: dict[str, int] = {}
    for b in batches:
        for rel in b["files"].get("articles", []):
            t = read_table(st.store.root / rel, columns=["sha1", "seq"])
            for h, q in zip(t.column("sha1").to_pylist(), t.column("seq").to_pylist(),
                            strict=True):
                if q in seqs and q > newest.get(h, -1):
                    newest[h] = q
    out: dict[str, list[dict]] = {h: [] for h in newest}
    for b in batches:
        for rel in b["files"].get("extracted", []):
            rows = [r for r in read_table(st.store.root / rel).to_pylist()
                    if newest.get(r["sha1"]) == r["seq"]]
            for r in _with_events(st, rows, Path(rel).parent.name):
                out[r["sha1"]].append(r)
    return out


def _fresh_files(st: _State, files: list[Path], newest: dict) -> dict[str, list[dict]]:
    """sha1 -> latest rows of the articles in the extracted ``files`` (a rebuild)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for path in files:
        rows = [r for r in read_table(path).to_pylist() if newest.get(r["sha1"]) == r["seq"]]
        for r in _with_events(st, rows, path.parent.name):
            out[r["sha1"]].append(r)
    return out


def _chunks(items: list, size_of, limit: int) -> list[list]:
    out, cur, n = [], [], 0
    for it in items:
        cur.append(it)
        n += size_of(it)
        if n >= limit:
            out.append(cur)
            cur, n = [], 0
    return out + ([cur] if cur else [])


def update_merged(store: Store, snap: Snapshot, old: dict | None, dictionary=None, *,
                  write: bool = True) -> MergeUpdate:
    """Bring the merged events up to date with the batches of ``snap`` from ``old`` (the
    manifest's previous ``merged`` entry; rebuilt from scratch when None, of another layout
    or code fingerprint). With ``write`` the changed partitions are written (under new
    names, listed by nobody until ``Store.commit_merged``); without, they stay in memory
    (``MergeUpdate.state``, for readers). ``stats``: ``events`` stored events (both
    variants), ``remerged`` events grouped again, ``rescanned`` readings compared again,
    ``kept_groups`` merged events taken over unchanged, ``partitions_read``/``_written``
    merge-state partitions (days) loaded/rewritten, ``partitions`` their number."""
    if dictionary is None:

        dictionary = load_actors()
    old = old if _valid(old) else None
    st = _State(store, snap, old, write, dictionary)
    events = _Events(st)
    batches = [b for b in snap.manifest["batches"] if b["seq"] > (old["seq"] if old else 0)]
    if old:
        steps = [_fresh_batches(st, c) for c in
                 _chunks(batches, lambda b: b.get("events", 0), CHUNK_EVENTS)]
    else:
        newest = store.versions(snap)
        files = [p for p in snap.files("extracted")]
        steps = (_fresh_files(st, c, newest) for c in
                 _chunks(files, num_rows, CHUNK_EVENTS))
    for fresh in steps:
        if fresh:
            _Step(st, events).run(fresh)
            st.stats["steps"] += 1
            st.flush()
            events.cache.clear()
    update = st.finish()
    total = sum(_n_rows(st, v) for v, _ in VARIANTS)
    update.stats["kept_groups"] = total - update.stats.pop("new_groups", 0)
    return update


def _n_rows(st: _State, variant: str) -> int:
    n = sum(sum(c.values()) for p, (_, c) in st.outs[variant].items()
            if p not in st.out_over[variant])
    return n + sum(len(f) for f in st.out_over[variant].values() if f is not None)


def merged_frame(store: Store, entry: dict, variant: str, state: _State | None = None):
    """The merged events ``variant`` ("events" or "control") of a layout-2 ``entry`` (or of
    an update computed in memory, ``state``): the partitions in day order, ``event_id_cnty``
    numbered over the whole. ``events_frame`` columns plus the hidden ones; None when
    there are no events."""
    parts = set(entry.get(variant, {})) | (set(state.out_over[variant]) if state else set())
    frames, offset = [], defaultdict(int)
    for part in sorted(parts):
        frame = state.read_out(variant, part) if state else None
        if state is None:

            frame = read_frame(store.root / entry[variant][part][0])
        if frame is None or not len(frame):
            continue
        frame = frame.copy()
        n = frame["_n"] + frame["_a3"].map(lambda a: offset[a])
        frame["event_id_cnty"] = frame["_a3"] + n.astype(str)
        for a3, k in frame["_a3"].value_counts().items():
            offset[a3] += int(k)
        frames.append(frame)
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
