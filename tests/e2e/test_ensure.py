"""`dep ensure` end to end: real git upstreams (tagged versions, a branch, a dependency with
its own Gopkg.toml, a nested package, files to prune) reached through github.com URLs
rewritten by a git config, a real GOPATH project, real `python -m dep` processes.

Expected texts and trees were checked by hand against dep v0.5.4; the lock is compared
byte for byte with one built here from the upstream revisions and independently computed
digests. Where Go maps make dep's line order random (the writers' per-project lines), the
lines are compared as sets.
"""

import os
import shutil
import subprocess

import pytest

from tests.e2e.ensure_world import (
    HEADER, LIB_GO, MAIN_GO, MAIN_GO_EXTRA, MANIFEST, PRUNED, UTIL_GO, digest_of, lock_text, locked,
    template, world,  # noqa: F401 -- fixtures
)

LIB, UTIL, EXTRA = "github.com/acme/lib", "github.com/acme/util", "github.com/acme/extra"
EXTRA_GO = "package extra\n\n// E is used by the app.\nconst E = {}\n"
NOT_IMPORTED = ('"github.com/acme/extra" is not imported by your project, and has been temporarily added to '
                'Gopkg.lock and vendor/.\nIf you run "dep ensure" again before actually importing it, it will '
                'disappear from Gopkg.lock and vendor/.\n')


@pytest.fixture
def ensured(world):
    """The world after a first, successful `dep ensure`."""
    world.dep("ensure", ok=True)
    return world


def dep_lines(stderr):
    """stderr without our -v progress lines ("(export) exporting ..."), which dep does not print."""
    return "".join(line for line in stderr.splitlines(True)
                   if not line.startswith(("(list) ", "(analyse) ", "(export) ", "(fetch) ")))


def wrote_lines(stderr):
    return {line for line in stderr.splitlines() if " Wrote " in line or " Removed " in line}


def expected_lock(world, tmp_path, *, pruneopts="NUT", lib="v1.1.0", util="v1.1.0", extra=None,
                  inputs=(LIB, LIB + "/sub")):
    lib_files = dict(PRUNED[LIB], **{"lib.go": LIB_GO.format(v="lib" + lib[1:4])})
    util_files = dict(PRUNED[UTIL], **{"util.go": UTIL_GO.format(v="u" + util[1:4])})
    if pruneopts == "UT":  # non-go files stay
        lib_files.update({"README.md": "docs\n", "notes.txt": "notes\n", "sub/data.json": "{}\n",
                          "Gopkg.toml": '[[constraint]]\n  name = "github.com/acme/util"\n  version = "^1.0.0"\n'})
    projects = []
    if extra:
        projects.append(locked(EXTRA, world.rev("extra", extra), extra,
                               digest_of(tmp_path / "x", EXTRA, {"extra.go": EXTRA_GO.format(extra[3])}),
                               pruneopts=pruneopts))
    projects.append(locked(LIB, world.rev("lib", lib), lib, digest_of(tmp_path / "l", LIB, lib_files),
                           packages=(".", "sub"), pruneopts=pruneopts))
    projects.append(locked(UTIL, world.rev("util", util), util, digest_of(tmp_path / "u", UTIL, util_files),
                           pruneopts=pruneopts))
    return lock_text(projects, sorted(inputs))


def assert_consistent(world):
    r = world.dep("check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert world.leftovers() == []


# -- plain ensure ---------------------------------------------------------------------------


def test_first_ensure_writes_lock_and_pruned_vendor(world, tmp_path):
    r = world.dep("ensure", "-v", ok=True)
    assert r.stdout == ""
    assert 'Root project is "github.com/acme/app"\n' in r.stderr
    assert "  ✓ found solution with 3 packages from 2 projects\n" in r.stderr
    assert wrote_lines(r.stderr) == {f"(1/2) Wrote {LIB}@v1.1.0", f"(2/2) Wrote {UTIL}@v1.1.0"}
    assert world.read("Gopkg.lock") == expected_lock(world, tmp_path)
    assert world.read("Gopkg.toml") == MANIFEST
    assert world.listing() == ["github.com/acme/lib/LICENSE", "github.com/acme/lib/lib.go",
                               "github.com/acme/lib/sub/sub.go", "github.com/acme/util/COPYING",
                               "github.com/acme/util/util.go"]
    for project, files in PRUNED.items():
        for rel, text in files.items():
            assert world.read(f"vendor/{project}/{rel}") == text
    assert_consistent(world)


def test_a_dependencys_own_lock_does_not_steer_the_solve(world):
    """dep's analyzer never gives the solver a dependency's Gopkg.lock: lib pinning util
    v1.0.0 in its lock must not stop util's newest allowed version being chosen."""
    world.tag("lib", "v1.2.0", {"Gopkg.lock": HEADER + (
        '\n[[projects]]\n  digest = ""\n  name = "github.com/acme/util"\n  packages = ["."]\n'
        f'  pruneopts = ""\n  revision = "{world.rev("util", "v1.0.0")}"\n  version = "v1.0.0"\n'
        '\n[solve-meta]\n  analyzer-name = "dep"\n  analyzer-version = 1\n  input-imports = []\n'
        '  solver-name = "gps-cdcl"\n  solver-version = 1\n')})
    world.dep("ensure", ok=True)
    lock = world.read("Gopkg.lock")
    assert 'version = "v1.2.0"' in lock and 'version = "v1.1.0"' in lock and "v1.0.0" not in lock


def test_first_ensure_quiet_prints_nothing(world):
    r = world.dep("ensure", ok=True)
    assert (r.stdout, r.stderr) == ("", "")


@pytest.mark.skipif(not shutil.which("go"), reason="go is not installed")
def test_vendored_project_builds_in_gopath_mode(ensured):
    env = dict(ensured.env, GO111MODULE="off")
    env.pop("GOFLAGS", None)
    b = subprocess.run(["go", "build", "./..."], cwd=ensured.project, env=env, capture_output=True, text=True)
    assert b.returncode == 0, b.stderr
    v = subprocess.run(["go", "vet", "."], cwd=ensured.project, env=env, capture_output=True, text=True)
    assert v.returncode == 0, v.stderr


def test_in_sync_ensure_rewrites_nothing(ensured):
    lock = ensured.read("Gopkg.lock")
    before = ensured.stats()
    r = ensured.dep("ensure", "-v", ok=True)
    assert (r.stdout, r.stderr) == ("", "")
    assert ensured.stats() == before  # same inodes and mtimes: moved, never rewritten
    assert ensured.read("Gopkg.lock") == lock
    assert_consistent(ensured)


def test_added_import_writes_only_the_new_project(ensured, tmp_path):
    before = ensured.stats()
    ensured.write("main.go", MAIN_GO_EXTRA)
    r = ensured.dep("ensure", "-v", ok=True)
    assert r.stdout == ("# Gopkg.lock is out of sync with Gopkg.toml and project imports:\n"
                        f"{EXTRA}: imported or required, but missing from Gopkg.lock's input-imports\n\n")
    assert "# Bringing vendor into sync\n" in r.stderr
    assert wrote_lines(r.stderr) == {f"(1/1) Wrote {EXTRA}@v0.2.0: new project"}
    after = ensured.stats()
    assert {k: v for k, v in after.items() if not k.startswith(EXTRA)} == before
    assert sorted(k for k in after if k.startswith(EXTRA)) == [EXTRA + "/extra.go"]
    assert ensured.read("Gopkg.lock") == expected_lock(ensured, tmp_path, extra="v0.2.0",
                                                       inputs=(EXTRA, LIB, LIB + "/sub"))
    assert_consistent(ensured)


def test_verbose_out_of_sync_note_goes_to_stdout(ensured):
    ensured.write("main.go", MAIN_GO_EXTRA)
    r = ensured.dep("ensure", "-v", "-no-vendor", ok=True)
    assert r.stdout == ("# Gopkg.lock is out of sync with Gopkg.toml and project imports:\n"
                        f"{EXTRA}: imported or required, but missing from Gopkg.lock's input-imports\n\n")


def test_removed_imports_remove_projects_and_packages(ensured, tmp_path):
    ensured.write("main.go", MAIN_GO_EXTRA)
    ensured.dep("ensure", ok=True)
    ensured.write("main.go", MAIN_GO.replace('\t"github.com/acme/lib/sub"\n', "").replace(", sub.S", ""))
    r = ensured.dep("ensure", "-v", ok=True)
    assert r.stdout == ("# Gopkg.lock is out of sync with Gopkg.toml and project imports:\n"
                        f"{EXTRA}: in Gopkg.lock's input-imports, but neither imported nor required\n"
                        f"{LIB}/sub: in Gopkg.lock's input-imports, but neither imported nor required\n\n")
    assert wrote_lines(r.stderr) == {f"(1/2) Wrote {LIB}@v1.1.0: packages changed (1 removed)",
                                     f"(2/2) Removed unused project {EXTRA}"}
    assert not (ensured.project / "vendor" / EXTRA).exists()
    assert not (ensured.project / "vendor" / LIB / "sub").exists()
    lock = ensured.read("Gopkg.lock")
    assert EXTRA not in lock and '  input-imports = ["github.com/acme/lib"]\n' in lock
    assert_consistent(ensured)


def test_prune_options_change_reprunes_vendor(ensured, tmp_path):
    ensured.write("Gopkg.toml", MANIFEST.replace("  non-go = true\n", ""))
    r = ensured.dep("ensure", "-v", ok=True)
    assert wrote_lines(r.stderr) == {f"(1/2) Wrote {LIB}@v1.1.0: prune options changed (NUT -> UT)",
                                     f"(2/2) Wrote {UTIL}@v1.1.0: prune options changed (NUT -> UT)"}
    assert ensured.listing(f"vendor/{LIB}") == ["Gopkg.toml", "LICENSE", "README.md", "lib.go", "notes.txt",
                                                "sub/data.json", "sub/sub.go"]
    assert ensured.read("Gopkg.lock") == expected_lock(ensured, tmp_path / "p", pruneopts="UT")
    assert_consistent(ensured)


def test_tampered_vendor_file_is_rewritten(ensured):
    lib_before = {k: v for k, v in ensured.stats().items() if k.startswith(LIB)}
    lock = ensured.read("Gopkg.lock")
    path = f"vendor/{UTIL}/util.go"
    ensured.write(path, "package util\n\nconst X = \"patched\"\n")
    r = ensured.dep("check")
    assert r.returncode == 1 and f"{UTIL}: hash of vendored tree not equal to digest in Gopkg.lock" in r.stdout
    r = ensured.dep("ensure", "-v", ok=True)
    assert dep_lines(r.stderr) == ("# Bringing vendor into sync\n"
                        f"(1/1) Wrote {UTIL}@v1.1.0: hash of vendored tree didn't match digest in Gopkg.lock\n")
    assert ensured.read(path) == PRUNED[UTIL]["util.go"]
    assert {k: v for k, v in ensured.stats().items() if k.startswith(LIB)} == lib_before
    assert ensured.read("Gopkg.lock") == lock
    assert_consistent(ensured)


def test_noverify_keeps_a_patched_vendor_file(ensured):
    path = f"vendor/{UTIL}/util.go"
    ensured.write("Gopkg.toml", f'noverify = ["{UTIL}"]\n\n' + MANIFEST)
    ensured.write(path, "package util\n\nconst X = \"patched\"\n")
    r = ensured.dep("ensure", "-v", ok=True)
    assert (r.stdout, r.stderr) == ("", "")
    assert ensured.read(path) == "package util\n\nconst X = \"patched\"\n"
    r = ensured.dep("check")
    assert (r.returncode, r.stdout) == (0, "# out of sync, but ignored, due to noverify in Gopkg.toml:\n"
                                           f"{UTIL}: hash of vendored tree not equal to digest in Gopkg.lock\n")


def test_missing_vendor_project_is_restored(ensured):
    shutil.rmtree(ensured.project / "vendor" / UTIL)
    r = ensured.dep("ensure", "-v", ok=True)
    assert wrote_lines(r.stderr) == {f"(1/1) Wrote {UTIL}@v1.1.0: missing from vendor"}
    assert_consistent(ensured)


def test_orphaned_vendor_file_is_removed(ensured):
    ensured.write("vendor/github.com/stray.go", "package stray\n")
    r = ensured.dep("ensure", "-v", ok=True)
    assert wrote_lines(r.stderr) == {"(1/1) Removed orphaned file github.com/stray.go"}
    assert not (ensured.project / "vendor/github.com/stray.go").exists()
    assert_consistent(ensured)


def test_vendor_without_lock_is_rewritten_whole(ensured, tmp_path):
    """The delta writer with no lock to compare with: everything is new, and what vendor/
    holds besides is removed (dep names the first path element it finds, here github.com)."""
    lock = ensured.read("Gopkg.lock")
    (ensured.project / "Gopkg.lock").unlink()
    (ensured.project / "vendor/github.com/other/x").mkdir(parents=True)
    ensured.write("vendor/github.com/other/x/x.go", "package x\n")
    r = ensured.dep("ensure", "-v", ok=True)
    assert wrote_lines(r.stderr) == {f"(1/3) Wrote {LIB}@v1.1.0: new project", f"(2/3) Wrote {UTIL}@v1.1.0: new project",
                                     "(3/3) Removed unused project github.com"}
    assert not (ensured.project / "vendor/github.com/other").exists()
    assert ensured.read("Gopkg.lock") == lock
    assert_consistent(ensured)


def test_vendor_git_dir_is_kept(ensured):
    ensured.write("vendor/.git", "gitdir: elsewhere\n")
    ensured.write(f"vendor/{LIB}/lib.go", "package lib\n")
    ensured.dep("ensure", ok=True)
    assert ensured.read("vendor/.git") == "gitdir: elsewhere\n"
    assert ensured.read(f"vendor/{LIB}/lib.go") == PRUNED[LIB]["lib.go"]


# -- -no-vendor and -dry-run ------------------------------------------------------------------


def test_no_vendor_writes_the_lock_only(ensured, tmp_path):
    vendor = {k: v for k, v in ensured.snapshot().items() if k.startswith("vendor")}
    ensured.write("main.go", MAIN_GO_EXTRA)
    r = ensured.dep("ensure", "-no-vendor", "-v", ok=True)
    assert wrote_lines(r.stderr) == set()
    assert dep_lines(r.stderr).endswith("  ✓ found solution with 4 packages from 3 projects\n# Bringing vendor into sync\n")
    assert {k: v for k, v in ensured.snapshot().items() if k.startswith("vendor")} == vendor
    # the digest of the project that is not vendored is still computed (in a scratch dir)
    assert ensured.read("Gopkg.lock") == expected_lock(ensured, tmp_path, extra="v0.2.0",
                                                       inputs=(EXTRA, LIB, LIB + "/sub"))
    assert ensured.leftovers() == []
    r = ensured.dep("check")
    assert r.returncode == 1 and f"{EXTRA}: missing from vendor\n" in r.stdout


def test_no_vendor_in_sync_touches_nothing(ensured):
    before = ensured.snapshot()
    st = os.stat(ensured.project / "Gopkg.lock")
    ensured.write(f"vendor/{UTIL}/util.go", "package util\n")  # vendor problems do not matter here
    tampered = ensured.snapshot()
    r = ensured.dep("ensure", "-no-vendor", "-v", ok=True)
    assert (r.stdout, r.stderr) == ("", "")
    assert ensured.snapshot() == tampered != before
    assert os.stat(ensured.project / "Gopkg.lock").st_ino == st.st_ino


def test_no_vendor_without_vendor_dir(world):
    r = world.dep("ensure", "-no-vendor", ok=True)
    assert (r.stdout, r.stderr) == ("", "")
    assert not (world.project / "vendor").exists()
    assert world.dep("check", "-skip-vendor").returncode == 0


def test_dry_run_without_lock_writes_nothing(world):
    before = world.snapshot()
    r = world.dep("ensure", "-dry-run", ok=True)
    assert r.stdout == "Would have written Gopkg.lock.\nWould have written 2 projects to the vendor directory.\n"
    assert world.snapshot() == before
    r = world.dep("ensure", "-dry-run", "-v", ok=True)
    assert r.stdout.startswith("Would have written the following Gopkg.lock:\n\n[[projects]]\n  digest = \"0:\"\n")
    assert r.stdout.endswith("  solver-name = \"gps-cdcl\"\n  solver-version = 1\n\n"
                             "Would have written the following 2 projects to the vendor directory:\n"
                             f"(1/2) {LIB}@v1.1.0\n(2/2) {UTIL}@v1.1.0\n")
    assert world.snapshot() == before


def test_dry_run_with_vendor_lists_changes(ensured):
    ensured.write("main.go", MAIN_GO_EXTRA)
    ensured.write(f"vendor/{UTIL}/util.go", "package util\n")
    before = ensured.snapshot()
    r = ensured.dep("ensure", "-dry-run", ok=True)
    head = "Would have written Gopkg.lock.\nWould have updated the following projects in the vendor directory:\n\n"
    assert r.stdout.startswith(head)
    # dep's counter is never incremented; the order is Go map order
    assert set(r.stdout[len(head):].splitlines()) == {
        f"(0/2) Would have written {EXTRA}@v0.2.0: new project",
        f"(0/2) Would have written {UTIL}@v1.1.0: hash of vendored tree didn't match digest in Gopkg.lock"}
    assert ensured.snapshot() == before


def test_dry_run_in_sync(ensured):
    r = ensured.dep("ensure", "-dry-run", ok=True)
    assert r.stdout == "Would have written Gopkg.lock.\n"


# -- -update --------------------------------------------------------------------------------


def test_update_moves_to_the_newest_allowed_tags(ensured, tmp_path):
    ensured.tag("lib", "v1.2.0", {"lib.go": LIB_GO.format(v="lib1.2")})
    ensured.tag("util", "v1.2.0", {"util.go": UTIL_GO.format(v="u1.2")})
    ensured.tag("util", "v3.0.0", {"util.go": UTIL_GO.format(v="u3")})
    lock = ensured.read("Gopkg.lock")
    r = ensured.dep("ensure", "-v", ok=True)  # in sync: the lock wins over newer tags
    assert (r.stdout, r.stderr, ensured.read("Gopkg.lock")) == ("", "", lock)

    lib_before = {k: v for k, v in ensured.stats().items() if k.startswith(LIB)}
    r = ensured.dep("ensure", "-update", "-v", UTIL, ok=True)
    assert wrote_lines(r.stderr) == {f"(1/1) Wrote {UTIL}@v1.2.0: version changed (was v1.1.0)"}
    assert ensured.read(f"vendor/{UTIL}/util.go") == UTIL_GO.format(v="u1.2")
    assert {k: v for k, v in ensured.stats().items() if k.startswith(LIB)} == lib_before
    assert ensured.read("Gopkg.lock") == expected_lock(ensured, tmp_path / "1", util="v1.2.0")
    assert_consistent(ensured)

    r = ensured.dep("ensure", "-update", "-v", ok=True)
    assert wrote_lines(r.stderr) == {f"(1/1) Wrote {LIB}@v1.2.0: version changed (was v1.1.0)"}
    assert ensured.read("Gopkg.lock") == expected_lock(ensured, tmp_path / "2", lib="v1.2.0", util="v1.2.0")
    assert_consistent(ensured)


def test_update_dry_run(ensured):
    ensured.tag("lib", "v1.2.0", {"lib.go": LIB_GO.format(v="lib1.2")})
    before = ensured.snapshot()
    r = ensured.dep("ensure", "-update", "-dry-run", ok=True)
    assert r.stdout == ("Would have written Gopkg.lock.\nWould have updated the following projects in the "
                        f"vendor directory:\n\n(0/1) Would have written {LIB}@v1.2.0: version changed (was v1.1.0)\n")
    assert ensured.snapshot() == before


# -- -add -----------------------------------------------------------------------------------


def test_add_appends_the_constraint_and_vendors_temporarily(ensured, tmp_path):
    r = ensured.dep("ensure", "-add", EXTRA + "@^0.1.0", ok=True)
    assert (r.stdout, r.stderr) == ("Fetching sources...\n" + NOT_IMPORTED, "\n")
    assert ensured.read("Gopkg.toml") == MANIFEST + f'\n[[constraint]]\n  name = "{EXTRA}"\n  version = "0.1.0"\n'
    assert ensured.read("Gopkg.lock") == expected_lock(ensured, tmp_path, extra="v0.1.0",
                                                       inputs=(EXTRA, LIB, LIB + "/sub"))
    assert ensured.read(f"vendor/{EXTRA}/extra.go") == EXTRA_GO.format(1)
    assert ensured.dep("check", "-skip-lock").returncode == 0
    r = ensured.dep("check")  # the temporary input import is reported, as dep does
    assert (r.returncode, r.stdout) == (1, "# Gopkg.lock is out of sync:\n"
                                           f"{EXTRA}: in Gopkg.lock's input-imports, but neither imported nor required\n\n")
    # not imported: the next ensure drops it again and warns about the ineffectual constraint
    r = ensured.dep("ensure", "-v", ok=True)
    assert r.stderr.startswith("Warning: the following project(s) have [[constraint]] stanzas in Gopkg.toml:\n\n"
                               f"  ✗  {EXTRA}\n\nHowever, these projects are not direct dependencies")
    assert f"(1/1) Removed unused project {EXTRA}\n" in r.stderr
    assert EXTRA not in ensured.read("Gopkg.lock") and not (ensured.project / "vendor" / EXTRA).exists()
    assert_consistent(ensured)


def test_add_without_constraint_records_the_solved_version(ensured):
    r = ensured.dep("ensure", "-add", "-v", EXTRA, ok=True)
    assert r.stdout == "Fetching sources...\n" + NOT_IMPORTED
    assert dep_lines(r.stderr).startswith(f"(1/1) {EXTRA}\n\n")
    assert "(1/1) Wrote github.com/acme/extra@v0.2.0: new project\n" in r.stderr
    assert ensured.read("Gopkg.toml") == MANIFEST + f'\n[[constraint]]\n  name = "{EXTRA}"\n  version = "0.2.0"\n'
    assert ensured.dep("check", "-skip-lock").returncode == 0


def test_add_of_an_imported_project_only_adds_the_rule(ensured):
    ensured.write("main.go", MAIN_GO_EXTRA)
    r = ensured.dep("ensure", "-add", EXTRA + "@~0.1.0", ok=True)
    assert r.stdout == "Fetching sources...\n"
    assert ensured.read("Gopkg.toml") == MANIFEST + f'\n[[constraint]]\n  name = "{EXTRA}"\n  version = "0.1.0"\n'
    assert 'version = "v0.1.0"' in ensured.read("Gopkg.lock")
    assert_consistent(ensured)


def test_add_to_a_project_without_lock_or_vendor(world):
    r = world.dep("ensure", "-add", EXTRA + "@v0.1.0", ok=True)
    assert r.stdout == "Fetching sources...\n" + NOT_IMPORTED
    assert world.read("Gopkg.toml").endswith(f'[[constraint]]\n  name = "{EXTRA}"\n  version = "0.1.0"\n')
    assert world.dep("check", "-skip-lock").returncode == 0
    assert world.leftovers() == []


def test_add_dry_run_leaves_gopkg_toml_alone(ensured):
    before = ensured.snapshot()
    r = ensured.dep("ensure", "-add", "-dry-run", EXTRA + "@^0.1.0", ok=True)
    assert r.stdout == ("Fetching sources...\nWould have written Gopkg.lock.\nWould have updated the following "
                        f"projects in the vendor directory:\n\n(0/1) Would have written {EXTRA}@v0.1.0: new project\n")
    assert ensured.snapshot() == before


# -- failures: dep's messages, exit 1, nothing written ----------------------------------------

UPDATE_HEAD = "Invalid arguments passed to ensure -update:\n\n"


@pytest.mark.parametrize("args, stdout, stderr", [
    (["-add", "github.com/acme/app"], "Fetching sources...\n",
     "\nFailed to add the dependencies:\n\n  ✗ cannot add current project to itself\n\nadding dependencies failed\n"),
    (["-add", LIB + "/sub"], "Fetching sources...\n",
     f"\nFailed to add the dependencies:\n\n  ✗ nothing to -add, {LIB} is already in Gopkg.toml and the project's "
     "direct imports or required list\n\nadding dependencies failed\n"),
    (["-add"], "", "must specify at least one project or package to -add\n"),
    (["-update", LIB + "/sub"], "",
     UPDATE_HEAD + f"  ✗ {LIB}/sub is not a project root, try {LIB} instead\n\nupdate arguments validation failed\n"),
    (["-update", EXTRA], "",
     UPDATE_HEAD + f"  ✗ {EXTRA} is not present in Gopkg.lock, cannot -update it\n\nupdate arguments validation failed\n"),
    (["-update", LIB + "@v1.0.0"], "",
     UPDATE_HEAD + f"  ✗ version constraint ^1.0.0 passed for {LIB}, but -update follows constraints declared in "
     "Gopkg.toml, not CLI arguments\n\nupdate arguments validation failed\n"),
    (["-update", LIB + ":https://example.org/x"], "",
     UPDATE_HEAD + "  ✗ cannot specify alternate sources on -update (https://example.org/x)\n\n"
     "update arguments validation failed\n"),
    ([LIB], "", "dep ensure only takes spec arguments with -add or -update\n"),
])
def test_argument_errors(ensured, args, stdout, stderr):
    before = ensured.snapshot()
    r = ensured.dep("ensure", *args)
    assert (r.returncode, r.stdout, r.stderr) == (1, stdout, stderr)
    assert ensured.snapshot() == before


def test_update_without_lock(world):
    r = world.dep("ensure", "-update")
    assert (r.returncode, r.stderr) == (
        1, "-update works by updating the versions recorded in Gopkg.lock, but Gopkg.lock does not exist\n")


def test_unsolvable_constraint(ensured):
    ensured.write("Gopkg.toml", MANIFEST.replace('version = "1.0.0"', 'version = "^3.0.0"'))
    before = ensured.snapshot()
    r = ensured.dep("ensure")
    assert r.returncode == 1 and r.stdout == ""
    failure, explanation = r.stderr.split("\n\n", 1)
    lines = failure.splitlines()
    assert lines[0] == f"Solving failure: No versions of {LIB} met constraints:"
    # the locked version is tried first, then the rest newest first, then branches
    assert [line.split(":")[0] for line in lines[1:]] == ["\tv1.1.0", "\tv2.0.0", "\tv1.0.0", "\tmaster", "\tdev"]
    # then our plain-words account, naming the rule and where it comes from
    assert explanation.startswith("In plain words:\n") and "^3.0.0" in explanation, explanation
    assert lines[1] == (f"\tv1.1.0: Could not introduce {LIB}@v1.1.0, as it is not allowed by constraint ^3.0.0 "
                        "from project github.com/acme/app.")
    assert ensured.snapshot() == before


def test_unsolvable_transitive_constraint(world):
    """lib's own Gopkg.toml wants util ^1.0.0; an override in the root that excludes it fails."""
    world.write("Gopkg.toml", MANIFEST + f'\n[[override]]\n  name = "{UTIL}"\n  version = "=9.9.9"\n')
    r = world.dep("ensure")
    assert r.returncode == 1
    assert r.stderr.startswith(
        f"Solving failure: No versions of {UTIL} met constraints:\n\tv2.0.0: Could not introduce {UTIL}@v2.0.0, "
        f"as it is not allowed by constraint 9.9.9 from project {LIB}.\n")
    assert not (world.project / "Gopkg.lock").exists() and not (world.project / "vendor").exists()


def test_vanished_upstream_is_a_solving_failure(ensured):
    """dep wraps every error of the solve, a source that cannot be listed included."""
    ensured.tag("lib", "v1.2.0", {"lib.go": LIB_GO.format(v="lib1.2")})
    before = ensured.snapshot()
    os.rename(ensured.repos["util"], str(ensured.repos["util"]) + ".gone")
    r = ensured.dep("ensure", "-update")
    assert r.returncode == 1
    assert r.stderr.startswith(f"Solving failure: failed to list versions for https://{UTIL}: "), r.stderr
    assert ensured.snapshot() == before


def test_no_go_code(world):
    (world.project / "main.go").unlink()
    r = world.dep("ensure")
    assert (r.returncode, r.stderr) == (1, "no dirs contained any Go code\n")
