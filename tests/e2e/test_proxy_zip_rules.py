"""Where Go's zip rules make a module differ from the repository (issue 12): a symlink in the
tree, which a module zip leaves out. dep's digest covers it, so the proxy's tree does not match
the lock: dep says so and falls back to the next GOPROXY entry, or fails naming both digests."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.e2e.ensure_world import run_dep
from tests.e2e.proxyworld import dep_env, git_config
from tests.gitrepos import Link, make_repo
from tests.gomod.conftest import find_go, go_env_for, run_go
from tests.treesnap import tree

MAIN = 'package main\n\nimport "github.com/acme/sym"\n\nfunc main() { _ = sym.S }\n'


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    go = find_go()
    if not go:
        pytest.skip("no go command installed")
    base = tmp_path_factory.mktemp("symworld")
    repo = make_repo(base / "repos/sym", [{"files": {
        "sym.go": "package sym\n\n// S is used.\nconst S = 1\n", "README.md": "read me\n",
        "docs/readme": Link("../README.md")}, "tag": "v1.0.0"}])
    project = base / "gopath/src/github.com/acme/app"
    project.mkdir(parents=True)
    (project / "main.go").write_text(MAIN)
    (project / "Gopkg.toml").write_text("")
    cfg = git_config(base / "gitconfig", {"sym": repo.path})
    run_dep(project, dep_env(base, cfg, base / "gitcache"), "ensure", ok=True)
    assert (project / "vendor/github.com/acme/sym/docs/readme").is_symlink()
    goenv = go_env_for(base / "go", {"github.com/acme/sym": repo.path})
    run_go(go, ["mod", "download", "-json", "github.com/acme/sym@v1.0.0"], goenv, cwd=base)
    proxy = base / "proxy"
    shutil.copytree(base / "go/gopath/pkg/mod/cache/download", proxy)
    return {"base": base, "project": project, "proxy": proxy, "cfg": cfg, "repo": repo.path}


@pytest.fixture
def proj(world, tmp_path):
    project = tmp_path / "gopath/src/github.com/acme/app"
    shutil.copytree(world["project"], project, symlinks=True)
    shutil.rmtree(project / "vendor")
    return project


def _env(world, tmp_path, goproxy, cfg=None):
    return dep_env(tmp_path, cfg or world["cfg"], tmp_path / "cache", GOPROXY=goproxy, GOSUMDB="off")


def test_a_zip_without_the_symlink_falls_back_to_direct_and_says_why(world, proj, tmp_path):
    r = run_dep(proj, _env(world, tmp_path, f"{world['proxy'].as_uri()},direct"), "ensure", "-vendor-only", "-v",
                ok=True)
    want = {k: v for k, v in tree(world["project"]).items() if k.startswith("vendor")}
    assert {k: v for k, v in tree(proj).items() if k.startswith("vendor")} == want
    note = [x for x in r.stderr.splitlines() if "github.com/acme/sym: export from direct after" in x]
    assert note and "has digest" in note[0] and "symlinks" in note[0], r.stderr


def test_with_no_entry_left_the_error_names_the_project_and_both_digests(world, proj, tmp_path):
    lock = (proj / "Gopkg.lock").read_text()
    digest = lock.split('digest = "', 1)[1].split('"', 1)[0]
    dead = git_config(tmp_path / "dead-gitconfig", {"sym": tmp_path / "gone"})
    r = run_dep(proj, _env(world, tmp_path, world["proxy"].as_uri(), dead), "ensure", "-vendor-only", ok=False)
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("github.com/acme/sym: export: "), r.stderr
    assert digest in lines[0] and "has digest 1:" in lines[0]
    assert not (proj / "vendor").exists()


def test_status_json_names_the_proxy_that_served_a_project(world, proj, tmp_path):
    """A project whose tree the proxy serves as the lock wants (the symlink pruned away is
    not needed: status only lists versions), reported in -json's ServedBy."""
    st = run_dep(proj, _env(world, tmp_path, world["proxy"].as_uri()), "status", "-json", ok=True)
    rows = json.loads(st.stdout)
    assert rows[0]["ServedBy"] == "proxy " + world["proxy"].as_uri()
