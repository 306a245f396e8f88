"""`dep licenses` end to end: real git upstreams (github.com/acme/* through insteadOf rules,
never the network) carrying real-world licence texts (tests/licensetexts), `dep ensure`
writing Gopkg.lock and a pruned vendor/, then `dep licenses` as a real process.

    mitlib   LICENSE (MIT, bolt's), license.go (a Go file, not a licence), sub/ (imported)
    yaml     LICENSE (Apache-2.0, yaml.v2's), LICENSE.libyaml (MIT), NOTICE (no licence text)
    bsd      no root licence; pkg/LICENSE (BSD-3-Clause) in the imported package; unused/LICENSE
             and pkg/testdata/LICENSE (kept by dep's prune, but outside the package chain)
    custom   LICENSE with a licence of its own (unknown)
    none     no licence file (missing)
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.ensure_world import run_dep
from tests.gitrepos import make_repo
from tests.gomod.conftest import go_env_for

APP = "github.com/acme/app"
A = "github.com/acme/"
TEXTS = Path(__file__).parent.parent / "licensetexts"
CUSTOM = ("Acme Corp Source Licence 1.0\n\nCopyright (c) 2023 Acme Corp. All rights reserved.\n\n"
          "You may read this source code. You may not copy, modify, distribute or use it in any\n"
          "product without a written agreement with Acme Corp.\n")


def gofile(name: str, *imports: str) -> str:
    imps = "".join(f'\t_ "{i}"\n' for i in imports)
    return f"package {name}\n\nimport (\n{imps})\n" if imports else f"package {name}\n"


def real(name: str) -> str:
    return (TEXTS / name).read_text()


REPOS = {
    "mitlib": {"LICENSE": real("mit-boltdb.txt"), "lib.go": gofile("mitlib"), "license.go": gofile("mitlib"),
               "sub/sub.go": gofile("sub")},
    "yaml": {"LICENSE": real("apache-2.0-yaml.txt"), "LICENSE.libyaml": real("mit-libyaml.txt"),
             "NOTICE": "Copyright 2011-2016 Canonical Ltd.\n", "yaml.go": gofile("yaml")},
    "bsd": {"pkg/LICENSE": real("bsd-3-clause-go.txt"), "pkg/pkg.go": gofile("pkg"),
            "pkg/testdata/LICENSE": CUSTOM, "unused/LICENSE": CUSTOM, "unused/u.go": gofile("unused")},
    "custom": {"LICENSE": CUSTOM, "custom.go": gofile("custom")},
    "none": {"none.go": gofile("none"), "README.md": "MIT licensed, trust us\n"},
}
MANIFEST = "[prune]\n  go-tests = true\n  unused-packages = true\n  non-go = true\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("licenses")
    paths = {n: make_repo(base / "repos" / n, [{"files": files, "tag": "v1.0.0"}]).path
             for n, files in REPOS.items()}
    project = base / "gopath/src" / APP
    project.mkdir(parents=True)
    (project / "main.go").write_text(gofile("main", A + "mitlib", A + "mitlib/sub", A + "yaml", A + "bsd/pkg",
                                            A + "custom", A + "none"))
    (project / "Gopkg.toml").write_text(MANIFEST)
    goenv = go_env_for(base / "goenv", {A + n: p for n, p in paths.items()})
    env = dict(os.environ, GOPATH=str(base / "gopath"), PWD=str(project),
               GIT_CONFIG_GLOBAL=goenv["GIT_CONFIG_GLOBAL"], DEPCACHEDIR=str(base / "cache"))
    for k in ("DEPNOLOCK", "DEPCACHEAGE", "DEPPROJECTROOT", "DEPOFFLINE"):
        env.pop(k, None)
    run_dep(project, env, "ensure", ok=True)
    # dep's prune keeps legal files everywhere, so these are in vendor/ but not reported
    assert (project / "vendor" / A / "bsd/unused/LICENSE").is_file()
    assert (project / "vendor" / A / "bsd/pkg/testdata/LICENSE").is_file()
    return project, env


def licenses(world, *args, ok=True):
    project, env = world
    return run_dep(project, env, "licenses", *args, ok=ok)


TABLE = """\
PROJECT                 FILE             LICENSE
github.com/acme/bsd     pkg/LICENSE      BSD-3-Clause
github.com/acme/custom  LICENSE          unknown
github.com/acme/mitlib  LICENSE          MIT
github.com/acme/none    -                missing
github.com/acme/yaml    LICENSE          Apache-2.0
github.com/acme/yaml    LICENSE.libyaml  MIT
"""


def test_table(world):
    r = licenses(world)
    assert r.stdout == TABLE
    assert r.stderr == ""


def test_json(world):
    doc = json.loads(licenses(world, "-json").stdout)
    assert [(p["name"], p["license"], p["status"]) for p in doc] == [
        (A + "bsd", "BSD-3-Clause", "ok"), (A + "custom", "NOASSERTION", "unknown"), (A + "mitlib", "MIT", "ok"),
        (A + "none", "NOASSERTION", "missing"), (A + "yaml", "Apache-2.0 AND MIT", "ok")]
    assert doc[0]["files"] == [{"path": A + "bsd/pkg/LICENSE", "spdx_id": "BSD-3-Clause", "confidence": 100}]
    assert doc[1]["files"] == [{"path": A + "custom/LICENSE", "spdx_id": "", "confidence": 0}]
    assert doc[3]["files"] == []
    assert [(f["path"], f["spdx_id"]) for f in doc[4]["files"]] == [
        (A + "yaml/LICENSE", "Apache-2.0"), (A + "yaml/LICENSE.libyaml", "MIT")]
    assert all(75 <= f["confidence"] <= 100 for p in doc for f in p["files"] if f["spdx_id"])


@pytest.mark.parametrize("deny,hits", [
    ("GPL-3.0-only,AGPL-3.0-only", None),
    ("mit", f"{A}mitlib (MIT); {A}yaml (MIT)"),
    ("GPL-2.0-only OR Apache-2.0", f"{A}yaml (Apache-2.0)"),
    ("BSD-3-Clause,unknown", f"{A}bsd (BSD-3-Clause); {A}custom (unknown); {A}none (missing)"),
])
def test_deny(world, deny, hits):
    r = licenses(world, "-deny", deny, ok=hits is None)
    assert r.stdout.startswith("PROJECT")  # the report is printed either way
    assert r.stderr == ("" if hits is None else f"denied licences (-deny): {hits}\n")


def test_deny_unknown_id_is_one_line(world):
    r = licenses(world, "-deny", "MIT,Foo-1.0", ok=False)
    assert r.stdout == ""
    assert r.stderr == ("-deny 'Foo-1.0': Unknown license key(s): Foo-1.0 "
                        "(use SPDX licence ids, https://spdx.org/licenses/, or unknown)\n")


def test_arguments_are_refused(world):
    r = licenses(world, "extra", ok=False)
    assert r.stderr == "dep licenses takes no arguments\n"


def test_without_vendor_or_with_a_project_missing(world, tmp_path):
    project, env = world
    copy = tmp_path / "gopath/src" / APP
    shutil.copytree(project, copy, symlinks=True)
    env = dict(env, GOPATH=str(tmp_path / "gopath"), PWD=str(copy))
    shutil.rmtree(copy / "vendor" / A / "none")
    r = run_dep(copy, env, "licenses", ok=False)
    assert (r.stdout, r.stderr) == ("", f"vendor/ lacks {A}none from Gopkg.lock: run dep ensure -vendor-only\n")
    shutil.rmtree(copy / "vendor")
    r = run_dep(copy, env, "licenses", ok=False)
    assert (r.stdout, r.stderr) == ("", f"no vendor/ in {copy}: run dep ensure to write it "
                                        "(dep licenses reads the vendored licence files)\n")
