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


@pytest.mark.slow
@pytest.mark.parametrize("text, surface, anchor, radius", [
    ("Rebels entered Zindiya, 15 km east of Ramadi, on Friday.", "Zindiya", "Ramadi", 15.0),
    ("Drones hit the village of Kofaru near Gao overnight.", "Kofaru", "Gao", 15.0),
])
def test_mentions_frame_keeps_approximate_places_at_their_anchor(gaz, text, surface, anchor,
                                                                  radius):
    frame = mentions_frame({"a": text}, gaz)
    row = frame[frame.text == surface].iloc[0]
    anchor_row = frame[frame.text == anchor].iloc[0]
    assert row.approximate and row.uncertainty_km == radius and row.located
    assert row.anchor_id == anchor_row.place_id and row["name"] == surface
    assert row.geometry.equals(anchor_row.geometry) and row.acled_precision == 2
    assert anchor in row.source and not anchor_row.approximate


def test_mention_points_mark_low_confidence_and_draw_uncertainty_as_a_ring():
    import geopandas as gpd
    from shapely.geometry import Point

    from geo.web.popups import LOW_CONFIDENCE, mention_points

    rows = [
        {"article": "a", "sentence": "In Mosul.", "text": "Mosul", "name": "Mosul",
         "place_id": "p:1", "country_code": "IQ", "feature_code": "PPL", "confidence": 0.95,
         "rule": "prior", "approximate": False, "uncertainty_km": None, "source": "s",
         "geometry": Point(43.1, 36.3)},
        {"article": "a", "sentence": "In Athens.", "text": "Athens", "name": "Athens",
         "place_id": "p:2", "country_code": "US", "feature_code": "PPL",
         "confidence": LOW_CONFIDENCE - 0.1, "rule": "context", "approximate": False,
         "uncertainty_km": None, "source": "s", "geometry": Point(-83.4, 33.9)},
        {"article": "a", "sentence": "In Zindiya <b>.", "text": "Zindiya", "name": "Zindiya",
         "place_id": "p:3", "country_code": "IQ", "feature_code": "", "confidence": 0.7,
         "rule": "contained:near", "approximate": True, "uncertainty_km": 15.0,
         "source": "placed near Ramadi <script>", "geometry": Point(43.3, 33.4)},
    ]
    points = {p["tip"].split(" (")[0]: p for p in mention_points(
        gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))}
    assert "low" not in points["Mosul"] and "radius_km" not in points["Mosul"]
    assert points["Athens"]["low"] is True and "low confidence" in points["Athens"]["tip"]
    assert points["Zindiya"]["radius_km"] == 15.0 and "±15 km" in points["Zindiya"]["popup"]
    assert "<script>" not in points["Zindiya"]["popup"] and "&lt;script&gt;" in \
        points["Zindiya"]["popup"]
    assert "confidence 0.40" in points["Athens"]["popup"]
