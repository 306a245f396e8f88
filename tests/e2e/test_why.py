"""`dep why` end to end: real git upstreams (github.com/acme/* through insteadOf rules, never
the network), `dep ensure` for Gopkg.lock and vendor/, then `dep why` as a real process,
its output compared exactly.

The world (imports; `_test` = test files):

    app      -> fmt, a, m          app_test -> rt, testing      app/z -> a/x (ignored)
    a        -> b, c/y             a_test   -> c/ct             a/x   -> c/deep
    m        -> b, c/x             b        -> c
    tool/cmd/gen (Gopkg.toml required) -> tool/lib
    c also has c/unused; orphan is written into Gopkg.lock by hand (nothing imports it).

So b is reached at equal depth through a and m (a wins: sorted BFS), c's nearest packages
are c/x and c/y at depth 3 (-m picks c/x, first in sorted order, although the walk meets
c/y first), rt only through the root's tests (needed: the solver follows root tests), c/ct
only through a dependency's tests (not needed), c/deep only through the ignored a/x.
"""

from __future__ import annotations

import json
import re
import os
import shutil

import pytest

from tests.e2e.ensure_world import run_dep
from tests.gitrepos import git, make_repo
from tests.gomod.conftest import go_env_for

APP = "github.com/acme/app"
A = "github.com/acme/"


def gofile(name: str, *imports: str) -> str:
    imps = "".join(f'\t_ "{i}"\n' for i in imports)
    return f"package {name}\n\nimport (\n{imps})\n" if imports else f"package {name}\n"


REPOS = {
    "a": {"a.go": gofile("a", A + "b", A + "c/y"), "a_test.go": gofile("a", A + "c/ct", "testing"),
          "x/x.go": gofile("x", A + "c/deep")},
    "b": {"b.go": gofile("b", A + "c")},
    "m": {"m.go": gofile("m", A + "b", A + "c/x")},
    "c": {"c.go": gofile("c"), "x/x.go": gofile("x"), "y/y.go": gofile("y"), "ct/ct.go": gofile("ct"),
          "deep/deep.go": gofile("deep"), "unused/u.go": gofile("unused")},
    "rt": {"rt.go": gofile("rt")},
    "tool": {"cmd/gen/main.go": gofile("main", A + "tool/lib"), "lib/lib.go": gofile("lib")},
    "orphan": {"orphan.go": gofile("orphan")},
}
MANIFEST = ('required = ["github.com/acme/tool/cmd/gen"]\nignored = ["github.com/acme/a/x"]\n\n'
            "[prune]\n  go-tests = true\n  unused-packages = true\n")


@pytest.fixture(scope="module")
def ensured(tmp_path_factory):
    base = tmp_path_factory.mktemp("why")
    paths = {n: make_repo(base / "repos" / n, [{"files": files, "tag": "v1.0.0"}]).path
             for n, files in REPOS.items()}
    project = base / "gopath/src" / APP
    for rel, text in {"main.go": gofile("main", "fmt", A + "a", A + "m"),
                      "app_test.go": gofile("main", A + "rt", "testing"),
                      "z/z.go": gofile("z", A + "a/x"), "Gopkg.toml": MANIFEST}.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    env = _env(base, paths)
    run_dep(project, env, "ensure", ok=True)
    orphan = git(paths["orphan"], "rev-parse", "HEAD")
    lock = (project / "Gopkg.lock").read_text()
    (project / "Gopkg.lock").write_text(lock.replace("[solve-meta]", (
        '[[projects]]\n  digest = "1:00"\n  name = "github.com/acme/orphan"\n  packages = ["."]\n'
        f'  pruneopts = "UT"\n  revision = "{orphan}"\n  version = "v1.0.0"\n\n[solve-meta]')))
    return base, paths


def _env(base, paths) -> dict:
    goenv = go_env_for(base / "goenv", {A + n: p for n, p in paths.items()})
    env = dict(os.environ, GOPATH=str(base / "gopath"), PWD=str(base / "gopath/src" / APP),
               GIT_CONFIG_GLOBAL=goenv["GIT_CONFIG_GLOBAL"], DEPCACHEDIR=str(base / "cache"))
    for k in ("DEPNOLOCK", "DEPCACHEAGE", "DEPPROJECTROOT", "DEPOFFLINE"):
        env.pop(k, None)
    return env


@pytest.fixture()
def why(ensured):
    base, paths = ensured
    env = _env(base, paths)
    return lambda *args, ok=True: run_dep(base / "gopath/src" / APP, env, "why", *args, ok=ok)


def stanzas(*parts: str) -> str:
    return "\n".join(parts)


def test_chains_packages_in_argument_order(why):
    r = why(A + "c", A + "b", "fmt", APP)
    assert r.stdout == stanzas(
        f"# {A}c\n{APP}\n{A}a\n{A}b\n{A}c\n",
        f"# {A}b\n{APP}\n{A}a\n{A}b\n",  # equal length through m: a first, as go's sorted BFS
        f"# fmt\n{APP}\nfmt\n",
        f"# {APP}\n{APP}\n")
    assert r.stderr == ""


def test_module_picks_shallowest_then_sorted(why):
    r = why("-m", A + "c", A + "tool", APP)
    assert r.stdout == stanzas(
        f"# {A}c\n{APP}\n{A}m\n{A}c/x\n",  # c/y is met first at the same depth; go picks sorted
        f"# {A}tool\n(required by Gopkg.toml)\n{A}tool/cmd/gen\n",
        f"# {APP}\n{APP}\n")


def test_root_tests_count_required_starts_a_chain(why):
    assert why(A + "rt", A + "tool/lib").stdout == stanzas(
        f"# {A}rt\n{APP}\n{APP}.test\n{A}rt\n",
        f"# {A}tool/lib\n(required by Gopkg.toml)\n{A}tool/cmd/gen\n{A}tool/lib\n")


def test_not_needed_with_reasons(why):
    r = why(A + "a/x", A + "c/deep", A + "c/ct", A + "c/unused")
    assert r.stdout == stanzas(
        f"# {A}a/x\n(main module does not need package {A}a/x: Gopkg.toml ignores it)\n",
        f"# {A}c/deep\n(main module does not need package {A}c/deep: Gopkg.toml ignores {A}a/x, "
        "which leads to it)\n",
        f"# {A}c/ct\n(main module does not need package {A}c/ct: only the tests of {A}a lead to it)\n",
        f"# {A}c/unused\n(main module does not need package {A}c/unused: nothing imports it)\n")


def test_locked_project_nobody_imports(why):
    assert why("-m", A + "orphan").stdout == \
        f"# {A}orphan\n(main module does not need module {A}orphan: nothing imports it)\n"
    assert why(A + "orphan").stdout == \
        f"# {A}orphan\n(main module does not need package {A}orphan: nothing imports it)\n"


def test_vendor_reads_vendor_dir(why, ensured):
    r = why("-vendor", "-m", A + "c", A + "orphan")
    assert r.stdout == stanzas(f"# {A}c\n{APP}\n{A}m\n{A}c/x\n",
                               f"# {A}orphan\n(main module does not need to vendor module {A}orphan: "
                               "nothing imports it)\n")
    # c/deep is pruned from vendor/ (unused-packages): not a package there
    r = why("-vendor", A + "c/deep", ok=False)
    assert (r.stdout, r.stderr) == ("", f"{A}c/deep: no Go package there in vendor/{A}c/deep\n")


def test_vendor_needs_no_source_cache(why, ensured, tmp_path):
    base, _ = ensured
    shutil.copytree(base / "gopath", tmp_path / "gopath", symlinks=True)
    env = dict(os.environ, GOPATH=str(tmp_path / "gopath"), DEPCACHEDIR=str(tmp_path / "empty"),
               GIT_CONFIG_GLOBAL=str(tmp_path / "nogitconfig"), DEPOFFLINE="1")
    r = run_dep(tmp_path / "gopath/src" / APP, env, "why", "-vendor", A + "c", ok=True)
    assert r.stdout == f"# {A}c\n{APP}\n{A}a\n{A}b\n{A}c\n"


def test_json(why):
    doc = json.loads(why("-json", A + "rt", A + "c/unused", A + "tool/lib").stdout)
    assert doc == [
        {"Path": A + "rt", "Chain": [APP, APP + ".test", A + "rt"], "Needed": True, "Reason": "tests"},
        {"Path": A + "c/unused", "Chain": [], "Needed": False, "Reason": "nothing imports it"},
        {"Path": A + "tool/lib", "Chain": [A + "tool/cmd/gen", A + "tool/lib"], "Needed": True,
         "Reason": "required"},
    ]
    doc = json.loads(why("-json", "-m", A + "b", APP).stdout)
    assert [(d["Chain"], d["Reason"]) for d in doc] == [([APP, A + "a", A + "b"], "imports"), ([APP], "root")]


@pytest.mark.parametrize("args, line", [
    ([A + "nope"], f"{A}nope is not in Gopkg.lock: not a package of the root project, a locked project "
                   "or the standard library"),
    ([A + "c/nosuch"], f"{A}c/nosuch: no Go package there in {A}c at revision {{c}}"),
    ([APP + "/nosuch"], f"{APP}/nosuch: no Go package there in the root project"),
    (["-m", A + "c/x"], f"{A}c/x is not the root project or a project in Gopkg.lock (it is in {A}c)"),
    (["-m", A + "nope"], f"{A}nope is not the root project or a project in Gopkg.lock"),
    (["bad path"], 'malformed import path "bad path": invalid char \' \''),
    ([], "dep why needs at least one package (or, with -m, project)"),
])
def test_bad_input_one_line(why, ensured, args, line):
    _, paths = ensured
    r = why(*args, ok=False)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == line.replace("{c}", git(paths["c"], "rev-parse", "HEAD")) + "\n"


def test_bad_inputs_named_together(why):
    r = why(A + "nope", "fmt", A + "c/nosuch", ok=False)
    assert r.stderr.count("\n") == 1 and f"{A}nope" in r.stderr and f"{A}c/nosuch" in r.stderr


def test_no_lock(why, ensured, tmp_path):
    base, paths = ensured
    project = tmp_path / "gopath/src" / APP
    project.mkdir(parents=True)
    (project / "main.go").write_text(gofile("main", "fmt"))
    (project / "Gopkg.toml").write_text("")
    env = dict(_env(base, paths), GOPATH=str(tmp_path / "gopath"), PWD=str(project))
    r = run_dep(project, env, "why", "fmt", ok=False)
    assert r.stderr == f"no Gopkg.lock in {project}: run dep ensure first\n"


def test_same_chains_as_go_mod_why(why, tmp_path):
    """The same world as Go modules (local replace directives, no ignored or required
    packages): `go mod why -vendor` (which, as dep's solver, leaves dependencies' tests out)
    gives the same stanzas, reasons aside."""
    from tests.gomod.conftest import find_go, go_env_for, run_go

    go = find_go()
    if not go:
        pytest.skip("no go command")
    for n, files in REPOS.items():
        for rel, text in {**files, "go.mod": f"module {A}{n}\n\ngo 1.17\n"}.items():
            (tmp_path / n / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / n / rel).write_text(text)
    req = "".join(f"\t{A}{n} v1.0.0\n" for n in REPOS)
    rep = "".join(f"replace {A}{n} => ../{n}\n" for n in REPOS)
    (tmp_path / "app").mkdir()
    (tmp_path / "app/main.go").write_text(gofile("main", "fmt", A + "a", A + "m"))
    (tmp_path / "app/app_test.go").write_text(gofile("main", A + "rt", "testing"))
    (tmp_path / "app/go.mod").write_text(f"module {APP}\n\ngo 1.17\n\nrequire (\n{req})\n\n{rep}")
    env = dict(go_env_for(tmp_path / "goenv"), GOPROXY="off")
    for args in ([A + "c", A + "b", "fmt", APP, A + "rt", A + "c/unused", A + "c/ct"], ["-m", A + "c", A + "orphan"]):
        want = run_go(go, ["mod", "why", "-vendor", *args], env, cwd=tmp_path / "app").stdout
        ours = re.sub(r": [^\n]*\)\n", ")\n", why(*args).stdout)
        assert ours == want.replace(" to vendor ", " ")
