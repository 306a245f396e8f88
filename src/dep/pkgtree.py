"""Scanning a project's Go packages without Go: dep's ``gps/pkgtree``.

``list_packages`` walks a directory tree and reads, for every directory, the package clause,
the import declarations and the comments before them from each ``*.go`` file.  Files are read
with a small hand-written scanner that follows Go's lexical rules (the same tokens, automatic
semicolons, comment grouping, ``//line`` directives and error texts as ``go/scanner`` and
``go/parser`` in imports-only mode), and stops at the first token after the import
declarations, so a file's body is never tokenized unless the header is malformed.

On top of the tree: reach maps (``PackageTree.to_reach_map``), hiding of ``_x``/``.x``/
``testdata`` packages (``PackageTree.trim_hidden_packages``), ``ignored`` rules
(``IgnoredRuleset``), stdlib detection (``is_standard_import_path``) and the root project's
input imports (``external_imports``), which is what Gopkg.lock's ``input-imports`` holds.

Only the standard library is used.
"""

from __future__ import annotations

import os
import re
import stat as _stat
from collections.abc import Callable, Iterable
from operator import attrgetter, itemgetter

from dep.errors import PackageTreeError
from dep.gofmt import go_clean, go_path_error, go_quote, go_quote_rune, go_sharp_u
from dep.records import FrozenRecord, Record, set_field

__all__ = [
    "Package",
    "PackageError",
    "PackageOrErr",
    "PackageTree",
    "ProblemImportError",
    "ReachEntry",
    "ReachMap",
    "IgnoredRuleset",
    "list_packages",
    "external_imports",
    "is_standard_import_path",
    "is_hidden_import_path",
]


# ---------------------------------------------------------------------------------------------
# Small Go-compatibility helpers


def is_standard_import_path(path: str) -> bool:
    """dep's ``paths.IsStandardImportPath``: the first path element contains no ``.``.

    So ``fmt``, ``C`` and ``appengine`` count as standard library.
    """
    i = path.find("/")
    first = path if i < 0 else path[:i]
    return "." not in first


def is_hidden_import_path(path: str) -> bool:
    """True when some element starts with ``.`` or ``_`` or is ``testdata`` (inverse of pkgFilter)."""
    for elem in path.split("/"):
        if elem.startswith((".", "_")) or elem == "testdata":
            return True
    return False


# unicode.IsSpace
_GO_SPACES = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACES_STR = "".join(sorted(_GO_SPACES))


def _go_join(*elems: str) -> str:
    """path.Join: empty elements are dropped, the rest joined and cleaned; all empty gives ""."""
    kept = [e for e in elems if e]
    if not kept:
        return ""
    return go_clean("/".join(kept))


# ---------------------------------------------------------------------------------------------
# UTF-8 decoding as Go's utf8.DecodeRune does it (invalid input: U+FFFD with width 1)

_RUNE_ERROR = 0xFFFD
_BOM = 0xFEFF
_EOF = -1


def _decode_rune(b: bytes, i: int) -> tuple[int, int]:
    c0 = b[i]
    if c0 < 0x80:
        return c0, 1
    n = len(b)
    if 0xC2 <= c0 <= 0xDF:
        if i + 1 < n and 0x80 <= b[i + 1] <= 0xBF:
            return ((c0 & 0x1F) << 6) | (b[i + 1] & 0x3F), 2
        return _RUNE_ERROR, 1
    if 0xE0 <= c0 <= 0xEF:
        lo = 0xA0 if c0 == 0xE0 else 0x80
        hi = 0x9F if c0 == 0xED else 0xBF
        if i + 2 < n and lo <= b[i + 1] <= hi and 0x80 <= b[i + 2] <= 0xBF:
            return ((c0 & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F), 3
        return _RUNE_ERROR, 1
    if 0xF0 <= c0 <= 0xF4:
        lo = 0x90 if c0 == 0xF0 else 0x80
        hi = 0x8F if c0 == 0xF4 else 0xBF
        if (i + 3 < n and lo <= b[i + 1] <= hi and 0x80 <= b[i + 2] <= 0xBF
                and 0x80 <= b[i + 3] <= 0xBF):
            return (((c0 & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6)
                    | (b[i + 3] & 0x3F)), 4
        return _RUNE_ERROR, 1
    return _RUNE_ERROR, 1


def _go_runes(b: bytes):
    i, n = 0, len(b)
    while i < n:
        r, w = _decode_rune(b, i)
        yield r
        i += w


# ---------------------------------------------------------------------------------------------
# Positions (token.File): byte offsets to file:line:column, honouring //line directives


class _SourceFile:
    __slots__ = ("name", "dir", "src", "size", "infos", "_lc_off", "_lc_count")

    def __init__(self, name: str, src: bytes):
        self.name = name
        self.dir = os.path.dirname(name) + "/" if "/" in name else ""
        self.src = src
        self.size = len(src)
        self.infos: list[tuple[int, str, int, int]] = []  # (offset, filename, line, column)
        self._lc_off = 0
        self._lc_count = 0

    def _newlines_before(self, off: int) -> int:
        if off >= self._lc_off:
            self._lc_count += self.src.count(b"\n", self._lc_off, off)
        else:
            self._lc_count = self.src.count(b"\n", 0, off)
        self._lc_off = off
        return self._lc_count

    def position(self, off: int | None) -> tuple[str, int, int]:
        """(filename, line, column); ``None`` (NoPos) gives ("", 0, 0)."""
        if off is None:
            return "", 0, 0
        line = self._newlines_before(off) + 1
        col = off - (self.src.rfind(b"\n", 0, off) + 1) + 1
        if off >= self.size and line > 1 and self.src.endswith(b"\n"):
            # token.File never records a line starting at EOF: the end offset stays on the last line
            line -= 1
            col = off - (self.src.rfind(b"\n", 0, off - 1) + 1) + 1
        filename = self.name
        if self.infos:
            alt = None
            for info in self.infos:
                if info[0] <= off:
                    alt = info
                else:
                    break
            if alt is not None:
                a_off, filename, a_line, a_col = alt
                base_line = self.src.count(b"\n", 0, a_off) + 1
                d = line - base_line
                line = a_line + d
                if a_col == 0:
                    col = 0
                elif d == 0:
                    col = a_col + (off - a_off)
        return filename, line, col

    def line(self, off: int | None) -> int:
        if off is None:
            return 0
        if not self.infos and off < self.size:
            return self._newlines_before(off) + 1
        return self.position(off)[1]

    def add_line_column_info(self, off: int, filename: str, line: int, col: int) -> None:
        if not self.infos or (self.infos[-1][0] < off < self.size):
            self.infos.append((off, filename, line, col))


def _format_position(filename: str, line: int, col: int) -> str:
    s = filename
    if line > 0:
        if s:
            s += ":"
        s += str(line)
        if col != 0:
            s += ":%d" % col
    return s or "-"


class _Bailout(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# go/scanner

_KEYWORDS = frozenset(
    "break case chan const continue default defer else fallthrough for func go goto if import "
    "interface map package range return select struct switch type var".split()
)
_LITERAL_TOKENS = frozenset(("IDENT", "INT", "FLOAT", "IMAG", "CHAR", "STRING"))

_ASCII_IDENT_RE = re.compile(rb"[A-Za-z0-9_]*")
_WS_RE = re.compile(rb"[ \t\r]*")
_WS_NL_RE = re.compile(rb"[ \t\r\n]*")
_PLAIN_STRING_RE = re.compile(rb'[^"\\\n\r\x00\x80-\xff]*')
_NEEDS_CARE_RE = re.compile(rb"[\x00\x80-\xff]")


def _plain_text(seg: bytes) -> bool:
    """True if scanning ``seg`` rune by rune could report no error (no NUL, BOM, bad UTF-8)."""
    if not _NEEDS_CARE_RE.search(seg):
        return True
    if b"\x00" in seg or b"\xef\xbb\xbf" in seg:
        return False
    try:
        seg.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_letter(ch: int) -> bool:
    if ch < 0x80:
        return 97 <= (ch | 0x20) <= 122 or ch == 95
    return chr(ch).isalpha() if ch <= 0x10FFFF else False  # Unicode category L


def _is_digit(ch: int) -> bool:
    if ch < 0x80:
        return 48 <= ch <= 57
    return chr(ch).isdecimal() if ch <= 0x10FFFF else False  # Unicode category Nd


def _is_decimal(ch: int) -> bool:
    return 48 <= ch <= 57


def _is_hex(ch: int) -> bool:
    return 48 <= ch <= 57 or 97 <= (ch | 0x20) <= 102


def _digit_val(ch: int) -> int:
    if 48 <= ch <= 57:
        return ch - 48
    if 97 <= (ch | 0x20) <= 102:
        return (ch | 0x20) - 97 + 10
    return 16


def _litname(prefix: str) -> str:
    return {"x": "hexadecimal literal", "o": "octal literal", "0": "octal literal",
            "b": "binary literal"}.get(prefix, "decimal literal")


def _invalid_sep(x: str) -> int:
    x1 = " "
    d = "."
    i = 0
    if len(x) >= 2 and x[0] == "0":
        x1 = x[1].lower()
        if x1 in "xob":
            d = "0"
            i = 2
    while i < len(x):
        p = d
        d = x[i]
        if d == "_":
            if p != "0":
                return i
        elif d.isascii() and (d.isdigit() or (x1 == "x" and d.lower() in "abcdef")):
            d = "0"
        else:
            if p == "_":
                return i - 1
            d = "."
        i += 1
    if d == "_":
        return len(x) - 1
    return -1


def _strip_cr(b: bytes, comment: bool) -> bytes:
    out = bytearray()
    n = len(b)
    for j in range(n):
        ch = b[j]
        if ch != 13 or (comment and len(out) > 2 and out[-1] == 42 and j + 1 < n and b[j + 1] == 47):
            out.append(ch)
    return bytes(out)


def _trailing_digits(text: bytes) -> tuple[int, int, bool]:
    i = text.rfind(b":")
    if i < 0:
        return 0, 0, False
    digits = text[i + 1:]
    if digits and digits.isdigit() and digits.isascii():
        significant = digits.lstrip(b"0")
        # past 20 digits it overflows uint64 anyway (and int() refuses 4,300 digits)
        v = int(significant or b"0") if len(significant) <= 20 else 1 << 64
        if v < 1 << 64:
            return i + 1, v, True
        return i + 1, (1 << 64) - 1, False
    return i + 1, 0, False


class _Scanner:
    """A port of go/scanner (ScanComments mode) over bytes, with fast paths for plain text."""

    __slots__ = ("file", "src", "n", "ch", "offset", "rd", "insert_semi", "errors")

    def __init__(self, file: _SourceFile, errors: list):
        self.file = file
        self.src = file.src
        self.n = len(self.src)
        self.errors = errors
        self.ch = 32
        self.offset = 0
        self.rd = 0
        self.insert_semi = False
        self.next()
        if self.ch == _BOM:
            self.next()

    def error(self, off: int, msg: str) -> None:
        fn, line, col = self.file.position(off)
        self.errors.append((fn, line, col, msg))

    def next(self) -> None:
        rd = self.rd
        if rd < self.n:
            self.offset = rd
            c = self.src[rd]
            if c == 0:
                self.error(rd, "illegal character NUL")
                w = 1
            elif c >= 0x80:
                c, w = _decode_rune(self.src, rd)
                if c == _RUNE_ERROR and w == 1:
                    self.error(rd, "illegal UTF-8 encoding")
                elif c == _BOM and rd > 0:
                    self.error(rd, "illegal byte order mark")
            else:
                w = 1
            self.rd = rd + w
            self.ch = c
        else:
            self.offset = self.n
            self.ch = _EOF

    def _jump(self, off: int) -> None:
        """Make the character at ``off`` current (everything skipped was checked to be plain)."""
        self.rd = off
        self.next()

    def peek(self) -> int:
        return self.src[self.rd] if self.rd < self.n else 0

    def skip_whitespace(self) -> None:
        ch = self.ch
        if ch == 32 or ch == 9 or ch == 13 or (ch == 10 and not self.insert_semi):
            m = (_WS_RE if self.insert_semi else _WS_NL_RE).match(self.src, self.offset)
            self._jump(m.end())

    # -- comments

    def scan_comment(self) -> bytes:
        # initial '/' already consumed; self.ch is '/' or '*'
        src = self.src
        offs = self.offset - 1
        nxt = -1
        num_cr = 0
        if self.ch == 47:  # '//'
            start = offs + 2
            e = src.find(b"\n", start)
            if e < 0:
                e = self.n
            seg = src[start:e]
            if _plain_text(seg):
                num_cr = seg.count(b"\r")
                self._jump(e)
            else:
                self.next()
                while self.ch != 10 and self.ch >= 0:
                    if self.ch == 13:
                        num_cr += 1
                    self.next()
            nxt = self.offset
            if self.ch == 10:
                nxt += 1
        else:
            start = offs + 2
            k = src.find(b"*/", start)
            if k >= 0 and _plain_text(src[start:k]):
                num_cr = src.count(b"\r", start, k)
                self._jump(k + 2)
                nxt = self.offset
            else:
                self.next()
                terminated = False
                while self.ch >= 0:
                    ch = self.ch
                    if ch == 13:
                        num_cr += 1
                    self.next()
                    if ch == 42 and self.ch == 47:
                        self.next()
                        nxt = self.offset
                        terminated = True
                        break
                if not terminated:
                    self.error(offs, "comment not terminated")
        lit = src[offs:self.offset]
        if num_cr > 0 and len(lit) >= 2 and lit[1] == 47 and lit[-1] == 13:
            lit = lit[:-1]
            num_cr -= 1
        if nxt >= 0 and lit[2:7] == b"line " and (
                lit[1] == 42 or offs == src.rfind(b"\n", 0, offs) + 1):
            self.update_line_info(nxt, offs, lit)
        if num_cr > 0:
            lit = _strip_cr(lit, lit[1] == 42)
        return lit

    def update_line_info(self, nxt: int, offs: int, text: bytes) -> None:
        if text[1] == 42:
            text = text[:-2]
        text = text[7:]
        offs += 7
        i, n, ok = _trailing_digits(text)
        if i == 0:
            return
        if not ok:
            self.error(offs + i, "invalid line number: " + text[i:].decode("utf-8", "replace"))
            return
        max_line_col = (1 << 30) - 1
        i2, n2, ok2 = _trailing_digits(text[:i - 1])
        if ok2:
            i, i2 = i2, i
            line, col = n2, n
            if col == 0 or col > max_line_col:
                self.error(offs + i2, "invalid column number: " + text[i2:].decode("utf-8", "replace"))
                return
            text = text[:i2 - 1]
        else:
            line, col = n, 0
        if line == 0 or line > max_line_col:
            self.error(offs + i, "invalid line number: " + text[i:].decode("utf-8", "replace"))
            return
        filename = text[:i - 1].decode("utf-8", "surrogateescape")
        if filename == "" and ok2:
            filename = self.file.position(offs)[0]
        elif filename != "":
            filename = go_clean(filename)
            if not filename.startswith("/"):
                filename = _go_join(self.file.dir, filename)
        self.file.add_line_column_info(nxt, filename, line, col)

    def find_line_end(self) -> bool:
        # initial '/' already consumed
        save = self.offset - 1
        try:
            while self.ch == 47 or self.ch == 42:
                if self.ch == 47:
                    return True
                self.next()
                while self.ch >= 0:
                    ch = self.ch
                    if ch == 10:
                        return True
                    self.next()
                    if ch == 42 and self.ch == 47:
                        self.next()
                        break
                self.skip_whitespace()
                if self.ch < 0 or self.ch == 10:
                    return True
                if self.ch != 47:
                    return False
                self.next()
            return False
        finally:
            self.ch = 47
            self.offset = save
            self.rd = save + 1
            self.next()

    # -- literals

    def scan_identifier(self) -> str:
        offs = self.offset
        m = _ASCII_IDENT_RE.match(self.src, self.rd)
        self._jump(m.end())
        while _is_letter(self.ch) or _is_digit(self.ch):
            self.next()
        return self.src[offs:self.offset].decode("utf-8", "replace")

    def digits(self, base: int, invalid: list[int] | None) -> int:
        digsep = 0
        if base <= 10:
            mx = 48 + base
            while _is_decimal(self.ch) or self.ch == 95:
                ds = 1
                if self.ch == 95:
                    ds = 2
                elif self.ch >= mx and invalid is not None and invalid[0] < 0:
                    invalid[0] = self.offset
                digsep |= ds
                self.next()
        else:
            while _is_hex(self.ch) or self.ch == 95:
                digsep |= 2 if self.ch == 95 else 1
                self.next()
        return digsep

    def scan_number(self) -> tuple[str, str]:
        offs = self.offset
        tok = "ILLEGAL"
        base = 10
        prefix = ""
        digsep = 0
        invalid = [-1]
        if self.ch != 46:
            tok = "INT"
            if self.ch == 48:
                self.next()
                lc = self.ch | 0x20 if self.ch >= 0 else -1
                if lc == 120:
                    self.next()
                    base, prefix = 16, "x"
                elif lc == 111:
                    self.next()
                    base, prefix = 8, "o"
                elif lc == 98:
                    self.next()
                    base, prefix = 2, "b"
                else:
                    base, prefix = 8, "0"
                    digsep = 1
            digsep |= self.digits(base, invalid)
        if self.ch == 46:
            tok = "FLOAT"
            if prefix in ("o", "b"):
                self.error(self.offset, "invalid radix point in " + _litname(prefix))
            self.next()
            digsep |= self.digits(base, invalid)
        if digsep & 1 == 0:
            self.error(self.offset, _litname(prefix) + " has no digits")
        e = self.ch | 0x20 if self.ch >= 0 else -1
        if e == 101 or e == 112:
            if e == 101 and prefix not in ("", "0"):
                self.error(self.offset, "%s exponent requires decimal mantissa" % go_quote_rune(self.ch))
            elif e == 112 and prefix != "x":
                self.error(self.offset, "%s exponent requires hexadecimal mantissa" % go_quote_rune(self.ch))
            self.next()
            tok = "FLOAT"
            if self.ch == 43 or self.ch == 45:
                self.next()
            ds = self.digits(10, None)
            digsep |= ds
            if ds & 1 == 0:
                self.error(self.offset, "exponent has no digits")
        elif prefix == "x" and tok == "FLOAT":
            self.error(self.offset, "hexadecimal mantissa requires a 'p' exponent")
        if self.ch == 105:
            tok = "IMAG"
            self.next()
        lit = self.src[offs:self.offset].decode("utf-8", "replace")
        if tok == "INT" and invalid[0] >= 0:
            bad = self.src[invalid[0]]
            self.error(invalid[0], "invalid digit %s in %s" % (go_quote_rune(bad), _litname(prefix)))
        if digsep & 2:
            i = _invalid_sep(lit)
            if i >= 0:
                self.error(offs + i, "'_' must separate successive digits")
        return tok, lit

    def scan_escape(self, quote: int) -> bool:
        offs = self.offset
        ch = self.ch
        if ch in (97, 98, 102, 110, 114, 116, 118, 92) or ch == quote:
            self.next()
            return True
        if 48 <= ch <= 55:
            n, base, mx = 3, 8, 255
        elif ch == 120:
            self.next()
            n, base, mx = 2, 16, 255
        elif ch == 117:
            self.next()
            n, base, mx = 4, 16, 0x10FFFF
        elif ch == 85:
            self.next()
            n, base, mx = 8, 16, 0x10FFFF
        else:
            self.error(offs, "escape sequence not terminated" if ch < 0 else "unknown escape sequence")
            return False
        x = 0
        while n > 0:
            d = _digit_val(self.ch) if self.ch >= 0 else 16
            if d >= base:
                if self.ch < 0:
                    msg = "escape sequence not terminated"
                else:
                    msg = "illegal character %s in escape sequence" % go_sharp_u(self.ch)
                self.error(self.offset, msg)
                return False
            x = x * base + d
            self.next()
            n -= 1
        if x > mx or 0xD800 <= x < 0xE000:
            self.error(offs, "escape sequence is invalid Unicode code point")
            return False
        return True

    def scan_rune(self) -> bytes:
        offs = self.offset - 1
        valid = True
        n = 0
        while True:
            ch = self.ch
            if ch == 10 or ch < 0:
                if valid:
                    self.error(offs, "rune literal not terminated")
                    valid = False
                break
            self.next()
            if ch == 39:
                break
            n += 1
            if ch == 92:
                if not self.scan_escape(39):
                    valid = False
        if valid and n != 1:
            self.error(offs, "illegal rune literal")
        return self.src[offs:self.offset]

    def scan_string(self) -> bytes:
        offs = self.offset - 1
        while True:
            if self.ch not in (34, 92, 10, 13, 0) and 0 <= self.ch < 0x80:
                m = _PLAIN_STRING_RE.match(self.src, self.offset)
                if m.end() > self.offset:
                    self._jump(m.end())
            ch = self.ch
            if ch == 10 or ch < 0:
                self.error(offs, "string literal not terminated")
                break
            self.next()
            if ch == 34:
                break
            if ch == 92:
                self.scan_escape(34)
        return self.src[offs:self.offset]

    def scan_raw_string(self) -> bytes:
        offs = self.offset - 1
        k = self.src.find(b"`", self.offset)
        if k >= 0 and _plain_text(self.src[self.offset:k]):
            self._jump(k + 1)
            lit = self.src[offs:self.offset]
            return _strip_cr(lit, False) if b"\r" in lit else lit
        has_cr = False
        while True:
            ch = self.ch
            if ch < 0:
                self.error(offs, "raw string literal not terminated")
                break
            self.next()
            if ch == 96:
                break
            if ch == 13:
                has_cr = True
        lit = self.src[offs:self.offset]
        return _strip_cr(lit, False) if has_cr else lit

    # -- tokens

    def _switch2(self, tok0: str, tok1: str) -> str:
        if self.ch == 61:
            self.next()
            return tok1
        return tok0

    def _switch3(self, tok0: str, tok1: str, ch2: int, tok2: str) -> str:
        if self.ch == 61:
            self.next()
            return tok1
        if self.ch == ch2:
            self.next()
            return tok2
        return tok0

    def _switch4(self, tok0: str, tok1: str, ch2: int, tok2: str, tok3: str) -> str:
        if self.ch == 61:
            self.next()
            return tok1
        if self.ch == ch2:
            self.next()
            if self.ch == 61:
                self.next()
                return tok3
            return tok2
        return tok0

    def scan(self) -> tuple[int, str, object]:
        """Next token as (offset, token, literal). Literals of STRING/CHAR/COMMENT are bytes."""
        while True:
            self.skip_whitespace()
            pos = self.offset
            insert_semi = False
            ch = self.ch
            lit: object = ""
            if ch >= 0 and _is_letter(ch):
                lit = self.scan_identifier()
                if len(lit) > 1 and lit in _KEYWORDS:
                    tok = lit
                    insert_semi = lit in ("break", "continue", "fallthrough", "return")
                else:
                    tok = "IDENT"
                    insert_semi = True
            elif _is_decimal(ch) or (ch == 46 and _is_decimal(self.peek())):
                insert_semi = True
                tok, lit = self.scan_number()
            else:
                self.next()
                if ch == -1:
                    if self.insert_semi:
                        self.insert_semi = False
                        return pos, ";", "\n"
                    tok = "EOF"
                elif ch == 10:
                    self.insert_semi = False
                    return pos, ";", "\n"
                elif ch == 34:
                    insert_semi = True
                    tok = "STRING"
                    lit = self.scan_string()
                elif ch == 39:
                    insert_semi = True
                    tok = "CHAR"
                    lit = self.scan_rune()
                elif ch == 96:
                    insert_semi = True
                    tok = "STRING"
                    lit = self.scan_raw_string()
                elif ch == 58:
                    tok = self._switch2(":", ":=")
                elif ch == 46:
                    tok = "."
                    if self.ch == 46 and self.peek() == 46:
                        self.next()
                        self.next()
                        tok = "..."
                elif ch == 44:
                    tok = ","
                elif ch == 59:
                    tok = ";"
                    lit = ";"
                elif ch == 40:
                    tok = "("
                elif ch == 41:
                    insert_semi = True
                    tok = ")"
                elif ch == 91:
                    tok = "["
                elif ch == 93:
                    insert_semi = True
                    tok = "]"
                elif ch == 123:
                    tok = "{"
                elif ch == 125:
                    insert_semi = True
                    tok = "}"
                elif ch == 43:
                    tok = self._switch3("+", "+=", 43, "++")
                    insert_semi = tok == "++"
                elif ch == 45:
                    tok = self._switch3("-", "-=", 45, "--")
                    insert_semi = tok == "--"
                elif ch == 42:
                    tok = self._switch2("*", "*=")
                elif ch == 47:
                    if self.ch == 47 or self.ch == 42:
                        if self.insert_semi and self.find_line_end():
                            self.ch = 47
                            self.offset = pos
                            self.rd = pos + 1
                            self.insert_semi = False
                            return pos, ";", "\n"
                        lit = self.scan_comment()
                        tok = "COMMENT"
                    else:
                        tok = self._switch2("/", "/=")
                elif ch == 37:
                    tok = self._switch2("%", "%=")
                elif ch == 94:
                    tok = self._switch2("^", "^=")
                elif ch == 60:
                    if self.ch == 45:
                        self.next()
                        tok = "<-"
                    else:
                        tok = self._switch4("<", "<=", 60, "<<", "<<=")
                elif ch == 62:
                    tok = self._switch4(">", ">=", 62, ">>", ">>=")
                elif ch == 61:
                    tok = self._switch2("=", "==")
                elif ch == 33:
                    tok = self._switch2("!", "!=")
                elif ch == 38:
                    if self.ch == 94:
                        self.next()
                        tok = self._switch2("&^", "&^=")
                    else:
                        tok = self._switch3("&", "&=", 38, "&&")
                elif ch == 124:
                    tok = self._switch3("|", "|=", 124, "||")
                elif ch == 126:
                    tok = "~"
                else:
                    if ch != _BOM:
                        self.error(pos, "illegal character " + go_sharp_u(ch))
                    insert_semi = self.insert_semi
                    tok = "ILLEGAL"
                    lit = chr(ch) if ch <= 0x10FFFF else "\ufffd"
            self.insert_semi = insert_semi
            return pos, tok, lit


# ---------------------------------------------------------------------------------------------
# go/parser in ImportsOnly|ParseComments mode

_STMT_START = frozenset(
    ("break", "const", "continue", "defer", "fallthrough", "for", "go", "goto", "if", "return",
     "select", "switch", "type", "var")
)
_ILLEGAL_IMPORT_CHARS = frozenset(ord(c) for c in '!"#$%&\'()*,:;<=>?[\\]^{|}`\ufffd')


def _go_unquote(lit: bytes) -> bytes | None:
    """strconv.Unquote for a double-quoted or raw string literal; None on syntax error."""
    n = len(lit)
    if n < 2:
        return None
    q = lit[0]
    if q == 96:
        if lit[-1] != 96 or b"`" in lit[1:-1]:
            return None
        return lit[1:-1].replace(b"\r", b"")
    if q != 34 or lit[-1] != 34:
        return None
    body = lit[1:-1]
    if b"\\" not in body and b"\n" not in body and b'"' not in body:
        try:
            body.decode("utf-8")
            return body
        except UnicodeDecodeError:
            pass
    out = bytearray()
    i, m = 0, len(body)
    while i < m:
        c = body[i]
        if c == 34 or c == 10:
            return None
        if c >= 0x80:
            r, w = _decode_rune(body, i)
            out += body[i:i + w] if not (r == _RUNE_ERROR and w == 1) else "\ufffd".encode()
            i += w
            continue
        if c != 92:
            out.append(c)
            i += 1
            continue
        if i + 1 >= m:
            return None
        e = body[i + 1]
        i += 2
        simple = {97: 7, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9, 118: 11, 92: 92, 34: 34}
        if e in simple:
            out.append(simple[e])
        elif e in (120, 117, 85):
            k = {120: 2, 117: 4, 85: 8}[e]
            hexs = body[i:i + k]
            if len(hexs) < k or not all(_is_hex(h) for h in hexs):
                return None
            v = int(hexs, 16)
            i += k
            if e == 120:
                out.append(v)
            else:
                if v > 0x10FFFF or 0xD800 <= v < 0xE000:
                    return None
                out += chr(v).encode("utf-8")
        elif 48 <= e <= 55:
            octs = body[i:i + 2]
            if len(octs) < 2 or not all(48 <= o <= 55 for o in octs):
                return None
            v = ((e - 48) << 6) | ((octs[0] - 48) << 3) | (octs[1] - 48)
            i += 2
            if v > 255:
                return None
            out.append(v)
        else:
            return None
    return bytes(out)


_PLAIN_IMPORT_RE = re.compile(rb'[^\x00-\x20\x7f-\xff!"#$%&\'()*,:;<=>?\[\\\]^{|}`]+')


def _is_valid_import(lit: bytes) -> bool:
    s = _go_unquote(lit)
    if not s:
        return False
    if _PLAIN_IMPORT_RE.fullmatch(s):
        return True
    for r in _go_runes(s):
        # unicode.IsGraphic is IsPrint plus the Zs spaces, all of which are in _GO_SPACES
        if not chr(r).isprintable() or chr(r) in _GO_SPACES or r in _ILLEGAL_IMPORT_CHARS:
            return False
    return True


def _lit_text(lit: object) -> str:
    if isinstance(lit, bytes):
        return lit.decode("utf-8", "replace")
    return lit  # type: ignore[return-value]


class _ParsedHeader:
    """``comments``: the comment groups, each a list of (offset, text); ``imports``: the import
    path literals as written (quoted)."""

    __slots__ = ("package_offset", "name", "name_offset", "comments", "imports")

    def __init__(self, package_offset: int, name: str, name_offset: int, comments: list, imports: list):
        self.package_offset = package_offset
        self.name = name
        self.name_offset = name_offset
        self.comments = comments
        self.imports = imports


class _Parser:
    __slots__ = ("file", "errors", "scanner", "comments", "pos", "tok", "lit", "sync_pos",
                 "sync_cnt", "imports")

    def __init__(self, file: _SourceFile, errors: list):
        self.file = file
        self.errors = errors
        self.comments: list = []
        self.imports: list = []
        self.pos: int | None = None
        self.tok = "ILLEGAL"
        self.lit: object = ""
        self.sync_pos = -1
        self.sync_cnt = 0
        self.scanner = _Scanner(file, self.errors)
        self.next()

    def next0(self) -> None:
        self.pos, self.tok, self.lit = self.scanner.scan()

    def consume_comment_group(self, n: int) -> int:
        group = []
        line = self.file.line
        endline = line(self.pos)
        while self.tok == "COMMENT" and line(self.pos) <= endline + n:
            lit = self.lit
            endline = line(self.pos)
            if lit[1] == 42:  # type: ignore[index]
                endline += lit.count(b"\n")  # type: ignore[union-attr]
            group.append((self.pos, lit))
            self.next0()
        self.comments.append(group)
        return endline

    def next(self) -> None:
        prev = self.pos
        self.next0()
        if self.tok == "COMMENT":
            if self.file.line(self.pos) == self.file.line(prev):
                self.consume_comment_group(0)
            while self.tok == "COMMENT":
                self.consume_comment_group(1)

    def error(self, pos: int | None, msg: str) -> None:
        fn, line, col = self.file.position(pos)
        n = len(self.errors)
        if n > 0 and self.errors[-1][1] == line:
            return
        if n > 10:
            raise _Bailout()
        self.errors.append((fn, line, col, msg))

    def error_expected(self, pos: int | None, msg: str) -> None:
        msg = "expected " + msg
        if pos == self.pos:
            if self.tok == ";" and self.lit == "\n":
                msg += ", found newline"
            elif self.tok in _LITERAL_TOKENS:
                msg += ", found " + _lit_text(self.lit)
            else:
                msg += ", found '" + self.tok + "'"
        self.error(pos, msg)

    def expect(self, tok: str) -> int | None:
        pos = self.pos
        if self.tok != tok:
            self.error_expected(pos, "'" + tok + "'")
        self.next()
        return pos

    def expect_semi(self) -> None:
        if self.tok != ")" and self.tok != "}":
            if self.tok == ",":
                self.error_expected(self.pos, "';'")
                self.next()
            elif self.tok == ";":
                self.next()
            else:
                self.error_expected(self.pos, "';'")
                self.advance(_STMT_START)

    def advance(self, to: frozenset) -> None:
        while self.tok != "EOF":
            if self.tok in to:
                if self.pos == self.sync_pos and self.sync_cnt < 10:
                    self.sync_cnt += 1
                    return
                if self.pos > self.sync_pos:  # type: ignore[operator]
                    self.sync_pos = self.pos  # type: ignore[assignment]
                    self.sync_cnt = 0
                    return
            self.next()

    def parse_import_spec(self) -> None:
        if self.tok == "." or self.tok == "IDENT":
            self.next()
        pos = self.pos
        path = b""
        if self.tok == "STRING":
            path = self.lit  # type: ignore[assignment]
            if not _is_valid_import(path):
                self.error(pos, "invalid import path: " + _lit_text(path))
            self.next()
        else:
            self.expect("STRING")
        self.expect_semi()
        self.imports.append(path)

    def parse_gen_decl(self) -> None:
        self.expect("import")
        if self.tok == "(":
            self.next()
            while self.tok != ")" and self.tok != "EOF":
                self.parse_import_spec()
            self.expect(")")
            self.expect_semi()
        else:
            self.parse_import_spec()

    def parse_file(self) -> _ParsedHeader | None:
        if self.errors:
            return None
        pkg_pos = self.expect("package")
        name_pos = self.pos
        if self.tok == "IDENT":
            name = self.lit
            self.next()
        else:
            name = "_"
            self.expect("IDENT")
        self.expect_semi()
        if self.errors:
            return None
        while self.tok == "import":
            self.parse_gen_decl()
        return _ParsedHeader(pkg_pos, name, name_pos, self.comments, self.imports)  # type: ignore[arg-type]


def _parse_go_file(filename: str, src: bytes) -> _ParsedHeader | str:
    """Parse a file's header as go/parser.ParseFile(ImportsOnly|ParseComments) does.

    Returns the header, or the error text Go's ``scanner.ErrorList`` would give.
    """
    file = _SourceFile(filename, src)
    errors: list = []
    result = None
    try:
        p = _Parser(file, errors)
        result = p.parse_file()
    except _Bailout:
        result = None
    if errors:
        errors.sort()
        fn, line, col, msg = errors[0]
        text = _format_position(fn, line, col) + ": " if (fn or line > 0) else ""
        text += msg
        if len(errors) > 1:
            text += " (and %d more errors)" % (len(errors) - 1)
        return text
    assert result is not None
    return result


# ---------------------------------------------------------------------------------------------
# Data model


class Package(FrozenRecord):
    """A Go package as dep sees it (a subset of go/build.Package).

    ``name`` is from the package clause ("" if no file decided it); ``comment_path`` is the
    import comment, if any; ``imports`` (from non-test files) and ``test_imports`` (from
    ``*_test.go`` files) are sorted and deduplicated.
    """

    __slots__ = ("import_path", "name", "comment_path", "imports", "test_imports")

    def __init__(self, import_path: str, name: str, comment_path: str = "", imports: tuple[str, ...] = (),
                 test_imports: tuple[str, ...] = ()) -> None:
        set_field(self, "import_path", import_path)
        set_field(self, "name", name)
        set_field(self, "comment_path", comment_path)
        set_field(self, "imports", imports)
        set_field(self, "test_imports", test_imports)


class PackageError(FrozenRecord):
    """Why a directory is not a usable package.  ``str()`` is dep's message.

    ``detail``: the conflicting comments, local imports or canonical path.
    """

    __slots__ = ("kind", "message", "detail")

    def __init__(self, kind: str, message: str, detail: tuple[str, ...] = ()) -> None:
        set_field(self, "kind", kind)
        set_field(self, "message", message)
        set_field(self, "detail", detail)

    NO_GO = "no-go"  # *build.NoGoError
    PARSE = "parse"  # scanner.ErrorList
    CONFLICTING_IMPORT_COMMENTS = "conflicting-import-comments"
    NON_CANONICAL_IMPORT_ROOT = "non-canonical-import-root"
    LOCAL_IMPORTS = "local-imports"
    MISSING = "missing"  # only in reach-map problems: no package at an imported internal path

    def __str__(self) -> str:
        return self.message

    @property
    def go_type(self) -> str:
        """What Go's ``%T`` prints for the underlying error."""
        return _GO_TYPES[self.kind]

    @property
    def is_no_go(self) -> bool:
        return self.kind == PackageError.NO_GO


_GO_TYPES = {
    PackageError.NO_GO: "*build.NoGoError",
    PackageError.PARSE: "scanner.ErrorList",
    PackageError.CONFLICTING_IMPORT_COMMENTS: "*pkgtree.ConflictingImportComments",
    PackageError.NON_CANONICAL_IMPORT_ROOT: "*pkgtree.NonCanonicalImportRoot",
    PackageError.LOCAL_IMPORTS: "*pkgtree.LocalImportsError",
    PackageError.MISSING: "*errors.errorString",
}


class PackageOrErr(FrozenRecord):
    """The result for one directory: exactly one of ``package`` / ``error`` is set."""

    __slots__ = ("package", "error")

    def __init__(self, package: Package | None = None, error: PackageError | None = None) -> None:
        set_field(self, "package", package)
        set_field(self, "error", error)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""

    @property
    def kind(self) -> str:
        return self.error.kind if self.error is not None else ""

    @property
    def is_no_go(self) -> bool:
        return self.error is not None and self.error.kind == PackageError.NO_GO


class ProblemImportError(FrozenRecord):
    """Why a package was left out of a reach map (Go's ``pkgtree.ProblemImportError``).

    ``cause``: the internal packages from ``import_path``'s import to the broken one.
    """

    __slots__ = ("import_path", "cause", "err")

    def __init__(self, import_path: str, cause: tuple[str, ...], err: PackageError) -> None:
        set_field(self, "import_path", import_path)
        set_field(self, "cause", cause)
        set_field(self, "err", err)

    @property
    def message(self) -> str:
        n = len(self.cause)
        if n == 0:
            return "%s contains malformed code: %s" % (go_quote(self.import_path), self.err.message)
        if n == 1:
            return "%s imports %s, which contains malformed code: %s" % (
                go_quote(self.import_path), go_quote(self.cause[0]), self.err.message)
        return "%s transitively (through %d packages) imports %s, which contains malformed code: %s" % (
            go_quote(self.import_path), n - 1, go_quote(self.cause[-1]), self.err.message)

    def __str__(self) -> str:
        return self.message


class ReachEntry(tuple):
    """(internal, external): the sorted internal import paths a package reaches (broken and
    missing ones included) and the sorted external ones; a named pair, like a namedtuple."""

    __slots__ = ()
    internal = property(itemgetter(0))
    external = property(itemgetter(1))

    def __new__(cls, internal: tuple[str, ...], external: tuple[str, ...]) -> ReachEntry:
        return tuple.__new__(cls, (internal, external))

    def __getnewargs__(self) -> tuple:
        return tuple(self)  # copies and pickles call __new__ with the two fields

    def __repr__(self) -> str:
        return f"ReachEntry(internal={self[0]!r}, external={self[1]!r})"


class ReachMap(dict):
    """import path -> ReachEntry."""

    def flatten(self, exclude: Callable[[str], bool] | None = None) -> list[str]:
        """FlattenFn: sorted external imports of the visible packages, minus ``exclude``d ones."""
        seen: set[str] = set()
        for pkg, entry in self.items():
            if is_hidden_import_path(pkg):
                continue
            seen.update(entry.external)
        if exclude is not None:
            return sorted(x for x in seen if not exclude(x))
        return sorted(seen)


# ---------------------------------------------------------------------------------------------
# Ignore rules


class IgnoredRuleset:
    """Gopkg.toml's ``ignored``: ``p*`` ignores every path with string prefix p; others are exact.

    Mirrors dep's radix-tree behaviour: rules are inserted in sorted order, an exact rule covered
    by an earlier wildcard is dropped, and a lookup consults only the longest stored prefix.
    """

    __slots__ = ("_rules", "_lengths")

    def __init__(self, patterns: Iterable[str] | None = None):
        self._rules: dict[str, bool] = {}  # prefix -> wildcard?
        for pat in sorted(patterns or ()):
            if pat == "*" or pat == "":
                continue
            has, wild = self._longest(pat)
            if pat.endswith("*"):
                if has and wild:
                    continue
                self._insert(pat[:-1], True)
            elif not has or not wild:
                self._insert(pat, False)

    def _insert(self, key: str, wild: bool) -> None:
        self._rules[key] = wild
        self._lengths = sorted({len(k) for k in self._rules}, reverse=True)

    def _longest(self, path: str) -> tuple[bool, bool]:
        """(found, wildcard) for the longest rule key that is a prefix of ``path``."""
        rules = self._rules
        if not rules:
            return False, False
        plen = len(path)
        for ln in self._lengths:
            if ln <= plen:
                w = rules.get(path[:ln])
                if w is not None:
                    return True, w
        return False, False

    def is_ignored(self, path: str) -> bool:
        if not path or not self._rules:
            return False
        rules = self._rules
        plen = len(path)
        for ln in self._lengths:
            if ln <= plen:
                w = rules.get(path[:ln])
                if w is not None:
                    return w or ln == plen
        return False

    def __len__(self) -> int:
        return len(self._rules)

    def to_list(self) -> list[str]:
        """The effective rules, sorted by prefix, wildcards spelled with their ``*``."""
        return [k + "*" if self._rules[k] else k for k in sorted(self._rules) if k]

    def __repr__(self) -> str:
        return "IgnoredRuleset(%r)" % self.to_list()


def _as_ruleset(ignore: IgnoredRuleset | Iterable[str] | None) -> IgnoredRuleset:
    if isinstance(ignore, IgnoredRuleset):
        return ignore
    return IgnoredRuleset(ignore)


# ---------------------------------------------------------------------------------------------
# Package tree


def _eq_or_slashed_prefix(s: str, prefix: str) -> bool:
    return s.startswith(prefix) and (len(s) == len(prefix) or s[len(prefix)] == "/")


class PackageTree(Record):
    __slots__ = ("import_root", "packages")

    def __init__(self, import_root: str, packages: dict[str, PackageOrErr] | None = None) -> None:
        self.import_root = import_root
        self.packages = {} if packages is None else packages

    def copy(self) -> "PackageTree":
        return PackageTree(self.import_root, dict(self.packages))

    def to_reach_map(self, main: bool, tests: bool, backprop: bool,
                     ignore: IgnoredRuleset | Iterable[str] | None = None,
                     ) -> tuple[ReachMap, dict[str, ProblemImportError]]:
        """dep's ToReachMap: per package, the internal packages and external imports it reaches.

        ``main``: include ``package main`` packages; ``tests``: follow test imports;
        ``backprop``: drop importers of broken or missing internal packages (recording why).
        Returns (reach map, problems).  Import cycles are fine: their members reach the same sets.
        """
        ig = _as_ruleset(ignore)
        root = self.import_root
        errs: dict[str, PackageError] = {}
        ex_of: dict[str, set[str]] = {}
        in_of: dict[str, set[str]] = {}
        for ip, poe in self.packages.items():
            if poe.error is not None:
                errs[ip] = poe.error
                continue
            p = poe.package
            assert p is not None
            if p.name == "main" and not main:
                continue
            if ig.is_ignored(ip):
                continue
            imps: Iterable[str] = p.imports
            if tests and p.test_imports:
                imps = set(p.imports).union(p.test_imports)
            ex: set[str] = set()
            inn: set[str] = set()
            for imp in imps:
                if imp == "." or ig.is_ignored(imp):
                    continue
                if _eq_or_slashed_prefix(imp, root):
                    inn.add(imp)
                else:
                    ex.add(imp)
            ex_of[ip] = ex
            in_of[ip] = inn

        def is_bad(q: str) -> bool:
            return q not in ex_of  # broken (in errs) or not in the work map at all

        # Strongly connected components of the clean packages (iterative Tarjan); components come
        # out in reverse topological order, so successors are always finished first.
        succ = {p: sorted(q for q in in_of[p] if q in ex_of) for p in ex_of}
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        comp_of: dict[str, int] = {}
        comp_ex: list[set[str]] = []
        comp_in: list[set[str]] = []
        comp_bad: list[bool] = []
        counter = 0
        for start in sorted(ex_of):
            if start in index:
                continue
            work = [(start, 0)]
            index[start] = low[start] = counter
            counter += 1
            stack.append(start)
            on_stack.add(start)
            while work:
                v, i = work[-1]
                nbrs = succ[v]
                if i < len(nbrs):
                    work[-1] = (v, i + 1)
                    w = nbrs[i]
                    if w not in index:
                        index[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack.add(w)
                        work.append((w, 0))
                    elif w in on_stack:
                        if index[w] < low[v]:
                            low[v] = index[w]
                    continue
                work.pop()
                if work:
                    u = work[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    cid = len(comp_ex)
                    members = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp_of[w] = cid
                        members.append(w)
                        if w == v:
                            break
                    cex: set[str] = set()
                    cin: set[str] = set()
                    bad = False
                    for m in members:
                        cex |= ex_of[m]
                        cin |= in_of[m]
                        if not bad and any(is_bad(q) for q in in_of[m]):
                            bad = True
                    for m in members:
                        for q in succ[m]:
                            c = comp_of[q]
                            if c != cid:
                                cex |= comp_ex[c]
                                cin |= comp_in[c]
                                bad = bad or comp_bad[c]
                    comp_ex.append(cex)
                    comp_in.append(cin)
                    comp_bad.append(bad)

        problems: dict[str, ProblemImportError] = {}
        for ip, err in errs.items():
            problems[ip] = ProblemImportError(ip, (), err)

        rm = ReachMap()
        entries: dict[int, ReachEntry] = {}
        for ip in ex_of:
            cid = comp_of[ip]
            if backprop and comp_bad[cid]:
                continue
            entry = entries.get(cid)
            if entry is None:
                entry = entries[cid] = ReachEntry(tuple(sorted(comp_in[cid])), tuple(sorted(comp_ex[cid])))
            rm[ip] = entry

        if backprop:
            poisoned = [ip for ip in ex_of if comp_bad[comp_of[ip]]]
            if poisoned:
                self._explain_poison(poisoned, succ, in_of, is_bad, errs, problems)
        return rm, problems

    @staticmethod
    def _explain_poison(poisoned, succ, in_of, is_bad, errs, problems) -> None:
        """Record, for each poisoned package, a shortest import chain to a broken package."""
        # hop[p]: next package on a shortest chain from p to a broken/missing package.
        hop: dict[str, str] = {}
        dist: dict[str, int] = {}
        pred: dict[str, list[str]] = {}
        pset = set(poisoned)
        for p in poisoned:
            for q in succ[p]:
                if q in pset:
                    pred.setdefault(q, []).append(p)
        frontier = []
        for p in sorted(poisoned):
            bad = sorted(q for q in in_of[p] if is_bad(q))
            if bad:
                hop[p] = bad[0]
                dist[p] = 1
                frontier.append(p)
        d = 1
        while frontier:
            nxt_level: dict[str, str] = {}
            for q in frontier:
                for p in pred.get(q, ()):
                    if p in dist:
                        continue
                    cur = nxt_level.get(p)
                    if cur is None or q < cur:
                        nxt_level[p] = q
            d += 1
            frontier = sorted(nxt_level)
            for p in frontier:
                hop[p] = nxt_level[p]
                dist[p] = d
        for p in poisoned:
            chain = []
            cur = p
            while True:
                nx = hop[cur]
                chain.append(nx)
                if nx not in dist:
                    break
                cur = nx
            tail = chain[-1]
            err = errs.get(tail) or PackageError(PackageError.MISSING, "no package exists at " + go_quote(tail))
            problems[p] = ProblemImportError(p, tuple(chain), err)

    def trim_hidden_packages(self, main: bool, tests: bool,
                             ignore: IgnoredRuleset | Iterable[str] | None = None) -> "PackageTree":
        """A new tree without ignored packages and without hidden ones no visible package reaches.

        Hidden: some path element starts with ``.`` or ``_`` or is ``testdata``.  Visible packages
        with errors are kept.
        """
        ig = _as_ruleset(ignore)
        rm, problems = self.to_reach_map(main, tests, False, ig)
        preserve: set[str] = set()
        for pkg, entry in rm.items():
            if not is_hidden_import_path(pkg) and not ig.is_ignored(pkg):
                preserve.add(pkg)
                preserve.update(entry.internal)
        for pkg in problems:
            if not is_hidden_import_path(pkg) and not ig.is_ignored(pkg):
                preserve.add(pkg)
        return PackageTree(self.import_root,
                           {ip: poe for ip, poe in self.packages.items() if ip in preserve})


def external_imports(tree: PackageTree, ignore: IgnoredRuleset | Iterable[str] | None = None,
                     required: Iterable[str] | None = None) -> list[str]:
    """The root project's input imports (dep's ``externalImportList``; Gopkg.lock ``input-imports``).

    ``ToReachMap(main, tests, no backprop, ignore)`` flattened over visible packages, minus
    standard-library paths, plus every ``required`` path; sorted and deduplicated.  ``tree`` is
    meant to be the trimmed root tree (``trim_hidden_packages(True, True, ignore)``), as dep uses;
    trimming does not change the result, so an untrimmed tree gives the same list.
    """
    rm, _ = tree.to_reach_map(True, True, False, ignore)
    reach = set(rm.flatten(is_standard_import_path))
    if required:
        reach.update(required)
    return sorted(reach)


# ---------------------------------------------------------------------------------------------
# ListPackages

_SKIP_DIRS = frozenset(("vendor", ".git", ".bzr", ".svn", ".hg"))
_BUILD_PREFIX = "// +build "
_IMPORT_KWD = "import "


def _go_trim_space(s: str) -> str:
    return s.strip(_GO_SPACES_STR)


def _fields_build(s: str) -> list[str]:
    out, cur = [], []
    for ch in s:
        if ch == "," or ch in _GO_SPACES:
            if cur:
                out.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        out.append("".join(cur))
    return out


def _import_comment(text: bytes) -> str:
    """The path of an import comment (``// import "x.com/p"``), given the comment's text."""
    if text.startswith(b"//"):
        eol = text.find(b"\n")
        text = text[2:eol if eol >= 0 else len(text)]
    elif text.startswith(b"/*"):
        text = text[2:]
        end = text.find(b"*/")
        if end < 0:
            return ""
        text = text[:end]
        if b"\n" in text:
            return ""
    t = _go_trim_space(text.decode("utf-8", "surrogateescape"))
    if not t.startswith(_IMPORT_KWD):
        return ""
    return _go_trim_space(t[len(_IMPORT_KWD):]).strip('"')


def _is_local_import(imp: str) -> bool:
    return imp == "." or imp == ".." or imp.startswith("./") or imp.startswith("../")


class _BadPattern(Exception):
    pass


def _glob_get_esc(chunk: bytes) -> tuple[int, bytes]:
    if not chunk or chunk[0] in b"-]":
        raise _BadPattern
    if chunk[0] == 92:
        chunk = chunk[1:]
        if not chunk:
            raise _BadPattern
    r, n = _decode_rune(chunk, 0)
    bad = r == _RUNE_ERROR and n == 1
    chunk = chunk[n:]
    if bad or not chunk:
        raise _BadPattern
    return r, chunk


def _glob_match_chunk(chunk: bytes, s: bytes) -> tuple[bytes, bool]:
    failed = False
    while chunk:
        if not failed and not s:
            failed = True
        c = chunk[0]
        if c == 91:  # '['
            r = -1
            if not failed:
                r, n = _decode_rune(s, 0)
                s = s[n:]
            chunk = chunk[1:]
            negated = False
            if chunk and chunk[0] == 94:
                negated = True
                chunk = chunk[1:]
            match = False
            nrange = 0
            while True:
                if chunk and chunk[0] == 93 and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _glob_get_esc(chunk)
                hi = lo
                if chunk[0] == 45:
                    hi, chunk = _glob_get_esc(chunk[1:])
                if lo <= r <= hi:
                    match = True
                nrange += 1
            if match == negated:
                failed = True
        elif c == 63:  # '?'
            if not failed:
                if s[0] == 47:
                    failed = True
                _, n = _decode_rune(s, 0)
                s = s[n:]
            chunk = chunk[1:]
        else:
            if c == 92:
                chunk = chunk[1:]
                if not chunk:
                    raise _BadPattern
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
    if failed:
        return b"", False
    return s, True


def _glob_scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    star = False
    while pattern and pattern[0] == 42:
        pattern = pattern[1:]
        star = True
    inrange = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == 92:
            if i + 1 < len(pattern):
                i += 1
        elif c == 91:
            inrange = True
        elif c == 93:
            inrange = False
        elif c == 42 and not inrange:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _glob_match(pattern: bytes, name: bytes) -> bool:
    """path/filepath.Match on bytes; raises _BadPattern."""
    while pattern:
        star, chunk, pattern = _glob_scan_chunk(pattern)
        if star and not chunk:
            return b"/" not in name
        t, ok = _glob_match_chunk(chunk, name)
        if ok and (not t or pattern):
            name = t
            continue
        if star:
            matched = False
            i = 0
            while i < len(name) and name[i] != 47:
                t, ok = _glob_match_chunk(chunk, name[i + 1:])
                if ok:
                    if not pattern and t:
                        i += 1
                        continue
                    name = t
                    matched = True
                    break
                i += 1
            if matched:
                continue
        return False
    return not name


def _glob_has_meta(path: bytes) -> bool:
    return any(c in path for c in (b"*", b"?", b"[", b"\\"))


def _glob_dir(d: bytes, pattern: bytes, matches: list[bytes]) -> None:
    """Go's glob in one directory, except that a symlinked directory is not entered: a
    directory ``[x]`` would otherwise read ``*.go`` through a sibling symlink ``x -> /elsewhere``."""
    try:
        if not _stat.S_ISDIR(os.lstat(d).st_mode):
            return
        names = sorted(os.listdir(d))
    except OSError:
        return
    for n in names:
        if _glob_match(pattern, n):
            matches.append(os.path.join(d, n) if d != b"/" else b"/" + n)


def _go_glob(pattern: bytes, depth: int = 0) -> list[bytes]:
    """path/filepath.Glob; raises _BadPattern."""
    _glob_match(pattern, b"")
    if not _glob_has_meta(pattern):
        try:
            os.lstat(pattern)
        except OSError:
            return []
        return [pattern]
    i = pattern.rfind(b"/")
    d, file = pattern[:i + 1], pattern[i + 1:]
    if d == b"":
        d = b"."
    elif d != b"/":
        d = d[:-1]
    matches: list[bytes] = []
    if not _glob_has_meta(d):
        _glob_dir(d, file, matches)
        return matches
    if d == pattern:
        raise _BadPattern
    for m in _go_glob(d, depth + 1):
        _glob_dir(m, file, matches)
    return matches


class _GlobFile:
    """A ``*.go`` match from Go's Glob when the directory path itself holds glob metacharacters."""

    __slots__ = ("path", "name")

    def __init__(self, path: str):
        self.path = path
        self.name = os.path.basename(path)

    def is_dir(self) -> bool:
        return os.path.isdir(self.path)

    def is_symlink(self) -> bool:
        return os.path.islink(self.path)


def _go_files_by_pattern(dir_path: str) -> list:
    try:
        found = _go_glob(os.fsencode(dir_path) + b"/*.go")
    except _BadPattern:
        raise PackageTreeError("syntax error in pattern") from None
    return [_GlobFile(os.fsdecode(m)) for m in found]


# What dep takes from one file's header: (package name, import comment or "", whether a
# "// +build" line before the package clause says ignore, import paths), or the parse error.
_HeaderFacts = tuple  # tuple[str, str, bool, list[str]]


def _header_facts(path: str, src: bytes) -> _HeaderFacts | str:
    """The facts of a file, read with the exact scanner and parser (``_parse_go_file``)."""
    hdr = _parse_go_file(path, src)
    if isinstance(hdr, str):
        return hdr
    after_pkg = hdr.name_offset + len(hdr.name.encode("utf-8")) + 1
    comment = ""
    ignored = False
    for group in hdr.comments:
        slash, text = group[0]
        if slash == after_pkg:
            comment = _import_comment(text)
        if slash < hdr.package_offset and _group_says_ignore(text for _, text in group):
            ignored = True
    imports = []
    for raw in hdr.imports:
        val = _go_unquote(raw)
        if val is None:  # cannot happen: the parser validated it
            raise PackageTreeError("invalid syntax")
        imports.append(val.decode("utf-8", "surrogateescape"))
    return hdr.name, comment, ignored, imports


def _group_says_ignore(texts) -> bool:
    """dep inspects the first ``// +build `` line of a comment group for an ``ignore`` tag."""
    for text in texts:
        if text.startswith(b"// +build "):
            tags = text.decode("utf-8", "surrogateescape")[len(_BUILD_PREFIX):]
            return "ignore" in _fields_build(tags)
    return False


# The fast path: the usual well-formed header, matched by one regular expression.
#
# It takes a header only when the exact scanner and parser would report no error and the facts
# are plain to read off the match: ASCII identifiers that are not keywords, import paths without
# escapes, comments between tokens, ";" or the end of the line after a token that ends a
# statement, and after the imports the end of the file or an identifier (func, var, ...)
# followed by an ASCII character, which is where Go stops reading. Anything else (escapes, a
# BOM, CR, NUL, //line directives, a /* */ comment before the end of a statement's line) goes
# to the exact reader; tests/test_pkgtree_fast.py checks that both agree.

_IDENT = rb"[A-Za-z_]\w*+"  # keywords are turned away after the match (in bytes, \w is [A-Za-z0-9_])
_GAP = rb"(?>[ \t\n]++|//[^\n]*+|/\*(?>[^*]++|\*(?!/))*+\*/)*+"  # white space and comments
_SEMI = rb"[ \t]*+(?:;|(?://[^\n]*+)?(?:\n|\Z))"  # after a statement's end: ";" or end of line
_PATH = rb"[-+./0-9@A-Z_a-z~]++"  # the bytes _PLAIN_IMPORT_RE allows
_SPEC = rb"(?:" + _IDENT + rb"[ \t]*+|\.[ \t]*+)?(?:\"" + _PATH + rb"\"|`" + _PATH + rb"`)"
_IMPORT_DECL = (rb"import(?!\w)[ \t]*+(?:" + _SPEC + rb"|\((?:" + _GAP + _SPEC
                + rb"(?:" + _SEMI + rb"|[ \t]*+(?=\))))*+" + _GAP + rb"\))" + _SEMI)
# (the pattern is kept short: compiling it is paid by every run)
_FAST_HEADER_RE = re.compile(
    rb"(?P<doc>" + _GAP + rb")package[ \t]++(?P<name>" + _IDENT + rb")" + _SEMI
    + rb"(?P<decls>(?:" + _GAP + _IMPORT_DECL + rb")*+)" + _GAP
    + rb"(?:(?P<next>" + _IDENT + rb")(?![\x00\x80-\xff])|\Z)")
_FAST_TOKEN_RE = re.compile(rb'//[^\n]*|/\*.*?\*/|"([^"]*)"|`([^`]*)`|([A-Za-z_]\w*)', re.S)
_FAST_COMMENT_RE = re.compile(rb"//[^\n]*|/\*.*?\*/", re.S)
_LINE_DIRECTIVE_RE = re.compile(rb"(?://|/\*)line ")
_KEYWORDS_B = frozenset(k.encode() for k in _KEYWORDS)


def _fast_header_facts(src: bytes) -> _HeaderFacts | None:
    """The facts of a usual header, or None when only the exact reader can tell."""
    m = _FAST_HEADER_RE.match(src)
    if m is None or m["next"] == b"import" or m["name"] in _KEYWORDS_B:
        return None
    seen = src[:m.end()]
    if b"\r" in seen or b"\x00" in seen or (b"line " in seen and _LINE_DIRECTIVE_RE.search(seen)):
        return None
    if not seen.isascii():
        if b"\xef\xbb\xbf" in seen:
            return None
        try:
            seen.decode("utf-8")
        except UnicodeDecodeError:
            return None
    # An import comment starts one byte after the name: after a blank or ";", or on the next line.
    comment = ""
    after = m.end("name") + 1
    if src[after - 1:after] in b" \t;\n" and src[after:after + 1] == b"/" and src[after + 1:after + 2] in b"/*":
        if src[after + 1] == 0x2F:  # "//"
            end = src.find(b"\n", after)
            text = src[after:end if end >= 0 else len(src)]
        else:
            text = src[after:src.index(b"*/", after + 2) + 2]
        comment = _import_comment(text)
    doc_end = m.end("doc")
    ignored = b"+build" in src[:doc_end] and _fast_build_ignored(src, doc_end)
    imports = []
    for quoted, raw, ident in _FAST_TOKEN_RE.findall(src, m.start("decls"), m.end("decls")):
        if quoted or raw:
            imports.append((quoted or raw).decode("ascii"))
        elif ident and ident != b"import" and ident in _KEYWORDS_B:  # not an alias name
            return None
    return m["name"].decode("ascii"), comment, ignored, imports


def _fast_build_ignored(src: bytes, end: int) -> bool:
    """Whether ``// +build ignore`` applies, grouping the comments before the package clause as
    go/parser does: a comment joins the group if it starts at most one line below its end."""
    group: list[bytes] = []
    group_end_line = -1
    line, pos = 1, 0
    for c in _FAST_COMMENT_RE.finditer(src, 0, end):
        line += src.count(b"\n", pos, c.start())
        text = c[0]
        if group and line > group_end_line + 1:
            if _group_says_ignore(group):
                return True
            group = []
        group.append(text)
        line += text.count(b"\n")
        group_end_line = line
        pos = c.end()
    return _group_says_ignore(group)


def _fill_package(dir_path: str, import_path: str, go_files: list, read) -> PackageOrErr | Package:
    """Go's fillPackage for one directory; ``go_files`` are the sorted ``*.go`` entries (with
    ``name`` and ``path``); ``read(entry)`` is the file's bytes, or None when Go would pass over
    it (a directory, an unreadable file)."""
    if not go_files:
        return PackageOrErr(error=PackageError(PackageError.NO_GO,
                                               "no buildable Go source files in " + dir_path))
    name = ""
    imports: set[str] = set()
    test_imports: set[str] = set()
    comments: set[str] = set()
    for entry in go_files:
        fname = entry.name
        if fname[0] in "_.":
            continue
        src = read(entry)
        if src is None:
            continue
        path = entry.path
        facts = _fast_header_facts(src) or _header_facts(path, src)
        if isinstance(facts, str):
            return PackageOrErr(error=PackageError(PackageError.PARSE, facts))
        file_name, comment, ignored, file_imports = facts
        if comment:
            comments.add(comment)
        is_test = fname.endswith("_test.go")
        if not name and not ignored:
            name = file_name[:-5] if is_test and file_name.endswith("_test") else file_name
        (test_imports if is_test else imports).update(file_imports)
    if len(comments) > 1:
        conflicting = tuple(sorted(comments))
        return PackageOrErr(error=PackageError(
            PackageError.CONFLICTING_IMPORT_COMMENTS,
            "import path %s had conflicting import comments: %s"
            % (import_path, ", ".join(go_quote(c) for c in conflicting)),
            conflicting))
    return Package(import_path, name, next(iter(comments)) if comments else "",
                   tuple(sorted(imports)), tuple(sorted(test_imports)))


def _package_or_error(dir_path: str, import_path: str, import_root: str,
                      go_files: list, read) -> PackageOrErr:
    res = _fill_package(dir_path, import_path, go_files, read)
    if isinstance(res, PackageOrErr):
        return res
    pkg = res
    if pkg.comment_path and not pkg.comment_path.startswith(import_root):
        return PackageOrErr(error=PackageError(
            PackageError.NON_CANONICAL_IMPORT_ROOT,
            "import root %s is not a prefix for the package's declared canonical path %s"
            % (go_quote(import_root), go_quote(pkg.comment_path)),
            (pkg.comment_path,)))
    local = [imp for imp in pkg.imports + pkg.test_imports if imp != "." and _is_local_import(imp)]
    if local:
        if len(local) == 1:
            msg = "import path %s had a local import: %s" % (import_path, go_quote(local[0]))
        else:
            msg = "import path %s had local imports: %s" % (import_path, ", ".join(go_quote(i) for i in local))
        return PackageOrErr(error=PackageError(PackageError.LOCAL_IMPORTS, msg, tuple(local)))
    return PackageOrErr(package=pkg)


def _read_file(path: str) -> bytes:
    """The whole file (os.open and os.read cost less per file than open().read()).

    Only a regular file is read: a FIFO named ``x.go``, or a symlink to one or to /dev/zero,
    would block or never end (Go would hang on it), so it is an error naming the file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # NONBLOCK: opening a FIFO must not wait
    try:
        if not _stat.S_ISREG(os.fstat(fd).st_mode):
            raise PackageTreeError(f"{path} is not a regular file (a FIFO, device or socket), "
                                   "so it cannot be Go source: remove it or rename it")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def _sorted_entries(dir_path: str) -> list[os.DirEntry]:
    """The directory's entries in Go's order (by name, byte-wise)."""
    with os.scandir(dir_path) as it:
        entries = list(it)
    entries.sort(key=_entry_name)
    # UTF-8 keeps code point order, so str order is byte order unless a name is not UTF-8
    # (surrogateescape); only then compare the bytes.
    if not "".join([e.name for e in entries]).isascii():
        entries.sort(key=_entry_name_bytes)
    return entries


_entry_name = attrgetter("name")


def _entry_name_bytes(e: os.DirEntry) -> bytes:
    return os.fsencode(e.name)


def _has_glob_meta(name: str) -> bool:
    return "*" in name or "?" in name or "[" in name or "\\" in name


def list_packages(file_root: str, import_root: str) -> PackageTree:
    """dep's ListPackages: every directory at or below ``file_root``, as a package or an error.

    ``import_root`` is the import path of ``file_root``.  Directories named vendor, .git, .bzr,
    .svn or .hg are not entered; symlinks are not followed; unreadable directories are skipped.
    Malformed Go code is recorded per directory; a failure that dep treats as fatal (such as an
    unreadable ``*.go`` file other than for permissions) raises ``PackageTreeError``.
    """
    tree = PackageTree(import_root, {})
    root = os.path.abspath(os.fspath(file_root))
    try:
        st = os.lstat(root)
    except PermissionError:
        return tree
    except OSError as e:
        raise PackageTreeError(go_path_error("lstat", root, e)) from e
    if not _stat.S_ISDIR(st.st_mode):
        return tree
    real_root = os.path.realpath(root)

    def inside(path: str) -> bool:
        target = os.path.realpath(path)
        return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)

    def scan(dir_path: str, _shown: str, glob_meta: bool):
        try:
            entries = _sorted_entries(dir_path)
        except PermissionError:
            return None
        except OSError as e:
            raise PackageTreeError(go_path_error("open", dir_path, e)) from e
        if glob_meta:
            # Go globs "<dir>/*.go", so metacharacters in the directory path act as a pattern
            go_files = _go_files_by_pattern(dir_path)
        else:
            go_files = [e for e in entries if e.name.endswith(".go")]
        subdirs = []
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    subdirs.append((e.name, e.path))
            except OSError:
                continue
        return go_files, subdirs

    def read(entry) -> bytes | None:
        path = entry.path
        try:
            if entry.is_dir():  # follows symlinks, like os.Stat
                return None
        except OSError:
            pass
        if entry.is_symlink() and not inside(path):
            return None  # never read outside the tree (a repository's x.go -> ~/.netrc): as unreadable
        try:
            return _read_file(path)
        except PermissionError:
            return None
        except OSError as e:
            raise PackageTreeError(go_path_error("open", path, e)) from e

    if os.path.basename(root) not in _SKIP_DIRS:
        walk_packages(tree, root, root, scan, read)
    return tree


def walk_packages(tree: PackageTree, root_node, root_path: str, scan, read) -> None:
    """ListPackages' walk over any tree of directories, filling ``tree.packages``.

    ``root_path`` is the absolute path the messages name for the root directory, its
    subdirectories being ``<root_path>/<rel>``. ``scan(node, dir_path, glob_meta)`` lists one
    directory: ``(go_files, subdirs)`` in byte order of names, ``go_files`` holding every entry
    named ``*.go`` (with ``name`` and ``path``) and ``subdirs`` ``(name, node)`` for the
    directories (not symlinks), or None to skip it; ``glob_meta`` says whether the directory's
    path holds glob metacharacters, which make Go's ``*.go`` a pattern over other directories.
    ``read(entry)`` is as for ``_fill_package``. ``list_packages`` walks the file system; the
    git source walks its object store without writing files.
    """
    packages = tree.packages
    import_root = tree.import_root
    root_is_slash = root_path == "/"

    # depth first, in name order, with a stack rather than recursion: a repository's
    # directories may nest deeper than Python's recursion limit
    stack = [(root_node, root_path, "", _go_join(import_root, ""), _glob_has_meta(os.fsencode(root_path)))]
    while stack:
        node, dir_path, rel, ip, glob_meta = stack.pop()
        found = scan(node, dir_path, glob_meta)
        if found is None:
            continue
        go_files, subdirs = found
        packages[ip] = _package_or_error(dir_path, ip, import_root, go_files, read)
        children = []
        for name, child in subdirs:
            if name in _SKIP_DIRS:
                continue
            child_rel = rel + "/" + name if rel else name
            if ip in ("", ".", "/"):  # appending would not give the cleaned path
                child_ip = _go_join(import_root, child_rel if root_is_slash else "/" + child_rel)
            else:
                child_ip = ip + "/" + name  # ip is clean and name is one plain element
            children.append((child, os.path.join(dir_path, name), child_rel, child_ip,
                             glob_meta or _has_glob_meta(name)))
        stack.extend(reversed(children))
