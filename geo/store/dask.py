"""The ``dask`` ingest engine: batches run on a ``dask.distributed`` cluster.

``DaskEngine(address)`` connects to a running scheduler (``dask scheduler`` /
``dask worker ADDRESS`` on other machines, each with this package and its gazetteer index
installed); ``DaskEngine(None, workers=N)`` starts a ``LocalCluster`` of N single-threaded
worker processes on this machine. The same code runs either way.

Every worker gets :class:`GazetteerPlugin`, which loads the gazetteer index, the actor
dictionary and the event vocabulary once when the worker starts (``geo.store.batch.resources``);
the tasks then find them loaded. Article texts go to the workers with their batch and the
results (Arrow tables) come back to the client, which alone writes the store: workers need
no shared file system. At most two batches per worker thread are in flight, so the client's
memory stays bounded however large the corpus. A killed ingest (even SIGKILL) leaves no
worker of its own ``LocalCluster`` behind: each worker process exits when the pipe its parent
holds open closes (``distributed``'s ``AsyncProcess``; ``tests/test_ingest.py`` kills one).
Connecting gives up after Dask's
``distributed.comm.timeouts.connect`` (30 s; ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator

from distributed import Client, LocalCluster, WorkerPlugin, as_completed

from geo.errors import ServiceError
from geo.store.batch import process_batch, resources

PLUGIN_NAME = "conflictmap-gazetteer"


class GazetteerPlugin(WorkerPlugin):
    """Loads ``geo.store.batch.resources()`` (gazetteer index with its automaton, actors,
    vocabulary) once per worker process, at worker start, off the worker's event loop."""

    idempotent = True
    name = PLUGIN_NAME

    async def setup(self, worker) -> None:
        await asyncio.to_thread(resources)


class DaskEngine:
    """Batches as Dask tasks (see the module docstring); connects on first use."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2):
        self.scheduler, self.workers = scheduler, workers
        self.client: Client | None = None
        self.cluster: LocalCluster | None = None

    def start(self) -> Client:
        if self.client is not None:
            return self.client
        try:
            if self.scheduler:
                self.client = Client(self.scheduler)     # distributed.comm.timeouts.connect
            else:
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None)
                self.client = Client(self.cluster)
            self.client.register_plugin(GazetteerPlugin(), name=PLUGIN_NAME)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = self.scheduler or "a local cluster"
            raise ServiceError(f"cannot use the Dask scheduler at {where}: {exc}") from exc
        return self.client

    def slots(self) -> int:
        info = self.start().scheduler_info(n_workers=-1)
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map(self, batches: Iterable[list[dict]]) -> Iterator[dict]:
        batches = iter(batches)
        first = next(batches, None)
        if first is None:
            return
        client = self.start()
        window = 2 * self.slots()
        pending = as_completed()
        pending.add(client.submit(process_batch, first, pure=False))
        for batch in _take(batches, window - 1):
            pending.add(client.submit(process_batch, batch, pure=False))
        for future in pending:
            try:
                result = future.result()
            except Exception as exc:
                raise ServiceError(f"a Dask task failed ({type(exc).__name__}: {exc}); the "
                                   "batches committed so far are kept") from exc
            future.release()
            yield result
            nxt = next(batches, None)
            if nxt is not None:
                pending.add(client.submit(process_batch, nxt, pure=False))

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _take(it: Iterator, n: int) -> Iterator:
    for _ in range(n):
        item = next(it, None)
        if item is None:
            return
        yield item
