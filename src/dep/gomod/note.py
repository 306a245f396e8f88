"""Signed notes, as golang.org/x/mod/sumdb/note defines them (the checksum database's tree heads).

A note is UTF-8 text ending in a newline, a blank line, then signature lines
``— <name> <base64(4-byte key hash || signature)>``. A verifier key is
``<name>+<8 hex digits of key hash>+<base64(algorithm byte || public key)>``; the key hash is the
first four bytes of SHA-256(name "\\n" algorithm-and-key). Only Ed25519 (algorithm 1) exists.

Ed25519 verification is done here in pure Python (RFC 8032 arithmetic) so dep needs no
cryptography dependency; one verify costs a few milliseconds, and the checksum database
client verifies one note per tree head it sees.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from dep.errors import DepError

__all__ = ["NoteError", "UnverifiedNoteError", "InvalidSignatureError", "Verifier", "Note",
           "open_note", "ed25519_verify"]

_ALG_ED25519 = 1
_SIG_PREFIX = "\u2014 "  # an em dash and a space start each signature line
_MAX_SIGS = 100


class NoteError(DepError):
    """A verifier key or a signed note is malformed."""


class UnverifiedNoteError(NoteError):
    """The note carries no signature by a key we know."""


class InvalidSignatureError(NoteError):
    """A signature by a known key does not verify: the signer or the transport is lying."""


# --- Ed25519 (RFC 8032, section 5.1), verification only ------------------------------------

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_D2 = 2 * _D % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_BY = 4 * pow(5, _P - 2, _P) % _P
_BX = 15112221349535400772501151409588531511454012693041857206046113283949847762202
_B = (_BX, _BY, 1, _BX * _BY % _P)  # extended coordinates (X, Y, Z, T): x=X/Z, y=Y/Z, xy=T/Z
_IDENTITY = (0, 1, 1, 0)


def _add(p, q):
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = t1 * _D2 * t2 % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _double(p):
    x1, y1, z1, _ = p
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = a + b
    e = h - (x1 + y1) * (x1 + y1) % _P
    g = a - b
    f = c + g
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _window_table(p):
    """[0]P .. [15]P, for 4-bit fixed-window multiplication."""
    table = [_IDENTITY, p]
    for _ in range(14):
        table.append(_add(table[-1], p))
    return table




_B_TABLE = _window_table(_B)


def _double_mul(s: int, t_b, k: int, t_a):
    """[s]B + [k]A with one shared chain of doublings (Straus), 4 bits at a time."""
    acc = _IDENTITY
    for shift in range(252, -4, -4):
        acc = _double(_double(_double(_double(acc))))
        i, j = (s >> shift) & 15, (k >> shift) & 15
        if i:
            acc = _add(acc, t_b[i])
        if j:
            acc = _add(acc, t_a[j])
    return acc


def _decode_point(b: bytes):
    """The point a 32-byte encoding names, or None (RFC 8032 5.1.3, strict: y < p)."""
    n = int.from_bytes(b, "little")
    sign, y = n >> 255, n & ((1 << 255) - 1)
    if y >= _P:
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    vxx = v * x * x % _P
    if vxx != u:
        if vxx != (-u) % _P:
            return None
        x = x * _SQRT_M1 % _P
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _encode_point(p) -> bytes:
    x, y, z, _ = p
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def ed25519_verify(public_key: bytes, msg: bytes, sig: bytes) -> bool:
    """Whether ``sig`` is public_key's Ed25519 signature of ``msg``.

    As Go's crypto/ed25519: S must be canonical (< L) and [S]B - [k]A must encode to R
    byte for byte (the cofactorless check RFC 8032 allows).
    """
    if len(public_key) != 32 or len(sig) != 64:
        return False
    a = _decode_point(public_key)
    if a is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + public_key + msg).digest(), "little") % _L
    neg_a = ((-a[0]) % _P, a[1], a[2], (-a[3]) % _P)
    return _encode_point(_double_mul(s, _B_TABLE, k, _window_table(neg_a))) == sig[:32]


# --- verifier keys and notes ------------------------------------------------------------------

def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _key_hash(name: str, key: bytes) -> int:
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + key).digest()[:4], "big")


def _b64(s: str) -> bytes | None:
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        return None


class Verifier:
    """A parsed verifier key ``name+hash+key``; ``verify(msg, sig)`` checks one signature."""

    __slots__ = ("name", "key_hash", "_key")

    def __init__(self, vkey: str):
        name, _, rest = vkey.partition("+")
        hash16, _, key64 = rest.partition("+")
        key = _b64(key64)
        hexdigits = len(hash16) == 8 and all(c in "0123456789abcdefABCDEF" for c in hash16)
        khash = int(hash16, 16) if hexdigits else -1
        if khash < 0 or not key or not _valid_name(name):
            raise NoteError(f"malformed verifier key {vkey!r}: want name+hash+base64key")
        if khash != _key_hash(name, key):
            raise NoteError(f"verifier key {vkey!r}: the hash {hash16} does not match the key "
                            f"(copy the whole key again)")
        if key[0] != _ALG_ED25519:
            raise NoteError(f"verifier key {vkey!r}: unknown algorithm {key[0]}")
        if len(key) != 33:
            raise NoteError(f"malformed verifier key {vkey!r}: an Ed25519 key has 32 bytes")
        self.name, self.key_hash, self._key = name, khash, key[1:]

    def verify(self, msg: bytes, sig: bytes) -> bool:
        return ed25519_verify(self._key, msg, sig)


class Note:
    """An opened note: its text and the names of the keys whose signatures verified."""

    __slots__ = ("text", "signers")

    def __init__(self, text: str, signers: list):
        self.text, self.signers = text, signers


def open_note(msg: bytes, verifiers) -> Note:
    """Parse ``msg`` and verify its signatures by ``verifiers`` (a list of Verifier).

    As note.Open: at least one signature must be by a known key, every one by a known key must
    verify, and signatures by unknown keys are ignored.
    """
    try:
        s = msg.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("malformed note: not UTF-8") from None
    if any(c < " " and c != "\n" for c in s):
        raise NoteError("malformed note: control character")
    split = s.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no signature block")
    text, sigs = s[:split + 1], s[split + 2:]
    if not sigs.endswith("\n"):
        raise NoteError("malformed note: the signature block does not end in a newline")
    known = {(v.name, v.key_hash): v for v in verifiers}
    signers: list = []
    seen = set()
    lines = sigs[:-1].split("\n")
    if len(lines) > _MAX_SIGS:
        raise NoteError(f"malformed note: more than {_MAX_SIGS} signatures")
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError(f"malformed note: bad signature line {line[:80]!r}")
        name, _, b64 = line[len(_SIG_PREFIX):].partition(" ")
        raw = _b64(b64)
        if raw is None or not _valid_name(name) or len(raw) < 5:
            raise NoteError(f"malformed note: bad signature line {line[:80]!r}")
        khash = int.from_bytes(raw[:4], "big")
        v = known.get((name, khash))
        if v is None or (name, khash) in seen:
            continue
        seen.add((name, khash))
        if not v.verify(text.encode(), raw[4:]):
            raise InvalidSignatureError(f"invalid signature for key {name}+{khash:08x}")
        signers.append(name)
    if not signers:
        names = ", ".join(f"{n}+{h:08x}" for n, h in known) or "none"
        raise UnverifiedNoteError(f"note has no verifiable signatures (known keys: {names})")
    return Note(text, signers)
