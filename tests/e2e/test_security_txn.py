"""A staging directory shipped in a repository (issue 9, finding 2): `dep check`, `dep ensure
-dry-run` and `dep status` recover killed runs from `.dep-txn-*` journals before they read the
project, so a hostile journal must never make them move, delete or plant anything, inside
the project or outside it. They leave it alone with one warning line and carry on as usual;
a genuine killed run is still rolled back (now by `dep status` too)."""

import os

import pytest

from tests.e2e.ensure_world import template, world  # noqa: F401 -- fixtures
from tests.e2e.test_ensure_faults import ADD, SWAP_RENAMES, ensured, run_killer  # noqa: F401 -- ensured is a fixture
from tests.treesnap import tree

STAGE = ".dep-txn-aaaaaaaaaaaa"
COMMANDS = (("check",), ("ensure", "-dry-run"), ("status",))


def prepare(project, outside, case):
    """The project's part of ``case`` (what else the repository ships): done before the
    baseline runs, so that they differ from the runs under test by the stage alone."""
    if case == "other project files":
        (project / ".git").mkdir()
        (project / ".git" / "HEAD").write_text("ref: refs/heads/master\n")
    elif case == "symlinked parent":
        os.symlink(outside, project / "vendor" / "github.com" / "evil")


def ship(project, outside, case):
    """The .dep-txn-* directory of ``case``, as a repository could ship it."""
    stage = project / STAGE
    up = os.path.relpath(outside, project)
    guessed = f"dep-txn 1 {STAGE} {os.stat(project).st_ino}\n"  # the worst case: a right guess
    head, steps = "", [(f"{STAGE}/gone", f"{up}/victim.txt")]
    if case == "climbs out":
        steps += [(f"{up}/planted", f"{STAGE}/payload")]
    elif case == "absolute":
        steps = [(f"{outside}/planted", f"{STAGE}/payload"), (f"{STAGE}/gone", f"{outside}/victim.txt")]
    elif case == "other project files":
        head, steps = guessed, [(f"{STAGE}/gone", "main.go"), (f"{STAGE}/gone", ".git")]
    elif case == "symlinked parent":
        head, steps = guessed, [("vendor/github.com/evil/planted", f"{STAGE}/vendor/github.com/evil/planted")]
        (stage / "vendor" / "github.com" / "evil").mkdir(parents=True)
        (stage / "vendor" / "github.com" / "evil" / "planted").write_text("shipped\n")
    elif case == "symlinked stage":
        (outside / "stage").mkdir()
        os.symlink(outside / "stage", stage)
    stage.mkdir(exist_ok=True)
    (stage / "owner").write_text("")
    (stage / "payload").write_text("shipped\n")
    (stage / "journal").write_text(head + "".join(f"{a}\t{b}\n" for a, b in steps))


@pytest.mark.parametrize("case", ["climbs out", "absolute", "other project files", "symlinked parent",
                                  "symlinked stage"])
def test_a_shipped_journal_touches_nothing(ensured, tmp_path, case):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("mine\n")
    prepare(ensured.project, outside, case)
    baseline = {args: ensured.dep(*args) for args in COMMANDS}
    ship(ensured.project, outside, case)
    before, canary = tree(ensured.project), tree(outside)
    warning = f"dep: WARNING: left {ensured.project / STAGE} alone: "
    for args in COMMANDS:
        r, b = ensured.dep(*args), baseline[args]
        assert tree(outside) == canary, args
        assert tree(ensured.project) == before, args
        assert r.stderr.startswith(warning) and r.stderr.count("WARNING: left") == 1, (args, r.stderr)
        assert (r.returncode, r.stdout, r.stderr.split("\n", 1)[1]) == (b.returncode, b.stdout, b.stderr), args


def test_status_rolls_back_a_killed_run(ensured, tmp_path):
    """Killed after the old Gopkg.lock was moved out and before the new one was moved in:
    status used to say there was no Gopkg.lock."""
    expected = ensured.dep("status")
    before = ensured.snapshot()
    run_killer(ensured, tmp_path, "rename", SWAP_RENAMES - 1, *ADD)
    assert not (ensured.project / "Gopkg.lock").exists() and ensured.leftovers()
    r = ensured.dep("status")
    assert (r.returncode, r.stdout, r.stderr) == (expected.returncode, expected.stdout, expected.stderr)
    assert ensured.snapshot() == before


def test_a_killed_run_is_rolled_back_next_to_a_shipped_journal(ensured, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("mine\n")
    ship(ensured.project, outside, "climbs out")
    before, canary = ensured.snapshot(), tree(outside)
    run_killer(ensured, tmp_path, "rename", 3, *ADD)  # vendor/ moved out, the new one not yet in
    assert not (ensured.project / "vendor").exists()
    r = ensured.dep("check")
    assert (r.returncode, r.stdout) == (0, "")
    assert tree(outside) == canary
    assert ensured.snapshot() == before
    assert r.stderr.startswith(f"dep: WARNING: left {ensured.project / STAGE} alone: ") and r.stderr.count("\n") == 1


def test_dep_init_warns_about_a_shipped_journal_and_touches_nothing(tmp_path):
    import subprocess
    import sys

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("mine\n")
    project = tmp_path / "gopath/src/example.com/app"
    project.mkdir(parents=True)
    (project / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n')
    ship(project, outside, "climbs out")
    canary, stage = tree(outside), tree(project / STAGE)
    env = dict(os.environ, GOPATH=str(tmp_path / "gopath"), DEPCACHEDIR=str(tmp_path / "cache"),
               GIT_CONFIG_GLOBAL=os.devnull)
    r = subprocess.run([sys.executable, "-m", "dep", "init", "-no-examples"], cwd=project, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith(f"dep: WARNING: left {project / STAGE} alone: ") and r.stderr.count("WARNING") == 1
    assert tree(outside) == canary and tree(project / STAGE) == stage
    assert (project / "Gopkg.toml").exists() and (project / "Gopkg.lock").exists()
