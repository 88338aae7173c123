import pytest

from gazetteer.find import tokenize
from gazetteer.normalize import match_key, variant_key


@pytest.mark.parametrize("a, b", [
    ("Raqqa", "Raqqah"), ("Raqqa", "Rakka"), ("Raqqa", "Ar-Raqqah"), ("Raqqa", "al-Raqqa"),
    ("Deir ez-Zor", "Deir Ezzor"), ("Deir ez-Zor", "Dayr az Zawr"), ("Deir ez-Zor", "Deir al-Zor"),
    ("Tal Afar", "Tall Afar"), ("Tal Afar", "Tel Afar"), ("Tal Afar", "Tal 'Afar"),
    ("Qamishli", "Al Qamishli"), ("Qamishli", "Kamishli"), ("Qamishli", "Qameshli"),
    ("al-Ba'aj", "Ba`aj"), ("al-Ba'aj", "Baaj"), ("Umm Qasr", "Um Qasr"),
    ("Sinjar", "Sinjār"), ("Hasakah", "Al-Hasakah"), ("Tanf", "at-Tanf"),
])
def test_variant_keys_meet(a, b):
    assert variant_key(a) == variant_key(b)


@pytest.mark.parametrize("a, b", [
    ("Raqqa", "Riga"), ("Mosul", "Muscle Shoals"), ("Sinjar", "Singapore"), ("Homs", "Hama"),
    ("Erbil", "Irbid"), ("Tikrit", "Tripoli"),
])
def test_different_places_keep_different_keys(a, b):
    assert variant_key(a) != variant_key(b)


@pytest.mark.parametrize("name, key", [
    ("al-Ba'aj", "al baaj"), ("Al Ba`aj", "al baaj"), ("Iraq's", "iraq"), ("Zürich", "zurich"),
    ("Deir ez-Zor", "deir ez zor"), ("  São   Paulo ", "sao paulo"), ("Shi’ite", "shiite"),
])
def test_match_key(name, key):
    assert match_key(name) == key


def test_other_scripts_keep_a_match_key_but_no_variant():
    assert match_key("الرقة") == "الرقة"
    assert variant_key("الرقة") == ""


def test_tokens_carry_offsets_into_the_text():
    text = "Iraq-Syria border, al- Tanf"
    for t in tokenize(text):
        assert match_key(text[t.start:t.end]) == t.fold
    assert [t.fold for t in tokenize(text)] == ["iraq", "syria", "border", "al", "tanf"]
