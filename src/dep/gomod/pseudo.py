"""Pseudo-versions, and the module version the go command gives a git commit.

A pseudo-version names an untagged commit so that it sorts just above the newest tag in its
history: ``vX.0.0-<time>-<rev>`` without such a tag, ``vX.Y.(Z+1)-0.<time>-<rev>`` above a
release, ``vX.Y.Z-pre.0.<time>-<rev>`` above a prerelease (``+incompatible`` carried over).
``<time>`` is the committer time in UTC (yyyymmddhhmmss), ``<rev>`` 12 hex digits.

``module_version_for`` reproduces cmd/go (modfetch/coderepo.go ``convert`` with
GOPROXY=direct) for a commit queried by its hash: a canonical ``v`` tag on the commit that
fits the module path wins (the highest if several); otherwise the pseudo-version's base is the
highest tag reachable from the commit, as ``git for-each-ref --merged`` and Go pick it.
The git history is read with dulwich from a clone (dep's cache clones qualify).
"""

from __future__ import annotations

import datetime as _dt
import os
import posixpath
import re
from dataclasses import dataclass

from dep.errors import DepError
from dep.gomod import semver
from dep.gomod.modfile import ModFileError, parse_gomod
from dep.gomod.modfile import module_path as declared_path
from dep.gomod.module import (InvalidVersionError, canonical_version, check_path_major, go_quote, is_major,
                              match_path_major, path_major_prefix, split_path_version)

__all__ = [
    "RevisionError", "ModuleVersion", "pseudo_version", "is_pseudo_version", "pseudo_version_base",
    "pseudo_version_time", "pseudo_version_rev", "module_version_for", "resolve_module_version",
    "PSEUDO_TIME_FORMAT",
]

PSEUDO_TIME_FORMAT = "%Y%m%d%H%M%S"

_PSEUDO_RE = re.compile(
    r"^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$",
    re.ASCII)
_HEX = re.compile(r"^[0-9a-f]{4,40}$")


class RevisionError(DepError):
    """A revision the go command could not turn into a module version."""


# --- pseudo-version strings ----------------------------------------------------------------

def _inc_decimal(d: str) -> str:
    return str(int(d) + 1)


def _dec_decimal(d: str) -> str:
    n = int(d)
    return "" if n == 0 else str(n - 1)


def pseudo_version(major: str, older: str, time: _dt.datetime, rev: str) -> str:
    """The pseudo-version for commit ``rev`` (already shortened) at ``time`` whose newest
    ancestor tag is ``older`` ("" when none; may carry ``+incompatible``); ``major`` is the
    module path's major ("" meaning v0) and is used only without a base."""
    if major == "":
        major = "v0"
    if time.tzinfo is not None:
        time = time.astimezone(_dt.timezone.utc)
    segment = f"{time.strftime(PSEUDO_TIME_FORMAT)}-{rev}"
    bld = semver.build(older)
    older = semver.canonical(older)
    if older == "":
        return f"{major}.0.0-{segment}"
    if semver.prerelease(older):
        return f"{older}.0.{segment}{bld}"
    head, _, patch = older.rpartition(".")
    return f"{head}.{_inc_decimal(patch)}-0.{segment}{bld}"


def is_pseudo_version(v: str) -> bool:
    """Whether ``v`` has one of the pseudo-version forms (module.IsPseudoVersion)."""
    return v.count("-") >= 2 and semver.is_valid(v) and _PSEUDO_RE.match(v) is not None


def _parse(v: str) -> tuple[str, str, str, str]:
    """(base, timestamp, rev, build) of a pseudo-version."""
    if not is_pseudo_version(v):
        raise InvalidVersionError(f"pseudo-version {go_quote(v)} invalid: syntax error")
    bld = semver.build(v)
    v = v[:len(v) - len(bld)]
    j = v.rfind("-")
    v, rev = v[:j], v[j + 1:]
    i = v.rfind("-")
    k = v.rfind(".")
    if k > i:
        return v[:k], v[k + 1:], rev, bld
    return v[:i], v[i + 1:], rev, bld


def pseudo_version_base(v: str) -> str:
    """The tag version a pseudo-version builds on ("" for the ``vX.0.0-`` form)."""
    base, _, _, bld = _parse(v)
    pre = semver.prerelease(base)
    if pre == "":
        if bld:
            raise InvalidVersionError(
                f"pseudo-version {go_quote(v)} invalid: lacks base version, but has build metadata {go_quote(bld)}")
        return ""
    if pre == "-0":
        base = base[:-len(pre)]
        head, _, patch = base.rpartition(".")
        patch = _dec_decimal(patch)
        if patch == "":
            raise InvalidVersionError(
                f"pseudo-version {go_quote(v)} invalid: version before {base} would have negative patch number")
        return f"{head}.{patch}{bld}"
    return base[:-len(".0")] + bld


def pseudo_version_time(v: str) -> _dt.datetime:
    """The commit time (UTC) a pseudo-version records."""
    _, ts, _, _ = _parse(v)
    try:
        return _dt.datetime.strptime(ts, PSEUDO_TIME_FORMAT).replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        raise InvalidVersionError(f"pseudo-version {go_quote(v)} invalid: malformed time {go_quote(ts)}") from None


def pseudo_version_rev(v: str) -> str:
    """The revision prefix a pseudo-version records."""
    return _parse(v)[2]


# --- go.mod bits needed here (modfile.ModulePath, retract lines) ---------------------------

# --- the go command's view of a git repository ---------------------------------------------

class _GitView:
    """Just what coderepo.go asks of codehost: tags, ancestry, files at a commit."""

    def __init__(self, source) -> None:
        from dulwich.repo import Repo

        path = getattr(source, "path", source)
        self.repo = Repo(os.fspath(path))
        self._tags: dict[str, bytes] | None = None

    def close(self) -> None:
        self.repo.close()

    def _peel(self, sha: bytes) -> bytes | None:
        from dulwich.objects import Commit, Tag

        try:
            obj = self.repo[sha]
            while isinstance(obj, Tag):
                obj = self.repo[obj.object[1]]
        except KeyError:
            return None
        return obj.id if isinstance(obj, Commit) else None

    def tags(self) -> dict[str, bytes]:
        """tag name -> commit id, for tags that point (perhaps via tag objects) at commits."""
        if self._tags is None:
            out = {}
            for name, sha in self.repo.refs.as_dict(b"refs/tags").items():
                c = self._peel(sha)
                if c is not None:
                    out[name.decode("utf-8", "replace")] = c
            self._tags = out
        return self._tags

    def resolve(self, revision: str) -> bytes:
        """A commit id for a full or abbreviated hash, or a tag / branch name."""
        rev = revision.strip()
        if re.fullmatch(r"[0-9a-fA-F]{40}", rev):
            c = self._peel(rev.lower().encode())
            if c is not None:
                return c
        for ref in (f"refs/tags/{rev}", f"refs/heads/{rev}", f"refs/remotes/origin/{rev}", rev):
            try:
                sha = self.repo.refs[ref.encode()]
            except (KeyError, ValueError):
                continue
            c = self._peel(sha)
            if c is not None:
                return c
        if _HEX.match(rev.lower()) and len(rev) < 40:
            matches = {self._peel(s) for s in self.repo.object_store if s.startswith(rev.lower().encode())}
            matches.discard(None)
            if len(matches) == 1:
                return matches.pop()
        raise RevisionError(f"unknown revision {revision}")

    def commit_time(self, commit: bytes) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self.repo[commit].commit_time, tz=_dt.timezone.utc)

    def ancestors(self, commit: bytes) -> set[bytes]:
        """The commit and everything reachable from it through parents."""
        seen = {commit}
        stack = [commit]
        store = self.repo.object_store
        while stack:
            c = stack.pop()
            try:
                parents = store[c].parents
            except KeyError:
                continue  # shallow boundary
            for p in parents:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return seen

    def read_file(self, commit: bytes, path: str) -> bytes | None:
        """The blob at ``path`` in the commit's tree (a symlink's target text), or None."""
        import stat

        from dulwich.object_store import tree_lookup_path

        try:
            mode, sha = tree_lookup_path(self.repo.object_store.__getitem__, self.repo[commit].tree,
                                         path.encode("utf-8"))
        except (KeyError, NotADirectoryError):
            return None
        if stat.S_ISDIR(mode) or mode == 0o160000:
            return None
        return self.repo[sha].data


@dataclass(frozen=True)
class ModuleVersion:
    """The go command's version for a commit, and how it came about."""

    path: str
    version: str
    commit: str                  # full hash
    time: _dt.datetime           # committer time, UTC
    tag: str | None = None       # the tag used as the version itself
    base: str | None = None      # the tag version a pseudo-version builds on ("" if none)
    module_dir: str = ""         # directory of the module in the repository ("" = root)
    go_mod: bytes | None = None  # its go.mod at the commit (None: synthesized by go)

    def __str__(self) -> str:
        return self.version

    @property
    def derived(self) -> str:
        """A short phrase for reports: how the version was chosen."""
        if self.tag is not None:
            return f"tag {self.tag}"
        if self.base:
            return f"pseudo-version after tag {self.base}"
        return "pseudo-version (no earlier tag)"


def module_version_for(source, revision: str, module_path: str, code_root: str | None = None) -> str:
    """The module version the go command computes for ``revision`` of ``module_path`` (see
    ``resolve_module_version``)."""
    return resolve_module_version(source, revision, module_path, code_root).version


def resolve_module_version(source, revision: str, module_path: str,
                           code_root: str | None = None) -> ModuleVersion:
    """What ``go list -m <module_path>@<revision>`` reports, read from the git clone ``source``
    (a path to a work tree or git dir, or an object with ``.path`` such as GitSource).

    ``code_root`` is the import path of the repository root (default: the module path without
    its major suffix, i.e. the module at the root; gopkg.in paths are their own root). A module
    in a subdirectory (``code_root`` shorter) uses tags prefixed ``<dir>/``. Raises
    RevisionError where the go command fails (unknown revision; go.mod missing or declaring
    another major version).
    """
    prefix, path_major, ok = split_path_version(module_path)
    if not ok:
        raise RevisionError(f"invalid module path {go_quote(module_path)}")
    if code_root is None:
        code_root = module_path if path_major.startswith(".") else prefix
    code_root = code_root.rstrip("/")
    if not (module_path == code_root or module_path.startswith(code_root + "/")):
        raise RevisionError(f"mismatched repo: found {code_root} for {module_path}")
    if code_root == module_path:
        prefix = module_path
    code_dir = ""
    if code_root != module_path:
        if not (prefix == code_root or prefix.startswith(code_root + "/")):
            raise RevisionError(f"repository rooted at {code_root} cannot contain module {module_path}")
        code_dir = prefix[len(code_root):].strip("/")
    pseudo_major = path_major_prefix(path_major)
    tag_prefix = code_dir + "/" if code_dir else ""

    git = _GitView(source)
    try:
        return _convert(git, revision, module_path, code_root, prefix, code_dir, path_major,
                        pseudo_major, tag_prefix)
    finally:
        git.close()


def _convert(git: _GitView, revision, module_path, code_root, path_prefix, code_dir, path_major,
             pseudo_major, tag_prefix) -> ModuleVersion:
    commit = git.resolve(revision)
    name = commit.decode()
    short = name[:12]
    when = git.commit_time(commit)
    tags = git.tags()
    mod_file = posixpath.join(code_dir, "go.mod") if code_dir else "go.mod"

    def find_dir(c: bytes, version: str) -> tuple[str, bytes | None]:
        """coderepo.findDir: where the module's go.mod is, or why the commit is no module."""
        gomod1 = git.read_file(c, mod_file)
        mpath1 = declared_path(gomod1)
        found1 = gomod1 is not None and (
            is_major(mpath1, path_major) or (path_major == "" and mpath1.startswith("gopkg.in/")))
        at = f"at revision {c.decode()[:12]}"
        file2 = ""
        if path_major and code_root != module_path and not path_major.startswith("."):
            dir2 = posixpath.join(code_dir, path_major[1:]) if code_dir else path_major[1:]
            file2 = dir2 + "/go.mod"
            gomod2 = git.read_file(c, file2)
            mpath2 = declared_path(gomod2)
            found2 = gomod2 is not None and is_major(mpath2, path_major)
            if found1 and found2:
                raise RevisionError(f"{path_prefix}/{mod_file} and ...{path_major}/go.mod both have "
                                    f"...{path_major} module paths {at}")
            if found2:
                return dir2, gomod2
            if gomod2 is not None:
                if not mpath2:
                    raise RevisionError(f"{path_prefix}/{file2} is missing module path {at}")
                raise RevisionError(f"{path_prefix}/{file2} has non-...{path_major} module path "
                                    f"{go_quote(mpath2)} {at}")
        if found1:
            return code_dir, gomod1
        if gomod1 is not None:
            suffix = f" (and ...{path_major}/go.mod does not exist)" if file2 else ""
            if not mpath1:
                raise RevisionError(f"{mod_file} is missing module path{suffix} {at}")
            if path_major:
                raise RevisionError(f"{mod_file} has non-...{path_major} module path {go_quote(mpath1)}{suffix} {at}")
            if not split_path_version(mpath1)[2]:
                raise RevisionError(f"{mod_file} has malformed module path {go_quote(mpath1)}{suffix} {at}")
            raise RevisionError(f"{mod_file} has post-{semver.major(version)} module path "
                                f"{go_quote(mpath1)}{suffix} {at}")
        if code_dir == "" and (path_major == "" or path_major.startswith(".")):
            return "", None
        if file2:
            raise RevisionError(f"missing {path_prefix}/go.mod and ...{path_major}/go.mod {at}")
        raise RevisionError(f"missing {path_prefix}/go.mod {at}")

    root_has_go_mod = git.read_file(commit, "go.mod") is not None
    sub_go_mod: dict[str, bool] = {}

    def can_incompatible(v: str) -> bool:
        """+incompatible needs the module at the repository root with an unversioned path, no
        go.mod at the root and (go.dev/issue/51324) none in the ``vN/`` directory of v's major."""
        if code_dir or path_major or root_has_go_mod:
            return False
        if v:
            m = semver.major(v)
            if m not in sub_go_mod:
                sub_go_mod[m] = git.read_file(commit, m + "/go.mod") is not None
            return not sub_go_mod[m]
        return True

    is_retracted = _retracted(git, tags, tag_prefix, path_major, find_dir)

    def tag_to_version(tag: str) -> tuple[str, bool]:
        if not tag.startswith(tag_prefix):
            return "", False
        trimmed = tag[len(tag_prefix):]
        if is_pseudo_version(tag):
            return "", False
        v = semver.canonical(trimmed)
        if v == "" or not trimmed.startswith(v):
            return "", False  # invalid, or a vX / vX.Y shorthand
        if is_retracted(v):
            return "", False
        if not match_path_major(v, path_major):
            return (v + "+incompatible", v == trimmed) if can_incompatible(v) else ("", False)
        return v, v == trimmed

    def finish(version: str, tag: str | None, base: str | None) -> ModuleVersion:
        mdir, gomod = find_dir(commit, version)
        if version.endswith("+incompatible"):
            if not can_incompatible(version):  # pragma: no cover - tag_to_version already ensures it
                raise RevisionError(f"{module_path}@{version}: +incompatible suffix not allowed")
            try:
                check_path_major(version[:-len("+incompatible")], path_major)
            except InvalidVersionError:
                pass
            else:
                raise RevisionError(f"{module_path}@{version}: +incompatible suffix not allowed: "
                                    f"major version {semver.major(version)} is compatible")
        return ModuleVersion(module_path, version, name, when, tag, base, mdir, gomod)

    # Tags on the commit itself: the highest canonical one that fits is the version.
    here = sorted(t for t, c in tags.items() if c == commit)
    best, best_tag = "", None
    for t in here:
        v, is_canonical = tag_to_version(t)
        if is_canonical and semver.compare(best, v) < 0:
            best, best_tag = v, t
    if best:
        return finish(best, best_tag, None)

    # Otherwise a pseudo-version above the highest allowed tag among the ancestors.
    merged = git.ancestors(commit)
    candidates = sorted((t for t, c in tags.items() if c in merged), key=lambda t: t.encode())

    def tag_allowed(tag: str) -> bool:
        v, _ = tag_to_version(tag)
        if v == "":
            return False
        if not match_path_major(canonical_version(v), path_major) and not can_incompatible(v):
            return False
        return not is_retracted(v)

    # git for-each-ref --merged lists refs by name; the first of equal versions wins.
    highest = ""
    for t in candidates:
        if t.startswith(tag_prefix) and tag_allowed(t):
            semtag = t[len(tag_prefix):]
            if semver.compare(semtag, highest) > 0:
                highest = semtag
    base = tag_to_version(tag_prefix + highest)[0] if highest else ""
    return finish(pseudo_version(pseudo_major, base, when, short), None, base)


def _retracted(git: _GitView, tags, tag_prefix, path_major, find_dir):
    """coderepo.retractedVersions: the retract directives of the go.mod at the highest
    compatible tagged version (release preferred); a predicate on versions."""
    versions = []
    for t in tags:
        if not t.startswith(tag_prefix):
            continue
        v = t[len(tag_prefix):]
        if not v or v != canonical_version(v) or is_pseudo_version(v):
            continue
        if match_path_major(v, path_major):
            versions.append(v)
    if not versions:
        return lambda v: False
    versions = semver.sort_versions(versions)
    releases = [v for v in versions if not semver.prerelease(v)]
    highest = releases[-1] if releases else versions[-1]
    try:
        _, gomod = find_dir(tags[tag_prefix + highest], highest)
    except RevisionError:
        return lambda v: False
    try:
        ranges = [(r.low, r.high) for r in parse_gomod(gomod, lax=True).retract] if gomod else []
    except ModFileError:
        ranges = []  # a go.mod that does not parse retracts nothing
    if not ranges:
        return lambda v: False
    return lambda v: any(semver.compare(lo, v) <= 0 <= semver.compare(hi, v) for lo, hi in ranges)
