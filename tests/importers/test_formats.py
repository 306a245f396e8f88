"""Each tool's file format, what it maps to, and dep's notes (one test module for the seven
small importers; the shared conversion rules are in test_base.py)."""

import pytest

from dep.importers.base import ConfigImportError
from dep.importers.glide import GlideImporter
from dep.importers.glock import GlockImporter
from dep.importers.godep import GodepImporter
from dep.importers.govend import GovendImporter
from dep.importers.govendor import GovendorImporter
from dep.importers.gvt import GvtImporter
from dep.importers.vndr import VndrImporter

LIB = "github.com/acme/lib"
TOOL = "github.com/acme/tool"


def test_glide_yaml_and_lock(run_importer, upstream_repos):
    r = run_importer(GlideImporter, {
        "glide.yaml": (
            "package: example.com/other\nignore:\n- github.com/acme/ignored\nexcludeDirs:\n- samples\n- x/y/\n"
            "import:\n- package: github.com/acme/lib/sub\n  version: ^1.0.0\n  os: linux\n"
            "- package: github.com/acme/tool\n  repo: https://github.com/acme/tool\n"
            "testImport:\n- package: ''\n"),
        "glide.lock": (f"imports:\n- name: github.com/acme/lib\n  version: {upstream_repos.lib.rev('v1.1.0')}\n"
                       "testImports:\n- name: github.com/acme/tool\n  version: release-1\n")}, verbose=True)
    assert r.constraints() == {LIB: ("^1.0.0", "")}
    assert r.locked() == {LIB: ("v1.1.0", upstream_repos.lib.rev("v1.1.0"), ""),
                          TOOL: ("release-1", upstream_repos.tool.rev("release-1"), "")}
    assert r.manifest.ignored == ["github.com/acme/ignored", "example.com/app/samples", "example.com/app/x/y"]
    assert r.log[:6] == [
        "Detected glide configuration files...",
        f"  Loading {r.log[1].split()[-1]}",
        f"  Loading {r.log[2].split()[-1]}",
        "Converting from glide.yaml and glide.lock...",
        "  The github.com/acme/lib/sub package specified an os, but that isn't supported by dep yet, and "
        "will be ignored. See https://github.com/golang/dep/issues/291.",
        "  Warning: Skipping project. Invalid glide configuration, Name is required"]
    assert "  Glide thinks the package is 'example.com/other' but dep thinks it is 'example.com/app', using dep's value." in r.log


def test_glide_without_lock_keeps_no_range(run_importer):
    r = run_importer(GlideImporter, {"glide.yaml": "import:\n- package: github.com/acme/lib\n  version: dev\n"})
    assert r.constraints() == {LIB: ("dev", "")} and r.locked() == {}
    assert r.log[0:2] == ["Detected glide configuration files...", "Converting from glide.yaml..."]


def test_glide_bad_yaml_fails_but_bad_lock_is_only_a_warning(run_importer):
    with pytest.raises(ConfigImportError, match=r"^unable to parse .*/glide.yaml: yaml: line 2: "):
        run_importer(GlideImporter, {"glide.yaml": "'package: x\nimport:\n"})
    with pytest.raises(ConfigImportError, match=r"yaml: unmarshal errors:\n  line 1: cannot unmarshal "
                                                r"!!seq into string\n  line 2: cannot unmarshal !!str `x` "
                                                r"into \[\]glide.glidePackage$"):
        run_importer(GlideImporter, {"glide.yaml": "package: [a]\nimport: x\n"})
    r = run_importer(GlideImporter, {"glide.yaml": "import:\n- package: github.com/acme/lib\n",
                                     "glide.lock": "imports: {\n"})
    assert r.log[1].startswith("  Warning: Ignoring lock file. Unable to parse ")
    assert r.log[2] == "Converting from glide.yaml..."


def test_godep(run_importer, upstream_repos):
    rev = upstream_repos.lib.rev("v1.0.0")
    r = run_importer(GodepImporter, {"Godeps/Godeps.json": (
        '{"ImportPath": "example.com/app", "Packages": ["./...", "github.com/acme/tool"],\n'
        ' "Deps": [{"ImportPath": "github.com/acme/lib/sub", "Rev": "%s", "Comment": "v1.0.0"},\n'
        '          {"importpath": "github.com/acme/tool", "rev": ""}, {"Rev": "x"}]}' % rev)})
    assert r.constraints() == {LIB: ("^1.0.0", "")}
    assert r.locked() == {LIB: ("v1.0.0", rev, "")}
    assert r.manifest.required == ["github.com/acme/tool"]
    assert r.log[:3] == ["Detected godep configuration files...", "Converting from Godeps.json ...",
                         '  Warning: Invalid godep configuration, Rev not found for ImportPath "github.com/acme/tool"']


def test_godep_bad_json(run_importer):
    with pytest.raises(ConfigImportError, match=r"^unable to parse .*Godeps.json: json: cannot unmarshal number "
                                                r"into Go struct field godepPackage.Deps.Rev of type string$"):
        run_importer(GodepImporter, {"Godeps/Godeps.json": '{"Deps": [{"ImportPath": "a.com/b", "Rev": 1}]}'})
    with pytest.raises(ConfigImportError, match=r"^unable to parse .*Godeps.json: unexpected end of JSON input$"):
        run_importer(GodepImporter, {"Godeps/Godeps.json": '{"Deps": ['})


def test_vndr(run_importer, upstream_repos):
    rev = upstream_repos.lib.rev("v1.1.0")
    r = run_importer(VndrImporter, {"vendor.conf": (
        f"# comment\n\ngithub.com/acme/lib {rev}  # trailing\r\n"
        "github.com/acme/tool release-1 https://github.com/acme/lib\ntoo many fields here x\n")})
    assert r.constraints() == {LIB: ("^1.1.0", ""), TOOL: ("*", "https://github.com/acme/lib")}
    # the lock hint is looked up in the source given: lib has no tag release-1
    assert r.locked()[TOOL] == ("", "release-1", "https://github.com/acme/lib")
    assert r.log[:3] == ["Detected vndr configuration file...", "Converting from vendor.conf...",
                         '  Warning: Skipping line. Unable to parse: invalid config format: "too many fields here x"']


def test_govend(run_importer):
    r = run_importer(GovendImporter, {"vendor.yml": (
        "vendors:\n- path: github.com/acme/lib\n  rev: v1.0.0\n- path: github.com/acme/tool\n- rev: x\n")})
    assert r.constraints() == {LIB: ("^1.0.0", "")}
    assert r.log[:4] == [
        "Detected govend configuration files...", "Converting from vendor.yaml...",
        '  Warning: Skipping import with empty constraints. The solve step will add the dependency to the '
        'lock if needed: "github.com/acme/tool"',
        "  Warning: Skipping project. Invalid govend configuration, path is required"]


def test_gvt_branches(run_importer, upstream_repos):
    lib = upstream_repos.lib
    r = run_importer(GvtImporter, {"vendor/manifest": (
        '{"version": 0, "dependencies": [\n'
        f' {{"importpath": "github.com/acme/lib", "revision": "{lib.rev("v1.0.0")}", "branch": "HEAD",\n'
        '  "repository": "https://github.com/acme/lib"},\n'
        f' {{"importpath": "github.com/acme/tool", "revision": "{upstream_repos.tool.commits[1]}", "branch": "master"}}]}}')})
    # HEAD: the revision is the constraint hint, a revision constraint is pinned; master: no hint,
    # so the constraint comes from the lock (the master branch).
    assert r.constraints() == {TOOL: ("master", "")}
    assert r.locked()[LIB] == ("v1.0.0", lib.rev("v1.0.0"), "")
    assert r.log[:2] == ["Detected gb/gvt configuration files...", "Converting from vendor/manifest ..."]


def test_govendor_ignores(run_importer):
    r = run_importer(GovendorImporter, {"vendor/vendor.json": (
        '{"ignore": "test github.com/acme/other samples/ github.com/acme/x/", "package": [\n'
        ' {"path": "github.com/acme/lib/sub", "revision": "v1.0.0", "origin": "github.com/acme/lib/vendor/x"},\n'
        ' {"path": ""}]}')})
    assert r.constraints() == {LIB: ("^1.0.0", "")}
    # a trailing slash makes a path undeducible, so it is taken as relative to the project
    assert r.manifest.ignored == ["github.com/acme/other*", "example.com/app/samples*",
                                  "example.com/app/github.com/acme/x*"]
    assert r.log[:2] == ["Detected govendor configuration file...", "Converting from vendor.json..."]
    assert "  Warning: Skipping project. Invalid govendor configuration, Path is required" in r.log
    assert ("  Govendor was configured to ignore the test build tag, but that isn't supported by dep yet, "
            "and will be ignored. See https://github.com/golang/dep/issues/291.") in r.log


def test_glock(run_importer, upstream_repos):
    r = run_importer(GlockImporter, {"GLOCKFILE": (
        "cmd github.com/acme/tool/cmd\ngithub.com/acme/lib v1.1.0\n\nbad line here\n")})
    assert r.locked() == {LIB: ("v1.1.0", upstream_repos.lib.rev("v1.1.0"), "")}
    assert r.log[:3] == ["Detected glock configuration files...",
                         "  Warning: Skipping line. Unable to parse: invalid glock configuration: bad line here",
                         "Converting from GLOCKFILE ..."]
