from dep.graphviz import fnv1a_32, is_path_prefix, render


def test_node_ids_are_fnv1a_32_of_the_root():
    assert fnv1a_32("github.com/golang/notexist") == 388407825  # dep's conformance case status/case1/dot
    assert fnv1a_32("github.com/sdboyer/deptest") == 2304687900
    assert fnv1a_32("") == 2166136261


def test_path_prefix_is_by_path_element():
    assert is_path_prefix("github.com/a/b/c", "github.com/a/b")
    assert is_path_prefix("github.com/a/b", "github.com/a/b")
    assert not is_path_prefix("github.com/a/bc", "github.com/a/b")


def test_render_as_dep_case1():
    nodes = [("github.com/golang/notexist", "", ["github.com/sdboyer/deptest", "github.com/sdboyer/deptestdos"]),
             ("github.com/sdboyer/deptest", "v0.8.0", []),
             ("github.com/sdboyer/deptestdos", "v2.0.0", ["github.com/sdboyer/deptest", "github.com/sdboyer/deptest/x"])]
    assert render(nodes) == (
        "digraph {\n\tnode [shape=box];\n"
        '\t388407825 [label="github.com/golang/notexist"];\n'
        '\t2304687900 [label="github.com/sdboyer/deptest\\nv0.8.0"];\n'
        '\t2659405890 [label="github.com/sdboyer/deptestdos\\nv2.0.0"];\n'
        "\t388407825 -> 2304687900;\n\t388407825 -> 2659405890;\n\t2659405890 -> 2304687900;\n}\n")
