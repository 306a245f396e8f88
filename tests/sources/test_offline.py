"""Offline sources: a cached clone answers everything with no network operation (the
upstream is gone); what is missing goes to the ledger, and the ledger's error names it all."""

from __future__ import annotations

import shutil

import pytest

from dep.sources import vcs
from dep.sources.git import GitSource
from dep.sources.offline import OfflineLedger, OfflineMissing, offline_requested
from dep.versions import parse_version
from tests.gitrepos import make_repo
from tests.sources.test_vcs_cli import hg, needs_hg


def test_offline_requested():
    assert offline_requested(True, {})
    assert offline_requested(False, {"DEPOFFLINE": "true"})
    assert not offline_requested(False, {"DEPOFFLINE": "0"})
    assert not offline_requested(False, {})


def test_ledger_names_everything_once():
    ledger = OfflineLedger()
    assert ledger.error() is None
    ledger.miss("a", "no clone")
    ledger.miss("b", "no go-get answer")
    ledger.miss("a", "no clone")
    assert str(ledger.error()) == ("offline (DEPOFFLINE=1): not in the cache: a (no clone), "
                                   "b (no go-get answer); run once online to fill the cache")


def _gone(path) -> None:
    shutil.move(str(path), str(path) + ".gone")


def test_git_clone_used_as_it_is(tmp_path):
    up = make_repo(tmp_path / "up", [{"files": {"a.go": "package a\n"}, "tag": "v1.0.0"},
                                     {"files": {"a.go": "package a // 2\n"}, "tag": "v1.1.0"}])
    cache = str(tmp_path / "cache")
    GitSource(up.url, cache).fetch()
    v1 = up.rev("v1.0.0")
    _gone(up.path)
    before = dict(vcs.NETWORK_OPS)
    ledger = OfflineLedger()
    src = GitSource(up.url, cache, offline=ledger)
    assert src.exists_upstream()
    assert sorted(str(pv.unpaired) for pv in src.list_versions(upstream=True)) == ["master", "v1.0.0", "v1.1.0"]
    src.fetch()
    assert str(src.to_revision(parse_version("v1.0.0"))) == v1
    src.export(v1, str(tmp_path / "out"))
    assert (tmp_path / "out/a.go").read_text() == "package a\n"
    with pytest.raises(OfflineMissing, match="revision 0{40} not in the cached clone"):
        src.resolve_revision("0" * 40)
    assert dict(vcs.NETWORK_OPS) == before and src.ops == {}
    missing = GitSource("https://example.org/none.git", cache, offline=ledger)
    with pytest.raises(OfflineMissing, match=r"none.git \(no clone\)"):
        missing.list_versions()
    assert dict(vcs.NETWORK_OPS) == before
    assert set(ledger.error().missing) == {up.url, "https://example.org/none.git"}


@needs_hg
def test_hg_clone_used_as_it_is(tmp_path):
    up = tmp_path / "up"
    hg(tmp_path, "init", str(up))
    (up / "a.go").write_text("package a\n")
    hg(up, "add", "a.go")
    hg(up, "commit", "-m", "one")
    hg(up, "tag", "v1.0.0")
    cache = str(tmp_path / "cache")
    vcs.HgSource(str(up), cache).fetch()
    _gone(up)
    before = dict(vcs.NETWORK_OPS)
    ledger = OfflineLedger()
    src = vcs.HgSource(str(up), cache, offline=ledger)
    src.fetch()
    assert "v1.0.0" in [str(pv.unpaired) for pv in src.list_versions(upstream=True)]
    rev = str(src.to_revision(parse_version("v1.0.0")))
    src.export(rev, str(tmp_path / "out"))
    assert (tmp_path / "out/a.go").read_text() == "package a\n"
    assert dict(vcs.NETWORK_OPS) == before and ledger.error() is None
    with pytest.raises(OfflineMissing, match="no clone"):
        vcs.HgSource(str(tmp_path / "other"), cache, offline=ledger).list_versions()
