"""Tests for dep.digest: dep's hash-version-1 vendor digest and CheckDepTree statuses.

Digests marked "Go" below were computed with dep v0.5.4's own ``verify`` package.
"""

from __future__ import annotations

import hashlib
import os
import random
import socket
import stat
import struct
import tomllib
from pathlib import Path

import pytest

import dep.digest as dg
from dep.digest import (
    EMPTY_DIGEST,
    HASH_VERSION,
    VendorStatus,
    VendorStatusMap,
    VersionedDigest,
    check_dep_tree,
    digest_from_directory,
    digests_from_directories,
    parse_digest,
)
from dep.errors import LockError, VendorError

DEP_CHECKOUT = Path("/tmp/gp/src/github.com/golang/dep")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def write(root: Path, rel: str, data: bytes | str = b"") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def d(text: str) -> VersionedDigest:
    return parse_digest(text)


def reference_digest(root: Path) -> str:
    """The spec's whole-file Python model of DigestFromDirectory (reference §4.1)."""

    class SkipRest(Exception):
        pass

    h = hashlib.sha256()

    def visit(path: Path, rel: str) -> None:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            return
        if rel and os.path.basename(rel) in ("vendor", ".bzr", ".git", ".hg", ".svn"):
            if stat.S_ISDIR(st.st_mode):
                return
            raise SkipRest
        mode = st.st_mode
        mt = (0x80000000 if stat.S_ISDIR(mode) else 0x02000000 if stat.S_ISFIFO(mode)
              else 0x01000000 if stat.S_ISSOCK(mode)
              else 0x04000000 if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else 0)
        h.update(rel.encode() + b"\0")
        h.update(struct.pack("<I", mt) + b"\0")
        if stat.S_ISDIR(mode):
            try:
                for name in sorted(os.listdir(path), key=os.fsencode):
                    visit(path / name, f"{rel}/{name}" if rel else name)
            except SkipRest:
                pass
        elif stat.S_ISREG(mode):
            data = path.read_bytes().replace(b"\r\n", b"\n")
            h.update(data)
            h.update(str(len(data)).encode() + b"\0")

    try:
        visit(root, "")
    except SkipRest:
        pass
    return "1:" + h.hexdigest()


def build_sample(root: Path) -> None:
    """A deterministic tree touching most corners of the algorithm (its Go digest is below)."""
    rng = random.Random(20240518)
    write(root, "README.md", "# sample\r\nline two\r\n")
    write(root, "doc.go", "// Package sample.\npackage sample\n")
    write(root, "empty.txt", "")
    write(root, "bin.dat", bytes(rng.randrange(256) for _ in range(5000)))
    big = bytearray(rng.choice(b"abc\r\n") for _ in range(200_000))
    big[65535:65537] = b"\r\n"  # a CRLF straddling the 64 KiB read size
    big[131071:131073] = b"\r\r"
    big[131073] = ord("\n")
    write(root, "big/data.txt", bytes(big))
    write(root, "sub/pkg/a.go", "package pkg\r\n\r\nfunc A() {}\r\n")
    write(root, "sub/pkg/a_test.go", "package pkg\n")
    write(root, "sub/pkg/testdata/x.golden", "a\rb\r\r\nc\r")
    (root / "emptydir/inner").mkdir(parents=True)
    write(root, "vendor/github.com/x/y/y.go", "package y\n")
    write(root, ".git/HEAD", "ref: refs/heads/master\n")
    write(root, "sub/.hg/store", "x")
    write(root, "sub/z.go", "package sub\n")
    write(root, "Z/upper.go", "package Z\n")
    write(root, "_under/u.go", "package u\n")
    os.symlink("doc.go", root / "link.go")
    os.symlink("sub", root / "linkdir")
    os.symlink("/nonexistent/target", root / "dangling")


SAMPLE_GO_DIGEST = "1:acd162989bd6db0391147a84e4a098092a82d60d924be215cc23b77148de0fe8"


# --------------------------------------------------------------------------------------------
# VersionedDigest and its text form
# --------------------------------------------------------------------------------------------


def test_versioned_digest_str_and_empty():
    assert str(VersionedDigest(1, bytes.fromhex("abcd"))) == "1:abcd"
    assert str(EMPTY_DIGEST) == "0:"
    assert str(VersionedDigest(1, b"")) == "1:"
    assert EMPTY_DIGEST.is_empty
    assert VersionedDigest(0, b"") == EMPTY_DIGEST
    assert not VersionedDigest(1, b"").is_empty
    assert not VersionedDigest(0, b"\x01").is_empty
    assert HASH_VERSION == 1


def test_versioned_digest_is_frozen_and_hashable():
    vd = VersionedDigest(1, b"\x00")
    with pytest.raises(AttributeError):
        vd.hash_version = 2  # type: ignore[misc]
    assert {vd: 1}[VersionedDigest(1, b"\x00")] == 1


@pytest.mark.parametrize("text, version, hexdigest, rendered", [
    ("0:", 0, "", "0:"),
    ("1:", 1, "", "1:"),
    ("1:ee2887fecb4d923fa90f8dd9cf33e876bf9260fed62f2ca5a5c3f41b4eb07683", 1,
     "ee2887fecb4d923fa90f8dd9cf33e876bf9260fed62f2ca5a5c3f41b4eb07683",
     "1:ee2887fecb4d923fa90f8dd9cf33e876bf9260fed62f2ca5a5c3f41b4eb07683"),
    ("1:ABCDEF", 1, "abcdef", "1:abcdef"),
    ("2:abcd", 2, "abcd", "2:abcd"),
    ("+3:00", 3, "00", "3:00"),
    ("-1:", -1, "", "-1:"),
    ("007:", 7, "", "7:"),
])
def test_parse_digest(text, version, hexdigest, rendered):
    vd = parse_digest(text)
    assert vd == VersionedDigest(version, bytes.fromhex(hexdigest))
    assert str(vd) == rendered


@pytest.mark.parametrize("text, message", [
    ("x", 'expected two colon-separated components in the versioned hash digest, got "x"'),
    ("", 'expected two colon-separated components in the versioned hash digest, got ""'),
    ("1:a:", 'expected two colon-separated components in the versioned hash digest, got "1:a:"'),
    ('a"\tb', 'expected two colon-separated components in the versioned hash digest, '
              'got "a\\"\\tb"'),
    ("1:zz", "encoding/hex: invalid byte: U+007A 'z'"),
    ("1:abc", "encoding/hex: odd length hex string"),
    ("1:abz", "encoding/hex: invalid byte: U+007A 'z'"),  # bad byte beats odd length
    ("1:0g00", "encoding/hex: invalid byte: U+0067 'g'"),
    ("1:é", "encoding/hex: invalid byte: U+00C3 'Ã'"),  # Go reports the first UTF-8 byte
    ("1:0\n", "encoding/hex: invalid byte: U+000A"),  # non-printable: no quoted char
    ("1: 0", "encoding/hex: invalid byte: U+0020 ' '"),
    ("x:ab", 'strconv.Atoi: parsing "x": invalid syntax'),
    (":ab", 'strconv.Atoi: parsing "": invalid syntax'),
    ("+:", 'strconv.Atoi: parsing "+": invalid syntax'),
    ("1_0:", 'strconv.Atoi: parsing "1_0": invalid syntax'),
    ("x:zz", "encoding/hex: invalid byte: U+007A 'z'"),  # hex is decoded first
    ("99999999999999999999:", 'strconv.Atoi: parsing "99999999999999999999": value out of range'),
    ("9223372036854775808:", 'strconv.Atoi: parsing "9223372036854775808": value out of range'),
])
def test_parse_digest_errors(text, message):
    with pytest.raises(LockError) as exc:
        parse_digest(text)
    assert str(exc.value) == message


def test_parse_digest_int64_limits():
    assert parse_digest("9223372036854775807:").hash_version == 2**63 - 1
    assert parse_digest("-9223372036854775808:").hash_version == -(2**63)


# --------------------------------------------------------------------------------------------
# digest_from_directory: reference §4.2 vectors
# --------------------------------------------------------------------------------------------

V_EMPTY = "1:a26f1226b5c210196d96adc4985e8d7c2ff4dd766031704ba7e76564f5720d4d"
V_FOO = "1:cc0d544cef54f33952849ea3d78d8ce61535cb3d759fae8c94d5fe39d2394e2f"
V_DEPTEST = "1:ddbbbe7f7a81c86d54e89fa388b532f4c144d666a14e8e483ba04fa58265b135"
V_MIXED = "1:12393c1831eaba2c0e9a3697e452827c70325c27022881ab79178f6e2d5acd4a"
V_A = "1:afe7c1b4767f9e6f9e44c61e8063790ab3a0e5e852794ed2eea5c7a2c49a3495"
V_CR1 = "1:8798580b98cae5e48c93ebc8c988da42428fe344f25b1f23d2543e642a94436c"
V_CR2 = "1:3f2c49624d385e4e18840dc51f4eff248f1bf67626867a7eb86f848e4c34242b"


def _mixed(root: Path) -> None:
    write(root, "foo.go", "package foo\n")
    write(root, "sub/bar.txt", "hello")
    (root / "empty").mkdir()


def _mixed_plus_ignored(root: Path) -> None:
    _mixed(root)
    write(root, "vendor/x/x.go", "package x\n")
    write(root, ".git/HEAD", "ref\n")
    os.symlink("foo.go", root / "link.go")


def _a_vendor_file_z(root: Path) -> None:
    write(root, "a.go", "package a\n")
    write(root, "vendor", "x")
    write(root, "z.go", "package z\n")


VECTORS = [
    ("empty", lambda r: None, V_EMPTY),
    ("foo", lambda r: write(r, "foo.go", "package foo\n"), V_FOO),
    ("foo-crlf", lambda r: write(r, "foo.go", "package foo\r\n"), V_FOO),
    ("deptest", lambda r: write(r, "deptest.go", "package deptest\n\ntype Foo int\n"), V_DEPTEST),
    ("mixed", _mixed, V_MIXED),
    ("mixed-plus-ignored", _mixed_plus_ignored, V_MIXED),
    ("a", lambda r: write(r, "a.go", "package a\n"), V_A),
    ("vendor-file-hides-z", _a_vendor_file_z, V_A),
    ("cr-1", lambda r: write(r, "x.txt", b"a\rb\r\r\nc\r"), V_CR1),
    ("cr-2", lambda r: write(r, "x.txt", b"a\rb\r\nc\r"), V_CR2),
]


@pytest.mark.parametrize("build, expected", [v[1:] for v in VECTORS], ids=[v[0] for v in VECTORS])
def test_reference_vectors(tmp_path, build, expected):
    root = tmp_path / "p"
    root.mkdir()
    build(root)
    got = digest_from_directory(root)
    assert str(got) == expected
    assert got.hash_version == 1 and len(got.digest) == 32
    assert reference_digest(root) == expected  # the test's own model agrees too
    assert str(digest_from_directory(str(root) + "/")) == expected  # path is cleaned


def test_foo_byte_stream(tmp_path):
    write(tmp_path, "foo.go", "package foo\n")
    stream = (b"\x00" + b"\x00\x00\x00\x80\x00" + b"foo.go\x00" + b"\x00\x00\x00\x00\x00"
              + b"package foo\n" + b"12\x00")
    assert digest_from_directory(tmp_path).digest == hashlib.sha256(stream).digest()


def test_sample_tree_matches_go(tmp_path):
    root = tmp_path / "sample"
    build_sample(root)
    assert str(digest_from_directory(root)) == SAMPLE_GO_DIGEST
    assert reference_digest(root) == SAMPLE_GO_DIGEST


# --------------------------------------------------------------------------------------------
# CRLF normalisation across read chunks
# --------------------------------------------------------------------------------------------


def _file_digest(tmp_path: Path, data: bytes) -> tuple[str, str]:
    root = tmp_path / f"f{len(list(tmp_path.iterdir()))}"
    write(root, "f", data)
    return str(digest_from_directory(root)), reference_digest(root)


@pytest.mark.parametrize("data", [
    b"x" * (dg.CHUNK_SIZE - 1) + b"\r\n" + b"tail",  # CRLF straddles the chunk boundary
    b"x" * (dg.CHUNK_SIZE - 2) + b"\r\r\n" + b"y",  # CR CR | LF
    b"x" * (dg.CHUNK_SIZE - 1) + b"\r\r\n",  # CR | CR LF
    b"x" * (dg.CHUNK_SIZE - 1) + b"\r",  # trailing CR exactly at chunk end, then EOF
    b"x" * (dg.CHUNK_SIZE - 1) + b"\ry",  # CR | non-LF: CR kept
    b"x" * (dg.CHUNK_SIZE - 1) + b"\r" + b"\r" * dg.CHUNK_SIZE + b"\n",  # whole chunk of CR
    b"\r\n" * (dg.CHUNK_SIZE + 3),  # CRLFs at every alignment
    b"\r" * (2 * dg.CHUNK_SIZE + 1),
    b"\r",
    b"\r\n",
    b"\n\r",
])
def test_crlf_across_chunks(tmp_path, data):
    got, ref = _file_digest(tmp_path, data)
    assert got == ref


def test_straddling_crlf_equals_lf(tmp_path):
    crlf, _ = _file_digest(tmp_path, b"x" * (dg.CHUNK_SIZE - 1) + b"\r\nend")
    lf, _ = _file_digest(tmp_path, b"x" * (dg.CHUNK_SIZE - 1) + b"\nend")
    assert crlf == lf


def test_byte_count_is_after_normalisation(tmp_path):
    data = b"x" * (dg.CHUNK_SIZE - 1) + b"\r\n" + b"\r\n" * 10
    write(tmp_path, "f", data)
    norm = data.replace(b"\r\n", b"\n")
    stream = (b"\x00\x00\x00\x00\x80\x00" + b"f\x00\x00\x00\x00\x00\x00" + norm
              + str(len(norm)).encode() + b"\x00")
    assert digest_from_directory(tmp_path).digest == hashlib.sha256(stream).digest()


def test_crlf_random_with_tiny_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(dg, "CHUNK_SIZE", 3)
    rng = random.Random(7)
    for i in range(60):
        data = bytes(rng.choice(b"\r\nab") for _ in range(rng.randrange(0, 30)))
        got, ref = _file_digest(tmp_path, data)
        assert got == ref, data


def test_files_are_streamed(tmp_path, monkeypatch):
    write(tmp_path, "big", b"ab\r\n" * 100_000)
    sizes = []
    real_read = os.read

    def spy(fd, n):
        sizes.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(dg.os, "read", spy)
    got = digest_from_directory(tmp_path)
    assert max(sizes) <= dg.CHUNK_SIZE and len(sizes) > 2
    assert str(got) == reference_digest(tmp_path)


# --------------------------------------------------------------------------------------------
# walk details: symlinks, skipped names, special files
# --------------------------------------------------------------------------------------------


def test_symlinks_are_ignored(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, "a.go", "package a\n")
    write(b, "a.go", "package a\n")
    os.symlink("a.go", b / "file-link")
    os.symlink(str(a), b / "dir-link")
    os.symlink("/does/not/exist", b / "dangling")
    assert str(digest_from_directory(b)) == V_A == str(digest_from_directory(a))


def test_root_symlink_is_digest_of_nothing(tmp_path):
    write(tmp_path, "real/a.go", "package a\n")
    os.symlink(tmp_path / "real", tmp_path / "link")
    assert digest_from_directory(tmp_path / "link") == VersionedDigest(
        1, hashlib.sha256(b"").digest())


def test_symlink_named_vendor_hides_nothing(tmp_path):
    write(tmp_path, "a.go", "package a\n")
    os.symlink("a.go", tmp_path / "vendor")
    write(tmp_path, "z.go", "package z\n")
    with_z = reference_digest(tmp_path)
    assert str(digest_from_directory(tmp_path)) == with_z != V_A


@pytest.mark.parametrize("name", ["vendor", ".bzr", ".git", ".hg", ".svn"])
def test_skip_name_file_hides_later_siblings(tmp_path, name):
    quirky, expected = tmp_path / "quirky", tmp_path / "expected"
    for root in (quirky, expected):
        write(root, "-a.go", "package a\n")  # '-' sorts before '.' and 'v'
    write(quirky, name, "x")
    write(quirky, "zzz/z.go", "package z\n")
    write(quirky, "vz.go", "package z\n")
    assert digest_from_directory(quirky) == digest_from_directory(expected)
    assert str(digest_from_directory(quirky)) == reference_digest(quirky)


@pytest.mark.parametrize("name", ["vendor", ".bzr", ".git", ".hg", ".svn"])
def test_skip_name_dir_is_skipped_alone(tmp_path, name):
    base, other = tmp_path / "base", tmp_path / "other"
    for root in (base, other):
        write(root, "a.go", "package a\n")
        write(root, "z.go", "package z\n")
    write(other, f"{name}/inner.go", "package inner\n")
    assert digest_from_directory(other) == digest_from_directory(base)


def test_skip_quirk_only_affects_its_own_directory(tmp_path):
    quirky, expected = tmp_path / "quirky", tmp_path / "expected"
    write(quirky, "a/a.go", "package a\n")
    write(quirky, "a/vendor", "x")
    write(quirky, "a/zlater.go", "hidden\n")
    write(quirky, "b/b.go", "package b\n")  # sibling of the parent: still hashed
    write(expected, "a/a.go", "package a\n")
    write(expected, "b/b.go", "package b\n")
    assert digest_from_directory(quirky) == digest_from_directory(expected)


def test_root_named_vendor_is_hashed(tmp_path):
    root = tmp_path / "vendor"
    write(root, "foo.go", "package foo\n")
    assert str(digest_from_directory(root)) == V_FOO


def test_names_sorted_bytewise(tmp_path):
    for name in ["b", "B", "_", "a.go", "a", "ä", "Z", "a-b", "a_b"]:
        write(tmp_path, f"{name}/f", name)
    assert str(digest_from_directory(tmp_path)) == reference_digest(tmp_path)


def test_empty_dirs_and_files_contribute(tmp_path):
    base = str(digest_from_directory(tmp_path))
    (tmp_path / "d").mkdir()
    with_dir = str(digest_from_directory(tmp_path))
    write(tmp_path, "d/e", "")
    with_file = str(digest_from_directory(tmp_path))
    assert len({base, with_dir, with_file}) == 3
    assert with_file == reference_digest(tmp_path)


def test_permissions_and_mtimes_ignored(tmp_path):
    p = write(tmp_path, "x.sh", "echo\n")
    before = digest_from_directory(tmp_path)
    p.chmod(0o755)
    os.utime(p, (1, 1))
    assert digest_from_directory(tmp_path) == before


def test_fifo_and_socket(tmp_path):
    write(tmp_path, "a.go", "package a\n")
    os.mkfifo(tmp_path / "pipe")
    sock_path = tmp_path / "sock"
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(sock_path))
        stream = (b"\x00\x00\x00\x00\x80\x00"
                  + b"a.go\x00\x00\x00\x00\x00\x00package a\n10\x00"
                  + b"pipe\x00\x00\x00\x00\x02\x00"
                  + b"sock\x00\x00\x00\x00\x01\x00")
        assert digest_from_directory(tmp_path).digest == hashlib.sha256(stream).digest()
    finally:
        s.close()


def test_fifo_named_vendor_hides_later_siblings(tmp_path):
    write(tmp_path, "a.go", "package a\n")
    os.mkfifo(tmp_path / "vendor")
    write(tmp_path, "z.go", "package z\n")
    assert str(digest_from_directory(tmp_path)) == V_A  # verified with Go


def test_device_type_code():
    assert dg._special_record(stat.S_IFCHR) == b"\x00\x00\x00\x04\x00"
    assert dg._special_record(stat.S_IFBLK) == b"\x00\x00\x00\x04\x00"
    assert dg._special_record(stat.S_IFIFO) == b"\x00\x00\x00\x02\x00"
    assert dg._special_record(stat.S_IFSOCK) == b"\x00\x00\x00\x01\x00"


def test_root_regular_file(tmp_path):
    p = write(tmp_path, "f.txt", "a\r\n")
    stream = b"\x00" + b"\x00\x00\x00\x00\x00" + b"a\n" + b"2\x00"
    assert digest_from_directory(p).digest == hashlib.sha256(stream).digest()


def test_deep_tree(tmp_path):
    rel = "/".join(["d"] * 300)
    write(tmp_path, rel + "/leaf.go", "package leaf\n")
    assert str(digest_from_directory(tmp_path)) == reference_digest(tmp_path)


def test_missing_directory_errors(tmp_path):
    with pytest.raises(VendorError) as exc:
        digest_from_directory(tmp_path / "nope")
    assert str(exc.value) == f"lstat {tmp_path}/nope: no such file or directory"


def test_digests_from_directories_parallel_and_serial(tmp_path):
    roots = []
    for i in range(6):
        root = tmp_path / f"p{i}"
        write(root, "f.go", f"package p{i}\r\n" * (i * 5000))
        roots.append(root)
    expected = [reference_digest(r) for r in roots]
    for workers in (None, 1, 4):
        assert [str(x) for x in digests_from_directories(roots, workers=workers)] == expected
    assert digests_from_directories([]) == []
    with pytest.raises(VendorError):
        digests_from_directories([roots[0], tmp_path / "missing"], workers=2)


# --------------------------------------------------------------------------------------------
# VendorStatus / check_dep_tree
# --------------------------------------------------------------------------------------------


def test_vendor_status_strings():
    assert [str(s) for s in VendorStatus] == [
        "not in lock", "not in tree", "match", "empty digest in lock", "mismatch", "hasher changed"]
    assert f"{VendorStatus.NO_MISMATCH}" == "match"
    assert VendorStatus.NOT_IN_LOCK.value == 0 and VendorStatus.HASH_VERSION_MISMATCH.value == 5


def test_missing_vendor_dir_all_not_in_tree(tmp_path):
    wanted = {"github.com/a/b": d(V_FOO), "github.com/c/d": EMPTY_DIGEST}
    res = check_dep_tree(tmp_path / "vendor", wanted)
    assert res == {k: VendorStatus.NOT_IN_TREE for k in wanted}
    assert isinstance(res, VendorStatusMap) and res.not_in_lock_dirs == frozenset()
    assert check_dep_tree(tmp_path / "vendor", {}) == {}


def test_vendor_not_a_directory(tmp_path):
    write(tmp_path, "vendor", "x")
    with pytest.raises(VendorError) as exc:
        check_dep_tree(tmp_path / "vendor", {})
    assert str(exc.value) == f'cannot verify non directory: "{tmp_path}/vendor"'


def _vendor(tmp_path: Path) -> Path:
    v = tmp_path / "vendor"
    write(v, "github.com/alice/alice1/a1.go", "package a1\n")
    write(v, "github.com/alice/alice2/a2.go", "package a2\n")
    write(v, "github.com/bob/bob1/b1.go", "package b1\n")
    write(v, "github.com/bob/bob2/b2.go", "package b2\n")
    write(v, "launchpad.net/nifty/n1.go", "package n1\n")
    return v


def _dig(v: Path, rel: str) -> VersionedDigest:
    return digest_from_directory(v / rel)


def test_statuses_for_each_lock_case(tmp_path):
    v = tmp_path / "vendor"
    for name in ["match", "mismatch", "zero", "onlyone", "v2", "v2empty", "v0data"]:
        write(v, f"example.com/{name}/x.go", f"package {name}\n")
    wanted = {
        "example.com/match": _dig(v, "example.com/match"),
        "example.com/mismatch": d(V_FOO),
        "example.com/zero": d("0:"),
        "example.com/onlyone": d("1:"),
        "example.com/v2": d("2:" + _dig(v, "example.com/v2").digest.hex()),
        "example.com/v2empty": d("2:"),
        "example.com/v0data": d("0:abcd"),
        "example.com/missing": d(V_FOO),
    }
    res = check_dep_tree(v, wanted)
    assert res == {
        "example.com/match": VendorStatus.NO_MISMATCH,
        "example.com/mismatch": VendorStatus.DIGEST_MISMATCH_IN_LOCK,
        "example.com/zero": VendorStatus.EMPTY_DIGEST_IN_LOCK,
        "example.com/onlyone": VendorStatus.EMPTY_DIGEST_IN_LOCK,
        "example.com/v2": VendorStatus.HASH_VERSION_MISMATCH,
        "example.com/v2empty": VendorStatus.HASH_VERSION_MISMATCH,
        "example.com/v0data": VendorStatus.HASH_VERSION_MISMATCH,
        "example.com/missing": VendorStatus.NOT_IN_TREE,
    }


def test_orphans_reported_at_top_most_level(tmp_path):
    v = _vendor(tmp_path)
    write(v, "foo", "stray file\n")
    write(v, "orphdir/deep/x.go", "package x\n")
    write(v, "github.com/alice/README", "x")
    wanted = {"github.com/alice/alice1": _dig(v, "github.com/alice/alice1"),
              "github.com/alice/alice2": _dig(v, "github.com/alice/alice2")}
    res = check_dep_tree(v, wanted)
    assert res == {
        "github.com/alice/alice1": VendorStatus.NO_MISMATCH,
        "github.com/alice/alice2": VendorStatus.NO_MISMATCH,
        "github.com/alice/README": VendorStatus.NOT_IN_LOCK,
        "github.com/bob": VendorStatus.NOT_IN_LOCK,
        "launchpad.net": VendorStatus.NOT_IN_LOCK,
        "foo": VendorStatus.NOT_IN_LOCK,
        "orphdir": VendorStatus.NOT_IN_LOCK,
    }
    assert res.not_in_lock_dirs == {"github.com/bob", "launchpad.net", "orphdir"}
    assert res.is_dir("orphdir") and not res.is_dir("foo")
    assert not res.is_dir("github.com/alice/README")


def test_orphans_nested_beside_lock_roots(tmp_path):
    # dep's own examples: alice1, alice2 and bob1 locked -> bob2 is the orphan
    v = _vendor(tmp_path)
    wanted = {p: _dig(v, p) for p in
              ["github.com/alice/alice1", "github.com/alice/alice2", "github.com/bob/bob1"]}
    res = check_dep_tree(v, wanted)
    assert {k: s for k, s in res.items() if s is VendorStatus.NOT_IN_LOCK} == {
        "github.com/bob/bob2": VendorStatus.NOT_IN_LOCK,
        "launchpad.net": VendorStatus.NOT_IN_LOCK,
    }


def test_nothing_locked_everything_top_level_orphan(tmp_path):
    v = _vendor(tmp_path)
    res = check_dep_tree(v, {"example.org/gone": d(V_FOO)})
    assert res == {"github.com": VendorStatus.NOT_IN_LOCK, "launchpad.net": VendorStatus.NOT_IN_LOCK,
                   "example.org/gone": VendorStatus.NOT_IN_TREE}
    assert res.not_in_lock_dirs == {"github.com", "launchpad.net"}


def test_empty_vendor_dir(tmp_path):
    (tmp_path / "vendor").mkdir()
    assert check_dep_tree(tmp_path / "vendor", {"a/b": d(V_FOO)}) == {"a/b": VendorStatus.NOT_IN_TREE}


def test_nested_lock_root_not_descended(tmp_path):
    v = tmp_path / "vendor"
    write(v, "github.com/a/a.go", "package a\n")
    write(v, "github.com/a/b/b.go", "package b\n")
    wanted = {"github.com/a": _dig(v, "github.com/a"), "github.com/a/b": _dig(v, "github.com/a/b")}
    assert check_dep_tree(v, wanted) == {"github.com/a": VendorStatus.NO_MISMATCH,
                                        "github.com/a/b": VendorStatus.NOT_IN_TREE}


def test_lock_root_that_is_a_file(tmp_path):
    v = tmp_path / "vendor"
    write(v, "github.com/a/file", "x")
    write(v, "github.com/a/dir/x.go", "package x\n")
    wanted = {"github.com/a/file": d(V_FOO), "github.com/a/dir": _dig(v, "github.com/a/dir")}
    res = check_dep_tree(v, wanted)  # as in dep: the file is an orphan beside a lock root
    assert res == {"github.com/a/file": VendorStatus.NOT_IN_LOCK,
                   "github.com/a/dir": VendorStatus.NO_MISMATCH}
    assert not res.is_dir("github.com/a/file")


def test_skip_names_in_vendor_walk(tmp_path):
    v = tmp_path / "vendor"
    write(v, "github.com/a/b/b.go", "package b\n")
    write(v, ".git/HEAD", "x")
    write(v, "vendor", "x")  # a file named vendor: skipped, and unlike the digest hides nothing
    write(v, "zz/orphan.go", "package zz\n")
    write(v, "github.com/vendor/x/x.go", "x")
    write(v, "github.com/.hg", "x")
    res = check_dep_tree(v, {"github.com/a/b": _dig(v, "github.com/a/b"),
                             "github.com/vendor/x": d(V_FOO)})
    assert res == {"github.com/a/b": VendorStatus.NO_MISMATCH, "zz": VendorStatus.NOT_IN_LOCK,
                   "github.com/vendor/x": VendorStatus.NOT_IN_TREE}


def test_symlinked_dirs_are_not_descended(tmp_path):
    outside = tmp_path / "outside"
    write(outside, "b/b.go", "package b\n")
    v = tmp_path / "vendor"
    v.mkdir()
    os.symlink(outside, v / "github.com")  # dep follows it (os.Stat, then lists the target)
    os.symlink("/", v / "root")  # dep would walk the whole file system
    real = _dig(outside, "b")
    res = check_dep_tree(v, {"github.com/b": real})
    assert res == {"github.com/b": VendorStatus.NOT_IN_TREE,
                   "github.com": VendorStatus.NOT_IN_LOCK, "root": VendorStatus.NOT_IN_LOCK}
    assert res.is_dir("github.com") and res.is_dir("root")


def test_symlinked_vendor_dir_is_an_error(tmp_path):
    write(tmp_path, "outside/github.com/b/b.go", "package b\n")
    v = tmp_path / "vendor"
    os.symlink(tmp_path / "outside", v)
    with pytest.raises(VendorError) as exc:
        check_dep_tree(v, {"github.com/b": d(V_FOO)})
    assert str(exc.value) == (f'"{v}" is a symbolic link, which dep does not follow: '
                              "remove it and run dep ensure -vendor-only to vendor the projects")


def test_symlinked_project_dir_hashes_as_nothing(tmp_path):
    write(tmp_path, "real/b.go", "package b\n")
    v = tmp_path / "vendor"
    (v / "github.com").mkdir(parents=True)
    os.symlink(tmp_path / "real", v / "github.com/b")
    real = digest_from_directory(tmp_path / "real")
    assert check_dep_tree(v, {"github.com/b": real}) == {
        "github.com/b": VendorStatus.DIGEST_MISMATCH_IN_LOCK}
    nothing = VersionedDigest(1, hashlib.sha256(b"").digest())
    assert check_dep_tree(v, {"github.com/b": nothing}) == {"github.com/b": VendorStatus.NO_MISMATCH}


def test_symlinked_orphans_classified_by_target(tmp_path):
    write(tmp_path, "real/x.go", "package x\n")
    v = tmp_path / "vendor"
    write(v, "github.com/a/b/b.go", "package b\n")
    os.symlink(tmp_path / "real", v / "linkdir")
    os.symlink(tmp_path / "real/x.go", v / "linkfile")
    res = check_dep_tree(v, {"github.com/a/b": _dig(v, "github.com/a/b")})
    assert res["linkdir"] is VendorStatus.NOT_IN_LOCK and res.is_dir("linkdir")
    assert res["linkfile"] is VendorStatus.NOT_IN_LOCK and not res.is_dir("linkfile")


def test_broken_symlink_in_vendor_is_an_error(tmp_path):
    v = tmp_path / "vendor"
    write(v, "github.com/a/b/b.go", "package b\n")
    os.symlink("/nonexistent", v / "github.com/zz")
    with pytest.raises(VendorError) as exc:
        check_dep_tree(v, {"github.com/a/b": d(V_FOO)})
    assert str(exc.value) == f"cannot Stat: stat {v}/github.com/zz: no such file or directory"


def test_broken_symlink_inside_project_is_fine(tmp_path):
    v = tmp_path / "vendor"
    write(v, "github.com/a/b/b.go", "package b\n")
    os.symlink("/nonexistent", v / "github.com/a/b/dangling")
    assert check_dep_tree(v, {"github.com/a/b": _dig(v, "github.com/a/b")}) == {
        "github.com/a/b": VendorStatus.NO_MISMATCH}


def test_unreadable_project_file_error(tmp_path, monkeypatch):
    v = tmp_path / "vendor"
    write(v, "github.com/a/b/b.go", "package b\n")
    real_open = os.open

    def deny(path, flags, *args, **kwargs):
        if os.fsdecode(path).endswith("b.go"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(dg.os, "open", deny)
    with pytest.raises(VendorError) as exc:
        check_dep_tree(v, {"github.com/a/b": d(V_FOO)})
    assert str(exc.value) == ("cannot compute dependency hash: cannot Open: open "
                              f"{v}/github.com/a/b/b.go: permission denied")


@pytest.mark.parametrize("workers", [None, 1, 2, 8])
def test_check_many_projects_parallel(tmp_path, workers):
    v = tmp_path / "vendor"
    wanted = {}
    for i in range(12):
        root = f"github.com/org{i % 3}/p{i}"
        write(v, f"{root}/p.go", f"package p{i}\r\n" * (1000 * i + 1))
        write(v, f"{root}/sub/s.go", "package sub\n")
        wanted[root] = d(reference_digest(v / root)) if i % 4 else d(V_FOO)
    res = check_dep_tree(v, wanted, workers=workers)
    assert res == {r: (VendorStatus.NO_MISMATCH if i % 4 else VendorStatus.DIGEST_MISMATCH_IN_LOCK)
                   for i, r in enumerate(wanted)}


# --------------------------------------------------------------------------------------------
# dep's own checkout: real vendor/ against real Gopkg.lock digests
# --------------------------------------------------------------------------------------------


def _dep_lock_digests() -> dict[str, VersionedDigest]:
    data = tomllib.loads((DEP_CHECKOUT / "Gopkg.lock").read_text())
    return {p["name"]: parse_digest(p["digest"]) for p in data["projects"]}


@pytest.mark.skipif(not (DEP_CHECKOUT / "Gopkg.lock").is_file()
                    or not (DEP_CHECKOUT / "vendor").is_dir(), reason="dep checkout not present")
def test_dep_checkout_vendor_digests_match_lock():
    wanted = _dep_lock_digests()
    assert len(wanted) >= 10
    roots = sorted(wanted)
    for root in roots:
        assert digest_from_directory(DEP_CHECKOUT / "vendor" / root) == wanted[root], root
    got = digests_from_directories([DEP_CHECKOUT / "vendor" / r for r in roots], workers=4)
    assert got == [wanted[r] for r in roots]
    res = check_dep_tree(DEP_CHECKOUT / "vendor", wanted)
    assert res == {r: VendorStatus.NO_MISMATCH for r in roots}
