"""``dep status``: report each locked dependency's constraint, version and newest allowed version."""

from __future__ import annotations

from dep.errors import DepError

NAME = "status"
ARGS = "[package...]"
LONG = """
With no arguments, print the status of each dependency of the project:

  PROJECT     Project root
  CONSTRAINT  The rule it is held to (Gopkg.toml, else its dependers')
  VERSION     Locked version, from Gopkg.lock
  REVISION    Locked revision
  LATEST      Newest version the constraint allows
  PKGS USED   How many of its packages the project uses

-f takes a Go template, run once per project with the fields ProjectRoot,
Constraint, Version, Revision, Latest and PackageCount (with -detail: once, on
the document -detail -json prints).

The exit code is 0 when every dependency's status could be determined and
Gopkg.lock is in sync with the imports and Gopkg.toml, else 1.
"""

EXAMPLES = """
dep status
    One row per locked project: constraint, version, revision, the newest
    version the constraint allows, and how many of its packages are used.

dep status -detail
    Adds the source and the list of used packages.

dep status -f='{{if eq .Constraint "branch master"}}{{.ProjectRoot}} {{end}}'
    A Go template run once per project, with the fields ProjectRoot,
    Constraint, Version, Revision, Latest and PackageCount. With -detail it runs
    once on the whole document (.Projects and .Metadata, as -detail -json shows).

dep status -json
    The table as a JSON array.

dep status -dot | dot -T png | display
    The dependency graph in GraphViz format.

dep status -old
    Locked projects Gopkg.toml constrains that a fresh solve would move.

dep status -lock
    Gopkg.lock as rebuilt from the status data.
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
    flags.bool("offline", "use only the cache: no network (also DEPOFFLINE=1)")


def _validate(opts) -> bool:
    """dep's flag checks; returns whether detail output is wanted (-lock implies it)."""
    modes = [f"-{m}" for m in ("old", "missing", "detail") if opts[m]]
    if opts["dot"]:
        if opts["f"]:
            raise DepError("cannot pass template string with -dot")
        if opts["json"]:
            raise DepError("cannot pass multiple output format flags")
        if modes:
            raise DepError("-dot generates dependency graph; cannot pass other flags")
    if opts["lock"] and opts["f"]:
        raise DepError("cannot pass template string with -lock")
    if len(modes) > 1:
        raise DepError(f"[{' '.join(modes)}]: cannot pass multiple operating mode flags")
    return opts["detail"] or opts["lock"]


def _output(opts, detail: bool):
    from dep.status import LOCK_TEMPLATE, Output, parse_template

    if opts["json"]:
        return Output("json", detail)
    if opts["dot"]:
        return Output("dot")
    if opts["f"]:
        return Output("template", detail, parse_template(opts["f"]))
    if opts["lock"]:
        return Output("template", True, parse_template(LOCK_TEMPLATE))
    return Output("table", detail)


def _print(stream, text: str) -> None:
    """As Go's log.Print: the text, ending with exactly one newline added if missing."""
    stream.write(text if text.endswith("\n") else text + "\n")


def run(inv, opts, args) -> None:
    if opts["examples"]:
        inv.err.write(EXAMPLES.strip() + "\n")
        return
    detail = _validate(opts)
    from dep import status
    from dep.cli.common import load, recover, source_manager
    from dep.ensure import validate_project_roots

    recover(inv)
    project = load(inv)
    log = (lambda line: inv.err.write(line + "\n")) if inv.verbose else (lambda line: None)
    with source_manager(inv, project, progress=not inv.verbose, offline=opts["offline"]) as sm:
        validate_project_roots(project, sm)
        if opts["missing"]:
            raise DepError("not implemented")
        out = _output(opts, detail)
        if project.lock is None:
            raise DepError(status.NO_LOCK)
        if opts["old"]:
            _old(inv, out, project, sm, log)
            return
        result = status.collect(project, sm, with_children=out.kind == "dot", log=log)
        if not inv.verbose:  # LATEST from a module proxy's listing: semver tags only (-v says more)
            for note in sm.proxy_notes()[0]:
                inv.err.write(f"({note})\n")
    _warn_packages(inv, project)
    if inv.verbose:
        for line in status.served_lines(result):
            log(line)
    text = status.render(out, project, result)
    if result.failed_update and not inv.verbose:
        inv.out.write(status.unknown_note(result.unknown) + "\n")
    if not result.in_sync:
        inv.err.write(status.OUT_OF_SYNC_NOTE + "\n")
    if opts["out"]:
        _write(opts["out"], text)
    else:
        _print(inv.out, text)
    if result.failed_update:
        raise DepError(status.FAILED_UPDATE)
    if not result.in_sync:
        raise DepError("input-digest mismatch")


def _old(inv, out, project, sm, log) -> None:
    """-old prints to stdout even with -out, and prints its (empty) output before an error."""
    from dep import status

    try:
        old = status.collect_old(project, sm, log=log, trace=log if inv.verbose else None)
    except DepError:
        _print(inv.out, "")
        raise
    _warn_packages(inv, project)
    _print(inv.out, status.render_old(out, old))


def _warn_packages(inv, project) -> None:
    for warning in project.package_warnings():
        inv.err.write(f"dep: WARNING: {warning}\n")


def _write(path: str, text: str) -> None:
    from dep.gofmt import go_path_error

    try:
        f = open(path, "wb")
    except OSError as e:
        raise DepError(f"error creating output file: {go_path_error('open', path, e)}") from None
    with f:
        f.write(text.encode("utf-8", "surrogateescape"))
