"""The dashboard's pure functions (geo/dashboard.py): filters, timeline, metrics, the play step,
sources panel escaping, downloads, and adding an article (those with the index are slow)."""

from __future__ import annotations

import json
import re
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo import dashboard as d
from geo.errors import InputError
from geo.events.table import ACLED_COLUMNS, OUR_COLUMNS


def _event(day, etype="Battles", a1="Islamic State", b1="islamic_state", a2="", b2="",
           place="geonames:1", lat=36.3, lon=43.1, sources=None, rule="attack", **kw):
    row = {c: "" for c in [*ACLED_COLUMNS, *OUR_COLUMNS]}
    row |= {"event_date": day, "event_type": etype, "actor1": a1, "bloc1": b1, "actor2": a2,
            "bloc2": b2, "place_id": place, "latitude": lat, "longitude": lon, "rule": rule,
            "approximate": False, "uncertainty_km": None, "n_sources": 1,
            "sources": json.dumps(sources or [{"article": "a1", "title": "T", "sentence": "S"}]),
            "geometry": Point(lon, lat) if lat is not None else None}
    return row | kw


@pytest.fixture()
def events():
    rows = [
        _event("2017-06-01", place="geonames:1"),
        _event("2017-06-01", "Strategic developments", "Popular Mobilization Forces",
               "iran_axis", place="geonames:2", lat=34.0, lon=41.0,
               sources=[{"article": "a2", "title": "U", "sentence": "x"}]),
        _event("2017-06-03", a1="Syrian Democratic Forces", b1="kurdish_forces",
               a2="Islamic State", b2="islamic_state", place="geonames:3", lat=35.9, lon=39.0),
        _event("2017-06-04", a1="", b1="", place="geonames:4", lat=None, lon=None),
        _event(None, place="", lat=None, lon=None),
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def test_date_bounds(events):
    assert d.date_bounds(events) == (date(2017, 6, 1), date(2017, 6, 4))
    assert d.date_bounds(events.iloc[:0]) is None


def test_filter_by_dates_actors_blocs_types(events):
    assert len(d.filter_events(events)) == 5                    # no filter: undated kept
    assert len(d.filter_events(events, date(2017, 6, 1), date(2017, 6, 3))) == 3
    assert len(d.filter_events(events, "2017-06-02", None)) == 2
    assert len(d.filter_events(events, None, "2017-06-01")) == 2
    assert len(d.filter_events(events, actors=["Islamic State"])) == 3   # actor1 or actor2
    assert len(d.filter_events(events, blocs=["kurdish_forces", "iran_axis"])) == 2
    assert len(d.filter_events(events, event_types={"Strategic developments"})) == 1
    both = d.filter_events(events, "2017-06-02", "2017-06-30", blocs=["islamic_state"])
    assert both["event_date"].tolist() == ["2017-06-03"]
    assert len(d.filter_events(events, actors=[], blocs=None, event_types=())) == 5


def test_filter_by_dates_uses_the_span_of_an_event_like_the_exported_map(events):
    from geo.web.map import in_date_range

    events = events.copy()
    events.loc[2, ["first_date", "last_date"]] = ["2017-05-28", "2017-06-03"]   # a week
    assert d.date_bounds(events) == (date(2017, 5, 28), date(2017, 6, 4))
    got = d.filter_events(events, "2017-05-30", "2017-05-31")
    assert got.index.tolist() == [2]                          # overlaps, though dated 06-03
    for lo, hi in [("2017-05-30", "2017-05-31"), ("2017-06-01", "2017-06-01"),
                   ("2017-06-04", None), (None, "2017-06-02")]:
        mine = d.filter_events(events, lo, hi).index.tolist()
        theirs = in_date_range(events.replace({"": None}), lo, hi).index.tolist()
        assert mine == theirs, (lo, hi)


def test_filter_mentions_by_publication_date():
    m = pd.DataFrame({"published": ["2017-06-01", "2017-06-04", None], "place_id": list("abc"),
                      "located": [True, True, False]})
    assert len(d.filter_mentions(m, date(2017, 6, 2), date(2017, 6, 5))) == 2   # undated kept
    assert len(d.filter_mentions(m)) == 3


def test_filter_options(events):
    opts = d.filter_options(events)
    assert opts["blocs"] == ["iran_axis", "islamic_state", "kurdish_forces"]
    assert "Syrian Democratic Forces" in opts["actors"] and "" not in opts["actors"]
    assert opts["event_types"] == ["Battles", "Strategic developments"]


def test_timeline_counts_events_per_day_by_bloc(events):
    t = d.timeline(events)
    assert list(t.columns) == ["date", "bloc", "events"]
    got = {(r.date.date().isoformat(), r.bloc): r.events for r in t.itertuples()}
    assert got == {("2017-06-01", "islamic_state"): 1, ("2017-06-01", "iran_axis"): 1,
                   ("2017-06-03", "kurdish_forces"): 1, ("2017-06-04", d.UNATTRIBUTED): 1}
    assert d.timeline(events.iloc[:0]).empty


def test_metrics(events):
    mentions = pd.DataFrame({"place_id": ["geonames:1", "geonames:9", "geonames:8"],
                             "located": [True, True, False]})
    m = d.metrics(events, mentions)
    assert m == {"events": 5, "places": 4, "sources": 2, "unlocated places": 2}
    assert d.metrics(events.iloc[:0], mentions.iloc[:0]) == {
        "events": 0, "places": 0, "sources": 0, "unlocated places": 0}


def test_date_filter_is_open_while_the_window_spans_everything():
    bounds = (date(2017, 6, 1), date(2017, 6, 10))
    assert d.date_filter(bounds, bounds) == (None, None)
    assert d.date_filter((date(2017, 6, 2), date(2017, 6, 10)), bounds) == \
        (date(2017, 6, 2), date(2017, 6, 10))
    assert d.date_filter(None, bounds) == (None, None)


def test_step_window_moves_and_stops_at_the_end():
    bounds = (date(2017, 6, 1), date(2017, 6, 10))
    assert d.step_window((date(2017, 6, 1), date(2017, 6, 3)), bounds) == \
        (date(2017, 6, 2), date(2017, 6, 4))
    assert d.step_window((date(2017, 6, 1), date(2017, 6, 8)), bounds, days=7) == \
        (date(2017, 6, 3), date(2017, 6, 10))                   # clamped, width kept
    assert d.step_window((date(2017, 6, 5), date(2017, 6, 10)), bounds) is None


def test_located(events):
    assert d.located(events)["place_id"].tolist() == ["geonames:1", "geonames:2",
                                                      "geonames:3"]


def test_events_at_a_clicked_point(events):
    assert d.events_at(events, 36.3, 43.1)["place_id"].tolist() == ["geonames:1"]
    assert d.events_at(events, 36.30001, 43.09999)["place_id"].tolist() == ["geonames:1"]
    assert d.events_at(events, 10.0, 10.0).empty


def test_events_at_one_place_told_apart_by_the_tooltip(events):
    same = events.copy()
    same.loc[:, ["latitude", "longitude"]] = [36.3, 43.1]
    same["location"] = "Mosul"
    assert len(d.events_at(same, 36.3, 43.1)) == 5
    hit = d.events_at(same, 36.3, 43.1, "Strategic developments: Mosul (2017-06-01)")
    assert hit.index.tolist() == [1]
    assert len(d.events_at(same, 36.3, 43.1, "Riots: Mosul (2017-06-01)")) == 5


def test_serve_map_assets_copies_once_and_keeps_relative_paths(tmp_path):
    src = tmp_path / "src"
    (src / "images").mkdir(parents=True)
    (src / "leaflet.js").write_text("js")
    (src / "images" / "a.png").write_bytes(b"png")
    files = {"leaflet.js": src / "leaflet.js", "images/a.png": src / "images" / "a.png"}
    dest = tmp_path / "static" / "vendor"
    urls = d.serve_map_assets(files, dest, "/app/static/vendor/")
    assert urls == {"leaflet.js": "/app/static/vendor/leaflet.js",
                    "images/a.png": "/app/static/vendor/images/a.png"}
    assert (dest / "images" / "a.png").read_bytes() == b"png"
    mtime = (dest / "leaflet.js").stat().st_mtime_ns
    d.serve_map_assets(files, dest, "/app/static/vendor")
    assert (dest / "leaflet.js").stat().st_mtime_ns == mtime          # unchanged: not copied
    (src / "leaflet.js").write_text("js v2")
    d.serve_map_assets(files, dest, "/app/static/vendor")
    assert (dest / "leaflet.js").read_text() == "js v2"


def test_sources_html_escapes_article_text_and_marks_the_trigger():
    evil = "<script>alert(1)</script>"
    row = _event("2017-06-01", location="<img src=x onerror=alert(1)>", rule="attack_verbs",
                 sources=[{"article": "a", "title": evil, "url": "javascript:alert(1)",
                           "source": "<b>x</b>", "published": "2017-06-01",
                           "sentence": "Militants <img src=x onerror=alert(2)> attacked Mosul."},
                          {"article": "b", "title": "ok", "url": "https://example.org/?a=1&b='",
                           "sentence": "plain"}])
    out = d.sources_html(row)
    assert "<script" not in out and "<img" not in out and "<b>x</b>" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=alert(2)&gt;" in out
    assert "javascript:" not in out                              # no link for a non-http URL
    assert "href='https://example.org/?a=1&amp;b=&#x27;'" in out


def test_highlight_marks_the_rule_trigger():
    out = d.highlight("PMU fighters captured the <town> of Tal Afar.", "territory_taken")
    assert out == ("PMU fighters <mark>captured</mark> the &lt;town&gt; of Tal Afar.")
    assert d.highlight("<x>", "no such rule") == "&lt;x&gt;"
    assert d.highlight("", "territory_taken") == ""


def test_plain_markdown_shows_text_as_written():
    assert d.plain_markdown("my_file*1*.txt: not UTF-8 [x](javascript:y) <b>") == (
        r"my\_file\*1\*\.txt\: not UTF\-8 \[x\]\(javascript\:y\) \<b\>")


def test_downloads(events):
    csv = d.events_csv(events).decode("utf-8")
    assert csv.splitlines()[0].startswith("event_id_cnty,event_date")
    assert "geometry" not in csv.splitlines()[0]
    assert len(pd.read_csv(pd.io.common.StringIO(csv))) == 5
    gj = json.loads(d.events_geojson(events))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 5
    first = gj["features"][0]
    assert first["geometry"]["coordinates"] == [43.1, 36.3]       # lon, lat
    assert gj["features"][3]["geometry"] is None


def test_event_table_columns(events):
    t = d.event_table(events)
    assert "geometry" not in t.columns and t.columns[0] == "event_date" and len(t) == 5


# -- with the gazetteer index -------------------------------------------------------------

NEW_ARTICLE = ("Title: Fighting near Tal Afar\nSource: Test Wire\nDate: 2017-06-06\n\n"
               "Popular Mobilization Forces captured the village of Tal Afar from Islamic "
               "State fighters, Iraqi officials said.\n")


@pytest.fixture(scope="module")
def corpus(gaz):
    from geo.actors import load_actors

    return d.seed_corpus(gaz, load_actors())


@pytest.mark.slow
def test_seed_corpus(corpus):
    assert len(corpus.articles) == 5
    assert len(corpus.events) >= 20 and len(corpus.mentions) >= 50
    assert {"title", "published"} <= set(corpus.mentions.columns)
    assert d.date_bounds(corpus.events)[1] == date(2017, 6, 4)
    m = d.metrics(corpus.events, corpus.mentions)
    assert m["sources"] == 5 and m["places"] >= 20 and m["unlocated places"] >= 1


@pytest.mark.slow
def test_add_article_adds_events_and_leaves_the_old_state(corpus, gaz):
    before = (len(corpus.articles), len(corpus.events), len(corpus.mentions))
    new = d.add_article(corpus, NEW_ARTICLE.encode("utf-8"), "tal_afar.txt", gaz)
    assert (len(corpus.articles), len(corpus.events), len(corpus.mentions)) == before
    assert len(new.articles) == before[0] + 1
    assert len(new.events) > before[1] and len(new.mentions) > before[2]
    assert d.date_bounds(new.events)[1] == date(2017, 6, 6)
    added = d.filter_events(new.events, "2017-06-06", "2017-06-06")
    assert "Fighting near Tal Afar" in added["sources"].iloc[0]
    again = d.add_article(new, "Date: 2017-06-07\n\nIS fighters attacked Mosul on Tuesday.",
                          "pasted", gaz)
    assert len(again.articles) == len(new.articles) + 1


UNDATED = ("Popular Mobilization Forces captured the village of Tal Afar from Islamic State "
           "fighters on Monday, Iraqi officials said.")


@pytest.mark.slow
@pytest.mark.parametrize("one_story", [False, True])
def test_an_undated_article_takes_the_corpus_dates_only_when_they_tell_one_story(
        corpus, gaz, one_story):
    new = d.add_article(corpus, UNDATED, "undated.txt", gaz, one_story=one_story)
    article = new.articles[-1]
    mine = new.events[new.events["sources"].str.contains(f'"{article.id}"', regex=False)]
    assert len(mine)
    days = mine["event_date"].dropna()
    if one_story:            # dated within the seeds' window (2017-05-12 … 2017-06-04)
        assert article.published is not None
        assert len(days) and days.between("2017-05-01", "2017-06-30").all()
    else:                    # nothing in its own text dates it: undated
        assert article.published is None and days.empty


@pytest.mark.slow
@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("abc\x00\x01\x02\x03" * 20, "binary"),
    (b"   \n ", "empty"),
    (b"\xff\xfe\xfa not utf-8 \x81", "not UTF-8"),
    ("x" * 2000, "too large"),
    ("The weather was mild and nobody went anywhere that day.", "no places found"),
])
def test_add_article_rejects_bad_input(corpus, gaz, data, message):
    with pytest.raises(InputError, match=message):
        d.add_article(corpus, data, "bad", gaz, max_bytes=1000)


@pytest.mark.slow
def test_add_article_refuses_a_duplicate(corpus, gaz):
    from geo.text.articles import SEEDS

    raw = sorted(SEEDS.glob("*.txt"))[0].read_bytes()
    with pytest.raises(InputError, match="already on the map"):
        d.add_article(corpus, raw, "copy.txt", gaz)


# -- territorial control -------------------------------------------------------------------


def test_control_day_is_the_end_of_the_window():
    bounds = (date(2017, 5, 1), date(2017, 6, 4))
    assert d.control_day((date(2017, 5, 3), date(2017, 5, 20)), bounds) == date(2017, 5, 20)
    assert d.control_day(None, bounds) == date(2017, 6, 4)
    assert d.control_day(None, None) is None


def test_control_layers_and_summary_follow_the_day():
    from browser_util import control_events

    from geo.actors import load_actors
    from geo.layers.control import control_observations

    ev, actors = control_events(), load_actors()
    obs = control_observations(ev)
    before = d.control_summary(d.control_layers(ev, "2017-05-02", observations=obs), actors)
    assert before["day"] == "2017-05-02" and before["frontlines"] == 1
    assert {b: (v["places"], v["areas"]) for b, v in before["blocs"].items()} == {
        "islamic_state": (1, 1), "iran_axis": (1, 1), "kurdish_forces": (1, 1)}
    assert before["answer"] == "no" and "2017-05-02: no" in before["answer_text"]
    after = d.control_summary(d.control_layers(ev, date(2017, 6, 1), observations=obs), actors)
    assert after["frontlines"] == 0 and "islamic_state" not in after["blocs"]
    assert (after["blocs"]["iran_axis"]["places"], after["blocs"]["iran_axis"]["areas"]) == (2, 1)
    text = d.control_summary_markdown(after)
    assert text.startswith("**Iran\\-aligned land corridor") and "Frontlines\\: 0" in text
    assert "Iran\\-aligned axis\\: 2 place\\(s\\) held, 1 area\\(s\\)" in text
    nothing = d.control_summary(d.control_layers(ev, "2017-04-01", observations=obs), actors)
    assert nothing["blocs"] == {} and "No control reported" in d.control_summary_markdown(nothing)


@pytest.mark.parametrize("rough, says", [(True, "1 approximate"), (False, None)])
def test_the_control_summary_says_when_a_frontline_is_approximate(rough, says):
    from browser_util import control_events

    from geo.actors import load_actors

    ev = control_events()
    ev["approximate"] = (ev.location == "Place B") & rough
    ev["uncertainty_km"] = ev["approximate"].map({True: 40.0, False: None})
    summary = d.control_summary(d.control_layers(ev, "2017-05-02"), load_actors())
    assert summary["frontlines"] == 1 and summary["frontlines_approximate"] == int(rough)
    text = d.control_summary_markdown(summary)
    assert (says in text) if says else "approximate" not in text


def test_control_summary_markdown_escapes_names():
    summary = {"day": "2017-06-01", "blocs": {"x": {"name": "[click](http://x) *b*", "places": 1,
                                                    "areas": 1, "km2": 10.0}},
               "contested": ["<b>Town</b>"], "unlocated": 0, "frontlines": 0,
               "frontline_km": 0.0, "answer": "no", "answer_text": "Corridor: no"}
    text = d.control_summary_markdown(summary)
    assert "\\[click\\]\\(http\\://x\\) \\*b\\*\\: 1 place" in text
    assert "Contested\\: \\<b\\>Town\\</b\\>" in text and "<b>" not in text


def test_corpus_key_follows_the_articles():
    from geo.text.articles import article_from_text

    a = article_from_text("Title: A\n\nFighting in Mosul.", "a.txt")
    b = article_from_text("Title: B\n\nFighting in Raqqa.", "b.txt")
    assert d.Corpus((a,)).key == d.Corpus((a,)).key != d.Corpus((a, b)).key
    assert d.Corpus().key != d.Corpus((a,)).key


# -- per-corpus index and clicks on the compact map ----------------------------------------

def test_event_index_gives_the_same_filters_metrics_and_timeline(events):
    events = events.copy()
    events.loc[2, ["first_date", "last_date"]] = ["2017-05-28", "2017-06-03"]
    index = d.event_index(events)
    assert index.bounds == d.date_bounds(events) == (date(2017, 5, 28), date(2017, 6, 4))
    assert index.options == d.filter_options(events)
    mentions = pd.DataFrame({"place_id": ["geonames:1", "geonames:9", "geonames:8"],
                             "located": [True, True, False]})
    for lo, hi in [(None, None), ("2017-05-30", "2017-05-31"), ("2017-06-01", "2017-06-01"),
                   ("2017-06-04", None), (None, "2017-06-02")]:
        for blocs in (None, ["islamic_state"]):
            plain = d.filter_events(events, lo, hi, blocs=blocs)
            fast = d.filter_events(events, lo, hi, blocs=blocs, index=index)
            assert fast.index.tolist() == plain.index.tolist(), (lo, hi, blocs)
            assert d.metrics(fast, mentions, index=index) == d.metrics(plain, mentions)
            assert d.timeline(fast, index=index).equals(d.timeline(plain))
    # a frame the index does not cover is read directly
    other = events.set_axis(range(10, 15))
    assert d.filter_events(other, "2017-06-02", None, index=index).index.tolist() == [12, 13]


def test_corpus_key_of_a_corpus_of_events_alone(events):
    a, b = d.Corpus(events=events), d.Corpus(events=events.iloc[:3])
    assert d.corpus_key(a) == d.corpus_key(d.Corpus(events=events.copy()))
    assert d.corpus_key(a) != d.corpus_key(b) and d.corpus_key(a).startswith("events:")


def test_clicked_events_by_id_cell_and_point(events):
    from geo.web import markers

    events = events.assign(event_id_cnty=[f"E{i}" for i in range(len(events))])
    same = events.copy()
    same.loc[:2, ["latitude", "longitude"]] = [36.3, 43.1]
    assert d.clicked_events(same, None).empty
    assert d.clicked_events(same, {"last_object_clicked": None}).empty
    # an event marker: its id in the tooltip's hidden tail (text content, unescaped)
    hit = d.clicked_events(same, {"last_object_clicked": {"lat": 36.3, "lng": 43.1},
                                  "last_object_clicked_tooltip":
                                      "Battles: Mosul (2017-06-03) #e:E2"})
    assert hit["event_id_cnty"].tolist() == ["E2"]
    # a counted marker of a point or a grid cell: every event in it
    key = markers.cell_keys([36.3], [43.1], 0)[0]
    group = d.clicked_events(same, {"last_object_clicked": {"lat": 36.3, "lng": 43.1},
                                    "last_object_clicked_tooltip":
                                        f"3 events at this point: click to list them #c:{key}"})
    assert group["event_id_cnty"].tolist() == ["E0", "E1", "E2"]
    cell = markers.cell_keys([36.3], [43.1], 50_000)[0]
    wide = d.clicked_events(same, {"last_object_clicked_tooltip": f"x #c:{cell}"})
    assert wide["event_id_cnty"].tolist() == ["E0", "E1", "E2"]
    # no reference (an older map, or an unknown id): the events at the point
    old = d.clicked_events(same, {"last_object_clicked": {"lat": 36.3, "lng": 43.1},
                                  "last_object_clicked_tooltip": "Battles: x #e:nope"})
    assert old["event_id_cnty"].tolist() == ["E0", "E1", "E2"]


def test_publish_map_data_writes_once_named_by_content(tmp_path):
    import time

    from geo.dashboard import publish_map_data

    url = publish_map_data('{"a": 1}', tmp_path / "data", "/app/static/vendor/data/",
                           "countries")
    (file,) = (tmp_path / "data").iterdir()
    assert url == f"/app/static/vendor/data/{file.name}"
    assert re.fullmatch(r"countries-[0-9a-f]{20}\.json", file.name)
    assert file.read_text("utf-8") == '{"a": 1}'
    stamp = file.stat().st_mtime_ns
    time.sleep(0.01)
    assert publish_map_data('{"a": 1}', tmp_path / "data", "/d", "countries") == \
        f"/d/{file.name}"
    assert file.stat().st_mtime_ns == stamp                 # not written again
    for i in range(5):
        publish_map_data(f'{{"a": {i + 2}}}', tmp_path / "data", "/d", "countries", keep=3)
    assert len(list((tmp_path / "data").glob("countries-*.json"))) == 3
    with pytest.raises(ValueError):
        publish_map_data("{}", tmp_path, "/d", "../x")


@pytest.mark.parametrize("window, days, expected, told", [
    ((5, 9), 1, (5, 9), False),            # ends before the last day: play from here
    ((20, 30), 1, (1, 11), False),         # at the end: the same width from the first day
    ((1, 30), 1, (1, 1), True),            # spans every day: from the first day, said so
    ((1, 30), 7, (1, 7), True),
    ((1, 30), 90, (1, 30), True),          # a step longer than the range: the whole range
])
def test_play_window(window, days, expected, told):
    day = lambda n: date(2023, 1, n)  # noqa: E731
    got, note = d.play_window((day(window[0]), day(window[1])), (day(1), day(30)), days)
    assert got == (day(expected[0]), day(expected[1])) and bool(note) is told


def test_the_first_run_index_build_reports_to_the_dashboard(tmp_path):
    """``build_progress`` hands the build's stages and fractions to a widget's callback
    (the app draws them with st.progress), and lets go after."""
    import csv

    from gazetteer.index import open_index
    from gazetteer.sources.overlay import OverlaySource

    path = tmp_path / "p.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "alt_names", "lat", "lon", "anchor", "feature_class",
                    "feature_code", "country_code", "admin1", "population", "source",
                    "confidence"])
        w.writerow(["Tal Afar", "", "36.37", "42.45", "", "P", "PPL", "IQ", "", "0",
                    "test row", "high"])
    shown = []
    with d.build_progress(lambda stage, fraction: shown.append((stage, fraction))):
        open_index([OverlaySource(path)], directory=tmp_path / "cache")
    assert shown[0] == ("reading overlay", 0.0) and shown[-1][1] == 1.0
    assert "automaton" in [s for s, _ in shown]
    n = len(shown)
    open_index([OverlaySource(path)], directory=tmp_path / "cache2")    # not listening now
    assert len(shown) == n
