"""`dep migrate` with vendoring, end to end, on the worlds of tests/e2e/test_migrate.py.

The first world (v-tags, tags without v, branch, bare revision, v2+ with and without go.mod, a
source fork, a raised version) gets a test-only dependency (`testonly`, imported only by the
app's main_test.go: go mod vendor keeps what the main module's tests need), whose package
directory has a test file, an `ignore`-tagged file, go.mod/go.sum, a //go:embed'ed data
directory, and metadata files in its parents (LICENSE at the root, COPYING in sub/). The
second world (gopkg.in, nested modules, a test-only import, a required tool) is vendored with
tools.go (go 1.17) and with tool directives (go 1.24).

Judged by the real go command (GOFLAGS=-mod=mod GOPROXY=direct GOSUMDB=off GOTOOLCHAIN=local
and insteadOf rules): `go mod vendor` in a copy reproduces vendor/ byte for byte, modules.txt
included, and with GOFLAGS=-mod=vendor GOPROXY=off `go build ./...` and `go vet ./...` pass.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.e2e.test_migrate import (  # noqa: F401 -- fixtures used by name
    World, build_world, copy_world2, discovery, ensured2)
from tests.gitrepos import make_repo
from tests.gomod.conftest import find_go, run_go

MAIN_TEST_GO = """package main

import (
	"testing"

	"github.com/acme/testonly/sub/leaf"
)

func TestLeaf(t *testing.T) {
	if leaf.Data == "" {
		t.Fatal("no data")
	}
}
"""

LEAF_GO = """package leaf

import (
	_ "embed"
)

// Data is embedded.
//
//go:embed data/*.txt
var Data string
"""

TESTONLY_FILES = {
    "go.mod": "module github.com/acme/testonly\n\ngo 1.17\n",
    "go.sum": "",
    "LICENSE": "MIT\n",
    "README.md": "not vendored\n",
    "top.go": "package testonly\n",
    "sub/COPYING": "GPL\n",
    "sub/notes.txt": "not vendored\n",
    "sub/leaf/leaf.go": LEAF_GO,
    "sub/leaf/leaf_test.go": 'package leaf\n\nimport "never/imported"\n\nvar _ = imported.X\n',
    "sub/leaf/gen.go": '//go:build ignore\n// +build ignore\n\npackage main\n\nimport "never/imported"\n\nvar _ = imported.X\n',
    "sub/leaf/doc.txt": "kept: a non-Go file of the package directory\n",
    "sub/leaf/data/a.txt": "hello\n",
    "sub/leaf/deeper/x.go": "package deeper\n",
}


@pytest.fixture(scope="module")
def vendored(tmp_path_factory):
    """The world after `dep ensure` and `dep migrate` (vendoring on)."""
    base = tmp_path_factory.mktemp("migrate_vendor")
    paths = build_world(base)
    paths["testonly"] = make_repo(base / "repos/testonly", [{"files": TESTONLY_FILES, "tag": "v1.0.0"}]).path
    w = World(base, paths)
    (w.project / "main_test.go").write_text(MAIN_TEST_GO)
    (base / "cache").mkdir()
    w.dep("ensure")
    assert "github.com/acme/testonly" in w.read("Gopkg.lock")
    r = w.dep("migrate")
    return w, r


def tree(root) -> dict:
    """relative path -> bytes of every file, and relative path -> None of every directory."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        for d in dirnames:
            out[os.path.normpath(os.path.join(rel, d)) + "/"] = None
        for f in filenames:
            with open(os.path.join(dirpath, f), "rb") as fh:
                out[os.path.normpath(os.path.join(rel, f))] = fh.read()
    return out


def test_vendor_layout(vendored):
    w, r = vendored
    v = w.project / "vendor/github.com/acme"
    assert (w.project / "vendor/modules.txt").is_file()
    leaf = v / "testonly/sub/leaf"
    assert sorted(os.listdir(leaf)) == ["data", "doc.txt", "leaf.go"]  # no test, no ignored file
    assert (leaf / "data/a.txt").read_text() == "hello\n"
    assert (v / "testonly/LICENSE").is_file() and (v / "testonly/sub/COPYING").is_file()
    assert not (v / "testonly/README.md").exists() and not (v / "testonly/go.mod").exists()
    assert not (v / "mod2/go.mod").exists()  # dependency go.mod files go (main go >= 1.17)
    assert (v / "vtag/vtag.go").read_text().endswith("const X = 2\n")  # the raised version
    assert (v / "orig/orig.go").read_text().endswith("const X = 3\n")  # the fork's code
    modules = w.read("vendor/modules.txt")
    assert "# github.com/acme/orig v1.0.0 => github.com/acme/fork v1.0.0\n## explicit\n" in modules
    assert "# github.com/acme/testonly v1.0.0\n## explicit; go 1.17\ngithub.com/acme/testonly/sub/leaf\n" in modules
    assert "Wrote go.mod, go.sum and vendor/" in r.stdout
    assert not [n for n in os.listdir(w.project) if n.startswith(".dep-txn-")]


def judge_vendor(w: World, tmp_path, env: dict, fix=None, go: str | None = None) -> None:
    """go mod vendor (in a copy) reproduces vendor/ byte for byte; then with -mod=vendor and
    no proxy, go build and go vet pass."""
    go = go or find_go()
    if not go:
        pytest.skip("no go command installed")
    proj = tmp_path / "p"
    shutil.copytree(w.project, proj, symlinks=True)
    if fix:
        fix(proj)
    ours = tree(proj / "vendor")
    env = dict(env)
    run_go(go, ["mod", "vendor"], env, cwd=proj)
    theirs = tree(proj / "vendor")
    assert theirs["modules.txt"].decode() == ours["modules.txt"].decode()
    assert sorted(theirs) == sorted(ours)
    assert theirs == ours
    env.update(GOFLAGS="-mod=vendor", GOPROXY="off", GOMODCACHE=str(tmp_path / "empty-modcache"))
    run_go(go, ["build", "./..."], env, cwd=proj)
    run_go(go, ["vet", "./..."], env, cwd=proj)


def fix_mod2(proj) -> None:
    """The import rewrite dep migrate reports (mod2 is a /v2 module); vendor/ already assumes it."""
    main = (proj / "main.go").read_text().replace('"github.com/acme/mod2"', 'mod2 "github.com/acme/mod2/v2"')
    (proj / "main.go").write_text(main)


def test_go_mod_vendor_reproduces_it_and_builds(vendored, tmp_path):
    w, _ = vendored
    judge_vendor(w, tmp_path, w.goenv, fix_mod2)


@pytest.mark.skipif(not os.access("/usr/bin/go", os.X_OK), reason="Debian's go is not installed")
def test_debian_go_reproduces_it(vendored, tmp_path):
    w, _ = vendored
    judge_vendor(w, tmp_path, w.goenv, fix_mod2, go="/usr/bin/go")  # go 1.19


@pytest.mark.parametrize("go_line", ["1.17", "1.24"])  # tools.go, or tool directives
def test_world2_vendor(ensured2, discovery, tmp_path, go_line):
    """gopkg.in, nested modules, a test-only import and a required tool, vendored."""
    w = copy_world2(ensured2, tmp_path)
    w.dep("migrate", "-go", go_line)
    modules = w.read("vendor/modules.txt")
    assert "github.com/acme/tool/cmd/tool\n" in modules and "github.com/acme/testonly\n" in modules
    assert "# github.com/acme/nest/sub v1.2.0\n" in modules
    env = {k: v for k, v in w.goenv.items() if k.lower() not in ("https_proxy", "http_proxy", "no_proxy")}
    env.update(HTTP_PROXY=discovery.proxy_url, GOINSECURE="gopkg.in")
    judge_vendor(w, tmp_path, env)


def test_dry_run_shows_modules_txt(vendored, tmp_path):
    w, _ = vendored
    # a fresh copy without the migrated files: go.mod would be refused
    proj = tmp_path / "w"
    shutil.copytree(w.base, proj, symlinks=True, ignore=shutil.ignore_patterns("goenv"))
    w2 = World(proj, w.paths)
    for n in ("go.mod", "go.sum"):
        (w2.project / n).unlink()
    before = tree(w2.project)
    r = w2.dep("migrate", "-dry-run")
    assert "Would replace vendor/" in r.stdout and "# github.com/acme/testonly v1.0.0\n" in r.stdout
    assert tree(w2.project) == before
