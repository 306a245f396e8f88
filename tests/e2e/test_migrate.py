"""`dep migrate -vendor=false` end to end: real git upstreams (github.com/acme/* through
insteadOf rules, never the network), `dep ensure` for the lock, then `dep migrate`, judged by
the real go command (GOFLAGS=-mod=mod GOPROXY=direct GOSUMDB=off GOTOOLCHAIN=local):
`go mod verify` passes, `go list -m all` equals the migrated versions, `go mod tidy` changes
nothing, `go build ./...` passes.

One project depends on one upstream per case: v-tags (vtag), tags without v (plain), a branch
(br, whose go 1.16 go.mod requires an older plain), a bare revision (rev), v2+ without go.mod
(inc, +incompatible), v2+ with a go.mod declaring /v2 (mod2, whose go.mod requires a newer
vtag than the lock's =1.0.0: the graph raises it) and a `source` fork (orig from fork). The
world is ensured and migrated once per module; tests copy it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.e2e.ensure_world import run_dep
from tests.gitrepos import git, make_repo
from tests.gomod.conftest import find_go, go_env_for, run_go, write_git_rewrites

APP = "github.com/acme/app"
T = "20200101000000"  # tests/gitrepos.py commits at 2020-01-01T00:00:00Z


def pkg(name: str, value: str = "1") -> str:
    return f"package {name}\n\n// X is used by the app.\nconst X = {value}\n"


MAIN_GO = """package main

import (
	"fmt"

	"github.com/acme/br"
	"github.com/acme/inc"
	"github.com/acme/mod2"
	"github.com/acme/orig"
	"github.com/acme/plain"
	"github.com/acme/rev"
	"github.com/acme/vtag"
)

func main() { fmt.Println(br.X, inc.X, mod2.X, orig.X, plain.X, rev.X, vtag.X) }
"""


# unpruned (go 1.16), requiring an older plain than the locked one: its go.mod goes in go.sum
BR_GO_MOD = "module github.com/acme/br\n\ngo 1.16\n\nrequire github.com/acme/plain v0.1.0\n"


def build_world(base) -> dict:
    repos = {}
    repos["vtag"] = make_repo(base / "repos/vtag", [
        {"files": {"vtag.go": pkg("vtag"), "LICENSE": "MIT\n"}, "tag": "v1.0.0"},
        {"files": {"vtag.go": pkg("vtag", "2")}, "tag": "v1.1.0"}])
    repos["plain"] = make_repo(base / "repos/plain", [
        {"files": {"plain.go": pkg("plain")}, "tag": "v0.1.0"},
        {"files": {"plain.go": pkg("plain", "2")}, "tag": "1.0.0"}])
    repos["br"] = make_repo(base / "repos/br", [
        {"files": {"br.go": pkg("br")}, "tag": "v1.0.0"},
        {"branch": "dev", "files": {"br.go": pkg("br", "2"), "go.mod": BR_GO_MOD}}])
    repos["rev"] = make_repo(base / "repos/rev", [
        {"files": {"rev.go": pkg("rev")}},
        {"files": {"rev.go": pkg("rev", "2")}}])
    repos["inc"] = make_repo(base / "repos/inc", [
        {"files": {"inc.go": pkg("inc")}, "tag": "v1.0.0"},
        {"files": {"inc.go": pkg("inc", "2")}, "tag": "v2.0.0"}])
    repos["mod2"] = make_repo(base / "repos/mod2", [
        {"files": {"mod2.go": pkg("mod2"),
                   "go.mod": "module github.com/acme/mod2/v2\n\ngo 1.17\n\nrequire github.com/acme/vtag v1.1.0\n"},
         "tag": "v2.0.0"}])
    repos["fork"] = make_repo(base / "repos/fork", [
        {"files": {"orig.go": pkg("orig", "3")}, "tag": "v1.0.0"}])
    project = base / "gopath/src" / APP
    project.mkdir(parents=True)
    (project / "main.go").write_text(MAIN_GO)
    (project / "Gopkg.toml").write_text(
        '[[constraint]]\n  name = "github.com/acme/br"\n  branch = "dev"\n\n'
        f'[[constraint]]\n  name = "github.com/acme/rev"\n  revision = "{repos["rev"].commits[0]}"\n\n'
        '[[constraint]]\n  name = "github.com/acme/orig"\n  source = "github.com/acme/fork"\n\n'
        '[[constraint]]\n  name = "github.com/acme/vtag"\n  version = "=1.0.0"\n\n'
        '[prune]\n  go-tests = true\n  unused-packages = true\n')
    return {name: r.path for name, r in repos.items()}


class World:
    def __init__(self, base, paths: dict, rewrites: dict | None = None, goenv_dir: str = "goenv") -> None:
        self.base = base
        self.project = base / "gopath/src" / APP
        self.paths = paths
        if rewrites is None:
            rewrites = {f"github.com/acme/{n}": p for n, p in paths.items()}
        self.goenv = go_env_for(base / goenv_dir, rewrites)
        self.env = dict(os.environ, GOPATH=str(base / "gopath"), PWD=str(self.project),
                        GIT_CONFIG_GLOBAL=self.goenv["GIT_CONFIG_GLOBAL"], DEPCACHEDIR=str(base / "cache"),
                        GO111MODULE="off", GOFLAGS="")
        for k in ("DEPNOLOCK", "DEPCACHEAGE", "DEPPROJECTROOT"):
            self.env.pop(k, None)

    def dep(self, *args, ok: bool | None = True) -> subprocess.CompletedProcess:
        return run_dep(self.project, self.env, *args, ok=ok)

    def rev(self, name: str, what: str = "HEAD") -> str:
        return git(self.paths[name], "rev-parse", what + "^{commit}")

    def read(self, rel: str) -> str:
        return (self.project / rel).read_text()


@pytest.fixture(scope="module")
def ensured(tmp_path_factory):
    """The world after `dep ensure` (a template, copied per test)."""
    base = tmp_path_factory.mktemp("migrate")
    paths = build_world(base)
    w = World(base, paths)
    (base / "cache").mkdir()
    w.dep("ensure")
    return base, paths


def copy_world(ensured, tmp_path) -> World:
    src, paths = ensured
    dst = tmp_path / "w"
    shutil.copytree(src, dst, symlinks=True)
    # the repositories keep their absolute paths (the template's), which is fine: read-only
    w = World(dst, paths)
    w.goenv = go_env_for(dst / "goenv2", {f"github.com/acme/{n}": p for n, p in paths.items()})
    w.env["GIT_CONFIG_GLOBAL"] = w.goenv["GIT_CONFIG_GLOBAL"]
    return w


@pytest.fixture(scope="module")
def migrated(ensured, tmp_path_factory):
    w = copy_world(ensured, tmp_path_factory.mktemp("migrated"))
    r = w.dep("migrate", "-vendor=false")
    return w, r


def expected_versions(w: World) -> dict:
    short = {"plain": w.rev("plain")[:12], "br": w.rev("br", "dev")[:12]}
    return {
        "github.com/acme/vtag": "v1.1.0",
        "github.com/acme/plain": f"v0.1.1-0.{T}-{short['plain']}",
        "github.com/acme/br": f"v1.0.1-0.{T}-{short['br']}",
        "github.com/acme/rev": f"v0.0.0-{T}-{w.rev('rev', 'HEAD~1')[:12]}",
        "github.com/acme/inc": "v2.0.0+incompatible",
        "github.com/acme/mod2/v2": "v2.0.0",
        "github.com/acme/orig": "v1.0.0",
    }


def requires(gomod: str) -> dict:
    out = {}
    for line in gomod.splitlines():
        f = line.strip().split()
        if len(f) >= 2 and f[0].startswith("github.com/") and "=>" not in f:
            out[f[0]] = f[1]
    return out


# --- the migrated files ------------------------------------------------------------------------

def test_versions_per_case(migrated):
    w, r = migrated
    gomod = w.read("go.mod")
    assert gomod.startswith(f"module {APP}\n\ngo 1.17\n")
    assert requires(gomod) == expected_versions(w)
    # every locked project is imported by main.go: no // indirect
    assert "// indirect" not in gomod


def test_source_fork_becomes_replace(migrated):
    w, _ = migrated
    gomod = w.read("go.mod")
    assert "replace github.com/acme/orig => github.com/acme/fork v1.0.0\n" in gomod
    gosum = w.read("go.sum")
    assert "github.com/acme/fork v1.0.0 h1:" in gosum and "github.com/acme/orig " not in gosum


def test_report_says_how_and_what_is_lost(migrated):
    w, r = migrated
    out = r.stdout
    assert "github.com/acme/vtag v1.0.0 -> github.com/acme/vtag v1.0.0 (tag v1.0.0), raised to v1.1.0" in out
    assert ("github.com/acme/vtag: locked at v1.0.0, raised to v1.1.0 by the go.mod of "
            "github.com/acme/mod2/v2@v2.0.0") in out
    assert "github.com/acme/br dev -> github.com/acme/br v1.0.1-0." in out
    assert "(pseudo-version after tag v1.0.0)" in out
    assert "github.com/acme/rev revision " in out and "(pseudo-version (no earlier tag))" in out
    assert "github.com/acme/inc v2.0.0 -> github.com/acme/inc v2.0.0+incompatible (tag v2.0.0)" in out
    assert "replaced by github.com/acme/fork v1.0.0" in out
    assert "constraint github.com/acme/vtag 1.0.0: modules keep only minimum versions" in out
    assert "constraint github.com/acme/orig *" not in out
    assert "prune options (unused-packages, go-tests)" in out
    assert "main.go:8: import 'github.com/acme/mod2' does not resolve in module mode; " \
           "use 'github.com/acme/mod2/v2'" in out
    assert "Next steps" in out
    # Gopkg.* and vendor/ stay
    assert (w.project / "Gopkg.lock").exists() and (w.project / "vendor").is_dir()
    assert not [n for n in os.listdir(w.project) if n.startswith(".dep-txn-")]


def go_judges(w: World, tmp_path, module: str = APP, go: str | None = None) -> None:
    """verify, list -m all, build, tidy-changes-nothing, on a copy without dep's vendor/."""
    go = go or find_go()
    if not go:
        pytest.skip("no go command installed")
    proj = tmp_path / "p"
    shutil.copytree(w.project, proj, symlinks=True, ignore=shutil.ignore_patterns("vendor"))
    # the import module mode needs (reported by dep migrate as a rewrite)
    main = (proj / "main.go").read_text().replace('"github.com/acme/mod2"', 'mod2 "github.com/acme/mod2/v2"')
    (proj / "main.go").write_text(main)
    env = w.goenv
    before = {n: (proj / n).read_bytes() for n in ("go.mod", "go.sum")}
    run_go(go, ["mod", "verify"], env, cwd=proj)
    listed = run_go(go, ["list", "-m", "-f", "{{.Path}} {{.Version}}", "all"], env, cwd=proj).stdout.split("\n")
    got = dict(line.split(" ", 1) for line in listed[1:] if line)
    assert listed[0] == f"{module} "
    assert got == expected_versions(w)
    run_go(go, ["build", "./..."], env, cwd=proj)
    run_go(go, ["mod", "tidy"], env, cwd=proj)
    after = {n: (proj / n).read_bytes() for n in ("go.mod", "go.sum")}
    assert after["go.mod"] == before["go.mod"]
    assert after["go.sum"].decode().splitlines() == before["go.sum"].decode().splitlines()


def test_go_command_accepts_it(migrated, tmp_path):
    w, _ = migrated
    gosum = w.read("go.sum")
    assert "github.com/acme/plain v0.1.0/go.mod h1:" in gosum  # read through br's unpruned go.mod
    assert "github.com/acme/vtag v1.0.0" not in gosum  # raised: v1.0.0 is nowhere in the graph
    go_judges(w, tmp_path)


@pytest.mark.skipif(not os.access("/usr/bin/go", os.X_OK), reason="Debian's go is not installed")
def test_debian_go_accepts_it(migrated, tmp_path):
    go_judges(migrated[0], tmp_path, go="/usr/bin/go")  # go 1.19


# --- flags and refusals ------------------------------------------------------------------------

def test_dry_run_writes_nothing(ensured, tmp_path):
    w = copy_world(ensured, tmp_path)
    before = sorted(os.listdir(w.project))
    r = w.dep("migrate", "-vendor=false", "-dry-run")
    assert sorted(os.listdir(w.project)) == before
    assert "Would write go.mod:\n\nmodule github.com/acme/app\n" in r.stdout
    assert "Would write go.sum:" in r.stdout and "github.com/acme/vtag v1.1.0 h1:" in r.stdout


def test_json_report(ensured, tmp_path):
    w = copy_world(ensured, tmp_path)
    r = w.dep("migrate", "-vendor=false", "-json", "-module", "example.com/app", "-go", "1.21")
    doc = json.loads(r.stdout)
    assert doc["module"] == "example.com/app" and doc["go"] == "1.21" and doc["written"] is True
    by = {p["name"]: p for p in doc["projects"]}
    assert by["github.com/acme/mod2"]["module"] == "github.com/acme/mod2/v2"
    assert by["github.com/acme/orig"]["replace"] == {"path": "github.com/acme/fork", "version": "v1.0.0"}
    assert by["github.com/acme/plain"]["dep_version"] == "1.0.0"
    kinds = {x["kind"] for x in doc["losses"]}
    assert {"constraint", "prune", "import"} <= kinds
    assert w.read("go.mod").startswith("module example.com/app\n\ngo 1.21\n")
    assert doc["files"]["go.mod"] == w.read("go.mod")
    go_judges(w, tmp_path, "example.com/app")  # go 1.21: tidy keeps only the pruned graph's sums


def test_refusals(ensured, tmp_path):
    w = copy_world(ensured, tmp_path)
    (w.project / "go.mod").write_text("module x\n")
    r = w.dep("migrate", "-vendor=false", ok=False)
    assert "go.mod already exists" in r.stderr and "already a Go module" in r.stderr
    assert w.read("go.mod") == "module x\n" and not (w.project / "go.sum").exists()
    (w.project / "go.mod").unlink()
    (w.project / "Gopkg.lock").unlink()
    r = w.dep("migrate", "-vendor=false", ok=False)
    assert "no Gopkg.lock" in r.stderr


# --- the second world: tag forms, gopkg.in, nested modules, test-only imports, tools ----------

APP2_MAIN = """package main

import (
	"fmt"

	"github.com/acme/nest"
	"github.com/acme/nest/other"
	"github.com/acme/nest/sub"
	"github.com/acme/nonsem"
	"github.com/acme/nov"
	yaml "gopkg.in/yaml.v2"
)

func main() { fmt.Println(nest.X, other.X, sub.X, nonsem.X, nov.X, yaml.X) }
"""

APP2_TEST = """package main

import (
	"testing"

	"github.com/acme/testonly"
)

func TestX(t *testing.T) { _ = testonly.X }
"""

TOOL_MAIN = "package main\n\nfunc main() {}\n"
YAML = "gopkg.in/yaml.v2"


def build_world2(base) -> dict:
    """tags without v only (nov), a non-semver tag (nonsem), gopkg.in/yaml.v2 (fetched by dep
    from github.com/go-yaml/yaml, by go from https://gopkg.in/yaml.v2: both the same local
    repo), nested modules (nest/sub tagged sub/v1.2.0, nest/other untagged), a test-only
    import (testonly) and a required tool (tool/cmd/tool)."""
    repos = {}
    repos["nov"] = make_repo(base / "repos/nov", [
        {"files": {"nov.go": pkg("nov")}, "tag": "1.0.0"},
        {"files": {"nov.go": pkg("nov", "2")}, "tag": "1.1.0"}])
    repos["nonsem"] = make_repo(base / "repos/nonsem", [
        {"files": {"nonsem.go": pkg("nonsem")}, "tag": "v0.1.0"},
        {"files": {"nonsem.go": pkg("nonsem", "2")}, "tag": "release-2"}])
    repos["yaml"] = make_repo(base / "repos/yaml", [
        {"files": {"yaml.go": pkg("yaml"), "LICENSE": "MIT\n"}, "tag": "v2.0.0"},
        {"files": {"yaml.go": pkg("yaml", "2")}, "tag": "v2.1.0"}])
    repos["nest"] = make_repo(base / "repos/nest", [
        {"files": {"nest.go": pkg("nest"),
                   "sub/go.mod": "module github.com/acme/nest/sub\n\ngo 1.17\n", "sub/sub.go": pkg("sub"),
                   "other/go.mod": "module github.com/acme/nest/other\n", "other/other.go": pkg("other")},
         "tag": ["v1.0.0", "sub/v1.2.0"]}])
    repos["testonly"] = make_repo(base / "repos/testonly", [
        {"files": {"testonly.go": pkg("testonly")}, "tag": "v0.3.0"}])
    repos["tool"] = make_repo(base / "repos/tool", [
        {"files": {"cmd/tool/main.go": TOOL_MAIN, "tool.go": pkg("tool")}, "tag": "v1.0.0"}])
    project = base / "gopath/src" / APP
    project.mkdir(parents=True)
    (project / "main.go").write_text(APP2_MAIN)
    (project / "main_test.go").write_text(APP2_TEST)
    (project / "Gopkg.toml").write_text(
        'required = ["github.com/acme/tool/cmd/tool"]\n\n'
        '[[constraint]]\n  name = "github.com/acme/nov"\n  version = "=1.1.0"\n\n'
        '[[constraint]]\n  name = "github.com/acme/nonsem"\n  version = "release-2"\n')
    return {name: r.path for name, r in repos.items()}


def rewrites2(paths: dict) -> dict:
    rw = {f"github.com/acme/{n}": p for n, p in paths.items() if n != "yaml"}
    rw["github.com/go-yaml/yaml"] = paths["yaml"]
    rw[YAML] = paths["yaml"]
    return rw


@pytest.fixture(scope="module")
def ensured2(tmp_path_factory):
    base = tmp_path_factory.mktemp("migrate2")
    paths = build_world2(base)
    w = World(base, paths, rewrites2(paths))
    (base / "cache").mkdir()
    w.dep("ensure")
    return base, paths


def copy_world2(ensured2, tmp_path) -> World:
    src, paths = ensured2
    dst = tmp_path / "w"
    shutil.copytree(src, dst, symlinks=True)
    return World(dst, paths, rewrites2(paths), goenv_dir="goenv2")


def expected_versions2(w: World) -> dict:
    return {
        "github.com/acme/nov": f"v0.0.0-{T}-{w.rev('nov')[:12]}",
        "github.com/acme/nonsem": f"v0.1.1-0.{T}-{w.rev('nonsem')[:12]}",
        YAML: "v2.1.0",
        "github.com/acme/nest": "v1.0.0",
        "github.com/acme/nest/sub": "v1.2.0",
        "github.com/acme/nest/other": f"v0.0.0-{T}-{w.rev('nest')[:12]}",
        "github.com/acme/testonly": "v0.3.0",
        "github.com/acme/tool": "v1.0.0",
    }


@pytest.fixture(scope="module")
def discovery():
    """The 127.0.0.1 go-get discovery server: the go command finds gopkg.in/yaml.v2 by its
    ``<meta name="go-import">`` page (over http through HTTP_PROXY, GOINSECURE=gopkg.in), then
    clones https://gopkg.in/yaml.v2, which the insteadOf rule sends to the local repo."""
    from tests.sources.conftest import GoGetServer, go_import_page

    server = GoGetServer()
    server.add(YAML, go_import_page((YAML, "git", f"https://{YAML}")), subtree=True)
    yield server
    server.close()


def go_judges2(w: World, tmp_path, discovery, go: str | None = None) -> dict:
    """verify, list -m all, build, vet, tidy-changes-nothing for the second world."""
    go = go or find_go()
    if not go:
        pytest.skip("no go command installed")
    proj = tmp_path / "p"
    shutil.copytree(w.project, proj, symlinks=True, ignore=shutil.ignore_patterns("vendor"))
    env = {k: v for k, v in w.goenv.items() if k.lower() not in ("https_proxy", "http_proxy", "no_proxy")}
    env.update(HTTP_PROXY=discovery.proxy_url, GOINSECURE="gopkg.in")
    names = [n for n in ("go.mod", "go.sum", "tools.go") if (proj / n).exists()]
    before = {n: (proj / n).read_bytes() for n in names}
    run_go(go, ["mod", "verify"], env, cwd=proj)
    listed = run_go(go, ["list", "-m", "-f", "{{.Path}} {{.Version}}", "all"], env, cwd=proj).stdout.split("\n")
    got = dict(line.split(" ", 1) for line in listed[1:] if line)
    assert got == expected_versions2(w)
    run_go(go, ["build", "./..."], env, cwd=proj)
    run_go(go, ["vet", "./..."], env, cwd=proj)
    run_go(go, ["mod", "tidy"], env, cwd=proj)
    after = {n: (proj / n).read_bytes() for n in names}
    assert after["go.mod"].decode() == before["go.mod"].decode()
    assert after["go.sum"].decode().splitlines() == before["go.sum"].decode().splitlines()
    return {"proj": proj, "env": env, "go": go}


@pytest.fixture(scope="module")
def migrated2(ensured2, tmp_path_factory):
    w = copy_world2(ensured2, tmp_path_factory.mktemp("migrated2"))
    r = w.dep("migrate", "-vendor=false")
    return w, r


def test_world2_versions(migrated2):
    w, r = migrated2
    gomod = w.read("go.mod")
    got = {}
    for line in gomod.splitlines():
        f = line.strip().split()
        if len(f) >= 2 and (f[0].startswith("github.com/") or f[0].startswith("gopkg.in/")):
            got[f[0]] = f[1]
    assert got == expected_versions2(w)
    # test-only and tool imports are direct, as go mod tidy has them
    assert "// indirect" not in gomod
    out = r.stdout
    assert "github.com/acme/nov 1.1.0 -> github.com/acme/nov v0.0.0-" in out
    assert "github.com/acme/nonsem release-2 -> github.com/acme/nonsem v0.1.1-0." in out
    assert "(pseudo-version after tag v0.1.0)" in out
    assert f"{YAML} v2.1.0 -> {YAML} v2.1.0 (tag v2.1.0)" in out
    assert "-> github.com/acme/nest/sub v1.2.0 (tag sub/v1.2.0, nested module sub/)" in out
    assert "nested module other/" in out
    # the tool, behind the tools build constraint (go 1.17 < 1.24)
    assert "required github.com/acme/tool" not in out
    assert "Required packages kept as tools, by tools.go" in out
    tools = w.read("tools.go")
    assert tools.startswith("//go:build tools\n") and "package main\n" in tools
    assert '\t_ "github.com/acme/tool/cmd/tool"\n' in tools
    assert "\ntool " not in gomod


def test_world2_go_command_accepts_it(migrated2, tmp_path, discovery):
    w, _ = migrated2
    gosum = w.read("go.sum")
    assert f"{YAML} v2.1.0 h1:" in gosum and "github.com/acme/nest/sub v1.2.0 h1:" in gosum
    go_judges2(w, tmp_path, discovery)


@pytest.mark.skipif(not os.access("/usr/bin/go", os.X_OK), reason="Debian's go is not installed")
def test_world2_debian_go_accepts_it(migrated2, tmp_path, discovery):
    go_judges2(migrated2[0], tmp_path, discovery, go="/usr/bin/go")  # go 1.19


def test_required_tools_as_tool_directives(ensured2, tmp_path, discovery):
    w = copy_world2(ensured2, tmp_path)
    r = w.dep("migrate", "-vendor=false", "-go", "1.24", "-json")
    doc = json.loads(r.stdout)
    assert doc["tools"] == ["github.com/acme/tool/cmd/tool"] and "tools.go" not in doc["files"]
    assert not (w.project / "tools.go").exists()
    gomod = w.read("go.mod")
    assert "\ntool github.com/acme/tool/cmd/tool\n" in gomod
    j = go_judges2(w, tmp_path, discovery)
    p = run_go(j["go"], ["tool", "-n", "tool"], j["env"], cwd=j["proj"])
    assert p.stdout.strip()
    listed = run_go(j["go"], ["list", "-m", "github.com/acme/tool"], j["env"], cwd=j["proj"]).stdout
    assert listed.strip() == "github.com/acme/tool v1.0.0"


def test_import_module_mode_cannot_find(ensured2, tmp_path):
    w = copy_world2(ensured2, tmp_path)
    (w.project / "extra.go").write_text('package main\n\nimport (\n\t"os"\n\n\t"github.com/acme/gone/pkg"\n)\n\n'
                                        'var _ = os.Args\n')
    (w.project / "lib").mkdir()
    (w.project / "lib" / "lib.go").write_text('package lib\n\nimport _ "example.org/nowhere"\n')
    r = w.dep("migrate", "-vendor=false", ok=False)
    assert r.returncode == 1
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "extra.go:6: github.com/acme/gone/pkg" in err and "lib/lib.go:3: example.org/nowhere" in err
    assert ":4: os" not in err and err.count(".go:") == 2  # the standard library is not listed
    assert not (w.project / "go.mod").exists() and not (w.project / "tools.go").exists()


# --- item 8: fetch what the cache lacks, name what cannot be fetched -------------------------

def test_empty_cache_fetches_as_ensure_would(ensured2, migrated2, tmp_path):
    w = copy_world2(ensured2, tmp_path)
    empty = tmp_path / "emptycache"
    empty.mkdir()
    w.env["DEPCACHEDIR"] = str(empty)
    w.dep("migrate", "-vendor=false")
    assert w.read("go.mod") == migrated2[0].read("go.mod")
    assert w.read("go.sum") == migrated2[0].read("go.sum")
    assert os.listdir(empty)


def test_unreachable_sources_named_in_one_error(ensured2, tmp_path):
    w = copy_world2(ensured2, tmp_path)
    missing = tmp_path / "does-not-exist"
    write_git_rewrites(w.goenv["GIT_CONFIG_GLOBAL"], {"github.com/acme/gone1": missing / "a",
                                                      "github.com/acme/gone2": missing / "b"})
    lock = w.read("Gopkg.lock")
    extra = "".join(f'[[projects]]\n  name = "github.com/acme/{n}"\n  packages = ["."]\n'
                    f'  revision = "{"0123456789abcdef" * 2}{"01234567"}"\n\n' for n in ("gone1", "gone2"))
    (w.project / "Gopkg.lock").write_text(lock.replace("[[projects]]", extra + "[[projects]]", 1))
    r = w.dep("migrate", "-vendor=false", ok=False)
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert "github.com/acme/gone1" in err and "github.com/acme/gone2" in err
    assert not (w.project / "go.mod").exists()


def test_dry_run_and_next_steps_name_tools_go(ensured2, tmp_path):
    """tools.go is shown by -dry-run and named among the files written."""
    w = copy_world2(ensured2, tmp_path)
    r = w.dep("migrate", "-vendor=false", "-dry-run")
    assert r.returncode == 0, r.stderr
    assert "\nWould write tools.go:\n\n" in r.stdout and "//go:build tools" in r.stdout
    assert not (w.project / "tools.go").exists()
    r = w.dep("migrate", "-vendor=false")
    assert r.returncode == 0, r.stderr
    assert "\nWrote go.mod, go.sum and tools.go. Next steps:\n" in r.stdout


def test_nothing_to_vendor_leaves_no_vendor_dir_and_no_go_sum(tmp_path):
    """A project that imports only the standard library: go mod vendor writes no vendor/
    and the go command no go.sum, so neither does migrate (dep's empty vendor/ goes)."""
    gopath = tmp_path / "gopath"
    project = gopath / "src/example.com/app"
    project.mkdir(parents=True)
    (project / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n')
    env = dict(os.environ, GOPATH=str(gopath), PWD=str(project), DEPCACHEDIR=str(tmp_path / "cache"),
               GIT_CONFIG_GLOBAL=os.devnull, GO111MODULE="off", GOFLAGS="")
    (tmp_path / "cache").mkdir()
    run_dep(project, env, "init", "-no-examples", ok=True)
    assert (project / "vendor").is_dir()
    r = run_dep(project, env, "migrate", ok=True)
    assert "nothing to vendor, so vendor/ is gone" in r.stdout
    assert sorted(os.listdir(project)) == ["Gopkg.lock", "Gopkg.toml", "go.mod", "main.go"]
    go = find_go()
    if go is None:
        pytest.skip("no go command")
    genv = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", GOPROXY="off", GOPATH=str(tmp_path / "gp"),
                GOCACHE=str(tmp_path / "gocache"))
    before = sorted(os.listdir(project)), (project / "go.mod").read_bytes()
    for args in (["mod", "tidy"], ["mod", "vendor"], ["build", "-o", os.devnull, "."]):
        r = subprocess.run([go, *args], cwd=project, env=genv, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert (sorted(os.listdir(project)), (project / "go.mod").read_bytes()) == before
