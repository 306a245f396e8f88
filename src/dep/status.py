"""The ``dep status`` job: what each locked project is at, what it may move to, and the output
in dep's formats (table, JSON, dot, Go template, lock). Prints nothing; -v lines go to ``log``.

When Gopkg.lock satisfies the inputs, every locked project gets a row: its constraint (override,
else Gopkg.toml's rule, else what the dependers' manifests say), its locked version and
revision, and the newest version its constraint allows (``LATEST``). Otherwise the report lists
the imported projects missing from the lock.
"""

from __future__ import annotations

from dep.bridge import ProjectIdentifier
from dep.errors import DepError
from dep.lock import LockedProject
from dep.project import Project
from dep.versions import ANY, PlainVersion, Revision, SemverVersion, Version, sort_for_upgrade

NO_LOCK = "no Gopkg.lock found. Run `dep ensure` to generate lock file"
FAILED_UPDATE = "failed to fetch updates"
OUT_OF_SYNC_NOTE = "Gopkg.lock is out of sync with imports and/or Gopkg.toml. Run `dep check` for details."


def unknown_note(count: int) -> str:
    return f"The status of {count} projects are unknown due to errors. Rerun with `-v` flag to see details."


# --------------------------------------------------------------------------------------------
# Version spellings


def format_version(v) -> str:
    """A version as the table shows it: ``branch <name>``, 7-character revisions."""
    if v is None:
        return ""
    kind = v.version_type
    if kind == "branch":
        return "branch " + str(v)
    if kind == "revision":
        return str(v)[:7]
    return str(v)


def format_constraint(c) -> str:
    """A version used as a constraint is spelt as a version; anything else as dep prints it."""
    return format_version(c) if isinstance(c, Version) or c is None else str(c)


def _detail_version(v, revision: str = "") -> dict:
    """dep's rawDetailVersion: Revision, Version and Branch, empty ones omitted in JSON."""
    fields = {"Revision": revision, "Version": "", "Branch": ""}
    if v is not None:
        kind = v.version_type
        if kind == "revision":
            fields["Revision"] = str(v)
        else:
            fields["Branch" if kind == "branch" else "Version"] = str(v)
    return fields


# --------------------------------------------------------------------------------------------
# Collecting


class ProjectStatus:
    """One locked project's row (dep's BasicStatus and DetailStatus)."""

    __slots__ = ("lp", "constraint", "latest", "has_override", "has_error", "children", "served_by")

    def __init__(self, lp: LockedProject) -> None:
        self.lp = lp
        self.served_by: str | None = None  # the mirror or proxy that served it, if any
        self.constraint = None
        self.latest = None
        self.has_override = False
        self.has_error = False
        self.children: list[str] = []

    @property
    def root(self) -> str:
        return self.lp.name

    def constraint_text(self) -> str:
        return format_constraint(self.constraint) + (" (override)" if self.has_override else "")

    def version_text(self) -> str:
        """The locked version, else the short revision."""
        return format_version(self.lp.version if self.lp.version is not None else Revision(self.lp.revision))

    def latest_text(self, short: bool = True) -> str:
        text = ""
        if self.latest is not None:
            text = format_version(self.latest) if short else str(self.latest)
        return text + ("unknown" if self.has_error else "")


class StatusResult:
    """``rows`` when the lock is in sync; else ``missing``: (project root, its imports) pairs
    for imported projects the lock lacks. ``unknown``: how many lookups failed (dep counts
    failed manifest reads too), and whether versions could not be listed (``failed_update``)."""

    __slots__ = ("rows", "missing", "unknown", "failed_update")

    def __init__(self, rows=None, missing=None, unknown: int = 0, failed_update: bool = False) -> None:
        self.rows = rows
        self.missing = missing
        self.unknown = unknown
        self.failed_update = failed_update

    @property
    def in_sync(self) -> bool:
        return self.rows is not None


def _ident(lp: LockedProject) -> ProjectIdentifier:
    return ProjectIdentifier(lp.name, lp.source)


def _attempt(fn):
    """Run ``fn``; its DepError is returned, not raised (for parallel jobs that all must finish)."""
    try:
        return fn()
    except DepError as e:
        return e


def _log_errors(log, errors: list[DepError]) -> None:
    if errors:
        for e in errors:
            log(str(e))
        log("")


def collect_constraints(project: Project, imports: list[str], sm, log) -> tuple[dict, int]:
    """What the locked projects' own manifests (and Gopkg.toml) require of the root's direct
    dependencies: root -> [(depender, constraint)] sorted by depender; plus the error count."""
    from dep.ensure import deduce_roots, locked_roots

    log("Collecting project constraints:")
    direct = set(deduce_roots(imports, sm, locked_roots(project)))  # validated: no errors
    projects = project.lock.projects
    for i, lp in enumerate(projects, 1):
        log(f"({i}/{len(projects)}) {lp.name}")
    found = sm.run_parallel(projects, lambda lp: _attempt(
        lambda: sm.get_manifest_and_lock(_ident(lp), lp.locked_version)))
    collected: dict[str, list] = {}
    errors = []
    for lp, result in zip(projects, found):
        if isinstance(result, DepError):
            errors.append(DepError(f"error getting manifest and lock: {result}"))
            continue
        for root, props in result[0].items():
            if root in direct:
                collected.setdefault(root, []).append((lp.name, props.constraint))
    for e in errors:
        log(str(e))
    for root, props in project.manifest.constraints.items():
        if root in direct:
            collected.setdefault(root, []).append(("root", props.constraint))
    for pairs in collected.values():
        pairs.sort(key=lambda pair: pair[0])
    return collected, len(errors)


def _project_status(project: Project, lp: LockedProject, collected: dict) -> ProjectStatus:
    """The row without LATEST: the constraint dep shows for ``lp``."""
    st = ProjectStatus(lp)
    manifest = project.manifest
    ovr = manifest.overrides.get(lp.name)
    rule = manifest.constraints.get(lp.name)
    if ovr is not None and ovr.constraint is not None:
        st.has_override, st.constraint = True, ovr.constraint
    elif rule is not None and rule.constraint is not None:
        st.constraint = rule.constraint
    else:
        st.constraint = ANY
        for _, c in collected.get(lp.name, ()):
            st.constraint = c.intersect(st.constraint)
    if _updatable(lp):
        # Only the root's own rule counts here, else the locked version itself (dep's choice:
        # so a transitive dependency always shows its locked version as LATEST).
        st.constraint = rule.constraint if rule is not None else lp.version
    return st


def _updatable(lp: LockedProject) -> bool:
    """Only semver tags and branches have a newer version dep can name."""
    return lp.version is not None and not isinstance(lp.version, PlainVersion)


def _latest(st: ProjectStatus, versions: list):
    for v in sort_for_upgrade(versions):
        if st.constraint.matches(v):
            return v if isinstance(st.lp.version, SemverVersion) else v.revision
    return None


def collect(project: Project, sm, *, with_children: bool = False, log=lambda line: None) -> StatusResult:
    """dep's runStatusAll. ``with_children``: also list each project's imports (for -dot)."""
    from dep.check import input_imports
    from dep.ensure import locked_roots, validate_params
    from dep.insync import lock_satisfies_inputs
    from dep.manifest import required_ignored_conflict
    from dep.pkgtree import IgnoredRuleset, is_standard_import_path

    conflict = required_ignored_conflict(project.manifest.required, project.manifest.ignored)
    if conflict:
        raise DepError(f"validateParams: {conflict}")
    imports = input_imports(project)
    validate_params(imports, sm, locked_roots(project))
    collected, unknown = collect_constraints(project, imports, sm, log)
    projects = sorted(project.lock.projects, key=LockedProject.sort_key)
    if not lock_satisfies_inputs(project.lock, project.manifest, imports).satisfied:
        return StatusResult(missing=_missing(project, sm), unknown=unknown)

    log("Checking upstream projects:")
    for i, lp in enumerate(projects, 1):
        log(f"({i}/{len(projects)}) {lp.name}")
    ignore = IgnoredRuleset(project.manifest.ignored)

    def check(lp: LockedProject):
        st = _project_status(project, lp, collected)
        package_error = version_error = None
        if with_children:
            try:
                tree = sm.list_packages(_ident(lp), lp.locked_version)
                rm, _ = tree.to_reach_map(True, True, False, ignore)
                st.children = rm.flatten(is_standard_import_path)
            except DepError as e:
                st.has_error, package_error = True, e
        if _updatable(lp):
            try:
                st.latest = _latest(st, sm.list_versions(_ident(lp)))
            except DepError as e:
                st.has_error, version_error = True, e
        st.served_by = sm.served_by(_ident(lp))
        return st, package_error, version_error

    results = sm.run_parallel(projects, check)
    log("")
    package_errors = [p for _, p, _ in results if p is not None]
    version_errors = [v for _, _, v in results if v is not None]
    _log_errors(log, package_errors)
    _log_errors(log, version_errors)
    if package_errors:
        raise DepError("multiple sources of failure" if version_errors else "failed to list packages")
    return StatusResult(rows=[st for st, _, _ in results], unknown=unknown + len(version_errors),
                        failed_update=bool(version_errors))


def _missing(project: Project, sm) -> list[tuple[str, list[str]]]:
    """Imported projects absent from the lock, by root (dep's order is Go map order). Every
    import deduces here: validate_params has deduced them all already."""
    from dep.ensure import deduce_roots, locked_roots
    from dep.pkgtree import IgnoredRuleset, is_standard_import_path

    rm, _ = project.package_tree().to_reach_map(True, True, False, IgnoredRuleset(project.manifest.ignored))
    imports = rm.flatten(is_standard_import_path)
    locked = locked_roots(project)
    roots: dict[str, list[str]] = {}
    for ip, root in zip(imports, deduce_roots(imports, sm, locked)):
        roots.setdefault(root, []).append(ip)
    return sorted((root, pkgs) for root, pkgs in roots.items() if root not in locked)


# --------------------------------------------------------------------------------------------
# -old


class OldStatus:
    """A locked project a fresh solve would move (and that Gopkg.toml constrains)."""

    __slots__ = ("name", "constraint", "revision", "latest")

    def __init__(self, name: str, constraint, revision: str, latest: str) -> None:
        self.name = name
        self.constraint = constraint
        self.revision = revision
        self.latest = latest


def collect_old(project: Project, sm, *, log=lambda line: None, trace=None) -> list[OldStatus]:
    """dep's runOld: solve from scratch, updating everything, and compare with the lock."""
    from dep.solver import SolveParameters, solve
    from dep.solver.failures import BadOptsFailure, SolveError

    params = SolveParameters(project.import_root, project.package_tree(), project.manifest,
                             lock=None, change_all=True)
    log("Solving dependency graph to determine which dependencies can be updated.")
    try:
        solution = solve(params, sm, trace=trace)
    except BadOptsFailure as e:
        raise DepError(f"fastpath solver prepare: {e}") from None
    except SolveError as e:
        raise DepError(f"runOld: {e}") from None
    manifest = project.manifest
    old = []
    for lp in project.lock.projects:
        for sp in solution.projects:
            if sp.name != lp.name or sp.revision == lp.revision:
                continue
            rule = manifest.overrides.get(lp.name)
            if rule is None or rule.constraint is None:
                rule = manifest.constraints.get(lp.name)
            if rule is not None and rule.constraint is not None:
                name = lp.name if lp.source in ("", lp.name) else f"{lp.name} (from {lp.source})"
                old.append(OldStatus(name, rule.constraint, lp.revision, sp.revision))
    return old


# --------------------------------------------------------------------------------------------
# Output


LOCK_TEMPLATE = """\
# This file is autogenerated, do not edit; changes may be undone by the next 'dep ensure'.


{{range $p := .Projects}}[[projects]]
{{with $p.Locked.Branch}}  branch = "{{.}}"
{{end}}  digest = "{{$p.Digest}}"
  name = "{{$p.ProjectRoot}}"
  packages = {{tomlStrSplit $p.Packages}}
  pruneopts = "{{$p.PruneOpts}}"
  revision = "{{$p.Locked.Revision}}"
{{with $p.Source}}  source = "{{.}}"
{{end}}{{with $p.Locked.Version}}  version = "{{.}}"
{{end}}
{{end}}[solve-meta]
  analyzer-name = "{{.Metadata.AnalyzerName}}"
  analyzer-version = {{.Metadata.AnalyzerVersion}}
  input-imports = {{tomlStrSplit .Metadata.InputImports}}
  solver-name = "{{.Metadata.SolverName}}"
  solver-version = {{.Metadata.SolverVersion}}
"""


def _toml_list(items: list[str], level: int = 1) -> str:
    """A string array as the lock writes it: inline for up to one item, else one per line."""
    if not items:
        return "[]"
    if len(items) == 1:
        return f'["{items[0]}"]'
    inner = "  " * (level + 1)
    return "[\n" + "".join(f'{inner}"{s}",\n' for s in items) + "  " * level + "]"


def parse_template(text: str):
    """A -f template, with the helper functions dep registers."""
    from dep.gotemplate import Function, Template

    funcs = {"dec": Function(lambda i: i - 1, ("int",)),
             "tomlStrSplit": Function(_toml_list, ("[]string",)),
             "tomlStrSplit2": Function(_toml_list, ("[]string", "int"))}
    return Template(text, "status", funcs)


class Output:
    """The chosen format: ``kind`` is table, json, dot or template; ``template`` is parsed."""

    __slots__ = ("kind", "detail", "template")

    def __init__(self, kind: str, detail: bool = False, template=None) -> None:
        self.kind = kind
        self.detail = detail
        self.template = template


def _json(value) -> str:
    """Go's encoding/json output (HTML-safe escapes included) for str/int/bool/list/dict."""
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ",".join(map(_json, value)) + "]"
    return "{" + ",".join(_json_string(k) + ":" + _json(v) for k, v in value.items()) + "}"


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "<": "\\u003c",
                 ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_string(s: str) -> str:
    out = []
    for ch in s:
        esc = _JSON_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        elif "\udc80" <= ch <= "\udcff":  # a byte that is not UTF-8
            out.append("\ufffd")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _omit_empty(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if v}


def _basic_json(st: ProjectStatus) -> dict:
    return _served({"ProjectRoot": st.root, "Constraint": st.constraint_text(),
                    "Version": format_version(st.lp.version), "Revision": st.lp.revision,
                    "Latest": st.latest_text(short=False), "PackageCount": len(st.lp.packages)}, st)


def _served(fields: dict, st: ProjectStatus) -> dict:
    """dep's JSON fields, plus ``ServedBy`` only when a mirror or proxy served the project."""
    if st.served_by:
        fields["ServedBy"] = st.served_by
    return fields


def served_lines(result: StatusResult) -> list[str]:
    """For -v: one line per project a mirror or proxy served (none when nothing was)."""
    return [f"{st.root}: served by {st.served_by}" for st in result.rows or () if st.served_by]


def _detail_fields(st: ProjectStatus) -> dict:
    latest = {"Revision": "unknown", "Version": "", "Branch": ""} if st.has_error else _detail_version(st.latest)
    return {"ProjectRoot": st.root, "Packages": st.lp.packages,
            "Locked": _detail_version(st.lp.version, st.lp.revision), "Latest": latest,
            "PruneOpts": st.lp.prune_opts.letters(), "Digest": str(st.lp.digest), "Source": st.lp.source,
            "Constraint": st.constraint_text(), "PackageCount": len(st.lp.packages)}


def _metadata(project: Project) -> dict:
    lock = project.lock
    return {"AnalyzerName": lock.analyzer_name, "AnalyzerVersion": lock.analyzer_version, "InputsDigest": "",
            "InputImports": lock.input_imports, "SolverName": lock.solver_name,
            "SolverVersion": lock.solver_version}


def _table(header: str, rows: list[list[str]]) -> str:
    from dep.cli.tabwriter import align

    return align(header + "\n" + "".join("\t".join(r) + "\t\n" for r in rows))


def render(out: Output, project: Project, result: StatusResult) -> str:
    """The buffered output dep prints for a status run (raises on template errors, as dep)."""
    if not result.in_sync:
        return _render_missing(out, result.missing)
    rows = result.rows
    if out.kind == "table" and out.detail:
        return _table("PROJECT\tSOURCE\tCONSTRAINT\tVERSION\tREVISION\tLATEST\tPKGS USED",
                      [[st.root, st.lp.source, st.constraint_text(), format_version(st.lp.version),
                        format_version(Revision(st.lp.revision)), st.latest_text(),
                        "[" + ", ".join(st.lp.packages) + "]"] for st in rows])
    if out.kind == "table":
        return _table("PROJECT\tCONSTRAINT\tVERSION\tREVISION\tLATEST\tPKGS USED",
                      [[st.root, st.constraint_text(), format_version(st.lp.version),
                        format_version(Revision(st.lp.revision)), st.latest_text(), str(len(st.lp.packages))]
                       for st in rows])
    if out.kind == "json" and out.detail:
        projects = []
        for st in rows:
            fields = _detail_fields(st)
            fields["Locked"], fields["Latest"] = _omit_empty(fields["Locked"]), _omit_empty(fields["Latest"])
            if not fields["Source"]:
                del fields["Source"]
            projects.append(_served(fields, st))
        return _json({"Projects": projects, "Metadata": _metadata(project)}) + "\n"
    if out.kind == "json":
        return _json([_basic_json(st) for st in rows]) + "\n"
    if out.kind == "dot":
        from dep.graphviz import render as render_dot
        from dep.pkgtree import is_standard_import_path

        rm, _ = project.package_tree().to_reach_map(True, False, False, None)
        nodes = [(project.import_root, "", rm.flatten(is_standard_import_path))]
        nodes += [(st.root, st.version_text(), st.children) for st in rows]
        return render_dot(nodes)
    if out.detail:
        return out.template.execute(_detail_document(project, rows))
    return "".join(out.template.execute(_basic_struct(st)) for st in rows)


def _basic_struct(st: ProjectStatus):
    from dep.gotemplate import Struct

    return Struct("main.rawStatus", {
        "ProjectRoot": st.root, "Constraint": st.constraint_text(), "Version": st.version_text(),
        "Revision": st.lp.revision, "Latest": st.latest_text(), "PackageCount": len(st.lp.packages)})


def _detail_document(project: Project, rows: list[ProjectStatus]):
    from dep.gotemplate import Slice, Struct

    def version(fields: dict):
        return Struct("main.rawDetailVersion", fields)

    projects = []
    for st in rows:
        fields = _detail_fields(st)
        fields["Packages"] = Slice("string", fields["Packages"])
        fields["Locked"], fields["Latest"] = version(fields["Locked"]), version(fields["Latest"])
        projects.append(Struct("main.rawDetailProject", fields))
    meta = _metadata(project)
    meta["InputImports"] = Slice("string", meta["InputImports"])
    return Struct("main.rawDetail", {"Projects": Slice("main.rawDetailProject", projects),
                                     "Metadata": Struct("main.rawDetailMetadata", meta)})


def _render_missing(out: Output, missing: list[tuple[str, list[str]]]) -> str:
    if out.kind == "table":
        return _table("PROJECT\tMISSING PACKAGES", [[root, "[" + " ".join(pkgs) + "]"] for root, pkgs in missing])
    if out.kind == "json":
        return _json([{"ProjectRoot": root, "MissingPackages": pkgs} for root, pkgs in missing]) + "\n"
    if out.kind == "dot":
        return ""
    from dep.gotemplate import Slice, Struct

    return "".join(out.template.execute(Struct("main.MissingStatus", {
        "ProjectRoot": root, "MissingPackages": Slice("string", pkgs)}, pointer=True)) for root, pkgs in missing)


def render_old(out: Output, old: list[OldStatus]) -> str:
    """-old's output. dep ignores template errors here and keeps what was written before them."""
    if out.kind == "table":
        return _table("PROJECT\tCONSTRAINT\tREVISION\tLATEST",
                      [[o.name, format_constraint(o.constraint), o.revision[:7], o.latest[:7]] for o in old])
    if out.kind == "json":
        return _json([{"ProjectRoot": o.name, "Constraint": format_constraint(o.constraint),
                       "Revision": o.revision, "Latest": o.latest} for o in old]) + "\n"
    from dep.gotemplate import Stringer, Struct, TemplateError

    text = []
    for o in old:
        data = Struct("main.OldStatus", {
            "ProjectRoot": o.name, "Constraint": _constraint_value(o.constraint),
            "Revision": Stringer(o.revision, "gps.Revision", True),
            "Latest": Stringer(o.latest, "gps.Version", True)}, pointer=True)
        try:
            text.append(out.template.execute(data))
        except TemplateError as e:
            text.append(e.output)
    return "".join(text)


def _constraint_value(c):
    """A gps.Constraint as a template sees it: printed by its String method; eq and lt take
    revisions and plain tags, whose Go types are strings."""
    from dep.gotemplate import Stringer

    return Stringer(str(c), "gps.Constraint", isinstance(c, (Revision, PlainVersion)))
