"""``conflictmap layers`` and the layers of the bundled seeds."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from geo.cli import main


def test_bad_date_exits_3_with_one_line(tmp_path, capsys):
    for bad in ("2017-13-04", "June 4", ""):
        assert main(["layers", "--date", bad, "--out", str(tmp_path / "l.geojson")]) == 3
        err = capsys.readouterr().err
        assert err.startswith("conflictmap: error: bad --date") and err.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_bad_format_and_width_exit_3(tmp_path, capsys):
    assert main(["layers", "--date", "2017-06-04", "--out", str(tmp_path / "l.csv")]) == 3
    assert main(["layers", "--date", "2017-06-04", "--out", str(tmp_path / "l.geojson"),
                 "--radius-km", "0"]) == 3
    assert capsys.readouterr().err.count("\n") == 2


@pytest.fixture(scope="module")
def seed_layers(tmp_path_factory):
    out = tmp_path_factory.mktemp("layers") / "layers.geojson"
    assert main(["layers", "--date", "2017-06-04", "--out", str(out)]) == 0
    assert [p.name for p in out.parent.iterdir()] == ["layers.geojson"]     # no temp files
    return gpd.read_file(out)


def _listed(value) -> list:
    """A list column as read back from GeoJSON (a list or array), or its JSON text."""
    return json.loads(value) if isinstance(value, str) else list(value)


@pytest.mark.slow
def test_seed_layers_written_with_every_layer(seed_layers):
    assert {"control", "control_area", "border", "corridor", "border_crossing",
            "corridor_event", "zone", "land_corridor"} <= set(seed_layers.layer)
    assert (seed_layers.date == "2017-06-04").all()


@pytest.mark.slow
def test_seed_pmu_border_villages_are_taken_but_unlocated(seed_layers):
    """The extractor gives PMU (iran_axis) captures of border villages near al-Ba'aj; the
    gazetteer knows the villages but has no coordinates for them, and the border puts them
    only within about 60 km (over the 50 km a claim needs), so they are evidence without a
    geometry (and no area)."""
    control = seed_layers[seed_layers.layer == "control"]
    taken = control[(control.bloc == "iran_axis") & (control.status == "taken")]
    assert {"Umm Jrais", "Wadi al-Midar", "Taru", "al-Khibrah"} <= set(taken.name)
    villages = taken[taken.name.isin(["Umm Jrais", "Taru"])]
    assert villages.geometry.isna().all() or villages.geometry.is_empty.all()
    assert all(len(json.loads(e) if isinstance(e, str) else e) for e in villages.event_ids)
    assert "Jayar Ghalfas" in set(control[control.status == "contested"].name)


@pytest.mark.slow
def test_seed_coalition_tanf_zone_and_corridor(seed_layers):
    zone = seed_layers[seed_layers.layer == "zone"]
    assert len(zone) == 1 and zone.bloc.iloc[0] == "us_coalition"
    crossings = seed_layers[seed_layers.layer == "border_crossing"]
    assert zone.geometry.iloc[0].covers(
        crossings[crossings.name == "al-Tanf border crossing"].geometry.iloc[0])
    inside = seed_layers[seed_layers.layer == "corridor_event"]
    tanf = inside[inside.name == "al-Tanf border crossing"]
    assert len(tanf) >= 2 and tanf.geometry.within(zone.geometry.iloc[0]).all()
    answer = seed_layers[(seed_layers.layer == "land_corridor")
                         & (seed_layers.kind == "answer")]
    assert answer.answer.iloc[0] == "no"      # the seeds hold no connected Iran-aligned ground


@pytest.mark.slow
def test_seed_layers_as_parquet(tmp_path):
    out = tmp_path / "layers.parquet"
    assert main(["layers", "--date", "2017-06-01", "--out", str(out)]) == 0
    frame = gpd.read_parquet(out)
    assert "zone" in set(frame.layer) and frame.crs.to_epsg() == 4326


@pytest.mark.slow
def test_seed_control_places_after_the_place_rules(seed_layers):
    """At-Tanf (not Deir ez-Zor, the aim of the sentence) is held by the coalition; Tehran,
    named as the militias' sponsor, is no control place; "west of Mosul" is kept as an
    approximate place of its own, while Mosul itself stays IS-held."""
    control = seed_layers[seed_layers.layer == "control"]
    names = set(control.name)
    assert "Tehran" not in names and "Deir ez-Zor" not in names
    tanf = control[control.name == "al-Tanf border crossing"]
    assert list(tanf.bloc) == ["us_coalition"] and list(tanf.status) == ["held"]
    rough = control[control.approximate.fillna(False).astype(bool)]
    assert len(rough) >= 1 and (rough.uncertainty_km <= 50).all()
    assert rough.place_key.str.startswith("approx:").all()
    assert "Mosul" in rough.name.iloc[0] and rough.bloc.iloc[0] == "iran_axis"
    mosul = control[control.name == "Mosul"]
    assert list(mosul.bloc) == ["islamic_state"]
    areas = seed_layers[seed_layers.layer == "control_area"]
    rough_areas = areas[areas.approximate.fillna(False).astype(bool)]   # its cell says so
    assert len(rough_areas) == 1
    assert any("west of Mosul" in p for p in _listed(rough_areas.places.iloc[0]))
    assert not any("approximate" in p for ps in areas[~areas.approximate.fillna(False)
                                                       .astype(bool)].places
                   for p in _listed(ps))


@pytest.mark.slow
def test_seed_frontline_west_of_mosul_is_approximate_with_both_sides_evidence(seed_layers):
    """The PMU's captures "west of Mosul" (placed 20 km west, ±50 km) meet IS-held Mosul: a
    frontline, marked approximate, with the event ids of both sides."""
    fronts = seed_layers[seed_layers.layer == "frontline"]
    assert len(fronts) >= 1 and fronts.approximate.astype(bool).all()
    f = fronts.iloc[0]
    assert {f.bloc_a, f.bloc_b} == {"iran_axis", "islamic_state"} and f.length_km > 10
    assert _listed(f.event_ids_a) and _listed(f.event_ids_b)
    sides = _listed(f.places_a) + _listed(f.places_b)
    assert "Mosul" in sides and any(p.startswith("west of Mosul") for p in sides)


@pytest.mark.slow
def test_seed_border_crossings_say_where_each_point_comes_from(seed_layers):
    crossings = seed_layers[seed_layers.layer == "border_crossing"].set_index("name")
    assert {"al-Tanf border crossing", "al-Walid border crossing",
            "al-Qaim–Albu Kamal border crossing",
            "al-Yarubiyah–Rabia border crossing"} <= set(crossings.index)
    assert crossings.source.str.len().min() > 10
    derived = crossings[crossings.approximate.fillna(False).astype(bool)]
    assert len(derived) == 2 and (derived.uncertainty_km > 0).all()
    assert derived.source.str.contains("GeoNames").all()


FAR_ARTICLES = {
    "missouri": "IS militants captured Palmyra, Missouri on 3 June 2017.",
    "sahel": "Islamic State fighters seized Menaka in Mali on 2 June 2017.",
    "philippines": "Islamic State militants captured Marawi on the island of Mindanao on "
                   "1 June 2017.",
}


@pytest.mark.slow
@pytest.mark.parametrize("command", ["layers", "export"])
@pytest.mark.parametrize("where", sorted(FAR_ARTICLES))
def test_a_far_place_beside_the_seeds_gets_its_own_area(tmp_path, capsys, command, where):
    """One captured place on another continent, with the Iraq–Syria seeds: both commands
    succeed, and the far place gets an area of its own (not a crash in the land union)."""
    article = tmp_path / "far.txt"
    article.write_text(f"Title: far\nDate: 2017-06-04\n\n{FAR_ARTICLES[where]}\n",
                       encoding="utf-8")
    out = tmp_path / ("l.geojson" if command == "layers" else "m.html")
    extra = ["--date", "2017-06-04"] if command == "layers" else []
    assert main([command, "seeds", str(article), *extra, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "internal error" not in err and "warning" not in err
    if command == "layers":
        areas = gpd.read_file(out)
        areas = areas[areas.layer == "control_area"]
        far = areas[areas.representative_point().x.lt(20) | areas.representative_point().x.gt(60)]
        assert len(far) == 1 and len(areas) > 1
        # the Islamic State's bloc in the far place's theatre (the Sahel has its own)
        assert far.iloc[0].bloc == ("sahel_is" if where == "sahel" else "islamic_state")
    else:
        assert out.stat().st_size > 100_000


UKRAINE_ARTICLE = """Title: Fighting in Donetsk oblast
Date: 2023-03-15

Russian forces captured the village of Krasna Hora north of Bakhmut on 14 March 2023,
the Russian Defence Ministry said. Ukrainian troops held Chasiv Yar, the General Staff said.
"""


@pytest.fixture(scope="module")
def ukraine_article(tmp_path_factory):
    path = tmp_path_factory.mktemp("ua") / "ukraine.txt"
    path.write_text(UKRAINE_ARTICLE, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("spec, theatre, border", [
    ("auto", "ukraine", "UA–RU border"),
    ("ukraine", "ukraine", "UA–RU border"),
    ("iraq_syria", "iraq_syria", "IQ–SY border"),        # asked for: drawn
    ("none", "none", None),
])
def test_layers_follow_the_theatre(tmp_path, capsys, ukraine_article, spec, theatre, border):
    out = tmp_path / "l.geojson"
    assert main(["layers", str(ukraine_article), "--date", "2023-03-15", "--out", str(out),
                 "--theatre", spec]) == 0
    assert f"theatre: {theatre}" in capsys.readouterr().err
    layers = gpd.read_file(out)
    borders = set(layers[layers.layer == "border"].name)
    assert (border in borders) if border else not borders
    assert not any("IQ" in b for b in borders) or theatre == "iraq_syria"
    if theatre != "iraq_syria":
        assert "zone" not in set(layers.layer) or "al-Tanf" not in " ".join(
            layers[layers.layer == "zone"].name)


@pytest.mark.slow
def test_an_unknown_theatre_exits_3_naming_the_choices(tmp_path, capsys, ukraine_article):
    assert main(["layers", str(ukraine_article), "--date", "2023-03-15", "--out",
                 str(tmp_path / "l.geojson"), "--theatre", "atlantis"]) == 3
    err = capsys.readouterr().err
    assert "unknown theatre" in err and "ukraine" in err and err.count("\n") == 1
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_old_control_is_history_in_a_later_corpus(tmp_path, capsys, ukraine_article):
    """The 2017 seeds beside a 2023 article: on 2023-03-15 the seeds' control is years old
    and is not drawn; the command says how many claims it left out."""
    out = tmp_path / "l.geojson"
    assert main(["layers", "seeds", str(ukraine_article), "--date", "2023-03-15", "--out",
                 str(out)]) == 0
    assert "history, not drawn" in capsys.readouterr().err
    control = gpd.read_file(out)
    control = control[control.layer == "control"]
    assert len(control) and (control.age_days <= 90).all()
