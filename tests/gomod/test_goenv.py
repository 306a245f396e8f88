"""Go's settings as dep reads them, judged by the real go command.

The env file is written by ``go env -w`` (and by hand for odd lines) and read back by
``go env -json``; GOPROXY errors are compared with ``go mod download``'s; path.Match with a
small Go program; GONOPROXY prefix matching with the go command choosing between the
proxy (GOPROXY=off) and the repository.
"""

from __future__ import annotations

import json
import random
import subprocess

import pytest

from dep.gomod.goenv import (KNOWN_SUMDB_KEYS, GoEnv, GoEnvError, ProxyEntry, _path_match,
                             env_file_path, match_prefix_patterns)
from tests.gitrepos import make_repo
from tests.gomod.conftest import go_env_for, run_go

NAMES = ["GOPROXY", "GONOPROXY", "GOSUMDB", "GOPRIVATE", "GONOSUMDB", "GOINSECURE"]


def _go_env(go, env, tmp_path) -> dict:
    return json.loads(run_go(go, ["env", "-json", *NAMES], env, cwd=tmp_path).stdout)


def _base_env(tmp_path) -> dict:
    env = go_env_for(tmp_path / "g")
    for name in NAMES + ["GONOSUMCHECK", "GOFLAGS"]:
        env.pop(name, None)
    env["GOENV"] = str(tmp_path / "goenv")
    return env


def test_env_file_from_go_env_w(go_cmd, tmp_path):
    env = _base_env(tmp_path)
    run_go(go_cmd, ["env", "-w", "GOPROXY=file:///srv/p|https://p.example,direct",
                    "GOPRIVATE=*.corp.example", "GOSUMDB=off", "GOINSECURE=x.example"],
           env, cwd=tmp_path)
    with open(env["GOENV"], "a") as f:  # lines go env -w never writes
        f.write('GONOSUMDB="quoted"\n# GOPROXY=comment\ngonoproxy=lower\n'
                'GONOPROXY = spaced\nGOINSECURE=first\r\nGOINSECURE=second\n\n=x\n')
    mine = GoEnv.load(env)
    go = _go_env(go_cmd, env, tmp_path)
    assert {n: mine.get(n) for n in ["GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOSUMDB",
                                      "GOINSECURE"]} == {n: go[n] for n in
                                                         ["GOPROXY", "GOSUMDB", "GOPRIVATE",
                                                          "GONOSUMDB", "GOINSECURE"]}
    assert mine.get("GONOPROXY") == "" and go["GONOPROXY"] == "*.corp.example"  # GOPRIVATE
    assert mine.proxy_entries() == [ProxyEntry("file:///srv/p", True),
                                    ProxyEntry("https://p.example", False),
                                    ProxyEntry("direct", False)]
    assert not mine.uses_proxy("git.corp.example/a/b") and mine.uses_proxy("x.example/a")
    assert mine.sumdb_for("x.example/a") is None  # GOSUMDB=off in the file
    # the environment wins when set and non-empty
    env2 = dict(env, GOPROXY="https://other.example", GOSUMDB="")
    go2, mine2 = _go_env(go_cmd, env2, tmp_path), GoEnv.load(env2)
    assert (mine2.get("GOPROXY"), mine2.get("GOSUMDB")) == (go2["GOPROXY"], go2["GOSUMDB"])
    assert mine2.origin("GOPROXY") == "environment" and "go env file" in mine2.origin("GOSUMDB")


def test_env_file_location(go_cmd, tmp_path):
    env = _base_env(tmp_path)
    del env["GOENV"]
    cases = [{"XDG_CONFIG_HOME": str(tmp_path / "xdg")}, {"XDG_CONFIG_HOME": "relative"},
             {"XDG_CONFIG_HOME": ""}, {"GOENV": str(tmp_path / "named")}, {"GOENV": "off"}]
    for extra in cases:
        e = dict(env, **extra)
        go = run_go(go_cmd, ["env", "GOENV"], e, cwd=tmp_path).stdout.strip()
        assert (env_file_path(e) or "") == go, extra
    # GOENV=off: no file at all, so nothing is configured and dep stays VCS-only
    run_go(go_cmd, ["env", "-w", "GOPROXY=https://p.example"], dict(env), cwd=tmp_path)
    assert GoEnv.load(env).get("GOPROXY") == "https://p.example"
    assert GoEnv.load(dict(env, GOENV="off")).proxy_entries() == []


def test_unconfigured_means_no_proxy(tmp_path):
    env = {"HOME": str(tmp_path), "GOENV": str(tmp_path / "none")}
    goenv = GoEnv.load(env)
    assert goenv.proxy_entries() == [] and goenv.uses_proxy("github.com/a/b")
    assert goenv.sumdb_for("github.com/a/b") == (
        "sum.golang.org", KNOWN_SUMDB_KEYS["sum.golang.org"], "https://sum.golang.org", False)


@pytest.mark.parametrize("goproxy,entries", [
    ("https://a.example,https://b.example|file:///c", [("https://a.example", False),
                                                     ("https://b.example", True),
                                                     ("file:///c", False)]),
    (" a.example/p , ,|direct,https://ignored", [("https://a.example/p", False), ("direct", False)]),
    ("off|https://ignored", [("off", False)]),
    ("localhost:3000", [("https://localhost:3000", False)]),
    ("http://h:1/x|", [("http://h:1/x", True)]),
])
def test_proxy_entries(goproxy, entries):
    got = GoEnv({"GOPROXY": goproxy}, {}).proxy_entries()
    assert got == [ProxyEntry(*e) for e in entries]


@pytest.mark.parametrize("goproxy,go_says", [
    (",", "GOPROXY list is not the empty string, but contains no entries"),
    (" ", "GOPROXY list is not the empty string, but contains no entries"),
    ("word", "invalid proxy URL missing scheme: word"),
    ("ftp://x.example", "invalid proxy URL scheme (must be https, http, file): ftp://x.example"),
    ("file://host/x", "invalid file:// proxy URL with non-path elements: file://host/x"),
    ("/abs/dir", "invalid proxy URL missing scheme: /abs/dir"),
])
def test_bad_goproxy_like_go(go_cmd, tmp_path, goproxy, go_says):
    env = dict(_base_env(tmp_path), GOPROXY=goproxy, GOFLAGS="-mod=mod")
    p = run_go(go_cmd, ["mod", "download", "example.com/m@v1.0.0"], env, cwd=tmp_path,
               check=False)
    assert p.returncode != 0 and go_says in p.stderr
    with pytest.raises(GoEnvError) as exc:
        GoEnv({"GOPROXY": goproxy}, {}).proxy_entries()
    assert go_says in str(exc.value) and "\n" not in str(exc.value)


def test_gosumdb_forms():
    key = KNOWN_SUMDB_KEYS["sum.golang.org"]
    cn = GoEnv({"GOSUMDB": "sum.golang.google.cn"}, {}).sumdb_for("a.example/b")
    assert cn == ("sum.golang.org", key, "https://sum.golang.google.cn", True)
    own = "sum.example.com+0a1b2c3d+AT4Q2EMq0VeP0ArAqFbmCbEQXi4HqDs5NNIxOBwiAkWN"
    with pytest.raises(GoEnvError, match="malformed verifier key"):  # wrong key hash
        GoEnv({"GOSUMDB": own}, {}).sumdb_for("a.example/b")
    with pytest.raises(GoEnvError, match="too many fields"):
        GoEnv({"GOSUMDB": "sum.golang.org a b"}, {}).sumdb_for("a.example/b")
    with pytest.raises(GoEnvError, match="malformed verifier key"):
        GoEnv({"GOSUMDB": "unknown.example"}, {}).sumdb_for("a.example/b")
    url = GoEnv({"GOSUMDB": f"{key} https://mirror.example/sumdb"}, {}).sumdb_for("x.y/z")
    assert url == ("sum.golang.org", key, "https://mirror.example/sumdb", True)
    private = GoEnv({"GOPRIVATE": "corp.example", "GONOSUMDB": ""}, {})
    assert private.sumdb_for("corp.example/x") is None and private.sumdb_for("x.io/y")
    assert GoEnv({"GOPRIVATE": "corp.example", "GONOSUMDB": "other.example"},
                 {}).sumdb_for("corp.example/x") is not None


def test_gosumdb_key_checked_like_go(go_cmd, tmp_path):
    """A verifier key the go command accepts is accepted, with its name and hash."""
    prog = tmp_path / "k" / "main.go"
    prog.parent.mkdir()
    prog.write_text('package main\n\nimport (\n\t"crypto/ed25519"\n\t"crypto/sha256"\n'
                    '\t"encoding/base64"\n\t"encoding/binary"\n\t"fmt"\n)\n\n'
                    'func main() {\n\tpub, _, _ := ed25519.GenerateKey(nil)\n'
                    '\tname := "sum.example.com/db"\n\tkey := append([]byte{1}, pub...)\n'
                    '\th := sha256.Sum256(append([]byte(name+"\\n"), key...))\n'
                    '\tfmt.Printf("%s+%08x+%s\\n", name, binary.BigEndian.Uint32(h[:4]), '
                    'base64.StdEncoding.EncodeToString(key))\n}\n')
    env = _base_env(tmp_path)
    vkey = run_go(go_cmd, ["run", str(prog)], env, cwd=prog.parent).stdout.strip()
    p = run_go(go_cmd, ["mod", "download", "example.com/m@v1.0.0"],
               dict(env, GOSUMDB=vkey, GOPROXY="off", GOFLAGS="-mod=mod"), cwd=tmp_path,
               check=False)
    assert "GOSUMDB" not in p.stderr  # go took the key
    got = GoEnv({"GOSUMDB": vkey}, {}).sumdb_for("x.io/y")
    assert got == ("sum.example.com/db", vkey, "https://sum.example.com/db", False)


# ---------------------------------------------------------------------------------------
# match_prefix_patterns


_GO_MATCH = '''package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		var pair [2]string
		json.Unmarshal(in.Bytes(), &pair)
		ok, err := path.Match(pair[0], pair[1])
		fmt.Println(ok && err == nil)
	}
}
'''


def test_path_match_against_go(go_cmd, tmp_path):
    rng = random.Random(12)
    alphabet = ["a", "b", "A", "/", "*", "?", "[", "]", "^", "-", "\\", ".", "é"]
    pairs = [("*", "abc"), ("a*/b", "abc/b"), ("a*b*c*d*e*/f", "axbxcxdxe/f"),
             ("[a-c]x", "bx"), ("[^a-c]x", "bx"), ("[\\]]", "]"), ("[", "["), ("a\\", "a"),
             ("[x-]", "x"), ("[]a]", "]"), ("*x", "xxx"), ("a?b", "a/b"), ("[é-ê]", "é")]
    for _ in range(3000):
        pat = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        name = "".join(rng.choice(["a", "b", "A", "/", ".", "]", "-", "é"])
                       for _ in range(rng.randint(0, 5)))
        pairs.append((pat, name))
    prog = tmp_path / "m" / "main.go"
    prog.parent.mkdir()
    prog.write_text(_GO_MATCH)
    env = _base_env(tmp_path)
    p = subprocess.run([go_cmd, "run", str(prog)], input="\n".join(json.dumps(x) for x in pairs),
                       env=env, cwd=prog.parent, text=True, capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr
    go = [line == "true" for line in p.stdout.split()]

    def mine(pat, name):
        try:
            return _path_match(pat, name)
        except Exception:
            return False

    wrong = [(pairs[i], go[i]) for i in range(len(pairs)) if mine(*pairs[i]) != go[i]]
    assert wrong == []


@pytest.mark.parametrize("globs,hit", [
    ("github.com", True), ("github.com/Acme", True), ("github.com/acme", False),
    ("*.com", True), ("github.com/*/alpha", True), ("github.com/A*", True),
    ("github.com/[A-Z]cme/", True), ("github.com/[", False), ("gith?b.com", True),
    ("github.com/Acme/alpha/sub", False), (",,other.example,github.com", True),
    ("git*", True), ("*", True), ("", False), ("github.*/Acme/al*", True),
])
def test_gonoproxy_prefixes_like_go(go_cmd, tmp_path, globs, hit):
    """With GOPROXY=off, the go command fetches from the repository exactly when
    GONOPROXY matches the module path."""
    mod = "github.com/Acme/alpha"
    repo = make_repo(tmp_path / "alpha", [{"files": {"go.mod": f"module {mod}\n"},
                                           "tag": "v1.0.0"}])
    env = go_env_for(tmp_path / "g", {mod: repo.path})
    env.update(GOPROXY="off", GONOPROXY=globs, GOPRIVATE="")
    p = run_go(go_cmd, ["mod", "download", f"{mod}@v1.0.0"], env, cwd=tmp_path, check=False)
    assert (p.returncode == 0) == hit, p.stderr
    assert match_prefix_patterns(globs, mod) == hit
    assert GoEnv({"GONOPROXY": globs, "GOPROXY": "off"}, {}).uses_proxy(mod) == (not hit)
