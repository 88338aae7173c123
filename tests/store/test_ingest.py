"""``conflictmap ingest`` (geo/store/ingest.py, geo/store/dask.py): the store gives what the files
give, incremental and order-independent ingest, bad inputs, a SIGKILLed ingest resumed with
nothing lost or doubled, and the Dask engine loading the gazetteer once per worker."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from geo.cli import main
from geo.store import Store, load_events, load_frames, load_mentions

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _ingest(*args: str) -> int:
    """An ingest of files that tell one story (the seeds): undated articles are dated from
    the store's dates (``--undated store``), as ``read_articles(one_story=True)`` dates them."""
    return main(["ingest", *map(str, args), "--quiet", "--undated", "store"])


def _same_frames(store_a, store_b) -> None:
    for control in (False, True):
        pd.testing.assert_frame_equal(pd.DataFrame(load_events(store_a, control=control)),
                                      pd.DataFrame(load_events(store_b, control=control)))
    pd.testing.assert_frame_equal(pd.DataFrame(load_mentions(store_a)),
                                  pd.DataFrame(load_mentions(store_b)))


def _corpus(folder: Path, n: int) -> list[Path]:
    """``n`` distinct articles from the seeds: dated copies (a Date: header, another day) and
    undated ones (the seed's own text, which leaves three of five to be dated by the
    corpus, plus a line that makes each text distinct)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        seed = SEEDS[i % len(SEEDS)].read_text("utf-8")
        if i % 3 == 0:
            text = seed + f"\n\nFiled by desk {i}.\n"
        else:
            text = (f"Title: Desk report {i}\nSource: Desk {i % 4}\n"
                    f"Date: 2017-06-{1 + i % 9:02d}\n\n{seed}")
        path = folder / f"a{i:03d}.txt"
        path.write_text(text, "utf-8")
        out.append(path)
    return out


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "s"
    assert _ingest(ROOT / "seeds", "--store", store) == 0
    return store


def test_the_store_gives_what_the_files_give(seed_store, tmp_path, gaz):
    from geo.dashboard import corpus_mentions as _mentions
    from geo.events.pipeline import article_events, control_events
    from geo.events.table import events_frame
    from geo.text.articles import bundled_seeds

    articles = bundled_seeds()
    events, mentions = load_frames(seed_store)
    pd.testing.assert_frame_equal(pd.DataFrame(events),
                                  pd.DataFrame(events_frame(article_events(articles, gaz))))
    pd.testing.assert_frame_equal(pd.DataFrame(load_events(seed_store, control=True)),
                                  pd.DataFrame(events_frame(control_events(articles, gaz))))
    expected = _mentions(articles, gaz).sort_values(["article", "start"], kind="stable")
    pd.testing.assert_frame_equal(pd.DataFrame(mentions),
                                  pd.DataFrame(expected).reset_index(drop=True))
    assert events.crs.to_epsg() == 4326 and len(events) >= 20
    located = events[events.geometry.notna()]
    assert (located.geometry.x == located.longitude).all()      # (lon, lat) order
    # the CLI commands read the store as they read files
    for cmd in (["events", "--out", "e.csv"], ["layers", "--date", "2017-06-04", "--out",
                                               "l.geojson"], ["export", "--out", "m.html"]):
        out = tmp_path / cmd[-1]
        cmd[-1] = str(out)
        assert main([*cmd, "--store", str(seed_store)]) == 0
        ref = tmp_path / f"ref-{out.name}"
        assert main([*cmd[:-1], str(ref)]) == 0
        if out.suffix == ".csv":
            assert out.read_text() == ref.read_text()
        assert out.stat().st_size > 1000
    # the store keeps every article's own text, and where it came from
    arts = Store(seed_store).read("articles").to_pylist()
    assert sorted(a["article_id"] for a in arts) == [p.stem for p in SEEDS]
    assert {a["text"] for a in arts} == {p.read_text("utf-8") for p in SEEDS}


def test_reingest_skips_everything_and_writes_nothing(seed_store, capsys):
    before = json.loads((seed_store / "manifest.json").read_text())
    t0 = time.perf_counter()
    assert main(["ingest", str(ROOT / "seeds"), "--store", str(seed_store), "--json"]) == 0
    seconds = time.perf_counter() - t0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["new"] == 0 and report["already"] == 5 and report["batches"] == 0
    assert not report["merged"] and "5 already in the store" in err
    assert json.loads((seed_store / "manifest.json").read_text()) == before
    assert seconds < 5      # no gazetteer load, no extraction, no merge


def test_a_then_b_gives_what_a_and_b_together_give(tmp_path):
    # A holds two seeds dated only by the other articles' dates; B brings more dates
    a, b, both = tmp_path / "A", tmp_path / "B", tmp_path / "AB"
    for folder, seeds in ((a, SEEDS[:3]), (b, SEEDS[3:]), (both, SEEDS)):
        folder.mkdir()
        for p in seeds:
            shutil.copy(p, folder / p.name)
    extra = _corpus(tmp_path / "extra", 4)[1:]       # three dated copies
    for i, p in enumerate(extra):
        shutil.copy(p, (a if i % 2 else b) / p.name)
        shutil.copy(p, both / p.name)
    assert _ingest(a, "--store", tmp_path / "s1") == 0
    runs = [main(["ingest", str(b), "--store", str(tmp_path / "s1"), "--json", "--quiet",
                  "--undated", "store"])]
    assert _ingest(b, "--store", tmp_path / "s2") == 0
    assert _ingest(a, "--store", tmp_path / "s2") == 0
    assert _ingest(both, "--store", tmp_path / "s3") == 0
    assert runs == [0]
    _same_frames(tmp_path / "s1", tmp_path / "s3")
    _same_frames(tmp_path / "s2", tmp_path / "s3")
    events = load_events(tmp_path / "s3")
    assert (events.n_sources > 1).sum() >= 8        # merged across articles
    # the undated seeds of A were dated again once B's dates arrived
    batches = json.loads((tmp_path / "s1" / "manifest.json").read_text())["batches"]
    assert [b["kind"] for b in batches].count("redate") == 2


_DATED = "Title: Report {n}\nDate: {day}\n\nIraqi forces shelled Tal Afar, killing {n} fighters.\n"
_UNDATED = {
    # year-less day date: the year comes from the store's median date
    "median": "Title: Night raid\n\nThe PMU captured the village of Umm Jrais from IS on 3 "
              "June, a commander said.\n",
    # no date clue at all: the window is the store's first to last day
    "span": "Title: Clashes\n\nThe PMU captured the town of Sinjar from IS, a commander "
            "said.\n",
}


def _report(capsys, folder, store, *flags) -> dict:
    assert main(["ingest", str(folder), "--store", str(store), "--json", "--quiet",
                 *flags]) == 0
    return json.loads(capsys.readouterr().out)


def _undated_steps(root: Path) -> list[Path]:
    """Three ingests: two dated articles and both undated kinds; a date that moves the
    median only; a date that moves the last day only."""
    steps = []
    for i, days in enumerate((["2017-06-01", "2017-06-09"], ["2017-06-05"], ["2017-06-20"])):
        folder = root / f"step{i}"
        folder.mkdir(parents=True)
        for day in days:
            (folder / f"d{day}.txt").write_text(_DATED.format(n=len(day) + i, day=day))
        if i == 0:
            for kind, text in _UNDATED.items():
                (folder / f"u-{kind}.txt").write_text(text)
        steps.append(folder)
    return steps


@pytest.mark.parametrize("policy", ["store", "fixed"])
def test_undated_articles_are_extracted_again_only_when_their_window_moves(
        tmp_path, capsys, policy):
    from datetime import date

    from geo.text.articles import date_dependency

    steps = _undated_steps(tmp_path / "in")
    store = tmp_path / "s"
    reports = [_report(capsys, folder, store, "--undated", policy) for folder in steps]
    arts = {a["article_id"]: a for a in Store(store).read("articles").to_pylist()}
    assert reports[0]["redated"] == 2       # both dated once the batch's dates are in
    if policy == "store":
        # the median moved, June 3 stays 2017: dated again from its text, not extracted
        assert (reports[1]["rechecked"], reports[1]["redated"]) == (1, 0)
        # the last day moved: the article with no date clue is extracted again (the other
        # keeps the median it was extracted with, so it is dated again, and stays)
        assert (reports[2]["rechecked"], reports[2]["redated"]) == (2, 1)
        assert arts["u-span"]["window_last"] == date(2017, 6, 20)
        together = tmp_path / "together"
        for folder in steps:
            for p in folder.iterdir():
                shutil.copy(p, (together.mkdir(exist_ok=True) or together) / p.name)
        _report(capsys, together, tmp_path / "s-together", "--undated", "store")
        _same_frames(store, tmp_path / "s-together")
    else:
        assert [r["redated"] for r in reports[1:]] == [0, 0]
        assert [r["rechecked"] for r in reports[1:]] == [0, 0]
        assert arts["u-span"]["window_last"] == date(2017, 6, 9)     # as first dated
    assert arts["u-median"]["context"].startswith("median=")
    assert arts["u-span"]["context"].startswith("span=")
    assert arts["u-median"]["window_first"] == date(2017, 6, 3)
    assert date_dependency("no dates here", []) == "none"


def test_unknown_undated_policy_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--undated", "never"])
    assert exit_.value.code == 2
    assert "--undated" in capsys.readouterr().err and not (tmp_path / "s").exists()


def test_bad_inputs_are_reported_and_skipped(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Title: Clashes\nDate: 2017-06-01\n\nThe PMU captured "
                                     "the village of Umm Jrais from IS on Monday.", "utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03binary" * 20)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Raqqa, café".encode("latin-1"))
    (folder / "header_only.txt").write_text("Title: Nothing\nDate: 2017-06-01\n\n", "utf-8")
    (folder / "nothing_here").mkdir()
    (folder / "nothing_here" / "notes.csv").write_text("a,b")
    args = [folder / "*.txt", folder / "nothing_here", tmp_path / "missing.txt",
            tmp_path / "none-*.txt", "--store", tmp_path / "s"]
    assert _ingest(*args) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for name, why in (("binary.txt", "binary"), ("empty.txt", "empty"),
                      ("latin1.txt", "not UTF-8"), ("header_only.txt", "no article text"),
                      ("nothing_here", "no .txt or .md files"), ("missing.txt", "no such file"),
                      ("none-*.txt", "no file matches")):
        line = next((ln for ln in err.splitlines() if name in ln), "")
        assert line.startswith("conflictmap: skipped") and why in line, (name, err)
    assert "1 new articles" in err and "7 skipped" in err
    events = load_events(tmp_path / "s")
    assert list(events.location) == ["Umm Jrais"]
    # again: the good one is already there, the bad ones are reported again
    assert _ingest(*args) == 3
    assert "1 already in the store" in capsys.readouterr().err


def _visible_files(store: Path) -> list[Path]:
    return [p for p in store.rglob("*") if p.is_file() and not p.name.startswith(".")]


def test_killed_ingest_resumes_with_nothing_lost_or_doubled(tmp_path):
    corpus = tmp_path / "corpus"
    paths = _corpus(corpus, 40)
    store = tmp_path / "s"
    cmd = [sys.executable, "-m", "geo.cli", "ingest", str(corpus), "--store", str(store),
           "--batch-size", "2", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE)
    manifest = store / "manifest.json"
    deadline = time.monotonic() + 300
    seq = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            seq = json.loads(manifest.read_text())["seq"]
        except (OSError, ValueError):
            seq = 0
        if seq >= 3:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    # what a reader sees now: a whole manifest, every listed file complete, nothing half-written
    snap = Store(store).snapshot()
    committed = sum(b["articles"] for b in snap.manifest["batches"] if b["kind"] == "ingest")
    assert 0 < committed < len(paths)
    for table in ("articles", "extracted", "mentions"):
        for p in snap.files(table):
            pq.read_metadata(p)
    for p in _visible_files(store):
        assert p.name in ("manifest.json",) or pq.read_metadata(p).num_rows >= 0
    events, mentions = load_frames(store)           # readable mid-way
    assert len(mentions) > 0
    # resume: the rest is ingested, nothing twice
    assert main(["ingest", str(corpus), "--store", str(store), "--batch-size", "2",
                 "--quiet"]) == 0
    snap = Store(store).snapshot()
    ingested = Store(store).read("articles", ["article_id"], latest=False)
    firsts = [b for b in snap.manifest["batches"] if b["kind"] == "ingest"]
    assert sum(b["articles"] for b in firsts) == len(paths)
    assert len(Store(store).versions()) == len(paths)
    kinds = {b["seq"]: b["kind"] for b in snap.manifest["batches"]}
    first_rows = [s for s, q in zip(ingested.column("sha1").to_pylist(),
                                    ingested.column("seq").to_pylist(), strict=True)
                  if kinds[q] == "ingest"]
    assert len(first_rows) == len(set(first_rows)) == len(paths)
    listed = {p.resolve() for t in ("articles", "extracted", "mentions")
              for p in snap.files(t)}
    listed |= {p.resolve() for p in snap.merged_files()}
    assert {p.resolve() for p in _visible_files(store)} - listed == {manifest.resolve()}
    # the same as one uninterrupted ingest
    assert main(["ingest", str(corpus), "--store", str(tmp_path / "clean"), "--batch-size",
                 "7", "--quiet"]) == 0
    _same_frames(store, tmp_path / "clean")


def test_dask_engine_loads_the_gazetteer_once_per_worker(tmp_path):
    from distributed import Client, LocalCluster

    from geo.store import batch

    corpus = tmp_path / "corpus"
    _corpus(corpus, 16)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        assert _ingest(corpus, "--store", tmp_path / "dask", "--engine", "dask",
                       "--scheduler", cluster.scheduler_address, "--batch-size", "2") == 0
        loads = client.run(lambda: batch.LOADS)     # each worker's loads
        # a second ingest on the same workers: still loaded once
        more = _corpus(tmp_path / "more", 20)[16:]
        assert _ingest(*more, "--store", tmp_path / "dask", "--engine", "dask",
                       "--scheduler", cluster.scheduler_address, "--batch-size", "1") == 0
        again = client.run(lambda: batch.LOADS)
    assert len(loads) == 2 and set(loads.values()) == {1}, loads
    assert again == loads
    batches = json.loads((tmp_path / "dask" / "manifest.json").read_text())["batches"]
    assert len(batches) >= 8 + 4       # many more batches than workers
    assert _ingest(corpus, *more, "--store", tmp_path / "local") == 0
    _same_frames(tmp_path / "dask", tmp_path / "local")


def test_killed_dask_ingest_leaves_no_worker_processes(tmp_path):
    """The local cluster's worker processes go when the ingest is SIGKILLed (they watch
    their parent): no orphan holds memory or the gazetteer after a killed run."""
    import psutil

    corpus = tmp_path / "corpus"
    _corpus(corpus, 60)
    cmd = [sys.executable, "-m", "geo.cli", "ingest", str(corpus), "--store",
           str(tmp_path / "s"), "--engine", "dask", "--workers", "2", "--batch-size", "1",
           "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    workers: list = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = [p for p in parent.children(recursive=True)
                   if "spawn_main" in " ".join(p.cmdline())]
        if len(workers) == 2 and (tmp_path / "s" / "manifest.json").exists():
            break
        time.sleep(0.1)
    assert len(workers) == 2 and proc.poll() is None, "the workers never started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=60)
    for p in alive:
        p.kill()
    assert not alive, f"worker processes left behind: {[p.pid for p in alive]}"


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code = _ingest(ROOT / "seeds", "--store", tmp_path / "s", "--engine", "dask",
                       "--scheduler", "tcp://127.0.0.1:9")
    err = capsys.readouterr().err
    assert code == 6 and "cannot use the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err
    assert Store(tmp_path / "s").snapshot().seq == 0
    assert sorted(os.listdir(tmp_path / "s")) == [".lock", "manifest.json"]


def test_by_default_an_article_is_dated_from_its_own_text_only(tmp_path, capsys):
    """Unrelated files never date each other: an undated seed ingested with a 2023 report
    keeps no date (its own text gives only year-less days), and a store with the seeds
    alone gives the same seed events."""
    mixed, alone = tmp_path / "mixed", tmp_path / "alone"
    for folder in (mixed, alone):
        folder.mkdir()
        shutil.copy(SEEDS[0], folder / SEEDS[0].name)
    (mixed / "kharkiv.txt").write_text("Title: Shelling\nDate: 2023-03-15\n\nRussian forces "
                                       "shelled Kharkiv on 14 March 2023.\n", "utf-8")
    report = _report(capsys, mixed, tmp_path / "s1")
    assert report["redated"] == 0
    _report(capsys, alone, tmp_path / "s2")
    events = load_events(tmp_path / "s1")
    seed = events[events.sources.str.contains(SEEDS[0].stem)]
    assert len(seed) and not seed.event_date.fillna("").str.startswith("2023").any()
    cols = ["event_date", "event_type", "actor1", "actor2", "location", "fatalities", "notes"]

    def rows(frame):
        return frame[cols].astype(object).where(frame[cols].notna(), "").astype(str).values.tolist()
    assert rows(seed) == rows(load_events(tmp_path / "s2"))
