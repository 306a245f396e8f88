"""dep.gomod.note: the pure-Python Ed25519 verifier and signed notes.

Facts: RFC 8032 section 7.1's Ed25519 test vectors; the go command's key for sum.golang.org
(cmd/go/internal/modfetch/key.go); a tree head signed by golang.org/x/mod/sumdb's own server
(tests/gomod/sumdbserver, captured once; test_sumdb.py checks live ones).
"""

from __future__ import annotations

import base64
import hashlib
import time

import pytest

from dep.gomod.note import (InvalidSignatureError, NoteError, UnverifiedNoteError, Verifier,
                            ed25519_verify, open_note)

RFC8032 = [  # (public key, message, signature)
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]

GO_KEY = "sumdb.test+dfa79627+AcMekIkvMXMYrzT0kOPz4J/TpFlzpouPMPINdhszx1G3"
GO_NOTE = ("go.sum database tree\n300\nLIACIpIyXrpOrG+EjZmLAgV9K3HMNRGoPNciSqsax1o=\n\n"
           "\u2014 sumdb.test 36eWJ79ksARpYQfSHWjLUZdYNssSS57BdGPJqqxgQHfxK7++CPWsF9uaJAmX91kwLQN4"
           "lKvpLyYqWDoR6arZTJ5hzgo=\n").encode()
SUM_GOLANG_ORG = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"


@pytest.mark.parametrize("pub, msg, sig", RFC8032)
def test_rfc8032_vectors(pub, msg, sig):
    pub, msg, sig = bytes.fromhex(pub), bytes.fromhex(msg), bytes.fromhex(sig)
    assert ed25519_verify(pub, msg, sig)
    assert not ed25519_verify(pub, msg + b"!", sig)
    assert not ed25519_verify(pub, msg, sig[:10] + bytes([sig[10] ^ 4]) + sig[11:])
    # S + L is the same scalar but not canonical: refused, as Go's crypto/ed25519 does.
    big_s = int.from_bytes(sig[32:], "little") + 2 ** 252 + 27742317777372353535851937790883648493
    assert not ed25519_verify(pub, msg, sig[:32] + big_s.to_bytes(32, "little"))
    assert not ed25519_verify(pub[:31], msg, sig)


def test_one_verify_costs_milliseconds():
    pub, msg, sig = (bytes.fromhex(x) for x in RFC8032[2])
    start = time.perf_counter()
    for _ in range(5):
        assert ed25519_verify(pub, msg, sig)
    assert (time.perf_counter() - start) / 5 < 0.05


def test_verifier_keys():
    v = Verifier(SUM_GOLANG_ORG)
    assert (v.name, v.key_hash) == ("sum.golang.org", 0x033de0ae)
    for bad, why in [
        ("sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "does not match"),
        ("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ze6UMKRNV0B9qo6R", "does not match"),
        ("sum.golang.org+033de0ae", "malformed"),
        ("sum.golang.org+0x3de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "malformed"),
        ("+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "malformed"),
    ]:
        with pytest.raises(NoteError, match=why) as e:
            Verifier(bad)
        assert "\n" not in str(e.value)
    # an algorithm byte other than 1 (Ed25519), with a matching hash
    key = b"\x02" + bytes(32)
    h = hashlib.sha256(b"x\n" + key).digest()[:4].hex()
    with pytest.raises(NoteError, match="unknown algorithm 2"):
        Verifier(f"x+{h}+{base64.b64encode(key).decode()}")


def test_note_signed_by_go():
    note = open_note(GO_NOTE, [Verifier(GO_KEY)])
    assert note.text == "go.sum database tree\n300\nLIACIpIyXrpOrG+EjZmLAgV9K3HMNRGoPNciSqsax1o=\n"
    assert note.signers == ["sumdb.test"]


def test_note_tampered_or_unknown():
    v = Verifier(GO_KEY)
    with pytest.raises(InvalidSignatureError, match=r"invalid signature for key sumdb.test\+dfa79627"):
        open_note(GO_NOTE.replace(b"\n300\n", b"\n301\n"), [v])
    with pytest.raises(UnverifiedNoteError, match="no verifiable signatures"):
        open_note(GO_NOTE, [Verifier(SUM_GOLANG_ORG)])
    other = GO_NOTE.replace(b"\n\n", b"\n\n\xe2\x80\x94 other.example AAAAAAAA\n")
    assert open_note(other, [v]).signers == ["sumdb.test"]  # unknown signers are ignored


@pytest.mark.parametrize("msg", [
    b"no signatures\n",
    b"text\n\n\xe2\x80\x94 sumdb.test abc",        # no final newline
    b"text\n\n- sumdb.test AAAAAAAA\n",              # not an em dash
    b"text\n\n\xe2\x80\x94 sumdb.test !!!!\n",       # not base64
    b"text\n\n\xe2\x80\x94 sumdb.test AAAA\n",       # too short to hold a key hash
    b"te\x01xt\n\n\xe2\x80\x94 sumdb.test AAAAAAAA\n",
    b"\xff\n\n\xe2\x80\x94 sumdb.test AAAAAAAA\n",
])
def test_malformed_notes(msg):
    with pytest.raises(NoteError, match="malformed note") as e:
        open_note(msg, [Verifier(GO_KEY)])
    assert "\n" not in str(e.value)
