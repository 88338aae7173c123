"""Event extraction on the seeds against the hand-coded gold in tests/test_events.py:
recall of gold events and accuracy of type, actor1, location and date; plus throughput.

    python tests/bench/bench_events.py [--json out.json]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from test_events import GOLD  # noqa: E402

from gazetteer import Gazetteer  # noqa: E402
from geo.actors import load_actors  # noqa: E402
from geo.articles import bundled_seeds  # noqa: E402
from geo.events import extract_events  # noqa: E402
from geo.merge import merge_events  # noqa: E402


def main() -> None:
    gaz, actors = Gazetteer(), load_actors()
    gaz.geoparse("Warm-up in Mosul.")
    articles = bundled_seeds()
    t0 = time.process_time()
    per_article = {a.id: extract_events(a, gaz, actors) for a in articles}
    seconds = time.process_time() - t0
    events = [e for evs in per_article.values() for e in evs]
    merged = merge_events(list(events))
    hits = {"found": 0, "type": 0, "actor1": 0, "location": 0, "date": 0, "dated": 0}
    for prefix, fragment, etype, actor, place, day in GOLD:
        aid = next(a for a in per_article if a.startswith(prefix))
        ev = next((e for e in per_article[aid] if fragment in e.sentence), None)
        if ev is None:
            continue
        hits["found"] += 1
        hits["type"] += ev.event_type == etype
        hits["actor1"] += getattr(ev.actor1, "id", None) == actor
        hits["location"] += place is None or (ev.place is not None and place in ev.place.name)
        if day is not None:
            hits["dated"] += 1
            hits["date"] += ev.first_date == day
    n = len(GOLD)
    figures = {
        "gold_events": n, "recall": round(hits["found"] / n, 3),
        "type_accuracy": round(hits["type"] / n, 3),
        "actor1_accuracy": round(hits["actor1"] / n, 3),
        "location_accuracy": round(hits["location"] / n, 3),
        "date_accuracy": round(hits["date"] / max(1, hits["dated"]), 3),
        "extracted_events": len(events), "merged_events": len(merged),
        "multi_source_events": sum(len(e.sources) > 1 for e in merged),
        "located_share": round(sum(e.lat is not None for e in merged) / max(1, len(merged)), 3),
        "precision_proxy": "events per gold event: "
                           f"{round(len(merged) / n, 2)} (unlabelled extras are not all wrong)",
        "seconds_cpu": round(seconds, 2),
    }
    print(json.dumps(figures, indent=2))
    if len(sys.argv) > 2 and sys.argv[1] == "--json":
        Path(sys.argv[2]).write_text(json.dumps(figures, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
