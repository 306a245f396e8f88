"""Picking the tool config to import, and init's solve-time view of a dependency."""

from dep.bridge import ProjectIdentifier
from dep.importers import AnalyzingBridge, import_tool_config
from dep.importers.base import DirFiles
from tests.gitrepos import make_repo

LIB = "github.com/acme/lib"


def run(tmp_path, sm, files, direct=frozenset({LIB})):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    notes, log = [], []
    manifest, lock = import_tool_config(DirFiles(str(tmp_path)), "example.com/app", sm, set(direct),
                                        notes.append, log.append, False)
    return manifest, lock, notes, log


def test_first_config_in_dep_order_wins_and_only_direct_constraints_stay(tmp_path, sm):
    manifest, lock, notes, log = run(tmp_path, sm, {
        "GLOCKFILE": "github.com/acme/tool release-1\n",
        "vendor.conf": "github.com/acme/lib v1.0.0\ngithub.com/acme/tool release-1 https://github.com/acme/lib\n"})
    assert notes == ["Importing configuration from vndr. These are only initial constraints, and are further "
                     "refined during the solve process."]
    assert list(manifest.constraints) == [LIB]  # tool's source-only rule is not a direct dependency's
    assert [p.name for p in lock.projects] == [LIB, "github.com/acme/tool"]


def test_no_config_and_unusable_config(tmp_path, sm):
    manifest, lock, notes, _ = run(tmp_path / "none", sm, {"main.go": "package main\n"})
    assert (manifest.constraints, lock, notes) == ({}, None, [])
    manifest, lock, notes, _ = run(tmp_path / "bad", sm, {"vendor/vendor.json": "{"})
    assert (manifest.constraints, lock) == ({}, None)
    assert notes[1] == (f'Warning: Encountered an unrecoverable error while trying to import govendor config from '
                        f'"{tmp_path / "bad"}": unable to parse {tmp_path / "bad/vendor/vendor.json"}: '
                        "unexpected end of JSON input")


def test_dependency_rules_come_from_gopkg_toml_else_its_tool_config(sm, tmp_path):
    from dep.versions import Revision

    repo = make_repo(tmp_path / "withcfg", [
        {"files": {"w.go": "package w\n"}},
        {"files": {"glide.yaml": f"import:\n- package: {LIB}\n  version: dev\n"
                                 "- package: github.com/acme/other\n  version: dev\n",
                   "glide.lock": f"imports:\n- name: {LIB}\n  version: v1.0.0\n"}},
        {"files": {"Gopkg.toml": f'[[constraint]]\n  name = "{LIB}"\n  version = "1.1.0"\n', "Gopkg.lock": ""}},
    ])
    with open(tmp_path / "gitconfig", "a") as f:
        f.write(f'[url "{repo.path}"]\n\tinsteadOf = https://github.com/acme/withcfg\n')
    plain, glide, dep = (Revision(c) for c in repo.commits)
    notes = []
    bridge = AnalyzingBridge(sm, {LIB}, notes.append, False)
    pid = ProjectIdentifier("github.com/acme/withcfg")
    assert bridge.get_manifest_and_lock(pid, plain) == ({}, None)
    constraints, lock = bridge.get_manifest_and_lock(pid, glide)
    # only the root's direct dependencies keep their constraints; the lock suggests versions
    assert {n: str(pp.constraint) for n, pp in constraints.items()} == {LIB: "dev"}
    assert [(p.name, str(p.version)) for p in lock.projects] == [(LIB, "v1.0.0")]
    assert notes == ["Importing configuration from glide. These are only initial constraints, and are further "
                     "refined during the solve process."]
    constraints, lock = bridge.get_manifest_and_lock(pid, dep)
    assert {n: str(pp.constraint) for n, pp in constraints.items()} == {LIB: "^1.1.0"} and lock is None
    bridge.get_manifest_and_lock(pid, glide)
    assert len(notes) == 1  # analysed once per revision
