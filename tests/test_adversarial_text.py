"""Adversarial shapes of text through geoparse, small versions under a per-test timeout (the
time and memory against size are measured by tests/bench/bench_adversarial.py): long runs of
one place name, hyphen chains, name lists, one capitalised line, a single huge token."""

import pytest

pytestmark = pytest.mark.slow

SHAPES = {
    "repeated_place": "Mosul " * 4000,
    "hyphen_chain": "IS attacked " + "Al-" * 6000,
    "name_list": "Ahmed Hassan al-Jubouri (Mosul), Fatima Ali (Tal Afar), " * 400,
    "capitalised_line": "Alpha Bravo Charlie Delta Echo Foxtrot " * 700,
    "one_token": "A" * 200_000,
    "mixed_scripts": "الموصل Mosul Мосул " * 2000,
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_adversarial_shapes_finish_with_sane_offsets(gaz, shape):
    text = SHAPES[shape]
    mentions = gaz.geoparse(text)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text) and text[m.start:m.end] == m.text
        if m.point is not None:
            assert -90 <= m.point[0] <= 90 and -180 <= m.point[1] <= 180


@pytest.mark.timeout(30)
def test_a_long_run_of_one_name_is_one_place_everywhere(gaz):
    mentions = gaz.geoparse("Mosul " * 3000)
    assert len(mentions) == 3000 and len({m.place.id for m in mentions}) == 1


# -- the same shapes through event extraction (geo.events.pipeline.corpus_events) ----------
# Before the fixes these took minutes at these sizes (an unknown-group scan and a trigger
# pattern quadratic in a run of capitalised or hyphen-joined words); now a second or two.

EVENT_SHAPES = {
    "repeated_place": "Mosul " * 16_000,
    "hyphen_chain": "IS attacked " + "Al-" * 32_000,
    "name_list": "Ahmed Hassan al-Jubouri (Mosul), Fatima Ali (Tal Afar), " * 1_500,
    "capitalised_line": "Alpha Bravo Charlie Delta Echo Foxtrot " * 2_500,
    "group_words": "Zorgan Brigade Liwa Ahrar Front " * 3_000,
    "events_in_one_line": "IS fighters attacked Mosul and seized Tal Afar, " * 2_000,
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("shape", sorted(EVENT_SHAPES))
def test_adversarial_shapes_through_extraction(gaz, shape):
    from geo.events import pipeline
    from geo.text.articles import article_from_text

    body = EVENT_SHAPES[shape]
    article = article_from_text(f"Title: t\nDate: 2017-06-04\n\n{body}", "a.txt", None,
                                path="a.txt")
    found = pipeline.corpus_events([article], gaz)
    text = article.text
    for ev in (*found.raw, *found.control_raw):
        assert 0 <= ev.sentence_start <= len(text)
        assert text[ev.sentence_start:].lstrip().startswith(ev.sentence.strip()[:40])
        assert len(ev.sentence) <= 2_000
        if ev.lat is not None:
            assert -90 <= ev.lat <= 90 and -180 <= ev.lon <= 180
    m = found.mentions
    assert (m["start"] >= 0).all() and (m["end"] <= len(text)).all()
    assert m["sentence"].str.len().max() <= 1_000 if len(m) else True


@pytest.mark.parametrize("text", [
    "word " * 1_000,                                     # one sentence of 5,000 characters
    "x" * 3_500,                                         # no space to cut at
    "Short one. " + "Mosul " * 400 + ". Another short one.",
])
def test_long_sentences_are_cut_into_pieces_that_cover_the_text(text):
    from geo.text.mentions import MAX_SENTENCE_CHARS, sentence_bounds, sentence_of

    bounds = sentence_bounds(text)
    assert all(0 <= s < e <= len(text) and e - s <= MAX_SENTENCE_CHARS for s, e in bounds)
    assert all(a[1] <= b[0] for a, b in zip(bounds, bounds[1:], strict=False))
    covered = "".join(text[s:e] for s, e in bounds)
    assert covered.replace(" ", "").replace(".", "") == \
        text.replace(" ", "").replace(".", "")
    for s, e in bounds:
        assert sentence_of(bounds, s, len(text)) == (s, e)
        assert sentence_of(bounds, e - 1, len(text)) == (s, e)
