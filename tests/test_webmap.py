"""The HTML map: markers, escaping of article text, offline assets, time filter, export."""

import re

import pytest
from browser_util import XSS, synthetic_events, synthetic_mentions

from gazetteer.errors import InputError
from geo import assets, webmap
from geo.cli import main

REMOTE_LOAD = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
                         r"(?:https?:)?//", re.IGNORECASE)


def _n_event_records(page: str) -> int:
    return page.count('"shape":')


@pytest.fixture(scope="module")
def synthetic_page():
    m = webmap.build_map(synthetic_events(), synthetic_mentions())
    return m, webmap.map_html(m, self_contained=True)


def test_markers_and_layers(synthetic_page):
    m, page = synthetic_page
    assert m.conflictmap_stats == {"events": 5, "unlocated": 1, "mentions": 2,
                                   "in_corridor": 3}
    assert _n_event_records(page) == 5
    for name in webmap.LAYERS + (webmap.OSM,):
        assert f'"{name}"' in page.replace("\\u2013", "–")
    assert "#2e7d32" in page and "#1565c0" in page     # bloc colours from actors.toml
    assert '"radius": 30000.0' in page                  # 30 km uncertainty, in metres


def test_popups_escape_article_text(synthetic_page):
    _, page = synthetic_page
    assert "window.__xss" in page                       # the payload is there, inert
    for raw in ("<script>window.__xss", "<img src=x", "onerror=\"window", "</script><script>w"):
        assert raw not in page
    assert "\\u0026lt;img src=x onerror=\\u0026quot;window.__xss=2\\u0026quot;\\u0026gt;" in page


def test_event_popup_html_is_escaped_and_highlighted():
    events = synthetic_events()
    styles = webmap.bloc_styles()
    triggers = webmap._trigger_patterns()
    bad = webmap.event_popup(events.iloc[2], styles, triggers)
    assert "<script" not in bad and "<img" not in bad
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in bad
    good = webmap.event_popup(events.iloc[0], styles, triggers)
    assert '<mark class="cm-trigger">clashed</mark>' in good
    assert '<mark class="cm-place">Umm Jrais</mark>' in good
    assert "Iran-aligned axis" in good and "Article 0" in good and "2017-05-01" in good


def test_highlight_matches_transliteration_variants():
    spans = webmap._place_spans("Clashes went on in Raqqa city.", ["Ar Raqqah"])
    assert spans == [(19, 24)]
    assert webmap.highlight("a <b> c", [(2, 5, "x")]) == 'a <mark class="x">&lt;b&gt;</mark> c'


def test_self_contained_page_loads_nothing_remote(synthetic_page):
    _, page = synthetic_page
    assert not REMOTE_LOAD.search(page)
    assert 'window.L=t' in page.replace(" ", "")          # Leaflet itself is inlined
    assert "url(data:image/png;base64," in page           # with leaflet.css's images
    for lib in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers"):
        assert lib not in page.lower()


def test_cdn_version_references_only_leaflet():
    m = webmap.build_map(synthetic_events(hostile=False))
    page = webmap.map_html(m, self_contained=False)
    refs = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)
    assert sorted(refs) == sorted(assets.cdn_urls().values())
    assert all(u.startswith(assets.cdn_base()) for u in refs)
    assert "window.L=t" not in page.replace(" ", "")


def test_asset_files_are_installed():
    paths = assets.asset_paths()
    assert {"leaflet.js", "leaflet.css", "images/layers.png"} <= set(paths)
    assert all(p.is_file() for p in paths.values())
    assert assets.leaflet_version() in assets.cdn_base()
    urls = assets.data_urls()
    assert urls["leaflet.js"].startswith("data:text/javascript;base64,")


def test_time_filter_script_present(synthetic_page):
    _, page = synthetic_page
    for needle in ("cm.addEvents(", "cm-start", "cm-end", "cm-play", "setRange", '"d0":',
                   '"d1":'):
        assert needle in page
    no_slider = webmap.map_html(webmap.build_map(synthetic_events(), time_slider=False))
    assert '{"slider": false}' in no_slider


def test_date_range_filter_in_python():
    ev = synthetic_events(hostile=False)
    assert len(webmap.in_date_range(ev)) == 6
    # overlap of [first_date, last_date] with [start, end]: 2017-05-29..06-01 overlaps 05-31
    assert list(webmap.in_date_range(ev, "2017-05-11", "2017-05-31").event_id_cnty) == [
        "SYR1", "SYR2", "SYR3", "SYR5"]
    m = webmap.build_map(ev, start="2017-05-11", end="2017-05-31")
    assert m.conflictmap_stats["events"] == 3 and m.conflictmap_stats["unlocated"] == 1
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        webmap.in_date_range(ev, "31/05/2017")
    with pytest.raises(InputError, match="after"):
        webmap.in_date_range(ev, "2017-06-01", "2017-05-01")


def test_layer_selection():
    m = webmap.build_map(synthetic_events(), layers={"Events"})
    page = webmap.map_html(m)
    assert _n_event_records(page) == 5
    assert '"Country borders"' not in page and "geo_json_" not in page
    m = webmap.build_map(synthetic_events(), layers={"Country borders", "Border corridor"})
    assert m.conflictmap_stats["events"] == 0 and "cm.addEvents(" not in webmap.map_html(m)
    with pytest.raises(ValueError, match="unknown layer"):
        webmap.build_map(synthetic_events(), layers={"Frontlines"})
    with pytest.raises(ValueError, match="corridor width"):
        webmap.build_map(synthetic_events(), corridor_km=0)


def test_export_writes_atomically(tmp_path):
    out = webmap.export_map(synthetic_events(), None, tmp_path / "map.html", corridor_km=20)
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_failing_export_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "map.html"
    with pytest.raises(ValueError):
        webmap.export_map(synthetic_events(), None, target, corridor_km=-1)
    assert not list(tmp_path.iterdir())

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(webmap.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        webmap.export_map(synthetic_events(), None, target)
    assert not list(tmp_path.iterdir())            # the temporary file is gone too
    monkeypatch.undo()
    target.write_text("old map", "utf-8")
    monkeypatch.setattr(webmap.os, "replace", broken_replace)
    with pytest.raises(OSError):
        webmap.export_map(synthetic_events(), None, target)
    assert target.read_text("utf-8") == "old map"  # an existing map is left as it was
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
    with pytest.raises(InputError, match="does not exist"):
        webmap.export_map(synthetic_events(), None, tmp_path / "no" / "map.html")


@pytest.mark.parametrize("argv, message", [
    (["--start", "2017-13-01"], "bad --start date"),
    (["--end", "yesterday"], "bad --end date"),
    (["--start", "2017-06-02", "--end", "2017-06-01"], "after"),
    (["--corridor-km", "0"], "corridor-km"),
])
def test_cli_bad_dates_exit_3(tmp_path, capsys, argv, message):
    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out), *argv]) == 3
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
def test_seed_events_all_drawn(gaz):
    from geo.articles import bundled_seeds
    from geo.event_table import events_frame
    from geo.mentions import mentions_frame
    from geo.pipeline import article_events

    articles = bundled_seeds()
    events = events_frame(article_events(articles, gaz))
    mentions = mentions_frame({a.id: a.text for a in articles}, gaz)
    located = int((events.geometry.notna() & ~events.geometry.is_empty).sum())
    assert located >= 10      # the seeds' located events (the count follows the extractor)
    m = webmap.build_map(events, mentions)
    page = webmap.map_html(m)
    assert m.conflictmap_stats["events"] == located == _n_event_records(page)
    assert m.conflictmap_stats["unlocated"] == len(events) - located
    assert m.conflictmap_stats["mentions"] >= 20
    assert m.conflictmap_stats["in_corridor"] >= 1
    assert "cm-trigger" in page and "cm-place" in page


@pytest.mark.slow
def test_cli_export_on_seeds(tmp_path, capsys):
    out = tmp_path / "map.html"
    assert main(["export", "--out", str(out), "--self-contained", "--corridor-km", "30",
                 "--start", "2017-05-01"]) == 0
    page = out.read_text("utf-8")
    assert not REMOTE_LOAD.search(page) and "cm.addEvents(" in page
    assert "5 articles" in capsys.readouterr().err
    cdn = tmp_path / "cdn.html"
    assert main(["export", "--out", str(cdn)]) == 0
    assert assets.cdn_urls()["leaflet.js"] in cdn.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdn.html", "map.html"]
    assert XSS not in page


def test_bloc_colours_can_be_overridden_and_are_sanitised():
    styles = webmap.bloc_styles({"iran_axis": "#123456", "us_coalition": '"><script>x'})
    assert styles["iran_axis"] == ("Iran-aligned axis", "#123456")
    assert styles["us_coalition"][1] == webmap.UNKNOWN_COLOR
    page = webmap.map_html(webmap.build_map(synthetic_events(), blocs={"iran_axis": "#123456"}))
    assert '"color": "#123456"' in page


def test_local_asset_urls_for_a_dashboard():
    urls = assets.data_urls()
    m = webmap.build_map(synthetic_events(hostile=False), asset_urls=urls)
    cdn = webmap.map_html(m, self_contained=False)
    assert f'<script src="{urls["leaflet.js"]}"></script>' in cdn
    assert not REMOTE_LOAD.search(cdn)
    assert not REMOTE_LOAD.search(webmap.map_html(m, self_contained=True))


def test_place_highlight_survives_empty_names_and_sentences():
    from geo.webmap import _place_spans

    assert _place_spans("", ["", "Mosul"]) == []
    assert _place_spans("Fighting in Mosul.", ["", " ", "Mosul"]) == [(12, 17)]
