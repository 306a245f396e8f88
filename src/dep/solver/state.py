"""The solver's working state: the selection stack, the queue of unselected work, version queues.

These mirror gps's data structures closely on purpose, quirks included: which project gps
visits next (and therefore which solution and which failure message it produces when
several are possible) falls out of exactly how its priority queue is maintained.
"""

from __future__ import annotations

from typing import Callable

from dep.bridge import ProjectIdentifier
from dep.errors import DepError
from dep.solver.model import AtomWithPackages, Dependency, fold, ident_eq
from dep.versions import ANY, Constraint, Version


class Selection:
    """Selected atoms (a stack; package additions are separate entries) and every dependency edge."""

    def __init__(self) -> None:
        self.projects: list[tuple[AtomWithPackages, bool]] = []  # (atom with packages, first?)
        self.deps: dict[str, list[Dependency]] = {}
        self.fold_roots: dict[str, str] = {}
        self._base: dict[str, AtomWithPackages] = {}  # root -> its first (base) selection
        self._constraint: dict[str, Constraint] = {}  # root -> cached intersection

    def selected(self, ident: ProjectIdentifier) -> AtomWithPackages | None:
        """The base selection of ``ident``'s root (matching by root only, as gps does)."""
        return self._base.get(ident.root)

    def dependencies_on(self, ident: ProjectIdentifier) -> list[Dependency]:
        return self.deps.get(ident.root, [])

    def ident_for(self, root: str) -> ProjectIdentifier | None:
        """The identifier (source included) the first depender established for ``root``."""
        deps = self.deps.get(root)
        return deps[0].dep.ident if deps else None

    def push_selection(self, awp: AtomWithPackages, pkgonly: bool) -> None:
        self.projects.append((awp, not pkgonly))
        if not pkgonly:
            self._base[awp.a.id.root] = awp

    def pop_selection(self) -> tuple[AtomWithPackages, bool]:
        awp, first = self.projects.pop()
        if first:
            del self._base[awp.a.id.root]
        return awp, first

    def find_case_conflict(self, root: str) -> str | None:
        """A different spelling of ``root`` already depended upon, if any."""
        current = self.fold_roots.get(fold(root))
        return current if current is not None and current != root else None

    def push_dep(self, dep: Dependency) -> None:
        root = dep.dep.ident.root
        deps = self.deps.setdefault(root, [])
        if not deps:
            self.fold_roots[fold(root)] = root
        deps.append(dep)
        self._constraint.pop(root, None)

    def pop_dep(self, ident: ProjectIdentifier) -> None:
        deps = self.deps[ident.root]
        if len(deps) == 1:
            # Another spelling may have taken the folded key meanwhile; Go's delete tolerates that.
            self.fold_roots.pop(fold(ident.root), None)
        deps.pop()
        self._constraint.pop(ident.root, None)

    def depper_count(self, ident: ProjectIdentifier) -> int:
        return len(self.deps.get(ident.root, ()))

    def required_packages_in(self, ident: ProjectIdentifier) -> dict[str, int]:
        """How many dependers import each package of ``ident``."""
        counts: dict[str, int] = {}
        for dep in self.deps.get(ident.root, ()):
            for pkg in dep.dep.pl:
                counts[pkg] = counts.get(pkg, 0) + 1
        return counts

    def constraint(self, ident: ProjectIdentifier) -> Constraint:
        """The intersection of every depender's constraint on ``ident``'s root."""
        root = ident.root
        c = self._constraint.get(root)
        if c is None:
            c = ANY
            for dep in self.deps.get(root, ()):
                c = c.intersect(dep.dep.constraint)
            self._constraint[root] = c
        return c


class Pending:
    """A project (with packages) waiting to be selected: gps's ``bimodalIdentifier``."""

    __slots__ = ("id", "pl", "from_root", "prefv")

    def __init__(self, ident: ProjectIdentifier, pl: list[str], from_root: bool = False,
                 prefv: Version | None = None) -> None:
        self.id = ident
        self.pl = pl
        self.from_root = from_root
        self.prefv = prefv


class Unselected:
    """gps's priority queue of pending work, kept the way Go's ``container/heap`` keeps it.

    Items are pushed with heap sift-up but removed by splicing the slice, and the comparator
    reads solver state that changes between pushes; the front of the list is what gps works
    on next, so the list is maintained exactly like gps's.
    """

    def __init__(self, less: Callable[[Pending, Pending], bool]) -> None:
        self.items: list[Pending] = []
        self._less = less

    def push(self, item: Pending) -> None:
        items = self.items
        items.append(item)
        j = len(items) - 1
        while j > 0:
            i = (j - 1) // 2
            if not self._less(items[j], items[i]):
                break
            items[i], items[j] = items[j], items[i]
            j = i

    def remove(self, ident: ProjectIdentifier, pl: list[str]) -> None:
        """Drop the first item for ``ident`` with exactly these packages, if any."""
        for k, item in enumerate(self.items):
            if ident_eq(item.id, ident) and item.pl == pl:
                del self.items[k]
                return


class VersionQueue:
    """The versions still to try for one project: the locked one, a preferred one, then the rest.

    The full list is only fetched once the first entries are used up, so a locked project
    that keeps its version never needs its versions listed.
    """

    def __init__(self, ident: ProjectIdentifier, lockv: Version | None, prefv: Version | None,
                 list_versions: Callable[[ProjectIdentifier], list[Version]]) -> None:
        self.id = ident
        self.lockv = lockv
        self.prefv = prefv
        self.fails: list[tuple[Version, DepError | None]] = []
        self.failed = False
        self.adverr: DepError | None = None
        self._list = list_versions
        self.pi: list[Version] = [v for v in (lockv, prefv) if v is not None]
        self.all_loaded = not self.pi
        if self.all_loaded:
            self.pi = list(list_versions(ident))
        self._pos = 0

    def current(self) -> Version | None:
        return self.pi[self._pos] if self._pos < len(self.pi) else None

    def remaining(self) -> int:
        return len(self.pi) - self._pos

    def push_front(self, version: Version) -> None:
        self.pi = [version] + self.pi[self._pos:]
        self._pos = 0

    def advance(self, fail: DepError | None) -> DepError | None:
        """Record why the current version failed and move on; an error only if listing failed."""
        pos = self._pos
        if self.adverr is not None or pos == len(self.pi):
            return self.adverr
        self.fails.append((self.pi[pos], fail))
        self._pos = pos = pos + 1
        if pos == len(self.pi):
            if self.all_loaded:
                return None
            self.all_loaded = True
            try:
                listed = self._list(self.id)
            except DepError as err:
                self.adverr = err
                return err
            self.pi = [v for v in listed if not (v == self.lockv or v == self.prefv)]
            self._pos = 0
            if not self.pi:
                return None
        self.failed = False
        return None

    def is_exhausted(self) -> bool:
        return self.all_loaded and self.remaining() == 0
