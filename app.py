"""conflictmap dashboard: the events of the bundled articles (and any you add) on a
time-filtered map, each traceable to its sources.

Run with ``streamlit run app.py``. Widgets only: the work is done by ``geo.dashboard`` (corpus,
filters, timeline, metrics, sources panel, control layers and summary, downloads),
``geo.web.map`` (the folium map) and ``geo.web.markers`` (its markers: compact, without popups,
counted groups for many events; a click lists the events' sources below the map). It works
with no internet: the map's scripts and styles are served by this Streamlit server from
``static/`` (``[server] enableStaticServing`` in ``.streamlit/config.toml``), see
``geo.dashboard.serve_map_assets``.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import altair as alt
import streamlit as st
from streamlit_folium import st_folium

from gazetteer.errors import GazetteerError
from geo import dashboard as dash
from geo.errors import GeoError
from geo.layers.control import control_observations as observations
from geo.web import assets, markers
from geo.web import map as webmap
from geo.web.encode import EncodeMemo, evidence_lookup
from geo.web.html import safe_json

#: what a user can cause or meet (bad input, a data or store error): a message, not a crash
USER_ERRORS = (GeoError, GazetteerError)

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "static" / "vendor"      # Streamlit serves ./static at <base>/app/static/
PLAY_DELAY_S = 1.0
MAP_HEIGHT = 640
TABLE_ROWS = 10_000                      # rows of the event table sent to the browser

st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")


# -- cached resources (a filter change reruns the script; none of these reload) -----------

@st.cache_resource(show_spinner="Opening the gazetteer index (the first run builds it)…")
def gazetteer():
    return dash.load_gazetteer()


@st.cache_resource(show_spinner=False)
def actor_dictionary():
    return dash.load_actor_dictionary()


def vendor_url() -> str | None:
    """The URL of ``./static/vendor`` on this server, None when static serving is off."""
    if not st.get_option("server.enableStaticServing"):
        return None
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(p for p in (base, "app", "static", "vendor") if p)


@st.cache_resource(show_spinner=False)
def map_asset_urls() -> dict[str, str]:
    """Where the map iframe loads Leaflet from: this server (``./static/vendor``, copied once
    from the installed ``xstatic-leaflet``), or ``data:`` URLs when static serving is off or
    the folder is read-only. Never a CDN."""
    url = vendor_url()
    if url is not None:
        try:
            return dash.serve_map_assets(assets.asset_paths(), VENDOR, url)
        except OSError:
            pass
    return assets.data_urls()


def map_data_url(name: str, text: str) -> str | None:
    """Where the map fetches ``text`` from (its country borders: the largest part of the map,
    the same for every filter): a file under ``./static/vendor/data`` named by its content,
    so a rerun sends a URL rather than the borders again; None (embedded in the map) when
    the files cannot be served from here."""
    url = vendor_url()
    if url is None or map_asset_urls()[assets.SCRIPT].startswith("data:"):
        return None
    try:
        return dash.publish_map_data(text, VENDOR / "data", url + "/data", name)
    except OSError:
        return None


def first_run_index() -> None:
    """The first run builds the gazetteer index (minutes): show its stages and progress."""
    if dash.index_ready():
        return
    bar = st.progress(0.0, text="Building the place index (first run only)…")
    with dash.build_progress(lambda stage, fraction: bar.progress(
            fraction, text=f"Building the place index (first run only): {stage}, "
                           f"{fraction:.0%}")):
        dash.build_index()      # not the cached gazetteer(): it would replay the bar
    bar.empty()


@st.cache_data(show_spinner="Reading the bundled articles…")
def seed_corpus() -> dash.Corpus:
    return dash.seed_corpus(gazetteer(), actor_dictionary())


#: a store written by ``conflictmap ingest`` to show instead of the bundled seeds
STORE = os.environ.get("CONFLICTMAP_STORE", "").strip()


@st.cache_data(show_spinner="Reading the store…", max_entries=2)
def store_corpus(path: str, version: int) -> dash.Corpus:
    """``version`` (the store's last batch) makes a new ingest show on the next session."""
    return dash.store_corpus(path)


def first_corpus() -> tuple[dash.Corpus, list[tuple[str, str]]]:
    """The store's corpus when $CONFLICTMAP_STORE names one, else the seeds; a store that
    cannot be read gives a message and the seeds."""
    if not STORE:
        return seed_corpus(), []
    try:
        return store_corpus(STORE, dash.store_version(STORE)), []
    except USER_ERRORS as exc:
        return seed_corpus(), [("error", f"{exc} — showing the bundled articles instead")]


@st.cache_resource(show_spinner=False, max_entries=16)    # no copy: read, never changed
def corpus_theatres(corpus_key: str, choice: str, _events) -> tuple:
    """The theatres whose layers the map draws (``geo.theatres.select_theatres``)."""
    return dash.select_theatres(choice, _events)


# Territorial control: keyed by the corpus's fingerprint (the frame itself, ``_events``, is
# not hashed), the day, the theatre and the corridor width, so a change of any other filter
# reuses them.
@st.cache_resource(show_spinner=False, max_entries=4)    # no copy: read, never changed
def control_observations(corpus_key: str, _events):
    """The corpus's control observations (``geo.layers.control.control_observations``): the same
    frame on every rerun, so ``control_at``'s per-frame arrays are derived once."""
    return observations(_events)


@st.cache_data(show_spinner="Computing territorial control…", max_entries=256)
def control_layers(corpus_key: str, day: str, corridor_km: float, theatre: str, _events):
    return dash.control_layers(_events, day, corridor_km=corridor_km,
                               observations=control_observations(corpus_key, _events),
                               actors=actor_dictionary(),
                               theatres=corpus_theatres(corpus_key, theatre, _events))


@st.cache_resource(show_spinner=False, max_entries=4)      # no copy: read, never changed
def control_evidence(corpus_key: str, _events) -> dict:
    """Event id → its sources, the evidence listed in the control layers' popups."""
    return evidence_lookup(_events)


@st.cache_resource(show_spinner=False, max_entries=4)
def control_memo(corpus_key: str):
    """The encoding work of the control layers that does not depend on the day (each
    geometry's GeoJSON, each source's popup HTML …), kept for the corpus so that the rerun
    for a new day only encodes what is new (``geo.web.encode.EncodeMemo``)."""
    return EncodeMemo()


@st.cache_resource(show_spinner=False, max_entries=256)    # no copy: read, never changed
def control_view(corpus_key: str, day: str, corridor_km: float, theatre: str,
                 shown: tuple[str, ...], _events) -> tuple[dict, str, str]:
    """The map's control data for the ``shown`` control layers, the same serialised for the
    page (``geo.web.html.safe_json``, done once) and the summary (Markdown)."""
    layers = control_layers(corpus_key, day, corridor_km, theatre, _events)
    payload = webmap.control_data(_events, snapshots={day: layers}, corridor_km=corridor_km,
                                  styles=webmap.bloc_styles(actor_dictionary().blocs),
                                  layers=shown, evidence=control_evidence(corpus_key, _events),
                                  memo=control_memo(corpus_key))
    summary = dash.control_summary_markdown(dash.control_summary(layers, actor_dictionary()))
    return payload, safe_json(payload), summary


@st.cache_resource(show_spinner=False, max_entries=4)
def marker_records(corpus_key: str) -> dict:
    """Event id → map marker record (its escaped popup), filled by ``webmap.build_map`` for
    the downloaded map: the popups of a corpus are built once, not on every download."""
    return {}


# What does not depend on the filters is computed once per corpus (keyed by its
# fingerprint, ``dash.corpus_key``; the frame itself, ``_events``, is not hashed).
@st.cache_resource(show_spinner=False, max_entries=4)    # no copy: read, never changed
def event_index(corpus_key: str, _events) -> dash.EventIndex:
    """Each event's days, cited articles and place, the date range and filter options."""
    return dash.event_index(_events)


@st.cache_resource(show_spinner=False, max_entries=4)
def marker_table(corpus_key: str, _events):
    """What the map draws of each event (``geo.web.markers``; escaped tooltips, no popups)."""
    return markers.marker_table(_events, webmap.bloc_styles(actor_dictionary().blocs))


@st.cache_resource(show_spinner=False, max_entries=4)
def map_bounds(corpus_key: str, _events) -> list[list[float]]:
    """The map's view, [[south, west], [north, east]] (lat, lon): all the corpus's events,
    for every window and filter, so the map does not jump while the play control steps
    through time."""
    return webmap.view_bounds(dash.located(_events))


# -- session state and callbacks ----------------------------------------------------------

state = st.session_state
if "corpus" not in state:
    first_run_index()
    state.corpus, state.messages = first_corpus()
    state.uploaded = set()
    state.playing = False
corpus: dash.Corpus = state.corpus
if state.get("corpus_key_of") is not corpus:          # a new corpus: fingerprint it once
    state.corpus_key = dash.corpus_key(corpus)
    state.corpus_key_of = corpus
key: str = state.corpus_key
actors = actor_dictionary()
index = event_index(key, corpus.events)
bounds = index.bounds


def _reset_window() -> None:
    state.window = bounds
    state.bounds = bounds


if bounds and (state.get("bounds") != bounds or "window" not in state):
    _reset_window()                      # first run, or an added article widened the range


def _add(data, name: str) -> bool:
    try:
        new = dash.add_article(state.corpus, data, name, gazetteer(), actors,
                               encoding=state.get("upload_encoding"),
                               one_story=bool(state.get("one_story")))
    except USER_ERRORS as exc:           # InputError (bad input) or a data error
        state.messages.append(("error", dash.upload_error_message(exc)))
        return False
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the page; the corpus is kept
        state.messages.append(("error", f"{name}: could not be added (internal error: "
                                        f"{type(exc).__name__}); the corpus is unchanged"))
        return False
    added = len(new.events) - len(state.corpus.events)
    state.corpus = new
    state.messages.append(("success", f"{name}: added, {max(added, 0)} new event(s)"))
    warning = new.articles[-1].warning if new.articles else ""
    if warning:                          # "date: unknown": read as undated
        state.messages.append(("warning", warning))
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
    if bounds:           # at the end: start over; spanning every day: from the first day
        state.window, state.play_note = dash.play_window(state.window, bounds,
                                                         state.get("step_days", 1))
    state.playing = True


def on_stop() -> None:
    state.playing = False
    state.play_note = ""


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
    if state.get("play_note"):
        sb.caption(state.play_note)
    c3, c4 = sb.columns(2, vertical_alignment="bottom")
    c3.number_input("Days per step", min_value=1, max_value=365, value=1, key="step_days")
    c4.button("Step", icon=":material/skip_next:", on_click=on_step, disabled=state.playing,
              width="stretch", help="Move the window later by the days per step")

sb.header("Filters")
options = index.options
blocs = sb.multiselect("Blocs", options["blocs"], key="blocs",
                       format_func=lambda b: actors.blocs[b].name if b in actors.blocs else b)
actor_names = sb.multiselect("Actors", options["actors"], key="actors")
event_types = sb.multiselect("Event types", options["event_types"], key="event_types")

sb.header("Map")
layers = {name for name in webmap.LAYERS if sb.checkbox(name, value=True, key=f"layer:{name}")}
theatre = sb.selectbox("Theatre", dash.theatre_choices(), key="theatre",
                       format_func=dash.theatre_label,
                       help="Whose borders, crossings, named zones and corridor questions the "
                            "map draws (geo/theatres/data)")
corridor_km = sb.slider("Border corridor width (km)", 5, 200, 50, step=5, key="corridor_km")
tiles = sb.checkbox("OpenStreetMap tiles in the layer menu (needs internet)", value=False,
                    key="tiles")

# -- the view -----------------------------------------------------------------------------

theatres = corpus_theatres(key, theatre, corpus.control_events)
control_on = dash.control_day((start, end) if start else None, bounds)
start, end = dash.date_filter((start, end) if start else None, bounds)  # all: undated too
shown = dash.filter_events(corpus.events, start, end, actor_names, blocs, event_types,
                           index=index)
mentions = dash.filter_mentions(corpus.mentions, start, end)
control = control_json = summary = None
shown_control = tuple(name for name in webmap.CONTROL_LAYERS if name in layers)
control_failed = ""
if control_on and shown_control:
    try:
        control, control_json, summary = control_view(key, control_on.isoformat(),
                                                      float(corridor_km), theatre,
                                                      shown_control, corpus.control_events)
    except Exception as exc:  # noqa: BLE001 - the events are drawn without the control layers
        control_failed = f"Territorial control could not be computed ({type(exc).__name__})."

st.title("conflictmap")
window_text = f"{start} – {end}" if start else "all dates"
st.caption(f"{len(corpus.articles)} articles · {window_text} · click an event marker for its "
           "sources")
for col, (label, value) in zip(st.columns(4),
                               dash.metrics(shown, mentions, index=index).items(), strict=True):
    col.metric(label, value)

map_col = st.container()                  # the map uses the page's width
with map_col:
    # no popups in the map (a click lists the event's sources below it): compact markers,
    # above markers.AGGREGATE_ABOVE events counted groups by point or grid cell
    fmap = webmap.build_map(shown, mentions, start=start, end=end, corridor_km=corridor_km,
                            theatres=theatres,
                            layers=layers if control is not None else
                            layers - set(webmap.CONTROL_LAYERS),
                            blocs=actors.blocs, time_slider=False,
                            asset_urls=map_asset_urls(), osm_tiles=tiles,
                            control_payload=control, control_json=control_json, compact=True,
                            popups=False, marker_table=marker_table(key, corpus.events),
                            aggregate_above=markers.AGGREGATE_ABOVE,
                            bounds=map_bounds(key, corpus.events), data_url=map_data_url,
                            detail_events=corpus.events)
    clicked = st_folium(fmap, key="map", height=MAP_HEIGHT, use_container_width=True,
                        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"])
control_col, sources_col = st.columns(2)
with control_col:
    st.subheader("Territorial control")
    if control is not None:
        st.caption(f"on {control_on.isoformat()} (the end of the window)")
        st.markdown(summary)
    elif control_failed:
        st.warning(control_failed)
    else:
        st.caption("Turn on a control layer in the sidebar to see who holds what.")
with sources_col:
    st.subheader("Sources")
    picked = dash.clicked_events(shown, clicked)
    if picked.empty:
        st.caption("Click an event on the map to read the sentences it comes from.")
    elif len(picked) > 1:
        st.caption(f"{len(picked)} events here" + (
            f"; the first {dash.MAX_LISTED} are listed (zoom in, or narrow the filters)"
            if len(picked) > dash.MAX_LISTED else ""))
    for _, row in picked.head(dash.MAX_LISTED).iterrows():
        st.markdown(dash.sources_html(row), unsafe_allow_html=True)   # escaped in sources_html

st.subheader("Timeline")
any_date = dash.filter_events(corpus.events, None, None, actor_names, blocs, event_types,
                              index=index)
series = dash.timeline(any_date, index=index)
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
if len(shown) > TABLE_ROWS:             # a bigger table costs seconds to send on every rerun
    st.caption(f"The first {TABLE_ROWS:,} of {len(shown):,} events; the CSV download below "
               "has them all.")
st.dataframe(dash.event_table(shown.iloc[:TABLE_ROWS]), width="stretch", hide_index=True)

st.subheader("Add articles")
st.caption("Plain text or Markdown, optionally opened by Title:/Source:/Date:/URL: lines.")
st.checkbox("These articles tell one story", key="one_story",
            help="An added article with no date of its own is dated from the other articles' "
                 "dates (otherwise only from its own text: one file never changes another's "
                 "dates)")
up_col, paste_col = st.columns(2)
up_col.selectbox("Encoding of uploaded files", list(dash.UPLOAD_ENCODINGS),
                 format_func=dash.UPLOAD_ENCODINGS.get, key="upload_encoding",
                 help="How the files' bytes are read; most files are UTF-8")
up_col.file_uploader("Upload article files", accept_multiple_files=True, key="uploads",
                     on_change=on_upload)
with paste_col:
    st.text_area("…or paste an article", key="paste_text", height=150)
    st.text_input("Name for the pasted article", key="paste_name")
    st.button("Add pasted text", on_click=on_paste)
for kind, text in state.messages:          # file names and input shown as written
    {"error": st.error, "warning": st.warning}.get(kind, st.success)(dash.plain_markdown(text))

st.subheader("Downloads")
d1, d2, d3 = st.columns(3)


def _html_map() -> bytes:
    m = webmap.build_map(shown, mentions, start=start, end=end, corridor_km=corridor_km,
                         theatres=theatres, layers=layers, blocs=actors.blocs, osm_tiles=tiles,
                         control_events=corpus.control_events,
                         record_cache=marker_records(key))
    return webmap.map_html(m, self_contained=True).encode("utf-8")


d1.download_button("Map (HTML, works offline)", _html_map, "conflictmap.html", "text/html",
                   on_click="ignore")
d2.download_button("Events (CSV)", lambda: dash.events_csv(shown), "events.csv", "text/csv",
                   on_click="ignore")
d3.download_button("Events (GeoJSON)", lambda: dash.events_geojson(shown), "events.geojson",
                   "application/geo+json", on_click="ignore")

if state.playing:                        # the next step of the play control
    time.sleep(PLAY_DELAY_S)
    st.rerun()

