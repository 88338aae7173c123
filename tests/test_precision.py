import pytest

from gazetteer.precision import precision_for


@pytest.mark.parametrize("fclass, fcode, acled, ucdp", [
    ("P", "PPL", 1, 1), ("P", "PPLC", 1, 1), ("S", "PSTB", 1, 1), ("A", "ADM2", 2, 3),
    ("A", "ADM1", 3, 4), ("A", "PCLI", 3, 6), ("T", "DSRT", 3, 5), ("L", "RGN", 3, 5),
    ("H", "SEA", 3, 7),
])
def test_precision_codes(fclass, fcode, acled, ucdp):
    p = precision_for(fclass, fcode)
    assert (p.acled, p.ucdp) == (acled, ucdp)
