"""go-get discovery against a real HTTP server on 127.0.0.1 (acting as the proxy for every
request), the page tokenizer, proxy selection and .netrc credentials.

Tokenizer expectations were checked against dep's parseMetaGoImports (Go 1.19).
"""

from __future__ import annotations

import base64
import threading

import pytest

from conftest import go_import_page
from dep.sources.deduce import Candidate, DeduceError
from dep.sources.deducer import Deducer
from dep.sources.discovery import (
    Discoverer,
    Discovery,
    MetadataError,
    MetaImport,
    discover,
    parse_meta_go_imports,
    proxy_for_url,
)
from dep.sources.netrc import NetrcEntry, basic_auth_header, netrc_path, parse_netrc, read_netrc

FOO = ("example.org/foo", "git", "https://code.example.org/foo.git")


def unable(path: str, cause: str) -> str:
    return (f'unable to deduce repository and source type for "{path}": '
            f"unable to read metadata: {cause}")


# ---------------------------------------------------------------------------------------------
# the page tokenizer

META = b'<meta name="go-import" content="a.org/x git https://a.org/x">'
X = [MetaImport("a.org/x", "git", "https://a.org/x")]


@pytest.mark.parametrize("page,expected", [
    (b"", []),
    (b"<html><head>" + META + b"</head></html>", X),
    (b"<!DOCTYPE html>\n<html lang=en><head><title>x &amp; y</title>\n" + META, X),
    # HTML leniencies: tag and attribute case, unquoted values, bare attributes, single quotes
    (b'<META NAME="go-import" CONTENT="a.org/x git https://a.org/x">', X),
    (b'<meta name=go-import async content="a.org/x git https://a.org/x">', X),
    (b"<meta name='go-import' content='a.org/x git https://a.org/x'/>", X),
    (b'<meta name = "go-import" content = "a.org/x git https://a.org/x" >', X),
    (b'<meta content="a.org/x git https://a.org/x" name="go-import">', X),
    (b'<html xmlns:h="x"><h:meta name="go-import" content="a.org/x git https://a.org/x">', X),
    # the attribute *value* go-import is case-sensitive; the first name= attribute wins
    (b'<meta name="Go-Import" content="a.org/x git https://a.org/x">', []),
    (b'<meta name="other" name="go-import" content="a.org/x git https://a.org/x">', []),
    # fields: exactly three, any white space between them; mod entries skipped
    (b'<meta name="go-import" content="a.org/x  git\n\t https://a.org/x">', X),
    (b'<meta name="go-import" content="a.org/x git">', []),
    (b'<meta name="go-import" content="a.org/x git https://a.org/x extra">', []),
    (b'<meta name="go-import" content="a.org/x mod https://proxy.example">' + META, X),
    # XML's five entities and character references are decoded, others left alone
    (b'<meta name="go-import" content="a.org/x git https://a.org/x?a=1&amp;b=&#50;&#x33;">',
     [MetaImport("a.org/x", "git", "https://a.org/x?a=1&b=23")]),
    (b'<meta name="go-import" content="a.org/x git https://a.org/&nbsp;&copy">',
     [MetaImport("a.org/x", "git", "https://a.org/&nbsp;&copy")]),
    # scanning ends at <body> or </head>
    (b"<head></head>" + META, []),
    (b"<BODY>" + META, []),
    (b"<body/>" + META, []),
    (META + b"</head><body>" + META.replace(b"a.org/x", b"a.org/y"), X),
    (b"<bodyx>" + META, X),
    # comments, CDATA, processing instructions and directives are skipped
    (b"<!-- <meta> -->" + META, X),
    (b"<![CDATA[ <body> ]]>" + META, X),
    (b'<?xml version="1.0" encoding="ascii"?>' + META, X),
    (b"<!DOCTYPE html [ <!ENTITY x 'y'> <!-- c --> ]>" + META, X),
    # a broken page still yields what was found before the break
    (META + b"<script>if (a < b) {}</script>", X),
    (META + b'<meta name="go-import" content="a.org/y git https://a.org/<y">', X),
])
def test_parse_meta_go_imports(page, expected):
    assert parse_meta_go_imports(page) == expected


@pytest.mark.parametrize("page,message", [
    (b"<head><script>if (a < b) {}</script>" + META,
     "XML syntax error on line 1: expected element name after <"),
    (b'<meta name="go-import" content="a.org/x git https://a.org/<x">',
     "XML syntax error on line 1: unescaped < inside quoted string"),
    (b"<!-- a -- b -->" + META,
     'XML syntax error on line 1: invalid sequence "--" not allowed in comments'),
    (b'<?xml version="1.0" encoding="latin1"?>' + META,
     'xml: opening charset "latin1": can\'t decode XML document using charset "latin1"'),
    (b'<?xml version="1.1"?>' + META,
     'xml: unsupported version "1.1"; only version 1.0 is supported'),
    (b"<html>\n\n<p>caf\xe9</p>" + META, "XML syntax error on line 3: invalid UTF-8"),
    (b'<meta name="go-import" content="a.org/x git https://a.org/\x01">',
     "XML syntax error on line 1: illegal character code U+0001"),
    (b"<html>\n<head", "XML syntax error on line 2: unexpected EOF"),
    (b"a]]>b" + META, "XML syntax error on line 1: unescaped ]]> not in CDATA section"),
    (b"</head x>", "XML syntax error on line 1: invalid characters between </head and >"),
    # unquoted values end at the first character outside [A-Za-z0-9_:-]
    (b"<meta name=go-import content=a.org/x git https://a.org/x>",
     "XML syntax error on line 1: invalid XML name: .org"),
])
def test_parse_meta_go_imports_errors(page, message):
    with pytest.raises(MetadataError) as info:
        parse_meta_go_imports(page)
    assert str(info.value) == message


def test_parse_reads_no_further_than_body():
    chunks = [b"<html><head>" + META, b"</head><body>", b"x" * 10, b"never read"]
    served = []

    def read(_n):
        served.append(chunks[len(served)])
        return served[-1]

    assert parse_meta_go_imports(read) == X
    assert len(served) == 2


# ---------------------------------------------------------------------------------------------
# proxies (Go's ProxyFromEnvironment rules)

P = "http://proxy.test:3128"


@pytest.mark.parametrize("env,url,proxy", [
    ({"HTTP_PROXY": P}, "http://example.org/x", P),
    ({"HTTP_PROXY": P}, "https://example.org/x", None),
    ({"HTTPS_PROXY": P}, "https://example.org/x", P),
    ({"https_proxy": P}, "https://example.org/x", P),
    ({"http_proxy": P}, "http://example.org/x", P),
    # upper case wins
    ({"HTTP_PROXY": P, "http_proxy": "http://other:1"}, "http://example.org/x", P),
    # no scheme: http:// is assumed
    ({"HTTP_PROXY": "proxy.test:3128"}, "http://example.org/x", "http://proxy.test:3128"),
    # never for loopback
    ({"HTTP_PROXY": P}, "http://localhost/x", None),
    ({"HTTP_PROXY": P}, "http://127.0.0.1:8080/x", None),
    ({"HTTP_PROXY": P}, "http://[::1]/x", None),
    # NO_PROXY: host and its subdomains, .host only subdomains, ports, IPs, CIDRs, *
    ({"HTTP_PROXY": P, "NO_PROXY": "example.org"}, "http://example.org/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "example.org"}, "http://a.example.org/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "example.org"}, "http://badexample.org/x", P),
    ({"HTTP_PROXY": P, "NO_PROXY": ".example.org"}, "http://example.org/x", P),
    ({"HTTP_PROXY": P, "NO_PROXY": ".example.org"}, "http://a.example.org/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "*.example.org"}, "http://a.example.org/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "other.org, EXAMPLE.org"}, "http://example.org/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "example.org:8080"}, "http://example.org/x", P),
    ({"HTTP_PROXY": P, "NO_PROXY": "example.org:8080"}, "http://example.org:8080/x", None),
    ({"HTTPS_PROXY": P, "NO_PROXY": "example.org:443"}, "https://example.org/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "10.0.0.1"}, "http://10.0.0.1/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, "http://10.1.2.3/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "10.0.0.0/8"}, "http://11.1.2.3/x", P),
    ({"HTTP_PROXY": P, "NO_PROXY": "*"}, "http://example.org/x", None),
    ({"HTTP_PROXY": P, "no_proxy": "example.org"}, "http://example.org/x", None),
    ({"HTTP_PROXY": P, "NO_PROXY": "other.org", "no_proxy": "example.org"},
     "http://example.org/x", P),
])
def test_proxy_for_url(env, url, proxy):
    assert proxy_for_url(url, env) == proxy


# ---------------------------------------------------------------------------------------------
# .netrc

def test_parse_netrc():
    text = ("machine example.org login alice password s3cret\n"
            "machine other.org\n  login bob\n  password pw\n"
            "machine nopass.org login carol\n"
            "macdef init\n machine hidden.org login x password y\n\n"
            "machine after.org login d password e\n"
            "default\n"
            "machine ignored.org login f password g\n")
    assert parse_netrc(text) == [
        NetrcEntry("example.org", "alice", "s3cret"),
        NetrcEntry("other.org", "bob", "pw"),
        NetrcEntry("after.org", "d", "e"),
    ]


def test_basic_auth_header_matches_host_exactly():
    entries = [NetrcEntry("example.org", "alice", "s3cret"), NetrcEntry("example.org", "x", "y")]
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert basic_auth_header("example.org", entries) == expected
    assert basic_auth_header("a.example.org", entries) is None
    assert basic_auth_header("example.org:8080", entries) is None


def test_netrc_location(tmp_path):
    assert netrc_path({"NETRC": "/x/netrc", "HOME": "/home/u"}) == "/x/netrc"
    assert netrc_path({"NETRC": "", "HOME": "/home/u"}) == "/home/u/.netrc"
    (tmp_path / ".netrc").write_text("machine h login l password p\n")
    assert read_netrc({"HOME": str(tmp_path)}) == [NetrcEntry("h", "l", "p")]
    assert read_netrc({"NETRC": str(tmp_path / "missing")}) == []


# ---------------------------------------------------------------------------------------------
# against the server

def test_https_refused_then_http(proxy_env):
    proxy_env.add("example.org/foo/bar", go_import_page(FOO))
    found = discover("example.org/foo/bar")
    assert found == Discovery("example.org/foo", "git", "https://code.example.org/foo.git")
    # the HTTPS attempt reached the proxy as a CONNECT, then the full path over http
    assert proxy_env.connects() == ["example.org:443"]
    assert proxy_env.gets() == ["http://example.org/foo/bar?go-get=1"]
    request = proxy_env.requests[-1]
    assert request.headers["user-agent"] == "Go-http-client/1.1"
    assert "authorization" not in request.headers


def test_https_first(tls_proxy_env):
    server = tls_proxy_env
    server.add("https://example.org/foo", go_import_page(FOO), subtree=True)
    server.add("http://example.org/foo", go_import_page(("example.org/foo", "git", "http://no")),
               subtree=True)
    assert discover("example.org/foo/x").repo_url == "https://code.example.org/foo.git"
    assert server.gets() == ["https://example.org/foo/x?go-get=1"]


def test_http_input_only_tries_http(tls_proxy_env):
    server = tls_proxy_env
    server.add("example.org/foo", go_import_page(FOO))
    found = discover("example.org/foo", scheme="http", original="http://example.org/foo")
    # http input, https repository: allowed
    assert found.repo_url == "https://code.example.org/foo.git"
    assert server.connects() == []
    assert server.gets() == ["http://example.org/foo?go-get=1"]


def test_error_pages_are_parsed(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(FOO), status=404)
    assert discover("example.org/foo").root == "example.org/foo"


def test_prefix_is_a_string_prefix(proxy_env):
    proxy_env.add("example.org/foobar/x", go_import_page(("example.org/foo", "git", "https://r")))
    assert discover("example.org/foobar/x") == Discovery("example.org/foo", "git", "https://r")


def test_mod_entries_are_skipped(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", "mod", "https://proxy"),
                                                    FOO))
    assert discover("example.org/foo").vcs == "git"


@pytest.mark.parametrize("vcs", ["hg", "bzr"])
def test_other_vcs(proxy_env, vcs):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", vcs, "https://r/foo")))
    assert discover("example.org/foo") == Discovery("example.org/foo", vcs, "https://r/foo")


def test_repo_url_is_normalized(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", "git",
                                                     "HTTPS://Code.example.org/café")))
    assert discover("example.org/foo").repo_url == "https://Code.example.org/caf%C3%A9"


def test_missing_meta(proxy_env):
    proxy_env.add("example.org/foo", b"<html><head><title>nothing</title></head></html>")
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo")
    assert str(info.value) == unable("example.org/foo", "go-import metadata not found")


def test_meta_for_another_path(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(("example.org/bar", "git", "https://r")))
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo")
    assert str(info.value) == unable("example.org/foo", "go-import metadata not found")


def test_unknown_page_is_a_404_without_meta(proxy_env):
    with pytest.raises(DeduceError) as info:
        discover("example.org/nothing/here")
    assert str(info.value) == unable("example.org/nothing/here", "go-import metadata not found")
    assert proxy_env.gets() == ["http://example.org/nothing/here?go-get=1"]


def test_multiple_matches(proxy_env):
    proxy_env.add("example.org/foo/bar", go_import_page(
        ("example.org/foo", "git", "https://r/foo"), ("example.org/foo/bar", "git", "https://r/b")))
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo/bar")
    assert str(info.value) == unable("example.org/foo/bar",
                                     'multiple meta tags match import path "example.org/foo/bar"')


def test_unparseable_page(proxy_env):
    proxy_env.add("example.org/foo", b"<html><head><script>if (a < b) {}</script></head>")
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo")
    assert str(info.value) == unable(
        "example.org/foo", "unable to parse go-import metadata: "
        "XML syntax error on line 1: expected element name after <")


def test_unsupported_vcs(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", "svn", "https://r/foo")))
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo")
    assert str(info.value) == "unsupported vcs type svn in go-get metadata from example.org/foo"


def test_bad_repo_url(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", "git", "git@host:x/y")))
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo")
    assert str(info.value) == ('server returned bad URL in go-get metadata, reporoot='
                               '"git@host:x/y": parse "git@host:x/y": '
                               "first path segment in URL cannot contain colon")


@pytest.mark.parametrize("source,message", [
    ("ssh://example.org/foo",
     'scheme mismatch for "example.org/foo": input asked for "ssh", '
     'but go-get metadata specified "https"'),
    ("git@example.org:foo",
     'scheme mismatch for "example.org/foo": input asked for "ssh", '
     'but go-get metadata specified "https"'),
])
def test_scheme_mismatch(proxy_env, source, message):
    proxy_env.add("example.org/foo", go_import_page(FOO))
    with pytest.raises(DeduceError) as info:
        Deducer(Discoverer()).deduce(source)
    assert str(info.value) == message


def test_https_input_with_http_repo_is_a_mismatch(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(("example.org/foo", "git", "http://r/foo")))
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo", scheme="https", original="https://example.org/foo")
    assert str(info.value) == ('scheme mismatch for "example.org/foo": input asked for "https", '
                               'but go-get metadata specified "http"')


def test_matching_scheme_source(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(FOO))
    found = Deducer(Discoverer()).deduce("https://example.org/foo")
    assert found.root == "example.org/foo"
    assert found.vcs_candidates == (Candidate("git", "https://code.example.org/foo.git"),)


def test_no_proxy_goes_direct(proxy_env, monkeypatch, no_internet):
    monkeypatch.setenv("NO_PROXY", "example.org")
    proxy_env.add("example.org/foo", go_import_page(FOO))
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo")
    message = str(info.value)
    assert message.startswith(unable(
        "example.org/foo", 'unable to fetch raw metadata: failed HTTP request to URL '
        '"http://example.org/foo?go-get=1": Get "http://example.org/foo?go-get=1": '))
    assert "\n" not in message
    assert proxy_env.requests == []
    assert no_internet.blocked == ["example.org:443", "example.org:80"]


def test_lowercase_proxy_variables(proxy_env, monkeypatch):
    monkeypatch.delenv("HTTP_PROXY")
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.setenv("http_proxy", proxy_env.proxy_url)
    monkeypatch.setenv("https_proxy", proxy_env.proxy_url)
    proxy_env.add("example.org/foo", go_import_page(FOO))
    assert discover("example.org/foo").root == "example.org/foo"
    assert proxy_env.connects() == ["example.org:443"]


def test_transport_failure_everywhere(proxy_env, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    with pytest.raises(DeduceError) as info:
        discover("example.org/foo")
    assert str(info.value).startswith(unable(
        "example.org/foo", 'unable to fetch raw metadata: failed HTTP request to URL '
        '"http://example.org/foo?go-get=1": Get "http://example.org/foo?go-get=1": '))
    assert proxy_env.connects() == ["example.org:443"]


def test_netrc_credentials_are_sent(proxy_env, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine example.org login alice password s3cret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    proxy_env.add("example.org/foo", go_import_page(FOO))
    proxy_env.add("other.org/foo", go_import_page(("other.org/foo", "git", "https://r")))
    discoverer = Discoverer()
    discoverer.discover("example.org/foo")
    discoverer.discover("other.org/foo")
    sent = {r.url: r.headers.get("authorization") for r in proxy_env.requests if r.method == "GET"}
    assert sent == {
        "http://example.org/foo?go-get=1": "Basic " + base64.b64encode(b"alice:s3cret").decode(),
        "http://other.org/foo?go-get=1": None,
    }


def test_netrc_from_home(proxy_env, monkeypatch, tmp_path):
    home = tmp_path / "home2"
    home.mkdir()
    (home / ".netrc").write_text("machine example.org\nlogin bob\npassword pw\n")
    monkeypatch.setenv("HOME", str(home))
    proxy_env.add("example.org/foo", go_import_page(FOO))
    discover("example.org/foo")
    assert proxy_env.requests[-1].headers["authorization"] == (
        "Basic " + base64.b64encode(b"bob:pw").decode())


def test_redirects_are_followed_without_leaking_credentials(proxy_env, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine example.org login alice password s3cret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    proxy_env.add("example.org/foo", b"moved", status=302,
                  headers={"Location": "http://www.example.org/foo-real"})
    proxy_env.add("www.example.org/foo-real", b"moved", status=301,
                  headers={"Location": "http://elsewhere.test/foo"})
    proxy_env.add("elsewhere.test/foo", go_import_page(FOO))
    assert discover("example.org/foo").root == "example.org/foo"
    auth = {r.url: "authorization" in r.headers for r in proxy_env.requests if r.method == "GET"}
    assert auth == {"http://example.org/foo?go-get=1": True,
                    "http://www.example.org/foo-real": True,
                    "http://elsewhere.test/foo": False}


def test_redirect_loop(proxy_env):
    proxy_env.add("example.org/loop", b"", status=302,
                  headers={"Location": "http://example.org/loop"})
    with pytest.raises(DeduceError) as info:
        discover("example.org/loop")
    assert str(info.value).endswith(": stopped after 10 redirects")
    assert len(proxy_env.gets()) == 10


# ---------------------------------------------------------------------------------------------
# per-run caching

def test_discoverer_fetches_each_page_once(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(FOO))
    discoverer = Discoverer()
    first = discoverer.discover("example.org/foo")
    assert discoverer.discover("example.org/foo") == first
    assert len(proxy_env.gets()) == 1
    # failures are kept too
    for _ in range(2):
        with pytest.raises(DeduceError, match="go-import metadata not found"):
            discoverer.discover("example.org/missing")
    assert len(proxy_env.gets()) == 2
    # a new run asks again
    Discoverer().discover("example.org/foo")
    assert len(proxy_env.gets()) == 3


def test_deducer_resolves_paths_under_a_known_root(proxy_env):
    proxy_env.add("example.org/foo/sub", go_import_page(FOO))
    proxy_env.add("example.org/foobar", go_import_page(("example.org/foobar", "git", "https://r")))
    deducer = Deducer(Discoverer())
    assert deducer.deduce_root("example.org/foo/sub") == "example.org/foo"
    assert deducer.deduce_root("example.org/foo") == "example.org/foo"
    assert deducer.deduce_root("example.org/foo/a/b/c") == "example.org/foo"
    assert deducer.source_urls("example.org/foo/x") == ["https://code.example.org/foo.git"]
    assert proxy_env.gets() == ["http://example.org/foo/sub?go-get=1"]
    # a sibling sharing the string prefix is not under the root
    assert deducer.deduce_root("example.org/foobar") == "example.org/foobar"
    assert len(proxy_env.gets()) == 2


def test_deducer_keeps_discovery_failures(proxy_env):
    deducer = Deducer(Discoverer())
    with pytest.raises(DeduceError) as first:
        deducer.deduce_root("example.org/gone")
    with pytest.raises(DeduceError) as again:
        deducer.deduce_root("example.org/gone/sub")
    # the later path gets the first one's answer, as in dep
    assert str(again.value) == str(first.value) == unable("example.org/gone",
                                                          "go-import metadata not found")
    assert len(proxy_env.gets()) == 1


def test_concurrent_deductions_share_one_request(proxy_env):
    proxy_env.add("example.org/foo", go_import_page(FOO), delay=0.3, subtree=True)
    deducer = Deducer(Discoverer())
    results, errors = [], []
    barrier = threading.Barrier(8)

    def work():
        barrier.wait()
        try:
            results.append(deducer.deduce("example.org/foo"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {r.root for r in results} == {"example.org/foo"}
    assert proxy_env.gets() == ["http://example.org/foo?go-get=1"]


def test_static_rules_come_before_discovery(proxy_env):
    deducer = Deducer(Discoverer())
    assert deducer.deduce_root("github.com/u/r/x") == "github.com/u/r"
    assert deducer.deduce_root("example.org/r.git/x") == "example.org/r.git"
    with pytest.raises(DeduceError, match="is not a valid path for a source on github.com"):
        deducer.deduce_root("github.com/u")
    assert proxy_env.requests == []
