"""dep v0.5.4's solver (gps): pick a version of every project the root's packages reach.

The search is gps's own, rule for rule, because which answer dep gives when several are
possible — and which failure it reports — falls out of its search order:

* work is taken from a priority queue (package additions to selected projects first, then
  projects in the root lock, then projects with fewer versions, then by name);
* a project's candidates are its locked version (unless it is being updated), a version
  preferred by a depender's own lock, then every version, newest first (oldest first when
  downgrading);
* a candidate is checked against every rule already in force (constraints of selected
  dependers, sources, case spelling, packages that must exist) and its own rules against
  what is selected; the first failed check rejects it;
* when a project runs out of candidates the search backtracks chronologically, skipping
  back to the newest project marked as implicated in a conflict.

Granularity is the package: a dependency contributes only the imports reachable from the
packages actually imported from it, so a project's requirements grow as more of its
packages are pulled in (a "package addition" re-checks the selected version).
See docs/solver.md for why this is not built on resolvelib.
"""

from __future__ import annotations

from typing import Callable, Iterable

from dep.bridge import ProjectIdentifier, SourceBridge
from dep.errors import DepError
from dep.lock import Lock, LockedProject
from dep.manifest import Manifest, ProjectProperties
from dep.pkgtree import IgnoredRuleset, PackageTree, is_standard_import_path
from dep.solver.failures import (
    BadOptsFailure, CaseMismatchFailure, CheckeeHasProblemPackagesFailure, ConstraintNotAllowedFailure,
    DeductionFailure, DepHasProblemPackagesFailure, DisjointConstraintFailure, NoVersionError,
    NonexistentRevisionFailure, PackageProblemFailure, ProjectNotFoundFailure, SolveError,
    SourceMismatchFailure, VersionNotAllowedFailure, WrongCaseFailure)
from dep.solver.model import (
    ROOT_VERSION, Atom, AtomWithPackages, CompleteDep, Dependency, ident_eq, ident_equiv, ident_str,
    is_path_prefix_or_equal)
from dep.solver.state import Pending, Selection, Unselected, VersionQueue
from dep.solver.trace import Tracer
from dep.versions import ANY, PairedVersion, Revision, Version, sort_for_downgrade, sort_for_upgrade

__all__ = ["SolveParameters", "Solution", "solve", "locked_version"]


class SolveParameters:
    """Everything a solve depends on besides the sources.

    ``to_change`` holds project roots to update (``dep ensure -update a b``); ``change_all``
    updates every project. ``is_stdlib`` decides which import paths are never dependencies.
    """

    __slots__ = ("root_import_path", "root_tree", "manifest", "lock", "change_all", "to_change",
                 "downgrade", "is_stdlib")

    def __init__(self, root_import_path: str, root_tree: PackageTree, manifest: Manifest | None = None,
                 lock: Lock | None = None, change_all: bool = False, to_change: Iterable[str] = (),
                 downgrade: bool = False,
                 is_stdlib: Callable[[str], bool] = is_standard_import_path) -> None:
        self.root_import_path = root_import_path
        self.root_tree = root_tree
        self.manifest = manifest if manifest is not None else Manifest()
        self.lock = lock
        self.change_all = change_all
        self.to_change = list(to_change)
        self.downgrade = downgrade
        self.is_stdlib = is_stdlib


class Solution:
    """The selected projects (sorted by name, then source) and the root's input imports."""

    __slots__ = ("projects", "input_imports", "attempts")

    def __init__(self, projects: list[LockedProject], input_imports: list[str], attempts: int) -> None:
        self.projects = projects
        self.input_imports = input_imports
        self.attempts = attempts


def locked_version(lp: LockedProject) -> Version:
    """gps ``LockedProject.Version()``: the tag or branch paired with its revision when both are known."""
    if lp.version is None:
        return Revision(lp.revision)
    if not lp.revision:
        return lp.version
    return PairedVersion(lp.version, lp.revision)


def solve(params: SolveParameters, bridge: SourceBridge,
          trace: Callable[[str], None] | None = None) -> Solution:
    """Solve, or raise a :class:`~dep.solver.failures.SolveError` with gps's message and an explanation.

    ``trace`` receives the ``-v`` trace one line at a time.
    """
    from dep.solver.explain import explain

    context = {"root": params.root_import_path, "lock": {}, "constraints": params.manifest.constraints,
               "change_all": params.change_all, "change": set(params.to_change)}
    try:
        solver = _Solver(params, bridge, Tracer(trace) if trace is not None else None)
        context = solver.explain_context()
        return solver.run()
    except SolveError as err:
        err.explanation = explain(err, context)
        raise


class _Sources:
    """The solver's view of the bridge: answers cached for the run, versions sorted once."""

    def __init__(self, bridge: SourceBridge, root: str, root_tree: PackageTree, ignore: IgnoredRuleset,
                 downgrade: bool) -> None:
        self._b = bridge
        self._root = root
        self._root_tree = root_tree
        self._ignore = ignore
        self._sort = sort_for_downgrade if downgrade else sort_for_upgrade
        self._versions: dict[ProjectIdentifier, list[Version] | DepError] = {}
        self._trees: dict[tuple, PackageTree | DepError] = {}
        self._reach: dict[tuple, tuple] = {}
        self._ml: dict[tuple, tuple | DepError] = {}
        self._roots: dict[str, str | DepError] = {}
        self._exists: dict[ProjectIdentifier, bool] = {}

    @staticmethod
    def _cached(cache: dict, key, compute):
        value = cache.get(key)
        if value is None:
            try:
                value = compute()
            except DepError as err:
                value = err
            cache[key] = value
        if isinstance(value, DepError):
            raise value
        return value

    def versions(self, ident: ProjectIdentifier) -> list[Version]:
        return self._cached(self._versions, ident, lambda: self._sort(
            [v for v in self._b.list_versions(ident) if not isinstance(v, Revision)]))

    def version_count(self, ident: ProjectIdentifier) -> int:
        try:
            return len(self.versions(ident))
        except DepError:
            return 0

    def exists(self, ident: ProjectIdentifier) -> bool:
        """Whether the project has a source at all (gps: "could not be located")."""
        if ident not in self._exists:
            self._exists[ident] = self._b.source_exists(ident)
        return self._exists[ident]

    def tree(self, ident: ProjectIdentifier, version: Version) -> PackageTree:
        if ident.root == self._root:  # a dependency importing the root's own packages
            return self._root_tree
        return self._cached(self._trees, (ident, version), lambda: self._b.list_packages(ident, version))

    def reach(self, ident: ProjectIdentifier, version: Version) -> tuple:
        """(reach map, problems) of a dependency: no tests, broken importers dropped, root ignores."""
        key = (ident, version)
        found = self._reach.get(key)
        if found is None:
            found = self._reach[key] = self.tree(ident, version).to_reach_map(True, False, True, self._ignore)
        return found

    def manifest_and_lock(self, ident: ProjectIdentifier, version: Version) -> tuple:
        return self._cached(self._ml, (ident, version),
                            lambda: self._b.get_manifest_and_lock(ident, version))

    def deduce(self, path: str) -> str:
        return self._cached(self._roots, path, lambda: self._b.deduce_project_root(path))

    def revision_present(self, ident: ProjectIdentifier, revision: Revision) -> bool:
        try:
            return self._b.revision_present_in(ident, revision.rev)
        except DepError:
            return False


class _Solver:
    """One solve run: gps's root data, selection, unselected queue and version-queue stack."""

    def __init__(self, params: SolveParameters, bridge: SourceBridge, tracer: Tracer | None) -> None:
        self.tracer = tracer
        self.is_stdlib = params.is_stdlib
        self.root = params.root_import_path
        self._validate(params)
        m = params.manifest
        self.ignore = IgnoredRuleset(m.ignored)
        self.required = sorted(set(m.required))
        self.overrides = m.overrides
        self.root_tree = params.root_tree
        self.change = set(params.to_change)
        self.change_all = params.change_all
        self.root_lock = {lp.name: lp for lp in params.lock.projects} if params.lock is not None else {}
        # A root constraint without a version and without a source says nothing (gps prepManifest).
        self.root_constraints = {
            name: ProjectProperties(pp.source, ANY if pp.constraint is None else pp.constraint)
            for name, pp in m.constraints.items() if pp.constraint is not None or pp.source}
        self.src = _Sources(bridge, self.root, self.root_tree, self.ignore, params.downgrade)
        self.sel = Selection()
        self.unsel = Unselected(self._less)
        self.vqs: list[VersionQueue] = []
        self._queue_of: dict[str, VersionQueue] = {}  # root -> its queue in vqs (one per root)
        self.attempts = 0
        self.root_atom = Atom(ProjectIdentifier(self.root), ROOT_VERSION)
        self._deps_cache: dict[tuple, tuple[list[str], list[CompleteDep]] | DepError] = {}

    def _validate(self, params: SolveParameters) -> None:
        """gps ``Prepare``'s checks of the inputs, with its messages."""
        if not params.root_import_path:
            raise BadOptsFailure("params must include a non-empty import root")
        if not params.root_tree.packages:
            raise BadOptsFailure("at least one package must be present in the PackageTree")
        if params.lock is None and params.to_change:
            raise BadOptsFailure(f"update specifically requested for [{' '.join(params.to_change)}], "
                                 "but no lock was provided to upgrade from")
        m = params.manifest
        ignore = IgnoredRuleset(m.ignored)
        both = sorted(p for p in set(m.required) if ignore.is_ignored(p))
        if len(both) == 1:
            raise BadOptsFailure(f'"{both[0]}" was given as both a required and ignored package')
        if both:
            raise BadOptsFailure(f"multiple packages given as both required and ignored: {', '.join(both)}")
        empty = sorted(name for name, pp in m.overrides.items() if pp.constraint is None and not pp.source)
        if len(empty) > 1:
            raise BadOptsFailure(f"Overrides lacked any non-zero properties for multiple project roots: {' '.join(empty)}")
        if empty:
            raise BadOptsFailure(f"An override was declared for {empty[0]}, but without any non-zero properties")
        locked = {lp.name for lp in params.lock.projects} if params.lock is not None else set()
        for name in params.to_change:
            if name not in locked:
                raise BadOptsFailure(f"cannot update {name} as it is not in the lock")

    # --- inputs -----------------------------------------------------------------------------

    def external_imports(self) -> list[str]:
        """The root's reachable external imports (tests included) plus ``required``, sorted."""
        rm, _ = self.root_tree.to_reach_map(True, True, False, self.ignore)
        return sorted(set(rm.flatten(self.is_stdlib)).union(self.required))

    def _override(self, root: str, pp: ProjectProperties) -> CompleteDep:
        """A rule after the root's override for ``root``, if any (gps ``workingConstraint``)."""
        ident, constraint, overridden = ProjectIdentifier(root, pp.source), pp.constraint, False
        ovr = self.overrides.get(root)
        if ovr is not None:
            if ovr.constraint is not None:
                constraint, overridden = ovr.constraint, True
            if ovr.source:
                ident = ProjectIdentifier(root, ovr.source)
        return CompleteDep(ident, ANY if constraint is None else constraint, [], overridden)

    def _override_all(self, constraints: dict[str, ProjectProperties]) -> list[CompleteDep]:
        return sorted((self._override(root, pp) for root, pp in constraints.items()), key=lambda w: w.ident)

    def _with_imports(self, working: list[CompleteDep], reach: list[str]) -> list[CompleteDep]:
        """gps ``intersectConstraintsWithImports``: one dependency per project the imports reach,
        carrying the rule named for it (longest prefix) or an open one (overrides still apply)."""
        by_name = {w.ident.root: w for w in working}
        deps: dict[str, CompleteDep] = {}
        for path in reach:
            if self.is_stdlib(path):
                continue
            w = None
            for end in range(len(path), 0, -1):
                if path[:end] in by_name:
                    if is_path_prefix_or_equal(path[:end], path):
                        w = by_name[path[:end]]
                    break
            if w is not None and w.ident.root in deps:
                deps[w.ident.root].pl.append(path)
                continue
            if w is None:
                root = self.src.deduce(path)
                w = by_name[root] = self._override(root, ProjectProperties("", ANY))
            deps[w.ident.root] = CompleteDep(w.ident, w.constraint, [path], w.overridden)
        # gps returns these from a Go map; for the few dependencies a package usually has, Go
        # iterates small maps in insertion order most of the time, so that order is kept.
        return list(deps.values())

    def imports_and_constraints(self, awp: AtomWithPackages) -> tuple[list[str], list[CompleteDep]]:
        """The atom's packages grown by their internal imports, and its dependencies from them."""
        key = (awp.a, tuple(awp.pl))
        found = self._deps_cache.get(key)
        if found is None:
            try:
                found = self._compute_deps(awp)
            except DepError as err:
                found = err
            self._deps_cache[key] = found
        if isinstance(found, DepError):
            raise found
        return found

    def _compute_deps(self, awp: AtomWithPackages) -> tuple[list[str], list[CompleteDep]]:
        ident, version = awp.a.id, awp.a.v
        constraints, _ = self.src.manifest_and_lock(ident, version)
        constraints = constraints or {}
        rm, problems = self.src.reach(ident, version)
        internal = set(awp.pl)
        for pkg in awp.pl:
            entry = rm.get(pkg)
            if entry is not None:
                internal.update(entry.internal)
        pl = awp.pl if len(internal) == len(awp.pl) else sorted(internal)
        external: set[str] = set()
        for pkg in awp.pl:
            if self.ignore.is_ignored(pkg):
                continue
            entry = rm.get(pkg)
            if entry is None:
                if pkg in problems:
                    raise PackageProblemFailure(problems[pkg].message)
                raise PackageProblemFailure(f"package {pkg} does not exist within project {ident_str(awp.a.id)}")
            external.update(entry.external)
        return pl, self._with_imports(self._override_all(constraints), sorted(external))

    # --- queue order ----------------------------------------------------------------------

    def _less(self, i: Pending, j: Pending) -> bool:
        """gps's unselected-queue order (see the module docstring)."""
        isel, jsel = self.sel.selected(i.id) is not None, self.sel.selected(j.id) is not None
        if isel != jsel:
            return isel
        if ident_eq(i.id, j.id):
            return False
        ilock, jlock = i.id.root in self.root_lock, j.id.root in self.root_lock
        if ilock != jlock:
            return ilock
        if ilock:
            return i.id < j.id
        iv, jv = self.src.version_count(i.id), self.src.version_count(j.id)
        if (iv == 0) != (jv == 0):
            return iv == 0
        if iv != jv:
            return iv < jv
        return i.id < j.id

    # --- the search -----------------------------------------------------------------------

    def run(self) -> Solution:
        self._select_root()
        try:
            self._search()
        except DepError:
            if self.tracer:
                self.tracer.finish(None)
            raise
        chosen: dict[Atom, set[str]] = {}
        for awp, _ in self.sel.projects[1:]:
            chosen.setdefault(awp.a, set()).update(awp.pl)
        projects = sorted((self._locked_project(atom, pkgs) for atom, pkgs in chosen.items()),
                          key=LockedProject.sort_key)
        if self.tracer:
            self.tracer.finish(sum(len(p.packages) for p in projects), len(projects))
        return Solution(projects, self.external_imports(), self.attempts)

    def _locked_project(self, atom: Atom, pkgs: set[str]) -> LockedProject:
        v, root = atom.v, atom.id.root
        if isinstance(v, PairedVersion):
            version, revision = v.unpaired, v.revision.rev
        elif isinstance(v, Revision):
            version, revision = None, v.rev
        else:
            version, revision = v, ""
        packages = sorted("." if p == root else p.removeprefix(root + "/") for p in pkgs)
        lp = LockedProject(name=root, revision=revision, version=version, source=atom.id.source,
                           packages=packages)
        old = self.root_lock.get(root)
        if (old is not None and old.source == lp.source and revision and old.revision == revision
                and (old.version is None) == (version is None)
                and (version is None or version.matches(old.version)) and old.packages == packages):
            return old  # keeps its digest and prune options
        return lp

    def _select_root(self) -> None:
        imports = self.external_imports()
        self._check_deducible(imports)
        root = AtomWithPackages(self.root_atom, [])
        self.sel.push_selection(root, False)
        deps = self._with_imports(self._override_all(self.root_constraints), imports)
        for dep in deps:
            self.sel.push_dep(Dependency(self.root_atom, dep))
            self.unsel.push(Pending(dep.ident, dep.pl, from_root=True))
        if self.tracer:
            rm, _ = self.root_tree.to_reach_map(True, True, False, self.ignore)
            self.tracer.select_root(self.root, len(rm), sum(len(d.pl) for d in deps), len(deps))

    def _check_deducible(self, imports: list[str]) -> None:
        """Every root import must belong to some project (dep's ValidateParams)."""
        errors = {}
        for path in imports:
            if self.is_stdlib(path):
                continue
            try:
                self.src.deduce(path)
            except DepError as err:
                errors[path] = str(err)
        if errors:
            raise DeductionFailure(errors)

    def _search(self) -> None:
        while self.unsel.items:
            pending = self.unsel.items[0]
            if not self.sel.depper_count(pending.id):
                # Backtracking can leave work behind for a project nothing depends on any more
                # (gps then selects it anyway, or crashes); it is dropped instead.
                del self.unsel.items[0]
                continue
            base = self.sel.selected(pending.id)
            if base is None:
                try:
                    queue = self._create_queue(pending)
                except DepError as err:
                    if self.tracer:
                        self.tracer.start_backtrack(len(self.sel.projects), pending.id, len(pending.pl), False)
                    if self._backtrack():
                        continue
                    raise
                self._select(AtomWithPackages(Atom(queue.id, queue.current()), pending.pl), False)
                self.vqs.append(queue)
                self._queue_of[queue.id.root] = queue
            else:
                awp = AtomWithPackages(Atom(pending.id, base.a.v), pending.pl)
                if self.tracer:
                    self.tracer.check_packages(len(self.vqs) + 1, pending.id, len(pending.pl))
                err = self._check_packages_and_deps(awp)
                if err is not None:
                    if self.tracer:
                        self.tracer.failure(len(self.sel.projects), err)
                    if self.tracer:
                        self.tracer.start_backtrack(len(self.sel.projects), pending.id, len(pending.pl), True)
                    if self._backtrack():
                        continue
                    raise err
                self._select(awp, True)

    def _create_queue(self, pending: Pending) -> VersionQueue:
        ident = pending.id
        if not self.src.exists(ident):
            raise ProjectNotFoundFailure(ident)
        lockv = self._lock_version(ident) if self.root_lock else None
        prefv = pending.prefv
        if pending.from_root:
            for dep in self.sel.dependencies_on(ident):
                if dep.depender.id.root == self.root:
                    continue
                try:
                    _, lock = self.src.manifest_and_lock(dep.depender.id, dep.depender.v)
                except DepError:
                    continue
                for lp in lock.projects if lock is not None else ():
                    if ident_eq(ProjectIdentifier(lp.name, lp.source), ident):
                        prefv = locked_version(lp)
        queue = VersionQueue(ident, lockv, prefv, self.src.versions)
        # Revisions are never listed; a revision rule puts its revision first (gps's hack).
        constraint = self.sel.constraint(ident)
        if isinstance(constraint, Revision) and queue.current() != constraint:
            queue.push_front(constraint)
        if self.tracer:
            self.tracer.check_queue(len(self.vqs) + 1, ident, len(pending.pl), queue.remaining(),
                                    queue.all_loaded, False)
        err = self._find_valid_version(queue, pending.pl)
        if err is not None:
            raise err
        return queue

    def _lock_version(self, ident: ProjectIdentifier) -> Version | None:
        """The root lock's version of ``ident``, unless it is being updated."""
        if (ident.root in self.change or self.change_all) and self.src.exists(ident):
            return None
        lp = self.root_lock.get(ident.root)
        return locked_version(lp) if lp is not None else None

    def _find_valid_version(self, queue: VersionQueue, pl: list[str]) -> NoVersionError | None:
        start = len(queue.fails)
        # Checking candidates never changes the selection, so the combined constraint holds still.
        constraint = self.sel.constraint(queue.id)
        dependers = self.sel.dependencies_on(queue.id)
        while (cur := queue.current()) is not None:
            if self.tracer:
                self.tracer.info(len(self.sel.projects), f"try {ident_str(queue.id)}@{cur}")
            atom = Atom(queue.id, cur)
            if constraint.matches(cur):
                err = self._check_packages_and_deps(AtomWithPackages(atom, pl))
                if err is None:
                    return None
            else:
                err = self._not_allowed(atom, constraint, dependers)
            if self.tracer:
                self.tracer.failure(len(self.sel.projects), err)
            if queue.advance(err) is not None or queue.is_exhausted():
                break
        self._fail(dependers[0].depender.id)
        return NoVersionError(queue.id, queue.fails[start:], list(dependers), queue.lockv)

    def _backtrack(self) -> bool:
        """Undo selections back to the newest project implicated in the failure and try its
        next version; False when nothing is left to try."""
        if not self.vqs:
            return False
        while True:
            while True:
                if not self.vqs:
                    return False
                if self.vqs[-1].failed:
                    break
                self._pop_queue()
                first = False
                while not first:
                    awp, first = self._unselect_last()
                    if self.tracer:
                        self.tracer.backtrack(len(self.sel.projects), awp.a.id, len(awp.pl), not first)
            queue = self.vqs[-1]
            first = False
            while not first:
                awp, first = self._unselect_last()
                if self.tracer:
                    self.tracer.backtrack(len(self.sel.projects), awp.a.id, len(awp.pl), not first)
            if queue.advance(None) is None and not queue.is_exhausted():
                if self.tracer:
                    self.tracer.check_queue(len(self.vqs), awp.a.id, len(awp.pl), queue.remaining(),
                                            queue.all_loaded, True)
                if self._find_valid_version(queue, awp.pl) is None:
                    self._select(AtomWithPackages(Atom(awp.a.id, queue.current()), awp.pl), False)
                    break
            if self.tracer:
                self.tracer.backtrack(len(self.sel.projects), awp.a.id, len(awp.pl), False)
            self._pop_queue()
        if not self.vqs:
            return False
        self.attempts += 1
        return True

    def _pop_queue(self) -> None:
        del self._queue_of[self.vqs.pop().id.root]

    def _fail(self, ident: ProjectIdentifier) -> None:
        """Mark the queue of ``ident`` as implicated, so backtracking stops there."""
        queue = self._queue_of.get(ident.root)
        if queue is not None and ident.root != self.root and ident_eq(queue.id, ident):
            queue.failed = True

    def _select(self, awp: AtomWithPackages, pkgonly: bool) -> None:
        self.unsel.remove(awp.a.id, awp.pl)
        pl, deps = self.imports_and_constraints(awp)
        awp = AtomWithPackages(awp.a, pl)
        self.sel.push_selection(awp, pkgonly)
        try:
            _, lock = self.src.manifest_and_lock(awp.a.id, awp.a.v)
        except DepError:
            lock = None
        preferred = {ProjectIdentifier(lp.name, lp.source): locked_version(lp)
                     for lp in lock.projects} if lock is not None else {}
        for dep in deps:
            if dep.ident.root == self.root:
                continue  # a project-level import cycle back into the root
            self.sel.push_dep(Dependency(awp.a, dep))
            counts = self.sel.required_packages_in(dep.ident)
            new = [pkg for pkg in dep.pl if counts[pkg] == 1]
            if new:
                self.unsel.push(Pending(self.sel.ident_for(dep.ident.root), new,
                                        prefv=preferred.get(dep.ident)))
        if self.tracer:
            self.tracer.select(len(self.sel.projects) - 1, awp, pkgonly)

    def _unselect_last(self) -> tuple[AtomWithPackages, bool]:
        awp, first = self.sel.pop_selection()
        self.unsel.push(Pending(awp.a.id, awp.pl))
        _, deps = self.imports_and_constraints(awp)
        for dep in deps:
            if dep.ident.root == self.root:
                continue
            self.sel.pop_dep(dep.ident)
            if self.sel.depper_count(dep.ident) == 0:
                self.unsel.remove(dep.ident, dep.pl)
        return awp, first

    # --- checks ---------------------------------------------------------------------------

    # A candidate must be inside the combined constraint of its dependers (not rechecked for
    # package additions to a selected version), then pass _check_packages_and_deps.

    def _check_packages_and_deps(self, awp: AtomWithPackages) -> DepError | None:
        try:
            err = self._check_required_packages(awp)
            if err is not None:
                return err
            _, deps = self.imports_and_constraints(awp)
        except DepError as err:
            return err
        for dep in deps:
            for check in (self._check_source, self._check_case, self._check_overlap,
                          self._check_selected_allowed, self._check_revision, self._check_dep_packages):
                err = check(awp.a, dep)
                if err is not None:
                    return err
        return None

    def _not_allowed(self, atom: Atom, constraint, deps: list[Dependency]) -> DepError:
        """Why ``atom``'s version is outside ``constraint``, the combination of ``deps``' rules."""
        # With one depender its constraint is the combined one, which just failed.
        failparent = list(deps) if len(deps) == 1 else [d for d in deps if not d.dep.constraint.matches(atom.v)]
        for dep in failparent:
            self._fail(dep.depender.id)
        return VersionNotAllowedFailure(atom, failparent, constraint)

    def _check_required_packages(self, awp: AtomWithPackages) -> DepError | None:
        tree = self.src.tree(awp.a.id, awp.a.v)
        problems: dict[str, tuple] = {}
        for dep in self.sel.dependencies_on(awp.a.id):
            for pkg in dep.dep.pl:
                if pkg in problems:
                    problems[pkg][1].append(dep.depender)
                    continue
                poe = tree.packages.get(pkg)
                if poe is None or poe.error is not None:
                    problems[pkg] = (None if poe is None else poe.error, [dep.depender])
        return CheckeeHasProblemPackagesFailure(awp.a, problems) if problems else None

    def _check_source(self, atom: Atom, dep: CompleteDep) -> DepError | None:
        current = self.sel.ident_for(dep.ident.root)
        if current is None or ident_equiv(current, dep.ident):
            return None
        deps = self.sel.dependencies_on(atom.id)
        for d in deps:
            self._fail(d.depender.id)
        return SourceMismatchFailure(dep.ident.root, current.normalized_source(),
                                     dep.ident.normalized_source(), list(deps), atom)

    def _check_case(self, atom: Atom, dep: CompleteDep) -> DepError | None:
        current = self.sel.find_case_conflict(dep.ident.root)
        if current is None:
            return None
        deps = list(self.sel.dependencies_on(self.sel.ident_for(current)))
        for d in deps:
            self._fail(d.depender.id)
        goal = Dependency(atom, dep)
        if current == atom.id.root:
            return WrongCaseFailure(dep.ident.root, goal, deps)
        return CaseMismatchFailure(goal, current, deps)

    def _check_overlap(self, atom: Atom, dep: CompleteDep) -> DepError | None:
        constraint = self.sel.constraint(dep.ident)
        if constraint.matches_any(dep.constraint):
            return None
        failsib, nofailsib = [], []
        for sib in self.sel.dependencies_on(dep.ident):
            if sib.dep.constraint.matches_any(dep.constraint):
                nofailsib.append(sib)
            else:
                self._fail(sib.depender.id)
                failsib.append(sib)
        return DisjointConstraintFailure(Dependency(atom, dep), failsib, nofailsib, constraint)

    def _check_selected_allowed(self, atom: Atom, dep: CompleteDep) -> DepError | None:
        selected = self.sel.selected(dep.ident)
        if selected is None or dep.constraint.matches(selected.a.v):
            return None
        self._fail(dep.ident)
        return ConstraintNotAllowedFailure(Dependency(atom, dep), selected.a.v)

    def _check_revision(self, atom: Atom, dep: CompleteDep) -> DepError | None:
        if not isinstance(dep.constraint, Revision) or self.src.revision_present(dep.ident, dep.constraint):
            return None
        return NonexistentRevisionFailure(Dependency(atom, dep), dep.constraint)

    def _check_dep_packages(self, atom: Atom, dep: CompleteDep) -> DepError | None:
        selected = self.sel.selected(dep.ident)
        if selected is None:
            return None
        try:
            tree = self.src.tree(selected.a.id, selected.a.v)
        except DepError as err:
            return err
        prob = {}
        for pkg in dep.pl:
            poe = tree.packages.get(pkg)
            if poe is None or poe.error is not None:
                prob[pkg] = None if poe is None else poe.error
        return DepHasProblemPackagesFailure(Dependency(atom, dep), selected.a.v, prob) if prob else None

    # --- explanations ---------------------------------------------------------------------

    def explain_context(self) -> dict:
        """What the explanation needs to know about the solve besides the error."""
        return {"root": self.root, "lock": self.root_lock, "constraints": self.root_constraints,
                "change_all": self.change_all, "change": self.change}
