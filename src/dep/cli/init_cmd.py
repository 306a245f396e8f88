"""``dep init``: set up Gopkg.toml, Gopkg.lock and vendor/ for a project (see dep.init)."""

from dep.errors import DepError

NAME = "init"
ARGS = "[root]"
LONG = """
Set up dep for the project in directory root (default: the current directory):
find its imports, solve, and write Gopkg.toml, Gopkg.lock and vendor/.

If the project has another tool's configuration (glide, godep, vndr, govend,
gb/gvt, govendor or glock), its versions are the starting point; -skip-tools
ignores it. With -gopath, the versions checked out in GOPATH are kept where
possible; otherwise the newest version allowed is chosen (semver tags first,
then the default branch, then other tags). Every direct dependency gets a
constraint in Gopkg.toml derived from the version chosen. A non-empty vendor/
is copied to _vendor-<timestamp> first.
"""


def register(flags) -> None:
    flags.bool("no-examples", "don't include example in Gopkg.toml")
    flags.bool("skip-tools", "skip importing configuration from other dependency managers")
    flags.bool("gopath", "search in GOPATH for dependencies")
    flags.bool("offline", "use only the cache: no network (also DEPOFFLINE=1)")


def run(inv, opts, args) -> None:
    if len(args) > 1:
        raise DepError(f"too many args ({len(args)})")
    from dep.cli.common import recover, source_manager
    from dep.init import establish_project, init_root, run_init
    from dep.project import Context

    ctx = Context.from_environ(inv.environ)
    project = establish_project(ctx, init_root(ctx, args[0] if args else None))
    recover(inv, project.abs_root)

    def line(stream):
        return lambda text: stream.write(text if text.endswith("\n") else text + "\n")

    with source_manager(inv, project, offline=opts["offline"]) as sm:
        try:
            run_init(project, sm, examples=not opts["no-examples"], skip_tools=opts["skip-tools"],
                     gopath=opts["gopath"], verbose=inv.verbose, note=line(inv.err), out=line(inv.out))
        finally:
            for warning in project.package_warnings():
                inv.err.write(f"dep: WARNING: {warning}\n")
