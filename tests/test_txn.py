"""Transactional writes: the new state lands whole, or the previous one stays intact."""

import errno
import os
import subprocess
import sys
import textwrap

import pytest

from dep.txn import STAGE_PREFIX, Transaction, TransactionError, recover
from tests.treesnap import tree


def snapshot(root):
    out = {}
    for dp, dn, fn in os.walk(root):
        dn[:] = [d for d in dn if not d.startswith(STAGE_PREFIX)]
        for f in fn:
            p = os.path.join(dp, f)
            out[os.path.relpath(p, root)] = open(p).read()
    return out


@pytest.fixture
def project(tmp_path):
    (tmp_path / "Gopkg.toml").write_text("old toml\n")
    (tmp_path / "Gopkg.lock").write_text("old lock\n")
    (tmp_path / "main.go").write_text("package main\n")
    for p in ("a.org/kept", "b.org/changed", "c.org/removed"):
        d = tmp_path / "vendor" / p
        d.mkdir(parents=True)
        (d / "x.go").write_text(f"old {p}\n")
    return tmp_path


def stage_new(txn):
    txn.write_file("Gopkg.toml", "new toml\n")
    txn.write_file("Gopkg.lock", "new lock\n")
    d = os.path.join(txn.vendor_dir, "b.org/changed")
    os.makedirs(d)
    with open(os.path.join(d, "x.go"), "w") as f:
        f.write("new b.org/changed\n")
    txn.keep_vendored("a.org/kept")


NEW = {"Gopkg.toml": "new toml\n", "Gopkg.lock": "new lock\n", "main.go": "package main\n",
       "vendor/a.org/kept/x.go": "old a.org/kept\n", "vendor/b.org/changed/x.go": "new b.org/changed\n"}


def test_commit_swaps_everything_and_cleans_up(project):
    with Transaction(str(project)) as txn:
        stage_new(txn)
        txn.commit()
    assert snapshot(project) == NEW
    assert not [n for n in os.listdir(project) if n.startswith(STAGE_PREFIX)]


def test_exception_while_staging_leaves_previous_state(project):
    before = snapshot(project)
    with pytest.raises(RuntimeError):
        with Transaction(str(project)) as txn:
            stage_new(txn)
            raise RuntimeError("export failed")
    assert snapshot(project) == before
    assert not [n for n in os.listdir(project) if n.startswith(STAGE_PREFIX)]


@pytest.mark.parametrize("fail_at", range(1, 8))  # the swap has seven renames
def test_enospc_at_any_step_of_the_swap_rolls_back(project, monkeypatch, fail_at):
    before = snapshot(project)
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append(src)
        if len(calls) == fail_at:
            raise OSError(errno.ENOSPC, "No space left on device", dst)
        real_rename(src, dst)

    with Transaction(str(project)) as txn:
        stage_new(txn)
        monkeypatch.setattr(os, "rename", rename)
        with pytest.raises(TransactionError, match="No space left on device.*left as they were"):
            txn.commit()
        monkeypatch.setattr(os, "rename", real_rename)
    assert snapshot(project) == before


KILLER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {src!r})
    from dep.txn import Transaction
    n = int(sys.argv[2]); real = os.rename; count = [0]
    def rename(a, b):
        count[0] += 1
        if count[0] == n:
            os._exit(9)  # killed mid-swap: no cleanup, no rollback
        real(a, b)
    txn = Transaction(sys.argv[1])
    txn.write_file("Gopkg.toml", "new toml\\n")
    txn.write_file("Gopkg.lock", "new lock\\n")
    d = os.path.join(txn.vendor_dir, "b.org/changed"); os.makedirs(d)
    open(os.path.join(d, "x.go"), "w").write("new b.org/changed\\n")
    txn.keep_vendored("a.org/kept")
    os.rename = rename
    txn.commit()
""")


@pytest.mark.parametrize("kill_at", range(1, 8))
def test_killed_mid_swap_is_rolled_back_by_the_next_run(project, tmp_path_factory, kill_at):
    before = snapshot(project)
    script = tmp_path_factory.mktemp("k") / "killer.py"
    script.write_text(KILLER.format(src=os.path.join(os.path.dirname(__file__), "..", "src")))
    r = subprocess.run([sys.executable, str(script), str(project), str(kill_at)])
    assert r.returncode == 9
    assert [n for n in os.listdir(project) if n.startswith(STAGE_PREFIX)]  # the killed run's stage
    recover(str(project))
    assert snapshot(project) == before
    assert not [n for n in os.listdir(project) if n.startswith(STAGE_PREFIX)]


def test_stage_of_a_run_killed_after_commit_is_just_removed(project):
    txn = Transaction(str(project))
    stage_new(txn)
    txn.commit()
    os.close(txn._owner)  # killed after the commit marker, before the stage was cleaned up
    assert os.path.isdir(txn.stage)
    assert recover(str(project)) == []
    assert snapshot(project) == NEW
    assert not os.path.exists(txn.stage)


def test_user_files_outside_vendor_are_never_touched(project):
    (project / "notes.txt").write_text("mine\n")
    with Transaction(str(project)) as txn:
        stage_new(txn)
        txn.commit()
    assert (project / "notes.txt").read_text() == "mine\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_vendor_fails_cleanly(project):
    os.chmod(project / "vendor", 0o555)
    before = snapshot(project)
    try:
        with Transaction(str(project)) as txn:
            stage_new(txn)
            with pytest.raises(TransactionError, match="left as they were"):
                txn.commit()
        assert snapshot(project) == before
    finally:
        os.chmod(project / "vendor", 0o755)


def test_a_live_transaction_is_not_recovered_by_another_run(tmp_path):
    """Two runs in one project (e.g. different cache dirs): the second must not undo the first."""
    (tmp_path / "Gopkg.lock").write_text("old\n")
    first = Transaction(str(tmp_path))
    first.write_file("Gopkg.lock", "first\n")
    second = Transaction(str(tmp_path))  # runs recover() on start
    assert os.path.isdir(first.stage)
    with second:
        second.write_file("Gopkg.lock", "second\n")
        second.commit()
    with first:
        first.commit()
    assert (tmp_path / "Gopkg.lock").read_text() == "first\n"
    assert [n for n in os.listdir(tmp_path) if n.startswith(".dep-txn-")] == []


def test_what_a_run_killed_while_making_its_stage_leaves_is_cleaned(tmp_path):
    os.mkdir(tmp_path / ".dep-txn-000000000001")  # killed before its owner file
    os.mkdir(tmp_path / ".dep-txn-000000000002")  # killed before its journal
    (tmp_path / ".dep-txn-000000000002" / "owner").write_text("")
    (tmp_path / ".dep-txn-000000000002" / ".gitignore").write_text("*\n")
    assert recover(str(tmp_path)) == []
    assert os.listdir(tmp_path) == []


# -- journals this tool did not write for this project are refused ----------------------------

STAGE = ".dep-txn-aaaaaaaaaaaa"
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def header(root, name=STAGE):
    """The header dep writes: what an attacker who guessed the project dir's inode would ship."""
    return f"dep-txn 1 {name} {os.stat(root).st_ino}\n"


def ship(root, steps, head="", name=STAGE, files=("gone", "payload")):
    """A staging directory as a repository could ship it: owner file, journal, payload files."""
    stage = os.path.join(root, name)
    os.makedirs(stage)
    open(os.path.join(stage, "owner"), "w").close()
    for f in files:
        with open(os.path.join(stage, f), "w") as fh:
            fh.write("shipped\n")
    with open(os.path.join(stage, "journal"), "w") as f:
        f.write(head + "".join(f"{src}\t{dst}\n" for src, dst in steps))
    return stage


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """A project and, next to it, a canary directory no journal may touch. The working
    directory is the project (dep resolves relative paths from there)."""
    root = tmp_path / "project"
    (root / "vendor" / "a.org" / "x").mkdir(parents=True)
    (root / "vendor" / "a.org" / "x" / "x.go").write_text("package x\n")
    (root / "Gopkg.toml").write_text("toml\n")
    (root / "Gopkg.lock").write_text("lock\n")
    (root / "main.go").write_text("package main\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    outside = tmp_path / "outside"
    (outside / "a.org").mkdir(parents=True)
    (outside / "victim.txt").write_text("mine\n")
    (outside / "a.org" / "y").write_text("mine\n")
    monkeypatch.chdir(root)
    return root, outside


def assert_left_alone(root, outside, run, why):
    before, canary = tree(root), tree(outside)
    warnings = run()
    assert tree(outside) == canary
    assert tree(root) == before  # the project, and the refused stage itself, as they were
    assert len(warnings) == 1 and "\n" not in warnings[0], warnings
    assert warnings[0].startswith(f"left {os.path.join(root, STAGE)} alone: ") and why in warnings[0], warnings


HOSTILE_STEPS = {
    "climbs out to plant": [("../outside/planted", f"{STAGE}/payload")],
    "climbs out to delete": [(f"{STAGE}/gone", "../outside/victim.txt")],
    "absolute": [(f"{STAGE}/gone", "{outside}/victim.txt")],
    "absolute source": [("{outside}/planted", f"{STAGE}/payload")],
    "another project file": [(f"{STAGE}/gone", "main.go")],
    "the project's .git": [(f"{STAGE}/gone", ".git")],
    "dot-dot below vendor": [(f"{STAGE}/vendor/../main.go", "vendor/../main.go")],
    "another stage": [(".dep-txn-bbbbbbbbbbbb/gone", "Gopkg.lock")],
    "a path in place of the stage": [("vendor/a.org/x", "vendor/a.org/y")],
    "NUL": [(f"{STAGE}/gone\0x", "Gopkg.lock")],
}


@pytest.mark.parametrize("case", sorted(HOSTILE_STEPS))
def test_a_journal_naming_paths_dep_never_moves_is_refused(hostile, case):
    """Even with the right header (an attacker who guessed the inode of the project dir),
    only Gopkg.toml, Gopkg.lock and vendor/ to and from the same stage are ever renamed."""
    root, outside = hostile
    steps = [(a.format(outside=outside), b.format(outside=outside)) for a, b in HOSTILE_STEPS[case]]
    ship(root, steps, header(root))
    assert_left_alone(root, outside, lambda: recover(str(root)), "dep only moves Gopkg.toml, Gopkg.lock and vendor/")


@pytest.mark.parametrize("head", ["", "dep-txn 1 .dep-txn-bbbbbbbbbbbb {ino}\n", "dep-txn 1 {stage} 1\n",
                                  "garbage\n"])
def test_a_journal_not_written_for_this_project_is_refused(hostile, head):
    """A shipped or copied journal, here one that would bring back a Gopkg.lock: refused
    whole, since it was not written for this project (a previous version's journal has no
    header either: it is left alone too)."""
    root, outside = hostile
    os.rename(root / "Gopkg.lock", root / "elsewhere")
    stage = ship(root, [("Gopkg.lock", f"{STAGE}/previous/Gopkg.lock")],
                 head.format(ino=os.stat(root).st_ino, stage=STAGE))
    os.mkdir(os.path.join(stage, "previous"))
    open(os.path.join(stage, "previous", "Gopkg.lock"), "w").close()
    assert_left_alone(root, outside, lambda: recover(str(root)), "not written by dep for this project")


def test_a_journal_copied_from_another_project_is_refused(hostile, tmp_path):
    root, outside = hostile
    other = tmp_path / "other"
    other.mkdir()
    (other / "Gopkg.lock").write_text("other\n")
    txn = Transaction(str(other))
    txn.write_file("Gopkg.lock", "new\n")
    txn.commit()
    os.close(txn._owner)
    with open(os.path.join(txn.stage, "journal")) as f:
        journal = f.read().replace(os.path.basename(txn.stage), STAGE).replace("\ncommitted\n", "\n")
    stage = ship(root, [], files=())
    with open(os.path.join(stage, "journal"), "w") as f:
        f.write(journal)
    os.rename(root / "Gopkg.lock", os.path.join(stage, "Gopkg.lock"))
    assert_left_alone(root, outside, lambda: recover(str(root)), "not written by dep for this project")


def test_a_symlinked_directory_in_the_project_is_never_followed(hostile):
    root, outside = hostile
    os.symlink(outside, root / "vendor" / "evil")
    stage = ship(root, [("vendor/evil/planted", f"{STAGE}/vendor/evil/planted")], header(root))
    os.makedirs(os.path.join(stage, "vendor", "evil"))
    open(os.path.join(stage, "vendor", "evil", "planted"), "w").close()
    assert_left_alone(root, outside, lambda: recover(str(root)), f"{root}/vendor/evil is not a directory")


def test_a_symlinked_directory_in_the_stage_is_never_followed(hostile):
    root, outside = hostile
    stage = ship(root, [("vendor/a.org/y", f"{STAGE}/vendor/a.org/y")], header(root))
    os.symlink(outside, os.path.join(stage, "vendor"))
    assert_left_alone(root, outside, lambda: recover(str(root)), f"{stage}/vendor is not a directory")


def test_a_symlinked_stage_is_left_alone(hostile):
    root, outside = hostile
    ship(outside, [(f"{STAGE}/gone", "victim.txt")], header(outside), name="stage")
    os.symlink(outside / "stage", root / STAGE)
    assert_left_alone(root, outside, lambda: recover(str(root)), "it is a symlink")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the stage another owner")
def test_a_stage_of_another_user_is_left_alone(hostile):
    root, outside = hostile
    stage = ship(root, [], header(root))
    os.chown(stage, 54321, 54321)
    assert_left_alone(root, outside, lambda: recover(str(root)), "belongs to another user")


def test_a_previous_versions_stage_is_left_alone(hostile):
    """Its journal has absolute paths and no header, its owner file sits next to it."""
    root, outside = hostile
    stage = os.path.join(root, STAGE)
    os.makedirs(os.path.join(stage, "previous"))
    os.rename(root / "Gopkg.lock", os.path.join(stage, "previous", "Gopkg.lock"))
    with open(os.path.join(stage, "journal"), "w") as f:
        f.write(f"{root}/Gopkg.lock\t{stage}/previous/Gopkg.lock\n")
    (root / f"{STAGE}.owner").write_text("")
    assert_left_alone(root, outside, lambda: recover(str(root)), "this version of dep did not make it")


@pytest.mark.parametrize("fifo", ["owner", "journal"])
def test_a_fifo_in_place_of_our_files_does_not_block(hostile, fifo):
    root, outside = hostile
    stage = ship(root, [], header(root))
    os.remove(os.path.join(stage, fifo))
    os.mkfifo(os.path.join(stage, fifo))
    code = f"import sys; sys.path.insert(0, {SRC!r}); from dep.txn import recover; print(recover({str(root)!r}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and STAGE in r.stdout and os.path.exists(os.path.join(stage, fifo)), r


# -- the swap itself ----------------------------------------------------------------------------


def test_a_kept_project_behind_a_symlinked_vendor_dir_is_not_moved(project, tmp_path):
    """vendor/a.org -> outside: keeping vendor/a.org/kept must not move outside's files."""
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    os.rename(project / "vendor" / "a.org", outside)
    os.symlink(outside, project / "vendor" / "a.org")
    before, canary = tree(project), tree(outside)
    with Transaction(str(project)) as txn:
        stage_new(txn)
        with pytest.raises(TransactionError, match=f"could not write {project}/vendor/a.org: .*left as they were"):
            txn.commit()
    assert (tree(project), tree(outside)) == (before, canary)


def test_a_kept_project_is_not_moved_into_a_symlinked_stage_dir(project, tmp_path):
    """The new vendor/ has a.org -> outside: keeping vendor/a.org/kept/sub must neither make
    directories there nor move anything into it."""
    (project / "vendor" / "a.org" / "kept" / "sub").mkdir()
    outside = tmp_path.parent / (tmp_path.name + "-outside")
    outside.mkdir()
    before = tree(project)
    with Transaction(str(project)) as txn:
        os.symlink(outside, os.path.join(txn.vendor_dir, "a.org"))
        txn.keep_vendored("a.org/kept/sub")
        with pytest.raises(TransactionError, match=f"could not write {txn.stage}/vendor/a.org: "):
            txn.commit()
    assert tree(project) == before and os.listdir(outside) == []


@pytest.mark.parametrize("name", ["../main.go", "/etc", "a.org/../../main.go", "a\nb"])
def test_a_kept_path_outside_vendor_is_refused(project, name):
    before = snapshot(project)
    with Transaction(str(project)) as txn:
        stage_new(txn)
        txn.keep_vendored(name)
        with pytest.raises(TransactionError, match="not a path dep writes; .*left as they were"):
            txn.commit()
    assert snapshot(project) == before


def test_a_journal_that_cannot_be_opened_fails_cleanly(project):
    import shutil

    before = snapshot(project)
    with Transaction(str(project)) as txn:
        stage_new(txn)
        shutil.rmtree(txn.stage)
        with pytest.raises(TransactionError, match="could not write .*journal: No such file or directory; "
                                                   "Gopkg.toml, Gopkg.lock and vendor/ were left as they were"):
            txn.commit()
    assert snapshot(project) == before
    assert not [n for n in os.listdir(project) if n.startswith(STAGE_PREFIX)]


def test_stages_are_invisible_to_git(project):
    from tests.gitrepos import git

    git(project, "init", "-q")
    txn = Transaction(str(project))
    stage_new(txn)
    status = git(project, "status", "--porcelain", "--untracked-files=all")
    assert "?? main.go" in status and STAGE_PREFIX not in status, status
    os.close(txn._owner)  # the run is killed: what it leaves stays invisible too
    assert STAGE_PREFIX not in git(project, "status", "--porcelain", "--untracked-files=all")
    assert recover(str(project)) == []
    assert not [n for n in os.listdir(project) if n.startswith(STAGE_PREFIX)]


def test_drop_vendor_removes_it_at_commit_and_keeps_it_on_failure(project):
    before = snapshot(project)
    with pytest.raises(RuntimeError):
        with Transaction(str(project)) as txn:
            txn.write_file("go.mod", "module x\n")
            txn.drop_vendor()
            raise RuntimeError("staging failed")
    assert snapshot(project) == before
    with Transaction(str(project)) as txn:
        txn.write_file("go.mod", "module x\n")
        txn.drop_vendor()
        txn.commit()
    assert not (project / "vendor").exists() and (project / "go.mod").read_text() == "module x\n"
    assert not [n for n in os.listdir(project) if n.startswith(STAGE_PREFIX)]
