"""Entry point: dispatches ``dep <command>`` the way dep v0.5.4 does.

Command modules are imported only when run, so ``dep version`` and ``dep check`` pay for
nothing they do not use.
"""

from __future__ import annotations

import io
import os
import sys

from dep.cli.flags import FlagError, FlagSet
from dep.cli.tabwriter import align
from dep.errors import DepError, SilentError

# name -> short help; the order is the order of `dep help`. prune is hidden, as in dep.
COMMANDS = {
    "init": "Set up a new Go project, or migrate an existing one",
    "status": "Report the status of the project's dependencies",
    "ensure": "Ensure a dependency is safely vendored in the project",
    "version": "Show the dep version information",
    "check": "Check if imports, Gopkg.toml, and Gopkg.lock are in sync",
    "migrate": "Write go.mod and go.sum from Gopkg.lock (Go modules)",
    "why": "Show why a package or project is needed (the shortest import chain)",
    "sbom": "Print a software bill of materials (CycloneDX or SPDX JSON)",
    "licenses": "List the licences of the vendored projects (SPDX identifiers)",
    "audit": "Report known vulnerabilities of the locked projects (OSV records)",
}
EXAMPLES = [
    ("dep init", "set up a new project"),
    ("dep ensure", "install the project's dependencies"),
    ("dep ensure -update", "update the locked versions of all dependencies"),
    ("dep ensure -add github.com/pkg/errors", "add a dependency to the project"),
]


class Invocation:
    """What a command gets besides its flags: streams, environment, verbosity."""

    __slots__ = ("out", "err", "environ", "verbose")

    def __init__(self, out: io.TextIOBase, err: io.TextIOBase, environ: dict, verbose: bool = False) -> None:
        self.out = out
        self.err = err
        self.environ = environ
        self.verbose = verbose


def top_usage() -> str:
    commands = align("".join(f"\t{n}\t{h}\n" for n, h in COMMANDS.items()))
    examples = align("".join(f"\t{c}\t{h}\n" for c, h in EXAMPLES))
    return ("Dep is a tool for managing dependencies for Go projects\n\n"
            'Usage: "dep [command]"\n\nCommands:\n\n' + commands + "\nExamples:\n" + examples
            + '\nUse "dep help [command]" for more information about a command.\n')


def command_usage(module, flags: FlagSet) -> str:
    text = f"Usage: dep {module.NAME} {module.ARGS}\n\n{module.LONG.strip()}\n\n"
    block = flags.usage_block()
    if block:
        text += f"Flags:\n\n{block}\n"
    return text


def _global_flags() -> FlagSet:
    """dep's profiling flags, accepted before the command word and otherwise ignored."""
    fs = FlagSet()
    for name in ("cpuprofile", "memprofile", "mutexprofile"):
        fs.string(name, "profile output file")
    fs.int("memprofilerate", "memory profile rate")
    fs.int("mutexprofilefraction", "mutex profile fraction")
    return fs


def _is_help(word: str) -> bool:
    return "help" in word.lower() or word.lower() == "-h"


def main(argv: list[str] | None = None, out: io.TextIOBase | None = None, err: io.TextIOBase | None = None,
         environ: dict | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        _, rest = _global_flags().parse(argv)
    except FlagError as e:
        if str(e):
            err.write(f"{e}\n")
        err.write(top_usage())
        return 0 if not str(e) else 2
    if not rest or (len(rest) == 1 and _is_help(rest[0])):
        err.write(top_usage())
        return 1
    show_help = len(rest) > 1 and _is_help(rest[0])
    name = rest[1] if show_help else rest[0]
    if show_help and name == "documentation":
        from dep.cli.documentation import write_documentation

        write_documentation(out)
        return 0
    if name not in COMMANDS and name != "prune":
        err.write(f"dep: {name}: no such command\n")
        err.write(top_usage())
        return 1
    module = load_command(name)
    flags = FlagSet()
    if name != "check":
        flags.bool("v", "enable verbose logging")
    module.register(flags)
    if show_help:
        err.write(command_usage(module, flags))
        return 1
    try:
        opts, args = flags.parse(rest[1:])
    except FlagError as e:
        if str(e):
            err.write(f"{e}\n")
        err.write(command_usage(module, flags))
        return 1
    inv = Invocation(out, err, dict(os.environ) if environ is None else environ, bool(opts.get("v")))
    sys.unraisablehook = _quiet_write_refusals
    try:
        module.run(inv, opts, args)
    except SilentError:
        return 1
    except DepError as e:
        err.write(getattr(e, "details", ""))
        err.write(f"{e}\n")
        explanation = getattr(e, "explanation", "")
        if explanation:  # after dep's own text, so scripts matching it still do
            err.write(f"\n{explanation}\n")
        return 1
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 1
    return 0


def _quiet_write_refusals(unraisable) -> None:
    """dulwich's lock files flush again when collected; on a full disk that fails again, after
    the failure was reported (dep.sources.cache.CacheWriteError): no traceback for it."""
    from dep.sources.cache import refuses_writes

    if not refuses_writes(unraisable.exc_value):
        sys.__unraisablehook__(unraisable)


def load_command(name: str):
    module = f"dep.cli.{name}_cmd"
    __import__(module)  # importlib.import_module would import importlib and warnings first
    return sys.modules[module]
