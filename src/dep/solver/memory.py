"""An in-memory universe of projects behind the ``SourceBridge`` interface, for tests and case files.

Lookups follow the fixture source manager gps's own solver tests use, so that cases drawn
from those fixtures mean the same thing here: project names are matched case-insensitively
(as code hosts do) and a project's packages are reported under the spelling it was asked
for; a version's packages are found by its exact version (a tag paired with a different
revision only by the tag), its manifest by the tag alone.
"""

from __future__ import annotations

from dep.bridge import ProjectIdentifier, SourceBridge
from dep.errors import DepError
from dep.lock import Lock
from dep.manifest import ProjectProperties
from dep.pkgtree import Package, PackageOrErr, PackageTree
from dep.solver.model import fold, ident_str
from dep.versions import PairedVersion, Revision, Version


class UnknownProjectError(DepError):
    """The universe has no project (or version) by that name."""


class ProjectVersion:
    """One version of one project: its own ``[[constraint]]``s and its packages' imports."""

    __slots__ = ("name", "version", "constraints", "packages")

    def __init__(self, name: str, version: Version, constraints: dict[str, ProjectProperties],
                 packages: dict[str, list[str]]) -> None:
        self.name = name
        self.version = version
        self.constraints = constraints
        self.packages = packages

    def __repr__(self) -> str:
        rules = {name: str(pp.constraint) for name, pp in self.constraints.items()}
        return f"ProjectVersion({self.name!r}, {self.version!r}, {rules!r}, {self.packages!r})"


def package_tree(import_root: str, packages: dict[str, list[str]]) -> PackageTree:
    """A tree of error-free packages, each named after its last path element."""
    return PackageTree(import_root, {
        path: PackageOrErr(Package(import_path=path, name=path.rsplit("/", 1)[-1],
                                   imports=tuple(sorted(set(imports)))))
        for path, imports in packages.items()})


class MemoryBridge(SourceBridge):
    """The projects of a case, plus the Gopkg.lock each dependency version carries (``dep_locks``,
    keyed ``"<project> <version>"``)."""

    def __init__(self, projects: list[ProjectVersion], dep_locks: dict[str, Lock] | None = None,
                 extra_roots: tuple[str, ...] = ()) -> None:
        self._dep_locks = dep_locks or {}
        self._by_name: dict[str, list[ProjectVersion]] = {}
        for pv in projects:
            self._by_name.setdefault(fold(pv.name), []).append(pv)
        self._roots = {fold(name): name for name in sorted({pv.name for pv in projects}.union(extra_roots))}

    def knows(self, path: str) -> bool:
        """Whether ``path`` lies in some project of the universe."""
        return self._find_root(path) is not None

    def _find_root(self, path: str) -> str | None:
        """The longest project name that is ``path`` or a parent of it, in ``path``'s spelling."""
        folded = fold(path)
        end = len(folded)
        while end > 0:
            if folded[:end] in self._roots:
                return path[:end]
            end = folded.rfind("/", 0, end)
        return None

    def _entries(self, ident: ProjectIdentifier) -> list[ProjectVersion]:
        return self._by_name.get(fold(ident.normalized_source()), [])

    def deduce_project_root(self, import_path: str) -> str:
        root = self._find_root(import_path)
        if root is None:
            raise UnknownProjectError(f"no project in the universe contains {import_path}")
        return root

    def source_exists(self, project: ProjectIdentifier) -> bool:
        return bool(self._entries(project))

    def list_versions(self, project: ProjectIdentifier) -> list:
        versions = [pv.version for pv in self._entries(project) if not isinstance(pv.version, Revision)]
        if not versions:
            raise UnknownProjectError(f"project {ident_str(project)} could not be found")
        return versions

    def revision_present_in(self, project: ProjectIdentifier, revision: str) -> bool:
        rev = Revision(revision)
        return any(pv.version == rev or (isinstance(pv.version, PairedVersion) and pv.version.revision == rev)
                   for pv in self._entries(project))

    def list_packages(self, project: ProjectIdentifier, version) -> PackageTree:
        entries = self._entries(project)
        found = next((pv for pv in entries if pv.version == version), None)
        if found is None and isinstance(version, PairedVersion):
            found = next((pv for pv in entries if version.unpaired.matches(pv.version)), None)
        if found is None:
            raise UnknownProjectError(f"project {ident_str(project)} at version {version} could not be found")
        # Packages are reported under the spelling the project was asked for, as a source
        # checked out under that import path would list them; their imports stay as written.
        root = project.root
        return package_tree(root, {_respell(path, root): imports for path, imports in found.packages.items()})

    def get_manifest_and_lock(self, project: ProjectIdentifier, version) -> tuple:
        key = version.unpaired if isinstance(version, PairedVersion) else version
        for pv in self._entries(project):
            if key.matches(pv.version):
                return pv.constraints, self._dep_locks.get(f"{pv.name} {version}")
        raise UnknownProjectError(f"project {ident_str(project)} at version {version} could not be found")


def _respell(path: str, root: str) -> str:
    head = path[:len(root)]
    if head != root and fold(head) == fold(root) and path[len(root):len(root) + 1] in ("", "/"):
        return root + path[len(root):]
    return path
