"""Every solver case file, run through the case runner (``python -m dep.solver.cases``).

tests/solver_cases/ holds the project's own cases (one per solver rule, failure kind and
backtracking shape); the shared spec's examples are run too when the checkout has them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OWN = sorted((REPO / "tests" / "solver_cases").glob("*.json"))
SHARED = sorted((REPO.parent / "shared" / "spec" / "solver-cases").glob("*.json"))
ALL = OWN + SHARED


def run_runner(files: list[Path], *args: str, seed: str = "0") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO / "src"))
    return subprocess.run([sys.executable, "-m", "dep.solver.cases", *args, *map(str, files)],
                          capture_output=True, text=True, env=env, cwd=REPO)


@pytest.fixture(scope="module")
def outputs() -> dict[Path, dict]:
    proc = run_runner(ALL)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(ALL)
    return {path: json.loads(line) for path, line in zip(ALL, lines)}


def test_own_cases_cover_every_area():
    names = [p.name for p in OWN]
    for prefix, least in (("rule-", 30), ("fail-", 15), ("backtrack-", 8)):
        assert sum(n.startswith(prefix) for n in names) >= least, prefix


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_case(path: Path, outputs: dict[Path, dict]):
    case = json.loads(path.read_text())
    got = outputs[path]
    assert got["name"] == case["name"]
    expect = case["expect"]
    if "solution" in expect:
        assert "solution" in got, got.get("failure")
        assert got["solution"] == expect["solution"]
        return
    assert "failure" in got, got.get("solution")
    want, failure = expect["failure"], got["failure"]
    if want["type"] != "any":
        assert failure["type"] == want["type"]
        assert failure["message"] == want["message"]
    if "explanation" in want:
        assert failure["explanation"] == want["explanation"]
    assert failure["explanation"].startswith("In plain words:")


def test_output_is_byte_identical_across_runs_and_hash_seeds():
    first = run_runner(ALL, "-v", seed="0")
    second = run_runner(ALL, "-v", seed="12345")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stderr == second.stderr  # the -v traces


def test_verbose_trace_goes_to_stderr():
    proc = run_runner([REPO / "tests" / "solver_cases" / "backtrack-mutual-downgrade.json"], "-v")
    assert proc.returncode == 0
    trace = proc.stderr.splitlines()
    assert trace[1] == 'Root project is "example.com/app"'
    assert "(1)\t? attempt example.com/a with 1 pkgs; 3 versions to try" in trace
    assert any("← backtrack: no more versions of" in line for line in trace)
    assert trace[-1].startswith("  ✓ found solution with")
    assert json.loads(proc.stdout)["solution"]


def test_malformed_file_is_named_and_exit_status_is_1(tmp_path: Path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "root": 3}')
    good = REPO / "tests" / "solver_cases" / "rule-lock-kept.json"
    proc = run_runner([bad, good])
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and str(bad) in proc.stderr
    assert len(proc.stdout.splitlines()) == 1  # the good file still ran


def test_a_file_may_hold_a_list_of_cases(tmp_path: Path):
    cases = [json.loads(p.read_text()) for p in OWN[:3]]
    many = tmp_path / "many.json"
    many.write_text(json.dumps(cases))
    proc = run_runner([many])
    assert proc.returncode == 0
    assert [json.loads(line)["name"] for line in proc.stdout.splitlines()] == [c["name"] for c in cases]
