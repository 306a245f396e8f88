"""`dep ensure` under faults: whatever goes wrong while Gopkg.toml, Gopkg.lock and vendor/
are being written, the project is left exactly as it was (byte for byte, no staging
directories), dep exits 1 with a one-line message and no traceback, and a run killed in the
middle of the swap is undone by the next run.

Faults are injected into our own code (an export or prune that raises, a rename that fails
or kills the process); git, the file system and the processes stay real.
"""

import errno
import io
import os
import signal
import subprocess
import sys
import textwrap
import types

import pytest

import dep.txn
from dep.cli.app import main
from tests.e2e.ensure_world import LIB_GO, UTIL_GO, template, world  # noqa: F401 -- fixtures

LIB, UTIL, EXTRA = "github.com/acme/lib", "github.com/acme/util", "github.com/acme/extra"
SRC = os.path.join(os.path.dirname(__file__), "..", "..", "src")


@pytest.fixture
def ensured(world):
    """An ensured project whose upstreams have since moved on (so -update rewrites both)."""
    world.dep("ensure", ok=True)
    world.tag("lib", "v1.2.0", {"lib.go": LIB_GO.format(v="lib1.2")})
    world.tag("util", "v1.2.0", {"util.go": UTIL_GO.format(v="u1.2")})
    return world


def in_process(world, monkeypatch, *args):
    """dep run inside this process (so our code can be patched); returns (code, out, err)."""
    monkeypatch.chdir(world.project)
    for k, v in world.env.items():
        monkeypatch.setenv(k, v)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err, dict(world.env))
    return code, out.getvalue(), err.getvalue()


def assert_one_line_failure(code, err):
    """Exit 1, one line of error (-add prints dep's blank line before it), no traceback."""
    assert code == 1
    assert "Traceback" not in err
    assert err.endswith("\n") and len([line for line in err.splitlines() if line]) == 1, err


def finish(p, timeout=120):
    """Wait for a process started with World.popen; killed (and the test failed) if it hangs."""
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        pytest.fail(f"dep hung:\n{err}")
    return p.returncode, out, err


def readline(p, timeout=30):
    """The next stderr line of a running process, or "" if none comes in time."""
    import select

    ready, _, _ = select.select([p.stderr], [], [], timeout)
    return p.stderr.readline() if ready else ""


def assert_consistent(world):
    r = world.dep("check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


# -- (a) an exception while vendor/ is being written -----------------------------------------


def failing_prune(real, victim):
    """prune_project failing with EIO for the project ``victim`` (after its export)."""
    def prune(root, *args, **kwargs):
        if root.replace(os.sep, "/").endswith("/" + victim):
            raise OSError(errno.EIO, "Input/output error", os.path.join(root, "sub"))
        return real(root, *args, **kwargs)
    return prune


def failing_export(real, victim):
    """SourceManager.export failing with ENOSPC for ``victim``, half way through."""
    def export(self, pid, rev, dest, *args, **kwargs):
        if pid.root == victim:
            os.makedirs(dest, exist_ok=True)  # the writer made it already
            with open(os.path.join(dest, "half.go"), "w") as f:
                f.write("package half\n")
            raise OSError(errno.ENOSPC, "No space left on device", os.path.join(dest, "half.go"))
        return real(self, pid, rev, dest, *args, **kwargs)
    return export


@pytest.mark.parametrize("where", ["prune", "export"])
@pytest.mark.parametrize("mode", ["update", "add", "first"])
def test_exception_while_writing_vendor_leaves_everything_as_it_was(world, monkeypatch, where, mode):
    import dep.vendor
    from dep.sources.manager import SourceManager

    if mode == "first":  # no lock and no vendor/ yet: the full writer
        args, victim = ["ensure"], UTIL
    else:
        world.dep("ensure", ok=True)
        world.tag("lib", "v1.2.0", {"lib.go": LIB_GO.format(v="lib1.2")})
        world.tag("util", "v1.2.0", {"util.go": UTIL_GO.format(v="u1.2")})
        args, victim = (["ensure", "-update"], UTIL) if mode == "update" else (["ensure", "-add", EXTRA + "@^0.1.0"], EXTRA)
    before = world.snapshot()
    if where == "prune":
        monkeypatch.setattr(dep.vendor, "prune_project", failing_prune(dep.vendor.prune_project, victim))
        problem = "/sub: input/output error\n"
    else:
        monkeypatch.setattr(SourceManager, "export", failing_export(SourceManager.export, victim))
        problem = "/half.go: no space left on device\n"
    code, out, err = in_process(world, monkeypatch, *args)
    assert_one_line_failure(code, err)
    assert err.lstrip("\n").startswith(f"grouped write of manifest, lock and vendor: failed to export {victim}: ")
    assert err.endswith(f"/vendor/{victim}{problem}")
    assert world.snapshot() == before
    monkeypatch.undo()
    if mode != "first":
        assert_consistent(world)


# -- (b) a rename of the swap fails (ENOSPC) -------------------------------------------------


class _FailingOs(types.ModuleType):
    """``os`` for dep.txn only, with ``rename`` replaced."""

    def __init__(self, rename):
        super().__init__("os")
        self.rename = rename

    def __getattr__(self, name):
        return getattr(os, name)


# -add writes all three: Gopkg.toml, Gopkg.lock and vendor/ (extra new, lib and util kept)
ADD = ["ensure", "-add", EXTRA + "@^0.1.0"]


SWAP_RENAMES = 8  # keep lib, keep util, vendor out, vendor in, toml out, toml in, lock out, lock in


@pytest.mark.parametrize("fail_at", range(1, SWAP_RENAMES + 1))
def test_enospc_at_a_rename_of_the_swap_restores_the_previous_state(ensured, monkeypatch, fail_at):
    before = ensured.snapshot()
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == fail_at:
            raise OSError(errno.ENOSPC, "No space left on device", dst)
        os.rename(src, dst)

    monkeypatch.setattr(dep.txn, "os", _FailingOs(rename))
    code, out, err = in_process(ensured, monkeypatch, *ADD)
    assert ensured.snapshot() == before
    assert len(calls) >= fail_at
    assert_one_line_failure(code, err)
    assert "no space left on device" in err.lower()
    assert "left as they were" in err
    monkeypatch.undo()
    assert_consistent(ensured)


def test_the_swap_has_the_expected_renames(ensured, monkeypatch):
    """Guards SWAP_RENAMES: if the swap changes shape, the parametrisation above must follow."""
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        os.rename(src, dst)

    monkeypatch.setattr(dep.txn, "os", _FailingOs(rename))
    code, out, err = in_process(ensured, monkeypatch, *ADD)
    assert (code, err) == (0, "\n")
    assert len(calls) == SWAP_RENAMES
    assert not ensured.leftovers()
    monkeypatch.undo()
    assert ensured.dep("check", "-skip-lock").returncode == 0


# -- (c) a read-only vendor directory ----------------------------------------------------------


def _make_read_only(paths):
    """chmod 0o555; for root (which chmod does not stop) the immutable attribute instead.
    Returns an undo function, or None when neither stops this process from writing."""
    for p in paths:
        os.chmod(p, 0o555)
    probe = os.path.join(paths[0], ".probe")
    try:
        open(probe, "w").close()
    except OSError:
        return lambda: [os.chmod(p, 0o755) for p in paths]
    os.unlink(probe)
    for p in paths:
        os.chmod(p, 0o755)
    if subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True).returncode != 0:
        return None
    return lambda: subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_read_only_vendor_fails_cleanly(ensured):
    vendor = ensured.project / "vendor"
    undo = _make_read_only([vendor, vendor / LIB])
    if undo is None:
        pytest.skip("running as root: directory permissions do not stop writes and chattr +i is unavailable")
    try:
        before = ensured.snapshot()
        r = ensured.dep("ensure", "-update")
        assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
        assert r.stderr.startswith(f"could not write {vendor}: ") and r.stderr.endswith(
            "; Gopkg.toml, Gopkg.lock and vendor/ were left as they were\n"), r.stderr
        assert ensured.snapshot() == before
    finally:
        undo()
    assert ensured.leftovers() == []
    assert_consistent(ensured)


# -- (d) a run killed in the middle of the swap ------------------------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys, types
    sys.path.insert(0, {src!r})
    import dep.txn
    mode, n = sys.argv[1], int(sys.argv[2])
    count = [0]

    class KillingOs(types.ModuleType):
        def __getattr__(self, name):
            return getattr(os, name)

        def rename(self, src, dst):
            if mode == "rename":
                count[0] += 1
                if count[0] > n:
                    os.kill(os.getpid(), signal.SIGKILL)
            os.rename(src, dst)

    dep.txn.os = KillingOs("os")
    if mode == "cleanup":  # killed after the commit marker, before the stage is cleaned up
        commit = dep.txn.Transaction.commit

        def commit_then_die(self):
            commit(self)
            os.kill(os.getpid(), signal.SIGKILL)

        dep.txn.Transaction.commit = commit_then_die
    from dep.cli.app import main
    sys.exit(main(sys.argv[3:]))
""")


def run_killer(world, tmp_path, mode, n, *args):
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(src=os.path.abspath(SRC)))
    code, out, err = finish(world.popen(mode, str(n), *args, code=script.read_text()))
    assert code == -signal.SIGKILL, (code, err)
    return err


@pytest.mark.parametrize("next_run", ["ensure", "check"])
@pytest.mark.parametrize("renames_done", range(SWAP_RENAMES))
def test_killed_mid_swap_is_undone_by_the_next_run(ensured, tmp_path, renames_done, next_run):
    before = ensured.snapshot()
    run_killer(ensured, tmp_path, "rename", renames_done, *ADD)
    assert ensured.leftovers()  # the killed run's staging directory, with its journal
    r = ensured.dep(next_run, "-v" if next_run == "ensure" else "-q")
    assert r.returncode == 0, r.stderr
    assert ensured.snapshot() == before
    assert_consistent(ensured)


def test_killed_after_commit_keeps_the_new_state(ensured, tmp_path):
    run_killer(ensured, tmp_path, "cleanup", 0, *ADD)
    assert ensured.leftovers()
    assert EXTRA in ensured.read("Gopkg.toml") and (ensured.project / "vendor" / EXTRA).is_dir()
    r = ensured.dep("check", "-skip-lock")
    assert r.returncode == 0, r.stdout + r.stderr
    assert ensured.leftovers() == []
    assert EXTRA in ensured.read("Gopkg.lock")


# -- (e) two runs at once ------------------------------------------------------------------------


def test_concurrent_runs_are_serialised_by_the_cache_lock(world):
    from dep.sources.cache import SourceManagerLock

    lock = SourceManagerLock(world.env["DEPCACHEDIR"], warn=lambda line: None)
    lock.acquire()  # hold sm.lock so that both runs have to wait for it
    try:
        procs = [world.popen("ensure"), world.popen("ensure")]
        sm_lock = os.path.join(world.env["DEPCACHEDIR"], "sm.lock")
        waiting = f"waiting for lockfile {sm_lock}: Locked by other process\n"
        lines = [readline(p) for p in procs]  # each says it waits, then waits
        assert lines == [waiting, waiting]
        assert all(p.poll() is None for p in procs)
    finally:
        lock.release()
    results = [finish(p) for p in procs]
    assert [r[0] for r in results] == [0, 0], results
    assert all("Traceback" not in r[2] for r in results)
    assert_consistent(world)
    assert world.leftovers() == []


def test_cache_dirs_made_by_a_concurrent_run_in_between(tmp_path, monkeypatch):
    """Two first runs on a fresh cache: the other run makes sources/ between our stat and
    our mkdir. (dep v0.5.4 fails there with 'file exists'; that is no behaviour to keep.)"""
    from dep.sources import cache

    real = cache._stat_go

    def stat_then_lose_the_race(path):
        try:
            return real(path)
        finally:
            os.makedirs(path, exist_ok=True)

    monkeypatch.setattr(cache, "_stat_go", stat_then_lose_the_race)
    env = {"DEPCACHEDIR": str(tmp_path / "c")}
    assert cache.cache_dir(env, "") == str(tmp_path / "c")
    assert cache.ensure_sources_dir(str(tmp_path / "c")) == str(tmp_path / "c" / "sources")


def test_concurrent_runs_started_together(ensured):
    procs = [ensured.popen("ensure", "-update"), ensured.popen("ensure", "-update")]
    results = [finish(p) for p in procs]
    assert [r[0] for r in results] == [0, 0], results
    assert all("Traceback" not in r[2] for r in results)
    assert_consistent(ensured)
    assert 'version = "v1.2.0"' in ensured.read("Gopkg.lock")
    assert ensured.leftovers() == []


# -- Ctrl-C ----------------------------------------------------------------------------------------

SLOW_EXPORT = textwrap.dedent("""
    import signal, sys, time
    # as in a terminal: a run started in the background of a non-interactive shell (CI
    # launched with `&`) inherits SIGINT ignored, and dep would never see the Ctrl-C
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.path.insert(0, {src!r})
    from dep.sources.manager import SourceManager
    real = SourceManager.export

    def export(self, pid, *a, **k):
        sys.stderr.write("EXPORTING " + pid.root + "\\n"); sys.stderr.flush()
        time.sleep(0.5)
        return real(self, pid, *a, **k)

    SourceManager.export = export
    from dep.cli.app import main
    sys.exit(main(sys.argv[1:]))
""")


def test_ctrl_c_during_vendor_export_leaves_everything_as_it_was(ensured):
    before = ensured.snapshot()
    p = ensured.popen("ensure", "-update", code=SLOW_EXPORT.format(src=os.path.abspath(SRC)))
    line = readline(p)
    if not line.startswith("EXPORTING "):
        p.kill()
        pytest.fail(line + p.communicate()[1])
    p.send_signal(signal.SIGINT)
    code, out, err = finish(p, timeout=60)
    assert code == 1
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "interrupted"
    assert ensured.leftovers() == [], (err, sorted(k for k in ensured.snapshot() if "txn" in k))
    assert ensured.snapshot() == before
    assert_consistent(ensured)
