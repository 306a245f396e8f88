"""The ``dep ensure`` job. So far: ``-vendor-only`` (populate vendor/ from Gopkg.lock)."""

from __future__ import annotations

import os

from dep.errors import DepError
from dep.project import Project


def vendor_only(project: Project, sm, *, dry_run: bool = False, verbose: bool = False, log=None) -> str:
    """Rewrite vendor/ from the lock, transactionally; the lock itself is never written.

    Returns the dry-run report (empty when not a dry run).
    """
    if project.lock is None:
        raise DepError("no Gopkg.lock exists from which to populate vendor/")
    if dry_run:
        projects = sorted(project.lock.projects, key=lambda p: p.sort_key())
        lines = [f"Would have written {len(projects)} projects to the vendor directory."]
        if verbose:
            lines += [f"({i}/{len(projects)}) {p.name}@{p.locked_version}"
                      for i, p in enumerate(projects, 1)]
        return "\n".join(lines) + "\n"
    from dep.txn import Transaction
    from dep.vendor import write_vendor

    with Transaction(project.abs_root) as txn:
        write_vendor(project.lock, project.manifest.prune, sm, txn.vendor_dir, log)
        if os.path.isdir(os.path.join(project.vendor_dir, ".git")):
            txn.keep_vendored(".git")  # dep carries a vendor/.git checkout over
        txn.commit()
    return ""
