"""Benchmark: warm `dep audit -db DIR` on golang/dep v0.5.4's own project (15 locked projects)
against a few hundred OSV records.

    GIT_CONFIG_GLOBAL=/tmp/conf/mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:18081 \\
      python benchmarks/bench_audit.py /tmp/conf/dep054 [--records 400] [--runs 15]

The tree is copied into a scratch GOPATH and `dep ensure -vendor-only` warms the source cache.
The database is written in the Go vulnerability database's OSV format: per locked module one
record for the whole module (every locked version affected, so every project is walked for
reachability) and one for a package nothing imports, plus unrelated records up to --records.
One untimed audit fills the per-revision caches (module versions, package imports); then
whole `dep audit -db DIR` processes are timed. Prints the median and the findings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from common import DEP, compile_sources, copy_into_gopath, interleaved_medians, timed  # noqa: E402


def record(rid: str, module: str, events: list, imports: list | None) -> dict:
    affected = {"package": {"name": module, "ecosystem": "Go"}, "ranges": [{"type": "SEMVER", "events": events}]}
    if imports is not None:
        affected["ecosystem_specific"] = {"imports": imports}
    return {"schema_version": "1.3.1", "id": rid, "modified": "2024-01-02T00:00:00Z",
            "published": "2024-01-01T00:00:00Z", "aliases": [f"CVE-2099-{rid[-4:]}"],
            "summary": f"Benchmark record for {module}", "details": "Synthetic.", "affected": [affected],
            "database_specific": {"url": f"https://pkg.go.dev/vuln/{rid}"}}


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("tree", help="golang/dep v0.5.4 source tree")
    ap.add_argument("--records", type=int, default=400)
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args()
    compile_sources()
    tmp = tempfile.mkdtemp(prefix="dep-bench-audit-")
    try:
        project, gopath = copy_into_gopath(a.tree, os.path.join(tmp, "ours"))
        env = dict(os.environ, GOPATH=gopath, DEPCACHEDIR=os.path.join(tmp, "cache"), GO111MODULE="off")
        timed(DEP + ["ensure", "-vendor-only"], project, env)
        db = os.path.join(tmp, "osv")
        os.mkdir(db)
        r = subprocess.run(DEP + ["audit", "-json", "-db", db], cwd=project, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"dep audit failed:\n{r.stderr}")
        modules = json.loads(r.stdout)["modules"]
        n = 0
        for m in modules:
            for rec in (record(f"GO-2099-{n + 1:04d}", m["module"], [{"introduced": "0"}], None),
                        record(f"GO-2099-{n + 2:04d}", m["module"], [{"introduced": "0"}, {"fixed": "99.0.0"}],
                               [{"path": m["module"] + "/not/imported", "symbols": ["F"]}])):
                with open(os.path.join(db, rec["id"] + ".json"), "w") as fh:
                    json.dump(rec, fh, indent=2)
            n += 2
        while n < a.records:
            n += 1
            rec = record(f"GO-2099-{n:04d}", f"example.com/unrelated/m{n}", [{"introduced": "0"}, {"fixed": "1.2.3"}],
                         [{"path": f"example.com/unrelated/m{n}/pkg", "symbols": ["F", "T.M"]}])
            with open(os.path.join(db, rec["id"] + ".json"), "w") as fh:
                json.dump(rec, fh, indent=2)
        argv = DEP + ["audit", "-db", db]
        first = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True)  # fills the caches
        [median] = interleaved_medians([argv], project, env, runs=a.runs)
        print(f"golang/dep v0.5.4, {len(modules)} locked modules, {n} OSV records, {a.runs} runs")
        print(f"warm audit -db DIR  median {median:.3f} s  (exit {first.returncode})")
        print(first.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
