"""Benchmark: solving against a dependency with many versions of a repository with a large vendor/.

    python benchmarks/bench_init_versions.py [--go-dep PATH] [--runs 5] [--versions 18]

A synthetic, deterministic dependency, github.com/acme/big (reached through a
GIT_CONFIG_GLOBAL ``insteadOf`` rule pointing at a local repository), has one semver tag per
version (v1.0.0, v1.1.0, ...). Each version holds 60 ``.go`` files in 12 packages outside
vendor/ and 1,100 under vendor/ (a sixth of them changed from one version to the next, as a
project that updates its vendored code does). The root project imports
``github.com/acme/big/legacy``, which only v1.0.0 has, so every solve tries (and analyses)
every version from the newest down, as a solve does when it backtracks through a project's
history. Scenarios, each a whole process, the cache dir kept from one to the next as a user's:

* ``init``: ``dep init`` on a fresh project with an empty cache dir (clone, analysis, write)
* ``re-solve``: ``dep ensure`` after deleting Gopkg.lock
* ``-update``: ``dep ensure -update``

With --go-dep the same scenarios run with that binary (dep v0.5.4), the two tools taking turns
round by round so machine load falls on both alike. Prints medians in seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import DEP, compile_sources, timed  # noqa: E402

PACKAGES = 12  # outside vendor/
FILES_PER_PACKAGE = 5
VENDOR_PACKAGES = 110
FILES_PER_VENDOR_PACKAGE = 10
IMPORT = "github.com/acme/big"


def _git(cwd: str, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.com",
                            GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.com",
                            GIT_AUTHOR_DATE="2020-01-01T00:00:00Z", GIT_COMMITTER_DATE="2020-01-01T00:00:00Z"))


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def _go_file(package: str, imports: list[str], stamp: str, body_lines: int) -> str:
    imps = "".join(f'\t"{i}"\n' for i in imports)
    body = "".join(f"\tx = append(x, {n} /* {stamp} */)\n" for n in range(body_lines))
    return (f"// Package {package} is generated ({stamp}).\npackage {package}\n\nimport (\n{imps})\n\n"
            f"// F returns numbers.\nfunc F() []int {{\n\tvar x []int\n{body}\t_ = fmt.Sprint\n\treturn x\n}}\n")


def make_dependency(repo: str, versions: int) -> None:
    """The dependency's repository: one commit and tag per version (see the module docstring)."""
    os.makedirs(repo)
    _git(repo, "init", "-q", "-b", "master")
    for v in range(versions):
        stamp = f"v1.{v}.0"
        for p in range(PACKAGES):
            for f in range(FILES_PER_PACKAGE):
                imports = ["fmt"] + ([f"{IMPORT}/pkg{p + 1}"] if p + 1 < PACKAGES and f == 0 else [])
                _write(os.path.join(repo, f"pkg{p}", f"f{f}.go"), _go_file(f"pkg{p}", imports, stamp, 20))
        legacy = os.path.join(repo, "legacy")
        if v == 0:
            _write(os.path.join(legacy, "legacy.go"), _go_file("legacy", ["fmt", f"{IMPORT}/pkg0"], stamp, 5))
        else:
            shutil.rmtree(legacy, ignore_errors=True)
        for k in range(VENDOR_PACKAGES * FILES_PER_VENDOR_PACKAGE):
            if v and (k + v) % 6:
                continue  # unchanged since the previous version
            p, f = divmod(k, FILES_PER_VENDOR_PACKAGE)
            path = os.path.join(repo, "vendor", "github.com", "vend", f"lib{p // 10}", f"sub{p % 10}", f"f{f}.go")
            _write(path, _go_file(f"sub{p % 10}", ["fmt", "strings"], f"{stamp}-{k}", 40))
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", stamp)
        _git(repo, "tag", stamp)
    _git(repo, "gc", "-q")  # packed, as a server's repository (and what a clone receives)


def make_project(base: str) -> tuple[str, str]:
    """A GOPATH with the root project example.com/app; (project dir, GOPATH)."""
    gopath = os.path.join(base, "gopath")
    project = os.path.join(gopath, "src", "example.com", "app")
    _write(os.path.join(project, "main.go"),
           f'package main\n\nimport (\n\t"{IMPORT}/legacy"\n\t"{IMPORT}/pkg0"\n)\n\n'
           "func main() {\n\t_ = legacy.F()\n\t_ = pkg0.F()\n}\n")
    return project, gopath


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--go-dep", help="dep v0.5.4 binary to time alongside")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--versions", type=int, default=18)
    a = ap.parse_args()
    tools = {"ours": DEP}
    if a.go_dep:
        tools["dep"] = [a.go_dep]
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-init-")
    try:
        upstream = os.path.join(tmp, "upstream", "big")
        make_dependency(upstream, a.versions)
        gitconfig = os.path.join(tmp, "gitconfig")
        _write(gitconfig, f'[url "{upstream}"]\n\tinsteadOf = https://{IMPORT}\n')
        scenarios = ("init", "re-solve", "-update")
        times = {(name, s): [] for name in tools for s in scenarios}
        for _ in range(a.runs):
            for name, argv in tools.items():
                base = os.path.join(tmp, name)
                shutil.rmtree(base, ignore_errors=True)
                project, gopath = make_project(base)
                env = dict(os.environ, GOPATH=gopath, DEPCACHEDIR=os.path.join(base, "cache"),
                           GIT_CONFIG_GLOBAL=gitconfig, GIT_CONFIG_NOSYSTEM="1")
                times[name, "init"].append(timed(argv + ["init"], project, env))
                os.remove(os.path.join(project, "Gopkg.lock"))
                times[name, "re-solve"].append(timed(argv + ["ensure"], project, env))
                times[name, "-update"].append(timed(argv + ["ensure", "-update"], project, env))
        print(f"github.com/acme/big: {a.versions} versions, {PACKAGES * FILES_PER_PACKAGE} .go files outside "
              f"vendor/, {VENDOR_PACKAGES * FILES_PER_VENDOR_PACKAGE} in it; {a.runs} runs, medians in seconds")
        for s in scenarios:
            meds = {name: statistics.median(times[name, s]) for name in tools}
            row = "  ".join(f"{name} {m:.3f}" for name, m in meds.items())
            if "dep" in meds:
                row += f"  (ours/dep {meds['ours'] / meds['dep']:.2f})"
            print(f"{s:9} {row}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
