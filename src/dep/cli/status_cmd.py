"""``dep status`` (not implemented yet: needs sources)."""

from dep.errors import DepError

NAME = "status"
ARGS = "[package...]"
LONG = """
With no arguments, print the status of each dependency of the project: its
constraint, locked version and revision, the latest allowed version, and how many
of its packages are used.
"""


def register(flags) -> None:
    flags.bool("json", "output in JSON format")
    flags.string("f", "output in text/template format")
    flags.bool("lock", "output in the lock file format (assumes -detail)")
    flags.bool("dot", "output the dependency graph in GraphViz format")
    flags.bool("old", "only show out-of-date dependencies")
    flags.bool("missing", "only show missing dependencies")
    flags.bool("examples", "print detailed usage examples")
    flags.bool("detail", "include more detail in the chosen format")
    flags.string("out", "path to a file to which to write the output. Blank value will be ignored")


def run(inv, opts, args) -> None:
    raise DepError("dep status is not implemented yet in this version")
