"""The on-disk index, built from small fixture sources the tests write."""

import csv

import pytest

from gazetteer.errors import DataError
from gazetteer.index import NameValues, open_index
from gazetteer.memo import LRU
from gazetteer.sources.overlay import OverlaySource

HEADER = ["name", "alt_names", "lat", "lon", "anchor", "feature_class", "feature_code",
          "country_code", "admin1", "population", "source", "confidence"]
ROWS = [
    ["al-Tanf border crossing", "Tanf|at-Tanf", "33.43624", "38.83581", "", "S", "PSTB", "SY",
     "", "0", "GeoNames 11614781", "medium-high"],
    ["Umm Jrais", "Um Jaris", "", "", "", "P", "PPL", "IQ", "", "0", "press reports",
     "unlocated"],
]


def write_overlay(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def test_build_then_reuse(tmp_path):
    src = OverlaySource(write_overlay(tmp_path / "places.csv", ROWS))
    ix = open_index([src], directory=tmp_path / "cache")
    assert ix.stats().places == 2
    (place, primary, name), = ix.places_by_key("at tanf")
    assert place.point == (33.43624, 38.83581) and not primary and name == "at-Tanf"
    assert ix.places_by_key("um jaris")[0][0].lat is None
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert not [f for f in files if ".tmp" in f]
    built_at = ix.meta["built_at"]
    again = open_index([OverlaySource(tmp_path / "places.csv")], directory=tmp_path / "cache")
    assert again.db_path == ix.db_path and again.meta["built_at"] == built_at


@pytest.mark.parametrize("built_before", [False, True])
def test_a_killed_build_leaves_nothing_after_the_next_open(tmp_path, built_before):
    src = OverlaySource(write_overlay(tmp_path / "places.csv", ROWS))
    cache = tmp_path / "cache"
    if built_before:
        open_index([src], directory=cache)
    cache.mkdir(exist_ok=True)
    for name in ("gazetteer-abc.sqlite.tmp4242", "gazetteer-abc.aho.tmp4242"):
        (cache / name).write_bytes(b"\0" * 1024)        # what a SIGKILLed build leaves
    (cache / "notes.txt").write_text("mine", encoding="utf-8")
    ix = open_index([src], directory=cache)
    assert ix.stats().places == 2
    assert not [p.name for p in cache.iterdir() if ".tmp" in p.name]
    assert (cache / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_changed_input_rebuilds_and_removes_the_old_index(tmp_path):
    path = write_overlay(tmp_path / "places.csv", ROWS)
    first = open_index([OverlaySource(path)], directory=tmp_path / "cache")
    write_overlay(path, ROWS + [["Zaza junction", "", "", "", "", "R", "RDJCT", "SY", "", "0",
                                 "press", "unlocated"]])
    second = open_index([OverlaySource(path)], directory=tmp_path / "cache")
    assert second.db_path != first.db_path
    assert not first.db_path.exists()
    assert second.places_by_key("zaza junction")


def test_automaton_finds_keys_with_their_length(tmp_path):
    ix = open_index([OverlaySource(write_overlay(tmp_path / "p.csv", ROWS))],
                    directory=tmp_path / "c")
    hits = [(end, value & 0xFF, ix.key_of(value >> 8)) for end, value in
            ix.automaton.iter("the umm jrais village")]
    assert (12, 9, "umm jrais") in hits


def test_name_values_memoise_automaton_lookups_within_a_bound(tmp_path):
    ix = open_index([OverlaySource(write_overlay(tmp_path / "p.csv", ROWS))],
                    directory=tmp_path / "c")
    keys = ["at tanf", "tanf", "um jaris", "umm jrais", "nowhere", "tanf", "at tanf"]
    expected = [ix.automaton.get(k, None) for k in keys]
    assert expected[0] is not None and expected[4] is None
    assert [ix.names[k] for k in keys] == expected
    assert ix.names is ix.names and len(ix.names) == 5
    small = NameValues(ix.automaton, maxsize=2)
    for key, value in zip(keys, expected, strict=True):
        assert small[key] == value
        assert len(small) <= 2


def test_prefetched_places_equal_one_query_per_key(tmp_path):
    ix = open_index([OverlaySource(write_overlay(tmp_path / "p.csv", ROWS))],
                    directory=tmp_path / "c")
    ids = [ix.names[k] >> 8 for k in ("at tanf", "um jaris")]
    one_by_one = [ix.places_by_key_id(k) for k in ids]
    fresh = open_index([OverlaySource(tmp_path / "p.csv")], directory=tmp_path / "c")
    fresh.prefetch(ids)
    assert [fresh.places_by_key_id(k) for k in ids] == one_by_one


def test_lru_keeps_the_most_recently_used_entries():
    lru = LRU(2)
    lru["a"], lru["b"] = 1, 2
    assert lru.get("a") == 1                  # "a" is now the most recent
    lru["c"] = 3                              # evicts "b", the least recently used
    assert "b" not in lru and lru.get("b", "gone") == "gone"
    assert lru.get("a") == 1 and lru.get("c") == 3 and len(lru) == 2
    for i in range(100):
        lru[i] = i
    assert len(lru) == 2 and lru.get(99) == 99
    with pytest.raises(ValueError):
        LRU(0)


@pytest.mark.parametrize("row, message", [
    (["Bad", "", "95", "10", "", "P", "PPL", "IQ", "", "0", "src", ""], "out of range"),
    (["Bad", "", "abc", "10", "", "P", "PPL", "IQ", "", "0", "src", ""], "not a number"),
    (["Bad", "", "33", "", "", "P", "PPL", "IQ", "", "0", "src", ""], "both lat and lon"),
    (["Bad", "", "33", "40", "", "P", "PPL", "IQ", "", "0", "", ""], "source"),
])
def test_bad_overlay_rows_fail_cleanly_and_leave_nothing(tmp_path, row, message):
    path = write_overlay(tmp_path / "places.csv", ROWS + [row])
    with pytest.raises(DataError, match=message):
        open_index([OverlaySource(path)], directory=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("gazetteer-*"))


def test_shipped_overlay_rows_all_have_sources():
    from gazetteer.sources.overlay import default_path

    with default_path().open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 40
    assert all(r["source"].strip() for r in rows)
    # A row is located, anchored on a named place, or explicitly unlocated.
    assert all(r["lat"] or r["anchor"] or r["confidence"] == "unlocated" for r in rows)


class _Records(list):
    """Collects the build's progress records (stage, fraction)."""

    def handler(self):
        import logging

        records = self

        class H(logging.Handler):
            def emit(self, record):
                records.append((record.stage, record.fraction))
        return H(logging.INFO)


def test_a_build_reports_its_stages_and_progress(tmp_path):
    import logging

    from gazetteer.index import PROGRESS, index_exists

    seen = _Records()
    handler = seen.handler()
    PROGRESS.addHandler(handler)
    PROGRESS.setLevel(logging.INFO)
    try:
        sources = [OverlaySource(write_overlay(tmp_path / "p.csv", ROWS))]
        assert not index_exists(sources, tmp_path / "cache")
        open_index(sources, directory=tmp_path / "cache")
        assert index_exists(sources, tmp_path / "cache")
        built = len(seen)
        open_index([OverlaySource(tmp_path / "p.csv")], directory=tmp_path / "cache")
    finally:
        PROGRESS.removeHandler(handler)
    stages = [s for s, _ in seen]
    assert stages[0] == "reading overlay" and stages[-1].startswith("done: 2 places")
    assert {"name index", "automaton", "writing"} <= set(stages)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1.0
    assert len(seen) == built                     # opening a built index reports nothing


@pytest.mark.parametrize("tty", [False, True])
def test_the_command_line_shows_the_build_as_a_bar_or_lines(tty):
    import io
    import logging

    from geo.cli.progress import ProgressBar

    class Stream(io.StringIO):
        def isatty(self):
            return tty

    out = Stream()
    bar = ProgressBar(out)
    for stage, fraction in [("reading geonames", 0.0), ("reading geonames (5,000 places)", 0.1),
                            ("reading geonames (10,000 places)", 0.2), ("automaton", 0.8),
                            ("done: 9 places in 3 s", 1.0)]:
        bar.emit(logging.makeLogRecord({"stage": stage, "fraction": fraction}))
    text = out.getvalue()
    if tty:
        assert text.count("\r") == 5 and text.endswith("\n") and "100%" in text
        assert "[" + "#" * 30 + "]" in text
    else:                                  # a log: one line per stage, not per 5,000 places
        lines = text.splitlines()
        assert len(lines) == 3 and "automaton" in lines[1] and "100%" in lines[2]


@pytest.mark.parametrize("fingerprint", ["file", "content"])
def test_fingerprints_do_not_depend_on_where_the_files_are(tmp_path, fingerprint):
    """The same files in other places (a checkout elsewhere, a virtualenv beside or apart
    from it) give the same fingerprint, in any order: no second index is built."""
    from gazetteer.sources.base import content_fingerprint, file_fingerprint

    fp = file_fingerprint if fingerprint == "file" else content_fingerprint
    made = {}
    for top in ("a", "zz"):
        for sub, name, body in (("x", "one.csv", "1"), ("y", "two.csv", "22")):
            path = tmp_path / top / sub / name
            path.parent.mkdir(parents=True)
            path.write_text(body)
            made.setdefault(top, []).append(path)
    first = fp(made["a"])
    # the second file's copy under "a" sorts before the first's under "zz" by path
    assert fp([made["zz"][0], made["a"][1]]) == first == fp(list(reversed(made["zz"])))
    made["zz"][1].write_text("23")
    assert fp(made["zz"]) != first
