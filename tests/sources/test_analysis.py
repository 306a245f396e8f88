"""Package analysis of a git revision from the object store (GitSource.package_tree) against
dep's ListPackages (``pkgtree.list_packages``) of the exported tree, on real repositories."""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for gitrepos

from gitrepos import Link, add_submodule, commit_deep_tree, git, make_repo  # noqa: E402

from dep.errors import DepError  # noqa: E402
from dep.pkgtree import PackageError, PackageOrErr, PackageTree, list_packages  # noqa: E402
from dep.sources.git import GitSource  # noqa: E402

ROOT = "example.com/r"


@pytest.fixture(autouse=True)
def empty_git_config(tmp_path, monkeypatch):
    cfg = tmp_path / "gitconfig"
    cfg.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("DEPSUBMODULES", raising=False)


class CountingSource(GitSource):
    """A GitSource that counts the analyses that fell back to an export."""

    exported = 0

    def analysis_dir(self, rev):
        self.exported += 1
        return super().analysis_dir(rev)


def _retarget(tree: PackageTree, pattern: str, root: str) -> PackageTree:
    """``tree`` with the directory matched by ``pattern`` in messages replaced by ``root``."""
    out = PackageTree(tree.import_root, {})
    for ip, pe in tree.packages.items():
        if pe.error is not None:
            e = pe.error
            pe = PackageOrErr(error=PackageError(e.kind, re.sub(pattern, root, e.message), e.detail))
        out.packages[ip] = pe
    return out


def _expected(src: GitSource, rev: str, dest: Path):
    """list_packages of the exported tree, its messages naming the source's path as
    package_tree's do (the checkout dep itself lists packages in); or the error it raises."""
    src.export(rev, str(dest))
    try:
        return _retarget(list_packages(str(dest), ROOT), re.escape(str(dest)), src.path)
    except DepError as e:
        return type(e), str(e).replace(str(dest), src.path)


def _analysed(src: GitSource, rev: str):
    try:
        tree = src.package_tree(rev, ROOT)
    except DepError as e:
        return type(e), re.sub(r"/\S*?/dep-analysis-[^/\s:]+", src.path, str(e))
    # an analysis of an export names its temporary directory
    return _retarget(tree, r"/\S*?/dep-analysis-[^/\s:]+", src.path)


# ---------------------------------------------------------------------------------------------
# Generated trees

_DIRS = ["a", "b", "vendor", "testdata", "_x", ".x", "cmd", "x.go", ".hg", "Godeps", "[ab]", "é"]
_NAMES = ["a.go", "b.go", "a_test.go", "_skip.go", ".hidden.go", "z.go", "README.md", "c.txt"]
_LINKS = ["a.go", "../a.go", "b/b.go", "vendor/v.go", "/etc/hostname", "missing.go", "..", "a", "c.txt"]


def _go_source(rng: random.Random, pkg: str) -> str | bytes:
    return rng.choice([
        f"package {pkg}\n",
        f'package {pkg}\n\nimport (\n\t"fmt"\n\t"{ROOT}/a"\n\t"github.com/x/y"\n)\n',
        f'package {pkg} // import "{ROOT}/{pkg}"\n',
        f'package {pkg} /* import "{ROOT}/other" */\n',
        f'package {pkg} // import "elsewhere.org/{pkg}"\n',
        '// +build ignore\n\npackage ignored\n\nimport "os"\n',
        f'// Copyright\n\n// +build linux,ignore\n\npackage {pkg}\n',
        f'package {pkg}\n\nimport "./local"\n',
        f'package {pkg}\n\nimport (\n\t"../up"\n\t"./down"\n)\n',
        "packag oops\n",
        f"package {pkg}\n\nimport (\n\t\"fmt\"\n",
        f'package {pkg}_test\n\nimport "testing"\n',
        f"package {pkg}\n\nimport \"a\\x62c\"\n",
        b"package \xff\n",
        f"\ufeffpackage {pkg}\r\n\r\nimport \"x.org/y\"\r\n",
        f"package {pkg}\n\nimport `raw/path`\nimport _ \"C\"\n\nfunc f() {{}}\n",
        f"//line foo.go:10\npackage {pkg}\nimport 5\n",
    ])


def _random_files(rng: random.Random) -> dict:
    files: dict = {}
    dirs = [""]
    for _ in range(rng.randint(1, 7)):
        parent = rng.choice(dirs)
        d = (parent + "/" if parent else "") + rng.choice(_DIRS)
        if d not in dirs:
            dirs.append(d)
    for d in dirs:
        pkg = re.sub(r"\W", "", d.rsplit("/", 1)[-1]) or "p"
        for name in rng.sample(_NAMES, rng.randint(0, 4)):
            path = (d + "/" if d else "") + name
            files[path] = _go_source(rng, pkg) if name.endswith(".go") else "text\n"
        if rng.random() < 0.12:
            files[(d + "/" if d else "") + rng.choice(["l.go", "_l.go", "d"])] = Link(rng.choice(_LINKS))
    if not files:
        files["doc.txt"] = "x\n"
    return files


def test_object_store_analysis_equals_list_packages_of_the_export(tmp_path):
    rng = random.Random(20261206)
    fast = 0
    for case in range(40):
        files = _random_files(rng)
        up = make_repo(tmp_path / f"up{case}", [{"files": files}])
        src = CountingSource(up.url, str(tmp_path / "cache"))
        got = _analysed(src, up.commits[0])
        want = _expected(src, up.commits[0], tmp_path / f"export{case}")
        assert got == want, (case, files)
        fast += src.exported == 0
        if src.exported == 0 and isinstance(want, PackageTree):
            assert src.package_tree(up.commits[0], ROOT) == want  # exactly, paths included
    assert fast >= 25  # most trees need no export (a *.go symlink, a pattern-like dir do)


def test_messages_name_the_checkout_dep_lists_packages_in(tmp_path):
    up = make_repo(tmp_path / "up", [{"files": {"a.go": "package a\n", "doc/x.txt": "x", "bad/b.go": "packag b\n"}}])
    src = CountingSource(up.url, str(tmp_path / "cache"))
    tree = src.package_tree(up.commits[0], ROOT)
    assert src.exported == 0
    assert tree.packages[ROOT + "/doc"].error.message == "no buildable Go source files in " + src.path + "/doc"
    assert tree.packages[ROOT + "/bad"].error.message.startswith(src.path + "/bad/b.go:1:1: ")


def test_vendor_is_never_read(tmp_path):
    """A repository whose vendor/ blob is missing from the object store (upstream and clone
    alike) is analysed; an analysis that reads vendor/ finds the clone damaged, clones again,
    and fails."""
    up = make_repo(tmp_path / "up", [{"files": {
        "a.go": 'package a\n\nimport "github.com/v/lib"\n', "vendor/github.com/v/lib/lib.go": "package lib\n",
        "sub/vendor/x.go": "package x\n"}, "tag": "v1.0.0"}])
    for path in ("vendor/github.com/v/lib/lib.go", "sub/vendor/x.go"):
        sha = git(up.path, "rev-parse", f"HEAD:{path}")
        os.remove(os.path.join(up.path, ".git", "objects", sha[:2], sha[2:]))
    src = CountingSource(up.url, str(tmp_path / "cache"))
    tree = src.package_tree("v1.0.0", ROOT)
    assert sorted(tree.packages) == [ROOT, ROOT + "/sub"]
    assert tree.packages[ROOT].package.imports == ("github.com/v/lib",)
    assert src.exported == 0 and src.ops == {"clone": 1}


def test_analysis_writes_no_files(tmp_path, monkeypatch):
    import tempfile

    up = make_repo(tmp_path / "up", [{"files": {"a.go": "package a\n", "b/b.go": "package b\n"}}])
    src = GitSource(up.url, str(tmp_path / "cache"))
    src.fetch()
    before = sorted(os.walk(tmp_path / "cache"))
    made = []
    real_mkdtemp = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append(real_mkdtemp(*a, **k)) or made[-1])
    tree = src.package_tree(up.commits[0], ROOT)
    assert sorted(tree.packages) == [ROOT, ROOT + "/b"]
    assert made == [] and sorted(os.walk(tmp_path / "cache")) == before


def test_go_symlink_analyses_an_export(tmp_path):
    """A *.go symlink may point at a file the walk skips (vendor/, a non-Go file), or out of
    the tree: an export answers, as before."""
    up = make_repo(tmp_path / "up", [{"files": {
        "a.go": Link("vendor/real.go"), "vendor/real.go": 'package a\n\nimport "x.org/y"\n',
        "out/o.go": Link("/etc/hostname"), "_l.go": Link("missing.go")}}])
    src = CountingSource(up.url, str(tmp_path / "cache"))
    got = _analysed(src, up.commits[0])
    assert src.exported == 1
    assert got == _expected(src, up.commits[0], tmp_path / "export")
    assert got.packages[ROOT].package.imports == ("x.org/y",)
    # a symlink named _*.go is never read, so it needs no export
    up2 = make_repo(tmp_path / "up2", [{"files": {"a.go": "package a\n", "_l.go": Link("/etc/hostname")}}])
    src2 = CountingSource(up2.url, str(tmp_path / "cache"))
    assert src2.package_tree(up2.commits[0], ROOT) == _expected(src2, up2.commits[0], tmp_path / "export2")
    assert src2.exported == 0


def test_submodules_are_analysed_with_their_contents(tmp_path, empty_git_config):
    """dep lists packages in its checkout after ``git submodule update --init --recursive``,
    so a submodule's packages are seen (though dep vendors it empty); one inside vendor/ is
    never entered, nor fetched."""
    cfg = Path(os.environ["GIT_CONFIG_GLOBAL"])
    cfg.write_text('[protocol "file"]\n\tallow = always\n')
    lib = make_repo(tmp_path / "lib", [{"files": {"lib.go": 'package lib\n\nimport "x.org/z"\n'}}])
    top = make_repo(tmp_path / "top", [{"files": {"top.go": "package top\n"}}])
    rev = add_submodule(top.path, "third/lib", lib.url, lib.commits[0])
    src = CountingSource(top.url, str(tmp_path / "cache"))
    tree = src.package_tree(rev, ROOT)
    assert src.exported == 1
    assert tree.packages[ROOT + "/third/lib"].package.imports == ("x.org/z",)

    vend = make_repo(tmp_path / "vend", [{"files": {"top.go": "package top\n"}}])
    rev = add_submodule(vend.path, "vendor/lib", "../nowhere", lib.commits[0])
    src = CountingSource(vend.url, str(tmp_path / "cache"))
    assert sorted(src.package_tree(rev, ROOT).packages) == [ROOT]
    assert src.exported == 0 and src.warnings == []


def test_refused_names_fail_as_the_export_does(tmp_path):
    up = make_repo(tmp_path / "up", [{"files": {"a.go": "package a\n"}}])
    # a tree with an entry named ".GIT", which the export refuses to write
    blob = git(up.path, "hash-object", "-w", "--stdin", input=b"package x\n")
    sub = git(up.path, "mktree", input=f"100644 blob {blob}\tx.go\n".encode())
    root = git(up.path, "mktree", input=f"040000 tree {sub}\t.GIT\n100644 blob {blob}\tx.go\n".encode())
    bad = git(up.path, "commit-tree", root, "-m", "bad")
    git(up.path, "tag", "bad", bad)
    src = GitSource(up.url, str(tmp_path / "cache"))
    with pytest.raises(DepError) as got:
        src.package_tree("bad", ROOT)
    with pytest.raises(DepError) as want:
        src.export("bad", str(tmp_path / "export"))
    assert str(got.value) == str(want.value)



def test_directories_nested_past_the_recursion_limit_are_analysed(tmp_path):
    """A tree 1,500 directories deep (possible in tree objects, never on disk) is analysed,
    not a RecursionError."""
    from dep.sources.git import GitSource

    up = make_repo(tmp_path / "up", [{"files": {"a.go": "package a\n"}}])
    rev = commit_deep_tree(up, 1500, b'package x\n\nimport "fmt"\n')
    tree = GitSource(up.url, str(tmp_path / "cache")).package_tree(rev, "example.com/up")
    deepest = "example.com/up/" + "/".join(["d"] * 1501)
    assert tree.packages[deepest].package.imports == ("fmt",)
    assert len(tree.packages) == 1502
