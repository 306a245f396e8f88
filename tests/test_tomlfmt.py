import pytest

from dep.tomlfmt import string_array, toml_string


# Expected strings were produced by go-toml's encoder as vendored in dep v0.5.4.
@pytest.mark.parametrize("value, expected", [
    ('a"b\\c', '"a\\"b\\\\c"'),
    ("tab\there", '"tab\\there"'),
    ("\x01\x1e\x1f\x7f", '"\\u0001\\u001E\x1f\x7f"'),
    ("\U00010005x", '"\\u0005x"'),  # go-toml truncates runes to 16 bits before comparing
    ("é€😀", '"é€😀"'),
    ("\b\f\r\n", '"\\b\\f\\r\\n"'),
])
def test_toml_string_matches_go_toml(value, expected):
    assert toml_string(value) == expected


def test_arrays_inline_up_to_one_element_then_one_per_line():
    assert string_array("k", [], "  ") == "  k = []\n"
    assert string_array("k", ["."], "  ") == '  k = ["."]\n'
    assert string_array("k", ["a", "b"], "  ") == '  k = [\n    "a",\n    "b",\n  ]\n'
