"""Event extraction against the events_dev coders, per field and per theatre.

    python tests/bench/eval_events_dev.py [--json out.json] [--errors errors.tsv]

``../shared/eval/events_dev/reports.csv`` (300 short conflict reports from 12 theatres, each
with one gold event coded as ACLED would; never copied into the repository). Every report is
read as an article dated by its ``publication_date`` and goes through the one pipeline
(``geo.events.pipeline.extract`` then ``merge``); the report's main event is the product's
choice (``geo.events.pipeline.main_event``). Per report, scored against the gold event:

* ``found``: an event was extracted;
* ``type`` / ``sub_type``: ACLED event type and sub-event type equal;
* ``actor1`` / ``actor2``: the actor's name equals the coder's (case-folded, ACLED's
  regime-date suffix "(2019-)" ignored), or the coder's name is one of the actor's listed
  names; both empty is right;
* ``place25``: the event's point within 25 km of the coder's (reports with coordinates);
* ``far1000``: the number of events placed more than 1,000 km from the coder's point;
* ``date``: the event date ACLED would code (``geo.events.model.coded_date``) equals the coder's;
* ``fatalities``: the count equals the coder's.

Shares are over all reports of the theatre (a report with no event counts as wrong in every
field), except ``place25`` (over reports whose gold has coordinates).
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from collections import defaultdict
from datetime import date

from corpora import EVENTS_DEV, write_theatre_report

from gazetteer import Gazetteer
from gazetteer.normalize import match_key
from gazetteer.rank import km
from geo.actors import load_actors
from geo.events.model import coded_date
from geo.events.pipeline import extract, main_event
from geo.events.vocabulary import load_vocabulary
from geo.text.articles import article_from_text

REPORTS = EVENTS_DEV
FIELDS = ("found", "type", "sub_type", "actor1", "actor2", "place25", "date", "fatalities")
_REGIME = re.compile(r"\s*\(\d{4}-\d{0,4}\)\s*$")


def norm_actor(name: str) -> str:
    """An actor name compared without case, punctuation or ACLED's regime-date suffix."""
    return match_key(_REGIME.sub("", name or ""))


def actor_matches(actor, gold: str, actors) -> bool:
    """Whether the extracted ``actor`` (a geo.actors.Actor or None) is the coder's ``gold``."""
    if not gold:
        return actor is None
    if actor is None:
        return False
    if norm_actor(actor.name) == norm_actor(gold):
        return True
    named = [m.actor.id for m in actors.find(_REGIME.sub("", gold))
             if m.start == 0 and m.end >= len(_REGIME.sub("", gold)) - 1]
    return actor.id in named


def score_report(row: dict, gz, actors, vocab) -> tuple[dict, str]:
    """Per-field hits (0/1) of one report, and an error line naming the wrong fields."""
    meta = {"title": row["id"], "date": row["publication_date"]}
    article = article_from_text(row["text"], row["id"], meta)
    events = extract(article, gz, actors, vocab).events
    ev = main_event(events)
    hit = dict.fromkeys(FIELDS, 0)
    hit["has_point"] = int(bool(row["latitude"]))
    if ev is None:
        return hit, f"{row['id']}\tno event\t{row['event_type']}/{row['sub_event_type']}"
    hit["found"] = 1
    hit["type"] = int(ev.event_type == row["event_type"])
    hit["sub_type"] = int(hit["type"] and ev.sub_event_type == row["sub_event_type"])
    hit["actor1"] = int(actor_matches(ev.actor1, row["actor1"], actors))
    hit["actor2"] = int(actor_matches(ev.actor2, row["actor2"], actors))
    if row["latitude"] and ev.lat is not None:
        d = km((ev.lat, ev.lon), (float(row["latitude"]), float(row["longitude"])))
        hit["place25"] = int(d <= 25)
        hit["far1000"] = int(d > 1000)
    day = coded_date(ev)
    hit["date"] = int(day is not None and day == date.fromisoformat(row["event_date"]))
    hit["fatalities"] = int((ev.fatalities or 0) == int(row["fatalities"] or 0))
    wrong = [f"{f}: {_got(f, ev)} vs {_gold(f, row)}" for f in FIELDS[1:]
             if not hit[f] and (f != "place25" or hit["has_point"])]
    return hit, f"{row['id']}\t" + " | ".join(wrong) if wrong else ""


def _got(field: str, ev) -> str:
    return {"type": ev.event_type, "sub_type": ev.sub_event_type,
            "actor1": getattr(ev.actor1, "name", "-"),
            "actor2": getattr(ev.actor2, "name", "-"),
            "place25": f"{ev.place.name if ev.place else '-'} ({ev.lat}, {ev.lon})",
            "date": str(coded_date(ev)), "fatalities": str(ev.fatalities or 0)}[field]


def _gold(field: str, row: dict) -> str:
    return {"type": row["event_type"], "sub_type": row["sub_event_type"],
            "actor1": row["actor1"], "actor2": row["actor2"] or "-",
            "place25": row["location"], "date": row["event_date"],
            "fatalities": row["fatalities"]}[field]


def figures(c: dict) -> dict:
    n = c["n"]
    out = {"n": n}
    for f in FIELDS:
        base = c["has_point"] if f == "place25" else n
        out[f] = round(c[f] / base, 3) if base else None
    out["far1000"] = c["far1000"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", default=str(REPORTS))
    ap.add_argument("--json")
    ap.add_argument("--errors")
    args = ap.parse_args()
    with open(args.reports, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    gz, actors, vocab = Gazetteer(), load_actors(), load_vocabulary()
    per: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    lines = []
    t0 = time.process_time()
    for r in rows:
        hit, line = score_report(r, gz, actors, vocab)
        c = per[r["theatre"]]
        c["n"] += 1
        for k, v in hit.items():
            c[k] += v
        if line:
            lines.append(f"{r['theatre']}\t{line}")
    write_theatre_report(per, figures, time.process_time() - t0, args.json, args.errors, lines)


if __name__ == "__main__":
    main()
