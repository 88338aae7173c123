"""The command line's bad-input table: every documented exit code (0 ok, 2 usage, 3 bad input,
4 not found, 5 data/index/store error, 6 network service error, 130 interrupted) is reached
by some case, each error is one line on stderr with no traceback, no case ends in 1
(internal error), and a failed command leaves no output file behind."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.cli import main
from geo.cli.main import EXIT_INTERNAL

ROOT = Path(__file__).resolve().parents[2]
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("store") / "s"
    assert main(["ingest", str(SEED), "--store", str(store), "--quiet"]) == 0
    return store


def _files(tmp: Path) -> dict[str, Path]:
    """Inputs for the table: files of every kind a user may pass."""
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8)
    (tmp / "latin1.txt").write_bytes("Kämpfe in Mossul.".encode("latin-1"))
    (tmp / "ok.txt").write_text("Fighting in Mosul on 3 June 2017.\n", "utf-8")
    (tmp / "big.txt").write_text("Mosul. " * 200_000, "utf-8")          # 1.4 MB
    (tmp / "a-file").write_text("x", "utf-8")
    (tmp / "folder").mkdir()
    (tmp / "not-a-store").mkdir()
    return {p.name: p for p in tmp.iterdir()}


def _store_with(store: Path, tmp: Path, name: str, change) -> Path:
    copy = tmp / name
    shutil.copytree(store, copy)
    change(copy)
    return copy


def _bad_manifest(store: Path) -> None:
    path = store / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "batches": "oops"}))


def _missing_part(store: Path) -> None:
    next((store / "articles").rglob("*.parquet")).unlink()


CASES = [
    # (id, arguments ({tmp}: a scratch folder; {store}, {bad_manifest}, {damaged}: stores),
    #  exit code, words the message must hold)
    ("lookup ok", ["lookup", "Mosul", "--limit", "1"], 0, ""),
    ("geoparse ok", ["geoparse", "{tmp}/ok.txt"], 0, ""),
    ("no command", [], 2, "required"),
    ("unknown command", ["explode"], 2, "invalid choice"),
    ("max-mb nan", ["geoparse", "--max-mb", "nan", "{tmp}/ok.txt"], 2, "finite"),
    ("max-mb -1", ["geoparse", "--max-mb", "-1", "{tmp}/ok.txt"], 2, "above 0"),
    ("limit 0", ["lookup", "Mosul", "--limit", "0"], 2, "at least 1"),
    ("limit 2.5", ["lookup", "Mosul", "--limit", "2.5"], 2, "whole number"),
    ("ingest max-mb inf", ["ingest", "{tmp}/ok.txt", "--store", "{tmp}/new", "--max-mb",
                           "inf"], 2, "finite"),
    ("ingest workers 0", ["ingest", "{tmp}/ok.txt", "--store", "{tmp}/new", "--workers", "0"],
     2, "at least 1"),
    ("region bad", ["geoparse", "--region", "QQQ", "{tmp}/ok.txt"], 2, "region"),
    ("paths and store", ["events", "{tmp}/ok.txt", "--store", "{store}", "--out",
                         "{tmp}/e.csv"], 2, "not both"),
    ("check quick repair", ["store", "check", "{store}", "--quick", "--repair"], 2, "quick"),
    ("geoparse empty", ["geoparse", "{tmp}/empty.txt"], 3, "empty"),
    ("geoparse binary", ["geoparse", "{tmp}/binary.txt"], 3, "binary"),
    ("geoparse latin1", ["geoparse", "{tmp}/latin1.txt"], 3, "UTF-8"),
    ("geoparse too big", ["geoparse", "--max-mb", "1", "{tmp}/big.txt"], 3, "MB"),
    ("geoparse missing", ["geoparse", "{tmp}/nothing.txt"], 3, "no such file"),
    ("events out folder", ["events", "{tmp}/ok.txt", "--out", "{tmp}/folder"], 3, "folder"),
    ("events out under file", ["events", "{tmp}/ok.txt", "--out", "{tmp}/a-file/e.csv"], 3,
     "not a folder"),
    ("events out unwritable", ["events", "{tmp}/ok.txt", "--out", "/sys/e.csv"], 3,
     "cannot write"),
    ("events out format", ["events", "{tmp}/ok.txt", "--out", "{tmp}/e.txt"], 3, "format"),
    ("events no folder", ["events", "{tmp}/ok.txt", "--out", "{tmp}/no/e.csv"], 3,
     "does not exist"),
    ("export corridor inf", ["export", "{tmp}/ok.txt", "--corridor-km", "inf", "--out",
                             "{tmp}/m.html"], 3, "corridor-km"),
    ("layers corridor inf", ["layers", "{tmp}/ok.txt", "--corridor-km", "inf", "--date",
                             "2017-06-04", "--out", "{tmp}/l.geojson"], 3, "corridor-km"),
    ("export dates 0", ["export", "{tmp}/ok.txt", "--max-control-dates", "0", "--out",
                        "{tmp}/m.html"], 3, "positive"),
    ("layers bad date", ["layers", "{tmp}/ok.txt", "--date", "2017-13-01", "--out",
                         "{tmp}/l.geojson"], 3, "date"),
    ("ingest missing", ["ingest", "{tmp}/nothing.txt", "--store", "{tmp}/new"], 3,
     "no such file"),
    ("lookup nothing", ["lookup", "Xqzzyvillex"], 4, "no place named"),
    ("not a store", ["events", "--store", "{tmp}/not-a-store", "--out", "{tmp}/e.csv"], 5,
     "not a conflictmap store"),
    ("manifest oops", ["events", "--store", "{bad_manifest}", "--out", "{tmp}/e.csv"], 5,
     "batches"),
    ("ingest manifest oops", ["ingest", "{tmp}/ok.txt", "--store", "{bad_manifest}"], 5,
     "batches"),
    ("damaged store", ["events", "--store", "{damaged}", "--out", "{tmp}/e.csv"], 5,
     "--repair"),
    ("check damaged", ["store", "check", "{damaged}"], 5, "missing"),
    ("geocoder down", ["lookup", "Xqzzyvillex", "--online", "--user-agent", "tests",
                       "--geocoder-domain", "127.0.0.1:9", "--geocoder-scheme", "http"], 6,
     "unreachable"),
]


@pytest.mark.slow
@pytest.mark.parametrize("case, args, code, words", CASES, ids=[c[0] for c in CASES])
def test_exit_codes(tmp_path, seed_store, capsys, case, args, code, words):
    _files(tmp_path)
    stores = {"store": seed_store,
              "bad_manifest": _store_with(seed_store, tmp_path, "bad", _bad_manifest),
              "damaged": _store_with(seed_store, tmp_path, "damaged", _missing_part)}
    argv = [a.format(tmp=tmp_path, **stores) for a in args]
    before = {p for p in tmp_path.rglob("*")}
    try:
        got = main(argv)
    except SystemExit as exc:           # argparse's usage errors
        got = exc.code
    err = capsys.readouterr().err
    assert got == code, err
    assert got != EXIT_INTERNAL
    assert "Traceback" not in err and "internal error" not in err
    if code:
        assert words.lower() in err.lower()
        new = {p for p in tmp_path.rglob("*")} - before
        assert not [p for p in new if p.suffix in (".csv", ".geojson", ".html", ".tmp")]
        if case.startswith("ingest"):
            assert not (tmp_path / "new").exists()


def test_every_documented_code_is_in_the_table():
    from geo.cli.main import __doc__ as doc

    codes = {c[2] for c in CASES} | {130}
    for code in (0, 2, 3, 4, 5, 6, 130):
        assert f"{code} " in doc and code in codes


def _committed_batches(store: Path) -> int:
    """How many batches the store's manifest (its commit point) records; 0 before the first."""
    try:
        return len(json.loads((store / "manifest.json").read_text(encoding="utf-8"))["batches"])
    except (OSError, ValueError, KeyError):
        return 0


@pytest.mark.slow
def test_an_interrupted_ingest_is_exit_130_and_keeps_what_was_committed(tmp_path):
    # Forty distinct articles, one per batch: long enough that the signal always lands
    # mid-ingest, however fast one batch is.
    articles = tmp_path / "articles"
    articles.mkdir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for i in range(40):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (articles / f"{i:03d}.txt").write_text(f"{text}\nUpdate {i}.\n", encoding="utf-8")
    store = tmp_path / "s"
    proc = subprocess.Popen([sys.executable, "-m", "geo.cli", "ingest", str(articles),
                             "--store", str(store), "--batch-size", "1"],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _committed_batches(store):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert main(["store", "check", str(store)]) == 0
    assert 0 < _committed_batches(store) < 40
