"""Minimal Version Selection, judged by ``go list -m all`` and ``go mod graph`` on random module
graphs made of local git repositories (tags, go.mod files, cycles, pre-releases)."""

from __future__ import annotations

import random

import pytest

from dep.errors import DepError
from dep.gomod.modfile import ModFile, Require, format_gomod, parse_gomod
from dep.gomod.mvs import MVSError, Raised, build_list, sort_modules, upgrades_over
from tests.gitrepos import make_repo
from tests.gomod.conftest import run_go


def graph_reqs(graph):
    def reqs(path, version):
        return graph.get((path, version), [])
    return reqs


def test_diamond_selects_the_highest_reached_version():
    g = {("a", "v1.0.0"): [("c", "v1.1.0")], ("b", "v1.0.0"): [("c", "v1.2.0")],
         ("c", "v1.2.0"): [("d", "v1.0.0")], ("c", "v1.1.0"): [("e", "v1.0.0")]}
    bl = build_list([("a", "v1.0.0"), ("b", "v1.0.0")], graph_reqs(g), root=("m", ""))
    # e is reached only through c v1.1.0, which is not selected: MVS still keeps it.
    assert bl.modules() == [("m", ""), ("a", "v1.0.0"), ("b", "v1.0.0"), ("c", "v1.2.0"),
                            ("d", "v1.0.0"), ("e", "v1.0.0")]
    assert bl.required_by(("c", "v1.2.0")) == [("b", "v1.0.0")]
    assert bl.path_to(("d", "v1.0.0")) == [("m", ""), ("b", "v1.0.0"), ("c", "v1.2.0"), ("d", "v1.0.0")]


def test_semver_order_cycles_and_the_main_module():
    g = {("a", "v1.9.0"): [("b", "v1.10.0")], ("b", "v1.10.0"): [("a", "v1.10.0-rc.1"), ("m", "v1.0.0")],
         ("a", "v1.10.0-rc.1"): [("b", "v1.2.0")], ("m", "v1.0.0"): [("z", "v0.1.0")]}
    bl = build_list([("a", "v1.9.0")], graph_reqs(g), root=("m", ""))
    assert bl.selected == {"m": "", "a": "v1.10.0-rc.1", "b": "v1.10.0", "z": "v0.1.0"}
    assert bl.modules()[0] == ("m", "")
    assert sort_modules([("a", "v1.10.0"), ("a", "v1.9.0/go.mod"), ("a", "v1.9.0"), ("a", "v1.10.0-rc.1")]) == \
        [("a", "v1.9.0"), ("a", "v1.9.0/go.mod"), ("a", "v1.10.0-rc.1"), ("a", "v1.10.0")]


def test_upgrades_over_names_the_nearest_requirement():
    g = {("a", "v1.0.0"): [("c", "v1.5.0")], ("b", "v1.0.0"): [("x", "v1.0.0")],
         ("x", "v1.0.0"): [("c", "v1.5.0"), ("b", "v1.1.0")]}
    bl = build_list([("a", "v1.0.0"), ("b", "v1.0.0"), ("c", "v1.0.0")], graph_reqs(g), root=("m", ""))
    raised = upgrades_over({"a": "v1.0.0", "b": "v1.0.0", "c": "v1.0.0"}, bl)
    assert raised == [Raised("b", "v1.0.0", "v1.1.0", ("x", "v1.0.0"), (("m", ""), ("b", "v1.0.0"), ("x", "v1.0.0"))),
                      Raised("c", "v1.0.0", "v1.5.0", ("a", "v1.0.0"), (("m", ""), ("a", "v1.0.0")))]
    assert str(raised[1]) == "c: v1.0.0 raised to v1.5.0 by a@v1.0.0"


def test_loading_errors_name_the_chain():
    def reqs(path, version):
        if path == "c":
            raise DepError("no go.mod in cache")
        return {"a": [("b", "v1.0.0")], "b": [("c", "v1.0.0")]}[path]
    with pytest.raises(MVSError, match=r"^loading c@v1.0.0 \(via a@v1.0.0 -> b@v1.0.0\): no go.mod in cache$"):
        build_list([("a", "v1.0.0")], reqs, root=("m", ""))


# --- against the go command -------------------------------------------------------------

RAISES: dict = {}  # seed -> number of raises seen (the last test checks some happened)
VERSIONS = ["v1.0.0", "v1.2.0-rc.1", "v1.2.0", "v1.10.0"]


def _random_world(rng, prefix, n=5):
    """{path: {version: go.mod text}} with random requirements between the modules."""
    paths = [f"github.com/acme/{prefix}m{i}" for i in range(n)]
    world = {}
    for p in paths:
        vers = sorted(rng.sample(VERSIONS, 3), key=VERSIONS.index)
        world[p] = {v: None for v in vers}
    for p in paths:
        for v in world[p]:
            deps = [q for q in paths if q != p and rng.random() < 0.4]
            reqs = [Require(q, rng.choice(list(world[q]))) for q in deps]
            world[p][v] = format_gomod(ModFile(module=p, go="1.16", require=reqs)).decode()
    return world


@pytest.mark.parametrize("seed", range(1, 7))
def test_build_list_equals_go_list_m_all(go_cmd, go_env, tmp_path, seed):
    rng = random.Random(seed)
    world = _random_world(rng, f"s{seed}")
    rewrites = {}
    for p, versions in world.items():
        name = p.rsplit("/", 1)[-1]
        commits = [{"files": {"go.mod": gomod, name + ".go": f"package {name}\n\nconst V = {v!r}\n".replace("'", '"')},
                    "tag": v} for v, gomod in versions.items()]
        rewrites[p] = make_repo(tmp_path / "repos" / name, commits).path
    env = go_env(rewrites)

    # Roots mostly at their lowest version, so that the graph raises some of them.
    roots = [(p, list(world[p])[0] if rng.random() < 0.7 else rng.choice(list(world[p])))
             for p in rng.sample(sorted(world), rng.randint(2, 4))]
    main = tmp_path / "main"
    main.mkdir()
    gomod = format_gomod(ModFile(module="example.com/main", go="1.16", require=[Require(p, v) for p, v in roots]))
    (main / "go.mod").write_bytes(gomod)
    got = run_go(go_cmd, ["list", "-m", "all"], env, cwd=main).stdout.splitlines()

    def reqs(path, version):
        f = parse_gomod(world[path][version], name=f"{path}@{version}/go.mod", lax=True)
        return [(r.path, r.version) for r in f.require]

    bl = build_list(roots, reqs, root=("example.com/main", ""))
    assert [f"{p} {v}".strip() for p, v in bl.modules()] == got

    # We report exactly the roots go raised, each with a requirement that really asks for the
    # raised version. (go mod graph cannot judge the edge: with -mod=mod a go 1.16 main module
    # first has its own requirements raised to the selection, hiding the original graph.)
    locked = dict(roots)
    raised = upgrades_over(locked, bl)
    go_selected = dict(line.split(" ") for line in got[1:])
    assert {r.path for r in raised} == {p for p, v in locked.items() if go_selected[p] != v}
    RAISES[seed] = len(raised)
    for r in raised:
        assert (r.path, r.selected) in reqs(*r.required_by)
        assert r.chain[0] == ("example.com/main", "") and r.chain[-1] == r.required_by


def test_random_graphs_did_raise_locked_versions():
    if not RAISES:
        pytest.skip("the go-judged graphs did not run")
    assert sum(RAISES.values()) >= 3, RAISES
