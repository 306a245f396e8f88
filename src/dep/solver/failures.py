"""Why a solve failed, in gps's words.

Each class is one of gps's failure kinds; ``str(err)`` is gps's ``Error()`` text, byte for
byte, because dep's users and integration tests match on it. ``trace_string()`` is the
shorter text of the ``-v`` trace. The plain-words explanation that follows gps's text is
written by :mod:`dep.solver.explain` and attached to the error ``solve`` raises as
``err.explanation``.
"""

from __future__ import annotations

from dep.bridge import ProjectIdentifier
from dep.errors import DepError
from dep.pkgtree import PackageError, go_quote
from dep.solver.model import Atom, Dependency, ident_str
from dep.versions import Constraint, Version


class SolveError(DepError):
    """Base of every solve failure; ``explanation`` is filled in on the error ``solve`` raises."""

    explanation = ""

    def trace_string(self) -> str | None:
        """gps's shorter trace text, or None for kinds it traces with the plain message."""
        return None


class BadOptsFailure(SolveError):
    """The solve parameters themselves are unusable (gps ``badOptsFailure``)."""


class DeductionFailure(SolveError):
    """Some root import or required path belongs to no project that can be found."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("could not deduce external imports' project roots")
        self.errors = errors


class ProjectNotFoundFailure(SolveError):
    """No source at all for a project the solver needs."""

    def __init__(self, ident: ProjectIdentifier) -> None:
        super().__init__(f"project '{ident_str(ident)}' could not be located")
        self.ident = ident


class PackageProblemFailure(SolveError):
    """A package the solver needs from a version is missing or broken in that version's tree."""


class NoVersionError(SolveError):
    """Every version tried for a project failed; ``fails`` pairs each with its reason.

    ``dependers`` and ``locked`` snapshot the rules on the project when it ran out, for the
    explanation.
    """

    def __init__(self, ident: ProjectIdentifier, fails: list[tuple[Version, DepError]],
                 dependers: list[Dependency], locked: Version | None) -> None:
        super().__init__()
        self.ident = ident
        self.fails = fails
        self.dependers = dependers
        self.locked = locked

    def __str__(self) -> str:
        if not self.fails:
            return f"No versions found for project {go_quote(self.ident.root)}."
        lines = [f"No versions of {self.ident.root} met constraints:"]
        lines += [f"\t{v}: {err}" for v, err in self.fails]
        return "\n".join(lines)

    def trace_string(self) -> str:
        if not self.fails:
            return "No versions found"
        lines = [f"No versions of {self.ident.root} met constraints:"]
        for v, err in self.fails:
            text = err.trace_string() if isinstance(err, SolveError) else None
            lines.append(f"  {v}: {str(err) if text is None else text}")
        return "\n".join(lines)


class VersionNotAllowedFailure(SolveError):
    """The version itself is outside the constraints of the projects in ``failparent``."""

    def __init__(self, goal: Atom, failparent: list[Dependency], constraint: Constraint) -> None:
        super().__init__()
        self.goal = goal
        self.failparent = failparent
        self.constraint = constraint

    def __str__(self) -> str:
        if len(self.failparent) == 1:
            f = self.failparent[0]
            return (f"Could not introduce {self.goal}, as it is not allowed by constraint "
                    f"{f.dep.constraint} from project {ident_str(f.depender.id)}.")
        text = f"Could not introduce {self.goal}, as it is not allowed by constraints from the following projects:\n"
        return text + "".join(f"\t{f.dep.constraint} from {f.depender}\n" for f in self.failparent)

    def trace_string(self) -> str:
        text = f"{self.goal} not allowed by constraint {self.constraint}:\n"
        return text + "".join(f"  {f.dep.constraint} from {f.depender}\n" for f in self.failparent)


class DisjointConstraintFailure(SolveError):
    """The version's rule on a dependency has no overlap with the rules already on it."""

    def __init__(self, goal: Dependency, failsib: list[Dependency], nofailsib: list[Dependency],
                 constraint: Constraint) -> None:
        super().__init__()
        self.goal = goal
        self.failsib = failsib
        self.nofailsib = nofailsib
        self.constraint = constraint

    def __str__(self) -> str:
        g = self.goal
        head = (f"Could not introduce {g.depender}, as it has a dependency on {ident_str(g.dep.ident)} "
                f"with constraint {g.dep.constraint}, which ")
        if len(self.failsib) == 1:
            f = self.failsib[0]
            return head + f"has no overlap with existing constraint {f.dep.constraint} from {f.depender}"
        if self.failsib:
            sibs, text = self.failsib, "has no overlap with the following existing constraints:\n"
        else:
            sibs = self.nofailsib
            text = ("does not overlap with the intersection of existing constraints from other "
                    "currently selected packages:\n")
        return head + text + "".join(f"\t{s.dep.constraint} from {s.depender}\n" for s in sibs)

    def trace_string(self) -> str:
        g = self.goal
        text = f"constraint {g.dep.constraint} on {ident_str(g.dep.ident)} disjoint with other dependers:\n"
        text += "".join(f"{f.dep.constraint} from {f.depender} (no overlap)\n" for f in self.failsib)
        return text + "".join(f"{f.dep.constraint} from {f.depender} (some overlap)\n" for f in self.nofailsib)


class ConstraintNotAllowedFailure(SolveError):
    """The version's rule on a dependency excludes the version of it already selected."""

    def __init__(self, goal: Dependency, selected: Version) -> None:
        super().__init__()
        self.goal = goal
        self.selected = selected

    def __str__(self) -> str:
        g = self.goal
        return (f"Could not introduce {g.depender}, as it has a dependency on {ident_str(g.dep.ident)} "
                f"with constraint {g.dep.constraint}, which does not allow the currently selected "
                f"version of {self.selected}")

    def trace_string(self) -> str:
        g = self.goal
        return (f"{g.depender} depends on {g.dep.ident.root} with {g.dep.constraint}, "
                f"but that's already selected at {self.selected}")


class SourceMismatchFailure(SolveError):
    """The version wants a dependency from a different source than the one already agreed on."""

    def __init__(self, shared: str, current: str, mismatch: str, sel: list[Dependency], prob: Atom) -> None:
        super().__init__()
        self.shared = shared
        self.current = current
        self.mismatch = mismatch
        self.sel = sel
        self.prob = prob

    def __str__(self) -> str:
        by = ", ".join(d.depender.id.root for d in self.sel)
        return (f"Could not introduce {self.prob}, as it depends on {self.shared} from {self.mismatch}, "
                f"but {self.shared} is already marked as coming from {self.current} by {by}")

    def trace_string(self) -> str:
        text = f"disagreement on network addr for {self.shared}:\n"
        text += f"  {self.mismatch} from {ident_str(self.prob.id)}\n"
        return text + "".join(f"  {self.current} from {ident_str(d.depender.id)}\n" for d in self.sel)


class CaseMismatchFailure(SolveError):
    """The version imports a project under a spelling differing only in case from the one in use."""

    def __init__(self, goal: Dependency, current: str, failsib: list[Dependency]) -> None:
        super().__init__()
        self.goal = goal
        self.current = current
        self.failsib = failsib

    def __str__(self) -> str:
        g = self.goal
        head = (f"Could not introduce {g.depender} due to a case-only variation: it depends on "
                f"{go_quote(g.dep.ident.root)}, but {go_quote(self.current)} was already established "
                f"as the case variant for that project root by ")
        if len(self.failsib) == 1:
            return head + f"depender {self.failsib[0].depender}"
        return head + "the following other dependers:\n" + "".join(f"\t{d.depender}\n" for d in self.failsib)

    def trace_string(self) -> str:
        text = (f"case-only variation in dependency on {go_quote(self.goal.dep.ident.root)}; "
                f"{go_quote(self.current)} already established by:\n")
        return text + "".join(f"{d.depender}\n" for d in self.failsib)


class WrongCaseFailure(SolveError):
    """A project's own imports name its root in a case other than its dependers used."""

    def __init__(self, correct: str, goal: Dependency, badcase: list[Dependency]) -> None:
        super().__init__()
        self.correct = correct
        self.goal = goal
        self.badcase = badcase

    def __str__(self) -> str:
        head = (f"Could not introduce {self.goal.depender}; imports amongst its packages establish "
                f"{go_quote(self.correct)} as the canonical casing for root, but ")
        first = self.badcase[0]
        if len(self.badcase) == 1:
            return head + f"{first.depender} tried to import it as {go_quote(first.dep.ident.root)}"
        return (head + f"the following projects tried to import it as {go_quote(first.dep.ident.root)}"
                + "".join(f"\t{d.depender}\n" for d in self.badcase))

    def trace_string(self) -> str:
        text = (f"internal imports establish {go_quote(self.correct)} as correct casing; "
                f"{go_quote(self.goal.dep.ident.root)} was used by:\n")
        return text + "".join(f"{d.depender}\n" for d in self.badcase)


def _package_cause(err: PackageError | None) -> str:
    return "is missing" if err is None else f"does not contain usable Go code ({err.go_type})."


class CheckeeHasProblemPackagesFailure(SolveError):
    """Packages that selected projects import from this version are missing or broken in it.

    ``failpkg`` maps each import path to (its error, or None when missing; the atoms importing it).
    """

    def __init__(self, goal: Atom, failpkg: dict[str, tuple[PackageError | None, list[Atom]]]) -> None:
        super().__init__()
        self.goal = goal
        self.failpkg = failpkg

    def __str__(self) -> str:
        parts = []
        indent = ""
        if len(self.failpkg) > 1:
            indent = "\t"
            parts.append(f"Could not introduce {self.goal} due to multiple problematic subpackages:\n")
        for pkg, (err, deppers) in self.failpkg.items():  # discovery order, as Go's small maps mostly give
            if len(self.failpkg) == 1:
                parts.append(f"Could not introduce {self.goal}, as its subpackage {pkg} {_package_cause(err)}.")
            else:
                parts.append(f"\tSubpackage {pkg} {_package_cause(err)}.")
            if len(deppers) == 1:
                parts.append(f" (Package is required by {deppers[0]}.)")
            else:
                parts.append(" Package is required by:" + "".join(f"\n{indent}\t{a}" for a in deppers))
        return "".join(parts)

    def trace_string(self) -> str:
        parts = [f"{self.goal.id.root} at {self.goal.v} has problem subpkg(s):\n"]
        for pkg, (err, deppers) in self.failpkg.items():
            parts.append(f"\t{pkg} is missing; " if err is None else f"\t{pkg} has err ({err.go_type}); ")
            if len(deppers) == 1:
                parts.append(f"required by {deppers[0]}.")
            else:
                parts.append(" required by:" + "".join(f"\n\t\t{ident_str(a.id)} at {a.v}" for a in deppers))
        return "".join(parts)


class DepHasProblemPackagesFailure(SolveError):
    """The version imports packages that the selected version of a dependency lacks or has broken."""

    def __init__(self, goal: Dependency, selected: Version, prob: dict[str, PackageError | None]) -> None:
        super().__init__()
        self.goal = goal
        self.selected = selected
        self.prob = prob

    def _cause(self, pkg: str) -> str:
        err = self.prob[pkg]
        return "is missing." if err is None else f"does not contain usable Go code ({err.go_type})."

    def __str__(self) -> str:
        g = self.goal
        if len(self.prob) == 1:
            pkg = next(iter(self.prob))
            return (f"Could not introduce {g.depender}, as it requires package {pkg} from "
                    f"{ident_str(g.dep.ident)}, but in version {self.selected} that package {self._cause(pkg)}")
        text = (f"Could not introduce {g.depender}, as it requires problematic packages from "
                f"{ident_str(g.dep.ident)} (current version {self.selected}):")
        return text + "".join(f"\t{pkg} {self._cause(pkg)}" for pkg in sorted(self.prob))

    def trace_string(self) -> str:
        g = self.goal
        text = f"{g.depender} depping on {ident_str(g.dep.ident)} at {self.selected} has problem subpkg(s):"
        for pkg in sorted(self.prob):
            cause = "is missing" if self.prob[pkg] is None else f"has parsing err ({self.prob[pkg].go_type})."
            text += f"\t{pkg} {cause}"
        return text


class NonexistentRevisionFailure(SolveError):
    """The version pins a dependency to a revision its source does not have."""

    def __init__(self, goal: Dependency, revision: Version) -> None:
        super().__init__()
        self.goal = goal
        self.revision = revision

    def __str__(self) -> str:
        g = self.goal
        return (f"Could not introduce {g.depender}, as it requires {ident_str(g.dep.ident)} at revision "
                f"{self.revision}, but that revision does not exist")

    def trace_string(self) -> str:
        g = self.goal
        return f"{g.depender} wants missing rev {self.revision} of {ident_str(g.dep.ident)}"
