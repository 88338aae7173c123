"""The map's legend (HTML, every name escaped): the blocs of the events shown, the ACLED
event types (``geo.events.vocabulary``), the territorial-control layers shown (their entries
come from the layer registry, ``geo.layers.registry``) and notes."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from geo.events.vocabulary import load_vocabulary
from geo.layers.registry import BLOC_COLOURED, BY_NAME, REGISTRY
from geo.web.html import UNKNOWN_COLOR, cell_text, color, escape_cell

_HATCH = ('<li><span class="cm-swatch cm-hatch-swatch"></span>contested, low confidence or '
          'approximate: resting on places the text only describes, such as "west of X" '
          '(hatched, dashed)</li>')


def legend_html(styles, events: gpd.GeoDataFrame, notes: list[str],
                control: dict | None = None, control_layers: Iterable[str] = ()) -> str:
    """The legend's body: blocs present among the events' actor1, event types, the
    territorial-control symbols of ``control_layers`` (their map titles; ``control``: the
    page's control data, ``geo.web.encode.encode_snapshots``, whose ``blocs`` are listed),
    and notes. The land-corridor answer and the control day are filled in by the page's
    script."""
    used = pd.unique(events["bloc1"].astype(object)) if "bloc1" in events.columns else []
    present = [b for b in styles if b in set(used)]
    if any(cell_text(b) not in styles for b in used):
        styles = {**styles, "": ("no actor identified", UNKNOWN_COLOR)}
        present.append("")
    blocs = "".join(f'<li><span class="cm-swatch" style="background:'
                    f'{escape_cell(styles[b][1])}"></span>{escape_cell(styles[b][0])}</li>'
                    for b in present)
    kinds = "".join(f'<li><span class="cm-glyph" data-shape="{s}"></span>{escape_cell(t)}'
                    "</li>" for t, s in load_vocabulary().shapes.items())
    parts = [f"<h4>Blocs (actor 1)</h4><ul class=\"cm-cols\">{blocs}</ul>"
             f"<h4>Event types</h4><ul class=\"cm-cols\">{kinds}</ul>"]
    shown = set(control_layers)
    if control is not None and shown:
        items = []
        if any(BY_NAME[name].title in shown for name in BLOC_COLOURED):
            blocs_table = control.get("blocs", [])
            items += [f'<li><span class="cm-swatch cm-area-swatch" style="background:'
                      f'{escape_cell(color(blocs_table[i][2]))}"></span>{blocs_table[i][1]}'
                      "</li>" for i in control.get("present", [])]
            items.append(_HATCH)
        items += [layer.legend for layer in REGISTRY if layer.title in shown and layer.legend]
        answer = BY_NAME["land_corridor"].title in shown
        parts.append('<h4>Territorial control <small class="cm-control-day"></small></h4>'
                     + ('<div class="cm-answer"></div>' if answer else "")
                     + f'<ul class="cm-cols">{"".join(items)}</ul>'
                     + '<div class="cm-not-drawn"></div>')
    parts += [f'<div class="cm-note">{escape_cell(n)}</div>' for n in notes]
    return "".join(parts)
