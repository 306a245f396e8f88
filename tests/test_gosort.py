"""dep.gosort against Go's own sort: the expected permutations were produced by go1.19.8's
sort.Sort and sort.Slice (and, for the heapsort fallback, by go1.19.8's pdqsort from
src/sort/zsortinterface.go compiled with a small bad-pivot limit) on exactly the inputs
``_cases`` generates, sorting (key, index) pairs by key only, so ties show Go's unstable order.
A Python stable sort disagrees with most of them.
"""

import hashlib

from dep.gosort import _Sorter, go_sort
from dep.versions import PairedVersion, parse_version, sort_for_downgrade, sort_for_upgrade

# Shapes: random keys with few or many distinct values, sorted, reversed, nearly sorted and
# organ pipes; lengths from 0 to 2000 (insertion sort up to 12, median of three, ninther from 50).
SHAPES = ("random", "sorted", "reversed", "nearly", "pipe")


def _lcg(seed: int):
    x = seed
    while True:
        x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
        yield x >> 33


def _cases(count: int, seed: int):
    """(shape, keys) pairs, deterministic (no dependence on Python's random)."""
    rnd = _lcg(seed)
    lengths = (16, 61, 301, 2001)
    for _ in range(count):
        n = next(rnd) % lengths[next(rnd) % 4]
        m = (1, 2, 3, 5, n // 3 + 1, n + 1, 10 * n + 1)[next(rnd) % 7]
        shape = SHAPES[next(rnd) % len(SHAPES)]
        keys = [next(rnd) % m for _ in range(n)]
        if shape == "sorted":
            keys.sort()
        elif shape == "reversed":
            keys.sort(reverse=True)
        elif shape == "nearly":
            keys.sort()
            for _ in range(1 + next(rnd) % 4):
                if n > 1:
                    i, j = next(rnd) % n, next(rnd) % n
                    keys[i], keys[j] = keys[j], keys[i]
        elif shape == "pipe":
            keys = [k % m for k in list(range(n // 2)) + list(range(n - n // 2, 0, -1))]
        yield shape, keys


def _by_key(x, y) -> bool:
    return x[0] < y[0]


def _go_order(keys: list[int]) -> list[int]:
    items = [(k, i) for i, k in enumerate(keys)]
    go_sort(items, _by_key)
    return [i for _, i in items]


def _digest(orders) -> str:
    h = hashlib.sha256()
    for order in orders:
        h.update((" ".join(map(str, order)) + "\n").encode())
    return h.hexdigest()


def test_small_cases_match_go():
    # sort.Sort in go1.19.8 on these keys (indices of the sorted result).
    assert _go_order([3, 1, 2, 1, 3]) == [1, 3, 2, 0, 4]
    assert _go_order([1] * 13 + [0]) == [13, 6, 2, 3, 4, 5, 0, 7, 8, 9, 10, 11, 12, 1]
    assert _go_order([0] * 8 + [1] * 8 + [0] * 8) == [
        18, 21, 2, 3, 4, 5, 6, 7, 22, 20, 23, 1, 19, 0, 17, 16, 15, 12, 13, 14, 9, 11, 8, 10]


def test_thousand_cases_match_go_sort():
    """1,000 inputs, up to 2,000 elements each: sort.Sort and sort.Slice gave these orders."""
    assert _digest(_go_order(keys) for _, keys in _cases(1000, 10)) == GO_SORT_DIGEST


def test_heapsort_fallback_matches_go():
    """pdqsort with a bad-pivot budget of 0..3, so heapsort and breakPatterns run."""
    orders = []
    for k, (_, keys) in enumerate(_cases(400, 11)):
        items = [(key, i) for i, key in enumerate(keys)]
        _Sorter(items, _by_key).pdqsort(0, len(items), k % 4)
        orders.append([i for _, i in items])
    assert _digest(orders) == GO_PDQSORT_LIMIT_DIGEST


def test_stable_sort_would_differ():
    """The digests above really tell Go's order from a stable sort."""
    stable = (sorted(range(len(keys)), key=keys.__getitem__) for _, keys in _cases(1000, 10))
    assert _digest(stable) != GO_SORT_DIGEST


def _listing(tags: list[str]) -> list:
    return [PairedVersion(parse_version(t), f"{k:040x}") for k, t in enumerate(tags)]


def test_equal_semver_tags_in_go_order():
    """A mergo-like listing (git ls-remote order: refname order, so ``0.3.12`` before
    ``v0.3.12``): dep v0.5.4 picks ``v0.3.12``; with 12 versions or fewer Go's insertion
    sort keeps the listing order, so ``1.2.0`` wins there."""
    mergo = sorted([f"0.1.{p}" for p in range(4)] + [f"0.2.{p}" for p in range(5)]
                   + [f"0.3.{p}" for p in range(13)] + [f"v0.3.{p}" for p in range(7, 13)])
    assert str(sort_for_upgrade(_listing(mergo))[0]) == "v0.3.12"
    assert str(sort_for_upgrade(_listing(["1.0.0", "1.1.0", "1.2.0", "v1.2.0"]))[0]) == "1.2.0"
    assert [str(v) for v in sort_for_downgrade(_listing(["1.0.0", "v1.0.0", "0.9.0"]))] == ["0.9.0", "1.0.0", "v1.0.0"]


def test_go_sort_edge_lengths():
    for n in (0, 1, 2):
        items = list(range(n))[::-1]
        go_sort(items, lambda a, b: a < b)
        assert items == list(range(n))


# sha256 over the orders go1.19.8 printed (one line per case, indices separated by spaces);
# cases alternate between sort.Sort and sort.Slice, which gave the same orders.
GO_SORT_DIGEST = "688fc70b2cb5dda74608a436758ec2c76a85d1e44550706fbe9a5611625f428f"
GO_PDQSORT_LIMIT_DIGEST = "e432af9d0a97fd5c34e7f09d9d8240d374f8afe5725a9eb959be0af9fc98c89f"
