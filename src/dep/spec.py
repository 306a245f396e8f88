"""Command-line project specs (``path[:source][@version]``) and gps's constraint inference.

``dep ensure -add``/``-update`` and the importers turn a user's version text into a
constraint the same way: a branch name wins, then a semver range (implied caret), then a
plain tag, then a (possibly abbreviated) revision.
"""

from __future__ import annotations

from dep.bridge import ProjectIdentifier
from dep.errors import ConstraintError, DepError
from dep.versions import ANY, Branch, Constraint, PairedVersion, Revision, parse_constraint, sort_for_upgrade


class SpecError(DepError):
    """A spec's path or version cannot be understood."""


def split_spec(arg: str) -> tuple[str, str, str]:
    """(path, source, version text). Splits at the first ``@`` then the first ``:`` as dep
    does, so an scp-like source (``git@host:x``) cannot be given this way."""
    version = ""
    at = arg.find("@")
    if at > 0:
        arg, version = arg[:at], arg[at + 1:]
    source = ""
    colon = arg.find(":")
    if colon > 0:
        arg, source = arg[:colon], arg[colon + 1:]
    return arg, source, version


def infer_constraint(text: str, pid: ProjectIdentifier, sm) -> Constraint:
    """gps ``InferConstraint``: needs the project's version list (so it may hit the network)."""
    if not text:
        return ANY
    try:
        versions = sm.list_versions(pid)
    except DepError as e:
        raise SpecError(f"list versions for {pid}: {e}") from None
    found = next((v for v in sort_for_upgrade(list(versions)) if str(v) == text), None)
    if isinstance(found, PairedVersion) and isinstance(found.unpaired, Branch):
        return found.unpaired
    try:
        return parse_constraint(text, implied_caret=True)
    except ConstraintError:
        pass
    if found is not None:
        return found.unpaired if isinstance(found, PairedVersion) else found
    try:
        return Revision(sm.source(pid).resolve_revision(text))
    except DepError:
        raise SpecError(f"{text} is not a valid version for the package {pid.root}({pid.source})") from None


def project_constraint(arg: str, sm) -> tuple[ProjectIdentifier, Constraint, str]:
    """(identifier, constraint, package path) for one spec argument."""
    path, source, version = split_spec(arg)
    try:
        root = sm.deduce_project_root(path)
    except DepError as e:
        raise SpecError(f"could not infer project root from dependency path: {path}: {e}") from None
    pid = ProjectIdentifier(root, source)
    return pid, infer_constraint(version, pid, sm), path
