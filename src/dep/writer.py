"""Putting a new lock (and vendor/, and maybe Gopkg.toml) on disk, as dep's two writers do.

dep has two writers and picks one by whether vendor/ exists:

* the *delta* writer rewrites only the vendor projects whose lock entry changed (version,
  revision, source, packages, prune options) or whose vendored tree fails its digest, keeps
  the rest, and always rewrites Gopkg.lock;
* the *full* writer (no vendor/ yet, ``-vendor-only``, ``init``) writes Gopkg.lock only if
  something besides digests changed, and vendor/ whole when anything is out of date.

Both are planned first (a ``WritePlan``, which ``-dry-run`` describes) and then carried out
in one ``dep.txn.Transaction``, so Gopkg.toml, Gopkg.lock and vendor/ change together or
not at all. Nothing here prints; ``log`` receives dep's ``-v`` lines.
"""

from __future__ import annotations

import enum
import os

from dep.digest import VendorStatus, check_dep_tree
from dep.errors import DepError
from dep.lock import HEADER, LOCK_NAME, Lock, LockedProject, render_lock
from dep.lockdiff import LockDelta, ProjectDelta, diff_locks
from dep.manifest import MANIFEST_NAME
from dep.prune import PruneOptions


class Vendor(enum.Enum):
    """dep's VendorBehavior."""

    ON_CHANGED = "on-changed"
    ALWAYS = "always"
    NEVER = "never"


class Reason(enum.IntEnum):
    """Why a vendor project is rewritten. The order matters: noverify excuses the hash-only
    reasons (below NO_VERIFY) and nothing above it."""

    HASH_MISMATCH = 1
    HASH_VERSION_MISMATCH = 2
    HASH_ABSENT = 3
    NO_VERIFY = 4
    SOLVE_CHANGED = 5
    PRUNE_CHANGED = 6
    MISSING_FROM_TREE = 7
    ADDED = 8
    REMOVED = 9
    PRESERVED = 10


_FROM_STATUS = {
    VendorStatus.NOT_IN_TREE: Reason.MISSING_FROM_TREE,
    VendorStatus.NOT_IN_LOCK: Reason.REMOVED,
    VendorStatus.DIGEST_MISMATCH_IN_LOCK: Reason.HASH_MISMATCH,
    VendorStatus.HASH_VERSION_MISMATCH: Reason.HASH_VERSION_MISMATCH,
    VendorStatus.EMPTY_DIGEST_IN_LOCK: Reason.HASH_ABSENT,
}

_FIXED_TEXT = {
    Reason.NO_VERIFY: "verification is disabled",
    Reason.HASH_MISMATCH: "hash of vendored tree didn't match digest in Gopkg.lock",
    Reason.HASH_VERSION_MISMATCH: "hashing algorithm mismatch",
    Reason.HASH_ABSENT: "hash digest absent from lock",
    Reason.ADDED: "new project",
    Reason.MISSING_FROM_TREE: "missing from vendor",
}


def _short(rev: str) -> str:
    if len(rev) == 40 and all(c in "0123456789abcdefABCDEF" for c in rev):
        return rev[:10]
    return rev


def explain(reason: Reason, delta: ProjectDelta | None) -> str:
    """dep's wording for a rewrite, e.g. ``revision changed (1234567890 -> abcdef0123)``."""
    if reason in _FIXED_TEXT:
        return _FIXED_TEXT[reason]
    if reason is Reason.PRUNE_CHANGED:
        old = delta.prune_before & ~PruneOptions.NESTED_VENDOR
        new = delta.prune_after & ~PruneOptions.NESTED_VENDOR
        return f"prune options changed ({PruneOptions(old).letters()} -> {PruneOptions(new).letters()})"
    if delta.source_changed:
        return f"source changed ({delta.source_before} -> {delta.source_after})"
    if delta.version_changed:
        if delta.version_before is None:
            return "version changed (was a bare revision)"
        return f"version changed (was {delta.version_before})"
    if delta.revision_changed:
        return f"revision changed ({_short(delta.revision_before)} -> {_short(delta.revision_after)})"
    added, removed = len(delta.packages_added), len(delta.packages_removed)
    if added and removed:
        return f"packages changed ({added} added, {removed} removed)"
    if added:
        return f"packages changed ({added} added)"
    return f"packages changed ({removed} removed)"


def project_label(p: LockedProject) -> str:
    """gps's ``<ident>@<version>`` for a locked project."""
    ident = p.name if p.source in ("", p.name) else f"{p.name} (from {p.source})"
    return f"{ident}@{p.locked_version}"


class WritePlan:
    """Everything a write will do, decided before anything is touched."""

    def __init__(self, old_lock: Lock | None, new_lock: Lock, behavior: Vendor, delta_mode: bool,
                 changed: dict[str, Reason], delta: LockDelta, write_lock: bool, write_vendor: bool,
                 vendor_prune=None) -> None:
        self.old_lock = old_lock
        self.lock = new_lock
        self.behavior = behavior
        self.delta_mode = delta_mode
        self.changed = changed
        self.delta = delta
        self.write_lock = write_lock
        self.write_vendor = write_vendor
        self.vendor_prune = vendor_prune  # full writer: the manifest's CascadingPruneOptions

    # -- -dry-run

    def describe(self, verbose: bool) -> str:
        """dep's ``-dry-run`` report."""
        out: list[str] = []
        body = render_lock(self.lock)[len(HEADER):]
        if self.delta_mode:
            if verbose:
                out.append(f"Would have written the following {LOCK_NAME} (hash digests may be incorrect):\n{body}")
            else:
                out.append(f"Would have written {LOCK_NAME}.")
            if self.changed:
                out.append("Would have updated the following projects in the vendor directory:\n")
                projects = {p.name: p for p in self.lock.projects}
                total = len(self.changed)
                for name in sorted(self.changed):
                    # dep never increments this counter: every line is (0/N)
                    reason = self.changed[name]
                    if reason is Reason.REMOVED:
                        out.append(f"(0/{total}) Would have removed {name}")
                    elif reason is not Reason.PRESERVED:
                        out.append(f"(0/{total}) Would have written {project_label(projects[name])}: "
                                   f"{explain(reason, self.delta.projects.get(name))}")
            return "".join(line + "\n" for line in out)
        if self.write_lock:
            out.append(f"Would have written the following {LOCK_NAME}:\n{body}" if verbose
                       else f"Would have written {LOCK_NAME}.")
        if self.write_vendor:
            projects = sorted(self.lock.projects, key=LockedProject.sort_key)
            n = len(projects)
            if verbose:
                out.append(f"Would have written the following {n} projects to the vendor directory:")
                out += [f"({i}/{n}) {project_label(p)}" for i, p in enumerate(projects, 1)]
            else:
                out.append(f"Would have written {n} projects to the vendor directory.")
        return "".join(line + "\n" for line in out)

    # -- the write

    def execute(self, root: str, sm, log=None, manifest_text: str | None = None) -> None:
        """Carry the plan out in one transaction (a failure leaves every file as it was);
        ``manifest_text``, if given, becomes the new Gopkg.toml in the same transaction."""
        if not (self.delta_mode or manifest_text is not None or self.write_lock or self.write_vendor):
            return
        if self.delta_mode and not self.changed and manifest_text is None and _same_file(
                os.path.join(root, LOCK_NAME), render_lock(self.lock)):
            return  # dep would rewrite identical bytes and move every project in place again
        from dep.txn import Transaction

        try:
            with Transaction(root) as txn:
                if manifest_text is not None:
                    txn.write_file(MANIFEST_NAME, manifest_text)
                if self.delta_mode:
                    self._delta(txn, root, sm, log)
                else:
                    self._full(txn, root, sm, log)
                txn.commit()
        except OSError as e:  # staging failed (disk full, I/O error...); the stage is gone
            raise DepError(f"grouped write of manifest, lock and vendor: {self._staging_error(e)}") from None

    def _staging_error(self, e: OSError) -> str:
        """``failed to export <root>: <path>: <errno text>`` as dep words it, when the path
        lies in a project being written; else just ``<path>: <errno text>``."""
        from dep.gofmt import go_errno_text
        from dep.txn import STAGE_PREFIX

        text = go_errno_text(e)
        if e.filename is None:
            return text
        path = os.fsdecode(e.filename)
        text = f"{path}: {text}"
        parts = path.replace(os.sep, "/").split("/")
        for i, part in enumerate(parts[:-2]):
            if part.startswith(STAGE_PREFIX) and parts[i + 1] in ("vendor", "scratch"):
                inside = "/".join(parts[i + 2:]) + "/"
                names = [p.name for p in self.lock.projects if inside.startswith(p.name + "/")]
                if names:
                    return f"failed to export {max(names, key=len)}: {text}"
        return text

    def _set_digests(self, names: list[str], digests: list, options: dict[str, PruneOptions]) -> None:
        found = dict(zip(names, digests))
        self.lock.projects = [
            p if p.name not in found else p.replace(digest=found[p.name], prune_opts=options[p.name])
            for p in self.lock.projects]

    def _full(self, txn, root: str, sm, log) -> None:
        from dep.vendor import export_pruned

        if self.write_vendor:
            projects = sorted(self.lock.projects, key=LockedProject.sort_key)
            options = {p.name: self.vendor_prune.options_for(p.name) for p in projects}
            digests = export_pruned([(p, options[p.name]) for p in projects], sm, txn.vendor_dir)
            if log is not None:
                for i, p in enumerate(projects, 1):
                    log(f"({i}/{len(projects)}) Wrote {project_label(p)}")
            # dep records the digest but not the prune options it pruned with
            found = dict(zip((p.name for p in projects), digests))
            self.lock.projects = [p.replace(digest=found[p.name]) for p in self.lock.projects]
            _carry_git(txn, root)
        if self.write_lock:
            txn.write_file(LOCK_NAME, render_lock(self.lock))

    def _delta(self, txn, root: str, sm, log) -> None:
        from dep.vendor import export_pruned

        never = self.behavior is Vendor.NEVER
        projects = {p.name: p for p in self.lock.projects}
        writes = [name for name in sorted(self.changed)
                  if self.changed[name] not in (Reason.REMOVED, Reason.PRESERVED)]
        if log is not None and any(r is not Reason.PRESERVED for r in self.changed.values()):
            log("# Bringing vendor into sync")
        dest = os.path.join(txn.stage, "scratch") if never else txn.vendor_dir
        os.makedirs(dest, exist_ok=True)
        options = {name: projects[name].prune_opts for name in writes}
        digests = export_pruned([(projects[name], options[name]) for name in writes], sm, dest)
        total = len(self.changed)
        if log is not None and not never:
            for i, name in enumerate(writes, 1):
                log(f"({i}/{total}) Wrote {project_label(projects[name])}: "
                    f"{explain(self.changed[name], self.delta.projects.get(name))}")
        self._set_digests(writes, digests, options)
        txn.write_file(LOCK_NAME, render_lock(self.lock))
        if never:
            return
        vendor = os.path.join(root, "vendor")
        for name in sorted(projects):
            if name not in self.changed:
                txn.keep_vendored(name)
        removed = sorted(n for n, r in self.changed.items() if r is Reason.REMOVED)
        if log is not None:
            for k, name in enumerate(removed, total - len(removed) + 1):
                what = "unused project" if os.path.isdir(os.path.join(vendor, name)) else "orphaned file"
                log(f"({k}/{total}) Removed {what} {name}")
        for name in sorted(n for n, r in self.changed.items() if r is Reason.PRESERVED):
            if os.path.lexists(os.path.join(vendor, name)):  # a noverify project may be locked but absent
                txn.keep_vendored(name)
        _carry_git(txn, root)
        txn.vendor_dir  # noqa: B018 -- even with nothing to write, vendor/ is rebuilt


def _same_file(path: str, text: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read() == text.encode("utf-8")
    except OSError:
        return False


def _carry_git(txn, root: str) -> None:
    """dep keeps a vendor/.git (vendor/ kept as its own repository) across rewrites."""
    if os.path.exists(os.path.join(root, "vendor", ".git")):
        txn.keep_vendored(".git")


def vendor_status(vendor_dir: str, lock: Lock | None):
    """dep's VerifyVendor: the status of every lock project and stray path in vendor/."""
    wanted = {p.name: p.digest for p in lock.projects} if lock is not None else {}
    return check_dep_tree(vendor_dir, wanted)


def plan(root: str, old_lock: Lock | None, new_lock: Lock, behavior: Vendor, prune,
         noverify: list[str]) -> WritePlan:
    """Choose the writer (delta if vendor/ exists) and decide what it will write.

    ``old_lock`` is Gopkg.lock as read; ``new_lock`` the solved (or changed) lock; ``prune``
    the manifest's CascadingPruneOptions.
    """
    vendor = os.path.join(root, "vendor")
    status = vendor_status(vendor, old_lock)
    delta = diff_locks(old_lock, new_lock)
    if not os.path.exists(vendor):
        return _plan_full(old_lock, new_lock, behavior, prune, status, delta)
    changed: dict[str, Reason] = {}
    for name, d in delta.projects.items():
        if d.changed_except_hash():
            if d.added:
                changed[name] = Reason.ADDED
            elif d.removed:
                changed[name] = Reason.REMOVED
            elif d.prune_changed:
                changed[name] = Reason.PRUNE_CHANGED
            else:
                changed[name] = Reason.SOLVE_CHANGED
    for name, stat in status.items():
        if name not in changed and stat in _FROM_STATUS:
            changed[name] = _FROM_STATUS[stat]
    for name in noverify:
        if name in delta.projects:
            reason = changed.get(name)
            if reason is not None and reason < Reason.NO_VERIFY:
                del changed[name]  # a noverify project is not rewritten over its digest alone
            elif reason is Reason.REMOVED:
                changed[name] = Reason.PRESERVED
        elif name in status:
            changed[name] = Reason.PRESERVED  # noverify also keeps paths no lock knows
    return WritePlan(old_lock, new_lock, behavior, True, changed, delta, True, behavior is not Vendor.NEVER)


def full_plan(old_lock: Lock | None, new_lock: Lock, behavior: Vendor, prune, root: str) -> WritePlan:
    """The full writer, whatever vendor/ holds (``-vendor-only``, ``init``)."""
    status = vendor_status(os.path.join(root, "vendor"), old_lock) if behavior is Vendor.ON_CHANGED else {}
    return _plan_full(old_lock, new_lock, behavior, prune, status, diff_locks(old_lock, new_lock))


def _plan_full(old_lock, new_lock, behavior, prune, status, delta: LockDelta) -> WritePlan:
    write_lock = old_lock is None or delta.changed_except_hash()
    if behavior is Vendor.ALWAYS:
        write_vendor = True
    elif behavior is Vendor.ON_CHANGED:
        write_vendor = (old_lock is None or delta.projects_changed()
                        or any(s is not VendorStatus.NO_MISMATCH for s in status.values()))
    else:
        write_vendor = False
    return WritePlan(old_lock, new_lock, behavior, False, {}, delta, write_lock, write_vendor,
                     vendor_prune=prune)
