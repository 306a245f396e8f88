"""Module paths and versions as golang.org/x/mod/module defines them.

Which strings the go command accepts as module paths, import paths and file paths (the error
texts are Go's, one line), the case-escaping used in the module cache and proxy URLs
(``!`` + lower case for each upper-case letter), the major-version suffix of a path
(``/vN``, or gopkg.in's ``.vN``) and whether a version fits it, ``+incompatible`` included.
"""

from __future__ import annotations

from dep.errors import DepError
from dep.gomod import semver

__all__ = [
    "InvalidPathError", "InvalidVersionError",
    "check_path", "check_import_path", "check_file_path", "check",
    "escape_path", "unescape_path", "escape_version", "unescape_version",
    "split_path_version", "match_path_major", "check_path_major", "path_major_prefix",
    "canonical_version", "is_incompatible", "incompatible_version",
]


class InvalidPathError(DepError):
    """A module, import or file path the go command would reject."""


class InvalidVersionError(DepError):
    """A version that does not fit its module path, or cannot be escaped."""


_BAD_WINDOWS_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)])

_MODULE, _IMPORT, _FILE = "module", "import", "file"


def go_quote(s: str) -> str:
    """Go's ``%q`` for a string (strconv.Quote), close enough for error texts."""
    out = ['"']
    for ch in s:
        out.append(_quote_char(ch, '"'))
    out.append('"')
    return "".join(out)


def go_quote_rune(ch: str) -> str:
    """Go's ``%q`` for a rune (strconv.QuoteRune)."""
    return "'" + _quote_char(ch, "'") + "'"


def _quote_char(ch: str, quote: str) -> str:
    o = ord(ch)
    if ch == quote or ch == "\\":
        return "\\" + ch
    special = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}
    if o in special:
        return special[o]
    if o < 0x20 or o == 0x7F:
        return f"\\x{o:02x}"
    if 0xD800 <= o <= 0xDFFF:  # lone surrogates (invalid UTF-8 in Go)
        return "\\ufffd"
    if o < 0x80 or ch.isprintable():
        return ch
    if o <= 0xFFFF:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


def _mod_path_ok(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "-._~")


def _import_path_ok(c: str) -> bool:
    return _mod_path_ok(c) or c == "+"


def _file_name_ok(c: str) -> bool:
    if c.isascii():
        return c.isalnum() or c in "!#$%&()+,-.=@[]^_{}~ "
    return c.isalpha()


def _first_path_ok(c: str) -> bool:
    return c in "-." or ("0" <= c <= "9") or ("a" <= c <= "z")


def _valid_utf8(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_elem(elem: str, kind: str) -> str | None:
    """Why ``elem`` is not a valid path element of ``kind``, or None."""
    if elem == "":
        return "empty path element"
    if elem.count(".") == len(elem):
        return f"invalid path element {go_quote(elem)}"
    if elem[0] == "." and kind == _MODULE:
        return "leading dot in path element"
    if elem[-1] == ".":
        return "trailing dot in path element"
    ok = {_MODULE: _mod_path_ok, _IMPORT: _import_path_ok, _FILE: _file_name_ok}[kind]
    for c in elem:
        if not ok(c):
            return f"invalid char {go_quote_rune(c)}"
    short = elem.split(".", 1)[0]
    if short.upper() in _BAD_WINDOWS_NAMES:
        return f"{go_quote(short)} disallowed as path element component on Windows"
    if kind == _FILE:
        return None
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1 and all("0" <= c <= "9" for c in short[tilde + 1:]):
        return "trailing tilde and digits in path element"
    return None


def _check_path(path: str, kind: str) -> str | None:
    if not _valid_utf8(path):
        return "invalid UTF-8"
    if path == "":
        return "empty string"
    if path[0] == "-" and kind != _FILE:
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for elem in path.split("/"):
        why = _check_elem(elem, kind)
        if why:
            return why
    return None


def _path_error(kind: str, path: str, why: str) -> InvalidPathError:
    return InvalidPathError(f"malformed {kind} path {go_quote(path)}: {why}")


def check_path(path: str) -> None:
    """Raise InvalidPathError unless ``path`` is a valid module path (module.CheckPath)."""
    why = _check_path(path, _MODULE)
    if why is None:
        first = path.split("/", 1)[0]
        if first == "":
            why = "leading slash"
        elif "." not in first:
            why = "missing dot in first path element"
        elif path[0] == "-":
            why = "leading dash in first path element"
        else:
            bad = next((c for c in first if not _first_path_ok(c)), None)
            if bad is not None:
                why = f"invalid char {go_quote_rune(bad)} in first path element"
            elif not split_path_version(path)[2]:
                why = "invalid version"
    if why:
        raise _path_error(_MODULE, path, why)


def check_import_path(path: str) -> None:
    """Raise InvalidPathError unless ``path`` is a valid import path (module.CheckImportPath)."""
    why = _check_path(path, _IMPORT)
    if why:
        raise _path_error(_IMPORT, path, why)


def check_file_path(path: str) -> None:
    """Raise InvalidPathError unless ``path`` is a valid slash-separated file path in a module."""
    why = _check_path(path, _FILE)
    if why:
        raise _path_error(_FILE, path, why)


def check(path: str, version: str) -> None:
    """Raise unless ``path`` is a module path and ``version`` a valid version fitting it."""
    check_path(path)
    if not semver.is_valid(version):
        raise InvalidVersionError(f"malformed semantic version {version}")
    _, path_major, _ = split_path_version(path)
    if not match_path_major(version, path_major):
        want = path_major or "v0 or v1"
        if want[0] == ".":
            want = want[1:]
        raise InvalidVersionError(f"mismatched module path {path} and version {version} (want {want})")


def split_path_version(path: str) -> tuple[str, str, bool]:
    """(prefix, path_major, ok): ``example.com/m/v2`` -> (``example.com/m``, ``/v2``, True).

    path_major is "" (v0/v1), ``/vN`` with N >= 2, or for gopkg.in ``.vN`` (any N, maybe with
    ``-unstable``). ok is False for suffixes CheckPath rejects (``/v1``, ``/v0``, ``/v2.1``,
    ``/v02``, gopkg.in paths without ``.vN``).
    """
    if path.startswith("gopkg.in/"):
        return _split_gopkg_in(path)
    i = len(path)
    dot = False
    while i > 0 and (path[i - 1].isascii() and (path[i - 1].isdigit() or path[i - 1] == ".")):
        if path[i - 1] == ".":
            dot = True
        i -= 1
    if i <= 1 or i == len(path) or path[i - 1] != "v" or path[i - 2] != "/":
        return path, "", True
    prefix, path_major = path[:i - 2], path[i - 2:]
    if dot or len(path_major) <= 2 or path_major[2] == "0" or path_major == "/v1":
        return path, "", False
    return prefix, path_major, True


def _split_gopkg_in(path: str) -> tuple[str, str, bool]:
    i = len(path)
    if path.endswith("-unstable"):
        i -= len("-unstable")
    while i > 0 and path[i - 1].isascii() and path[i - 1].isdigit():
        i -= 1
    if i <= 1 or path[i - 1] != "v" or path[i - 2] != ".":
        return path, "", False
    prefix, path_major = path[:i - 2], path[i - 2:]
    if len(path_major) <= 2 or (path_major[2] == "0" and path_major != ".v0"):
        return path, "", False
    return prefix, path_major, True


def check_path_major(v: str, path_major: str) -> None:
    """Raise InvalidVersionError unless version ``v`` fits ``path_major`` (module.CheckPathMajor)."""
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major[:-len("-unstable")]
    if v.startswith("v0.0.0-") and path_major == ".v1":
        return  # old pseudo-versions made for gopkg.in .v1 paths stay acceptable
    m = semver.major(v)
    if path_major == "":
        if m in ("v0", "v1") or semver.build(v) == "+incompatible":
            return
        want = "v0 or v1"
    elif path_major[0] in "/.":
        if m == path_major[1:]:
            return
        want = path_major[1:]
    else:
        want = path_major
    raise InvalidVersionError(f"version {go_quote(v)} invalid: should be {want}, not {m}")


def match_path_major(v: str, path_major: str) -> bool:
    """Whether version ``v`` may be a version of a module whose path ends in ``path_major``."""
    try:
        check_path_major(v, path_major)
    except InvalidVersionError:
        return False
    return True


def path_major_prefix(path_major: str) -> str:
    """``v2`` for ``/v2``, ``.v2`` or ``.v2-unstable``; "" for v0/v1 paths."""
    if path_major == "":
        return ""
    if path_major[0] not in "/.":
        raise ValueError(f"path major suffix {path_major} lacks a separator")
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major[:-len("-unstable")]
    m = path_major[1:]
    if m != semver.major(m):
        raise ValueError(f"path major suffix {path_major} is not a valid major version")
    return m


def canonical_version(v: str) -> str:
    """semver.canonical, keeping a ``+incompatible`` build suffix (module.CanonicalVersion)."""
    cv = semver.canonical(v)
    if semver.build(v) == "+incompatible":
        cv += "+incompatible"
    return cv


def is_incompatible(v: str) -> bool:
    return semver.build(v) == "+incompatible"


def incompatible_version(v: str, path: str, has_go_mod: bool) -> str:
    """The version a tag ``v`` (canonical) gives module ``path``: ``+incompatible`` added when
    the path has no major suffix, the version is v2+ and the tree has no go.mod (the only case
    the go command allows it); raises InvalidVersionError when the version cannot be used."""
    _, path_major, _ = split_path_version(path)
    if match_path_major(v, path_major):
        return v
    if path_major == "" and not has_go_mod:
        return v + "+incompatible"
    try:
        check_path_major(v, path_major)
    except InvalidVersionError as e:
        raise InvalidVersionError(f"{path}@{v}: module contains a go.mod file, so major version must be "
                                  f"compatible: {str(e).split(': ', 1)[-1]}") from None
    return v  # pragma: no cover


# --- escaping ------------------------------------------------------------------------------

def _escape_string(s: str) -> str:
    for c in s:
        if c == "!" or not c.isascii():
            raise InvalidPathError("internal error: inconsistency in EscapePath")
    if not any("A" <= c <= "Z" for c in s):
        return s
    return "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in s)


def _unescape_string(escaped: str) -> str | None:
    out = []
    bang = False
    for c in escaped:
        if not c.isascii():
            return None
        if bang:
            bang = False
            if not ("a" <= c <= "z"):
                return None
            out.append(c.upper())
            continue
        if c == "!":
            bang = True
            continue
        if "A" <= c <= "Z":
            return None
        out.append(c)
    if bang:
        return None
    return "".join(out)


def escape_path(path: str) -> str:
    """The module-cache / proxy form of a module path: ``github.com/!azure/x`` for ``Azure``."""
    check_path(path)
    return _escape_string(path)


def unescape_path(escaped: str) -> str:
    """Inverse of escape_path; raises InvalidPathError for malformed escapes or paths."""
    path = _unescape_string(escaped)
    if path is None:
        raise InvalidPathError(f"invalid escaped module path {go_quote(escaped)}")
    try:
        check_path(path)
    except InvalidPathError as e:
        raise InvalidPathError(f"invalid escaped module path {go_quote(escaped)}: {e}") from None
    return path


def escape_version(v: str) -> str:
    """The module-cache / proxy form of a version (same ``!`` escaping; no ``!`` allowed)."""
    if _check_elem(v, _FILE) is not None or "!" in v:
        raise InvalidVersionError(f"version {go_quote(v)} invalid: disallowed version string")
    return _escape_string(v)


def unescape_version(escaped: str) -> str:
    """Inverse of escape_version."""
    v = _unescape_string(escaped)
    if v is None:
        raise InvalidVersionError(f"invalid escaped version {go_quote(escaped)}")
    why = _check_elem(v, _FILE)
    if why:
        raise InvalidVersionError(f"invalid escaped version {go_quote(v)}: {why}")
    return v


def is_major(mpath: str, path_major: str) -> bool:
    """Whether a go.mod declaring ``mpath`` serves a module whose path has the major suffix
    ``path_major`` (the go command's codeRepo isMajor): a go.mod may name another path (a
    fork), but not another major version."""
    if not mpath:
        return False
    _, mmajor, ok = split_path_version(mpath)
    if not ok:
        return False
    if path_major == "":
        return path_major_prefix(mmajor) in ("", "v0", "v1")
    if mmajor == "":
        return False
    return path_major[1:] == mmajor[1:]
