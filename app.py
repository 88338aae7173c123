"""conflictmap dashboard (early version): the bundled seed articles' place mentions on a map.

Run with ``streamlit run app.py``. Widgets only; the work is done by ``geo`` and
``gazetteer`` functions.
"""

from __future__ import annotations

import html
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.mentions import mentions_frame

SEEDS = Path(__file__).resolve().parent / "seeds"


@st.cache_resource(show_spinner="Opening the gazetteer index (first run builds it, ~30 s)…")
def gazetteer():
    from gazetteer import Gazetteer

    gz = Gazetteer()
    _ = gz.index.automaton  # load the automaton once, not on the first geoparse
    return gz


@st.cache_data(show_spinner="Geoparsing the articles…")
def load_mentions():
    articles = {p.name: p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    return mentions_frame(articles, gazetteer())


def build_map(frame) -> folium.Map:
    fmap = folium.Map(location=(34.5, 41.0), zoom_start=6, tiles=None)
    for row in frame[frame.located].itertuples():
        popup = (f"<b>{html.escape(row.text)}</b> → {html.escape(row.name)} "
                 f"({html.escape(row.country_code)})<br><i>{html.escape(row.article)}</i><br>"
                 f"{html.escape(row.sentence)}")
        folium.CircleMarker((row.lat, row.lon), radius=6, popup=folium.Popup(popup, max_width=350),
                            tooltip=html.escape(row.name)).add_to(fmap)
    return fmap


st.set_page_config(page_title="conflictmap", layout="wide")
st.title("conflictmap — place mentions in the bundled articles")
frame = load_mentions()
c1, c2, c3 = st.columns(3)
c1.metric("mentions", len(frame))
c2.metric("places", frame.place_id.nunique())
c3.metric("unlocated places", frame[~frame.located].place_id.nunique())
st_folium(build_map(frame), height=520, use_container_width=True, returned_objects=[])
st.dataframe(frame.drop(columns="geometry"), width="stretch")
