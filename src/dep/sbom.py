"""The ``dep sbom`` job: the root project and every locked project as SBOM components
(CycloneDX JSON or SPDX 2.3 JSON), built with the CycloneDX and SPDX projects' own libraries.

Each Gopkg.lock project is the Go module(s) ``dep.gomod.lockmap`` maps it to (purl
``pkg:golang/<module>@<version>``), with what the lock says (revision, version or branch,
digest, source) and the licences ``dep.licenses`` finds in vendor/. Edges come from the
package analysis: a component depends on another when one of its locked packages imports
one of the other's. Output is deterministic: components sorted, the timestamp from
SOURCE_DATE_EPOCH, the serial number derived from the lock's bytes and that timestamp.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from dep.errors import DepError

FORMATS = ("cyclonedx-json", "spdx-json")
NOASSERTION = "NOASSERTION"
INSTALL_HINT = "pip install 'dep[sbom]' (cyclonedx-python-lib and spdx-tools)"


class SbomError(DepError):
    """The SBOM cannot be made: unknown format, missing library, no lock, bad SOURCE_DATE_EPOCH."""


class Component(NamedTuple):
    """One SBOM component: the root project, or one module of a locked project."""

    ref: str        # the purl, also the CycloneDX bom-ref
    name: str       # module path (the root's import path)
    version: str    # module version ("" for the root)
    project: str    # Gopkg.lock project name ("" for the root)
    revision: str
    lock_version: str  # the lock's tag, or ""
    branch: str        # the lock's branch, or ""
    digest: str        # the lock's digest text, or ""
    source: str        # the lock's source, or ""
    vcs_url: str       # git+URL@revision when the lock has a source, else ""
    module_dir: str    # a nested module's directory in the project, else ""
    licenses: str      # SPDX expression, or NOASSERTION


class Inventory(NamedTuple):
    root: Component
    components: list    # [Component], sorted by purl
    depends: dict       # ref -> sorted [ref]; every component (and the root) has an entry
    created: object     # datetime (UTC, whole seconds)
    serial: object      # uuid.UUID


def check_format(fmt: str) -> None:
    """Refuse an unknown format name, and a missing library for a known one."""
    if fmt not in FORMATS:
        raise SbomError(f"-format {fmt!r}: unknown SBOM format; want one of {', '.join(FORMATS)}")
    lib = "cyclonedx" if fmt == "cyclonedx-json" else "spdx_tools"
    try:
        __import__(lib)
    except ImportError:
        raise SbomError(f"dep sbom -format {fmt} needs the {lib} library: {INSTALL_HINT}") from None


# --- what goes in ------------------------------------------------------------------------------

def inventory(project, sm, environ) -> Inventory:
    """The components and their dependency edges for ``project`` (dep.project.Project), the
    locked modules mapped through ``sm``; ``environ`` for SOURCE_DATE_EPOCH."""
    from dep.gomod.lockmap import locked_modules

    if project.lock is None:
        raise SbomError(f"no Gopkg.lock in {project.abs_root}: run dep ensure first, dep sbom describes the lock")
    created = _created(environ)
    licences = _licenses(project)
    by_name = {lp.name: lp for lp in project.lock.projects}
    comps = [_component(m, by_name[m.name], licences.get(m.name, NOASSERTION))
             for m in locked_modules(project, sm)]
    comps.sort(key=lambda c: c.ref)
    from dep.licenses import root_licenses, spdx_expression

    root = Component(_purl(project.import_root, ""), project.import_root, "", "", "", "", "", "", "", "", "",
                     spdx_expression(root_licenses(project)))
    depends = _edges(project, sm, root, comps)
    return Inventory(root, comps, depends, created, _serial(project, created))


def _created(environ):
    """SOURCE_DATE_EPOCH (reproducible builds) as the creation time, else now."""
    from datetime import datetime, timezone

    text = environ.get("SOURCE_DATE_EPOCH", "")
    if not text:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if not text.isdigit():
        raise SbomError(f"SOURCE_DATE_EPOCH={text!r}: not a whole number of seconds since 1970-01-01 UTC; "
                        "set it to one (e.g. $(git log -1 --format=%ct)) or unset it")
    try:
        return datetime.fromtimestamp(int(text), timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise SbomError(f"SOURCE_DATE_EPOCH={text}: out of range for a timestamp") from None


def _serial(project, created):
    """A UUID (v5) of the lock's bytes and the creation time: the same inputs give the same
    serial number, another lock or another time a new one."""
    import hashlib
    import uuid

    with open(project.lock_path, "rb") as f:
        lock_hash = hashlib.sha256(f.read()).hexdigest()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"dep-sbom:{project.import_root}:{lock_hash}:{created.isoformat()}")


def _purl(module: str, version: str, vcs_url: str = "") -> str:
    from packageurl import PackageURL

    namespace, _, name = module.rpartition("/")
    return PackageURL(type="golang", namespace=namespace or None, name=name, version=version or None,
                      qualifiers={"vcs_url": vcs_url} if vcs_url else None).to_string()


def _vcs_url(source: str, revision: str) -> str:
    """The purl/SPDX VCS form of a lock ``source`` (git: the only kind lockmap maps)."""
    import re

    url = source.strip()
    m = re.fullmatch(r"([^@/:]+@)?([^/:]+):([^/].*)", url)
    if "://" not in url and m:  # scp-like git@host:owner/repo
        url = f"ssh://{m.group(1) or ''}{m.group(2)}/{m.group(3)}"
    elif "://" not in url:
        url = "https://" + url
    return f"git+{url}@{revision}"


def _component(m, lp, licences: str) -> Component:
    from dep.versions import Branch

    branch = lp.version.name if isinstance(lp.version, Branch) else ""
    tag = str(lp.version) if lp.version is not None and not branch else ""
    vcs = _vcs_url(m.source, m.revision) if m.source else ""
    digest = "" if lp.digest.is_empty else str(lp.digest)
    return Component(_purl(m.module, m.version, vcs), m.module, m.version, m.name, m.revision, tag, branch,
                     digest, m.source, vcs, m.dir, licences)


def _licenses(project) -> dict:
    """Project name -> SPDX expression of its licence files in vendor/ ({} without vendor/)."""
    if not os.path.isdir(project.vendor_dir):
        return {}
    from dep import licenses

    return {pl.name: licenses.spdx_expression(pl) for pl in licenses.scan_vendor(project)}


def _edges(project, sm, root: Component, comps: list) -> dict:
    """ref -> refs it depends on: the root's (test-inclusive, as dep analyses the root) imports
    and ``required`` packages, and each locked package's non-test imports, mapped to the
    component whose module holds the imported package."""
    from dep.pkgtree import IgnoredRuleset, is_standard_import_path

    modules: dict[str, list] = {}  # project -> [(dir, ref)], deepest dir first
    for c in comps:
        modules.setdefault(c.project, []).append((c.module_dir, c.ref))
    for rows in modules.values():
        rows.sort(key=lambda r: -len(r[0]))
    names = sorted(modules, key=len, reverse=True)

    def owner(ip: str) -> str:
        for n in names:
            if ip == n or ip.startswith(n + "/"):
                rel = ip[len(n) + 1:]
                return next((ref for d, ref in modules[n] if not d or rel == d or rel.startswith(d + "/")), "")
        return ""

    depends = {c.ref: set() for c in [root, *comps]}
    rm, _ = project.package_tree().to_reach_map(True, True, False, IgnoredRuleset(project.manifest.ignored))
    for ip in [*rm.flatten(is_standard_import_path), *project.manifest.required]:
        if owner(ip):
            depends[root.ref].add(owner(ip))
    locked = [lp for lp in project.lock.projects if lp.name in modules]
    for imports in _imports(project, sm, locked):
        for ip, imps in imports.items():
            src = owner(ip)
            for imp in imps:
                dst = owner(imp)
                if src and dst and dst != src:
                    depends[src].add(dst)
    return {ref: sorted(refs) for ref, refs in depends.items()}


_IMPORTS_KIND = "sbom-imports-v1"  # metadata cache kind; bump when what is kept changes


def _imports(project, sm, locked: list) -> list:
    """Per locked project, {locked package: its non-test imports}: from vendor/ when it is
    there (as dep ensure wrote it), else from the source at the locked revision, remembered in
    ``sm.metadata`` per (name, source, revision, packages) so a warm run reads no git objects."""
    import hashlib

    from dep.bridge import ProjectIdentifier
    from dep.pkgtree import list_packages

    def of(tree, lp) -> dict:
        found = {}
        for pkg in lp.packages:
            ip = lp.name if pkg == "." else f"{lp.name}/{pkg}"
            p = tree.packages.get(ip)
            if p is not None and p.package is not None:
                found[ip] = list(p.package.imports)
        return found

    def one(lp) -> dict:
        vendored = os.path.join(project.vendor_dir, lp.name)
        if os.path.isdir(vendored):
            return of(list_packages(vendored, lp.name), lp)
        key = lp.name + (" " + lp.source if lp.source else "")
        kind = _IMPORTS_KIND + "-" + hashlib.sha256("\n".join(sorted(lp.packages)).encode()).hexdigest()[:16]
        found = sm.metadata.get_revision(key, lp.revision, kind)
        if not isinstance(found, dict):
            found = of(sm.list_packages(ProjectIdentifier(lp.name, lp.source), lp.locked_version), lp)
            sm.metadata.set_revision(key, lp.revision, kind, found)
        return found

    return sm.run_parallel(locked, one)


# --- what comes out ----------------------------------------------------------------------------

def render(inv: Inventory, fmt: str) -> bytes:
    """The SBOM document in ``fmt`` (one of FORMATS), as UTF-8 bytes ending in a newline."""
    text = _cyclonedx(inv) if fmt == "cyclonedx-json" else _spdx(inv)
    return (text.rstrip("\n") + "\n").encode()


def _properties(c: Component) -> list:
    """(name, value) pairs of the lock facts a purl does not carry, in the ``dep:`` namespace."""
    pairs = [("dep:project", c.project), ("dep:revision", c.revision), ("dep:version", c.lock_version),
             ("dep:branch", c.branch), ("dep:digest", c.digest), ("dep:source", c.source),
             ("dep:module-dir", c.module_dir)]
    return [(k, v) for k, v in pairs if v]


def _cyclonedx(inv: Inventory) -> str:
    """CycloneDX 1.6 JSON."""
    from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component as CdxComponent, ComponentType
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion
    from cyclonedx.spdx import is_supported_id
    from packageurl import PackageURL

    from dep import __version__

    def make(c: Component, kind) -> CdxComponent:
        licences = []
        if c.licenses != NOASSERTION:
            licences = [DisjunctiveLicense(id=c.licenses) if is_supported_id(c.licenses)
                        else LicenseExpression(c.licenses)]
        refs = [ExternalReference(type=ExternalReferenceType.VCS, url=XsUri(c.vcs_url[len("git+"):]))] \
            if c.vcs_url else []
        return CdxComponent(name=c.name, version=c.version or None, type=kind, bom_ref=c.ref,
                            purl=PackageURL.from_string(c.ref), licenses=licences, external_references=refs,
                            properties=[Property(name=k, value=v) for k, v in _properties(c)])

    made = {c.ref: make(c, ComponentType.LIBRARY) for c in inv.components}
    made[inv.root.ref] = make(inv.root, ComponentType.APPLICATION)
    bom = Bom(serial_number=inv.serial)
    bom.metadata.timestamp = inv.created
    bom.metadata.component = made[inv.root.ref]
    bom.metadata.tools.components.add(CdxComponent(name="dep", version=__version__, type=ComponentType.APPLICATION))
    for c in inv.components:
        bom.components.add(made[c.ref])
    for ref, refs in inv.depends.items():
        bom.register_dependency(made[ref], [made[r] for r in refs])
    return make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=2)


def _spdx(inv: Inventory) -> str:
    """SPDX 2.3 JSON."""
    import io
    import re

    from spdx_tools.common.spdx_licensing import spdx_licensing
    from spdx_tools.spdx.model import (Actor, ActorType, CreationInfo, Document, ExternalPackageRef,
                                       ExternalPackageRefCategory, Package, Relationship, RelationshipType,
                                       SpdxNoAssertion)
    from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

    from dep import __version__

    ids: dict[str, str] = {}
    for c in [inv.root, *inv.components]:
        base = "SPDXRef-Package-" + re.sub(r"[^A-Za-z0-9.-]+", "-", f"{c.name}-{c.version}".strip("-"))
        spdx_id, n = base, 1
        while spdx_id in ids.values():
            n += 1
            spdx_id = f"{base}-{n}"
        ids[c.ref] = spdx_id

    def make(c: Component) -> Package:
        licence = SpdxNoAssertion() if c.licenses == NOASSERTION else spdx_licensing.parse(c.licenses)
        facts = ", ".join(f"{k[len('dep:'):]} {v}" for k, v in _properties(c))
        return Package(ids[c.ref], c.name, c.vcs_url or SpdxNoAssertion(), version=c.version or None,
                       files_analyzed=False, license_concluded=SpdxNoAssertion(), license_declared=licence,
                       copyright_text=SpdxNoAssertion(),
                       source_info=f"Gopkg.lock: {facts}" if facts else None,
                       external_references=[ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl",
                                                               c.ref)])

    info = CreationInfo("SPDX-2.3", "SPDXRef-DOCUMENT", inv.root.name,
                        f"https://spdx.org/spdxdocs/dep-sbom/{inv.root.name}-{inv.serial}",
                        [Actor(ActorType.TOOL, f"dep-{__version__}")], inv.created)
    rels = [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, ids[inv.root.ref])]
    rels += [Relationship(ids[ref], RelationshipType.DEPENDS_ON, ids[r])
             for ref in [inv.root.ref, *(c.ref for c in inv.components)] for r in inv.depends[ref]]
    doc = Document(info, packages=[make(c) for c in [inv.root, *inv.components]], relationships=rels)
    out = io.StringIO()
    write_document_to_stream(doc, out, validate=False)
    return out.getvalue()


def write_atomic(path: str, data: bytes) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then a rename. A path
    that is not a regular file (``/dev/null``, a FIFO, a terminal) is written to, never
    renamed over: replacing a device would break the machine for everyone."""
    import stat
    import tempfile

    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        special = False  # missing (or unreadable): the rename below makes it, or says why not
    if special:
        try:
            with open(path, "wb") as f:
                f.write(data)
        except OSError as e:
            raise SbomError(f"-o {path}: cannot write it ({e.strerror})") from None
        return
    parent = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=".dep-sbom-")
    except OSError as e:
        raise SbomError(f"-o {path}: cannot write there ({e.strerror}); pick a writable directory") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise SbomError(f"-o {path}: cannot write it ({e.strerror})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
