"""go.mod, go.sum and vendor/modules.txt, read and written as the go command does.

``parse_gomod`` reads go.mod with golang.org/x/mod/modfile's grammar (the lexer's tokens,
``(`` blocks, ``//`` comments, quoted strings) so dependencies' go.mod files give MVS the
same requirements the go command sees; ``lax=True`` is ParseLax (what cmd/go uses for
dependencies: unknown and main-module-only directives ignored). ``format_gomod`` writes the
file ``go mod tidy`` would write from scratch, so ``go mod edit -fmt`` and ``go mod tidy``
leave it unchanged; ``format_gosum`` and ``format_modules_txt`` do the same for go.sum and
vendor/modules.txt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from dep.errors import DepError
from dep.gomod.module import InvalidVersionError, canonical_version, check_path_major, go_quote, split_path_version
from dep.gomod.mvs import sort_modules
from dep.gomod.semver import compare

__all__ = [
    "ModFileError", "Require", "Replace", "Retract", "ModFile", "parse_gomod", "format_gomod",
    "GoSumLine", "format_gosum", "parse_gosum",
    "VendorModule", "format_modules_txt", "parse_modules_txt", "auto_quote", "is_directory_path",
]


class ModFileError(DepError):
    """A go.mod, go.sum or modules.txt file is malformed; the message is ``file:line: what``."""


@dataclass(frozen=True)
class Require:
    path: str
    version: str
    indirect: bool = False


@dataclass(frozen=True)
class Replace:
    old_path: str
    old_version: str  # "" replaces every version
    new_path: str
    new_version: str  # "" when new_path is a directory


@dataclass(frozen=True)
class Retract:
    low: str
    high: str
    rationale: str = ""


@dataclass
class ModFile:
    """The interpreted go.mod (the fields ``go mod edit -json`` prints)."""

    module: str = ""
    deprecated: str = ""
    go: str = ""
    toolchain: str = ""
    godebug: list = field(default_factory=list)  # [(key, value)]
    require: list = field(default_factory=list)  # [Require]
    exclude: list = field(default_factory=list)  # [(path, version)]
    replace: list = field(default_factory=list)  # [Replace]
    retract: list = field(default_factory=list)  # [Retract]
    tool: list = field(default_factory=list)  # [path]
    ignore: list = field(default_factory=list)  # [path]

    def to_json(self) -> dict:
        """The structure ``go mod edit -json`` prints (empty fields omitted as go does)."""
        d: dict = {"Module": {"Path": self.module}}
        if self.deprecated:
            d["Module"]["Deprecated"] = self.deprecated
        if self.go:
            d["Go"] = self.go
        if self.toolchain:
            d["Toolchain"] = self.toolchain
        if self.godebug:
            d["GoDebug"] = [{"Key": k, "Value": v} for k, v in self.godebug]
        if self.require:
            d["Require"] = [{"Path": r.path, "Version": r.version, **({"Indirect": True} if r.indirect else {})}
                            for r in self.require]
        if self.exclude:
            d["Exclude"] = [{"Path": p, "Version": v} for p, v in self.exclude]
        if self.replace:
            def mv(p, v):
                return {"Path": p, **({"Version": v} if v else {})}
            d["Replace"] = [{"Old": mv(r.old_path, r.old_version), "New": mv(r.new_path, r.new_version)}
                            for r in self.replace]
        if self.retract:
            d["Retract"] = [{k: v for k, v in (("Low", r.low), ("High", r.high), ("Rationale", r.rationale)) if v}
                            for r in self.retract]
        if self.tool:
            d["Tool"] = [{"Path": p} for p in self.tool]
        if self.ignore:
            d["Ignore"] = [{"Path": p} for p in self.ignore]
        return d


# --- lexer ----------------------------------------------------------------------------

_EOF, _EOL_COMMENT, _IDENT, _STRING, _COMMENT, _NL = "EOF", "EOLCOMMENT", "IDENT", "STRING", "COMMENT", "\n"
_PUNCT = set("\n()[]{},")


def _is_ident_char(c: str) -> bool:
    if c in " ()[]{},":
        return False
    return not c.isspace() and c.isprintable()  # Go's !unicode.IsSpace && unicode.IsPrint


def _lex(name: str, text: str) -> list:
    """Tokens as (kind, text, line). A ``//`` comment alone on its line is COMMENT, after
    other tokens EOLCOMMENT; both consume the newline that ends them, as modfile's lexer does."""
    toks = []
    i, n, line = 0, len(text), 1
    line_start = 0

    def err(msg, at_line):
        raise ModFileError(f"{name}:{at_line}: {msg}")

    while True:
        while i < n and text[i] in " \t\r":
            i += 1
        if i >= n:
            toks.append((_EOF, "", line))
            return toks
        c = text[i]
        if text.startswith("//", i):
            alone = text[line_start:i].strip() == ""
            j = text.find("\n", i)
            j = n if j < 0 else j + 1
            tok = text[i:j]
            tok = tok[:-2] if tok.endswith("\r\n") else tok[:-1] if tok.endswith("\n") else tok
            toks.append((_COMMENT if alone else _EOL_COMMENT, tok, line))
            if j <= n and text[j - 1:j] == "\n":
                line += 1
                line_start = j
            i = j
            continue
        if text.startswith("/*", i):
            err("mod files must use // comments (not /* */ comments)", line)
        if c in _PUNCT:
            toks.append((c, c, line))
            i += 1
            if c == "\n":
                line += 1
                line_start = i
            continue
        if c in "\"`":
            j = i + 1
            while True:
                if j >= n:
                    err("unexpected EOF in string", line)
                if text[j] == "\n":
                    err("unexpected newline in string", line)
                if text[j] == c:
                    j += 1
                    break
                if text[j] == "\\" and c != "`":
                    if j + 1 >= n:
                        err("unexpected EOF in string", line)
                    j += 1
                j += 1
            toks.append((_STRING, text[i:j], line))
            i = j
            continue
        if not _is_ident_char(c):
            err(f"unexpected input character {c!r}", line)
        j = i
        while j < n and _is_ident_char(text[j]):
            if text.startswith("//", j):
                break
            if text.startswith("/*", j):
                err("mod files must use // comments (not /* */ comments)", line)
            j += 1
        toks.append((_IDENT, text[i:j], line))
        i = j


# --- syntax ---------------------------------------------------------------------------


@dataclass
class _Line:
    tokens: list
    line: int
    before: list = field(default_factory=list)  # whole-line comments just above
    suffix: list = field(default_factory=list)  # end-of-line comments


@dataclass
class _Block:
    verb: list
    line: int
    lines: list = field(default_factory=list)
    before: list = field(default_factory=list)
    suffix: list = field(default_factory=list)


def _is_eol(kind) -> bool:
    return kind in (_EOF, _EOL_COMMENT, _NL)


def _parse_syntax(name: str, text: str) -> list:
    toks = _lex(name, text)
    pos = 0
    stmts = []
    pending: list = []  # comment lines not yet separated from the next statement by a blank line

    def peek():
        return toks[pos][0]

    def lex():
        nonlocal pos
        t = toks[pos]
        if t[0] != _EOF:
            pos += 1
        return t

    def err(msg, line):
        raise ModFileError(f"{name}:{line}: {msg}")

    def parse_block(verb, start):
        blk = _Block(verb, start)
        comments: list = []
        while True:
            k = peek()
            if k == _EOL_COMMENT:
                lex()  # after "(": modfile keeps it on the parenthesis, which nothing reads
            elif k == _NL:
                lex()
            elif k == _COMMENT:
                comments.append(lex()[1])
            elif k == _EOF:
                err(f"syntax error (unterminated block started at {name}:{start}:1)", toks[pos][2])
            elif k == ")":
                t = lex()
                if not _is_eol(peek()):
                    err("syntax error (expected newline after closing paren)", t[2])
                lex()
                return blk
            else:
                first = lex()
                ln = _Line([first[1]], first[2], before=comments)
                comments = []
                while True:
                    t = lex()
                    if _is_eol(t[0]):
                        if t[0] == _EOL_COMMENT:
                            ln.suffix.append(t[1])
                        break
                    ln.tokens.append(t[1])
                blk.lines.append(ln)

    while True:
        k = peek()
        if k == _NL:
            lex()
            pending = []
        elif k == _COMMENT:
            pending.append(lex()[1])
        elif k == _EOF:
            return stmts
        else:
            first = lex()
            tokens = [first[1]]
            while True:
                t = lex()
                if _is_eol(t[0]):
                    ln = _Line(tokens, first[2], before=pending)
                    if t[0] == _EOL_COMMENT:
                        ln.suffix.append(t[1])
                    stmts.append(ln)
                    break
                if t[0] == "(":
                    nk = peek()
                    if _is_eol(nk):
                        blk = parse_block(tokens, first[2])
                        blk.before = pending
                        stmts.append(blk)
                        break
                    if nk == ")":
                        lex()
                        if _is_eol(peek()):
                            e = lex()
                            blk = _Block(tokens, first[2], before=pending)
                            if e[0] == _EOL_COMMENT:
                                blk.suffix.append(e[1])
                            stmts.append(blk)
                            break
                        tokens += ["(", ")"]
                        continue
                tokens.append(t[1])
            pending = []


# --- interpretation -------------------------------------------------------------------

_GO_VERSION = re.compile(r"^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$")
_LAX_GO_VERSION = re.compile(r"^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$")
_TOOLCHAIN = re.compile(r"^default$|^go1($|\.)")
_DEPRECATED = re.compile(r"(?:^|\n\n)Deprecated: *(.*?)(?:\Z|\n\n)", re.S)


def _unquote(s: str) -> str:
    """A token as a string: Go-quoted ("...") strings unquoted; other quotes are refused."""
    if s.startswith('"'):
        try:
            v = json.loads(s)  # go.mod quoting is strconv.Quote; JSON covers what tools write
        except ValueError:
            try:
                import ast
                v = ast.literal_eval(s)
            except (ValueError, SyntaxError):
                raise ValueError("invalid quoted string")
        if not isinstance(v, str):
            raise ValueError("invalid quoted string")
        return v
    if any(q in s for q in "\"'`"):
        raise ValueError("unquoted string cannot contain quote")
    return s


def _comment_text(comments: list) -> list:
    return [c[2:].strip() for c in comments if c.startswith("//")]


def _directive_comment(block, line) -> str:
    before, suffix = line.before, line.suffix
    if block is not None and not before and not suffix:
        before, suffix = block.before, block.suffix
    return "\n".join(_comment_text(before) + _comment_text(suffix))


def _is_indirect(line) -> bool:
    if not line.suffix:
        return False
    f = line.suffix[0][2:].split() if line.suffix[0].startswith("//") else line.suffix[0].split()
    return (len(f) == 1 and f[0] == "indirect") or (len(f) > 1 and f[0] == "indirect;")


def _check_path_major(path: str, version: str) -> str | None:
    """Why ``version`` cannot be a version of module ``path`` (module.CheckPathMajor), or None."""
    _, major, ok = split_path_version(path)
    if not ok:
        return "invalid module path"
    try:
        check_path_major(version, major)
    except InvalidVersionError as e:
        return str(e)
    return None


def module_path(data: bytes | None) -> str:
    """The path a go.mod's ``module`` line declares, found even in a file that does not
    parse (modfile.ModulePath); "" when there is none or its quoting is malformed."""
    for raw in (data or b"").split(b"\n"):
        line = raw.split(b"//", 1)[0].strip()
        if not line.startswith(b"module"):
            continue
        rest = line[len(b"module"):]
        arg = rest.strip()
        if len(arg) == len(rest) or not arg:
            continue
        text = arg.decode("utf-8", "replace")
        if text[0] == "`":
            return text[1:-1] if len(text) >= 2 and text.endswith("`") and "`" not in text[1:-1] else ""
        if text[0] == '"':
            try:
                return _unquote(text)
            except ValueError:
                return ""
        return text
    return ""


def parse_gomod(data: bytes | str, name: str = "go.mod", lax: bool = False) -> ModFile:
    """Parse a go.mod file; raises ModFileError (``name:line: what``) for the first problem.
    Versions are canonicalized as modfile.Parse does without a fixer (v1.2 → v1.2.0)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    stmts = _parse_syntax(name, text)
    f = ModFile()
    seen = set()

    def version(verb, path, tok, line):
        try:
            v = _unquote(tok)
        except ValueError as e:
            raise ModFileError(f"{name}:{line}: {verb} {path}: invalid version {tok!r}: {e}")
        cv = canonical_version(v)
        if not cv:
            raise ModFileError(f"{name}:{line}: {verb} {path}: version \"{v}\" invalid: must be of the form v1.2.3")
        return cv

    def string(tok, line):
        try:
            return _unquote(tok)
        except ValueError as e:
            raise ModFileError(f"{name}:{line}: invalid quoted string: {e}")

    def add(block, ln, verb, args):
        L = ln.line

        def err(msg):
            raise ModFileError(f"{name}:{L}: {msg}")

        if lax and verb not in ("go", "module", "retract", "require", "ignore"):
            return
        if verb in ("go", "toolchain", "module"):
            if verb in seen:
                err(f"repeated {verb} statement")
            seen.add(verb)
        if verb == "go":
            if len(args) != 1:
                err("go directive expects exactly one argument")
            v = args[0]
            if not _GO_VERSION.match(v):
                m = _LAX_GO_VERSION.match(v) if lax else None
                if not m:
                    err(f"invalid go version '{v}': must match format 1.23.0")
                v = m.group(1)
            f.go = v
        elif verb == "toolchain":
            if len(args) != 1:
                err("toolchain directive expects exactly one argument")
            if not _TOOLCHAIN.match(args[0]):
                err(f"invalid toolchain version '{args[0]}': must match format go1.23.0 or default")
            f.toolchain = args[0]
        elif verb == "module":
            if len(args) != 1:
                err("usage: module module/path")
            f.module = string(args[0], L)
            m = _DEPRECATED.search(_directive_comment(block, ln))
            f.deprecated = m.group(1) if m else ""
        elif verb == "godebug":
            if len(args) != 1 or any(c in args[0] for c in "\"`',") or "=" not in args[0]:
                err("usage: godebug key=value")
            k, _, v = args[0].partition("=")
            f.godebug.append((k, v))
        elif verb in ("require", "exclude"):
            if len(args) != 2:
                err(f"usage: {verb} module/path v1.2.3")
            p = string(args[0], L)
            v = version(verb, p, args[1], L)
            bad = _check_path_major(p, v)
            if bad:
                err(f"{verb} {p}: {bad}")
            if verb == "require":
                f.require.append(Require(p, v, _is_indirect(ln)))
            else:
                f.exclude.append((p, v))
        elif verb == "replace":
            arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
            if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
                err("usage: replace module/path [v1.2.3] => other/module v1.4 or replace module/path [v1.2.3] => ../local/directory")
            p = string(args[0], L)
            ov = ""
            if arrow == 2:
                ov = version(verb, p, args[1], L)
                bad = _check_path_major(p, ov)
                if bad:
                    err(f"replace {p}: {bad}")
            np = string(args[arrow + 1], L)
            nv = ""
            if len(args) == arrow + 2:
                if not is_directory_path(np):
                    if "@" in np:
                        err("replacement module must match format 'path version', not 'path@version'")
                    err("replacement module without version must be directory path (rooted or starting with . or ..)")
            else:
                nv = version(verb, np, args[arrow + 2], L)
                if is_directory_path(np):
                    err(f'replacement module directory path "{np}" cannot have version')
            f.replace.append(Replace(p, ov, np, nv))
        elif verb == "retract":
            rationale = _directive_comment(block, ln)
            toks = list(args)
            try:
                if not toks or toks[0] == "(":
                    raise ValueError("expected '[' or version")
                if toks[0] != "[":
                    lo = hi = version(verb, f.module, toks[0], L)
                    toks = toks[1:]
                else:
                    if len(toks) < 5 or toks[2] != "," or toks[4] != "]":
                        raise ValueError("expected '[version, version]'")
                    lo = version(verb, f.module, toks[1], L)
                    hi = version(verb, f.module, toks[3], L)
                    toks = toks[5:]
            except (ValueError, ModFileError) as e:
                if lax:
                    return  # ParseLax leaves intervals it cannot read to newer go commands
                if isinstance(e, ModFileError):
                    raise
                err(str(e))
            if toks and not lax:
                err(f"unexpected token after version: {json.dumps(toks[0])}")
            f.retract.append(Retract(lo, hi, rationale))
        elif verb in ("tool", "ignore"):
            if len(args) != 1:
                err(f"{verb} directive expects exactly one argument")
            (f.tool if verb == "tool" else f.ignore).append(string(args[0], L))
        else:
            err(f"unknown directive: {verb}")

    for st in stmts:
        if isinstance(st, _Line):
            add(None, st, st.tokens[0], st.tokens[1:])
        else:
            verb = st.verb
            if len(verb) > 1 or verb[0] not in ("module", "godebug", "require", "exclude", "replace",
                                                  "retract", "tool", "ignore"):
                if not lax:
                    raise ModFileError(f"{name}:{st.line}: unknown block type: {' '.join(verb)}")
                continue
            for ln in st.lines:
                add(st, ln, verb[0], ln.tokens)
    if f.retract and not f.module and not lax:
        raise ModFileError(f"{name}: no module directive found, so retract cannot be used")
    return f


def is_directory_path(p: str) -> bool:
    """A replacement target that is a directory (./, ../, rooted, or a drive letter)."""
    return (p in (".", "..") or p.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
            or (len(p) >= 2 and p[0].isascii() and p[0].isalpha() and p[1] == ":"))


# --- writing go.mod -------------------------------------------------------------------


def _must_quote(s: str) -> bool:
    for c in s:
        if c in " \"'`":
            return True
        if c in "()[]{},":
            if len(s) > 1:
                return True
        elif not c.isprintable():
            return True
    return s == "" or "//" in s or "/*" in s


def auto_quote(s: str) -> str:
    """A token as go.mod writes it: quoted only when it could not stand alone."""
    if not _must_quote(s):
        return s
    return go_quote(s)


def _go_at_least(go: str, want: tuple) -> bool:
    m = re.match(r"^(\d+)\.(\d+)", go or "")
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= want


def _stmt(verb: str, lines: list) -> str:
    """One directive: a single line, or a ( ) block when it has several lines. A line is
    text or (comment lines above it, text)."""
    lines = [(ln if isinstance(ln, tuple) else ((), ln)) for ln in lines]
    if not lines:
        return ""
    if len(lines) == 1:
        com, text = lines[0]
        return "".join(c + "\n" for c in com) + f"{verb} {text}\n"
    return f"{verb} (\n" + "".join("".join(f"\t{c}\n" for c in com) + f"\t{text}\n" for com, text in lines) + ")\n"


def format_gomod(f: ModFile) -> bytes:
    """go.mod as ``go mod tidy`` writes it for a new file: module, go, toolchain, godebug;
    requirements (from go 1.17: direct ones, then a separate ``// indirect`` block; before
    that one block); excludes, replacements, retractions, tools. Blocks sorted as
    modfile.SortBlocks sorts them; a one-line block is written as a line (modfile.Cleanup).
    The caller picks ``go``: the go command raises it to any dependency's go line >= 1.21."""
    parts = [f"module {auto_quote(f.module)}\n"]
    if f.go:
        parts.append(f"go {f.go}\n")
    if f.toolchain:
        parts.append(f"toolchain {f.toolchain}\n")
    parts.append(_stmt("godebug", [f"{k}={v}" for k, v in f.godebug]))

    def req_line(r):
        return f"{auto_quote(r.path)} {r.version}" + (" // indirect" if r.indirect else "")

    def sort_lines(reqs):
        # compareLine: token by token (path, then version string), byte order.
        return [req_line(r) for r in sorted(reqs, key=lambda r: (auto_quote(r.path), r.version))]

    # The go command keeps one requirement per path (the last one MVS-wise is the caller's job).
    if _go_at_least(f.go, (1, 17)):
        parts.append(_stmt("require", sort_lines([r for r in f.require if not r.indirect])))
        parts.append(_stmt("require", sort_lines([r for r in f.require if r.indirect])))
    else:
        parts.append(_stmt("require", sort_lines(f.require)))

    excl = list(dict.fromkeys(f.exclude))
    if _go_at_least(f.go, (1, 21)):
        excl = sort_modules(excl)
        excl.sort(key=lambda e: auto_quote(e[0]))  # stable: path bytes, then semver within a path
    else:
        excl.sort(key=lambda e: (auto_quote(e[0]), e[1]))
    parts.append(_stmt("exclude", [f"{auto_quote(p)} {v}" for p, v in excl]))

    # Later replacements of the same old module@version win (modfile.removeDups).
    last = {}
    for r in f.replace:
        last[(r.old_path, r.old_version)] = r
    repl = []
    for r in last.values():
        toks = [auto_quote(r.old_path)] + ([r.old_version] if r.old_version else []) + \
               ["=>", auto_quote(r.new_path)] + ([r.new_version] if r.new_version else [])
        repl.append(toks)
    repl.sort()
    parts.append(_stmt("replace", [" ".join(t) for t in repl]))

    rets = sorted(f.retract, key=_retract_sort_key())
    rlines = []
    for r in rets:
        tok = r.low if r.low == r.high else f"[{r.low}, {r.high}]"
        com = tuple(f"// {c}" if c else "//" for c in r.rationale.split("\n")) if r.rationale else ()
        rlines.append((com, tok))
    parts.append(_stmt("retract", rlines))

    tools = sorted(dict.fromkeys(f.tool), key=auto_quote)
    parts.append(_stmt("tool", [auto_quote(t) for t in tools]))
    ign = sorted(dict.fromkeys(f.ignore), key=auto_quote)
    parts.append(_stmt("ignore", [auto_quote(t) for t in ign]))
    return "\n".join(p for p in parts if p).encode()


def _retract_sort_key():
    import functools

    def cmp(a, b):
        c = compare(a.low, b.low)
        if c:
            return -c
        return -compare(a.high, b.high)
    return functools.cmp_to_key(cmp)


# --- go.sum ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GoSumLine:
    path: str
    version: str  # "v1.2.3" for the module zip, "v1.2.3/go.mod" for its go.mod
    hash: str  # "h1:…"


def format_gosum(lines) -> bytes:
    """go.sum as the go command writes it: by module path, then version by semver (the
    ``/go.mod`` line after the zip line), hashes of one entry sorted, duplicates dropped."""
    by_mod: dict = {}
    for ln in lines:
        by_mod.setdefault((ln.path, ln.version), set()).add(ln.hash)
    out = []
    for path, ver in sort_modules(by_mod):
        for h in sorted(by_mod[(path, ver)]):
            out.append(f"{path} {ver} {h}\n")
    return "".join(out).encode()


def parse_gosum(data: bytes | str, name: str = "go.sum") -> list:
    """The lines of a go.sum file; blank lines are skipped as the go command skips them."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    out = []
    for i, raw in enumerate(text.split("\n"), 1):
        f = raw.split()
        if not f:
            continue
        if len(f) != 3:
            raise ModFileError(f"{name}:{i}: wrong number of fields {len(f)}")
        out.append(GoSumLine(f[0], f[1], f[2]))
    return out


# --- vendor/modules.txt ---------------------------------------------------------------


@dataclass
class VendorModule:
    """One module in vendor/modules.txt."""

    path: str
    version: str
    explicit: bool = False  # required in the main go.mod (go ≥ 1.14)
    go_version: str = ""  # the module's go directive (written from go 1.17)
    packages: list = field(default_factory=list)
    replace_path: str = ""
    replace_version: str = ""


def _module_line(path, version, rpath, rversion) -> str:
    s = "# " + path + (" " + version if version else "")
    if rpath:
        s += " => " + rpath + (" " + rversion if rversion else "")
    return s + "\n"


def format_modules_txt(modules, main_go: str, replace=()) -> bytes:
    """vendor/modules.txt as ``go mod vendor`` writes it for a main module at go ``main_go``.

    ``modules``: the modules that are explicit requirements or provide vendored packages
    (with their replacement, if any); ``replace``: the main go.mod's replace directives, of
    which those not already written on a module line are listed at the end (go ≥ 1.14).
    ``## explicit`` needs go ≥ 1.14, ``go X`` annotations 1.17. ``go_version`` is the go line
    of the module's go.mod (of the replacement, if replaced); "" when it has none or no go.mod,
    which go writes as a bare ``## explicit``."""
    notes = _go_at_least(main_go, (1, 14))
    go_versions = _go_at_least(main_go, (1, 17))
    by_key = {}
    for m in modules:
        by_key[(m.path, m.version)] = m
    out = []
    written = set()
    for key in sort_modules(by_key):
        m = by_key[key]
        out.append(_module_line(m.path, m.version, m.replace_path, m.replace_version))
        written.add(key)
        explicit = m.explicit and notes
        gv = m.go_version if go_versions else ""
        if explicit and gv:
            out.append(f"## explicit; go {gv}\n")
        elif explicit:
            out.append("## explicit\n")
        elif gv:
            out.append(f"## go {gv}\n")
        out.extend(p + "\n" for p in sorted(m.packages))
    if notes:
        for r in replace:
            key = (r.old_path, r.old_version)
            if key in written:
                continue
            written.add(key)
            out.append(_module_line(r.old_path, r.old_version, r.new_path, r.new_version))
    return "".join(out).encode()


def parse_modules_txt(data: bytes | str, name: str = "vendor/modules.txt") -> tuple:
    """Read vendor/modules.txt: (modules, replacements), where replacements are the
    trailing ``# old [v] => new [v]`` lines that name no vendored module."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    mods: list = []
    repl: list = []
    cur = None
    for i, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        if line.startswith("# "):
            f = line[2:].split()
            rp = rv = ""
            if "=>" in f:
                k = f.index("=>")
                f, r = f[:k], f[k + 1:]
                if len(r) not in (1, 2):
                    raise ModFileError(f"{name}:{i}: malformed module line")
                rp, rv = r[0], r[1] if len(r) == 2 else ""
            if len(f) not in (1, 2):
                raise ModFileError(f"{name}:{i}: malformed module line")
            cur = VendorModule(f[0], f[1] if len(f) == 2 else "", replace_path=rp, replace_version=rv)
            mods.append(cur)
            continue
        if line.startswith("## "):
            if cur is None:
                continue  # "## workspace" and other file-level notes
            for note in line[3:].split(";"):
                note = note.strip()
                if note == "explicit":
                    cur.explicit = True
                elif note.startswith("go "):
                    cur.go_version = note[3:].strip()
            continue
        if line.startswith("#"):
            continue
        if cur is None:
            raise ModFileError(f"{name}:{i}: package line before any module line")
        cur.packages.append(line)
    # Module lines with a replacement and nothing else after them at the end of the file are
    # the replacement records, not vendored modules.
    while mods and mods[-1].replace_path and not mods[-1].packages and not mods[-1].explicit \
            and not mods[-1].go_version:
        m = mods.pop()
        repl.insert(0, Replace(m.path, m.version, m.replace_path, m.replace_version))
    return mods, repl
