"""Each Gopkg.lock project as the Go module(s) it is at its locked revision.

The module path is the project's own go.mod ``module`` line at the locked revision when it has
one (a v2+ module at the repository root is ``<root>/vN``; gopkg.in paths keep their ``.vN``),
else the project root; the version is the one the go command gives that commit
(``dep.gomod.pseudo``: a ``v`` tag, ``+incompatible`` for v2+ without go.mod, else a
pseudo-version). A locked package inside a nested module (a go.mod in a subdirectory at the
locked revision) maps to that module, versioned by its own ``dir/vX.Y.Z`` tags. A project a
Go module proxy serves takes the proxy's answer. ``dep migrate`` builds on the same steps;
``locked_modules`` is the cached summary the audit and SBOM commands read.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

from dep.errors import DepError

__all__ = ["LockMapError", "LockedModule", "ModuleAt", "locked_modules", "open_sources", "resolve",
           "modules_of", "strip_url"]

_KIND = "lockmap-v1"  # metadata cache kind; bump when the mapping's meaning changes


class LockMapError(DepError):
    """A locked project cannot be mapped to a module (source unreadable, revision gone, go.mod
    declaring a path the go command refuses)."""


class LockedModule(NamedTuple):
    """One module a Gopkg.lock project is, at its locked revision."""

    name: str      # Gopkg.lock project root
    module: str    # module path (canonical; a ``source`` fork is only where the code comes from)
    version: str   # module version: tag, ``+incompatible`` tag, or pseudo-version
    revision: str  # Gopkg.lock revision
    source: str    # Gopkg.lock source, or ""
    dir: str       # a nested module's directory in the project, "" for the root module
    how: str       # "tag", "pseudo-version" or "proxy"


class ModuleAt:
    """A locked project (or a nested module of it) while its module is worked out from its git
    clone: ``module`` is the canonical path, ``sum_path`` the path the code is fetched under (the
    fork's, with ``source``), ``mv`` the go command's ``pseudo.ModuleVersion`` of the commit."""

    def __init__(self, lp, src) -> None:
        self.lp = lp
        self.src = src
        self.commit = ""
        self.mod_dir = ""       # a nested module's directory in the project ("" = its root)
        self.module = ""        # canonical module path (require)
        self.sum_path = ""      # the path go.sum and the zip use (the fork's, if replaced)
        self.code_root = None   # code root passed to resolve_module_version for sum_path
        self.mv = None          # pseudo.ModuleVersion at the locked revision (of sum_path)
        self.mismatch = ""      # the other path its go.mod declares (the go command refuses it)

    @property
    def ipath(self) -> str:
        """The import path of the module's directory (the project root, or root/dir)."""
        return self.lp.name + "/" + self.mod_dir if self.mod_dir else self.lp.name

    @property
    def name(self) -> str:
        return self.lp.name


def _one_line(e: DepError) -> str:
    return " ".join(x.strip() for x in str(e).splitlines() if x.strip())


def open_sources(locked, sm, who: str, factory=ModuleAt) -> list:
    """A ``factory(lp, src)`` per locked project, its git source at the locked revision
    (fetched if missing); every one that cannot be opened is named in one error. ``who``
    names the command for sources it cannot read (not git)."""
    from dep.bridge import ProjectIdentifier

    entries, failures = [], []
    for lp in sorted(locked, key=lambda p: p.name):
        try:
            src = sm.source(ProjectIdentifier(lp.name, lp.source))
            if getattr(src, "vcs", "") != "git":
                failures.append(f"{lp.name}: {getattr(src, 'vcs', 'this kind of')} sources are not supported "
                                f"by {who} yet (only git)")
                continue
            commit = src.resolve_revision(lp.revision)
        except DepError as e:
            failures.append(f"{lp.name}: " + _one_line(e))
            continue
        e = factory(lp, src)
        e.commit = commit
        entries.append(e)
    if failures:
        raise LockMapError("cannot read the locked revision of " + "; ".join(failures))
    return entries


def strip_url(source: str) -> str:
    """The import-path-like form of a Gopkg.lock ``source`` (URL or path)."""
    s = source.strip()
    s = re.sub(r"^[a-z][a-z0-9+.-]*://", "", s)
    s = re.sub(r"^[^@/]+@", "", s)
    if re.match(r"^[^/:]+:[^/]", s) and "://" not in source:  # scp-like git@host:owner/repo
        s = s.replace(":", "/", 1)
    s = s.split("?", 1)[0].rstrip("/")
    if s.endswith(".git"):
        s = s[:-4]
    return s


def resolve(e: ModuleAt) -> None:
    """Module path (from its go.mod) and module version of the locked revision of the root module."""
    from dep.gomod import modfile
    from dep.gomod.module import check_path, split_path_version

    name = e.name
    declared = modfile.module_path(e.src.read_file(e.commit, "go.mod"))
    suffix = ""
    if declared:
        prefix, major, ok = split_path_version(declared)
        if ok and major and not major.startswith(".") and not name.startswith("gopkg.in/"):
            suffix = major  # "/v2": a v2+ module at the repository root
    e.module = name + suffix
    if declared and not e.lp.source and declared not in (name, e.module) and not name.startswith("gopkg.in/"):
        e.mismatch = declared
    if e.lp.source:
        fork = strip_url(e.lp.source)
        try:
            check_path(fork)
        except DepError:
            raise LockMapError(f"{name}: source {e.lp.source!r} has no usable module path for a replace "
                               "directive") from None
        e.sum_path = fork + suffix
        e.code_root = fork
    else:
        e.sum_path = e.module
        e.code_root = name
    _version(e, name)


def _nested_dir(e: ModuleAt, pkg: str) -> str:
    """The directory of the nested module (a go.mod below the project root at the locked
    revision) holding project-relative package ``pkg``, or "" for the root module."""
    parts = [] if pkg in ("", ".") else pkg.split("/")
    for n in range(len(parts), 0, -1):
        d = "/".join(parts[:n])
        if e.src.read_file(e.commit, d + "/go.mod") is not None:
            return d
    return ""


def modules_of(e: ModuleAt) -> list:
    """The modules of resolved project ``e`` holding its locked packages: ``e`` itself if a
    locked package lies in its root module, and a new entry (of e's type) per nested module
    holding one. Each nested module's version comes from its own ``dir/vX.Y.Z`` tags or is a
    pseudo-version."""
    dirs = {_nested_dir(e, pkg) for pkg in e.lp.packages} if e.lp.packages else {""}
    out = [e] if "" in dirs else []
    out.extend(_nested(e, d) for d in sorted(dirs - {""}))
    return out


def _nested(root: ModuleAt, d: str) -> ModuleAt:
    from dep.gomod import modfile
    from dep.gomod.module import split_path_version

    n = type(root)(root.lp, root.src)
    n.commit, n.mod_dir = root.commit, d
    declared = modfile.module_path(root.src.read_file(root.commit, d + "/go.mod"))
    _, major, ok = split_path_version(declared or "")
    suffix = major if ok and major and not major.startswith(".") else ""
    n.module = n.ipath + suffix
    if declared != n.module:
        raise LockMapError(f"{root.name}: the locked packages in {d}/ lie in a nested module whose go.mod "
                           f"declares {declared or 'no module path'}; the go command wants {n.module}")
    if root.lp.source:
        n.code_root = root.code_root
        n.sum_path = root.code_root + "/" + d + suffix
    else:
        n.code_root, n.sum_path = root.name, n.module
    _version(n, f"{root.name} ({d}/)")
    return n


def _version(e: ModuleAt, label: str) -> None:
    """The module version the go command gives ``e.commit`` for ``e.sum_path``."""
    from dep.gomod import pseudo

    try:
        e.mv = pseudo.resolve_module_version(e.src, e.commit, e.sum_path, e.code_root)
    except DepError as err:
        raise LockMapError(f"{label}: {err}") from None


# --- the cached summary ------------------------------------------------------------------------

def locked_modules(project, sm) -> list[LockedModule]:
    """Every Gopkg.lock project of ``project`` as its module(s), in lock order; one
    LockMapError names every project that cannot be mapped. Remembered in ``sm.metadata`` per
    (name, source, revision) and locked packages, so a warm run opens no source."""
    if project.lock is None:
        raise LockMapError(f"no Gopkg.lock in {project.abs_root}: run dep ensure first")
    def cache_key(lp) -> tuple[str, str, str]:
        kind = _KIND + "-" + hashlib.sha256("\n".join(sorted(lp.packages)).encode()).hexdigest()[:16]
        return lp.name + (" " + lp.source if lp.source else ""), lp.revision, kind

    def mapped(lp):  # the rows to cache, or the error (all projects are tried, in parallel)
        try:
            rows = [list(m[1:3]) + list(m[5:7]) for m in _map(lp, sm)]
        except DepError as e:
            return e
        sm.metadata.set_revision(*cache_key(lp), rows)
        return rows

    locked = sorted(project.lock.projects, key=lambda p: p.name)
    found = [sm.metadata.get_revision(*cache_key(lp)) for lp in locked]
    missing = [i for i, rows in enumerate(found) if not isinstance(rows, list)]
    for i, rows in zip(missing, sm.run_parallel([locked[i] for i in missing], mapped)):
        found[i] = rows
    out, failures = [], []
    for lp, rows in zip(locked, found):
        if isinstance(rows, DepError):
            failures.append(rows if isinstance(rows, LockMapError) else f"{lp.name}: {_one_line(rows)}")
            continue
        out.extend(LockedModule(lp.name, module, version, lp.revision, lp.source, d, how)
                   for module, version, d, how in rows)
    if failures:
        raise LockMapError("cannot map to Go modules: " + "; ".join(str(f) for f in failures))
    return out


def _map(lp, sm) -> list[LockedModule]:
    """``lp``'s modules from its source: a Go module proxy's answer when one serves the
    project (a ``direct`` entry falls back to the git clone), else the git clone."""
    from dep.bridge import ProjectIdentifier
    from dep.sources.proxy import ChainSource, ProxySource

    src = sm.source(ProjectIdentifier(lp.name, lp.source))
    if isinstance(src, ChainSource):
        return src.walk("module", lambda s: _map_proxy(lp, s) if isinstance(s, ProxySource) else _map_git(lp, s))
    return _map_git(lp, src)


def _map_proxy(lp, s) -> list[LockedModule]:
    """The proxy's module for the locked revision and, for each locked package its zip leaves
    out, the nested module the proxy has for the package's closest directory at that revision
    (as the go command resolves it)."""
    module, version = s.module_at(lp.revision, lp.version)
    dirs = {f.rpartition("/")[0] or "." for f in s.module_zip(module, version).files}
    in_root, nested = False, {}
    for pkg in sorted(lp.packages or ["."]):
        found = None if pkg in dirs or pkg == "." else s.nested_module(lp.revision, pkg, nested)
        if found is None:  # in the root module's zip, or no nested module has it either
            in_root = True
        elif found[1] is not None:
            d, mpath, mversion = found
            nested[d] = LockedModule(lp.name, mpath, mversion, lp.revision, lp.source, d, "proxy")
    root = [LockedModule(lp.name, module, version, lp.revision, lp.source, "", "proxy")] if in_root else []
    return root + [nested[d] for d in sorted(nested)]


def _map_git(lp, src) -> list[LockedModule]:
    if getattr(src, "vcs", "") != "git":
        raise LockMapError(f"{lp.name}: {getattr(src, 'vcs', 'this kind of')} sources cannot be mapped to Go "
                           "modules yet (only git and Go module proxies)")
    e = ModuleAt(lp, src)
    e.commit = src.resolve_revision(lp.revision)
    resolve(e)
    return [LockedModule(lp.name, m.module, m.mv.version, lp.revision, lp.source, m.mod_dir,
                         "tag" if m.mv.tag is not None else "pseudo-version")
            for m in modules_of(e)]
