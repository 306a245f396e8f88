"""dep served by Go module proxies (issue 12): the go command makes the proxy tree from real git
upstreams, the upstreams are deleted, and dep still vendors, checks and reports from the proxy
alone, as ``file://`` and over HTTP, with Go's ``,``/``|`` fallback rules."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from tests.e2e.ensure_world import run_dep
from tests.e2e.proxyworld import StaticProxy, build_proxy_world, dep_env, git_config
from tests.gomod.conftest import find_go, go_env_for, run_go
from tests.treesnap import tree


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    go = find_go()
    if not go:
        pytest.skip("no go command installed")
    base = tmp_path_factory.mktemp("proxyworld")
    world = build_proxy_world(base, go)
    for repo in world["repos"].values():  # the upstreams vanish: only the proxy is left
        shutil.rmtree(repo)
    world["go"] = go
    return world


@pytest.fixture
def proj(built, tmp_path):
    """A copy of the project with the reference Gopkg.lock and no vendor/, and a fresh cache."""
    base = tmp_path
    project = base / "gopath/src/github.com/acme/app"
    shutil.copytree(built["project"], project, symlinks=True)
    shutil.rmtree(project / "vendor")
    cfg = git_config(base / "gitconfig", {n: str(p) for n, p in built["repos"].items()})  # dead rewrites

    def env(goproxy: str, **extra):
        return dep_env(base, cfg, base / "cache", **{"GOPROXY": goproxy, "GOSUMDB": "off", **extra})

    return project, env


def _reference(built) -> dict:
    return {k: v for k, v in tree(built["project"]).items() if k.startswith("vendor")}


def _vendor(project) -> dict:
    return {k: v for k, v in tree(project).items() if k.startswith("vendor")}


def test_the_go_command_made_the_module_versions_expected(built):
    mods = built["modules"]
    assert mods["github.com/acme/lib"] == "v1.1.0"
    assert mods["github.com/acme/big"] == "v2.1.0+incompatible"
    assert mods["github.com/acme/tip"].startswith("v0.1.1-0.")
    assert "github.com/acme/nest/inner" in mods


@pytest.mark.parametrize("kind", ["file", "http"])
def test_vendor_only_from_the_proxy_alone_equals_vendor_from_git(built, proj, kind):
    project, env = proj
    server = StaticProxy(built["proxy"]) if kind == "http" else None
    base = server.url if server else built["proxy"].as_uri()
    try:
        lock = (project / "Gopkg.lock").read_bytes()
        r = run_dep(project, env(base), "ensure", "-vendor-only", ok=True)
        assert _vendor(project) == _reference(built)
        assert (project / "Gopkg.lock").read_bytes() == lock
        # in-sync ensure, status and check all succeed with the upstreams gone
        run_dep(project, env(base), "ensure", ok=True)
        assert (project / "Gopkg.lock").read_bytes() == lock
        st = run_dep(project, env(base), "status", ok=True)
        assert "github.com/acme/lib" in st.stdout and "v1.1.0" in st.stdout
        run_dep(project, env(base), "check", ok=True)
        if server:
            assert any(p.endswith(".zip") for p in server.requests)
    finally:
        if server:
            server.close()
    assert r.returncode == 0


def test_without_goproxy_dep_stays_on_vcs_and_names_the_dead_upstream(built, proj):
    project, env = proj
    e = env("")
    del e["GOPROXY"]
    r = run_dep(project, e, "ensure", "-vendor-only", ok=False)
    assert "github.com/acme/" in r.stderr
    assert not (project / "vendor").exists()


def _tamper(proxy, tmp_path) -> str:
    """A copy of the proxy tree whose lib zip has different contents under the same names."""
    bad = tmp_path / "badproxy"
    shutil.copytree(proxy, bad)
    z = bad / "github.com/acme/lib/@v/v1.1.0.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(z) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/lib.go"):
                data = data.replace(b"lib1.1", b"evil")
            dst.writestr(info.filename, data)
    z.write_bytes(buf.getvalue())
    return bad.as_uri()


def test_a_tampered_zip_is_refused_and_nothing_is_written(built, proj, tmp_path):
    project, env = proj
    before = tree(project)
    r = run_dep(project, env(_tamper(built["proxy"], tmp_path)), "ensure", "-vendor-only", ok=False)
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert any("github.com/acme/lib" in x and "digest" in x for x in lines), r.stderr
    assert tree(project) == before


def _go_download(built, tmp_path, goproxy: str) -> bool:
    env = go_env_for(tmp_path / "go-judge", {})
    env.update(GOPROXY=goproxy, GOFLAGS="-mod=mod", GOPRIVATE="", GONOPROXY="", GONOSUMDB="", GOSUMDB="off")
    p = run_go(built["go"], ["mod", "download", "-json", "github.com/acme/lib@v1.1.0"], env, cwd=tmp_path, check=False)
    shutil.rmtree(tmp_path / "go-judge", ignore_errors=True)
    return p.returncode == 0


@pytest.mark.parametrize("status", [500, 404])
@pytest.mark.parametrize("sep", [",", "|"])
def test_fallback_between_proxies_is_gos(built, proj, tmp_path, status, sep):
    """``,`` falls through only on 404/410, ``|`` on any error: as the go command does."""
    project, env = proj
    broken = StaticProxy(None, status=status)
    try:
        goproxy = f"{broken.url}{sep}{built['proxy'].as_uri()}"
        want = sep == "|" or status == 404
        assert _go_download(built, tmp_path, goproxy) == want
        r = run_dep(project, env(goproxy), "ensure", "-vendor-only", ok=want)
        assert broken.requests, "the first proxy was asked"
        if want:
            assert _vendor(project) == _reference(built)
        else:
            assert str(status) in r.stderr and not (project / "vendor").exists()
    finally:
        broken.close()


def test_status_verbose_names_the_proxy_that_served_each_project(built, proj):
    project, env = proj
    base = built["proxy"].as_uri()
    run_dep(project, env(base), "ensure", "-vendor-only", ok=True)
    r = run_dep(project, env(base), "status", "-v", ok=True)
    assert base in r.stdout + r.stderr


def test_offline_vendor_only_from_a_warm_proxy_cache_makes_no_request(built, proj):
    project, env = proj
    server = StaticProxy(built["proxy"])
    try:
        run_dep(project, env(server.url), "ensure", "-vendor-only", ok=True)
        run_dep(project, env(server.url), "status", ok=True)  # version lists, for LATEST
        shutil.rmtree(project / "vendor")
        asked = len(server.requests)
        run_dep(project, env(server.url, DEPOFFLINE="1"), "ensure", "-vendor-only", ok=True)
        run_dep(project, env(server.url), "status", "-offline", ok=True)
        assert len(server.requests) == asked, server.requests[asked:]
        assert _vendor(project) == _reference(built)
    finally:
        server.close()


def test_offline_with_a_cold_cache_names_what_is_missing(built, proj):
    project, env = proj
    r = run_dep(project, env(built["proxy"].as_uri(), DEPOFFLINE="1"), "ensure", "-vendor-only", ok=False)
    assert "github.com/acme/lib" in r.stderr and "cache" in r.stderr, r.stderr
    assert not (project / "vendor").exists()


def test_versions_from_a_proxy_are_semver_tags_only_and_status_says_so(built, proj):
    project, env = proj
    r = run_dep(project, env(built["proxy"].as_uri()), "status", ok=True)
    assert "lists semver tags only" in r.stderr and "github.com/acme/tip" in r.stderr
    lib = next(line for line in r.stdout.splitlines() if line.startswith("github.com/acme/lib "))
    assert "v1.1.0" in lib  # LATEST within ^1.0.0, from @v/list


def test_update_from_the_proxy_alone_re_solves_to_the_same_lock(built, proj):
    """A re-solve against the proxy alone: versions from @v/list, packages from the zips, and
    the nested module's package (left out of nest's zip) from its own module at the locked
    revision; Gopkg.lock comes out as dep wrote it from git."""
    project, env = proj
    lock = (project / "Gopkg.lock").read_bytes()
    run_dep(project, env(built["proxy"].as_uri()), "ensure", "-update", "github.com/acme/lib", ok=True)
    assert (project / "Gopkg.lock").read_bytes() == lock
    assert _vendor(project) == _reference(built)


def test_a_branch_is_invisible_through_a_proxy_and_the_failure_says_so(built, proj):
    project, env = proj
    r = run_dep(project, env(built["proxy"].as_uri()), "ensure", "-update", ok=False)
    assert "github.com/acme/tip" in r.stderr and "semver tags only" in r.stderr, r.stderr


def test_init_from_the_proxy_alone(built, proj):
    """dep init with the upstreams gone: roots, versions, analyses and dependencies' manifests
    all come from the proxy (lib's Gopkg.toml constrains util, as from git)."""
    project, env = proj
    for name in ("Gopkg.toml", "Gopkg.lock"):
        (project / name).unlink()
    run_dep(project, env(built["proxy"].as_uri()), "init", ok=True)
    lock = (project / "Gopkg.lock").read_text()
    for name in ("big", "lib", "nest", "tip", "util"):
        assert f'name = "github.com/acme/{name}"' in lock
    assert 'version = "v1.1.0"' in lock and 'version = "v2.1.0"' in lock
    run_dep(project, env(built["proxy"].as_uri()), "check", ok=True)
