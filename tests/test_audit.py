"""dep.audit's matching rules and database readers, on real files (the end-to-end runs are in
tests/e2e/test_audit.py)."""

from __future__ import annotations

import json
import zipfile

import pytest

from dep import audit
from dep.gomod.lockmap import LockedModule

VULN = LockedModule("github.com/acme/vuln", "github.com/acme/vuln", "v1.0.0", "a" * 40, "", "", "tag")


def semver(*events) -> list:
    return [{"type": "SEMVER", "events": list(events)}]


@pytest.mark.parametrize("version, ranges, want", [
    ("v1.0.0", semver({"introduced": "0"}, {"fixed": "1.1.0"}), (True, "v1.1.0")),
    ("v1.1.0", semver({"introduced": "0"}, {"fixed": "1.1.0"}), (False, "")),
    ("v0.9.0", semver({"introduced": "1.0.0"}, {"fixed": "1.1.0"}), (False, "")),
    ("v1.0.0", semver({"introduced": "1.0.0"}), (True, "")),
    # events in any order, several ranges in one: the one holding the version gives the fix
    ("v2.3.0", semver({"fixed": "2.4.0"}, {"introduced": "2.0.0"}, {"fixed": "1.5.0"}, {"introduced": "0"}),
     (True, "v2.4.0")),
    ("v1.7.0", semver({"introduced": "0"}, {"fixed": "1.5.0"}, {"introduced": "2.0.0"}, {"fixed": "2.4.0"}),
     (False, "")),
    # last_affected: the version itself is affected, the next one not
    ("v1.2.0", semver({"introduced": "1.0.0"}, {"last_affected": "1.2.0"}), (True, "")),
    ("v1.2.1", semver({"introduced": "1.0.0"}, {"last_affected": "1.2.0"}), (False, "")),
    # pseudo-versions are prereleases of the next patch
    ("v0.1.1-0.20200101000000-5f9ca001cfb9", semver({"introduced": "0.1.0"}, {"fixed": "0.1.1"}), (True, "v0.1.1")),
    ("v0.0.0-20200101000000-5f9ca001cfb9", semver({"introduced": "0.1.0"}), (False, "")),
    # +incompatible is build metadata: ignored in comparisons, on either side
    ("v2.0.0+incompatible", semver({"introduced": "2.0.0"}, {"fixed": "2.0.1+incompatible"}),
     (True, "v2.0.1+incompatible")),
    ("v2.0.1+incompatible", semver({"introduced": "0"}, {"fixed": "2.0.1"}), (False, "")),
    # no SEMVER range: every version (govulncheck's reading); no ranges at all likewise
    ("v1.0.0", [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}]}], (True, "")),
    ("v1.0.0", [], (True, "")),
])
def test_affects(version, ranges, want):
    assert audit._affects("f.json", ranges, version) == want


def record(**kw) -> dict:
    rec = {"id": "GO-2099-0100", "summary": "s", "affected": [{
        "package": {"name": "github.com/acme/vuln", "ecosystem": "Go"},
        "ranges": semver({"introduced": "0"}, {"fixed": "1.2.0"}),
        "ecosystem_specific": {"imports": [{"path": "github.com/acme/vuln/a", "symbols": ["F"]}]}}]}
    rec.update(kw)
    return rec


def test_match_merges_affected_entries_and_skips_other_ecosystems_and_withdrawn():
    rec = record()
    rec["affected"].append({"package": {"name": "github.com/acme/vuln", "ecosystem": "Go"},
                            "ranges": semver({"introduced": "0"}, {"fixed": "1.1.0"}),
                            "ecosystem_specific": {"imports": [{"path": "github.com/acme/vuln/a", "symbols": ["G"]},
                                                               {"path": "github.com/acme/vuln/b"}]}})
    rec["affected"].append({"package": {"name": "github.com/acme/vuln", "ecosystem": "npm"}, "ranges": []})
    [f] = audit._match("f.json", rec, {VULN.module: [VULN]})
    assert f.fixed == "v1.2.0" and not f.whole_module
    assert [(p.path, p.symbols) for p in f.packages] == [("github.com/acme/vuln/a", ["F", "G"]),
                                                         ("github.com/acme/vuln/b", [])]
    assert audit._match("f.json", record(withdrawn="2024-01-01T00:00:00Z"), {VULN.module: [VULN]}) == []
    assert audit._match("f.json", record(), {"github.com/other/x": [VULN]}) == []


def test_a_record_naming_no_package_is_about_the_whole_module():
    rec = record(details="First line.\nMore.", summary="")
    del rec["affected"][0]["ecosystem_specific"]
    [f] = audit._match("f.json", rec, {VULN.module: [VULN]})
    assert f.whole_module and [p.path for p in f.packages] == [VULN.module] and f.summary == "First line."


@pytest.mark.parametrize("rec, why", [
    ([], "the file is not an object"),
    ({"affected": []}, "no 'id'"),
    ({"id": "X", "affected": {}}, "'affected' is not a list"),
    ({"id": "X", "affected": [{"package": {"name": "github.com/acme/vuln", "ecosystem": "Go"},
                               "ranges": semver({"introduced": "0"}, {"fixed": "v1.x"})}]}, "'v1.x' is not a SEMVER"),
    ({"id": "X", "affected": [{"package": {"name": "github.com/acme/vuln", "ecosystem": "Go"},
                               "ecosystem_specific": {"imports": [{"symbols": []}]}}]}, "has no 'path'"),
])
def test_malformed_records_name_the_file(rec, why):
    with pytest.raises(audit.AuditError) as e:
        audit._match("db/f.json", rec, {VULN.module: [VULN]})
    assert str(e.value).startswith("db/f.json") and why in str(e.value)


def write(path, doc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))


def test_directory_walk_reads_every_json_file(tmp_path):
    write(tmp_path / "a/GO-1.json", record(id="GO-1"))
    write(tmp_path / "b/c/GO-2.json", record(id="GO-2"))
    (tmp_path / "README.md").write_text("not a record")
    got = audit.load_records(str(tmp_path), [VULN])
    assert [(o, r["id"]) for o, r in got] == [(str(tmp_path / "a/GO-1.json"), "GO-1"),
                                              (str(tmp_path / "b/c/GO-2.json"), "GO-2")]


def test_v1_index_rejects_ids_that_are_paths(tmp_path):
    write(tmp_path / "index/modules.json", [{"path": VULN.module, "vulns": [{"id": "../../etc/passwd"}]}])
    with pytest.raises(audit.AuditError, match="invalid record id"):
        audit.load_records(str(tmp_path), [VULN])


def test_v1_index_naming_a_missing_record(tmp_path):
    write(tmp_path / "index/modules.json", [{"path": VULN.module, "vulns": [{"id": "GO-9"}]}])
    with pytest.raises(audit.AuditError, match=r"ID/GO-9.json: cannot read it"):
        audit.load_records(str(tmp_path), [VULN])


def test_zip_members_are_read_in_memory_with_a_size_cap(tmp_path, monkeypatch):
    z = tmp_path / "db.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../outside/GO-1.json", json.dumps(record(id="GO-1")))
        zf.writestr("dir/", "")
        zf.writestr("GO-2.json", json.dumps(record(id="GO-2", details="x" * 5000)))
    got = audit.load_records(str(z), [VULN])
    assert [r["id"] for _, r in got] == ["GO-1", "GO-2"]
    assert not (tmp_path.parent / "outside").exists()
    monkeypatch.setattr(audit, "_MAX_RECORD", 1000)
    with pytest.raises(audit.AuditError, match=r"db.zip: GO-2.json: larger than"):
        audit.load_records(str(z), [VULN])


def test_an_api_answer_over_the_size_cap_is_refused_in_one_line(monkeypatch):
    """The OSV API is read through dep's HTTP stack with a cap: a huge answer is no record."""
    import http.server
    import threading

    class Big(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = b"{" + b" " * 5000 + b"}"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Big)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    monkeypatch.setattr(audit, "_MAX_RECORD", 1000)
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}/v1/vulns/GO-1"
        with pytest.raises(audit.AuditError, match="larger than") as e:
            audit._http(url)
        assert "\n" not in str(e.value)
    finally:
        srv.shutdown()
        srv.server_close()
