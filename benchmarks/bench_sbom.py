"""Benchmark: warm `dep sbom` on golang/dep v0.5.4's own project (15 locked projects), in both
formats, with vendor/ (licences scanned, packages read from vendor/) and without it (packages
from the source cache at the locked revisions), and what importing the SBOM libraries costs.

    GIT_CONFIG_GLOBAL=/tmp/conf/mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:18081 \\
      python benchmarks/bench_sbom.py /tmp/conf/dep054 [--runs 15]

The tree is copied into a scratch GOPATH; one `dep ensure -vendor-only` warms the source cache
and one `dep sbom` the module mapping (dep.gomod.lockmap's metadata cache); then each command
is timed as a whole process, interleaved (benchmarks/common.py). Prints medians in seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import DEP, compile_sources, copy_into_gopath, interleaved_medians, tree_benchmark_args  # noqa: E402


def main() -> None:
    a, _ = tree_benchmark_args(15)
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-sbom-")
    try:
        project, gopath = copy_into_gopath(a.tree, os.path.join(tmp, "ours"))
        env = dict(os.environ, GOPATH=gopath, DEPCACHEDIR=os.path.join(tmp, "cache"), GO111MODULE="off",
                   SOURCE_DATE_EPOCH="1700000000")
        shutil.rmtree(os.path.join(project, "vendor"), ignore_errors=True)
        for argv in (DEP + ["ensure", "-vendor-only"], DEP + ["sbom", "-o", os.devnull]):
            r = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True)
            if r.returncode:
                raise SystemExit(f"{' '.join(argv)} failed:\n{r.stderr}")
        out = os.path.join(tmp, "bom.json")
        commands = [DEP + ["sbom", "-o", out], DEP + ["sbom", "-format", "spdx-json", "-o", out]]
        with_vendor = interleaved_medians(commands, project, env, runs=a.runs)
        shutil.move(os.path.join(project, "vendor"), os.path.join(tmp, "vendor"))
        without = interleaved_medians(commands, project, env, runs=a.runs)
        py = [sys.executable, "-c"]
        imports = interleaved_medians([py + ["pass"], py + ["import dep.licenses"],
                                       py + ["import cyclonedx.model.bom, cyclonedx.output.json, cyclonedx.spdx"],
                                       py + ["import spdx_tools.spdx.model, spdx_tools.spdx.writer.json.json_writer"]],
                                      tmp, env, runs=a.runs)
        print(f"golang/dep v0.5.4, 15 locked projects, medians of {a.runs} runs (s)")
        for label, (cdx, spdx) in (("with vendor/", with_vendor), ("without vendor/", without)):
            print(f"warm sbom {label:<16} cyclonedx-json {cdx:.3f}  spdx-json {spdx:.3f}")
        base = imports[0]
        print(f"python start {base:.3f}; imports on top: dep.licenses {imports[1] - base:.3f}, "
              f"cyclonedx {imports[2] - base:.3f}, spdx_tools {imports[3] - base:.3f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
