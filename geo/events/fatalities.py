"""Fatalities as a coder counts them (ACLED codebook; events_dev README "Fatalities"): the
killed, not the wounded, abducted or arrested; numbers in words; "at least N" as N; the
victims of one event summed across sides ("eleven soldiers and four militants were
killed"); a figure after "including" not added again; conflicting figures ("the ministry put
the toll at 61, while doctors said more than 100") the lowest; vague counts by ACLED's
convention ("several"/"many" 10, "dozens" 12, "hundreds" 100); years, days of the month,
ages and distances never counted; "N of its fighters were killed", "reporting N killed", "was
abducted and killed" counted; deaths of other events in the sentence ("other strikes across the
country killed dozens more") and a death told as a cause after "after" not counted.

:func:`count_fatalities` reads one piece of text (an event's clause or sentence) and returns
the count, or None when the text reports no deaths.
"""

from __future__ import annotations

import re

#: number words, and ACLED's figures for vague counts
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a dozen": 12, "dozens": 12,
    "several": 10, "many": 10, "scores": 12, "hundreds": 100, "a hundred": 100,
    "a": 1, "an": 1,
}
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
#: numbers that are not people: dates, years, ages, distances, times, money, percentages
_NOT_PEOPLE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"|\b(?:1[5-9]|20)\d\d\b|\b\d+(?:-| )years?(?:-| )old\b|\baged\s+\d+\b"
    r"|\b\d+(?:\.\d+)?\s*(?:km|kilomet\w+|miles?|metres|meters|m)\b|\b\d{1,2}[:.]\d\d\b"
    r"|\b\d+\s*(?:am|pm|%|per\s?cent)\b|[$€£]\s*\d[\d,.]*",
    re.IGNORECASE)
_Q = (r"(?i:(?:at\s+least|some|about|around|nearly|almost|more\s+than|over|up\s+to|"
      r"as\s+many\s+as|an\s+estimated|approximately|roughly)\s+)?"
      r"(?P<q>\d[\d,]*|(?i:" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS),
                                               key=len, reverse=True)) + r")\b)")
#: words that end a group of victims ("two soldiers" | "were killed")
_STOP = (r"(?i:and|or|were|was|is|are|in|on|at|during|after|before|while|when|who|which|said|"
         r"says|told|shot|by|near|including|as|with|from|to|had|has|have|been|being|also|the|"
         r"a|an|his|her|their|its|killed|killing|died|dead|known)")
_WORD = rf"(?:\s+(?!{_STOP}\b)[\w'’-]{{1,40}})"
_TITLE = (r"(?:commander|leader|chief|spokesman|official|general|colonel|emir|governor|mayor|"
          r"minister|head|founder|deputy)")
_NAME_PART = r"(?:[A-Z][\w'’-]{1,40}|al-[\w'’-]{1,40}|(?:bin|ibn|abu|el)\b)"
#: "a commander known as Abu Hamza": the name is the same person
_KNOWN_AS = (r"(?:\s+(?i:known\s+as|called|named)\s+(?:[A-Z][\w'’-]{1,40}|al-[\w'’-]{1,40})"
             r"(?:\s+(?:[A-Z][\w'’-]{1,40}|al-[\w'’-]{1,40})){0,4})")
#: a group of victims: a quantity and up to five words ("two PMF fighters", "a member of the
#: local committee"), "the/his driver" (one), or a named person (one), possibly with a title
#: ("Kataib Hezbollah commander Abu Baqir al-Saadi")
_GROUP = (rf"\b(?:(?:(?i:the|his|her|their)\s+)?{_Q}(?:\s+(?i:of\s+(?:its|their|his|her|our|the)))?"
          rf"{_WORD}{{0,5}}{_KNOWN_AS}?"
          rf"|(?P<det>(?i:the|his|her|their))\s+(?P<noun>[\w'’-]{{1,40}}){_WORD}{{0,2}}"
          rf"|(?P<name>(?:(?:{_NAME_PART}|[a-z]+)\s+){{0,3}}{_TITLE}\s+{_NAME_PART}"
          rf"(?:\s+{_NAME_PART}){{0,4}}|{_NAME_PART}(?:\s+{_NAME_PART}){{0,4}}))")
_BARE = re.sub(r"\(\?P<\w+>", "(?:", _GROUP)          # the same, without group names
#: groups joined by "and" ("eleven soldiers and four militants")
_LIST = rf"{_BARE}(?:\s+and\s+{_BARE}){{0,6}}"
_VERB_FIRST = re.compile(
    r"\b(?i:kill(?:ing|ed|s)|shoot(?:ing)?\s+dead|shot\s+dead|execut(?:ed|ing)|lynch(?:ed|ing)|"
    r"massacr(?:ed|ing)|behead(?:ed|ing)|(?:beat|beating|stabbed|stabbing|hacked|hacking)"
    r"\s+to\s+death|claim(?:ed|ing)\s+the\s+lives\s+of)\s+(?:(?i:the|his|her|their)\s+)?"
    rf"(?P<list>{_LIST})")
_VERB_AFTER = re.compile(
    rf"(?P<list>{_LIST})\s+(?:(?i:(?:were|was|have\s+been|has\s+been|had\s+been|being|are|is)"
    r"\s+(?:(?:also|reportedly|later|all)\s+)?(?:[a-z]+ed\s+and\s+)?(?:killed|slain|dead))"
    r"|(?i:(?:also\s+|all\s+)?"
    r"(?:died|perished|lost\s+their\s+lives|(?:were\s+)?dead)))\b")
#: "beat a suspected thief to death", "burned two men alive"
_VERB_AROUND = re.compile(
    rf"\b(?i:beat|beating|stabbed|stabbing|hacked|hacking|stoned|stoning|burned|burnt|burning)"
    rf"\s+(?P<list>{_LIST})\s+(?i:to\s+death|alive)\b")
#: "…, reporting two Russian soldiers killed", "with three people dead"
_REPORTED = re.compile(
    rf"\b(?i:reporting|reported|with|leaving)\s+(?P<list>{_LIST})\s+(?i:killed|dead)\b")
#: the clause of deaths that belong to other events: "other strikes across the country killed
#: dozens more", "as crackdowns across the country left dozens dead"
_ELSEWHERE = re.compile(r"\b(?:across\s+the\s+(?:country|region)|elsewhere|nationwide|"
                        r"other\s+(?:strikes|attacks|raids|clashes|incidents))\b|"
                        r"\b(?:dozens|scores|hundreds|many|several|\d+)\s+more\b",
                        re.IGNORECASE)
#: a death told as the cause, in a clause opened by "after" ("protesters set fire to a police
#: vehicle after a young man was killed in a raid")
_CAUSE_BEFORE = re.compile(r"\b(?:after|because|following)\b[^,;:.]*$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:.]")
_TOLL = re.compile(
    rf"\b(?:(?:death\s+)?toll\s+(?:at|of|to|rose\s+to|reached|stood\s+at)|leaving|left)\s+{_Q}"
    r"(?:\s+(?:people|persons|dead|killed))?", re.IGNORECASE)
#: the victims are not dead
_NOT_DEAD = re.compile(r"^\s*(?:others\s+)?(?:were\s+|was\s+)?(?:wounded|injured|hurt|missing|"
                       r"abducted|kidnapped|arrested|detained)\b", re.IGNORECASE)
#: figures that contradict each other: the lowest counts
_CONFLICT = re.compile(r"\b(?:put\s+the\s+(?:death\s+)?toll|toll\s+at|while\s+[^.;]{0,80}?"
                       r"\bsaid|other\s+sources|(?:local\s+)?sources\s+put|higher|later\s+put)\b",
                       re.IGNORECASE)
_GROUP_RX = re.compile(_GROUP)
_INCLUDING = re.compile(r"\b(?:including|among\s+them|among\s+whom|of\s+whom)\b", re.IGNORECASE)


def _value(q: str) -> int | None:
    q = q.lower().replace(",", "")
    if q.isdigit():
        return int(q)
    return NUMBER_WORDS.get(" ".join(q.split()))


def _list_total(text: str, start: int, end: int) -> int:
    """The sum of the victim groups in text[start:end] (a ``_LIST``), stopping at
    "including" (a subset of the victims already counted)."""
    stop = _INCLUDING.search(text, start, end)
    piece = text[start:stop.start() if stop else end]
    total = 0
    for m in _GROUP_RX.finditer(piece):
        if m.group("q"):
            total += _value(m.group("q")) or 0
        elif m.group("det"):
            total += not m.group("noun").lower().endswith("s")    # "the driver": one
        elif m.group("name"):
            total += 1
    return total


def count_fatalities(text: str) -> int | None:
    """Deaths reported in ``text``, or None when it reports none (see the module docstring).
    "a"/"an" count one only before a death word ("a soldier was killed", "killing a man")."""
    masked = _NOT_PEOPLE.sub(lambda m: "#" * len(m.group(0)), text)
    found: list[tuple[int, int, int]] = []          # (start, end, count)
    for rx in (_VERB_FIRST, _VERB_AFTER, _VERB_AROUND, _REPORTED):
        for m in rx.finditer(masked):
            a, b = m.span("list")
            if rx is _VERB_FIRST and _NOT_DEAD.match(masked, b):
                continue
            n = _list_total(masked, a, b)
            if n and not _other_event(masked, m.start(), m.end()):
                found.append((a, b, n))
    for m in _TOLL.finditer(masked):
        n = _value(m.group("q"))
        if n and not _other_event(masked, m.start(), m.end()):
            found.append((m.start(), m.end(), n))
    if not found:
        return None
    found.sort()
    kept: list[tuple[int, int, int]] = []
    for a, b, n in found:                      # one reading per stretch of text
        if kept and a < kept[-1][1]:
            if n > kept[-1][2]:
                kept[-1] = (kept[-1][0], max(b, kept[-1][1]), n)
            continue
        kept.append((a, b, n))
    counts = [n for _, _, n in kept]
    if len(counts) > 1 and _CONFLICT.search(masked):
        return min(counts)
    return sum(counts)


def _other_event(text: str, start: int, end: int) -> bool:
    """Whether the deaths told in text[start:end] belong to other events: a clause about
    other strikes or places ("… across the country left dozens dead", "killed dozens more"),
    or a cause told after "after" ("… after a young man was killed")."""
    lo = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    nxt = _CLAUSE_END.search(text, end)
    if _ELSEWHERE.search(text, lo, nxt.start() if nxt else len(text)):
        return True
    return bool(_CAUSE_BEFORE.search(text, lo, start))
