"""Reading Gopkg.toml and Gopkg.lock without importing tomllib in the usual case.

tomllib costs ~8 ms of startup (it imports typing, string and datetime) and parses character by
character. ``loads`` reads the TOML that dep writes and that people usually write, with a few
regular expressions: ``[table]`` and ``[[array.of.tables]]`` headers with bare names, ``key =
value`` with bare keys, strings without escapes, booleans, decimal integers, arrays of those,
and comments. The result is what ``tomllib.loads`` returns. Any other document (other syntax,
and every malformed one) is given to tomllib itself, so its results and error messages are
tomllib's; tests/test_tomlread.py checks that both readers agree. The exceptions are hostile
documents tomllib would crash on (integers over 4300 digits, deep nesting) or need gigabytes
for (dotted keys of thousands of parts): those are TOMLErrors with messages of our own.
"""

from __future__ import annotations

import re

__all__ = ["TOMLError", "loads"]


class TOMLError(ValueError):
    """tomllib's ``TOMLDecodeError``, with the same message (raised without importing tomllib
    up front)."""


_CTRL = r"\x00-\x08\x0a-\x1f\x7f"  # control characters TOML allows in no string or comment
_KEY = r"[A-Za-z0-9_-]+"
# (what may follow a scalar is checked by the patterns around it, so "truex", "1.5" and dates fail)
_SCALAR = rf"""(?:"[^"\\{_CTRL}]*+"|'[^'{_CTRL}]*+'|true|false|[+-]?(?:0|[1-9][0-9]*+))"""
_BLANK = rf"(?>[ \t\n]++|\r\n|#[^{_CTRL}]*+)*+"  # between array elements: spaces, newlines, comments
# each element is followed by a comma or by the closing bracket
_ARRAY = rf"\[{_BLANK}(?:{_SCALAR}{_BLANK}(?:,{_BLANK}|(?=\])))*+\]"
_STATEMENT_RE = re.compile(
    rf"[ \t]*+(?:(?P<key>{_KEY})[ \t]*+=[ \t]*+(?P<value>{_SCALAR}|{_ARRAY})"
    rf"|\[(?P<table>{_KEY})\]|\[\[(?P<array>{_KEY})(?:\.(?P<sub>{_KEY}))?\]\])"
    rf"?[ \t]*+(?:#[^{_CTRL}]*+)?(?:\r?\n|\Z)")
_ELEMENT_RE = re.compile(r"""#[^\n]*|("[^"]*"|'[^']*'|true|false|[+-]?[0-9]+)""")


# tomllib keeps every prefix of a dotted key, so a key of n parts costs O(n²) memory (a 200 kB
# line needs 40 GB); such keys are refused before tomllib sees them.
_MAX_KEY_PARTS = 1000
_LONG_DOTTED_KEY_RE = re.compile(
    rf"""(?:^|[{{,])[ \t]*(?:(?:{_KEY}|"[^"\n]*"|'[^'\n]*')[ \t]*\.[ \t]*){{{_MAX_KEY_PARTS}}}""",
    re.M)


def loads(text: str) -> dict:
    """``tomllib.loads(text)``; raises ``TOMLError`` with tomllib's message, or with ours for
    documents tomllib would crash on or take unbounded memory for (hostile Gopkg files)."""
    try:
        doc = _read_common(text)
    except ValueError:  # an integer over Python's 4300-digit int() limit: tomllib reports it
        doc = None
    if doc is not None:
        return doc
    if _LONG_DOTTED_KEY_RE.search(text):
        raise TOMLError(f"a dotted key has more than {_MAX_KEY_PARTS} parts")
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TOMLError(str(e)) from None
    except ValueError:  # int() refuses more than 4300 digits (TOMLDecodeError is caught above)
        raise TOMLError("an integer has too many digits") from None
    except RecursionError:
        raise TOMLError("arrays or inline tables are nested too deeply") from None


def _scalar(token: str) -> str | bool | int:
    first = token[0]
    if first == '"' or first == "'":
        return token[1:-1]
    if first == "t":
        return True
    if first == "f":
        return False
    return int(token)


def _read_common(text: str) -> dict | None:
    """The document, or None when it is not in the common subset (or not valid TOML)."""
    root: dict = {}
    table = root
    arrays: set[int] = set()  # ids of the lists made by [[...]] headers (not `key = [...]`)
    pos, end = 0, len(text)
    match = _STATEMENT_RE.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            return None
        pos = m.end()
        key, name = m["key"], m["table"]
        if key is not None:
            if key in table:
                return None
            value = m["value"]
            if value[0] == "[":
                table[key] = [_scalar(e) for e in _ELEMENT_RE.findall(value) if e]
            else:
                table[key] = _scalar(value)
        elif name is not None:
            if name in root:
                return None  # TOML allows some re-openings; tomllib decides those
            table = root[name] = {}
        elif m["array"] is not None:
            parent, name = root, m["array"]
            if m["sub"] is not None:
                parent = root.setdefault(name, {})
                if parent.__class__ is not dict:
                    return None  # [[a.b]] under an array of tables or a value
                name = m["sub"]
            tables = parent.get(name)
            if tables is None:
                tables = parent[name] = []
                arrays.add(id(tables))
            elif id(tables) not in arrays:
                return None
            table = {}
            tables.append(table)
    return root
