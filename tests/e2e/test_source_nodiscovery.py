"""``source`` without discovery (dep#860, dep#2106) end to end: when Gopkg.toml or Gopkg.lock
names a project's ``source``, no go-get request is made for its import paths; a control run
with the seeding switched off shows the same commands did make one."""

from __future__ import annotations

import pytest

from tests.e2e.vanity_world import World

VANITY = "example.org/foo"
SOURCE = "https://github.com/acme/foo"
MANIFEST = f'[[constraint]]\n  name = "{VANITY}"\n  source = "{SOURCE}"\n  version = "1.0.0"\n'

_NO_SEED = """
import sys
from dep.sources.deducer import Deducer
Deducer.seed = lambda self, root, source: None
from dep.cli.app import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def world(tmp_path):
    # discovery would answer too, so the control run can succeed
    w = World(tmp_path / "w", vanity=VANITY, repo_url=SOURCE, manifest=MANIFEST)
    yield w
    w.close()


def test_manifest_source_means_no_discovery(world):
    world.dep("ensure", ok=True)
    assert world.requests() == []
    lock = world.read("Gopkg.lock")
    assert f'name = "{VANITY}"' in lock and f'source = "{SOURCE}"' in lock
    for args in (("status",), ("status", "-json"), ("ensure",), ("ensure", "-vendor-only")):
        world.dep(*args, ok=True)
        assert world.requests() == [], args


def test_without_the_change_discovery_happens(world):
    """The control: the same first ensure with the deducer not seeded asks the vanity host."""
    world.python(_NO_SEED, "ensure")
    assert any(VANITY in req for req in world.requests())


def test_vendor_only_trusts_the_lock_source(world):
    """dep#2106: Gopkg.toml without the rule, the lock with the source: -vendor-only (and an
    in-sync ensure) make no request for the vanity path."""
    world.dep("ensure", ok=True)
    world.write("Gopkg.toml", "")
    world.server.requests.clear()
    world.dep("ensure", "-vendor-only", ok=True)
    assert world.requests() == []


def test_vendor_only_with_a_fresh_cache(world, tmp_path):
    """-vendor-only with a fresh cache: every locked project with a source is fetched from it
    and nothing is discovered, though the lock's name is a vanity path."""
    world.dep("ensure", ok=True)
    world.server.requests.clear()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    world.dep("ensure", "-vendor-only", ok=True, DEPCACHEDIR=str(fresh))
    assert world.requests() == []


def test_name_that_static_rules_correct_is_still_reported(world):
    """Seeding trusts only names static rules cannot answer: a wrong github.com name keeps
    dep's error, with no network needed."""
    world.write("Gopkg.toml", MANIFEST + '\n[[constraint]]\n  name = "github.com/acme/lib/sub"\n'
                f'  source = "{SOURCE}"\n  version = "1.0.0"\n')
    r = world.dep("ensure", ok=False)
    assert 'the name for "github.com/acme/lib/sub" should be changed to "github.com/acme/lib"' in r.stderr
    assert world.requests() == []
