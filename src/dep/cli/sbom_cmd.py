"""``dep sbom``: flags and output; the work is in ``dep.sbom``."""

from __future__ import annotations

from dep.errors import DepError

NAME = "sbom"
ARGS = "[-format cyclonedx-json|spdx-json] [-o FILE]"
LONG = """
Sbom prints a software bill of materials for the project: the project itself and
every project in Gopkg.lock as the Go module it is at its locked revision
(purl pkg:golang/<module>@<version>, with vcs_url when the lock has a source),
its revision, version or branch and digest from Gopkg.lock, the licences found
in vendor/ (NOASSERTION without vendor/), and which project's packages import
which other project's packages.

-format cyclonedx-json writes CycloneDX 1.6, spdx-json writes SPDX 2.3. Output is
reproducible: set SOURCE_DATE_EPOCH for the timestamp, and the serial number
follows from Gopkg.lock's bytes and that time.
"""


def register(flags) -> None:
    flags.string("format", "cyclonedx-json or spdx-json", "cyclonedx-json")
    flags.string("o", "write the SBOM to FILE (atomically) instead of standard output")


def run(inv, opts, args) -> None:
    if args:
        raise DepError("dep sbom takes no arguments")
    from dep import sbom
    from dep.cli.common import load, source_manager

    sbom.check_format(opts["format"])
    project = load(inv)
    with source_manager(inv, project) as sm:
        data = sbom.render(sbom.inventory(project, sm, inv.environ), opts["format"])
    if opts["o"]:
        sbom.write_atomic(opts["o"], data)
    else:
        inv.out.write(data.decode())
