"""dep's vendor digests (hash version 1) and per-project vendor status.

A project's digest is one SHA-256 over a record stream produced by a pre-order walk of its
directory (names sorted byte-wise, ``lstat`` semantics, symlinks and VCS/vendor names left out,
CRLF normalised to LF in every file).  ``check_dep_tree`` compares vendor/ with the digests in
Gopkg.lock the way dep's ``verify.CheckDepTree`` does, except that it never descends into a
symlinked directory (vendor/ is untrusted input; dep follows them and ``vendor/x -> /`` walks
the whole file system).

Stdlib only.  Files are streamed in CHUNK_SIZE reads.  Several projects are hashed on a
thread pool (hashlib and os.read release the GIL) when the machine has PARALLEL_MIN_CPUS or
more CPUs; below that one thread measured faster.
"""

from __future__ import annotations

import enum
import hashlib
import os
import stat
from collections.abc import Iterable, Mapping

from dep.errors import LockError, VendorError
from dep.gofmt import go_path_error, go_quote, go_sharp_u
from dep.records import FrozenRecord, set_field

__all__ = [
    "HASH_VERSION",
    "VersionedDigest",
    "EMPTY_DIGEST",
    "parse_digest",
    "digest_from_directory",
    "digests_from_directories",
    "VendorStatus",
    "VendorStatusMap",
    "check_dep_tree",
]

HASH_VERSION = 1
"""The only hash algorithm dep v0.5.4 knows: SHA-256 over the record stream below."""

CHUNK_SIZE = 64 * 1024

# Base names left out of a digest and of the vendor walk (the digest root itself excepted).
_SKIP_NAMES_B = frozenset((b"vendor", b".bzr", b".git", b".hg", b".svn"))
_SKIP_NAMES = frozenset(("vendor", ".bzr", ".git", ".hg", ".svn"))

# Go's os.FileMode type bits, little-endian uint32, each followed by the record's NUL.
_MODE_DIR = b"\x00\x00\x00\x80\x00"  # ModeDir 0x80000000
_MODE_PIPE = b"\x00\x00\x00\x02\x00"  # ModeNamedPipe 0x02000000
_MODE_SOCKET = b"\x00\x00\x00\x01\x00"  # ModeSocket 0x01000000
_MODE_DEVICE = b"\x00\x00\x00\x04\x00"  # ModeDevice 0x04000000 (block and char devices)
_MODE_FILE = b"\x00\x00\x00\x00\x00"  # regular file
# Record suffixes: the NUL ending the relative path, then the mode record.
_DIR_REC = b"\x00" + _MODE_DIR
_FILE_REC = b"\x00" + _MODE_FILE


# --------------------------------------------------------------------------------------------
# Digest text form
# --------------------------------------------------------------------------------------------


class VersionedDigest(FrozenRecord):
    """A digest plus the number of the algorithm that produced it (``1:<hex>`` in the lock)."""

    __slots__ = ("hash_version", "digest")

    def __init__(self, hash_version: int, digest: bytes) -> None:
        set_field(self, "hash_version", hash_version)
        set_field(self, "digest", digest)

    def __str__(self) -> str:
        return f"{self.hash_version}:{self.digest.hex()}"

    @property
    def is_empty(self) -> bool:
        """The zero value, written ``0:`` (a lock entry with no digest)."""
        return self.hash_version == 0 and not self.digest


EMPTY_DIGEST = VersionedDigest(0, b"")


def parse_digest(text: str) -> VersionedDigest:
    """Parse ``<version>:<hex>``; raises LockError with dep's (Go's) message."""
    parts = text.split(":")
    if len(parts) != 2:
        raise LockError(
            "expected two colon-separated components in the versioned hash digest, got "
            + go_quote(text)
        )
    digest = _go_hex_decode(parts[1])  # Go decodes the hex before the version number
    return VersionedDigest(_go_atoi(parts[0]), digest)


_HEX_DIGITS = b"0123456789abcdefABCDEF"


def _go_hex_decode(s: str) -> bytes:
    raw = s.encode("utf-8", "surrogateescape")
    if len(raw) % 2 == 0 and not raw.translate(None, _HEX_DIGITS):
        return bytes.fromhex(raw.decode("ascii"))
    # Report the first bad byte in Go's scan order; only then the odd length.
    for b in raw:
        if b not in _HEX_DIGITS:
            raise LockError(f"encoding/hex: invalid byte: {go_sharp_u(b)}")
    raise LockError("encoding/hex: odd length hex string")


def _go_atoi(s: str) -> int:
    """Go's ``strconv.Atoi`` on a 64-bit platform, with its error texts."""

    def fail(why: str) -> LockError:
        return LockError(f"strconv.Atoi: parsing {go_quote(s)}: {why}")

    neg = s[:1] == "-"
    body = s[1:] if s[:1] in ("-", "+") else s
    if not body:
        raise fail("invalid syntax")
    n = 0
    for ch in body:  # left to right: the first problem wins, as in ParseUint
        if ch not in "0123456789":
            raise fail("invalid syntax")
        n = n * 10 + (ord(ch) - 48)
        if n > 0xFFFF_FFFF_FFFF_FFFF:
            raise fail("value out of range")
    if n > (1 << 63 if neg else (1 << 63) - 1):
        raise fail("value out of range")
    return -n if neg else n


# --------------------------------------------------------------------------------------------
# DigestFromDirectory
# --------------------------------------------------------------------------------------------


def _special_record(mode: int) -> bytes:
    if stat.S_ISFIFO(mode):
        return _MODE_PIPE
    if stat.S_ISSOCK(mode):
        return _MODE_SOCKET
    if stat.S_ISBLK(mode) or stat.S_ISCHR(mode):
        return _MODE_DEVICE
    return _MODE_FILE  # nothing else exists on POSIX; Go would treat it as a plain node


def _hash_file(path: bytes, update) -> None:
    """Feed a file's CRLF-normalised content, then its normalised length, to ``update``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)  # lstat said regular file: keep it so
    except OSError as e:
        raise VendorError("cannot Open: " + go_path_error("open", path, e)) from e
    n = 0
    held_cr = False  # a trailing CR of the previous chunk, emitted once we see what follows
    try:
        read = os.read
        while True:
            try:
                chunk = read(fd, CHUNK_SIZE)
            except OSError as e:
                raise VendorError("cannot Copy: " + go_path_error("read", path, e)) from e
            if not chunk:
                break
            if held_cr:
                chunk = b"\r" + chunk
            if b"\r" in chunk:
                held_cr = chunk[-1] == 13
                if held_cr:
                    chunk = chunk[:-1]
                chunk = chunk.replace(b"\r\n", b"\n")
            else:
                held_cr = False
            update(chunk)
            n += len(chunk)
        if held_cr:
            update(b"\r")
            n += 1
    finally:
        os.close(fd)
    update(b"%d\x00" % n)


def _hash_tree(root: bytes, update) -> None:
    """Records for everything below directory ``root`` (whose own record is already written)."""
    # Stack of (iterator over sorted entries, relative prefix); Python recursion is not used so
    # arbitrarily deep trees are fine.
    stack = [(iter(_sorted_entries(root)), b"")]
    while stack:
        entries, prefix = stack[-1]
        for e in entries:
            if e.is_symlink():
                continue
            name = e.name
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError as err:
                raise VendorError(go_path_error("lstat", e.path, err)) from err
            if name in _SKIP_NAMES_B:
                if is_dir:
                    continue
                # Go's filepath.Walk: SkipDir returned for a non-directory skips the rest of
                # the directory that contains it.
                stack.pop()
                break
            rel = prefix + name
            if is_dir:
                update(rel + _DIR_REC)
                stack.append((iter(_sorted_entries(e.path)), rel + b"/"))
                break
            if e.is_file(follow_symlinks=False):
                update(rel + _FILE_REC)
                _hash_file(e.path, update)
            else:
                try:
                    mode = e.stat(follow_symlinks=False).st_mode
                except OSError as err:
                    raise VendorError(go_path_error("lstat", e.path, err)) from err
                update(rel + b"\x00" + _special_record(mode))
        else:
            stack.pop()


def _sorted_entries(path: bytes) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError as e:
        raise VendorError(go_path_error("open", path, e)) from e
    entries.sort(key=_entry_name)
    return entries


def _entry_name(e: os.DirEntry) -> bytes:
    return e.name


def _entry_bytes(e: os.DirEntry) -> bytes:
    return os.fsencode(e.name)


def digest_from_directory(path: str | os.PathLike) -> VersionedDigest:
    """dep's ``DigestFromDirectory``: the hash-version-1 digest of a directory tree.

    Raises VendorError if the tree cannot be read.
    """
    root = os.fsencode(os.path.normpath(os.fspath(path)))
    h = hashlib.sha256()
    try:
        st = os.lstat(root)
    except OSError as e:
        raise VendorError(go_path_error("lstat", root, e)) from e
    mode = st.st_mode
    update = h.update
    if stat.S_ISLNK(mode):
        pass  # symlinks are ignored, even as the root: the digest of nothing
    elif stat.S_ISDIR(mode):
        update(_DIR_REC)  # root: empty relative path
        _hash_tree(root, update)
    elif stat.S_ISREG(mode):
        update(_FILE_REC)
        _hash_file(root, update)
    else:
        update(b"\x00" + _special_record(mode))
    return VersionedDigest(HASH_VERSION, h.digest())


# Threads pay off only with real cores to spare: each file read and each large hash update
# hands the GIL over, and on a 2-vCPU VM two threads measured ~30% slower than one.
PARALLEL_MIN_CPUS = 4


def _pool_size(jobs: int, workers: int | None) -> int:
    if workers is None:
        cpus = os.cpu_count() or 1
        workers = min(cpus, 16) if cpus >= PARALLEL_MIN_CPUS else 1
    return max(1, min(jobs, workers))


def _digest_or_error(path: str | os.PathLike) -> VersionedDigest | VendorError:
    try:
        return digest_from_directory(path)
    except VendorError as e:
        return e


def _digest_all(paths: list, workers: int | None) -> list[VersionedDigest | VendorError]:
    """Digest every path (errors returned, not raised), in parallel when worthwhile."""
    size = _pool_size(len(paths), workers)
    if size < 2:
        return [_digest_or_error(p) for p in paths]
    from concurrent.futures import ThreadPoolExecutor  # lazily: it pulls in logging

    with ThreadPoolExecutor(max_workers=size) as pool:
        return list(pool.map(_digest_or_error, paths))


def digests_from_directories(paths: Iterable[str | os.PathLike], *,
                             workers: int | None = None) -> list[VersionedDigest]:
    """``digest_from_directory`` for many trees; results in input order.

    ``workers``: thread count (None: one per CPU on machines with at least
    ``PARALLEL_MIN_CPUS`` CPUs, else serial).  If several trees fail, the error of the first
    (in input order) is raised.
    """
    results = _digest_all(list(paths), workers)
    for r in results:
        if isinstance(r, VendorError):
            raise r
    return results


# --------------------------------------------------------------------------------------------
# CheckDepTree
# --------------------------------------------------------------------------------------------


class VendorStatus(enum.Enum):
    """Status of one path under vendor/; ``str()`` is dep's ``VendorStatus.String()``."""

    NOT_IN_LOCK = 0
    NOT_IN_TREE = 1
    NO_MISMATCH = 2
    EMPTY_DIGEST_IN_LOCK = 3
    DIGEST_MISMATCH_IN_LOCK = 4
    HASH_VERSION_MISMATCH = 5

    def __str__(self) -> str:
        return _STATUS_TEXT[self]

    __format__ = object.__format__


_STATUS_TEXT = {
    VendorStatus.NOT_IN_LOCK: "not in lock",
    VendorStatus.NOT_IN_TREE: "not in tree",
    VendorStatus.NO_MISMATCH: "match",
    VendorStatus.EMPTY_DIGEST_IN_LOCK: "empty digest in lock",
    VendorStatus.DIGEST_MISMATCH_IN_LOCK: "mismatch",
    VendorStatus.HASH_VERSION_MISMATCH: "hasher changed",
}


class VendorStatusMap(dict):
    """``check_dep_tree``'s result: slash path -> VendorStatus.

    ``not_in_lock_dirs`` holds the NOT_IN_LOCK paths that are directories (after following
    symlinks, as dep's ``os.Stat``); the other NOT_IN_LOCK paths are files.  ``dep check``
    prints the former as ``unused project`` and the latter as ``orphaned file``.
    """

    not_in_lock_dirs: frozenset[str]

    def __init__(self, *args, not_in_lock_dirs: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.not_in_lock_dirs = frozenset(not_in_lock_dirs)

    def is_dir(self, path: str) -> bool:
        """Whether a NOT_IN_LOCK ``path`` is a directory (else an orphaned file)."""
        return path in self.not_in_lock_dirs


def check_dep_tree(vendor_dir: str | os.PathLike, wanted: Mapping[str, VersionedDigest], *,
                   workers: int | None = None) -> VendorStatusMap:
    """dep's ``CheckDepTree``: the vendor status of every lock project and every stray path.

    ``wanted`` maps project roots (slash paths) to the digests in Gopkg.lock.  Lock projects
    absent from vendor/ are NOT_IN_TREE; paths beside the lock projects' ancestors are
    NOT_IN_LOCK, reported at their top-most level only.  Symlinks are never descended into: a
    symlinked directory is NOT_IN_LOCK (lock projects below it are NOT_IN_TREE), a symlinked
    project root hashes as nothing (as in dep) and a symlinked vendor/ is an error.  Raises
    VendorError with dep's message when vendor/ cannot be read.  ``workers`` as for
    ``digests_from_directories``.
    """
    base = os.path.normpath(os.fspath(vendor_dir))
    result = VendorStatusMap()
    if os.path.islink(base):
        raise VendorError(f"{go_quote(base)} is a symbolic link, which dep does not follow: "
                          "remove it and run dep ensure -vendor-only to vendor the projects")
    try:
        st = os.stat(base)
    except FileNotFoundError:
        for root in wanted:
            result[root] = VendorStatus.NOT_IN_TREE
        return result
    except OSError as e:
        raise VendorError("cannot Stat: " + go_path_error("stat", base, e)) from e
    if not stat.S_ISDIR(st.st_mode):
        raise VendorError(f"cannot verify non directory: {go_quote(base)}")

    for root in wanted:
        result[root] = VendorStatus.NOT_IN_TREE

    # Nodes of the walked tree, parallel lists indexed by node number; node 0 is vendor/.
    rels: list[str] = [""]
    parents: list[int] = [-1]
    required: list[bool] = [True]  # the node is a lock project or one of its ancestors
    is_dir: list[bool] = [True]
    is_link: list[bool] = [False]

    to_hash: list[tuple[str, str]] = []  # (project root, path) in dep's visiting order
    walk_error: VendorError | None = None

    # dep pops directories from the end of its queue: depth first, reverse sorted order.
    queue = [0]
    try:
        while queue:
            idx = queue.pop()
            rel = rels[idx]
            path = os.path.join(base, rel) if rel else base
            expected = wanted.get(rel)
            if expected is not None:
                if expected.hash_version != HASH_VERSION:
                    status = (VendorStatus.EMPTY_DIGEST_IN_LOCK if expected.is_empty
                              else VendorStatus.HASH_VERSION_MISMATCH)
                    result[rel] = status
                elif not expected.digest:
                    result[rel] = VendorStatus.EMPTY_DIGEST_IN_LOCK
                else:
                    to_hash.append((rel, path))
                i = idx
                while i != -1 and not required[i]:
                    required[i] = True
                    i = parents[i]
                continue  # a project's contents are covered by its digest
            if is_link[idx]:
                # dep lists a symlinked directory's target; we never do (``x -> /`` would walk
                # the whole file system), so it stays an unused project and nothing below it
                # counts as vendored.
                continue

            try:
                with os.scandir(path) as it:
                    entries = list(it)
            except OSError as e:
                raise VendorError("cannot get sorted list of directory children: cannot Open: "
                                  + go_path_error("open", path, e)) from e
            entries.sort(key=_entry_bytes)
            prefix = rel + "/" if rel else ""
            for e in entries:
                name = e.name
                if name in _SKIP_NAMES:
                    continue
                child = e.path
                try:
                    # Stat follows a symlink only to tell "unused project" from "orphaned
                    # file" (and to fail on a dangling one), as dep's os.Stat does.
                    child_is_dir = stat.S_ISDIR(os.stat(child).st_mode)
                except OSError as err:
                    raise VendorError("cannot Stat: " + go_path_error("stat", child, err)) from err
                rels.append(prefix + name)
                parents.append(idx)
                required.append(False)
                is_dir.append(child_is_dir)
                is_link.append(e.is_symlink())
                if child_is_dir:
                    queue.append(len(rels) - 1)
    except VendorError as e:
        walk_error = e  # dep would first have hashed the projects visited so far

    # Hash the projects (on a thread pool when worthwhile).  A failure is reported as dep
    # would: the first in visiting order, and before any later walk error.
    digests = _digest_all([p for _, p in to_hash], workers)
    for (root, _), got in zip(to_hash, digests):
        if isinstance(got, VendorError):
            raise VendorError(f"cannot compute dependency hash: {got}") from got
        result[root] = (VendorStatus.NO_MISMATCH if got.digest == wanted[root].digest
                        else VendorStatus.DIGEST_MISMATCH_IN_LOCK)
    if walk_error is not None:
        raise walk_error

    dirs = []
    for i in range(1, len(rels)):
        if not required[i] and required[parents[i]]:
            result[rels[i]] = VendorStatus.NOT_IN_LOCK
            if is_dir[i]:
                dirs.append(rels[i])
    result.not_in_lock_dirs = frozenset(dirs)
    return result
