"""The source manager on real local git repositories reached through github.com URLs
rewritten by a git config (url.<base>.insteadOf), as a mirror user would set it up."""

import os

import pytest

from dep.bridge import ProjectIdentifier
from dep.sources.manager import SourceManager
from dep.sources.vcs import SourceError
from dep.versions import Branch, PairedVersion, parse_version
from tests.gitrepos import make_repo


@pytest.fixture
def mirrors(tmp_path, monkeypatch):
    """Three upstreams under github.com/acme/* and a git config pointing there."""
    repos = {}
    for name in ("alpha", "beta", "gamma"):
        repos[name] = make_repo(tmp_path / "up" / name, [
            {"files": {f"{name}.go": f"package {name}\n", "sub/s.go": "package sub\n",
                       "Gopkg.toml": '[[constraint]]\n  name = "github.com/acme/beta"\n  version = "1.0.0"\n'},
             "tag": "v1.0.0"},
            {"files": {f"{name}.go": f"package {name}\n\nimport _ \"github.com/acme/beta\"\n"},
             "tag": "v1.1.0", "annotated": True},
        ])
    cfg = tmp_path / "gitconfig"
    cfg.write_text("".join(f'[url "{r.path}"]\n\tinsteadOf = https://github.com/acme/{n}\n'
                           for n, r in repos.items()))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    return repos


def manager(tmp_path, **kw):
    cache = tmp_path / "cache"
    os.makedirs(cache / "sources", exist_ok=True)
    return SourceManager(str(cache), **kw)


def test_list_read_analyse_and_export(tmp_path, mirrors):
    sm = manager(tmp_path)
    pid = ProjectIdentifier(sm.deduce_project_root("github.com/acme/alpha/sub"))
    assert pid.root == "github.com/acme/alpha"
    versions = {str(v): v for v in sm.list_versions(pid)}
    assert set(versions) == {"v1.0.0", "v1.1.0", "master"}
    v110 = versions["v1.1.0"]
    assert isinstance(v110, PairedVersion) and str(v110.revision) == mirrors["alpha"].rev("v1.1.0")
    constraints, lock = sm.get_manifest_and_lock(pid, v110)
    assert str(constraints["github.com/acme/beta"].constraint) == "^1.0.0" and lock is None
    tree = sm.list_packages(pid, v110)
    assert sorted(tree.packages) == ["github.com/acme/alpha", "github.com/acme/alpha/sub"]
    assert tree.packages["github.com/acme/alpha"].package.imports == ("github.com/acme/beta",)
    dest = tmp_path / "out"
    sm.export(pid, str(v110.revision), str(dest))
    assert sorted(os.listdir(dest)) == ["Gopkg.toml", "alpha.go", "sub"]


def test_second_run_is_served_from_the_cache(tmp_path, mirrors):
    pids = [ProjectIdentifier(f"github.com/acme/{n}") for n in mirrors]
    first = manager(tmp_path)
    revs = [str(first.source(p).to_revision(parse_version("v1.0.0"))) for p in pids]
    first.export_all(list(zip(pids, revs)), str(tmp_path / "v1"))
    assert sum(first.source(p).ops.get("clone", 0) for p in pids) == 3
    second = manager(tmp_path)
    second.export_all(list(zip(pids, revs)), str(tmp_path / "v2"))
    assert all(second.source(p).ops.get("clone", 0) == 0 and second.source(p).ops.get("fetch", 0) == 0
               for p in pids)
    assert sorted(os.listdir(tmp_path / "v2/github.com/acme")) == ["alpha", "beta", "gamma"]


def test_every_candidate_url_tried_is_reported(tmp_path, mirrors):
    sm = manager(tmp_path)
    with pytest.raises(SourceError) as e:
        sm.list_versions(ProjectIdentifier("github.com/acme/missing"))
    lines = str(e.value).split("\n")
    assert lines[0] == "unable to reach a source for github.com/acme/missing:"
    assert [line.split(" ")[0] for line in lines[1:5]] == ["\t(1)", "\t(2)", "\t(3)", "\t(4)"]
    assert "https://github.com/acme/missing" in lines[1]
    # with no GOPROXY configured, the last line says a module proxy may still serve it
    assert lines[5:] == ["\t(a Go module proxy may still serve it: set GOPROXY, e.g. "
                         "GOPROXY=https://proxy.golang.org; see docs/proxy.md)"]


def test_branches_are_listed_with_the_default_marked(tmp_path, mirrors):
    sm = manager(tmp_path)
    master = [v for v in sm.list_versions(ProjectIdentifier("github.com/acme/beta"))
              if isinstance(v.unpaired, Branch)]
    assert [(str(v), v.unpaired.default) for v in master] == [("master", True)]


def test_progress_events(tmp_path, mirrors):
    events = []
    sm = manager(tmp_path, progress=lambda ev, p: events.append((ev, p)))
    sm.list_versions(ProjectIdentifier("github.com/acme/gamma"))
    assert events == [("list", "github.com/acme/gamma")]
