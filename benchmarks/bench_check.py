"""Benchmark: `dep check` on a generated project with many vendored files, and `dep version`.

    python benchmarks/bench_check.py [--projects 60] [--files 25] [--runs 15] [--go-dep PATH]
                                     [--real DIR ...]

Generates a GOPATH project whose vendor/ holds PROJECTS projects of FILES Go files each (plus
a LICENSE and a testdata file), writes a matching Gopkg.lock, and reports median wall-clock
times of whole `dep check` and `dep version` processes, run through the installed `dep` script.
With --go-dep, the same commands are timed with that binary (a build of golang/dep v0.5.4), the
two taking turns run by run. --real adds existing project dirs (for instance checkouts of real
projects with committed vendor/) to the table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import DEP, compile_sources, interleaved_medians  # noqa: E402

from dep.digest import digest_from_directory  # noqa: E402
from dep.lock import Lock, LockedProject, render_lock  # noqa: E402
from dep.prune import PruneOptions  # noqa: E402
from dep.versions import parse_version  # noqa: E402

BODY = "package p{i}\n\n// F{j} is generated.\nfunc F{j}(x int) int {{\n\treturn x*{j} + {i}\n}}\n" + "// filler\n" * 40


def generate(root: str, projects: int, files: int) -> str:
    """Build GOPATH/src/example.com/app with a vendored tree; return the project dir."""
    app = os.path.join(root, "src", "example.com", "app")
    os.makedirs(app)
    imports, locked = [], []
    for i in range(projects):
        name = f"github.com/bench{i % 7}/lib{i}"
        pdir = os.path.join(app, "vendor", name)
        os.makedirs(os.path.join(pdir, "testdata"))
        for j in range(files):
            with open(os.path.join(pdir, f"f{j}.go"), "w") as f:
                f.write(BODY.format(i=i, j=j).replace("package p", f"package lib{i} // p"))
        with open(os.path.join(pdir, "LICENSE"), "w") as f:
            f.write("MIT\r\n" * 20)
        with open(os.path.join(pdir, "testdata", "x.txt"), "w") as f:
            f.write("data\n")
        imports.append(name)
        locked.append(LockedProject(name, f"{i:040x}", parse_version("v1.0.0"), packages=["."],
                                    prune_opts=PruneOptions.NESTED_VENDOR | PruneOptions.UNUSED_PACKAGES,
                                    digest=digest_from_directory(pdir)))
    with open(os.path.join(app, "main.go"), "w") as f:
        f.write("package main\n\nimport (\n" + "".join(f'\t_ "{p}"\n' for p in imports) + ")\n\nfunc main() {}\n")
    with open(os.path.join(app, "Gopkg.toml"), "w") as f:
        f.write("[prune]\n  unused-packages = true\n")
    with open(os.path.join(app, "Gopkg.lock"), "w") as f:
        f.write(render_lock(Lock(projects=locked, input_imports=sorted(imports))))
    return app


def count_files(path: str) -> int:
    return sum(len(files) for _, _, files in os.walk(os.path.join(path, "vendor")))


def gopath_of(project: str) -> str:
    return project[: project.index(os.sep + "src" + os.sep)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=60)
    ap.add_argument("--files", type=int, default=25)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--go-dep", help="path to a dep v0.5.4 binary to time on the same trees")
    ap.add_argument("--real", nargs="*", default=[], help="extra project dirs inside a GOPATH")
    a = ap.parse_args()
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-")
    try:
        app = generate(tmp, a.projects, a.files)
        os.sync()  # no write-back of the new tree while it is being timed
        rows = [("version", [], tmp, tmp)]
        for project in [app, *a.real]:
            rows.append((f"check {os.path.basename(project)} ({count_files(project)} vendored files)",
                         ["check"], project, gopath_of(project)))
        print(f"{'command':60} {'ours (s)':>9} {'dep (s)':>9}")
        for label, args, cwd, gopath in rows:
            env = dict(os.environ, GOPATH=gopath, PWD=cwd, DEPNOLOCK="1")
            commands = [[*DEP, *(args or ["version"])]] + ([[a.go_dep, *(args or ["version"])]] if a.go_dep else [])
            ours, *rest = interleaved_medians(commands, cwd, env, a.runs)
            theirs = rest[0] if rest else None
            print(f"{label:60} {ours:9.3f} {theirs if theirs is None else f'{theirs:9.3f}':>9}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
