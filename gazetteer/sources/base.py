"""The base class every data source implements (geopy-style: thin base, one module per source).

A bulk source yields :class:`Record` objects that the index stores; ``fingerprint`` changes
whenever the source's inputs change, so the index knows when to rebuild.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..types import Place


@dataclass(frozen=True, slots=True)
class Record:
    """A place and every name it is known by (its own name first). ``withheld``: name keys
    the index must not give this place, even as derived forms (a division's bare name that
    belongs to its town)."""

    place: Place
    names: tuple[str, ...]
    withheld: frozenset[str] = frozenset()


class Source(ABC):
    """A gazetteer data source."""

    #: short name used in ``Place.source`` and place ids
    name: str = "source"

    @abstractmethod
    def fingerprint(self) -> str:
        """A string that changes whenever this source's inputs change."""

    @abstractmethod
    def records(self) -> Iterator[Record]:
        """Every place this source holds, with its names."""


def file_fingerprint(paths: Iterable[Path], sample: int = 65536) -> str:
    """Fingerprint of (possibly large) files by name, size and the bytes of their first and
    last 64 KiB — cheap, and the same for two identical installations: no timestamps, and
    no paths (each file is summarised on its own and the summaries combined in sorted
    order, so a checkout and a virtualenv in other places give the same fingerprint and do
    not rebuild an index another one already built)."""
    parts = []
    for p in map(Path, paths):
        h = hashlib.sha256()
        if p.is_dir():
            h.update(f"{p.name}/:{sorted(c.name for c in p.iterdir())}".encode())
        else:
            size = p.stat().st_size
            h.update(f"{p.name}:{size}".encode())
            with p.open("rb") as fh:
                h.update(fh.read(sample))
                if size > sample:
                    fh.seek(max(sample, size - sample))
                    h.update(fh.read(sample))
        parts.append(h.hexdigest())
    return _combined(parts)


def content_fingerprint(paths: Iterable[Path]) -> str:
    """Fingerprint of small files by name and content, whatever their paths (see
    :func:`file_fingerprint`)."""
    return _combined(hashlib.sha256(p.name.encode() + p.read_bytes()).hexdigest()
                     for p in map(Path, paths))


def _combined(digests: Iterable[str]) -> str:
    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()[:16]


def raw_json(record: dict) -> str:
    """The raw source record as compact JSON text (kept on every Place)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
