"""`dep sbom` end to end: real git upstreams (github.com/acme/* through insteadOf rules), `dep
ensure` for the lock and vendor/, then `dep sbom` in both formats, each document checked by its
own project's validator (cyclonedx-python-lib's JSON schema validator, spdx-tools'
validate_full_spdx_document) and for exact purls, lock facts, licences and dependency edges.

The app imports lib (locked from a `source` fork whose code imports br) and nest/sub (a nested
module tagged sub/v1.2.0, importing inc); br is locked to the branch dev (a pseudo-version)
and inc at v2.0.0 without go.mod (+incompatible).
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.e2e.ensure_world import run_dep
from tests.e2e.test_migrate import APP, T, World, pkg
from tests.gitrepos import make_repo

pytest.importorskip("cyclonedx", reason="the sbom extra is not installed")
pytest.importorskip("spdx_tools", reason="the sbom extra is not installed")

MIT = ("MIT License\n\nCopyright (c) 2020 Acme\n\nPermission is hereby granted, free of charge, to any person "
       "obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the "
       "Software without restriction, including without limitation the rights\nto use, copy, modify, merge, "
       "publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the "
       "Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and "
       "this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE "
       "SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT "
       "LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO "
       "EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER "
       "IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR "
       "THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n")

MAIN_GO = ('package main\n\nimport (\n\t"fmt"\n\n\t"github.com/acme/lib"\n\t"github.com/acme/nest/sub"\n)\n\n'
           "func main() { fmt.Println(lib.X, sub.X) }\n")


def importing(name: str, imp: str, alias: str) -> str:
    return f'package {name}\n\nimport "{imp}"\n\n// X is used by the app.\nconst X = {alias}.X\n'


def build_world(base) -> dict:
    repos = {
        "fork": make_repo(base / "repos/fork", [
            {"files": {"lib.go": importing("lib", "github.com/acme/br", "br"), "LICENSE": MIT}, "tag": "v1.0.0"}]),
        "br": make_repo(base / "repos/br", [
            {"files": {"br.go": pkg("br")}, "tag": "v1.0.0"},
            {"branch": "dev", "files": {"br.go": pkg("br", "2")}}]),
        "inc": make_repo(base / "repos/inc", [
            {"files": {"inc.go": pkg("inc")}, "tag": "v1.0.0"},
            {"files": {"inc.go": pkg("inc", "2")}, "tag": "v2.0.0"}]),
        "nest": make_repo(base / "repos/nest", [
            {"files": {"nest.go": pkg("nest"), "sub/go.mod": "module github.com/acme/nest/sub\n\ngo 1.17\n",
                       "sub/sub.go": importing("sub", "github.com/acme/inc", "inc")},
             "tag": ["v1.0.0", "sub/v1.2.0"]}]),
    }
    project = base / "gopath/src" / APP
    project.mkdir(parents=True)
    (project / "main.go").write_text(MAIN_GO)
    (project / "Gopkg.toml").write_text(
        '[[constraint]]\n  name = "github.com/acme/lib"\n  source = "github.com/acme/fork"\n\n'
        '[[override]]\n  name = "github.com/acme/br"\n  branch = "dev"\n\n'
        '[[override]]\n  name = "github.com/acme/inc"\n  version = "2.0.0"\n')
    return {name: r.path for name, r in repos.items()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("sbom")
    paths = build_world(base)
    w = World(base, paths, {f"github.com/acme/{n}": p for n, p in paths.items()})
    (base / "cache").mkdir()
    w.env["SOURCE_DATE_EPOCH"] = "1700000000"
    w.dep("ensure")
    return w


def sbom(w: World, *args, ok=True):
    return w.dep("sbom", *args, ok=ok)


def rev(w: World, name: str, what: str = "HEAD") -> str:
    return w.rev(name, what)


def expected_purls(w: World) -> dict:
    """bom-ref/purl per module path."""
    fork = rev(w, "fork")
    return {
        APP: f"pkg:golang/{APP}",
        "github.com/acme/lib": f"pkg:golang/github.com/acme/lib@v1.0.0?vcs_url=git%2Bhttps://github.com/acme/fork%40{fork}",
        "github.com/acme/br": f"pkg:golang/github.com/acme/br@v1.0.1-0.{T}-{rev(w, 'br', 'dev')[:12]}",
        "github.com/acme/inc": "pkg:golang/github.com/acme/inc@v2.0.0%2Bincompatible",
        "github.com/acme/nest/sub": "pkg:golang/github.com/acme/nest/sub@v1.2.0",
    }


@pytest.fixture(scope="module")
def cdx(world):
    return sbom(world).stdout


@pytest.fixture(scope="module")
def spdx(world):
    return sbom(world, "-format", "spdx-json").stdout


def test_cyclonedx_validates_with_the_libraries_strict_validator(cdx):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(cdx) is None
    doc = json.loads(cdx)
    assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", "1.6")


def test_spdx_validates_with_the_libraries_validator(spdx, tmp_path):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    (tmp_path / "sbom.spdx.json").write_text(spdx)
    assert validate_full_spdx_document(parse_file(str(tmp_path / "sbom.spdx.json"))) == []
    assert json.loads(spdx)["spdxVersion"] == "SPDX-2.3"


def test_cyclonedx_components_purls_and_lock_facts(world, cdx):
    doc = json.loads(cdx)
    want = expected_purls(world)
    root = doc["metadata"]["component"]
    assert (root["name"], root["purl"], root["type"]) == (APP, want[APP], "application")
    comps = {c["name"]: c for c in doc["components"]}
    assert {n: c["purl"] for n, c in comps.items()} == {n: p for n, p in want.items() if n != APP}
    assert [c["purl"] for c in doc["components"]] == sorted(want[n] for n in comps)
    assert all(c["bom-ref"] == c["purl"] for c in doc["components"])
    lock = world.read("Gopkg.lock")
    props = {n: {p["name"]: p["value"] for p in c["properties"]} for n, c in comps.items()}
    assert props["github.com/acme/br"]["dep:branch"] == "dev"
    assert props["github.com/acme/br"]["dep:revision"] == rev(world, "br", "dev")
    assert props["github.com/acme/inc"]["dep:version"] == "v2.0.0"
    assert props["github.com/acme/lib"]["dep:source"] == "github.com/acme/fork"
    assert props["github.com/acme/nest/sub"]["dep:module-dir"] == "sub"
    assert props["github.com/acme/nest/sub"]["dep:project"] == "github.com/acme/nest"
    for p in props.values():  # the lock's digest, verbatim
        assert f'digest = "{p["dep:digest"]}"' in lock
    assert comps["github.com/acme/lib"]["externalReferences"] == [
        {"type": "vcs", "url": f"https://github.com/acme/fork@{rev(world, 'fork')}"}]


def test_cyclonedx_licences_from_vendor(cdx):
    comps = {c["name"]: c for c in json.loads(cdx)["components"]}
    assert comps["github.com/acme/lib"]["licenses"] == [{"license": {"id": "MIT"}}]
    assert "licenses" not in comps["github.com/acme/br"]  # no licence file: nothing asserted


def test_dependency_edges_from_the_package_analysis(world, cdx, spdx):
    want = expected_purls(world)
    edges = {d["ref"]: d.get("dependsOn", []) for d in json.loads(cdx)["dependencies"]}
    assert edges == {
        want[APP]: sorted([want["github.com/acme/lib"], want["github.com/acme/nest/sub"]]),
        want["github.com/acme/lib"]: [want["github.com/acme/br"]],
        want["github.com/acme/nest/sub"]: [want["github.com/acme/inc"]],
        want["github.com/acme/br"]: [],
        want["github.com/acme/inc"]: [],
    }
    doc = json.loads(spdx)
    ids = {p["SPDXID"]: p["name"] for p in doc["packages"]}
    rels = sorted((ids.get(r["spdxElementId"], r["spdxElementId"]), r["relationshipType"],
                   ids[r["relatedSpdxElement"]]) for r in doc["relationships"])
    assert rels == sorted([
        ("SPDXRef-DOCUMENT", "DESCRIBES", APP),
        (APP, "DEPENDS_ON", "github.com/acme/lib"), (APP, "DEPENDS_ON", "github.com/acme/nest/sub"),
        ("github.com/acme/lib", "DEPENDS_ON", "github.com/acme/br"),
        ("github.com/acme/nest/sub", "DEPENDS_ON", "github.com/acme/inc"),
    ])


def test_spdx_packages(world, spdx):
    want = expected_purls(world)
    pkgs = {p["name"]: p for p in json.loads(spdx)["packages"]}
    assert {n: [r["referenceLocator"] for r in p["externalRefs"]] for n, p in pkgs.items()} == \
        {n: [p] for n, p in want.items()}
    lib = pkgs["github.com/acme/lib"]
    assert lib["downloadLocation"] == f"git+https://github.com/acme/fork@{rev(world, 'fork')}"
    assert (lib["licenseDeclared"], lib["versionInfo"]) == ("MIT", "v1.0.0")
    assert pkgs["github.com/acme/br"]["licenseDeclared"] == "NOASSERTION"
    assert pkgs["github.com/acme/br"]["sourceInfo"].startswith("Gopkg.lock: project github.com/acme/br, revision ")


def test_without_vendor_same_graph_and_no_licences(world, cdx, tmp_path):
    """No vendor/: packages come from the source cache at the locked revisions; licences are
    NOASSERTION."""
    copy = tmp_path / "w"
    shutil.copytree(world.base, copy, symlinks=True, ignore=shutil.ignore_patterns("repos"))
    w = World(copy, world.paths, {f"github.com/acme/{n}": p for n, p in world.paths.items()}, goenv_dir="goenv2")
    w.env["SOURCE_DATE_EPOCH"] = "1700000000"
    shutil.rmtree(w.project / "vendor")
    doc = json.loads(sbom(w).stdout)
    assert doc["dependencies"] == json.loads(cdx)["dependencies"]
    assert all("licenses" not in c for c in doc["components"])


def test_deterministic_with_source_date_epoch(world, cdx):
    again = sbom(world).stdout
    assert again == cdx
    doc = json.loads(cdx)
    assert doc["metadata"]["timestamp"] == "2023-11-14T22:13:20+00:00"
    assert doc["serialNumber"].startswith("urn:uuid:")
    spdx1 = sbom(world, "-format", "spdx-json").stdout
    assert spdx1 == sbom(world, "-format", "spdx-json").stdout
    assert json.loads(spdx1)["creationInfo"]["created"] == "2023-11-14T22:13:20Z"
    later = dict(world.env, SOURCE_DATE_EPOCH="1700000001")
    other = json.loads(run_dep(world.project, later, "sbom").stdout)
    assert other["serialNumber"] != doc["serialNumber"]


def test_output_file_written_atomically(world, cdx, tmp_path):
    out = tmp_path / "bom.json"
    out.write_text("old")
    r = sbom(world, "-o", str(out))
    assert r.stdout == "" and out.read_text() == cdx
    assert [p.name for p in tmp_path.iterdir()] == ["bom.json"]  # no temporary file left
    missing = tmp_path / "no" / "such" / "bom.json"
    r = sbom(world, "-o", str(missing), ok=False)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    assert str(missing) in r.stderr and not missing.exists()


def test_output_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(world, cdx, tmp_path):
    """-o names something that is not a regular file (as /dev/null is): written to, never
    renamed over (a run of `dep sbom -o /dev/null` as root once replaced the device)."""
    import stat
    import threading

    fifo = tmp_path / "bom.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    sbom(world, "-o", str(fifo))
    reader.join(30)
    assert got == [cdx] and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bom.fifo"]


def test_unknown_format_is_one_line(world):
    r = sbom(world, "-format", "swid", ok=False)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == "-format 'swid': unknown SBOM format; want one of cyclonedx-json, spdx-json\n"


def test_no_lock_is_one_line(world, tmp_path):
    proj = tmp_path / "gopath/src/github.com/acme/bare"
    proj.mkdir(parents=True)
    (proj / "main.go").write_text("package main\n\nfunc main() {}\n")
    (proj / "Gopkg.toml").write_text("")
    env = dict(world.env, GOPATH=str(tmp_path / "gopath"), PWD=str(proj))
    r = run_dep(proj, env, "sbom", ok=False)
    assert r.returncode == 1
    assert r.stderr == f"no Gopkg.lock in {proj}: run dep ensure first, dep sbom describes the lock\n"


def test_bad_source_date_epoch_is_one_line(world):
    env = dict(world.env, SOURCE_DATE_EPOCH="yesterday")
    r = run_dep(world.project, env, "sbom", ok=False)
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith("SOURCE_DATE_EPOCH='yesterday': not a whole number of seconds")


def test_missing_library_is_one_line(world, tmp_path):
    """Without the sbom extra, one line says how to install it."""
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "cyclonedx.py").write_text("raise ImportError('blocked for the test')\n")
    env = dict(world.env, PYTHONPATH=str(blocker))
    r = run_dep(world.project, env, "sbom", ok=False)
    assert r.returncode == 1
    assert r.stderr == ("dep sbom -format cyclonedx-json needs the cyclonedx library: "
                        "pip install 'dep[sbom]' (cyclonedx-python-lib and spdx-tools)\n")
