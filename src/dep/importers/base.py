"""What every importer shares: where config files are read from, and turning another tool's
(package, version hint, lock hint, source) entries into dep constraints and lock entries with
dep's rules (internal/importers/base), so imported projects start where they were."""

from __future__ import annotations

import os
from typing import Callable

from dep.bridge import ProjectIdentifier
from dep.errors import DepError
from dep.feedback import IMPORTED, constraint_line, locked_line
from dep.lock import Lock, LockedProject
from dep.manifest import Manifest, ProjectProperties
from dep.solver.model import ident_str
from dep.versions import ANY, AnyConstraint, PairedVersion, Revision, Version, parse_constraint, sort_for_upgrade


class ConfigImportError(DepError):
    """A tool's main config file cannot be read or parsed (dep then imports nothing)."""


class DirFiles:
    """A project's files in a directory on disk (the project being initialised)."""

    def __init__(self, directory: str) -> None:
        self.dir = directory

    def path(self, rel: str) -> str:
        return os.path.join(self.dir, *rel.split("/"))

    def exists(self, rel: str) -> bool:
        return os.path.exists(self.path(rel))

    def is_regular(self, rel: str) -> bool:
        return os.path.isfile(self.path(rel))

    def read(self, rel: str) -> bytes:
        with open(self.path(rel), "rb") as f:
            return f.read()


class RevisionFiles(DirFiles):
    """A dependency's files at one revision, read from its cached clone without a checkout;
    paths in messages name the clone, as dep's (which checks the revision out there)."""

    def __init__(self, source, rev: str) -> None:
        super().__init__(source.path)
        self._source = source
        self._rev = rev

    def _data(self, rel: str) -> bytes | None:
        return self._source.read_file(self._rev, rel)

    def exists(self, rel: str) -> bool:
        return self._data(rel) is not None

    is_regular = exists

    def read(self, rel: str) -> bytes:
        data = self._data(rel)
        if data is None:
            import errno

            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), self.path(rel))
        return data


def go_read_error(path: str, err: OSError) -> str:
    """Go's error text for reading a whole file that could not be read."""
    from dep.gofmt import go_path_error

    return go_path_error("read" if isinstance(err, IsADirectoryError) else "open", path, err)


_MAX_LINE = 64 * 1024  # bufio.Scanner's default token limit


def config_lines(importer: "Importer", files: DirFiles, rel: str, verb: str) -> list[str]:
    """The file's lines as Go's bufio.Scanner yields them (``\r\n`` or ``\n`` endings); a line
    over 64 KiB ends the scan with dep's warning, keeping the lines before it."""
    data = importer.read_config(files, rel, verb)
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    out = []
    for line in lines:
        if len(line) >= _MAX_LINE:
            importer.log(f"  Warning: Ignoring errors found while parsing {files.path(rel)}: "
                         "bufio.Scanner: token too long")
            break
        out.append(line.removesuffix(b"\r").decode("utf-8", "surrogateescape"))
    return out


class ImportedPackage:
    """One entry of another tool's config: a package path (not necessarily a project root),
    a lock hint (revision or tag), an alternate source, a constraint hint (version or branch)."""

    __slots__ = ("name", "lock_hint", "source", "constraint_hint")

    def __init__(self, name: str, lock_hint: str = "", source: str = "", constraint_hint: str = "") -> None:
        self.name = name
        self.lock_hint = lock_hint
        self.source = source
        self.constraint_hint = constraint_hint


class Importer:
    """Base of the importers. Subclasses set ``name`` and ``config`` (the file whose presence
    means the tool is used) and implement ``convert(files, root)``, which reads the files and
    calls ``import_packages``; ``log`` receives dep's notes one line at a time."""

    name = ""
    config = ""

    def __init__(self, sm, log: Callable[[str], None], verbose: bool) -> None:
        self.sm = sm
        self.log = log
        self.verbose = verbose
        self.manifest = Manifest()
        self.lock = Lock()

    def has_config(self, files: DirFiles) -> bool:
        return files.exists(self.config)

    def import_config(self, files: DirFiles, root: str) -> tuple[Manifest, Lock]:
        """The tool's config as a manifest and lock; ``ConfigImportError`` when unusable."""
        self.convert(files, root)
        return self.manifest, self.lock

    def convert(self, files: DirFiles, root: str) -> None:
        raise NotImplementedError

    def read_config(self, files: DirFiles, rel: str, verb: str = "read") -> bytes:
        """The file's bytes, or ``ConfigImportError("unable to <verb> <path>: <Go's error>")``."""
        path = files.path(rel)
        try:
            return files.read(rel)
        except OSError as e:
            raise ConfigImportError(f"unable to {verb} {path}: {go_read_error(path, e)}") from None

    # -- dep's conversion rules

    def _projects(self, packages: list[ImportedPackage]) -> list[ImportedPackage]:
        """Packages merged per project root, in first-seen order; the first non-empty value of
        each field wins (a tool's config and lock fill in different fields)."""
        by_root: dict[str, ImportedPackage] = {}
        for pkg in packages:
            try:
                root = self.sm.deduce_project_root(pkg.name)
            except DepError as e:
                self.log(f"  Warning: Skipping project. Cannot determine the project root for {pkg.name}: {e}")
                continue
            prj = by_root.get(root)
            if prj is None:
                by_root[root] = ImportedPackage(root, pkg.lock_hint, pkg.source, pkg.constraint_hint)
                continue
            prj.source = prj.source or pkg.source
            prj.constraint_hint = prj.constraint_hint or pkg.constraint_hint
            prj.lock_hint = prj.lock_hint or pkg.lock_hint
        return list(by_root.values())

    def import_packages(self, packages: list[ImportedPackage], constraint_from_lock: bool) -> None:
        """Add each project's constraint and locked version. ``constraint_from_lock``: without a
        constraint hint, constrain to the locked version (caret range for a semver tag)."""
        from dep.spec import infer_constraint

        for prj in self._projects(packages):
            pid = ProjectIdentifier(prj.name, self._source(prj.name, prj.source))
            try:
                constraint = infer_constraint(prj.constraint_hint, pid, self.sm)
            except DepError:
                constraint = ANY
            version = None
            if prj.lock_hint:
                try:
                    version = self._locked_version(pid, constraint, prj.lock_hint)
                except DepError as e:
                    from dep.gofmt import go_quote

                    self.log(f"  Warning: Skipping project. Unable to import lock {go_quote(prj.lock_hint)} "
                             f"for {ident_str(pid)}: {e}")
                    continue
                if constraint_from_lock and not prj.constraint_hint:
                    constraint = _constraint_for(version)
            if isinstance(constraint, Version) and constraint.version_type in ("revision", "version"):
                if self.verbose:
                    self.log(f"  Ignoring pinned constraint {constraint} for {ident_str(pid)}.")
                constraint = ANY
            if not _allows(constraint, version):
                if self.verbose:
                    self.log(f"  Ignoring constraint {constraint} for {ident_str(pid)} because it would "
                             f"invalidate the locked version {'<nil>' if version is None else version}.")
                constraint = ANY
            if not isinstance(constraint, AnyConstraint) or pid.source:
                self.manifest.constraints[pid.root] = ProjectProperties(pid.source, constraint)
                self.log(constraint_line(constraint, IMPORTED, pid.root))
            if version is not None:
                self.lock.projects.append(LockedProject.at(pid.root, version, pid.source))
                line = locked_line(version, IMPORTED, pid.root)
                if line is not None:
                    self.log(line)

    def _source(self, root: str, source: str) -> str:
        """The imported source, unless it is the default one or cannot be used."""
        if not source:
            return ""
        if source == "https://" + root:
            return ""
        try:
            urls = self.sm.deducer.source_urls(root)
        except DepError as e:
            self.log(f"  Ignoring imported source {source} for {root}: {e}")
            return ""
        if urls and source == urls[0]:
            return ""
        if "/vendor/" in source:
            self.log(f"  Ignoring imported source {source} for {root} because vendored sources aren't supported")
            return ""
        return source

    def _locked_version(self, pid: ProjectIdentifier, constraint, hint: str) -> Version:
        """A listed tag named ``hint``, else the revision ``hint`` paired with a listed version
        at that revision (one the constraint allows first), else with a branch named like the
        constraint, else the bare revision."""
        try:
            versions = list(self.sm.list_versions(pid))
        except DepError as e:
            raise DepError(f"unable to list versions for {pid.root}({pid.source}): {e}") from None
        for v in versions:
            if v.version_type in ("semver", "version") and str(v) == hint:
                return v
        rev = Revision(hint)
        matches, branch = [], None
        for v in sort_for_upgrade(versions):
            if isinstance(v, PairedVersion) and v.revision == rev:
                matches.append(v)
            if constraint is not None and v.version_type == "branch" and str(v) == str(constraint):
                branch = v
        if matches:
            return next((v for v in matches if _allows(constraint, v)), matches[0])
        if branch is not None:
            return PairedVersion(branch.unpaired, rev)
        return rev


def _constraint_for(version: Version):
    """A semver tag becomes a caret range on it; anything else constrains to itself."""
    if version.version_type == "semver":
        return parse_constraint(str(version))
    return version


def _allows(constraint, version) -> bool:
    """The constraint would keep the locked version (branch constraints are assumed to)."""
    if isinstance(constraint, Version) and constraint.version_type == "branch":
        return True
    return constraint.matches(version)
