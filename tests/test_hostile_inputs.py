"""Hostile Gopkg files and tags: one-line errors or ordinary behaviour, never a traceback.

Gopkg.toml, Gopkg.lock and the tags of every dependency are attacker-controlled input (dep
runs in CI on pull requests), so numbers of any length and nesting of any depth must not
crash `dep` (Python's int() refuses over 4300 digits, its parsers recurse).
"""

import pytest

from dep.errors import LockError, ManifestError
from dep.lock import parse_lock
from dep.manifest import parse_manifest
from dep.tomlread import TOMLError, loads
from dep.versions import PlainVersion, SemverVersion, constraint_from_rule, parse_version
from tests.e2e.ensure_world import template, world  # noqa: F401 -- fixtures
from tests.gitrepos import git

BIG = "1" * 5000
HOSTILE_TOML = {
    "integer": f"[solve-meta]\nsolver-version = {BIG}\n",
    "integer in an array": f"x = [{BIG}]\n",
    "integer in an inline table": f"x = {{y = {BIG}}}\n",
    "nested arrays": "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "nested inline tables": "x = " + "{y=" * 5000 + "1" + "}" * 5000 + "\n",
    "long dotted key": "a" + ".a" * 10_000 + " = 1\n",  # tomllib: 400 MB (quadratic)
}


@pytest.mark.parametrize("text", HOSTILE_TOML.values(), ids=HOSTILE_TOML.keys())
def test_hostile_toml_is_a_parse_error(text):
    with pytest.raises(TOMLError):
        loads(text)


@pytest.mark.parametrize("text", HOSTILE_TOML.values(), ids=HOSTILE_TOML.keys())
def test_hostile_lock_is_a_one_line_error_naming_the_file(text):
    with pytest.raises(LockError) as e:
        parse_lock(text, "/p/Gopkg.lock")
    assert str(e.value).startswith("error while parsing /p/Gopkg.lock: Unable to parse the lock as TOML: ")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("text", HOSTILE_TOML.values(), ids=HOSTILE_TOML.keys())
def test_hostile_manifest_is_a_one_line_error_naming_the_file(text):
    with pytest.raises(ManifestError) as e:
        parse_manifest(text, "/p/Gopkg.toml")
    assert str(e.value).startswith("error while parsing /p/Gopkg.toml: ")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("name", ["Gopkg.lock", "Gopkg.toml"])
@pytest.mark.parametrize("command", [["check"], ["status"], ["ensure", "-vendor-only", "-dry-run"]],
                         ids=" ".join)
def test_hostile_gopkg_files_fail_with_one_line(world, name, command):
    world.dep("ensure", ok=True)
    for text in (HOSTILE_TOML["integer"], HOSTILE_TOML["nested arrays"]):
        world.write(name, text)
        r = world.dep(*command, ok=False)
        assert r.returncode == 1
        assert r.stderr.count("\n") == 1 and f"error while parsing {world.project / name}: " in r.stderr


# -- tags and constraints with huge numbers ---------------------------------------------------


@pytest.mark.parametrize("tag", [f"v{BIG}.0.0", f"1.{BIG}", f"1.0.{BIG}", "4294967296.0.0", f"v{'0' * 5000}1.0.0"])
def test_a_version_number_past_uint32_makes_a_plain_version(tag):
    """Masterminds' NewVersion: strconv.ParseUint(part, 10, 32) fails -> not semver (gps
    then treats the tag as a plain version); leading zeros are allowed."""
    v = parse_version(tag)
    if tag.startswith("v000"):
        assert v == SemverVersion(1, 0, 0, original=tag)
    else:
        assert v == PlainVersion(tag)


def test_a_prerelease_number_past_uint64_is_not_numeric():
    """Against a missing identifier, a numeric one sorts above and any other below."""
    rc = parse_version("1.0.0-rc")
    assert parse_version("1.0.0-rc.5").compare(rc) == 1
    assert parse_version(f"1.0.0-rc.{BIG}").compare(rc) == -1


def test_a_constraint_with_a_huge_number_is_a_plain_version():
    """dep's Gopkg.toml rule: not a semver constraint -> a plain version of that name."""
    assert constraint_from_rule(version=f"^{BIG}.0.0") == PlainVersion(f"^{BIG}.0.0")


def _pack_tag(repo, tag):
    """A tag too long for a loose ref file (git itself cannot create it): packed-refs only."""
    git(repo, "pack-refs", "--all")
    with open(repo / ".git" / "packed-refs", "a") as f:
        f.write(f"{git(repo, 'rev-parse', 'HEAD')} refs/tags/{tag}\n")


def test_a_dependency_tag_with_a_huge_number_is_a_plain_tag(world):
    """A tag v<5000 digits>.0.0 in a dependency crashed every consumer's ensure."""
    tag = f"v{BIG}.0.0"
    _pack_tag(world.repos["util"], tag)
    assert tag in git(world.repos["util"], "tag")
    world.dep("ensure", ok=True)
    assert tag not in world.read("Gopkg.lock")  # semver tags sort before plain ones
    world.dep("status", ok=True)
    world.write("Gopkg.toml", world.read("Gopkg.toml")
                + f'\n[[override]]\n  name = "github.com/acme/util"\n  version = "{tag}"\n')
    world.dep("ensure", ok=True)
    assert f'version = "{tag}"' in world.read("Gopkg.lock")
    r = world.dep("status", ok=True)
    assert tag in r.stdout
