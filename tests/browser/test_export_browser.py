"""Exported maps in a real browser: Debian chromium through Playwright, every request that is
not to 127.0.0.1 (or file:/data:) refused. The self-contained page is served as it is; the
CDN version gets Leaflet's CDN URLs answered from the local files (``geo.web.assets``)."""

from __future__ import annotations

import pytest
from browser_util import (
    XSS,
    Watch,
    control_events,
    many_events,
    map_state,
    serve,
    shot,
    synthetic_events,
)

from geo.web import assets
from geo.web import map as webmap

pytestmark = pytest.mark.browser

OPEN_ALL = """() => {
    const s = window.conflictmap.maps[0];
    s.events.forEach(g => { g.marker.openTooltip(); g.marker.openPopup(); });
    document.querySelectorAll('.leaflet-overlay-pane path.cm-mention').forEach(
        p => p.dispatchEvent(new MouseEvent('click', {bubbles: true})));
    return document.querySelectorAll('.leaflet-popup').length;
}"""


@pytest.fixture
def page(browser):
    p = browser.new_page(viewport={"width": 1280, "height": 820})
    yield p
    p.close()


def _cdn_routes() -> dict:
    return {assets.cdn_base() + name: path for name, path in assets.asset_paths().items()}


def _open(page, url, local=None) -> Watch:
    watch = Watch(page, local)
    page.goto(url)
    page.wait_for_function("() => window.conflictmap && window.conflictmap.maps.length > 0")
    page.wait_for_timeout(200)
    return watch


def _check_slider(page, total: int) -> None:
    """Keyboard on the 'to' slider: Home hides all but the earliest events, End shows all
    again; the DOM follows the counter."""
    page.locator("input.cm-end").focus()
    page.keyboard.press("Home")
    first = map_state(page)
    assert 0 < first["shown"] < total and first["drawn"] == first["shown"]
    assert page.locator(".cm-time").get_attribute("data-shown") == str(first["shown"])
    page.keyboard.press("End")
    assert map_state(page)["shown"] == total


UKRAINE = """Title: Fighting in Donetsk and Kharkiv oblasts
Date: 2023-03-15

Russian forces captured the village of Krasna Hora north of Bakhmut on 14 March 2023, the
Russian Defence Ministry said. Ukrainian troops held Kupiansk, the General Staff said.
"""


@pytest.mark.slow
def test_a_ukrainian_corpus_draws_its_own_theatre_offline(page, tmp_path, gaz):
    """The theatre follows the corpus: a Ukrainian article gets the Ukraine theatre's borders
    and zone, no Iraq–Syria layer, and a view around its events; nothing is fetched."""
    from geo.events.pipeline import corpus_events
    from geo.text.articles import article_from_text

    found = corpus_events([article_from_text(UKRAINE, "ukraine.txt")], gaz)
    webmap.export_map(found.events, found.mentions, tmp_path / "ua.html",
                      control_events=found.control)
    with serve(tmp_path) as base:
        watch = _open(page, base + "ua.html")
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        text = " ".join(labels)
        assert "Ukraine–Russia border" in text and "Iraq" not in text and "Syria" not in text
        legend = page.locator(".cm-legend").inner_text()
        assert "Tanf" not in legend and "Iran" not in legend
        assert page.locator("path.cm-zone").count() == 1          # the Chornobyl zone
        labels = page.evaluate("() => [...document.querySelectorAll('.cm-label span')]"
                               ".map(e => e.textContent)")
        assert "Ukraine" in labels and "Russia" in labels and len(labels) > 10
        assert "Kharkiv" in labels                                # a town of the view
        centre = page.evaluate("() => { const m = window.conflictmap.maps[0].map;"
                               " const c = m.getCenter(); return [c.lat, c.lng]; }")
        assert 44 < centre[0] < 53 and 28 < centre[1] < 41       # over Ukraine, not Syria
        shot(page, tmp_path, "export-ukraine")
    assert watch.errors == [] and watch.refused == []


@pytest.mark.slow
@pytest.mark.parametrize("self_contained", [True, False], ids=["self-contained", "cdn"])
def test_seed_map_in_chromium(page, tmp_path, gaz, self_contained):
    from geo.events.pipeline import article_events
    from geo.events.table import events_frame
    from geo.text.articles import bundled_seeds
    from geo.text.mentions import mentions_frame

    articles = bundled_seeds()
    events = events_frame(article_events(articles, gaz))
    mentions = mentions_frame({a.id: a.text for a in articles}, gaz)
    webmap.export_map(events, mentions, tmp_path / "map.html", self_contained=self_contained)
    located = int((events.geometry.notna() & ~events.geometry.is_empty).sum())
    name = "export-self-contained" if self_contained else "export-cdn"
    with serve(tmp_path) as base:
        watch = _open(page, base + "map.html", None if self_contained else _cdn_routes())
        state = map_state(page)
        assert state == {"total": located, "shown": located, "drawn": located}
        assert page.locator(".leaflet-overlay-pane path.cm-mention").count() >= 20
        assert page.locator(".leaflet-control-layers-overlays label").count() == \
            1 + len(webmap.LAYERS)                # OpenStreetMap and every layer
        assert page.locator(".cm-crossing").count() >= 2
        assert page.locator("path.cm-zone").count() == 1
        shot(page, tmp_path, name)
        # the slider's range and the Python filter agree
        shown = page.evaluate("() => window.conflictmap.maps[0].setRange('2017-05-18', "
                              "'2017-05-28')")
        expected = webmap.in_date_range(events, "2017-05-18", "2017-05-28")
        assert shown == int(expected.geometry.notna().sum()) < located
        assert map_state(page)["drawn"] == shown
        shot(page, tmp_path, name + "-filtered")
        page.evaluate("() => window.conflictmap.maps[0].setRange('2015-01-01', '2017-06-04')")
        _check_slider(page, located)
        page.locator(".cm-event").first.click()
        page.wait_for_selector(".leaflet-popup-content h4")
        shot(page, tmp_path, name + "-popup")
    assert watch.errors == [] and watch.dialogs == [] and watch.refused == []
    if not self_contained:
        assert set(watch.served) >= set(assets.cdn_urls().values())


def test_play_button_steps_through_time(page, tmp_path):
    webmap.export_map(synthetic_events(hostile=False), None, tmp_path / "m.html")
    with serve(tmp_path) as base:
        watch = _open(page, base + "m.html")
        assert map_state(page) == {"total": 5, "shown": 5, "drawn": 5}
        page.locator("button.cm-play").click()          # at the end: restarts from the start
        assert map_state(page)["shown"] == 1
        assert "pause" in page.locator("button.cm-play").inner_text()
        page.wait_for_function("() => window.conflictmap.maps[0].shown > 1", timeout=5000)
        page.wait_for_function("() => window.conflictmap.maps[0].shown == 5 && "
                               "!window.conflictmap.maps[0].timer", timeout=20000)
        assert "play" in page.locator("button.cm-play").inner_text()
    assert watch.errors == [] and watch.refused == []


@pytest.mark.parametrize("self_contained", [True, False], ids=["self-contained", "cdn"])
def test_hostile_article_does_not_execute(page, tmp_path, self_contained):
    from browser_util import synthetic_mentions

    webmap.export_map(synthetic_events(), synthetic_mentions(), tmp_path / "xss.html",
                      self_contained=self_contained)
    with serve(tmp_path) as base:
        watch = _open(page, base + "xss.html", None if self_contained else _cdn_routes())
        assert map_state(page)["drawn"] == 5
        assert page.evaluate(OPEN_ALL) >= 1
        page.locator(".cm-event").nth(2).click()          # the hostile event, popup open
        page.wait_for_timeout(400)
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "<script>window.__xss=1</script>" in popup      # shown as text
        assert page.locator(".leaflet-popup-content img, .leaflet-popup-content script"
                            ).count() == 0
        _check_slider(page, 5)
        shot(page, tmp_path, f"xss-{'self-contained' if self_contained else 'cdn'}")
        assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert watch.dialogs == [] and watch.errors == [] and watch.refused == []
    assert not [u for u in watch.requests if u.endswith("/x")]


CONTROL_STATE = """() => {
    const c = window.conflictmap.maps[0].control;
    const q = s => document.querySelectorAll(s).length;
    return {date: c.date, areas: q('.leaflet-overlay-pane path.cm-area'),
            fronts: q('.leaflet-overlay-pane path.cm-front'),
            places: q('.leaflet-overlay-pane path.cm-control-place'),
            zone: q('path.cm-zone'), crossings: q('.cm-crossing'),
            answer: document.querySelector('.cm-legend .cm-answer').textContent};
}"""


def test_control_older_than_the_theatre_s_limit_is_not_drawn(page, tmp_path):
    """The 2017-05/06 control reports, then a clash on 2017-10-01 with no control: on that
    day every claim is over 90 days old (the seeds' theatre's limit), so no place and no
    area is drawn; back on 2017-06-02 they are."""
    import geopandas as gpd
    import pandas as pd
    from browser_util import event_row

    events = control_events()
    later = event_row(9, 35.0, 40.5, "2017-10-01", "2017-10-01", location="Place E")
    events = gpd.GeoDataFrame(pd.concat([events, gpd.GeoDataFrame([later], crs="EPSG:4326")],
                                        ignore_index=True), geometry="geometry",
                              crs="EPSG:4326")
    webmap.export_map(events, None, tmp_path / "aged.html")
    with serve(tmp_path) as base:
        watch = _open(page, base + "aged.html")
        late = page.evaluate(CONTROL_STATE)
        assert late["date"] == "2017-10-01" and (late["areas"], late["places"]) == (0, 0)
        page.evaluate("() => window.conflictmap.maps[0].setRange('2017-05-01', '2017-06-02')")
        back = page.evaluate(CONTROL_STATE)
        assert back["date"] == "2017-06-02" and back["places"] == 3 and back["areas"] == 2
    assert watch.errors == [] and watch.refused == []


@pytest.mark.slow
def test_the_default_export_is_drawn_with_no_network(page, tmp_path):
    """`conflictmap export` with no option: the page opens with every non-local request
    refused, its events, labels and rivers drawn."""
    from geo.cli import main

    assert main(["export", "--out", str(tmp_path / "default.html")]) == 0
    with serve(tmp_path) as base:
        watch = _open(page, base + "default.html")
        state = map_state(page)
        assert state["drawn"] == state["total"] > 10
        assert page.locator(".cm-label").count() > 10
        assert "Syria" in page.evaluate(
            "() => [...document.querySelectorAll('.cm-label-country span')]"
            ".map(e => e.textContent).join(' ')")
    assert watch.errors == [] and watch.refused == []


def test_slider_redraws_the_control_layers(page, tmp_path):
    """A capture on 2017-06-01 merges two hostile areas: moving the slider's end date before
    and after it changes the control-area polygons and frontline paths drawn."""
    webmap.export_map(control_events(hostile=True), None, tmp_path / "control.html")
    with serve(tmp_path) as base:
        watch = _open(page, base + "control.html")
        last = page.evaluate(CONTROL_STATE)
        assert last["date"] == "2017-06-02"
        assert (last["areas"], last["fronts"], last["places"]) == (2, 0, 3)
        assert last["zone"] == 1 and last["crossings"] >= 2
        assert "on 2017-06-02: no" in last["answer"]
        shot(page, tmp_path, "export-control-after-capture")

        page.evaluate("() => window.conflictmap.maps[0].setRange('2017-05-01', '2017-05-20')")
        before = page.evaluate(CONTROL_STATE)
        assert before["date"] == "2017-05-02"              # the latest day not after 05-20
        assert (before["areas"], before["fronts"]) == (3, 1)
        assert "on 2017-05-02" in before["answer"]
        assert page.get_attribute(".folium-map", "data-control-date") == "2017-05-02"
        shot(page, tmp_path, "export-control-before-capture")

        # the frontline's popup: both sides and the evidence, shown as text
        page.locator("path.cm-front").first.click(force=True)
        page.wait_for_selector(".leaflet-popup-content h4")
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "Frontline" in popup and "Control report 0" in popup
        assert "Islamic State holds Place A." in popup

        # the keyboard on the 'to' slider: End brings the capture back
        page.locator("input.cm-end").focus()
        page.keyboard.press("End")
        assert page.evaluate(CONTROL_STATE)["areas"] == 2
        page.keyboard.press("Home")                        # 2017-05-01: before Kurdish report
        home = page.evaluate(CONTROL_STATE)
        assert home["date"] == "2017-05-01" and (home["areas"], home["fronts"]) == (2, 1)
        page.keyboard.press("End")

        # the hostile capture report: its evidence is text in Place A's popup, never markup
        texts = page.evaluate("""() => window.conflictmap.maps[0].control.layers.place.map(
            layer => { layer.openPopup(); return layer.getPopup().getElement().innerText; })
        """)
        assert any(XSS.split("</script>")[0] in t for t in texts), texts
        assert page.locator(".leaflet-popup-content img, .leaflet-popup-content script"
                            ).count() == 0
        assert page.evaluate("() => typeof window.__xss") == "undefined"
        shot(page, tmp_path, "export-control-popup")
    assert watch.errors == [] and watch.dialogs == [] and watch.refused == []


def test_legend_toggle_button(page, tmp_path):
    webmap.export_map(control_events(), None, tmp_path / "legend.html")
    with serve(tmp_path) as base:
        watch = _open(page, base + "legend.html")
        body = page.locator(".cm-legend .cm-legend-body")
        toggle = page.locator(".cm-legend-toggle")
        assert body.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        open_box = page.locator(".cm-legend").bounding_box()
        toggle.click()
        assert not body.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        closed = page.locator(".cm-legend").bounding_box()
        assert closed["height"] < 40 < open_box["height"]
        shot(page, tmp_path, "export-legend-collapsed")
        # closed, it stays closed when the page is opened again (localStorage) ...
        page.reload()
        page.wait_for_function("() => window.conflictmap && window.conflictmap.maps.length")
        assert not body.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert body.is_visible()
        # ... and opened again, it stays open
        page.reload()
        page.wait_for_function("() => window.conflictmap && window.conflictmap.maps.length")
        assert body.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert watch.errors == [] and watch.refused == []


def test_many_events_are_clustered(page, tmp_path):
    events = many_events(3000, n_places=1500, days=60)
    webmap.export_map(events, None, tmp_path / "many.html",
                      layers=set(webmap.BASE_LAYERS) - {webmap.MENTIONS})
    with serve(tmp_path) as base:
        watch = _open(page, base + "many.html")
        page.wait_for_function("() => window.conflictmap.maps[0].paintedAt > 0")
        state = page.evaluate("""() => { const s = window.conflictmap.maps[0];
            return {clustered: s.clustered, shown: s.shown, drawn: s.drawn,
                    clusters: document.querySelectorAll('.leaflet-marker-pane .cm-cluster')
                        .length,
                    markers: document.querySelectorAll('.leaflet-marker-pane .cm-event')
                        .length, zoom: s.map.getZoom()}; }""")
        assert state["clustered"] and state["shown"] == 3000
        assert state["clusters"] > 0 and state["drawn"] < 1000
        assert state["clusters"] + state["markers"] == state["drawn"]
        first = page.locator(".cm-cluster").first.inner_text()
        assert int(first) >= 2
        shot(page, tmp_path, "export-clustered")
        # a click on a cluster zooms in; the slider narrows what is grouped
        page.locator(".cm-cluster").first.click()
        page.wait_for_function(f"() => window.conflictmap.maps[0].map.getZoom() > "
                               f"{state['zoom']}")
        page.wait_for_timeout(600)
        page.evaluate("() => window.conflictmap.maps[0].setRange('2017-01-01', '2017-01-05')")
        narrow = page.evaluate("() => window.conflictmap.maps[0].shown")
        assert 0 < narrow < 600
    assert watch.errors == [] and watch.refused == []


# -- the dashboard's compact map (popups=False): what a click reports ---------------------

REPORT_CLICKS = """() => {
    // what streamlit-folium's onLayerClick reads of a click on a layer of the map: the
    // clicked point and the text content of the clicked marker's tooltip
    const s = window.conflictmap.maps[0];
    window.__clicks = [];
    s.group.on('click', e => {
        const span = document.createElement('span');
        span.innerHTML = e.sourceTarget.getTooltip().getContent();
        window.__clicks.push({lat: e.latlng.lat, lng: e.latlng.lng,
                              tip: (span.textContent || span.innerText).trim()});
    });
}"""


PICK_CELL = """() => {   // mark a counted marker of a cell whose events are at several points
    let found = false;
    window.conflictmap.maps[0].map.eachLayer(l => {
        const tip = l.getTooltip && l.getTooltip() && l.getTooltip().getContent();
        if (!found && typeof tip === 'string' && tip.includes(' km cell') && l._icon) {
            l._icon.setAttribute('data-pick', '1');
            found = true;
        }
    });
    return found;
}"""


def _clicked(page, n: int = 1) -> dict:
    page.wait_for_function(f"() => window.__clicks.length >= {n}", timeout=5000)
    last = page.evaluate("() => window.__clicks[window.__clicks.length - 1]")
    return {"last_object_clicked": {"lat": last["lat"], "lng": last["lng"]},
            "last_object_clicked_tooltip": last["tip"]}


def test_dashboard_map_reports_the_clicked_event_and_escapes(page, tmp_path):
    from browser_util import synthetic_mentions

    from geo import dashboard

    events = synthetic_events()
    m = webmap.build_map(events, synthetic_mentions(), popups=False, time_slider=False,
                         compact=True)
    (tmp_path / "dash.html").write_text(webmap.map_html(m), "utf-8")
    with serve(tmp_path) as base:
        watch = _open(page, base + "dash.html")
        assert map_state(page) == {"total": 5, "shown": 5, "drawn": 5}
        page.evaluate(REPORT_CLICKS)
        texts = page.evaluate("""() => window.conflictmap.maps[0].events.map(g => {
            g.marker.openTooltip(); return g.marker.getTooltip().getElement().innerText; })""")
        assert any("<script>window.__xss=1</script>" in t for t in texts)   # shown as text
        assert not any("#e:" in t for t in texts)             # the reference is hidden
        page.locator(".cm-event").nth(2).click()               # the hostile event
        picked = dashboard.clicked_events(events, _clicked(page))
        assert picked["event_id_cnty"].tolist() == ["SYR2"]
        assert page.locator(".leaflet-popup").count() == 0      # no popup: listed beside
        assert page.evaluate("() => typeof window.__xss") == "undefined"
        shot(page, tmp_path, "dashboard-compact-xss")
    assert watch.errors == [] and watch.dialogs == [] and watch.refused == []


def test_dashboard_map_groups_list_and_zoom(page, tmp_path):
    from geo import dashboard

    events = many_events(3000, n_places=150, days=30)
    by_point = webmap.build_map(events, popups=False, time_slider=False, compact=True,
                                aggregate_above=1000, layers={"Events", "Country borders"})
    by_cell = webmap.build_map(events, popups=False, time_slider=False, compact=True,
                               aggregate_above=1000, max_markers=40, layers={"Events"})
    (tmp_path / "points.html").write_text(webmap.map_html(by_point), "utf-8")
    (tmp_path / "cells.html").write_text(webmap.map_html(by_cell), "utf-8")
    with serve(tmp_path) as base:
        watch = _open(page, base + "points.html")
        state = page.evaluate("""() => { const s = window.conflictmap.maps[0];
            return {total: s.total, groups: s.groups, drawn: s.drawn, zoom: s.map.getZoom(),
                    marks: document.querySelectorAll('.leaflet-marker-pane .cm-group')
                        .length}; }""")
        assert state["total"] == 3000 and state["groups"] == by_point.conflictmap_stats[
            "groups"] > 0
        assert state["marks"] == state["groups"] == state["drawn"]    # not clustered further
        shot(page, tmp_path, "dashboard-groups-by-point")
        page.evaluate(REPORT_CLICKS)
        group = page.locator(".cm-group").first
        n = int(group.inner_text())
        group.click()
        clicked = _clicked(page)
        assert f"{n} events at this point" in clicked["last_object_clicked_tooltip"]
        assert len(dashboard.clicked_events(events, clicked)) == n       # listed beside
        assert page.evaluate("() => window.conflictmap.maps[0].map.getZoom()") == \
            state["zoom"]                                                # a point: no zoom

        watch_cells = _open(page, base + "cells.html")
        zoom = page.evaluate("() => window.conflictmap.maps[0].map.getZoom()")
        page.evaluate(REPORT_CLICKS)
        assert page.evaluate(PICK_CELL)
        cell = page.locator(".cm-group[data-pick]")
        n = int(cell.inner_text())
        cell.click()
        clicked = _clicked(page)
        assert " km cell" in clicked["last_object_clicked_tooltip"]
        assert len(dashboard.clicked_events(events, clicked)) == n
        page.wait_for_function(f"() => window.conflictmap.maps[0].map.getZoom() > {zoom}")
        shot(page, tmp_path, "dashboard-groups-by-cell-zoomed")
    assert watch.errors == [] and watch.refused == []
    assert watch_cells.errors == [] and watch_cells.refused == []
