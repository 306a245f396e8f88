"""dep init -gopath: versions read from GOPATH working copies, and the scan's outcome."""

import os

import pytest

from dep.gopath_scan import VCSVersionError, scan_gopath, vcs_version
from dep.lock import Lock
from dep.manifest import Manifest, render_manifest
from dep.versions import Branch, PairedVersion, Revision, SemverVersion
from tests.gitrepos import git, make_repo


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    base = tmp_path_factory.mktemp("up")
    return make_repo(base / "lib", [
        {"files": {"lib.go": 'package lib\n\nimport _ "github.com/acme/util"\n'}, "tag": "v1.0.0"},
        {"files": {"lib.go": "package lib // 2\n"}, "tag": ["v2.0.0", "x-2"], "annotated": True},
        {"files": {"lib.go": "package lib // 3\n"}, "tag": "release-3"},
        {"files": {"lib.go": "package lib // 4\n"}},
    ])


def clone(upstream, dest, *checkout):
    git(os.path.dirname(dest), "clone", "-q", upstream.path, dest)
    if checkout:
        git(dest, *checkout)
    return str(dest)


@pytest.mark.parametrize("checkout, want", [
    ((), "branch"), (("checkout", "-q", "v1.0.0"), "v1.0.0"), (("checkout", "-q", "v2.0.0"), "v2.0.0"),
    (("checkout", "-q", "HEAD~1"), "error"), (("checkout", "-q", "-b", "local"), "revision"),
    (("checkout", "-q", "HEAD~2"), "v2.0.0")])
def test_vcs_version(tmp_path, upstream, checkout, want):
    path = clone(upstream, tmp_path / "wc", *checkout)
    head = git(path, "rev-parse", "HEAD")
    if want == "error":
        with pytest.raises(VCSVersionError, match=r'does not start with a v: "release-3"$'):
            vcs_version(path)
        return
    got = vcs_version(path)
    if want == "branch":
        assert got == PairedVersion(Branch("master"), head)
    elif want == "revision":
        assert got == Revision(head)
    else:
        assert isinstance(got.unpaired, SemverVersion) and str(got) == want and got.revision.rev == head


def test_vcs_version_needs_git_with_an_origin(tmp_path, upstream):
    with pytest.raises(VCSVersionError, match="Cannot detect VCS"):
        vcs_version(str(tmp_path))
    with pytest.raises(VCSVersionError, match="Unable to retrieve local repo information"):
        vcs_version(upstream.path)


class FakeSM:
    """Deduction by the first two path elements after the host; sync records its calls."""

    def __init__(self):
        self.synced = []

    def deduce_project_root(self, path):
        return "/".join(path.split("/")[:3])

    def sync_source(self, pid):
        self.synced.append(pid.root)


def test_scan_locks_what_gopath_has_and_lists_the_rest(tmp_path, upstream):
    gopath = tmp_path / "gopath"
    os.makedirs(gopath / "src/github.com/acme")
    clone(upstream, gopath / "src/github.com/acme/lib", "checkout", "-q", "v1.0.0")
    os.makedirs(gopath / "src/github.com/acme/novcs")
    manifest, lock, notes, sm = Manifest(), Lock(), [], FakeSM()
    scan_gopath(manifest, lock, {"github.com/acme/lib", "github.com/acme/novcs", "github.com/acme/gone"},
                str(gopath), sm, notes.append)
    rev = upstream.rev("v1.0.0")
    assert render_manifest(manifest) == '\n[[constraint]]\n  name = "github.com/acme/lib"\n  version = "1.0.0"\n'
    assert [(p.name, str(p.version), p.revision, p.packages) for p in lock.projects] == [
        ("github.com/acme/lib", "v1.0.0", rev, ["."])]
    assert notes == [
        "Searching GOPATH for projects...",
        "  Using v1.0.0 as constraint for direct dep github.com/acme/lib",
        f"  Locking in v1.0.0 ({rev[:7]}) for direct dep github.com/acme/lib",
        "\nThe following dependencies were not found in GOPATH:\n  github.com/acme/gone\n  github.com/acme/util\n\n"
        "The following dependencies found in GOPATH were missing VCS information (a remote source is required):\n"
        "  github.com/acme/novcs\n\nThe most recent version of these projects will be used.\n\n"]
    assert sorted(sm.synced) == ["github.com/acme/gone", "github.com/acme/lib", "github.com/acme/novcs"]
