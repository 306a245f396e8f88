import os

import pytest

from dep.digest import VersionedDigest
from dep.errors import LockError
from dep.lock import Lock, LockedProject, parse_lock, read_lock, render_lock
from dep.prune import PruneOptions
from dep.versions import Branch, PairedVersion, PlainVersion, Revision, SemverVersion, parse_version

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "locks")
# Each fixture was checked to be byte-identical to what dep v0.5.4 writes back after reading it.
LOCKS = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".lock"))


@pytest.mark.parametrize("name", LOCKS)
def test_round_trip_is_byte_identical(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        text = f.read()
    assert render_lock(parse_lock(text, name)) == text


def test_version_kinds_are_read_from_version_branch_revision():
    lock = read_lock(os.path.join(FIXTURES, "mixed.lock"))
    by_name = {p.name: p for p in lock.projects}
    semver = by_name["example.org/alpha/semver"]
    assert isinstance(semver.version, SemverVersion) and str(semver.version) == "v1.4.2"
    assert isinstance(by_name["example.org/beta/branch"].version, Branch)
    assert isinstance(by_name["example.org/delta/plain"].version, PlainVersion)
    assert by_name["example.org/delta/plain"].source == "https://mirror.example.net/delta/plain.git"
    rev = by_name["example.org/gamma/revonly"]
    assert rev.version is None and isinstance(rev.locked_version, Revision)
    assert rev.digest.hash_version == 0
    assert isinstance(semver.locked_version, PairedVersion)
    assert semver.prune_opts == PruneOptions.NESTED_VENDOR | PruneOptions.UNUSED_PACKAGES | PruneOptions.GO_TESTS


def test_render_sorts_projects_by_root_then_source():
    lock = Lock(projects=[
        LockedProject("b.org/x", "2" * 40, source="z"),
        LockedProject("a.org/x", "1" * 40, source="https://m/a"),
        LockedProject("a.org/x", "3" * 40),
    ])
    names = [(line) for line in render_lock(lock).splitlines() if "revision" in line]
    assert names == [f'  revision = "{"3" * 40}"', f'  revision = "{"1" * 40}"', f'  revision = "{"2" * 40}"']


def test_no_projects_starts_with_solve_meta():
    text = render_lock(Lock())
    assert text.split("\n")[1:4] == ["", "", "[solve-meta]"]
    assert "  input-imports = []\n" in text


def test_missing_lock_is_none(tmp_path):
    assert read_lock(str(tmp_path / "Gopkg.lock")) is None


def test_digest_and_prune_survive_render():
    p = LockedProject("a.org/x", "1" * 40, version=parse_version("v1.0.0"),
                      packages=["."], prune_opts=PruneOptions.NESTED_VENDOR | PruneOptions.NON_GO,
                      digest=VersionedDigest(1, bytes(range(32))))
    text = render_lock(Lock(projects=[p]))
    assert '  pruneopts = "N"\n' in text
    assert f'  digest = "1:{bytes(range(32)).hex()}"\n' in text


@pytest.mark.parametrize("body, message", [
    ('[[projects]]\nname = "a.org/x"\nbranch = "b"\nversion = "v1"\nrevision = "r"\n',
     "lock file specified both a branch (b) and version (v1) for a.org/x"),
    ('[[projects]]\nname = "a.org/x"\n', "lock file has entry for a.org/x, but specifies no branch or version"),
    ('[[projects]]\nname = "a.org/x"\nrevision = "r"\npruneopts = "UX"\n',
     "unknown pruning code 'X' in prune options for a.org/x"),
    ('[[projects]]\nname = "a.org/x"\nrevision = "r"\ndigest = "1abc"\n',
     'expected two colon-separated components in the versioned hash digest, got "1abc"'),
    ('[[projects]]\nname = "a.org/x"\nrevision = "r"\ndigest = "1:zz"\n', "encoding/hex: invalid byte: U+007A 'z'"),
    ("[[projects]\n", "Unable to parse the lock as TOML"),
    ('[[projects]]\nname = 5\nrevision = "r"\n', "'name' must be a string"),
    ('projects = "x"\n', "'projects' must be an array"),
    ('[[projects]]\nname = "a.org/x"\nrevision = "r"\npackages = [1]\n', "'packages' must be an array of strings"),
    ("[solve-meta]\ninput-imports = 3\n", "'input-imports' must be an array"),
])
def test_malformed_locks_give_one_line_errors_naming_the_file(body, message):
    with pytest.raises(LockError) as e:
        parse_lock(body, "/p/Gopkg.lock")
    text = str(e.value)
    assert text.startswith("error while parsing /p/Gopkg.lock: ")
    assert message in text
    assert "\n" not in text


def test_unreadable_lock(tmp_path):
    (tmp_path / "Gopkg.lock").mkdir()
    with pytest.raises(LockError, match="could not open"):
        read_lock(str(tmp_path / "Gopkg.lock"))
