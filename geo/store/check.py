"""Checking a store's files against its manifest, and repairing what can be rebuilt
(``conflictmap store check DIR [--repair] [PATH ...]``).

**Check.** Every file the manifest lists (the batches' article, extracted-event and mention
parts, and the merged files) must exist, have the size the manifest records, the checksum it
records (``checksums``: blake2b of the file as written; stores written before checksums were
kept are checked for size and readability only, and get them at their next commit) and a
readable Parquet footer. ``quick`` checks existence and size only (what every ingest does
before it writes).

**Repair** (``geo.store.repair``; under the writer lock, committed through the manifest like
an ingest):

* a damaged merged file: the merged events are rebuilt from the stored extracted events;
* a damaged extracted-event or mention part whose articles' part is intact: the damaged
  part is dropped and those articles are extracted again from the text the store keeps;
* a damaged articles part: the texts are lost, so the partition's parts of that batch are
  dropped and its articles named (``lost``); given their files (``paths``), they are
  ingested again.

The merged events are then rebuilt. A store repaired with the files of its lost articles
equals a clean ingest of the same files.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from geo.errors import DamagedStore
from geo.store.tables import TABLES, Store, file_checksum, listed_files, read_table


@dataclass(frozen=True)
class Damage:
    """One listed file that is not as the manifest says: ``rel`` (path in the store),
    ``problem`` (plain text), ``table`` ("articles", "extracted", "mentions" or "merged"),
    ``seq`` (the batch of a table part; 0 for merged files) and ``part`` (its partition
    folder, e.g. ``date=2017-06-01``)."""

    rel: str
    problem: str
    table: str
    seq: int
    part: str


@dataclass
class CheckReport:
    """What ``check_store`` found and ``repair_store`` did. ``files``/``bytes``: the listed
    files and their recorded bytes; ``unverified``: files with no recorded checksum;
    ``damaged``: :class:`Damage` rows; ``actions``: what the repair did (plain text);
    ``lost``: article ids whose text was lost and not restored."""

    root: str
    files: int = 0
    bytes: int = 0
    unverified: int = 0
    damaged: list[Damage] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damaged


def _owners(manifest: dict) -> dict[str, tuple[str, int]]:
    """rel -> (table, batch seq) of every listed file ("merged", 0 for merged files)."""
    out = {rel: ("merged", 0) for rel in listed_files({"merged": manifest.get("merged")})}
    for b in manifest["batches"]:
        for table, rels in b["files"].items():
            out.update({rel: (table, b["seq"]) for rel in rels})
    return out


def _problem(path: Path, recorded, quick: bool) -> str:
    """What is wrong with one listed file, or ''."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if recorded and size != recorded[0]:
        return f"has {size:,} bytes, the manifest recorded {recorded[0]:,}"
    if quick:
        return ""
    try:
        if recorded and file_checksum(path) != list(recorded):
            return "does not match its checksum (its content changed)"
        pq.read_metadata(path)
    except DamagedStore:
        return "cannot be read"
    except (OSError, pa.ArrowException) as exc:
        return f"is unreadable ({str(exc).splitlines()[0][:120]})"
    return ""


def check_store(store: str | Path | Store, *, quick: bool = False) -> CheckReport:
    """Check every file ``store``'s manifest lists (see the module docstring). A damaged
    manifest raises StoreError."""
    st = store if isinstance(store, Store) else Store(store)
    m = st.snapshot().manifest
    sums = m.get("checksums") or {}
    report = CheckReport(str(st.root))
    for rel, (table, seq) in _owners(m).items():
        recorded = sums.get(rel)
        report.files += 1
        report.bytes += recorded[0] if recorded else 0
        report.unverified += recorded is None
        if problem := _problem(st.root / rel, recorded, quick):
            part = Path(rel).parent.name if table in TABLES else ""
            report.damaged.append(Damage(rel, problem, table, seq, part))
    return report


def damage_error(report: CheckReport) -> DamagedStore:
    """The error for a damaged store: the first damaged file and the repair command."""
    first = report.damaged[0]
    more = f" (and {len(report.damaged) - 1} more)" if len(report.damaged) > 1 else ""
    return DamagedStore(f"{report.root}: damaged store: {first.rel} {first.problem}{more}; "
                        f"run 'conflictmap store check {report.root} --repair' (add the "
                        "article files to restore lost articles)", first.rel)


#: the article id column of each table
_ID = {"articles": "article_id", "extracted": "article_id", "mentions": "article"}


def drop_damaged(st: Store, report: CheckReport) -> tuple[set[str], dict[str, str]]:
    """Commit a manifest without the damaged parts (see the module docstring) and without
    the merged entry when anything changed. Returns (sha1s to extract again from their
    stored text, {sha1: article id} of articles whose text is lost). Call under the lock."""
    snap = st.snapshot()
    m = snap.manifest
    bad = {d.rel for d in report.damaged}
    groups = {(d.seq, d.part) for d in report.damaged if d.table in TABLES}
    redo: set[str] = set()
    lost: dict[str, str] = {}
    drop: set[str] = set()
    for b in m["batches"]:
        for seq, part in sorted(g for g in groups if g[0] == b["seq"]):
            rels = {t: [r for r in b["files"].get(t, []) if Path(r).parent.name == part]
                    for t in TABLES}
            if rels["articles"] and not set(rels["articles"]) & bad:
                rows = [read_table(st.root / r, columns=["sha1", "seq"]) for r in
                        rels["articles"]]
                redo |= {h for t in rows for h, q in zip(t.column("sha1").to_pylist(),
                                                         t.column("seq").to_pylist(),
                                                         strict=True) if q == seq}
                drop |= {r for t in ("extracted", "mentions") for r in rels[t] if r in bad}
                continue
            for t in ("extracted", "mentions", "articles"):     # who the lost articles were
                for r in rels[t]:
                    if r in bad:
                        continue
                    with contextlib.suppress(DamagedStore):
                        table = read_table(st.root / r, columns=["sha1", "seq", _ID[t]])
                        for h, q, a in zip(*(table.column(c).to_pylist()
                                             for c in ("sha1", "seq", _ID[t])), strict=True):
                            if q == seq:
                                lost.setdefault(h, a)
            drop |= {r for t in TABLES for r in rels[t]}
    merged_bad = any(d.table == "merged" for d in report.damaged)
    if not drop and not merged_bad:
        return redo, lost
    batches = [dict(b, files={t: [r for r in rels if r not in drop]
                              for t, rels in b["files"].items()
                              if [r for r in rels if r not in drop]})
               for b in m["batches"]]
    st._write_manifest({**m, "batches": batches, "merged": None})
    return redo, lost



__all__ = ["CheckReport", "Damage", "check_store", "damage_error", "drop_damaged"]
