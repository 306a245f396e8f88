"""The seam between the solver and the sources: everything the solver may ask of a project.

The solver only ever sees this interface. The CLI hands it the real source manager
(``dep.sources.manager``); tests and the solver-case runner hand it an in-memory one.
Implementations cache as they see fit; the solver may call any method many times.
"""

from __future__ import annotations


class ProjectIdentifier:
    """A project root plus an optional alternate source (URL or import-path-like string)."""

    __slots__ = ("root", "source")

    def __init__(self, root: str, source: str = "") -> None:
        self.root = root
        self.source = source

    def normalized_source(self) -> str:
        return self.source or self.root

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ProjectIdentifier)
                and (self.root, self.source) == (other.root, other.source))

    def __hash__(self) -> int:
        return hash((self.root, self.source))

    def __lt__(self, other: ProjectIdentifier) -> bool:
        """gps order: by root, then by source (an empty source sorting as the root)."""
        return (self.root, self.normalized_source()) < (other.root, other.normalized_source())

    def __repr__(self) -> str:
        return f"ProjectIdentifier({self.root!r}, {self.source!r})" if self.source else f"ProjectIdentifier({self.root!r})"

    def __str__(self) -> str:
        return f"{self.root} (from {self.source})" if self.source else self.root


class SourceBridge:
    """What the solver needs from sources. Methods raise ``dep.errors.DepError`` subclasses."""

    def deduce_project_root(self, import_path: str) -> str:
        """The project root that owns ``import_path`` (e.g. github.com/a/b for github.com/a/b/c)."""
        raise NotImplementedError

    def source_exists(self, project: ProjectIdentifier) -> bool:
        """Whether any of the project's candidate sources can be reached."""
        raise NotImplementedError

    def list_versions(self, project: ProjectIdentifier) -> list:
        """Every version the source has, each a ``PairedVersion`` (tags and branches with revisions)."""
        raise NotImplementedError

    def revision_present_in(self, project: ProjectIdentifier, revision: str) -> bool:
        raise NotImplementedError

    def list_packages(self, project: ProjectIdentifier, version) -> "PackageTree":  # noqa: F821
        """The project's package tree at ``version`` (a PairedVersion or Revision)."""
        raise NotImplementedError

    def get_manifest_and_lock(self, project: ProjectIdentifier, version) -> tuple:
        """(constraints, lock) from the project's own Gopkg.toml/Gopkg.lock at ``version``.

        ``constraints`` is a dict root -> ``dep.manifest.ProjectProperties`` of its
        ``[[constraint]]`` rules (a dependency's overrides, required and ignored do not count
        in dep); ``lock`` is a ``dep.lock.Lock`` or None.
        """
        raise NotImplementedError
