"""Benchmark: memory of the store's incremental merge (``geo.store.merged``) as the store grows.

    python tests/bench/bench_merge_memory.py [--per-day 100] [--days 30,60,120]
                                             [--news 100] [--json /tmp/bench_merge_memory.json]

For each number of days a store is filled with synthetic articles (``--per-day`` a day, one
to three events each: battles, air strikes and statements over 300 towns, four actors and
four sentences, windows of one to six days, one event in a hundred undated
(``UNDATED_SHARE``); no gazetteer needed), written in batches of 100 and merged once. Then
the next day's news (``--news`` articles, dated the day after the store's last) is committed
and merged in a fresh process — what ``conflictmap ingest`` does after its batches — and
that process's peak resident memory (``VmHWM``), its peak before the merge,
and the merge's wall time are measured, with the update's ``stats`` (partitions read and
written, events merged again). The stores have the same density, so the news and its
neighbourhood are the same size: the peak should not grow with the store. The result is
checked against ``merge_events`` over the whole store.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

START = date(2017, 1, 1)
#: events with no date: ``merge_events`` sorts them after every dated one of their block and
#: compares them with each other and with the block's last dated readings, so each day's news
#: reads the undated partition, which grows with the store's undated events
UNDATED_SHARE = 0.01
SENTENCES = ["{a} fighters attacked positions near {p} on Monday, killing three.",
             "Clashes broke out between {a} and rivals around {p}, residents said.",
             "An air strike hit a convoy outside {p}, the monitor reported.",
             "{a} said it was ready to move on {p} within days."]
KINDS = [("Battles", "Armed clash", "asserted", "attack", "contested"),
         ("Explosions/Remote violence", "Air/drone strike", "asserted", "air_strike", None),
         ("Strategic developments", "Other", "statement", "statement", None)]


def _places(n: int = 300):
    """``n`` towns over northern Iraq and eastern Syria (about 15-60 km apart)."""
    from gazetteer.types import Place

    rng = random.Random(1)
    out = []
    for i in range(n):
        lat, lon = 33.5 + rng.random() * 3.5, 38.5 + rng.random() * 5.5
        cc = "SY" if lon < 41.0 else "IQ"
        out.append(Place(f"bench:{i}", f"Town {i}", round(lat, 4), round(lon, 4), cc, "P",
                         "PPL", 10000, "01", "bench"))
    return out


PLACES: list = []


def _event(d, rng, art: str, n: int, day: date):
    from gazetteer.precision import Precision
    from geo.events.model import Event

    etype, sub, modality, rule, control = rng.choice(KINDS)
    if not PLACES:
        PLACES.extend(_places())
    place = rng.choice(PLACES)
    a1 = d.actor(rng.choice(["pmf", "islamic_state", "us_coalition",
                             "syrian_government_forces"]))
    first = None if rng.random() < UNDATED_SHARE else day - timedelta(days=rng.randrange(2))
    last = first if first is None or rng.random() < 0.6 else \
        first + timedelta(days=rng.choice([1, 3, 6]))
    return Event(
        event_id=f"{art}-{n}", article_id=art, article_title="Report", article_source="Desk",
        article_url="https://example.org/a", published=day,
        sentence=rng.choice(SENTENCES).format(a=a1.name, p=place.name) + f" ({rng.randrange(40)})",
        sentence_start=10 * n, trigger="attacked", rule=rule, event_type=etype,
        sub_event_type=sub, control=control, modality=modality, actor1=a1,
        actor2=d.actor(rng.choice(["islamic_state", "pmf"])), assoc_actor_1=(),
        claimed_by=None, place=place, location_text=place.name, lat=place.lat,
        lon=place.lon, approximate=False, uncertainty_km=None, precision=Precision(1, 1),
        first_date=first, last_date=last,
        date_precision="day" if first == last else "week", date_source="text",
        fatalities=rng.choice([None, 2, 3]), family=rule,
        claimant=a1 if modality == "statement" else None, claimant_person=None,
        actor1_text=a1.name, sentence_index=n)


def _batch(d, rng, first: int, n: int, day_of) -> dict:
    """Tables of articles ``first``..``first + n - 1`` (``geo.store`` schemas)."""
    import pyarrow as pa

    from geo.store import ARTICLE_SCHEMA, EXTRACTED_SCHEMA, MENTION_SCHEMA, event_row, with_points

    arts, rows = [], []
    for i in range(first, first + n):
        art, sha1, day = f"a{i:07d}", f"{i:040x}", day_of(i)
        arts.append({f.name: None for f in ARTICLE_SCHEMA} | {
            "sha1": sha1, "article_id": art, "path": f"{art}.txt", "title": "Report",
            "published": day, "date_source": "metadata", "dependent": False, "context": "",
            "n_bytes": 2000, "n_events": 0, "n_control": 0, "n_mentions": 0,
            "text": "Title: Report\n\n" + "x" * 2000, "ingested_at": "now"})
        evs = [_event(d, rng, art, j, day) for j in range(rng.randrange(1, 4))]
        rows += [event_row(e, sha1=sha1, order=j, in_events=True, in_control=True,
                           dictionary=d) for j, e in enumerate(evs)]
    return {"articles": pa.Table.from_pylist(arts, schema=ARTICLE_SCHEMA),
            "extracted": pa.Table.from_pylist(with_points(rows), schema=EXTRACTED_SCHEMA),
            "mentions": MENTION_SCHEMA.empty_table()}


def build(root: Path, days: int, per_day: int) -> dict:
    """A store of ``days * per_day`` articles, merged."""
    from geo.actors import load_actors
    from geo.store import Store
    from geo.store.merged import fingerprint, update_merged

    d, rng = load_actors(), random.Random(days)
    store = Store(root, create=True)
    total = days * per_day
    t0 = time.perf_counter()
    with store.writing():
        for first in range(0, total, 100):
            store.commit_batch(_batch(d, rng, first, min(100, total - first),
                                      lambda i: START + timedelta(days=i // per_day)))
        t1 = time.perf_counter()
        snap = store.snapshot()
        store.commit_merged(update_merged(store, snap, snap.manifest["merged"], d), snap.seq,
                            fingerprint())
    return {"articles": total, "days": days, "write_s": round(t1 - t0, 1),
            "rebuild_merge_s": round(time.perf_counter() - t1, 1),
            "store_mb": round(store.size_bytes() / 1e6, 1)}


def _rss_mb(field: str) -> int:
    """``VmHWM`` (peak) or ``VmRSS`` of this process, MB: unlike ``ru_maxrss``, the peak of
    this process's own memory, not the parent's it was forked from."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def news(root: str, days: int, n: int, check: bool) -> dict:
    """In this process: commit ``n`` articles of the day after the store's and merge."""
    from geo.actors import load_actors
    from geo.store import Store
    from geo.store.merged import fingerprint, update_merged

    d = load_actors()
    store = Store(root)
    total = sum(b["articles"] for b in store.snapshot().manifest["batches"])
    with store.writing():
        store.commit_batch(_batch(d, random.Random(-days), total, n,
                                  lambda i: START + timedelta(days=days)))
        rss0 = _rss_mb("VmHWM")
        t0 = time.perf_counter()
        snap = store.snapshot()
        update = update_merged(store, snap, snap.manifest["merged"], d)
        store.commit_merged(update, snap.seq, fingerprint())
        seconds = time.perf_counter() - t0
    out = {"merge_s": round(seconds, 2), "peak_rss_before_merge_mb": rss0,
           "peak_rss_mb": _rss_mb("VmHWM"), "stats": update.stats}
    if check:
        import pandas as pd
        from store_util import merged_frames

        from geo.store import load_events

        full, _ = merged_frames(store, store.snapshot(), d)
        pd.testing.assert_frame_equal(pd.DataFrame(load_events(store)), pd.DataFrame(full))
        out["equals_merge_events"] = True
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-day", type=int, default=100)
    ap.add_argument("--days", default="30,60,120")
    ap.add_argument("--news", type=int, default=100)
    ap.add_argument("--json", default="/tmp/bench_merge_memory.json")
    ap.add_argument("--no-check", action="store_true", help="skip the merge_events check")
    ap.add_argument("--_news", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._news:
        root, days, n = args._news
        print(json.dumps(news(root, int(days), int(n), not args.no_check)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "date": date.today().isoformat(), "loadavg": os.getloadavg()},
               "per_day": args.per_day, "news": args.news, "runs": []}
    try:
        for days in map(int, args.days.split(",")):
            root = work / f"store-{days}"
            run = build(root, days, args.per_day)
            print(f"built {json.dumps(run)}", file=sys.stderr)
            cmd = [sys.executable, __file__, "--_news", str(root), str(days), str(args.news)]
            proc = subprocess.run(cmd + (["--no-check"] if args.no_check else []),
                                  capture_output=True, text=True, cwd=ROOT)
            if proc.returncode:
                raise SystemExit(proc.stderr[-3000:])
            run["next_day"] = json.loads(proc.stdout)
            print(f"next day: {json.dumps(run['next_day'])}", file=sys.stderr)
            results["runs"].append(run)
            shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(results, indent=1)
    print(text)
    Path(args.json).write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
