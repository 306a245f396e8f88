"""The command line behaves like dep v0.5.4's: dispatch, Go flag syntax, usage, exit codes."""

import io
import subprocess
import sys

import pytest

from dep.cli.app import main
from dep.cli.flags import FlagError, FlagSet

TOP_USAGE = """Dep is a tool for managing dependencies for Go projects

Usage: "dep [command]"

Commands:

  init      Set up a new Go project, or migrate an existing one
  status    Report the status of the project's dependencies
  ensure    Ensure a dependency is safely vendored in the project
  version   Show the dep version information
  check     Check if imports, Gopkg.toml, and Gopkg.lock are in sync
  migrate   Write go.mod and go.sum from Gopkg.lock (Go modules)
  why       Show why a package or project is needed (the shortest import chain)
  sbom      Print a software bill of materials (CycloneDX or SPDX JSON)
  licenses  List the licences of the vendored projects (SPDX identifiers)
  audit     Report known vulnerabilities of the locked projects (OSV records)

Examples:
  dep init                               set up a new project
  dep ensure                             install the project's dependencies
  dep ensure -update                     update the locked versions of all dependencies
  dep ensure -add github.com/pkg/errors  add a dependency to the project

Use "dep help [command]" for more information about a command.
"""


def run(*argv, environ=None):
    out, err = io.StringIO(), io.StringIO()
    rc = main(list(argv), out, err, environ or {})
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", [(), ("help",), ("-h",), ("HELP",)])
def test_top_level_usage(argv):
    rc, out, err = run(*argv)
    assert err == TOP_USAGE and out == ""
    assert rc == (0 if argv == ("-h",) else 1)


def test_unknown_command():
    rc, out, err = run("frobnicate")
    assert rc == 1
    assert err == "dep: frobnicate: no such command\n" + TOP_USAGE


def test_flags_before_the_command_are_go_global_flags():
    rc, _, err = run("-v", "ensure")
    assert rc == 2
    assert err.startswith("flag provided but not defined: -v\nDep is a tool")
    rc, _, err = run("-cpuprofile")
    assert rc == 2 and err.startswith("flag needs an argument: -cpuprofile\n")


def test_command_usage_layout():
    rc, out, err = run("check", "-h")
    assert rc == 1 and out == ""
    assert err.startswith("Usage: dep check [-q] [-skip-lock] [-skip-vendor]\n\n")
    assert err.endswith(
        "Flags:\n\n"
        "  -q            Suppress non-error output (default: false)\n"
        "  -skip-lock    Skip checking that imports and Gopkg.toml are in sync with Gopkg.lock (default: false)\n"
        "  -skip-vendor  Skip checking that vendor is in sync with Gopkg.lock (default: false)\n\n")
    assert run("help", "check") == (rc, out, err)


def test_version_usage_has_dep_trailing_space_and_only_v():
    _, _, err = run("version", "-h")
    assert err.startswith("Usage: dep version \n")
    assert "  -v  enable verbose logging (default: false)\n" in err


def test_status_string_flag_default_shows_none():
    _, _, err = run("status", "-h")
    assert "-f         output in text/template format (default: <none>)" in err


def test_unknown_flag_prints_go_error_then_usage():
    rc, _, err = run("check", "-x")
    assert rc == 1
    assert err.startswith("flag provided but not defined: -x\nUsage: dep check ")


def test_check_has_no_verbose_flag():
    rc, _, err = run("check", "-v")
    assert rc == 1 and err.startswith("flag provided but not defined: -v\n")


def test_version_fields():
    rc, out, err = run("version", "ignored", "args")
    assert rc == 0 and err == ""
    keys = [line.split(":")[0] for line in out.splitlines()]
    assert keys == ["dep", " version     ", " build date  ", " git hash    ", " go version  ",
                    " go compiler ", " platform    ", " features    "]
    assert " version     : v0.5.4+py." in out


def test_init_too_many_args():
    assert run("init", "a", "b")[2] == "too many args (2)\n"


def test_help_documentation_is_a_go_doc_comment():
    rc, out, _ = run("help", "documentation")
    assert rc == 0 and out.rstrip().endswith("package main")


class TestGoFlagSyntax:
    def flags(self):
        fs = FlagSet()
        fs.bool("q", "")
        fs.bool("skip-lock", "")
        fs.string("f", "")
        fs.int("n", "")
        return fs

    @pytest.mark.parametrize("args, values, rest", [
        (["-q", "x"], {"q": True}, ["x"]),
        (["--q", "--", "-skip-lock"], {"q": True, "skip-lock": False}, ["-skip-lock"]),
        (["-skip-lock=false", "-q=1"], {"skip-lock": False, "q": True}, []),
        (["-f", "{{.X}}", "a", "-q"], {"f": "{{.X}}", "q": False}, ["a", "-q"]),
        (["-f=", "-n=0x10"], {"f": "", "n": 16}, []),
        (["-", "-q"], {"q": False}, ["-", "-q"]),
    ])
    def test_accepted(self, args, values, rest):
        got, remaining = self.flags().parse(args)
        assert {k: got[k] for k in values} == values
        assert remaining == rest

    @pytest.mark.parametrize("args, message", [
        (["-x"], "flag provided but not defined: -x"),
        (["-q=x"], 'invalid boolean value "x" for -q: parse error'),
        (["-f"], "flag needs an argument: -f"),
        (["-n", "z"], 'invalid value "z" for flag -n: parse error'),
        (["---q"], "bad flag syntax: ---q"),
        (["-=q"], "bad flag syntax: -=q"),
        (["-help"], ""),
        (["-h"], ""),
    ])
    def test_rejected(self, args, message):
        with pytest.raises(FlagError) as e:
            self.flags().parse(args)
        assert str(e.value) == message


def test_python_dash_m_runs_the_cli():
    r = subprocess.run([sys.executable, "-m", "dep", "version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("dep:\n")
