"""dep.licenses: the detector on real-world licence texts (tests/licensetexts: files from the
vendored dependencies of golang/dep v0.5.4 and the SPDX MPL-2.0 text) and on the variants
people make of them, which files count as licence files, and the -deny list."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from dep.licenses import (LicenseError, LicenseFile, ProjectLicenses, denied, detect, is_license_file,
                          parse_deny, scan_vendor, spdx_expression)
from dep.lock import LockedProject, Lock

TEXTS = Path(__file__).parent / "licensetexts"


def text(name: str) -> str:
    return (TEXTS / name).read_text()


def rewrap(t: str, width: int) -> str:
    return textwrap.fill(re.sub(r"\s+", " ", t), width)


CUSTOM = ("Acme Corp Source Licence 1.0\n\nCopyright (c) 2023 Acme Corp. All rights reserved.\n\n"
          "You may read this source code. You may not copy, modify, distribute or use it in any\n"
          "product without a written agreement with Acme Corp.\n")

CASES = {
    "mit": (text("mit-boltdb.txt"), "MIT"),
    "mit rewrapped to 100 columns, other holder": (
        rewrap(text("mit-boltdb.txt").replace("Ben Johnson", "Acme Widgets GmbH"), 100), "MIT"),
    "mit with CRLF line ends": (text("mit-boltdb.txt").replace("\n", "\r\n"), "MIT"),
    "mit as markdown": ("# MIT License\n\n**Copyright (c) 2019 Jane Doe**\n\n"
                        + text("mit-boltdb.txt").split("\n", 3)[3].replace("THE SOFTWARE IS", "> THE SOFTWARE IS"),
                        "MIT"),
    "mit, libyaml's file listing the ported files": (text("mit-libyaml.txt"), "MIT"),
    "apache-2.0": (text("apache-2.0-yaml.txt"), "Apache-2.0"),
    "apache-2.0 with the appendix filled in": (
        text("apache-2.0-yaml.txt").replace("{yyyy} {name of copyright owner}", "2020 Acme Inc."), "Apache-2.0"),
    "bsd-3-clause": (text("bsd-3-clause-go.txt"), "BSD-3-Clause"),
    "bsd-3-clause, another holder": (
        text("bsd-3-clause-go.txt").replace("2009 The Go Authors", "2022 Northwind Ltd")
        .replace("Google Inc.", "Northwind Ltd"), "BSD-3-Clause"),
    "bsd-2-clause rewrapped": (rewrap(text("bsd-2-clause-errors.txt"), 72), "BSD-2-Clause"),
    "mpl-2.0": (text("mpl-2.0.txt"), "MPL-2.0"),
    "mit and apache-2.0 in one file": (text("mit-and-apache-goyaml.txt"), "Apache-2.0 AND MIT"),
    "a custom licence": (CUSTOM, ""),
    "a readme mentioning MIT": ("# lib\n\nA library. Licensed under the MIT licence, see LICENSE.\n", ""),
    "empty": ("", ""),
}


@pytest.mark.parametrize("case", CASES)
def test_detect(case):
    body, want = CASES[case]
    spdx_id, confidence = detect(body)
    assert spdx_id == want
    assert (confidence >= 75) if want else confidence == 0


@pytest.mark.parametrize("name,want", [
    ("LICENSE", True), ("LICENSE.txt", True), ("license.md", True), ("LICENCE", True), ("COPYING.LESSER", True),
    ("UNLICENSE", True), ("COPYLEFT", True), ("LICENSE.libyaml", True),
    ("license.go", False), ("NOTICE", False), ("PATENTS", False), ("AUTHORS", False), ("README.md", False)])
def test_license_file_names(name, want):
    assert is_license_file(name) is want


def test_spdx_expression():
    assert spdx_expression(ProjectLicenses("a", [LicenseFile("a/LICENSE", "MIT", 99),
                                                 LicenseFile("a/x/LICENSE", "Apache-2.0 AND MIT", 98)])) \
        == "Apache-2.0 AND MIT"
    assert spdx_expression(ProjectLicenses("a", [])) == "NOASSERTION"
    assert spdx_expression(ProjectLicenses("a", [LicenseFile("a/LICENSE", "", 0)])) == "NOASSERTION"


def test_parse_deny_normalises_and_rejects():
    assert parse_deny("mit, GPL-2.0,unknown") == {"MIT", "GPL-2.0-only", "unknown"}
    assert parse_deny("GPL-2.0-only OR Apache-2.0") == {"GPL-2.0-only", "Apache-2.0"}
    for bad in ("Foo-1.0", "MIT,", "MIT AND", "MIT,,BSD-3-Clause"):
        with pytest.raises(LicenseError) as e:
            parse_deny(bad)
        assert "\n" not in str(e.value) and "-deny" in str(e.value)


def test_denied_names_each_project_once_with_its_ids():
    projects = [ProjectLicenses("a", [LicenseFile("a/LICENSE", "GPL-2.0-only", 99)]),
                ProjectLicenses("b", [LicenseFile("b/LICENSE", "", 0)]),
                ProjectLicenses("c", []),
                ProjectLicenses("d", [LicenseFile("d/LICENSE", "MIT", 99)])]
    assert denied(projects, parse_deny("GPL-2.0,unknown")) == [("a", ["GPL-2.0-only"]), ("b", ["unknown"]),
                                                             ("c", ["missing"])]
    assert denied(projects, parse_deny("BSD-3-Clause")) == []


def _project(tmp_path, projects: list[LockedProject]):
    return SimpleNamespace(abs_root=str(tmp_path), vendor_dir=str(tmp_path / "vendor"), lock=Lock(projects))


def test_scan_reads_root_and_package_chain_only(tmp_path):
    v = tmp_path / "vendor/example.com/p"
    files = {"LICENSE": text("mit-boltdb.txt"), "a/b/LICENSE": text("bsd-3-clause-go.txt"), "a/b/b.go": "package b\n",
             "unused/LICENSE": CUSTOM, "a/testdata/LICENSE": CUSTOM, "license.go": "package p\n"}
    for rel, body in files.items():
        (v / rel).parent.mkdir(parents=True, exist_ok=True)
        (v / rel).write_text(body)
    os.symlink("/etc/hostname", v / "a/LICENSE.link")
    lp = LockedProject("example.com/p", "0" * 40, None, "", [".", "a/b", "gone"])
    assert scan_vendor(_project(tmp_path, [lp])) == [ProjectLicenses("example.com/p", [
        LicenseFile("example.com/p/LICENSE", "MIT", 98),
        LicenseFile("example.com/p/a/b/LICENSE", "BSD-3-Clause", 100)])]


def test_scan_needs_vendor_and_every_locked_project(tmp_path):
    lp = LockedProject("example.com/p", "0" * 40, None, "", ["."])
    with pytest.raises(LicenseError, match=r"^no vendor/ in .*: run dep ensure"):
        scan_vendor(_project(tmp_path, [lp]))
    (tmp_path / "vendor").mkdir()
    with pytest.raises(LicenseError, match=r"^vendor/ lacks example.com/p from Gopkg.lock: run dep ensure -vendor-only$"):
        scan_vendor(_project(tmp_path, [lp]))
    with pytest.raises(LicenseError, match=r"^no Gopkg.lock in "):
        scan_vendor(SimpleNamespace(abs_root=str(tmp_path), vendor_dir=str(tmp_path / "vendor"), lock=None))


def test_root_licenses_reads_the_projects_own_top_directory(tmp_path):
    from dep.licenses import root_licenses

    (tmp_path / "LICENSE").write_text(text("mit-boltdb.txt"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "LICENSE").write_text(text("mpl-2.0.txt"))  # not the root's own
    os.symlink(str(tmp_path / "sub" / "LICENSE"), tmp_path / "COPYING")  # never followed
    pl = root_licenses(SimpleNamespace(abs_root=str(tmp_path), import_root="example.com/app"))
    assert [(f.path, f.spdx_id) for f in pl.files] == [("LICENSE", "MIT")]
    assert spdx_expression(pl) == "MIT"
