"""`dep check` and `dep version` start fast: they import no module they do not need.

Each module listed in NOT_ON_STARTUP_PATH costs milliseconds of every run (dataclasses alone
pulls in inspect, ast, dis and tokenize; tomllib pulls in typing, string and datetime; the
third-party packages are for commands that solve or fetch), so importing one again is a
performance regression even when every result stays right.
"""

import os
import subprocess
import sys
import textwrap

from dep.digest import digest_from_directory
from dep.lock import Lock, LockedProject, render_lock
from dep.prune import PruneOptions
from dep.versions import parse_version

NOT_ON_STARTUP_PATH = (
    "dataclasses", "typing", "inspect", "ast", "concurrent.futures", "platform", "unicodedata",
    "tomllib", "datetime", "decimal",  # tomllib only for unusual TOML, the rest only for errors
    "dulwich", "resolvelib", "rich", "tomlkit", "typer", "click",
)


def make_project(gopath):
    """An in-sync project: main imports example.org/lib, which is vendored and locked."""
    root = gopath / "src" / "example.com" / "app"
    lib = root / "vendor" / "example.org" / "lib"
    lib.mkdir(parents=True)
    (lib / "lib.go").write_text('package lib\n\nimport "fmt"\n\nvar X = fmt.Sprint(1)\n')
    (root / "main.go").write_text('// +build !windows\n\npackage main // import "example.com/app"\n\n'
                                  'import (\n\t"fmt"\n\n\tlib "example.org/lib"\n)\n\n'
                                  "func main() { fmt.Println(lib.X) }\n")
    (root / "Gopkg.toml").write_text('# pinned\n[[constraint]]\n  name = "example.org/lib"\n  version = "1.0.0"\n\n'
                                     "[prune]\n  go-tests = true\n  unused-packages = true\n")
    locked = LockedProject("example.org/lib", "0" * 40, parse_version("v1.0.2"), packages=["."],
                           prune_opts=PruneOptions.NESTED_VENDOR | PruneOptions.UNUSED_PACKAGES | PruneOptions.GO_TESTS,
                           digest=digest_from_directory(lib))
    (root / "Gopkg.lock").write_text(render_lock(Lock([locked], ["example.org/lib"])))
    return root


def test_check_and_version_do_not_import_heavy_modules(tmp_path):
    root = make_project(tmp_path)
    code = textwrap.dedent("""
        import io, os, sys
        from dep.cli.app import main
        version, check, err = io.StringIO(), io.StringIO(), io.StringIO()
        codes = main(["version"], version, err, {}), main(["check"], check, err, dict(os.environ))
        print(codes, version.getvalue().startswith("dep:"), repr(check.getvalue() + err.getvalue()))
        print([m for m in sys.argv[1:] if m in sys.modules])
    """)
    env = dict(os.environ, GOPATH=str(tmp_path), PWD=str(root))
    r = subprocess.run([sys.executable, "-c", code, *NOT_ON_STARTUP_PATH], capture_output=True, text=True,
                       cwd=root, env=env)
    assert r.stdout.splitlines() == ["(0, 0) True ''", "[]"], r.stderr
