"""The store (geo/store.py): event rows round-trip, commits, partitions, versions, crash
leftovers, the writer lock, and the CLI's --store errors. No gazetteer index needed."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gazetteer.precision import Precision
from gazetteer.types import Place
from geo.actors import load_actors
from geo.actors.types import Actor
from geo.cli import main
from geo.events.model import Event
from geo.store import (
    ARTICLE_SCHEMA,
    EXTRACTED_SCHEMA,
    MENTION_SCHEMA,
    Store,
    StoreError,
    event_row,
    load_events,
    load_frames,
    row_events,
    with_points,
)
from geo.store.tables import points_wkb

TANF = Place("overlay:al-tanf", "Al-Tanf", 33.4969, 38.6456, "SY", "S", "PSTB", 0, "",
             "curated overlay")
MOSUL = Place("geonames:99072", "Mosul", 36.335, 43.11889, "IQ", "P", "PPLA", 1739800, "15",
              "GeoNames")


def _event(article="a1", n=0, place=TANF, day=date(2017, 6, 1), actors=None, **kw) -> Event:
    d = actors or load_actors()
    fields = dict(
        event_id=f"{article}-{n}", article_id=article, article_title="Clashes at the border",
        article_source="Desk", article_url="https://example.org/a", published=day,
        sentence=f"The PMU attacked IS near {place.name if place else 'somewhere'}.",
        sentence_start=10 * n, trigger="attacked", rule="attack", event_type="Battles",
        sub_event_type="Armed clash", control="contested", modality="asserted",
        actor1=d.actor("pmf"), actor2=d.actor("islamic_state"),
        assoc_actor_1=("Badr Organization",),
        claimed_by=None, place=place, location_text=place.name if place else "",
        lat=place.lat if place else None, lon=place.lon if place else None,
        approximate=False, uncertainty_km=None,
        precision=Precision(1, 1) if place else None, first_date=day, last_date=day,
        date_precision="day", date_source="text", fatalities=3, family="attack",
        claimant=None, claimant_person=None, actor1_text="The PMU", sentence_index=n)
    return Event(**(fields | kw))


def _tables(sha1: str, article: str, day: date | None, events: list[Event]) -> dict:
    d = load_actors()
    art = {f.name: None for f in ARTICLE_SCHEMA} | {
        "sha1": sha1, "article_id": article, "path": f"{article}.txt", "title": "t",
        "published": day, "date_source": "metadata" if day else "none", "dependent": False,
        "context": "", "n_bytes": 100, "n_events": len(events), "n_control": len(events),
        "n_mentions": 1, "text": "Title: t\n\nbody", "ingested_at": "now"}
    rows = with_points([event_row(e, sha1=sha1, order=i, in_events=True, in_control=True,
                                  dictionary=d) for i, e in enumerate(events)])
    mention = {f.name: None for f in MENTION_SCHEMA} | {
        "sha1": sha1, "article": article, "sentence": "s", "text": "Mosul", "start": 0,
        "end": 5, "name": "Mosul", "place_id": MOSUL.id, "country_code": "IQ",
        "feature_code": "PPLA", "lat": MOSUL.lat, "lon": MOSUL.lon, "located": True,
        "confidence": 0.9, "rule": "prior", "acled_precision": 1, "ucdp_precision": 1,
        "source": "GeoNames", "title": "t", "published": day.isoformat() if day else None,
        "geometry": points_wkb([MOSUL.lon], [MOSUL.lat])[0]}
    return {"articles": pa.Table.from_pylist([art], schema=ARTICLE_SCHEMA),
            "extracted": pa.Table.from_pylist(rows, schema=EXTRACTED_SCHEMA),
            "mentions": pa.Table.from_pylist([mention], schema=MENTION_SCHEMA)}


def _commit_and_merge(store: Store, dictionary, *batches):
    """Commit each of ``batches`` (lists of (sha1, id, day, events) article tuples) as one
    batch, then bring the merged events up to date, as an ingest does; the merge's stats."""
    from geo.store.merged import fingerprint, update_merged

    with store.writing():
        for arts in batches:
            parts = [_tables(*a) for a in arts]
            store.commit_batch({t: pa.concat_tables([p[t] for p in parts])
                                for t in ("articles", "extracted", "mentions")})
        snap = store.snapshot()
        update = update_merged(store, snap, snap.manifest["merged"], dictionary)
        store.commit_merged(update, snap.seq, fingerprint())
    return update.stats


def test_event_rows_round_trip_through_parquet(tmp_path):
    d = load_actors()
    stranger = Actor("unknown:zorgan_brigade", "Zorgan Brigade", (), "other", 3, "",
                     "unidentified_armed_group", "", "unidentified")
    events = [_event(), _event(n=1, place=None),
              _event(n=2, actor1=stranger, actor2=None, claimant=d.actor("pmf"),
                     claimant_person="Karim al-Nouri", modality="statement", control=None,
                     fatalities=None, approximate=True, uncertainty_km=55.0,
                     first_date=date(2017, 5, 29), last_date=date(2017, 6, 4),
                     date_precision="week")]
    rows = with_points([event_row(e, sha1="x", order=i, in_events=True, in_control=True,
                                  dictionary=d) for i, e in enumerate(events)])
    path = tmp_path / "e.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=EXTRACTED_SCHEMA), path)
    back = row_events(pq.read_table(path).to_pylist(), d)
    assert back == events
    assert back[0].actor1 is d.actor("pmf")          # dictionary actors shared, not copied
    assert back[2].actor1 == stranger
    assert json.loads(rows[0]["actor1"]).keys() >= {"id", "bloc", "inter"}
    assert "aliases" not in json.loads(rows[0]["actor1"])    # taken back from the dictionary


def test_commit_partitions_and_geoparquet(tmp_path):
    store = Store(tmp_path / "s", create=True)
    with store.writing():
        seq = store.commit_batch(_tables("h1", "a1", date(2017, 6, 1), [_event()]))
        store.commit_batch(_tables("h2", "a2", None, [_event("a2", place=None)]))
    assert seq == 1
    snap = store.snapshot()
    assert snap.seq == 2 and snap.merged() is None
    files = [p.relative_to(store.root).as_posix() for p in snap.files("extracted")]
    assert files[0].startswith("extracted/date=2017-06-01/part-00000001-")
    assert files[1].startswith("extracted/date=undated/part-00000002-")
    part = gpd.read_parquet(snap.files("extracted")[0])
    assert part.crs.to_epsg() == 4326
    assert (part.geometry.x.iloc[0], part.geometry.y.iloc[0]) == (TANF.lon, TANF.lat)
    undated = gpd.read_parquet(snap.files("extracted")[1])
    assert undated.geometry.isna().all()
    mentions = gpd.read_parquet(snap.files("mentions")[0])
    assert (mentions.geometry.x.iloc[0], mentions.geometry.y.iloc[0]) == (MOSUL.lon, MOSUL.lat)
    assert pq.read_table(snap.files("articles")[0]).num_rows == 1
    assert store.read("articles").column("seq").to_pylist() == [1, 2]


def test_frames_are_computed_when_the_merge_is_stale_then_stored(tmp_path):
    store = Store(tmp_path / "s", create=True)
    with store.writing():
        store.commit_batch(_tables("h1", "a1", date(2017, 6, 1), [_event()]))
        store.commit_batch(_tables("h2", "a2", date(2017, 6, 1), [_event("a2")]))
    events, mentions = load_frames(tmp_path / "s")      # no merged file yet: computed
    assert len(events) == 1 and events.n_sources.iloc[0] == 2     # one event, two sources
    assert events.crs.to_epsg() == 4326 and len(mentions) == 2
    assert {"title", "published"} <= set(mentions.columns)
    assert not (tmp_path / "s" / "merged").exists()     # load_frames writes nothing
    from geo.store.merged import fingerprint, update_merged

    with store.writing():
        snap = store.snapshot()
        store.commit_merged(update_merged(store, snap, None), snap.seq, fingerprint())
    stored = load_events(tmp_path / "s")
    assert stored.drop(columns="geometry").equals(events.drop(columns="geometry"))
    assert store.snapshot().merged()["n_events"] == 1


def test_a_later_version_of_an_article_supersedes_its_rows(tmp_path):
    store = Store(tmp_path / "s", create=True)
    with store.writing():
        store.commit_batch(_tables("h1", "a1", None, [_event(day=None, first_date=None,
                                                            last_date=None)]))
        store.commit_batch(_tables("h1", "a1", date(2017, 6, 2), [_event(day=date(2017, 6, 2))]))
    assert store.read("articles").num_rows == 1
    assert store.read("articles", latest=False).num_rows == 2
    rows = store.read("extracted").to_pylist()
    assert len(rows) == 1 and rows[0]["published"] == date(2017, 6, 2)
    assert store.versions() == {"h1": 2}


def test_unlisted_and_temporary_files_are_invisible_and_collected(tmp_path):
    store = Store(tmp_path / "s", create=True)
    with store.writing():
        store.commit_batch(_tables("h1", "a1", date(2017, 6, 1), [_event()]))
    part = store.snapshot().files("extracted")[0]
    # what a writer killed before its commit leaves: a complete but unlisted part, a temp file
    orphan = part.with_name("part-00000002-deadbeef.parquet")
    orphan.write_bytes(part.read_bytes())
    (part.parent / ".part-00000002-x.parquet.1234.tmp").write_bytes(b"PAR1 half")
    assert store.read("extracted").num_rows == 1       # readers see only committed files
    with store.writing() as s:                         # the next writer clears them
        pass
    assert sorted(p.name for p in part.parent.iterdir()) == [part.name]
    assert s.read("extracted").num_rows == 1


def test_one_writer_at_a_time(tmp_path, capsys):
    store = Store(tmp_path / "s", create=True)
    with store.writing():
        with pytest.raises(StoreError, match="being written by another ingest"), \
                Store(tmp_path / "s").writing():
            pass
        code = main(["ingest", str(tmp_path), "--store", str(tmp_path / "s")])
        err = capsys.readouterr().err
        assert code == 5 and "being written by another ingest" in err
        assert "Traceback" not in err
    with store.writing():       # released when the holder is done
        pass


def test_not_a_store_and_damaged_manifest(tmp_path, capsys):
    with pytest.raises(StoreError, match="not a conflictmap store"):
        Store(tmp_path / "missing")
    assert main(["events", "--store", str(tmp_path / "missing"), "--out",
                 str(tmp_path / "e.csv")]) == 5
    err = capsys.readouterr().err
    assert "not a conflictmap store" in err and "Traceback" not in err
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty"):
        Store(tmp_path / "busy", create=True)
    store = Store(tmp_path / "s", create=True)
    (store.root / "manifest.json").write_text("{ half", "utf-8")
    assert main(["export", "--store", str(store.root), "--out", str(tmp_path / "m.html")]) == 5
    assert "damaged manifest" in capsys.readouterr().err
    assert not (tmp_path / "m.html").exists() and not (tmp_path / "e.csv").exists()


def test_store_and_paths_together_is_a_usage_error(tmp_path, capsys):
    Store(tmp_path / "s", create=True)
    for cmd in (["events", "--out", str(tmp_path / "e.csv")],
                ["layers", "--date", "2017-06-04", "--out", str(tmp_path / "l.geojson")],
                ["export", "--out", str(tmp_path / "m.html")]):
        assert main([*cmd, "seeds", "--store", str(tmp_path / "s")]) == 2
        assert "not both" in capsys.readouterr().err


def test_ingest_usage_errors(tmp_path, capsys):
    assert main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--scheduler",
                 "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
    for argv in (["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--batch-size",
                  "0"],
                 ["ingest", "--store", str(tmp_path / "s")]):        # no PATH
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert not (tmp_path / "s").exists()


def test_an_empty_store_reads_as_empty_frames(tmp_path):
    Store(tmp_path / "s", create=True)
    events, mentions = load_frames(tmp_path / "s")
    assert len(events) == 0 and len(mentions) == 0
    assert "event_type" in events.columns and "place_id" in mentions.columns


# -- incremental merge == merging everything again -------------------------------------------

PLACES = [TANF, MOSUL,
          Place("geonames:163843", "Syria", 35.0, 38.0, "SY", "A", "PCLI", 16906283, "",
                "GeoNames"),
          Place("geonames:170794", "Deir ez-Zor", 35.33588, 40.14084, "SY", "P", "PPLA",
                242565, "07", "GeoNames"),
          Place("geonames:94787", "Tall 'Afar", 36.37913, 42.44806, "IQ", "P", "PPL", 100000,
                "15", "GeoNames")]
KINDS = [("Battles", "Armed clash", "asserted", "attack", "contested"),
         ("Explosions/Remote violence", "Air/drone strike", "asserted", "air_strike", None),
         ("Strategic developments", "Other", "statement", "statement", None)]
SENTENCES = ["{a} fighters attacked positions near {p} on Monday, killing three.",
             "Clashes broke out between {a} and rivals around {p}, residents said.",
             "An air strike hit a convoy outside {p}, the monitor reported.",
             "{a} said it was ready to move on {p} within days."]


def _drawn_event(rng, art: str, j: int, day: date, dictionary, kind: tuple, place, a1,
                 actors: list, first: date | None, last: date | None) -> Event:
    """One random event of ``kind`` (a ``KINDS`` row); draws its sentence, actor2 and
    fatalities from ``rng``, in that order."""
    etype, sub, modality, rule, control = kind
    text = rng.choice(SENTENCES).format(a=a1.name, p=place.name if place else "town")
    return _event(art, j, place, day, dictionary, event_type=etype, sub_event_type=sub,
                  modality=modality, rule=rule, family=rule, control=control, actor1=a1,
                  actor2=rng.choice([None, *actors]), first_date=first, last_date=last,
                  sentence=text, claimant=a1 if modality == "statement" else None,
                  date_precision="day" if first == last else "week",
                  fatalities=rng.choice([None, 2, 3]))


def _random_articles(rng, n: int, dictionary, burst: int = 0) -> list[tuple]:
    """(sha1, article id, published, events) with overlapping days, places, actors and
    reprinted sentences; ``burst`` statements on one day overfill a block's candidates."""
    actors = [dictionary.actor(a) for a in ("pmf", "islamic_state", "us_coalition",
                                            "syrian_government_forces")]
    out = []
    for i in range(n):
        art = f"a{i:03d}"
        day = date(2017, 6, 1 + rng.randrange(12))
        events = []
        for j in range(rng.randrange(1, 5)):
            kind = rng.choice(KINDS)
            place = rng.choice([*PLACES, None])
            a1 = rng.choice(actors)
            first = None if rng.random() < 0.1 else day.replace(day=max(1, day.day -
                                                                        rng.randrange(3)))
            last = first if first is None or rng.random() < 0.6 else \
                first.replace(day=min(28, first.day + rng.randrange(1, 6)))
            events.append(_drawn_event(rng, art, j, day, dictionary, kind, place, a1, actors,
                                       first, last))
        out.append((f"h{i:03d}", art, day, events))
    for i in range(burst):
        art = f"b{i:03d}"
        out.append((f"hb{i:03d}", art, date(2017, 6, 5), [_event(
            art, 0, PLACES[i % 3], date(2017, 6, 5), dictionary,
            event_type="Strategic developments", sub_event_type="Other",
            modality="statement", rule="statement", family="statement", control=None,
            claimant=dictionary.actor("pmf"), sentence=f"The PMU said statement {i} today.",
            first_date=date(2017, 6, 5), last_date=date(2017, 6, 5))]))
    return out


def _check_incremental(tmp_path, batches, name):
    from store_util import merged_frames

    store = Store(tmp_path / name, create=True)
    d = load_actors()
    for batch in batches:
        commits: list[list] = [[]]
        for item in batch:      # an article's new version goes in a later commit
            if any(item[0] == other[0] for other in commits[-1]):
                commits.append([])
            commits[-1].append(item)
        _commit_and_merge(store, d, *commits)
        full_events, full_control = merged_frames(store, store.snapshot(), d)
        for got, want in ((load_events(store), full_events),
                          (load_events(store, control=True), full_control)):
            pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))
    return load_events(store)


@pytest.mark.parametrize("seed", range(4))
def test_incremental_merge_equals_merging_everything_again(tmp_path, seed):
    import random

    rng = random.Random(seed)
    d = load_actors()
    arts = _random_articles(rng, 40, d, burst=130 if seed % 2 else 0)
    # reprints: the same sentence and reading in another article
    for i in range(0, 10, 3):
        sha1, art, day, events = arts[i]
        arts.append((sha1 + "r", art + "r", day, [_event(art + "r", j, e.place, day, d,
                     **{k: getattr(e, k) for k in ("event_type", "sub_event_type",
                                                   "modality", "rule", "family", "control",
                                                   "actor1", "actor2", "first_date",
                                                   "last_date", "sentence", "claimant")})
                     for j, e in enumerate(events)]))
    order = arts[:]
    rng.shuffle(order)
    cuts = sorted(rng.sample(range(1, len(order)), 4))
    batches = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
    # a later version of an article (re-dated) replaces its events
    sha1, art, day, events = order[0]
    batches.append([(sha1, art, date(2017, 6, 9), [_event(art, 0, MOSUL, date(2017, 6, 9), d,
                                                           first_date=date(2017, 6, 9),
                                                           last_date=date(2017, 6, 9))])])
    got = _check_incremental(tmp_path, batches, "inc")
    assert (got.n_sources > 1).sum() >= 3       # the corpus does merge
    together = _check_incremental(tmp_path, [[a for b in batches for a in b]], "one")
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(together))


def test_news_of_later_days_merges_only_the_last_days_again(tmp_path):
    import random


    rng = random.Random(11)
    d = load_actors()
    arts = sorted(_random_articles(rng, 60, d), key=lambda a: a[2])
    early = [a for a in arts if a[2] <= date(2017, 6, 8)]
    late = [a for a in arts if a[2] > date(2017, 6, 8)]
    store = Store(tmp_path / "s", create=True)
    stats = [_commit_and_merge(store, d, batch) for batch in (early, late)]
    assert stats[0]["remerged"] == stats[0]["events"]       # a new store: everything
    late_events = 2 * sum(len(a[3]) for a in late)           # both variants
    assert late_events <= stats[1]["remerged"] < stats[1]["events"] - 20
    assert stats[1]["kept_groups"] > 20
    from store_util import merged_frames

    full, _ = merged_frames(store, store.snapshot(), d)
    pd.testing.assert_frame_equal(pd.DataFrame(load_events(store)), pd.DataFrame(full))


# -- the merge state partitioned by day: exact, and only the change's neighbourhood read ------

def _spread_articles(rng, n: int, dictionary, start=date(2017, 3, 20), days: int = 80,
                     prefix: str = "s", spans=(1, 3, 6, 20, 40), chain: bool = True
                     ) -> list[tuple]:
    """Articles over ``days`` days across month edges: short and long date windows (up to
    six weeks), undated events, and a battle told every day in one place (a chain of pairs
    running across partitions and months)."""
    from datetime import timedelta

    actors = [dictionary.actor(a) for a in ("pmf", "islamic_state", "us_coalition")]
    out = []
    for i in range(n):
        art = f"{prefix}{i:03d}"
        day = start + timedelta(days=rng.randrange(days))
        events = []
        for j in range(rng.randrange(1, 4)):
            kind = rng.choice(KINDS[:2])       # no statements: no claimant
            place = rng.choice([TANF, MOSUL, PLACES[3], None])
            a1 = rng.choice(actors)
            r = rng.random()
            first = None if r < 0.12 else day - timedelta(days=rng.randrange(3))
            last = first if first is None or r < 0.6 else \
                first + timedelta(days=rng.choice(spans))
            events.append(_drawn_event(rng, art, j, day, dictionary, kind, place, a1, actors,
                                       first, last))
        if chain and rng.random() < 0.4:      # the daily battle at Mosul, told on the day
            events.append(_event(art, len(events), MOSUL, day, dictionary,
                                 sentence=f"The PMU attacked IS near Mosul ({art})."))
        out.append((f"h{prefix}{i:03d}", art, day, events))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_partitioned_merge_equals_merge_events_across_months(tmp_path, seed):
    import random
    from datetime import timedelta

    rng = random.Random(100 + seed)
    d = load_actors()
    arts = _spread_articles(rng, 45, d)
    order = arts[:]
    rng.shuffle(order)
    cuts = sorted(rng.sample(range(1, len(order)), 3))
    batches = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
    # articles written again: moved to another month, undated, and back with the same events
    moved = []
    for sha1, art, day, _events in order[:3]:
        other = day + timedelta(days=rng.choice([-35, 33]))
        moved.append((sha1, art, other, [_event(art, 0, MOSUL, other, d)]))
    sha1, art, day, _ = order[3]
    moved.append((sha1, art, None, [_event(art, 0, TANF, None, d, first_date=None,
                                           last_date=None)]))
    batches += [moved, [order[3]]]
    got = _check_incremental(tmp_path, batches, "inc")
    assert (got.n_sources > 2).sum() >= 3
    months = {x[:7] for x in got.first_date.dropna()}
    assert len(months) >= 3 and got.first_date.isna().any()


def test_a_day_of_news_reads_only_the_partitions_near_it(tmp_path):
    import random
    from datetime import timedelta

    from store_util import merged_frames

    rng = random.Random(5)
    d = load_actors()
    store = Store(tmp_path / "s", create=True)

    def ingest(arts):
        return _commit_and_merge(store, d, arts)

    # windows of up to a week (a window of weeks, or a battle told every day, reaches
    # further: the merge's comparisons and groups run that far, and so do the reads)
    first = ingest(_spread_articles(rng, 80, d, days=90, spans=(1, 3, 6), chain=False))
    assert first["partitions"] >= 60
    # news of one day in the middle of the store, then of the day after its end
    for day in (date(2017, 5, 1), date(2017, 3, 20) + timedelta(days=91)):
        news = [(f"n{day}{i}", f"n{day}-{i}", day, [_event(f"n{day}-{i}", 0, MOSUL, day, d),
                                                     _event(f"n{day}-{i}", 1, TANF, day, d)])
                for i in range(3)]
        stats = ingest(news)
        assert stats["partitions_read"] <= 12, stats
        assert stats["partitions_written"] <= 8, stats
        assert stats["remerged"] < stats["events"] / 4
        full, control = merged_frames(store, store.snapshot(), d)
        pd.testing.assert_frame_equal(pd.DataFrame(load_events(store)), pd.DataFrame(full))
        pd.testing.assert_frame_equal(pd.DataFrame(load_events(store, control=True)),
                                      pd.DataFrame(control))


def test_a_store_of_the_previous_layout_is_merged_again(tmp_path):
    from store_util import merged_frames

    store = Store(tmp_path / "s", create=True)
    with store.writing():
        store.commit_batch(_tables("h1", "a1", date(2017, 6, 1), [_event()]))
        store.commit_batch(_tables("h2", "a2", date(2017, 6, 1), [_event("a2")]))
        snap = store.snapshot()
        # what the previous version wrote: one file per kind, another fingerprint
        old = {"seq": snap.seq, "n_events": 1, "n_control": 1, "fingerprint": "0" * 16}
        for key in ("events", "control"):
            rel = f"merged/{key}-00000002-old.parquet"
            (store.root / "merged").mkdir(exist_ok=True)
            merged_frames(store, snap)[key == "control"].to_parquet(store.root / rel)
            old[key] = rel
        store._write_manifest(dict(snap.manifest, merged=old))
    assert len(load_events(store)) == 1        # still readable as it is
    with store.writing():
        store.commit_batch(_tables("h3", "a3", date(2017, 6, 2), [_event("a3", day=date(
            2017, 6, 2))]))
    (tmp_path / "empty").mkdir()
    assert main(["ingest", str(tmp_path / "empty"), "--store", str(store.root),
                 "--quiet"]) == 3         # nothing to read; the merge is redone
    entry = store.snapshot().merged()
    full, _ = merged_frames(store, store.snapshot())
    assert entry["layout"] == 2 and entry["n_events"] == len(load_events(store)) == len(full)
    pd.testing.assert_frame_equal(pd.DataFrame(load_events(store)), pd.DataFrame(full))


# -- compaction ---------------------------------------------------------------------------

def _readers(store: Store) -> tuple:
    return (pd.DataFrame(load_events(store)), pd.DataFrame(load_events(store, control=True)),
            pd.DataFrame(load_frames(store.root)[1]),
            store.read("articles", latest=False).sort_by([("sha1", "ascending"),
                                                          ("seq", "ascending")]),
            store.read("extracted").sort_by([("sha1", "ascending"), ("order", "ascending")]),
            store.versions())


def _same_readers(a: tuple, b: tuple) -> None:
    for x, y in zip(a[:3], b[:3], strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert a[3].equals(b[3]) and a[4].equals(b[4]) and a[5] == b[5]


def _many_small_batches(tmp_path, n: int = 24) -> Store:
    import random

    from geo.store.merged import fingerprint, update_merged

    d = load_actors()
    store = Store(tmp_path / "s", create=True)
    arts = _random_articles(random.Random(3), n, d)
    with store.writing():
        for a in arts:
            store.commit_batch(_tables(a[0], a[1], date(2017, 6, 1 + int(a[1][1:]) % 2),
                                       a[3]))
        # a later version of one article (re-dated): both versions are kept
        store.commit_batch(_tables(arts[0][0], arts[0][1], date(2017, 6, 2),
                                   [_event(arts[0][1], 0, MOSUL, date(2017, 6, 2), d)]))
        snap = store.snapshot()
        store.commit_merged(update_merged(store, snap, None, d), snap.seq, fingerprint())
    return store


def test_compaction_keeps_every_reader_identical(tmp_path):
    from geo.store import TABLES

    store = _many_small_batches(tmp_path)
    before = _readers(store)
    n_files = {t: len(store.snapshot().files(t)) for t in TABLES}
    with store.writing():
        replaced = store.compact(max_files=8)
    snap = store.snapshot()
    assert replaced >= 2 * 3 * 9
    for t in TABLES:
        files = snap.files(t)
        assert len(files) <= 3 < n_files[t]
        assert {p.parent.name for p in files} == {"date=2017-06-01", "date=2017-06-02"}
    _same_readers(before, _readers(store))
    with store.writing():                   # the replaced files are collected
        assert store.compact(max_files=8) == 0
    on_disk = {p for p in (store.root / "extracted").rglob("*.parquet")}
    assert on_disk == set(snap.files("extracted"))
    # and the store goes on: a new batch merges with the compacted ones
    from geo.store.merged import fingerprint, update_merged

    with store.writing():
        store.commit_batch(_tables("hz", "z1", date(2017, 6, 2), [_event("z1", day=date(
            2017, 6, 2))]))
        snap = store.snapshot()
        store.commit_merged(update_merged(store, snap, snap.manifest["merged"]), snap.seq,
                            fingerprint())
    from store_util import merged_frames

    full, _ = merged_frames(store, store.snapshot())
    pd.testing.assert_frame_equal(pd.DataFrame(load_events(store)), pd.DataFrame(full))


def test_a_kill_during_compaction_loses_nothing(tmp_path):
    import signal
    import subprocess
    import sys

    store = _many_small_batches(tmp_path)
    before = _readers(store)
    manifest = (store.root / "manifest.json").read_text()
    # killed after its second compacted file is written, before the manifest
    code = (
        "import os, signal, sys\n"
        "import geo.store.tables as s\n"
        "real, n = s.write_table, [0]\n"
        "def write(*a, **k):\n"
        "    real(*a, **k)\n"
        "    n[0] += 1\n"
        "    if n[0] == 2:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "s.write_table = write\n"
        "st = s.Store(sys.argv[1])\n"
        "with st.writing():\n"
        "    st.compact(max_files=8)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(store.root)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert (store.root / "manifest.json").read_text() == manifest
    _same_readers(before, _readers(store))        # the half-done work is invisible
    with store.writing():                       # the next writer clears it and compacts
        store.compact(max_files=8)
    _same_readers(before, _readers(store))


@pytest.mark.parametrize("seed", [0, 4])
def test_news_day_by_day_equals_merge_events(tmp_path, seed):
    """Articles one at a time on the days after the store's: each changes the end of its
    blocks, before their undated readings (whose comparisons it cuts or opens)."""
    import random
    from datetime import timedelta

    rng = random.Random(seed)
    d = load_actors()
    arts = sorted(_spread_articles(rng, 30, d, days=40, spans=(1, 3, 6, 20, 40)),
                  key=lambda a: a[2])
    more = _spread_articles(rng, 15, d, start=date(2017, 4, 25), days=6, prefix="x")
    sha1, art, day, _ = arts[5]
    moved = [(sha1, art, day + timedelta(days=30), [_event(art, 0, MOSUL, day + timedelta(
        days=30), d)])]
    _check_incremental(tmp_path, [arts[:20], arts[20:], *([m] for m in more[:6]), more[6:],
                                  moved], "days")
