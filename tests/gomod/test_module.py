"""dep.gomod.module: path checks (Go's error texts), escaping, major-version suffixes."""

import pytest

from dep.gomod import module as m

# (path, module error or None, import error or None); texts as golang.org/x/mod words them
PATHS = [
    ("x.y/z", None, None),
    ("x.y", None, None),
    ("", 'malformed module path "": empty string', 'malformed import path "": empty string'),
    ("x.y/\xffz", None, None),  # placeholder replaced below
    ("/x.y/z", 'malformed module path "/x.y/z": empty path element',
     'malformed import path "/x.y/z": empty path element'),
    ("x./z", 'malformed module path "x./z": trailing dot in path element', None),
    (".x/z", 'malformed module path ".x/z": leading dot in path element', None),
    ("-x/z", 'malformed module path "-x/z": leading dash', 'malformed import path "-x/z": leading dash'),
    ("x..y/z", None, None),
    ("x.y/z/../a", 'malformed module path "x.y/z/../a": invalid path element ".."', None),
    ("x.y//z", 'malformed module path "x.y//z": double slash', None),
    ("x.y/z/", 'malformed module path "x.y/z/": trailing slash', None),
    ("x.y/z+", 'malformed module path "x.y/z+": invalid char \'+\'', None),
    ("x.y/z~0", 'malformed module path "x.y/z~0": trailing tilde and digits in path element',
     'malformed import path "x.y/z~0": trailing tilde and digits in path element'),
    ("x.y/aux", 'malformed module path "x.y/aux": "aux" disallowed as path element component on Windows', None),
    ("x.y/com1.txt", 'malformed module path "x.y/com1.txt": "com1" disallowed as path element component on Windows',
     None),
    ("x.y/calm1", None, None),
    ("xy/z", 'malformed module path "xy/z": missing dot in first path element', None),
    ("X.y/z", 'malformed module path "X.y/z": invalid char \'X\' in first path element', None),
    ("x_y.z/a", 'malformed module path "x_y.z/a": invalid char \'_\' in first path element', None),
    ("x.y/z/v1", 'malformed module path "x.y/z/v1": invalid version', None),
    ("x.y/z/v0", 'malformed module path "x.y/z/v0": invalid version', None),
    ("x.y/z/v2.1", 'malformed module path "x.y/z/v2.1": invalid version', None),
    ("x.y/z/v2", None, None),
    ("gopkg.in/yaml.v2", None, None),
    ("gopkg.in/yaml", 'malformed module path "gopkg.in/yaml": invalid version', None),
    ("github.com/user/испытание", 'malformed module path "github.com/user/испытание": invalid char \'и\'', None),
]
PATHS[3] = ("x.y/a b", 'malformed module path "x.y/a b": invalid char \' \'', None)


@pytest.mark.parametrize("path,mod_err,imp_err", PATHS)
def test_check_path(path, mod_err, imp_err):
    if mod_err is None:
        m.check_path(path)
    else:
        with pytest.raises(m.InvalidPathError) as e:
            m.check_path(path)
        assert str(e.value) == mod_err
    if imp_err is not None:
        with pytest.raises(m.InvalidPathError) as e:
            m.check_import_path(path)
        assert str(e.value) == imp_err
    elif mod_err is None or any(k in mod_err for k in ("first path element", "invalid version",
                                                       "leading dot", "'+'")):
        m.check_import_path(path)  # rules only module paths have


def test_file_paths():
    m.check_file_path("a/.b/c d!.go")
    m.check_file_path("x/z~1")
    with pytest.raises(m.InvalidPathError, match=r"invalid char '\*'"):
        m.check_file_path("a/*.go")


@pytest.mark.parametrize("path,esc", [
    ("github.com/Azure/azure-sdk-for-go", "github.com/!azure/azure-sdk-for-go"),
    ("github.com/GoogleCloudPlatform/x", "github.com/!google!cloud!platform/x"),
    ("github.com/sirupsen/logrus", "github.com/sirupsen/logrus"),
])
def test_escape_path(path, esc):
    assert m.escape_path(path) == esc
    assert m.unescape_path(esc) == path


def test_escape_errors():
    for bad in ("github.com/!Azure", "github.com/!", "github.com/!1", "github.com/Azure"):
        with pytest.raises(m.InvalidPathError):
            m.unescape_path(bad)
    with pytest.raises(m.InvalidPathError):
        m.escape_path("x.y/a b")
    assert m.escape_version("v1.0.0-RC1") == "v1.0.0-!r!c1"
    assert m.unescape_version("v1.0.0-!r!c1") == "v1.0.0-RC1"
    with pytest.raises(m.InvalidVersionError):
        m.escape_version("v1.0.0!")


@pytest.mark.parametrize("path,want", [
    ("x.y/z", ("x.y/z", "", True)), ("x.y/z/v2", ("x.y/z", "/v2", True)),
    ("x.y/z/v1", ("x.y/z/v1", "", False)), ("x.y/z/v02", ("x.y/z/v02", "", False)),
    ("x.y/v2", ("x.y", "/v2", True)), ("x.y/zv2", ("x.y/zv2", "", True)),
    ("gopkg.in/yaml.v2", ("gopkg.in/yaml", ".v2", True)), ("gopkg.in/yaml.v0", ("gopkg.in/yaml", ".v0", True)),
    ("gopkg.in/yaml.v02", ("gopkg.in/yaml.v02", "", False)),
    ("gopkg.in/macaroon-bakery.v2-unstable", ("gopkg.in/macaroon-bakery", ".v2-unstable", True)),
    ("gopkg.in/user/pkg.v3", ("gopkg.in/user/pkg", ".v3", True)),
])
def test_split_path_version(path, want):
    assert m.split_path_version(path) == want


def test_path_major():
    assert m.match_path_major("v1.2.3", "") and m.match_path_major("v0.1.0", "")
    assert not m.match_path_major("v2.0.0", "") and m.match_path_major("v2.0.0+incompatible", "")
    assert m.match_path_major("v2.0.0", "/v2") and not m.match_path_major("v3.0.0", "/v2")
    assert m.match_path_major("v2.1.0", ".v2-unstable")
    assert m.match_path_major("v0.0.0-20161208181325-20d25e280405", ".v1")
    with pytest.raises(m.InvalidVersionError, match=r'version "v3.0.0" invalid: should be v2, not v3'):
        m.check_path_major("v3.0.0", "/v2")
    with pytest.raises(m.InvalidVersionError, match="should be v0 or v1, not v2"):
        m.check_path_major("v2.0.0", "")
    assert m.path_major_prefix("/v2") == "v2" and m.path_major_prefix(".v2-unstable") == "v2"
    assert m.path_major_prefix("") == ""
    assert m.canonical_version("v2.0.0+incompatible") == "v2.0.0+incompatible"
    assert m.canonical_version("v2.0.1+meta") == "v2.0.1"


def test_check_and_incompatible():
    m.check("x.y/z/v2", "v2.0.1")
    with pytest.raises(m.InvalidVersionError, match=r"mismatched module path x.y/z and version v2.0.0 \(want v0 or v1\)"):
        m.check("x.y/z", "v2.0.0")
    with pytest.raises(m.InvalidVersionError, match=r"\(want v2\)"):
        m.check("gopkg.in/yaml.v2", "v3.0.0")
    assert m.incompatible_version("v2.0.0", "x.y/z", has_go_mod=False) == "v2.0.0+incompatible"
    assert m.incompatible_version("v1.5.0", "x.y/z", has_go_mod=False) == "v1.5.0"
    assert m.incompatible_version("v2.0.0", "x.y/z/v2", has_go_mod=True) == "v2.0.0"
    with pytest.raises(m.InvalidVersionError, match="go.mod"):
        m.incompatible_version("v2.0.0", "x.y/z", has_go_mod=True)
