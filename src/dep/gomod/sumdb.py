"""A checksum database client, with golang.org/x/mod/sumdb/client.go's semantics.

``lookup`` asks the database for a module version's go.sum lines and believes them only when
the answer's record is in the tree the database signed (checked through tiles) and that tree is
consistent with every tree head this machine has verified before: a new head must extend the
cached one, an older head must be a prefix of it, and two different heads of one size prove the
database forked its log. The verified head, the tiles and the lookup answers are cached under
``<cachedir>/pydep-sumdb/<name>/`` (all immutable except ``latest``; answers are re-verified
when read back), so a warm cache needs no network.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading

from dep.errors import DepError
from dep.gomod import module
from dep.gomod.note import InvalidSignatureError, NoteError, UnverifiedNoteError, Verifier, open_note
from dep.gomod.proxy import read_if_present
from dep.gomod.tlog import (ProofError, Tile, TileHashReader, TlogError, Tree, check_record,
                            check_tree, parse_record, parse_tree, prove_record, prove_tree,
                            record_hash)

__all__ = ["SumDBError", "SecurityError", "ChecksumMismatch", "SumDB"]

TILE_HEIGHT = 8  # what sum.golang.org serves and the go command reads


class SumDBError(DepError):
    """The checksum database cannot be used: no key, a malformed answer, an unwritable cache."""


class SecurityError(SumDBError):
    """The checksum database misbehaved: a bad signature, a forked log, tiles that do not verify."""


class ChecksumMismatch(DepError):
    """A downloaded module's hash differs from the one the checksum database vouches for."""


def _safe_name(name: str) -> str:
    """A directory name for a database name; changed names get a hash so they stay distinct."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    safe = safe.lstrip(".")
    if safe != name:
        safe = f"{safe}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"
    return safe


def _write_file(path: str, data: bytes) -> None:
    """Write atomically (temporary file + rename) so readers never see half a file."""
    d = os.path.dirname(path)
    try:
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise
    except OSError as e:
        raise SumDBError(f"cannot write the checksum database cache {path}: {e.strerror or e}; "
                         f"check the cache directory's permissions") from None


class _Tiles:
    """Tiles for TileHashReader: memory, then disk, then the server; only verified ones kept."""

    height = TILE_HEIGHT

    def __init__(self, root: str, fetch):
        self._root, self._fetch = root, fetch
        self._known: dict = {}

    def _file(self, tile: Tile) -> str:
        return os.path.join(self._root, *tile.path.split("/"))

    def _read_one(self, tile: Tile) -> bytes:
        data = self._known.get(tile)
        if data is None:
            data = read_if_present(self._file(tile))
        full = tile._replace(w=1 << tile.h)
        if data is None and tile != full:
            data = self._known.get(full) or read_if_present(self._file(full))
            data = data[:tile.w * 32] if data is not None else None
        if data is None:
            try:
                data = self._fetch("/" + tile.path)
            except Exception as e:
                if tile == full:
                    raise
                # As Go's client: a server may keep only full tiles once they are complete.
                try:
                    data = self._fetch("/" + full.path)[:tile.w * 32]
                except Exception:
                    raise e from None
        return data

    def read_tiles(self, tiles: list) -> list:
        return [self._read_one(t) for t in tiles]

    def save_tiles(self, tiles: list, data: list) -> None:
        for tile, d in zip(tiles, data):
            if tile not in self._known:
                self._known[tile] = d
                path = self._file(tile)
                if not os.path.exists(path):
                    _write_file(path, d)


class SumDB:
    """Client of one checksum database (``config``: goenv's SumDBConfig; .name and .key, the
    verifier key, which goenv already filled in for sum.golang.org).

    ``fetch(path) -> bytes`` reads ``/lookup/...`` and ``/tile/...`` from the database (directly
    or through a proxy's ``/sumdb/<name>/``); its errors propagate. Safe to share between threads.
    """

    def __init__(self, config, cachedir: str, fetch):
        key = config.key
        if not key:
            raise SumDBError(f"checksum database {config.name}: no verifier key known; set GOSUMDB "
                             f"to \"{config.name}+<hash>+<key>\" or GOSUMDB=off")
        try:
            self._verifier = Verifier(key)
        except NoteError as e:
            raise SumDBError(f"GOSUMDB: {e}") from None
        self.name = self._verifier.name
        self._dir = os.path.join(cachedir, "pydep-sumdb", _safe_name(self.name))
        self._latest_file = os.path.join(self._dir, "latest")
        self._fetch = fetch
        self._tiles = _Tiles(self._dir, fetch)
        self._lock = threading.Lock()
        self._latest = None  # Tree, once the cached head is loaded
        self._trees: dict = {}  # signed note -> verified Tree
        self._answers: dict = {}  # (path, version) -> go.sum lines

    # --- the public operations -----------------------------------------------------------

    def lookup(self, path: str, version: str) -> list:
        """The go.sum lines (``path version h1:…`` and ``path version/go.mod h1:…``) the
        database vouches for, after verifying its answer as described in the module doc."""
        with self._lock:
            lines = self._answers.get((path, version))
            if lines is None:
                lines = self._lookup(path, version)
                self._answers[(path, version)] = lines
            return list(lines)

    def check(self, path: str, version: str, zip_h1: str | None = None,
              mod_h1: str | None = None) -> None:
        """Raise ChecksumMismatch unless the given hashes are the database's (as Go, a
        database line with no ``h1:`` hash for it vouches for nothing and is not an error)."""
        lines = self.lookup(path, version)
        for suffix, have in (("", zip_h1), ("/go.mod", mod_h1)):
            if have is None:
                continue
            prefix = f"{path} {version}{suffix} h1:"
            for line in lines:
                if line == f"{path} {version}{suffix} {have}":
                    break
                if line.startswith(prefix):
                    raise ChecksumMismatch(
                        f"verifying {path}@{version}{suffix}: checksum mismatch: downloaded "
                        f"{have}, {self.name} has {line[len(prefix) - 3:]}")

    # --- verification ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _answer(self, where: str):
        """Turn note/tlog failures while reading ``where`` into this database's errors."""
        try:
            yield
        except (UnverifiedNoteError, InvalidSignatureError) as e:
            v = self._verifier
            raise SecurityError(f"checksum database {self.name}: {where}: {e}: the tree head is not "
                                f"signed by the GOSUMDB key {v.name}+{v.key_hash:08x}") from None
        except ProofError as e:
            tiles = os.path.join(self._dir, "tile")
            raise SecurityError(f"checksum database {self.name} is misbehaving: {where}: {e} (if "
                                f"only the cached tiles are damaged, remove {tiles})") from None
        except (TlogError, NoteError) as e:
            raise SumDBError(f"checksum database {self.name}: {where}: {e}") from None

    def _lookup(self, path: str, version: str) -> list:
        self._load_latest()
        remote = f"/lookup/{module.escape_path(path)}@{module.escape_version(version)}"
        cache_file = os.path.join(self._dir, *remote[1:].split("/"))
        data = read_if_present(cache_file)
        fresh = data is None
        if data is not None:
            try:
                parse_record(data)
            except TlogError:
                data, fresh = None, True  # a damaged cache entry is only a miss
        if data is None:
            data = self._fetch(remote)
        with self._answer(f"lookup {path}@{version}"):
            rid, text, note = parse_record(data)
            self._merge_latest(note)
            latest = self._latest
            if rid >= latest.n:
                raise TlogError(f"record {rid} is not in the signed tree of size {latest.n}")
            proof = prove_record(latest.n, rid, TileHashReader(latest, self._tiles))
            check_record(proof, latest.n, latest.hash, rid, record_hash(text.encode()))
        lines = [line for line in text.split("\n")
                 if line.startswith((f"{path} {version} ", f"{path} {version}/go.mod "))]
        if not lines:
            raise SumDBError(f"checksum database {self.name}: its record {rid} answering "
                             f"{path}@{version} holds no go.sum line for it")
        if fresh:
            _write_file(cache_file, data)
        return lines

    def _tree(self, msg: bytes) -> Tree:
        """The tree head a signed note states, once its signature is verified."""
        tree = self._trees.get(msg)
        if tree is None:
            tree = parse_tree(open_note(msg, [self._verifier]).text)
            self._trees[msg] = tree
        return tree

    def _load_latest(self) -> None:
        if self._latest is not None:
            return
        msg = read_if_present(self._latest_file)
        if msg is None:
            self._latest = Tree(0, bytes(32))
            return
        with self._answer(f"cached tree head {self._latest_file} (remove it if GOSUMDB changed)"):
            self._latest = self._tree(msg)

    def _merge_latest(self, msg: bytes) -> None:
        """Accept a signed head only if it is consistent with the verified one; keep the newer."""
        tree, latest = self._tree(msg), self._latest
        if tree.n == latest.n:
            if tree.hash != latest.hash:
                raise SecurityError(f"checksum database {self.name} is misbehaving: it signed two "
                                    f"different trees of size {tree.n} (a forked log); the one "
                                    f"verified before is in {self._latest_file}")
            return
        older, newer = (tree, latest) if tree.n < latest.n else (latest, tree)
        if older.n > 0:
            try:
                proof = prove_tree(newer.n, older.n, TileHashReader(newer, self._tiles))
                check_tree(proof, newer.n, newer.hash, older.n, older.hash)
            except ProofError:
                raise SecurityError(f"checksum database {self.name} is misbehaving: its tree of "
                                    f"size {older.n} is not a prefix of its tree of size "
                                    f"{newer.n} (a forked log); the one verified before is in "
                                    f"{self._latest_file}") from None
        if newer is tree:
            _write_file(self._latest_file, msg)
            self._latest = tree
