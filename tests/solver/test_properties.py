"""Property tests on random universes: every solution is sound, every failure is typed.

"Sound" is what gps guarantees: every reachable package is selected at a version that has it
and that every rule on its project allows. gps may keep packages a backtracked-over version
added (see backtrack-stale-package-addition.json), so extra selected packages only have to exist.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dep.manifest import Manifest, ProjectProperties
from dep.solver import SolveParameters, solve
from dep.solver.failures import SolveError
from dep.solver.memory import MemoryBridge, ProjectVersion, package_tree
from dep.solver.search import locked_version
from dep.versions import parse_constraint, parse_version

ROOT = "example.com/app"
NAMES = [f"example.com/p{i}" for i in range(5)]
VERSIONS = ["0.9.0", "1.0.0", "1.1.0", "2.0.0", "2.1.0"]
RULES = ["*", "^1.0.0", "^2.0.0", ">=1.1.0", "<2.0.0", "1.0.0", "~2.1.0"]

targets = st.sampled_from([n + suffix for n in NAMES for suffix in ("", "/sub")])


@st.composite
def universes(draw):
    projects = []
    for name in NAMES:
        for version in draw(st.lists(st.sampled_from(VERSIONS), min_size=1, max_size=4, unique=True)):
            packages = {name: draw(st.lists(targets, max_size=2)), name + "/sub": draw(st.lists(targets, max_size=1))}
            if draw(st.booleans()):
                del packages[name + "/sub"]
            for path in packages:  # no self-imports
                packages[path] = [t for t in packages[path] if not t.startswith(name)]
            rules = {n: ProjectProperties("", parse_constraint(draw(st.sampled_from(RULES)), implied_caret=False))
                     for n in draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True)) if n != name}
            projects.append(ProjectVersion(name, parse_version(version), rules, packages))
    imports = draw(st.lists(targets, min_size=1, max_size=3, unique=True))
    constraints = {n: ProjectProperties("", parse_constraint(draw(st.sampled_from(RULES)), implied_caret=False))
                   for n in draw(st.lists(st.sampled_from(NAMES), max_size=2, unique=True))}
    return projects, imports, constraints, draw(st.booleans())


def _owner(path: str) -> str:
    return path.removesuffix("/sub")


def _check_solution(projects, imports, constraints, solution) -> None:
    """Every rule holds; everything reachable is selected, and everything selected exists."""
    chosen = {lp.name: lp for lp in solution.projects}
    entries = {}
    for lp in solution.projects:
        v = locked_version(lp)
        entries[lp.name] = next(p for p in projects if p.name == lp.name and p.version == v)
    reached: set[str] = set()
    work = [(imp, constraints) for imp in imports]
    while work:
        path, rules = work.pop()
        name = _owner(path)
        assert name in chosen, f"{path} imported but {name} not selected"
        if name in rules:
            assert rules[name].constraint.matches(locked_version(chosen[name]))
        if path in reached:
            continue
        reached.add(path)
        entry = entries[name]
        assert path in entry.packages, f"{path} missing in {name}@{entry.version}"
        work += [(imp, entry.constraints) for imp in entry.packages[path]]
    selected = {lp.name + ("" if pkg == "." else "/" + pkg) for lp in solution.projects for pkg in lp.packages}
    assert reached <= selected
    assert all(path in entries[_owner(path)].packages for path in selected)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(universes())
def test_solutions_are_sound_and_failures_typed(universe):
    projects, imports, constraints, downgrade = universe
    outcomes = []
    for _ in range(2):
        params = SolveParameters(ROOT, package_tree(ROOT, {ROOT: imports}), Manifest(constraints=constraints),
                                 downgrade=downgrade)
        try:
            solution = solve(params, MemoryBridge(projects))
        except SolveError as err:
            assert str(err) and err.explanation.startswith("In plain words:")
            outcomes.append(("failure", type(err).__name__, str(err), err.explanation))
        else:
            _check_solution(projects, imports, constraints, solution)
            outcomes.append(("solution", [(p.name, str(p.version), p.packages) for p in solution.projects]))
    assert outcomes[0] == outcomes[1]
