"""The GOPROXY client against a module cache the real go command wrote.

``go mod download -json`` (GOPROXY=direct over local git repositories) fills a module
cache; its ``cache/download`` directory is then a proxy, read as ``file://`` and served by
a static threaded HTTP server on 127.0.0.1 that also answers revision queries
(``@v/<rev>.info``) from the ``.info`` files the go command wrote. The go command itself
judges the ``,`` / ``|`` fallback rules.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import ssl
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from dep.gomod import proxy as proxymod
from dep.gomod.goenv import ProxyEntry
from dep.gomod.proxy import (DIRECT, OfflineError, ProxyClient, ProxyError, ProxyNotFound,
                             walk_proxies)
from dep.sources.vcs import NETWORK_OPS
from tests.gitrepos import make_repo
from tests.gomod.conftest import find_go, go_env_for, run_go

MOD = "github.com/Acme/alpha"
ESC = "github.com/!acme/alpha"


class World:
    """The repository, the go command's module cache and what ``go mod download`` said."""

    def __init__(self, go, base, repo, env, download, docs):
        self.go, self.base, self.repo, self.env = go, base, repo, env
        self.download, self.docs = download, docs

    def file(self, version: str, ext: str) -> bytes:
        return (self.download / ESC / "@v" / f"{version}{ext}").read_bytes()


def _json_stream(text: str) -> list[dict]:
    dec, out, i = json.JSONDecoder(), [], 0
    text = text.strip()
    while i < len(text):
        doc, i = dec.raw_decode(text, i)
        out.append(doc)
        while i < len(text) and text[i].isspace():
            i += 1
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    go = find_go()
    if not go:
        pytest.skip("no go command installed")
    base = tmp_path_factory.mktemp("proxyworld")
    repo = make_repo(base / "alpha", [
        {"files": {"go.mod": f"module {MOD}\n", "a.go": "package alpha\n"}, "tag": "v1.0.0"},
        {"files": {"b.go": "package alpha\n"}, "tag": "v1.1.0"},
        {"files": {"c.go": "package alpha\n"}},
    ])
    env = go_env_for(base / "go", {MOD: repo.path})
    p = run_go(go, ["mod", "download", "-json", f"{MOD}@v1.0.0", f"{MOD}@v1.1.0",
                    f"{MOD}@{repo.commits[2]}"], env, cwd=base)
    download = Path(env["GOMODCACHE"]) / "cache" / "download"
    return World(go, base, repo, env, download, _json_stream(p.stdout))


class Static:
    """A static GOPROXY server over a directory, on 127.0.0.1 (TLS when ``tls`` is given).

    ``@v/<rev>.info`` with no such file is answered from the ``.info`` whose Origin.Hash
    starts with ``rev``. ``force`` = (status, body) answers every request; ``overrides``
    maps a path to (status, body); ``auth``: the Authorization header required (else 401).
    """

    def __init__(self, root: Path, tls: ssl.SSLContext | None = None) -> None:
        self.root = root
        self.force: tuple[int, bytes] | None = None
        self.overrides: dict[str, tuple[int, bytes]] = {}
        self.auth: str | None = None
        self.paths: list[str] = []
        self.headers: list[dict] = []
        static = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                rel = unquote(urlsplit(self.path).path).lstrip("/")
                static.paths.append(rel)
                static.headers.append(dict(self.headers.items()))
                status, body = static.answer(rel, self.headers.get("Authorization"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:  # the client stopped reading (a size cap)
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, rel: str, auth: str | None) -> tuple[int, bytes]:
        if self.auth is not None and auth != self.auth:
            return 401, b"unauthorized\n"
        if self.force is not None:
            return self.force
        if rel in self.overrides:
            return self.overrides[rel]
        target = (self.root / rel).resolve()
        if self.root.resolve() not in target.parents:
            return 404, b"not found\n"
        if target.is_file():
            return 200, target.read_bytes()
        if rel.endswith(".info") and target.parent.is_dir():
            rev = target.name[:-len(".info")]
            for info in sorted(target.parent.glob("*.info")):
                doc = json.loads(info.read_bytes())
                if (doc.get("Origin") or {}).get("Hash", "").startswith(rev):
                    return 200, info.read_bytes()
        return 404, b"not found\n"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served(world):
    server = Static(world.download)
    yield server
    server.close()


@pytest.fixture
def env(tmp_path):
    """An environment with no proxy variables and an empty home (no .netrc)."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "PATH": os.environ.get("PATH", "")}


def _client(base, tmp_path, env, **kw) -> ProxyClient:
    return ProxyClient(base, str(tmp_path / "cache"), environ=env, **kw)


def _outside_cache(tmp_path: Path) -> list[str]:
    """Files written under tmp_path but outside the cache's pydep-proxy directory."""
    found = []
    for dirpath, _, files in os.walk(tmp_path):
        for name in files:
            p = os.path.join(dirpath, name)
            if "pydep-proxy" not in p and "/home/" not in p:
                found.append(p)
    return found


# ---------------------------------------------------------------------------------------
# The protocol, file:// and http:// alike


@pytest.mark.parametrize("kind", ["file", "http"])
def test_list_info_mod_zip_match_go(world, served, tmp_path, env, kind):
    base = world.download.as_uri() if kind == "file" else served.url
    c = _client(base, tmp_path, env)
    pseudo = next(d["Version"] for d in world.docs if "-" in d["Version"])
    # go's cache list has the pseudo-version too: the client leaves it out
    assert pseudo in world.file("", "list").decode()
    assert c.list(MOD) == ["v1.0.0", "v1.1.0"]
    for doc in world.docs:
        v = doc["Version"]
        info = c.info(MOD, v)
        assert info.version == v and info.time == json.loads(world.file(v, ".info"))["Time"]
        assert c.mod(MOD, v) == world.file(v, ".mod")
        done = []
        zpath = c.zip(MOD, v, progress=lambda d, t: done.append((d, t)))
        assert Path(zpath).read_bytes() == world.file(v, ".zip")
        assert Path(zpath).is_relative_to(tmp_path / "cache" / "pydep-proxy" / "download")
        assert done[-1][0] == len(world.file(v, ".zip"))
    # a revision query: the server answers it; a directory cannot, so the .info there whose
    # Origin names the revision does
    rev = world.repo.commits[2][:12]
    info = c.info(MOD, rev)
    assert info.version == pseudo and info.origin_hash == world.repo.commits[2]
    if kind == "file":
        with pytest.raises(ProxyNotFound, match=r"@v/0{12}\.info: 404 Not Found"):
            c.info(MOD, "0" * 12)
    assert _outside_cache(tmp_path) == []


def test_list_file_is_filtered_like_go(world, served, tmp_path, env):
    served.overrides[f"{ESC}/@v/list"] = (
        200, b"v1.0.0\nv1.2.0 2020-01-01T00:00:00Z\nbanana\nv1.3\n"
             b"v0.0.0-20200101000000-abcdefabcdef\n v2.0.0+incompatible\n\n")
    assert _client(served.url, tmp_path, env).list(MOD) == ["v1.0.0", "v1.2.0",
                                                           "v2.0.0+incompatible"]


def test_latest_falls_back_to_the_list(world, served, tmp_path, env):
    c = _client(served.url, tmp_path, env)
    pseudo = next(d["Version"] for d in world.docs if "-" in d["Version"])
    served.overrides[f"{ESC}/@v/list"] = (200, f"{pseudo}\nv1.0.0\n".encode())
    assert c.info(MOD, "latest").version == pseudo  # no @latest file: newest dated line
    served.overrides[f"{ESC}/@latest"] = (200, world.file("v1.1.0", ".info"))
    assert c.info(MOD, "latest").version == "v1.1.0"


def test_escaping_in_requests(world, served, tmp_path, env):
    c = _client(served.url + "/", tmp_path, env)
    c.mod(MOD, "v1.0.0")
    assert served.paths == [f"{ESC}/@v/v1.0.0.mod"]
    with pytest.raises(ProxyNotFound, match=r"404 Not Found"):
        c.mod("github.com/acme/alpha", "v1.0.0")


def test_counter_and_offline(world, served, tmp_path, env):
    before = NETWORK_OPS["proxy-get"]
    online = _client(served.url, tmp_path, env)
    online.list(MOD)
    online.zip(MOD, "v1.1.0")
    online.info(MOD, world.repo.commits[2])
    online.info(MOD, "v1.1.0")
    assert NETWORK_OPS["proxy-get"] - before == 4
    online.zip(MOD, "v1.1.0")  # immutable: from the cache
    online.info(MOD, "v1.1.0")
    assert NETWORK_OPS["proxy-get"] - before == 4
    served.close()
    before = NETWORK_OPS["proxy-get"]
    off = _client(served.url, tmp_path, env, offline=True)
    assert off.list(MOD) == ["v1.0.0", "v1.1.0"]
    assert Path(off.zip(MOD, "v1.1.0")).read_bytes() == world.file("v1.1.0", ".zip")
    assert off.info(MOD, "v1.1.0").version == "v1.1.0"
    assert off.info(MOD, world.repo.commits[2]).origin_hash == world.repo.commits[2]
    with pytest.raises(OfflineError) as exc:
        off.zip(MOD, "v1.0.0")
    msg = str(exc.value)
    assert "\n" not in msg and f"{MOD}@v1.0.0" in msg and "DEPOFFLINE" in msg
    # the download cache is shared by every base; queries are per base
    other = _client("http://127.0.0.1:1", tmp_path, env, offline=True)
    assert Path(other.zip(MOD, "v1.1.0")).read_bytes() == world.file("v1.1.0", ".zip")
    with pytest.raises(OfflineError, match="version list"):
        other.list(MOD)
    assert NETWORK_OPS["proxy-get"] == before


# ---------------------------------------------------------------------------------------
# Fallback: ',' moves on only after "not found", '|' after any error; as the go command


def _go_download(world, goproxy: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(world.env, GOPROXY=goproxy, GOMODCACHE=str(tmp_path / "modcache"),
               GOFLAGS="-mod=mod", GOPRIVATE="", GONOPROXY="")  # not straight to git
    return run_go(world.go, ["mod", "download", "-json", f"{MOD}@v1.1.0"], env,
                  cwd=world.base, check=False)


@pytest.mark.parametrize("status,sep,ok", [(500, ",", False), (500, "|", True),
                                           (404, ",", True), (410, ",", True),
                                           (404, "|", True)])
def test_fallback_matches_go(world, tmp_path, env, status, sep, ok):
    bad = Static(tmp_path / "nothing")
    bad.force = (status, b"broken\n")
    try:
        goproxy = f"{bad.url}{sep}{world.download.as_uri()}"
        p = _go_download(world, goproxy, tmp_path)
        assert (p.returncode == 0) == ok, p.stderr
        from dep.gomod.goenv import GoEnv
        entries = GoEnv.load({"GOPROXY": goproxy, "GOENV": "off"}).proxy_entries()
        clients = {}

        def client_for(url):
            return clients.setdefault(url, _client(url, tmp_path, env))

        def op(c):
            return c.zip(MOD, "v1.1.0")

        if ok:
            got = walk_proxies(entries, MOD, op, client_for=client_for)
            assert Path(got).read_bytes() == world.file("v1.1.0", ".zip")
        else:
            with pytest.raises(ProxyError) as exc:
                walk_proxies(entries, MOD, op, client_for=client_for)
            assert not isinstance(exc.value, ProxyNotFound)
            assert f"{status}" in str(exc.value) and "\n" not in str(exc.value)
    finally:
        bad.close()


def test_direct_off_and_all_failing(world, tmp_path, env):
    nothing = (tmp_path / "empty").as_uri()
    (tmp_path / "empty").mkdir()

    def client_for(url):
        return _client(url, tmp_path, env)

    def op(c):
        return c.mod(MOD, "v1.0.0")

    assert walk_proxies([ProxyEntry(nothing, False), ProxyEntry("direct", False)], MOD, op,
                        client_for=client_for) is DIRECT
    with pytest.raises(ProxyNotFound) as exc:
        walk_proxies([ProxyEntry(nothing, False), ProxyEntry("off", False)], MOD, op,
                     client_for=client_for)
    assert "(1)" in str(exc.value) and "disabled by GOPROXY=off" in str(exc.value)
    p = _go_download(world, f"{nothing},off", tmp_path)
    assert p.returncode != 0 and "disabled by GOPROXY=off" in p.stdout + p.stderr


# ---------------------------------------------------------------------------------------
# Credentials and proxies


class ForwardProxy:
    """An HTTP forward proxy that counts requests and sends them all to ``target``."""

    def __init__(self, target: str) -> None:
        self.seen: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.seen.append(self.path)
                parts = urlsplit(self.path)
                url = target + parts.path
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                try:
                    resp = opener.open(url)
                    status, body = resp.status, resp.read()
                except urllib.error.HTTPError as err:
                    status, body = err.code, err.read()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_http_proxy_is_honoured(world, served, tmp_path, env):
    fwd = ForwardProxy(served.url)
    try:
        env = dict(env, HTTP_PROXY=fwd.url)
        c = _client("http://goproxy.test", tmp_path, env)
        assert c.list(MOD) == ["v1.0.0", "v1.1.0"]
        assert fwd.seen == [f"http://goproxy.test/{ESC.replace('!', '%21')}/@v/list"]
        env["NO_PROXY"] = "goproxy.test"
        with pytest.raises(ProxyError):
            _client("http://goproxy.test", tmp_path, env).list(MOD)  # direct: no such host
        assert len(fwd.seen) == 1
    finally:
        fwd.close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.pem",
                    "-out", "c.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   cwd=d, check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d / "c.pem", d / "k.pem")
    return ctx, str(d / "c.pem")


def test_netrc_over_https_only(world, tmp_path, env, tls, monkeypatch):
    from dep.sources import discovery

    ctx, ca = tls
    monkeypatch.setenv("SSL_CERT_FILE", ca)
    discovery._tls_context.cache_clear()
    server = Static(world.download, tls=ctx)
    try:
        hostport = server.url.split("://")[1]
        netrc = tmp_path / "netrc"
        netrc.write_text(f"machine {hostport} login alice password s3cret\n")
        env = dict(env, NETRC=str(netrc))
        server.auth = "Basic " + base64.b64encode(b"alice:s3cret").decode()
        assert _client(server.url, tmp_path, env).list(MOD) == ["v1.0.0", "v1.1.0"]
        netrc.write_text(f"machine {hostport} login alice password wrong\n")
        with pytest.raises(ProxyError, match="401"):
            _client(server.url, tmp_path, env).list(MOD)
        # credentials in the URL are used too, but never over plain http
        user_url = server.url.replace("https://", "https://alice:s3cret@")
        c = _client(user_url, tmp_path, env)
        assert c.list(MOD) == ["v1.0.0", "v1.1.0"] and "s3cret" not in c.redacted
        with pytest.raises(ProxyError, match="refusing to pass credentials") as exc:
            _client("http://alice:s3cret@127.0.0.1:1", tmp_path, env).list(MOD)
        assert "s3cret" not in str(exc.value)
    finally:
        server.close()
        discovery._tls_context.cache_clear()


# ---------------------------------------------------------------------------------------
# Hostile answers: one-line errors, nothing kept, nothing written outside the cache


@pytest.mark.parametrize("name,answer,what", [
    ("bad json", (200, b"{not json"), "invalid JSON"),
    ("not canonical", (200, b'{"Version": "v1.0", "Time": "2020-01-01T00:00:00Z"}'),
     "not a canonical"),
    ("escaping", (200, b'{"Version": "../../../x", "Time": "2020-01-01T00:00:00Z"}'),
     "not a canonical"),
    ("other version", (200, b'{"Version": "v1.1.0", "Time": "2020-01-01T00:00:00Z"}'),
     "instead of the requested version"),
    ("bad time", (200, b'{"Version": "v1.0.0", "Time": "yesterday"}'), "RFC 3339"),
    ("server error", (500, b"oops"), "500"),
])
def test_hostile_info(world, served, tmp_path, env, name, answer, what):
    served.overrides[f"{ESC}/@v/v1.0.0.info"] = answer
    c = _client(served.url, tmp_path, env)
    with pytest.raises(ProxyError) as exc:
        c.info(MOD, "v1.0.0")
    assert what in str(exc.value) and "\n" not in str(exc.value)
    assert not list((tmp_path / "cache").rglob("*.info"))
    assert _outside_cache(tmp_path) == []


def test_hostile_revision_answer(world, served, tmp_path, env):
    served.overrides[f"{ESC}/@v/deadbeef.info"] = (
        200, b'{"Version": "v1.0.0/../../../../evil", "Time": "2020-01-01T00:00:00Z"}')
    with pytest.raises(ProxyError, match="not a canonical"):
        _client(served.url, tmp_path, env).info(MOD, "deadbeef")
    assert _outside_cache(tmp_path) == []


def test_huge_answers_are_cut_off(world, served, tmp_path, env, monkeypatch):
    served.overrides[f"{ESC}/@v/v1.0.0.mod"] = (200, b"x" * (proxymod.MAX_META + 1))
    c = _client(served.url, tmp_path, env)
    with pytest.raises(ProxyError, match="larger than") as exc:
        c.mod(MOD, "v1.0.0")
    assert "\n" not in str(exc.value)
    monkeypatch.setattr(proxymod, "MAX_ZIP_FILE", 100)
    with pytest.raises(ProxyError, match="larger than"):
        c.zip(MOD, "v1.0.0")
    served.overrides[f"{ESC}/@v/v1.1.0.zip"] = (200, b"not a zip")
    with pytest.raises(ProxyError, match="not a zip file"):
        c.zip(MOD, "v1.1.0")
    assert not list((tmp_path / "cache").rglob("*.zip")) and not list(
        (tmp_path / "cache").rglob(".tmp-*"))


@pytest.mark.parametrize("path,version", [
    ("github.com/acme/../../../etc", "v1.0.0"), ("/abs/path", "v1.0.0"),
    (MOD, "../../../x"), (MOD, "v1.0.0/../../x"), ("github.com/acme/x\x00y", "v1.0.0"),
])
def test_bad_paths_never_name_files(world, served, tmp_path, env, path, version):
    c = _client(served.url, tmp_path, env)
    calls = [lambda: c.mod(path, version), lambda: c.zip(path, version),
             lambda: c.info(path, version)]
    for call in calls + ([lambda: c.list(path)] if path != MOD else []):
        with pytest.raises(ProxyError) as exc:
            call()
        assert "\n" not in str(exc.value)
    assert served.paths == [] or all(".." not in p for p in served.paths)
    assert _outside_cache(tmp_path) == []


@pytest.mark.parametrize("url,why", [
    ("ftp://x/y", "must be https, http, file"), ("file://host/x", "non-path elements"),
    ("noscheme", "missing scheme"), ("file:rel", "non-path elements"),
])
def test_bad_base_urls(tmp_path, url, why):
    with pytest.raises(ProxyError, match=why):
        ProxyClient(url, str(tmp_path))


def test_sumdb_supported(world, served, tmp_path, env):
    c = _client(served.url, tmp_path, env)
    assert c.sumdb_supported("sum.golang.org") is False
    served.overrides["sumdb/sum.golang.org/supported"] = (200, b"")
    assert c.sumdb_supported("sum.golang.org") is True
    served.overrides["sumdb/sum.golang.org/supported"] = (500, b"")
    with pytest.raises(ProxyError, match="500"):
        c.sumdb_supported("sum.golang.org")
    with pytest.raises(ProxyError, match="invalid path"):
        c.sumdb_get("sum.golang.org", "../../x")


@pytest.mark.parametrize("origin", ["../../etc", "abc\n[[projects]]", "ABCDEF" * 7, "a" * 39, 42])
def test_an_origin_that_is_not_a_commit_id_is_no_revision(origin):
    """The revision a .info names goes into Gopkg.lock: anything but a full lower-case commit
    id is treated as if the proxy had not said."""
    from dep.gomod.proxy import _parse_info

    data = json.dumps({"Version": "v1.0.0", "Origin": {"VCS": "git", "Hash": origin}}).encode()
    assert _parse_info(data, "x").origin_hash is None
    good = json.dumps({"Version": "v1.0.0", "Origin": {"Hash": "0123456789abcdef" * 2 + "01234567"}}).encode()
    assert _parse_info(good, "x").origin_hash == "0123456789abcdef" * 2 + "01234567"
