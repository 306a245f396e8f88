"""The ``dep why`` job: the shortest import chain from the root project to a package (or, with
``modules``, to any package of a project), as ``go mod why`` finds it, over the graph dep's
solver sees; and, when there is none, why not.

The graph (docs/why.md): the root's packages (ignored ones left out, hidden ones trimmed) and
Gopkg.toml's ``required`` packages are the roots; a root package's tests count (the solver
follows the root's test imports), dependencies' tests do not. A dependency's packages are those
its locked revision holds (from the source cache, or vendor/ with ``vendor``), minus ignored and
broken ones, as the solver's reach map keeps them. The search is go's breadth-first walk:
roots in order, each package's imports in sorted order, then its tests (``<pkg>.test``).
"""

from __future__ import annotations

import os
from collections import deque

from dep.errors import DepError
from dep.records import FrozenRecord, set_field

_KIND = "why-pkgs-v1"  # metadata cache kind for a revision's package analysis

ROOT, IMPORTS, TESTS, REQUIRED = "root", "imports", "tests", "required"


class WhyError(DepError):
    """A path ``dep why`` cannot answer for, or a project it cannot read."""


class Answer(FrozenRecord):
    """One stanza. ``chain``: package paths from a root to the target (``<pkg>.test`` for a
    root package's tests), empty when not needed. ``reason``: when needed, how the chain starts
    (``root``: the target is a root package; ``imports``; ``tests``: through a root package's
    tests; ``required``: from a Gopkg.toml ``required`` package); else why nothing needs it."""

    __slots__ = ("path", "module", "chain", "reason")

    def __init__(self, path: str, module: bool, chain: tuple[str, ...], reason: str) -> None:
        set_field(self, "path", path)
        set_field(self, "module", module)
        set_field(self, "chain", chain)
        set_field(self, "reason", reason)

    @property
    def needed(self) -> bool:
        return bool(self.chain)

    def text(self, vendor: bool = False) -> str:
        """The stanza as go mod why prints it, without the separating blank line."""
        if not self.chain:
            what = "module" if self.module else "package"
            to = " to vendor" if vendor else ""
            return f"# {self.path}\n(main module does not need{to} {what} {self.path}: {self.reason})\n"
        note = "(required by Gopkg.toml)\n" if self.reason == REQUIRED else ""
        return f"# {self.path}\n{note}" + "".join(p + "\n" for p in self.chain)

    def to_json(self) -> dict:
        return {"Path": self.path, "Chain": list(self.chain), "Needed": self.needed, "Reason": self.reason}


def render(answers: list[Answer], vendor: bool = False) -> str:
    return "\n".join(a.text(vendor) for a in answers)


def why(project, paths: list[str], *, modules: bool = False, vendor: bool = False, sm=None) -> list[Answer]:
    """An answer per path, in order. Every path is checked first; one WhyError names all the
    paths that are neither the root's, a locked project's, nor (for packages) the standard
    library's. ``sm`` (a SourceManager) is needed unless ``vendor``."""
    if project.lock is None:
        raise WhyError(f"no Gopkg.lock in {project.abs_root}: run dep ensure first")
    graph = _Graph(project, sm, vendor)
    errors = [e for e in (graph.check(p, modules) for p in paths) if e]
    if errors:
        raise WhyError("; ".join(errors))
    searches: dict[tuple[bool, bool], _Search] = {}

    def search(ignored: bool = False, dep_tests: bool = False) -> _Search:
        key = (ignored, dep_tests)
        if key not in searches:
            searches[key] = _Search(graph, ignored, dep_tests)
        return searches[key]

    out = []
    for path in paths:
        want = graph.in_project(path) if modules else (lambda p, path=path: p == path)
        if not modules and graph.ignore.is_ignored(path):
            out.append(Answer(path, modules, (), "Gopkg.toml ignores it"))
            continue
        chain = search().find(want, modules)
        if chain:
            out.append(Answer(path, modules, chain, graph.how(chain)))
        else:
            out.append(Answer(path, modules, (), _why_not(graph, search, want, modules, path)))
    return out


def _why_not(graph: _Graph, search, want, modules: bool, path: str) -> str:
    chain = search(ignored=True).find(want, modules)
    if chain:
        first = next(p for p in chain if graph.ignore.is_ignored(p.removesuffix(".test")))
        return "Gopkg.toml ignores it" if first == path else f"Gopkg.toml ignores {first}, which leads to it"
    chain = search(dep_tests=True).find(want, modules)
    if chain:
        tested = next(p for p in chain if p.endswith(".test") and not graph.is_root_package(p[:-5]))
        return f"only the tests of {tested[:-5]} lead to it"
    return "nothing imports it"


class _Pkg:
    """What the walk needs of a package: its imports, its test imports."""

    __slots__ = ("imports", "test_imports")

    def __init__(self, imports, test_imports) -> None:
        self.imports = imports
        self.test_imports = test_imports


class _Graph:
    """The packages, loaded a project at a time as the walk reaches them."""

    def __init__(self, project, sm, vendor: bool) -> None:
        from dep.pkgtree import IgnoredRuleset

        self.project = project
        self.sm = sm
        self.vendor = vendor
        self.root = project.import_root
        self.ignore = IgnoredRuleset(project.manifest.ignored)
        self.locked = {lp.name: lp for lp in project.lock.projects}
        self.required = sorted(set(project.manifest.required))
        self._trees: dict[str, object] = {}
        self._kept: dict[tuple[str, bool], dict[str, _Pkg]] = {}

    # -- which project a path belongs to

    def owner(self, path: str) -> str | None:
        """The root's import path or the locked project holding ``path``, else None."""
        found = None
        for name in (self.root, *self.locked):
            if (path == name or path.startswith(name + "/")) and (found is None or len(name) > len(found)):
                found = name
        return found

    def in_project(self, name: str):
        return lambda p: self.owner(p) == name

    def is_root_package(self, path: str) -> bool:
        return self.owner(path) == self.root

    # -- packages

    def _tree(self, name: str):
        """The package tree of the root (untrimmed of ignored packages) or a locked project."""
        tree = self._trees.get(name)
        if tree is None:
            if name == self.root:
                from dep.pkgtree import list_packages

                tree = list_packages(self.project.resolved_abs_root, self.root).trim_hidden_packages(True, True)
            else:
                tree = self._dependency_tree(self.locked[name])
            self._trees[name] = tree
        return tree

    def _dependency_tree(self, lp):
        from dep.pkgtree import list_packages

        if self.vendor:
            d = os.path.join(self.project.vendor_dir, *lp.name.split("/"))
            if not os.path.isdir(d):
                raise WhyError(f"{lp.name} is in Gopkg.lock but not in vendor/: run dep ensure -vendor-only")
            return list_packages(d, lp.name)
        key = lp.name + (" " + lp.source if lp.source else "")
        data = self.sm.metadata.get_revision(key, lp.revision, _KIND)
        if isinstance(data, dict):
            try:
                return _tree_from_json(lp.name, data)
            except (TypeError, ValueError, KeyError):
                pass
        from dep.bridge import ProjectIdentifier

        tree = self.sm.list_packages(ProjectIdentifier(lp.name, lp.source), lp.locked_version)
        self.sm.metadata.set_revision(key, lp.revision, _KIND, _tree_to_json(tree))
        return tree

    def packages(self, name: str, ignored: bool) -> dict[str, _Pkg]:
        """The packages of project ``name`` the solver keeps (``ignored``: as if nothing were
        ignored): every one of the root's, a dependency's reach map (broken ones and their
        importers dropped)."""
        key = (name, ignored)
        kept = self._kept.get(key)
        if kept is None:
            tree = self._tree(name)
            ignore = None if ignored else self.ignore
            rm, _ = tree.to_reach_map(True, name == self.root, name != self.root, ignore)
            kept = {ip: _Pkg(tree.packages[ip].package.imports, tree.packages[ip].package.test_imports)
                    for ip in rm}
            self._kept[key] = kept
        return kept

    def package(self, path: str, ignored: bool) -> _Pkg | None:
        name = self.owner(path)
        return None if name is None else self.packages(name, ignored).get(path)

    def roots(self, ignored: bool) -> list[str]:
        return sorted(self.packages(self.root, ignored)) + [r for r in self.required if r]

    # -- input checks and answers

    def check(self, path: str, modules: bool) -> str:
        """Why ``path`` cannot be answered for, or ""."""
        from dep.gomod.module import InvalidPathError, check_import_path

        try:
            check_import_path(path)
        except InvalidPathError as e:
            return str(e)
        name = self.owner(path)
        if not modules and self.ignore.is_ignored(path):
            return ""
        if modules:
            if name == path:
                return ""
            inside = f" (it is in {name})" if name else ""
            return f"{path} is not the root project or a project in Gopkg.lock{inside}"
        if name is not None:
            if self._has_package(name, path):
                return ""
            where = (f"vendor/{path}" if self.vendor else f"{name} at revision {self.locked[name].revision}"
                     ) if name != self.root else "the root project"
            return f"{path}: no Go package there in {where}"
        from dep.pkgtree import is_standard_import_path

        if is_standard_import_path(path):
            return ""
        if any(path in (pkg.imports + pkg.test_imports) for pkg in self.packages(self.root, False).values()):
            return f"{path} is imported by the root project but is not in Gopkg.lock: run dep ensure"
        return f"{path} is not in Gopkg.lock: not a package of the root project, a locked project or the standard library"

    def _has_package(self, name: str, path: str) -> bool:
        poe = self._tree(name).packages.get(path)
        return poe is not None and poe.ok

    def how(self, chain: tuple[str, ...]) -> str:
        if not self.is_root_package(chain[0]):
            return REQUIRED
        if any(p.endswith(".test") for p in chain):
            return TESTS
        return ROOT if len(chain) == 1 else IMPORTS


class _Search:
    """go's buildStacks, run only as far as the questions asked need: each discovered node
    keeps the node it was first reached from. A node is a package path, or ``(path,)`` for
    that package's tests. ``ignored``: walk as if nothing were ignored; ``dep_tests``: follow
    dependencies' tests too."""

    def __init__(self, graph: _Graph, ignored: bool, dep_tests: bool) -> None:
        self.graph = graph
        self.ignored = ignored
        self.dep_tests = dep_tests
        roots = graph.roots(ignored)
        self.parent: dict = dict.fromkeys(roots)
        self.depth: dict = dict.fromkeys(roots, 1)
        self.queue = deque(roots)

    def _step(self) -> list:
        """Expand the next node; returns the nodes it discovered."""
        node = self.queue.popleft()
        g = self.graph
        if isinstance(node, tuple):
            imports = g.package(node[0], self.ignored).test_imports
        else:
            pkg = g.package(node, self.ignored)
            if pkg is None:
                return []
            imports = pkg.imports
        nexts = [p for p in imports if p != "." and (self.ignored or not g.ignore.is_ignored(p))]
        if not isinstance(node, tuple) and pkg.test_imports and (self.dep_tests or g.is_root_package(node)):
            nexts.append((node,))
        d = self.depth[node] + 1
        new = [n for n in dict.fromkeys(nexts) if n not in self.parent]
        for n in new:
            self.parent[n] = node
            self.depth[n] = d
        self.queue.extend(new)
        return new

    def find(self, want, modules: bool) -> tuple[str, ...]:
        """The chain to the first package ``want`` accepts; with ``modules``, to the
        shallowest one, the first in sorted order on a tie (go's WhyDepth choice)."""
        found = [p for p in self.parent if isinstance(p, str) and want(p)]
        while not found and self.queue:
            found = [p for p in self._step() if isinstance(p, str) and want(p)]
        if not found:
            return ()
        best = min(self.depth[p] for p in found)
        if modules:  # every node at that depth is known once the queue holds only deeper ones
            while self.queue and self.depth[self.queue[0]] < best:
                self._step()
            found = [p for p in self.parent if isinstance(p, str) and want(p) and self.depth[p] == best]
        target = min(p for p in found if self.depth[p] == best) if modules else found[0]
        chain = []
        node = target
        while node is not None:
            chain.append(node[0] + ".test" if isinstance(node, tuple) else node)
            node = self.parent[node]
        return tuple(reversed(chain))


def _tree_to_json(tree) -> dict:
    """A package tree as the metadata cache keeps it: a revision's analysis never changes."""
    out = {}
    for ip, poe in tree.packages.items():
        if poe.ok:
            p = poe.package
            out[ip] = {"n": p.name, "c": p.comment_path, "i": list(p.imports), "t": list(p.test_imports)}
        else:
            out[ip] = {"e": poe.error.kind, "m": poe.error.message, "d": list(poe.error.detail)}
    return out


def _tree_from_json(root: str, data: dict):
    from dep.pkgtree import Package, PackageError, PackageOrErr, PackageTree

    packages = {}
    for ip, d in data.items():
        if "e" in d:
            packages[ip] = PackageOrErr(error=PackageError(d["e"], d["m"], tuple(d["d"])))
        else:
            packages[ip] = PackageOrErr(Package(ip, d["n"], d["c"], tuple(d["i"]), tuple(d["t"])))
    return PackageTree(root, packages)
