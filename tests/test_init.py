"""dep init's checks before anything is solved, and the vendor/ backup."""

import os

import pytest

from dep.init import InitError, backup_vendor, establish_project, init_root
from dep.project import Context


def ctx(tmp_path, wd=None):
    return Context(str(wd or tmp_path), [str(tmp_path / "gopath")])


def test_establish_project(tmp_path):
    root = tmp_path / "gopath/src/example.com/app"
    root.mkdir(parents=True)
    p = establish_project(ctx(tmp_path), str(root))
    assert (p.import_root, p.gopath, p.lock) == ("example.com/app", str(tmp_path / "gopath"), None)
    (root / "Gopkg.toml").mkdir()
    with pytest.raises(InitError, match=r"^init failed: unable to check for an existing manifest at .*Gopkg.toml: "
                                        r'".*Gopkg.toml" is a drwx.*, expected a file$'):
        establish_project(ctx(tmp_path), str(root))
    with pytest.raises(InitError, match=r"^init failed: unable to determine the import path for the root project "
                                        r".*/gopath/src: root project import: dep does not currently support using "
                                        r"GOPATH/src as the project root$"):
        establish_project(ctx(tmp_path), str(tmp_path / "gopath/src"))


def test_init_root_is_created_relative_to_the_working_directory(tmp_path):
    assert init_root(ctx(tmp_path), None) == str(tmp_path)
    assert init_root(ctx(tmp_path), "a/../b/c") == str(tmp_path / "b/c") and (tmp_path / "b/c").is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(InitError, match=r"^init failed: unable to create a directory at .*/file/x: mkdir .*: not a directory$"):
        init_root(ctx(tmp_path), "file/x")


def test_backup_vendor(tmp_path):
    vendor = tmp_path / "vendor"
    assert backup_vendor(str(vendor), "1") == ""
    vendor.mkdir()
    assert backup_vendor(str(vendor), "1") == ""
    (vendor / "a").mkdir()
    (vendor / "a/x.go").write_text("package a\n")
    os.symlink("x.go", vendor / "a/link.go")
    assert backup_vendor(str(vendor), "20200101000000") == str(tmp_path / "_vendor-20200101000000")
    assert os.readlink(tmp_path / "_vendor-20200101000000/a/link.go") == "x.go"
    with pytest.raises(InitError, match=r"^init failed: first backup vendor/, delete it, and then retry the previous "
                                        r"command: failed to backup existing vendor directory: failed to create "
                                        r"vendor backup. File with same name exists$"):
        backup_vendor(str(vendor), "20200101000000")
