"""Mirror rules end to end: a vanity path served from another URL by a rule in the user's
config file, with no go-get request; the lock is the one discovery gives (no mirror in it);
status -v and -json say which mirror served the project, and only then."""

from __future__ import annotations

import json

import pytest

from tests.e2e.vanity_world import World

VANITY = "golang.org/x/foo"
RULES = '[[mirror]]\n  prefix = "golang.org/x/*"\n  url = "https://github.com/golang/*"\n'


@pytest.fixture
def make(tmp_path):
    worlds = []

    def make(name: str) -> World:
        w = World(tmp_path / name, vanity=VANITY, repo_url="https://github.com/golang/foo")
        worlds.append(w)
        return w

    yield make
    for w in worlds:
        w.close()


def _config(world, text: str, where: str = "xdg") -> dict:
    if where == "xdg":
        path = world.base / "xdg/dep/config.toml"
        path.parent.mkdir(parents=True)
        path.write_text(text)
        return {"XDG_CONFIG_HOME": str(world.base / "xdg")}
    path = world.base / "mine.toml"
    path.write_text(text)
    return {"DEPCONFIG": str(path)}


def test_mirror_serves_vanity_path_without_discovery(make):
    plain = make("plain")
    plain.dep("ensure", ok=True)
    assert plain.requests(), "without a mirror the vanity path is discovered"
    plain_status = plain.dep("status", "-v", ok=True)
    plain_json = plain.dep("status", "-json", ok=True).stdout

    mirrored = make("mirrored")
    env = _config(mirrored, RULES)
    mirrored.dep("ensure", ok=True, **env)
    assert mirrored.requests() == []
    lock = mirrored.read("Gopkg.lock")
    assert lock == plain.read("Gopkg.lock")
    assert "source" not in lock
    assert (mirrored.project / "vendor" / VANITY / "foo.go").read_text() == \
        (plain.project / "vendor" / VANITY / "foo.go").read_text()

    r = mirrored.dep("status", "-v", ok=True, **env)
    assert mirrored.requests() == []
    assert r.stdout == plain_status.stdout  # the table is dep's
    served = f"{VANITY}: served by mirror https://github.com/golang/foo (rule golang.org/x/*)"
    assert served in r.stderr.splitlines()
    assert r.stderr.replace(served + "\n", "") == plain_status.stderr
    rows = {row["ProjectRoot"]: row for row in json.loads(mirrored.dep("status", "-json", ok=True, **env).stdout)}
    assert rows[VANITY]["ServedBy"] == "mirror https://github.com/golang/foo (rule golang.org/x/*)"
    assert "ServedBy" not in rows["github.com/acme/lib"]
    assert "ServedBy" not in plain_json
    detail = json.loads(mirrored.dep("status", "-detail", "-json", ok=True, **env).stdout)
    assert [p.get("ServedBy") for p in detail["Projects"]] == [None, served.split(": served by ")[1]]

    r = mirrored.dep("ensure", "-vendor-only", ok=True, **env)
    assert mirrored.requests() == []


def test_depconfig_names_the_file_and_most_specific_rule_wins(make):
    w = make("w")
    # the two-element rule would send golang.org/x/foo to a repository that does not exist
    env = _config(w, '[[mirror]]\n  prefix = "golang.org/x"\n  url = "https://github.com/nowhere/x"\n\n'
                     + RULES, where="named")
    w.dep("ensure", ok=True, **env)
    assert w.requests() == []
    assert "golang.org/x/foo" in w.read("Gopkg.lock")


@pytest.mark.parametrize("text, why", [
    ('[[mirror]]\n  prefix = "golang.org/x/foo*"\n  url = "https://github.com/golang/*"\n',
     "* must be a whole path element"),
    ('[[mirror]]\n  prefix = "golang.org/x/*"\n  url = "file:///srv/git/*"\n  vcs = "git"\n',
     "scheme 'file' is not allowed for git"),
    ('[[mirror]]\n  prefix = "golang.org/x/*"\n  url = "ftp://github.com/golang/*"\n',
     "ftp is not a valid scheme for accessing a git repository"),
    ("[[mirror]\n", "not valid TOML"),
    ('[[mirror]]\n  prefix = "golang.org/x/*"\n  url = "https://example.com/*"\n',
     "cannot tell the VCS from the url"),
])
def test_bad_config_is_one_line_naming_the_file(make, text, why):
    w = make("w")
    env = _config(w, text, where="named")
    r = w.dep("ensure", ok=False, **env)
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith(f"dep config {env['DEPCONFIG']}: ") and why in r.stderr
    assert w.requests() == [] and not (w.project / "Gopkg.lock").exists()


def test_missing_depconfig_file_is_an_error(make):
    w = make("w")
    r = w.dep("status", ok=False, DEPCONFIG=str(w.base / "nope.toml"))
    assert r.stderr == f"dep config {w.base / 'nope.toml'} (DEPCONFIG): no such file\n"
