"""The go command's module-download settings, read where and as the go command reads them.

A setting comes from the environment when set there and non-empty, else from the go
command's env file (what ``go env -w`` writes): ``$GOENV`` (``off``: none), else
``<user config dir>/go/env``, i.e. ``$XDG_CONFIG_HOME/go/env`` (an absolute path) or
``$HOME/.config/go/env``. The file holds ``KEY=value`` lines; a line without ``=`` or not
starting with an upper-case ASCII letter is ignored, nothing is trimmed or unquoted, and
a later line wins (cmd/go/internal/cfg readEnvFile).

The go command's built-in defaults from ``$GOROOT/go.env`` (``GOPROXY=proxy.golang.org,direct``)
do not apply: dep uses a module proxy only when the user configured one, and stays VCS-only
otherwise. ``GOSUMDB`` keeps Go's default, ``sum.golang.org``, once a proxy is in use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from dep.errors import DepError
from dep.gomod.module import go_quote

__all__ = ["GoEnv", "GoEnvError", "ProxyEntry", "SumDBConfig", "env_file_path",
           "match_prefix_patterns", "KNOWN_SUMDB_KEYS"]

#: Verifier keys of the checksum databases the go command knows by name (modfetch/key.go).
KNOWN_SUMDB_KEYS = {
    "sum.golang.org": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
}
_DEFAULT_SUMDB = "sum.golang.org"


class GoEnvError(DepError):
    """A Go setting dep needs cannot be used as written."""


class ProxyEntry(NamedTuple):
    """One GOPROXY element: a base URL, or ``direct`` / ``off`` literally.
    ``fallback_on_any_error``: it was followed by ``|`` (not ``,``), so any error from it,
    not just "not found", moves on to the next entry."""

    url: str
    fallback_on_any_error: bool


class SumDBConfig(NamedTuple):
    """The checksum database to verify against: its name, verifier key and the URL to
    reach it directly (``https://<name>`` unless GOSUMDB gave one). ``url_given``: GOSUMDB
    named the URL, so it is used as is, never through a proxy's ``/sumdb/<name>/``."""

    name: str
    key: str
    url: str
    url_given: bool = False


def env_file_path(environ: Mapping[str, str]) -> str | None:
    """The go command's env file for ``environ`` (cfg.EnvFile), or None (GOENV=off, no
    usable user config directory)."""
    named = environ.get("GOENV", "")
    if named:
        return None if named == "off" else named
    if os.name == "nt":
        base = environ.get("AppData", "")
    else:
        base = environ.get("XDG_CONFIG_HOME", "")
        if base and not os.path.isabs(base):
            return None
        if not base:
            home = environ.get("HOME", "")
            base = os.path.join(home, ".config") if home else ""
    return os.path.join(base, "go", "env") if base else None


def _read_env_file(path: str | None) -> dict[str, str]:
    """readEnvFile: an unreadable file is no settings."""
    if not path:
        return {}
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return {}
    values: dict[str, str] = {}
    for line in data.decode("utf-8", "surrogateescape").split("\n"):
        key, eq, value = line.partition("=")
        if eq and "A" <= line[0] <= "Z":
            values[key] = value
    return values


class GoEnv:
    """The settings of one dep run (read once; ``load`` again to see changes)."""

    def __init__(self, environ: Mapping[str, str], file_values: Mapping[str, str],
                 file_path: str | None = None) -> None:
        self._environ = dict(environ)
        self._file = dict(file_values)
        self.file_path = file_path

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> GoEnv:
        environ = os.environ if environ is None else environ
        path = env_file_path(environ)
        return cls(environ, _read_env_file(path), path)

    def get(self, name: str) -> str:
        """cfg.Getenv: the environment's non-empty value, else the env file's, else ''."""
        return self._environ.get(name, "") or self._file.get(name, "")

    def origin(self, name: str) -> str:
        """Where a setting came from, for messages: ``environment``, the env file, or ''."""
        if self._environ.get(name, ""):
            return "environment"
        if self._file.get(name, ""):
            return f"go env file {self.file_path}"
        return ""

    # -- GOPROXY

    def proxy_entries(self) -> list[ProxyEntry]:
        """GOPROXY as the go command's proxyList reads it; [] when it is set nowhere.

        Elements are separated by ``,`` or ``|`` and trimmed; empty ones are skipped;
        ``off`` and ``direct`` end the list (what follows them is ignored); a word with a
        ``.``, ``:`` or ``/`` but no ``:/`` that is not an absolute path gets ``https://``;
        every other element must be an http, https or file URL.
        """
        text = self.get("GOPROXY")
        entries: list[ProxyEntry] = []
        rest = text
        while rest:
            cut = min((i for i in (rest.find(","), rest.find("|")) if i >= 0), default=-1)
            if cut >= 0:
                url, fallback, rest = rest[:cut], rest[cut] == "|", rest[cut + 1:]
            else:
                url, fallback, rest = rest, False, ""
            url = url.strip(" \t\n\v\f\r\x85\xa0")
            if not url:
                continue
            if url in ("off", "direct"):
                entries.append(ProxyEntry(url, False))
                break
            if (any(c in url for c in ".:/") and ":/" not in url and not url.startswith("/")
                    and not os.path.isabs(url)):
                url = "https://" + url
            why = proxy_url_problem(url)
            if why:
                raise self._goproxy_error(text, why)
            entries.append(ProxyEntry(url, fallback))
        if text and not entries:
            raise self._goproxy_error(text, "GOPROXY list is not the empty string, "
                                            "but contains no entries")
        return entries

    def _goproxy_error(self, text: str, why: str) -> GoEnvError:
        return GoEnvError(f"GOPROXY={go_quote(text)} ({self.origin('GOPROXY')}): {why}; "
                          f"correct it in the environment or with 'go env -w GOPROXY=...'")

    def uses_proxy(self, module_path: str) -> bool:
        """False when GONOPROXY (default: GOPRIVATE) matches: such modules are fetched
        directly from their repositories."""
        globs = self.get("GONOPROXY") or self.get("GOPRIVATE")
        return not match_prefix_patterns(globs, module_path)

    def insecure(self, module_path: str) -> bool:
        """GOINSECURE matches: direct fetches of the module may use plain HTTP or skip
        certificate checks (it never changes how a GOPROXY URL is used)."""
        return match_prefix_patterns(self.get("GOINSECURE"), module_path)

    # -- GOSUMDB

    def sumdb_for(self, module_path: str) -> SumDBConfig | None:
        """The checksum database that must vouch for the module, or None (GOSUMDB=off, or
        GONOSUMDB, default GOPRIVATE, matches). GOSUMDB is ``name`` of a known database,
        a verifier key ``name+hash+key``, either followed by the URL to reach it."""
        gosumdb = self.get("GOSUMDB") or _DEFAULT_SUMDB
        if gosumdb == "off":
            return None
        if match_prefix_patterns(self.get("GONOSUMDB") or self.get("GOPRIVATE"), module_path):
            return None
        return _parse_gosumdb(gosumdb, self.origin("GOSUMDB") or "default")


def proxy_url_problem(url: str) -> str:
    """Why ``url`` cannot be a GOPROXY base ('' if it can): newProxyRepo's checks."""
    from dep.sources.deduce import GoURL

    try:
        u = GoURL.parse(url)
    except ValueError as exc:
        return str(exc)
    if u.scheme in ("http", "https"):
        return "" if u.host else f"invalid proxy URL missing host: {url}"
    if u.scheme == "file":
        if u.opaque or u.user or u.host or u.raw_query or u.force_query or u.fragment:
            return f"invalid file:// proxy URL with non-path elements: {url}"
        return "" if u.path.startswith("/") else f"file URL missing path: {url}"
    if not u.scheme:
        return f"invalid proxy URL missing scheme: {url}"
    return f"invalid proxy URL scheme (must be https, http, file): {url}"


def _parse_gosumdb(gosumdb: str, origin: str) -> SumDBConfig:
    """dbDial's reading of GOSUMDB (the key's signature is checked by dep.gomod.note)."""
    import base64
    import binascii
    import hashlib

    def bad(why: str) -> GoEnvError:
        return GoEnvError(f"invalid GOSUMDB={go_quote(gosumdb)} ({origin}): {why}")

    if gosumdb == "sum.golang.google.cn":
        gosumdb = "sum.golang.org https://sum.golang.google.cn"
    fields = gosumdb.split()
    if not fields:
        raise bad("missing GOSUMDB")
    if len(fields) > 2:
        raise bad("too many fields")
    key = KNOWN_SUMDB_KEYS.get(fields[0], fields[0])
    name, _, rest = key.partition("+")
    key_hash, _, key_data = rest.partition("+")
    try:
        raw = base64.b64decode(key_data, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape") + b"\n" + raw).digest()
    if (not name or any(c.isspace() for c in name) or len(raw) != 33 or raw[0] != 1
            or len(key_hash) != 8 or key_hash.lower() != digest[:4].hex()):
        raise bad(f"malformed verifier key {go_quote(key)} (want name+hash+key of an "
                  f"Ed25519 key, or a known name such as {_DEFAULT_SUMDB})")
    from dep.sources.deduce import GoURL

    try:
        direct = GoURL.parse("https://" + name)
    except ValueError:
        direct = None
    if (direct is None or name.endswith("/") or not direct.host or direct.raw_path
            or direct.user or direct.raw_query or direct.force_query or "#" in name):
        raise bad(f"invalid sumdb name (must be host[/path]): {name}")
    url = "https://" + name
    if len(fields) == 2:
        try:
            GoURL.parse(fields[1])
        except ValueError as exc:
            raise bad(f"invalid GOSUMDB URL: {exc}") from None
        return SumDBConfig(name, key, fields[1], True)
    return SumDBConfig(name, key, url)


# --------------------------------------------------------------------------------------------
# golang.org/x/mod/module.MatchPrefixPatterns over Go's path.Match

class _BadPattern(Exception):
    pass


def match_prefix_patterns(globs: str, path: str) -> bool:
    """Whether any comma-separated glob matches a prefix of ``path`` with as many elements
    as the glob has (``*.corp.example.com`` matches ``git.corp.example.com/x/y``); a
    glob's trailing ``/`` is ignored, empty and malformed globs match nothing."""
    for glob in globs.split(","):
        if glob.endswith("/"):
            glob = glob[:-1]
        if not glob:
            continue
        n = glob.count("/")
        parts = path.split("/")
        if len(parts) <= n:
            continue
        try:
            if _path_match(glob, "/".join(parts[:n + 1])):
                return True
        except _BadPattern:
            pass
    return False


def _path_match(pattern: str, name: str) -> bool:
    """Go's path.Match; _BadPattern for a malformed pattern."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return "/" not in name
        rest, ok = _match_chunk(chunk, name)
        if ok and (not rest or pattern):
            name = rest
            continue
        if star:
            i, matched = 0, False
            while i < len(name) and name[i] != "/":
                rest, ok = _match_chunk(chunk, name[i + 1:])
                i += 1
                if ok and (pattern or not rest):
                    name, matched = rest, True
                    break
            if matched:
                continue
        while pattern:  # no match; the rest of the pattern must still be well formed
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, "")
        return False
    return not name


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    star = False
    while pattern.startswith("*"):
        pattern, star = pattern[1:], True
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif c == "[":
            in_range = True
        elif c == "]":
            in_range = False
        elif c == "*" and not in_range:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _get_esc(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise _BadPattern
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise _BadPattern
    if len(chunk) == 1:
        raise _BadPattern
    return chunk[0], chunk[1:]


def _match_chunk(chunk: str, s: str) -> tuple[str, bool]:
    """matchChunk: (rest of s, matched); the whole chunk is checked even after a mismatch."""
    failed = False
    while chunk:
        failed = failed or not s
        c = chunk[0]
        if c == "[":
            r = ""
            if not failed:
                r, s = s[0], s[1:]
            chunk = chunk[1:]
            negated = chunk.startswith("^")
            if negated:
                chunk = chunk[1:]
            match, nrange = False, 0
            while True:
                if chunk.startswith("]") and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == "-":
                    hi, chunk = _get_esc(chunk[1:])
                if not failed and lo <= r <= hi:
                    match = True
                nrange += 1
            if match == negated:
                failed = True
        elif c == "?":
            if not failed:
                failed = s[0] == "/"
                s = s[1:]
            chunk = chunk[1:]
        else:
            if c == "\\":
                chunk = chunk[1:]
                if not chunk:
                    raise _BadPattern
            if not failed:
                failed = chunk[0] != s[0]
                s = s[1:]
            chunk = chunk[1:]
    return ("", False) if failed else (s, True)
