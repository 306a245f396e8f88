"""The solver's Python API: parameters, solutions, failures, traces."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dep.digest import parse_digest
from dep.lock import Lock, LockedProject
from dep.manifest import Manifest, ProjectProperties
from dep.solver import Solution, SolveParameters, solve
from dep.solver.failures import BadOptsFailure, DeductionFailure, NoVersionError, SolveError
from dep.solver.memory import MemoryBridge, ProjectVersion, package_tree
from dep.versions import ANY, Branch, PairedVersion, parse_constraint, parse_version

ROOT = "example.com/app"


def pv(name: str, version: str, deps: dict[str, str] | None = None, revision: str | None = None,
       packages: dict[str, list[str]] | None = None) -> ProjectVersion:
    v = parse_version(version)
    if revision:
        v = PairedVersion(v, revision)
    rules = {d: ProjectProperties("", parse_constraint(c, implied_caret=False)) for d, c in (deps or {}).items()}
    return ProjectVersion(name, v, rules, packages or {name: sorted(deps or {})})


def params(imports: list[str], **kw) -> SolveParameters:
    return SolveParameters(ROOT, package_tree(ROOT, {ROOT: imports}), **kw)


UNIVERSE = [pv("example.com/a", "1.0.0", {"example.com/b": "^1.0.0"}, "a1"),
            pv("example.com/a", "1.1.0", {"example.com/b": "^1.0.0"}, "a2"),
            pv("example.com/b", "1.0.0", revision="b1"), pv("example.com/b", "1.3.0", revision="b2"),
            pv("example.com/c", "0.1.0", revision="c1")]


def test_solution_lists_projects_sorted_with_packages_and_input_imports():
    solution = solve(params(["example.com/c", "example.com/a", "fmt"]), MemoryBridge(UNIVERSE))
    assert isinstance(solution, Solution)
    assert [(p.name, str(p.version), p.revision, p.packages) for p in solution.projects] == [
        ("example.com/a", "1.1.0", "a2", ["."]), ("example.com/b", "1.3.0", "b2", ["."]),
        ("example.com/c", "0.1.0", "c1", ["."])]
    assert solution.input_imports == ["example.com/a", "example.com/c"]
    assert solution.attempts == 0


def test_unchanged_lock_entries_are_reused_with_their_digest():
    digest = parse_digest("1:" + "ab" * 32)
    kept = LockedProject(name="example.com/b", revision="b1", version=parse_version("1.0.0"),
                         packages=["."], digest=digest)
    moved = LockedProject(name="example.com/a", revision="a1", version=parse_version("1.0.0"),
                          packages=["."], digest=digest)
    lock = Lock(projects=[moved, kept])
    solution = solve(params(["example.com/a"], lock=lock, to_change=["example.com/a"]), MemoryBridge(UNIVERSE))
    a, b = solution.projects
    assert str(a.version) == "1.1.0" and a is not moved
    assert b is kept and b.digest == digest


def test_manifest_constraints_overrides_required_and_ignored():
    """The root's constraint on b applies because it imports b itself, not only through a."""
    manifest = Manifest(constraints={"example.com/b": ProjectProperties("", parse_constraint("~1.0.0"))},
                        overrides={"example.com/c": ProjectProperties("", ANY)},
                        required=["example.com/c"], ignored=["example.com/ignored*"])
    imports = ["example.com/a", "example.com/b", "example.com/ignored/x"]
    solution = solve(params(imports, manifest=manifest), MemoryBridge(UNIVERSE))
    assert {p.name: str(p.version) for p in solution.projects} == {
        "example.com/a": "1.1.0", "example.com/b": "1.0.0", "example.com/c": "0.1.0"}
    assert solution.input_imports == ["example.com/a", "example.com/b", "example.com/c"]
    unimported = solve(params(["example.com/a"], manifest=manifest), MemoryBridge(UNIVERSE))
    assert str(unimported.projects[1].version) == "1.3.0"


def test_downgrade_and_change_all():
    lock = Lock(projects=[LockedProject(name="example.com/b", revision="b2", version=parse_version("1.3.0"))])
    solution = solve(params(["example.com/b"], lock=lock, change_all=True, downgrade=True), MemoryBridge(UNIVERSE))
    assert str(solution.projects[0].version) == "1.0.0"


def test_failure_is_a_typed_error_with_gps_text_and_an_explanation():
    manifest = Manifest(constraints={"example.com/b": ProjectProperties("", parse_constraint("^2.0.0"))})
    with pytest.raises(NoVersionError) as info:
        solve(params(["example.com/b"], manifest=manifest), MemoryBridge(UNIVERSE))
    err = info.value
    assert str(err) == (
        "No versions of example.com/b met constraints:\n"
        "\t1.3.0: Could not introduce example.com/b@1.3.0, as it is not allowed by constraint ^2.0.0 from project "
        "example.com/app.\n"
        "\t1.0.0: Could not introduce example.com/b@1.0.0, as it is not allowed by constraint ^2.0.0 from project "
        "example.com/app.")
    assert err.explanation.startswith("In plain words:\n")
    assert "change or remove the [[constraint]] for example.com/b in Gopkg.toml" in err.explanation


def test_unknown_root_import_is_a_deduction_failure():
    with pytest.raises(DeductionFailure) as info:
        solve(params(["example.com/a", "unknown.org/x"]), MemoryBridge(UNIVERSE))
    assert info.value.errors == {"unknown.org/x": "no project in the universe contains unknown.org/x"}
    assert "unknown.org/x" in info.value.explanation


@pytest.mark.parametrize("kw, message", [
    ({"to_change": ["example.com/a"]},
     "update specifically requested for [example.com/a], but no lock was provided to upgrade from"),
    ({"lock": Lock(), "to_change": ["example.com/a"]}, "cannot update example.com/a as it is not in the lock"),
    ({"manifest": Manifest(overrides={"example.com/a": ProjectProperties("", None)})},
     "An override was declared for example.com/a, but without any non-zero properties"),
    ({"manifest": Manifest(required=["example.com/a", "example.com/b"], ignored=["example.com/*"])},
     "multiple packages given as both required and ignored: example.com/a, example.com/b"),
])
def test_bad_parameters(kw, message):
    with pytest.raises(BadOptsFailure) as info:
        solve(params(["example.com/a"], **kw), MemoryBridge(UNIVERSE))
    assert str(info.value) == message
    assert isinstance(info.value, SolveError)


def test_trace_goes_to_the_callable_and_nothing_is_printed(capsys):
    lines: list[str] = []
    solve(params(["example.com/a"]), MemoryBridge(UNIVERSE), trace=lines.append)
    assert lines[:4] == ['Root project is "example.com/app"', " 1 transitively valid internal packages",
                         " 1 external packages imported from 1 projects", "(0)   ✓ select (root)"]
    assert "(1)\t    try example.com/a@1.1.0" in lines
    assert lines[-1] == "  ✓ found solution with 2 packages from 2 projects"
    assert capsys.readouterr() == ("", "")


def test_default_branch_wins_among_branches():
    universe = [ProjectVersion("example.com/a", PairedVersion(Branch("dev"), "r1"), {}, {"example.com/a": []}),
                ProjectVersion("example.com/a", PairedVersion(Branch("main", True), "r2"), {}, {"example.com/a": []})]
    solution = solve(params(["example.com/a"]), MemoryBridge(universe))
    assert solution.projects[0].version == Branch("main", True) and solution.projects[0].revision == "r2"


def test_importing_the_solver_stays_light():
    code = "import sys, dep.solver, dep.solver.cases; print(sorted(m for m in ('resolvelib', 'tomlkit', 'rich', 'dulwich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
