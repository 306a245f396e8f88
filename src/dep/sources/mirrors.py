"""Mirror rules: import-path prefixes served from other URLs, from the user's config file.

The file is ``$DEPCONFIG`` when set, else ``$XDG_CONFIG_HOME/dep/config.toml`` (an absolute
XDG_CONFIG_HOME only, as the XDG spec says), else ``~/.config/dep/config.toml``; a missing
default file means no rules. Each ``[[mirror]]`` table has ``prefix`` and ``url``::

    [[mirror]]
      prefix = "golang.org/x/*"
      url = "https://github.com/golang/*"

``*`` in a prefix is exactly one whole path element; the elements it matched replace the
``*`` in the url, in order. A prefix without ``*`` maps that root and everything below it.
The prefix's elements make the project root (``golang.org/x/net/context`` → root
``golang.org/x/net``). The url must be deducible without the network (a github.com,
bitbucket.org, ... URL or one ending in ``.git``/``.hg``/``.bzr``), or the table names its
VCS with ``vcs = "git"`` (then any URL with a scheme allowed for that VCS). The rule with the
most elements wins, then the one with more literal elements, then the first in the file.

Rules apply before deduction (no go-get request for a matching path) and only to import
paths: a project's explicit ``source`` wins, and Gopkg.lock never records a mirror.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from dep.errors import DepError

__all__ = ["Mirror", "MirrorConfigError", "Mirrors", "config_path"]

_VCS = ("git", "hg", "bzr")
_KEYS = frozenset(("prefix", "url", "vcs"))


class MirrorConfigError(DepError):
    """The config file cannot be used; the message names the file."""


class Mirror(NamedTuple):
    prefix: str
    url: str
    vcs: str  # "" when the url's VCS is deduced from the url


def config_path(environ: Mapping[str, str]) -> tuple[str, bool]:
    """The config file and whether it was named explicitly (DEPCONFIG: it must exist)."""
    named = environ.get("DEPCONFIG", "")
    if named:
        return named, True
    base = environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(environ.get("HOME", "") or os.path.expanduser("~"), ".config")
    return os.path.join(base, "dep", "config.toml"), False


class Mirrors:
    """The rules of one config file, best first (see the module docstring)."""

    def __init__(self, rules: list[Mirror], path: str = "") -> None:
        self.path = path
        self._rules = sorted(rules, key=lambda r: (-len(r.prefix.split("/")),
                                                   -sum(e != "*" for e in r.prefix.split("/"))))

    def __bool__(self) -> bool:
        return bool(self._rules)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Mirrors:
        path, named = config_path(environ)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            if named:
                raise MirrorConfigError(f"dep config {path} (DEPCONFIG): no such file") from None
            return cls([], path)
        except OSError as e:
            raise MirrorConfigError(f"dep config {path}: cannot read it: {e.strerror or e}") from None
        return cls.parse(data, path)

    @classmethod
    def parse(cls, data: bytes, path: str) -> Mirrors:
        from dep.tomlread import TOMLError, loads

        def bad(why: str) -> MirrorConfigError:
            return MirrorConfigError(f"dep config {path}: {why}")

        try:
            doc = loads(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise bad("not UTF-8 text") from None
        except TOMLError as e:
            raise bad(f"not valid TOML: {e}") from None
        tables = doc.get("mirror", [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise bad("mirror must be an array of tables ([[mirror]])")
        rules = []
        for i, table in enumerate(tables, 1):
            unknown = sorted(set(table) - _KEYS)
            if unknown:
                raise bad(f"mirror {i}: unknown key {unknown[0]!r} (use prefix, url, vcs)")
            prefix, url, vcs = table.get("prefix"), table.get("url"), table.get("vcs", "")
            if not isinstance(prefix, str) or not isinstance(url, str) or not isinstance(vcs, str):
                raise bad(f"mirror {i}: prefix and url must be strings")
            why = _check(Mirror(prefix, url, vcs))
            if why:
                raise bad(f"mirror {i} ({prefix}): {why}")
            rules.append(Mirror(prefix, url, vcs))
        return cls(rules, path)

    def match(self, path: str) -> tuple[str, str, Mirror] | None:
        """(project root, url, rule) for an import path under a rule's prefix, else None."""
        elems = path.split("/")
        for rule in self._rules:
            pats = rule.prefix.split("/")
            if len(elems) < len(pats):
                continue
            stars = []
            for pat, elem in zip(pats, elems):
                if pat == "*":
                    stars.append(elem)
                elif pat != elem:
                    break
            else:
                return "/".join(elems[:len(pats)]), _fill(rule.url, stars), rule
        return None


def _fill(url: str, stars: list[str]) -> str:
    parts = url.split("*")
    return parts[0] + "".join(s + p for s, p in zip(stars, parts[1:]))


def _check(rule: Mirror) -> str:
    """Why ``rule`` is unusable ('' if it is fine)."""
    from dep.sources.deduce import (
        DeduceError, GoURL, deduce_static, is_valid_import_path, validate_vcs_scheme,
    )

    elems = rule.prefix.split("/")
    if any("*" in e and e != "*" for e in elems):
        return "* must be a whole path element (golang.org/x/*, not golang.org/x/net*)"
    if elems[0] == "*":
        return "the first element (the host) cannot be *"
    if not is_valid_import_path(rule.prefix.replace("*", "x")):
        return "prefix is not an import path"
    if rule.url.count("*") > elems.count("*"):
        return "url has more * than prefix"
    url = _fill(rule.url, ["x"] * rule.url.count("*"))
    if rule.vcs:
        if rule.vcs not in _VCS:
            return f"vcs must be one of {', '.join(_VCS)}"
        try:
            scheme = GoURL.parse(url).scheme
        except ValueError as e:
            return f"bad url: {e}"
        if not scheme:
            return "url needs a scheme when vcs is given"
        if not validate_vcs_scheme(scheme, rule.vcs):
            return f"scheme {scheme!r} is not allowed for {rule.vcs}"
        return ""
    try:
        found = deduce_static(url)
    except DeduceError as e:
        return str(e)
    if found is None:
        return 'cannot tell the VCS from the url; add vcs = "git" (or hg, bzr)'
    return ""
