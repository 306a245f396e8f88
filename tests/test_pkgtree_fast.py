"""pkgtree's fast header reader agrees with the exact scanner and parser, or declines.

``_fast_header_facts`` may return None (the exact reader then decides); whenever it answers,
the answer must be what ``_header_facts`` (the port of go/scanner + go/parser) gives: package
name, import comment, ``// +build ignore`` and import paths, and no answer when Go would report
an error.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dep import pkgtree
from dep.pkgtree import _fast_header_facts, _header_facts, list_packages


def agree(src: bytes) -> bool:
    """Both readers agree; True when the fast one answered."""
    fast = _fast_header_facts(src)
    if fast is not None:
        assert fast == _header_facts("a.go", src), src
    return fast is not None


# Headers the fast path must take (the usual shapes), and ones it must leave to the exact reader.
COMMON = [
    b"package a\n",
    b"package a",
    b"package main\n\nimport \"fmt\"\n\nfunc main() {}\n",
    b"// Copyright\n// License\n\n// Package a does.\npackage a\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n"
    b"\t. \"strings\"\n\t_ \"net/http\"\n\n\t\"github.com/a/b\" // why\n\t/* c */ \"C\"\n)\n\n"
    b"import \"z.com/y\"\n\ntype T int\n",
    b"package a; import \"fmt\"; import (\"a.com/x\"; \"b.com/y\");\nvar x",
    b"package a // import \"x.com/p\"\n",
    b"package a\n// import \"x.com/p\"\n",
    b"package a\t// import \"x.com/p\" extra\n",
    b"// +build ignore\n\npackage main\n",
    b"// +build linux\n// +build ignore\n\npackage main\n",
    b"// a\n// b\n\n/* c */ // d\n// +build ignore\n\n// e\npackage main\n",
    b"/* multi\n line */\n// +build ignore\npackage main\nimport `raw.com/x`\n",
    b"package a_test\n\nimport (\n)\n\nimport ()\nfunc",
    "// héllo wörld\npackage a\nimport \"fmt\" // ünïcode\nconst".encode(),
    b"package a\nimport \"fmt\"\nfunc f() { @ \"\xff\" }\n",
]
UNUSUAL = [
    b"\xef\xbb\xbfpackage a\n",  # BOM
    b"package a\r\nimport \"fmt\"\r\n",  # CR
    b"//line foo.go:10\npackage a\nimport \"fmt\"\n",  # line directive
    b"package a /* c */ ; import \"fmt\"\n",  # a /* */ comment before a statement's end
    "package héllo\n".encode(),  # non-ASCII identifier
    b"package a\nimport \"b.com/\\x62\"\n",  # escape in a path
    b"package a\nimport \"a b\"\n",  # invalid path
    b"package func\n",  # keyword
    b"package a\nimport func \"x\"\n",
    b"package a\nimport (\n\"fmt\"\n",  # unterminated group
    b"package a\nimport \"fmt\"\n@\n",  # illegal token after the imports
    b"package a\nimport \"fmt\"\n0x\n",
    b"package a\n/* never ends\n",
    b"package a\nimport \"fmt\"\nfunc\x00",  # NUL right after the last token read
    b"package a\nimport \"fmt\"\nfunc\xff",
    b"// \xff\npackage a\n",
    b"package a\nimport \"fmt\" \"os\"\n",
]


@pytest.mark.parametrize("src", COMMON)
def test_common_headers_take_the_fast_path(src):
    assert agree(src)


@pytest.mark.parametrize("src", UNUSUAL)
def test_unusual_headers_are_left_to_the_exact_reader(src):
    assert not agree(src)


# --- generated headers -----------------------------------------------------------------------

# Pieces of headers: the first few of each list are well formed, the rest are not or are unusual.
NAMES = ["main", "a", "foo_test", "x9", "_", "func", "import", "héllo", "a٣"]
PATHS = ['"fmt"', '"a.com/b/c"', '"C"', "`raw.com/x`", '"x.com/a_b-c~d.e"', '"./local"',
         '"a b"', '""', '"b.com/\\x62"', '"a.com/é"', '"a.com/\\u00a0"', '"unterminated']
ALIASES = ["", "x ", ". ", "_ ", "y\t", "x", ".", "func "]
COMMENTS = ["", "// c\n", "/* c */", "/* c\n */", "// +build ignore\n", "// +build linux,ignore\n",
            "// +build linux\n", "// import \"x.com/p\"", "\n", "\n\n", "// é\n",
            "//line a.go:3\n", "/*line a.go:3*/", "/* unterminated", "// \xff\n", "// \x00\n", "// \ufeff\n"]
SEPS = ["\n", ";", "\n\n", " // t\n", "\t// import \"x.com/p\"\n", "",
        " ", "\t", "\r\n", " /* t */\n", " /* t */ ", " /* import \"x.com/p\" */\n"]
TRAILERS = ["", "\n", "\nfunc f() {}\n", "\nvar x = 1", "\nfunc",
            "\n@", "\n0x", "\nimport \"late\"", "\nfunc\x00", "\nfunc\xff", "\nfunc é", "\n'ab'"]


@st.composite
def headers(draw) -> bytes:
    """A Go file header; well formed two times in three (until the random edits)."""
    good = draw(st.integers(0, 2)) > 0

    def pick(options, n_good):
        return draw(st.sampled_from(options[:n_good] if good else options))

    out = []
    for _ in range(draw(st.integers(0, 4))):
        out.append(pick(COMMENTS, 11) + pick(["\n", "\n\n", "", " "], 2))
    out.append("package" + pick([" ", "\t", "  ", "\n", "/* x */"], 3) + pick(NAMES, 5))
    out.append(pick(SEPS, 5))
    for _ in range(draw(st.integers(0, 3))):
        out.append(pick(COMMENTS, 11))
        if draw(st.booleans()):
            out.append("import " + pick(ALIASES, 5) + pick(PATHS, 6) + pick(SEPS, 5))
        else:
            out.append("import" + pick([" (", "(", " (\n", "( "], 4))
            for _ in range(draw(st.integers(0, 3))):
                out.append(pick(["\t", "\n\t", " ", ""], 3) + pick(ALIASES, 5) + pick(PATHS, 6))
                out.append(pick(SEPS + [" // why\n", ""], 5))
            out.append(pick(["\n)", ")", " )", ""], 3) + pick(SEPS, 5))
    out.append(pick(COMMENTS, 11))
    out.append(pick(TRAILERS, 5))
    data = "".join(out).encode("utf-8").replace("\xff".encode(), b"\xff").replace("\x00".encode(), b"\x00")
    for _ in range(draw(st.integers(0, 2)) if not good else 0):  # a few random edits
        i = draw(st.integers(0, len(data)))
        byte = draw(st.sampled_from([b"", b'"', b"\n", b"/", b"*", b" ", b"(", b")", b";", b"\r", b"\x00",
                                     b"\xff", b"a", b"`"]))
        data = data[:i] + byte + data[i + draw(st.integers(0, 1)):]
    return data


@settings(max_examples=1500, deadline=None)
@given(headers())
def test_generated_headers_agree(src):
    agree(src)


def test_random_prefixes_of_real_looking_files_agree():
    rng = random.Random(5)
    base = ("// Copyright 2017 The Go Authors.\n\n// +build !windows\n\n// Package p is a test.\n"
            "package p // import \"x.com/p\"\n\nimport (\n\t\"fmt\"\n\tlog \"github.com/sirupsen/logrus\"\n"
            "\t_ \"embed\" /* x */\n)\n\nimport \"os\"\n\nfunc main() { fmt.Println(os.Args) }\n").encode()
    for cut in range(len(base) + 1):
        agree(base[:cut])
    for _ in range(2000):
        data = bytearray(base)
        for _ in range(rng.randrange(1, 4)):
            i = rng.randrange(len(data))
            op = rng.randrange(3)
            if op == 0:
                del data[i]
            elif op == 1:
                data.insert(i, rng.choice(b'"\n/* ();\r\x00\xffa`.\t'))
            else:
                data[i] = rng.choice(b'"\n/* ();\r\x00\xffa`.\t')
        agree(bytes(data))


# --- whole trees -----------------------------------------------------------------------------

DEP_CHECKOUTS = [Path("/tmp/gp/src/github.com/golang/dep"),
                 Path("/tmp/realprojects/dep/gopath/src/github.com/golang/dep")]


@pytest.mark.parametrize("root", [p for p in DEP_CHECKOUTS if p.is_dir()][:1] or
                         [pytest.param(None, marks=pytest.mark.skip(reason="no dep checkout"))])
def test_dep_checkout_lists_the_same_with_and_without_the_fast_path(root, monkeypatch):
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".go"):
                agree((Path(d) / f).read_bytes())
    fast = list_packages(str(root), "github.com/golang/dep")
    monkeypatch.setattr(pkgtree, "_fast_header_facts", lambda src: None)
    assert list_packages(str(root), "github.com/golang/dep") == fast
