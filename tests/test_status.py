"""Status rows and their spellings, without sources (the end-to-end runs are in tests/e2e)."""

import pytest

from dep.digest import parse_digest
from dep.lock import Lock, LockedProject, render_lock
from dep.manifest import Manifest, ProjectProperties
from dep.project import Project
from dep.prune import PruneOptions
from dep.status import (LOCK_TEMPLATE, Output, ProjectStatus, StatusResult, _project_status, format_constraint,
                        format_version, parse_template, render)
from dep.versions import ANY, Branch, Revision, parse_constraint, parse_version


@pytest.mark.parametrize("version, text", [
    (None, ""), (Branch("master"), "branch master"), (parse_version("1.0.0"), "1.0.0"),
    (Revision("flooboofoobooo"), "flooboo"),  # dep's TestStatusFormatVersion
])
def test_format_version(version, text):
    assert format_version(version) == text


def test_constraints_print_as_dep_does():
    assert format_constraint(parse_constraint("1.2.3")) == "^1.2.3"
    assert format_constraint(parse_constraint("=1.2.1")) == "1.2.1"
    assert format_constraint(Revision("ddeb6f5d27091ff291b16232e99076a64fb375b8")) == "ddeb6f5"
    assert format_constraint(ANY) == "*"


def _lp(name, version=None, revision="b78744579491c1ceeaaa3b40205e56b0591b93a3", **kw):
    return LockedProject(name, revision, version, **kw)


def _project(lock, manifest=None):
    return Project("/g/src/x.org/app", "/g/src/x.org/app", "x.org/app", "/g", manifest or Manifest(), lock)


def test_constraint_column():
    m = Manifest(constraints={"a.org/semver": ProjectProperties(constraint=parse_constraint("1.0.0")),
                              "a.org/rev": ProjectProperties(constraint=Revision("ddeb6f5d27091ff291b16232e99076a64fb375b8"))},
                 overrides={"a.org/ovr": ProjectProperties(constraint=parse_constraint("=0.8.1"))})
    project = _project(Lock(), m)
    rows = {lp.name: _project_status(project, lp, {"a.org/dep": [("a.org/x", Branch("master"))]}) for lp in [
        _lp("a.org/semver", parse_version("v1.1.0")),
        _lp("a.org/rev"),
        _lp("a.org/ovr", parse_version("v0.8.1")),  # an override shows the locked version
        _lp("a.org/trans", parse_version("v1.2.0")),  # as does a project no rule names
        _lp("a.org/dep"),  # a bare revision: what the dependers' manifests ask
        _lp("a.org/none", parse_version("foo")),
    ]}
    assert {k: st.constraint_text() for k, st in rows.items()} == {
        "a.org/semver": "^1.0.0", "a.org/rev": "ddeb6f5", "a.org/ovr": "v0.8.1 (override)",
        "a.org/trans": "v1.2.0", "a.org/dep": "branch master", "a.org/none": "*"}


def _akutz_lock():
    """The lock of dep's TestStatusDetailTemplates: a branch, a tag with two packages, a source."""
    digest = parse_digest("1:cbcdef1234")
    return Lock([
        _lp("github.com/akutz/one", Branch("master"), packages=["."], prune_opts=PruneOptions.UNUSED_PACKAGES
            | PruneOptions.GO_TESTS | PruneOptions.NESTED_VENDOR, digest=digest),
        _lp("github.com/akutz/two", parse_version("v1.0.0"), "12bd96e66386c1960ab0f74ced1362f66f552f7b",
            packages=[".", "helloworld"], prune_opts=PruneOptions.NON_GO | PruneOptions.UNUSED_PACKAGES
            | PruneOptions.GO_TESTS, digest=digest),
        _lp("github.com/akutz/three", Branch("feature/morning"), "890a5c3458b43e6104ff5da8dfa139d013d77544",
            source="https://github.com/mandy/three", packages=["a", "b", "c"], digest=digest),
    ], input_imports=["github.com/akutz/one", "github.com/akutz/three/a"])


@pytest.mark.parametrize("lock", [Lock(), _akutz_lock()])
def test_lock_output_is_the_lock_file(lock):
    out = Output("template", True, parse_template(LOCK_TEMPLATE))
    rows = [ProjectStatus(lp) for lp in sorted(lock.projects, key=LockedProject.sort_key)]  # as collect() gives
    assert render(out, _project(lock), StatusResult(rows=rows)) == render_lock(lock)


def test_toml_helpers():
    t = parse_template('{{tomlStrSplit .}}|{{tomlStrSplit2 . 2}}|{{dec 3}}')
    from dep.gotemplate import Slice

    assert t.execute(Slice("string", ["a", "b"])) == '[\n    "a",\n    "b",\n  ]|[\n      "a",\n      "b",\n    ]|2'
    assert t.execute(Slice("string", ["a"])) == '["a"]|["a"]|2'
    assert t.execute(Slice("string", [])) == "[]|[]|2"
