"""Time and peak memory of geoparse against input size, for adversarial shapes of text.

    python tests/bench/bench_adversarial.py [--sizes 64000 256000 1000000] [--json out.json]

Shapes: one place name repeated ("Mosul Mosul …"), a chain of hyphen-joined articles
("Al-Al-Al-…"), a list of people and places (a casualty list pasted from a report), one line
of capitalised words with no punctuation, and plain prose. Each size runs in a fresh process
(so peak RSS is that input's), with the index already built. A straight line is the target:
seconds per MB roughly constant as the size grows (figures in BENCHMARKS.md).
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
from gazetteer import Gazetteer
gz = Gazetteer()
gz.geoparse("warm up in Mosul")
unit, size = sys.argv[1], int(sys.argv[2])
text = (unit * (size // len(unit) + 1))[:size]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.process_time()
n = len(gz.geoparse(text))
dt = time.process_time() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": dt, "mentions": n, "peak_rss_mb": peak / 1024,
                  "added_rss_mb": (peak - base) / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[64_000, 256_000, 1_000_000])
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = []
    for shape, unit in SHAPES.items():
        for size in args.sizes:
            out = subprocess.run([sys.executable, "-c", CHILD, unit, str(size)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            r.update(shape=shape, bytes=size,
                     seconds_per_mb=round(r["seconds"] / (size / 1e6), 2))
            r["seconds"] = round(r["seconds"], 3)
            r["peak_rss_mb"] = round(r["peak_rss_mb"], 1)
            r["added_rss_mb"] = round(r["added_rss_mb"], 1)
            rows.append(r)
            print(json.dumps(r), flush=True)
    figures = {"date": time.strftime("%Y-%m-%d"),
               "machine": f"{platform.machine()}, Python {platform.python_version()}",
               "rows": rows}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(figures, fh, indent=2)


if __name__ == "__main__":
    main()
