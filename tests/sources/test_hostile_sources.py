"""Hostile go-get servers, locks and URLs (issue 9): no value from outside reaches a VCS tool
as an option, discovery never points at a local repository, and a discovery request has a
total deadline and a size cap. Real hg/bzr/svn/git, real servers on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest

from conftest import go_import_page
from dep.bridge import ProjectIdentifier
from dep.errors import DepError
from dep.sources.deduce import DeduceError
from dep.sources.deducer import Deducer
from dep.sources.discovery import Discoverer, MAX_PAGE, discover
from dep.sources.git import GitSource
from dep.sources.manager import SourceManager
from dep.sources.vcs import BzrSource, HgSource, SourceError, SvnSource

needs_hg = pytest.mark.skipif(shutil.which("hg") is None, reason="Mercurial (hg) is not installed")
TOOLS = {HgSource: "hg", BzrSource: "bzr", SvnSource: "svn"}


def have(cls) -> bool:
    return any(shutil.which(t) for t in (cls.tools or (cls.tool,)))


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """A canary directory outside any project, also the working directory (where a relative
    ``touch`` from an injected command would land)."""
    d = tmp_path / "outside"
    d.mkdir()
    monkeypatch.chdir(d)
    return d


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert text and "\n" not in text
    return text


# ---------------------------------------------------------------------------------------------
# finding 4: option injection into hg, bzr, svn and git (ssh)

@needs_hg
def test_hg_hook_from_a_go_get_repo_root_never_runs(proxy_env, tmp_path, outside):
    marker = outside / "pwned"
    root = f"--config=hooks.pre-identify=touch$IFS{marker}"
    proxy_env.add("example.org/x", go_import_page(("example.org/x", "hg", root)))
    sm = SourceManager(str(tmp_path / "cache"))
    with pytest.raises(DepError) as info:
        sm.source(ProjectIdentifier("example.org/x"))
    assert not marker.exists()  # the hook ran before the fix
    assert one_line(info.value) == (
        f'invalid repo root "{root}" in go-get metadata for "example.org/x": '
        "no scheme (a server may not point at a local path)")
    assert os.listdir(outside) == []


@needs_hg
def test_hg_never_reads_a_url_as_an_option(tmp_path, outside):
    marker = outside / "pwned"
    src = HgSource(f"--config=hooks.pre-identify=touch$IFS{marker}", str(tmp_path / "cache"))
    with pytest.raises(SourceError) as info:
        src.exists_upstream()
    assert "refusing" in one_line(info.value)
    with pytest.raises(SourceError) as info:
        src.fetch()
    assert "refusing" in one_line(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("cls", list(TOOLS))
def test_cli_sources_refuse_option_like_urls(cls, tmp_path, outside):
    if not have(cls):
        pytest.skip(f"{TOOLS[cls]} is not installed")
    # "--version" would make every tool exit 0: the source would look reachable
    with pytest.raises(SourceError) as info:
        cls("--version", str(tmp_path / "cache")).exists_upstream()
    assert one_line(info.value).startswith('refusing "--version": it starts with "-"')
    # a NUL used to end in subprocess's ValueError traceback
    with pytest.raises(SourceError) as info:
        cls("https://example.org/x\0y", str(tmp_path / "cache")).exists_upstream()
    assert one_line(info.value).startswith('refusing "https://example.org/x\\x00y": it contains a NUL byte')


@pytest.mark.parametrize("make", [
    lambda c: GitSource("ssh://-oProxyCommand=touch${IFS}pwned/x", c),
    lambda c: GitSource("git+ssh://git@-oProxyCommand=touch${IFS}pwned/x", c),
    lambda c: GitSource("-oProxyCommand=touch${IFS}pwned:x", c),
    lambda c: HgSource("ssh://-oProxyCommand=touch${IFS}pwned/x", c),
    lambda c: BzrSource("bzr+ssh://-oProxyCommand=touch${IFS}pwned/x", c),
    lambda c: SvnSource("svn+ssh://-oProxyCommand=touch${IFS}pwned/x", c),
], ids=["git-ssh", "git+ssh-user", "git-scp", "hg", "bzr", "svn"])
def test_ssh_hosts_starting_with_a_dash_are_refused(make, tmp_path, outside):
    """CVE-2017-1000117: ssh reads a host like -oProxyCommand=... as an option."""
    src = make(str(tmp_path / "cache"))
    if not isinstance(src, GitSource) and not have(type(src)):
        pytest.skip(f"{type(src).__name__} tool is not installed")
    with pytest.raises(SourceError) as info:
        src.exists_upstream()
    assert "refusing" in one_line(info.value)
    with pytest.raises(SourceError) as info:
        src.list_versions(upstream=True)
    assert "refusing" in one_line(info.value)
    assert os.listdir(outside) == []


@needs_hg
def test_hg_revisions_from_a_lock_are_never_options(tmp_path, outside):
    up = tmp_path / "up"
    env = {**os.environ, "HGUSER": "t <t@example.com>", "HGRCPATH": "", "HGPLAIN": "1"}
    subprocess.run(["hg", "init", str(up)], check=True, env=env)
    (up / "a.go").write_text("package a\n")
    subprocess.run(["hg", "commit", "-q", "-A", "-m", "one"], cwd=up, check=True, env=env)
    src = HgSource(up.as_uri(), str(tmp_path / "cache"))
    marker = outside / "pwned"
    rev = f"--config=hooks.pre-log=touch$IFS{marker}"
    for op in (src.revision_present, src.resolve_revision,
               lambda r: src.export(r, str(tmp_path / "out")), lambda r: src.read_file(r, "a.go")):
        with pytest.raises(SourceError) as info:
            op(rev)
        assert one_line(info.value).startswith(f'refusing "{rev}": it starts with "-"')
    assert not marker.exists()


# ---------------------------------------------------------------------------------------------
# findings 4 and 5: what a go-get server may name as the repository

@pytest.mark.parametrize("vcs,root,why", [
    ("git", "file:///tmp/secret", "file scheme disallowed (a server may not point at a local repository)"),
    ("hg", "file:///tmp/secret", "file scheme disallowed (a server may not point at a local repository)"),
    ("git", "/tmp/secret", "no scheme (a server may not point at a local path)"),
    ("git", "../secret", "no scheme (a server may not point at a local path)"),
    ("bzr", "--Derror", "no scheme (a server may not point at a local path)"),
    ("git", "ftp://h/x", 'scheme "ftp" is not allowed for git (use https, http, git, git+ssh or ssh)'),
    ("hg", "git://h/x", 'scheme "git" is not allowed for hg (use https, http or ssh)'),
    ("bzr", "ssh://h/x", 'scheme "ssh" is not allowed for bzr (use https, http, bzr or bzr+ssh)'),
    ("git", "ssh://-oProxyCommand=x/y", 'its host or user starts with "-"'),
    ("git", "ssh://-oProxyCommand=x@h/y", 'its host or user starts with "-"'),
])
def test_discovery_refuses_local_and_unknown_repo_roots(proxy_env, vcs, root, why):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", vcs, root)), subtree=True)
    with pytest.raises(DeduceError) as info:
        Deducer(Discoverer()).deduce("example.org/foo/sub")
    assert one_line(info.value) == (
        f'invalid repo root "{root}" in go-get metadata for "example.org/foo/sub": {why}')


@pytest.mark.parametrize("vcs,root", [
    ("git", "git+ssh://git@h/x"), ("git", "git://h/x"), ("git", "http://h/x"),
    ("hg", "ssh://hg@h/x"), ("bzr", "bzr+ssh://h/x"), ("bzr", "bzr://h/x"),
])
def test_discovery_accepts_the_schemes_go_knows(proxy_env, vcs, root):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", vcs, root)))
    found = Deducer(Discoverer()).deduce("example.org/foo")
    assert [(c.vcs, c.url) for c in found.vcs_candidates] == [(vcs, root)]


def test_bracket_in_an_import_path_is_a_one_line_error(proxy_env):
    with pytest.raises(DeduceError) as info:
        Deducer(Discoverer()).deduce("exa[mple.org/x")
    assert one_line(info.value).startswith(
        'unable to deduce repository and source type for "exa[mple.org/x": unable to read '
        'metadata: unable to fetch raw metadata: failed HTTP request to URL "http://exa[mple.org/x?go-get=1"')


# ---------------------------------------------------------------------------------------------
# finding 7: a total deadline and a size cap per discovery request

class RawServer:
    """A TCP server on 127.0.0.1 that runs ``respond(conn)`` for each connection and counts
    the bytes it managed to send."""

    def __init__(self, respond) -> None:
        self.respond = respond
        self.sent = 0
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn) -> None:
        with conn:
            try:
                conn.recv(65536)  # the request
                self.respond(self, conn)
            except OSError:
                pass

    def send(self, conn, data: bytes) -> None:
        conn.sendall(data)
        self.sent += len(data)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def raw_server(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    servers = []

    def start(respond) -> RawServer:
        servers.append(RawServer(respond))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000000\r\n\r\n"


def trickle(data: bytes, start: bytes = b""):
    """Send ``start``, then ``data`` a byte every 0.2 s, for 20 s at most."""
    def respond(server, conn):
        server.send(conn, start)
        for i in range(100):
            if server.stop.is_set():
                return
            server.send(conn, data[i % len(data):i % len(data) + 1])
            time.sleep(0.2)
    return respond


@pytest.mark.parametrize("respond", [
    trickle(HEAD),                                                # the status line and headers
    trickle(b"<!-- still coming -->", HEAD + b"<html><head>"),   # the page itself
], ids=["headers", "body"])
def test_a_trickling_server_cannot_hold_discovery(raw_server, monkeypatch, respond):
    server = raw_server(respond)
    monkeypatch.setenv("DEPDISCOVERYTIMEOUT", "1.5")
    start = time.monotonic()
    with pytest.raises(DeduceError) as info:
        discover(f"127.0.0.1:{server.port}/x", scheme="http")
    assert time.monotonic() - start < 6
    assert "no complete answer within 1.5s (the limit per request; set DEPDISCOVERYTIMEOUT" \
        in one_line(info.value)


def test_a_huge_page_is_not_read_to_the_end(raw_server):
    size = 64 << 20

    def respond(server, conn):
        server.send(conn, HEAD + b"<html><head><!-- ")
        chunk = b"a" * 65536
        while server.sent < size and not server.stop.is_set():
            server.send(conn, chunk)

    server = raw_server(respond)
    start = time.monotonic()
    with pytest.raises(DeduceError) as info:
        discover(f"127.0.0.1:{server.port}/x", scheme="http")
    assert time.monotonic() - start < 10
    assert one_line(info.value).endswith(
        f"unable to parse go-import metadata: no end of <head> in the first {MAX_PAGE} bytes of the page")
    time.sleep(0.2)
    assert server.sent < size // 3  # what was sent before the connection closed (with buffers)


def test_a_page_with_its_tags_early_is_read_no_further(raw_server):
    def respond(server, conn):
        server.send(conn, HEAD + go_import_page((f"127.0.0.1:{server.port}/x", "git", "https://h/x")))
        time.sleep(5)  # the rest of the promised gigabyte never comes

    server = raw_server(respond)
    start = time.monotonic()
    found = discover(f"127.0.0.1:{server.port}/x", scheme="http")
    assert time.monotonic() - start < 3
    assert found.repo_url == "https://h/x"
