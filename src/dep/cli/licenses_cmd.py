"""``dep licenses``: flags and output; the work is in ``dep.licenses``."""

from __future__ import annotations

from dep.errors import DepError

NAME = "licenses"
ARGS = "[-json] [-deny LIST]"
LONG = """
Licenses lists, for each project in Gopkg.lock, the licence files vendor/ holds
for it (in the project's root and in the directories down to its locked
packages, as go mod vendor keeps them: names starting LICENSE, LICENCE,
COPYING, COPYLEFT or UNLICENSE) and the SPDX identifier of each, found by
matching the text against the SPDX licence texts. A file no licence text
matches is flagged "unknown", a project without any licence file "missing".

-deny takes comma-separated SPDX identifiers or expressions (MIT, GPL-3.0-only,
"GPL-2.0-only OR GPL-3.0-only"); the word unknown also denies unknown and
missing licences. The exit code is 1 when a project has a denied licence.
"""

EXAMPLES = """
dep licenses
    One line per vendored licence file: project, file, SPDX identifier.

dep licenses -json
    The same as a JSON array, one object per project with its SPDX expression.

dep licenses -deny GPL-3.0-only,AGPL-3.0-only,unknown
    Exit 1, naming the projects, when any has one of those licences or an
    unknown or missing one (for CI policy checks).
"""


def register(flags) -> None:
    flags.bool("json", "print the report as JSON")
    flags.string("deny", "comma-separated SPDX licence ids (or unknown) that make the exit code 1")
    flags.bool("examples", "print detailed usage examples")


def render(projects) -> str:
    from dep.cli.tabwriter import align

    rows = ["PROJECT\tFILE\tLICENSE\n"]
    for pl in projects:
        if not pl.files:
            rows.append(f"{pl.name}\t-\tmissing\n")
        for f in pl.files:
            rows.append(f"{pl.name}\t{f.path[len(pl.name) + 1:]}\t{f.spdx_id or 'unknown'}\n")
    return align("".join(rows))


def to_json(projects) -> list:
    from dep.licenses import spdx_expression

    return [{"name": pl.name, "license": spdx_expression(pl), "status": pl.status,
             "files": [{"path": f.path, "spdx_id": f.spdx_id, "confidence": f.confidence} for f in pl.files]}
            for pl in projects]


def run(inv, opts, args) -> None:
    if opts["examples"]:
        inv.err.write(EXAMPLES.strip() + "\n")
        return
    if args:
        raise DepError("dep licenses takes no arguments")
    from dep import licenses
    from dep.cli.common import load

    deny = licenses.parse_deny(opts["deny"]) if opts["deny"] else set()
    projects = licenses.scan_vendor(load(inv))
    if opts["json"]:
        import json

        inv.out.write(json.dumps(to_json(projects), indent=2) + "\n")
    else:
        inv.out.write(render(projects))
    hits = licenses.denied(projects, deny)
    if hits:
        raise DepError("denied licences (-deny): " + "; ".join(f"{name} ({', '.join(ids)})" for name, ids in hits))
