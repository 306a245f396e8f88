"""Tags that parse to the same semver (``0.3.12`` and ``v0.3.12``, as imdario/mergo has), end
to end: which spelling dep writes to Gopkg.lock (init, a re-solve without the lock, ``ensure
-update``) and shows as LATEST in ``dep status``.

dep sorts the versions ``git ls-remote`` lists (refname order) with Go's unstable sort.Sort,
so the winner among equal versions depends on the whole list. The expectations below are
what dep v0.5.4 (built from source with go1.19.8) wrote and printed on these same
repositories, by hand; a stable sort would pick ``0.3.12``, ``2.0.0``, ``1.2.0``, ``0.3.9``,
``1.2.4`` and ``1.0.0`` instead.
"""

import os
import shutil
import subprocess
import sys

import pytest

from tests.gitrepos import make_repo

# Each inner list: the tags of one commit, commits in order on master.
LAYOUTS = {
    # mergo-like: 0.1.0 .. 0.3.12, the last six also tagged with a "v".
    "mergo": ([[f"0.1.{p}"] for p in range(4)] + [[f"0.2.{p}"] for p in range(5)]
              + [[f"0.3.{p}"] for p in range(7)] + [[f"0.3.{p}", f"v0.3.{p}"] for p in range(7, 13)]),
    # Four versions: Go's insertion sort (12 or fewer) keeps the listing order.
    "small": [["1.0.0"], ["1.1.0"], ["1.2.0", "v1.2.0"]],
    # Equal versions on different commits: the revision follows the spelling.
    "apart": ([[f"1.{m}.{p}"] for m in range(3) for p in range(6)]
              + [[f"v1.{m}.{p}"] for m in range(3) for p in range(0, 6, 2)] + [["2.0.0"], ["v2.0.0"]]),
    # Other spellings of one version: "v1.0", build metadata.
    "forms": ([[f"0.{m}.0"] for m in range(1, 10)] + [["v1.0", "1.0.0", "v1.0.0", "1.0.0+build"]]
              + [["v1.1"], ["1.1.0"], ["v1.1.0", "1.1.0+meta"]] + [["1.2.0", "v1.2.0"]]),
}
IMPORT_ROOT = "github.com/tie/app"

# dep v0.5.4's picks: with no constraint (init, re-solve) and with UPDATE_RULES (ensure -update).
PICKS = {"apart": "v2.0.0", "forms": "v1.2.0", "mergo": "v0.3.12", "small": "1.2.0"}
UPDATE_RULES = {"apart": "<=1.2.4", "forms": "<=1.0.0", "mergo": "<=0.3.9", "small": "<=1.2.0"}
UPDATE_PICKS = {"apart": "v1.2.4", "forms": "v1.0", "mergo": "v0.3.9", "small": "1.2.0"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    base = tmp_path_factory.mktemp("equal-tags")
    for name, groups in LAYOUTS.items():
        make_repo(base / "repos" / name, [{"files": {"v.go": f"package {name}\n\nconst N = {k}\n"}, "tag": tags}
                                          for k, tags in enumerate(groups)])
    project = base / "gopath/src" / IMPORT_ROOT
    project.mkdir(parents=True)
    imports = "".join(f'\t"github.com/tie/{n}"\n' for n in LAYOUTS)
    uses = ", ".join(f"{n}.N" for n in LAYOUTS)
    (project / "main.go").write_text(f'package main\n\nimport (\n\t"fmt"\n\n{imports})\n\n'
                                     f"func main() {{ fmt.Println({uses}) }}\n")
    return base


class _World:
    def __init__(self, base) -> None:
        self.base = base
        self.project = base / "gopath/src" / IMPORT_ROOT
        cfg = base / "gitconfig"
        cfg.write_text("".join(f'[url "{base / "repos" / n}"]\n\tinsteadOf = https://github.com/tie/{n}\n'
                               for n in LAYOUTS))
        (base / "cache").mkdir(exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DEP", "GIT_"))}
        self.env.update(GOPATH=str(base / "gopath"), PWD=str(self.project), GIT_CONFIG_GLOBAL=str(cfg),
                        DEPCACHEDIR=str(base / "cache"), GO111MODULE="off", GOFLAGS="")

    def dep(self, *args) -> str:
        r = subprocess.run([sys.executable, "-m", "dep", *args], cwd=self.project, env=self.env,
                           capture_output=True, text=True)
        assert r.returncode == 0, (r.stdout, r.stderr)
        return r.stdout

    def rev(self, name: str, tag: str) -> str:
        return subprocess.run(["git", "rev-parse", tag + "^{commit}"], cwd=self.base / "repos" / name,
                              capture_output=True, text=True, check=True).stdout.strip()

    def locked(self) -> dict:
        from dep.lock import read_lock

        lock = read_lock(str(self.project / "Gopkg.lock"))
        return {p.name.rsplit("/", 1)[1]: (str(p.version), p.revision) for p in lock.projects}

    def expect(self, picks: dict) -> dict:
        return {n: (tag, self.rev(n, tag)) for n, tag in picks.items()}

    def status_rows(self) -> dict:
        """{project: (constraint, version, latest)} from the table."""
        rows = {}
        for line in self.dep("status").splitlines()[1:]:
            name, constraint, version, _, latest = line.split()[:5]
            rows[name.rsplit("/", 1)[1]] = (constraint, version, latest)
        return rows


@pytest.fixture
def world(template, tmp_path):
    base = tmp_path / "w"
    shutil.copytree(template, base, symlinks=True)
    return _World(base)


def test_init_resolve_and_status_pick_dep_spelling(world):
    world.dep("init", "-no-examples")
    assert world.locked() == world.expect(PICKS)
    # dep init writes the constraint without the "v", shown with a caret.
    assert world.status_rows() == {n: ("^" + t.lstrip("v"), t, t) for n, t in PICKS.items()}

    (world.project / "Gopkg.lock").unlink()
    world.dep("ensure")
    assert world.locked() == world.expect(PICKS)


def test_update_picks_dep_spelling_mid_list(world):
    world.dep("init", "-no-examples")
    (world.project / "Gopkg.toml").write_text("".join(
        f'[[constraint]]\n  name = "github.com/tie/{n}"\n  version = "{c}"\n\n' for n, c in UPDATE_RULES.items()))
    world.dep("ensure", "-update")
    assert world.locked() == world.expect(UPDATE_PICKS)
    assert world.status_rows() == {n: (UPDATE_RULES[n], t, t) for n, t in UPDATE_PICKS.items()}


def test_status_latest_names_dep_spelling_for_a_lock_with_the_other(world):
    """A lock written elsewhere with ``0.3.12``: LATEST still says ``v0.3.12`` (dep's sort)."""
    world.dep("init", "-no-examples")
    lock = world.project / "Gopkg.lock"
    lock.write_text(lock.read_text().replace('version = "v0.3.12"', 'version = "0.3.12"'))
    rows = world.status_rows()
    assert rows["mergo"] == ("^0.3.12", "0.3.12", "v0.3.12")


def test_cached_listing_is_read_back_in_dep_cache_order(world):
    """With DEPCACHEAGE, dep reads a listing back from its bolt cache in key order (type, name
    length, name), not in ls-remote order; dep v0.5.4's status then names ``0.3.12``."""
    world.env["DEPCACHEAGE"] = "24h"
    world.dep("init", "-no-examples")
    assert world.status_rows()["mergo"] == ("^0.3.12", "v0.3.12", "0.3.12")
