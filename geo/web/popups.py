"""The exported map's popups, escaped: an event's type, date and precision, actors, location
and every source (title, outlet, date, the sentence with the trigger and the place
highlighted), and the place mentions' points; and each located event's marker record."""

from __future__ import annotations

import re

import geopandas as gpd

from gazetteer.normalize import TOKEN_RE, variant_key
from geo.events.table import cell_sources
from geo.events.vocabulary import load_vocabulary
from geo.web.html import as_int, cell_text, color, escape_cell, highlight, is_true

PRECISION = {1: "day", 2: "week", 3: "month or wider"}
_HIGHLIGHT_LIMIT = 20        # mentions listed in one place popup
_text, _e = cell_text, escape_cell


def trigger_patterns() -> dict[str, re.Pattern]:
    """Event rule name → its trigger pattern (the event vocabulary)."""
    return load_vocabulary().patterns


def place_spans(sentence: str, names: list[str]) -> list[tuple[int, int]]:
    """Where one of ``names`` (place names or their surface forms) occurs in ``sentence``:
    literally (ignoring case), else as a transliteration variant of a run of words."""
    low = sentence.lower()
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        at = low.find(name.lower())
        if at >= 0:
            return [(at, at + len(name))]
    words = list(TOKEN_RE.finditer(sentence))
    for name in (n for n in names if n and n.strip()):
        key, width = variant_key(name), len(name.split())
        for n in {width, width + 1, max(1, width - 1)}:
            for i in range(len(words) - n + 1):
                s, e = words[i].start(), words[i + n - 1].end()
                if key and variant_key(sentence[s:e]) == key:
                    return [(s, e)]
    return []


def _sources(row) -> list[dict]:
    return cell_sources(row.get("sources")) or [
        {"title": "", "sentence": _text(row.get("notes"))}]


def event_popup(row, styles, triggers, surfaces: dict[str, set[str]] | None = None) -> str:
    """Popup HTML of one events_frame row: type, date and precision, actors, location, and
    each source's title, date and sentence with the trigger and place highlighted."""
    prec = PRECISION.get(as_int(row.get("time_precision"), 3), "month or wider")
    d0, d1 = _text(row.get("first_date")), _text(row.get("last_date") or row.get("event_date"))
    when = d1 if not d0 or d0 == d1 else f"{d0} – {d1}"
    actors = " → ".join(
        f"{_e(row.get(a))} <small>({_e(styles.get(_text(row.get(b)), (row.get(b), ''))[0])})"
        "</small>" for a, b in (("actor1", "bloc1"), ("actor2", "bloc2")) if _text(row.get(a)))
    where = _e(row.get("location")) or "unknown"
    if is_true(row.get("approximate")):
        unc = row.get("uncertainty_km")
        where += (f" (approximate, ± {float(unc):g} km)" if _text(unc) else " (approximate)")
    facts = [("Date", f"{_e(when)} <small>({_e(prec)} precision; date from "
                      f"{_e(row.get('date_source')) or '?'})</small>"),
             ("Actors", actors or "unidentified"), ("Location", where)]
    if _text(row.get("claimed_by")):
        facts.append(("Claimed by", _e(row.get("claimed_by"))))
    if as_int(row.get("fatalities")):
        facts.append(("Fatalities", _e(row.get("fatalities"))))
    if _text(row.get("modality")) and row.get("modality") != "asserted":
        facts.append(("Modality", _e(row.get("modality"))))
    pattern = triggers.get(_text(row.get("rule")))
    items = []
    for src in _sources(row):
        sentence = _text(src.get("sentence"))
        spans = [(m.start(), m.end(), "cm-trigger")] if pattern and (
            m := pattern.search(sentence)) else []
        names = [_text(row.get("location")), *(surfaces or {}).get(_text(src.get("article")), ())]
        spans += [(s, e, "cm-place") for s, e in place_spans(sentence, names)]
        meta = " · ".join(_e(src.get(k)) for k in ("source", "published") if _text(src.get(k)))
        items.append(f"<li><b>{_e(src.get('title')) or _e(src.get('article'))}</b>"
                     f"{' <small>' + meta + '</small>' if meta else ''}"
                     f"<blockquote>{highlight(sentence, spans)}</blockquote></li>")
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return (f"<h4>{_e(row.get('event_type'))} <small>{_e(row.get('sub_event_type'))}</small>"
            f"</h4><dl>{dl}</dl><b>Sources ({len(items)})</b><ol>{''.join(items)}</ol>")


#: a place whose mentions are all resolved below this confidence is drawn hollow and dashed
LOW_CONFIDENCE = 0.5


def mention_points(mentions: gpd.GeoDataFrame) -> list[dict]:
    """One point per located place (or per approximately placed name), its popup listing the
    mentions with their confidence and rule (escaped). ``low``: every mention below
    LOW_CONFIDENCE (drawn hollow); ``radius_km``: an approximate point's uncertainty (a dashed
    ring, never a filled area)."""
    located = mentions[mentions.geometry.notna() & ~mentions.geometry.is_empty]
    if "approximate" in located.columns:
        approx = located["approximate"].fillna(False).astype(bool)
        key = located["place_id"].where(~approx, "approx:" + located["name"].astype(str))
    else:
        approx, key = None, located["place_id"]
    points = []
    for _, rows in located.groupby(key, sort=True):
        first = rows.iloc[0]
        lis = []
        for r in rows.head(_HIGHLIGHT_LIMIT).itertuples():
            at = _text(r.sentence).find(_text(r.text))
            spans = [(at, at + len(_text(r.text)), "cm-place")] if at >= 0 else []
            sure = f" <small>confidence {r.confidence:.2f}, {_e(r.rule)}</small>" \
                if getattr(r, "confidence", None) is not None else ""
            lis.append(f"<li><b>{_e(r.article)}</b>{sure}<blockquote>"
                       f"{highlight(_text(r.sentence), spans)}</blockquote></li>")
        more = len(rows) - len(lis)
        best = rows["confidence"].max() if "confidence" in rows else 1.0
        radius = first.get("uncertainty_km") if approx is not None and \
            bool(first.get("approximate")) else None
        where = (f"<p><i>approximate: {_e(first.get('source'))}, ±{radius:g} km</i></p>"
                 if radius else "")
        popup = (f"<h4>{_e(first['name'])} <small>{_e(first.get('country_code'))} "
                 f"{_e(first.get('feature_code'))}</small></h4>{where}<b>{len(rows)} mention"
                 f"{'s' if len(rows) != 1 else ''} in {rows.article.nunique()} article(s)</b>"
                 f"<ol>{''.join(lis)}</ol>{f'<i>… and {more} more</i>' if more else ''}")
        low = bool(best < LOW_CONFIDENCE)
        tip = f"{_e(first['name'])} ({len(rows)})" + (" · low confidence" if low else "") + (
            f" · approximate, ±{radius:g} km" if radius else "")
        point = {"lat": first.geometry.y, "lon": first.geometry.x, "popup": popup, "tip": tip}
        if low:
            point["low"] = True
        if radius:
            point["radius_km"] = float(radius)
        points.append(point)
    return points


def event_records(events, styles, mentions, cache: dict | None = None) -> list[dict]:
    """One marker record per located event (lat, lon, dates, colour, shape, escaped popup and
    tooltip, ``fan``: its place among the events at the same point). ``cache`` (event id →
    record without ``fan``) is read and filled, so that a caller drawing the same events
    again does not rebuild their popups."""
    cache = {} if cache is None else cache
    triggers = None
    surfaces: dict[str, dict[str, set[str]]] = {}     # place name → article → surface forms
    if mentions is not None and len(mentions):
        for r in mentions.itertuples():
            surfaces.setdefault(_text(r.name), {}).setdefault(_text(r.article), set()).add(
                _text(r.text))
    records, stacks = [], {}
    ids = [_text(x) or None for x in events["event_id_cnty"]] \
        if "event_id_cnty" in events.columns else [None] * len(events)
    if len(set(ids)) < len(ids):         # ids missing or repeated: no cache
        ids = [None] * len(events)
    for key, (_, row) in zip(ids, events.iterrows(), strict=True):
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        if key is not None and key in cache:
            records.append(dict(cache[key]))
            stacks.setdefault((round(geom.y, 5), round(geom.x, 5)), []).append(records[-1])
            continue
        if triggers is None:
            triggers = trigger_patterns()
            shapes = load_vocabulary().shapes
        colour = color(styles.get(_text(row.get("bloc1")), ("", ""))[1])
        unc, approx = row.get("uncertainty_km"), is_true(row.get("approximate"))
        radius = float(unc) * 1000 if approx and _text(unc) else None
        d0 = _text(row.get("first_date")) or _text(row.get("event_date"))
        d1 = _text(row.get("last_date")) or _text(row.get("event_date"))
        records.append({
            "lat": geom.y, "lon": geom.x, "d0": d0 or None, "d1": d1 or None,
            "color": colour, "shape": shapes.get(_text(row.get("event_type")), "circle"),
            "approx": approx, "radius": radius,
            "popup": event_popup(row, styles, triggers,
                                 surfaces.get(_text(row.get("location")))),
            "tip": f"{_e(row.get('event_type'))}: {_e(row.get('location'))} ({_e(d1)})"})
        if key is not None:
            cache[key] = dict(records[-1])
        stacks.setdefault((round(geom.y, 5), round(geom.x, 5)), []).append(records[-1])
    for same in stacks.values():     # events at one point: fanned out around it on screen
        for k, rec in enumerate(same):
            rec["fan"] = [k, len(same)] if len(same) > 1 else None
    return records
