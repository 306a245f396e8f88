"""Go's semantic versions (golang.org/x/mod/semver), as the go command reads them.

Differences from semver.org that matter: the ``v`` prefix is required, and ``vMAJOR`` and
``vMAJOR.MINOR`` (without prerelease or build) are shorthands for ``.0.0`` / ``.0``. Invalid
versions compare equal to each other and below every valid one; ``canonical`` drops build
metadata, so ``+incompatible`` needs ``module.canonical_version`` to survive.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

__all__ = [
    "is_valid", "canonical", "major", "major_minor", "prerelease", "build", "compare", "max",
    "sort_versions", "from_dep_version",
]


class _Parsed(NamedTuple):
    major: str
    minor: str
    patch: str
    short: str        # ".0.0" / ".0" appended by canonical for shorthands
    prerelease: str   # with its leading "-"
    build: str        # with its leading "+"


def _num(s: str, i: int) -> int:
    """End of a decimal number starting at ``i`` without a leading zero, or -1."""
    j = i
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    if j == i or (s[i] == "0" and j - i > 1):
        return -1
    return j


def _ident_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "-")


def _bad_num(ident: str) -> bool:
    return len(ident) > 1 and ident.isdigit() and ident.isascii() and ident[0] == "0"


def _idents_ok(body: str, numeric_rule: bool) -> bool:
    if body == "":
        return False
    for ident in body.split("."):
        if ident == "" or not all(_ident_char(c) for c in ident):
            return False
        if numeric_rule and _bad_num(ident):
            return False
    return True


@functools.lru_cache(maxsize=4096)
def _parse(v: str) -> _Parsed | None:
    if not v or v[0] != "v":
        return None
    i = _num(v, 1)
    if i < 0:
        return None
    maj = v[1:i]
    if i == len(v):
        return _Parsed(maj, "0", "0", ".0.0", "", "")
    if v[i] != ".":
        return None
    j = _num(v, i + 1)
    if j < 0:
        return None
    minor = v[i + 1:j]
    if j == len(v):
        return _Parsed(maj, minor, "0", ".0", "", "")
    if v[j] != ".":
        return None
    k = _num(v, j + 1)
    if k < 0:
        return None
    patch = v[j + 1:k]
    rest = v[k:]
    pre = bld = ""
    if rest.startswith("-"):
        end = rest.find("+")
        pre = rest if end < 0 else rest[:end]
        if not _idents_ok(pre[1:], True):
            return None
        rest = rest[len(pre):]
    if rest.startswith("+"):
        bld = rest
        if not _idents_ok(bld[1:], False):
            return None
        rest = ""
    if rest:
        return None
    return _Parsed(maj, minor, patch, "", pre, bld)


def is_valid(v: str) -> bool:
    """Whether ``v`` is a valid Go semantic version (``v`` prefix, shorthands allowed)."""
    return _parse(v) is not None


def canonical(v: str) -> str:
    """``vX.Y.Z[-pre]``: shorthands filled in, build metadata dropped; "" when invalid."""
    p = _parse(v)
    if p is None:
        return ""
    if p.build:
        return v[:len(v) - len(p.build)]
    return v + p.short


def major(v: str) -> str:
    """``v2`` for ``v2.1.0``; "" when invalid."""
    p = _parse(v)
    return "" if p is None else "v" + p.major


def major_minor(v: str) -> str:
    """``v2.1`` for ``v2.1.0``; "" when invalid."""
    p = _parse(v)
    return "" if p is None else f"v{p.major}.{p.minor}"


def prerelease(v: str) -> str:
    """``-pre`` for ``v2.1.0-pre+meta``; "" when none or invalid."""
    p = _parse(v)
    return "" if p is None else p.prerelease


def build(v: str) -> str:
    """``+meta`` for ``v2.1.0+meta``; "" when none or invalid."""
    p = _parse(v)
    return "" if p is None else p.build


def _cmp_int(x: str, y: str) -> int:
    if x == y:
        return 0
    if len(x) != len(y):
        return -1 if len(x) < len(y) else 1
    return -1 if x < y else 1


def _cmp_pre(x: str, y: str) -> int:
    if x == y:
        return 0
    if x == "":
        return 1
    if y == "":
        return -1
    xs, ys = x[1:].split("."), y[1:].split(".")
    for dx, dy in zip(xs, ys):
        if dx == dy:
            continue
        nx, ny = dx.isdigit(), dy.isdigit()
        if nx != ny:
            return -1 if nx else 1
        if nx:
            return _cmp_int(dx, dy)
        return -1 if dx < dy else 1
    if len(xs) == len(ys):
        return 0
    return -1 if len(xs) < len(ys) else 1


def compare(v: str, w: str) -> int:
    """-1, 0 or +1 by semver precedence; invalid < valid, invalids equal; build ignored."""
    pv, pw = _parse(v), _parse(w)
    if pv is None and pw is None:
        return 0
    if pv is None:
        return -1
    if pw is None:
        return 1
    for a, b in ((pv.major, pw.major), (pv.minor, pw.minor), (pv.patch, pw.patch)):
        c = _cmp_int(a, b)
        if c:
            return c
    return _cmp_pre(pv.prerelease, pw.prerelease)


def max(v: str, w: str) -> str:  # noqa: A001 - mirrors semver.Max
    """The greater of the two, canonicalized (ties give ``w``), as semver.Max does."""
    v, w = canonical(v), canonical(w)
    return v if compare(v, w) > 0 else w


def sort_versions(versions) -> list[str]:
    """Ascending by precedence, ties broken by the strings (semver.Sort)."""
    return sorted(versions, key=functools.cmp_to_key(
        lambda a, b: compare(a, b) or ((a > b) - (a < b))))


def from_dep_version(text: str) -> str:
    """Go's canonical form of one of dep's version strings, or "" when it has none.

    dep accepts tags with or without the ``v`` (``1.2.3``, ``v1.2``, ``v1.2.3+meta``); this is
    the version those tags denote under Go's rules. Note the go command itself only takes a
    tag as a module version when the tag *is* canonical (with ``v``): callers decide that.
    """
    t = text.strip()
    if not t:
        return ""
    if t[0] != "v":
        t = "v" + t
    return canonical(t)
