"""`conflictmap events`: formats, bad inputs, atomic output."""

import json

import geopandas as gpd
import pandas as pd
import pytest

from geo.cli import main

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("fmt", ["csv", "geojson", "parquet"])
def test_events_on_bundled_seeds(capsys, tmp_path, fmt):
    out = tmp_path / f"events.{fmt}"
    assert main(["events", "--out", str(out)]) == 0
    frame = pd.read_csv(out) if fmt == "csv" else (
        gpd.read_file(out) if fmt == "geojson" else gpd.read_parquet(out))
    assert len(frame) >= 20
    assert {"event_date", "event_type", "actor1", "latitude", "longitude", "sources",
            "n_sources"} <= set(frame.columns)
    assert frame.n_sources.max() >= 2
    assert "5 articles" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_events_from_a_folder_with_bad_files(capsys, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Title: Clashes\nDate: 2017-06-01\n\nThe PMU captured the "
                                  "village of Umm Jrais from IS on Monday.", "utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02binary")
    (folder / "c.txt").write_bytes(b"")
    out = tmp_path / "e.csv"
    code = main(["events", str(folder), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 3 and "b.txt" in err and "c.txt" in err and "Traceback" not in err
    frame = pd.read_csv(out)
    row = frame.iloc[0]
    assert row.event_type == "Battles" and row.location == "Umm Jrais"
    assert row.event_date == "2017-05-29" and json.loads(row.sources)[0]["title"] == "Clashes"


def test_no_readable_input_writes_nothing(capsys, tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"")
    out = tmp_path / "never.csv"
    assert main(["events", str(bad), "--out", str(out)]) == 3
    assert not out.exists() and not list(tmp_path.glob(".never*"))
    assert "no readable article" in capsys.readouterr().err


def test_bad_output_format_is_a_clear_error(capsys, tmp_path):
    assert main(["events", "--out", str(tmp_path / "e.xlsx")]) == 3
    assert "unknown output format" in capsys.readouterr().err


@pytest.mark.parametrize("one_story", [False, True])
def test_articles_with_no_events_unknown_actors_and_no_dates(capsys, tmp_path, one_story):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "quiet.txt").write_text("Title: Quiet\nDate: 2017-06-01\n\nMarkets in Baghdad "
                                      "were busy. The weather was hot.", "utf-8")
    (folder / "zorgan.txt").write_text("Title: Zorgan\nDate: 2017-06-01\n\nThe Zorgan Brigade "
                                       "attacked Mosul on Monday.", "utf-8")
    (folder / "undated.txt").write_text("The PMU captured the town of Tal Afar from IS.",
                                        "utf-8")
    out = tmp_path / "e.csv"
    flags = ["--one-story"] if one_story else []
    assert main(["events", str(folder), "--out", str(out), *flags]) == 0
    err = capsys.readouterr().err
    assert "3 articles, 2 events" in err and "Traceback" not in err
    frame = pd.read_csv(out)
    zorgan = frame[frame.actor1 == "Zorgan Brigade"].iloc[0]
    assert zorgan.bloc1 == "other" and zorgan.location == "Mosul"
    undated = frame[frame.location.str.contains("Tal", na=False)].iloc[0]
    if one_story:       # dated from the other files' dates
        assert undated.date_source == "article:inferred"
        assert undated.time_precision == 2
    else:               # its own text has no date: undated, whatever the other files say
        assert undated.date_source == "none" and pd.isna(undated.event_date)


def test_only_eventless_articles_write_an_empty_table(capsys, tmp_path):
    src = tmp_path / "quiet.txt"
    src.write_text("Title: Quiet\nDate: 2017-06-01\n\nNothing happened today.", "utf-8")
    out = tmp_path / "e.csv"
    assert main(["events", str(src), "--out", str(out)]) == 0
    assert "0 events" in capsys.readouterr().err
    frame = pd.read_csv(out)
    assert len(frame) == 0 and "event_type" in frame.columns
