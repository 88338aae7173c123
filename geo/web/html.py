"""Text that reaches a web page, made safe: frame cells as (escaped) text, colours, sentences
with highlighted spans, and JSON that is safe inside a ``<script>`` element and never read as
a template. Article text is untrusted: everything from it goes through here."""

from __future__ import annotations

import html
import json
import math
import re
import secrets

UNKNOWN_COLOR = "#9e9e9e"
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}(?:[0-9a-fA-F]{2})?|[a-zA-Z]{3,20}")
_TEMPLATE_OPENER = re.compile(r"\{(?=[{%#])")


def cell_text(value) -> str:
    """A frame cell as text: '' for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def escape_cell(value) -> str:
    """A frame cell as HTML-escaped text (quotes too): article text is untrusted."""
    return html.escape(cell_text(value), quote=True)


def as_int(value, default: int = 0) -> int:
    """A frame cell as an int (``default`` when it is not a number)."""
    try:
        return int(float(cell_text(value)))
    except ValueError:
        return default


def is_true(value) -> bool:
    """A boolean cell (bool, numpy bool, 'True'/'1'); None and NaN are False."""
    return cell_text(value).strip().lower() in ("true", "1", "1.0")


def color(value) -> str:
    """A CSS colour as ``#rgb``/``#rrggbb(aa)`` or a colour name, else the grey default (a
    colour goes into SVG markup unescaped by the page's script)."""
    text = cell_text(value).strip()
    return text if _COLOR.fullmatch(text) else UNKNOWN_COLOR


def highlight(sentence: str, spans) -> str:
    """``sentence`` escaped, with the (start, end, css class or None) spans wrapped in
    ``<mark>``; overlapping and empty spans after the first are skipped."""
    out, at = [], 0
    for s, e, cls in sorted(spans):
        if s < at or e <= s:
            continue
        out += [html.escape(sentence[at:s]), f'<mark class="{cls}">' if cls else "<mark>",
                html.escape(sentence[s:e]), "</mark>"]
        at = e
    out.append(html.escape(sentence[at:]))
    return "".join(out)


class SafeJson(str):
    """JSON text already made safe by :func:`safe_json` (passed through as it is)."""


def safe_json(data, compact: bool = False) -> SafeJson:
    """``data`` as JSON that is also safe inside an HTML ``<script>`` element: ``<``, ``>``,
    ``&``, U+2028 and U+2029 are written as ``\\u`` escapes, and so is a ``{`` opening
    Jinja syntax (``{{``, ``{%``, ``{#``; in JSON it can only be inside a string), so that
    no data can close the element or be read as a template; ``compact``: no spaces after
    separators. Serialise a large payload once and pass the result (a :class:`SafeJson`)
    again and again."""
    if isinstance(data, SafeJson):
        return data
    raws: list = []
    nonce = secrets.token_hex(8)

    def raw(obj):
        # an object that writes its own JSON (``geo.web.encode.GeoJSON``): a placeholder
        # now, its text below (the nonce: no data can forge a placeholder)
        if callable(getattr(obj, "raw_json", None)):
            raws.append(obj)
            return f"{nonce}:{len(raws) - 1}"
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=raw,
                      separators=(",", ":") if compact else None)
    if raws:
        text = re.sub(f'"{nonce}:(\\d+)"',
                      lambda m: raws[int(m.group(1))].raw_json(compact), text)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return SafeJson(_TEMPLATE_OPENER.sub(r"\\u007b", text))


def geojson_text(text: str) -> SafeJson:
    """GeoJSON text made safe for the page's script (``safe_json``) without parsing it
    again when it needs no escaping."""
    if not re.search(r"[<>&\u2028\u2029]|\{[{%#]", text):
        return SafeJson(text)
    return safe_json(json.loads(text))
