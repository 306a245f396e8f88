"""The solver's small value types and gps's rules for comparing and printing identifiers.

gps compares ``ProjectIdentifier``s three ways (exact, ``eq``, ``equiv``) and prints them
its own way; those rules decide source agreement and message texts, so they live here
once instead of in ``dep.bridge``.
"""

from __future__ import annotations

from dep.bridge import ProjectIdentifier
from dep.versions import Constraint, Revision, Version

# gps gives the root project this version so it is never nil; messages print it as "(root)".
ROOT_VERSION = Revision("")


def ident_eq(a: ProjectIdentifier, b: ProjectIdentifier) -> bool:
    """gps ``eq``: same root, and sources equal once an empty source stands for the root."""
    if a.root != b.root:
        return False
    return a.source == b.source or (a.source == "" and b.source == b.root) or (
        b.source == "" and a.source == a.root)


def ident_equiv(current: ProjectIdentifier, new: ProjectIdentifier) -> bool:
    """gps ``equiv``: ``new`` may follow ``current`` (equal sources, or ``new`` names none)."""
    if current.root != new.root:
        return False
    return current.source == new.source or (current.source != "" and new.source == "")


def ident_str(ident: ProjectIdentifier) -> str:
    """gps ``ProjectIdentifier.String()``: a source equal to the root is not shown."""
    if ident.source in ("", ident.root):
        return ident.root
    return f"{ident.root} (from {ident.source})"


def fold(text: str) -> str:
    """gps ``toFold``: each character mapped to the smallest member of its case-fold orbit."""
    if text.isascii():
        return text.lower()
    out = []
    for ch in text:
        orbit = [c for c in (ch, ch.lower(), ch.upper(), ch.upper().lower()) if len(c) == 1]
        low = min(orbit)
        out.append(low.lower() if "A" <= low <= "Z" else low)
    return "".join(out)


def is_path_prefix_or_equal(prefix: str, path: str) -> bool:
    """``prefix`` (already a string prefix of ``path``) ends at a path-element boundary."""
    if len(path) == len(prefix) + 1:
        return False
    return len(path) == len(prefix) or path[len(prefix)] == "/"


class Atom:
    """A project at one version."""

    __slots__ = ("id", "v")

    def __init__(self, ident: ProjectIdentifier, version: Version) -> None:
        self.id = ident
        self.v = version

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Atom) and self.id == other.id and self.v == other.v

    def __hash__(self) -> int:
        return hash((self.id, self.v))

    def __str__(self) -> str:
        """gps ``a2vs``: ``root@version``, or ``(root)`` for the root project."""
        if self.v is None or self.v == ROOT_VERSION:
            return "(root)"
        return f"{ident_str(self.id)}@{self.v}"


class AtomWithPackages:
    """An atom plus the import paths of its packages that are selected."""

    __slots__ = ("a", "pl")

    def __init__(self, atom: Atom, packages: list[str]) -> None:
        self.a = atom
        self.pl = packages


class CompleteDep:
    """One project's rule on another, with the packages of it that are imported.

    ``overridden`` says the root's ``[[override]]`` replaced the constraint, which explanations
    report as the rule's origin.
    """

    __slots__ = ("ident", "constraint", "pl", "overridden")

    def __init__(self, ident: ProjectIdentifier, constraint: Constraint, pl: list[str],
                 overridden: bool = False) -> None:
        self.ident = ident
        self.constraint = constraint
        self.pl = pl
        self.overridden = overridden


class Dependency:
    """A depender atom's edge to a project."""

    __slots__ = ("depender", "dep")

    def __init__(self, depender: Atom, dep: CompleteDep) -> None:
        self.depender = depender
        self.dep = dep
