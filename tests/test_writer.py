"""The vendor writer's plan on hand-made trees (no sources needed: nothing is exported)."""

import os

from dep.digest import digest_from_directory
from dep.lock import Lock, LockedProject, render_lock
from dep.prune import CascadingPruneOptions, PruneOptions
from dep.versions import parse_version
from dep.writer import Reason, Vendor, plan

OPTS = PruneOptions.NESTED_VENDOR


def project(root, name):
    d = root / "vendor" / name
    d.mkdir(parents=True)
    (d / "x.go").write_text("package x\n")
    return LockedProject(name, "a" * 40, parse_version("v1.0.0"), packages=["."], prune_opts=OPTS,
                         digest=digest_from_directory(str(d)))


def test_a_noverify_project_dropped_from_the_lock_and_absent_from_vendor(tmp_path):
    util = project(tmp_path, "github.com/acme/util")
    gone = LockedProject("github.com/acme/gone", "b" * 40, parse_version("v1.0.0"), packages=["."],
                         prune_opts=OPTS)
    old = Lock([gone, util], ["github.com/acme/gone", "github.com/acme/util"])
    (tmp_path / "Gopkg.lock").write_text(render_lock(old))
    new = Lock([util], ["github.com/acme/util"])
    p = plan(str(tmp_path), old, new, Vendor.ON_CHANGED, CascadingPruneOptions(), ["github.com/acme/gone"])
    assert p.changed == {"github.com/acme/gone": Reason.PRESERVED}
    p.execute(str(tmp_path), sm=None)
    assert (tmp_path / "Gopkg.lock").read_text() == render_lock(new)
    assert sorted(os.listdir(tmp_path / "vendor/github.com/acme")) == ["util"]
