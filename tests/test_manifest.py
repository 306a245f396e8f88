"""Gopkg.toml reading, validation, rendering and edits.

Expected texts marked "dep:" were produced by the real dep v0.5.4 binary (``dep check`` on the
given Gopkg.toml); fixtures/manifests/ holds files written by ``dep init`` / ``dep ensure -add``
(run offline against local git repositories standing in for github.com).
"""

from __future__ import annotations

import os
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dep.errors import ManifestError
from dep.manifest import (
    ANY,
    EXAMPLE_TOML,
    Manifest,
    ProjectProperties,
    add_constraint,
    add_required,
    append_constraints_text,
    parse_manifest,
    properties_from_version,
    read_manifest,
    remove_constraint,
    render_manifest,
    required_ignored_conflict,
    set_prune,
)
from dep.prune import CascadingPruneOptions, PruneOptions
from dep.versions import (
    Branch,
    PairedVersion,
    PlainVersion,
    Revision,
    constraint_from_rule,
    parse_version,
)

P = "/tmp/mx/src/example.com/p/Gopkg.toml"
FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "manifests")
V, U, N, T = (PruneOptions.NESTED_VENDOR, PruneOptions.UNUSED_PACKAGES, PruneOptions.NON_GO,
              PruneOptions.GO_TESTS)


def fixture(name: str) -> str:
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return f.read()


def outcome(text: str) -> tuple[list[str], str | None]:
    """(warnings, error message or None) — what dep would print."""
    try:
        _, warns = parse_manifest(text, P)
        return warns, None
    except ManifestError as e:
        return e.warnings, str(e)


VALIDATION = f"error while parsing {P}: manifest validation failed: "
UNMARSHAL = f"error while parsing {P}: unable to parse the manifest as TOML: "
CONVERT = f"error while parsing {P}: "


# --------------------------------------------------------------------------------------------
# Warnings (dep: each verified with dep check)

WARNING_CASES = [
    ("foo = 1\n", ["unknown field in manifest: foo"]),
    ('metadata = "x"\n', ["metadata should be a TOML table"]),
    ("[[metadata]]\na = 1\n", ["metadata should be a TOML table"]),
    ('[[constraint]]\nname = "a"\nversion = "1.0.0"\nmetadata = 1\n',
     ['metadata in "constraint" should be a TOML table']),
    ('[[override]]\nname = "a"\nversion = "1.0.0"\nmetadata = 1\n',
     ['metadata in "override" should be a TOML table']),
    ('[[constraint]]\nname = "a"\nversion = "1.0.0"\nfoo = 1\n', ['invalid key "foo" in "constraint"']),
    ('[[override]]\nname = "a"\nfoo = 1\n', ['invalid key "foo" in "override"']),
    ('[[constraint]]\nname = "a"\nrevision = "abcdef1"\n',
     ['revision "abcdef1" should not be in abbreviated form']),
    ('[[constraint]]\nname = "a"\nrevision = "abcdef123456"\n',
     ['revision "abcdef123456" should not be in abbreviated form']),
    ('[[constraint]]\nname = "a"\nrevision = "abcdef12"\n', []),
    ('[[constraint]]\nname = "a"\nrevision = "ABCDEF1"\n', []),
    ('[[constraint]]\nname = "a"\nrevision = "abcdef1\\n"\n', []),  # Go's $ is end of text
    ('[[constraint]]\nversion = "1.0.0"\n', ["no name provided"]),
    ('[[constraint]]\nname = "a"\n', ['branch, version, revision, or source should be provided for "a"']),
    ('[[constraint]]\nname = "a"\nsource = "b"\n', []),
    ('[[override]]\nname = "a"\n', []),
    ('[prune]\nname = "x"\n', ['"prune" should not include a name']),
    ("[prune]\nfoo = 1\n", ['unknown field "foo" in "prune"']),
    ('[prune]\n[[prune.project]]\nname = "a"\nfoo = 1\n', ['unknown field "foo" in "prune.project"']),
    ("metadata = {}\n", []),
    ('[[constraint]]\nname = "a"\nversion = "1.0.0"\n[constraint.metadata]\nx = 1\n', []),
    ("[prune]\n[[prune.project]]\ngo-tests = true\n", []),
    ('[[constraint]]\n  NAME = "x"\n  version = "1.0.0"\n', ['invalid key "NAME" in "constraint"', "no name provided"]),
    ('[[constraint]]\nname = "a\\"b\\u00e9\\u200b"\n',
     ['branch, version, revision, or source should be provided for "a\\"bé\\u200b"']),
    ("x = 0xff\ny = inf\nz = nan\nw = 0o17\nv = 0b1\n", [f"unknown field in manifest: {k}" for k in "xyzwv"]),
    ("required = []\nignored = []\nnoverify = []\n", []),
    ("[metadata]\na = 1\n[metadata.b]\nc = 2\n", []),
]


@pytest.mark.parametrize("text,expected", WARNING_CASES)
def test_warnings(text, expected):
    warns, err = outcome(text)
    assert err is None
    assert warns == expected


def test_redundant_prune_warnings():
    # dep: both printed (map order is random in dep; within a project: unused-packages, non-go, go-tests)
    text = ('[prune]\ngo-tests = true\n[[prune.project]]\nname = "a"\ngo-tests = true\nnon-go = false\n'
            'unused-packages = true\n')
    warns, err = outcome(text)
    assert err is None
    assert warns == ['redundant prune option "non-go" set for "a"', 'redundant prune option "go-tests" set for "a"']

    text = ('[prune]\nnon-go = true\nunused-packages = true\n[[prune.project]]\nname = "a"\nnon-go = true\n'
            'unused-packages = false\ngo-tests = false\n[[prune.project]]\nname = "b"\nunused-packages = true\n')
    warns, _ = outcome(text)
    assert warns == ['redundant prune option "non-go" set for "a"', 'redundant prune option "go-tests" set for "a"',
                     'redundant prune option "unused-packages" set for "b"']


def test_many_warnings_in_document_order():
    text = ('foo = 1\nmetadata = 2\n[[constraint]]\nname = "a"\nrevision = "abcdef1"\nbar = 1\n[[override]]\n'
            'baz = 2\nversion = "1.0"\n[prune]\nname = "x"\ngo-tests = true\n[[prune.project]]\nname = "a"\n'
            'go-tests = true\n')
    warns, err = outcome(text)
    assert err is None
    assert warns == [
        "unknown field in manifest: foo",
        "metadata should be a TOML table",
        'revision "abcdef1" should not be in abbreviated form',
        'invalid key "bar" in "constraint"',
        'invalid key "baz" in "override"',
        "no name provided",
        '"prune" should not include a name',
        'redundant prune option "go-tests" set for "a"',
    ]


# --------------------------------------------------------------------------------------------
# Errors (dep: exact texts)

ERROR_CASES = [
    ('constraint = "x"\n', VALIDATION + '"constraint" must be a TOML array of tables'),
    ('[constraint]\nname = "x"\n', VALIDATION + '"constraint" must be a TOML array of tables'),
    ("constraint = [1]\n", VALIDATION + '"constraint" must be a TOML array of tables'),
    ("constraint = [[1]]\n", VALIDATION + '"constraint" must be a TOML array of tables'),
    ('override = "x"\n', VALIDATION + '"override" must be a TOML array of tables'),
    ('override = {name = "a"}\n', VALIDATION + '"override" must be a TOML array of tables'),
    ('required = "x"\n', VALIDATION + '"required" must be a TOML list of strings'),
    ("required = [1]\n", VALIDATION + '"required" must be a TOML list of strings'),
    ('ignored = [["a"]]\n', VALIDATION + '"ignored" must be a TOML list of strings'),
    ("[noverify]\na = 1\n", VALIDATION + '"noverify" must be a TOML list of strings'),
    ("required = 1\nignored = 2\n", VALIDATION + '"required" must be a TOML list of strings'),
    ("[prune]\ngo-tests = false\n", VALIDATION + "root prune options must be omitted instead of being set to false"),
    ("[prune]\ngo-tests = 1\n", VALIDATION + "prune options values must be booleans"),
    ("prune = 1\n", VALIDATION + '"prune" must be a TOML table of booleans'),
    ("[[prune]]\ngo-tests = true\n", VALIDATION + '"prune" must be a TOML table of booleans'),
    ("[prune]\n[[prune.project]]\nname = 1\n", VALIDATION + '"name" in "prune.project" must be a string'),
    ('[prune]\n[[prune.project]]\nname = "a"\nproject = []\n',
     VALIDATION + "prune projects should not contain sub projects"),
    ("[prune]\nproject = 1\n", VALIDATION + '"prune.project" must be a TOML array of tables'),
    ('[prune.project]\nname = "a"\n', VALIDATION + '"prune.project" must be a TOML array of tables'),
    ("[prune]\nproject = [1]\n", VALIDATION + '"prune" must be a TOML table of booleans'),
    ('[prune]\n[[prune.project]]\nname = "a"\nnon-go = "yes"\n', VALIDATION + "prune options values must be booleans"),
    ('[[constraint]]\nname = "a"\nversion = "1.0.0"\nbranch = "master"\n',
     CONVERT + "multiple constraints specified for a, can only specify one"),
    ('[[constraint]]\nname = "a"\nversion = "1.0.0"\nrevision = "abc"\n',
     CONVERT + "multiple constraints specified for a, can only specify one"),
    ('[[override]]\nname = "a"\nbranch = "x"\nrevision = "abc"\n',
     CONVERT + "multiple constraints specified for a, can only specify one"),
    ('[[constraint]]\nname = "a"\nversion = "1.0.0"\n[[constraint]]\nname = "a"\nbranch = "x"\n',
     CONVERT + "multiple dependencies specified for a, can only specify one"),
    ('[[override]]\nname = "a"\nversion = "1.0.0"\n[[override]]\nname = "a"\nbranch = "x"\n',
     CONVERT + "multiple overrides specified for a, can only specify one"),
    ('[[constraint]]\nversion = "1.0.0"\n[[constraint]]\nbranch = "x"\n',
     CONVERT + "multiple dependencies specified for , can only specify one"),
    # constraint = [] panics in dep (index out of range); we refuse it cleanly.
    ("constraint = []\n", VALIDATION + '"constraint" must be a TOML array of tables'),
    ("override = []\n", VALIDATION + '"override" must be a TOML array of tables'),
]


@pytest.mark.parametrize("text,expected", ERROR_CASES)
def test_errors(text, expected):
    _, err = outcome(text)
    assert err == expected


def test_warnings_survive_an_error():
    # dep prints the warnings gathered before the error, then the error
    warns, err = outcome("foo = 1\n[prune]\nbar = 1\nname = \"x\"\nnon-go = false\n")
    assert warns == ["unknown field in manifest: foo", 'unknown field "bar" in "prune"', '"prune" should not include a name']
    assert err == VALIDATION + "root prune options must be omitted instead of being set to false"


def test_prune_project_error_drops_prune_warnings():
    # dep's validatePruneOptions returns nil warnings on an error inside prune.project
    warns, err = outcome('top = 1\n[prune]\nfoo = 1\n[[prune.project]]\nname = "a"\nbar = 1\n[[prune.project]]\nname = 2\n')
    assert warns == ["unknown field in manifest: top"]
    assert err == VALIDATION + '"name" in "prune.project" must be a string'


# --------------------------------------------------------------------------------------------
# go-toml unmarshal (type) errors — never a traceback (dep: all texts)

TYPE_CASES = [
    ('[[constraint]]\n  name = 5\n  version = "1.0.0"\n\nfoo = 1\n',
     ['invalid key "foo" in "constraint"'], UNMARSHAL + "(2, 3): Can't convert 5(int64) to string"),
    ('[[constraint]]\nname = "a"\nversion = 1\n', [], UNMARSHAL + "(3, 1): Can't convert 1(int64) to string"),
    ('[[constraint]]\nname = "a"\nversion = -3\n', [], UNMARSHAL + "(3, 1): Can't convert -3(int64) to string"),
    ('[[constraint]]\nname = "a"\nversion = 1e10\n', [], UNMARSHAL + "(3, 1): Can't convert 1e+10(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = 0.1\n', [], UNMARSHAL + "(3, 1): Can't convert 0.1(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = 123456789012345678901234.0\n', [],
     UNMARSHAL + "(3, 1): Can't convert 1.2345678901234569e+23(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = 1e-5\n', [], UNMARSHAL + "(3, 1): Can't convert 1e-05(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = -0.0\n', [], UNMARSHAL + "(3, 1): Can't convert -0(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = true\n', [], UNMARSHAL + "(3, 1): Can't convert true(bool) to string"),
    ('[[constraint]]\nname = "a"\nversion = ["a", "b"]\n', [],
     UNMARSHAL + "(3, 1): Can't convert [a b]([]interface {}) to a slice"),
    ('[[constraint]]\nname = "a"\nversion = [[1, 2], [true]]\n', [],
     UNMARSHAL + "(3, 1): Can't convert [[1 2] [true]]([]interface {}) to a slice"),
    ('[[constraint]]\nname = "a"\nversion = {a = 1}\n', [],
     UNMARSHAL + "(0, 0): Can't convert a = 1\n(*toml.Tree) to a tree"),
    ('[[constraint]]\nname = "a"\nversion = {b = "x", a = [1, 2], c = {d = 1}}\n', [],
     UNMARSHAL + "(0, 0): Can't convert a = [1,2]\nb = \"x\"\n\n[c]\n  d = 1\n(*toml.Tree) to a tree"),
    ('[[constraint]]\nname = "a"\nversion = [{a = 1}]\n', [],
     UNMARSHAL + "(0, 0): Can't convert [a = 1\n]([]*toml.Tree) to trees"),
    ('[[constraint]]\nname = "a"\nversion = 1979-05-27T07:32:00Z\n', [],
     UNMARSHAL + "(3, 1): Can't convert 1979-05-27 07:32:00 +0000 UTC(time.Time) to string"),
    ('[[constraint]]\nname = "a"\nversion = 1979-05-27T07:32:00.5-07:00\n', [],
     UNMARSHAL + "(3, 1): Can't convert 1979-05-27 07:32:00.5 -0700 -0700(time.Time) to string"),
    ("constraint = [{name = 5}]\n", ["branch, version, revision, or source should be provided for '\\x05'"],
     UNMARSHAL + "(0, 0): Can't convert 5(int64) to string"),
    ('constraint = [\n  {name = "a", version = "1.0.0"},\n  {name = 5, version = "1.0.0"},\n]\n', [],
     UNMARSHAL + "(0, 0): Can't convert 5(int64) to string"),
    ('[[constraint]]\n  "name" = 5\n', ["branch, version, revision, or source should be provided for '\\x05'"],
     UNMARSHAL + "(2, 3): Can't convert 5(int64) to string"),
    ('[[constraint]]\n  NAME = 1\n  version = "1.0.0"\n', ['invalid key "NAME" in "constraint"', "no name provided"],
     UNMARSHAL + "(2, 3): Can't convert 1(int64) to string"),
    ("REQUIRED = [1]\n", ["unknown field in manifest: REQUIRED"], UNMARSHAL + "(1, 1): Can't convert 1(int64) to string"),
    ("PRUNE = 1\n", ["unknown field in manifest: PRUNE"],
     UNMARSHAL + "(1, 1): Can't convert 1(int64) to dep.rawPruneOptions"),
    ("[prune]\nprojects = [{a = 1}]\n", ['unknown field "projects" in "prune"'],
     UNMARSHAL + "(0, 0): Can't convert 1(int64) to interface {}(interface)"),
    ("[prune]\nGO-TESTS = 1\n", ['unknown field "GO-TESTS" in "prune"'],
     UNMARSHAL + "(2, 1): Can't convert 1(int64) to bool"),
    ("[[constraint]]\nname = 5\n", ["branch, version, revision, or source should be provided for '\\x05'"],
     UNMARSHAL + "(2, 1): Can't convert 5(int64) to string"),
    ("[[constraint]]\r\nname = 5\r\n", ["branch, version, revision, or source should be provided for '\\x05'"],
     UNMARSHAL + "(2, 1): Can't convert 5(int64) to string"),
    ('[[override]]\nname = "a"\nversion = "1.0.0"\n[[override]]\nname = "b"\n  branch = false\n', [],
     UNMARSHAL + "(6, 3): Can't convert false(bool) to string"),
    ('[[constraint]]\nname = "a"\nversion = 9223372036854775807\n', [],
     UNMARSHAL + "(3, 1): Can't convert 9223372036854775807(int64) to string"),
    ('[[constraint]]\nname = "a"\nversion = 1e6\n', [], UNMARSHAL + "(3, 1): Can't convert 1e+06(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = 123456.0\n', [], UNMARSHAL + "(3, 1): Can't convert 123456(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = inf\n', [], UNMARSHAL + "(3, 1): Can't convert +Inf(float64) to string"),
    ('[[constraint]]\nname = "a"\nversion = nan\n', [], UNMARSHAL + "(3, 1): Can't convert NaN(float64) to string"),
    ('[[constraint]]\nname = "a"\n[constraint.version]\nx = 1\n', [],
     UNMARSHAL + "(3, 1): Can't convert x = 1\n(*toml.Tree) to a tree"),
    # go-toml stops at the first of "go-tests"/"GO-TESTS" present
    ("prune = {go-tests = true, GO-TESTS = 1}\n", ['unknown field "GO-TESTS" in "prune"'], None),
    ("prune = {GO-TESTS = 1}\n", ['unknown field "GO-TESTS" in "prune"'],
     UNMARSHAL + "(0, 0): Can't convert 1(int64) to bool"),
    ("[[constraint]]\nname = true\n", ["branch, version, revision, or source should be provided for %!q(bool=true)"],
     UNMARSHAL + "(2, 1): Can't convert true(bool) to string"),
    ("CONSTRAINT = []\n", ["unknown field in manifest: CONSTRAINT"],
     UNMARSHAL + "(1, 1): Can't convert []([]interface {}) to a slice"),
    ("Constraint = 1\n", ["unknown field in manifest: Constraint"], None),
]


@pytest.mark.parametrize("text,warnings,error", TYPE_CASES)
def test_type_errors(text, warnings, error):
    warns, err = outcome(text)
    assert err == error
    assert warns == warnings


def test_upper_case_keys_are_read_like_go_toml():
    # go-toml tries "name" then "NAME": dep warns but still uses the value
    m, warns = parse_manifest('[[constraint]]\n  NAME = "x"\n  version = "1.0.0"\n', P)
    assert list(m.constraints) == ["x"]
    m, _ = parse_manifest('[[constraint]]\nNAME = "x"\nname = "y"\nversion = "1.0.0"\n', P)
    assert list(m.constraints) == ["y"]
    m, _ = parse_manifest('REQUIRED = ["a"]\n', P)
    assert m.required == ["a"]


# --------------------------------------------------------------------------------------------
# TOML syntax errors and what go-toml (TOML 0.4) refuses

def test_syntax_error_shape():
    _, err = outcome("foo = \n")
    assert err.startswith(VALIDATION + "unable to load TomlTree from string: (1, 7): ")
    assert "\n" not in err
    _, err = outcome('a = "abc')
    assert err.startswith(VALIDATION + "unable to load TomlTree from string: (1, 9): ")
    _, err = outcome("[[constraint]\nname = \"a\"\n")
    assert err.startswith(VALIDATION + "unable to load TomlTree from string: (1, 13): ")


GO_TOML_CASES = [
    ('required = ["a", 1]\n', "(1, 18): mixed types in array"),
    ("x = [1, 1.0]\n", "(1, 9): mixed types in array"),
    ('x = [[1, "a"]]\n', "(1, 11): mixed types in array"),
    ("x = [1, \"a\"]\n", "(1, 10): mixed types in array"),
    ("x = [{a = 1}, 2]\n", "(1, 15): mixed types in array"),
    ('required = [\n  "a",\n  # comment\n  2,\n]\n', "(4, 3): mixed types in array"),
    ('[[constraint]]\nname = "a"\nversion = "1.0.0"\nx = [true, 1]\n', "(4, 12): mixed types in array"),
    ("x = 1979-05-27\n", "(1, 9): unexpected token"),
    ("x = 1979-05-27T07:32:00\n", "(1, 9): unexpected token"),
    ("x = 07:32:00\n", "(1, 7): unexpected token"),
    ("x = 1979-05-27 07:32:00Z\n", "(1, 9): unexpected token"),
    ("a.b = 1\n", "(1, 1): unexpected token"),
    ('"a".b = 1\n', "(1, 1): unexpected token"),
    ('[[constraint]]\n  name = "a"\n  metadata.x = 1\n', "(3, 3): unexpected token"),
    ("x = {a.b = 1}\n", "(1, 6): unexpected token type in inline table: keys cannot contain . character"),
]


@pytest.mark.parametrize("text,tail", GO_TOML_CASES)
def test_go_toml_rejections(text, tail):
    _, err = outcome(text)
    assert err == VALIDATION + "unable to load TomlTree from string: " + tail


@pytest.mark.parametrize("text", [
    'x = [[1], ["a"]]\n', "x = [1.5, 2.5]\n", '"a.b" = 1\n', "x = 1979-05-27T07:32:00.123Z\n",
    'x = """\na.b = 1\n"""\n', "x = ['a.b', 'c']\n",
])
def test_go_toml_accepts(text):
    warns, err = outcome(text)
    assert err is None


# --------------------------------------------------------------------------------------------
# Rule interpretation

def test_rule_interpretation():
    text = """
required = ["github.com/a/b/cmd/x", "github.com/c/d"]
ignored = ["github.com/e/f*"]
noverify = ["github.com/g/h"]

[[constraint]]
  name = "github.com/p/semver"
  version = "1.2.0"

[[constraint]]
  name = "github.com/p/tilde"
  version = "~1.2.0"

[[constraint]]
  name = "github.com/p/plain"
  version = "~>1.2"

[[constraint]]
  name = "github.com/p/four"
  version = "1.2.3.4"

[[constraint]]
  name = "github.com/p/branch"
  branch = "master"

[[constraint]]
  name = "github.com/p/rev"
  revision = "527ec5a2465b827d29de231df2e7fe77dca8a7d0"

[[constraint]]
  name = "github.com/p/src"
  source = "https://example.com/fork.git"

[[constraint]]
  name = "github.com/p/empty"
  version = ""
  branch = ""

[[override]]
  name = "github.com/o/any"

[[override]]
  name = "github.com/o/exact"
  version = "=1.0.0"
  source = "github.com/fork/exact"
"""
    m, warns = parse_manifest(text, P)
    assert warns == []
    assert m.required == ["github.com/a/b/cmd/x", "github.com/c/d"]
    assert m.ignored == ["github.com/e/f*"]
    assert m.noverify == ["github.com/g/h"]
    c = m.constraints
    assert str(c["github.com/p/semver"].constraint) == "^1.2.0"
    assert str(c["github.com/p/tilde"].constraint) == "~1.2.0"
    assert c["github.com/p/plain"].constraint == PlainVersion("~>1.2")
    assert c["github.com/p/four"].constraint == PlainVersion("1.2.3.4")
    assert c["github.com/p/branch"].constraint == Branch("master")
    assert c["github.com/p/rev"].constraint == Revision("527ec5a2465b827d29de231df2e7fe77dca8a7d0")
    assert c["github.com/p/src"] == ProjectProperties(source="https://example.com/fork.git", constraint=ANY)
    assert c["github.com/p/empty"].constraint is ANY
    assert m.overrides["github.com/o/any"] == ProjectProperties("", ANY)
    assert m.overrides["github.com/o/exact"].source == "github.com/fork/exact"
    assert str(m.overrides["github.com/o/exact"].constraint) == "1.0.0"
    assert m.has_constraints_on("github.com/o/any") and m.has_constraints_on("github.com/p/rev")
    assert not m.has_constraints_on("github.com/x")
    assert m.required_packages() == {"github.com/a/b/cmd/x", "github.com/c/d"}
    assert m.prune.default == V
    assert m.prune.per_project == {}


def test_empty_manifest():
    m, warns = parse_manifest("", P)
    assert warns == [] and m == Manifest()
    assert m.prune.options_for("x") == V


# --------------------------------------------------------------------------------------------
# Prune

def test_prune_cascading():
    text = """
[prune]
  go-tests = true
  unused-packages = true

  [[prune.project]]
    name = "github.com/a/a"
    unused-packages = false
    non-go = true

  [[prune.project]]
    name = "github.com/b/b"
"""
    m, warns = parse_manifest(text, P)
    assert warns == []
    assert m.prune.default == V | T | U
    assert m.prune.per_project == {"github.com/a/a": {U: False, N: True}, "github.com/b/b": {}}
    assert m.prune.options_for("github.com/a/a") == V | T | N
    assert m.prune.options_for("github.com/b/b") == V | T | U
    assert m.prune.options_for("github.com/c/c") == V | T | U


def test_prune_project_without_name_and_duplicates():
    m, _ = parse_manifest("[prune]\n[[prune.project]]\ngo-tests = true\n", P)
    assert m.prune.per_project == {"": {T: True}}
    text = ('[prune]\ngo-tests = true\n[[prune.project]]\nname = "a"\ngo-tests = false\n'
            '[[prune.project]]\nname = "a"\ngo-tests = true\n')
    m, warns = parse_manifest(text, P)  # dep: the later entry wins and is redundant
    assert m.prune.per_project == {"a": {T: True}}
    assert warns == ['redundant prune option "go-tests" set for "a"']


def test_inline_prune():
    m, warns = parse_manifest("prune = {non-go = true}\n", P)
    assert warns == [] and m.prune.default == V | N


# --------------------------------------------------------------------------------------------
# Rendering (byte-exact against files dep wrote)

INIT_PRUNE = CascadingPruneOptions(default=V | T | U)


def test_render_init_empty_project():
    m = Manifest(prune=INIT_PRUNE)
    assert render_manifest(m) == fixture("init-no-examples.toml") == "\n[prune]\n  go-tests = true\n  unused-packages = true\n"
    assert render_manifest(m, examples=True) == fixture("init-examples.toml")
    assert fixture("init-examples.toml").startswith(EXAMPLE_TOML)


def test_render_init_with_dependencies():
    rev = Revision("c7ee3eb")
    m = Manifest(prune=INIT_PRUNE, constraints={
        "github.com/sdboyer/deptest3": properties_from_version(PairedVersion(Branch("master"), rev)),
        "github.com/sdboyer/deptest2": properties_from_version(PairedVersion(parse_version("v2.0.0"), rev)),
        "github.com/sdboyer/deptest": properties_from_version(PairedVersion(parse_version("v0.8.1"), rev)),
    })
    assert render_manifest(m) == fixture("init-three-deps.toml")


def test_render_reference_example():
    m = Manifest(prune=INIT_PRUNE, constraints={
        "github.com/sdboyer/deptest": ProjectProperties("", constraint_from_rule(version="0.8.1"))})
    assert render_manifest(m) == ('\n[[constraint]]\n  name = "github.com/sdboyer/deptest"\n  version = "0.8.1"\n\n'
                                  '[prune]\n  go-tests = true\n  unused-packages = true\n')


def test_render_ignored_sorted_and_escaped():
    m = Manifest(prune=INIT_PRUNE, ignored=["github.com/zz/pkg", "github.com/a/pkg", 'github.com/q"uote\ttab'],
                 constraints={"github.com/sdboyer/deptest": ProjectProperties("", constraint_from_rule(version="v0.8.1"))})
    assert render_manifest(m) == fixture("init-glide-ignored.toml")
    m.ignored = ["github.com/é\x01x"]
    assert render_manifest(m, examples=True) == fixture("init-glide-examples-one-ignored.toml")


def test_append_constraints_for_ensure_add():
    before = fixture("init-three-deps.toml")
    added = {
        "github.com/zzz/deptest2": ProjectProperties("", PlainVersion("foo-release")),
        "github.com/zzz/deptest4": ProjectProperties("", Revision("527ec5a2465b827d29de231df2e7fe77dca8a7d0")),
        "github.com/zzz/deptest3": ProjectProperties("", Branch("dev")),
        "github.com/zzz/deptest": ProjectProperties("github.com/sdboyer/deptest", constraint_from_rule(version="=0.8.0")),
    }
    text = append_constraints_text(added)
    assert text == fixture("ensure-add-rules.txt")
    m, warns = parse_manifest(before + text, P)
    assert warns == [] and len(m.constraints) == 7

    rev = Revision("527ec5a2465b827d29de231df2e7fe77dca8a7d0")
    derived = {
        "github.com/zzz/deptest5": properties_from_version(PairedVersion(parse_version("v1.2.3"), rev)),
        "github.com/zzz/deptest6": ProjectProperties("", constraint_from_rule(version="~0.8.0")),
        "github.com/zzz/deptest7": ProjectProperties("", constraint_from_rule(version="v0.8.0")),
    }
    assert append_constraints_text(derived) == fixture("ensure-add-derived.txt")
    assert append_constraints_text({}) == ""


def test_properties_from_version():
    rev = Revision("527ec5a2465b827d29de231df2e7fe77dca8a7d0")
    assert properties_from_version(rev, "src") == ProjectProperties("src", None)
    assert properties_from_version(PairedVersion(Branch("dev"), rev)).constraint == Branch("dev")
    assert properties_from_version(PlainVersion("foo")).constraint == PlainVersion("foo")
    assert str(properties_from_version(parse_version("v1.2.3")).constraint) == "^1.2.3"
    # a bare revision writes no constraint key at all
    assert append_constraints_text({"a": properties_from_version(rev)}) == '\n[[constraint]]\n  name = "a"\n'


def test_render_layout_rules():
    m = Manifest(
        required=["z/one", "a/two"],  # required keeps its order
        noverify=["n"],
        constraints={
            "b": ProjectProperties("", constraint_from_rule(version="~1.2.0")),
            "a": ProjectProperties("", constraint_from_rule(version="1.2.3.4")),
            "": ProjectProperties("", ANY),
        },
        overrides={"o": ProjectProperties("s", constraint_from_rule(version=">=1.0, <2.0"))},
    )
    assert render_manifest(m) == (
        'noverify = ["n"]\n'
        "required = [\n"
        '  "z/one",\n'
        '  "a/two",\n'
        "]\n"
        "\n[[constraint]]\n"
        '  name = ""\n'
        "\n[[constraint]]\n"
        '  name = "a"\n'
        '  version = "1.2.3.4"\n'
        "\n[[constraint]]\n"
        '  name = "b"\n'
        '  version = "~1.2.0"\n'
        "\n[[override]]\n"
        '  name = "o"\n'
        '  source = "s"\n'
        '  version = "1.0.0"\n'
    )
    assert render_manifest(Manifest()) == ""


def test_render_go_toml_string_quirks():
    m = Manifest(constraints={"a\x1f\U00010001\u00e9\\\b\f\r\n": ProjectProperties("", ANY)})
    assert render_manifest(m) == '\n[[constraint]]\n  name = "a\x1f\\u0001é\\\\\\b\\f\\r\\n"\n'


def test_render_refuses_per_project_prune():
    m = Manifest(prune=CascadingPruneOptions(default=V, per_project={"a": {T: True}}))
    with pytest.raises(ValueError):
        render_manifest(m)


def test_render_round_trip():
    m = Manifest(
        required=["r/a", "r/b"], ignored=["i/a*", "i/b"], noverify=["n/a"],
        constraints={
            "c/semver": ProjectProperties("", constraint_from_rule(version="1.2.0")),
            "c/branch": ProjectProperties("https://x/y.git", Branch("dev")),
            "c/rev": ProjectProperties("", Revision("abc")),
            "c/plain": ProjectProperties("", PlainVersion("release-x")),
        },
        overrides={"o/any": ProjectProperties("fork", ANY)},
        prune=CascadingPruneOptions(default=V | N),
    )
    text = render_manifest(m)
    m2, warns = parse_manifest(text, P)
    assert m2 == m
    assert warns == []
    assert render_manifest(m2) == text
    assert tomllib.loads(render_manifest(m, examples=True)) == tomllib.loads(text)


# --------------------------------------------------------------------------------------------
# required ∩ ignored

def test_required_ignored_conflict():
    assert required_ignored_conflict(["a"], []) is None
    assert required_ignored_conflict(["a"], ["b"]) is None
    assert required_ignored_conflict(["foo"], ["foo"]) == '"foo" was given as both a required and ignored package'
    assert required_ignored_conflict(["foo/bar"], ["foo*"]) == '"foo/bar" was given as both a required and ignored package'
    assert required_ignored_conflict(["foo", "bar"], ["foo", "bar"]) == \
        "multiple packages given as both required and ignored: foo, bar"
    assert required_ignored_conflict(["foo/bar"], ["foo"]) is None  # not a wildcard
    assert required_ignored_conflict(["x"], ["*", ""]) is None  # skipped entries
    assert required_ignored_conflict(["a*b"], ["a*b"]) == '"a*b" was given as both a required and ignored package'


# --------------------------------------------------------------------------------------------
# Files

def test_read_manifest(tmp_path):
    p = tmp_path / "Gopkg.toml"
    p.write_text('[[constraint]]\n  name = "a"\n  version = "1.0.0"\n')
    m, warns = read_manifest(str(p))
    assert list(m.constraints) == ["a"] and warns == []

    p.write_text("foo = 1\nrequired = 1\n")
    with pytest.raises(ManifestError) as e:
        read_manifest(str(p))
    assert str(e.value) == f'error while parsing {p}: manifest validation failed: "required" must be a TOML list of strings'
    assert e.value.warnings == ["unknown field in manifest: foo"]

    p.write_bytes(b'[[constraint]]\n  name = "a\xff"\n  version = "1.0.0"\n')
    m, _ = read_manifest(str(p))
    assert list(m.constraints) == ["a\ufffd"]

    with pytest.raises(ManifestError) as e:
        read_manifest(str(tmp_path / "missing" / "Gopkg.toml"))
    assert str(e.value) == f"no Gopkg.toml found in project root {tmp_path / 'missing'}"
    (tmp_path / "d" / "Gopkg.toml").mkdir(parents=True)
    with pytest.raises(ManifestError):
        read_manifest(str(tmp_path / "d" / "Gopkg.toml"))


# --------------------------------------------------------------------------------------------
# Comment-preserving edits

USER_TOML = """# Project manifest — hand written
required = ["github.com/a/b/cmd/x"]  # tools

# pinned for the API
[[constraint]]
  name = "github.com/x/y"   # trailing
  version = "1.0.0"

[prune]
  go-tests = true  # keep tests out
"""


def test_add_constraint_keeps_comments():
    out = add_constraint(USER_TOML, "github.com/z/w", branch="dev", source="github.com/fork/w")
    assert out == USER_TOML.replace(
        '  version = "1.0.0"\n\n',
        '  version = "1.0.0"\n\n[[constraint]]\n  branch = "dev"\n  name = "github.com/z/w"\n'
        '  source = "github.com/fork/w"\n\n')
    m, warns = parse_manifest(out, P)
    assert warns == [] and m.constraints["github.com/z/w"] == ProjectProperties("github.com/fork/w", Branch("dev"))


def test_add_constraint_appends_when_last_or_absent():
    assert add_constraint('[[constraint]]\n  name = "a"\n  version = "1.0.0"\n', "b", revision="abc") == \
        '[[constraint]]\n  name = "a"\n  version = "1.0.0"\n\n[[constraint]]\n  name = "b"\n  revision = "abc"\n'
    assert add_constraint("# c\nx = 1", "b", override=True) == '# c\nx = 1\n\n[[override]]\n  name = "b"\n'
    assert add_constraint("", "b", version="1.0.0") == '[[constraint]]\n  name = "b"\n  version = "1.0.0"\n'
    out = add_constraint("[prune]\n  go-tests = true\n", "b", version="1.0.0")
    m, _ = parse_manifest(out, P)
    assert list(m.constraints) == ["b"] and m.prune.default == V | T


def test_remove_constraint():
    out = remove_constraint(USER_TOML, "github.com/x/y")
    assert "[[constraint]]" not in out and "# Project manifest" in out and "# keep tests out" in out
    assert parse_manifest(out, P)[0].constraints == {}
    assert remove_constraint(USER_TOML, "nope") == USER_TOML
    two = add_constraint(USER_TOML, "b", version="2.0.0")
    out = remove_constraint(two, "github.com/x/y")
    assert list(parse_manifest(out, P)[0].constraints) == ["b"]
    assert "# Project manifest" in out


def test_add_required():
    out = add_required(USER_TOML, ["github.com/c/d", "github.com/a/b/cmd/x"])
    assert out == USER_TOML.replace('required = ["github.com/a/b/cmd/x"]',
                                    'required = ["github.com/a/b/cmd/x", "github.com/c/d"]')
    out = add_required("# head\n\n[prune]\n  go-tests = true\n", ["p"])
    m, _ = parse_manifest(out, P)
    assert m.required == ["p"] and m.prune.default == V | T
    assert out.startswith("# head\n")


def test_set_prune():
    out = set_prune(USER_TOML, non_go=True)
    assert out == USER_TOML.replace("  go-tests = true  # keep tests out\n",
                                    "  go-tests = true  # keep tests out\n  non-go = true\n")
    out = set_prune(out, go_tests=False)  # root options cannot be false: removed
    assert parse_manifest(out, P)[0].prune.default == V | N
    assert "# pinned for the API" in out

    out = set_prune(USER_TOML, project="github.com/x/y", go_tests=False, non_go=True)
    m, warns = parse_manifest(out, P)
    assert warns == [] and m.prune.per_project == {"github.com/x/y": {T: False, N: True}}
    out = set_prune(out, project="github.com/x/y", go_tests=None, unused_packages=True)
    m, _ = parse_manifest(out, P)
    assert m.prune.per_project == {"github.com/x/y": {N: True, U: True}}
    assert "# keep tests out" in out

    assert set_prune("x = 1\n", go_tests=True) == "x = 1\n\n[prune]\n  go-tests = true\n"
    assert set_prune("x = 1\n", go_tests=False) == "x = 1\n"
    with pytest.raises(ValueError):
        set_prune("", bogus=True)


# --------------------------------------------------------------------------------------------
# Robustness: arbitrary documents only ever give ManifestError

FRAGMENTS = [
    "[[constraint]]", "[[override]]", "[prune]", "[[prune.project]]", "[metadata]", "[constraint]",
    'name = "a"', "name = 5", 'version = "1.0.0"', "version = []", 'branch = "b"', "branch = {x = 1}",
    'revision = "abcdef1"', 'source = "s"', "go-tests = true", "go-tests = false", "non-go = 1",
    "unused-packages = true", "project = []", "project = [1]", 'required = ["a"]', "required = [1]",
    "ignored = []", "noverify = 3", "constraint = []", "constraint = [{name = 1}]", "x = [1, 'a']",
    "a.b = 1", "d = 1979-05-27", "d = 1979-05-27T00:00:00Z", "metadata = 1", "foo = [[]]", "= 1",
    '"quoted" = 1', "x = {", "prune = {go-tests = 2}", "# comment", "", "NAME = 1", "PRUNE = []",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_never_crashes(lines):
    text = "\n".join(lines) + "\n"
    try:
        m, warns = parse_manifest(text, P)
    except ManifestError as e:
        assert str(e).startswith(f"error while parsing {P}: ")
        assert isinstance(e.warnings, list)
    else:
        assert isinstance(m, Manifest) and all(isinstance(w, str) for w in warns)
