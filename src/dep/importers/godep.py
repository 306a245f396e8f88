"""godep: ``Godeps/Godeps.json`` (locked revisions, version comments, required packages)."""

from __future__ import annotations

from dep.gofmt import go_quote
from dep.importers.base import ConfigImportError, DirFiles, ImportedPackage, Importer
from dep.importers.godecode import STRING, STRINGS, DecodeError, List, Struct, decode_json

_PACKAGE = Struct("godep.godepPackage", {"ImportPath": STRING, "Rev": STRING, "Comment": STRING})
_JSON = Struct("godep.godepJSON", {"Packages": STRINGS, "Deps": List(_PACKAGE)})


class GodepImporter(Importer):
    name = "godep"
    config = "Godeps/Godeps.json"

    def convert(self, files: DirFiles, root: str) -> None:
        self.log("Detected godep configuration files...")
        path = files.path(self.config)
        if self.verbose:
            self.log(f"  Loading {path}")
        try:
            cfg = decode_json(self.read_config(files, self.config), _JSON)
        except DecodeError as e:
            raise ConfigImportError(f"unable to parse {path}: {e}") from None

        self.log("Converting from Godeps.json ...")
        packages = []
        for pkg in cfg["Deps"]:
            if not pkg["ImportPath"]:
                self.log("  Warning: Skipping project. Invalid godep configuration, ImportPath is required")
                continue
            if not pkg["Rev"]:
                self.log("  Warning: Invalid godep configuration, Rev not found for ImportPath "
                         f"{go_quote(pkg['ImportPath'])}")
            packages.append(ImportedPackage(pkg["ImportPath"], lock_hint=pkg["Rev"], constraint_hint=pkg["Comment"]))
        self.import_packages(packages, constraint_from_lock=True)
        # Godeps lists the project's own packages ("./...") too; those are not requirements.
        required = [p for p in cfg["Packages"] if not p.startswith(".")]
        if required:
            self.manifest.required = required
