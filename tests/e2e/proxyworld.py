"""A world for Go-module-proxy tests: real git upstreams, a project vendored by dep from git,
and a GOPROXY tree made by the real go command from the same upstreams.

Upstreams (``https://github.com/acme/<name>`` through git insteadOf rules):

* ``lib``: ensure_world's lib (v1.0.0, v1.1.0, v2.0.0, a ``dev`` branch), packages ``.`` and ``sub``;
* ``util``: v1.0.0, v1.1.0, v2.0.0 (lib's dependency; both as tests/e2e/ensure_world.py makes them);
* ``big``: ``v2.0.0`` and ``v2.1.0`` tags without a go.mod (module versions ``+incompatible``);
* ``nest``: package ``.`` and a nested module ``inner`` (its own go.mod, no LICENSE of its own);
* ``tip``: locked to its ``master`` branch (a pseudo-version on the proxy).

``build_proxy_world(base, go)`` vendors the project with dep from git (the reference vendor/
and Gopkg.lock), then runs ``go mod download`` for every locked project at its revision; the
module cache's ``cache/download`` directory is the proxy, and the go.sum lines the go command
computed (``sums``) can fill a checksum database. ``StaticProxy`` serves such a tree
over HTTP on 127.0.0.1 like a plain file server, answering revision queries from the ``.info``
files the go command wrote, and counts requests.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

from tests.e2e.ensure_world import make_lib_and_util, run_dep
from tests.gitrepos import make_repo
from tests.gomod.conftest import go_env_for, run_go

IMPORT_ROOT = "github.com/acme/app"
MAIN_GO = ('package main\n\nimport (\n\t"fmt"\n\n\t"github.com/acme/big"\n\t"github.com/acme/lib"\n'
           '\t"github.com/acme/lib/sub"\n\t"github.com/acme/nest"\n\t"github.com/acme/nest/inner"\n'
           '\t"github.com/acme/tip"\n)\n\n'
           "func main() { fmt.Println(lib.Name, sub.S, big.B, nest.N, inner.I, tip.T) }\n")
MANIFEST = ('[[constraint]]\n  name = "github.com/acme/lib"\n  version = "1.0.0"\n\n'
            '[[constraint]]\n  name = "github.com/acme/big"\n  version = "2.0.0"\n\n'
            '[[constraint]]\n  name = "github.com/acme/tip"\n  branch = "master"\n\n'
            "[prune]\n  go-tests = true\n  unused-packages = true\n  non-go = true\n")
REPOS = ("lib", "util", "big", "nest", "tip")


def build_repos(base: Path) -> dict:
    make_lib_and_util(base)
    make_repo(base / "repos/big", [
        {"files": {"big.go": 'package big\n\n// B is used by the app.\nconst B = "2.0"\n'}, "tag": "v2.0.0"},
        {"files": {"big.go": 'package big\n\n// B is used by the app.\nconst B = "2.1"\n'}, "tag": "v2.1.0"},
    ])
    make_repo(base / "repos/nest", [
        {"files": {"nest.go": "package nest\n\n// N is used by the app.\nconst N = 1\n", "LICENSE": "BSD\n",
                   "inner/go.mod": "module github.com/acme/nest/inner\n\ngo 1.16\n",
                   "inner/inner.go": "package inner\n\n// I is used by the app.\nconst I = 2\n"},
         "tag": "v1.0.0"},
    ])
    make_repo(base / "repos/tip", [
        {"files": {"tip.go": "package tip\n\n// T is used by the app.\nconst T = 1\n"}, "tag": "v0.1.0"},
        {"files": {"tip.go": "package tip\n\n// T is used by the app.\nconst T = 2\n"}},
    ])
    return {name: base / "repos" / name for name in REPOS}


def git_config(path: Path, repos: dict | None) -> Path:
    """insteadOf rules sending every URL dep may try for github.com/acme/<name> to the local
    repository (so a deleted upstream fails locally, never by asking DNS for github.com)."""
    schemes = ("https://", "http://", "ssh://git@", "git://", "git+ssh://")
    path.write_text("".join(f'[url "{p}"]\n' + "".join(f"\tinsteadOf = {s}github.com/acme/{n}\n" for s in schemes)
                            for n, p in (repos or {}).items()))
    return path


def dep_env(base: Path, gitconfig: Path, cache: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GO", "DEP", "GIT_"))}
    env.update(GOPATH=str(base / "gopath"), PWD=str(base / "gopath/src" / IMPORT_ROOT), GIT_CONFIG_GLOBAL=str(gitconfig),
               GIT_CONFIG_NOSYSTEM="1", DEPCACHEDIR=str(cache), GO111MODULE="off", GOFLAGS="",
               XDG_CONFIG_HOME=str(base / "xdg"), HOME=str(base / "home"))
    env.update(extra)
    return env


def locked_projects(lock_text: str) -> list[tuple[str, str, list[str]]]:
    """(name, revision, packages) of each [[projects]] block."""
    out = []
    for block in lock_text.split("[[projects]]")[1:]:
        name = re.search(r'name = "([^"]+)"', block).group(1)
        rev = re.search(r'revision = "([^"]+)"', block).group(1)
        pk = re.search(r"packages = \[(.*?)\]", block, re.S).group(1)
        out.append((name, rev, re.findall(r'"([^"]+)"', pk)))
    return out


def build_proxy_world(base: Path, go: str) -> dict:
    """Repositories, the project vendored from git by dep, and the go command's proxy tree."""
    repos = build_repos(base)
    project = base / "gopath/src" / IMPORT_ROOT
    project.mkdir(parents=True)
    (project / "main.go").write_text(MAIN_GO)
    (project / "Gopkg.toml").write_text(MANIFEST)
    cfg = git_config(base / "gitconfig", repos)
    run_dep(project, dep_env(base, cfg, base / "gitcache"), "ensure", ok=True)
    shutil.copytree(project, base / "reference", symlinks=True)

    goenv = go_env_for(base / "go", {f"github.com/acme/{n}": str(p) for n, p in repos.items()})
    modules, sums = {}, []
    for name, rev, packages in locked_projects((project / "Gopkg.lock").read_text()):
        mods = [name] + [f"{name}/{p}" for p in packages if p == "inner"]
        for mod in mods:
            out = json.loads(run_go(go, ["mod", "download", "-json", f"{mod}@{rev}"], goenv, cwd=base).stdout)
            modules[mod] = out["Version"]
            sums += [f"{mod} {out['Version']} {out['Sum']}", f"{mod} {out['Version']}/go.mod {out['GoModSum']}"]
    # a real proxy knows every tag of a module, not only the revisions someone locked
    for name, repo in repos.items():
        for tag in subprocess.run(["git", "tag"], cwd=repo, capture_output=True, text=True, check=True).stdout.split():
            mod = f"github.com/acme/{name}"
            run_go(go, ["mod", "download", "-json", f"{mod}@{tag}"], goenv, cwd=base)
    proxy = base / "proxy"
    shutil.copytree(Path(goenv["GOMODCACHE"]) / "cache" / "download", proxy)
    shutil.rmtree(proxy / "sumdb", ignore_errors=True)
    return {"repos": repos, "project": project, "proxy": proxy, "modules": modules, "sums": sums, "goenv": goenv}


class StaticProxy:
    """A plain static file server over a GOPROXY tree, on 127.0.0.1, in a thread.

    ``status`` forces every answer to that HTTP status (a broken proxy); otherwise files are
    served as they are, and ``<module>/@v/<revision>.info`` (which a static tree cannot hold)
    is answered from the ``.info`` file whose Origin names that revision, preferring a tag;
    with ``sumdb`` it proxies that checksum database as ``/sumdb/<name>/``, as proxy.golang.org
    does. ``requests`` lists the paths asked for."""

    def __init__(self, root: Path | None, status: int | None = None, sumdb: tuple[str, str] | None = None) -> None:
        self.root = root
        self.status = status
        self.sumdb = sumdb  # (name, url): /sumdb/<name>/... is proxied to that checksum database
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append(self.path)
                if outer.status is not None:
                    return self._send(outer.status, b"broken proxy\n")
                body = outer.answer(self.path)
                if body is None:
                    return self._send(404, b"not found\n")
                self._send(200, body)

            def _send(self, code, body):
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            request_queue_size = 128  # dep asks from 8 workers at once; 5 would drop SYNs (1 s retries)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str) -> bytes | None:
        rel = path.split("?", 1)[0].lstrip("/")
        if ".." in rel.split("/"):
            return None
        if self.sumdb and rel.startswith(f"sumdb/{self.sumdb[0]}/"):
            rest = rel[len(f"sumdb/{self.sumdb[0]}/"):]
            if rest == "supported":
                return b""
            import urllib.error
            import urllib.request

            try:
                with urllib.request.urlopen(f"{self.sumdb[1]}/{rest}", timeout=30) as r:
                    return r.read()
            except urllib.error.HTTPError:
                return None
        target = self.root / rel
        if target.is_file():
            return target.read_bytes()
        m = re.fullmatch(r"(.+)/@v/([0-9a-f]{7,40})\.info", rel)
        if m and (self.root / m.group(1) / "@v").is_dir():
            found = []
            for info in (self.root / m.group(1) / "@v").glob("*.info"):
                data = json.loads(info.read_text())
                rev = (data.get("Origin") or {}).get("Hash", "")
                if rev.startswith(m.group(2)):
                    found.append((re.search(r"-\d{14}-[0-9a-f]{12}$", data["Version"]) is not None, info))
            if found:
                return sorted(found)[0][1].read_bytes()
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
