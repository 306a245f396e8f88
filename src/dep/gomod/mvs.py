"""Minimal Version Selection as the go command runs it over an unpruned module graph.

Starting from the root's requirements, every module version reached through any
requirement edge is loaded (selected or not), and each module path's selected version is
the highest version reached. ``upgrades_over`` then tells ``dep migrate`` which locked
projects the graph raises, and which requirement does it, so the loss can be reported.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable

from dep.errors import DepError
from dep.gomod.semver import compare

__all__ = ["MVSError", "BuildList", "Raised", "build_list", "upgrades_over"]

Module = tuple  # (path, version)


class MVSError(DepError):
    """A module's requirements could not be loaded while building the graph."""


def _mod_compare(a: str, b: str) -> int:
    """Version order inside MVS: '' (the main module) is above every version."""
    if a == b:
        return 0
    if a == "":
        return 1
    if b == "":
        return -1
    return compare(a, b)


def sort_modules(mods: Iterable[Module]) -> list:
    """Order (path, version) pairs as the go command does: by path, then by semver
    (a ``/go.mod`` suffix on the version sorting after the bare version)."""
    import functools

    def key_cmp(x, y):
        if x[0] != y[0]:
            return -1 if x[0] < y[0] else 1
        vx, _, fx = x[1].partition("/")
        vy, _, fy = y[1].partition("/")
        if vx != vy:
            c = _mod_compare(vx, vy)
            if c:
                return c
        return (fx > fy) - (fx < fy)

    return sorted(mods, key=functools.cmp_to_key(key_cmp))


# --- MVS ------------------------------------------------------------------------------


@dataclass
class BuildList:
    """The loaded module graph and its selection."""

    root: Module
    selected: dict = field(default_factory=dict)  # path -> version
    required: dict = field(default_factory=dict)  # (path, version) -> [(path, version)]

    def modules(self) -> list:
        """The build list as ``go list -m all`` prints it: the root, then by path."""
        rest = [(p, v) for p, v in self.selected.items() if p != self.root[0] and v != "none"]
        return [self.root] + sort_modules(rest)

    def required_by(self, mod: Module) -> list:
        """Nodes of the graph that require exactly ``mod``, sorted."""
        return sort_modules(m for m, reqs in self.required.items() if tuple(mod) in reqs)

    def path_to(self, mod: Module) -> list:
        """A shortest requirement chain root → … → mod (empty if unreachable)."""
        mod = tuple(mod)
        prev = {self.root: None}
        queue = deque([self.root])
        while queue:
            m = queue.popleft()
            if m == mod:
                chain = []
                while m is not None:
                    chain.append(m)
                    m = prev[m]
                return chain[::-1]
            for r in sort_modules(self.required.get(m, ())):
                if r not in prev:
                    prev[r] = m
                    queue.append(r)
        return []


def build_list(root_requirements: Iterable[Module], reqs: Callable[[str, str], Iterable[Module]],
               root: Module = ("", "")) -> BuildList:
    """Run MVS. ``reqs(path, version)`` returns that module version's requirements (from its
    go.mod); it is called once per reached module version, never for the root or "none".
    A callback raising DepError is re-raised as MVSError naming the chain that reached it."""
    root = tuple(root)
    g = BuildList(root=root, selected={root[0]: root[1]})
    g.required[root] = [tuple(r) for r in root_requirements]
    queue = deque()

    def note(deps):
        for d in deps:
            if d[0] not in g.selected or _mod_compare(g.selected[d[0]], d[1]) < 0:
                g.selected[d[0]] = d[1]
            if d not in g.required:
                g.required[d] = []  # reached; requirements filled in when dequeued
                queue.append(d)

    note(g.required[root])
    while queue:
        m = queue.popleft()
        if m[1] == "none":
            g.required[m] = []
            continue
        try:
            deps = [tuple(r) for r in reqs(m[0], m[1])]
        except DepError as e:
            via = " -> ".join(f"{p}@{v}" if v else p for p, v in g.path_to(m)[1:-1])
            raise MVSError(f"loading {m[0]}@{m[1]}" + (f" (via {via})" if via else "") + f": {e}") from e
        g.required[m] = deps
        note(deps)
    return g


@dataclass(frozen=True)
class Raised:
    """A module MVS selects above the version the lock pinned."""

    path: str
    locked: str
    selected: str
    required_by: Module  # the (path, version) whose go.mod requires `selected`
    chain: tuple = ()  # root → … → required_by

    def __str__(self) -> str:
        by = self.required_by
        return f"{self.path}: {self.locked} raised to {self.selected} by {by[0]}@{by[1]}"


def upgrades_over(locked: dict, graph: BuildList) -> list:
    """For each locked path the graph selects at a higher version, which requirement does it.
    Among several requirers the one nearest the root (shortest chain) is named."""
    out = []
    for path in sorted(locked):
        want = locked[path]
        got = graph.selected.get(path)
        if got is None or _mod_compare(got, want) <= 0:
            continue
        best = None
        for m in graph.required_by((path, got)):
            chain = graph.path_to(m)
            if chain and (best is None or len(chain) < len(best)):
                best = chain
        if best is None:
            continue
        out.append(Raised(path, want, got, best[-1], tuple(best)))
    return out
