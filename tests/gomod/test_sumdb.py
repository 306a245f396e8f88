"""dep.gomod.sumdb against a real checksum database: golang.org/x/mod/sumdb's own server
(NewTestServer + NewServer, tests/gomod/sumdbserver/main.go) built with Debian's go in GOPATH
mode against golang-golang-x-mod-dev, fetched over HTTP with urllib.

300 module versions make the tree span two tile levels (a full and a partial level-0 tile, a
level-1 tile). Forks are made as a misbehaving database would: a second server signing, with
the same key, a log with other records (or the same records in another order).
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from dep.gomod.sumdb import ChecksumMismatch, SecurityError, SumDB, SumDBError

XMOD = "/usr/share/gocode/src/golang.org/x/mod/sumdb"
SERVER_SRC = os.path.join(os.path.dirname(__file__), "sumdbserver", "main.go")


class Config:
    """The part of goenv's SumDBConfig the client reads."""

    def __init__(self, name, key, url=""):
        self.name, self.key, self.url = name, key, url


def _h1(seed: str) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()


def _records(n: int, start: int = 0, salt: str = "") -> list:
    """go.sum lines of modules example.com/m<i> v1.0.<i>, i in [start, start+n)."""
    out = []
    for i in range(start, start + n):
        out.append(f"example.com/m{i} v1.0.{i} {_h1(salt + 'zip' + str(i))}")
        out.append(f"example.com/m{i} v1.0.{i}/go.mod {_h1(salt + 'mod' + str(i))}")
    return out


@pytest.fixture(scope="module")
def server_bin(tmp_path_factory):
    if not os.access("/usr/bin/go", os.X_OK):
        pytest.skip("Debian's go (/usr/bin/go) is not installed")
    if not os.path.isdir(XMOD):
        pytest.skip("golang-golang-x-mod-dev is not installed (no golang.org/x/mod/sumdb in /usr/share/gocode)")
    d = tmp_path_factory.mktemp("sumdbserver")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(GOPATH="/usr/share/gocode", GO111MODULE="off", GOFLAGS="", GOCACHE=str(d / "cache"),
               GOTOOLCHAIN="local", HOME=str(d))
    subprocess.run(["/usr/bin/go", "build", "-o", str(d / "sumdbserver"), SERVER_SRC], cwd=d, env=env,
                   check=True, capture_output=True, timeout=300)
    return str(d / "sumdbserver")


@pytest.fixture
def start_server(server_bin, tmp_path):
    """start_server(lines, skey=None, name=...) -> (url, vkey, skey); servers stop at teardown."""
    procs = []

    def start(lines, skey=None, name="sumdb.test"):
        f = tmp_path / f"records{len(procs)}.txt"
        f.write_text("\n".join(lines) + "\n")
        args = [server_bin, "-name", name] + (["-key", skey] if skey else []) + [str(f)]
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(p)
        addr, vkey, skey = (p.stdout.readline().strip() for _ in range(3))
        assert addr, p.stderr.read()
        return "http://" + addr, vkey, skey

    yield start
    for p in procs:
        p.kill()
        p.wait()


class Fetcher:
    """The caller's fetch: urllib against one server, counting requests by kind."""

    def __init__(self, url):
        self.url, self.paths = url, []

    def __call__(self, path):
        self.paths.append(path)
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return r.read()

    def count(self, prefix):
        return sum(p.startswith(prefix) for p in self.paths)


LINES = _records(300)


def _lines_of(i, lines=LINES):
    return [line for line in lines if line.startswith(f"example.com/m{i} v1.0.{i}")]


def test_lookup_verifies_records_across_tile_levels(start_server, tmp_path):
    url, vkey, _ = start_server(LINES)
    fetch = Fetcher(url)
    db = SumDB(Config("sumdb.test", vkey), str(tmp_path / "cache"), fetch)
    for i in (0, 7, 255, 256, 299):
        assert db.lookup(f"example.com/m{i}", f"v1.0.{i}") == _lines_of(i)
        zip_line, mod_line = _lines_of(i)
        db.check(f"example.com/m{i}", f"v1.0.{i}", zip_h1=zip_line.split()[2], mod_h1=mod_line.split()[2])
    assert {"/tile/8/0/000", "/tile/8/0/001.p/44", "/tile/8/1/000.p/1"} <= set(fetch.paths)
    root = tmp_path / "cache" / "pydep-sumdb" / "sumdb.test"
    assert (root / "latest").read_bytes().startswith(b"go.sum database tree\n300\n")
    assert (root / "tile" / "8" / "0" / "000").stat().st_size == 256 * 32


def test_wrong_hash_refused_in_one_line(start_server, tmp_path):
    url, vkey, _ = start_server(LINES)
    db = SumDB(Config("sumdb.test", vkey), str(tmp_path / "cache"), Fetcher(url))
    good = _lines_of(3)[0].split()[2]
    bad = _h1("tampered")
    with pytest.raises(ChecksumMismatch) as e:
        db.check("example.com/m3", "v1.0.3", zip_h1=bad)
    assert str(e.value) == (f"verifying example.com/m3@v1.0.3: checksum mismatch: downloaded {bad}, "
                            f"sumdb.test has {good}")
    with pytest.raises(ChecksumMismatch, match=r"^verifying example.com/m3@v1.0.3/go.mod: checksum mismatch"):
        db.check("example.com/m3", "v1.0.3", zip_h1=good, mod_h1=bad)


def test_tiles_and_answers_cached(start_server, tmp_path):
    url, vkey, _ = start_server(LINES)
    cache = str(tmp_path / "cache")
    fetch = Fetcher(url)
    db = SumDB(Config("sumdb.test", vkey), cache, fetch)
    db.lookup("example.com/m1", "v1.0.1")
    first = len(fetch.paths)
    assert fetch.count("/tile/") >= 2
    db.lookup("example.com/m2", "v1.0.2")
    assert fetch.paths[first:] == ["/lookup/example.com/m2@v1.0.2"]  # tiles from memory

    fetch2 = Fetcher(url)
    db2 = SumDB(Config("sumdb.test", vkey), cache, fetch2)
    db2.lookup("example.com/m1", "v1.0.1")
    db2.lookup("example.com/m299", "v1.0.299")
    assert fetch2.paths == ["/lookup/example.com/m299@v1.0.299"]  # answer and tiles from disk


def test_extension_accepted(start_server, tmp_path):
    url, vkey, skey = start_server(LINES)
    cache = str(tmp_path / "cache")
    SumDB(Config("sumdb.test", vkey), cache, Fetcher(url)).lookup("example.com/m0", "v1.0.0")
    more = LINES + _records(20, start=300)
    url2, _, _ = start_server(more, skey=skey)
    db = SumDB(Config("sumdb.test", vkey), cache, Fetcher(url2))
    assert db.lookup("example.com/m310", "v1.0.310") == _lines_of(310, more)
    latest = tmp_path / "cache" / "pydep-sumdb" / "sumdb.test" / "latest"
    assert latest.read_bytes().startswith(b"go.sum database tree\n320\n")
    # and a server still at the older head is a prefix of the verified one
    assert SumDB(Config("sumdb.test", vkey), cache, Fetcher(url)).lookup("example.com/m5", "v1.0.5")


@pytest.mark.parametrize("fork, why", [
    (list(reversed(LINES)), "signed two different trees of size 300"),
    (_records(150) + _records(170, start=150, salt="x"), "its tree of size 300 is not a prefix of its tree of size 320"),
    (_records(100) + _records(100, start=100, salt="x"), "its tree of size 200 is not a prefix of its tree of size 300"),
])
def test_fork_detected(start_server, tmp_path, fork, why):
    url, vkey, skey = start_server(LINES)
    cache = str(tmp_path / "cache")
    SumDB(Config("sumdb.test", vkey), cache, Fetcher(url)).lookup("example.com/m0", "v1.0.0")
    url2, vkey2, _ = start_server(fork, skey=skey)
    assert vkey2 == vkey
    db = SumDB(Config("sumdb.test", vkey), cache, Fetcher(url2))
    with pytest.raises(SecurityError, match=why) as e:
        db.lookup("example.com/m1", "v1.0.1")
    assert str(e.value).startswith("checksum database sumdb.test is misbehaving: ")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("name", ["sumdb.test", "other.test"])
def test_head_signed_by_another_key_refused(start_server, tmp_path, name):
    _, vkey, _ = start_server(LINES)
    url2, _, _ = start_server(LINES, name=name)  # a fresh key: another hash, maybe another name
    db = SumDB(Config("sumdb.test", vkey), str(tmp_path / "cache"), Fetcher(url2))
    with pytest.raises(SecurityError, match=r"not signed by the GOSUMDB key sumdb.test\+[0-9a-f]{8}$"):
        db.lookup("example.com/m1", "v1.0.1")
    assert not (tmp_path / "cache" / "pydep-sumdb" / "sumdb.test" / "latest").exists()


class Tamper(Fetcher):
    """A fetch that changes one kind of answer, as a broken or hostile server would."""

    def __init__(self, url, prefix, change):
        super().__init__(url)
        self.prefix, self.change = prefix, change

    def __call__(self, path):
        data = super().__call__(path)
        return self.change(data) if path.startswith(self.prefix) else data


@pytest.mark.parametrize("prefix, change, error, message", [
    ("/lookup/", lambda d: b"garbage", SumDBError, "lookup example.com/m9@v1.0.9: malformed record data"),
    ("/lookup/", lambda d: b"999" + d[d.index(b"\n"):], SumDBError, "record 999 is not in the signed tree of size 300"),
    ("/lookup/", lambda d: d.replace(b"h1:", b"h1:A", 1), SecurityError, "invalid transparency proof"),
    ("/lookup/", lambda d: d.replace(b"\n300\n", b"\n301\n"), SecurityError, "invalid signature for key sumdb.test"),
    ("/lookup/", lambda d: d[:d.rindex(b"\n\n") + 2], SumDBError, "malformed note"),
    ("/lookup/", lambda d: d.replace(b"example.com/m9 ", b"example.com/m8 "), SecurityError, "invalid transparency proof"),
    ("/tile/8/0/001", lambda d: d[:100], SumDBError, "tile tile/8/0/001.p/44 has 100 bytes, want 1408"),
    ("/tile/8/0/000", lambda d: d[::-1], SecurityError, "tile tile/8/0/000 does not match the tree head of size 300"),
    ("/tile/8/1/", lambda d: bytes(32), SecurityError, "tiles do not hash to the tree head of size 300"),
])
def test_malformed_answers_are_one_line_errors(start_server, tmp_path, prefix, change, error, message):
    url, vkey, _ = start_server(LINES)
    db = SumDB(Config("sumdb.test", vkey), str(tmp_path / "cache"), Tamper(url, prefix, change))
    with pytest.raises(error) as e:
        db.lookup("example.com/m9", "v1.0.9")
    assert message in str(e.value)
    assert str(e.value).startswith("checksum database sumdb.test")
    assert "\n" not in str(e.value)
    root = tmp_path / "cache" / "pydep-sumdb" / "sumdb.test"
    assert not (root / "lookup").exists()
    if prefix.startswith("/tile/"):
        assert not (root / "tile").exists()  # tiles are kept only once all of them verified


def test_fetch_errors_propagate_and_nothing_is_cached(start_server, tmp_path):
    url, vkey, _ = start_server(LINES)
    db = SumDB(Config("sumdb.test", vkey), str(tmp_path / "cache"), Fetcher(url))
    with pytest.raises(urllib.error.HTTPError):
        db.lookup("example.com/missing", "v1.0.0")
    assert not (tmp_path / "cache" / "pydep-sumdb" / "sumdb.test" / "lookup").exists()


def test_config_and_cache_dir(tmp_path):
    with pytest.raises(SumDBError, match='no verifier key known; set GOSUMDB to "private.example'):
        SumDB(Config("private.example", None), str(tmp_path), Fetcher("http://127.0.0.1:1"))
    with pytest.raises(SumDBError, match="GOSUMDB: verifier key .* does not match"):
        SumDB(Config("sum.golang.org", "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ze6UMKRNV0B9qo6R"),
              str(tmp_path), Fetcher("http://127.0.0.1:1"))
    from dep.gomod.goenv import GoEnv
    config = GoEnv.load({"GOSUMDB": "sum.golang.org", "GOENV": "off"}).sumdb_for("example.com/m")
    assert SumDB(config, str(tmp_path), Fetcher("http://127.0.0.1:1")).name == "sum.golang.org"
    from dep.gomod.note import Verifier
    key = b"\x01" + bytes(range(32))
    for name in ("../evil", "a/b"):
        khash = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex()
        vkey = f"{name}+{khash}+{base64.b64encode(key).decode()}"
        assert Verifier(vkey).name == name
        d = SumDB(Config(name, vkey), str(tmp_path), None)._dir
        assert os.path.dirname(d) == str(tmp_path / "pydep-sumdb") and "/" not in os.path.basename(d)
