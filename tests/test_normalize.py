from collections import defaultdict

import pytest

from gazetteer import cues as cues_mod
from gazetteer.find import find_spans, tokenize
from gazetteer.normalize import match_key, variant_key
from gazetteer.tokens import GAP, name_tokens


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


# -- name_tokens: only the words mention finding reads, with exact adjacency --------------------

PLACE_KEYS = ["mosul", "nineveh province", "nineveh", "tal afar", "sri lanka", "alexandria",
              "iraq", "syria", "al tanf", "tanf", "deir ez zor", "baghdad", "jordan", "paris",
              "new york", "west bank", "gaza strip", "tyler", "dillon", "wheeler", "sukhnah"]
TRICKY_TEXTS = [
    "Karim al-Nouri said in Mosul that Syrian forces advanced near as-Sukhnah.",
    "The town of al- Tanf lies in Nineveh province, said Col. Ryan Dillon of the U.S. Army.",
    "Police in Alexandria, La., and W.Va. officials met Mary Wheeler on West Tyler Street.",
    "Stevens & Wilkinson of Dodge Caravan fame flew from Sri Lanka to the Gaza Strip Monday.",
    "Nineveh province said; the village of Tal Afar and Deir ez-Zor, Iraq's West Bank.",
    "lower-case prose only, with no names in it at all",
    "Mosul",
    "",
]


def _names():
    """A stand-in for ``Index.names``: automaton values for a few keys, None otherwise."""
    names = defaultdict(lambda: None)
    names.update({key: (i << 8) | len(key) for i, key in enumerate(PLACE_KEYS, 1)})
    return names


def _spans(text, toks):
    return [(s.start, s.end, s.key, s.key_id, s.how, sorted(s.marks))
            for s in find_spans(text, toks, _names(), cues_mod.load())]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_name_tokens_find_the_same_spans_and_marks_as_every_token(text):
    assert _spans(text, name_tokens(text, cues_mod.load())) == _spans(text, tokenize(text))


def test_seed_articles_give_the_same_spans_over_name_tokens(seed_texts):
    for text in seed_texts.values():
        assert _spans(text, name_tokens(text, cues_mod.load())) == _spans(text, tokenize(text))


def test_name_tokens_keep_neighbours_and_collapse_the_rest_into_gaps():
    text = "the quick brown fox met Ana in the town of al- Tanf yesterday and then went home"
    toks = name_tokens(text, cues_mod.load())
    assert [t.fold for t in toks] == [GAP.fold, "met", "ana", "in", GAP.fold, "of", "al",
                                      "tanf", "yesterday", GAP.fold]
    for t in toks:
        if t is not GAP:
            assert match_key(text[t.start:t.end]) == t.fold
    assert name_tokens("no capitals here", cues_mod.load()) == [GAP]
    assert name_tokens("", cues_mod.load()) == []


def test_sentence_start_check_agrees_with_its_regex():
    import random
    import re

    from gazetteer.find import _sentence_before

    regex = re.compile(r"[.!?:\"“”\n]\s*$")
    rng = random.Random(1)
    alphabet = list('ab .!?:"“”\n\t\r\u00a0\u2003')
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        start = rng.randint(0, len(text))
        assert _sentence_before(text, start) == bool(regex.search(text, max(0, start - 4),
                                                                  start)), (text, start)
