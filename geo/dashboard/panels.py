"""What is shown beside and below the map: an event's sources (HTML, escaped), the event
table, the territorial-control layers of a day and their summary (Markdown)."""

from __future__ import annotations

import html
import re
from datetime import date

import geopandas as gpd
import pandas as pd

from geo.dashboard.corpus import LOADS
from geo.errors import EncodingError
from geo.events.table import cell_sources
from geo.events.vocabulary import load_vocabulary
from geo.layers.snapshots import compute_snapshots, summary_lines
from geo.layers.snapshots import control_summary as summary
from geo.text.dates import to_day
from geo.theatres import AUTO, NONE, load_theatres
from geo.web.html import highlight as html_highlight


def highlight(sentence: str, rule: str | None) -> str:
    """``sentence`` as HTML (escaped) with the trigger of event rule ``rule`` in ``<mark>``."""
    pattern = load_vocabulary().patterns.get(rule) if rule else None
    m = pattern.search(sentence) if pattern and sentence else None
    return html_highlight(sentence or "", [(m.start(), m.end(), None)] if m else [])


def sources_html(event: dict | pd.Series) -> str:
    """An event's sources as HTML: per source the article title (a link when it has an
    http(s) URL), outlet and date, and the sentence with its trigger highlighted. All text
    from articles is escaped."""
    e = dict(event)
    head = " · ".join(html.escape(str(x)) for x in (
        e.get("event_date"), e.get("event_type"), e.get("sub_event_type"),
        " vs ".join(a for a in (e.get("actor1"), e.get("actor2")) if a),
        e.get("location") or "unlocated") if x)
    parts = [f"<div class='cm-sources'><p><b>{head}</b></p>"]
    if e.get("approximate"):
        radius = e.get("uncertainty_km")
        note = f" (± {float(radius):.0f} km)" if radius and not pd.isna(radius) else ""
        parts.append(f"<p><i>approximate location{note}</i></p>")
    if e.get("disagreements"):
        parts.append(f"<p><i>sources disagree: {html.escape(str(e['disagreements']))}</i></p>")
    parts.append("<ol>")
    for s in cell_sources(e.get("sources")):
        title = html.escape(str(s.get("title") or s.get("article") or "untitled"))
        url = str(s.get("url") or "")
        if url.lower().startswith(("http://", "https://")):
            title = (f"<a href='{html.escape(url, quote=True)}' target='_blank' "
                     f"rel='noopener noreferrer'>{title}</a>")
        meta = ", ".join(html.escape(str(x)) for x in (s.get("source"), s.get("published"))
                         if x)
        parts.append(f"<li><b>{title}</b>{' — ' + meta if meta else ''}<br>"
                     f"<q>{highlight(str(s.get('sentence') or ''), e.get('rule'))}</q></li>")
    parts.append("</ol></div>")
    return "".join(parts)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain_markdown(text: str) -> str:
    """``text`` with Markdown's special characters backslash-escaped, so that a message
    naming a file or quoting input shows as written in ``st.error``/``st.success``."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


TABLE_COLUMNS = ["event_date", "event_type", "sub_event_type", "actor1", "actor2", "bloc1",
                 "bloc2", "location", "country", "latitude", "longitude", "approximate",
                 "uncertainty_km", "fatalities", "n_sources", "source", "notes"]


def event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The columns of the dashboard's event table (no geometry)."""
    return pd.DataFrame(events[[c for c in TABLE_COLUMNS if c in events.columns]]
                        ).reset_index(drop=True)


# -- territorial control ------------------------------------------------------------------


def control_day(window, bounds) -> date | None:
    """The day the control layers show: the end of the slider's ``window``, else the last day
    of ``bounds``; None when nothing is dated."""
    if window and window[1]:
        return to_day(window[1])
    return bounds[1] if bounds else None


def control_layers(control_events: gpd.GeoDataFrame, day, *, observations=None,
                   corridor_km: float | None = None, actors=None, theatres=None
                   ) -> gpd.GeoDataFrame:
    """Every control and corridor layer of ``day`` (``geo.layers.registry.layers_for_date``)
    from the corpus's control events, for ``theatres`` (as ``layers_for_date`` takes them:
    default chosen from the events); pass ``observations``
    (``geo.layers.control.control_observations``) to reuse them across days."""
    LOADS["control layers"] += 1
    iso = to_day(day).isoformat()
    return compute_snapshots(control_events, [iso], observations=observations,
                             corridor_km=corridor_km, actors=actors, theatres=theatres)[iso]


def theatre_label(choice: str) -> str:
    """How the dashboard's theatre selector shows a choice (``geo.theatres.theatre_choices``)."""
    if choice == AUTO:
        return "automatic (from the events' countries)"
    if choice == NONE:
        return "none (no borders, zones or corridor questions)"
    theatre = load_theatres().get(choice)
    return theatre.name if theatre is not None else choice


def control_summary(layers: gpd.GeoDataFrame, actors=None) -> dict:
    """What the day's layers say (``geo.layers.snapshots.control_summary``), bloc names from
    ``actors`` (an ``ActorDictionary``) when given."""
    styles = {b.id: (b.name, b.color) for b in actors.blocs.values()} if actors else {}
    return summary(layers, styles)


def control_summary_markdown(summary: dict) -> str:
    """The summary as Markdown: the land-corridor answer in bold, then one bullet a line;
    every name is Markdown-escaped (``plain_markdown``)."""
    first, *rest = summary_lines(summary)
    return "\n".join([f"**{plain_markdown(first)}**", ""]
                     + [f"- {plain_markdown(line)}" for line in rest])


#: the encodings the dashboard offers for uploaded files (None: UTF-8, with or without BOM)
UPLOAD_ENCODINGS = {None: "UTF-8 (default)", "latin-1": "Latin-1 (Western European)",
                    "cp1252": "Windows-1252 (Western European)",
                    "cp1256": "Windows-1256 (Arabic)", "cp1251": "Windows-1251 (Cyrillic)",
                    "utf-16": "UTF-16"}


def upload_error_message(exc: Exception) -> str:
    """A failed upload's message in the dashboard's words: an encoding error says where the
    encoding is chosen."""
    if isinstance(exc, EncodingError):
        return f"{exc} — choose it under “Encoding of uploaded files” and upload it again"
    return str(exc)
