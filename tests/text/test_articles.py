"""Reading articles: metadata headers, manifests, publication dates, bad files, ids."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest

from geo.errors import InputError
from geo.text.articles import article_from_text, bundled_seeds, read_articles
from geo.text.inputs import read_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
BODY = "Militias took the village of Umm Jrais on May 29.\nFighting went on.\n"


@pytest.fixture(scope="module")
def seeds():
    """The seeds read as the one story they tell (undated ones dated from the others)."""
    articles, errors = read_articles([str(SEEDS)], one_story=True)
    assert errors == []
    return {a.id[:3]: a for a in articles}


@pytest.mark.parametrize(("key", "published", "source", "window"), [
    ("001", date(2017, 6, 1), "text", None),
    ("004", date(2017, 6, 4), "text:weekday-checked", None),
    ("000", date(2017, 5, 18), "inferred", (date(2017, 5, 18), date(2017, 6, 1))),
    ("002", date(2017, 5, 18), "inferred", (date(2017, 5, 18), date(2017, 6, 1))),
    ("003", date(2017, 6, 1), "inferred", (date(2017, 6, 1), date(2017, 6, 4))),
])
def test_seed_dates(seeds, key, published, source, window):
    a = seeds[key]
    assert (a.published, a.date_source) == (published, source)
    assert a.date_window == (window or (published, published))



def read_article(path: str):
    """The article in file ``path`` (``-``: standard input), as ``read_articles`` reads one
    file (but for the metadata of a manifest)."""
    return article_from_text(read_text(path), path, path=None if path == "-" else path)

def test_inferred_windows_lie_in_late_may_early_june(seeds):
    for key in ("000", "002", "003"):
        lo, hi = seeds[key].date_window
        assert date(2017, 5, 15) <= lo <= hi <= date(2017, 6, 15)


@pytest.mark.parametrize("other_date", ["2023-03-15", "1999-01-02", "2017-06-20"])
def test_unrelated_files_never_date_each_other(tmp_path, other_date):
    other = tmp_path / "other.txt"
    other.write_text(f"Title: Elsewhere\nDate: {other_date}\n\nShelling hit Kharkiv.\n",
                     "utf-8")
    alone = {a.id: a for a in read_articles([str(SEEDS)])[0]}
    mixed = {a.id: a for a in read_articles([str(SEEDS), str(other)])[0]}
    for key, a in alone.items():
        assert (mixed[key].published, mixed[key].date_window) == (a.published, a.date_window)
    assert sum(a.date_source == "none" for a in alone.values()) == 3
    together = {a.id: a for a in read_articles([str(SEEDS), str(other)], one_story=True)[0]}
    assert any(together[k].date_window != alone[k].date_window for k in alone)


@pytest.mark.parametrize("value", ["unknown", "Unknown", "n/a", "", "undated", "?"])
def test_a_date_that_says_there_is_none_is_undated_with_a_warning(tmp_path, value):
    path = tmp_path / "a.txt"
    path.write_text(f"Title: A report\nDate: {value}\n\nIS attacked Mosul on 3 June 2017.\n",
                    "utf-8")
    (a,), errors = read_articles([str(path)])
    assert errors == [] and a.published is not None           # its own text dates it
    assert a.date_source == "inferred" and a.date_window[0] == date(2017, 6, 3)
    assert "is not a date" in a.warning and f"'{value}'" in a.warning


def test_a_malformed_date_is_still_an_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title: A report\nDate: 2017-13-45\n\nIS attacked Mosul.\n", "utf-8")
    articles, errors = read_articles([str(path)])
    assert articles == [] and errors and "date" in errors[0][1]


@pytest.mark.parametrize("key", ["000", "002", "003"])
def test_seed_alone_has_no_year_to_go_on(key):
    a = read_article(str(next(SEEDS.glob(f"{key}_*.txt"))))
    assert (a.published, a.date_source, a.date_window) == (None, "none", None)


def test_seeds_titles_ids_and_texts(seeds):
    a = seeds["001"]
    assert a.title == "Iraqi Shia Force Vows to Enter Syria to Support Assad"
    assert a.id == "001_e790da4f0a973771" and a.path.endswith("001_e790da4f0a973771.txt")
    raw = (SEEDS / "001_e790da4f0a973771.txt").read_text("utf-8")
    assert a.text == raw and a.sha1 == hashlib.sha1(raw.encode()).hexdigest()
    assert seeds["004"].title == "Iran-backed militias near Iraq-Syria border ring alarms"
    assert seeds["004"].day_first is True
    assert all(len(x.title) <= 200 for x in seeds.values())
    assert [a.id for a in bundled_seeds()] == [a.id for a in seeds.values()]


@pytest.mark.parametrize("header", [
    "Title: Militias reach the border\nSource: The New Arab\nDate: 2017-05-30\n"
    "URL: https://example.org/a\n\n",
    "url: https://example.org/a\nDATE: 30 May 2017\nsource: The New Arab\n"
    "title: Militias reach the border\n\n",
    "---\ntitle: \"Militias reach the border\"\nsource: The New Arab\ndate: 2017-05-30\n"
    "url: https://example.org/a\ntags: [iraq]\n---\n",
])
def test_metadata_header(header):
    a = article_from_text(header + BODY)
    assert (a.title, a.source, a.url) == ("Militias reach the border", "The New Arab",
                                          "https://example.org/a")
    assert (a.published, a.date_source, a.text) == (date(2017, 5, 30), "metadata", BODY)
    assert a.text[a.text.index("May 29"):].startswith("May 29")


@pytest.mark.parametrize("text", [
    "Title: Just a headline\nMilitias took the village.\n",      # no blank line: body text
    "Update: fighting resumed\n\nMilitias took the village.\n",   # not a metadata key
])
def test_not_a_header(text):
    a = article_from_text(text)
    assert a.text == text and a.source == ""


def test_bad_header_date_names_the_file():
    with pytest.raises(InputError, match=r"a\.txt: malformed date 'last Tuesday'"):
        article_from_text("Date: last Tuesday\n\n" + BODY, name="a.txt")


def test_meta_argument_overrides_header():
    a = article_from_text("Title: Old\nDate: 2017-05-30\n\n" + BODY,
                          meta={"title": "New", "date": date(2017, 5, 31), "source": None})
    assert (a.title, a.published, a.source) == ("New", date(2017, 5, 31), "")


@pytest.mark.parametrize(("first_lines", "published", "source"), [
    ("date 2017-06-01 Headline here\n", date(2017, 6, 1), "text"),
    ("Headline\nPublished 2017-06-02 by staff\n", date(2017, 6, 2), "text"),
    ("Headline\n\nSunday 04/06/2017\n", date(2017, 6, 4), "text:weekday-checked"),
    ("Headline\nThursday 04/06/2017\n", date(2017, 4, 6), "text:weekday-checked"),
    ("Headline\nUpdated 13/06/2017\n", date(2017, 6, 13), "text"),
    ("Headline\nJune 2, 2017\n", date(2017, 6, 2), "text"),
    ("Headline\n04/06/2017\n", None, "none"),                # ambiguous, no weekday
])
def test_date_from_the_text(first_lines, published, source):
    a = article_from_text(first_lines + "Fighting went on in the village.\n")
    assert (a.published, a.date_source) == (published, source)


@pytest.mark.parametrize(("text", "corpus", "window"), [
    ("Talks ended on May 18, 2017 and resumed on 21 May 2017.\n", (),
     (date(2017, 5, 21), date(2017, 6, 4))),
    ("On May 18, 2017 a strike; on May 29 a raid.\n", (), (date(2017, 5, 29), date(2017, 6, 12))),
    ("A strike on May 18.\n", (date(2017, 6, 1), date(2017, 6, 4)),
     (date(2017, 5, 18), date(2017, 6, 1))),
    ("A strike on December 30.\n", (date(2018, 1, 2), date(2018, 1, 5)),
     (date(2017, 12, 30), date(2018, 1, 13))),
    ("A raid on June 20.\n", (date(2017, 6, 1), date(2017, 6, 4)),     # after the median
     (date(2017, 6, 20), date(2017, 7, 4))),
    ("A raid on September 3.\n", (date(2017, 6, 1), date(2017, 6, 4)),  # months after: 2016
     (date(2016, 9, 3), date(2016, 9, 17))),
    ("Fighting went on yesterday.\n", (date(2017, 6, 1), date(2017, 6, 4)),
     (date(2017, 6, 1), date(2017, 6, 4))),
    ("A strike on May 18.\n", (), None),
])
def test_inferred_window(text, corpus, window):
    a = article_from_text("Headline\n" + text, corpus_dates=corpus)
    assert a.date_window == window
    assert (a.published, a.date_source) == ((window[0], "inferred") if window else
                                            (None, "none"))


def test_text_article_ids_are_sha1():
    text = "Headline\n" + BODY
    a, b = article_from_text(text), article_from_text(text, name="upload.txt")
    assert a.id == b.id == hashlib.sha1(text.encode()).hexdigest()[:12]
    assert a.path is None
    assert article_from_text(text + "more\n").id != a.id


def test_stdin_article(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(("Headline\n" + BODY).encode())))
    a = read_article("-")
    assert a.path is None and len(a.id) == 12 and a.title == "Headline"


def test_ids_are_stable_file_stems(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    for d in ("x", "y"):
        (tmp_path / d / "report.txt").write_text(f"Headline {d}\n" + BODY)
    first = [a.id for a in read_articles([str(tmp_path)])[0]]
    again = [a.id for a in read_articles([str(tmp_path)])[0]]
    assert first == again and first[0] == "report" and first[1].startswith("report-")


def test_directory_with_bad_files(tmp_path):
    (tmp_path / "a.txt").write_text("Headline A\n" + BODY)
    (tmp_path / "b.bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (tmp_path / "c.txt").write_text("")
    (tmp_path / "d.txt").write_bytes("Caf\xe9 attacked\n".encode("latin-1"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "e.md").write_text("Headline E\n" + BODY)
    (tmp_path / "notes.csv").write_text("not,an,article\n")
    articles, errors = read_articles([str(tmp_path), str(tmp_path / "missing.txt")])
    assert [a.id for a in articles] == ["a", "e"]
    messages = dict(errors)
    assert "binary" in messages[str(tmp_path / "b.bin.txt")]
    assert "empty" in messages[str(tmp_path / "c.txt")]
    assert "not UTF-8" in messages[str(tmp_path / "d.txt")]
    assert "no such file" in messages[str(tmp_path / "missing.txt")]
    latin = read_articles([str(tmp_path / "d.txt")], encoding="latin-1")[0]
    assert latin[0].title == "Café attacked"


def test_manifest_gives_and_overrides_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Title: Header title\nDate: 2017-05-01\n\n" + BODY)
    (tmp_path / "b.txt").write_text("Headline B\n" + BODY)
    (tmp_path / "c.txt").write_text("Headline C\nSunday 04/06/2017\n" + BODY)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,title,source,date,url\n"
                        "a.txt,Manifest title,Reuters,2017-06-02,https://r.example/a\n"
                        f"{tmp_path / 'b.txt'},,AFP,3 June 2017,\n")
    articles, errors = read_articles([str(tmp_path)], manifest=str(manifest))
    assert errors == []
    a, b, c = articles
    assert (a.title, a.source, a.published, a.date_source, a.url) == (
        "Manifest title", "Reuters", date(2017, 6, 2), "manifest", "https://r.example/a")
    assert (b.title, b.source, b.published, b.date_source) == (
        "Headline B", "AFP", date(2017, 6, 3), "manifest")
    assert (c.published, c.date_source) == (date(2017, 6, 4), "text:weekday-checked")


@pytest.mark.parametrize(("content", "match"), [
    ("file,date\na.txt,2017-06-01\nb.txt,2017-31-05\n", r"line 3 \(b\.txt\): malformed date"),
    ("name,date\na.txt,2017-06-01\n", "no 'file' column"),
])
def test_bad_manifest(tmp_path, content, match):
    (tmp_path / "a.txt").write_text("Headline\n" + BODY)
    manifest = tmp_path / "m.csv"
    manifest.write_text(content)
    with pytest.raises(InputError, match=match):
        read_articles([str(tmp_path / "a.txt")], manifest=str(manifest))


def test_empty_body_after_header():
    with pytest.raises(InputError, match="no article text"):
        article_from_text("Title: Only a title\n\n  \n")
