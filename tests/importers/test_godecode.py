"""What ends up in Go struct fields from YAML (yaml.v2) and JSON (encoding/json)."""

import pytest

from dep.importers.godecode import STRING, STRINGS, DecodeError, List, Struct, decode_json, decode_yaml

ITEM = Struct("pkg.item", {"name": STRING, "tags": STRINGS})
DOC = Struct("pkg.doc", {"title": STRING, "items": List(ITEM)})


def test_yaml_scalars_keep_their_text_and_nulls_stay_empty():
    doc = decode_yaml(b"title: 1.10\nitems:\n- name: yes\n  tags: [~, 'null', 3]\n- ~\n- name: null\nother: [1]\n", DOC)
    assert doc == {"title": "1.10", "items": [{"name": "yes", "tags": ["", "null", "3"]},
                                              {"name": "", "tags": []}, {"name": "", "tags": []}]}


def test_yaml_empty_document_and_type_errors():
    assert decode_yaml(b"", DOC) == {"title": "", "items": []}
    with pytest.raises(DecodeError) as e:
        decode_yaml(b"title:\n  a: b\nitems:\n- just a long string\n", DOC)
    assert str(e.value) == ("yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string\n"
                            "  line 4: cannot unmarshal !!str `just a ...` into pkg.item")
    with pytest.raises(DecodeError, match=r"^yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `hello` into pkg.doc$"):
        decode_yaml(b"hello\n", DOC)


def test_yaml_syntax_error_uses_libyaml_wording():
    with pytest.raises(DecodeError, match=r"^yaml: line 1: (could not find expected ':'|mapping values are not allowed in this context)$"):
        decode_yaml(b"title: a\nitems: b: c\n", DOC)


def test_json_keys_match_case_insensitively_later_values_win():
    doc = decode_json(b'{"TITLE": "a", "title": "b", "Items": [{"NAME": "x", "tags": null}, null], "z": 1}', DOC)
    assert doc == {"title": "b", "items": [{"name": "x", "tags": []}, {"name": "", "tags": []}]}


def test_json_type_errors_report_the_first_after_decoding_the_rest():
    with pytest.raises(DecodeError, match=r"^json: cannot unmarshal array into Go value of type pkg.doc$"):
        decode_json(b"[]", DOC)
    with pytest.raises(DecodeError, match=r"^json: cannot unmarshal bool into Go struct field item.items.name "
                                          r"of type string$"):
        decode_json(b'{"items": [{"name": true, "tags": 3}]}', DOC)


def test_json_syntax_errors():
    with pytest.raises(DecodeError, match=r"^invalid character '\}' looking for beginning of object key string$"):
        decode_json(b'{"title": "a",}', DOC)
    with pytest.raises(DecodeError, match=r"^unexpected end of JSON input$"):
        decode_json(b'{"title": ', DOC)
