"""The actor dictionary (geo/actors/data/actors.toml) and actor mentions (geo.actors)."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from geo.actors import DEFAULT_PATH, ActorMention, expand_braces, load_actors
from geo.actors.dictionary import Setting
from geo.errors import DataError


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def ids(mentions: list[ActorMention]) -> list[str]:
    return [m.actor.id for m in mentions]


#: a text about Iraq or Syria in June 2017 (the seeds' setting): generic names such as
#: "the regime" name a theatre's actor only in a text set in that theatre
IRAQ_SYRIA_2017 = Setting(("iraq_syria",), date(2017, 6, 15), ("IQ", "SY"))


def only(actors, text: str) -> ActorMention:
    found = actors.find(text, IRAQ_SYRIA_2017)
    assert len(found) == 1, [(m.text, m.actor.id) for m in found]
    return found[0]


# -- aliases ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, actor_id", [
    *[(t, "pmf") for t in ["PMU", "PMF", "Popular Mobilization Forces",
                           "Popular Mobilisation Units", "al-Hashd al-Shaabi",
                           "Al-Hashed Al-Shaabi", "Al Hashed al-Shaabi", "Hashd al-Sha'bi",
                           "Hashd", "al-Hashd", "Popular Mobilisation Forces"]],
    *[(t, "islamic_state") for t in ["IS", "ISIS", "Isis", "ISIL", "Daesh", "Daish",
                                     "Islamic State", "the Islamic State group",
                                     "IS militants", "Islamic State of Iraq and the Levant"]],
    *[(t, "hezbollah") for t in ["Hezbollah", "Hizballah", "Hizbollah", "Hizbullah"]],
    *[(t, "syrian_government_forces") for t in ["SAA", "Syrian Arab Army", "the regime",
                                                "regime forces", "pro-regime forces",
                                                "pro-government forces", "Assad's forces",
                                                "Syrian army", "Syrian government troops"]],
    ("Kata'ib Hezbollah", "kataib_hezbollah"), ("Kataib Hizballah", "kataib_hezbollah"),
    ("Asa'ib Ahl al-Haq", "asaib_ahl_al_haq"), ("Badr Organization", "badr"),
    ("Quds Force", "quds_force"), ("IRGC", "irgc"), ("Revolutionary Guards", "irgc"),
    ("National Defence Forces", "ndf"), ("Russian air force", "russian_forces"),
    ("US troops", "us_forces"), ("US jets", "us_forces"), ("CENTCOM", "us_forces"),
    ("US special forces", "us_forces"), ("U.S. military", "us_forces"),
    ("Operation Inherent Resolve", "us_coalition"), ("the US-led coalition", "us_coalition"),
    ("anti-ISIS coalition", "us_coalition"), ("coalition forces", "us_coalition"),
    ("British forces", "uk_forces"), ("French special forces", "french_forces"),
    ("Norwegian special forces", "norwegian_forces"), ("Iraqi army", "isf"),
    ("Iraqi Security Forces", "isf"), ("Iraqi air force", "iraqi_air_force"),
    ("Counter Terrorism Service", "cts"), ("Federal Police", "federal_police"),
    ("peshmerga forces", "peshmerga"), ("KRG", "krg"), ("Syrian Democratic Forces", "sdf"),
    ("SDF", "sdf"), ("YPG", "ypg"), ("YPJ", "ypj"), ("Asayish", "asayish"),
    ("Free Syrian Army", "fsa"), ("FSA", "fsa"), ("Maghawir al-Thawra", "maghawir_al_thawra"),
    ("Revolutionary Commando Army", "maghawir_al_thawra"),
    ("Jaish Usoud al-Sharqiya", "jaish_usoud_al_sharqiya"), ("Ahrar al-Sham", "ahrar_al_sham"),
    ("Hayat Tahrir al-Sham", "hts"), ("Jabhat al-Nusra", "hts"), ("Nusra Front", "hts"),
    ("Jabhat Fateh al-Sham", "hts"), ("Turkish Armed Forces", "turkish_armed_forces"),
    ("Syrian National Army", "sna"), ("Jordanian Armed Forces", "jordanian_armed_forces"),
    ("Israeli Defense Forces", "idf"), ("Liwa Fatemiyoun", "fatemiyoun"),
    ("Zainebiyoun", "zainebiyoun"), ("al-Nujaba", "nujaba"),
    ("Kata'ib Sayyid al-Shuhada", "kataib_sayyid_al_shuhada"),
    ("Hashd al-Asha'iri", "sunni_tribal_forces"), ("civilians", "civilians"),
])
def test_alias_variants_meet_one_actor(actors, text, actor_id):
    m = only(actors, text)
    assert m.actor.id == actor_id
    assert m.start == 0 or text.lower().startswith("the ")
    assert actors.resolve_name(text, IRAQ_SYRIA_2017).id == actor_id


def _home(a) -> Setting:
    """A text set in the actor's home theatre on a day its row applies."""
    theatres = () if a.theatres[:1] == ("global",) else a.theatres[:1]
    return Setting(theatres, a.valid_from or a.valid_to, (a.country,) if a.country else ())


def test_every_listed_alias_resolves_to_its_actor(actors):
    wrong = [(a.id, alias, getattr(actors.resolve_name(alias, _home(a)), "id", None))
             for a in actors.actors.values() for alias in (*a.aliases, *a.generic)
             if getattr(actors.resolve_name(alias, _home(a)), "id", None) != a.id]
    assert not wrong


@pytest.mark.parametrize("alias, expanded", [
    ("a {b|c}", ["a b", "a c"]), ("x{|y}", ["x", "xy"]), ("plain", ["plain"]),
])
def test_brace_expansion(alias, expanded):
    assert expand_braces(alias) == expanded


# -- case rules, boundaries, possessives ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "This is what it is.", "Is it true?", "Let us go with them.", "they hashed out a deal",
    "The weather was fine on Tuesday.", "It cost US$5 million.", "Basra is hot in summer.",
    "His sdf file was lost.", "the isis flower", "",
])
def test_no_actor(actors, text):
    assert actors.find(text) == []


@pytest.mark.parametrize("text, expected", [
    ("IS fighters attacked, which is bad", ["islamic_state"]),
    ("The US said it is ready to help us", ["us_forces"]),
    ("ISIS IN IRAQ: WHAT IS NEXT", ["islamic_state"]),        # "IS" in an all-caps headline
    ("the Guardian writes Isis for the group", ["islamic_state"]),
    ("Hizballah, not hizb", ["hezbollah"]),
])
def test_case_rules(actors, text, expected):
    assert ids(actors.find(text)) == expected


@pytest.mark.parametrize("text, actor_id, span", [
    ("the PMU's advance", "pmf", "PMU's"),
    ("the SDF’s spokesman", "sdf", "SDF’s"),
    ("Hezbollah's fighters", "hezbollah", "Hezbollah's fighters"),
    ("Assad's forces advanced", "syrian_government_forces", "Assad's forces"),
])
def test_possessives(actors, text, actor_id, span):
    m = actors.find(text)[0]
    assert (m.actor.id, m.text) == (actor_id, span)


def test_words_are_whole(actors):
    assert actors.find("Badrinath and Hashdown and Sdfx") == []
    assert ids(actors.find("Badr and Hashd")) == ["badr", "pmf"]


def test_longest_match_wins_and_mentions_do_not_overlap(actors):
    found = actors.find("Free Syrian Army commanders met the Syrian army near Kata'ib "
                        "Hezbollah positions and the Islamic State of Iraq and the Levant.")
    assert [(m.text, m.actor.id) for m in found] == [
        ("Free Syrian Army", "fsa"), ("Syrian army", "syrian_government_forces"),
        ("Kata'ib Hezbollah", "kataib_hezbollah"),
        ("Islamic State of Iraq and the Levant", "islamic_state")]


@pytest.mark.parametrize("text, span, actor_name", [
    ("MNJTF soldiers repelled the raid.", "MNJTF soldiers",
     "MNJTF: Multinational Joint Task Force"),
    ("AMISOM soldiers left the base.", "AMISOM soldiers",
     "AMISOM: African Union Mission in Somalia"),
    ("MNJTF troops left the base.", "MNJTF troops", "MNJTF: Multinational Joint Task Force"),
])
def test_a_named_actor_takes_the_force_noun_after_it(actors, text, span, actor_name):
    """"MNJTF soldiers": one side, the named one; the noun is not a second, generic side."""
    found = actors.find(text)
    assert [(m.text, m.actor.name) for m in found] == [(span, actor_name)]


def test_matches_do_not_cross_sentences(actors):
    # "Syrian. Army units" is not "Syrian army units" (the units are some country's army)
    assert all(not i.startswith("syrian") for i in ids(actors.find(
        "He was Syrian. Army units moved.")))
    assert ids(actors.find("He was Syrian. Nothing moved.")) == []


def test_generic_aliases_are_flagged_and_yield(actors):
    m = only(actors, "the regime shelled the town")
    assert (m.actor.id, m.generic) == ("syrian_government_forces", True)
    assert only(actors, "the Syrian Arab Army").generic is False
    # "US-backed Syrian forces" are not regime forces: the backer is hostile to the regime
    assert ids(actors.find("US-backed Syrian forces advanced", IRAQ_SYRIA_2017)) == \
        ["us_forces"]
    # an allied backer keeps the generic phrase
    assert ids(actors.find("Iranian-backed Iraqi militias advanced", IRAQ_SYRIA_2017)) == \
        ["pmf"]


@pytest.mark.parametrize("text, expected", [
    ("He flew from Iran to Lebanon.", []),
    ("Iran has helped Assad.", ["iran", "syrian_government_forces"]),
    ("near the border with Turkey", []),
    ("Turkey shelled Afrin.", ["turkish_armed_forces"]),
    ("an ally of the Russia-backed government", ["russian_forces"]),
])
def test_country_names_as_actors_only_outside_locatives(actors, text, expected):
    assert ids(actors.find(text)) == expected


def test_coordinated_nationals(actors):
    found = actors.find("At-Tanf is occupied by US, British and Norwegian special forces.")
    assert ids(found) == ["us_forces", "uk_forces", "norwegian_forces"]
    assert ids(actors.find("Russian and Syrian jets pounded Idlib")) == [
        "russian_forces", "syrian_government_forces"]


# -- blocs, hostility, codes --------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("islamic_state", "iran_axis"), ("islamic_state", "us_coalition"),
    ("islamic_state", "kurdish_forces"), ("islamic_state", "syrian_government"),
    ("islamic_state", "iraqi_government"), ("islamic_state", "syrian_opposition"),
    ("syrian_government", "syrian_opposition"), ("russia", "syrian_opposition"),
    ("turkey_aligned", "kurdish_forces"), ("jihadist_rebels", "syrian_opposition"),
    ("us_coalition", "jihadist_rebels"), ("israel", "iran_axis"),
])
def test_hostile_pairs_both_ways(actors, a, b):
    assert actors.hostile(a, b) and actors.hostile(b, a)


@pytest.mark.parametrize("a, b", [
    ("iran_axis", "syrian_government"), ("iran_axis", "russia"),
    ("syrian_government", "russia"), ("us_coalition", "kurdish_forces"),
    ("us_coalition", "iraqi_government"), ("iraqi_government", "iran_axis"),
    ("syrian_opposition", "turkey_aligned"), ("civilians", "islamic_state"),
    ("islamic_state", "islamic_state"),
])
def test_not_hostile_pairs(actors, a, b):
    assert not actors.hostile(a, b) and not actors.hostile(b, a)


def test_hostility_and_alliance_are_symmetric_and_disjoint(actors):
    for a, b in itertools.product(actors.blocs, repeat=2):
        assert actors.hostile(a, b) == actors.hostile(b, a)
        assert actors.allied(a, b) == actors.allied(b, a)
        assert not (actors.hostile(a, b) and actors.allied(a, b))


def test_required_blocs_and_partnership_model(actors):
    assert {"iran_axis", "syrian_government", "us_coalition", "kurdish_forces",
            "syrian_opposition", "islamic_state", "turkey_aligned", "russia",
            "iraqi_government", "civilians"} <= set(actors.blocs)
    sdf, pmf = actors.actor("sdf"), actors.actor("pmf")
    assert sdf.bloc == "kurdish_forces" and actors.allied("kurdish_forces", "us_coalition")
    assert (pmf.bloc, pmf.parent) == ("iran_axis", "iraqi_government")
    assert actors.actor("hts").bloc != actors.actor("fsa").bloc
    assert actors.actor("maghawir_al_thawra").bloc == "us_coalition"
    for b in actors.blocs.values():
        assert b.color.startswith("#") and len(b.color) == 7


@pytest.mark.parametrize("actor_id, inter", [
    ("syrian_government_forces", 1), ("isf", 1), ("islamic_state", 2), ("fsa", 2),
    ("sdf", 2), ("hts", 2), ("pmf", 3), ("hezbollah", 3), ("ndf", 3),
    ("sunni_tribal_forces", 4), ("rioters", 5), ("protesters", 6), ("civilians", 7),
    ("us_coalition", 8), ("military_forces_of_sudan", 1), ("rsf", 2), ("jnim", 2),
])
def test_inter_codes(actors, actor_id, inter):
    assert actors.actor(actor_id).inter == inter


@pytest.mark.parametrize("actor_id, country, inter", [
    ("us_forces", "SY", 8), ("us_forces", "US", 1), ("russian_forces", "UA", 8),
    ("russian_forces", "RU", 1), ("irgc", "IQ", 8), ("irgc", "IR", 1),
    ("military_forces_of_sudan", "SD", 1), ("islamic_state", "SY", 2),
])
def test_state_forces_abroad_are_inter_8(actors, actor_id, country, inter):
    assert actors.localised(actors.actor(actor_id), country).inter == inter


def test_dictionary_size_and_integrity(actors):
    c = actors.counts()
    assert c["actors"] >= 40 and c["persons"] >= 20 and c["aliases"] >= 400
    for a in actors.actors.values():
        assert a.bloc in actors.blocs
        assert a.parent == "" or a.parent in actors.actors
        assert a.wikidata == "" or a.wikidata.startswith("Q")
        assert 1 <= a.inter <= 8
    with pytest.raises(KeyError):
        actors.actor("nonexistent")


# -- people -------------------------------------------------------------------------------

def _people(actors, text):
    return [(m.person, m.actor.id, m.text) for m in actors.find(text) if m.person]


@pytest.mark.parametrize("text, expected", [
    ("PMU spokesman Karim al-Nouri said the force was ready. Nouri added that it would wait.",
     [("Karim al-Nouri", "pmf", "Karim al-Nouri"), ("Karim al-Nouri", "pmf", "Nouri")]),
    ("On Wednesday, coalition spokesman Colonel Ryan Dillon confirmed it. Col Dillon said so.",
     [("Ryan Dillon", "us_coalition", "Ryan Dillon"), ("Ryan Dillon", "us_coalition", "Dillon")]),
    ("Free Syrian Army commander Ahmad Hamada told reporters.",
     [("Ahmad Hamada", "fsa", "Ahmad Hamada")]),
    ("Qasim Musla, brigadier general of PMU group Liwaa Al-Toufouf, told ARA News.",
     [("Qasim Musla", "pmf", "Qasim Musla")]),
    ("Tlass Salameh, head of the Jaish Usoud al-Sharqiya, said so.",
     [("Tlass Salameh", "jaish_usoud_al_sharqiya", "Tlass Salameh")]),
    ("the general commander of the Asayish forces, Ciwan Ibrahim, spoke.",
     [("Ciwan Ibrahim", "asayish", "Ciwan Ibrahim")]),
    ("Karim al-Nouri, a senior PMU official, said it.",
     [("Karim al-Nouri", "pmf", "Karim al-Nouri")]),
    ("a spokesman for the US-led coalition, Col. Ryan Dillon, said",
     [("Ryan Dillon", "us_coalition", "Ryan Dillon")]),
    ("US Army Colonel Ryan Dillon said", [("Ryan Dillon", "us_forces", "Ryan Dillon")]),
    ("SDF commanders Mazloum Abdi and others", [("Mazloum Abdi", "sdf", "Mazloum Abdi")]),
])
def test_role_linked_people(actors, text, expected):
    assert _people(actors, text) == expected


@pytest.mark.parametrize("text", [
    "In Deir Ezzor, the SDF commander said nothing.",      # a place before the comma
    "On Monday, PMU fighters advanced.",
    "the PMU official said on Monday that fighters advanced",
    "Nouri added that it would wait.",                     # a surname never linked here
    "a Hezbollah official Al-Manar TV reported",           # an outlet, not a person
])
def test_role_rule_does_not_invent_people(actors, text):
    assert _people(actors, text) == []


@pytest.mark.parametrize("text, person, actor_id", [
    ("Hadi al-Amiri spoke", "Hadi al-Amiri", "badr"),
    ("the Badr leader, Amiri, said", "Hadi al-Amiri", "badr"),
    ("Abu Mahdi al-Muhandis arrived", "Abu Mahdi al-Muhandis", "pmf"),
    ("Qassem Soleimani visited", "Qasem Soleimani", "quds_force"),
    ("Abu Bakr al-Baghdadi appeared", "Abu Bakr al-Baghdadi", "islamic_state"),
    ("President Bashar al-Assad said", "Bashar al-Assad", "syrian_government_forces"),
    ("Massoud Barzani met him", "Masoud Barzani", "krg"),
    ("Prime Minister Haider alAbadi said", "Haider al-Abadi", "iraqi_government"),
    ("Mazloum Abdi said", "Mazloum Abdi", "sdf"),
    ("Hassan Nasrallah said", "Hassan Nasrallah", "hezbollah"),
    ("Mr Barzani’s office said", "Masoud Barzani", "krg"),
])
def test_listed_people(actors, text, person, actor_id):
    found = [m for m in actors.find(text) if m.person]
    assert [(m.person, m.actor.id) for m in found] == [(person, actor_id)]


@pytest.mark.parametrize("text", [
    "He was shot in Sadr City yesterday by police.",        # a surname inside a place name
    "Hafez al-Assad ruled for decades before his son.",     # another Assad
])
def test_listed_surnames_not_inside_other_names(actors, text):
    assert _people(actors, text) == []


# -- resolve_name ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, actor_id", [
    ("PMU", "pmf"), ("the regime", "syrian_government_forces"), ("Hadi al-Amiri", "badr"),
    ("Hashd al-Shabi", "pmf"), ("Hizbullah", "hezbollah"), ("pmf", "pmf"),
    ("Popular Mobilization Forces", "pmf"), ("Syrian Democratic Forces", "sdf"),
])
def test_resolve_name(actors, name, actor_id):
    assert actors.resolve_name(name, IRAQ_SYRIA_2017).id == actor_id


@pytest.mark.parametrize("name", ["", "is", "us", "Baghdad", "the weather"])
def test_resolve_name_none(actors, name):
    assert actors.resolve_name(name) is None


# -- malformed data -----------------------------------------------------------------------

_GOOD_ACTOR = """
[[actor]]
id = "bad_one"
name = "Bad"
aliases = ["Bad Actor Group"]
bloc = "other"
inter = 3
country = ""
parent = ""
wikidata = ""
kind = "militia"
"""


@pytest.mark.parametrize("change, needle", [
    (('bloc = "other"', 'bloc = "nowhere"'), "nowhere"),
    (("inter = 3", "inter = 9"), "inter"),
    (('name = "Bad"\n', ""), "name"),
    (('aliases = ["Bad Actor Group"]', 'aliases = ["PMU"]'), "PMU"),
    (('aliases = ["Bad Actor Group"]', 'aliases = ["Bad {Actor"]'), "brace"),
    (('parent = ""', 'parent = "ghost"'), "ghost"),
    (('country = ""', 'country = "Iraq"'), "country"),
    (('wikidata = ""', 'wikidata = "123"'), "wikidata"),
    (('kind = "militia"', 'kind = "militia"\ncolour = "red"'), "colour"),
    (("inter = 3", 'inter = "3"'), "inter"),
])
def test_malformed_actor_raises_data_error_naming_the_entry(tmp_path, change, needle):
    text = DEFAULT_PATH.read_text("utf-8") + _GOOD_ACTOR.replace(*change)
    path = tmp_path / "actors.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(DataError) as err:
        load_actors(path)
    assert "bad_one" in str(err.value) and needle in str(err.value)


@pytest.mark.parametrize("extra, needle", [
    ('\n[[person]]\nname = "Some One"\naliases = []\nactor = "ghost"\nrole = "x"\n', "Some One"),
    ('\n[[bloc]]\nid = "newbloc"\nname = "N"\ncolor = "#123456"\nhostile = ["ghost"]\n',
     "ghost"),
    ('\n[[bloc]]\nid = "newbloc"\nname = "N"\ncolor = "red"\nhostile = []\n', "newbloc"),
    ("\n[[actor\n", "TOML"),
])
def test_malformed_entries_raise_data_error(tmp_path, extra, needle):
    path = tmp_path / "actors.toml"
    path.write_text(DEFAULT_PATH.read_text("utf-8") + extra, "utf-8")
    with pytest.raises(DataError, match=needle):
        load_actors(path)


def test_missing_file_raises_data_error(tmp_path):
    with pytest.raises(DataError):
        load_actors(tmp_path / "nope.toml")


def test_default_dictionary_is_cached():
    assert load_actors() is load_actors()
    assert load_actors(Path(DEFAULT_PATH)) is load_actors()


# -- the seed articles --------------------------------------------------------------------
# What a human coder lists for each article (actors; linked people), kept honest: only actors
# the article names as doing or suffering something, or as a party to the conflict.

GOLD = {
    "000": ({"pmf", "islamic_state", "syrian_government_forces", "hezbollah", "fsa",
             "us_forces", "iran", "iraqi_government", "badr"},
            {("Ahmad Hamada", "fsa"), ("Bashar al-Assad", "syrian_government_forces")}),
    "001": ({"pmf", "islamic_state", "sdf", "asayish", "syrian_government_forces",
             "iraqi_government", "iraqi_air_force"},
            {("Karim al-Nouri", "pmf"), ("Ciwan Ibrahim", "asayish"), ("Qasim Musla", "pmf")}),
    "002": ({"islamic_state", "pmf", "syrian_government_forces", "iran", "us_coalition",
             "us_forces", "maghawir_al_thawra", "jaish_usoud_al_sharqiya", "iraqi_government",
             "badr"},
            {("Tlass Salameh", "jaish_usoud_al_sharqiya"), ("Hadi al-Amiri", "badr")}),
    "003": ({"pmf", "islamic_state", "us_forces", "us_coalition", "krg", "sdf",
             "syrian_government_forces", "fsa", "uk_forces", "norwegian_forces",
             "russian_forces", "iraqi_government"},
            {("Karim al-Nouri", "pmf"), ("Ryan Dillon", "us_coalition"),
             ("Masoud Barzani", "krg"), ("Haider al-Abadi", "iraqi_government")}),
    "004": ({"islamic_state", "krg", "peshmerga", "syrian_government_forces", "us_forces",
             "us_coalition", "iran_backed_militias", "pmf"},
            {("Ryan Dillon", "us_forces"), ("Masoud Barzani", "krg")}),
}
# Never in these articles: no Turkish, Israeli, HTS or Russian-mercenary actor is named.
ABSENT = {"turkish_armed_forces", "idf", "hts", "wagner", "civilians", "hezbollah_x"}


@pytest.mark.parametrize("prefix", sorted(GOLD))
def test_seed_articles_gold_actors(actors, seed_texts, prefix):
    name = next(n for n in seed_texts if n.startswith(prefix))
    text = seed_texts[name]
    found = actors.find(text, IRAQ_SYRIA_2017)
    gold_actors, gold_people = GOLD[prefix]
    assert gold_actors <= {m.actor.id for m in found}
    assert gold_people <= {(m.person, m.actor.id) for m in found if m.person}
    assert not ABSENT & {m.actor.id for m in found}
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
    for m in found:
        assert text[m.start:m.end] == m.text


def test_seed_surname_repeats_keep_the_actor(actors, seed_texts):
    text = seed_texts[next(n for n in seed_texts if n.startswith("001"))]
    nouri = [m for m in actors.find(text) if m.text == "Nouri"]
    assert len(nouri) == 2 and all(m.actor.id == "pmf" for m in nouri)


# -- groups the dictionary does not know ------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("the Zorgan Brigade attacked Mosul", "Zorgan Brigade"),
    ("Fighters of Liwa al-Zorgani stormed the town", "Liwa al-Zorgani"),
    ("forces loyal to the Northern Salvation Council clashed", "Northern Salvation Council"),
    ("The Black Banner Battalions claimed it", "Black Banner Battalions"),
])
def test_unknown_groups(actors, text, name):
    known = actors.find(text)
    (m,) = actors.find_unknown(text, known)
    assert m.text == name and text[m.start:m.end] == name
    assert (m.actor.name, m.actor.bloc, m.actor.kind, m.actor.inter) == (
        name, "other", "unidentified", 3)
    assert m.actor.parent == "unidentified_armed_group"


@pytest.mark.parametrize("text", [
    "The Syrian Army and the Free Syrian Army", "The Brigade left", "Reuters news said",
    "the brigade commander", "In the Popular Mobilization Units",
])
def test_no_unknown_group(actors, text):
    assert actors.find_unknown(text, actors.find(text)) == []


def test_state_forces_of_countries_the_dictionary_lacks(actors):
    text = "Ghanaian soldiers and Syrian forces"
    (m,) = actors.find_state_forces(text, [(0, 8, "GH", "Ghana"), (22, 28, "SY", "Syria")],
                                    actors.find(text))
    assert m.text == "Ghanaian soldiers" and m.actor.name == "Military Forces of Ghana"
    assert (m.actor.inter, m.actor.country, m.actor.kind) == (1, "GH", "state")


def test_public_api_and_words(actors):
    import geo.actors as mod

    for name in ("ActorDictionary", "load_actors", "Bloc", "Actor", "Person", "ActorMention",
                 "expand_braces", "DEFAULT_PATH"):
        assert hasattr(mod, name)
    assert "spokesman" in actors.words("roles") and actors.words("no such list") == frozenset()
