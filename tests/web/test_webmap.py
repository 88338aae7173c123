"""The HTML map: markers, escaping of article text, offline assets, time filter, export, and
the territorial-control layers embedded for the slider's step dates."""

import json
import os
import re

import pytest
from browser_util import XSS, control_events, synthetic_events, synthetic_mentions

from geo.cli import main
from geo.errors import InputError, OutputError
from geo.web import assets
from geo.web import html as web_html
from geo.web import map as webmap
from geo.web import popups as web_popups

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
    stats = dict(m.conflictmap_stats)
    # no control reported: only crossings, the zone and the land corridor's gaps
    assert stats.pop("control_dates") == 8 and stats.pop("control_features") >= 5
    assert stats.pop("not_drawn") == {}             # every control layer was computed
    assert stats.pop("labels") > 10                 # countries, towns, the events' places
    assert stats == {"events": 5, "unlocated": 1, "mentions": 2, "in_corridor": 3}
    assert _n_event_records(page) == 5
    # the borders of interest and corridors are named after their theatre's countries
    for name in (webmap.EVENTS, webmap.MENTIONS, webmap.COUNTRIES, webmap.WATER,
                 webmap.LABELS, "Iraq–Syria border",
                 "Iraq–Syria border corridor") + webmap.CONTROL_LAYERS + (webmap.OSM,):
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
    triggers = web_popups.trigger_patterns()
    bad = web_popups.event_popup(events.iloc[2], styles, triggers)
    assert "<script" not in bad and "<img" not in bad
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in bad
    good = web_popups.event_popup(events.iloc[0], styles, triggers)
    assert '<mark class="cm-trigger">clashed</mark>' in good
    assert '<mark class="cm-place">Umm Jrais</mark>' in good
    assert "Iran-aligned axis" in good and "Article 0" in good and "2017-05-01" in good


def test_highlight_matches_transliteration_variants():
    spans = web_popups.place_spans("Clashes went on in Raqqa city.", ["Ar Raqqah"])
    assert spans == [(19, 24)]
    assert web_html.highlight("a <b> c", [(2, 5, "x")]) == 'a <mark class="x">&lt;b&gt;</mark> c'


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
    assert '{"slider": false, ' in no_slider


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
        webmap.build_map(synthetic_events(), layers={"Front lines"})
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

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="disk full"):
        webmap.export_map(synthetic_events(), None, target)
    assert not list(tmp_path.iterdir())            # the temporary file is gone too
    monkeypatch.undo()
    target.write_text("old map", "utf-8")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError):
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
    from geo.events.pipeline import article_events
    from geo.events.table import events_frame
    from geo.text.articles import bundled_seeds
    from geo.text.mentions import mentions_frame

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
    default = tmp_path / "default.html"             # self-contained without being asked
    assert main(["export", "--out", str(default)]) == 0
    assert not REMOTE_LOAD.search(default.read_text("utf-8"))
    cdn = tmp_path / "cdn.html"
    assert main(["export", "--out", str(cdn), "--cdn"]) == 0
    assert assets.cdn_urls()["leaflet.js"] in cdn.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdn.html", "default.html",
                                                          "map.html"]
    assert XSS not in page
    assert main(["export", "--out", str(tmp_path / "x.html"), "--cdn",
                 "--self-contained"]) == 2


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

    assert web_popups.place_spans("", ["", "Mosul"]) == []
    assert web_popups.place_spans("Fighting in Mosul.", ["", " ", "Mosul"]) == [(12, 17)]


# -- territorial control -------------------------------------------------------------------

def control_payload(page: str) -> dict | None:
    """The control data a page hands ``cm.addControl`` (None when it has none)."""
    m = re.search(r"cm\.addControl\(map, state, \{[^}]*\}, ", page)
    if m is None:
        return None
    data, _ = json.JSONDecoder().raw_decode(page, m.end())
    return data


def _counts(data: dict, day: str) -> dict[str, int]:
    (snap,) = [s for s in data["snapshots"] if s["date"] == day]
    out: dict[str, int] = {}
    for fi, _conf in snap["f"]:
        key = data["features"][fi]["l"]
        out[key] = out.get(key, 0) + 1
    return out


@pytest.fixture(scope="module")
def control_page():
    m = webmap.build_map(control_events(hostile=True))
    return m, webmap.map_html(m)


def test_control_layers_embedded_for_each_event_day(control_page):
    m, page = control_page
    data = control_payload(page)
    assert data["dates"] == ["2017-05-01", "2017-05-02", "2017-06-01", "2017-06-02"]
    assert m.conflictmap_stats["control_dates"] == 4
    # IS and Iran-aligned areas meet in a frontline until the capture of Place A ...
    before = _counts(data, "2017-05-02")
    assert (before["place"], before["area"], before["front"]) == (3, 3, 1)
    assert before["gap"] >= 1                  # no Iran-aligned path to Damascus
    assert _counts(data, "2017-05-01")["area"] == 2
    # ... after it, one Iran-aligned area (the two cells dissolved) and no frontline
    after = _counts(data, "2017-06-01")
    assert after["area"] == 2 and "front" not in after and after["place"] == 3
    # static features: the border crossings and the al-Tanf zone
    static = [data["features"][i]["l"] for i in data["static"]]
    assert static.count("zone") == 1 and static.count("cross") >= 2
    # the land-corridor answer for each day, plain text
    assert all(s["answer"] == "no" and s["date"] in s["text"] for s in data["snapshots"])
    # every layer in the layer control and the legend
    for name in webmap.CONTROL_LAYERS:
        assert f'"{name}"' in page
    assert "cm-answer" in page and "Territorial control" in page


def test_control_geometry_is_geojson_lon_lat_rounded(control_page):
    _, page = control_page
    data = control_payload(page)
    places = [data["geoms"][f["g"]] for f in data["features"] if f["l"] == "place"]
    assert {tuple(g["coordinates"]) for g in places} == {(40.9, 34.4), (41.2, 34.4),
                                                         (41.0, 36.6)}    # (lon, lat)
    for g in data["geoms"]:
        assert g["type"] in ("Point", "LineString", "MultiLineString", "Polygon",
                             "MultiPolygon")
        flat = json.dumps(g["coordinates"])
        assert not re.search(r"\.\d{6,}", flat)             # at most 5 decimals
    # shared geometries are not repeated: Place A's point is one entry for four days
    assert len({json.dumps(g) for g in data["geoms"]}) == len(data["geoms"])


def test_control_dates_follow_the_export_range():
    ev = control_events()
    data = control_payload(webmap.map_html(webmap.build_map(
        ev, start="2017-05-02", end="2017-06-01")))
    assert data["dates"] == ["2017-05-02", "2017-06-01"]
    # reports before the range still count: IS holds Place A (reported 05-01) on 05-02
    assert _counts(data, "2017-05-02")["area"] == 3


def test_many_event_days_are_sampled_keeping_the_last():
    from geo.layers.snapshots import step_dates

    ev = synthetic_events(hostile=False)
    days = step_dates(ev)
    assert days == sorted(days) and days[0] == "2017-05-01" and days[-1] == "2017-06-04"
    assert "2017-05-10" in days and "2017-05-12" in days        # first and last days
    assert step_dates(ev, max_dates=3) == ["2017-05-01", "2017-05-20", "2017-06-04"]
    rows = [dict(ev.iloc[0]) | {"event_date": f"2017-{1 + k // 28:02d}-{1 + k % 28:02d}",
                                "first_date": None, "last_date": None} for k in range(200)]
    import geopandas as gpd

    many = step_dates(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))
    assert len(many) == 60 and many[0] == "2017-01-01" and many[-1] == "2017-08-04"
    m = webmap.build_map(ev, max_control_dates=2)
    assert control_payload(webmap.map_html(m))["dates"] == ["2017-05-01", "2017-06-04"]


def test_control_evidence_escapes_untrusted_text(control_page):
    _, page = control_page
    for raw in ("<script>window.__xss", "<img src=x", 'onerror="window', "</script><script>w"):
        assert raw not in page
    data = control_payload(page)
    escaped = "PMU captured &lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x " \
              "onerror=&quot;window.__xss=2&quot;&gt;"
    hits = [e for e in data["evidence"] if escaped in e]
    assert hits and "<b>&lt;script&gt;" in hits[0]               # the title too
    # the capture's evidence is listed for Place A (control place) and its area
    idx = data["evidence"].index(hits[0])
    kinds = {f["l"] for f in data["features"] if idx in f.get("ev", [])}
    assert {"place", "area"} <= kinds
    # names are escaped too, and nothing but evidence and names carries article text
    xss_place = control_events(hostile=False).assign(location=XSS)
    data = control_payload(webmap.map_html(webmap.build_map(xss_place)))
    assert XSS not in json.dumps(data) and any("&lt;script&gt;" in n for n in data["names"])


@pytest.mark.parametrize("rough_place, rough_bloc", [("Place B", "iran_axis"),
                                                     ("Place A", "islamic_state")])
def test_approximate_areas_and_frontlines_are_marked_in_the_page(rough_place, rough_bloc):
    """A holder placed approximately (±40 km): its area and the frontline it makes carry
    ``ap`` (drawn dashed, hatched, and said in the popup); the other side's area does not."""
    ev = control_events()
    rough = ev.location == rough_place
    ev["approximate"] = rough
    ev["uncertainty_km"] = rough.map({True: 40.0, False: None})
    data = control_payload(webmap.map_html(webmap.build_map(ev, max_control_dates=2)))
    blocs = [b[0] for b in data["blocs"]]
    areas = [f for f in data["features"] if f["l"] == "area"]
    fronts = [f for f in data["features"] if f["l"] == "front"]
    assert fronts and all(f["ap"] == 1 for f in fronts)
    marked = {blocs[f["b"]] for f in areas if f["ap"]}
    assert rough_bloc in marked and {blocs[f["b"]] for f in areas} - marked


def test_every_drawn_layer_declares_its_features_and_the_page_draws_each_kind():
    """The registry is the one place a layer is declared: each layer of the map's menu says
    how its rows become features, with fields the encoder knows, and how the page draws and
    describes them, with a figure the page script draws and templates that name only the
    feature's own properties and formats the script has."""
    import re

    from geo.layers.registry import MAP_LAYERS
    from geo.web.encode import _encode_value, _Tables

    script, tables = assets.own_asset("conflictmap.js"), _Tables({}, 0.0, None)
    formats = set(re.findall(r"^      (\w+): function", script, re.M))
    assert {"bloc", "names", "km", "approx"} <= formats
    for layer in MAP_LAYERS:
        assert layer.features, layer.name
        for feature in layer.features.values():
            draw = feature.draw
            assert draw is not None and f'k.figure === "{draw.figure}"' in script, feature.key
            props = {f.prop for f in feature.fields} | {f.more for f in feature.fields}
            templates = [draw.title, draw.title_contested, draw.text, draw.tip,
                         draw.tip_contested, *(t for row in draw.rows for t in row)]
            for prop, how, arg in re.findall(r"\{(\w+)(?:\|(\w+))?(?:\|(\w+))?\}",
                                             " ".join(templates)):
                assert prop in props and (not how or how in formats), (feature.key, prop, how)
                assert not arg or arg in props
            for field in feature.fields:
                if field.kind == "names":
                    assert field.more
                else:
                    _encode_value(field.kind, None, tables)     # raises for an unknown kind
    with pytest.raises(ValueError, match="unknown field kind"):
        _encode_value("colour", None, tables)


def test_control_layer_selection_and_no_control():
    ev = control_events()
    m = webmap.build_map(ev, layers={"Events", "Frontlines", "Land corridor"})
    data = control_payload(webmap.map_html(m))
    assert {f["l"] for f in data["features"]} == {"front", "path", "gap"}
    page = webmap.map_html(webmap.build_map(ev, layers=set(webmap.BASE_LAYERS)))
    assert control_payload(page) is None and "Territorial control" not in page


def test_legend_toggle_and_clustering_options():
    page = webmap.map_html(webmap.build_map(synthetic_events(hostile=False), compact=True))
    assert "cm.addLegend(map, " in page and '{"collapsed": true}' in page
    assert '"clusterAbove": 2000' in page
    page = webmap.map_html(webmap.build_map(synthetic_events(hostile=False), cluster_above=3))
    assert '"clusterAbove": 3' in page and "Numbered circles group nearby events" in page


# -- the dashboard's compact map (popups=False, geo.web.markers) --------------------------------

def events_data(page: str):
    """The events' data a page hands ``cm.addEvents`` (a list of records, or the compact
    form of ``geo.web.markers.payload``)."""
    m = re.search(r"cm\.addEvents\(map, \w+,\s*", page)
    data, _ = json.JSONDecoder().raw_decode(page, m.end())
    return data


def test_dashboard_map_carries_no_article_text():
    m = webmap.build_map(synthetic_events(), synthetic_mentions(), popups=False,
                         time_slider=False, layers=set(webmap.BASE_LAYERS))
    page = webmap.map_html(m)
    data = events_data(page)
    assert isinstance(data, dict) and data["total"] == 5 and data["groups"] is None
    assert m.conflictmap_stats["events"] == 5 and m.conflictmap_stats["groups"] == 0
    # no popups and no sentence, title or outlet of any article in the events' data
    text = json.dumps(data)
    for needle in ("popup", "clashed", "Fighters", "Article 0", "Test Wire", "<blockquote"):
        assert needle not in text
    # the events' sentences are nowhere in the page; place mentions keep their popups
    assert "clashed" not in page and "Fighting near" in page
    # the hostile location is there once, escaped, in the table of place names
    assert XSS not in page
    assert [p for p in data["places"] if "&lt;script&gt;" in p] == [
        "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss=2"
        "&quot;&gt;&lt;/script&gt;&lt;script&gt;window.__xss=3&lt;/script&gt;"]
    for raw in ("<script>window.__xss", "<img src=x", 'onerror="window'):
        assert raw not in page


def test_dashboard_records_match_the_exported_ones():
    from geo.web.markers import records

    events = synthetic_events()
    full = web_popups.event_records(events[events.geometry.notna()], webmap.bloc_styles(), None)
    data = events_data(webmap.map_html(webmap.build_map(events, popups=False)))
    compact = records(data)
    assert len(compact) == len(full) == 5
    for a, b in zip(compact, full, strict=True):
        assert (a["lat"], a["lon"], a["color"], a["shape"], a["approx"], a["radius"],
                a["d0"], a["d1"]) == (b["lat"], b["lon"], b["color"], b["shape"],
                                      b["approx"], b["radius"], b["d0"], b["d1"])
        assert b["tip"].startswith(f"{a['type']}: {a['place']} (")
    assert [r["id"] for r in compact] == ["SYR0", "SYR1", "SYR2", "SYR3", "SYR4"]


def test_dashboard_fans_out_events_at_one_point():
    events = synthetic_events(hostile=False)
    events.loc[[0, 1, 2], "geometry"] = events.geometry[0]
    ev = events_data(webmap.map_html(webmap.build_map(events, popups=False)))["events"]
    assert sorted(zip(ev["fk"], ev["fn"], strict=True)) == [(0, 1), (0, 1), (0, 3), (1, 3),
                                                           (2, 3)]


def test_aggregated_payload_counts_every_event_once():
    from browser_util import many_events

    from geo.web import markers

    events = many_events(3000, n_places=150, days=30)
    m = webmap.build_map(events, popups=False, aggregate_above=1000, time_slider=False,
                         layers={"Events"})
    data = events_data(webmap.map_html(m))
    groups = data["groups"]
    assert data["cell_m"] == 0                         # 150 places: grouped by point
    assert sum(groups["n"]) + len(data["events"]["lat"]) == 3000 == data["total"]
    assert m.conflictmap_stats["events"] == 3000
    assert m.conflictmap_stats["groups"] == len(groups["n"]) <= 150
    lat = events.geometry.y.to_numpy()
    lon = events.geometry.x.to_numpy()
    for key, n, box in zip(groups["key"], groups["n"], groups["box"], strict=True):
        members = markers.cell_members(lat, lon, key)
        assert members.sum() == n and box[0] == box[2]          # one point
    # fewer markers allowed: cells of a grid in metres, still every event once
    small = markers.payload(markers.marker_table(events, webmap.bloc_styles()),
                            aggregate_above=1000, max_markers=40)
    assert small["cell_m"] >= 1000
    assert sum(small["groups"]["n"]) + len(small["events"]["lat"]) == 3000
    assert len(small["groups"]["n"]) + len(small["events"]["lat"]) <= 40
    seen = sum(int(markers.cell_members(lat, lon, k).sum()) for k in small["groups"]["key"])
    assert seen == sum(small["groups"]["n"])
    for k, (s, w, n, e) in zip(small["groups"]["key"], small["groups"]["box"], strict=True):
        inside = markers.cell_members(lat, lon, k)
        assert (lat[inside] >= s - 1e-5).all() and (lat[inside] <= n + 1e-5).all()
        assert (lon[inside] >= w - 1e-5).all() and (lon[inside] <= e + 1e-5).all()
    # below the threshold: one record per event
    few = markers.payload(markers.marker_table(events, webmap.bloc_styles()),
                          aggregate_above=5000)
    assert few["groups"] is None and len(few["events"]["lat"]) == 3000


def test_grid_cells_are_squares_in_metres():
    import numpy as np

    from geo.web import markers

    # from the centre: 0.46 km and 18.4 km east, 9.4 km and 10.5 km north
    lat = np.array([34.0, 34.0, 34.0, 34.085, 34.095])
    lon = np.array([40.0, 40.005, 40.2, 40.0, 40.0])
    keys = markers.cell_keys(lat, lon, 10_000, centre=(34.0, 40.0))
    assert keys[0] == keys[1] == keys[3] == "g10000@34.0,40.0:0,0"
    assert keys[2] == "g10000@34.0,40.0:1,0" and keys[4] == "g10000@34.0,40.0:0,1"
    assert markers.cell_members(lat, lon, keys[0]).tolist() == [True, True, False, True,
                                                                False]
    assert not markers.cell_members(lat, lon, "nonsense").any()
    assert markers.parse_ref("Battles: Mosul (2017-06-01) #e:SYR12") == ("e", "SYR12")
    assert markers.parse_ref(f"12 events #c:{keys[0]}") == ("c", keys[0])
    assert markers.parse_ref("Battles: Mosul (2017-06-01)") is None


def test_template_syntax_in_article_text_is_not_evaluated():
    events = synthetic_events(hostile=False)
    events.loc[0, "sources"] = json.dumps([{
        "article": "x", "title": "T {{ 7*7 }} T",
        "sentence": "S {{ 6*7 }} S {% if true %}IF{% endif %} {# c #} C"}])
    events.loc[1, "location"] = "L {{ 5*5 }} L"
    for popups in (True, False):
        page = webmap.map_html(webmap.build_map(events, popups=popups))
        assert "T 49 T" not in page and "S 42 S" not in page and "L 25 L" not in page
        assert " C" in page or not popups
        data = events_data(page)
        text = json.dumps(data)
        assert "L {{ 5*5 }} L" in text                 # as written, once decoded
        if popups:
            assert "T {{ 7*7 }} T" in text and "{% if true %}IF{% endif %} {# c #}" in text


def test_safe_json_escapes_markup_and_template_openers():
    text = webmap.safe_json({"a": "</script><b>&{{x}}{%y%}{#z#}", "b": [{"c": {}}]})
    assert json.loads(text) == {"a": "</script><b>&{{x}}{%y%}{#z#}", "b": [{"c": {}}]}
    for raw in ("<", ">", "&", "{{", "{%", "{#"):
        assert raw not in text
    assert webmap.safe_json(text) is text                # already safe: passed through


# -- the dashboard's per-corpus encoding memo, raw geometries, borders by URL, legend state --

def test_encoding_with_a_memo_gives_the_same_page_data_day_after_day():
    from geo.layers.snapshots import compute_snapshots
    from geo.web import encode as map_layers
    from geo.web.encode import EncodeMemo, GeoJSON, evidence_lookup

    events = control_events(hostile=True)
    days = ["2017-05-01", "2017-05-02", "2017-06-01", "2017-06-02"]
    snaps = compute_snapshots(events, days)
    styles = webmap.bloc_styles()
    evidence, memo = evidence_lookup(events), EncodeMemo()
    for keys in (None, {"area", "place"}, {"front", "cross", "zone", "path"}):
        for day in days + days[:2]:            # a day again: all from the memo
            fresh = map_layers.encode_snapshots({day: snaps[day]}, styles, events, keys)
            kept = map_layers.encode_snapshots({day: snaps[day]}, styles, events, keys,
                                               evidence=evidence, memo=memo)
            assert webmap.safe_json(kept) == webmap.safe_json(fresh)
            assert webmap.safe_json(kept, compact=True) == webmap.safe_json(fresh, True)
    assert memo.texts and memo.refs and memo.lookup is evidence
    # another corpus's lookup: the memo starts afresh rather than mixing them
    other = evidence_lookup(events.iloc[:2])
    map_layers.encode_snapshots({days[0]: snaps[days[0]]}, styles, events, evidence=other,
                                memo=memo)
    assert memo.lookup is other
    # geometries are kept as text and read as mappings
    data = map_layers.encode_snapshots(snaps, styles, events)
    assert all(isinstance(g, GeoJSON) for g in data["geoms"])
    g = data["geoms"][0]
    assert g["type"] in ("Point", "Polygon", "MultiPolygon", "LineString") and dict(g) == \
        json.loads(g.text)


def test_safe_json_writes_raw_geometries_like_json_dumps_and_cannot_be_forged():
    from geo.web.encode import GeoJSON

    text = '{"type":"Point","coordinates":[41.00001,34.5]}'
    data = {"geoms": [GeoJSON(text)], "names": ['"x:0"', "{{ 6*7 }}", "</script><b>"]}
    plain = {"geoms": [json.loads(text)], "names": data["names"]}
    for compact in (False, True):
        assert webmap.safe_json(data, compact) == webmap.safe_json(plain, compact)
    out = webmap.safe_json(data)
    assert "{{" not in out and "</script" not in out and '"\\"x:0\\""' in out
    with pytest.raises(TypeError):
        webmap.safe_json({"x": object()})


def test_country_borders_can_be_fetched_from_a_url_instead_of_embedded():
    published = {}

    def data_url(name, text):
        published[name] = text
        return "/app/static/vendor/data/countries-0123.json?<x>"

    m = webmap.build_map(synthetic_events(), None, data_url=data_url)
    page = webmap.map_html(m, self_contained=False)
    borders = json.loads(published["countries"])
    assert borders["type"] == "FeatureCollection" and len(borders["features"]) >= 5
    assert published["countries"] not in page            # not in the page: fetched
    assert 'fetch("/app/static/vendor/data/countries-0123.json?\\u003cx\\u003e")' in page
    assert 'pane: "cmBase"' in page and "country borders not loaded" in page
    assert '"Country borders"' in page                   # still in the layer control
    # no URL: embedded as before
    inline = webmap.map_html(webmap.build_map(synthetic_events(), None,
                                              data_url=lambda name, text: None), False)
    assert published["countries"] in inline and "fetch(" not in inline


def test_legend_state_is_kept_in_local_storage(synthetic_page):
    _, page = synthetic_page
    assert 'KEY = "conflictmap.legend"' in page and "localStorage" in page
