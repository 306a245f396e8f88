"""dep's rules for turning another tool's entries into constraints and lock entries."""

import pytest

from dep.importers.base import ImportedPackage, Importer
from tests.importers.conftest import ROOT, Run


class Direct(Importer):
    """Feeds the packages given to it straight into the shared conversion."""

    name = "test"
    config = "cfg"

    def __init__(self, sm, log, verbose, packages=(), from_lock=True):
        super().__init__(sm, log, verbose)
        self.packages = list(packages)
        self.from_lock = from_lock

    def convert(self, files, root):
        self.import_packages(self.packages, self.from_lock)


@pytest.fixture
def convert(sm):
    def run(*packages, from_lock=True, verbose=False) -> Run:
        log = []
        importer = Direct(sm, log.append, verbose, packages, from_lock)
        manifest, lock = importer.import_config(None, ROOT)
        return Run(manifest, lock, log)
    return run


LIB = "github.com/acme/lib"


def test_tag_lock_hint_gives_caret_constraint_and_paired_lock(convert, upstream_repos):
    rev = upstream_repos.lib.rev("v1.0.0")
    r = convert(ImportedPackage(LIB, lock_hint="v1.0.0"))
    assert r.constraints() == {LIB: ("^1.0.0", "")}
    assert r.locked() == {LIB: ("v1.0.0", rev, "")}
    assert r.log == [f"  Using ^1.0.0 as initial constraint for imported dep {LIB}",
                     f"  Trying v1.0.0 ({rev[:7]}) as initial lock for imported dep {LIB}"]


def test_revision_hint_is_paired_with_its_tag(convert, upstream_repos):
    r = convert(ImportedPackage(LIB + "/sub", lock_hint=upstream_repos.lib.rev("v1.1.0")))
    assert r.locked()[LIB][0] == "v1.1.0"
    assert r.constraints() == {LIB: ("^1.1.0", "")}


def test_branch_tip_revision_becomes_a_branch_constraint(convert, upstream_repos):
    from dep.manifest import render_manifest

    r = convert(ImportedPackage(LIB, lock_hint=upstream_repos.lib.commits[3]))
    assert r.locked() == {LIB: ("master", upstream_repos.lib.commits[3], "")}
    assert render_manifest(r.manifest) == f'\n[[constraint]]\n  branch = "master"\n  name = "{LIB}"\n'


def test_revision_on_no_ref_is_locked_bare_without_constraint(convert, upstream_repos):
    rev = upstream_repos.lib.commits[2]
    r = convert(ImportedPackage(LIB, lock_hint=rev))
    assert r.constraints() == {}
    assert r.locked() == {LIB: ("", rev, "")}
    assert r.log == [f"  Trying * ({rev[:7]}) as initial lock for imported dep {LIB}"]


def test_branch_constraint_hint_pairs_an_unlisted_revision(convert, upstream_repos):
    rev = upstream_repos.lib.commits[2]
    r = convert(ImportedPackage(LIB, lock_hint=rev, constraint_hint="dev"))
    assert r.constraints() == {LIB: ("dev", "")}
    assert r.locked() == {LIB: ("dev", rev, "")}


def test_plain_tag_constraint_is_pinned_and_dropped(convert, upstream_repos):
    r = convert(ImportedPackage("github.com/acme/tool", lock_hint="release-1"), verbose=True)
    assert r.constraints() == {}
    assert r.locked() == {"github.com/acme/tool": ("release-1", upstream_repos.tool.rev("release-1"), "")}
    assert "  Ignoring pinned constraint release-1 for github.com/acme/tool." in r.log


def test_constraint_hint_kept_when_it_allows_the_lock(convert, upstream_repos):
    r = convert(ImportedPackage(LIB, lock_hint=upstream_repos.lib.rev("v1.0.0"), constraint_hint="^1.0.0"))
    assert r.constraints() == {LIB: ("^1.0.0", "")}


def test_constraint_hint_dropped_when_it_excludes_the_lock(convert, upstream_repos):
    r = convert(ImportedPackage(LIB, lock_hint="v1.0.0", constraint_hint="~1.1.0"), verbose=True)
    assert r.constraints() == {}
    assert (f"  Ignoring constraint ~1.1.0 for {LIB} because it would invalidate the locked version v1.0.0."
            in r.log)


def test_range_without_lock_is_dropped_even_for_glide(convert):
    r = convert(ImportedPackage(LIB, constraint_hint="v1.0.0"), from_lock=False, verbose=True)
    assert r.constraints() == {} and r.locked() == {}
    assert r.log == [f"  Ignoring constraint ^1.0.0 for {LIB} because it would invalidate the locked version <nil>."]


def test_sources(convert):
    r = convert(ImportedPackage(LIB, source="https://github.com/acme/lib"),
                ImportedPackage("github.com/acme/tool", source="https://github.com/acme/lib"),
                ImportedPackage("github.com/acme/missing", source="https://example.com/x/vendor/y"))
    assert r.constraints() == {"github.com/acme/tool": ("*", "https://github.com/acme/lib")}
    assert r.log == [
        "  Using * as initial constraint for imported dep github.com/acme/tool",
        "  Ignoring imported source https://example.com/x/vendor/y for github.com/acme/missing because "
        "vendored sources aren't supported"]


def test_packages_of_one_project_are_merged_first_value_wins(convert, upstream_repos):
    r = convert(ImportedPackage(LIB + "/sub", constraint_hint="^1.0.0"),
                ImportedPackage(LIB, lock_hint="v1.1.0", constraint_hint="~1.0.0"))
    assert r.constraints() == {LIB: ("^1.0.0", "")}
    assert r.locked() == {LIB: ("v1.1.0", upstream_repos.lib.rev("v1.1.0"), "")}


def test_undeducible_and_unreachable_projects_are_skipped(convert):
    r = convert(ImportedPackage("github.com/acme"), ImportedPackage("github.com/acme/missing", lock_hint="abc"))
    assert r.constraints() == {} and r.locked() == {}
    assert r.log[0] == ("  Warning: Skipping project. Cannot determine the project root for github.com/acme: "
                        "github.com/acme is not a valid path for a source on github.com")
    assert r.log[1].startswith('  Warning: Skipping project. Unable to import lock "abc" for '
                               "github.com/acme/missing: unable to list versions for github.com/acme/missing(): ")
