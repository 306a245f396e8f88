"""glide: ``glide.yaml`` (constraints, ignores, excluded dirs) and the optional ``glide.lock``."""

from __future__ import annotations

from dep.gofmt import go_clean
from dep.importers.base import ConfigImportError, DirFiles, ImportedPackage, Importer, go_read_error
from dep.importers.godecode import STRING, STRINGS, DecodeError, List, Struct, decode_yaml

_PACKAGE = Struct("glide.glidePackage", {"package": STRING, "version": STRING, "repo": STRING,
                                         "subpackages": STRINGS, "os": STRING, "arch": STRING})
_YAML = Struct("glide.glideYaml", {"package": STRING, "ignore": STRINGS, "excludeDirs": STRINGS,
                                   "import": List(_PACKAGE), "testImport": List(_PACKAGE)})
_LOCKED = Struct("glide.glideLockedPackage", {"name": STRING, "version": STRING, "repo": STRING})
_LOCK = Struct("glide.glideLock", {"imports": List(_LOCKED), "testImports": List(_LOCKED)})

_UNSUPPORTED = ("  The {} package specified an {}, but that isn't supported by dep yet, and will be "
                "ignored. See https://github.com/golang/dep/issues/291.")


class GlideImporter(Importer):
    name = "glide"
    config = "glide.yaml"

    def convert(self, files: DirFiles, root: str) -> None:
        self.log("Detected glide configuration files...")
        path = files.path(self.config)
        if self.verbose:
            self.log(f"  Loading {path}")
        try:
            cfg = decode_yaml(self.read_config(files, self.config), _YAML)
        except DecodeError as e:
            raise ConfigImportError(f"unable to parse {path}: {e}") from None
        lock = self._load_lock(files)

        self.log("Converting from glide.yaml" + (" and glide.lock" if lock is not None else "") + "...")
        packages = []
        for pkg in cfg["import"] + cfg["testImport"]:
            if not pkg["package"]:
                self.log("  Warning: Skipping project. Invalid glide configuration, Name is required")
                continue
            if self.verbose:
                for key in ("os", "arch"):
                    if pkg[key]:
                        self.log(_UNSUPPORTED.format(pkg["package"], key))
            packages.append(ImportedPackage(pkg["package"], source=pkg["repo"], constraint_hint=pkg["version"]))
        for pkg in (lock["imports"] + lock["testImports"]) if lock is not None else []:
            if not pkg["name"]:
                self.log("  Warning: Skipping project. Invalid glide lock, Name is required")
                continue
            packages.append(ImportedPackage(pkg["name"], lock_hint=pkg["version"], source=pkg["repo"]))
        self.import_packages(packages, constraint_from_lock=False)

        self.manifest.ignored.extend(cfg["ignore"])
        if cfg["excludeDirs"]:
            if cfg["package"] and cfg["package"] != root:
                self.log(f"  Glide thinks the package is '{cfg['package']}' but dep thinks it is '{root}', "
                         "using dep's value.")
            self.manifest.ignored.extend(go_clean(f"{root}/{d}") for d in cfg["excludeDirs"])

    def _load_lock(self, files: DirFiles) -> dict | None:
        """glide.lock if present and readable; a bad lock is only warned about."""
        rel = "glide.lock"
        if not files.is_regular(rel):
            return None
        path = files.path(rel)
        if self.verbose:
            self.log(f"  Loading {path}")
        try:
            data = files.read(rel)
        except OSError as e:
            self.log(f"  Warning: Ignoring lock file. Unable to read {path}: {go_read_error(path, e)}")
            return None
        try:
            return decode_yaml(data, _LOCK)
        except DecodeError as e:
            self.log(f"  Warning: Ignoring lock file. Unable to parse {path}: {e}")
            return None
