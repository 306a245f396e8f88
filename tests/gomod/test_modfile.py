"""go.mod / go.sum / vendor/modules.txt reading and writing, judged by the real go command:
``go mod edit -fmt`` leaves our go.mod unchanged, ``go mod edit -json`` reads every file as we
do, ``go mod vendor`` writes the modules.txt we write, and go.sum lines sort as go sorts them."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from dep.gomod.modfile import (
    GoSumLine, ModFile, ModFileError, Replace, Require, Retract, VendorModule, auto_quote, format_gomod,
    format_gosum, format_modules_txt, parse_gomod, parse_gosum, parse_modules_txt)
from tests.gitrepos import make_repo
from tests.gomod.conftest import run_go

GO_VERSIONS = ["1.16", "1.17", "1.21", "1.24"]

PATHS = [
    "github.com/acme/a", "github.com/acme/b", "github.com/acme/b/v2", "github.com/Acme/Upper",
    "golang.org/x/net", "golang.org/x/sys", "gopkg.in/yaml.v2", "gopkg.in/check.v1",
    "example.com/m~tilde", "example.com/x-y.z", "example.com/a", "example.com/a/b", "example.com/a-b",
    "example.com/quote(d)",
]
VERSIONS = ["v0.0.0-20200101000000-abcdefabcdef", "v0.1.0", "v1.0.0", "v1.2.3", "v1.10.0",
            "v1.9.0", "v1.2.3-pre.1", "v1.0.0-rc.1.0.20200101000000-abcdefabcdef"]


def _version_for(path: str, rng) -> str:
    if path.endswith("/v2"):
        return rng.choice(["v2.0.0", "v2.1.0", "v2.0.1-beta"])
    if path.endswith(".v2"):
        return rng.choice(["v2.2.8", "v2.4.0"])
    if path.endswith(".v1"):
        return rng.choice(["v1.0.0-20200227125254-8fa46927fb4f", "v1.0.0"])
    if path.startswith("github.com/acme/a") and rng.random() < 0.3:
        return "v3.0.0+incompatible"
    return rng.choice(VERSIONS)


def random_modfile(rng: random.Random, go: str) -> ModFile:
    f = ModFile(module=rng.choice(["example.com/main", "github.com/me/app", "example.com/main/v3"]), go=go)
    if go >= "1.21" and rng.random() < 0.5:
        f.toolchain = rng.choice(["go1.21.0", "go1.24.2", "default"])
    paths = rng.sample(PATHS, rng.randint(0, len(PATHS)))
    f.require = [Require(p, _version_for(p, rng), rng.random() < 0.4) for p in paths]
    for p in rng.sample(PATHS, rng.randint(0, 3)):
        if rng.random() < 0.5:
            f.replace.append(Replace(p, "", rng.choice(["../fork", "./local", "/abs/dir"]), ""))
        else:
            old_v = _version_for(p, rng) if rng.random() < 0.5 else ""
            f.replace.append(Replace(p, old_v, "github.com/fork/" + p.rsplit("/", 1)[-1].replace("(d)", ""),
                                     rng.choice(["v1.0.0", "v0.3.1", "v1.10.0"])))
    if rng.random() < 0.3:
        p = rng.choice(PATHS[:2])
        f.exclude = [(p, v) for v in rng.sample(["v1.9.0", "v1.10.0", "v1.2.0"], 2)]
    if go >= "1.24" and rng.random() < 0.6:
        f.tool = rng.sample(["github.com/acme/a/cmd/gen", "golang.org/x/tools/cmd/stringer",
                             "example.com/a/b/tool"], rng.randint(1, 3))
    return f


def _go_json(go_cmd, env, path: Path) -> dict:
    return json.loads(run_go(go_cmd, ["mod", "edit", "-json"], env, cwd=path).stdout)


def test_format_gomod_is_what_go_mod_edit_fmt_keeps(go_cmd, go_env, tmp_path):
    rng = random.Random(1117)
    env = go_env()
    cases = []
    for i in range(36):
        go = GO_VERSIONS[i % len(GO_VERSIONS)]
        f = random_modfile(rng, go)
        d = tmp_path / f"m{i}"
        d.mkdir()
        data = format_gomod(f)
        (d / "go.mod").write_bytes(data)
        cases.append((d, f, data))
    for d, f, data in cases:
        run_go(go_cmd, ["mod", "edit", "-fmt"], env, cwd=d)
        assert (d / "go.mod").read_bytes() == data, f"go mod edit -fmt changed {d}/go.mod"
        # Our parser reads back what we wrote, and go reads it the same way.
        ours = parse_gomod(data)
        assert _go_json(go_cmd, env, d) == ours.to_json()
        assert sorted(ours.require, key=lambda r: r.path) == sorted(f.require, key=lambda r: r.path)


def test_format_gomod_layout_by_go_version():
    reqs = [Require("b.com/x", "v1.0.0"), Require("a.com/y", "v1.2.0", True), Require("c.com/z", "v0.1.0")]
    old = format_gomod(ModFile(module="example.com/m", go="1.16", require=reqs)).decode()
    assert old == ("module example.com/m\n\ngo 1.16\n\nrequire (\n\ta.com/y v1.2.0 // indirect\n"
                   "\tb.com/x v1.0.0\n\tc.com/z v0.1.0\n)\n")
    new = format_gomod(ModFile(module="example.com/m", go="1.17", require=reqs,
                               replace=[Replace("b.com/x", "", "../x", "")], tool=["c.com/z/cmd"])).decode()
    assert new == ("module example.com/m\n\ngo 1.17\n\nrequire (\n\tb.com/x v1.0.0\n\tc.com/z v0.1.0\n)\n\n"
                   "require a.com/y v1.2.0 // indirect\n\nreplace b.com/x => ../x\n\ntool c.com/z/cmd\n")
    assert format_gomod(ModFile(module="example.com/m", go="1.21")) == b"module example.com/m\n\ngo 1.21\n"


MESSY = [
    # comments everywhere, quoted paths, single-line and block forms mixed, odd spacing
    """// header comment

module   "example.com/messy" // Deprecated: not here (needs a paragraph)

go 1.21   // trailing

toolchain go1.22.1
require github.com/acme/a v1.2.3
require (
\t// before a
\t"github.com/acme/b" v1.0.0 // indirect
\tgolang.org/x/net v0.1.0 // indirect; needed by b

\tgopkg.in/yaml.v2 v2.4.0 //indirect
\tgithub.com/acme/c v1.0.0 // not indirect
\tgithub.com/acme/d v2.0.0+incompatible
)
exclude github.com/acme/a v1.0.0
replace (
\tgithub.com/acme/b v1.0.0 => github.com/fork/b v1.1.0
\tgithub.com/acme/c => ../c
)
retract (
\t// broken release
\tv1.0.1
\t[v1.1.0, v1.2.0] // range
)
retract v0.9.0
tool (
\tgithub.com/acme/a/cmd/x
\t"github.com/acme/b/cmd/y"
)
godebug default=go1.21
""",
    """// Deprecated: use example.com/other instead.
module example.com/old

go 1.17
""",
    """module example.com/dep\r\ngo 1.16\r\nrequire (\r\n\texample.com/a v1.0.0 // indirect\r\n)\r\n""",
    """module example.com/short
require example.com/short v1.2
require "example.com/esc\\x41" v1.0.0
""",
]


def test_parse_gomod_matches_go_mod_edit_json(go_cmd, go_env, tmp_path):
    env = go_env()
    rng = random.Random(7)
    texts = list(MESSY)
    # Random files written in the long-hand style: one require per line, shuffled, comments.
    for i in range(8):
        f = random_modfile(rng, GO_VERSIONS[i % 4])
        lines = [f"module {f.module}", f"go {f.go}"]
        for r in f.require:
            q = f'"{r.path}"' if rng.random() < 0.3 else auto_quote(r.path)
            lines.append(f"require {q} {r.version}" + (" // indirect" if r.indirect else " // why"))
        for r in f.replace:
            old = auto_quote(r.old_path) + (" " + r.old_version if r.old_version else "")
            lines.append(f"replace {old} => {r.new_path} {r.new_version}".rstrip())
        rng.shuffle(lines)
        texts.append("\n".join(lines) + "\n")
    for i, text in enumerate(texts):
        d = tmp_path / f"p{i}"
        d.mkdir()
        (d / "go.mod").write_bytes(text.encode())
        assert parse_gomod(text).to_json() == _go_json(go_cmd, env, d), text


def test_parse_gomod_lax_ignores_main_module_only_directives():
    f = parse_gomod(MESSY[0], lax=True)
    assert f.replace == [] and f.exclude == [] and f.tool == [] and f.toolchain == ""
    assert [r.path for r in f.require][:2] == ["github.com/acme/a", "github.com/acme/b"]
    assert parse_gomod("module m\nfrobnicate x\ngo 1.21rc1\n", lax=True).go == "1.21rc1"
    assert parse_gomod("module m\ngo 1.21-pre\n", lax=True).go == "1.21"
    strict = parse_gomod(MESSY[0])
    assert strict.retract == [Retract("v1.0.1", "v1.0.1", "broken release"),
                              Retract("v1.1.0", "v1.2.0", "range"), Retract("v0.9.0", "v0.9.0", "")]
    assert [r.indirect for r in strict.require] == [False, True, True, True, False, False]
    assert parse_gomod(MESSY[1]).deprecated == "use example.com/other instead."


BAD = [
    ("module m\n\nrequire (\n\tx.com/a v1.0.0\n", 5),
    ("module m\ngo 1.x\n", 2),
    ("module m\n\n\nrequire x.com/a 1.0\n", 4),
    ("module m\nrequire x.com/a v2.0.0\n", 2),
    ("module m\nreplace x.com/a => y.com/b\n", 2),
    ("module m\nfrobnicate\n", 2),
    ("module m\nmodule n\n", 2),
    ("module m\n/* no */\n", 2),
    ('module m\nrequire "x.com/a v1.0.0\n', 2),
    ("module m\n\nrequire `x.com/raw` v1.0.0\n", 3),
]


@pytest.mark.parametrize("text,line", BAD)
def test_parse_errors_name_the_line_go_names(go_cmd, go_env, tmp_path, text, line):
    with pytest.raises(ModFileError) as ei:
        parse_gomod(text)
    msg = str(ei.value)
    assert "\n" not in msg and msg.startswith(f"go.mod:{line}:"), msg
    (tmp_path / "go.mod").write_text(text)
    p = run_go(go_cmd, ["mod", "edit", "-json"], go_env(), cwd=tmp_path, check=False)
    assert p.returncode != 0 and f"go.mod:{line}:" in p.stderr, p.stderr


def test_gosum_format_and_parse():
    lines = [GoSumLine("b.com/x", "v1.10.0", "h1:b"), GoSumLine("b.com/x", "v1.9.0/go.mod", "h1:c"),
             GoSumLine("b.com/x", "v1.9.0", "h1:d"), GoSumLine("a.com/y", "v0.0.0-2020-abc/go.mod", "h1:e"),
             GoSumLine("b.com/x", "v1.10.0-rc.1", "h1:f"), GoSumLine("b.com/x", "v1.9.0", "h1:d")]
    out = format_gosum(lines)
    assert out == (b"a.com/y v0.0.0-2020-abc/go.mod h1:e\nb.com/x v1.9.0 h1:d\nb.com/x v1.9.0/go.mod h1:c\n"
                   b"b.com/x v1.10.0-rc.1 h1:f\nb.com/x v1.10.0 h1:b\n")
    assert format_gosum(parse_gosum(out)) == out
    with pytest.raises(ModFileError, match=r"^go.sum:2: "):
        parse_gosum("a v1 h1:x\nb v1\n")


# --- vendor/modules.txt against go mod vendor ------------------------------------------


def _mod(path, go=None, extra=""):
    return f"module {path}\n" + (f"\ngo {go}\n" if go else "") + extra


def _vendor_world(tmp_path):
    """Local git repositories standing in for github.com/acme/*."""
    repos = {}
    repos["github.com/acme/deep"] = make_repo(tmp_path / "r" / "deep", [
        {"files": {"go.mod": _mod("github.com/acme/deep", "1.17"), "d.go": "package deep\n"}, "tag": "v1.0.0"}])
    repos["github.com/acme/a"] = make_repo(tmp_path / "r" / "a", [
        {"files": {"go.mod": _mod("github.com/acme/a", "1.18", "\nrequire github.com/acme/deep v1.0.0\n"),
                   "a.go": 'package a\n\nimport _ "github.com/acme/deep"\n',
                   "sub/sub.go": "package sub\n", "LICENSE": "MIT\n", "unused/u.go": "package unused\n"},
         "tag": "v1.2.0"}])
    repos["github.com/acme/nomod"] = make_repo(tmp_path / "r" / "nomod", [
        {"files": {"n.go": "package nomod\n"}, "tag": "v2.0.0"}])  # v2 without go.mod: +incompatible
    repos["github.com/acme/nogo"] = make_repo(tmp_path / "r" / "nogo", [
        {"files": {"go.mod": _mod("github.com/acme/nogo"), "g.go": "package nogo\n"}, "tag": "v0.3.0"}])
    repos["github.com/acme/orig"] = make_repo(tmp_path / "r" / "orig", [
        {"files": {"go.mod": _mod("github.com/acme/orig", "1.16"), "o.go": "package orig\n"}, "tag": "v1.0.0"}])
    repos["github.com/fork/orig"] = make_repo(tmp_path / "r" / "fork", [
        {"files": {"go.mod": _mod("github.com/acme/orig", "1.20"), "o.go": "package orig\n\nvar Fork = 1\n"},
         "tag": "v1.0.1"}])
    repos["github.com/acme/idle"] = make_repo(tmp_path / "r" / "idle", [
        {"files": {"go.mod": _mod("github.com/acme/idle", "1.21"), "i.go": "package idle\n"}, "tag": "v1.0.0"}])
    repos["github.com/acme/testonly"] = make_repo(tmp_path / "r" / "testonly", [
        {"files": {"go.mod": _mod("github.com/acme/testonly", "1.17"), "t.go": "package testonly\n"},
         "tag": "v1.1.0"}])
    return repos


@pytest.mark.parametrize("main_go", ["1.16", "1.17", "1.22"])
def test_modules_txt_is_what_go_mod_vendor_writes(go_cmd, go_env, tmp_path, main_go):
    repos = _vendor_world(tmp_path)
    env = go_env({k: v.path for k, v in repos.items()})
    main = tmp_path / "main"
    (main / "cmd").mkdir(parents=True)
    (main / "main.go").write_text('package main\n\nimport (\n\t_ "github.com/acme/a"\n\t_ "github.com/acme/a/sub"\n'
                                  '\t_ "github.com/acme/nomod"\n\t_ "github.com/acme/nogo"\n'
                                  '\t_ "github.com/acme/orig"\n)\n\nfunc main() {}\n')
    (main / "main_test.go").write_text('package main\n\nimport _ "github.com/acme/testonly"\n')
    gm = ModFile(module="example.com/main", go=main_go, require=[
        Require("github.com/acme/a", "v1.2.0"), Require("github.com/acme/nomod", "v2.0.0+incompatible"),
        Require("github.com/acme/nogo", "v0.3.0"), Require("github.com/acme/orig", "v1.0.0"),
        Require("github.com/acme/idle", "v1.0.0", indirect=True),
        Require("github.com/acme/testonly", "v1.1.0"), Require("github.com/acme/deep", "v1.0.0", indirect=True)],
        replace=[Replace("github.com/acme/orig", "v1.0.0", "github.com/fork/orig", "v1.0.1"),
                 Replace("github.com/acme/unused", "", "../nowhere", ""),
                 Replace("github.com/acme/gone", "v1.0.0", "github.com/fork/gone", "v1.0.0")])
    (main / "go.mod").write_bytes(format_gomod(gm))
    run_go(go_cmd, ["mod", "download", "all"], env, cwd=main)
    run_go(go_cmd, ["mod", "vendor"], env, cwd=main)
    got = (main / "vendor" / "modules.txt").read_bytes()

    after = parse_gomod((main / "go.mod").read_bytes())  # what go vendored against
    # Fact migrate must honour: a dependency declaring go >= 1.21 (idle: 1.21) raises the main
    # module's go line to it; older dependency go lines (a: 1.18, orig: 1.20) do not.
    assert after.go == max(main_go, "1.21", key=lambda v: tuple(map(int, v.split("."))))
    explicit = {(r.path, r.version) for r in after.require}
    repl = {(r.old_path, r.old_version): r for r in after.replace}
    go_of = {"github.com/acme/deep": "1.17", "github.com/acme/a": "1.18", "github.com/acme/nomod": "", "github.com/acme/nogo": "",
             "github.com/acme/orig": "1.20", "github.com/acme/idle": "1.21", "github.com/acme/testonly": "1.17"}
    pkgs = {"github.com/acme/deep": ["github.com/acme/deep"], "github.com/acme/a": ["github.com/acme/a/sub", "github.com/acme/a"],
            "github.com/acme/nomod": ["github.com/acme/nomod"], "github.com/acme/nogo": ["github.com/acme/nogo"],
            "github.com/acme/orig": ["github.com/acme/orig"], "github.com/acme/testonly": ["github.com/acme/testonly"]}
    mods = []
    for r in after.require:
        rp = repl.get((r.path, r.version)) or repl.get((r.path, ""))
        mods.append(VendorModule(r.path, r.version, explicit=(r.path, r.version) in explicit,
                                 go_version=go_of[r.path], packages=pkgs.get(r.path, []),
                                 replace_path=rp.new_path if rp else "", replace_version=rp.new_version if rp else ""))
    ours = format_modules_txt(mods, after.go, after.replace)
    assert ours == got, f"ours:\n{ours.decode()}\ngo:\n{got.decode()}"

    back, back_repl = parse_modules_txt(got)
    assert [(m.path, m.version, m.explicit, sorted(m.packages)) for m in back] == \
           [(m.path, m.version, m.explicit and main_go >= "1.14", sorted(m.packages))
            for m in sorted(mods, key=lambda m: m.path)]
    assert [(r.old_path, r.old_version) for r in back_repl] == \
           [("github.com/acme/gone", "v1.0.0"), ("github.com/acme/unused", "")]

    # go.sum: go's own file, shuffled and rewritten by us, is byte for byte the same.
    sums = (main / "go.sum").read_bytes()
    lines = parse_gosum(sums)
    random.Random(3).shuffle(lines)
    assert format_gosum(lines) == sums

    # go mod tidy keeps the go.mod we write for the tidy requirement set: from 1.17 the
    # dependency-only module in a second "// indirect" block; before, implied and left out.
    gm.require = [r for r in gm.require if r.path != "github.com/acme/idle"
                  and (main_go >= "1.17" or r.path != "github.com/acme/deep")]
    tidy = format_gomod(gm)
    (main / "go.mod").write_bytes(tidy)
    run_go(go_cmd, ["mod", "tidy"], env, cwd=main)
    assert (main / "go.mod").read_text() == tidy.decode()


@pytest.mark.parametrize("data,want", [
    (b"module example.com/x\n", "example.com/x"),
    (b"// c\nmodule   example.com/x // trailing\ngo 1.17\n", "example.com/x"),
    (b'module "example.com/q"\n', "example.com/q"),
    (b"module `example.com/raw`\n", "example.com/raw"),
    (b'module "unterminated\n', ""),
    (b"modulex example.com/x\nmodule\n", ""),  # no space after the verb; no argument
    (b"require (\nx v1.0.0\n\nmodule example.com/broken-but-found\n", "example.com/broken-but-found"),
    (b"", ""), (None, ""),
])
def test_module_path_is_found_leniently_as_go_does(data, want):
    from dep.gomod.modfile import module_path

    assert module_path(data) == want
