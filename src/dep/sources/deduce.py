"""Static import-path deduction: project roots and candidate source URLs, as gps does it.

Everything here is pure (no network, no filesystem). Inputs are import paths or the
``source`` values of Gopkg.toml, which may also be URLs (``https://host/path``,
``ssh://git@host/path``) or SCP-like (``git@host:path``); both are normalized the way gps
does (Go's ``net/url`` semantics, see :class:`GoURL`) before the rules are applied.

* :func:`deduce_static` applies the host rules (github.com, gopkg.in, bitbucket.org,
  launchpad.net, git.launchpad.net, hub.jazz.net, git.apache.org) and then the
  VCS-extension rule; ``None`` means "ask go-get discovery" (``dep.sources.discovery``).
* :func:`filter_gopkg_in_versions` is gopkg.in's view of a github repository's versions.
* :func:`cache_dir_name` names a source's clone under ``<cachedir>/sources``.

Errors are :class:`DeduceError` with dep's one-line texts.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from dep.errors import DepError

__all__ = [
    "Candidate", "DeduceError", "Deduction", "GoURL", "GopkgIn", "cache_dir_name",
    "deduce_static", "filter_gopkg_in_versions", "invalid_import_path_error",
    "is_valid_import_path", "normalize_source", "validate_vcs_scheme",
]


class DeduceError(DepError):
    """An import path or source cannot be turned into a project root and source URLs."""


def _q(text: str) -> str:
    """Go's ``%q``."""
    from dep.gofmt import go_quote

    return go_quote(text)


# --------------------------------------------------------------------------------------------
# Results

class Candidate(NamedTuple):
    """One way to reach a source: the VCS (``git``, ``hg``, ``bzr``) and the URL to give it."""

    vcs: str
    url: str


@dataclass(frozen=True)
class GopkgIn:
    """gopkg.in specifics: the alias path (the root) and the major version to filter on."""

    alias: str          # e.g. "gopkg.in/yaml.v2"
    major: int
    unstable: bool


@dataclass(frozen=True)
class Deduction:
    """A project root and the candidate sources to try, in dep's order."""

    root: str
    vcs_candidates: tuple[Candidate, ...]
    gopkg_in: GopkgIn | None = None

    def source_url(self, candidate: Candidate) -> str:
        """The URL dep identifies the source by (maybeSource.URL()).

        It is the candidate's URL, except for gopkg.in where it is ``<scheme>://gopkg.in/...``
        (the github URL is only what git talks to).
        """
        if self.gopkg_in is None:
            return candidate.url
        return candidate.url.split(":", 1)[0] + "://" + self.gopkg_in.alias

    def cache_name(self, candidate: Candidate) -> str:
        """The directory name of this candidate's clone under ``<cachedir>/sources``."""
        return cache_dir_name(self.source_url(candidate))

    def source_urls(self) -> list[str]:
        """SourceURLsForPath: every candidate's identifying URL, in order."""
        return [self.source_url(c) for c in self.vcs_candidates]


_CACHE_NAME = str.maketrans({"-": "--", ":": "-", "/": "-", "+": "-"})


def cache_dir_name(source_url: str) -> str:
    """``-`` doubled, then ``:``, ``/`` and ``+`` turned into ``-`` (dep's sanitizer)."""
    return source_url.translate(_CACHE_NAME)


# --------------------------------------------------------------------------------------------
# Go's net/url, as far as gps relies on it (parsing sources and go-get repo roots, rendering
# candidate URLs). Strings hold raw bytes as UTF-8 with surrogate escapes.

_UPPERHEX = "0123456789ABCDEF"
_ENC_PATH, _ENC_USER, _ENC_HOST, _ENC_FRAGMENT = "path", "user", "host", "fragment"
_HOST_OK = frozenset(b"!$&'()*+,;=:[]<>\"")
_RESERVED = frozenset(b"$&+,/:;=?@")
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")


def _should_escape(c: int, mode: str) -> bool:
    if c in _ALNUM:
        return False
    if mode == _ENC_HOST and c in _HOST_OK:
        return False
    if c in b"-_.~":
        return False
    if c in _RESERVED:
        if mode == _ENC_PATH:
            return c == 0x3F  # '?'
        if mode == _ENC_USER:
            return c in b"@/?:"
        if mode == _ENC_FRAGMENT:
            return False
    if mode == _ENC_FRAGMENT and c in b"!()*":
        return False
    return True


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _escape(text: str, mode: str) -> str:
    out = []
    for c in _bytes(text):
        if _should_escape(c, mode):
            out.append("%" + _UPPERHEX[c >> 4] + _UPPERHEX[c & 15])
        else:
            out.append(chr(c))
    return "".join(out)


class _URLError(Exception):
    pass


def _unescape(text: str, mode: str) -> str:
    raw = _bytes(text)
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x25:  # '%'
            if i + 2 >= len(raw) or raw[i + 1] not in _HEX or raw[i + 2] not in _HEX:
                raise _URLError("invalid URL escape " + _q(_text(raw[i:i + 3])))
            if mode == _ENC_HOST and int(chr(raw[i + 1]), 16) < 8 and raw[i:i + 3] != b"%25":
                raise _URLError("invalid URL escape " + _q(_text(raw[i:i + 3])))
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
            continue
        if mode == _ENC_HOST and c < 0x80 and _should_escape(c, mode):
            raise _URLError("invalid character " + _q(chr(c)) + " in host name")
        out.append(c)
        i += 1
    return _text(bytes(out))


def _valid_encoded(text: str, mode: str) -> bool:
    for c in _bytes(text):
        if c in b"!$&'()*+,;=:@[]%":
            continue
        if _should_escape(c, mode):
            return False
    return True


def _valid_port(colon_port: str) -> bool:
    if colon_port == "":
        return True
    return colon_port[0] == ":" and all("0" <= ch <= "9" for ch in colon_port[1:])


_USERINFO_OK = frozenset("-._:~!$&'()*+,;=%@")


@dataclass
class GoURL:
    """The fields of Go's ``url.URL`` that matter here; ``str()`` is Go's ``String()``."""

    scheme: str = ""
    opaque: str = ""
    user: tuple[str, str | None] | None = None  # (username, password or None)
    host: str = ""
    path: str = ""
    raw_path: str = ""
    omit_host: bool = False
    force_query: bool = False
    raw_query: str = ""
    fragment: str = ""
    raw_fragment: str = ""

    @classmethod
    def parse(cls, raw: str) -> GoURL:
        """``url.Parse``; raises ValueError with Go's message (``parse "<raw>": <why>``)."""
        before, sep, frag = raw.partition("#")
        try:
            u = cls._parse(before)
        except _URLError as exc:
            raise ValueError(f"parse {_q(before)}: {exc}") from None
        try:
            u._set_fragment(frag)
        except _URLError as exc:
            raise ValueError(f"parse {_q(raw)}: {exc}") from None
        return u

    @classmethod
    def _parse(cls, raw: str) -> GoURL:
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
            raise _URLError("net/url: invalid control character in URL")
        u = cls()
        if raw == "*":
            u.path = "*"
            return u
        rest = raw
        for i, ch in enumerate(raw):
            if "a" <= ch <= "z" or "A" <= ch <= "Z":
                continue
            if "0" <= ch <= "9" or ch in "+-.":
                if i == 0:
                    break
                continue
            if ch == ":":
                if i == 0:
                    raise _URLError("missing protocol scheme")
                u.scheme, rest = raw[:i].lower(), raw[i + 1:]
            break
        if rest.endswith("?") and rest.count("?") == 1:
            u.force_query = True
            rest = rest[:-1]
        else:
            rest, _, u.raw_query = rest.partition("?")
        if not rest.startswith("/"):
            if u.scheme:
                u.opaque = rest
                return u
            if ":" in rest.partition("/")[0]:
                raise _URLError("first path segment in URL cannot contain colon")
        if rest.startswith("//") and (u.scheme or not rest.startswith("///")):
            authority, slash, tail = rest[2:].partition("/")
            rest = slash + tail
            u.user, u.host = _parse_authority(authority)
        elif u.scheme and rest.startswith("/"):
            u.omit_host = True
        u.path = _unescape(rest, _ENC_PATH)
        u.raw_path = "" if _escape(u.path, _ENC_PATH) == rest else rest
        return u

    def _set_fragment(self, frag: str) -> None:
        self.fragment = _unescape(frag, _ENC_FRAGMENT)
        self.raw_fragment = "" if _escape(self.fragment, _ENC_FRAGMENT) == frag else frag

    @property
    def username(self) -> str | None:
        return None if self.user is None else self.user[0]

    def escaped_path(self) -> str:
        if self.raw_path and _valid_encoded(self.raw_path, _ENC_PATH):
            try:
                if _unescape(self.raw_path, _ENC_PATH) == self.path:
                    return self.raw_path
            except _URLError:
                pass
        if self.path == "*":
            return "*"
        return _escape(self.path, _ENC_PATH)

    def escaped_fragment(self) -> str:
        if self.raw_fragment and _valid_encoded(self.raw_fragment, _ENC_FRAGMENT):
            try:
                if _unescape(self.raw_fragment, _ENC_FRAGMENT) == self.fragment:
                    return self.raw_fragment
            except _URLError:
                pass
        return _escape(self.fragment, _ENC_FRAGMENT)

    def __str__(self) -> str:
        out = []
        if self.scheme:
            out.append(self.scheme + ":")
        if self.opaque:
            out.append(self.opaque)
        else:
            if self.scheme or self.host or self.user is not None:
                if not (self.omit_host and not self.host and self.user is None):
                    if self.host or self.path or self.user is not None:
                        out.append("//")
                    if self.user is not None:
                        name, password = self.user
                        out.append(_escape(name, _ENC_USER))
                        if password is not None:
                            out.append(":" + _escape(password, _ENC_USER))
                        out.append("@")
                    if self.host:
                        out.append(_escape(self.host, _ENC_HOST))
            path = self.escaped_path()
            if path and path[0] != "/" and self.host:
                out.append("/")
            if not out and ":" in path.partition("/")[0]:
                out.append("./")
            out.append(path)
        if self.force_query or self.raw_query:
            out.append("?" + self.raw_query)
        if self.fragment:
            out.append("#" + self.escaped_fragment())
        return "".join(out)


def _parse_authority(authority: str) -> tuple[tuple[str, str | None] | None, str]:
    at = authority.rfind("@")
    host = _parse_host(authority[at + 1:] if at >= 0 else authority)
    if at < 0:
        return None, host
    userinfo = authority[:at]
    if not all(ch.isascii() and (ch.isalnum() or ch in _USERINFO_OK) for ch in userinfo):
        raise _URLError("net/url: invalid userinfo")
    if ":" not in userinfo:
        return (_unescape(userinfo, _ENC_USER), None), host
    name, _, password = userinfo.partition(":")
    return (_unescape(name, _ENC_USER), _unescape(password, _ENC_USER)), host


def _parse_host(host: str) -> str:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0:
            raise _URLError("missing ']' in host")
        colon_port = host[end + 1:]
        if not _valid_port(colon_port):
            raise _URLError(f"invalid port {_q(colon_port)} after host")
    else:
        colon = host.rfind(":")
        if colon >= 0 and not _valid_port(host[colon:]):
            raise _URLError(f"invalid port {_q(host[colon:])} after host")
    return _unescape(host, _ENC_HOST)


def _go_path_join(host: str, path: str) -> str:
    """Go's ``path.Join(host, path)`` for a non-empty host."""
    joined = host + "/" + path if path else host
    cleaned = posixpath.normpath(joined)
    return cleaned[1:] if cleaned.startswith("//") else cleaned


_SCP_RE = re.compile(r"([a-zA-Z0-9_]+)@([a-zA-Z0-9._-]+):(.*)")


def normalize_source(text: str) -> tuple[GoURL, str]:
    """gps's normalizeURI: the parsed URL and the import-path-like form used for matching.

    SCP-like ``user@host:path`` becomes ``ssh://user@host/path``. When the input has a host
    the path form is ``host/path`` (cleaned); otherwise it is the input unchanged.
    """
    m = _SCP_RE.fullmatch(text)
    if m:
        u = GoURL(scheme="ssh", user=(m[1], None), host=m[2], path="/" + m[3])
    else:
        try:
            u = GoURL.parse(text)
        except ValueError:
            raise DeduceError(f"{_q(text)} is not a valid URI") from None
    return u, (_go_path_join(u.host, u.path) if u.host else text)


# --------------------------------------------------------------------------------------------
# The rules

GIT_SCHEMES = ("https", "ssh", "git", "http")
BZR_SCHEMES = ("https", "bzr+ssh", "bzr", "http")
HG_SCHEMES = ("https", "ssh", "http")
SVN_SCHEMES = ("https", "http", "svn", "svn+ssh")
GOPKGIN_SCHEMES = ("https", "http")
_SCHEMES = {"git": GIT_SCHEMES, "bzr": BZR_SCHEMES, "hg": HG_SCHEMES, "svn": SVN_SCHEMES}
_UNSTABLE = "-unstable"


def validate_vcs_scheme(scheme: str, vcs: str) -> bool:
    """Plain ``ssh`` is valid for every VCS; otherwise the scheme must be one of the VCS's."""
    return scheme == "ssh" or scheme in _SCHEMES[vcs]


# gps's patterns, matched against the whole path; group 1 is always the root.
_SEG = r"[A-Za-z0-9_.\-]+"
_GITHUB_RE = re.compile(rf"(github\.com(/[A-Za-z0-9][-A-Za-z0-9]*/{_SEG}))((?:/{_SEG})*)")
_GOPKGIN_RE = re.compile(
    r"(gopkg\.in(?:(/[a-zA-Z0-9][-a-zA-Z0-9]+)?)(/[a-zA-Z][-.a-zA-Z0-9]*)\."
    r"((?:v0|v[1-9][0-9]*)(?:\.0|\.[1-9][0-9]*){0,2}(?:-unstable)?)(?:\.git)?)"
    r"((?:/[a-zA-Z0-9][-.a-zA-Z0-9]*)*)")
_BITBUCKET_RE = re.compile(rf"(bitbucket\.org(/{_SEG}/{_SEG}))((?:/{_SEG})*)")
_LAUNCHPAD_RE = re.compile(rf"(launchpad\.net(/{_SEG}))((?:/{_SEG})*)")
_GIT_LAUNCHPAD_RE = re.compile(rf"(git\.launchpad\.net(/{_SEG}))((?:/{_SEG})*)")
_JAZZ_RE = re.compile(rf"(hub\.jazz\.net(/git/[a-z0-9]+/{_SEG}))((?:/{_SEG})*)")
_APACHE_RE = re.compile(rf"(git\.apache\.org(/[a-z0-9_.\-]+\.git))((?:/{_SEG})*)")
# gps's VCS-extension pattern is host/rest with the host ``([a-z0-9.\-]+\.)+[a-z0-9.\-]+``
# plus an optional port; the host is checked separately (the combined pattern backtracks
# badly in Python's engine on long inputs).
_VCS_EXT_HOST_RE = re.compile(r"([a-z0-9.\-]+)(?::[0-9]+)?")
_VCS_EXT_REST_RE = re.compile(rf"([A-Za-z0-9_.\-/~]*?\.(bzr|git|hg|svn))((?:/{_SEG})*)")


def _match(regex: re.Pattern[str], path: str) -> re.Match[str] | None:
    # fullmatch, because Go's ``$`` never matches before a final newline as Python's does
    return regex.fullmatch(path)


def _invalid(path: str, host: str) -> DeduceError:
    return DeduceError(f"{path} is not a valid path for a source on {host}")


def _with(u: GoURL, **changes) -> str:
    return str(replace(u, **changes))


def _all_schemes(vcs: str, schemes: tuple[str, ...], u: GoURL, ssh_user: str | None = None,
                 ) -> list[Candidate]:
    out = []
    for scheme in schemes:
        if scheme == "ssh" and ssh_user is not None:
            out.append(Candidate(vcs, _with(u, scheme=scheme, user=(ssh_user, None))))
        else:
            out.append(Candidate(vcs, _with(u, scheme=scheme)))
    return out


def _single_vcs(vcs: str, path: str, host: str, regex: re.Pattern[str], u: GoURL,
                ) -> tuple[str, list[Candidate]]:
    """launchpad.net (bzr), git.launchpad.net and git.apache.org (git)."""
    m = _match(regex, path)
    if m is None:
        raise _invalid(path, host)
    u = replace(u, host=host, path=m[2])
    if u.scheme:
        if not validate_vcs_scheme(u.scheme, vcs):
            raise DeduceError(f"{u.scheme} is not a valid scheme for accessing a {vcs} repository")
        return m[1], [Candidate(vcs, str(u))]
    return m[1], _all_schemes(vcs, _SCHEMES[vcs], u)


def _github(path: str, u: GoURL) -> tuple[str, list[Candidate]]:
    m = _match(_GITHUB_RE, path)
    if m is None:
        raise _invalid(path, "github.com")
    u = replace(u, host="github.com", path=m[2])
    if u.scheme == "ssh" and u.user is not None and u.user[0] != "git":
        raise DeduceError(f"github ssh must be accessed via the 'git' user; {u.user[0]} was provided")
    if u.scheme:
        if not validate_vcs_scheme(u.scheme, "git"):
            raise DeduceError(f"{u.scheme} is not a valid scheme for accessing a git repository")
        if u.scheme == "ssh":
            u = replace(u, user=("git", None))
        return m[1], [Candidate("git", str(u))]
    return m[1], _all_schemes("git", GIT_SCHEMES, u, ssh_user="git")


def _bitbucket(path: str, u: GoURL) -> tuple[str, list[Candidate]]:
    m = _match(_BITBUCKET_RE, path)
    if m is None:
        raise _invalid(path, "bitbucket.org")
    u = replace(u, host="bitbucket.org", path=m[2])
    is_git = u.path.endswith(".git") or u.username == "git"
    is_hg = u.path.endswith(".hg") or u.username == "hg"
    if u.scheme:
        valid_git = validate_vcs_scheme(u.scheme, "git")
        valid_hg = validate_vcs_scheme(u.scheme, "hg")
        if is_git:
            if not valid_git:
                raise DeduceError(f"{u.scheme} is not a valid scheme for accessing a git repository")
            return m[1], [Candidate("git", str(u))]
        if is_hg:
            if not valid_hg:
                raise DeduceError(f"{u.scheme} is not a valid scheme for accessing an hg repository")
            return m[1], [Candidate("hg", str(u))]
        if not valid_git and not valid_hg:
            raise DeduceError(
                f"{u.scheme} is not a valid scheme for accessing either a git or hg repository")
        return m[1], [Candidate("hg", str(u)), Candidate("git", str(u))]
    # hg first: bitbucket answers git pings of hg repositories extremely slowly
    out = [] if is_git else _all_schemes("hg", HG_SCHEMES, u, ssh_user="hg")
    if not is_hg:
        out += _all_schemes("git", GIT_SCHEMES, u, ssh_user="git")
    return m[1], out


def _gopkgin_match(path: str) -> re.Match[str]:
    m = _match(_GOPKGIN_RE, path)
    if m is None:
        raise _invalid(path, "gopkg.in")
    if "." in m[4]:
        major = m[4][:m[4].index(".")]
        raise DeduceError(f"{path} is not a valid import path; gopkg.in only allows major versions "
                          f"({_q(major)} instead of {_q(m[4])})")
    return m


def _gopkgin(path: str, u: GoURL) -> tuple[str, list[Candidate], GopkgIn]:
    m = _gopkgin_match(path)
    if u.scheme:
        raise DeduceError("specifying alternate schemes on gopkg.in imports is not permitted")
    if not m[2]:
        elem = m[3][1:]
        gh_path = f"/go-{elem}/{elem}"
    else:
        gh_path = posixpath.normpath(m[2] + m[3])
    major_text = m[4][:-len(_UNSTABLE)] if m[4].endswith(_UNSTABLE) else m[4]
    major = int(major_text[1:])
    if major >= 1 << 64:
        raise DeduceError(f"could not parse {_q(major_text[1:])} as a gopkg.in major version")
    u = replace(u, host="github.com", path=gh_path)
    return (m[1], _all_schemes("git", GOPKGIN_SCHEMES, u),
            GopkgIn(m[1], major, m[4].endswith(_UNSTABLE)))


def _jazz(path: str, u: GoURL) -> tuple[str, list[Candidate]]:
    m = _match(_JAZZ_RE, path)
    if m is None:
        raise _invalid(path, "hub.jazz.net")
    u = replace(u, host="hub.jazz.net", path=m[2])
    if u.scheme == "":
        u = replace(u, scheme="https")
    elif u.scheme != "https":
        raise DeduceError(f"IBM's jazz hub only supports https, {u} is not allowed")
    return m[1], [Candidate("git", str(u))]


def _vcs_extension(path: str, u: GoURL) -> tuple[str, list[Candidate]] | None:
    host, slash, rest = path.partition("/")
    hm = _VCS_EXT_HOST_RE.fullmatch(host)
    if not slash or hm is None or "." not in hm[1][1:-1]:
        return None
    m = _match(_VCS_EXT_REST_RE, rest)
    if m is None:
        return None
    vcs = m[2]
    if vcs not in ("git", "hg", "bzr"):
        raise DeduceError(f"unknown repository type: {_q(vcs)}")
    root = host + "/" + m[1]
    u = replace(u, host=host, path="/" + m[1])
    if u.scheme:
        if not validate_vcs_scheme(u.scheme, vcs):
            raise DeduceError(f"{u.scheme} is not a valid scheme for accessing {vcs} repositories "
                              f"(path {path})")
        return root, [Candidate(vcs, str(u))]
    return root, _all_schemes(vcs, _SCHEMES[vcs], u)


_HOST_RULES = ("github.com/", "gopkg.in/", "bitbucket.org/", "launchpad.net/",
               "git.launchpad.net/", "hub.jazz.net/", "git.apache.org/")


def deduce_static(text: str) -> Deduction | None:
    """gps's deduceKnownPaths for an import path or a ``source`` value.

    Returns the root and candidate sources from the host rules or the VCS-extension rule;
    ``None`` when neither applies (go-get discovery decides). A host rule whose pattern fails
    is final: :class:`DeduceError` with dep's text.
    """
    u, path = normalize_source(text)
    host_rule = next((h for h in _HOST_RULES if path.startswith(h)), None)
    if host_rule == "github.com/":
        root, cands = _github(path, u)
    elif host_rule == "gopkg.in/":
        root, cands, gopkg = _gopkgin(path, u)
        return Deduction(root, tuple(cands), gopkg)
    elif host_rule == "bitbucket.org/":
        root, cands = _bitbucket(path, u)
    elif host_rule == "launchpad.net/":
        root, cands = _single_vcs("bzr", path, "launchpad.net", _LAUNCHPAD_RE, u)
    elif host_rule == "git.launchpad.net/":
        root, cands = _single_vcs("git", path, "git.launchpad.net", _GIT_LAUNCHPAD_RE, u)
    elif host_rule == "hub.jazz.net/":
        root, cands = _jazz(path, u)
    elif host_rule == "git.apache.org/":
        root, cands = _single_vcs("git", path, "git.apache.org", _APACHE_RE, u)
    else:
        found = _vcs_extension(path, u)
        if found is None:
            return None
        root, cands = found
    return Deduction(root, tuple(cands))


_IMPORT_PATH_RE = re.compile(r"([A-Za-z0-9-]+)(\.[A-Za-z0-9-]+)+(/[A-Za-z0-9\-_.~]+)*")


def is_valid_import_path(path: str) -> bool:
    """The check DeduceProjectRoot makes before anything else (a dotted host, no scheme)."""
    return _IMPORT_PATH_RE.fullmatch(path) is not None


def invalid_import_path_error(path: str) -> DeduceError:
    """DeduceProjectRoot's error for a path failing :func:`is_valid_import_path`."""
    return DeduceError(f"{_q(path)} is not a valid import path")


# --------------------------------------------------------------------------------------------
# gopkg.in version filtering

def filter_gopkg_in_versions(versions: list, major: int, unstable: bool) -> list:
    """gopkg.in's view of a github repository's versions (gopkginSource.listVersions).

    ``versions`` are ``PairedVersion`` objects as the git backend lists them, in its order.

    * semver tags stay if their major is ``major`` and the path is not ``-unstable``;
      plain tags go;
    * branches stay if their name parses as semver with major ``major`` and their
      ``-unstable`` suffix matches the path's; the highest of them becomes the only
      default branch;
    * for ``major == 0`` with no semver tag or semver-named branch at all, the repository's
      default branch is appended.
    """
    from dep.versions import Branch, PairedVersion, SemverVersion, parse_version

    kept: list = []
    best: SemverVersion | None = None
    best_index = -1
    default_branch = None
    try_default_as_v0 = major == 0
    for pv in versions:
        v = pv.unpaired
        if isinstance(v, SemverVersion):
            try_default_as_v0 = False
            if v.major == major and not unstable:
                kept.append(pv)
        elif isinstance(v, Branch):
            if v.default and default_branch is None:
                default_branch = pv
            sv = parse_version(v.name)
            if not isinstance(sv, SemverVersion):
                continue
            try_default_as_v0 = False
            if sv.major != major or unstable != v.name.endswith(_UNSTABLE):
                continue
            if best is None or best.compare(sv) < 0:
                best, best_index = sv, len(kept)
            kept.append(PairedVersion(Branch(v.name, False), pv.revision) if v.default else pv)
    if best is not None:
        chosen = kept[best_index]
        kept[best_index] = PairedVersion(Branch(chosen.unpaired.name, True), chosen.revision)
    if try_default_as_v0 and default_branch is not None:
        kept.append(default_branch)
    return kept

