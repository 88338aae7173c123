"""Full GeoNames dumps (CC-BY 4.0, geonames.org), downloaded with ``conflictmap gazetteer
download`` or copied in by hand.

Main dump: the GeoNames 19-column tab-separated, UTF-8 format (``IQ.txt`` for one country,
``allCountries.txt`` for the world), plain or zipped (``IQ.zip`` holding ``IQ.txt``).
Coordinates are WGS84 decimal degrees; columns give latitude before longitude, and every
:class:`~gazetteer.types.Place` keeps (lat, lon) order. Population is a head count.

Alternate names: the 10-column ``alternateNamesV2`` format (the older 8-column format without
``from``/``to`` is accepted too), plain or zipped. Link, code and postal rows (``link``,
``wkdt``, ``post``, ``iata`` …) and colloquial or historic names are skipped.

Installed layout, mirroring the download server, under ``<cache dir>/geonames/``::

    IQ.zip | IQ.txt                      main dump of one country (ISO 3166 alpha-2 code)
    alternatenames/IQ.zip | IQ.txt       its alternate names (optional)
    allCountries.zip | allCountries.txt  main dump of every country
    alternateNamesV2.zip | .txt          alternate names of every place (optional)

When both ``XX.zip`` and ``XX.txt`` exist, the zip is used.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPException
from pathlib import Path
from typing import TextIO

from ..errors import DataError, InputError, ServiceError
from ..types import Place
from .base import Record, Source, file_fingerprint, raw_json

BASE_URL = "https://download.geonames.org/export/dump/"
CREDIT = "GeoNames (geonames.org), CC-BY 4.0"
FIELDS = ("geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
          "feature_class", "feature_code", "country_code", "cc2", "admin1_code",
          "admin2_code", "admin3_code", "admin4_code", "population", "elevation", "dem",
          "timezone", "modification_date")
#: isolanguage values of alternate-name rows that hold codes or links, not names
NON_NAME_LANGUAGES = frozenset(
    {"link", "wkdt", "post", "iata", "icao", "faac", "unlc", "fr_1793", "abbr", "tcid"})
WORLD = "allCountries"
WORLD_ALTERNATES = "alternateNamesV2"
_MAIN_RE = re.compile(r"^(?P<stem>[A-Z]{2}|allCountries)\.(?P<ext>zip|txt)$")
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def _user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("conflictmap")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        v = "dev"
    return f"conflictmap/{v} (GeoNames dump download)"


def dump_dir(cache: Path) -> Path:
    """The folder holding installed dumps inside a cache directory: ``cache / "geonames"``."""
    return Path(cache) / "geonames"


def _zip_member(zf: zipfile.ZipFile, stem: str) -> str:
    """The data file inside a GeoNames zip: ``<stem>.txt``, else its only other ``.txt``."""
    names = zf.namelist()
    if f"{stem}.txt" in names:
        return f"{stem}.txt"
    txt = [n for n in names if n.endswith(".txt")
           and n.rsplit("/", 1)[-1] not in ("readme.txt", "iso-languagecodes.txt")]
    if len(txt) != 1:
        raise DataError(f"{zf.filename}: expected {stem}.txt inside the zip, found "
                        f"{', '.join(names) or 'nothing'}")
    return txt[0]


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text stream over a plain file or over the data member of a zip (streamed)."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf, zf.open(_zip_member(zf, path.stem)) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    else:
        with path.open(encoding="utf-8", newline="\n") as fh:
            yield fh


def _rows(path: Path, widths: tuple[int, ...]) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, fields) of each non-empty line of a tab-separated file whose
    lines must have one of ``widths`` fields. Any read, zip or decoding failure, and a line of
    the wrong width, raises DataError naming the file."""
    line_no = 0
    try:
        with _open_text(path) as fh:
            for line_no, line in enumerate(fh, start=1):
                line = line.rstrip("\r\n")
                if not line:
                    continue
                fields = line.split("\t")
                if len(fields) not in widths:
                    want = " or ".join(map(str, widths))
                    raise DataError(f"{path} line {line_no}: {len(fields)} tab-separated "
                                    f"columns, expected {want}")
                yield line_no, fields
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (at or after line {line_no + 1}): "
                        f"{exc.reason}") from exc
    except _ZIP_ERRORS as exc:
        raise DataError(f"{path} is not a readable zip archive: {exc}") from exc
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _number(text: str, kind: type, what: str, where: str, lo: float | None = None,
            hi: float | None = None) -> float | int:
    try:
        value = kind(text)
    except ValueError:
        raise DataError(f"{where}: {what} {text!r} is not a number") from None
    if lo is not None and hi is not None and not lo <= value <= hi:
        raise DataError(f"{where}: {what} {value} out of range [{lo}, {hi}]")
    return value


def read_alternates(path: Path, ids: set[int]) -> dict[int, list[str]]:
    """Alternate names by geonameid from an alternateNames(V2) file, kept only for ``ids``;
    code/link rows and colloquial or historic names are skipped."""
    out: dict[int, list[str]] = {}
    for line_no, f in _rows(path, (10, 8)):
        geonameid = _number(f[1], int, "geonameid", f"{path} line {line_no}")
        if geonameid not in ids or f[2] in NON_NAME_LANGUAGES or "1" in (f[6], f[7]):
            continue
        if name := f[3].strip():
            out.setdefault(geonameid, []).append(name)
    return out


class GeonamesDumpSource(Source):
    """Every place of a GeoNames main dump, with alternate names from an optional
    alternateNamesV2 (or per-country ``alternatenames/XX``) file."""

    name = "geonames"

    def __init__(self, path: Path, alternates: Path | None = None):
        self.path = Path(path)
        self.alternates = Path(alternates) if alternates else None

    def __repr__(self) -> str:
        return f"GeonamesDumpSource({str(self.path)!r}, {str(self.alternates)!r})"

    def _files(self) -> list[Path]:
        return [self.path, *([self.alternates] if self.alternates else [])]

    def fingerprint(self) -> str:
        try:
            return f"geonames-dump:{len(self._files())}:{file_fingerprint(self._files())}"
        except OSError as exc:
            raise DataError(f"cannot read GeoNames dump file: {exc}") from exc

    def _ids(self) -> set[int]:
        """The geonameids of the main dump (first pass; malformed lines are left to the
        second pass, which reports them)."""
        return {int(f[0]) for _, f in _rows(self.path, (len(FIELDS),)) if f[0].isdigit()}

    def records(self) -> Iterator[Record]:
        """One record per line of the main dump, in file order."""
        alternates = read_alternates(self.alternates, self._ids()) if self.alternates else {}
        source = f"{CREDIT}, dump {self.path.name}"
        for line_no, f in _rows(self.path, (len(FIELDS),)):
            where = f"{self.path} line {line_no}"
            row = dict(zip(FIELDS, f, strict=True))
            geonameid = _number(row["geonameid"], int, "geonameid", where)
            if not row["name"].strip():
                raise DataError(f"{where}: empty name")
            place = Place(
                id=f"geonames:{geonameid}",
                name=row["name"].strip(),
                lat=float(_number(row["latitude"], float, "latitude", where, -90, 90)),
                lon=float(_number(row["longitude"], float, "longitude", where, -180, 180)),
                country_code=row["country_code"],
                feature_class=row["feature_class"],
                feature_code=row["feature_code"],
                population=int(_number(row["population"] or "0", int, "population", where)),
                admin1=row["admin1_code"],
                source=source,
                raw=raw_json(row),
            )
            names = (place.name, row["asciiname"], *row["alternatenames"].split(","),
                     *alternates.get(geonameid, ()))
            yield Record(place, tuple(dict.fromkeys(n.strip() for n in names if n.strip())))


def _pick(folder: Path, stem: str) -> Path | None:
    """``folder/stem.zip``, else ``folder/stem.txt``, else None."""
    return next((p for p in (folder / f"{stem}.zip", folder / f"{stem}.txt") if p.is_file()),
                None)


def installed_dump_sources(directory: Path) -> list[Source]:
    """One :class:`GeonamesDumpSource` per main dump installed under ``directory/geonames``
    (layout in the module docstring), sorted by file name; [] when that folder is missing."""
    folder = dump_dir(directory)
    if not folder.is_dir():
        return []
    stems = sorted({m["stem"] for p in folder.iterdir() if (m := _MAIN_RE.match(p.name))})
    sources: list[Source] = []
    for stem in stems:
        main = _pick(folder, stem)
        alt = (_pick(folder, WORLD_ALTERNATES) if stem == WORLD
               else _pick(folder / "alternatenames", stem))
        if main is not None:
            sources.append(GeonamesDumpSource(main, alt))
    return sources


def _country(code: str) -> str:
    """``IQ`` for ``iq``/``IQ``, ``allCountries`` for any casing of it; else InputError."""
    if code.lower() == WORLD.lower():
        return WORLD
    if re.fullmatch(r"[A-Za-z]{2}", code):
        return code.upper()
    raise InputError(f"not a two-letter country code or {WORLD}: {code!r}")


def _remote_files(code: str, alternate_names: bool) -> list[str]:
    """Paths, relative to the dump base URL and to the target folder, to fetch for ``code``."""
    files = [f"{code}.zip"]
    if alternate_names:
        files.append(f"{WORLD_ALTERNATES}.zip" if code == WORLD else f"alternatenames/{code}.zip")
    return files


def _check_zip(path: Path, stem: str) -> None:
    """Raise ValueError unless ``path`` is a sound zip holding the expected data file."""
    if not zipfile.is_zipfile(path):
        raise ValueError("the response is not a zip archive")
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise ValueError(f"corrupt member {bad} in the zip")
            _zip_member(zf, stem)
    except (*_ZIP_ERRORS, DataError) as exc:
        raise ValueError(f"invalid zip archive: {exc}") from exc


def _fetch(url: str, target: Path, timeout: float) -> Path:
    """Download ``url`` to ``target`` through a temporary file in the same folder, renamed into
    place only once the zip validates. No partial file is left on any failure."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                        dir=target.parent)
    except OSError as exc:
        raise DataError(f"cannot write into {target.parent}: {exc.strerror or exc}") from exc
    tmp = Path(tmp_name)
    request = urllib.request.Request(url, headers={"User-Agent": _user_agent()})
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as r:
            shutil.copyfileobj(r, out, 1 << 20)
        _check_zip(tmp, target.stem)
        os.replace(tmp, target)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise ServiceError(f"download {url} failed: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise ServiceError(f"download {url} failed: {exc.reason}") from exc
    except TimeoutError as exc:
        raise ServiceError(f"download {url} failed: timed out after {timeout:g} s") from exc
    except (OSError, HTTPException, ValueError) as exc:
        raise ServiceError(f"download {url} failed: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def download(countries: list[str], directory: Path, base_url: str = BASE_URL,
             alternate_names: bool = True, timeout: float = 60) -> list[Path]:
    """Download GeoNames dumps into ``directory`` itself (pass ``dump_dir(cache)`` to install
    them where :func:`installed_dump_sources` looks) and return the paths written.

    ``countries``: two-letter codes (any case) or ``allCountries``; fetches ``{base_url}CC.zip``
    and, when ``alternate_names``, ``{base_url}alternatenames/CC.zip`` (``alternateNamesV2.zip``
    for allCountries). ``timeout`` is in seconds, per connection and per read. Raises
    InputError for a bad code or URL, ServiceError for a failed or invalid download.
    """
    codes = [_country(c) for c in countries]
    if not codes:
        raise InputError("no country code given")
    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https", "file"):
        raise InputError(f"base URL must be http(s):// or file://, got {base_url!r}")
    base = base_url if base_url.endswith("/") else base_url + "/"
    directory = Path(directory)
    return [_fetch(base + rel, directory / rel, timeout)
            for code in dict.fromkeys(codes) for rel in _remote_files(code, alternate_names)]
