"""``dep ensure``: flags and output; the work is in ``dep.ensure`` and ``dep.writer``."""

from dep.errors import DepError

NAME = "ensure"
ARGS = "[-update | -add] [-no-vendor | -vendor-only] [-dry-run] [-v] [<spec>...]"
LONG = """
Project spec:

  <import path>[:alt source URL][@<constraint>]

Ensure gets a project into a complete, reproducible, and likely compilable state:
it solves the dependency graph, records the result in Gopkg.lock, and populates
vendor/ from it.
"""


def register(flags) -> None:
    flags.bool("examples", "print detailed usage examples")
    flags.bool("update", "update the named dependencies (or all, if none are named) in Gopkg.lock to the latest allowed by Gopkg.toml")
    flags.bool("add", "add new dependencies, or populate Gopkg.toml with constraints for existing dependencies")
    flags.bool("vendor-only", "populate vendor/ from Gopkg.lock without updating it first")
    flags.bool("no-vendor", "update Gopkg.lock (if needed), but do not update vendor/")
    flags.bool("dry-run", "only report the changes that would be made")
    flags.bool("offline", "use only the cache: no network (also DEPOFFLINE=1)")


EXAMPLES = """
dep ensure
    Solve the dependency graph if Gopkg.lock is out of date, then bring vendor/
    in line with Gopkg.lock.

dep ensure -vendor-only
    Populate vendor/ from Gopkg.lock as it is, without solving (CI-friendly).

dep ensure -add github.com/pkg/foo@^1.0.0
    Add a dependency with a constraint to Gopkg.toml, Gopkg.lock and vendor/.

dep ensure -update github.com/pkg/foo
    Move one dependency to the newest version Gopkg.toml allows.
"""


def _validate(opts) -> None:
    if opts["add"] and opts["update"]:
        raise DepError("cannot pass both -add and -update")
    if opts["vendor-only"]:
        if opts["update"]:
            raise DepError("-vendor-only makes -update a no-op; cannot pass them together")
        if opts["add"]:
            raise DepError("-vendor-only makes -add a no-op; cannot pass them together")
        if opts["no-vendor"]:
            raise DepError("really?")


def run(inv, opts, args) -> None:
    if opts["examples"]:
        inv.err.write(EXAMPLES.strip() + "\n")
        return
    _validate(opts)
    from dep import ensure
    from dep.cli.common import load, recover, source_manager

    recover(inv)
    project = load(inv)
    dry_run, no_vendor = opts["dry-run"], opts["no-vendor"]
    log = (lambda line: inv.err.write(line + "\n")) if inv.verbose else None
    with source_manager(inv, project, offline=opts["offline"]) as sm:
        ensure.validate_project_roots(project, sm)
        if opts["vendor-only"]:
            if args:
                raise DepError("dep ensure -vendor-only only populates vendor/ from Gopkg.lock; it takes no spec arguments")
            _write(inv, ensure.vendor_only(project), project, sm, dry_run, log)
            return
        warning = ensure.check_root_packages(project)
        if warning and inv.verbose:
            inv.out.write(warning + "\n")
        ineffectual = ensure.ineffectual_constraints(project, sm, ensure.input_imports(project))
        if ineffectual:
            inv.err.write(ensure.ineffectual_warning(ineffectual))
        if opts["add"]:
            def notes(stream: str, text: str) -> None:
                (inv.out if stream == "out" else inv.err).write(text)

            result = ensure.ensure_add(project, sm, args, no_vendor=no_vendor, trace=log, notes=notes,
                                       verbose=inv.verbose)
            if _write(inv, result.plan, project, sm, dry_run, log, manifest_text=result.manifest_text):
                if result.note:
                    inv.out.write(result.note + "\n")
            return
        if opts["update"]:
            plan = ensure.ensure_update(project, sm, args, no_vendor=no_vendor, trace=log)
        else:
            if args:
                raise DepError("dep ensure only takes spec arguments with -add or -update")
            notes = (lambda text: inv.out.write(text)) if inv.verbose else None
            plan = ensure.ensure_default(project, sm, no_vendor=no_vendor, trace=log, notes=notes)
            if plan is None:
                return
        _write(inv, plan, project, sm, dry_run, log)


def _write(inv, plan, project, sm, dry_run: bool, log, manifest_text: str | None = None) -> bool:
    """Describe (-dry-run) or carry out the plan; True when it was carried out."""
    if dry_run:
        inv.out.write(plan.describe(inv.verbose))
        return False
    plan.execute(project.abs_root, sm, log, manifest_text=manifest_text)
    return True
