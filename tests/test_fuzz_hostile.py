"""Hostile Gopkg.toml, Gopkg.lock and vendor/ trees never crash dep or touch anything outside
the project (issue 9).

Hypothesis writes TOML-ish manifests and locks (wrong types, names with ``..``, ``/``, NUL,
``[``, backslashes, unicode, very long strings, option-like sources) and small vendor trees
(files, directories, FIFOs, symlinks to ``/``, to ``..``, to a canary directory outside the
project, dangling and looping ones), then runs ``dep check``, ``dep status`` and
``dep ensure -vendor-only -dry-run`` in-process. Each must end with exit 0 or 1, never a
traceback; a failure's stderr is one line (warnings and dep's known blocks aside); and the
canary outside the project is neither changed nor listed. No network: every proxy variable
points at a closed local port and ssh is disabled, so a source lookup fails at once.
"""

import io
import os
import re
import signal
import tempfile
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dep.cli.app import main

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

COMMANDS = (["check"], ["status"], ["ensure", "-vendor-only", "-dry-run"])
SECONDS_PER_EXAMPLE = 30
IMPORT_ROOT = "example.com/app"
CANARY = "@CANARY@"  # replaced by the canary directory's path when the files are written

# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


class Raw(str):
    """A TOML literal written as is (a date, inf, a huge integer)."""


NAMES = st.sampled_from([
    "github.com/a/b", "github.com/a", "example.org/lib", "gopkg.in/yaml.v2", "a", "x", "vendor",
    ".git", ".", "..", "../..", "", "/", "/etc", "/tmp/x", "github.com/../../outside",
    "github.com/a/../../..", "a//b", "a/", "exa[mple.org/x", "[::1]/x", "a\\b", "..\\..\\x",
    "a\x00b", "\x00", "é/ü/名", "a\u202eb", "-flag", "--config=hooks.pre-identify=touch x",
    "x" * 300, "y/" * 200 + "z", "C:/x", "~/x", "github.com/a/b/..", "%2e%2e/x",
]) | st.text(max_size=12)

VERSIONS = st.sampled_from([
    "v1.0.0", "1.0.0", "^1.2", "~1.2.3", ">=1, <2", "*", "", "master", "v1", "v1.0.0-rc.1+meta",
    "v" + "9" * 60 + ".0.0", "v" + "9" * 5000 + ".0.0", "-1", "v1.0.0\x00",
    "--upload-pack=touch " + CANARY + "/pwned",
]) | st.text(max_size=10)
REVISIONS = st.sampled_from(["0123456789abcdef0123456789abcdef01234567", "", "abc", "-x", "HEAD",
                             "--output=" + CANARY + "/pwned", "0" * 64, "ff" * 5000])
DIGESTS = st.sampled_from([
    "1:abcd", "0:", "", "1:zz", "1:abc", "2:abcd", "x", ":", "1:2:3", "-1:ab", "99999999999999999999:ab",
    "1:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "1:" + "ab" * 5000,
])
PRUNEOPTS = st.sampled_from(["", "UT", "NUT", "N", "Q", "UTN" * 100, "\x00", "uT"])
SOURCES = st.sampled_from([
    "file:///nonexistent/x", "/nonexistent/x", "../x", "https://127.0.0.1:9/x", "http://[::1]:9/x",
    "git@127.0.0.1:x", "ssh://127.0.0.1:9/x", "--upload-pack=touch " + CANARY + "/pwned",
    "-oProxyCommand=touch " + CANARY + "/pwned", "ext::sh -c touch% " + CANARY + "/pwned",
    CANARY, "", "exa[mple.org/x",
])
PACKAGES = st.lists(st.sampled_from([".", "sub", "..", "../..", "/abs", "a/../..", "", "a\x00", "x" * 300]),
                    max_size=3)


def scalars():
    ints = st.integers(-(2 ** 70), 2 ** 70) | st.sampled_from([Raw("9" * 5000), Raw("-" + "1" * 4400)])
    return (NAMES | VERSIONS | ints | st.floats(allow_nan=True) | st.booleans()
            | st.just(Raw("1979-05-27T07:32:00Z")) | st.just(Raw("inf")))


def values():
    return st.recursive(scalars(), lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.sampled_from(["name", "a", "x y", "[", ""]), inner, max_size=2),
                        max_leaves=6)


def toml_value(v) -> str:
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return '"' + "".join(_escape(c) for c in v) + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def _escape(c: str) -> str:
    if c in '"\\':
        return "\\" + c
    if ord(c) < 0x20 or c == "\x7f" or 0xD800 <= ord(c) <= 0xDFFF:
        return f"\\u{ord(c):04x}"
    return c


def toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_value(k)


def deep(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "array" else ("{a = " * depth + "1" + "}" * depth)


def table(fields: dict, versions: dict | None = None):
    """A table with some of ``fields`` (key -> strategy), one in ten of a random type, and
    usually at most one of ``versions`` (two of them is a plain validation error)."""
    optional = {k: _mostly(s) for k, s in fields.items()}
    base = st.fixed_dictionaries({}, optional=optional)
    if not versions:
        return base
    pick = st.sampled_from(sorted(versions)).flatmap(lambda k: st.fixed_dictionaries({k: versions[k]}))
    extra = _mostly(pick, st.fixed_dictionaries({}, optional=versions))
    return st.tuples(base, extra).map(lambda t: {**t[0], **t[1]})


def _mostly(strategy, other=None):
    """``strategy`` nine times in ten, else ``other`` (default: a random value)."""
    return st.integers(0, 9).flatmap(lambda i: (values() if other is None else other) if i == 0 else strategy)


PROJECT = table({"name": NAMES, "revision": REVISIONS, "digest": DIGESTS, "pruneopts": PRUNEOPTS,
                 "packages": PACKAGES, "source": SOURCES}, {"version": VERSIONS, "branch": VERSIONS})
SOLVE_META = table({"input-imports": st.lists(NAMES, max_size=3), "analyzer-name": NAMES,
                    "analyzer-version": st.integers(), "solver-name": NAMES,
                    "solver-version": st.integers()})
CONSTRAINT = table({"name": NAMES, "source": SOURCES},
                   {"version": VERSIONS, "branch": VERSIONS, "revision": REVISIONS})
PRUNE = table({"go-tests": st.just(True), "unused-packages": st.just(True), "non-go": st.just(True),
               "project": st.lists(table({"name": NAMES, "go-tests": st.just(True)}), min_size=1, max_size=2)})


def render(doc: dict) -> str:
    """TOML text: plain keys first, then tables, then arrays of tables."""
    lines = []
    for k, v in doc.items():
        if not isinstance(v, dict) and not _is_table_array(v):
            lines.append(f"{toml_key(k)} = {toml_value(v)}")
    for k, v in doc.items():
        if isinstance(v, dict):
            lines.append(f"[{toml_key(k)}]")
            lines += [f"  {toml_key(kk)} = {toml_value(vv)}" for kk, vv in v.items()
                      if not _is_table_array(vv)]
            for kk, vv in v.items():
                if _is_table_array(vv):
                    for t in vv:
                        lines.append(f"[[{toml_key(k)}.{toml_key(kk)}]]")
                        lines += [f"  {toml_key(a)} = {toml_value(b)}" for a, b in t.items()]
        elif _is_table_array(v):
            for t in v:
                lines.append(f"[[{toml_key(k)}]]")
                lines += [f"  {toml_key(a)} = {toml_value(b)}" for a, b in t.items()]
    return "\n".join(lines) + "\n"


def _is_table_array(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(t, dict) for t in v)


@st.composite
def documents(draw, shape: dict):
    doc = draw(st.fixed_dictionaries({}, optional=shape))
    text = render(doc)
    mutation = draw(st.sampled_from(["none"] * 12 + ["truncate", "garbage", "deep"]))
    if mutation == "truncate" and text:
        text = text[:draw(st.integers(0, len(text)))]
    elif mutation == "garbage":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=8) | st.sampled_from(["[[", "]", "= =", '"', "\x00"])) + text[at:]
    elif mutation == "deep":
        text += f"deep = {deep(draw(st.sampled_from([50, 3000])), draw(st.sampled_from(['array', 'table'])))}\n"
    return text


LOCKS = _mostly(documents({"projects": st.lists(PROJECT, min_size=1, max_size=3), "solve-meta": SOLVE_META,
                           "extra": values(), "x": st.dictionaries(NAMES, values(), max_size=2)}),
                st.none())
MANIFESTS = st.just("") | documents({
    "constraint": st.lists(CONSTRAINT, min_size=1, max_size=2),
    "override": st.lists(CONSTRAINT, min_size=1, max_size=1),
    "required": st.lists(NAMES, max_size=2), "ignored": st.lists(NAMES, max_size=2),
    "noverify": st.lists(NAMES, max_size=2), "prune": PRUNE,
    "metadata": _mostly(st.dictionaries(NAMES, values(), max_size=2))})

# --------------------------------------------------------------------------------------------
# Trees
# --------------------------------------------------------------------------------------------

VENDOR_PATHS = st.sampled_from([
    "github.com", "github.com/a", "github.com/a/b", "github.com/a/b/b.go", "github.com/a/b/sub",
    "example.org/lib", "example.org/lib/lib.go", "example.org/lib/vendor", "x", "x.go", ".git",
    "vendor", "a/.hg", "gopkg.in/yaml.v2", "é",
])
KINDS = st.sampled_from(["file", "crlf", "dir", "fifo", "link:/", "link:..", "link:../..", "link:.",
                         "link:canary", "link:canary/marker", "link:dangling", "link:loop", "link:/dev/zero"])
VENDOR_KINDS = st.sampled_from(["dir"] * 8 + ["absent", "file", "fifo", "link:canary", "link:/", "link:dangling"])
ROOT_EXTRAS = st.lists(st.sampled_from(["sub->/", "up->..", "fifo.go", "zero.go->/dev/zero", "canary->",
                                        "cmd/bad.go", "txn", "txn-bound"]), max_size=2, unique=True)
# A shipped transaction journal (issue 9, finding 2): renames out of the project, with a made-up
# header ("txn") or with the header dep would write for this very directory ("txn-bound").
JOURNAL_STEPS = (f"{CANARY}/marker\tGopkg.lock\n" f"vendor\t{CANARY}/planted\n"
                 "../../../../outside/marker\tvendor\n" "Gopkg.toml\t../../../../outside/github.com\n")
TREES = st.lists(st.tuples(VENDOR_PATHS, KINDS), max_size=6)


def make_node(path: str, kind: str, canary: str) -> None:
    parent = os.path.dirname(path)
    try:
        os.makedirs(parent, exist_ok=True)
        if kind in ("file", "crlf"):
            with open(path, "x", newline="") as f:  # x: never through a FIFO or symlink
                f.write("package b\r\n" if kind == "crlf" else "package b\n")
        elif kind == "dir":
            os.mkdir(path)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            target = kind[len("link:"):]
            target = {"canary": canary, "canary/marker": os.path.join(canary, "marker"),
                      "dangling": "/nonexistent/dangling", "loop": os.path.basename(path)}.get(target, target)
            os.symlink(target, path)
    except OSError:
        pass  # a parent is a file, a FIFO or a symlink: the entry simply does not exist


def write_project(root: str, manifest: str, lock: str | None, vendor_kind: str, tree, extras,
                  imports, canary: str) -> None:
    os.makedirs(root)
    sub = lambda text: text.replace(CANARY, canary)  # noqa: E731
    with open(os.path.join(root, "Gopkg.toml"), "w", encoding="utf-8", errors="surrogatepass") as f:
        f.write(sub(manifest))
    if lock is not None:
        with open(os.path.join(root, "Gopkg.lock"), "w", encoding="utf-8", errors="surrogatepass") as f:
            f.write(sub(lock))
    body = "".join(f"import _ {toml_value(i)}\n" for i in imports)
    with open(os.path.join(root, "main.go"), "w", encoding="utf-8", errors="surrogatepass") as f:
        f.write("package main\n" + body)
    vendor = os.path.join(root, "vendor")
    if vendor_kind == "dir":
        os.mkdir(vendor)
        for path, kind in tree:
            make_node(os.path.join(vendor, path), kind, canary)
    elif vendor_kind != "absent":
        make_node(vendor, vendor_kind, canary)
    for extra in extras:
        name, _, target = extra.partition("->")
        path = os.path.join(root, name)
        if name.endswith("fifo.go"):
            make_node(path, "fifo", canary)
        elif extra.startswith("txn"):
            name = ".dep-txn-" + ("bbbb" if extra == "txn-bound" else "aaaa")
            stage = os.path.join(root, name)
            os.mkdir(stage)
            header = f"dep-txn 1 {name} {os.stat(root).st_ino if extra == 'txn-bound' else 1}"
            with open(os.path.join(stage, "journal"), "x") as f:
                f.write(header + "\n" + sub(JOURNAL_STEPS))
            with open(os.path.join(stage, "owner"), "x"):
                pass  # no live run holds it
        elif extra == "cmd/bad.go":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "x") as f:
                f.write('package main\nimport "unterminated\n')
        else:
            make_node(path, "link:" + (target or "canary"), canary)


def make_canary(canary: str) -> list[str]:
    """A directory outside the project with a marker file, a FIFO (a reader would block) and a
    subdirectory; returns its directories, whose atime is set to 1 to detect a listing."""
    os.makedirs(os.path.join(canary, "github.com/a/b"))
    with open(os.path.join(canary, "marker"), "w") as f:
        f.write("canary\n")
    with open(os.path.join(canary, "github.com/a/b/b.go"), "w") as f:
        f.write("package b\n")
    os.mkfifo(os.path.join(canary, "github.com/a/b/pipe.go"))
    return [canary] + [os.path.join(canary, d) for d in ("github.com", "github.com/a", "github.com/a/b")]


def snapshot(top: str, skip: tuple[str, ...]) -> list:
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skip]
        for name in dirnames + filenames:
            st_ = os.lstat(os.path.join(dirpath, name))
            out.append((os.path.join(dirpath, name), st_.st_mode, st_.st_size, st_.st_mtime_ns))
    return sorted(out)


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------

class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"an example ran for more than {SECONDS_PER_EXAMPLE} s")


@contextmanager
def time_limit():
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS_PER_EXAMPLE)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# Lines of stderr that may come before a failure's one line, and headers of the blocks dep
# prints for some failures (their lines follow the header).
_PREFIX_LINES = re.compile(r"dep: WARNING: |Gopkg\.lock is out of sync with imports")
_BLOCK_HEADERS = re.compile(r"(ProjectRoot name validation failed|The following issues were found in"
                            r"|The following errors occurred while deducing|found \d+ errors in the package tree)")


def run(argv, root: str, env: dict) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(root)
    try:
        rc = main(list(argv), out, err, env)
    except SystemExit as e:
        rc = e.code
    finally:
        os.chdir(here)
    return rc, out.getvalue(), err.getvalue()


# Multi-line errors dep prints itself: go-toml's "Can't convert <value>(<type>)" shows a table or
# an array of tables in TOML form.
_MULTILINE_ERRORS = re.compile(r".*Can't convert .*\) to (a tree|a slice|trees)\n$", re.DOTALL)


def check_outcome(argv, rc, out, err) -> None:
    assert rc in (0, 1), (argv, rc, out, err)
    assert "Traceback" not in err and (not err or err.endswith("\n")), (argv, err)
    if rc == 1:
        lines = [line for line in err.split("\n")[:-1] if not _PREFIX_LINES.match(line)]
        if len(lines) > 1 and not _MULTILINE_ERRORS.match(err):  # (none: check's report said why)
            assert any(_BLOCK_HEADERS.match(line) for line in lines), (argv, err)


@pytest.fixture
def no_network(monkeypatch):
    """Every proxy at a closed port, ssh disabled: any attempt to reach a source fails at once."""
    env = {k: "http://127.0.0.1:9" for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                                            "ALL_PROXY", "all_proxy")}
    env.update(NO_PROXY="", no_proxy="", GIT_SSH_COMMAND="false", GIT_TERMINAL_PROMPT="0",
               GIT_ALLOW_PROTOCOL="file:https:http", DEPNOLOCK="1")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def test_hostile_inputs_never_crash_nor_escape(no_network):
    @settings(max_examples=300, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(manifest=MANIFESTS, lock=LOCKS, vendor_kind=VENDOR_KINDS, tree=TREES, extras=ROOT_EXTRAS,
           imports=st.lists(NAMES, max_size=2))
    def one(manifest, lock, vendor_kind, tree, extras, imports):
        with time_limit(), tempfile.TemporaryDirectory() as tmp:
            gopath = os.path.join(tmp, "gopath")
            root = os.path.join(gopath, "src", IMPORT_ROOT)
            canary = os.path.join(tmp, "outside")
            canary_dirs = make_canary(canary)
            write_project(root, manifest, lock, vendor_kind, tree, extras, imports, canary)
            cache = os.path.join(tmp, "cache")
            env = dict(os.environ, GOPATH=gopath, PWD=root, DEPCACHEDIR=cache, HOME=tmp)
            before = snapshot(tmp, (root, cache))
            for d in canary_dirs:
                os.utime(d, ns=(1, os.stat(d).st_mtime_ns))
            for argv in COMMANDS:
                check_outcome(argv, *run(argv, root, env))
            assert [d for d in canary_dirs if os.stat(d).st_atime_ns != 1] == [], "canary listed"
            assert snapshot(tmp, (root, cache)) == before

    one()
