"""The plain-words account of a failed solve: versions of a project that failed for the same
reason are told once, with a compact list of the versions; gps's own text is left as it is."""

from __future__ import annotations

import pytest

from dep.manifest import Manifest, ProjectProperties
from dep.solver import solve
from dep.solver.failures import NoVersionError
from dep.solver.memory import MemoryBridge
from dep.sources.vcs import SourceError
from dep.versions import parse_constraint
from tests.solver.test_solve import params, pv

X = "github.com/x/y"
A, B, S = "example.com/a", "example.com/b", "example.com/s"
FOUR = [f"v1.{i}.0" for i in range(4)]


def failure(imports: list[str], universe, bridge=MemoryBridge, **kw) -> NoVersionError:
    with pytest.raises(NoVersionError) as info:
        solve(params(imports, **kw), bridge(universe))
    return info.value


def constraint(name: str, text: str) -> Manifest:
    return Manifest(constraints={name: ProjectProperties("", parse_constraint(text))})


def test_fifteen_versions_missing_a_package_are_one_sentence():
    err = failure([X + "/z"], [pv(X, f"v1.{i}.0", packages={X: []}) for i in range(15)])
    assert len(str(err).splitlines()) == 16  # gps's text still names every version
    assert err.explanation == (
        "In plain words:\n"
        f"  No version of {X} fits with the projects already chosen.\n"
        f"  Rules on {X} at that point:\n"
        "    - any version (imported by your project, no constraint)\n"
        "  Versions tried: v1.14.0 … v1.0.0 (15 versions)\n"
        f"  None of the 15 versions of {X} contains package {X}/z, which your project imports.\n"
        "What you can try:\n"
        "  - check those import paths; list packages you do not need under ignored in Gopkg.toml")


def test_mixed_reasons_are_grouped_by_reason_in_the_order_tried():
    """v2.x are outside the constraint; v1.9.0 has the package but it imports a path no project
    holds; every other v1 lacks the package: two runs of one group, and v1.9.0 alone."""
    universe = [pv(X, f"v2.{i}.0", packages={X: [], X + "/z": []}) for i in range(2)]
    universe += [pv(X, f"v1.{i}.0", packages={X: []}) for i in range(15) if i != 9]
    universe.append(pv(X, "v1.9.0", packages={X: [], X + "/z": ["nowhere.org/q"]}))
    err = failure([X + "/z"], universe, manifest=constraint(X, "^1.0.0"))
    assert err.explanation.split("  Versions tried:\n", 1)[1] == (
        f"    - v2.1.0, v2.0.0: each of them is outside ^1.0.0 (your Gopkg.toml [[constraint]] for {X}).\n"
        "    - v1.14.0 … v1.10.0, v1.8.0 … v1.0.0 (14 versions): none of them contains package "
        f"{X}/z, which your project imports.\n"
        "    - v1.9.0: no project in the universe contains nowhere.org/q\n"
        "What you can try:\n"
        f"  - change or remove the [[constraint]] for {X} in Gopkg.toml\n"
        "  - check those import paths; list packages you do not need under ignored in Gopkg.toml")


@pytest.mark.parametrize("imports, universe, manifest, sentence", [
    pytest.param([A, B], [pv(A, v, {B: "^2.0.0"}) for v in FOUR] + [pv(B, "1.0.0")], None,
                 f"Each of the 4 versions of {A} requires {B} ^2.0.0, but {B} 1.0.0 is already chosen.",
                 id="constraint-not-allowed"),
    pytest.param([A, S], [pv(A, v, {S: "^2.0.0"}) for v in FOUR] + [pv(S, "1.0.0"), pv(S, "2.0.0")],
                 constraint(S, "^1.0.0"),
                 f"Each of the 4 versions of {A} requires {S} ^2.0.0, which cannot hold together with:\n"
                 f"    - ^1.0.0 (your Gopkg.toml [[constraint]] for {S})",
                 id="disjoint"),
    pytest.param([A, B], [pv(A, v, packages={A: ["example.com/B"]}) for v in FOUR] + [pv(B, "1.0.0")], None,
                 f'Each of the 4 versions of {A} imports "example.com/B", but your project already imported '
                 'it as "example.com/b"; Go needs one spelling per project.',
                 id="case-variant"),
    pytest.param([A], [pv(A, v) for v in FOUR], constraint(A, "^2.0.0"),
                 f"Each of the 4 versions of {A} is outside ^2.0.0 (your Gopkg.toml [[constraint]] for {A}).",
                 id="version-not-allowed"),
])
def test_every_kind_of_shared_reason_is_told_once(imports, universe, manifest, sentence):
    kw = {"manifest": manifest} if manifest else {}
    err = failure(imports, universe, **kw)
    assert f"  Versions tried: v1.3.0 … v1.0.0 (4 versions)\n  {sentence}\n" in err.explanation
    assert "@v1." not in err.explanation.split("Versions tried")[1]


class UnreadableA(MemoryBridge):
    """Every version of example.com/a names a commit its repository lacks."""

    def list_packages(self, project, version):
        if project.root == A:
            raise SourceError(f"revision {version.revision} does not exist in https://{A}", f"https://{A}")
        return super().list_packages(project, version)


def test_a_source_error_naming_each_revision_is_told_once():
    universe = [pv(A, v, revision=f"{i}" * 40) for i, v in enumerate(FOUR)]
    err = failure([A], universe, bridge=UnreadableA)
    assert f"does not exist in https://{A}" in str(err).splitlines()[1]
    assert err.explanation.split("  Versions tried: ", 1)[1].splitlines()[:2] == [
        "v1.3.0 … v1.0.0 (4 versions)",
        f"  For each of the 4 versions of {A}: revision <revision> does not exist in https://{A}"]


def test_a_version_failing_alone_keeps_its_own_sentence():
    err = failure([A], [pv(A, "v1.1.0"), pv(A, "v1.0.0", packages={A: ["nowhere.org/q"]})],
                  manifest=constraint(A, "~1.0.0"))
    assert err.explanation.split("  Versions tried:\n", 1)[1].splitlines()[:2] == [
        f"    - v1.1.0: {A}@v1.1.0 is outside ~1.0.0 (your Gopkg.toml [[constraint]] for {A}).",
        "    - v1.0.0: no project in the universe contains nowhere.org/q"]
