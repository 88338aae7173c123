"""Control observations and control_at on constructed events (no index needed)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.control import control_at, control_observations


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
