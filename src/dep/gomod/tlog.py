"""The checksum database's transparency log, as golang.org/x/mod/sumdb/tlog defines it.

A log of N records is a Merkle tree (RFC 6962 hashing: leaves SHA-256(0x00 || record), nodes
SHA-256(0x01 || left || right)). Every complete subtree's hash is "stored" at a fixed index
(``stored_hash_index``); a server publishes those hashes in tiles: a tile of height H at level L
holds up to 2**H consecutive hashes of tree level L*H, and ``tile/H/L/NNN[.p/W]`` names tile N
(``.p/W`` when only W hashes exist yet). A client reads tiles, checks them against the signed
tree hash, and from them proves a record is in the tree or an old tree is a prefix of a new one.
"""

from __future__ import annotations

import base64
import binascii
import collections
import hashlib

from dep.errors import DepError

__all__ = ["TlogError", "ProofError", "HASH_SIZE", "Tree", "Tile", "record_hash", "node_hash",
           "stored_hash_index", "tile_for_index", "hash_from_tile", "tree_hash", "prove_record",
           "check_record", "prove_tree", "check_tree", "parse_tree", "parse_record",
           "TileHashReader"]

HASH_SIZE = 32
_TREE_PREFIX = "go.sum database tree\n"


class TlogError(DepError):
    """A tree head, record or tile is malformed or does not fit the tree."""


class ProofError(TlogError):
    """An inclusion or consistency proof does not hold."""


Tree = collections.namedtuple("Tree", "n hash")


class Tile(collections.namedtuple("Tile", "h l n w")):
    """Tile n at level l of height h, holding w hashes (w == 2**h when complete)."""

    __slots__ = ()

    @property
    def path(self) -> str:
        n, parts = self.n, [f"{self.n % 1000:03d}"]
        while n >= 1000:
            n //= 1000
            parts.insert(0, f"x{n % 1000:03d}")
        partial = f".p/{self.w}" if self.w != 1 << self.h else ""
        return f"tile/{self.h}/{self.l}/{'/'.join(parts)}{partial}"


def record_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def stored_hash_index(level: int, n: int) -> int:
    """Where the hash of node ``n`` at ``level`` sits in the sequence of stored hashes."""
    for _ in range(level):
        n = 2 * n + 1
    return 2 * n - bin(n).count("1") + level


def _split_stored_hash_index(index: int) -> tuple[int, int]:
    """Inverse of stored_hash_index: (level, n)."""
    n = index // 2
    at = stored_hash_index(0, n)
    while True:
        nxt = at + 1 + ((n + 1) & -(n + 1)).bit_length() - 1
        if nxt > index:
            break
        n, at = n + 1, nxt
    level = index - at
    return level, n >> level


def _maxpow2(n: int) -> tuple[int, int]:
    """The largest power of two below n (n > 1), and its log."""
    level = (n - 1).bit_length() - 1
    return 1 << level, level


def tile_for_index(h: int, index: int) -> tuple[Tile, int, int]:
    """The smallest tile holding stored hash ``index``, and the byte range of its data that
    hashes to it (more than one hash when the level is inside the tile)."""
    level, n = _split_stored_hash_index(index)
    tl = level // h
    level -= tl * h
    tn = n << level >> h
    n -= tn << h >> level
    tile = Tile(h, tl, tn, (n + 1) << level)
    return tile, (n << level) * HASH_SIZE, ((n + 1) << level) * HASH_SIZE


def _tile_hash(data: bytes) -> bytes:
    if len(data) == HASH_SIZE:
        return data
    half = len(data) // 2
    return node_hash(_tile_hash(data[:half]), _tile_hash(data[half:]))


def hash_from_tile(tile: Tile, data: bytes, index: int) -> bytes:
    """Stored hash ``index`` computed from ``tile``'s data."""
    if len(data) < tile.w * HASH_SIZE:
        raise TlogError(f"tile {tile.path} has {len(data)} bytes, want {tile.w * HASH_SIZE}")
    t1, start, end = tile_for_index(tile.h, index)
    if (tile.l, tile.n) != (t1.l, t1.n) or tile.w < t1.w:
        raise TlogError(f"stored hash {index} is in {t1.path}, not {tile.path}")
    return _tile_hash(data[start:end])


# --- tree hashes and proofs over a hash reader (anything with read_hashes(indexes)) ------------

def _sub_tree_index(lo: int, hi: int, need: list) -> list:
    while lo < hi:
        k, level = _maxpow2(hi - lo + 1)
        need.append(stored_hash_index(level, lo >> level))
        lo += k
    return need


def _sub_tree_hash(lo: int, hi: int, hashes: list) -> tuple[bytes, list]:
    count = 0
    while lo < hi:
        k, _ = _maxpow2(hi - lo + 1)
        count += 1
        lo += k
    h = hashes[count - 1]
    for i in range(count - 2, -1, -1):
        h = node_hash(hashes[i], h)
    return h, hashes[count:]


def _read(reader, indexes: list) -> list:
    hashes = reader.read_hashes(indexes)
    if len(hashes) != len(indexes):
        raise TlogError(f"read {len(hashes)} hashes for {len(indexes)} indexes")
    return hashes


def tree_hash(n: int, reader) -> bytes:
    """The hash of the tree of the first n records."""
    if n == 0:
        return bytes(HASH_SIZE)
    return _sub_tree_hash(0, n, _read(reader, _sub_tree_index(0, n, [])))[0]


def _leaf_proof_index(lo: int, hi: int, n: int, need: list) -> list:
    if lo + 1 == hi:
        return need
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        _leaf_proof_index(lo, lo + k, n, need)
        return _sub_tree_index(lo + k, hi, need)
    _sub_tree_index(lo, lo + k, need)
    return _leaf_proof_index(lo + k, hi, n, need)


def _leaf_proof(lo: int, hi: int, n: int, hashes: list) -> tuple[list, list]:
    if lo + 1 == hi:
        return [], hashes
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        p, hashes = _leaf_proof(lo, lo + k, n, hashes)
        th, hashes = _sub_tree_hash(lo + k, hi, hashes)
    else:
        th, hashes = _sub_tree_hash(lo, lo + k, hashes)
        p, hashes = _leaf_proof(lo + k, hi, n, hashes)
    return p + [th], hashes


def prove_record(t: int, n: int, reader) -> list:
    """The proof that record n is in the tree of size t."""
    if not 0 <= n < t:
        raise TlogError(f"record {n} is not in a tree of size {t}")
    return _leaf_proof(0, t, n, _read(reader, _leaf_proof_index(0, t, n, [])))[0]


def _run_record_proof(p: list, lo: int, hi: int, n: int, leaf: bytes) -> bytes:
    if lo + 1 == hi:
        if p:
            raise ProofError("invalid transparency proof")
        return leaf
    if not p:
        raise ProofError("invalid transparency proof")
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        return node_hash(_run_record_proof(p[:-1], lo, lo + k, n, leaf), p[-1])
    return node_hash(p[-1], _run_record_proof(p[:-1], lo + k, hi, n, leaf))


def check_record(p: list, t: int, th: bytes, n: int, h: bytes) -> None:
    """Raise ProofError unless p proves record hash h is record n of the tree (t, th)."""
    if not 0 <= n < t:
        raise TlogError(f"record {n} is not in a tree of size {t}")
    if _run_record_proof(p, 0, t, n, h) != th:
        raise ProofError("invalid transparency proof")


def _tree_proof_index(lo: int, hi: int, n: int, need: list) -> list:
    if n == hi:
        return need if lo == 0 else _sub_tree_index(lo, hi, need)
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        _tree_proof_index(lo, lo + k, n, need)
        return _sub_tree_index(lo + k, hi, need)
    _sub_tree_index(lo, lo + k, need)
    return _tree_proof_index(lo + k, hi, n, need)


def _tree_proof(lo: int, hi: int, n: int, hashes: list) -> tuple[list, list]:
    if n == hi:
        if lo == 0:
            return [], hashes
        th, hashes = _sub_tree_hash(lo, hi, hashes)
        return [th], hashes
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        p, hashes = _tree_proof(lo, lo + k, n, hashes)
        th, hashes = _sub_tree_hash(lo + k, hi, hashes)
    else:
        th, hashes = _sub_tree_hash(lo, lo + k, hashes)
        p, hashes = _tree_proof(lo + k, hi, n, hashes)
    return p + [th], hashes


def prove_tree(t: int, n: int, reader) -> list:
    """The proof that the tree of size n is a prefix of the tree of size t."""
    if not 1 <= n <= t:
        raise TlogError(f"no consistency proof from a tree of size {n} to one of size {t}")
    return _tree_proof(0, t, n, _read(reader, _tree_proof_index(0, t, n, [])))[0]


def _run_tree_proof(p: list, lo: int, hi: int, n: int, old: bytes) -> tuple[bytes, bytes]:
    if n == hi:
        if lo == 0:
            if p:
                raise ProofError("invalid transparency proof")
            return old, old
        if len(p) != 1:
            raise ProofError("invalid transparency proof")
        return p[0], p[0]
    if not p:
        raise ProofError("invalid transparency proof")
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        oh, th = _run_tree_proof(p[:-1], lo, lo + k, n, old)
        return oh, node_hash(th, p[-1])
    oh, th = _run_tree_proof(p[:-1], lo + k, hi, n, old)
    return node_hash(p[-1], oh), node_hash(p[-1], th)


def check_tree(p: list, t: int, th: bytes, n: int, h: bytes) -> None:
    """Raise ProofError unless p proves the tree (n, h) is a prefix of the tree (t, th)."""
    if not 1 <= n <= t:
        raise TlogError(f"no consistency proof from a tree of size {n} to one of size {t}")
    if _run_tree_proof(p, 0, t, n, h) != (h, th):
        raise ProofError("invalid transparency proof")


# --- wire formats ------------------------------------------------------------------------------

def parse_tree(text: str) -> Tree:
    """The tree head a checksum database signs: "go.sum database tree\\nN\\nbase64(hash)\\n"."""
    lines = text.split("\n", 3)
    if not text.startswith(_TREE_PREFIX) or len(lines) < 4 or len(text) > 1_000_000:
        raise TlogError("malformed tree note")
    digits = lines[1]
    if not (digits.isascii() and digits.isdigit()) or str(int(digits)) != digits:
        raise TlogError(f"malformed tree note: size {digits[:40]!r}")
    try:
        h = base64.b64decode(lines[2], validate=True)
    except (binascii.Error, ValueError):
        h = b""
    if len(h) != HASH_SIZE:
        raise TlogError(f"malformed tree note: hash {lines[2][:60]!r}")
    return Tree(int(digits), h)


def _valid_record_text(text: str) -> bool:
    return (text.endswith("\n") and "\n\n" not in text
            and not any(c < " " and c != "\n" for c in text))


def parse_record(msg: bytes) -> tuple[int, str, bytes]:
    """Split a lookup answer "id\\ntext\\n\\nsigned tree note" into (id, text, note bytes)."""
    head, nl, rest = msg.partition(b"\n")
    end = rest.find(b"\n\n")
    if not nl or not head.isdigit() or end < 0:
        raise TlogError("malformed record data")
    try:
        text = rest[:end + 1].decode("utf-8")
    except UnicodeDecodeError:
        raise TlogError("malformed record data: not UTF-8") from None
    if not _valid_record_text(text):
        raise TlogError("malformed record data")
    return int(head), text, rest[end + 2:]


# --- reading stored hashes from verified tiles -------------------------------------------------

def _tile_parent(t: Tile, k: int, n: int) -> Tile | None:
    """The tile k levels above t in the tree of size n (None past its top)."""
    level, num, width = t.l + k, t.n >> (k * t.h), 1 << t.h
    limit = n >> (level * t.h)
    if (num << t.h) + width >= limit:
        if num << t.h >= limit:
            return None
        width = limit - (num << t.h)
    return Tile(t.h, level, num, width)


class TileHashReader:
    """Stored hashes of ``tree`` read from tiles, each tile checked before any hash is used:
    the top tiles against the signed tree hash, every lower tile against its parent.

    ``tiles`` has ``height``, ``read_tiles(list[Tile]) -> list[bytes]`` and
    ``save_tiles(tiles, data)`` (called only with verified tiles).
    """

    def __init__(self, tree: Tree, tiles):
        self.tree, self.tiles = tree, tiles

    def read_hashes(self, indexes: list) -> list:
        h, size = self.tiles.height, self.tree.n
        order: dict = {}
        tiles: list = []

        def add(tile: Tile) -> int:
            if tile not in order:
                order[tile] = len(tiles)
                tiles.append(tile)
            return order[tile]

        stx = _sub_tree_index(0, size, [])
        stx_order = [add(_tile_parent(tile_for_index(h, x)[0], 0, size)) for x in stx]
        top = len(tiles)
        index_order = []
        for x in indexes:
            if x >= stored_hash_index(0, size):
                raise TlogError(f"stored hash {x} is not in the tree of size {size}")
            tile = tile_for_index(h, x)[0]
            k = 0
            while _tile_parent(tile, k, size) not in order:
                if _tile_parent(tile, k, size) is None:
                    raise TlogError(f"stored hash {x} has no tile in the tree of size {size}")
                k += 1
            for j in range(k - 1, -1, -1):
                add(_tile_parent(tile, j, size))
            index_order.append(order[_tile_parent(tile, 0, size)])
        data = self.tiles.read_tiles(tiles)
        for tile, d in zip(tiles, data):
            if len(d) != tile.w * HASH_SIZE:
                raise TlogError(f"tile {tile.path} has {len(d)} bytes, want {tile.w * HASH_SIZE}")
        th = hash_from_tile(tiles[stx_order[-1]], data[stx_order[-1]], stx[-1])
        for i in range(len(stx) - 2, -1, -1):
            th = node_hash(hash_from_tile(tiles[stx_order[i]], data[stx_order[i]], stx[i]), th)
        if th != self.tree.hash:
            raise ProofError(f"tiles do not hash to the tree head of size {size}")
        for i in range(top, len(tiles)):
            tile = tiles[i]
            parent = _tile_parent(tile, 1, size)
            want = hash_from_tile(parent, data[order[parent]],
                                  stored_hash_index(parent.l * parent.h, tile.n))
            if want != _tile_hash(data[i]):
                raise ProofError(f"tile {tile.path} does not match the tree head of size {size}")
        self.tiles.save_tiles(tiles, data)
        return [hash_from_tile(tiles[j], data[j], x) for j, x in zip(index_order, indexes)]
