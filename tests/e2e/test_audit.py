"""`dep audit` end to end: real git upstreams (github.com/acme/* through insteadOf rules), `dep
ensure` for the lock, then `dep audit` against the OSV records in tests/e2e/osv/ (the Go
vulnerability database's format), read from a directory, a zip, golang/vuln's v1 layout and an
OSV API served on 127.0.0.1.

The app imports vuln/parse (which imports vuln), pseudo and inc. vuln is locked at v1.0.0 and
has a package nothing imports (vuln/unused); pseudo is locked at a bare revision after tag v0.1.0
(a pseudo-version); inc at v2.0.0 without go.mod (v2.0.0+incompatible). The records: 0001
(vuln/parse, fixed 1.1.0: imported), 0002 (vuln/unused: NOT imported), 0003 (all of pseudo,
fixed 0.1.1: the pseudo-version lies below it), 0004 (inc, +incompatible events), 0005 (fixed
at the locked 1.0.0), 0006 (a module not in the lock) and 0007 (withdrawn): the last three match
nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e.test_migrate import World, pkg
from tests.gitrepos import make_repo

OSV = Path(__file__).parent / "osv"
T = "20200101000000"

MAIN_GO = """package main

import (
	"fmt"

	"github.com/acme/inc"
	"github.com/acme/pseudo"
	"github.com/acme/vuln/parse"
)

func main() { fmt.Println(inc.X, pseudo.X, parse.X) }
"""


@pytest.fixture(scope="module")
def ensured(tmp_path_factory):
    base = tmp_path_factory.mktemp("audit")
    repos = {
        "vuln": make_repo(base / "repos/vuln", [
            {"files": {"vuln.go": pkg("vuln"),
                       "parse/parse.go": 'package parse\n\nimport "github.com/acme/vuln"\n\nconst X = vuln.X\n',
                       "unused/unused.go": pkg("unused")}, "tag": "v1.0.0"},
            {"files": {"vuln.go": pkg("vuln", "2")}, "tag": "v1.1.0"}]),
        "pseudo": make_repo(base / "repos/pseudo", [
            {"files": {"pseudo.go": pkg("pseudo")}, "tag": "v0.1.0"},
            {"files": {"pseudo.go": pkg("pseudo", "2")}}]),
        "inc": make_repo(base / "repos/inc", [
            {"files": {"inc.go": pkg("inc")}, "tag": "v1.0.0"},
            {"files": {"inc.go": pkg("inc", "2")}, "tag": "v2.0.0"}]),
    }
    paths = {n: r.path for n, r in repos.items()}
    project = base / "gopath/src/github.com/acme/app"
    project.mkdir(parents=True)
    (project / "main.go").write_text(MAIN_GO)
    (project / "Gopkg.toml").write_text(
        '[[constraint]]\n  name = "github.com/acme/vuln"\n  version = "=1.0.0"\n\n'
        f'[[constraint]]\n  name = "github.com/acme/pseudo"\n  revision = "{repos["pseudo"].commits[1]}"\n\n'
        '[[constraint]]\n  name = "github.com/acme/inc"\n  version = "2.0.0"\n')
    (base / "cache").mkdir()
    w = World(base, paths)
    w.dep("ensure")
    return base, paths


@pytest.fixture
def world(ensured, tmp_path):
    src, paths = ensured
    dst = tmp_path / "w"
    shutil.copytree(src, dst, symlinks=True)
    w = World(dst, paths)
    return w


def audit_json(w, *args, ok=False) -> dict:
    r = w.dep("audit", "-json", *args, ok=ok)
    return json.loads(r.stdout)


def by_id(doc) -> dict:
    return {f["id"]: f for f in doc["findings"]}


def check_findings(doc, pseudo_rev: str) -> None:
    found = by_id(doc)
    assert sorted(found) == ["GO-2099-0001", "GO-2099-0002", "GO-2099-0003", "GO-2099-0004"]
    f1 = found["GO-2099-0001"]
    assert (f1["module"], f1["version"], f1["fixed"], f1["imported"]) == ("github.com/acme/vuln", "v1.0.0",
                                                                          "v1.1.0", True)
    assert f1["aliases"] == ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"]
    assert f1["packages"] == [{"path": "github.com/acme/vuln/parse", "symbols": ["Decoder.Decode", "Parse"],
                               "imported": True, "chain": ["github.com/acme/app", "github.com/acme/vuln/parse"]}]
    f2 = found["GO-2099-0002"]
    assert not f2["imported"] and f2["fixed"] == "v1.2.0"
    assert f2["packages"][0]["path"] == "github.com/acme/vuln/unused" and f2["packages"][0]["chain"] == []
    f3 = found["GO-2099-0003"]
    assert f3["version"] == f"v0.1.1-0.{T}-{pseudo_rev[:12]}" and f3["fixed"] == "v0.1.1"
    assert f3["whole_module"] and f3["imported"]
    assert f3["packages"][0]["chain"] == ["github.com/acme/app", "github.com/acme/pseudo"]
    f4 = found["GO-2099-0004"]
    assert (f4["version"], f4["fixed"], f4["imported"]) == ("v2.0.0+incompatible", "v2.0.1+incompatible", True)
    assert doc["imported"] == 3 and doc["records"] == 7


def test_directory_of_records_reports_imported_and_unimported_findings(world):
    r = world.dep("audit", "-db", str(OSV), ok=False)
    assert r.returncode == 1 and r.stderr == ""
    text = r.stdout
    imported, not_imported = text.split("Not imported")
    for rid in ("GO-2099-0001", "GO-2099-0003", "GO-2099-0004"):
        assert rid in imported
    assert "GO-2099-0002" in not_imported and "not imported github.com/acme/vuln/unused" in not_imported
    assert "imported github.com/acme/vuln/parse: github.com/acme/app -> github.com/acme/vuln/parse" in imported
    for rid in ("GO-2099-0005", "GO-2099-0006", "GO-2099-0007"):
        assert rid not in text
    assert text.endswith("4 known vulnerabilities in 3 locked projects: 3 imported, 1 not imported "
                         f"(7 OSV records from {OSV}).\n")
    check_findings(audit_json(world, "-db", str(OSV)), world.rev("pseudo"))


def test_only_unimported_findings_exit_0(world, tmp_path):
    db = tmp_path / "db"
    db.mkdir()
    for rid in ("0002", "0005", "0006"):
        shutil.copy(OSV / f"GO-2099-{rid}.json", db)
    doc = audit_json(world, "-db", str(db), ok=True)
    assert [(f["id"], f["imported"]) for f in doc["findings"]] == [("GO-2099-0002", False)]


def test_zip_and_golang_vuln_v1_layout(world, tmp_path):
    z = tmp_path / "osv.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in sorted(OSV.iterdir()):
            zf.write(f, "all/" + f.name)
    check_findings(audit_json(world, "-db", str(z)), world.rev("pseudo"))
    # ID/<id>.json plus index/modules.json: only the records the index names for locked modules are read
    v1 = tmp_path / "vulndb"
    (v1 / "ID").mkdir(parents=True)
    (v1 / "index").mkdir()
    index = {}
    for f in sorted(OSV.iterdir()):
        shutil.copy(f, v1 / "ID" / f.name)
        rec = json.loads(f.read_text())
        for a in rec["affected"]:
            index.setdefault(a["package"]["name"], []).append({"id": rec["id"], "modified": rec["modified"]})
    (v1 / "index/modules.json").write_text(json.dumps([{"path": p, "vulns": v} for p, v in sorted(index.items())]))
    (v1 / "index/vulns.json").write_text("[]")
    doc = audit_json(world, "-db", str(v1))
    assert sorted(by_id(doc)) == ["GO-2099-0001", "GO-2099-0002", "GO-2099-0003", "GO-2099-0004"]
    assert doc["records"] == 6  # 0006's module is not locked: never read


class _OSVAPI(BaseHTTPRequestHandler):
    """POST /v1/querybatch (records whose affected package names the module; one page each,
    vuln's split over two pages) and GET /v1/vulns/{id}."""

    records: dict = {}
    seen: list = []

    def log_message(self, *args) -> None:
        pass

    def _send(self, code: int, doc) -> None:
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        if self.path != "/v1/querybatch":
            return self._send(404, {"code": 5, "message": "Not Found"})
        doc = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(doc)
        results = []
        for q in doc["queries"]:
            name = q["package"]["name"]
            assert q["package"]["ecosystem"] == "Go" and not q["version"].startswith("v")
            ids = sorted(i for i, r in self.records.items() if any(a["package"]["name"] == name for a in r["affected"]))
            if len(ids) > 1 and "page_token" not in q:
                results.append({"vulns": [{"id": ids[0], "modified": "2024-01-02T00:00:00Z"}],
                                "next_page_token": "p2"})
            else:
                results.append({"vulns": [{"id": i, "modified": "2024-01-02T00:00:00Z"}
                                          for i in (ids[1:] if "page_token" in q else ids)]})
        self._send(200, {"results": results})

    def do_GET(self) -> None:
        rid = self.path.removeprefix("/v1/vulns/")
        if rid in self.records:
            return self._send(200, self.records[rid])
        self._send(404, {"code": 5, "message": "Bug not found."})


@pytest.fixture
def api():
    _OSVAPI.records = {f.stem: json.loads(f.read_text()) for f in OSV.iterdir()}
    _OSVAPI.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OSVAPI)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_osv_api_querybatch_with_pages(world, api):
    world.env["NO_PROXY"] = world.env["no_proxy"] = "127.0.0.1"
    check_findings_api = audit_json(world, "-db", api + "/")
    found = by_id(check_findings_api)
    assert sorted(found) == ["GO-2099-0001", "GO-2099-0002", "GO-2099-0003", "GO-2099-0004"]
    assert check_findings_api["records"] == 6  # 0006 is not asked for; 0005 and 0007 are, and match nothing
    first = _OSVAPI.seen[0]["queries"]
    assert {q["package"]["name"]: q["version"] for q in first}["github.com/acme/inc"] == "2.0.0+incompatible"
    assert len(_OSVAPI.seen) == 2 and all("page_token" in q for q in _OSVAPI.seen[1]["queries"])


def test_warm_run_reads_no_source(world):
    """The module versions and package imports are cached per revision: with the source
    clones gone and git unable to fetch, a second audit answers the same."""
    first = audit_json(world, "-db", str(OSV))
    shutil.rmtree(world.base / "cache/sources")
    world.env["GIT_CONFIG_GLOBAL"] = os.devnull
    assert audit_json(world, "-db", str(OSV)) == first
    assert not any((world.base / "cache/sources").iterdir())


@pytest.mark.parametrize("what", ["bad-json", "not-a-record", "bad-version", "missing", "not-zip", "api-down"])
def test_bad_input_is_one_line_exit_1(world, tmp_path, what):
    db = tmp_path / "db"
    db.mkdir()
    shutil.copy(OSV / "GO-2099-0001.json", db)
    named = str(db / "GO-2099-0009.json")
    if what == "bad-json":
        (db / "GO-2099-0009.json").write_text('{"id": "GO-2099-0009", ')
        want = f"{named}: not valid JSON"
    elif what == "not-a-record":
        (db / "GO-2099-0009.json").write_text('[1, 2]')
        want = f"{named}: not an OSV record: the file is not an object"
    elif what == "bad-version":
        rec = json.loads((OSV / "GO-2099-0001.json").read_text())
        rec["id"] = "GO-2099-0009"
        rec["affected"][0]["ranges"][0]["events"][1] = {"fixed": "one.two"}
        (db / "GO-2099-0009.json").write_text(json.dumps(rec))
        want = f"{named} (GO-2099-0009): not an OSV record: 'one.two' is not a SEMVER version"
    elif what == "missing":
        db = tmp_path / "nowhere"
        named = str(db)
        want = f"-db {db}: no such directory, zip file or URL"
    elif what == "not-zip":
        db = tmp_path / "osv.tar"
        db.write_text("not a zip")
        named = str(db)
        want = f"{db}: not a zip file"
    else:
        db = "http://127.0.0.1:9"
        named = db
        want = f"{db}/v1/querybatch: cannot reach the OSV API"
    r = world.dep("audit", "-db", str(db), ok=False)
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and want in lines[0] and named in lines[0], r.stderr


@pytest.fixture(scope="module")
def proxy_world(tmp_path_factory):
    from tests.e2e.proxyworld import build_proxy_world
    from tests.gomod.conftest import find_go

    go = find_go()
    if not go:
        pytest.skip("no go command installed")
    return build_proxy_world(tmp_path_factory.mktemp("auditproxy"), go)


@pytest.mark.parametrize("served", ["git", "proxy"])
def test_locked_modules_are_the_go_commands_from_git_and_from_a_module_proxy(proxy_world, tmp_path, served):
    """lockmap's modules (big +incompatible, tip a pseudo-version, nest's nested module inner)
    equal what `go mod download` said for each locked revision, whether git or a Go module
    proxy serves the projects."""
    from tests.e2e.ensure_world import run_dep
    from tests.e2e.proxyworld import StaticProxy, dep_env, git_config

    project = tmp_path / "gopath/src/github.com/acme/app"
    shutil.copytree(proxy_world["project"], project, symlinks=True)
    repos = {n: str(p) for n, p in proxy_world["repos"].items()}
    if served == "proxy":
        server = StaticProxy(proxy_world["proxy"])
        env = dep_env(tmp_path, git_config(tmp_path / "gitconfig", {n: "/nonexistent" for n in repos}),
                      tmp_path / "cache", GOPROXY=server.url, GOSUMDB="off", NO_PROXY="127.0.0.1")
    else:
        env = dep_env(tmp_path, git_config(tmp_path / "gitconfig", repos), tmp_path / "cache", GOPROXY="direct")
    db = tmp_path / "empty"
    db.mkdir()
    r = run_dep(project, env, "audit", "-json", "-db", str(db), ok=True)
    doc = json.loads(r.stdout)
    assert {m["module"]: m["version"] for m in doc["modules"]} == proxy_world["modules"]
    assert doc["findings"] == [] and doc["records"] == 0
