"""Where an ingest's batches run: ``local`` (this process, one batch after the other) or
``dask`` (a ``dask.distributed`` cluster, ``geo.store.dask``). An engine maps batches to
their results (``geo.store.batch.process_batch``), in any order, a few in flight."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from geo.errors import InputError
from geo.store.batch import process_batch

ENGINES = ("local", "dask")


class LocalEngine:
    """Batches processed one after the other in this process."""

    name = "local"

    def map(self, batches: Iterable[list[dict]]) -> Iterator[dict]:
        for batch in batches:
            yield process_batch(batch)

    def close(self) -> None:
        pass


def make_engine(engine: str, scheduler: str | None = None, workers: int = 2):
    if engine == "local":
        return LocalEngine()
    if engine == "dask":
        # distributed is heavy to import (about a second) and only this engine needs it
        from geo.store.dask import DaskEngine

        return DaskEngine(scheduler, workers)
    raise InputError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
