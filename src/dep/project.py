"""Locating the project (root, GOPATH, import path) and loading its manifest, lock and packages."""

from __future__ import annotations

import os

from dep.errors import PackageTreeError, ProjectError
from dep.lock import LOCK_NAME, Lock, read_lock
from dep.manifest import MANIFEST_NAME, Manifest, read_manifest
from dep.pkgtree import PackageTree
from dep.records import Record

NOT_FOUND = "could not find project Gopkg.toml, use dep init to initiate a manifest"


class Context(Record):
    """What dep reads from the environment once per run; ``explicit_root`` is $DEPPROJECTROOT."""

    __slots__ = ("working_dir", "gopaths", "explicit_root")

    def __init__(self, working_dir: str, gopaths: list[str], explicit_root: str = "") -> None:
        self.working_dir = working_dir
        self.gopaths = gopaths
        self.explicit_root = explicit_root

    @classmethod
    def from_environ(cls, environ: os._Environ | dict | None = None) -> Context:
        env = os.environ if environ is None else environ
        gopath = env.get("GOPATH", "") or _default_gopath(env)
        return cls(
            working_dir=_working_dir(env),
            gopaths=[p for p in gopath.split(os.pathsep) if p],
            explicit_root=env.get("DEPPROJECTROOT", ""),
        )


class Project(Record):
    """``abs_root`` is the root as found from the working directory (it may go through
    symlinks); ``resolved_abs_root`` has them evaluated, and packages are read from there."""

    __slots__ = ("abs_root", "resolved_abs_root", "import_root", "gopath", "manifest", "lock",
                 "warnings", "_package_tree")

    def __init__(self, abs_root: str, resolved_abs_root: str, import_root: str, gopath: str,
                 manifest: Manifest, lock: Lock | None, warnings: list[str] | None = None,
                 _package_tree: PackageTree | None = None) -> None:
        self.abs_root = abs_root
        self.resolved_abs_root = resolved_abs_root
        self.import_root = import_root
        self.gopath = gopath
        self.manifest = manifest
        self.lock = lock
        self.warnings = [] if warnings is None else warnings
        self._package_tree = _package_tree

    @property
    def manifest_path(self) -> str:
        return os.path.join(self.abs_root, MANIFEST_NAME)

    @property
    def lock_path(self) -> str:
        return os.path.join(self.abs_root, LOCK_NAME)

    @property
    def vendor_dir(self) -> str:
        return os.path.join(self.abs_root, "vendor")

    def package_tree(self) -> PackageTree:
        """The root's packages with unreachable hidden and ignored ones trimmed, as dep keeps them."""
        if self._package_tree is None:
            from dep.pkgtree import IgnoredRuleset, list_packages

            try:
                tree = list_packages(self.resolved_abs_root, self.import_root)
            except PackageTreeError as e:
                raise PackageTreeError(f"analysis of current project's packages failed: {e}") from None
            ignore = IgnoredRuleset(self.manifest.ignored)
            self._package_tree = tree.trim_hidden_packages(True, True, ignore)
        return self._package_tree


    def package_warnings(self) -> list[str]:
        """Malformed Go code in the analysed root packages, one line each.

        dep silently leaves such packages out of the import analysis; we say so, without
        changing the outcome, so a typo does not go unnoticed.
        """
        if self._package_tree is None:
            return []
        return [f"{p.message} (package {ip} left out of the import analysis)"
                for ip, p in sorted(self._package_tree.packages.items())
                if not p.ok and not p.is_no_go]


def _working_dir(env) -> str:
    """Like Go's os.Getwd: keep $PWD (symlinks and all) when it names the current directory."""
    cwd = os.getcwd()
    pwd = env.get("PWD", "")
    if pwd and os.path.isabs(pwd):
        try:
            if os.path.samefile(pwd, cwd):
                return pwd
        except OSError:
            pass
    return cwd


def _default_gopath(env) -> str:
    home = env.get("HOME", "")
    return os.path.join(home, "go") if home else ""


def has_path_prefix(path: str, prefix: str) -> bool:
    """Path-component prefix test (``/a/bc`` is not under ``/a/b``)."""
    path, prefix = os.path.normpath(path), os.path.normpath(prefix)
    return path == prefix or path.startswith(prefix.rstrip(os.sep) + os.sep)


def find_project_root(start: str) -> str:
    here = start
    while True:
        try:
            os.stat(os.path.join(here, MANIFEST_NAME))
            return here
        except FileNotFoundError:
            pass
        except NotADirectoryError:
            pass
        except OSError as e:
            raise ProjectError(f"{os.path.join(here, MANIFEST_NAME)}: {e.strerror}") from None
        parent = os.path.dirname(here)
        if parent == here:
            raise ProjectError(NOT_FOUND)
        here = parent


def _gopath_of(path: str, gopaths: list[str]) -> str | None:
    return next((os.path.normpath(gp) for gp in gopaths if has_path_prefix(path, gp)), None)


def detect_gopath(ctx: Context, abs_root: str, resolved: str) -> str:
    """Which GOPATH holds the project; a symlinked root must have exactly one side inside one."""
    if ctx.explicit_root:
        if not ctx.gopaths:
            raise ProjectError("GOPATH is not set and no default GOPATH could be determined")
        return ctx.gopaths[0]
    p = _gopath_of(abs_root, ctx.gopaths)
    if os.path.normpath(abs_root) == os.path.normpath(resolved):
        if p is None:
            raise ProjectError(f"{abs_root} is not within a known GOPATH/src")
        return p
    r = _gopath_of(resolved, ctx.gopaths)
    if p is None and r is None:
        raise ProjectError(f"both {abs_root} and {resolved} are not within any known GOPATH")
    if p is not None and r is not None:
        if p == r:
            raise ProjectError(f"both {abs_root} and {resolved} are in the same GOPATH {p}")
        raise ProjectError(f"{abs_root} and {resolved} are both in different GOPATHs")
    return p if p is not None else r  # type: ignore[return-value]


def import_for_abs(gopath: str, path: str) -> str:
    src = os.path.join(gopath, "src")
    if has_path_prefix(path, src):
        rel = os.path.relpath(os.path.normpath(path), src)
        if rel == ".":
            raise ProjectError("root project import: dep does not currently support using GOPATH/src as the project root")
        return rel.replace(os.sep, "/")
    raise ProjectError(f"root project import: {path} is not within any GOPATH/src")


def load_project(ctx: Context) -> Project:
    """Find and read the project as dep's LoadProject does, in the same order (so errors match)."""
    root = find_project_root(ctx.working_dir)
    resolved = os.path.realpath(root)
    gopath = detect_gopath(ctx, root, resolved)
    import_root = ctx.explicit_root or import_for_abs(gopath, root)
    manifest, warnings = read_manifest(os.path.join(root, MANIFEST_NAME))
    project = Project(root, resolved, import_root, gopath, manifest, None, warnings)
    project.lock = read_lock(os.path.join(root, LOCK_NAME))
    return project
