"""ensure's offline root mapping for imports under roots the lock already names."""

from dep.ensure import deduce_roots


def test_lock_roots_map_imports_offline_to_the_longest_root():
    known = frozenset({"github.com/a/b", "github.com/a/b/c"})
    # sm=None: none of these may reach the source manager
    assert deduce_roots(["github.com/a/b/c/d", "github.com/a/b/x", "github.com/a/b"], None, known) == [
        "github.com/a/b/c", "github.com/a/b", "github.com/a/b"]
