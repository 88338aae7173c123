"""The outputs of ``conflictmap events``, ``layers`` and ``export`` on the bundled seeds (read
from files and from a store written by ``conflictmap ingest``), written into a folder, and
compared with the outputs written before a change.

    python tools/seed_outputs.py write DIR      # every output into DIR
    python tools/seed_outputs.py compare BEFORE AFTER   # exit 1 when any output differs

CSV, GeoJSON and GeoParquet files are compared byte for byte. The HTML pages are compared
byte for byte after one normalisation: folium names every element of a page with a random
``uuid4().hex`` (``map_<32 hex digits>``, ``feature_group_<…>`` …), so each such id is
replaced by its order of first appearance in the page. GeoJSON files carry a ``"name"`` that
GDAL takes from the temporary file they were written to (a random suffix, as before this
tool existed), so that one line is normalised too. Everything else must be the same.
The commands run as subprocesses (``python -m geo.cli``), with the environment as given
(set ``CONFLICTMAP_CACHE_DIR`` to choose the gazetteer index).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

DAY = "2017-06-04"
#: output file -> the command line that writes it (``{out}``: the file; ``{store}``: a store
#: of the seeds written by ``conflictmap ingest`` first)
RUNS = {
    "events.csv": ["events", "--out", "{out}"],
    "events.geojson": ["events", "--out", "{out}"],
    "events.parquet": ["events", "--out", "{out}"],
    "layers.geojson": ["layers", "--date", DAY, "--out", "{out}"],
    "layers.parquet": ["layers", "--date", DAY, "--out", "{out}"],
    "layers-r20.geojson": ["layers", "--date", "2017-06-01", "--radius-km", "20",
                           "--corridor-km", "30", "--out", "{out}"],
    "export.html": ["export", "--out", "{out}"],
    "export-self.html": ["export", "--out", "{out}", "--self-contained"],
    "export-window.html": ["export", "--out", "{out}", "--start", "2017-05-20", "--end",
                           "2017-06-02", "--max-control-dates", "3", "--corridor-km", "20"],
    "store-events.csv": ["events", "--store", "{store}", "--out", "{out}"],
    "store-layers.geojson": ["layers", "--store", "{store}", "--date", DAY, "--out", "{out}"],
    "store-export.html": ["export", "--store", "{store}", "--out", "{out}"],
}
_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")
_GEOJSON_NAME = re.compile(rb'^"name": "\.[^"\n]*",$', re.MULTILINE)


def conflictmap(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "geo.cli", *args], check=True,
                   stdout=subprocess.DEVNULL)


def write(folder: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        conflictmap("ingest", str(seeds), "--store", str(store), "--quiet")
        for name, argv in RUNS.items():
            conflictmap(*(a.format(out=folder / name, store=store) for a in argv))


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".geojson":
        return _GEOJSON_NAME.sub(b'"name": "<temporary file>",', data, count=1)
    if path.suffix != ".html":
        return data
    ids: dict[str, str] = {}
    text = _FOLIUM_ID.sub(lambda m: ids.setdefault(m.group(0), f"id{len(ids)}"),
                          data.decode("utf-8"))
    return text.encode("utf-8")


def compare(before: Path, after: Path) -> list[str]:
    """The names of the outputs that differ (or are missing in ``after``)."""
    return [name for name in RUNS if not (after / name).is_file()
            or normalised(before / name) != normalised(after / name)]


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "write":
        write(Path(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        bad = compare(Path(argv[1]), Path(argv[2]))
        for name in RUNS:
            print(f"{'DIFFERS' if name in bad else 'same   '} {name}")
        return 1 if bad else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
