"""Event extraction on the seeds against the hand-coded gold in tests/events/test_events.py:
precision and recall of events and of their type, actor1, location and date; how merging
groups the mentions of one event across articles; throughput.

    python tests/bench/bench_events.py [--json out.json]

Keys kept for tests/bench/write_benchmarks.py: recall and the ``*_accuracy`` figures are the
recall of each field (gold entries whose field the extraction gets right); ``precision``
holds, per field, the share of extracted values that are right (see
``tests/events/test_events.py::score_gold``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "events"))

from test_events import score_gold  # noqa: E402

from gazetteer import Gazetteer  # noqa: E402
from geo.actors import load_actors  # noqa: E402
from geo.events.extract import extract_events  # noqa: E402
from geo.events.merge import merge_events  # noqa: E402
from geo.text.articles import bundled_seeds  # noqa: E402

FIELDS = ("event", "type", "actor1", "location", "date")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    gaz, actors = Gazetteer(), load_actors()
    gaz.geoparse("Warm-up in Mosul.")
    articles = bundled_seeds()
    t0 = time.process_time()
    per_article = {a.id: extract_events(a, gaz, actors) for a in articles}
    seconds = time.process_time() - t0
    events = [e for evs in per_article.values() for e in evs]
    merged = merge_events(list(events))
    s = score_gold(per_article, merged)
    figures = {
        "gold_events": s["gold_events"], "gold_distinct_events": s["gold_distinct"],
        "recall": s["event"]["recall"],
        "type_accuracy": s["type"]["recall"],
        "actor1_accuracy": s["actor1"]["recall"],
        "location_accuracy": s["location"]["recall"],
        "date_accuracy": s["date"]["recall"],
        "precision": {f: s[f]["precision"] for f in FIELDS},
        "recall_by_field": {f: s[f]["recall"] for f in FIELDS},
        "extracted_events": len(events), "merged_events": len(merged),
        "multi_source_events": sum(len({x["article"] for x in e.sources}) > 1 for e in merged),
        "merge_pairs": s["merge_pairs"],
        "shared_events_merged": f"{s['shared_events_merged']}/{s['shared_events']}",
        "located_share": round(sum(e.lat is not None for e in merged) / max(1, len(merged)), 3),
        "seconds_cpu": round(seconds, 2),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    return figures


if __name__ == "__main__":
    main()
