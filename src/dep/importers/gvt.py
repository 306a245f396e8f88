"""gvt and gb: ``vendor/manifest`` (revision, repository and branch per dependency)."""

from __future__ import annotations

from dep.gofmt import go_quote
from dep.importers.base import ConfigImportError, DirFiles, ImportedPackage, Importer
from dep.importers.godecode import STRING, DecodeError, List, Struct, decode_json

_PACKAGE = Struct("gvt.gvtPkg", {"ImportPath": STRING, "Repository": STRING, "Revision": STRING,
                                 "Branch": STRING})
_MANIFEST = Struct("gvt.gvtManifest", {"dependencies": List(_PACKAGE)})


class GvtImporter(Importer):
    name = "gvt"
    config = "vendor/manifest"

    def convert(self, files: DirFiles, root: str) -> None:
        self.log("Detected gb/gvt configuration files...")
        path = files.path(self.config)
        if self.verbose:
            self.log(f"  Loading {path}")
        try:
            cfg = decode_json(self.read_config(files, self.config), _MANIFEST)
        except DecodeError as e:
            raise ConfigImportError(f"unable to parse {path}: {e}") from None

        self.log("Converting from vendor/manifest ...")
        packages = []
        for pkg in cfg["dependencies"]:
            if not pkg["ImportPath"]:
                self.log("  Warning: Skipping project. Invalid gvt configuration, ImportPath is required")
                continue
            if not pkg["Revision"]:
                self.log("  Warning: Invalid gvt configuration, Revision not found for ImportPath "
                         f"{go_quote(pkg['ImportPath'])}")
            # gb-vendor records HEAD when fetched by tag or revision (then the revision is the
            # hint); both tools record master unless another branch was asked for.
            hint = {"HEAD": pkg["Revision"], "master": ""}.get(pkg["Branch"], pkg["Branch"])
            packages.append(ImportedPackage(pkg["ImportPath"], lock_hint=pkg["Revision"],
                                            source=pkg["Repository"], constraint_hint=hint))
        self.import_packages(packages, constraint_from_lock=True)
