"""A plain-words account of a failed solve, printed after gps's own text.

gps says *what* it tried; this says which projects are in conflict, every rule involved and
who imposed it (your Gopkg.toml's ``[[constraint]]`` or ``[[override]]``, a dependency at a
version, Gopkg.lock), and what can be changed. It is built from the failure objects alone,
in a fixed order, so the text is deterministic.

Versions of one project that failed for the same reason are told once: each reason is also
written with the tried version left open (``_EACH``, ``_NONE``), versions whose open texts agree
form one group, and the group is named by a compact list of its versions.
"""

from __future__ import annotations

import re

from dep.errors import DepError
from dep.pkgtree import go_quote
from dep.solver.failures import (
    BadOptsFailure, CaseMismatchFailure, CheckeeHasProblemPackagesFailure, ConstraintNotAllowedFailure,
    DeductionFailure, DepHasProblemPackagesFailure, DisjointConstraintFailure, NoVersionError,
    NonexistentRevisionFailure, ProjectNotFoundFailure, SourceMismatchFailure, VersionNotAllowedFailure,
    WrongCaseFailure)
from dep.solver.model import ROOT_VERSION, Atom, Dependency, ident_str
from dep.versions import ANY, PairedVersion, Version

# Stand-ins for the version being tried while a reason is written for a group of versions:
# the subject of a sentence ("each of them ...") and its negation ("none of them contains ...").
_EACH, _NONE = "\x00", "\x01"


class _Account:
    """Collects the explanation: projects involved, "why" lines and de-duplicated suggestions."""

    def __init__(self, context: dict) -> None:
        self.ctx = context
        self.projects: set[str] = set()
        self.why: list[str] = []
        self.tries: list[str] = []
        self.open: Atom | None = None  # the atom written as _EACH (a group's tried version)

    def suggest(self, text: str) -> None:
        if text not in self.tries:
            self.tries.append(text)

    def who(self, atom: Atom) -> str:
        if atom.v == ROOT_VERSION:
            return "your project"
        self.projects.add(atom.id.root)
        return _EACH if atom == self.open else str(atom)

    def rule(self, dep: Dependency) -> str:
        """``dep``'s constraint and who imposed it."""
        root = dep.dep.ident.root
        self.projects.add(root)
        c = dep.dep.constraint
        wanted = "any version" if c is ANY else str(c)
        if dep.dep.overridden:
            return f"{wanted} (your Gopkg.toml [[override]] for {root})"
        if dep.depender.v == ROOT_VERSION:
            if root in self.ctx["constraints"]:
                return f"{wanted} (your Gopkg.toml [[constraint]] for {root})"
            return f"{wanted} (imported by your project, no constraint)"
        return f"{wanted} (required by {self.who(dep.depender)})"

    def relax(self, dep: Dependency) -> None:
        """Suggest the change that would lift ``dep``'s rule."""
        root = dep.dep.ident.root
        if dep.dep.overridden:
            self.suggest(f"change the [[override]] for {root} in Gopkg.toml")
        elif dep.depender.v == ROOT_VERSION:
            if root in self.ctx["constraints"]:
                self.suggest(f"change or remove the [[constraint]] for {root} in Gopkg.toml")
        else:
            self.suggest(f"add an [[override]] for {root} in Gopkg.toml to impose one version range "
                         "on every project (only if you know they are compatible)")
            self.unlock(dep.depender.id.root)

    def unlock(self, root: str) -> None:
        """Suggest ``-update`` for a project Gopkg.lock holds in place."""
        lp = self.ctx["lock"].get(root)
        if lp is not None and not self.ctx["change_all"] and root not in self.ctx["change"]:
            held = lp.version if lp.version is not None else lp.revision
            self.suggest(f"dep ensure -update {root}   (Gopkg.lock holds it at {held})")


def explain(err: DepError, context: dict) -> str:
    """The explanation block for ``err``; ``context`` comes from the solver (root, lock, rules)."""
    acc = _Account(context)
    _describe(err, acc)
    lines = ["In plain words:"]
    if len(acc.projects) > 1:
        lines.append(f"  Projects in conflict: {', '.join(sorted(acc.projects))}")
    lines += [f"  {line}" for line in acc.why]
    if acc.tries:
        lines.append("What you can try:")
        lines += [f"  - {t}" for t in acc.tries]
    return "\n".join(lines)


def _describe(err: DepError, acc: _Account) -> None:
    """Append the lines for one failure (a rejected version's reason, or the whole failure)."""
    if isinstance(err, NoVersionError):
        _no_version(err, acc)
    elif isinstance(err, VersionNotAllowedFailure):
        rules = "; ".join(acc.rule(dep) for dep in err.failparent)
        acc.why.append(f"{acc.who(err.goal)} is outside {rules}.")
        for dep in err.failparent:
            acc.relax(dep)
    elif isinstance(err, DisjointConstraintFailure):
        _disjoint(err, acc)
    elif isinstance(err, ConstraintNotAllowedFailure):
        g = err.goal
        target = g.dep.ident.root
        acc.projects.add(target)
        acc.why.append(f"{acc.who(g.depender)} requires {target} {g.dep.constraint}, but {target} "
                       f"{err.selected} is already chosen.")
        acc.unlock(target)
        acc.suggest(f"add an [[override]] for {target} in Gopkg.toml to impose one version range "
                    "on every project (only if you know they are compatible)")
    elif isinstance(err, SourceMismatchFailure):
        users = ", ".join("your project" if d.depender.v == ROOT_VERSION else d.depender.id.root
                          for d in err.sel)
        acc.projects.add(err.shared)
        acc.why.append(f"{acc.who(err.prob)} wants {err.shared} from {err.mismatch}, but {users} "
                       f"already get it from {err.current}; a project can come from only one source.")
        acc.suggest(f"add an [[override]] for {err.shared} in Gopkg.toml with the source everyone should use")
    elif isinstance(err, CaseMismatchFailure):
        users = ", ".join(acc.who(d.depender) for d in err.failsib)
        acc.why.append(f"{acc.who(err.goal.depender)} imports {go_quote(err.goal.dep.ident.root)}, but {users} "
                       f"already imported it as {go_quote(err.current)}; Go needs one spelling per project.")
        acc.suggest(f"spell every import of {err.current} the same way")
    elif isinstance(err, WrongCaseFailure):
        users = ", ".join(acc.who(d.depender) for d in err.badcase)
        acc.why.append(f"{acc.who(err.goal.depender)} imports itself as {go_quote(err.correct)}, but {users} "
                       f"imported it as {go_quote(err.badcase[0].dep.ident.root)}.")
        acc.suggest(f"import {err.correct} with exactly that spelling")
    elif isinstance(err, CheckeeHasProblemPackagesFailure):
        where = acc.who(err.goal)
        for pkg in sorted(err.failpkg):
            problem, deppers = err.failpkg[pkg]
            users = ", ".join(acc.who(d) for d in deppers)
            if where == _EACH:
                state = "contains package" if problem is None else "has usable Go code in package"
                acc.why.append(f"{_NONE} {state} {pkg}, which {users} imports.")
            else:
                state = "does not exist" if problem is None else "has no usable Go code"
                acc.why.append(f"package {pkg} {state} in {where}, but {users} imports it.")
        acc.suggest("check those import paths; list packages you do not need under ignored in Gopkg.toml")
    elif isinstance(err, DepHasProblemPackagesFailure):
        g = err.goal
        target = g.dep.ident.root
        acc.projects.add(target)
        for pkg in sorted(err.prob):
            acc.why.append(f"{acc.who(g.depender)} imports {pkg}, which {target} {err.selected} "
                           "(already chosen) does not have.")
        acc.unlock(target)
    elif isinstance(err, NonexistentRevisionFailure):
        g = err.goal
        acc.why.append(f"{acc.who(g.depender)} pins {ident_str(g.dep.ident)} to revision {err.revision}, "
                       "which its source does not have.")
        acc.suggest(f"add an [[override]] for {g.dep.ident.root} with a revision or version that exists")
    elif isinstance(err, DeductionFailure):
        acc.why.append("dep cannot tell which project (repository) these imports belong to:")
        acc.why += [f"  {path}: {err.errors[path]}" for path in sorted(err.errors)]
        acc.suggest("check the import paths for typos; list paths you do not need under ignored in Gopkg.toml")
    elif isinstance(err, ProjectNotFoundFailure):
        acc.why.append(f"no source could be found for {ident_str(err.ident)}.")
        acc.suggest(f"check the import path, or give a source for {err.ident.root} in a [[constraint]]")
    elif isinstance(err, BadOptsFailure):
        acc.why.append("the solver's inputs contradict each other; fix Gopkg.toml or the command line.")
    else:
        acc.why.append(_unnamed(str(err), acc.open.v) if acc.open is not None else str(err))


def _unnamed(text: str, version: Version) -> str:
    """A source error's text with the tried version's name and revision left open, so the same
    error for several versions is told once."""
    names = {str(version): "<version>"}
    if isinstance(version, PairedVersion):
        names[str(version.revision)] = "<revision>"
    for name, word in names.items():
        text = re.sub(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", word, text)
    return text


def _no_version(err: NoVersionError, acc: _Account) -> None:
    name = ident_str(err.ident)
    acc.projects.add(err.ident.root)
    acc.why.append(f"No version of {name} fits with the projects already chosen.")
    if err.dependers:
        acc.why.append(f"Rules on {err.ident.root} at that point:")
        acc.why += [f"  - {acc.rule(dep)}" for dep in err.dependers]
    if err.locked is not None:
        acc.why.append(f"Gopkg.lock had {err.ident.root} at {err.locked}; that version was tried first.")
    # versions whose reasons read the same once the version is left open, in the order tried
    groups: dict[tuple[str, ...], list[tuple[int, list[str]]]] = {}
    for i, (version, reason) in enumerate(err.fails):
        own = _lines(reason, acc, None)
        groups.setdefault(tuple(_lines(reason, acc, Atom(err.ident, version))), []).append((i, own))
    names = [str(version) for version, _ in err.fails]
    if len(groups) == 1 and len(err.fails) > 1:  # every version failed for the same reason
        acc.why.append(f"Versions tried: {_compact(names, range(len(names)))}")
        open_lines = next(iter(groups))
        whom = f"the {len(names)} versions of {err.ident.root}"
        first, *rest = _filled(open_lines, whom)
        if first == open_lines[0]:  # a source's own error text, which names no version
            first = f"for each of {whom}: {first}"
        acc.why += [first[0].upper() + first[1:], *rest]
        acc.unlock(err.ident.root)
        return
    if err.fails:
        acc.why.append("Versions tried:")
    for open_lines, tried in groups.items():
        if len(tried) == 1:
            (i, lines), = tried
            head = names[i]
        else:
            lines, head = _filled(open_lines, "them"), _compact(names, [i for i, _ in tried])
        acc.why += [f"  - {head}: {lines[0]}"] + [f"    {line}" for line in lines[1:]]
    acc.unlock(err.ident.root)


def _lines(reason: DepError, acc: _Account, open_atom: Atom | None) -> list[str]:
    """The lines ``_describe`` writes for ``reason``, taken back off the account; with
    ``open_atom``, that atom is written as ``_EACH``/``_NONE``."""
    start = len(acc.why)
    acc.open = open_atom
    _describe(reason, acc)
    acc.open = None
    lines = acc.why[start:]
    del acc.why[start:]
    return lines


def _filled(lines, whom: str) -> list[str]:
    """A group's lines with the open version made "each of <whom>" / "none of <whom>"."""
    return [line.replace(_EACH, f"each of {whom}").replace(_NONE, f"none of {whom}") for line in lines]


def _compact(names: list[str], picked) -> str:
    """The versions at indexes ``picked`` of ``names`` (all tried, in order): a run of more than
    three tried one after another is shown as "first … last", and then the count follows."""
    runs: list[list[int]] = []
    for i in picked:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    short = all(len(run) <= 3 for run in runs)
    shown = ", ".join(", ".join(names[i] for i in run) if len(run) <= 3 else f"{names[run[0]]} … {names[run[-1]]}"
                      for run in runs)
    return shown if short else f"{shown} ({sum(map(len, runs))} versions)"


def _disjoint(err: DisjointConstraintFailure, acc: _Account) -> None:
    g = err.goal
    target = g.dep.ident.root
    acc.projects.add(target)
    if err.failsib:
        acc.why.append(f"{acc.who(g.depender)} requires {target} {g.dep.constraint}, which cannot "
                       "hold together with:")
    else:
        acc.why.append(f"{acc.who(g.depender)} requires {target} {g.dep.constraint}, which cannot "
                       "hold together with these rules combined:")
    sibs = err.failsib or err.nofailsib
    acc.why += [f"  - {acc.rule(dep)}" for dep in sibs]
    for dep in sibs:
        acc.relax(dep)
    acc.unlock(target)
