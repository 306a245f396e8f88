"""The licences of the vendored projects (``dep licenses``, and the licences of ``dep sbom``).

Which files: per locked project, the licence files in vendor/<project>/ and in each directory
from there down to every locked package's directory: the directories whose metadata files
``go mod vendor`` keeps (cmd/go/internal/modcmd/vendor.go). Of the metadata files, only those
carrying licence text are read: names starting LICENSE, LICENCE, COPYING, COPYLEFT or UNLICENSE
in any case (dep's prune keeps them in any case), source files such as license.go excepted.
NOTICE, PATENTS, AUTHORS and the like are kept in vendor/ but state no licence.

Which licence: licenseclassifier (a pure-Python port of google/licensecheck, the detector
pkg.go.dev uses), chosen by measurement (docs/licenses.md). It reports nothing rather than a
guess when the known licence texts cover under 75% of the file; such a file is "unknown".
"""

from __future__ import annotations

import os
from typing import NamedTuple

from dep.errors import DepError

LICENSE_PREFIXES = ("license", "licence", "copying", "copyleft", "unlicense")
MAX_BYTES = 1 << 20  # a licence file is a few KiB; past 1 MiB the rest is not read
UNKNOWN = "unknown"  # the -deny word for a project whose licence is unknown or missing


class LicenseError(DepError):
    """vendor/ cannot be read for licences, or a -deny list names no known licence."""


class LicenseFile(NamedTuple):
    """``path``: relative to vendor/, slash-separated. ``spdx_id``: the licence identifier
    (several joined with " AND " when one file holds several licence texts), "" when unknown.
    ``confidence``: the percentage of the file's text the matched licence texts cover."""

    path: str
    spdx_id: str
    confidence: int


class ProjectLicenses(NamedTuple):
    name: str
    files: list

    @property
    def status(self) -> str:
        """"ok", "unknown" (a licence file no licence text matches) or "missing" (no licence file)."""
        if not self.files:
            return "missing"
        return "unknown" if any(not f.spdx_id for f in self.files) else "ok"

    def ids(self) -> list[str]:
        """The licence identifiers found in the project's files, sorted, each once."""
        return sorted({i for f in self.files if f.spdx_id for i in f.spdx_id.split(" AND ")})


def spdx_expression(pl: ProjectLicenses) -> str:
    """The project's licences as one SPDX expression; NOASSERTION when none is recognised."""
    return " AND ".join(pl.ids()) or "NOASSERTION"


def is_license_file(name: str) -> bool:
    from dep.vendor import is_source_file

    return name.lower().startswith(LICENSE_PREFIXES) and not is_source_file(name)


def _package_dirs(name: str, packages: list[str]) -> list[str]:
    """The project root and every directory down to each locked package, relative to vendor/."""
    dirs = {name}
    for pkg in packages:
        if pkg in ("", "."):
            continue
        parts = pkg.split("/")
        for i in range(1, len(parts) + 1):
            dirs.add(name + "/" + "/".join(parts[:i]))
    return sorted(dirs)


def detect(text: str) -> tuple[str, int]:
    """(SPDX id or "", confidence) for one licence file's text."""
    from licenseclassifier import identify_license

    matches = identify_license(text)
    if not matches:
        return "", 0
    covered = sum(m.end - m.start for m in matches)
    return " AND ".join(sorted({m.id for m in matches})), min(100, round(100 * covered / max(1, len(text.strip()))))


def _read(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES)
    return data.decode("utf-8", "replace").lstrip("\ufeff")


def scan_vendor(project) -> list[ProjectLicenses]:
    """One ProjectLicenses per Gopkg.lock project, in lock order, from the files in vendor/."""
    if project.lock is None:
        raise LicenseError(f"no Gopkg.lock in {project.abs_root}: run dep ensure to lock and vendor the dependencies")
    vendor = project.vendor_dir
    if not os.path.isdir(vendor):
        raise LicenseError(f"no vendor/ in {project.abs_root}: run dep ensure to write it "
                           "(dep licenses reads the vendored licence files)")
    absent = [lp.name for lp in project.lock.projects
              if not os.path.isdir(os.path.join(vendor, *lp.name.split("/")))]
    if absent:
        raise LicenseError(f"vendor/ lacks {', '.join(absent)} from Gopkg.lock: run dep ensure -vendor-only")
    result = []
    for lp in project.lock.projects:
        files = []
        for rel in _package_dirs(lp.name, lp.packages):
            try:
                entries = sorted(os.scandir(os.path.join(vendor, *rel.split("/"))), key=lambda e: e.name)
            except FileNotFoundError:  # a locked package dep's prune removed (no Go files)
                continue
            except OSError as e:
                raise LicenseError(f"cannot read vendor/{rel}: {e.strerror}") from None
            for entry in entries:
                # a vendored symlink is not followed: it could point anywhere
                if is_license_file(entry.name) and entry.is_file(follow_symlinks=False):
                    spdx_id, confidence = detect(_read(entry.path))
                    files.append(LicenseFile(f"{rel}/{entry.name}", spdx_id, confidence))
        result.append(ProjectLicenses(lp.name, files))
    return result


def root_licenses(project) -> ProjectLicenses:
    """The root project's own licence files (its top directory), for ``dep sbom``'s root."""
    files = []
    try:
        entries = sorted(os.scandir(project.abs_root), key=lambda e: e.name)
    except OSError as e:
        raise LicenseError(f"cannot read {project.abs_root}: {e.strerror}") from None
    for entry in entries:
        if is_license_file(entry.name) and entry.is_file(follow_symlinks=False):
            spdx_id, confidence = detect(_read(entry.path))
            files.append(LicenseFile(entry.name, spdx_id, confidence))
    return ProjectLicenses(project.import_root, files)


def parse_deny(text: str) -> set[str]:
    """The licence identifiers a comma-separated -deny list names (SPDX ids or expressions,
    any case, deprecated ids as their current form), plus "unknown" when it names that word."""
    from license_expression import ExpressionError, get_spdx_licensing

    licensing = get_spdx_licensing()
    denied = set()
    for item in (i.strip() for i in text.split(",")):
        if not item:
            raise LicenseError(f"-deny {text!r}: an empty item; give comma-separated SPDX licence ids, or unknown")
        if item.lower() == UNKNOWN:
            denied.add(UNKNOWN)
            continue
        try:
            denied.update(licensing.license_keys(licensing.parse(item, validate=True, strict=True)))
        except ExpressionError as e:
            raise LicenseError(f"-deny {item!r}: {e} (use SPDX licence ids, https://spdx.org/licenses/, "
                               "or unknown)") from None
    return denied


def denied(projects: list[ProjectLicenses], deny: set[str]) -> list[tuple[str, list[str]]]:
    """(project, its denied licences) for each project the -deny set catches, in order."""
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    hits = []
    for pl in projects:
        ids = [i for i in pl.ids() if set(licensing.license_keys(licensing.parse(i))) & deny]
        if UNKNOWN in deny and pl.status != "ok":
            ids.append(UNKNOWN if pl.status == "unknown" else "missing")
        if ids:
            hits.append((pl.name, ids))
    return hits
