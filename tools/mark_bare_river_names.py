"""Mark which rivers of ``gazetteer/data/physical.csv`` may be found by their bare name.

Natural Earth names rivers bare ("Euphrates", "You", "Republican", "New"). A bare name is
indexed only when it is rare as an English word (wordfreq Zipf < 3.7: "Euphrates" 2.9, "Nile"
3.6; "Amazon" 4.6, "New" 6.3 are not) and is not a given name (gender-guesser); the others
are found as "<name> River" / "River <name>" only. Writes the ``bare`` column (1/0; empty for
features that are not rivers). Needs ``pip install wordfreq`` (a development tool).

    python tools/mark_bare_river_names.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import gender_guesser.detector
from wordfreq import zipf_frequency

PATH = Path(__file__).resolve().parent.parent / "gazetteer" / "data" / "physical.csv"
MAX_ZIPF = 3.7


def bare_ok(name: str, names) -> bool:
    words = name.split()
    return (zipf_frequency(name.lower(), "en") < MAX_ZIPF
            and not (len(words) == 1 and names.get_gender(name) != "unknown")
            and len(name) >= 3)


def main() -> None:
    with PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = gender_guesser.detector.Detector()
    fields = [f for f in rows[0] if f != "bare"] + ["bare"]
    for r in rows:
        r["bare"] = ("1" if bare_ok(r["name"], names) else "0") if r["feature_code"] == "STM" \
            else ""
    with PATH.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print(sum(r["bare"] == "1" for r in rows), "bare river names of",
          sum(r["feature_code"] == "STM" for r in rows))


if __name__ == "__main__":
    main()
