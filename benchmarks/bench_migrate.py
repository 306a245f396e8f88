"""Benchmark: `dep migrate -vendor=false` on golang/dep v0.5.4's own project (15 locked
projects), from a warm cache, then the go command's verdict on the result.

    GIT_CONFIG_GLOBAL=/tmp/conf/mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:18081 \\
      python benchmarks/bench_migrate.py /tmp/conf/dep054 [--runs 7] [--go PATH]

The tree is copied into a scratch GOPATH; one `dep ensure -vendor-only` warms the source
cache; then each run removes go.mod/go.sum and times a whole `dep migrate -vendor=false`
process. Afterwards the go command (GOTOOLCHAIN=local GOFLAGS=-mod=mod GOPROXY=direct
GOSUMDB=off, the same insteadOf config; golang.org/x discovery over http through HTTP_PROXY
with GOINSECURE=golang.org, the clone then rewritten to the go.googlesource.com mirror)
runs `go mod verify`, `go build ./...` and `go mod tidy` on a copy without dep's vendor/. Prints medians in
seconds and the verdicts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import DEP, compile_sources, copy_into_gopath  # noqa: E402


def run(argv, cwd, env, check=True) -> subprocess.CompletedProcess:
    r = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{r.stdout}\n{r.stderr}")
    return r


def go_env(base: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(GOPATH=os.path.join(base, "gopath"), GOMODCACHE=os.path.join(base, "gopath", "pkg", "mod"),
               GOCACHE=os.path.join(base, "gocache"), GOTOOLCHAIN="local", GOFLAGS="-mod=mod",
               GOPROXY="direct", GOSUMDB="off", GONOSUMDB="*", GOPRIVATE="*", GOINSECURE="golang.org,gopkg.in",
               GOTELEMETRY="off", GIT_TERMINAL_PROMPT="0", CGO_ENABLED="0")
    env.pop("HTTPS_PROXY", None)
    env.pop("https_proxy", None)
    return env


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("tree", help="golang/dep v0.5.4 source tree")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--go", default=shutil.which("go", path=os.path.dirname(sys.executable)) or shutil.which("go"))
    a = ap.parse_args()
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-migrate-")
    try:
        project, gopath = copy_into_gopath(a.tree, os.path.join(tmp, "ours"))
        env = dict(os.environ, GOPATH=gopath, DEPCACHEDIR=os.path.join(tmp, "cache"), GO111MODULE="off")
        shutil.rmtree(os.path.join(project, "vendor"), ignore_errors=True)
        run(DEP + ["ensure", "-vendor-only"], project, env)
        times = []
        for _ in range(a.runs):
            for n in ("go.mod", "go.sum", "tools.go"):
                if os.path.exists(os.path.join(project, n)):
                    os.remove(os.path.join(project, n))
            t0 = time.perf_counter()
            out = run(DEP + ["migrate", "-vendor=false"], project, env)
            times.append(time.perf_counter() - t0)
        print(f"golang/dep v0.5.4, 15 locked projects, {a.runs} runs")
        print(f"warm migrate -vendor=false  median {statistics.median(times):.3f} s  "
              f"(min {min(times):.3f}, max {max(times):.3f})")
        if not a.go:
            print("go: not found, no verdict")
            return
        check = os.path.join(tmp, "check")
        shutil.copytree(project, check, symlinks=True, ignore=shutil.ignore_patterns("vendor"))
        genv = go_env(tmp)
        for args in (["mod", "verify"], ["build", "./..."]):
            r = run([a.go, *args], check, genv, check=False)
            verdict = "ok" if r.returncode == 0 else "FAILED: " + (r.stderr.strip().splitlines() or ["?"])[-1]
            print(f"go {' '.join(args)}: {verdict}")
        before = [open(os.path.join(check, n), "rb").read() for n in ("go.mod", "go.sum")]
        r = run([a.go, "mod", "tidy"], check, genv, check=False)
        after = [open(os.path.join(check, n), "rb").read() for n in ("go.mod", "go.sum")]
        print("go mod tidy: " + ("FAILED: " + r.stderr.strip()[-300:] if r.returncode else
                                 "changes nothing" if before == after else
                                 "changes " + ", ".join(n for n, b, c in zip(("go.mod", "go.sum"), before, after)
                                                        if b != c)))
        r = run([a.go, "version"], check, genv, check=False)
        print(r.stdout.strip())
        if "-v" in sys.argv:
            print(out.stdout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
