"""Time and peak memory of geoparse, and of event extraction, against input size, for
adversarial shapes of text.

    python tests/bench/bench_adversarial.py [--sizes 64000 256000 1000000]
                                            [--stages geoparse events] [--json out.json]

Shapes: one place name repeated ("Mosul Mosul …"), a chain of hyphen-joined articles
("Al-Al-Al-…"), a list of people and places (a casualty list pasted from a report), one line
of capitalised words with no punctuation, and plain prose. Stages: ``geoparse`` (the
gazetteer's ``geoparse`` of the text) and ``events`` (``geo.events.pipeline.corpus_events``
of the text as one article: both variants extracted, merged, and the place-mentions frame:
what ``conflictmap events`` and an ingest do). Each run is a fresh process (so peak RSS is
that input's), with the index already built. A straight line is the target: seconds per MB
roughly constant as the size grows (figures in BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time

SHAPES = {
    "repeated_place": "Mosul ",
    "hyphen_chain": "Al-",
    "name_list": "Ahmed Hassan al-Jubouri (Mosul), Fatima Ali (Tal Afar), Omar Khalid (Sinjar), ",
    "capitalised_line": "Alpha Bravo Charlie Delta Echo Foxtrot ",
    "prose": "Iraqi forces said on Monday that they had retaken two villages near Mosul. ",
}
CHILD = """
import json, resource, sys, time
from geo.events import pipeline
from geo.text.articles import article_from_text
gz, actors, vocabulary = pipeline.resources()
gz.geoparse("warm up in Mosul")
stage, unit, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = (unit * (size // len(unit) + 1))[:size]
if stage == "events":
    article = article_from_text("Title: t\\nDate: 2017-06-04\\n\\n" + text, "a.txt", None,
                                path="a.txt")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.process_time()
if stage == "geoparse":
    n, events = len(gz.geoparse(text)), None
else:
    found = pipeline.corpus_events([article], gz, actors)
    n, events = len(found.mentions), len(found.control) + len(found.events)
dt = time.process_time() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": dt, "mentions": n, "events": events, "peak_rss_mb": peak / 1024,
                  "added_rss_mb": (peak - base) / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[64_000, 256_000, 1_000_000])
    ap.add_argument("--stages", nargs="+", default=["geoparse", "events"],
                    choices=["geoparse", "events"])
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = []
    for stage in args.stages:
        for shape, unit in SHAPES.items():
            for size in args.sizes:
                rows.append(_run(stage, shape, unit, size))
                print(json.dumps(rows[-1]), flush=True)
    figures = {"date": time.strftime("%Y-%m-%d"),
               "machine": f"{platform.machine()}, Python {platform.python_version()}",
               "rows": rows}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(figures, fh, indent=2)


def _run(stage: str, shape: str, unit: str, size: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, stage, unit, str(size)],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r.update(stage=stage, shape=shape, bytes=size,
             seconds_per_mb=round(r["seconds"] / (size / 1e6), 2))
    r["seconds"] = round(r["seconds"], 3)
    r["peak_rss_mb"] = round(r["peak_rss_mb"], 1)
    r["added_rss_mb"] = round(r["added_rss_mb"], 1)
    return r


if __name__ == "__main__":
    main()
