"""Location precision codes.

ACLED ``geo_precision``: 1 the exact town/village (or a point feature in it); 2 a part of a
region or a small area near a town (districts); 3 a larger region, reported at its
representative point (provinces, countries).
UCDP GED ``where_prec``: 1 exact location; 2 within about 25 km of a known point; 3 a
second-order administrative division; 4 a first-order division; 5 a larger area or linear
feature (a region, a border, a desert); 6 a country; 7 international waters or airspace.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Precision:
    acled: int
    ucdp: int

    def to_dict(self) -> dict[str, int]:
        return {"acled": self.acled, "ucdp": self.ucdp}


_BY_CODE = {
    "PCLI": Precision(3, 6), "PCLD": Precision(3, 6), "PCLS": Precision(3, 6),
    "PCLF": Precision(3, 6), "PCLIX": Precision(3, 6), "PCL": Precision(3, 6),
    "TERR": Precision(3, 6), "CONT": Precision(3, 5), "RGN": Precision(3, 5),
    "AREA": Precision(3, 5), "DSRT": Precision(3, 5), "ADM1": Precision(3, 4),
    "ADM2": Precision(2, 3), "ADM3": Precision(2, 3), "ADMD": Precision(2, 3),
    "OCN": Precision(3, 7), "SEA": Precision(3, 7), "GULF": Precision(3, 7),
    "STM": Precision(2, 5), "WAD": Precision(2, 5), "BDR": Precision(2, 5),
    "RD": Precision(2, 5), "PPLX": Precision(1, 1),
}
_BY_CLASS = {
    "P": Precision(1, 1),  # populated places
    "S": Precision(1, 1),  # spots: crossings, bases, squares
    "R": Precision(2, 5),  # roads
    "H": Precision(2, 5),  # water
    "T": Precision(2, 2),  # terrain
    "L": Precision(3, 5),  # areas
    "A": Precision(3, 4),
}


def precision_for(feature_class: str, feature_code: str) -> Precision:
    """Precision codes for a GeoNames feature class and code (unknown: town-level 1/2)."""
    return _BY_CODE.get(feature_code) or _BY_CLASS.get(feature_class) or Precision(2, 2)
