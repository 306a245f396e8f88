"""go-get discovery: ``<meta name="go-import">`` over HTTPS, then HTTP, as dep does it.

``GET https://<import path>?go-get=1``; on a transport error (not an HTTP status: a 404
page is parsed like any other) the same request over ``http://``. Only ``http`` is tried
when the input itself asked for ``http://``. Proxies come from ``HTTP_PROXY``,
``HTTPS_PROXY`` and ``NO_PROXY`` (upper case first, then lower case) with Go's rules;
``.netrc`` supplies basic auth for an exactly matching host.

The page is read with a port of the tokenizer dep uses (Go's ``encoding/xml`` decoder,
non-strict, raw tokens) until ``<body>`` or ``</head>``, so HTML is accepted or rejected in
the same places: unquoted attribute values, attributes without values, any tag case and
unknown entities pass; a ``<`` inside a quoted value, ``--`` inside a comment or invalid
UTF-8 stop the scan (an error only if no go-import tag was seen before).

A server is untrusted: each request has a total deadline (``DEPDISCOVERYTIMEOUT`` seconds,
default 60; a per-read timeout alone lets a trickling server hold us for ever), at most
``MAX_PAGE`` bytes of a page are read, a redirect's body is not read at all, and the repo
root must be a URL with a scheme ``go get`` knows for its VCS: never ``file://`` or a local
path (as Go's validateRepoRoot), never a host or user starting with ``-``.

:class:`Discoverer` is the per-run cache (thread-safe; concurrent requests for the same
page share one HTTP request). ``urllib`` is imported only when a request is made.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Callable, Mapping
from typing import NamedTuple

from dep.sources.deduce import DeduceError, GoURL, _q
from dep.sources.netrc import NetrcEntry, basic_auth_header, go_fields, read_netrc

__all__ = [
    "DEFAULT_TIMEOUT", "MAX_PAGE", "Deadline", "Discoverer", "Discovery", "MetaImport",
    "MetadataError", "TransportError", "discover", "get_metadata", "open_url",
    "parse_meta_go_imports", "proxy_for_url", "total_timeout",
]

DEFAULT_TIMEOUT = 60.0  # seconds per request, in total; DEPDISCOVERYTIMEOUT overrides it
MAX_PAGE = 1 << 20  # bytes of a page read at most (the go-import tags are in its <head>)
_USER_AGENT = "Go-http-client/1.1"  # what dep's requests say about themselves


class MetaImport(NamedTuple):
    prefix: str
    vcs: str
    repo_root: str


class Discovery(NamedTuple):
    """The project root (the meta prefix), its VCS and the repository URL (Go-normalized)."""

    root: str
    vcs: str
    repo_url: str


class MetadataError(Exception):
    """Why go-get metadata could not be read (the part after ``unable to read metadata: ``)."""


# --------------------------------------------------------------------------------------------
# Go's encoding/xml raw tokenizer, non-strict, no entity map beyond XML's five

class _XMLError(Exception):
    pass


_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:.-")
_UNQUOTED_VALUE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:-")
_SPACE = frozenset(b" \r\n\t")
_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"apos": "'", b"quot": '"'}
_DIGITS = frozenset(b"0123456789")
_HEXDIGITS = frozenset(b"0123456789abcdefABCDEF")
# XML 1.0 name characters; outside ASCII approximated by Unicode category
_FIRST_CATEGORIES = frozenset(("Ll", "Lu", "Lo", "Lt", "Nl"))
_SECOND_CATEGORIES = frozenset(("Mc", "Me", "Mn", "Lm", "Nd"))


def _name_first(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha() or ch in ":_"
    return unicodedata.category(ch) in _FIRST_CATEGORIES


def _name_second(ch: str) -> bool:
    if ch.isascii():
        return ch.isdigit() or ch in "-."
    return ch == "\xb7" or unicodedata.category(ch) in _SECOND_CATEGORIES


def _is_name(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not text or not _name_first(text[0]):
        return False
    return all(_name_first(ch) or _name_second(ch) for ch in text[1:])


def _in_character_range(r: int) -> bool:
    return (r in (0x09, 0x0A, 0x0D) or 0x20 <= r <= 0xD7FF or 0xE000 <= r <= 0xFFFD
            or 0x10000 <= r <= 0x10FFFF)


def _proc_inst(param: str, content: str) -> str:
    """The value of ``param="..."`` in a processing instruction (Go's procInst)."""
    _, found, value = content.partition(param + "=")
    if not found or not value or value[0] not in "'\"":
        return ""
    inner, closed, _ = value[1:].partition(value[0])
    return inner if closed else ""


def _describe(exc: BaseException) -> str:
    """One line for a Python exception raised by the network stack."""
    import http.client
    if isinstance(exc, http.client.IncompleteRead):
        return "unexpected EOF"
    if isinstance(exc, TimeoutError) or type(exc).__name__ == "timeout":
        return "i/o timeout"
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
        text = text[:1].lower() + text[1:]
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


class _Decoder:
    """Byte-level tokenizer mirroring xml.Decoder.RawToken with Strict=false."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._buf = b""
        self._pos = 0
        self._eof = False
        self._next = -1
        self.line = 1
        self._need_close = False
        self._to_close = ""

    # -- bytes

    def getc(self) -> int | None:
        if self._next >= 0:
            b, self._next = self._next, -1
        else:
            if self._pos >= len(self._buf):
                if self._eof:
                    return None
                try:
                    chunk = self._read(65536)
                except Exception as exc:  # a read error ends the document like in Go
                    raise _XMLError(_describe(exc)) from None
                if not chunk:
                    self._eof = True
                    return None
                self._buf, self._pos = chunk, 0
            b = self._buf[self._pos]
            self._pos += 1
        if b == 0x0A:
            self.line += 1
        return b

    def mustgetc(self) -> int:
        b = self.getc()
        if b is None:
            raise self.syntax("unexpected EOF")
        return b

    def ungetc(self, b: int) -> None:
        if b == 0x0A:
            self.line -= 1
        self._next = b

    def syntax(self, msg: str) -> _XMLError:
        return _XMLError(f"XML syntax error on line {self.line}: {msg}")

    def space(self) -> None:
        while True:
            b = self.getc()
            if b is None:
                return
            if b not in _SPACE:
                self.ungetc(b)
                return

    # -- names

    def read_name(self, buf: bytearray) -> bool:
        b = self.mustgetc()
        if b < 0x80 and b not in _NAME_BYTES:
            self.ungetc(b)
            return False
        buf.append(b)
        while True:
            b = self.mustgetc()
            if b < 0x80 and b not in _NAME_BYTES:
                self.ungetc(b)
                return True
            buf.append(b)

    def name(self) -> str | None:
        buf = bytearray()
        if not self.read_name(buf):
            return None
        if not _is_name(bytes(buf)):
            raise self.syntax("invalid XML name: " + buf.decode("utf-8", "replace"))
        return buf.decode("utf-8")

    def nsname(self) -> str | None:
        """The local part of a possibly prefixed name."""
        s = self.name()
        if s is None or s.count(":") > 1:
            return s
        space, colon, local = s.partition(":")
        return local if colon and space and local else s

    # -- text

    def text(self, quote: int, cdata: bool) -> bytes:
        buf = bytearray()
        b0 = b1 = 0
        trunc = 0
        while True:
            b = self.getc()
            if b is None:
                if cdata:
                    raise self.syntax("unexpected EOF in CDATA section")
                break
            if b0 == 0x5D and b1 == 0x5D and b == 0x3E:  # ]]>
                if cdata:
                    trunc = 2
                    break
                raise self.syntax("unescaped ]]> not in CDATA section")
            if b == 0x3C and not cdata:  # <
                if quote >= 0:
                    raise self.syntax("unescaped < inside quoted string")
                self.ungetc(b)
                break
            if quote >= 0 and b == quote:
                break
            if b == 0x26 and not cdata:  # &
                self._entity(buf)
                b0 = b1 = 0
                continue
            if b == 0x0D:
                buf.append(0x0A)
            elif not (b1 == 0x0D and b == 0x0A):
                buf.append(b)
            b0, b1 = b1, b
        data = bytes(buf[:len(buf) - trunc])
        self._check_chars(data)
        return data

    def _entity(self, buf: bytearray) -> None:
        """After ``&``: the character it names, else (non-strict) the text as written."""
        before = len(buf)
        buf.append(0x26)
        value = None
        b = self.mustgetc()
        if b == 0x23:  # '#'
            buf.append(b)
            b = self.mustgetc()
            base, digits = 10, _DIGITS
            if b == 0x78:  # 'x'
                base, digits = 16, _HEXDIGITS
                buf.append(b)
                b = self.mustgetc()
            start = len(buf)
            while b in digits:
                buf.append(b)
                b = self.mustgetc()
            if b != 0x3B:
                self.ungetc(b)
            else:
                number = bytes(buf[start:])
                buf.append(b)
                if number:
                    n = int(number, base)
                    if n <= 0x10FFFF:
                        value = "\ufffd" if 0xD800 <= n <= 0xDFFF else chr(n)
        else:
            self.ungetc(b)
            self.read_name(buf)
            b = self.mustgetc()
            if b != 0x3B:
                self.ungetc(b)
            else:
                name = bytes(buf[before + 1:])
                buf.append(b)
                if _is_name(name):
                    value = _ENTITIES.get(name)
        if value is not None:
            del buf[before:]
            buf += value.encode("utf-8", "surrogatepass")

    def _check_chars(self, data: bytes) -> None:
        try:
            text = data.decode("utf-8")
            bad_utf8 = False
        except UnicodeDecodeError as exc:
            text = data[:exc.start].decode("utf-8")
            bad_utf8 = True
        for ch in text:
            if not _in_character_range(ord(ch)):
                raise self.syntax("illegal character code U+%04X" % ord(ch))
        if bad_utf8:
            raise self.syntax("invalid UTF-8")

    def attr_value(self) -> str:
        b = self.mustgetc()
        if b in (0x22, 0x27):
            return self.text(b, False).decode("utf-8")
        self.ungetc(b)
        buf = bytearray()
        while True:
            b = self.mustgetc()
            if b not in _UNQUOTED_VALUE:
                self.ungetc(b)
                return buf.decode("ascii")
            buf.append(b)

    # -- tokens: ("start", name, attrs) | ("end", name) | ("other",) | None at the end

    def raw_token(self) -> tuple | None:
        if self._need_close:
            self._need_close = False
            return ("end", self._to_close)
        b = self.getc()
        if b is None:
            return None
        if b != 0x3C:
            self.ungetc(b)
            self.text(-1, False)
            return ("other",)
        b = self.mustgetc()
        if b == 0x2F:  # </
            name = self.nsname()
            if name is None:
                raise self.syntax("expected element name after </")
            self.space()
            if self.mustgetc() != 0x3E:
                raise self.syntax(f"invalid characters between </{name} and >")
            return ("end", name)
        if b == 0x3F:  # <?
            self._proc_inst()
            return ("other",)
        if b == 0x21:  # <!
            self._bang()
            return ("other",)
        self.ungetc(b)
        name = self.nsname()
        if name is None:
            raise self.syntax("expected element name after <")
        attrs: list[tuple[str, str]] = []
        while True:
            self.space()
            b = self.mustgetc()
            if b == 0x2F:
                if self.mustgetc() != 0x3E:
                    raise self.syntax("expected /> in element")
                self._need_close, self._to_close = True, name
                break
            if b == 0x3E:
                break
            self.ungetc(b)
            attr = self.nsname()
            if attr is None:
                raise self.syntax("expected attribute name in element")
            self.space()
            b = self.mustgetc()
            if b != 0x3D:  # no '=': the value is the name (non-strict)
                self.ungetc(b)
                attrs.append((attr, attr))
            else:
                self.space()
                attrs.append((attr, self.attr_value()))
        return ("start", name, attrs)

    def _proc_inst(self) -> None:
        target = self.name()
        if target is None:
            raise self.syntax("expected target name after <?")
        self.space()
        buf = bytearray()
        b0 = 0
        while True:
            b = self.mustgetc()
            buf.append(b)
            if b0 == 0x3F and b == 0x3E:
                break
            b0 = b
        if target != "xml":
            return
        content = bytes(buf[:-2]).decode("utf-8", "surrogateescape")
        version = _proc_inst("version", content)
        if version not in ("", "1.0"):
            raise _XMLError(f"xml: unsupported version {_q(version)}; only version 1.0 is supported")
        enc = _proc_inst("encoding", content)
        if enc and enc.lower() != "utf-8" and enc.lower() != "ascii":
            raise _XMLError(f"xml: opening charset {_q(enc)}: "
                            f"can't decode XML document using charset {_q(enc)}")

    def _bang(self) -> None:
        b = self.mustgetc()
        if b == 0x2D:  # <!-
            if self.mustgetc() != 0x2D:
                raise self.syntax("invalid sequence <!- not part of <!--")
            b0 = b1 = 0
            while True:
                b = self.mustgetc()
                if b0 == 0x2D and b1 == 0x2D:
                    if b != 0x3E:
                        raise self.syntax('invalid sequence "--" not allowed in comments')
                    return
                b0, b1 = b1, b
        if b == 0x5B:  # <![
            for want in b"CDATA[":
                if self.mustgetc() != want:
                    raise self.syntax("invalid <![ sequence")
            self.text(-1, True)
            return
        # a directive (<!DOCTYPE ...>): skip to its '>', minding quotes, nesting, comments
        inquote = 0
        depth = 0
        while True:
            b = self.mustgetc()
            if inquote == 0 and b == 0x3E and depth == 0:
                return
            while True:
                if b == inquote:
                    inquote = 0
                elif inquote:
                    pass
                elif b in (0x22, 0x27):
                    inquote = b
                elif b == 0x3E:
                    depth -= 1
                elif b == 0x3C:
                    matched = 0
                    for want in b"!--":
                        b = self.mustgetc()
                        if b != want:
                            break
                        matched += 1
                    if matched < 3:
                        depth += 1
                        continue  # handle the byte that broke "<!--" like any other
                    b0 = b1 = 0
                    while True:
                        b = self.mustgetc()
                        if b0 == 0x2D and b1 == 0x2D and b == 0x3E:
                            break
                        b0, b1 = b1, b
                break


def _fold_eq(name: str, lower_ascii: str) -> bool:
    return name.isascii() and name.lower() == lower_ascii


def _attr(attrs: list[tuple[str, str]], name: str) -> str:
    for key, value in attrs:
        if _fold_eq(key, name):
            return value
    return ""


def parse_meta_go_imports(source: bytes | Callable[[int], bytes]) -> list[MetaImport]:
    """The go-import entries of a page, up to ``<body>`` or ``</head>`` (``mod`` ones skipped).

    ``source`` is the page or a ``read(n)`` function. Raises MetadataError with the
    tokenizer's message when the page breaks off before any entry was found.
    """
    if isinstance(source, (bytes, bytearray)):
        data = [bytes(source)]

        def read(_n: int) -> bytes:
            return data.pop() if data else b""
    else:
        read = source
    dec = _Decoder(read)
    imports: list[MetaImport] = []
    while True:
        try:
            tok = dec.raw_token()
        except _XMLError as exc:
            if imports:
                return imports
            raise MetadataError(str(exc)) from None
        if tok is None:
            return imports
        if tok[0] == "start" and _fold_eq(tok[1], "body"):
            return imports
        if tok[0] == "end" and _fold_eq(tok[1], "head"):
            return imports
        if tok[0] != "start" or not _fold_eq(tok[1], "meta"):
            continue
        if _attr(tok[2], "name") != "go-import":
            continue
        fields = go_fields(_attr(tok[2], "content"))
        if len(fields) == 3 and fields[1] != "mod":
            imports.append(MetaImport(*fields))


# --------------------------------------------------------------------------------------------
# Proxies, the way Go's http.ProxyFromEnvironment chooses them

def _env_any(env: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = env.get(name, "")
        if value:
            return value
    return ""


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    """net.SplitHostPort, leniently."""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0 or not hostport[end + 1:].startswith(":"):
            return None
        return hostport[1:end], hostport[end + 2:]
    host, colon, port = hostport.rpartition(":")
    if not colon or ":" in host:
        return None
    return host, port


def _parse_ip(text: str):
    import ipaddress
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _no_proxy_matches(no_proxy: str, host: str, port: str) -> bool:
    import ipaddress
    ip = _parse_ip(host)
    for entry in no_proxy.split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if "/" in entry:
            try:
                net = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                net = None
            if net is not None:
                if ip is not None and ip.version == net.version and ip in net:
                    return True
                continue
        split = _split_host_port(entry)
        if split is not None:
            phost, pport = split
            if not phost:
                continue
        else:
            phost, pport = entry, ""
        pip = _parse_ip(phost)
        if pip is not None:
            if ip is not None and ip == pip and (not pport or pport == port):
                return True
            continue
        if phost.startswith("*."):
            phost = phost[1:]
        match_host = not phost.startswith(".")
        if match_host:
            phost = "." + phost
        if host.endswith(phost) or (match_host and host == phost[1:]):
            if not pport or pport == port:
                return True
    return False


class _ProxyError(Exception):
    pass


def proxy_for_url(url: str, env: Mapping[str, str] | None = None) -> str | None:
    """The proxy URL Go would use for ``url`` (``None``: connect directly).

    ``HTTPS_PROXY`` for https, ``HTTP_PROXY`` for http, upper case winning over lower case;
    never for localhost or loopback addresses; not for hosts matching ``NO_PROXY``
    (``*``, IPs, CIDRs, ``host`` = host and subdomains, ``.host`` = subdomains, ``:port``).
    """
    import os
    from urllib.parse import urlsplit

    env = os.environ if env is None else env
    parts = urlsplit(url)
    if parts.scheme == "https":
        proxy = _env_any(env, "HTTPS_PROXY", "https_proxy")
    elif parts.scheme == "http":
        proxy = _env_any(env, "HTTP_PROXY", "http_proxy")
        if proxy and env.get("REQUEST_METHOD"):
            raise _ProxyError("refusing to use HTTP_PROXY value in CGI environment; "
                              "see golang.org/s/cgihttpproxy")
    else:
        return None
    if not proxy:
        return None
    host = parts.hostname or ""  # lower case, without brackets
    try:
        port = str(parts.port) if parts.port is not None else ""
    except ValueError:
        port = ""
    port = port or ("443" if parts.scheme == "https" else "80")
    if host == "localhost":
        return None
    ip = _parse_ip(host)
    if ip is not None and ip.is_loopback:
        return None
    if _no_proxy_matches(_env_any(env, "NO_PROXY", "no_proxy"), host, port):
        return None
    try:
        parsed = GoURL.parse(proxy)
        ok = parsed.scheme in ("http", "https", "socks5")
    except ValueError:
        ok = False
    if not ok:
        try:
            GoURL.parse("http://" + proxy)
            proxy = "http://" + proxy
        except ValueError:
            raise _ProxyError(f"invalid proxy address {_q(proxy)}") from None
    return proxy


# --------------------------------------------------------------------------------------------
# HTTP

class _Transport(Exception):
    """A request that got no response at all (so the next scheme is tried)."""


def _opener_handlers(env: Mapping[str, str] | None, deadline: Deadline,
                     secure_redirects: bool = False):
    import base64
    import urllib.error
    import urllib.request
    from urllib.parse import unquote, urljoin, urlsplit

    class GoProxy(urllib.request.BaseHandler):
        # after AbstractHTTPHandler.do_request_ has set Host from the origin URL
        handler_order = 1000

        def _apply(self, req):
            try:
                proxy = proxy_for_url(req.full_url, env)
            except _ProxyError as exc:
                raise urllib.error.URLError(str(exc)) from None
            if proxy is None:
                return req
            parts = urlsplit(proxy)
            if parts.scheme != "http":
                raise urllib.error.URLError(f"unsupported proxy scheme {_q(parts.scheme)}")
            userinfo, _, hostport = parts.netloc.rpartition("@")
            if userinfo:
                user, _, password = userinfo.partition(":")
                creds = f"{unquote(user)}:{unquote(password)}".encode()
                req.add_unredirected_header("Proxy-Authorization",
                                            "Basic " + base64.b64encode(creds).decode("ascii"))
            req.set_proxy(hostport, "http")
            return req

        http_request = https_request = _apply

    class GoRedirects(urllib.request.HTTPRedirectHandler):
        """Go's client: at most 10 redirects; credentials only to the same (sub)domain."""

        def http_error_302(self, req, fp, code, msg, headers):
            location = headers.get("location")
            if not location:
                return None  # Go hands back the 3xx response itself
            fp.close()  # unread: its body may be as large as the server likes
            try:
                target = str(GoURL.parse(urljoin(req.full_url, location)))
            except ValueError as exc:
                raise urllib.error.URLError(
                    f"failed to parse Location header {_q(location)}: {exc}") from None
            scheme = urlsplit(target).scheme
            if scheme not in ("http", "https"):
                raise urllib.error.URLError(f"unsupported protocol scheme {_q(scheme)}")
            via = getattr(req, "go_via", 0) + 1
            if via >= 10:
                raise urllib.error.URLError("stopped after 10 redirects")
            initial = getattr(req, "go_initial", req.full_url)
            if secure_redirects and scheme != "https" and initial.startswith("https:"):
                raise urllib.error.URLError(f"redirected from secure URL {req.full_url} "
                                            f"to insecure URL {target}")
            new = urllib.request.Request(target, method="GET")
            new.add_header("User-Agent", _USER_AGENT)
            auth = req.get_header("Authorization")
            if auth and _same_or_subdomain(_canonical_addr(target), _canonical_addr(initial)):
                new.add_header("Authorization", auth)
            new.go_via = via  # type: ignore[attr-defined]
            new.go_initial = initial  # type: ignore[attr-defined]
            return self.parent.open(new, timeout=req.timeout)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(_connection_class(False), req, deadline=deadline)

    class LazyTLS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(_connection_class(True), req, deadline=deadline)

    return [urllib.request.ProxyHandler({}), GoProxy(), GoRedirects(), HTTP(), LazyTLS()]


@functools.cache
def _tls_context():
    """One TLS context per process, made only when a TLS handshake is really due: loading
    the CA store costs ~30 ms, and discovery through a proxy often never gets that far."""
    import ssl

    return ssl.create_default_context()


@functools.cache
def _connection_class(tls: bool):
    """HTTP connections whose sockets the request's deadline can shut down; with ``tls``,
    TLS over them (made lazily, see ``_tls_context``)."""
    import http.client
    import socket

    class Conn(http.client.HTTPConnection):
        default_port = http.client.HTTPS_PORT if tls else http.client.HTTP_PORT

        def __init__(self, *args, deadline: Deadline, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = lambda *a, **k: deadline.watch(socket.create_connection(*a, **k))

        def connect(self):
            super().connect()  # TCP, and the proxy's CONNECT tunnel if any
            if tls:
                host = self._tunnel_host or self.host
                self.sock = _tls_context().wrap_socket(self.sock, server_hostname=host)

    return Conn


def _shutdown(sock) -> None:
    import socket
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class Deadline:
    """The total time one request may take. A socket timeout only bounds each read, so a
    server sending a byte every few seconds could hold discovery (and the source manager's
    lock) for ever; when the deadline passes, every socket of the request is shut down,
    which ends whatever read is waiting on it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._socks: list = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock):
        """Register a connected socket (through a duplicate: TLS takes the original over)."""
        dup = sock.dup()
        with self._lock:
            self._socks.append(dup)
            expired = self.expired
        if expired:
            _shutdown(dup)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            socks = list(self._socks)
        for sock in socks:
            _shutdown(sock)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            socks, self._socks = self._socks, []
        for sock in socks:
            sock.close()

    def message(self) -> str:
        return (f"no complete answer within {self.seconds:g}s "
                f"(the limit per request; set DEPDISCOVERYTIMEOUT to change it)")


def total_timeout(env: Mapping[str, str] | None) -> float:
    """DEPDISCOVERYTIMEOUT (seconds, > 0) when set and valid, else DEFAULT_TIMEOUT."""
    import math
    import os

    text = (os.environ if env is None else env).get("DEPDISCOVERYTIMEOUT", "")
    try:
        value = float(text)
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0 < value and math.isfinite(value) else DEFAULT_TIMEOUT


def _canonical_addr(url: str) -> str:
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.hostname or ''}:{port or (443 if parts.scheme == 'https' else 80)}"


def _same_or_subdomain(sub: str, parent: str) -> bool:
    return sub == parent or (sub.endswith(parent) and sub[-len(parent) - 1] == ".")


class TransportError(Exception):
    """A request that got no response at all; the text is the one-line reason."""


def open_url(url: str, *, deadline: Deadline, auth: str | None = None,
             env: Mapping[str, str] | None = None, secure_redirects: bool = False,
             json_body: bytes | None = None):
    """GET ``url`` (POST ``json_body`` when given) through dep's HTTP stack (proxies from the
    environment, Go's redirect rules, ``deadline`` shutting the sockets down): the response
    whatever its status, else TransportError. ``secure_redirects`` refuses a redirect from
    https to http, as the go command's module fetches do."""
    import urllib.error
    import urllib.request

    try:
        # ValueError for a host like "a[b"
        req = urllib.request.Request(url, data=json_body, method="GET" if json_body is None else "POST")
        if json_body is not None:
            req.add_header("Content-Type", "application/json")
        req.add_header("User-Agent", _USER_AGENT)
        if auth:
            req.add_header("Authorization", auth)
        handlers = _opener_handlers(env, deadline, secure_redirects)
        return urllib.request.build_opener(*handlers).open(req, timeout=deadline.seconds)
    except urllib.error.HTTPError as resp:
        return resp
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, BaseException) else None
        why = _describe(reason) if reason is not None else " ".join(str(exc.reason).split())
        raise TransportError(deadline.message() if deadline.expired else why) from None
    except Exception as exc:  # http.client errors, ValueError for odd hosts, ...
        raise TransportError(deadline.message() if deadline.expired else _describe(exc)) from None


def _open(scheme: str, path: str, *, deadline: Deadline, netrc: list[NetrcEntry],
          env: Mapping[str, str] | None):
    """doFetchMetadata: the response, whatever its status; _Transport if there is none."""
    raw = f"{scheme}://{path}?go-get=1"
    try:
        u = GoURL.parse(raw)
    except ValueError as exc:
        raise _Transport(f"unable to build HTTP request for URL {_q(raw)}: {exc}") from None
    url = str(u)
    try:
        return open_url(url, deadline=deadline, auth=basic_auth_header(u.host, netrc), env=env)
    except TransportError as exc:
        raise _Transport(f"failed HTTP request to URL {_q(raw)}: Get {_q(url)}: {exc}") from None


class _PageError(Exception):
    """Reading the page stopped: too large, or out of time."""


def _fetch(scheme: str, path: str, *, seconds: float, netrc: list[NetrcEntry],
           env: Mapping[str, str] | None) -> list[MetaImport]:
    """One request, within ``seconds`` in all: the page's go-import entries, read from at
    most MAX_PAGE bytes of it. _Transport when there is no response."""
    deadline = Deadline(seconds)
    try:
        resp = _open(scheme, path, deadline=deadline, netrc=netrc, env=env)
        left = MAX_PAGE

        def read(n: int) -> bytes:
            nonlocal left
            if left <= 0:
                raise _PageError(f"no end of <head> in the first {MAX_PAGE} bytes of the page")
            try:
                chunk = resp.read1(min(n, left))
            except Exception:
                if not deadline.expired:
                    raise
                chunk = b""
            if deadline.expired:
                raise _PageError(deadline.message())
            left -= len(chunk)
            return chunk

        try:
            return parse_meta_go_imports(read)
        except MetadataError as exc:
            raise MetadataError(f"unable to parse go-import metadata: {exc}") from None
        finally:
            resp.close()
    finally:
        deadline.close()


def get_metadata(path: str, scheme: str = "", *, timeout: float | None = None,
                 netrc: list[NetrcEntry] | None = None,
                 env: Mapping[str, str] | None = None) -> MetaImport:
    """Fetch and pick the single go-import entry whose prefix starts ``path``.

    Each request (https, then http) gets ``timeout`` seconds in all (default:
    DEPDISCOVERYTIMEOUT, else DEFAULT_TIMEOUT). Raises MetadataError whose text is the cause
    dep prints after ``unable to read metadata: ``.
    """
    netrc = read_netrc(env) if netrc is None else netrc
    seconds = total_timeout(env) if timeout is None else timeout
    try:
        if scheme == "http":
            imports = _fetch("http", path, seconds=seconds, netrc=netrc, env=env)
        else:
            try:
                imports = _fetch("https", path, seconds=seconds, netrc=netrc, env=env)
            except _Transport:
                imports = _fetch("http", path, seconds=seconds, netrc=netrc, env=env)
    except _Transport as exc:
        raise MetadataError(f"unable to fetch raw metadata: {exc}") from None
    match = None
    for im in imports:
        if not path.startswith(im.prefix):
            continue
        if match is not None:
            raise MetadataError(f"multiple meta tags match import path {_q(path)}")
        match = im
    if match is None:
        raise MetadataError("go-import metadata not found")
    return match


def finish_discovery(path: str, scheme: str, meta: MetaImport) -> Discovery:
    """What dep makes of the metadata: URL parsed, scheme consistency, VCS type."""
    try:
        repo = GoURL.parse(meta.repo_root)
    except ValueError as exc:
        raise DeduceError(f"server returned bad URL in go-get metadata, reporoot="
                          f"{_q(meta.repo_root)}: {exc}") from None
    if scheme and repo.scheme != scheme and not (scheme == "http" and repo.scheme == "https"):
        raise DeduceError(f"scheme mismatch for {_q(path)}: input asked for {_q(scheme)}, "
                          f"but go-get metadata specified {_q(repo.scheme)}")
    if meta.vcs not in ("git", "hg", "bzr"):
        raise DeduceError(f"unsupported vcs type {meta.vcs} in go-get metadata from {path}")
    why = _bad_repo_root(repo, meta.vcs)
    if why:
        raise DeduceError(f"invalid repo root {_q(meta.repo_root)} in go-get metadata for "
                          f"{_q(path)}: {why}")
    return Discovery(meta.prefix, meta.vcs, str(repo))


#: The schemes ``go get`` knows for each VCS (cmd/go/internal/vcs ``Cmd.Scheme``).
_REPO_SCHEMES = {"git": ("https", "http", "git", "git+ssh", "ssh"),
                 "hg": ("https", "http", "ssh"),
                 "bzr": ("https", "http", "bzr", "bzr+ssh")}


def _bad_repo_root(repo: GoURL, vcs: str) -> str:
    """Why a server may not send us to ``repo`` ('' if it may): never a local path or
    ``file://`` (Go's validateRepoRoot), only the schemes Go knows for ``vcs``, and no
    host or user that a tool could read as an option."""
    if not repo.scheme:
        return "no scheme (a server may not point at a local path)"
    if repo.scheme == "file":
        return "file scheme disallowed (a server may not point at a local repository)"
    allowed = _REPO_SCHEMES[vcs]
    if repo.scheme not in allowed:
        return (f"scheme {_q(repo.scheme)} is not allowed for {vcs} "
                f"(use {', '.join(allowed[:-1])} or {allowed[-1]})")
    if repo.host.startswith("-") or (repo.username or "").startswith("-"):
        return 'its host or user starts with "-"'
    return ""


def _wrap(original: str, exc: MetadataError) -> DeduceError:
    return DeduceError(f"unable to deduce repository and source type for {_q(original)}: "
                       f"unable to read metadata: {exc}")


def discover(import_path: str, *, scheme: str | None = None, original: str | None = None,
             timeout: float | None = None) -> Discovery:
    """One uncached discovery. ``scheme`` is the one the input asked for (``""``: none);
    ``original`` is the input as the user wrote it, for the error message."""
    try:
        meta = get_metadata(import_path, scheme or "", timeout=timeout)
    except MetadataError as exc:
        raise _wrap(original or import_path, exc) from None
    return finish_discovery(import_path, scheme or "", meta)


class _Flight:
    __slots__ = ("done", "result", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: MetaImport | None = None
        self.error: MetadataError | None = None


class Discoverer:
    """Per-run go-get discovery: each page is fetched once; results and failures are kept.

    Thread-safe; a caller asking for a page already being fetched waits for that request.
    ``.netrc`` is read once, on first use. ``env`` (default: ``os.environ``, read at request
    time) supplies the proxy variables, ``NETRC``, ``HOME`` and ``DEPDISCOVERYTIMEOUT``
    (unless ``timeout`` gives the seconds per request).
    """

    def __init__(self, *, timeout: float | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.timeout = timeout
        self._env = env
        self._lock = threading.Lock()
        self._flights: dict[tuple[str, bool], _Flight] = {}
        self._netrc: list[NetrcEntry] | None = None

    def _credentials(self) -> list[NetrcEntry]:
        with self._lock:
            if self._netrc is None:
                self._netrc = read_netrc(self._env)
            return self._netrc

    def metadata(self, import_path: str, scheme: str = "") -> MetaImport:
        key = (import_path, scheme == "http")
        with self._lock:
            flight = self._flights.get(key)
            owner = flight is None
            if owner:
                flight = self._flights[key] = _Flight()
        if owner:
            try:
                flight.result = get_metadata(import_path, scheme, timeout=self.timeout,
                                             netrc=self._credentials(), env=self._env)
            except MetadataError as exc:
                flight.error = exc
            except BaseException as exc:  # not an answer: forget the attempt
                with self._lock:
                    del self._flights[key]
                flight.error = MetadataError(_describe(exc))
                flight.done.set()
                raise
            flight.done.set()
        else:
            flight.done.wait()
        if flight.error is not None:
            raise MetadataError(str(flight.error))
        assert flight.result is not None
        return flight.result

    def discover(self, import_path: str, *, scheme: str | None = None,
                 original: str | None = None) -> Discovery:
        try:
            meta = self.metadata(import_path, scheme or "")
        except MetadataError as exc:
            raise _wrap(original or import_path, exc) from None
        return finish_discovery(import_path, scheme or "", meta)
