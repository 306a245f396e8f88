"""The ``dep check`` job: is Gopkg.lock in sync with the inputs, and vendor/ with the lock?

Returns the report text dep would print; the CLI decides whether to show it (-q).
"""

from __future__ import annotations

from dep.digest import VendorStatus, check_dep_tree
from dep.errors import DepError, VendorError
from dep.insync import lock_satisfies_inputs
from dep.project import Project

_VENDOR_LINES = {
    VendorStatus.NOT_IN_TREE: "missing from vendor",
    VendorStatus.DIGEST_MISMATCH_IN_LOCK: "hash of vendored tree not equal to digest in Gopkg.lock",
    VendorStatus.EMPTY_DIGEST_IN_LOCK: "no digest in Gopkg.lock to compare against hash of vendored tree",
    VendorStatus.HASH_VERSION_MISMATCH: "hash algorithm mismatch, want version 1",
}
# Problems that noverify may excuse; a project missing from vendor/ never is.
_EXCUSABLE = {VendorStatus.DIGEST_MISMATCH_IN_LOCK, VendorStatus.HASH_VERSION_MISMATCH,
              VendorStatus.EMPTY_DIGEST_IN_LOCK, VendorStatus.NOT_IN_LOCK}


class CheckReport:
    """What dep prints to stdout, whether the check failed, and an error that cut it short.

    dep prints the lock findings before it fails on an unreadable vendor/, so a report can
    carry both some text and an error.
    """

    __slots__ = ("text", "failed", "error")

    def __init__(self, text: str, failed: bool, error: DepError | None = None) -> None:
        self.text = text
        self.failed = failed
        self.error = error


def input_imports(project: Project) -> list[str]:
    from dep.pkgtree import IgnoredRuleset, external_imports

    ignore = IgnoredRuleset(project.manifest.ignored)
    return external_imports(project.package_tree(), ignore, project.manifest.required)


def _lock_lines(project: Project) -> list[str]:
    lock, manifest = project.lock, project.manifest
    lines: list[str] = []
    sat = lock_satisfies_inputs(lock, manifest, input_imports(project))
    if not sat.satisfied:
        lines += sat.lines()
    changed = [(p, manifest.prune.options_for(p.name)) for p in sorted(lock.projects, key=lambda p: p.name)]
    if any(p.prune_opts != new for p, new in changed):
        for p, new in changed:
            if p.prune_opts != new:
                lines.append(f"{p.name}: prune options changed ({p.prune_opts.letters()} -> {new.letters()})")
            if p.digest.hash_version == 0:
                lines.append(f"{p.name}: no hash digest in lock")
    return lines


def _vendor_sections(project: Project) -> tuple[list[str], list[str]]:
    """(failing lines, lines excused by noverify)."""
    wanted = {p.name: p.digest for p in project.lock.projects}
    statuses = check_dep_tree(project.vendor_dir, wanted)
    noverify = set(project.manifest.noverify)
    failing: list[str] = []
    excused: list[str] = []
    for path in sorted(statuses):
        status = statuses[path]
        if status is VendorStatus.NO_MISMATCH:
            continue
        if status is VendorStatus.NOT_IN_LOCK:
            line = f"{path}: {'unused project' if statuses.is_dir(path) else 'orphaned file'}"
        else:
            line = f"{path}: {_VENDOR_LINES[status]}"
        (excused if path in noverify and status in _EXCUSABLE else failing).append(line)
    return failing, excused


def run_check(project: Project, skip_lock: bool = False, skip_vendor: bool = False) -> CheckReport:
    out: list[str] = []
    failed = False
    if not skip_lock:
        if project.lock is None:
            raise DepError("Gopkg.lock does not exist, cannot check it against imports and Gopkg.toml")
        lines = _lock_lines(project)
        if lines:
            failed = True
            out.append("# Gopkg.lock is out of sync:")
            out += lines
    if not skip_vendor:
        if project.lock is None:
            raise DepError("Gopkg.lock does not exist, cannot check vendor against it")
        try:
            failing, excused = _vendor_sections(project)
        except VendorError as e:
            error = VendorError(f"error while verifying vendor: {e}")
            return CheckReport("".join(line + "\n" for line in out), True, error)
        if failed:
            out.append("")
        if failing:
            failed = True
            out.append("# vendor is out of sync:")
            out += failing
            if excused:
                out.append("")
        if excused:
            out.append("# out of sync, but ignored, due to noverify in Gopkg.toml:")
            out += excused
    return CheckReport("".join(line + "\n" for line in out), failed)
