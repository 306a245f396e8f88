"""Benchmark: cold `dep ensure -vendor-only` on golang/dep v0.5.4's own project (15 locked
projects) from a Go module proxy, against the same from git and against dep v0.5.4.

    python3 ../shared/conformance/goget_proxy.py 18081 &
    GIT_CONFIG_GLOBAL=/tmp/conf/mirrors/gitconfig HTTP_PROXY=http://127.0.0.1:18081 \\
    HTTPS_PROXY=http://127.0.0.1:18081 \\
      .venv/bin/python benchmarks/bench_proxy.py /tmp/conf/dep054 --go-dep /tmp/conf/dep-v054 [--rounds 5]

The proxy is made by the real go command: `go mod download -json <lock name>@<revision>` for
every locked project with GOPROXY=direct over the same git mirrors (golang.org/x and gopkg.in
discovery through HTTP_PROXY, over http thanks to GOINSECURE); its GOMODCACHE/cache/download
is the proxy, served by a static 127.0.0.1 HTTP server that also answers revision queries
(`@v/<revision>.info`) from the .info files the go command wrote. The go command then checks
the served proxy by downloading all 15 modules again from it alone.

Scenarios, each a whole process on its own copy of the tree in a scratch GOPATH, no vendor/,
an empty cache dir, the tools taking turns round by round so machine load falls on all alike,
a `sync` plus a pause (--settle) before each run so none pays for the writeback of the one
before, and nothing deleted until the end (each round gets a new cache dir; vendor/ is moved
aside): deleting dep's clones between rounds slowed whatever ran next on this disk:

* dep-git: dep v0.5.4 (--go-dep) from the git mirrors
* ours-git: ours from the git mirrors (GOPROXY unset, go env file off)
* ours-proxy: ours with GOPROXY=<http server> GOSUMDB=off, git unreachable (an empty git
  config, HTTP(S)_PROXY at a refusing port), so only the proxy can serve
* ours-file: the same with GOPROXY=file://<dir> (no revision queries there)

With --git-http MIRRORS the git scenarios clone over git's smart HTTP protocol from a
127.0.0.1 server (git http-backend as CGI) instead of copying the mirrors' directories: how
dep users reach git hosting, and the comparison the issue's target is about.

A failing scenario is reported with its stderr and dropped. At the end the vendor/ trees are
compared file by file (path, exec bit, bytes) and `dep check` runs on the proxy's result.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib

sys.path.insert(0, os.path.dirname(__file__))
from common import DEP, compile_sources, copy_into_gopath, run_timed  # noqa: E402

from dep.gomod.pseudo import is_pseudo_version, pseudo_version_rev  # noqa: E402

# Settings of the go command and of our proxy source that must not leak in from the caller.
GO_SETTINGS = ("GOPROXY", "GONOPROXY", "GOPRIVATE", "GOSUMDB", "GONOSUMDB", "GOINSECURE", "GOFLAGS",
               "GOPATH", "GOMODCACHE", "GOCACHE", "GOENV", "GOTOOLCHAIN", "DEPCACHEDIR")


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in GO_SETTINGS}
    env.update(GOENV="off", GIT_TERMINAL_PROMPT="0", **extra)
    return env


def build_proxy(go: str, lock: list[dict], base: str) -> tuple[str, dict]:
    """Fill a private module cache with the go command (GOPROXY=direct over the mirrors); its
    cache/download directory and the module version each lock project got."""
    gopath = os.path.join(base, "gopath")
    env = clean_env(GOPATH=gopath, GOMODCACHE=os.path.join(gopath, "pkg", "mod"),
                    GOCACHE=os.path.join(base, "gocache"), GOPROXY="direct", GOSUMDB="off",
                    GOFLAGS="-mod=mod", GOTOOLCHAIN="local", GONOSUMDB="*", GOPRIVATE="*",
                    GOINSECURE="golang.org,gopkg.in", GOTELEMETRY="off")
    for k in ("HTTPS_PROXY", "https_proxy"):  # https discovery fails fast; http goes to HTTP_PROXY
        env.pop(k, None)
    work = os.path.join(base, "work")
    os.makedirs(work)
    args = [f"{p['name']}@{p['revision']}" for p in lock]
    t0 = time.perf_counter()
    r = subprocess.run([go, "mod", "download", "-json", *args], cwd=work, env=env,
                       capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    got = {o["Path"]: o for o in map(json.loads, split_json(r.stdout))}
    failed = [f"{p}: {o['Error']}" for p, o in got.items() if o.get("Error")]
    if r.returncode != 0 or failed or len(got) != len(lock):
        raise SystemExit("go mod download failed:\n" + "\n".join(failed) + "\n" + r.stderr)
    version = subprocess.run([go, "version"], capture_output=True, text=True, env=env).stdout.strip()
    print(f"proxy built by {go} ({version}) in {elapsed:.2f} s")
    return os.path.join(gopath, "pkg", "mod", "cache", "download"), got


def print_versions(lock: list[dict], got: dict) -> None:
    print(f"{'lock project':32} {'revision':12} {'lock version':14} module version")
    for p in lock:
        v = got[p["name"]]["Version"]
        kind = "pseudo" if is_pseudo_version(v) else "tag"
        kind += ", +incompatible" if v.endswith("+incompatible") else ""
        lv = p.get("version") or "branch " + p.get("branch", "-")
        print(f"{p['name']:32} {p['revision'][:12]:12} {lv:14} {v} ({kind})")


class ProxyHandler(http.server.SimpleHTTPRequestHandler):
    """A static GOPROXY tree; `@v/<revision>.info` answered from the .info file whose
    Origin.Hash is that revision, or whose pseudo-version ends in its first 12 digits."""

    served: list = []

    def do_GET(self) -> None:
        self.served.append(self.path)
        local = self.translate_path(self.path)
        if self.path.endswith(".info") and "/@v/" in self.path and not os.path.exists(local):
            rev = os.path.basename(local)[:-len(".info")]
            body = revision_info(os.path.dirname(local), rev)
            if body is not None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        super().do_GET()

    def log_message(self, *a) -> None:
        pass


def revision_info(vdir: str, rev: str) -> bytes | None:
    if len(rev) < 7 or any(c not in "0123456789abcdef" for c in rev) or not os.path.isdir(vdir):
        return None
    for name in sorted(os.listdir(vdir)):
        if not name.endswith(".info"):
            continue
        with open(os.path.join(vdir, name), "rb") as f:
            body = f.read()
        info = json.loads(body)
        version = info["Version"]
        if (info.get("Origin") or {}).get("Hash", "").startswith(rev) or (
                is_pseudo_version(version) and pseudo_version_rev(version) == rev[:12]):
            return body
    return None


class GitHTTPHandler(http.server.BaseHTTPRequestHandler):
    """git's smart HTTP protocol over the local mirrors: each request is handed to
    ``git http-backend`` as CGI, as a hosting server does (--git-http)."""

    root = ""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._cgi()

    def do_POST(self) -> None:
        self._cgi()

    def _cgi(self) -> None:
        path, _, query = self.path.partition("?")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":  # git's big negotiations
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunk = self.rfile.read(size + 2)[:size]
                if not size:
                    break
                body += chunk
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = dict(os.environ, GIT_PROJECT_ROOT=self.root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_ADDR="127.0.0.1",
                   CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)),
                   GIT_CONFIG_GLOBAL=os.devnull)
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _servable(mirrors: str, work: str) -> str:
    """A root holding every mirror, for upload-pack: a symlink to each, except a mirror some of
    whose refs reach objects the snapshot lacks (a local clone copies objects without looking,
    upload-pack walks them): a copy without those refs, its default branch (if it was one of
    them) set to the last complete ref so that a clone can check it out."""
    root = os.path.join(work, "git-http-root")
    for dirpath, dirnames, _ in os.walk(mirrors):
        for d in [d for d in dirnames if d.endswith(".git")]:
            src = os.path.join(dirpath, d)
            dst = os.path.join(root, os.path.relpath(src, mirrors))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            refs = subprocess.run(["git", "-C", src, "for-each-ref", "--format=%(refname)"],
                                  capture_output=True, text=True).stdout.split()
            bad = [r for r in refs if subprocess.run(["git", "-C", src, "rev-list", "--objects", r],
                                                     capture_output=True).returncode != 0]
            if not bad:
                os.symlink(src, dst)
                continue
            shutil.copytree(src, dst, symlinks=True)
            for r in bad:
                subprocess.run(["git", "-C", dst, "update-ref", "-d", r], check=True)
            head = subprocess.run(["git", "-C", dst, "symbolic-ref", "HEAD"], capture_output=True,
                                  text=True).stdout.strip()
            good = [r for r in refs if r not in bad]
            if head in bad and good:  # a clone must have a branch to check out (dep checks one out)
                subprocess.run(["git", "-C", dst, "update-ref", head, good[-1]], check=True)
        dirnames[:] = [d for d in dirnames if not d.endswith(".git")]
    return root


def serve_git(mirrors: str, work: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    """The mirrors over smart HTTP on 127.0.0.1, and a git config sending every rewritten URL
    there instead of to the directory (from the mirrors' own config)."""
    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 128

    handler = type("Handler", (GitHTTPHandler,), {"root": _servable(mirrors, work)})
    srv = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    with open(os.path.join(mirrors, "gitconfig"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace(f'[url "{mirrors.rstrip("/")}/', f'[url "{url}/')
    return srv, text


def serve(directory: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 128  # 8 parallel clients; the default 5 drops SYNs (1 s retransmits)

    srv = Server(("127.0.0.1", 0), functools.partial(ProxyHandler, directory=directory))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


def check_with_go(go: str, lock: list[dict], got: dict, url: str, base: str, no_git: dict) -> None:
    """The go command, with git unreachable, downloads every locked revision from the served proxy."""
    env = dict(no_git, GOPATH=os.path.join(base, "gopath"), GOMODCACHE=os.path.join(base, "gopath", "pkg", "mod"),
               GOCACHE=os.path.join(base, "gocache"), GOPROXY=url, GOSUMDB="off", GOFLAGS="-mod=mod",
               GOTOOLCHAIN="local", GOTELEMETRY="off")
    work = os.path.join(base, "work")
    os.makedirs(work)
    r = subprocess.run([go, "mod", "download", "-json", *(f"{p['name']}@{p['revision']}" for p in lock)],
                       cwd=work, env=env, capture_output=True, text=True)
    sums = {o["Path"]: (o.get("Version"), o.get("Sum")) for o in map(json.loads, split_json(r.stdout))}
    want = {p: (o["Version"], o["Sum"]) for p, o in got.items()}
    ok = r.returncode == 0 and sums == want
    verdict = "ok, same versions and h1: sums" if ok else "FAILED:\n" + r.stdout + r.stderr
    print(f"go mod download from {url} alone (revision queries, git unreachable): {verdict}")


def split_json(text: str) -> list[str]:
    """The objects of a stream of JSON values (go's -json output) as strings."""
    out, dec, i = [], json.JSONDecoder(), 0
    while text[i:].strip():
        i += len(text[i:]) - len(text[i:].lstrip())
        _, j = dec.raw_decode(text, i)
        out.append(text[i:j])
        i = j
    return out


def tree_files(root: str) -> dict[str, str]:
    """relative path -> kind and sha256 of every file and symlink under root."""
    out = {}
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for n in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = "link " + os.readlink(p)
            else:
                with open(p, "rb") as f:
                    h = hashlib.sha256(f.read()).hexdigest()
                out[rel] = ("x " if os.stat(p).st_mode & 0o111 else "f ") + h
    return out


def compare(a_name: str, a: str, b_name: str, b: str) -> None:
    fa, fb = tree_files(a), tree_files(b)
    diff = sorted(p for p in fa.keys() | fb.keys() if fa.get(p) != fb.get(p))
    if not diff:
        digest = hashlib.sha256("".join(f"{p}\0{fa[p]}\n" for p in sorted(fa)).encode()).hexdigest()[:16]
        print(f"vendor/ {a_name} == {b_name}: equal ({len(fa)} files, tree sha256 {digest})")
    else:
        print(f"vendor/ {a_name} != {b_name}: {len(diff)} paths differ, e.g. "
              + ", ".join(f"{p} ({'only ' + a_name if p not in fb else 'only ' + b_name if p not in fa else 'content'})"
                          for p in diff[:5]))


def closed_port() -> tuple[socket.socket, int]:
    """A bound, never-listening socket: connections to its port are refused for the whole run."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tree", help="golang/dep v0.5.4 source tree")
    ap.add_argument("--go-dep", help="dep v0.5.4 binary to time alongside")
    ap.add_argument("--go", default=shutil.which("go", path=os.path.dirname(sys.executable)) or shutil.which("go"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--settle", type=float, default=0.5, help="seconds to let the disk settle after the sync")
    ap.add_argument("--sequential", action="store_true", help="all rounds of a scenario before the next one")
    ap.add_argument("--git-http", metavar="MIRRORS",
                    help="serve this mirrors directory (with its gitconfig) over git's smart HTTP on 127.0.0.1 "
                         "and clone from there, as from a hosting site, instead of from the directories")
    a = ap.parse_args()
    if not a.go:
        raise SystemExit("bench_proxy: no go command found; pass --go PATH")
    compile_sources()
    with open(os.path.join(a.tree, "Gopkg.lock"), "rb") as f:
        lock = tomllib.load(f)["projects"]
    tmp = tempfile.mkdtemp(prefix="dep-bench-proxy-")
    refuser, port = closed_port()
    srv = None
    try:
        load0 = os.getloadavg()
        proxy_dir, got = build_proxy(a.go, lock, os.path.join(tmp, "build"))
        print_versions(lock, got)
        zips = [os.path.getsize(o["Zip"]) for o in got.values()]
        print(f"proxy: {proxy_dir}, {len(zips)} zips, {sum(zips) / 1e6:.2f} MB")
        srv, url = serve(proxy_dir)
        empty_gitconfig = os.path.join(tmp, "empty-gitconfig")
        open(empty_gitconfig, "w").close()
        dead = f"http://127.0.0.1:{port}"
        no_git = clean_env(GIT_CONFIG_GLOBAL=empty_gitconfig, GIT_CONFIG_NOSYSTEM="1", HTTP_PROXY=dead,
                           HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead, NO_PROXY="127.0.0.1",
                           no_proxy="127.0.0.1")
        check_with_go(a.go, lock, got, url, os.path.join(tmp, "gocheck"), no_git)

        scenarios = {}
        git_env = clean_env()
        if a.git_http:
            git_srv, text = serve_git(a.git_http, tmp)
            http_config = os.path.join(tmp, "http-gitconfig")
            with open(http_config, "w", encoding="utf-8") as f:
                f.write(text)
            git_env = clean_env(GIT_CONFIG_GLOBAL=http_config, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
        if a.go_dep:
            scenarios["dep-git"] = ([a.go_dep], git_env)
        scenarios["ours-git"] = (DEP, git_env)
        scenarios["ours-proxy"] = (DEP, dict(no_git, GOPROXY=url, GOSUMDB="off"))
        scenarios["ours-file"] = (DEP, dict(no_git, GOPROXY="file://" + proxy_dir, GOSUMDB="off"))
        projects = {name: copy_into_gopath(a.tree, os.path.join(tmp, name)) for name in scenarios}
        times: dict[str, list[float]] = {name: [] for name in scenarios}
        failed: dict[str, str] = {}
        requests = 0
        order = [(r, name) for r in range(a.rounds) for name in scenarios]
        if a.sequential:  # all rounds of one tool, then the next: no tool runs on another's writeback
            order = [(r, name) for name in scenarios for r in range(a.rounds)]
        trash = os.path.join(tmp, "trash")
        os.mkdir(trash)
        for round_, name in order:
            argv, env = scenarios[name]
            if name in failed:
                continue
            project, gopath = projects[name]
            # a fresh cache dir each round, and the last vendor/ moved aside: deleting dep's
            # clones between runs (on this disk, mounted with discard) slowed whatever ran next
            # for minutes; everything is deleted once, at the end
            cache = os.path.join(tmp, name, f"cache-{round_}")
            if os.path.exists(os.path.join(project, "vendor")):
                os.rename(os.path.join(project, "vendor"), os.path.join(trash, f"{name}-{round_}"))
            n0 = len(ProxyHandler.served)
            # the previous scenario's writes are still being flushed to disk; without a sync
            # the next run (whichever tool) pays for them in its own file creations
            os.sync()
            time.sleep(a.settle)
            elapsed, r = run_timed(argv + ["ensure", "-vendor-only"], project,
                                   dict(env, GOPATH=gopath, DEPCACHEDIR=cache))
            if r.returncode != 0:
                lines = (r.stderr.strip() or r.stdout.strip() or "(no output)").splitlines()
                failed[name] = f"exit {r.returncode}: " + " | ".join(
                    x.strip() for x in (lines if len(lines) <= 3 else [lines[0], "...", lines[-1]]))
                continue
            times[name].append(elapsed)
            if name == "ours-proxy":
                requests = len(ProxyHandler.served) - n0
        load1 = os.getloadavg()

        print(f"\ngolang/dep v0.5.4, 15 locked projects, cold `ensure -vendor-only`, {a.rounds} rounds, "
              f"medians in seconds; load average {load0[0]:.2f} before, {load1[0]:.2f} after ({os.cpu_count()} CPUs)")
        ref = statistics.median(times["dep-git"]) if times.get("dep-git") else None
        for name in scenarios:
            if name in failed:
                print(f"{name:11} FAILED, {failed[name]}")
                continue
            med = statistics.median(times[name])
            ratio = f"  {med / ref:.2f}x dep" if ref else ""
            extra = f"  ({requests} HTTP requests)" if name == "ours-proxy" else ""
            print(f"{name:11} {med:.3f}  (min {min(times[name]):.3f}, max {max(times[name]):.3f}){ratio}{extra}")
            print(" " * 12 + "rounds: " + " ".join(f"{t:.3f}" for t in times[name]))
        if ref:
            print("target for ours-proxy: <= 0.15x dep-git")

        done = [n for n in scenarios if n not in failed]
        base = "ours-git" if "ours-git" in done else None
        for other in done:
            if base and other != base:
                compare(base, os.path.join(projects[base][0], "vendor"),
                        other, os.path.join(projects[other][0], "vendor"))
        if "ours-proxy" in done:
            project, gopath = projects["ours-proxy"]
            env = dict(scenarios["ours-proxy"][1], GOPATH=gopath, DEPCACHEDIR=os.path.join(tmp, "ours-proxy", "cache-0"))
            _, r = run_timed(DEP + ["check"], project, env)
            verdict = "ok" if r.returncode == 0 else "FAILED: " + r.stdout + r.stderr
            print("dep check on ours-proxy's vendor/: " + verdict)

        keep = ("GIT_CONFIG_GLOBAL", "HTTP_PROXY", "HTTPS_PROXY")
        print(f"\nreproduce: cd {shlex.quote(os.getcwd())} && " + " ".join(f"{k}={shlex.quote(os.environ[k])}" for k in keep if k in os.environ)
              + " " + " ".join(shlex.quote(x) for x in [sys.executable, *sys.argv]))
    finally:
        if srv:
            srv.shutdown()
        refuser.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
