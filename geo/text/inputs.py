"""Reading article files safely: every kind of bad input becomes an ``InputError`` with a
message a user can act on (exit code 3), never a traceback."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from geo.errors import EncodingError, InputError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024   # 10 MiB: far above any news article
_TEXT_CONTROLS = {9, 10, 12, 13}


def read_text(path: str, encoding: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of ``path`` (``-`` for standard input), decoded as UTF-8 (BOM allowed) or as
    ``encoding``. Raises InputError for a missing, empty, binary, oversized or undecodable
    file."""
    data = _read_bytes(path, max_bytes)
    return decode(data, path, encoding)


def _read_bytes(path: str, max_bytes: int) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a text file")
        try:
            size = p.stat().st_size
            if size > max_bytes:
                raise InputError(f"{path}: file too large ({size / 1e6:.1f} MB; the limit is "
                                 f"{max_bytes / 1e6:.1f} MB, change it with --max-mb)")
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise InputError(f"{path}: input too large (over {max_bytes / 1e6:.1f} MB; "
                         f"change the limit with --max-mb)")
    return data


def decode(data: bytes, name: str = "<input>", encoding: str | None = None) -> str:
    """Decode article bytes; see :func:`read_text`."""
    if not data.strip():
        raise InputError(f"{name}: empty input")
    if b"\x00" in data[:65536] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{name}: looks like a binary file (it contains NUL bytes), "
                         "not text")
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError as exc:
            raise InputError(f"unknown encoding {encoding!r}") from exc
        except UnicodeDecodeError as exc:
            raise EncodingError(f"{name}: not valid {encoding} at byte {exc.start}") \
                from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"{name}: not UTF-8 (invalid byte 0x{data[exc.start]:02x} at offset "
                f"{exc.start}); if it is Latin-1 or Windows Arabic, read it as latin-1 or "
                "cp1256") from exc
    controls = control_characters(text[:65536])
    if controls > max(8, len(text[:65536]) // 100):
        raise InputError(f"{name}: looks like a binary file ({controls} control characters), "
                         "not text")
    return text


def control_characters(text: str) -> int:
    """How many control characters ``text`` holds besides tab, newline, form feed and
    carriage return (many: binary data, not text)."""
    return sum(1 for ch in text if ord(ch) < 32 and ord(ch) not in _TEXT_CONTROLS)
