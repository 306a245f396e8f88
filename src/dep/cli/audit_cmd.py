"""``dep audit``: flags and output; the work is in ``dep.audit``."""

from __future__ import annotations

from dep.errors import DepError, SilentError

NAME = "audit"
ARGS = "[-db DIR|ZIP|URL] [-json]"
DEFAULT_DB = "https://api.osv.dev"
LONG = """
Audit matches each project in Gopkg.lock, as the Go module and version it is at its
locked revision (the ones dep migrate writes: a tag, +incompatible, or a
pseudo-version), against OSV vulnerability records in the Go vulnerability
database's format, and reports each record that applies: its ID, aliases, summary,
the affected packages, the fixed version, and whether the project imports an
affected package (from its own packages, tests and required packages, through its
dependencies' packages).

-db is a directory of OSV JSON files (golang/vuln's layout with index/modules.json
is read through its index), a .zip of them, or an OSV API base URL (default
https://api.osv.dev). Audit exits 1 when an imported package is affected; findings
in packages nothing imports are reported but do not fail it.
"""


def register(flags) -> None:
    flags.string("db", "OSV records: a directory or .zip of OSV JSON files, or an OSV API base URL", DEFAULT_DB)
    flags.bool("json", "print the report as JSON")


def run(inv, opts, args) -> None:
    if args:
        raise DepError("dep audit takes no arguments")
    import json

    from dep import audit
    from dep.cli.common import load, source_manager

    project = load(inv)
    with source_manager(inv, project) as sm:
        result = audit.audit(project, sm, opts["db"] or DEFAULT_DB)
    if opts["json"]:
        inv.out.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        inv.out.write(result.report())
    if result.failed:
        raise SilentError()
