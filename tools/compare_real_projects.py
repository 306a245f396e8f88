"""Compare `dep check` output with dep v0.5.4's on real projects (not part of the test suite).

    python benchmarks/compare_real_projects.py LIST.tsv

LIST.tsv has a `#` header line, then tab-separated: short name, owner/name, commit, import
path, project dir. Next to each project's `gopath/` dir the files expected.stdout,
expected.stderr and expected.rc hold what dep v0.5.4's `dep check` printed there (see
docs/real-projects.md for how they were made). Prints one line per project and a total.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main(list_path: str) -> int:
    passed = failed = 0
    for line in open(list_path):
        if line.startswith("#") or not line.strip():
            continue
        short, repo, commit, _ip, project = line.rstrip("\n").split("\t")
        base = project[: project.index("/gopath/")]
        gopath = os.path.join(base, "gopath")
        env = dict(os.environ, GOPATH=gopath, PWD=project, DEPNOLOCK="1")
        r = subprocess.run([sys.executable, "-m", "dep", "check"], cwd=project, env=env,
                           capture_output=True, text=True)
        want = [open(os.path.join(base, f"expected.{k}")).read() for k in ("stdout", "stderr", "rc")]
        same = [r.stdout == want[0], r.stderr == want[1], str(r.returncode) == want[2].strip()]
        ok = all(same)
        passed += ok
        failed += not ok
        print(f"{'SAME' if ok else 'DIFF'}  {short:20} {repo}@{commit[:12]}  rc={r.returncode}")
        if not ok:
            print(f"      stdout {'ok' if same[0] else 'differs'}, stderr {'ok' if same[1] else 'differs'}, "
                  f"rc {'ok' if same[2] else 'differs'}")
            if not same[0]:
                print("      ours:\n" + r.stdout[:2000] + "\n      dep's:\n" + want[0][:2000])
            if not same[1]:
                print("      ours stderr: " + r.stderr[:1000])
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
