"""Go's fmt/strconv spellings that dep's messages contain.

dep builds its messages with ``%q``, ``%#U`` and ``%v`` and wraps OS errors in ``*os.PathError``;
these helpers give the same text for Python values, so our messages match dep's byte for byte.

Go's ``strconv.IsPrint`` (letters, marks, numbers, punctuation, symbols and the ASCII space) is
exactly Python's ``str.isprintable``. Paths from the file system are ``str`` decoded with
``surrogateescape``: a surrogate U+DC80..U+DCFF stands for one byte that is not UTF-8, which Go
would hold as that raw byte and quote as ``\\xNN``.
"""

from __future__ import annotations

import os

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\v": "\\v", "\\": "\\\\"}


def go_quote(s: str) -> str:
    """``strconv.Quote`` (Go's ``%q`` of a string)."""
    if s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'
    return '"' + "".join([_quote_char(ch, '"') for ch in s]) + '"'


def go_quote_rune(r: int) -> str:
    """``strconv.QuoteRune`` (Go's ``%q`` of a rune); an invalid rune is quoted as U+FFFD."""
    if not 0 <= r <= 0x10FFFF or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    return "'" + _quote_char(chr(r), "'") + "'"


def _quote_char(ch: str, quote: str) -> str:
    if ch == quote:
        return "\\" + ch
    esc = _ESCAPES.get(ch)
    if esc is not None:
        return esc
    if ch.isprintable():
        return ch
    r = ord(ch)
    if r < 0x20 or r == 0x7F:
        return f"\\x{r:02x}"
    if 0xDC80 <= r <= 0xDCFF:  # an undecodable byte carried by surrogateescape
        return f"\\x{r - 0xDC00:02x}"
    if 0xD800 <= r <= 0xDFFF:  # any other lone surrogate: Go's string(rune) gives U+FFFD
        return "\ufffd"
    if r < 0x10000:
        return f"\\u{r:04x}"
    return f"\\U{r:08x}"


def go_sharp_u(r: int) -> str:
    """fmt's ``%#U``: ``U+0041 'A'``, the character left out when it is not printable."""
    text = f"U+{r:04X}"
    if 0 <= r <= 0x10FFFF and chr(r).isprintable():
        text += f" '{chr(r)}'"
    return text


def go_float(v: float) -> str:
    """Go's ``%v`` for a float64: shortest digits, exponent form when the decimal exponent is
    below -4 or at least 6 (``1e+06``, ``1e-05``, ``123456``, ``0.1``, ``-0``)."""
    import math
    from decimal import Decimal

    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, v) < 0 else ""
    if v == 0:
        return sign + "0"
    t = Decimal(repr(abs(v))).normalize().as_tuple()
    digits = "".join(map(str, t.digits))
    dp = len(digits) + t.exponent  # value = 0.<digits> * 10**dp
    exp = dp - 1
    if exp < -4 or exp >= 6:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{sign}0.{'0' * (-dp)}{digits}"
    if dp >= len(digits):
        return sign + digits + "0" * (dp - len(digits))
    return f"{sign}{digits[:dp]}.{digits[dp:]}"


def go_errno_text(err: OSError) -> str:
    """The text of Go's ``syscall.Errno``: glibc's message with its capital dropped
    (``no such file or directory``), acronyms kept (``RFS specific error``)."""
    text = err.strerror or (os.strerror(err.errno) if err.errno else str(err))
    if text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return text


def go_path_error(op: str, path: str | bytes, err: OSError) -> str:
    """Go's ``*os.PathError`` text: ``<op> <path>: <errno text>``."""
    return f"{op} {os.fsdecode(path)}: {go_errno_text(err)}"


def go_clean(p: str) -> str:
    """Go's ``path.Clean`` on a slash-separated path."""
    if p == "":
        return "."
    rooted = p.startswith("/")
    parts: list[str] = []
    for comp in p.split("/"):
        if comp in ("", "."):
            continue
        if comp == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(comp)
    out = "/".join(parts)
    if rooted:
        out = "/" + out
    return out or "."
