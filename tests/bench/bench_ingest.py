"""Benchmark: ``conflictmap ingest`` over a composed corpus, local engine vs Dask.

    python tests/bench/bench_ingest.py [--articles 20000] [--engines local,dask]
                                       [--workers 2] [--batch-size 100] [--json FILE]

The corpus is composed in a temporary folder (deleted afterwards; never in the repository)
from the LGL texts (``../shared/eval/lgl.xml``, ``tests/bench/lgl.py``) and the five seeds:
one article in eight is a seed, the others an LGL text; each gets its body sentences (LGL)
or paragraphs (seeds) shuffled, two sentences of another LGL text spliced in, a title,
an outlet and a publication day (chronological over ``--days`` days, one folder per day);
one in twenty (``--undated-every``) has no Date: line (dated from its text, or by the
store's other articles). Then a next day's news (1 % more articles, all dated, the day after
the corpus) and a day of LGL texts only are ingested into the local store, which shows the
incremental merge (``remerged``: stored events grouped again).

Each engine ingests the whole corpus into a fresh store through the CLI in a subprocess
(``python -m geo.cli ingest CORPUS --store DIR [--engine dask --workers N]``: the Dask run
starts a ``LocalCluster`` of N single-threaded worker processes, each loading the gazetteer
once). Measured: wall time, CPU seconds of the process tree (``RUSAGE_CHILDREN``), peak
resident memory of the tree (sum over its processes, sampled every 0.2 s, and the largest
single process), store size on disk, the time spent writing and merging (from the ingest's
JSON report), then a re-ingest of the same corpus into the same store (nothing new). The
load average is recorded around each run: the machine may be shared.

Per-core throughput is articles (MB) per CPU second: what one fully used core does. The
projection for a desk of ``--desk`` articles a day takes that rate, a peak factor (news
comes in bursts) and the merge at the end of each ingest run, which reads the day partitions
the run's new events reach (its cost follows the run's articles, not the store).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora as lgl  # noqa: E402

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Z0-9])")
OUTLETS = ["Desk Wire", "Border Monitor", "Regional Daily", "Evening Post", "Morning Herald"]


# -- corpus ------------------------------------------------------------------------------------

def compose(n: int, folder: Path, days: int = 60, start: date = date(2017, 5, 1),
            seed: int = 7, first: int = 0, undated_every: int = 20, seed_every: int = 8
            ) -> dict:
    """Write ``n`` articles under ``folder`` (one subfolder per publication day), numbered
    from ``first``; returns counts and bytes."""
    texts = [a.text for a in lgl.load()]
    seeds = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    rng = random.Random(seed)
    total, undated, from_seeds = 0, 0, 0
    for i in range(first, first + n):
        day = start + timedelta(days=(i - first) * days // n)
        if seed_every and i % seed_every == 0:
            lines = [ln for ln in seeds[(i // seed_every) % len(seeds)].splitlines()
                     if ln.strip()]
            head, body = lines[0], lines[1:]
            rng.shuffle(body)
            from_seeds += 1
        else:
            sents = SENTENCE.split(texts[rng.randrange(len(texts))].strip())
            head, body = sents[0].rstrip(" ."), sents[1:]
            other = SENTENCE.split(texts[rng.randrange(len(texts))].strip())[1:]
            body += rng.sample(other, min(2, len(other)))
            rng.shuffle(body)
            body = [" ".join(body[k:k + 3]) for k in range(0, len(body), 3)]
        header = f"Title: {head}\nSource: {OUTLETS[i % len(OUTLETS)]}\n"
        if undated_every and i % undated_every == 7 % undated_every:
            undated += 1
        else:
            header += f"Date: {day.isoformat()}\n"
        text = header + "\n" + head + "\n\n" + "\n\n".join(body) + f"\n\n(Report {i})\n"
        sub = folder / day.isoformat()
        sub.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (sub / f"{i:06d}.txt").write_bytes(data)
        total += len(data)
    return {"articles": n, "bytes": total, "undated": undated, "from_seeds": from_seeds,
            "days": days}


# -- measuring a run ---------------------------------------------------------------------------

class TreeMemory(threading.Thread):
    """Peak resident memory of a process and its descendants, sampled."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_total = self.peak_single = 0
        self.max_procs = 0
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            rss = []
            for p in procs:
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss.append(p.memory_info().rss)
            if rss:
                self.peak_total = max(self.peak_total, sum(rss))
                self.peak_single = max(self.peak_single, max(rss))
                self.max_procs = max(self.max_procs, len(rss))
            self.done.wait(self.every)


def run_ingest(corpus: Path, store: Path, engine: str, workers: int, batch_size: int) -> dict:
    cmd = [sys.executable, "-m", "geo.cli", "ingest", str(corpus), "--store", str(store),
           "--batch-size", str(batch_size), "--json", "--quiet"]
    if engine == "dask":
        cmd += ["--engine", "dask", "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    mem = TreeMemory(proc.pid)
    mem.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    mem.done.set()
    mem.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"ingest failed ({proc.returncode}): {err[-2000:]}")
    report = json.loads(out)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"engine": engine, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_rss_tree_mb": round(mem.peak_total / 2**20), "peak_rss_process_mb":
            round(mem.peak_single / 2**20), "processes": mem.max_procs,
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "new": report["new"], "already": report["already"], "skipped":
            len(report["errors"]), "redated": report["redated"], "batches": report["batches"],
            "events": report["events"], "commit_s": round(report["commit_seconds"], 2),
            "merge_s": round(report["merge_seconds"], 2), "remerged": report["remerged"],
            "exit": proc.returncode}


def events_digest(store: Path) -> str:
    """sha1 of the store's merged events as CSV: equal digests, equal events."""
    import hashlib

    from geo.store import load_events

    frame = load_events(store).drop(columns="geometry")
    return hashlib.sha1(frame.to_csv(index=False).encode()).hexdigest()[:16]


def store_bytes(store: Path) -> int:
    """Bytes of the store's committed files and manifest."""
    from geo.store import Store

    return Store(store).size_bytes()


def rates(run: dict, n: int, mb: float, workers: int) -> dict:
    cores = 1 if run["engine"] == "local" else workers
    return {"articles_per_s": round(n / run["wall_s"], 1), "mb_per_s": round(mb / run["wall_s"], 3),
            "articles_per_cpu_s": round(n / run["cpu_s"], 1),
            "mb_per_cpu_s": round(mb / run["cpu_s"], 3),
            "articles_per_s_per_worker": round(n / run["wall_s"] / cores, 1)}


def projection(local: dict, n: int, desk: int, peak: float, runs_per_day: int) -> dict:
    """Cores for ``desk`` articles a day, from the local run: extraction at its articles
    per CPU second (the merge's CPU left out) on worker cores, with bursts ``peak`` times
    the mean rate; the client (reading, writing, merging) on one more core. Each of
    ``runs_per_day`` ingest runs brings the merged events up to date; the merge reads and
    rewrites the day partitions its new events reach, not the store
    (``bench_merge_memory.py``), so its cost is the measured next-day merge scaled by the
    articles of one run (``desk / runs_per_day``) over those of the next day."""
    extraction_cpu = local["cpu_s"] - local["merge_s"]
    per_cpu_s = n / extraction_cpu
    mean = desk / 86400
    workers = math.ceil(mean * peak / per_cpu_s)
    nd = local["next_day"]
    per_run = desk / runs_per_day
    merge_run = nd["merge_s"] * per_run / nd["articles"]
    share = merge_run * runs_per_day / 86400
    return {"desk_articles_per_day": desk, "mean_articles_per_s": round(mean, 2),
            "peak_factor": peak, "extraction_articles_per_cpu_s": round(per_cpu_s, 1),
            "extraction_cores": workers, "extraction_cpu_s_per_day": round(desk / per_cpu_s),
            "articles_per_run": round(per_run), "merge_s_per_run": round(merge_run, 1),
            "runs_per_day": runs_per_day, "merge_cores": round(share, 2),
            "cores": workers + max(1, math.ceil(share))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--engines", default="local,dask")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--undated-every", type=int, default=20,
                    help="one article in N has no Date: line (0: none)")
    ap.add_argument("--desk", type=int, default=100_000, help="articles a day to project for")
    ap.add_argument("--peak", type=float, default=3.0, help="burst factor over the mean rate")
    ap.add_argument("--runs-per-day", type=int, default=24, help="ingest runs a day (merges)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--keep", metavar="DIR", help="compose and keep the corpus and stores here")
    args = ap.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        corpus = work / "corpus"
        if corpus.exists():
            shutil.rmtree(corpus)
        info = compose(args.articles, corpus, args.days, undated_every=args.undated_every)
        info["compose_s"] = round(time.perf_counter() - t0, 1)
        n, mb = info["articles"], info["bytes"] / 1e6
        print(f"corpus: {n} articles, {mb:.1f} MB ({info['from_seeds']} from seeds, "
              f"{info['undated']} undated) in {info['compose_s']} s", file=sys.stderr)
        results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                               "platform": platform.platform(), "date": date.today().isoformat(),
                               "note": "shared machine; see loadavg per run"},
                   "corpus": info, "workers": args.workers, "batch_size": args.batch_size,
                   "runs": []}
        for engine in args.engines.split(","):
            store = work / f"store-{engine}"
            if store.exists():
                shutil.rmtree(store)
            print(f"{engine}: ingesting …", file=sys.stderr)
            run = run_ingest(corpus, store, engine, args.workers, args.batch_size)
            run |= rates(run, n, mb, args.workers)
            run["store_mb"] = round(store_bytes(store) / 1e6, 1)
            run["events_digest"] = events_digest(store)
            print(f"{engine}: {json.dumps(run)}", file=sys.stderr)
            again = run_ingest(corpus, store, engine, args.workers, args.batch_size)
            run["reingest"] = {k: again[k] for k in ("wall_s", "cpu_s", "new", "already",
                                                     "peak_rss_tree_mb")}
            print(f"{engine} re-ingest: {json.dumps(run['reingest'])}", file=sys.stderr)
            if engine == "local":
                # the next day's news: 1 % more articles, dated after the corpus; then a
                # day of LGL texts only (no seed copies, whose sentences recur all along)
                for step, day, seeds in (("next_day", args.days, 8),
                                         ("next_day_lgl_only", args.days + 1, 0)):
                    extra = work / step
                    if extra.exists():
                        shutil.rmtree(extra)
                    more = compose(max(20, n // 100), extra, 1,
                                   date(2017, 5, 1) + timedelta(days=day), seed=day,
                                   first=n + day * n, undated_every=0, seed_every=seeds)
                    add = run_ingest(extra, store, engine, args.workers, args.batch_size)
                    run[step] = {k: add[k] for k in ("wall_s", "cpu_s", "new", "merge_s",
                                                     "remerged", "events",
                                                     "peak_rss_tree_mb")}
                    run[step]["articles"] = more["articles"]
                    print(f"{engine} {step}: {json.dumps(run[step])}", file=sys.stderr)
            results["runs"].append(run)
        local = next((r for r in results["runs"] if r["engine"] == "local"), results["runs"][0])
        if "next_day" in local:
            results["projection"] = projection(local, n, args.desk, args.peak,
                                               args.runs_per_day)
        if len(results["runs"]) > 1:
            a, b = results["runs"][:2]
            results["same_events"] = a["events_digest"] == b["events_digest"]
            results["speedup_wall"] = round(a["wall_s"] / b["wall_s"], 2)
        text = json.dumps(results, indent=1)
        print(text)
        if args.json:
            Path(args.json).write_text(text + "\n", "utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
