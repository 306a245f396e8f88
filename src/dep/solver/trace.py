"""The ``-v`` trace of a solve, in the layout of gps's trace lines (``(1)  ? attempt a with 1 pkgs``).

The number in parentheses is the depth of the search (how many projects are selected);
``?`` starts looking at a project, ``✓`` selects, ``✗`` rejects a version with the reason,
``←`` backtracks. The core hands each finished line to the sink it was given and never prints.
"""

from __future__ import annotations

from typing import Callable

from dep.errors import DepError
from dep.pkgtree import go_quote
from dep.solver.failures import SolveError
from dep.solver.model import AtomWithPackages, ident_str

SUCCESS = "✓"
FAIL = "✗"
BACK = "←"
INNER = "  "


def depth_prefix(depth: int) -> str:
    if depth < 10:
        return f"({depth})\t"
    if depth < 100:
        return f"({depth})  "
    return f"({depth}) "


def _prefixed(msg: str, sep: str, first: str) -> str:
    lines = msg.removesuffix("\n").split("\n")
    return "\n".join((first if k == 0 else sep) + line for k, line in enumerate(lines))


class Tracer:
    """Formats trace events; ``sink`` receives one line at a time."""

    def __init__(self, sink: Callable[[str], None]) -> None:
        self._sink = sink

    def _emit(self, text: str) -> None:
        for line in text.removesuffix("\n").split("\n"):
            self._sink(line)

    def _at(self, depth: int, msg: str) -> None:
        prefix = depth_prefix(depth)
        self._emit(_prefixed(msg, prefix, prefix))

    def select_root(self, import_root: str, internal: int, packages: int, projects: int) -> None:
        self._emit(f"Root project is {go_quote(import_root)}")
        self._emit(f" {internal} transitively valid internal packages")
        self._emit(f" {packages} external packages imported from {projects} projects")
        self._emit(f"(0)   {SUCCESS} select (root)")

    def check_packages(self, depth: int, ident, count: int) -> None:
        self._at(depth, f"? revisit {ident_str(ident)} to add {count} pkgs")

    def check_queue(self, depth: int, ident, count: int, remaining: int, all_loaded: bool, cont: bool) -> None:
        vlen = str(remaining) if all_loaded else f"at least {remaining}"
        if cont:
            msg = f"{INNER}? continue {ident_str(ident)} with {count} pkgs; {vlen} more versions to try"
        else:
            msg = f"? attempt {ident_str(ident)} with {count} pkgs; {vlen} versions to try"
        self._at(depth, msg)

    def start_backtrack(self, depth: int, ident, count: int, pkgonly: bool) -> None:
        if pkgonly:
            msg = f"{INNER}{BACK} could not add {count} pkgs to {ident_str(ident)}; begin backtrack"
        else:
            msg = f"{INNER}{BACK} no more versions of {ident_str(ident)} to try; begin backtrack"
        self._at(depth, msg)

    def backtrack(self, depth: int, ident, count: int, pkgonly: bool) -> None:
        if pkgonly:
            msg = f"{BACK} backtrack: popped {count} pkgs from {ident_str(ident)}"
        else:
            msg = f"{BACK} backtrack: no more versions of {ident_str(ident)} to try"
        self._at(depth, msg)

    def select(self, depth: int, awp: AtomWithPackages, pkgonly: bool) -> None:
        if pkgonly:
            msg = f"{INNER}{SUCCESS} include {len(awp.pl)} more pkgs from {awp.a}"
        else:
            msg = f"{SUCCESS} select {awp.a} w/{len(awp.pl)} pkgs"
        self._at(depth, msg)

    def info(self, depth: int, text: str) -> None:
        self._at(depth, _prefixed(INNER + text, "  ", "  "))

    def failure(self, depth: int, err: DepError) -> None:
        """A rejected version: gps indents it one level deeper than plain info lines."""
        text = err.trace_string() if isinstance(err, SolveError) else None
        if text is None:
            text = str(err)
        else:
            depth += 1
        self._at(depth, _prefixed(INNER + text, "  ", FAIL + " "))

    def finish(self, packages: int | None, projects: int = 0) -> None:
        if packages is None:
            self._emit(f"{INNER}{FAIL} solving failed")
        else:
            self._emit(f"{INNER}{SUCCESS} found solution with {packages} packages from {projects} projects")
