"""The ``dep audit`` job: known vulnerabilities of the locked projects, from OSV records.

Each Gopkg.lock project is the module it is at its locked revision (``dep.gomod.lockmap``:
module path and Go module version, pseudo-versions and ``+incompatible`` included). A record in
the Go vulnerability database's OSV format applies to it when one of its ``affected`` entries
has ecosystem ``Go``, that module path as ``package.name``, and a ``SEMVER`` range holding the
version (events ``introduced``, ``fixed``, ``last_affected``, compared as Go compares versions:
``v`` added, build metadata such as ``+incompatible`` ignored). A withdrawn record applies to
nothing.

Reachability is package-level: an affected package (``ecosystem_specific.imports[].path``, or
any package of the module when the record names none) is "imported" when ``dep why`` finds an
import chain to it: from the root project's packages (their tests included, as dep locks
them) or its ``required`` packages, through dependencies' packages (non-test imports, at
their locked revisions). Only imported findings fail the audit.

Records come from a directory of OSV JSON files (golang/vuln's v1 layout with index/modules.json
is read through its index), a zip of them, or an OSV API base URL (``POST /v1/querybatch``,
then ``GET /v1/vulns/{id}``). Nothing here prints; the CLI renders ``Audit``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from dep.errors import DepError

__all__ = ["AuditError", "AffectedPackage", "Finding", "Audit", "audit", "load_records"]

_MAX_RECORD = 64 << 20             # a zip member larger than this is not an OSV record


class AuditError(DepError):
    """The vulnerability database cannot be read, or a record in it is malformed."""


@dataclass
class AffectedPackage:
    path: str                 # import path in module mode (module path + directory)
    symbols: list             # affected functions and methods, as the record lists them
    imported: bool = False
    chain: list = field(default_factory=list)  # shortest import chain from a root package

    def to_json(self) -> dict:
        return {"path": self.path, "symbols": list(self.symbols), "imported": self.imported,
                "chain": list(self.chain)}


@dataclass
class Finding:
    """One record applying to one locked module."""

    id: str
    aliases: list
    summary: str
    project: str              # Gopkg.lock project
    module: str
    version: str
    fixed: str                # the first fixed version above ``version``, "" when none
    packages: list            # [AffectedPackage]; a whole-module record lists the module itself
    whole_module: bool        # the record names no package: every package of the module
    url: str = ""             # the advisory (database_specific.url), if any

    @property
    def imported(self) -> bool:
        return any(p.imported for p in self.packages)

    def to_json(self) -> dict:
        return {"id": self.id, "aliases": list(self.aliases), "summary": self.summary,
                "project": self.project, "module": self.module, "version": self.version,
                "fixed": self.fixed, "imported": self.imported, "whole_module": self.whole_module,
                "url": self.url, "packages": [p.to_json() for p in self.packages]}


@dataclass
class Audit:
    db: str
    records: int              # records read
    modules: list             # [lockmap.LockedModule]
    findings: list            # [Finding], imported ones first

    @property
    def failed(self) -> bool:
        return any(f.imported for f in self.findings)

    def to_json(self) -> dict:
        return {"db": self.db, "records": self.records,
                "modules": [{"project": m.name, "module": m.module, "version": m.version,
                             "revision": m.revision} for m in self.modules],
                "imported": sum(f.imported for f in self.findings),
                "findings": [f.to_json() for f in self.findings]}

    def report(self) -> str:
        out = []
        groups = (("Imported (these fail the audit):", [f for f in self.findings if f.imported]),
                  ("Not imported (locked, but no package of the project imports the vulnerable code):",
                   [f for f in self.findings if not f.imported]))
        for title, findings in groups:
            if not findings:
                continue
            out.append(title + "\n")
            for f in findings:
                aka = f" ({', '.join(f.aliases)})" if f.aliases else ""
                out.append(f"\n  {f.id}{aka}: {f.summary or '(no summary)'}\n")
                fix = f"fixed in {f.fixed}" if f.fixed else "no fixed version"
                locked = f" (locked project {f.project})" if f.project != f.module else ""
                out.append(f"    {f.module} {f.version}{locked}, {fix}\n")
                for p in f.packages:
                    what = p.path + (" (any package)" if f.whole_module else "")
                    if p.imported:
                        out.append(f"    imported {what}: {' -> '.join(p.chain)}\n")
                    else:
                        out.append(f"    not imported {what}\n")
                if f.url:
                    out.append(f"    {f.url}\n")
            out.append("\n")
        n, hit = len(self.findings), sum(f.imported for f in self.findings)
        projects = len({f.project for f in self.findings})
        if n:
            out.append(f"{n} known vulnerabilit{'y' if n == 1 else 'ies'} in {projects} locked "
                       f"project{'' if projects == 1 else 's'}: {hit} imported, {n - hit} not imported "
                       f"({self.records} OSV records from {self.db}).\n")
        else:
            out.append(f"No known vulnerabilities in {len(self.modules)} locked modules "
                       f"({self.records} OSV records from {self.db}).\n")
        return "".join(out)


# --- the job ---------------------------------------------------------------------------------

def audit(project, sm, db: str) -> Audit:
    """Match ``project``'s locked modules against the OSV records of ``db`` (directory, zip or
    OSV API base URL) and work out which findings the project imports."""
    from dep.gomod.lockmap import locked_modules

    if project.lock is None:
        raise AuditError(f"no Gopkg.lock in {project.abs_root}: run dep ensure first, dep audit checks the lock")
    modules = locked_modules(project, sm)
    by_path = {}
    for m in modules:
        by_path.setdefault(m.module, []).append(m)
    findings, records = [], 0
    for origin, rec in load_records(db, modules):
        records += 1
        findings.extend(_match(origin, rec, by_path))
    if findings:
        _reach(project, sm, modules, findings)
    findings.sort(key=lambda f: (not f.imported, f.project, f.module, f.id))
    return Audit(db=db, records=records, modules=modules, findings=findings)


# --- matching ----------------------------------------------------------------------------------

def _bad(origin: str, why: str) -> AuditError:
    return AuditError(f"{origin}: not an OSV record: {why}")


def _list(origin: str, obj: dict, key: str) -> list:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(origin, f"{key!r} is not a list")
    return value


def _obj(origin: str, value, what: str) -> dict:
    if not isinstance(value, dict):
        raise _bad(origin, f"{what} is not an object")
    return value


def _go_version(origin: str, v) -> str:
    """An OSV SEMVER version as a Go version (the records leave out the ``v``)."""
    from dep.gomod import semver

    if not isinstance(v, str):
        raise _bad(origin, f"version {v!r} is not a string")
    gv = v if v.startswith("v") else "v" + v
    if not semver.is_valid(gv):
        raise _bad(origin, f"{v!r} is not a SEMVER version")
    return gv


def _affects(origin: str, ranges: list, version: str) -> tuple[bool, str]:
    """Whether Go version ``version`` lies in ``ranges`` (OSV's evaluation of sorted events;
    no SEMVER range at all means every version, as govulncheck reads it), and the fixed
    version ending the range that holds it ("" when none)."""
    import functools

    from dep.gomod import semver

    by_version = functools.cmp_to_key(semver.compare)
    any_semver = False
    for r in ranges:
        r = _obj(origin, r, "a range")
        if r.get("type") != "SEMVER":
            continue
        any_semver = True
        events = []
        for ev in _list(origin, r, "events"):
            ev = _obj(origin, ev, "a range event")
            for kind in ("introduced", "fixed", "last_affected"):
                if kind in ev:
                    at = "" if kind == "introduced" and ev[kind] == "0" else _go_version(origin, ev[kind])
                    events.append((at, kind))
        events.sort(key=lambda e: (e[0] != "", by_version(e[0])))
        affected, fixed = False, ""
        for at, kind in events:
            if at and semver.compare(version, at) < 0:  # past the version: nothing later applies
                fixed = at if affected and kind == "fixed" else ""
                break
            if kind == "introduced":
                affected = True
            elif kind == "fixed" or semver.compare(version, at) > 0:  # last_affected below it
                affected = False
        if affected:
            return True, fixed
    return not any_semver, ""


def _match(origin: str, rec: dict, by_path: dict) -> list:
    """The findings record ``rec`` makes for the locked modules ``by_path`` (module path -> [LockedModule])."""
    rec = _obj(origin, rec, "the file")
    rid = rec.get("id")
    if not isinstance(rid, str) or not rid:
        raise _bad(origin, "no 'id'")
    if rec.get("withdrawn"):
        return []
    hits: dict = {}  # LockedModule -> (fixed, {package: symbols}, whole module)
    for aff in _list(origin, rec, "affected"):
        aff = _obj(origin, aff, "an 'affected' entry")
        pkg = _obj(origin, aff.get("package") or {}, "'package'")
        if pkg.get("ecosystem") != "Go" or pkg.get("name") not in by_path:
            continue
        imports = _list(origin, _obj(origin, aff.get("ecosystem_specific") or {}, "'ecosystem_specific'"),
                        "imports")
        for m in by_path[pkg["name"]]:
            hit, fixed = _affects(f"{origin} ({rid})", _list(origin, aff, "ranges"), m.version)
            if not hit:
                continue
            got = hits.setdefault(m, [fixed, {}, False])
            got[0] = got[0] or fixed
            if not imports:
                got[2] = True
            for imp in imports:
                imp = _obj(origin, imp, "an 'imports' entry")
                path = imp.get("path")
                if not isinstance(path, str) or not path:
                    raise _bad(origin, "an 'imports' entry has no 'path'")
                got[1].setdefault(path, []).extend(s for s in _list(origin, imp, "symbols") if isinstance(s, str))
    aliases = [a for a in _list(origin, rec, "aliases") if isinstance(a, str)]
    summary = rec.get("summary") if isinstance(rec.get("summary"), str) else ""
    if not summary and isinstance(rec.get("details"), str):
        summary = rec["details"].strip().split("\n", 1)[0]
    url = (rec.get("database_specific") or {}).get("url", "") if isinstance(rec.get("database_specific"), dict) else ""
    out = []
    for m, (fixed, pkgs, whole) in hits.items():
        packages = [AffectedPackage(p, sorted(set(s))) for p, s in sorted(pkgs.items())]
        if whole or not packages:
            packages = [AffectedPackage(m.module, [])] + packages
        out.append(Finding(id=rid, aliases=aliases, summary=" ".join(summary.split()), project=m.name,
                           module=m.module, version=m.version, fixed=fixed, packages=packages,
                           whole_module=whole or not pkgs, url=url if isinstance(url, str) else ""))
    return out


# --- reachability ------------------------------------------------------------------------------

def _reach(project, sm, modules, findings) -> None:
    """Mark each finding's packages imported, with the shortest import chain, or not: the
    graph and search of ``dep why`` (a whole-module record asks for any package of the project)."""
    dirs = {(m.name, m.module): m.name + ("/" + m.dir if m.dir else "") for m in modules}
    asks = []  # (AffectedPackage, dep import path, whole project)
    for f in findings:
        base = dirs[(f.project, f.module)]
        for p in f.packages:
            if f.whole_module and p.path == f.module:
                asks.append((p, f.project, True))
            elif p.path == f.module or p.path.startswith(f.module + "/"):
                # dep imports a /vN module without its suffix
                asks.append((p, base + p.path[len(f.module):], False))
    for whole in (False, True):
        paths = sorted({ip for _, ip, w in asks if w == whole})
        chains = dict(zip(paths, _chains(project, sm, paths, whole)))
        for p, ip, w in asks:
            if w == whole and chains[ip]:
                p.imported, p.chain = True, list(chains[ip])


def _chains(project, sm, paths: list, modules: bool) -> list:
    """dep why's chain to each path (empty when nothing imports it). A package the locked
    revision does not have is one ``dep why`` refuses: nothing can import it."""
    from dep.why import WhyError, why

    if not paths:
        return []
    try:
        return [a.chain for a in why(project, paths, modules=modules, sm=sm)]
    except WhyError:
        if len(paths) == 1:
            return [()]
    return [c for path in paths for c in _chains(project, sm, [path], modules)]


# --- databases ---------------------------------------------------------------------------------

def load_records(db: str, modules):
    """(origin, parsed JSON) of each OSV record ``db`` holds that may concern ``modules``:
    every ``*.json`` of a directory or zip (through index/modules.json in golang/vuln's v1
    layout), or what an OSV API answers for them."""
    if db.startswith(("http://", "https://")):
        return _from_api(db.rstrip("/"), modules)
    if os.path.isdir(db):
        return _from_files(_DirFiles(db), modules)
    if not os.path.exists(db):
        raise AuditError(f"-db {db}: no such directory, zip file or URL (want a directory of OSV JSON files, "
                         "a .zip of them, or an http(s) OSV API base URL)")
    import zipfile

    try:
        if not zipfile.is_zipfile(db):
            raise AuditError(f"{db}: not a zip file (want a directory of OSV JSON files, a .zip of them, "
                             "or an http(s) OSV API base URL)")
        return _from_files(_ZipFiles(db), modules)
    except OSError as e:
        raise AuditError(f"{db}: cannot read it: {e.strerror or e}") from None


def _parse(origin: str, data: bytes):
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise AuditError(f"{origin}: not valid JSON: {e}") from None


def _from_files(files, modules) -> list:
    index = files.find("index/modules.json")
    if index is None:
        return [(origin, _parse(origin, files.read(name))) for name, origin in files.walk()]
    # golang/vuln's v1 layout: the index names the records of each module, in ID/<id>.json
    rows = _parse(files.origin(index), files.read(index))
    wanted = {m.module for m in modules}
    ids = set()
    if not isinstance(rows, list):
        raise AuditError(f"{files.origin(index)}: not a golang/vuln modules index: not a list")
    for row in rows:
        if isinstance(row, dict) and row.get("path") in wanted:
            ids.update(v.get("id") for v in row.get("vulns") or [] if isinstance(v, dict))
    base = index[: -len("index/modules.json")]
    out = []
    for rid in sorted(i for i in ids if isinstance(i, str)):
        if "/" in rid or "\\" in rid or rid in (".", ".."):
            raise AuditError(f"{files.origin(index)}: invalid record id {rid!r}")
        name = f"{base}ID/{rid}.json"
        out.append((files.origin(name), _parse(files.origin(name), files.read(name))))
    return out


class _DirFiles:
    def __init__(self, root: str) -> None:
        self.root = root

    def origin(self, name: str) -> str:
        return os.path.join(self.root, name)

    def find(self, name: str):
        return name if os.path.isfile(os.path.join(self.root, name)) else None

    def walk(self):
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            for fn in sorted(filenames):
                if fn.endswith(".json") and not fn.startswith("."):
                    full = os.path.join(dirpath, fn)
                    yield os.path.relpath(full, self.root), full

    def read(self, name: str) -> bytes:
        path = os.path.join(self.root, name)
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except OSError as e:
            raise AuditError(f"{path}: cannot read it: {e.strerror or e}") from None


class _ZipFiles:
    """The ``*.json`` members of a zip, read in memory (nothing is extracted), each at most
    _MAX_RECORD bytes whatever its header claims."""

    def __init__(self, path: str) -> None:
        import zipfile

        self.path = path
        try:
            self.zf = zipfile.ZipFile(path)
            self.infos = {i.filename: i for i in self.zf.infolist() if not i.is_dir()}
        except (OSError, zipfile.BadZipFile) as e:
            raise AuditError(f"{path}: not a readable zip file: {e}") from None

    def origin(self, name: str) -> str:
        return f"{self.path}: {name}"

    def find(self, name: str):
        return next((n for n in sorted(self.infos) if n == name or n.endswith("/" + name)), None)

    def walk(self):
        for name in sorted(self.infos):
            if name.endswith(".json") and not name.rsplit("/", 1)[-1].startswith("."):
                yield name, self.origin(name)

    def read(self, name: str) -> bytes:
        import zipfile

        info = self.infos.get(name)
        if info is None:
            raise AuditError(f"{self.origin(name)}: not in the zip (its index names it)")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(_MAX_RECORD + 1)
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as e:
            raise AuditError(f"{self.origin(name)}: cannot read it: {e}") from None
        if len(data) > _MAX_RECORD:
            raise AuditError(f"{self.origin(name)}: larger than {_MAX_RECORD >> 20} MiB, not an OSV record")
        return data


def _from_api(base: str, modules) -> list:
    """OSV API: one querybatch for every module version (following page tokens), then each
    record by id."""
    queries = [{"package": {"name": m.module, "ecosystem": "Go"}, "version": m.version.removeprefix("v")}
               for m in modules]
    ids: set[str] = set()
    while queries:
        doc = _http(f"{base}/v1/querybatch", {"queries": queries})
        results = doc.get("results") if isinstance(doc, dict) else None
        if not isinstance(results, list) or len(results) != len(queries):
            raise AuditError(f"{base}/v1/querybatch: not an OSV querybatch answer (want one result per query)")
        again = []
        for q, r in zip(queries, results):
            r = r if isinstance(r, dict) else {}
            ids.update(v["id"] for v in r.get("vulns") or [] if isinstance(v, dict) and isinstance(v.get("id"), str))
            if r.get("next_page_token"):
                again.append(dict(q, page_token=r["next_page_token"]))
        queries = again
    from urllib.parse import quote

    out = []
    for rid in sorted(ids):
        url = f"{base}/v1/vulns/{quote(rid, safe='')}"
        out.append((url, _http(url)))
    return out


def _http(url: str, body: dict | None = None):
    """One OSV API answer, through dep's HTTP stack (proxies, deadline), at most _MAX_RECORD bytes."""
    from dep.sources.discovery import Deadline, TransportError, open_url, total_timeout

    deadline = Deadline(total_timeout(None))
    try:
        try:
            resp = open_url(url, deadline=deadline, json_body=json.dumps(body).encode() if body is not None else None)
        except TransportError as e:
            raise AuditError(f"{url}: cannot reach the OSV API: {e}") from None
        with resp:
            status = resp.status if resp.status is not None else resp.code
            if status != 200:
                raise AuditError(f"{url}: the OSV API answered {status} {resp.reason}")
            try:
                raw = resp.read(_MAX_RECORD + 1)
            except Exception as e:  # a reset or a deadline mid-body
                raise AuditError(f"{url}: cannot read the OSV API's answer: "
                                 f"{deadline.message() if deadline.expired else e}") from None
        if len(raw) > _MAX_RECORD:
            raise AuditError(f"{url}: answer larger than {_MAX_RECORD >> 20} MiB, not an OSV answer")
    finally:
        deadline.close()
    return _parse(url, raw)
