"""dep init's notes on stderr: the constraint and lock each dependency gets, and imported locks
the solve could not keep. Texts are dep's (internal/feedback), so users and scripts see the same."""

from __future__ import annotations

import re

from dep.lock import LockedProject
from dep.versions import Branch, PairedVersion, Revision, Version

DIRECT = "direct dep"
TRANSITIVE = "transitive dep"
IMPORTED = "imported dep"

_SHA = re.compile(r"[0-9a-fA-F]{40}")


def short_rev(rev: str) -> str:
    """A full 40-hex revision shortened to 7 characters; anything else as is."""
    return rev[:7] if _SHA.fullmatch(rev) else rev


def constraint_line(constraint, dep_type: str, root: str) -> str:
    kind = "hint" if isinstance(constraint, Revision) else "constraint"
    if dep_type == IMPORTED:
        return f"  Using {constraint} as initial {kind} for {dep_type} {root}"
    return f"  Using {constraint} as {kind} for {dep_type} {root}"


def locked_line(version: Version, dep_type: str, root: str) -> str | None:
    """The lock note for ``version`` (None for a version without a revision: dep prints nothing)."""
    if isinstance(version, PairedVersion):
        name, rev = str(version), version.revision.rev
    elif isinstance(version, Revision):
        name, rev = "", version.rev
    else:
        return None
    if dep_type == IMPORTED:
        return f"  Trying {name or '*'} ({short_rev(rev)}) as initial lock for {dep_type} {root}"
    return f"  Locking in {name} ({short_rev(rev)}) for {dep_type} {root}"


def _components(p: LockedProject) -> tuple[str, str, str]:
    """gps VersionComponentStrings: (revision, branch, version)."""
    if isinstance(p.version, Branch):
        return p.revision, p.version.name, ""
    return p.revision, "", "" if p.version is None else str(p.version)


def broken_import_lines(imported: list[LockedProject], solved: list[LockedProject]) -> list[str]:
    """``Warning: Unable to preserve imported lock ...`` for every imported lock entry the solve
    changed, then for every one it dropped."""
    new = {p.name: p for p in solved}
    changed, removed = [], []
    for old in sorted(imported, key=LockedProject.sort_key):
        cur = new.get(old.name)
        if cur is None:
            removed.append(_removed_text(old))
        else:
            text = _changed_text(old, cur)
            if text is not None:
                changed.append(text)
    return [f"Warning: Unable to preserve imported lock {t}" for t in changed + removed]


def _changed_text(old: LockedProject, cur: LockedProject) -> str | None:
    (r1, b1, v1), (r2, b2, v2) = _components(old), _components(cur)
    source = (old.source, cur.source) if old.source != cur.source else None
    rev = (r1, r2) if r1 != r2 else None
    branch = (b1, b2) if b1 != b2 else None
    version = (v1, v2) if v1 != v2 else None
    if source is None and version is None and rev is None and sorted(old.packages) == sorted(cur.packages):
        return None  # dep's project diff is empty even when only the branch changed
    if source is None and version is None and rev is None and branch is None:
        return None
    pr = f"({short_rev(rev[0])})" if rev else ""
    cr = f"({short_rev(rev[1])})" if rev else ""
    pv, cv = version or branch or ("", "")
    pp, cp = old.name, ""
    if source:
        pp, cp = f"{old.name}({source[0]})", f" for {old.name}({source[1]})"
    return f"{pv} {pr} for {pp}. Locking in {cv} {cr}{cp}"


def _removed_text(old: LockedProject) -> str:
    rev, branch, version = _components(old)
    pr = f"({short_rev(rev)})" if rev else ""
    pp = f"{old.name}({old.source})" if old.source else old.name
    return f"{version or branch} {pr} for {pp}. The project was removed from the lock because it is not used."
