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
