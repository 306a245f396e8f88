"""``h1:`` hashes as go.sum holds them (golang.org/x/mod/sumdb/dirhash ``Hash1``).

A module's ``h1:`` is the SHA-256 of a summary listing, one line per file sorted by name,
``"<hex sha256 of the file>  <name>\\n"``, base64-encoded; for the module zip the names carry
the ``<module>@<version>/`` prefix, and the ``/go.mod`` line hashes the go.mod alone under the
name ``go.mod``. File contents are streamed, so a large file never sits in memory whole.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Callable, Iterable, Iterator, Union

from dep.errors import DepError

__all__ = ["DirHashError", "hash1", "hash_go_mod", "legacy_go_mod"]

# What a file's contents may be given as: bytes, an iterator of byte chunks, or a callable
# returning either (called once, when the file's turn comes: only one file open at a time).
Content = Union[bytes, Iterable[bytes], Callable[[], Union[bytes, Iterable[bytes]]]]


class DirHashError(DepError):
    """A file set cannot be hashed (Go's dirhash refuses names with newlines)."""


def _name_bytes(name) -> bytes:
    return name if isinstance(name, bytes) else name.encode("utf-8", "surrogateescape")


def _chunks(content: Content) -> Iterator[bytes]:
    if callable(content):
        content = content()
    if isinstance(content, (bytes, bytearray, memoryview)):
        yield bytes(content)
        return
    for chunk in content:
        yield chunk


def hash1(files: Iterable[tuple]) -> str:
    """``Hash1`` over ``(name, content)`` pairs: names sorted bytewise as Go sorts strings."""
    entries = sorted(((_name_bytes(n), c) for n, c in files), key=lambda e: e[0])
    summary = hashlib.sha256()
    for name, content in entries:
        if b"\n" in name:
            raise DirHashError(f"cannot hash {name!r}: file names with newlines are not supported")
        h = hashlib.sha256()
        for chunk in _chunks(content):
            h.update(chunk)
        summary.update(h.hexdigest().encode() + b"  " + name + b"\n")
    return "h1:" + base64.b64encode(summary.digest()).decode("ascii")


def hash_go_mod(data: bytes) -> str:
    """The ``<module> <version>/go.mod h1:`` value: the go.mod hashed alone as ``go.mod``."""
    return hash1([("go.mod", data)])


def legacy_go_mod(module_path: str) -> bytes:
    """The go.mod the go command synthesizes for a module without one: ``module <path>``."""
    from dep.gomod.modfile import auto_quote

    return f"module {auto_quote(module_path)}\n".encode()
