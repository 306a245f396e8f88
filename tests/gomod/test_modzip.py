"""Module zip file selection and h1: hashes, judged by the real go command.

Randomized git trees (symlinks, nested modules, vendor dirs, odd and rejected names, case
collisions, gitlinks, .hg/.svn dirs, executables) are fetched by ``go mod download -json``
over GOPROXY=direct from local repositories; its Sum, GoModSum and the zip it wrote must
equal ours, and where it refuses a module we must refuse too.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest

from dep.gomod import modzip
from dep.gomod.dirhash import hash1, hash_go_mod, legacy_go_mod
from dep.gomod.modzip import (File, InvalidModuleFilesError, ModZipError, check_file_path,
                              go_mod_lang, is_vendored_package)
from tests.gitrepos import Exec, Link, commit, commit_deep_tree, make_repo
from tests.gomod.conftest import run_go


def _f(name: str, data: bytes = b"x", mode: int = 0o100644) -> File:
    return File(name, mode, len(data), lambda: iter((data,)))


# ---------------------------------------------------------------------------------------
# Rules, table-driven


@pytest.mark.parametrize("path,ok", [
    ("a.go", True), ("dir/with space.txt", True), ("café/日本.go", True), ("-x.txt", True),
    (".hg/store", True), (".github/x.yml", True), ("a~1.go", True), ("x[1]{2}.txt", True),
    ("bad:colon", False), ("q?.txt", False), ("st*r", False), ("back\\slash", False),
    ("aux.txt", False), ("Com1", False), ("LPT9.x.y", False), ("COM0", True),
    ("trailing.", False), ("...", False), ("a//b", False), ("tab\tname", False),
    ("quote'", False), ("bad\udcff", False), ("emoji😀.txt", False), ("", False),
])
def test_check_file_path(path, ok):
    assert (check_file_path(path) is None) == ok


@pytest.mark.parametrize("name,lang,vendored", [
    ("vendor/modules.txt", "", False), ("vendor/modules.txt", "go1.24", True),
    ("vendor/x.go", "go1.21", False), ("vendor/a/x.go", "", True),
    ("pkg/vendor/v.go", "go1.21", True), ("pkg/vendor/v.go", "go1.24", False),
    ("pkg/vendor/d/x.go", "go1.21", True), ("pkg/vendor/d/x.go", "go1.25", True),
    # the pre-1.24 bug: the index after "/vendor/" was measured from the start of the name
    ("a/b/c/vendor/x.go", "", True), ("a/b/c/vendor/x.go", "go1.24", False),
    ("vendorx/a/b.go", "", False),
])
def test_is_vendored_package(name, lang, vendored):
    assert is_vendored_package(name, lang) == vendored


@pytest.mark.parametrize("text,lang", [
    (b"module m\n\ngo 1.21\n", "go1.21"), (b"module m\ngo 1.24.3\n", "go1.24"),
    (b"module m\n", ""), (b"module m\ngo 1.21\ngo 1.22\n", ""),
    (b"module m\ngo 1.23rc1 // c\n", "go1.23"), (b"module m\ngo v1.24-x\n", "go1.24"),
    (b"module m\ngo banana\n", ""), (b"module m\nrequire (\n\tx v1.0.0\n)\ngo 1.24.0\n", "go1.24"),
])
def test_go_mod_lang(text, lang):
    assert go_mod_lang(text) == lang


def test_check_files_rules():
    files = [_f("go.mod", b"module m\n"), _f("a.go"), _f("vendor/x/y.go"), _f("sub/Go.Mod"),
             _f("sub/z.go"), _f(".hg_archival.txt"), _f("link", mode=0o120000), _f("b.go")]
    cf = modzip.check_files(files)
    assert [f.name for f in cf.valid] == ["go.mod", "a.go", "b.go"]
    assert not cf.invalid
    with pytest.raises(InvalidModuleFilesError, match="collision"):
        modzip.module_files([_f("README"), _f("Readme")])
    with pytest.raises(InvalidModuleFilesError, match="collision"):
        modzip.module_files([_f("Dir/a"), _f("dir/b")])
    with pytest.raises(InvalidModuleFilesError, match="lowercase"):
        modzip.module_files([_f("GO.MOD")])
    # a symlink takes part in collision checks even though it is omitted
    with pytest.raises(InvalidModuleFilesError):
        modzip.module_files([_f("a"), _f("A", mode=0o120000)])
    big = File("go.mod", 0o100644, modzip.MAX_GO_MOD + 1, lambda: iter(()))
    with pytest.raises(InvalidModuleFilesError, match="too large"):
        modzip.module_files([big])
    huge = [File(f"f{i}", 0o100644, 300 << 20, lambda: iter(())) for i in range(2)]
    with pytest.raises(modzip.ModuleTooLargeError):
        modzip.module_files(huge)


def test_legacy_go_mod_and_hash():
    assert legacy_go_mod("github.com/acme/x") == b"module github.com/acme/x\n"
    assert legacy_go_mod("a b") == b'module "a b"\n'
    assert hash_go_mod(b"x") == hash1([("go.mod", iter([b"x"]))])
    # order-independent input, streamed chunks equal whole bytes
    assert hash1([("b", b"1"), ("a", b"2")]) == hash1([("a", [b"", b"2"]), ("b", lambda: b"1")])


# ---------------------------------------------------------------------------------------
# Randomized trees judged by go

_OK_NAMES = ["a.go", "b.txt", "with space.txt", "café.txt", "日本.go", "-dash.txt", "x[1].md",
             "README", "LICENSE", "doc.go", "a~1.go", ".hidden", ".hg_archival.txt"]
_BAD_NAMES = ["bad:colon.txt", "q?.txt", "aux.c", "dot.", "back\\slash", "quote'.txt", "emoji😀",
              "latin\udce9.txt", "Nul"]
_COLLIDERS = ["readme", "Readme", "pkg/Doc.go", "dir/x", "PKG/y.go", "\u212a.txt", "k.txt",
              "K.txt", "Ä.txt", "ä.txt", "testdata/A.GO"]
_DIRS = ["", "", "pkg", "pkg/inner", "testdata", ".hg", ".svn", ".github", "vendor",
         "vendor/dep", "vendor/dep/sub", "pkg/vendor", "pkg/vendor/d", "a/b/c/vendor",
         "nested", "nested/deep", "Dir", "ünï"]


def _random_tree(rng: random.Random, module: str, go_line: str | None, allow_bad: bool,
                 sub_url: str) -> tuple[dict, dict]:
    files: dict = {}
    subs: dict = {}
    if go_line is not None:
        files["go.mod"] = f"module {module}\n\n{go_line}\n"
    for _ in range(rng.randint(4, 14)):
        d = rng.choice(_DIRS)
        name = rng.choice(_OK_NAMES)
        path = f"{d}/{name}" if d else name
        kind = rng.random()
        content = f"// {path} {rng.random()}\n"
        if kind < 0.1:
            files[path] = Exec(content)
        elif kind < 0.2:
            files[path] = Link(rng.choice(["a.go", "../x", "missing"]))
        else:
            files[path] = content
    if rng.random() < 0.35:
        files["vendor/modules.txt"] = "# example.com/dep v1.0.0\nexample.com/dep\n"
    if rng.random() < 0.3:
        nd = rng.choice(["nested", "pkg/inner"])
        files[f"{nd}/{rng.choice(['go.mod', 'go.mod', 'Go.Mod'])}"] = f"module {module}/{nd}\n"
    if rng.random() < 0.15:
        files["gomodlink/go.mod"] = Link("../go.mod")
    if rng.random() < 0.2:
        subs[rng.choice(["pkg/sub", "gitlinked"])] = (sub_url, None)
    if rng.random() < 0.3:  # may collide with README, pkg/doc.go, Dir/, ... under folding
        files[rng.choice(_COLLIDERS)] = "collide?\n"
    if rng.random() < 0.15:
        files[".gitattributes"] = "*.txt export-ignore\n*.go export-subst\n"
    if allow_bad and rng.random() < 0.35:
        d = rng.choice(["", "pkg", "vendor/dep", "nested", "pkg/vendor"])
        files[(d + "/" if d else "") + rng.choice(_BAD_NAMES)] = "bad\n"
    if rng.random() < 0.05:
        files["GO.MOD"] = "module x\n"
    return files, subs


def _go_download(go_cmd, env, cwd, targets: list[str]) -> dict:
    p = run_go(go_cmd, ["mod", "download", "-json", *targets], env, cwd=cwd, check=False)
    out = {}
    dec = json.JSONDecoder()
    text, i = p.stdout, 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = dec.raw_decode(text, i)
        out[obj["Path"]] = obj
    return out


def _zip_names(path: str) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if not n.endswith("/")]


def test_random_trees_match_go(go_cmd, go_env, tmp_path):
    rng = random.Random(20260611)
    subrepo = make_repo(tmp_path / "subrepo", [{"files": {"s.go": "package s\n"}}])
    cases = []  # (module path, repo path, commit, subdir)
    rewrites = {}
    for i in range(40):
        root = f"github.com/acme/r{i}"
        repo_dir = tmp_path / f"r{i}"
        use_subdir = i % 5 == 4
        module = root + "/mod" if use_subdir else root
        go_line = rng.choice([None, "go 1.21", "go 1.24", "go 1.22.3"]) if not use_subdir else \
            rng.choice(["go 1.21", "go 1.25"])
        files, subs = _random_tree(rng, module, go_line, allow_bad=i % 3 == 0, sub_url=subrepo.url)
        if use_subdir:
            files = {("mod/" + k if k != "LICENSE" else k): v for k, v in files.items()}
            files.setdefault("LICENSE", rng.choice(["root licence\n", Link("mod/a.go")]))
            if rng.random() < 0.3:
                files["mod/LICENSE"] = "own licence\n"
            subs = {"mod/" + k: v for k, v in subs.items()}
        repo = make_repo(repo_dir, [{"files": {"seed.txt": "seed\n"}}])
        sha = commit(repo_dir, files, submodules={k: (u, subrepo.commits[0]) for k, (u, _) in subs.items()})
        rewrites[root] = str(repo_dir)
        cases.append((module, str(repo_dir), sha, "mod" if use_subdir else ""))
    env = go_env(rewrites)
    work = tmp_path / "work"
    work.mkdir()
    got = _go_download(go_cmd, env, work, [f"{m}@{sha}" for m, _, sha, _ in cases])
    refused = matched = 0
    for module, repo_dir, sha, subdir in cases:
        info = got.get(module)
        assert info is not None, f"go gave no answer for {module}"
        if info.get("Error"):
            refused += 1
            with pytest.raises(ModZipError) as e:
                modzip.files_of_revision(repo_dir, sha, subdir)
            if isinstance(e.value, InvalidModuleFilesError):  # go names the same first file
                assert f"create zip: {e.value.errors[0][0]}: " in info["Error"], (e.value, info["Error"])
            continue
        version = info["Version"]
        names = [n for n, _ in modzip.files_of_revision(repo_dir, sha, subdir)]
        prefix = f"{module}@{version}/"
        assert [prefix + n for n in names] == _zip_names(info["Zip"]), module
        assert modzip.h1_of_revision(repo_dir, sha, module, version, subdir) == info["Sum"], module
        gomod = modzip.go_mod_of_revision(repo_dir, sha, module, subdir)
        assert hash_go_mod(gomod) == info["GoModSum"], module
        assert gomod == Path(info["GoMod"]).read_bytes()
        matched += 1
    assert matched >= 10 and refused >= 2, (matched, refused)


def test_write_zip_matches_go_hash(go_cmd, go_env, tmp_path):
    """Our zip holds what go's does: same names, and dirhash of it equals go's Sum."""
    repo = make_repo(tmp_path / "w", [{"files": {
        "go.mod": "module github.com/acme/w\n\ngo 1.24\n", "a.go": "package w\n",
        "vendor/modules.txt": "# x\n", "vendor/x/y.go": "package y\n", "run.sh": Exec("#!/bin/sh\n"),
        "l.go": Link("a.go"), "big.bin": bytes(range(256)) * 5000}}])
    sha = repo.commits[-1]
    env = go_env({"github.com/acme/w": repo.path})
    (tmp_path / "work").mkdir()
    info = _go_download(go_cmd, env, tmp_path / "work", [f"github.com/acme/w@{sha}"])["github.com/acme/w"]
    buf = io.BytesIO()
    with modzip.Revision(repo.path, sha) as rev:
        names = modzip.write_zip(buf, "github.com/acme/w", info["Version"], modzip.revision_files(rev))
    assert names == _zip_names(info["Zip"])
    buf.seek(0)
    with zipfile.ZipFile(buf) as z:
        ours = hash1((n, z.read(n)) for n in z.namelist())
    assert ours == info["Sum"]


def test_revision_errors(tmp_path):
    repo = make_repo(tmp_path / "e", [{"files": {"a.go": "package a\n"}}])
    with pytest.raises(modzip.RevisionError):
        modzip.h1_of_revision(repo.path, "0" * 40, "example.com/e", "v1.0.0")
    with pytest.raises(modzip.RevisionError):
        modzip.h1_of_revision(repo.path, repo.commits[0], "example.com/e/x", "v1.0.0", "x")
    assert modzip.go_mod_of_revision(repo.path, repo.commits[0], "example.com/e") == \
        b"module example.com/e\n"


# Named trees for the corners a random draw may miss: (files, subdir, go refuses?)
_FIXED = {
    "utf8": ({"a.go": "package a\n", "latin\udce9.txt": "x\n"}, "", True),
    "kelvin": ({"\u212a.txt": "x\n", "k.txt": "y\n"}, "", True),
    "longs": ({"\u017f.txt": "x\n", "S.txt": "y\n"}, "", True),
    "sigma": ({"\u03c2.txt": "x\n", "\u03a3.txt": "y\n"}, "", True),
    "dir_vs_file": ({"a/B/c": "x\n", "a/b": "y\n"}, "", True),
    "root_license_link": ({"LICENSE": Link("mod/a.go"), "mod/go.mod": "module M\n",
                           "mod/a.go": "package a\n"}, "mod", False),
    "root_license_dir": ({"LICENSE/x": "x\n", "mod/go.mod": "module M\n"}, "mod", False),
    "own_license_link": ({"LICENSE": "root\n", "mod/LICENSE": Link("../LICENSE"),
                          "mod/go.mod": "module M\n"}, "mod", False),
    "export_attrs": ({".gitattributes": "*.txt export-ignore\n*.go export-subst\n",
                      "a.txt": "x\n", "b.go": "$Format:%H$\n"}, "", False),
    "vendor_new": ({"go.mod": "module M\n\ngo 1.24\n", "vendor/modules.txt": "# x\n",
                    "vendor/a.go": "x", "vendor/p/q.go": "x", "a/vendor/x.go": "x",
                    "a/vendor/p/x.go": "x", "aaaaaa/vendor/x.go": "x"}, "", False),
    "vendor_old": ({"go.mod": "module M\n\ngo 1.21\n", "vendor/modules.txt": "# x\n",
                    "vendor/a.go": "x", "vendor/p/q.go": "x", "a/vendor/x.go": "x",
                    "a/vendor/p/x.go": "x", "aaaaaa/vendor/x.go": "x"}, "", False),
    "vendor_repeated_go": ({"go.mod": "module M\n\ngo 1.24\ngo 1.24\n", "vendor/modules.txt": "#\n",
                            "ab/vendor/x.go": "x"}, "", None),
    "nested_modules": ({"x/Go.Mod": "module M/x\n", "x/a.go": "x", "y/go.mod": Link("../z"),
                        "y/a.go": "x", "z": "module M/y\n", "w/v/go.mod": "module M/w/v\n",
                        "w/v/bad:name": "x", "w/ok.go": "x"}, "", False),
    "hg_files": ({".hg_archival.txt": "x", "sub/.hg_archival.txt": "x", ".hg/hgrc": "x",
                  ".svn/entries": "x", ".bzr/x": "x", "_git/x": "x"}, "", False),
    "vendored_bad_names": ({"vendor/p/bad:name": "x", "vendor/P/a": "x", "vendor/p/a": "x",
                            "ok.go": "x"}, "", False),
    "gitlink": ({"a.go": "x", "sub/b.go": "x"}, "", False),
    "fork": ({"go.mod": "module github.com/else/where\n", "a.go": "x"}, "", False),
    "major_mismatch": ({"go.mod": "module github.com/fixed/major_mismatch/v2\n", "a.go": "x"}, "", True),
    "no_module_line": ({"go.mod": "go 1.21\n", "a.go": "x"}, "", True),
    "gomod_symlink_root": ({"go.mod": Link("real.mod"), "real.mod": "module M\n", "a.go": "x"}, "", None),
}


def test_fixed_trees_match_go(go_cmd, go_env, tmp_path):
    subrepo = make_repo(tmp_path / "subrepo", [{"files": {"s.go": "package s\n"}}])
    cases, rewrites = {}, {}
    for name, (files, subdir, _) in _FIXED.items():
        root = f"github.com/fixed/{name}"
        module = f"{root}/{subdir}" if subdir else root
        files = {k: (v.replace("module M", "module " + module if k.startswith(subdir or "\0") else
                               "module " + root) if type(v) is str else v)
                 for k, v in files.items()}
        repo_dir = tmp_path / name
        make_repo(repo_dir, [{"files": {"seed": "x"}}])
        subs = {"sub/gl": (subrepo.url, subrepo.commits[0])} if name == "gitlink" else None
        sha = commit(repo_dir, files, submodules=subs)
        rewrites[root] = str(repo_dir)
        cases[name] = (module, str(repo_dir), sha, subdir)
    env = go_env(rewrites)
    (tmp_path / "work").mkdir()
    got = _go_download(go_cmd, env, tmp_path / "work", [f"{m}@{s}" for m, _, s, _ in cases.values()])
    for name, (module, repo_dir, sha, subdir) in cases.items():
        info = got[module]
        want_refusal = _FIXED[name][2]
        if want_refusal is not None:
            assert bool(info.get("Error")) == want_refusal, (name, info.get("Error"))
        if info.get("Error"):
            with pytest.raises(ModZipError):
                modzip.h1_of_revision(repo_dir, sha, module, info["Version"], subdir)
            continue
        names = [n for n, _ in modzip.files_of_revision(repo_dir, sha, subdir)]
        prefix = f"{module}@{info['Version']}/"
        assert [prefix + n for n in names] == _zip_names(info["Zip"]), name
        assert modzip.h1_of_revision(repo_dir, sha, module, info["Version"], subdir) == info["Sum"], name
        gomod = modzip.go_mod_of_revision(repo_dir, sha, module, subdir)
        assert hash_go_mod(gomod) == info["GoModSum"], name


def test_packed_and_deltified_objects(tmp_path):
    """Sizes come from pack and delta headers without inflating blobs: they must equal git's,
    and the h1: must not change when loose objects are packed (with deltas)."""
    from tests.gitrepos import git

    base = "".join(f"line {i} of a file long enough to be deltified\n" for i in range(3000))
    specs = [{"files": {"go.mod": "module example.com/p\n", "big.txt": base + f"v{n}\n" * n,
                        "small.go": f"package p // {n}\n", "l": Link("big.txt")}} for n in range(6)]
    repo = make_repo(tmp_path / "p", specs)
    before = [modzip.h1_of_revision(repo.path, c, "example.com/p", "v1.0.0") for c in repo.commits]
    git(repo.path, "repack", "-adf", "--depth=50", "--window=50")
    git(repo.path, "prune-packed")
    assert "delta" in git(repo.path, "verify-pack", "-v", *[str(p) for p in Path(repo.path, ".git/objects/pack").glob("*.idx")])
    after = [modzip.h1_of_revision(repo.path, c, "example.com/p", "v1.0.0") for c in repo.commits]
    assert after == before
    for c in repo.commits:
        with modzip.Revision(repo.path, c) as rev:
            for f in modzip.revision_files(rev):
                sha = git(repo.path, "rev-parse", f"{c}:{f.name}")
                assert f.size == int(git(repo.path, "cat-file", "-s", sha)), f.name
                assert f.size == len(f.read())


def test_a_tree_nested_thousands_deep_is_walked_without_recursion(tmp_path):
    """Python's recursion limit is about a thousand frames; a repository can nest deeper."""
    from dep.gomod.modzip import Revision, revision_files

    repo = make_repo(tmp_path / "deep", [{"files": {"go.mod": "module example.com/deep\n"}}])
    rev = commit_deep_tree(repo, 1500, b"package x\n")
    with Revision(repo.path, rev) as r:
        names = sorted(f.name for f in revision_files(r))
    assert names == ["/".join(["d"] * 1501) + "/x.go", "go.mod"]


# ---------------------------------------------------------------------------------------
# ModuleZip: a zip a proxy served, checked before anything is unpacked


def test_module_zip_reads_the_go_commands_zip_and_hashes_it_as_go(go_cmd, go_env, tmp_path):
    repo = make_repo(tmp_path / "m", [{"files": {"a.go": "package m\n", "sub/b.go": "package sub\n",
                                                 "LICENSE": "MIT\n"}, "tag": "v1.0.0"}])
    env = go_env({"github.com/acme/m": repo.path})
    (tmp_path / "work").mkdir()
    info = _go_download(go_cmd, env, tmp_path / "work", ["github.com/acme/m@v1.0.0"])["github.com/acme/m"]
    with modzip.ModuleZip(info["Zip"], "github.com/acme/m", "v1.0.0") as mz:
        assert sorted(mz.files) == ["LICENSE", "a.go", "sub/b.go"]
        assert mz.read("sub/b.go") == b"package sub\n" and mz.read("nope") is None
        assert mz.h1() == info["Sum"]


def _zip(tmp_path, entries, name="z.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for n, data in entries:
            z.writestr(n, data)
    return str(path)


P = "example.com/m@v1.0.0/"


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("entries,why", [
    ([("other.com/m@v1.0.0/a.go", b"x")], "does not have prefix"),
    ([(P + "../a.go", b"x")], "invalid path element"),
    ([(P + "a/../../b.go", b"x")], "not clean"),
    ([(P + "A.go", b"x"), (P + "a.go", b"y")], "case-insensitive file name collision"),
    ([(P + "a.go", b"x"), (P + "a.go", b"y")], "multiple entries"),
    ([(P + "dir/", b"")], "directory entries"),
    ([(P + "a\\b.go", b"x")], "invalid char"),
    ([(P + ".git/config", b"x")], None),  # allowed by Go's rules: only names matter
])
def test_hostile_zip_entries_are_refused_in_one_line(tmp_path, entries, why):
    path = _zip(tmp_path, entries)
    if why is None:
        modzip.ModuleZip(path, "example.com/m", "v1.0.0").close()
        return
    with pytest.raises(ModZipError) as e:
        modzip.ModuleZip(path, "example.com/m", "v1.0.0")
    assert why in str(e.value) and "\n" not in str(e.value)


def test_a_zip_that_is_not_one_and_a_lying_size_are_refused(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ModZipError, match="not a valid zip"):
        modzip.ModuleZip(str(bad), "example.com/m", "v1.0.0")
    path = _zip(tmp_path, [(P + "a.go", b"x" * 1000)])
    with modzip.ModuleZip(path, "example.com/m", "v1.0.0") as mz:
        mz.files["a.go"].file_size = 10  # the header says less than the data holds
        with pytest.raises(ModZipError):
            b"".join(mz.chunks("a.go"))
    data = bytearray(Path(path).read_bytes())
    data[data.index(b"x" * 100) + 50] ^= 1  # stored data damaged: the CRC check fails
    Path(path).write_bytes(bytes(data))
    with modzip.ModuleZip(path, "example.com/m", "v1.0.0") as mz:
        with pytest.raises(ModZipError, match="a.go") as e:
            b"".join(mz.chunks("a.go"))
        assert "\n" not in str(e.value)


def test_sizes_over_gos_limits_are_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(modzip, "MAX_ZIP_FILE", 1000)
    path = _zip(tmp_path, [(P + "a.go", b"x" * 600), (P + "b.go", b"y" * 600)])
    with pytest.raises(ModZipError, match="above 1000 bytes"):
        modzip.ModuleZip(path, "example.com/m", "v1.0.0")
