"""dep.gomod.semver against Go's semver rules (cases written after x/mod's test table)."""

import pytest

from dep.gomod import semver

# (input, canonical or "" when invalid)
CASES = [
    ("bad", ""), ("v1-alpha.beta.gamma", ""), ("v1-pre", ""), ("v1+meta", ""), ("v1-pre+meta", ""),
    ("v1.2-pre", ""), ("v1.2+meta", ""), ("v1.2-pre+meta", ""), ("v1.0.0-alpha", "v1.0.0-alpha"),
    ("v1.0.0-alpha.1", "v1.0.0-alpha.1"), ("v1.0.0-alpha.beta", "v1.0.0-alpha.beta"),
    ("v1.0.0-rc.1", "v1.0.0-rc.1"), ("v1.0.0", "v1.0.0"), ("v1.2", "v1.2.0"), ("v1", "v1.0.0"),
    ("v1.2.3+meta", "v1.2.3"), ("v1.2.3-pre+meta", "v1.2.3-pre"), ("1.2.3", ""), ("v01.2.3", ""),
    ("v1.02.3", ""), ("v1.2.03", ""), ("v1.2.3-01", ""), ("v1.2.3-0a", "v1.2.3-0a"),
    ("v1.2.3+01", "v1.2.3"), ("v1.2.3-", ""), ("v1.2.3+", ""), ("v1.2.3-a..b", ""), ("v1.2.3.4", ""),
    ("v1.2.3-a_b", ""), ("", ""), ("v", ""), ("v1.", ""), ("v10.20.30", "v10.20.30"),
]


@pytest.mark.parametrize("v,want", CASES)
def test_valid_and_canonical(v, want):
    assert semver.is_valid(v) == (want != "")
    assert semver.canonical(v) == want


def test_parts():
    assert semver.major("v2.1.0") == "v2" and semver.major("bad") == ""
    assert semver.major_minor("v2.1.0") == "v2.1" and semver.major_minor("v2") == "v2.0"
    assert semver.prerelease("v2.1.0-pre+meta") == "-pre" and semver.build("v2.1.0-pre+meta") == "+meta"
    assert semver.build("v2.1.0+incompatible") == "+incompatible"


ORDER = ["bad", "v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2",
         "v1.0.0-beta.11", "v1.0.0-rc.1", "v1", "v1.2.0-0.20200101000000-abcdefabcdef", "v1.2", "v1.2.3",
         "v1.9.0", "v1.10.0", "v2.0.0", "v9.0.0", "v10.0.0"]


def test_compare_order():
    for i, a in enumerate(ORDER):
        for j, b in enumerate(ORDER):
            want = (i > j) - (i < j)
            assert semver.compare(a, b) == want, (a, b)
    assert semver.compare("v1.0.0", "v1.0.0+meta") == 0
    assert semver.compare("bad", "also-bad") == 0


def test_max_and_sort():
    assert semver.max("v1.2", "v1.1.9") == "v1.2.0"
    assert semver.max("bad", "v1.0.0+x") == "v1.0.0"
    assert semver.sort_versions(["v1.10.0", "v1.9.0", "bad", "v1.9.0+b", "v1.9.0+a"]) == \
        ["bad", "v1.9.0", "v1.9.0+a", "v1.9.0+b", "v1.10.0"]


@pytest.mark.parametrize("text,want", [
    ("1.2.3", "v1.2.3"), ("v1.2", "v1.2.0"), ("v1.2.3+meta", "v1.2.3"), ("1.0.0-rc1", "v1.0.0-rc1"),
    ("release-1", ""), ("master", ""), ("", ""), ("v1.2.3.4", ""),
])
def test_from_dep_version(text, want):
    assert semver.from_dep_version(text) == want
