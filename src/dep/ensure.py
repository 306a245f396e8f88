"""The ``dep ensure`` job: solve when needed, then bring Gopkg.lock and vendor/ in line.

Each mode returns a ``dep.writer.WritePlan`` (or None when there is nothing to do); the
CLI either describes it (``-dry-run``) or executes it. Messages dep prints mid-way (the
ineffectual-constraint warning, ``-add``'s notes) reach the caller as return values or
through the ``notes`` callback, never by printing here.
"""

from __future__ import annotations

from dep.errors import DepError
from dep.lock import Lock
from dep.project import Project
from dep.versions import ANY
from dep.writer import Vendor, WritePlan, full_plan, plan


class ReportedError(DepError):
    """A failure whose details dep prints as a block on stderr before the one-line error."""

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.details = details


def _block(title: str, lines: list[str], bullet: str = "  ✗ ") -> str:
    return f"{title}\n\n" + "".join(f"{bullet}{line}\n" for line in lines) + "\n"


# -- the common preamble ------------------------------------------------------------------

def changed_lock(project: Project) -> Lock | None:
    """The lock with what is known without solving brought up to date: input imports
    recomputed and prune options re-read from Gopkg.toml (dep's ChangedLock)."""
    old = project.lock
    if old is None:
        return None
    prune = project.manifest.prune
    projects = [p if p.prune_opts == prune.options_for(p.name) else p.replace(prune_opts=prune.options_for(p.name))
                for p in old.projects]
    return Lock(projects, input_imports(project), old.analyzer_name, old.analyzer_version,
                old.solver_name, old.solver_version)


def input_imports(project: Project) -> list[str]:
    from dep.check import input_imports as compute

    return compute(project)


def locked_roots(project: Project) -> frozenset[str]:
    return frozenset(p.name for p in project.lock.projects) if project.lock is not None else frozenset()


def deduce_roots(paths: list[str], sm, known: frozenset[str] = frozenset()) -> list[str | DepError]:
    """The project root of each path, or the error deducing it.

    A path under a root the lock already names maps to that root without asking the
    network: dep would repeat a go-get discovery for each vanity path on every run, which
    is most of an in-sync ``dep ensure``'s time and fails offline.
    """
    result: dict[str, str | DepError] = {}
    rest = []
    for path in paths:
        root = max((r for r in known if path == r or path.startswith(r + "/")), key=len, default=None)
        if root is not None:
            result[path] = root
        else:
            rest.append(path)

    def one(path: str) -> str | DepError:
        try:
            return sm.deduce_project_root(path)
        except DepError as e:
            return e

    if rest:
        result.update(zip(rest, sm.run_parallel(rest, one)))
    return [result[p] for p in paths]


def validate_project_roots(project: Project, sm) -> None:
    """Every name in Gopkg.toml rules must be a project root (dep's ValidateProjectRoots)."""
    m = project.manifest
    names = sorted(set(m.constraints) | set(m.overrides) | set(m.prune.per_project))
    problems = []
    for name, root in zip(names, deduce_roots(names, sm, locked_roots(project))):
        if isinstance(root, DepError):
            problems.append(str(root))
        elif root != name:
            problems.append(f'the name for "{name}" should be changed to "{root}"')
    if problems:
        raise ReportedError("ProjectRoot name validation failed",
                            _block("The following issues were found in Gopkg.toml:", problems))


def check_root_packages(project: Project) -> str | None:
    """dep's checkErrors: fatal problems raise; otherwise a warning text (or None)."""
    from dep.pkgtree import IgnoredRuleset

    tree = project.package_tree()
    ignore = IgnoredRuleset(project.manifest.ignored)
    no_go, errors, total = 0, [], 0
    for ip, poe in sorted(tree.packages.items()):
        total += 1
        if ignore.is_ignored(ip) or poe.ok:
            continue
        if poe.error.is_no_go:
            no_go += 1
        else:
            errors.append(poe.message)
    found = f"found {len(errors)} errors in the package tree:\n" + "\n".join(errors)
    if total == 0 or total == no_go:
        raise DepError("no dirs contained any Go code")
    if total == len(errors):
        raise DepError("all dirs contained build errors")
    if total == len(errors) + no_go:
        raise DepError(found)
    return found if errors else None


def ineffectual_constraints(project: Project, sm, imports: list[str]) -> list[str]:
    """Constraint names that are not direct dependencies, so dep ignores them."""
    if not project.manifest.constraints:
        return []
    direct = set(deduce_roots(imports, sm, locked_roots(project)))
    if any(isinstance(r, DepError) for r in direct):
        return []  # dep stays quiet here; the deduction error surfaces later
    return sorted(name for name in project.manifest.constraints if name not in direct)


def ineffectual_warning(names: list[str]) -> str:
    return ("Warning: the following project(s) have [[constraint]] stanzas in Gopkg.toml:\n\n"
            + "".join(f"  ✗  {n}\n" for n in names)
            + "\nHowever, these projects are not direct dependencies of the current project:\n"
            "they are not imported in any .go files, nor are they in the 'required' list in\n"
            "Gopkg.toml. Dep only applies [[constraint]] rules to direct dependencies, so\n"
            "these rules will have no effect.\n\n"
            "Either import/require packages from these projects so that they become direct\n"
            "dependencies, or convert each [[constraint]] to an [[override]] to enforce rules\n"
            "on these projects, if they happen to be transitive dependencies.\n\n")


def validate_params(imports: list[str], sm, known: frozenset[str] = frozenset()) -> None:
    """Every input import must belong to a deducible project (dep's ValidateParams)."""
    from dep.pkgtree import is_standard_import_path

    paths = [ip for ip in imports if not is_standard_import_path(ip)]
    failed = [(p, r) for p, r in zip(paths, deduce_roots(paths, sm, known)) if isinstance(r, DepError)]
    if failed:
        details = ("The following errors occurred while deducing packages:\n"
                   + "".join(f'  * "{p}": {e}\n' for p, e in failed) + "\n")
        raise ReportedError("validateParams: could not deduce external imports' project roots", details)


# -- solving ------------------------------------------------------------------------------

def solve(project: Project, sm, *, lock: Lock | None, manifest=None, change_all: bool = False,
          to_change=(), trace=None) -> Lock:
    """Solve and turn the solution into a lock (dep's LockFromSolution)."""
    from dep.solver import SolveParameters
    from dep.solver import solve as run_solver
    from dep.solver.failures import BadOptsFailure, SolveError

    manifest = manifest or project.manifest
    params = SolveParameters(project.import_root, project.package_tree(), manifest, lock,
                             change_all=change_all, to_change=to_change)
    try:
        solution = run_solver(params, sm, trace)
    except BadOptsFailure as e:
        raise SolveFailure(f"prepare solver: {e}", e) from None
    except (SolveError, DepError) as e:  # dep wraps whatever Solve returns, source errors too
        raise_cache_write_failure(sm)
        listing = sm.proxy_notes()[0] if hasattr(sm, "proxy_notes") else []
        raise SolveFailure(f"Solving failure: {e}" + "".join(f"\n({n})" for n in listing), e) from None
    raise_cache_write_failure(sm)
    prune = manifest.prune
    reused = {id(p) for p in (lock.projects if lock else [])}
    projects = [p if id(p) in reused else p.replace(prune_opts=prune.options_for(p.name))
                for p in solution.projects]
    return Lock(projects, solution.input_imports)


def raise_cache_write_failure(sm) -> None:
    """The solver took a failure to write the source cache for a failed version and went on
    (to a failure blaming the constraints, or to an older version): report the cache instead."""
    metadata = getattr(sm, "metadata", None)
    if metadata is not None and metadata.write_failure is not None:
        raise metadata.write_failure


class SolveFailure(DepError):
    """The solver's error, worded as dep prints it; ``cause`` keeps the typed failure."""

    def __init__(self, message: str, cause: DepError) -> None:
        super().__init__(message)
        self.cause = cause
        self.explanation = getattr(cause, "explanation", "")


def _behavior(no_vendor: bool) -> Vendor:
    return Vendor.NEVER if no_vendor else Vendor.ON_CHANGED


def _plan(project: Project, new_lock: Lock, no_vendor: bool) -> WritePlan:
    m = project.manifest
    return plan(project.abs_root, project.lock, new_lock, _behavior(no_vendor), m.prune, m.noverify)


# -- the modes ------------------------------------------------------------------------------

def ensure_default(project: Project, sm, *, no_vendor: bool = False, trace=None,
                   notes=None) -> WritePlan | None:
    """Solve only if the lock no longer satisfies the inputs; None means nothing to do."""
    from dep.insync import lock_satisfies_inputs

    imports = input_imports(project)
    validate_params(imports, sm, locked_roots(project))
    lock = changed_lock(project)
    if lock is not None:
        sat = lock_satisfies_inputs(project.lock, project.manifest, imports)
        if sat.satisfied:
            if no_vendor:
                return None
        else:
            if notes is not None:
                notes("# Gopkg.lock is out of sync with Gopkg.toml and project imports:\n"
                      + "\n".join(sat.lines()) + "\n\n")
            lock = solve(project, sm, lock=lock, trace=trace)
    else:
        lock = solve(project, sm, lock=None, trace=trace)
    return _plan(project, lock, no_vendor)


def ensure_update(project: Project, sm, args: list[str], *, no_vendor: bool = False,
                  trace=None) -> WritePlan:
    from dep.spec import project_constraint

    if project.lock is None:
        raise DepError("-update works by updating the versions recorded in Gopkg.lock, but Gopkg.lock does not exist")
    validate_params(input_imports(project), sm)
    locked = {p.name for p in project.lock.projects}

    def one(arg: str) -> str | None:
        try:
            pid, constraint, path = project_constraint(arg, sm)
        except DepError as e:
            return str(e)
        if path != pid.root:
            return f"{path} is not a project root, try {pid.root} instead"
        if pid.root not in locked:
            return f"{pid.root} is not present in Gopkg.lock, cannot -update it"
        if pid.source:
            return f"cannot specify alternate sources on -update ({pid.source})"
        if constraint is not ANY:
            return (f"version constraint {constraint} passed for {pid.root}, but -update follows "
                    "constraints declared in Gopkg.toml, not CLI arguments")
        return None

    problems = [p for p in sm.run_parallel(args, one) if p is not None]
    if problems:
        raise ReportedError("update arguments validation failed",
                            _block("Invalid arguments passed to ensure -update:", problems))
    lock = solve(project, sm, lock=changed_lock(project), change_all=not args, to_change=args, trace=trace)
    return _plan(project, lock, no_vendor)


class AddResult:
    """The write plan, the Gopkg.toml text to write with it, and the note for stdout."""

    def __init__(self, plan: WritePlan, manifest_text: str, note: str) -> None:
        self.plan = plan
        self.manifest_text = manifest_text
        self.note = note


class _Instruction:
    __slots__ = ("pid", "constraint", "temporary", "in_manifest", "adds_rule")

    def __init__(self, pid, constraint) -> None:
        self.pid = pid
        self.constraint = constraint
        self.temporary: set[str] = set()
        self.in_manifest = False
        self.adds_rule = False  # the arg's rule (or lack of one) goes into the solve's manifest


def ensure_add(project: Project, sm, args: list[str], *, no_vendor: bool = False, trace=None,
               notes=None, verbose: bool = False) -> AddResult:
    """Add projects/packages: solve with them temporarily required, then append
    ``[[constraint]]`` rules for the new roots to Gopkg.toml (in the same transaction).

    ``notes(stream, text)`` gets dep's progress texts for "out" and "err"."""
    from dep.manifest import Manifest, ProjectProperties, append_constraints_text, properties_from_version
    from dep.spec import project_constraint

    if not args:
        raise DepError("must specify at least one project or package to -add")
    imports = input_imports(project)
    validate_params(imports, sm)
    imported = set(imports)
    manifest = project.manifest

    def resolve(arg: str):
        try:
            pid, constraint, path = project_constraint(arg, sm)
        except DepError as e:
            return e
        if pid.root.lower() == project.import_root.lower():
            return DepError("cannot add current project to itself")
        if manifest.has_constraints_on(pid.root) and pid.root in imported:
            return DepError(f"nothing to -add, {pid.root} is already in Gopkg.toml and the project's "
                            "direct imports or required list")
        try:
            sm.list_versions(pid)
        except DepError as e:
            return DepError(f"failed to fetch source for {pid.root}: {e}")
        return pid, constraint, path

    notes = notes or (lambda stream, text: None)
    notes("out", "Fetching sources...\n")
    if verbose:
        for i, arg in enumerate(args, 1):
            notes("err", f"({i}/{len(args)}) {arg}\n")
    resolved = sm.run_parallel(args, resolve)
    notes("err", "\n")
    problems: list[str] = []
    plans: dict[str, _Instruction] = {}
    for item in resolved:
        if isinstance(item, DepError):
            problems.append(str(item))
            continue
        pid, constraint, path = item
        some_rule = constraint is not ANY or bool(pid.source)
        instr = plans.get(pid.root)
        if instr is None:
            instr = _Instruction(pid, constraint)
        elif some_rule:
            if instr.constraint is not ANY or instr.pid.source:
                problems.append("can only specify rules once per project being added; rules were given "
                                f"at least twice for {pid.root}")
                continue
            instr.pid, instr.constraint = pid, constraint
        if manifest.has_constraints_on(pid.root):
            if some_rule:
                problems.append(f"Gopkg.toml already contains rules for {path}, cannot specify a version "
                                "constraint or alternate source")
                continue
            instr.temporary.add(path)
            instr.in_manifest = True
        elif pid.root in imported:
            if not some_rule:
                if path in imported:
                    problems.append(f"{path} is already imported or required, so -add is only valid with a constraint")
                    continue
                instr.temporary.add(path)
            else:
                if path not in imported and path != pid.root:
                    instr.temporary.add(path)
                instr.adds_rule = True
        else:
            instr.temporary.add(path)
            instr.adds_rule = True
        plans[pid.root] = instr
    if problems:
        raise ReportedError("adding dependencies failed", _block("Failed to add the dependencies:", problems))

    solve_manifest = Manifest(dict(manifest.constraints), manifest.overrides, manifest.ignored,
                              list(manifest.required), manifest.noverify, manifest.prune)
    for root, instr in plans.items():
        solve_manifest.required += sorted(instr.temporary)
        if instr.adds_rule:
            solve_manifest.constraints[root] = ProjectProperties(instr.pid.source, instr.constraint)
    lock = solve(project, sm, lock=changed_lock(project), manifest=solve_manifest, trace=trace)

    solved = {p.name: p for p in lock.projects}
    appended: dict[str, ProjectProperties] = {}
    for root, instr in plans.items():
        if instr.in_manifest:
            continue
        if root not in solved:  # dep panics here; the solver should never allow it
            raise DepError(f"the solution does not contain {root}, which was to be added")
        props = properties_from_version(solved[root].locked_version, instr.pid.source)
        if instr.constraint is not ANY:
            props = ProjectProperties(instr.pid.source, instr.constraint)
        appended[root] = props
    with open(project.manifest_path, encoding="utf-8", newline="") as f:
        manifest_text = f.read() + append_constraints_text(appended)
    temporary = sorted(p for instr in plans.values() for p in instr.temporary)
    return AddResult(_plan(project, lock, no_vendor), manifest_text, _add_note(temporary, no_vendor))


def _add_note(temporary: list[str], no_vendor: bool) -> str:
    from dep.gofmt import go_quote

    where = "Gopkg.lock" if no_vendor else "Gopkg.lock and vendor/"
    if not temporary:
        return ""
    if len(temporary) == 1:
        text = (f'{go_quote(temporary[0])} is not imported by your project, and has been temporarily added to {where}.\n'
                f'If you run "dep ensure" again before actually importing it, it will disappear from {where}.')
        if no_vendor:
            text += ' Running "dep ensure -vendor-only" is safe, and will guarantee it is present in vendor/.'
        return text
    text = (f"The following packages are not imported by your project, and have been temporarily added to {where}:\n"
            + "\t" + "\n\t".join(temporary) + "\n"
            + f'If you run "dep ensure" again before actually importing them, they will disappear from {where}.')
    if no_vendor:
        text += ' Running "dep ensure -vendor-only" is safe, and will guarantee they are present in vendor/.'
    return text


def vendor_only(project: Project) -> WritePlan:
    """Rewrite all of vendor/ from the lock as it is; the lock itself is never written."""
    if project.lock is None:
        raise DepError("no Gopkg.lock exists from which to populate vendor/")
    return full_plan(project.lock, project.lock, Vendor.ALWAYS, project.manifest.prune, project.abs_root)
