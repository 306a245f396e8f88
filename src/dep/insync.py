"""Does Gopkg.lock still satisfy the project's inputs? (dep's LockSatisfiesInputs)

This decides whether ``dep ensure`` must solve, and is the first half of ``dep check``.
It never looks at the network: only imports, Gopkg.toml rules and the lock as read.
"""

from __future__ import annotations

from dep.lock import Lock
from dep.manifest import Manifest
from dep.records import FrozenRecord, Record, set_field
from dep.versions import Constraint, Version


class Mismatch(FrozenRecord):
    """A locked version its project's override or constraint does not allow."""

    __slots__ = ("root", "version", "constraint")

    def __init__(self, root: str, version: Version, constraint: Constraint) -> None:
        set_field(self, "root", root)
        set_field(self, "version", version)
        set_field(self, "constraint", constraint)


class LockSatisfaction(Record):
    __slots__ = ("missing_imports", "excess_imports", "unmet_overrides", "unmet_constraints")

    def __init__(self, missing_imports: list[str] | None = None, excess_imports: list[str] | None = None,
                 unmet_overrides: list[Mismatch] | None = None,
                 unmet_constraints: list[Mismatch] | None = None) -> None:
        self.missing_imports = [] if missing_imports is None else missing_imports
        self.excess_imports = [] if excess_imports is None else excess_imports
        self.unmet_overrides = [] if unmet_overrides is None else unmet_overrides
        self.unmet_constraints = [] if unmet_constraints is None else unmet_constraints

    @property
    def satisfied(self) -> bool:
        return not (self.missing_imports or self.excess_imports
                    or self.unmet_overrides or self.unmet_constraints)

    def lines(self) -> list[str]:
        """dep's wording, in dep's order: missing, excess, overrides, constraints."""
        out = [f"{ip}: imported or required, but missing from Gopkg.lock's input-imports"
               for ip in self.missing_imports]
        out += [f"{ip}: in Gopkg.lock's input-imports, but neither imported nor required"
                for ip in self.excess_imports]
        out += [f"{m.root}@{m.version}: not allowed by override {m.constraint}" for m in self.unmet_overrides]
        out += [f"{m.root}@{m.version}: not allowed by constraint {m.constraint}" for m in self.unmet_constraints]
        return out


def _longest_prefix(roots: list[str], path: str) -> str | None:
    """dep matches constraint names by plain string prefix (not path-boundary aware)."""
    best = None
    for root in roots:
        if path.startswith(root) and (best is None or len(root) > len(best)):
            best = root
    return best


def lock_satisfies_inputs(lock: Lock, manifest: Manifest, inputs: list[str]) -> LockSatisfaction:
    """``inputs`` is the project's external imports plus required packages."""
    current, locked = set(inputs), set(lock.input_imports)
    result = LockSatisfaction(missing_imports=sorted(current - locked),
                              excess_imports=sorted(locked - current))

    names = list(manifest.constraints)
    effectual = {r for r in (_longest_prefix(names, ip) for ip in current) if r is not None}
    overrides: dict[str, Mismatch] = {}
    constraints: dict[str, Mismatch] = {}
    for p in lock.projects:
        version = p.locked_version
        if p.name in manifest.overrides:
            c = manifest.overrides[p.name].constraint
            if not c.matches(version):
                overrides[p.name] = Mismatch(p.name, version, c)
            continue  # an override replaces the constraint, met or not
        props = manifest.constraints.get(p.name)
        if props is not None and p.name in effectual and not props.constraint.matches(version):
            constraints[p.name] = Mismatch(p.name, version, props.constraint)
    result.unmet_overrides = [overrides[k] for k in sorted(overrides)]
    result.unmet_constraints = [constraints[k] for k in sorted(constraints)]
    return result
