"""safepath: import-path checks for names from untrusted files, and the one way a project
directory is made in vendor/ (never outside it, never through a symlink)."""

import os

import pytest

from dep.lock import LockedProject
from dep.prune import PruneOptions
from dep.safepath import UnsafePathError, import_path_problem, make_project_dir, package_path_problem
from dep.vendor import export_pruned, nesting_waves


@pytest.mark.parametrize("path", ["github.com/a/b", "gopkg.in/yaml.v2", "example.com/x-y_z~1", "a"])
def test_import_paths_that_are_fine(path):
    assert import_path_problem(path) is None


@pytest.mark.parametrize("path,why", [
    ("", "empty"), ("/etc", "absolute"), ("a//b", "empty path element"), ("a/", "empty path element"),
    ("a/./b", "'.' path element"), ("a/..", "'..' path element"), ("..", "'..'"),
    ("a\\b", "backslash"), ("a\0b", "control character"), ("a\nb", "control character"),
    ("a\x7fb", "control character"),
])
def test_import_paths_that_are_refused(path, why):
    assert why in import_path_problem(path)


def test_package_paths():
    assert package_path_problem(".") is None and package_path_problem("sub/pkg") is None
    assert package_path_problem("../x") is not None and package_path_problem("./x") is not None


def test_make_project_dir_creates_real_directories_inside_the_base(tmp_path):
    base = tmp_path / "vendor"
    base.mkdir()
    path = make_project_dir(str(base), "github.com/a/b")
    assert path == str(base / "github.com/a/b") and os.listdir(path) == []


@pytest.mark.parametrize("name", ["../x", "/abs", "a/../../x", "a//b", "a\\..\\x"])
def test_make_project_dir_refuses_names_that_are_not_import_paths(tmp_path, name):
    with pytest.raises(UnsafePathError, match="invalid project name"):
        make_project_dir(str(tmp_path / "vendor"), name)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("link_at", ["github.com", "github.com/a", "github.com/a/b"])
def test_make_project_dir_never_goes_through_a_symlink(tmp_path, link_at):
    base, outside = tmp_path / "vendor", tmp_path / "outside"
    outside.mkdir()
    (base / link_at).parent.mkdir(parents=True, exist_ok=True)
    (base / link_at).symlink_to(outside)
    with pytest.raises(UnsafePathError, match="cannot write project github.com/a/b: .* is a symlink"):
        make_project_dir(str(base), "github.com/a/b")
    assert os.listdir(outside) == []


def test_a_nested_root_replaces_what_the_enclosing_export_left(tmp_path):
    base = tmp_path / "vendor"
    (base / "a/sub/keep").mkdir(parents=True)
    (base / "a/sub/keep/x").write_text("from a")
    (base / "a/a.go").write_text("package a")
    assert os.listdir(make_project_dir(str(base), "a/sub")) == []
    assert (base / "a/a.go").exists()


def test_export_pruned_checks_names_itself(tmp_path):
    """The writer does not rely on the lock reader: a name that was never checked (say, from a
    solve) cannot place an export outside the vendor dir either."""

    class NoSources:
        cachedir = str(tmp_path / "cache")

        def run_parallel(self, jobs, fn):
            return [fn(j) for j in jobs]

        def source(self, pid):
            raise AssertionError("no source may be opened for a refused name")

    vendor = tmp_path / "stage/vendor"
    vendor.mkdir(parents=True)
    p = LockedProject("github.com/../../../outside", "a" * 40, packages=["."])
    with pytest.raises(UnsafePathError):
        export_pruned([(p, PruneOptions(0))], NoSources(), str(vendor))
    assert sorted(os.listdir(tmp_path)) == ["stage"]


def test_nesting_waves_put_enclosed_roots_after_their_parents():
    names = ["a/b/c", "x", "a", "a/b", "ab", "a/bc"]
    waves = nesting_waves(names)
    assert [[names[i] for i in w] for w in waves] == [["x", "a", "ab"], ["a/b", "a/bc"], ["a/b/c"]]
