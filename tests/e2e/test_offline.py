"""Offline mode end to end: a warm cache serves every command with no network at all (the
upstream repositories are gone, the discovery server counts 0 requests and no git network
operation runs); a cold cache fails with one error naming everything missing."""

from __future__ import annotations

import shutil

import pytest

from dep.digest import digest_from_directory
from dep.lock import parse_lock
from tests.e2e.vanity_world import LIB, World
from tests.treesnap import tree


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path / "w")
    yield w
    w.close()


def _vendor_digests(world) -> dict:
    lock = parse_lock(world.read("Gopkg.lock"), "Gopkg.lock")
    return {lp.name: (str(lp.digest), str(digest_from_directory(str(world.project / "vendor" / lp.name))))
            for lp in lock.projects}


def _warm(world) -> None:
    world.dep("ensure", ok=True)
    assert world.requests(), "the warm-up run must have used discovery"
    world.server.requests.clear()
    world.remove_upstreams()


def test_warm_cache_needs_no_network(world):
    _warm(world)
    lock = world.read("Gopkg.lock")
    shutil.rmtree(world.project / "vendor")

    r, ops = world.dep_counting("ensure", "-vendor-only", ok=True, DEPOFFLINE="1")
    assert ops == {} and world.requests() == []
    for name, (locked, vendored) in _vendor_digests(world).items():
        assert locked == vendored, name

    r, ops = world.dep_counting("ensure", "-offline", ok=True)  # in sync: nothing to do
    assert ops == {} and world.requests() == []

    r, ops = world.dep_counting("status", ok=True, DEPOFFLINE="1")
    assert ops == {} and world.requests() == []
    assert "v1.1.0" in r.stdout and world.vanity in r.stdout
    assert world.read("Gopkg.lock") == lock


def test_resolve_from_cached_data(world):
    """A changed constraint needs a new solve: versions from the clones' local refs, the vanity
    root from the go-get answer kept on disk."""
    _warm(world)
    world.write("Gopkg.toml", f'[[constraint]]\n  name = "{LIB}"\n  version = "=1.0.0"\n')
    r, ops = world.dep_counting("ensure", ok=True, DEPOFFLINE="1")
    assert ops == {} and world.requests() == []
    assert 'version = "v1.0.0"' in world.read("Gopkg.lock")
    assert (world.project / "vendor" / LIB / "lib.go").read_text().endswith('"1.0"\n')


def test_cold_cache_names_everything_missing_once(world, tmp_path):
    world.dep("ensure", ok=True)
    world.server.requests.clear()
    before = tree(world.project)
    cold = tmp_path / "cold"
    cold.mkdir()
    r, ops = world.dep_counting("ensure", "-vendor-only", ok=False, DEPOFFLINE="1", DEPCACHEDIR=str(cold))
    assert ops == {} and world.requests() == []
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("offline (DEPOFFLINE=1): not in the cache: ")
    assert f"{LIB} (no clone)" in lines[0]
    assert f"{world.vanity} (no go-get answer)" in lines[0]
    assert lines[0].endswith("; run once online to fill the cache")
    assert tree(world.project) == before  # nothing written


def test_cold_cache_solve_names_missing_discovery(world):
    """No lock yet: the vanity import cannot be deduced offline, and nothing is written."""
    r, ops = world.dep_counting("ensure", ok=False, DEPOFFLINE="1")
    assert ops == {} and world.requests() == []
    assert "offline (DEPOFFLINE=1): not in the cache: " in r.stderr
    assert f"{world.vanity} (no go-get answer)" in r.stderr
    assert not (world.project / "Gopkg.lock").exists()


def test_offline_flag_is_listed_in_help(world):
    for cmd in ("ensure", "status", "init"):
        r = world.dep("help", cmd)
        assert "-offline" in r.stderr, cmd
