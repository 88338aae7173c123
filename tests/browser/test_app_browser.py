"""The running dashboard in a real browser: ``streamlit run app.py`` on 127.0.0.1 and Debian
chromium driven by Playwright, with every request that is not to 127.0.0.1 refused (and
recorded). The map must draw with no network at all: Leaflet comes from the Streamlit server
(``static/vendor``), never a CDN. Screenshots go to the test's tmp folder and to
/tmp/conflictmap-shots/."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from browser_util import Watch, shot
from playwright.sync_api import Error as PlaywrightError

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
MARKERS = ".leaflet-marker-pane .cm-event"
START_TIMEOUT_S = 600           # the first run may build the gazetteer index


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The dashboard served by ``streamlit run app.py`` (headless) from the repository."""
    from browser_util import AppDidNotStart, streamlit_app

    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    try:
        with streamlit_app(log) as url:
            yield url
    except AppDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def expected(gaz):
    """Markers the map should draw: the located seed events, in all and on 2017-06-04."""
    from geo import dashboard as dash
    from geo.actors import load_actors

    events = dash.seed_corpus(gaz, load_actors()).events
    bounds = dash.date_bounds(events)

    def located(frame):
        return int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())

    last = bounds[1]
    titles = {s["title"] for v in events["sources"] for s in json.loads(v) if s.get("title")}
    # a bloc whose filter leaves some of the markers (all dates)
    actors = load_actors()
    by_bloc = {b: located(dash.filter_events(events, blocs=[b]))
               for b in dash.filter_options(events)["blocs"]}
    bloc = max((b for b, n in by_bloc.items() if 0 < n < located(events)),
               key=lambda b: by_bloc[b])
    return {"all": located(events), "last": located(dash.filter_events(events, last, last)),
            "last_day": last, "titles": titles, "bloc": bloc, "bloc_markers": by_bloc[bloc],
            "bloc_name": actors.blocs[bloc].name if bloc in actors.blocs else bloc}


def _markers(page) -> int:
    return page.frame_locator(MAP_FRAME).locator(MARKERS).count()


def _wait_markers(page, differs_from: int | None = None, timeout_s: float = 60) -> int:
    """The number of event markers drawn, once the map has drawn (and, with
    ``differs_from``, once it changed from that)."""
    deadline = time.monotonic() + timeout_s
    last = -1
    while time.monotonic() < deadline:
        n = _markers(page)
        if n > 0 and (differs_from is None or n != differs_from):
            time.sleep(0.5)             # settle: the iframe may still be replacing itself
            m = _markers(page)
            if m == n:
                return n
        last = n
        time.sleep(0.25)
    raise AssertionError(f"markers did not settle/change: last count {last}")


def test_dashboard_draws_offline_and_the_slider_changes_the_map(browser, app_url, expected,
                                                                tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    watch = Watch(page)
    received: list[int] = []            # sizes of the websocket messages from the server
    page.on("websocket", lambda ws: ws.on("framereceived",
                                          lambda data: received.append(len(data))))
    t0 = time.monotonic()
    page.goto(app_url)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=START_TIMEOUT_S * 1000)
    drawn = _wait_markers(page)
    print(f"first map drawn after {time.monotonic() - t0:.1f} s")
    shot(page, tmp_path, "dashboard-all-dates")

    assert drawn == expected["all"]
    metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert int(metric) >= drawn
    # the legend starts collapsed to its toggle button; opened, it shows the notes
    legend = frame.locator(".cm-legend")
    assert not frame.locator(".cm-legend-body").is_visible()
    assert legend.bounding_box()["height"] < 40
    frame.locator(".cm-legend-toggle").click()
    note = legend.inner_text()
    assert re.search(rf"\b{drawn} events drawn", note)
    assert "Territorial control" in note and "Lebanon on " in note
    # the control layers of the window's end day are drawn, their answer shown beside
    assert frame.locator("path.cm-area").count() >= 3
    assert frame.locator("path.cm-zone").count() == 1
    assert frame.locator(".cm-crossing").count() >= 2
    answer = page.get_by_text(re.compile(r"land corridor Iran → Damascus → Lebanon on "
                                         r"\d{4}-\d\d-\d\d: (yes|no)"))
    assert answer.count() == 1
    shot(page, tmp_path, "dashboard-legend-open")
    # Leaflet came from this server, nothing from elsewhere; so did the country borders,
    # fetched as a file (not sent again with every rerun), drawn below the other layers
    local = [u for u in watch.requests if "/app/static/vendor/leaflet" in u]
    assert any(u.endswith("leaflet.js") for u in local), watch.requests
    assert any(re.search(r"/app/static/vendor/data/countries-[0-9a-f]+\.json$", u)
               for u in watch.requests), watch.requests
    frame.locator(".leaflet-cmBase-pane path").first.wait_for(state="attached",
                                                               timeout=30_000)
    assert frame.locator(".leaflet-cmBase-pane path").count() >= 5
    assert watch.refused == [], watch.refused

    # the date slider: the start thumb to the last day (keyboard, as a user can)
    before = sum(received)
    page.get_by_role("slider", name="Dates — start").focus()
    page.keyboard.press("End")
    after = _wait_markers(page, differs_from=drawn)
    shot(page, tmp_path, "dashboard-last-day")
    assert after == expected["last"] < drawn
    rerun_bytes = sum(received) - before
    print(f"the rerun sent {rerun_bytes / 1e6:.2f} MB over the websocket")
    assert rerun_bytes < 500_000                 # the borders alone are more
    # the legend opened above is still open in the map of the rerun
    assert frame.locator(".cm-legend-body").is_visible()
    caption = page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    day = expected["last_day"].isoformat()
    assert f"{day} – {day}" in caption

    # a click on an event marker shows its sources beside the map (the first marker that
    # no control or other marker covers)
    markers = frame.locator(MARKERS)
    for i in range(markers.count()):
        try:
            markers.nth(i).click(timeout=2000)
            break
        except PlaywrightError:
            continue
    else:
        raise AssertionError("no event marker could be clicked")
    panel = page.locator(".cm-sources").first
    panel.wait_for(timeout=60_000)
    text = panel.inner_text()
    assert any(title in text for title in expected["titles"]), text
    assert panel.locator("mark").count() >= 1                   # the trigger highlighted
    shot(page, tmp_path, "dashboard-clicked-event")

    # play: from the last day it starts over at the first and steps a day a second
    start_thumb = page.get_by_role("slider", name="Dates — start")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Play").click()
    seen = set()
    deadline = time.monotonic() + 30
    while len(seen) < 3 and time.monotonic() < deadline:
        seen.add(start_thumb.get_attribute("aria-valuetext"))
        time.sleep(0.3)
    sidebar.get_by_role("button", name="Stop").click()
    assert len(seen) >= 3, seen                  # the window moved on by itself
    play = sidebar.get_by_role("button", name="Play")
    deadline = time.monotonic() + 30
    while not play.is_enabled() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert play.is_enabled()                     # stopped
    stopped_at = start_thumb.get_attribute("aria-valuetext")
    time.sleep(2.5)
    assert start_thumb.get_attribute("aria-valuetext") == stopped_at
    _wait_markers(page)
    shot(page, tmp_path, "dashboard-after-play")

    # downloads: the self-contained map (built on click) and the events as CSV
    with page.expect_download(timeout=120_000) as dl:
        page.get_by_role("button", name="Map (HTML, works offline)").click()
    html = Path(dl.value.path()).read_text("utf-8")
    assert "L.map(" in html and "cm.addEvents" in html
    assert not re.search(r"<(?:script|link)\b[^>]*(?:src|href)=[\"']?(?:https?:)?//", html)
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Events (CSV)").click()
    csv = Path(dl.value.path()).read_text("utf-8")
    assert csv.startswith("event_id_cnty,event_date")

    # a reload (a new session: all dates again) keeps the legend open too; then a filter
    # change redraws the markers of that bloc only
    page.reload()
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=120_000)
    assert _wait_markers(page) == expected["all"]
    assert frame.locator(".cm-legend-body").is_visible()
    blocs = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Blocs")
    blocs.locator("input").first.fill(expected["bloc_name"])
    page.keyboard.press("Enter")
    assert _wait_markers(page, differs_from=expected["all"]) == expected["bloc_markers"]
    assert frame.locator(".cm-legend-body").is_visible()
    shot(page, tmp_path, "dashboard-bloc-filter")
    # closed, it stays closed on the next rerun
    frame.locator(".cm-legend-toggle").click()
    assert not frame.locator(".cm-legend-body").is_visible()
    page.keyboard.press("Escape")
    blocs.get_by_role("button", name=re.compile("Clear all", re.I)).first.click()
    assert _wait_markers(page, differs_from=expected["bloc_markers"]) == expected["all"]
    assert not frame.locator(".cm-legend-body").is_visible()

    assert watch.errors == [], watch.errors
    assert watch.refused == [], watch.refused
    page.close()


def test_first_run_shows_the_index_build_stages_and_percentage(browser, tmp_path):
    """With an empty index cache the dashboard builds the gazetteer index first: the page
    shows the build's stage and percentage as it goes (rising), then the map; the build
    leaves the finished index in the cache and no temporary file."""
    from browser_util import AppDidNotStart, streamlit_app

    cache = tmp_path / "cache"
    cache.mkdir()
    try:
        with streamlit_app(tmp_path / "streamlit.log",
                           env={"CONFLICTMAP_CACHE_DIR": str(cache)}) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            watch = Watch(page)
            page.goto(url)
            bar = page.locator('[data-testid="stProgress"]')
            bar.first.wait_for(timeout=120_000)
            seen: list[tuple[str, int]] = []
            pattern = re.compile(r"Building the place index \(first run only\)(?:: (.+), "
                                 r"(\d+)%)?")
            deadline = time.monotonic() + START_TIMEOUT_S
            while time.monotonic() < deadline and not _markers(page):
                try:
                    text = page.get_by_text(pattern).first.inner_text(timeout=500)
                except PlaywrightError:
                    text = ""
                m = pattern.search(text)
                if m and m.group(1) and (not seen or seen[-1] != (m.group(1),
                                                                 int(m.group(2)))):
                    seen.append((m.group(1), int(m.group(2))))
                    if len(seen) == 2:
                        shot(page, tmp_path, "dashboard-first-run")
                time.sleep(0.2)
            assert _wait_markers(page) > 0
            assert watch.refused == [], watch.refused
    except AppDidNotStart as exc:
        pytest.fail(str(exc))
    print("build progress seen:", seen)
    assert len({stage for stage, _ in seen}) >= 2, seen          # more than one stage
    percents = [p for _, p in seen]
    assert percents == sorted(percents) and 0 <= percents[0] < percents[-1] <= 100, seen
    assert [p.name for p in cache.rglob("*") if ".tmp" in p.name] == []
    assert any(p.is_file() and p.stat().st_size > 1_000_000 for p in cache.rglob("*"))
