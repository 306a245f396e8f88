"""Solver case files: ``python -m dep.solver.cases [-v] FILE.json ...``.

A case (format: the project's shared spec, solver-cases.md) is a small universe of projects,
the root project's inputs and the expected answer. The runner solves each case and prints one
JSON object per line, in input order: ``{"name", "solution": [...]}`` or
``{"name", "failure": {"type", "message", "explanation"}}``, where ``type`` is the error's
class name, ``message`` gps's text and ``explanation`` the plain-words account after it.
A file may hold one case or a list of cases. ``-v`` writes each search trace to stderr.
Exit status: 0 when every case ran, 1 when a file was malformed or a case hit a solver bug
(one line on stderr names it; the other cases still run).
"""

from __future__ import annotations

import json
import sys
from typing import Callable

from dep.errors import DepError
from dep.lock import Lock, LockedProject
from dep.manifest import Manifest, ProjectProperties
from dep.pkgtree import is_standard_import_path
from dep.solver.memory import MemoryBridge, ProjectVersion, package_tree
from dep.solver.search import SolveParameters, solve
from dep.versions import (
    ANY, NONE, Branch, PairedVersion, PlainVersion, Revision, SemverVersion, Version, parse_constraint,
    parse_version)


class CaseError(DepError):
    """A case file does not follow the format."""


class Case:
    """A parsed case: its name, solve parameters and universe."""

    __slots__ = ("name", "params", "bridge")

    def __init__(self, name: str, params: SolveParameters, bridge: MemoryBridge) -> None:
        self.name = name
        self.params = params
        self.bridge = bridge


def _get(d: dict, key: str, kind: type | tuple, where: str, default=None):
    value = d.get(key, default)
    if not isinstance(value, kind):
        raise CaseError(f"{where}: {key!r} is missing or has the wrong type")
    return value


def parse_version_spec(d: dict, where: str) -> Version:
    """A VERSION object: a semver, plain, branch or revision version, paired when it has a revision."""
    if not isinstance(d, dict):
        raise CaseError(f"{where}: a version must be an object")
    kind, value = _get(d, "type", str, where), _get(d, "value", str, where)
    if kind == "semver":
        version = parse_version(value)
        if not isinstance(version, SemverVersion):
            raise CaseError(f"{where}: {value!r} is not a semver version")
    elif kind == "plain":
        version = PlainVersion(value)
    elif kind == "branch":
        version = Branch(value, bool(d.get("default_branch", False)))
    elif kind == "revision":
        return Revision(value)
    else:
        raise CaseError(f"{where}: unknown version type {kind!r}")
    revision = d.get("revision")
    if revision is None:
        return version
    if not isinstance(revision, str):
        raise CaseError(f"{where}: 'revision' must be a string or null")
    return PairedVersion(version, revision)


def _constraint(d, where: str):
    if d is None:
        return None  # a rule with no constraint at all (an override of the source only)
    kind = _get(d, "type", str, where)
    value = d.get("value", "")
    if kind == "any":
        return ANY
    if kind == "none":
        return NONE
    if not isinstance(value, str):
        raise CaseError(f"{where}: 'value' must be a string")
    if kind == "semver":
        return parse_constraint(value, implied_caret=False)
    if kind == "plain":
        return PlainVersion(value)
    if kind == "branch":
        return Branch(value)
    if kind == "revision":
        return Revision(value)
    raise CaseError(f"{where}: unknown constraint type {kind!r}")


def _rules(items, where: str) -> dict[str, ProjectProperties]:
    rules = {}
    for k, item in enumerate(items or ()):
        here = f"{where}[{k}]"
        if not isinstance(item, dict):
            raise CaseError(f"{here}: a constraint must be an object")
        source = item.get("source") or ""
        rules[_get(item, "name", str, here)] = ProjectProperties(source, _constraint(item.get("constraint"), here))
    return rules


def _locked(d: dict, where: str) -> LockedProject:
    version = parse_version_spec(_get(d, "version", dict, where), where)
    if isinstance(version, Revision):
        unpaired, revision = None, version.rev
    elif isinstance(version, PairedVersion):
        unpaired, revision = version.unpaired, version.revision.rev
    else:
        unpaired, revision = version, ""
    return LockedProject(name=_get(d, "name", str, where), revision=revision, version=unpaired,
                         source=d.get("source") or "", packages=list(d.get("packages") or []))


def _lock(items, where: str) -> Lock | None:
    if items is None:
        return None
    if not isinstance(items, list):
        raise CaseError(f"{where}: must be a list or null")
    return Lock(projects=[_locked(item, f"{where}[{k}]") for k, item in enumerate(items)])


def _packages(d, where: str) -> dict[str, list[str]]:
    if not isinstance(d, dict) or not all(isinstance(v, list) for v in d.values()):
        raise CaseError(f"{where}: 'packages' must map import paths to lists of imports")
    return d


def parse_case(data: dict) -> Case:
    """A case object as the solver sees it; raises :class:`CaseError` when it is malformed."""
    if not isinstance(data, dict):
        raise CaseError("a case must be a JSON object")
    name = _get(data, "name", str, "case")
    root = _get(data, "root", dict, name)
    root_name = _get(root, "name", str, f"{name}: root")
    projects = []
    for k, item in enumerate(data.get("projects") or []):
        where = f"{name}: projects[{k}]"
        projects.append(ProjectVersion(
            _get(item, "name", str, where), parse_version_spec(item.get("version"), where),
            _rules(item.get("constraints"), f"{where}.constraints"),
            _packages(item.get("packages", {}), where)))
    dep_locks = {key: _lock(items, f"{name}: dep_locks[{key!r}]")
                 for key, items in (data.get("dep_locks") or {}).items()}
    bridge = MemoryBridge(projects, dep_locks, extra_roots=(root_name,))
    manifest = Manifest(constraints=_rules(root.get("constraints"), f"{name}: root.constraints"),
                        overrides=_rules(root.get("overrides"), f"{name}: root.overrides"),
                        ignored=list(root.get("ignored") or []), required=list(root.get("required") or []))
    params = SolveParameters(
        root_name, package_tree(root_name, _packages(root.get("packages", {}), f"{name}: root")),
        manifest, _lock(data.get("lock"), f"{name}: lock"),
        change_all=bool(data.get("changeall", False)), to_change=list(data.get("changelist") or []),
        downgrade=bool(data.get("downgrade", False)),
        # Case universes use bare names ("a", "b"); a name the universe knows is never stdlib.
        is_stdlib=lambda path: is_standard_import_path(path) and not bridge.knows(path))
    return Case(name, params, bridge)


def version_spec(version: Version | None, revision: str) -> dict:
    """The VERSION object for a locked project's version and revision."""
    if version is None:
        return {"type": "revision", "value": revision, "revision": None}
    kind = {SemverVersion: "semver", PlainVersion: "plain", Branch: "branch"}[type(version)]
    spec = {"type": kind, "value": str(version), "revision": revision or None}
    if isinstance(version, Branch):
        spec["default_branch"] = version.default
    return spec


def locked_spec(lp: LockedProject) -> dict:
    return {"name": lp.name, "source": lp.source or None, "version": version_spec(lp.version, lp.revision),
            "packages": list(lp.packages)}


def run_case(case: Case, trace: Callable[[str], None] | None = None) -> dict:
    """The runner's output object for one case."""
    try:
        solution = solve(case.params, case.bridge, trace)
    except DepError as err:
        return {"name": case.name, "failure": {"type": type(err).__name__, "message": str(err),
                                               "explanation": getattr(err, "explanation", "")}}
    return {"name": case.name, "solution": [locked_spec(lp) for lp in solution.projects]}


def load_cases(path: str) -> list[Case]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise CaseError(str(e)) from None
    return [parse_case(item) for item in (data if isinstance(data, list) else [data])]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args
    files = [a for a in args if a != "-v"]
    if not files:
        print("usage: python -m dep.solver.cases [-v] FILE.json ...", file=sys.stderr)
        return 1
    status = 0
    for path in files:
        try:
            cases = load_cases(path)
        except DepError as e:
            print(f"{path}: malformed solver case: {e}", file=sys.stderr)
            status = 1
            continue
        for case in cases:
            trace = None
            if verbose:
                print(f"--- {case.name}", file=sys.stderr)
                trace = lambda line: print(line, file=sys.stderr)  # noqa: E731
            try:
                result = run_case(case, trace)
            except Exception as e:  # a solver bug must not stop the other cases
                print(f"{path}: {case.name}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
                result = {"name": case.name, "failure": {"type": "InternalError", "message": f"{type(e).__name__}: {e}",
                                                         "explanation": ""}}
                status = 1
            print(json.dumps(result), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
