"""dep.why's pure parts: stanza text and JSON, the breadth-first walk's choices (go's
buildStacks order, -m's shallowest-then-sorted pick), and the cached tree form."""

from __future__ import annotations

from dep.pkgtree import IgnoredRuleset, Package, PackageError, PackageOrErr, PackageTree
from dep.why import Answer, _Pkg, _Search, _tree_from_json, _tree_to_json, render


def test_stanzas_as_go_mod_why_prints_them():
    answers = [Answer("x/b", False, ("x/app", "x/b"), "imports"),
               Answer("x/c", True, (), "nothing imports it"),
               Answer("x/t/lib", False, ("x/t/gen", "x/t/lib"), "required")]
    assert render(answers) == ("# x/b\nx/app\nx/b\n\n"
                               "# x/c\n(main module does not need module x/c: nothing imports it)\n\n"
                               "# x/t/lib\n(required by Gopkg.toml)\nx/t/gen\nx/t/lib\n")
    assert answers[1].text(vendor=True) == "# x/c\n(main module does not need to vendor module x/c: nothing imports it)\n"
    assert [a.to_json()["Needed"] for a in answers] == [True, False, True]


class _Graph:
    """A fixed graph: path -> (imports, test imports); root packages start with x/app."""

    def __init__(self, pkgs: dict, ignored=()) -> None:
        self.pkgs = {p: _Pkg(tuple(i), tuple(t)) for p, (i, t) in pkgs.items()}
        self.ignore = IgnoredRuleset(ignored)
        self.loaded: list[str] = []

    def roots(self, ignored: bool):
        return sorted(p for p in self.pkgs if self.is_root_package(p))

    def is_root_package(self, p: str) -> bool:
        return p.startswith("x/app")

    def package(self, path: str, ignored: bool):
        self.loaded.append(path)
        return self.pkgs.get(path)


def test_search_imports_before_tests_and_stops_early():
    g = _Graph({"x/app": (["x/a", "x/m"], ["x/rt"]), "x/a": (["x/b"], ["x/ct"]), "x/m": (["x/b"], []),
                "x/b": (["x/c"], []), "x/c": ([], []), "x/rt": ([], []), "x/ct": ([], [])})
    s = _Search(g, ignored=False, dep_tests=False)
    assert s.find(lambda p: p == "x/m", False) == ("x/app", "x/m")
    assert "x/b" not in g.loaded  # only as far as the question needs
    assert s.find(lambda p: p == "x/rt", False) == ("x/app", "x/app.test", "x/rt")
    assert s.find(lambda p: p == "x/c", False) == ("x/app", "x/a", "x/b", "x/c")
    assert s.find(lambda p: p == "x/ct", False) == ()  # dependencies' tests are not followed
    assert _Search(g, False, True).find(lambda p: p == "x/ct", False) == ("x/app", "x/a", "x/a.test", "x/ct")


def test_module_pick_is_shallowest_then_sorted_not_first_met():
    g = _Graph({"x/app": (["x/a", "x/m"], []), "x/a": (["x/c/y"], []), "x/m": (["x/c/x"], []),
                "x/c/y": ([], []), "x/c/x": ([], [])})
    in_c = lambda p: p.startswith("x/c/")  # noqa: E731
    assert _Search(g, False, False).find(in_c, True) == ("x/app", "x/m", "x/c/x")


def test_ignored_imports_are_not_followed_unless_asked():
    g = _Graph({"x/app": (["x/i"], []), "x/i": (["x/c"], []), "x/c": ([], [])}, ignored=["x/i"])
    assert _Search(g, False, False).find(lambda p: p == "x/c", False) == ()
    assert _Search(g, True, False).find(lambda p: p == "x/c", False) == ("x/app", "x/i", "x/c")


def test_cached_tree_round_trips():
    tree = PackageTree("x/c", {
        "x/c": PackageOrErr(Package("x/c", "c", "x/c", ("fmt", "x/c/d"), ("testing",))),
        "x/c/d": PackageOrErr(error=PackageError(PackageError.NO_GO, "no Go files in /d")),
        "x/c/bad": PackageOrErr(error=PackageError(PackageError.LOCAL_IMPORTS, "local", ("./z",)))})
    assert _tree_from_json("x/c", _tree_to_json(tree)) == tree
