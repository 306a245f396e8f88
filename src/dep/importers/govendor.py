"""govendor: ``vendor/vendor.json`` (revision and origin per package, ignore patterns)."""

from __future__ import annotations

from dep.errors import DepError
from dep.gofmt import go_clean
from dep.importers.base import ConfigImportError, DirFiles, ImportedPackage, Importer
from dep.importers.godecode import STRING, DecodeError, List, Struct, decode_json

_PACKAGE = Struct("govendor.govendorPackage", {"Origin": STRING, "Path": STRING, "Revision": STRING,
                                               "Version": STRING})
_FILE = Struct("govendor.govendorFile", {"RootPath": STRING, "Ignore": STRING,
                                         "Package": List(_PACKAGE, pointer=True)})


class GovendorImporter(Importer):
    name = "govendor"
    config = "vendor/vendor.json"

    def convert(self, files: DirFiles, root: str) -> None:
        self.log("Detected govendor configuration file...")
        path = files.path(self.config)
        if self.verbose:
            self.log(f"  Loading {path}")
        try:
            cfg = decode_json(self.read_config(files, self.config), _FILE)
        except DecodeError as e:
            raise ConfigImportError(f"unable to parse {path}: {e}") from None

        self.log("Converting from vendor.json...")
        packages = []
        for pkg in cfg["Package"]:
            if not pkg["Path"]:
                self.log("  Warning: Skipping project. Invalid govendor configuration, Path is required")
                continue
            packages.append(ImportedPackage(pkg["Path"], lock_hint=pkg["Revision"], source=pkg["Origin"]))
        self.import_packages(packages, constraint_from_lock=True)

        # Words without a slash are build tags (dep has no equivalent); the rest are package
        # path prefixes, either another project's or relative to this one.
        for word in cfg["Ignore"].split(" ") if cfg["Ignore"] else []:
            if "/" not in word:
                self.log(f"  Govendor was configured to ignore the {word} build tag, but that isn't "
                         "supported by dep yet, and will be ignored. See https://github.com/golang/dep/issues/291.")
                continue
            try:
                self.sm.deduce_project_root(word)
                pattern = word
            except DepError:
                pattern = go_clean(f"{root}/{word}")
            self.manifest.ignored.append(pattern.rstrip("/") + "*")
