"""Pruning an exported project. Expected listings were cross-checked with dep v0.5.4's
gps.PruneProject on the same trees (and on 300 random trees, with no difference)."""

import os

import pytest

from dep.prune import PruneOptions as P
from dep.vendor import is_legal_file, is_source_file, prune_project

TREE = {
    "a.go": "", "a_test.go": "", "README.md": "", "LICENSE": "", "NOTICE.txt": "",
    "sub/b.go": "", "sub/b_test.go": "", "sub/data.json": "", "sub/AUTHORS": "",
    "sub/deep/c.go": "", "testdata/in.txt": "", "vendor/x/x.go": "", "cmd/tool/main.go": "",
    "asm/x.S": "", "asm/y.syso": "",
}


def build(root, tree=TREE):
    for rel, body in tree.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(body)


def listing(root):
    out = []
    for dp, dn, fn in os.walk(root):
        rel = os.path.relpath(dp, root)
        out += [os.path.normpath(os.path.join(rel, x)).replace(os.sep, "/") for x in dn + fn]
    return sorted(out)


@pytest.mark.parametrize("opts, packages, gone, kept", [
    (P.NESTED_VENDOR, ["."], ["vendor"], ["a_test.go", "README.md", "testdata/in.txt"]),
    (P.NESTED_VENDOR | P.UNUSED_PACKAGES, ["sub"],
     ["a.go", "a_test.go", "README.md", "sub/deep", "testdata", "cmd", "asm"],
     ["LICENSE", "NOTICE.txt", "sub/b.go", "sub/data.json", "sub/AUTHORS"]),
    (P.NESTED_VENDOR | P.NON_GO, ["."], ["README.md", "sub/data.json", "testdata"],
     ["LICENSE", "sub/AUTHORS", "asm/x.S", "asm/y.syso", "a_test.go"]),
    (P.NESTED_VENDOR | P.GO_TESTS, ["."], ["a_test.go", "sub/b_test.go"], ["a.go", "README.md"]),
    (P.NONE, [], [], ["vendor/x/x.go", "a_test.go"]),
])
def test_prune_rules(tmp_path, opts, packages, gone, kept):
    build(tmp_path)
    prune_project(str(tmp_path), packages, opts)
    have = listing(tmp_path)
    for g in gone:
        assert g not in have
    for k in kept:
        assert k in have


def test_symlinks_survive_and_keep_their_directory(tmp_path):
    build(tmp_path, {"keep/x.txt": "", "a.go": ""})
    os.symlink("../a.go", tmp_path / "keep" / "link")
    os.symlink("a.go", tmp_path / "vendor")  # a symlink named vendor is removed
    prune_project(str(tmp_path), ["."], P.NESTED_VENDOR | P.NON_GO | P.UNUSED_PACKAGES)
    assert listing(tmp_path) == ["a.go", "keep", "keep/link"]


@pytest.mark.parametrize("path, source", [
    ("a.go", True), ("x.S", True), ("x.s", True), ("x.F", True), ("x.f90", True), ("x.syso", True),
    ("x.GO", False), ("Makefile", False), ("dir.go/README", False), ("x.swigcxx", True),
])
def test_source_files_by_last_dot_of_the_path(path, source):
    assert is_source_file(path) is source


@pytest.mark.parametrize("name, legal", [
    ("LICENSE", True), ("License.md", True), ("COPYING", True), ("UNLICENSE", True),
    ("copyright.txt", True), ("MY-AUTHORS", True), ("CONTRIBUTORS", True), ("legal.txt", True),
    ("NOTICE", True), ("disclaimer", True), ("PATENTS", True), ("THIRD-PARTY-NOTICES", True),
    ("thirdparty.md", True), ("license.go", False), ("README", False),
])
def test_legal_files(name, legal):
    assert is_legal_file(name) is legal


def test_export_filter_agrees_with_prune_on_random_trees(tmp_path):
    """Skipping at export time what pruning would delete must leave the very same tree."""
    import random

    from dep.vendor import survives_prune

    rng = random.Random(7)
    dirs = ["", "sub", "sub/deep", "vendor", "vendor/x", "a/vendor/b", "testdata", "cmd/tool", "x.go"]
    names = ["a.go", "a_test.go", "README.md", "LICENSE", "COPYING.go", "x.S", "data.json", "vendor",
             "NOTICE", "b_test.go.txt", "Makefile", "legal.c"]
    for trial in range(150):
        tree = {}
        for _ in range(rng.randint(1, 14)):
            d, n = rng.choice(dirs), rng.choice(names)
            if d and (d + "/" + n) in dirs or (d + "/" + n).startswith(tuple(x + "/" for x in tree)):
                continue
            path = f"{d}/{n}" if d else n
            if any(p.startswith(path + "/") for p in tree):
                continue
            tree[path] = ""
        opts = P(rng.randrange(16)) | P.NESTED_VENDOR if rng.random() < 0.8 else P(rng.randrange(16))
        packages = rng.sample([".", "sub", "sub/deep", "cmd/tool", "vendor/x"], rng.randint(0, 3))
        full, filtered = tmp_path / f"full{trial}", tmp_path / f"filtered{trial}"
        build(full, tree)
        build(filtered, {k: v for k, v in tree.items()
                         if survives_prune(k, frozenset(packages), opts)})
        for d in {os.path.dirname(k) for k in tree}:  # directories are always exported
            os.makedirs(filtered / d, exist_ok=True)
        prune_project(str(full), packages, opts)
        prune_project(str(filtered), packages, opts)
        assert listing(full) == listing(filtered), (tree, opts, packages)
