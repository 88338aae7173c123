"""Name keys that let spelling variants meet.

Two keys per name:

* ``match_key`` — the surface form folded: Latin diacritics removed, lower case, apostrophes and
  ayn/hamza marks dropped inside words, possessive ``'s`` dropped, every run of other
  punctuation or space turned into one space. ``"al-Ba'aj"``, ``"Al Ba`aj"`` → ``"al baaj"``.
  Mention finding matches these keys against text tokenised the same way.
* ``variant_key`` — a looser key for Arabic-origin transliteration variants, used only after
  exact keys fail and ranked lower: article prefixes (al-, el-, and the assimilated ar-, as-,
  at-, ad-, an-, az-, ash- … and joined forms like "Ezzor") removed, q→k, ou→u, vowel runs
  folded, w/y after a vowel folded into it, doubled letters collapsed, a final -ah/-eh made -a,
  spaces removed. Raqqa / Raqqah / Rakka → ``raka``; Deir ez-Zor / Deir Ezzor / Dayr az Zawr →
  ``darzar``; Tal Afar / Tall Afar / Tel Afar → ``talafar``; Umm / Um → ``am``.

Names in other scripts keep a case-folded ``match_key`` and get an empty ``variant_key``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

APOSTROPHES = "'’‘`´ʿʾʻʼ′"
# A word: letters or digits, possibly with apostrophe-like marks inside (Ba'aj, Shi'ite).
TOKEN_RE = re.compile(r"[^\W_]+(?:[" + APOSTROPHES + r"][^\W_]+)*", re.UNICODE)
_APOS_RE = re.compile("[" + APOSTROPHES + "]")
_APOS_CHARS = frozenset(APOSTROPHES)
_POSSESSIVE_RE = re.compile("[" + APOSTROPHES + "]s$", re.IGNORECASE)

ARTICLES = frozenset([
    "al", "el", "ar", "as", "at", "ad", "an", "az", "ash", "ath", "adh", "ul", "il", "ed", "es",
    "et", "en", "er", "ez",
])
# Joined, assimilated article: Ezzor, Arraqqa, Assukhnah, Ashsham.
_JOINED_ARTICLE_RE = re.compile(r"^(?:a|e)([rstdnz])(?=\1\w{2})|^(?:a|e)sh(?=sh\w)")
_VOWEL_GLIDE_RE = re.compile(r"(?<=[aeiou])[wy](?![aeiou])")
_INNER_Y_RE = re.compile(r"(?<=\w)y")
_VOWELS_RE = re.compile(r"[aeiou]+")
_DOUBLE_RE = re.compile(r"(.)\1+")


def _is_latin(ch: str) -> bool:
    return not ch.isalpha() or "LATIN" in unicodedata.name(ch, "")


@lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """Fold one word: Latin diacritics removed, lower case, possessive and apostrophes dropped.

    A word in another script (Arabic, Cyrillic …) is only case-folded.
    """
    if token.isascii():
        word = token.lower()
        if _APOS_CHARS.isdisjoint(word):
            return word                      # the usual case: nothing more to drop
    elif all(_is_latin(ch) for ch in token):
        word = anyascii(unicodedata.normalize("NFC", token)).lower()
    else:
        return unicodedata.normalize("NFKC", token).casefold()
    word = _POSSESSIVE_RE.sub("", word) if len(word) > 3 else word
    return _APOS_RE.sub("", word)


def is_possessive(word: str) -> bool:
    """"Sabha's", "Kyiv’s": a word in the possessive (an apostrophe, then s)."""
    return _POSSESSIVE_RE.search(word) is not None


def match_key(name: str) -> str:
    """Surface key: folded words joined by single spaces."""
    words = [fold_token(t) for t in TOKEN_RE.findall(name)]
    if not words or not all(words):
        return ""
    return " ".join(words)


def strip_articles(words: list[str]) -> list[str]:
    """Drop Arabic article words (al, el, at, as …) that stand before another word."""
    kept = [w for i, w in enumerate(words) if not (w in ARTICLES and i + 1 < len(words))]
    return kept or words


def _fold_variant_word(word: str) -> str:
    word = _JOINED_ARTICLE_RE.sub("", word) or word
    word = word.replace("q", "k").replace("ou", "u").replace("ee", "i").replace("oo", "u")
    word = word.replace("dh", "d").replace("gh", "g").replace("kh", "k").replace("ph", "f")
    word = _VOWEL_GLIDE_RE.sub("", word)
    word = _INNER_Y_RE.sub("i", word)
    word = _VOWELS_RE.sub("a", word)
    word = _DOUBLE_RE.sub(r"\1", word)
    if len(word) > 3 and word.endswith("ah"):
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def variant_key(name: str) -> str:
    """Transliteration-folded key (see module docstring); "" for non-Latin names."""
    key = match_key(name)
    if not key or not key.isascii():
        return ""
    words = strip_articles(key.split())
    return "".join(_fold_variant_word(w) for w in words)
