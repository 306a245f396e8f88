"""The per-run deduction coordinator: static rules, then go-get discovery, with a root cache.

Like gps's deductionCoordinator, results are kept in a map keyed by project root and looked
up by longest string prefix (then checked to end on a path boundary), so every later path
under a known root resolves without work. A discovery in flight is registered under the
path that started it; concurrent deductions under that path wait for its answer (one HTTP
request), and a failed discovery keeps answering with its error for the rest of the run.
Static-rule errors are not kept.

One deliberate difference: a deduction from a URL-form input (``https://...``,
``git@host:path``) is not stored under its root, because its candidates are limited to the
input's scheme; gps stores it and may then hand those candidates to plain import paths.
"""

from __future__ import annotations

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


def _is_path_prefix_or_equal(prefix: str, path: str) -> bool:
    """gps's isPathPrefixOrEqual (a path one byte longer than the prefix never matches)."""
    if len(path) == len(prefix) + 1:
        return False
    return len(path) == len(prefix) or path[len(prefix)] == "/"


class Deducer:
    """Deduces project roots and candidate sources for import paths and ``source`` values.

    ``discoverer`` is a :class:`dep.sources.discovery.Discoverer` (created on first need).
    """

    def __init__(self, discoverer=None) -> None:
        self._discoverer = discoverer
        self._lock = threading.Lock()
        self._entries: dict[str, Deduction | _Pending] = {}
        self._key_lengths: dict[int, int] = {}  # length -> number of keys of that length

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

    def deduce_root(self, import_path: str) -> str:
        """DeduceProjectRoot: the root of the project holding ``import_path``."""
        if not is_valid_import_path(import_path):
            raise invalid_import_path_error(import_path)
        return self.deduce(import_path).root

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
