"""``dep ensure`` (not implemented yet: needs sources and the solver)."""

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
    from dep.cli.common import load, source_manager

    project = load(inv)
    if opts["vendor-only"]:
        if args:
            raise DepError("dep ensure -vendor-only only populates vendor/ from Gopkg.lock; it takes no spec arguments")
        from dep.ensure import vendor_only

        log = (lambda line: inv.err.write(line + "\n")) if inv.verbose else None
        with source_manager(inv, project) as sm:
            inv.out.write(vendor_only(project, sm, dry_run=opts["dry-run"], verbose=inv.verbose, log=log))
        return
    if args and not (opts["add"] or opts["update"]):
        raise DepError("dep ensure only takes spec arguments with -add or -update")
    raise DepError("dep ensure is only implemented with -vendor-only in this version")
