"""The source cache on a full disk, and shared by concurrent runs without sm.lock.

A cache that cannot be written is a one-line error naming the cache directory, never a
traceback, a "solving failure" blaming the constraints, or a silently older version; two runs
cloning the same repository into an empty cache at once (DEPNOLOCK=1) both succeed.

The full disk is real: a small tmpfs (needs root; skipped otherwise), filled up.
"""

import errno
import os
import shutil
import subprocess

import pytest

from dep.sources.cache import MetadataCache
from tests.e2e.ensure_world import LIB_GO, template, world  # noqa: F401 -- fixtures

LIB_CLONE = "sources/https---github.com-acme-lib"


@pytest.fixture
def full_disk(tmp_path):
    """A directory on a 256 kB tmpfs that is full but for one page (room for sm.lock)."""
    d = tmp_path / "full"
    d.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(d)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {r.stderr.decode(errors='replace').strip()}")
    try:
        fillers = []
        while True:
            path = d / f"filler{len(fillers)}"
            try:
                path.write_bytes(b"x" * 4096)
            except OSError as e:
                assert e.errno == errno.ENOSPC
                break
            fillers.append(path)
        fillers[0].unlink()
        yield d
    finally:
        subprocess.run(["umount", str(d)], check=True)


def full_message(cache, clone=LIB_CLONE):
    return (f"could not write the source cache at {cache / clone}: no space left on device; "
            "free some space or set DEPCACHEDIR\n")


@pytest.mark.parametrize("args", [["status"], ["status", "-old"], ["ensure", "-update"],
                                  ["ensure", "-vendor-only"]], ids=" ".join)
def test_an_empty_cache_on_a_full_disk_is_one_line_naming_the_cache(world, full_disk, args):
    world.dep("ensure", ok=True)
    before = world.snapshot()
    world.env["DEPCACHEDIR"] = str(full_disk)
    r = world.dep(*args, ok=False)
    # whichever clone the parallel jobs start first
    assert r.stderr in (full_message(full_disk), full_message(full_disk, "sources/https---github.com-acme-util"))
    assert world.snapshot() == before
    assert [n for n in os.listdir(full_disk / "sources") if not n.startswith("filler")] == []


@pytest.mark.parametrize("command", ["ensure -update", "init"])
def test_a_full_disk_is_not_taken_for_a_version_that_failed(world, tmp_path, command):
    """The fetch of a new version fails on the full disk: dep must not settle for an older
    version (exit 0 with v1.1.0) nor call it a solving failure."""
    cache = tmp_path / "cache-on-tmpfs"
    cache.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(cache)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs")
    try:
        world.env.update(DEPCACHEDIR=str(cache), DEPNOLOCK="1")
        world.dep("ensure", ok=True)
        # a release the command would pick: under the constraint ^1 (ensure), the newest (init)
        world.tag("lib", "v2.1.0" if command == "init" else "v1.2.0", {"lib.go": LIB_GO.format(v="new")})
        if command == "init":
            import shutil

            for name in ("Gopkg.toml", "Gopkg.lock"):
                (world.project / name).unlink()
            shutil.rmtree(world.project / "vendor")
        before = world.snapshot()
        n = 0
        while True:
            try:
                (cache / f"filler{n}").write_bytes(b"x" * 4096)
            except OSError:
                break
            n += 1
        r = world.dep(*command.split(), ok=False)
        assert r.stderr.endswith(full_message(cache)), r.stderr
        assert world.snapshot() == before
    finally:
        subprocess.run(["umount", str(cache)], check=True)


def test_the_message_says_what_to_do():
    m = MetadataCache(None)
    ro = m.write_failed(OSError(errno.EROFS, os.strerror(errno.EROFS)), "/c/sources/x")
    assert str(ro) == ("could not write the source cache at /c/sources/x: read-only file system; "
                       "make it writable or set DEPCACHEDIR")
    m.write_failed(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "/c/sources/y")
    assert m.write_failure is ro  # the first failure is the one reported


# -- DEPNOLOCK=1: concurrent clones into one empty cache ------------------------------------------


def test_concurrent_runs_clone_into_an_empty_cache_without_sm_lock(world):
    """Each run clones into a temporary directory and renames it into place; the loser of the
    race uses the winner's clone (it used to fail with ENOTEMPTY from the rename)."""
    world.env["DEPNOLOCK"] = "1"
    cache = world.base / "cache"
    for _ in range(8):
        shutil.rmtree(cache)
        cache.mkdir()
        procs = [world.popen("ensure", "-dry-run") for _ in range(3)]
        results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
        assert all(code == 0 and "Traceback" not in err for _, err, code in results), results
        assert sorted(os.listdir(cache / "sources")) == [
            "https---github.com-acme-lib", "https---github.com-acme-util"]
