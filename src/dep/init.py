"""The ``dep init`` job: set up Gopkg.toml, Gopkg.lock and vendor/ for a project that has none.

In dep's order: find the root's direct dependencies; start from another tool's config (or,
with -skip-tools, fetch each dependency up front); optionally lock what GOPATH has checked out;
solve with those locks preferred (importing dependencies' tool configs along the way); give
every direct dependency without a rule one derived from its solved version; back up an
existing vendor/; write all three together. Messages are dep's; ``note`` receives stderr
lines and ``out`` stdout lines (Go-logger style: each call is one line), nothing is printed.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Callable

from dep.errors import DepError, ProjectError
from dep.feedback import DIRECT, TRANSITIVE, broken_import_lines, constraint_line, locked_line
from dep.lock import LOCK_NAME, Lock, LockedProject
from dep.manifest import MANIFEST_NAME, Manifest, properties_from_version, render_manifest
from dep.project import Context, Project, detect_gopath, import_for_abs
from dep.prune import PruneOptions

Log = Callable[[str], None]


class InitError(DepError):
    """dep init stopped; the project was left as it was."""


def init_root(ctx: Context, arg: str | None) -> str:
    """The directory to initialise: the working directory, or ``arg`` (created if missing)."""
    if arg is None:
        return ctx.working_dir
    root = os.path.normpath(os.path.join(ctx.working_dir, arg))
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as e:
        from dep.gofmt import go_path_error

        raise InitError(f"init failed: unable to create a directory at {root}: "
                        f"{go_path_error('mkdir', e.filename or root, e)}") from None
    return root


def establish_project(ctx: Context, root: str) -> Project:
    """The project to be created at ``root``: in a GOPATH, with no Gopkg.toml or Gopkg.lock yet.

    The import path always comes from the location in GOPATH (init ignores $DEPPROJECTROOT
    for it, as dep does)."""
    resolved = os.path.realpath(root)
    try:
        gopath = detect_gopath(ctx, root, resolved)
    except ProjectError as e:
        raise InitError(f"init failed: unable to detect the containing GOPATH: {e}") from None
    for name, what, prefix in ((MANIFEST_NAME, "manifest", "init"), (LOCK_NAME, "lock", "invalid")):
        path = os.path.join(root, name)
        if _is_regular(path, what):
            raise InitError(f"{prefix} aborted: {what} already exists at {path}")
    try:
        import_root = import_for_abs(gopath, root)
    except ProjectError as e:
        raise InitError(f"init failed: unable to determine the import path for the root project {root}: {e}") from None
    return Project(root, resolved, import_root, gopath, Manifest(), None)


def _is_regular(path: str, what: str) -> bool:
    """dep's fs.IsRegular: a missing file is fine, anything but a regular file is an error."""
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as e:
        from dep.gofmt import go_path_error

        raise InitError(f"init failed: unable to check for an existing {what} at {path}: "
                        f"{go_path_error('stat', path, e)}") from None
    if not stat.S_ISREG(st.st_mode):
        from dep.gofmt import go_quote

        raise InitError(f"init failed: unable to check for an existing {what} at {path}: "
                        f"{go_quote(path)} is a {stat.filemode(st.st_mode)}, expected a file")
    return True


def run_init(project: Project, sm, *, examples: bool, skip_tools: bool, gopath: bool, verbose: bool,
             note: Log, out: Log) -> None:
    """Everything after the project is established (``sm``: the run's SourceManager)."""
    from dep.ensure import raise_cache_write_failure
    from dep.importers import AnalyzingBridge, import_tool_config
    from dep.importers.base import DirFiles

    if verbose:
        out("Getting direct dependencies...")
    direct = _direct_dependencies(project, sm)
    if verbose:
        out(f"Checked {len(project.package_tree().packages)} directories for packages.\n"
            f"Found {len(direct)} direct dependencies.")

    if skip_tools:
        manifest, lock = Manifest(), None
        _cache_dependencies(sm, direct, note)
    else:
        manifest, lock = import_tool_config(DirFiles(project.abs_root), project.import_root, sm, direct,
                                            note, note, verbose)
    lock = lock or Lock()
    manifest.prune.default = PruneOptions.NESTED_VENDOR | PruneOptions.GO_TESTS | PruneOptions.UNUSED_PACKAGES
    if gopath:
        from dep.gopath_scan import scan_gopath

        try:
            scan_gopath(manifest, lock, direct, project.gopath, sm, note)
        except DepError as e:
            raise InitError(f"init failed: unable to scan the GOPATH for dependencies: {e}") from None
    imported = list(lock.projects)
    project.manifest = manifest

    _validate(project, sm)
    lock = _solve(project, lock, AnalyzingBridge(sm, direct, note, verbose), note if verbose else None)
    raise_cache_write_failure(sm)  # the solve may have fallen back to versions it could cache
    _finalize(manifest, lock, imported, direct, note)

    backup = backup_vendor(project.vendor_dir, time.strftime("%Y%m%d%H%M%S"))
    if backup:
        note(f"Old vendor backed up to {backup}")
    _write(project, manifest, lock, sm, examples, note if verbose else None)


def _direct_dependencies(project: Project, sm) -> set[str]:
    """The projects the root's packages import. Computed, as in dep, before any imported
    config could add ignores or requirements; the package tree is kept that way too."""
    from dep.check import input_imports

    try:
        return {sm.deduce_project_root(path) for path in input_imports(project)}
    except DepError as e:
        raise InitError(f"init failed: unable to determine direct dependencies: {e}") from None


def _cache_dependencies(sm, direct: set[str], note: Log) -> None:
    """-skip-tools: fetch every direct dependency before solving, so the wait is announced."""
    from dep.bridge import ProjectIdentifier
    from dep.gofmt import go_quote

    for root in sorted(direct):
        note(f"Caching package {go_quote(root)}")

    def sync(root: str) -> None:
        try:
            sm.sync_source(ProjectIdentifier(root))
        except DepError as e:
            note(f"Unable to cache {root} - {e}")
            raise InitError("init failed: unable to prepare an initial manifest and lock for the solver: "
                            f"{e}") from None

    sm.run_parallel(sorted(direct), sync)
    note("Successfully cached all deps.")


def _validate(project: Project, sm) -> None:
    """Every import and required package must be deducible (dep's ValidateParams)."""
    from dep.check import input_imports
    from dep.ensure import ReportedError, validate_params

    try:
        validate_params(input_imports(project), sm)
    except ReportedError as e:
        raise ReportedError(f"init failed: validation of solve parameters failed: {e}", e.details) from None


def _solve(project: Project, lock: Lock, bridge, trace: Log | None) -> Lock:
    """Solve with the imported/GOPATH lock as the root lock, and turn the solution into the
    lock to write (prune options from the manifest)."""
    from dep.solver import SolveParameters, solve
    from dep.solver.failures import BadOptsFailure

    manifest = project.manifest
    params = SolveParameters(project.import_root, project.package_tree(), manifest, lock)
    try:
        solution = solve(params, bridge, trace)
    except BadOptsFailure as e:
        raise InitError(f"init failed: validation of solve parameters failed: validateParams: {e}") from None
    except DepError as e:
        sm = getattr(bridge, "sm", None)  # a module proxy's listing lacks branches: say so
        listing = sm.proxy_notes()[0] if hasattr(sm, "proxy_notes") else []
        failure = InitError(f"init failed: unable to solve the dependency graph: Solving failure: {e}"
                            + "".join(f"\n({n})" for n in listing))
        failure.explanation = getattr(e, "explanation", "")  # printed after dep's text
        raise failure from None
    # Imported entries the solve kept carry no prune options yet: every entry gets the manifest's.
    projects = [p.replace(prune_opts=manifest.prune.options_for(p.name)) for p in solution.projects]
    return Lock(projects, solution.input_imports)


def _finalize(manifest: Manifest, lock: Lock, imported: list[LockedProject], direct: set[str], note: Log) -> None:
    """Give each direct dependency without a rule one from its solved version, and say what
    was locked and which imported locks could not be kept."""
    for line in broken_import_lines(imported, lock.projects):
        note(line)
    before = {p.name for p in imported}
    for p in lock.projects:
        version = p.locked_version
        if p.name in direct:
            if p.name in manifest.constraints:
                continue
            pp = properties_from_version(version)
            if pp.constraint is not None:
                manifest.constraints[p.name] = pp
                note(constraint_line(pp.constraint, DIRECT, p.name))
            line = locked_line(version, DIRECT, p.name)
        elif p.name not in before:
            line = locked_line(version, TRANSITIVE, p.name)
        else:
            continue
        if line is not None:
            note(line)


def backup_vendor(vendor: str, suffix: str) -> str:
    """Copy a non-empty vendor/ to ``_vendor-<suffix>`` beside it; returns that path or ""."""
    try:
        if not os.path.isdir(vendor) or not os.listdir(vendor):
            return ""
    except OSError:
        return ""
    backup = os.path.join(os.path.dirname(vendor), "_" + os.path.basename(vendor) + "-" + suffix)
    prefix = ("init failed: first backup vendor/, delete it, and then retry the previous command: "
              "failed to backup existing vendor directory: ")
    if os.path.lexists(backup):
        raise InitError(prefix + "failed to create vendor backup. File with same name exists")
    try:
        shutil.copytree(vendor, backup, symlinks=True)
    except (OSError, shutil.Error) as e:
        raise InitError(prefix + str(e)) from None
    return backup


def _write(project: Project, manifest: Manifest, lock: Lock, sm, examples: bool, log: Log | None) -> None:
    """Gopkg.toml, Gopkg.lock (with the digests of the new vendor/) and vendor/, together."""
    from dep.writer import Vendor, full_plan

    plan = full_plan(None, lock, Vendor.ALWAYS, manifest.prune, project.abs_root)
    try:
        plan.execute(project.abs_root, sm, log, manifest_text=render_manifest(manifest, examples=examples))
    except DepError as e:
        raise InitError(f"init failed: unable to write the manifest, lock and vendor directory to disk: {e}") from None
