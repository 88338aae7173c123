"""Index figures: cold build time and size, warm load time in a fresh process, peak memory.

    python tests/bench/bench_index.py [--json out.json]

The cold build goes into a temporary cache directory, so the user's index is untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def warm() -> dict:
    t0 = time.perf_counter()
    from gazetteer.index import open_index

    ix = open_index()
    opened = time.perf_counter() - t0
    _ = ix.automaton
    loaded = time.perf_counter() - t0
    from gazetteer import Gazetteer

    Gazetteer(ix).geoparse("Fighting near Tal Afar, west of Mosul, Nineveh province.")
    ready = time.perf_counter() - t0
    return {"open_s": round(opened, 2), "automaton_loaded_s": round(loaded, 2),
            "first_geoparse_done_s": round(ready, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.warm:
        print(json.dumps(warm()))
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CONFLICTMAP_CACHE_DIR": tmp}
        code = ("import json,resource,time;t=time.perf_counter();"
                "from gazetteer.index import open_index;ix=open_index();st=ix.stats();"
                "print(json.dumps({'wall_s':round(time.perf_counter()-t,1),"
                "'build_s':st.build_seconds,'places':st.places,'names':st.names,"
                "'keys':st.keys,'bytes':st.bytes_on_disk,'peak_rss_mb':round("
                "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,1)}))")
        cold = json.loads(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                         capture_output=True, text=True).stdout)
        warm_runs = [json.loads(subprocess.run(
            [sys.executable, __file__, "--warm"], env=env, check=True, capture_output=True,
            text=True).stdout) for _ in range(3)]
    figures = {"date": time.strftime("%Y-%m-%d"), "cold_build": cold,
               "warm_load": min(warm_runs, key=lambda r: r["first_geoparse_done_s"])}
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
