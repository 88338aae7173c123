"""ACLED's admin2: the GeoNames second-order division of a town, offline."""

from __future__ import annotations

import pytest

from gazetteer.divisions import admin2_name
from gazetteer.types import Place


@pytest.mark.parametrize("name, country, admin2", [
    ("Kharkiv", "UA", "Kharkiv"),
    ("Sumy", "UA", "Sumskyi"),          # "Sumskyi Raion" in GeoNames: the type word dropped
    ("Ibadan", "NG", "Ibadan North West"),
    ("Monywa", "MM", "Monywa"),
    ("Khartoum", "SD", ""),             # GeoNames divides Sudan no further
])
def test_admin2_of_a_geonames_town(gaz, name, country, admin2):
    town = next(p for p in gaz.lookup(name, country=country) if p.feature_class == "P")
    assert admin2_name(town) == admin2


@pytest.mark.parametrize("place", [
    None,
    Place("geonames:99999999999", "Nowhere", 1.0, 1.0, "IQ", "P", "PPL"),
    Place("overlay:al-tanf-border-crossing", "al-Tanf", 33.5, 38.6, "SY", "S", "PSTB"),
    Place("geonames:6269131", "England", 52.2, -0.7, "GB", "A", "ADM1"),
])
def test_no_admin2_for_what_is_not_a_known_town(place):
    assert admin2_name(place) == ""
