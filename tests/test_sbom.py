"""dep.sbom's pieces without git: purls, VCS URLs from lock sources, SOURCE_DATE_EPOCH, and
documents rendered from a hand-made inventory, checked by the libraries' own validators."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pytest

from dep import sbom

pytest.importorskip("cyclonedx", reason="the sbom extra is not installed")
pytest.importorskip("spdx_tools", reason="the sbom extra is not installed")


@pytest.mark.parametrize("source, url", [
    ("github.com/acme/fork", "git+https://github.com/acme/fork@abc"),
    ("https://github.com/acme/fork.git", "git+https://github.com/acme/fork.git@abc"),
    ("ssh://git@example.com/acme/fork", "git+ssh://git@example.com/acme/fork@abc"),
    ("git@github.com:acme/fork.git", "git+ssh://git@github.com/acme/fork.git@abc"),
])
def test_vcs_url_from_lock_source(source, url):
    assert sbom._vcs_url(source, "abc") == url


def test_purl_encodes_as_packageurl_does():
    assert sbom._purl("github.com/acme/inc", "v2.0.0+incompatible") == "pkg:golang/github.com/acme/inc@v2.0.0%2Bincompatible"
    assert sbom._purl("gopkg.in/yaml.v2", "v2.2.1") == "pkg:golang/gopkg.in/yaml.v2@v2.2.1"
    assert sbom._purl("github.com/Sirupsen/logrus", "v1.0.0") == "pkg:golang/github.com/Sirupsen/logrus@v1.0.0"
    assert sbom._purl("example.com/app", "") == "pkg:golang/example.com/app"
    assert sbom._purl("github.com/acme/lib", "v1.0.0", "git+https://github.com/acme/fork@abc") == \
        "pkg:golang/github.com/acme/lib@v1.0.0?vcs_url=git%2Bhttps://github.com/acme/fork%40abc"


def test_created_from_source_date_epoch():
    assert sbom._created({"SOURCE_DATE_EPOCH": "0"}) == datetime(1970, 1, 1, tzinfo=timezone.utc)
    now = sbom._created({})
    assert now.tzinfo is timezone.utc and now.microsecond == 0
    for bad in ("-1", "1.5", "soon", "9" * 30):
        with pytest.raises(sbom.SbomError) as e:
            sbom._created({"SOURCE_DATE_EPOCH": bad})
        assert "SOURCE_DATE_EPOCH=" in str(e.value) and "\n" not in str(e.value)


def test_unknown_format():
    with pytest.raises(sbom.SbomError, match=r"^-format 'xml': unknown SBOM format; want one of "):
        sbom.check_format("xml")
    sbom.check_format("spdx-json")


def comp(name, version, project, licences="NOASSERTION", **kw):
    fields = dict(ref=sbom._purl(name, version), name=name, version=version, project=project, revision="r" * 40,
                  lock_version="", branch="", digest="1:ab", source="", vcs_url="", module_dir="",
                  licenses=licences)
    fields.update(kw)
    return sbom.Component(**fields)


def inventory():
    root = sbom.Component(sbom._purl("example.com/app", ""), "example.com/app", "", "", "", "", "", "", "", "", "",
                          "NOASSERTION")
    # two modules whose SPDX ids would collide once sanitised (a/b-c vs a/b/c at the same version)
    a = comp("example.com/a/b-c", "v1.0.0", "example.com/a/b-c", "MIT", lock_version="v1.0.0")
    b = comp("example.com/a/b/c", "v1.0.0", "example.com/a/b", "Apache-2.0 AND MIT", branch="main", module_dir="c")
    comps = sorted([a, b], key=lambda c: c.ref)
    depends = {root.ref: [a.ref, b.ref], a.ref: [b.ref], b.ref: []}
    return sbom.Inventory(root, comps, depends, datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc),
                          uuid.UUID(int=1))


def test_cyclonedx_document_validates_and_carries_expressions():
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = sbom.render(inventory(), "cyclonedx-json").decode()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    doc = json.loads(text)
    lic = {c["name"]: c["licenses"] for c in doc["components"]}
    assert lic == {"example.com/a/b-c": [{"license": {"id": "MIT"}}],
                   "example.com/a/b/c": [{"expression": "Apache-2.0 AND MIT"}]}
    assert doc["serialNumber"] == "urn:uuid:00000000-0000-0000-0000-000000000001"
    assert doc["metadata"]["tools"]["components"][0]["name"] == "dep"


def test_spdx_document_validates_with_unique_ids(tmp_path):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    data = sbom.render(inventory(), "spdx-json")
    (tmp_path / "d.spdx.json").write_bytes(data)
    assert validate_full_spdx_document(parse_file(str(tmp_path / "d.spdx.json"))) == []
    ids = [p["SPDXID"] for p in json.loads(data)["packages"]]
    assert len(set(ids)) == 3
    assert "SPDXRef-Package-example.com-a-b-c-v1.0.0-2" in ids


def test_render_is_byte_stable():
    for fmt in sbom.FORMATS:
        assert sbom.render(inventory(), fmt) == sbom.render(inventory(), fmt)


def test_write_atomic_replaces_whole(tmp_path):
    path = tmp_path / "bom.json"
    path.write_text("old")
    sbom.write_atomic(str(path), b"new\n")
    assert path.read_bytes() == b"new\n" and [p.name for p in tmp_path.iterdir()] == ["bom.json"]
    with pytest.raises(sbom.SbomError, match="cannot write"):
        sbom.write_atomic(str(tmp_path / "missing" / "bom.json"), b"x")
