"""``dep why``: flags and output; the work is in ``dep.why``."""

from __future__ import annotations

from dep.errors import DepError

NAME = "why"
ARGS = "[-m] [-vendor] [-json] <package or project>..."
LONG = """
Why shows a shortest chain of imports from the root project's packages to each
listed package, as go mod why does, over the graph dep's solver sees: the root's
packages and their tests, Gopkg.toml's required packages, and the imports of
each locked project's packages at its locked revision (ignored packages and
dependencies' tests left out). With -m the arguments are projects (root paths
in Gopkg.lock), and the chain leads to whichever of their packages is nearest.

When nothing needs a package or project, the stanza says why: Gopkg.toml
ignores it (or a package on the way to it), only tests of a dependency lead to
it, or nothing imports it.

Dependencies' packages are read from the source cache; -vendor reads vendor/
instead. -json prints a list of {"Path", "Chain", "Needed", "Reason"}.
"""

EXAMPLES = """
dep why github.com/pkg/errors
    The shortest import chain from the project's packages to that package.

dep why -m github.com/sdboyer/constext
    The shortest chain to any package of that project.

dep why -vendor -json -m golang.org/x/sys
    The same from vendor/, as JSON.
"""


def register(flags) -> None:
    flags.bool("m", "the arguments are projects, not packages")
    flags.bool("vendor", "read dependencies' packages from vendor/, not the source cache")
    flags.bool("json", "print the answers as a JSON list")
    flags.bool("examples", "print detailed usage examples")


def run(inv, opts, args) -> None:
    if opts["examples"]:
        inv.err.write(EXAMPLES.strip() + "\n")
        return
    if not args:
        raise DepError("dep why needs at least one package (or, with -m, project)")
    from dep import why
    from dep.cli.common import load, recover, source_manager

    recover(inv)
    project = load(inv)
    with source_manager(inv, project, progress=False) as sm:
        answers = why.why(project, args, modules=opts["m"], vendor=opts["vendor"], sm=sm)
    if opts["json"]:
        import json

        inv.out.write(json.dumps([a.to_json() for a in answers], indent=2) + "\n")
        return
    inv.out.write(why.render(answers, opts["vendor"]))
