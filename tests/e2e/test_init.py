"""`dep init` end to end: real git upstreams under github.com names (a GIT_CONFIG_GLOBAL
``url.<base>.insteadOf`` rewrite, never the network), a real GOPATH project, real processes.

Upstreams:

* ``github.com/acme/util``: v1.0.0, v2.0.0 (same API).
* ``github.com/acme/lib``: v1.0.0 imports util; v1.1.0 adds a glide.yaml and a glide.lock
  pinning util at v1.0.0 (dep init reads a dependency's glide config during the solve).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from dep.manifest import EXAMPLE_TOML
from tests.gitrepos import git, make_repo

APP = "example.com/app"
LIB_GO = 'package lib\n\nimport "github.com/acme/util"\n\n// Name is used by the app.\nconst Name = "lib" + util.X\n'
MAIN_GO = ('package main\n\nimport (\n\t"fmt"\n\n\t"github.com/acme/lib"\n)\n\n'
           "func main() { fmt.Println(lib.Name) }\n")
PRUNE = "\n[prune]\n  go-tests = true\n  unused-packages = true\n"


@pytest.fixture(scope="module")
def upstreams(tmp_path_factory):
    base = tmp_path_factory.mktemp("up")
    util = make_repo(base / "util", [
        {"files": {"util.go": 'package util\n\n// X is used by lib.\nconst X = "1"\n'}, "tag": "v1.0.0"},
        {"files": {"util.go": 'package util\n\n// X is used by lib.\nconst X = "2"\n'}, "tag": "v2.0.0"},
    ])
    lib = make_repo(base / "lib", [
        {"files": {"lib.go": LIB_GO, "lib_test.go": "package lib\n"}, "tag": "v1.0.0"},
        {"files": {"glide.yaml": "package: github.com/acme/lib\nimport:\n- package: github.com/acme/util\n",
                   "glide.lock": f"imports:\n- name: github.com/acme/util\n  version: {util.rev('v1.0.0')}\n"},
         "tag": "v1.1.0"},
    ])
    return {"lib": lib, "util": util}


class Project:
    def __init__(self, tmp_path, upstreams) -> None:
        self.up = upstreams
        self.gopath = tmp_path / "gopath"
        self.dir = self.gopath / "src" / APP
        self.dir.mkdir(parents=True)
        (self.dir / "main.go").write_text(MAIN_GO)
        cfg = tmp_path / "gitconfig"
        cfg.write_text("".join(f'[url "{r.path}"]\n\tinsteadOf = https://github.com/acme/{n}\n'
                               for n, r in upstreams.items()))
        (tmp_path / "cache").mkdir()
        self.env = dict(os.environ, GOPATH=str(self.gopath), PWD=str(self.dir), GIT_CONFIG_GLOBAL=str(cfg),
                        DEPCACHEDIR=str(tmp_path / "cache"), GO111MODULE="off", GOFLAGS="")
        for k in ("DEPNOLOCK", "DEPCACHEAGE", "DEPPROJECTROOT"):
            self.env.pop(k, None)

    def dep(self, *args, ok: bool = True, cwd=None) -> subprocess.CompletedProcess:
        r = subprocess.run([sys.executable, "-m", "dep", *args], cwd=cwd or self.dir, env=self.env,
                           capture_output=True, text=True)
        assert "Traceback" not in r.stderr, r.stderr
        assert (r.returncode == 0) == ok, (r.returncode, r.stdout, r.stderr)
        return r

    def write(self, rel: str, text: str) -> None:
        path = self.dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def read(self, rel: str) -> str:
        return (self.dir / rel).read_text()

    def locked(self) -> dict[str, tuple[str, str]]:
        """root -> (version, revision) from the Gopkg.lock written."""
        from dep.lock import read_lock

        return {p.name: (str(p.version), p.revision) for p in read_lock(str(self.dir / "Gopkg.lock")).projects}


@pytest.fixture
def project(tmp_path, upstreams):
    return Project(tmp_path, upstreams)


def test_init_solves_writes_vendors_and_builds(project):
    r = project.dep("init", "-v")
    lib, util = project.up["lib"], project.up["util"]
    assert project.read("Gopkg.toml") == (EXAMPLE_TOML + '\n[[constraint]]\n  name = "github.com/acme/lib"\n'
                                          '  version = "1.1.0"\n' + PRUNE)
    # util is not a direct dependency: lib's glide.lock is what made v1.0.0 preferred over v2.0.0
    assert project.locked() == {"github.com/acme/lib": ("v1.1.0", lib.rev("v1.1.0")),
                                "github.com/acme/util": ("v1.0.0", util.rev("v1.0.0"))}
    assert r.stdout == "Getting direct dependencies...\nChecked 1 directories for packages.\nFound 1 direct dependencies.\n"
    assert "Importing configuration from glide. These are only initial constraints" in r.stderr
    assert f"  Using ^1.1.0 as constraint for direct dep github.com/acme/lib\n" in r.stderr
    assert f"  Locking in v1.0.0 ({util.rev('v1.0.0')[:7]}) for transitive dep github.com/acme/util\n" in r.stderr
    # go-tests and unused-packages are pruned by default, non-Go files are not
    assert sorted(os.listdir(project.dir / "vendor/github.com/acme/lib")) == ["glide.lock", "glide.yaml", "lib.go"]
    project.dep("check")
    if shutil.which("go"):
        b = subprocess.run(["go", "build", "-o", os.devnull, "."], cwd=project.dir, env=project.env,
                           capture_output=True, text=True)
        assert b.returncode == 0, b.stderr


def test_glide_import_keeps_its_lock_and_backs_up_vendor(project):
    lib = project.up["lib"]
    project.write("glide.yaml", "package: example.com/app\nimport:\n- package: github.com/acme/lib\n  version: ^1.0.0\n")
    project.write("glide.lock", f"imports:\n- name: github.com/acme/lib\n  version: {lib.rev('v1.0.0')}\n")
    project.write("vendor/github.com/old/x/x.go", "package x\n")
    r = project.dep("init", "-no-examples")
    assert project.read("Gopkg.toml") == '\n[[constraint]]\n  name = "github.com/acme/lib"\n  version = "1.0.0"\n' + PRUNE
    assert project.locked()["github.com/acme/lib"] == ("v1.0.0", lib.rev("v1.0.0"))
    backups = [n for n in os.listdir(project.dir) if n.startswith("_vendor-")]
    assert len(backups) == 1 and (project.dir / backups[0] / "github.com/old/x/x.go").is_file()
    assert f"Old vendor backed up to {project.dir / backups[0]}\n" in r.stderr
    assert not (project.dir / "vendor/github.com/old").exists()
    assert r.stderr.startswith("Importing configuration from glide. These are only initial constraints, and are "
                               "further refined during the solve process.\nDetected glide configuration files...\n")


@pytest.mark.parametrize("rel, text, name, problem", [
    ("glide.yaml", "'package: x\n", "glide", "yaml: line 1: found unexpected end of stream"),
    ("Godeps/Godeps.json", '{"Deps": [}', "godep", "invalid character '}' looking for beginning of value"),
])
def test_unusable_tool_config_is_warned_about_and_skipped(project, rel, text, name, problem):
    project.write(rel, text)
    r = project.dep("init", "-no-examples")
    path = project.dir / rel
    assert (f'Warning: Encountered an unrecoverable error while trying to import {name} config from '
            f'"{project.dir}": unable to parse {path}: {problem}\n') in r.stderr
    assert project.locked()["github.com/acme/lib"][0] == "v1.1.0"


def test_skip_tools_ignores_the_config_and_caches_first(project):
    project.write("glide.yaml", "'broken\n")
    r = project.dep("init", "-no-examples", "-skip-tools")
    assert r.stderr.startswith('Caching package "github.com/acme/lib"\nSuccessfully cached all deps.\n')
    assert "glide" not in r.stderr.split("Successfully cached all deps.")[0]


def test_gopath_mode_locks_the_checkout(project):
    lib = project.up["lib"]
    dest = project.gopath / "src/github.com/acme/lib"
    git(project.gopath, "clone", "-q", lib.path, str(dest))
    git(dest, "checkout", "-q", "v1.0.0")
    r = project.dep("init", "-no-examples", "-gopath")
    assert project.locked()["github.com/acme/lib"] == ("v1.0.0", lib.rev("v1.0.0"))
    assert project.read("Gopkg.toml").startswith('\n[[constraint]]\n  name = "github.com/acme/lib"\n  version = "1.0.0"\n')
    assert ("The following dependencies were not found in GOPATH:\n  github.com/acme/util\n\n"
            "The most recent version of these projects will be used.\n") in r.stderr
    # no glide config in lib v1.0.0, so nothing prefers util v1.0.0
    assert project.locked()["github.com/acme/util"][0] == "v2.0.0"


def test_existing_manifest_or_lock_aborts(project):
    project.write("Gopkg.toml", "")
    r = project.dep("init", ok=False)
    assert r.stderr == f"init aborted: manifest already exists at {project.dir / 'Gopkg.toml'}\n"
    os.remove(project.dir / "Gopkg.toml")
    project.write("Gopkg.lock", "")
    r = project.dep("init", ok=False)
    assert r.stderr == f"invalid aborted: lock already exists at {project.dir / 'Gopkg.lock'}\n"
    assert sorted(os.listdir(project.dir)) == ["Gopkg.lock", "main.go"]


def test_root_argument_and_argument_errors(project, tmp_path):
    sub = project.dir / "cmd" / "tool"
    sub.mkdir(parents=True)
    (sub / "main.go").write_text(MAIN_GO)
    project.dep("init", "-no-examples", "cmd/tool")
    assert (sub / "Gopkg.lock").is_file() and not (project.dir / "Gopkg.lock").exists()
    r = project.dep("init", "a", "b", ok=False)
    assert r.stderr == "too many args (2)\n"
    outside = tmp_path / "outside"
    r = project.dep("init", str(outside), ok=False)
    assert r.stderr == (f"init failed: unable to detect the containing GOPATH: {outside} is not within a known "
                        "GOPATH/src\n")


def test_undeducible_import_fails_before_anything_is_written(project):
    project.write("main.go", 'package main\n\nimport _ "github.com/acme"\n')
    r = project.dep("init", ok=False)
    assert r.stderr == ("init failed: unable to determine direct dependencies: github.com/acme is not a valid "
                        "path for a source on github.com\n")
    assert sorted(os.listdir(project.dir)) == ["main.go"]


def test_godep_required_package_that_cannot_be_deduced(project):
    project.write("Godeps/Godeps.json", '{"Packages": ["github.com/acme"]}')
    r = project.dep("init", ok=False)
    assert r.stderr.endswith(
        'The following errors occurred while deducing packages:\n'
        '  * "github.com/acme": github.com/acme is not a valid path for a source on github.com\n\n'
        "init failed: validation of solve parameters failed: validateParams: could not deduce external "
        "imports' project roots\n")


def test_malformed_go_file_is_named_and_left_out(project):
    project.write("bad/bad.go", 'package bad\n\nimport (\n\t"github.com/acme/util"\n\tfunc\n')
    r = project.dep("init", "-no-examples", "-skip-tools")
    assert "dep: WARNING: " in r.stderr and "(package example.com/app/bad left out of the import analysis)" in r.stderr
    assert "github.com/acme/util" not in project.read("Gopkg.toml")
