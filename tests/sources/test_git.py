"""git sources against real repositories built under tmp (no mocks of git or HTTP)."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for gitrepos

from gitrepos import Exec, Link, add_submodule, commit, git, make_repo  # noqa: E402

import dep.sources.git as gitmod  # noqa: E402

from dep.sources.cache import MetadataCache, source_dir_name  # noqa: E402
from dep.sources.deduce import filter_gopkg_in_versions
from dep.sources.git import (  # noqa: E402
    GitSource,
    _join_submodule_url,
    ls_remote,
    resolve_url,
    versions_from_ls_remote,
)
from dep.sources.vcs import SourceError, VersionNotFoundError  # noqa: E402
from dep.versions import Branch, PairedVersion, PlainVersion, Revision, parse_version  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_git_config(tmp_path, monkeypatch):
    """No user/system git config leaks in; tests write $GIT_CONFIG_GLOBAL themselves."""
    home = tmp_path / "home"
    home.mkdir()
    cfg = home / "gitconfig"
    cfg.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("NETRC", raising=False)
    return cfg


def listing(versions) -> dict:
    """{(kind, name): (revision, default)} for easy comparison."""
    out = {}
    for pv in versions:
        u = pv.unpaired
        kind = type(u).__name__
        out[(kind, str(u))] = (str(pv.revision), getattr(u, "default", False))
    return out


@pytest.fixture
def upstream(tmp_path):
    return make_repo(tmp_path / "up", [
        {"files": {"main.go": "package main\n", "run.sh": Exec("#!/bin/sh\necho hi\n"),
                   "link.go": Link("main.go"), "pkg/a/a.go": "package a\n", "README": "readme\n"},
         "tag": "v1.0.0"},
        {"files": {"Gopkg.toml": "[[constraint]]\n  name = \"x\"\n"}, "tag": ["v1.1.0", "release-1"],
         "annotated": True},
        {"branch": "dev", "files": {"dev.go": "package main\n"}, "tag": "foo"},
    ], default_branch="main")


# ---------------------------------------------------------------------------------------------
# Listing


def test_ls_remote_lists_tags_branches_paired_and_peeled(upstream):
    got = listing(ls_remote(upstream.url))
    c0, c1, c2 = upstream.commits
    assert got == {
        ("Branch", "main"): (c1, True),
        ("Branch", "dev"): (c2, False),
        ("SemverVersion", "v1.0.0"): (c0, False),
        ("SemverVersion", "v1.1.0"): (c1, False),  # annotated: peeled to the commit
        ("PlainVersion", "release-1"): (c1, False),
        ("PlainVersion", "foo"): (c2, False),
    }
    assert upstream.tag_object("v1.1.0") != c1
    for pv in ls_remote(upstream.url):
        assert isinstance(pv, PairedVersion) and isinstance(pv.revision, Revision)


def test_semver_tags_keep_their_spelling(tmp_path):
    r = make_repo(tmp_path / "r", [{"tag": ["v1.2.3", "1.2.4", "v2.0.0-rc.1", "v1.2", "notsemver", "1.x"]}])
    got = {str(pv): type(pv.unpaired).__name__ for pv in ls_remote(r.url) if not isinstance(pv.unpaired, Branch)}
    assert got == {"v1.2.3": "SemverVersion", "1.2.4": "SemverVersion", "v2.0.0-rc.1": "SemverVersion",
                   "v1.2": "SemverVersion", "notsemver": "PlainVersion", "1.x": "PlainVersion"}


def test_non_master_default_branch(tmp_path):
    r = make_repo(tmp_path / "r", [
        {"branch": "master", "files": {"a": "1"}},
        {"branch": "trunk", "files": {"b": "2"}},
    ], default_branch="trunk")
    got = listing(ls_remote(r.url))
    assert got[("Branch", "trunk")] == (r.commits[1], True)
    assert got[("Branch", "master")] == (r.commits[0], False)


def test_master_wins_a_default_tie(tmp_path):
    r = make_repo(tmp_path / "r", [{"files": {"a": "1"}}], default_branch="dev")
    git(r.path, "branch", "master")
    git(r.path, "branch", "zzz")
    got = listing(ls_remote(r.url))
    assert got[("Branch", "master")][1] is True
    assert got[("Branch", "dev")][1] is False
    assert got[("Branch", "zzz")][1] is False


def test_several_defaults_without_master_all_stay_default(tmp_path):
    r = make_repo(tmp_path / "r", [{"files": {"a": "1"}}], default_branch="dev")
    git(r.path, "branch", "other")
    got = listing(ls_remote(r.url))
    assert got[("Branch", "dev")][1] is True
    assert got[("Branch", "other")][1] is True


def test_versions_from_ls_remote_rules():
    a, b, c = "a" * 40, "b" * 40, "c" * 40
    lines = [
        (a, "HEAD"),
        (a, "refs/heads/master"),
        (b, "refs/heads/feature"),
        (c, "refs/pull/1/head"),
        ("zz", "refs/heads/bad"),
        (b, "refs/tags/v1.0.0"),
        (c, "refs/tags/v1.0.0^{}"),
        (c, "refs/notes/x"),
    ]
    got = versions_from_ls_remote(lines)
    assert got == [
        PairedVersion(Branch("master", True), a),
        PairedVersion(Branch("feature", False), b),
        PairedVersion(parse_version("v1.0.0"), c),
    ]
    # HEAD only marks defaults when it comes first, as in dep
    late = versions_from_ls_remote([(a, "refs/heads/master"), (a, "HEAD")])
    assert late == [PairedVersion(Branch("master", False), a)]
    assert versions_from_ls_remote([]) == []


def test_ls_remote_empty_repository(tmp_path):
    empty = tmp_path / "empty"
    git(tmp_path, "init", "-q", str(empty))
    url = empty.as_uri()
    with pytest.raises(SourceError) as e:
        ls_remote(url)
    assert str(e.value) == f"failed to list versions for {url}: no data returned from ls-remote"


def test_ls_remote_missing_repository(tmp_path):
    url = (tmp_path / "nope").as_uri()
    with pytest.raises(SourceError) as e:
        ls_remote(url)
    msg = str(e.value)
    assert msg.startswith(f"failed to list versions for {url}: ")
    assert "\n" not in msg
    assert e.value.url == url


def test_plain_path_and_file_url_list_the_same(upstream):
    assert ls_remote(upstream.path) == ls_remote(upstream.url)


def test_gopkgin_filter():
    r = lambda ch: ch * 40  # noqa: E731
    versions = [
        PairedVersion(Branch("master", True), r("a")),
        PairedVersion(Branch("v1", False), r("b")),
        PairedVersion(Branch("v1.1", False), r("c")),
        PairedVersion(Branch("v2", False), r("d")),
        PairedVersion(Branch("v1-unstable", False), r("e")),
        PairedVersion(parse_version("v1.0.0"), r("1")),
        PairedVersion(parse_version("v2.0.0"), r("2")),
        PairedVersion(PlainVersion("junk"), r("3")),
    ]
    got = filter_gopkg_in_versions(versions, 1, False)
    assert got == [
        PairedVersion(Branch("v1", False), r("b")),
        PairedVersion(Branch("v1.1", True), r("c")),
        PairedVersion(parse_version("v1.0.0"), r("1")),
    ]
    unstable = filter_gopkg_in_versions(versions, 1, True)
    assert unstable == [PairedVersion(Branch("v1-unstable", True), r("e"))]
    # v0 with nothing semver at all: the default branch stands in
    plain = [PairedVersion(Branch("master", True), r("a")), PairedVersion(PlainVersion("x"), r("b"))]
    assert filter_gopkg_in_versions(plain, 0, False) == [PairedVersion(Branch("master", True), r("a"))]


def test_gopkgin_source_filters_and_uses_the_alias_for_its_cache(tmp_path):
    r = make_repo(tmp_path / "yaml", [
        {"files": {"a.go": "package yaml\n"}, "tag": ["v1.0.0", "v2.0.0", "junk"]},
        {"branch": "v1", "files": {"b.go": "package yaml\n"}},
    ])
    cache = tmp_path / "cache"
    src = GitSource(r.url, str(cache), name="https://gopkg.in/yaml.v1", gopkgin=(1, False))
    got = listing(src.list_versions())
    assert got == {("SemverVersion", "v1.0.0"): (r.commits[0], False), ("Branch", "v1"): (r.commits[1], True)}
    src.fetch()
    assert listing(src.list_versions()) == got
    assert src.path == str(cache / "sources" / "https---gopkg.in-yaml.v1")


# ---------------------------------------------------------------------------------------------
# Fetch and export


def test_fetch_clones_into_named_cache_dir_and_lists_locally(upstream, tmp_path):
    cache = tmp_path / "cache"
    src = GitSource(upstream.url, str(cache))
    src.fetch()
    assert src.ops == {"clone": 1}
    assert src.path == str(cache / "sources" / source_dir_name(upstream.url))
    assert os.path.isdir(os.path.join(src.path, ".git"))
    assert sorted(os.listdir(src.path)) == [".git"]  # nothing checked out
    assert listing(src.list_versions()) == listing(ls_remote(upstream.url))
    assert src.ops == {"clone": 1}  # fetched during this run: listed from the clone
    assert listing(src.list_versions(upstream=False)) == listing(ls_remote(upstream.url))


def test_export_writes_files_exec_bits_symlinks_and_no_git(upstream, tmp_path):
    src = GitSource(upstream.url, str(tmp_path / "cache"))
    dest = tmp_path / "out"
    src.export(upstream.commits[0], str(dest))
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == [
        "README", "link.go", "main.go", "pkg", "pkg/a", "pkg/a/a.go", "run.sh"]
    assert (dest / "main.go").read_text() == "package main\n"
    assert os.readlink(dest / "link.go") == "main.go"
    assert os.stat(dest / "run.sh").st_mode & 0o111
    assert not os.stat(dest / "main.go").st_mode & 0o111
    assert stat.S_ISREG(os.lstat(dest / "README").st_mode)


def _tree_with_twice_the_same_name(repo_path, dir_first: bool) -> str:
    """A commit whose root tree names ``sub`` twice: a directory holding ``x.go`` and a
    symlink to ``outside`` (git mktree sorts entries; a hostile tree need not be sorted)."""
    blob = git(repo_path, "hash-object", "-w", "--stdin", input=b"package x\n")
    sub = git(repo_path, "mktree", input=f"100644 blob {blob}\tx.go\n".encode())
    link = git(repo_path, "hash-object", "-w", "--stdin", input=str(repo_path.parent / "outside").encode())
    entries = [b"40000 sub\0" + bytes.fromhex(sub), b"120000 sub\0" + bytes.fromhex(link)]
    if not dir_first:
        entries.reverse()
    tree = git(repo_path, "hash-object", "-w", "-t", "tree", "--literally", "--stdin", input=b"".join(entries))
    rev = git(repo_path, "commit-tree", tree, "-m", "twice")
    git(repo_path, "tag", "twice" + str(dir_first), rev)
    return rev


@pytest.mark.parametrize("dir_first", [True, False])
def test_a_tree_naming_one_path_twice_writes_nothing_outside(tmp_path, dir_first):
    repo = make_repo(tmp_path / "up", [{"files": {"main.go": "package main\n"}}])
    outside = tmp_path / "outside"
    outside.mkdir()
    rev = _tree_with_twice_the_same_name(Path(repo.path), dir_first)
    GitSource(repo.url, str(tmp_path / "cache")).export(rev, str(tmp_path / "out"))
    assert os.listdir(outside) == []
    assert os.listdir(tmp_path / "out") == ["sub"]


def test_an_export_never_replaces_or_follows_what_is_already_there(upstream, tmp_path):
    """Exports go into fresh directories; something already at a path the tree names (as a
    second entry a case-insensitive file system folds onto the first would be) is refused,
    never replaced nor written through."""
    dest = tmp_path / "out"
    dest.mkdir()
    victim = tmp_path / "victim.go"
    victim.write_text("keep")
    (dest / "main.go").symlink_to(victim)
    with pytest.raises(SourceError, match="'main.go' occurs twice in its tree"):
        GitSource(upstream.url, str(tmp_path / "cache")).export("v1.0.0", str(dest))
    assert victim.read_text() == "keep"



def test_clone_from_a_repository_with_alternates(upstream, tmp_path):
    shared = tmp_path / "shared"
    git(tmp_path, "clone", "-q", "--shared", upstream.path, str(shared))
    src = GitSource(str(shared), str(tmp_path / "cache"))
    src.export("v1.1.0", str(tmp_path / "o"))
    assert (tmp_path / "o/Gopkg.toml").exists()
    assert src.ops == {"clone": 1}
    git(src.path, "fsck", "--no-dangling")
    assert not (Path(src.path) / ".git/objects/info/alternates").exists()


def test_export_by_tag_and_branch_names(upstream, tmp_path):
    src = GitSource(upstream.url, str(tmp_path / "cache"))
    src.export("v1.1.0", str(tmp_path / "t"))
    assert (tmp_path / "t" / "Gopkg.toml").exists()
    src.export("dev", str(tmp_path / "b"))
    assert (tmp_path / "b" / "dev.go").exists()
    assert src.resolve_revision("v1.1.0") == upstream.commits[1]
    assert src.resolve_revision(upstream.commits[2][:10]) == upstream.commits[2]


def test_listed_fetched_exported_twice_is_served_from_cache(upstream, tmp_path):
    cache = str(tmp_path / "cache")
    first = GitSource(upstream.url, cache, metadata=MetadataCache(cache, cache_age=3600))
    first.list_versions()
    first.export("v1.0.0", str(tmp_path / "o1"))
    first.export(upstream.commits[1], str(tmp_path / "o1b"))
    assert first.ops == {"ls-remote": 1, "clone": 1}
    # same object again: nothing
    first.list_versions()
    first.export("v1.0.0", str(tmp_path / "o1c"))
    assert first.ops == {"ls-remote": 1, "clone": 1}
    # a new run (fresh objects) with DEPCACHEAGE: no network at all
    second = GitSource(upstream.url, cache, metadata=MetadataCache(cache, cache_age=3600))
    assert listing(second.list_versions()) == listing(first.list_versions())
    second.export("v1.0.0", str(tmp_path / "o2"))
    assert second.ops == {}
    # a new run without DEPCACHEAGE: dep lists upstream again, but exports from the clone
    third = GitSource(upstream.url, cache, metadata=MetadataCache(cache, cache_age=0))
    third.list_versions()
    third.export("v1.1.0", str(tmp_path / "o3"))
    assert third.ops == {"ls-remote": 1}
    assert sorted(os.listdir(tmp_path / "o3")) == sorted(os.listdir(tmp_path / "o1b"))


def test_export_of_a_new_upstream_commit_fetches_once(upstream, tmp_path):
    cache = str(tmp_path / "cache")
    GitSource(upstream.url, cache).fetch()
    new = commit(upstream.path, {"new.go": "package main\n"}, branch="main", tag="v1.2.0")
    src = GitSource(upstream.url, cache)
    src.export(new, str(tmp_path / "o"))
    assert src.ops == {"fetch": 1}
    assert (tmp_path / "o" / "new.go").exists()
    assert ("SemverVersion", "v1.2.0") in listing(src.list_versions())
    assert src.ops == {"fetch": 1}


def test_fetch_updates_tags_and_prunes_deleted_refs(upstream, tmp_path):
    cache = str(tmp_path / "cache")
    src = GitSource(upstream.url, cache)
    src.fetch()
    git(upstream.path, "tag", "-d", "foo")
    git(upstream.path, "branch", "-D", "dev")
    git(upstream.path, "tag", "-f", "v1.0.0", upstream.commits[1])  # a moved tag
    commit(upstream.path, {"x.go": "package main\n"}, tag="v2.0.0", annotated=True)
    src2 = GitSource(upstream.url, cache)
    src2.fetch()
    assert src2.ops == {"fetch": 1}
    assert listing(src2.list_versions(upstream=False)) == listing(ls_remote(upstream.url))
    got = listing(src2.list_versions(upstream=False))
    assert ("Branch", "dev") not in got and ("PlainVersion", "foo") not in got
    assert got[("SemverVersion", "v1.0.0")][0] == upstream.commits[1]


def test_unknown_revision_is_an_error(upstream, tmp_path):
    src = GitSource(upstream.url, str(tmp_path / "cache"))
    with pytest.raises(SourceError) as e:
        src.export("f" * 40, str(tmp_path / "o"))
    assert upstream.url in str(e.value) and "f" * 40 in str(e.value)
    assert not src.revision_present("f" * 40)
    assert src.revision_present(upstream.commits[0])
    assert src.revision_present("v1.1.0")


def test_to_revision_and_missing_version(upstream, tmp_path):
    src = GitSource(upstream.url, str(tmp_path / "cache"))
    assert src.to_revision(parse_version("v1.0.0")) == Revision(upstream.commits[0])
    assert src.to_revision(Branch("main", True)) == Revision(upstream.commits[1])
    assert src.to_revision(Revision("x" * 40)) == Revision("x" * 40)
    with pytest.raises(VersionNotFoundError) as e:
        src.to_revision(parse_version("v9.9.9"))
    assert str(e.value) == 'version "v9.9.9" does not exist in source'


def test_read_file(upstream, tmp_path):
    src = GitSource(upstream.url, str(tmp_path / "cache"))
    assert src.read_file("v1.1.0", "Gopkg.toml") == b'[[constraint]]\n  name = "x"\n'
    assert src.read_file("v1.0.0", "Gopkg.toml") is None
    assert src.read_file("v1.0.0", "pkg/a/a.go") == b"package a\n"
    assert src.read_file("v1.0.0", "link.go") == b"package main\n"  # symlink followed
    assert src.read_file("v1.0.0", "pkg") is None
    assert src.ops == {"clone": 1}


def test_analysis_dir_has_go_files_and_all_dirs(upstream, tmp_path):
    src = GitSource(upstream.url, str(tmp_path / "cache"))
    with src.analysis_dir(upstream.commits[0]) as d:
        files = sorted(p.relative_to(d).as_posix() for p in Path(d).rglob("*"))
        # a *.go symlink forces a full export, so everything is here
        assert "link.go" in files and "main.go" in files
    r = make_repo(tmp_path / "plain", [{"files": {"a.go": "package a\n", "doc/x.txt": "x", "b/b.go": "package b\n"}}])
    src2 = GitSource(r.url, str(tmp_path / "cache"))
    with src2.analysis_dir(r.commits[0]) as d:
        files = sorted(p.relative_to(d).as_posix() for p in Path(d).rglob("*"))
        assert files == ["a.go", "b", "b/b.go", "doc"]
    assert not os.path.exists(d)


# ---------------------------------------------------------------------------------------------
# Submodules


@pytest.fixture
def submodule_contents(monkeypatch):
    """The opt-in to export submodule contents (dep leaves submodules empty)."""
    monkeypatch.setenv("DEPSUBMODULES", "1")


def allow_local_submodules(config) -> None:
    """What a user does to let submodules use the file transport, as git requires since 2.38.1."""
    config.write_text(config.read_text() + '[protocol "file"]\n\tallow = always\n')


def test_export_includes_nested_submodules(tmp_path, isolated_git_config, submodule_contents):
    allow_local_submodules(isolated_git_config)
    leaf = make_repo(tmp_path / "leaf", [{"files": {"leaf.go": "package leaf\n", "tool": Exec("#!/bin/sh\n")}}])
    mid = make_repo(tmp_path / "mid", [{"files": {"mid.go": "package mid\n"}}])
    mid_rev = add_submodule(mid.path, "third_party/leaf", leaf.url, leaf.commits[0])
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    # relative URL, resolved against the superproject's URL as git does
    top_rev = add_submodule(top.path, "vendored/mid", "../mid", mid_rev, tag="v1.0.0")
    cache = str(tmp_path / "cache")
    src = GitSource(top.url, cache)
    dest = tmp_path / "out"
    src.export("v1.0.0", str(dest))
    assert (dest / "top.go").read_text() == "package top\n"
    assert (dest / ".gitmodules").exists()
    assert (dest / "vendored/mid/mid.go").read_text() == "package mid\n"
    assert (dest / "vendored/mid/third_party/leaf/leaf.go").read_text() == "package leaf\n"
    assert os.stat(dest / "vendored/mid/third_party/leaf/tool").st_mode & 0o111
    assert not (dest / "vendored/mid/.git").exists()
    # the submodules were cloned into the cache under their own names
    names = sorted(os.listdir(os.path.join(cache, "sources")))
    assert source_dir_name(leaf.url) in names and source_dir_name(mid.url) in names
    # exported again (new objects, same cache): nothing fetched
    from dep.sources import vcs

    before = dict(vcs.NETWORK_OPS)
    again = GitSource(top.url, cache)
    again.export(top_rev, str(tmp_path / "out2"))
    assert again.ops == {}
    assert dict(vcs.NETWORK_OPS) == before
    with again.analysis_dir(top_rev) as d:
        assert (Path(d) / "vendored/mid/third_party/leaf/leaf.go").exists()
        assert not (Path(d) / "vendored/mid/third_party/leaf/tool").exists()


def test_submodule_moved_upstream_is_fetched(tmp_path, isolated_git_config, submodule_contents):
    allow_local_submodules(isolated_git_config)
    leaf = make_repo(tmp_path / "leaf", [{"files": {"a.go": "package a\n"}}])
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    first = add_submodule(top.path, "leaf", leaf.url, leaf.commits[0])
    cache = str(tmp_path / "cache")
    GitSource(top.url, cache).export(first, str(tmp_path / "o1"))
    leaf2 = commit(leaf.path, {"b.go": "package a\n"})
    second = add_submodule(top.path, "leaf", leaf.url, leaf2)
    GitSource(top.url, cache).export(second, str(tmp_path / "o2"))
    assert (tmp_path / "o2/leaf/b.go").exists()
    assert not (tmp_path / "o1/leaf/b.go").exists()


def test_unreachable_submodule_is_left_empty_with_a_warning(tmp_path, submodule_contents):
    """dep never exports submodule contents; with the opt-in we do when we can, and otherwise
    fall back to dep's empty directory rather than failing the whole export."""
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    git(top.path, "update-index", "--add", "--cacheinfo", "160000," + "a" * 40 + ",lost")
    git(top.path, "commit", "-q", "-m", "gitlink without .gitmodules")
    rev = git(top.path, "rev-parse", "HEAD")
    src = GitSource(top.url, str(tmp_path / "cache"))
    src.export(rev, str(tmp_path / "o"))
    assert sorted(os.listdir(tmp_path / "o")) == ["lost", "top.go"] and not os.listdir(tmp_path / "o/lost")
    assert src.warnings == [f"{top.url}: no url found for submodule path 'lost' in .gitmodules"]


@pytest.mark.parametrize("base,rel,want", [
    ("https://h/a/b", "../c", "https://h/a/c"),
    ("https://h/a/b/", "./c", "https://h/a/b/c"),
    ("https://h/a/b", "../../x/c", "https://h/x/c"),
    ("git@h:a/b", "../c", "git@h:a/c"),
    ("git@h:b", "../c", "git@h:c"),
    ("file:///tmp/x/top", "../sub", "file:///tmp/x/sub"),
    ("https://h/a/b", "https://other/c", "https://other/c"),
])
def test_relative_submodule_urls(base, rel, want):
    assert _join_submodule_url(base, rel) == want


# ---------------------------------------------------------------------------------------------
# git config: insteadOf


def test_insteadof_rewrites_urls_longest_match_wins(upstream, isolated_git_config, tmp_path):
    real = Path(upstream.path).parent.as_uri() + "/"
    isolated_git_config.write_text(
        f'[url "{real}"]\n\tinsteadOf = https://example.invalid/\n'
        f'[url "file:///nonexistent/"]\n\tinsteadOf = https://\n'
        '[URL "https://mirror.invalid/"]\n\tInsteadOf = git@github.com:\n')
    assert resolve_url("https://example.invalid/up") == real + "up"
    assert resolve_url("https://elsewhere/x") == "file:///nonexistent/elsewhere/x"
    assert resolve_url("git@github.com:a/b") == "https://mirror.invalid/a/b"
    assert resolve_url("ssh://x/y") == "ssh://x/y"
    url = "https://example.invalid/up"
    assert listing(ls_remote(url)) == listing(ls_remote(upstream.url))
    cache = tmp_path / "cache"
    src = GitSource(url, str(cache))
    src.export("v1.0.0", str(tmp_path / "o"))
    assert (tmp_path / "o/main.go").exists()
    # the cache is named after the URL as given, and remembers it as origin
    assert src.path == str(cache / "sources" / "https---example.invalid-up")
    assert git(src.path, "config", "--get", "remote.origin.url") == url


def test_insteadof_applies_to_submodule_urls(tmp_path, isolated_git_config, submodule_contents):
    leaf = make_repo(tmp_path / "repos" / "leaf", [{"files": {"a.go": "package a\n"}}])
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    rev = add_submodule(top.path, "leaf", "https://example.invalid/leaf", leaf.commits[0])
    isolated_git_config.write_text(
        f'[url "{(tmp_path / "repos").as_uri()}/"]\n\tinsteadOf = https://example.invalid/\n')
    allow_local_submodules(isolated_git_config)
    GitSource(top.url, str(tmp_path / "cache")).export(rev, str(tmp_path / "o"))
    assert (tmp_path / "o/leaf/a.go").exists()


@pytest.mark.parametrize("how", ["absolute", "file-url", "relative", "insteadof"])
def test_local_submodule_urls_are_refused_unless_git_config_allows_them(tmp_path, isolated_git_config, how, submodule_contents):
    """A repository's .gitmodules must not make us read another repository on this machine
    (git refuses the file transport for submodules by default since 2.38.1)."""
    secret = make_repo(tmp_path / "repos" / "secret", [{"files": {"key.go": "package secret\n"}}])
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    url = {"absolute": secret.path, "file-url": secret.url, "relative": "../repos/secret",
           "insteadof": "https://example.invalid/secret"}[how]
    rev = add_submodule(top.path, "leaf", url, secret.commits[0])
    isolated_git_config.write_text(
        f'[url "{(tmp_path / "repos").as_uri()}/"]\n\tinsteadOf = https://example.invalid/\n')
    src = GitSource(top.url, str(tmp_path / "cache"))
    src.export(rev, str(tmp_path / "o"))
    assert os.listdir(tmp_path / "o/leaf") == []
    assert len(src.warnings) == 1 and "is a local path" in src.warnings[0]
    assert "protocol.file.allow" in src.warnings[0]
    allow_local_submodules(isolated_git_config)
    GitSource(top.url, str(tmp_path / "cache2")).export(rev, str(tmp_path / "o2"))
    assert (tmp_path / "o2/leaf/key.go").exists()


def test_submodule_exports_are_bounded_per_project(tmp_path, isolated_git_config, monkeypatch, submodule_contents):
    """Three gitlinks a level, nested three deep: without a bound the export grows as 3**depth."""
    allow_local_submodules(isolated_git_config)
    monkeypatch.setattr(gitmod, "_MAX_SUBMODULES", 5)
    url, rev = None, None
    for level in range(4):
        repo = make_repo(tmp_path / f"r{level}", [{"files": {"a.go": "package a\n"}}])
        rev = repo.commits[-1]
        for k in range(3 if url else 0):
            rev = add_submodule(repo.path, f"s{k}", url, prev)
        url, prev = repo.url, rev
    src = GitSource(url, str(tmp_path / "cache"))
    src.export(rev, str(tmp_path / "o"))
    written = sum(1 for _, _, files in os.walk(tmp_path / "o") if "a.go" in files)
    assert written == 1 + 5  # the project itself and five of its 3 + 9 + 27 submodules



def test_git_config_global_unset_reads_xdg_and_home(upstream, monkeypatch, tmp_path):
    monkeypatch.delenv("GIT_CONFIG_GLOBAL")
    home = Path(os.environ["HOME"])
    (home / ".config/git").mkdir(parents=True)
    real = Path(upstream.path).parent.as_uri() + "/"
    (home / ".config/git/config").write_text(f'[url "{real}"]\n\tinsteadOf = xdg:\n')
    (home / ".gitconfig").write_text(f'[url "{real}"]\n\tinsteadOf = home:\n')
    assert resolve_url("xdg:up") == real + "up"
    assert resolve_url("home:up") == real + "up"


# ---------------------------------------------------------------------------------------------
# Damaged caches


def _corrupt_missing_objects(path):
    objects = Path(path) / ".git" / "objects"
    for p in objects.rglob("*"):
        if p.is_file() and p.parent.name != "info":
            p.unlink()


def _corrupt_head(path):
    (Path(path) / ".git" / "HEAD").write_text("garbage\n")


def _corrupt_truncated_pack(path):
    packs = list((Path(path) / ".git" / "objects" / "pack").glob("*.pack"))
    loose = [p for p in (Path(path) / ".git" / "objects").glob("??/*")]
    for p in packs:
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])
    for p in loose:
        p.write_bytes(b"\x78\x9c garbage")


def _corrupt_packed_refs(path):
    (Path(path) / ".git" / "packed-refs").write_text("not a ref line at all\n")


@pytest.mark.parametrize("damage", [_corrupt_missing_objects, _corrupt_head, _corrupt_truncated_pack,
                                    _corrupt_packed_refs])
def test_damaged_clone_is_detected_and_recloned(upstream, tmp_path, damage):
    cache = str(tmp_path / "cache")
    GitSource(upstream.url, cache).fetch()
    damage(GitSource(upstream.url, cache).path)
    src = GitSource(upstream.url, cache)
    src.export("v1.1.0", str(tmp_path / "o"))
    assert (tmp_path / "o" / "Gopkg.toml").exists()
    assert src.ops["clone"] == 1
    assert git(src.path, "fsck", "--no-dangling") is not None
    # and it is healthy afterwards
    again = GitSource(upstream.url, cache)
    again.export("v1.0.0", str(tmp_path / "o2"))
    assert again.ops == {}


def test_damaged_clone_found_by_fetch_is_recloned(upstream, tmp_path):
    cache = str(tmp_path / "cache")
    GitSource(upstream.url, cache).fetch()
    _corrupt_head(GitSource(upstream.url, cache).path)
    src = GitSource(upstream.url, cache)
    src.fetch()
    assert src.ops == {"clone": 1}
    assert listing(src.list_versions(upstream=False)) == listing(ls_remote(upstream.url))


# ---------------------------------------------------------------------------------------------
# Sharing the cache with Go dep (which runs the git CLI in the same directories)


def test_a_clone_made_by_git_is_used_as_is(upstream, tmp_path):
    cache = tmp_path / "cache"
    path = cache / "sources" / source_dir_name(upstream.url)
    path.parent.mkdir(parents=True)
    git(tmp_path, "clone", "-q", "--recursive", upstream.url, str(path))
    src = GitSource(upstream.url, str(cache))
    assert src.exists_locally()
    assert listing(src.list_versions(upstream=False)) == listing(ls_remote(upstream.url))
    src.export("v1.1.0", str(tmp_path / "o"))
    assert src.ops == {}
    src.fetch()
    assert src.ops == {"fetch": 1}


def test_our_clone_works_for_git_commands_dep_runs(upstream, tmp_path):
    src = GitSource(upstream.url, str(tmp_path / "cache"))
    src.fetch()
    p = src.path
    git(p, "checkout", "-q", upstream.commits[0])
    assert (Path(p) / "main.go").exists()
    assert git(p, "status", "--porcelain") == ""
    git(p, "fetch", "--tags", "--prune", "origin")
    git(p, "checkout", "-q", "v1.1.0")
    git(p, "fsck", "--no-dangling")
    assert git(p, "rev-parse", "refs/tags/v1.1.0^{}") == upstream.commits[1]
    # and still fine for us afterwards
    again = GitSource(upstream.url, str(tmp_path / "cache"))
    again.export("dev", str(tmp_path / "o"))
    assert again.ops == {}


# ---------------------------------------------------------------------------------------------
# Smart HTTP (a real server: dulwich's WSGI git server on localhost)


@pytest.fixture
def http_server():
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from dulwich.server import FileSystemBackend
    from dulwich.web import make_wsgi_chain

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    state = {"auth": None, "requests": 0}
    git_app = make_wsgi_chain(FileSystemBackend("/"))

    def app(environ, start_response):
        state["requests"] += 1
        if state["auth"]:
            want = "Basic " + base64.b64encode(state["auth"].encode()).decode()
            if environ.get("HTTP_AUTHORIZATION") != want:
                start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"')])
                return [b"unauthorized"]
        return git_app(environ, start_response)

    srv = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    t = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    t.start()
    state["base"] = f"http://127.0.0.1:{srv.server_port}"
    yield state
    srv.shutdown()
    srv.server_close()


def test_http_smart_protocol(upstream, http_server, tmp_path):
    url = http_server["base"] + str(Path(upstream.path).resolve())
    assert listing(ls_remote(url)) == listing(ls_remote(upstream.url))
    src = GitSource(url, str(tmp_path / "cache"))
    src.export("v1.1.0", str(tmp_path / "o"))
    assert (tmp_path / "o/Gopkg.toml").exists()
    assert src.ops == {"clone": 1}


def test_http_credentials_from_the_store_file(upstream, http_server, tmp_path):
    http_server["auth"] = "alice:s3cret"
    url = http_server["base"] + str(Path(upstream.path).resolve())
    with pytest.raises(SourceError):
        ls_remote(url)
    host = http_server["base"].split("//")[1].split(":")[0]
    port = http_server["base"].rsplit(":", 1)[1]
    (Path(os.environ["HOME"]) / ".git-credentials").write_text(
        f"http://bob:wrong@{host}:1\nnot a url\nhttp://alice:s3cret@{host}:{port}\n")
    assert listing(ls_remote(url)) == listing(ls_remote(upstream.url))


def test_http_credentials_from_netrc(upstream, http_server, tmp_path, monkeypatch):
    http_server["auth"] = "carol:pw"
    url = http_server["base"] + str(Path(upstream.path).resolve())
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login carol password pw\n")
    monkeypatch.setenv("NETRC", str(netrc))
    src = GitSource(url, str(tmp_path / "cache"))
    src.export("v1.0.0", str(tmp_path / "o"))
    assert (tmp_path / "o/main.go").exists()


def test_unreachable_http_is_a_one_line_error(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    url = f"http://127.0.0.1:{port}/x/y"
    with pytest.raises(SourceError) as e:
        ls_remote(url)
    assert str(e.value).startswith(f"failed to list versions for {url}: ")
    assert "\n" not in str(e.value)


def test_importing_git_module_does_not_load_dulwich():
    code = "import sys, dep.sources.git, dep.sources.cache, dep.sources.vcs; print('dulwich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------------------------------------
# Blobs are streamed: loose objects, whole pack entries and deltified ones


@pytest.mark.parametrize("packed", [False, True])
def test_large_blobs_export_byte_for_byte(tmp_path, packed):
    noise = os.urandom(3 << 20)  # spans several of the streaming chunks
    text = b"package x // a line that compresses well\n" * 100_000
    repo = make_repo(tmp_path / "up", [{"files": {"noise.bin": noise, "text.go": text}, "tag": "v1"},
                                       {"files": {"noise.bin": noise + b"more"}, "tag": "v2"}])
    if packed:
        git(repo.path, "gc", "-q", "--aggressive")  # v1's noise.bin becomes a delta of v2's
        assert "blob" in git(repo.path, "verify-pack", "-v", *Path(repo.path, ".git/objects/pack").glob("*.idx"))
    src = GitSource(repo.url, str(tmp_path / "cache"))
    for tag, want in (("v1", noise), ("v2", noise + b"more")):
        src.export(tag, str(tmp_path / tag))
        assert (tmp_path / tag / "noise.bin").read_bytes() == want
        assert (tmp_path / tag / "text.go").read_bytes() == text


def test_a_blob_shorter_than_its_header_says_is_damage(tmp_path):
    import zlib

    repo = make_repo(tmp_path / "up", [{"files": {"a.go": "package a\n"}, "tag": "v1"}])
    src = GitSource(repo.url, str(tmp_path / "cache"))
    src.export("v1", str(tmp_path / "ok"))
    blob = git(repo.path, "rev-parse", "v1:a.go")
    loose = Path(src.path, ".git/objects", blob[:2], blob[2:])
    assert loose.exists()  # a local clone copies loose objects as they are
    loose.chmod(0o644)
    loose.write_bytes(zlib.compress(b"blob 99\0package a\n"))
    src2 = GitSource(repo.url, str(tmp_path / "cache"))
    src2.export("v1", str(tmp_path / "again"))  # the damaged clone is replaced and the export redone
    assert (tmp_path / "again/a.go").read_text() == "package a\n"
    assert src2.ops.get("clone") == 1


@pytest.mark.parametrize("url", ["..", "."])
def test_a_submodule_url_naming_the_cache_dirs_parent_leaves_the_cache_alone(tmp_path, isolated_git_config, url, submodule_contents):
    allow_local_submodules(isolated_git_config)
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    rev = add_submodule(top.path, "leaf", url, top.commits[0])
    cache = tmp_path / "cache"
    (cache / "keep").mkdir(parents=True)
    (cache / "keep/marker").write_text("cache data\n")
    src = GitSource(top.url, str(cache))
    src.export(rev, str(tmp_path / "o"))
    assert (cache / "keep/marker").read_text() == "cache data\n"
    assert (tmp_path / "o/top.go").exists()


def test_submodules_are_empty_directories_by_default_as_dep_exports_them(tmp_path, isolated_git_config):
    """dep's git checkout-index writes a submodule as an empty directory; every lock digest
    dep wrote was computed so. Nothing is fetched for it."""
    allow_local_submodules(isolated_git_config)
    leaf = make_repo(tmp_path / "leaf", [{"files": {"leaf.go": "package leaf\n"}}])
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    rev = add_submodule(top.path, "lib/leaf", leaf.url, leaf.commits[0])
    cache = tmp_path / "cache"
    src = GitSource(top.url, str(cache))
    src.export(rev, str(tmp_path / "o"))
    assert os.listdir(tmp_path / "o/lib/leaf") == [] and src.warnings == []
    assert os.listdir(cache / "sources") == [source_dir_name(top.url)]  # the submodule was not cloned
    with src.analysis_dir(rev) as d:  # dep analyses a checkout with submodules updated
        assert (Path(d) / "lib/leaf/leaf.go").exists()
