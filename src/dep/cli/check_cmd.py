"""``dep check``: report whether Gopkg.lock and vendor/ are in sync; never touches the network."""

from __future__ import annotations

from dep.errors import SilentError

NAME = "check"
ARGS = "[-q] [-skip-lock] [-skip-vendor]"
LONG = """
Check reports whether the project is in a consistent state, and exits 1 if it is not.

By default it verifies two things: that Gopkg.lock matches Gopkg.toml and the imports of
the project's .go files, and that vendor/ matches Gopkg.lock (each vendored project's
tree hashes to the digest recorded in the lock). -skip-lock and -skip-vendor turn either
check off; -q prints nothing and only sets the exit status.

Projects named in Gopkg.toml's "noverify" list may differ from their digest (for workflows
that patch vendor/); they are reported, but do not make check fail.
"""


def register(flags) -> None:
    flags.bool("q", "Suppress non-error output")
    flags.bool("skip-lock", "Skip checking that imports and Gopkg.toml are in sync with Gopkg.lock")
    flags.bool("skip-vendor", "Skip checking that vendor is in sync with Gopkg.lock")


def run(inv, opts, args) -> None:
    from dep.check import run_check
    from dep.cli.common import load, recover

    recover(inv)
    project = load(inv)
    report = run_check(project, skip_lock=opts["skip-lock"], skip_vendor=opts["skip-vendor"])
    for warning in project.package_warnings():
        inv.err.write(f"dep: WARNING: {warning}\n")
    if not opts["q"]:
        inv.out.write(report.text)
    if report.error is not None:
        raise report.error
    if report.failed:
        raise SilentError()
