"""Articles and their publication dates.

An article file is plain text, optionally opened by a metadata header (``Title:``,
``Source:``, ``Date:``, ``URL:`` lines ended by a blank line, or a ``---`` front-matter block);
a CSV manifest (columns file,title,source,date,url) can give or override that metadata. With
no metadata date the publication date comes from the text's first lines (a leading
"date 2017-06-01", an ISO date, a dateline such as "Sunday 04/06/2017" whose weekday decides
the day/month order) or, failing that, is inferred as a window from the dates the text
mentions. An article's date never depends on the files read with it, unless the caller says
they are one story (``one_story``: an undated article then takes its window from their dates).
A metadata date that says there is none ("unknown", "n/a", empty) leaves the article undated,
with a warning (:attr:`Article.warning`), not an error.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import re
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from geo.errors import InputError
from geo.text.dates import EXPLICIT_RULES, find_dates, parse_date
from geo.text.inputs import read_text

#: the bundled corpus: a folder of the repository, not package data (it is the README's
#: example input, read from a checkout with ``pip install -e .``)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
WINDOW = timedelta(days=14)     # an undated article: published within this of its latest date
HEAD_LINES = 5                  # lines searched for a dateline
_KEYS = {"title": "title", "headline": "title", "source": "source", "publisher": "source",
         "date": "date", "published": "date", "url": "url", "link": "url"}
_FIELD = re.compile(r"([A-Za-z]+)\s*:\s*(.*)")
#: metadata date values that mean "no date" (the article is undated, with a warning)
NO_DATE = frozenset(("unknown", "n/a", "na", "none", "undated", "?", "-", "tbd", "unk",
                     "not known", "no date"))
_LEADING_DATE = re.compile(r"\s*date\s*[:=]?\s*(\d{4}-\d\d-\d\d)\b\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Article:
    """One article; ``text`` is the body that character offsets refer to."""

    id: str
    path: str | None
    title: str
    source: str
    url: str
    text: str
    published: date | None
    date_source: str    # metadata | manifest | text | text:weekday-checked | inferred | none
    date_window: tuple[date, date] | None
    sha1: str
    day_first: bool | None = None   # numeric date order shown by the dateline (for find_dates)
    warning: str = ""               # a problem that did not stop the reading ("date: unknown")


def article_from_text(text: str, name: str = "<text>", meta: dict | None = None,
                      corpus_dates: Sequence[date] = (), *, path: str | None = None,
                      meta_source: str = "metadata") -> Article:
    """An Article from raw text. ``meta`` (title, source, date, url) overrides the header;
    its date counts as ``meta_source``. ``corpus_dates`` are publication dates of articles read
    with this one, used to date it when it has no date of its own. The id is the file stem of
    ``path``, else the first 12 hex digits of the text's sha1."""
    if not text.strip():
        raise InputError(f"{name}: empty input")
    sha1 = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    header, body = _split_header(text)
    if not body.strip():
        raise InputError(f"{name}: no article text after the metadata header")
    fields = {k: v for k, v in header.items() if v}
    warning = ""
    if "date" in header and (not header["date"].strip() or
                             header["date"].strip().lower() in NO_DATE):
        warning = f"{name}: the date {header['date'].strip()!r} is not a date; read as undated"
        fields.pop("date", None)
    source_of_date = "metadata" if "date" in fields else None
    if meta:
        given = {k: v for k, v in meta.items() if k in _KEYS.values() and v not in (None, "")}
        if isinstance(given.get("date"), str) and given["date"].strip().lower() in NO_DATE:
            warning = f"{name}: the date {given.pop('date').strip()!r} is not a date; read " \
                      "as undated"
        fields |= given
        source_of_date = meta_source if "date" in given else source_of_date
    published, window, day_first = None, None, None
    if source_of_date:
        published = _meta_date(fields["date"], name, source_of_date)
    elif found := _text_date(body):
        published, source_of_date, day_first = found
    elif window := _inferred_window(body, corpus_dates):
        published, source_of_date = window[0], "inferred"
    if published is not None and window is None:
        window = (published, published)
    return Article(
        id=Path(path).stem if path and path != "-" else sha1[:12], path=path,
        title=_clip(fields.get("title") or _first_line(body)), source=fields.get("source", ""),
        url=fields.get("url", ""), text=body, published=published,
        date_source=source_of_date or "none", date_window=window, sha1=sha1,
        day_first=day_first, warning=warning)


def read_articles(paths: Iterable[str], manifest: str | None = None, encoding=None,
                  one_story: bool = False) -> tuple[list[Article], list[tuple[str, str]]]:
    """Articles of files and directories (recursively ``*.txt`` and ``*.md``, sorted), and
    (path, message) for each input that could not be read. Undated articles are dated from
    the dates their own text mentions; with ``one_story`` (the files tell one story), an
    undated article with no date of its own takes its window from the others' dates. A bad
    manifest raises InputError."""
    rows = read_manifest(manifest) if manifest else None
    raw, errors = [], []
    for path in list(iter_paths(paths, errors)):    # folders' errors first
        meta = manifest_row(rows, path) if rows else None
        try:
            text = read_text(path, encoding)
            article = article_from_text(text, path, meta, path=None if path == "-" else path,
                                        meta_source="manifest")
        except InputError as exc:
            errors.append((path, str(exc).removeprefix(f"{path}: ")))
            continue
        raw.append((text, path, meta, article))
    corpus = [a.published for *_, a in raw if a.date_source not in ("inferred", "none")]
    articles, seen = [], set()
    for text, path, meta, article in raw:
        if article.date_source == "none" and corpus and one_story:
            article = article_from_text(text, path, meta, corpus, path=article.path,
                                        meta_source="manifest")
        if article.id in seen:      # same file name in two folders
            article = replace(article, id=f"{article.id}-{article.sha1[:8]}")
        seen.add(article.id)
        articles.append(article)
    return articles, errors


def bundled_seeds() -> list[Article]:
    """The articles of the repository's ``seeds/`` folder, read as the one story they tell
    (five reports of one campaign, three of them undated)."""
    return read_articles([str(SEEDS)], one_story=True)[0]


def _split_header(text: str) -> tuple[dict[str, str], str]:
    """(metadata, body): a ``Key: value`` header ended by a blank line, or ``---`` front
    matter; ({}, text) when there is neither."""
    lines = text.splitlines(keepends=True)
    meta: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        for i, line in enumerate(lines[1:], 1):
            if line.strip() in ("---", "..."):
                return meta, "".join(lines[i + 1:])
            m = _FIELD.fullmatch(line.strip())
            if m and m[1].lower() in _KEYS:
                meta[_KEYS[m[1].lower()]] = m[2].strip().strip("\"'")
        return {}, text
    for i, line in enumerate(lines):
        if not line.strip():
            return (meta, "".join(lines[i + 1:])) if meta else ({}, text)
        m = _FIELD.fullmatch(line.strip())
        if not m or m[1].lower() not in _KEYS:
            return {}, text
        meta[_KEYS[m[1].lower()]] = m[2].strip()
    return {}, text


def _meta_date(value, name: str, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except InputError as exc:
        raise InputError(f"{name}: {exc} in the {where} date") from None


def _text_date(body: str) -> tuple[date, str, bool | None] | None:
    """The publication date written in the first lines: (date, date_source, day_first)."""
    if m := _LEADING_DATE.match(body):
        return parse_date(m[1]), "text", None
    head_end, count = 0, 0
    for line in body.splitlines(keepends=True):
        head_end += len(line)
        count += bool(line.strip())
        if count == HEAD_LINES:
            break
    head = body[:head_end]
    for m in find_dates(head, None):
        line = head[head.rfind("\n", 0, m.start) + 1:].split("\n", 1)[0]
        dateline = len(line.replace(m.text, " ").split()) <= 3
        if m.rule == "weekday_checked":
            return m.first, "text:weekday-checked", _day_first(m)
        if m.rule == "iso" or (m.rule in EXPLICIT_RULES and m.precision == "day" and dateline):
            return m.first, "text", _day_first(m)
    return None


def _day_first(m) -> bool | None:
    nums = re.search(r"\b(\d{1,2})[-/.](\d{1,2})[-/.]\d{4}", m.text)
    if not nums or nums[1] == nums[2]:
        return None
    return int(nums[1]) == m.first.day


def _inferred_window(body: str, corpus_dates: Sequence[date]) -> tuple[date, date] | None:
    """The article came out on or after the latest (day or month) date it mentions: that
    date … 14 days after. Year-less dates take their year as ``find_dates`` gives it against
    the latest full date in the text, else against the median of ``corpus_dates`` (that year,
    or the one before when the date would be more than ~2 months after it). With no such
    date, the span of ``corpus_dates``; with none of those, None."""
    def usable(ms):
        return [m for m in ms if m.precision in ("day", "month")]

    full = usable(m for m in find_dates(body, None) if m.rule in EXPLICIT_RULES)
    spans = [(m.first, m.last) for m in full]
    anchor = max(m.last for m in full) if full else None
    if anchor is None and corpus_dates:
        anchor = statistics.median_low(sorted(corpus_dates))
    if anchor:
        spans += [(m.first, m.last) for m in find_dates(body, anchor)
                  if m.rule == "explicit_no_year" and m.precision == "day"]
    if spans:
        first, last = max(spans)
        return first, last + WINDOW
    return (min(corpus_dates), max(corpus_dates)) if corpus_dates else None


def date_dependency(body: str, corpus_dates: Sequence[date]) -> str:
    """Which of ``corpus_dates`` the window of an article with no date of its own (no
    metadata date, no dateline, no full date in ``body``) comes from, as ``_inferred_window``
    uses them: ``"median=ISO"`` when its year-less day dates take their year from the
    corpus median, ``"span=FIRST|LAST"`` when it falls back on the corpus's first and last
    day, ``"none"`` with no corpus dates. The window can only change when that part of the
    corpus does."""
    if not corpus_dates:
        return "none"
    anchor = statistics.median_low(sorted(corpus_dates))
    if any(m.rule == "explicit_no_year" and m.precision == "day"
           for m in find_dates(body, anchor)):
        return f"median={anchor.isoformat()}"
    return f"span={min(corpus_dates).isoformat()}|{max(corpus_dates).isoformat()}"


def dependency_now(previous: str, corpus: Sequence[str]) -> str | None:
    """The ``date_dependency`` key an article keyed ``previous`` has against ``corpus``
    (``geo.store.ingest.corpus_context``: [median, first, last] ISO), or None when ``previous``
    does not say (an older store's key, or an article never dated)."""
    if not corpus:
        return "none"
    if previous.startswith("median="):
        return f"median={corpus[0]}"
    if previous.startswith("span="):
        return f"span={corpus[1]}|{corpus[2]}"
    return None


def read_manifest(path: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a manifest CSV; each date checked now, so a bad one is reported
    with its row before any article is read."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    columns = [(c or "").strip().lower() for c in reader.fieldnames or []]
    if "file" not in columns:
        raise InputError(f"{path}: manifest has no 'file' column (expected file,title,source,"
                         "date,url)")
    rows = []
    for row in reader:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
               if k is not None}
        if not row.get("file"):
            continue
        if row.get("date"):
            try:
                row["date"] = parse_date(row["date"])
            except InputError as exc:
                raise InputError(f"{path}: line {reader.line_num} ({row['file']}): {exc}"
                                 ) from None
        row["_dir"] = str(Path(path).resolve().parent)
        rows.append((reader.line_num, row))
    return rows


def manifest_row(rows, path: str) -> dict | None:
    """The manifest row of ``path``: its path (relative to the manifest or the working
    directory) or, failing that, its file name when only one row has it."""
    target = Path(path).resolve()
    by_name = []
    for _, row in rows:
        given = Path(row["file"])
        if target in ((Path(row["_dir"]) / given).resolve(), given.resolve()):
            return row
        if given.name == target.name:
            by_name.append(row)
    return by_name[0] if len(by_name) == 1 else None


def iter_paths(args: Iterable[str], errors: list, *, patterns: bool = False
               ) -> Iterator[str]:
    """Files of ``args``: files (``-``: standard input), folders (their ``*.txt``/``*.md``
    files, recursively, sorted, hidden ones left out) and, with ``patterns``, glob patterns
    (``**`` allowed). A pattern matching nothing or a folder with no article adds (arg,
    message) to ``errors``."""
    for arg in args:
        if patterns and any(c in arg for c in "*?[") and not Path(arg).exists():
            found = sorted(glob.glob(arg, recursive=True))
            if not found:
                errors.append((arg, "no file matches this pattern"))
        else:
            found = [arg]
        for name in found:
            p = Path(name)
            if not p.is_dir():
                yield name
                continue
            files = sorted(f for f in p.rglob("*") if f.suffix.lower() in (".txt", ".md")
                           and f.is_file() and not any(part.startswith(".")
                                                       for part in f.relative_to(p).parts))
            if not files:
                errors.append((name, "no .txt or .md files in this directory"))
            yield from (str(f) for f in files)


def _first_line(body: str) -> str:
    line = next((ln for ln in body.splitlines() if ln.strip()), "")
    if m := _LEADING_DATE.match(line):
        line = line[m.end():]
    return line.strip().lstrip("#").strip()      # a Markdown heading


def _clip(title: str, limit: int = 200) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"
