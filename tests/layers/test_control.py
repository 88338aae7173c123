"""Control observations and control_at on constructed events (no index needed)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.layers.control import control_at, control_observations


def ev(i, lon, lat, bloc1, control, day, *, bloc2="", modality="asserted", place=None,
       approximate=False, uncertainty_km=None):
    return {"event_id_cnty": f"E{i}", "event_date": day, "first_date": day, "last_date": day,
            "bloc1": bloc1, "bloc2": bloc2, "control": control, "modality": modality,
            "location": place or f"P{lon},{lat}", "place_id": place or f"p:{lon},{lat}",
            "approximate": approximate, "uncertainty_km": uncertainty_km,
            "sources": json.dumps([{"article": f"a{i}", "sentence": f"sentence {i}"}]),
            "sentences": f"sentence {i}", "rule": "r", "claimed_by": "",
            "geometry": None if lon is None else Point(lon, lat)}


def frame(rows):
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def test_capture_gives_taken_and_lost_with_evidence():
    obs = control_observations(frame([
        ev(1, 40.0, 34.0, "iran_axis", "captured", "2017-05-30", bloc2="islamic_state")]))
    assert sorted(zip(obs.bloc, obs.status, strict=True)) == [("iran_axis", "taken"),
                                                  ("islamic_state", "lost")]
    assert set(obs.event_id) == {"E1"} and obs.sentences.iloc[0] == "sentence 1"


def test_plans_statements_and_vague_places_are_not_observations():
    obs = control_observations(frame([
        ev(1, 40.0, 34.0, "iran_axis", "captured", "2017-05-30", modality="planned"),
        ev(2, 41.2, 35.1, "iran_axis", "captured", "2017-05-30", approximate=True,
           uncertainty_km=295.0),
        ev(3, 40.0, 34.0, "iran_axis", "", "2017-05-30")]))
    assert obs.empty


def test_unlocated_place_is_kept_without_geometry():
    obs = control_observations(frame([
        ev(1, None, None, "iran_axis", "captured", "2017-05-30", place="overlay:taru-iq")]))
    assert list(obs.place_key) == ["overlay:taru-iq"] and not obs.located.any()


def test_latest_observation_wins_and_confidence_decays():
    obs = control_observations(frame([
        ev(1, 40.0, 34.0, "islamic_state", "holds", "2017-05-01", modality="situation",
           place="X"),
        ev(2, 40.0, 34.0, "iran_axis", "captured", "2017-05-20", bloc2="islamic_state",
           place="X")]))
    before = control_at(obs, "2017-05-10")
    assert list(before.bloc) == ["islamic_state"] and before.status.iloc[0] == "held"
    after = control_at(obs, "2017-05-20", half_life_days=10)
    later = control_at(obs, "2017-05-30", half_life_days=10)
    assert list(after.bloc) == ["iran_axis"] and after.status.iloc[0] == "taken"
    assert later.confidence.iloc[0] == pytest.approx(after.confidence.iloc[0] / 2, rel=1e-3)
    assert json.loads(after.event_ids.iloc[0]) == ["E2"]
    assert control_at(obs, "2017-04-01").empty


def test_contested_place_is_marked():
    obs = control_observations(frame([
        ev(1, 40.0, 34.0, "islamic_state", "holds", "2017-05-01", modality="situation",
           place="X"),
        ev(2, 40.0, 34.0, "iran_axis", "contested", "2017-05-20", bloc2="islamic_state",
           place="X")]))
    at = control_at(obs, "2017-05-21")
    assert at.contested.iloc[0] and at.bloc.iloc[0] == ""
    assert json.loads(at.blocs.iloc[0]) == ["iran_axis", "islamic_state"]


def test_two_blocs_taking_a_place_the_same_day_is_contested():
    obs = control_observations(frame([
        ev(1, 40.0, 34.0, "iran_axis", "reached", "2017-05-20", place="X"),
        ev(2, 40.0, 34.0, "us_coalition", "reached", "2017-05-20", place="X")]))
    assert control_at(obs, "2017-05-20").status.iloc[0] == "contested"


def test_bad_day_raises():
    obs = control_observations(frame([ev(1, 40.0, 34.0, "iran_axis", "reached", "2017-05-20")]))
    with pytest.raises(ValueError):
        control_at(obs, "2017-02-30")


@pytest.mark.parametrize("precision, radius, kept", [
    (2, 61.0, True),       # "the border village of X", near the article's town: evidence only
    (3, 295.0, False),     # a country named with its border: no observation
    (3, 61.0, False),      # the middle of a border: no observation
])
def test_a_roughly_placed_named_place_is_unlocated_evidence(precision, radius, kept):
    row = {**ev(1, 22.3, 13.4, "rsf", "captured", "2023-05-30", place="text:um dukhunayr",
                approximate=True, uncertainty_km=radius), "geo_precision": precision}
    obs = control_observations(frame([row]))
    assert len(obs) == int(kept)
    if kept:
        assert list(obs.place_key) == ["text:um dukhunayr"]
        assert not obs.located.any() and not obs.approximate.any()


def test_an_approximate_place_is_named_as_the_text_placed_it():
    row = {**ev(1, 42.9, 36.33, "iran_axis", "captured", "2017-05-30", place="geonames:99072",
                approximate=True, uncertainty_km=50.0), "location": "Mosul",
           "located_as": "west of Mosul"}
    obs = control_observations(frame([row]))
    assert list(obs.location) == ["west of Mosul (approximate, ±50 km)"]


def test_relative_location_is_kept_approximate_as_a_place_of_its_own():
    """"west of Mosul" (50 km) is kept, flagged, and never taken for Mosul itself; a country
    named as the place (295 km) is still left out."""
    town = ev(1, 43.11889, 36.335, "islamic_state", "holds", "2017-05-01", modality="situation",
              place="geonames:99072")
    west = ev(2, 43.11889, 36.335, "iran_axis", "captured", "2017-05-30",
              bloc2="islamic_state", place="geonames:99072", approximate=True,
              uncertainty_km=50.0)
    country = ev(3, 41.2, 35.1, "iran_axis", "captured", "2017-05-30", approximate=True,
                 uncertainty_km=295.0)
    obs = control_observations(frame([town, west, country]))
    assert set(obs.event_id) == {"E1", "E2"}
    rough = obs[obs.approximate]
    assert list(rough.uncertainty_km) == [50.0, 50.0]          # taken and lost
    assert set(rough.place_key) == {"approx:36.3350,43.1189:r50km"}
    assert rough.location.str.contains("approximate").all()
    at = control_at(obs, "2017-06-01").set_index("place_key")
    assert at.loc["geonames:99072", "bloc"] == "islamic_state"      # Mosul is still IS's
    approx = at.loc["approx:36.3350,43.1189:r50km"]
    assert approx.approximate and approx.uncertainty_km == 50.0 and approx.bloc == "iran_axis"
    assert not at.loc["geonames:99072", "approximate"]


def _reference_control_at(observations, d, half_life_days=30.0):
    """The first (pandas groupby) implementation of control_at, kept as a reference."""
    prio = {"taken": 0, "contested": 1, "held": 2, "lost": 3}
    obs = observations[observations["first_date"] <= d]
    obs = obs.assign(_eff=np.minimum(obs["date"].to_numpy(dtype=object), d),
                     _prio=obs["status"].map(prio))
    obs = obs.sort_values(["place_key", "_eff", "_prio"], ascending=[True, False, True],
                          kind="stable")
    latest = obs[obs["_eff"] == obs.groupby("place_key", sort=False)["_eff"].transform("max")]
    g = latest.groupby("place_key", sort=False)
    top = g.head(1).set_index("place_key")
    holding = latest["status"].isin(["taken", "held"])
    n_holders = latest[holding].groupby("place_key")["bloc"].nunique() \
        .reindex(top.index, fill_value=0)
    contested = (top["status"] == "contested") | (n_holders > 1)
    status = top["status"].where(~contested, "contested")
    bloc = top["bloc"].where(~contested & (status != "lost"), "")
    holder = obs["place_key"].map(bloc)
    own = obs["status"].isin(["taken", "held"]) & (obs["bloc"] == holder) & (holder != "")
    against = (obs["status"].isin(["taken", "held"]) & (obs["bloc"] != holder)) | \
        (obs["status"] == "contested") | ((obs["status"] == "lost") & (obs["bloc"] == holder))
    cut = obs["place_key"].map(obs[against].groupby("place_key")["_eff"].max()) \
        .astype(object).fillna("")
    since = obs[own & (obs["_eff"] > cut)].groupby("place_key")["_eff"].min() \
        .reindex(top.index).fillna(top["_eff"])
    age = (np.datetime64(d) - top["_eff"].to_numpy(dtype="datetime64[D]")).astype(int)
    conf = g["base_confidence"].max().reindex(top.index).to_numpy() * \
        0.5 ** (age / half_life_days)
    ids = g["event_id"].agg(list).reindex(top.index)
    return pd.DataFrame({"place_key": top.index, "bloc": bloc.to_numpy(),
                         "status": status.to_numpy(), "since": since.to_numpy(),
                         "observed": top["_eff"].to_numpy(), "age_days": age,
                         "confidence": np.round(conf, 4),
                         "event_ids": [json.dumps(list(dict.fromkeys(e))) for e in ids]})


@pytest.mark.parametrize("day", ["2017-02-01", "2017-04-15", "2017-06-30"])
def test_control_at_matches_the_reference_implementation(day):
    rng = np.random.default_rng(11)
    kinds = ["captured", "holds", "reached", "contested", "entered"]
    blocs = ["islamic_state", "iran_axis", "us_coalition", "kurdish_forces"]
    rows = []
    for i in range(400):
        p, k = int(rng.integers(0, 60)), str(rng.choice(kinds))
        b1, b2 = (str(x) for x in rng.choice(blocs, 2))
        rows.append(ev(i, 40 + p / 100, 34.0, b1, k,
                       f"2017-{int(rng.integers(1, 7)):02d}-{int(rng.integers(1, 29)):02d}",
                       bloc2=b2 if b2 != b1 else "",
                       modality="situation" if k == "holds" else "asserted", place=f"P{p}"))
    obs = control_observations(frame(rows))
    mine = control_at(obs, day)
    ref = _reference_control_at(obs, day)
    pd.testing.assert_frame_equal(mine[list(ref.columns)].reset_index(drop=True), ref,
                                  check_dtype=False)
