"""The per-run deduction coordinator: static rules, then go-get discovery, with a root cache.

Like gps's deductionCoordinator, results are kept in a map keyed by project root and looked
up by longest string prefix (then checked to end on a path boundary), so every later path
under a known root resolves without work. A discovery in flight is registered under the
path that started it; concurrent deductions under that path wait for its answer (one HTTP
request), and a failed discovery keeps answering with its error for the rest of the run.
Static-rule errors are not kept.

Before any rule, the run's mirror rules (``dep.sources.mirrors``) are consulted for plain
import paths, and roots ``seed``-ed from Gopkg.toml/Gopkg.lock ``source`` values answer
``deduce_root`` without discovery (dep#860); their candidates are not affected (a source is
used through its project identifier). go-get answers are kept on disk under
``<cachedir>/pydep-discovery/`` when a cache dir is given, and read from there offline.

One deliberate difference: a deduction from a URL-form input (``https://...``,
``git@host:path``) is not stored under its root, because its candidates are limited to the
input's scheme; gps stores it and may then hand those candidates to plain import paths.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading

from dep.sources.deduce import (
    Candidate, DeduceError, Deduction, deduce_static, invalid_import_path_error,
    is_valid_import_path, normalize_source,
)

__all__ = ["Deducer"]


class _Pending:
    """A go-get discovery started for one path; waiters share its outcome."""

    __slots__ = ("done", "result", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Deduction | None = None
        self.error: str | None = None

    def wait(self) -> Deduction:
        self.done.wait()
        if self.error is not None:
            raise DeduceError(self.error)
        assert self.result is not None
        return self.result


class _DiskAnswers:
    """go-get answers kept under ``<cachedir>/pydep-discovery/`` (one JSON file per import
    path and scheme, named by a hash, written atomically): refreshed by every online
    discovery, the only answers an offline run has (``offline``: its OfflineLedger)."""

    def __init__(self, discoverer, cachedir: str, offline=None) -> None:
        self._inner = discoverer  # made on first need when None
        self._lock = threading.Lock()
        self._dir = os.path.join(cachedir, "pydep-discovery")
        self._offline = offline

    def _file(self, path: str, scheme: str) -> str:
        key = hashlib.sha256(f"{scheme == 'http'}\0{path}".encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self._dir, key + ".json")

    def _read(self, path: str, scheme: str):
        from dep.sources.discovery import Discovery

        try:
            with open(self._file(path, scheme), "rb") as f:
                doc = json.loads(f.read())
            found = Discovery(doc["root"], doc["vcs"], doc["repo"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if doc.get("path") != path or not all(isinstance(x, str) for x in found):
            return None
        return found

    def _write(self, path: str, scheme: str, found) -> None:
        import tempfile

        data = json.dumps({"path": path, "root": found.root, "vcs": found.vcs, "repo": found.repo_url})
        try:
            os.makedirs(self._dir, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self._dir)
            try:
                with os.fdopen(fd, "w") as f:
                    f.write(data)
                os.replace(tmp, self._file(path, scheme))
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # a cache of convenience: the answer in hand is still good

    def discover(self, path: str, *, scheme: str | None = None, original: str | None = None):
        if self._offline is None:
            with self._lock:
                if self._inner is None:
                    from dep.sources.discovery import Discoverer

                    self._inner = Discoverer()
            found = self._inner.discover(path, scheme=scheme, original=original)
            self._write(path, scheme or "", found)
            return found
        from dep.sources.discovery import MetaImport, finish_discovery

        probe = path
        while probe:  # an answer for a parent path whose root holds this path will do
            found = self._read(probe, scheme or "")
            if found is not None and _is_path_prefix_or_equal(found.root, path) and path.startswith(found.root):
                return finish_discovery(path, scheme or "", MetaImport(found.root, found.vcs, found.repo_url))
            probe = probe.rpartition("/")[0]
        raise self._offline.miss(original or path, "no go-get answer")


def _is_path_prefix_or_equal(prefix: str, path: str) -> bool:
    """gps's isPathPrefixOrEqual (a path one byte longer than the prefix never matches)."""
    if len(path) == len(prefix) + 1:
        return False
    return len(path) == len(prefix) or path[len(prefix)] == "/"


class Deducer:
    """Deduces project roots and candidate sources for import paths and ``source`` values.

    ``discoverer`` is a :class:`dep.sources.discovery.Discoverer` (created on first need);
    with ``cachedir`` its answers are kept on disk, and with ``offline`` (the run's
    OfflineLedger) only those are used. ``mirrors``: a :class:`dep.sources.mirrors.Mirrors`.
    """

    def __init__(self, discoverer=None, *, cachedir: str | None = None, mirrors=None,
                 offline=None) -> None:
        self._discoverer = _DiskAnswers(discoverer, cachedir, offline) if cachedir else discoverer
        self._mirrors = mirrors
        self._lock = threading.Lock()
        self._entries: dict[str, Deduction | _Pending] = {}
        self._key_lengths: dict[int, int] = {}  # length -> number of keys of that length
        self._known: set[str] = set()  # seeded roots: deduce_root answers them at once

    # -- the prefix map (call with the lock held)

    def _insert(self, key: str, value: Deduction | _Pending) -> None:
        if key not in self._entries:
            self._key_lengths[len(key)] = self._key_lengths.get(len(key), 0) + 1
        self._entries[key] = value

    def _lookup(self, path: str) -> Deduction | _Pending | None:
        """The entry under the longest key that is a string prefix of ``path``, if that key
        is also a path prefix (as gps's radix tree lookup does: no fallback to shorter keys)."""
        for length in sorted((n for n in self._key_lengths if n <= len(path)), reverse=True):
            value = self._entries.get(path[:length])
            if value is not None:
                return value if _is_path_prefix_or_equal(path[:length], path) else None
        return None

    # -- public

    def seed(self, root: str, source: str) -> None:
        """Trust ``root`` (a Gopkg.toml or Gopkg.lock name whose ``source`` is given) as the
        root of every path under it, without go-get discovery (dep#860). Not for names the
        static rules answer: their roots, and dep's errors for wrong names, need no network."""
        if not source or not is_valid_import_path(root):
            return
        try:
            if deduce_static(root) is not None:
                return
        except DeduceError:
            return
        with self._lock:
            self._known.add(root)

    def mirror_for(self, root: str) -> str | None:
        """The mirror serving import paths under ``root`` and its rule, in words; None if none."""
        found = self._mirrors.match(root) if self._mirrors else None
        return f"mirror {found[1]} (rule {found[2].prefix})" if found else None

    def deduce_root(self, import_path: str) -> str:
        """DeduceProjectRoot: the root of the project holding ``import_path``."""
        if not is_valid_import_path(import_path):
            raise invalid_import_path_error(import_path)
        with self._lock:
            known = max((r for r in self._known if import_path.startswith(r)
                         and _is_path_prefix_or_equal(r, import_path)), key=len, default=None)
        return known if known is not None else self.deduce(import_path).root

    def source_urls(self, import_path: str) -> list[str]:
        """SourceURLsForPath: the URLs dep would try for ``import_path``, in order."""
        return self.deduce(import_path).source_urls()

    def deduce(self, path: str) -> Deduction:
        """deduceRootPath: root and candidates for an import path or a ``source`` value."""
        with self._lock:
            hit = self._lookup(path)
        if isinstance(hit, Deduction):
            return hit
        if isinstance(hit, _Pending):
            return hit.wait()

        url, norm = normalize_source(path)
        if self._mirrors and not url.scheme:
            found = self._mirrored(path)
            if found is not None:
                return found
        found = deduce_static(path)
        if found is not None:
            if not url.scheme:
                with self._lock:
                    self._insert(found.root, found)
            return found

        with self._lock:
            hit = self._lookup(path)  # someone may have started the same discovery
            if hit is None:
                pending = _Pending()
                self._insert(path, pending)
        if isinstance(hit, Deduction):
            return hit
        if isinstance(hit, _Pending):
            return hit.wait()
        return self._discover(path, url.scheme, norm, pending)

    def _mirrored(self, path: str) -> Deduction | None:
        """A mirror rule's answer for ``path``: the prefix's root, the url's candidates."""
        found = self._mirrors.match(path)
        if found is None:
            return None
        root, url, rule = found
        if rule.vcs:
            deduction = Deduction(root, (Candidate(rule.vcs, url),))
        else:
            mirrored = deduce_static(url)
            if mirrored is None:  # Mirrors checked it; only a ``*`` value could change that
                raise DeduceError(f"{path}: mirror rule {rule.prefix} gives {url}, whose VCS cannot be told")
            deduction = Deduction(root, mirrored.vcs_candidates, mirrored.gopkg_in)
        with self._lock:
            self._insert(root, deduction)
        return deduction

    def _discover(self, path: str, scheme: str, norm: str, pending: _Pending) -> Deduction:
        discoverer = self._discoverer
        if discoverer is None:
            from dep.sources.discovery import Discoverer
            with self._lock:
                if self._discoverer is None:
                    self._discoverer = Discoverer()
                discoverer = self._discoverer
        try:
            found = discoverer.discover(norm, scheme=scheme, original=path)
        except DeduceError as exc:
            pending.error = str(exc)
            pending.done.set()
            raise
        except BaseException as exc:  # not an answer: let a later call try again
            with self._lock:
                if self._entries.get(path) is pending:
                    del self._entries[path]
                    self._key_lengths[len(path)] -= 1
                    if not self._key_lengths[len(path)]:
                        del self._key_lengths[len(path)]
            pending.error = f"deduction of {path} was interrupted"
            pending.done.set()
            raise
        deduction = Deduction(found.root, (Candidate(found.vcs, found.repo_url),))
        pending.result = deduction
        with self._lock:
            self._insert(deduction.root, deduction)
        pending.done.set()
        return deduction
