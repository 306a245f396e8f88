"""Benchmark: `dep ensure` on golang/dep v0.5.4's own project (15 locked projects).

    GIT_CONFIG_GLOBAL=/tmp/dep-mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:PORT \\
    HTTPS_PROXY=http://127.0.0.1:PORT \\
      python benchmarks/bench_ensure.py DEP_SOURCE_TREE [--go-dep PATH] [--runs 7]

DEP_SOURCE_TREE is a checkout of golang/dep at v0.5.4 (its Gopkg.toml, Gopkg.lock, vendor/
and Go code); it is copied into a scratch GOPATH. Sources come from local mirrors (see
../shared/conformance/README.md: mkmirror.sh writes the git config that rewrites github.com
URLs; goget_proxy.py answers golang.org/x discovery). Scenarios, each a whole process:

* cold ``ensure -vendor-only``: empty cache dir, no vendor/ (clone + export + prune + hash)
* warm ``ensure -vendor-only``: the cache of the cold run, no vendor/
* in-sync ``ensure``: lock and vendor/ already right (dep re-verifies vendor/ and stops)

With --go-dep the same scenarios run with that binary (dep v0.5.4), the two tools taking
turns round by round so machine load falls on both alike. Prints medians in seconds.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import compile_sources, copy_into_gopath, timed, tree_benchmark_args  # noqa: E402


def main() -> None:
    a, tools = tree_benchmark_args(default_runs=7)
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-ensure-")
    try:
        projects = {name: copy_into_gopath(a.tree, os.path.join(tmp, name)) for name in tools}
        times = {(name, s): [] for name in tools for s in ("cold", "warm", "in-sync")}
        trash = os.path.join(tmp, "trash")
        os.mkdir(trash)

        def set_aside(path: str, label: str) -> None:
            # nothing is deleted until the end: removing a round's clones slowed whatever ran
            # next on this disk (mounted with discard) for minutes, dep's runs most
            if os.path.exists(path):
                os.rename(path, os.path.join(trash, label))

        for round_ in range(a.runs):
            for name, argv in tools.items():
                project, gopath = projects[name]
                cache = os.path.join(tmp, name, f"cache-{round_}")
                env = dict(os.environ, GOPATH=gopath, DEPCACHEDIR=cache)
                set_aside(os.path.join(project, "vendor"), f"{name}-{round_}-a")
                os.sync()
                times[name, "cold"].append(timed(argv + ["ensure", "-vendor-only"], project, env))
                set_aside(os.path.join(project, "vendor"), f"{name}-{round_}-b")
                times[name, "warm"].append(timed(argv + ["ensure", "-vendor-only"], project, env))
                times[name, "in-sync"].append(timed(argv + ["ensure"], project, env))
        print(f"golang/dep v0.5.4, 15 locked projects, {a.runs} runs, medians in seconds")
        for scenario in ("cold", "warm", "in-sync"):
            row = "  ".join(f"{name} {statistics.median(times[name, scenario]):.3f}" for name in tools)
            print(f"{scenario:8} {row}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
