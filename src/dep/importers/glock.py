"""glock: ``GLOCKFILE``, ``import-path revision`` lines (``cmd`` lines name tools, skipped)."""

from __future__ import annotations

from dep.importers.base import DirFiles, ImportedPackage, Importer, config_lines


class GlockImporter(Importer):
    name = "glock"
    config = "GLOCKFILE"

    def convert(self, files: DirFiles, root: str) -> None:
        self.log("Detected glock configuration files...")
        if self.verbose:
            self.log(f"  Loading {files.path(self.config)}")
        packages = []
        for line in config_lines(self, files, self.config, "open"):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2:
                self.log(f"  Warning: Skipping line. Unable to parse: invalid glock configuration: {line}")
                continue
            if fields[0] == "cmd":
                continue
            packages.append(ImportedPackage(fields[0], lock_hint=fields[1]))
        self.log("Converting from GLOCKFILE ...")
        self.import_packages(packages, constraint_from_lock=True)
