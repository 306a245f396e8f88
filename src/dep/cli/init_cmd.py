"""``dep init`` (not implemented yet: needs sources and the solver)."""

from dep.errors import DepError

NAME = "init"
ARGS = "[root]"
LONG = """
Set up dep for the project in directory root (default: the current directory):
find its imports, read any other tool's configuration it has, solve, and write
Gopkg.toml, Gopkg.lock and vendor/.
"""


def register(flags) -> None:
    flags.bool("no-examples", "don't include example in Gopkg.toml")
    flags.bool("skip-tools", "skip importing configuration from other dependency managers")
    flags.bool("gopath", "search in GOPATH for dependencies")


def run(inv, opts, args) -> None:
    if len(args) > 1:
        raise DepError(f"too many args ({len(args)})")
    raise DepError("dep init is not implemented yet in this version")
