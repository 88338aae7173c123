"""Where the geoparser puts each events_dev report's event location, per theatre.

    python tests/bench/eval_events_places.py [--json out.json] [--errors errors.tsv]

``../shared/eval/events_dev/reports.csv`` (300 short conflict reports, 12 theatres, coded as
ACLED would, never copied into the repository). For every report whose gold location has
coordinates, the ``geoparse`` mention of the gold location (same match or transliteration
key, or one key inside the other, or resolved to the gold GeoNames id: "Muqdisho" for
Mogadishu) is compared with the coder's point:
within 25 km, more than 1,000 km off, or missed (no such mention, or no point). Also counted:
``foreign_points``, mentions of towns and villages placed outside the report's country and
its neighbours (a wrong-continent point is the error that costs an analyst's trust); the
errors file lists them for reading. ``--region`` gives geoparse the theatre's countries as the
corpus focus, as a user of a one-theatre corpus would (``geoparse(region=...)``).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict

from corpora import EVENTS_DEV, write_theatre_report

from gazetteer import Gazetteer
from gazetteer.normalize import match_key, variant_key
from gazetteer.rank import km

REPORTS = EVENTS_DEV
#: a theatre's country and the neighbours its reports may name (ISO alpha-2)
THEATRE_AREA = {
    "Syria": "SY IQ TR LB JO IL IR RU US", "Iraq": "IQ SY TR IR KW SA JO US",
    "Yemen": "YE SA OM AE IR US ER DJ", "Libya": "LY TN EG DZ NE TD SD TR RU",
    "Afghanistan": "AF PK IR TJ UZ TM US", "Somalia": "SO KE ET DJ US",
    "Mali/Burkina Faso": "ML BF NE CI GH TG BJ DZ MR SN GN RU FR",
    "Nigeria": "NG NE TD CM BJ", "Sudan": "SD SS TD EG ET ER LY CF AE",
    "Ukraine": "UA RU BY PL MD RO", "Myanmar": "MM TH CN IN BD LA",
    "DR Congo": "CD RW UG BI TZ ZM AO CF SS CG KE",
}
#: the countries a theatre's corpus is about (the --region a user of that corpus would give)
THEATRE_REGION = {
    "Syria": "SY", "Iraq": "IQ", "Yemen": "YE", "Libya": "LY", "Afghanistan": "AF",
    "Somalia": "SO", "Mali/Burkina Faso": "ML,BF", "Nigeria": "NG", "Sudan": "SD",
    "Ukraine": "UA", "Myanmar": "MM", "DR Congo": "CD",
}
COUNTRYLIKE = {"PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "TERR", "CONT", "RGN", "OCN", "SEA"}


def keys(name: str) -> set[str]:
    return {k for k in (match_key(name), variant_key(name)) if k}


def same_name(mention: str, gold: str) -> bool:
    a, b = keys(mention), keys(gold)
    if a & b:
        return True
    ma, mb = match_key(mention), match_key(gold)
    return bool(ma and mb) and (f" {mb} " in f" {ma} " or f" {ma} " in f" {mb} ")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", default=str(REPORTS))
    ap.add_argument("--json")
    ap.add_argument("--errors")
    ap.add_argument("--region", action="store_true",
                    help="give geoparse each theatre's countries as the corpus region")
    args = ap.parse_args()
    with open(args.reports, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    gz = Gazetteer()
    per: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    lines = []
    t0 = time.process_time()
    for r in rows:
        theatre = r["theatre"]
        mentions = gz.geoparse(r["text"], region=THEATRE_REGION.get(theatre) if args.region
                               else None)
        area = set(THEATRE_AREA.get(theatre, "").split())
        for m in mentions:
            p = m.place
            if p is None or not p.located or p.feature_code in COUNTRYLIKE or m.approx:
                continue
            if area and p.country_code not in area:
                per[theatre]["foreign_points"] += 1
                lines.append(f"foreign\t{r['id']}\t{m.text}\t{p.name}\t{p.country_code}/"
                             f"{p.feature_code}\t{m.confidence:.2f}\t{m.rule}")
        if not r["latitude"]:
            continue
        gold = (float(r["latitude"]), float(r["longitude"]))
        per[theatre]["n"] += 1
        gid = f"geonames:{r['geonameid']}" if r["geonameid"] else None
        hits = [m for m in mentions if same_name(m.text, r["location"])
                or (gid and m.place is not None and m.place.id == gid)]
        m = next((h for h in hits if h.point is not None), None)
        if m is None:
            per[theatre]["missed"] += 1
            got = hits[0].rule if hits else "not found"
            lines.append(f"missed\t{r['id']}\t{r['location']}\t{got}\t\t\t")
            continue
        d = km(m.point, gold)
        per[theatre]["within25"] += d <= 25
        per[theatre]["far1000"] += d > 1000
        if d > 25:
            where = m.place or m.approx.anchor
            lines.append(f"off\t{r['id']}\t{r['location']}\t{where.name}\t"
                         f"{where.country_code}/{where.feature_code}\t{d:.0f}\t"
                         f"{m.confidence:.2f} {m.rule}")
    write_theatre_report(per, _figures, time.process_time() - t0, args.json, args.errors, lines)


def _figures(c: dict) -> dict:
    n = c.get("n", 0)
    return {"n": n, "within25": round(c.get("within25", 0) / n, 3) if n else None,
            "far1000": c.get("far1000", 0), "missed": c.get("missed", 0),
            "foreign_points": c.get("foreign_points", 0)}


if __name__ == "__main__":
    main()
