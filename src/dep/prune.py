"""Prune options: which files dep strips from each vendored project.

The letters and their order are part of Gopkg.lock's format (``pruneopts``).
"""

from __future__ import annotations

import enum

from dep.errors import LockError
from dep.records import Record


class PruneOptions(enum.IntFlag):
    NONE = 0
    NESTED_VENDOR = 1  # V: always on; never written to the lock
    UNUSED_PACKAGES = 2  # U
    NON_GO = 4  # N
    GO_TESTS = 8  # T

    def letters(self) -> str:
        """Lock spelling: N, U, T in that fixed order, V left out."""
        return "".join(
            ch for bit, ch in ((PruneOptions.NON_GO, "N"), (PruneOptions.UNUSED_PACKAGES, "U"),
                               (PruneOptions.GO_TESTS, "T")) if self & bit
        )


_CODES = {"N": PruneOptions.NON_GO, "U": PruneOptions.UNUSED_PACKAGES,
          "T": PruneOptions.GO_TESTS, "V": PruneOptions.NESTED_VENDOR}


def parse_prune_options(text: str, project: str) -> PruneOptions:
    """Read a lock's ``pruneopts``; V is implied on read whether written or not."""
    opts = PruneOptions.NESTED_VENDOR
    for ch in text:
        bit = _CODES.get(ch)
        if bit is None:
            raise LockError(f"unknown pruning code {ch!r} in prune options for {project}")
        opts |= bit
    return opts


# Manifest spellings of the three user-settable options.
OPTION_NAMES = {
    "unused-packages": PruneOptions.UNUSED_PACKAGES,
    "non-go": PruneOptions.NON_GO,
    "go-tests": PruneOptions.GO_TESTS,
}


class CascadingPruneOptions(Record):
    """Root ``[prune]`` options plus tri-state per-project overrides (``[[prune.project]]``).

    ``per_project``: project root -> {bit: True/False} for the options that project sets explicitly.
    """

    __slots__ = ("default", "per_project")

    def __init__(self, default: PruneOptions = PruneOptions.NESTED_VENDOR,
                 per_project: dict[str, dict[PruneOptions, bool]] | None = None) -> None:
        self.default = default
        self.per_project = {} if per_project is None else per_project

    def options_for(self, root: str) -> PruneOptions:
        opts = self.default
        for bit, on in self.per_project.get(root, {}).items():
            opts = (opts | bit) if on else (opts & ~bit)
        return opts | PruneOptions.NESTED_VENDOR
