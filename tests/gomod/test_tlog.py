"""dep.gomod.tlog against RFC 6962's Merkle tree definition, computed independently here.

The checksum database's log is an RFC 6962 tree; these tests build one from its definition
(MTH over leaves), lay its stored hashes out in tiles, and check that tree hashes, inclusion
and consistency proofs and the tile reader agree with it and refuse tampering. Tile paths are
facts from golang.org/x/mod/sumdb/tlog's tests. The same code runs against the go command's own
server in test_sumdb.py.
"""

from __future__ import annotations

import hashlib

import pytest

from dep.gomod import tlog
from dep.gomod.tlog import (ProofError, Tile, TileHashReader, TlogError, Tree, check_record,
                            check_tree, parse_record, parse_tree, prove_record, prove_tree)


def _mth(leaves: list) -> bytes:
    """RFC 6962 section 2.1 Merkle Tree Hash."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


class _Log:
    """A log of records with every complete subtree's hash at its stored index."""

    def __init__(self, n: int):
        self.records = [b"record %d\n" % i for i in range(n)]
        self.stored = {}
        level = 0
        while (1 << level) <= n:
            for i in range(n >> level):
                self.stored[tlog.stored_hash_index(level, i)] = \
                    _mth(self.records[i << level:(i + 1) << level])
            level += 1

    def read_hashes(self, indexes):
        return [self.stored[i] for i in indexes]

    def tile_data(self, tile: Tile) -> bytes:
        level = tile.l * tile.h
        return b"".join(self.stored[tlog.stored_hash_index(level, (tile.n << tile.h) + i)]
                        for i in range(tile.w))


class _Tiles:
    """A TileHashReader source over a _Log, counting reads and allowing one tile to be damaged."""

    height = 2

    def __init__(self, log: _Log, damage: str | None = None):
        self.log, self.damage, self.read, self.saved = log, damage, [], []

    def read_tiles(self, tiles):
        self.read.extend(t.path for t in tiles)
        out = []
        for t in tiles:
            d = self.log.tile_data(t)
            if t.path == self.damage:
                d = bytes([d[0] ^ 1]) + d[1:]
            out.append(d)
        return out

    def save_tiles(self, tiles, data):
        self.saved.extend(t.path for t in tiles)


def test_stored_hash_index_round_trips():
    for level in range(6):
        for n in range(200):
            x = tlog.stored_hash_index(level, n)
            assert tlog._split_stored_hash_index(x) == (level, n)
    assert [tlog.stored_hash_index(0, n) for n in range(6)] == [0, 1, 3, 4, 7, 8]


@pytest.mark.parametrize("tile, path", [
    (Tile(4, 0, 1, 16), "tile/4/0/001"),
    (Tile(4, 0, 1, 5), "tile/4/0/001.p/5"),
    (Tile(3, 5, 123456078, 8), "tile/3/5/x123/x456/078"),
    (Tile(3, 5, 123456078, 2), "tile/3/5/x123/x456/078.p/2"),
    (Tile(1, 0, 3057500, 2), "tile/1/0/x003/x057/500"),
])
def test_tile_paths_are_gos(tile, path):
    assert tile.path == path


def test_tree_hash_and_proofs_match_rfc6962():
    log = _Log(40)
    for t in range(1, 41):
        th = _mth(log.records[:t])
        assert tlog.tree_hash(t, log) == th
        for n in range(t):
            p = prove_record(t, n, log)
            leaf = tlog.record_hash(log.records[n])
            check_record(p, t, th, n, leaf)
            with pytest.raises(ProofError):
                check_record(p, t, th, n, tlog.record_hash(b"forged\n"))
            if p:
                with pytest.raises(ProofError):
                    check_record(p[:-1], t, th, n, leaf)
        for n in range(1, t + 1):
            p = prove_tree(t, n, log)
            check_tree(p, t, th, n, _mth(log.records[:n]))
            with pytest.raises(ProofError):
                check_tree(p, t, th, n, bytes(32))


def test_tile_hash_reader_checks_tiles_against_the_head():
    log = _Log(37)  # height 2: levels 0, 2 and 4 tiles, partial at each
    tree = Tree(37, _mth(log.records))
    tiles = _Tiles(log)
    got = TileHashReader(tree, tiles).read_hashes([tlog.stored_hash_index(0, i) for i in range(37)])
    assert got == [tlog.record_hash(r) for r in log.records]
    assert "tile/2/0/009.p/1" in tiles.read and "tile/2/2/000.p/2" in tiles.read
    assert sorted(tiles.saved) == sorted(set(tiles.read))

    with pytest.raises(ProofError, match="do not hash to the tree head"):
        TileHashReader(Tree(37, bytes(32)), _Tiles(log)).read_hashes([0])
    damaged = _Tiles(log, damage="tile/2/0/001")
    with pytest.raises(ProofError, match="tile/2/0/001 does not match"):
        TileHashReader(tree, damaged).read_hashes([tlog.stored_hash_index(0, 5)])
    assert damaged.saved == []
    with pytest.raises(TlogError, match="not in the tree"):
        TileHashReader(tree, _Tiles(log)).read_hashes([tlog.stored_hash_index(0, 37)])


def test_short_tile_is_an_error():
    log = _Log(8)

    class Short(_Tiles):
        def read_tiles(self, tiles):
            return [d[:-1] for d in super().read_tiles(tiles)]

    with pytest.raises(TlogError, match=r"tile tile/2/1/000.p/2 has 63 bytes, want 64"):
        TileHashReader(Tree(8, _mth(log.records)), Short(log)).read_hashes([0])


def test_parse_tree():
    h = "LIACIpIyXrpOrG+EjZmLAgV9K3HMNRGoPNciSqsax1o="
    tree = parse_tree(f"go.sum database tree\n300\n{h}\n")
    assert tree.n == 300 and len(tree.hash) == 32
    for bad in ["go.sum database tree\n300\n" + h, f"go.sum database tree\n0300\n{h}\n",
                f"go.sum database tree\n-1\n{h}\n", "go.sum database tree\n3\nAAAA\n\n",
                f"other tree\n300\n{h}\n"]:
        with pytest.raises(TlogError, match="malformed tree note"):
            parse_tree(bad)


def test_parse_record():
    rid, text, rest = parse_record(b"5\na v1.0.0 h1:x\na v1.0.0/go.mod h1:y\n\nnote\n")
    assert (rid, text, rest) == (5, "a v1.0.0 h1:x\na v1.0.0/go.mod h1:y\n", b"note\n")
    for bad in [b"", b"x\na\n\n", b"-1\na\n\n", b"5\na\n", b"5\na\tb\n\n", b"5\n\xff\n\n"]:
        with pytest.raises(TlogError, match="malformed record data"):
            parse_record(bad)
