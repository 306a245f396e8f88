"""Other dependency managers' configs that ``dep init`` can start from, in the order dep tries
them (the first one found is used), and the analysis dep applies with them during init."""

from __future__ import annotations

from typing import Callable

from dep.bridge import ProjectIdentifier, SourceBridge
from dep.errors import DepError
from dep.importers.base import ConfigImportError, DirFiles, RevisionFiles
from dep.importers.glide import GlideImporter
from dep.importers.glock import GlockImporter
from dep.importers.godep import GodepImporter
from dep.importers.govend import GovendImporter
from dep.importers.govendor import GovendorImporter
from dep.importers.gvt import GvtImporter
from dep.importers.vndr import VndrImporter
from dep.lock import Lock
from dep.manifest import Manifest

IMPORTERS = (GlideImporter, GodepImporter, VndrImporter, GovendImporter, GvtImporter, GovendorImporter,
             GlockImporter)


def import_tool_config(files: DirFiles, root: str, sm, direct: set[str], note: Callable[[str], None],
                       log: Callable[[str], None], verbose: bool) -> tuple[Manifest, Lock | None]:
    """The first tool config found, as a manifest and lock (dep's importManifestAndLock).

    Constraints on projects that are not among ``direct`` (the root project's direct
    dependencies, even when importing a dependency's config) are dropped. ``note`` gets the
    lines dep always prints, ``log`` the importer's own notes. An unusable config is warned
    about and yields an empty manifest, as does finding none.
    """
    for cls in IMPORTERS:
        importer = cls(sm, log, verbose)
        if not importer.has_config(files):
            continue
        note(f"Importing configuration from {cls.name}. These are only initial constraints, and are "
             "further refined during the solve process.")
        try:
            manifest, lock = importer.import_config(files, root)
        except ConfigImportError as e:
            from dep.gofmt import go_quote

            note(f"Warning: Encountered an unrecoverable error while trying to import {cls.name} config "
                 f"from {go_quote(files.dir)}: {e}")
            break
        for name in [n for n in manifest.constraints if n not in direct]:
            del manifest.constraints[name]
        return manifest, lock
    return Manifest(), None


class AnalyzingBridge(SourceBridge):
    """The source manager as init's solve sees it: a dependency's rules come from its
    Gopkg.toml (constraints only, no lock, as dep's analyzer), or else from another tool's
    config in it, whose lock then suggests versions (dep's rootAnalyzer during init)."""

    def __init__(self, sm, direct: set[str], note: Callable[[str], None], verbose: bool) -> None:
        self.sm = sm
        self._direct = direct
        self._note = note
        self._verbose = verbose
        self._analysed: dict[tuple[ProjectIdentifier, str], tuple | DepError] = {}

    def deduce_project_root(self, import_path: str) -> str:
        return self.sm.deduce_project_root(import_path)

    def source_exists(self, project: ProjectIdentifier) -> bool:
        return self.sm.source_exists(project)

    def list_versions(self, project: ProjectIdentifier) -> list:
        return self.sm.list_versions(project)

    def revision_present_in(self, project: ProjectIdentifier, revision: str) -> bool:
        return self.sm.revision_present_in(project, revision)

    def list_packages(self, project: ProjectIdentifier, version):
        return self.sm.list_packages(project, version)

    def get_manifest_and_lock(self, project: ProjectIdentifier, version) -> tuple:
        src = self.sm.source(project)
        rev = str(src.to_revision(version))
        key = (project, rev)
        found = self._analysed.get(key)
        if found is None:
            try:
                found = self._analyse(project, src, rev)
            except DepError as e:
                found = e
            self._analysed[key] = found
        if isinstance(found, DepError):
            raise found
        return found

    def _analyse(self, project: ProjectIdentifier, src, rev: str) -> tuple:
        from dep.manifest import MANIFEST_NAME, parse_manifest

        text = src.read_file(rev, MANIFEST_NAME)
        if text is not None:
            manifest, _ = parse_manifest(text.decode("utf-8", "replace"), f"{project.root}@{rev}/{MANIFEST_NAME}")
            return manifest.constraints, None
        manifest, lock = import_tool_config(RevisionFiles(src, rev), project.root, self.sm, self._direct,
                                            self._note, lambda line: None, self._verbose)
        return manifest.constraints, lock
