"""govend: ``vendor.yml`` (YAML form only, as in dep), a path and revision per dependency."""

from __future__ import annotations

from dep.gofmt import go_quote
from dep.importers.base import ConfigImportError, DirFiles, ImportedPackage, Importer
from dep.importers.godecode import STRING, DecodeError, List, Struct, decode_yaml

_PACKAGE = Struct("govend.govendPackage", {"path": STRING, "rev": STRING})
_YAML = Struct("govend.govendYAML", {"vendors": List(_PACKAGE)})


class GovendImporter(Importer):
    name = "govend"
    config = "vendor.yml"

    def convert(self, files: DirFiles, root: str) -> None:
        self.log("Detected govend configuration files...")
        path = files.path(self.config)
        if self.verbose:
            self.log(f"  Loading {path}")
        try:
            cfg = decode_yaml(self.read_config(files, self.config), _YAML)
        except DecodeError as e:
            raise ConfigImportError(f"unable to parse {path}: {e}") from None

        self.log("Converting from vendor.yaml...")
        packages = []
        for pkg in cfg["vendors"]:
            if not pkg["path"]:
                self.log("  Warning: Skipping project. Invalid govend configuration, path is required")
                continue
            if not pkg["rev"]:
                self.log("  Warning: Skipping import with empty constraints. The solve step will add the "
                         f"dependency to the lock if needed: {go_quote(pkg['path'])}")
                continue
            packages.append(ImportedPackage(pkg["path"], lock_hint=pkg["rev"]))
        self.import_packages(packages, constraint_from_lock=True)
