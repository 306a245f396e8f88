"""The slice of go-toml's encoder that dep's files depend on, reproduced byte for byte.

dep writes Gopkg.toml and Gopkg.lock with go-toml's "arrays one element per line" encoder;
matching its quirks exactly is what lets a team mix dep and this tool.
"""

from __future__ import annotations

_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def toml_string(value: str) -> str:
    """A quoted TOML basic string as go-toml spells it.

    go-toml escapes control characters by truncating the rune to 16 bits and comparing it
    with 0x1F (strictly less), so 0x1F itself stays raw and a few astral runes get escaped.
    """
    out = []
    for ch in value:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif (ord(ch) & 0xFFFF) < 0x1F:
            out.append(f"\\u{ord(ch) & 0xFFFF:04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def string_array(key: str, values: list[str], indent: str) -> str:
    """``key = [...]`` at ``indent``: inline for zero or one element, else one per line."""
    if len(values) <= 1:
        return f"{indent}{key} = [{''.join(toml_string(v) for v in values)}]\n"
    inner = indent + "  "
    lines = "".join(f"{inner}{toml_string(v)},\n" for v in values)
    return f"{indent}{key} = [\n{lines}{indent}]\n"
