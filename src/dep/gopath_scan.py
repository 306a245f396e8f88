"""``dep init -gopath``: start from the versions already checked out in GOPATH.

Each direct dependency, and every project its packages reach that is also in GOPATH, is
locked at the version its working copy has checked out (gps's VCSVersion); direct ones also
get a constraint from it. Projects that are missing or whose version cannot be read are left
to the solver, and listed on stderr. Rules imported from another tool's config win.
"""

from __future__ import annotations

import os
import re
from typing import Callable

from dep.bridge import ProjectIdentifier
from dep.errors import DepError
from dep.feedback import DIRECT, TRANSITIVE, constraint_line, locked_line
from dep.lock import Lock, LockedProject
from dep.manifest import Manifest, properties_from_version
from dep.pkgtree import is_standard_import_path
from dep.versions import Branch, PairedVersion, Revision, Version, parse_version


class VCSVersionError(DepError):
    """The working copy's checked-out version cannot be determined."""


def vcs_version(path: str) -> Version:
    """What the git working copy at ``path`` has checked out, as Masterminds/vcs sees it: a
    branch that also exists on origin, a tag on HEAD (only ``v``-prefixed tags count), or else
    the bare revision. Other VCSs are not read (their projects are solved for instead)."""
    if not os.path.exists(os.path.join(path, ".git")):
        raise VCSVersionError(f"creating new repo for root: {path}: Cannot detect VCS")
    from dulwich.errors import NotGitRepository
    from dulwich.objects import Tag
    from dulwich.repo import Repo

    try:
        repo = Repo(path)
    except (NotGitRepository, OSError) as e:
        raise VCSVersionError(f"creating new repo for root: {path}: {e}") from None
    with repo:
        try:
            repo.get_config().get((b"remote", b"origin"), b"url")
        except KeyError:
            raise VCSVersionError(f"creating new repo for root: {path}: Unable to retrieve local repo "
                                  "information") from None
        refs = repo.get_refs()
        head = refs.get(b"HEAD")
        if head is None:
            raise VCSVersionError(f"getting repo version for root: {path}: Unable to retrieve checked out version")
        rev = head.decode()
        # `git show-ref` (refname order), with `-d`'s peeled lines for annotated tags.
        lines, peeled = [], []
        for name in sorted(n for n in refs if n.startswith(b"refs/")):
            sha = refs[name].decode()
            lines.append(f"{sha} {name.decode('utf-8', 'surrogateescape')}")
            peeled.append(lines[-1])
            obj = repo.get_object(refs[name]) if name.startswith(b"refs/tags/") else None
            while isinstance(obj, Tag):
                target = obj.object[1]
                peeled.append(f"{target.decode()} {name.decode('utf-8', 'surrogateescape')}^{{}}")
                obj = repo.get_object(target)
        symref = repo.refs.get_symrefs().get(b"HEAD")
    if symref is not None:
        current = symref.decode("utf-8", "surrogateescape").removeprefix("refs/heads/")
    else:
        at_head = [line for line in peeled if line.startswith(rev)]
        tags = [t.removesuffix("^{}") for t in _names(at_head, "tags")]
        current = tags[0] if tags else rev
    if current in _names(lines, "tags"):
        if current.startswith("v"):
            return PairedVersion(parse_version(current), rev)
        raise VCSVersionError(f'version for root {path} does not start with a v: "{current}"')
    if current in _names(lines, "origin"):
        return PairedVersion(Branch(current), rev)
    return Revision(rev)


def _names(lines: list[str], prefix: str) -> list[str]:
    """Masterminds/vcs referenceList: the part after ``<prefix>/`` at the end of each line."""
    pattern = re.compile(rf"(?:{prefix})/(\S+)$")
    return [m.group(1) for m in map(pattern.search, lines) if m]


class _Scan:
    """What was found: constraints for direct deps, packages per project, versions on disk,
    and the projects left to the solver (``invalid``: on disk without usable VCS data)."""

    def __init__(self) -> None:
        self.constraints: dict = {}
        self.packages: dict[str, list[str]] = {}
        self.ondisk: dict[str, Version] = {}
        self.missing: set[str] = set()
        self.invalid: set[str] = set()


def scan_gopath(manifest: Manifest, lock: Lock, direct: set[str], gopath: str, sm,
                log: Callable[[str], None]) -> None:
    """Fill in ``manifest`` and ``lock`` from GOPATH where they say nothing (dep's gopathScanner)."""
    log("Searching GOPATH for projects...")
    scan = _scan(direct, gopath, sm, log)
    for root, pp in scan.constraints.items():
        if root in manifest.constraints:
            continue
        manifest.constraints[root] = pp
        version = scan.ondisk[root]
        log(constraint_line(version, DIRECT, root))
        line = locked_line(version, DIRECT, root)
        if line is not None:
            log(line)
    locked = {p.name for p in lock.projects}
    for root, version in scan.ondisk.items():
        if root in locked:
            continue
        packages = ["." if p == root else p.removeprefix(root + "/") for p in scan.packages.get(root, [])]
        lock.projects.append(LockedProject.at(root, version, packages=packages))
        locked.add(root)
        if root not in direct:
            line = locked_line(version, TRANSITIVE, root)
            if line is not None:
                log(line)
    missing = sorted(r for r in scan.missing if r not in locked and r not in scan.invalid)
    no_vcs = sorted(r for r in scan.missing if r not in locked and r in scan.invalid)
    text = ""
    if missing:
        text += "The following dependencies were not found in GOPATH:\n  " + "\n  ".join(missing) + "\n\n"
    if no_vcs:
        text += ("The following dependencies found in GOPATH were missing VCS information (a remote source is "
                 "required):\n  " + "\n  ".join(no_vcs) + "\n\n")
    if text:
        log("\n" + text + "The most recent version of these projects will be used.\n\n")


def _sync(sm, root: str, log: Callable[[str], None]) -> None:
    try:
        sm.sync_source(ProjectIdentifier(root))
    except DepError as e:
        log(f"Unable to cache {root}: {e}")


def _scan(direct: set[str], gopath: str, sm, log: Callable[[str], None]) -> _Scan:
    from dep.pkgtree import list_packages

    scan = _Scan()
    src = os.path.join(gopath, "src")
    starts = sorted(direct)
    for ip in starts:
        try:
            root = sm.deduce_project_root(ip)
        except DepError as e:
            raise DepError(f"sm.DeduceProjectRoot: {e}") from None
        if root in scan.packages:
            scan.packages[root].append(ip)
            continue
        _sync(sm, root, log)
        scan.packages[root] = [ip]
        path = os.path.join(src, root)
        if not os.path.isdir(path):
            scan.missing.add(root)
            continue
        try:
            version = vcs_version(path)
        except DepError:
            scan.invalid.add(root)
            scan.missing.add(root)
            continue
        scan.ondisk[root] = version
        pp = properties_from_version(version)
        if pp.constraint is not None or pp.source:
            scan.constraints[root] = pp

    # Depth-first through the packages those reach, completing the lock where GOPATH has them.
    done: set[str] = set()
    visiting: set[str] = set()
    trees: dict = {}

    def visit(pkg: str) -> None:
        if pkg in done:
            return
        if pkg in visiting:
            raise DepError(f"Import cycle detected on {pkg}")
        visiting.add(pkg)
        try:
            root = sm.deduce_project_root(pkg)
        except DepError as e:
            raise DepError(f"could not deduce project root for {pkg}: {e}") from None
        try:
            if root in scan.missing:
                return
            tree = trees.get(root)
            if tree is None:
                path = os.path.join(src, root)
                if not os.path.isdir(path):
                    scan.missing.add(root)
                    return
                if root not in scan.ondisk:
                    try:
                        scan.ondisk[root] = vcs_version(path)
                    except DepError:
                        scan.missing.add(root)
                        return
                try:
                    tree = trees[root] = list_packages(path, root)
                except DepError as e:
                    raise DepError(f"gps.ListPackages: {e}") from None
            reach, problems = tree.to_reach_map(True, False, False, None)
            entry = reach.get(pkg)
            if entry is None:
                scan.missing.add(root)
                return
            if pkg in problems:
                return
            if root in scan.packages:
                if pkg not in scan.packages[root]:
                    scan.packages[root].append(pkg)
            else:
                scan.packages[root] = [pkg]
                _sync(sm, root, log)
            for imp in entry.external:
                if not is_standard_import_path(imp):
                    visit(imp)
        finally:
            visiting.discard(pkg)
            done.add(pkg)

    for pkg in starts:
        visit(pkg)
    return scan
