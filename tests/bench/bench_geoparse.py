"""Geoparsing quality and speed on LGL, with geotext timed in the same run as the reference.

    python tests/bench/bench_geoparse.py [--limit N] [--json out.json]

Detection: precision/recall/F1 over toponym spans (strict: same offsets; lenient: overlap).
Resolution: accuracy within 161 km, median and mean error (km) on the gold toponyms that carry
coordinates — through ``geoparse`` (on the detected ones) and through ``resolve`` (on the gold
spans). Speed: geoparse MB/s on one core over the whole corpus, index already loaded; geotext
over the same texts in the same run; peak RSS.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import load  # noqa: E402

from gazetteer import Gazetteer  # noqa: E402
from gazetteer.rank import km  # noqa: E402


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def errors_summary(errors: list[float], total: int) -> dict:
    ok = sum(e <= 161 for e in errors)
    return {"n": total, "resolved": len(errors),
            "acc161": round(ok / total, 3) if total else 0.0,
            "median_km": round(statistics.median(errors), 1) if errors else None,
            "mean_km": round(statistics.fmean(errors), 1) if errors else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="first N articles only")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    articles = load()
    if args.limit:
        articles = articles[: args.limit]
    texts = [a.text for a in articles]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    t0 = time.perf_counter()
    gz = Gazetteer()
    # opens the index: automaton, name lists, the country and division table (a demonym)
    gz.geoparse("Warm-up: Karim al-Nouri said in Mosul that Syrian forces advanced.")
    load_s = time.perf_counter() - t0

    # speed: geoparse vs geotext over the same texts, same run
    t0 = time.process_time()
    parsed = [gz.geoparse(t) for t in texts]
    geoparse_s = time.process_time() - t0
    from geotext import GeoText

    GeoText("warm up")
    t0 = time.process_time()
    for t in texts:
        GeoText(t)
    geotext_s = time.process_time() - t0

    # detection
    gold_spans = [{(t.start, t.end) for t in a.toponyms} for a in articles]
    strict_tp = lenient_tp = n_pred = 0
    for mentions, gold in zip(parsed, gold_spans, strict=True):
        n_pred += len(mentions)
        for m in mentions:
            if (m.start, m.end) in gold:
                strict_tp += 1
            if any(s < m.end and m.start < e for s, e in gold):
                lenient_tp += 1
    n_gold = sum(len(g) for g in gold_spans)

    # resolution through geoparse, on detected gold toponyms with coordinates
    gp_errors, gp_total = [], 0
    for a, mentions in zip(articles, parsed, strict=True):
        by_span = {(m.start, m.end): m for m in mentions}
        for t in a.toponyms:
            if t.point is None:
                continue
            m = by_span.get((t.start, t.end))
            if m is None:
                continue
            gp_total += 1
            if m.point is not None:
                gp_errors.append(km(m.point, t.point))

    # resolution through resolve, on every gold toponym with coordinates
    rs_errors, rs_total = [], 0
    t0 = time.process_time()
    for a in articles:
        tops = [t for t in a.toponyms if t.point is not None]
        if not tops:
            continue
        out = gz.resolve(a.text, [(t.start, t.end) for t in tops])
        for t, m in zip(tops, out, strict=True):
            rs_total += 1
            if m.point is not None:
                rs_errors.append(km(m.point, t.point))
    resolve_s = time.process_time() - t0

    figures = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, Python "
                   f"{platform.python_version()}, {platform.system()} {platform.release()}",
        "articles": len(articles), "megabytes": round(mb, 3),
        "detection_strict": {**prf(strict_tp, n_pred, n_gold), "predicted": n_pred,
                             "gold": n_gold},
        "detection_lenient": prf(lenient_tp, n_pred, n_gold),
        "resolution_geoparse": errors_summary(gp_errors, gp_total),
        "resolution_resolve": errors_summary(rs_errors, rs_total),
        "index_warm_load_s": round(load_s, 2),
        "geoparse_s": round(geoparse_s, 2), "geoparse_mb_per_s": round(mb / geoparse_s, 3),
        "geotext_s": round(geotext_s, 2), "geotext_mb_per_s": round(mb / geotext_s, 3),
        "speed_ratio_vs_geotext": round(geotext_s / geoparse_s, 3),
        "resolve_s": round(resolve_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
