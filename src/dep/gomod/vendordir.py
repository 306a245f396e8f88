"""vendor/ as ``go mod vendor`` lays it out (cmd/go/internal/modcmd/vendor.go), without the go
command: which packages, which files of each, and vendor/modules.txt.

Packages: the load of ``all`` with every build tag but ``ignore`` on: the main module's
packages, their imports and the imports of their tests, transitively; tests of dependencies
are never followed (go mod vendor's ``all`` does not close over tests at any go version). Each
import resolves to the build-list module with a path prefix whose files hold a ``.go`` file in
that directory (more than one is ambiguous, none is missing: both recorded, as go fails there).

Files of a vendored package directory: every regular file directly in it except ``*_test.go``,
``.go`` files whose build constraint says ``ignore``, and (main go ≥ 1.17) go.mod and go.sum;
plus metadata files (names starting AUTHORS, CONTRIBUTORS, COPYLEFT, COPYING, COPYRIGHT,
LEGAL, LICENSE, NOTICE, PATENTS) of each parent directory up to the module root, a parent
being visited once per module; plus files named by ``//go:embed`` patterns (from go 1.22 those
of non-test files only). "The module's files" are its module zip's (dep.gomod.modzip), which
is what the module cache holds.

modules.txt: every explicit requirement and every module providing a package, via
dep.gomod.modfile.format_modules_txt. Pure planning (``plan``) and one writer (``write``).
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from dep.errors import DepError

__all__ = ["VendorError", "Module", "Package", "VendorTree", "plan", "main_module_files",
           "should_build", "go_file_facts", "META_PREFIXES"]

META_PREFIXES = ("AUTHORS", "CONTRIBUTORS", "COPYLEFT", "COPYING", "COPYRIGHT", "LEGAL", "LICENSE",
                 "NOTICE", "PATENTS")


class VendorError(DepError):
    """vendor/ cannot be laid out (e.g. two vendored paths that differ only in case)."""


@dataclass
class Module:
    """A build-list module: ``files`` maps names relative to its root (as in its zip) to a
    function returning the bytes. ``go_version``: its go.mod's go line (of the replacement, if
    replaced), "" without one."""

    path: str
    version: str
    files: dict
    go_version: str = ""
    explicit: bool = True
    replace_path: str = ""
    replace_version: str = ""


@dataclass
class Package:
    """What one package directory says: imports of its non-test files, of its test files, and
    its //go:embed patterns (non-test, test)."""

    imports: set = field(default_factory=set)
    test_imports: set = field(default_factory=set)
    embeds: list = field(default_factory=list)
    test_embeds: list = field(default_factory=list)


@dataclass
class VendorTree:
    """The planned vendor/: ``files`` maps paths below vendor/ to a bytes getter (modules.txt
    included); ``missing``/``ambiguous`` the imports go would fail on, as (importer, import)."""

    files: dict
    packages: dict            # module path -> [import paths]
    modules_txt: bytes
    missing: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)

    def write(self, dest: str) -> None:
        """Write the tree under ``dest`` (the new vendor/ directory), files mode 0666&~umask as go.
        Every path is checked again (``safepath``), whatever module paths and trees it came from."""
        from dep.safepath import check_import_path

        for rel in sorted(self.files):
            check_import_path(rel, "vendored file path")
            path = os.path.join(dest, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(self.files[rel]())


# --- build constraints with every tag but "ignore" (imports.ShouldBuild with AnyTags) ----------

_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[^\s()!&|]+)")


def _eval_expr(text: str) -> bool:
    toks = _TOKEN.findall(text)
    pos = 0

    def tag(name: str, prefer: bool) -> bool:
        return prefer if name != "ignore" else False

    def or_(prefer: bool) -> bool:
        nonlocal pos
        v = and_(prefer)
        while pos < len(toks) and toks[pos] == "||":
            pos += 1
            w = and_(prefer)
            v = v or w
        return v

    def and_(prefer: bool) -> bool:
        nonlocal pos
        v = not_(prefer)
        while pos < len(toks) and toks[pos] == "&&":
            pos += 1
            w = not_(prefer)
            v = v and w
        return v

    def not_(prefer: bool) -> bool:
        nonlocal pos
        if pos < len(toks) and toks[pos] == "!":
            pos += 1
            return not not_(not prefer)
        if pos < len(toks) and toks[pos] == "(":
            pos += 1
            v = or_(prefer)
            if pos < len(toks) and toks[pos] == ")":
                pos += 1
            return v
        if pos < len(toks):
            pos += 1
            return tag(toks[pos - 1], prefer)
        return True

    try:
        return or_(True)
    except RecursionError:  # "!!!!…" or "((((…" thousands deep, in a dependency's file
        raise VendorError(f"a //go:build line is nested too deeply to evaluate: {text[:40]}…") from None


def _plus_build_ok(line: str) -> bool:
    """One ``// +build`` line: any space-separated option whose comma-separated terms all hold;
    with every tag preferred, ``x`` holds unless it is ``ignore`` and ``!x`` always holds."""
    for opt in line.split():
        if all(not t.startswith("!!") and (t.startswith("!") or t != "ignore") for t in opt.split(",")):
            return True
    return False


def should_build(src: bytes) -> bool:
    """Whether a .go file is in the build with every tag set but ``ignore``: a ``//go:build``
    line in the header decides, else all ``// +build`` lines before the last blank line
    preceding the first non-comment line (go/build's parseFileHeader)."""
    go_build = None
    plus = []
    end_lines = 0
    ended = False
    in_star = False
    lines = src.split(b"\n")
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line and not ended:
            end_lines = i
            continue
        if not line.startswith(b"//"):
            ended = True
        if not in_star and line.startswith(b"//go:build") and (len(line) == 10 or line[10:11] in b" \t"):
            go_build = line[10:].decode("utf-8", "replace")
        if not ended and line.startswith(b"//"):
            rest = line[2:].strip()
            if rest.startswith(b"+build") and (len(rest) == 6 or rest[6:7] in b" \t"):
                plus.append((i, rest[6:].decode("utf-8", "replace")))
        # track /* */ comments roughly, and stop at the package clause
        text = line
        while text:
            if in_star:
                j = text.find(b"*/")
                if j < 0:
                    break
                in_star, text = False, text[j + 2:].strip()
            elif text.startswith(b"//"):
                break
            elif text.startswith(b"/*"):
                in_star, text = True, text[2:]
            else:
                break
        if ended and not in_star and re.match(rb"package\s", line):
            break
    if go_build is not None:
        return _eval_expr(go_build)
    return all(_plus_build_ok(text) for i, text in plus if i < end_lines)


# --- one Go file: imports and embeds -----------------------------------------------------------

_EMBED = re.compile(rb"^[ \t]*//go:embed[ \t]+(.*)$", re.M)


def _embed_patterns(src: bytes) -> list:
    out = []
    for m in _EMBED.finditer(src):
        text = m.group(1).decode("utf-8", "replace").strip()
        for q in re.findall(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)', text):
            out.append(q[0] or q[1] or q[2])
    return out


def go_file_facts(name: str, src: bytes):
    """(imports, embed patterns) of a .go file in the build, or None when it is not."""
    from dep import pkgtree

    if not should_build(src):
        return None
    facts = pkgtree._fast_header_facts(src) or pkgtree._header_facts(name, src)
    if isinstance(facts, str):
        return [], []
    imports = list(facts[3])
    return imports, (_embed_patterns(src) if "embed" in imports else [])


def _package(names: Iterable[str], read) -> Package:
    """The Package of one directory from its file ``names`` (module-relative) and ``read``."""
    pkg = Package()
    for name in sorted(names):
        base = name.rpartition("/")[2]
        if not name.endswith(".go") or base.startswith(("_", ".")):
            continue
        facts = go_file_facts(name, read(name))
        if facts is None:
            continue
        imports, embeds = facts
        if base.endswith("_test.go"):
            pkg.test_imports.update(imports)
            pkg.test_embeds.extend(embeds)
        else:
            pkg.imports.update(imports)
            pkg.embeds.extend(embeds)
    return pkg


def _by_dir(files: dict) -> dict:
    out: dict = {}
    for name in files:
        out.setdefault(name.rpartition("/")[0], []).append(name)
    return out


# --- the main module's files -------------------------------------------------------------------

def main_module_files(root: str) -> dict:
    """The main module's .go files as ``go list ./...`` sees them: below ``root``, pruning
    vendor, testdata, ``.``/``_`` directories and nested modules (a go.mod)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        keep = []
        for d in sorted(dirnames):
            if d in ("vendor", "testdata") or d.startswith((".", "_")):
                continue
            if os.path.isfile(os.path.join(dirpath, d, "go.mod")):
                continue
            keep.append(d)
        dirnames[:] = keep
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            if fn.endswith(".go") and os.path.isfile(full):
                out[(rel + "/" if rel else "") + fn] = (lambda p=full: _read(p))
    return out


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


# --- the plan ----------------------------------------------------------------------------------

def _go_at_least(go: str, major: int, minor: int) -> bool:
    m = re.match(r"^(\d+)\.(\d+)", go or "")
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= (major, minor)


def _is_std(path: str) -> bool:
    return "." not in path.split("/", 1)[0]


def _fold(s: str) -> str:
    return s.lower()


def _resolve_embeds(files: dict, pkg_dir: str, patterns: Iterable[str]) -> list:
    """Files (module-relative) //go:embed ``patterns`` name in ``pkg_dir``: a file matches by
    name; a directory brings its files recursively, without ``.``/``_`` names unless ``all:``."""
    prefix = pkg_dir + "/" if pkg_dir else ""
    out = []
    for pat in patterns:
        all_files = pat.startswith("all:")
        if all_files:
            pat = pat[4:]
        parts = pat.split("/")
        for name in files:
            if not name.startswith(prefix):
                continue
            rel = name[len(prefix):].split("/")
            if len(rel) < len(parts):
                continue
            if not all(fnmatch.fnmatchcase(rel[i], parts[i]) for i in range(len(parts))):
                continue
            below = rel[len(parts):]
            if below and not all_files and any(b.startswith((".", "_")) for b in below):
                continue
            out.append(name)
    return out


def plan(main_path: str, main_files: dict, modules: list, main_go: str, replace=(),
         rewrite: Callable[[str], str] | None = None, roots: Iterable[str] = ()) -> VendorTree:
    """vendor/ for main module ``main_path`` whose .go files are ``main_files`` (name ->
    getter), over the build list ``modules`` ([Module]) at main go version ``main_go``;
    ``replace``: the main go.mod's modfile.Replace directives; ``rewrite(import)``: the import
    path the main module's code will use (for imports the migration report says to rewrite);
    ``roots``: more packages of ``all`` (go.mod ``tool`` directives)."""
    from dep.gomod.modfile import VendorModule, format_modules_txt

    by_path = {m.path: m for m in modules}
    dirs = {m.path: _by_dir(m.files) for m in modules}
    dirs_with_go = {mp: {d for d, names in ds.items() if any(n.endswith(".go") for n in names)}
                    for mp, ds in dirs.items()}
    pkg_cache: dict = {}
    data_cache: dict = {}

    def read(m: Module, name: str) -> bytes:
        key = (m.path, name)
        if key not in data_cache:
            data_cache[key] = m.files[name]()
        return data_cache[key]

    def package(m: Module, d: str) -> Package:
        if (m.path, d) not in pkg_cache:
            pkg_cache[(m.path, d)] = _package(dirs[m.path].get(d, []), lambda n: read(m, n))
        return pkg_cache[(m.path, d)]

    tree = VendorTree(files={}, packages={}, modules_txt=b"")

    def resolve(importer: str, ip: str):
        cands = []
        for mp in by_path:
            if ip == mp or ip.startswith(mp + "/"):
                rel = ip[len(mp) + 1:]
                if rel in dirs_with_go[mp]:
                    cands.append(mp)
        if not cands:
            tree.missing.append((importer, ip))
            return None
        if len(cands) > 1:
            tree.ambiguous.append((importer, ip))
            return None
        return cands[0]

    main_dirs = _by_dir(main_files)
    main_pkgs = {d: _package(names, lambda n: main_files[n]()) for d, names in main_dirs.items()}
    seen: dict = {}  # import path -> module path
    todo: list = []

    def want(importer: str, ip: str) -> None:
        if ip in seen or ip == "C" or ip.startswith(".") or _is_std(ip):
            return
        if ip == main_path or ip.startswith(main_path + "/"):
            return
        mp = resolve(importer, ip)
        if mp is None:
            return
        seen[ip] = mp
        todo.append(ip)

    for d in sorted(main_pkgs):
        p = main_pkgs[d]
        importer = main_path + ("/" + d if d else "")
        for ip in sorted(p.imports | p.test_imports):
            want(importer, rewrite(ip) if rewrite else ip)
    for ip in roots:
        want(main_path, ip)
    while todo:
        ip = todo.pop()
        m = by_path[seen[ip]]
        p = package(m, ip[len(m.path) + 1:])
        for imp in sorted(p.imports):
            want(ip, imp)

    for ip, mp in seen.items():
        tree.packages.setdefault(mp, []).append(ip)
    folds: dict = {}
    for mp in tree.packages:
        other = folds.setdefault(_fold(mp), mp)
        if other != mp:
            raise VendorError(f"go.mod: case-insensitive import collision: {mp!r} and {other!r}")

    strip_mod = _go_at_least(main_go, 1, 17)
    test_embeds = not _go_at_least(main_go, 1, 22)
    meta_seen: set = set()
    vmods = []
    for m in sorted(modules, key=lambda m: m.path):
        pkgs = sorted(tree.packages.get(m.path, []))
        if not pkgs and not m.explicit:
            continue
        vmods.append(VendorModule(m.path, m.version, explicit=m.explicit, go_version=m.go_version,
                                  packages=pkgs, replace_path=m.replace_path,
                                  replace_version=m.replace_version))
        by_dir = {d: [n.rpartition("/")[2] for n in names] for d, names in dirs[m.path].items()}
        for ip in pkgs:
            d = ip[len(m.path) + 1:]
            for base in by_dir.get(d, []):
                name = (d + "/" if d else "") + base
                if base.endswith("_test.go"):
                    continue
                if strip_mod and base in ("go.mod", "go.sum"):
                    continue
                if base.endswith(".go") and not should_build(read(m, name)):
                    continue
                tree.files[ip + "/" + base] = m.files[name]
            # metadata of the parents, each (module, directory) once
            pkg, src = ip, d
            first = True
            while (m.path, pkg) not in meta_seen:
                meta_seen.add((m.path, pkg))
                if not first:
                    for base in by_dir.get(src, []):
                        if base.startswith(META_PREFIXES):
                            name = (src + "/" if src else "") + base
                            tree.files.setdefault(pkg + "/" + base, m.files[name])
                first = False
                if pkg == m.path:
                    break
                pkg, src = posixpath.dirname(pkg), posixpath.dirname(src)
            pinfo = package(m, d)
            patterns = pinfo.embeds + (pinfo.test_embeds if test_embeds else [])
            for name in _resolve_embeds(m.files, d, patterns):
                tree.files.setdefault(ip + "/" + name[len(d) + 1 if d else 0:], m.files[name])
    tree.modules_txt = format_modules_txt(vmods, main_go, replace)
    if tree.modules_txt:
        data = tree.modules_txt
        tree.files["modules.txt"] = lambda: data
    return tree
