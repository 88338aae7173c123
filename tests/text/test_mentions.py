import pytest

from geo.text.mentions import mentions_frame, sentence_bounds


def test_sentence_bounds():
    text = "First one. Second, in Mosul! Third?\nFourth"
    parts = [text[a:b] for a, b in sentence_bounds(text)]
    assert parts == ["First one.", "Second, in Mosul!", "Third?", "Fourth"]


@pytest.mark.slow
def test_mentions_frame_keeps_article_and_sentence(gaz, seed_texts):
    frame = mentions_frame(seed_texts, gaz)
    assert frame.crs.to_epsg() == 4326
    sinjar = frame[frame.text == "Sinjar"].iloc[0]
    assert "Sinjar" in sinjar.sentence and sinjar.article in seed_texts
    assert sinjar.geometry.x == pytest.approx(sinjar.lon) and sinjar.geometry.y == pytest.approx(
        sinjar.lat)
    unlocated = frame[~frame.located]
    assert "Umm Jrais" in set(unlocated.name) and unlocated.geometry.isna().all()
