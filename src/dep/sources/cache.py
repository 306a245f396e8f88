"""dep's local cache: where it lives, who may use it, and what it remembers.

* ``cache_dir(env, gopath)`` picks the cache root as dep does: ``$DEPCACHEDIR`` (created with a
  single-level mkdir, dep's two-line error when it cannot be), else ``<gopath>/pkg/dep``
  (created with mkdir -p).
* ``parse_cache_age(text)`` reads ``$DEPCACHEAGE`` with Go's ``time.ParseDuration`` rules and
  error texts; ``cache_age_from_env(env)`` wraps it with dep's message.
* ``source_dir_name(url)`` / ``source_path(cachedir, url)``: ``<cachedir>/sources/<name>``.
* ``SourceManagerLock``: the ``<cachedir>/sm.lock`` PID lockfile (nightlyone/lockfile
  semantics: hard-link trick, stale PIDs taken over, retry every second, dep's waiting message
  at most every 15 seconds).
* ``MetadataCache``: version listings (persisted only when DEPCACHEAGE > 0, valid that long)
  and per-revision data (manifest/lock texts, package analyses; persisted indefinitely).
  Each entry is one JSON file carrying a format number, its key and a SHA-256 of its data; a
  file that fails any check is deleted and treated as a miss. Writes are atomic.

Order at start-up, as gps: ``cache_dir`` → ``ensure_sources_dir`` → ``SourceManagerLock``
(released, and the file deleted, when the command ends). No third-party module is imported,
so the CLI may import this module cheaply.
"""

from __future__ import annotations

import errno as _errno
import hashlib
import os
import re
import stat as _stat
import sys
import threading
import time
from collections.abc import Callable, Mapping

from dep.errors import DepError
from dep.gofmt import go_clean, go_errno_text, go_quote

__all__ = [
    "CacheDirError",
    "CacheAgeError",
    "CacheWriteError",
    "LockfileError",
    "cache_dir",
    "cache_age_from_env",
    "parse_cache_age",
    "parse_go_duration",
    "source_dir_name",
    "source_path",
    "ensure_sources_dir",
    "SourceManagerLock",
    "MetadataCache",
    "versions_to_json",
    "versions_from_json",
]


class CacheDirError(DepError):
    """The cache directory cannot be used. ``str()`` may span two lines, as dep prints it."""


class CacheAgeError(DepError):
    """``$DEPCACHEAGE`` is not a Go duration."""


class LockfileError(DepError):
    """``sm.lock`` cannot be created or acquired (gps's CouldNotCreateLockError)."""


class CacheWriteError(DepError):
    """The source cache cannot be written (full disk, quota, read-only file system). No other
    version or source would fare better, so this ends the command; see
    ``MetadataCache.write_failed``."""


# errnos meaning the file system refuses writes, whatever is written: a fetch failing with one
# of these failed on our side, not upstream's
_WRITE_REFUSED = frozenset({_errno.ENOSPC, _errno.EDQUOT, _errno.EROFS})


def refuses_writes(err: BaseException) -> bool:
    return isinstance(err, OSError) and err.errno in _WRITE_REFUSED


# ---------------------------------------------------------------------------------------------
# Go error texts


class _PathError(Exception):
    """Go's *os.PathError: ``<op> <path>: <err>``."""

    def __init__(self, op: str, path: str, code: int | None, text: str = "") -> None:
        self.op, self.path, self.code = op, path, code
        super().__init__(f"{op} {path}: {text or go_errno_text(OSError(code, os.strerror(code)))}")


def _stat_go(path: str) -> os.stat_result:
    if "\0" in path:  # Go's syscall layer refuses NUL bytes with EINVAL
        raise _PathError("stat", path, _errno.EINVAL)
    try:
        return os.stat(path)
    except OSError as e:
        raise _PathError("stat", path, e.errno, go_errno_text(e)) from None


def _mkdir_go(path: str, mode: int = 0o777) -> None:
    if "\0" in path:
        raise _PathError("mkdir", path, _errno.EINVAL)
    try:
        os.mkdir(path, mode)
    except OSError as e:
        raise _PathError("mkdir", path, e.errno, go_errno_text(e)) from None


def _ensure_dir(path: str) -> None:
    """dep's ``fs.EnsureDir``: a single-level mkdir when missing; error texts as Go's."""
    try:
        st = _stat_go(path)
    except _PathError as e:
        if e.code != _errno.ENOENT:
            raise
        try:
            _mkdir_go(path)
        except _PathError as e2:
            if e2.code == _errno.EEXIST and os.path.isdir(path):
                return  # another run made it in the meantime (dep fails there; no need to)
            raise _Wrapped(f"failed to ensure directory at {go_quote(path)}: {e2}") from None
        return
    if not _stat.S_ISDIR(st.st_mode):
        raise _Wrapped(f"{go_quote(path)} is not a directory")


class _Wrapped(Exception):
    pass


def _mkdir_all(path: str) -> None:
    """Go's ``os.MkdirAll`` with its error texts."""
    try:
        st = _stat_go(path)
    except _PathError:
        pass
    else:
        if _stat.S_ISDIR(st.st_mode):
            return
        raise _PathError("mkdir", path, _errno.ENOTDIR)
    i = len(path)
    while i > 0 and path[i - 1] == "/":
        i -= 1
    j = i
    while j > 0 and path[j - 1] != "/":
        j -= 1
    if j > 1:
        _mkdir_all(path[: j - 1])
    try:
        _mkdir_go(path)
    except _PathError:
        try:
            if _stat.S_ISDIR(os.lstat(path).st_mode):
                return
        except (OSError, ValueError):
            pass
        raise


# ---------------------------------------------------------------------------------------------
# Cache directory


def cache_dir(env: Mapping[str, str], gopath: str) -> str:
    """The cache root for this run, created if needed.

    ``env`` is the process environment as dep's ``Config.Env``; ``gopath`` is the GOPATH entry
    dep uses for the project (the default cache is ``<gopath>/pkg/dep``). Raises
    ``CacheDirError`` with dep's texts.
    """
    value = env.get("DEPCACHEDIR", "")
    if value:
        try:
            _ensure_dir(value)
        except (_PathError, _Wrapped) as e:
            raise CacheDirError(
                f"dep: $DEPCACHEDIR set to an invalid or inaccessible path: {go_quote(value)}\n"
                f"dep: failed to ensure cache directory: {e}") from None
        return value
    path = go_clean(os.path.join(gopath, "pkg", "dep"))
    try:
        _mkdir_all(path)
    except _PathError as e:
        raise CacheDirError(f"failed to create default cache directory: {e}") from None
    return path


def ensure_sources_dir(cachedir: str) -> str:
    """``<cachedir>/sources`` (single-level mkdir, as gps's NewSourceManager); returns it."""
    path = os.path.join(cachedir, "sources")
    try:
        _ensure_dir(path)
    except (_PathError, _Wrapped) as e:
        raise CacheDirError(str(e)) from None
    return path


def source_dir_name(url: str) -> str:
    """gps's sanitizer (``dep.sources.deduce.cache_dir_name``): ``-``→``--``, then ``:``,
    ``/``, ``+`` → ``-``. ``https://github.com/sdboyer/deptest`` → ``https---github.com-sdboyer-deptest``.
    """
    from dep.sources.deduce import cache_dir_name

    name = cache_dir_name(url)
    if name in ("", ".", "..") or "\0" in name:
        # a URL a repository's .gitmodules can hold: never the sources dir itself, its
        # parent, or a name the file system refuses
        name = "_" + name.replace("\0", "%00")
    return name


def source_path(cachedir: str, url: str) -> str:
    """Where the clone of ``url`` lives: ``<cachedir>/sources/<source_dir_name(url)>``."""
    return os.path.join(cachedir, "sources", source_dir_name(url))


# ---------------------------------------------------------------------------------------------
# DEPCACHEAGE: Go's time.ParseDuration

_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # U+00B5 micro sign
    "\u03bcs": 1_000,  # U+03BC Greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_MAX = 1 << 63


def _time_quote(s: str) -> str:
    """The time package's own ``quote``: non-ASCII and control bytes as ``\\x``, ``"``/``\\`` escaped."""
    out = ['"']
    for ch in s:
        if ord(ch) >= 0x80 or ch < " ":
            if 0xDC80 <= ord(ch) <= 0xDCFF:
                data = bytes([ord(ch) - 0xDC00])
            else:
                data = ch.encode("utf-8")
            out.extend("\\x%02x" % b for b in data)
        else:
            if ch in '"\\':
                out.append("\\")
            out.append(ch)
    out.append('"')
    return "".join(out)


def parse_go_duration(text: str) -> int:
    """Go's ``time.ParseDuration``: nanoseconds, or ``ValueError`` with Go's message."""
    orig = text
    s = text
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    invalid = ValueError("time: invalid duration " + _time_quote(orig))
    if s == "":
        raise invalid
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise invalid
        # leading integer
        i = 0
        v = 0
        while i < len(s) and "0" <= s[i] <= "9":
            v = v * 10 + ord(s[i]) - 48
            if v > _MAX:  # leadingInt overflow
                raise invalid
            i += 1
        pre = i > 0
        s = s[i:]
        f, scale, post = 0, 1.0, False
        if s and s[0] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and "0" <= s[i] <= "9":
                if not overflow:
                    if f > (_MAX - 1) // 10:
                        overflow = True
                    else:
                        f = f * 10 + ord(s[i]) - 48
                        scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise ValueError("time: missing unit in duration " + _time_quote(orig))
        unit_text, s = s[:i], s[i:]
        unit = _UNITS.get(unit_text)
        if unit is None:
            raise ValueError(f"time: unknown unit {_time_quote(unit_text)} in duration {_time_quote(orig)}")
        if v > _MAX // unit:
            raise invalid
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > _MAX:
                raise invalid
        total += v
        if total > _MAX:
            raise invalid
    if neg:
        return -total
    if total > _MAX - 1:
        raise invalid
    return total


def parse_cache_age(text: str) -> float:
    """``$DEPCACHEAGE`` in seconds (0 when empty); ``CacheAgeError`` with dep's text."""
    if not text:
        return 0.0
    try:
        ns = parse_go_duration(text)
    except ValueError as e:
        raise CacheAgeError(f"dep: failed to parse $DEPCACHEAGE duration {go_quote(text)}: {e}") from None
    return ns / 1e9


def cache_age_from_env(env: Mapping[str, str]) -> float:
    return parse_cache_age(env.get("DEPCACHEAGE", ""))


# ---------------------------------------------------------------------------------------------
# sm.lock

_BUSY = "Locked by other process"
_NOT_EXIST = "Lockfile created, but doesn't exist"


class _Temporary(Exception):
    pass


class _InvalidPid(Exception):
    pass


class _DeadOwner(Exception):
    pass


def _read_owner(path: str) -> int:
    """The live PID in the lockfile; raises _InvalidPid/_DeadOwner/OSError like GetOwner."""
    with open(path, "rb") as f:
        content = f.read()
    m = re.match(rb"\s*([+-]?\d+)\s*\n?\s*$", content) if content else None
    if not m:
        raise _InvalidPid()
    pid = int(m.group(1))
    if pid <= 0:
        raise _InvalidPid()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        raise _DeadOwner() from None
    except PermissionError:
        pass  # alive, owned by another user (Go treats EPERM as dead; we do not steal it)
    except OSError:
        raise _DeadOwner() from None
    return pid


class SourceManagerLock:
    """The global ``<cachedir>/sm.lock``; use as a context manager or ``acquire``/``release``.

    ``warn`` receives each ``waiting for lockfile ...`` line (default: written to stderr).
    ``disabled`` (DEPNOLOCK) makes this a no-op. ``sleep``/``clock`` are injectable for tests.
    """

    def __init__(self, cachedir: str, *, disabled: bool = False,
                 warn: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path = go_clean(os.path.join(cachedir, "sm.lock").replace(os.sep, "/"))
        self.disabled = disabled
        self._warn = warn
        self._sleep = sleep
        self._clock = clock
        self.held = False

    def __enter__(self) -> "SourceManagerLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _emit(self, line: str) -> None:
        if self._warn is not None:
            self._warn(line)
        else:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def acquire(self) -> None:
        if self.disabled:
            self.held = True
            return
        path = self.path
        if not path.startswith("/"):
            raise LockfileError(f"unable to create lock {path}: Lockfiles must be given as absolute path names")
        try:
            owner = _read_owner(path)
        except (OSError, _InvalidPid, _DeadOwner):
            owner = None
        if owner == os.getpid():
            raise LockfileError(f"lockfile {path} already locked by this process")
        last = None
        while True:
            try:
                self._try_lock()
                break
            except _Temporary as e:
                now = self._clock()
                if last is None or now - last > 15:
                    self._emit(f"waiting for lockfile {path}: {e}")
                    last = now
                self._sleep(1)
            except OSError as e:
                cause = go_errno_text(e)
                raise LockfileError(f"unable to lock {path}: open {e.filename or path}: {cause}") from None
        self.held = True

    def _try_lock(self) -> None:
        path = self.path
        fd, tmp = _mkstemp(os.path.dirname(path), os.path.basename(path) + ".")
        try:
            os.write(fd, b"%d\n" % os.getpid())
            os.close(fd)
            fd = -1
            try:
                os.link(tmp, path)
            except OSError:
                pass
            st_tmp = os.lstat(tmp)
            try:
                st_lock = os.lstat(path)
            except FileNotFoundError:
                raise _Temporary(_NOT_EXIST) from None
            if (st_tmp.st_dev, st_tmp.st_ino) == (st_lock.st_dev, st_lock.st_ino):
                return
            try:
                pid = _read_owner(path)
            except (_DeadOwner, _InvalidPid):
                pid = None
            except FileNotFoundError:
                raise _Temporary(_NOT_EXIST) from None
            if pid is not None:
                if pid != os.getpid():
                    raise _Temporary(_BUSY)
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
        finally:
            if fd >= 0:
                os.close(fd)
            try:
                os.remove(tmp)
            except OSError:
                pass
        self._try_lock()

    def release(self) -> None:
        """Unlock and delete the lockfile if this process owns it (errors are ignored, as dep)."""
        if not self.held:
            return
        self.held = False
        if self.disabled:
            return
        try:
            if _read_owner(self.path) == os.getpid():
                os.remove(self.path)
        except (OSError, _InvalidPid, _DeadOwner):
            pass


# ---------------------------------------------------------------------------------------------
# Metadata cache

FORMAT = 1
_DIR = "pydep-meta-v1"
_KIND_RE = re.compile(r"[A-Za-z0-9_.-]+\Z")
_REV_RE = re.compile(r"[A-Za-z0-9_.:@+-]+\Z")


def versions_to_json(versions: list) -> list:
    """PairedVersions as JSON-able rows ``[kind, name, revision, default]``."""
    from dep.versions import Branch, PlainVersion, SemverVersion

    rows = []
    for pv in versions:
        u = pv.unpaired
        if isinstance(u, Branch):
            rows.append(["b", u.name, str(pv.revision), bool(u.default)])
        elif isinstance(u, SemverVersion):
            rows.append(["s", str(u), str(pv.revision), False])
        elif isinstance(u, PlainVersion):
            rows.append(["p", u.name, str(pv.revision), False])
        else:  # pragma: no cover - listings only hold tags and branches
            raise TypeError(f"cannot cache version {pv!r}")
    return rows


def _bolt_key(pv) -> bytes:
    """The key dep's bolt cache files a listed version under (a protobuf ``pb.Constraint``:
    type, then the name with its length first). dep reads a cached listing back in this
    order, and the order decides which of two equal versions Go's sort puts first."""
    from dep.versions import Branch, SemverVersion

    u = pv.unpaired
    kind = 4 if isinstance(u, SemverVersion) else (2 if u.default else 1) if isinstance(u, Branch) else 3
    name = str(u).encode("utf-8", "surrogateescape")
    n, size = len(name), bytearray()
    while n >= 0x80:
        size.append(n & 0x7F | 0x80)
        n >>= 7
    size.append(n)
    return bytes((0x08, kind, 0x12)) + bytes(size) + name


def versions_from_json(rows: list) -> list:
    from dep.versions import Branch, PairedVersion, PlainVersion, parse_version

    out = []
    for kind, name, rev, default in rows:
        if kind == "b":
            u = Branch(name, bool(default))
        elif kind == "s":
            u = parse_version(name)
        elif kind == "p":
            u = PlainVersion(name)
        else:
            raise ValueError(f"unknown version kind {kind!r}")
        out.append(PairedVersion(u, rev))
    return out


def _mkstemp(directory: str, prefix: str) -> tuple[int, str]:
    """tempfile.mkstemp without importing tempfile (a few ms of a short command's start)."""
    while True:
        path = os.path.join(directory, prefix + os.urandom(6).hex())
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), path
        except FileExistsError:
            continue


def _digest(data: object) -> str:
    import json

    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


class MetadataCache:
    """What dep's BoltDB cache holds, as checksummed JSON files under ``<cachedir>/pydep-meta-v1``.

    * Version listings: in memory for the run; on disk only when ``cache_age`` > 0 (seconds),
      and then returned only while younger than ``cache_age`` (dep's DEPCACHEAGE epoch).
    * Revision data (``kind`` such as ``"gopkg"``, ``"pkgtree-v1"``): keyed by source + revision,
      kept indefinitely on disk unless ``persist_revisions`` is False. Callers put a version
      in ``kind`` when the meaning of their data may change.

    ``cachedir=None`` keeps everything in memory. Unreadable, foreign or corrupt files are
    deleted and reported as misses (``self.discarded`` counts them). Thread-safe.
    """

    def __init__(self, cachedir: str | None, cache_age: float = 0.0, *,
                 persist_revisions: bool = True, clock: Callable[[], float] = time.time) -> None:
        self.root = os.path.join(cachedir, _DIR) if cachedir else None
        self.cache_age = cache_age
        self.persist_revisions = persist_revisions
        self._clock = clock
        self._mem_versions: dict[str, list] = {}
        self._mem_revs: dict[tuple[str, str, str], object] = {}
        self._lock = threading.Lock()
        self.discarded = 0
        self.write_failure: CacheWriteError | None = None

    # -- keys and files

    def _source_dir(self, source: str) -> str:
        assert self.root is not None
        name = source_dir_name(source)
        if len(name) > 200 or name in (".", "..") or "\0" in name:
            name = "h-" + hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.root, name)

    def _versions_file(self, source: str) -> str:
        return os.path.join(self._source_dir(source), "versions.json")

    def _rev_file(self, source: str, rev: str, kind: str) -> str:
        if not _KIND_RE.match(kind):
            raise ValueError(f"invalid cache kind {kind!r}")
        if not _REV_RE.match(rev) or rev in (".", ".."):
            rev = "h-" + hashlib.sha256(rev.encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self._source_dir(source), "rev", rev, kind + ".json")

    def _read(self, path: str, key: list) -> tuple[bool, object, float]:
        import json

        try:
            with open(path, "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            return False, None, 0.0
        except OSError:
            return False, None, 0.0
        try:
            entry = json.loads(raw.decode("utf-8", "surrogatepass"))
            if (not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key
                    or "data" not in entry or entry.get("sha256") != _digest(entry["data"])
                    or not isinstance(entry.get("time"), (int, float))):
                raise ValueError("corrupt cache entry")
            return True, entry["data"], float(entry["time"])
        except (ValueError, UnicodeDecodeError, TypeError, RecursionError):
            self.discarded += 1
            try:
                os.remove(path)
            except OSError:
                pass
            return False, None, 0.0

    def _write(self, path: str, key: list, data: object) -> None:
        import json

        entry = {"format": FORMAT, "key": key, "time": self._clock(), "sha256": _digest(data), "data": data}
        blob = json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
        d = os.path.dirname(path)
        try:
            os.makedirs(d, exist_ok=True)
            fd, tmp = _mkstemp(d, ".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(blob)
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.remove(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            pass  # a cache that cannot be written is only slower, as dep logs and goes on

    def write_failed(self, err: OSError, path: str) -> CacheWriteError:
        """The error for ``err``, raised writing ``path`` in the cache.

        The first one is kept in ``write_failure``: the solver takes a source error for a
        failed version and tries another, so after a solve the caller reports this instead of
        the solver's result (which may be a failure blaming constraints, or an older version).
        """
        hint = ("free some space or set DEPCACHEDIR" if err.errno in (_errno.ENOSPC, _errno.EDQUOT)
                else "make it writable or set DEPCACHEDIR")
        failure = CacheWriteError(f"could not write the source cache at {path}: {go_errno_text(err)}; {hint}")
        with self._lock:
            if self.write_failure is None:
                self.write_failure = failure
        return failure

    # -- version listings

    def get_versions(self, source: str) -> list | None:
        """The cached listing for ``source`` (PairedVersions) or None."""
        with self._lock:
            hit = self._mem_versions.get(source)
        if hit is not None:
            return list(hit)
        if self.root is None or self.cache_age <= 0:
            return None
        ok, data, stamp = self._read(self._versions_file(source), ["versions", source])
        if not ok or stamp < self._clock() - self.cache_age:
            return None
        try:
            versions = versions_from_json(data)
        except (ValueError, TypeError):
            self.discarded += 1
            return None
        versions.sort(key=_bolt_key)  # dep's listing read back from its cache is in key order
        with self._lock:
            self._mem_versions[source] = versions
        return list(versions)

    def set_versions(self, source: str, versions: list) -> None:
        with self._lock:
            self._mem_versions[source] = list(versions)
        if self.root is not None and self.cache_age > 0:
            self._write(self._versions_file(source), ["versions", source], versions_to_json(versions))

    def forget_versions(self, source: str) -> None:
        """Drop the in-memory listing (the next lookup goes to disk or upstream)."""
        with self._lock:
            self._mem_versions.pop(source, None)

    # -- per-revision data

    def get_revision(self, source: str, rev: str, kind: str) -> object | None:
        """Data stored by ``set_revision`` for (source, rev, kind), or None."""
        k = (source, rev, kind)
        with self._lock:
            if k in self._mem_revs:
                return self._mem_revs[k]
        if self.root is None or not self.persist_revisions:
            return None
        ok, data, _ = self._read(self._rev_file(source, rev, kind), ["rev", source, rev, kind])
        if not ok:
            return None
        with self._lock:
            self._mem_revs[k] = data
        return data

    def set_revision(self, source: str, rev: str, kind: str, data: object) -> None:
        """Remember JSON-able ``data`` for (source, rev, kind)."""
        with self._lock:
            self._mem_revs[(source, rev, kind)] = data
        if self.root is not None and self.persist_revisions:
            self._write(self._rev_file(source, rev, kind), ["rev", source, rev, kind], data)
