"""Benchmark: warm `dep licenses` (and `-json -deny unknown`) on golang/dep v0.5.4's own
project: its 15 locked projects and the vendor/ the tree ships (16 licence files).

    python benchmarks/bench_licenses.py /tmp/conf/dep054 [--runs 15]

The tree is copied into a scratch GOPATH; each run is a whole dep process. No sources are
touched, so no network, mirrors or cache are needed. Prints medians in seconds.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import compile_sources, copy_into_gopath, interleaved_medians, tree_benchmark_args  # noqa: E402


def main() -> None:
    a, tools = tree_benchmark_args(15)
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-licenses-")
    try:
        project, gopath = copy_into_gopath(a.tree, os.path.join(tmp, "ours"))
        env = dict(os.environ, GOPATH=gopath, DEPCACHEDIR=os.path.join(tmp, "cache"))
        ours = tools["ours"]
        medians = interleaved_medians([ours + ["licenses"], ours + ["licenses", "-json", "-deny", "unknown"]],
                                      project, env, runs=a.runs)
        print(f"dep licenses                    {medians[0]:.3f} s")
        print(f"dep licenses -json -deny unknown {medians[1]:.3f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
