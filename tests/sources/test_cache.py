"""Cache directory selection, DEPCACHEAGE, sm.lock and the metadata cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dep.sources.cache import (
    CacheAgeError,
    CacheDirError,
    LockfileError,
    MetadataCache,
    SourceManagerLock,
    cache_dir,
    ensure_sources_dir,
    parse_cache_age,
    parse_go_duration,
    source_dir_name,
    source_path,
)
from dep.versions import Branch, PairedVersion, PlainVersion, parse_version

SRC = str(Path(__file__).resolve().parents[2] / "src")


# ---------------------------------------------------------------------------------------------
# cache directory


def _err(value: str, cause: str) -> str:
    return (f"dep: $DEPCACHEDIR set to an invalid or inaccessible path: {value}\n"
            f"dep: failed to ensure cache directory: {cause}")


def test_depcachedir_existing_and_created_single_level(tmp_path):
    assert cache_dir({"DEPCACHEDIR": str(tmp_path)}, "/nonexistent") == str(tmp_path)
    new = tmp_path / "new"
    assert cache_dir({"DEPCACHEDIR": str(new)}, "/nonexistent") == str(new)
    assert new.is_dir()


def test_depcachedir_missing_parent(tmp_path):
    p = str(tmp_path / "a" / "b")
    with pytest.raises(CacheDirError) as e:
        cache_dir({"DEPCACHEDIR": p}, "/x")
    assert str(e.value) == _err(f'"{p}"', f'failed to ensure directory at "{p}": mkdir {p}: no such file or directory')


def test_depcachedir_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(CacheDirError) as e:
        cache_dir({"DEPCACHEDIR": str(f)}, "/x")
    assert str(e.value) == _err(f'"{f}"', f'"{f}" is not a directory')


def test_depcachedir_under_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    p = str(f / "sub")
    with pytest.raises(CacheDirError) as e:
        cache_dir({"DEPCACHEDIR": p}, "/x")
    assert str(e.value) == _err(f'"{p}"', f"stat {p}: not a directory")


def test_depcachedir_with_nul_byte(tmp_path):
    p = str(tmp_path) + "/a\x00b"
    with pytest.raises(CacheDirError) as e:
        cache_dir({"DEPCACHEDIR": p}, "/x")
    quoted = '"' + str(tmp_path) + '/a\\x00b"'
    assert str(e.value) == _err(quoted, f"stat {p}: invalid argument")


def test_default_cache_dir_is_made_with_parents(tmp_path):
    gopath = tmp_path / "go"
    assert cache_dir({}, str(gopath)) == str(gopath / "pkg" / "dep")
    assert (gopath / "pkg" / "dep").is_dir()
    assert cache_dir({"DEPCACHEDIR": ""}, str(gopath)) == str(gopath / "pkg" / "dep")


def test_default_cache_dir_under_a_file(tmp_path):
    (tmp_path / "go").write_text("x")
    with pytest.raises(CacheDirError) as e:
        cache_dir({}, str(tmp_path / "go"))
    assert str(e.value) == f"failed to create default cache directory: mkdir {tmp_path}/go: not a directory"


def test_sources_dir_single_level(tmp_path):
    assert ensure_sources_dir(str(tmp_path)) == str(tmp_path / "sources")
    assert (tmp_path / "sources").is_dir()
    with pytest.raises(CacheDirError) as e:
        ensure_sources_dir(str(tmp_path / "missing"))
    assert "failed to ensure directory at" in str(e.value)


@pytest.mark.parametrize("url,name", [
    ("https://github.com/sdboyer/deptest", "https---github.com-sdboyer-deptest"),
    ("ssh://git@github.com/a/b", "ssh---git@github.com-a-b"),
    ("https://gopkg.in/yaml.v2", "https---gopkg.in-yaml.v2"),
    ("bzr+ssh://x.org/my-proj", "bzr-ssh---x.org-my--proj"),
    # what a .gitmodules may hold: never the sources dir, its parent, or an impossible name
    ("..", "_.."), (".", "_."), ("", "_"), ("a\0b", "_a%00b"),
])
def test_source_dir_names(url, name):
    assert source_dir_name(url) == name
    assert source_path("/c", url) == "/c/sources/" + name


# ---------------------------------------------------------------------------------------------
# DEPCACHEAGE


@pytest.mark.parametrize("text,ns", [
    ("0", 0), ("24h", 24 * 3600 * 10**9), ("1h30m", 5400 * 10**9), ("500ms", 500 * 10**6),
    ("1.5h", 5400 * 10**9), (".5s", 5 * 10**8), ("1.s", 10**9), ("-1h", -3600 * 10**9), ("+5m", 300 * 10**9),
    ("3us", 3000), ("3\u00b5s", 3000), ("3\u03bcs", 3000), ("7ns", 7), ("1h1m1s1ms", 3661001 * 10**6),
    ("2562047h47m16.854775807s", 2**63 - 1),
])
def test_go_durations(text, ns):
    assert parse_go_duration(text) == ns


@pytest.mark.parametrize("text,msg", [
    ("abc", 'time: invalid duration "abc"'),
    ("", 'time: invalid duration ""'),
    ("-", 'time: invalid duration "-"'),
    (".", 'time: invalid duration "."'),
    ("1", 'time: missing unit in duration "1"'),
    ("1x", 'time: unknown unit "x" in duration "1x"'),
    ("1hh", 'time: unknown unit "hh" in duration "1hh"'),
    ("h1", 'time: invalid duration "h1"'),
    ("9999999999h", 'time: invalid duration "9999999999h"'),
    ("1é", 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'),
])
def test_go_duration_errors(text, msg):
    with pytest.raises(ValueError) as e:
        parse_go_duration(text)
    assert str(e.value) == msg


def test_depcacheage_message():
    assert parse_cache_age("") == 0
    assert parse_cache_age("1m") == 60
    with pytest.raises(CacheAgeError) as e:
        parse_cache_age("abc")
    assert str(e.value) == 'dep: failed to parse $DEPCACHEAGE duration "abc": time: invalid duration "abc"'


# ---------------------------------------------------------------------------------------------
# sm.lock


def test_lock_created_and_removed(tmp_path):
    lock = SourceManagerLock(str(tmp_path))
    with lock:
        assert (tmp_path / "sm.lock").read_text() == f"{os.getpid()}\n"
    assert not (tmp_path / "sm.lock").exists()
    assert sorted(os.listdir(tmp_path)) == []


def test_lock_needs_an_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LockfileError) as e:
        SourceManagerLock("relcache").acquire()
    assert str(e.value) == "unable to create lock relcache/sm.lock: Lockfiles must be given as absolute path names"
    with SourceManagerLock("relcache", disabled=True):
        pass
    assert not (tmp_path / "relcache").exists()


def test_depnolock_creates_no_file(tmp_path):
    with SourceManagerLock(str(tmp_path), disabled=True):
        assert not (tmp_path / "sm.lock").exists()


def test_lock_already_held_by_this_process(tmp_path):
    with SourceManagerLock(str(tmp_path)):
        with pytest.raises(LockfileError) as e:
            SourceManagerLock(str(tmp_path)).acquire()
    assert str(e.value) == f"lockfile {tmp_path}/sm.lock already locked by this process"


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.mark.parametrize("content", [None, "garbage\n", "0\n", ""])
def test_stale_or_junk_lock_is_taken_over(tmp_path, content):
    text = f"{_dead_pid()}\n" if content is None else content
    (tmp_path / "sm.lock").write_text(text)
    lines = []
    with SourceManagerLock(str(tmp_path), warn=lines.append):
        assert (tmp_path / "sm.lock").read_text() == f"{os.getpid()}\n"
    assert lines == []


def test_waiting_message_cadence(tmp_path):
    """Held by a live process: retry each second, the message at most every 15 s."""
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "sm.lock").write_text(f"{holder.pid}\n")
        now = [0.0]
        lines, sleeps = [], []

        def sleep(s):
            sleeps.append(s)
            now[0] += s
            if len(sleeps) == 40:
                os.remove(tmp_path / "sm.lock")

        lock = SourceManagerLock(str(tmp_path), warn=lines.append, sleep=sleep, clock=lambda: now[0])
        lock.acquire()
        lock.release()
    finally:
        holder.kill()
        holder.wait()
    assert sleeps == [1] * 40
    msg = f"waiting for lockfile {tmp_path}/sm.lock: Locked by other process"
    assert lines == [msg] * 3  # at t=0, t=16, t=32


def test_lock_contention_between_processes(tmp_path):
    env = {**os.environ, "PYTHONPATH": SRC}
    holder_code = textwrap.dedent(f"""
        import sys, time
        from dep.sources.cache import SourceManagerLock
        with SourceManagerLock({str(tmp_path)!r}):
            print("locked", flush=True)
            time.sleep(1.5)
        print("released", flush=True)
    """)
    waiter_code = textwrap.dedent(f"""
        import time
        from dep.sources.cache import SourceManagerLock
        with SourceManagerLock({str(tmp_path)!r}):
            print("acquired", time.time(), flush=True)
    """)
    holder = subprocess.Popen([sys.executable, "-c", holder_code], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.time()
        waiter = subprocess.run([sys.executable, "-c", waiter_code], env=env, capture_output=True, text=True,
                                timeout=30)
        assert holder.stdout.readline().strip() == "released"
    finally:
        holder.wait(timeout=30)
    assert waiter.returncode == 0, waiter.stderr
    assert waiter.stderr == f"waiting for lockfile {tmp_path}/sm.lock: Locked by other process\n"
    acquired = float(waiter.stdout.split()[1])
    assert acquired - t0 >= 0.9
    assert not (tmp_path / "sm.lock").exists()


# ---------------------------------------------------------------------------------------------
# metadata cache


VERSIONS = [
    PairedVersion(Branch("master", True), "a" * 40),
    PairedVersion(Branch("dev"), "b" * 40),
    PairedVersion(parse_version("v1.0.0"), "c" * 40),
    PairedVersion(parse_version("1.0"), "c" * 40),
    PairedVersion(PlainVersion("weird"), "d" * 40),
]


def test_versions_in_memory_only_without_cache_age(tmp_path):
    mc = MetadataCache(str(tmp_path), cache_age=0)
    mc.set_versions("https://x/y", VERSIONS)
    assert mc.get_versions("https://x/y") == VERSIONS
    assert MetadataCache(str(tmp_path), cache_age=0).get_versions("https://x/y") is None
    assert MetadataCache(str(tmp_path), cache_age=3600).get_versions("https://x/y") is None
    assert not (tmp_path / "pydep-meta-v1").exists()


def test_versions_persist_for_cache_age(tmp_path):
    now = [1000.0]
    mc = MetadataCache(str(tmp_path), cache_age=60, clock=lambda: now[0])
    mc.set_versions("https://x/y", VERSIONS)
    got = MetadataCache(str(tmp_path), cache_age=60, clock=lambda: now[0]).get_versions("https://x/y")
    assert sorted(got, key=str) == sorted(VERSIONS, key=str)
    # read back as dep reads its bolt cache: by key (branch, default branch, plain tag,
    # semver; then name length, then name), which decides ties between equal versions
    assert [str(v.unpaired) for v in got] == ["dev", "master", "weird", "1.0", "v1.0.0"]
    now[0] += 61
    assert MetadataCache(str(tmp_path), cache_age=60, clock=lambda: now[0]).get_versions("https://x/y") is None
    assert MetadataCache(str(tmp_path), cache_age=120, clock=lambda: now[0]).get_versions("https://x/y") == got


def test_revision_data_persists_indefinitely(tmp_path):
    mc = MetadataCache(str(tmp_path), cache_age=0)
    data = {"packages": {"x/y": {"imports": ["fmt"]}}, "text": "ünïcode \udcff"}
    mc.set_revision("https://x/y", "a" * 40, "pkgtree-v1", data)
    again = MetadataCache(str(tmp_path), cache_age=0, clock=lambda: time.time() + 10 * 365 * 86400)
    assert again.get_revision("https://x/y", "a" * 40, "pkgtree-v1") == data
    assert again.get_revision("https://x/y", "b" * 40, "pkgtree-v1") is None
    assert again.get_revision("https://x/z", "a" * 40, "pkgtree-v1") is None
    assert MetadataCache(None).get_revision("https://x/y", "a" * 40, "pkgtree-v1") is None
    with pytest.raises(ValueError):
        mc.set_revision("s", "r", "../evil", 1)


def _entry_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.json")]


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(p.read_bytes()[:-7]),                                     # truncated
    lambda p: p.write_bytes(b"\x00\xff garbage"),                                      # not JSON
    lambda p: p.write_text(p.read_text().replace('"fmt"', '"fmX"').replace("master", "mastex")),  # edited
    lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "format": 999})),  # other format
    lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "key": ["rev", "other", "x", "y"]})),
    lambda p: p.write_text("[]"),
])
def test_corrupt_entries_are_discarded_and_recomputed(tmp_path, damage):
    mc = MetadataCache(str(tmp_path), cache_age=3600)
    mc.set_revision("src", "a" * 40, "pkgtree-v1", {"imports": ["fmt"]})
    mc.set_versions("src", VERSIONS)
    for p in _entry_files(tmp_path):
        damage(p)
    fresh = MetadataCache(str(tmp_path), cache_age=3600)
    assert fresh.get_revision("src", "a" * 40, "pkgtree-v1") is None
    assert fresh.get_versions("src") is None
    assert fresh.discarded == 2
    assert _entry_files(tmp_path) == []  # deleted, never trusted
    fresh.set_revision("src", "a" * 40, "pkgtree-v1", {"imports": ["fmt"]})
    assert MetadataCache(str(tmp_path)).get_revision("src", "a" * 40, "pkgtree-v1") == {"imports": ["fmt"]}


def test_writes_are_atomic_and_leave_no_temp_files(tmp_path):
    mc = MetadataCache(str(tmp_path), cache_age=3600)
    for i in range(20):
        mc.set_revision("src", "a" * 40, "k", {"i": i})
    files = [p.name for p in (tmp_path / "pydep-meta-v1").rglob("*") if p.is_file()]
    assert files == ["k.json"]
    assert MetadataCache(str(tmp_path)).get_revision("src", "a" * 40, "k") == {"i": 19}


def test_unwritable_cache_is_only_slower(tmp_path):
    (tmp_path / "pydep-meta-v1").write_text("a file where a directory should be")
    mc = MetadataCache(str(tmp_path), cache_age=3600)
    mc.set_versions("src", VERSIONS)
    mc.set_revision("src", "r", "k", [1])
    assert mc.get_versions("src") == VERSIONS
    assert mc.get_revision("src", "r", "k") == [1]
