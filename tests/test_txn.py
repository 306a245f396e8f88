"""Transactional writes: the new state lands whole, or the previous one stays intact."""

import errno
import os
import subprocess
import sys
import textwrap

import pytest

from dep.txn import STAGE_PREFIX, Transaction, TransactionError, recover


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
    with Transaction(str(project)) as txn:
        stage_new(txn)
        txn.commit()
        stage = txn.stage
        os.makedirs(stage, exist_ok=True)  # pretend cleanup never happened
        with open(os.path.join(stage, "journal"), "w") as f:
            f.write("committed\n")
        txn.stage = stage + "-gone"
    recover(str(project))
    assert snapshot(project) == NEW
    assert not os.path.exists(stage)


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


def test_a_dead_runs_owner_file_is_cleaned(tmp_path):
    (tmp_path / ".dep-txn-abc.owner").write_text("")
    os.mkdir(tmp_path / ".dep-txn-def")
    (tmp_path / ".dep-txn-def.owner").write_text("")
    recover(str(tmp_path))
    assert os.listdir(tmp_path) == []
