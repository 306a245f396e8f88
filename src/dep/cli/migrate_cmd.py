"""``dep migrate``: flags and output; the work is in ``dep.migrate``."""

from __future__ import annotations

from dep.errors import DepError

NAME = "migrate"
ARGS = "[-vendor=false] [-module PATH] [-go VERSION] [-dry-run] [-json] [-v]"
LONG = """
Migrate turns the project's Gopkg.lock into go.mod and go.sum: each locked project
becomes a module at exactly its locked revision (a tag's version, or the
pseudo-version the go command gives the commit), a source becomes a replace
directive, and go.sum gets every module's hashes, computed from dep's source
cache without the network. Gopkg.toml and Gopkg.lock are left in place.

It reports each project's dep version and module version, and everything that
does not carry over (constraints, ignored packages, prune options, versions the
module graph raises, imports to rewrite).

It also replaces dep's vendor/ with the one go mod vendor would write for that
go.mod (vendor/modules.txt included), so go build -mod=vendor works offline;
-vendor=false leaves vendor/ alone and writes go.mod and go.sum only.
"""

EXAMPLES = """
dep migrate
    Write go.mod, go.sum and vendor/ from Gopkg.lock, and report what does not
    carry over.

dep migrate -vendor=false
    Write go.mod and go.sum only; dep's vendor/ stays.

dep migrate -vendor=false -dry-run -module example.com/app -go 1.21
    Print the go.mod and go.sum that would be written, for another module path
    and go line.
"""


def register(flags) -> None:
    flags.string("module", "the module path (default: the project's import path)")
    flags.string("go", "the go directive of go.mod", "1.17")
    flags.bool("vendor", "also replace vendor/ with go mod vendor's layout (vendor/modules.txt)", True)
    flags.bool("dry-run", "print what would be written, write nothing")
    flags.bool("json", "print the report as JSON")
    flags.bool("examples", "print detailed usage examples")


NEXT_STEPS = """
Wrote {written}. Next steps:
  go mod verify              # the hashes match the modules the go command downloads
  go build -mod=mod ./...    # vendor/ is still dep's: build from the module cache
  go mod tidy                # should change nothing
Then remove Gopkg.toml, Gopkg.lock and dep's vendor/ (or run go mod vendor) and commit.
"""

NEXT_STEPS_VENDOR = """
Wrote {written} (dep's vendor/ replaced). Next steps:
  go mod verify              # the hashes match the modules the go command downloads
  go build -mod=vendor ./... # builds from vendor/, no network
  go mod tidy                # should change nothing
  go mod vendor              # should change nothing
Then remove Gopkg.toml and Gopkg.lock and commit.
"""

NEXT_STEPS_NOTHING_VENDORED = """
Wrote {written}; nothing to vendor, so vendor/ is gone, as go mod vendor leaves it. Next steps:
  go mod verify              # the hashes match the modules the go command downloads
  go build ./...             # no dependencies to download
  go mod tidy                # should change nothing
Then remove Gopkg.toml and Gopkg.lock and commit.
"""


def run(inv, opts, args) -> None:
    if opts["examples"]:
        inv.err.write(EXAMPLES.strip() + "\n")
        return
    if args:
        raise DepError("dep migrate takes no arguments")
    import json

    from dep import migrate
    from dep.cli.common import load, recover, source_manager

    recover(inv)
    project = load(inv)
    with source_manager(inv, project) as sm:
        result = migrate.migrate(project, sm, module_path=opts["module"], go_version=opts["go"] or migrate.DEFAULT_GO,
                                 vendor=opts["vendor"])
    if opts["json"]:
        doc = result.to_json()
        doc["written"] = not opts["dry-run"]
        if not opts["dry-run"]:
            migrate.write(project, result)
        inv.out.write(json.dumps(doc, indent=2) + "\n")
        return
    inv.out.write(result.report(inv.verbose))
    if opts["dry-run"]:
        for name, data in result.written().items():
            inv.out.write(f"\nWould write {name}:\n\n" + data.decode())
        if result.vendor is not None and result.vendor.packages:
            inv.out.write(f"\nWould replace vendor/ ({len(result.vendor.files)} files), with vendor/modules.txt:\n\n"
                          + result.vendor.modules_txt.decode())
        return
    migrate.write(project, result)
    vendored = result.vendor is not None and bool(result.vendor.packages)
    written = [*result.written(), *["vendor/"] * vendored]
    if vendored:
        steps = NEXT_STEPS_VENDOR
    else:
        steps = NEXT_STEPS if result.vendor is None else NEXT_STEPS_NOTHING_VENDORED
    text = written[0] if len(written) == 1 else ", ".join(written[:-1]) + " and " + written[-1]
    inv.out.write(steps.format(written=text))
