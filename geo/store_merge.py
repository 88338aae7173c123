"""The store's merged events, kept up to date as articles arrive: exactly what
``geo.merge.merge_events`` gives over every stored event (in article-id order), without
merging the whole store again on every ingest.

``merge_events`` compares one event per reading (kind, signature, sentence) with the next
``CANDIDATES`` readings of its kind "block" in (first day, input order), stopping at the first
that starts more than a day after it ends; it joins the pairs scoring ``MERGE_SCORE`` or more,
best first, when no member of one group contradicts one of the other. Its groups are
therefore made within connected components of the graph of those pairs. This module keeps
that graph (``merged/pairs-*.parquet``) and, per event, its block, reading and group
(``merged/index-*.parquet``). After an ingest it scores again only the readings whose
candidates changed (a reading added, removed or reprinted among their next ``CANDIDATES``
within reach), and joins again only the components that a changed pair or reading touches,
with ``merge_events``' own rule (this module replays its grouping loop with its helpers
``score``, ``_joinable`` and ``_merged``); every other merged event is kept as it was. The
per-country ``event_id_cnty`` numbers are then given again over the whole, in
``merge_events``' order. News arrives about recent days, so the work is about the new events,
not the store. A change to the merge code (its fingerprint) starts afresh;
``tests/test_store.py`` checks the result against ``merge_events`` over everything.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .store import Snapshot, Store, row_events

VARIANTS = (("events", "in_events"), ("control", "in_control"))
LIGHT = ["sha1", "seq", "order", "article_id", "in_events", "in_control", "first_date",
         "last_date", "event_id", "digest"]
HIDDEN = ["_group", "_first_article", "_first_order", "_sort", "_event_id", "_a3"]
INDEX_SCHEMA = pa.schema([
    ("variant", pa.string()), ("key", pa.string()), ("block", pa.string()),
    ("reading", pa.string()), ("group", pa.string()), ("article_id", pa.string()),
    ("order", pa.int64()), ("first_date", pa.date32()), ("last_date", pa.date32()),
])
PAIRS_SCHEMA = pa.schema([("variant", pa.string()), ("a", pa.string()), ("b", pa.string()),
                          ("score", pa.int64())])
_NEVER = date.max
_CODE = ("merge.py", "event_table.py", "event_places.py", "events.py", "store.py",
         "store_merge.py")


def fingerprint() -> str:
    """Hash of the code the merged rows depend on."""
    h = hashlib.sha1()
    here = Path(__file__).resolve().parent
    for name in _CODE:
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


@dataclass
class _Node:
    """One reading of a block: ``merge_events`` compares its first event only."""

    key: str            # that event's key
    reading: str
    first: date | None
    last: date | None
    canon: tuple        # (article_id, order) of that event: its place in merge_events' input
    members: tuple      # keys of every event with this reading, in article-id order

    @property
    def sort(self) -> tuple:
        return (self.first or _NEVER, *self.canon)


def _key(sha1: str, order: int, digest: str) -> str:
    """An event's key: its article, its place in the article and its content (an article
    written again with the same events keeps their keys)."""
    return f"{sha1}:{order}:{digest[:16]}"


def _reading(ev) -> tuple[str, str]:
    """(block, reading) of an event: ``merge_events``' block key and node key, hashed."""
    from .merge import _kind, _signature

    kind = _kind(ev)
    return (hashlib.sha1(repr(kind).encode()).hexdigest()[:16],
            hashlib.sha1(repr((kind, _signature(ev), ev.sentence)).encode()).hexdigest())


class _Events:
    """Stored events by key, read on demand from the files that hold them."""

    def __init__(self, root: Path, file_of: dict[str, str], dictionary):
        self.root, self.file_of, self.dictionary = root, file_of, dictionary
        self.cache: dict[str, object] = {}

    def get(self, keys) -> dict:
        missing = {self.file_of[k] for k in keys if k not in self.cache}
        for rel in sorted(missing):     # a part file is small: keep all its events
            rows = pq.read_table(self.root / rel).to_pylist()
            for r, ev in zip(rows, row_events(rows, self.dictionary), strict=True):
                key = _key(r["sha1"], r["order"], r["digest"])
                if self.file_of.get(key) == rel:      # not an older version's row
                    self.cache[key] = ev
        return {k: self.cache[k] for k in keys}


def _current(store: Store, snap: Snapshot) -> pd.DataFrame:
    """Light columns of every stored event (latest article versions), with ``key`` and
    ``file`` (relative path)."""
    newest = store.versions(snap)
    tables, files = [], []
    for p in snap.files("extracted"):
        t = pq.read_table(p, columns=LIGHT)
        tables.append(t)
        files += [p.relative_to(store.root).as_posix()] * len(t)
    if not tables:
        return pd.DataFrame(columns=[*LIGHT, "file", "key"])
    table = pa.concat_tables(tables).append_column("file", pa.array(files, pa.string()))
    sha1s, seqs = table.column("sha1").to_pylist(), table.column("seq").to_pylist()
    table = table.filter(pa.array([newest.get(h) == q for h, q in zip(sha1s, seqs,
                                                                       strict=True)]))
    df = table.to_pandas(date_as_object=True, types_mapper=None)
    df["key"] = [_key(h, o, d) for h, o, d in zip(table.column("sha1").to_pylist(),
                                                   table.column("order").to_pylist(),
                                                   table.column("digest").to_pylist(),
                                                   strict=True)]
    return df


def _day(value) -> date | None:
    return None if value is None or pd.isna(value) else value


def _nodes(df: pd.DataFrame) -> dict[str, list[_Node]]:
    """Per block, its readings in ``merge_events``' order: (first day, article-id order)."""
    by_reading: dict[tuple, list] = defaultdict(list)
    for block, reading, article, order, key, first, last in zip(
            df["block"].tolist(), df["reading"].tolist(), df["article_id"].tolist(),
            df["order"].tolist(), df["key"].tolist(), df["first_date"].tolist(),
            df["last_date"].tolist(), strict=True):
        by_reading[(block, reading)].append(((article, int(order)), key, first, last))
    blocks: dict[str, list[_Node]] = defaultdict(list)
    for (block, reading), members in by_reading.items():
        members.sort()
        canon, key, first, last = members[0]
        blocks[block].append(_Node(key, reading, _day(first), _day(last), canon,
                                   tuple(m[1] for m in members)))
    for nodes in blocks.values():
        nodes.sort(key=lambda n: n.sort)
    return blocks


def _window_end(nodes: list[_Node], q: int) -> int:
    """The last position ``merge_events`` compares the reading at ``q`` with."""
    from .merge import _TOLERANCE, CANDIDATES

    a, end = nodes[q], q
    for r in range(q + 1, min(len(nodes), q + 1 + CANDIDATES)):
        b = nodes[r]
        if a.last and b.first and b.first > a.last + _TOLERANCE:
            break
        end = r
    return end


def _touched(nodes: list[_Node], changed: list[int]) -> set[str]:
    """Keys of the readings whose candidates include a changed position."""
    from .merge import CANDIDATES

    out: set[str] = set()
    if not changed:
        return out
    changed = sorted(changed)
    origins = sorted({q for p in changed for q in range(max(0, p - CANDIDATES), p)})
    for q in origins:
        end = _window_end(nodes, q)
        i = bisect.bisect_right(changed, q)
        if i < len(changed) and changed[i] <= end:
            out.add(nodes[q].key)
    return out


def _scan(nodes: list[_Node], q: int, events: _Events) -> list[tuple[str, int]]:
    """(partner key, score) of the reading at ``q``: ``merge_events``' comparisons."""
    from .merge import MERGE_SCORE, score

    end = _window_end(nodes, q)
    got = events.get([n.key for n in nodes[q:end + 1]])
    a = got[nodes[q].key]
    out = []
    for n in nodes[q + 1:end + 1]:
        s = score(a, got[n.key])
        if s is not None and s >= MERGE_SCORE:
            out.append((n.key, s))
    return out


def _groups(nodes: list[_Node], pairs: dict[str, list], events: _Events,
            canon_of: dict[str, tuple]) -> list[list]:
    """``merge_events``' groups of the readings ``nodes`` (whole components of the pair
    graph), joined from their ``pairs`` as ``merge_events`` joins them (best pairs first,
    then input order; groups join when ``_joinable``): each group's events in article-id
    order."""
    from .merge import _signature, join_pairs

    keys = sorted((m for n in nodes for m in n.members), key=canon_of.__getitem__)
    got = events.get(keys)
    evs = [got[k] for k in keys]
    index = {k: i for i, k in enumerate(keys)}
    node_of = {m: n.key for n in nodes for m in n.members}
    reps = {index[n.key]: {_signature(evs[index[n.key]]): index[n.key]} for n in nodes}
    find = join_pairs(evs, ((-s, index[n.key], index[b]) for n in nodes
                            for b, s in pairs.get(n.key, ())), reps)
    groups: dict[int, list] = {}
    for k, ev in zip(keys, evs, strict=True):
        groups.setdefault(find(index[node_of[k]]), []).append(ev)
    return list(groups.values())


def _components(start: set[str], pairs: dict[str, list]) -> list[set[str]]:
    """Connected components (readings linked by pairs) that contain ``start``."""
    adj: dict[str, set[str]] = defaultdict(set)
    for a, partners in pairs.items():
        for b, _ in partners:
            adj[a].add(b)
            adj[b].add(a)
    seen: set[str] = set()
    out = []
    for s in start:
        if s in seen:
            continue
        comp, stack = set(), [s]
        while stack:
            x = stack.pop()
            if x in comp:
                continue
            comp.add(x)
            stack.extend(adj[x] - comp)
        seen |= comp
        out.append(comp)
    return out


def _a3(event_id_cnty: str) -> str:
    return re.sub(r"\d+$", "", event_id_cnty)


def _frame_rows(merged: list, key_of: dict[tuple, str], canon_of: dict[str, tuple]):
    """``events_frame`` rows of merged events with the hidden columns, and each merged
    event's member keys."""
    from .event_table import events_frame

    frame = events_frame(merged)
    members, groups, firsts = [], [], []
    for ev in merged:
        keys = sorted((key_of[(s["article"], s["event_id"])] for s in ev.sources),
                      key=lambda k: canon_of[k])
        members.append(keys)
        groups.append(keys[0])
        firsts.append(canon_of[keys[0]])
    frame["_group"] = groups
    frame["_first_article"] = [f[0] for f in firsts]
    frame["_first_order"] = [int(f[1]) for f in firsts]
    frame["_sort"] = [(e.first_date or e.published or _NEVER).isoformat() for e in merged]
    frame["_event_id"] = [e.event_id for e in merged]
    frame["_a3"] = [_a3(x) for x in frame["event_id_cnty"]]
    return frame, members


def _number(frame):
    """Sort as ``merge_events`` does and number ``event_id_cnty`` per country again."""
    import geopandas as gpd

    if not len(frame):
        return frame
    frame = frame.sort_values(["_sort", "_event_id", "_first_article", "_first_order"],
                              kind="stable").reset_index(drop=True)
    n = frame.groupby("_a3", sort=False).cumcount() + 1
    frame["event_id_cnty"] = frame["_a3"] + n.astype(str)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def update_merged(store: Store, snap: Snapshot, old: dict | None, dictionary=None):
    """(events, control, tables, stats) after the batches of ``snap``: the merged events
    frames (``events_frame`` columns plus the hidden ``HIDDEN`` ones), the ``index`` and
    ``pairs`` tables to keep beside them, and counts of the work done (``events``: stored
    events, ``remerged``: events grouped again, ``rescanned``: readings compared again,
    ``kept_groups``: merged events taken over unchanged), reusing ``old`` (the manifest's
    previous ``merged`` entry) where nothing changed."""
    import geopandas as gpd

    from .event_table import ACLED_COLUMNS, OUR_COLUMNS
    from .merge import _merged

    if dictionary is None:
        from .actors import load_actors

        dictionary = load_actors()
    if old and (old.get("fingerprint") != fingerprint() or not old.get("pairs")):
        old = None
    cur = _current(store, snap)
    old_index = pq.read_table(store.root / old["index"]).to_pandas(date_as_object=True) \
        if old else INDEX_SCHEMA.empty_table().to_pandas()
    old_pairs_all = pq.read_table(store.root / old["pairs"]).to_pylist() if old else []
    # block and reading of every event: kept from the index, computed for new events
    known = dict(zip(old_index["key"], zip(old_index["block"], old_index["reading"],
                                           strict=True), strict=True))
    events = _Events(store.root, dict(zip(cur["key"], cur["file"], strict=True)), dictionary)
    for k, ev in events.get([k for k in cur["key"] if k not in known]).items():
        known[k] = _reading(ev)
    cur["block"] = [known[k][0] for k in cur["key"]]
    cur["reading"] = [known[k][1] for k in cur["key"]]
    canon_of = {k: (a, int(o)) for k, a, o in zip(cur["key"], cur["article_id"],
                                                    cur["order"], strict=True)}
    out, index_parts, pair_rows = [], [], []
    stats = {"events": 0, "remerged": 0, "rescanned": 0, "kept_groups": 0}
    columns = [*ACLED_COLUMNS, *OUR_COLUMNS, *HIDDEN, "geometry"]
    for name, flag in VARIANTS:
        now = cur[cur[flag].astype(bool)]
        was = old_index[old_index["variant"] == name]
        old_group = dict(zip(was["key"], was["group"], strict=True))
        old_pairs: dict[str, list] = defaultdict(list)
        for r in old_pairs_all:
            if r["variant"] == name:
                old_pairs[r["a"]].append((r["b"], r["score"]))
        new_blocks, old_blocks = _nodes(now), _nodes(was)
        pairs: dict[str, list] = {}
        affected: set[str] = set()
        for block, new in new_blocks.items():
            old_nodes = old_blocks.get(block, [])
            was_members = {n.key: n.members for n in old_nodes}
            now_members = {n.key: n.members for n in new}
            ch_new = [q for q, n in enumerate(new) if was_members.get(n.key) != n.members]
            ch_old = [q for q, n in enumerate(old_nodes) if now_members.get(n.key) != n.members]
            rescan = {new[q].key for q in ch_new} | _touched(new, ch_new) | \
                (_touched(old_nodes, ch_old) & now_members.keys())
            stats["rescanned"] += len(rescan)
            for q, n in enumerate(new):
                before = old_pairs.get(n.key, [])
                pairs[n.key] = _scan(new, q, events) if n.key in rescan else before
                if pairs[n.key] != before:
                    affected |= {n.key, *(b for b, _ in pairs[n.key]),
                                 *(b for b, _ in before if b in now_members)}
            affected |= {new[q].key for q in ch_new}
            gone = {old_group[m] for q in ch_old for m in old_nodes[q].members}
            for q in ch_old:
                affected |= {b for b, _ in old_pairs.get(old_nodes[q].key, ())
                             if b in now_members}
            affected |= {n.key for n in new if old_group.get(n.key) in gone}
        nodes_by_key = {n.key: n for nodes in new_blocks.values() for n in nodes}
        comps = _components(affected, pairs)
        redo = {k for comp in comps for k in comp}
        merged = [_merged(g) for comp in comps
                  for g in _groups([nodes_by_key[k] for k in comp], pairs, events, canon_of)]
        touched_groups = {old_group.get(m) for k in redo for m in nodes_by_key[k].members}
        kept = {old_group[m] for k, n in nodes_by_key.items() if k not in redo
                for m in n.members} - touched_groups
        stats["events"] += len(now)
        stats["remerged"] += sum(len(nodes_by_key[k].members) for k in redo)
        stats["kept_groups"] += len(kept)
        key_of = {(a, e): k for k, a, e in zip(now["key"], now["article_id"],
                                               now["event_id"], strict=True)}
        rows, members = _frame_rows(merged, key_of, canon_of)
        parts = [rows[columns]] if len(rows) else []
        if old and kept:
            old_rows = gpd.read_parquet(store.root / old[name])
            parts.insert(0, old_rows[old_rows["_group"].isin(kept)][columns])
        frame = pd.concat(parts, ignore_index=True) if parts else rows[columns]
        out.append(_number(gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")))
        group_of = {k: g for k, g in old_group.items() if g in kept}
        group_of |= {m: keys[0] for keys in members for m in keys}
        index_parts.append(pd.DataFrame({
            "variant": name, "key": now["key"], "block": now["block"],
            "reading": now["reading"], "group": [group_of[k] for k in now["key"]],
            "article_id": now["article_id"], "order": now["order"].astype("int64"),
            "first_date": now["first_date"], "last_date": now["last_date"]}))
        pair_rows += [{"variant": name, "a": a, "b": b, "score": sc}
                      for a, partners in pairs.items() for b, sc in partners]
    index = pa.Table.from_pandas(pd.concat(index_parts, ignore_index=True),
                                 preserve_index=False).cast(INDEX_SCHEMA)
    tables = {"index": index, "pairs": pa.Table.from_pylist(pair_rows, schema=PAIRS_SCHEMA)}
    return out[0], out[1], tables, stats
