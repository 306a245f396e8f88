"""hg, bzr and svn sources through their CLIs (skipped when the tool is not installed), and the
missing-tool error."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from dep.sources.cache import MetadataCache, source_dir_name
from dep.sources.vcs import (
    BzrSource,
    HgSource,
    SourceError,
    SvnSource,
    ToolMissingError,
    UnsupportedSourceError,
    VersionNotFoundError,
    new_source,
)
from dep.versions import parse_version

needs_hg = pytest.mark.skipif(shutil.which("hg") is None, reason="Mercurial (hg) is not installed")
BZR = shutil.which("bzr") or shutil.which("brz")
needs_bzr = pytest.mark.skipif(BZR is None, reason="Bazaar/Breezy is not installed")


def listing(versions) -> dict:
    return {(type(pv.unpaired).__name__, str(pv.unpaired)): (str(pv.revision), getattr(pv.unpaired, "default", False))
            for pv in versions}


# ---------------------------------------------------------------------------------------------
# hg


def hg(cwd, *args) -> str:
    env = {**os.environ, "HGUSER": "Dep Test <dep@example.com>", "HGRCPATH": "", "HGPLAIN": "1"}
    p = subprocess.run(["hg", *args], cwd=str(cwd), env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"hg {' '.join(args)}: {p.stdout}{p.stderr}")
    return p.stdout.strip()


def node(cwd, rev) -> str:
    return hg(cwd, "log", "-r", rev, "--template", "{node}")


@pytest.fixture(scope="module")
def hg_template(tmp_path_factory):
    """Built once (hg is slow to start); each test gets its own copy."""
    if shutil.which("hg") is None:
        pytest.skip("Mercurial (hg) is not installed")
    up = tmp_path_factory.mktemp("hg") / "up"
    hg(up.parent, "init", str(up))
    (up / "main.go").write_text("package main\n")
    (up / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(up / "run.sh", 0o755)
    os.symlink("main.go", up / "link.go")
    (up / "sub").mkdir()
    (up / "sub" / "Gopkg.toml").write_text("# manifest\n")
    hg(up, "add", "-q")
    hg(up, "commit", "-m", "one")
    hg(up, "tag", "v1.0.0")          # commit 1
    hg(up, "tag", "-l", "localtag")   # local tags are not listed
    hg(up, "tag", "plain-tag")        # commit 2
    hg(up, "tag", "tipsy")            # dep skips every tag starting with "tip"
    hg(up, "branch", "-q", "stable")
    (up / "s.go").write_text("package main\n")
    hg(up, "add", "-q", "s.go")
    hg(up, "commit", "-m", "stable")
    hg(up, "update", "-q", "default")
    hg(up, "bookmark", "feature")
    (up / "f.go").write_text("package main\n")
    hg(up, "add", "-q", "f.go")
    hg(up, "commit", "-m", "feature")
    return up


@pytest.fixture
def hg_upstream(hg_template, tmp_path):
    up = tmp_path / "up"
    shutil.copytree(hg_template, up, symlinks=True)
    return up


@needs_hg
def test_hg_listing_follows_dep(hg_upstream, tmp_path):
    src = HgSource(hg_upstream.as_uri(), str(tmp_path / "cache"))
    got = listing(src.list_versions())
    assert got == {
        ("SemverVersion", "v1.0.0"): (node(hg_upstream, "0"), False),
        ("PlainVersion", "plain-tag"): (node(hg_upstream, "1"), False),
        ("Branch", "feature"): (node(hg_upstream, "feature"), False),
        ("Branch", "default"): (node(hg_upstream, "default"), True),
        ("Branch", "stable"): (node(hg_upstream, "stable"), False),
    }
    assert src.ops == {"clone": 1}  # hg lists from the local clone, as dep does
    assert src.path.endswith(source_dir_name(hg_upstream.as_uri()))


@needs_hg
def test_hg_magic_at_bookmark_is_the_default(hg_upstream, tmp_path):
    hg(hg_upstream, "bookmark", "-r", "stable", "@")
    got = listing(HgSource(str(hg_upstream), str(tmp_path / "cache")).list_versions())
    assert got[("Branch", "@")] == (node(hg_upstream, "stable"), True)
    assert got[("Branch", "default")][1] is False


@needs_hg
def test_hg_export_read_and_cache(hg_upstream, tmp_path):
    cache = str(tmp_path / "cache")
    src = HgSource(hg_upstream.as_uri(), cache, metadata=MetadataCache(cache, cache_age=3600))
    rev = src.to_revision(parse_version("v1.0.0"))
    dest = tmp_path / "out"
    src.export(str(rev), str(dest))
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == [
        "link.go", "main.go", "run.sh", "sub", "sub/Gopkg.toml"]
    assert os.readlink(dest / "link.go") == "main.go"
    assert os.stat(dest / "run.sh").st_mode & 0o111
    assert src.read_file(str(rev), "sub/Gopkg.toml") == b"# manifest\n"
    assert src.read_file(str(rev), "nope") is None
    assert src.revision_present(str(rev))
    assert src.resolve_revision(str(rev)[:12]) == str(rev)
    assert src.ops == {"clone": 1}
    # a second run: listing from the metadata cache, export from the clone
    again = HgSource(hg_upstream.as_uri(), cache, metadata=MetadataCache(cache, cache_age=3600))
    again.list_versions()
    again.export(str(rev), str(tmp_path / "out2"))
    assert again.ops == {}
    with pytest.raises(VersionNotFoundError) as e:
        again.to_revision(parse_version("v9.0.0"))
    assert str(e.value) == 'version "v9.0.0" does not exist in source'


@needs_hg
def test_hg_new_upstream_revision_is_pulled(hg_upstream, tmp_path):
    cache = str(tmp_path / "cache")
    HgSource(hg_upstream.as_uri(), cache).fetch()
    (hg_upstream / "new.go").write_text("package main\n")
    hg(hg_upstream, "add", "-q", "new.go")
    hg(hg_upstream, "commit", "-m", "new")
    new = node(hg_upstream, "tip")
    src = HgSource(hg_upstream.as_uri(), cache)
    src.export(new, str(tmp_path / "o"))
    assert (tmp_path / "o" / "new.go").exists()
    assert src.ops == {"pull": 1}
    assert ("Branch", "feature") in listing(src.list_versions(upstream=True))


@needs_hg
def test_hg_missing_upstream(tmp_path):
    url = (tmp_path / "missing").as_uri()
    with pytest.raises(SourceError) as e:
        HgSource(url, str(tmp_path / "cache")).list_versions()
    assert str(e.value).startswith(f"failed to fetch source for {url}: unable to get repository: ")
    assert "\n" not in str(e.value)
    assert not HgSource(url, str(tmp_path / "cache")).exists_upstream()


# ---------------------------------------------------------------------------------------------
# bzr


@needs_bzr
def test_bzr_listing_and_export(tmp_path):
    up = tmp_path / "up"
    env = {**os.environ, "BZR_EMAIL": "Dep Test <dep@example.com>", "BRZ_EMAIL": "Dep Test <dep@example.com>"}

    def bzr(*args):
        return subprocess.run([BZR, *args], cwd=str(up if up.exists() else tmp_path), env=env,
                              check=True, capture_output=True, text=True).stdout.strip()

    bzr("init", "-q", str(up))
    (up / "main.go").write_text("package main\n")
    bzr("add", "-q")
    bzr("commit", "-q", "-m", "one")
    bzr("tag", "v1.0.0")
    (up / "b.go").write_text("package main\n")
    bzr("add", "-q")
    bzr("commit", "-q", "-m", "two")
    tip = bzr("version-info", "--custom", "--template={revision_id}")
    src = BzrSource(str(up), str(tmp_path / "cache"))
    got = listing(src.list_versions())
    assert got[("Branch", "(default)")] == (tip, True)
    tag_rev = got[("SemverVersion", "v1.0.0")][0]
    src.export(tag_rev, str(tmp_path / "o"))
    assert sorted(os.listdir(tmp_path / "o")) == ["main.go"]


# ---------------------------------------------------------------------------------------------
# tools missing, svn


@pytest.mark.parametrize("cls,msg", [
    (HgSource, "hg is not installed: cannot fetch {url}; install Mercurial or use a git source"),
    (BzrSource, "bzr is not installed: cannot fetch {url}; install Bazaar (or Breezy) or use a git source"),
    (SvnSource, "svn is not installed: cannot fetch {url}; install Subversion or use a git source"),
])
def test_missing_tool_is_one_clear_line(cls, msg, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    url = "https://example.invalid/x"
    src = cls(url, str(tmp_path / "cache"))
    for op in (src.list_versions, src.fetch, lambda: src.export("1" * 40, str(tmp_path / "o"))):
        with pytest.raises(ToolMissingError) as e:
            op()
        assert str(e.value) == msg.format(url=url)


def test_svn_tool_missing_for_every_operation(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    url = "file:///nonexistent/svn"
    src = new_source("svn", url, str(tmp_path / "cache"))
    for op in (lambda: src.revision_present("3"), lambda: src.read_file("3", "a.go")):
        with pytest.raises(ToolMissingError, match="^svn is not installed: cannot fetch file:///nonexistent/svn;"):
            op()


def test_new_source_kinds(tmp_path):
    assert isinstance(new_source("svn", "https://example.invalid/svn/x", str(tmp_path)), SvnSource)
    with pytest.raises(UnsupportedSourceError):
        new_source("cvs", "x", str(tmp_path))
    assert isinstance(new_source("hg", "x", str(tmp_path)), HgSource)
    from dep.sources.git import GitSource

    assert isinstance(new_source("git", "x", str(tmp_path)), GitSource)



# ---------------------------------------------------------------------------------------------
# svn (real file:// repository)


def svn(*args) -> str:
    p = subprocess.run(["svn", "--non-interactive", *args], capture_output=True, text=True,
                       env={**os.environ, "LC_ALL": "C"})
    if p.returncode != 0:
        raise RuntimeError(f"svn {' '.join(args)}: {p.stdout}{p.stderr}")
    return p.stdout.strip()


@pytest.fixture(scope="module")
def svn_repo(tmp_path_factory):
    """trunk (r1 import, r4 change), branches/dev (r2 copy, r5 change), tags/v1.0.0 (r3),
    tags/release-x (r6)."""
    if shutil.which("svn") is None or shutil.which("svnadmin") is None:
        pytest.skip("Subversion (svn, svnadmin) is not installed")
    base = tmp_path_factory.mktemp("svn")
    subprocess.run(["svnadmin", "create", str(base / "repo")], check=True)
    url = (base / "repo").as_uri()
    imp = base / "import"
    (imp / "trunk" / "sub").mkdir(parents=True)
    (imp / "trunk" / "main.go").write_text("package main // v1\n")
    (imp / "trunk" / "sub" / "s.go").write_text("package sub\n")
    (imp / "branches").mkdir()
    (imp / "tags").mkdir()
    svn("import", "-m", "init", str(imp), url)  # r1
    svn("copy", "-m", "branch", url + "/trunk", url + "/branches/dev")  # r2
    svn("copy", "-m", "tag", url + "/trunk", url + "/tags/v1.0.0")  # r3
    wc = base / "wc"
    svn("checkout", url, str(wc))
    (wc / "trunk" / "main.go").write_text("package main // v2\n")
    svn("commit", "-m", "trunk change", str(wc))  # r4
    (wc / "branches" / "dev" / "dev.go").write_text("package main // dev\n")
    svn("add", str(wc / "branches" / "dev" / "dev.go"))
    svn("commit", "-m", "dev change", str(wc))  # r5
    svn("copy", "-m", "plain tag", url + "/trunk", url + "/tags/release-x")  # r6
    return url


def test_svn_listing(svn_repo, tmp_path):
    src = new_source("svn", svn_repo, str(tmp_path / "cache"))
    assert not src.exists_locally()
    assert src.exists_upstream()
    got = listing(src.list_versions())
    assert got == {
        ("Branch", "trunk"): ("4", True),
        ("Branch", "dev"): ("5", False),
        ("SemverVersion", "v1.0.0"): ("3", False),
        ("PlainVersion", "release-x"): ("6", False),
    }
    assert src.exists_locally()
    assert src.to_revision(parse_version("v1.0.0")) == src.to_revision(parse_version("v1.0.0"))
    assert str(src.to_revision(parse_version("v1.0.0"))) == "3"
    assert src.ops["ls"] == 1
    assert not os.path.exists(src.path)  # no local copy


def test_svn_export_tag_and_branch(svn_repo, tmp_path):
    src = new_source("svn", svn_repo, str(tmp_path / "cache"))
    src.list_versions()
    src.export("3", str(tmp_path / "tag"))
    assert sorted(os.listdir(tmp_path / "tag")) == ["main.go", "sub"]
    assert (tmp_path / "tag" / "main.go").read_text() == "package main // v1\n"
    src.export("5", str(tmp_path / "dev"))
    assert sorted(os.listdir(tmp_path / "dev")) == ["dev.go", "main.go", "sub"]
    # an unlisted revision falls back to trunk (r2 only touched branches/, trunk is still v1)
    src.export("2", str(tmp_path / "r2"))
    assert sorted(os.listdir(tmp_path / "r2")) == ["main.go", "sub"]
    assert src.ops["export"] == 3
    with src.analysis_dir("4") as d:
        assert open(os.path.join(d, "main.go")).read() == "package main // v2\n"


def test_svn_export_uses_cached_listing_in_a_new_source(svn_repo, tmp_path):
    meta = MetadataCache(None)
    new_source("svn", svn_repo, str(tmp_path / "c"), metadata=meta).list_versions()
    src = new_source("svn", svn_repo, str(tmp_path / "c"), metadata=meta)
    src.export("5", str(tmp_path / "dev"))
    assert "dev.go" in os.listdir(tmp_path / "dev")
    assert src.ops["ls"] == 0


def test_svn_read_file_and_revisions(svn_repo, tmp_path):
    src = new_source("svn", svn_repo, str(tmp_path / "cache"))
    assert src.read_file("3", "main.go") == b"package main // v1\n"
    assert src.read_file("5", "dev.go") == b"package main // dev\n"
    assert src.read_file("4", "sub/s.go") == b"package sub\n"
    assert src.read_file("3", "missing.go") is None
    assert src.revision_present("6")
    assert src.revision_present("r1")
    assert not src.revision_present("99")
    assert not src.revision_present("deadbeef")
    assert src.resolve_revision("r3") == "3"
    with pytest.raises(SourceError):
        src.resolve_revision("99")
    with pytest.raises(VersionNotFoundError):
        src.to_revision(parse_version("v9.9.9"))


def test_svn_bad_url_is_a_listing_error(svn_repo, tmp_path):
    src = new_source("svn", svn_repo + "-nope", str(tmp_path / "cache"))
    assert not src.exists_upstream()
    with pytest.raises(SourceError, match="^failed to list versions for file://"):
        src.list_versions()
