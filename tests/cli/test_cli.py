"""The conflictmap command line: output shapes, exit codes, bad input."""

import io
import json
import subprocess
import sys

import pytest

from geo.cli import main

pytestmark = pytest.mark.slow


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lookup_text_and_json(capsys):
    code, out, _ = run(capsys, "lookup", "Tal Afar")
    assert code == 0 and "Tall ‘Afar" in out and "36.37913" in out
    code, out, _ = run(capsys, "lookup", "Sinjar", "--country", "SY", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows[0]["country_code"] == "SY"
    assert rows[0]["precision"] == {"acled": 1, "ucdp": 1}


@pytest.mark.parametrize("argv, code", [
    (["lookup", "Qwxyzvillez"], 4),
    (["lookup", "x" * 10_000], 3),
    (["lookup", "Mosul", "--country", "Atlantis"], 3),
    (["lookup", "Qwxyzvillez", "--online"], 3),          # no user agent
])
def test_lookup_errors_are_one_line_with_exit_codes(capsys, argv, code):
    got, out, err = run(capsys, *argv)
    assert got == code
    assert err.count("\n") == 1 and err.startswith("conflictmap: error:")
    assert "Traceback" not in err


def test_geoparse_jsonl_shape(capsys, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("The PMU reached Tal Afar and the border village of Umm Jrais.", "utf-8")
    code, out, _ = run(capsys, "geoparse", str(f))
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and record["file"] == str(f)
    names = {m["text"]: m for m in record["mentions"]}
    assert set(names) == {"Tal Afar", "Umm Jrais"}
    assert set(names["Tal Afar"]) >= {"text", "start", "end", "name", "lat", "lon",
                                      "country_code", "feature_code", "id", "precision",
                                      "confidence"}
    assert names["Umm Jrais"]["lat"] is None and names["Umm Jrais"]["lon"] is None


def test_geoparse_reads_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Shelling in Mosul.")))
    code, out, _ = run(capsys, "geoparse", "-")
    assert code == 0 and json.loads(out)["mentions"][0]["name"] == "Mosul"


def make_bad_inputs(tmp_path):
    files = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n ",
        "binary.bin": bytes(range(256)) * 4,
        "latin1.txt": "Kämpfe bei Mossul, Straße nach Sindschar".encode("latin-1"),
        "cp1256.txt": "اشتباكات في الموصل".encode("cp1256"),
        "dir": None,
    }
    paths = {}
    for name, data in files.items():
        p = tmp_path / name
        if data is None:
            p.mkdir()
        else:
            p.write_bytes(data)
        paths[name] = p
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:             # 50 MB of text
        fh.truncate(50 * 1024 * 1024)
    big.write_bytes(b"Mosul " * (50 * 1024 * 1024 // 6))
    paths["big.txt"] = big
    return paths


def test_bad_inputs_get_clear_errors_and_lose_nothing(capsys, tmp_path):
    paths = make_bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("Clashes in Raqqa.", "utf-8")
    argv = ["geoparse", *(str(p) for p in paths.values()), str(good), str(tmp_path / "missing")]
    code, out, err = run(capsys, *argv)
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 3
    assert len(records) == len(paths) + 2
    by_file = {r["file"]: r for r in records}
    assert by_file[str(good)]["mentions"][0]["name"] == "Ar Raqqah"    # the good one survives
    errors = {name: by_file[str(p)]["error"] for name, p in paths.items()}
    assert "empty" in errors["empty.txt"] and "empty" in errors["blank.txt"]
    assert "binary" in errors["binary.bin"]
    assert "not UTF-8" in errors["latin1.txt"] and "--encoding" in errors["latin1.txt"]
    assert "not UTF-8" in errors["cp1256.txt"]
    assert "directory" in errors["dir"]
    assert "too large" in errors["big.txt"]
    assert "no such file" in by_file[str(tmp_path / "missing")]["error"]
    assert "Traceback" not in err


@pytest.mark.parametrize("name, encoding, place", [
    ("latin1.txt", "latin-1", "Mossul"),
    ("cp1256.txt", "cp1256", None),
])
def test_declared_encodings_decode(capsys, tmp_path, name, encoding, place):
    paths = make_bad_inputs(tmp_path)
    code, out, _ = run(capsys, "geoparse", str(paths[name]), "--encoding", encoding)
    record = json.loads(out)
    assert code == 0 and "error" not in record
    if place:
        assert place in {m["text"] for m in record["mentions"]}


def test_console_script_never_shows_a_traceback(tmp_path):
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\xff" * 100)
    proc = subprocess.run([sys.executable, "-m", "geo.cli", "geoparse", str(binary)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr and "binary" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "geo.cli", "lookup"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "usage" in proc.stderr


# -- export --max-control-dates ------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "-3", "2.5", "many", ""])
def test_export_max_control_dates_must_be_a_positive_whole_number(capsys, tmp_path, value):
    out = tmp_path / "map.html"
    code, _, err = run(capsys, "export", "--out", str(out), "--max-control-dates", value)
    assert code == 3
    assert err.count("\n") == 1 and err.startswith("conflictmap: error: --max-control-dates")
    assert "positive whole number" in err and "Traceback" not in err
    assert not out.exists()


def test_export_max_control_dates_limits_the_control_days(capsys, tmp_path):
    from web.test_webmap import control_payload

    def days(*argv) -> tuple[list[str], str]:
        out = tmp_path / "map.html"
        code, _, err = run(capsys, "export", "--out", str(out), *argv)
        assert code == 0, err
        return control_payload(out.read_text("utf-8"))["dates"], err

    every, err = days()
    assert len(every) > 2 and f"control layers for {len(every)} days" in err
    two, err = days("--max-control-dates", "2")
    assert two == [every[0], every[-1]] and "control layers for 2 days" in err
    one, err = days("--max-control-dates", "1")
    assert one == [every[-1]] and "control layers for 1 day " in err


@pytest.mark.parametrize("argv", [
    ["--max-mb", "nan"], ["--max-mb", "-1"], ["--max-mb", "inf"], ["--max-mb", "0"],
    ["--min-confidence", "1.5"], ["--min-confidence", "x"], ["--region", "IRQ"],
    ["--region", "Iraq,SY"],
])
def test_geoparse_bad_options_are_usage_errors(capsys, tmp_path, argv):
    f = tmp_path / "a.txt"
    f.write_text("Fighting in Mosul.", "utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["geoparse", str(f), *argv])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_geoparse_region_and_min_confidence(capsys, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Gunmen attacked a market in Athens. Officials in Chicago said two died.",
                 "utf-8")
    code, out, _ = run(capsys, "geoparse", str(f), "--region", "US")
    athens = next(m for m in json.loads(out)["mentions"] if m["text"] == "Athens")
    assert code == 0 and athens["country_code"] == "US" and athens["confidence"] < 0.5
    code, out, _ = run(capsys, "geoparse", str(f), "--region", "US", "--min-confidence", "0.5")
    kept = [m["text"] for m in json.loads(out)["mentions"]]
    assert code == 0 and kept == ["Chicago"]


def test_geoparse_gives_approximate_points_with_their_anchor(capsys, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Rebels entered Zindiya, 15 km east of Ramadi, on Friday.", "utf-8")
    code, out, _ = run(capsys, "geoparse", str(f))
    m = next(m for m in json.loads(out)["mentions"] if m["text"] == "Zindiya")
    assert code == 0 and m["name"] is None and m["lat"] is not None
    assert m["approximate"]["relation"] == "near" and m["approximate"]["uncertainty_km"] == 15
    assert m["precision"]["acled"] == 2 and m["rule"] == "contained:near"


@pytest.mark.parametrize("argv", [["--version"], ["--version", "lookup"]])
def test_version_is_printed_with_exit_0(argv):
    from importlib import metadata

    proc = subprocess.run([sys.executable, "-m", "geo.cli", *argv], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"conflictmap {metadata.version('conflictmap')}"
