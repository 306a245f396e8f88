"""vndr: ``vendor.conf``, one ``import-path reference [repository]`` line per dependency."""

from __future__ import annotations

from dep.gofmt import go_quote
from dep.importers.base import DirFiles, ImportedPackage, Importer, config_lines


class VndrImporter(Importer):
    name = "vndr"
    config = "vendor.conf"

    def convert(self, files: DirFiles, root: str) -> None:
        self.log("Detected vndr configuration file...")
        self.log("Converting from vendor.conf...")
        packages = []
        for line in config_lines(self, files, self.config, "load vndr file: unable to open"):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) not in (2, 3):
                self.log(f"  Warning: Skipping line. Unable to parse: invalid config format: {go_quote(line)}")
                continue
            packages.append(ImportedPackage(parts[0], lock_hint=parts[1],
                                            source=parts[2] if len(parts) == 3 else ""))
        self.import_packages(packages, constraint_from_lock=True)
