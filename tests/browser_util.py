"""Helpers for the map tests: synthetic event frames (no gazetteer needed), and Debian
chromium driven by Playwright with every non-local request refused.

Playwright's own browser download is never used: ``launch`` starts ``/usr/bin/chromium``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path("/tmp/conflictmap-shots")
XSS = ('<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
       '</script><script>window.__xss=3</script>')


def event_row(n: int, lat: float | None, lon: float | None, first: str, last: str, **over):
    """One row shaped like ``geo.events.table.events_frame`` output."""
    from geo.events.table import ACLED_COLUMNS, OUR_COLUMNS

    row = dict.fromkeys([*ACLED_COLUMNS, *OUR_COLUMNS], "")
    row |= {"event_id_cnty": f"SYR{n}", "event_date": last, "first_date": first,
            "last_date": last, "time_precision": 1 if first == last else 2,
            "event_type": "Battles", "sub_event_type": "Armed clash",
            "actor1": "Popular Mobilization Forces", "bloc1": "iran_axis",
            "actor2": "Islamic State", "bloc2": "islamic_state", "location": "Umm Jrais",
            "latitude": lat, "longitude": lon, "approximate": False, "uncertainty_km": None,
            "fatalities": 0, "n_sources": 1, "rule": "armed_clash", "date_source": "metadata",
            "modality": "asserted",
            "sources": json.dumps([{"article": f"a{n}", "title": f"Article {n}",
                                    "published": last, "source": "Test Wire",
                                    "sentence": "The PMU clashed with IS near Umm Jrais."}]),
            "geometry": Point(lon, lat) if lat is not None else None}
    row |= over
    return row


def synthetic_events(hostile: bool = True) -> gpd.GeoDataFrame:
    """Six events over 2017-05-01..2017-06-04 (one unlocated, one approximate with a 30 km
    radius); with ``hostile`` every article field of event 2 carries script payloads."""
    rows = [
        event_row(0, 34.45, 40.92, "2017-05-01", "2017-05-01"),
        event_row(1, 34.37, 41.05, "2017-05-10", "2017-05-12", event_type="Strategic "
                  "developments", bloc1="us_coalition", approximate=True, uncertainty_km=30.0),
        event_row(2, 35.0, 41.2, "2017-05-20", "2017-05-20"),
        event_row(3, 36.0, 42.0, "2017-05-29", "2017-06-01",
                  event_type="Explosions/Remote violence"),
        event_row(4, 33.3, 44.4, "2017-06-04", "2017-06-04", bloc1=""),
        event_row(5, None, None, "2017-05-15", "2017-05-15"),
    ]
    if hostile:
        rows[2] |= {"location": XSS, "actor1": XSS, "actor2": XSS, "claimed_by": XSS,
                    "sub_event_type": XSS, "notes": XSS,
                    "sources": json.dumps([{"article": XSS, "title": XSS, "source": XSS,
                                            "published": "2017-05-20",
                                            "sentence": f"Fighters clashed in {XSS} today."}])}
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def control_events(hostile: bool = False) -> gpd.GeoDataFrame:
    """Control reports on four days: on 2017-05-01 Islamic State holds Place A (34.40 N,
    40.90 E) and Iran-aligned forces hold Place B (34.40 N, 41.20 E, 27 km east: their areas
    meet in a frontline); on 2017-05-02 Kurdish forces hold Place C far to the north
    (36.60 N, 41.00 E); on 2017-06-01 Iran-aligned forces capture Place A from IS, so the
    two areas become one and the frontline goes; on 2017-06-02 a clash elsewhere (no control).
    Control areas: 3 up to 2017-05-31, 2 from 2017-06-01; frontlines: 1, then 0. With
    ``hostile`` the capture's title and sentence carry script payloads."""
    def ctl(n, lat, lon, day, place, control, bloc1, bloc2="", **over):
        situation = control == "holds"
        actor = {"islamic_state": "Islamic State", "iran_axis": "Popular Mobilization Forces",
                 "kurdish_forces": "Syrian Democratic Forces"}
        fields = {
            "location": place, "place_id": f"test:{place}", "control": control,
            "modality": "situation" if situation else "asserted",
            "event_type": "Strategic developments" if situation else "Battles",
            "sub_event_type": "Non-violent transfer of territory" if situation else
            "Armed clash", "actor1": actor[bloc1], "bloc1": bloc1,
            "actor2": actor.get(bloc2, ""), "bloc2": bloc2,
            "rule": "holds" if situation else "capture",
            "sources": json.dumps([{"article": f"c{n}", "title": f"Control report {n}",
                                    "published": day, "source": "Test Wire",
                                    "sentence": f"{actor[bloc1]} {control} {place}."}])}
        return event_row(n, lat, lon, day, day, **(fields | over))

    capture = {}
    if hostile:
        capture = {"sources": json.dumps([{"article": "c3", "title": XSS, "source": XSS,
                                           "published": "2017-06-01",
                                           "sentence": f"PMU captured {XSS} from IS."}])}
    rows = [ctl(0, 34.40, 40.90, "2017-05-01", "Place A", "holds", "islamic_state"),
            ctl(1, 34.40, 41.20, "2017-05-01", "Place B", "holds", "iran_axis"),
            ctl(2, 36.60, 41.00, "2017-05-02", "Place C", "holds", "kurdish_forces"),
            ctl(3, 34.40, 40.90, "2017-06-01", "Place A", "captured", "iran_axis",
                "islamic_state", **capture),
            event_row(4, 35.50, 40.10, "2017-06-02", "2017-06-02", location="Place D")]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


BLOCS = ["islamic_state", "iran_axis", "syrian_government", "iraqi_government", "us_coalition",
         "kurdish_forces", "syrian_opposition", "russia"]
EVENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians",
               "Strategic developments"]
CONTROL = ["captured", "holds", "reached", "contested", ""]


def many_events(n_events: int, n_places: int = 2000, seed: int = 1, days: int = 365
                ) -> gpd.GeoDataFrame:
    """``n_events`` random events shaped like ``geo.events.table.events_frame`` at ``n_places``
    random points in Iraq and Syria (Natural Earth), over ``days`` days from 2017-01-01, with
    random blocs, event types and control kinds (for the benchmarks; no gazetteer needed)."""
    from datetime import date, timedelta

    import numpy as np
    import shapely

    from geo.events.table import ACLED_COLUMNS, OUR_COLUMNS
    from geo.layers.boundaries import country_shape

    rng = np.random.default_rng(seed)
    land = shapely.union_all([country_shape("IQ"), country_shape("SY")])
    shapely.prepare(land)
    minx, miny, maxx, maxy = land.bounds
    pts: list = []
    while len(pts) < n_places:
        cand = shapely.points(rng.uniform([minx, miny], [maxx, maxy], size=(n_places, 2)))
        pts += list(cand[shapely.contains(land, cand)])
    pts = pts[:n_places]
    place = rng.integers(0, n_places, n_events)
    day0 = date(2017, 1, 1)
    alldays = [(day0 + timedelta(days=k)).isoformat() for k in range(days)]
    when = rng.integers(0, days, n_events)
    b1, b2 = rng.choice(BLOCS, n_events), rng.choice(BLOCS, n_events)
    kinds, ctrl = rng.choice(EVENT_TYPES, n_events), rng.choice(CONTROL, n_events)
    blank = dict.fromkeys([*ACLED_COLUMNS, *OUR_COLUMNS], "")
    rows = []
    for i in range(n_events):
        p, d = pts[place[i]], alldays[when[i]]
        rows.append(blank | {
            "event_id_cnty": f"SYN{i}", "event_date": d, "first_date": d, "last_date": d,
            "time_precision": 1, "event_type": kinds[i], "sub_event_type": "Armed clash",
            "actor1": str(b1[i]), "bloc1": str(b1[i]), "actor2": str(b2[i]),
            "bloc2": str(b2[i]) if b2[i] != b1[i] else "", "control": str(ctrl[i]),
            "modality": "situation" if ctrl[i] == "holds" else "asserted",
            "location": f"place {place[i]}", "place_id": f"syn:{place[i]}",
            "latitude": p.y, "longitude": p.x, "approximate": False, "uncertainty_km": None,
            "fatalities": 0, "n_sources": 1, "rule": "synthetic", "date_source": "metadata",
            "sources": json.dumps([{"article": f"a{i}", "title": f"Article {i}",
                                    "published": d, "source": "Test Wire",
                                    "sentence": f"Event {i} at place {place[i]}."}]),
            "sentences": f"Event {i} at place {place[i]}.", "geometry": p})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def synthetic_mentions(hostile: bool = True) -> gpd.GeoDataFrame:
    """Two place mentions shaped like ``geo.text.mentions.mentions_frame`` output."""
    text = XSS if hostile else "Umm Jrais"
    rows = [{"article": text, "sentence": f"Fighting near {text} went on.", "text": text,
             "start": 14, "end": 14 + len(text), "name": text, "place_id": "p1",
             "country_code": "SY", "feature_code": "PPL", "lat": 34.9, "lon": 41.3,
             "located": True, "confidence": 0.9, "rule": "prior", "geometry": Point(41.3, 34.9)},
            {"article": "b", "sentence": "Mosul is quiet.", "text": "Mosul", "start": 0, "end": 5,
             "name": "Mosul", "place_id": "p2", "country_code": "IQ", "feature_code": "PPLA",
             "lat": 36.34, "lon": 43.13, "located": True, "confidence": 0.9, "rule": "prior",
             "geometry": Point(43.13, 36.34)}]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


# -- the browser ------------------------------------------------------------------------

def launch(playwright):
    """Debian chromium, headless. Skips the test when it is not installed, except under CI
    (``CI`` set), where a missing browser is a failure."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """A static file server for ``directory`` on 127.0.0.1 (a free port); yields its URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppDidNotStart(RuntimeError):
    """``streamlit run app.py`` exited or did not answer in time; the message ends with its
    log."""


@contextlib.contextmanager
def streamlit_app(log: Path, timeout_s: float = 60, env: dict | None = None):
    """``streamlit run app.py`` (headless) from the repository on 127.0.0.1 (a free port),
    output in ``log``; yields its URL once the health check answers, stops it after. Raises
    AppDidNotStart."""
    port = free_port()
    exe = Path(sys.executable).with_name("streamlit")
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else
                                                          ["-m", "streamlit"]),
           "run", "app.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AppDidNotStart("streamlit did not start:\n"
                                     + Path(log).read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


class Watch:
    """Everything a page did that a test asserts on: console errors, uncaught exceptions,
    dialogs (auto-dismissed), refused requests and the requests served from local files."""

    def __init__(self, page, local: dict[str, Path] | None = None):
        self.errors, self.dialogs, self.refused, self.served = [], [], [], []
        self.requests = []
        self.local = local or {}
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))
        page.route("**/*", self._route)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route):
        url = route.request.url
        if url in self.local:
            self.served.append(url)
            route.fulfill(path=str(self.local[url]))
        elif url.startswith(("http://127.0.0.1", "file:", "data:")):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()


def shot(page, tmp_path: Path, name: str) -> Path:
    """Screenshot into ``tmp_path``, with a copy in /tmp/conflictmap-shots/ for review."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    return path


def map_state(page) -> dict:
    """The page's event counts: total, shown (the script's counter) and drawn (DOM)."""
    return page.evaluate("""() => {
        const s = window.conflictmap.maps[0];
        return {total: s.total, shown: s.shown,
                drawn: document.querySelectorAll('.leaflet-marker-pane .cm-event').length};
    }""")
