"""Events from the seed articles against hand-coded gold, and the merge and output rules.

The gold is this project's own coding of the five seeds, sentence by sentence: every event an
ACLED-style coder would record, each mention in each article, with a key naming the real-world
event so that merging across articles can be scored too. Coding policy: battles, remote
violence and strategic developments as ACLED defines them; statements of intent, offers,
warnings and condemnations by armed or political actors (the PMU's offer to enter Syria, the
Barzani statement) as Strategic developments/Other, since the issue asks for them; standing
facts ("At-Tanf is occupied by ..."), commentary, aims ("in their bid to seize"), background
("the 2007 massacre") and headlines are not events. It measures precision and recall of events
and of their type, actor, date and location. The seeds are the development corpus, not the
test of generality: these figures are reported, with floors the tests hold, and the rules
stay general.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

import pytest

from geo.events.extract import extract_events
from geo.events.merge import merge_events
from geo.events.table import ACLED_COLUMNS, events_frame
from geo.text.articles import bundled_seeds

pytestmark = pytest.mark.slow

SD, BAT, ERV = "Strategic developments", "Battles", "Explosions/Remote violence"
D = date
# (article prefix, sentence fragment, event_type, actor1 id(s) "a|b", location fragment(s)
#  "A|B" or None (not scored), date: a day, a (first, last) window or None (not scored),
#  key: the real-world event, shared by every mention of it in any article)
GOLD = [
    # 000 (no date line: published within an inferred window after May 18)
    ("000", "has said they ready to move inside Syrian territories", SD, "pmf|iran_backed_militias",
     None, None, "nouri_offer"),
    ("000", "were willing to cross into Syria as long as", SD, "pmf", None, D(2017, 5, 29),
     "nouri_offer"),
    ("000", "pushed IS militants out of the border village of Umm Jrais", BAT, "pmf", "Umm Jrais",
     None, "umm_jrais"),
    ("000", "We are prepared to fight IS inside Syria", SD, "pmf", None, None, "nouri_offer"),
    ("000", "plan to erect a dirt barricade", SD, "pmf", None, None, "pmu_barricade_plan"),
    ("000", "will also move south to clear the rest of the border", SD, "pmf|badr", None, None,
     "pmu_move_south"),
    ("000", "which have been advancing on the Iraqi and Jordanian border", SD,
     "syrian_government_forces", None, None, "syrian_army_advance_border"),
    ("000", "a US airstrike hit pro-Syrian government forces", ERV, "us_forces|us_coalition",
     None, D(2017, 5, 18), "us_strike_0518"),
    # 001 (published Thursday 2017-06-01)
    ("001", "are willing to cross the border into Syria to support", SD, "pmf", None, None,
     "nouri_offer"),
    ("001", "The PMU is ready to enter the Syrian territory", SD, "pmf", None, None,
     "nouri_offer"),
    ("001", "We are willing to cross into Syria as long as", SD, "pmf", None, None, "nouri_offer"),
    ("001", "on Monday reached the Syrian border", SD, "pmf", None, D(2017, 5, 29), "pmu_border"),
    ("001", "locked in fierce fighting against ISIS", BAT, "pmf", None, None,
     "pmu_is_border_fighting"),
    ("001", "pushed ISIS militants out of the border village of Umm Jrais", BAT, "pmf",
     "Umm Jrais", (D(2017, 5, 26), D(2017, 6, 1)), "umm_jrais"),
    ("001", "We are prepared to fight ISIS inside Syria", SD, "pmf", None, None, "nouri_offer"),
    ("001", "have launched a major offensive against ISIS in Raqqa", BAT, "sdf", "Raqqa", None,
     "sdf_raqqa"),
    ("001", "imposed a siege on ISIS militants", BAT, "sdf", "Raqqa", None, "sdf_raqqa"),
    ("001", "held a meeting in Qamishli city", SD, "asayish", "Qamishli", D(2017, 5, 29),
     "qamishli_meeting"),
    ("001", "linked up with areas held by the Kurdish-led", SD, "pmf", None, None, "pmu_border"),
    ("001", "a broad security meeting was held in Qamishli", SD, "asayish", "Qamishli", None,
     "qamishli_meeting"),
    ("001", "they reached the Iraq-Syria borders from the north", SD, "pmf", "Sinjar|Ba'aj",
     None, "pmu_border"),
    ("001", "Wadi al-Midar and Taru villages", BAT, "pmf", "Wadi al-Midar", None,
     "wadi_al_midar"),
    ("001", "Wadi al-Midar and Taru villages", BAT, "pmf", "Taru", None, "taru"),
    # 002 (no date: inferred window)
    ("002", "have strategically pushed westward, battling", BAT, "pmf", None, None,
     "pmu_is_border_fighting"),
    ("002", "We struck what appeared to be a firebase", ERV, "us_forces|us_coalition", None,
     D(2017, 5, 18), "us_strike_0518"),
    ("002", "Wadi al-Midar and Taru villages", BAT, "pmf", "Wadi al-Midar", None,
     "wadi_al_midar"),
    ("002", "Wadi al-Midar and Taru villages", BAT, "pmf", "Taru", None, "taru"),
    ("002", "The massing of hundreds of pro-regime forces outside of Tanf", SD,
     "syrian_government_forces", "Tanf", None, "massing_tanf"),
    ("002", "Coalition forces are prepared to defend themselves", SD, "us_coalition|us_forces",
     None, None, "coalition_warning_tanf"),
    ("002", "dropped leaflets on pro-government forces", SD, "us_forces|us_coalition", "Tanf",
     None, "leaflets_tanf"),
    ("002", "The Americans will not be allowed to control the border", SD, "pmf|badr", None,
     None, "amiri_warning"),
    # 003 (no date: inferred window)
    ("003", "pushed south along the Syrian border against Isis yesterday", BAT,
     "pmf|iran_backed_militias", None, None, "pmu_push_south"),
    ("003", "surrounded the Isis-occupied border village of Jayar Ghalfas", BAT, "pmf",
     "Jayar Ghalfas", None, "jayar_ghalfas"),
    ("003", "liberated the village of al-Khibrah", BAT, "pmf", "al-Khibrah", None, "al_khibrah"),
    ("003", "reached the border on Monday", SD, "pmf", None, D(2017, 5, 29), "pmu_border"),
    ("003", "said the militia was ready to cross the border", SD, "pmf", None, D(2017, 5, 30),
     "nouri_offer"),
    ("003", "Both reportedly", SD, "krg|us_coalition|us_forces", None, None,
     "barzani_statement"),
    ("003", "a statement from Mr Barzani", SD, "krg", None, None, "barzani_statement"),
    ("003", "met in the northern city of Qamishli", SD, "sdf", "Qamishli", D(2017, 5, 29),
     "qamishli_meeting"),
    ("003", "propaganda leaflets dropped by US planes", SD, "us_forces|us_coalition", None, None,
     "leaflets_tanf"),
    ("003", "rocket artillery barrages by the FSA", ERV, "fsa", None, None, "fsa_barrages"),
    ("003", "which were met with Russian air force raids", ERV, "russian_forces", None, None,
     "russian_raids"),
    ("003", "which US jets bombed earlier this month", ERV, "us_forces|us_coalition", None, None,
     "us_strike_0518"),
    # 004 (published Sunday 2017-06-04)
    ("004", "have captured several villages from the Islamic State", BAT,
     "pmf|iran_backed_militias", "Mosul|Sinjar", None, "villages_west_of_mosul"),
    ("004", "The move drew condemnation from", SD, "krg", None, None, "barzani_statement"),
    ("004", "read a statement from the office of KRG", SD, "krg", "Erbil", None,
     "barzani_statement"),
    ("004", "have moved towards the border with Iraq", SD, "iran_backed_militias", None, None,
     "syria_militias_move_border"),
    ("004", "We have increased our presence and our footprint", SD, "us_coalition|us_forces",
     "Tanf", None, "us_tanf_presence"),
]


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[\u2018\u2019'`\u02bb\u02bf\u02be]", "", s).casefold()


def _place_ok(ev, place: str) -> bool:
    return ev.place is not None and any(_fold(p) in _fold(ev.place.name)
                                        for p in place.split("|"))


def _date_ok(ev, day) -> bool:
    if ev.first_date is None:
        return False
    if isinstance(day, tuple):
        return day[0] <= ev.first_date <= ev.last_date <= day[1]
    return ev.first_date == ev.last_date == day


def _has_text_date(ev) -> bool:
    return ev.date_source.startswith("text") and ev.first_date is not None


def match_gold(per_article: dict) -> list[tuple[tuple, object]]:
    """(gold entry, extracted event or None) for every GOLD entry: each gold entry takes an
    unused event of its article whose sentence holds the fragment, the one agreeing on most
    fields first; an event serves one gold entry."""
    used: set[str] = set()
    out = []
    for g in GOLD:
        prefix, fragment, etype, actor, place, day, _ = g
        events = next(evs for aid, evs in per_article.items() if aid.startswith(prefix))
        cands = [e for e in events if fragment in e.sentence and e.event_id not in used]

        def agree(e, etype=etype, actor=actor, place=place):
            return ((e.event_type == etype) * 2 + (getattr(e.actor1, "id", None) in
                    actor.split("|")) + bool(place and _place_ok(e, place)))
        ev = max(cands, key=agree, default=None)
        if ev is not None:
            used.add(ev.event_id)
        out.append((g, ev))
    return out


def score_gold(per_article: dict, merged: list | None = None) -> dict:
    """Precision and recall against GOLD. Events: an extracted event is right when it is
    matched to a gold entry. Fields (type, actor1, location, date): precision = right values
    / extracted events giving a value (location: a place; date: a date from the text) where
    the gold scores the field, recall = right values / gold entries scoring it (location and
    date only where the gold gives them). With ``merged`` (``merge_events`` output over the
    same events): pairwise merge precision/recall over the matched mentions, and how many
    gold events told by several articles come out as one merged event."""
    pairs = match_gold(per_article)
    extracted = [e for evs in per_article.values() for e in evs]
    gold_of = {ev.event_id: g for g, ev in pairs if ev is not None}
    checks = {
        "type": (lambda e: True, lambda g: True, lambda e, g: e.event_type == g[2]),
        "actor1": (lambda e: e.actor1 is not None, lambda g: True,
                   lambda e, g: getattr(e.actor1, "id", None) in g[3].split("|")),
        "location": (lambda e: e.place is not None, lambda g: g[4] is not None,
                     lambda e, g: _place_ok(e, g[4])),
        "date": (_has_text_date, lambda g: g[5] is not None, lambda e, g: _date_ok(e, g[5])),
    }
    out = {"gold_events": len(GOLD), "gold_distinct": len({g[6] for g in GOLD}),
           "extracted": len(extracted)}
    found = sum(ev is not None for _, ev in pairs)
    out["event"] = {"precision": round(len(gold_of) / max(1, len(extracted)), 3),
                    "recall": round(found / len(GOLD), 3)}
    for name, (has_value, scored, right) in checks.items():
        given = [e for e in extracted if has_value(e)
                 and (e.event_id not in gold_of or scored(gold_of[e.event_id]))]
        correct_p = sum(1 for e in given if e.event_id in gold_of
                        and right(e, gold_of[e.event_id]))
        gold_scored = [(g, ev) for g, ev in pairs if scored(g)]
        correct_r = sum(1 for g, ev in gold_scored if ev is not None and has_value(ev)
                        and right(ev, g))
        out[name] = {"precision": round(correct_p / max(1, len(given)), 3),
                     "recall": round(correct_r / max(1, len(gold_scored)), 3)}
    if merged is not None:
        group = {s["event_id"]: n for n, m in enumerate(merged) for s in m.sources}
        matched = [(g, ev) for g, ev in pairs if ev is not None]
        tp = fp = fn = 0
        for i, (g1, e1) in enumerate(matched):
            for g2, e2 in matched[i + 1:]:
                same_gold = g1[6] == g2[6]
                same_pred = group.get(e1.event_id) == group.get(e2.event_id)
                tp += same_gold and same_pred
                fp += same_pred and not same_gold
                fn += same_gold and not same_pred
        out["merge_pairs"] = {"precision": round(tp / max(1, tp + fp), 3),
                              "recall": round(tp / max(1, tp + fn), 3)}
        shared = {}
        for g, ev in matched:
            shared.setdefault(g[6], []).append((g[0], ev))
        multi = {k: v for k, v in shared.items() if len({p for p, _ in v}) > 1}
        out["shared_events"] = len(multi)
        out["shared_events_merged"] = sum(
            len({group.get(ev.event_id) for _, ev in v}) == 1 for v in multi.values())
    return out


@pytest.fixture(scope="module")
def actors():
    from geo.actors import load_actors

    return load_actors()


@pytest.fixture(scope="module")
def seed_events(gaz, actors):
    return {a.id: extract_events(a, gaz, actors) for a in bundled_seeds()}


@pytest.fixture(scope="module")
def merged(seed_events):
    return merge_events([e for evs in seed_events.values() for e in evs])


def _find(seed_events, prefix, fragment, rule=None):
    for aid, events in seed_events.items():
        if aid.startswith(prefix):
            return next((e for e in events if fragment in e.sentence
                         and rule in (None, e.rule)), None), aid
    raise AssertionError(prefix)


def _all(seed_events, prefix, fragment):
    return [e for aid, evs in seed_events.items() if aid.startswith(prefix) for e in evs
            if fragment in e.sentence]


def test_gold_precision_and_recall(seed_events, merged):
    s = score_gold(seed_events, merged)
    # Floors held by the suite (the measured figures are in BENCHMARKS.md and the README).
    for name, floor in (("event", 0.85), ("type", 0.85), ("actor1", 0.85),
                        ("location", 0.85), ("date", 0.75)):
        assert s[name]["precision"] >= floor, (name, s[name])
        assert s[name]["recall"] >= floor, (name, s[name])
    assert s["merge_pairs"]["precision"] >= 0.9 and s["merge_pairs"]["recall"] >= 0.6


@pytest.mark.parametrize("prefix, fragment", [
    ("003", "had not retreated from the Damascus-Baghdad road"),     # negated
    ("004", "liberated areas of Nineveh province"),                  # adjective, not an event
    ("003", "in their bid to seize the eastern city of Deir Ezzor"),  # an aim
    ("000", "foreign Shia militiamen fighting for Assad"),           # fighting for: support
    ("000", "Since its formation the PMU has been accused"),         # background
    ("000", "the ability to comfortably advance on Raqqa"),          # an ability
    ("003", "the 2007 massacre of 14 Iraqis"),                       # long before publication
    ("004", "under the control of pro-Iranian militias"),            # a situation
])
def test_non_events(seed_events, prefix, fragment):
    ev, _ = _find(seed_events, prefix, fragment)
    assert ev is None or ev.rule not in ("territory_taken", "troop_movement", "armed_clash",
                                         "civilian_attack", "occupation"), ev.rule


def test_headlines_are_not_events(seed_events):
    for aid, events in seed_events.items():
        title = next(a for a in bundled_seeds() if a.id == aid).title
        if title.endswith("."):         # 003 opens with its lede, a sentence: kept
            assert any(e.sentence == title for e in events)
        else:
            assert not any(e.sentence.endswith(title) for e in events), aid


def test_situations_only_when_asked(gaz, actors):
    a = bundled_seeds()[4]
    assert not any(e.modality == "situation" for e in extract_events(a, gaz, actors))
    kept = extract_events(a, gaz, actors, situations=True)
    assert any(e.modality == "situation" and e.control == "holds" for e in kept)


def test_claims_fatalities_and_unlocated_places(seed_events):
    events = _all(seed_events, "001", "Wadi al-Midar and Taru villages")
    assert sorted(e.place.name for e in events) == ["Taru", "Wadi al-Midar"]
    assert sum(e.fatalities for e in events) == 21           # split between the places
    for ev in events:
        assert ev.claimed_by and "Popular Mobilization" in ev.claimed_by
        assert ev.actor1.id == "pmf" and ev.actor2.id == "islamic_state"
        assert not ev.place.located and ev.lat is None


def test_relative_location_is_approximate(seed_events):
    ev, _ = _find(seed_events, "004", "captured several villages from the Islamic State")
    assert ev.approximate and ev.uncertainty_km and ev.uncertainty_km >= 25


def test_border_location_is_the_shared_border(seed_events):
    ev, _ = _find(seed_events, "001", "on Monday reached the Syrian border")
    assert ev.approximate and ev.uncertainty_km > 100
    assert 33 < ev.lat < 37 and 38 < ev.lon < 43          # on the Iraq-Syria border
    assert "border" in ev.location_text
    bare, _ = _find(seed_events, "003", "reached the border on Monday")
    assert bare.place is not None and bare.place.country_code == "SY"   # the border named last
    assert bare.lat == ev.lat and bare.lon == ev.lon
    assert "Tal Afar" not in bare.location_text           # where the advance started


def test_planned_actions_are_statements(seed_events):
    ev, _ = _find(seed_events, "000", "plan to erect a dirt barricade")
    assert ev is not None and ev.modality == "planned"
    assert ev.event_type == "Strategic developments"


@pytest.mark.parametrize("prefix, fragment, actor, claimant", [
    ("003", "a statement from Mr Barzani", "krg", "Barzani"),
    ("004", "read a statement from the office of KRG", "krg", "Kurdistan"),
    ("001", "PMU spokesman Karim al-Nouri said", "pmf", "Karim al-Nouri"),
    ("001", "the official said", "pmf", "Karim al-Nouri"),            # the speaker told before
    ("001", "Nouri was quoted", "pmf", "Karim al-Nouri"),
])
def test_statements(seed_events, prefix, fragment, actor, claimant):
    ev, _ = _find(seed_events, prefix, fragment)
    assert (ev.event_type, ev.sub_event_type, ev.modality) == (
        "Strategic developments", "Other", "statement")
    assert ev.actor1.id == actor and claimant in ev.claimed_by


@pytest.mark.parametrize("prefix, fragment, actor, said", [
    ("003", "Further east, they liberated", "pmf", "they"),
    ("001", "The US-backed forces imposed a siege", "sdf", "The US-backed forces"),
    ("000", "We are prepared to fight IS inside Syria", "pmf", "we"),
])
def test_pronoun_subjects(seed_events, prefix, fragment, actor, said):
    ev, _ = _find(seed_events, prefix, fragment)
    assert ev.actor1.id == actor and ev.actor1_text == said


def test_anaphoric_place_and_dates(seed_events):
    siege, _ = _find(seed_events, "001", "imposed a siege")
    assert siege.place.name == "Ar Raqqah" and siege.location_text == "inside the city"
    nouri, _ = _find(seed_events, "003", "The next day, PMU spokesman")
    assert (nouri.first_date, nouri.date_precision) == (date(2017, 5, 30), "day")
    monday, _ = _find(seed_events, "003", "reached the border on Monday")
    assert (monday.first_date, monday.last_date) == (date(2017, 5, 29), date(2017, 5, 29))
    assert monday.date_source == "text:weekday"      # one Monday fits the inferred window


def test_several_events_in_one_sentence(seed_events):
    events = _all(seed_events, "003", "propaganda leaflets dropped by US planes")
    got = {(e.rule, e.actor1.id) for e in events}
    assert got == {("leaflets_warnings", "us_forces"), ("shelling", "fsa"),
                   ("air_strike", "russian_forces")}


def test_relative_clause_object_is_actor2(seed_events):
    ev, _ = _find(seed_events, "003", "which US jets bombed")
    assert (ev.actor1.id, ev.actor2.id) == ("us_forces", "syrian_government_forces")


@pytest.mark.parametrize("key", ["pmu_border", "umm_jrais", "us_strike_0518",
                                 "barzani_statement", "nouri_offer", "qamishli_meeting"])
def test_events_told_by_several_articles_merge(seed_events, merged, key):
    ids = {ev.event_id for g, ev in match_gold(seed_events) if ev is not None and g[6] == key}
    holding = [m for m in merged if ids & {s["event_id"] for s in m.sources}]
    best = max(holding, key=lambda m: len(m.sources))
    assert len({s["article"] for s in best.sources}) >= 2
    assert all(s["sentence"] and s["title"] for s in best.sources)
    assert len(best.sources) >= len(ids) - 1     # at most one mention left on its own


def test_merge_flags_disagreements(merged):
    offer = max((m for m in merged if m.rule == "statement"), key=lambda m: len(m.sources))
    assert any(n.startswith("dates:") for n in offer.disagreements)   # Monday or the next day
    border = next(m for m in merged if m.rule == "territory_reached" and len(m.sources) > 2)
    assert (border.first_date, border.date_precision) == (date(2017, 5, 29), "day")
    assert any(n.startswith("places:") for n in border.disagreements)


def test_merge_keeps_every_source(seed_events, merged):
    umm = [e for e in merged if e.place is not None and e.place.name == "Umm Jrais"
           and e.rule == "territory_taken"]
    assert len(umm) == 1
    articles = {s["article"] for s in umm[0].sources}
    assert len(articles) >= 2 and all(s["sentence"] for s in umm[0].sources)
    wadi = [e for e in merged if e.place is not None and e.place.name == "Wadi al-Midar"]
    assert len(wadi) == 1 and len(wadi[0].sources) == 2
    assert all(not e.sources for evs in seed_events.values() for e in evs)  # inputs unchanged


def _article(text: str, name: str = "x"):
    from geo.text.articles import article_from_text

    return article_from_text(text, name, path=f"{name}.txt")


def test_merge_keeps_different_places_and_actors_apart(gaz, actors):
    texts = ["Date: 2017-06-01\n\nThe PMU captured the town of Tal Afar from IS on Monday.",
             "Date: 2017-06-01\n\nThe PMU captured the town of Baiji from IS on Monday.",
             "Date: 2017-06-01\n\nThe SDF captured the town of Tal Afar from IS on Monday.",
             "Date: 2017-06-02\n\nOn Monday the PMU captured Tal Afar from IS, it said."]
    events = [e for i, t in enumerate(texts) for e in extract_events(_article(t, f"a{i}"),
                                                                     gaz, actors)]
    assert len(events) == 4
    out = merge_events(events)
    assert sorted(len(m.sources) for m in out) == [1, 1, 2]
    both = next(m for m in out if len(m.sources) == 2)
    assert {s["article"] for s in both.sources} == {"a0", "a3"}


def test_frame_has_acled_columns_and_provenance(merged):
    frame = events_frame(merged)
    assert set(ACLED_COLUMNS) <= set(frame.columns)
    assert frame.crs.to_epsg() == 4326
    located = frame[frame.geometry.notna()]
    assert (located.geometry.x == located.longitude).all()
    for row in frame.itertuples():
        sources = json.loads(row.sources)
        assert sources and all(s["article"] and s["sentence"] for s in sources)
        assert row.n_sources == len(sources)
    assert set(frame.time_precision) <= {1, 2, 3}


# -- bad input: a clear outcome, never a crash ----------------------------------------------

def test_unknown_actor_is_kept_as_unidentified(gaz, actors):
    events = extract_events(_article("Date: 2017-06-01\n\nThe Zorgan Brigade attacked Mosul "
                                     "on Monday."), gaz, actors)
    assert len(events) == 1
    ev = events[0]
    assert ev.actor1.name == "Zorgan Brigade" and ev.actor1.bloc == "other"
    assert ev.actor1.parent == "unidentified_armed_group"
    assert (ev.event_type, ev.place.name, ev.first_date) == ("Battles", "Mosul",
                                                             date(2017, 5, 29))
    row = events_frame(merge_events(events)).iloc[0]
    assert row.actor1 == "Zorgan Brigade" and row.bloc1 == "other" and row.inter1 == 3


def test_no_date_anywhere(gaz, actors):
    from geo.text.articles import article_from_text

    a = article_from_text("Militants attacked the town of Tal Afar. The PMU captured Baiji.",
                          "undated")
    assert a.date_source == "none"
    events = extract_events(a, gaz, actors)
    assert len(events) == 2 and all(e.first_date is None and e.date_source == "none"
                                    for e in events)
    frame = events_frame(merge_events(events))
    assert frame.event_date.isna().all() and len(frame) == 2


def test_no_place(gaz, actors):
    events = extract_events(_article("Date: 2017-06-01\n\nThe PMU captured the village "
                                     "from IS on Monday."), gaz, actors)
    assert len(events) == 1 and events[0].place is None and events[0].lat is None
    frame = events_frame(events)
    assert frame.geometry.isna().all() and frame.location.iloc[0] == ""


@pytest.mark.parametrize("text", [
    "Date: 2017-06-01\n\nThe weather in Baghdad was hot. Markets were busy on Monday.",
    "Date: 2017-06-01\n\nThe committee did not capture anything.",
    "Date: 2017-06-01\n\n" + "lorem ipsum " * 500,
    "Date: 2017-06-01\n\n....\n\n;;;\n\n—",
])
def test_no_events(gaz, actors, text):
    events = extract_events(_article(text), gaz, actors)
    assert events == [] and merge_events(events) == []
    frame = events_frame([])
    assert len(frame) == 0 and set(ACLED_COLUMNS) <= set(frame.columns)


def test_thousands_of_sentences(gaz, actors):
    """5,000 generated sentences: extraction and merging finish (bounded comparisons) and
    every event keeps its sentence."""
    actors_ = ["The PMU", "IS militants", "The SDF", "Syrian government forces", "The Zorgan "
               "Brigade", "They"]
    verbs = ["captured", "shelled", "attacked", "advanced on", "besieged", "said they reached"]
    places = ["Mosul", "Tal Afar", "Raqqa", "Deir Ezzor", "Baiji", "Qamishli", "the village",
              "Sinjar", "al-Tanf", "Palmyra"]
    days = ["on Monday", "yesterday", "on May 18", "last week", "", "this week", "on June 3"]
    sentences = [f"{actors_[i % 6]} {verbs[i % 5 + (i // 30) % 2]} {places[i % 10]} "
                 f"{days[i % 7]}." for i in range(5000)]
    text = "Date: 2017-06-04\n\n" + " ".join(sentences)
    events = extract_events(_article(text, "long"), gaz, actors)
    assert 1000 <= len(events) <= 6000
    assert all(e.sentence and e.event_type for e in events)
    out = merge_events(events)
    assert 0 < len(out) <= len(events)
    assert sum(len(m.sources) for m in out) == len(events)


# -- place rules: aims, sponsors named as states, distances without a direction --------------

def _located_at(gaz, actors, sentence: str):
    events = extract_events(_article(f"Date: 2017-06-01\n\n{sentence}"), gaz, actors,
                            situations=True)
    assert events, sentence
    return events[0]


@pytest.mark.parametrize("sentence, place", [
    # the place of an aim after the trigger ("in their bid to seize X") is not where it is
    ("At-Tanf is occupied by US special forces backing Free Syrian Army guerillas in their bid "
     "to seize the eastern city of Deir Ezzor.", "al-Tanf border crossing"),
    ("Al-Tanf is controlled by coalition forces, which aim to advance on the town of Albu "
     "Kamal.", "al-Tanf border crossing"),
    ("Syrian government forces captured Palmyra from IS in a bid to reach Deir Ezzor.",
     "Tadmur"),
    # an aim with no other place named still gives the place
    ("IS militants shelled Iraqi troops in an attempt to retake Tal Afar.", "Tall ‘Afar"),
])
def test_places_of_an_aim_are_not_the_event_place(gaz, actors, sentence, place):
    ev = _located_at(gaz, actors, sentence)
    assert ev.place is not None and ev.place.name == place


@pytest.mark.parametrize("sentence, not_place, place", [
    # a capital or country named as the actor's sponsor stands for the state
    ("Having the Iraq-Syria border areas under the control of pro-Iranian militias would give "
     "Tehran an additional strategic advantage militarily.", "Tehran", None),
    ("Positions near the town of Albu Kamal were captured by militias backed by Tehran.",
     "Tehran", "Ālbū Kamāl"),
    ("Iraq's Iran-backed militias captured the village of Hajin.", "Iraq", "Hajīn"),
])
def test_a_sponsor_state_is_not_the_event_place(gaz, actors, sentence, not_place, place):
    ev = _located_at(gaz, actors, sentence)
    assert ev.place is None or ev.place.name != not_place
    if place is not None:
        assert ev.place.name == place


@pytest.mark.parametrize("sentence, place", [
    ("Damascus is held by government forces.", "Damascus"),        # no sponsor named
    ("Iran-backed militias attacked a convoy in Tehran.", "Tehran"),   # a locative place
])
def test_a_capital_named_as_a_place_stays_the_place(gaz, actors, sentence, place):
    ev = _located_at(gaz, actors, sentence)
    assert ev.place is not None and ev.place.name == place and not ev.approximate


@pytest.mark.parametrize("sentence, radius", [
    ("Iraqi forces clashed with IS militants 50 km from Mosul on Monday.", 50.0),
    ("IS militants attacked an army checkpoint about 50 kilometres from Mosul.", 50.0),
    ("IS militants attacked an army checkpoint some 30 miles outside Mosul.", 48.3),
])
def test_a_distance_without_a_direction_is_approximate(gaz, actors, sentence, radius):
    ev = _located_at(gaz, actors, sentence)
    assert ev.place.name == "Mosul" and ev.approximate
    assert ev.uncertainty_km == pytest.approx(radius, abs=0.1)
    assert (ev.lat, ev.lon) == (ev.place.lat, ev.place.lon)      # no direction: the town


def test_a_distance_with_a_direction_moves_the_point(gaz, actors):
    ev = _located_at(gaz, actors, "IS militants attacked a checkpoint 20 km north of Mosul.")
    assert ev.approximate and ev.uncertainty_km == pytest.approx(10.0)
    assert ev.lat > ev.place.lat + 0.15


def test_approximate_events_become_approximate_control_places(gaz, actors):
    from geo.events.table import events_frame
    from geo.layers.control import control_at, control_observations

    events = extract_events(_article(
        "Date: 2017-06-01\n\nIraqi forces captured a village from IS 50 km from Mosul."),
        gaz, actors)
    at = control_at(control_observations(events_frame(events)), "2017-06-02")
    rough = at[at.approximate]
    assert len(rough) == 1 and rough.uncertainty_km.iloc[0] == 50.0
    assert rough.place_key.iloc[0].startswith("approx:")
