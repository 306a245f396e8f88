"""Decoding other tools' YAML and JSON files the way Go's yaml.v2 and encoding/json fill structs.

dep reads glide.yaml, Godeps.json, vendor.json... into Go structs whose fields are strings,
string lists, nested structs and lists of them. What ends up in a field, which keys count and
which documents fail (and with what message) follow from Go's decoders, not from YAML or JSON
as such: a YAML number lands in a string field as its text, a YAML null leaves it empty, a list
where a string belongs is a type error (reported once decoding finished, so one bad field fails
the whole file); JSON keys match field names case-insensitively and unknown keys are skipped.

A schema is a ``Struct``: its Go type name (for messages) and its fields, each the key Go
matches (yaml tag, json tag or Go field name) and a kind:
``STRING``, ``STRINGS`` (``[]string``), a ``Struct`` or a ``List`` of one. Decoding returns a
dict with every field present (``""``, ``[]`` or a nested dict when absent).
"""

from __future__ import annotations

from dep.errors import DepError

STRING = "string"
STRINGS = "[]string"


class Struct:
    """A Go struct type: ``name`` as reflect prints it (``glide.glideYaml``), ``fields`` maps
    the key in the file to the kind of the field."""

    def __init__(self, name: str, fields: dict[str, object]) -> None:
        self.name = name
        self.fields = fields

    @property
    def short_name(self) -> str:
        return self.name.rpartition(".")[2]


class List:
    """A Go slice of ``elem`` (``pointer`` for ``[]*T``, which only changes the type's name)."""

    def __init__(self, elem: Struct, pointer: bool = False) -> None:
        self.elem = elem
        self.pointer = pointer


def _type_name(kind: object) -> str:
    if isinstance(kind, Struct):
        return kind.name
    if isinstance(kind, List):
        return "[]" + ("*" if kind.pointer else "") + kind.elem.name
    return str(kind)


def _zero(kind: object):
    if isinstance(kind, Struct):
        return {key: _zero(k) for key, k in kind.fields.items()}
    if kind == STRING:
        return ""
    return []


class DecodeError(DepError):
    """The file is not valid YAML/JSON, or does not fit the struct (Go's error text)."""


# ---------------------------------------------------------------------------------------------
# YAML (gopkg.in/yaml.v2, itself a port of libyaml)

_YAML_TAG = "tag:yaml.org,2002:"


def decode_yaml(data: bytes, schema: Struct) -> dict:
    """yaml.Unmarshal(data, &v): v filled as far as it fits; any syntax or type problem raises."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(data, Loader=loader)
    except yaml.MarkedYAMLError as e:
        raise DecodeError("yaml: " + _yaml_where(e) + (e.problem or "unknown problem parsing YAML content")) from None
    except yaml.YAMLError as e:
        raise DecodeError(f"yaml: {e}") from None
    errors: list[str] = []
    out = _zero(schema)
    if node is not None:
        value = _yaml_value(node, schema, errors)
        if value is not None:
            out = value
    if errors:
        raise DecodeError("yaml: unmarshal errors:\n  " + "\n  ".join(errors))
    return out


def _yaml_where(e) -> str:
    """yaml.v2's ``line N: `` prefix: libyaml's 0-based line of the problem, else of its
    context, printed as is (so it is one less than the editor's line); none for line 0."""
    line = 0
    if e.problem_mark is not None and e.problem_mark.line != 0:
        line = e.problem_mark.line
    elif e.context_mark is not None and e.context_mark.line != 0:
        line = e.context_mark.line
    return f"line {line}: " if line else ""


def _is_null(node) -> bool:
    return node.tag == _YAML_TAG + "null"


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag


def _yaml_terror(node, tag: str, kind: object, errors: list[str]) -> None:
    value = ""
    if tag not in (_YAML_TAG + "seq", _YAML_TAG + "map"):
        text = node.value
        value = " `" + (text[:7] + "..." if len(text) > 10 else text) + "`"
    errors.append(f"line {node.start_mark.line + 1}: cannot unmarshal {_short_tag(tag)}{value} into {_type_name(kind)}")


def _yaml_value(node, kind: object, errors: list[str]):
    """The decoded value, or None when the node leaves the target untouched (null, type error)."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        if _is_null(node):
            return _zero(kind)
        if kind == STRING:
            return node.value
        _yaml_terror(node, node.tag, kind, errors)
        return None
    if isinstance(node, yaml.SequenceNode):
        if isinstance(kind, List) or kind == STRINGS:
            elem = kind.elem if isinstance(kind, List) else STRING
            items = (_yaml_value(child, elem, errors) for child in node.value)
            return [v for v in items if v is not None]
        _yaml_terror(node, _YAML_TAG + "seq", kind, errors)
        return None
    if not isinstance(kind, Struct):
        _yaml_terror(node, _YAML_TAG + "map", kind, errors)
        return None
    out = _zero(kind)
    for key_node, value_node in node.value:
        key = _yaml_value(key_node, STRING, errors)
        if key in kind.fields:
            value = _yaml_value(value_node, kind.fields[key], errors)
            if value is not None:
                out[key] = value
    return out


# ---------------------------------------------------------------------------------------------
# JSON (encoding/json, Go 1.19)


def decode_json(data: bytes, schema: Struct) -> dict:
    """json.Unmarshal(data, &v); syntax errors raise with Python's wording in Go's frame, type
    errors with Go's (the first one, after decoding everything else)."""
    import json

    try:
        doc = json.loads(data.decode("utf-8", "replace"), object_pairs_hook=_Pairs)
    except json.JSONDecodeError as e:
        if e.pos >= len(e.doc.rstrip()):
            raise DecodeError("unexpected end of JSON input") from None
        raise DecodeError(f"invalid character {_go_char(e.doc[e.pos])} {_json_context(e)}") from None
    errors: list[str] = []
    value = _json_value(doc, schema, errors, None, [])
    if errors:
        raise DecodeError(errors[0])
    return value if value is not None else _zero(schema)


class _Pairs(list):
    """A JSON object as its (key, value) pairs in file order (Go applies duplicates in turn)."""


def _go_char(ch: str) -> str:
    from dep.gofmt import go_quote_rune

    return go_quote_rune(ord(ch))


def _json_context(e) -> str:
    msg = e.msg
    if msg.startswith("Expecting property name"):
        return "looking for beginning of object key string"
    if msg.startswith("Expecting ':'"):
        return "after object key"
    if msg.startswith("Expecting ',' delimiter") and "{" in e.doc[:e.pos]:
        return "after object key:value pair" if _innermost(e.doc, e.pos) == "{" else "after array element"
    if msg.startswith("Extra data"):
        return "after top-level value"
    return "looking for beginning of value"


def _innermost(doc: str, pos: int) -> str:
    """The innermost open bracket before ``pos`` (ignoring strings), to word a delimiter error."""
    stack, in_str, esc = [], False, False
    for ch in doc[:pos]:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            stack.append(ch)
        elif ch in "]}" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _json_kind_name(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, _Pairs):
        return "object"
    return "array"


def _json_terror(value, kind: object, errors: list[str], owner: Struct | None, path: list[str]) -> None:
    what = _json_kind_name(value)
    if owner is None:
        errors.append(f"json: cannot unmarshal {what} into Go value of type {_type_name(kind)}")
    else:
        errors.append(f"json: cannot unmarshal {what} into Go struct field {owner.short_name}."
                      f"{'.'.join(path)} of type {_type_name(kind)}")


def _json_value(value, kind: object, errors: list[str], owner: Struct | None, path: list[str]):
    if value is None:
        return _zero(kind)
    if kind == STRING:
        if isinstance(value, str):
            return value
    elif isinstance(kind, List) or kind == STRINGS:
        if isinstance(value, list) and not isinstance(value, _Pairs):
            elem = kind.elem if isinstance(kind, List) else STRING
            out = []
            for item in value:
                decoded = _json_value(item, elem, errors, owner, path)
                out.append(decoded if decoded is not None else _zero(elem))
            return out
    elif isinstance(value, _Pairs):
        out = _zero(kind)
        by_fold = {}
        for key in kind.fields:
            by_fold.setdefault(key.lower(), key)
        for key, item in value:
            field = key if key in kind.fields else by_fold.get(key.lower())
            if field is None:
                continue
            decoded = _json_value(item, kind.fields[field], errors, kind, path + [field])
            if decoded is not None:
                out[field] = decoded
        return out
    _json_terror(value, kind, errors, owner, path)
    return None
