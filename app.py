"""conflictmap dashboard: the events of the bundled articles (and any you add) on a
time-filtered map, each traceable to its sources.

Run with ``streamlit run app.py``. Widgets only: the work is done by ``geo.dashboard`` (corpus,
filters, timeline, metrics, sources panel, downloads) and ``geo.webmap`` (the folium map). It
works with no internet: the map's scripts and styles are served by this Streamlit server from
``static/`` (``[server] enableStaticServing`` in ``.streamlit/config.toml``), see
``geo.dashboard.serve_map_assets``.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import altair as alt
import streamlit as st
from streamlit_folium import st_folium

from gazetteer.errors import GazetteerError
from geo import assets, boundaries, webmap
from geo import dashboard as dash

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "static" / "vendor"      # Streamlit serves ./static at <base>/app/static/
PLAY_DELAY_S = 1.0
MAP_HEIGHT = 560

st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")


# -- cached resources (a filter change reruns the script; none of these reload) -----------

@st.cache_resource(show_spinner="Opening the gazetteer index (the first run builds it)…")
def gazetteer():
    return dash.load_gazetteer()


@st.cache_resource(show_spinner=False)
def actor_dictionary():
    return dash.load_actor_dictionary()


@st.cache_resource(show_spinner=False)
def map_asset_urls() -> dict[str, str]:
    """Where the map iframe loads Leaflet from: this server (``./static/vendor``, copied once
    from the installed ``xstatic-leaflet``), or ``data:`` URLs when static serving is off or
    the folder is read-only. Never a CDN."""
    if st.get_option("server.enableStaticServing"):
        base = (st.get_option("server.baseUrlPath") or "").strip("/")
        url = "/" + "/".join(p for p in (base, "app", "static", "vendor") if p)
        try:
            return dash.serve_map_assets(assets.asset_paths(), VENDOR, url)
        except OSError:
            pass
    return assets.data_urls()


@st.cache_resource(show_spinner=False)
def border_line():
    return boundaries.border_line("IQ", "SY")


@st.cache_data(show_spinner="Reading the bundled articles…")
def seed_corpus() -> dash.Corpus:
    return dash.seed_corpus(gazetteer(), actor_dictionary())


# -- session state and callbacks ----------------------------------------------------------

state = st.session_state
if "corpus" not in state:
    state.corpus = seed_corpus()
    state.messages = []
    state.uploaded = set()
    state.playing = False
corpus: dash.Corpus = state.corpus
actors = actor_dictionary()
bounds = dash.date_bounds(corpus.events)


def _reset_window() -> None:
    state.window = bounds
    state.bounds = bounds


if bounds and (state.get("bounds") != bounds or "window" not in state):
    _reset_window()                      # first run, or an added article widened the range


def _add(data, name: str) -> bool:
    try:
        new = dash.add_article(state.corpus, data, name, gazetteer(), actors)
    except GazetteerError as exc:        # InputError (bad input) or a data error
        state.messages.append(("error", str(exc)))
        return False
    added = len(new.events) - len(state.corpus.events)
    state.corpus = new
    state.messages.append(("success", f"{name}: added, {max(added, 0)} new event(s)"))
    return True


def on_upload() -> None:
    state.messages = []
    for f in state.get("uploads") or []:
        if f.file_id not in state.uploaded:
            state.uploaded.add(f.file_id)
            _add(f.getvalue(), f.name)


def on_paste() -> None:
    state.messages = []
    name = (state.get("paste_name") or "").strip() or f"pasted text {len(corpus.articles) + 1}"
    if _add(state.get("paste_text") or "", name):
        state.paste_text = ""


def on_play() -> None:
    if bounds and state.window[1] >= bounds[1]:          # at the end: start over
        width = state.window[1] - state.window[0]
        state.window = (bounds[0], min(bounds[0] + width, bounds[1]))
    state.playing = True


def on_stop() -> None:
    state.playing = False


def on_step() -> None:
    nxt = dash.step_window(state.window, bounds, state.get("step_days", 1))
    if nxt:
        state.window = nxt


if state.playing and bounds:             # the play control: one step per rerun
    nxt = dash.step_window(state.window, bounds, state.get("step_days", 1))
    if nxt is None:
        state.playing = False
    else:
        state.window = nxt


# -- sidebar ------------------------------------------------------------------------------

sb = st.sidebar
sb.header("Time")
if bounds is None:
    sb.info("No dated events.")
    start = end = None
elif bounds[0] == bounds[1]:
    sb.caption(f"All events on {bounds[0].isoformat()}")
    start, end = bounds
else:
    start, end = sb.slider("Dates", min_value=bounds[0], max_value=bounds[1], key="window",
                           step=timedelta(days=1), format="YYYY-MM-DD")
    c1, c2 = sb.columns(2)
    c1.button("Play", icon=":material/play_arrow:", on_click=on_play, disabled=state.playing,
              width="stretch", help="Step through time, one step a second")
    c2.button("Stop", icon=":material/stop:", on_click=on_stop, disabled=not state.playing,
              width="stretch")
    c3, c4 = sb.columns(2, vertical_alignment="bottom")
    c3.number_input("Days per step", min_value=1, max_value=365, value=1, key="step_days")
    c4.button("Step", icon=":material/skip_next:", on_click=on_step, disabled=state.playing,
              width="stretch", help="Move the window later by the days per step")

sb.header("Filters")
options = dash.filter_options(corpus.events)
blocs = sb.multiselect("Blocs", options["blocs"], key="blocs",
                       format_func=lambda b: actors.blocs[b].name if b in actors.blocs else b)
actor_names = sb.multiselect("Actors", options["actors"], key="actors")
event_types = sb.multiselect("Event types", options["event_types"], key="event_types")

sb.header("Map")
layers = {name for name in webmap.LAYERS if sb.checkbox(name, value=True, key=f"layer:{name}")}
corridor_km = sb.slider("Border corridor width (km)", 5, 200, 50, step=5, key="corridor_km")
tiles = sb.checkbox("OpenStreetMap tiles in the layer menu (needs internet)", value=False,
                    key="tiles")

# -- the view -----------------------------------------------------------------------------

start, end = dash.date_filter((start, end) if start else None, bounds)  # all: undated too
shown = dash.filter_events(corpus.events, start, end, actor_names, blocs, event_types)
mentions = dash.filter_mentions(corpus.mentions, start, end)

st.title("conflictmap")
window_text = f"{start} – {end}" if start else "all dates"
st.caption(f"{len(corpus.articles)} articles · {window_text} · click an event marker for its "
           "sources")
for col, (label, value) in zip(st.columns(4), dash.metrics(shown, mentions).items(),
                               strict=True):
    col.metric(label, value)

map_col, info_col = st.columns([3, 1])
with map_col:
    fmap = webmap.build_map(shown, mentions, start=start, end=end, corridor_km=corridor_km,
                            layers=layers, blocs=actors.blocs, time_slider=False,
                            asset_urls=map_asset_urls(), osm_tiles=tiles)
    # one view for every window and filter (all the corpus's events and the border), so
    # the map does not jump while the play control steps through time
    fmap.fit_bounds(webmap.view_bounds(dash.located(corpus.events), border_line()),
                    padding=(20, 20))
    clicked = st_folium(fmap, key="map", height=MAP_HEIGHT, use_container_width=True,
                        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"])
with info_col:
    st.subheader("Sources")
    point = (clicked or {}).get("last_object_clicked")
    picked = dash.events_at(shown, point["lat"], point["lng"],
                            (clicked or {}).get("last_object_clicked_tooltip")) \
        if point else shown.iloc[:0]
    if picked.empty:
        st.caption("Click an event on the map to read the sentences it comes from.")
    for _, row in picked.iterrows():
        st.markdown(dash.sources_html(row), unsafe_allow_html=True)   # escaped in sources_html

st.subheader("Timeline")
any_date = dash.filter_events(corpus.events, None, None, actor_names, blocs, event_types)
series = dash.timeline(any_date)
if series.empty:
    st.caption("No dated events.")
else:
    ids = sorted(set(series["bloc"]))
    names = {b: actors.blocs[b].name if b in actors.blocs else b for b in ids}
    series["bloc name"] = series["bloc"].map(names)
    colour = alt.Color("bloc name:N", title="bloc", scale=alt.Scale(
        domain=[names[b] for b in ids],
        range=[actors.blocs[b].color if b in actors.blocs else "#9e9e9e" for b in ids]))
    bars = alt.Chart(series).mark_bar().encode(
        x=alt.X("yearmonthdate(date):T", title="day"), y=alt.Y("sum(events):Q", title="events"),
        color=colour, tooltip=["date:T", "bloc name:N", "events:Q"])
    chart = bars
    if start and end:
        band = alt.Chart({"values": [{"a": start.isoformat(), "b": (end + timedelta(days=1))
                                      .isoformat()}]}).mark_rect(opacity=0.12, color="#555")
        chart = band.encode(x="a:T", x2="b:T") + bars
    st.altair_chart(chart, width="stretch")

st.subheader(f"Events ({len(shown)})")
st.dataframe(dash.event_table(shown), width="stretch", hide_index=True)

st.subheader("Add articles")
st.caption("Plain text or Markdown, optionally opened by Title:/Source:/Date:/URL: lines.")
up_col, paste_col = st.columns(2)
up_col.file_uploader("Upload article files", accept_multiple_files=True, key="uploads",
                     on_change=on_upload)
with paste_col:
    st.text_area("…or paste an article", key="paste_text", height=150)
    st.text_input("Name for the pasted article", key="paste_name")
    st.button("Add pasted text", on_click=on_paste)
for kind, text in state.messages:          # file names and input shown as written
    (st.error if kind == "error" else st.success)(dash.plain_markdown(text))

st.subheader("Downloads")
d1, d2, d3 = st.columns(3)


def _html_map() -> bytes:
    m = webmap.build_map(shown, mentions, start=start, end=end, corridor_km=corridor_km,
                         layers=layers, blocs=actors.blocs, osm_tiles=tiles)
    return webmap.map_html(m, self_contained=True).encode("utf-8")


d1.download_button("Map (HTML, works offline)", _html_map, "conflictmap.html", "text/html",
                   on_click="ignore")
d2.download_button("Events (CSV)", dash.events_csv(shown), "events.csv", "text/csv",
                   on_click="ignore")
d3.download_button("Events (GeoJSON)", dash.events_geojson(shown), "events.geojson",
                   "application/geo+json", on_click="ignore")

if state.playing:                        # the next step of the play control
    time.sleep(PLAY_DELAY_S)
    st.rerun()

