"""Gopkg.toml: the model, reading + validation (warnings and errors exactly as dep prints them),
byte-exact rendering (``dep init`` / ``ensure -add``), and comment-preserving tomlkit edits.

Reading follows dep v0.5.4's ``readManifest``: a validator pass over the raw TOML (warnings, and
"manifest validation failed" errors), then go-toml's unmarshal into dep's raw structs (type
errors), then the conversion into rules (duplicate / conflicting rules), then the redundant-prune
check. dep walks Go maps, so its warning order is random; we use document order.

Parsing uses ``dep.tomlread`` (``tomllib``'s results, without its startup cost in the usual
case). go-toml v1.2.0 (what dep uses) is a TOML 0.4 parser; where it rejects documents that
TOML 1.0 accepts (arrays of mixed types, local dates/times, dotted keys) we reject them too, with
go-toml's message.
"""

from __future__ import annotations

import os
import re

from dep.errors import ManifestError
from dep.gofmt import go_float, go_path_error, go_quote, go_quote_rune
from dep.prune import OPTION_NAMES, CascadingPruneOptions, PruneOptions
from dep.records import FrozenRecord, Record, set_field
from dep.tomlread import TOMLError, loads
from dep.tomlfmt import string_array, toml_string
from dep.versions import (ANY, AnyConstraint, Constraint, NoneConstraint, PairedVersion, Revision,
                          Version, constraint_from_rule)

MANIFEST_NAME = "Gopkg.toml"

# Written in front of the manifest by ``dep init`` unless ``-no-examples`` is given.
EXAMPLE_TOML = """\
# Gopkg.toml example
#
# Refer to https://golang.github.io/dep/docs/Gopkg.toml.html
# for detailed Gopkg.toml documentation.
#
# required = ["github.com/user/thing/cmd/thing"]
# ignored = ["github.com/user/project/pkgX", "bitbucket.org/user/project/pkgA/pkgY"]
#
# [[constraint]]
#   name = "github.com/user/project"
#   version = "1.0.0"
#
# [[constraint]]
#   name = "github.com/user/project2"
#   branch = "dev"
#   source = "github.com/myfork/project2"
#
# [[override]]
#   name = "github.com/x/y"
#   version = "2.4.0"
#
# [prune]
#   non-go = false
#   go-tests = true
#   unused-packages = true

"""

# Validator errors (wrapped as "manifest validation failed: ...").
ERR_INVALID_CONSTRAINT = '"constraint" must be a TOML array of tables'
ERR_INVALID_OVERRIDE = '"override" must be a TOML array of tables'
ERR_INVALID_PRUNE = '"prune" must be a TOML table of booleans'
ERR_INVALID_PRUNE_PROJECT = '"prune.project" must be a TOML array of tables'
ERR_INVALID_PRUNE_VALUE = "prune options values must be booleans"
ERR_PRUNE_SUB_PROJECT = "prune projects should not contain sub projects"
ERR_INVALID_ROOT_PRUNE_VALUE = "root prune options must be omitted instead of being set to false"
ERR_INVALID_PRUNE_PROJECT_NAME = '"name" in "prune.project" must be a string'
WARN_INVALID_METADATA = "metadata should be a TOML table"
WARN_ROOT_PRUNE_NAME = '"prune" should not include a name'
WARN_NO_NAME = "no name provided"

_ABBREV_REV = re.compile(r"[a-f0-9]{7}(?:[a-f0-9]{5})?")
_RULE_KEYS = ("branch", "name", "revision", "source", "version")  # alphabetical = write order


# --------------------------------------------------------------------------------------------
# Model


class ProjectProperties(FrozenRecord):
    """One ``[[constraint]]`` / ``[[override]]`` rule.

    ``constraint`` is a versions constraint (``ANY`` when the rule names none); ``None`` is
    accepted for "no constraint at all" (dep's nil, e.g. a bare revision picked by -add) and is
    rendered like ``ANY``.
    """

    __slots__ = ("source", "constraint")

    def __init__(self, source: str = "", constraint: Constraint | None = ANY) -> None:
        set_field(self, "source", source)
        set_field(self, "constraint", constraint)


class Manifest(Record):
    __slots__ = ("constraints", "overrides", "ignored", "required", "noverify", "prune")

    def __init__(self, constraints: dict[str, ProjectProperties] | None = None,
                 overrides: dict[str, ProjectProperties] | None = None, ignored: list[str] | None = None,
                 required: list[str] | None = None, noverify: list[str] | None = None,
                 prune: CascadingPruneOptions | None = None) -> None:
        self.constraints = {} if constraints is None else constraints
        self.overrides = {} if overrides is None else overrides
        self.ignored = [] if ignored is None else ignored
        self.required = [] if required is None else required
        self.noverify = [] if noverify is None else noverify
        self.prune = CascadingPruneOptions() if prune is None else prune

    def has_constraints_on(self, root: str) -> bool:
        """A ``[[constraint]]`` or ``[[override]]`` names ``root``."""
        return root in self.constraints or root in self.overrides

    def required_packages(self) -> set[str]:
        return set(self.required)


class _Fail(Exception):
    """Internal: aborts reading with the final message (without the path prefix)."""


# --------------------------------------------------------------------------------------------
# Reading


def read_manifest(path: str) -> tuple[Manifest, list[str]]:
    """Read and validate ``path``; returns the manifest and dep's warnings (unprinted).

    On failure raises ``ManifestError`` whose ``warnings`` attribute holds the warnings dep
    printed before failing (dep prints warnings even when it then errors out).
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise _error(f"no {MANIFEST_NAME} found in project root {os.path.dirname(path)}", [])
    except IsADirectoryError:
        raise _error(f"error while parsing {path}: unable to read byte stream: read {path}: is a directory", [])
    except OSError as e:
        raise _error(go_path_error("open", path, e), [])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")  # go reads invalid bytes as U+FFFD
    return parse_manifest(text, path)


def parse_manifest(text: str, path: str) -> tuple[Manifest, list[str]]:
    """Parse Gopkg.toml ``text``; ``path`` only appears in error messages."""
    warns: list[str] = []
    stage = "validate"
    try:
        doc = _load(text)
        _validate(doc, warns)
        stage = "unmarshal"
        raw = _unmarshal(doc, text)
        stage = "convert"
        manifest = _from_raw(raw, doc)
    except _Fail as e:
        if stage == "validate":
            msg = f"error while parsing {path}: manifest validation failed: {e}"
        elif stage == "unmarshal":
            msg = f"error while parsing {path}: unable to parse the manifest as TOML: {e}"
        else:
            msg = f"error while parsing {path}: {e}"
        raise _error(msg, warns) from None
    warns.extend(_redundant_prune_warnings(manifest.prune))
    return manifest, warns


def _error(msg: str, warns: list[str]) -> ManifestError:
    err = ManifestError(msg)
    err.warnings = list(warns)
    return err


def _load(text: str) -> dict:
    try:
        doc = loads(text)
    except TOMLError as e:
        raise _Fail("unable to load TomlTree from string: " + _syntax_message(str(e), text)) from None
    except Exception as e:  # tomllib should only raise TOMLDecodeError; be safe anyway
        raise _Fail(f"unable to load TomlTree from string: (0, 0): {e}") from None
    problem = _go_toml_rejects(doc, text)
    if problem is not None:
        (line, col), msg = problem
        raise _Fail(f"unable to load TomlTree from string: ({line}, {col}): {msg}")
    return doc


def _syntax_message(message: str, text: str) -> str:
    """tomllib's message recast as go-toml's ``(line, col): reason``.

    The reason is tomllib's wording; go-toml's wording cannot be reproduced in general.
    """
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if m:
        return f"({m.group(1)}, {m.group(2)}): {message[:m.start()]}"
    m = re.search(r"\s*\(at end of document\)\s*$", message)
    if m:
        lines = text.split("\n")
        return f"({len(lines)}, {len(lines[-1]) + 1}): {message[:m.start()]}"
    return f"(0, 0): {message}"


# --- validation (dep's validateManifest / validatePruneOptions) ------------------------------


def _validate(doc: dict, warns: list[str]) -> None:
    for prop, val in doc.items():
        if prop == "metadata":
            if not isinstance(val, dict):
                warns.append(WARN_INVALID_METADATA)
        elif prop in ("constraint", "override"):
            err = ERR_INVALID_CONSTRAINT if prop == "constraint" else ERR_INVALID_OVERRIDE
            # dep indexes element 0 without checking the length, so ``constraint = []`` panics
            # there; we report it as not being an array of tables instead.
            if not isinstance(val, list) or not val or not isinstance(val[0], dict):
                raise _Fail(err)
            for rule in val:
                if not isinstance(rule, dict):  # unreachable: mixed arrays were rejected
                    raise _Fail(err)
                _validate_rule(prop, rule, warns)
        elif prop in ("ignored", "required", "noverify"):
            # Only the first element's type is checked (go-toml arrays are homogeneous).
            if not isinstance(val, list) or (val and not isinstance(val[0], str)):
                raise _Fail(f'"{prop}" must be a TOML list of strings')
        elif prop == "prune":
            _validate_prune(val, warns)
        else:
            warns.append(f"unknown field in manifest: {prop}")


def _validate_rule(prop: str, rule: dict, warns: list[str]) -> None:
    rule_provided = False
    for key, value in rule.items():
        if key == "name":
            pass
        elif key in ("branch", "version", "source"):
            rule_provided = True
        elif key == "revision":
            rule_provided = True
            if isinstance(value, str) and _ABBREV_REV.fullmatch(value):
                warns.append(f"revision {go_quote(value)} should not be in abbreviated form")
        elif key == "metadata":
            if not isinstance(value, dict):
                warns.append(f'metadata in "{prop}" should be a TOML table')
        else:
            warns.append(f"invalid key {go_quote(key)} in {go_quote(prop)}")
    if "name" not in rule:
        warns.append(WARN_NO_NAME)
    elif not rule_provided and prop == "constraint":
        warns.append(f"branch, version, revision, or source should be provided for {_go_q_value(rule['name'])}")


def _validate_prune(val: object, warns: list[str]) -> None:
    """Root ``[prune]``. On an error inside a ``prune.project`` dep drops every prune warning."""
    if not isinstance(val, dict):
        raise _Fail(ERR_INVALID_PRUNE)
    local: list[str] = []
    for key, value in val.items():
        if key in OPTION_NAMES:
            if not isinstance(value, bool):
                warns.extend(local)
                raise _Fail(ERR_INVALID_PRUNE_VALUE)
            if not value:
                warns.extend(local)
                raise _Fail(ERR_INVALID_ROOT_PRUNE_VALUE)
        elif key == "name":
            local.append(WARN_ROOT_PRUNE_NAME)
        elif key == "project":
            if not isinstance(value, list):
                warns.extend(local)
                raise _Fail(ERR_INVALID_PRUNE_PROJECT)
            for project in value:
                _validate_prune_project(project, local)  # on error, `local` is dropped
        else:
            local.append(f'unknown field {go_quote(key)} in "prune"')
    warns.extend(local)


def _validate_prune_project(val: object, warns: list[str]) -> None:
    if not isinstance(val, dict):
        raise _Fail(ERR_INVALID_PRUNE)
    for key, value in val.items():
        if key in OPTION_NAMES:
            if not isinstance(value, bool):
                raise _Fail(ERR_INVALID_PRUNE_VALUE)
        elif key == "name":
            if not isinstance(value, str):
                raise _Fail(ERR_INVALID_PRUNE_PROJECT_NAME)
        elif key == "project":
            raise _Fail(ERR_PRUNE_SUB_PROJECT)
        else:
            warns.append(f"unknown field {go_quote(key)} in \"prune.project\"")


def _redundant_prune_warnings(co: CascadingPruneOptions) -> list[str]:
    warns = []
    for name, opts in co.per_project.items():
        for option, bit in (("unused-packages", PruneOptions.UNUSED_PACKAGES),
                            ("non-go", PruneOptions.NON_GO), ("go-tests", PruneOptions.GO_TESTS)):
            if bit in opts and bool(co.default & bit) == opts[bit]:
                warns.append(f"redundant prune option {go_quote(option)} set for {go_quote(name)}")
    return warns


# --- go-toml's Unmarshal into dep's raw structs ---------------------------------------------
#
# Type descriptors: ("struct", go name, fields) with fields (toml key, type);
# ("slice", go name, elem); ("string",); ("bool",); ("map", go name); ("iface",).

_T_STRING = ("string",)
_T_BOOL = ("bool",)
_T_IFACE = ("iface",)
_T_MAP = ("map", "map[string]interface {}")
_T_RAW_PROJECT = ("struct", "dep.rawProject",
                  (("name", _T_STRING), ("branch", _T_STRING), ("revision", _T_STRING),
                   ("version", _T_STRING), ("source", _T_STRING)))
_T_RAW_PRUNE = ("struct", "dep.rawPruneOptions",
                (("unused-packages", _T_BOOL), ("non-go", _T_BOOL), ("go-tests", _T_BOOL),
                 ("Projects", ("slice", "[]map[string]interface {}", _T_MAP))))
_T_RAW_MANIFEST = ("struct", "dep.rawManifest",
                   (("constraint", ("slice", "[]dep.rawProject", _T_RAW_PROJECT)),
                    ("override", ("slice", "[]dep.rawProject", _T_RAW_PROJECT)),
                    ("ignored", ("slice", "[]string", _T_STRING)),
                    ("required", ("slice", "[]string", _T_STRING)),
                    ("noverify", ("slice", "[]string", _T_STRING)),
                    ("prune", _T_RAW_PRUNE)))


def _is_tree_type(t: tuple) -> bool:
    return t[0] in ("struct", "map")


def _unmarshal(doc: dict, text: str) -> dict:
    positions = _Positions(text)
    return _from_tree(_T_RAW_MANIFEST, doc, "", positions)


def _from_tree(t: tuple, tree: dict, ctx: str | None, positions: _Positions) -> object:
    if t[0] == "map":
        out = {}
        for key, val in tree.items():
            try:
                out[key] = _from_toml(_T_IFACE, val, None, positions)
            except _Fail as e:
                raise _Fail(_format_error(str(e), positions.get(ctx, key, val))) from None
        return out
    out = {}
    for key, ftype in t[2]:
        for k in (key, key.lower(), key.upper()):  # go-toml's keysToTry (ToTitle == upper here)
            if k in tree:
                val = tree[k]
                try:
                    out[key] = _from_toml(ftype, val, _child_ctx(ctx, k), positions)
                except _Fail as e:
                    raise _Fail(_format_error(str(e), positions.get(ctx, k, val))) from None
                break
    return out


def _child_ctx(ctx: str | None, key: str) -> str | None:
    """Scanner context of a sub-table (None once inside inline tables: no positions there)."""
    if ctx is None:
        return None
    return key if ctx == "" else f"{ctx}.{key}"


def _from_toml(t: tuple, val: object, ctx: str | None, positions: _Positions) -> object:
    if isinstance(val, dict):
        if _is_tree_type(t):
            return _from_tree(t, val, ctx, positions)
        raise _Fail(f"Can't convert {go_v(val)}(*toml.Tree) to a tree")
    if _is_tree_list(val):
        if t[0] == "slice" and _is_tree_type(t[2]):
            out = []
            for i, item in enumerate(val):
                out.append(_from_tree(t[2], item, None if ctx is None else f"{ctx}#{i}", positions))
            return out
        raise _Fail(f"Can't convert {go_v(val)}([]*toml.Tree) to trees")
    if isinstance(val, list):
        if t[0] == "slice" and not _is_tree_type(t[2]):
            return [_from_toml(t[2], item, None, positions) for item in val]
        raise _Fail(f"Can't convert {go_v(val)}([]interface {{}}) to a slice")
    if t[0] == "bool":
        if isinstance(val, bool):
            return val
        raise _Fail(f"Can't convert {go_v(val)}({_go_type(val)}) to bool")
    if t[0] == "string":
        if isinstance(val, str):
            return val
        raise _Fail(f"Can't convert {go_v(val)}({_go_type(val)}) to string")
    if t[0] == "struct":
        raise _Fail(f"Can't convert {go_v(val)}({_go_type(val)}) to {t[1]}")
    if t[0] == "slice":
        raise _Fail(f"Can't convert {go_v(val)}({_go_type(val)}) to {t[1]}(slice)")
    if t[0] == "map":
        raise _Fail(f"Can't convert {go_v(val)}({_go_type(val)}) to {t[1]}(map)")
    raise _Fail(f"Can't convert {go_v(val)}({_go_type(val)}) to interface {{}}(interface)")


def _format_error(msg: str, pos: tuple[int, int]) -> str:
    if msg.startswith("("):  # already carries a position
        return msg
    return f"({pos[0]}, {pos[1]}): {msg}"


# --- conversion into the model (dep's fromRawManifest / toProject) ---------------------------


def _from_raw(raw: dict, doc: dict) -> Manifest:
    m = Manifest(ignored=list(raw.get("ignored") or []), required=list(raw.get("required") or []),
                 noverify=list(raw.get("noverify") or []))
    for key, target, what in (("constraint", m.constraints, "dependencies"),
                              ("override", m.overrides, "overrides")):
        for rule in raw.get(key) or []:
            name, props = _to_project(rule)
            if name in target:
                raise _Fail(f"multiple {what} specified for {name}, can only specify one")
            target[name] = props
    prune = doc.get("prune")  # exact key, as dep re-reads it from the tree
    if isinstance(prune, dict):
        m.prune = _prune_from_raw(prune)
    return m


def _to_project(rule: dict) -> tuple[str, ProjectProperties]:
    name = rule.get("name", "")
    branch, version, revision = rule.get("branch", ""), rule.get("version", ""), rule.get("revision", "")
    if branch:
        if version or revision:
            raise _Fail(f"multiple constraints specified for {name}, can only specify one")
        constraint = constraint_from_rule(branch=branch)
    elif version:
        if revision:
            raise _Fail(f"multiple constraints specified for {name}, can only specify one")
        constraint = constraint_from_rule(version=version)
    elif revision:
        constraint = constraint_from_rule(revision=revision)
    else:
        constraint = ANY
    return name, ProjectProperties(source=rule.get("source", ""), constraint=constraint)


def _prune_from_raw(prune: dict) -> CascadingPruneOptions:
    default = PruneOptions.NESTED_VENDOR
    for option, bit in OPTION_NAMES.items():
        if prune.get(option) is True:
            default |= bit
    per_project: dict[str, dict[PruneOptions, bool]] = {}
    for project in prune.get("project") or []:
        name = ""
        opts: dict[PruneOptions, bool] = {}
        for key, val in project.items():
            if key == "name":
                name = val
            elif key in OPTION_NAMES:
                opts[OPTION_NAMES[key]] = val
        per_project.pop(name, None)  # a later entry for the same name replaces the earlier one
        per_project[name] = opts
    return CascadingPruneOptions(default=default, per_project=per_project)


# --------------------------------------------------------------------------------------------
# Checks used later by the solver


def required_ignored_conflict(required: list[str], ignored: list[str]) -> str | None:
    """gps's check that no package is both required and ignored; the message or None.

    ``ensure`` wraps it as ``validateParams: <msg>``. Ignore semantics are those of
    ``pkgtree.NewIgnoredRuleset`` (trailing ``*`` = prefix wildcard; ``*`` and ``""`` skipped).
    """
    rules: dict[str, bool] = {}  # prefix -> wildcard?

    def longest(path: str) -> tuple[str, bool] | None:
        for n in range(len(path), -1, -1):
            if path[:n] in rules:
                return path[:n], rules[path[:n]]
        return None

    for ig in sorted(ignored):
        if ig in ("*", ""):
            continue
        hit = longest(ig)
        if ig.endswith("*"):
            if hit is not None and hit[1]:
                continue
            rules[ig[:-1]] = True
        elif hit is None or not hit[1]:
            rules[ig] = False
    if not rules:
        return None
    both = []
    for pkg in dict.fromkeys(required):
        hit = longest(pkg) if pkg else None
        if hit is not None and (hit[1] or pkg == hit[0]):
            both.append(pkg)
    if not both:
        return None
    if len(both) == 1:
        return f"{go_quote(both[0])} was given as both a required and ignored package"
    return "multiple packages given as both required and ignored: " + ", ".join(both)


# --------------------------------------------------------------------------------------------
# Rendering (go-toml encoder with ArraysWithOneElementPerLine, as dep's Manifest.MarshalTOML)


def render_manifest(manifest: Manifest, examples: bool = False) -> str:
    """Gopkg.toml exactly as dep writes it; ``examples`` prefixes ``dep init``'s example text.

    ``ignored`` is written sorted: dep sorts that slice in place whenever it builds the ignore
    ruleset, which always happens before init writes. Per-project prune options cannot be
    written (dep panics); a ``ValueError`` is raised for them.
    """
    if manifest.prune.per_project:
        raise ValueError("toRawPruneOptions cannot convert ProjectOptions to rawPruneOptions")
    out = []
    if examples:
        out.append(EXAMPLE_TOML)
    for key, values in (("ignored", sorted(manifest.ignored)), ("noverify", manifest.noverify),
                        ("required", manifest.required)):
        if values:
            out.append(string_array(key, list(values), ""))
    for header, rules in (("constraint", manifest.constraints), ("override", manifest.overrides)):
        raws = sorted((_raw_rule(name, props) for name, props in rules.items()),
                      key=lambda r: (r["name"], r["source"]))
        for raw in raws:
            out.append(f"\n[[{header}]]\n")
            for key in _RULE_KEYS:
                if raw[key] or key == "name":
                    out.append(f"  {key} = {toml_string(raw[key])}\n")
    on = [name for name in sorted(OPTION_NAMES) if manifest.prune.default & OPTION_NAMES[name]]
    if on:
        out.append("\n[prune]\n")
        out.extend(f"  {name} = true\n" for name in on)
    return "".join(out)


def append_constraints_text(constraints: dict[str, ProjectProperties]) -> str:
    """The text ``ensure -add`` appends to Gopkg.toml (``""`` when nothing is added)."""
    return render_manifest(Manifest(constraints=dict(constraints)))


def properties_from_version(version: object, source: str = "") -> ProjectProperties:
    """The rule ``ensure -add`` records for a solved version (dep's getProjectPropertiesFromVersion):
    semver tag -> caret range, branch/plain tag -> itself, bare revision -> no constraint."""
    from dep.versions import SemverVersion, parse_constraint

    if isinstance(version, PairedVersion):
        version = version.unpaired
    if isinstance(version, Revision):
        return ProjectProperties(source=source, constraint=None)
    if isinstance(version, SemverVersion):
        return ProjectProperties(source=source, constraint=parse_constraint(str(version)))
    return ProjectProperties(source=source, constraint=version)


def _raw_rule(name: str, props: ProjectProperties) -> dict[str, str]:
    """dep's toRawProject: how one rule's constraint is spelled in Gopkg.toml."""
    raw = dict.fromkeys(_RULE_KEYS, "")
    raw["name"], raw["source"] = name, props.source or ""
    c = props.constraint
    if c is None or isinstance(c, (AnyConstraint, NoneConstraint)):
        return raw
    kind = getattr(c, "version_type", None) if isinstance(c, Version) else None
    if kind == "revision":
        raw["revision"] = str(c)
    elif kind == "branch":
        raw["branch"] = str(c)
    else:  # semver range, exact semver ("=1.2.0"), plain tag
        raw["version"] = c.implied_caret_string()
    return raw


# --------------------------------------------------------------------------------------------
# Comment-preserving edits (tomlkit; imported lazily to keep reads fast)


def add_constraint(text: str, name: str, *, version: str = "", branch: str = "", revision: str = "",
                   source: str = "", override: bool = False) -> str:
    """``text`` with a ``[[constraint]]`` (or ``[[override]]``) added after the existing ones,
    spelled as dep spells rules; the user's comments, order and formatting are kept."""
    import tomlkit

    key = "override" if override else "constraint"
    values = {"branch": branch, "name": name, "revision": revision, "source": source, "version": version}
    block = f"[[{key}]]\n" + "".join(f"  {k} = {toml_string(values[k])}\n" for k in _RULE_KEYS
                                      if values[k] or k == "name")
    doc = tomlkit.parse(text)
    aot = doc.get(key)
    if not isinstance(aot, tomlkit.items.AoT) or not aot.body or not _followed_by_content(doc, key):
        return _append_block(text, block)  # nothing after the rules: a plain append is exact
    last = aot.body[-1]
    if not last.as_string().endswith("\n\n"):
        last.add(tomlkit.nl())
    aot.append(tomlkit.parse(block + "\n")[key][0])
    return tomlkit.dumps(doc)


def _append_block(text: str, block: str) -> str:
    """``block`` appended at the end, after one blank line (what dep's -add append looks like)."""
    if not text.strip():
        return block
    return text.rstrip("\n") + "\n\n" + block


def _followed_by_content(doc: object, key: str) -> bool:
    """Whether anything but whitespace comes after ``key``'s item in the document."""
    seen = False
    for k, item in doc.body:
        if seen and item.__class__.__name__ not in ("Whitespace", "Null"):
            return True
        if k is not None and k.key == key:
            seen = True
    return False


def remove_constraint(text: str, name: str, *, override: bool = False) -> str:
    """``text`` without the rule(s) named ``name``; everything else kept as written."""
    import tomlkit

    doc = tomlkit.parse(text)
    key = "override" if override else "constraint"
    aot = doc.get(key)
    if not isinstance(aot, tomlkit.items.AoT):
        return text
    idx = [i for i, t in enumerate(aot) if t.get("name") == name]
    if not idx:
        return text
    if len(idx) == len(aot):
        del doc[key]
    else:
        for i in reversed(idx):
            del aot[i]
    return tomlkit.dumps(doc)


def add_required(text: str, packages: list[str]) -> str:
    """``text`` with ``packages`` appended to ``required`` (created above the first table)."""
    import tomlkit

    doc = tomlkit.parse(text)
    if "required" in doc:
        arr = doc["required"]
        for p in packages:
            if p not in arr:
                arr.append(p)
        return tomlkit.dumps(doc)
    arr = tomlkit.array()
    arr.extend(dict.fromkeys(packages))
    try:  # tomlkit appends plain keys after the tables of a parsed document; put it above
        doc._insert_at(doc._get_last_index_before_table(), "required", arr)
    except Exception:
        return f"required = {arr.as_string()}\n" + text
    return tomlkit.dumps(doc)


def set_prune(text: str, project: str | None = None, **options: bool | None) -> str:
    """Set root ``[prune]`` options, or one ``[[prune.project]]``'s when ``project`` is given.

    Keyword names use underscores (``go_tests=True``); ``None`` removes the option. Root options
    may only be true in Gopkg.toml, so a false root option is removed.
    """
    import tomlkit

    names = {k: k.replace("_", "-") for k in options}
    for k, n in names.items():
        if n not in OPTION_NAMES:
            raise ValueError(f"unknown prune option {k}")
    doc = tomlkit.parse(text)
    if "prune" not in doc:
        if project is None:
            on = [names[k] for k, v in options.items() if v]
            if not on:
                return text
            return _append_block(text, "[prune]\n" + "".join(f"  {n} = true\n" for n in sorted(on)))
        text = _append_block(text, "[prune]\n")
        doc = tomlkit.parse(text)
    prune = doc["prune"]
    target = prune
    if project is not None:
        projects = prune.get("project")
        target = None
        if isinstance(projects, tomlkit.items.AoT):
            target = next((t for t in projects if t.get("name") == project), None)
        if target is None:
            block = f"[[prune.project]]\n  name = {toml_string(project)}\n" + "".join(
                f"  {names[k]} = {'true' if v else 'false'}\n" for k, v in options.items() if v is not None)
            return _append_block(tomlkit.dumps(doc), block)
    for k, value in options.items():
        n = names[k]
        if value is None or (project is None and not value):
            if n in target:
                del target[n]
        elif n in target:
            target[n] = bool(value)
        else:
            _add_key_like_siblings(target, n, bool(value))
    return tomlkit.dumps(doc)


def _add_key_like_siblings(table: object, key: str, value: object) -> None:
    """Add ``key`` to a tomlkit table with the indentation its other keys use."""
    import tomlkit

    indent = next((item.trivia.indent for k, item in table.value.body
                   if k is not None and not isinstance(item, (tomlkit.items.Table, tomlkit.items.AoT))), "")
    item = tomlkit.item(value)
    item.trivia.indent = indent.lstrip("\n")
    table.add(key, item)


# --------------------------------------------------------------------------------------------
# Go formatting helpers (for messages that embed values the way Go's fmt prints them)


def _go_q_value(v: object) -> str:
    """Go's ``%q`` applied to a value of go-toml's ToMap (only strings are usual here)."""
    import datetime as _dt

    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, bool):
        return f"%!q(bool={'true' if v else 'false'})"
    if isinstance(v, int):
        return go_quote_rune(v)
    if isinstance(v, float):
        return f"%!q(float64={go_float(v)})"
    if isinstance(v, _dt.datetime):
        return go_quote(_go_time_string(v))
    if isinstance(v, list):
        return "[" + " ".join(_go_q_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{go_quote(k)}:{_go_q_value(v[k])}" for k in sorted(v)) + "]"
    return go_quote(str(v))


def _go_time_string(v: object) -> str:
    """Go's ``time.Time.String()`` for a time parsed by go-toml (UTC location)."""
    import datetime as _dt

    s = v.strftime("%Y-%m-%d %H:%M:%S")
    if v.microsecond:
        s += ("." + f"{v.microsecond:06d}").rstrip("0")
    off = v.utcoffset() or _dt.timedelta(0)
    secs = int(off.total_seconds())
    if secs == 0:
        return s + " +0000 UTC"
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    zone = f"{sign}{secs // 3600:02d}{secs % 3600 // 60:02d}"
    return f"{s} {zone} {zone}"


def _go_type(v: object) -> str:
    import datetime as _dt

    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, _dt.datetime):
        return "time.Time"
    if isinstance(v, dict):
        return "*toml.Tree"
    if _is_tree_list(v):
        return "[]*toml.Tree"
    if isinstance(v, list):
        return "[]interface {}"
    return type(v).__name__


def _is_tree_list(v: object) -> bool:
    return isinstance(v, list) and bool(v) and isinstance(v[0], dict)


def go_v(v: object) -> str:
    """Go's ``%v`` of a raw go-toml tree value."""
    import datetime as _dt

    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, _dt.datetime):
        return _go_time_string(v)
    if isinstance(v, dict):
        return _tree_string(v)
    if isinstance(v, list):
        return "[" + " ".join(go_v(x) for x in v) + "]"
    return str(v)


def _tree_string(tree: dict, indent: str = "", keyspace: str = "") -> str:
    """go-toml's ``Tree.String()`` (default writer) — used only inside error messages."""
    simple = sorted(k for k, v in tree.items() if not isinstance(v, dict) and not _is_tree_list(v))
    complex_ = sorted(k for k, v in tree.items() if isinstance(v, dict) or _is_tree_list(v))
    out = []
    for k in simple:
        try:
            out.append(f"{indent}{k} = {_tree_value(tree[k])}\n")
        except ValueError:
            return "".join(out)
    for k in complex_:
        combined = f"{keyspace}.{k}" if keyspace else k
        v = tree[k]
        if isinstance(v, dict):
            out.append(f"\n{indent}[{combined}]\n" + _tree_string(v, indent + "  ", combined))
        else:
            for sub in v:
                out.append(f"\n{indent}[[{combined}]]\n" + _tree_string(sub, indent + "  ", combined))
    return "".join(out)


def _tree_value(v: object) -> str:
    import datetime as _dt

    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _go_float32_f(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, _dt.datetime):
        off = v.utcoffset() or _dt.timedelta(0)
        s = v.strftime("%Y-%m-%dT%H:%M:%S")
        secs = int(off.total_seconds())
        if secs == 0:
            return s + "Z"
        sign = "-" if secs < 0 else "+"
        secs = abs(secs)
        return f"{s}{sign}{secs // 3600:02d}:{secs % 3600 // 60:02d}"
    if isinstance(v, list):
        return "[" + ",".join(_tree_value(x) for x in v) + "]"
    raise ValueError("unsupported value type")


def _go_float32_f(v: float) -> str:
    """strings.ToLower(strconv.FormatFloat(v, 'f', -1 or 1, 32)) as go-toml writes floats."""
    import math
    import struct
    from decimal import Decimal

    try:
        f32 = struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:
        f32 = math.inf if v > 0 else -math.inf
    if math.isnan(f32):
        return "nan"
    if math.isinf(f32):
        return "+inf" if f32 > 0 else "-inf"
    if math.isfinite(v) and math.trunc(v) == v:
        return f"{f32:.1f}"
    for p in range(1, 18):
        s = f"{f32:.{p}g}"
        if struct.unpack("f", struct.pack("f", float(s)))[0] == f32:
            return format(Decimal(s), "f")
    return format(Decimal(f32), "f")


# --------------------------------------------------------------------------------------------
# Where go-toml (TOML 0.4) rejects what tomllib (TOML 1.0) accepts


_DOTTED_HINT = re.compile(r"""(?:^|[{,])[ \t]*(?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)[ \t]*\.""", re.M)


def _go_toml_rejects(doc: dict, text: str) -> tuple[tuple[int, int], str] | None:
    """First go-toml syntax error in an otherwise valid document, or None (fast when none)."""
    mixed, dates = _suspicious_values(doc)
    if not (mixed or dates or _DOTTED_HINT.search(text)):
        return None
    try:
        found = _GoScanner(text).run()
    except Exception:  # the scanner is a best effort; never let it crash a read
        found = None
    if found is not None:
        return found
    # The scanner missed it: still refuse what go-toml certainly refuses, without a position.
    if mixed:
        return (0, 0), "mixed types in array"
    if dates == "local":
        return (0, 0), "unexpected token"
    return None


def _value_kind(v: object) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "table"
    if isinstance(v, list):
        return "tablearray" if v and isinstance(v[0], dict) else "array"
    return "time"


def _suspicious_values(v: object) -> tuple[bool, str]:
    """(any array mixing go-toml types, "" / "aware" / "local" for the dates seen) in ``v``."""
    mixed, dates = False, ""
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            if x and not mixed and len({_value_kind(e) for e in x}) > 1:
                mixed = True
            stack.extend(x)
        elif not isinstance(x, (str, int, float)):  # a date or a time
            if getattr(x, "tzinfo", None) is not None:
                dates = dates or "aware"
            else:
                dates = "local"
    return mixed, dates


# Patterns of the go-toml checks below, compiled on first use (re caches them): documents that
# need these checks are rare.
_GO_DATE = r"\d{1,4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})"
_TOML_DATETIME = (
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?")
_TOML_TIME = r"\d{2}:\d{2}:\d{2}(?:\.\d+)?"
_BARE_KEY = r"[A-Za-z0-9_-]+"
_SCALAR = r"[^\s,\]\}#]+"


class _Found(Exception):
    def __init__(self, index: int, msg: str):
        self.index, self.msg = index, msg


class _GoScanner:
    """A lenient walk over a document tomllib accepted, looking for go-toml rejections:
    dotted keys, dates/times go-toml cannot lex, arrays mixing element types."""

    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def run(self) -> tuple[tuple[int, int], str] | None:
        try:
            self._document()
        except _Found as f:
            return self._linecol(f.index), f.msg
        return None

    def _linecol(self, index: int) -> tuple[int, int]:
        before = self.s[:index]
        line = before.count("\n") + 1
        return line, index - (before.rfind("\n") + 1) + 1

    def _ws(self, newlines: bool) -> None:
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.i += 1
            elif ch == "#" and newlines:
                while self.i < len(s) and s[self.i] != "\n":
                    self.i += 1
            else:
                return

    def _document(self) -> None:
        s = self.s
        while True:
            self._ws(True)
            if self.i >= len(s):
                return
            if s[self.i] == "[":
                while self.i < len(s) and s[self.i] != "\n":
                    if s[self.i] in "\"'":
                        self._string()
                    else:
                        self.i += 1
            else:
                self._keyval()

    def _keyval(self, inline: bool = False) -> None:
        start = self.i
        self._key()
        self._ws(False)
        if self.s.startswith(".", self.i):
            if inline:
                raise _Found(start, "unexpected token type in inline table: keys cannot contain . character")
            raise _Found(start, "unexpected token")
        self.i += 1  # '='
        self._ws(False)
        self._value()
        # rest of line: comment / newline handled by _ws in the caller

    def _key(self) -> None:
        if self.s[self.i] in "\"'":
            self._string()
        else:
            m = re.compile(_BARE_KEY).match(self.s, self.i)
            self.i = m.end() if m else self.i + 1

    def _string(self) -> None:
        s, q = self.s, self.s[self.i]
        if s.startswith(q * 3, self.i):
            end = s.find(q * 3, self.i + 3) if q == "'" else self._find_basic_ml(self.i + 3)
            end = len(s) if end < 0 else end + 3
            while end < len(s) and s[end] == q:  # up to two quotes may close the content
                end += 1
            self.i = end
            return
        j = self.i + 1
        while j < len(s) and s[j] != q:
            j += 2 if (q == '"' and s[j] == "\\") else 1
        self.i = j + 1

    def _find_basic_ml(self, j: int) -> int:
        s = self.s
        while j < len(s):
            if s[j] == "\\":
                j += 2
            elif s.startswith('"""', j):
                return j
            else:
                j += 1
        return -1

    def _value(self) -> str:
        s, i = self.s, self.i
        ch = s[i]
        if ch in "\"'":
            self._string()
            return "string"
        if ch == "[":
            return self._array()
        if ch == "{":
            self._inline_table()
            return "table"
        m = re.compile(_TOML_DATETIME).match(s, i)
        if m:
            g = re.compile(_GO_DATE).match(s, i)
            if g is None:
                raise _Found(i + 4 if s[i + 4:i + 5] == "-" else i, "unexpected token")
            if g.end() != m.end():
                raise _Found(g.end(), "unexpected token")
            self.i = m.end()
            return "time"
        if re.compile(_TOML_TIME).match(s, i):
            raise _Found(i + 2, "unexpected token")
        m = re.compile(_SCALAR).match(s, i)
        tok = m.group(0) if m else ""
        self.i = m.end() if m else i + 1
        if tok in ("true", "false"):
            return "bool"
        bare = tok.lstrip("+-")
        if bare[:2] in ("0x", "0o", "0b"):
            return "int"
        if bare in ("inf", "nan") or any(c in tok for c in ".eE"):
            return "float"
        return "int"

    def _array(self) -> str:
        s = self.s
        self.i += 1
        first = None
        while True:
            self._ws(True)
            if self.i >= len(s) or s[self.i] == "]":
                self.i += 1
                break
            start = self.i
            kind = self._value()
            if first is None:
                first = kind
            elif kind != first:
                if kind == "string":  # go-toml's string tokens start after the quotes
                    start += 3 if s.startswith(s[start] * 3, start) else 1
                raise _Found(start, "mixed types in array")
            self._ws(True)
            if self.i < len(s) and s[self.i] == ",":
                self.i += 1
        return "tablearray" if first == "table" else "array"

    def _inline_table(self) -> None:
        s = self.s
        self.i += 1
        while True:
            self._ws(False)
            if self.i >= len(s) or s[self.i] == "}":
                self.i += 1
                return
            if s[self.i] == ",":
                self.i += 1
                continue
            self._keyval(inline=True)


# --- positions of keys (go-toml reports them in unmarshal errors) ----------------------------


class _Positions:
    """Line/column of keys and table headers as go-toml records them.

    Contexts: ``""`` (root), ``"prune"``, ``"constraint#0"`` (first ``[[constraint]]``), ...
    Keys inside inline tables have no position in go-toml (it reports ``(0, 0)``). Built lazily:
    only needed when an unmarshal error is being reported.
    """

    _HEADER = r"[ \t]*(\[\[?)[ \t]*([^\]]*?)[ \t]*\]"
    _KEY = r"""[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[A-Za-z0-9_-]+)[ \t]*="""

    def __init__(self, text: str):
        self.text = text
        self._built = False
        self.keys: dict[tuple[str, str], tuple[int, int]] = {}
        self.headers: dict[tuple[str, str], tuple[int, int]] = {}
        self.tables: set[str] = {""}

    def get(self, ctx: str | None, key: str, value: object) -> tuple[int, int]:
        if ctx is None:
            return (0, 0)
        self._build()
        if ctx not in self.tables:  # an inline table: go-toml keeps no positions there
            return (0, 0)
        if isinstance(value, dict) or _is_tree_list(value):
            return self.headers.get((ctx, key), (0, 0))
        return self.keys.get((ctx, key), (0, 0))

    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        counts: dict[str, int] = {}
        ctx = ""
        ml_quote = None
        header_re, key_re = re.compile(self._HEADER), re.compile(self._KEY)
        for lineno, line in enumerate(self.text.split("\n"), 1):
            if ml_quote is not None:
                if ml_quote in line:
                    ml_quote = None
                continue
            h = header_re.match(line)
            if h:
                parts = [p.strip().strip("\"'") for p in h.group(2).split(".")]
                parent = self._ctx(parts[:-1], counts)
                col = h.start(1) + 1
                if h.group(1) == "[[":
                    name = ".".join(parts)
                    counts[name] = counts.get(name, 0) + 1
                self.headers[(parent, parts[-1])] = (lineno, col)
                ctx = self._ctx(parts, counts)
                self.tables.add(ctx)
                continue
            k = key_re.match(line)
            if k:
                key = k.group(1)
                if key[0] in "\"'":
                    key = key[1:-1]
                self.keys.setdefault((ctx, key), (lineno, k.start(1) + 1))
                rest = line[k.end():]
                for q in ('"""', "'''"):
                    if rest.count(q) == 1:
                        ml_quote = q

    @staticmethod
    def _ctx(parts: list[str], counts: dict[str, int]) -> str:
        out = []
        for n in range(1, len(parts) + 1):
            name = ".".join(parts[:n])
            seg = parts[n - 1]
            if name in counts:
                seg += f"#{counts[name] - 1}"
            out.append(seg)
        return ".".join(out)
