"""Shared fixtures for the sources tests.

* ``no_internet`` (autouse): Python-level connections may only go to loopback addresses;
  anything else fails at once with ``ConnectionRefusedError`` and is recorded in
  ``no_internet.blocked``. (Subprocesses such as git are not affected.)
* ``goget_server``: a real threaded HTTP server on 127.0.0.1 that serves go-get pages. It
  doubles as the forward proxy the tests point ``HTTP_PROXY``/``HTTPS_PROXY`` at, so
  requests for ``http://example.org/...`` arrive here with their absolute URL; ``CONNECT``
  (the HTTPS attempt) is refused with 405 unless ``server.tls`` is set, in which case the
  tunnel is served over TLS with the ``tls_ca`` certificate.
* ``proxy_env``: points both proxy variables at the server and isolates ``NO_PROXY``,
  ``NETRC`` and ``HOME``.
* ``tls_ca``: a throwaway CA and a certificate for ``example.org``/``*.example.org``/
  ``*.test`` (made with the openssl command; tests using it skip if it is missing).
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class _Guard:
    def __init__(self) -> None:
        self.blocked: list[str] = []


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    guard = _Guard()
    real = socket.create_connection

    def create_connection(address, *args, **kwargs):
        host = address[0]
        if host not in _LOOPBACK:
            guard.blocked.append(f"{host}:{address[1]}")
            raise ConnectionRefusedError(111, f"blocked by the test guard: {host}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return guard


# ---------------------------------------------------------------------------------------------
# go-get server


@dataclass
class Page:
    body: bytes
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    subtree: bool = False  # also served for every path below this one


@dataclass
class Request:
    method: str
    url: str          # absolute: http://host/path?query, https://... for tunneled requests
    headers: dict     # lower-case names


def go_import_page(*metas: tuple[str, str, str], head: str = "", body: str = "") -> bytes:
    """An HTML page with one ``<meta name="go-import">`` per (prefix, vcs, repo)."""
    tags = "".join(f'<meta name="go-import" content="{p} {v} {r}">\n' for p, v, r in metas)
    return (f"<!DOCTYPE html>\n<html>\n<head>\n{head}{tags}</head>\n"
            f"<body>{body}</body>\n</html>\n").encode()


class GoGetServer:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[Request] = []
        self.tls: ssl.SSLContext | None = None   # serve CONNECT tunnels with TLS when set
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.proxy_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def add(self, where: str, body: bytes, status: int = 200, headers: dict | None = None,
            delay: float = 0.0, subtree: bool = False) -> None:
        """Serve ``body`` at ``where``: ``host/path`` (any scheme) or ``scheme://host/path``;
        with ``subtree`` also at every path below it."""
        self.pages[where] = Page(body, status, headers or {}, delay, subtree)

    def record(self, req: Request) -> None:
        with self._lock:
            self.requests.append(req)

    def gets(self, prefix: str = "") -> list[str]:
        """URLs of the GET requests received (optionally only those starting with prefix)."""
        with self._lock:
            return [r.url for r in self.requests if r.method == "GET" and r.url.startswith(prefix)]

    def connects(self) -> list[str]:
        with self._lock:
            return [r.url for r in self.requests if r.method == "CONNECT"]

    def page_for(self, url: str) -> Page | None:
        parts = urlsplit(url)
        path = parts.netloc + parts.path
        exact = True
        while path:
            for key in (f"{parts.scheme}://{path}", path):
                page = self.pages.get(key)
                if page is not None and (exact or page.subtree):
                    return page
            path = path.rpartition("/")[0]
            exact = False
        return None

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler_for(server: GoGetServer):
    class Handler(BaseHTTPRequestHandler):
        tunnel_host = ""  # set on the per-tunnel subclass

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _headers(self) -> dict:
            return {k.lower(): v for k, v in self.headers.items()}

        def do_GET(self) -> None:
            if self.tunnel_host:
                url = f"https://{self.tunnel_host}{self.path}"
            elif self.path.startswith("/"):
                url = f"http://{self.headers.get('Host', '')}{self.path}"
            else:
                url = self.path
            server.record(Request("GET", url, self._headers()))
            page = server.page_for(url)
            if page is None:
                page = Page(b"<html><body>no such page</body></html>", 404)
            if page.delay:
                time.sleep(page.delay)
            self.send_response(page.status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page.body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(page.body)

        def do_CONNECT(self) -> None:
            server.record(Request("CONNECT", self.path, self._headers()))
            if server.tls is None:
                self.send_error(405, "CONNECT not allowed")
                self.close_connection = True
                return
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.flush()
            host = self.path.rsplit(":", 1)[0]
            try:
                conn = server.tls.wrap_socket(self.connection, server_side=True)
            except (ssl.SSLError, OSError):
                self.close_connection = True
                return
            tunnel = type("TunnelHandler", (Handler,), {"tunnel_host": host})
            try:
                tunnel(conn, self.client_address, self.server)
            except (ssl.SSLError, OSError):
                pass
            finally:
                conn.close()
            self.close_connection = True

    return Handler


@pytest.fixture
def goget_server():
    server = GoGetServer()
    yield server
    server.close()


@pytest.fixture
def proxy_env(monkeypatch, goget_server, tmp_path):
    """Route every HTTP(S) request through ``goget_server``; no NO_PROXY, no real netrc."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
                 "no_proxy", "REQUEST_METHOD", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", goget_server.proxy_url)
    monkeypatch.setenv("HTTPS_PROXY", goget_server.proxy_url)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return goget_server


# ---------------------------------------------------------------------------------------------
# TLS


@dataclass
class TLSFiles:
    ca_cert: str
    cert: str
    key: str

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory) -> TLSFiles:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    d = tmp_path_factory.mktemp("tls")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=dep test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=example.org")
    (d / "ext.cnf").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=DNS:example.org,DNS:*.example.org,DNS:*.test\n"
        "authorityKeyIdentifier=keyid,issuer\nsubjectKeyIdentifier=hash\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return TLSFiles(str(d / "ca.pem"), str(d / "server.pem"), str(d / "server.key"))


@pytest.fixture
def tls_proxy_env(proxy_env, tls_ca, monkeypatch):
    """Like ``proxy_env``, with CONNECT tunnels served over TLS and the test CA trusted."""
    proxy_env.tls = tls_ca.server_context()
    monkeypatch.setenv("SSL_CERT_FILE", tls_ca.ca_cert)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return proxy_env
