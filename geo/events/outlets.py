"""News outlets and ACLED's ``source_scale``: how close the reporting outlets are to the event.

The outlets are data (``data/outlets.csv``: name, aliases, home country, reach, the region a
subnational outlet covers, and a source for each row). An outlet's scale for one event
follows ACLED's codebook: an international outlet is "International", a regional one
"Regional", a social platform "New media", a monitor, NGO or UN body "Other"; a national
outlet is "National" for an event in its own country, "Regional" for one elsewhere in the
same ACLED region and "International" further away; a subnational outlet is "Subnational" at
home and otherwise counts as a national one. Several outlets give two scales joined by a
hyphen, the most local first, as ACLED writes them ("Subnational-National",
"National-International"); with more than two, the most local and the widest. An outlet the
file does not know gives no scale: the column says only what the data supports.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: ACLED's scales, from the most local to the widest (the order of its combined values)
SCALES = ("Local partner", "Other", "New media", "Subnational", "National", "Regional",
          "International")
#: the file's ``scale`` column -> ACLED's scale when it does not depend on the event's country
FIXED = {"international": "International", "regional": "Regional",
         "new_media": "New media", "other": "Other"}
_WORDS = re.compile(r"[^\w.]+")
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class Outlet:
    """One outlet: its name, ISO alpha-2 home country ("" when global), reach
    (international, regional, national, subnational, new_media or other), the area a
    subnational outlet covers and the source of the row."""

    name: str
    country: str
    reach: str
    area: str
    source: str


def outlet_key(text: str) -> str:
    """The form outlet names are matched in: case-folded, no scheme, "www." or leading
    "the", punctuation but dots as spaces ("The New Arab" = "new arab"; "https://www.bbc.co.uk/x"
    = "bbc.co.uk")."""
    text = (text or "").strip().casefold()
    text = re.sub(r"^[a-z]+://", "", text).split("/")[0] if "://" in text else text
    text = re.sub(r"^www\.", "", text)
    text = re.sub(r"^the\s+", "", text)
    return " ".join(_WORDS.sub(" ", text).split())


@lru_cache(maxsize=1)
def _outlet_rows() -> tuple[tuple[Outlet, tuple[str, ...]], ...]:
    """Each row of ``data/outlets.csv``: its outlet and its names (name, then aliases)."""
    path = resources.files("geo.events") / "data" / "outlets.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple((Outlet(row["name"], row["country"], row["scale"], row["area"],
                             row["source"]),
                      tuple(" ".join(n.split()) for n in (row["name"], *row["aliases"].split("|"))
                            if n.strip()))
                     for row in csv.DictReader(fh))


@lru_cache(maxsize=1)
def load_outlets() -> dict[str, Outlet]:
    """Every name and alias of ``data/outlets.csv`` (as ``outlet_key``) -> its outlet."""
    out: dict[str, Outlet] = {}
    for outlet, names in _outlet_rows():
        for name in names:
            out.setdefault(outlet_key(name), outlet)
    return out


#: a cue of attribution before an outlet's name ("according to (the state agency) X") and after
#: it ("X reported", "X news agency")
_CUE_BEFORE = re.compile(r"\b(?:according to|told|cited by|quoted by|reported by|said to)\s+"
                         r"(?:the\s+)?")
_CUE_AFTER = re.compile(r"\s+(?:news agency|agency|reported|said|says|reports|quoted|cited|"
                        r"broadcast|published)\b")
_LONGEST = 6                          # words in the longest outlet name looked for


@lru_cache(maxsize=1)
def _written() -> dict[str, Outlet]:
    """Every outlet name and alias as written (outlet names are proper nouns: matched with
    their capitals), to its outlet."""
    written: dict[str, Outlet] = {}
    for outlet, names in _outlet_rows():
        for name in names:
            if len(name) > 1 and "." not in name:
                written.setdefault(name, outlet)
    return written


def attributed_outlets(sentence: str) -> list[str]:
    """The outlets a sentence names as the source of its report ("..., state news agency
    SANA reported", "according to Reuters"), by their names in the data, in order: the
    longest name ending right before a cue, or starting within three words after one."""
    if not sentence:
        return []
    written, found = _written(), []
    for cue in _CUE_AFTER.finditer(sentence):
        words = _WORD.findall(sentence[max(0, cue.start() - 80):cue.start()])
        for n in range(min(_LONGEST, len(words)), 0, -1):
            outlet = written.get(" ".join(words[-n:]))
            if outlet is not None:
                found.append((cue.start(), outlet.name))
                break
    for cue in _CUE_BEFORE.finditer(sentence):
        words = _WORD.findall(sentence[cue.end():cue.end() + 120])
        name = next((joined for skip in range(4)
                     for n in range(min(_LONGEST, len(words) - skip), 0, -1)
                     if (joined := " ".join(words[skip:skip + n])) in written), None)
        if name is not None:
            found.append((cue.end(), written[name].name))
    return list(dict.fromkeys(name for _, name in sorted(found)))


def find_outlet(name: str) -> Outlet | None:
    """The outlet a source field names ("Reuters", "SANA", "rudaw.net", a URL), or None."""
    return load_outlets().get(outlet_key(name)) if name else None


def outlet_scale(outlet: Outlet, country: str, region_of: Callable[[str], str]) -> str:
    """ACLED's scale of ``outlet`` for an event in ``country`` (ISO alpha-2; "" unknown, which
    leaves a national or subnational outlet unscaled); ``region_of``: ISO alpha-2 -> ACLED
    region."""
    fixed = FIXED.get(outlet.reach)
    if fixed:
        return fixed
    if outlet.reach not in ("national", "subnational") or not country or not outlet.country:
        return ""
    if outlet.country == country:
        return "Subnational" if outlet.reach == "subnational" else "National"
    region = region_of(country)
    return "Regional" if region and region_of(outlet.country) == region else "International"


def source_scale(sources: Iterable[str], country: str, region_of: Callable[[str], str]) -> str:
    """ACLED's ``source_scale`` of an event reported by ``sources`` (outlet names) in
    ``country``: the scales of the outlets the data knows, joined as ACLED joins them; ""
    when it knows none."""
    found = {outlet_scale(o, country, region_of)
             for o in (find_outlet(s) for s in sources) if o is not None}
    ordered = [s for s in SCALES if s in found]
    if len(ordered) > 2:
        ordered = [ordered[0], ordered[-1]]
    return "-".join(ordered)
