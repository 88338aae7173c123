"""Street and road names in text ("Main Street", "40th Avenue South", "County Road 43",
"Highway 19", "I-75"): toponyms that no embedded gazetteer holds. ``geoparse`` returns them
as mentions with no place (rule ``street``: honest "unlocated"), and they end the place
names inside them ("West Tyler Street" is not the town of Tyler). Both evaluation corpora
annotate them as toponyms (LGL 281 of 5,088, TR-News 34 of 1,319)."""

from __future__ import annotations

import re

STREET_RULE = "street"          # the rule of a street's (unlocated) mention
#: words that end a street's name (capitalised, after its name)
STREET_ENDS = (r"Street|St\.|Avenue|Ave\.|Road|Rd\.|Drive|Boulevard|Blvd\.|Lane|Parkway|"
               r"Pkwy\.|Terrace|Highway|Hwy\.|Trail|Pike")
_NAME = r"(?:[A-Z][A-Za-z'’.-]*|\d+(?:st|nd|rd|th))"
_DIRECTION = r"(?:\s+(?:North|South|East|West|Northeast|Northwest|Southeast|Southwest))?"
#: the street word, found first (cheap); then the name before it, read backwards
_END = re.compile(rf"\s(?:{STREET_ENDS})(?![A-Za-z]){_DIRECTION}")
_NAMES_BEFORE = re.compile(rf"(?:(?<=\s)|(?<=^)|(?<=[(\"“]))((?:{_NAME}\s+){{1,3}})$")
LOOK_BACK = 80                  # characters searched for a street's name
#: (the look-ahead on the initials every branch starts with spares the scan most positions)
NUMBERED = re.compile(r"(?=[UCSIHR])(?:\b(?:(?:U\.S\.|State|County|Interstate)\s+)?"
                      r"(?:Highway|Hwy\.|Route|Road|Interstate)\s+\d{1,4}[A-Z]?\b|\bI-\d{1,3}\b)")
#: a capitalised word right after the street word makes it part of another name
_AFTER = re.compile(r"\s+[A-Z][a-z]")


def street_spans(text: str, function_words: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of the street and road names in ``text``, in order, not overlapping. A
    name that starts with an English function word ("The Road") is cut after it; one
    followed by another capitalised word ("Wall Street Journal") is not a street."""
    out: list[tuple[int, int]] = []
    for m in _END.finditer(text):
        lo = max(0, m.start() + 1 - LOOK_BACK)
        names = _NAMES_BEFORE.search(text, lo, m.start() + 1)
        if names is None:
            continue
        start, end = names.start(1), m.end()
        words = names.group(1).split()
        while words and words[0].lower().rstrip(".") in function_words:
            start = text.index(words[1], start) if len(words) > 1 else end
            words = words[1:]
        if not words or _AFTER.match(text, end):
            continue
        out.append((start, end))
    out += [(m.start(), m.end()) for m in NUMBERED.finditer(text)]
    out.sort()
    kept: list[tuple[int, int]] = []
    for s, e in out:
        if kept and s < kept[-1][1]:
            if e - s > kept[-1][1] - kept[-1][0]:
                kept[-1] = (s, e)                 # the longer of two overlapping names
            continue
        kept.append((s, e))
    return kept
