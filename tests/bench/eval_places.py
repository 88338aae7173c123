"""Geoparsing quality per corpus: detection, resolution, calibration, far errors.

    python tests/bench/eval_places.py [--corpus lgl trnews] [--limit N] [--json out.json]
                                      [--errors errors.tsv]

For each corpus (``corpora.py``: LGL, TR-News from ``../shared/eval/``):

* detection: precision/recall/F1 of ``geoparse`` spans against the gold spans (strict: same
  offsets; lenient: overlapping);
* ``acc161_all``: share of **all** gold toponyms with coordinates that ``geoparse`` found (same
  span or overlapping) and placed within 161 km of the gold point (missed or unresolved ones
  count as wrong);
* ``resolve``: accuracy within 161 km of ``resolve`` on the gold spans (unresolved = wrong),
  median error, and the share of resolved spans more than 1,000 km from gold;
* reliability: resolved mentions binned by confidence, with the accuracy of each bin
  (through ``resolve`` on gold spans and through ``geoparse`` on detected gold spans).

Distances are geodesic km (haversine on (lat, lon) degrees). ``--errors`` writes every wrong
or unresolved gold span as TSV for reading, never into the repository.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import load  # noqa: E402

from gazetteer import Gazetteer  # noqa: E402
from gazetteer.rank import km  # noqa: E402

BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001)
FAR_KM = 1000.0
OK_KM = 161.0


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def reliability(pairs: list[tuple[float, bool]]) -> list[dict]:
    """Confidence bins: [lo, hi), the count and the share right in each."""
    out = []
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        inside = [ok for conf, ok in pairs if lo <= conf < hi]
        out.append({"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "n": len(inside),
                    "accuracy": round(sum(inside) / len(inside), 3) if inside else None})
    return out


def evaluate(gz: Gazetteer, articles, errors: list[str], corpus: str,
             region: str | None = None) -> dict:
    n_pred = strict_tp = lenient_tp = 0
    gold_n = gold_pts = found_ok = 0
    gp_pairs: list[tuple[float, bool]] = []
    rs_pairs: list[tuple[float, bool]] = []
    rs_err: list[float] = []
    rs_total = 0
    t0 = time.process_time()
    for a in articles:
        mentions = gz.geoparse(a.text, region=region)
        n_pred += len(mentions)
        gold = {(t.start, t.end) for t in a.toponyms}
        gold_n += len(gold)
        for m in mentions:
            strict_tp += (m.start, m.end) in gold
            lenient_tp += any(s < m.end and m.start < e for s, e in gold)
        tops = [t for t in a.toponyms if t.point is not None]
        for t in tops:
            gold_pts += 1
            hits = [m for m in mentions if m.start < t.end and t.start < m.end]
            m = next((h for h in hits if (h.start, h.end) == (t.start, t.end)),
                     hits[0] if hits else None)
            if m is not None and m.point is not None:
                ok = km(m.point, t.point) <= OK_KM
                found_ok += ok
                gp_pairs.append((m.confidence, ok))
        if not tops:
            continue
        out = gz.resolve(a.text, [(t.start, t.end) for t in tops], region=region)
        for t, m in zip(tops, out, strict=True):
            rs_total += 1
            if m.point is None:
                errors.append(f"{corpus}\t{a.docid}\t{t.phrase}\t{t.fcode}\t-\t-\t-\t"
                              f"{m.confidence:.2f}\t{m.rule}")
                continue
            d = km(m.point, t.point)
            rs_err.append(d)
            rs_pairs.append((m.confidence, d <= OK_KM))
            if d > OK_KM:
                p = m.place or m.approx.anchor
                errors.append(f"{corpus}\t{a.docid}\t{t.phrase}\t{t.fcode}\t{p.name}\t"
                              f"{p.country_code}/{p.feature_code}\t{d:.0f}\t"
                              f"{m.confidence:.2f}\t{m.rule}")
    ok = sum(d <= OK_KM for d in rs_err)
    return {
        "articles": len(articles),
        "gold_toponyms": gold_n, "gold_with_point": gold_pts,
        "detection_strict": {**prf(strict_tp, n_pred, gold_n), "predicted": n_pred},
        "detection_lenient": prf(lenient_tp, n_pred, gold_n),
        "acc161_all": round(found_ok / gold_pts, 3) if gold_pts else None,
        "resolve": {"n": rs_total, "resolved": len(rs_err),
                    "acc161": round(ok / rs_total, 3) if rs_total else None,
                    "median_km": round(statistics.median(rs_err), 1) if rs_err else None,
                    "far_share": round(sum(d > FAR_KM for d in rs_err) / len(rs_err), 3)
                    if rs_err else None},
        "reliability_resolve": reliability(rs_pairs),
        "reliability_geoparse": reliability(gp_pairs),
        "seconds_cpu": round(time.process_time() - t0, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", nargs="+", default=["lgl", "trnews"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("--errors")
    ap.add_argument("--region", default="", help="corpus focus for every text, e.g. US")
    args = ap.parse_args()
    gz = Gazetteer()
    figures, errors = {"date": time.strftime("%Y-%m-%d")}, []
    for name in args.corpus:
        articles = load(name)
        if args.limit:
            articles = articles[: args.limit]
        figures[name] = evaluate(gz, articles, errors, name, args.region or None)
    print(json.dumps(figures, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    if args.errors:
        Path(args.errors).write_text("corpus\tdoc\tphrase\tgold_fcode\tname\tcc/fcode\tkm\tconf"
                                     "\trule\n" + "\n".join(errors) + "\n", "utf-8")


if __name__ == "__main__":
    main()
