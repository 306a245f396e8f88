"""``h1:`` hashing (dirhash Hash1), by its definition and against the go command's go.sum values."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from dep.gomod.dirhash import DirHashError, hash1, hash_go_mod, legacy_go_mod
from tests.gitrepos import make_repo
from tests.gomod.conftest import run_go


def _by_definition(files: dict) -> str:
    lines = b"".join(hashlib.sha256(data).hexdigest().encode() + b"  " + name.encode() + b"\n"
                     for name, data in sorted(files.items(), key=lambda kv: kv[0].encode()))
    return "h1:" + base64.b64encode(hashlib.sha256(lines).digest()).decode()


def test_hash1_definition_and_order():
    files = {"m@v1.0.0/b.go": b"package b\n", "m@v1.0.0/a.go": b"", "m@v1.0.0/Z": b"z",
             "m@v1.0.0/é.txt": b"\xff" * 3}
    assert hash1(files.items()) == _by_definition(files)
    # names sort as UTF-8 bytes (Go string order): "Z" < "a" < "é"
    assert hash1(reversed(list(files.items()))) == hash1(files.items())


def test_hash1_streams_chunks_and_callables():
    big = bytes(range(256)) * 40000
    chunks = [big[i:i + 65536] for i in range(0, len(big), 65536)]
    opened = []

    def opener(name, data):
        def open_():
            opened.append(name)
            return iter(chunks) if data is None else data
        return open_

    got = hash1([("x", opener("x", None)), ("y", opener("y", b"1"))])
    assert got == _by_definition({"x": big, "y": b"1"})
    assert opened == ["x", "y"]  # each opened once, in name order


def test_hash1_rejects_newlines_and_handles_empty():
    with pytest.raises(DirHashError):
        hash1([("a\nb", b"")])
    assert hash1([]) == "h1:" + base64.b64encode(hashlib.sha256(b"").digest()).decode()


def test_go_mod_hash_and_legacy():
    assert hash_go_mod(b"module x\n") == _by_definition({"go.mod": b"module x\n"})
    assert legacy_go_mod("example.com/m") == b"module example.com/m\n"
    assert legacy_go_mod("a b") == b'module "a b"\n'
    assert legacy_go_mod("a//b") == b'module "a//b"\n'


def test_against_go(go_cmd, go_env, tmp_path):
    """go's Sum is Hash1 over its zip's entries; its GoModSum is Hash1 of go.mod alone, the
    synthesized one for a module without a go.mod."""
    with_mod = make_repo(tmp_path / "a", [{"files": {
        "go.mod": "module github.com/acme/a\n\ngo 1.21\n", "a.go": "package a\n",
        "sub/b.go": "package sub\n", "naïve name.txt": "x\n"}}])
    without = make_repo(tmp_path / "b", [{"files": {"b.go": "package b\n"}}])
    env = go_env({"github.com/acme/a": with_mod.path, "github.com/acme/b": without.path})
    (tmp_path / "w").mkdir()
    p = run_go(go_cmd, ["mod", "download", "-json", f"github.com/acme/a@{with_mod.commits[0]}",
                        f"github.com/acme/b@{without.commits[0]}"], env, cwd=tmp_path / "w")
    dec, text, i, infos = json.JSONDecoder(), p.stdout, 0, []
    while text[i:].strip():
        obj, i = dec.raw_decode(text, i + (len(text[i:]) - len(text[i:].lstrip())))
        infos.append(obj)
    assert len(infos) == 2
    for info in infos:
        with zipfile.ZipFile(info["Zip"]) as z:
            assert hash1((n, z.read(n)) for n in z.namelist()) == info["Sum"]
        gomod = Path(info["GoMod"]).read_bytes()
        assert hash_go_mod(gomod) == info["GoModSum"]
    assert Path(infos[1]["GoMod"]).read_bytes() == legacy_go_mod("github.com/acme/b")
