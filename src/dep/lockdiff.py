"""What changed between two locks, per project (gps/verify's lock diff).

The vendor writers use it to decide which vendor/ projects to rewrite and to say why;
the same facts decide whether Gopkg.lock needs writing at all.
"""

from __future__ import annotations

from dep.lock import Lock, LockedProject
from dep.records import Record


class ProjectDelta(Record):
    """One project's change. ``added``/``removed`` are whole-project changes; otherwise the
    before/after pairs say what differs (versions are unpaired, or None for a bare revision)."""

    __slots__ = ("name", "added", "removed", "source_before", "source_after", "version_before",
                 "version_after", "revision_before", "revision_after", "packages_added",
                 "packages_removed", "prune_before", "prune_after")

    def __init__(self, name: str, added: bool = False, removed: bool = False, **props) -> None:
        self.name = name
        self.added = added
        self.removed = removed
        for key in self.__slots__[3:]:
            setattr(self, key, props.get(key))

    @classmethod
    def between(cls, a: LockedProject, b: LockedProject) -> ProjectDelta:
        pa, pb = set(a.packages), set(b.packages)
        return cls(a.name, source_before=a.source, source_after=b.source,
                   version_before=a.version, version_after=b.version,
                   revision_before=a.revision, revision_after=b.revision,
                   packages_added=sorted(pb - pa), packages_removed=sorted(pa - pb),
                   prune_before=a.prune_opts, prune_after=b.prune_opts)

    @property
    def source_changed(self) -> bool:
        return self.source_before != self.source_after

    @property
    def version_changed(self) -> bool:
        a, b = self.version_before, self.version_after
        if a is None or b is None:
            return a is not b
        return a.version_type != b.version_type or not a.matches(b)

    @property
    def revision_changed(self) -> bool:
        return self.revision_before != self.revision_after

    @property
    def packages_changed(self) -> bool:
        return bool(self.packages_added or self.packages_removed)

    @property
    def prune_changed(self) -> bool:
        return self.prune_before != self.prune_after

    def changed_except_hash(self) -> bool:
        """dep's ``anyExceptHash``: everything but the digest (a fresh solve has none yet)."""
        if self.added or self.removed:
            return True
        return (self.source_changed or self.version_changed or self.revision_changed
                or self.packages_changed or self.prune_changed)


class LockDelta(Record):
    __slots__ = ("projects", "imports_added", "imports_removed")

    def __init__(self, projects: dict[str, ProjectDelta], imports_added: list[str],
                 imports_removed: list[str]) -> None:
        self.projects = projects
        self.imports_added = imports_added
        self.imports_removed = imports_removed

    def projects_changed(self) -> bool:
        return any(d.changed_except_hash() for d in self.projects.values())

    def changed_except_hash(self) -> bool:
        return bool(self.imports_added or self.imports_removed) or self.projects_changed()


def diff_locks(old: Lock | None, new: Lock | None) -> LockDelta:
    """Projects are matched by name; a missing lock counts as an empty one."""
    before = {p.name: p for p in (old.projects if old else [])}
    after = {p.name: p for p in (new.projects if new else [])}
    deltas: dict[str, ProjectDelta] = {}
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            deltas[name] = ProjectDelta(name, removed=True)
        elif name not in before:
            deltas[name] = ProjectDelta(name, added=True)
        else:
            deltas[name] = ProjectDelta.between(before[name], after[name])
    ia = set(old.input_imports if old else [])
    ib = set(new.input_imports if new else [])
    return LockDelta(deltas, sorted(ib - ia), sorted(ia - ib))
