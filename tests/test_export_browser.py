"""Exported maps in a real browser: Debian chromium through Playwright, every request that is
not to 127.0.0.1 (or file:/data:) refused. The self-contained page is served as it is; the
CDN version gets Leaflet's CDN URLs answered from the local files (``geo.assets``)."""

from __future__ import annotations

import pytest
from browser_util import Watch, map_state, serve, shot, synthetic_events

from geo import assets, webmap

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


@pytest.mark.slow
@pytest.mark.parametrize("self_contained", [True, False], ids=["self-contained", "cdn"])
def test_seed_map_in_chromium(page, tmp_path, gaz, self_contained):
    from geo.articles import bundled_seeds
    from geo.event_table import events_frame
    from geo.mentions import mentions_frame
    from geo.pipeline import article_events

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
        assert page.locator(".leaflet-control-layers-overlays label").count() == 6
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
