"""Which theatres a corpus is about: chosen from the countries of its located events, or
named by the user (``--theatre NAME[,NAME]|auto|none`` in the CLI, a selector in the
dashboard)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import shapely

from gazetteer.sources import natural_earth
from geo.errors import InputError
from geo.events.table import countries_by_iso2
from geo.theatres.files import load_theatres
from geo.theatres.model import Theatre

#: a theatre applies when at least this share of the located events lie in its countries
AUTO_SHARE = 0.25
AUTO, NONE = "auto", "none"


def focus_countries(events: pd.DataFrame) -> Counter:
    """ISO alpha-2 code → number of located events in that country: from ``iso`` (ACLED's
    numeric code, as ``geo.events.table.events_frame`` writes it) where it is set, else from
    the Natural Earth country that holds the event's point (lon, lat)."""
    if not len(events) or "geometry" not in events.columns:
        return Counter()
    located = events[events.geometry.notna() & ~events.geometry.is_empty]
    if not len(located):
        return Counter()
    by_number = {numeric: iso2 for iso2, (_, numeric, _) in countries_by_iso2().items()
                 if numeric}
    numbers = pd.to_numeric(located["iso"], errors="coerce") if "iso" in located.columns \
        else pd.Series(np.nan, index=located.index)
    known = numbers.isin(list(by_number))
    counts = Counter(by_number[int(n)] for n in numbers[known])
    rest = located.geometry.values[~known.to_numpy()]
    if len(rest):
        world = natural_earth.countries()
        points = shapely.centroid(np.asarray(rest))
        where, country = world.sindex.query(points, predicate="within")
        first = dict(zip(where.tolist(), country.tolist(), strict=True))    # one per point
        counts.update(str(world["iso2"].iloc[c]) for c in first.values())
    return counts


def auto_theatres(events: pd.DataFrame, share: float = AUTO_SHARE) -> tuple[Theatre, ...]:
    """The theatres holding at least ``share`` of the located events, most events first
    (file order on ties); none when no theatre fits."""
    counts = focus_countries(events)
    total = sum(counts.values())
    if not total:
        return ()
    scored = [(sum(counts[c] for c in t.countries), i, t)
              for i, t in enumerate(load_theatres().values())]
    return tuple(t for n, _, t in sorted(scored, key=lambda x: (-x[0], x[1]))
                 if n and n / total >= share)


def select_theatres(spec: str | None, events: pd.DataFrame) -> tuple[Theatre, ...]:
    """``spec``: None or "auto" (:func:`auto_theatres`), "none", or theatre ids separated by
    commas. Raises InputError for an unknown id, naming the known ones."""
    spec = (spec or AUTO).strip().lower()
    if spec == AUTO:
        return auto_theatres(events)
    if spec == NONE:
        return ()
    known = load_theatres()
    names = [s.strip() for s in spec.split(",") if s.strip()]
    if unknown := [n for n in names if n not in known]:
        raise InputError(f"unknown theatre(s) {', '.join(unknown)}: choose among "
                         f"{', '.join(known)}, {AUTO} or {NONE}")
    return tuple(known[n] for n in dict.fromkeys(names))


def theatre_choices() -> list[str]:
    """What a user may choose: auto, none and every theatre id."""
    return [AUTO, NONE, *load_theatres()]
