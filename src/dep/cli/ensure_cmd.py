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


def run(inv, opts, args) -> None:
    raise DepError("dep ensure is not implemented yet in this version")
