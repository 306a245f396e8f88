"""`dep check` never follows a symlink in vendor/ out of the project (issue 9, finding 8).

dep v0.5.4 lists every directory a vendor/ symlink points to (``vendor/x -> /`` walks the
whole file system) and hashes lock projects reached through one. Here each symlink sits in
front of a canary directory outside the project whose contents would hang or fail a reader
(a 1 TB sparse file, a FIFO); the canary's atime shows whether anything listed it.
"""

import os
import shutil
import subprocess
import sys

import pytest

from tests.e2e.test_check import IMPORT_ROOT, lock_text, project  # noqa: F401 -- fixture

TIMEOUT = 30


def dep(cwd, *args):
    env = dict(os.environ, GOPATH=str(cwd).split("/src/")[0], PWD=str(cwd), DEPNOLOCK="1")
    r = subprocess.run([sys.executable, "-m", "dep", *args], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert "Traceback" not in r.stderr
    return r.returncode, r.stdout, r.stderr


@pytest.fixture
def canary(tmp_path, project):
    """tmp_path/outside: a copy of the vendored lib (so a followed link would even match its
    digest) plus a 1 TB sparse file and a FIFO, and a Go file importing evil.org/outside; every
    directory's atime set far in the past."""
    outside = tmp_path / "outside"
    shutil.copytree(project / "vendor", outside / "vendor")
    lib = outside / "vendor/example.org/lib"
    with open(lib / "huge.bin", "wb") as f:
        f.truncate(1 << 40)
    os.mkfifo(lib / "pipe.go")
    (outside / "marker").write_text("canary\n")
    (outside / "evil.go").write_text('package evil\n\nimport _ "evil.org/outside"\n')
    dirs = [outside] + [p for p in outside.rglob("*") if p.is_dir() and not p.is_symlink()]
    before = snapshot(outside)
    for d in dirs:  # after the snapshot's listing
        os.utime(d, ns=(1, os.stat(d).st_mtime_ns))
    yield outside
    if atime_is_recorded(tmp_path):
        assert all(os.stat(d).st_atime_ns == 1 for d in dirs), "the canary directory was listed"
    assert snapshot(outside) == before


def snapshot(root):
    return sorted((str(p.relative_to(root)), p.lstat().st_size, p.lstat().st_mtime_ns)
                  for p in root.rglob("*"))


def atime_is_recorded(tmp_path):
    probe = tmp_path / "atime-probe"
    probe.mkdir()
    os.utime(probe, ns=(1, os.stat(probe).st_mtime_ns))
    os.listdir(probe)
    return os.stat(probe).st_atime_ns != 1


def test_symlink_to_root_is_an_unused_project_not_a_walk(project):
    os.symlink("/", project / "vendor/x")
    os.symlink("/", project / "vendor/example.org/lib/up")  # inside a project: not hashed, as dep
    assert dep(project, "check") == (1, "# vendor is out of sync:\nx: unused project\n", "")


def test_symlinked_intermediate_dir_is_not_descended(project, canary):
    shutil.rmtree(project / "vendor/example.org")
    os.symlink(canary / "vendor/example.org", project / "vendor/example.org")
    assert dep(project, "check") == (1, "# vendor is out of sync:\n"
                                        "example.org: unused project\n"
                                        "example.org/lib: missing from vendor\n", "")


def test_symlinked_project_root_hashes_as_nothing(project, canary):
    shutil.rmtree(project / "vendor/example.org/lib")
    os.symlink(canary / "vendor/example.org/lib", project / "vendor/example.org/lib")
    assert dep(project, "check") == (1, "# vendor is out of sync:\nexample.org/lib: "
                                        "hash of vendored tree not equal to digest in Gopkg.lock\n", "")


def test_symlinked_vendor_is_refused(project, canary):
    shutil.rmtree(project / "vendor")
    os.symlink(canary / "vendor", project / "vendor")
    assert dep(project, "check") == (1, "", f'error while verifying vendor: "{project}/vendor" is a '
                                            "symbolic link, which dep does not follow: remove it and "
                                            "run dep ensure -vendor-only to vendor the projects\n")


def test_skip_vendor_still_reads_no_vendor_symlink(project, canary):
    shutil.rmtree(project / "vendor")
    os.symlink(canary / "vendor", project / "vendor")
    assert dep(project, "check", "-skip-vendor") == (0, "", "")


def test_go_file_symlinked_to_a_device_outside_is_passed_over_not_a_hang(project):
    baseline = dep(project, "check")
    os.symlink("/dev/zero", project / "z.go")  # Go would read it for ever
    assert dep(project, "check") == baseline


@pytest.mark.parametrize("make", [lambda p: os.mkfifo(p), lambda p: os.symlink("fifo", p)],
                         ids=["fifo", "link-to-fifo"])
def test_go_file_that_is_not_a_regular_file_is_an_error_not_a_hang(project, make):
    os.mkfifo(project / "fifo")
    make(project / "z.go")  # Go would block on the FIFO
    assert dep(project, "check") == (1, "", "analysis of current project's packages failed: "
                                            f"{project}/z.go is not a regular file (a FIFO, device or "
                                            "socket), so it cannot be Go source: remove it or rename it\n")


def test_glob_in_a_directory_name_does_not_read_through_a_symlink(project, canary):
    # dep globs "<dir>/*.go", so for a directory named [x] the pattern also matches a sibling
    # x, and Go's glob follows x's symlink: the canary's Go file would become [x]'s imports.
    (project / "[x]").mkdir()
    os.symlink(canary, project / "x")
    assert dep(project, "check", "-skip-vendor") == (0, "", "")


def test_a_go_file_symlinked_outside_the_tree_is_not_read(tmp_path):
    """A repository's ``x.go -> ~/.netrc``: Go and dep would read it, and a parse error would
    print its first token into the CI log. It is passed over as an unreadable file; a
    symlink to a file inside the tree is still read."""
    from dep.pkgtree import list_packages

    secret = tmp_path / "home" / ".netrc"
    secret.parent.mkdir()
    secret.write_text("machine github.com password ghp_SECRETTOKEN\n")
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.go").write_text('package pkg\n\nimport "fmt"\n')
    (root / "pkg" / "leak.go").symlink_to(secret)
    (root / "pkg" / "same.go").symlink_to(root / "pkg" / "a.go")
    (root / "other").mkdir()
    (root / "other" / "b.go").symlink_to("../pkg/a.go")
    tree = list_packages(str(root), "example.com/repo")
    pkg = tree.packages["example.com/repo/pkg"]
    assert pkg.error is None and pkg.package.imports == ("fmt",)
    assert tree.packages["example.com/repo/other"].package.imports == ("fmt",)
