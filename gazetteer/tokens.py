"""Word tokens for mention finding, with character offsets into the text.

``tokenize`` gives every word. ``name_tokens`` gives only the words mention finding can reach:
capitalised words (an upper-case initial, or a caseless script such as Arabic), the word on
each side of one, and one word further where that neighbour can belong to a name (an
article, a particle or a place word: "al-Tanf", "Nineveh province"). Every stretch of other
words becomes one *gap* token (never capitalised, matching no word list), so adjacency is
exact: a token's neighbour in the list is its neighbour in the text, or a gap where the text
has words no rule looks at. Mention finding gives the same spans and marks over either list
(tests/test_normalize.py checks this); ``name_tokens`` skips most of the lower-case prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, compress
from operator import itemgetter

from .cues import Cues
from .normalize import TOKEN_RE, fold_token


@dataclass(slots=True)
class Token:
    start: int
    end: int
    fold: str
    word: str
    capitalised: bool          # upper-case initial, or a caseless script (Arabic …)


#: stands for a stretch of words no rule looks at (offsets -1: never read)
GAP = Token(-1, -1, "\x00", "\x00", False)
_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")
#: initials that may be capitalised (not ASCII lower case or digits): only these are looked up
_MAYBE_CAPITAL = re.compile(r"[^a-z0-9]")
_start = re.Match.start
_WORD_INFO: dict[str, tuple[str, bool]] = {}     # word -> (folded, capitalised); bounded
WORD_INFO_MAX = 200_000


def _word_info(word: str) -> tuple[str, bool]:
    c = word[0]
    info = (fold_token(word),
            c.isupper() or (not c.isascii() and c.isalpha() and c.lower() == c.upper()))
    if len(_WORD_INFO) < WORD_INFO_MAX:
        _WORD_INFO[word] = info
    return info


def tokenize(text: str) -> list[Token]:
    """Every word token with offsets, folded form and capitalisation, in one pass."""
    out: list[Token] = []
    append = out.append
    get = _WORD_INFO.get
    for m in TOKEN_RE.finditer(text):
        word = m.group()
        fold, cap = get(word) or _word_info(word)
        start, end = m.span()
        append(Token(start, end, fold, word, cap))
    return out


def name_tokens(text: str, cues: Cues) -> list[Token]:
    """The tokens mention finding reads (see the module docstring), gaps in between.

    The words kept one further out are those after/before an article, particle or place
    word (``cues.name_joiners``)."""
    parts = _SPLIT_RE.split(text)       # separator, word, separator, word, …, separator
    words = parts[1::2]
    n = len(words)
    if not n:
        return []
    get = _WORD_INFO.get
    joiners = cues.name_joiners
    initials = "".join(map(itemgetter(0), words))       # one character per word
    caps = [k for k in map(_start, _MAYBE_CAPITAL.finditer(initials))
            if (get(words[k]) or _word_info(words[k]))[1]]
    if not caps:
        return [GAP]
    keep = bytearray(n + 4)             # keep[k + 2]: word k is read
    for k in caps:
        keep[k + 1] = keep[k + 2] = keep[k + 3] = 1
    for k in caps:                      # one word further behind an article/particle/place word
        if k >= 2 and not keep[k] and (get(words[k - 1]) or _word_info(words[k - 1]))[0] in joiners:
            keep[k] = 1
        if k + 2 < n and not keep[k + 4] and \
                (get(words[k + 1]) or _word_info(words[k + 1]))[0] in joiners:
            keep[k + 4] = 1
    ends = list(accumulate(map(len, parts)))     # word k spans ends[2k] .. ends[2k + 1]
    out: list[Token] = []
    append = out.append
    prev = -1
    for k in compress(range(n), keep[2:n + 2]):
        if k != prev + 1:
            append(GAP)
        prev = k
        w = words[k]
        fold, cap = get(w) or _word_info(w)
        append(Token(ends[2 * k], ends[2 * k + 1], fold, w, cap))
    if prev != n - 1:
        append(GAP)
    return out
