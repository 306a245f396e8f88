"""Static deduction: roots, candidate sources in dep's order, error texts, gopkg.in filtering.

Expectations are dep v0.5.4's (gps deduce tables, plus outputs of its deduceKnownPaths built
with Go 1.19 on the same inputs).
"""

from __future__ import annotations

import pytest

from dep.errors import DepError
from dep.sources.deduce import (
    Candidate,
    DeduceError,
    Deduction,
    GopkgIn,
    GoURL,
    cache_dir_name,
    deduce_static,
    filter_gopkg_in_versions,
    is_valid_import_path,
    normalize_source,
    validate_vcs_scheme,
)
from dep.sources.deducer import Deducer
from dep.versions import Branch, PairedVersion, PlainVersion, parse_version


def git(*urls):
    return [Candidate("git", u) for u in urls]


def hg(*urls):
    return [Candidate("hg", u) for u in urls]


def bzr(*urls):
    return [Candidate("bzr", u) for u in urls]


# ---------------------------------------------------------------------------------------------
# successful deductions: (input, root, candidates)

GITHUB = [
    ("github.com/sdboyer/gps", "github.com/sdboyer/gps",
     git("https://github.com/sdboyer/gps", "ssh://git@github.com/sdboyer/gps",
         "git://github.com/sdboyer/gps", "http://github.com/sdboyer/gps")),
    ("github.com/sdboyer/gps/foo/bar", "github.com/sdboyer/gps",
     git("https://github.com/sdboyer/gps", "ssh://git@github.com/sdboyer/gps",
         "git://github.com/sdboyer/gps", "http://github.com/sdboyer/gps")),
    # the .git suffix stays part of the root
    ("github.com/sdboyer/gps.git/foo", "github.com/sdboyer/gps.git",
     git("https://github.com/sdboyer/gps.git", "ssh://git@github.com/sdboyer/gps.git",
         "git://github.com/sdboyer/gps.git", "http://github.com/sdboyer/gps.git")),
    # user names: one or two letters, trailing dash (allowed once upon a time)
    ("github.com/kr/pretty", "github.com/kr/pretty",
     git("https://github.com/kr/pretty", "ssh://git@github.com/kr/pretty",
         "git://github.com/kr/pretty", "http://github.com/kr/pretty")),
    ("github.com/a/gps/foo", "github.com/a/gps",
     git("https://github.com/a/gps", "ssh://git@github.com/a/gps", "git://github.com/a/gps",
         "http://github.com/a/gps")),
    ("github.com/sdboyer-/gps/foo", "github.com/sdboyer-/gps",
     git("https://github.com/sdboyer-/gps", "ssh://git@github.com/sdboyer-/gps",
         "git://github.com/sdboyer-/gps", "http://github.com/sdboyer-/gps")),
    ("github.com/U-1/R_x.y", "github.com/U-1/R_x.y",
     git("https://github.com/U-1/R_x.y", "ssh://git@github.com/U-1/R_x.y",
         "git://github.com/U-1/R_x.y", "http://github.com/U-1/R_x.y")),
]

GOPKG_IN = [
    ("gopkg.in/sdboyer/gps.v0", "gopkg.in/sdboyer/gps.v0",
     git("https://github.com/sdboyer/gps", "http://github.com/sdboyer/gps")),
    ("gopkg.in/sdboyer/gps.v1/foo/bar", "gopkg.in/sdboyer/gps.v1",
     git("https://github.com/sdboyer/gps", "http://github.com/sdboyer/gps")),
    ("gopkg.in/yaml.v1", "gopkg.in/yaml.v1",
     git("https://github.com/go-yaml/yaml", "http://github.com/go-yaml/yaml")),
    ("gopkg.in/yaml.v2/foo/bar", "gopkg.in/yaml.v2",
     git("https://github.com/go-yaml/yaml", "http://github.com/go-yaml/yaml")),
    ("gopkg.in/inf.v0", "gopkg.in/inf.v0",
     git("https://github.com/go-inf/inf", "http://github.com/go-inf/inf")),
    ("gopkg.in/yaml.v2.git/sub", "gopkg.in/yaml.v2.git",
     git("https://github.com/go-yaml/yaml", "http://github.com/go-yaml/yaml")),
    ("gopkg.in/yaml.v2-unstable/x", "gopkg.in/yaml.v2-unstable",
     git("https://github.com/go-yaml/yaml", "http://github.com/go-yaml/yaml")),
    ("gopkg.in/check.v1/sub.dir", "gopkg.in/check.v1",
     git("https://github.com/go-check/check", "http://github.com/go-check/check")),
]

BITBUCKET = [
    ("bitbucket.org/sdboyer/reporoot", "bitbucket.org/sdboyer/reporoot",
     hg("https://bitbucket.org/sdboyer/reporoot", "ssh://hg@bitbucket.org/sdboyer/reporoot",
        "http://bitbucket.org/sdboyer/reporoot")
     + git("https://bitbucket.org/sdboyer/reporoot", "ssh://git@bitbucket.org/sdboyer/reporoot",
           "git://bitbucket.org/sdboyer/reporoot", "http://bitbucket.org/sdboyer/reporoot")),
    ("bitbucket.org/sdboyer/reporoot/foo/bar", "bitbucket.org/sdboyer/reporoot",
     hg("https://bitbucket.org/sdboyer/reporoot", "ssh://hg@bitbucket.org/sdboyer/reporoot",
        "http://bitbucket.org/sdboyer/reporoot")
     + git("https://bitbucket.org/sdboyer/reporoot", "ssh://git@bitbucket.org/sdboyer/reporoot",
           "git://bitbucket.org/sdboyer/reporoot", "http://bitbucket.org/sdboyer/reporoot")),
    # a .git or .hg suffix settles the VCS
    ("bitbucket.org/sdboyer/reporoot.git", "bitbucket.org/sdboyer/reporoot.git",
     git("https://bitbucket.org/sdboyer/reporoot.git",
         "ssh://git@bitbucket.org/sdboyer/reporoot.git",
         "git://bitbucket.org/sdboyer/reporoot.git", "http://bitbucket.org/sdboyer/reporoot.git")),
    ("bitbucket.org/sdboyer/reporoot.hg/x", "bitbucket.org/sdboyer/reporoot.hg",
     hg("https://bitbucket.org/sdboyer/reporoot.hg",
        "ssh://hg@bitbucket.org/sdboyer/reporoot.hg",
        "http://bitbucket.org/sdboyer/reporoot.hg")),
]

LAUNCHPAD = [
    ("launchpad.net/govcstestbzrrepo", "launchpad.net/govcstestbzrrepo",
     bzr("https://launchpad.net/govcstestbzrrepo", "bzr+ssh://launchpad.net/govcstestbzrrepo",
         "bzr://launchpad.net/govcstestbzrrepo", "http://launchpad.net/govcstestbzrrepo")),
    ("launchpad.net/govcstestbzrrepo/foo/bar", "launchpad.net/govcstestbzrrepo",
     bzr("https://launchpad.net/govcstestbzrrepo", "bzr+ssh://launchpad.net/govcstestbzrrepo",
         "bzr://launchpad.net/govcstestbzrrepo", "http://launchpad.net/govcstestbzrrepo")),
    ("git.launchpad.net/reporoot", "git.launchpad.net/reporoot",
     git("https://git.launchpad.net/reporoot", "ssh://git.launchpad.net/reporoot",
         "git://git.launchpad.net/reporoot", "http://git.launchpad.net/reporoot")),
    ("git.launchpad.net/reporoot/foo/bar", "git.launchpad.net/reporoot",
     git("https://git.launchpad.net/reporoot", "ssh://git.launchpad.net/reporoot",
         "git://git.launchpad.net/reporoot", "http://git.launchpad.net/reporoot")),
]

JAZZ_APACHE = [
    ("hub.jazz.net/git/user1/pkgname", "hub.jazz.net/git/user1/pkgname",
     git("https://hub.jazz.net/git/user1/pkgname")),
    ("hub.jazz.net/git/user1/pkgname/submodule/submodule/submodule",
     "hub.jazz.net/git/user1/pkgname", git("https://hub.jazz.net/git/user1/pkgname")),
    ("hub.jazz.net/git/user1/pkg.name", "hub.jazz.net/git/user1/pkg.name",
     git("https://hub.jazz.net/git/user1/pkg.name")),
    ("git.apache.org/package-name.git", "git.apache.org/package-name.git",
     git("https://git.apache.org/package-name.git", "ssh://git.apache.org/package-name.git",
         "git://git.apache.org/package-name.git", "http://git.apache.org/package-name.git")),
    ("git.apache.org/thrift.git/lib/go/thrift", "git.apache.org/thrift.git",
     git("https://git.apache.org/thrift.git", "ssh://git.apache.org/thrift.git",
         "git://git.apache.org/thrift.git", "http://git.apache.org/thrift.git")),
]

VCS_EXTENSION = [
    ("foobar.com/baz.git", "foobar.com/baz.git",
     git("https://foobar.com/baz.git", "ssh://foobar.com/baz.git", "git://foobar.com/baz.git",
         "http://foobar.com/baz.git")),
    ("foobar.com/baz.git/extra/path", "foobar.com/baz.git",
     git("https://foobar.com/baz.git", "ssh://foobar.com/baz.git", "git://foobar.com/baz.git",
         "http://foobar.com/baz.git")),
    ("foobar.com/baz.bzr", "foobar.com/baz.bzr",
     bzr("https://foobar.com/baz.bzr", "bzr+ssh://foobar.com/baz.bzr", "bzr://foobar.com/baz.bzr",
         "http://foobar.com/baz.bzr")),
    ("foo-bar.com/baz.hg", "foo-bar.com/baz.hg",
     hg("https://foo-bar.com/baz.hg", "ssh://foo-bar.com/baz.hg", "http://foo-bar.com/baz.hg")),
    ("example.org/a/b/c.hg/d", "example.org/a/b/c.hg",
     hg("https://example.org/a/b/c.hg", "ssh://example.org/a/b/c.hg",
        "http://example.org/a/b/c.hg")),
    ("example.org/a~b.git", "example.org/a~b.git",
     git("https://example.org/a~b.git", "ssh://example.org/a~b.git", "git://example.org/a~b.git",
         "http://example.org/a~b.git")),
    ("example.org/.git/x", "example.org/.git",
     git("https://example.org/.git", "ssh://example.org/.git", "git://example.org/.git",
         "http://example.org/.git")),
    # only the first extension counts
    ("foobar.com/baz.git/quark/quizzle.bzr/quorum", "foobar.com/baz.git",
     git("https://foobar.com/baz.git", "ssh://foobar.com/baz.git", "git://foobar.com/baz.git",
         "http://foobar.com/baz.git")),
]

# URL-form and SCP-like inputs (Gopkg.toml ``source``): only the given scheme
SOURCES = [
    ("git@github.com:sdboyer/gps", "github.com/sdboyer/gps",
     git("ssh://git@github.com/sdboyer/gps")),
    ("https://github.com/sdboyer/gps", "github.com/sdboyer/gps",
     git("https://github.com/sdboyer/gps")),
    ("https://github.com/sdboyer/gps/foo/bar", "github.com/sdboyer/gps",
     git("https://github.com/sdboyer/gps")),
    ("ssh://github.com/u/r", "github.com/u/r", git("ssh://git@github.com/u/r")),
    ("git://github.com/u/r/", "github.com/u/r", git("git://github.com/u/r")),
    ("https://github.com/u/r?x=1", "github.com/u/r", git("https://github.com/u/r?x=1")),
    ("https://github.com/u/r/../q", "github.com/u/q", git("https://github.com/u/q")),
    ("https://bitbucket.org/sdboyer/reporoot/foo/bar", "bitbucket.org/sdboyer/reporoot",
     hg("https://bitbucket.org/sdboyer/reporoot") + git("https://bitbucket.org/sdboyer/reporoot")),
    ("git@bitbucket.org:sdboyer/reporoot.git", "bitbucket.org/sdboyer/reporoot.git",
     git("ssh://git@bitbucket.org/sdboyer/reporoot.git")),
    ("hg@bitbucket.org:sdboyer/reporoot", "bitbucket.org/sdboyer/reporoot",
     hg("ssh://hg@bitbucket.org/sdboyer/reporoot")),
    ("ssh://git@bitbucket.org/u/r", "bitbucket.org/u/r", git("ssh://git@bitbucket.org/u/r")),
    ("bzr+ssh://launchpad.net/x", "launchpad.net/x", bzr("bzr+ssh://launchpad.net/x")),
    ("ssh://git.launchpad.net/x", "git.launchpad.net/x", git("ssh://git.launchpad.net/x")),
    ("https://hub.jazz.net/git/u/p/x", "hub.jazz.net/git/u/p", git("https://hub.jazz.net/git/u/p")),
    ("https://git.apache.org/thrift.git", "git.apache.org/thrift.git",
     git("https://git.apache.org/thrift.git")),
    ("git@foobar.com:baz.git", "foobar.com/baz.git", git("ssh://git@foobar.com/baz.git")),
    ("bzr+ssh://foobar.com/baz.bzr", "foobar.com/baz.bzr", bzr("bzr+ssh://foobar.com/baz.bzr")),
    ("ssh://foobar.com/baz.bzr", "foobar.com/baz.bzr", bzr("ssh://foobar.com/baz.bzr")),
    ("https://foobar.com/baz.hg", "foobar.com/baz.hg", hg("https://foobar.com/baz.hg")),
    ("https://example.org:8080/x.git", "example.org:8080/x.git",
     git("https://example.org:8080/x.git")),
]


@pytest.mark.parametrize("text,root,candidates",
                         GITHUB + GOPKG_IN + BITBUCKET + LAUNCHPAD + JAZZ_APACHE + VCS_EXTENSION
                         + SOURCES)
def test_static_deduction(text, root, candidates):
    found = deduce_static(text)
    assert found is not None
    assert found.root == root
    assert list(found.vcs_candidates) == candidates
    assert all(isinstance(c, tuple) and len(c) == 2 for c in found.vcs_candidates)


@pytest.mark.parametrize("text,alias,major,unstable", [
    ("gopkg.in/yaml.v2/foo", "gopkg.in/yaml.v2", 2, False),
    ("gopkg.in/sdboyer/gps.v0", "gopkg.in/sdboyer/gps.v0", 0, False),
    ("gopkg.in/yaml.v3-unstable", "gopkg.in/yaml.v3-unstable", 3, True),
    ("gopkg.in/yaml.v2.git", "gopkg.in/yaml.v2.git", 2, False),
])
def test_gopkg_in_details(text, alias, major, unstable):
    found = deduce_static(text)
    assert found.gopkg_in == GopkgIn(alias, major, unstable)
    https, http = found.vcs_candidates
    # dep identifies (and caches) the source by the gopkg.in URL, talks to github
    assert found.source_url(https) == f"https://{alias}"
    assert found.source_url(http) == f"http://{alias}"
    assert found.source_urls() == [f"https://{alias}", f"http://{alias}"]
    assert found.cache_name(https) == cache_dir_name(f"https://{alias}")


def test_other_hosts_have_no_gopkg_in_details():
    found = deduce_static("github.com/u/r")
    assert found.gopkg_in is None
    assert found.source_urls() == [c.url for c in found.vcs_candidates]


# ---------------------------------------------------------------------------------------------
# errors: a matching host whose pattern fails is final

INVALID = [
    # github: user names start alphanumeric and have no dots or underscores
    ("github.com/-sdboyer/gps/foo",
     "github.com/-sdboyer/gps/foo is not a valid path for a source on github.com"),
    ("github.com/sdbo.yer/gps/foo",
     "github.com/sdbo.yer/gps/foo is not a valid path for a source on github.com"),
    ("github.com/sdbo_yer/gps/foo",
     "github.com/sdbo_yer/gps/foo is not a valid path for a source on github.com"),
    ("github.com/u", "github.com/u is not a valid path for a source on github.com"),
    ("github.com/", "github.com/ is not a valid path for a source on github.com"),
    ("github.com/u/r/", "github.com/u/r/ is not a valid path for a source on github.com"),
    ("github.com/u/r//x", "github.com/u/r//x is not a valid path for a source on github.com"),
    # URL inputs are reported by their normalized path
    ("https://github.com/-x/y", "github.com/-x/y is not a valid path for a source on github.com"),
    # gopkg.in
    ("gopkg.in/yaml.v1.2",
     'gopkg.in/yaml.v1.2 is not a valid import path; gopkg.in only allows major versions '
     '("v1" instead of "v1.2")'),
    ("gopkg.in/user/pkg.v3.0.1",
     'gopkg.in/user/pkg.v3.0.1 is not a valid import path; gopkg.in only allows major versions '
     '("v3" instead of "v3.0.1")'),
    ("gopkg.in/yaml.v1.2-unstable",
     'gopkg.in/yaml.v1.2-unstable is not a valid import path; gopkg.in only allows major '
     'versions ("v1" instead of "v1.2-unstable")'),
    ("gopkg.in/yaml", "gopkg.in/yaml is not a valid path for a source on gopkg.in"),
    ("gopkg.in/yaml.v01", "gopkg.in/yaml.v01 is not a valid path for a source on gopkg.in"),
    ("gopkg.in/v1/yaml", "gopkg.in/v1/yaml is not a valid path for a source on gopkg.in"),
    ("gopkg.in/u/pkg.v3", "gopkg.in/u/pkg.v3 is not a valid path for a source on gopkg.in"),
    ("gopkg.in/check.v1/-x", "gopkg.in/check.v1/-x is not a valid path for a source on gopkg.in"),
    ("gopkg.in/yaml.v99999999999999999999999",
     'could not parse "99999999999999999999999" as a gopkg.in major version'),
    ("https://gopkg.in/yaml.v2",
     "specifying alternate schemes on gopkg.in imports is not permitted"),
    ("git@gopkg.in:yaml.v2", "specifying alternate schemes on gopkg.in imports is not permitted"),
    # bitbucket
    ("bitbucket.org/u", "bitbucket.org/u is not a valid path for a source on bitbucket.org"),
    # launchpad
    ("launchpad.net/repo root",
     "launchpad.net/repo root is not a valid path for a source on launchpad.net"),
    # one element only, and no ~user paths
    ("launchpad.net/~user/x",
     "launchpad.net/~user/x is not a valid path for a source on launchpad.net"),
    ("git.launchpad.net/repo root",
     "git.launchpad.net/repo root is not a valid path for a source on git.launchpad.net"),
    ("git.launchpad.net/~x/y/",
     "git.launchpad.net/~x/y/ is not a valid path for a source on git.launchpad.net"),
    # jazz: git/<lowercase user>/<repo>
    ("hub.jazz.net/someotherprefix",
     "hub.jazz.net/someotherprefix is not a valid path for a source on hub.jazz.net"),
    ("hub.jazz.net/someotherprefix/user1/packagename",
     "hub.jazz.net/someotherprefix/user1/packagename is not a valid path for a source on "
     "hub.jazz.net"),
    ("hub.jazz.net/git/User 1/pkgname",
     "hub.jazz.net/git/User 1/pkgname is not a valid path for a source on hub.jazz.net"),
    ("hub.jazz.net/git/user1/pkg name",
     "hub.jazz.net/git/user1/pkg name is not a valid path for a source on hub.jazz.net"),
    ("hub.jazz.net/git/user.1/pkgname",
     "hub.jazz.net/git/user.1/pkgname is not a valid path for a source on hub.jazz.net"),
    ("hub.jazz.net/git/USER/pkgname",
     "hub.jazz.net/git/USER/pkgname is not a valid path for a source on hub.jazz.net"),
    # apache: lower-case name ending in .git
    ("git.apache.org/thrift", "git.apache.org/thrift is not a valid path for a source on "
     "git.apache.org"),
    ("git.apache.org/Thrift.git", "git.apache.org/Thrift.git is not a valid path for a source on "
     "git.apache.org"),
    # svn is recognized, but not supported
    ("example.org/x.svn", 'unknown repository type: "svn"'),
    ("example.org/x.svn/y", 'unknown repository type: "svn"'),
    ("svn://example.org/x.svn", 'unknown repository type: "svn"'),
]

SCHEME_ERRORS = [
    ("ssh://bob@github.com/u/r", "github ssh must be accessed via the 'git' user; bob was provided"),
    ("bob@github.com:u/r", "github ssh must be accessed via the 'git' user; bob was provided"),
    ("git+ssh://github.com/u/r", "git+ssh is not a valid scheme for accessing a git repository"),
    ("file://github.com/u/r", "file is not a valid scheme for accessing a git repository"),
    ("git://bitbucket.org/sdboyer/reporoot.hg",
     "git is not a valid scheme for accessing an hg repository"),
    ("bzr://bitbucket.org/u/r",
     "bzr is not a valid scheme for accessing either a git or hg repository"),
    ("git://launchpad.net/x", "git is not a valid scheme for accessing a bzr repository"),
    ("bzr://git.launchpad.net/x", "bzr is not a valid scheme for accessing a git repository"),
    ("svn://git.apache.org/thrift.git", "svn is not a valid scheme for accessing a git repository"),
    ("http://hub.jazz.net/git/u/p/x",
     "IBM's jazz hub only supports https, http://hub.jazz.net/git/u/p is not allowed"),
    ("git@hub.jazz.net:git/u/p",
     "IBM's jazz hub only supports https, ssh://git@hub.jazz.net/git/u/p is not allowed"),
    ("git://foobar.com/baz.hg",
     "git is not a valid scheme for accessing hg repositories (path foobar.com/baz.hg)"),
    ("svn://example.org/x.git",
     "svn is not a valid scheme for accessing git repositories (path example.org/x.git)"),
    ("bzr+ssh://example.org/x.hg",
     "bzr+ssh is not a valid scheme for accessing hg repositories (path example.org/x.hg)"),
    # a host:port without scheme parses as scheme "example.org"
    ("example.org:8080/x.git",
     "example.org is not a valid scheme for accessing git repositories "
     "(path example.org:8080/x.git)"),
]

BAD_URIS = [
    (":foo", '":foo" is not a valid URI'),
    ("%zz", '"%zz" is not a valid URI'),
    ("https://ex ample.org/x", '"https://ex ample.org/x" is not a valid URI'),
    ("https://example.org:abc/x", '"https://example.org:abc/x" is not a valid URI'),
    ("https://us er@example.org/x", '"https://us er@example.org/x" is not a valid URI'),
    ("github.com/u/r\x7f", '"github.com/u/r\\x7f" is not a valid URI'),
]


@pytest.mark.parametrize("text,message", INVALID + SCHEME_ERRORS + BAD_URIS)
def test_static_deduction_errors(text, message):
    with pytest.raises(DeduceError) as info:
        deduce_static(text)
    assert str(info.value) == message
    assert "\n" not in str(info.value)
    assert isinstance(info.value, DepError)


@pytest.mark.parametrize("text", [
    "golang.org/x/net", "golang.org/x/net/html", "example.org", "example.org/foo",
    "k8s.io/client-go", "github.com", "GitHub.com/u/r", "Example.org/x.git",
    "example.org/x.gitx", "http://example.org/foo", "https://bad<.org/x",
    "ssh://example.org/foo", "https://github.com", "gopkg.in",
])
def test_no_static_rule(text):
    assert deduce_static(text) is None


# ---------------------------------------------------------------------------------------------
# import path validity (DeduceProjectRoot's first check)

@pytest.mark.parametrize("path,valid", [
    ("github.com/u/r", True), ("a.b/c", True), ("a-b.c-d/e~f_g.h", True), ("example.org", True),
    ("foo", False), ("foo/bar", False), ("-foo.com/bar", True), ("foo..com/bar", False),
    ("foo.com/bar baz", False), ("foo.com/bar/", False), ("foo.com//bar", False),
    ("foo.com:80/bar", False), ("https://foo.com/bar", False), ("foo.com/b:ar", False),
    ("foo.com/b@r", False), ("foo.com/bar\n", False), ("foo_bar.com/x", False),
])
def test_import_path_validity(path, valid):
    assert is_valid_import_path(path) is valid


@pytest.mark.parametrize("path", ["foo", "foo.com/bar/", "https://github.com/u/r", "a b.c/d"])
def test_deduce_root_rejects_invalid_import_paths(path):
    with pytest.raises(DeduceError) as info:
        Deducer().deduce_root(path)
    assert str(info.value) == f'"{path}" is not a valid import path'


def test_deduce_root_static_paths_make_no_requests(no_internet):
    d = Deducer()
    assert d.deduce_root("github.com/sdboyer/gps/foo") == "github.com/sdboyer/gps"
    assert d.deduce_root("gopkg.in/yaml.v2/x") == "gopkg.in/yaml.v2"
    assert d.deduce_root("example.org/x.git/y") == "example.org/x.git"
    with pytest.raises(DeduceError, match="^github.com/u is not a valid path"):
        d.deduce_root("github.com/u")
    assert no_internet.blocked == []


def test_deducer_reuses_roots():
    d = Deducer()
    first = d.deduce("github.com/sdboyer/gps/foo")
    assert d.deduce("github.com/sdboyer/gps/bar/baz") is first
    assert d.deduce("github.com/sdboyer/gps") is first
    # not a path prefix: deduced afresh
    other = d.deduce("github.com/sdboyer/gpsx")
    assert other.root == "github.com/sdboyer/gpsx"
    assert d.source_urls("github.com/sdboyer/gps/x") == [
        "https://github.com/sdboyer/gps", "ssh://git@github.com/sdboyer/gps",
        "git://github.com/sdboyer/gps", "http://github.com/sdboyer/gps"]


def test_deducer_keeps_url_sources_apart_from_roots():
    d = Deducer()
    ssh_only = d.deduce("git@github.com:sdboyer/gps")
    assert ssh_only.vcs_candidates == (Candidate("git", "ssh://git@github.com/sdboyer/gps"),)
    assert len(d.deduce("github.com/sdboyer/gps/foo").vcs_candidates) == 4


def test_deducer_does_not_keep_static_errors():
    d = Deducer()
    for _ in range(2):
        with pytest.raises(DeduceError, match="not a valid path for a source on github.com"):
            d.deduce("github.com/-x/y")


# ---------------------------------------------------------------------------------------------
# URLs, schemes, cache names

@pytest.mark.parametrize("text,url,path", [
    ("github.com/u/r", "github.com/u/r", "github.com/u/r"),
    ("git@github.com:u/r.git", "ssh://git@github.com/u/r.git", "github.com/u/r.git"),
    ("git@github.com:/u/r", "ssh://git@github.com//u/r", "github.com/u/r"),
    ("HTTPS://github.com/u/r/", "https://github.com/u/r/", "github.com/u/r"),
    ("https://user:pw@github.com:443/u/r#frag", "https://user:pw@github.com:443/u/r#frag",
     "github.com:443/u/r"),
    ("https://example.org/a b.git", "https://example.org/a%20b.git", "example.org/a b.git"),
    ("https://example.org/x.git%2Fy", "https://example.org/x.git%2Fy", "example.org/x.git/y"),
    ("https://example.org/x.git?", "https://example.org/x.git?", "example.org/x.git"),
    ("https:/github.com/u/r", "https:/github.com/u/r", "https:/github.com/u/r"),
    ("mailto:foo@example.org", "mailto:foo@example.org", "mailto:foo@example.org"),
    ("https://[::1]:80/x.git", "https://[::1]:80/x.git", "[::1]:80/x.git"),
])
def test_normalize_source(text, url, path):
    u, normalized = normalize_source(text)
    assert str(u) == url
    assert normalized == path


@pytest.mark.parametrize("raw,message", [
    ("https://example.org:abc/x", 'parse "https://example.org:abc/x": invalid port ":abc" after host'),
    ("https://a%41.org/x", 'parse "https://a%41.org/x": invalid URL escape "%41"'),
    ("https://bad{.org/x", 'parse "https://bad{.org/x": invalid character "{" in host name'),
    ("a:b/c:d", None),
    ("1.2:foo", 'parse "1.2:foo": first path segment in URL cannot contain colon'),
    ("https://[::1/x", "parse \"https://[::1/x\": missing ']' in host"),
    ("x#%zz", 'parse "x#%zz": invalid URL escape "%zz"'),
])
def test_go_url_parse_errors(raw, message):
    if message is None:
        assert GoURL.parse(raw).opaque == "b/c:d"
        return
    with pytest.raises(ValueError) as info:
        GoURL.parse(raw)
    assert str(info.value) == message


@pytest.mark.parametrize("scheme,vcs,ok", [
    ("ssh", "git", True), ("ssh", "hg", True), ("ssh", "bzr", True), ("ssh", "svn", True),
    ("git", "git", True), ("git", "hg", False), ("bzr+ssh", "bzr", True),
    ("bzr+ssh", "git", False), ("svn+ssh", "svn", True), ("http", "hg", True),
    ("git+ssh", "git", False),
])
def test_validate_vcs_scheme(scheme, vcs, ok):
    assert validate_vcs_scheme(scheme, vcs) is ok


@pytest.mark.parametrize("url,name", [
    ("https://github.com/sdboyer/deptest", "https---github.com-sdboyer-deptest"),
    ("ssh://git@github.com/a/b", "ssh---git@github.com-a-b"),
    ("https://gopkg.in/yaml.v2", "https---gopkg.in-yaml.v2"),
    ("bzr+ssh://launchpad.net/x-y", "bzr-ssh---launchpad.net-x--y"),
    ("https://example.org:8080/a-b.git", "https---example.org-8080-a--b.git"),
])
def test_cache_dir_name(url, name):
    assert cache_dir_name(url) == name
    found = Deduction("x", (Candidate("git", url),))
    assert found.cache_name(found.vcs_candidates[0]) == name


# ---------------------------------------------------------------------------------------------
# gopkg.in version filtering

def rev(n: int) -> str:
    return f"{n:040x}"


def tag(name: str, n: int) -> PairedVersion:
    return PairedVersion(parse_version(name), rev(n))


def branch(name: str, n: int, default: bool = False) -> PairedVersion:
    return PairedVersion(Branch(name, default), rev(n))


LISTING = [
    branch("master", 1, default=True),
    branch("v1", 2),
    branch("v1.2", 3),
    branch("v2", 4),
    branch("v2-unstable", 5),
    branch("dev", 6),
    tag("v1.0.0", 7),
    tag("v1.1", 8),
    tag("v2.0.0", 9),
    tag("release-1", 10),
    tag("1.3.0", 11),
]


@pytest.mark.parametrize("major,unstable,expected", [
    (1, False, [branch("v1", 2), branch("v1.2", 3, default=True), tag("v1.0.0", 7),
                tag("v1.1", 8), tag("1.3.0", 11)]),
    (2, False, [branch("v2", 4, default=True), tag("v2.0.0", 9)]),
    # unstable paths keep only -unstable branches, and no tags at all
    (2, True, [branch("v2-unstable", 5, default=True)]),
    (1, True, []),
    (3, False, []),
    # semver exists somewhere, so v0 does not fall back to the default branch
    (0, False, []),
])
def test_gopkg_in_filter(major, unstable, expected):
    assert filter_gopkg_in_versions(LISTING, major, unstable) == expected


def test_gopkg_in_filter_v0_uses_default_branch_without_semver():
    listing = [branch("dev", 1), branch("main", 2, default=True), tag("release", 3)]
    assert filter_gopkg_in_versions(listing, 0, False) == [branch("main", 2, default=True)]
    # ... but not for other majors, and not without a default branch
    assert filter_gopkg_in_versions(listing, 1, False) == []
    assert filter_gopkg_in_versions(listing[:1], 0, False) == []


def test_gopkg_in_filter_default_is_highest_branch_first_on_ties():
    listing = [branch("v1.10", 1), branch("v1.9", 2, default=True), branch("v1.10.0", 3)]
    assert filter_gopkg_in_versions(listing, 1, False) == [
        branch("v1.10", 1, default=True), branch("v1.9", 2), branch("v1.10.0", 3)]


def test_gopkg_in_filter_drops_plain_tags_and_keeps_order():
    listing = [tag("v1", 1), PairedVersion(PlainVersion("foo"), rev(2)), tag("v1.0.1", 3)]
    assert filter_gopkg_in_versions(listing, 1, False) == [tag("v1", 1), tag("v1.0.1", 3)]
