"""Tests for dep.pkgtree.

Expected values (package lists, error texts with their line:column, reach maps, ignore-rule
results) were produced by dep v0.5.4's own pkgtree (built with Go 1.19) on the same trees.
"""

from __future__ import annotations

import os

import pytest

from dep.errors import PackageTreeError
from dep.pkgtree import (
    IgnoredRuleset,
    Package,
    PackageError,
    PackageOrErr,
    PackageTree,
    ReachEntry,
    external_imports,
    is_hidden_import_path,
    is_standard_import_path,
    list_packages,
)


def write(root, files: dict) -> str:
    for rel, content in files.items():
        path = os.path.join(str(root), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
    return str(root)


def one(root, files: dict, import_root="x.com/p") -> PackageOrErr:
    """List a tree with one package directory (the root) and return its result."""
    write(root, files)
    tree = list_packages(str(root), import_root)
    return tree.packages[import_root]


def pkg(root, files: dict, import_root="x.com/p") -> Package:
    poe = one(root, files, import_root)
    assert poe.error is None, poe.error
    return poe.package


def err(root, files: dict, import_root="x.com/p") -> PackageError:
    poe = one(root, files, import_root)
    assert poe.error is not None, poe.package
    return poe.error


# ---------------------------------------------------------------------------------------------
# Imports


def test_import_forms(tmp_path):
    p = pkg(tmp_path, {"a.go": (
        "// Copyright\n\npackage a\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n\t. \"strings\"\n\t_ \"net/http\"\n"
        "\t\"C\"\n)\n\nimport \"fmt\"\nimport `a.com/raw`\nimport y \"b.com/\\x62\"; import (\"c.com/d\"; "
        "\"\\u0061.com/e\")\n\nfunc f() {}\n\nimport \"after.com/decl\"\n")})
    assert p == Package("x.com/p", "a", "", (
        "C", "a.com/e", "a.com/raw", "b.com/b", "c.com/d", "fmt", "net/http", "os", "strings"), ())


def test_imports_deduped_and_sorted_across_files(tmp_path):
    p = pkg(tmp_path, {
        "b.go": 'package a\nimport ("z.com/z"; "fmt")\n',
        "a.go": 'package a\nimport ("fmt"; "a.com/a")\n',
    })
    assert p.imports == ("a.com/a", "fmt", "z.com/z")
    assert p.test_imports == ()


def test_test_imports_kept_separately(tmp_path):
    p = pkg(tmp_path, {
        "a.go": 'package a\nimport "fmt"\n',
        "a_test.go": 'package a\nimport "testing"\n',
        "x_test.go": 'package a_test\nimport ("testing"; "x.com/tt")\n',
    })
    assert p.name == "a"
    assert p.imports == ("fmt",)
    assert p.test_imports == ("testing", "x.com/tt")


def test_crlf_and_bom(tmp_path):
    p = pkg(tmp_path, {"a.go": b'\xef\xbb\xbfpackage a\r\nimport (\r\n\t"fmt"\r\n)\r\n'})
    assert (p.name, p.imports) == ("a", ("fmt",))


def test_semicolons_and_comments_between_tokens(tmp_path):
    write(tmp_path, {
        "s1/a.go": 'package a /* c */ ; import "fmt" // x\n',
        "s2/a.go": 'package a /* c\n */ import "fmt"\n',
        "s3/a.go": 'package a /* c */ /* d */\nimport "fmt"\n',
        "s4/a.go": 'package a /* c */ import "fmt"\n',
        "s5/a.go": 'package a\nimport "fmt"',  # no final newline
    })
    t = list_packages(str(tmp_path), "x.com")
    for d in ("s1", "s2", "s3", "s5"):
        assert t.packages["x.com/" + d].package.imports == ("fmt",), d
    assert t.packages["x.com/s4"].error.message == (
        str(tmp_path) + "/s4/a.go:1:19: expected ';', found 'import'")


def test_unicode_names(tmp_path):
    write(tmp_path, {
        "u1/a.go": 'package héllo\nimport "a.com/héllo"\n',
        "u2/a.go": 'package a٣\n',
    })
    t = list_packages(str(tmp_path), "x.com")
    assert t.packages["x.com/u1"].package.name == "héllo"
    assert t.packages["x.com/u1"].package.imports == ("a.com/héllo",)
    assert t.packages["x.com/u2"].package.name == "a٣"


def test_body_is_not_read(tmp_path):
    # Errors after the first token that follows the imports are never seen.
    p = pkg(tmp_path, {"a.go": b'package a\nimport "fmt"\nfunc f() { @ "\xff" \x00 }\n'})
    assert p.imports == ("fmt",)


# ---------------------------------------------------------------------------------------------
# Package names and build tags


@pytest.mark.parametrize("header,name", [
    ("// +build ignore\n\npackage main\n", "b"),
    ("// +build linux,ignore\n\npackage main\n", "b"),
    ("// +build ignore\npackage main\n", "b"),
    ("// +build ignore\r\n\r\npackage main\r\n", "b"),
    ("// +build linux\n\n// +build ignore\n\npackage main\n", "b"),
    # Only the first "// +build " line of a comment group is inspected.
    ("// +build linux\n// +build ignore\n\npackage main\n", "main"),
    ("// +build !ignore\n\npackage main\n", "main"),
    ("//go:build ignore\n\npackage main\n", "main"),
    ("//+build ignore\n\npackage main\n", "main"),
    ("// +build\tignore\n\npackage main\n", "main"),
    ("/* +build ignore */\n\npackage main\n", "main"),
    ("package main\n// +build ignore\n", "main"),
    ("// a\n// b\n\n/* c */ // d\n// +build ignore\n\n// e\npackage main\n", "b"),
])
def test_build_ignore(tmp_path, header, name):
    p = pkg(tmp_path, {"a.go": header + 'import "x.com/ig"\n', "b.go": 'package b\nimport "fmt"\n'})
    assert p.name == name
    # an ignored file still contributes its imports
    assert p.imports == ("fmt", "x.com/ig")


def test_only_ignored_files_give_empty_name(tmp_path):
    p = pkg(tmp_path, {"a.go": '// +build ignore\n\npackage main\nimport "x.com/ig"\n'})
    assert (p.name, p.imports) == ("", ("x.com/ig",))


def test_name_from_first_file_including_tests(tmp_path):
    write(tmp_path, {
        "mixed/a.go": "package a\n", "mixed/b.go": "package b\n",
        "testfirst/a_test.go": "package foo_test\n", "testfirst/b.go": "package bar\n",
    })
    t = list_packages(str(tmp_path), "x.com")
    assert t.packages["x.com/mixed"].package.name == "a"
    assert t.packages["x.com/testfirst"].package.name == "foo"


def test_underscore_and_dot_files_skipped(tmp_path):
    write(tmp_path, {
        "u/_a.go": 'package a\nimport "x.com/u"\n',
        "d/.a.go": "package a\n",
        "both/_x.go": "garbage", "both/b.go": "package b\n",
    })
    t = list_packages(str(tmp_path), "x.com")
    # a *.go file exists, so it is not a NoGoError, but nothing decided the name
    assert t.packages["x.com/u"] == PackageOrErr(package=Package("x.com/u", "", "", (), ()))
    assert t.packages["x.com/d"].package.name == ""
    assert t.packages["x.com/both"].package.name == "b"


# ---------------------------------------------------------------------------------------------
# Import comments


@pytest.mark.parametrize("src,comment", [
    ('package a // import "x.com/p"\n', "x.com/p"),
    ('package a /* import "x.com/p" */\n', "x.com/p"),
    ('package a\t// import "x.com/p"\n', "x.com/p"),
    ('package a // import x.com/p\n', "x.com/p"),
    ('package a // import "x.com/p" extra\n', 'x.com/p" extra'),
    # one byte after the name is the start of the next line here
    ('package a\n// import "x.com/p"\n', "x.com/p"),
    ('package a // import "x.com/p"', "x.com/p"),
    ('package a  // import "x.com/p"\n', ""),
    ('package a /* import "x.com/p"\n */\n', ""),
    ('package a // import\t"x.com/p"\n', ""),
    ("package a // importer\n", ""),
])
def test_import_comment(tmp_path, src, comment):
    assert pkg(tmp_path, {"a.go": src}).comment_path == comment


def test_import_comment_in_test_file(tmp_path):
    assert pkg(tmp_path, {"a_test.go": 'package a_test // import "x.com/p/zz"\n'}).comment_path == "x.com/p/zz"


def test_import_comment_same_in_two_files(tmp_path):
    p = pkg(tmp_path, {"a.go": 'package a // import "x.com/p"\n', "b.go": 'package a // import "x.com/p"\n'})
    assert p.comment_path == "x.com/p"


def test_conflicting_import_comments(tmp_path):
    e = err(tmp_path, {"a.go": 'package a // import "x.com/p/b"\n', "b.go": 'package a // import "x.com/p/a"\n'})
    assert e.kind == PackageError.CONFLICTING_IMPORT_COMMENTS
    assert e.message == 'import path x.com/p had conflicting import comments: "x.com/p/a", "x.com/p/b"'
    assert e.go_type == "*pkgtree.ConflictingImportComments"


def test_import_comment_outside_root(tmp_path):
    e = err(tmp_path, {"a.go": 'package a // import "y.com/a"\n'})
    assert e.kind == PackageError.NON_CANONICAL_IMPORT_ROOT
    assert e.message == (
        'import root "x.com/p" is not a prefix for the package\'s declared canonical path "y.com/a"')


def test_import_comment_prefix_is_plain_string_prefix(tmp_path):
    assert pkg(tmp_path, {"a.go": 'package a // import "x.com/pqr"\n'}).comment_path == "x.com/pqr"


# ---------------------------------------------------------------------------------------------
# Local imports


def test_local_import(tmp_path):
    e = err(tmp_path, {"a.go": 'package a\nimport "./sib"\n'})
    assert e.kind == PackageError.LOCAL_IMPORTS
    assert e.message == 'import path x.com/p had a local import: "./sib"'


def test_local_imports_listed_from_imports_then_test_imports(tmp_path):
    e = err(tmp_path, {"a.go": 'package a\nimport ("../x"; "./sib"; ".")\n',
                       "a_test.go": 'package a\nimport "./sib"\n'})
    assert e.message == 'import path x.com/p had local imports: "../x", "./sib", "./sib"'


def test_dot_import_path_is_allowed_but_dotdot_is_not(tmp_path):
    write(tmp_path, {"d/a.go": 'package a\nimport "."\n', "dd/a.go": 'package a\nimport ".."\n'})
    t = list_packages(str(tmp_path), "x.com")
    assert t.packages["x.com/d"].package.imports == (".",)
    assert t.packages["x.com/dd"].error.message == 'import path x.com/dd had a local import: ".."'


# ---------------------------------------------------------------------------------------------
# Walking


def test_walk_skips_vcs_and_vendor_but_lists_hidden(tmp_path):
    dirs = ["vendor/v", ".git/g", ".hg", ".bzr", ".svn", "testdata/t", "_x", ".x", "a/vendor/b", "a/b", "real"]
    write(tmp_path, {d + "/p.go": 'package p\nimport "y.com/%s"\n' % d for d in dirs})
    os.symlink("real", os.path.join(tmp_path, "link"))
    os.symlink("../real/p.go", os.path.join(tmp_path, "a", "l.go"))
    os.makedirs(os.path.join(tmp_path, "dirgo", "x.go"))
    write(tmp_path, {"dirgo/x.go/q.go": "package q\n"})
    t = list_packages(str(tmp_path), "x.com")
    assert sorted(t.packages) == [
        "x.com", "x.com/.x", "x.com/_x", "x.com/a", "x.com/a/b", "x.com/dirgo", "x.com/dirgo/x.go",
        "x.com/real", "x.com/testdata", "x.com/testdata/t"]
    root = t.packages["x.com"]
    assert root.is_no_go and root.message == "no buildable Go source files in " + str(tmp_path)
    # a symlinked file is read through; a directory named x.go is not a file
    assert t.packages["x.com/a"].package.imports == ("y.com/real",)
    assert t.packages["x.com/dirgo"] == PackageOrErr(package=Package("x.com/dirgo", "", "", (), ()))
    assert t.packages["x.com/testdata"].is_no_go


def test_root_named_vendor_symlink_or_file_lists_nothing(tmp_path):
    write(tmp_path, {"vendor/a.go": "package a\n", "real/a.go": "package a\n"})
    os.symlink("real", os.path.join(tmp_path, "link"))
    assert list_packages(os.path.join(tmp_path, "vendor"), "x.com").packages == {}
    assert list_packages(os.path.join(tmp_path, "link"), "x.com").packages == {}
    assert list_packages(os.path.join(tmp_path, "real", "a.go"), "x.com").packages == {}


def test_missing_root_is_fatal(tmp_path):
    with pytest.raises(PackageTreeError) as ei:
        list_packages(os.path.join(tmp_path, "nope"), "x.com")
    assert str(ei.value) == "lstat %s/nope: no such file or directory" % tmp_path


def test_broken_go_symlink_is_fatal(tmp_path):
    write(tmp_path, {"a/a.go": "package a\n"})
    os.symlink("nowhere.go", os.path.join(tmp_path, "a", "b.go"))
    with pytest.raises(PackageTreeError) as ei:
        list_packages(str(tmp_path), "x.com")
    assert str(ei.value) == "open %s/a/b.go: no such file or directory" % tmp_path


@pytest.mark.parametrize("import_root,expected", [
    ("x.com", ["x.com", "x.com/a"]),
    ("x.com/", ["x.com", "x.com/a"]),
    ("x.com/../y", ["y", "y/a"]),
    ("", ["", "/a"]),
])
def test_import_paths_are_joined_and_cleaned(tmp_path, import_root, expected):
    write(tmp_path, {"a.go": "package p\n", "a/a.go": "package a\n"})
    t = list_packages(str(tmp_path), import_root)
    assert sorted(t.packages) == expected
    assert t.import_root == import_root


def test_relative_root_is_made_absolute(tmp_path, monkeypatch):
    write(tmp_path, {"r/a.go": "package a\nimport (\n"})
    monkeypatch.chdir(tmp_path)
    t = list_packages("r/../r", "x.com")
    assert t.packages["x.com"].message == "%s/r/a.go:2:10: expected ')', found 'EOF'" % tmp_path


# ---------------------------------------------------------------------------------------------
# Malformed files: Go's parser error texts (file:line:col as go/scanner prints them)


@pytest.mark.parametrize("src,msg", [
    ("", "1:1: expected 'package', found 'EOF'"),
    ("\n\n", "2:2: expected 'package', found 'EOF'"),
    ("// just a comment\n", "1:19: expected 'package', found 'EOF'"),
    ("package a import \"fmt\"\n", "1:11: expected ';', found 'import'"),
    ('package "a"\n', "1:9: expected 'IDENT', found \"a\""),
    ("package func\n", "1:9: expected 'IDENT', found 'func'"),
    ("package\n", "1:9: expected 'IDENT', found 'EOF'"),
    ("package a,\nimport \"fmt\"\n", "1:10: expected ';', found ','"),
    ("package a$\n", "1:10: illegal character U+0024 '$'"),
    ("package a\nimport fmt\n", "2:11: expected 'STRING', found newline"),
    ("package a\nimport . \n", "2:11: expected 'STRING', found 'EOF'"),
    ("package a\nimport (\n  \"fmt\"\n", "3:9: expected ')', found 'EOF'"),
    ("package a\nimport \"fmt\",\nimport \"os\"\n", "2:13: expected ';', found ','"),
    ("package a\nimport (\n  \"fmt\"\n  os\n  \"x.com/y\"\n)\nvar x int\n",
     "4:5: expected 'STRING', found newline (and 2 more errors)"),
    ("package a\nimport (\n  \"fmt\" \"os\"\n  \"x\" +\n)\n", "3:9: expected ';', found \"os\" (and 1 more errors)"),
    ("package a\nimport (\n" + "".join("  %d\n" % i for i in range(30)) + ")\n",
     "3:3: expected 'STRING', found 0 (and 10 more errors)"),
    ('package a\nimport "a b"\n', '2:8: invalid import path: "a b"'),
    ('package a\nimport ""\n', '2:8: invalid import path: ""'),
    ('package a\nimport "a.com/\\u00a0"\n', '2:8: invalid import path: "a.com/\\u00a0"'),
    ('package a\nimport "a.com/\\q"\n', "2:16: unknown escape sequence"),
    ('package a\nimport "\\ud800"\n', "2:10: escape sequence is invalid Unicode code point"),
    ('package a\nimport "\\x4"\n', "2:12: illegal character U+0022 '\"' in escape sequence"),
    ('package a\nimport "fmt\n', "2:8: string literal not terminated"),
    ("package a\nimport `fmt\n", "2:8: raw string literal not terminated"),
    ("package a\n/* never ends\n", "2:1: comment not terminated"),
    ("package a\nimport \"fmt\"\n/* never ends\n", "3:1: comment not terminated"),
    (b"// hi \x00 there\npackage a\n", "1:7: illegal character NUL"),
    (b"// hi \xff there\npackage a\n", "1:7: illegal UTF-8 encoding"),
    (b"// \xef\xbb\xbf\npackage a\n", "1:4: illegal byte order mark"),
    (b"package a\n\xef\xbb\xbfimport \"fmt\"\n", "2:1: illegal byte order mark"),
    # the token after the imports is still scanned
    ("package a\nimport \"fmt\"\n@\n", "3:1: illegal character U+0040 '@'"),
    ("package a\nimport \"fmt\"\n0b102\n", "3:5: invalid digit '2' in binary literal"),
    ("package a\nimport \"fmt\"\n09\n", "3:2: invalid digit '9' in octal literal"),
    ("package a\nimport \"fmt\"\n1__2\n", "3:3: '_' must separate successive digits"),
    ("package a\nimport \"fmt\"\n0x\n", "3:3: hexadecimal literal has no digits"),
    ("package a\nimport \"fmt\"\n0x1.0\n", "3:6: hexadecimal mantissa requires a 'p' exponent"),
    ("package a\nimport \"fmt\"\n'ab'\n", "3:1: illegal rune literal"),
    ("package a\nimport \"fmt\"\n'\n", "3:1: rune literal not terminated"),
    ("//line foo.go:x\npackage a\n", "1:15: invalid line number: x"),
    ("//line foo.go:0\npackage a\n", "1:15: invalid line number: 0"),
    ("//line foo.go:1:0\npackage a\n", "1:17: invalid column number: 0"),
    # past uint64, and past int()'s 4,300 digits: Go's ParseUint overflow, not a traceback
    ("//line foo.go:" + "9" * 5000 + "\npackage a\n", "1:15: invalid line number: " + "9" * 5000),
])
def test_parse_errors(tmp_path, src, msg):
    e = err(tmp_path, {"a.go": src})
    assert e.kind == PackageError.PARSE and e.go_type == "scanner.ErrorList"
    assert e.message == "%s/a.go:%s" % (tmp_path, msg)


@pytest.mark.parametrize("src,where", [
    ('//line foo.go:10\npackage a\nimport "fmt" 1\n', "{dir}/foo.go:11"),
    ('package a\n//line :20:5\nimport "fmt" 1\n', "{dir}/a.go:20:18"),
    ('package a\n/*line bar.go:7:3*/import "fmt" 1\n', "{dir}/bar.go:7:16"),
    ('//line /abs/foo.go:3\npackage a\nimport "fmt" 1\n', "/abs/foo.go:4"),
    ('package a\n//line foo.go:5\n  import "fmt" 1\n', "{dir}/foo.go:5"),
    ('//line foo.go:' + "0" * 5000 + '10\npackage a\nimport "fmt" 1\n', "{dir}/foo.go:11"),
])
def test_line_directives_move_error_positions(tmp_path, src, where):
    e = err(tmp_path, {"a.go": src})
    assert e.message == where.format(dir=tmp_path) + ": expected ';', found 1"


def test_malformed_file_does_not_stop_the_scan(tmp_path):
    write(tmp_path, {
        "bad/a.go": "package a\nimport (\n",
        "bad/b.go": "package a\nimport \"z.com/never\"\n",
        "good/a.go": "package good\nimport \"y.com/ok\"\n",
    })
    t = list_packages(str(tmp_path), "x.com")
    assert t.packages["x.com/bad"].message == "%s/bad/a.go:2:10: expected ')', found 'EOF'" % tmp_path
    assert t.packages["x.com/good"].package.imports == ("y.com/ok",)


def test_parse_error_wins_over_conflicting_comments(tmp_path):
    e = err(tmp_path, {"a.go": 'package a // import "x.com/p/a"\n', "b.go": 'package a // import "x.com/p/b"\n',
                       "c.go": "package"})
    assert e.kind == PackageError.PARSE


def test_no_go_error(tmp_path):
    write(tmp_path, {"a.go": "package a\n", "docs/README": "x"})
    t = list_packages(str(tmp_path), "x.com")
    poe = t.packages["x.com/docs"]
    assert poe.is_no_go and poe.kind == PackageError.NO_GO and not poe.ok
    assert poe.error.go_type == "*build.NoGoError"
    assert poe.message == "no buildable Go source files in %s/docs" % tmp_path


# ---------------------------------------------------------------------------------------------
# Ignore rules, stdlib, hidden paths


def test_ignored_ruleset_basics():
    ir = IgnoredRuleset(["a.com/x*", "b.com/p/*", "c.com/exact", "*", ""])
    assert ir.is_ignored("a.com/xyz") and ir.is_ignored("a.com/x") and ir.is_ignored("a.com/x/y")
    assert ir.is_ignored("b.com/p/q") and not ir.is_ignored("b.com/p")
    assert ir.is_ignored("c.com/exact") and not ir.is_ignored("c.com/exact/sub")
    assert not ir.is_ignored("") and not ir.is_ignored("d.com")
    assert ir.to_list() == ["a.com/x*", "b.com/p/*", "c.com/exact"]
    assert len(ir) == 3


def test_ignored_ruleset_redundancy():
    assert IgnoredRuleset(["a.com/x/y", "a.com/x*", "a.com/x/*", "a.com/xy"]).to_list() == ["a.com/x*"]
    assert IgnoredRuleset(["a", "a*"]).to_list() == ["a*"]
    assert IgnoredRuleset([]).to_list() == [] and IgnoredRuleset(None).to_list() == []
    assert IgnoredRuleset(["*", ""]).to_list() == []


def test_ignored_ruleset_longest_prefix_shadows_wildcard():
    # dep's radix tree consults only the longest stored prefix: "a)" (exact, sorted before
    # "a*") hides the wildcard for "a)b".
    ir = IgnoredRuleset(["a*", "a)"])
    assert ir.to_list() == ["a*", "a)"]
    assert ir.is_ignored("a)") and ir.is_ignored("ab") and not ir.is_ignored("a)b")


@pytest.mark.parametrize("path,std", [
    ("fmt", True), ("net/http", True), ("C", True), ("appengine", True), ("", True),
    ("github.com/x/y", False), ("gopkg.in/yaml.v2", False), ("example.com", False), ("foo/bar.baz", True),
])
def test_is_standard_import_path(path, std):
    assert is_standard_import_path(path) is std


@pytest.mark.parametrize("path,hidden", [
    ("x.com/a", False), ("x.com/_a", True), ("x.com/.a/b", True), ("x.com/a/testdata", True),
    ("x.com/testdata2", False), ("x.com/a_", False),
])
def test_is_hidden_import_path(path, hidden):
    assert is_hidden_import_path(path) is hidden


# ---------------------------------------------------------------------------------------------
# Reach maps


def tree(import_root: str, pkgs: dict) -> PackageTree:
    """Build a PackageTree in memory: path -> (name, imports, test_imports) or PackageError."""
    out = {}
    for ip, spec in pkgs.items():
        if isinstance(spec, PackageError):
            out[ip] = PackageOrErr(error=spec)
        else:
            name, imps, timps = (spec + ((),))[:3] if len(spec) == 2 else spec
            out[ip] = PackageOrErr(package=Package(ip, name, "", tuple(sorted(imps)), tuple(sorted(timps))))
    return PackageTree(import_root, out)


def entry(internal=(), external=()):
    return ReachEntry(tuple(internal), tuple(external))


BROKEN = PackageError(PackageError.PARSE, "/src/A/foo/a.go:1:1: expected 'package', found 'EOF'")


def chain_tree(foo=None):
    return tree("A", {
        "A": ("a", ["A/foo", "fmt"]),
        "A/foo": foo or ("foo", ["A/bar"]),
        "A/bar": ("bar", ["B/baz"]),
    })


def test_reach_map_chain():
    rm, problems = chain_tree().to_reach_map(True, False, False)
    assert rm == {
        "A": entry(["A/bar", "A/foo"], ["B/baz", "fmt"]),
        "A/foo": entry(["A/bar"], ["B/baz"]),
        "A/bar": entry([], ["B/baz"]),
    }
    assert problems == {}
    assert rm.flatten() == ["B/baz", "fmt"]
    assert rm.flatten(lambda p: p == "fmt") == ["B/baz"]
    assert rm.flatten(is_standard_import_path) == []  # "B/baz" has no dot: stdlib-like


def test_reach_map_ignore_breaks_the_chain():
    rm, _ = chain_tree().to_reach_map(True, False, False, IgnoredRuleset(["A/foo"]))
    assert rm == {"A": entry([], ["fmt"]), "A/bar": entry([], ["B/baz"])}
    rm, _ = chain_tree().to_reach_map(True, False, False, ["B/*", "fmt"])
    assert rm["A"] == entry(["A/bar", "A/foo"], [])


def test_reach_map_error_without_backprop():
    rm, problems = chain_tree(BROKEN).to_reach_map(True, False, False)
    assert rm == {"A": entry(["A/foo"], ["fmt"]), "A/bar": entry([], ["B/baz"])}
    assert {k: str(v) for k, v in problems.items()} == {
        "A/foo": '"A/foo" contains malformed code: ' + BROKEN.message}


def test_reach_map_error_with_backprop():
    t = tree("A", {
        "A": ("a", ["A/foo"]),
        "A/foo": ("foo", ["A/bar"]),
        "A/bar": ("bar", ["A/baz"]),
        "A/baz": BROKEN,
        "A/ok": ("ok", ["C/d"]),
    })
    rm, problems = t.to_reach_map(True, False, True)
    assert rm == {"A/ok": entry([], ["C/d"])}
    assert {k: v.message for k, v in problems.items()} == {
        "A/baz": '"A/baz" contains malformed code: ' + BROKEN.message,
        "A/bar": '"A/bar" imports "A/baz", which contains malformed code: ' + BROKEN.message,
        "A/foo": '"A/foo" transitively (through 1 packages) imports "A/baz", which contains malformed code: '
                 + BROKEN.message,
        "A": '"A" transitively (through 2 packages) imports "A/baz", which contains malformed code: '
             + BROKEN.message,
    }
    assert problems["A"].cause == ("A/foo", "A/bar", "A/baz")
    assert problems["A"].err is BROKEN


def test_reach_map_missing_internal_package():
    t = tree("A", {"A": ("a", ["A/nope", "A/sub"]), "A/sub": ("sub", ["x.org/y"])})
    rm, problems = t.to_reach_map(True, False, False)
    assert rm == {"A": entry(["A/nope", "A/sub"], ["x.org/y"]), "A/sub": entry([], ["x.org/y"])}
    assert problems == {}
    rm, problems = t.to_reach_map(True, False, True)
    assert rm == {"A/sub": entry([], ["x.org/y"])}
    assert problems["A"].message == '"A" imports "A/nope", which contains malformed code: no package exists at "A/nope"'
    assert problems["A"].err.kind == PackageError.MISSING
    assert "A/nope" not in problems


def test_reach_map_cycles():
    t = tree("A", {
        "A": ("a", ["A/x"]),
        "A/x": ("x", ["A/y", "e.com/x"]),
        "A/y": ("y", ["A/x", "e.com/y"]),
        "A/z": ("z", ["A/z", "e.com/z"]),  # imports itself
    })
    rm, problems = t.to_reach_map(True, False, False)
    assert rm == {
        "A": entry(["A/x", "A/y"], ["e.com/x", "e.com/y"]),
        "A/x": entry(["A/x", "A/y"], ["e.com/x", "e.com/y"]),
        "A/y": entry(["A/x", "A/y"], ["e.com/x", "e.com/y"]),
        "A/z": entry(["A/z"], ["e.com/z"]),
    }
    assert problems == {}


def test_reach_map_cycle_through_test_imports():
    t = tree("A", {"A": ("a", ["e.com/a"], ["A/h"]), "A/h": ("h", ["A", "e.com/h"])})
    rm, _ = t.to_reach_map(True, True, False)
    assert rm["A"] == rm["A/h"] == entry(["A", "A/h"], ["e.com/a", "e.com/h"])
    rm, _ = t.to_reach_map(True, False, False)
    assert rm["A"] == entry([], ["e.com/a"])
    assert rm["A/h"] == entry(["A"], ["e.com/a", "e.com/h"])


def test_reach_map_main_packages_and_path_boundaries():
    t = tree("A", {
        "A": ("a", ["A/cmd", "AB/x", "A/lib", "."]),
        "A/cmd": ("main", ["e.com/cli"]),
        "A/lib": ("lib", []),
    })
    rm, _ = t.to_reach_map(True, False, False)
    assert rm["A"] == entry(["A/cmd", "A/lib"], ["AB/x", "e.com/cli"])
    rm, problems = t.to_reach_map(False, False, False)
    assert "A/cmd" not in rm and rm["A"] == entry(["A/cmd", "A/lib"], ["AB/x"])
    rm, problems = t.to_reach_map(False, False, True)
    assert "A" not in rm
    assert problems["A"].message == (
        '"A" imports "A/cmd", which contains malformed code: no package exists at "A/cmd"')


def test_reach_map_ignored_broken_package_is_still_a_problem():
    t = tree("A", {"A": ("a", []), "A/bad": BROKEN})
    _, problems = t.to_reach_map(True, True, False, ["A/bad"])
    assert list(problems) == ["A/bad"]


# ---------------------------------------------------------------------------------------------
# Hidden packages and the root's input imports


def hidden_tree():
    return tree("x.com/r", {
        "x.com/r": ("r", ["x.com/r/_util", "fmt", "y.com/a"], ["z.com/testdep", "x.com/r/testdata/fixture"]),
        "x.com/r/_util": ("util", ["y.com/util", "x.com/r/_util/deep"]),
        "x.com/r/_util/deep": ("deep", ["y.com/deep"]),
        "x.com/r/_unused": ("unused", ["y.com/unused"]),
        "x.com/r/testdata/fixture": ("fixture", ["y.com/fixture"]),
        "x.com/r/testdata/other": ("other", ["y.com/other"]),
        "x.com/r/.hidden": BROKEN,
        "x.com/r/cmd/tool": ("main", ["y.com/tool", "appengine", "C"]),
        "x.com/r/broken": BROKEN,
        "x.com/r/docs": PackageError(PackageError.NO_GO, "no buildable Go source files in /src/docs"),
        "x.com/r/skip": ("skip", ["y.com/skip"]),
    })


def test_trim_hidden_packages():
    t = hidden_tree().trim_hidden_packages(True, True, IgnoredRuleset(["x.com/r/skip"]))
    assert sorted(t.packages) == [
        "x.com/r", "x.com/r/_util", "x.com/r/_util/deep", "x.com/r/broken", "x.com/r/cmd/tool",
        "x.com/r/docs", "x.com/r/testdata/fixture"]
    assert t.import_root == "x.com/r"
    # without tests, the fixture is unreachable
    t2 = hidden_tree().trim_hidden_packages(True, False, None)
    assert "x.com/r/testdata/fixture" not in t2.packages and "x.com/r/skip" in t2.packages


def test_external_imports():
    full = hidden_tree()
    ig = IgnoredRuleset(["x.com/r/skip"])
    expected = ["y.com/a", "y.com/deep", "y.com/fixture", "y.com/tool", "y.com/util", "z.com/testdep"]
    assert external_imports(full.trim_hidden_packages(True, True, ig), ig, []) == expected
    assert external_imports(full, ig, None) == expected  # trimming first does not change the list
    # ignored imports are left out; required paths are added as they are (stdlib, internal too)
    assert external_imports(full, ["x.com/r/skip", "y.com/*"], ["w.com/req", "z.com/testdep", "fmt"]) == [
        "fmt", "w.com/req", "z.com/testdep"]
    assert external_imports(PackageTree("x.com/r", {}), None, ["b.com/x", "a.com/y", "b.com/x"]) == [
        "a.com/y", "b.com/x"]


def test_external_imports_end_to_end(tmp_path):
    write(tmp_path, {
        "main.go": 'package main\nimport ("fmt"; "github.com/pkg/errors"; "x.com/r/_internal")\n',
        "main_test.go": 'package main\nimport "github.com/stretchr/testify/assert"\n',
        "_internal/i.go": 'package internal\nimport "golang.org/x/sync/errgroup"\n',
        "_scratch/s.go": 'package scratch\nimport "github.com/unused/dep"\n',
        "testdata/t.go": 'package t\nimport "github.com/testdata/dep"\n',
        "vendor/github.com/pkg/errors/e.go": 'package errors\nimport "github.com/vendored/dep"\n',
        "lib/lib.go": 'package lib\nimport ("C"; "github.com/ignored/thing"; "github.com/ignored/other/sub")\n',
        "bad/bad.go": "package bad\nimport (\n",
    })
    ig = IgnoredRuleset(["github.com/ignored/thing", "github.com/ignored/other*"])
    t = list_packages(str(tmp_path), "x.com/r").trim_hidden_packages(True, True, ig)
    assert sorted(t.packages) == ["x.com/r", "x.com/r/_internal", "x.com/r/bad", "x.com/r/lib"]
    assert external_imports(t, ig, ["github.com/golang/dep/cmd/dep"]) == [
        "github.com/golang/dep/cmd/dep", "github.com/pkg/errors", "github.com/stretchr/testify/assert",
        "golang.org/x/sync/errgroup"]


def test_package_tree_copy_is_independent():
    t = chain_tree()
    c = t.copy()
    del c.packages["A"]
    assert "A" in t.packages and c.import_root == "A"


def test_glob_metacharacters_in_directory_names(tmp_path):
    # Go reads "<dir>/*.go" with filepath.Glob, so a directory path with glob metacharacters is a
    # pattern: "[id]" reads the files of a sibling directory named "i" or "d".
    write(tmp_path, {
        "[id]/f.go": 'package own\nimport "y.com/own"\n',
        "i/f.go": 'package i\nimport "y.com/i"\n',
        "x*/f.go": 'package star\nimport "y.com/star"\n',
        "xa/f.go": 'package xa\nimport "y.com/xa"\n',
    })
    t = list_packages(str(tmp_path), "x.com")
    assert t.packages["x.com/[id]"].package == Package("x.com/[id]", "i", "", ("y.com/i",), ())
    assert t.packages["x.com/x*"].package == Package("x.com/x*", "star", "", ("y.com/star", "y.com/xa"), ())


def test_bad_glob_pattern_in_directory_name_is_fatal(tmp_path):
    write(tmp_path, {"a[b/f.go": "package a\n"})
    with pytest.raises(PackageTreeError, match="^syntax error in pattern$"):
        list_packages(str(tmp_path), "x.com")
