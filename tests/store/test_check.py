"""``conflictmap store check DIR [--repair [PATH ...]]`` (geo/store/check.py, repair.py): every
listed file verified against the manifest's sizes and checksums; a damaged store read by any
command gives exit 5 naming the file and the repair command; the repair restores a store
equal to a clean ingest."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_ingest import _corpus, _same_frames

from geo.cli import main
from geo.store import Store
from geo.store.check import check_store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "articles"
    _corpus(folder, 10)
    return folder


@pytest.fixture(scope="module")
def clean(tmp_path_factory, corpus) -> Path:
    """A store of the corpus, ingested in two runs (so files of two batches and a merged
    state updated once)."""
    store = tmp_path_factory.mktemp("clean") / "s"
    files = sorted(corpus.glob("*.txt"))
    assert main(["ingest", *map(str, files[:6]), "--store", str(store), "--quiet"]) == 0
    assert main(["ingest", *map(str, files[6:]), "--store", str(store), "--quiet"]) == 0
    return store


@pytest.fixture
def store(clean, tmp_path) -> Path:
    copy = tmp_path / "damaged"
    shutil.copytree(clean, copy)
    return copy


def listed(store: Path, prefix: str) -> list[str]:
    m = json.loads((store / "manifest.json").read_text())
    files = {f for b in m["batches"] for fs in b["files"].values() for f in fs}
    files |= set(m.get("checksums", {}))
    return sorted(rel for rel in files if rel.startswith(prefix))


def damage(store: Path, how: str, prefix: str) -> str:
    """Damage the first listed file under ``prefix``; its relative path."""
    rel = listed(store, prefix)[0]
    path = store / rel
    if how == "delete":
        path.unlink()
    elif how == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif how == "flip":                 # same size, other content
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    return rel


def test_a_clean_store_is_intact_and_every_file_has_a_checksum(clean, capsys):
    assert main(["store", "check", str(clean)]) == 0
    assert "intact" in capsys.readouterr().err
    m = json.loads((clean / "manifest.json").read_text())
    listed_now = {f for b in m["batches"] for fs in b["files"].values() for f in fs}
    assert listed_now <= set(m["checksums"])
    for rel, (size, digest) in m["checksums"].items():
        assert (clean / rel).stat().st_size == size and len(digest) == 32


@pytest.mark.parametrize("how, prefix, repair_files", [
    ("delete", "articles/", True),           # the text is lost: restored from its file
    ("truncate", "articles/", True),
    ("delete", "extracted/", False),         # rebuilt from the text the store keeps
    ("flip", "mentions/", False),
    ("delete", "merged/events/", False),     # rebuilt from the stored events
    ("truncate", "merged/index/", False),
    ("flip", "merged/pairs/", False),
    ("delete", "merged/summary", False),
])
def test_repair_restores_what_a_clean_ingest_gives(store, clean, corpus, capsys, how, prefix,
                                                   repair_files):
    rel = damage(store, how, prefix)
    assert main(["store", "check", str(store)]) == 5
    err = capsys.readouterr().err
    assert rel in err and f"conflictmap store check {store} --repair" in err
    args = ["store", "check", str(store), "--repair"]
    if repair_files:
        args.append(str(corpus))
    assert main(args) == 0
    capsys.readouterr()
    assert check_store(store).ok
    _same_frames(store, clean)
    a = Store(store).read("articles", ["article_id", "published", "window_first"])
    b = Store(clean).read("articles", ["article_id", "published", "window_first"])
    key = ["article_id"]
    assert a.drop_columns(["seq"]).to_pandas().sort_values(key).reset_index(drop=True).equals(
        b.drop_columns(["seq"]).to_pandas().sort_values(key).reset_index(drop=True))


def only_version_part(store: Path) -> str:
    """An articles part whose articles have no other version in the store."""
    parts = {rel: set(pq.read_table(store / rel, columns=["sha1"]).column("sha1").to_pylist())
             for rel in listed(store, "articles/")}
    for rel, sha1s in parts.items():
        if not sha1s & set().union(*(v for r, v in parts.items() if r != rel)):
            return rel
    raise AssertionError("every article has two versions")


def test_lost_articles_are_named_until_their_files_are_given(store, clean, corpus, capsys):
    rel = only_version_part(store)
    (store / rel).unlink()
    assert main(["store", "check", str(store), "--repair"]) == 5
    err = capsys.readouterr().err
    assert "lost with their text" in err and rel in err
    assert main(["store", "check", str(store)]) == 0          # consistent, if incomplete
    assert main(["store", "check", str(store), "--repair", str(corpus)]) == 0
    _same_frames(store, clean)


@pytest.mark.parametrize("command", [
    ["events", "--out", "{out}.csv"],
    ["layers", "--date", "2017-06-04", "--out", "{out}.geojson"],
    ["export", "--out", "{out}.html"],
    ["ingest", "{corpus}", "--quiet"],
])
@pytest.mark.parametrize("prefix", ["articles/", "merged/"])
def test_reading_a_damaged_store_is_exit_5_with_the_file_and_the_repair(
        store, corpus, tmp_path, capsys, command, prefix):
    if prefix == "merged/":         # the merged events the command reads
        prefix += "control/" if command[0] == "layers" else "events/"
    rel = damage(store, "delete", prefix)
    args = [a.format(out=tmp_path / "out", corpus=corpus) for a in command]
    code = main([args[0], *args[1:], "--store", str(store)])
    err = capsys.readouterr().err
    if command[0] == "ingest" and prefix.startswith("merged/"):
        # an ingest rebuilds a damaged merged state itself
        assert code == 0 and "rebuilt" in err
        assert main(["events", "--store", str(store), "--out", str(tmp_path / "e.csv")]) == 0
        return
    assert code == 5, err
    assert rel in err and "--repair" in err and "internal error" not in err
    assert not list(tmp_path.glob("out*"))


@pytest.mark.parametrize("manifest", [
    {"batches": "oops"},
    {"seq": "3"},
    {"batches": [{"seq": 1, "files": {"articles": "a.parquet"}}]},
    {"merged": ["x"]},
    {"checksums": []},
])
@pytest.mark.parametrize("command", [["events"], ["store", "check"], ["ingest", "{corpus}"]])
def test_a_malformed_manifest_is_exit_5(store, corpus, tmp_path, capsys, manifest, command):
    path = store / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **manifest}))
    args = [a.format(corpus=corpus) for a in command]
    if args[0] == "store":
        args.append(str(store))
    else:
        args += ["--store", str(store)] + (["--out", str(tmp_path / "e.csv")]
                                           if args[0] == "events" else ["--quiet"])
    assert main(args) == 5
    assert "damaged manifest" in capsys.readouterr().err


def _with_file_limit(limit: int, args: list[str]) -> subprocess.CompletedProcess:
    """``conflictmap ARGS`` in a process that may write files of at most ``limit`` bytes
    (a full disk, as the process sees it)."""
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], preexec_fn=limited,
                          capture_output=True, text=True, timeout=300)


def test_a_full_disk_during_ingest_is_exit_5_and_the_store_stays_as_it_was(
        store, clean, tmp_path):
    more = tmp_path / "more"
    more.mkdir()
    (more / "new.txt").write_text("Title: new\nDate: 2017-07-01\n\nIslamic State fighters "
                                  "attacked Haditha on 30 June 2017.\n" * 40, "utf-8")
    before = (store / "manifest.json").read_bytes()
    run = _with_file_limit(2_000, ["ingest", str(more), "--store", str(store), "--quiet"])
    assert run.returncode == 5, run.stderr
    assert "cannot write to the store" in run.stderr and "Traceback" not in run.stderr
    assert (store / "manifest.json").read_bytes() == before
    assert check_store(store).ok
    _same_frames(store, clean)


def _read_only(store: Path, args: list[str]) -> subprocess.CompletedProcess:
    """``conflictmap ARGS`` with ``store`` read-only: a read-only bind mount in a mount
    namespace of its own (root ignores file modes), else folders without write permission."""
    cmd = [sys.executable, "-m", "geo.cli", *args]
    if os.geteuid() != 0:
        for p in [store, *store.rglob("*")]:
            if p.is_dir():
                p.chmod(0o555)
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        finally:
            for p in [store, *store.rglob("*")]:
                if p.is_dir():
                    p.chmod(0o755)
    if not shutil.which("unshare"):
        pytest.skip("root without unshare(1): no way to make a folder read-only")
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" || exit 99; '
              'exec "$@"')
    run = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                          str(store), *cmd], capture_output=True, text=True, timeout=300)
    if run.returncode == 99:
        pytest.skip(f"cannot mount read-only here: {run.stderr.strip()[:200]}")
    return run


@pytest.mark.parametrize("command", [["ingest", "{new}", "--store", "{store}"],
                                     ["store", "check", "{store}", "--repair"]])
def test_a_read_only_store_is_exit_5(store, clean, tmp_path, command):
    new = tmp_path / "new.txt"
    new.write_text("Title: x\nDate: 2017-07-01\n\nIS attacked Haditha on 30 June.\n", "utf-8")
    if command[0] == "store":
        damage(store, "delete", "merged/events/")
    before = (store / "manifest.json").read_bytes()
    run = _read_only(store, [a.format(new=new, store=store) for a in command])
    assert run.returncode == 5, run.stderr
    assert "cannot write to the store" in run.stderr and "Traceback" not in run.stderr
    assert (store / "manifest.json").read_bytes() == before


@pytest.mark.parametrize("paths", [["{tmp}/nothing-here"], ["{tmp}/no/*.txt"],
                                   ["{tmp}/a", "{tmp}/b"]])
def test_ingest_of_inputs_that_do_not_exist_creates_no_store(tmp_path, capsys, paths):
    target = tmp_path / "new-store"
    args = [p.format(tmp=tmp_path) for p in paths]
    assert main(["ingest", *args, "--store", str(target)]) == 3
    assert "no such file" in capsys.readouterr().err
    assert not target.exists()


def _without_checksums(store: Path) -> None:
    path = store / "manifest.json"
    m = json.loads(path.read_text())
    m.pop("checksums")
    path.write_text(json.dumps(m))


def test_old_stores_without_checksums_are_checked_and_get_them(store, tmp_path, capsys):
    _without_checksums(store)
    assert main(["store", "check", str(store)]) == 0
    assert "no checksum recorded" in capsys.readouterr().err
    new = tmp_path / "new.txt"          # the next commit records every file's checksum
    new.write_text("Title: new\nDate: 2017-07-02\n\nIS fighters attacked Haditha on 1 July "
                   "2017.\n", "utf-8")
    assert main(["ingest", str(new), "--store", str(store), "--quiet"]) == 0
    assert "checksums" in json.loads((store / "manifest.json").read_text())
    assert main(["store", "check", str(store)]) == 0
    assert "no checksum" not in capsys.readouterr().err


def test_without_checksums_a_truncated_file_is_still_found(store, capsys):
    _without_checksums(store)
    rel = damage(store, "truncate", "mentions/")
    assert main(["store", "check", str(store)]) == 5
    assert rel in capsys.readouterr().err
