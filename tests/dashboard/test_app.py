"""The dashboard (app.py) through Streamlit's AppTest: it runs on the seeds; the date slider,
the step button and the filters change the metrics and the events drawn on the map; uploaded
and pasted articles join the map; bad input gives a message and changes nothing; a filter
change does not reload the gazetteer; the territorial-control layers follow the window's end
day and the layer toggles, and are not recomputed for other changes. The map itself is
checked in the arguments sent to the streamlit-folium component (the browser test,
test_app_browser.py, draws it)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

APP = Path(__file__).resolve().parents[2] / "app.py"
NEW_ARTICLE = ("Title: Clashes near Tal Afar\nSource: Test Wire\nDate: 2017-06-08\n\n"
               "Popular Mobilization Forces captured the village of Tal Afar from Islamic "
               "State fighters, Iraqi officials said.\n")


@pytest.fixture()
def at(gaz):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=300).run()
    assert not app.exception, app.exception
    return app


def metrics(at) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def map_args(at) -> dict:
    (comp,) = [e for e in at.main if getattr(e, "type", None) == "component_instance"]
    return json.loads(comp.proto.json_args)


def script_json(at, call: str) -> dict | list | None:
    """The JSON argument the map's script passes after the regex ``call`` (which ends where
    the argument starts), None when the script has no such call."""
    script = map_args(at)["script"]
    m = re.search(call, script)
    if m is None:
        return None
    data, _ = json.JSONDecoder().raw_decode(script, m.end())
    return data


def map_data(at) -> dict | list | None:
    """The events' data the map's script draws (``cm.addEvents``), None without events."""
    return script_json(at, r"cm\.addEvents\(map, \w+,\s*")


def map_events(at) -> list[dict]:
    """The event records the map's script draws (one marker each; the dashboard's compact
    form read by ``geo.web.markers.records``)."""
    from geo.web.markers import records

    data = map_data(at)
    if data is None:
        return []
    return data if isinstance(data, list) else records(data)


def messages(at) -> tuple[list[str], list[str]]:
    """Error and success messages as shown (Markdown escapes removed)."""
    def shown(text):
        return re.sub(r"\\(.)", r"\1", text)

    return [shown(e.value) for e in at.error], [shown(s.value) for s in at.success]


def test_runs_on_the_seeds_with_the_map_served_locally(at):
    m = metrics(at)
    assert m["events"] >= 20 and m["sources"] == 5 and m["places"] >= 20
    assert m["unlocated places"] >= 1
    drawn = map_events(at)
    assert 10 <= len(drawn) <= m["events"]                  # unlocated events are not drawn
    args = map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links and not [u for u in links if re.match(r"(https?:)?//", u)]   # no CDN
    assert "leaflet.js" in args["js_links"][0]
    assert set(args["returned_objects"]) == {"last_object_clicked",
                                             "last_object_clicked_tooltip"}
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    assert slider.value[1] == date(2017, 6, 4)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == m["events"]
    assert {b.label for b in at.sidebar.button} >= {"Play", "Stop", "Step"}


def test_date_slider_and_step_change_counts_and_map(at):
    from geo import dashboard

    loads = dashboard.LOADS["gazetteer"]
    before, drawn = metrics(at), len(map_events(at))
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    slider.set_value((date(2017, 6, 4), date(2017, 6, 4))).run()
    assert not at.exception
    after = metrics(at)
    assert 0 < after["events"] < before["events"]
    assert after["sources"] < before["sources"]
    assert 0 < len(map_events(at)) < drawn
    assert all(e["d1"] >= "2017-06-04" and e["d0"] <= "2017-06-04" for e in map_events(at))
    assert len(at.dataframe[0].value) == after["events"]

    slider.set_value((date(2017, 5, 20), date(2017, 5, 31))).run()
    (step,) = [b for b in at.sidebar.button if b.label == "Step"]
    step.click().run()
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    assert slider.value == (date(2017, 5, 21), date(2017, 6, 1))
    assert all(e["d1"] >= "2017-05-21" and e["d0"] <= "2017-06-01" for e in map_events(at))
    assert dashboard.LOADS["gazetteer"] == loads                     # cached: not reloaded


def test_bloc_filter_changes_counts_and_map(at):
    before, drawn = metrics(at), map_events(at)
    (blocs,) = [w for w in at.sidebar.multiselect if w.label == "Blocs"]
    assert "kurdish_forces" in blocs.options or "Kurdish-led forces (SDF, YPG, Peshmerga)" in \
        blocs.options
    blocs.select("kurdish_forces").run()
    assert not at.exception
    after = metrics(at)
    assert 0 < after["events"] < before["events"]
    kurdish = "#f9a825"
    assert 0 < len(map_events(at)) < len(drawn)
    assert any(e["color"] == kurdish for e in map_events(at))
    (types,) = [w for w in at.sidebar.multiselect if w.label == "Event types"]
    types.select("Violence against civilians").run()
    assert metrics(at)["events"] <= after["events"]


def test_layer_toggle_and_corridor_width_change_the_map(at):
    script = map_args(at)["script"]
    at.sidebar.checkbox(key="layer:Events").uncheck().run()
    assert map_events(at) == [] and not at.exception
    (width,) = [s for s in at.sidebar.slider if s.label.startswith("Border corridor")]
    width.set_value(150).run()
    new = map_args(at)["script"]
    assert new != script and "within 150 km of the Iraq" in new


def test_upload_adds_events(at):
    before, drawn = metrics(at), len(map_events(at))
    at.file_uploader[0].set_value(("tal_afar.txt", NEW_ARTICLE.encode(), "text/plain")).run()
    assert not at.exception
    errors, done = messages(at)
    assert not errors and done and "tal_afar.txt: added" in done[0]
    after = metrics(at)
    assert after["events"] > before["events"] and after["sources"] == before["sources"] + 1
    assert len(map_events(at)) > drawn
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    assert slider.value[1] == date(2017, 6, 8)              # the range grew to the new date
    at.run()                                                # a rerun does not add it again
    assert metrics(at) == after


def test_paste_adds_events(at):
    before = metrics(at)
    at.text_area(key="paste_text").input(NEW_ARTICLE.replace("Tal Afar", "Sinjar"))
    at.text_input(key="paste_name").input("sinjar report")
    [b for b in at.button if b.label == "Add pasted text"][0].click().run()
    errors, done = messages(at)
    assert not errors and "sinjar report: added" in done[0]
    assert metrics(at)["events"] > before["events"]
    assert at.text_area(key="paste_text").value == ""


def test_paste_of_a_far_place_keeps_the_page_and_the_control_layers(at):
    """A captured place on another continent (the seeds are in Iraq and Syria): the page
    renders, the control summary is shown, and the far place has an area of its own."""
    at.text_area(key="paste_text").input(
        "Title: far\nDate: 2017-06-04\n\nIslamic State militants captured Palmyra, "
        "Missouri on 3 June 2017.\n")
    [b for b in at.button if b.label == "Add pasted text"][0].click().run()
    assert not at.exception
    errors, done = messages(at)
    assert not errors and done
    assert not [w for w in at.warning if "could not be computed" in w.value]
    data = control_data(at)
    assert data is not None
    assert not [s for s in data["snapshots"] if s.get("note")]
    xs = [g["coordinates"][0][0][0] for g in data["geoms"]
          if g and g.get("type") == "Polygon"]
    assert any(x < -80 for x in xs) and any(x > 30 for x in xs)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("latin1.txt", "Kämpfe in Mossul, sagte der Sprecher.".encode("latin-1"), "not UTF-8"),
    ("weather.txt", b"The weather was mild and nobody went anywhere that day.",
     "no places found"),
])
def test_bad_upload_gives_a_message_and_changes_nothing(at, name, data, message):
    before, drawn = metrics(at), map_events(at)
    at.file_uploader[0].set_value((name, data, "text/plain")).run()
    assert not at.exception
    errors, done = messages(at)
    assert len(errors) == 1 and message in errors[0] and name in errors[0] and not done
    assert metrics(at) == before and map_events(at) == drawn


def test_the_one_story_switch_dates_a_pasted_undated_article(at):
    before = metrics(at)
    at.checkbox(key="one_story").check().run()
    at.text_area(key="paste_text").input(
        "Popular Mobilization Forces captured the village of Tal Afar from Islamic State "
        "fighters on Monday, Iraqi officials said.")
    [b for b in at.button if b.label == "Add pasted text"][0].click().run()
    errors, done = messages(at)
    assert not at.exception and not errors and done
    assert metrics(at)["sources"] == before["sources"] + 1
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    assert str(slider.value[0]).startswith("2017") and str(slider.value[1]).startswith("2017")


def test_bad_paste_gives_a_message_and_changes_nothing(at):
    before = metrics(at)
    at.text_area(key="paste_text").input("\x00\x01\x02\x03binary\x04\x05" * 10)
    [b for b in at.button if b.label == "Add pasted text"][0].click().run()
    errors, _ = messages(at)
    assert errors and "binary" in errors[0]
    assert metrics(at) == before


def test_a_latin1_upload_is_told_where_to_choose_the_encoding_and_then_read(at):
    text = ("Title: Kämpfe bei Tal Afar\nDate: 2017-06-07\n\nIraqi forces captured Tal Afar "
            "on 6 June 2017, sagte der Sprecher in Mossul.").encode("latin-1")
    before = metrics(at)
    at.file_uploader[0].set_value(("kaempfe.txt", text, "text/plain")).run()
    errors, done = messages(at)
    assert len(errors) == 1 and "Encoding of uploaded files" in errors[0]
    assert "--encoding" not in errors[0] and not done
    at.selectbox(key="upload_encoding").set_value("latin-1").run()
    at.file_uploader[0].set_value(("kaempfe2.txt", text, "text/plain")).run()
    errors, done = messages(at)
    assert not errors and done and "kaempfe2.txt: added" in done[0]
    assert metrics(at)["sources"] == before["sources"] + 1


def test_play_steps_through_time_to_the_end_and_stops(at):
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    last = slider.value[1]
    start = date.fromordinal(last.toordinal() - 2)
    slider.set_value((start, start)).run()
    (play,) = [b for b in at.sidebar.button if b.label == "Play"]
    play.click().run()                       # reruns once a second until the window ends
    assert not at.exception
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    assert slider.value == (last, last)
    assert at.session_state.playing is False
    day = last.isoformat()
    assert all(e["d1"] >= day and e["d0"] <= day for e in map_events(at))


def test_play_from_a_window_spanning_every_day_starts_at_the_first_day(at):
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    first, last = slider.value                       # the initial window spans every day
    at.sidebar.number_input(key="step_days").set_value(20).run()
    (play,) = [b for b in at.sidebar.button if b.label == "Play"]
    play.click().run()
    assert not at.exception and at.session_state.playing is False
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    start, end = slider.value
    assert end == last and (end - start).days == 19 and start > first    # it stepped
    assert any("playing from the first day" in c.value for c in at.sidebar.caption)


def control_data(at) -> dict | None:
    """The control data the map's script draws (``cm.addControl``), None without it."""
    return script_json(at, r"cm\.addControl\(map, state, \{[^}]*\}, ")


def drawn_kinds(at) -> dict[str, int]:
    """Control features drawn on the map (its one snapshot), by kind."""
    data = control_data(at)
    out: dict[str, int] = {}
    for fi, _ in (data["snapshots"][-1]["f"] if data else []):
        kind = data["features"][fi]["l"]
        out[kind] = out.get(kind, 0) + 1
    for fi in (data or {}).get("static", []):
        kind = data["features"][fi]["l"]
        out[kind] = out.get(kind, 0) + 1
    return out


def control_text(at) -> str:
    (text,) = [m.value for m in at.main.markdown if "land corridor" in m.value]
    return re.sub(r"\\(.)", r"\1", text)


def test_control_layers_drawn_and_toggled(at):
    from geo import dashboard

    data = control_data(at)
    assert data["dates"] == ["2017-06-04"]              # the window's end day
    kinds = drawn_kinds(at)
    assert kinds["area"] >= 3 and kinds["place"] >= 3 and kinds["zone"] == 1
    assert kinds["cross"] >= 2 and kinds["gap"] >= 1
    assert "Territorial control" in map_args(at)["script"]
    text = control_text(at)
    assert "land corridor Iran → Damascus → Lebanon on 2017-06-04: no" in text
    assert "Iran-aligned axis: " in text and "Contested: " in text
    computed = dashboard.LOADS["control layers"]

    at.sidebar.checkbox(key="layer:Control areas").uncheck().run()
    kinds_off = drawn_kinds(at)
    assert "area" not in kinds_off and kinds_off["place"] == kinds["place"]
    assert '"Control areas"' not in map_args(at)["script"]
    at.sidebar.checkbox(key="layer:Frontlines").uncheck().run()
    for name in ("Control places", "Border crossings", "Named zones",
                 "Land corridor"):
        at.sidebar.checkbox(key=f"layer:{name}").uncheck()
    at.run()
    assert control_data(at) is None and not at.exception
    assert not [m for m in at.main.markdown if "land corridor" in m.value]
    at.sidebar.checkbox(key="layer:Control areas").check().run()
    assert set(drawn_kinds(at)) == {"area"} and drawn_kinds(at)["area"] == kinds["area"]
    assert dashboard.LOADS["control layers"] == computed           # cached, not recomputed


def test_moving_the_window_changes_the_control_summary(at):
    from geo import dashboard

    loads, computed = dashboard.LOADS["gazetteer"], dashboard.LOADS["control layers"]
    at_end, areas_at_end = control_text(at), drawn_kinds(at)["area"]
    (slider,) = [s for s in at.sidebar.slider if s.label == "Dates"]
    slider.set_value((date(2017, 5, 12), date(2017, 5, 20))).run()
    assert not at.exception
    early = control_text(at)
    assert early != at_end and "on 2017-05-20" in early
    assert "Iran-aligned axis: " in at_end and "Iran-aligned axis: " not in early
    assert control_data(at)["dates"] == ["2017-05-20"]
    assert 0 < drawn_kinds(at)["area"] < areas_at_end      # the map follows it too
    assert dashboard.LOADS["control layers"] == computed + 1
    (blocs,) = [w for w in at.sidebar.multiselect if w.label == "Blocs"]
    blocs.select("kurdish_forces").run()                   # another filter: same layers
    assert control_text(at) == early
    slider.set_value((date(2017, 5, 12), date(2017, 6, 4))).run()
    assert control_text(at) == at_end                       # back: from the cache
    assert dashboard.LOADS["control layers"] == computed + 1
    assert dashboard.LOADS["gazetteer"] == loads


def test_map_carries_compact_markers_without_article_text(at):
    """The dashboard lists a clicked event's sources beside the map, so the map's data has
    no popups and no sentence of any article; each marker's tooltip names its event."""
    from geo import dashboard

    data = map_data(at)
    assert isinstance(data, dict) and data["groups"] is None
    assert data["total"] == len(map_events(at)) == len(data["events"]["id"])
    assert "popup" not in json.dumps(data)
    events = at.session_state.corpus.events
    assert set(data["events"]["id"]) <= set(events["event_id_cnty"])
    runs = {m.group(0) for v in events["sources"] for s in json.loads(v)
            if (m := re.search(r"[A-Za-z0-9 ,.'-]{30}", s.get("sentence") or ""))}
    assert len(runs) >= 10
    assert not [r for r in runs if r in json.dumps(data, ensure_ascii=False)]
    # the place mentions and the control layers keep their popups (the sentences naming a
    # place, the evidence of who holds it); without them, no sentence is in the map
    from geo.web import map as webmap

    for name in (webmap.MENTIONS, *webmap.CONTROL_LAYERS):
        at.sidebar.checkbox(key=f"layer:{name}").uncheck()
    at.run()
    script = map_args(at)["script"]
    assert not [r for r in runs if r in script]
    assert dashboard.MAX_LISTED >= 10


def test_many_events_are_grouped_and_counted(monkeypatch):
    """Above geo.web.markers.AGGREGATE_ABOVE located events the map gets counted groups (here
    lowered to 1,000): every event is counted once, and a filter change still works."""
    from browser_util import many_events
    from streamlit.testing.v1 import AppTest

    from geo import dashboard
    from geo.web import map as webmap
    from geo.web import markers

    monkeypatch.setattr(markers, "AGGREGATE_ABOVE", 1000)
    events = many_events(3000, n_places=120, days=60)
    app = AppTest.from_file(str(APP), default_timeout=300)
    app.session_state["corpus"] = dashboard.Corpus(events=events, control_events=events)
    app.session_state["messages"] = []
    app.session_state["uploaded"] = set()
    app.session_state["playing"] = False
    for name in webmap.CONTROL_LAYERS:                  # not what this test is about
        app.session_state[f"layer:{name}"] = False
    app.run()
    assert not app.exception, app.exception
    data = map_data(app)
    assert data["cell_m"] == 0 and 0 < len(data["groups"]["n"]) <= 120
    assert sum(data["groups"]["n"]) + len(data["events"]["lat"]) == 3000 == metrics(app)[
        "events"]
    assert "Numbered squares" in map_args(app)["script"]
    (slider,) = [s for s in app.sidebar.slider if s.label == "Dates"]
    slider.set_value((date(2017, 1, 1), date(2017, 1, 10))).run()
    assert not app.exception
    few = metrics(app)["events"]
    assert few < 1000 and map_data(app)["groups"] is None        # below: one marker each
    assert len(map_events(app)) == few


def test_dashboard_reads_a_store(gaz, tmp_path, monkeypatch):
    """CONFLICTMAP_STORE names a store written by `conflictmap ingest`: the dashboard shows its
    articles and merged events (the same as the seeds it was made from), nothing extracted
    again."""
    from streamlit.testing.v1 import AppTest

    from geo.cli import main
    from geo.store import load_events

    store = tmp_path / "store"
    seeds = sorted(str(p) for p in (APP.parent / "seeds").glob("*.txt"))
    assert main(["ingest", *seeds, "--store", str(store), "--quiet"]) == 0
    monkeypatch.setenv("CONFLICTMAP_STORE", str(store))
    app = AppTest.from_file(str(APP), default_timeout=300).run()
    assert not app.exception, app.exception
    assert not app.error
    assert metrics(app)["events"] == len(load_events(store)) > 0
    assert metrics(app)["sources"] == len(seeds)


def test_unreadable_store_gives_a_message_and_the_seeds(gaz, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CONFLICTMAP_STORE", str(tmp_path / "not-a-store"))
    app = AppTest.from_file(str(APP), default_timeout=300).run()
    assert not app.exception, app.exception
    assert any("not a conflictmap store" in e.value for e in app.error), app.error
    assert metrics(app)["events"] > 0            # the bundled seeds instead


def test_country_borders_are_fetched_by_url_not_sent_with_every_rerun(at):
    """With static serving (``.streamlit/config.toml``) the map names its borders' file
    under ``static/vendor/data`` instead of carrying them; the file holds them."""
    script = map_args(at)["script"]
    m = re.search(r'fetch\("(/app/static/vendor/data/(countries-[0-9a-f]+\.json))"\)', script)
    assert m, "the borders are not fetched by URL"
    served = APP.parent / "static" / "vendor" / "data" / m.group(2)
    borders = json.loads(served.read_text("utf-8"))
    assert borders["type"] == "FeatureCollection" and len(borders["features"]) >= 5
    names = [f'"name": "{f["properties"]["name"]}"' for f in borders["features"]
             if re.fullmatch(r"[A-Za-z .]+", f["properties"]["name"])]
    assert len(names) >= 5
    assert all(n in served.read_text("utf-8") and n not in script for n in names)
    assert len(script) < served.stat().st_size
    # a filter change: the same file, and the map's arguments stay small
    (blocs,) = [w for w in at.sidebar.multiselect if w.label == "Blocs"]
    blocs.select(blocs.options[0]).run()
    assert m.group(1) in map_args(at)["script"]
    assert len(json.dumps(map_args(at))) < 400_000
