"""A world with a vanity import path, for the mirror, ``source`` and offline tests.

Upstreams are real git repositories reached through ``url.<path>.insteadOf`` rewrites
(never the network): ``github.com/acme/lib`` (static deduction) and a vanity project whose
go-get page a counting HTTP server on 127.0.0.1 serves, through ``HTTP_PROXY`` (the HTTPS
attempt is refused, as in tests/sources), pointing at ``https://github.com/<owner>/<name>``.
The project ``github.com/acme/app`` imports both. ``World.requests()`` is every request the
discovery server saw; ``World.dep_counting`` also reports git network operations in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.e2e.ensure_world import run_dep
from tests.gitrepos import make_repo
from tests.sources.conftest import GoGetServer, go_import_page

APP = "github.com/acme/app"
LIB = "github.com/acme/lib"
FOO_GO = 'package {name}\n\n// V is used by the app.\nconst V = "{v}"\n'
LIB_GO = 'package lib\n\n// L is used by the app.\nconst L = "{v}"\n'

_COUNTING = """
import sys, json
from dep.cli.app import main
from dep.sources import vcs
rc = main(sys.argv[1:])
sys.stderr.write("NETWORK_OPS=" + json.dumps(dict(vcs.NETWORK_OPS)) + "\\n")
sys.exit(rc)
"""


class World:
    def __init__(self, base, vanity: str = "example.org/foo", repo_url: str = "https://github.com/acme/foo",
                 manifest: str = "") -> None:
        self.base = base
        self.vanity = vanity
        self.repo_url = repo_url
        name = vanity.rsplit("/", 1)[1]
        self.repos = {
            "foo": make_repo(base / "repos/foo", [
                {"files": {"foo.go": FOO_GO.format(name=name, v="1.0")}, "tag": "v1.0.0"},
                {"files": {"foo.go": FOO_GO.format(name=name, v="1.1")}, "tag": "v1.1.0"},
            ]),
            "lib": make_repo(base / "repos/lib", [
                {"files": {"lib.go": LIB_GO.format(v="1.0")}, "tag": "v1.0.0"},
                {"files": {"lib.go": LIB_GO.format(v="1.1")}, "tag": "v1.1.0"},
            ]),
        }
        self.project = base / "gopath/src" / APP
        self.project.mkdir(parents=True)
        (self.project / "main.go").write_text(
            f'package main\n\nimport (\n\t"fmt"\n\n\t"{LIB}"\n\t"{vanity}"\n)\n\n'
            f"func main() {{ fmt.Println(lib.L, {name}.V) }}\n")
        (self.project / "Gopkg.toml").write_text(manifest)
        cfg = base / "gitconfig"
        cfg.write_text(f'[url "{self.repos["foo"].path}"]\n\tinsteadOf = {repo_url}\n'
                       f'[url "{self.repos["lib"].path}"]\n\tinsteadOf = https://{LIB}\n')
        self.server = GoGetServer()
        self.server.add(vanity, go_import_page((vanity, "git", repo_url)), subtree=True)
        (base / "home").mkdir()
        self.cache = base / "cache"
        self.cache.mkdir()
        self.env = dict(os.environ, GOPATH=str(base / "gopath"), PWD=str(self.project), HOME=str(base / "home"),
                        GIT_CONFIG_GLOBAL=str(cfg), DEPCACHEDIR=str(self.cache), GO111MODULE="off", GOFLAGS="",
                        HTTP_PROXY=self.server.proxy_url, HTTPS_PROXY=self.server.proxy_url)
        for k in ("DEPNOLOCK", "DEPCACHEAGE", "DEPPROJECTROOT", "NO_PROXY", "no_proxy", "http_proxy",
                  "https_proxy", "DEPCONFIG", "XDG_CONFIG_HOME", "DEPOFFLINE", "NETRC"):
            self.env.pop(k, None)

    def close(self) -> None:
        self.server.close()

    def requests(self) -> list[str]:
        """Every request the discovery server received (GETs and CONNECTs)."""
        return [*self.server.gets(), *self.server.connects()]

    def dep(self, *args, ok: bool | None = None, **env):
        return run_dep(self.project, {**self.env, **env}, *args, ok=ok)

    def python(self, code: str, *args, **env) -> subprocess.CompletedProcess:
        """``python -c code args`` in the project (never a traceback)."""
        r = subprocess.run([sys.executable, "-c", code, *args], cwd=self.project, env={**self.env, **env},
                           capture_output=True, text=True)
        assert "Traceback" not in r.stderr, r.stderr
        return r

    def dep_counting(self, *args, ok: bool | None = None, **env):
        """dep in a process that reports ``dep.sources.vcs.NETWORK_OPS`` at exit: (result, ops)."""
        r = self.python(_COUNTING, *args, **env)
        if ok is not None:
            assert (r.returncode == 0) == ok, (r.returncode, r.stdout, r.stderr)
        head, _, ops = r.stderr.rpartition("NETWORK_OPS=")
        r.stderr = head
        return r, json.loads(ops)

    def read(self, rel: str) -> str:
        return (self.project / rel).read_text()

    def write(self, rel: str, text: str) -> None:
        (self.project / rel).write_text(text)

    def remove_upstreams(self) -> None:
        """The upstream repositories disappear (renamed away, so nothing can clone or fetch)."""
        for repo in self.repos.values():
            shutil.move(str(repo.path), str(repo.path) + ".gone")
