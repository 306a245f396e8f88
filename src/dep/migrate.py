"""The ``dep migrate`` job: Gopkg.lock to go.mod and go.sum, offline, from dep's source cache.

Each locked project becomes a module at exactly its locked revision: the module path is the
dependency's own go.mod ``module`` line at that revision when it has one (so a v2+ module is
``…/v2``), else the project root; the version is the one the go command gives that commit
(``dep.gomod.pseudo``). A ``source`` (fork) becomes ``replace canonical => fork version``
with ``require`` keeping the canonical path, as the go command wants. go.sum gets the
``h1:`` of every module zip and of every go.mod read, computed from the cached clones
(``dep.gomod.modzip``), so ``go mod verify`` and ``go mod tidy`` agree without a download.
MVS runs over the dependencies' go.mod files; where it raises a locked module the report
says which requirement does it.

What cannot carry over (constraints and overrides, ``ignored``, prune options, ``required``
raised or unresolved modules, imports that stop resolving) is listed as losses. ``required``
packages (dep's tools) survive as a ``tools.go`` behind the ``tools`` build constraint (go
line below 1.24) or as ``tool`` directives (1.24 on). A locked package inside a nested module
of its dependency (a ``go.mod`` in a subdirectory at the locked revision) makes that nested
module a requirement of its own. An import of the project's own code that no locked module
provides is an error naming each file:line: the go command could not build it either.

vendor/ is laid out as ``go mod vendor`` would (``dep.gomod.vendordir``), unless ``-vendor=false``.
Nothing here prints; the CLI renders ``Migration``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from dep.errors import DepError
from dep.gomod.lockmap import ModuleAt

__all__ = ["MigrateError", "ProjectMigration", "Loss", "Migration", "migrate", "write", "DEFAULT_GO"]

DEFAULT_GO = "1.17"  # the lowest go line with pruned module graphs and `## explicit; go` vendoring
TOOLS_GO = "tools.go"  # where required packages go for a go line below 1.24 (tool directives after)


class MigrateError(DepError):
    """The project cannot be migrated (already a module, no lock, a source that cannot be read)."""


@dataclass
class ProjectMigration:
    """One locked project and the module it became."""

    name: str              # dep project root
    dep_version: str       # tag or branch from Gopkg.lock, "" for a bare revision
    revision: str
    module: str            # the path go.mod requires
    version: str           # the version go.mod requires (the selected one, if MVS raised it)
    derived: str           # how the locked revision's version came about
    locked_version: str = ""   # the module version of the locked revision
    source: str = ""       # Gopkg.lock source, if any
    replace_path: str = ""  # the fork's module path (replace canonical => replace_path version)
    has_go_mod: bool = False
    direct: bool = False
    module_dir: str = ""   # a nested module's directory in the project ("" = the project root)

    def to_json(self) -> dict:
        d = {"name": self.name, "dep_version": self.dep_version, "revision": self.revision,
             "module": self.module, "version": self.version, "locked_version": self.locked_version,
             "derived": self.derived, "has_go_mod": self.has_go_mod, "direct": self.direct}
        if self.module_dir:
            d["module_dir"] = self.module_dir
        if self.source:
            d["source"] = self.source
            d["replace"] = {"path": self.replace_path, "version": self.locked_version}
        return d


@dataclass(frozen=True)
class Loss:
    """Something Gopkg.toml/Gopkg.lock says that the module files cannot."""

    kind: str  # constraint, override, ignored, prune, required, noverify, raised, unresolved, import, go
    subject: str
    text: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "text": self.text}


@dataclass
class Migration:
    """What ``dep migrate`` would write, and the report."""

    root: str
    module: str
    go: str
    projects: list = field(default_factory=list)  # [ProjectMigration]
    losses: list = field(default_factory=list)    # [Loss]
    go_mod: bytes = b""
    go_sum: bytes = b""
    tools: list = field(default_factory=list)     # Gopkg.toml required packages, kept as tools
    tools_go: bytes = b""                         # tools.go (go line below 1.24), else b""
    vendor: object = None                         # dep.gomod.vendordir.VendorTree, if vendoring

    def written(self) -> dict[str, bytes]:
        """The top-level files to write: go.mod, and go.sum and tools.go unless empty (the go
        command writes no go.sum for a module that requires nothing)."""
        files = {"go.mod": self.go_mod, "go.sum": self.go_sum, TOOLS_GO: self.tools_go}
        return {name: data for name, data in files.items() if data or name == "go.mod"}

    def to_json(self) -> dict:
        files = {name: data.decode() for name, data in self.written().items()}
        if self.vendor is not None and self.vendor.packages:
            files["vendor/modules.txt"] = self.vendor.modules_txt.decode()
        return {"module": self.module, "go": self.go, "tools": list(self.tools),
                "projects": [p.to_json() for p in self.projects],
                "losses": [x.to_json() for x in self.losses],
                "files": files}

    def report(self, verbose: bool = False) -> str:
        """The plain-words report: per project, dep version -> module version; then losses."""
        out = [f"Module {self.module} (go {self.go}), from {len(self.projects)} locked projects:\n"]
        for p in self.projects:
            dep_v = p.dep_version or "revision " + p.revision[:12]
            line = f"  {p.name} {dep_v} -> {p.module} {p.locked_version} ({p.derived})"
            if p.replace_path:
                line += f", replaced by {p.replace_path} {p.locked_version}"
            if p.version != p.locked_version:
                line += f", raised to {p.version}"
            out.append(line + "\n")
            if verbose:
                out.append(f"      revision {p.revision}, {'go.mod' if p.has_go_mod else 'no go.mod'}, "
                           f"{'direct' if p.direct else 'indirect'}\n")
        if self.tools:
            how = f"{TOOLS_GO} (//go:build tools)" if self.tools_go else "tool directives in go.mod"
            out.append(f"\nRequired packages kept as tools, by {how}:\n")
            out.extend(f"  {t}\n" for t in self.tools)
        if self.losses:
            out.append("\nWhat does not carry over:\n")
            out.extend(f"  {x.text}\n" for x in self.losses)
        else:
            out.append("\nNothing is lost in the migration.\n")
        return "".join(out)


# --- the job ---------------------------------------------------------------------------------

def migrate(project, sm, module_path: str = "", go_version: str = DEFAULT_GO, imports=None,
            vendor: bool = False) -> Migration:
    """Compute go.mod, go.sum and the report for ``project`` (dep.project.Project) using the
    SourceManager ``sm`` for the locked sources. ``imports``: the root's external imports
    (default: Gopkg.lock's input-imports). Writes nothing."""
    from dep.gomod import lockmap
    from dep.gomod import module as gmodule

    root = project.abs_root
    if os.path.lexists(os.path.join(root, "go.mod")):
        raise MigrateError(f"{os.path.join(root, 'go.mod')} already exists: the project is already a Go module, "
                           "nothing to migrate")
    if project.lock is None:
        raise MigrateError(f"no Gopkg.lock in {root}: run dep ensure first, dep migrate converts the lock")
    module_path = module_path or project.import_root
    if not module_path:
        raise MigrateError("cannot tell the module path (the project is outside GOPATH): pass -module PATH")
    try:
        gmodule.check_path(module_path)
    except DepError as e:
        raise MigrateError(f"-module: {e}") from None
    if not re.fullmatch(r"1\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?", go_version):
        raise MigrateError(f"-go: invalid go version {go_version!r}: want 1.N or 1.N.P, e.g. {DEFAULT_GO}")

    m = Migration(root=root, module=module_path, go=go_version)
    entries = lockmap.open_sources(project.lock.projects, sm, "dep migrate", _Entry)
    imports = list(project.lock.input_imports if imports is None else imports)
    for e in entries:
        _resolve(e)
    entries = _nested_modules(entries)
    m.tools = sorted(dict.fromkeys(project.manifest.required))
    in_code = _check_imports(project, module_path, entries)
    graph_sums, dep_go = _graph(m, entries)
    _go_line(m, dep_go)
    if m.tools and _go_key(m.go)[:2] < (1, 24):
        m.tools_go = _render_tools_go(project, m.tools, m.go)
        imports += m.tools  # tools.go imports them: direct
    elif m.tools:
        # a module only a tool directive names is // indirect to the go command
        imports = [ip for ip in imports if ip not in m.tools or ip in in_code]
    _mark_direct(entries, imports)
    m.projects = [e.report for e in entries]
    _manifest_losses(m, project)
    for e in entries:
        if e.mismatch:
            m.losses.append(Loss("module", e.name, f"{e.name}: its go.mod declares module {e.mismatch}; the go "
                                 f"command refuses it as {e.module}: import it as {e.mismatch} instead"))
    _import_losses(m, project, entries)
    m.go_mod = _render_gomod(m, entries)
    m.go_sum = _render_gosum(entries, graph_sums)
    if vendor:  # vendor/ as go mod vendor lays it out (see _vendor_tree)
        m.vendor = _vendor_tree(m, project, entries)
    return m


def write(project, migration: Migration) -> None:
    """Write go.mod, go.sum (tools.go) and, when vendoring, the new vendor/ in place of dep's,
    all together or none (dep.txn); Gopkg.* stay."""
    from dep.txn import Transaction

    with Transaction(project.abs_root) as txn:
        for name, data in migration.written().items():
            txn.write_file(name, data.decode())
        if migration.vendor is not None:  # replaces dep's vendor/; go mod vendor writes none when
            if migration.vendor.packages:  # there is nothing to vendor
                migration.vendor.write(txn.vendor_dir)
            else:
                txn.drop_vendor()
        txn.commit()


# --- sources and versions ----------------------------------------------------------------------

class _Entry(ModuleAt):
    """A locked project while it is being turned into a module: lockmap's module path and
    version, plus what go.mod, go.sum and the report need."""

    def __init__(self, lp, src) -> None:
        super().__init__(lp, src)
        self.go_mod = b""       # the go.mod bytes go.sum hashes (real or synthesized)
        self.requires = []      # [(path, version)] from its go.mod
        self.go = ""            # its go.mod's go line
        self.version = ""       # selected version (locked unless raised)
        self.h1 = ""
        self.report = None


def _resolve(e: _Entry) -> None:
    """Module path and version of the locked revision (dep.gomod.lockmap), its go.mod and zip hash."""
    from dep.gomod import lockmap, modfile
    from dep.gomod.dirhash import legacy_go_mod

    name = e.name
    lockmap.resolve(e)
    _hash(e, name)
    e.go_mod = e.mv.go_mod if e.mv.go_mod is not None else legacy_go_mod(e.sum_path)
    if e.mv.go_mod is not None:
        f = modfile.parse_gomod(e.mv.go_mod, f"{name}/go.mod", lax=True)
        e.requires = [(r.path, r.version) for r in f.require]
        e.go = f.go
    dep_version = str(e.lp.version) if e.lp.version is not None else ""
    e.report = ProjectMigration(
        name=name, dep_version=dep_version, revision=e.lp.revision, module=e.module, version=e.version,
        derived=e.mv.derived, locked_version=e.mv.version, source=e.lp.source,
        replace_path=e.sum_path if e.lp.source else "", has_go_mod=e.mv.go_mod is not None)


def _owner(entries, path: str):
    """The entry (module) whose directory holds import path ``path`` (longest wins, so a
    nested module beats its project's root module)."""
    best = None
    for e in entries:
        if path == e.ipath or path.startswith(e.ipath + "/"):
            if best is None or len(e.ipath) > len(best.ipath):
                best = e
    return best


def _nested_modules(entries) -> list:
    """Each locked package lying in a nested module of its project makes that nested module a
    requirement too (dep.gomod.lockmap.modules_of). The project's root module stays only if a
    locked package is in it."""
    from dep.gomod import lockmap

    out = []
    for e in entries:
        for n in lockmap.modules_of(e):
            if n is not e:
                _resolve_nested(e, n)
            out.append(n)
    return out


def _resolve_nested(root: _Entry, n: _Entry) -> None:
    from dep.gomod import modfile

    d = n.mod_dir
    _hash(n, f"{root.name} ({d}/)")
    n.go_mod = n.mv.go_mod or b""
    f = modfile.parse_gomod(n.go_mod, f"{n.module}/go.mod", lax=True)
    n.requires = [(r.path, r.version) for r in f.require]
    n.go = f.go
    n.report = ProjectMigration(
        name=root.name, dep_version=root.report.dep_version, revision=root.lp.revision, module=n.module,
        version=n.version, derived=n.mv.derived + f", nested module {d}/", locked_version=n.mv.version,
        source=root.lp.source, replace_path=n.sum_path if root.lp.source else "", has_go_mod=True,
        module_dir=d)


def _hash(e: _Entry, label: str) -> None:
    """The zip hash of e's module at its locked version (which it starts selected at)."""
    from dep.gomod import modzip

    try:
        e.h1 = modzip.h1_of_revision(e.src.path, e.mv.commit, e.sum_path, e.mv.version, e.mv.module_dir)
    except DepError as err:
        raise MigrateError(f"{label}: {err}") from None
    e.version = e.mv.version


def _check_imports(project, module_path: str, entries) -> set:
    """Every import of the project's own code must be the standard library, the project
    itself, or inside a locked module; else the go command cannot find it: one error naming
    each file:line. Returns the imports seen."""
    from dep.pkgtree import is_standard_import_path

    own = {p for p in (project.import_root, module_path) if p}
    missing, seen = [], set()
    for rel, line, ip in _go_imports(project.resolved_abs_root):
        seen.add(ip)
        if ip == "C" or ip.startswith(".") or is_standard_import_path(ip):
            continue
        if any(ip == p or ip.startswith(p + "/") for p in own) or _owner(entries, ip) is not None:
            continue
        missing.append(f"{rel}:{line}: {ip}")
    if missing:
        raise MigrateError("imports that no locked project provides (module mode cannot find them; run "
                           "dep ensure, or remove them): " + "; ".join(missing))
    return seen


def _go_imports(base: str):
    """(file relative to base, line, import path) of every import in the project's Go files
    (not vendor/, testdata/, or dirs starting with . or _; not files dep's ``+build ignore``
    rule skips)."""
    from dep.pkgtree import _header_facts

    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in ("vendor", "testdata") and not d.startswith((".", "_")))
        for fn in sorted(filenames):
            if not fn.endswith(".go") or fn.startswith((".", "_")):
                continue
            full = os.path.join(dirpath, fn)
            try:
                with open(full, "rb") as fh:
                    src = fh.read()
            except OSError:
                continue
            facts = _header_facts(full, src)
            if isinstance(facts, str) or facts[2]:
                continue
            rel = os.path.relpath(full, base)
            for ip in facts[3]:
                at = src.find(b'"' + ip.encode("utf-8", "surrogateescape") + b'"')
                if at < 0:
                    at = src.find(ip.encode("utf-8", "surrogateescape"))
                yield rel, src.count(b"\n", 0, max(at, 0)) + 1, ip


def _mark_direct(entries, imports) -> None:
    for ip in imports:
        e = _owner(entries, ip)
        if e is not None:
            e.report.direct = True


# --- the module graph ------------------------------------------------------------------------

def _other_version(e: _Entry, version: str):
    """The ModuleVersion of ``version`` of e's module from its cached clone, or None."""
    from dep.gomod import pseudo

    if pseudo.is_pseudo_version(version):
        rev = pseudo.pseudo_version_rev(version)
    else:
        base = version[:-len("+incompatible")] if version.endswith("+incompatible") else version
        code_dir = e.mv.module_dir if not re.search(r"/v[0-9]+$", e.mv.module_dir or "") else ""
        rev = (code_dir + "/" if code_dir else "") + base
    try:
        commit = e.src.resolve_revision(rev)
        mv = pseudo.resolve_module_version(e.src, commit, e.sum_path, e.code_root)
    except DepError:
        return None
    return mv if mv.version == version else None


def _go_key(v: str) -> tuple:
    return tuple(int(x) for x in re.findall(r"[0-9]+", v or "")[:3])


def _graph(m: Migration, entries) -> tuple:
    """MVS over the dependencies' go.mod files, loaded as ``go mod tidy`` loads the graph: with
    the go line's previous version (tidy's default -compat) at 1.17 or later, pruned (a
    module's requirements are followed further only when its own go.mod is unpruned, i.e.
    older than 1.17 or absent), else whole; raises versions (with a loss each) and
    returns the extra go.sum ``/go.mod`` lines of the go.mod files read and the go lines of
    the selected go.mods."""
    from dep.gomod import modfile, modzip, mvs
    from dep.gomod.dirhash import hash_go_mod, legacy_go_mod

    by_module = {e.module: e for e in entries}
    others = {}  # (module, version) -> ModuleVersion read from the clone, or None
    unresolved = {}
    read = {}  # (path, version) -> (requirements, go line, go.sum line or None)

    def load(path, version):
        e = by_module.get(path)
        if e is None:
            unresolved.setdefault((path, version), None)
            return [], "", None, False
        if version == e.mv.version:
            return e.requires, e.go, None, e.mv.go_mod is not None
        if (path, version) not in others:
            others[(path, version)] = _other_version(e, version)
        mv = others[(path, version)]
        if mv is None:
            unresolved.setdefault((path, version), e.name)
            return [], "", None, False
        data = mv.go_mod if mv.go_mod is not None else legacy_go_mod(e.sum_path)
        line = modfile.GoSumLine(e.sum_path, version + "/go.mod", hash_go_mod(data))
        if mv.go_mod is None:
            return [], "", line, False
        f = modfile.parse_gomod(mv.go_mod, f"{path}@{version}/go.mod", lax=True)
        return [(r.path, r.version) for r in f.require], f.go, line, True

    # go mod tidy keeps the go.sum lines the previous go version needs too (-compat): for
    # go 1.17 that is go 1.16, which loads the whole unpruned graph
    main_pruned = _go_key(m.go)[:2] >= (1, 18)
    roots = sorted((e.module, e.mv.version) for e in entries)
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in read:
            continue
        read[node] = load(*node)
        reqs, go, _, has_go_mod = read[node]
        if not main_pruned or not has_go_mod or _go_key(go) < (1, 17):
            stack.extend(r for r in reqs if r not in read)
    extra_sums = [v[2] for v in read.values() if v[2] is not None]

    def reqs(path, version):
        got = read.get((path, version))
        return got[0] if got is not None else []

    locked = {e.module: e.mv.version for e in entries}
    graph = mvs.build_list(sorted(locked.items()), reqs, root=(m.module, ""))
    dep_go = [e.go for e in entries]
    for r in mvs.upgrades_over(locked, graph):
        e = by_module[r.path]
        mv = others.get((r.path, r.selected)) or _other_version(e, r.selected)
        by = f"{r.required_by[0]}@{r.required_by[1]}"
        if mv is None:
            m.losses.append(Loss("raised", r.path, f"{r.path}: the graph raises {r.locked} to {r.selected} "
                                 f"(required by {by}), which is not in the cached clone; go.mod keeps "
                                 f"{r.locked} and go mod tidy will raise it"))
            continue
        e.version = r.selected
        e.report.version = r.selected
        e.h1 = modzip.h1_of_revision(e.src.path, mv.commit, e.sum_path, mv.version, mv.module_dir)
        e.go_mod = mv.go_mod if mv.go_mod is not None else legacy_go_mod(e.sum_path)
        dep_go.append(modfile.parse_gomod(mv.go_mod, "go.mod", lax=True).go if mv.go_mod else "")
        m.losses.append(Loss("raised", r.path, f"{r.path}: locked at {r.locked}, raised to {r.selected} "
                             f"by the go.mod of {by}; the build uses {r.selected}"))
    for (path, version), via in sorted(unresolved.items()):
        if path in by_module and graph.selected.get(path) != version:
            what = f"{path}@{version} (a version of locked {via} not in the cached clone)"
        else:
            what = f"{path}@{version} (not in Gopkg.lock)"
        m.losses.append(Loss("unresolved", path, f"requirement {what} is left out of go.mod and go.sum; "
                             "go mod tidy may add it"))
    return extra_sums, dep_go


def _go_line(m: Migration, dep_go) -> None:
    """From go 1.21 a module cannot require a module with a newer go line: raise ours."""
    want = m.go
    for g in dep_go:
        if g and _go_key(g) >= (1, 21) and _go_key(g) > _go_key(want):
            want = g
    if want != m.go:
        m.losses.append(Loss("go", "go", f"go line raised from {m.go} to {want}: a dependency's go.mod needs it"))
        m.go = want


def _render_gomod(m: Migration, entries) -> bytes:
    from dep.gomod.modfile import ModFile, Replace, Require, format_gomod

    f = ModFile(module=m.module, go=m.go)
    if m.tools and not m.tools_go:
        f.tool = list(m.tools)
    for e in entries:
        f.require.append(Require(e.module, e.version, indirect=not e.report.direct))
        if e.lp.source:
            f.replace.append(Replace(e.module, "", e.sum_path, e.version))
    return format_gomod(f)


def _render_tools_go(project, tools, go: str) -> bytes:
    """tools.go in the project root: the required packages as blank imports behind the
    ``tools`` build constraint, so go mod tidy keeps their modules but builds skip them. It
    takes the package name of the root directory's Go files (the go command wants one)."""
    root = project.resolved_abs_root
    if os.path.lexists(os.path.join(root, TOOLS_GO)):
        raise MigrateError(f"{os.path.join(root, TOOLS_GO)} exists: move it aside so dep migrate can keep the "
                           "required packages there, or use -go 1.24 for tool directives")
    from dep.pkgtree import _header_facts

    name = "tools"
    for fn in sorted(os.listdir(root)):
        if fn.endswith(".go") and not fn.endswith("_test.go") and not fn.startswith((".", "_")):
            with open(os.path.join(root, fn), "rb") as fh:
                facts = _header_facts(fn, fh.read())
            if not isinstance(facts, str) and not facts[2] and facts[0] != "documentation":
                name = facts[0]
                break
    head = "//go:build tools\n" + ("// +build tools\n" if _go_key(go)[:2] < (1, 17) else "")
    lines = [head, "\n// Package imports kept from Gopkg.toml's required list by dep migrate.\n",
             f"package {name}\n\nimport (\n"]
    lines.extend(f'\t_ "{t}"\n' for t in tools)
    lines.append(")\n")
    return "".join(lines).encode()


def _render_gosum(entries, extra) -> bytes:
    from dep.gomod.dirhash import hash_go_mod
    from dep.gomod.modfile import GoSumLine, format_gosum

    lines = list(extra)
    for e in entries:
        lines.append(GoSumLine(e.sum_path, e.version, e.h1))
        lines.append(GoSumLine(e.sum_path, e.version + "/go.mod", hash_go_mod(e.go_mod)))
    return format_gosum(lines)


# --- vendor/ (go mod vendor's layout) ---------------------------------------------------------

def _vendor_tree(m: Migration, project, entries):
    """vendor/ as ``go mod vendor`` would lay it out for the go.mod just rendered: each
    module's files at its selected version from the cached clone (dep.gomod.vendordir), the
    main module's imports read as the report says to rewrite them (/vN), plus the tools."""
    from contextlib import ExitStack

    from dep.gomod import modfile, modzip, vendordir

    def rewrite(ip: str) -> str:
        e = _owner(entries, ip)
        if e is not None and e.module != e.ipath and not (ip == e.module or ip.startswith(e.module + "/")):
            return e.module + ip[len(e.ipath):]
        return ip

    main_files = vendordir.main_module_files(project.resolved_abs_root)
    if m.tools_go:
        main_files[TOOLS_GO] = lambda tools_go=m.tools_go: tools_go
    replace = modfile.parse_gomod(m.go_mod, "go.mod").replace
    with ExitStack() as stack:
        modules = []
        for e in entries:
            mv = e.mv if e.version == e.mv.version else _other_version(e, e.version)
            if mv is None:
                raise MigrateError(f"{e.module}@{e.version}: not in the cached clone, cannot vendor it")
            rev = stack.enter_context(modzip.Revision(e.src.path, mv.commit))
            try:
                files = {name: f.read for name, f in modzip.module_files(modzip.revision_files(rev, mv.module_dir))}
            except DepError as err:
                raise MigrateError(f"{e.module}@{e.version}: {err}") from None
            go = modfile.parse_gomod(e.go_mod, f"{e.module}/go.mod", lax=True).go or ""
            modules.append(vendordir.Module(e.module, e.version, files, go_version=go, explicit=True,
                                            replace_path=e.sum_path if e.lp.source else "",
                                            replace_version=e.version if e.lp.source else ""))
        try:
            tools = () if m.tools_go else m.tools  # tool directives: the tools are packages of "all" too
            tree = vendordir.plan(m.module, main_files, modules, m.go, replace, rewrite=rewrite, roots=tools)
        except DepError as err:
            raise MigrateError(f"vendor/: {err}") from None
        for rel, get in list(tree.files.items()):  # read now: the clones close with this block
            data = get()
            tree.files[rel] = lambda data=data: data
    for importer, ip in tree.missing + tree.ambiguous:
        m.losses.append(Loss("vendor", ip, f"vendor/: {importer} imports {ip}, which no module of the build "
                             "list provides (exactly once); go mod vendor will fail on it"))
    return tree


# --- losses --------------------------------------------------------------------------------------

def _manifest_losses(m: Migration, project) -> None:
    from dep.prune import OPTION_NAMES, PruneOptions

    man = project.manifest
    versions = {p.name: (p.module, p.version) for p in m.projects}
    for kind, rules in (("constraint", man.constraints), ("override", man.overrides)):
        for name in sorted(rules):
            c = rules[name].constraint
            text = str(c) if c is not None else "*"
            got = versions.get(name)
            at = f"; go.mod requires {got[0]} {got[1]}" if got else "; the project is not locked"
            if text not in ("*", ""):
                m.losses.append(Loss(kind, name, f"{kind} {name} {text}: modules keep only minimum versions{at}"))
            if rules[name].source:
                m.losses.append(Loss(kind, name, f"{kind} {name} source {rules[name].source}: only the locked "
                                     "source carries over, as a replace directive"))
    for pattern in man.ignored:
        m.losses.append(Loss("ignored", pattern, f"ignored {pattern}: go.mod has no ignore rule for imports; "
                             "the go command resolves every import"))
    for path in man.noverify:
        m.losses.append(Loss("noverify", path, f"noverify {path}: go.sum always verifies every module"))
    opts = man.prune.default & ~PruneOptions.NESTED_VENDOR
    if opts or man.prune.per_project:
        names = [n for n, bit in OPTION_NAMES.items() if opts & bit]
        what = ", ".join(names) if names else "per-project rules"
        if man.prune.per_project and names:
            what += " and per-project rules"
        m.losses.append(Loss("prune", "prune", f"prune options ({what}): the go command has none; "
                             "go mod vendor keeps what the build needs, without tests"))


_IMPORT_LINE = re.compile(r'^\s*(?:import\s+)?(?:[A-Za-z_][A-Za-z0-9_]*\s+|[._]\s+)?"([^"]+)"')


def _import_losses(m: Migration, project, entries) -> None:
    """Imports of a project whose module path has a /vN suffix, which module mode only finds
    with the suffix: file:line and the import to use."""
    moved = [e for e in entries if e.module != e.ipath]
    if not moved:
        return
    base = project.resolved_abs_root
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in ("vendor", "testdata") and not d.startswith((".", "_")))
        for fn in sorted(filenames):
            if not fn.endswith(".go"):
                continue
            full = os.path.join(dirpath, fn)
            try:
                with open(full, encoding="utf-8", errors="replace") as fh:
                    lines = fh.read().split("\n")
            except OSError:
                continue
            rel = os.path.relpath(full, base)
            for i, line in enumerate(lines, 1):
                mt = _IMPORT_LINE.match(line)
                if not mt:
                    continue
                ip = mt.group(1)
                for e in moved:
                    if ip == e.ipath or ip.startswith(e.ipath + "/"):
                        new = e.module + ip[len(e.ipath):]
                        m.losses.append(Loss("import", f"{rel}:{i}",
                                             f"{rel}:{i}: import {ip!r} does not resolve in module mode; "
                                             f"use {new!r}"))
