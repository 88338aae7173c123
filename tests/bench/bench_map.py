"""Benchmark: the exported map and the dashboard with many synthetic events (issue 4's figures).

    python tests/bench/bench_map.py [--events 10000] [--places 2000] [--control-dates 60]
                                    [--no-browser] [--no-dashboard] [--json]

Events are random points at ``--places`` places in Iraq and Syria over 2017, with random
blocs, event types and control kinds (``tests/browser_util.many_events``; no gazetteer).

* export: ``geo.web.map.export_map`` (self-contained) with the event layers only, then with
  the territorial-control layers for ``--control-dates`` step dates (0: none): seconds and
  megabytes of each page.
* drawn: the page with control layers (else the events-only one) in Debian chromium
  (headless, nothing but 127.0.0.1): milliseconds from navigation start until the last
  marker or cluster is on screen (the frame painted after the map's last draw), markers and
  clusters drawn, and the in-page slider change (events filtered and the control snapshot
  redrawn) in milliseconds.
* dashboard (in a process of its own, as the dashboard's server is): ``app.py`` under
  Streamlit's AppTest with the events as its corpus: the first run, then the rerun after a
  change of the date slider's end (new control layers computed; four more new ends, and
  the median of the five), of its start only (control layers from the cache) and of the
  bloc filter; the size of the map component's arguments (what a rerun sends for the map;
  the country borders are a file the page fetches once, ``app.map_data_url``) with the
  control layers
  (``dashboard_map_with_control_mb``, after the new end) and without them after the last
  rerun (``dashboard_map_mb``).
* dashboard page: the dashboard's map of all the events alone (``build_map(popups=False)``:
  compact markers, counted groups above ``geo.web.markers.AGGREGATE_ABOVE`` events; event and
  border layers) built, written as a page and drawn in chromium as above (``dash_page_*``).

Targets (issue 4): export ≤ 5 s, drawn ≤ 3 s, rerun ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_util import Watch, launch, many_events, serve  # noqa: E402

from geo.web import map as webmap  # noqa: E402

DRAWN = """() => {
    const s = window.conflictmap && window.conflictmap.maps[0];
    return s && s.paintedAt ? s.paintedAt : 0;
}"""


def bench_export(events, folder: Path, control_dates: int) -> dict:
    out: dict = {}
    t = time.perf_counter()
    plain = webmap.export_map(events, None, folder / "events.html",
                              layers=set(webmap.BASE_LAYERS))
    out["export_events_only_s"] = round(time.perf_counter() - t, 2)
    out["size_events_only_mb"] = round(plain.stat().st_size / 1e6, 1)
    out["page"] = plain.name
    if control_dates > 0:
        t = time.perf_counter()
        full = webmap.export_map(events, None, folder / "control.html",
                                 max_control_dates=control_dates)
        out["export_with_control_s"] = round(time.perf_counter() - t, 2)
        out["size_with_control_mb"] = round(full.stat().st_size / 1e6, 1)
        out["control_dates"] = control_dates
        out["page"] = full.name
    return out


def bench_dashboard_page(events, folder: Path) -> dict:
    t = time.perf_counter()
    m = webmap.build_map(events, None, layers=set(webmap.BASE_LAYERS) - {webmap.MENTIONS},
                         popups=False, time_slider=False, compact=True)
    page = webmap.map_html(m)
    out = {"dash_page_build_s": round(time.perf_counter() - t, 2)}
    (folder / "dashboard.html").write_text(page, "utf-8")
    out |= {"dash_page_mb": round(len(page.encode()) / 1e6, 2),
            "dash_page_groups": m.conflictmap_stats["groups"],
            "dash_page_cell_m": m.conflictmap_stats["cell_m"]}
    return out


def bench_browser(folder: Path, name: str, slider: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            watch = Watch(page)
            with serve(folder) as base:
                page.goto(base + name, timeout=300_000)
                page.wait_for_function(DRAWN, timeout=300_000, polling=100)
                # let the view settle (fit to bounds redraws), then take the last paint
                last, stable = -1.0, 0
                while stable < 3:
                    page.wait_for_timeout(400)
                    now = page.evaluate(DRAWN)
                    stable = stable + 1 if now == last else 0
                    last = now
                state = page.evaluate("""() => { const s = window.conflictmap.maps[0];
                    return {shown: s.shown, drawn: s.drawn, clusters: s.clusters,
                            render_ms: s.renderMs,
                            areas: document.querySelectorAll('path.cm-area').length}; }""")
                slider = page.evaluate("""() => { const s = window.conflictmap.maps[0];
                    const t = performance.now(); s.setRange('2017-03-01', '2017-06-01');
                    return performance.now() - t; }""") if slider else None
                zoom = page.evaluate("""() => new Promise(done => {
                    const s = window.conflictmap.maps[0], t = performance.now();
                    s.map.once('moveend', () => requestAnimationFrame(() => setTimeout(
                        () => done(performance.now() - t), 0)));
                    s.map.zoomIn(1, {animate: false}); })""")
            page.close()
        finally:
            browser.close()
    return {"drawn_ms": round(last), "markers_and_clusters": state["drawn"],
            "clusters": state["clusters"], "events_shown": state["shown"],
            "render_ms": round(state["render_ms"], 1), "control_areas_drawn": state["areas"],
            "slider_change_ms": round(slider) if slider is not None else None,
            "zoom_redraw_ms": round(zoom),
            "console_errors": len(watch.errors), "refused_requests": len(watch.refused)}


def bench_dashboard(events) -> dict:
    from streamlit.testing.v1 import AppTest

    from geo import dashboard as dash

    corpus = dash.Corpus(events=events, control_events=events)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.session_state["corpus"] = corpus
    at.session_state["messages"] = []
    at.session_state["uploaded"] = set()
    at.session_state["playing"] = False
    t = time.perf_counter()
    at.run()
    first = time.perf_counter() - t
    if at.exception:
        raise SystemExit(f"app failed: {at.exception}")

    def rerun(change) -> float:
        change()
        t = time.perf_counter()
        at.run()
        if at.exception:
            raise SystemExit(f"app failed: {at.exception}")
        return round(time.perf_counter() - t, 2)

    def dates():
        (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
        return slider

    def map_mb():
        comps = [e for e in at.main if getattr(e, "type", None) == "component_instance"]
        return round(len(comps[0].proto.json_args) / 1e6, 2) if comps else None

    out = {"first_run_s": round(first, 2)}
    out["rerun_new_end_s"] = rerun(lambda: dates().set_value((date(2017, 3, 1),
                                                              date(2017, 6, 1))))
    more = [rerun(lambda d=d: dates().set_value((date(2017, 3, 1), d)))
            for d in (date(2017, 6, 4), date(2017, 7, 1), date(2017, 9, 1), date(2017, 12, 1))]
    out["rerun_new_end_more_s"] = more
    out["rerun_new_end_median_s"] = statistics.median([out["rerun_new_end_s"], *more])
    dates().set_value((date(2017, 3, 1), date(2017, 6, 1)))
    at.run()
    out["dashboard_map_with_control_mb"] = map_mb()
    out["rerun_same_end_s"] = rerun(lambda: dates().set_value((date(2017, 4, 1),
                                                               date(2017, 6, 1))))
    out["rerun_back_to_cached_end_s"] = rerun(lambda: dates().set_value((date(2017, 3, 1),
                                                                         date(2017, 6, 1))))
    (blocs,) = [w for w in at.sidebar.multiselect if w.label == "Blocs"]
    out["rerun_bloc_filter_s"] = rerun(lambda: blocs.select("kurdish_forces"))
    for name in webmap.CONTROL_LAYERS:
        at.sidebar.checkbox(key=f"layer:{name}").uncheck()
    out["rerun_no_control_new_end_s"] = rerun(lambda: dates().set_value((date(2017, 3, 1),
                                                                         date(2017, 7, 1))))
    out["dashboard_map_mb"] = map_mb()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--places", type=int, default=2_000)
    ap.add_argument("--control-dates", type=int, default=60)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-dashboard", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--dashboard-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    events = many_events(args.events, n_places=args.places)
    if args.dashboard_only:
        print(json.dumps(bench_dashboard(events)))
        return
    result: dict = {"events": args.events, "places": args.places}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        result |= bench_export(events, folder, args.control_dates)
        if not args.no_browser:
            result |= bench_browser(folder, result["page"])
        result |= bench_dashboard_page(events, folder)
        if not args.no_browser:
            drawn = bench_browser(folder, "dashboard.html", slider=False)
            result |= {"dash_page_drawn_ms": drawn["drawn_ms"],
                       "dash_page_markers_and_clusters": drawn["markers_and_clusters"],
                       "dash_page_zoom_redraw_ms": drawn["zoom_redraw_ms"],
                       "dash_page_console_errors": drawn["console_errors"]}
    result.pop("page", None)
    if not args.no_dashboard:      # in a process of its own, as the dashboard's server is
        out = subprocess.run([sys.executable, __file__, "--dashboard-only", "--events",
                              str(args.events), "--places", str(args.places)],
                             check=True, capture_output=True, text=True).stdout
        result |= json.loads(out.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")


if __name__ == "__main__":
    main()
