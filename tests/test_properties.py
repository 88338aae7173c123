"""Property-based tests (hypothesis) of hostile and unlucky text: random and adversarial texts
through geoparse, event extraction, merging and the web encoders, with the invariants every
output must keep whatever the input — offsets inside the text and naming what they cover,
coordinates in range, no NaN, every source kept by the merge, HTML and JSON that no input can
break out of, and time bounded per character."""

from __future__ import annotations

import json
import math
import re
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from geo.events import pipeline
from geo.events.merge import merge_events
from geo.text.articles import article_from_text
from geo.web.html import escape_cell, highlight, safe_json

pytestmark = pytest.mark.slow

# pieces real conflict reporting is made of, and pieces that break parsers
WORDS = ["Mosul", "Tal Afar", "al-Qaim", "Albu Kamal", "Raqqa", "Deir ez-Zor", "Kyiv", "Gao",
         "Sinjar", "Washington", "Paris", "Jordan", "Georgia", "Islamic State", "IS", "PMU",
         "Hashd al-Shaabi", "SDF", "Wagner", "Russian forces", "the regime", "attacked",
         "captured", "seized", "clashed with", "killed", "protesters", "rallied in", "on",
         "3 June 2017", "June", "Monday", "km", "15 km west of", "near", "the village of",
         "Al-", "-", ",", ".", ";", "(", ")", '"', "'", "\n", "\n\n", " ", "  ", "<script>",
         "</script>", "{{", "{%", "&amp;", "\u2028", "\u202e", "\x00", "\ufeff", "🙂",
         "الموصل", "Мосул", "ą", "ǅ", "İ", "ﬁ", "A" * 30, "Ahmed", "Fatima", "said",
         "Islamic State fighters attacked Mosul on 3 June 2017.",
         "The PMU captured the village of Umm Jrais, 15 km west of Baaj, on Monday.",
         "Protesters rallied in Kyiv on 4 June.", "Russian forces shelled Kharkiv.",
         "Wagner fighters and Malian troops killed 30 people near Gao last week."]
TEXTS = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join),
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(WORDS), st.integers(1, 300)),
)
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
SECONDS_PER_CHAR = 0.002        # far above the ~10 µs a character measured; catches blow-ups


@pytest.fixture(scope="module")
def tools():
    gaz, actors, vocabulary = pipeline.resources()
    gaz.geoparse("warm up in Mosul")
    return gaz, actors, vocabulary


def _finite(x) -> bool:
    return x is None or (isinstance(x, float | int) and math.isfinite(x))


@SETTINGS
@given(text=TEXTS)
def test_geoparse_offsets_coordinates_and_time(tools, text):
    gaz = tools[0]
    t0 = time.process_time()
    mentions = gaz.geoparse(text)
    assert time.process_time() - t0 <= 1.0 + SECONDS_PER_CHAR * len(text)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
        assert 0.0 <= m.confidence <= 1.0
        if m.point is not None:
            lat, lon = m.point
            assert _finite(lat) and _finite(lon)
            assert -90 <= lat <= 90 and -180 <= lon <= 180


@SETTINGS
@given(body=TEXTS, day=st.dates(date(1990, 1, 1), date(2030, 12, 31)))
def test_extraction_and_merge_keep_offsets_ranges_and_every_source(tools, body, day):
    gaz, actors, vocabulary = tools
    try:
        article = article_from_text(f"Title: t\nDate: {day.isoformat()}\n\n{body}", "a.txt",
                                    None, path="a.txt")
    except InputError as exc:           # no text after the header: a clear error
        assert str(exc) and not body.strip()
        return
    t0 = time.process_time()
    found = pipeline.extract(article, gaz, actors, vocabulary)
    assert time.process_time() - t0 <= 1.0 + SECONDS_PER_CHAR * len(body)
    text = article.text
    for ev in (*found.events, *found.control):
        assert 0 <= ev.sentence_start <= len(text)
        assert ev.sentence.strip() in text
        assert _finite(ev.lat) and _finite(ev.lon) and _finite(ev.uncertainty_km)
        if ev.lat is not None:
            assert -90 <= ev.lat <= 90 and -180 <= ev.lon <= 180
        if ev.first_date and ev.last_date:
            assert ev.first_date <= ev.last_date
    for events in (found.events, found.control):
        merged = merge_events(list(events))
        assert len(merged) <= len(events)
        told = sorted(e.event_id for e in events)
        kept = sorted(s["event_id"] for m in merged for s in m.sources)
        assert kept == told                 # every report is in exactly one merged event


@SETTINGS
@given(text=TEXTS)
def test_escaped_text_never_opens_markup(text):
    out = escape_cell(text)
    assert "<" not in out and ">" not in out and '"' not in out
    assert re.sub(r"&(amp|lt|gt|quot|#x27|#39);", "", out).count("&") == 0


@SETTINGS
@given(sentence=TEXTS, a=st.integers(0, 400), b=st.integers(0, 400))
def test_highlight_marks_only_inside_escaped_text(sentence, a, b):
    out = highlight(sentence, [(min(a, b), max(a, b), None)])
    stripped = out.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


@SETTINGS
@given(data=st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=60),
              st.sampled_from(["</script>", "<!--", "{{ x }}", "{% if %}", "\u2028", "]]>"])),
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=20))
def test_safe_json_reads_back_and_cannot_close_a_script(data):
    out = str(safe_json(data))
    assert "<" not in out and ">" not in out and "\u2028" not in out
    assert "{{" not in out and "{%" not in out and "{#" not in out
    assert json.loads(out) == data
