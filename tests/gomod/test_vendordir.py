"""dep.gomod.vendordir: vendor/ as go mod vendor lays it out.

Pure checks of build constraints and of the plan, then the judge: a dependency with awkward
files (ignore-tagged files in every spelling, _ and . files, symlinks, a nested module, a
vendor/ of its own, //go:embed of files, directories and all:, test embeds, metadata files in
parents, go.mod/go.sum in a package directory) vendored by ``go mod vendor`` at several main
go versions (1.15 and 1.16 keep go.mod files, 1.17 drops them,
1.22 drops test embeds) must equal vendordir.plan's tree byte for byte.
"""

from __future__ import annotations

import os

import pytest

from dep.gomod import modzip, vendordir
from dep.gomod.vendordir import Module, plan, should_build
from tests.gitrepos import Link, make_repo
from tests.gomod.conftest import run_go


@pytest.mark.parametrize("src,want", [
    ("package a\n", True),
    ("//go:build ignore\n\npackage a\n", False),
    ("// +build ignore\n\npackage a\n", False),
    ("// +build ignore\npackage a\n", True),  # no blank line: a doc comment, not a constraint
    ("// Copyright\n\n// +build ignore\n\npackage a\n", False),
    ("//go:build !linux && ignore\n\npackage a\n", False),
    ("//go:build !ignore\n\npackage a\n", True),
    ("//go:build windows\n\npackage a\n", True),
    ("//go:build linux && !linux\n\npackage a\n", True),  # every tag is preferred either way
    ("//go:build ignore || foo\n\npackage a\n", True),
    ("// +build foo,ignore\n\npackage a\n", False),
    ("// +build foo,ignore bar\n\npackage a\n", True),
    ("// +build !ignore\n\npackage a\n", True),
    ("/*\n//go:build ignore\n*/\npackage a\n", True),
])
def test_should_build(src, want):
    assert should_build(src.encode()) is want


def files(d: dict) -> dict:
    return {k: (lambda v=v: v.encode()) for k, v in d.items()}


def test_plan_follows_imports_and_main_tests_only():
    dep = Module("example.com/dep", "v1.0.0", files({
        "LICENSE": "L", "README": "R", "x/NOTICE": "N", "x/y/y.go": 'package y\nimport "example.com/dep/z"\n',
        "x/y/y_test.go": 'package y\nimport "example.com/dep/t"\n', "z/z.go": "package z\n",
        "t/t.go": "package t\n", "x/y/go.mod": "module m\n", "unused/u.go": "package u\n"}), go_version="1.16")
    main = files({"m.go": 'package m\nimport ("fmt"; "example.com/dep/x/y")\n',
                  "m_test.go": 'package m\nimport "example.com/tonly"\n',
                  "sub/s.go": 'package sub\nimport "example.com/main/other"\n'})
    tonly = Module("example.com/tonly", "v0.1.0", files({"t.go": "package tonly\n"}))
    tree = plan("example.com/main", main, [dep, tonly], "1.17")
    assert tree.packages == {"example.com/dep": ["example.com/dep/x/y", "example.com/dep/z"],
                             "example.com/tonly": ["example.com/tonly"]}
    assert sorted(tree.files) == [
        "example.com/dep/LICENSE", "example.com/dep/x/NOTICE", "example.com/dep/x/y/y.go",
        "example.com/dep/z/z.go", "example.com/tonly/t.go", "modules.txt"]
    assert tree.files["modules.txt"]().decode() == (
        "# example.com/dep v1.0.0\n## explicit; go 1.16\nexample.com/dep/x/y\nexample.com/dep/z\n"
        "# example.com/tonly v0.1.0\n## explicit\nexample.com/tonly\n")
    # go 1.15: go mod vendor's "all" still leaves dependencies' tests out; go.mod files stay
    old = plan("example.com/main", main, [dep, tonly], "1.15")
    assert old.packages == tree.packages
    assert "example.com/dep/x/y/go.mod" in old.files


def test_plan_records_missing_and_ambiguous():
    a = Module("example.com/a", "v1.0.0", files({"b/b.go": "package b\n"}))
    ab = Module("example.com/a/b", "v1.0.0", files({"b.go": "package b\n"}))
    main = files({"m.go": 'package m\nimport ("example.com/a/b"; "example.com/gone")\n'})
    tree = plan("example.com/main", main, [a, ab], "1.17")
    assert tree.ambiguous == [("example.com/main", "example.com/a/b")]
    assert tree.missing == [("example.com/main", "example.com/gone")]


# --- the judge ---------------------------------------------------------------------------------

C_GO = """package c

import "embed"

//go:embed static
var Static embed.FS

//go:embed all:raw
var Raw embed.FS

//go:embed *.tmpl "q u.txt"
var T embed.FS
"""

DEP_FILES = {
    "go.mod": "module github.com/acme/dep\n\ngo 1.16\n",
    "LICENSE": "MIT\n", "COPYRIGHT.txt": "(c)\n", "README.md": "no\n",
    "a/a.go": 'package a\n\nimport (\n\t"github.com/acme/dep/b"\n\t"github.com/acme/dep/c"\n\t'
              '"github.com/acme/other"\n)\n\nvar X = b.X + other.X + len(c.Static.ReadDir) * 0\n',
    "a/a_test.go": 'package a\n\nimport "github.com/acme/dep/t"\n\nvar _ = t.X\n',
    "a/x_test.go": 'package a_test\n\nimport _ "github.com/acme/dep/t2"\n',
    "a/_skip.go": 'package a\n\nimport "nope/never"\n',
    "a/.hidden": "h\n",
    "a/ign1.go": '//go:build ignore\n\npackage main\n\nimport "nope/never"\n',
    "a/ign2.go": '// Doc.\n\n// +build ignore\n\npackage main\n',
    "a/notign.go": "// +build ignore\npackage a\n",
    "a/win.go": "//go:build windows\n\npackage a\n",
    "a/link.go": Link("win.go"),
    "a/go.sum": "",
    "a/PATENTS": "p\n",
    "a/sub/s.go": "package sub\n",
    "b/b.go": "package b\n\nconst X = 1\n",
    "b/AUTHORS": "me\n",
    "c/c.go": C_GO,
    "c/c_test.go": 'package c\n\nimport _ "embed"\n\n//go:embed testdata/x.txt\nvar x string\n',
    "c/testdata/x.txt": "x\n",
    "c/static/a.txt": "a\n", "c/static/.dot": ".\n", "c/static/_u": "_\n", "c/static/d/e.txt": "e\n",
    "c/raw/.dot": ".\n", "c/raw/f.txt": "f\n",
    "c/one.tmpl": "1\n", "c/q u.txt": "q\n",
    "t/t.go": "package t\n\nconst X = 1\n",
    "t2/t2.go": "package t2\n",
    "vendor/v/v.go": "package v\n",
    "n/go.mod": "module github.com/acme/dep/n\n", "n/n.go": "package n\n",
}

OTHER_FILES = {"PATENTS": "p\n", "other.go": "package other\n\nconst X = 2\n", "o_test.go": "package other\n"}


def tree_of(root) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        for f in filenames:
            with open(os.path.join(dirpath, f), "rb") as fh:
                out[os.path.normpath(os.path.join(rel, f))] = fh.read()
    return out


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("vendordir")
    dep = make_repo(base / "dep", [{"files": DEP_FILES, "tag": "v1.0.0"}])
    other = make_repo(base / "other", [{"files": OTHER_FILES, "tag": "v1.0.0"}])
    return base, {"github.com/acme/dep": dep, "github.com/acme/other": other}


@pytest.mark.parametrize("main_go", ["1.15", "1.16", "1.17", "1.22"])
def test_go_mod_vendor_agrees(go_cmd, go_env, repos, tmp_path, main_go):
    _, rs = repos
    env = go_env({p: r.path for p, r in rs.items()})
    main = tmp_path / "main"
    main.mkdir()
    (main / "go.mod").write_text(f"module example.com/main\n\ngo {main_go}\n\nrequire (\n"
                                 "\tgithub.com/acme/dep v1.0.0\n\tgithub.com/acme/other v1.0.0\n)\n")
    (main / "main.go").write_text('package main\n\nimport _ "github.com/acme/dep/a"\n\nfunc main() {}\n')
    run_go(go_cmd, ["mod", "tidy"], env, cwd=main)
    run_go(go_cmd, ["mod", "vendor"], env, cwd=main)
    want = tree_of(main / "vendor")
    d = "github.com/acme/dep/"
    assert (d + "c/testdata/x.txt" in want) == (main_go < "1.22")  # test embeds, until 1.22
    assert (d + "a/go.sum" in want) == (main_go < "1.17")
    assert d + "c/static/d/e.txt" in want and d + "c/raw/.dot" in want and d + "c/static/.dot" not in want
    assert d + "a/_skip.go" in want and d + "a/notign.go" in want and d + "a/ign2.go" not in want

    mods = []
    revs = []
    try:
        for path, r in sorted(rs.items()):
            rev = modzip.Revision(r.path, r.rev("v1.0.0"))
            revs.append(rev)
            fs = {n: f.read for n, f in modzip.module_files(modzip.revision_files(rev))}
            go = "1.16" if path.endswith("/dep") else ""
            mods.append(Module(path, "v1.0.0", fs, go_version=go))
        tree = plan("example.com/main", vendordir.main_module_files(str(main)), mods, main_go)
        out = tmp_path / "ours"
        tree.write(str(out))
    finally:
        for rev in revs:
            rev.close()
    got = tree_of(out)
    assert got["modules.txt"].decode() == want["modules.txt"].decode()
    assert sorted(got) == sorted(want)
    assert got == want


@pytest.mark.parametrize("rel", ["../escape.go", "a/../../b.go", "/abs/x.go", "a//b.go"])
def test_write_refuses_paths_outside_vendor(tmp_path, rel):
    from dep.gomod.vendordir import VendorTree
    from dep.safepath import UnsafePathError

    tree = VendorTree(files={rel: lambda: b"x"}, packages={}, modules_txt=b"")
    dest = tmp_path / "stage" / "vendor"
    dest.mkdir(parents=True)
    with pytest.raises(UnsafePathError):
        tree.write(str(dest))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["stage", "vendor"]


@pytest.mark.parametrize("expr", ["!" * 5000 + "x", "(" * 5000 + "x" + ")" * 5000])
def test_a_build_line_nested_thousands_deep_is_a_typed_error(expr):
    with pytest.raises(vendordir.VendorError, match="nested too deeply"):
        should_build(f"//go:build {expr}\n\npackage a\n".encode())
