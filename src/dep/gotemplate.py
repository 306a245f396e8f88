"""Go's text/template, as ``dep status -f`` uses it: same syntax, output and error messages.

Covered: text and trim markers, comments, fields, chains, variables (declare, assign),
pipelines with parentheses, if/else if/else, range (one or two variables, else, break,
continue), with, the builtin functions (and, or, not, len, index, slice, print, printf,
println, eq, ne, lt, le, gt, ge, html, js, urlquery, call) and the functions a caller
registers. Not covered: define, template and block (parse error), complex numbers, methods
other than a Stringer's String, and in printf Go-syntax ``%#v`` and ``%x``/``%b`` of floats.
Templates and outputs were checked against Go 1.19 on ~10,000 generated templates.

Template data is made of Python values standing for Go ones: ``str``, ``bool``, ``int``,
``float``, ``None`` (nil), :class:`Slice` (or a list), :class:`Struct` and :class:`Stringer`.
Go counts template positions in bytes; so do the error locations here.
"""

from __future__ import annotations

from dep.errors import DepError
from dep.gofmt import go_float, go_quote, go_quote_rune


class TemplateError(DepError):
    """A parse or execution error, worded as Go's; ``output`` is what execution wrote first."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


# --------------------------------------------------------------------------------------------
# Values


class Struct:
    """A Go struct value: its type's name (``main.rawStatus``), fields in declaration order,
    and whether the template sees a pointer to it (``*main.OldStatus``)."""

    __slots__ = ("type_name", "fields", "pointer")

    def __init__(self, type_name: str, fields: dict, pointer: bool = False) -> None:
        self.type_name = type_name
        self.fields = fields
        self.pointer = pointer


class Slice(list):
    """A Go slice with its element type (``string`` for ``[]string``)."""

    def __init__(self, elem: str, items=()) -> None:
        super().__init__(items)
        self.elem = elem


class Stringer:
    """A value of a named Go type printed through its String method (a gps.Constraint, a
    gps.Revision). ``string_kind``: the type's underlying kind is string, so eq and lt take it."""

    __slots__ = ("text", "type_name", "string_kind")

    def __init__(self, text: str, type_name: str, string_kind: bool = False) -> None:
        self.text = text
        self.type_name = type_name
        self.string_kind = string_kind


class Function:
    """A function the template may call: ``params`` are Go type names (``int``, ``string``,
    ``[]string``, ``any``), the last one repeated when ``variadic``."""

    __slots__ = ("fn", "params", "variadic")

    def __init__(self, fn, params: tuple[str, ...], variadic: bool = False) -> None:
        self.fn = fn
        self.params = params
        self.variadic = variadic


class _Byte(int):
    """A byte of a string, as ``index`` gives it (a Go uint8)."""


class _Missing:
    """No value from a previous pipeline stage (Go's missingVal)."""


MISSING = _Missing()


def go_type(v) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "uint8" if isinstance(v, _Byte) else "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, Slice):
        return "[]" + v.elem
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, Struct):
        return ("*" if v.pointer else "") + v.type_name
    return v.type_name


def _assignable(v, typ: str) -> bool:
    return typ == "any" or go_type(v) == typ


# --------------------------------------------------------------------------------------------
# fmt: Sprint, Sprintln, Sprintf with %v as Go prints these values


def format_value(v, plus: bool = False, top: bool = True) -> str:
    """fmt's ``%v`` (``%+v`` with ``plus``)."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, Stringer):
        return v.text
    return _format_one("v", v, "P" if plus else "", None, None, top)


def sprint(args: list) -> str:
    """fmt.Sprint: a space between operands when neither side is a string."""
    out = []
    for i, a in enumerate(args):
        if i and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(format_value(a))
    return "".join(out)


def sprintln(args: list) -> str:
    return " ".join(format_value(a) for a in args) + "\n"


def _pad(s: str, width: int | None, minus: bool, zero: bool = False) -> str:
    if width is None or len(s) >= width:
        return s
    if minus:
        return s + " " * (width - len(s))
    if zero:  # after the sign of a number; strings are padded with zeros too
        sign = s[0] if s[:1] in ("-", "+") else ""
        return sign + "0" * (width - len(s)) + s[len(sign):]
    return " " * (width - len(s)) + s


def _bad_verb(verb: str, arg, flags: str, width: int | None, prec: int | None) -> str:
    """``%!d(string=x)``: the operand printed with %v and the same flags."""
    if arg is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type(arg)}={_format_one('v', arg, flags, width, prec)})"


def _format_int(n: int, verb: str, plus: bool, space: bool, sharp: bool, prec: int | None) -> str:
    digits = {"d": str, "x": lambda x: format(x, "x"), "X": lambda x: format(x, "X"),
              "o": lambda x: format(x, "o"), "b": lambda x: format(x, "b")}[verb](abs(n))
    if prec is not None:
        digits = digits.rjust(prec, "0") if prec or n else ""
    if sharp:
        digits = {"x": "0x", "X": "0X", "o": "0", "b": ""}.get(verb, "") + digits
    sign = "-" if n < 0 else "+" if plus else " " if space else ""
    return sign + digits


def _format_one(verb: str, arg, flags: str, width: int | None, prec: int | None, top: bool = True) -> str:
    """One operand; slices and structs take the verb element by element, as fmt does.
    ``flags``: fmt's flags, with %+v's plus given as ``P`` (field names, no signs)."""
    if isinstance(arg, list):
        return "[" + " ".join(_format_one(verb, e, flags, width, prec, False) for e in arg) + "]"
    if isinstance(arg, Struct):
        fields = " ".join((f"{k}:" if "P" in flags else "")
                          + _format_one(verb, f, flags, width, prec, False) for k, f in arg.fields.items())
        return ("&" if arg.pointer and top else "") + "{" + fields + "}"
    minus, plus, sharp, zero, space = ("-" in flags, "+" in flags, "#" in flags, "0" in flags, " " in flags)
    is_int = isinstance(arg, int) and not isinstance(arg, bool)
    if verb == "v" and (is_int or isinstance(arg, float)):
        verb = "d" if is_int else "g"
    text = None
    if verb == "v":
        text = go_quote(arg) if isinstance(arg, str) and sharp else format_value(arg)
        if isinstance(arg, (str, Stringer)) and prec is not None and not sharp:
            text = text[:prec]
    elif verb == "s" and isinstance(arg, (str, Stringer)):
        text = format_value(arg)[:prec] if prec is not None else format_value(arg)
    elif verb == "q" and isinstance(arg, (str, Stringer)):
        text = go_quote(format_value(arg)[:prec] if prec is not None else format_value(arg))
    elif verb == "q" and is_int:
        text = go_quote_rune(arg)
    elif verb == "c" and is_int:
        text = chr(arg) if 0 <= arg <= 0x10FFFF and not 0xD800 <= arg <= 0xDFFF else "\ufffd"
    elif verb == "U" and is_int:
        from dep.gofmt import go_sharp_u

        text = go_sharp_u(arg) if sharp else f"U+{arg & 0xFFFFFFFFFFFFFFFF:04X}"
    elif verb == "t" and isinstance(arg, bool):
        text = "true" if arg else "false"
    elif verb in "dxXob" and is_int:
        return _pad(_format_int(arg, verb, plus, space, sharp, prec), width, minus, zero and prec is None)
    elif verb in "xX" and isinstance(arg, (str, Stringer)):
        text = ("0x" if sharp else "") + format_value(arg).encode("utf-8", "surrogateescape").hex()
        text = text.upper() if verb == "X" else text
    elif verb in "feEgG" and isinstance(arg, float):
        if verb in "gG" and prec is None:
            text = go_float(arg) if verb == "g" else go_float(arg).upper()
        else:
            text = format(arg, (f".{prec}" if prec is not None else ".6") + verb)
        if not text.startswith("-") and (plus or space):
            text = ("+" if plus else " ") + text
        return _pad(text, width, minus, zero)
    if text is None:
        return _bad_verb(verb, arg, flags, width, prec)
    return _pad(text, width, minus, zero)


def sprintf(fmt: str, args: list) -> str:
    """fmt.Sprintf for the verbs v s q d x X o b c t f e E g G and %%, with flags, width and
    precision; Go's ``%!v(MISSING)``, ``%!d(string=x)`` and ``%!(EXTRA ...)`` markers."""
    out = []
    i, n, argi = 0, len(fmt), 0
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        flags = ""
        while i < n and fmt[i] in "-+# 0":
            flags += fmt[i]
            i += 1
        width = prec = None
        k = i
        while i < n and fmt[i].isdigit():
            i += 1
        if i > k:
            width = int(fmt[k:i])
        if i < n and fmt[i] == ".":
            i += 1
            k = i
            while i < n and fmt[i].isdigit():
                i += 1
            prec = int(fmt[k:i] or "0")
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "v":  # %+v asks for field names, not signs
            flags = flags.replace("+", "P")
        if verb == "%":
            out.append("%")
            continue
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(_format_one(verb, args[argi], flags, width, prec))
        argi += 1
    if argi < len(args):
        extra = ", ".join(f"{go_type(a)}={format_value(a)}" if a is not None else "<nil>" for a in args[argi:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Lexer


_KEYWORDS = {"block", "break", "continue", "define", "else", "end", "if", "nil", "range",
             "template", "with"}
_SPACE = " \t\r\n"


class _Tok:
    __slots__ = ("kind", "pos", "val", "line")

    def __init__(self, kind: str, pos: int, val: str, line: int) -> None:
        self.kind = kind
        self.pos = pos
        self.val = val
        self.line = line

    def __str__(self) -> str:
        """How Go's parser names the token in "unexpected ..." messages."""
        if self.kind == "eof":
            return "EOF"
        if self.kind == "error":
            return self.val
        if self.kind in _KEYWORDS or self.kind == "dot":
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdigit()


def _left_trim_at(t: str, i: int) -> bool:
    """``- `` right after a ``{{`` ending at ``i``."""
    return t[i:i + 1] == "-" and t[i + 1:i + 2] != "" and t[i + 1] in _SPACE


def _right_trim_at(t: str, i: int) -> bool:
    """`` -}}`` at ``i``."""
    return t[i:i + 1] != "" and t[i] in _SPACE and t[i + 1:i + 2] == "-" and t.startswith("}}", i + 2)


class _Lexer:
    """Go's text/template scanner: the whole token list, ending with an eof or error token."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = self.start = 0
        self.line = self.start_line = 1
        self.paren = 0
        self.toks: list[_Tok] = []

    def run(self) -> list[_Tok]:
        state = self.lex_text
        while state is not None:
            state = state()
        return self.toks

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def next(self) -> str:
        ch = self.peek()
        if ch:
            self.pos += 1
            if ch == "\n":
                self.line += 1
        return ch

    def backup(self, ch: str) -> None:
        if ch:
            self.pos -= 1
            if ch == "\n":
                self.line -= 1

    def emit(self, kind: str) -> None:
        self.toks.append(_Tok(kind, self.start, self.text[self.start:self.pos], self.start_line))
        self.start, self.start_line = self.pos, self.line

    def ignore(self) -> None:
        self.line += self.text.count("\n", self.start, self.pos)
        self.start, self.start_line = self.pos, self.line

    def error(self, message: str):
        self.toks.append(_Tok("error", self.start, message, self.start_line))
        return None

    def at_right_delim(self) -> tuple[bool, bool]:
        if _right_trim_at(self.text, self.pos):
            return True, True
        return self.text.startswith("}}", self.pos), False

    def lex_text(self):
        t = self.text
        x = t.find("{{", self.pos)
        if x < 0:
            self.pos = len(t)
            if self.pos > self.start:
                self.line += t.count("\n", self.start, self.pos)
                self.emit("text")
            self.emit("eof")
            return None
        trim = 0
        if _left_trim_at(t, x + 2):
            segment = t[self.start:x]
            trim = len(segment) - len(segment.rstrip(_SPACE))
        self.pos = x - trim
        if self.pos > self.start:
            self.line += t.count("\n", self.start, self.pos)
            self.emit("text")
        self.pos = x
        self.ignore()
        return self.lex_left_delim

    def lex_left_delim(self):
        t = self.text
        self.pos += 2
        after = 2 if _left_trim_at(t, self.pos) else 0
        if t.startswith("/*", self.pos + after):
            self.pos += after
            self.ignore()
            return self.lex_comment
        self.emit("ldelim")
        self.pos += after
        self.ignore()
        self.paren = 0
        return self.lex_inside

    def lex_comment(self):
        self.pos += 2
        i = self.text.find("*/", self.pos)
        if i < 0:
            return self.error("unclosed comment")
        self.pos = i + 2
        delim, trim = self.at_right_delim()
        if not delim:
            return self.error("comment ends before closing delimiter")
        self.pos += (2 if trim else 0) + 2
        if trim:
            rest = self.text[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(_SPACE))
        self.ignore()
        return self.lex_text

    def lex_right_delim(self):
        _, trim = self.at_right_delim()
        if trim:
            self.pos += 2
            self.ignore()
        self.pos += 2
        self.emit("rdelim")
        if trim:
            rest = self.text[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(_SPACE))
            self.ignore()
        return self.lex_text

    def lex_inside(self):
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren == 0:
                return self.lex_right_delim
            return self.error("unclosed left paren")
        ch = self.next()
        if not ch:
            return self.error("unclosed action")
        if ch in _SPACE:
            self.backup(ch)
            return self.lex_space
        if ch == "=":
            self.emit("assign")
        elif ch == ":":
            if self.next() != "=":
                return self.error("expected :=")
            self.emit("declare")
        elif ch == "|":
            self.emit("pipe")
        elif ch == '"':
            return self.lex_quote
        elif ch == "`":
            return self.lex_raw_quote
        elif ch == "$":
            return self.lex_variable
        elif ch == "'":
            return self.lex_char
        elif ch == "." and self.peek() and not "0" <= self.peek() <= "9":
            return self.lex_field
        elif ch in "+-." or "0" <= ch <= "9":
            self.backup(ch)
            return self.lex_number
        elif _is_alnum(ch):
            self.backup(ch)
            return self.lex_identifier
        elif ch == "(":
            self.emit("lparen")
            self.paren += 1
        elif ch == ")":
            self.emit("rparen")
            self.paren -= 1
            if self.paren < 0:
                return self.error("unexpected right paren U+0029 ')'")
        elif ord(ch) < 0x80 and ch.isprintable():
            self.emit("char")
        else:
            from dep.gofmt import go_sharp_u

            return self.error(f"unrecognized character in action: {go_sharp_u(ord(ch))}")
        return self.lex_inside

    def lex_space(self):
        spaces = 0
        while self.peek() and self.peek() in _SPACE:
            self.next()
            spaces += 1
        if _right_trim_at(self.text, self.pos - 1):
            self.backup(self.text[self.pos - 1])
            if spaces == 1:
                return self.lex_right_delim
        self.emit("space")
        return self.lex_inside

    def at_terminator(self) -> bool:
        ch = self.peek()
        if not ch or ch in _SPACE or ch in ".,|:)(":
            return True
        return self.text.startswith("}}", self.pos)

    def _bad_char(self):
        from dep.gofmt import go_sharp_u

        return self.error(f"bad character {go_sharp_u(ord(self.peek()))}")

    def lex_identifier(self):
        while self.peek() and _is_alnum(self.peek()):
            self.next()
        if not self.at_terminator():
            return self._bad_char()
        word = self.text[self.start:self.pos]
        if word in _KEYWORDS:
            self.emit(word)
        elif word in ("true", "false"):
            self.emit("bool")
        else:
            self.emit("ident")
        return self.lex_inside

    def lex_field(self):
        return self._field_or_variable("field")

    def lex_variable(self):
        return self._field_or_variable("variable")

    def _field_or_variable(self, kind: str):
        """After the . or $: a name, or nothing (dot itself, the variable $)."""
        if self.at_terminator():
            self.emit("variable" if kind == "variable" else "dot")
            return self.lex_inside
        while self.peek() and _is_alnum(self.peek()):
            self.next()
        if not self.at_terminator():
            return self._bad_char()
        self.emit(kind)
        return self.lex_inside

    def lex_char(self):
        while True:
            ch = self.next()
            if ch == "\\":
                nxt = self.next()
                if nxt and nxt != "\n":
                    continue
                ch = nxt
            if not ch or ch == "\n":
                return self.error("unterminated character constant")
            if ch == "'":
                break
        self.emit("charconst")
        return self.lex_inside

    def _accept(self, valid: str) -> bool:
        ch = self.peek()
        if ch and ch in valid:
            self.next()
            return True
        return False

    def _accept_run(self, valid: str) -> None:
        while self._accept(valid):
            pass

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        if self.peek() and _is_alnum(self.peek()):
            self.next()
            return False
        return True

    def lex_number(self):
        if not self._scan_number():
            return self.error(f"bad number syntax: {go_quote(self.text[self.start:self.pos])}")
        if self.peek() in ("+", "-") and self.peek():
            if not self._scan_number() or self.text[self.pos - 1] != "i":
                return self.error(f"bad number syntax: {go_quote(self.text[self.start:self.pos])}")
            self.emit("complex")
        else:
            self.emit("number")
        return self.lex_inside

    def lex_quote(self):
        while True:
            ch = self.next()
            if ch == "\\":
                nxt = self.next()
                if nxt and nxt != "\n":
                    continue
                ch = nxt
            if not ch or ch == "\n":
                return self.error("unterminated quoted string")
            if ch == '"':
                break
        self.emit("string")
        return self.lex_inside

    def lex_raw_quote(self):
        while True:
            ch = self.next()
            if not ch:
                return self.error("unterminated raw quoted string")
            if ch == "`":
                break
        self.emit("rawstring")
        return self.lex_inside


# --------------------------------------------------------------------------------------------
# Parse tree. str(node) is Go's Node.String(), which execution errors quote as the context.


class _Node:
    __slots__ = ("pos",)


class _Text(_Node):
    __slots__ = ("text",)

    def __init__(self, pos: int, text: str) -> None:
        self.pos, self.text = pos, text

    def __str__(self) -> str:
        return self.text


class _Dot(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        return "."


class _Nil(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        return "nil"


class _Bool(_Node):
    __slots__ = ("value",)

    def __init__(self, pos: int, value: bool) -> None:
        self.pos, self.value = pos, value

    def __str__(self) -> str:
        return "true" if self.value else "false"


class _Number(_Node):
    """``value``: the constant where no type is expected (a float when spelt with . e or p);
    ``as_int``: its integer value, or None when it has none."""

    __slots__ = ("text", "value", "as_int")

    def __init__(self, pos: int, text: str, value, as_int: int | None) -> None:
        self.pos, self.text, self.value, self.as_int = pos, text, value, as_int

    def __str__(self) -> str:
        return self.text


class _String(_Node):
    __slots__ = ("quoted", "text")

    def __init__(self, pos: int, quoted: str, text: str) -> None:
        self.pos, self.quoted, self.text = pos, quoted, text

    def __str__(self) -> str:
        return self.quoted


class _Identifier(_Node):
    __slots__ = ("name",)

    def __init__(self, pos: int, name: str) -> None:
        self.pos, self.name = pos, name

    def __str__(self) -> str:
        return self.name


class _Field(_Node):
    __slots__ = ("idents",)

    def __init__(self, pos: int, text: str) -> None:
        self.pos, self.idents = pos, text[1:].split(".")

    def __str__(self) -> str:
        return "".join("." + i for i in self.idents)


class _Variable(_Node):
    __slots__ = ("idents",)

    def __init__(self, pos: int, text: str) -> None:
        self.pos, self.idents = pos, text.split(".")

    def __str__(self) -> str:
        return ".".join(self.idents)


class _Chain(_Node):
    __slots__ = ("node", "fields")

    def __init__(self, pos: int, node: _Node, fields: list[str]) -> None:
        self.pos, self.node, self.fields = pos, node, fields

    def __str__(self) -> str:
        head = f"({self.node})" if isinstance(self.node, _Pipe) else str(self.node)
        return head + "".join("." + f for f in self.fields)


class _Command(_Node):
    __slots__ = ("args",)

    def __init__(self, pos: int) -> None:
        self.pos, self.args = pos, []

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, _Pipe) else str(a) for a in self.args)


class _Pipe(_Node):
    __slots__ = ("decl", "is_assign", "cmds")

    def __init__(self, pos: int) -> None:
        self.pos, self.decl, self.is_assign, self.cmds = pos, [], False, []

    def __str__(self) -> str:
        head = ", ".join(map(str, self.decl)) + " := " if self.decl else ""
        return head + " | ".join(map(str, self.cmds))


class _Action(_Node):
    __slots__ = ("pipe",)

    def __init__(self, pos: int, pipe: _Pipe) -> None:
        self.pos, self.pipe = pos, pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


class _List(_Node):
    __slots__ = ("nodes",)

    def __init__(self, pos: int) -> None:
        self.pos, self.nodes = pos, []

    def __str__(self) -> str:
        return "".join(map(str, self.nodes))


class _Branch(_Node):
    """if, range or with."""

    __slots__ = ("kind", "pipe", "list", "else_list")

    def __init__(self, kind: str, pipe: _Pipe, list_: _List, else_list: _List | None) -> None:
        self.kind, self.pos, self.pipe, self.list, self.else_list = kind, pipe.pos, pipe, list_, else_list

    def __str__(self) -> str:
        text = "{{" + self.kind + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            text += "{{else}}" + str(self.else_list)
        return text + "{{end}}"


class _Jump(_Node):
    """{{break}} or {{continue}}."""

    __slots__ = ("kind",)

    def __init__(self, pos: int, kind: str) -> None:
        self.pos, self.kind = pos, kind

    def __str__(self) -> str:
        return "{{" + self.kind + "}}"


class _End(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        return "{{end}}"


class _Else(_Node):
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def __str__(self) -> str:
        return "{{else}}"


# --------------------------------------------------------------------------------------------
# Parser


_OPERAND_START = {"bool", "charconst", "complex", "dot", "field", "ident", "number", "nil", "rawstring",
                  "string", "variable", "lparen"}

_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unquote_char(s: str, i: int, quote: str) -> tuple[str, int]:
    """strconv.UnquoteChar at s[i]: (the character, the index after it); ValueError if invalid."""
    ch = s[i]
    if ch == quote and quote in "'\"":
        raise ValueError
    if ch != "\\":
        return ch, i + 1
    i += 1
    c = s[i]
    if c in _ESC:
        return _ESC[c], i + 1
    if c in "'\"":
        if c != quote:
            raise ValueError
        return c, i + 1
    size = {"x": 2, "u": 4, "U": 8}.get(c)
    if size is not None:
        digits = s[i + 1:i + 1 + size]
        if len(digits) != size or any(d not in "0123456789abcdefABCDEF" for d in digits):
            raise ValueError
        v = int(digits, 16)
        if c != "x" and (v > 0x10FFFF or 0xD800 <= v <= 0xDFFF):
            raise ValueError
        return chr(v), i + 1 + size
    if "0" <= c <= "7":
        digits = s[i:i + 3]
        if len(digits) != 3 or any(d not in "01234567" for d in digits) or int(digits, 8) > 255:
            raise ValueError
        return chr(int(digits, 8)), i + 3
    raise ValueError


def _unquote(quoted: str) -> str:
    """strconv.Unquote of a "..." or `...` literal; ValueError when malformed."""
    if quoted[0] == "`":
        return quoted[1:-1].replace("\r", "")
    body, out, i = quoted[1:-1], [], 0
    while i < len(body):
        ch, i = _unquote_char(body, i, '"')
        out.append(ch)
    return "".join(out)


def _number(text: str, kind: str) -> tuple:
    """(value, as_int) of a number token; ValueError with Go's message."""
    if kind == "charconst":
        try:
            ch, end = _unquote_char(text, 1, "'")
        except (ValueError, IndexError):
            raise ValueError("invalid syntax") from None
        if text[end:] != "'":
            raise ValueError(f"malformed character constant: {text}")
        return ord(ch), ord(ch)
    illegal = ValueError(f"illegal number syntax: {go_quote(text)}")
    body = text.lstrip("+-")
    if kind == "complex" or text.endswith("i") or "__" in body or body[:1] == "_" or body[-1:] == "_":
        raise illegal
    sign = -1 if text.startswith("-") else 1
    clean = body.replace("_", "")
    hexa = clean[:2].lower() == "0x"
    try:
        if clean[:2].lower() in ("0x", "0o", "0b") and not (hexa and "p" in clean.lower()):
            value = sign * int(clean, 0)
        elif clean.isdigit():
            value = sign * (int(clean, 8) if clean[0] == "0" else int(clean))
        else:
            f = sign * (float.fromhex(clean) if hexa else float(clean))
            return f, int(f) if f.is_integer() else None
    except ValueError:
        raise illegal from None
    if not -(1 << 63) <= value < (1 << 63):
        raise illegal
    return value, value


class _Parser:
    def __init__(self, text: str, name: str, funcs: dict) -> None:
        self.text = text
        self.name = name
        self.funcs = funcs
        self.toks = _Lexer(text).run()
        self.i = 0
        self.furthest = 0
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0

    # -- token access (Go's parser reports the line of the furthest token it has read)

    def next(self) -> _Tok:
        tok = self.toks[min(self.i, len(self.toks) - 1)]
        self.furthest = max(self.furthest, self.i)
        self.i += 1
        return tok

    def backup(self, n: int = 1) -> None:
        self.i -= n

    def peek(self) -> _Tok:
        tok = self.next()
        self.backup()
        return tok

    def next_non_space(self) -> _Tok:
        tok = self.next()
        while tok.kind == "space":
            tok = self.next()
        return tok

    def peek_non_space(self) -> _Tok:
        start = self.i
        tok = self.next_non_space()
        self.i = start
        while self.toks[self.i].kind == "space":
            self.i += 1
        return tok

    def errorf(self, message: str):
        line = self.toks[min(self.furthest, len(self.toks) - 1)].line
        raise TemplateError(f"template: {self.name}:{line}: {message}")

    def unexpected(self, tok: _Tok, context: str):
        if tok.kind == "error":
            extra = ""
            if self.action_line and self.action_line != tok.line:
                extra = f" in action started at {self.name}:{self.action_line}"
                if tok.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf(f"{tok}{extra}")
        self.errorf(f"unexpected {tok} in {context}")

    def expect(self, kind: str, context: str) -> _Tok:
        tok = self.next_non_space()
        if tok.kind != kind:
            self.unexpected(tok, context)
        return tok

    # -- grammar

    def parse(self) -> _List:
        root = _List(self.peek().pos)
        while self.peek().kind != "eof":
            node = self.text_or_action()
            if isinstance(node, (_End, _Else)):
                self.errorf(f"unexpected {node}")
            root.nodes.append(node)
        return root

    def item_list(self) -> tuple[_List, _Node]:
        lst = _List(self.peek_non_space().pos)
        while self.peek_non_space().kind != "eof":
            node = self.text_or_action()
            if isinstance(node, (_End, _Else)):
                return lst, node
            lst.nodes.append(node)
        self.errorf("unexpected EOF")

    def text_or_action(self) -> _Node:
        tok = self.next_non_space()
        if tok.kind == "text":
            return _Text(tok.pos, tok.val)
        if tok.kind == "ldelim":
            self.action_line = tok.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(tok, "input")

    def action(self) -> _Node:
        tok = self.next_non_space()
        kind = tok.kind
        if kind in ("break", "continue"):
            after = self.next_non_space()
            if after.kind != "rdelim":
                self.unexpected(after, "{{" + kind + "}}")
            if self.range_depth == 0:
                self.errorf("{{" + kind + "}} outside {{range}}")
            return _Jump(tok.pos, kind)
        if kind == "else":
            peek = self.peek_non_space()
            if peek.kind == "if":
                return _Else(peek.pos)
            return _Else(self.expect("rdelim", "else").pos)
        if kind == "end":
            return _End(self.expect("rdelim", "end").pos)
        if kind in ("if", "range", "with"):
            return self.control(kind)
        if kind in ("define", "template", "block"):
            self.errorf("{{define}}, {{template}} and {{block}} are not supported")
        self.backup()
        return _Action(self.peek().pos, self.pipeline("command", "rdelim"))

    def control(self, kind: str) -> _Branch:
        depth = len(self.vars)
        try:
            pipe = self.pipeline(kind, "rdelim")
            if kind == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if kind == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, _Else):
                if kind == "if" and self.peek().kind == "if":
                    self.next()
                    else_list = _List(nxt.pos)
                    else_list.nodes.append(self.control("if"))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, _End):
                        self.errorf(f"expected end; found {nxt}")
            return _Branch(kind, pipe, lst, else_list)
        finally:
            del self.vars[depth:]

    def pipeline(self, context: str, end: str) -> _Pipe:
        pipe = _Pipe(self.peek_non_space().pos)
        while self.peek_non_space().kind == "variable":
            at = self.i
            v = self.next()
            nxt = self.peek_non_space()
            if nxt.kind in ("assign", "declare"):
                pipe.is_assign = nxt.kind == "assign"
                self.next_non_space()
            elif nxt.kind != "char" or nxt.val != ",":
                self.i = at  # a variable used as an argument, not declared
                break
            pipe.decl.append(_Variable(v.pos, v.val))
            self.vars.append(v.val)
            if nxt.kind != "char":
                break
            self.next_non_space()
            if context != "range" or len(pipe.decl) >= 2:
                self.errorf(f"too many declarations in {context}")
            if self.peek_non_space().kind not in ("variable", "rdelim", "rparen"):
                self.errorf("range can only initialize variables")
        while True:
            tok = self.next_non_space()
            if tok.kind == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.kind in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(tok, context)

    def check_pipeline(self, pipe: _Pipe, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, cmd in enumerate(pipe.cmds[1:]):
            if isinstance(cmd.args[0], (_Bool, _Dot, _Nil, _Number, _String)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def command(self) -> _Command:
        cmd = _Command(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            tok = self.next()
            if tok.kind == "space":
                continue
            if tok.kind in ("rdelim", "rparen"):
                self.backup()
            elif tok.kind != "pipe":
                self.unexpected(tok, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> _Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == "field":
            pos = self.peek().pos
            fields = []
            while self.peek().kind == "field":
                fields.append(self.next().val[1:])
            chain = _Chain(pos, node, fields)
            if isinstance(node, _Field):
                return _Field(pos, str(chain))
            if isinstance(node, _Variable):
                return _Variable(pos, str(chain))
            if isinstance(node, (_Bool, _String, _Number, _Nil, _Dot)):
                self.errorf(f"unexpected . after term {go_quote(str(node))}")
            return chain
        return node

    def term(self) -> _Node | None:
        tok = self.next_non_space()
        kind = tok.kind
        if kind == "ident":
            if tok.val not in self.funcs and tok.val not in BUILTINS:
                self.errorf(f"function {go_quote(tok.val)} not defined")
            return _Identifier(tok.pos, tok.val)
        if kind == "dot":
            return _Dot(tok.pos)
        if kind == "nil":
            return _Nil(tok.pos)
        if kind == "variable":
            name = tok.val.split(".")[0]
            if name not in self.vars:
                self.errorf(f"undefined variable {go_quote(name)}")
            return _Variable(tok.pos, tok.val)
        if kind == "field":
            return _Field(tok.pos, tok.val)
        if kind == "bool":
            return _Bool(tok.pos, tok.val == "true")
        if kind in ("charconst", "complex", "number"):
            try:
                return _Number(tok.pos, tok.val, *_number(tok.val, kind))
            except ValueError as e:
                self.errorf(str(e))
        if kind == "lparen":
            return self.pipeline("parenthesized pipeline", "rparen")
        if kind in ("string", "rawstring"):
            try:
                return _String(tok.pos, tok.val, _unquote(tok.val))
            except (ValueError, IndexError):
                self.errorf("invalid syntax")
        self.backup()
        return None


# --------------------------------------------------------------------------------------------
# Execution


class _Jumped(Exception):
    """{{break}} / {{continue}} leaving the current iteration."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


class _ExecFailed(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


class _FuncError(Exception):
    """A function's error result: ``error calling <name>: <message>``."""


def _is_true(v) -> bool:
    if v is None:
        return False
    if isinstance(v, (str, list)):
        return len(v) > 0
    if isinstance(v, (bool, int, float)):
        return bool(v)
    if isinstance(v, Stringer):
        return bool(v.text) or not v.string_kind
    return True


def _basic(v):
    """(kind, comparable value) as text/template's basicKind sees the value."""
    if isinstance(v, bool):
        return "bool", v
    if isinstance(v, int):
        return "int", v
    if isinstance(v, float):
        return "float", v
    if isinstance(v, str):
        return "string", v
    if isinstance(v, Stringer) and v.string_kind:
        return "string", v.text
    return None, v


def _eq(a, *others):
    if not others:
        raise _FuncError("missing argument for comparison")
    ka, va = _basic(a)
    for b in others:
        kb, vb = _basic(b)
        if ka != kb:
            if a is not None and b is not None:
                raise _FuncError("incompatible types for comparison")
            truth = a is None and b is None
        elif a is None or b is None:
            truth = a is None and b is None
        elif ka is None:  # structs and the like: equal when of one type and equal fields
            if _reflect_kind(a) != _reflect_kind(b):
                raise _FuncError(f"non-comparable types {_format_one('s', a, '', None, None)}: {go_type(a)}, "
                                 f"{go_type(b)}: {format_value(b)}")
            if not _comparable(b):
                raise _FuncError(f"non-comparable type {_format_one('s', b, '', None, None)}: {go_type(b)}")
            truth = go_type(a) == go_type(b) and format_value(a, True) == format_value(b, True)
        else:
            truth = va == vb
        if truth:
            return True
    return False


def _reflect_kind(v) -> str:
    if isinstance(v, list):
        return "slice"
    return "ptr" if isinstance(v, Struct) and v.pointer else "struct"


def _comparable(v) -> bool:
    """Go's == is defined for the type: no slices, also not inside structs."""
    if isinstance(v, list):
        return False
    return not isinstance(v, Struct) or v.pointer or all(map(_comparable, v.fields.values()))


def _less(a, b) -> bool:
    ka, va = _basic(a)
    kb, vb = _basic(b)
    if ka is None or kb is None or ka == "bool":
        raise _FuncError("invalid type for comparison")
    if ka != kb:
        raise _FuncError("incompatible types for comparison")
    return va < vb


def _length(v) -> int:
    if isinstance(v, str):
        return len(v.encode("utf-8", "surrogateescape"))
    if isinstance(v, list):
        return len(v)
    raise _FuncError(f"len of type {go_type(v)}")


def _index_arg(i, cap: int) -> int:
    if i is None:
        raise _FuncError("cannot index slice/array with nil")
    if not isinstance(i, int) or isinstance(i, bool):
        raise _FuncError(f"cannot index slice/array with type {go_type(i)}")
    if i < 0 or i > cap:
        raise _FuncError(f"index out of range: {i}")
    return i


def _index(item, *indexes):
    if item is None:
        raise _FuncError("index of untyped nil")
    for i in indexes:
        if isinstance(item, str):
            data = item.encode("utf-8", "surrogateescape")
            x = _index_arg(i, len(data))
            if x == len(data):
                raise _FuncError(f"index out of range: {x}")
            item = _Byte(data[x])
        elif isinstance(item, list):
            x = _index_arg(i, len(item))
            if x == len(item):
                raise _FuncError(f"index out of range: {x}")
            item = item[x]
        else:
            raise _FuncError(f"can't index item of type {go_type(item)}")
    return item


def _slice(item, *indexes):
    if item is None:
        raise _FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise _FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise _FuncError("cannot 3-index slice a string")
        data = item.encode("utf-8", "surrogateescape")
    elif isinstance(item, list):
        data = item
    else:
        raise _FuncError(f"can't slice item of type {go_type(item)}")
    idx = [0, len(data)]
    for n, i in enumerate(indexes[:2]):
        idx[n] = _index_arg(i, len(data))
    if len(indexes) == 3:
        _index_arg(indexes[2], len(data))
        if idx[1] > indexes[2]:
            raise _FuncError(f"invalid slice index: {idx[1]} > {indexes[2]}")
    if idx[0] > idx[1]:
        raise _FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    part = data[idx[0]:idx[1]]
    if isinstance(item, str):
        return part.decode("utf-8", "surrogateescape")
    return Slice(item.elem, part) if isinstance(item, Slice) else list(part)


def _eval_args(args: list) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(["<no value>" if a is None else a.text if isinstance(a, Stringer) else a for a in args])


def _html(*args) -> str:
    s = _eval_args(list(args))
    for a, b in (("&", "&amp;"), ("\0", "\ufffd"), ('"', "&#34;"), ("'", "&#39;"), ("<", "&lt;"), (">", "&gt;")):
        s = s.replace(a, b)
    return s


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def _js(*args) -> str:
    out = []
    for ch in _eval_args(list(args)):
        if ch in _JS:
            out.append(_JS[ch])
        elif ch < " ":
            out.append(f"\\u00{ord(ch):02X}")
        elif ord(ch) >= 0x80 and not ch.isprintable():
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _urlquery(*args) -> str:
    from urllib.parse import quote_plus

    return quote_plus(_eval_args(list(args)), safe="-_.~")


def _call(fn, *args):
    if fn is None:
        raise _FuncError("call of nil")
    raise _FuncError(f"non-function of type {go_type(fn)}")


def _special_form(*args):
    raise AssertionError("and/or are evaluated by the executor, lazily")


BUILTINS = {
    "and": Function(_special_form, ("any", "any"), True),
    "or": Function(_special_form, ("any", "any"), True),
    "not": Function(lambda v: not _is_true(v), ("any",)),
    "len": Function(_length, ("any",)),
    "index": Function(_index, ("any", "any"), True),
    "slice": Function(_slice, ("any", "any"), True),
    "call": Function(_call, ("any", "any"), True),
    "print": Function(lambda *a: sprint(list(a)), ("any",), True),
    "println": Function(lambda *a: sprintln(list(a)), ("any",), True),
    "printf": Function(lambda f, *a: sprintf(f, list(a)), ("string", "any"), True),
    "html": Function(_html, ("any",), True),
    "js": Function(_js, ("any",), True),
    "urlquery": Function(_urlquery, ("any",), True),
    "eq": Function(_eq, ("any", "any"), True),
    "ne": Function(lambda a, b: not _eq(a, b), ("any", "any")),
    "lt": Function(_less, ("any", "any")),
    "le": Function(lambda a, b: _less(a, b) or _eq(a, b), ("any", "any")),
    "gt": Function(lambda a, b: not (_less(a, b) or _eq(a, b)), ("any", "any")),
    "ge": Function(lambda a, b: not _less(a, b), ("any", "any")),
}


class Template:
    """A parsed template; ``execute(data)`` returns the output or raises TemplateError."""

    def __init__(self, text: str, name: str = "template", funcs: dict[str, Function] | None = None) -> None:
        self.text = text
        self.name = name
        self.funcs = dict(funcs or {})
        self.root = _Parser(text, name, self.funcs).parse()

    def execute(self, data) -> str:
        run = _Run(self, data)
        try:
            run.walk(data, self.root)
        except _ExecFailed as e:
            raise TemplateError(e.message, "".join(run.out)) from None
        return "".join(run.out)


class _Run:
    def __init__(self, tmpl: Template, data) -> None:
        self.tmpl = tmpl
        self.out: list[str] = []
        self.vars: list[list] = [["$", data]]
        self.node: _Node | None = None

    # -- errors

    def at(self, node: _Node) -> None:
        self.node = node

    def errorf(self, message: str):
        text = self.tmpl.text[:self.node.pos]
        nl = text.rfind("\n")
        col = len(text[nl + 1:].encode("utf-8", "surrogateescape"))
        location = f"{self.tmpl.name}:{text.count(chr(10)) + 1}:{col}"
        raise _ExecFailed(f"template: {location}: executing {go_quote(self.tmpl.name)} at <{self.node}>: "
                          f"{message}")

    # -- variables

    def var(self, name: str):
        for n, v in reversed(self.vars):
            if n == name:
                return v
        self.errorf(f"undefined variable: {name}")

    def set_var(self, name: str, value) -> None:
        for entry in reversed(self.vars):
            if entry[0] == name:
                entry[1] = value
                return
        self.errorf(f"undefined variable: {name}")

    # -- walking

    def walk(self, dot, node: _Node) -> None:
        self.at(node)
        if isinstance(node, _Text):
            self.out.append(node.text)
        elif isinstance(node, _Action):
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.at(node)
                self.out.append("<no value>" if value is None else format_value(value, top=False))
        elif isinstance(node, _List):
            for n in node.nodes:
                self.walk(dot, n)
        elif isinstance(node, _Branch):
            mark = len(self.vars)
            try:
                if node.kind == "range":
                    self.walk_range(dot, node)
                else:
                    value = self.eval_pipeline(dot, node.pipe)
                    if _is_true(value):
                        self.walk(value if node.kind == "with" else dot, node.list)
                    elif node.else_list is not None:
                        self.walk(dot, node.else_list)
            finally:
                del self.vars[mark:]
        elif isinstance(node, _Jump):
            raise _Jumped(node.kind)

    def walk_range(self, dot, node: _Branch) -> None:
        value = self.eval_pipeline(dot, node.pipe)
        if value is not None and not isinstance(value, list):
            self.errorf(f"range can't iterate over {format_value(value)}")
        mark = len(self.vars)
        for i, elem in enumerate(value or ()):
            if node.pipe.decl:
                self.vars[-1][1] = elem
            if len(node.pipe.decl) > 1:
                self.vars[-2][1] = i
            try:
                self.walk(elem, node.list)
            except _Jumped as j:
                if j.kind == "break":
                    return
            finally:
                del self.vars[mark:]
        if not value and node.else_list is not None:
            self.walk(dot, node.else_list)

    # -- evaluation

    def eval_pipeline(self, dot, pipe: _Pipe):
        self.at(pipe)
        value = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
        for v in pipe.decl:
            if pipe.is_assign:
                self.set_var(v.idents[0], value)
            else:
                self.vars.append([v.idents[0], value])
        return value

    def not_a_function(self, args: list, final) -> None:
        if len(args) > 1 or final is not MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot, cmd: _Command, final):
        first = cmd.args[0]
        if isinstance(first, _Field):
            self.at(first)
            return self.eval_fields(dot, dot, first.idents, cmd.args, final)
        if isinstance(first, _Chain):
            return self.eval_chain(dot, first, cmd.args, final)
        if isinstance(first, _Identifier):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, _Pipe):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, _Variable):
            return self.eval_variable(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, _Bool):
            return first.value
        if isinstance(first, _Dot):
            return dot
        if isinstance(first, _Nil):
            self.errorf("nil is not a command")
        if isinstance(first, _Number):
            return first.value
        return first.text

    def eval_chain(self, dot, node: _Chain, args: list, final):
        self.at(node)
        if isinstance(node.node, _Nil):
            self.errorf(f"indirection through explicit nil in {node}")
        return self.eval_fields(dot, self.eval_arg(dot, "any", node.node), node.fields, args, final)

    def eval_variable(self, dot, node: _Variable, args: list, final):
        self.at(node)
        value = self.var(node.idents[0])
        if len(node.idents) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_fields(dot, value, node.idents[1:], args, final)

    def eval_fields(self, dot, receiver, idents: list[str], args: list, final):
        for name in idents[:-1]:
            receiver = self.eval_field(dot, name, [], MISSING, receiver)
        return self.eval_field(dot, idents[-1], args, final, receiver)

    def eval_field(self, dot, name: str, args: list, final, receiver):
        """``args``: the command's words (the field first), empty inside a chain."""
        if receiver is None:
            return None
        if isinstance(receiver, Stringer) and name == "String":
            self.check_arity(name, Function(None, ()), args or [None], final)
            return receiver.text
        has_args = len(args) > 1 or final is not MISSING
        if isinstance(receiver, Struct) and name in receiver.fields:
            if has_args:
                self.errorf(f"{name} has arguments but cannot be invoked as function")
            return receiver.fields[name]
        self.errorf(f"can't evaluate field {name} in type {go_type(receiver)}")

    def eval_function(self, dot, node: _Identifier, call: _Node, args: list, final):
        """``call``: the command (or the lone identifier) an error of the function is reported at."""
        self.at(node)
        fn = self.tmpl.funcs.get(node.name) or BUILTINS.get(node.name)
        if fn is None:
            self.errorf(f"{go_quote(node.name)} is not a defined function")
        args = args[1:]
        self.check_arity(node.name, fn, [node, *args], final)
        if node.name in ("and", "or"):
            value = None
            for arg in args:
                value = self.eval_arg(dot, "any", arg)
                if _is_true(value) == (node.name == "or"):
                    return value
            return final if final is not MISSING else value
        params = list(fn.params)
        if fn.variadic:
            params += [params[-1]] * (len(args) + 1)
        argv = [self.eval_arg(dot, params[i], a) for i, a in enumerate(args)]
        if final is not MISSING:
            argv.append(self.validate(final, params[len(args)]))
        try:
            return fn.fn(*argv)
        except _FuncError as e:
            self.at(call)
            self.errorf(f"error calling {node.name}: {e}")

    def check_arity(self, name: str, fn: Function, args: list, final) -> None:
        given = len(args) - 1 + (final is not MISSING)
        fixed = len(fn.params) - 1 if fn.variadic else len(fn.params)
        if fn.variadic and given < fixed:
            self.errorf(f"wrong number of args for {name}: want at least {fixed} got {len(args) - 1}")
        if not fn.variadic and given != fixed:
            self.errorf(f"wrong number of args for {name}: want {fixed} got {given}")

    def validate(self, value, typ: str):
        if value is None:
            if typ == "any" or typ.startswith("[]"):
                return None
            self.errorf(f"invalid value; expected {typ}")
        if not _assignable(value, typ):
            self.errorf(f"wrong type for value; expected {typ}; got {go_type(value)}")
        return value

    def eval_arg(self, dot, typ: str, node: _Node):
        self.at(node)
        if isinstance(node, _Dot):
            return self.validate(dot, typ)
        if isinstance(node, _Nil):
            if typ == "any" or typ.startswith("[]"):
                return None
            self.errorf(f"cannot assign nil to {typ}")
        if isinstance(node, _Field):
            return self.validate(self.eval_fields(dot, dot, node.idents, [node], MISSING), typ)
        if isinstance(node, _Variable):
            return self.validate(self.eval_variable(dot, node, [], MISSING), typ)
        if isinstance(node, _Pipe):
            return self.validate(self.eval_pipeline(dot, node), typ)
        if isinstance(node, _Identifier):
            return self.validate(self.eval_function(dot, node, node, [node], MISSING), typ)
        if isinstance(node, _Chain):
            return self.validate(self.eval_chain(dot, node, [], MISSING), typ)
        if typ == "any":
            if isinstance(node, _Bool):
                return node.value
            if isinstance(node, _Number):
                return node.value
            return node.text
        if typ == "int":
            if isinstance(node, _Number) and node.as_int is not None:
                return node.as_int
            self.errorf(f"expected integer; found {node}")
        if typ == "string":
            if isinstance(node, _String):
                return node.text
            self.errorf(f"expected string; found {node}")
        self.errorf(f"can't handle {node} for arg of type {typ}")

